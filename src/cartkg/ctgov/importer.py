"""Reading saved ClinicalTrials.gov records (files, folders, lines of JSON, standard input) and
importing them with :mod:`cartkg.importing.trials`, whose docstring says which files an import
writes and how imported and curated statements live together in a trial file."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from cartkg.ctgov.mapping import map_record
from cartkg.importing.report import ImportReport, Problem
from cartkg.importing.trials import Importer, Source
from cartkg.paths import Project

JSON_LINES = (".jsonl", ".ndjson")
JSON_SUFFIXES = (".json", *JSON_LINES)


# file, record label, the record or a Problem, and the record's own JSON text when the input held
# it alone (a file or line of its own): that text is kept as the raw record, not a re-encoding


def skipped(where: str, label: str, field: str, message: str) -> Source:
    """A place in the input that gives no record, as the Problem the report lists."""
    return where, label, Problem(where, label, field, message), None


# reading ------------------------------------------------------------------------------------
def _label(index: int, record: object) -> str:
    try:
        nct = record["protocolSection"]["identificationModule"]["nctId"]  # type: ignore[index]
    except (KeyError, TypeError, IndexError):
        nct = None
    return f"record {index}" + (f" ({nct})" if isinstance(nct, str) and nct else "")


def _studies(
    where: str, data: object, start: int, line: int | None = None, text: str | None = None
) -> Iterator[Source]:
    """The study records of one parsed JSON value (``text``): a study, a search page, or a list."""
    at = f" on line {line}" if line is not None else ""
    if isinstance(data, dict) and "studies" in data and "protocolSection" not in data:
        studies = data["studies"]
        if not isinstance(studies, list):
            yield skipped(where, f"page{at}", "studies", "expected a list of studies")
            return
        for i, s in enumerate(studies):
            yield where, _label(start + i, s), s, None
    elif isinstance(data, list):
        for i, s in enumerate(data):
            yield where, _label(start + i, s), s, None
    else:
        label = _label(start, data) + at
        yield where, label, data, text


def read_text(where: str, text: str) -> Iterator[Source]:
    """Records from text: one JSON value (study, page, list) or JSON Lines."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        if e.msg != "Extra data":
            yield skipped(where, "(file)", "(JSON)", _json_message(e))
            return
        yield from read_lines(where, text.splitlines())
        return
    yield from _studies(where, data, 1, text=text)


def read_lines(where: str, lines: Iterable[str]) -> Iterator[Source]:
    """Records from JSON Lines, one value per line, read as they come (flat memory)."""
    index = 0
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as e:
            index += 1
            label = f"record {index} on line {n}"
            yield skipped(where, label, "(JSON)", _json_message(e))
            continue
        for item in _studies(where, data, index + 1, n, line):
            index += 1
            yield item


def _json_message(e: json.JSONDecodeError) -> str:
    return f"not valid JSON (line {e.lineno}, column {e.colno}: {e.msg})"


def read_paths(paths: Iterable[str | Path], stdin: Iterable[str] | None = None) -> Iterator[Source]:
    """Records from files, folders (every .json, .jsonl and .ndjson in them) and '-' (stdin)."""
    for raw in paths:
        if str(raw) == "-":
            text = "".join(stdin if stdin is not None else sys.stdin)
            yield from read_text("<stdin>", text)
            continue
        path = Path(raw)
        if path.is_dir():
            files = sorted(
                p for p in path.rglob("*") if p.suffix.lower() in JSON_SUFFIXES and p.is_file()
            )
            if not files:
                yield skipped(str(path), "(folder)", "(files)", "no .json, .jsonl or .ndjson files")
            for f in files:
                yield from _read_file(f)
        elif path.is_file():
            yield from _read_file(path)
        else:
            yield skipped(str(path), "(file)", "(path)", "no such file or folder")


def _read_file(path: Path) -> Iterator[Source]:
    where = str(path)
    try:
        if path.suffix.lower() in JSON_LINES:
            with path.open(encoding="utf-8") as f:
                yield from read_lines(where, f)
            return
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        yield skipped(where, "(file)", "(file)", f"cannot read: {e}")
        return
    yield from read_text(where, text)


def import_paths(
    project: Project,
    paths: Iterable[str | Path],
    data_dir: Path | None = None,
    dry_run: bool = False,
    access_date: str | None = None,
) -> ImportReport:
    """Import saved records (files, folders, '-') into ``data_dir`` (default: the project's data/)."""  # noqa: E501
    return Importer(project, map_record, data_dir, dry_run, access_date).run(read_paths(paths))
