"""Consistency check with HermiT through owlready2, the OWL 2 DL profile, and inferences.

owlready2 cannot read Turtle, so the ontology and data graphs are written as N-Triples first
(``ntriples``). HermiT accepts only literals whose datatype is in the OWL 2 datatype map;
``xsd:date`` and the partial dates (``xsd:gYearMonth``, ``xsd:gYear``) are not, so the reasoner
sees those literals as strings. Their values are checked by SHACL instead.

The same N-Triples are checked against the OWL 2 DL profile by the OWL API inside owlready2's
HermiT.jar (``java/ProfileCheck.java``, run as a single-file Java program, which needs a JDK;
``profile``).

Two inferred graphs are kept: the class memberships and subsumptions HermiT adds, and the
``rdfs:subPropertyOf`` closure (HermiT, as owlready2 runs it, leaves out annotation properties,
so ``cartkg:formerName`` values would not otherwise answer a query for ``skos:altLabel``;
``closure``).

``reason`` chooses the engine; ``hermit`` runs HermiT (on everything or on a sample drawn by
``sample``), ``explain`` narrows an inconsistency down to individuals, ``report`` holds what was
found.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Collection
from concurrent.futures import ThreadPoolExecutor

import pyoxigraph as ox

from cartkg import namespaces
from cartkg.dataset import Dataset
from cartkg.reason.closure import PROPERTIES_GRAPH, still_true, subproperty_closure, take_inferences
from cartkg.reason.explain import culprit
from cartkg.reason.hermit import run_hermit
from cartkg.reason.ntriples import plain
from cartkg.reason.report import Culprit, ReasonReport
from cartkg.rules import INFERRED_GRAPH, Rules, UnsupportedOntology, check, compile_rules

__all__ = [
    "HERMIT_LIMIT",
    "INFERRED_GRAPH",
    "PROPERTIES_GRAPH",
    "SAMPLE_TRIPLES",
    "Culprit",
    "ReasonReport",
    "dataset_data_triples",
    "reason",
    "still_true",
    "subproperty_closure",
    "take_inferences",
]

RDF = str(namespaces.RDF)

HERMIT_LIMIT = 20_000  # data triples: above, the rules strategy (HermiT takes minutes)
SAMPLE_TRIPLES = 2_000  # data triples HermiT sees under the rules strategy


def reason(
    dataset: Dataset,
    explain: bool = True,
    profile: bool = True,
    focus: Collection[ox.NamedNode | ox.BlankNode] | None = None,
    strategy: str = "auto",
) -> ReasonReport:
    """Check the ontology and data for consistency and infer the defined classes.

    ``hermit``: HermiT over everything, exact; inconsistencies narrowed down to individuals.
    ``rules``: the ontology's axioms as rules (``cartkg.rules``) over every triple, and HermiT
    (and the OWL 2 DL profile check) over the ontology with a sample of the data, for what the
    rules do not cover. ``auto`` is ``hermit`` up to HERMIT_LIMIT data triples, ``rules`` above.
    With ``focus`` (a rebuild) only the rules run, on those nodes. The rules strategy needs an
    ontology the rules implement; otherwise HermiT runs on everything.
    """
    started = time.perf_counter()
    rules, unsupported = _rules_for(dataset)
    size = dataset_data_triples(dataset)
    if rules is not None and focus is not None:
        report = _by_rules(dataset, rules, focus)
        report.strategy = "focus"
        report.why = f"a rebuild: the OWL rules on the {len(focus):,} nodes the changed files touch"
    elif rules is not None and (
        strategy == "rules" or (strategy == "auto" and size > HERMIT_LIMIT)
    ):
        with ThreadPoolExecutor(1) as pool:  # HermiT is mostly Java: on another core
            sampled = pool.submit(run_hermit, dataset, explain, profile, SAMPLE_TRIPLES)
            report = _by_rules(dataset, rules, None)
            sample = sampled.result()
        report.strategy = "rules"
        report.sampled_triples = sample.sampled_triples
        # the sample's memberships are the rules' too; the subsumptions it found are kept
        report.inferred += [t for t in sample.inferred if t[1] != RDF + "type"]
        report.consistent = report.consistent and sample.consistent
        report.culprits += sample.culprits
        report.explained = report.explained or sample.explained
        report.unsatisfiable = sample.unsatisfiable
        report.runs = sample.runs
        report.profile_checked = sample.profile_checked
        report.profile_violations = sample.profile_violations
        report.profile_note = sample.profile_note
        report.cached = sample.cached
        report.why = (
            "asked for (--strategy rules)"
            if strategy == "rules"
            else f"{size:,} data triples, above HermiT's limit of {HERMIT_LIMIT:,}: the OWL rules "
            "check every triple, HermiT the ontology with a sample"
        )
    else:
        report = run_hermit(dataset, explain, profile)
        if rules is None:
            report.why = f"the OWL rules do not implement this ontology ({unsupported}), so HermiT reasons over everything"  # noqa: E501
        elif strategy == "hermit" or focus is not None:
            report.why = "asked for (--strategy hermit)"
        else:
            report.why = f"{size:,} data triples, within HermiT's limit of {HERMIT_LIMIT:,}"
    report.seconds = time.perf_counter() - started
    return report


def dataset_data_triples(dataset: Dataset) -> int:
    return sum(f.triples for f in dataset.files if f.source.role == "data")


def _rules_for(dataset: Dataset) -> tuple[Rules | None, str]:
    """The ontology's axioms as rules, or None and the axiom the rules do not implement."""
    try:
        return compile_rules(dataset.rdflib_graph("ontology")), ""
    except UnsupportedOntology as e:
        return None, str(e)


def _by_rules(
    dataset: Dataset, rules: Rules, focus: Collection[ox.NamedNode | ox.BlankNode] | None
) -> ReasonReport:
    found = check(rules, dataset.store, dataset.graph_names("ontology", "data"), focus)
    by_node: dict[ox.NamedNode | ox.BlankNode, list[str]] = defaultdict(list)
    for problem in found.problems:
        by_node[problem.node].append(problem.detail)
    return ReasonReport(
        consistent=found.consistent,
        culprits=[culprit(dataset, node, "; ".join(why)) for node, why in by_node.items()],
        explained=True,
        inferred=[(str(plain(n)), RDF + "type", c.value) for n, c in found.inferred],
        property_closure=subproperty_closure(dataset, focus),
    )
