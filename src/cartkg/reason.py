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

import shutil
import subprocess
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import owlready2
import pyoxigraph as ox

from cartkg.dataset import Dataset
from cartkg.errors import InputError

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"

# https://www.w3.org/TR/owl2-syntax/#Datatype_Maps
_XSD_IN_OWL2 = """
    decimal integer nonNegativeInteger nonPositiveInteger positiveInteger negativeInteger long
    int short byte unsignedLong unsignedInt unsignedShort unsignedByte double float string
    normalizedString token language Name NCName NMTOKEN boolean hexBinary base64Binary anyURI
    dateTime dateTimeStamp
"""
OWL2_DATATYPES = frozenset(
    [OWL + "real", OWL + "rational", RDF + "PlainLiteral", RDF + "XMLLiteral", RDFS + "Literal"]
    + [XSD + name for name in _XSD_IN_OWL2.split()]
)
INFERRED_GRAPH = "https://w3id.org/cartkg/graph/inferred/hermit"
PROPERTIES_GRAPH = "https://w3id.org/cartkg/graph/inferred/properties"
PROFILE_CHECKER = Path(__file__).parent / "java" / "ProfileCheck.java"
MAX_EXPLAIN_RUNS = 40
_KEPT_INFERENCES = {RDF + "type", RDFS + "subClassOf", OWL + "equivalentClass"}
_TRIVIAL = {OWL + "Thing", OWL + "NamedIndividual"}


@dataclass(frozen=True)
class Culprit:
    """An individual whose statements take part in an inconsistency."""

    iri: str
    types: list[str]
    files: list[str]


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

    @property
    def ok(self) -> bool:
        return self.consistent and not self.unsatisfiable and not self.profile_violations

    def inferred_quads(self) -> list[ox.Quad]:
        """HermiT's inferences and the subproperty closure, each in its own named graph."""
        hermit, properties = ox.NamedNode(INFERRED_GRAPH), ox.NamedNode(PROPERTIES_GRAPH)
        return [
            ox.Quad(ox.NamedNode(s), ox.NamedNode(p), ox.NamedNode(o), hermit)
            for s, p, o in self.inferred
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
) -> ReasonReport:
    """Run HermiT over ontology + data; on inconsistency, find the individuals involved."""
    started = time.perf_counter()
    background = _ntriples(dataset.quads("ontology"))
    groups = _subject_groups(dataset.quads("data"))
    everything = background + [line for g in groups.values() for line in g]
    with tempfile.TemporaryDirectory(prefix="cartkg-reason-") as tmp:
        runner = _Runner(Path(tmp))
        outcome = runner.run(everything)
        report = ReasonReport(
            consistent=outcome.consistent,
            unsatisfiable=outcome.unsatisfiable,
            inferred=outcome.inferred,
            property_closure=subproperty_closure(dataset),
        )
        if profile:
            _check_profile(everything, Path(tmp), report)
        if not outcome.consistent and explain:
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
                    report.culprits = [_culprit(dataset, subject) for subject, _ in conflict]
        report.runs = runner.runs
    report.seconds = time.perf_counter() - started
    return report


_CLOSURE = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?s ?super ?o WHERE {
  ?p rdfs:subPropertyOf+ ?super .
  ?s ?p ?o .
  FILTER NOT EXISTS { ?s ?super ?o }
}
"""


def subproperty_closure(dataset: Dataset) -> list[ox.Triple]:
    """The triples that rdfs:subPropertyOf entails and the graph does not state."""
    graphs = dataset.graph_names("ontology", "data")
    if not graphs:
        return []
    return [
        ox.Triple(row["s"], row["super"], row["o"])
        for row in dataset.store.query(_CLOSURE, default_graph=graphs)
    ]


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


def _culprit(dataset: Dataset, subject: str) -> Culprit:
    node = ox.NamedNode(subject)
    types = sorted(
        {
            q.object.value
            for q in dataset.store.quads_for_pattern(node, ox.NamedNode(RDF + "type"), None)
            if isinstance(q.object, ox.NamedNode) and q.object.value not in _TRIVIAL
        }
    )
    return Culprit(subject, types, dataset.files_describing(node))


def _owl_safe(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
    """N-Triples for ``term``, with literals outside the OWL 2 datatype map made strings."""
    if (
        isinstance(term, ox.Literal)
        and not term.language
        and term.datatype.value not in OWL2_DATATYPES
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
    inferred = world.get_ontology("http://inferrences/")
    found = set()
    for s, p, o in inferred.get_triples():
        if not (isinstance(s, int) and isinstance(o, int) and s > 0 and o > 0):
            continue
        subject, predicate, obj = (world._unabbreviate(x) for x in (s, p, o))
        if (
            predicate in _KEPT_INFERENCES
            and obj not in _TRIVIAL
            and subject != obj
            and not subject.startswith("http://inferrences")  # owlready2's own ontology node
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


def remove_inferences(store: ox.Store, subjects: Collection[ox.NamedNode | ox.BlankNode]) -> None:
    """Drop the inferred triples about ``subjects`` (before they are inferred again)."""
    for graph in (ox.NamedNode(INFERRED_GRAPH), ox.NamedNode(PROPERTIES_GRAPH)):
        for subject in subjects:
            for q in list(store.quads_for_pattern(subject, None, None, graph)):
                store.remove(q)
