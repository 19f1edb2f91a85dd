"""Publish: decide, build, render every output, then write files and archive together.

The order matters, and is the whole point of this module:

1. **Decide** (pure, :func:`digest.archive.decide`): which articles are new.
   Nothing new means nothing is written, not even the archive.
2. **Build** the digest and **render** every file in memory: email, feeds
   (from the archive's last N issues plus this one), web pages.
3. **Stage** every file as a temporary file beside its target.
4. Open the archive transaction and write the issue, **replace** the staged
   files into place (keeping links to the previous ones), then **commit**.

A failure in steps 1-3 changes nothing. A failure in step 4 (including the
commit) rolls the archive back and puts the previous files back. If the
process is killed between replacing files and committing, the archive does
not know the issue, and the next build makes it again with the same ids and
dates, so the same bytes: harmless.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from digest.archive import (
    DEFAULT_ARCHIVE_NAME,
    Archive,
    FileRecord,
    IssueRecord,
    Plan,
    decide,
    make_record,
)
from digest.build import BuildResult, Reading, make_digest, read_sources
from digest.config import Settings
from digest.errors import DigestError
from digest.ingest import IngestOptions, Problem
from digest.model import Digest, digest_to_dict
from digest.render.email import render_html, render_text
from digest.render.feeds import FEED_FILES, render_feeds
from digest.render.mime import build_message
from digest.render.web import INDEX_PAGE, issue_page, render_index, render_issue_page
from digest.summarize import SummaryOptions, make_intro

#: Feed file names: issues (Atom, RSS, JSON Feed), then stories.
FEEDS = tuple(FEED_FILES["issues"].values()) + tuple(FEED_FILES["stories"].values())

#: Output file names, in the order they are written and reported; the issue's
#: own page (:func:`digest.render.web.issue_page`) comes last.
OUTPUTS = ("digest.json", "email.html", "email.txt", "digest.eml", *FEEDS, INDEX_PAGE)


def render_outputs(
    digest: Digest,
    settings: Settings,
    templates: Path | None = None,
    *,
    record: IssueRecord | None = None,
    archived: Sequence[IssueRecord] = (),
) -> dict[str, bytes]:
    """Every output file's bytes, keyed by path relative to the output folder.

    Pure: writes nothing. ``record`` is the issue's archive record (a new one
    when not given); ``archived`` are the issues already in the archive, for
    the feeds (the newest ``settings.feed_issues``) and the index.
    """
    record = record or make_record(digest, settings)
    issues = sorted(
        [record, *(r for r in archived if r.date != digest.date)],
        key=lambda r: r.date,
        reverse=True,
    )
    html = render_html(digest, settings, templates)
    text = render_text(digest, settings, templates)
    message = build_message(digest, settings, text, html)
    files = {
        "digest.json": (
            json.dumps(digest_to_dict(digest), ensure_ascii=False, indent=2) + "\n"
        ).encode("utf-8"),
        "email.html": html.encode("utf-8"),
        "email.txt": text.encode("utf-8"),
        "digest.eml": message.as_bytes(),
    }
    files.update(render_feeds(issues[: max(settings.feed_issues, 1)], settings, templates))
    files[INDEX_PAGE] = render_index(issues, settings, templates).encode("utf-8")
    files[issue_page(digest.date)] = render_issue_page(record, settings, templates).encode("utf-8")
    return files


# -- writing ------------------------------------------------------------------


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
        self._staged: list[Path] = []
        self._backups: dict[Path, Path | None] = {}
        try:
            for target, data in zip(self.targets, files.values(), strict=True):
                self._staged.append(_stage(target, data))
        except BaseException:
            self.rollback()
            raise

    def replace(self) -> None:
        """Move every staged file into place (each move is atomic)."""
        for target, tmp in zip(self.targets, self._staged, strict=True):
            self._backups[target] = _backup(target)
            os.replace(tmp, target)

    def rollback(self) -> None:
        """Undo :meth:`replace` (as far as it got) and drop the staged files."""
        _restore(self._backups)
        self._backups = {}
        for tmp in self._staged:
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


# -- the whole build ------------------------------------------------------------


@dataclass(frozen=True)
class PublishResult:
    """What a build did."""

    plan: Plan
    #: Inputs that were skipped, one line each.
    problems: tuple[Problem, ...]
    #: The built digest; None when there was nothing new.
    build: BuildResult | None = None
    #: The issue as archived; None when there was nothing new.
    record: IssueRecord | None = None
    #: Every file written, in :data:`OUTPUTS` order.
    written: tuple[Path, ...] = ()
    #: Articles not read again, their files being known: in earlier issues ...
    known: int = 0
    #: ... and older than the last issue.
    known_stale: int = 0
    #: Whether the issue was written as a draft (``OUT/draft/``), not published.
    draft: bool = False


def extend_issue(issue: Digest, more: Digest, title: str | None = None) -> Digest:
    """``issue`` with the stories of ``more`` after its own."""
    stories = (*issue.stories, *more.stories)
    count = issue.article_count + more.article_count
    title = title or issue.title
    return replace(
        issue,
        title=title,
        stories=stories,
        intro=make_intro(stories, count, issue.topic, title),
        article_count=count,
        off_topic=issue.off_topic + more.off_topic,
    )


def default_archive(out: Path) -> Path:
    """Where the archive lives when no path is given: beside the outputs."""
    return out / DEFAULT_ARCHIVE_NAME


#: How long a build waits for another build of the same archive or folder, in seconds.
LOCK_TIMEOUT = 120.0
#: The lock held by a build, beside the archive (``archive.sqlite3.lock``).
LOCK_SUFFIX = ".lock"
#: The lock a build holds on its output folder when the archive lives elsewhere.
OUT_LOCK = ".digest-build.lock"


def build_locks(out: Path, archive: Path) -> list[Path]:
    """The lock files a build of ``out`` with ``archive`` holds, in the order taken.

    The archive's lock serializes read -> decide -> write; the folder's (only
    when the archive is elsewhere) keeps two builds from staging and cleaning
    up in one folder at once. Always taken in sorted order, so two builds
    never wait for each other in a circle.
    """
    locks = {archive.with_name(archive.name + LOCK_SUFFIX)}
    if archive.parent.resolve() != out.resolve():
        locks.add(out / OUT_LOCK)
    return sorted(locks, key=lambda p: str(p.resolve()))


#: What :func:`_stage` and :func:`_backup` name their files: ``.NAME.XXXXXXXX.tmp`` / ``.bak``.
_STAGED = re.compile(r"\.(?P<name>.+)\.[a-z0-9_]{8}\.(?:tmp|bak)")
_ISSUES = Path(issue_page(dt.date(2000, 1, 1))).parent


def remove_leftovers(out: Path) -> list[Path]:
    """Remove the files an earlier build staged or backed up and was killed
    before it could move or drop them; return them.

    Only our own staging names (``.NAME.XXXXXXXX.tmp`` and ``.bak``) beside
    the files a build writes (the outputs, the issue pages) are touched, only
    in the output folder, and only by a build holding the locks, so no build
    that is still running can own them. A leftover ``.bak`` is never needed:
    a killed build left files the archive does not know, and the next build
    makes that issue again, byte for byte.
    """
    removed = []
    for folder, ours in ((out, set(OUTPUTS)), (out / _ISSUES, None)):
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


def publish(
    sources: Sequence[Path | str],
    *,
    out: Path,
    date: dt.date,
    settings: Settings,
    title: str | None = None,
    options: SummaryOptions | None = None,
    templates: Path | None = None,
    force: bool = False,
    check: Callable[[Mapping[str, bytes]], None] | None = None,
    fetching: IngestOptions | None = None,
    lock_timeout: float = LOCK_TIMEOUT,
    draft: bool = False,
) -> PublishResult:
    """Build the issue of ``date`` from what is new in ``sources`` and publish it.

    ``force`` rebuilds an existing issue of ``date`` in place (same ids and
    dates). ``check`` sees the rendered files before anything is written and
    may raise to stop the build. ``fetching`` sets how URLs are fetched.

    Reading the sources (which may fetch) happens first; everything from
    reading the archive to committing it happens under :func:`build_locks`,
    so two builds at once never lose each other's stories. A build waits at
    most ``lock_timeout`` seconds for another, then raises
    :class:`LockedError`. ``draft`` writes the issue into ``OUT/draft/``
    (:func:`digest.draft.write_draft`) and publishes nothing.
    """
    archive = Path(settings.archive_path) if settings.archive_path else default_archive(out)
    # Files whose articles are all in issues are not read again. The record is
    # read before the locks, as the sources are; that is safe, because what an
    # issue used stays used (a rebuild keeps its keys).
    known = Archive(archive).file_index(date, force=force)
    reading = read_sources(sources, replace(fetching or IngestOptions(), known=known))
    with contextlib.ExitStack() as held:
        for lock in build_locks(out, archive):
            held.enter_context(file_lock(lock, timeout=lock_timeout, holder="another build"))
        remove_leftovers(out)
        return _publish_locked(
            reading, Archive(archive), out, date, settings, title, options, templates, force,
            check, draft,
        )  # fmt: skip


def _publish_locked(
    reading: Reading,
    store: Archive,
    out: Path,
    date: dt.date,
    settings: Settings,
    title: str | None,
    options: SummaryOptions | None,
    templates: Path | None,
    force: bool,
    check: Callable[[Mapping[str, bytes]], None] | None,
    draft: bool = False,
) -> PublishResult:
    articles, problems = reading.articles, reading.problems
    known = (reading.known, reading.known_stale)
    previous = store.issue(date)
    plan = decide(
        store.used_keys(), articles, date, issue_exists=previous is not None, force=force,
        held=store.held_keys(),
    )  # fmt: skip
    if plan.action == "nothing":
        return PublishResult(plan, tuple(problems), None, None, (), *known)
    built = make_digest(plan.articles, problems, date=date, title=title, options=options)
    kept = 0
    if plan.action == "update" and previous is not None:
        # the issue's published stories stay as they are; the new ones follow
        kept = len(previous.digest.stories)
        built = replace(built, digest=extend_issue(previous.digest, built.digest, title))
    # only the articles of the stories published are used: those of stories
    # past the story limit (or off the topic) stay new for a later issue
    shown = {(s.path, s.url) for story in built.digest.stories[kept:] for s in story.sources}
    used = [a for a in plan.articles if (a.path, a.url) in shown]
    record = make_record(built.digest, settings, used, previous, kept=kept)
    if draft:
        from digest.draft import write_draft

        drafted = write_draft(
            out, built.digest, record, used, previous, reading.files, store, settings, templates,
            check,
        )  # fmt: skip
        return PublishResult(plan, tuple(problems), built, record, drafted, *known, draft=True)
    written = publish_issue(out, record, store, settings, templates, check, reading.files)
    return PublishResult(plan, tuple(problems), built, record, written, *known)


def publish_issue(
    out: Path,
    record: IssueRecord,
    store: Archive,
    settings: Settings,
    templates: Path | None = None,
    check: Callable[[Mapping[str, bytes]], None] | None = None,
    files_read: Sequence[FileRecord] = (),
) -> tuple[Path, ...]:
    """Render the issue ``record`` holds, then write its files and archive it together.

    The second half of a build, and all of ``digest publish``: the caller
    holds :func:`build_locks`. ``check`` sees the rendered files first and may
    raise to stop; ``files_read`` are the records of the files read.
    """
    files = render_outputs(
        record.digest, settings, templates, record=record, archived=store.issues()
    )
    if check is not None:
        check(files)
    # the archive's transaction commits only after every file is in place;
    # any failure before the commit puts the previous files back
    return tuple(write_outputs(out, files, store.saving(record, files_read)))
