"""How imported and hand-curated statements live together in one trial file.

Nodes an import mints carry the ownership mark ``-ctgov`` after the NCT id in their IRI
(``criterion:NCT06414135-ctgov-inc-3``): both importers describe the ClinicalTrials.gov record,
one from the API, one from a third party's daily captures, so they own the same nodes and a
record read from the API replaces what a capture gave. Owned nodes are rewritten on every
import, except history: status observations, every node of a capture (marked
``-ctgov-capture-<date>``), and enrollment and date observations whose value changed. Every
other node in the file (designations, safety events, claims, curated criteria, notes) is left
as it is. On the trial node, a value is replaced only when it came from the previous import
and the new one no longer gives it, or when the property is one the registry owns (titles,
phases, design, sex, ...) and the new import gives a value.
"""

from __future__ import annotations

from cartkg.importing.terms import DCT, ID, SKOS, C
from cartkg.importing.turtle import RDF_TYPE, RDFS_LABEL, Graph, Lit, add, copy_graph, new_graph

SKOS_NOTE = SKOS + "editorialNote"

MARK = "-ctgov"
CAPTURE = MARK + "-capture-"
SINGLE = {
    C + p
    for p in (
        "nctId", "briefTitle", "officialTitle", "acronym", "studyType", "allocation",
        "interventionModel", "primaryPurpose", "masking", "eligibleSex",
        "acceptsHealthyVolunteers", "fdaRegulatedDrug", "hasDataMonitoringCommittee",
    )
} | {DCT + "description", C + "phase"}  # fmt: skip
# Notes the importer writes on the trial node open with a fixed sentence, so a version written
# with an earlier graph (a product since curated) is known as the importer's and replaced.
UNLINKED_NOTE = (
    "Interventions the registry lists that are not linked to a product or drug in the graph: "
)
IMPORT_NOTES = (UNLINKED_NOTE,)


def owned(iri: object, nct: str) -> bool:
    """Whether an import of ``nct`` minted this node (its IRI carries the mark)."""
    return isinstance(iri, str) and iri.startswith(ID) and f"/{nct}{MARK}" in iri


def is_capture(iri: object, nct: str) -> bool:
    """Whether a capture of ``nct`` minted this node (dated history of a third party's capture)."""
    return isinstance(iri, str) and iri.startswith(ID) and f"/{nct}{CAPTURE}" in iri


def history_kind(graph: Graph, s: str, nct: str) -> tuple | None:
    """What a history node records (its class and date kind), to compare imports; None for a
    node that is not history."""
    if is_capture(s, nct):
        return ("capture",)
    props = graph.get(s) or {}
    types = props.get(RDF_TYPE, set())
    if C + "StatusObservation" in types:
        return ("status",)
    if C + "EnrollmentCount" in types:
        return ("enrollment",)
    if C + "TrialDate" in types:
        return ("date", tuple(sorted(props.get(C + "dateKind", ()))))
    return None


def _value(graph: Graph, s: str) -> tuple:
    props = graph.get(s) or {}
    keys = (C + "count", C + "date", C + "isEstimate")
    return tuple(tuple(sorted(map(str, props.get(k, ())))) for k in keys)


def merge(
    existing: Graph | None, old: Graph | None, new: Graph, nct: str, notes: list[str]
) -> Graph:
    """The trial file's graph after importing ``new`` over ``existing`` (see the module doc);
    ``old`` is the previous import's graph, when it is known."""
    if not existing:
        return copy_graph(new)
    trial = f"{ID}trial/{nct}"
    out = new_graph()
    new_kinds: dict[tuple, tuple] = {}
    for s in new:
        kind = history_kind(new, s, nct) if owned(s, nct) else None
        if kind and kind not in (("status",), ("capture",)):
            new_kinds[kind] = _value(new, s)
    kept_owned: set[str] = set()
    for s, props in existing.items():
        if s == trial:
            continue
        if owned(s, nct):
            kind = history_kind(existing, s, nct)
            keep = (
                kind is not None
                and s not in new
                and (
                    kind in (("status",), ("capture",))
                    or new_kinds.get(kind) != _value(existing, s)
                )
            )
            if not keep:
                continue
            kept_owned.add(s)
        for p, objs in props.items():
            out[s][p] |= objs
    old_trial = (old or {}).get(trial) or {}
    new_trial = new.get(trial) or {}
    ex_trial = existing.get(trial) or {}
    source_prefix = f"{ID}source/ctgov-{nct.lower()}"
    for p, objs in ex_trial.items():
        for o in objs:
            if owned(o, nct):
                if o in kept_owned:
                    add(out, trial, p, o)
                continue
            if p == DCT + "source" and isinstance(o, str) and o.startswith(source_prefix):
                continue
            if p == RDFS_LABEL and o in old_trial.get(p, ()):
                continue
            if p == SKOS_NOTE and _import_note(o) and o not in new_trial.get(p, ()):
                continue
            if p in SINGLE and new_trial.get(p) and o not in new_trial[p]:
                if o not in old_trial.get(p, ()):
                    notes.append(
                        f"replaced {p.rsplit('/', 1)[-1]} {_show(o)} (not from an earlier import) by the registry's value"  # noqa: E501
                    )
                continue
            if old_trial and o in old_trial.get(p, ()) and o not in new_trial.get(p, ()):
                continue
            add(out, trial, p, o)
    has_label = bool(out.get(trial, {}).get(RDFS_LABEL))
    for s, props in new.items():
        for p, objs in props.items():
            if s == trial and p == RDFS_LABEL and has_label:
                continue
            out[s][p] |= objs
    return out


def _import_note(o: object) -> bool:
    return isinstance(o, Lit) and o.lex.startswith(IMPORT_NOTES)


def add_history(existing: Graph, new: Graph, nct: str) -> Graph:
    """``existing`` with the capture nodes of ``new`` (and the trial's links to them) added and
    nothing else changed: a capture met by a record read from the registry itself."""
    out = copy_graph(existing)
    trial = f"{ID}trial/{nct}"
    captured = {s for s in new if is_capture(s, nct)}
    for s in captured:
        for p, objs in new[s].items():
            out[s][p] |= objs
    for p, objs in (new.get(trial) or {}).items():
        for o in objs:
            if o in captured:
                add(out, trial, p, o)
    return out


def _show(term: object) -> str:
    text = getattr(term, "lex", term)
    text = str(text).rsplit("/", 1)[-1] if str(text).startswith("http") else str(text)
    return repr(text if len(text) <= 60 else text[:57] + "...")


# what changed ---------------------------------------------------------------------------------
def shorten(text: str, limit: int = 90) -> str:
    """The text on one line, cut to ``limit`` characters with "..." when longer."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def changes(old: dict, new: dict) -> list[str]:
    """The differences that matter to a curator: status, enrollment, dates, sites, criteria."""
    out = []
    if (
        old.get("status") != new.get("status")
        and (old.get("status") or (None,))[0] != (new.get("status") or (None,))[0]
    ):
        out.append(f"status: {_status(old.get('status'))} -> {_status(new.get('status'))}")
    if old.get("enrollment") != new.get("enrollment"):
        out.append(
            f"enrollment: {_count(old.get('enrollment'))} -> {_count(new.get('enrollment'))}"
        )
    if old.get("phases") != new.get("phases"):
        out.append(
            f"phases: {', '.join(old.get('phases') or []) or '(none)'} -> {', '.join(new.get('phases') or []) or '(none)'}"  # noqa: E501
        )
    for kind in sorted(set(old.get("dates", {})) | set(new.get("dates", {}))):
        a, b = old.get("dates", {}).get(kind), new.get("dates", {}).get(kind)
        if a != b:
            out.append(f"{kind} date: {_date(a)} -> {_date(b)}")
    if old.get("ages") != new.get("ages"):
        out.append(
            f"age limits: {'; '.join(old.get('ages') or []) or '(none)'} -> {'; '.join(new.get('ages') or []) or '(none)'}"  # noqa: E501
        )
    for key, word in (
        ("sites", "site"),
        ("inclusion", "inclusion criterion"),
        ("exclusion", "exclusion criterion"),
    ):
        before, after = old.get(key, []), new.get(key, [])
        for item in after:
            if item not in before:
                out.append(f"+ {word}: {shorten(item)}")
        for item in before:
            if item not in after:
                out.append(f"- {word}: {shorten(item)}")
    return out


def _status(value: tuple | None) -> str:
    if not value or not value[0]:
        return "(none)"
    return f"{value[0].replace('_', ' ').lower()}" + (f" ({value[1]})" if value[1] else "")


def _count(value: tuple | None) -> str:
    if not value:
        return "(none)"
    return f"{value[0]} ({value[1].lower() if value[1] else 'type not given'})"


def _date(value: tuple | None) -> str:
    return "(none)" if not value else value[0] + (f" ({value[1].lower()})" if value[1] else "")
