"""Canonical Turtle: one deterministic text per graph, so that diffs show only real changes.

rdflib's ``longturtle`` serializer sorts subjects, predicates and objects, relabels blank nodes
canonically (RDNA) and writes one object per line. Prefixes come from the project's map; a
prefix the map lacks keeps the name the file gave it. A rewrite is only written after it has been
parsed back and found isomorphic to the original.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph
from rdflib.compare import isomorphic

from cartkg.errors import InputError, RdfSyntaxError, SyntaxProblem
from cartkg.io import parse_turtle
from cartkg.paths import Project

_COMMENT_LINE = re.compile(r"^\s*#", re.MULTILINE)


@dataclass
class FmtReport:
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    dropped_comments: list[str] = field(default_factory=list)


def canonical_turtle(text: str, prefixes: dict[str, str], where: str = "<text>") -> str:
    """The canonical Turtle for a Turtle document (checked isomorphic to it)."""
    original = Graph(bind_namespaces="none")
    try:
        original.parse(data=text, format="turtle")
    except Exception as e:  # rdflib raises several unrelated types for bad Turtle
        raise InputError(f"{where}: not valid Turtle: {e}") from None
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in prefixes.items():
        graph.bind(prefix, namespace)
    known = set(prefixes.values())
    for prefix, namespace in original.namespaces():
        if str(namespace) not in known and prefix not in prefixes:
            graph.bind(prefix, namespace)
    for triple in original:
        graph.add(triple)
    out = graph.serialize(format="longturtle", canon=True)
    again = Graph(bind_namespaces="none").parse(data=out, format="turtle")
    if not isomorphic(original, again):
        changed = sorted(f"{s.n3()} {p.n3()} {o.n3()}" for s, p, o in original - again)[:3]
        raise InputError(
            f"{where}: the canonical rewrite would change the graph, so the file is left as is. "
            "Literals must be in canonical form (a decimal needs a point: 1.0, not 1); "
            "first triples that would change: " + "; ".join(changed)
        )
    return out


def format_files(
    project: Project, prefixes: dict[str, str], paths: Iterable[Path], check: bool
) -> FmtReport:
    """Rewrite (or with ``check`` only inspect) each file in canonical form."""
    report = FmtReport()
    problems: list[SyntaxProblem] = []
    sources = [project.source_file(p) for p in paths]
    for source in sources:
        parsed = parse_turtle(source)
        if isinstance(parsed, SyntaxProblem):
            problems.append(parsed)
    if problems:
        raise RdfSyntaxError(problems)
    for source in sources:
        text = source.path.read_text(encoding="utf-8")
        canonical = canonical_turtle(text, prefixes, source.relpath)
        if canonical == text:
            report.unchanged.append(source.relpath)
            continue
        report.changed.append(source.relpath)
        if _COMMENT_LINE.search(text):
            report.dropped_comments.append(source.relpath)
        if not check:
            tmp = source.path.with_name(f".{source.path.name}.fmt-tmp")
            tmp.write_text(canonical, encoding="utf-8")
            tmp.replace(source.path)
    return report
