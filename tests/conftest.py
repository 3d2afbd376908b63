"""Shared fixtures: scratch copies of the project, a CLI runner, a store built once."""

from __future__ import annotations

import functools
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from cartkg.build import build
from cartkg.paths import Project

REPO = Path(__file__).resolve().parents[1]
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


# the hand-curated core of data/: the machinery's tests build it in seconds, where the whole
# graph (300 registry trials) takes longer; the files they cite come along (see small_data)
CURATED = ("programs/rese-cel", "programs/relma-cel", "trials/NCT06328777", "trials/NCT06414135")
_FOLDER = {
    "source": "sources", "organization": "organizations", "person": "organizations",
    "program": "programs", "product": "programs", "trial": "trials",
}  # fmt: skip
_REFERENCE = re.compile(r"\b(" + "|".join(_FOLDER) + r"):([A-Za-z0-9][A-Za-z0-9_.-]*[A-Za-z0-9])")


@functools.cache
def small_data() -> tuple[str, ...]:
    """The curated files and, transitively, every file of data/ whose subject they name."""
    wanted = {f"{c}.ttl" for c in CURATED}
    todo = list(wanted)
    while todo:
        text = (REPO / "data" / todo.pop()).read_text(encoding="utf-8")
        for kind, key in _REFERENCE.findall(text):
            rel = f"{_FOLDER[kind]}/{key}.ttl"
            if rel not in wanted and (REPO / "data" / rel).is_file():
                wanted.add(rel)
                todo.append(rel)
    return tuple(sorted(wanted))


def copy_project(root: Path, whole: bool = False) -> Project:
    """A scratch copy of the project: the curated core of its data, or all of it."""
    for name in PROJECT_FOLDERS:
        if name == "data" and not whole:
            for rel in small_data():
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
