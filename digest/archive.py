"""The archive of past issues: a SQLite file.

:class:`Archive` stores each issue (its digest as JSON, its entry id, its
first-published time, its stories' ids and the keys of the articles it used)
and the record of files read. Reads never create the file;
:meth:`Archive.save` writes one issue in one transaction. The records it
stores are in :mod:`digest.records`, their identities in :mod:`digest.keys`,
and what to build from them is the pure decider's job (:mod:`digest.decide`).

Ids and first-published times are assigned once, when an issue or story first
enters the archive, and never change afterwards.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from digest.decide import FileIndex
from digest.errors import DigestError
from digest.model import digest_from_dict, digest_to_dict
from digest.records import FileRecord, IssueRecord, StoryRecord

#: Schema version stored in the archive's ``user_version`` pragma. Version 2
#: added the record of files read (``files``); a version 1 archive gains it,
#: empty, on its next write (:func:`_migrate`).
SCHEMA_VERSION = 2


class ArchiveError(DigestError):
    """The archive cannot be read or written."""


_SCHEMA = """
CREATE TABLE IF NOT EXISTS issues (
    date TEXT PRIMARY KEY,          -- ISO date, one issue per date
    id TEXT NOT NULL UNIQUE,        -- feed entry id, never changed
    published TEXT NOT NULL,        -- first-published time, ISO 8601 UTC
    digest TEXT NOT NULL            -- the digest.json of the issue
);
CREATE TABLE IF NOT EXISTS stories (
    id TEXT PRIMARY KEY,            -- feed entry id, never changed
    issue_date TEXT NOT NULL REFERENCES issues(date) ON DELETE CASCADE,
    position INTEGER NOT NULL,      -- index in the issue's stories
    key TEXT NOT NULL,              -- story_key()
    published TEXT NOT NULL,
    UNIQUE (issue_date, key)
);
CREATE TABLE IF NOT EXISTS articles (
    key TEXT PRIMARY KEY,           -- "url:..." or "text:..."
    issue_date TEXT NOT NULL REFERENCES issues(date) ON DELETE CASCADE
);
"""
#: Version 2: the files (and fetched bodies) builds have read, and the keys of
#: the articles each gave, so that a file whose articles are all used is not
#: parsed again (:class:`FileIndex`).
_FILES_SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    source TEXT PRIMARY KEY,        -- resolved path, or the URL
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,      -- 0 for a URL
    digest TEXT NOT NULL,           -- SHA-256 of the bytes
    articles TEXT NOT NULL          -- JSON: [article_keys(), published or null] per article
);
CREATE INDEX IF NOT EXISTS files_digest ON files (digest);
"""
#: The articles an editor left out of an issue's draft (:attr:`IssueRecord.held_keys`).
#: Created on the next write; an archive without it holds none, and an older
#: digest ignores it (those articles are then judged by their date alone).
_HELD_SCHEMA = """
CREATE TABLE IF NOT EXISTS held (
    key TEXT PRIMARY KEY,           -- "url:..." or "text:..."
    issue_date TEXT NOT NULL REFERENCES issues(date) ON DELETE CASCADE
);
"""

# The statements, named beside the schema they work on. (They stay out of the
# functions, which mutation testing changes: the only change it makes to SQL
# that a test could not see is the case of a keyword, which SQLite ignores.)
_FOREIGN_KEYS = "PRAGMA foreign_keys = ON"
_GET_VERSION = "PRAGMA user_version"
_SET_VERSION = f"PRAGMA user_version = {SCHEMA_VERSION}"
_COUNT_TABLES = "SELECT count(*) FROM sqlite_master"
_SELECT_TABLE = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
_BEGIN, _COMMIT, _ROLLBACK = "BEGIN IMMEDIATE", "COMMIT", "ROLLBACK"
_SELECT_USED = "SELECT key, issue_date FROM articles"
_SELECT_FILES = "SELECT source, size, mtime_ns, digest, articles FROM files"
_SELECT_HELD = "SELECT key, issue_date FROM held"
_SELECT_DATES = "SELECT date FROM issues ORDER BY date DESC"
_SELECT_ISSUES = "SELECT date, id, published, digest FROM issues"
_WHERE_DATE_IN = " WHERE date IN ({marks})"
_NEWEST_FIRST = " ORDER BY date DESC"
_LIMIT = " LIMIT ?"
_SELECT_STORIES = "SELECT id, key, published FROM stories WHERE issue_date = ? ORDER BY position"
_SELECT_KEYS = "SELECT key FROM articles WHERE issue_date = ? ORDER BY rowid"
_SELECT_TAKEN = (
    "SELECT key, issue_date FROM articles WHERE key IN ({marks}) AND issue_date != ? LIMIT 1"
)
_DELETE_ISSUE_ROWS = (
    "DELETE FROM articles WHERE issue_date = ?",
    "DELETE FROM stories WHERE issue_date = ?",
    "DELETE FROM held WHERE issue_date = ?",
)
_UPSERT_ISSUE = (
    "INSERT INTO issues (date, id, published, digest) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (date) DO UPDATE SET digest = excluded.digest"
)
_INSERT_STORY = (
    "INSERT INTO stories (id, issue_date, position, key, published) VALUES (?, ?, ?, ?, ?)"
)
_INSERT_ARTICLE = "INSERT OR IGNORE INTO articles (key, issue_date) VALUES (?, ?)"
_INSERT_HELD = "INSERT OR REPLACE INTO held (key, issue_date) VALUES (?, ?)"
_UPSERT_FILE = (
    "INSERT INTO files (source, size, mtime_ns, digest, articles) VALUES (?, ?, ?, ?, ?) "
    "ON CONFLICT (source) DO UPDATE SET size = excluded.size, "
    "mtime_ns = excluded.mtime_ns, digest = excluded.digest, articles = excluded.articles"
)


#: How every connection is opened: transactions only where a write begins one
#: (``BEGIN IMMEDIATE``), and a wait of up to 30 s for another build's lock.
_open = functools.partial(sqlite3.connect, isolation_level=None, timeout=30)
#: ... and by a ``file:`` URI, to name a mode: ``rw`` never creates the file.
_open_uri = functools.partial(_open, uri=True)


def _marks(count: int) -> str:
    """``count`` SQL parameters: ``?,?,?``."""
    return ",".join("?" * count)


class Archive:
    """The SQLite archive at ``path``. Reading a missing archive gives an empty
    one; the file is created only by :meth:`save`."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _connect(self, *, write: bool) -> sqlite3.Connection:
        try:
            if write:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                con = _open(self.path)
            else:
                con = self._open_existing()
            con.execute(_FOREIGN_KEYS)
            version = con.execute(_GET_VERSION).fetchone()[0]
        except (sqlite3.Error, OSError) as exc:
            raise ArchiveError(
                f"cannot open the archive: {exc}",
                path=str(self.path),
                fix="check the path given to --archive",
            ) from None
        if version > SCHEMA_VERSION:
            con.close()
            raise ArchiveError(
                f"the archive has schema {version}, newer than this digest understands",
                path=str(self.path),
                fix="upgrade digest",
            )
        return con

    def _open_existing(self) -> sqlite3.Connection:
        """A connection to the existing file that never creates it.

        Read-write when the file allows it, so that SQLite rolls back a hot
        journal (or replays a WAL) left by a process killed in a commit: a
        ``mode=ro`` connection cannot, and fails with "attempt to write a
        readonly database" for every later build. Read-only otherwise.
        """
        uri = self.path.resolve().as_uri()
        try:
            con = _open_uri(uri + "?mode=rw")
        except sqlite3.OperationalError:  # a file we may only read
            return _open_uri(uri + "?mode=ro")
        try:
            con.execute(_COUNT_TABLES).fetchone()  # recovers, if need be
        except BaseException:
            con.close()
            raise
        return con

    @contextlib.contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection | None]:
        if not self.path.exists():
            yield None
            return
        con = self._connect(write=False)
        try:
            yield con
        except sqlite3.Error as exc:
            raise ArchiveError(f"cannot read the archive: {exc}", path=str(self.path)) from None
        finally:
            con.close()

    def used_keys(self) -> dict[str, dt.date]:
        """Every article key in the archive, with the date of its issue."""
        with self._reading() as con:
            if con is None or not _has_schema(con):
                return {}
            rows = con.execute(_SELECT_USED).fetchall()
        return {key: dt.date.fromisoformat(day) for key, day in rows}

    def files(self) -> list[FileRecord]:
        """The record of files read by earlier builds (empty before schema 2)."""
        with self._reading() as con:
            if con is None or not _has_table(con, "files"):
                return []
            rows = con.execute(_SELECT_FILES).fetchall()
        return [
            FileRecord(
                source,
                size,
                mtime,
                digest,
                tuple((tuple(keys), published) for keys, published in json.loads(articles)),
            )
            for source, size, mtime, digest, articles in rows
        ]

    def file_index(self, date: dt.date, *, force: bool = False) -> FileIndex:
        """The files a build of ``date`` need not read again (see :class:`FileIndex`)."""
        return FileIndex(self.files(), self.used_keys(), date, force=force, held=self.held_keys())

    def held_keys(self) -> dict[str, dt.date]:
        """The keys of articles editors left out of drafts, with their issue's date."""
        with self._reading() as con:
            if con is None or not _has_table(con, "held"):
                return {}
            rows = con.execute(_SELECT_HELD).fetchall()
        return {key: dt.date.fromisoformat(day) for key, day in rows}

    def dates(self) -> list[dt.date]:
        """The dates of every issue, newest first."""
        with self._reading() as con:
            if con is None or not _has_schema(con):
                return []
            rows = con.execute(_SELECT_DATES).fetchall()
        return [dt.date.fromisoformat(day) for (day,) in rows]

    def issue(self, date: dt.date) -> IssueRecord | None:
        """The issue of ``date``, if there is one."""
        found = self.issues(dates=[date])
        return found[0] if found else None

    def issues(
        self, *, limit: int | None = None, dates: Sequence[dt.date] | None = None
    ) -> list[IssueRecord]:
        """Issues newest first: the latest ``limit``, or those of ``dates``."""
        with self._reading() as con:
            if con is None or not _has_schema(con):
                return []
            sql = _SELECT_ISSUES
            params: list[Any] = []
            if dates is not None:
                sql += _WHERE_DATE_IN.format(marks=_marks(len(dates)))
                params.extend(d.isoformat() for d in dates)
            sql += _NEWEST_FIRST
            if limit is not None:
                sql += _LIMIT
                params.append(limit)
            records = []
            for day, entry_id, published, data in con.execute(sql, params).fetchall():
                story_rows = con.execute(_SELECT_STORIES, (day,)).fetchall()
                key_rows = con.execute(_SELECT_KEYS, (day,)).fetchall()
                records.append(
                    IssueRecord(
                        id=entry_id,
                        digest=digest_from_dict(json.loads(data)),
                        published=dt.datetime.fromisoformat(published),
                        stories=tuple(
                            StoryRecord(sid, key, dt.datetime.fromisoformat(when))
                            for sid, key, when in story_rows
                        ),
                        article_keys=tuple(k for (k,) in key_rows),
                    )
                )
        return records

    @contextlib.contextmanager
    def saving(self, record: IssueRecord, files: Sequence[FileRecord] = ()) -> Iterator[None]:
        """Write ``record`` in one transaction, committed only if the ``with``
        body (which publishes the files) finishes without an exception.

        The issue of the same date, if any, is replaced: its rows go and the
        record's come in, all or nothing. ``files`` (what this build read)
        replace the records of the same sources.
        """
        created = not self.path.exists()
        con = self._connect(write=True)
        committed = False
        try:
            con.execute(_BEGIN)
            # statement by statement: executescript() would commit the transaction
            for statement in _SCHEMA.split(";"):  # no ";" inside the statements
                if statement.strip():
                    con.execute(statement)
            _migrate(con)
            con.execute(_SET_VERSION)
            _write_issue(con, record, self.path)
            _write_files(con, files)
            yield
            con.execute(_COMMIT)
            committed = True
        except BaseException as exc:
            if con.in_transaction:
                con.execute(_ROLLBACK)
            if isinstance(exc, sqlite3.Error):
                raise ArchiveError(
                    f"cannot write the archive: {exc}", path=str(self.path)
                ) from None
            raise
        finally:
            con.close()
            if created and not committed:  # leave no empty archive behind
                self.path.unlink(missing_ok=True)

    def save(self, record: IssueRecord) -> None:
        """Write ``record`` in one transaction (see :meth:`saving`)."""
        with self.saving(record):
            pass


def _has_schema(con: sqlite3.Connection) -> bool:
    return _has_table(con, "issues")


def _has_table(con: sqlite3.Connection, name: str) -> bool:
    row = con.execute(_SELECT_TABLE, (name,))
    return row.fetchone() is not None


def _migrate(con: sqlite3.Connection) -> None:
    """Bring an archive of an older schema to :data:`SCHEMA_VERSION`, in the
    open transaction: version 1 gains the (empty) record of files; any
    version the (empty) table of held articles."""
    for statement in (_FILES_SCHEMA + _HELD_SCHEMA).split(";"):
        if statement.strip():
            con.execute(statement)


def _write_files(con: sqlite3.Connection, files: Sequence[FileRecord]) -> None:
    con.executemany(
        _UPSERT_FILE,
        [
            (
                f.source,
                f.size,
                f.mtime_ns,
                f.digest,
                json.dumps([[list(k), p] for k, p in f.articles]),
            )
            for f in files
            if _storable(f.source)
        ],
    )


def _storable(source: str) -> bool:
    """Whether SQLite can hold this name: a file name that is not UTF-8 (read
    with surrogate escapes) is not recorded, so it is simply read again next time."""
    try:
        source.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _write_issue(con: sqlite3.Connection, record: IssueRecord, path: Path) -> None:
    day = record.date.isoformat()
    # the decision was made before the transaction: make sure no other build
    # has published any of these articles in another issue since
    for start in range(0, len(record.article_keys), 500):
        chunk = record.article_keys[start : start + 500]
        taken = con.execute(
            _SELECT_TAKEN.format(marks=_marks(len(chunk))), (*chunk, day)
        ).fetchone()
        if taken:
            raise ArchiveError(
                f"an article of this issue was published meanwhile in the issue of {taken[1]}",
                path=str(path),
                fix="run the build again",
            )
    data = json.dumps(digest_to_dict(record.digest), ensure_ascii=False, sort_keys=True)
    for statement in _DELETE_ISSUE_ROWS:
        con.execute(statement, (day,))
    con.execute(_UPSERT_ISSUE, (day, record.id, record.published.isoformat(), data))
    con.executemany(
        _INSERT_STORY,
        [(s.id, day, i, s.key, s.published.isoformat()) for i, s in enumerate(record.stories)],
    )
    con.executemany(
        _INSERT_ARTICLE,
        [(key, day) for key in record.article_keys],
    )
    used = set(record.article_keys)
    con.executemany(
        _INSERT_HELD,
        [(key, day) for key in record.held_keys if key not in used],
    )
