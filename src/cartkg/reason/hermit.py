"""HermiT through owlready2 over the ontology and the data (or a sample of it): consistency,
unsatisfiable classes, the memberships and subsumptions it infers, the OWL 2 DL profile, and on
an inconsistency the individuals that take part in it."""

from __future__ import annotations

import tempfile
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import owlready2
import pyoxigraph as ox

from cartkg import cache, namespaces
from cartkg.dataset import Dataset
from cartkg.errors import InputError
from cartkg.reason.closure import subproperty_closure
from cartkg.reason.explain import TRIVIAL, culprit, quickxplain
from cartkg.reason.ntriples import ntriples, subject_groups
from cartkg.reason.profile import check_profile
from cartkg.reason.report import ReasonReport
from cartkg.reason.sample import cache_key, draw_sample
from cartkg.rules import CHECKED_LEXICAL, ill_typed

RDF = str(namespaces.RDF)
RDFS = str(namespaces.RDFS)
OWL = str(namespaces.OWL)

MAX_EXPLAIN_RUNS = 40
_KEPT_INFERENCES = {RDF + "type", RDFS + "subClassOf", OWL + "equivalentClass"}


@dataclass
class _Outcome:
    consistent: bool
    unsatisfiable: list[str]
    inferred: list[tuple[str, str, str]]


def run_hermit(
    dataset: Dataset, explain: bool, profile: bool, sample: int | None = None
) -> ReasonReport:
    """HermiT over the ontology and the data (or a sample of ``sample`` data triples)."""
    background = ntriples(dataset.quads("ontology"))
    data = list(dataset.quads("data")) if sample is None else draw_sample(dataset, sample)
    groups = subject_groups(data)
    everything = background + [line for g in groups.values() for line in g]
    # owlready2 cannot even read an ill-typed literal (its N-Triples for HermiT carry it as a
    # string): each is an inconsistency, found here
    malformed: dict[ox.NamedNode | ox.BlankNode, list[str]] = defaultdict(list)
    for q in [*dataset.quads("ontology"), *data]:
        if isinstance(q.object, ox.Literal) and q.object.datatype.value in CHECKED_LEXICAL:
            why = ill_typed(q.object)
            if why:
                malformed[q.subject].append(f"{q.predicate.value} {why}")
    key = cache_key(dataset, data, profile) if sample is not None else None
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
            check_profile(everything, Path(tmp), report)
        if malformed:
            report.explained = True
            report.culprits = [culprit(dataset, n, "; ".join(w)) for n, w in malformed.items()]
        elif not outcome.consistent and explain:
            if not runner.run(background).consistent:
                report.culprits = []  # the ontology files alone are inconsistent
                report.explained = True
            else:
                conflict = quickxplain(
                    background,
                    list(groups.items()),
                    lambda lines: runner.run(lines).consistent,
                    budget=MAX_EXPLAIN_RUNS,
                )
                if conflict is not None:
                    report.explained = True
                    report.culprits = [
                        culprit(dataset, ox.NamedNode(subject)) for subject, _ in conflict
                    ]
        report.runs = runner.runs
    if key is not None and report.ok and not report.culprits:  # only a passing run is kept
        cache.save(dataset.project, key, {
            "inferred": report.inferred, "sampled_triples": report.sampled_triples,
            "profile_checked": report.profile_checked, "profile_note": report.profile_note,
        })  # fmt: skip
    return report


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
            and obj not in TRIVIAL
            and subject != obj
            and not subject.startswith(namespaces.OWLREADY_INFERENCES.rstrip("/"))  # its own node
        ):
            found.add((subject, predicate, obj))
    return sorted(found)


def _java_message(error: Exception) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    useful = [line for line in lines if "Exception" in line or "datatype" in line.lower()]
    return " ".join(useful[:3] or lines[:3])
