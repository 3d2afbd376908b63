"""A record captured by a third party, day by day: its history and its sources.

A record whose ``cartkgCapture`` block is present was not read from the registry: a monitor
captured the registry's record on several days and kept only some of its fields (see
``cartkg.snapshot``). The block says who captured it and on which days, and what each capture
showed:

```json
"cartkgCapture": {
  "monitor": "Rheumatology CAR-T Trials Monitor", "monitorSource": "rheum-car-t-trials-monitor",
  "captured": "2026-08-22", "firstCapture": "2026-04-25", "left": null,
  "countries": ["Canada", "United States"], "note": null,
  "history": [{"date": "2026-04-25", "event": "first seen", "status": "RECRUITING",
               "enrollment": 30, "enrollmentType": "ESTIMATED", "startDate": "2019-12"}, ...]
}
```

The record's own fields are those of the ``captured`` day. From the history come the dated
observations an analyst follows: one status observation per run of a status (dated by the first
capture that showed it), an enrollment count per run of a count, a start date per run of a
date, and tracking events (first seen, left the monitored set). Each cites the source node of
the capture of its day: the registry record at its ClinicalTrials.gov address, a secondary
source, captured by the monitor. Their IRIs carry ``-ctgov-capture-<date>``, so that a record
read from the registry later keeps them as history (see :mod:`cartkg.importing.merge`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cartkg.ctgov import record as rec
from cartkg.ctgov.record import RecordError
from cartkg.importing.merge import CAPTURE
from cartkg.importing.terms import DCT, ID, REGISTRY_URL, SCHEMA, SKOS, C, V, date_literal
from cartkg.importing.turtle import (
    RDF_TYPE,
    RDFS_LABEL,
    XSD,
    Graph,
    Lit,
    add,
    boolean,
    integer,
    new_graph,
)

KEY = "cartkgCapture"
EVENTS = ("first seen", "changed", "left the monitored set")
P = KEY


@dataclass
class State:
    """What one capture showed (a field it failed to capture carries forward)."""

    date: str
    event: str
    status: str | None = None
    enrollment: int | None = None
    enrollment_type: str | None = None
    start: str | None = None
    last_update: str | None = None


@dataclass
class Capture:
    monitor: str
    monitor_source: str
    captured: str
    first_capture: str
    left: str | None
    countries: list[str]
    note: str | None
    history: list[State] = field(default_factory=list)

    def source_key(self, nct: str, day: str) -> str:
        return f"ctgov-{nct.lower()}-captured-{day}"


def read(record: dict) -> Capture | None:
    """The capture block of a record, checked field by field; None for a record read from the
    registry."""
    block = rec.obj(record, "", KEY)
    if block is None:
        return None
    monitor = rec.text(block, P, "monitor", required=True)
    monitor_source = rec.text(block, P, "monitorSource", required=True)
    captured = _day(block, P, "captured", required=True)
    first = _day(block, P, "firstCapture", required=True)
    left = _day(block, P, "left")
    history = []
    for where, item in rec.items(block, P, "history"):
        day = _day(item, where, "date", required=True)
        event = rec.enum(item, where, "event", EVENTS) or "changed"
        start = rec.date(item, where, "startDate")
        history.append(
            State(
                day,  # type: ignore[arg-type]
                event,
                rec.enum(item, where, "status", rec.OVERALL_STATUS),
                rec.count(item, where, "enrollment"),
                rec.enum(item, where, "enrollmentType", rec.DATE_TYPES),
                start,
                rec.date(item, where, "lastUpdate"),
            )
        )
    if [s.date for s in history] != sorted(s.date for s in history):
        raise RecordError(f"{P}.history", "the captures are not in date order")
    return Capture(
        monitor,  # type: ignore[arg-type]
        monitor_source,  # type: ignore[arg-type]
        captured,  # type: ignore[arg-type]
        first,  # type: ignore[arg-type]
        left,
        rec.texts(block, P, "countries"),
        rec.text(block, P, "note"),
        history,
    )


def _day(parent: dict, path: str, key: str, required: bool = False) -> str | None:
    value = rec.date(parent, path, key)
    if value is None and required:
        raise RecordError(f"{path}.{key}", "missing or empty")
    if value is not None and len(value) != 10:
        raise RecordError(f"{path}.{key}", f"a capture is dated to the day, got {value!r}")
    return value


@dataclass
class Observation:
    """One dated node the history gives: its key, class, label and properties."""

    day: str
    what: str
    cls: str
    label: str
    props: list[tuple[str, object]]


def observations(cap: Capture, nct: str, ctx_label, concept) -> list[Observation]:
    """The dated nodes of a capture's history: status, enrollment and start-date runs, and the
    tracking events. ``concept(scheme, notation)`` finds a vocabulary concept."""
    out: list[Observation] = []
    status = enrollment = start = None
    for i, state in enumerate(cap.history):
        if state.event == "first seen":
            kind = "present-at-start" if state.date == cap.first_capture else "first-seen"
            words = {"present-at-start": "in the first capture", "first-seen": "first seen"}[kind]
            out.append(
                Observation(
                    state.date,
                    "first-seen",
                    "TrackingEvent",
                    f"{nct} {words} by the {cap.monitor} ({state.date})",
                    [("trackingKind", f"{V}tracking/{kind}")],
                )
            )
        if state.status and state.status != status:
            iri = concept("trialstatus", state.status)
            if iri:
                out.append(
                    Observation(
                        state.date,
                        "status",
                        "StatusObservation",
                        f"{nct} {ctx_label(iri).lower()} ({state.date})",
                        [("status", iri)],
                    )
                )
            status = state.status
        if state.enrollment is not None and state.enrollment != enrollment:
            kind = state.enrollment_type or _later_type(cap.history, i, state.enrollment)
            enrollment = state.enrollment
            if kind is not None:
                words = "estimated" if kind == "ESTIMATED" else "actual"
                out.append(
                    Observation(
                        state.date,
                        "enrollment",
                        "EnrollmentCount",
                        f"{nct} {words} enrollment: {state.enrollment} ({state.date})",
                        [
                            ("count", integer(state.enrollment)),
                            ("isEstimate", boolean(kind == "ESTIMATED")),
                        ],
                    )
                )
        if state.start and state.start != start:
            out.append(
                Observation(
                    state.date,
                    "start",
                    "TrialDate",
                    f"{nct} start {state.start} (as captured on {state.date})",
                    [
                        ("date", date_literal(state.start)),
                        ("dateKind", concept("datekind", "startDate")),
                    ],
                )
            )
            start = state.start
    if cap.left:
        out.append(
            Observation(
                cap.left,
                "left",
                "TrackingEvent",
                f"{nct} left the set the {cap.monitor} follows ({cap.left})",
                [("trackingKind", f"{V}tracking/left-monitored-set")],
            )
        )
    return out


def _later_type(history: list[State], i: int, count: int) -> str | None:
    """The enrollment type a later capture of the same count gave (early captures left the
    type out: a field not captured is not a change)."""
    for state in history[i + 1 :]:
        if state.enrollment is not None and state.enrollment != count:
            return None
        if state.enrollment_type:
            return state.enrollment_type
    return None


def add_history(g: Graph, cap: Capture, nct: str, trial: str, ctx_label, concept) -> set[str]:
    """Add the capture's dated nodes to ``g``, linked from the trial; the days they cite."""
    days: set[str] = set()
    link = {
        "StatusObservation": "statusObservation",
        "EnrollmentCount": "enrollment",
        "TrialDate": "trialDate",
        "TrackingEvent": "trackingEvent",
    }
    for o in observations(cap, nct, ctx_label, concept):
        iri = f"{ID}observation/{nct}{CAPTURE}{o.day}-{o.what}"
        add(g, iri, RDF_TYPE, C + o.cls)
        add(g, iri, RDFS_LABEL, Lit(o.label))
        add(g, iri, DCT + "source", f"{ID}source/{cap.source_key(nct, o.day)}")
        add(g, iri, C + "asOf", date_literal(o.day))
        if o.cls == "TrackingEvent":
            add(g, iri, C + "trackedBy", f"{ID}source/{cap.monitor_source}")
        for p, value in o.props:
            add(g, iri, C + p, value)  # type: ignore[arg-type]
        add(g, trial, C + link[o.cls], iri)
        days.add(o.day)
    return days


def source_node(cap: Capture, nct: str, day: str, title: str) -> Graph:
    """The registry record as the monitor captured it on ``day``: a secondary source."""
    g = new_graph()
    s = f"{ID}source/{cap.source_key(nct, day)}"
    add(g, s, RDF_TYPE, C + "Source")
    add(g, s, DCT + "title", Lit(title))
    add(g, s, DCT + "publisher", Lit("ClinicalTrials.gov"))
    version = next((st.last_update for st in reversed(cap.history) if st.date <= day), None)
    add(g, s, DCT + "issued", date_literal(version) if version else None)
    add(g, s, SCHEMA + "url", Lit(REGISTRY_URL + nct, XSD + "anyURI"))
    add(g, s, C + "accessDate", Lit(day, XSD + "date"))
    add(g, s, C + "sourceType", f"{V}sourcetype/registry-record")
    add(g, s, C + "reliability", f"{V}reliability/secondary")
    add(g, s, C + "capturedBy", f"{ID}source/{cap.monitor_source}")
    add(
        g,
        s,
        SKOS + "editorialNote",
        Lit(
            f"The ClinicalTrials.gov record of {nct} as the {cap.monitor} captured it on {day}, "
            "read second hand from the monitor's daily files (imported with `cartkg import "
            "snapshot`). The capture keeps only some of the record's fields, and dates to the "
            "month were stored as the first of the month. The record read from the registry "
            "itself, when imported, replaces these values.",
            None,
            "en",
        ),
    )
    return g
