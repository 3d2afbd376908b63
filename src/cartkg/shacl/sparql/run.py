"""Running compiled checks: the store, the data graphs, the focus restriction, and the Python
side of the queries (the custom functions that give pySHACL's answers)."""

from __future__ import annotations

import datetime
import logging
import re
import warnings
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
from rdflib import RDF, RDFS, BNode, Literal, URIRef
from rdflib.term import Node

from cartkg.io import to_rdflib
from cartkg.namespaces import SH
from cartkg.shacl.sparql.terms import (
    FN,
    MAX_EXCLUDED_GRAPHS,
    NO_FOCUS_NODE,
    SUBCLASS_OF,
    VALUE_TYPES,
    Result,
    Term,
    show_node,
)

# --- running: the store, the focus restriction and the Python side of the queries ---


class Run:
    def __init__(
        self,
        store: ox.Store,
        graphs: Graphs,
        focus: Collection[ox.NamedNode | ox.BlankNode] | None,
        patterns: list[re.Pattern[str]],
        ranges: list[tuple[Literal, Callable[[int, int], bool]]],
    ):
        self.store = store
        self.graphs = graphs
        self.patterns = patterns
        self.ranges = ranges
        self.focus_filter = focus_filter(store, focus)
        self.focus_classes = None if focus is None else classes_of(store, focus)
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
                return compare(compare_literal(node, bound), 0)
            except (TypeError, NotImplementedError):
                return False

        return self._cached("range", term, int(index.value), test)


class Graphs:
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


def focus_filter(store: ox.Store, focus: Collection[ox.NamedNode | ox.BlankNode] | None) -> str:
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


def classes_of(
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


def compare_literal(l1: Literal, l2: Literal) -> int:
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


def less_or_equal_fails(value: Node, other: Node) -> bool:
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
def quiet_rdflib() -> Iterator[None]:
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


Check = Callable[[Run], Iterator[Result]]


@dataclass
class Shape:
    node: URIRef | BNode
    path: URIRef | BNode | None = None
    severity: URIRef = SH.Violation
    messages: list[Literal] = field(default_factory=list)

    def result(self, focus: Term, component: URIRef, value: Term | None = None) -> Result:
        assert isinstance(focus, (ox.NamedNode, ox.BlankNode))
        messages = tuple(sorted(str(m) for m in self.messages))
        # pySHACL writes a generic text for a shape without sh:message (the project's all have one)
        messages = messages or (f"{show_node(component)} not satisfied",)
        return Result(focus, self.node, self.path, component, self.severity, value, messages)
