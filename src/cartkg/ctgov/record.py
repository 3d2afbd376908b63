"""Typed access to a ClinicalTrials.gov API v2 study record, failing with the field's path.

Every accessor takes the enclosing object and its path ("protocolSection.statusModule") and
raises :class:`RecordError` naming the full path of a field that has the wrong type or an
unknown value. Empty strings count as missing. Unknown keys are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from cartkg.importing.report import RecordError

_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")

OVERALL_STATUS = (
    "ACTIVE_NOT_RECRUITING", "COMPLETED", "ENROLLING_BY_INVITATION", "NOT_YET_RECRUITING",
    "RECRUITING", "SUSPENDED", "TERMINATED", "WITHDRAWN", "AVAILABLE", "NO_LONGER_AVAILABLE",
    "TEMPORARILY_NOT_AVAILABLE", "APPROVED_FOR_MARKETING", "WITHHELD", "UNKNOWN",
)  # fmt: skip
STUDY_TYPES = ("INTERVENTIONAL", "OBSERVATIONAL", "EXPANDED_ACCESS")
PHASES = ("NA", "EARLY_PHASE1", "PHASE1", "PHASE2", "PHASE3", "PHASE4")
ALLOCATIONS = ("RANDOMIZED", "NON_RANDOMIZED", "NA")
MODELS = ("SINGLE_GROUP", "PARALLEL", "CROSSOVER", "FACTORIAL", "SEQUENTIAL")
PURPOSES = (
    "TREATMENT", "PREVENTION", "DIAGNOSTIC", "ECT", "SUPPORTIVE_CARE", "SCREENING",
    "HEALTH_SERVICES_RESEARCH", "BASIC_SCIENCE", "DEVICE_FEASIBILITY", "OTHER",
)  # fmt: skip
MASKINGS = ("NONE", "SINGLE", "DOUBLE", "TRIPLE", "QUADRUPLE")
WHO_MASKED = ("PARTICIPANT", "CARE_PROVIDER", "INVESTIGATOR", "OUTCOMES_ASSESSOR")
SEXES = ("FEMALE", "MALE", "ALL")
DATE_TYPES = ("ACTUAL", "ESTIMATED")
AGENCY_CLASSES = (
    "NIH", "FED", "OTHER_GOV", "INDIV", "INDUSTRY", "NETWORK", "AMBIG", "OTHER", "UNKNOWN",
)  # fmt: skip
PARTY_TYPES = ("SPONSOR", "PRINCIPAL_INVESTIGATOR", "SPONSOR_INVESTIGATOR")
ARM_TYPES = (
    "EXPERIMENTAL", "ACTIVE_COMPARATOR", "PLACEBO_COMPARATOR", "SHAM_COMPARATOR",
    "NO_INTERVENTION", "OTHER",
)  # fmt: skip
INTERVENTION_TYPES = (
    "BEHAVIORAL", "BIOLOGICAL", "COMBINATION_PRODUCT", "DEVICE", "DIAGNOSTIC_TEST",
    "DIETARY_SUPPLEMENT", "DRUG", "GENETIC", "PROCEDURE", "RADIATION", "OTHER",
)  # fmt: skip
OFFICIAL_ROLES = ("STUDY_CHAIR", "STUDY_DIRECTOR", "PRINCIPAL_INVESTIGATOR", "SUB_INVESTIGATOR")
REFERENCE_TYPES = ("BACKGROUND", "RESULT", "DERIVED")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$", re.ASCII)
_AGE = re.compile(
    r"^(\d+(?:\.\d+)?)\s+(Years?|Months?|Weeks?|Days?|Hours?|Minutes?)$", re.I | re.ASCII
)
_TYPE_NAMES = {dict: "an object", list: "a list", str: "a string", bool: "true or false"}


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    return _TYPE_NAMES.get(type(value), type(value).__name__)


def clean(text: str) -> str:
    """Text safe to write: no control characters or lone surrogates, trimmed, LF line ends."""
    if text.isprintable():  # no control character, line end or surrogate: only trimming to do
        return text.strip()
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _UNSAFE.sub("\ufffd", text).strip()


def _typed(parent: dict, path: str, key: str, ok: Callable[[Any], bool], expected: str) -> Any:
    """The field's value, None when absent; a RecordError when ``ok`` rejects it."""
    value = parent.get(key)
    if value is not None and not ok(value):
        raise RecordError(f"{path}.{key}", f"expected {expected}, got {_kind(value)}")
    return value


def obj(parent: dict, path: str, key: str) -> dict | None:
    return _typed(parent, path, key, lambda v: isinstance(v, dict), "an object")


def items(parent: dict, path: str, key: str) -> list[tuple[str, dict]]:
    """The objects of a list field, each with its path (``...conditions[2]``)."""
    value = parent.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise RecordError(f"{path}.{key}", f"expected a list, got {_kind(value)}")
    out = []
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            raise RecordError(f"{path}.{key}[{i}]", f"expected an object, got {_kind(item)}")
        out.append((f"{path}.{key}[{i}]", item))
    return out


def texts(parent: dict, path: str, key: str) -> list[str]:
    """The non-empty strings of a list-of-strings field, in order, without duplicates."""
    value = parent.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise RecordError(f"{path}.{key}", f"expected a list of strings, got {_kind(value)}")
    out: list[str] = []
    for i, item in enumerate(value):
        if not isinstance(item, str):
            raise RecordError(f"{path}.{key}[{i}]", f"expected a string, got {_kind(item)}")
        item = clean(item)
        if item and item not in out:
            out.append(item)
    return out


def text(parent: dict, path: str, key: str, required: bool = False) -> str | None:
    value = parent.get(key)
    if value is not None and not isinstance(value, str):
        raise RecordError(f"{path}.{key}", f"expected a string, got {_kind(value)}")
    value = clean(value) if value else None
    if not value and required:
        raise RecordError(f"{path}.{key}", "missing or empty")
    return value or None


def enum(parent: dict, path: str, key: str, allowed: Iterable[str]) -> str | None:
    value = text(parent, path, key)
    if value is not None and value not in allowed:
        shown = value if len(value) <= 40 else value[:40] + "..."
        raise RecordError(
            f"{path}.{key}", f"unknown value {shown!r} (expected one of the API's values)"
        )
    return value


def enums(parent: dict, path: str, key: str, allowed: Iterable[str]) -> list[str]:
    values = texts(parent, path, key)
    for i, value in enumerate(values):
        if value not in allowed:
            raise RecordError(f"{path}.{key}[{i}]", f"unknown value {value[:40]!r}")
    return values


def flag(parent: dict, path: str, key: str) -> bool | None:
    return _typed(parent, path, key, lambda v: isinstance(v, bool), "true or false")


def count(parent: dict, path: str, key: str) -> int | None:
    def whole(v: Any) -> bool:
        return isinstance(v, int) and not isinstance(v, bool)

    value = _typed(parent, path, key, whole, "a whole number")
    if value is not None and value < 0:
        raise RecordError(f"{path}.{key}", f"expected a number from 0, got {value}")
    return value


def number(parent: dict, path: str, key: str, low: float, high: float) -> float | None:
    def numeric(v: Any) -> bool:
        return isinstance(v, int | float) and not isinstance(v, bool)

    value = _typed(parent, path, key, numeric, "a number")
    if value is None:
        return None
    if not low <= value <= high:
        raise RecordError(f"{path}.{key}", f"expected a number from {low} to {high}, got {value}")
    return value


def date(parent: dict, path: str, key: str) -> str | None:
    """A date as the registry gives it, to the day, month or year ("2024-05")."""
    value = text(parent, path, key)
    if value is None:
        return None
    m = _DATE.match(value)
    if not m:
        raise RecordError(
            f"{path}.{key}", f"not a date (YYYY, YYYY-MM or YYYY-MM-DD): {value[:40]!r}"
        )
    year, month, day = m.groups()
    if month and not 1 <= int(month) <= 12:
        raise RecordError(f"{path}.{key}", f"no month {month} in {value!r}")
    if day:
        import calendar

        if not 1 <= int(day) <= calendar.monthrange(int(year), int(month))[1]:
            raise RecordError(f"{path}.{key}", f"no day {day} in {value!r}")
    if int(year) < 1000:
        raise RecordError(f"{path}.{key}", f"year out of range in {value!r}")
    return value


def date_struct(parent: dict, path: str, key: str) -> tuple[str, str | None] | None:
    """(date, ACTUAL | ESTIMATED | None) of a {date, type} struct."""
    struct = obj(parent, path, key)
    if struct is None:
        return None
    where = f"{path}.{key}"
    value = date(struct, where, "date")
    kind = enum(struct, where, "type", DATE_TYPES)
    if value is None:
        if kind is not None:
            raise RecordError(f"{where}.date", "missing, though the date's type is given")
        return None
    return value, kind


def age(parent: dict, path: str, key: str) -> tuple[float, str] | None:
    """(number, unit word in the singular, lower case) of an age such as "18 Years"."""
    value = text(parent, path, key)
    if value is None or value.upper() == "N/A":
        return None
    m = _AGE.match(value)
    if not m:
        raise RecordError(f"{path}.{key}", f"not an age such as '18 Years': {value[:40]!r}")
    unit = m.group(2).lower().rstrip("s")
    return float(m.group(1)), unit
