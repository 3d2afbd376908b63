"""SPARQL-based constraints (sh:sparql), run as pySHACL runs them, with $this joined with
the focus nodes where that gives the same results as pre-binding it."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, URIRef, Variable
from rdflib.paths import NegatedPath, Path
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Node

from cartkg.namespaces import SH
from cartkg.shacl.sparql.run import Check, Run, Shape
from cartkg.shacl.sparql.terms import Result, UnsupportedShapes, fill_message, show_node


class SparqlConstraints:
    """SPARQL-based constraints; mixed into the compiler."""

    def _sparql_check(self, shape: Shape, target: Callable[[Run], str], node: Node) -> Check:
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
        result_shape = Shape(node, None, shape.severity, messages)
        holders = [*self.g.objects(node, SH.prefixes)]
        ontologies = [*self.g.subjects(RDF.type, OWL.Ontology)] if holders else []
        g = self.g

        def check(run: Run) -> Iterator[Result]:
            prefixes = constraint_prefixes(g, run, [*holders, *ontologies], node)
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
                messages = tuple(sorted(fill_message(m, fill) for m in result.messages))
                yield Result(focus, node, None, result.constraint, shape.severity, value, messages)

        return check


def constraint_prefixes(
    g: Graph, run: Run, holders: list[Node], constraint: Node
) -> dict[str, str]:
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
            raise UnsupportedShapes(
                f"{show_node(constraint)}: two namespaces for prefix {prefix!r}"
            )
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
        raise UnsupportedShapes(f"{show_node(constraint)}: cannot parse sh:select: {e}") from None
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
        raise UnsupportedShapes(f"{show_node(constraint)}: {e}") from None
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
