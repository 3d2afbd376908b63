"""cartkg build on a built store: only the changed data files are parsed and checked again.

A rebuild must leave the store exactly as a full build of the same files would, refuse a
broken edit as a full build would (keeping the old store), and fall back to a full build when
the ontology, the shapes or the queries change.
"""

from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox
import pytest
from helpers.builds import BROKEN_TRIAL, trial_rows
from helpers.project import CliRun, trial_files, write

from cartkg.build import BuildFailed, build
from cartkg.paths import Project
from cartkg.store import open_store

NEW_TRIAL = (
    'trial:NCT00000001 a cartkg:ClinicalTrial ; rdfs:label "A new trial" ;\n'
    '  cartkg:nctId "NCT00000001" ; cartkg:sponsor organization:cabaletta-bio ;\n'
    "  dcterms:source source:clinconnect-nct06414135 .\n"
)
RESE_CEL = "data/programs/rese-cel.ttl"


def ground_quads(store: Path) -> set[ox.Quad]:
    """The stored quads without blank nodes (their labels differ from build to build)."""
    return {
        q
        for q in open_store(store)
        if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)
    }


def trial_ids(project: Project, store: Path) -> set[str]:
    return {value for row in trial_rows(project, store) for value in row}


def quad_count(store: Path) -> int:
    return len(open_store(store))


def same_as_a_full_build(project: Project, store: Path) -> None:
    fresh = project.root / "fresh"
    build(project, fresh, full=True)
    assert ground_quads(store) == ground_quads(fresh)
    assert quad_count(store) == quad_count(fresh)


@pytest.fixture
def built(project: Project) -> tuple[Project, Path]:
    store = project.root / "store"
    report = build(project, store)
    assert not report.incremental
    return project, store


def test_a_new_file_is_the_only_one_parsed_and_the_store_matches_a_full_build(built) -> None:
    project, store = built
    write(project, "data/trials/NCT00000001.ttl", NEW_TRIAL)
    report = build(project, store)
    assert report.incremental
    assert report.changed == ["data/trials/NCT00000001.ttl"]
    assert report.reasoning is not None and report.reasoning.strategy == "focus"
    assert "NCT00000001" in trial_ids(project, store)
    assert report.counts["trials"] == len(trial_files(project))
    same_as_a_full_build(project, store)


def test_an_edited_file_replaces_its_graph(built) -> None:
    project, store = built
    path = project.root / RESE_CEL
    path.write_text(
        path.read_text().replace("rese-cel", "rese-cel", 1)
        + '\nproduct:rese-cel rdfs:comment "edited for the rebuild test"@en .\n'
    )
    report = build(project, store)
    assert report.incremental and report.changed == [RESE_CEL]
    same_as_a_full_build(project, store)


def test_an_edit_that_changes_an_inferred_class_updates_the_inference(built) -> None:
    project, store = built
    write(
        project,
        "data/programs/rese-cel-dual.ttl",
        "@prefix antigen: <https://w3id.org/cartkg/vocab/antigen/> .\n"
        "@prefix construct: <https://w3id.org/cartkg/id/construct/> .\n"
        "construct:rese-cel cartkg:targetAntigen antigen:BCMA .\n",
    )
    assert build(project, store).incremental
    dual = ox.Quad(
        ox.NamedNode("https://w3id.org/cartkg/id/product/rese-cel"),
        ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
        ox.NamedNode("https://w3id.org/cartkg/vocab/DualTargetingProduct"),
        ox.NamedNode("https://w3id.org/cartkg/graph/inferred/classes"),
    )
    assert dual in ground_quads(store)
    (project.root / "data/programs/rese-cel-dual.ttl").unlink()
    assert build(project, store).incremental
    assert dual not in ground_quads(store)
    same_as_a_full_build(project, store)


def test_a_removed_file_leaves_the_store(built) -> None:
    project, store = built
    write(project, "data/trials/NCT00000001.ttl", NEW_TRIAL)
    build(project, store)
    (project.root / "data/trials/NCT00000001.ttl").unlink()
    report = build(project, store)
    assert report.incremental and report.changed == ["data/trials/NCT00000001.ttl"]
    assert "NCT00000001" not in trial_ids(project, store)
    same_as_a_full_build(project, store)


def test_a_broken_edit_fails_and_keeps_the_old_store(built) -> None:
    project, store = built
    before, link = trial_rows(project, store), os.readlink(store)
    write(project, "data/trials/NCT00000009.ttl", BROKEN_TRIAL)
    with pytest.raises(BuildFailed) as caught:
        build(project, store)
    assert caught.value.report.incremental
    results = caught.value.report.validation.results
    shapes = {r.shape for r in results if r.severity == "Violation"}
    assert shapes == {"shape:ClinicalTrial-label", "shape:ClinicalTrial-sponsor"}
    assert os.readlink(store) == link and trial_rows(project, store) == before


def test_an_inconsistent_edit_fails_and_names_the_node(built) -> None:
    project, store = built
    link = os.readlink(store)
    write(project, "data/trials/NCT06414135-twice.ttl", 'trial:NCT06414135 cartkg:nctId "X" .\n')
    with pytest.raises(BuildFailed, match="inconsistent") as caught:
        build(project, store)
    culprits = [c.iri for c in caught.value.report.reasoning.culprits]
    assert culprits == ["https://w3id.org/cartkg/id/trial/NCT06414135"]
    assert os.readlink(store) == link


def test_a_change_to_the_shapes_means_a_full_build(built) -> None:
    project, store = built
    shapes = sorted((project.root / "shapes").glob("*.ttl"))[0]
    shapes.write_text(shapes.read_text() + "\n# a comment changes the digest\n")
    assert not build(project, store).incremental


def test_full_forces_a_full_build(built, cli: CliRun) -> None:
    project, store = built
    write(project, "data/trials/NCT00000001.ttl", NEW_TRIAL)
    result = cli(project, "build", "--store", str(store))
    assert result.exit_code == 0, result.stderr
    assert "Rebuild: parsed and checked again only what changed" in result.stdout
    assert "data/trials/NCT00000001.ttl" in result.stdout
    result = cli(project, "build", "--store", str(store), "--full")
    assert result.exit_code == 0, result.stderr
    assert "Rebuild:" not in result.stdout


def _results(report) -> set[tuple[str, str, str]]:
    return {(r.focus_node, r.shape, r.severity) for r in report.validation.results}


def test_a_rebuild_reports_the_warnings_the_whole_graph_still_holds(built, cli: CliRun) -> None:
    project, store = built
    full = build(project, project.root / "full", full=True)
    assert full.validation.warnings > 0
    write(project, "data/trials/NCT00000001.ttl", NEW_TRIAL)  # a trial with no status: a warning
    report = build(project, store)
    assert report.incremental and report.validation.kept > 0
    again = build(project, project.root / "full", full=True)
    assert _results(report) == _results(again)
    assert report.validation.warnings == again.validation.warnings > full.validation.warnings
    # a rebuild that changes nothing says so and still counts every warning
    result = cli(project, "build", "--store", str(store))
    assert result.exit_code == 0, result.stderr
    assert f"0 violation(s), {again.validation.warnings} warning(s)" in result.stdout
    assert (
        "Rebuild: parsed and checked again only what changed (0 nodes): no data file"
        in result.stdout
    )


def test_a_rebuild_says_how_many_nodes_it_checked(built, cli: CliRun) -> None:
    project, store = built
    write(project, "data/trials/NCT00000001.ttl", NEW_TRIAL)
    result = cli(project, "build", "--store", str(store))
    assert result.exit_code == 0, result.stderr
    assert "Rebuild: parsed and checked again only what changed (" in result.stdout
    assert "nodes): data/trials/NCT00000001.ttl" in result.stdout
    assert "Reasoner: a rebuild: the OWL rules on the" in result.stdout
