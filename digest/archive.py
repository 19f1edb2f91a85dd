"""The archive of past issues (SQLite), stable identities, and the pure decider.

Three parts, kept apart so each can be tested on its own (after
lemon24/reader's ``_hash_utils`` and its pure ``Decider``):

* **Identities.** :func:`get_hash` hashes a value deterministically (sorted-key
  JSON, empty fields left out, a version byte). An article is known by its
  canonical URL and by a fingerprint of its normalised text
  (:func:`article_keys`), never by a timestamp. A story is known by the hash
  of its articles' identities (:func:`story_key`), so rebuilding an issue with
  the same articles gives every story the id it had.
* **The decider.** :func:`decide` takes what the archive already holds, the
  candidate articles and the issue date, and says what to build. It does no
  I/O.
* **The archive.** :class:`Archive` stores each issue (its digest as JSON, its
  entry id, its first-published time, its stories' ids and the keys of the
  articles it used). Reads never create the file; :meth:`Archive.save`
  writes one issue in one transaction.

Ids and first-published times are assigned once, when an issue or story first
enters the archive, and never change afterwards. They derive from the issue
date, never from the clock, so the same inputs always give the same feeds.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import re
import sqlite3
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from digest.config import Settings
from digest.errors import DigestError
from digest.model import Article, Digest, Source, Story, digest_from_dict, digest_to_dict

#: File name of the archive inside the output folder, when no path is given.
DEFAULT_ARCHIVE_NAME = "archive.sqlite3"

#: Bumped when the meaning of a hash changes; part of every hash.
HASH_VERSION = 1

#: Schema version stored in the archive's ``user_version`` pragma. Version 2
#: added the record of files read (``files``); a version 1 archive gains it,
#: empty, on its next write (:func:`_migrate`).
SCHEMA_VERSION = 2


class ArchiveError(DigestError):
    """The archive cannot be read or written."""


# -- identities ---------------------------------------------------------------


def _drop_empty(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _drop_empty(v) for k, v in value.items() if v not in (None, "", (), [], {})}
    if isinstance(value, list | tuple):
        return [_drop_empty(v) for v in value]
    return value


def get_hash(value: Any) -> str:
    """A stable hex digest of a JSON-able value.

    Keys are sorted and empty fields (None, "", empty containers) left out, so
    adding an optional field later does not change old hashes; the version
    byte changes them all on purpose when their meaning changes.
    """
    data = json.dumps(_drop_empty(value), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(bytes([HASH_VERSION]) + data.encode("utf-8")).hexdigest()


#: Query parameters that only track the reader and never change the page.
_TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|dclid|mc_cid|mc_eid|igshid|ref_src|cmpid)$", re.I)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def canonical_url(url: str) -> str:
    """``url`` in one spelling: lower-case scheme and host, no default port,
    no fragment, no tracking parameters, remaining parameters sorted.

    Never raises: a URL that does not parse (``http://[::1``, a port of
    99999 or ``abc``) is returned as given; :func:`url_key` says it is none.
    """
    return _canonical(url) or url.strip()


def url_key(url: str | None) -> str | None:
    """The ``url:`` key an article is known by, or None when it has no URL
    that parses (it is then known by its text alone)."""
    canonical = _canonical(url) if url else None
    return "url:" + canonical if canonical else None


def _canonical(url: str) -> str | None:
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    netloc = host if port is None or _DEFAULT_PORTS.get(scheme) == port else f"{host}:{port}"
    if scheme == "http":  # the same article is served on both
        scheme = "https"
    path = parts.path or "/"
    if len(path) > 1:
        path = path.rstrip("/")
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True))
    query = [(k, v) for k, v in query if not _TRACKING.match(k)]
    return urlunsplit((scheme, netloc, path, urlencode(query), ""))


_WORDS = re.compile(r"[^\W_]+", re.UNICODE)


def normalized_text(text: str) -> str:
    """Text reduced to its words: NFKC, case-folded, punctuation and spacing dropped."""
    return " ".join(_WORDS.findall(unicodedata.normalize("NFKC", text).casefold()))


def fingerprint(article: Article) -> str:
    """A hash of the article's normalised prose: the same text under another
    file name, URL or date has the same fingerprint."""
    body = normalized_text(" ".join(article.paragraphs)) or normalized_text(article.title or "")
    return get_hash({"text": body})


def article_keys(article: Article) -> tuple[str, ...]:
    """Every key the archive knows an article by: its canonical URL (if any)
    and its content fingerprint."""
    keys = []
    key = url_key(article.url)
    if key:
        keys.append(key)
    keys.append("text:" + fingerprint(article))
    return tuple(keys)


def source_identity(source: Source, articles: Sequence[Article] = ()) -> str:
    """How a story's source is identified: its article's fingerprint when the
    article is at hand, else its canonical URL, else its path."""
    for article in articles:
        if article.path == source.path and article.url == source.url:
            return "text:" + fingerprint(article)
    return url_key(source.url) or "path:" + (source.path or "")


def story_key(story: Story, articles: Sequence[Article] = ()) -> str:
    """A story's stable key: the hash of its sources' identities, sorted."""
    return get_hash({"sources": sorted(source_identity(s, articles) for s in story.sources)})


def issue_time(date: dt.date) -> dt.datetime:
    """The first-published time of a new issue: its date at midnight UTC."""
    return dt.datetime.combine(date, dt.time(0, 0), tzinfo=dt.UTC)


def issue_id(date: dt.date, settings: Settings) -> str:
    """The entry id of a new issue (RFC 4151 tag URI)."""
    day = date.isoformat()
    return f"tag:{settings.site_host},{day}:issue/{day}"


def story_id(date: dt.date, key: str, settings: Settings) -> str:
    """The entry id of a new story (RFC 4151 tag URI) in the issue of ``date``."""
    return f"tag:{settings.site_host},{date.isoformat()}:story/{key[:20]}"


# -- records ------------------------------------------------------------------


@dataclass(frozen=True)
class StoryRecord:
    """A published story's identity. All datetimes are tz-aware UTC."""

    #: The story's feed entry id; fixed when the story was first published.
    id: str
    #: :func:`story_key` of the story.
    key: str
    #: When the story was first published.
    published: dt.datetime

    @property
    def anchor(self) -> str:
        """The story's fragment id on its issue page."""
        return "s-" + self.key[:12]


@dataclass(frozen=True)
class IssueRecord:
    """One issue as the archive holds it. All datetimes are tz-aware UTC."""

    #: The issue's feed entry id; fixed when the issue was first published.
    id: str
    digest: Digest
    #: When the issue was first published.
    published: dt.datetime
    #: One record per story of :attr:`digest`, in the same order.
    stories: tuple[StoryRecord, ...]
    #: The keys of every article the issue was made from (:func:`article_keys`).
    article_keys: tuple[str, ...] = ()
    #: The keys of articles its editor left out of a draft (:mod:`digest.draft`):
    #: not used, and not old news for the next issue, so they can come back.
    held_keys: tuple[str, ...] = ()

    @property
    def date(self) -> dt.date:
        return self.digest.date


def make_record(
    digest: Digest,
    settings: Settings,
    articles: Sequence[Article] = (),
    previous: IssueRecord | None = None,
    *,
    kept: int = 0,
) -> IssueRecord:
    """The record of ``digest``. When it replaces ``previous`` (the same date),
    the issue keeps its id and time, and every story already published keeps
    its id and time; the first ``kept`` stories are ``previous``'s own, as
    they were."""
    published = previous.published if previous else issue_time(digest.date)
    known = {s.key: s for s in previous.stories} if previous else {}
    stories = list(previous.stories[:kept]) if previous else []
    taken: set[str] = {s.key for s in stories}
    for story in digest.stories[len(stories) :]:
        key = story_key(story, articles)
        while key in taken:  # two stories from the same articles: keep both ids distinct
            key = get_hash({"after": key})
        taken.add(key)
        stories.append(
            known.get(key) or StoryRecord(story_id(digest.date, key, settings), key, published)
        )
    # a rebuilt issue keeps the keys it had, even of articles not given again:
    # an article once published is never used by another issue
    keys: dict[str, None] = dict.fromkeys(previous.article_keys) if previous else {}
    for article in articles:
        keys.update(dict.fromkeys(article_keys(article)))
    return IssueRecord(
        id=previous.id if previous else issue_id(digest.date, settings),
        digest=digest,
        published=published,
        stories=tuple(stories),
        article_keys=tuple(keys),
    )


# -- the decider --------------------------------------------------------------

Action = Literal["new", "update", "rebuild", "nothing"]


@dataclass(frozen=True)
class Plan:
    """What a build should do; made by :func:`decide`."""

    #: ``new``: a new issue; ``update``: the issue of that date gains stories
    #: from new articles (its own stories stay as published); ``rebuild``:
    #: ``--force`` on an existing issue; ``nothing``.
    action: Action
    #: The articles to summarize, in input order: for ``rebuild`` every given
    #: article of the issue, for ``new`` and ``update`` the new ones.
    articles: tuple[Article, ...]
    #: How many of :attr:`articles` no issue has used yet.
    new: int
    #: Candidates left out because an issue already used them.
    used: int
    #: The latest issue in the archive, if any (for "nothing new since ...").
    latest: dt.date | None
    #: Unused articles left out because they were published before the last
    #: issue (older news than the archive already covers).
    stale: int = 0
    #: Candidates left out as repeats of an earlier candidate of this batch
    #: (the same URL or the same text).
    duplicates: int = 0


def decide(
    used_keys: Mapping[str, dt.date],
    candidates: Sequence[Article],
    date: dt.date,
    *,
    issue_exists: bool,
    force: bool = False,
    held: Mapping[str, dt.date] | None = None,
) -> Plan:
    """Choose the articles for the issue of ``date``. Pure: no I/O, no clock.

    ``used_keys`` maps each article key in the archive to the date of the issue
    that used it. An article whose key belongs to another issue is never used
    again; one that belongs to this date's issue is used again only when the
    issue is rebuilt (``force``). Duplicates within the batch (same URL or
    text) count once: the first is judged, the others are counted in
    :attr:`Plan.duplicates`, so that every candidate is counted exactly once
    (duplicates + used + stale + the articles chosen). ``held`` maps the keys
    of articles an editor left out of an issue's draft to its date: those of
    the last issue are not old news (:func:`_held_back`).
    """
    latest = max(used_keys.values(), default=None)
    # "new since the last issue": an article no issue used, but published
    # before the day of the last issue before this one, is old news (a feed's
    # back catalogue on a first subscription). Undated articles are judged by
    # their keys alone.
    cutoff = max((d for d in used_keys.values() if d < date), default=None)
    seen: set[str] = set()
    same_issue: list[Article] = []
    fresh: list[Article] = []
    ordered: list[Article] = []
    duplicates = used = stale = 0
    for article in candidates:
        keys = article_keys(article)
        if seen.intersection(keys):
            duplicates += 1
            continue
        seen.update(keys)
        owners = {used_keys[k] for k in keys if k in used_keys}
        if owners and owners != {date}:
            used += 1
            continue
        if (
            not owners
            and cutoff is not None
            and article.published is not None
            and article.published.astimezone(dt.UTC).date() < cutoff
            and not _held_back(keys, held, cutoff)
        ):
            stale += 1
            continue
        ordered.append(article)
        (same_issue if owners else fresh).append(article)
    if issue_exists and force and ordered:
        return Plan("rebuild", tuple(ordered), len(fresh), used, latest, stale, duplicates)
    used += len(same_issue)
    if issue_exists and fresh:
        return Plan("update", tuple(fresh), len(fresh), used, latest, stale, duplicates)
    if fresh:
        return Plan("new", tuple(fresh), len(fresh), used, latest, stale, duplicates)
    return Plan("nothing", (), 0, used, latest, stale, duplicates)


def _held_back(keys: Sequence[str], held: Mapping[str, dt.date] | None, cutoff: dt.date) -> bool:
    """Whether the editor of the last issue (of ``cutoff``) left this article out of
    its draft: it comes back in the next issue, once, whenever it was published."""
    return held is not None and any(k in held and held[k] >= cutoff for k in keys)


# -- the archive --------------------------------------------------------------

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


#: An article as the record of files keeps it: its keys (:func:`article_keys`),
#: and when it was published (ISO 8601) if known.
RecordedArticle = tuple[tuple[str, ...], str | None]


@dataclass(frozen=True)
class KnownFile:
    """A file or body that need not be read again (:meth:`FileIndex.known`)."""

    #: Its articles, as recorded.
    articles: tuple[RecordedArticle, ...]
    #: How many of them are in earlier issues ...
    used: int
    #: ... and how many no issue used but are older than the last issue.
    stale: int


@dataclass(frozen=True)
class FileRecord:
    """A file or fetched body a build read, and each article it gave: its keys
    (:func:`article_keys`) and its published time (ISO 8601) if known."""

    source: str
    size: int
    mtime_ns: int
    digest: str
    articles: tuple[RecordedArticle, ...]


class FileIndex:
    """The archive's record of files, judged against the issues: which need no reading.

    A file (or body) is *known* when reading it again would only find each of
    its articles used (in an issue) or old news (never used, and published
    before the last issue before ``date``), exactly as :func:`decide` would
    judge them. For ``--force`` (``force``) articles of the issue of ``date``
    are not used: a rebuild needs them, so a file that gave one is read.
    Implements :class:`digest.ingest.KnownFiles`.
    """

    def __init__(
        self,
        records: Sequence[FileRecord],
        used: Mapping[str, dt.date],
        date: dt.date,
        *,
        force: bool = False,
        held: Mapping[str, dt.date] | None = None,
    ) -> None:
        self._by_source = {r.source: r for r in records}
        self._by_digest: dict[str, FileRecord] = {}
        for record in records:
            self._by_digest.setdefault(record.digest, record)
        self._used = used
        self._date = date
        self._force = force
        self._cutoff = max((d for d in used.values() if d < date), default=None)
        self._held = held

    def recorded(self, source: str, size: int, mtime_ns: int) -> str | None:
        record = self._by_source.get(source)
        if record is None or (record.size, record.mtime_ns) != (size, mtime_ns):
            return None
        return record.digest

    def known(self, digest: str) -> KnownFile | None:
        record = self._by_digest.get(digest)
        if record is None or not record.articles:
            return None
        used = stale = 0
        for keys, published in record.articles:
            owners = {self._used[k] for k in keys if k in self._used}
            if owners:
                if self._force and self._date in owners:
                    return None
                used += 1
            elif (
                published is not None
                and self._cutoff is not None
                and dt.datetime.fromisoformat(published).astimezone(dt.UTC).date() < self._cutoff
                and not _held_back(keys, self._held, self._cutoff)
            ):
                stale += 1
            else:
                return None
        return KnownFile(record.articles, used, stale)


class Archive:
    """The SQLite archive at ``path``. Reading a missing archive gives an empty
    one; the file is created only by :meth:`save`."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _connect(self, *, write: bool) -> sqlite3.Connection:
        try:
            if write:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                con = sqlite3.connect(self.path, isolation_level=None, timeout=30)
            else:
                con = self._open_existing()
            con.execute("PRAGMA foreign_keys = ON")
            version = con.execute("PRAGMA user_version").fetchone()[0]
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
            con = sqlite3.connect(uri + "?mode=rw", uri=True, isolation_level=None, timeout=30)
        except sqlite3.OperationalError:  # a file we may only read
            return sqlite3.connect(uri + "?mode=ro", uri=True, isolation_level=None, timeout=30)
        try:
            con.execute("SELECT count(*) FROM sqlite_master").fetchone()  # recovers, if need be
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
            rows = con.execute("SELECT key, issue_date FROM articles").fetchall()
        return {key: dt.date.fromisoformat(day) for key, day in rows}

    def files(self) -> list[FileRecord]:
        """The record of files read by earlier builds (empty before schema 2)."""
        with self._reading() as con:
            if con is None or not _has_table(con, "files"):
                return []
            rows = con.execute(
                "SELECT source, size, mtime_ns, digest, articles FROM files"
            ).fetchall()
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
            rows = con.execute("SELECT key, issue_date FROM held").fetchall()
        return {key: dt.date.fromisoformat(day) for key, day in rows}

    def dates(self) -> list[dt.date]:
        """The dates of every issue, newest first."""
        with self._reading() as con:
            if con is None or not _has_schema(con):
                return []
            rows = con.execute("SELECT date FROM issues ORDER BY date DESC").fetchall()
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
            sql = "SELECT date, id, published, digest FROM issues"
            params: list[Any] = []
            if dates is not None:
                sql += f" WHERE date IN ({','.join('?' * len(dates))})"
                params.extend(d.isoformat() for d in dates)
            sql += " ORDER BY date DESC"
            if limit is not None:
                sql += " LIMIT ?"
                params.append(limit)
            records = []
            for day, entry_id, published, data in con.execute(sql, params).fetchall():
                story_rows = con.execute(
                    "SELECT id, key, published FROM stories WHERE issue_date = ? ORDER BY position",
                    (day,),
                ).fetchall()
                key_rows = con.execute(
                    "SELECT key FROM articles WHERE issue_date = ? ORDER BY rowid", (day,)
                ).fetchall()
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
            con.execute("BEGIN IMMEDIATE")
            # statement by statement: executescript() would commit the transaction
            for statement in _SCHEMA.split(";"):  # no ";" inside the statements
                if statement.strip():
                    con.execute(statement)
            _migrate(con)
            con.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            _write_issue(con, record)
            _write_files(con, files)
            yield
            con.execute("COMMIT")
            committed = True
        except BaseException as exc:
            if con.in_transaction:
                con.execute("ROLLBACK")
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
    row = con.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,))
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
        "INSERT INTO files (source, size, mtime_ns, digest, articles) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (source) DO UPDATE SET size = excluded.size, "
        "mtime_ns = excluded.mtime_ns, digest = excluded.digest, articles = excluded.articles",
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


def _write_issue(con: sqlite3.Connection, record: IssueRecord) -> None:
    day = record.date.isoformat()
    # the decision was made before the transaction: make sure no other build
    # has published any of these articles in another issue since
    for start in range(0, len(record.article_keys), 500):
        chunk = record.article_keys[start : start + 500]
        taken = con.execute(
            f"SELECT key, issue_date FROM articles WHERE key IN ({','.join('?' * len(chunk))}) "
            "AND issue_date != ? LIMIT 1",
            (*chunk, day),
        ).fetchone()
        if taken:
            raise ArchiveError(
                f"an article of this issue was published meanwhile in the issue of {taken[1]}",
                fix="run the build again",
            )
    data = json.dumps(digest_to_dict(record.digest), ensure_ascii=False, sort_keys=True)
    con.execute("DELETE FROM articles WHERE issue_date = ?", (day,))
    con.execute("DELETE FROM stories WHERE issue_date = ?", (day,))
    con.execute("DELETE FROM held WHERE issue_date = ?", (day,))
    con.execute(
        "INSERT INTO issues (date, id, published, digest) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (date) DO UPDATE SET digest = excluded.digest",
        (day, record.id, record.published.isoformat(), data),
    )
    con.executemany(
        "INSERT INTO stories (id, issue_date, position, key, published) VALUES (?, ?, ?, ?, ?)",
        [(s.id, day, i, s.key, s.published.isoformat()) for i, s in enumerate(record.stories)],
    )
    con.executemany(
        "INSERT OR IGNORE INTO articles (key, issue_date) VALUES (?, ?)",
        [(key, day) for key in record.article_keys],
    )
    used = set(record.article_keys)
    con.executemany(
        "INSERT OR REPLACE INTO held (key, issue_date) VALUES (?, ?)",
        [(key, day) for key in record.held_keys if key not in used],
    )
