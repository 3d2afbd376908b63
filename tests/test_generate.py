"""The synthetic benchmark generator: deterministic, sized as asked, valid, plainly synthetic."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from helpers.project import REPO
from helpers.synthetic import RDFS_LABEL, TRIPLES, generator

from cartkg.build import BuildFailed, build
from cartkg.paths import Project


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("synthetic") / "project"
    return out, generator.generate(out, TRIPLES, seed=1)


def files_of(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".cartkg" not in p.parts
    }


def data_triples(root: Path) -> list[ox.Triple]:
    return [
        t
        for p in sorted((root / "data").rglob("*.ttl"))
        for t in ox.parse(path=str(p), format=ox.RdfFormat.TURTLE)
    ]


def test_same_seed_gives_identical_files(generated: tuple[Path, dict], tmp_path: Path) -> None:
    out, result = generated
    again = generator.generate(tmp_path / "again", TRIPLES, seed=1)
    assert again == result
    assert files_of(tmp_path / "again") == files_of(out)


def test_triple_count_is_within_five_percent(generated: tuple[Path, dict]) -> None:
    out, result = generated
    counted = len(data_triples(out))
    assert counted == result["triples"]
    assert abs(counted - TRIPLES) <= 0.05 * TRIPLES
    assert result["synthetic"]["entities"]["trials"] > 0


def test_other_seed_gives_other_data(generated: tuple[Path, dict], tmp_path: Path) -> None:
    out, _ = generated
    generator.generate(tmp_path / "other", TRIPLES, seed=2)
    ours, theirs = files_of(out), files_of(tmp_path / "other")
    trials = [name for name in ours if name.startswith("data/trials/NCT9")]
    assert trials
    assert any(ours[name] != theirs.get(name) for name in trials)


def test_synthetic_keys_and_labels_say_so(generated: tuple[Path, dict]) -> None:
    out, _ = generated
    real = {p.relative_to(REPO).as_posix() for p in (REPO / "data").rglob("*.ttl")}
    made = [
        p
        for p in sorted((out / "data").rglob("*.ttl"))
        if p.relative_to(out).as_posix() not in real
    ]
    assert made
    for path in made:
        assert path.stem.startswith(("synthetic-", "NCT9", "nct9")), path
        for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            if t.predicate.value == RDFS_LABEL:
                assert t.object.value.startswith("Synthetic"), (path, t)


def test_generated_project_builds_without_violations(generated: tuple[Path, dict]) -> None:
    out, _ = generated
    try:
        report = build(Project(out), None, run_reasoner=False)
    except BuildFailed as failed:
        report = failed.report
    assert report.validation is not None
    problems = [r for r in report.validation.results if r.severity == "Violation"]
    assert report.validation.violations == 0, problems[:5]
    assert report.counts["trials"] > 0
    # the synthetic files leave no gaps: every warning is about the real data
    synthetic = [
        r
        for r in report.validation.results
        if any("synthetic-" in f or "NCT9" in f for f in r.files)
    ]
    assert synthetic == []
