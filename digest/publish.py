"""The orchestrator: :func:`publish` runs the whole pipeline, in this order.

1. **Read** and **clean** the sources (:func:`digest.build.read_sources`).
2. **Decide** (pure, :func:`digest.decide.decide`): which articles are new.
   Nothing new means nothing is written, not even the archive.
3. **Group**, **summarize** and **model** the issue
   (:func:`digest.build.make_issue`): the digest and its archive record.
4. **Render** every file in memory (:func:`render_outputs`): email, feeds
   (from the archive's last N issues plus this one), web pages.
5. **Publish** (:func:`publish_issue`): stage every file beside its target
   (:mod:`digest.files`), open the archive transaction and write the issue,
   **replace** the staged files into place (keeping links to the previous
   ones), then **commit**.

Steps 3 and 4-5 are separate calls, so a caller can make an issue's model
without publishing it, or publish a model it already has.

A failure before step 5 changes nothing. A failure in step 5 (including the
commit) rolls the archive back and puts the previous files back. If the
process is killed between replacing files and committing, the archive does
not know the issue, and the next build makes it again with the same ids and
dates, so the same bytes: harmless.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from digest.archive import Archive
from digest.build import BuildResult, make_issue, read_sources
from digest.config import Settings
from digest.decide import Plan, decide
from digest.files import file_lock, remove_leftovers, write_outputs
from digest.ingest import IngestOptions, Problem
from digest.model import Article, Digest
from digest.names import FEEDS, default_archive
from digest.records import FileRecord, IssueRecord, make_record
from digest.render.outputs import Edition, RenderContext, output_files, render_edition
from digest.summarize import SummaryOptions

#: Also re-exported, for callers that publish a model they already have
#: (``digest build --draft`` / ``digest publish``): the locks, the writer, the
#: default archive path.
__all__ = [
    "FEEDS",
    "LOCK_TIMEOUT",
    "OUTPUTS",
    "PublishResult",
    "build_locks",
    "default_archive",
    "file_lock",
    "holding",
    "publish",
    "publish_issue",
    "render_outputs",
    "write_outputs",
]

#: Output file names, in the order they are written and reported (the
#: renderers' own, :func:`digest.render.outputs.output_files`); the issue's own
#: page (:func:`digest.names.issue_page`) comes last.
OUTPUTS = output_files()


def render_outputs(
    digest: Digest,
    settings: Settings,
    templates: Path | None = None,
    *,
    record: IssueRecord | None = None,
    archived: Sequence[IssueRecord] = (),
) -> dict[str, bytes]:
    """Every output file's bytes, keyed by path relative to the output folder
    (:mod:`digest.render.outputs`).

    Pure: writes nothing. ``record`` is the issue's archive record (a new one
    when not given); ``archived`` are the issues already in the archive, for
    the feeds (the newest ``settings.feed_issues``) and the index.
    """
    record = record or make_record(digest, settings.site_host)
    issues = sorted(
        [record, *(r for r in archived if r.date != digest.date)],
        key=lambda r: r.date,
        reverse=True,
    )
    context = RenderContext(settings.site, templates, settings.feed_issues)
    return render_edition(Edition(digest, record, tuple(issues)), context)


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


class DraftWriter(Protocol):
    """What writes a made issue as a draft instead of publishing it
    (:func:`digest.draft.write_draft`): the files it wrote."""

    def __call__(
        self,
        out: Path,
        digest: Digest,
        record: IssueRecord,
        articles: Sequence[Article],
        previous: IssueRecord | None,
        files_read: Sequence[FileRecord],
        store: Archive,
        settings: Settings,
        templates: Path | None = None,
        check: Callable[[Mapping[str, bytes]], None] | None = None,
    ) -> tuple[Path, ...]: ...


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
    draft: DraftWriter | None = None,
) -> PublishResult:
    """Build the issue of ``date`` from what is new in ``sources`` and publish it.

    The pipeline, in order: read and clean the sources; decide what is new;
    group and summarize it into the issue's model; render every output; write
    them all with the archive, or nothing.

    ``force`` rebuilds an existing issue of ``date`` in place (same ids and
    dates). ``check`` sees the rendered files before anything is written and
    may raise to stop the build. ``fetching`` sets how URLs are fetched.
    Reading (which may fetch) happens before the locks; everything from
    reading the archive to committing it happens under :func:`build_locks`,
    so two builds at once never lose each other's stories. A build waits at
    most ``lock_timeout`` seconds for another, then raises
    :class:`~digest.files.LockedError`. ``draft`` (:func:`digest.draft.write_draft`)
    writes the issue into ``OUT/draft/`` instead, and nothing is published.
    """
    archive = Archive(archive_path(settings, out))
    # Files whose articles are all in issues are not read again. The record is
    # read before the locks, as the sources are; that is safe, because what an
    # issue used stays used (a rebuild keeps its keys).
    known = archive.file_index(date, force=force)
    reading = read_sources(
        sources, replace(fetching or IngestOptions(), known=known), settings.language
    )
    with holding(build_locks(out, archive.path), lock_timeout):
        remove_leftovers(out, OUTPUTS)
        previous = archive.issue(date)
        plan = decide(
            archive.used_keys(),
            reading.articles,
            date,
            issue_exists=previous is not None,
            force=force,
            held=archive.held_keys(),
        )
        known_counts = (reading.known, reading.known_stale)
        if plan.action == "nothing":
            return PublishResult(plan, reading.problems, None, None, (), *known_counts)
        issue = make_issue(
            plan,
            previous,
            reading.problems,
            date=date,
            host=settings.site_host,
            title=title,
            options=options,
        )
        if draft is not None:
            drafted = draft(
                out, issue.digest, issue.record, issue.used, previous, reading.files, archive,
                settings, templates, check,
            )  # fmt: skip
            return PublishResult(
                plan, reading.problems, issue.build, issue.record, drafted, *known_counts,
                draft=True,
            )  # fmt: skip
        written = publish_issue(
            out, issue.record, archive, settings, templates, check, reading.files
        )
        return PublishResult(
            plan, reading.problems, issue.build, issue.record, written, *known_counts
        )


def publish_issue(
    out: Path,
    record: IssueRecord,
    store: Archive,
    settings: Settings,
    templates: Path | None = None,
    check: Callable[[Mapping[str, bytes]], None] | None = None,
    files_read: Sequence[FileRecord] = (),
) -> tuple[Path, ...]:
    """Render the issue ``record`` holds and write its files into ``out`` with the
    archive's record of it (and of ``files_read``, the files read): all, or nothing.

    The second half of a build: the caller holds :func:`build_locks`. ``check``
    sees the rendered files before anything is written and may raise to stop.
    """
    files = render_outputs(
        record.digest, settings, templates, record=record, archived=store.issues()
    )
    if check is not None:
        check(files)
    # the archive's transaction commits only after every file is in place;
    # any failure before the commit puts the previous files back
    return tuple(write_outputs(out, files, store.saving(record, files_read)))


def archive_path(settings: Settings, out: Path) -> Path:
    """The archive a build of ``out`` uses: the configured one, else the
    default, beside the outputs."""
    return Path(settings.archive_path) if settings.archive_path else default_archive(out)


@contextlib.contextmanager
def holding(locks: Sequence[Path], timeout: float) -> Iterator[None]:
    """Hold every lock of ``locks``, taken in order, for the ``with`` body."""
    with contextlib.ExitStack() as held:
        for lock in locks:
            held.enter_context(file_lock(lock, timeout=timeout, holder="another build"))
        yield
