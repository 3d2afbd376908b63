"""Read saved records, map them, merge them with what the graph holds, and write the files.

Files written per study (under the data folder, ``data/`` by default):

- ``trials/<NCT>.ttl``: the trial, canonical Turtle. Hand-curated statements in the file stay.
- ``trials/raw/<NCT>.json``: the record as imported (with its ``versionHolder``), so that the next
  import can say what changed: the input's own text of it when a file, a line or an API answer held
  it alone, else its JSON. Only the latest is kept; git holds the earlier ones.
- ``sources/ctgov-<nct>-<version date>.ttl``: the registry record as a source (one per version,
  so facts from an earlier version keep citing it).
- ``organizations/<key>.ttl``: sponsors, collaborators and officials not yet in the graph.

How imported and curated statements live together in one trial file: nodes the importer minted
have ``-ctgov`` after the NCT id in their IRI and are rewritten on every import (status
observations are kept as history, and enrollment and date observations whose value changed);
every other node in the file is left as it is. On the trial node, a value is replaced only when
it came from the previous import and the new record no longer gives it, or when the property is
one the registry owns (titles, phases, design, sex, ...) and the new record gives a value.
"""

from __future__ import annotations

import difflib
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from cartkg.ctgov.mapping import Mapped, map_record
from cartkg.ctgov.record import RecordError
from cartkg.importing.context import Context, remember_agents
from cartkg.importing.files import Unreadable, Writer, read_if_exists
from cartkg.importing.merge import add_history, changes, merge
from cartkg.importing.report import ImportReport, Outcome, Problem
from cartkg.importing.terms import DCT, ID
from cartkg.importing.turtle import Graph, parse_turtle, write_turtle
from cartkg.paths import Project

JSON_LINES = (".jsonl", ".ndjson")
JSON_SUFFIXES = (".json", *JSON_LINES)


# file, record label, the record or a Problem, and the record's own JSON text when the input held
# it alone (a file or line of its own): that text is kept as the raw record, not a re-encoding
Source = tuple[str, str, object, str | None]


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


# the run --------------------------------------------------------------------------------------
class Importer:
    """Imports records one at a time into a data folder; holds the look-up context."""

    def __init__(
        self,
        project: Project,
        data_dir: Path | None = None,
        dry_run: bool = False,
        access_date: str | None = None,
        keep_outcomes: bool = True,
    ):
        self.project = project
        self.data_dir = Path(data_dir).absolute() if data_dir is not None else project.root / "data"
        self.dry_run = dry_run
        self.access_date = access_date
        self.ctx = Context.load(project, self.data_dir)
        self.report = ImportReport()
        self.keep_outcomes = keep_outcomes
        self._seen: dict[str, str] = {}
        self.writer = Writer()
        # the folders as strings: paths are built by formatting, a Path per file costs more
        self._trials = str(self.data_dir / "trials")
        self._sources = str(self.data_dir / "sources")
        self._organizations = str(self.data_dir / "organizations")

    def run(
        self, sources: Iterable[Source], on_outcome: Callable[[Outcome], None] | None = None
    ) -> ImportReport:
        for where, label, record, text in sources:
            outcome = self.one(where, label, record, text)
            if outcome is not None and on_outcome is not None:
                on_outcome(outcome)
        return self.report

    def one(
        self, where: str, label: str, record: object, text: str | None = None
    ) -> Outcome | None:
        if isinstance(record, Problem):
            self.report.skipped.append(record)
            return None
        try:
            mapped = map_record(self.ctx, record, self.access_date)  # type: ignore[arg-type]
        except RecordError as e:
            self.report.skipped.append(Problem(where, label, e.field, e.message))
            return None
        except Exception as e:  # a bug must not stop the other records; name it clearly
            self.report.skipped.append(
                Problem(where, label, "(importer)", f"internal error: {type(e).__name__}: {e}")
            )
            return None
        if mapped.nct in self._seen:
            self.report.skipped.append(Problem(where, label, "protocolSection.identificationModule.nctId",  # noqa: E501
                                               f"{mapped.nct} was already imported in this run from {self._seen[mapped.nct]}"))  # fmt: skip  # noqa: E501
            return None
        self._seen[mapped.nct] = f"{where} ({label})"
        try:
            outcome = self.write(where, label, record, mapped, raw_text=text)
        except Unreadable as e:
            self.report.skipped.append(Problem(where, label, "(existing file)", str(e)))
            return None
        self.report.count += 1
        if self.keep_outcomes:
            self.report.imported.append(outcome)
        return outcome

    def write(
        self, where: str, label: str, record: object, mapped: Mapped, raw_text: str | None = None
    ) -> Outcome:
        nct = mapped.nct
        trial_path = f"{self._trials}/{nct}.ttl"
        raw_path = f"{self._trials}/raw/{nct}.json"
        old: Mapped | None = None
        try:
            raw_before = read_if_exists(raw_path)
        except Unreadable:
            raw_before = None  # as if there were none: the record is imported afresh
        if raw_before is not None:
            try:
                old = map_record(self.ctx, json.loads(raw_before))
            except (RecordError, ValueError):
                old = None
        notes = list(mapped.notes)
        older = bool(old and old.version and mapped.version and mapped.version < old.version)
        if older and not mapped.capture and not old.capture:  # type: ignore[union-attr]
            return Outcome(nct, "older", where, label, notes=[  # noqa: RUF005
                f"not imported: this record ({mapped.version}) is older than the one already "
                f"imported ({old.version})"] + notes)  # type: ignore[union-attr]  # fmt: skip
        if older and not mapped.capture:
            notes.append(
                f"this record ({mapped.version}) is older than the version a capture saw "
                f"({old.version}); its values replace the capture's, whose history stays"  # type: ignore[union-attr]
            )
        # the trial file is read once (its text), and parsed only when it exists
        before = read_if_exists(trial_path)
        existing = None
        if before is not None:
            try:
                existing = parse_turtle(before)
            except (SyntaxError, ValueError) as e:
                raise Unreadable(
                    f"{trial_path} cannot be read, so it is left as it is: {e}"
                ) from None
        before = before or ""
        # a capture is second hand: it adds its history to a trial imported from the registry
        # itself or curated by hand, and changes nothing else there
        history_only = mapped.capture and bool(existing) and (old is None or not old.capture)
        if history_only:
            graph = add_history(existing, mapped.trial, nct)  # type: ignore[arg-type]
            notes.append(
                "the file holds "
                + ("a record read from the registry" if old is not None else "a hand-curated trial")
                + ": only the capture's history was added"
            )
        elif existing:
            graph = merge(existing, old.trial if old else None, mapped.trial, nct, notes)
        else:
            graph = mapped.trial  # merge() would only copy it; nothing else uses it after this
        text = write_turtle(graph, self.ctx.prefixes)
        if old is not None and not history_only:
            found = changes(old.facts, mapped.facts)
            action = "updated" if found or text != before else "unchanged"
        elif existing:
            found = [] if history_only else changes({}, mapped.facts)
            action = "updated" if text != before else "unchanged"
            if not history_only:
                notes.append("first import over a hand-curated file: its statements are kept")
        else:
            found, action = [], "new"
        outcome = Outcome(nct, action, where, label, found, notes)
        files: dict[str, str] = {}
        if text != before:
            files[trial_path] = text
        if text != before and self.dry_run:
            outcome.diff = "".join(difflib.unified_diff(
                before.splitlines(True), text.splitlines(True),
                f"a/{self._rel(trial_path)}", f"b/{self._rel(trial_path)}"))  # fmt: skip
        cited = _cited(graph) if (history_only or mapped.more_sources) else None
        for key, source in ((mapped.source_key, mapped.source), *mapped.more_sources.items()):
            source_path = f"{self._sources}/{key}.ttl"
            if (cited is None or f"{ID}source/{key}" in cited) and not os.path.exists(source_path):
                files[source_path] = write_turtle(source, self.ctx.prefixes)
        if not history_only:
            for key, (_agent, g) in mapped.new_agents.items():
                path = f"{self._organizations}/{key}.ttl"
                if not os.path.exists(path):
                    files[path] = write_turtle(g, self.ctx.prefixes)
            remember_agents(self.ctx, ((k, a) for k, (a, _) in mapped.new_agents.items()))
            raw = _raw_text(record, raw_text)
            if raw != raw_before:
                files[raw_path] = raw
        if not self.dry_run:
            for path, content in files.items():
                self.writer.write(path, content)
                self.report.files += 1
                if self.keep_outcomes:
                    self.report.written.append(self._rel(path))
        return outcome

    def _rel(self, path: str | Path) -> str:
        try:
            return Path(path).relative_to(self.project.root).as_posix()
        except ValueError:
            return str(path)


def _cited(graph: Graph) -> set[str]:
    """The sources a graph cites."""
    found: set[str] = set()
    for props in graph.values():
        found.update(o for o in props.get(DCT + "source", ()) if isinstance(o, str))
    return found


def _raw_text(record: object, text: str | None) -> str:
    """The raw record to keep: the input's own text of it when there is one, else its JSON."""
    if text is not None:
        text = text.rstrip("\r\n") + "\n"
        try:
            text.encode("utf-8")
            return text
        except UnicodeEncodeError:  # lone surrogates (stdin read with surrogateescape)
            pass
    try:
        raw = json.dumps(record, ensure_ascii=False) + "\n"  # one line: the C encoder
        raw.encode("utf-8")
    except UnicodeEncodeError:
        raw = json.dumps(record) + "\n"
    return raw


def import_paths(
    project: Project,
    paths: Iterable[str | Path],
    data_dir: Path | None = None,
    dry_run: bool = False,
    access_date: str | None = None,
) -> ImportReport:
    """Import saved records (files, folders, '-') into ``data_dir`` (default: the project's data/)."""  # noqa: E501
    return Importer(project, data_dir, dry_run, access_date).run(read_paths(paths))
