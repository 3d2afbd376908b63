"""The stored queries' golden cases: the fixture graph (tests/data/fixture.trig, beside the
project's ontology), a client on it, and results normalized as the tests compare them."""

from __future__ import annotations

from collections import Counter

import pyoxigraph as ox
import yaml
from rdflib.query import Result

from cartkg.dataset import Dataset
from cartkg.names import index_names
from cartkg.namespaces import converter, prefix_map
from cartkg.paths import Project
from cartkg.queries import EmbeddedClient, load_queries
from helpers.project import REPO, TEST_DATA

ONTOLOGY = REPO / "ontology" / "cartkg.ttl"
QUERIES = load_queries(REPO / "queries")
CASES = yaml.safe_load((TEST_DATA / "golden" / "cases.yaml").read_text())


def fixture_dataset() -> Dataset:
    """The fixture graph beside the project's ontology, value lists and imports."""
    dataset = Dataset.load(Project(REPO), roles=("ontology",))
    dataset.store.load(path=str(TEST_DATA / "fixture.trig"), format=ox.RdfFormat.TRIG)
    return dataset


def fixture_client() -> EmbeddedClient:
    store = fixture_dataset().store
    index_names(store, converter(ONTOLOGY))  # as a build does: parameters take names
    return EmbeddedClient(store, REPO / "queries", converter(ONTOLOGY), prefix_map(ONTOLOGY))


def normalized(result: Result, ordered: bool, concatenated: list[str]) -> list | Counter:
    """The rows in order, or as a multiset: a row given twice must be expected twice."""
    rows = []
    for binding in result.bindings:
        row = []
        for var in result.vars:
            value = binding.get(var)
            if str(var) in concatenated:
                # engines differ on GROUP_CONCAT over only unbound values: "" or unbound
                # compared as a set of words: a part's own spaces make the separators ambiguous
                parts = str(value).replace(" | ", " ").replace(", ", " ").split(" ")
                value = tuple(sorted(parts)) if value else ()
            row.append((str(var), value))
        rows.append(tuple(row))
    return rows if ordered else Counter(rows)
