"""A small triple model and a fast writer of canonical Turtle.

``cartkg fmt`` defines the canonical form (rdflib's ``longturtle``); running it costs about
0.1 s per trial file, too slow for importing thousands of records. This writer produces the same
bytes for graphs without blank nodes (the tests compare it with :func:`cartkg.fmt.canonical_turtle`
on every fixture and on generated records); a graph with blank nodes goes through the formatter.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import NamedTuple

import pyoxigraph as ox

from cartkg import namespaces

XSD = str(namespaces.XSD)
XSD_STRING = XSD + "string"
XSD_INTEGER = XSD + "integer"
XSD_DECIMAL = XSD + "decimal"
XSD_BOOLEAN = XSD + "boolean"
XSD_DOUBLE = XSD + "double"
RDF_TYPE = str(namespaces.RDF.type)
RDF_LANGSTRING = str(namespaces.RDF.langString)
RDFS_LABEL = str(namespaces.RDFS.label)
_PLAIN = {XSD_INTEGER, XSD_DECIMAL, XSD_BOOLEAN}
_NUMERIC = {XSD_INTEGER, XSD_DECIMAL, XSD + "nonNegativeInteger", XSD + "positiveInteger"}
_LOCAL = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$")


class Lit(NamedTuple):
    """A literal: lexical form, datatype IRI (None for a plain or language-tagged string)."""

    lex: str
    dt: str | None = None
    lang: str | None = None


class BNodeRef(NamedTuple):
    """A blank node read from an existing file (the fast writer does not handle these)."""

    label: str


Term = str | Lit | BNodeRef
Graph = dict[str | BNodeRef, dict[str, set[Term]]]


def new_graph() -> Graph:
    return defaultdict(lambda: defaultdict(set))


def add(graph: Graph, s: str, p: str, o: Term | None) -> None:
    """Add a triple; a None object adds nothing."""
    if o is not None:
        graph[s][p].add(o)


def triples(graph: Graph) -> Iterable[tuple[str | BNodeRef, str, Term]]:
    for s, props in graph.items():
        for p, objs in props.items():
            for o in objs:
                yield s, p, o


def copy_graph(graph: Graph) -> Graph:
    out = new_graph()
    for s, p, o in triples(graph):
        out[s][p].add(o)
    return out


def integer(value: int) -> Lit:
    return Lit(str(int(value)), XSD_INTEGER)


def boolean(value: bool) -> Lit:
    return Lit("true" if value else "false", XSD_BOOLEAN)


def decimal(value: float | int | str | Decimal) -> Lit:
    """A decimal literal in a form that survives a round trip (always with a point)."""
    d = value if isinstance(value, Decimal) else Decimal(str(value))
    text = format(d, "f")
    if "." not in text:
        text += ".0"
    return Lit(text, XSD_DECIMAL)


def is_decimal_text(text: str) -> bool:
    try:
        d = Decimal(text)
    except InvalidOperation:
        return False
    return d.is_finite()


class PrefixMap:
    """Turns IRIs into prefixed names the way rdflib does for the project's prefix map."""

    def __init__(self, prefixes: dict[str, str]):
        self.prefixes = dict(prefixes)
        self._by_length = sorted(prefixes.items(), key=lambda kv: -len(kv[1]))
        self._by_head: dict[str, list[tuple[str, str]]] = {}
        # IRI -> (its prefix or None, its text in Turtle); bounded, since most IRIs of a trial
        # file are used in that file only
        self.names: dict[str, tuple[str | None, str]] = {}

    def name(self, iri: str) -> tuple[str | None, str]:
        """(prefix, "prefix:local"), or (None, "<iri>") when the IRI must be written in full."""
        found = self.names.get(iri)
        if found is not None:
            return found
        found = (None, f"<{iri}>")
        # only the namespaces that could match an IRI with this head (the text to its last "/"
        # or "#") are tried: those that are a prefix of the head or start with it
        head = iri[: max(iri.rfind("/"), iri.rfind("#")) + 1]
        candidates = self._by_head.get(head)
        if candidates is None:
            if len(self._by_head) > 5_000:
                self._by_head.clear()
            candidates = self._by_head[head] = [
                (prefix, ns)
                for prefix, ns in self._by_length
                if head.startswith(ns) or ns.startswith(head)
            ]
        for prefix, ns in candidates:
            if iri.startswith(ns):
                local = iri[len(ns) :]
                if local and _LOCAL.match(local) and not local.endswith("."):
                    found = (prefix, f"{prefix}:{local}")
                break
        if len(self.names) > 50_000:
            self.names.clear()
        self.names[iri] = found
        return found


def _quote(text: str) -> str:
    """rdflib's string quoting (Literal._quote_encode), reproduced exactly."""
    if '"' not in text and "\\" not in text and "\n" not in text and "\r" not in text:
        return f'"{text}"'  # nothing to escape (most labels and texts)
    if "\n" in text:
        encoded = text.replace("\\", "\\\\")
        if '"""' in text:
            encoded = encoded.replace('"""', '\\"\\"\\"')
        if encoded[-1] == '"' and encoded[-2] != "\\":
            encoded = encoded[:-1] + "\\" + '"'
        return '"""%s"""' % encoded.replace("\r", "\\r")  # noqa: UP031
    return '"%s"' % text.replace("\n", "\\n").replace("\\", "\\\\").replace('"', '\\"').replace(  # noqa: UP031
        "\r", "\\r"
    )


def _literal_key(lit: Lit) -> tuple:
    dt = lit.dt or (RDF_LANGSTRING if lit.lang else XSD_STRING)
    if lit.dt in _NUMERIC:
        try:
            return (0, "", "", Decimal(lit.lex), lit.lex)
        except InvalidOperation:
            pass
    if lit.dt == XSD_BOOLEAN:
        return (1, dt, "", lit.lex == "true", lit.lex)
    return (2, lit.dt or XSD_STRING, lit.lang or "", lit.lex, lit.lex)


def _object_key(term: Term) -> tuple:
    if isinstance(term, Lit):
        return (1, _literal_key(term))
    return (0, str(term))


def has_blank_nodes(graph: Graph) -> bool:
    return any(isinstance(s, BNodeRef) or isinstance(o, BNodeRef) for s, _, o in triples(graph))


def write_turtle(graph: Graph, prefixes: PrefixMap) -> str:
    """Canonical Turtle of a graph without blank nodes (identical to ``cartkg fmt`` output).

    One pass renders every subject's block, counts how often each IRI is an object (blocks are
    ordered by that count, then by IRI) and collects the prefixes the names use (a datatype's
    prefix also when its literals are written bare; rdf: not for "a"). A blank node anywhere
    hands the graph to the formatter instead.
    """
    refs: dict[str, int] = {}
    used: set[str | None] = set()
    name, known = prefixes.name, prefixes.names.get
    text_of: dict[str, str] = {RDF_TYPE: "a"}  # this graph's IRIs, as written

    def iri_text(iri: str) -> str:
        prefix, text_of[iri] = known(iri) or name(iri)
        used.add(prefix)
        return text_of[iri]

    def literal(lit: Lit) -> str:
        dt = lit.dt
        if dt is None:
            return f"{_quote(lit.lex)}@{lit.lang}" if lit.lang else _quote(lit.lex)
        dt_text = text_of.get(dt) or iri_text(dt)
        if dt in _PLAIN:
            if dt == XSD_BOOLEAN:
                return lit.lex.lower()
            if dt == XSD_DECIMAL and "." not in lit.lex and "e" not in lit.lex.lower():
                return lit.lex + ".0"
            return lit.lex
        return f"{_quote(lit.lex)}^^{dt_text}"

    blocks: list[tuple[str, str]] = []
    for s, props in graph.items():
        if type(s) is BNodeRef:
            if any(props.values()):
                return _write_with_formatter(graph, prefixes)
            continue
        order = []
        if RDF_TYPE in props:
            order.append(RDF_TYPE)
        if RDFS_LABEL in props:
            order.append(RDFS_LABEL)
        order.extend(sorted(props.keys() - _FIRST))
        lines = []
        for p in order:
            objs = props[p]
            if not objs:
                continue
            verb = text_of.get(p) or iri_text(p)
            if len(objs) == 1:
                (o,) = objs
                kind = type(o)
                if kind is str:
                    refs[o] = refs.get(o, 0) + 1  # type: ignore[index]
                    lines.append(f"    {verb} {text_of.get(o) or iri_text(o)}")  # type: ignore[arg-type]
                elif kind is Lit:
                    lines.append(f"    {verb} {literal(o)}")  # type: ignore[arg-type]
                else:
                    return _write_with_formatter(graph, prefixes)
                continue
            rendered = []
            for o in sorted(objs, key=_object_key):
                kind = type(o)
                if kind is str:
                    refs[o] = refs.get(o, 0) + 1  # type: ignore[index]
                    rendered.append(text_of.get(o) or iri_text(o))  # type: ignore[arg-type]
                elif kind is Lit:
                    rendered.append(literal(o))  # type: ignore[arg-type]
                else:
                    return _write_with_formatter(graph, prefixes)
            lines.append(f"    {verb}\n        " + " ,\n        ".join(rendered))
        if lines:
            head = text_of.get(s) or iri_text(s)  # type: ignore[arg-type]
            blocks.append((s, head + "\n" + " ;\n".join(lines) + " ;\n."))  # type: ignore[arg-type]
    blocks.sort(key=lambda b: (refs.get(b[0], 0), b[0]))
    used.discard(None)
    head = "".join(f"PREFIX {p}: <{prefixes.prefixes[p]}>\n" for p in sorted(used))  # type: ignore[type-var]
    return head + "".join(f"\n{text}\n" for _, text in blocks)


_FIRST = frozenset((RDF_TYPE, RDFS_LABEL))


def _write_with_formatter(graph: Graph, prefixes: PrefixMap) -> str:
    from cartkg.fmt import canonical_turtle

    return canonical_turtle(_ntriples(graph), prefixes.prefixes, "<import>")


def _nt_term(term: Term) -> str:
    if isinstance(term, BNodeRef):
        return f"_:{term.label}"
    if isinstance(term, Lit):
        return str(
            ox.Literal(term.lex, language=term.lang)
            if term.lang
            else (
                ox.Literal(term.lex, datatype=ox.NamedNode(term.dt))
                if term.dt
                else ox.Literal(term.lex)
            )
        )
    return f"<{term}>"


def _ntriples(graph: Graph) -> str:
    return "".join(f"{_nt_term(s)} <{p}> {_nt_term(o)} .\n" for s, p, o in triples(graph))


def from_ox(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Term:
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return BNodeRef(term.value)
    if term.language:
        return Lit(term.value, None, term.language)
    dt = term.datatype.value
    return Lit(term.value, None if dt == XSD_STRING else dt)


def parse_turtle(text: str) -> Graph:
    """The triples of Turtle text (raises SyntaxError or ValueError)."""
    graph = new_graph()
    for t in ox.parse(input=text.encode("utf-8"), format=ox.RdfFormat.TURTLE):
        graph[from_ox(t.subject)][t.predicate.value].add(from_ox(t.object))
    return graph


def read_turtle(path: Path) -> Graph:
    """The triples of a Turtle file (raises SyntaxError or OSError)."""
    graph = new_graph()
    for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
        graph[from_ox(t.subject)][t.predicate.value].add(from_ox(t.object))
    return graph
