"""Assemble the graph: every Turtle file of the project in its own named graph.

The named graph is ``https://w3id.org/cartkg/graph/<kind>/<key>`` (see ``paths``), so every
triple can be traced back to the file it came from.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from cartkg.errors import RdfSyntaxError, SyntaxProblem
from cartkg.io import TurtleError, rdflib_graph, stream_turtle
from cartkg.paths import ROLES, Project, SourceFile, check_unique_graphs


@dataclass(frozen=True)
class LoadedFile:
    source: SourceFile
    triples: int


class Dataset:
    """The project's files loaded into a pyoxigraph store, one named graph per file."""

    def __init__(self, project: Project, store: ox.Store, files: Sequence[LoadedFile]):
        self.project = project
        self.store = store
        self.files = list(files)
        self._by_graph = {f.source.graph: f for f in self.files}

    @classmethod
    def load(
        cls,
        project: Project,
        store: ox.Store | None = None,
        extra: Iterable[Path] = (),
        on_file: Callable[[SourceFile], None] | None = None,
        roles: Iterable[str] = ROLES,
    ) -> Dataset:
        """Parse the project's files of ``roles`` (and ``extra`` files) into ``store``.

        The store defaults to one in memory. Every file is parsed before anything is reported,
        so one run names every syntax error; after a syntax error the store holds part of the
        files and is meant to be thrown away.
        """
        store = ox.Store() if store is None else store
        sources = project.source_files(roles)
        known = {s.path for s in sources}
        sources += [project.source_file(p) for p in extra if p.resolve() not in known]
        check_unique_graphs(sources)
        loaded = load_files(store, sources, on_file)
        return cls(project, store, loaded)

    def graph_names(self, *roles: str) -> list[ox.NamedNode]:
        """The named graphs of the files with the given roles (all files when none given)."""
        return [
            ox.NamedNode(f.source.graph) for f in self.files if not roles or f.source.role in roles
        ]

    def quads(self, *roles: str) -> Iterator[ox.Quad]:
        """Every quad of the files with the given roles."""
        for graph in self.graph_names(*roles):
            yield from self.store.quads_for_pattern(None, None, None, graph)

    def rdflib_graph(self, *roles: str) -> Graph:
        """The union of the files with the given roles, as one rdflib graph."""
        return rdflib_graph(self.quads(*roles))

    def files_describing(self, node: ox.NamedNode | ox.BlankNode) -> list[str]:
        """The files (relative paths) in which ``node`` is the subject of a triple."""
        files = set()
        for q in self.store.quads_for_pattern(node, None, None, None):
            loaded = self._by_graph.get(getattr(q.graph_name, "value", ""))
            if loaded is not None:
                files.add(loaded.source.relpath)
        return sorted(files)

    @property
    def triple_count(self) -> int:
        return sum(f.triples for f in self.files)


def load_files(
    store: ox.Store,
    sources: Sequence[SourceFile],
    on_file: Callable[[SourceFile], None] | None = None,
) -> list[LoadedFile]:
    """Parse ``sources`` into ``store``, each into its named graph; raise RdfSyntaxError naming
    every file that does not parse (the store then holds part of the files)."""
    loaded: list[LoadedFile] = []
    problems: list[SyntaxProblem] = []

    def every_quad() -> Iterator[ox.Quad]:
        # one bulk_extend over all files: pyoxigraph's loader is fastest fed one stream
        for source in sources:
            count = 0
            try:
                for quad in stream_turtle(source):
                    count += 1
                    if not problems:  # after an error, only look for more errors
                        yield quad
            except TurtleError as e:
                problems.append(e.problem)
            else:
                loaded.append(LoadedFile(source, count))
            if on_file is not None:
                on_file(source)

    store.bulk_extend(every_quad())
    if problems:
        raise RdfSyntaxError(problems)
    return loaded
