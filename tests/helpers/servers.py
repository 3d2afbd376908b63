"""Real servers for the tests, on 127.0.0.1 and a free port: Oxigraph, and a fault-injecting
proxy that stands in front of one to play a store that breaks half way."""

from __future__ import annotations

import re
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from cartkg.errors import InputError
from cartkg.serve import oxigraph_binary


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def oxigraph() -> str:
    try:
        return oxigraph_binary()
    except InputError as e:
        pytest.fail(f"{e} (it comes with cartkg's dependencies: pip install -e .)")


def wait_for(url: str, process: subprocess.Popen[bytes], seconds: float = 30) -> None:
    """Wait until ``url`` answers ``ASK {}``; fail with the server's own words if it died."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if httpx.get(url, params={"query": "ASK {}"}, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            _, stderr = process.communicate(timeout=10)
            pytest.fail(f"the server at {url} did not start: {(stderr or b'').decode()[-2000:]}")
        time.sleep(0.1)


@contextmanager
def running(command: list[str], url: str) -> Iterator[subprocess.Popen[bytes]]:
    """Start a server process, wait for ``url`` to answer, stop it afterwards."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for(url, process)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def oxigraph_read_write(folder: Path) -> Iterator[str]:
    """``oxigraph serve`` (read-write, union default graph) on a fresh store; yields its base
    URL: queries at /query, the Graph Store Protocol at /store."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [
        oxigraph(),
        "serve",
        "--location",
        str(folder),
        "--bind",
        f"127.0.0.1:{port}",
        "--union-default-graph",
    ]
    with running(command, f"{base}/query"):
        yield base


def graphs_in(query_url: str) -> dict[str, int]:
    """Triples per named graph, as the server says."""
    answer = httpx.post(
        query_url,
        data={"query": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    )
    answer.raise_for_status()
    rows = answer.json()["results"]["bindings"]
    return {r["g"]["value"]: int(r["n"]["value"]) for r in rows}


Fault = Callable[[str, int], tuple[int, dict[str, str]] | None]


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 that no authority signed, and its key (openssl)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    command = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
    command += ["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]
    subprocess.run(
        [*command, "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    return cert, key


@contextmanager
def faulty_proxy(
    upstream: str, fault: Fault, tls: tuple[Path, Path] | None = None
) -> Iterator[str]:
    """A proxy to ``upstream`` that answers with ``fault(method, n)`` (status and headers)
    instead of forwarding, where ``n`` counts the requests with a body (1, 2, 3, ...). With
    ``tls`` (certificate, key) it speaks HTTPS."""
    sent = {"n": 0}
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def _forward(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            injected = None
            if body:
                with lock:
                    sent["n"] += 1
                    injected = fault(self.command, sent["n"])
            if injected is not None:
                status, headers = injected
                message = b"injected failure"
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(message)))
                self.end_headers()
                self.wfile.write(message)
                return
            headers = {
                k: v
                for k, v in self.headers.items()
                if k.lower() not in ("host", "content-length", "connection", "authorization")
            }
            answer = httpx.request(
                self.command, upstream + self.path, content=body, headers=headers, timeout=30
            )
            self.send_response(answer.status_code)
            for name, value in answer.headers.items():
                if name.lower() not in ("content-length", "transfer-encoding", "connection"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer.content)))
            self.end_headers()
            self.wfile.write(answer.content)

        do_GET = do_PUT = do_POST = do_DELETE = _forward

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    scheme = "http"
    if tls is not None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*tls)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        scheme = "https"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"{scheme}://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def in_order(rows: list, body: str) -> list:
    """The rows, sorted when the query has no ORDER BY: then SPARQL leaves their order open."""
    return rows if re.search(r"\bORDER BY\b", body) else sorted(rows, key=repr)
