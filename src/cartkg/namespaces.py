"""Namespaces the code names, and the project's prefix map, declared once in the ontology header.

The ontology header lists every prefix as a SHACL prefix declaration (``sh:declare``), so shapes,
queries, the formatter and the CLI all read the same map from one place.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import curies
import pyoxigraph as ox
from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from cartkg.errors import InputError

# Every namespace and fixed IRI the code names is written here once (tests/test_architecture.py
# finds any other copy); the W3C ones come from rdflib.
W3ID = "https://w3id.org/cartkg/"  # the project's own IRIs, as against imported terms
CARTKG = Namespace(f"{W3ID}vocab/")
ID = Namespace(f"{W3ID}id/")
SHAPES = Namespace(f"{W3ID}shapes/")
QUERY = Namespace(f"{W3ID}query/")
GRAPH = Namespace(f"{W3ID}graph/")
RELEASES = Namespace(f"{W3ID}releases/")
NAME_ENTRY = Namespace(f"{ID}name/")  # the entries of the name index
VERIFICATION = Namespace(f"{CARTKG}verification/")
RELIABILITY = Namespace(f"{CARTKG}reliability/")
SH = Namespace("http://www.w3.org/ns/shacl#")
SCHEMA = Namespace("https://schema.org/")
MONDO = Namespace("http://purl.obolibrary.org/obo/MONDO_")
CTGOV_STUDY = "https://clinicaltrials.gov/study/"  # a registry record's page: + NCT id
CTGOV_API = "https://clinicaltrials.gov/api/v2/studies"
PUBMED = "https://pubmed.ncbi.nlm.nih.gov/"
OWLREADY_INFERENCES = "http://inferrences/"  # where owlready2 puts what HermiT inferred

# the namespaces a test looks for outside this module
NAMESPACES = (
    W3ID, str(SH), str(SCHEMA), str(MONDO), CTGOV_STUDY, CTGOV_API, PUBMED,
    OWLREADY_INFERENCES.rstrip("/"), str(DCTERMS), str(OWL), str(RDF), str(RDFS), str(SKOS),
    str(XSD),
)  # fmt: skip

_PREFIX_QUERY = """
PREFIX sh: <http://www.w3.org/ns/shacl#>
SELECT ?prefix ?namespace WHERE {
  ?ontology a <http://www.w3.org/2002/07/owl#Ontology> ; sh:declare ?d .
  ?d sh:prefix ?prefix ; sh:namespace ?namespace .
}
"""


def prefix_map(ontology_file: Path) -> dict[str, str]:
    """The prefix map declared in the ontology header, in declaration-independent sorted order."""
    return dict(_prefix_map(ontology_file.resolve(), ontology_file.stat().st_mtime_ns))


@lru_cache(maxsize=4)
def _prefix_map(path: Path, _mtime: int) -> tuple[tuple[str, str], ...]:
    store = ox.Store()
    try:
        store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    except SyntaxError as e:
        raise InputError(f"{path}: cannot read the prefix map: {e}") from None
    pairs: dict[str, str] = {}
    for row in store.query(_PREFIX_QUERY):
        prefix, namespace = row["prefix"].value, row["namespace"].value
        if pairs.get(prefix, namespace) != namespace:
            raise InputError(f"{path}: prefix {prefix!r} is declared twice, with two namespaces")
        pairs[prefix] = namespace
    if not pairs:
        raise InputError(f"{path}: the ontology header declares no prefixes (sh:declare)")
    return tuple(sorted(pairs.items()))


def converter(ontology_file: Path) -> curies.Converter:
    """A CURIE converter over the project's prefix map (fails on a namespace declared twice)."""
    return _converter(ontology_file.resolve(), ontology_file.stat().st_mtime_ns)


@lru_cache(maxsize=4)  # building one indexes every prefix: reuse it while the file is unchanged
def _converter(path: Path, _mtime: int) -> curies.Converter:
    return curies.Converter.from_prefix_map(prefix_map(path))


def sparql_prologue(prefixes: dict[str, str]) -> str:
    """PREFIX declarations for every prefix of the map."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in prefixes.items())


def show_term(term: Node | None, converter: curies.Converter) -> str:
    """A term as a reader wants it: a CURIE where the prefix map allows, else <IRI>; a literal's
    text; a blank node's label."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return converter.compress(str(term)) or f"<{term}>"
    if isinstance(term, Literal):
        return str(term)
    return f"_:{term}"
