"""cartkg reason: HermiT through owlready2, inconsistencies explained, inferences kept."""

from __future__ import annotations

import pytest
from conftest import REPO, CliRun, write

from cartkg.dataset import Dataset
from cartkg.paths import Project
from cartkg.reason import INFERRED_GRAPH, reason

pytestmark = pytest.mark.reasoner

CARTKG = "https://w3id.org/cartkg/vocab/"
TRIAL = "https://w3id.org/cartkg/id/trial/NCT06414135"


def test_real_graph_is_consistent() -> None:
    report = reason(Dataset.load(Project(REPO)))
    assert report.consistent and report.ok
    assert report.runs == 1


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
    write(
        project,
        "data/trials/NCT06414135-dates.ttl",
        (
            "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
            "@prefix status: <https://w3id.org/cartkg/id/status/> .\n"
            'status:NCT06414135-2025-11-14 cartkg:asOf "2024-05"^^xsd:gYearMonth ,'
            ' "2024"^^xsd:gYear , "2024-05-09"^^xsd:date .\n'
        ),
    )
    assert reason(Dataset.load(project)).consistent
