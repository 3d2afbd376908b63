"""SHACL validation compiled to SPARQL and run on the pyoxigraph store: pySHACL's results, faster.

``validate_store`` reads the shapes graph (with rdflib: it is small), turns every shape into a
few SPARQL queries and runs them on the store the build already holds, with the data graphs as
the default graph. It compiles only the part of SHACL that ``shapes/`` uses and raises
``UnsupportedShapes`` for anything else (another kind of target, sh:node, sh:closed, a complex
path, sh:deactivated, ...), so that a caller can fall back to pySHACL. Within that part the
results are pySHACL's (0.40.1, called as ``cartkg.validate`` calls it), result for result:
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

import datetime
import logging
import operator
import re
import warnings
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from itertools import combinations
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
from rdflib import OWL, RDF, RDFS, XSD, BNode, Graph, Literal, URIRef, Variable
from rdflib.collection import Collection as RdfList
from rdflib.paths import NegatedPath, Path
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Node

from cartkg.io import from_rdflib, to_rdflib
from cartkg.namespaces import SH, show_term

if TYPE_CHECKING:
    import curies

    from cartkg.dataset import Dataset
    from cartkg.validate import ValidationResult

Term = ox.NamedNode | ox.BlankNode | ox.Literal
Test = Callable[[str], str]  # a SPARQL expression over a variable, true when it conforms

SUBCLASS_OF = f"<{RDFS.subClassOf}>"
NO_FOCUS_NODE = "{ VALUES ?this { } }"  # the target when no focus node is in its classes
MAX_EXCLUDED_GRAPHS = 100  # beyond, read the list of data graphs (see _Graphs)
FN = "urn:cartkg:sparql-shacl:"  # the custom functions' IRIs
NUMERIC = f"<{XSD.integer}>, <{XSD.decimal}>"

# The SHACL terms this compiler understands: any other sh: predicate or sh: type in the shapes
# graph is refused. (sh:declare, sh:prefix and sh:namespace come from the ontology header.)
SUPPORTED_PREDICATES = {
    SH[name]
    for name in [
        *("targetClass", "property", "sparql", "or", "severity", "message", "name"),
        *("description", "path", "inversePath", "class", "datatype", "minCount", "maxCount"),
        *("nodeKind", "pattern", "hasValue", "minInclusive", "maxInclusive", "minExclusive"),
        *("uniqueLang", "lessThanOrEquals", "select", "prefixes", "declare", "prefix", "namespace"),
    ]
}
SUPPORTED_TYPES = {SH.NodeShape, SH.PropertyShape, SH.SPARQLConstraint, SH.PrefixDeclaration}
NODE_KINDS = {
    SH.IRI: "isIRI({})",
    SH.BlankNode: "isBlank({})",
    SH.Literal: "isLiteral({})",
    SH.BlankNodeOrIRI: "!isLiteral({})",
    SH.BlankNodeOrLiteral: "!isIRI({})",
    SH.IRIOrLiteral: "!isBlank({})",
}
# sh:minInclusive & co.: the test pySHACL makes on compare_literal(value, bound), and in SPARQL
RANGES = {
    SH.minInclusive: (SH.MinInclusiveConstraintComponent, operator.ge, ">="),
    SH.maxInclusive: (SH.MaxInclusiveConstraintComponent, operator.le, "<="),
    SH.minExclusive: (SH.MinExclusiveConstraintComponent, operator.gt, ">"),
}
# the Python type pySHACL wants of a well-typed literal's value (its _assert_actual_datatype)
VALUE_TYPES: dict[URIRef, type | tuple[type, ...]] = {
    XSD.string: (str, bytes),
    RDF.langString: (str, bytes),
    XSD.integer: int,
    XSD.float: float,
    XSD.decimal: Decimal,
    XSD.boolean: bool,
    XSD.date: datetime.date,
    XSD.time: datetime.time,
    XSD.dateTime: datetime.datetime,
}
# SPARQL tests that imply rdflib reads the literal as pySHACL wants; else Python decides
DATATYPE_FAST_PATH = {
    XSD.integer: "isNumeric({})",
    XSD.decimal: "isNumeric({})",
    XSD.boolean: 'STR({}) IN ("true", "false", "1", "0")',
}


class UnsupportedShapes(Exception):
    """The shapes (or, rarely, the data) need something this validator does not do: use pySHACL."""


@dataclass(frozen=True)
class Result:
    """One validation result, as pySHACL reports it.

    The data terms ``focus`` and ``value`` are pyoxigraph terms of the store; ``shape``,
    ``path``, ``constraint`` and ``severity`` are rdflib terms of the shapes graph. ``shape`` is
    the SPARQL constraint for a SPARQL-based result (pySHACL's sh:sourceConstraint), else the
    source shape; ``path`` is the sh:path node (None for a node shape).
    """

    focus: ox.NamedNode | ox.BlankNode
    shape: URIRef | BNode
    path: URIRef | BNode | None
    constraint: URIRef
    severity: URIRef
    value: Term | None
    messages: tuple[str, ...]  # sorted


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
    graphs = _Graphs(store, data_graphs)
    compiler = _Compiler(shapes, graphs)
    checks = compiler.compile()
    run = _Run(store, graphs, focus, compiler.patterns, compiler.ranges)
    with _quiet_rdflib():
        results = [r for check in checks for r in check(run)]
    if focus is not None:
        wanted = set(focus)
        results = [r for r in results if r.focus in wanted]
    results.sort(key=lambda r: (str(r.focus), str(r.shape), str(r.constraint), str(r.value)))
    return results


def validation_results(
    results: Sequence[Result], shapes: Graph, dataset: Dataset, converter: curies.Converter
) -> list[ValidationResult]:
    """The results as ``cartkg.validate`` reports pySHACL's, in the same order."""
    from cartkg.validate import SEVERITIES, ValidationResult, _path

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
                path=_path(shapes, r.path, show),
                message=" ".join(r.messages),
                value=show(to_rdflib(r.value)) if r.value is not None else "",
                constraint=show(r.constraint),
                files=dataset.files_describing(r.focus),
            )
        )
    order = {s: i for i, s in enumerate(SEVERITIES)}
    rows.sort(key=lambda r: (r.files, r.focus_node, order.get(r.severity, 9), r.shape, r.path))
    return rows


# --- running: the store, the focus restriction and the Python side of the queries ---


class _Run:
    def __init__(
        self,
        store: ox.Store,
        graphs: _Graphs,
        focus: Collection[ox.NamedNode | ox.BlankNode] | None,
        patterns: list[re.Pattern[str]],
        ranges: list[tuple[Literal, Callable[[int, int], bool]]],
    ):
        self.store = store
        self.graphs = graphs
        self.patterns = patterns
        self.ranges = ranges
        self.focus_filter = _focus_filter(store, focus)
        self.focus_classes = None if focus is None else _classes_of(store, focus)
        self._cache: dict[tuple[str, Term, int], ox.Literal] = {}
        self.functions = {
            ox.NamedNode(FN + "datatype"): self._datatype_ok,
            ox.NamedNode(FN + "pattern"): self._pattern_ok,
            ox.NamedNode(FN + "range"): self._range_ok,
        }

    def select(self, query: str, union: bool = True) -> Iterator[ox.QuerySolution]:
        """Run a query written with ``graphs.triple`` (or, with ``union`` False, any query)."""
        if NO_FOCUS_NODE in query:  # every check joins its target: no focus node, no result
            return iter(())
        if self.graphs.union and union:
            solutions = self.store.query(
                query, use_default_graph_as_union=True, custom_functions=self.functions
            )
        else:
            solutions = self.store.query(
                query, default_graph=self.graphs.data_graphs, custom_functions=self.functions
            )
        assert isinstance(solutions, ox.QuerySolutions)
        return iter(solutions)

    def _cached(self, kind: str, term: Term, index: int, test: Callable[[], bool]) -> ox.Literal:
        key = (kind, term, index)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = ox.Literal(test())
        return found

    # the custom functions: called on one term by the queries, they answer true or false

    def _datatype_ok(self, term: Term) -> ox.Literal:
        """pySHACL's sh:datatype test, on a literal that has the datatype asked for."""

        def test() -> bool:
            literal = to_rdflib(term)
            assert isinstance(term, ox.Literal) and isinstance(literal, Literal)
            expected = VALUE_TYPES.get(URIRef(term.datatype.value))
            return literal.ill_typed is not True and (
                expected is None or isinstance(literal.value, expected)
            )

        return self._cached("datatype", term, 0, test)

    def _pattern_ok(self, term: Term, index: ox.Literal) -> ox.Literal:
        """pySHACL's sh:pattern test: Python's re.search on the IRI or the literal's text."""

        def test() -> bool:
            node = to_rdflib(term)
            text = str(node)
            if isinstance(node, Literal) and node.value is not None and node.datatype is None:
                text = str(node.value)  # pySHACL's value_node_to_string
            return bool(self.patterns[int(index.value)].search(text))

        return self._cached("pattern", term, int(index.value), test)

    def _range_ok(self, term: Term, index: ox.Literal) -> ox.Literal:
        """pySHACL's sh:minInclusive & co. test, with rdflib's order of literals."""

        def test() -> bool:
            bound, compare = self.ranges[int(index.value)]
            node = to_rdflib(term)
            if not isinstance(node, Literal):
                return False
            if isinstance(node.value, str) != isinstance(bound.value, str):
                return False
            try:
                return compare(_compare_literal(node, bound), 0)
            except (TypeError, NotImplementedError):
                return False

        return self._cached("range", term, int(index.value), test)


class _Graphs:
    """How the queries read the union of the data graphs.

    Given a list of default graphs, oxigraph looks a pattern up in each graph in turn: a lookup
    costs as much as there are files (15 k at 1 M triples). So the queries read the union of all
    the store's graphs instead, and where a predicate also occurs outside the data graphs (in
    the shapes files: rdf:type), a GRAPH pattern keeps only the data graphs' triples. When that
    would not be exact or cheap (rdfs:subClassOf outside the data, whose paths cannot be
    filtered so, or many other graphs), the queries read the list of data graphs.
    """

    def __init__(self, store: ox.Store, data_graphs: Sequence[ox.NamedNode]):
        self.data_graphs = list(data_graphs)
        data = set(self.data_graphs)
        self.excluded = [g for g in store.named_graphs() if g not in data]
        self.excluded_predicates: set[str] = set()
        self.union = len(self.excluded) <= MAX_EXCLUDED_GRAPHS
        if self.union:
            for graph in [*self.excluded, ox.DefaultGraph()]:
                for quad in store.quads_for_pattern(None, None, None, graph):
                    self.excluded_predicates.add(quad.predicate.value)
            self.union = str(RDFS.subClassOf) not in self.excluded_predicates
        self._variables = 0

    def triple(self, subject: str, predicate: str, obj: str) -> str:
        """The pattern of a triple of the data graphs."""
        if self.union and predicate in self.excluded_predicates:
            self._variables += 1
            g = f"?graph{self._variables}"
            excluded = ", ".join(str(e) for e in self.excluded)
            return f"GRAPH {g} {{ {subject} <{predicate}> {obj} }} FILTER({g} NOT IN ({excluded}))"
        return f"{subject} <{predicate}> {obj} ."

    def instance_of(self, node: str, cls: str, classes: str = "") -> str:
        """The pattern of ``node`` an instance of ``cls`` or of one of its subclasses.

        With ``classes`` (a VALUES block binding ``cls``), for a target restricted to some focus
        nodes, the subclasses are found in a subquery first: joined with the type triples
        directly, oxigraph would read every instance of every class before it meets the focus
        restriction. Without a focus, the plain join is faster.
        """
        self._variables += 1
        t = f"?type{self._variables}"
        if not classes:  # a test on one value (in EXISTS): the path from the bound type is cheap
            return f"{t} {SUBCLASS_OF}* {cls} . {self.triple(node, str(RDF.type), t)}"
        return (
            f"{{ SELECT {t} WHERE {{ {classes} {t} {SUBCLASS_OF}* {cls} }} }} "
            f"{self.triple(node, str(RDF.type), t)}"
        )

    def can_read(self, uris: set[str] | None) -> bool:
        """Whether a query whose patterns name only ``uris`` (None: any) can read the union."""
        return uris is not None and not (uris & self.excluded_predicates)


def _focus_filter(store: ox.Store, focus: Collection[ox.NamedNode | ox.BlankNode] | None) -> str:
    """A pattern restricting ?this to the focus nodes. A query cannot name a blank node of the
    store, so blank focus nodes are let through as the blank subjects of the graphs that
    describe them, and the results are filtered afterwards."""
    if focus is None:
        return ""
    named = " ".join(str(n) for n in focus if isinstance(n, ox.NamedNode))
    graphs = {
        q.graph_name
        for n in focus
        if isinstance(n, ox.BlankNode)
        for q in store.quads_for_pattern(n, None, None, None)
    }
    if not graphs:
        return f"VALUES ?this {{ {named} }}"
    blank_graphs = " ".join(str(g) for g in graphs if isinstance(g, ox.NamedNode))
    return (
        f"{{ VALUES ?this {{ {named} }} }} UNION {{ VALUES ?focusGraph {{ {blank_graphs} }} "
        "GRAPH ?focusGraph { ?this ?focusPredicate ?focusObject } FILTER(isBlank(?this)) }"
    )


def _classes_of(
    store: ox.Store, nodes: Collection[ox.NamedNode | ox.BlankNode]
) -> set[ox.NamedNode]:
    """Every class the nodes have a type in, through rdf:type in any graph and
    rdfs:subClassOf*: more than the data graphs say, never less."""
    types = {
        q.object
        for n in nodes
        for q in store.quads_for_pattern(n, ox.NamedNode(str(RDF.type)), None, None)
        if isinstance(q.object, ox.NamedNode)
    }
    if not types:
        return set()
    query = (
        f"SELECT DISTINCT ?class WHERE {{ VALUES ?type {{ {' '.join(map(str, types))} }} "
        f"?type {SUBCLASS_OF}* ?class }}"
    )
    found = {row["class"] for row in store.query(query, use_default_graph_as_union=True)}
    return {c for c in found if isinstance(c, ox.NamedNode)} | types


def _compare_literal(l1: Literal, l2: Literal) -> int:
    """pySHACL's compare_literal (pyshacl.rdfutil.compare): -1, 0 or 1, or TypeError."""
    if l1.eq(l2):
        return 0
    if l1.value.__class__ in (datetime.datetime, datetime.time):
        if l1.value == l2.value:
            return 0
        elif l1.value > l2.value:
            return 1
    elif l1 > l2:
        return 1
    return -1


def _less_or_equal_fails(value: Node, other: Node) -> bool:
    """pySHACL's sh:lessThanOrEquals test on one pair of values (its _compare_ltoe)."""
    a: Any = value
    b: Any = other
    a_is_string = isinstance(a, URIRef) or (isinstance(a, Literal) and isinstance(a.value, str))
    b_is_string = isinstance(b, URIRef) or (isinstance(b, Literal) and isinstance(b.value, str))
    if a_is_string != b_is_string:
        return True
    if a_is_string:
        a = str(a) if isinstance(a, URIRef) else a.value
        b = str(b) if isinstance(b, URIRef) else b.value
    return not a <= b


@contextmanager
def _quiet_rdflib() -> Iterator[None]:
    """rdflib logs a traceback for every ill-typed literal it reads; here they are expected."""
    logger = logging.getLogger("rdflib.term")
    disabled = logger.disabled
    logger.disabled = True
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.disabled = disabled


# --- compiling: the shapes graph into checks, each a function of a run giving results ---

Check = Callable[[_Run], Iterator[Result]]


@dataclass
class _Shape:
    node: URIRef | BNode
    path: URIRef | BNode | None = None
    severity: URIRef = SH.Violation
    messages: list[Literal] = field(default_factory=list)

    def result(self, focus: Term, component: URIRef, value: Term | None = None) -> Result:
        assert isinstance(focus, (ox.NamedNode, ox.BlankNode))
        messages = tuple(sorted(str(m) for m in self.messages))
        # pySHACL writes a generic text for a shape without sh:message (the project's all have one)
        messages = messages or (f"{_show(component)} not satisfied",)
        return Result(focus, self.node, self.path, component, self.severity, value, messages)


class _Compiler:
    def __init__(self, shapes: Graph, graphs: _Graphs):
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
        return UnsupportedShapes(f"{_show(node)}: {why}")

    def _check_vocabulary(self) -> None:
        classes = {RDFS.Class, OWL.Class, *self.g.subjects(RDFS.subClassOf, RDFS.Class)}
        for s, p, o in self.g:
            if p.startswith(SH) and p not in SUPPORTED_PREDICATES:
                raise self.fail(s, f"{_show(p)} is not supported")
            if p == RDF.type and o.startswith(SH) and o not in SUPPORTED_TYPES:
                raise self.fail(s, f"rdf:type {_show(o)} is not supported")
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
            raise self.fail(node, f"more than one {_show(predicate)}")
        return values[0] if values else None

    def count(self, node: Node, predicate: URIRef) -> int | None:
        value = self.one(node, predicate)
        if value is None:
            return None
        if not (isinstance(value, Literal) and type(value.value) is int and value.value >= 0):
            raise self.fail(node, f"{_show(predicate)} must be a non-negative integer")
        return int(value.value)

    def refuse(self, node: Node, predicates: Sequence[URIRef], where: str) -> None:
        for predicate in predicates:
            if (node, predicate, None) in self.g:
                raise self.fail(node, f"{_show(predicate)} {where} is not supported")

    def read_shape(self, node: Node) -> _Shape:
        if not isinstance(node, (URIRef, BNode)):
            raise self.fail(node, "a shape must be an IRI or a blank node")
        shape = _Shape(node)
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

        def target(run: _Run) -> str:
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

    def _property_shape(self, node: Node, target: Callable[[_Run], str]) -> list[Check]:
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

    def value_tests(self, node: Node) -> list[tuple[URIRef, Test]]:
        """(constraint component, test), one per parameter value, as pySHACL reports them."""
        g, tests = self.g, []
        for cls in sorted(g.objects(node, SH["class"]), key=str):
            if not isinstance(cls, URIRef):
                raise self.fail(node, "sh:class must be an IRI")
            tests.append(
                (
                    SH.ClassConstraintComponent,
                    lambda v, c=cls: f"EXISTS {{ {self.graphs.instance_of(v, f'<{c}>')} }}",
                )
            )
        datatype = self.one(node, SH.datatype)
        if datatype is not None:
            tests.append((SH.DatatypeConstraintComponent, self._datatype_test(node, datatype)))
        kind = self.one(node, SH.nodeKind)
        if kind is not None:
            if kind not in NODE_KINDS:
                raise self.fail(node, f"unknown sh:nodeKind {_show(kind)}")
            tests.append((SH.NodeKindConstraintComponent, NODE_KINDS[kind].format))
        for pattern in sorted(g.objects(node, SH.pattern), key=str):
            if not isinstance(pattern, Literal):
                raise self.fail(node, "sh:pattern must be a literal")
            # as pySHACL compiles it: the value, or the text for a one-character value
            value = pattern.value
            text = str(value) if value is not None and len(value) > 1 else str(pattern)
            index = len(self.patterns)
            self.patterns.append(re.compile(text))
            tests.append(
                (
                    SH.PatternConstraintComponent,
                    lambda v, i=index: f"IF(isBlank({v}), false, <{FN}pattern>({v}, {i}))",
                )
            )
        for predicate, (component, compare, op) in RANGES.items():
            for bound in sorted(g.objects(node, predicate), key=str):
                if not isinstance(bound, Literal):
                    raise self.fail(node, f"{_show(predicate)} must be a literal")
                tests.append((component, self._range_test(bound, compare, op)))
        for alternatives in g.objects(node, SH["or"]):
            members = list(RdfList(g, alternatives))
            if not members:
                raise self.fail(node, "sh:or needs a non-empty list")
            tests.append((SH.OrConstraintComponent, self._or_test(members)))
        return tests

    def _datatype_test(self, node: Node, datatype: Node) -> Test:
        if datatype == RDF.langString:
            return lambda v: f'(isLiteral({v}) && LANG({v}) != "")'
        if datatype == XSD.string:
            return lambda v: f"(isLiteral({v}) && datatype({v}) = <{XSD.string}>)"
        if not isinstance(datatype, URIRef) or datatype.startswith(RDFS):
            raise self.fail(node, f"sh:datatype {_show(datatype)} is not supported")
        fast = DATATYPE_FAST_PATH.get(datatype, "false").format
        return lambda v: (
            f"IF(isLiteral({v}) && datatype({v}) = <{datatype}>, "
            f"IF({fast(v)}, true, <{FN}datatype>({v})), false)"
        )

    def _range_test(self, bound: Literal, compare: Callable[[int, int], bool], op: str) -> Test:
        index = len(self.ranges)
        self.ranges.append((bound, compare))
        if bound.datatype in (XSD.integer, XSD.decimal) and bound.value is not None:
            # a valid integer or decimal compares the same in SPARQL and in rdflib
            literal = from_rdflib(bound)

            def fast(v: str) -> str:
                return (
                    f"COALESCE(isLiteral({v}) && datatype({v}) IN ({NUMERIC}) && isNumeric({v}) "
                    f"&& {v} {op} {literal}, false)"
                )
        else:

            def fast(v: str) -> str:
                return "false"

        return lambda v: f"IF({fast(v)}, true, <{FN}range>({v}, {index}))"

    def _or_test(self, members: list[Node]) -> Test:
        alternatives = [self._conforms(m) for m in members]
        return lambda v: "(" + " || ".join(a(v) for a in alternatives) + ")"

    def _conforms(self, node: Node) -> Test:
        """True when the value conforms to ``node``, a member of an sh:or list."""
        where = "in an sh:or member"
        self.refuse(node, [SH.targetClass, SH.sparql, SH.property, SH.uniqueLang], where)
        self.refuse(node, [SH.lessThanOrEquals], where)
        if self.one(node, SH.severity) not in (None, SH.Violation):
            # pySHACL (allowing warnings) would count such a member as conforming, always
            raise self.fail(node, "sh:severity other than sh:Violation in an sh:or member")
        tests = [t for _, t in self.value_tests(node)]
        path = self.one(node, SH.path)
        if path is None:
            self.refuse(node, [SH.minCount, SH.maxCount, SH.hasValue], "on a node shape")
            parts = tests
        else:
            path = self.check_path(node, path)
            parts = [self._all_values(path, t) for t in tests]
            low, high = self.count(node, SH.minCount), self.count(node, SH.maxCount)
            if low:
                parts.append(self._has_values(path, low, True))
            if high is not None:
                parts.append(self._has_values(path, high + 1, False))
            for value in self.g.objects(node, SH.hasValue):
                if not isinstance(value, URIRef):
                    raise self.fail(node, "sh:hasValue supports IRIs only")
                parts.append(
                    lambda v, p=path, x=value: f"EXISTS {{ {self.triple(v, p, f'<{x}>')} }}"
                )
        if not parts:
            return lambda v: "true"
        return lambda v: "(" + " && ".join(f"COALESCE({p(v)}, false)" for p in parts) + ")"

    def _all_values(self, path: URIRef | BNode, test: Test) -> Test:
        w = self.fresh()
        return lambda v: (
            f"NOT EXISTS {{ {self.triple(v, path, w)} FILTER(!COALESCE({test(w)}, false)) }}"
        )

    def _has_values(self, path: URIRef | BNode, n: int, exists: bool) -> Test:
        """(NOT) EXISTS n distinct values of ``path``."""
        names = [self.fresh() for _ in range(n)]
        different = " && ".join(f"!sameTerm({a}, {b})" for a, b in combinations(names, 2))
        keyword = "EXISTS" if exists else "NOT EXISTS"
        return lambda v: (
            f"{keyword} {{ {' '.join(self.triple(v, path, w) for w in names)} "
            + (f"FILTER({different}) }}" if different else "}")
        )

    # the checks: each runs one query and reads its rows into results

    def _value_check(
        self, shape: _Shape, target: Callable[[_Run], str], tests: list[tuple[URIRef, Test]]
    ) -> Check:
        if shape.path is not None:
            values = self.triple("?this", shape.path, "?value")
        else:
            values = "BIND(?this AS ?value)"  # a node shape's value node is its focus node
        flags = " ".join(
            f"BIND(!COALESCE({t('?value')}, false) AS ?f{i})" for i, (_, t) in enumerate(tests)
        )
        columns = " ".join(f"?f{i}" for i in range(len(tests)))
        any_flag = " || ".join(f"?f{i}" for i in range(len(tests)))
        components = [c for c, _ in tests]

        def check(run: _Run) -> Iterator[Result]:
            query = (
                f"SELECT DISTINCT ?this ?value {columns} WHERE {{ {target(run)} {values} "
                f"{flags} FILTER({any_flag}) }}"
            )
            for row in run.select(query):
                for i, component in enumerate(components):
                    if row[f"f{i}"] == TRUE:
                        yield shape.result(row["this"], component, row["value"])

        return check

    def _count_check(
        self, shape: _Shape, target: Callable[[_Run], str], low: int | None, high: int | None
    ) -> Check:
        assert shape.path is not None
        values = self.triple("?this", shape.path, "?value")
        conditions = []
        if low is not None:
            conditions.append(f"COUNT(DISTINCT ?value) < {low}")
        if high is not None:
            conditions.append(f"COUNT(DISTINCT ?value) > {high}")
        having = " || ".join(conditions)

        def check(run: _Run) -> Iterator[Result]:
            query = (
                f"SELECT ?this (COUNT(DISTINCT ?value) AS ?n) WHERE {{ {target(run)} "
                f"OPTIONAL {{ {values} }} }} GROUP BY ?this HAVING ({having})"
            )
            for row in run.select(query):
                n = int(row["n"].value)
                if low is not None and n < low:
                    yield shape.result(row["this"], SH.MinCountConstraintComponent)
                if high is not None and n > high:
                    yield shape.result(row["this"], SH.MaxCountConstraintComponent)

        return check

    def _has_value_check(
        self, shape: _Shape, target: Callable[[_Run], str], value: URIRef
    ) -> Check:
        assert shape.path is not None
        pattern = self.triple("?this", shape.path, f"<{value}>")

        def check(run: _Run) -> Iterator[Result]:
            query = f"SELECT ?this WHERE {{ {target(run)} FILTER NOT EXISTS {{ {pattern} }} }}"
            for row in run.select(query):
                yield shape.result(row["this"], SH.HasValueConstraintComponent)

        return check

    def _unique_lang_check(self, shape: _Shape, target: Callable[[_Run], str]) -> Check:
        assert shape.path is not None
        values = self.triple("?this", shape.path, "?value")

        def check(run: _Run) -> Iterator[Result]:
            # one result, without value, per language tag (any case) shared by two values
            query = (
                f"SELECT ?this ?lang WHERE {{ {target(run)} {values} "
                'FILTER(isLiteral(?value) && LANG(?value) != "") } '
                "GROUP BY ?this (LCASE(LANG(?value)) AS ?lang) HAVING (COUNT(DISTINCT ?value) > 1)"
            )
            for row in run.select(query):
                yield shape.result(row["this"], SH.UniqueLangConstraintComponent)

        return check

    def _less_or_equal_check(
        self, shape: _Shape, target: Callable[[_Run], str], other: URIRef
    ) -> Check:
        assert shape.path is not None
        values = self.triple("?this", shape.path, "?value")
        # pairs SPARQL cannot settle go to Python; pySHACL stops at a blank node
        settled = (
            f"isNumeric(?value) && isNumeric(?other) && datatype(?value) IN ({NUMERIC}) "
            f"&& datatype(?other) IN ({NUMERIC}) && ?value <= ?other"
        )

        def check(run: _Run) -> Iterator[Result]:
            query = (
                f"SELECT DISTINCT ?this ?value ?other WHERE {{ {target(run)} {values} "
                f"OPTIONAL {{ ?this <{other}> ?other }} "
                f"FILTER(isBlank(?value) || (BOUND(?other) && !COALESCE({settled}, false))) }}"
            )
            for row in run.select(query):
                value, compared = row["value"], row["other"]
                if isinstance(value, ox.BlankNode) or isinstance(compared, ox.BlankNode):
                    raise UnsupportedShapes(
                        f"{_show(shape.node)}: pySHACL cannot compare a blank node "
                        "(sh:lessThanOrEquals)"
                    )
                assert value is not None and compared is not None
                if _less_or_equal_fails(to_rdflib(value), to_rdflib(compared)):
                    yield shape.result(row["this"], SH.LessThanOrEqualsConstraintComponent, value)

        return check

    def _sparql_check(self, shape: _Shape, target: Callable[[_Run], str], node: Node) -> Check:
        """A SPARQL-based constraint, joined with the focus nodes (not run once per node)."""
        if not isinstance(node, (URIRef, BNode)):
            raise self.fail(shape.node, "sh:sparql must be an IRI or a blank node")
        select = self.one(node, SH.select)
        if not isinstance(select, Literal):
            raise self.fail(node, "a SPARQL constraint needs one sh:select")
        text = str(select)
        if re.search(r"^\s*(PREFIX|BASE)\b", text, re.I | re.M):
            raise self.fail(node, "PREFIX and BASE in sh:select are not supported")
        if re.search(r"[$?](PATH|shapesGraph|currentShape)\b", text):
            raise self.fail(node, "$PATH, $shapesGraph and $currentShape are not supported")
        own = [m for m in self.g.objects(node, SH.message) if isinstance(m, Literal)]
        # pySHACL: the constraint's messages, then the node shape's; the severity is the shape's
        messages = [m for m in own if m not in shape.messages] + shape.messages
        result_shape = _Shape(node, None, shape.severity, messages)
        holders = [*self.g.objects(node, SH.prefixes)]
        ontologies = [*self.g.subjects(RDF.type, OWL.Ontology)] if holders else []
        g = self.g

        def check(run: _Run) -> Iterator[Result]:
            prefixes = _prefixes(g, run, [*holders, *ontologies], node)
            variables, uris = _joinable_select(text, prefixes, node)
            query = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in prefixes.items()) + (
                f"SELECT DISTINCT {' '.join('?' + v for v in variables)} WHERE {{ "
                f"{target(run)} {{ {text} }} }}"
            )
            for row in run.select(query, union=run.graphs.can_read(uris)):
                focus = row["this"]
                bound = {v: row[v] for v in variables if row[v] is not None and v != "this"}
                # without ?value, a node shape's result has its focus node as value
                value = bound.pop("value", focus)
                fill = {**bound, "this": focus, "value": value}
                result = result_shape.result(focus, SH.SPARQLConstraintComponent, value)
                messages = tuple(sorted(_fill(m, fill) for m in result.messages))
                yield Result(focus, node, None, result.constraint, shape.severity, value, messages)

        return check


TRUE = ox.Literal(True)


def _fill(message: str, bound: dict[str, Any]) -> str:
    """pySHACL's {?var} substitution in the message of a SPARQL-based constraint."""
    for name, term in bound.items():
        message = re.sub(f"{{[?$]{name}}}", str(to_rdflib(term)), message)
    return message


def _show(node: Node | None) -> str:
    if isinstance(node, URIRef):
        return "sh:" + node[len(SH) :] if node.startswith(SH) else f"<{node}>"
    return str(node) if isinstance(node, Literal) else f"_:{node}"


def _prefixes(g: Graph, run: _Run, holders: list[Node], constraint: Node) -> dict[str, str]:
    """The prefixes of a SPARQL constraint as pySHACL collects them: rdf, rdfs and owl, then the
    sh:declare of its sh:prefixes nodes and of the shapes graph's owl:Ontology, found in the
    shapes graph or in the data graphs (where the ontology header declares them)."""
    prefixes = {"rdf": str(RDF), "rdfs": str(RDFS), "owl": str(OWL)}
    declared: dict[str, set[str]] = {}
    for holder in holders:
        for d in g.objects(holder, SH.declare):
            for p in g.objects(d, SH.prefix):
                for ns in g.objects(d, SH.namespace):
                    declared.setdefault(str(p), set()).add(str(ns))
        if isinstance(holder, URIRef):
            declare = run.graphs.triple(f"<{holder}>", str(SH.declare), "?d")
            prefix = run.graphs.triple("?d", str(SH.prefix), "?p")
            namespace = run.graphs.triple("?d", str(SH.namespace), "?ns")
            query = f"SELECT ?p ?ns WHERE {{ {declare} {prefix} {namespace} }}"
            for row in run.select(query):
                declared.setdefault(row["p"].value, set()).add(row["ns"].value)
    for prefix, namespaces in sorted(declared.items()):
        if len(namespaces) > 1:
            raise UnsupportedShapes(f"{_show(constraint)}: two namespaces for prefix {prefix!r}")
        prefixes[prefix] = namespaces.pop()
    return prefixes


# --- SPARQL-based constraints: when joining with the focus nodes equals pre-binding $this ---

FORBIDDEN = {
    "Graph", "GraphGraphPattern", "ServiceGraphPattern", "Minus", "MinusGraphPattern", "values",
    "InlineData", "InlineDataOneVar", "InlineDataFull", "Group", "AggregateJoin", "Slice",
    "LimitOffsetClauses", "GroupClause",
}  # fmt: skip


class _NotJoinable(Exception):
    pass


def _joinable_select(
    text: str, prefixes: dict[str, str], constraint: Node
) -> tuple[list[str], set[str] | None]:
    """The projected variables of a SELECT whose join with the focus nodes is exact, and the
    IRIs it names (None if a pattern's predicate is a variable or a negated path).

    pySHACL binds $this before it evaluates the query, once per focus node. Joining the query's
    solutions with the focus nodes gives the same solutions if $this is bound by the pattern
    wherever a FILTER, an OPTIONAL or a BIND reads it. Aggregates and LIMIT would count the
    union's duplicate triples and GRAPH would see the files' graphs: they are refused, as are
    VALUES and MINUS (pySHACL refuses them).
    """
    try:
        algebra = prepareQuery(text, initNs=prefixes).algebra
    except Exception as e:
        raise UnsupportedShapes(f"{_show(constraint)}: cannot parse sh:select: {e}") from None
    variables = [str(v) for v in algebra.get("PV") or []]
    try:
        if algebra.name != "SelectQuery" or algebra.get("datasetClause"):
            raise _NotJoinable("only a SELECT without FROM is supported")
        if "this" not in variables or {"path", "failure"} & set(variables):
            raise _NotJoinable("the SELECT must project $this, and neither ?path nor ?failure")
        _refuse_forbidden(algebra)
        top = algebra.p
        while top.name in ("Project", "Distinct", "Reduced", "OrderBy"):
            top = top.p
        if "this" not in _bound(top):
            raise _NotJoinable("$this is not bound in every solution")
    except _NotJoinable as e:
        raise UnsupportedShapes(f"{_show(constraint)}: {e}") from None
    return variables, _iris(algebra)


def _iris(node: object) -> set[str] | None:
    """Every IRI in a parsed query, or None if a triple pattern's predicate is not constant."""
    found: set[str] = set()

    def walk(node: object, key: str = "") -> bool:
        if isinstance(node, URIRef):
            found.add(str(node))
        elif isinstance(node, NegatedPath) or (
            isinstance(node, CompValue) and node.name == "PathNegatedPropertySet"
        ):
            return False
        elif isinstance(node, Path):
            return all(walk(v) for v in vars(node).values())
        elif isinstance(node, CompValue):
            return all(walk(v, k) for k, v in node.items())
        elif isinstance(node, (list, tuple)):
            if key == "triples" and len(node) == 3 and isinstance(node[1], Variable):
                return False
            return all(walk(item, key) for item in node)
        return True

    return found if walk(node) else None


def _refuse_forbidden(node: object) -> None:
    if isinstance(node, CompValue):
        if node.name in FORBIDDEN or node.name.startswith(("Aggregate", "Service")):
            raise _NotJoinable(f"{node.name} is not supported in a SPARQL constraint")
        for value in node.values():
            _refuse_forbidden(value)
    elif isinstance(node, (list, tuple)):
        for item in node:
            _refuse_forbidden(item)


def _mentions_this(node: object) -> bool:
    if isinstance(node, Variable):
        return str(node) == "this"
    if isinstance(node, CompValue):
        return any(_mentions_this(v) for k, v in node.items() if k != "_vars")
    if isinstance(node, (list, tuple, set)):
        return any(_mentions_this(item) for item in node)
    return False


def _bound(node: CompValue) -> set[str]:
    """The variables bound in every solution of ``node``; _NotJoinable where $this is read
    before it is bound."""
    name = node.name
    if name == "BGP":
        return {str(t) for triple in node.triples for t in triple if isinstance(t, Variable)}
    if name == "Join":
        return _bound(node.p1) | _bound(node.p2)
    if name == "Union":
        return _bound(node.p1) & _bound(node.p2)
    if name == "LeftJoin":
        left = _bound(node.p1)
        _bound(node.p2)
        if "this" not in left and (_mentions_this(node.p2) or _mentions_this(node.expr)):
            raise _NotJoinable("$this is read in an OPTIONAL before it is bound")
        return left
    if name in ("Filter", "Extend"):
        inner = _bound(node.p)
        if "this" not in inner and _mentions_this(node.expr):
            raise _NotJoinable("$this is read in a FILTER or BIND before it is bound")
        return inner
    if not _mentions_this(node):
        return set()  # e.g. a sub-SELECT without $this
    raise _NotJoinable(f"$this in {name} is not supported")
