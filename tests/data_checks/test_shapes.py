"""Every shape against its cases: a valid case with no result, an invalid one with exactly the
expected results (focus node, source shape, path, severity).

A case lives in tests/data/shapes/<NodeShape>/: valid.ttl, invalid.ttl and expected.yaml. Each
case file is validated with the real ontology, vocabularies and shapes (not the real data), so it
must describe every node it points to, apart from the value-list concepts. Only results about
nodes of the case file count.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
import yaml
from helpers.project import REPO, TEST_DATA
from rdflib import RDF, Graph, Namespace, URIRef

from cartkg.dataset import Dataset
from cartkg.namespaces import converter
from cartkg.paths import Project
from cartkg.shacl import ValidationResult, validate

SH = Namespace("http://www.w3.org/ns/shacl#")
CASES = TEST_DATA / "shapes"
PROJECT = Project(REPO)
CONVERTER = converter(PROJECT.ontology_file)


@cache
def shapes_graph() -> Graph:
    graph = Graph()
    for f in (REPO / "shapes").glob("*.ttl"):
        graph.parse(f)
    return graph


def compact(iri: URIRef) -> str:
    return CONVERTER.compress(str(iri)) or f"<{iri}>"


def node_shapes() -> list[str]:
    return sorted(compact(s) for s in shapes_graph().subjects(RDF.type, SH.NodeShape))


def constraint_shapes() -> list[str]:
    """Property shapes and SPARQL constraints: each must be triggered by some invalid case."""
    graph = shapes_graph()
    found = set(graph.subjects(RDF.type, SH.PropertyShape))
    found |= set(graph.subjects(RDF.type, SH.SPARQLConstraint))
    return sorted(compact(s) for s in found)


def case_dirs() -> list[Path]:
    return sorted(p for p in CASES.iterdir() if p.is_dir()) if CASES.is_dir() else []


def results_for(case: Path) -> list[ValidationResult]:
    dataset = Dataset.load(PROJECT, roles=("ontology", "shapes"), extra=[case])
    source = PROJECT.source_file(case)
    report = validate(dataset, CONVERTER, only_files=[source])
    return [r for r in report.results if source.relpath in r.files]


def as_rows(results: list[ValidationResult]) -> set[tuple[str, str, str, str]]:
    return {(r.focus_node, r.shape, r.path, r.severity) for r in results}


def expected_rows(case: Path) -> set[tuple[str, str, str, str]]:
    entries = yaml.safe_load((case / "expected.yaml").read_text()) or []
    return {(e["focus"], e["shape"], e.get("path", ""), e["severity"]) for e in entries}


def test_every_node_shape_has_a_case_folder() -> None:
    have = {p.name for p in case_dirs()}
    missing = [s for s in node_shapes() if s.removeprefix("shape:") not in have]
    assert not missing, f"add tests/data/shapes/<name>/ for {missing}"


@pytest.mark.parametrize("case", case_dirs(), ids=lambda p: p.name)
def test_valid_case_gives_no_result(case: Path) -> None:
    results = results_for(case / "valid.ttl")
    assert not results, "\n".join(
        f"{r.focus_node} {r.shape} {r.path}: {r.message}" for r in results
    )


@pytest.mark.parametrize("case", case_dirs(), ids=lambda p: p.name)
def test_invalid_case_gives_exactly_the_expected_results(case: Path) -> None:
    got = as_rows(results_for(case / "invalid.ttl"))
    expected = expected_rows(case)
    assert got == expected, (
        f"unexpected: {sorted(got - expected)}\nmissing: {sorted(expected - got)}"
    )


def test_every_constraint_is_triggered_by_some_invalid_case() -> None:
    triggered = set()
    for case in case_dirs():
        triggered |= {row[1] for row in expected_rows(case)}
    untested = [s for s in constraint_shapes() if s not in triggered]
    assert not untested, f"no invalid case triggers: {untested}"


def test_every_result_severity_is_explicit() -> None:
    graph = shapes_graph()
    for kind in (SH.NodeShape, SH.PropertyShape, SH.SPARQLConstraint):
        for shape in graph.subjects(RDF.type, kind):
            if kind == SH.SPARQLConstraint:
                # its results take the severity of the node shape holding it (SHACL 5.3.1)
                assert (shape, SH.severity, None) not in graph, (
                    f"{compact(shape)}: sh:severity on a SPARQL constraint is ignored; "
                    "give it to the node shape that holds it"
                )
                assert (shape, SH.message, None) in graph, f"{compact(shape)} has no sh:message"
            elif kind == SH.PropertyShape or {SH["or"], SH.sparql} & set(graph.predicates(shape)):
                assert (shape, SH.severity, None) in graph, f"{compact(shape)} has no sh:severity"
                assert (shape, SH.message, None) in graph or (shape, SH.sparql, None) in graph, (
                    f"{compact(shape)} has no sh:message"
                )
            assert (shape, SH.name, None) in graph, f"{compact(shape)} has no sh:name"
            assert (shape, SH.description, None) in graph, f"{compact(shape)} has no sh:description"
