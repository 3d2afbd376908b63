"""The trial-record importer every source shares: one mapped registry record at a time, merged
with what the trial file already holds, written with the files it cites.

A source turns its input into records and gives the mapper that reads one (``cartkg.ctgov``
reads API v2 study records; ``cartkg.snapshot`` turns a monitor's captures into the same form).
The importer owns what happens next:

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
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from cartkg.importing.context import Context, remember_agents
from cartkg.importing.files import Unreadable, Writer, read_if_exists
from cartkg.importing.merge import add_history, changes, merge
from cartkg.importing.report import ImportReport, Outcome, Problem, RecordError
from cartkg.importing.terms import DCT, ID
from cartkg.importing.turtle import Graph, parse_turtle, write_turtle
from cartkg.paths import Project

if TYPE_CHECKING:
    from cartkg.ctgov.mapping import Mapped

Source = tuple[str, str, object, "str | None"]  # where, label, record (or a Problem), its text
Mapper = Callable[..., "Mapped"]  # (context, record, access date) -> the mapped record


class Importer:
    """Imports records one at a time into a data folder; holds the look-up context."""

    def __init__(
        self,
        project: Project,
        mapper: Mapper,
        data_dir: Path | None = None,
        dry_run: bool = False,
        access_date: str | None = None,
        keep_outcomes: bool = True,
    ):
        self.project = project
        self.map = mapper
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
            mapped = self.map(self.ctx, record, self.access_date)  # type: ignore[arg-type]
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
                old = self.map(self.ctx, json.loads(raw_before), None)
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
