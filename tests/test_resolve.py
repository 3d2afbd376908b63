"""Names people type resolve to the entity they mean, on the embedded store and on a server;
names that fit several or none are errors that say so; no value ever reaches a query's text."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from helpers.project import REPO, CliRun
from helpers.servers import oxigraph_read_write
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Literal, URIRef

import cartkg
from cartkg.errors import InputError
from cartkg.names import key
from cartkg.namespaces import converter, prefix_map, sparql_prologue
from cartkg.paths import Project
from cartkg.queries import (
    EmbeddedClient,
    EndpointClient,
    Param,
    QueryClient,
    get_query,
    with_values,
)
from cartkg.resolve import AmbiguousName, UnknownName
from cartkg.store import open_store

ONTOLOGY = REPO / "ontology" / "cartkg.ttl"

# (the parameter's prefix, what a user types, the entity it must resolve to)
CASES = [
    # products: label, code name, former name, INN, any case and spacing
    ("product", "rese-cel", "product:rese-cel"),
    ("product", "CABA-201", "product:rese-cel"),
    ("product", "caba 201", "product:rese-cel"),
    ("product", "CABA201", "product:rese-cel"),
    ("product", "resecabtagene autoleucel", "product:rese-cel"),
    ("product", "Resecabtagene Autoleucel", "product:rese-cel"),
    ("product", "relma-cel", "product:relma-cel"),
    ("product", "relmacabtagene autoleucel", "product:relma-cel"),
    ("product", "KYV-101", "product:kyv-101"),
    ("product", "kyv101", "product:kyv-101"),
    ("product", "obe-cel", "product:obe-cel"),
    ("product", "Descartes-08", "product:descartes-08"),
    ("product", "product:rese-cel", "product:rese-cel"),
    ("product", "https://w3id.org/cartkg/id/product/rese-cel", "product:rese-cel"),
    ("product", "<https://w3id.org/cartkg/id/product/rese-cel>", "product:rese-cel"),
    # programs, by their own label or their product's names
    ("program", "CABA-201", "program:rese-cel"),
    ("program", "rese-cel", "program:rese-cel"),
    ("program", "KYV-101", "program:kyv-101"),
    # trials: registry ids in any case, acronyms, EudraCT numbers
    ("trial", "NCT06414135", "trial:NCT06414135"),
    ("trial", "nct06414135", "trial:NCT06414135"),
    ("trial", " NCT06328777 ", "trial:NCT06328777"),
    ("trial", "RESET-SSc", "trial:NCT06328777"),
    ("trial", "reset ssc", "trial:NCT06328777"),
    ("trial", "CASTLE", "trial:2022-001366-35"),
    ("trial", "2022-001366-35", "trial:2022-001366-35"),
    ("trial", "trial:NCT06414135", "trial:NCT06414135"),
    ("trial", "trial:nct06414135", "trial:NCT06414135"),
    # diseases: label, synonym, MONDO id with or without its prefix
    ("MONDO", "systemic sclerosis", "MONDO:0005100"),
    ("MONDO", "Systemic Sclerosis", "MONDO:0005100"),
    ("MONDO", "SSc", "MONDO:0005100"),
    ("MONDO", "MONDO:0005100", "MONDO:0005100"),
    ("MONDO", "mondo:0005100", "MONDO:0005100"),
    ("MONDO", "0005100", "MONDO:0005100"),
    ("MONDO", "lupus nephritis", "MONDO:0005556"),
    ("MONDO", "myasthenia gravis", "MONDO:0009688"),
    # antigens: label, gene symbol, alias, HGNC id
    ("antigen", "CD19", "antigen:CD19"),
    ("antigen", "cd19", "antigen:CD19"),
    ("antigen", "BCMA", "antigen:BCMA"),
    ("antigen", "TNFRSF17", "antigen:BCMA"),
    ("antigen", "HGNC:11913", "antigen:BCMA"),
    ("antigen", "HGNC:1633", "antigen:CD19"),
    ("antigen", "MS4A1", "antigen:CD20"),
    # costimulatory domains: 4-1BB is CD137 is TNFRSF9
    ("domain", "4-1BB", "domain:4-1BB"),
    ("domain", "41BB", "domain:4-1BB"),
    ("domain", "CD137", "domain:4-1BB"),
    ("domain", "TNFRSF9", "domain:4-1BB"),
    ("domain", "CD28", "domain:CD28"),
    # measures: abbreviations and names
    ("measure", "LVEF", "measure:lvef"),
    ("measure", "lvef", "measure:lvef"),
    ("measure", "left ventricular ejection fraction", "measure:lvef"),
    ("measure", "Hb", "measure:hemoglobin"),
    ("measure", "ANC", "measure:absolute-neutrophil-count"),
    ("measure", "CrCl", "measure:creatinine-clearance"),
    ("measure", "eGFR", "measure:egfr"),
    ("measure", "mRSS", "measure:mrss"),
    ("measure", "DLCO", "measure:dlco"),
    ("measure", "FVC", "measure:fvc"),
    ("measure", "ALT", "measure:alt"),
    ("measure", "platelet-count", "measure:platelet-count"),
    # units: as printed on a lab report, or their UCUM code
    ("unit", "%", "unit:percent"),
    ("unit", "percent", "unit:percent"),
    ("unit", "g/dL", "unit:g-per-dl"),
    ("unit", "g/dl", "unit:g-per-dl"),
    ("unit", "mg/dL", "unit:mg-per-dl"),
    ("unit", "10*9/L", "unit:10e9-per-l"),
    ("unit", "10^9/L", "unit:10e9-per-l"),
    ("unit", "10⁹/L", "unit:10e9-per-l"),
    ("unit", "/uL", "unit:per-ul"),
    ("unit", "/µL", "unit:per-ul"),
    ("unit", "/μL", "unit:per-ul"),
    ("unit", "mL/min", "unit:ml-per-min"),
    # organisations, countries, cell sources and types, drugs, the ontology's classes
    ("organization", "FDA", "organization:fda"),
    ("organization", "fda", "organization:fda"),
    ("country", "China", "country:CN"),
    ("trialstatus", "Recruiting", "trialstatus:recruiting"),
    ("trialstatus", "not yet recruiting", "trialstatus:not-yet-recruiting"),
    ("reliability", "weak", "reliability:weak"),
    ("reliability", "Primary", "reliability:primary"),
    ("country", "CN", "country:CN"),
    ("country", "cn", "country:CN"),
    ("cellsource", "autologous", "cellsource:autologous"),
    ("cellsource", "Allogeneic", "cellsource:allogeneic"),
    ("celltype", "Treg", "celltype:regulatory-t-cell"),
    ("drug", "rituximab", "drug:rituximab"),
    ("drug", "cyclophosphamide", "drug:cyclophosphamide"),
    ("cartkg", "FDAOrphanDrugDesignation", "cartkg:FDAOrphanDrugDesignation"),
    # no prefix: any entity (the evidence query's parameter)
    (None, "rese-cel", "product:rese-cel"),
    (None, "CABA-201", "product:rese-cel"),
    (None, "nct06414135", "trial:NCT06414135"),
    (None, "CD19", "antigen:CD19"),
    (None, "cyclophosphamide", "drug:cyclophosphamide"),
]

# (prefix, input, candidates that must be listed)
AMBIGUOUS = [
    (None, "systemic sclerosis", {"MONDO:0005100", "cohort:NCT06434363-ssc"}),
    (None, "phase 2", {"phase:2", "devstatus:phase-2"}),
    # Mondo's scleroderma (MONDO:0019340) is a group; systemic sclerosis is also called so
    ("MONDO", "scleroderma", {"MONDO:0005100", "MONDO:0019340"}),
]
# (prefix, input, a CURIE the closest names must include, or None for "nothing near")
UNKNOWN = [
    ("measure", "nonsense", None),
    ("product", "rese-cell", "product:rese-cel"),
    ("unit", "g/dLL", "unit:g-per-dl"),
    ("trial", "NCT0641413", "trial:NCT06414135"),
    ("antigen", 'a"b>c d', None),
]


def param(prefix: str | None) -> Param:
    return Param(name="value", type="iri", prefix=prefix)


@pytest.fixture(scope="module")
def client(real_store: Path) -> QueryClient:
    return EmbeddedClient(
        open_store(real_store),
        REPO / "queries",
        converter(ONTOLOGY),
        prefix_map(ONTOLOGY),
    )


@pytest.fixture(scope="module")
def remote(real_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[QueryClient]:
    """The built graph pushed to an Oxigraph server on loopback."""
    with oxigraph_read_write(tmp_path_factory.mktemp("oxigraph")) as base:
        cartkg.push(f"{base}/query", graph_store=f"{base}/store", root=REPO, store=real_store)
        yield EndpointClient(
            f"{base}/query", REPO / "queries", converter(ONTOLOGY), prefix_map(ONTOLOGY)
        )


def curie(client: QueryClient, iri: URIRef) -> str:
    return client.converter.compress(str(iri)) or str(iri)


def test_the_table_covers_every_iri_parameter_prefix() -> None:
    assert len(CASES) >= 60
    prefixes = set()
    for path in (REPO / "queries").glob("*.rq"):
        query = get_query(REPO / "queries", path.stem)
        prefixes |= {p.prefix for p in query.params if p.type == "iri"}
    missing = sorted(prefixes - {case[0] for case in CASES})
    assert not missing, (
        f"a stored query takes names of {missing}: add to CASES in tests/test_resolve.py a "
        "name of such a term and the CURIE it must resolve to"
    )


@pytest.mark.parametrize(("prefix", "text", "expected"), CASES)
def test_a_name_resolves_to_its_entity(
    client: QueryClient, prefix: str | None, text: str, expected: str
) -> None:
    assert curie(client, client.resolver.resolve(text, param(prefix))) == expected


@pytest.mark.parametrize(("prefix", "text", "candidates"), AMBIGUOUS)
def test_a_name_of_several_entities_lists_them(
    client: QueryClient, prefix: str | None, text: str, candidates: set[str]
) -> None:
    with pytest.raises(AmbiguousName) as caught:
        client.resolver.resolve(text, param(prefix))
    listed = {m.curie for m in caught.value.candidates}
    assert candidates <= listed
    for c in candidates:
        assert c in str(caught.value)


@pytest.mark.parametrize("prefix", [None, "disease", "MONDO", "drug", "unit"])
@pytest.mark.parametrize("text", ["---", " ", "-"])
def test_a_value_without_a_letter_or_digit_names_nothing(
    client: QueryClient, prefix: str | None, text: str
) -> None:
    # "disease:" + "---" keys to "disease:", the CURIE of the disease scheme itself
    with pytest.raises(InputError, match=r"^value: .* names nothing$") as caught:
        client.resolver.resolve(text, param(prefix))
    assert not isinstance(caught.value, UnknownName)


@pytest.mark.parametrize(("prefix", "text", "near"), UNKNOWN)
def test_an_unknown_name_lists_the_closest(
    client: QueryClient, prefix: str | None, text: str, near: str | None
) -> None:
    with pytest.raises(UnknownName) as caught:
        client.resolver.resolve(text, param(prefix))
    assert text in str(caught.value)
    if near is not None:
        assert near in {m.curie for m in caught.value.closest}
    for m in caught.value.closest:  # suggestions stay in the parameter's scope
        assert prefix is None or m.curie.startswith(f"{prefix}:")


def test_resolution_is_the_same_on_a_server(client: QueryClient, remote: QueryClient) -> None:
    for prefix, text, expected in CASES:
        assert curie(remote, remote.resolver.resolve(text, param(prefix))) == expected, text
    for prefix, text, _ in AMBIGUOUS:
        with pytest.raises(AmbiguousName) as here:
            client.resolver.resolve(text, param(prefix))
        with pytest.raises(AmbiguousName) as there:
            remote.resolver.resolve(text, param(prefix))
        assert here.value.candidates == there.value.candidates
    assert remote.search("CABA-201") == client.search("CABA-201")


def test_every_name_the_graph_holds_resolves_to_its_entity(client: QueryClient) -> None:
    """Each entity's own names, in the namespaces people look up, resolve to it or name it
    among the candidates of an ambiguity."""
    scope = "^https://w3id.org/cartkg/(vocab|id/(product|program|trial|organization))/"
    rows = client.run_query("names", scope=Literal(scope))
    names = [(str(r.entity), str(r.name)) for r in rows if int(r.rank) == 0]
    assert len(names) > 1000
    failures = []
    for iri, name in names:
        try:
            got = str(client.resolver.resolve(name))
            if got != iri:
                failures.append((name, iri, got))
        except AmbiguousName as e:
            if iri not in {m.iri for m in e.candidates}:
                failures.append((name, iri, [m.iri for m in e.candidates]))
    assert not failures, failures[:20]


def test_search_ranks_exact_names_first(client: QueryClient) -> None:
    found = client.search("CABA-201")
    assert found[0].curie == "product:rese-cel" and found[0].rank == 0
    ranks = [m.rank for m in found]
    assert ranks == sorted(ranks)
    assert {m.rank for m in found} >= {0, 2, 3}
    assert [m.curie for m in client.search("cd19", ["antigen"])] == ["antigen:CD19"]
    lupus = client.search("lupus", ["disease"])
    assert lupus and all(m.kind == "disease" for m in lupus)
    with pytest.raises(InputError, match="unknown type"):
        client.search("cd19", ["nonsense"])


def test_cartkg_search_from_python_and_the_cli(real_store: Path, cli: CliRun) -> None:
    found = cartkg.search("CABA-201", root=REPO, store=real_store)
    assert found[0].curie == "product:rese-cel"
    result = cli(Project(REPO), "search", "CABA-201", "--store", str(real_store), "-f", "tsv")
    assert result.exit_code == 0, result.stderr
    first = result.stdout.splitlines()[1].split("\t")
    assert first[:2] == ["product", "product:rese-cel"]
    assert first[3] == "CABA-201"


def test_keys_fold_the_spellings_people_type() -> None:
    assert key("CABA 201") == key("caba-201") == key("CABA_201") == key("CABA‑201")
    assert key("/µL") == key("/μL") == key("/uL")
    assert key("10⁹/L") == key("10^9/L") == key("10*9/L")
    assert key("≥ 50 %") == ">=50%"
    assert key("Sjögren") == key("sjogren")
    assert key("CD19") != key("CD20")


# every stored query's parameters, with values Hypothesis makes up
_PARAMETERS = [
    (slug, p)
    for slug in sorted(p.stem for p in (REPO / "queries").glob("*.rq"))
    for p in get_query(REPO / "queries", slug).params
]
_VALUES = re.compile(r"\n  VALUES \([^)]*\) \{ \(.*?\) \}\n", re.S)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(index=st.integers(0, len(_PARAMETERS) - 1), value=st.text(max_size=40))
def test_no_value_changes_a_query_or_raises_a_traceback(
    client: QueryClient, index: int, value: str
) -> None:
    slug, p = _PARAMETERS[index]
    query = get_query(REPO / "queries", slug)
    try:
        bound = query.bind(
            {q.name: (value if q.name == p.name else q.example) for q in query.params},
            client.converter,
            client.resolver,
        )
    except InputError:
        return
    sparql = sparql_prologue(client.prefixes) + query.body
    sent = with_values(sparql, bound)
    assert _strip_blocks(sent) == _strip_blocks(sparql)
    ox.Store().query(sent)  # parses: the value stayed a term


def _strip_blocks(sparql: str) -> str:
    return re.sub(r"\s+", " ", _VALUES.sub(" ", sparql)).strip()
