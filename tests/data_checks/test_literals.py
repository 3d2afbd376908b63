"""Every typed literal in the project is valid for its XSD datatype.

rdflib and pySHACL accept some invalid lexical forms (rdflib reads durations with isodate, which
allows ISO 8601 weeks such as "P2W"; XSD does not), and a query engine may then fail to match the
value. So the lexical forms are checked here against the XSD 1.1 grammar.
"""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest
from helpers.project import REPO, TEST_DATA

from cartkg.paths import Project

XSD = "http://www.w3.org/2001/XMLSchema#"
LEXICAL = {
    "duration": r"-?P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?",
    "date": r"-?\d{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(Z|[+-]\d{2}:\d{2})?",
    "gYearMonth": r"-?\d{4,}-(0[1-9]|1[0-2])(Z|[+-]\d{2}:\d{2})?",
    "gYear": r"-?\d{4,}(Z|[+-]\d{2}:\d{2})?",
    "decimal": r"[+-]?(\d+(\.\d*)?|\.\d+)",
    "integer": r"[+-]?\d+",
    "boolean": r"true|false|1|0",
    "anyURI": r"\S*",
}
FILES = [f.path for f in Project(REPO).source_files()] + [TEST_DATA / "fixture.trig"]
FILES += sorted((TEST_DATA / "shapes").rglob("valid.ttl"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_typed_literals_have_valid_lexical_forms(path) -> None:
    bad = []
    for quad in ox.parse(path=str(path)):
        term = quad.object
        if isinstance(term, ox.Literal) and term.datatype.value.startswith(XSD):
            pattern = LEXICAL.get(term.datatype.value[len(XSD) :])
            if pattern and not re.fullmatch(pattern, term.value):
                bad.append(f"{term} ({quad.subject})")
    assert not bad, bad


def test_the_check_rejects_iso_weeks() -> None:
    assert not re.fullmatch(LEXICAL["duration"], "P2W")
    assert re.fullmatch(LEXICAL["duration"], "P14D") and re.fullmatch(LEXICAL["duration"], "PT48H")
