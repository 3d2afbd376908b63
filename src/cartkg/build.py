"""The build: load every file, reason, validate, and store the graph only if all checks passed."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox

from cartkg.dataset import Dataset, LoadedFile
from cartkg.errors import CheckFailed
from cartkg.namespaces import converter, prefix_map
from cartkg.paths import Project
from cartkg.queries import EmbeddedClient, QueryClient, load_queries, query_quads
from cartkg.reason import ReasonReport, reason
from cartkg.store import StagedStore
from cartkg.validate import ValidationReport, validate


class Progress(Protocol):
    """What a build tells its watcher (the CLI shows it with rich)."""

    def start(self, stage: str, total: int | None = None) -> None: ...
    def advance(self) -> None: ...
    def finish(self, stage: str, seconds: float) -> None: ...


class _Silent:
    def start(self, stage: str, total: int | None = None) -> None: ...
    def advance(self) -> None: ...
    def finish(self, stage: str, seconds: float) -> None: ...


@dataclass
class BuildReport:
    """What a build did, stage by stage."""

    files: list[LoadedFile] = field(default_factory=list)
    reasoning: ReasonReport | None = None
    validation: ValidationReport | None = None
    stages: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    query_triples: dict[str, int] = field(default_factory=dict)  # per stored query's graph
    store_path: Path | None = None
    stored: bool = False
    memory_store: ox.Store | None = None  # the built graph, when built in memory

    @property
    def ok(self) -> bool:
        reasoned = self.reasoning is None or self.reasoning.ok
        validated = self.validation is not None and self.validation.conforms
        return reasoned and validated


class BuildFailed(CheckFailed):
    """The data failed a check; the report says which, and the old store is untouched."""

    def __init__(self, report: BuildReport):
        self.report = report
        reasons = []
        if report.reasoning is not None and not report.reasoning.ok:
            reasons.append("the reasoner found the graph inconsistent")
        if report.validation is not None and not report.validation.conforms:
            reasons.append(f"{report.validation.violations} SHACL violation(s)")
        where = (
            f"; the store at {report.store_path} was left as it was" if report.store_path else ""
        )
        super().__init__("build failed: " + " and ".join(reasons) + where)


def build(
    project: Project,
    store_path: Path | None = None,
    run_reasoner: bool = True,
    progress: Progress | None = None,
) -> BuildReport:
    """Build the graph into ``store_path`` (in memory when None); raise BuildFailed on a check."""
    progress = progress or _Silent()
    report = BuildReport(store_path=store_path)
    prefixes = prefix_map(project.ontology_file)
    with StagedStore(store_path) as staged:

        @contextmanager
        def stage(name: str, total: int | None = None) -> Iterator[None]:
            progress.start(name, total)
            started = time.perf_counter()
            yield
            report.stages[name] = time.perf_counter() - started
            progress.finish(name, report.stages[name])

        files = project.source_files()
        queries = load_queries(project.queries_dir)  # a broken query file fails the build early
        with stage("parse", total=len(files)):
            dataset = Dataset.load(project, staged.store, on_file=lambda _: progress.advance())
        report.files = dataset.files
        if run_reasoner:
            with stage("reason"):
                report.reasoning = reason(dataset)
        with stage("validate"):
            report.validation = validate(dataset, converter(project.ontology_file))
        if not report.ok:
            raise BuildFailed(report)
        with stage("assemble"):
            if report.reasoning is not None:
                staged.store.bulk_extend(report.reasoning.inferred_quads())
            for query in queries.values():
                quads = query_quads(query, prefixes)
                staged.store.bulk_extend(quads)
                report.query_triples[query.slug] = len(quads)
            report.counts = entity_counts(
                EmbeddedClient(
                    staged.store, project.queries_dir, converter(project.ontology_file), prefixes
                )
            )
        del dataset
        with stage("store"):
            staged.commit()
            report.stored = store_path is not None
            if store_path is None:
                report.memory_store = staged.store
    return report


def entity_counts(client: QueryClient) -> dict[str, int]:
    """The ``stats`` stored query as a dict of kind to count."""
    result = client.run_query("stats")
    return {str(row["kind"]): int(row["count"]) for row in result}
