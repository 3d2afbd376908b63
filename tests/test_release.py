"""`cartkg release`: a dated, checked, reproducible set of files."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyoxigraph as ox
import pytest
from helpers.project import REPO, CliRun, write
from rdflib import Graph
from rdflib.compare import isomorphic

from cartkg.paths import Project
from cartkg.release import check_version

VERSION_IRI = "https://w3id.org/cartkg/releases/2026-01-31/cartkg.ttl"
OWL = "http://www.w3.org/2002/07/owl#"
EXPECTED_FILES = {
    "SHA256SUMS",
    "cartkg.ttl",
    "cartkg.owl",
    "cartkg-dataset.trig",
    "cartkg-dataset.nq",
    "cartkg-dataset.jsonld",
    "shapes.ttl",
    "queries.ttl",
    "validation-report.ttl",
}


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@pytest.fixture(scope="module")
def two_releases(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    from typer.testing import CliRunner

    from cartkg.cli import app

    folders = []
    for name in ("first", "second"):
        folder = tmp_path_factory.mktemp(name) / "dist"
        result = CliRunner().invoke(
            app, ["--root", str(REPO), "release", "--version", "2026-01-31", "--out", str(folder)]
        )
        assert result.exit_code == 0, result.output
        folders.append(folder)
    return folders[0], folders[1]


def test_release_holds_every_file(two_releases: tuple[Path, Path]) -> None:
    files = files_of(two_releases[0])
    assert set(files) >= EXPECTED_FILES
    queries = {p.name for p in (REPO / "queries").glob("*.rq")}
    assert {n.removeprefix("queries/") for n in files if n.startswith("queries/")} == queries


def test_two_releases_of_the_same_input_are_byte_identical(two_releases: tuple[Path, Path]) -> None:
    first, second = (files_of(f) for f in two_releases)
    assert first.keys() == second.keys()
    different = [name for name in first if first[name] != second[name]]
    assert different == []


def test_sha256sums_match_the_files(two_releases: tuple[Path, Path]) -> None:
    folder = two_releases[0]
    lines = (folder / "SHA256SUMS").read_text().splitlines()
    listed = {}
    for line in lines:
        digest, name = line.split("  ", 1)
        listed[name] = digest
    assert set(listed) == set(files_of(folder)) - {"SHA256SUMS"}
    for name, digest in listed.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name


@pytest.mark.parametrize(("name", "fmt"), [("cartkg.ttl", "turtle"), ("cartkg.owl", "xml")])
def test_ontology_is_stamped_with_the_version(
    two_releases: tuple[Path, Path], name: str, fmt: str
) -> None:
    graph = Graph().parse(two_releases[0] / name, format=fmt)
    rows = list(
        graph.query(
            "SELECT ?iri ?info WHERE "
            "{ ?o a owl:Ontology ; owl:versionIRI ?iri ; owl:versionInfo ?info }",
            initNs={"owl": OWL},
        )
    )
    assert [(str(r[0]), str(r[1])) for r in rows] == [(VERSION_IRI, "2026-01-31")]


def test_the_two_ontology_forms_hold_the_same_graph(two_releases: tuple[Path, Path]) -> None:
    folder = two_releases[0]
    turtle = Graph().parse(folder / "cartkg.ttl", format="turtle")
    rdfxml = Graph().parse(folder / "cartkg.owl", format="xml")
    assert len(turtle) > 3000
    assert isomorphic(turtle, rdfxml)


def test_dataset_forms_hold_the_same_quads(two_releases: tuple[Path, Path]) -> None:
    folder = two_releases[0]
    forms = {
        name: ox.Dataset(ox.parse(path=str(folder / name), format=fmt))
        for name, fmt in [
            ("cartkg-dataset.nq", ox.RdfFormat.N_QUADS),
            ("cartkg-dataset.trig", ox.RdfFormat.TRIG),
            ("cartkg-dataset.jsonld", ox.RdfFormat.JSON_LD),
        ]
    }
    for dataset in forms.values():
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    canonical = {name: sorted(map(str, d)) for name, d in forms.items()}
    nquads = canonical["cartkg-dataset.nq"]
    assert len(nquads) > 7000
    assert canonical["cartkg-dataset.trig"] == nquads
    assert canonical["cartkg-dataset.jsonld"] == nquads
    graphs = {q.graph_name.value for q in forms["cartkg-dataset.nq"]}
    assert "https://w3id.org/cartkg/graph/inferred/classes" in graphs
    assert "https://w3id.org/cartkg/graph/queries/trials" in graphs


def test_validation_report_is_the_builds(two_releases: tuple[Path, Path], real_build) -> None:
    report = Graph().parse(two_releases[0] / "validation-report.ttl", format="turtle")
    rows = list(
        report.query(
            "SELECT ?conforms (COUNT(?r) AS ?n) WHERE { ?v sh:conforms ?conforms . "
            "OPTIONAL { ?v sh:result ?r } } GROUP BY ?conforms",
            initNs={"sh": "http://www.w3.org/ns/shacl#"},
        )
    )
    results = real_build[1].validation.results
    assert results and all(r.severity != "Violation" for r in results)
    assert [(r[0].toPython(), int(r[1])) for r in rows] == [(True, len(results))]


@pytest.mark.parametrize("version", ["2026-1-31", "2026-02-30", "v1.0", "20260131"])
def test_version_must_be_a_date(version: str) -> None:
    from cartkg.errors import InputError

    with pytest.raises(InputError, match="is not a date YYYY-MM-DD"):
        check_version(version)


def test_release_of_failing_data_writes_nothing(
    project: Project, cli: CliRun, tmp_path: Path
) -> None:
    write(project, "data/trials/NCT99999999.ttl", "trial:NCT99999999 a cartkg:ClinicalTrial .\n")
    out = tmp_path / "dist"
    result = cli(project, "release", "--version", "2026-01-31", "--out", str(out))
    assert result.exit_code == 1
    assert "build failed" in result.stderr
    assert not out.exists()


def test_release_will_not_replace_a_folder_that_is_not_a_release(
    cli: CliRun, tmp_path: Path
) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    result = cli(Project(REPO), "release", "--version", "2026-01-31", "--out", str(out))
    assert result.exit_code == 2
    assert "not a cartkg release" in result.stderr
    assert (out / "notes.txt").read_text() == "keep me"
