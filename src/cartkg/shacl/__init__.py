"""SHACL validation, in parts whose imports go one way:

- :mod:`cartkg.shacl.results`: the results and the report (engine-neutral);
- :mod:`cartkg.shacl.sparql`: the shapes compiled to SPARQL and run on the store, one module per
  family of constraints;
- :mod:`cartkg.shacl.pyshacl_engine`: pySHACL, the reference and the fallback, and the
  SHACL-SHACL check of the shapes;
- :mod:`cartkg.shacl.runner`: ``validate``, which picks the engine.
"""

from cartkg.shacl.pyshacl_engine import check_shapes
from cartkg.shacl.results import (
    SEVERITIES,
    ValidationReport,
    ValidationResult,
    carry_over,
    load_results,
    save_results,
)
from cartkg.shacl.runner import validate
from cartkg.shacl.sparql import UnsupportedShapes, validate_store

__all__ = [
    "SEVERITIES",
    "UnsupportedShapes",
    "ValidationReport",
    "ValidationResult",
    "carry_over",
    "check_shapes",
    "load_results",
    "save_results",
    "validate",
    "validate_store",
]
