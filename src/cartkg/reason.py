"""Consistency check with HermiT through owlready2, the OWL 2 DL profile, and inferences.

owlready2 cannot read Turtle, so the ontology and data graphs are written as N-Triples first.
HermiT accepts only literals whose datatype is in the OWL 2 datatype map; ``xsd:date`` and the
partial dates (``xsd:gYearMonth``, ``xsd:gYear``) are not, so the reasoner sees those literals as
strings. Their values are checked by SHACL instead.

The same N-Triples are checked against the OWL 2 DL profile by the OWL API inside owlready2's
HermiT.jar (``java/ProfileCheck.java``, run as a single-file Java program, which needs a JDK).

Two inferred graphs are kept: the class memberships and subsumptions HermiT adds, and the
``rdfs:subPropertyOf`` closure (HermiT, as owlready2 runs it, leaves out annotation properties,
so ``cartkg:formerName`` values would not otherwise answer a query for ``skos:altLabel``).
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import owlready2
import pyoxigraph as ox

from cartkg import cache, namespaces
from cartkg.dataset import Dataset
from cartkg.errors import InputError
from cartkg.rules import (
    CHECKED_LEXICAL,
    INFERRED_GRAPH,
    OWL2_DATATYPES,
    Rules,
    UnsupportedOntology,
    check,
    compile_rules,
    ill_typed,
)

XSD = str(namespaces.XSD)
RDF = str(namespaces.RDF)
RDFS = str(namespaces.RDFS)
OWL = str(namespaces.OWL)

PROPERTIES_GRAPH = f"{namespaces.GRAPH}inferred/properties"
PROFILE_CHECKER = Path(__file__).parent / "java" / "ProfileCheck.java"
MAX_EXPLAIN_RUNS = 40
HERMIT_LIMIT = 20_000  # data triples: above, the rules strategy (HermiT takes minutes)
SAMPLE_TRIPLES = 2_000  # data triples HermiT sees under the rules strategy
_KEPT_INFERENCES = {RDF + "type", RDFS + "subClassOf", OWL + "equivalentClass"}
_TRIVIAL = {OWL + "Thing", OWL + "NamedIndividual"}


@dataclass(frozen=True)
class Culprit:
    """An individual whose statements take part in an inconsistency."""

    iri: str
    types: list[str]
    files: list[str]
    why: str = ""  # the rule it breaks, when the rules found it


@dataclass
class ReasonReport:
    consistent: bool
    unsatisfiable: list[str] = field(default_factory=list)
    culprits: list[Culprit] = field(default_factory=list)
    explained: bool = False
    inferred: list[tuple[str, str, str]] = field(default_factory=list)
    property_closure: list[ox.Triple] = field(default_factory=list)
    profile_checked: bool = False
    profile_violations: list[str] = field(default_factory=list)
    profile_note: str = ""
    runs: int = 0
    seconds: float = 0.0
    strategy: str = "hermit"  # hermit | rules | focus (see ``reason``)
    sampled_triples: int = 0  # data triples HermiT saw, under the rules strategy
    why: str = ""  # why this strategy ran (the graph's size, a request, an unsupported axiom)
    cached: bool = False  # HermiT's run on this ontology and sample was reused (cartkg.cache)

    @property
    def ok(self) -> bool:
        return self.consistent and not self.unsatisfiable and not self.profile_violations

    def inferred_quads(self) -> list[ox.Quad]:
        """The inferences, HermiT's or the rules', and the subproperty closure, each in its
        own named graph."""
        graph = ox.NamedNode(INFERRED_GRAPH)
        properties = ox.NamedNode(PROPERTIES_GRAPH)
        return [
            ox.Quad(_node(s), ox.NamedNode(p), ox.NamedNode(o), graph) for s, p, o in self.inferred
        ] + [ox.Quad(t.subject, t.predicate, t.object, properties) for t in self.property_closure]


@dataclass
class _Outcome:
    consistent: bool
    unsatisfiable: list[str]
    inferred: list[tuple[str, str, str]]


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
            sampled = pool.submit(_hermit, dataset, explain, profile, SAMPLE_TRIPLES)
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
        report = _hermit(dataset, explain, profile)
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
        culprits=[_culprit(dataset, node, "; ".join(why)) for node, why in by_node.items()],
        explained=True,
        inferred=[(str(_plain(n)), RDF + "type", c.value) for n, c in found.inferred],
        property_closure=subproperty_closure(dataset, focus),
    )


def _hermit(
    dataset: Dataset, explain: bool, profile: bool, sample: int | None = None
) -> ReasonReport:
    """HermiT over the ontology and the data (or a sample of ``sample`` data triples)."""
    background = _ntriples(dataset.quads("ontology"))
    data = list(dataset.quads("data")) if sample is None else _sample(dataset, sample)
    groups = _subject_groups(data)
    everything = background + [line for g in groups.values() for line in g]
    # owlready2 cannot even read an ill-typed literal (its N-Triples for HermiT carry it as a
    # string): each is an inconsistency, found here
    malformed: dict[ox.NamedNode | ox.BlankNode, list[str]] = defaultdict(list)
    for q in [*dataset.quads("ontology"), *data]:
        if isinstance(q.object, ox.Literal) and q.object.datatype.value in CHECKED_LEXICAL:
            why = ill_typed(q.object)
            if why:
                malformed[q.subject].append(f"{q.predicate.value} {why}")
    key = _cache_key(dataset, data, profile) if sample is not None else None
    if key is not None and not malformed and (kept := cache.load(dataset.project, key)):
        return ReasonReport(
            consistent=True,
            inferred=[tuple(t) for t in kept["inferred"]],  # type: ignore[misc]
            sampled_triples=kept["sampled_triples"],
            profile_checked=kept["profile_checked"],
            profile_note=kept["profile_note"],
            cached=True,
        )
    with tempfile.TemporaryDirectory(prefix="cartkg-reason-") as tmp:
        runner = _Runner(Path(tmp))
        outcome = runner.run(everything)
        if malformed:
            outcome.consistent = False
        report = ReasonReport(
            consistent=outcome.consistent,
            unsatisfiable=outcome.unsatisfiable,
            inferred=outcome.inferred,
            property_closure=subproperty_closure(dataset) if sample is None else [],
            sampled_triples=len(everything) - len(background),
        )
        if profile:
            _check_profile(everything, Path(tmp), report)
        if malformed:
            report.explained = True
            report.culprits = [_culprit(dataset, n, "; ".join(w)) for n, w in malformed.items()]
        elif not outcome.consistent and explain:
            if not runner.run(background).consistent:
                report.culprits = []  # the ontology files alone are inconsistent
                report.explained = True
            else:
                conflict = _quickxplain(
                    background,
                    list(groups.items()),
                    lambda lines: runner.run(lines).consistent,
                    budget=MAX_EXPLAIN_RUNS,
                )
                if conflict is not None:
                    report.explained = True
                    report.culprits = [
                        _culprit(dataset, ox.NamedNode(subject)) for subject, _ in conflict
                    ]
        report.runs = runner.runs
    if key is not None and report.ok and not report.culprits:  # only a passing run is kept
        cache.save(dataset.project, key, {
            "inferred": report.inferred, "sampled_triples": report.sampled_triples,
            "profile_checked": report.profile_checked, "profile_note": report.profile_note,
        })  # fmt: skip
    return report


def _cache_key(dataset: Dataset, sample: list[ox.Quad], profile: bool) -> str | None:
    """What HermiT's run on the ontology and a sample depends on: the ontology files' bytes
    and the sampled triples (None when the sample holds a blank node, whose label is new on
    every load)."""
    lines = sorted(_ntriples(sample))
    if any("_:" in line for line in lines):
        return None
    files = sorted(
        (f.source.relpath.encode(), f.source.path.read_bytes())
        for f in dataset.files
        if f.source.role == "ontology"
    )
    return cache.digest("hermit", [str(profile), *(b"\0".join(f) for f in files), *lines])


def _sample(dataset: Dataset, budget: int) -> list[ox.Quad]:
    """Whole entities (with their blank nodes), some of each class in turn, up to ``budget``
    data triples; the same sample for the same graph."""
    data = set(dataset.graph_names("data"))
    first_type: dict[ox.NamedNode, str] = {}
    query = "SELECT ?s ?t ?g WHERE { GRAPH ?g { ?s a ?t } FILTER(isIRI(?s)) }"
    for row in dataset.store.query(query):
        if row["g"] in data:
            subject, kind = row["s"], row["t"].value
            if subject not in first_type or kind < first_type[subject]:
                first_type[subject] = kind
    by_class: dict[str, list[ox.NamedNode]] = defaultdict(list)
    for subject, kind in first_type.items():
        by_class[kind].append(subject)
    queues = [
        sorted(v, key=lambda n: hashlib.sha256(n.value.encode()).digest(), reverse=True)
        for _, v in sorted(by_class.items())
    ]
    chosen: list[ox.Quad] = []
    while len(chosen) < budget and any(queues):
        for queue in queues:
            if queue and len(chosen) < budget:
                chosen += _described(dataset.store, queue.pop(), data)
    return chosen


def _described(store: ox.Store, node: ox.NamedNode, graphs: set[ox.NamedNode]) -> list[ox.Quad]:
    """The statements about ``node`` and, through them, about the blank nodes it holds."""
    found, todo, seen = [], [node], {node}
    while todo:
        for q in store.quads_for_pattern(todo.pop(), None, None, None):
            if q.graph_name in graphs:
                found.append(q)
                if isinstance(q.object, ox.BlankNode) and q.object not in seen:
                    seen.add(q.object)
                    todo.append(q.object)
    return found


_SUPERPROPERTIES = f"""
PREFIX rdfs: <{RDFS}>
SELECT DISTINCT ?p ?super WHERE {{ ?p rdfs:subPropertyOf+ ?super }}
"""


def subproperty_closure(
    dataset: Dataset, focus: Collection[ox.NamedNode | ox.BlankNode] | None = None
) -> list[ox.Triple]:
    """The triples that rdfs:subPropertyOf entails and the graph does not state (about the
    ``focus`` subjects only, when given)."""
    ontology = dataset.graph_names("ontology")
    if not ontology:
        return []
    graphs = set(ontology) | set(dataset.graph_names("data"))
    supers: dict[ox.NamedNode, set[ox.NamedNode]] = defaultdict(set)
    for row in dataset.store.query(_SUPERPROPERTIES, default_graph=ontology):
        supers[row["p"]].add(row["super"])
    store = dataset.store
    subjects = None if focus is None else list(focus)
    found: set[ox.Triple] = set()
    for p, ups in supers.items():
        for subject in subjects if subjects is not None else [None]:
            for q in store.quads_for_pattern(subject, p, None, None):
                if q.graph_name not in graphs:
                    continue
                for up in ups:
                    stated = any(
                        x.graph_name in graphs
                        for x in store.quads_for_pattern(q.subject, up, q.object, None)
                    )
                    if not stated:
                        found.add(ox.Triple(q.subject, up, q.object))
    return sorted(found, key=str)


def _check_profile(lines: Sequence[str], workdir: Path, report: ReasonReport) -> None:
    """Check the N-Triples against OWL 2 DL with the OWL API inside HermiT.jar (needs a JDK)."""
    if shutil.which("javac") is None:
        report.profile_note = "OWL 2 DL profile not checked: it needs a JDK (javac), not only a JRE"
        return
    jar = Path(owlready2.__file__).parent / "hermit" / "HermiT.jar"
    path = workdir / "profile.nt"
    path.write_text("".join(lines), encoding="utf-8")
    proc = subprocess.run(
        ["java", "-cp", str(jar), str(PROFILE_CHECKER), str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    if proc.returncode not in (0, 1):
        report.profile_note = f"OWL 2 DL profile check failed to run: {proc.stderr.strip()[:300]}"
        return
    report.profile_checked = True
    report.profile_violations = [v for v in proc.stdout.splitlines() if v.strip()]


def _culprit(dataset: Dataset, node: ox.NamedNode | ox.BlankNode, why: str = "") -> Culprit:
    types = sorted(
        {
            q.object.value
            for q in dataset.store.quads_for_pattern(node, ox.NamedNode(RDF + "type"), None)
            if isinstance(q.object, ox.NamedNode) and q.object.value not in _TRIVIAL
        }
    )
    return Culprit(str(_plain(node)), types, dataset.files_describing(node), why)


def _plain(node: ox.NamedNode | ox.BlankNode) -> str:
    return node.value if isinstance(node, ox.NamedNode) else str(node)


def _node(text: str) -> ox.NamedNode | ox.BlankNode:
    return ox.BlankNode(text[2:]) if text.startswith("_:") else ox.NamedNode(text)


def _owl_safe(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
    """N-Triples for ``term``, with literals outside the OWL 2 datatype map made strings."""
    if (
        isinstance(term, ox.Literal)
        and not term.language
        and (
            term.datatype.value not in OWL2_DATATYPES
            or (term.datatype.value in CHECKED_LEXICAL and ill_typed(term))
        )
    ):
        return str(ox.Literal(term.value))
    return str(term)


def _ntriples(quads: Iterable[ox.Quad]) -> list[str]:
    imports = ox.NamedNode(OWL + "imports")
    return [
        f"{_owl_safe(q.subject)} {q.predicate} {_owl_safe(q.object)} .\n"
        for q in quads
        if q.predicate != imports  # imports are loaded from ontology/imports/, never fetched
    ]


def _subject_groups(quads: Iterable[ox.Quad]) -> dict[str, list[str]]:
    """Data triples grouped by the named subject they describe (blank nodes go with it)."""
    quads = list(quads)
    owner: dict[ox.BlankNode, ox.NamedNode] = {}
    for q in quads:
        if isinstance(q.object, ox.BlankNode) and isinstance(q.subject, ox.NamedNode):
            owner.setdefault(q.object, q.subject)
    groups: dict[str, list[str]] = defaultdict(list)
    for q in quads:
        subject = q.subject
        seen = set()
        while isinstance(subject, ox.BlankNode) and subject in owner and subject not in seen:
            seen.add(subject)
            subject = owner[subject]
        key = subject.value if isinstance(subject, ox.NamedNode) else "_:orphans"
        groups[key].append(f"{_owl_safe(q.subject)} {q.predicate} {_owl_safe(q.object)} .\n")
    return dict(groups)


class _Runner:
    """Runs HermiT on N-Triples lines, each run in a fresh owlready2 world."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.runs = 0

    def run(self, lines: Sequence[str]) -> _Outcome:
        self.runs += 1
        path = self.workdir / f"run-{self.runs}.nt"
        path.write_text("".join(lines), encoding="utf-8")
        world = owlready2.World()
        try:
            world.get_ontology(path.as_uri()).load(format="ntriples")
            owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError:
            return _Outcome(False, [], [])
        except owlready2.OwlReadyJavaError as e:
            raise InputError(
                f"HermiT could not reason over the graph: {_java_message(e)}"
            ) from None
        except FileNotFoundError as e:
            raise InputError(
                f"HermiT needs Java, which was not found ({e}): install a JRE"
            ) from None
        finally:
            path.unlink(missing_ok=True)
        unsatisfiable = sorted(
            c.iri for c in world.inconsistent_classes() if c.iri != OWL + "Nothing"
        )
        inferred = _inferences(world)
        world.close()
        return _Outcome(True, unsatisfiable, inferred)


def _inferences(world: owlready2.World) -> list[tuple[str, str, str]]:
    """Named-class memberships and subsumptions that HermiT added."""
    inferred = world.get_ontology(namespaces.OWLREADY_INFERENCES)
    found = set()
    for s, p, o in inferred.get_triples():
        if not (isinstance(s, int) and isinstance(o, int) and s > 0 and o > 0):
            continue
        subject, predicate, obj = (world._unabbreviate(x) for x in (s, p, o))
        if (
            predicate in _KEPT_INFERENCES
            and obj not in _TRIVIAL
            and subject != obj
            and not subject.startswith(namespaces.OWLREADY_INFERENCES.rstrip("/"))  # its own node
        ):
            found.add((subject, predicate, obj))
    return sorted(found)


def _java_message(error: Exception) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    useful = [line for line in lines if "Exception" in line or "datatype" in line.lower()]
    return " ".join(useful[:3] or lines[:3])


def _quickxplain(
    background: list[str],
    groups: list[tuple[str, list[str]]],
    consistent: Callable[[list[str]], bool],
    budget: int,
) -> list[tuple[str, list[str]]] | None:
    """A minimal set of groups that is inconsistent with the background (QuickXplain).

    Junker 2004: O(k log(n/k)) consistency checks for a conflict of k out of n groups.
    Returns None when the budget of checks runs out.
    """
    runs = 0

    def check(extra: Sequence[tuple[str, list[str]]], base: list[str]) -> bool:
        nonlocal runs
        runs += 1
        if runs > budget:
            raise _OutOfBudget
        return consistent(base + [line for _, lines in extra for line in lines])

    def lines_of(gs: Sequence[tuple[str, list[str]]]) -> list[str]:
        return [line for _, lines in gs for line in lines]

    def qx(base: list[str], delta: bool, cs: list[tuple[str, list[str]]]):
        if delta and not check([], base):
            return []
        if len(cs) == 1:
            return cs
        half = len(cs) // 2
        c1, c2 = cs[:half], cs[half:]
        d2 = qx(base + lines_of(c1), bool(c1), c2)
        d1 = qx(base + lines_of(d2), bool(d2), c1)
        return d1 + d2

    try:
        if not groups:
            return None
        return qx(background, False, groups)
    except _OutOfBudget:
        return None


class _OutOfBudget(Exception):
    pass


def take_inferences(store: ox.Store) -> list[ox.Quad]:
    """Remove the inferred graphs from ``store`` and return their quads."""
    taken = []
    for graph in map(ox.NamedNode, (INFERRED_GRAPH, PROPERTIES_GRAPH)):
        taken += store.quads_for_pattern(None, None, None, graph)
        store.remove_graph(graph)
    return taken


def still_true(
    inferred: Iterable[ox.Quad], changed: Collection[ox.NamedNode | ox.BlankNode]
) -> list[ox.Quad]:
    """The inferences that stand when the statements about ``changed`` nodes change: all but
    those nodes' class memberships and subproperty closure (the ones between classes stay, as
    a rebuild runs only on an unchanged ontology)."""
    changed = set(changed)
    rdf_type, properties = ox.NamedNode(RDF + "type"), ox.NamedNode(PROPERTIES_GRAPH)
    return [
        q
        for q in inferred
        if q.subject not in changed or (q.graph_name != properties and q.predicate != rdf_type)
    ]
