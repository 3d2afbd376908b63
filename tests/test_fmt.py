"""cartkg fmt: canonical Turtle, isomorphic to the original, stable, and every file canonical."""

from __future__ import annotations

import os
import subprocess
import sys

from helpers.project import REPO, CliRun, write
from rdflib import Graph
from rdflib.compare import isomorphic

from cartkg.fmt import canonical_turtle
from cartkg.namespaces import prefix_map
from cartkg.paths import Project

MESSY = """\
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix ex: <http://example.org/> .
ex:b ex:p "z", "a" ; a owl:Thing .
ex:a ex:q [ ex:r 1 ], [ ex:r 2 ] ; ex:list ( ex:x ex:y ) .
[] a owl:AllDisjointClasses ; owl:members ( cartkg:A cartkg:B ) .
"""


def test_committed_turtle_files_are_canonical(cli: CliRun) -> None:
    result = cli(Project(REPO), "fmt", "--check")
    assert result.exit_code == 0, result.stdout


def test_canonical_form_is_isomorphic_stable_and_idempotent() -> None:
    prefixes = prefix_map(REPO / "ontology" / "cartkg.ttl")
    text = "@prefix cartkg: <https://w3id.org/cartkg/vocab/> .\n" + MESSY
    once = canonical_turtle(text, prefixes)
    assert canonical_turtle(once, prefixes) == once
    assert isomorphic(
        Graph().parse(data=text, format="turtle"), Graph().parse(data=once, format="turtle")
    )
    # blank-node labels and hash seeds must not change the text
    code = (
        "import sys; from pathlib import Path; from cartkg.fmt import canonical_turtle;"
        "from cartkg.namespaces import prefix_map;"
        f"sys.stdout.write(canonical_turtle(sys.stdin.read(), prefix_map(Path({str(REPO)!r})"
        "/ 'ontology/cartkg.ttl')))"
    )
    for seed in ("1", "2"):
        out = subprocess.run(
            [sys.executable, "-c", code],
            input=text,
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        assert out.stdout == once


def test_canonical_form_uses_the_project_prefixes() -> None:
    prefixes = prefix_map(REPO / "ontology" / "cartkg.ttl")
    text = "@prefix v: <https://w3id.org/cartkg/vocab/> .\nv:a v:b v:c .\n"
    out = canonical_turtle(text, prefixes)
    assert "PREFIX cartkg: <https://w3id.org/cartkg/vocab/>" in out
    assert "cartkg:a cartkg:b cartkg:c" in " ".join(out.split())


def test_fmt_rewrites_then_check_passes(project: Project, cli: CliRun) -> None:
    path = write(project, "data/programs/messy.ttl", MESSY)
    check = cli(project, "fmt", "--check")
    assert check.exit_code == 1 and "not canonical: data/programs/messy.ttl" in check.stdout
    before = Graph().parse(path)
    assert cli(project, "fmt").exit_code == 0
    assert isomorphic(before, Graph().parse(path))
    assert cli(project, "fmt", "--check").exit_code == 0


def test_fmt_warns_when_comments_would_be_dropped(project: Project, cli: CliRun) -> None:
    write(project, "data/programs/commented.ttl", "# a note\n" + MESSY)
    result = cli(project, "fmt", str(project.root / "data/programs/commented.ttl"))
    assert result.exit_code == 0
    assert "had # comments" in result.stderr


def test_fmt_refuses_a_file_that_does_not_parse(project: Project, cli: CliRun) -> None:
    path = write(project, "data/programs/broken.ttl", "cartkg:a cartkg:b .\ncartkg:c cartkg:d")
    original = path.read_text()
    result = cli(project, "fmt")
    assert result.exit_code == 2
    assert "data/programs/broken.ttl:" in result.stderr
    assert path.read_text() == original
