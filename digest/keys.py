"""Stable identities: of a value, an article, a story, an issue.

:func:`get_hash` hashes a value deterministically (sorted-key JSON, empty
fields left out, a version byte), after lemon24/reader's ``_hash_utils``. An
article is known by its canonical URL and by a fingerprint of its normalised
text (:func:`article_keys`), never by a timestamp. A story is known by the
hash of its articles' identities (:func:`story_key`), so rebuilding an issue
with the same articles gives every story the id it had. Ids derive from the
issue date and the site's host, never from the clock.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from digest.model import Article, Source, Story

#: Bumped when the meaning of a hash changes; part of every hash.
HASH_VERSION = 1


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
    path = parts.path.rstrip("/") or "/"  # "", "/" and "//" are all the root
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


def issue_id(date: dt.date, host: str) -> str:
    """The entry id of a new issue (RFC 4151 tag URI) on the site at ``host``."""
    day = date.isoformat()
    return f"tag:{host},{day}:issue/{day}"


def story_id(date: dt.date, key: str, host: str) -> str:
    """The entry id of a new story (RFC 4151 tag URI) in the issue of ``date``."""
    return f"tag:{host},{date.isoformat()}:story/{key[:20]}"
