"""Reading a monitor's snapshot files, row by row, with errors that name the file, line and field.

A snapshot folder holds the last day's trials (``trials.csv``), their sites (``sites.csv``), the
history of every tracked field (``history.csv``), the monitor's table of named products
(``products.csv``), the ids it excluded by hand (``excluded.csv``) and ``provenance.json`` (where
the files come from). A file whose header lacks a column is skipped whole; a row with a bad
value (an NCT id, a status or phase, a date, a number, a coordinate) is skipped with a
:class:`~cartkg.importing.report.Problem`, and every other row is read.

Dates: the monitor read every date with pandas, which turned the registry's month dates
(``2024-05``) into the first of the month. A start date on the first of a month is therefore a
month whose day is unknown (:func:`start_date`); the last-update date is always a day in the
registry and stays one.
"""

from __future__ import annotations

import csv
import html
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from cartkg.ctgov import record as rec
from cartkg.importing.report import Problem

NCT = re.compile(r"^NCT\d{8}$", re.ASCII)
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
_AGE = re.compile(
    r"^\d+(?:\.\d+)?\s+(Years?|Months?|Weeks?|Days?|Hours?|Minutes?)$", re.I | re.ASCII
)
EVENTS = ("first seen", "changed", "left the monitored set")
UNKNOWN_PHASE = "Unknown"  # no registry value: the monitor could not tell the phase

TRIAL_COLUMNS = (
    "NCTId", "BriefTitle", "OverallStatus", "Phase", "Conditions", "Interventions", "StartDate",
    "LastUpdatePostDate", "EnrollmentCount", "EnrollmentType", "Countries", "LeadSponsor",
    "LeadSponsorClass", "MinAge", "MaxAge", "StdAges", "PrimaryEndpoints",
)  # fmt: skip
SITE_COLUMNS = (
    "NCTId", "Facility", "City", "State", "Zip", "Country", "SiteStatus", "Latitude", "Longitude",
)  # fmt: skip
HISTORY_COLUMNS = (
    "NCTId", "SnapshotDate", "Event", "Changed", "OverallStatus", "Phase", "EnrollmentCount",
    "EnrollmentType", "MinAge", "MaxAge", "Countries", "LastUpdatePostDate", "StartDate",
)  # fmt: skip
PRODUCT_COLUMNS = ("Key", "Aliases", "Target", "Type", "Platform", "Sponsor")
EXCLUDED_COLUMNS = ("NCTId", "ReasonGiven")
SCOPE_COLUMNS = ("nct_id", "decision", "reason", "basis")


class RowError(Exception):
    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass
class Row:
    """One data row: the file, its line number, the NCT id (when it has one), its values."""

    file: str
    line: int
    values: dict[str, str]

    @property
    def where(self) -> str:
        nct = self.values.get("NCTId") or self.values.get("nct_id")
        return f"line {self.line}" + (f" ({nct})" if nct else "")

    def get(self, column: str) -> str:
        return (self.values.get(column) or "").strip()


@dataclass
class Table:
    """The rows of one file that could be read, and the problems of the others."""

    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def read_table(path: Path, columns: tuple[str, ...], shown: str, delimiter: str = ",") -> Table:
    """The rows of a CSV or TSV file with the given columns; a missing file or column is one
    problem and no rows."""
    table = Table()
    try:
        f = path.open(encoding="utf-8", newline="")
    except FileNotFoundError:
        table.problems.append(Problem(shown, "(file)", "(file)", "no such file"))
        return table
    except OSError as e:
        table.problems.append(Problem(shown, "(file)", "(file)", f"cannot read: {e}"))
        return table
    with f:
        try:
            reader = csv.DictReader(f, delimiter=delimiter, strict=True)
            header = reader.fieldnames or []
            missing = [c for c in columns if c not in header]
            if missing:
                table.problems.append(Problem(
                    shown, "line 1", "(header)",
                    f"missing column{'s' if len(missing) > 1 else ''} "
                    f"{', '.join(missing)} (expected {', '.join(columns)})"))  # fmt: skip
                return table
            start = reader.line_num + 1  # a row that holds a line break spans lines
            for values in reader:
                line, start = start, reader.line_num + 1
                if None in values or any(v is None for v in values.values()):
                    table.problems.append(Problem(
                        shown, f"line {line}", "(row)",
                        f"expected {len(header)} fields, got a different number"))  # fmt: skip
                    continue
                table.rows.append(Row(shown, line, values))
        except (csv.Error, UnicodeDecodeError) as e:
            table.problems.append(Problem(shown, f"line {reader.line_num}", "(CSV)", str(e)))
    return table


# values -----------------------------------------------------------------------------------
def nct_id(row: Row, column: str = "NCTId") -> str:
    value = row.get(column)
    if not NCT.match(value):
        raise RowError(column, f"not an NCT number (NCT and eight digits): {value[:40]!r}")
    return value


def text(row: Row, column: str) -> str | None:
    """A text value with HTML entities (``&#39;``) turned back into characters."""
    value = rec.clean(html.unescape(row.get(column)))
    return value or None


def items(row: Row, column: str) -> list[str]:
    """The ``|``-separated parts of a value, unescaped, without empty parts or repeats."""
    out: list[str] = []
    for part in row.get(column).split("|"):
        part = rec.clean(html.unescape(part))
        if part and part not in out:
            out.append(part)
    return out


def enum(row: Row, column: str, allowed: tuple[str, ...]) -> str | None:
    value = row.get(column)
    if value and value not in allowed:
        raise RowError(column, f"unknown value {value[:40]!r} (expected one of the API's values)")
    return value or None


def phases(row: Row, column: str = "Phase") -> list[str] | None:
    """The phases (``PHASE1|PHASE2`` gives both); None when the monitor wrote ``Unknown``."""
    value = row.get(column)
    if value == UNKNOWN_PHASE:
        return None
    out = []
    for part in value.split("|") if value else []:
        if part not in rec.PHASES:
            raise RowError(
                column, f"unknown phase {part[:40]!r} (expected one of the API's values)"
            )
        out.append(part)
    return out


def day(row: Row, column: str, required: bool = False) -> str | None:
    """A date to the day (``YYYY-MM-DD``), checked for a real day."""
    value = row.get(column)
    if not value:
        if required:
            raise RowError(column, "missing or empty")
        return None
    if not DAY.match(value):
        raise RowError(column, f"not a date (YYYY-MM-DD): {value[:40]!r}")
    try:
        rec.date({column: value}, "", column)
    except rec.RecordError as e:
        raise RowError(column, e.message) from None
    return value


def start_date(row: Row, column: str = "StartDate") -> str | None:
    """A start date as precise as the registry gave it: on the first of a month, the month."""
    value = day(row, column)
    if value is not None and value.endswith("-01"):
        return value[:7]
    return value


_WHOLE = re.compile(r"^\d+(?:\.0*)?$", re.ASCII)  # "30", or "30.0" as pandas may write it


def count(row: Row, column: str) -> int | None:
    value = row.get(column)
    if not value:
        return None
    if not _WHOLE.match(value):
        raise RowError(column, f"not a whole number from 0: {value[:40]!r}")
    return int(float(value))


def age(row: Row, column: str) -> str | None:
    value = row.get(column)
    if value and not _AGE.match(value):
        raise RowError(column, f"not an age such as '18 Years': {value[:40]!r}")
    return value or None


def coordinate(row: Row, column: str, limit: float) -> float | None:
    """A latitude or longitude, a finite number within +/- ``limit``."""
    value = row.get(column)
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        raise RowError(column, f"not a number: {value[:40]!r}") from None
    if not -limit <= number <= limit:  # also NaN
        raise RowError(column, f"out of range (-{limit:g} to {limit:g}): {value}")
    return number


# the snapshot -------------------------------------------------------------------------------
@dataclass
class Provenance:
    repository: str
    commit: str
    first: str
    last: str
    counts: dict[str, int]


def read_provenance(path: Path, shown: str) -> tuple[Provenance | None, list[Problem]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, [Problem(shown, "(file)", "(file)", "no such file")]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        return None, [Problem(shown, "(file)", "(JSON)", f"cannot read: {e}")]
    try:
        snapshots = data["snapshots"]
        first, last = snapshots[0], snapshots[-1]
        for key, value in (("snapshots[0]", first), ("snapshots[-1]", last)):
            if not isinstance(value, str) or not DAY.match(value):
                return None, [Problem(shown, "(file)", key, f"not a date: {value!r}")]
        repository = str(data["repository"])
        commit = str(data["commit"])
    except (KeyError, IndexError, TypeError) as e:
        return None, [Problem(shown, "(file)", str(e), "missing")]
    prisma = data.get("prisma") if isinstance(data.get("prisma"), dict) else {}
    counts = {k: v for k, v in prisma.items() if isinstance(v, int)}
    return Provenance(repository, commit, first, last, counts), []


def rows_by_trial(table: Table) -> dict[str, list[Row]]:
    out: dict[str, list[Row]] = {}
    for row in table.rows:
        out.setdefault(row.get("NCTId"), []).append(row)
    return out
