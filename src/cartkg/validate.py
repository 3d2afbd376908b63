"""SHACL validation with pySHACL, and a report a curator can act on.

The data graph is the ontology plus the data files, so ``sh:class`` sees subclasses. No RDFS or
OWL inference runs first: a range axiom would otherwise make a wrong ``sh:class`` value pass.
The shapes themselves are checked against the SHACL-SHACL shapes before use, once per distinct
content of the shapes (that check costs more than validating a small graph).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path

import curies
import pyoxigraph as ox
from pyshacl import validate as shacl_validate
from pyshacl.entrypoints import meta_validate
from pyshacl.errors import ReportableRuntimeError
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection as RdfList
from rdflib.term import Node

from cartkg import cache
from cartkg.dataset import Dataset
from cartkg.errors import InputError
from cartkg.io import from_rdflib, to_rdflib
from cartkg.namespaces import SH, show_term
from cartkg.paths import SourceFile
from cartkg.sparql_shacl import Result, UnsupportedShapes, validate_store, validation_results

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


def validate(
    dataset: Dataset,
    converter: curies.Converter,
    only_files: Iterable[SourceFile] | None = None,
    focus: Collection[ox.NamedNode | ox.BlankNode] | None = None,
    engine: str = "sparql",
    shapes_checked: bool = False,
) -> ValidationReport:
    """Validate ontology + data against the shapes.

    ``only_files`` keeps the results about the nodes of those files; ``focus`` checks only those
    focus nodes. The engine is the shapes compiled to SPARQL on the store (``sparql_shacl``,
    whose results are pySHACL's, as tests/test_sparql_shacl.py checks) or pySHACL itself; the
    first falls back to the second for shapes it does not compile. ``shapes_checked`` skips the
    SHACL-SHACL check of the shapes, for a caller that knows these shapes passed it.
    """
    started = time.perf_counter()
    shapes = dataset.rdflib_graph("shapes")
    ontology = dataset.rdflib_graph("ontology")
    _add_prefix_declarations(shapes, ontology)
    if not shapes_checked:
        check_shapes(dataset, shapes)
    results: list[ValidationResult] | None = None
    report_graph: Graph | None = None
    why = "the shapes compiled to SPARQL, run on the store"
    if engine == "sparql":
        try:
            found = validate_store(
                dataset.store, dataset.graph_names("ontology", "data", "extra"), shapes, focus
            )
            results = validation_results(found, shapes, dataset, converter)
            report_graph = _report_graph(found, shapes)
        except UnsupportedShapes as e:
            results = None
            why = f"pySHACL, because the SPARQL compiler does not compile a shape feature: {e}"
    else:
        why = "pySHACL, as asked"
    if results is None:
        engine = "pyshacl"
        results, report_graph = _pyshacl(dataset, shapes, converter)
        if focus is not None:
            shown = {show_term(to_rdflib(n), converter) for n in focus}
            results = [r for r in results if r.focus_node in shown]
    if only_files is not None:
        # Filter the results rather than pass pySHACL focus_nodes: with focus nodes, pySHACL
        # 0.40.1 skips the sh:or alternatives of property shapes (found by the shape cases).
        keep = {f.relpath for f in only_files}
        results = [r for r in results if keep & set(r.files)]
    return ValidationReport(
        results,
        report_graph,
        time.perf_counter() - started,
        engine,
        why,
        len(focus) if focus is not None else None,
    )


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
    order = {s: i for i, s in enumerate(SEVERITIES)}
    report.results = sorted(
        kept + report.results,
        key=lambda r: (r.files, r.focus_node, order.get(r.severity, 9), r.shape, r.path),
    )


def _pyshacl(
    dataset: Dataset, shapes: Graph, converter: curies.Converter
) -> tuple[list[ValidationResult], Graph]:
    data = dataset.rdflib_graph("ontology", "data", "extra")
    try:
        _, report_graph, _ = shacl_validate(
            data,
            shacl_graph=shapes,
            inference="none",
            advanced=True,
            allow_warnings=True,
            allow_infos=True,
            inplace=True,
        )
    except ReportableRuntimeError as e:
        raise InputError(f"the shapes in shapes/ cannot be used: {e.message}") from None
    return _results(report_graph, shapes, dataset, converter), report_graph


def _report_graph(found: Iterable[Result], shapes: Graph) -> Graph:
    """A SHACL validation report, as pySHACL writes one, for the SPARQL engine's results."""
    graph = Graph(bind_namespaces="none")
    graph.bind("sh", SH)
    report = BNode()
    graph.add((report, RDF.type, SH.ValidationReport))
    conforms = True
    for r in found:
        node = BNode()
        conforms = conforms and r.severity != SH.Violation
        graph.add((report, SH.result, node))
        graph.add((node, RDF.type, SH.ValidationResult))
        graph.add((node, SH.focusNode, to_rdflib(r.focus)))
        graph.add((node, SH.resultSeverity, r.severity))
        graph.add((node, SH.sourceConstraintComponent, r.constraint))
        source = SH.sourceConstraint if r.constraint == SH.SPARQLConstraintComponent else None
        graph.add((node, source or SH.sourceShape, r.shape))
        if r.path is not None:
            graph.add((node, SH.resultPath, r.path))
            if isinstance(r.path, BNode):  # a path expression: copy its structure
                for triple in shapes.cbd(r.path):
                    graph.add(triple)
        if r.value is not None:
            graph.add((node, SH.value, to_rdflib(r.value)))
        for message in r.messages:
            graph.add((node, SH.resultMessage, Literal(message)))
    graph.add((report, SH.conforms, Literal(conforms)))
    return graph


def _add_prefix_declarations(shapes: Graph, ontology: Graph) -> None:
    """Copy the ontology header's sh:declare into the shapes graph.

    SPARQL-based constraints name their prefixes with ``sh:prefixes <.../vocab/>``: the one
    prefix map of the project, declared in the ontology header.
    """
    for subject, declaration in ontology.subject_objects(SH.declare):
        shapes.add((subject, SH.declare, declaration))
        for p, o in ontology.predicate_objects(declaration):
            shapes.add((declaration, p, o))


_SHAPES_CHECKED: set[str] = set()


def check_shapes(dataset: Dataset, shapes: Graph) -> None:
    """Validate the shapes against SHACL-SHACL, unless these exact shapes already passed."""
    digest = hashlib.sha256()
    for f in dataset.files:  # the files' bytes: blank-node labels differ on every parse
        if f.source.role == "shapes":
            digest.update(f.source.relpath.encode() + b"\0" + f.source.path.read_bytes())
    key = digest.hexdigest()
    if key in _SHAPES_CHECKED:
        return
    kept = cache.digest("shacl-shacl", [key])
    if cache.load(dataset.project, kept):  # these shapes passed before (cartkg.cache)
        _SHAPES_CHECKED.add(key)
        return
    try:
        conforms, _, text = meta_validate(shapes, inference="rdfs")
    except ReportableRuntimeError as e:
        raise InputError(f"the shapes in shapes/ cannot be used: {e.message}") from None
    if not conforms:
        raise InputError(f"the shapes in shapes/ are not valid SHACL:\n{text}")
    _SHAPES_CHECKED.add(key)
    cache.save(dataset.project, kept, {"conforms": True})


def _results(
    report: Graph, shapes: Graph, dataset: Dataset, converter: curies.Converter
) -> list[ValidationResult]:
    show = partial(show_term, converter=converter)
    results = []
    for r in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(r, SH.focusNode)
        # a SPARQL constraint is named by sh:sourceConstraint; sh:sourceShape holds it
        shape = report.value(r, SH.sourceConstraint) or report.value(r, SH.sourceShape)
        severity = report.value(r, SH.resultSeverity)
        messages = sorted(str(m) for m in report.objects(r, SH.resultMessage))
        value = report.value(r, SH.value)
        path = report.value(r, SH.resultPath)
        name = shapes.value(shape, SH.name) if shape is not None else None
        files = dataset.files_describing(from_rdflib(focus)) if focus is not None else []
        results.append(
            ValidationResult(
                severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
                focus_node=show(focus),
                shape=show(shape),
                shape_name=str(name) if name is not None else show(shape),
                path=_path(report, path, show),
                message=" ".join(messages),
                value=show(value) if value is not None else "",
                constraint=show(report.value(r, SH.sourceConstraintComponent)),
                files=files,
            )
        )
    order = {s: i for i, s in enumerate(SEVERITIES)}
    results.sort(key=lambda r: (r.files, r.focus_node, order.get(r.severity, 9), r.shape, r.path))
    return results


def _path(graph: Graph, path: Node | None, show: Callable[[Node | None], str]) -> str:
    """A SHACL property path in SPARQL property-path syntax."""
    if path is None:
        return ""
    if isinstance(path, URIRef):
        return show(path)
    if isinstance(path, BNode):
        if (path, RDF.first, None) in graph:
            return "/".join(_path(graph, p, show) for p in RdfList(graph, path))
        for predicate, template in (
            (SH.inversePath, "^{}"),
            (SH.zeroOrMorePath, "{}*"),
            (SH.oneOrMorePath, "{}+"),
            (SH.zeroOrOnePath, "{}?"),
        ):
            inner = graph.value(path, predicate)
            if inner is not None:
                return template.format(_path(graph, inner, show))
        alternatives = graph.value(path, SH.alternativePath)
        if alternatives is not None:
            return "(" + "|".join(_path(graph, p, show) for p in RdfList(graph, alternatives)) + ")"
    return show(path)
