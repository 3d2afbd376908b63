"""The ``rdfs:subPropertyOf`` closure, and the inferred graphs taken out of a store and put back.

HermiT, as owlready2 runs it, leaves out annotation properties, so ``cartkg:formerName`` values
would not otherwise answer a query for ``skos:altLabel``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable

import pyoxigraph as ox

from cartkg import namespaces
from cartkg.dataset import Dataset
from cartkg.rules import INFERRED_GRAPH

RDF = str(namespaces.RDF)
RDFS = str(namespaces.RDFS)

PROPERTIES_GRAPH = f"{namespaces.GRAPH}inferred/properties"

_SUPERPROPERTIES = f"""
PREFIX rdfs: <{RDFS}>
SELECT DISTINCT ?p ?super WHERE {{ ?p rdfs:subPropertyOf+ ?super }}
"""


def subproperty_closure(
    dataset: Dataset, focus: Collection[ox.NamedNode | ox.BlankNode] | None = None
) -> list[ox.Triple]:
    """The triples that rdfs:subPropertyOf entails and the graph does not state (about the
    ``focus`` subjects only, when given)."""
    ontology = dataset.graph_names("ontology")
    if not ontology:
        return []
    graphs = set(ontology) | set(dataset.graph_names("data"))
    supers: dict[ox.NamedNode, set[ox.NamedNode]] = defaultdict(set)
    for row in dataset.store.query(_SUPERPROPERTIES, default_graph=ontology):
        supers[row["p"]].add(row["super"])
    store = dataset.store
    subjects = None if focus is None else list(focus)
    found: set[ox.Triple] = set()
    for p, ups in supers.items():
        for subject in subjects if subjects is not None else [None]:
            for q in store.quads_for_pattern(subject, p, None, None):
                if q.graph_name not in graphs:
                    continue
                for up in ups:
                    stated = any(
                        x.graph_name in graphs
                        for x in store.quads_for_pattern(q.subject, up, q.object, None)
                    )
                    if not stated:
                        found.add(ox.Triple(q.subject, up, q.object))
    return sorted(found, key=str)


def take_inferences(store: ox.Store) -> list[ox.Quad]:
    """Remove the inferred graphs from ``store`` and return their quads."""
    taken = []
    for graph in map(ox.NamedNode, (INFERRED_GRAPH, PROPERTIES_GRAPH)):
        taken += store.quads_for_pattern(None, None, None, graph)
        store.remove_graph(graph)
    return taken


def still_true(
    inferred: Iterable[ox.Quad], changed: Collection[ox.NamedNode | ox.BlankNode]
) -> list[ox.Quad]:
    """The inferences that stand when the statements about ``changed`` nodes change: all but
    those nodes' class memberships and subproperty closure (the ones between classes stay, as
    a rebuild runs only on an unchanged ontology)."""
    changed = set(changed)
    rdf_type, properties = ox.NamedNode(RDF + "type"), ox.NamedNode(PROPERTIES_GRAPH)
    return [
        q
        for q in inferred
        if q.subject not in changed or (q.graph_name != properties and q.predicate != rdf_type)
    ]
