"""A dated release: the checked graph in every form a user may want, byte for byte reproducible.

``cartkg release`` builds the graph (every check must pass), stamps the ontology with
``owl:versionIRI`` and ``owl:versionInfo``, and writes into one folder: the ontology (Turtle and
RDF/XML), the whole dataset with its named graphs (TriG, N-Quads, JSON-LD), the shapes, the
stored queries, the validation report and ``SHA256SUMS``. Blank nodes get their RDFC-1.0
canonical labels and every file is sorted, so the same input gives the same bytes.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pyoxigraph as ox

from cartkg import namespaces
from cartkg.build import BuildReport, Progress, build
from cartkg.errors import InputError
from cartkg.folders import check_replaceable, write_folder
from cartkg.namespaces import GRAPH, prefix_map
from cartkg.paths import Project

OWL = str(namespaces.OWL)
RDF_TYPE = ox.NamedNode(str(namespaces.RDF.type))
VERSION_IRI = ox.NamedNode(f"{OWL}versionIRI")
VERSION_INFO = ox.NamedNode(f"{OWL}versionInfo")
RELEASES = str(namespaces.RELEASES)


@dataclass
class ReleaseReport:
    version: str
    folder: Path
    files: dict[str, str] = field(default_factory=dict)  # relative path -> SHA-256
    build: BuildReport | None = None


def check_version(version: str) -> str:
    """A release version is a date, YYYY-MM-DD."""
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", version) is None:
            raise ValueError("expected YYYY-MM-DD")
        date.fromisoformat(version)
    except ValueError as e:
        raise InputError(f"release version {version!r} is not a date YYYY-MM-DD ({e})") from None
    return version


def stamp(store: ox.Store, ontology_graph: ox.NamedNode, version: str) -> ox.NamedNode:
    """Set the ontology's version IRI and version info; returns the version IRI."""
    ontologies = [
        q.subject
        for q in store.quads_for_pattern(
            None, RDF_TYPE, ox.NamedNode(f"{OWL}Ontology"), ontology_graph
        )
    ]
    if len(ontologies) != 1:
        raise InputError(f"<{ontology_graph.value}> must declare exactly one owl:Ontology")
    ontology = ontologies[0]
    for predicate in (VERSION_IRI, VERSION_INFO):
        for q in list(store.quads_for_pattern(ontology, predicate, None, ontology_graph)):
            store.remove(q)
    version_iri = ox.NamedNode(f"{RELEASES}{version}/cartkg.ttl")
    store.add(ox.Quad(ontology, VERSION_IRI, version_iri, ontology_graph))
    store.add(ox.Quad(ontology, VERSION_INFO, ox.Literal(version), ontology_graph))
    return version_iri


def canonical_quads(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """The quads with RDFC-1.0 blank node labels, sorted: the same list for the same graph."""
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return sorted(
        dataset, key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object))
    )


def serialize(
    quads: list[ox.Quad], rdf_format: ox.RdfFormat, prefixes: dict[str, str] | None = None
) -> bytes:
    """Canonical quads as bytes; a triple format gets their union, each triple once."""
    if rdf_format.supports_datasets:
        return ox.serialize(quads, format=rdf_format, prefixes=prefixes)
    seen: set[ox.Triple] = set()
    triples = []
    for q in quads:
        triple = ox.Triple(q.subject, q.predicate, q.object)
        if triple not in seen:
            seen.add(triple)
            triples.append(triple)
    return ox.serialize(triples, format=rdf_format, prefixes=prefixes)


def release(
    project: Project,
    out: Path,
    version: str | None = None,
    progress: Progress | None = None,
) -> ReleaseReport:
    """Build, check and write a release into ``out``; the folder is replaced only on success."""
    version = check_version(version or date.today().isoformat())
    check_replaceable(out, "SHA256SUMS", "a cartkg release")
    report = build(project, None, progress=progress)  # raises BuildFailed: no release of bad data
    store = report.memory_store
    assert store is not None
    prefixes = prefix_map(project.ontology_file)
    by_role: dict[str, list[ox.NamedNode]] = {}
    for f in report.files:
        by_role.setdefault(f.source.role, []).append(ox.NamedNode(f.source.graph))
    main_graph = next(
        ox.NamedNode(f.source.graph) for f in report.files if f.source.path == project.ontology_file
    )
    stamp(store, main_graph, version)

    every = canonical_quads(store)

    def of(graphs: Iterable[ox.NamedNode]) -> list[ox.Quad]:
        names = set(graphs)
        return [q for q in every if q.graph_name in names]

    query_graphs = [g for g in store.named_graphs() if g.value.startswith(f"{GRAPH}queries/")]
    ontology = of(by_role.get("ontology", []))
    contents: dict[str, bytes] = {
        "cartkg.ttl": serialize(ontology, ox.RdfFormat.TURTLE, prefixes),
        "cartkg.owl": serialize(ontology, ox.RdfFormat.RDF_XML, prefixes),
        "cartkg-dataset.trig": serialize(every, ox.RdfFormat.TRIG, prefixes),
        "cartkg-dataset.nq": serialize(every, ox.RdfFormat.N_QUADS),
        "cartkg-dataset.jsonld": serialize(every, ox.RdfFormat.JSON_LD),
        "shapes.ttl": serialize(of(by_role.get("shapes", [])), ox.RdfFormat.TURTLE, prefixes),
        "queries.ttl": serialize(of(query_graphs), ox.RdfFormat.TURTLE, prefixes),
        "validation-report.ttl": report.validation.to_turtle().encode("utf-8")
        if report.validation is not None
        else b"",
    }
    for path in sorted(project.queries_dir.glob("*.rq")):
        contents[f"queries/{path.name}"] = path.read_bytes()

    result = ReleaseReport(version, out, build=report)
    for name, data in sorted(contents.items()):
        result.files[name] = hashlib.sha256(data).hexdigest()
    sums = "".join(f"{digest}  {name}\n" for name, digest in sorted(result.files.items()))
    contents["SHA256SUMS"] = sums.encode("ascii")
    write_folder(out, contents, "SHA256SUMS", "a cartkg release")
    return result
