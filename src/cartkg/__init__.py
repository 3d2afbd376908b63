"""cartkg: an open knowledge graph of engineered cell therapies in autoimmune disease.

From Python::

    import cartkg
    report = cartkg.build()                      # build into .cartkg/store
    client = cartkg.open_client()                # the embedded store
    for row in client.run_query("trials"):
        print(row.nctId, row.status)
    remote = cartkg.connect("http://127.0.0.1:7878/query")
    remote.run_query("trials")                   # same rows from an endpoint
"""

from __future__ import annotations

from pathlib import Path

from cartkg.build import BuildFailed, BuildReport
from cartkg.build import build as _build
from cartkg.errors import CartkgError, CheckFailed, InputError
from cartkg.namespaces import converter, prefix_map
from cartkg.paths import Project
from cartkg.queries import EmbeddedClient, EndpointClient, QueryClient
from cartkg.store import open_store

__version__ = "0.1.0"
__all__ = [
    "BuildFailed",
    "BuildReport",
    "CartkgError",
    "CheckFailed",
    "InputError",
    "Project",
    "build",
    "connect",
    "open_client",
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


def connect(endpoint: str, root: Path | None = None) -> QueryClient:
    """A query client on a SPARQL 1.1 endpoint; ``run_query`` works as on the embedded store."""
    project = Project.find(root)
    return EndpointClient(
        endpoint,
        project.queries_dir,
        converter(project.ontology_file),
        prefix_map(project.ontology_file),
    )
