"""Consistency rules and defined-class inference, compiled from the ontology, in one pass.

HermiT is exact but takes minutes beyond some ten thousand triples. This package covers the part
of OWL 2 the ontology uses, the way an OWL 2 RL reasoner would, over the whole graph in seconds:

- types: stated ``rdf:type``, ``rdfs:domain`` and ``rdfs:range`` (through ``rdfs:subPropertyOf``),
  ``rdfs:subClassOf`` and named ``owl:equivalentClass``;
- defined classes: ``owl:equivalentClass`` to an intersection of named classes and restrictions
  (``someValuesFrom`` a class expression, ``hasValue``, ``minQualifiedCardinality`` counting
  values declared distinct by ``owl:AllDifferent``), on a property or its inverse;
- inconsistencies: a node in two disjoint classes (``owl:disjointWith``,
  ``owl:AllDisjointClasses``); two different literal values of a functional property; two values
  of a functional object property that cannot be one individual (declared distinct, or in
  disjoint classes); a literal outside its property's datatype range (ill-typed, wrong datatype,
  or outside the range's facets).

``compile_rules`` raises ``UnsupportedOntology`` for an axiom outside that part, so that the
caller falls back to HermiT rather than check less than it thinks. What the rules cannot see,
HermiT still checks on the ontology with a sample of the data (see ``cartkg.reason``).

``compile_rules`` (``compile``) reads the axioms (``expressions``); ``check`` applies them to the
data (``facts``, with ``literals`` for the datatypes) and returns what it found (``report``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

import pyoxigraph as ox

from cartkg.rules.compile import Rules, compile_rules
from cartkg.rules.facts import Facts
from cartkg.rules.literals import CHECKED_LEXICAL, OWL2_DATATYPES, ill_typed, value_key
from cartkg.rules.report import INFERRED_GRAPH, Node, Problem, RuleReport, UnsupportedOntology
from cartkg.rules.show import show, show_all

__all__ = [
    "CHECKED_LEXICAL",
    "INFERRED_GRAPH",
    "OWL2_DATATYPES",
    "Problem",
    "RuleReport",
    "Rules",
    "UnsupportedOntology",
    "check",
    "compile_rules",
    "ill_typed",
]


def check(
    rules: Rules,
    store: ox.Store,
    graphs: Collection[ox.NamedNode],
    focus: Collection[Node] | None = None,
) -> RuleReport:
    """Apply the rules to the quads of ``graphs`` in ``store``.

    Without ``focus`` one pass reads every quad. With it, only the focus nodes are checked and
    given inferences, and only what that needs is read (see ``Facts.ensure``).
    """
    facts = Facts(rules, store, set(graphs), lazy=focus is not None)
    if focus is None:
        facts.read(facts.all_quads())
        nodes: Iterable[Node] = list(facts.base)
    else:
        nodes = [n for n in focus if not isinstance(n, ox.Literal)]
        for node in nodes:
            facts.ensure(node)
    report = RuleReport(problems=list(facts.problems))
    if focus is not None:
        keep = set(nodes)
        report.problems = [p for p in report.problems if p.node in keep]
    disjoint = rules.disjoint
    for node in nodes:
        types = facts.types(node)
        clashing = [c for c in types if c in disjoint and disjoint[c] & types]
        for cls in sorted(clashing, key=str):
            clash = disjoint[cls] & types
            for other in sorted(clash, key=str):
                if str(cls) < str(other):
                    report.problems.append(
                        Problem("disjoint", node, f"in {show(cls)} and in disjoint {show(other)}")
                    )
        defined = facts.defined_types(node)
        if defined:
            report.inferred += [(node, cls) for cls in sorted(defined, key=str)]
    for (subject, prop), values in sorted(facts.functional_values.items(), key=str):
        if focus is not None and subject not in keep:
            continue
        problem = _functional_problem(rules, facts, prop, values)
        if problem:
            report.problems.append(Problem("functional", subject, problem))
    report.problems.sort(key=lambda p: (p.kind, str(p.node), p.detail))
    return report


def _functional_problem(rules: Rules, facts: Facts, prop: ox.NamedNode, values: set) -> str:
    if len(values) < 2:
        return ""
    literals = [v for v in values if isinstance(v, ox.Literal)]
    nodes = [v for v in values if not isinstance(v, ox.Literal)]
    if literals and nodes:
        return f"{show(prop)} is functional and has both a literal and a node as values"
    if literals:
        if len({value_key(v) for v in literals}) > 1:
            shown = ", ".join(sorted(str(v) for v in literals))
            return f"{show(prop)} is functional and has {len(literals)} values: {shown}"
        return ""
    # no unique name assumption: two nodes are one individual unless that is impossible
    groups = {rules.distinct.get(v) for v in nodes}
    if None not in groups and len(groups) == 1:
        return f"{show(prop)} is functional and has distinct values {show_all(nodes)}"
    merged: set[ox.NamedNode] = set()
    for v in nodes:
        merged |= facts.types(v)
    for cls in merged:
        if rules.disjoint.get(cls, frozenset()) & merged:
            return (
                f"{show(prop)} is functional and its values {show_all(nodes)} "
                "are in disjoint classes"
            )
    return ""
