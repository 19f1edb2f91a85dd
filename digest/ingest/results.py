"""What ingest gives back: the articles, the problems, the files read.

Plain data, below every other ingest module, so each can report a
:class:`Problem` without importing the orchestration that collects them.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Literal, Protocol

from digest.model import ArticleData
from digest.records import KnownFile, RecordedArticle

#: Show a progress bar when fetching more URLs than this.
PROGRESS_MIN = 4


#: ``progress(total, label)`` returns a context manager yielding ``advance(n)``.
ProgressFactory = Callable[[int, str], AbstractContextManager[Callable[[int], None]]]


#: Why an input was skipped, for the build's summary line; ``kept`` marks a
#: note about an article that was still read (a ``--fetch-full`` page that
#: failed, so the feed's summary was kept).
Reason = Literal[
    "not found",
    "unreadable",
    "fetch failed",
    "no article",
    "sponsored",
    "other language",
    "duplicate",
    "kept",
]


@dataclass(frozen=True)
class Problem:
    """An input that was skipped, and why (one line)."""

    path: str
    message: str
    #: Why, in a word or two (see :data:`Reason`). The default is the cleaner's:
    #: an article with no text left.
    reason: Reason = "no article"

    def __str__(self) -> str:
        return (
            self.message if self.message.startswith(self.path) else f"{self.path}: {self.message}"
        )


class KnownFiles(Protocol):
    """What earlier builds read: the archive's record of files (a
    :class:`digest.decide.FileIndex`)."""

    def recorded(self, source: str, size: int, mtime_ns: int) -> str | None:
        """The SHA-256 recorded for the file at ``source`` when it had this size
        and modification time (so it need not be read to know it), else None."""
        ...

    def known(self, digest: str) -> KnownFile | None:
        """What the file or fetched body with these bytes gave, when reading it
        again would only find every article of it used or old news; else None."""
        ...


@dataclass(frozen=True)
class FileRead:
    """A file (or fetched body) that was read, for the archive's record of files."""

    #: The resolved path, or the URL as given.
    source: str
    size: int
    #: Modification time in nanoseconds (0 for a URL).
    mtime_ns: int
    #: SHA-256 of the bytes, hex.
    digest: str
    #: Indexes into :attr:`IngestResult.articles` of the articles it gave (-1: one
    #: dropped as a repeat).
    articles: tuple[int, ...]
    #: For a known file found by its bytes (moved, touched, copied; not read
    #: again): its articles, as recorded (:meth:`KnownFiles.known`).
    recorded: tuple[RecordedArticle, ...] | None = None


@dataclass(frozen=True)
class IngestResult:
    articles: tuple[ArticleData, ...]
    #: Inputs skipped, and repeats of an article already read (reason ``duplicate``).
    problems: tuple[Problem, ...]
    #: The files and fetched bodies read, with the articles each gave.
    files: tuple[FileRead, ...] = ()
    #: Articles not read again, their file or body being known
    #: (:class:`KnownFiles`): those in earlier issues ...
    known: int = 0
    #: ... and those older than the last issue.
    known_stale: int = 0
