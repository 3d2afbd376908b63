"""Output folders written whole: into a new folder beside the target, then swapped in, so a
failed run leaves the previous output as it was (a release, a report site)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from cartkg.errors import InputError


def check_replaceable(out: Path, marker: str, what: str) -> None:
    """Only a missing or empty folder, or an earlier output of the same kind (which holds
    ``marker``), may be replaced."""
    if not out.exists():
        return
    if not out.is_dir():
        raise InputError(f"{out} exists and is not a folder")
    if any(out.iterdir()) and not (out / marker).is_file():
        raise InputError(
            f"{out} holds files that are not {what} (no {marker}); "
            "choose an empty or new folder with --out"
        )


def write_folder(out: Path, contents: dict[str, bytes], marker: str, what: str) -> None:
    """Write every file (by its path inside the folder) into a new folder beside ``out``, then
    put it in place of ``out``."""
    out = out.absolute()
    check_replaceable(out, marker, what)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-new-", dir=out.parent))
    try:
        for name, data in contents.items():
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        staging.chmod(0o755)
        aside = None
        if out.exists():
            aside = Path(tempfile.mkdtemp(prefix=f".{out.name}-old-", dir=out.parent))
            out.rename(aside / out.name)
        staging.rename(out)
        if aside is not None:
            shutil.rmtree(aside, ignore_errors=True)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
