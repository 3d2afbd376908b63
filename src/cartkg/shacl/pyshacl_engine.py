"""pySHACL: the reference engine, the fallback for shapes the SPARQL compiler does not
compile, the SHACL-SHACL check of the shapes, and the SHACL report graph of either engine."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import partial

import curies
from pyshacl import validate as shacl_validate
from pyshacl.entrypoints import meta_validate
from pyshacl.errors import ReportableRuntimeError
from rdflib import RDF, BNode, Graph, Literal

from cartkg import cache
from cartkg.dataset import Dataset
from cartkg.errors import InputError
from cartkg.io import from_rdflib, to_rdflib
from cartkg.namespaces import SH, show_term
from cartkg.shacl.results import ValidationResult, in_report_order, shacl_path
from cartkg.shacl.sparql import Result


def run_pyshacl(
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
    return results_of_report(report_graph, shapes, dataset, converter), report_graph


def report_graph(found: Iterable[Result], shapes: Graph) -> Graph:
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


def add_prefix_declarations(shapes: Graph, ontology: Graph) -> None:
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


def results_of_report(
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
                path=shacl_path(report, path, show),
                message=" ".join(messages),
                value=show(value) if value is not None else "",
                constraint=show(report.value(r, SH.sourceConstraintComponent)),
                files=files,
            )
        )
    return in_report_order(results)
