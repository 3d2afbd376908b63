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

import contextlib
import difflib
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cartkg.ctgov.mapping import DCT, ID, MARK, C, Context, Mapped, map_record, norm, shorten
from cartkg.ctgov.record import RecordError
from cartkg.ctgov.turtle import (
    RDF_TYPE,
    RDFS_LABEL,
    Graph,
    add,
    copy_graph,
    new_graph,
    parse_turtle,
    write_turtle,
)
from cartkg.paths import Project

JSON_LINES = (".jsonl", ".ndjson")
JSON_SUFFIXES = (".json", *JSON_LINES)
SINGLE = {
    C + p
    for p in (
        "nctId", "briefTitle", "officialTitle", "acronym", "studyType", "allocation",
        "interventionModel", "primaryPurpose", "masking", "eligibleSex",
        "acceptsHealthyVolunteers", "fdaRegulatedDrug", "hasDataMonitoringCommittee",
    )
} | {DCT + "description", C + "phase"}  # fmt: skip


@dataclass(frozen=True)
class Problem:
    """A record that was not imported: where it was, which record, which field, and why."""

    file: str
    record: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.record}: {self.field}: {self.message}"


@dataclass
class Outcome:
    """What became of one imported record."""

    nct: str
    action: str  # new, updated, unchanged, older
    file: str
    record: str
    changes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    diff: str = ""


@dataclass
class ImportReport:
    imported: list[Outcome] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    count: int = 0  # records imported (also when the outcomes are not kept)
    files: int = 0  # files written

    @property
    def ok(self) -> bool:
        return not self.skipped


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


# merging ------------------------------------------------------------------------------------
def _owned(iri: object, nct: str) -> bool:
    return isinstance(iri, str) and iri.startswith(ID) and f"/{nct}{MARK}" in iri


def _history_kind(graph: Graph, s: str) -> tuple | None:
    """What a history observation observes (its class and date kind), to compare versions."""
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
    """The trial file's graph after importing ``new`` over ``existing`` (see the module doc)."""
    if not existing:
        return copy_graph(new)
    trial = f"{ID}trial/{nct}"
    out = new_graph()
    new_kinds: dict[tuple, tuple] = {}
    for s in new:
        kind = _history_kind(new, s) if _owned(s, nct) else None
        if kind and kind != ("status",):
            new_kinds[kind] = _value(new, s)
    kept_owned: set[str] = set()
    for s, props in existing.items():
        if s == trial:
            continue
        if _owned(s, nct):
            kind = _history_kind(existing, s)
            keep = (
                kind is not None
                and s not in new
                and (kind == ("status",) or new_kinds.get(kind) != _value(existing, s))
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
            if _owned(o, nct):
                if o in kept_owned:
                    add(out, trial, p, o)
                continue
            if p == DCT + "source" and isinstance(o, str) and o.startswith(source_prefix):
                continue
            if p == RDFS_LABEL and o in old_trial.get(p, ()):
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


def _show(term: object) -> str:
    text = getattr(term, "lex", term)
    text = str(text).rsplit("/", 1)[-1] if str(text).startswith("http") else str(text)
    return repr(text if len(text) <= 60 else text[:57] + "...")


# what changed ---------------------------------------------------------------------------------


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
        self._folders: set[str] = set()  # folders known to exist
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
        except _Unreadable as e:
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
            raw_before = _read_if_exists(raw_path)
        except _Unreadable:
            raw_before = None  # as if there were none: the record is imported afresh
        if raw_before is not None:
            try:
                old = map_record(self.ctx, json.loads(raw_before))
            except (RecordError, ValueError):
                old = None
        if old is not None and old.version and mapped.version and mapped.version < old.version:
            return Outcome(nct, "older", where, label, notes=[  # noqa: RUF005
                f"not imported: this record ({mapped.version}) is older than the one already "
                f"imported ({old.version})"] + mapped.notes)  # fmt: skip
        # the trial file is read once (its text), and parsed only when it exists
        before = _read_if_exists(trial_path)
        existing = None
        if before is not None:
            try:
                existing = parse_turtle(before)
            except (SyntaxError, ValueError) as e:
                raise _Unreadable(
                    f"{trial_path} cannot be read, so it is left as it is: {e}"
                ) from None
        before = before or ""
        notes = list(mapped.notes)
        if existing:
            graph = merge(existing, old.trial if old else None, mapped.trial, nct, notes)
        else:
            graph = mapped.trial  # merge() would only copy it; nothing else uses it after this
        text = write_turtle(graph, self.ctx.prefixes)
        if old is not None:
            found = changes(old.facts, mapped.facts)
            action = "updated" if found or text != before else "unchanged"
        elif existing:
            found = changes({}, mapped.facts)
            action = "updated"
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
        source_path = f"{self._sources}/{mapped.source_key}.ttl"
        if not os.path.exists(source_path):
            files[source_path] = write_turtle(mapped.source, self.ctx.prefixes)
        for key, (agent, g) in mapped.new_agents.items():
            path = f"{self._organizations}/{key}.ttl"
            if not os.path.exists(path):
                files[path] = write_turtle(g, self.ctx.prefixes)
            self.ctx.agents.setdefault(norm(agent.label), agent.iri)
            self.ctx.agent_keys.add(key)
        raw = _raw_text(record, raw_text)
        if raw != raw_before:
            files[raw_path] = raw
        if not self.dry_run:
            for path, content in files.items():
                self._write_file(path, content)
                self.report.files += 1
                if self.keep_outcomes:
                    self.report.written.append(self._rel(path))
        return outcome

    def _write_file(self, path: str, content: str) -> None:
        """Write a file atomically: a temporary file beside it, then a rename over it.

        A crash of the process (or an error such as a full disk) at any point leaves either the
        old file or the new one, never a half-written one, because the rename is atomic. There is
        no fsync, so the guarantee is against the process dying, not against the machine losing
        power: after a power cut the file system may have kept the rename but not yet the data
        (git holds the previous versions of the files). Raw system calls (no text layer, no stat,
        each folder made once per run): creating files is a tenth to a fifth of the import's time.
        """
        folder, name = os.path.split(path)
        if folder not in self._folders:
            os.makedirs(folder, exist_ok=True)
            self._folders.add(folder)
        tmp = f"{folder}/.{name}.import-tmp"
        data = content.encode("utf-8")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        except FileNotFoundError:  # the folder was removed since: make it again
            os.makedirs(folder, exist_ok=True)
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        except BaseException:
            os.close(fd)
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        os.close(fd)
        os.replace(tmp, path)

    def _rel(self, path: str | Path) -> str:
        try:
            return Path(path).relative_to(self.project.root).as_posix()
        except ValueError:
            return str(path)


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


class _Unreadable(Exception):
    pass


def _read_if_exists(path: str | Path) -> str | None:
    """A file's text, or None when there is no such file (one system call, no stat first)."""
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except (FileNotFoundError, NotADirectoryError):
        return None
    except (OSError, UnicodeDecodeError) as e:
        raise _Unreadable(f"{path} cannot be read, so it is left as it is: {e}") from None


def import_paths(
    project: Project,
    paths: Iterable[str | Path],
    data_dir: Path | None = None,
    dry_run: bool = False,
    access_date: str | None = None,
) -> ImportReport:
    """Import saved records (files, folders, '-') into ``data_dir`` (default: the project's data/)."""  # noqa: E501
    return Importer(project, data_dir, dry_run, access_date).run(read_paths(paths))
