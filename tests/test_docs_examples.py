"""The Python examples of the documentation run: the docstrings of the public API (``cartkg``)
and every ```python block of the README, CONTRIBUTING.md and docs/, on the real graph.

They run in a scratch copy of the project whose built store is the session's real store, with
an Oxigraph server holding the same graph for the examples that use an endpoint (the address
``http://127.0.0.1:7878`` in a block is replaced by the server's)."""

from __future__ import annotations

import doctest
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.project import REPO, copy_project
from helpers.servers import oxigraph_read_write

import cartkg

GENERATED = {"docs/ontology.md", "docs/queries.md"}
DOCUMENTS = sorted(
    p.relative_to(REPO).as_posix()
    for p in [REPO / "README.md", REPO / "CONTRIBUTING.md", *(REPO / "docs").rglob("*.md")]
    if p.relative_to(REPO).as_posix() not in GENERATED
)
BLOCK = re.compile(r"^```python\n(.*?)^```", re.M | re.S)


def python_blocks() -> list[tuple[str, int, str]]:
    found = []
    for doc in DOCUMENTS:
        text = (REPO / doc).read_text(encoding="utf-8")
        for m in BLOCK.finditer(text):
            found.append((doc, text[: m.start()].count("\n") + 1, m.group(1)))
    return found


@pytest.fixture(scope="module")
def scratch_project(
    real_store: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Path, str]]:
    """A copy of the project whose .cartkg/store is the real store, and a server holding it."""
    root = tmp_path_factory.mktemp("docs") / "project"
    copy_project(root, whole=True)
    (root / "examples").symlink_to(REPO / "examples")
    (root / ".cartkg").mkdir()
    (root / ".cartkg" / "store").symlink_to(real_store.resolve())
    with oxigraph_read_write(tmp_path_factory.mktemp("docs-oxigraph")) as server:
        cartkg.push(f"{server}/query", graph_store=f"{server}/store", root=root)
        yield root, server


@pytest.fixture
def in_project(scratch_project: tuple[Path, str]) -> Iterator[tuple[Path, str]]:
    before = Path.cwd()
    os.chdir(scratch_project[0])
    try:
        yield scratch_project
    finally:
        os.chdir(before)


def test_there_are_examples_to_run() -> None:
    assert python_blocks(), "no ```python block in the documentation"
    tests = doctest.DocTestFinder().find(cartkg)
    assert sum(len(t.examples) for t in tests) >= 20


def docstring_tests() -> list[doctest.DocTest]:
    return [t for t in doctest.DocTestFinder().find(cartkg) if t.examples]


@pytest.mark.server
@pytest.mark.parametrize("test", docstring_tests(), ids=lambda t: t.name)
def test_a_docstring_example_runs(
    test: doctest.DocTest, in_project: tuple[Path, str], tmp_path: Path
) -> None:
    _, server = in_project
    test.globs = {
        "cartkg": cartkg,
        "server": server,
        "site_folder": tmp_path / "site",
        "scratch": tmp_path,
    }
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    lines: list[str] = []
    runner.run(test, out=lines.append)
    assert runner.failures == 0, "".join(lines)


@pytest.mark.server
@pytest.mark.parametrize(("document", "line", "code"), python_blocks(), ids=lambda v: str(v)[:40])
def test_a_documented_python_block_runs(
    document: str, line: int, code: str, in_project: tuple[Path, str], capsys
) -> None:
    _, server = in_project
    code = code.replace("http://127.0.0.1:7878", server).replace("http://localhost:7878", server)
    exec(compile(code, f"{document}:{line}", "exec"), {"__name__": "__docs__"})
