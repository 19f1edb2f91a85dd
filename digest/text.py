"""Small text utilities shared by the cleaner and the summarizer.

Sentence splitting uses nupunkt: a maintained, dependency-free Punkt
implementation that ships its trained English model inside the wheel, so
nothing is downloaded at run time (unlike NLTK's punkt data).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import nupunkt

_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)


def normalize_space(text: str) -> str:
    """Collapse runs of whitespace (including NBSP) into single spaces."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text).replace("\u00a0", " ")).strip()


def split_sentences(paragraph: str) -> list[str]:
    """Split one paragraph into sentences."""
    paragraph = normalize_space(paragraph)
    if not paragraph:
        return []
    return [s.strip() for s in _sent_tokenize(paragraph) if s.strip()]


@lru_cache(maxsize=4096)
def _sent_tokenize_cached(paragraph: str) -> tuple[str, ...]:
    return tuple(nupunkt.sent_tokenize(paragraph))


def _sent_tokenize(paragraph: str) -> tuple[str, ...]:
    return _sent_tokenize_cached(paragraph)


def words(text: str) -> list[str]:
    """The words of ``text``, lower-cased, punctuation dropped."""
    return [w.lower().replace("’", "'") for w in _WORD.findall(text)]


def word_count(text: str) -> int:
    """Whitespace-separated words, the way ROUGE and editors count them."""
    return len(text.split())


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """English function words, loaded from package data."""
    from importlib.resources import files

    raw = (files("digest") / "data" / "stopwords-en.txt").read_text(encoding="utf-8")
    return frozenset(
        line.strip() for line in raw.splitlines() if line.strip() and not line.startswith("#")
    )


def content_words(text: str) -> list[str]:
    """Lower-cased words of ``text`` that are not stop-words or numbers-only."""
    stop = stopwords()
    return [w for w in words(text) if w not in stop and not w.isdigit() and len(w) > 1]
