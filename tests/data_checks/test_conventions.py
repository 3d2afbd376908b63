"""The conventions of docs/conventions.md that a test can check."""

from __future__ import annotations

import curies
import pyoxigraph as ox
import pytest
from helpers.project import REPO

from cartkg import namespaces
from cartkg.paths import Project

ONTOLOGY = REPO / "ontology" / "cartkg.ttl"
PROJECT = Project(REPO)
DATA_FILES = [f for f in PROJECT.source_files(["data"])]
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def test_prefix_map_is_a_bijection() -> None:
    prefixes = namespaces.prefix_map(ONTOLOGY)
    assert len(set(prefixes.values())) == len(prefixes)
    curies.Converter.from_prefix_map(prefixes)  # raises on duplicate or overlapping entries


def test_code_namespaces_match_the_ontology_header() -> None:
    prefixes = namespaces.prefix_map(ONTOLOGY)
    assert str(namespaces.CARTKG) == prefixes["cartkg"]
    assert str(namespaces.SHAPES) == prefixes["shape"]
    assert str(namespaces.QUERY) == prefixes["query"]
    assert str(namespaces.GRAPH) == prefixes["graph"]
    assert str(namespaces.SH) == prefixes["sh"]


PRIMARY_NAMESPACES = {
    "programs": ["program"],
    "trials": ["trial"],
    "organizations": ["organization", "person"],
    "sources": ["source"],
}


@pytest.mark.parametrize("source", DATA_FILES, ids=lambda f: f.relpath)
def test_file_stem_is_the_key_of_its_primary_subject(source) -> None:
    """A data file holds a typed subject in its folder's namespace keyed by the file stem."""
    base = "https://w3id.org/cartkg/id/"
    expected = {f"{base}{ns}/{source.key}" for ns in PRIMARY_NAMESPACES[source.kind]}
    subjects = {
        q.subject.value
        for q in ox.parse(path=str(source.path), format=ox.RdfFormat.TURTLE)
        if q.predicate == RDF_TYPE and isinstance(q.subject, ox.NamedNode)
    }
    assert len(subjects & expected) == 1, (
        f"{source.relpath}: no typed subject in {sorted(expected)}"
    )


def test_every_data_folder_has_a_primary_namespace() -> None:
    assert {f.kind for f in DATA_FILES} <= set(PRIMARY_NAMESPACES)


def test_data_subjects_use_the_instance_namespace() -> None:
    for source in DATA_FILES:
        for q in ox.parse(path=str(source.path), format=ox.RdfFormat.TURTLE):
            if isinstance(q.subject, ox.NamedNode):
                assert q.subject.value.startswith("https://w3id.org/cartkg/id/"), (
                    f"{source.relpath}: subject {q.subject.value} is outside cartkg/id/"
                )
