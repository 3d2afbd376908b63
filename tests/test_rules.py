"""The OWL rules give HermiT's verdict and HermiT's class memberships.

Above HERMIT_LIMIT data triples the build checks consistency with ``cartkg.rules`` instead of
HermiT on everything. Each case below adds a few statements to a copy of the real graph and runs
both: they must agree on consistent or not, and the rules must name the node at fault.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from helpers.project import write
from helpers.synthetic import TRIPLES, generator

from cartkg.dataset import Dataset
from cartkg.paths import Project
from cartkg.reason import reason
from cartkg.rules import UnsupportedOntology, check, compile_rules

pytestmark = pytest.mark.reasoner

TEST = "https://w3id.org/cartkg/id/test/"
PREFIXES = """\
@prefix antigen: <https://w3id.org/cartkg/vocab/antigen/> .
@prefix cellsource: <https://w3id.org/cartkg/vocab/cellsource/> .
@prefix test: <https://w3id.org/cartkg/id/test/> .
"""

INCONSISTENT = {
    "stated disjoint classes": ("trial:NCT06414135 a cartkg:Organization .", "trial/NCT06414135"),
    "disjoint through a domain": (
        'organization:cabaletta-bio cartkg:nctId "NCT00000000" .',
        "organization/cabaletta-bio",
    ),
    "disjoint through a range": (
        "test:p a cartkg:CellTherapyProduct ; cartkg:cellSource antigen:CD19 .",
        "vocab/antigen/CD19",
    ),
    "two values of a functional data property": (
        "test:e1 cartkg:serious true, false .",
        "test/e1",
    ),
    "two distinct values of a functional object property": (
        "test:c1 cartkg:claimAbout antigen:CD19, antigen:BCMA .",
        "test/c1",
    ),
    "ill-typed integer": ('test:e2 cartkg:onsetDay "soon"^^xsd:integer .', "test/e2"),
    "outside the facets of the range": ("test:e3 cartkg:grade 7 .", "test/e3"),
    "a string where a boolean is expected": ('test:e4 cartkg:serious "yes" .', "test/e4"),
    "a negative count": ('test:e5 cartkg:count "-2"^^xsd:integer .', "test/e5"),
    "a decimal where an integer is expected": ("test:e6 cartkg:onsetDay 2.5 .", "test/e6"),
}

CONSISTENT = {
    "one value in two spellings": ('test:e7 cartkg:onsetDay 5, "05"^^xsd:integer .'),
    "an integral decimal for an integer": ("test:e8 cartkg:onsetDay 5.0 ."),
    "two nodes that may be one individual": (
        "test:c2 cartkg:claimAbout organization:cabaletta-bio, organization:duke-health ."
    ),
    "a value inside the facets": ("test:e9 cartkg:grade 3 ."),
}


def with_statements(project: Project, turtle: str) -> Dataset:
    write(project, "data/organizations/zz-test.ttl", PREFIXES + turtle)
    return Dataset.load(project)


def by_rules(dataset: Dataset):
    rules = compile_rules(dataset.rdflib_graph("ontology"))
    return check(rules, dataset.store, dataset.graph_names("ontology", "data"))


@pytest.mark.parametrize("case", INCONSISTENT.values(), ids=INCONSISTENT.keys())
def test_rules_and_hermit_both_find_the_inconsistency(project: Project, case) -> None:
    turtle, culprit = case
    dataset = with_statements(project, turtle)
    assert not reason(dataset, profile=False, explain=False, strategy="hermit").consistent
    found = by_rules(dataset)
    assert not found.consistent
    assert any(str(p.node).rstrip(">").endswith(culprit) for p in found.problems), found.problems


@pytest.mark.parametrize("turtle", CONSISTENT.values(), ids=CONSISTENT.keys())
def test_rules_and_hermit_both_accept(project: Project, turtle: str) -> None:
    dataset = with_statements(project, turtle)
    assert reason(dataset, profile=False, explain=False, strategy="hermit").consistent
    assert by_rules(dataset).problems == []


def memberships(report) -> set[tuple[str, str]]:
    return {(s, o) for s, p, o in report.inferred if p.endswith("#type")}


def test_rules_infer_hermits_class_memberships_on_the_curated_graph(project: Project) -> None:
    # the curated core of the graph: HermiT on all 300 registry trials takes many minutes
    dataset = Dataset.load(project)
    hermit = memberships(reason(dataset, profile=False, strategy="hermit"))
    rules = memberships(reason(dataset, profile=False, strategy="rules"))
    assert hermit, "HermiT infers defined classes on the real graph"
    assert rules == hermit


def test_rules_infer_hermits_class_memberships_on_a_synthetic_graph(tmp_path: Path) -> None:
    generator.generate(tmp_path / "p", TRIPLES + 1000, seed=3)
    dataset = Dataset.load(Project(tmp_path / "p"))
    hermit = memberships(reason(dataset, profile=False, strategy="hermit"))
    rules = memberships(reason(dataset, profile=False, strategy="rules"))
    assert len(hermit) > 10
    assert rules == hermit


def test_a_dual_target_construct_is_inferred_by_the_rules(project: Project) -> None:
    dataset = with_statements(
        project,
        "@prefix construct: <https://w3id.org/cartkg/id/construct/> .\n"
        "construct:rese-cel cartkg:targetAntigen antigen:BCMA .\n",
    )
    inferred = memberships(reason(dataset, profile=False, strategy="rules"))
    assert (
        "https://w3id.org/cartkg/id/product/rese-cel",
        "https://w3id.org/cartkg/vocab/DualTargetingProduct",
    ) in inferred


def test_the_rules_strategy_still_runs_hermit_on_a_sample(project: Project) -> None:
    report = reason(Dataset.load(project), profile=False, strategy="rules")
    assert report.strategy == "rules" and report.consistent
    assert report.sampled_triples > 0 and report.runs == 1


def test_a_focus_checks_only_those_nodes(project: Project) -> None:
    dataset = with_statements(project, "test:e1 cartkg:serious true, false .")
    rules = compile_rules(dataset.rdflib_graph("ontology"))
    graphs = dataset.graph_names("ontology", "data")
    assert not check(rules, dataset.store, graphs, focus={ox.NamedNode(TEST + "e1")}).consistent
    other = {ox.NamedNode("https://w3id.org/cartkg/id/trial/NCT06414135")}
    assert check(rules, dataset.store, graphs, focus=other).consistent


@pytest.mark.parametrize(
    "axiom",
    [
        "cartkg:nctId a owl:InverseFunctionalProperty .",
        "cartkg:X owl:equivalentClass [ owl:unionOf ( cartkg:A cartkg:B ) ] .",
        "cartkg:Y rdfs:subClassOf [ owl:onProperty cartkg:p ; owl:allValuesFrom cartkg:A ] .",
    ],
)
def test_an_axiom_the_rules_do_not_implement_sends_the_check_to_hermit(
    project: Project, axiom: str
) -> None:
    write(
        project,
        "ontology/vocab/zz-extra.ttl",
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n" + axiom + "\n",
    )
    dataset = Dataset.load(project)
    with pytest.raises(UnsupportedOntology):
        compile_rules(dataset.rdflib_graph("ontology"))
    assert reason(dataset, profile=False, strategy="rules").strategy == "hermit"


def test_hermits_passing_run_on_a_sample_is_kept_for_the_same_input(project: Project) -> None:
    first = reason(Dataset.load(project), profile=False, strategy="rules")
    assert first.runs == 1 and not first.cached
    again = reason(Dataset.load(project), profile=False, strategy="rules")
    assert again.cached and again.runs == 0 and again.consistent
    assert sorted(again.inferred) == sorted(first.inferred)
    # any change to the ontology (or to the sample) runs HermiT again
    write(
        project,
        "ontology/vocab/zz-extra.ttl",
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        'cartkg:X a owl:Class ; rdfs:label "x"@en .\n',
    )
    changed = reason(Dataset.load(project), profile=False, strategy="rules")
    assert not changed.cached and changed.runs == 1


def test_a_failing_hermit_run_is_never_kept(project: Project) -> None:
    from cartkg.reason.hermit import run_hermit

    dataset = with_statements(project, "test:e1 a cartkg:CRS ; cartkg:serious true, false .")
    for _ in range(2):  # a sample holding the whole small graph, the inconsistency with it
        report = run_hermit(dataset, explain=False, profile=False, sample=10**6)
        assert not report.consistent and not report.cached
