"""SHACL validation: the shapes compiled to SPARQL on the store, or pySHACL, and a report a
curator can act on.

The data graph is the ontology plus the data files, so ``sh:class`` sees subclasses. No RDFS or
OWL inference runs first: a range axiom would otherwise make a wrong ``sh:class`` value pass.
The shapes themselves are checked against the SHACL-SHACL shapes before use, once per distinct
content of the shapes (that check costs more than validating a small graph).
"""

from __future__ import annotations

import time
from collections.abc import Collection, Iterable

import curies
import pyoxigraph as ox
from rdflib import Graph

from cartkg.dataset import Dataset
from cartkg.io import to_rdflib
from cartkg.namespaces import show_term
from cartkg.paths import SourceFile
from cartkg.shacl.pyshacl_engine import (
    add_prefix_declarations,
    check_shapes,
    report_graph,
    run_pyshacl,
)
from cartkg.shacl.results import ValidationReport, ValidationResult
from cartkg.shacl.sparql import UnsupportedShapes, validate_store, validation_results


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
    focus nodes. The engine is the shapes compiled to SPARQL on the store (``cartkg.shacl.sparql``,
    whose results are pySHACL's, as tests/test_sparql_shacl.py checks) or pySHACL itself; the
    first falls back to the second for shapes it does not compile. ``shapes_checked`` skips the
    SHACL-SHACL check of the shapes, for a caller that knows these shapes passed it.
    """
    started = time.perf_counter()
    shapes = dataset.rdflib_graph("shapes")
    ontology = dataset.rdflib_graph("ontology")
    add_prefix_declarations(shapes, ontology)
    if not shapes_checked:
        check_shapes(dataset, shapes)
    results: list[ValidationResult] | None = None
    found_graph: Graph | None = None
    why = "the shapes compiled to SPARQL, run on the store"
    if engine == "sparql":
        try:
            found = validate_store(
                dataset.store, dataset.graph_names("ontology", "data", "extra"), shapes, focus
            )
            results = validation_results(found, shapes, dataset, converter)
            found_graph = report_graph(found, shapes)
        except UnsupportedShapes as e:
            results = None
            why = f"pySHACL, because the SPARQL compiler does not compile a shape feature: {e}"
    else:
        why = "pySHACL, as asked"
    if results is None:
        engine = "pyshacl"
        results, found_graph = run_pyshacl(dataset, shapes, converter)
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
        found_graph,
        time.perf_counter() - started,
        engine,
        why,
        len(focus) if focus is not None else None,
    )
