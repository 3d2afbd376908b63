"""Serve the built store as a read-only SPARQL 1.1 Protocol endpoint, with Oxigraph's query UI.

The server is Oxigraph's own (``oxigraph serve-read-only``, from the ``oxigraph`` package): it
answers queries at ``/query`` and offers YASGUI at ``/``; it has no update or Graph Store
write route. Queries see the union of the named graphs as their default graph, as on the
embedded store, so the stored queries run unchanged.
"""

from __future__ import annotations

import ipaddress
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from cartkg.errors import InputError
from cartkg.store import hold_for_serving

DEFAULT_BIND = "127.0.0.1:7878"


def oxigraph_binary() -> str:
    """The ``oxigraph`` server installed beside this Python, or else on the PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.is_file() else shutil.which("oxigraph")
    if not found:
        raise InputError("the Oxigraph server is not installed: pip install oxigraph")
    return found


@dataclass(frozen=True)
class Bind:
    host: str
    port: int

    @classmethod
    def parse(cls, text: str) -> Bind:
        """``host:port``, ``[ipv6]:port`` or ``:port`` (loopback)."""
        host, sep, port = text.rpartition(":")
        if not sep or not port.isdigit() or not 0 < int(port) < 65536:
            raise InputError(f"--bind takes HOST:PORT such as {DEFAULT_BIND}, got {text!r}")
        return cls(host.strip("[]") or "127.0.0.1", int(port))

    @property
    def is_loopback(self) -> bool:
        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False

    def __str__(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::") else self.host
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.port}"


def command(store: Path, bind: Bind, timeout_s: int) -> list[str]:
    """The Oxigraph command line that serves ``store`` read-only."""
    if not store.is_dir():
        raise InputError(f"no built store at {store}: run `cartkg build` first")
    if timeout_s <= 0:
        raise InputError(f"--timeout must be a positive number of seconds, got {timeout_s}")
    return [
        oxigraph_binary(),
        "serve-read-only",
        "--location",
        str(store.resolve()),
        "--bind",
        str(bind),
        "--union-default-graph",
        "--timeout-s",
        str(timeout_s),
    ]


def run(command: list[str]) -> NoReturn:
    """Become the server: exec it in place of this process, so that signals (Ctrl-C, a
    service manager's TERM) reach it directly and no orphan is left behind. The served folder
    stays locked against deletion by a rebuild for as long as the server runs."""
    hold_for_serving(Path(command[command.index("--location") + 1]))
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(command[0], command)
