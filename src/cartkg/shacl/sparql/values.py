"""Value constraints as SPARQL tests of one value node: sh:class, sh:datatype, sh:nodeKind,
sh:pattern, sh:minInclusive and co., sh:or and nested shapes."""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import combinations

from rdflib import RDF, RDFS, XSD, BNode, Literal, URIRef
from rdflib.collection import Collection as RdfList
from rdflib.term import Node

from cartkg.io import from_rdflib
from cartkg.namespaces import SH
from cartkg.shacl.sparql.terms import (
    DATATYPE_FAST_PATH,
    FN,
    NODE_KINDS,
    NUMERIC,
    RANGES,
    Test,
    show_node,
)


class ValueTests:
    """The tests of one value node; mixed into the compiler, which provides g, fail and
    the shape readers."""

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
                raise self.fail(node, f"unknown sh:nodeKind {show_node(kind)}")
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
                    raise self.fail(node, f"{show_node(predicate)} must be a literal")
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
            raise self.fail(node, f"sh:datatype {show_node(datatype)} is not supported")
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
