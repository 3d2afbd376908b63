"""The report's charts as Vega-Lite specifications, each with the table of its numbers.

A chart is drawn in the browser by the bundled Vega-Lite; its numbers are also written as an
HTML table and a CSV file, and it names the stored query they come from.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cartkg.report.collect import FACET_TITLES, NOT_RECORDED, Graph, local_name

# Okabe and Ito's palette: told apart with the common colour-vision deficiencies
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
TOP = 20  # bars a categorical chart shows; its table and CSV have every row
SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"  # read by vega-embed, never fetched


@dataclass
class Chart:
    id: str
    title: str
    description: str
    query: str  # the command that gives the rows the numbers are counted from
    columns: list[str]
    rows: list[list[Any]]
    spec: dict[str, Any]
    links: list[str | None] = field(default_factory=list)  # per table row: a page of the site

    def table(self) -> list[tuple[list[Any], str | None]]:
        links = self.links or [None] * len(self.rows)
        return list(zip(self.rows, links, strict=True))

    def csv_rows(self) -> list[list[Any]]:
        return [self.columns, *self.rows]


def _config() -> dict[str, Any]:
    return {
        "range": {"category": PALETTE},
        "font": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
        "axis": {"labelFontSize": 12, "titleFontSize": 12, "labelLimit": 220},
        "legend": {
            "labelFontSize": 12,
            "titleFontSize": 12,
            "orient": "bottom",
            "columns": 3,
            "labelLimit": 220,
        },
        "view": {"stroke": None},
    }


def bar_spec(
    values: list[dict[str, Any]],
    category: str,
    count: str,
    category_title: str,
    count_title: str,
    color: str | None = None,
    color_title: str | None = None,
    vertical: bool = False,
    sort: Any = "-x",
) -> dict[str, Any]:
    """Bars of ``count`` per ``category`` (stacked by ``color``); a bar links to its ``href``."""
    cat_axis = "x" if vertical else "y"
    num_axis = "y" if vertical else "x"
    encoding: dict[str, Any] = {
        cat_axis: {
            "field": category,
            "type": "ordinal" if vertical else "nominal",
            "title": category_title,
            "sort": sort if not vertical else "ascending",
        },
        num_axis: {
            "field": count,
            "type": "quantitative",
            "aggregate": "sum",
            "title": count_title,
            "axis": {"tickMinStep": 1},
        },
        "href": {"field": "href"},
        "tooltip": [
            {"field": category, "title": category_title},
            *([{"field": color, "title": color_title}] if color else []),
            {"field": count, "title": count_title},
        ],
    }
    if color:
        encoding["color"] = {"field": color, "type": "nominal", "title": color_title}
    spec: dict[str, Any] = {
        "$schema": SCHEMA,
        "width": "container",
        "data": {"values": values},
        "mark": {"type": "bar", "cursor": "pointer", "tooltip": True},
        "encoding": encoding,
        "config": _config(),
    }
    if vertical:
        spec["height"] = 260
    else:
        # a bar per category: the height grows with the bars (a step height and a width that
        # fits the page make Vega-Lite warn), axes and legend included
        bars = len({v[category] for v in values})
        legend = 24 * (1 + len({v[color] for v in values}) // 3) if color else 0
        spec["height"] = 22 * bars + 40 + legend
    return spec


def _top(counts: Counter[str], keep: int = TOP) -> list[str]:
    ordered = sorted(counts, key=lambda k: (-counts[k], k == NOT_RECORDED, k))
    return ordered[:keep]


def facet_chart(
    graph: Graph,
    facet: str,
    href: Callable[[str, str], str],
    title: str,
    description: str,
    vertical: bool = False,
) -> Chart:
    """Trials per value of one facet of trial-facets."""
    values = graph.facets.get(facet, {})
    counts = Counter({v: len(t) for v, t in values.items()})
    shown = sorted(counts) if vertical else _top(counts)
    if vertical:
        shown = [v for v in shown if v != NOT_RECORDED] + (
            [NOT_RECORDED] if NOT_RECORDED in counts else []
        )
    data = [
        {"value": graph.facet_label(facet, v), "trials": counts[v], "href": href(facet, v)}
        for v in shown
    ]
    every = sorted(counts, key=lambda k: (-counts[k], k))
    return Chart(
        id=f"trials-by-{facet.lower()}",
        title=title,
        description=description,
        query=f"cartkg query trial-facets -p facet={facet}",
        columns=[FACET_TITLES[facet], "trials"],
        rows=[[graph.facet_label(facet, v), counts[v]] for v in every],
        links=[href(facet, v) for v in every],
        spec=bar_spec(data, "value", "trials", FACET_TITLES[facet], "Trials", vertical=vertical),
    )


def _joined(graph: Graph, facet: str) -> dict[str, str]:
    """Each trial's values of a facet as one label ("Phase 1, Phase 2" for a Phase 1/2 trial)."""
    values: dict[str, set[str]] = defaultdict(set)
    for value, trials in graph.facets.get(facet, {}).items():
        if value != NOT_RECORDED:
            for t in trials:
                values[t].add(graph.facet_label(facet, value))
    return {t: ", ".join(sorted(v)) for t, v in values.items()}


def _stacked(
    groups: dict[str, Counter[str]],
    label: Callable[[str], str],
    link: Callable[[str], str],
    fields: tuple[str, str, str],
    top: int | None = TOP,
) -> tuple[list[list[Any]], list[str | None], list[dict[str, Any]]]:
    """The table, links and chart data of stacked bars: a bar per group (the ``top`` largest
    drawn, every one in the table), a segment per key of its counter."""
    totals = Counter({g: sum(c.values()) for g, c in groups.items()})
    shown = set(_top(totals, top)) if top else set(totals)
    bar, segment, count = fields
    table: list[list[Any]] = []
    links: list[str | None] = []
    data: list[dict[str, Any]] = []
    for g in sorted(totals, key=lambda k: (-totals[k], label(k))):
        for key, n in sorted(groups[g].items()):
            table.append([label(g), key, n])
            links.append(link(g))
            if g in shown:
                data.append({bar: label(g), segment: key, count: n, "href": link(g)})
    return table, links, data


def disease_phase_chart(graph: Graph, href: Callable[[str, str], str]) -> Chart:
    phases = _joined(graph, "phase")
    groups = {
        d: Counter(phases.get(t, "(no phase)") for t in trials)
        for d, trials in graph.facets.get("disease", {}).items()
    }
    table, links, data = _stacked(
        groups,
        lambda d: graph.facet_label("disease", d),
        lambda d: href("disease", d),
        ("disease", "phase", "trials"),
    )
    return Chart(
        id="trials-by-disease-and-phase",
        title="Trials by disease and phase",
        description=(
            f"The {min(TOP, len(groups))} diseases with the most trials (a trial's or a cohort's "
            "indication); a trial with several diseases counts once in each. Click a bar for "
            "its trials."
        ),
        query="cartkg query trial-facets -p facet=disease (and -p facet=phase)",
        columns=["disease", "phases", "trials"],
        rows=table,
        links=links,
        spec=bar_spec(data, "disease", "trials", "Disease", "Trials", "phase", "Phases"),
    )


def cell_chart(graph: Graph, href: Callable[[str, str], str]) -> Chart:
    """Trials by cell type, split by cell source (from the products they study)."""
    sources = _joined(graph, "cellSource")
    groups = {
        v: Counter(sources.get(t, NOT_RECORDED) for t in trials)
        for v, trials in graph.facets.get("cellType", {}).items()
    }
    table, links, data = _stacked(
        groups,
        lambda v: graph.facet_label("cellType", v),
        lambda v: href("cellType", v),
        ("cellType", "cellSource", "trials"),
        top=None,
    )
    return Chart(
        id="trials-by-cell-type-and-source",
        title="Trials by cell type and cell source",
        description="The cell type of the products a trial studies, split by whether the cells "
        "are the patient's own (autologous) or a donor's (allogeneic).",
        query="cartkg query trial-facets -p facet=cellType (and -p facet=cellSource)",
        columns=["cell type", "cell source", "trials"],
        rows=table,
        links=links,
        spec=bar_spec(
            data, "cellType", "trials", "Cell type", "Trials", "cellSource", "Cell source"
        ),
    )


PHASE_ORDER = ["Early Phase 1", "Phase 1", "Phase 2", "Phase 3", "Phase 4"]


def pipeline_chart(graph: Graph, href: Callable[[str, str], str]) -> Chart:
    """Programs per indication by the most advanced phase their trials reach."""
    per: dict[str, Counter[str]] = defaultdict(Counter)
    label: dict[str, str] = {}
    for r in graph.pipeline:
        per[r["indication"]][r.get("phaseLabel", local_name(r["phase"]))] += 1
        label[r["indication"]] = r.get("indicationLabel", local_name(r["indication"]))
    table, links, data = _stacked(
        per, label.__getitem__, lambda i: href("disease", i), ("indication", "phase", "programs")
    )
    spec = bar_spec(
        data, "indication", "programs", "Indication", "Programs", "phase", "Most advanced phase"
    )
    spec["encoding"]["color"]["sort"] = PHASE_ORDER
    spec["encoding"]["color"]["scale"] = {"domain": PHASE_ORDER, "scheme": "viridis"}
    return Chart(
        id="pipeline",
        title="Pipeline: programs by indication and most advanced phase",
        description="For each program and each disease its trials enrol, the most advanced "
        "phase reached (a Phase 1/2 trial counts as Phase 2).",
        query="cartkg query pipeline",
        columns=["indication", "most advanced phase", "programs"],
        rows=table,
        links=links,
        spec=spec,
    )


def designation_chart(graph: Graph) -> Chart:
    data = [
        {
            "year": r["year"],
            "kind": r.get("kindLabel", local_name(r.get("kind", ""))),
            "agency": r.get("agencyLabel", ""),
            "events": int(r["events"]),
            "href": None,
        }
        for r in graph.designations_by_year
    ]
    spec = bar_spec(
        data, "year", "events", "Year", "Regulatory events", "kind", "Kind", vertical=True
    )
    spec["encoding"]["tooltip"].insert(1, {"field": "agency", "title": "Agency"})
    return Chart(
        id="designations-by-year",
        title="Regulatory designations over time",
        description="Designations, IND clearances and other regulatory events per year (the "
        "date granted where known, else the date announced), by kind.",
        query="cartkg query designations-by-year",
        columns=["year", "agency", "kind", "events"],
        rows=[[d["year"], d["agency"], d["kind"], d["events"]] for d in data],
        spec=spec,
    )


def safety_chart(graph: Graph) -> Chart:
    data = [
        {
            "kind": r.get("kindLabel", ""),
            "grade": r.get("grade", "(no grade)"),
            "events": int(r["events"]),
            "patients": r.get("patientCount", ""),
            "href": None,
        }
        for r in graph.safety_by_kind
    ]
    spec = bar_spec(data, "kind", "events", "Kind", "Events", "grade", "Grade")
    return Chart(
        id="safety-by-kind",
        title="Safety events by kind and grade",
        description="Graded safety events after infusion (CRS, ICANS, infections, ...), by "
        "most specific kind and grade; summaries about groups of patients under (summary).",
        query="cartkg query safety-by-kind",
        columns=["kind", "grade", "events", "patients"],
        rows=[[d["kind"], d["grade"], d["events"], d["patients"]] for d in data],
        spec=spec,
    )


def sites_map(graph: Graph, trial_href: Callable[[str], str]) -> Chart:
    points = [
        {
            "latitude": float(r["latitude"]),
            "longitude": float(r["longitude"]),
            "site": r.get("label", ""),
            "trial": r.get("nctId") or local_name(r["trial"]),
            "href": trial_href(r["trial"]),
        }
        for r in graph.sites
        if "latitude" in r and "longitude" in r
    ]
    spec = {
        "$schema": SCHEMA,
        "width": "container",
        "height": 380,
        "projection": {"type": "equalEarth"},
        "layer": [
            {
                "data": {"name": "world", "format": {"type": "topojson", "feature": "countries"}},
                "mark": {"type": "geoshape", "fill": "#e8e8e8", "stroke": "#ffffff"},
            },
            {
                "data": {"values": points},
                "mark": {"type": "circle", "cursor": "pointer", "opacity": 0.7},
                "encoding": {
                    "longitude": {"field": "longitude", "type": "quantitative"},
                    "latitude": {"field": "latitude", "type": "quantitative"},
                    "size": {"value": 28},
                    "color": {"value": PALETTE[5]},
                    "href": {"field": "href"},
                    "tooltip": [
                        {"field": "trial", "title": "Trial"},
                        {"field": "site", "title": "Site"},
                    ],
                },
            },
        ],
        "config": _config(),
        "usermeta": {"world": True},  # site.js adds the bundled world map as dataset "world"
    }
    by_country = Counter(r.get("countryLabel", NOT_RECORDED) for r in graph.sites)
    return Chart(
        id="sites-map",
        title="Trial sites",
        description=f"{len(points)} of {len(graph.sites)} registered sites have coordinates; "
        "click a point for its trial. The table counts sites per country.",
        query="cartkg query trial-sites",
        columns=["country", "sites"],
        rows=[[c, n] for c, n in by_country.most_common()],
        spec=spec,
    )


def sources_chart(graph: Graph) -> Chart:
    counts = Counter(
        (r.get("sourceTypeLabel", NOT_RECORDED), r.get("reliabilityLabel", NOT_RECORDED))
        for r in graph.sources.values()
    )
    data = [
        {"kind": k, "reliability": rel, "sources": n, "href": None}
        for (k, rel), n in sorted(counts.items())
    ]
    spec = bar_spec(
        data, "kind", "sources", "Kind of source", "Sources", "reliability", "Reliability"
    )
    spec["encoding"]["color"]["scale"] = {
        "domain": ["Primary", "Secondary", "Weak", NOT_RECORDED],
        "range": [PALETTE[0], PALETTE[1], PALETTE[5], "#999999"],
    }
    return Chart(
        id="sources-by-kind",
        title="Sources by kind and reliability",
        description="Every document the graph cites, by kind and by how reliable it is "
        "(primary: the developer, the registry or the agency itself; secondary: a report of "
        "one; weak: an analysis or an unsigned summary).",
        query="cartkg query sources",
        columns=["kind", "reliability", "sources"],
        rows=[[d["kind"], d["reliability"], d["sources"]] for d in data],
        spec=spec,
    )
