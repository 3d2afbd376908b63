"""How results look: rich tables for people, CSV / TSV / SPARQL JSON for programs."""

from __future__ import annotations

import csv
import json
import sys
from collections import Counter
from io import BytesIO
from typing import Any

import curies
from rdflib.query import Result
from rich.columns import Columns
from rich.console import Console
from rich.table import Table

from cartkg.build import BuildReport
from cartkg.io import from_rdflib
from cartkg.namespaces import show_term
from cartkg.queries import QueryClient
from cartkg.reason import ReasonReport
from cartkg.resolve import Match
from cartkg.shacl import ValidationReport, ValidationResult

RESULT_FORMATS = ("table", "csv", "tsv", "json")
_STYLE = {"Violation": "bold red", "Warning": "yellow", "Info": "cyan"}


def result_text(result: Result, fmt: str) -> str:
    """A query result as CSV, TSV or SPARQL JSON (the W3C result formats)."""
    if result.type == "CONSTRUCT":
        return result.graph.serialize(format="longturtle", canon=True)
    if fmt == "tsv":
        if result.type == "ASK":
            return "true\n" if result.askAnswer else "false\n"
        lines = ["\t".join(f"?{v}" for v in result.vars)]
        for row in result:
            lines.append("\t".join("" if t is None else str(from_rdflib(t)) for t in row))
        return "\n".join(lines) + "\n"
    buffer = BytesIO()
    result.serialize(buffer, format="json" if fmt == "json" else "csv", encoding="utf-8")
    return buffer.getvalue().decode("utf-8")


def result_table(result: Result, converter: curies.Converter, title: str | None = None) -> Table:
    if result.type == "ASK":
        table = Table(title=title)
        table.add_column("answer")
        table.add_row("yes" if result.askAnswer else "no")
        return table
    table = Table(title=title, show_lines=False)
    for var in result.vars:
        table.add_column(str(var), overflow="fold")
    for row in result:
        table.add_row(*(show_term(t, converter) for t in row))
    table.caption = f"{len(result)} row{'s' if len(result) != 1 else ''}"
    return table


LISTED_WARNINGS = 20  # a build lists this many warnings at most; beyond, a count per shape


def print_validation(console: Console, report: ValidationReport, summary: bool = False) -> None:
    """The report grouped by file, then focus node: shape, path, message, severity. With
    ``summary`` (a build), violations are listed and many warnings are counted per shape."""
    warnings = [r for r in report.results if r.severity != "Violation"]
    if summary and len(warnings) > LISTED_WARNINGS:
        _print_results(console, [r for r in report.results if r.severity == "Violation"])
        counts = Counter((r.severity, r.shape_name, r.path) for r in warnings)
        table = Table(title=f"{len(warnings)} warnings by check (cartkg validate lists each)")
        for column in ("count", "severity", "check"):
            table.add_column(column, justify="right" if column == "count" else "left")
        for (severity, name, path), n in counts.most_common():
            table.add_row(str(n), severity, f"{name} ({path})" if path else name)
        console.print(table)
    else:
        _print_results(console, report.results)
    console.print(
        f"{report.violations} violation(s), {report.warnings} warning(s)"
        + (" - conforms" if report.conforms else " - does not conform"),
        style="green" if report.conforms else "bold red",
    )


def _print_results(console: Console, results: list[ValidationResult]) -> None:
    grouped = ValidationReport(results).by_file()
    for file, nodes in grouped.items():
        console.print(f"[bold]{file}[/bold]")
        for node, results in nodes.items():
            console.print(f"  {node}", markup=False, highlight=False)
            for r in results:
                style = _STYLE.get(r.severity, "")
                where = f" ({r.path})" if r.path else ""
                value = f" [value: {r.value}]" if r.value else ""
                console.print(f"    [{style}]{r.severity}[/{style}] ", end="")
                console.print(
                    f"{r.shape_name}{where}: {r.message}{value}", markup=False, highlight=False
                )


def print_reasoning(console: Console, report: ReasonReport, converter: curies.Converter) -> None:
    how = {
        "hermit": f"HermiT, {report.runs} run(s)",
        "rules": f"OWL rules on every triple; HermiT on the ontology and a sample of "
        f"{report.sampled_triples} data triples, "
        + (
            "its passing result on this very sample kept from an earlier build"
            if report.cached
            else f"{report.runs} run(s)"
        ),
        "focus": "OWL rules on the changed nodes",
    }[report.strategy]
    if report.why:
        console.print(f"Reasoner: {report.why}", markup=False, highlight=False)
    if report.consistent:
        console.print(f"Consistent ({how}, {report.seconds:.1f} s)", style="green")
    else:
        console.print(f"The ontology and data are INCONSISTENT ({how})", style="bold red")
        if report.explained and not report.culprits:
            console.print("  the ontology files alone are inconsistent")
        for c in report.culprits:
            types = ", ".join(converter.compress(t) or t for t in c.types) or "no asserted type"
            files = ", ".join(c.files)
            why = f": {c.why}" if c.why else ""
            console.print(f"  {converter.compress(c.iri) or c.iri} ({types}) in {files}{why}")
        if not report.explained:
            console.print(
                "  (the individuals involved could not be narrowed down in "
                f"{report.runs} reasoner runs)"
            )
    for cls in report.unsatisfiable:
        console.print(f"  unsatisfiable class: {converter.compress(cls) or cls}", style="bold red")
    if report.profile_violations:
        console.print(
            f"OWL 2 DL profile: {len(report.profile_violations)} violation(s)", style="bold red"
        )
        for violation in report.profile_violations:
            console.print(f"  {violation}", markup=False, highlight=False)
    elif report.profile_checked:
        console.print("OWL 2 DL profile: in profile", style="green")
    if report.profile_note:
        console.print(f"  {report.profile_note}", style="yellow")
    if report.inferred:
        kinds = Counter(converter.compress(p) or p for _, p, _ in report.inferred)
        summary = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
        console.print(f"  inferred: {summary}")


def print_build(console: Console, report: BuildReport, verbose: bool = False) -> None:
    """Files and triples per graph, counts, checks and seconds per stage."""
    files = report.files
    by_kind: Counter[str] = Counter()
    triples_by_kind: Counter[str] = Counter()
    for f in files:
        by_kind[f.source.kind] += 1
        triples_by_kind[f.source.kind] += f.triples
    table = Table(title="Graphs")
    table.add_column("named graph")
    table.add_column("file")
    table.add_column("triples", justify="right")
    if verbose or len(files) <= 30:
        for f in files:
            table.add_row(f"graph:{f.source.kind}/{f.source.key}", f.source.relpath, str(f.triples))
    else:
        for kind in sorted(by_kind):
            table.add_row(f"graph:{kind}/*", f"{by_kind[kind]} files", str(triples_by_kind[kind]))
    if report.reasoning is not None:
        hermit = report.reasoning.strategy == "hermit"
        table.add_row(
            "graph:inferred/classes",
            "(HermiT)" if hermit else "(OWL rules)",
            str(len(report.reasoning.inferred)),
        )
        table.add_row(
            "graph:inferred/properties",
            "(rdfs:subPropertyOf)",
            str(len(report.reasoning.property_closure)),
        )
    if report.names:
        table.add_row("graph:inferred/names", "(name index)", str(report.names))
    if report.query_triples:
        table.add_row(
            "graph:queries/*",
            f"{len(report.query_triples)} stored queries",
            str(sum(report.query_triples.values())),
        )
    table.caption = f"{len(files)} files, {sum(f.triples for f in files)} triples"
    console.print(table)
    if report.counts:
        console.print(
            "Entities: " + ", ".join(f"{n} {k}" for k, n in sorted(report.counts.items()))
        )
    stages = ", ".join(f"{k} {v:.2f} s" for k, v in report.stages.items())
    console.print(f"Stages: {stages}")
    validation = report.validation
    if validation is not None:
        console.print(f"Validation: {validation.why}", markup=False, highlight=False)
    if report.incremental:
        changed = ", ".join(report.changed) or "no data file"
        nodes = validation.focus_nodes if validation is not None else None
        checked = f" ({nodes:,} nodes)" if nodes is not None else ""
        kept = (
            f"; {validation.kept} results of the last build kept for the nodes not checked again"
            if validation is not None
            else ""
        )
        console.print(
            f"Rebuild: parsed and checked again only what changed{checked}: {changed}{kept}",
            markup=False,
            highlight=False,
        )


NEWEST = 5  # newest trials the overview lists


def print_overview(console: Console, client: QueryClient) -> None:
    """Trials by status and by phase side by side, then the newest trials (stored queries)."""
    by_status = Table(title="Trials by latest status")
    by_status.add_column("status")
    by_status.add_column("trials", justify="right")
    for row in client.run_query("trials-by-status"):
        by_status.add_row(str(row["status"]), str(row["trials"]))
    by_phase = Table(title="Trials by phase")
    by_phase.add_column("phases")
    by_phase.add_column("trials", justify="right")
    for row in client.run_query("trials-by-phase"):
        by_phase.add_row(str(row["phases"]), str(row["trials"]))
    console.print(Columns([by_status, by_phase]))
    rows = list(client.run_query("newest-trials"))
    newest = Table(title=f"Newest trials ({min(NEWEST, len(rows))} of {len(rows)}: "
                         "cartkg query newest-trials lists them all)")  # fmt: skip
    for column in ("appeared", "trial", "status", "products", "title"):
        newest.add_column(column, overflow="fold" if column == "title" else "ellipsis",
                          max_width=60 if column == "title" else None)  # fmt: skip
    for row in rows[:NEWEST]:
        newest.add_row(
            *(
                "" if row[name] is None else str(row[name])
                for name in ("appeared", "nctId", "status", "products", "title")
            )
        )
    console.print(newest)


_MATCH_FIELDS = ("type", "curie", "label", "name", "match", "iri")
_MATCH_KINDS = ("own name", "aligned term", "prefix", "contains")


def print_matches(console: Console, matches: list[Match], total: int, fmt: str, text: str) -> None:
    """Search results: a table for people; CSV, TSV or JSON (a list of objects) for programs."""
    rows = [
        {
            "type": m.kind,
            "curie": m.curie,
            "label": m.label or "",
            "name": m.name,
            "match": _MATCH_KINDS[m.rank] if 0 <= m.rank < len(_MATCH_KINDS) else str(m.rank),
            "iri": m.iri,
        }
        for m in matches
    ]
    if fmt == "json":
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    if fmt in ("csv", "tsv"):
        writer = csv.DictWriter(
            sys.stdout, _MATCH_FIELDS, delimiter="," if fmt == "csv" else "\t", lineterminator="\n"
        )
        writer.writeheader()
        writer.writerows(rows)
        return
    table = Table(title=f"Names matching {text!r}")
    for name in _MATCH_FIELDS[:-1]:
        table.add_column(name, overflow="fold")
    for row in rows:
        table.add_row(*(row[f] for f in _MATCH_FIELDS[:-1]))
    more = f" (of {total}; --limit 0 shows all)" if total > len(matches) else ""
    table.caption = f"{len(matches)} match{'es' if len(matches) != 1 else ''}{more}"
    console.print(table)


VERDICT_STYLE = {
    "eligible": "green",
    "not eligible": "red",
    "unknown": "yellow",
    "met": "green",
    "not met": "red",
    "needs review": "cyan",
}


def print_match(console: Console, patient: Any, results: list[Any], fmt: str) -> None:
    """`cartkg match`: one row per trial (every criterion when one trial is asked for); JSON
    holds every criterion of every trial."""
    if fmt == "json":
        payload = {
            "profile": patient.as_json(),
            "counts": dict(Counter(r.verdict for r in results)),
            "trials": [r.as_json() for r in results],
        }
        sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
        return
    for note in patient.derived:
        console.print(f"derived: {note}", highlight=False)
    if len(results) == 1:
        r = results[0]
        console.print(f"[bold]{r.nct_id or r.trial}[/bold] {r.title or ''}", highlight=False)
        console.print(f"[{VERDICT_STYLE[r.verdict]}]{r.verdict}[/]: {r.summary}", highlight=False)
        table = Table("Type", "Criterion", "Verdict", "Why", show_lines=True)
        order = {"not met": 0, "unknown": 1, "needs review": 2, "met": 3}
        for c in sorted(results[0].criteria, key=lambda c: order[c.verdict]):
            table.add_row(
                c.kind,
                c.label or c.criterion,
                f"[{VERDICT_STYLE[c.verdict]}]{c.verdict}[/]",
                "; ".join(c.reasons),
            )
        console.print(table)
        return
    counts = Counter(r.verdict for r in results)
    table = Table(
        "Trial",
        "Status",
        "Verdict",
        "Why",
        title=", ".join(f"{counts[v]} {v}" for v in ("eligible", "unknown", "not eligible")),
    )
    for r in results:
        table.add_row(
            r.nct_id or r.trial,
            r.status or "",
            f"[{VERDICT_STYLE[r.verdict]}]{r.verdict}[/]",
            r.summary,
        )
    console.print(table)
