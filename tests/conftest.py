"""Shared fixtures: scratch copies of the project, a CLI runner, a store built once."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from cartkg.build import BuildReport, build
from cartkg.paths import Project

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))

from generate import core_files  # noqa: E402  (the curated core of data/: one list for both)

TEST_DATA = REPO / "tests" / "data"
PROJECT_FOLDERS = ("ontology", "data", "shapes", "queries", "registry")

PREFIXES = """\
@prefix cartkg: <https://w3id.org/cartkg/vocab/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix organization: <https://w3id.org/cartkg/id/organization/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix source: <https://w3id.org/cartkg/id/source/> .
@prefix trial: <https://w3id.org/cartkg/id/trial/> .
@prefix product: <https://w3id.org/cartkg/id/product/> .
@prefix observation: <https://w3id.org/cartkg/id/observation/> .
@prefix trialstatus: <https://w3id.org/cartkg/vocab/trialstatus/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def copy_project(root: Path, whole: bool = False) -> Project:
    """A scratch copy of the project: the curated core of its data, or all of it."""
    for name in PROJECT_FOLDERS:
        if name == "data" and not whole:
            for rel in core_files(REPO / "data"):
                (root / "data" / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(REPO / "data" / rel, root / "data" / rel)
        else:
            shutil.copytree(REPO / name, root / name)
    return Project(root)


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """A scratch copy of the project with the curated core of its graph, free to break."""
    return copy_project(tmp_path / "project")


@pytest.fixture
def whole_project(tmp_path: Path) -> Project:
    """A scratch copy of the whole project, every registry trial included."""
    return copy_project(tmp_path / "project", whole=True)


def trial_files(project: Project) -> list[str]:
    """The registry ids of a scratch project's trial files, sorted (the core names more trials
    as the curated layer links its programs to them)."""
    return sorted(p.stem for p in (project.root / "data" / "trials").glob("*.ttl"))


def write(project: Project, relpath: str, turtle: str, prefixes: bool = True) -> Path:
    """Write a Turtle file into a scratch project (with the common prefixes by default)."""
    path = project.root / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text((PREFIXES if prefixes else "") + turtle, encoding="utf-8")
    return path


CliRun = Callable[..., Result]


@pytest.fixture
def cli() -> CliRun:
    """Run the cartkg CLI in-process on a project: cli(project, "build", "--memory")."""
    from cartkg.cli import app

    runner = CliRunner()

    def run(project: Project, *args: str) -> Result:
        return runner.invoke(app, ["--root", str(project.root), *args])

    return run


@pytest.fixture(scope="session")
def real_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildReport]:
    """The real project's whole graph, built once into a temporary store, and its report."""
    store = tmp_path_factory.mktemp("real") / "store"
    return store, build(Project(REPO), store)


@pytest.fixture(scope="session")
def real_store(real_build: tuple[Path, BuildReport]) -> Path:
    return real_build[0]
