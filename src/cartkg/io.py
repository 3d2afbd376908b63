"""Reading Turtle with exact error positions, and moving terms between pyoxigraph and rdflib.

pyoxigraph parses about fifteen times faster than rdflib, so every file is parsed by it; rdflib
terms are made only where a library needs them (pySHACL, the formatter).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from cartkg.errors import SyntaxProblem
from cartkg.namespaces import XSD
from cartkg.paths import SourceFile

XSD_STRING = str(XSD.string)


def parse_turtle(file: SourceFile) -> list[ox.Quad] | SyntaxProblem:
    """The file's triples as quads in its named graph, or the first syntax problem in it."""
    quads: list[ox.Quad] = []
    try:
        quads.extend(stream_turtle(file))
    except TurtleError as e:
        return e.problem
    return quads


class TurtleError(Exception):
    """A file that cannot be read as Turtle; ``problem`` says where and why."""

    def __init__(self, problem: SyntaxProblem):
        super().__init__(problem)
        self.problem = problem


def stream_turtle(file: SourceFile) -> Iterator[ox.Quad]:
    """The file's triples as quads in its named graph, as they are parsed.

    Blank nodes get fresh labels, so ``_:x`` in two files are two nodes. Raises TurtleError.
    """
    graph = ox.NamedNode(file.graph)
    try:
        for q in ox.parse(path=str(file.path), format=ox.RdfFormat.TURTLE, rename_blank_nodes=True):
            yield ox.Quad(q.subject, q.predicate, q.object, graph)
    except SyntaxError as e:
        message = e.msg
        # pyoxigraph words positions as "Parser error at line 3 between columns 8 and 19: ..."
        if message.startswith("Parser error") and ": " in message:
            message = message.split(": ", 1)[1]
        raise TurtleError(SyntaxProblem(file.relpath, e.lineno, e.offset, message)) from None
    except (OSError, UnicodeDecodeError, ValueError) as e:
        problem = SyntaxProblem(file.relpath, None, None, f"cannot read the file: {e}")
        raise TurtleError(problem) from None


@lru_cache(maxsize=1 << 16)
def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
    """The rdflib term for a pyoxigraph term (simple literals stay without a datatype). Cached:
    query results repeat their terms, and rdflib's typed literals are slow to make."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise TypeError(f"no rdflib term for {term!r}")


def from_rdflib(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """The pyoxigraph term for an rdflib term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"no pyoxigraph term for {term!r}")


def rdflib_graph(quads: Iterable[ox.Quad]) -> Graph:
    """An rdflib graph of the triples of ``quads`` (graph names dropped)."""
    graph = Graph(bind_namespaces="none")
    add = graph.add
    for q in quads:
        add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
    return graph
