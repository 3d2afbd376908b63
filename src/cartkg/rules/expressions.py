"""The ontology's class expressions and datatype ranges as the rules read them, and the axioms
they refuse."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import pyoxigraph as ox
from rdflib import OWL, RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection as RdfList
from rdflib.term import Node as RdfNode

from cartkg.rules.report import UnsupportedOntology

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


# A class expression: a named class, an intersection, or a restriction.
@dataclass(frozen=True)
class Restriction:
    prop: ox.NamedNode
    inverse: bool
    kind: str  # some | value | min
    filler: object = None  # class expression (some, min) or individual (value)
    count: int = 0


@dataclass(frozen=True)
class And:
    parts: tuple


@dataclass
class DatatypeRange:
    base: URIRef
    low: Decimal | None = None
    high: Decimal | None = None


def refuse_unsupported(ontology: Graph) -> None:
    for kind in _UNSUPPORTED_TYPES:
        for s in ontology.subjects(RDF.type, kind):
            raise UnsupportedOntology(f"{s} is an {kind}: the rules do not implement it")
    for p in _UNSUPPORTED_PREDICATES:
        for s in ontology.subjects(p, None):
            raise UnsupportedOntology(f"{p} on {s}: the rules do not implement it")
    for p in ontology.subjects(OWL.inverseOf, None):
        if isinstance(p, URIRef):
            raise UnsupportedOntology(f"named inverse property {p}: the rules do not implement it")


def class_expression(g: Graph, node: RdfNode) -> object:
    if isinstance(node, URIRef):
        return to_ox(node)
    members = g.value(node, OWL.intersectionOf)
    if members is not None:
        return And(tuple(class_expression(g, m) for m in RdfList(g, members)))
    prop = g.value(node, OWL.onProperty)
    if prop is None:
        raise UnsupportedOntology(
            f"a class expression the rules do not read: {g.cbd(node).serialize()}"
        )
    inverse = False
    if isinstance(prop, BNode):
        prop, inverse = g.value(prop, OWL.inverseOf), True
    if g.value(node, OWL.someValuesFrom) is not None:
        return Restriction(
            to_ox(prop), inverse, "some", class_expression(g, g.value(node, OWL.someValuesFrom))
        )
    if g.value(node, OWL.hasValue) is not None:
        return Restriction(to_ox(prop), inverse, "value", to_ox(g.value(node, OWL.hasValue)))
    if g.value(node, OWL.minQualifiedCardinality) is not None:
        count = int(g.value(node, OWL.minQualifiedCardinality))
        filler = g.value(node, OWL.onClass) or OWL.Thing
        return Restriction(to_ox(prop), inverse, "min", class_expression(g, filler), count)
    raise UnsupportedOntology(f"a restriction the rules do not read on {prop}")


def restrictions(expression: object) -> Iterator[Restriction]:
    if isinstance(expression, And):
        for part in expression.parts:
            yield from restrictions(part)
    elif isinstance(expression, Restriction):
        yield expression
        yield from restrictions(expression.filler)


def range_kind(g: Graph, prop: URIRef, r: RdfNode) -> str:
    if (prop, RDF.type, OWL.DatatypeProperty) in g:
        return "datatype"
    if isinstance(r, BNode) and (r, RDF.type, RDFS.Datatype) in g:
        return "datatype"
    if isinstance(r, URIRef) and (str(r).startswith(str(XSD)) or r == RDFS.Literal):
        return "datatype"
    return "class" if isinstance(r, URIRef) else "other"


def datatype_range(g: Graph, r: RdfNode) -> DatatypeRange:
    if isinstance(r, URIRef):
        return DatatypeRange(r)
    base = g.value(r, OWL.onDatatype)
    if not isinstance(base, URIRef):
        raise UnsupportedOntology(f"a datatype range the rules do not read: {g.cbd(r).serialize()}")
    found = DatatypeRange(base)
    for facet in RdfList(g, g.value(r, OWL.withRestrictions)):
        for p, v in g.predicate_objects(facet):
            if p == XSD.minInclusive:
                found.low = Decimal(str(v))
            elif p == XSD.maxInclusive:
                found.high = Decimal(str(v))
            else:
                raise UnsupportedOntology(f"facet {p} is not implemented")
    return found


def to_ox(term: RdfNode) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    assert isinstance(term, Literal)
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD.string)))
