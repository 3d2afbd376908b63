"""A trial's snapshot rows as a ClinicalTrials.gov API v2 record with a capture block.

The monitor captured the registry's records: its columns are API v2 fields, so a trial's row,
sites and history become the API v2 record they were read from (as far as the capture kept
it), with a ``cartkgCapture`` block (see :mod:`cartkg.ctgov.capture`) for who captured it and
what each day showed. The ctgov importer then maps, merges and writes it like any record: one
model, one set of files, one merge with the curated statements.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cartkg.ctgov import record as rec
from cartkg.importing.report import Problem
from cartkg.snapshot.tables import (
    Row,
    RowError,
    age,
    coordinate,
    count,
    day,
    enum,
    items,
    start_date,
    text,
)
from cartkg.snapshot.tables import phases as read_phases

MONITOR = "Rheumatology CAR-T Trials Monitor"
MONITOR_SOURCE = "rheum-car-t-trials-monitor"
# history columns and the state field each carries (a field not captured carries forward)
TRACKED = (
    ("OverallStatus", "status"),
    ("Phase", "phases"),
    ("EnrollmentCount", "enrollment"),
    ("EnrollmentType", "enrollmentType"),
    ("MinAge", "minimumAge"),
    ("MaxAge", "maximumAge"),
    ("Countries", "countries"),
    ("LastUpdatePostDate", "lastUpdate"),
    ("StartDate", "startDate"),
)


@dataclass
class Built:
    """A record built from a trial's rows, and the rows that could not be used."""

    nct: str
    record: dict | None
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _value(row: Row, column: str) -> object:
    if column == "OverallStatus":
        return enum(row, column, rec.OVERALL_STATUS)
    if column == "Phase":
        return read_phases(row, column)
    if column == "EnrollmentCount":
        return count(row, column)
    if column == "EnrollmentType":
        return enum(row, column, rec.DATE_TYPES)
    if column in ("MinAge", "MaxAge"):
        return age(row, column)
    if column == "Countries":
        return items(row, column) or None
    if column == "LastUpdatePostDate":
        return day(row, column)
    return start_date(row, column)


def history(rows: list[Row], problems: list[Problem]) -> list[dict]:
    """The states the history rows show, in date order: a value the monitor failed to capture
    (an empty field its ``Changed`` column does not name) carries forward."""
    states: list[dict] = []
    current: dict = {}
    for row in sorted(rows, key=lambda r: (r.get("SnapshotDate"), r.line)):
        try:
            date = day(row, "SnapshotDate", required=True)
            event = row.get("Event")
            if event not in ("first seen", "changed", "left the monitored set"):
                raise RowError("Event", f"unknown event {event[:40]!r}")
            changed = set(filter(None, row.get("Changed").split("|")))
            values = {}
            for column, key in TRACKED:
                value = _value(row, column)
                if value in (None, []) and column not in changed and key in current:
                    continue
                values[key] = value
        except RowError as e:
            problems.append(Problem(row.file, row.where, e.field, e.message))
            continue
        current = {**current, **values}
        states.append({"date": date, "event": event, **current})
    return states


def trial_record(
    nct: str,
    trial: Row | None,
    sites: list[Row],
    history_rows: list[Row],
    captured: str,
    first_capture: str,
    note: str | None = None,
) -> Built:
    """The record of one trial: from its ``trials.csv`` row when the last snapshot lists it,
    else (a trial that left the monitored set) from its last history row."""
    built = Built(nct, None)
    states = history(history_rows, built.problems)
    left = next((s["date"] for s in states if s["event"] == "left the monitored set"), None)
    if trial is not None:
        try:
            if not text(trial, "LeadSponsor"):
                raise RowError("LeadSponsor", "missing or empty (a trial needs its sponsor)")
            final = _final_state(trial, captured)
        except RowError as e:
            built.problems.append(Problem(trial.file, trial.where, e.field, e.message))
            return built
        last = {
            k: v for k, v in (states[-1] if states else {}).items() if k not in ("date", "event")
        }
        tracked = ("status", "enrollment", "startDate", "phases", "minimumAge", "maximumAge")
        if not states or any(last.get(k) != final.get(k) for k in tracked):
            # a change the history did not record: dated by the last snapshot, the first
            # capture known to show it
            states.append({"date": captured, "event": "first seen" if not states else "changed",
                           **final})  # fmt: skip
        else:  # what the history's captures missed (an enrollment's type) the last one shows
            for key, value in final.items():
                if states[-1].get(key) in (None, []) and value not in (None, []):
                    states[-1][key] = value
        day_ = captured
    elif states:
        final = {k: v for k, v in states[-1].items() if k not in ("date", "event")}
        day_ = states[-1]["date"]
    else:
        return built
    status_module: dict = {}
    if final.get("status"):
        status_module["overallStatus"] = final["status"]
    if final.get("startDate"):
        status_module["startDateStruct"] = {"date": final["startDate"]}
    if final.get("lastUpdate"):
        status_module["lastUpdatePostDateStruct"] = {"date": final["lastUpdate"]}
    ident: dict = {"nctId": nct}
    ps: dict = {"identificationModule": ident, "statusModule": status_module}
    design: dict = {}
    if final.get("phases") is not None:
        design["phases"] = final["phases"]
    if final.get("enrollment") is not None:
        enrollment = {"count": final["enrollment"]}
        kind = final.get("enrollmentType") or _type_seen(states, final["enrollment"])
        if kind:
            enrollment["type"] = kind
        design["enrollmentInfo"] = enrollment
    ps["designModule"] = design
    eligibility = {k: final[k] for k in ("minimumAge", "maximumAge") if final.get(k)}
    if trial is not None:
        title = text(trial, "BriefTitle")
        if title:
            ident["briefTitle"] = title
        sponsor = text(trial, "LeadSponsor")
        if sponsor:
            lead = {"name": sponsor}
            kind = trial.get("LeadSponsorClass")
            if kind in rec.AGENCY_CLASSES:
                lead["class"] = kind
            elif kind:
                built.problems.append(Problem(trial.file, trial.where, "LeadSponsorClass",
                                              f"unknown value {kind[:40]!r}; sponsor kept without its class"))  # fmt: skip  # noqa: E501
            ps["sponsorCollaboratorsModule"] = {"leadSponsor": lead}
        ps["conditionsModule"] = {"conditions": items(trial, "Conditions")}
        ps["armsInterventionsModule"] = {
            "interventions": [{"name": n} for n in items(trial, "Interventions")]
        }
        ps["outcomesModule"] = {
            "primaryOutcomes": [{"measure": m} for m in items(trial, "PrimaryEndpoints")]
        }
        ages = items(trial, "StdAges")
        if ages:
            eligibility["stdAges"] = ages
        ps["contactsLocationsModule"] = {"locations": _sites(sites, built.problems)}
        if final.get("phases") is None:
            built.notes.append("the monitor gives the phase as 'Unknown': no phase stated")
    ps["eligibilityModule"] = eligibility
    built.record = {
        "protocolSection": ps,
        "derivedSection": {"miscInfoModule": {"versionHolder": day_}},
        "cartkgCapture": {
            "monitor": MONITOR,
            "monitorSource": MONITOR_SOURCE,
            "captured": day_,
            "firstCapture": first_capture,
            "left": left,
            "countries": final.get("countries") or [],
            "note": note,
            "history": [_capture_state(s) for s in states],
        },
    }
    return built


def _final_state(trial: Row, captured: str) -> dict:
    """The values of the last snapshot's row, in the history's terms."""
    return {
        "status": enum(trial, "OverallStatus", rec.OVERALL_STATUS),
        "phases": read_phases(trial, "Phase"),
        "enrollment": count(trial, "EnrollmentCount"),
        "enrollmentType": enum(trial, "EnrollmentType", rec.DATE_TYPES),
        "minimumAge": age(trial, "MinAge"),
        "maximumAge": age(trial, "MaxAge"),
        "countries": items(trial, "Countries") or None,
        "lastUpdate": day(trial, "LastUpdatePostDate"),
        "startDate": start_date(trial, "StartDate"),
    }


def _type_seen(states: list[dict], n: int) -> str | None:
    for s in reversed(states):
        if s.get("enrollment") == n and s.get("enrollmentType"):
            return s["enrollmentType"]
    return None


def _capture_state(state: dict) -> dict:
    out = {"date": state["date"], "event": state["event"]}
    for key in ("status", "enrollment", "enrollmentType", "startDate", "lastUpdate"):
        if state.get(key) is not None:
            out[key] = state[key]
    return out


def _sites(rows: list[Row], problems: list[Problem]) -> list[dict]:
    out = []
    for row in rows:
        try:
            lat = coordinate(row, "Latitude", 90)
            lon = coordinate(row, "Longitude", 180)
            status = enum(row, "SiteStatus", rec.OVERALL_STATUS)
        except RowError as e:
            problems.append(Problem(row.file, row.where, e.field, e.message + "; site left out"))
            continue
        site: dict = {}
        for column, key in (
            ("Facility", "facility"), ("City", "city"), ("State", "state"), ("Zip", "zip"),
            ("Country", "country"),
        ):  # fmt: skip
            value = text(row, column)
            if value:
                site[key] = value
        if status:
            site["status"] = status
        if lat is not None and lon is not None:
            site["geoPoint"] = {"lat": lat, "lon": lon}
        out.append(site)
    return out
