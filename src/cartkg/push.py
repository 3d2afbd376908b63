"""Push the built graph to any triple store over the SPARQL 1.1 Graph Store HTTP Protocol.

Each named graph goes as one request: PUT replaces the graph at the store (``replace``, the
default, which makes pushing idempotent), POST adds to it (``merge``). Afterwards every graph's
triple count is read back through the store's SPARQL endpoint (SPARQLWrapper): a graph counts as
pushed only when the store answers with the expected number. Credentials come from an
environment variable holding ``user:password`` and are never printed; the server's challenge
decides between HTTP Basic and Digest authentication.
"""

from __future__ import annotations

import os
import re
import ssl
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Literal

import httpx
import pyoxigraph as ox
from SPARQLWrapper import BASIC, DIGEST, JSON, POST, SPARQLExceptions, SPARQLWrapper

from cartkg.errors import CheckFailed, InputError
from cartkg.export import select_graphs

Mode = Literal["replace", "merge"]
_RETRY_STATUS = range(500, 600)
_VERIFY_BATCH = 200


@dataclass(frozen=True)
class Credentials:
    user: str
    password: str = field(repr=False)
    variable: str = ""

    @classmethod
    def from_env(cls, variable: str) -> Credentials:
        """``user:password`` from the environment variable ``variable``."""
        value = os.environ.get(variable)
        if not value:
            raise InputError(f"the environment variable {variable} is not set (want user:password)")
        if ":" not in value:
            raise InputError(f"the environment variable {variable} must hold user:password")
        user, password = value.split(":", 1)
        return cls(user, password, variable)


class ChallengeAuth(httpx.Auth):
    """HTTP Basic or Digest, whichever the server's first 401 challenge asks for."""

    def __init__(self, credentials: Credentials):
        self.basic = httpx.BasicAuth(credentials.user, credentials.password)
        self.digest = httpx.DigestAuth(credentials.user, credentials.password)
        self.scheme: str | None = None

    def auth_flow(self, request: httpx.Request) -> Iterator[httpx.Request]:
        if self.scheme == "digest":
            yield from self.digest.auth_flow(request)
            return
        if self.scheme == "basic":
            yield from self.basic.auth_flow(request)
            return
        response = yield request
        if response.status_code != 401:
            return
        challenge = response.headers.get("www-authenticate", "").split(" ", 1)[0].lower()
        if challenge in ("digest", "basic"):
            self.scheme = challenge
            yield from (self.digest if challenge == "digest" else self.basic).auth_flow(request)


@dataclass
class GraphPush:
    graph: str
    triples: int
    sent: bool = False  # the store acknowledged the request with a 2xx status
    found: int | None = None  # triples the store's endpoint reports for the graph
    error: str | None = None

    @property
    def arrived(self) -> bool:
        """Sent by this push, and the store holds the graph's triples."""
        return (
            self.sent
            and self.error is None
            and self.found is not None
            and self.found >= self.triples
        )


@dataclass
class PushReport:
    """What a push sent where (``graphs``, one ``GraphPush`` each), and which graphs the
    endpoint then held (``arrived``) or did not (``missing``)."""

    endpoint: str
    graph_store: str
    mode: Mode
    graphs: list[GraphPush] = field(default_factory=list)
    verify_error: str | None = None

    @property
    def arrived(self) -> list[GraphPush]:
        return [g for g in self.graphs if g.arrived]

    @property
    def missing(self) -> list[GraphPush]:
        return [g for g in self.graphs if not g.arrived]

    @property
    def ok(self) -> bool:
        return bool(self.graphs) and not self.missing

    def summary(self) -> str:
        lines = [
            f"{len(self.arrived)} of {len(self.graphs)} graph(s) are in the store "
            f"({sum(g.triples for g in self.arrived)} triples), checked through {self.endpoint}"
        ]
        if self.verify_error:
            lines.append(f"the check could not be made: {self.verify_error}")
        for g in self.missing:
            if g.error:
                why = g.error
            elif g.sent and g.found is None:
                why = "acknowledged by the store, but the check could not confirm it"
            elif g.sent:
                why = f"acknowledged, but the store holds {g.found} of {g.triples} triples"
            else:
                why = "not sent"
            lines.append(f"  missing <{g.graph}>: {why}")
        if self.missing:
            lines.append("push again to complete it (replacing a graph is idempotent)")
        return "\n".join(lines)


class PushFailed(CheckFailed):
    """Some graphs did not arrive; the report says which did and which did not."""

    def __init__(self, report: PushReport):
        self.report = report
        super().__init__("push incomplete: " + report.summary())


def check_url(url: str, what: str) -> str:
    """An http(s) URL without credentials in it (they belong in --auth-env)."""
    parsed = httpx.URL(url) if re.match(r"^https?://[^/\s?#]+", url or "") else None
    if parsed is None or not parsed.host:
        raise InputError(f"malformed {what} URL {url!r}: expected http(s)://host[:port]/path")
    if parsed.userinfo:
        raise InputError(
            f"the {what} URL carries credentials; put user:password in an environment "
            "variable and name it with --auth-env"
        )
    return url


def push(
    store: ox.Store,
    endpoint: str,
    graph_store: str | None = None,
    credentials: Credentials | None = None,
    patterns: Sequence[str] | None = None,
    mode: Mode = "replace",
    verify_tls: bool = True,
    retries: int = 4,
    backoff: float = 0.5,
    timeout: float = 120.0,
    on_graph: Callable[[GraphPush], None] | None = None,
) -> PushReport:
    """Send the chosen graphs (all by default) of ``store``; raise PushFailed unless all arrived.

    ``endpoint`` is the store's SPARQL query endpoint, used for the final check;
    ``graph_store`` its Graph Store Protocol URL (default: the endpoint URL itself, as with
    Fuseki's dataset URL). Transient failures (5xx, connection errors) are retried ``retries``
    times with exponential backoff.
    """
    check_url(endpoint, "endpoint")
    graph_store = check_url(graph_store or endpoint, "graph store")
    if mode not in ("replace", "merge"):
        raise InputError(f"unknown push mode {mode!r}: use replace or merge")
    report = PushReport(endpoint, graph_store, mode)
    auth = ChallengeAuth(credentials) if credentials else None
    graphs = select_graphs(store, patterns)
    if not graphs:
        raise InputError("the store holds no named graphs: run `cartkg build` first")
    report.graphs = [GraphPush(g.value, _count(store, g)) for g in graphs]
    with httpx.Client(auth=auth, verify=verify_tls, timeout=timeout) as client:
        for graph, item in zip(graphs, report.graphs, strict=True):
            body = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
            stop = _send(client, graph_store, mode, item, body, retries, backoff, credentials)
            if on_graph is not None:
                on_graph(item)
            if stop:
                for rest in report.graphs:
                    if not rest.sent and rest.error is None:
                        rest.error = "not sent: " + stop
                break
    try:
        found = count_graphs(
            endpoint, [g.graph for g in report.graphs], credentials, auth, verify_tls
        )
    except InputError as e:
        report.verify_error = str(e)
    else:
        for item in report.graphs:
            item.found = found.get(item.graph, 0)
            if mode == "replace" and item.found != item.triples and item.sent and not item.error:
                item.error = f"the store holds {item.found} of {item.triples} triples"
    if not report.ok:
        raise PushFailed(report)
    return report


def _count(store: ox.Store, graph: ox.NamedNode) -> int:
    return sum(1 for _ in store.quads_for_pattern(None, None, None, graph))


def _send(
    client: httpx.Client,
    graph_store: str,
    mode: Mode,
    item: GraphPush,
    body: bytes,
    retries: int,
    backoff: float,
    credentials: Credentials | None,
) -> str | None:
    """Send one graph, retrying transient failures; returns a reason to stop pushing, if any."""
    method = "PUT" if mode == "replace" else "POST"
    for attempt in range(retries + 1):
        if attempt:
            time.sleep(backoff * 2 ** (attempt - 1))
        try:
            response = client.request(
                method,
                graph_store,
                params={"graph": item.graph},
                content=body,
                # N-Triples is also Turtle, the one format every Graph Store must read
                headers={"Content-Type": "text/turtle; charset=utf-8"},
            )
        except httpx.TransportError as e:
            item.error = f"cannot reach {graph_store}: {type(e).__name__} {e}".strip()
            continue
        if response.is_success:
            item.sent, item.error = True, None
            return None
        item.error = f"{method} answered {response.status_code} {response.reason_phrase}"
        detail = response.text.strip().splitlines()[0][:200] if response.text.strip() else ""
        if detail:
            item.error += f": {detail}"
        if response.status_code in (401, 403):
            item.error += (
                f" (check the credentials in ${credentials.variable})"
                if credentials
                else " (the store wants credentials: --auth-env VAR with VAR=user:password)"
            )
            return item.error
        if response.status_code not in _RETRY_STATUS:
            return None  # this graph was refused; the others may still go
    if item.error and item.error.startswith("cannot reach"):
        return item.error  # the store is unreachable: do not wait out every graph's retries
    return None


def count_graphs(
    endpoint: str,
    graphs: Sequence[str],
    credentials: Credentials | None = None,
    auth: ChallengeAuth | None = None,
    verify_tls: bool = True,
) -> dict[str, int]:
    """Triples per named graph, as the store's SPARQL endpoint reports them."""
    counts: dict[str, int] = {}
    for start in range(0, len(graphs), _VERIFY_BATCH):
        batch = graphs[start : start + _VERIFY_BATCH]
        values = " ".join(f"<{g}>" for g in batch)
        client = SPARQLWrapper(endpoint)
        client.setMethod(POST)
        client.setTimeout(120)
        client.setReturnFormat(JSON)
        client.setQuery(
            f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} "
            "GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
        )
        if credentials is not None:
            client.setHTTPAuth(DIGEST if auth is not None and auth.scheme == "digest" else BASIC)
            client.setCredentials(credentials.user, credentials.password)
        try:
            with _tls(verify_tls):
                answer = client.query().convert()
            rows = answer["results"]["bindings"]  # type: ignore[index]
            counts.update({r["g"]["value"]: int(r["n"]["value"]) for r in rows})
        except (
            SPARQLExceptions.SPARQLWrapperException,
            OSError,
            KeyError,
            TypeError,
            ValueError,
        ) as e:
            raise InputError(f"{endpoint} did not answer the count query: {e}") from None
    return counts


@contextmanager
def _tls(verify: bool) -> Iterator[None]:
    """urllib (under SPARQLWrapper) without certificate checks, only when asked and only here."""
    if verify:
        yield
        return
    previous = urllib.request._opener  # type: ignore[attr-defined]
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    urllib.request.install_opener(
        urllib.request.build_opener(urllib.request.HTTPSHandler(context=context))
    )
    try:
        yield
    finally:
        urllib.request.install_opener(previous)  # type: ignore[arg-type]
