"""The types and values the checks need, read from the store in one pass or node by node."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

import pyoxigraph as ox

from cartkg.rules.compile import Rules
from cartkg.rules.expressions import And, Restriction
from cartkg.rules.literals import CHECKED_LEXICAL, ill_typed, outside
from cartkg.rules.report import TYPE, Node, Problem
from cartkg.rules.show import show


class Facts:
    """The types and the values the rules need: read from the store in one pass, or, with
    ``lazy``, node by node as the checks ask for them."""

    def __init__(
        self, rules: Rules, store: ox.Store, graphs: set[ox.NamedNode], lazy: bool = False
    ):
        self.rules = rules
        self.lazy = lazy
        self._read: set[Node] = set()
        self.store = store
        self.graphs = graphs
        self.base: dict[Node, set[ox.NamedNode]] = defaultdict(set)
        self.values: dict[tuple[Node, ox.NamedNode], set] = defaultdict(set)
        self.inverse: dict[tuple[Node, ox.NamedNode], set] = defaultdict(set)
        self.functional_values: dict[tuple[Node, ox.NamedNode], set] = defaultdict(set)
        self.problems: list[Problem] = []
        self._closed: dict[Node, set[ox.NamedNode]] = {}
        self._defined: dict[Node, set[ox.NamedNode]] = {}
        self._busy: set[Node] = set()

    def all_quads(self) -> Iterator[ox.Quad]:
        for graph in self.graphs:
            yield from self.store.quads_for_pattern(None, None, None, graph)

    def ensure(self, node: Node) -> None:
        """In focus mode, read what the rules need about ``node`` the first time it is asked:
        its own statements, the properties pointing to it (for their ranges), and the nodes
        pointing to it through a property a defined class reads backwards."""
        if not self.lazy or node in self._read:
            return
        self._read.add(node)
        self.read(
            q
            for q in self.store.quads_for_pattern(node, None, None, None)
            if q.graph_name in self.graphs
        )
        if self.rules.ranges:
            if isinstance(node, ox.BlankNode):  # a query cannot name one; it has few links
                incoming = [
                    (q.predicate, q.graph_name)
                    for q in self.store.quads_for_pattern(None, None, node, None)
                ]
            else:
                query = f"SELECT DISTINCT ?p ?g WHERE {{ GRAPH ?g {{ ?s ?p {node} }} }}"
                incoming = [(row["p"], row["g"]) for row in self.store.query(query)]
            for p, g in incoming:
                if g in self.graphs and p in self.rules.ranges:
                    self.base[node].update(self.rules.ranges[p])
        for p in self.rules.inverse_properties:
            for q in self.store.quads_for_pattern(None, p, node, None):
                if q.graph_name in self.graphs:
                    self.inverse[(node, p)].add(q.subject)

    def read(self, quads: Iterable[ox.Quad]) -> None:
        rules = self.rules
        domains, ranges, datatypes = rules.domains, rules.ranges, rules.datatype_ranges
        functional, looked_at = rules.functional, rules.properties
        backwards = rules.inverse_properties
        base, values, inverse = self.base, self.values, self.inverse
        for q in quads:
            s, p, o = q.subject, q.predicate, q.object
            if p == TYPE:
                if isinstance(o, ox.NamedNode):
                    base[s].add(o)
                continue
            if p in domains:
                base[s].update(domains[p])
            if isinstance(o, ox.Literal):
                why = ill_typed(o) if o.datatype.value in CHECKED_LEXICAL else ""
                for allowed in datatypes.get(p, ()) if not why else ():
                    why = outside(o, allowed)
                    if why:
                        break
                if why:
                    self.problems.append(Problem("datatype", s, f"{show(p)} {why}"))
            elif p in ranges:
                base[o].update(ranges[p])
            if p in functional:
                self.functional_values[(s, p)].add(o)
            if p in looked_at:
                values[(s, p)].add(o)
                if not self.lazy and p in backwards:
                    inverse[(o, p)].add(s)

    def types(self, node: Node) -> set[ox.NamedNode]:
        """Every named class of ``node``: stated, from domains and ranges, supers, defined."""
        found = self._closed.get(node)
        if found is None:
            self.ensure(node)
            found = self.rules.close(self.base.get(node, ()))
            self._closed[node] = found
            if node not in self._busy:
                self._busy.add(node)
                found |= self.rules.close(self.defined_types(node))
                self._busy.discard(node)
        return found

    def defined_types(self, node: Node) -> set[ox.NamedNode]:
        known = self._defined.get(node)
        if known is not None:
            return known
        found: set[ox.NamedNode] = set()
        changed = True
        while changed:  # a defined class may rest on another (dual-targeting on multi-target)
            changed = False
            for cls, expression in self.rules.defined:
                if cls in found or not self.rules.required[cls] <= self.types(node):
                    continue
                if self._holds(node, expression):
                    found.add(cls)
                    self._closed.setdefault(node, set()).update(self.rules.close([cls]))
                    changed = True
        self._defined[node] = found
        return found

    def _holds(self, node: Node | ox.Literal, expression: object) -> bool:
        if isinstance(expression, ox.NamedNode):
            return not isinstance(node, ox.Literal) and expression in self.types(node)
        if isinstance(expression, And):
            return all(self._holds(node, part) for part in expression.parts)
        r: Restriction = expression  # type: ignore[assignment]
        if isinstance(node, ox.Literal):
            return False
        self.ensure(node)
        linked = (self.inverse if r.inverse else self.values).get((node, r.prop), set())
        if r.kind == "value":
            return r.filler in linked
        matching = [v for v in linked if self._holds(v, r.filler)]
        if r.kind == "some":
            return bool(matching)
        groups = defaultdict(set)  # values count as many only when declared distinct
        for v in matching:
            groups[self.rules.distinct.get(v, ("alone", v))].add(v)
        if r.count <= 1:
            return bool(matching)
        return any(len(members) >= r.count for members in groups.values())
