"""Checks over the values of each focus node: the value tests, sh:minCount and sh:maxCount,
sh:hasValue, sh:uniqueLang and sh:lessThanOrEquals."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pyoxigraph as ox
from rdflib import URIRef

from cartkg.io import to_rdflib
from cartkg.namespaces import SH
from cartkg.shacl.sparql.run import Check, Run, Shape, less_or_equal_fails
from cartkg.shacl.sparql.terms import NUMERIC, TRUE, Result, Test, UnsupportedShapes, show_node


class Checks:
    """The checks of a property shape; mixed into the compiler."""

    def _value_check(
        self, shape: Shape, target: Callable[[Run], str], tests: list[tuple[URIRef, Test]]
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

        def check(run: Run) -> Iterator[Result]:
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
        self, shape: Shape, target: Callable[[Run], str], low: int | None, high: int | None
    ) -> Check:
        assert shape.path is not None
        values = self.triple("?this", shape.path, "?value")
        conditions = []
        if low is not None:
            conditions.append(f"COUNT(DISTINCT ?value) < {low}")
        if high is not None:
            conditions.append(f"COUNT(DISTINCT ?value) > {high}")
        having = " || ".join(conditions)

        def check(run: Run) -> Iterator[Result]:
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

    def _has_value_check(self, shape: Shape, target: Callable[[Run], str], value: URIRef) -> Check:
        assert shape.path is not None
        pattern = self.triple("?this", shape.path, f"<{value}>")

        def check(run: Run) -> Iterator[Result]:
            query = f"SELECT ?this WHERE {{ {target(run)} FILTER NOT EXISTS {{ {pattern} }} }}"
            for row in run.select(query):
                yield shape.result(row["this"], SH.HasValueConstraintComponent)

        return check

    def _unique_lang_check(self, shape: Shape, target: Callable[[Run], str]) -> Check:
        assert shape.path is not None
        values = self.triple("?this", shape.path, "?value")

        def check(run: Run) -> Iterator[Result]:
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
        self, shape: Shape, target: Callable[[Run], str], other: URIRef
    ) -> Check:
        assert shape.path is not None
        values = self.triple("?this", shape.path, "?value")
        # pairs SPARQL cannot settle go to Python; pySHACL stops at a blank node
        settled = (
            f"isNumeric(?value) && isNumeric(?other) && datatype(?value) IN ({NUMERIC}) "
            f"&& datatype(?other) IN ({NUMERIC}) && ?value <= ?other"
        )

        def check(run: Run) -> Iterator[Result]:
            query = (
                f"SELECT DISTINCT ?this ?value ?other WHERE {{ {target(run)} {values} "
                f"OPTIONAL {{ ?this <{other}> ?other }} "
                f"FILTER(isBlank(?value) || (BOUND(?other) && !COALESCE({settled}, false))) }}"
            )
            for row in run.select(query):
                value, compared = row["value"], row["other"]
                if isinstance(value, ox.BlankNode) or isinstance(compared, ox.BlankNode):
                    raise UnsupportedShapes(
                        f"{show_node(shape.node)}: pySHACL cannot compare a blank node "
                        "(sh:lessThanOrEquals)"
                    )
                assert value is not None and compared is not None
                if less_or_equal_fails(to_rdflib(value), to_rdflib(compared)):
                    yield shape.result(row["this"], SH.LessThanOrEqualsConstraintComponent, value)

        return check
