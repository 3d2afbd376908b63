"""What a consistency check found: the culprits of an inconsistency, the inferences, the profile."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from cartkg.reason.closure import PROPERTIES_GRAPH
from cartkg.reason.ntriples import from_plain
from cartkg.rules import INFERRED_GRAPH


@dataclass(frozen=True)
class Culprit:
    """An individual whose statements take part in an inconsistency."""

    iri: str
    types: list[str]
    files: list[str]
    why: str = ""  # the rule it breaks, when the rules found it


@dataclass
class ReasonReport:
    consistent: bool
    unsatisfiable: list[str] = field(default_factory=list)
    culprits: list[Culprit] = field(default_factory=list)
    explained: bool = False
    inferred: list[tuple[str, str, str]] = field(default_factory=list)
    property_closure: list[ox.Triple] = field(default_factory=list)
    profile_checked: bool = False
    profile_violations: list[str] = field(default_factory=list)
    profile_note: str = ""
    runs: int = 0
    seconds: float = 0.0
    strategy: str = "hermit"  # hermit | rules | focus (see ``reason``)
    sampled_triples: int = 0  # data triples HermiT saw, under the rules strategy
    why: str = ""  # why this strategy ran (the graph's size, a request, an unsupported axiom)
    cached: bool = False  # HermiT's run on this ontology and sample was reused (cartkg.cache)

    @property
    def ok(self) -> bool:
        return self.consistent and not self.unsatisfiable and not self.profile_violations

    def inferred_quads(self) -> list[ox.Quad]:
        """The inferences, HermiT's or the rules', and the subproperty closure, each in its
        own named graph."""
        graph = ox.NamedNode(INFERRED_GRAPH)
        properties = ox.NamedNode(PROPERTIES_GRAPH)
        return [
            ox.Quad(from_plain(s), ox.NamedNode(p), ox.NamedNode(o), graph)
            for s, p, o in self.inferred
        ] + [ox.Quad(t.subject, t.predicate, t.object, properties) for t in self.property_closure]
