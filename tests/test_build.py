"""cartkg build: the stages, the store swap, and a failed build leaving the old store untouched."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

# consistent for the reasoner, but without the label and sponsor the shapes require
from helpers.builds import BROKEN_TRIAL, trial_rows
from helpers.project import REPO, CliRun, trial_files, write

from cartkg.build import BuildFailed, build
from cartkg.paths import Project


def test_build_stores_every_graph_and_reports_stages(project: Project, cli: CliRun) -> None:
    store = project.root / "store"
    result = cli(project, "build", "--store", str(store))
    assert result.exit_code == 0, result.stderr
    assert store.is_symlink() and (store / "CURRENT").exists()
    for stage in ("parse", "reason", "validate", "assemble", "store"):
        assert f"{stage} " in result.stdout
    trials = trial_files(project)
    assert len(trials) >= 2
    assert re.search(rf"graph:trials/\S*\s+│\s+{len(trials)} files", result.stdout), result.stdout
    assert "Consistent (HermiT" in result.stdout
    rows = trial_rows(project, store)
    assert sorted(r[1] for r in rows) == trials


def test_failed_validation_leaves_the_old_store_answering(project: Project, cli: CliRun) -> None:
    store = project.root / "store"
    assert cli(project, "build", "--store", str(store)).exit_code == 0
    before = trial_rows(project, store)
    target_before = os.readlink(store)

    write(project, "data/trials/NCT00000009.ttl", BROKEN_TRIAL)
    result = cli(project, "build", "--store", str(store))

    assert result.exit_code == 1
    assert "Consistent (HermiT" not in result.stderr  # the reasoner passed; SHACL failed it
    assert "Violation sponsor (cartkg:sponsor)" in result.stderr
    assert "left as it was" in result.stderr
    assert os.readlink(store) == target_before
    assert trial_rows(project, store) == before
    assert sorted(p.name for p in store.parent.glob("store-*")) == [target_before]


def test_syntax_error_exits_2_without_traceback_and_keeps_store(project: Project) -> None:
    store = project.root / "store"
    build(project, store, run_reasoner=False)
    before = trial_rows(project, store)
    write(project, "data/trials/NCT00000009.ttl", "trial:x cartkg:nctId 'open\n", prefixes=False)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "cartkg",
            "--root",
            str(project.root),
            "build",
            "--store",
            str(store),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "data/trials/NCT00000009.ttl:1:" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert trial_rows(project, store) == before


def test_second_build_replaces_the_store_and_removes_the_old_folder(project: Project) -> None:
    store = project.root / "store"
    build(project, store, run_reasoner=False)
    first = os.readlink(store)
    (project.root / "store-20000101T000000-1").mkdir()  # left by a crashed build
    (project.root / "store-backup").mkdir()  # not ours: must be kept
    build(project, store, run_reasoner=False)
    assert os.readlink(store) != first
    left = sorted(p.name for p in store.parent.glob("store-*"))
    assert left == sorted([os.readlink(store), "store-backup"])


def test_memory_build_stores_nothing(project: Project, cli: CliRun) -> None:
    result = cli(project, "build", "--memory", "--no-reason")
    assert result.exit_code == 0, result.stderr
    assert "nothing stored" in result.stdout
    assert not (project.root / ".cartkg").exists()


def test_build_counts_entities_of_the_graph(project: Project) -> None:
    report = build(project, None, run_reasoner=False)
    assert report.counts["trials"] == len(trial_files(project))
    assert report.counts["sources"] >= 2
    new_trial = (
        'trial:NCT00000001 a cartkg:ClinicalTrial ; rdfs:label "A new trial" ;\n'
        '  cartkg:nctId "NCT00000001" ; cartkg:sponsor organization:cabaletta-bio ;\n'
        "  dcterms:source source:clinconnect-nct06414135 .\n"
    )
    write(project, "data/trials/NCT00000001.ttl", new_trial)
    assert build(project, None, run_reasoner=False).counts["trials"] == len(trial_files(project))


def test_build_failure_raises_with_report(project: Project) -> None:
    write(project, "data/trials/NCT00000009.ttl", BROKEN_TRIAL)
    with pytest.raises(BuildFailed) as caught:
        build(project, None, run_reasoner=False)
    assert caught.value.exit_code == 1
    results = caught.value.report.validation.results
    violations = {r.shape for r in results if r.severity == "Violation"}
    assert violations == {"shape:ClinicalTrial-label", "shape:ClinicalTrial-sponsor"}


def test_inconsistency_fails_the_build_before_the_store(project: Project) -> None:
    twice = 'trial:NCT06414135 cartkg:nctId "NCT06414136" .\n'  # nctId is functional
    write(project, "data/trials/NCT06414135-twice.ttl", twice)
    with pytest.raises(BuildFailed, match="inconsistent"):
        build(project, project.root / "store")
    assert not (project.root / "store").exists()


def test_two_builds_cannot_swap_at_once(project: Project) -> None:
    from cartkg.errors import InputError
    from cartkg.store import StagedStore

    store = project.root / "store"
    with StagedStore(store), pytest.raises(InputError, match="another build"):
        StagedStore(store)


def test_no_project_is_a_clear_error(tmp_path: Path, cli: CliRun) -> None:
    result = cli(Project(tmp_path), "build")
    assert result.exit_code == 2
    assert "no cartkg project" in result.stderr


def test_real_graph_builds(real_store: Path) -> None:
    rows = trial_rows(Project(REPO), real_store)
    assert rows, "the real graph has no trials"


def test_the_build_says_which_reasoner_and_validator_ran_and_why(
    project: Project, cli: CliRun
) -> None:
    result = cli(project, "build", "--memory")
    assert result.exit_code == 0, result.stderr
    assert "Reasoner: " in result.stdout and "within HermiT's limit of 20,000" in result.stdout
    assert "Validation: the shapes compiled to SPARQL, run on the store" in result.stdout


def test_the_real_graph_uses_the_rules_and_the_compiled_shapes(real_build) -> None:
    _, report = real_build
    assert report.reasoning.strategy == "rules"
    assert "above HermiT's limit" in report.reasoning.why
    assert report.validation.engine == "sparql", report.validation.why


def test_neither_engine_would_fall_back_on_the_projects_own_files() -> None:
    """The ontology compiles to rules and the shapes to SPARQL: no feature sends either to the
    slow engine (HermiT on everything, pySHACL)."""
    from cartkg.dataset import Dataset
    from cartkg.rules import compile_rules
    from cartkg.shacl import validate_store

    dataset = Dataset.load(Project(REPO), roles=("ontology", "shapes"))
    compile_rules(dataset.rdflib_graph("ontology"))  # raises UnsupportedOntology
    shapes = dataset.rdflib_graph("shapes")
    validate_store(dataset.store, dataset.graph_names("ontology"), shapes, None)  # raises


def test_a_shape_feature_the_compiler_lacks_is_named_when_validation_falls_back(
    project: Project, cli: CliRun
) -> None:
    write(
        project,
        "shapes/closed.ttl",
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "@prefix shape: <https://w3id.org/cartkg/shapes/> .\n"
        "shape:ClosedProgramShape a sh:NodeShape ; sh:targetClass cartkg:TherapyProgram ;\n"
        '  sh:name "closed" ; sh:closed false ; sh:severity sh:Info .\n',
    )
    result = cli(project, "build", "--memory")
    assert (
        "Validation: pySHACL, because the SPARQL compiler does not compile a shape feature"
        in result.stdout
    )
    assert "closed" in result.stdout.split("Validation: ", 1)[1].splitlines()[0]
