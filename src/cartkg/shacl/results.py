"""What a validation found, engine-neutral: the results a curator reads, the report with its
counts and formats, their order, and the results a build keeps for its rebuilds."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rdflib import RDF, BNode, Graph, URIRef
from rdflib.collection import Collection as RdfList
from rdflib.term import Node

from cartkg.namespaces import SH

SEVERITIES = ("Violation", "Warning", "Info")
RESULTS_FILE = "cartkg-validation.json"  # in a store folder: the results of its build


@dataclass(frozen=True)
class ValidationResult:
    severity: str
    focus_node: str
    shape: str
    shape_name: str
    path: str
    message: str
    value: str
    constraint: str
    files: list[str]


@dataclass
class ValidationReport:
    results: list[ValidationResult] = field(default_factory=list)
    graph: Graph | None = None
    seconds: float = 0.0
    engine: str = "sparql"  # sparql (the shapes compiled to SPARQL) | pyshacl
    why: str = ""  # why that engine ran (a fallback names the shape feature that caused it)
    focus_nodes: int | None = None  # the nodes checked, when only some were (a rebuild)
    kept: int = 0  # results of an earlier build kept for the nodes not checked again

    @property
    def violations(self) -> int:
        return sum(r.severity == "Violation" for r in self.results)

    @property
    def warnings(self) -> int:
        return sum(r.severity == "Warning" for r in self.results)

    @property
    def conforms(self) -> bool:
        """Only violations fail; warnings and infos are reported."""
        return self.violations == 0

    def by_file(self) -> dict[str, dict[str, list[ValidationResult]]]:
        """Results grouped by file, then by focus node, both in a stable order."""
        grouped: dict[str, dict[str, list[ValidationResult]]] = defaultdict(
            lambda: defaultdict(list)
        )
        for r in self.results:
            for f in r.files or ["(no file)"]:
                grouped[f][r.focus_node].append(r)
        return {f: dict(sorted(nodes.items())) for f, nodes in sorted(grouped.items())}

    def to_json(self) -> str:
        return json.dumps(
            {
                "conforms": self.conforms,
                "violations": self.violations,
                "warnings": self.warnings,
                "results": [asdict(r) for r in self.results],
            },
            indent=2,
            ensure_ascii=False,
        )

    def to_turtle(self) -> str:
        graph = self.graph if self.graph is not None else Graph()
        return graph.serialize(format="longturtle", canon=True)


def save_results(results: Iterable[ValidationResult], folder: Path) -> None:
    """The results of a build, kept in its store folder for the rebuilds that follow."""
    data = [asdict(r) for r in results]
    (folder / RESULTS_FILE).write_text(json.dumps(data, ensure_ascii=False) + "\n", "utf-8")


def load_results(folder: Path) -> list[ValidationResult] | None:
    try:
        data = json.loads((folder / RESULTS_FILE).read_text(encoding="utf-8"))
        return [ValidationResult(**r) for r in data]
    except (OSError, ValueError, TypeError):
        return None


def carry_over(
    report: ValidationReport,
    previous: list[ValidationResult],
    checked: Iterable[str],
    changed_files: Iterable[str],
) -> None:
    """Add to a rebuild's report the earlier results about the nodes it did not check again
    (their statements did not change), so that it reports what the whole graph holds."""
    checked = set(checked)
    changed = set(changed_files)
    kept = [r for r in previous if r.focus_node not in checked and not (set(r.files) & changed)]
    report.kept = len(kept)
    report.results = in_report_order(kept + report.results)


def shacl_path(graph: Graph, path: Node | None, show: Callable[[Node | None], str]) -> str:
    """A SHACL property path in SPARQL property-path syntax."""
    if path is None:
        return ""
    if isinstance(path, URIRef):
        return show(path)
    if isinstance(path, BNode):
        if (path, RDF.first, None) in graph:
            return "/".join(shacl_path(graph, p, show) for p in RdfList(graph, path))
        for predicate, template in (
            (SH.inversePath, "^{}"),
            (SH.zeroOrMorePath, "{}*"),
            (SH.oneOrMorePath, "{}+"),
            (SH.zeroOrOnePath, "{}?"),
        ):
            inner = graph.value(path, predicate)
            if inner is not None:
                return template.format(shacl_path(graph, inner, show))
        alternatives = graph.value(path, SH.alternativePath)
        if alternatives is not None:
            return (
                "("
                + "|".join(shacl_path(graph, p, show) for p in RdfList(graph, alternatives))
                + ")"
            )
    return show(path)


def in_report_order(results: Iterable[ValidationResult]) -> list[ValidationResult]:
    """Results by file, focus node, severity (violations first), shape and path."""
    order = {s: i for i, s in enumerate(SEVERITIES)}
    return sorted(
        results, key=lambda r: (r.files, r.focus_node, order.get(r.severity, 9), r.shape, r.path)
    )
