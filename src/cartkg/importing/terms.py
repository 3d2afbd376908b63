"""The namespaces importers write, and literals built from registry values."""

from __future__ import annotations

from cartkg import namespaces
from cartkg.importing.turtle import XSD, Lit

# as plain strings: the importers build their triples from text
ID = str(namespaces.ID)
V = str(namespaces.CARTKG)
C = V  # cartkg: terms
RDFS = str(namespaces.RDFS)
SKOS = str(namespaces.SKOS)
DCT = str(namespaces.DCTERMS)
SCHEMA = str(namespaces.SCHEMA)
MONDO = str(namespaces.MONDO)
REGISTRY_URL = namespaces.CTGOV_STUDY


def date_literal(value: str) -> Lit:
    """A registry date as precise as it is: ``2024`` a year, ``2024-05`` a month, else a day."""
    kind = {4: "gYear", 7: "gYearMonth"}.get(len(value), "date")
    return Lit(value, XSD + kind)
