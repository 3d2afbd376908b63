"""Consistency rules and defined-class inference, compiled from the ontology, in one pass.

HermiT is exact but takes minutes beyond some ten thousand triples. This module covers the part
of OWL 2 the ontology uses, the way an OWL 2 RL reasoner would, over the whole graph in seconds:

- types: stated ``rdf:type``, ``rdfs:domain`` and ``rdfs:range`` (through ``rdfs:subPropertyOf``),
  ``rdfs:subClassOf`` and named ``owl:equivalentClass``;
- defined classes: ``owl:equivalentClass`` to an intersection of named classes and restrictions
  (``someValuesFrom`` a class expression, ``hasValue``, ``minQualifiedCardinality`` counting
  values declared distinct by ``owl:AllDifferent``), on a property or its inverse;
- inconsistencies: a node in two disjoint classes (``owl:disjointWith``,
  ``owl:AllDisjointClasses``); two different literal values of a functional property; two values
  of a functional object property that cannot be one individual (declared distinct, or in
  disjoint classes); a literal outside its property's datatype range (ill-typed, wrong datatype,
  or outside the range's facets).

``compile_rules`` raises ``UnsupportedOntology`` for an axiom outside that part, so that the
caller falls back to HermiT rather than check less than it thinks. What the rules cannot see,
HermiT still checks on the ontology with a sample of the data (see ``cartkg.reason``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox
from rdflib import OWL, RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection as RdfList
from rdflib.term import Node as RdfNode

from cartkg.namespaces import CARTKG, GRAPH

INFERRED_GRAPH = f"{GRAPH}inferred/classes"  # whichever engine infers
TYPE = ox.NamedNode(str(RDF.type))
Node = ox.NamedNode | ox.BlankNode

# axioms whose meaning the rules implement, or which cannot make a graph inconsistent
_SUPPORTED_TBOX = {
    RDF.type, RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range, RDFS.label,
    RDFS.comment, RDFS.seeAlso, RDFS.isDefinedBy, OWL.equivalentClass, OWL.disjointWith,
    OWL.intersectionOf, OWL.onProperty, OWL.someValuesFrom, OWL.hasValue, OWL.inverseOf,
    OWL.minQualifiedCardinality, OWL.onClass, OWL.members, OWL.distinctMembers,
    OWL.onDatatype, OWL.withRestrictions, XSD.minInclusive, XSD.maxInclusive, RDF.first,
    RDF.rest, OWL.imports, OWL.versionIRI, OWL.versionInfo,
}  # fmt: skip
_UNSUPPORTED_TYPES = {
    OWL.TransitiveProperty, OWL.SymmetricProperty, OWL.AsymmetricProperty,
    OWL.IrreflexiveProperty, OWL.ReflexiveProperty, OWL.InverseFunctionalProperty,
    OWL.NegativePropertyAssertion, OWL.AllDisjointProperties,
}  # fmt: skip
_UNSUPPORTED_PREDICATES = {
    OWL.complementOf, OWL.unionOf, OWL.oneOf, OWL.allValuesFrom, OWL.maxCardinality,
    OWL.maxQualifiedCardinality, OWL.cardinality, OWL.qualifiedCardinality, OWL.hasKey,
    OWL.propertyChainAxiom, OWL.propertyDisjointWith, OWL.sameAs, OWL.differentFrom,
    OWL.disjointUnionOf, OWL.hasSelf, OWL.equivalentProperty, OWL.minCardinality,
}  # fmt: skip

# https://www.w3.org/TR/owl2-syntax/#Datatype_Maps
_XSD_IN_OWL2 = """
    decimal integer nonNegativeInteger nonPositiveInteger positiveInteger negativeInteger long
    int short byte unsignedLong unsignedInt unsignedShort unsignedByte double float string
    normalizedString token language Name NCName NMTOKEN boolean hexBinary base64Binary anyURI
    dateTime dateTimeStamp
"""
OWL2_DATATYPES = frozenset(
    [str(OWL.real), str(OWL.rational), str(RDF.PlainLiteral), str(RDF.XMLLiteral)]
    + [str(RDFS.Literal)]
    + [str(XSD) + name for name in _XSD_IN_OWL2.split()]
)
_INTEGER_NAMES = """integer nonNegativeInteger positiveInteger nonPositiveInteger negativeInteger
    long int short byte unsignedLong unsignedInt unsignedShort unsignedByte"""
_INTEGERS = frozenset(str(XSD) + name for name in _INTEGER_NAMES.split())
_NUMERIC = _INTEGERS | {str(XSD.decimal), str(OWL.real), str(OWL.rational)}
_STRING_NAMES = "string normalizedString token language Name NCName NMTOKEN"
_STRING_TYPES = frozenset(str(XSD) + name for name in _STRING_NAMES.split())
_BOUNDS = {  # the value spaces of the integer subtypes
    str(XSD.nonNegativeInteger): (0, None),
    str(XSD.positiveInteger): (1, None),
    str(XSD.nonPositiveInteger): (None, 0),
    str(XSD.negativeInteger): (None, -1),
    str(XSD.unsignedByte): (0, 255),
    str(XSD.unsignedShort): (0, 65535),
    str(XSD.unsignedInt): (0, 4294967295),
    str(XSD.unsignedLong): (0, 18446744073709551615),
    str(XSD.byte): (-128, 127),
    str(XSD.short): (-32768, 32767),
    str(XSD.int): (-2147483648, 2147483647),
    str(XSD.long): (-9223372036854775808, 9223372036854775807),
}
CHECKED_LEXICAL = _NUMERIC | {str(XSD.boolean)}


class UnsupportedOntology(Exception):
    """The ontology uses an axiom the rules do not implement."""


@dataclass(frozen=True)
class Problem:
    """One inconsistency: what rule, about which node, and why."""

    kind: str  # disjoint | functional | datatype
    node: Node
    detail: str


@dataclass
class RuleReport:
    problems: list[Problem] = field(default_factory=list)
    inferred: list[tuple[Node, ox.NamedNode]] = field(default_factory=list)  # defined classes

    @property
    def consistent(self) -> bool:
        return not self.problems

    def inferred_quads(self) -> list[ox.Quad]:
        graph = ox.NamedNode(INFERRED_GRAPH)
        return [ox.Quad(node, TYPE, cls, graph) for node, cls in self.inferred]


# A class expression: a named class, an intersection, or a restriction.
@dataclass(frozen=True)
class _Restriction:
    prop: ox.NamedNode
    inverse: bool
    kind: str  # some | value | min
    filler: object = None  # class expression (some, min) or individual (value)
    count: int = 0


@dataclass(frozen=True)
class _And:
    parts: tuple


@dataclass
class _DatatypeRange:
    base: URIRef
    low: Decimal | None = None
    high: Decimal | None = None


@dataclass
class Rules:
    """The ontology's axioms, in the form the checks use."""

    supers: dict[ox.NamedNode, frozenset[ox.NamedNode]]
    domains: dict[ox.NamedNode, frozenset[ox.NamedNode]]
    ranges: dict[ox.NamedNode, frozenset[ox.NamedNode]]
    datatype_ranges: dict[ox.NamedNode, list[_DatatypeRange]]
    functional: frozenset[ox.NamedNode]
    disjoint: dict[ox.NamedNode, frozenset[ox.NamedNode]]
    distinct: dict[Node, int]  # individual -> its owl:AllDifferent group
    defined: list[tuple[ox.NamedNode, object]]
    properties: frozenset[ox.NamedNode]  # those the defined classes look at
    inverse_properties: frozenset[ox.NamedNode]  # those they look at backwards
    required: dict[ox.NamedNode, frozenset[ox.NamedNode]]  # a defined class's named parts

    def close(self, classes: Iterable[ox.NamedNode]) -> set[ox.NamedNode]:
        found: set[ox.NamedNode] = set()
        for c in classes:
            found |= self.supers.get(c, {c})
        return found


def compile_rules(ontology: Graph) -> Rules:
    """Read the rules out of the ontology graph (ontology/ with its vocabularies)."""
    _refuse_unsupported(ontology)
    n = _ox

    direct: dict[ox.NamedNode, set[ox.NamedNode]] = defaultdict(set)
    for c, d in ontology.subject_objects(RDFS.subClassOf):
        if isinstance(c, URIRef) and isinstance(d, URIRef):
            direct[n(c)].add(n(d))
    defined = []
    for c, e in ontology.subject_objects(OWL.equivalentClass):
        if isinstance(c, URIRef) and isinstance(e, URIRef):
            direct[n(c)].add(n(e))
            direct[n(e)].add(n(c))
        elif isinstance(c, URIRef):
            expression = _expression(ontology, e)
            defined.append((n(c), expression))
            for part in expression.parts if isinstance(expression, _And) else [expression]:
                if isinstance(part, ox.NamedNode):
                    direct[n(c)].add(part)
    supers = {
        c: frozenset(_reach(c, direct))
        for c in set(direct) | {d for ds in direct.values() for d in ds}
    }

    prop_direct: dict[ox.NamedNode, set[ox.NamedNode]] = defaultdict(set)
    for p, q in ontology.subject_objects(RDFS.subPropertyOf):
        prop_direct[n(p)].add(n(q))
    domains: dict[ox.NamedNode, set[ox.NamedNode]] = defaultdict(set)
    ranges: dict[ox.NamedNode, set[ox.NamedNode]] = defaultdict(set)
    datatype_ranges: dict[ox.NamedNode, list[_DatatypeRange]] = defaultdict(list)
    props = {n(p) for p in ontology.subjects(RDFS.domain, None) if isinstance(p, URIRef)}
    props |= {n(p) for p in ontology.subjects(RDFS.range, None) if isinstance(p, URIRef)}
    props |= set(prop_direct)
    for p in props:
        for q in _reach(p, prop_direct):
            for d in ontology.objects(URIRef(q.value), RDFS.domain):
                if isinstance(d, URIRef):
                    domains[p].add(n(d))
            for r in ontology.objects(URIRef(q.value), RDFS.range):
                kind = _range_kind(ontology, URIRef(q.value), r)
                if kind == "class":
                    ranges[p].add(n(r))
                elif kind == "datatype":
                    datatype_ranges[p].append(_datatype_range(ontology, r))

    functional = frozenset(n(p) for p in ontology.subjects(RDF.type, OWL.FunctionalProperty))
    disjoint: dict[ox.NamedNode, set[ox.NamedNode]] = defaultdict(set)
    for a, b in ontology.subject_objects(OWL.disjointWith):
        disjoint[n(a)].add(n(b))
        disjoint[n(b)].add(n(a))
    for group in ontology.subjects(RDF.type, OWL.AllDisjointClasses):
        members = [n(m) for m in RdfList(ontology, ontology.value(group, OWL.members))]
        for a in members:
            disjoint[a] |= {b for b in members if b != a}
    distinct: dict[Node, int] = {}
    for i, group in enumerate(ontology.subjects(RDF.type, OWL.AllDifferent)):
        for m in RdfList(ontology, ontology.value(group, OWL.distinctMembers)):
            distinct[n(m)] = i
    looked_at = {r.prop for _, e in defined for r in _restrictions(e)}
    return Rules(
        supers=supers,
        domains={p: frozenset(v) for p, v in domains.items()},
        ranges={p: frozenset(v) for p, v in ranges.items()},
        datatype_ranges=dict(datatype_ranges),
        functional=functional,
        disjoint={c: frozenset(v) for c, v in disjoint.items()},
        distinct=distinct,
        defined=defined,
        properties=frozenset(looked_at),
        inverse_properties=frozenset(
            r.prop for _, e in defined for r in _restrictions(e) if r.inverse
        ),
        required={
            c: frozenset(
                p for p in (e.parts if isinstance(e, _And) else [e]) if isinstance(p, ox.NamedNode)
            )
            for c, e in defined
        },
    )


def check(
    rules: Rules,
    store: ox.Store,
    graphs: Collection[ox.NamedNode],
    focus: Collection[Node] | None = None,
) -> RuleReport:
    """Apply the rules to the quads of ``graphs`` in ``store``.

    Without ``focus`` one pass reads every quad. With it, only the focus nodes are checked and
    given inferences, and only what that needs is read (see ``_Facts.ensure``).
    """
    facts = _Facts(rules, store, set(graphs), lazy=focus is not None)
    if focus is None:
        facts.read(facts.all_quads())
        nodes: Iterable[Node] = list(facts.base)
    else:
        nodes = [n for n in focus if not isinstance(n, ox.Literal)]
        for node in nodes:
            facts.ensure(node)
    report = RuleReport(problems=list(facts.problems))
    if focus is not None:
        keep = set(nodes)
        report.problems = [p for p in report.problems if p.node in keep]
    disjoint = rules.disjoint
    for node in nodes:
        types = facts.types(node)
        clashing = [c for c in types if c in disjoint and disjoint[c] & types]
        for cls in sorted(clashing, key=str):
            clash = disjoint[cls] & types
            for other in sorted(clash, key=str):
                if str(cls) < str(other):
                    report.problems.append(
                        Problem("disjoint", node, f"in {_show(cls)} and in disjoint {_show(other)}")
                    )
        defined = facts.defined_types(node)
        if defined:
            report.inferred += [(node, cls) for cls in sorted(defined, key=str)]
    for (subject, prop), values in sorted(facts.functional_values.items(), key=str):
        if focus is not None and subject not in keep:
            continue
        problem = _functional_problem(rules, facts, prop, values)
        if problem:
            report.problems.append(Problem("functional", subject, problem))
    report.problems.sort(key=lambda p: (p.kind, str(p.node), p.detail))
    return report


class _Facts:
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
                    why = _outside(o, allowed)
                    if why:
                        break
                if why:
                    self.problems.append(Problem("datatype", s, f"{_show(p)} {why}"))
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
        if isinstance(expression, _And):
            return all(self._holds(node, part) for part in expression.parts)
        r: _Restriction = expression  # type: ignore[assignment]
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


def _functional_problem(rules: Rules, facts: _Facts, prop: ox.NamedNode, values: set) -> str:
    if len(values) < 2:
        return ""
    literals = [v for v in values if isinstance(v, ox.Literal)]
    nodes = [v for v in values if not isinstance(v, ox.Literal)]
    if literals and nodes:
        return f"{_show(prop)} is functional and has both a literal and a node as values"
    if literals:
        if len({_value_key(v) for v in literals}) > 1:
            shown = ", ".join(sorted(str(v) for v in literals))
            return f"{_show(prop)} is functional and has {len(literals)} values: {shown}"
        return ""
    # no unique name assumption: two nodes are one individual unless that is impossible
    groups = {rules.distinct.get(v) for v in nodes}
    if None not in groups and len(groups) == 1:
        return f"{_show(prop)} is functional and has distinct values {_shown(nodes)}"
    merged: set[ox.NamedNode] = set()
    for v in nodes:
        merged |= facts.types(v)
    for cls in merged:
        if rules.disjoint.get(cls, frozenset()) & merged:
            return (
                f"{_show(prop)} is functional and its values {_shown(nodes)} "
                "are in disjoint classes"
            )
    return ""


def _effective(literal: ox.Literal) -> str:
    """The datatype the reasoner sees (``cartkg.reason`` turns the others into strings)."""
    if literal.language:
        return str(RDF.PlainLiteral)
    datatype = literal.datatype.value
    return datatype if datatype in OWL2_DATATYPES else str(XSD.string)


def ill_typed(literal: ox.Literal) -> str:
    """Why a literal's lexical form is not in its datatype, or ''."""
    datatype = _effective(literal)
    if datatype in _NUMERIC:
        number = _number(literal)
        if number is None:
            return f"has an ill-typed value {literal}"
        low, high = _BOUNDS.get(datatype, (None, None))
        if (low is not None and number < low) or (high is not None and number > high):
            return f"has an ill-typed value {literal}"
    elif datatype == str(XSD.boolean) and literal.value not in ("true", "false", "1", "0"):
        return f"has an ill-typed value {literal}"
    return ""


def _outside(literal: ox.Literal, allowed: _DatatypeRange) -> str:
    """Why a well-typed ``literal`` is not in the datatype range, or '' when it is.

    As in OWL 2, the numeric datatypes share one value space: "5"^^xsd:decimal is an integer.
    """
    datatype, base = _effective(literal), str(allowed.base)
    if base in (str(RDFS.Literal), str(RDF.PlainLiteral)):
        return ""
    if base in _NUMERIC:
        number = _number(literal) if datatype in _NUMERIC else None
        if number is None:
            return f"expects a number, not {literal}"
        if base in _INTEGERS and number != number.to_integral_value():
            return f"expects an integer, not {literal}"
        low, high = _BOUNDS.get(base, (None, None))
        lows = [b for b in (low, allowed.low) if b is not None]
        highs = [b for b in (high, allowed.high) if b is not None]
        if any(number < b for b in lows) or any(number > b for b in highs):
            return f"value {literal.value} is outside the range"
        return ""
    if base == str(XSD.string):
        return "" if datatype in _STRING_TYPES else f"expects a string, not {literal}"
    return "" if datatype == base else f"expects {_show(ox.NamedNode(base))}, not {literal}"


def _number(literal: ox.Literal) -> Decimal | None:
    text = literal.value.strip()
    if literal.datatype.value in _INTEGERS:
        try:
            return Decimal(int(text))
        except ValueError:
            return None
    if "e" in text.lower():
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _value_key(literal: ox.Literal) -> object:
    number = _number(literal) if _effective(literal) in _NUMERIC else None
    if number is not None:
        return ("number", number)
    return (literal.value, _effective(literal), literal.language)


def _refuse_unsupported(ontology: Graph) -> None:
    for kind in _UNSUPPORTED_TYPES:
        for s in ontology.subjects(RDF.type, kind):
            raise UnsupportedOntology(f"{s} is an {kind}: the rules do not implement it")
    for p in _UNSUPPORTED_PREDICATES:
        for s in ontology.subjects(p, None):
            raise UnsupportedOntology(f"{p} on {s}: the rules do not implement it")
    for p in ontology.subjects(OWL.inverseOf, None):
        if isinstance(p, URIRef):
            raise UnsupportedOntology(f"named inverse property {p}: the rules do not implement it")


def _expression(g: Graph, node: RdfNode) -> object:
    if isinstance(node, URIRef):
        return _ox(node)
    members = g.value(node, OWL.intersectionOf)
    if members is not None:
        return _And(tuple(_expression(g, m) for m in RdfList(g, members)))
    prop = g.value(node, OWL.onProperty)
    if prop is None:
        raise UnsupportedOntology(
            f"a class expression the rules do not read: {g.cbd(node).serialize()}"
        )
    inverse = False
    if isinstance(prop, BNode):
        prop, inverse = g.value(prop, OWL.inverseOf), True
    if g.value(node, OWL.someValuesFrom) is not None:
        return _Restriction(
            _ox(prop), inverse, "some", _expression(g, g.value(node, OWL.someValuesFrom))
        )
    if g.value(node, OWL.hasValue) is not None:
        return _Restriction(_ox(prop), inverse, "value", _ox(g.value(node, OWL.hasValue)))
    if g.value(node, OWL.minQualifiedCardinality) is not None:
        count = int(g.value(node, OWL.minQualifiedCardinality))
        filler = g.value(node, OWL.onClass) or OWL.Thing
        return _Restriction(_ox(prop), inverse, "min", _expression(g, filler), count)
    raise UnsupportedOntology(f"a restriction the rules do not read on {prop}")


def _restrictions(expression: object) -> Iterator[_Restriction]:
    if isinstance(expression, _And):
        for part in expression.parts:
            yield from _restrictions(part)
    elif isinstance(expression, _Restriction):
        yield expression
        yield from _restrictions(expression.filler)


def _range_kind(g: Graph, prop: URIRef, r: RdfNode) -> str:
    if (prop, RDF.type, OWL.DatatypeProperty) in g:
        return "datatype"
    if isinstance(r, BNode) and (r, RDF.type, RDFS.Datatype) in g:
        return "datatype"
    if isinstance(r, URIRef) and (str(r).startswith(str(XSD)) or r == RDFS.Literal):
        return "datatype"
    return "class" if isinstance(r, URIRef) else "other"


def _datatype_range(g: Graph, r: RdfNode) -> _DatatypeRange:
    if isinstance(r, URIRef):
        return _DatatypeRange(r)
    base = g.value(r, OWL.onDatatype)
    if not isinstance(base, URIRef):
        raise UnsupportedOntology(f"a datatype range the rules do not read: {g.cbd(r).serialize()}")
    found = _DatatypeRange(base)
    for facet in RdfList(g, g.value(r, OWL.withRestrictions)):
        for p, v in g.predicate_objects(facet):
            if p == XSD.minInclusive:
                found.low = Decimal(str(v))
            elif p == XSD.maxInclusive:
                found.high = Decimal(str(v))
            else:
                raise UnsupportedOntology(f"facet {p} is not implemented")
    return found


def _reach(start: ox.NamedNode, edges: dict[ox.NamedNode, set[ox.NamedNode]]) -> set[ox.NamedNode]:
    found, todo = {start}, [start]
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in found:
                found.add(nxt)
                todo.append(nxt)
    return found


def _ox(term: RdfNode) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    assert isinstance(term, Literal)
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD.string)))


def _show(term: object) -> str:
    text = getattr(term, "value", str(term))
    for ns, prefix in ((str(CARTKG), "cartkg:"), (str(XSD), "xsd:")):
        if text.startswith(ns):
            return prefix + text[len(ns) :]
    return f"<{text}>" if isinstance(term, ox.NamedNode) else text


def _shown(nodes: Iterable[object]) -> str:
    return ", ".join(sorted(_show(n) for n in nodes))


def _show_literal(literal: ox.Literal) -> str:
    return str(literal)
