"""The SPARQL SHACL engine gives pySHACL's results, result for result.

The build validates with ``cartkg.shacl.sparql`` (shapes compiled to SPARQL on the store) because
pySHACL is too slow at scale; these tests are what licenses that. Both engines run through
``cartkg.shacl.validate`` and every field of every result is compared: on each shape case,
on the real graph, on a synthetic landscape, and on many seeded mutations of the real and
synthetic graphs (dropped statements, wrong datatypes, ill-typed literals, extra values, wrong
classes), which reach the constraint kinds the cases alone do not combine.
"""

from __future__ import annotations

import random
from dataclasses import astuple
from pathlib import Path

import pyoxigraph as ox
import pytest
from helpers.project import REPO, TEST_DATA
from helpers.synthetic import TRIPLES, generator
from rdflib import Graph

from cartkg.dataset import Dataset
from cartkg.io import to_rdflib
from cartkg.namespaces import converter, show_term
from cartkg.paths import Project
from cartkg.shacl import UnsupportedShapes, validate, validate_store

PROJECT = Project(REPO)
CONVERTER = converter(PROJECT.ontology_file)
CASES = sorted(p for p in (TEST_DATA / "shapes").iterdir() if p.is_dir())
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def rows(dataset: Dataset, engine: str, **kwargs) -> list[tuple]:
    report = validate(dataset, CONVERTER, engine=engine, **kwargs)
    return sorted((*astuple(r)[:-1], tuple(r.files)) for r in report.results)


def assert_engines_agree(dataset: Dataset) -> list[tuple]:
    sparql = rows(dataset, "sparql")
    pyshacl = rows(dataset, "pyshacl")
    only_sparql = sorted(set(sparql) - set(pyshacl))
    only_pyshacl = sorted(set(pyshacl) - set(sparql))
    assert sparql == pyshacl, f"only SPARQL: {only_sparql}\nonly pySHACL: {only_pyshacl}"
    return sparql


@pytest.mark.parametrize("file", ["valid.ttl", "invalid.ttl"])
@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_engines_agree_on_the_shape_case(case: Path, file: str) -> None:
    dataset = Dataset.load(PROJECT, roles=("ontology", "shapes"), extra=[case / file])
    found = assert_engines_agree(dataset)
    if file == "invalid.ttl":
        assert found, "an invalid case must give results for the comparison to mean anything"


def test_engines_agree_on_the_real_graph() -> None:
    assert_engines_agree(Dataset.load(PROJECT))


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Project:
    root = tmp_path_factory.mktemp("synthetic") / "project"
    generator.generate(root, TRIPLES, seed=7)
    return Project(root)


def test_engines_agree_on_a_synthetic_landscape(synthetic: Project) -> None:
    dataset = Dataset.load(synthetic)
    assert dataset.triple_count > TRIPLES
    assert_engines_agree(dataset)


def mutate(dataset: Dataset, seed: int, count: int) -> None:
    """Apply ``count`` seeded edits to the data files' statements, in place."""
    rng = random.Random(seed)
    data = set(dataset.graph_names("data"))
    quads = sorted((q for q in dataset.store if q.graph_name in data), key=lambda q: str(q))
    objects = sorted({q.object for q in quads if isinstance(q.object, ox.NamedNode)}, key=str)
    classes = sorted({q.object for q in quads if q.predicate == RDF_TYPE}, key=str)
    odd_literals = [
        ox.Literal("not a number", datatype=ox.NamedNode(XSD + "integer")),
        ox.Literal("-3", datatype=ox.NamedNode(XSD + "integer")),
        ox.Literal("2024-02-30", datatype=ox.NamedNode(XSD + "date")),
        ox.Literal("2024-05", datatype=ox.NamedNode(XSD + "gYearMonth")),
        ox.Literal("2.5", datatype=ox.NamedNode(XSD + "decimal")),
        ox.Literal("plain text"),
        ox.Literal("texte", language="fr"),
        ox.Literal(""),
        ox.Literal("NCT1234"),
        ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean")),
    ]
    for _ in range(count):
        quad = rng.choice(quads)
        kind = rng.randrange(5)
        if kind == 0:  # a statement goes missing
            dataset.store.remove(quad)
            continue
        if kind == 1:  # another value: a literal of a wrong or odd type
            obj: ox.NamedNode | ox.Literal = rng.choice(odd_literals)
        elif kind == 2:  # another node, often of the wrong class
            obj = rng.choice(objects)
        elif kind == 3:  # the node is given another class
            quad = ox.Quad(quad.subject, RDF_TYPE, rng.choice(classes), quad.graph_name)
            obj = quad.object
        else:  # a second value where one may be allowed
            obj = rng.choice(odd_literals + objects[:20])
            dataset.store.add(ox.Quad(quad.subject, quad.predicate, obj, quad.graph_name))
            continue
        dataset.store.remove(quad)
        dataset.store.add(ox.Quad(quad.subject, quad.predicate, obj, quad.graph_name))


@pytest.mark.parametrize("seed", range(6))
def test_engines_agree_on_a_mutated_real_graph(seed: int) -> None:
    dataset = Dataset.load(PROJECT)
    mutate(dataset, seed, count=30)
    assert assert_engines_agree(dataset), "thirty mutations gave no result at all"


@pytest.mark.parametrize("seed", range(3))
def test_engines_agree_on_a_mutated_synthetic_landscape(synthetic: Project, seed: int) -> None:
    dataset = Dataset.load(synthetic)
    mutate(dataset, 100 + seed, count=40)
    assert assert_engines_agree(dataset), "forty mutations gave no result at all"


def test_a_focus_restricts_the_checks_to_those_nodes() -> None:
    dataset = Dataset.load(PROJECT)
    mutate(dataset, 3, count=30)
    everything = rows(dataset, "pyshacl")
    assert everything
    shown_focus = sorted({r[1] for r in everything})[::2]  # every other failing node
    focus = [n for n in _subjects(dataset) if shown(n) in shown_focus]
    assert len(focus) == len(shown_focus)
    got = rows(dataset, "sparql", focus=focus)
    assert got == [r for r in everything if r[1] in shown_focus]


def _subjects(dataset: Dataset) -> list[ox.NamedNode | ox.BlankNode]:
    return sorted({q.subject for q in dataset.quads("data")}, key=str)


def shown(node: ox.NamedNode | ox.BlankNode) -> str:
    return show_term(to_rdflib(node), CONVERTER)


UNSUPPORTED = {
    "closed shape": "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:closed true .",
    "sh:node": "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:node ex:T . ex:T a sh:NodeShape .",
    "target subjects of": "ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:p ; sh:nodeKind sh:IRI .",
    "deactivated": "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:deactivated true .",
}


@pytest.mark.parametrize("shape", UNSUPPORTED.values(), ids=UNSUPPORTED.keys())
def test_shapes_it_does_not_compile_are_refused_not_misread(shape: str) -> None:
    shapes = Graph().parse(
        data="@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .\n"
        + shape,
        format="turtle",
    )
    with pytest.raises(UnsupportedShapes):
        validate_store(ox.Store(), [], shapes)
