"""Stored SPARQL queries: reading them, binding their parameters, running them anywhere.

A stored query is ``queries/<slug>.rq``: a header of ``#+ `` lines in YAML (the grlc
convention: ``summary``, ``description``, ``tags``, ``params``), then the query. Parameters are
variables named ``?_name``. They are bound by the engine, never pasted into the text: every
engine, embedded or remote, gets them as a ``VALUES`` block of RDF terms at the start of the
``WHERE`` group, so a parameter means the same everywhere. (pyoxigraph's own substitution only
binds variables of the SELECT projection, so it cannot serve here.)

Prefixes come from the ontology header; a query may leave out its PREFIX lines.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cached_property, lru_cache
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.error import URLError

import curies
import pyoxigraph as ox
import yaml
from rdflib import XSD, Graph, Literal, URIRef, Variable
from rdflib.query import Result
from rdflib.term import Node
from SPARQLWrapper import JSON, POST, TURTLE, SPARQLExceptions, SPARQLWrapper

from cartkg.errors import InputError
from cartkg.io import from_rdflib, to_rdflib
from cartkg.names import key
from cartkg.namespaces import GRAPH, QUERY, RDF, RDFS, SCHEMA, SH, sparql_prologue

if TYPE_CHECKING:
    from cartkg.resolve import Match, Resolver

DEFERRED = object()  # bind(..., resolver=DEFERRED): check every parameter but the iri ones

PARAM_TYPES = ("iri", "name", "string", "integer", "decimal", "date", "boolean")
_PARAM_VAR = re.compile(r"[?$]_([A-Za-z][A-Za-z0-9_]*)")


@dataclass(frozen=True)
class Param:
    name: str
    type: str = "string"
    required: bool = True
    description: str = ""
    prefix: str | None = None  # for iri parameters: a bare key is read as prefix:key
    example: str | None = None  # a value that gives rows on the real graph

    def term(self, raw: str, converter: curies.Converter) -> Node:
        """The RDF term for a value given on the command line or from Python; an iri parameter
        takes only a full IRI or a CURIE here (names need the graph: see bind)."""
        raw = raw.strip()
        try:
            if self.type == "iri":
                return URIRef(_expand(raw, self.prefix, converter))
            if self.type == "name":
                if not key(raw):
                    raise ValueError("a name needs at least one letter or digit")
                return Literal(key(raw))
            if self.type == "integer":
                return Literal(int(raw), datatype=XSD.integer)
            if self.type == "decimal":
                number = Decimal(raw.replace(",", ".") if raw.count(",") == 1 else raw)
                if not number.is_finite():
                    raise ValueError("not a finite number")
                return Literal(number, datatype=XSD.decimal)
            if self.type == "date":
                return Literal(date.fromisoformat(raw).isoformat(), datatype=XSD.date)
            if self.type == "boolean":
                if raw.lower() not in ("true", "false"):
                    raise ValueError("expected true or false")
                return Literal(raw.lower() == "true", datatype=XSD.boolean)
            return Literal(raw)
        except (ValueError, InvalidOperation) as e:
            expected = _EXPECTED.get(self.type)
            if expected:
                raise InputError(f"parameter {self.name!r} takes {expected}, not {raw!r}") from None
            raise InputError(f"parameter {self.name!r}: {raw!r} is not usable ({e})") from None


_EXPECTED = {
    "integer": "a whole number such as 18",
    "decimal": "a number such as 50 or 7.5",
    "date": "a date written YYYY-MM-DD",
    "boolean": "true or false",
}


def _expand(raw: str, prefix: str | None, converter: curies.Converter) -> str:
    if raw.startswith("<") and raw.endswith(">"):
        raw = raw[1:-1]
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", raw):
        return raw
    if ":" in raw:
        expanded = converter.expand(raw)
        if expanded is None:
            raise ValueError(f"unknown prefix in {raw!r}")
        return expanded
    if prefix is not None:
        expanded = converter.expand(f"{prefix}:{raw}")
        if expanded is not None:
            return expanded
    raise ValueError("give a full IRI, a CURIE such as program:rese-cel, or a key")


@dataclass(frozen=True)
class StoredQuery:
    slug: str
    body: str
    summary: str = ""
    description: str = ""
    tags: tuple[str, ...] = ()
    params: tuple[Param, ...] = ()
    path: Path | None = None

    @property
    def iri(self) -> str:
        return str(QUERY[self.slug])

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    def bind(
        self,
        values: Mapping[str, Any],
        converter: curies.Converter,
        resolver: Resolver | object | None = None,
    ) -> dict[str, Node]:
        """RDF terms for the given parameter values; names every mistake. An iri parameter's
        value is resolved against the graph by ``resolver`` (a name, a CURIE, a key, an IRI);
        without one it must be an IRI, a CURIE or a key; with ``DEFERRED``, iri parameters are
        left out (a check of the others before the graph is opened)."""
        unknown = sorted(set(values) - {p.name for p in self.params})
        if unknown:
            raise InputError(
                f"query {self.slug!r} has no parameter {', '.join(map(repr, unknown))}; "
                f"{_describe_params(self)}"
            )
        bound: dict[str, Node] = {}
        for p in self.params:
            value = values.get(p.name)
            if value is None or value == "":
                if p.required:
                    raise InputError(
                        f"query {self.slug!r} needs parameter {p.name!r}; {_describe_params(self)}"
                    )
                continue
            if isinstance(value, Node):
                bound[p.name] = value
            elif p.type == "iri":
                if resolver is DEFERRED:
                    continue
                if resolver is not None:
                    bound[p.name] = resolver.resolve(str(value), p)  # type: ignore[union-attr]
                else:  # no graph to look names up in: an IRI, a CURIE or a key
                    bound[p.name] = p.term(str(value), converter)
            else:
                bound[p.name] = p.term(str(value), converter)
        return bound


def _describe_params(query: StoredQuery) -> str:
    if not query.params:
        return "it takes no parameters"
    parts = [
        f"{p.name} ({p.type}{'' if p.required else ', optional'})"
        + (f": {p.description}" if p.description else "")
        for p in query.params
    ]
    return "its parameters are " + "; ".join(parts)


def parse_query(text: str, slug: str, path: Path | None = None) -> StoredQuery:
    """Read a stored query: the ``#+`` YAML header, then the SPARQL body."""
    where = str(path) if path else slug
    header_lines, body_lines = [], []
    in_header = True
    for line in text.splitlines():
        if in_header and line.startswith("#+"):
            header_lines.append(line[3:] if line.startswith("#+ ") else line[2:])
        else:
            in_header = False
            body_lines.append(line)
    try:
        header = yaml.safe_load("\n".join(header_lines)) or {}
    except yaml.YAMLError as e:
        raise InputError(f"{where}: the #+ header is not valid YAML: {e}") from None
    if not isinstance(header, dict):
        raise InputError(f"{where}: the #+ header must be YAML keys such as 'summary:'")
    body = "\n".join(body_lines).strip() + "\n"
    params = tuple(_param(where, p) for p in header.get("params") or [])
    declared = {p.name for p in params}
    used = set(_PARAM_VAR.findall(_strip_comments_and_strings(body)))
    if used != declared:
        missing, extra = sorted(used - declared), sorted(declared - used)
        raise InputError(
            f"{where}: parameters in the header and the query disagree"
            + (f"; used but not declared: {', '.join(missing)}" if missing else "")
            + (f"; declared but not used: {', '.join(extra)}" if extra else "")
        )
    tags = header.get("tags") or ()
    return StoredQuery(
        slug=slug,
        body=body,
        summary=str(header.get("summary", "")).strip(),
        description=str(header.get("description", "")).strip(),
        tags=tuple(str(t) for t in ([tags] if isinstance(tags, str) else tags)),
        params=params,
        path=path,
    )


def _param(where: str, spec: Any) -> Param:
    if not isinstance(spec, dict) or "name" not in spec:
        raise InputError(f"{where}: each entry of params needs at least a name: {spec!r}")
    kind = spec.get("type", "string")
    if kind not in PARAM_TYPES:
        raise InputError(f"{where}: parameter {spec['name']!r} has unknown type {kind!r}")
    return Param(
        name=str(spec["name"]),
        type=kind,
        required=bool(spec.get("required", True)),
        description=str(spec.get("description", "")).strip(),
        prefix=spec.get("prefix"),
        example=None if spec.get("example") is None else str(spec["example"]),
    )


def load_queries(folder: Path) -> dict[str, StoredQuery]:
    """Every stored query of the folder, by slug."""
    return {
        p.stem: parse_query(p.read_text(encoding="utf-8"), p.stem, p)
        for p in sorted(folder.glob("*.rq"))
    }


def get_query(folder: Path, slug: str) -> StoredQuery:
    """One stored query; a broken file elsewhere in the folder does not stop it."""
    path = folder / f"{slug}.rq"
    if "/" in slug or not path.is_file():
        known = ", ".join(sorted(p.stem for p in folder.glob("*.rq"))) or "(none)"
        raise InputError(f"no stored query {slug!r}; the stored queries are: {known}")
    return _parsed(path, slug, path.stat().st_mtime_ns)


@lru_cache(maxsize=256)  # resolving a parameter runs a stored query: read each file once
def _parsed(path: Path, slug: str, _mtime: int) -> StoredQuery:
    return parse_query(path.read_text(encoding="utf-8"), slug, path)


_FORMS = {
    "SELECT": ("SPARQLSelectExecutable", "select"),
    "CONSTRUCT": ("SPARQLConstructExecutable", "construct"),
    "ASK": ("SPARQLAskExecutable", "ask"),
    "DESCRIBE": ("SPARQLDescribeExecutable", "describe"),
}
_RDF_TYPE = ox.NamedNode(str(RDF.type))
_RDFS = str(RDFS)
_SCHEMA_KEYWORDS = ox.NamedNode(f"{SCHEMA}keywords")


def query_graph(query: StoredQuery) -> ox.NamedNode:
    """The named graph a stored query is published in: ``graph/queries/<slug>``."""
    return ox.NamedNode(f"{GRAPH}queries/{query.slug}")


def query_quads(query: StoredQuery, prefixes: Mapping[str, str]) -> list[ox.Quad]:
    """The stored query as an ``sh:SPARQLExecutable`` (as in SIB's sparql-examples), in its
    own graph, so a triple store user can find and run it. The text carries the PREFIX lines
    it needs, so it runs as it is; parameters are unbound variables (``?_name``)."""
    syntax = _strip_comments_and_strings(query.body)
    keyword = re.search(r"\b(SELECT|CONSTRUCT|ASK|DESCRIBE)\b", syntax, re.IGNORECASE)
    if keyword is None:
        raise InputError(f"{query.path or query.slug}: not a SELECT, CONSTRUCT, ASK or DESCRIBE")
    kind, text_property = _FORMS[keyword.group(1).upper()]
    used = set(re.findall(r"(?<![\w?$:])([A-Za-z][\w.-]*)?:", syntax))
    prologue = sparql_prologue({p: ns for p, ns in prefixes.items() if p in used})
    node, graph = ox.NamedNode(query.iri), query_graph(query)
    comment = query.description
    if query.params:
        comment = (comment + "\n\n" if comment else "") + _describe_params(query)[0].upper()
        comment += _describe_params(query)[1:] + "."
    statements = [
        (_RDF_TYPE, ox.NamedNode(f"{SH}SPARQLExecutable")),
        (_RDF_TYPE, ox.NamedNode(f"{SH}{kind}")),
        (ox.NamedNode(f"{SH}{text_property}"), ox.Literal(prologue + query.body)),
        (ox.NamedNode(f"{_RDFS}label"), ox.Literal(query.summary or query.slug)),
    ]
    if comment:
        statements.append((ox.NamedNode(f"{_RDFS}comment"), ox.Literal(comment)))
    statements += [(_SCHEMA_KEYWORDS, ox.Literal(tag)) for tag in query.tags]
    return [ox.Quad(node, p, o, graph) for p, o in statements]


def _strip_comments_and_strings(sparql: str) -> str:
    """The query with comments, strings and IRIs blanked out, so only syntax remains."""
    pattern = re.compile(
        r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\''
        r"|<[^<>\"{}|^`\\\s]*>|#[^\n]*"
    )
    return pattern.sub(lambda m: " " * len(m.group(0)), sparql)


def with_values(sparql: str, bindings: Mapping[str, Node]) -> str:
    """The query with a VALUES block for the bindings at the start of its WHERE group, and again
    at the start of each branch of a UNION there that uses a bound variable.

    The second copy changes no answer (every solution of a branch is joined with the first
    block anyway) but lets the engine start each branch from the bound value: oxigraph does not
    push a VALUES block into the branches of a UNION, and would read every statement first.
    """
    if not bindings:
        return sparql
    names = sorted(bindings)
    row = " ".join(str(from_rdflib(bindings[n])) for n in names)
    block = f"\n  VALUES ({' '.join('?_' + n for n in names)}) {{ ({row}) }}\n"
    for at in _insert_points(sparql, tuple(names)):
        sparql = sparql[: at + 1] + block + sparql[at + 1 :]
    return sparql


@lru_cache(maxsize=256)
def _insert_points(sparql: str, names: tuple[str, ...]) -> tuple[int, ...]:
    """Where the VALUES block goes, last first (a query's text and its bound names decide it:
    kept, since a report runs one query for each of hundreds of entities)."""
    position = _where_brace(sparql)
    syntax = _strip_comments_and_strings(sparql)
    uses = re.compile(r"[?$]_(?:" + "|".join(map(re.escape, names)) + r")\b")
    inserts = [position] + [
        start
        for start, end in _union_branches(syntax, position)
        if uses.search(syntax, start, end) and not re.match(r"\{\s*SELECT\b", syntax[start:], re.I)
    ]
    return tuple(sorted(inserts, reverse=True))


def _union_branches(syntax: str, open_at: int) -> list[tuple[int, int]]:
    """The (open, close) offsets of the groups directly inside the group opening at
    ``open_at`` that are operands of a UNION."""
    close = _matching(syntax, open_at)
    groups = []
    i = open_at + 1
    while i < close:
        if syntax[i] == "{":
            end = _matching(syntax, i)
            groups.append((i, end))
            i = end + 1
        else:
            i += 1
    union = re.compile(r"\s*UNION\b", re.IGNORECASE)
    return [
        (start, end)
        for start, end in groups
        if union.match(syntax, end + 1) or re.search(r"\bUNION\s*$", syntax[:start], re.I)
    ]


def _where_brace(sparql: str) -> int:
    """Offset of the '{' that opens the query's WHERE group."""
    syntax = _strip_comments_and_strings(sparql)
    construct = re.search(r"\bCONSTRUCT\b", syntax, re.IGNORECASE)
    where = re.search(r"\bWHERE\b", syntax, re.IGNORECASE)
    if construct and where:
        start = where.end()
    elif construct:
        start = construct.end()
        start = syntax.index("{", start) + 1  # skip the template
        start = _matching(syntax, start - 1) + 1
    else:
        start = 0
    return syntax.index("{", start)


def _matching(syntax: str, open_at: int) -> int:
    depth = 0
    for i in range(open_at, len(syntax)):
        if syntax[i] == "{":
            depth += 1
        elif syntax[i] == "}":
            depth -= 1
            if depth == 0:
                return i
    raise InputError("unbalanced braces in the query")


@dataclass
class QueryClient:
    """Runs queries on a backend; subclasses say how. ``run_query`` works the same on all."""

    queries_dir: Path
    converter: curies.Converter
    prefixes: dict[str, str] = field(default_factory=dict)

    def run_query(self, slug: str, **params: Any) -> Result:
        """Run a stored query by slug with keyword parameters."""
        return self.run(get_query(self.queries_dir, slug), params)

    def run(self, query: StoredQuery, params: Mapping[str, Any] | None = None) -> Result:
        bindings = query.bind(params or {}, self.converter, self.resolver)
        return self.execute(sparql_prologue(self.prefixes) + query.body, bindings)

    @cached_property
    def resolver(self) -> Resolver:
        """Names to IRIs over this client's graph."""
        from cartkg.resolve import Resolver

        return Resolver(self)

    def search(self, text: str, types: list[str] | None = None) -> list[Match]:
        """Every entity whose names match ``text`` (types: prefixes such as product, or
        disease), best first."""
        return self.resolver.search(text, types)

    def resolve(self, text: str, type: str | None = None) -> URIRef:
        """The IRI of the one entity ``text`` names (in the type's namespace if given)."""
        param = Param(name=type or "entity", type="iri", prefix=type)
        return self.resolver.resolve(text, param)

    def execute(self, sparql: str, bindings: Mapping[str, Node]) -> Result:
        raise NotImplementedError


class EmbeddedClient(QueryClient):
    """Queries on a pyoxigraph store; the default graph is the union of all named graphs."""

    def __init__(
        self,
        store: ox.Store,
        queries_dir: Path,
        converter: curies.Converter,
        prefixes: dict[str, str],
    ):
        super().__init__(queries_dir, converter, prefixes)
        self.store = store

    def execute(self, sparql: str, bindings: Mapping[str, Node]) -> Result:
        try:
            answer = self.store.query(
                with_values(sparql, bindings), use_default_graph_as_union=True
            )
        except SyntaxError as e:
            raise InputError(f"the query does not parse: {e}") from None
        return _rdflib_result(answer)


def _rdflib_result(answer: Any) -> Result:
    if isinstance(answer, ox.QuerySolutions):
        result = Result("SELECT")
        result.vars = [Variable(v.value) for v in answer.variables]
        result.bindings = [
            {result.vars[i]: to_rdflib(t) for i, t in enumerate(row) if t is not None}
            for row in answer
        ]
        return result
    if isinstance(answer, ox.QueryBoolean):
        result = Result("ASK")
        result.askAnswer = bool(answer)
        return result
    result = Result("CONSTRUCT")
    graph = Graph()
    for t in answer:
        graph.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    result.graph = graph
    return result


class EndpointClient(QueryClient):
    """Queries on any SPARQL 1.1 endpoint, through SPARQLWrapper."""

    def __init__(
        self,
        endpoint: str,
        queries_dir: Path,
        converter: curies.Converter,
        prefixes: dict[str, str],
        timeout: int = 60,
    ):
        super().__init__(queries_dir, converter, prefixes)
        if not re.match(r"^https?://[^/\s]+", endpoint):
            raise InputError(f"not an http(s) endpoint URL: {endpoint!r}")
        self.endpoint = endpoint
        self.timeout = timeout

    def execute(self, sparql: str, bindings: Mapping[str, Node]) -> Result:
        client = SPARQLWrapper(self.endpoint)
        client.setMethod(POST)
        client.setTimeout(self.timeout)
        client.setQuery(with_values(sparql, bindings))
        graph_form = client.queryType in ("CONSTRUCT", "DESCRIBE")
        client.setReturnFormat(TURTLE if graph_form else JSON)
        try:
            payload = client.query().response.read()
        except (SPARQLExceptions.SPARQLWrapperException, URLError, OSError) as e:
            raise InputError(
                f"the endpoint {self.endpoint} did not answer the query: {e}"
            ) from None
        if graph_form:
            result = Result("CONSTRUCT")
            result.graph = Graph().parse(data=payload, format="turtle")
            return result
        return Result.parse(BytesIO(payload), format="json")
