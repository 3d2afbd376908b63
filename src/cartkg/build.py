"""The build: load every file, reason, validate, and store the graph only if all checks passed."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox

from cartkg.dataset import Dataset, LoadedFile, load_files
from cartkg.errors import CheckFailed
from cartkg.io import to_rdflib
from cartkg.manifest import Changes, Entry, Manifest, compare, file_digest, schema_digest
from cartkg.names import NAMES_GRAPH, index_names
from cartkg.namespaces import converter, prefix_map, show_term
from cartkg.paths import Project, SourceFile
from cartkg.queries import EmbeddedClient, QueryClient, load_queries, query_quads
from cartkg.reason import ReasonReport, reason, still_true, take_inferences
from cartkg.shacl import ValidationReport, carry_over, load_results, save_results, validate
from cartkg.store import StagedStore, current_folder


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
    names: int = 0  # triples of the name index (graph:inferred/names)
    store_path: Path | None = None
    stored: bool = False
    memory_store: ox.Store | None = None  # the built graph, when built in memory
    incremental: bool = False  # only the changed files were parsed and checked again
    changed: list[str] = field(default_factory=list)  # their relative paths

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
    full: bool = False,
) -> BuildReport:
    """Build the graph into ``store_path`` (in memory when None); raise BuildFailed on a check.

    When ``store_path`` holds a store built from the same ontology, shapes, queries and options,
    only the data files that changed since are parsed and checked again, and the store is
    updated (see ``rebuild``); ``full`` forces a build from scratch.
    """
    progress = progress or _Silent()
    schema = schema_digest(project, {"reason": run_reasoner})
    data_files = project.source_files(("data",))
    digests = {f.relpath: file_digest(f.path) for f in data_files}
    if store_path is not None and not full:
        folder = current_folder(store_path)
        previous = Manifest.read(folder) if folder is not None else None
        if folder is not None and previous is not None and previous.schema == schema:
            changes = compare(previous, data_files, digests)
            return rebuild(
                project, store_path, folder, previous, changes, digests, run_reasoner, progress
            )

    report = BuildReport(store_path=store_path)
    prefixes = prefix_map(project.ontology_file)
    with StagedStore(store_path) as staged:
        stage = _stages(report, progress)
        files = project.source_files()
        queries = load_queries(project.queries_dir)  # a broken query file fails the build early
        with stage("parse", total=len(files)):
            dataset = Dataset.load(project, staged.store, on_file=lambda _: progress.advance())
        report.files = dataset.files
        _check(dataset, report, run_reasoner, stage)
        with stage("assemble"):
            if report.reasoning is not None:
                staged.store.bulk_extend(report.reasoning.inferred_quads())
            for query in queries.values():
                quads = query_quads(query, prefixes)
                staged.store.bulk_extend(quads)
                report.query_triples[query.slug] = len(quads)
            report.names = index_names(staged.store, converter(project.ontology_file))
            report.counts = entity_counts(_client(project, staged.store, prefixes))
        del dataset
        with stage("store"):
            results = report.validation.results if report.validation is not None else []
            staged.commit(
                Manifest.of(schema, report.files, digests),
                lambda folder: save_results(results, folder),
            )
            report.stored = store_path is not None
            if store_path is None:
                report.memory_store = staged.store
    return report


def rebuild(
    project: Project,
    store_path: Path,
    folder: Path,
    previous: Manifest,
    changes: Changes,
    digests: dict[str, str],
    run_reasoner: bool,
    progress: Progress,
) -> BuildReport:
    """Update a built store for the data files that changed: their graphs are replaced, and the
    checks run on the nodes those files describe or point to, and on the nodes pointing to the
    nodes they describe (every constraint of the shapes and every consistency rule looks one
    step away at most). HermiT does not run: the OWL rules check those nodes (see README,
    Performance).
    """
    report = BuildReport(store_path=store_path, incremental=True)
    report.changed = [f.relpath for f in changes.changed] + changes.removed
    prefixes = prefix_map(project.ontology_file)
    with StagedStore(store_path, start_from=folder) as staged:
        stage = _stages(report, progress)
        store = staged.store
        with stage("parse", total=len(changes.changed)):
            graphs = [ox.NamedNode(f.graph) for f in changes.changed]
            graphs += [
                ox.NamedNode(project.source_file(project.root / r).graph) for r in changes.removed
            ]
            subjects, objects = _nodes_in(store, graphs)
            for graph in graphs:
                store.remove_graph(graph)
            loaded = load_files(store, changes.changed, on_file=lambda _: progress.advance())
            new_subjects, new_objects = _nodes_in(
                store, [ox.NamedNode(f.source.graph) for f in loaded]
            )
            subjects |= new_subjects
            objects |= new_objects
            kept = {f.relpath for f in changes.unchanged}
            # data files that did not change keep their count; the schema files are counted
            files = [
                LoadedFile(f, previous.files[f.relpath].triples)
                if f.role == "data"
                else _counted(store, f)
                for f in project.source_files()
                if f.relpath in kept or f.role != "data"
            ]
            files = sorted(files + loaded, key=lambda f: f.source.relpath)
            dataset = Dataset(project, store, files)
            # what the changed statements say about, what they point to, and what points to
            # the nodes they describe (whose sh:class or defined class may rest on them)
            focus = subjects | objects | _pointing_to(store, subjects)
        report.files = dataset.files
        # the checks of a full build see no inference: set them aside while checking
        inferred = take_inferences(store)
        store.remove_graph(ox.NamedNode(NAMES_GRAPH))
        previous_results = load_results(folder)
        _check(dataset, report, run_reasoner, stage, focus)
        assert report.validation is not None
        if previous_results is not None:
            curies = converter(project.ontology_file)
            shown = {show_term(to_rdflib(n), curies) for n in focus}
            carry_over(report.validation, previous_results, shown, report.changed)
        with stage("assemble"):
            if report.reasoning is not None:
                store.bulk_extend(still_true(inferred, focus))
                store.bulk_extend(report.reasoning.inferred_quads())
            report.names = index_names(store, converter(project.ontology_file))
            report.counts = entity_counts(_client(project, store, prefixes))
        del dataset
        with stage("store"):
            manifest = Manifest(
                previous.schema, {k: e for k, e in previous.files.items() if k in kept}
            )
            manifest.files.update(
                {f.source.relpath: Entry(digests[f.source.relpath], f.triples) for f in loaded}
            )
            results = report.validation.results
            staged.commit(manifest, lambda folder: save_results(results, folder))
            report.stored = True
    return report


def _check(
    dataset: Dataset,
    report: BuildReport,
    run_reasoner: bool,
    stage: Callable[..., AbstractContextManager[None]],
    focus: set[ox.NamedNode | ox.BlankNode] | None = None,
) -> None:
    """Reason and validate. They run at the same time: HermiT is a Java process on the other
    core while validation runs here (the rules, in Python, take a small share of the time)."""

    def reasoned() -> tuple[ReasonReport, float]:
        started = time.perf_counter()
        return reason(dataset, focus=focus), time.perf_counter() - started

    with ThreadPoolExecutor(1) as pool:
        future = pool.submit(reasoned) if run_reasoner else None
        with stage("validate"):
            # a rebuild (with a focus) runs on the shapes the last full build checked
            report.validation = validate(
                dataset,
                converter(dataset.project.ontology_file),
                focus=focus,
                shapes_checked=focus is not None,
            )
        if future is not None:
            with stage("reason"):
                report.reasoning, seconds = future.result()
            report.stages["reason"] = seconds  # its own time, not the wait after validation
    if not report.ok:
        raise BuildFailed(report)


def _stages(report: BuildReport, progress: Progress) -> Callable[..., AbstractContextManager[None]]:
    @contextmanager
    def stage(name: str, total: int | None = None) -> Iterator[None]:
        progress.start(name, total)
        started = time.perf_counter()
        yield
        report.stages[name] = time.perf_counter() - started
        progress.finish(name, report.stages[name])

    return stage


def _client(project: Project, store: ox.Store, prefixes: dict[str, str]) -> EmbeddedClient:
    return EmbeddedClient(store, project.queries_dir, converter(project.ontology_file), prefixes)


def _counted(store: ox.Store, source: SourceFile) -> LoadedFile:
    graph = ox.NamedNode(source.graph)
    return LoadedFile(source, sum(1 for _ in store.quads_for_pattern(None, None, None, graph)))


Node = ox.NamedNode | ox.BlankNode


def _nodes_in(store: ox.Store, graphs: list[ox.NamedNode]) -> tuple[set[Node], set[Node]]:
    """The subjects, and the non-literal objects, of ``graphs``."""
    subjects: set[Node] = set()
    objects: set[Node] = set()
    for graph in graphs:
        for q in store.quads_for_pattern(None, None, None, graph):
            subjects.add(q.subject)
            if not isinstance(q.object, ox.Literal):
                objects.add(q.object)
    return subjects, objects


def _pointing_to(store: ox.Store, nodes: set[Node]) -> set[Node]:
    """The subjects of triples, in any graph, whose object is one of ``nodes``."""
    found: set[Node] = set()
    for node in nodes:
        for q in store.quads_for_pattern(None, None, node, None):
            found.add(q.subject)
    return found


def entity_counts(client: QueryClient) -> dict[str, int]:
    """The ``stats`` stored query as a dict of kind to count."""
    result = client.run_query("stats")
    return {str(row["kind"]): int(row["count"]) for row in result}
