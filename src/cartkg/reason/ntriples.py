"""The graph as N-Triples lines for owlready2, which cannot read Turtle, and nodes as text.

HermiT accepts only literals whose datatype is in the OWL 2 datatype map; ``xsd:date`` and the
partial dates (``xsd:gYearMonth``, ``xsd:gYear``) are not, so the lines carry those literals as
strings. Their values are checked by SHACL instead.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import pyoxigraph as ox

from cartkg import namespaces
from cartkg.rules import CHECKED_LEXICAL, OWL2_DATATYPES, ill_typed

OWL = str(namespaces.OWL)


def plain(node: ox.NamedNode | ox.BlankNode) -> str:
    return node.value if isinstance(node, ox.NamedNode) else str(node)


def from_plain(text: str) -> ox.NamedNode | ox.BlankNode:
    """The node that ``plain`` wrote as ``text``."""
    return ox.BlankNode(text[2:]) if text.startswith("_:") else ox.NamedNode(text)


def _owl_safe(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
    """N-Triples for ``term``, with literals outside the OWL 2 datatype map made strings."""
    if (
        isinstance(term, ox.Literal)
        and not term.language
        and (
            term.datatype.value not in OWL2_DATATYPES
            or (term.datatype.value in CHECKED_LEXICAL and ill_typed(term))
        )
    ):
        return str(ox.Literal(term.value))
    return str(term)


def ntriples(quads: Iterable[ox.Quad]) -> list[str]:
    imports = ox.NamedNode(OWL + "imports")
    return [
        f"{_owl_safe(q.subject)} {q.predicate} {_owl_safe(q.object)} .\n"
        for q in quads
        if q.predicate != imports  # imports are loaded from ontology/imports/, never fetched
    ]


def subject_groups(quads: Iterable[ox.Quad]) -> dict[str, list[str]]:
    """Data triples grouped by the named subject they describe (blank nodes go with it)."""
    quads = list(quads)
    owner: dict[ox.BlankNode, ox.NamedNode] = {}
    for q in quads:
        if isinstance(q.object, ox.BlankNode) and isinstance(q.subject, ox.NamedNode):
            owner.setdefault(q.object, q.subject)
    groups: dict[str, list[str]] = defaultdict(list)
    for q in quads:
        subject = q.subject
        seen = set()
        while isinstance(subject, ox.BlankNode) and subject in owner and subject not in seen:
            seen.add(subject)
            subject = owner[subject]
        key = subject.value if isinstance(subject, ox.NamedNode) else "_:orphans"
        groups[key].append(f"{_owl_safe(q.subject)} {q.predicate} {_owl_safe(q.object)} .\n")
    return dict(groups)
