"""What the report shows, read from the graph by stored queries only.

Every figure and list on the site comes from a stored query run on a ``QueryClient``, so the
same site can be written from the embedded store or from any SPARQL endpoint. The rows are kept
as plain dictionaries of strings: IRIs and literals alike, with the query's variable names.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from typing import Any

from cartkg.queries import QueryClient

Row = dict[str, str]

# the facets of trial-facets that get a list page per value (and a chart on the overview)
FACETS = (
    "phase",
    "disease",
    "antigen",
    "cellSource",
    "cellType",
    "program",
    "sponsor",
    "sponsorClass",
    "country",
    "status",
    "startYear",
)
FACET_TITLES = {
    "phase": "Phase",
    "disease": "Disease",
    "antigen": "Target antigen",
    "cellSource": "Cell source",
    "cellType": "Cell type",
    "program": "Program",
    "sponsor": "Sponsor",
    "sponsorClass": "Sponsor class",
    "country": "Country",
    "status": "Latest status",
    "startYear": "Start year",
}
NOT_RECORDED = "(not recorded)"
CHANGE_WINDOWS = (30, 90, 365)


def rows(client: QueryClient, slug: str, **params: Any) -> list[Row]:
    """A stored query's rows as dictionaries of strings (unbound variables left out)."""
    result = client.run_query(slug, **params)
    return [{str(k): str(v) for k, v in binding.items()} for binding in result.bindings]


def local_name(iri: str) -> str:
    """The last part of an IRI, safe as a file name."""
    tail = re.split(r"[/#]", iri.rstrip("/"))[-1]
    return re.sub(r"[^A-Za-z0-9._-]", "_", tail) or "_"


@dataclass
class Graph:
    """Everything the site needs, as query rows grouped by what they describe."""

    info: Row
    stats: list[Row]
    trials: dict[str, Row]  # by trial IRI, from the trials query
    facets: dict[str, dict[str, set[str]]]  # facet -> value -> trial IRIs
    facet_labels: dict[tuple[str, str], str]  # (facet, value) -> label
    programs: dict[str, Row]  # by program IRI
    program_of_product: dict[str, str]
    organizations: dict[str, list[Row]]  # by organization IRI: its roles
    sites: list[Row]
    pipeline: list[Row]
    designations_by_year: list[Row]
    safety_by_kind: list[Row]
    sources: dict[str, Row]
    citations: dict[str, list[Row]]  # by citing entity
    verification: dict[str, str]  # entity -> verification IRI
    tracking: list[Row]
    names: list[Row]
    changes: list[Row] = field(default_factory=list)  # the longest window's, with their age
    # per-page queries, run once each and kept
    per_entity: dict[tuple[str, str], list[Row]] = field(default_factory=dict)
    queries_run: list[str] = field(default_factory=list)

    def values_of(self, trial: str, facet: str) -> list[str]:
        """A trial's recorded values of a facet (the facets read the other way), sorted."""
        return sorted(self._by_trial.get((trial, facet), ()))

    @cached_property
    def _by_trial(self) -> dict[tuple[str, str], set[str]]:
        index: dict[tuple[str, str], set[str]] = defaultdict(set)
        for facet, values in self.facets.items():
            for value, trials in values.items():
                if value != NOT_RECORDED:
                    for t in trials:
                        index[(t, facet)].add(value)
        return index

    @cached_property
    def sites_by_trial(self) -> dict[str, list[Row]]:
        index: dict[str, list[Row]] = defaultdict(list)
        for row in self.sites:
            index[row["trial"]].append(row)
        return index

    def facet_label(self, facet: str, value: str) -> str:
        return self.facet_labels.get((facet, value)) or local_name(value)

    def changes_within(self, days: int) -> list[Row]:
        return [r for r in self.changes if int(r["age"]) <= days]

    @property
    def as_of(self) -> str | None:
        return self.info.get("newestObservation")


def collect(client: QueryClient, progress: Callable[[str], None] | None = None) -> Graph:
    """Run the overview's stored queries (the per-page ones run as pages are written)."""
    say = progress or (lambda _slug: None)
    ran: list[str] = []

    def run(slug: str, **params: Any) -> list[Row]:
        say(slug)
        ran.append(slug)
        return rows(client, slug, **params)

    trials = {r["trial"]: r for r in run("trials")}
    facets: dict[str, dict[str, set[str]]] = {f: defaultdict(set) for f in FACETS}
    labels: dict[tuple[str, str], str] = {}
    for r in run("trial-facets"):
        facets[r["facet"]][r["value"]].add(r["trial"])
        if "valueLabel" in r:
            labels[(r["facet"], r["value"])] = r["valueLabel"]
    for facet, values in facets.items():
        covered = set().union(*values.values()) if values else set()
        missing = set(trials) - covered
        if missing:
            values[NOT_RECORDED] = missing
            labels[(facet, NOT_RECORDED)] = NOT_RECORDED
    programs = {r["program"]: r for r in run("programs")}
    organizations: dict[str, list[Row]] = defaultdict(list)
    for r in run("organization-roles"):
        organizations[r["organization"]].append(r)
    citations: dict[str, list[Row]] = defaultdict(list)
    verification: dict[str, str] = {}
    for r in run("citations"):
        citations[r["entity"]].append(r)
        if "verification" in r:
            verification[r["entity"]] = r["verification"]
    info = (run("graph-info") or [{}])[0]
    graph = Graph(
        info=info,
        stats=run("stats"),
        trials=trials,
        facets={f: dict(v) for f, v in facets.items()},
        facet_labels=labels,
        programs=programs,
        program_of_product={r["product"]: p for p, r in programs.items()},
        organizations=dict(organizations),
        sites=run("trial-sites"),
        pipeline=run("pipeline"),
        designations_by_year=run("designations-by-year"),
        safety_by_kind=run("safety-by-kind"),
        sources={r["source"]: r for r in run("sources")},
        citations=dict(citations),
        verification=verification,
        tracking=run("tracking-events"),
        names=run("names"),
    )
    newest = graph.as_of
    if newest:
        # one query for the longest window; the shorter ones are its newest rows
        end = date.fromisoformat(newest[:10])
        since = end - timedelta(days=max(CHANGE_WINDOWS))
        for r in run("registry-changes", since=since.isoformat()):
            r["age"] = str((end - date.fromisoformat(r["date"][:10])).days)
            graph.changes.append(r)
    graph.queries_run = ran
    return graph


def per_entity(client: QueryClient, graph: Graph, slug: str, param: str, entity: str) -> list[Row]:
    """A per-page query's rows for one entity (run once, then kept)."""
    key = (slug, entity)
    if key not in graph.per_entity:
        graph.per_entity[key] = rows(client, slug, **{param: entity})
        graph.queries_run.append(slug)
    return graph.per_entity[key]


def trials_of(graph: Graph, trial_iris: Iterable[str]) -> list[Row]:
    """The trials' rows, by registry id."""
    found = [graph.trials[t] for t in trial_iris if t in graph.trials]
    return sorted(found, key=lambda r: (r.get("nctId") or "~", r["trial"]))
