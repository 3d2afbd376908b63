"""cartkg reason: HermiT through owlready2, inconsistencies explained, inferences kept."""

from __future__ import annotations

import pytest
from helpers.project import REPO, CliRun, write

from cartkg.dataset import Dataset
from cartkg.paths import Project
from cartkg.reason import INFERRED_GRAPH, reason

pytestmark = pytest.mark.reasoner

CARTKG = "https://w3id.org/cartkg/vocab/"
TRIAL = "https://w3id.org/cartkg/id/trial/NCT06328777"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
PRODUCT = "https://w3id.org/cartkg/id/product/"


@pytest.fixture(scope="module")
def real_report():
    return reason(Dataset.load(Project(REPO)))


def test_real_graph_is_consistent(real_report) -> None:
    assert real_report.consistent and real_report.ok
    assert not real_report.unsatisfiable
    assert real_report.runs == 1 or real_report.cached  # one HermiT run, or its kept result


def test_real_graph_is_in_the_owl2_dl_profile(real_report) -> None:
    if not real_report.profile_checked:
        pytest.fail(f"the OWL 2 DL profile was not checked: {real_report.profile_note}")
    assert real_report.profile_violations == []


@pytest.mark.parametrize(
    "product, cls",
    [
        ("rese-cel", "CD19DirectedProduct"),
        ("rese-cel", "CD137CostimulatedProduct"),
        ("rese-cel", "AutologousProduct"),
        ("rese-cel", "ProductWithOrphanDesignation"),
        ("rese-cel", "ProductWithFDAExpeditedDesignation"),
        ("relma-cel", "CD19DirectedProduct"),
    ],
)
def test_reasoner_infers_on_the_real_data(real_report, product: str, cls: str) -> None:
    assert (PRODUCT + product, RDF_TYPE, CARTKG + cls) in real_report.inferred


def test_reasoner_does_not_infer_what_the_data_does_not_say(real_report) -> None:
    # relma-cel's costimulatory domain is unknown; a product is BCMA-directed only when one of
    # its constructs targets BCMA
    inferred = set(real_report.inferred)
    assert (PRODUCT + "relma-cel", RDF_TYPE, CARTKG + "CD137CostimulatedProduct") not in inferred
    store = Dataset.load(Project(REPO)).store
    bcma = {
        row["product"].value
        for row in store.query(
            "SELECT ?product WHERE { ?product <https://w3id.org/cartkg/vocab/hasConstruct>/"
            "<https://w3id.org/cartkg/vocab/targetAntigen> "
            "<https://w3id.org/cartkg/vocab/antigen/BCMA> }",
            use_default_graph_as_union=True,
        )
    }
    directed = {s for s, _, o in inferred if o == CARTKG + "BCMADirectedProduct"}
    assert directed == bcma and PRODUCT + "relma-cel" not in directed


def test_former_names_answer_for_alternative_labels(real_report) -> None:
    closure = {
        (t.subject.value, t.predicate.value, t.object.value) for t in real_report.property_closure
    }
    assert (
        PRODUCT + "rese-cel",
        "http://www.w3.org/2004/02/skos/core#altLabel",
        "CABA-201",
    ) in closure


def test_a_dual_target_construct_is_inferred_dual(project: Project) -> None:
    write(
        project,
        "data/programs/rese-cel-dual.ttl",
        (
            "@prefix antigen: <https://w3id.org/cartkg/vocab/antigen/> .\n"
            "@prefix construct: <https://w3id.org/cartkg/id/construct/> .\n"
            "construct:rese-cel cartkg:targetAntigen antigen:BCMA .\n"
        ),
    )
    inferred = reason(Dataset.load(project), profile=False).inferred
    assert (PRODUCT + "rese-cel", RDF_TYPE, CARTKG + "DualTargetingProduct") in inferred
    assert (PRODUCT + "rese-cel", RDF_TYPE, CARTKG + "BCMADirectedProduct") in inferred


def test_inconsistency_names_the_individual_its_types_and_files(
    project: Project, cli: CliRun
) -> None:
    for i in range(6):  # bystanders that QuickXplain must rule out
        write(
            project,
            f"data/organizations/bystander-{i}.ttl",
            f'organization:bystander-{i} a cartkg:Organization ; rdfs:label "b{i}" .\n',
        )
    write(project, "data/organizations/mistake.ttl", "trial:NCT06414135 a cartkg:Organization .\n")
    result = cli(project, "reason")
    assert result.exit_code == 1
    assert "INCONSISTENT" in result.stdout
    line = next(x for x in result.stdout.splitlines() if "trial:NCT06414135" in x)
    assert "cartkg:ClinicalTrial" in line and "cartkg:Organization" in line
    assert "data/organizations/mistake.ttl" in line and "data/trials/NCT06414135.ttl" in line
    assert "bystander" not in result.stdout


def test_unsatisfiable_class_fails(project: Project, cli: CliRun) -> None:
    write(
        project,
        "ontology/extra.ttl",
        (
            "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
            "cartkg:Impossible a owl:Class ;\n"
            "  owl:equivalentClass [ a owl:Class ;\n"
            "    owl:intersectionOf ( cartkg:ClinicalTrial cartkg:Organization ) ] .\n"
        ),
    )
    result = cli(project, "reason")
    assert result.exit_code == 1
    assert "unsatisfiable class: cartkg:Impossible" in result.stdout


def test_inferred_types_are_stored_in_their_own_graph(project: Project) -> None:
    import pyoxigraph as ox

    from cartkg.build import build

    write(
        project,
        "ontology/extra.ttl",
        (
            "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
            "cartkg:SponsoredTrial a owl:Class ;\n"
            "  owl:equivalentClass [ a owl:Restriction ; owl:onProperty cartkg:sponsor ;\n"
            "    owl:someValuesFrom cartkg:Organization ] .\n"
        ),
    )
    report = build(project, None)
    assert (
        TRIAL,
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
        CARTKG + "SponsoredTrial",
    ) in report.reasoning.inferred
    store = report.memory_store
    inferred = ox.NamedNode(INFERRED_GRAPH)
    assert (
        ox.Quad(
            ox.NamedNode(TRIAL),
            ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            ox.NamedNode(CARTKG + "SponsoredTrial"),
            inferred,
        )
        in store
    )


def test_dates_and_partial_dates_do_not_stop_hermit(project: Project) -> None:
    # xsd:date and xsd:gYearMonth are outside the OWL 2 datatype map that HermiT accepts;
    # cartkg:asOf is a declared datatype property, so HermiT does read these literals
    lines = [
        "@prefix observation: <https://w3id.org/cartkg/id/observation/> .\n",
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n",
    ]
    for key, literal in (
        ("a", '"2024-05"^^xsd:gYearMonth'),
        ("b", '"2024"^^xsd:gYear'),
        ("c", '"2024-05-09"^^xsd:date'),
    ):
        lines.append(
            f"observation:dates-{key} a cartkg:StatusObservation ; cartkg:asOf {literal} .\n"
        )
    write(project, "data/trials/NCT06414135-dates.ttl", "".join(lines))
    assert reason(Dataset.load(project), profile=False).consistent


def test_two_values_of_a_functional_property_are_named(project: Project) -> None:
    write(
        project,
        "data/trials/NCT06414135-dates.ttl",
        (
            "@prefix observation: <https://w3id.org/cartkg/id/observation/> .\n"
            "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
            'observation:NCT06414135-status-2025-11-14 cartkg:asOf "2024-01-01"^^xsd:date .\n'
        ),
    )
    report = reason(Dataset.load(project), profile=False)
    assert not report.consistent
    assert [c.iri for c in report.culprits] == [
        "https://w3id.org/cartkg/id/observation/NCT06414135-status-2025-11-14"
    ]


def test_cli_rules_strategy_names_the_node_and_the_rule(project: Project, cli: CliRun) -> None:
    write(project, "data/organizations/mistake.ttl", "trial:NCT06414135 a cartkg:Organization .\n")
    result = cli(project, "reason", "--strategy", "rules")
    assert result.exit_code == 1
    assert "INCONSISTENT (OWL rules on every triple" in result.stdout
    assert "trial:NCT06414135" in result.stdout and "disjoint" in result.stdout
    assert cli(project, "reason", "--strategy", "fast").exit_code == 2
