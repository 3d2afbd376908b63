"""The namespaces importers write, and literals built from registry values."""

from __future__ import annotations

from cartkg.importing.turtle import XSD, Lit

ID = "https://w3id.org/cartkg/id/"
V = "https://w3id.org/cartkg/vocab/"
C = V  # cartkg: terms
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
SCHEMA = "https://schema.org/"
MONDO = "http://purl.obolibrary.org/obo/MONDO_"
REGISTRY_URL = "https://clinicaltrials.gov/study/"


def date_literal(value: str) -> Lit:
    """A registry date as precise as it is: ``2024`` a year, ``2024-05`` a month, else a day."""
    kind = {4: "gYear", 7: "gYearMonth"}.get(len(value), "date")
    return Lit(value, XSD + kind)
