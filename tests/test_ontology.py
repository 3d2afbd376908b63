"""The ontology's own rules: every term defined, every shape term declared, every class shaped,
no punning, one prefix map, and a reference that matches the files."""

from __future__ import annotations

import re
from functools import cache

import pytest
from helpers.project import REPO, CliRun
from rdflib import OWL, RDF, RDFS, SKOS, BNode, Graph, Namespace, URIRef
from rdflib.collection import Collection

from cartkg.dataset import Dataset
from cartkg.namespaces import prefix_map
from cartkg.paths import Project

SH = Namespace("http://www.w3.org/ns/shacl#")
CARTKG = "https://w3id.org/cartkg/vocab/"
PROJECT = Project(REPO)
PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


@cache
def graphs() -> tuple[Graph, Graph, Graph]:
    dataset = Dataset.load(PROJECT)
    return (
        dataset.rdflib_graph("ontology"),
        dataset.rdflib_graph("shapes"),
        dataset.rdflib_graph("data"),
    )


def own_terms(kind: URIRef) -> list[URIRef]:
    ontology = graphs()[0]
    return sorted(
        t
        for t in set(ontology.subjects(RDF.type, kind))
        if isinstance(t, URIRef) and str(t).startswith(CARTKG) and "/" not in str(t)[len(CARTKG) :]
    )


def declared() -> set[URIRef]:
    ontology = graphs()[0]
    terms = set(ontology.subjects(RDF.type, OWL.Class))
    for kind in PROPERTY_TYPES:
        terms |= set(ontology.subjects(RDF.type, kind))
    return terms


@pytest.mark.parametrize("kind", [OWL.Class, *PROPERTY_TYPES], ids=lambda k: k.split("#")[-1])
def test_every_term_has_a_label_and_a_definition(kind: URIRef) -> None:
    ontology = graphs()[0]
    terms = own_terms(kind)
    assert terms
    missing = [
        str(t)
        for t in terms
        if (t, RDFS.label, None) not in ontology or (t, SKOS.definition, None) not in ontology
    ]
    assert not missing, missing


def path_terms(shapes: Graph, path) -> set[URIRef]:
    if isinstance(path, URIRef):
        return {path}
    found = set()
    if isinstance(path, BNode):
        if (path, RDF.first, None) in shapes:
            for part in Collection(shapes, path):
                found |= path_terms(shapes, part)
        for predicate in (
            SH.inversePath,
            SH.zeroOrMorePath,
            SH.oneOrMorePath,
            SH.zeroOrOnePath,
            SH.alternativePath,
        ):
            inner = shapes.value(path, predicate)
            if inner is not None:
                found |= path_terms(shapes, inner)
    return found


def test_every_term_the_shapes_name_is_declared_in_the_ontology() -> None:
    _, shapes, _ = graphs()
    used = set(shapes.objects(None, SH.targetClass)) | set(shapes.objects(None, SH["class"]))
    for path in shapes.objects(None, SH.path):
        used |= path_terms(shapes, path)
    undeclared = sorted(str(t) for t in used - declared() if t != RDF.type)
    assert not undeclared, undeclared


def test_every_class_has_a_shape_or_is_abstract_or_defined() -> None:
    """A class is covered by a node shape targeting it or one of its superclasses.

    Abstract classes (cartkg:isAbstract) have no members of their own; defined classes
    (owl:equivalentClass) are filled in by the reasoner from shaped data.
    """
    ontology, shapes, _ = graphs()
    targets = set(shapes.objects(None, SH.targetClass))
    uncovered = []
    for cls in own_terms(OWL.Class):
        if (cls, CARTKG_ABSTRACT, None) in ontology or (cls, OWL.equivalentClass, None) in ontology:
            continue
        supers = set(ontology.transitive_objects(cls, RDFS.subClassOf))
        if not supers & targets:
            uncovered.append(str(cls))
    assert not uncovered, uncovered


CARTKG_ABSTRACT = URIRef(CARTKG + "isAbstract")


def test_no_iri_is_both_a_class_and_an_individual() -> None:
    """OWL 2 DL allows class/individual punning; the conventions do not."""
    ontology, _, data = graphs()
    classes = set(ontology.subjects(RDF.type, OWL.Class))
    object_properties = set(ontology.subjects(RDF.type, OWL.ObjectProperty))
    everything = ontology + data
    punned = set()
    for s, p, o in everything:
        if p in object_properties and o in classes:
            punned.add((str(s), str(p), str(o)))
        if p == RDF.type and s in classes and o not in (OWL.Class, RDFS.Class):
            punned.add((str(s), str(p), str(o)))
    assert not punned, sorted(punned)[:5]


def test_every_prefix_written_in_a_turtle_file_is_in_the_project_map() -> None:
    prefixes = prefix_map(PROJECT.ontology_file)
    for source in PROJECT.source_files():
        text = source.path.read_text(encoding="utf-8")
        for prefix, namespace in re.findall(r"^PREFIX ([A-Za-z][\w-]*): <([^>]*)>", text, re.M):
            assert prefixes.get(prefix) == namespace, f"{source.relpath}: PREFIX {prefix}:"


def test_external_identifiers_are_only_the_confirmed_ones() -> None:
    """Every MONDO, ChEBI, HGNC, NCIT or UBERON IRI used anywhere has its label in imports/."""
    ontology, _, data = graphs()
    external = re.compile(
        r"^http://(purl\.obolibrary\.org/obo/(MONDO|CHEBI|NCIT|UBERON)_|identifiers\.org/hgnc/)"
    )
    used = {
        o for o in (ontology + data).objects() if isinstance(o, URIRef) and external.match(str(o))
    }
    unlabelled = sorted(str(t) for t in used if (t, RDFS.label, None) not in ontology)
    assert used and not unlabelled, unlabelled


def test_docs_are_up_to_date(cli: CliRun) -> None:
    result = cli(PROJECT, "docs", "--check")
    assert result.exit_code == 0, result.stdout
