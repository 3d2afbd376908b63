"""The compiler: the shapes graph into checks, each a function of a run that gives results.
Each family of constraints is a mixin of its own module."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import pyoxigraph as ox
from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from cartkg.namespaces import SH
from cartkg.shacl.sparql.checks import Checks
from cartkg.shacl.sparql.constraints import SparqlConstraints
from cartkg.shacl.sparql.run import Check, Graphs, Run, Shape
from cartkg.shacl.sparql.terms import (
    NO_FOCUS_NODE,
    SUPPORTED_PREDICATES,
    SUPPORTED_TYPES,
    UnsupportedShapes,
    show_node,
)
from cartkg.shacl.sparql.values import ValueTests

# --- compiling: the shapes graph into checks, each a function of a run giving results ---


class Compiler(ValueTests, Checks, SparqlConstraints):
    def __init__(self, shapes: Graph, graphs: Graphs):
        self.g = shapes
        self.graphs = graphs
        self._variables = 0
        # the Python side of the queries: numbered here, called by the queries of a run
        self.patterns: list[re.Pattern[str]] = []
        self.ranges: list[tuple[Literal, Callable[[int, int], bool]]] = []

    def compile(self) -> list[Check]:
        self._check_vocabulary()
        checks: list[Check] = []
        for node in sorted(set(self.g.subjects(SH.targetClass, None)), key=str):
            checks += self._node_shape(node)
        return checks

    def fail(self, node: Node, why: str) -> UnsupportedShapes:
        return UnsupportedShapes(f"{show_node(node)}: {why}")

    def _check_vocabulary(self) -> None:
        classes = {RDFS.Class, OWL.Class, *self.g.subjects(RDFS.subClassOf, RDFS.Class)}
        for s, p, o in self.g:
            if p.startswith(SH) and p not in SUPPORTED_PREDICATES:
                raise self.fail(s, f"{show_node(p)} is not supported")
            if p == RDF.type and o.startswith(SH) and o not in SUPPORTED_TYPES:
                raise self.fail(s, f"rdf:type {show_node(o)} is not supported")
            # a shape that is also a class targets the class's instances (pySHACL)
            if (
                p == RDF.type
                and o in classes
                and any(q.startswith(SH) for q in self.g.predicates(s))
            ):
                raise self.fail(s, "a shape that is also a class is not supported")

    # reading parameters

    def one(self, node: Node, predicate: URIRef) -> Node | None:
        values = list(self.g.objects(node, predicate))
        if len(values) > 1:
            raise self.fail(node, f"more than one {show_node(predicate)}")
        return values[0] if values else None

    def count(self, node: Node, predicate: URIRef) -> int | None:
        value = self.one(node, predicate)
        if value is None:
            return None
        if not (isinstance(value, Literal) and type(value.value) is int and value.value >= 0):
            raise self.fail(node, f"{show_node(predicate)} must be a non-negative integer")
        return int(value.value)

    def refuse(self, node: Node, predicates: Sequence[URIRef], where: str) -> None:
        for predicate in predicates:
            if (node, predicate, None) in self.g:
                raise self.fail(node, f"{show_node(predicate)} {where} is not supported")

    def read_shape(self, node: Node) -> Shape:
        if not isinstance(node, (URIRef, BNode)):
            raise self.fail(node, "a shape must be an IRI or a blank node")
        shape = Shape(node)
        severity = self.one(node, SH.severity)
        if severity is not None:
            if not isinstance(severity, URIRef):
                raise self.fail(node, "sh:severity must be an IRI")
            shape.severity = severity
        for m in self.g.objects(node, SH.message):
            if not isinstance(m, Literal):
                raise self.fail(node, "sh:message must be a literal")
            shape.messages.append(m)
        path = self.one(node, SH.path)
        if path is not None:
            shape.path = self.check_path(node, path)
        return shape

    def check_path(self, shape: Node, path: Node) -> URIRef | BNode:
        if isinstance(path, URIRef):
            return path
        if isinstance(path, BNode):
            pairs = list(self.g.predicate_objects(path))
            if (
                len(pairs) == 1
                and pairs[0][0] == SH.inversePath
                and isinstance(pairs[0][1], URIRef)
            ):
                return path
        raise self.fail(shape, "a sh:path other than an IRI or its sh:inversePath")

    def triple(self, subject: str, path: URIRef | BNode, obj: str) -> str:
        """The pattern of a checked path from ``subject`` to ``obj``."""
        if isinstance(path, URIRef):
            return self.graphs.triple(subject, str(path), obj)
        return self.graphs.triple(obj, str(self.g.value(path, SH.inversePath)), subject)

    def fresh(self) -> str:
        self._variables += 1
        return f"?v{self._variables}"

    # node shapes with targets, and their property shapes

    def _node_shape(self, node: Node) -> list[Check]:
        shape = self.read_shape(node)
        if shape.path is not None:
            raise self.fail(node, "sh:targetClass on a property shape is not supported")
        where = "on a node shape"
        self.refuse(node, [SH.minCount, SH.maxCount, SH.hasValue, SH.uniqueLang], where)
        self.refuse(node, [SH.lessThanOrEquals], where)
        classes = sorted(self.g.objects(node, SH.targetClass), key=str)
        if not all(isinstance(c, URIRef) for c in classes):
            raise self.fail(node, "sh:targetClass must be an IRI")
        targeted = {ox.NamedNode(str(c)) for c in classes}
        values = " ".join(f"<{c}>" for c in classes)
        classes = f"VALUES ?class {{ {values} }}"
        every = classes + " " + self.graphs.instance_of("?this", "?class")
        some = self.graphs.instance_of("?this", "?class", classes)

        def target(run: Run) -> str:
            """The focus nodes as ?this: instances of the classes or of their subclasses."""
            if run.focus_classes is not None and not targeted & run.focus_classes:
                return NO_FOCUS_NODE
            instances = some if run.focus_filter else every
            return f"{{ SELECT DISTINCT ?this WHERE {{ {run.focus_filter} {instances} }} }}"

        checks = []
        tests = self.value_tests(node)
        if tests:
            checks.append(self._value_check(shape, target, tests))
        for constraint in self.g.objects(node, SH.sparql):
            checks.append(self._sparql_check(shape, target, constraint))
        for prop in sorted(self.g.objects(node, SH.property), key=str):
            checks += self._property_shape(prop, target)
        return checks

    def _property_shape(self, node: Node, target: Callable[[Run], str]) -> list[Check]:
        shape = self.read_shape(node)
        if shape.path is None:
            raise self.fail(node, "sh:property must point to a property shape (with sh:path)")
        self.refuse(node, [SH.targetClass, SH.sparql, SH.property], "on a property shape")
        checks = []
        tests = self.value_tests(node)
        if tests:
            checks.append(self._value_check(shape, target, tests))
        low, high = self.count(node, SH.minCount), self.count(node, SH.maxCount)
        if low is not None or high is not None:
            checks.append(self._count_check(shape, target, low, high))
        for value in sorted(self.g.objects(node, SH.hasValue), key=str):
            if not isinstance(value, URIRef):
                raise self.fail(node, "sh:hasValue supports IRIs only")
            checks.append(self._has_value_check(shape, target, value))
        unique = self.one(node, SH.uniqueLang)
        if unique is not None:
            if not (isinstance(unique, Literal) and isinstance(unique.value, bool)):
                raise self.fail(node, "sh:uniqueLang must be a boolean")
            if unique.value:
                checks.append(self._unique_lang_check(shape, target))
        for other in sorted(self.g.objects(node, SH.lessThanOrEquals), key=str):
            if not isinstance(other, URIRef):
                raise self.fail(node, "sh:lessThanOrEquals must be an IRI")
            checks.append(self._less_or_equal_check(shape, target, other))
        return checks

    # the constraints on each value node, as SPARQL expressions that never raise an error
