"""What a built store was built from, so that the next build redoes only what changed.

The manifest lies in the store folder (``cartkg-manifest.json``). It holds a digest of
everything a change to which calls for a full build (the ontology, vocabularies and imports, the
shapes, the stored queries, the cartkg version and the build options) and, for every data file,
the SHA-256 of its bytes and its triple count.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

from cartkg.dataset import LoadedFile
from cartkg.paths import Project, SourceFile

MANIFEST = "cartkg-manifest.json"
FORMAT = 1


def file_digest(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def schema_digest(project: Project, options: dict[str, object]) -> str:
    """One digest of what every check and inference depends on, besides the data."""
    digest = hashlib.sha256(json.dumps([FORMAT, version("cartkg"), options]).encode())
    schema = project.source_files(("ontology", "shapes"))
    queries = sorted(project.queries_dir.glob("*.rq")) if project.queries_dir.is_dir() else []
    for path, name in [(s.path, s.relpath) for s in schema] + [(q, q.name) for q in queries]:
        digest.update(name.encode() + b"\0" + file_digest(path).encode() + b"\0")
    return digest.hexdigest()


@dataclass(frozen=True)
class Entry:
    sha256: str
    triples: int


@dataclass
class Manifest:
    schema: str
    files: dict[str, Entry] = field(default_factory=dict)  # data files by relative path

    @classmethod
    def of(cls, schema: str, loaded: Iterable[LoadedFile], digests: dict[str, str]) -> Manifest:
        return cls(
            schema,
            {
                f.source.relpath: Entry(digests[f.source.relpath], f.triples)
                for f in loaded
                if f.source.role == "data"
            },
        )

    def write(self, folder: Path) -> None:
        data = {
            "format": FORMAT,
            "schema": self.schema,
            "files": {k: [e.sha256, e.triples] for k, e in sorted(self.files.items())},
        }
        (folder / MANIFEST).write_text(json.dumps(data, indent=0) + "\n", encoding="utf-8")

    @classmethod
    def read(cls, folder: Path) -> Manifest | None:
        """The manifest of a built store, or None when there is none (or it cannot be read)."""
        try:
            data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
            if data.get("format") != FORMAT:
                return None
            files = {k: Entry(str(v[0]), int(v[1])) for k, v in data["files"].items()}
            return cls(str(data["schema"]), files)
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            return None


@dataclass
class Changes:
    """The data files that differ from a manifest."""

    changed: list[SourceFile]  # new or edited
    removed: list[str]  # relative paths no longer there
    unchanged: list[SourceFile]

    @property
    def any(self) -> bool:
        return bool(self.changed or self.removed)


def compare(previous: Manifest, data_files: list[SourceFile], digests: dict[str, str]) -> Changes:
    changed, unchanged = [], []
    for f in data_files:
        entry = previous.files.get(f.relpath)
        (unchanged if entry is not None and entry.sha256 == digests[f.relpath] else changed).append(
            f
        )
    present = {f.relpath for f in data_files}
    removed = sorted(k for k in previous.files if k not in present)
    return Changes(changed, removed, unchanged)
