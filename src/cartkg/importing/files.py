"""Reading and atomically writing the files of a data folder."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


class Unreadable(Exception):
    """A file that exists but cannot be read: it is left as it is."""


def read_if_exists(path: str | Path) -> str | None:
    """A file's text, or None when there is no such file (one system call, no stat first)."""
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except (FileNotFoundError, NotADirectoryError):
        return None
    except (OSError, UnicodeDecodeError) as e:
        raise Unreadable(f"{path} cannot be read, so it is left as it is: {e}") from None


class Writer:
    """Writes files atomically, making each folder once per run."""

    def __init__(self) -> None:
        self._folders: set[str] = set()  # folders known to exist

    def write(self, path: str, content: str) -> None:
        """Write a file atomically: a temporary file beside it, then a rename over it.

        A crash of the process (or an error such as a full disk) at any point leaves either the
        old file or the new one, never a half-written one, because the rename is atomic. There is
        no fsync, so the guarantee is against the process dying, not against the machine losing
        power: after a power cut the file system may have kept the rename but not yet the data
        (git holds the previous versions of the files). Raw system calls (no text layer, no stat,
        each folder made once per run): creating files is a tenth to a fifth of an import's time.
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

    def remove(self, path: str) -> bool:
        """Remove a file; False when there was none."""
        try:
            os.unlink(path)
        except FileNotFoundError:
            return False
        return True
