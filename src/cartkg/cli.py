"""The ``cartkg`` command line: a thin layer over the package.

Exit codes: 0 ok, 1 the data failed a check, 2 usage or input error.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rdflib.query import Result
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn
from rich.table import Table

from cartkg import docs, release, serve
from cartkg.build import BuildFailed, build
from cartkg.dataset import Dataset
from cartkg.errors import CartkgError, InputError
from cartkg.export import FORMATS, export, get_format, select_graphs
from cartkg.fmt import format_files
from cartkg.matching import match_patient, read_profile
from cartkg.matching.engine import VERDICT_ORDER
from cartkg.namespaces import converter, prefix_map
from cartkg.paths import Project
from cartkg.push import Credentials, GraphPush, push
from cartkg.queries import (
    DEFERRED,
    EmbeddedClient,
    EndpointClient,
    QueryClient,
    get_query,
    load_queries,
    parse_query,
)
from cartkg.reason import reason as run_reasoner
from cartkg.render import (
    RESULT_FORMATS,
    print_build,
    print_match,
    print_matches,
    print_overview,
    print_reasoning,
    print_validation,
    result_table,
    result_text,
)
from cartkg.report import write_report
from cartkg.shacl import validate as run_validation
from cartkg.store import open_store

app = typer.Typer(
    help="cartkg: a knowledge graph of engineered cell therapies in autoimmune disease.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# Piped output is not cut to 80 columns: a table in a file keeps its rows on one line.
_WIDTH = None if sys.stdout.isatty() else int(os.environ.get("COLUMNS") or 200)
out = Console(soft_wrap=True, width=_WIDTH)
err = Console(stderr=True, soft_wrap=True)


class _State:
    root: Path | None = None


state = _State()


@app.callback()
def main(
    root: Annotated[
        Path | None,
        typer.Option(help="Project folder (default: found upward from the current folder)."),
    ] = None,
) -> None:
    state.root = root


def _project() -> Project:
    return Project.find(state.root)


@contextmanager
def _reported() -> Iterator[None]:
    """Turn cartkg errors into a message on stderr and their exit code."""
    try:
        yield
    except BuildFailed as e:
        report = e.report
        if report.reasoning is not None and not report.reasoning.ok:
            print_reasoning(err, report.reasoning, converter(_project().ontology_file))
        if report.validation is not None and not report.validation.conforms:
            print_validation(err, report.validation, summary=True)
        err.print(str(e), style="bold red")
        raise typer.Exit(e.exit_code) from None
    except CartkgError as e:
        err.print(f"error: {e}", style="red", markup=False, highlight=False)
        raise typer.Exit(e.exit_code) from None


class _RichProgress:
    """Shows build stages: a bar for parsing, a spinner for the others."""

    def __init__(self, console: Console):
        self.bar = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=console,
            transient=True,
            disable=not console.is_terminal,
        )
        self.task = None

    def start(self, stage: str, total: int | None = None) -> None:
        self.bar.start()
        self.task = self.bar.add_task(stage, total=total)

    def advance(self) -> None:
        if self.task is not None:
            self.bar.advance(self.task)

    def finish(self, stage: str, seconds: float) -> None:
        self.bar.stop()
        if self.task is not None:
            self.bar.remove_task(self.task)
        self.task = None


StoreOption = Annotated[
    Path | None, typer.Option("--store", help="Store folder (default: .cartkg/store).")
]


@app.command("build")
def build_cmd(
    store: StoreOption = None,
    memory: Annotated[
        bool, typer.Option("--memory", help="Build in memory; store nothing.")
    ] = False,
    no_reason: Annotated[
        bool, typer.Option("--no-reason", help="Skip the HermiT consistency check.")
    ] = False,
    full: Annotated[
        bool,
        typer.Option("--full", help="Rebuild everything, even when only some data files changed."),
    ] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="List every graph.")] = False,
) -> None:
    """Load every file, reason, validate, and store the graph if every check passed.

    When a store built from the same ontology, shapes and queries exists and only data files
    changed, only those files are parsed again and only the nodes they touch are checked again.
    """
    with _reported():
        project = _project()
        target = None if memory else (store or project.default_store)
        report = build(
            project, target, run_reasoner=not no_reason, progress=_RichProgress(err), full=full
        )
        print_build(out, report, verbose)
        if report.reasoning is not None:
            print_reasoning(out, report.reasoning, converter(project.ontology_file))
        if report.validation is not None and report.validation.results:
            print_validation(out, report.validation, summary=not verbose)
        elif report.validation is not None:
            out.print("SHACL: 0 violations, 0 warnings", style="green")
        if report.stored:
            out.print(f"Stored in {target}", style="green")
        else:
            out.print("Built in memory; nothing stored", style="green")


@app.command("validate")
def validate_cmd(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Files to validate (default: all). A file outside the project is "
            "validated together with the project's graph."
        ),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text, turtle or json")] = "text",
) -> None:
    """SHACL validation of the ontology and data against the shapes."""
    with _reported():
        if fmt not in ("text", "turtle", "json"):
            raise InputError(f"unknown format {fmt!r}: use text, turtle or json")
        project = _project()
        paths = [p for p in paths or []]
        for p in paths:
            if not p.is_file():
                raise InputError(f"{p}: no such file")
        dataset = Dataset.load(project, extra=paths)
        only = [project.source_file(p) for p in paths] or None
        report = run_validation(dataset, converter(project.ontology_file), only)
        if fmt == "json":
            out.print(report.to_json(), markup=False, highlight=False)
        elif fmt == "turtle":
            out.print(report.to_turtle(), markup=False, highlight=False)
        else:
            print_validation(out, report)
        if not report.conforms:
            raise typer.Exit(1)


@app.command("reason")
def reason_cmd(
    explain: Annotated[
        bool, typer.Option(help="On inconsistency, find the individuals involved.")
    ] = True,
    strategy: Annotated[
        str,
        typer.Option(
            help="hermit (exact, slow on large graphs), rules (OWL rules on every triple, "
            "HermiT on the ontology and a sample), or auto (hermit up to 20,000 data triples)."
        ),
    ] = "auto",
) -> None:
    """Check that the ontology and data are consistent, and infer the defined classes."""
    with _reported():
        if strategy not in ("auto", "hermit", "rules"):
            raise InputError(f"--strategy must be auto, hermit or rules, not {strategy!r}")
        project = _project()
        report = run_reasoner(Dataset.load(project), explain=explain, strategy=strategy)
        print_reasoning(out, report, converter(project.ontology_file))
        if not report.ok:
            raise typer.Exit(1)


@app.command("queries")
def queries_cmd() -> None:
    """List the stored queries: slug, summary, parameters."""
    with _reported():
        table = Table(title="Stored queries")
        table.add_column("slug", style="bold")
        table.add_column("summary")
        table.add_column("parameters")
        for q in load_queries(_project().queries_dir).values():
            params = ", ".join(
                f"{p.name}: {p.type}"
                + ("" if p.required else " (optional)")
                + (f" e.g. {p.example}" if p.example else "")
                for p in q.params
            )
            table.add_row(q.slug, q.summary, params)
        out.print(table)


def _client(project: Project, store: Path | None, endpoint: str | None) -> QueryClient:
    prefixes = prefix_map(project.ontology_file)
    conv = converter(project.ontology_file)
    if endpoint:
        return EndpointClient(endpoint, project.queries_dir, conv, prefixes)
    return EmbeddedClient(
        open_store(store or project.default_store), project.queries_dir, conv, prefixes
    )


def _check_result_format(fmt: str) -> None:
    if fmt not in RESULT_FORMATS:
        raise InputError(f"unknown format {fmt!r}: use {', '.join(RESULT_FORMATS)}")


def _print_result(project: Project, result: Result, fmt: str, title: str | None) -> None:
    """A table for people; CSV, TSV, SPARQL JSON (or Turtle for CONSTRUCT) for programs."""
    if fmt == "table" and result.type != "CONSTRUCT":
        out.print(result_table(result, converter(project.ontology_file), title))
    else:
        sys.stdout.write(result_text(result, fmt))


def _parse_params(raw: list[str]) -> dict[str, str]:
    params = {}
    for item in raw:
        if "=" not in item:
            raise InputError(f"--param takes NAME=VALUE, got {item!r}")
        name, value = item.split("=", 1)
        params[name.strip()] = value
    return params


@app.command("query")
def query_cmd(
    slug: Annotated[
        str | None, typer.Argument(help="A stored query (see `cartkg queries`).")
    ] = None,
    param: Annotated[
        list[str] | None, typer.Option("--param", "-p", help="NAME=VALUE, repeatable.")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, csv, tsv or json")] = "table",
    file: Annotated[Path | None, typer.Option("--file", help="Run the query in this file.")] = None,
    endpoint: Annotated[
        str | None, typer.Option(help="Run on this SPARQL 1.1 endpoint instead of the store.")
    ] = None,
    store: StoreOption = None,
) -> None:
    """Run a stored query (or --file Q.rq) on the embedded store or an endpoint."""
    with _reported():
        _check_result_format(fmt)
        if (slug is None) == (file is None):
            raise InputError("give either a stored query's slug or --file Q.rq")
        project = _project()
        if file is not None:
            if not file.is_file():
                raise InputError(f"{file}: no such file")
            query = parse_query(file.read_text(encoding="utf-8"), file.stem, file)
        else:
            query = get_query(project.queries_dir, slug or "")
        params = _parse_params(param or [])
        # fail on bad params before opening the store (names are looked up in it after)
        query.bind(params, converter(project.ontology_file), DEFERRED)
        result = _client(project, store, endpoint).run(query, params)
        _print_result(project, result, fmt, query.summary or None)


@app.command("search")
def search_cmd(
    text: Annotated[str, typer.Argument(help="A name: a code name, INN, registry id, symbol...")],
    type_: Annotated[
        list[str] | None,
        typer.Option(
            "--type",
            "-t",
            help="Only entities of this type (repeatable): program, product, trial, "
            "organization, disease, antigen, measure, unit, ... (a prefix of the graph).",
        ),
    ] = None,
    limit: Annotated[int, typer.Option(help="Show at most this many (0: all).")] = 20,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, csv, tsv or json")] = "table",
    endpoint: Annotated[
        str | None, typer.Option(help="Search on this SPARQL 1.1 endpoint instead of the store.")
    ] = None,
    store: StoreOption = None,
) -> None:
    """Find entities by any name the graph holds: exact names first, then prefixes, then
    names that contain the text."""
    with _reported():
        _check_result_format(fmt)
        if limit < 0:
            raise InputError(f"--limit takes 0 or more, not {limit}")
        project = _project()
        matches = _client(project, store, endpoint).search(text, type_ or None)
        shown = matches[:limit] if limit else matches
        print_matches(out, shown, len(matches), fmt, text)


@app.command("match")
def match_cmd(
    profile: Annotated[Path, typer.Argument(help="A patient profile: JSON, or Turtle (.ttl).")],
    trial: Annotated[
        list[str] | None, typer.Option("--trial", help="Only this trial (repeatable): NCT id.")
    ] = None,
    status: Annotated[
        str | None, typer.Option(help="Only trials whose latest status is this (recruiting).")
    ] = None,
    country: Annotated[
        str | None, typer.Option(help="Only trials with a site in this country (code or name).")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json")] = "table",
    endpoint: Annotated[
        str | None, typer.Option(help="Match on this SPARQL 1.1 endpoint instead of the store.")
    ] = None,
    store: StoreOption = None,
) -> None:
    """Could this patient enrol? For every trial: eligible, not eligible (and why) or unknown
    (and what is missing), with a verdict per criterion."""
    with _reported():
        if fmt not in ("table", "json"):
            raise InputError(f"unknown format {fmt!r}: use table or json")
        data = read_profile(profile)
        project = _project()
        client = _client(project, store, endpoint)
        results: list = []
        patient = None
        for one in trial or [None]:
            patient, found = match_patient(client, data, one, status, country)
            results += found
        if trial and not results:
            raise InputError(f"no trial to match among {', '.join(trial)} with these filters")
        print_match(
            out,
            patient,
            sorted(results, key=lambda r: (VERDICT_ORDER[r.verdict], r.nct_id or "", r.trial)),
            fmt,
        )


@app.command("fmt")
def fmt_cmd(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Files to format (default: every .ttl file).")
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help="Only report files that are not canonical; exit 1.")
    ] = False,
) -> None:
    """Rewrite Turtle files in canonical form (checked isomorphic to the original)."""
    with _reported():
        project = _project()
        files = [p for p in paths or []] or [f.path for f in project.source_files()]
        for p in files:
            if not p.is_file():
                raise InputError(f"{p}: no such file")
        report = format_files(project, prefix_map(project.ontology_file), files, check)
        for f in report.dropped_comments:
            err.print(
                f"warning: {f} had # comments, which canonical Turtle drops: "
                "use rdfs:comment or skos:editorialNote",
                style="yellow",
            )
        if check:
            for f in report.changed:
                out.print(f"not canonical: {f}")
            if report.changed:
                out.print(f"{len(report.changed)} file(s) not canonical: run `cartkg fmt`")
                raise typer.Exit(1)
            out.print(f"{len(report.unchanged)} file(s) canonical", style="green")
        else:
            for f in report.changed:
                out.print(f"formatted {f}")
            out.print(f"{len(report.changed)} formatted, {len(report.unchanged)} already canonical")


@app.command("docs")
def docs_cmd(
    check: Annotated[
        bool,
        typer.Option(
            "--check", help="Only check the generated docs are up to date; exit 1 if not."
        ),
    ] = False,
) -> None:
    """Write the generated reference pages: docs/ontology.md from the ontology files and
    docs/queries.md from the stored queries' headers."""
    with _reported():
        project = _project()
        if check:
            behind = docs.stale(project)
            for path in behind:
                out.print(f"{path} is out of date: run `cartkg docs`")
            if behind:
                raise typer.Exit(1)
            out.print("the generated docs are up to date", style="green")
            return
        for path in docs.write(project):
            out.print(f"wrote {path.relative_to(project.root)}")


@app.command("stats")
def stats_cmd(
    store: StoreOption = None,
    endpoint: Annotated[str | None, typer.Option(help="Count on this endpoint instead.")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, csv, tsv or json")] = "table",
) -> None:
    """Counts of programs, products, trials, sites, designations, safety events and sources;
    as a table, also the trials by status and by phase and the newest trials."""
    with _reported():
        _check_result_format(fmt)
        project = _project()
        client = _client(project, store, endpoint)
        result = client.run_query("stats")
        _print_result(project, result, fmt, "cartkg")
        if fmt == "table":
            print_overview(out, client)


GraphsOption = Annotated[
    list[str] | None,
    typer.Option(
        "--graphs",
        "-g",
        help="Only these graphs: an IRI, graph:trials/NCT06328777, or a glob such as "
        "'trials/*' (repeatable; default: every graph).",
    ),
]


@app.command("export")
def export_cmd(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option("--format", "-f", help=f"{', '.join(FORMATS)} (default: from -o)."),
    ] = None,
    graphs: GraphsOption = None,
    store: StoreOption = None,
) -> None:
    """Write the built graph as RDF: named graphs in nq, trig, jsonld; their union in ttl,
    nt, rdfxml. The stored queries come along as sh:SPARQLExecutable resources."""
    with _reported():
        project = _project()
        rdf_format = get_format(fmt, output)
        source = open_store(store or project.default_store)
        export(source, output, rdf_format, graphs, prefix_map(project.ontology_file))
        if output is not None:
            err.print(f"wrote {output} ({rdf_format.name})", style="green")


@app.command("release")
def release_cmd(
    version: Annotated[
        str | None, typer.Option(help="Release date YYYY-MM-DD (default: today).")
    ] = None,
    folder: Annotated[Path, typer.Option("--out", help="Folder to write the release into.")] = Path(
        "dist"
    ),
) -> None:
    """Build and check the graph, then write a dated release with SHA256SUMS."""
    with _reported():
        report = release.release(_project(), folder, version, progress=_RichProgress(err))
        for name, digest in report.files.items():
            out.print(f"{digest[:16]}  {name}", markup=False, highlight=False)
        out.print(f"release {report.version} written to {report.folder}", style="green")


@app.command("push")
def push_cmd(
    endpoint: Annotated[
        str, typer.Option(help="The store's SPARQL query endpoint (used to check the push).")
    ],
    graph_store: Annotated[
        str | None,
        typer.Option(help="The store's Graph Store Protocol URL (default: the endpoint)."),
    ] = None,
    auth_env: Annotated[
        str | None,
        typer.Option(help="Name of an environment variable holding user:password."),
    ] = None,
    graphs: GraphsOption = None,
    replace: Annotated[
        bool,
        typer.Option("--replace/--merge", help="PUT (replace each graph) or POST (add to it)."),
    ] = True,
    insecure: Annotated[
        bool, typer.Option("--insecure", help="Do not verify TLS certificates.")
    ] = False,
    retries: Annotated[int, typer.Option(help="Retries on 5xx and connection errors.")] = 4,
    store: StoreOption = None,
) -> None:
    """Send every named graph to a triple store over the SPARQL 1.1 Graph Store Protocol."""
    with _reported():
        project = _project()
        credentials = Credentials.from_env(auth_env) if auth_env else None
        if insecure:
            err.print("warning: TLS certificates are not verified (--insecure)", style="yellow")
        source = open_store(store or project.default_store)
        progress = _RichProgress(err)
        progress.start("push", total=len(select_graphs(source, graphs)))

        def shown(g: GraphPush) -> None:
            progress.advance()
            if g.error:
                err.print(f"failed <{g.graph}>: {g.error}", markup=False, highlight=False)

        try:
            report = push(
                source,
                endpoint,
                graph_store,
                credentials,
                graphs,
                "replace" if replace else "merge",
                verify_tls=not insecure,
                retries=retries,
                on_graph=shown,
            )
        finally:
            progress.finish("push", 0)
        out.print(report.summary(), markup=False, highlight=False)


@app.command("report")
def report_cmd(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write the site into.")] = Path(
        "site"
    ),
    endpoint: Annotated[
        str | None, typer.Option(help="Write the site from this SPARQL 1.1 endpoint.")
    ] = None,
    store: StoreOption = None,
) -> None:
    """Write the graph as a static site (charts, a page per trial, program and organization,
    what changed, methods, search) that works offline: open OUT/index.html in a browser."""
    with _reported():
        project = _project()
        client = _client(project, store, endpoint)
        with err.status("Running the stored queries…") as status:
            summary = write_report(
                client, out, project.root, progress=lambda slug: status.update(f"query {slug}")
            )
        err.print(
            f"Wrote {summary.pages} pages ({summary.trials} trials, {summary.programs} programs, "
            f"{summary.organizations} organizations), {summary.files} files, "
            f"{summary.bytes / 1e6:.1f} MB into {summary.out}; the overview weighs "
            f"{summary.overview_bytes / 1e6:.2f} MB with its scripts."
        )
        out_index = summary.out / "index.html"
        err.print(f"Open {out_index} in a browser (or serve the folder with any web server).")


@app.command("serve")
def serve_cmd(
    store: StoreOption = None,
    bind: Annotated[str, typer.Option(help="HOST:PORT to listen on.")] = serve.DEFAULT_BIND,
    timeout: Annotated[int, typer.Option(help="Query timeout in seconds.")] = 60,
) -> None:
    """Serve the built store read-only as a SPARQL endpoint (/query) with a query UI (/)."""
    with _reported():
        project = _project()
        where = serve.Bind.parse(bind)
        location = store or project.default_store
        if not where.is_loopback:
            err.print(
                f"warning: binding to {where}, not loopback: anyone who can reach this "
                "machine on that port can query the graph",
                style="yellow",
            )
        command = serve.command(location, where, timeout)
        err.print(
            f"serving {location} read-only: SPARQL endpoint {where.url}/query, "
            f"query UI {where.url}/ (Ctrl-C stops)",
            markup=False,
            highlight=False,
        )
    serve.run(command)


import_app = typer.Typer(help="Import records from registries.", no_args_is_help=True)
app.add_typer(import_app, name="import")


@import_app.command("ctgov")
def import_ctgov_cmd(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            help="Saved API v2 records: a study, a search page, a list, JSON Lines, a folder "
            "of them, or - for stdin."
        ),
    ] = None,
    fetch: Annotated[
        list[str] | None, typer.Option("--fetch", help="Fetch these NCT ids from the live API.")
    ] = None,
    query: Annotated[
        str | None, typer.Option("--query", help="Search the live API and import what it finds.")
    ] = None,
    max_records: Annotated[
        int, typer.Option(help="At most this many records from --query.")
    ] = 1000,
    folder: Annotated[
        Path | None, typer.Option("--out", help="Data folder to write into (default: data/).")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print what would change; write nothing.")
    ] = False,
    accessed: Annotated[
        str | None,
        typer.Option(help="Access date YYYY-MM-DD for the sources (default: the snapshot date)."),
    ] = None,
) -> None:
    """Import ClinicalTrials.gov API v2 study records as trial files (exit 1 if any was skipped)."""
    import datetime
    import itertools

    from cartkg.ctgov import Importer, map_record, read_paths
    from cartkg.ctgov.fetch import Fetcher

    with _reported():
        if not paths and not fetch and not query:
            raise InputError("give record files (or -), --fetch NCT... or --query TERMS")
        if accessed is not None:
            try:
                datetime.date.fromisoformat(accessed)
            except ValueError:
                raise InputError(f"--accessed takes a date YYYY-MM-DD, got {accessed!r}") from None
        project = _project()
        sources = [read_paths(paths or [])]
        if fetch or query:
            fetcher = Fetcher()
            accessed = accessed or datetime.date.today().isoformat()
            if fetch:
                sources.append(fetcher.studies(fetch))
            if query:
                sources.append(fetcher.search(query, max_records=max_records))
        importer = Importer(project, map_record, folder, dry_run, accessed)

        def shown(outcome) -> None:
            out.print(f"{outcome.nct}: {outcome.action}", markup=False, highlight=False)
            for line in outcome.changes:
                out.print(f"  {line}", markup=False, highlight=False)
            for line in outcome.notes:
                err.print(f"  note: {line}", markup=False, highlight=False)
            if dry_run and outcome.diff:
                out.print(outcome.diff, markup=False, highlight=False, end="")

        report = importer.run(itertools.chain.from_iterable(sources), shown)
        for problem in report.skipped:
            err.print(f"skipped: {problem}", markup=False, highlight=False)
        verb = "would write" if dry_run else "wrote"
        out.print(
            f"{len(report.imported)} imported, {len(report.skipped)} skipped; "
            f"{verb} {len(report.written) if not dry_run else 'no'} files",
            markup=False,
            highlight=False,
        )
        if report.skipped:
            raise typer.Exit(1)


@import_app.command("snapshot")
def import_snapshot_cmd(
    folder: Annotated[
        Path | None,
        typer.Argument(
            help="A monitor's snapshot folder (trials.csv, sites.csv, history.csv, products.csv, "
            "excluded.csv, provenance.json); default: the repository's registry/monitor/."
        ),
    ] = None,
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Data folder to write into (default: data/).")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print what would change; write nothing.")
    ] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Print every trial, also unchanged ones.")
    ] = False,
) -> None:
    """Import a registry snapshot: every trial with its sites and history, and the named
    products (exit 1 if any row was skipped)."""
    from cartkg.snapshot import import_snapshot

    with _reported():
        project = _project()
        if folder is not None and not folder.is_dir():
            raise InputError(f"{folder}: no such folder (a snapshot is a folder of CSV files)")
        actions: dict[str, int] = {}

        def shown(outcome) -> None:
            actions[outcome.action] = actions.get(outcome.action, 0) + 1
            if outcome.action == "unchanged" and not verbose:
                return
            out.print(f"{outcome.nct}: {outcome.action}", markup=False, highlight=False)
            for line in outcome.changes:
                out.print(f"  {line}", markup=False, highlight=False)
            if verbose:
                for line in outcome.notes:
                    err.print(f"  note: {line}", markup=False, highlight=False)
            if dry_run and outcome.diff:
                out.print(outcome.diff, markup=False, highlight=False, end="")

        report = import_snapshot(project, folder, out_dir, dry_run, shown)
        for nct, reason in report.excluded:
            out.print(f"excluded: {nct}: {reason}", markup=False, highlight=False)
        for nct, why in report.not_imported:
            out.print(f"not imported: {nct}: {why}", markup=False, highlight=False)
        for problem in report.skipped:
            err.print(f"skipped: {problem}", markup=False, highlight=False)
        trials = ", ".join(f"{n} {a}" for a, n in sorted(actions.items())) or "none"
        verb = "would write" if dry_run else "wrote"
        out.print(
            f"snapshot {report.snapshot or '(unread)'}: trials {trials}; "
            f"{len(report.excluded)} excluded by registry/scope.tsv, "
            f"{report.monitor_excluded} excluded by the monitor itself; products "
            f"{len(report.products_new)} new, {len(report.products_updated)} updated, "
            f"{report.products_unchanged} unchanged; {len(report.skipped)} rows skipped; "
            f"{verb} {report.trials.files if not dry_run else 'no'} files",
            markup=False,
            highlight=False,
        )
        if not report.ok:
            raise typer.Exit(1)


compare_app = typer.Typer(
    help="Compare the graph with another project's reading.", no_args_is_help=True
)
app.add_typer(compare_app, name="compare")


@compare_app.command("monitor")
def compare_monitor_cmd(
    store: StoreOption = None,
    folder: Annotated[
        Path | None,
        typer.Option(help="The monitor's snapshot folder (default: registry/monitor/)."),
    ] = None,
    all_: Annotated[
        bool, typer.Option("--all", help="List the explained disagreements too.")
    ] = False,
) -> None:
    """Trials whose target antigens or cell sources in the graph differ from the monitor's
    classification (exit 1 if any is not explained by a claim citing it)."""
    from cartkg.snapshot import DEFAULT_FOLDER
    from cartkg.snapshot.compare import disagreements

    with _reported():
        project = _project()
        found = disagreements(
            _client(project, store, None), folder or project.root / DEFAULT_FOLDER
        )
        shown = [d for d in found if all_ or not d.explained]
        table = Table(title="The graph and the monitor's classification disagree")
        for column in ("trial", "what", "monitor", "graph", "explained"):
            table.add_column(column)
        for d in shown:
            table.add_row(d.nct, d.what, d.monitor, d.graph, "yes" if d.explained else "no")
        if shown:
            out.print(table)
        unexplained = sum(not d.explained for d in found)
        out.print(
            f"{len(found)} disagreement(s), {unexplained} not explained",
            style="green" if not unexplained else "bold red",
        )
        if unexplained:
            raise typer.Exit(1)
