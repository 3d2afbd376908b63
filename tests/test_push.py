"""`cartkg push` to real triple stores over the Graph Store Protocol, and what it says when the
store breaks: the graphs it reports as pushed are exactly the graphs the store holds."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from helpers.project import REPO, CliRun
from helpers.servers import (
    faulty_proxy,
    free_port,
    graphs_in,
    in_order,
    oxigraph_read_write,
    self_signed_certificate,
)
from helpers.virtuoso import Virtuoso, running_virtuoso
from rdflib import Literal, URIRef
from rdflib.query import Result
from typer.testing import Result as CliResult

import cartkg
from cartkg.export import select_graphs
from cartkg.paths import Project
from cartkg.push import PushFailed
from cartkg.queries import load_queries, parse_query
from cartkg.store import open_store

pytestmark = pytest.mark.server

TWO_TRIALS = ["trials/NCT06328777", "trials/NCT06414135"]  # two graphs are enough
AUTH_VAR = "CARTKG_TEST_PUSH_AUTH"
SECRET = "s3cret-never-printed"
THIRD = 3


def push_cli(cli: CliRun, store: Path, endpoint: str, graph_store: str, *more: str) -> CliResult:
    """`cartkg push` of the built ``store`` to a query endpoint and a Graph Store URL."""
    args = ["push", "--store", str(store), "--endpoint", endpoint, "--graph-store", graph_store]
    return cli(Project(REPO), *args, *more)


def expected_counts(store_path: Path) -> dict[str, int]:
    store = open_store(store_path)
    return {
        g.value: sum(1 for _ in store.quads_for_pattern(None, None, None, g))
        for g in select_graphs(store)
    }


def same_rows(endpoint: str, store: Path) -> None:
    """Every stored query gives the same rows on the endpoint as on the embedded store."""
    for slug, query in load_queries(REPO / "queries").items():
        params = {p.name: p.example for p in query.params if p.example is not None}
        remote = cartkg.connect(endpoint, root=REPO).run_query(slug, **params)
        local = cartkg.open_client(root=REPO, store=store).run_query(slug, **params)
        assert len(local) > 0, slug
        assert [str(v) for v in remote.vars] == [str(v) for v in local.vars], slug
        assert in_order(list(remote), query.body) == in_order(list(local), query.body), slug


@pytest.fixture
def oxigraph(tmp_path: Path) -> Iterator[str]:
    with oxigraph_read_write(tmp_path / "oxigraph") as base:
        yield base


def test_push_to_oxigraph_then_queries_agree(cli: CliRun, oxigraph: str, real_store: Path) -> None:
    result = push_cli(
        cli,
        real_store,
        f"{oxigraph}/query",
        f"{oxigraph}/store",
    )
    assert result.exit_code == 0, result.stderr + result.stdout
    expected = expected_counts(real_store)
    assert graphs_in(f"{oxigraph}/query") == expected
    assert f"{len(expected)} of {len(expected)} graph(s) are in the store" in result.stdout
    same_rows(f"{oxigraph}/query", real_store)


def test_pushing_twice_replaces_and_changes_nothing(oxigraph: str, real_store: Path) -> None:
    for _ in range(2):
        report = cartkg.push(
            f"{oxigraph}/query", graph_store=f"{oxigraph}/store", root=REPO, store=real_store
        )
    assert graphs_in(f"{oxigraph}/query") == expected_counts(real_store)
    assert len(report.arrived) == len(report.graphs)


def test_merge_adds_to_what_the_store_holds(oxigraph: str, real_store: Path) -> None:
    graph = "https://w3id.org/cartkg/graph/programs/rese-cel"
    ox_store = open_store(real_store)
    httpx.put(
        f"{oxigraph}/store",
        params={"graph": graph},
        content="<urn:x:s> <urn:x:p> <urn:x:o> .",
        headers={"Content-Type": "application/n-triples"},
    ).raise_for_status()
    report = cartkg.push(
        f"{oxigraph}/query",
        graph_store=f"{oxigraph}/store",
        graphs=["programs/rese-cel"],
        mode="merge",
        root=REPO,
        store=real_store,
    )
    expected = sum(1 for _ in ox_store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))
    assert graphs_in(f"{oxigraph}/query") == {graph: expected + 1}
    assert [g.graph for g in report.arrived] == [graph]


def test_a_500_on_the_third_graph_reports_exactly_what_arrived(
    cli: CliRun, oxigraph: str, real_store: Path
) -> None:
    def third_fails(method: str, n: int) -> tuple[int, dict[str, str]] | None:
        # the third graph fails on its first try and on its one retry
        return (500, {}) if n in (THIRD, THIRD + 1) else None

    expected = expected_counts(real_store)
    third = sorted(expected)[THIRD - 1]
    with faulty_proxy(oxigraph, third_fails) as proxy:
        result = push_cli(
            cli,
            real_store,
            f"{oxigraph}/query",
            f"{proxy}/store",
            "--retries",
            "1",
        )
    assert result.exit_code == 1
    held = graphs_in(f"{oxigraph}/query")
    assert third not in held
    assert held == {g: n for g, n in expected.items() if g != third}
    assert f"missing <{third}>: PUT answered 500" in result.stderr
    assert f"{len(expected) - 1} of {len(expected)} graph(s) are in the store" in result.stderr
    assert result.stderr.count("missing <") == 1

    again = push_cli(
        cli,
        real_store,
        f"{oxigraph}/query",
        f"{oxigraph}/store",
    )
    assert again.exit_code == 0, again.stderr
    assert graphs_in(f"{oxigraph}/query") == expected


def test_a_transient_500_is_retried(oxigraph: str, real_store: Path) -> None:
    with faulty_proxy(oxigraph, lambda method, n: (503, {}) if n == 1 else None) as proxy:
        report = cartkg.push(
            f"{oxigraph}/query",
            graph_store=f"{proxy}/store",
            graphs=TWO_TRIALS,
            root=REPO,
            store=real_store,
        )
    assert len(report.arrived) == 2


def test_a_401_stops_the_push_and_never_prints_the_password(
    cli: CliRun, oxigraph: str, real_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(AUTH_VAR, f"curator:{SECRET}")
    refuse = (401, {"WWW-Authenticate": 'Basic realm="store"'})
    with faulty_proxy(oxigraph, lambda method, n: refuse) as proxy:
        result = push_cli(
            cli,
            real_store,
            f"{oxigraph}/query",
            f"{proxy}/store",
            "--auth-env",
            AUTH_VAR,
        )
    assert result.exit_code == 1
    assert "401" in result.stderr
    assert f"check the credentials in ${AUTH_VAR}" in result.stderr
    assert "0 of " in result.stderr
    assert SECRET not in result.stdout + result.stderr
    assert graphs_in(f"{oxigraph}/query") == {}


def test_a_401_without_credentials_says_how_to_give_them(
    cli: CliRun, oxigraph: str, real_store: Path
) -> None:
    refuse = (401, {"WWW-Authenticate": 'Digest realm="store", nonce="abc"'})
    with faulty_proxy(oxigraph, lambda method, n: refuse) as proxy:
        result = push_cli(
            cli,
            real_store,
            f"{oxigraph}/query",
            f"{proxy}/store",
        )
    assert result.exit_code == 1
    assert "--auth-env VAR with VAR=user:password" in result.stderr


def test_store_down_is_a_clear_failure(cli: CliRun, real_store: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    result = push_cli(
        cli,
        real_store,
        f"{url}/query",
        f"{url}/store",
        "--retries",
        "1",
    )
    assert result.exit_code == 1
    assert f"cannot reach {url}/store" in result.stderr
    assert "0 of " in result.stderr
    assert "are in the store" in result.stderr


def test_tls_certificates_are_checked_unless_insecure(
    cli: CliRun, oxigraph: str, real_store: Path, tmp_path: Path
) -> None:
    certificate = self_signed_certificate(tmp_path)
    with faulty_proxy(oxigraph, lambda method, n: None, tls=certificate) as proxy:
        args = ["push", "--store", str(real_store), "--endpoint", f"{proxy}/query"]
        args += ["--graph-store", f"{proxy}/store", "--retries", "0"]
        args += [x for g in TWO_TRIALS for x in ("--graphs", g)]
        checked = cli(Project(REPO), *args)
        assert checked.exit_code == 1
        assert "CERTIFICATE_VERIFY_FAILED" in checked.stderr
        assert graphs_in(f"{oxigraph}/query") == {}

        unchecked = cli(Project(REPO), *args, "--insecure")
        assert unchecked.exit_code == 0, unchecked.stderr
        assert "warning: TLS certificates are not verified" in unchecked.stderr
        assert "2 of 2 graph(s) are in the store" in unchecked.stdout
    assert len(graphs_in(f"{oxigraph}/query")) == 2


def test_graphs_sent_but_not_confirmed_are_not_reported_as_pushed(
    oxigraph: str, real_store: Path
) -> None:
    dead = f"http://127.0.0.1:{free_port()}/query"
    with pytest.raises(PushFailed) as failure:
        cartkg.push(
            dead, graph_store=f"{oxigraph}/store", graphs=TWO_TRIALS, root=REPO, store=real_store
        )
    report = failure.value.report
    assert report.arrived == []
    assert all(g.sent for g in report.graphs)
    assert "the check could not be made" in str(failure.value)
    assert "acknowledged by the store, but the check could not confirm it" in str(failure.value)


@pytest.mark.parametrize(
    ("endpoint", "message"),
    [
        ("localhost:7878/query", "malformed endpoint URL"),
        ("ftp://127.0.0.1/query", "malformed endpoint URL"),
        ("http://user:pw@127.0.0.1:7878/query", "carries credentials"),
    ],
)
def test_bad_endpoint_urls_are_usage_errors(
    cli: CliRun, real_store: Path, endpoint: str, message: str
) -> None:
    result = cli(Project(REPO), "push", "--store", str(real_store), "--endpoint", endpoint)
    assert result.exit_code == 2
    assert message in result.stderr
    assert ":pw@" not in result.stderr


def test_missing_credentials_variable_is_a_usage_error(
    cli: CliRun, real_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(AUTH_VAR, raising=False)
    result = cli(
        Project(REPO),
        "push",
        "--store",
        str(real_store),
        "--endpoint",
        "http://127.0.0.1:1/query",
        "--auth-env",
        AUTH_VAR,
    )
    assert result.exit_code == 2
    assert f"the environment variable {AUTH_VAR} is not set" in result.stderr


# Virtuoso: Debian's virtuoso-opensource 7.2, Digest authentication on its Graph Store endpoint.

SKIP_VIRTUOSO = "CARTKG_SKIP_VIRTUOSO"
XSD_DURATION = URIRef("http://www.w3.org/2001/XMLSchema#duration")
# also a GROUP_CONCAT inside an expression: REPLACE(GROUP_CONCAT(...), ...) AS ?trials
_GROUP_CONCAT = re.compile(
    r'GROUP_CONCAT\((?:DISTINCT )?[^;]*; separator="([^"]*)"\)[^?]*? AS \?(\w+)'
)
_DURATION = re.compile(
    r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?"
)


@contextmanager
def started_virtuoso(folder: Path) -> Iterator[Virtuoso]:
    """A fresh Virtuoso, or a test failure that says why it could not start."""
    if os.environ.get(SKIP_VIRTUOSO):
        pytest.skip(f"{SKIP_VIRTUOSO} is set: the Virtuoso tests were turned off on this machine")
    with ExitStack() as stack:
        try:
            server = stack.enter_context(running_virtuoso(folder))
        except RuntimeError as e:
            pytest.fail(f"{e}\n(set {SKIP_VIRTUOSO}=1 to skip the Virtuoso tests on purpose)")
        yield server


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    with started_virtuoso(tmp_path_factory.mktemp("virtuoso")) as server:
        yield server


def duration_key(value: Literal) -> tuple[str, float]:
    """What Virtuoso 7.2 keeps of an xsd:duration: it stores a duration of years and months as
    a number of months, any other as a number of seconds, and gives that number back."""
    text = str(value)
    match = _DURATION.fullmatch(text)
    if match is None:
        return ("months", int(text)) if text.lstrip("-").isdigit() else ("seconds", float(text))
    years, months, days, hours, minutes, seconds = (float(g or 0) for g in match.groups())
    if not (days or hours or minutes or seconds):
        return ("months", 12 * years + months)
    assert not (years or months), f"{text}: a duration Virtuoso cannot keep"
    return ("seconds", days * 86400 + hours * 3600 + minutes * 60 + seconds)


def portable(result: Result, body: str) -> list[tuple[object, ...]]:
    """Rows as both engines must agree on them. Three differences SPARQL 1.1 allows are set
    aside: the order of GROUP_CONCAT's parts, the language tag Oxigraph keeps on it when all
    parts share one, and "" versus unbound for an empty group. One Virtuoso bug is set aside:
    it keeps xsd:duration only as a number (see duration_key)."""
    separators = {column: sep for sep, column in _GROUP_CONCAT.findall(body)}
    rows = []
    for row in result:
        values: list[object] = []
        for column, value in zip(result.vars, row, strict=True):
            if str(column) in separators:
                text = "" if value is None else str(value)
                values.append(tuple(sorted(text.split(separators[str(column)]))) if text else ())
            elif isinstance(value, Literal) and value.datatype == XSD_DURATION:
                values.append(duration_key(value))
            else:
                values.append(value)
        rows.append(tuple(values))
    return rows


def test_push_to_virtuoso_with_digest_auth_then_queries_agree(
    cli: CliRun, virtuoso: Virtuoso, real_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(AUTH_VAR, f"{virtuoso.user}:{virtuoso.password}")
    result = push_cli(
        cli,
        real_store,
        virtuoso.sparql_url,
        virtuoso.graph_store_url,
        "--auth-env",
        AUTH_VAR,
    )
    assert result.exit_code == 0, result.stderr + result.stdout
    expected = expected_counts(real_store)
    held = graphs_in(virtuoso.sparql_url)
    assert {g: held.get(g) for g in expected} == expected
    for slug, query in load_queries(REPO / "queries").items():
        params = {p.name: p.example for p in query.params if p.example is not None}
        remote = cartkg.connect(virtuoso.sparql_url, root=REPO).run_query(slug, **params)
        local = cartkg.open_client(root=REPO, store=real_store).run_query(slug, **params)
        assert len(local) > 0, slug
        assert [str(v) for v in remote.vars] == [str(v) for v in local.vars], slug
        assert in_order(portable(remote, query.body), query.body) == in_order(
            portable(local, query.body), query.body
        ), slug


def test_durations_are_the_one_value_virtuoso_changes(
    virtuoso: Virtuoso, real_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # documents the Virtuoso bug that duration_key works around: if it is ever fixed, this fails
    monkeypatch.setenv(AUTH_VAR, f"{virtuoso.user}:{virtuoso.password}")
    cartkg.push(
        virtuoso.sparql_url,
        graph_store=virtuoso.graph_store_url,
        auth_env=AUTH_VAR,
        graphs=["trials/NCT06328777"],
        root=REPO,
        store=real_store,
    )
    query = "SELECT ?d WHERE { ?e cartkg:timeFrameDuration ?d }"
    local = {
        duration_key(r[0])
        for r in cartkg.open_client(root=REPO, store=real_store).run(
            parse_query(query, "durations")
        )
    }
    remote = cartkg.connect(virtuoso.sparql_url, root=REPO).run(parse_query(query, "durations"))
    assert local
    assert {duration_key(r[0]) for r in remote} == local
    assert not any(str(r[0]).startswith("P") for r in remote)


def test_wrong_password_on_virtuoso_pushes_nothing(
    cli: CliRun, real_store: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(AUTH_VAR, f"dba:{SECRET}")
    with started_virtuoso(tmp_path / "virtuoso") as fresh:
        result = push_cli(
            cli,
            real_store,
            fresh.sparql_url,
            fresh.graph_store_url,
            "--auth-env",
            AUTH_VAR,
        )
        held = graphs_in(fresh.sparql_url)
    assert result.exit_code == 1
    assert "PUT answered 401" in result.stderr
    assert SECRET not in result.stdout + result.stderr
    assert not any(g.startswith("https://w3id.org/cartkg/") for g in held)
