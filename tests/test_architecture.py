"""The shape of the package: imports go one way, every namespace is written once, and the public
API is what `cartkg.__all__` says."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.project import REPO

import cartkg
from cartkg.namespaces import NAMESPACES

SRC = REPO / "src"


def modules(root: Path) -> dict[str, Path]:
    """Every module under root, by dotted name (a package by its own name)."""
    found = {}
    for path in root.rglob("*.py"):
        parts = path.relative_to(root).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped |= {id(n) for n in ast.walk(node)}
    return skipped


def import_graph(root: Path) -> dict[str, set[str]]:
    """Which modules each module imports, at the top or inside a function (but not only for
    type checking); a name imported from a package counts as its submodule when it is one."""
    known = modules(root)
    graph: dict[str, set[str]] = {}
    for name, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skipped = _type_checking_nodes(tree)
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets: set[str] = set()
        for node in ast.walk(tree):
            if id(node) in skipped:
                continue
            if isinstance(node, ast.Import):
                targets |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*up, base] if base else up)
                for alias in node.names:
                    sub = f"{base}.{alias.name}"
                    targets.add(sub if sub in known else base)
        graph[name] = {t for t in targets if t in known and t != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import each other, directly or through others (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10 * len(graph) + 100))
    try:
        for v in sorted(graph):
            if v not in index:
                visit(v)
    finally:
        sys.setrecursionlimit(limit)
    return groups


def test_no_module_imports_one_that_imports_it_back() -> None:
    graph = import_graph(SRC)
    assert len(graph) > 50 and "cartkg.shacl.sparql.compiler" in graph
    assert cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle_through_a_third_module(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from pkg import b\n")
    (package / "b.py").write_text("def f():\n    from pkg.c import g\n")
    (package / "c.py").write_text("from . import a\n")
    (package / "d.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg import a\n"
    )
    assert cycles(import_graph(tmp_path)) == [["pkg.a", "pkg.b", "pkg.c"]]


def _strings(tree: ast.AST) -> Iterator[ast.Constant]:
    """Every string constant of a module but its docstrings."""
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    for node in ast.walk(tree):
        is_string = isinstance(node, ast.Constant) and isinstance(node.value, str)
        if is_string and id(node) not in docstrings:
            yield node


def namespace_copies(root: Path) -> list[str]:
    """Places outside cartkg/namespaces.py that write out a namespace IRI it names."""
    found = []
    for name, path in sorted(modules(root).items()):
        if name == "cartkg.namespaces":
            continue
        for node in _strings(ast.parse(path.read_text(encoding="utf-8"))):
            for namespace in NAMESPACES:
                if namespace in node.value:
                    found.append(f"{path.relative_to(root)}:{node.lineno}: {namespace}")
    return found


def test_every_namespace_iri_is_written_once() -> None:
    assert namespace_copies(SRC) == []


def test_a_namespace_written_again_is_found(tmp_path: Path) -> None:
    package = tmp_path / "cartkg"
    package.mkdir()
    (package / "mine.py").write_text(
        '"""Docstrings may name https://w3id.org/cartkg/vocab/."""\n'
        'LABEL = "http://www.w3.org/2000/01/rdf-schema#label"\n'
    )
    assert namespace_copies(tmp_path) == ["cartkg/mine.py:2: http://www.w3.org/2000/01/rdf-schema#"]


PUBLIC = {
    "BuildFailed", "BuildReport", "CartkgError", "CheckFailed", "InputError", "Match", "Project",
    "PushFailed", "PushReport", "QueryClient", "ReportSummary", "build", "connect", "export",
    "match", "open_client", "push", "report", "search",
}  # fmt: skip


def test_the_package_shows_only_its_public_api() -> None:
    assert set(cartkg.__all__) == PUBLIC
    shown = {n for n in dir(cartkg) if not n.startswith("_")}
    submodules = {n for n in shown if type(getattr(cartkg, n)).__name__ == "module"}
    assert shown - submodules == PUBLIC, sorted(shown - submodules - PUBLIC)


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_each_public_name_has_a_docstring(name: str) -> None:
    doc = (getattr(cartkg, name).__doc__ or "").strip()
    # a dataclass without one gets "Name(field: type, ...)" written for it
    assert doc and not doc.startswith(f"{name}("), name
