"""Speed and memory of the build, the stored queries and the export, as ratios to baselines
measured in the same run, on synthetic graphs of 10 k and 100 k triples (1 M with --large).

    python benchmarks/run.py [--large] [--sizes 10000 100000] [--runs 5]

For each size, ``benchmarks/generate.py`` writes a synthetic project, then every measurement
runs in a fresh process (so its peak memory is its own):

- the build, stage by stage (parse, reason, validate, assemble, store), into an on-disk store;
- the rebuild after one data file changed;
- export of the built store to N-Quads;
- the stored queries on the built store, with their example parameters: median of --runs runs
  after a warm-up;

and the baselines: pyoxigraph's raw ``Store.bulk_load`` of the same files into memory (the
fastest load pyoxigraph offers, the floor for the load stage and the yardstick for the build),
``Store.dump`` of the built store to N-Quads, rdflib's parse of the same files and rdflib's SPARQL
on the same query texts (parameters bound the same way), and pySHACL with default settings on
an rdflib graph of the ontology and data.

It prints a table with the goals and writes it as JSON to benchmarks/results/ (git-ignored),
with the machine it ran on.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from importlib.metadata import version
from multiprocessing import get_context
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))

from generate import generate  # noqa: E402

DEFAULT_SIZES = (10_000, 100_000)
LARGE = 1_000_000
RDFLIB_QUERY_RUNS_ABOVE_100K = 1  # rdflib takes seconds per query at 1 M
RDFLIB_QUERY_CAP = 10  # seconds; rdflib can take hours on nested OPTIONALs: the speed-up is ">="
PYSHACL_CAP = 300  # seconds; pySHACL takes many minutes at 1 M: the speed-up is then ">="


# --- measurements; each runs in its own process and returns its figures and peak memory ---


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _median(work: Callable[[], object], runs: int) -> float:
    work()  # warm-up
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def raw_bulk_load(root: str) -> dict[str, Any]:
    import pyoxigraph as ox

    from cartkg.paths import Project

    files = Project(Path(root)).source_files()
    started = time.perf_counter()
    store = ox.Store()
    for f in files:
        store.bulk_load(
            path=str(f.path), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(f.graph)
        )
    return {"seconds": time.perf_counter() - started, "peak_mib": _peak_mib(), "quads": len(store)}


def raw_bulk_load_to_disk(root: str, folder: str) -> dict[str, Any]:
    """The same files in one stream into a new on-disk store: what writing the store costs."""
    import pyoxigraph as ox

    from cartkg.paths import Project

    files = Project(Path(root)).source_files()

    def quads():
        for f in files:
            graph = ox.NamedNode(f.graph)
            for t in ox.parse(path=str(f.path), format=ox.RdfFormat.TURTLE):
                yield ox.Quad(t.subject, t.predicate, t.object, graph)

    started = time.perf_counter()
    store = ox.Store(folder)
    store.bulk_extend(quads())
    store.flush()
    seconds = time.perf_counter() - started
    count = len(store)
    del store
    shutil.rmtree(folder, ignore_errors=True)
    return {"seconds": seconds, "peak_mib": _peak_mib(), "quads": count}


def cartkg_build(root: str, store: str, full: bool = False) -> dict[str, Any]:
    from cartkg.build import build
    from cartkg.paths import Project

    started = time.perf_counter()
    report = build(Project(Path(root)), Path(store), full=full)
    return {
        "seconds": time.perf_counter() - started,
        "peak_mib": _peak_mib(),
        "stages": report.stages,
        "triples": sum(f.triples for f in report.files if f.source.role == "data"),
        "files": sum(f.source.role == "data" for f in report.files),
    }


def cartkg_export(store: str, out: str) -> dict[str, Any]:
    from cartkg.export import export, get_format
    from cartkg.store import open_store

    opened = open_store(Path(store))
    floor = _peak_mib()
    started = time.perf_counter()
    export(opened, Path(out), get_format(None, Path(out)))
    return {"seconds": time.perf_counter() - started, "peak_mib": _peak_mib(), "floor_mib": floor}


def oxigraph_dump(store: str, out: str) -> dict[str, Any]:
    import pyoxigraph as ox

    opened = ox.Store.read_only(store)
    floor = _peak_mib()
    started = time.perf_counter()
    opened.dump(output=out, format=ox.RdfFormat.N_QUADS)
    return {"seconds": time.perf_counter() - started, "peak_mib": _peak_mib(), "floor_mib": floor}


def _query_texts(root: str, store: str) -> dict[str, str]:
    """Each stored query as the exact text the embedded client runs (example parameters bound,
    names among them resolved on the built store, as the client resolves them)."""
    from cartkg.errors import InputError
    from cartkg.namespaces import converter, prefix_map, sparql_prologue
    from cartkg.paths import Project
    from cartkg.queries import EmbeddedClient, load_queries, with_values
    from cartkg.store import open_store

    project = Project(Path(root))
    prefixes = prefix_map(project.ontology_file)
    curies = converter(project.ontology_file)
    client = EmbeddedClient(open_store(Path(store)), project.queries_dir, curies, prefixes)
    texts = {}
    for slug, query in load_queries(project.queries_dir).items():
        params = {p.name: p.example for p in query.params if p.example is not None}
        try:
            bindings = query.bind(params, curies, client.resolver)
        except InputError:
            continue  # an example names what this graph does not hold (a synthetic one)
        texts[slug] = with_values(sparql_prologue(prefixes) + query.body, bindings)
    return texts


def cartkg_queries(root: str, store: str, runs: int) -> dict[str, Any]:
    from cartkg.queries import _rdflib_result
    from cartkg.store import open_store

    opened = open_store(Path(store))
    medians, rows = {}, {}
    for slug, text in _query_texts(root, store).items():

        def run(text: str = text) -> int:
            answer = opened.query(text, use_default_graph_as_union=True)
            return len(_rdflib_result(answer))  # the rows as the CLI gets them

        medians[slug] = _median(run, runs)
        rows[slug] = run()
    return {"queries": medians, "rows": rows, "peak_mib": _peak_mib()}


def _rdflib_dataset(root: str, roles: tuple[str, ...] = ("ontology", "data", "shapes")):
    from rdflib import Dataset, URIRef

    from cartkg.paths import Project

    dataset = Dataset(default_union=True)
    for f in Project(Path(root)).source_files(roles):
        dataset.graph(URIRef(f.graph)).parse(f.path, format="turtle")
    return dataset


def rdflib_parse_and_queries(root: str, store: str, runs: int) -> dict[str, Any]:
    started = time.perf_counter()
    dataset = _rdflib_dataset(root)
    parse = time.perf_counter() - started
    parse_peak = _peak_mib()
    medians, rows, errors, timeouts = {}, {}, {}, {}

    def on_alarm(signum: int, frame: object) -> None:
        raise TimeoutError

    signal.signal(signal.SIGALRM, on_alarm)
    for slug, text in _query_texts(root, store).items():
        started = time.perf_counter()
        signal.alarm(RDFLIB_QUERY_CAP)
        try:
            rows[slug] = len(dataset.query(text))  # the warm-up
        except TimeoutError:
            timeouts[slug] = RDFLIB_QUERY_CAP
            continue
        except Exception as e:  # rdflib fails on some valid SPARQL; say so, compare the rest
            errors[slug] = f"{type(e).__name__}: {e}"
            continue
        finally:
            signal.alarm(0)
        first = time.perf_counter() - started
        slow = first > RDFLIB_QUERY_CAP / 10
        medians[slug] = first if slow else _median(lambda t=text: len(dataset.query(t)), runs)
    return {
        "timeouts": timeouts,
        "seconds": parse,
        "peak_mib": parse_peak,
        "queries": medians,
        "rows": rows,
        "errors": errors,
    }


def pyshacl_default(root: str) -> dict[str, Any]:
    from pyshacl import validate
    from rdflib import Graph

    from cartkg.paths import Project

    project = Project(Path(root))
    data, shapes = Graph(), Graph()
    for f in project.source_files(("ontology", "data")):
        data.parse(f.path, format="turtle")
    for f in project.source_files(("shapes",)):
        shapes.parse(f.path, format="turtle")

    def on_alarm(signum: int, frame: object) -> None:
        raise TimeoutError

    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(PYSHACL_CAP)
    started = time.perf_counter()
    try:
        conforms, _, _ = validate(data, shacl_graph=shapes)
    except TimeoutError:  # stopped: its time is at least the cap
        conforms = None
    finally:
        signal.alarm(0)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "peak_mib": _peak_mib(),
        "conforms": conforms,
        "stopped": conforms is None,
    }


def snapshot_import(root: str) -> dict[str, Any]:
    """``cartkg import snapshot`` of the repository's snapshot into an empty data folder."""
    from cartkg.paths import Project
    from cartkg.snapshot import import_snapshot

    started = time.perf_counter()
    report = import_snapshot(Project(Path(root)))
    return {
        "seconds": time.perf_counter() - started,
        "peak_mib": _peak_mib(),
        "trials": report.trials.count,
        "files": report.trials.files,
    }


def in_own_process(function: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
    with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
        return pool.submit(function, *args).result()


# --- one size ---


def edit_one_data_file(root: Path) -> str:
    """Add a comment to one synthetic trial, as a curator's small edit would."""
    import pyoxigraph as ox

    trial = sorted((root / "data" / "trials").glob("NCT9*.ttl"))[0]
    subject = next(iter(ox.parse(path=str(trial), format=ox.RdfFormat.TURTLE))).subject
    with trial.open("a", encoding="utf-8") as f:
        f.write(f'\n{subject} <http://www.w3.org/2000/01/rdf-schema#comment> "edited" .\n')
    return trial.relative_to(root).as_posix()


def measure(triples: int, work: Path, runs: int) -> dict[str, Any]:
    root = work / f"synthetic-{triples}"
    generate(root, triples, seed=1)
    store = work / f"store-{triples}"
    print(f"  {triples:,} triples: raw load", flush=True)
    raw = in_own_process(raw_bulk_load, str(root))
    raw_disk = in_own_process(raw_bulk_load_to_disk, str(root), str(work / "raw-disk"))
    print("  build", flush=True)
    built = in_own_process(cartkg_build, str(root), str(store))
    print("  export", flush=True)
    exported = in_own_process(cartkg_export, str(store), str(work / "export.nq"))
    dumped = in_own_process(oxigraph_dump, str(store), str(work / "dump.nq"))
    print("  queries", flush=True)
    ours = in_own_process(cartkg_queries, str(root), str(store), runs)
    rdflib_runs = runs if triples <= 100_000 else RDFLIB_QUERY_RUNS_ABOVE_100K
    print("  rdflib", flush=True)
    theirs = in_own_process(rdflib_parse_and_queries, str(root), str(store), rdflib_runs)
    print("  pySHACL", flush=True)
    shacl = in_own_process(pyshacl_default, str(root))
    print("  matching a patient", flush=True)
    matched = in_own_process(match_timing, str(root), str(store), runs)
    print("  rebuild after one edit", flush=True)
    edited = edit_one_data_file(root)
    rebuilt = in_own_process(cartkg_build, str(root), str(store))
    for f in ("export.nq", "dump.nq"):
        (work / f).unlink(missing_ok=True)
    return {
        "triples": built["triples"],
        "files": built["files"],
        "raw_load": raw,
        "raw_load_disk": raw_disk,
        "build": built,
        "rebuild": {**rebuilt, "edited": edited},
        "export": exported,
        "dump": dumped,
        "queries": ours,
        "rdflib": {**theirs, "query_runs": rdflib_runs},
        "pyshacl": shacl,
        "match": matched,
    }


def measure_real_graph(work: Path) -> dict[str, Any]:
    """The registry snapshot imported from scratch, and the build of the repository's own graph
    (every registry trial), each beside pyoxigraph's raw load of the same files."""
    scratch = work / "snapshot"
    for name in ("ontology", "shapes", "queries", "registry"):
        shutil.copytree(REPO / name, scratch / name)
    (scratch / "data").mkdir()
    print("  the registry snapshot: import into an empty data folder", flush=True)
    imported = in_own_process(snapshot_import, str(scratch))
    written = in_own_process(raw_bulk_load, str(scratch))
    real = work / "real"
    for name in ("ontology", "shapes", "queries", "data"):
        shutil.copytree(REPO / name, real / name)
    store = work / "store-real"
    print("  the real graph: raw load, full build, rebuild after one edit", flush=True)
    raw = in_own_process(raw_bulk_load, str(real))
    built = in_own_process(cartkg_build, str(real), str(store))  # a fresh clone: no cache
    warm = in_own_process(cartkg_build, str(real), str(store), True)  # checks kept (cartkg.cache)
    trial = real / "data" / "trials" / "NCT05869955.ttl"
    with trial.open("a", encoding="utf-8") as f:
        f.write('\n<https://w3id.org/cartkg/id/trial/NCT05869955> '
                '<http://www.w3.org/2000/01/rdf-schema#comment> "edited" .\n')  # fmt: skip
    rebuilt = in_own_process(cartkg_build, str(real), str(store))
    print("  the real graph: names in stored queries, and searches", flush=True)
    names = in_own_process(name_lookups, str(real), str(store), 5)
    print("  the real graph: matching a patient", flush=True)
    matched = in_own_process(match_timing, str(real), str(store), 5)
    print("  the real graph: the report site", flush=True)
    reported = in_own_process(report_timing, str(real), str(store), str(work / "site"))
    return {
        "import": imported, "import_raw_load": written, "raw_load": raw, "build": built,
        "warm_build": warm, "rebuild": {**rebuilt, "edited": trial.relative_to(real).as_posix()},
        "names": names, "match": matched, "report": reported,
    }  # fmt: skip


# stored queries with the names people type, and the same parameters as terms (issue 17)
NAMED_PARAMETERS = {
    "product-construct": {"product": ("CABA-201", "product:rese-cel")},
    "trials-excluding": {
        "measure": ("LVEF", "measure:lvef"),
        "value": ("50", None),
        "unit": ("%", "unit:percent"),
    },
    "trials-for-indication": {"disease": ("systemic sclerosis", "MONDO:0005100")},
    "status-history": {"trial": ("nct06414135", "trial:NCT06414135")},
    "evidence": {"entity": ("rese-cel", "product:rese-cel")},
}
SEARCHES = ("CABA-201", "cd19", "systemic sclerosis", "10^9/L")


def name_lookups(root: str, store: str, runs: int) -> dict[str, Any]:
    """What resolving names adds to a stored query (each query with names, and with the same
    parameters given as terms, which need no lookup), and how long a search takes."""
    from rdflib import URIRef

    import cartkg

    client = cartkg.open_client(Path(root), Path(store))
    added, searches = {}, {}
    for slug, params in NAMED_PARAMETERS.items():
        named = {k: name for k, (name, _) in params.items()}
        terms = {
            k: URIRef(client.converter.expand(curie)) if curie else name
            for k, (name, curie) in params.items()
        }
        with_names = _median(lambda s=slug, p=named: client.run_query(s, **p), runs)
        with_terms = _median(lambda s=slug, p=terms: client.run_query(s, **p), runs)
        added[slug] = {"names": with_names, "terms": with_terms}
    for text in SEARCHES:
        searches[text] = _median(lambda t=text: client.search(t), runs)
    return {"added": added, "searches": searches}


MATCH_PROFILE = REPO / "examples" / "patient-ssc.json"


def match_timing(root: str, store: str, runs: int) -> dict[str, Any]:
    """One profile matched against every trial (warm: the units registry and the queries
    loaded), beside the stored query that lists every trial, as a baseline of the same run."""
    import cartkg
    from cartkg.matching import match_patient, read_profile

    client = cartkg.open_client(Path(root), Path(store))
    profile = read_profile(MATCH_PROFILE)
    trials = len(match_patient(client, profile)[1])
    return {
        "trials": trials,
        "match": _median(lambda: match_patient(client, profile), runs),
        "list_trials": _median(lambda: client.run_query("trials"), runs),
    }


def report_timing(root: str, store: str, out: str) -> dict[str, Any]:
    """cartkg report on the real graph: seconds to write the site, the overview's weight with
    its scripts, beside the trials query and a copy of the written site as baselines."""
    import cartkg

    start = time.perf_counter()
    summary = cartkg.report(out, root=Path(root), store=Path(store))
    seconds = time.perf_counter() - start
    client = cartkg.open_client(Path(root), Path(store))
    start = time.perf_counter()
    shutil.copytree(out, out + "-copy")
    copy = time.perf_counter() - start
    return {
        "seconds": seconds,
        "pages": summary.pages,
        "bytes": summary.bytes,
        "overview_bytes": summary.overview_bytes,
        "list_trials": _median(lambda: client.run_query("trials"), 3),
        "copy": copy,
    }


def rows_of_report(r: dict[str, Any]) -> list[dict[str, Any]]:
    """The goals of issue 19: the real graph's site in under 30 s, the overview under 3 MB."""
    mb = r["overview_bytes"] / 1e6
    return [
        {"measure": f"report ({r['pages']} pages)", "value": r["seconds"], "unit": "s",
         "baseline": "the goal, 30 s", "baseline_value": 30.0, "ratio": r["seconds"] / 30.0,
         "goal": 1.0, "higher_is_better": False, "met": r["seconds"] < 30.0},
        {"measure": "report", "value": r["seconds"], "unit": "s",
         "baseline": "copying the site", "baseline_value": r["copy"],
         "ratio": r["seconds"] / r["copy"] if r["copy"] else None, "goal": None,
         "higher_is_better": False, "met": None},
        {"measure": "overview page with scripts", "value": mb, "unit": "MB",
         "baseline": "the goal, 3 MB", "baseline_value": 3.0, "ratio": mb / 3.0, "goal": 1.0,
         "higher_is_better": False, "met": mb < 3.0},
    ]  # fmt: skip


def rows_of_match(m: dict[str, Any], goal_s: float | None) -> list[dict[str, Any]]:
    """The goal of issue 18: one profile against every trial in under 1 s on the real graph,
    under 5 s on the 100k synthetic graph (no goal is set for larger graphs)."""
    rows = (
        []
        if goal_s is None
        else [
            {
                "measure": f"match one profile ({m['trials']} trials)",
                "value": m["match"],
                "unit": "s",
                "baseline": f"the goal, {goal_s:g} s",
                "baseline_value": goal_s,
                "ratio": m["match"] / goal_s,
                "goal": 1.0,
                "higher_is_better": False,
                "met": m["match"] < goal_s,
            },
        ]
    )
    return [
        *rows,
        {"measure": "match one profile", "value": m["match"], "unit": "s",
         "baseline": "the trials query", "baseline_value": m["list_trials"],
         "ratio": m["match"] / m["list_trials"] if m["list_trials"] else None, "goal": None,
         "higher_is_better": False, "met": None},
    ]  # fmt: skip


def rows_of_names(m: dict[str, Any]) -> list[dict[str, Any]]:
    """The goals of issue 17: resolution adds at most 50 ms to a stored query, a search answers
    in under 200 ms, on the real graph."""
    rows = []
    for slug, t in m["added"].items():
        extra_ms = (t["names"] - t["terms"]) * 1000
        rows.append({
            "measure": f"{slug}: names resolved", "value": t["names"], "unit": "s",
            "baseline": "terms given", "baseline_value": t["terms"],
            "ratio": t["names"] / t["terms"] if t["terms"] else None, "goal": None,
            "higher_is_better": False, "met": None,
        })  # fmt: skip
        rows.append({
            "measure": f"{slug}: ms added", "value": extra_ms, "unit": "ms",
            "baseline": "the goal, 50 ms", "baseline_value": 50.0, "ratio": extra_ms / 50.0,
            "goal": 1.0, "higher_is_better": False, "met": extra_ms <= 50.0,
        })  # fmt: skip
    for text, seconds in m["searches"].items():
        ms = seconds * 1000
        rows.append({
            "measure": f"search {text!r}", "value": ms, "unit": "ms",
            "baseline": "the goal, 200 ms", "baseline_value": 200.0, "ratio": ms / 200.0,
            "goal": 1.0, "higher_is_better": False, "met": ms < 200.0,
        })  # fmt: skip
    return rows


def rows_of_real(m: dict[str, Any]) -> list[dict[str, Any]]:
    """The goals of issue 15: import under 10 s, build at most 10x its raw load, a rebuild at
    most 0.1 of a full build."""

    def row(what, ours, unit, name, baseline, goal=None, ratio=None, met=None):
        ratio = ratio if ratio is not None else (ours / baseline if baseline else None)
        return {
            "measure": what, "value": ours, "unit": unit, "baseline": name,
            "baseline_value": baseline, "ratio": ratio, "goal": goal, "higher_is_better": False,
            "met": met if met is not None else (ratio <= goal if goal and ratio else None),
        }  # fmt: skip

    imported, raw = m["import"], m["raw_load"]
    written = m["import_raw_load"]
    return [
        row("snapshot import", imported["seconds"], "s", "bulk_load its files", written["seconds"]),
        row("snapshot import, seconds", imported["seconds"], "s", "the goal, 10 s", 10.0, 1.0),
        row(
            "import peak memory", imported["peak_mib"], "MiB", "bulk_load peak", written["peak_mib"]
        ),
        row("full build, fresh clone", m["build"]["seconds"], "s", "bulk_load", raw["seconds"], 10),
        row(
            "full build, checks kept",
            m["warm_build"]["seconds"],
            "s",
            "bulk_load",
            raw["seconds"],
            10,
        ),
        row("build peak memory", m["build"]["peak_mib"], "MiB", "bulk_load peak", raw["peak_mib"]),
        row(
            "rebuild after 1 edit",
            m["rebuild"]["seconds"],
            "s",
            "fresh full build",
            m["build"]["seconds"],
            0.1,
        ),
        row(
            "rebuild after 1 edit",
            m["rebuild"]["seconds"],
            "s",
            "full, checks kept",
            m["warm_build"]["seconds"],
            0.1,
        ),
    ]


def rows_of(m: dict[str, Any], large: bool) -> list[dict[str, Any]]:
    """The table: each figure beside its baseline, the ratio, and the issue's goal."""
    raw, build = m["raw_load"], m["build"]
    stages = build["stages"]
    theirs = m["rdflib"]["queries"]
    compared = {slug: s for slug, s in m["queries"]["queries"].items() if slug in theirs}
    query_speedups = {slug: theirs[slug] / max(s, 1e-9) for slug, s in compared.items()}

    def row(what, ours, unit, baseline_name, baseline, goal=None, higher_is_better=False):
        ratio = (baseline / ours if higher_is_better else ours / baseline) if baseline else None
        met = None
        if goal is not None and ratio is not None:
            met = ratio >= goal if higher_is_better else ratio <= goal
        return {
            "measure": what,
            "value": ours,
            "unit": unit,
            "baseline": baseline_name,
            "baseline_value": baseline,
            "ratio": ratio,
            "goal": goal,
            "higher_is_better": higher_is_better,
            "met": met,
        }

    rows = [
        row("load (parse stage)", stages["parse"], "s", "bulk_load", raw["seconds"], 1.5),
        row("reason", stages.get("reason", 0.0), "s", "bulk_load", raw["seconds"]),
        row(
            "validate",
            stages["validate"],
            "s",
            "pySHACL, stopped" if m["pyshacl"].get("stopped") else "pySHACL default",
            m["pyshacl"]["seconds"],
        ),
        row("assemble", stages["assemble"], "s", "bulk_load", raw["seconds"]),
        row("store (write to disk)", stages["store"], "s", "bulk_load", raw["seconds"]),
        row(
            "full build", build["seconds"], "s", "bulk_load", raw["seconds"], 10 if large else None
        ),
        row(
            "full build (info)",
            build["seconds"],
            "s",
            "bulk_load to disk",
            m["raw_load_disk"]["seconds"],
        ),
        row(
            "build peak memory",
            build["peak_mib"],
            "MiB",
            "bulk_load peak",
            raw["peak_mib"],
            3 if large else None,
        ),
        row(
            "rebuild after 1 edit",
            m["rebuild"]["seconds"],
            "s",
            "full build",
            build["seconds"],
            0.1,
        ),
        row("export N-Quads", m["export"]["seconds"], "s", "Store.dump", m["dump"]["seconds"], 2),
        row(
            "export memory growth",
            m["export"]["peak_mib"] - m["export"]["floor_mib"],
            "MiB",
            "Store.dump growth",
            max(m["dump"]["peak_mib"] - m["dump"]["floor_mib"], 1.0),
        ),
        row("rdflib parse (info)", m["rdflib"]["seconds"], "s", "bulk_load", raw["seconds"]),
        row(
            "queries, median speed-up",
            statistics.median(compared.values()),
            "s",
            "rdflib SPARQL",
            statistics.median(theirs.values()),
            10,
            higher_is_better=True,
        ),
    ]
    rows[-1]["ratio"] = statistics.median(query_speedups.values())
    rows[-1]["met"] = rows[-1]["ratio"] >= 10
    for slug, speedup in sorted(query_speedups.items()):
        ours = m["queries"]["queries"][slug]
        rows.append(
            row(f"  query {slug}", ours, "s", "rdflib", m["rdflib"]["queries"][slug], None, True)
        )
        rows[-1]["ratio"] = speedup
    for slug, cap in sorted(m["rdflib"]["timeouts"].items()):
        ours = m["queries"]["queries"][slug]
        rows.append(row(f"  query {slug}", ours, "s", "rdflib, stopped", cap, None, True))
        rows[-1]["lower_bound"] = True  # rdflib had not finished: the speed-up is at least this
    for slug, error in sorted(m["rdflib"]["errors"].items()):
        ours = m["queries"]["queries"][slug]
        rows.append(row(f"  query {slug}", ours, "s", "rdflib fails", None, None, True))
        rows[-1]["error"] = error
    return rows


def cells(r: dict[str, Any]) -> tuple[str, str, str, str, str, str]:
    """A row's measure, value, baseline, baseline value, ratio and goal, as text."""
    unit = r["unit"]

    def shown(v: float) -> str:
        return (
            f"{v:.3f} {unit}"
            if unit == "s"
            else f"{v:.2f} {unit}"
            if unit == "MB"
            else (f"{v:.0f} {unit}")
        )

    base = r["baseline_value"]
    ratio = (
        ""
        if r["ratio"] is None
        else (f"{r['ratio']:.1f}x" if r["higher_is_better"] else f"{r['ratio']:.2f}")
    )
    if r.get("lower_bound"):
        ratio = ">=" + ratio
    goal = ""
    if r["goal"] is not None:
        sign = ">=" if r["higher_is_better"] else "<="
        goal = f"{sign} {r['goal']}{'x' if r['higher_is_better'] else ''}"
        goal += "  met" if r["met"] else "  NOT MET"
    return (
        r["measure"], shown(r["value"]), r["baseline"], "-" if base is None else shown(base),
        ratio, goal,
    )  # fmt: skip


def print_table(triples: int, files: int, rows: list[dict[str, Any]]) -> None:
    print(f"\n{triples:,} data triples in {files:,} files")
    print(f"{'measure':<28}{'cartkg':>12}  {'baseline':<18}{'baseline':>12}{'ratio':>9}  goal")
    for r in rows:
        measure, value, baseline, base_text, ratio, goal = cells(r)
        print(f"{measure:<28}{value:>12}  {baseline:<18}{base_text:>12}{ratio:>9}  {goal}")


FIGURES = REPO / "docs" / "benchmarks.md"


def write_figures(results: dict[str, Any], tables: list[tuple[str, list[dict[str, Any]]]]) -> None:
    """docs/benchmarks.md: the latest run's figures, so no page quotes them by hand."""
    info = results["machine"]
    lines = [
        "# Benchmark figures",
        "",
        "<!-- Written by `make bench` (benchmarks/run.py): do not edit by hand. -->",
        "",
        f"The latest `make bench`, run on {results['date'][:10]}: {info['cores']} cores, "
        f"{info['memory_gib']} GiB, {info['cpu']}, Python {info['python']}, "
        + ", ".join(f"{k} {v}" for k, v in info["libraries"].items())
        + ". Each figure is a ratio against a baseline measured in the same run; what each "
        "measure means is in [performance.md](performance.md).",
    ]
    for title, rows in tables:
        lines += ["", f"## {title}", "",
                  "| measure | cartkg | baseline | baseline value | ratio | goal |",
                  "|---|---|---|---|---|---|"]  # fmt: skip
        lines += ["| " + " | ".join(c.replace("|", "/") for c in cells(r)) + " |" for r in rows]
    FIGURES.write_text("\n".join(lines) + "\n", encoding="utf-8")


def machine() -> dict[str, Any]:
    return {
        "cores": os.cpu_count(),
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "cpu": platform.processor() or platform.machine(),
        "python": platform.python_version(),
        "libraries": {
            n: version(n) for n in ("pyoxigraph", "rdflib", "pyshacl", "owlready2", "cartkg")
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES))
    parser.add_argument("--large", action="store_true", help=f"add the {LARGE:,}-triple size")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per query, after a warm-up")
    parser.add_argument("--work", type=Path, help="folder for the generated projects (kept)")
    args = parser.parse_args(argv)
    sizes = sorted(set(args.sizes) | ({LARGE} if args.large else set()))
    work = args.work or Path(tempfile.mkdtemp(prefix="cartkg-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    info = machine()
    print(
        f"cartkg benchmark on {info['cores']} cores, {info['memory_gib']} GiB, "
        f"Python {info['python']}, " + ", ".join(f"{k} {v}" for k, v in info["libraries"].items())
    )
    results: dict[str, Any] = {"machine": info, "date": time.strftime("%Y-%m-%dT%H:%M:%S")}
    results["sizes"] = {}
    tables: list[tuple[str, list[dict[str, Any]]]] = []
    try:
        print("the repository's graph", flush=True)
        real = measure_real_graph(work)
        rows = rows_of_real(real)
        print_table(real["build"]["triples"], real["build"]["files"], rows)
        names = rows_of_names(real["names"])
        print_table(real["build"]["triples"], real["build"]["files"], names)
        rows += names
        matching = rows_of_match(real["match"], 1.0)
        print_table(real["build"]["triples"], real["build"]["files"], matching)
        rows += matching
        reporting = rows_of_report(real["report"])
        print_table(real["build"]["triples"], real["build"]["files"], reporting)
        rows += reporting
        print(f"(the snapshot import wrote {real['import']['files']:,} files for "
              f"{real['import']['trials']} trials)")  # fmt: skip
        results["real"] = {**real, "rows": rows}
        tables.append((f"The repository's graph ({real['build']['triples']:,} triples)", rows))
        for triples in sizes:
            m = measure(triples, work, args.runs)
            rows = rows_of(m, large=triples >= LARGE)
            rows += rows_of_match(m["match"], 5.0 if triples <= 100_000 else None)
            print_table(m["triples"], m["files"], rows)
            results["sizes"][str(triples)] = {**m, "rows": rows}
            tables.append((f"Synthetic graph of {m['triples']:,} data triples", rows))
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    out_dir = REPO / "benchmarks" / "results"
    out_dir.mkdir(exist_ok=True)
    out = out_dir / time.strftime("run-%Y%m%dT%H%M%S.json")
    out.write_text(json.dumps(results, indent=2))
    write_figures(results, tables)
    print(f"\nwritten to {out.relative_to(REPO)} and {FIGURES.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
