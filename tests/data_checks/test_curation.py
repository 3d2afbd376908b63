"""The curated layer over the registry: programs, constructs, designations, safety and readouts,
each statement sourced, checked against the monitor's reading, and read by the reasoner."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from helpers.project import REPO, CliRun

from cartkg.importing.terms import DCT, ID, SCHEMA, V
from cartkg.importing.turtle import read_turtle
from cartkg.namespaces import converter, prefix_map
from cartkg.paths import Project
from cartkg.queries import EmbeddedClient
from cartkg.store import open_store


def client(store: Path) -> EmbeddedClient:
    ontology = REPO / "ontology" / "cartkg.ttl"
    return EmbeddedClient(
        open_store(store), REPO / "queries", converter(ontology), prefix_map(ontology)
    )


def sources() -> dict[str, set[str]]:
    """Every source node of data/sources/ and its URLs."""
    out = {}
    for path in (REPO / "data" / "sources").glob("*.ttl"):
        for s, props in read_turtle(path).items():
            out[s] = {getattr(u, "lex", u) for u in props.get(SCHEMA + "url", ())}
    return out


def curated_statements() -> list[tuple[str, str, str, object]]:
    """(file, subject, predicate, object) of every statement in a program file and of every
    hand-curated node of a trial file (not the importers' ``-ctgov`` nodes)."""
    out = []
    for folder in ("programs", "trials"):
        for path in sorted((REPO / "data" / folder).glob("*.ttl")):
            for s, props in read_turtle(path).items():
                if not isinstance(s, str) or "-ctgov" in s or s.startswith(f"{ID}trial/"):
                    continue
                for p, objs in props.items():
                    for o in objs:
                        out.append((path.name, s, p, o))
    return out


def test_twenty_curated_statements_at_random_have_a_source_with_a_url() -> None:
    statements = curated_statements()
    assert len(statements) > 2000
    known = sources()
    graphs = {}
    for file, s, p, _ in random.Random(16).sample(statements, 20):
        folder = "programs" if (REPO / "data/programs" / file).is_file() else "trials"
        graph = graphs.setdefault(file, read_turtle(REPO / "data" / folder / file))
        cited = graph[s].get(DCT + "source", set())
        assert cited, (file, s, p)
        assert any(known.get(c) for c in cited), (file, s, cited)


def test_every_program_and_trial_file_cites_a_source() -> None:
    for folder in ("programs", "trials"):
        for path in (REPO / "data" / folder).glob("*.ttl"):
            assert f"<{DCT}source>" in path.read_text() or "dcterms:source" in path.read_text(), (
                path
            )


@pytest.mark.parametrize(
    ("product", "cls"),
    [
        ("rese-cel", "CD19DirectedProduct"),
        ("rese-cel", "CD137CostimulatedProduct"),
        ("rese-cel", "AutologousProduct"),
        ("rese-cel", "ProductWithOrphanDesignation"),
        ("kyv-101", "CD19DirectedProduct"),
        ("kyv-101", "CD28CostimulatedProduct"),
        ("descartes-08", "BCMADirectedProduct"),
        ("descartes-08", "ProductWithOrphanDesignation"),
        ("ft819", "AllogeneicProduct"),
        ("azd0120", "DualTargetingProduct"),
        ("dsg3-caart", "CAARTProduct"),
    ],
)
def test_the_reasoner_puts_the_programs_where_the_sources_do(
    real_store: Path, product: str, cls: str
) -> None:
    rows = client(real_store).execute(
        "ASK { GRAPH <https://w3id.org/cartkg/graph/inferred/classes> "
        f"{{ <{ID}product/{product}> a <{V}{cls}> }} }}",
        {},
    )
    assert rows.askAnswer, (product, cls)


def test_the_graph_and_the_monitors_reading_disagree_only_with_a_reason(
    cli: CliRun, real_store: Path
) -> None:
    result = cli(Project(REPO), "compare", "monitor", "--store", str(real_store), "--all")
    assert result.exit_code == 0, result.stdout
    assert "0 not explained" in result.stdout


def test_stats_count_the_curated_layer(cli: CliRun, real_store: Path) -> None:
    result = cli(Project(REPO), "stats", "-f", "csv", "--store", str(real_store))
    counts = {k: int(v) for k, v in (line.split(",") for line in result.stdout.splitlines()[1:])}
    assert counts["programs"] >= 40
    assert counts["regulatory events"] >= 24
    assert counts["safety events"] + counts["safety summaries"] >= 19


# the programs the landscape notes table (P1 to P36) and the other programs they name with a
# registered trial; each must be in the graph, with its product and a source
LANDSCAPE_PROGRAMS = [
    "rese-cel", "dsg3-caart", "musk-caart", "kyv-101", "bms-986353", "ytb323", "obe-cel",
    "descartes-08", "ft819", "sc291", "ctx112", "allo-329", "cb-010", "azd0120", "relma-cel",
    "mb-cart19", "erlangen-cd19-car-t", "brl-301", "icell-bcma-cd19-ccar", "impt-514", "nkx019",
    "allonk", "cptx2309", "glpg5101", "sbt777101", "bct301", "rd13-02", "persongen-cd7-car-t",
    "rjmty19", "hbi0101", "heidelberg-cd19-car-t", "scar02", "cnty-101", "f01",
    "chen-bcma-car-t-ln", "otx-201",
    "chongqing-precision-cd19-car-t", "gobroad-cd19-bcma-car-t",
    "gobroad-cord-blood-cd19-bcma-car-t", "zju-childrens-cd19-ucar-t",
    "zju-childrens-cd19-car-t-ssc", "rd06-04", "sys6020", "kyv-201",
]  # fmt: skip


def test_every_program_of_the_landscape_notes_is_in_the_graph(real_store: Path) -> None:
    found = {
        str(row["program"]).rsplit("/", 1)[-1]
        for row in client(real_store).execute(
            f"""SELECT DISTINCT ?program WHERE {{
              ?program a <{V}TherapyProgram> ; <{V}product> ?product ; <{DCT}source> ?source .
              ?product <{DCT}source> ?productSource .
            }}""",
            {},
        )
    }
    assert [p for p in LANDSCAPE_PROGRAMS if p not in found] == []


SKOS = "http://www.w3.org/2004/02/skos/core#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
NAME_PATH = f"<{RDFS_LABEL}>|<{SKOS}altLabel>|<{V}codeName>|<{V}formerName>|<{V}inn>"


def products_named(store: Path, name: str) -> list[str]:
    rows = client(store).execute(
        f"""SELECT DISTINCT ?product WHERE {{
          ?product a <{V}EngineeredCellTherapyProduct> ; ({NAME_PATH}) ?name .
          FILTER (LCASE(STR(?name)) = LCASE("{name}"))
        }}""",
        {},
    )
    return [str(r["product"]) for r in rows]


@pytest.mark.parametrize(
    ("name", "product"),
    [
        ("CABA-201", "rese-cel"), ("resecabtagene autoleucel", "rese-cel"),
        ("KYV-101", "kyv-101"), ("miv-cel", "kyv-101"), ("mivocabtagene autoleucel", "kyv-101"),
        ("BMS-986353", "bms-986353"), ("CC-97540", "bms-986353"), ("zola-cel", "bms-986353"),
        ("GC012F", "azd0120"), ("AZD0120", "azd0120"),
        ("MB-CART19.1", "mb-cart19"), ("zorpo-cel", "mb-cart19"),
    ],
)  # fmt: skip
def test_a_product_is_found_by_each_of_its_names(real_store: Path, name: str, product: str) -> None:
    assert products_named(real_store, name) == [f"{ID}product/{product}"]


@pytest.mark.parametrize(
    ("acquired", "acquirer", "program"),
    [
        ("gracell-biotechnologies-shanghai", "astrazeneca", "azd0120"),
        ("capstan-therapeutics", "abbvie", "cptx2309"),
        ("orbital-therapeutics", "bristol-myers-squibb", "otx-201"),
    ],
)
def test_an_acquired_developer_leads_to_its_acquirer_and_the_program(
    real_store: Path, acquired: str, acquirer: str, program: str
) -> None:
    rows = client(real_store).execute(
        f"""ASK {{
          <{ID}program/{program}> <{V}programEvent> ?event .
          ?event a <{V}Acquisition> ; <{V}acquiredParty> <{ID}organization/{acquired}> ;
                 <{V}acquirer> <{ID}organization/{acquirer}> ; <{DCT}source> ?source .
        }}""",
        {},
    )
    assert rows.askAnswer, (acquired, acquirer, program)
