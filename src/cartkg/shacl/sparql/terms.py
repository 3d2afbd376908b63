"""The SHACL terms the SPARQL compiler understands, its raw result, and the helpers every part
of it uses."""

from __future__ import annotations

import datetime
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pyoxigraph as ox
from rdflib import RDF, RDFS, XSD, BNode, Literal, URIRef
from rdflib.term import Node

from cartkg.io import to_rdflib
from cartkg.namespaces import SH

Term = ox.NamedNode | ox.BlankNode | ox.Literal
Test = Callable[[str], str]  # a SPARQL expression over a variable, true when it conforms

SUBCLASS_OF = f"<{RDFS.subClassOf}>"
NO_FOCUS_NODE = "{ VALUES ?this { } }"  # the target when no focus node is in its classes
MAX_EXCLUDED_GRAPHS = 100  # beyond, read the list of data graphs (see Graphs)
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


TRUE = ox.Literal(True)


def fill_message(message: str, bound: dict[str, Any]) -> str:
    """pySHACL's {?var} substitution in the message of a SPARQL-based constraint."""
    for name, term in bound.items():
        message = re.sub(f"{{[?$]{name}}}", str(to_rdflib(term)), message)
    return message


def show_node(node: Node | None) -> str:
    if isinstance(node, URIRef):
        return "sh:" + node[len(SH) :] if node.startswith(SH) else f"<{node}>"
    return str(node) if isinstance(node, Literal) else f"_:{node}"
