"""What the rules found: the inconsistencies and the inferred defined classes."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import RDF

from cartkg.namespaces import GRAPH

INFERRED_GRAPH = f"{GRAPH}inferred/classes"  # whichever engine infers
TYPE = ox.NamedNode(str(RDF.type))
Node = ox.NamedNode | ox.BlankNode


class UnsupportedOntology(Exception):
    """The ontology uses an axiom the rules do not implement."""


@dataclass(frozen=True)
class Problem:
    """One inconsistency: what rule, about which node, and why."""

    kind: str  # disjoint | functional | datatype
    node: Node
    detail: str


@dataclass
class RuleReport:
    problems: list[Problem] = field(default_factory=list)
    inferred: list[tuple[Node, ox.NamedNode]] = field(default_factory=list)  # defined classes

    @property
    def consistent(self) -> bool:
        return not self.problems

    def inferred_quads(self) -> list[ox.Quad]:
        graph = ox.NamedNode(INFERRED_GRAPH)
        return [ox.Quad(node, TYPE, cls, graph) for node, cls in self.inferred]
