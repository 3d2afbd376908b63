"""cartkg: an open knowledge graph of engineered cell therapies in autoimmune disease.

From Python, after ``make run`` (which builds the graph into ``.cartkg/store``)::

    >>> import cartkg
    >>> client = cartkg.open_client()               # the embedded store
    >>> rows = client.run_query("trials")
    >>> len(rows) > 300
    True
    >>> row = next(iter(client.run_query("product-construct", product="CABA-201")))
    >>> str(row.targetAntigens)                      # parameters take the names people use
    'CD19'
    >>> cartkg.search("CABA-201")[0].curie
    'product:rese-cel'

The same calls work on any SPARQL 1.1 endpoint that holds the graph (``cartkg.connect``), and
``build``, ``export``, ``push``, ``match`` and ``report`` do from Python what the commands of
the same names do. Everything else in the package is internal and may change.
"""

from collections.abc import Sequence as _Sequence
from pathlib import Path as _Path
from typing import Any as _Any

from cartkg import export as _export
from cartkg import push as _push
from cartkg.build import BuildFailed, BuildReport
from cartkg.build import build as _build
from cartkg.errors import CartkgError, CheckFailed, InputError
from cartkg.namespaces import converter as _converter
from cartkg.namespaces import prefix_map as _prefix_map
from cartkg.paths import Project
from cartkg.push import PushFailed, PushReport
from cartkg.queries import EmbeddedClient as _EmbeddedClient
from cartkg.queries import EndpointClient as _EndpointClient
from cartkg.queries import QueryClient
from cartkg.report import ReportSummary
from cartkg.resolve import Match
from cartkg.store import open_store as _open_store

__version__ = "0.1.0"
__all__ = [
    "BuildFailed",
    "BuildReport",
    "CartkgError",
    "CheckFailed",
    "InputError",
    "Match",
    "Project",
    "PushFailed",
    "PushReport",
    "QueryClient",
    "ReportSummary",
    "build",
    "connect",
    "export",
    "match",
    "open_client",
    "push",
    "report",
    "search",
]


def build(
    root: _Path | None = None,
    store: _Path | None = None,
    memory: bool = False,
    run_reasoner: bool = True,
) -> BuildReport:
    """Build the project's graph (into .cartkg/store by default); raises BuildFailed.

    >>> built = cartkg.build(memory=True, run_reasoner=False)   # checks, keeps nothing
    >>> built.validation.conforms
    True
    """
    project = Project.find(root)
    target = None if memory else (store or project.default_store)
    return _build(project, target, run_reasoner=run_reasoner)


def open_client(root: _Path | None = None, store: _Path | None = None) -> QueryClient:
    """A query client on the built embedded store.

    >>> client = cartkg.open_client()
    >>> counts = {str(r["kind"]): int(r["count"]) for r in client.run_query("stats")}
    >>> counts["trials"] > 300 and counts["programs"] > 40
    True
    """
    project = Project.find(root)
    return _EmbeddedClient(
        _open_store(store or project.default_store),
        project.queries_dir,
        _converter(project.ontology_file),
        _prefix_map(project.ontology_file),
    )


def search(
    text: str,
    types: _Sequence[str] | None = None,
    root: _Path | None = None,
    store: _Path | None = None,
    endpoint: str | None = None,
) -> list[Match]:
    """Every entity whose names match ``text``, best first: its own names, then names held
    through an aligned term, then names that start with the text, then names that contain it.
    ``types`` narrows to prefixes such as product or trial (or disease, gene, chemical).

    >>> [m.curie for m in cartkg.search("RESET-SSc", types=["trial"])]
    ['trial:NCT06328777']
    """
    client = connect(endpoint, root) if endpoint else open_client(root, store)
    return client.search(text, list(types) if types else None)


def report(
    out: _Path | str = "site",
    root: _Path | None = None,
    store: _Path | None = None,
    endpoint: str | None = None,
) -> ReportSummary:
    """Write the graph as a static site into ``out``, from the built store or an endpoint;
    open ``out/index.html`` in a browser.

    >>> summary = cartkg.report(site_folder)
    >>> summary.trials > 300 and summary.overview_bytes < 3_000_000
    True
    >>> (site_folder / "programs" / "rese-cel.html").is_file()
    True
    """
    from cartkg.report import write_report

    project = Project.find(root)
    client = connect(endpoint, root) if endpoint else open_client(root, store)
    return write_report(client, _Path(out), project.root)


def connect(endpoint: str, root: _Path | None = None) -> QueryClient:
    """A query client on a SPARQL 1.1 endpoint; ``run_query`` works as on the embedded store.

    >>> remote = cartkg.connect(f"{server}/query")       # a store that holds the graph
    >>> len(remote.run_query("trials")) == len(cartkg.open_client().run_query("trials"))
    True
    """
    project = Project.find(root)
    return _EndpointClient(
        endpoint,
        project.queries_dir,
        _converter(project.ontology_file),
        _prefix_map(project.ontology_file),
    )


def export(
    path: _Path | str | None = None,
    format: str | None = None,
    graphs: _Sequence[str] | None = None,
    root: _Path | None = None,
    store: _Path | None = None,
) -> None:
    """Write the built graph to ``path`` (format from its extension, or ``format``: ttl, nt,
    nq, trig, jsonld, rdfxml); ``graphs`` picks graphs by IRI or glob such as ``trials/*``.

    >>> cartkg.export(scratch / "seed.ttl", graphs=["trials/NCT06328777"])
    >>> "RESET-SSc" in (scratch / "seed.ttl").read_text()
    True
    """
    project = Project.find(root)
    target = None if path is None else _Path(path)
    _export.export(
        _open_store(store or project.default_store),
        target,
        _export.get_format(format, target),
        graphs,
        _prefix_map(project.ontology_file),
    )


def push(
    endpoint: str,
    graph_store: str | None = None,
    auth_env: str | None = None,
    graphs: _Sequence[str] | None = None,
    mode: _push.Mode = "replace",
    verify_tls: bool = True,
    root: _Path | None = None,
    store: _Path | None = None,
) -> PushReport:
    """Send the built graph's named graphs to a store over the Graph Store Protocol and check
    them through its SPARQL ``endpoint``; raises PushFailed naming the graphs that are missing.
    ``auth_env`` names an environment variable holding ``user:password``.

    >>> pushed = cartkg.push(f"{server}/query", graph_store=f"{server}/store")
    >>> pushed.missing
    []
    """
    project = Project.find(root)
    return _push.push(
        _open_store(store or project.default_store),
        endpoint,
        graph_store,
        _push.Credentials.from_env(auth_env) if auth_env else None,
        graphs,
        mode,
        verify_tls=verify_tls,
    )


def match(
    profile: _Path | str | dict[str, _Any],
    trial: str | None = None,
    status: str | None = None,
    country: str | None = None,
    root: _Path | None = None,
    store: _Path | None = None,
    endpoint: str | None = None,
) -> list[_Any]:
    """Could this patient enrol? A verdict per trial (eligible, not eligible, unknown), each
    with a verdict per criterion. ``profile`` is a profile file (JSON or Turtle) or its JSON as
    a dict; ``trial``, ``status`` and ``country`` narrow the trials.

    >>> [(r.nct_id, r.verdict) for r in cartkg.match("examples/patient-ssc.json",
    ...                                              trial="NCT06328777")]
    [('NCT06328777', 'eligible')]
    """
    from cartkg.matching import check, match_patient, read_profile

    data = check(profile, "profile") if isinstance(profile, dict) else read_profile(_Path(profile))
    client = connect(endpoint, root) if endpoint else open_client(root, store)
    return match_patient(client, data, trial, status, country)[1]
