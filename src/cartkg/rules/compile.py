"""The ontology's axioms compiled into the form the checks use."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import OWL, RDF, RDFS, Graph, URIRef
from rdflib.collection import Collection as RdfList

from cartkg.rules.expressions import (
    And,
    DatatypeRange,
    class_expression,
    datatype_range,
    range_kind,
    refuse_unsupported,
    restrictions,
    to_ox,
)
from cartkg.rules.report import Node


@dataclass
class Rules:
    """The ontology's axioms, in the form the checks use."""

    supers: dict[ox.NamedNode, frozenset[ox.NamedNode]]
    domains: dict[ox.NamedNode, frozenset[ox.NamedNode]]
    ranges: dict[ox.NamedNode, frozenset[ox.NamedNode]]
    datatype_ranges: dict[ox.NamedNode, list[DatatypeRange]]
    functional: frozenset[ox.NamedNode]
    disjoint: dict[ox.NamedNode, frozenset[ox.NamedNode]]
    distinct: dict[Node, int]  # individual -> its owl:AllDifferent group
    defined: list[tuple[ox.NamedNode, object]]
    properties: frozenset[ox.NamedNode]  # those the defined classes look at
    inverse_properties: frozenset[ox.NamedNode]  # those they look at backwards
    required: dict[ox.NamedNode, frozenset[ox.NamedNode]]  # a defined class's named parts

    def close(self, classes: Iterable[ox.NamedNode]) -> set[ox.NamedNode]:
        found: set[ox.NamedNode] = set()
        for c in classes:
            found |= self.supers.get(c, {c})
        return found


def compile_rules(ontology: Graph) -> Rules:
    """Read the rules out of the ontology graph (ontology/ with its vocabularies)."""
    refuse_unsupported(ontology)
    n = to_ox

    direct: dict[ox.NamedNode, set[ox.NamedNode]] = defaultdict(set)
    for c, d in ontology.subject_objects(RDFS.subClassOf):
        if isinstance(c, URIRef) and isinstance(d, URIRef):
            direct[n(c)].add(n(d))
    defined = []
    for c, e in ontology.subject_objects(OWL.equivalentClass):
        if isinstance(c, URIRef) and isinstance(e, URIRef):
            direct[n(c)].add(n(e))
            direct[n(e)].add(n(c))
        elif isinstance(c, URIRef):
            expression = class_expression(ontology, e)
            defined.append((n(c), expression))
            for part in expression.parts if isinstance(expression, And) else [expression]:
                if isinstance(part, ox.NamedNode):
                    direct[n(c)].add(part)
    supers = {
        c: frozenset(_reach(c, direct))
        for c in set(direct) | {d for ds in direct.values() for d in ds}
    }

    prop_direct: dict[ox.NamedNode, set[ox.NamedNode]] = defaultdict(set)
    for p, q in ontology.subject_objects(RDFS.subPropertyOf):
        prop_direct[n(p)].add(n(q))
    domains: dict[ox.NamedNode, set[ox.NamedNode]] = defaultdict(set)
    ranges: dict[ox.NamedNode, set[ox.NamedNode]] = defaultdict(set)
    datatype_ranges: dict[ox.NamedNode, list[DatatypeRange]] = defaultdict(list)
    props = {n(p) for p in ontology.subjects(RDFS.domain, None) if isinstance(p, URIRef)}
    props |= {n(p) for p in ontology.subjects(RDFS.range, None) if isinstance(p, URIRef)}
    props |= set(prop_direct)
    for p in props:
        for q in _reach(p, prop_direct):
            for d in ontology.objects(URIRef(q.value), RDFS.domain):
                if isinstance(d, URIRef):
                    domains[p].add(n(d))
            for r in ontology.objects(URIRef(q.value), RDFS.range):
                kind = range_kind(ontology, URIRef(q.value), r)
                if kind == "class":
                    ranges[p].add(n(r))
                elif kind == "datatype":
                    datatype_ranges[p].append(datatype_range(ontology, r))

    functional = frozenset(n(p) for p in ontology.subjects(RDF.type, OWL.FunctionalProperty))
    disjoint: dict[ox.NamedNode, set[ox.NamedNode]] = defaultdict(set)
    for a, b in ontology.subject_objects(OWL.disjointWith):
        disjoint[n(a)].add(n(b))
        disjoint[n(b)].add(n(a))
    for group in ontology.subjects(RDF.type, OWL.AllDisjointClasses):
        members = [n(m) for m in RdfList(ontology, ontology.value(group, OWL.members))]
        for a in members:
            disjoint[a] |= {b for b in members if b != a}
    distinct: dict[Node, int] = {}
    for i, group in enumerate(ontology.subjects(RDF.type, OWL.AllDifferent)):
        for m in RdfList(ontology, ontology.value(group, OWL.distinctMembers)):
            distinct[n(m)] = i
    looked_at = {r.prop for _, e in defined for r in restrictions(e)}
    return Rules(
        supers=supers,
        domains={p: frozenset(v) for p, v in domains.items()},
        ranges={p: frozenset(v) for p, v in ranges.items()},
        datatype_ranges=dict(datatype_ranges),
        functional=functional,
        disjoint={c: frozenset(v) for c, v in disjoint.items()},
        distinct=distinct,
        defined=defined,
        properties=frozenset(looked_at),
        inverse_properties=frozenset(
            r.prop for _, e in defined for r in restrictions(e) if r.inverse
        ),
        required={
            c: frozenset(
                p for p in (e.parts if isinstance(e, And) else [e]) if isinstance(p, ox.NamedNode)
            )
            for c, e in defined
        },
    )


def _reach(start: ox.NamedNode, edges: dict[ox.NamedNode, set[ox.NamedNode]]) -> set[ox.NamedNode]:
    found, todo = {start}, [start]
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in found:
                found.add(nxt)
                todo.append(nxt)
    return found
