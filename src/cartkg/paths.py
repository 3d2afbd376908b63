"""Where things live in a cartkg project, and which named graph each file is loaded into."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cartkg.errors import InputError
from cartkg.namespaces import GRAPH

GRAPH_BASE = str(GRAPH)
ROLES = ("ontology", "data", "shapes")
ONTOLOGY_FILE = Path("ontology") / "cartkg.ttl"
QUERIES_DIR = Path("queries")
DEFAULT_STORE = Path(".cartkg") / "store"
ROOT_ENV = "CARTKG_ROOT"


@dataclass(frozen=True)
class SourceFile:
    """A Turtle file of the project and the named graph it is loaded into.

    ``role`` is the top folder (ontology, data, shapes) or ``extra`` for a file outside the
    project; ``kind`` is the folder right under it (``programs``, ``vocab``), or the role itself
    for a file at the top; ``key`` is the file stem.
    """

    path: Path
    relpath: str
    role: str
    kind: str
    key: str

    @property
    def graph(self) -> str:
        return f"{GRAPH_BASE}{self.kind}/{self.key}"


@dataclass(frozen=True)
class Project:
    """A checkout of the cartkg repository (or any folder laid out like one)."""

    root: Path

    def __post_init__(self) -> None:
        # graph names come from paths relative to the root, so the root must be absolute
        object.__setattr__(self, "root", Path(self.root).resolve())

    @classmethod
    def find(cls, start: Path | None = None) -> Project:
        """The project containing ``start`` (default: $CARTKG_ROOT, else the current folder)."""
        if start is None:
            start = Path(os.environ.get(ROOT_ENV) or Path.cwd())
        start = start.resolve()
        for folder in (start, *start.parents):
            if (folder / ONTOLOGY_FILE).is_file():
                return cls(folder)
        raise InputError(
            f"no cartkg project at or above {start}: expected a folder with {ONTOLOGY_FILE} "
            f"(run from a checkout, or pass --root / set {ROOT_ENV})"
        )

    @property
    def ontology_file(self) -> Path:
        return self.root / ONTOLOGY_FILE

    @property
    def queries_dir(self) -> Path:
        return self.root / QUERIES_DIR

    @property
    def default_store(self) -> Path:
        return self.root / DEFAULT_STORE

    def source_files(self, roles: Iterable[str] = ROLES) -> list[SourceFile]:
        """Every Turtle file under the given top folders, in a stable order."""
        files = []
        for role in roles:
            folder = self.root / role
            if folder.is_dir():
                # under the resolved root already: no need to resolve each of 15k paths
                files.extend(self._describe(p) for p in sorted(folder.rglob("*.ttl")))
        check_unique_graphs(files)
        return files

    def source_file(self, path: Path) -> SourceFile:
        """Describe ``path``; a file outside ontology/, data/ and shapes/ is an ``extra`` file."""
        return self._describe(path.resolve())

    def _describe(self, path: Path) -> SourceFile:
        try:
            rel = path.relative_to(self.root)
        except ValueError:
            rel = None
        if rel is not None and len(rel.parts) >= 2 and rel.parts[0] in ROLES:
            role = rel.parts[0]
            kind = rel.parts[1] if len(rel.parts) > 2 else role
            return SourceFile(path, rel.as_posix(), role, kind, path.stem)
        shown = rel.as_posix() if rel is not None else str(path)
        return SourceFile(path, shown, "extra", "extra", path.stem)


def check_unique_graphs(files: Iterable[SourceFile]) -> None:
    """Two files must never land in the same named graph."""
    seen: dict[str, str] = {}
    for f in files:
        if f.graph in seen:
            raise InputError(
                f"{f.relpath} and {seen[f.graph]} would both be loaded into <{f.graph}>: "
                "rename one (the graph is named after the folder and the file stem)"
            )
        seen[f.graph] = f.relpath
