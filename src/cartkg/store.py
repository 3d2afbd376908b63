"""The persistent pyoxigraph store, and swapping a new build in only when it passed every check.

A build works on a store in memory (loading and querying it is several times faster than
RocksDB) and writes it to disk only once every check has passed.
``.cartkg/store`` is a symbolic link to a store folder beside it. A build writes a new folder
(``store-<time>-<random>``), and when every check has passed replaces the link in one atomic
``rename``: readers see the old store or the new one, never a half-written one, and a failed
build leaves the old store as it was. A lock file keeps two builds from swapping at once.
A store folder that ``cartkg serve`` is serving holds a shared lock, and no build deletes it
while the lock is held: the server answers from the old graph until it is restarted.
"""

from __future__ import annotations

import fcntl
import gc
import itertools
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

import pyoxigraph as ox

from cartkg.errors import InputError

if TYPE_CHECKING:
    from cartkg.manifest import Manifest

SERVING_LOCK = "cartkg-serving.lock"


def hold_for_serving(folder: Path) -> int:
    """Take a shared lock on a store folder for as long as this process (or the program it
    execs) lives, so that no build deletes the folder under a running server."""
    fd = os.open(folder / SERVING_LOCK, os.O_CREAT | os.O_RDWR, 0o644)
    fcntl.flock(fd, fcntl.LOCK_SH)
    os.set_inheritable(fd, True)
    return fd


def in_use(folder: Path) -> bool:
    """Whether a server holds the folder (see hold_for_serving)."""
    lock = folder / SERVING_LOCK
    if not lock.is_file():
        return False
    with open(lock) as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
    return False


def open_store(path: Path) -> ox.Store:
    """The built store at ``path``, read-only."""
    if not path.is_dir():
        raise InputError(f"no built store at {path}: run `cartkg build` first")
    try:
        return ox.Store.read_only(str(path))
    except OSError as e:
        raise InputError(f"cannot open the store at {path}: {e}") from None


COPY_BATCH = 200_000  # quads per bulk write: few enough RocksDB files, memory stays flat


class StagedStore:
    """A new store built in memory, written beside ``target`` and swapped in by :meth:`commit`,
    or thrown away.

    With ``target=None`` the store stays in memory and commit does nothing. With
    ``start_from`` (a built store folder), the new store starts as a copy of it, on disk (a
    RocksDB checkpoint: hard links, so it takes no time), for a rebuild that changes a few graphs.
    """

    def __init__(self, target: Path | None, start_from: Path | None = None):
        self.target = target
        self._lock_file = None
        self.store = ox.Store()
        self.folder: Path | None = None
        self.on_disk = False
        if target is None:
            return
        target = target.absolute()
        self.target = target
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._lock_file = open(target.parent / f"{target.name}.lock", "w")  # noqa: SIM115
        except OSError as e:
            raise InputError(
                f"cannot write a store at {target}: {e.strerror or e} ({target.parent})"
            ) from None
        try:
            fcntl.flock(self._lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock_file.close()
            raise InputError(f"another build is writing {target}; wait for it to finish") from None
        self._remove_leftovers()
        stamp = time.strftime("%Y%m%dT%H%M%S")
        # a fresh folder every time: never the live one, even for two builds in one second
        self.folder = Path(tempfile.mkdtemp(prefix=f"{target.name}-{stamp}-", dir=target.parent))
        if start_from is not None:
            self.folder.rmdir()  # the checkpoint makes the folder itself
            open_store(start_from).backup(str(self.folder))
            self.store = ox.Store(str(self.folder))
            self.on_disk = True

    def commit(
        self, manifest: Manifest | None = None, write_beside: Callable[[Path], None] | None = None
    ) -> None:
        """Write the store (and its manifest, and what ``write_beside`` writes into its folder)
        to its folder and make it the one at ``target``, atomically."""
        if self.target is None or self.folder is None:
            return
        if not self.on_disk:
            on_disk = ox.Store(str(self.folder))
            quads = iter(self.store)
            while batch := list(itertools.islice(quads, COPY_BATCH)):
                on_disk.bulk_extend(batch)
            on_disk.flush()
            del on_disk, quads, batch
        else:
            self.store.flush()
        self._close_store()
        if manifest is not None:
            manifest.write(self.folder)
        if write_beside is not None:
            write_beside(self.folder)
        link = self.target.parent / f".{self.target.name}.link-{os.getpid()}"
        link.unlink(missing_ok=True)
        os.symlink(self.folder.name, link)
        previous = _resolve_own(self.target)
        if self.target.exists() and not self.target.is_symlink():
            # a plain folder left by something else: move it aside, then link (not atomic)
            aside = self.target.parent / f"{self.target.name}-replaced-{os.getpid()}"
            self.target.rename(aside)
            previous = aside
        os.replace(link, self.target)
        if previous is not None and previous != self.folder and not in_use(previous):
            shutil.rmtree(previous, ignore_errors=True)
        self.folder = None
        self._unlock()

    def discard(self) -> None:
        """Throw the new store away; the old one is untouched."""
        self._close_store()
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None
        self._unlock()

    def _close_store(self) -> None:
        # pyoxigraph closes the RocksDB files when the Store is garbage collected
        self.store = None  # type: ignore[assignment]
        gc.collect()

    def _unlock(self) -> None:
        if self._lock_file is not None:
            fcntl.flock(self._lock_file, fcntl.LOCK_UN)
            self._lock_file.close()
            self._lock_file = None

    def _remove_leftovers(self) -> None:
        """Folders of builds that crashed before commit or discard (we hold the lock)."""
        assert self.target is not None
        current = _resolve_own(self.target)
        ours = re.compile(rf"^{re.escape(self.target.name)}-(\d{{8}}T\d{{6}}-|replaced-)")
        for folder in self.target.parent.iterdir():
            mine = ours.match(folder.name) and folder.is_dir() and folder != current
            if mine and not in_use(folder):
                shutil.rmtree(folder, ignore_errors=True)

    def __enter__(self) -> StagedStore:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self.folder is not None or self._lock_file is not None:
            self.discard()


def current_folder(target: Path) -> Path | None:
    """The store folder that ``target`` (a built store's link) points to, if any."""
    return _resolve_own(target.absolute())


def _resolve_own(target: Path) -> Path | None:
    """The store folder ``target`` links to, if it is a link to a folder beside it."""
    if not target.is_symlink():
        return None
    resolved = (target.parent / os.readlink(target)).absolute()
    return resolved if resolved.parent == target.parent.absolute() else None
