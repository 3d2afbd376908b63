"""Matching a patient against every trial: stored queries decide each structured clause on the
graph (thresholds, diagnoses), and the criteria's any-of and all-of trees are combined here in
four-valued logic.

A clause *holds* (T), *fails* (F), is *unknown* (U: the profile lacks what decides it) or needs
*review* (R: the graph holds it only as text, or in a form no profile fact decides). All-of
parts: F if any is F, else U if any is U, else R if any is R, else T; any-of parts the dual.
An inclusion criterion is met when it holds, an exclusion criterion when it fails. A trial is
not eligible when any criterion is not met, unknown when any is unknown or when nothing beyond
age and sex was checked, and eligible otherwise, with its criteria for review listed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from cartkg.errors import InputError
from cartkg.matching.profile import Patient, ProfileError, Value
from cartkg.matching.units import Unit, Units, quantity, registry
from cartkg.namespaces import CARTKG
from cartkg.queries import Param, QueryClient
from cartkg.resolve import UnknownName

V = str(CARTKG)
AGE = V + "measure/age"
CRCL = V + "measure/creatinine-clearance"
CREATININE = V + "measure/serum-creatinine"
ULN_DIMENSION = "multiple-of-upper-limit-of-normal"
TOPIC_DIAGNOSIS = V + "topic/diagnosis"
# a yes/no fact of the profile, and the criterion topics it proves an exclusion for
FLAG_TOPICS = {
    "pregnant": (V + "topic/pregnancy",),
    "lactating": (V + "topic/pregnancy",),
    "prior_car_t": (V + "topic/prior-car-t",),
    "prior_transplant": (V + "topic/transplant",),
    "active_infection": (V + "topic/infection",),
    "malignancy": (V + "topic/malignancy",),
}
SEX = {"female": V + "sex/female", "male": V + "sex/male", "all": V + "sex/all"}

HOLDS, FAILS, UNKNOWN, REVIEW = "T", "F", "U", "R"
MET, NOT_MET, CRITERION_UNKNOWN, NEEDS_REVIEW = "met", "not met", "unknown", "needs review"
ELIGIBLE, NOT_ELIGIBLE, TRIAL_UNKNOWN = "eligible", "not eligible", "unknown"
VERDICT_ORDER = {ELIGIBLE: 0, TRIAL_UNKNOWN: 1, NOT_ELIGIBLE: 2}


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


# -- the profile in the graph's terms ---------------------------------------------------------


def _in_field(field: str, e: InputError) -> ProfileError:
    """The resolver's error as the profile's, naming the field once (some errors name it)."""
    text = str(e)
    return ProfileError(text if text.startswith(f"{field}: ") else f"{field}: {text}")


def _resolve(client: QueryClient, text: str, prefixes: str, field: str, what: str) -> str:
    """The IRI ``text`` names in the first of ``prefixes`` (space-separated) that holds it; if
    none does, the error lists the closest names of them all."""
    closest = []
    for prefix in prefixes.split():
        try:
            return str(
                client.resolver.resolve(text, Param(name=field, type="iri", prefix=prefix), what)
            )
        except UnknownName as e:
            closest += e.closest
        except InputError as e:
            raise _in_field(field, e) from None
    raise _in_field(field, UnknownName(text, what, closest))


def _unit(client: QueryClient, units: Units, text: str, field: str) -> Unit:
    """A unit by any name the graph holds, else by its UCUM code."""
    try:
        iri = str(
            client.resolver.resolve(text, Param(name=field, type="iri", prefix="unit"), "unit")
        )
    except UnknownName as e:
        code = text.strip().replace("µ", "u").replace("μ", "u")
        if quantity(code) is None:
            raise _in_field(field, e) from None
        return Unit(None, code, code, None, None)
    except InputError as e:
        raise _in_field(field, e) from None
    if iri not in units.by_iri:
        raise ProfileError(f"{field}: {text!r} is not a unit the graph converts")
    return units.by_iri[iri]


def _fmt(value: float) -> str:
    return f"{value:.4g}" if abs(value) < 1e5 else f"{value:.3e}"


def patient_from(
    data: dict[str, Any], client: QueryClient, units: Units, dimensions: dict[str, set[str]]
) -> Patient:
    """The profile's facts as the graph's terms; ``dimensions`` are, per measure, the dimensions
    of the units its thresholds use (a value is given in each that it converts to)."""
    patient = Patient(label=data.get("id"), sex=data.get("sex"))
    for i, name in enumerate(data.get("diagnoses", [])):
        where = f"diagnoses[{i}]"
        # MONDO first; the graph's own disease terms are those MONDO has no confirmed term for
        iri = _resolve(client, name, "MONDO disease", where, "disease")
        patient.diagnoses[iri] = name
    for i, name in enumerate(data.get("prior_therapies", [])):
        patient.therapies[_resolve(client, name, "drug", f"prior_therapies[{i}]", "drug")] = name
    for i, name in enumerate(data.get("organ_involvement", [])):
        patient.organs[_resolve(client, name, "organ", f"organ_involvement[{i}]", "organ")] = name
    patient.flags = dict(data.get("conditions", {}))
    if "disease_duration" in data:
        d = data["disease_duration"]
        unit = _unit(client, units, d["unit"], "disease_duration.unit")
        days = units.to_canonical(float(d["value"]), unit, "time")
        if days is None:
            raise ProfileError(f"disease_duration.unit: {d['unit']!r} is not a unit of time")
        patient.disease_duration = f"{_fmt(d['value'])} {d['unit']} ({_fmt(days)} days)"

    def add(measure: str, value: Value) -> None:
        patient.values.setdefault(measure, [])
        if all(v.dimension != value.dimension for v in patient.values[measure]):
            patient.values[measure].append(value)

    if "age" in data:
        age = float(data["age"])
        add(AGE, Value("time", age * 365.25, f"{_fmt(age)} years"))
        patient.given[AGE] = f"{_fmt(age)} years"
    for i, m in enumerate(data.get("measurements", [])):
        where = f"measurements[{i}]"
        measure = _resolve(client, m["measure"], "measure", f"{where}.measure", "measure")
        if measure in patient.given:
            raise ProfileError(f"{where}.measure: {m['measure']!r} is given twice")
        unit = _unit(client, units, m["unit"], f"{where}.unit")
        value = float(m["value"])
        shown = f"{_fmt(value)} {m['unit']}"
        patient.given[measure] = shown
        fitting = dimensions.get(measure, set())
        targets = set(fitting) | ({unit.dimension} if unit.dimension else set())
        found = False
        for dimension in sorted(targets):
            if dimension == ULN_DIMENSION and unit.dimension != ULN_DIMENSION:
                continue
            canonical = units.to_canonical(value, unit, dimension, measure)
            if canonical is not None:
                found = found or dimension in fitting
                add(measure, Value(dimension, canonical, shown))
        # a lab value in its own unit fits a measure with thresholds in multiples of the ULN
        found = found or (ULN_DIMENSION in fitting and unit.dimension != ULN_DIMENSION)
        if "uln" in m:
            uln = float(m["uln"])
            add(
                measure,
                Value(
                    ULN_DIMENSION,
                    value / uln,
                    f"{shown} with an upper limit of normal of {_fmt(uln)}"
                    f" ({_fmt(value / uln)} x ULN)",
                ),
            )
            found = True
        if not found and dimensions.get(measure):
            fits = ", ".join(sorted(dimensions[measure]))
            raise ProfileError(
                f"{where}.unit: {m['unit']!r} does not fit {m['measure']!r}, whose thresholds "
                f"are in {fits}"
            )
    if "weight" in data:
        w = data["weight"]
        q = quantity(_unit(client, units, w["unit"], "weight.unit").ucum or "")
        try:
            kg = (
                float((w["value"] * q).to(registry().from_ucum("kg").units).magnitude)
                if q
                else None
            )
        except Exception:
            kg = None
        if kg is None:
            raise ProfileError(f"weight.unit: {w['unit']!r} is not a unit of mass")
        patient.weight_kg = kg
        _cockcroft_gault(patient, data, kg, add)
    return patient


def _cockcroft_gault(patient: Patient, data: dict[str, Any], kg: float, add: Any) -> None:
    """CrCl (mL/min) = (140 - age) x weight (kg) / (72 x serum creatinine (mg/dL)), x 0.85 for
    women: only when the profile gives no CrCl and gives age, sex, weight and creatinine."""
    if CRCL in patient.given or "age" not in data or "sex" not in data:
        return
    creatinine = next(
        (v for v in patient.values.get(CREATININE, []) if v.dimension == "mass-concentration"),
        None,
    )
    if creatinine is None or creatinine.canonical <= 0:
        return
    mg_dl = creatinine.canonical * 100  # g/L to mg/dL
    age = float(data["age"])
    crcl = (140 - age) * kg / (72 * mg_dl) * (0.85 if data["sex"] == "female" else 1.0)
    how = (
        f"{_fmt(crcl)} mL/min, derived by Cockcroft-Gault from age {_fmt(age)}, weight "
        f"{_fmt(kg)} kg, sex {data['sex']} and serum creatinine {_fmt(mg_dl)} mg/dL"
    )
    add(CRCL, Value("volume-rate", max(crcl, 0.0), how))
    patient.given[CRCL] = how
    patient.derived.append(how)


# -- the criteria trees --------------------------------------------------------------------


@dataclass
class Node:
    iri: str
    label: str | None = None
    text: str | None = None
    measure: str | None = None
    measure_label: str | None = None
    comparator: str | None = None
    limit: str | None = None
    unit_notation: str | None = None
    dimension: str | None = None
    change: bool = False
    diseases: dict[str, str] = field(default_factory=dict)
    drugs: dict[str, str] = field(default_factory=dict)
    topics: set[str] = field(default_factory=set)
    all_of: list[str] = field(default_factory=list)
    any_of: list[str] = field(default_factory=list)

    @property
    def threshold(self) -> str:
        measure = self.measure_label or self.measure
        return f"{measure} {self.comparator} {self.limit} {self.unit_notation}"


@dataclass
class Criterion:
    iri: str
    kind: str  # inclusion or exclusion
    position: int | None
    nodes: dict[str, Node]


def criteria_from(rows: Any) -> dict[str, list[Criterion]]:
    """The rows of match-clauses as each trial's criteria, each with its tree of parts."""
    by_trial: dict[str, dict[str, Criterion]] = defaultdict(dict)
    for r in rows:
        trial, iri = str(r.trial), str(r.criterion)
        c = by_trial[trial].get(iri)
        if c is None:
            position = int(r.position) if r.position is not None else None
            c = by_trial[trial][iri] = Criterion(iri, str(r.criterionType), position, {})
        n = c.nodes.setdefault(str(r.node), Node(str(r.node)))
        n.label = n.label or _str(r.label)
        n.text = n.text or _str(r.text)
        if r.measure is not None:
            n.measure, n.measure_label = str(r.measure), n.measure_label or _str(r.measureLabel)
            n.change = n.change or r.change is not None
        if r.comparator is not None:
            n.comparator, n.limit = str(r.comparator), _fmt(float(r.limit))
            n.unit_notation, n.dimension = str(r.unitNotation), _str(r.dimension)
        if r.disease is not None:
            n.diseases.setdefault(str(r.disease), _str(r.diseaseLabel) or str(r.disease))
        if r.drug is not None:
            n.drugs.setdefault(str(r.drug), _str(r.drugLabel) or str(r.drug))
        if r.topic is not None:
            n.topics.add(str(r.topic))
        if r.parent is not None:  # a parent outside this criterion's tree is left out below
            parent = c.nodes.setdefault(str(r.parent), Node(str(r.parent)))
            children = parent.all_of if str(r.relation) == "all" else parent.any_of
            if str(r.node) not in children:
                children.append(str(r.node))
    for cs in by_trial.values():
        for c in cs.values():
            reached, todo = set(), [c.iri]
            while todo:
                iri = todo.pop()
                if iri not in reached:
                    reached.add(iri)
                    todo += c.nodes[iri].all_of + c.nodes[iri].any_of
            c.nodes = {iri: n for iri, n in c.nodes.items() if iri in reached}
    kinds = {"inclusion": 0, "exclusion": 1}
    return {
        t: sorted(cs.values(), key=lambda c: (kinds[c.kind], c.position or 0, c.iri))
        for t, cs in by_trial.items()
    }


# -- evaluation ------------------------------------------------------------------------------


@dataclass
class Outcome:
    value: str  # T, F, U or R
    reasons: list[str] = field(default_factory=list)
    checked: set[str] = field(default_factory=set)  # measures and kinds a structured part decided


def _all(parts: list[Outcome]) -> Outcome:
    for v in (FAILS, UNKNOWN, REVIEW):
        hit = [p for p in parts if p.value == v]
        if hit:
            return Outcome(
                v, [r for p in hit for r in p.reasons], set().union(*(p.checked for p in parts))
            )
    return Outcome(
        HOLDS,
        [r for p in parts for r in p.reasons],
        set().union(*(p.checked for p in parts)) if parts else set(),
    )


def _any(parts: list[Outcome]) -> Outcome:
    for v in (HOLDS, UNKNOWN, REVIEW):
        hit = [p for p in parts if p.value == v]
        if hit:
            return Outcome(
                v, [r for p in hit for r in p.reasons], set().union(*(p.checked for p in parts))
            )
    return Outcome(
        FAILS, [r for p in parts for r in p.reasons], set().union(*(p.checked for p in parts))
    )


@dataclass
class Facts:
    """What the stored queries said of this patient."""

    patient: Patient
    thresholds: dict[str, tuple[bool, Value]]  # clause IRI -> holds, with the value compared
    diagnoses: dict[str, dict[str, set[str]]]  # subject IRI -> relation -> patient diseases


class Evaluator:
    def __init__(self, facts: Facts, kind: str):
        self.facts = facts
        self.kind = kind

    def node(self, criterion: Criterion, iri: str, seen: frozenset[str] = frozenset()) -> Outcome:
        n = criterion.nodes[iri]
        if iri in seen:  # a cycle in the data: nothing to decide from
            return Outcome(REVIEW, [f"{n.label}: its parts refer back to it"])
        seen = seen | {iri}
        parts = []
        own = self.own(n)
        if own is not None:
            parts.append(own)
        if n.all_of:
            parts.append(_all([self.node(criterion, c, seen) for c in sorted(n.all_of)]))
        if n.any_of:
            parts.append(_any([self.node(criterion, c, seen) for c in sorted(n.any_of)]))
        if not parts:
            return Outcome(REVIEW, [f"held only as text: {n.text or n.label}"])
        return _all(parts)

    def own(self, n: Node) -> Outcome | None:
        p = self.facts.patient
        if n.measure is not None:
            if n.change:
                return Outcome(REVIEW, [f"{n.label}: a change of {n.measure_label}, not a level"])
            if n.comparator is None:
                return Outcome(REVIEW, [f"{n.label}: {n.measure_label} without a threshold"])
            hit = self.facts.thresholds.get(n.iri)
            kind = "age" if n.measure == AGE else "threshold"
            name = f'{n.label} ("{n.text}")' if n.text else n.label
            if hit is not None:
                holds, value = hit
                word = "meets" if holds else "does not meet"
                return Outcome(
                    HOLDS if holds else FAILS,
                    [f"{name}, threshold {n.threshold}: patient {value.shown} {word} it"],
                    {kind},
                )
            if n.measure in p.given:
                why = (
                    "needs the laboratory's upper limit of normal (uln)"
                    if n.dimension == ULN_DIMENSION
                    else f"cannot be had in {n.unit_notation}"
                )
                return Outcome(
                    UNKNOWN,
                    [f"{name}, threshold {n.threshold}: patient {p.given[n.measure]} {why}"],
                    {kind},
                )
            return Outcome(
                UNKNOWN,
                [f"{name}, threshold {n.threshold}: the profile gives no {n.measure_label}"],
                {kind},
            )
        if n.diseases:
            return self.disease(n)
        flags = [f for f, topics in FLAG_TOPICS.items() if n.topics & set(topics)]
        if flags and self.kind == "exclusion" and any(p.flags.get(f) for f in flags):
            said = ", ".join(f.replace("_", " ") for f in flags if p.flags.get(f))
            return Outcome(HOLDS, [f"{n.label}: the profile says {said}"], {"condition"})
        if n.drugs:
            named = [p.therapies[d] for d in n.drugs if d in p.therapies]
            note = f"; the profile lists {', '.join(named)}" if named else ""
            return Outcome(REVIEW, [f"{n.label}: about prior therapies{note}"])
        if flags and n.text is not None and not (n.all_of or n.any_of):
            said = [
                f"{f.replace('_', ' ')}: {'yes' if p.flags[f] else 'no'}"
                for f in flags
                if f in p.flags
            ]
            note = f" (profile: {', '.join(said)})" if said else ""
            return Outcome(REVIEW, [f"held only as text: {n.text}{note}"])
        return None

    def disease(self, n: Node) -> Outcome:
        p = self.facts.patient
        relations = self.facts.diagnoses.get(n.iri, {})
        names = ", ".join(n.diseases.values())
        if relations.get("same"):
            given = ", ".join(p.diagnoses[d] for d in sorted(relations["same"]))
            return Outcome(
                HOLDS, [f"{n.label}: the profile's diagnosis {given} is {names}"], {"diagnosis"}
            )
        positive = TOPIC_DIAGNOSIS in n.topics
        if not positive and self.kind == "inclusion":
            return Outcome(REVIEW, [f"held only as text: {n.text or n.label}"])
        if relations.get("broader"):
            given = ", ".join(p.diagnoses[d] for d in sorted(relations["broader"]))
            return Outcome(
                UNKNOWN,
                [
                    f"{n.label}: the profile says {given}, broader than "
                    f"{names}; which form it is decides"
                ],
                {"diagnosis"},
            )
        if not positive:
            return Outcome(REVIEW, [f"{n.label}: {names} is not among the profile's diagnoses"])
        if not p.diagnoses:
            return Outcome(UNKNOWN, [f"{n.label}: the profile gives no diagnoses"], {"diagnosis"})
        return Outcome(
            FAILS,
            [
                f"{n.label}: none of the profile's diagnoses "
                f"({', '.join(p.diagnoses.values())}) is {names}"
            ],
            {"diagnosis"},
        )


def criterion_verdict(kind: str, outcome: Outcome) -> str:
    if outcome.value == REVIEW:
        return NEEDS_REVIEW
    if outcome.value == UNKNOWN:
        return CRITERION_UNKNOWN
    met = outcome.value == HOLDS if kind == "inclusion" else outcome.value == FAILS
    return MET if met else NOT_MET


@dataclass
class CriterionResult:
    criterion: str
    kind: str
    label: str | None
    text: str | None
    verdict: str
    reasons: list[str]

    def as_json(self) -> dict[str, Any]:
        return {
            "criterion": self.criterion,
            "type": self.kind,
            "label": self.label,
            "text": self.text,
            "verdict": self.verdict,
            "reasons": self.reasons,
        }


@dataclass
class TrialResult:
    trial: str
    nct_id: str | None
    title: str | None
    status: str | None
    verdict: str
    summary: str
    criteria: list[CriterionResult]

    def as_json(self) -> dict[str, Any]:
        return {
            "nctId": self.nct_id,
            "trial": self.trial,
            "title": self.title,
            "status": self.status,
            "verdict": self.verdict,
            "summary": self.summary,
            "criteria": [c.as_json() for c in self.criteria],
        }


def _virtual(key: str, label: str, verdict: str, reason: str) -> CriterionResult:
    """A check the trial's own criteria do not hold: its indications, the sexes it enrols."""
    return CriterionResult(key, "inclusion", label, None, verdict, [reason])


def _sex_result(trial_sex: str | None, sex: str | None) -> CriterionResult:
    label = "Sexes enrolled"
    if trial_sex is None:
        reason = "the graph does not record which sexes this trial enrols"
        return _virtual("sex", label, NEEDS_REVIEW, reason)
    enrolled = trial_sex.rsplit("/", 1)[-1]
    if sex is None:
        verdict = MET if enrolled == "all" else CRITERION_UNKNOWN
        return _virtual("sex", label, verdict, f"enrols {enrolled}; the profile gives no sex")
    ok = enrolled == "all" or SEX.get(sex) == trial_sex
    return _virtual(
        "sex", label, MET if ok else NOT_MET, f"enrols {enrolled}; the patient is {sex}"
    )


def _condition_result(
    trial: str, facts: Facts, studied: dict[str, list[str]]
) -> CriterionResult | None:
    """Whether the patient has a disease the trial studies (its indications)."""
    p = facts.patient
    label = "Condition studied"
    names = ", ".join(sorted(studied.get(trial, [])))
    relations = facts.diagnoses.get(trial, {})
    if relations.get("same"):
        given = ", ".join(p.diagnoses[d] for d in sorted(relations["same"]))
        studies = f"the trial studies {names}; " if names else ""  # an indication unlabelled
        return _virtual("condition", label, MET, f"{studies}the profile says {given}")
    if not studied.get(trial):
        return None
    if not p.diagnoses:
        reason = f"the trial studies {names}; the profile gives no diagnoses"
        return _virtual("condition", label, CRITERION_UNKNOWN, reason)
    if relations.get("broader"):
        given = ", ".join(p.diagnoses[d] for d in sorted(relations["broader"]))
        reason = f"the trial studies {names}; the profile says {given}, which is broader"
        return _virtual("condition", label, CRITERION_UNKNOWN, reason)
    given = ", ".join(p.diagnoses.values())
    reason = f"the trial studies {names}; the profile's diagnoses ({given}) are none of them"
    return _virtual("condition", label, NOT_MET, reason)


def _trial_verdict(results: list[CriterionResult], checked: set[str]) -> tuple[str, str]:
    failing = [c for c in results if c.verdict == NOT_MET]
    unknown = [c for c in results if c.verdict == CRITERION_UNKNOWN]
    review = [c for c in results if c.verdict == NEEDS_REVIEW]
    if failing:
        return NOT_ELIGIBLE, "; ".join(r for c in failing for r in c.reasons)
    if unknown:
        return TRIAL_UNKNOWN, "; ".join(r for c in unknown for r in c.reasons)
    if not (checked - {"age"}):
        return TRIAL_UNKNOWN, (
            "no structured criteria beyond age and sex: the registered "
            f"criteria need reading ({len(review)} for review)"
        )
    return ELIGIBLE, f"every structured criterion met; {len(review)} for review"


def match_patient(
    client: QueryClient,
    data: dict[str, Any],
    trial: str | None = None,
    status: str | None = None,
    country: str | None = None,
) -> tuple[Patient, list[TrialResult]]:
    """Every trial's verdict for the profile ``data`` (already checked against the schema)."""
    filters = {k: v for k, v in (("trial", trial), ("status", status), ("country", country)) if v}
    trials = client.run_query("match-trials", **filters)
    clause_rows = client.run_query("match-clauses", **({"trial": trial} if trial else {}))
    unit_rows = client.run_query("match-units")
    units = Units(
        [
            Unit(
                str(r.unit),
                str(r.notation),
                _str(r.ucum),
                _str(r.dimension),
                float(r.factor) if r.factor is not None else None,
            )
            for r in unit_rows
            if r.unit is not None
        ],
        {str(r.measure): float(r.molarMass) for r in unit_rows if r.molarMass is not None},
    )
    criteria = criteria_from(clause_rows)
    dimensions: dict[str, set[str]] = defaultdict(set)
    for r in unit_rows:
        if r.unit is None and r.measure is not None and r.dimension is not None:
            dimensions[str(r.measure)].add(str(r.dimension))
    patient = patient_from(data, client, units, dimensions)

    thresholds: dict[str, tuple[bool, Value]] = {}
    for measure, values in patient.values.items():
        for value in values:
            for r in client.run_query(
                "match-thresholds",
                measure=measure,
                dimension=value.dimension,
                value=repr(value.canonical),
            ):
                thresholds[str(r.node)] = (int(r.holds) == 1, value)
    diagnoses: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    studied: dict[str, list[str]] = defaultdict(list)
    for disease in patient.diagnoses:
        for r in client.run_query("match-diagnoses", disease=disease):
            diagnoses[str(r.subject)][str(r.relation)].add(disease)
    for r in client.run_query("match-indications", **({"trial": trial} if trial else {})):
        if r.label is not None and str(r.label) not in studied[str(r.trial)]:
            studied[str(r.trial)].append(str(r.label))
    facts = Facts(patient, thresholds, diagnoses)

    results = []
    for t in trials:
        iri = str(t.trial)
        rows: list[CriterionResult] = []
        checked: set[str] = set()
        for c in criteria.get(iri, []):
            outcome = Evaluator(facts, c.kind).node(c, c.iri)
            checked |= outcome.checked
            root = c.nodes[c.iri]
            rows.append(
                CriterionResult(
                    c.iri,
                    c.kind,
                    root.label,
                    root.text,
                    criterion_verdict(c.kind, outcome),
                    outcome.reasons,
                )
            )
        rows.insert(0, _sex_result(_str(t.sex), patient.sex))
        condition = _condition_result(iri, facts, studied)
        if condition is not None:
            rows.insert(0, condition)
        verdict, summary = _trial_verdict(rows, checked)
        results.append(
            TrialResult(
                iri, _str(t.nctId), _str(t.title), _str(t.statusLabel), verdict, summary, rows
            )
        )
    results.sort(key=lambda r: (VERDICT_ORDER[r.verdict], r.nct_id or "", r.trial))
    return patient, results
