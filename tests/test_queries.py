"""Stored queries: headers, parameter binding, golden results, formats, other endpoints."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from helpers.golden import CASES, ONTOLOGY, QUERIES, fixture_client, fixture_dataset, normalized
from helpers.project import REPO, TEST_DATA, CliRun
from rdflib import Literal, URIRef
from rdflib.plugins.sparql import prepareQuery
from rdflib.query import Result

from cartkg.dataset import Dataset
from cartkg.errors import InputError
from cartkg.names import index_names
from cartkg.namespaces import converter, prefix_map, sparql_prologue
from cartkg.paths import Project
from cartkg.queries import (
    EmbeddedClient,
    Param,
    StoredQuery,
    parse_query,
    with_values,
)
from cartkg.shacl import validate
from cartkg.store import open_store


def test_there_are_stored_queries() -> None:
    assert {"trials", "stats"} <= set(QUERIES)


@pytest.mark.parametrize("slug", sorted(QUERIES))
def test_stored_query_has_header_and_parses_in_rdflib_and_pyoxigraph(slug: str) -> None:
    query = QUERIES[slug]
    assert query.summary, f"{slug}.rq has no #+ summary"
    text = sparql_prologue(prefix_map(ONTOLOGY)) + query.body
    prepareQuery(text)
    ox.Store().query(text)


@pytest.mark.parametrize("slug", sorted(QUERIES))
def test_every_stored_query_has_a_golden_case(slug: str) -> None:
    assert slug in {c["query"] for c in CASES}, f"add a golden case for {slug}"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["query"])
def test_golden_result_on_fixture_graph(case: dict) -> None:
    with open(TEST_DATA / "golden" / case["expected"], "rb") as f:
        expected = Result.parse(f, format="json")
    concatenated = case.get("concatenated", [])
    ordered = case.get("ordered", False)
    client = fixture_client()
    got = client.run_query(case["query"], **case.get("params", {}))
    assert [str(v) for v in got.vars] == [str(v) for v in expected.vars]
    assert normalized(got, ordered, concatenated) == normalized(expected, ordered, concatenated)


@pytest.mark.parametrize("slug", sorted(QUERIES))
def test_stored_query_returns_rows_on_the_real_graph(slug: str, real_store: Path) -> None:
    project = Project(REPO)
    client = EmbeddedClient(
        open_store(real_store), project.queries_dir, converter(ONTOLOGY), prefix_map(ONTOLOGY)
    )
    query = QUERIES[slug]
    params = {p.name: p.example for p in query.params if p.example is not None}
    assert len(client.run(query, params)) > 0


PARAM_QUERY = """\
#+ summary: trials of a sponsor, optionally with a site in a city
#+ params:
#+   - name: sponsor
#+     type: iri
#+     prefix: organization
#+   - name: city
#+     required: false
SELECT DISTINCT ?trial WHERE {
  ?trial cartkg:sponsor ?_sponsor .
  OPTIONAL { ?trial cartkg:site/cartkg:city ?city }
  FILTER (!BOUND(?_city) || ?city = ?_city)
}
ORDER BY ?trial
"""
T1 = "https://w3id.org/cartkg/id/trial/NCT00000001"
EU = "https://w3id.org/cartkg/id/trial/EU-2024-1"
EU2 = "https://w3id.org/cartkg/id/trial/EU-2025-7"  # Acme's too, with no site


def test_parameters_filter_as_documented() -> None:
    client = fixture_client()
    query = parse_query(PARAM_QUERY, "by-sponsor")
    for params, expected in [
        ({"sponsor": "acme"}, [EU, EU2, T1]),
        ({"sponsor": "acme", "city": "Paris"}, [T1]),
        ({"sponsor": "acme", "city": "Madrid"}, []),
        ({"sponsor": "organization:other"}, []),
    ]:
        assert [str(r[0]) for r in client.run(query, params)] == expected, params


def test_a_value_is_never_pasted_into_the_query_text() -> None:
    client = fixture_client()
    query = parse_query(PARAM_QUERY, "by-sponsor")
    hostile = 'Paris" ) } SELECT * WHERE { ?s ?p ?o } #'
    bindings = query.bind({"sponsor": "acme", "city": hostile}, client.converter)
    assert bindings["city"] == Literal(hostile)
    assert list(client.run(query, {"sponsor": "acme", "city": hostile})) == []


def test_iri_parameters_take_keys_curies_and_iris() -> None:
    query = parse_query(PARAM_QUERY, "by-sponsor")
    conv = converter(ONTOLOGY)
    acme = URIRef("https://w3id.org/cartkg/id/organization/acme")
    for raw in ("acme", "organization:acme", str(acme), f"<{acme}>"):
        assert query.bind({"sponsor": raw}, conv)["sponsor"] == acme
    with pytest.raises(InputError, match="unknown prefix"):
        query.bind({"sponsor": "nope:acme"}, conv)


def test_typed_parameters_are_checked() -> None:
    query = StoredQuery("q", "SELECT * WHERE { ?s ?p ?_n }\n", params=(Param("n", "integer"),))
    conv = converter(ONTOLOGY)
    integer = URIRef("http://www.w3.org/2001/XMLSchema#integer")
    assert query.bind({"n": "55"}, conv)["n"] == Literal(55, datatype=integer)
    with pytest.raises(InputError, match="takes a whole number such as 18, not 'fifty'"):
        query.bind({"n": "fifty"}, conv)


def test_missing_and_unknown_parameters_list_what_exists() -> None:
    query = parse_query(PARAM_QUERY, "by-sponsor")
    conv = converter(ONTOLOGY)
    with pytest.raises(InputError, match=r"needs parameter 'sponsor'.*sponsor \(iri\).*city"):
        query.bind({}, conv)
    with pytest.raises(InputError, match="has no parameter 'colour'"):
        query.bind({"sponsor": "acme", "colour": "red"}, conv)


@pytest.mark.parametrize(
    "text, problem",
    [
        ("#+ summary: x\nSELECT * WHERE { ?s ?p ?_o }\n", "used but not declared: o"),
        ("#+ params:\n#+   - name: o\nSELECT * WHERE { ?s ?p ?o }\n", "declared but not used: o"),
        ("#+ summary: [unclosed\nSELECT * WHERE { ?s ?p ?o }\n", "not valid YAML"),
        (
            "#+ params:\n#+   - name: o\n#+     type: colour\nSELECT * WHERE { ?s ?p ?_o }\n",
            "unknown type",
        ),
    ],
)
def test_bad_query_headers_are_named(text: str, problem: str) -> None:
    with pytest.raises(InputError, match=problem):
        parse_query(text, "bad", Path("queries/bad.rq"))


def test_values_block_goes_into_the_where_group() -> None:
    value = {"x": Literal("a}b")}
    select = 'SELECT ?s # a { comment\nWHERE { ?s ?p "{" . ?s ?q ?_x }'
    assert with_values(select, value).startswith(
        'SELECT ?s # a { comment\nWHERE {\n  VALUES (?_x) { ("a}b") }\n'
    )
    construct = "CONSTRUCT { ?s ?p ?_x } WHERE { ?s ?p ?_x }"
    assert with_values(construct, value).startswith(
        "CONSTRUCT { ?s ?p ?_x } WHERE {\n  VALUES (?_x)"
    )
    short = "CONSTRUCT { ?s ?p ?_x } { ?s ?p ?_x }"
    assert with_values(short, value).startswith("CONSTRUCT { ?s ?p ?_x } {\n  VALUES")


def test_values_block_is_repeated_in_the_union_branches_that_use_it() -> None:
    query = (
        "SELECT * WHERE { { ?_x ?p ?o } UNION { ?s ?p ?_x } UNION { ?s ?p ?o } "
        "OPTIONAL { ?_x ?q ?r } { SELECT ?_x WHERE { ?_x ?p ?o } } UNION { ?a ?b ?_x } }"
    )
    bound = with_values(query, {"x": Literal("v")})
    assert bound.count('VALUES (?_x) { ("v") }') == 4  # WHERE, two branches, the last branch
    assert "{\n  VALUES" not in bound.split("OPTIONAL")[1].split("}")[0]
    assert "{ SELECT ?_x WHERE { ?_x ?p ?o } }" in bound  # a subquery is left alone


def test_cli_lists_queries(cli: CliRun) -> None:
    result = cli(Project(REPO), "queries")
    assert result.exit_code == 0
    for slug in QUERIES:
        assert slug in result.stdout


def test_cli_unknown_slug_lists_the_stored_queries(cli: CliRun, real_store: Path) -> None:
    result = cli(Project(REPO), "query", "nope", "--store", str(real_store))
    assert result.exit_code == 2
    assert "no stored query 'nope'" in result.stderr and "trials" in result.stderr


def test_fixture_graph_conforms_to_the_shapes() -> None:
    dataset = fixture_dataset()
    shapes = Dataset.load(Project(REPO), roles=("shapes",))
    for quad in shapes.quads():
        dataset.store.add(quad)
    dataset.files += shapes.files
    report = validate(dataset, converter(ONTOLOGY))
    assert report.conforms, [
        (r.focus_node, r.message) for r in report.results if r.severity == "Violation"
    ]


@pytest.mark.parametrize(
    "measure, value, unit, verdict",
    [
        ("lvef", "50", "percent", "excluded"),  # LVEF >= 55 % to enrol
        ("lvef", "60", "percent", None),
        ("platelet-count", "60000", "per-ul", "excluded"),  # 60 x 10^9/L < 75 x 10^9/L
        ("platelet-count", "80", "10e9-per-l", None),
        ("hemoglobin", "8.5", "g-per-dl", "excluded"),  # 85 g/L < 90 g/L
        ("fvc-percent-predicted", "40", "percent", "excluded"),  # FVC < 45 % excludes
        ("total-bilirubin", "2.5", "times-uln", "depends on other conditions"),  # Gilbert
        ("age", "66", "year", "excluded"),
        ("creatinine-clearance", "40", "percent", "not comparable: threshold in mL/min"),
    ],
)
def test_trials_excluding_on_the_seed_trial(
    measure: str, value: str, unit: str, verdict: str | None, real_store: Path
) -> None:
    project = Project(REPO)
    client = EmbeddedClient(
        open_store(real_store), project.queries_dir, converter(ONTOLOGY), prefix_map(ONTOLOGY)
    )
    rows = client.run_query("trials-excluding", measure=measure, value=value, unit=unit)
    verdicts = {str(r.verdict) for r in rows if str(r.nctId) == "NCT06414135"}
    assert verdicts == ({verdict} if verdict else set())


def test_cli_formats(cli: CliRun, real_store: Path) -> None:
    project = Project(REPO)
    table = cli(project, "query", "trials", "--store", str(real_store))
    assert table.exit_code == 0 and "NCT06414135" in table.stdout
    as_json = cli(project, "query", "trials", "-f", "json", "--store", str(real_store))
    parsed = json.loads(as_json.stdout)
    ids = [b["nctId"]["value"] for b in parsed["results"]["bindings"] if "nctId" in b]
    assert ids == sorted(p.stem for p in (REPO / "data" / "trials").glob("NCT*.ttl"))
    csv = cli(project, "query", "trials", "-f", "csv", "--store", str(real_store)).stdout
    assert csv.splitlines()[0].startswith("trial,nctId,")
    tsv = cli(project, "query", "trials", "-f", "tsv", "--store", str(real_store)).stdout
    header, *lines = tsv.splitlines()
    assert header.startswith("?trial\t?nctId")
    assert any(
        x.startswith(f'<https://w3id.org/cartkg/id/trial/{ids[0]}>\t"{ids[0]}"') for x in lines
    )


def test_cli_runs_an_ad_hoc_query_file(cli: CliRun, real_store: Path, tmp_path: Path) -> None:
    q = tmp_path / "count.rq"
    q.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?t a cartkg:ClinicalTrial }\n")
    result = cli(Project(REPO), "query", "--file", str(q), "-f", "csv", "--store", str(real_store))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[1] == str(len(list((REPO / "data/trials").glob("*.ttl"))))


def test_cli_query_without_a_store_says_build_first(cli: CliRun, tmp_path: Path) -> None:
    result = cli(Project(REPO), "query", "trials", "--store", str(tmp_path / "none"))
    assert result.exit_code == 2
    assert "cartkg build" in result.stderr


def test_cli_missing_parameter_is_a_usage_error(project: Project, cli: CliRun) -> None:
    (project.queries_dir / "by-sponsor.rq").write_text(PARAM_QUERY)
    result = cli(project, "query", "by-sponsor")
    assert result.exit_code == 2
    assert "needs parameter 'sponsor'" in result.stderr


def test_stats_counts_what_the_files_declare(cli: CliRun, real_store: Path) -> None:
    from rdflib import RDF, Graph, Namespace

    cartkg = Namespace("https://w3id.org/cartkg/vocab/")
    graph = Graph()
    for f in (REPO / "data").rglob("*.ttl"):
        graph.parse(f)
    expected = {
        "trials": len(set(graph.subjects(RDF.type, cartkg.ClinicalTrial))),
        "sources": len(set(graph.subjects(RDF.type, cartkg.Source))),
    }
    result = cli(Project(REPO), "stats", "-f", "csv", "--store", str(real_store))
    rows = dict(line.split(",") for line in result.stdout.splitlines()[1:])
    assert {k: int(rows[k]) for k in expected} == expected


# Trials whose only criterion is one LVEF threshold: a strict bound, a change from baseline, or
# a trial with no registry id. Each is a mutant of trials-excluding the golden cases let pass.
THRESHOLD_TRIALS = """
PREFIX cartkg: <https://w3id.org/cartkg/vocab/>
PREFIX comparator: <https://w3id.org/cartkg/vocab/comparator/>
PREFIX change: <https://w3id.org/cartkg/vocab/change/>
PREFIX measure: <https://w3id.org/cartkg/vocab/measure/>
PREFIX unit: <https://w3id.org/cartkg/vocab/unit/>
PREFIX trial: <https://w3id.org/cartkg/id/trial/>
PREFIX criterion: <https://w3id.org/cartkg/id/criterion/>
trial:NCT00000091 a cartkg:ClinicalTrial ; cartkg:nctId "NCT00000091" ;
  cartkg:eligibilityCriterion criterion:gt .
criterion:gt a cartkg:InclusionCriterion ; cartkg:measure measure:lvef ;
  cartkg:comparator comparator:gt ; cartkg:quantityValue 50.0 ; cartkg:unit unit:percent .
trial:NCT00000092 a cartkg:ClinicalTrial ; cartkg:nctId "NCT00000092" ;
  cartkg:eligibilityCriterion criterion:lt .
criterion:lt a cartkg:InclusionCriterion ; cartkg:measure measure:lvef ;
  cartkg:comparator comparator:lt ; cartkg:quantityValue 50.0 ; cartkg:unit unit:percent .
trial:NCT00000093 a cartkg:ClinicalTrial ; cartkg:nctId "NCT00000093" ;
  cartkg:eligibilityCriterion criterion:change .
criterion:change a cartkg:InclusionCriterion ; cartkg:measure measure:lvef ;
  cartkg:change change:decrease ; cartkg:comparator comparator:ge ; cartkg:quantityValue 80.0 ;
  cartkg:unit unit:percent .
trial:EU-2099-1 a cartkg:ClinicalTrial ; cartkg:eligibilityCriterion criterion:eu .
criterion:eu a cartkg:InclusionCriterion ; cartkg:measure measure:lvef ;
  cartkg:comparator comparator:ge ; cartkg:quantityValue 60.0 ; cartkg:unit unit:percent .
"""


@pytest.fixture(scope="module")
def threshold_client() -> EmbeddedClient:
    dataset = fixture_dataset()
    graph = ox.NamedNode("https://w3id.org/cartkg/graph/trials/thresholds")
    dataset.store.load(THRESHOLD_TRIALS.encode(), format=ox.RdfFormat.TURTLE, to_graph=graph)
    index_names(dataset.store, converter(ONTOLOGY))
    return EmbeddedClient(
        dataset.store, REPO / "queries", converter(ONTOLOGY), prefix_map(ONTOLOGY)
    )


def excluding(client: EmbeddedClient, value: str) -> dict[str, str]:
    rows = client.run_query("trials-excluding", measure="lvef", value=value, unit="percent")
    return {str(r.trial).rsplit("/", 1)[1]: str(r.verdict) for r in rows}


@pytest.mark.parametrize(
    ("value", "listed"),
    [
        ("50", {"NCT00000091", "NCT00000092"}),  # at a strict bound: neither > nor < holds
        ("50.5", {"NCT00000092"}),
        ("49.5", {"NCT00000091"}),
    ],
)
def test_trials_excluding_at_a_strict_bound(
    threshold_client: EmbeddedClient, value: str, listed: set[str]
) -> None:
    found = excluding(threshold_client, value)
    assert {t for t in found if t in {"NCT00000091", "NCT00000092"}} == listed


def test_trials_excluding_leaves_a_change_from_baseline_alone(
    threshold_client: EmbeddedClient,
) -> None:
    # LVEF 50 % says nothing about a decrease of at least 80 % from baseline
    assert "NCT00000093" not in excluding(threshold_client, "50")


def test_trials_excluding_lists_a_trial_without_a_registry_id(
    threshold_client: EmbeddedClient,
) -> None:
    rows = threshold_client.run_query(
        "trials-excluding", measure="lvef", value="55", unit="percent"
    )
    eu = [r for r in rows if str(r.trial).endswith("/EU-2099-1")]
    assert len(eu) == 1 and eu[0].nctId is None
