"""Scratch projects: the repository's paths, a copy of the project to break, files written
into it, and the CLI runner's type."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from typer.testing import Result

from cartkg.paths import Project

REPO = Path(__file__).resolve().parents[2]
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
