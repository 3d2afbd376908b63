"""Every verb of the CLI meets bad arguments with one clear message and an exit code (2 for
usage and input, 1 for a failed check), never a traceback."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer
from helpers.project import REPO, CliRun

from cartkg.cli import app
from cartkg.paths import Project


def _verbs(command: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    """Every leaf command of the CLI with the words that call it (typer vendors click, so
    the commands are read by what they hold, not by their class)."""
    if hasattr(command, "commands"):
        found = []
        for name, sub in sorted(command.commands.items()):
            found += _verbs(sub, (*path, name))
        return found
    return [(path, command)]


VERBS = _verbs(typer.main.get_command(app))


def _bad_calls(command: Any) -> list[list[str]]:
    """Arguments that no verb can act on: an unknown option; a missing file in every
    positional place; a store folder that does not exist; an endpoint that is not a URL; a
    format nobody knows."""
    calls = [["--no-such-option"]]
    positional = [p for p in command.params if p.param_type_name == "argument"]
    options = {o for p in command.params if p.param_type_name == "option" for o in p.opts}
    missing = ["/nonexistent/cartkg/x.ttl"] * max(1, len(positional))
    calls.append(missing)
    if "--store" in options:
        calls.append([*missing[: len(positional)], "--store", "/dev/null/cartkg-store"])
    if "--endpoint" in options:
        calls.append([*missing[: len(positional)], "--endpoint", "not a url"])
    if "--format" in options:
        calls.append([*missing[: len(positional)], "--format", "nonsense"])
    return calls


def test_the_cli_has_the_verbs_people_use() -> None:
    names = {" ".join(path) for path, _ in VERBS}
    assert {"build", "query", "search", "validate", "export", "push", "serve"} <= names


@pytest.mark.parametrize(("path", "command"), VERBS, ids=[" ".join(p) for p, _ in VERBS])
def test_bad_arguments_give_a_message_and_an_exit_code(
    project: Project, cli: CliRun, path: tuple[str, ...], command: Any
) -> None:
    for args in _bad_calls(command):
        result = cli(project, *path, *args)
        shown = result.stdout + result.stderr
        assert result.exit_code in (1, 2), (args, shown)
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            args,
            repr(result.exception),
        )
        assert "Traceback" not in shown, (args, shown)
        assert shown.strip(), (args, "no message")


@pytest.mark.parametrize(
    "params",
    [
        ["-p", "measure=LVEF", "-p", "value=abc", "-p", "unit=%"],
        ["-p", "measure=nonsense", "-p", "value=50", "-p", "unit=percent"],
        ["-p", "measure=LVEF", "-p", "value=50", "-p", "unit=furlong"],
        ["-p", "measure=<bad iri>", "-p", "value=50", "-p", "unit=%"],
        ["-p", "measure"],
        ["-p", "nosuch=1"],
    ],
)
def test_bad_parameters_are_refused_in_words(
    real_store: Path, cli: CliRun, params: list[str]
) -> None:
    result = cli(Project(REPO), "query", "trials-excluding", *params, "--store", str(real_store))
    assert result.exit_code == 2, result.stdout
    assert result.stderr.startswith("error: ")
    assert "Traceback" not in result.stderr and "decimal." not in result.stderr
