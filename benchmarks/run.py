"""Speed of the build stages and stored queries, as ratios to baselines measured in the same run.

Baselines: pyoxigraph's raw ``Store.bulk_load`` of the same files (the floor for the load stage),
and rdflib running the same stored queries. Figures are medians of several runs after a warm-up.
Results go to benchmarks/results/ as JSON (git-ignored) so runs can be compared.

This first version measures the real graph; the synthetic generator at 10 k, 100 k and 1 M
triples comes with the benchmark issue.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset as RdflibDataset
from rdflib import URIRef

from cartkg.dataset import Dataset
from cartkg.io import to_rdflib
from cartkg.namespaces import converter, prefix_map, sparql_prologue
from cartkg.paths import Project
from cartkg.queries import EmbeddedClient, load_queries

REPO = Path(__file__).resolve().parents[1]


def median_seconds(work: Callable[[], object], runs: int) -> float:
    work()  # warm-up
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def raw_bulk_load(project: Project) -> None:
    store = ox.Store()
    for f in project.source_files():
        store.bulk_load(
            path=str(f.path), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(f.graph)
        )


def machine() -> dict[str, object]:
    return {
        "cores": os.cpu_count(),
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "python": platform.python_version(),
        "libraries": {n: version(n) for n in ("pyoxigraph", "rdflib", "pyshacl", "owlready2")},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    project = Project(REPO)
    prefixes = prefix_map(project.ontology_file)
    rows: list[dict[str, object]] = []

    raw = median_seconds(lambda: raw_bulk_load(project), args.runs)
    load = median_seconds(lambda: Dataset.load(project), args.runs)
    rows.append(
        {
            "stage": "load",
            "seconds": load,
            "baseline": "pyoxigraph bulk_load",
            "baseline_seconds": raw,
            "ratio": load / raw,
        }
    )

    dataset = Dataset.load(project)
    client = EmbeddedClient(
        dataset.store, project.queries_dir, converter(project.ontology_file), prefixes
    )
    rdf = RdflibDataset(default_union=True)
    for q in dataset.quads():
        rdf.graph(URIRef(q.graph_name.value)).add(
            tuple(to_rdflib(t) for t in (q.subject, q.predicate, q.object))
        )
    for slug, query in load_queries(project.queries_dir).items():
        params = {p.name: p.example for p in query.params if p.example is not None}
        ours = median_seconds(lambda q=query, p=params: list(client.run(q, p)), args.runs)
        text = sparql_prologue(prefixes) + query.body
        theirs = median_seconds(lambda t=text: list(rdf.query(t)), args.runs)
        rows.append(
            {
                "stage": f"query {slug}",
                "seconds": ours,
                "baseline": "rdflib SPARQL",
                "baseline_seconds": theirs,
                "ratio": ours / theirs,
            }
        )

    print(f"cartkg benchmark on {dataset.triple_count} triples ({len(dataset.files)} files)")
    print(f"{'stage':<24}{'seconds':>10}  {'baseline':<22}{'seconds':>10}{'ratio':>8}")
    for r in rows:
        print(
            f"{r['stage']:<24}{r['seconds']:>10.4f}  {r['baseline']:<22}"
            f"{r['baseline_seconds']:>10.4f}{r['ratio']:>8.2f}"
        )
    results = REPO / "benchmarks" / "results"
    results.mkdir(exist_ok=True)
    out = results / time.strftime("run-%Y%m%dT%H%M%S.json")
    out.write_text(
        json.dumps({"machine": machine(), "triples": dataset.triple_count, "rows": rows}, indent=2)
    )
    print(f"written to {out.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
