"""The sample of the data HermiT sees under the rules strategy, and what its run depends on."""

from __future__ import annotations

import hashlib
from collections import defaultdict

import pyoxigraph as ox

from cartkg import cache
from cartkg.dataset import Dataset
from cartkg.reason.ntriples import ntriples


def cache_key(dataset: Dataset, sample: list[ox.Quad], profile: bool) -> str | None:
    """What HermiT's run on the ontology and a sample depends on: the ontology files' bytes
    and the sampled triples (None when the sample holds a blank node, whose label is new on
    every load)."""
    lines = sorted(ntriples(sample))
    if any("_:" in line for line in lines):
        return None
    files = sorted(
        (f.source.relpath.encode(), f.source.path.read_bytes())
        for f in dataset.files
        if f.source.role == "ontology"
    )
    return cache.digest("hermit", [str(profile), *(b"\0".join(f) for f in files), *lines])


def draw_sample(dataset: Dataset, budget: int) -> list[ox.Quad]:
    """Whole entities (with their blank nodes), some of each class in turn, up to ``budget``
    data triples; the same sample for the same graph."""
    data = set(dataset.graph_names("data"))
    first_type: dict[ox.NamedNode, str] = {}
    query = "SELECT ?s ?t ?g WHERE { GRAPH ?g { ?s a ?t } FILTER(isIRI(?s)) }"
    for row in dataset.store.query(query):
        if row["g"] in data:
            subject, kind = row["s"], row["t"].value
            if subject not in first_type or kind < first_type[subject]:
                first_type[subject] = kind
    by_class: dict[str, list[ox.NamedNode]] = defaultdict(list)
    for subject, kind in first_type.items():
        by_class[kind].append(subject)
    queues = [
        sorted(v, key=lambda n: hashlib.sha256(n.value.encode()).digest(), reverse=True)
        for _, v in sorted(by_class.items())
    ]
    chosen: list[ox.Quad] = []
    while len(chosen) < budget and any(queues):
        for queue in queues:
            if queue and len(chosen) < budget:
                chosen += _described(dataset.store, queue.pop(), data)
    return chosen


def _described(store: ox.Store, node: ox.NamedNode, graphs: set[ox.NamedNode]) -> list[ox.Quad]:
    """The statements about ``node`` and, through them, about the blank nodes it holds."""
    found, todo, seen = [], [node], {node}
    while todo:
        for q in store.quads_for_pattern(todo.pop(), None, None, None):
            if q.graph_name in graphs:
                found.append(q)
                if isinstance(q.object, ox.BlankNode) and q.object not in seen:
                    seen.add(q.object)
                    todo.append(q.object)
    return found
