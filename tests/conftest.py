"""Shared fixtures: scratch copies of the project, a CLI runner, a store built once. What the
fixtures are made of lives in the helpers package."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers.project import REPO, CliRun, copy_project
from typer.testing import CliRunner, Result

from cartkg.build import BuildReport, build
from cartkg.paths import Project


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """A scratch copy of the project with the curated core of its graph, free to break."""
    return copy_project(tmp_path / "project")


@pytest.fixture
def whole_project(tmp_path: Path) -> Project:
    """A scratch copy of the whole project, every registry trial included."""
    return copy_project(tmp_path / "project", whole=True)


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
def real_store(request: pytest.FixtureRequest) -> Path:
    """The real project's built store. ``CARTKG_TEST_STORE`` names one built beforehand from
    this checkout: the Python mutation run sets it, so each mutant's tests do not rebuild."""
    prebuilt = os.environ.get("CARTKG_TEST_STORE")
    if prebuilt:
        return Path(prebuilt)
    return request.getfixturevalue("real_build")[0]
