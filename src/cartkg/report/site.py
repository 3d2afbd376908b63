"""Write the report: a static site of the graph that works offline and from any web server.

Every page is HTML written from stored queries' rows; the charts are Vega-Lite specifications
drawn by the bundled Vega, Vega-Lite and vega-embed (in ``static/vendor``, with their licences);
the search box reads ``assets/names.js``, written from the name index. No page asks for
anything outside the site: data travel inside the pages and their scripts, never by fetch,
so the pages also work from ``file://``.

The site is written into a temporary folder beside the target and swapped in when complete,
so a failed run leaves the previous site as it was.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from cartkg.errors import InputError
from cartkg.folders import check_replaceable, write_folder
from cartkg.names import key
from cartkg.namespaces import CTGOV_STUDY, RELIABILITY, VERIFICATION
from cartkg.queries import QueryClient
from cartkg.report import charts as ch
from cartkg.report.collect import (
    CHANGE_WINDOWS,
    FACET_TITLES,
    FACETS,
    NOT_RECORDED,
    Graph,
    Row,
    collect,
    local_name,
    per_entity,
    trials_of,
)

VERIFICATION_BASE = str(VERIFICATION)
RELIABILITY_BASE = str(RELIABILITY)
DOUBTFUL = {"unverified": "unverified", "conflicting": "sources conflict"}


@dataclass
class ReportSummary:
    """What ``cartkg report`` wrote: where, how many pages and files, their size, the overview's
    weight with its scripts, the stored queries it ran, and what the site covers."""

    out: Path
    pages: int
    files: int
    bytes: int
    overview_bytes: int  # the overview page with every script and style it loads
    queries: Counter[str] = field(default_factory=Counter)
    trials: int = 0
    programs: int = 0
    organizations: int = 0


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("cartkg.report", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["json_script"] = lambda value: Markup(
        json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )
    env.filters["local"] = local_name
    return env


class Site:
    """The site's pages: where each lives and how one page links to another."""

    def __init__(self, graph: Graph, client: QueryClient, project_root: Path | None) -> None:
        self.graph = graph
        self.client = client
        self.root = project_root
        self.env = _environment()
        self.files: dict[str, bytes] = {}
        self.pages = 0
        self.labels = {r["entity"]: r["label"] for r in graph.names if "label" in r}
        self.organization_pages = set(graph.organizations)
        self.today = date.today().isoformat()

    # -- addresses (relative to the site's root folder)
    def trial_path(self, iri: str) -> str:
        return f"trials/{local_name(iri)}.html"

    def program_path(self, iri: str) -> str:
        return f"programs/{local_name(iri)}.html"

    def organization_path(self, iri: str) -> str:
        return f"organizations/{local_name(iri)}.html"

    def list_path(self, facet: str, value: str) -> str:
        name = "not-recorded" if value == NOT_RECORDED else local_name(value)
        return f"lists/{facet}/{name}.html"

    def page_of(self, iri: str) -> str | None:
        """The page of an entity, if it has one."""
        if iri in self.graph.trials:
            return self.trial_path(iri)
        if iri in self.graph.programs:
            return self.program_path(iri)
        if iri in self.graph.program_of_product:
            return self.program_path(self.graph.program_of_product[iri])
        if iri in self.organization_pages:
            return self.organization_path(iri)
        for facet in ("disease", "antigen", "cellType", "cellSource", "country", "phase"):
            if iri in self.graph.facets.get(facet, {}):
                return self.list_path(facet, iri)
        return None

    def registry_page(self, nct_id: str) -> str:
        return CTGOV_STUDY + nct_id

    def label(self, iri: str) -> str:
        return self.labels.get(iri) or local_name(iri)

    # -- writing
    def render(self, path: str, template: str, **context: Any) -> None:
        depth = path.count("/")
        up = "../" * depth

        def link(target: str | None) -> str | None:
            return None if target is None else up + target

        sources = context.get("sources") or []
        numbers = {s["source"]: i for i, s in enumerate(sources, start=1)}
        html = self.env.get_template(template).render(
            numbers=numbers,
            root=up,
            link=link,
            site=self,
            graph=self.graph,
            today=self.today,
            path=path,
            **context,
        )
        self.files[path] = html.encode("utf-8")
        self.pages += 1

    def sources_of(self, *entities: str) -> list[Row]:
        """The sources the entities cite, each once, with the query's columns."""
        seen: dict[str, Row] = {}
        for entity in entities:
            for c in self.graph.citations.get(entity, []):
                source = self.graph.sources.get(c["source"], {"source": c["source"]})
                seen.setdefault(c["source"], source)
        return sorted(seen.values(), key=lambda s: (s.get("issued", ""), s["source"]))

    def doubt(self, entity: str) -> str | None:
        """Why the entity's facts are marked: unverified, conflicting, or only weak sources."""
        status = self.graph.verification.get(entity, "")
        for name, text in DOUBTFUL.items():
            if status == VERIFICATION_BASE + name:
                return text
        cited = self.graph.citations.get(entity, [])
        if cited and all(c.get("reliability") == RELIABILITY_BASE + "weak" for c in cited):
            return "weak sources only"
        return None

    def run(self, slug: str, param: str, entity: str) -> list[Row]:
        return per_entity(self.client, self.graph, slug, param, entity)


def _csv(rows: list[list[Any]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _overview_charts(site: Site) -> list[ch.Chart]:
    g = site.graph

    def href(facet: str, value: str) -> str:
        return site.list_path(facet, value)

    return [
        ch.disease_phase_chart(g, href),
        ch.facet_chart(
            g,
            "antigen",
            href,
            "Trials by target antigen",
            "The antigens targeted (or, for a CAAR, presented) by the constructs of "
            "the products a trial studies. Trials of products the graph does not "
            "know count under (not recorded).",
        ),
        ch.cell_chart(g, href),
        ch.facet_chart(
            g,
            "sponsorClass",
            href,
            "Trials by sponsor class",
            "The kind of organization that sponsors the trial.",
        ),
        ch.facet_chart(
            g,
            "country",
            href,
            "Trials by country",
            "Countries of the trial's sites; a trial in several counts in each.",
        ),
        ch.facet_chart(
            g,
            "startYear",
            href,
            "Trials started per year",
            "The year of the start date, as the registry most recently gave it "
            "(planned starts included).",
            vertical=True,
        ),
        ch.facet_chart(
            g,
            "status",
            href,
            "Trials by latest status",
            "The status of each trial's most recent status observation.",
        ),
        ch.pipeline_chart(g, href),
        ch.designation_chart(g),
        ch.safety_chart(g),
        ch.sites_map(g, site.trial_path),
    ]


def _chart_files(site: Site, charts: list[ch.Chart]) -> None:
    for chart in charts:
        site.files[f"data/{chart.id}.csv"] = _csv(chart.csv_rows())


def _name_index(site: Site) -> bytes:
    """The search box's index: each entity with a page, its label and every key it is found by."""
    entries: dict[str, dict[str, Any]] = {}
    for r in site.graph.names:
        page = site.page_of(r["entity"])
        if page is None:
            continue
        entry = entries.setdefault(
            r["entity"],
            {"label": site.label(r["entity"]), "href": page, "names": {}},
        )
        entry["names"][key(r["name"])] = r["name"]
    rows = [
        [e["label"], e["href"], e["href"].split("/")[0], sorted(e["names"].items())]
        for e in entries.values()
    ]
    rows.sort(key=lambda e: e[0].lower())
    body = json.dumps(rows, ensure_ascii=False, separators=(",", ":"))
    return f"window.CARTKG_NAMES = {body};\n".encode()


def _copy_static(files: dict[str, bytes]) -> None:
    static = resources.files("cartkg.report") / "static"
    for item in static.iterdir():
        if item.is_dir():
            for sub in item.iterdir():
                files[f"assets/{item.name}/{sub.name}"] = sub.read_bytes()
        else:
            files[f"assets/{item.name}"] = item.read_bytes()


def _scope_exclusions(root: Path | None) -> list[dict[str, str]] | None:
    """The project's own scope decisions (registry/scope.tsv): the trials it leaves out."""
    if root is None:
        return None
    table = root / "registry" / "scope.tsv"
    if not table.is_file():
        return None
    with table.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f, delimiter="\t")
        return [row for row in reader if row.get("decision") == "exclude"]


def _flow(site: Site) -> dict[str, Any]:
    """The methods page's flow of trials: found per tracker and capture, left out, kept."""
    g = site.graph
    trackers: dict[str, dict[str, Any]] = {}
    tracked: set[str] = set()
    for r in g.tracking:
        tracker = r.get("tracker", "")
        t = trackers.setdefault(
            tracker,
            {"title": r.get("trackerTitle") or local_name(tracker), "start": {},
             "later": defaultdict(set), "left": set()},
        )  # fmt: skip
        tracked.add(r["trial"])
        kind = local_name(r["kind"])
        if kind == "left-monitored-set":
            t["left"].add(r["trial"])
        elif kind == "present-at-start":
            t["start"].setdefault(r["asOf"], set()).add(r["trial"])
        else:
            t["later"][r["asOf"][:7]].add(r["trial"])
    found = [
        {
            "title": t["title"],
            "start": [(day, len(trials)) for day, trials in sorted(t["start"].items())],
            "later": [(month, len(trials)) for month, trials in sorted(t["later"].items())],
            "left": len(t["left"]),
            "kept": len(set().union(*t["start"].values(), *t["later"].values())),
        }
        for t in trackers.values()
    ]
    excluded = _scope_exclusions(site.root)
    by_hand = None
    if site.root is not None and (site.root / "registry" / "monitor" / "excluded.csv").is_file():
        with open(site.root / "registry" / "monitor" / "excluded.csv", encoding="utf-8") as f:
            by_hand = sum(1 for row in csv.DictReader(f) if row.get("NCTId"))
    return {
        "monitor_excluded": by_hand,
        "found": found,
        "tracked": len(tracked),
        "curated_only": sorted(set(g.trials) - tracked),
        "kept": len(g.trials),
        "excluded": excluded,
    }


def _program_context(site: Site, program: str) -> dict[str, Any]:
    row = site.graph.programs[program]
    product = row["product"]
    construct = site.run("product-construct", "product", product)
    facts = site.run("evidence", "entity", program)
    product_facts = site.run("evidence", "entity", product)
    doses = [f["value"] for f in product_facts if f.get("property", "").endswith("/vocab/dose")]
    dose_facts = {d: site.run("evidence", "entity", d) for d in doses}
    trials = trials_of(site.graph, site.graph.facets.get("program", {}).get(program, set()))
    developers = sorted(
        {
            r["organization"]
            for org_rows in site.graph.organizations.values()
            for r in org_rows
            if r["role"] == "developer" and r["entity"] == program
        }
    )
    designations = site.run("designations", "product", product)
    safety = site.run("safety-events", "product", product)
    readouts = site.run("readouts-by-indication", "product", product)
    cited = [
        *doses,
        *(d["event"] for d in designations),
        *(e["event"] for e in safety),
        *(r["readout"] for r in readouts),
    ]
    return {
        "row": row,
        "product": product,
        "construct": construct[0] if construct else {},
        "doses": dose_facts,
        "trials": trials,
        "developers": developers,
        "designations": designations,
        "safety": safety,
        "readouts": readouts,
        "facts": facts,
        "product_facts": product_facts,
        "sources": site.sources_of(program, product, *cited),
        "doubt": site.doubt(program) or site.doubt(product),
    }


def _trial_context(site: Site, trial: str) -> dict[str, Any]:
    g = site.graph
    programs = g.values_of(trial, "program")
    sponsors = g.values_of(trial, "sponsor")
    facts = site.run("evidence", "entity", trial)
    observations = site.run("status-history", "trial", trial)
    cohorts = site.run("cohorts", "trial", trial)
    criteria = site.run("trial-eligibility", "trial", trial)
    cited = [
        *(o["observation"] for o in observations if "observation" in o),
        *(c["cohort"] for c in cohorts),
        *{c["criterion"] for c in criteria},
    ]
    return {
        "row": g.trials[trial],
        "programs": programs,
        "sponsors": sponsors,
        "history": observations,
        "cohorts": cohorts,
        "criteria": criteria,
        "endpoints": site.run("trial-endpoints", "trial", trial),
        "sites": g.sites_by_trial.get(trial, []),
        "facts": facts,
        "diseases": g.values_of(trial, "disease"),
        "sources": site.sources_of(trial, *cited),
        "doubt": site.doubt(trial),
        "claims": [f for f in facts if f.get("kind", "").startswith("claim")],
        "official_titles": sorted(
            {f["value"] for f in facts if f.get("property", "").endswith("/officialTitle")}
        ),
    }


def write_report(
    client: QueryClient,
    out: Path,
    project_root: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> ReportSummary:
    """Write the site for the graph behind ``client`` into ``out`` (replacing what is there)."""
    out = out.resolve()
    check_replaceable(out, "index.html", "a cartkg report")
    graph = collect(client, progress)
    if not graph.trials:
        raise InputError("the graph holds no trial: build it first (cartkg build)")
    site = Site(graph, client, project_root)
    charts = _overview_charts(site)
    _chart_files(site, charts)
    counts = {r["kind"]: int(r["count"]) for r in graph.stats}
    site.render("index.html", "index.html", charts=charts, counts=counts, title="Overview")
    site.render("changes.html", "changes.html", windows=CHANGE_WINDOWS, title="What changed")
    methods_charts = [ch.sources_chart(graph)]
    _chart_files(site, methods_charts)
    site.render(
        "methods.html",
        "methods.html",
        charts=methods_charts,
        counts=counts,
        flow=_flow(site),
        title="Methods",
    )
    site.render(
        "trials/index.html", "trials.html", trials=trials_of(graph, graph.trials), title="Trials"
    )
    site.render(
        "programs/index.html",
        "programs.html",
        title="Programs",
        programs=sorted(graph.programs.values(), key=lambda r: r.get("programLabel", "").lower()),
    )
    site.render(
        "organizations/index.html",
        "organizations.html",
        title="Organizations",
        organizations=sorted(graph.organizations, key=lambda o: site.label(o).lower()),
    )
    for facet in FACETS:
        for value, trials in graph.facets[facet].items():
            site.render(
                site.list_path(facet, value),
                "list.html",
                facet=facet,
                value=value,
                facet_title=FACET_TITLES[facet],
                trials=trials_of(graph, trials),
                title=f"{FACET_TITLES[facet]}: {graph.facet_label(facet, value)}",
            )
    for trial in graph.trials:
        context = _trial_context(site, trial)
        site.render(
            site.trial_path(trial),
            "trial.html",
            trial=trial,
            title=context["row"].get("nctId") or local_name(trial),
            **context,
        )
    for program in graph.programs:
        context = _program_context(site, program)
        site.render(
            site.program_path(program),
            "program.html",
            program=program,
            title=context["row"].get("programLabel", local_name(program)),
            **context,
        )
    for organization, roles in graph.organizations.items():
        site.render(
            site.organization_path(organization),
            "organization.html",
            organization=organization,
            roles=roles,
            title=site.label(organization),
            facts=site.run("evidence", "entity", organization),
            sources=site.sources_of(organization),
        )
    site.files["assets/names.js"] = _name_index(site)
    _copy_static(site.files)
    write_folder(out, site.files, "index.html", "a cartkg report")
    overview = len(site.files["index.html"]) + sum(
        len(site.files[p])
        for p in site.files
        if p.startswith("assets/") and p.endswith((".js", ".css"))
    )
    return ReportSummary(
        out=out,
        pages=site.pages,
        files=len(site.files),
        bytes=sum(len(b) for b in site.files.values()),
        overview_bytes=overview,
        queries=Counter(graph.queries_run),
        trials=len(graph.trials),
        programs=len(graph.programs),
        organizations=len(graph.organizations),
    )
