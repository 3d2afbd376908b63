"""Export the built graph in any standard RDF format, streamed from the store.

Quad formats (N-Quads, TriG, JSON-LD) keep every named graph; triple formats (Turtle,
N-Triples, RDF/XML) hold the union of the chosen graphs. Quads go from the store to the output
as they are read: no second copy of the graph is built in memory. A triple found in two graphs
is written twice in a triple format; every RDF parser reads the two as one.
"""

from __future__ import annotations

import fnmatch
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from cartkg.errors import InputError
from cartkg.paths import GRAPH_BASE


@dataclass(frozen=True)
class Format:
    name: str
    rdf: ox.RdfFormat
    extensions: tuple[str, ...]

    @property
    def has_graphs(self) -> bool:
        return self.rdf.supports_datasets


FORMATS = {
    f.name: f
    for f in (
        Format("ttl", ox.RdfFormat.TURTLE, (".ttl",)),
        Format("nt", ox.RdfFormat.N_TRIPLES, (".nt",)),
        Format("nq", ox.RdfFormat.N_QUADS, (".nq",)),
        Format("trig", ox.RdfFormat.TRIG, (".trig",)),
        Format("jsonld", ox.RdfFormat.JSON_LD, (".jsonld", ".json")),
        Format("rdfxml", ox.RdfFormat.RDF_XML, (".rdf", ".owl", ".xml")),
    )
}


def get_format(name: str | None, path: Path | None) -> Format:
    """The format named, or else the one the file extension says."""
    if name is not None:
        if name not in FORMATS:
            raise InputError(f"unknown format {name!r}: use {', '.join(FORMATS)}")
        return FORMATS[name]
    if path is None:
        raise InputError(f"give --format ({', '.join(FORMATS)}) to write to standard output")
    for fmt in FORMATS.values():
        if path.suffix.lower() in fmt.extensions:
            return fmt
    known = ", ".join(e for f in FORMATS.values() for e in f.extensions)
    raise InputError(
        f"{path}: cannot tell the format from {path.suffix!r} ({known}); give --format"
    )


def graph_key(graph: ox.NamedNode) -> str:
    """``trials/NCT06328777`` for ``https://w3id.org/cartkg/graph/trials/NCT06328777``."""
    return graph.value.removeprefix(GRAPH_BASE)


def select_graphs(store: ox.Store, patterns: Sequence[str] | None = None) -> list[ox.NamedNode]:
    """The store's named graphs in name order, or those matching ``patterns``.

    A pattern is a full graph IRI, a CURIE ``graph:trials/NCT06328777``, or a glob over the part
    after ``graph/`` (``trials/*``, ``ontology/*``, ``inferred/*``). A pattern that matches
    nothing is an error, so a typo is never a silently smaller export.
    """
    graphs = sorted(
        (g for g in store.named_graphs() if isinstance(g, ox.NamedNode)), key=lambda g: g.value
    )
    if not patterns:
        return graphs
    chosen: set[str] = set()
    for pattern in patterns:
        pattern = pattern.strip().removeprefix("<").removesuffix(">")
        pattern = pattern.removeprefix("graph:").removeprefix(GRAPH_BASE)
        matched = [
            g for g in graphs if g.value == pattern or fnmatch.fnmatch(graph_key(g), pattern)
        ]
        if not matched:
            raise InputError(
                f"no graph matches {pattern!r}; graphs are named like trials/NCT06328777, "
                "programs/rese-cel, ontology/cartkg, inferred/classes (globs such as trials/* work)"
            )
        chosen.update(g.value for g in matched)
    return [g for g in graphs if g.value in chosen]


def graph_quads(store: ox.Store, graphs: Iterable[ox.NamedNode]) -> Iterator[ox.Quad]:
    for graph in graphs:
        yield from store.quads_for_pattern(None, None, None, graph)


def write(
    store: ox.Store,
    output: BinaryIO,
    fmt: Format,
    graphs: Sequence[ox.NamedNode] | None = None,
    prefixes: dict[str, str] | None = None,
) -> None:
    """Serialize the chosen graphs (all when None) of ``store`` to ``output``, streaming."""
    prefixes = prefixes if fmt.rdf in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
    if graphs is None and fmt.has_graphs:
        store.dump(output, fmt.rdf, prefixes=prefixes)
        return
    quads = graph_quads(store, select_graphs(store) if graphs is None else graphs)
    if fmt.has_graphs:
        ox.serialize(quads, output, fmt.rdf, prefixes=prefixes)
    else:
        triples = (ox.Triple(q.subject, q.predicate, q.object) for q in quads)
        ox.serialize(triples, output, fmt.rdf, prefixes=prefixes)


def export(
    store: ox.Store,
    path: Path | None,
    fmt: Format,
    patterns: Sequence[str] | None = None,
    prefixes: dict[str, str] | None = None,
) -> None:
    """Export to ``path`` (standard output when None). A file appears whole or not at all."""
    graphs = select_graphs(store, patterns) if patterns else None
    if path is None:
        write(store, sys.stdout.buffer, fmt, graphs, prefixes)
        sys.stdout.buffer.flush()
        return
    with atomic_file(path) as output:
        write(store, output, fmt, graphs, prefixes)


@contextmanager
def atomic_file(path: Path) -> Iterator[BinaryIO]:
    """Write to a temporary file beside ``path``; rename it over ``path`` only on success."""
    if not path.parent.is_dir():
        raise InputError(f"{path}: the folder {path.parent} does not exist")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as output:
            yield output
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
