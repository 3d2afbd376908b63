"""ruff lint and format, so that CI enforces them like the tests."""

from __future__ import annotations

import subprocess
import sys

from helpers.project import REPO

RUFF = [sys.executable, "-m", "ruff"]
PATHS = [str(REPO / p) for p in ("src", "tests", "benchmarks", "tools") if (REPO / p).is_dir()]


def test_ruff_check() -> None:
    proc = subprocess.run([*RUFF, "check", *PATHS], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_ruff_format() -> None:
    proc = subprocess.run(
        [*RUFF, "format", "--check", *PATHS], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
