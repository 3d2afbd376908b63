"""`cartkg serve`: a real read-only SPARQL endpoint on loopback gives the embedded store's rows
and refuses every update."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from helpers.project import REPO, CliRun
from helpers.servers import free_port, graphs_in, in_order, running

import cartkg
from cartkg.build import build
from cartkg.paths import Project
from cartkg.queries import load_queries
from cartkg.serve import Bind

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def endpoint(real_store: Path) -> Iterator[str]:
    """`cartkg serve` in its own process, on a free loopback port."""
    port = free_port()
    command = [sys.executable, "-m", "cartkg", "--root", str(REPO), "serve"]
    command += ["--store", str(real_store), "--bind", f"127.0.0.1:{port}", "--timeout", "30"]
    url = f"http://127.0.0.1:{port}/query"
    with running(command, url):
        yield url


@pytest.mark.parametrize("slug", sorted(load_queries(REPO / "queries")))
def test_served_endpoint_gives_the_same_rows_as_the_embedded_store(
    slug: str, endpoint: str, real_store: Path
) -> None:
    query = load_queries(REPO / "queries")[slug]
    params = {p.name: p.example for p in query.params if p.example is not None}
    remote = cartkg.connect(endpoint, root=REPO).run_query(slug, **params)
    local = cartkg.open_client(root=REPO, store=real_store).run_query(slug, **params)
    assert len(local) > 0
    assert [str(v) for v in remote.vars] == [str(v) for v in local.vars]
    assert in_order(list(remote), query.body) == in_order(list(local), query.body)


def test_served_endpoint_refuses_updates(endpoint: str) -> None:
    before = graphs_in(endpoint)
    base = endpoint.removesuffix("/query")
    insert = "INSERT DATA { GRAPH <urn:x:g> { <urn:x:s> <urn:x:p> <urn:x:o> } }"
    attempts = [
        httpx.post(f"{base}/update", data={"update": insert}, timeout=10),
        httpx.post(
            f"{base}/update",
            content=insert,
            headers={"Content-Type": "application/sparql-update"},
            timeout=10,
        ),
        httpx.post(f"{base}/query", data={"update": insert}, timeout=10),
        httpx.put(
            f"{base}/store",
            params={"graph": "urn:x:g"},
            content="<urn:x:s> <urn:x:p> <urn:x:o> .",
            headers={"Content-Type": "application/n-triples"},
            timeout=10,
        ),
        httpx.delete(
            f"{base}/store",
            params={"graph": "https://w3id.org/cartkg/graph/trials/NCT06328777"},
            timeout=10,
        ),
    ]
    assert [a.status_code for a in attempts if a.is_success] == []
    assert graphs_in(endpoint) == before
    assert "https://w3id.org/cartkg/graph/trials/NCT06328777" in before


def test_served_endpoint_offers_the_query_ui(endpoint: str) -> None:
    page = httpx.get(endpoint.removesuffix("/query") + "/", timeout=10)
    assert page.status_code == 200
    assert "yasgui" in page.text.lower()


def test_cli_query_on_an_endpoint(cli: CliRun, endpoint: str) -> None:
    result = cli(Project(REPO), "query", "trials", "--endpoint", endpoint, "-f", "csv")
    assert result.exit_code == 0, result.stderr
    assert "NCT06414135" in result.stdout


def test_endpoint_down_is_a_clear_error(cli: CliRun) -> None:
    url = f"http://127.0.0.1:{free_port()}/query"
    result = cli(Project(REPO), "query", "trials", "--endpoint", url)
    assert result.exit_code == 2
    assert f"the endpoint {url} did not answer" in result.stderr


def test_malformed_endpoint_url_is_a_usage_error(cli: CliRun) -> None:
    result = cli(Project(REPO), "query", "trials", "--endpoint", "localhost:7878")
    assert result.exit_code == 2
    assert "not an http(s) endpoint URL" in result.stderr


@pytest.mark.parametrize(
    ("bind", "loopback"),
    [
        ("127.0.0.1:7878", True),
        ("localhost:7878", True),
        ("[::1]:7878", True),
        ("127.0.0.2:80", True),
        ("0.0.0.0:7878", False),
        ("[::]:7878", False),
        ("192.168.1.10:7878", False),
        ("example.org:7878", False),
    ],
)
def test_bind_address_is_loopback_or_not(bind: str, loopback: bool) -> None:
    assert Bind.parse(bind).is_loopback is loopback


@pytest.mark.parametrize("bind", ["7878", "127.0.0.1", "127.0.0.1:http", "127.0.0.1:70000"])
def test_bad_bind_address_is_a_usage_error(cli: CliRun, bind: str) -> None:
    result = cli(Project(REPO), "serve", "--bind", bind)
    assert result.exit_code == 2
    assert "--bind takes HOST:PORT" in result.stderr


def test_serving_beyond_loopback_warns_first(cli: CliRun, tmp_path: Path) -> None:
    # the store is missing, so nothing is ever bound: only the warning and the error show
    result = cli(Project(REPO), "serve", "--store", str(tmp_path / "none"), "--bind", "0.0.0.0:7")
    assert "warning: binding to 0.0.0.0:7, not loopback" in result.stderr
    assert "no built store" in result.stderr
    assert result.exit_code == 2


def test_serve_stops_cleanly_on_terminate(real_store: Path) -> None:
    port = free_port()
    command = [sys.executable, "-m", "cartkg", "--root", str(REPO), "serve"]
    command += ["--store", str(real_store), "--bind", f"127.0.0.1:{port}"]
    with running(command, f"http://127.0.0.1:{port}/query") as process:
        process.terminate()
        process.wait(timeout=10)
    # the server was the process itself (exec), so nothing is left listening
    with pytest.raises(httpx.TransportError):
        httpx.get(f"http://127.0.0.1:{port}/query", params={"query": "ASK {}"}, timeout=2)


def test_a_rebuild_does_not_pull_the_store_from_under_a_running_server(tmp_path: Path) -> None:
    store = tmp_path / "store"
    build(Project(REPO), store, run_reasoner=False)
    served = store.resolve()
    port = free_port()
    command = [sys.executable, "-m", "cartkg", "--root", str(REPO), "serve"]
    command += ["--store", str(store), "--bind", f"127.0.0.1:{port}"]
    url = f"http://127.0.0.1:{port}/query"
    with running(command, url):
        before = graphs_in(url)
        build(Project(REPO), store, run_reasoner=False)
        assert store.resolve() != served
        assert served.is_dir()
        assert graphs_in(url) == before
    # once the server has stopped, the next build clears the old folder away
    build(Project(REPO), store, run_reasoner=False)
    assert not served.exists()
