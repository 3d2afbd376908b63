"""cartkg: an open knowledge graph of engineered cell therapies in autoimmune disease.

From Python::

    import cartkg
    report = cartkg.build()                      # build into .cartkg/store
    client = cartkg.open_client()                # the embedded store
    for row in client.run_query("trials"):
        print(row.nctId, row.status)
    client.run_query("product-construct", product="CABA-201")   # parameters take names
    cartkg.search("CABA-201")[0].curie           # 'product:rese-cel'

    remote = cartkg.connect("http://127.0.0.1:7878/query")
    remote.run_query("trials")                   # same rows from an endpoint
    cartkg.export("cartkg.trig")                 # any RDF format, from the built store
    cartkg.push("http://localhost:7878/query", graph_store="http://localhost:7878/store")
    cartkg.report("site")                        # the static site: open site/index.html
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from cartkg import export as _export
from cartkg import push as _push
from cartkg.build import BuildFailed, BuildReport
from cartkg.build import build as _build
from cartkg.errors import CartkgError, CheckFailed, InputError
from cartkg.namespaces import converter, prefix_map
from cartkg.paths import Project
from cartkg.push import PushFailed, PushReport
from cartkg.queries import EmbeddedClient, EndpointClient, QueryClient
from cartkg.report import ReportSummary
from cartkg.resolve import Match
from cartkg.store import open_store

__version__ = "0.1.0"
__all__ = [
    "BuildFailed",
    "BuildReport",
    "CartkgError",
    "CheckFailed",
    "InputError",
    "Project",
    "PushFailed",
    "PushReport",
    "build",
    "connect",
    "export",
    "open_client",
    "push",
    "report",
    "search",
]


def build(
    root: Path | None = None,
    store: Path | None = None,
    memory: bool = False,
    run_reasoner: bool = True,
) -> BuildReport:
    """Build the project's graph (into .cartkg/store by default); raises BuildFailed."""
    project = Project.find(root)
    target = None if memory else (store or project.default_store)
    return _build(project, target, run_reasoner=run_reasoner)


def open_client(root: Path | None = None, store: Path | None = None) -> QueryClient:
    """A query client on the built embedded store."""
    project = Project.find(root)
    return EmbeddedClient(
        open_store(store or project.default_store),
        project.queries_dir,
        converter(project.ontology_file),
        prefix_map(project.ontology_file),
    )


def search(
    text: str,
    types: Sequence[str] | None = None,
    root: Path | None = None,
    store: Path | None = None,
    endpoint: str | None = None,
) -> list[Match]:
    """Every entity whose names match ``text``, best first: its own names, then names held
    through an aligned term, then names that start with the text, then names that contain it.
    ``types`` narrows to prefixes such as product or trial (or disease, gene, chemical)."""
    client = connect(endpoint, root) if endpoint else open_client(root, store)
    return client.search(text, list(types) if types else None)


def report(
    out: Path | str = "site",
    root: Path | None = None,
    store: Path | None = None,
    endpoint: str | None = None,
) -> ReportSummary:
    """Write the graph as a static site into ``out``, from the built store or an endpoint."""
    from cartkg.report import write_report

    project = Project.find(root)
    client = connect(endpoint, root) if endpoint else open_client(root, store)
    return write_report(client, Path(out), project.root)


def connect(endpoint: str, root: Path | None = None) -> QueryClient:
    """A query client on a SPARQL 1.1 endpoint; ``run_query`` works as on the embedded store."""
    project = Project.find(root)
    return EndpointClient(
        endpoint,
        project.queries_dir,
        converter(project.ontology_file),
        prefix_map(project.ontology_file),
    )


def export(
    path: Path | str | None = None,
    format: str | None = None,
    graphs: Sequence[str] | None = None,
    root: Path | None = None,
    store: Path | None = None,
) -> None:
    """Write the built graph to ``path`` (format from its extension, or ``format``: ttl, nt,
    nq, trig, jsonld, rdfxml); ``graphs`` picks graphs by IRI or glob such as ``trials/*``."""
    project = Project.find(root)
    target = None if path is None else Path(path)
    _export.export(
        open_store(store or project.default_store),
        target,
        _export.get_format(format, target),
        graphs,
        prefix_map(project.ontology_file),
    )


def push(
    endpoint: str,
    graph_store: str | None = None,
    auth_env: str | None = None,
    graphs: Sequence[str] | None = None,
    mode: _push.Mode = "replace",
    verify_tls: bool = True,
    root: Path | None = None,
    store: Path | None = None,
) -> PushReport:
    """Send the built graph's named graphs to a store over the Graph Store Protocol and check
    them through its SPARQL ``endpoint``; raises PushFailed naming the graphs that are missing.
    ``auth_env`` names an environment variable holding ``user:password``."""
    project = Project.find(root)
    return _push.push(
        open_store(store or project.default_store),
        endpoint,
        graph_store,
        _push.Credentials.from_env(auth_env) if auth_env else None,
        graphs,
        mode,
        verify_tls=verify_tls,
    )
