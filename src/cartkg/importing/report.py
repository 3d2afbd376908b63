"""What an import did: the records imported, the inputs skipped and why, the files written."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """An input that was not imported: where it was, which record or row, which field, and why."""

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


class RecordError(Exception):
    """A field of a record that cannot be read: ``field`` is its path in the record."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
