"""An article read twice is kept once: the same file (:func:`repeated_file`), the
same canonical URL, or the same title from the same outlet on the same day (two
section feeds of one paper; :func:`unique`). Each repeat is noted as a
``duplicate`` problem.

(The decider, :func:`digest.decide.decide`, also counts repeats within a
batch, by the keys the archive knows articles by: the canonical URL and the
fingerprint of the cleaned text, which only exists after cleaning.)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from digest.ingest.fetch import is_url
from digest.ingest.results import Problem
from digest.keys import canonical_url, normalized_text
from digest.model import ArticleData


def repeated_file(
    source: str, digest: str, digests: dict[str, str], problems: list[Problem], judged: bool
) -> bool:
    """Whether the file at ``source`` has the same bytes (SHA-256 ``digest``) as
    one before it in the batch; ``digests`` maps each digest seen to its first
    file. Only ``judged`` files count (one-article files, when reading
    incrementally, so that a copy of a known file is counted as what it is);
    a repeat is noted as a ``duplicate``."""
    first = digests.setdefault(digest, source)
    if judged and first != source:
        problems.append(
            Problem(source, f"{source}: the same file as {first}; read once", "duplicate")
        )
        return True
    return False


def unique(
    articles: Iterable[tuple[str, ArticleData]], problems: list[Problem]
) -> list[ArticleData]:
    """Drop repeats (first kept), each noted as a ``duplicate`` problem.

    A repeat is the same file twice, the same canonical URL (two feeds, or a
    feed and a page), or the same title from the same outlet on the same day
    (two section feeds of one paper, with different links). Articles with
    the same title from one outlet on different days are a recurring column,
    not a repeat.
    """
    seen: dict[str, tuple[str, ArticleData]] = {}
    out = []
    for source, article in articles:
        keys = _identities(article)
        first = next((seen[k] for k in keys if k in seen), None)
        if first is not None:
            where = "" if first[0] == source else f" in {first[0]}"
            what = f"{article.title!r}" if article.title else article.path
            problems.append(
                Problem(
                    source,
                    f"{source}: {what} is the same article as one read{where}; read once",
                    "duplicate",
                )
            )
            continue
        seen.update(dict.fromkeys(keys, (source, article)))
        out.append(article)
    return out


def _identities(article: ArticleData) -> list[str]:
    local = not is_url(article.path) and "#" not in article.path
    keys = [
        "url:" + canonical_url(article.url)
        if article.url
        else "path:" + (str(Path(article.path).resolve()) if local else article.path)
    ]
    title = normalized_text(article.title or "")
    if title and article.outlet:
        day = article.published.astimezone(dt.UTC).date().isoformat() if article.published else ""
        keys.append(f"title:{normalized_text(article.outlet)}:{title}:{day}")
    return keys
