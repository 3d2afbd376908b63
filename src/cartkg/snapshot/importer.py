"""``cartkg import snapshot``: a monitor's daily registry captures into the graph.

The run, in order:

1. read the snapshot folder (``registry/monitor/`` by default, the repository's own copy) and
   the project's scope decisions (``registry/scope.tsv``); a row that cannot be read is skipped
   with a problem naming the file, the line and the field;
2. the monitor itself as two source nodes (its daily captures, secondary; its product table,
   weak);
3. the named products of ``products.csv`` (see :mod:`cartkg.snapshot.products`), so that the
   trials that follow link to them by name;
4. every trial of the last snapshot, and every trial that left the monitored set, as an API v2
   record with its capture history (see :mod:`cartkg.snapshot.records`), through the ctgov
   importer: the same model, files and merge with curated statements. Trials the scope table
   excludes are left out and listed;
5. the products' developers, matched against the organisations the trials brought in, and the
   program files written.

Importing the same snapshot again changes nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from cartkg.ctgov.mapping import map_record
from cartkg.importing.context import Agent, mint_agent, norm, remember_agents
from cartkg.importing.files import Unreadable, read_if_exists
from cartkg.importing.report import ImportReport, Outcome, Problem
from cartkg.importing.terms import DCT, ID, SCHEMA, SKOS, C, V, date_literal
from cartkg.importing.trials import Importer
from cartkg.importing.turtle import (
    RDF_TYPE,
    XSD,
    Graph,
    Lit,
    add,
    new_graph,
    parse_turtle,
    write_turtle,
)
from cartkg.paths import Project
from cartkg.snapshot import products as prod
from cartkg.snapshot import records, tables
from cartkg.snapshot.tables import Row, RowError

DEFAULT_FOLDER = Path("registry") / "monitor"
SCOPE_FILE = Path("registry") / "scope.tsv"
PRODUCTS_SOURCE = "rheum-car-t-monitor-products"
CLASSIFICATION_SOURCE = "rheum-car-t-monitor-classification"
MONITOR_URL = "https://github.com/ptjeong/Rheumatology-CAR-T-Trials-Monitor-"


@dataclass
class SnapshotReport:
    """What the import did, beside the trials' own report."""

    trials: ImportReport
    problems: list[Problem] = field(default_factory=list)
    excluded: list[tuple[str, str]] = field(default_factory=list)  # ours, with the reason
    monitor_excluded: int = 0  # ids the monitor excluded by hand (not in its trial list)
    not_imported: list[tuple[str, str]] = field(default_factory=list)  # trials, and why
    products_new: list[str] = field(default_factory=list)
    products_updated: list[str] = field(default_factory=list)
    products_unchanged: int = 0
    snapshot: str = ""

    @property
    def skipped(self) -> list[Problem]:
        return self.problems + self.trials.skipped

    @property
    def ok(self) -> bool:
        return not self.skipped


def import_snapshot(
    project: Project,
    folder: Path | None = None,
    data_dir: Path | None = None,
    dry_run: bool = False,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> SnapshotReport:
    """Import the snapshot in ``folder`` (default: the repository's ``registry/monitor/``)."""
    folder = Path(folder) if folder is not None else project.root / DEFAULT_FOLDER
    importer = Importer(project, map_record, data_dir, dry_run)
    report = SnapshotReport(importer.report)

    def shown(name: str) -> str:
        path = folder / name
        try:
            return path.resolve().relative_to(project.root).as_posix()
        except ValueError:
            return str(path)

    provenance, problems = tables.read_provenance(
        folder / "provenance.json", shown("provenance.json")
    )
    report.problems += problems
    trials = tables.read_table(folder / "trials.csv", tables.TRIAL_COLUMNS, shown("trials.csv"))
    sites = tables.read_table(folder / "sites.csv", tables.SITE_COLUMNS, shown("sites.csv"))
    history = tables.read_table(
        folder / "history.csv", tables.HISTORY_COLUMNS, shown("history.csv")
    )
    products = tables.read_table(
        folder / "products.csv", tables.PRODUCT_COLUMNS, shown("products.csv")
    )
    excluded = tables.read_table(
        folder / "excluded.csv", tables.EXCLUDED_COLUMNS, shown("excluded.csv")
    )
    scope = tables.read_table(
        project.root / SCOPE_FILE, tables.SCOPE_COLUMNS, SCOPE_FILE.as_posix(), delimiter="\t"
    )  # fmt: skip
    for table in (trials, sites, history, products, excluded, scope):
        report.problems += table.problems
    if provenance is None:
        return report
    report.snapshot = provenance.last
    for row in excluded.rows:
        try:
            tables.nct_id(row)
            report.monitor_excluded += 1
        except RowError as e:
            report.problems.append(Problem(row.file, row.where, e.field, e.message))
    decisions = _scope(scope, report.problems)
    accessed = _accessed(folder) or provenance.last

    writes: dict[str, str] = {}
    monitor = f"{ID}source/{records.MONITOR_SOURCE}"
    products_source = f"{ID}source/{PRODUCTS_SOURCE}"
    writes[f"sources/{records.MONITOR_SOURCE}.ttl"] = _text(
        importer, _monitor_source(provenance, accessed)
    )
    writes[f"sources/{PRODUCTS_SOURCE}.ttl"] = _text(
        importer,
        _table_source(
            PRODUCTS_SOURCE,
            "table of named products",
            _PRODUCTS_NOTE,
            provenance,
            accessed,
            monitor,
        ),
    )
    writes[f"sources/{CLASSIFICATION_SOURCE}.ttl"] = _text(
        importer,
        _table_source(
            CLASSIFICATION_SOURCE,
            "its classification of each trial",
            _CLASSIFICATION_NOTE,
            provenance,
            accessed,
            monitor,
        ),
    )

    # products first, so that the trials link to them
    registry_names = _registry_names(trials.rows)
    read: list[prod.Product] = []
    for row in products.rows:
        try:
            product = prod.read_product(row)
        except prod.RowProblem as e:
            report.problems.append(prod.problem(row, e))
            continue
        if product is None:
            continue
        product.names = prod.display_names(product, registry_names)
        found = next(
            (iri for n in product.names if (iri := importer.ctx.products.get(norm(n)))), None
        )
        product.existing = found is not None
        product.iri = found or f"{ID}product/{prod.slug(product.key)}"
        for name in product.names:
            importer.ctx.add_product_name(name, product.iri)
        read.append(product)

    # the trials
    by_trial_sites = tables.rows_by_trial(sites)
    by_trial_history = tables.rows_by_trial(history)
    trial_rows: dict[str, Row] = {}
    for row in trials.rows:
        try:
            nct = tables.nct_id(row)
        except RowError as e:
            report.problems.append(Problem(row.file, row.where, e.field, e.message))
            continue
        if nct in trial_rows:
            report.problems.append(Problem(row.file, row.where, "NCTId",
                                           f"{nct} is also on {trial_rows[nct].where}"))  # fmt: skip  # noqa: E501
            continue
        trial_rows[nct] = row
    for nct, rows in by_trial_history.items():
        if nct not in trial_rows and not tables.NCT.match(nct):
            for row in rows:
                report.problems.append(Problem(row.file, row.where, "NCTId",
                                               f"not an NCT number: {nct[:40]!r}"))  # fmt: skip
    # every sponsor first: a site run by an organisation that sponsors a later trial links to
    # it on the first import as on the next (the same files whatever the order)
    sponsor_agents: dict[str, tuple[Agent, Graph]] = {}
    for nct, row in sorted(trial_rows.items()):
        name = tables.text(row, "LeadSponsor")
        if name and decisions.get(nct, ("keep",))[0] != "exclude":
            kind = row.get("LeadSponsorClass")
            source = f"{ID}source/ctgov-{nct.lower()}-captured-{provenance.last}"
            mint_agent(importer.ctx, sponsor_agents, name, kind or None, source)
    remember_agents(importer.ctx, ((k, a) for k, (a, _) in sponsor_agents.items()))
    sponsors: dict[str, str] = {}  # trial -> its sponsor's name
    ids = sorted(set(trial_rows) | {n for n in by_trial_history if tables.NCT.match(n)})
    for nct in ids:
        decision = decisions.get(nct)
        if decision and decision[0] == "exclude":
            report.excluded.append((nct, decision[1]))
            continue
        row = trial_rows.get(nct)
        built = records.trial_record(
            nct, row, by_trial_sites.get(nct, []), by_trial_history.get(nct, []),
            provenance.last, provenance.first,
            f"In scope for cartkg: {decision[1]}" if decision else None,
        )  # fmt: skip
        report.problems += built.problems
        if built.record is None:
            continue
        trial_file = importer.data_dir / "trials" / f"{nct}.ttl"
        if row is None and not trial_file.is_file():
            last = built.record["cartkgCapture"]["captured"]
            report.not_imported.append((nct, (
                f"left the monitored set on {built.record['cartkgCapture']['left'] or last}; the "
                "snapshot keeps no title or sponsor for it, so it needs its registry record "
                "(cartkg import ctgov) or a curated file")))  # fmt: skip
            continue
        where = row.file if row is not None else shown("history.csv")
        label = row.where if row is not None else f"history of {nct}"
        text = json.dumps(built.record, ensure_ascii=False, indent=1) + "\n"
        outcome = importer.one(where, label, built.record, text)
        if outcome is not None:
            outcome.notes[:0] = built.notes
            if on_outcome is not None:
                on_outcome(outcome)
        if row is not None and row.get("LeadSponsor"):
            sponsors[nct] = row.get("LeadSponsor")

    # developers, now that the trials' sponsors are known, and the program files
    studied: dict[str, set[str]] = {}
    for nct, row in trial_rows.items():
        found = {
            i for n in tables.items(row, "Interventions") for i in importer.ctx.match_products(n)
        }
        # as the mapper does: the title's product when no intervention names one
        found = found or set(importer.ctx.match_products(row.get("BriefTitle")))
        for iri in found:
            studied.setdefault(iri, set()).add(nct)
    pending: dict[str, tuple[Agent, Graph]] = {}
    for product in read:
        if product.existing:
            _update_product(importer, product, products_source, writes, report)
            continue
        trial_sponsors = [
            iri for n in sorted(studied.get(product.iri, ()))
            if n in sponsors and (iri := importer.ctx.find_agent(sponsors[n]))
        ]  # fmt: skip
        developers, note = prod.find_developers(
            product, importer.ctx, pending, products_source, trial_sponsors
        )
        key, graph = prod.program_graph(
            product, product.names, products_source, developers, importer.ctx, note
        )
        path = f"programs/{key}.ttl"
        text = _text(importer, graph)
        if read_if_exists(importer.data_dir / path) != text:
            writes[path] = text
            report.products_new.append(key)
        else:
            report.products_unchanged += 1
    for key, (_agent, graph) in (*sponsor_agents.items(), *pending.items()):
        path = f"organizations/{key}.ttl"
        if not (importer.data_dir / path).exists():
            writes[path] = _text(importer, graph)
    remember_agents(importer.ctx, ((k, a) for k, (a, _) in pending.items()))
    for path, text in sorted(writes.items()):
        full = importer.data_dir / path
        if read_if_exists(full) == text:
            continue
        if not dry_run:
            importer.writer.write(str(full), text)
            importer.report.files += 1
            importer.report.written.append(importer._rel(full))
    return report


def _update_product(
    importer: Importer,
    product: prod.Product,
    source: str,
    writes: dict[str, str],
    report: SnapshotReport,
) -> None:
    """A product the graph has: its file gets the names it lacks and the table's claims."""
    path = _file_of(importer.data_dir / "programs", product.iri)
    if path is None:
        report.problems.append(Problem(
            product.row.file, product.row.where, "Key",
            f"{product.iri} is known by name but no file in data/programs/ describes it"))  # fmt: skip  # noqa: E501
        return
    try:
        before = read_if_exists(path) or ""
        existing = parse_turtle(before)
    except (Unreadable, SyntaxError, ValueError) as e:
        report.problems.append(Problem(product.row.file, product.row.where, "(existing file)",
                                       f"{path.name} cannot be read, so it is left as it is: {e}"))  # fmt: skip  # noqa: E501
        return
    key = product.iri.rsplit("/", 1)[-1]
    graph = prod.update_existing(
        product, product.names, existing, product.iri, key, source, importer.ctx
    )
    text = _text(importer, graph)
    if text != before:
        writes[f"programs/{path.name}"] = text
        report.products_updated.append(path.stem)
    else:
        report.products_unchanged += 1


def _file_of(folder: Path, iri: str) -> Path | None:
    """The program file that describes ``iri`` (its own, else the one that types it)."""
    key = iri.rsplit("/", 1)[-1]
    if (folder / f"{key}.ttl").is_file():
        return folder / f"{key}.ttl"
    pattern = re.compile(r"^product:" + re.escape(key) + r"\s*$", re.M)
    for path in sorted(folder.glob("*.ttl")):
        if pattern.search(path.read_text(encoding="utf-8")):
            return path
    return None


def _text(importer: Importer, graph: Graph) -> str:
    return write_turtle(graph, importer.ctx.prefixes)


def _scope(table: tables.Table, problems: list[Problem]) -> dict[str, tuple[str, str]]:
    """The project's scope decisions: NCT id -> (exclude | keep, reason)."""
    out: dict[str, tuple[str, str]] = {}
    for row in table.rows:
        try:
            nct = tables.nct_id(row, "nct_id")
            decision = row.get("decision")
            if decision not in ("exclude", "keep"):
                raise RowError("decision", f"expected exclude or keep, got {decision[:40]!r}")
            reason = row.get("reason")
            if not reason:
                raise RowError("reason", "missing: say why")
        except RowError as e:
            problems.append(Problem(row.file, row.where, e.field, e.message))
            continue
        out[nct] = (decision, reason)
    return out


def _accessed(folder: Path) -> str | None:
    """When the copy was taken (``copied.json``), the access date of the monitor's sources."""
    try:
        data = json.loads((folder / "copied.json").read_text(encoding="utf-8"))
        value = data.get("copied")
    except (OSError, ValueError, AttributeError):
        return None
    return value if isinstance(value, str) and tables.DAY.match(value) else None


def _registry_names(rows: list[Row]) -> dict[str, str]:
    """The interventions' names as the registry writes them (for a product's display casing),
    by matching key; a product's name inside a longer intervention name counts too."""
    out: dict[str, str] = {}
    for row in rows:
        for name in tables.items(row, "Interventions"):
            out.setdefault(norm(name), name)
            for m in re.finditer(r"[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9]", name):
                out.setdefault(norm(m.group()), m.group())
    return out


def _monitor_source(p: tables.Provenance, accessed: str) -> Graph:
    g = new_graph()
    s = f"{ID}source/{records.MONITOR_SOURCE}"
    add(g, s, RDF_TYPE, C + "Source")
    add(g, s, DCT + "title", Lit(f"{records.MONITOR}: daily captures of ClinicalTrials.gov"))
    add(g, s, DCT + "publisher", Lit("University Hospital of Cologne (Universitätsklinikum Köln)"))
    add(g, s, DCT + "creator", Lit("Peter Jeong"))
    add(g, s, DCT + "issued", date_literal(p.last))
    add(g, s, DCT + "license", "https://opensource.org/license/mit")
    add(g, s, SCHEMA + "url", Lit(MONITOR_URL, XSD + "anyURI"))
    add(g, s, C + "accessDate", Lit(accessed, XSD + "date"))
    add(g, s, C + "sourceType", f"{V}sourcetype/dataset")
    add(g, s, C + "reliability", f"{V}reliability/secondary")
    counts = ", ".join(f"{k.removeprefix('n_').replace('_', ' ')} {v}" for k, v in p.counts.items())
    add(g, s, SKOS + "editorialNote", Lit(
        f"A public dashboard that queries the ClinicalTrials.gov API v2 once a day and keeps one "
        f"file per day. cartkg imports its files from {p.first} to {p.last}, taken from commit "
        f"{p.commit} of {p.repository} (copy in registry/monitor/ of this repository). The "
        f"monitor's own counts: {counts}." if counts else
        f"A public dashboard that queries the ClinicalTrials.gov API v2 once a day; files from "
        f"{p.first} to {p.last}, commit {p.commit}.", None, "en"))  # fmt: skip
    return g


_PRODUCTS_NOTE = (
    "The monitor's own table of named products: key, other names, target, autologous, "
    "allogeneic or in vivo, platform and sponsor. It is the monitor's reading, not the "
    "developers' statement (the monitor's README warns that one in vivo entry is an ex vivo "
    "product), so facts taken from it are marked unverified until checked."
)
_CLASSIFICATION_NOTE = (
    "The monitor's own reading of each trial it lists (disease family, target category, "
    "product type), partly by rules and partly by a language model. cartkg never copies it: "
    "`cartkg compare monitor` checks the graph against it, and where the graph differs a "
    "claim citing this source keeps the monitor's value and says why."
)


def _table_source(
    key: str, what: str, note: str, p: tables.Provenance, accessed: str, monitor: str
) -> Graph:
    """The source node of one of the monitor's tables, captured through the monitor."""
    g = new_graph()
    s = f"{ID}source/{key}"
    add(g, s, RDF_TYPE, C + "Source")
    add(g, s, DCT + "title", Lit(f"{records.MONITOR}: {what}"))
    add(g, s, DCT + "publisher", Lit("University Hospital of Cologne (Universitätsklinikum Köln)"))
    add(g, s, DCT + "issued", date_literal(p.last))
    add(g, s, SCHEMA + "url", Lit(MONITOR_URL, XSD + "anyURI"))
    add(g, s, C + "accessDate", Lit(accessed, XSD + "date"))
    add(g, s, C + "sourceType", f"{V}sourcetype/dataset")
    add(g, s, C + "reliability", f"{V}reliability/weak")
    add(g, s, C + "capturedBy", monitor)
    add(g, s, SKOS + "editorialNote", Lit(note, None, "en"))
    return g
