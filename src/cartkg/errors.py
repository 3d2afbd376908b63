"""Errors the CLI turns into a message and an exit code, never a traceback."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class CartkgError(Exception):
    """Base of the errors cartkg reports to its user."""

    exit_code = 2


class InputError(CartkgError):
    """Bad input or usage: a file that does not parse, an unknown query, a missing parameter."""

    exit_code = 2


class CheckFailed(CartkgError):
    """The data failed a check (SHACL violation, inconsistency)."""

    exit_code = 1


@dataclass(frozen=True)
class SyntaxProblem:
    """One syntax error at a place in a file."""

    file: str
    line: int | None
    column: int | None
    message: str

    def __str__(self) -> str:
        place = self.file
        if self.line is not None:
            place += f":{self.line}"
            if self.column is not None:
                place += f":{self.column}"
        return f"{place}: {self.message}"


class RdfSyntaxError(InputError):
    """One or more files could not be parsed; every problem names its file, line and column."""

    def __init__(self, problems: Sequence[SyntaxProblem]):
        self.problems = list(problems)
        count = len(self.problems)
        head = f"{count} file{'s' if count != 1 else ''} could not be parsed:"
        super().__init__("\n".join([head, *(f"  {p}" for p in self.problems)]))
