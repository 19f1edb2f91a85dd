"""Writing files so that nothing is ever half-written, and locks between processes.

* :func:`write_atomic` writes one file: readers see the old bytes or the new.
* :class:`StagedFiles` and :func:`write_outputs` write a set of files all or
  nothing, around another transaction (the archive's).
* :func:`file_lock` holds an exclusive lock, released by the operating system
  when the process ends however it ends.
* :func:`remove_leftovers` removes what a killed build staged.

Low-level on purpose: the build, ``digest send`` and the unsubscribe record
all write through here, and none of them needs the pipeline to do it.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import tempfile
import time
from collections.abc import Collection, Iterator, Mapping
from pathlib import Path

from digest.errors import DigestError
from digest.names import ISSUES_FOLDER


def _stage(path: Path, data: bytes) -> Path:
    """Write ``data`` to a durable temporary file beside ``path``; return it.

    An :class:`OSError` (a full disk, a read-only folder) names the file
    being written, so the error the user sees says where.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError) and exc.filename is None:
            exc.filename = str(path)
        raise
    return Path(tmp)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers never see a partial file."""
    tmp = _stage(path, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


# -- locks ----------------------------------------------------------------------

if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True


class LockedError(DigestError):
    """Another process held a lock for longer than we would wait."""


def _locked(fd: int, path: Path) -> bool:
    """Try once to lock ``fd``: False if another process holds it."""
    try:
        return _try_lock(fd)
    except OSError as exc:  # a file system without locks (some network mounts)
        raise LockedError(
            f"cannot lock the file ({exc.strerror or exc})",
            path=str(path),
            fix="keep the archive and the output folder on a local disk",
        ) from None


@contextlib.contextmanager
def file_lock(path: Path, *, timeout: float, holder: str) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` for the ``with`` body.

    The file is created if missing and never removed (removing a lock file
    races with the next process to open it). The operating system releases
    the lock when the process ends, however it ends, so a killed build never
    leaves it held. Waits at most ``timeout`` seconds, then raises
    :class:`LockedError` naming ``holder``, what is thought to hold it.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise LockedError(
            f"cannot open the lock file ({exc.strerror or exc})",
            path=str(path),
            fix="it must be a file in a folder you can write to",
        ) from None
    try:
        deadline = time.monotonic() + timeout
        while not _locked(fd, path):
            if time.monotonic() >= deadline:
                raise LockedError(
                    f"{holder} is still running (waited {timeout:g} s for {path.name})",
                    path=str(path.parent),
                    fix="try again when it has finished",
                )
            time.sleep(0.05)
        yield
    finally:
        os.close(fd)


class StagedFiles:
    """Output files staged beside their targets, to be moved in all together.

    :meth:`replace` moves every staged file into place, keeping a hard link to
    each file it replaces; :meth:`rollback` puts those back (or removes files
    that did not exist) and :meth:`finish` drops them once the build is final.
    """

    def __init__(self, out_dir: Path, files: Mapping[str, bytes]) -> None:
        self.targets = [out_dir / name for name in files]
        #: Each target with the file staged for it, in the order given.
        self._staged: list[tuple[Path, Path]] = []
        self._backups: dict[Path, Path | None] = {}
        try:
            for name, data in files.items():
                target = out_dir / name
                self._staged.append((target, _stage(target, data)))
        except BaseException:
            self.rollback()
            raise

    def replace(self) -> None:
        """Move every staged file into place (each move is atomic)."""
        for target, tmp in self._staged:
            self._backups[target] = _backup(target)
            os.replace(tmp, target)

    def rollback(self) -> None:
        """Undo :meth:`replace` (as far as it got) and drop the staged files."""
        _restore(self._backups)
        self._backups = {}
        for _target, tmp in self._staged:
            tmp.unlink(missing_ok=True)

    def finish(self) -> None:
        """Forget the previous files: the new ones are final."""
        for backup in self._backups.values():
            if backup is not None:
                backup.unlink(missing_ok=True)
        self._backups = {}


def write_outputs(
    out_dir: Path,
    files: Mapping[str, bytes],
    around: contextlib.AbstractContextManager[object] | None = None,
) -> list[Path]:
    """Write every file into ``out_dir``, all or nothing; return the paths written.

    Every file is staged first; only then are they moved into place, inside
    ``around`` when given (the archive's transaction). If a move fails, or
    ``around`` fails on leaving, the files already moved are put back as they
    were (previous content, or no file) and the error is raised.
    """
    staged = StagedFiles(out_dir, files)  # nothing visible changes yet
    try:
        with around or contextlib.nullcontext():
            staged.replace()
    except BaseException:
        staged.rollback()
        raise
    staged.finish()
    return staged.targets


def _backup(target: Path) -> Path | None:
    """A hard link to ``target``'s current content (None if there is none)."""
    if not target.exists():
        return None
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".bak", dir=target.parent)
    os.close(fd)
    backup = Path(name)
    backup.unlink()
    try:
        os.link(target, backup)
    except OSError:  # no hard links here: copy instead
        backup.write_bytes(target.read_bytes())
    return backup


def _restore(backups: Mapping[Path, Path | None]) -> None:
    for target, backup in backups.items():
        if backup is None:
            target.unlink(missing_ok=True)
        elif target.exists() and os.path.samefile(backup, target):
            # never replaced: rename() between two links of one file does nothing
            backup.unlink()
        else:
            os.replace(backup, target)


# -- leftovers ------------------------------------------------------------------


#: What :func:`_stage` and :func:`_backup` name their files: ``.NAME.XXXXXXXX.tmp`` / ``.bak``.
_STAGED = re.compile(r"\.(?P<name>.+)\.[a-z0-9_]{8}\.(?:tmp|bak)")


def remove_leftovers(out: Path, outputs: Collection[str]) -> list[Path]:
    """Remove the files an earlier build staged or backed up and was killed
    before it could move or drop them; return them.

    Only our own staging names (``.NAME.XXXXXXXX.tmp`` and ``.bak``) beside
    the files a build writes (``outputs``, and the issue pages) are touched, only
    in the output folder, and only by a build holding the locks, so no build
    that is still running can own them. A leftover ``.bak`` is never needed:
    a killed build left files the archive does not know, and the next build
    makes that issue again, byte for byte.
    """
    removed = []
    for folder, ours in ((out, set(outputs)), (out / ISSUES_FOLDER, None)):
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            match = _STAGED.fullmatch(entry.name)
            if not match or not entry.is_file(follow_symlinks=False):
                continue
            name = match["name"]
            if (name in ours) if ours is not None else name.endswith(".html"):
                path = Path(entry.path)
                path.unlink(missing_ok=True)
                removed.append(path)
    return removed
