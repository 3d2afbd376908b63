"""Queries on a real SPARQL endpoint (an Oxigraph server on loopback) match the embedded store."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import REPO, CliRun

import cartkg
from cartkg.paths import Project
from cartkg.queries import load_queries

pytestmark = pytest.mark.server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def oxigraph_binary() -> str:
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if not found:
        pytest.fail(
            "the oxigraph server is missing: install the test extras (pip install -e .[test])"
        )
    return found


@pytest.fixture(scope="module")
def endpoint(real_store: Path) -> Iterator[str]:
    port = free_port()
    server = subprocess.Popen(
        [
            oxigraph_binary(),
            "serve-read-only",
            "--location",
            str(real_store),
            "--bind",
            f"127.0.0.1:{port}",
            "--union-default-graph",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}/query"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if httpx.get(url, params={"query": "ASK {}"}, timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"oxigraph server did not start: {server.stderr.read().decode()}")
            time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.parametrize("slug", sorted(load_queries(REPO / "queries")))
def test_endpoint_gives_the_same_rows_as_the_embedded_store(
    slug: str, endpoint: str, real_store: Path
) -> None:
    query = load_queries(REPO / "queries")[slug]
    params = {p.name: p.example for p in query.params if p.example is not None}
    remote = cartkg.connect(endpoint, root=REPO).run_query(slug, **params)
    local = cartkg.open_client(root=REPO, store=real_store).run_query(slug, **params)
    assert len(local) > 0
    assert [str(v) for v in remote.vars] == [str(v) for v in local.vars]
    assert list(remote) == list(local)


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
