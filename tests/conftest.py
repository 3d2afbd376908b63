"""Shared fixtures: scratch copies of the project, a CLI runner, a store built once."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from cartkg.build import build
from cartkg.paths import Project

REPO = Path(__file__).resolve().parents[1]
TEST_DATA = REPO / "tests" / "data"
PROJECT_FOLDERS = ("ontology", "data", "shapes", "queries")

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


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """A scratch copy of the project's graph, free to break."""
    root = tmp_path / "project"
    for name in PROJECT_FOLDERS:
        shutil.copytree(REPO / name, root / name)
    return Project(root)


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
def real_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real project's graph, built once into a temporary store."""
    store = tmp_path_factory.mktemp("real") / "store"
    build(Project(REPO), store)
    return store
