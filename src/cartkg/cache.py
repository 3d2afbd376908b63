"""Results of the slow checks, kept by the digest of exactly what they checked.

The SHACL-SHACL check of the shapes and HermiT's run on the ontology with a sample of the data
give the same answer for the same input, every time: the build keeps a passing result in
``.cartkg/cache/`` of the project, named by the SHA-256 of that input, and reuses it instead of
running the check again. Only passing results are kept (a failure is worth reporting afresh),
and a change to any byte of the input changes the digest. Delete the folder to check from
scratch; nothing else reads it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path

from cartkg.paths import Project

FOLDER = Path(".cartkg") / "cache"


def digest(kind: str, parts: Iterable[bytes | str]) -> str:
    h = hashlib.sha256(kind.encode() + b"\0")
    for part in parts:
        h.update(part.encode("utf-8") if isinstance(part, str) else part)
        h.update(b"\0")
    return h.hexdigest()


def load(project: Project, key: str) -> dict | None:
    """The result kept under ``key``, or None."""
    try:
        return json.loads((project.root / FOLDER / f"{key}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def save(project: Project, key: str, value: dict) -> None:
    """Keep a result; a cache that cannot be written is no error (the check just runs again)."""
    folder = project.root / FOLDER
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".{key}.{os.getpid()}.tmp"
        tmp.write_text(json.dumps(value), encoding="utf-8")
        os.replace(tmp, folder / f"{key}.json")
