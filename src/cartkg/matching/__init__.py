"""Patient-to-trial matching: a profile in, a verdict per trial and per criterion out."""

from cartkg.matching.engine import TrialResult, match_patient
from cartkg.matching.profile import ProfileError, check, read_profile, schema

__all__ = ["ProfileError", "TrialResult", "check", "match_patient", "read_profile", "schema"]
