"""Export and release: every format reads back as the dataset, graph by graph; a release is the
same bytes every time."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from helpers.project import REPO, CliRun
from rdflib import Dataset as RdflibDataset
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

from cartkg.errors import InputError
from cartkg.export import FORMATS, export, get_format, select_graphs
from cartkg.io import rdflib_graph
from cartkg.paths import Project
from cartkg.queries import load_queries
from cartkg.store import open_store

QUERY_GRAPH = "https://w3id.org/cartkg/graph/queries/"
SH = "http://www.w3.org/ns/shacl#"


@pytest.fixture(scope="module")
def store(real_store: Path) -> ox.Store:
    return open_store(real_store)


def store_graph(store: ox.Store, graph: str) -> Graph:
    return rdflib_graph(store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))


@pytest.mark.parametrize("name", [n for n, f in FORMATS.items() if f.has_graphs])
def test_quad_formats_read_back_isomorphic_graph_by_graph(
    name: str, store: ox.Store, real_store: Path, tmp_path: Path
) -> None:
    fmt = FORMATS[name]
    path = tmp_path / f"export{fmt.extensions[0]}"
    export(store, path, get_format(None, path))
    parsed = RdflibDataset()
    parsed.parse(path, format={"nq": "nquads", "trig": "trig", "jsonld": "json-ld"}[name])
    names = sorted(str(g.identifier) for g in parsed.graphs() if len(g))
    expected = sorted(g.value for g in select_graphs(store))
    assert names == expected
    assert any(n.startswith(QUERY_GRAPH) for n in names)
    for graph in expected:
        assert isomorphic(parsed.graph(URIRef(graph)), store_graph(store, graph)), graph


@pytest.mark.parametrize("name", [n for n, f in FORMATS.items() if not f.has_graphs])
def test_triple_formats_read_back_as_the_union(name: str, store: ox.Store, tmp_path: Path) -> None:
    fmt = FORMATS[name]
    path = tmp_path / f"export{fmt.extensions[0]}"
    export(store, path, fmt)
    parsed = Graph().parse(path, format={"ttl": "turtle", "nt": "nt", "rdfxml": "xml"}[name])
    union = rdflib_graph(store)
    assert len(union) > 7000
    assert isomorphic(parsed, union)


def test_chosen_graphs_only(store: ox.Store, tmp_path: Path) -> None:
    path = tmp_path / "trials.nq"
    export(store, path, FORMATS["nq"], ["trials/*", "graph:programs/rese-cel"])
    graphs = {q.graph_name.value for q in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS)}
    trials = {
        f"https://w3id.org/cartkg/graph/trials/{p.stem}"
        for p in (REPO / "data/trials").glob("*.ttl")
    }
    assert len(trials) > 300
    assert graphs == trials | {"https://w3id.org/cartkg/graph/programs/rese-cel"}


def test_a_pattern_that_matches_nothing_is_an_error(store: ox.Store) -> None:
    with pytest.raises(InputError, match="no graph matches 'trial/\\*'"):
        select_graphs(store, ["trial/*"])


def test_stored_queries_travel_as_sparql_executables(store: ox.Store) -> None:
    queries = load_queries(REPO / "queries")
    for slug, query in queries.items():
        graph = ox.NamedNode(f"{QUERY_GRAPH}{slug}")
        node = ox.NamedNode(f"https://w3id.org/cartkg/query/{slug}")
        types = {
            q.object.value
            for q in store.quads_for_pattern(node, None, None, graph)
            if q.predicate.value.endswith("#type")
        }
        assert types == {f"{SH}SPARQLExecutable", f"{SH}SPARQLSelectExecutable"}, slug
        (text,) = [
            q.object.value
            for q in store.quads_for_pattern(node, ox.NamedNode(f"{SH}select"), None, graph)
        ]
        assert query.body in text
        # the text runs as it is: its PREFIX lines are enough to parse it
        ox.Store().query(text.replace("?_", "?unbound_"))


def test_cli_writes_stdout_with_format(cli: CliRun, real_store: Path) -> None:
    result = cli(
        Project(REPO), "export", "--store", str(real_store), "-f", "nt", "-g", "programs/*"
    )
    assert result.exit_code == 0, result.stderr
    triples = list(ox.parse(result.stdout_bytes, format=ox.RdfFormat.N_TRIPLES))
    assert len(triples) > 100
    assert any(t.subject.value.endswith("/program/rese-cel") for t in triples)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "graph.txt"], "cannot tell the format from '.txt'"),
        ([], "give --format"),
        (["-f", "xml"], "unknown format 'xml'"),
        (["-o", "missing-folder/graph.nq"], "does not exist"),
    ],
)
def test_cli_export_usage_errors(
    cli: CliRun,
    real_store: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli(Project(REPO), "export", "--store", str(real_store), *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_failed_export_leaves_the_old_file(
    store: ox.Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "graph.nq"
    path.write_bytes(b"old\n")

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(ox.Store, "dump", broken)
    with pytest.raises(OSError, match="disk full"):
        export(store, path, FORMATS["nq"])
    assert path.read_bytes() == b"old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.nq"]


def test_export_without_a_built_store_says_build_first(cli: CliRun, tmp_path: Path) -> None:
    result = cli(Project(REPO), "export", "--store", str(tmp_path / "none"), "-f", "nq")
    assert result.exit_code == 2
    assert "run `cartkg build` first" in result.stderr
