"""Dataset assembly: one named graph per file, every triple traceable to its file."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from helpers.project import PREFIXES, REPO, write

from cartkg.dataset import Dataset
from cartkg.errors import InputError, RdfSyntaxError
from cartkg.paths import Project


def test_graph_names_follow_folder_and_stem(tmp_path: Path) -> None:
    project = Project(tmp_path)
    cases = {
        "ontology/cartkg.ttl": "https://w3id.org/cartkg/graph/ontology/cartkg",
        "ontology/vocab/phase.ttl": "https://w3id.org/cartkg/graph/vocab/phase",
        "data/trials/NCT06414135.ttl": "https://w3id.org/cartkg/graph/trials/NCT06414135",
        "data/programs/rese-cel.ttl": "https://w3id.org/cartkg/graph/programs/rese-cel",
        "shapes/trial.ttl": "https://w3id.org/cartkg/graph/shapes/trial",
    }
    for relpath, graph in cases.items():
        source = project.source_file(tmp_path / relpath)
        assert source.graph == graph
        assert source.role == relpath.split("/")[0]


def test_file_outside_the_project_is_extra(tmp_path: Path) -> None:
    source = Project(tmp_path / "p").source_file(tmp_path / "draft.ttl")
    assert (source.role, source.graph) == ("extra", "https://w3id.org/cartkg/graph/extra/draft")


def test_two_files_in_one_graph_is_an_error(project: Project) -> None:
    # a subfolder does not change the kind: this lands in graph:trials/NCT06414135 too
    write(project, "data/trials/2024/NCT06414135.ttl", "")
    with pytest.raises(InputError, match="both be loaded into"):
        project.source_files()


def test_every_file_in_its_own_graph_with_all_its_triples() -> None:
    project = Project(REPO)
    dataset = Dataset.load(project)
    files = project.source_files()
    assert len(dataset.files) == len(files) > 3
    for loaded in dataset.files:
        parsed = list(ox.parse(path=str(loaded.source.path), format=ox.RdfFormat.TURTLE))
        in_graph = list(
            dataset.store.quads_for_pattern(None, None, None, ox.NamedNode(loaded.source.graph))
        )
        assert len(in_graph) == len(parsed) == loaded.triples, loaded.source.relpath
    assert len(dataset.store) == dataset.triple_count
    assert not list(dataset.store.quads_for_pattern(None, None, None, ox.DefaultGraph()))


def test_files_describing_traces_a_node_to_its_files() -> None:
    dataset = Dataset.load(Project(REPO))
    trial = ox.NamedNode("https://w3id.org/cartkg/id/trial/NCT06414135")
    assert dataset.files_describing(trial) == ["data/trials/NCT06414135.ttl"]


def test_syntax_errors_name_file_line_and_column_for_every_bad_file(project: Project) -> None:
    write(project, "data/trials/NCT00000001.ttl", 'trial:a cartkg:nctId "unterminated .\n')
    write(project, "data/trials/NCT00000002.ttl", "trial:b rdfs:label 'x' ;\n  nope:x 1 .\n")
    with pytest.raises(RdfSyntaxError) as caught:
        Dataset.load(project)
    problems = {p.file: p for p in caught.value.problems}
    assert set(problems) == {"data/trials/NCT00000001.ttl", "data/trials/NCT00000002.ttl"}
    second = problems["data/trials/NCT00000002.ttl"]
    line = PREFIXES.count("\n") + 2  # the line after the prefixes and the first triple line
    assert (second.line, second.column) == (line, 3)
    assert "nope" in second.message
    assert str(second).startswith(f"data/trials/NCT00000002.ttl:{line}:3: ")


def test_same_blank_node_label_in_two_files_is_two_nodes(project: Project) -> None:
    write(project, "data/notes/a.ttl", '_:x rdfs:label "from a" .')
    write(project, "data/notes/b.ttl", '_:x rdfs:label "from b" .')
    dataset = Dataset.load(project, roles=("data",))
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    subjects = {
        q.subject
        for q in dataset.store.quads_for_pattern(None, label, None, None)
        if q.object.value.startswith("from ")
    }
    assert len(subjects) == 2
