"""A real, throwaway Virtuoso server for tests (Debian's virtuoso-opensource 7).

    with running_virtuoso(tmp_path) as virtuoso:
        httpx.put(virtuoso.graph_store_url, params={"graph-uri": iri}, content=turtle,
                  headers={"Content-Type": "text/turtle"}, auth=virtuoso.auth)
        cartkg.connect(virtuoso.sparql_url).run_query("trials")

The server listens on two free loopback ports and keeps every file in the given folder. The
fresh database's dba account may already write through the Graph Store Protocol (digest auth),
so nothing is granted at startup. /sparql answers over every graph, Virtuoso's own system graphs
(virtrdf#, ldp#, localuriqaserver) included.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

USER = "dba"
PASSWORD = "dba"  # what a freshly created database gives the dba account
START_SECONDS = 60.0
STOP_SECONDS = 20.0
LOG_LINES = 30

INI = """\
[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DirsAllowed = {folder}
CaseMode = 2
NumberOfBuffers = 4000
MaxDirtyBuffers = 3000
IndexTreeMaps = 8
MaxQueryMem = 256M
ThreadsPerQuery = 2
AsyncQueueMaxThreads = 4
MaxClientConnections = 8

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {folder}/www
ServerThreads = 8
MaxClientConnections = 8
Charset = UTF-8
"""


@dataclass(frozen=True)
class Virtuoso:
    """A running server: its SPARQL endpoints and the account that may write to them."""

    sparql_url: str
    graph_store_url: str
    user: str
    password: str

    @property
    def auth(self) -> httpx.DigestAuth:
        """Digest credentials for the graph store endpoint."""
        return httpx.DigestAuth(self.user, self.password)


@contextmanager
def running_virtuoso(folder: Path) -> Iterator[Virtuoso]:
    """Start a fresh Virtuoso with its database in ``folder``; stop it on exit.

    Raises RuntimeError, with the tail of the server's log, if it cannot start.
    """
    binary = shutil.which("virtuoso-t")
    if binary is None:
        raise RuntimeError(
            "virtuoso-t is not on PATH: install Virtuoso (apt-get install virtuoso-opensource)"
        )
    folder = folder.resolve()
    (folder / "www").mkdir(parents=True, exist_ok=True)  # an empty web root: serve no files
    sql_port, http_port = _free_ports(2)
    ini = folder / "virtuoso.ini"
    ini.write_text(
        INI.format(folder=folder, sql_port=sql_port, http_port=http_port), encoding="utf-8"
    )
    base = f"http://127.0.0.1:{http_port}"
    virtuoso = Virtuoso(f"{base}/sparql", f"{base}/sparql-graph-crud-auth", USER, PASSWORD)
    with ExitStack() as stack:
        console = stack.enter_context((folder / "console.log").open("wb"))
        server = subprocess.Popen(
            [binary, "+foreground", "+configfile", str(ini)],
            cwd=folder,
            stdin=subprocess.DEVNULL,
            stdout=console,
            stderr=subprocess.STDOUT,
        )
        stack.callback(_stop, server)
        _wait_until_up(server, virtuoso.sparql_url, folder)
        yield virtuoso


def _free_ports(count: int) -> list[int]:
    """Distinct TCP ports that are free on 127.0.0.1 right now."""
    with ExitStack() as stack:
        sockets = [stack.enter_context(socket.socket()) for _ in range(count)]
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]


def _wait_until_up(server: subprocess.Popen[bytes], sparql_url: str, folder: Path) -> None:
    """Return once the endpoint answers a query; raise RuntimeError if it never does."""
    deadline = time.monotonic() + START_SECONDS
    while True:
        try:
            answer = httpx.get(sparql_url, params={"query": "ASK {}"}, timeout=2)
            if answer.status_code == 200:
                return
        except httpx.TransportError:
            pass
        if server.poll() is not None:
            reason = f"virtuoso-t exited with status {server.returncode}"
            break
        if time.monotonic() > deadline:
            reason = f"{sparql_url} did not answer within {START_SECONDS:.0f} s"
            break
        time.sleep(0.2)
    raise RuntimeError(f"Virtuoso did not start: {reason}\n{_log_tail(folder)}")


def _log_tail(folder: Path) -> str:
    """The last lines of the server's log, or of its console output before the log opened."""
    for name in ("virtuoso.log", "console.log"):
        path = folder / name
        if path.is_file() and path.stat().st_size:
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
            return f"--- last lines of {path}:\n" + "\n".join(lines[-LOG_LINES:])
    return f"(no log in {folder})"


def _stop(server: subprocess.Popen[bytes]) -> None:
    """Ask the server to shut down, and kill it if it takes too long."""
    if server.poll() is not None:
        return
    server.terminate()
    try:
        server.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
