"""SHACL validation compiled to SPARQL and run on the pyoxigraph store: pySHACL's results, faster.

``validate_store`` reads the shapes graph (with rdflib: it is small), turns every shape into a
few SPARQL queries and runs them on the store the build already holds, with the data graphs as
the default graph. It compiles only the part of SHACL that ``shapes/`` uses and raises
``UnsupportedShapes`` for anything else (another kind of target, sh:node, sh:closed, a complex
path, sh:deactivated, ...), so that a caller can fall back to pySHACL. Within that part the
results are pySHACL's (0.40.1, called as ``cartkg.shacl.pyshacl_engine`` calls it), result
for result:
tests/test_sparql_shacl.py compares the two engines.

Where pySHACL's answer comes from rdflib rather than from SPARQL, the query calls back into
Python (pyoxigraph custom functions) on rdflib terms built as ``cartkg.io.to_rdflib`` builds them
for pySHACL: ill-typed literals for sh:datatype, rdflib's order of literals for sh:minInclusive &
co. and sh:lessThanOrEquals, and sh:pattern, which pySHACL matches with Python's ``re`` (whose
``\\s`` and ``$`` differ from SPARQL's). An ``IF`` in front of each call settles in SPARQL the
common case where both engines provably agree (a valid xsd:integer that is >= 1), so a valid
graph makes almost no calls.

pySHACL's value nodes are sets, but the union of the named graphs yields a triple once per file
that holds it: every list of values here is DISTINCT and every count COUNT(DISTINCT).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from functools import partial
from typing import TYPE_CHECKING

import pyoxigraph as ox
from rdflib import Graph

from cartkg.io import to_rdflib
from cartkg.namespaces import SH, show_term
from cartkg.shacl.results import ValidationResult, in_report_order, shacl_path
from cartkg.shacl.sparql.compiler import Compiler
from cartkg.shacl.sparql.run import Graphs, Run, quiet_rdflib
from cartkg.shacl.sparql.terms import Result, UnsupportedShapes

if TYPE_CHECKING:
    import curies

    from cartkg.dataset import Dataset

__all__ = ["Result", "UnsupportedShapes", "validate_store", "validation_results"]


def validate_store(
    store: ox.Store,
    data_graphs: Sequence[ox.NamedNode],
    shapes: Graph,
    focus: Collection[ox.NamedNode | ox.BlankNode] | None = None,
) -> list[Result]:
    """Validate the union of ``data_graphs`` against ``shapes`` (only ``focus`` nodes if given).

    Raises UnsupportedShapes, before any query runs, if the shapes use a feature not compiled
    here. With ``focus``, the results are exactly the full results about those focus nodes.
    """
    graphs = Graphs(store, data_graphs)
    compiler = Compiler(shapes, graphs)
    checks = compiler.compile()
    run = Run(store, graphs, focus, compiler.patterns, compiler.ranges)
    with quiet_rdflib():
        results = [r for check in checks for r in check(run)]
    if focus is not None:
        wanted = set(focus)
        results = [r for r in results if r.focus in wanted]
    results.sort(key=lambda r: (str(r.focus), str(r.shape), str(r.constraint), str(r.value)))
    return results


def validation_results(
    results: Sequence[Result], shapes: Graph, dataset: Dataset, converter: curies.Converter
) -> list[ValidationResult]:
    """The results as the pySHACL engine reports them, in the same order."""
    show = partial(show_term, converter=converter)
    rows = []
    for r in results:
        name = shapes.value(r.shape, SH.name)
        rows.append(
            ValidationResult(
                severity=str(r.severity).rsplit("#", 1)[-1],
                focus_node=show(to_rdflib(r.focus)),
                shape=show(r.shape),
                shape_name=str(name) if name is not None else show(r.shape),
                path=shacl_path(shapes, r.path, show),
                message=" ".join(r.messages),
                value=show(to_rdflib(r.value)) if r.value is not None else "",
                constraint=show(r.constraint),
                files=dataset.files_describing(r.focus),
            )
        )
    return in_report_order(rows)
