"""Clean: turn an article as ingested into blocks a reader may see.

Pure functions only. The rules are general, not lists of known strings:

* **Boilerplate sentences**: affiliate disclosures, promotions of the site's
  own content ("check out our guide ..."), newsletter and social calls to
  action. Matched by the *shape* of such sentences (first-person site voice
  plus a selling verb), wherever they appear.
* **Lines that are not prose**: read-time badges ("4 Minutes", "5 min read"),
  comment and share prompts, media captions and placeholders ("YouTube
  Thumbnail", "Photo: Getty Images"), advertisement markers. Only short lines
  are judged this way, so an ordinary sentence that mentions a photo stays.
* **Broken fragments**: text with inline editorial or generator notes
  ("(note: ...)"), Unicode replacement characters, or a clause cut off
  mid-title. A broken leading clause is cut and the rest of the sentence
  kept when it stands on its own; otherwise the sentence goes.

Short lines without closing punctuation are headings; the first headline-like
line is the title when the source gave none.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from digest.errors import IngestError
from digest.model import Article, ArticleData, Block
from digest.text import normalize_space, split_sentences

# -- sentence-level boilerplate ----------------------------------------------------

_BOILERPLATE_SENTENCE = [
    # affiliate / commission disclosures
    re.compile(
        r"\b(?:earn|earns|receive|get|make)s?\b[^.]{0,40}\b(?:commission|affiliate|compensation)",
        re.I,
    ),
    re.compile(r"\baffiliate (?:links?|partnerships?|programs?|disclosure)\b", re.I),
    re.compile(r"\bas an amazon associate\b", re.I),
    # the site promoting its own pages: "check out our guide", "see our list", "read our review"
    re.compile(
        r"\b(?:check out|see|read|take a look at|browse|head (?:over )?to|don't miss)\s+"
        r"(?:our|my)\s+(?:\w+\s+){0,3}?(?:guides?|lists?|list of|round-?ups?|reviews?|"
        r"picks|rankings?|coverage|articles?|explainers?|hub|page)\b",
        re.I,
    ),
    # newsletter / social calls to action
    re.compile(
        r"\b(?:sign up|subscribe)\b[^.]{0,40}\b(?:newsletter|updates|inbox|channel)\b", re.I
    ),
    re.compile(
        r"\bfollow us on\b|\blike us on facebook\b|\bshare (?:this|on)\b[^.]{0,20}"
        r"\b(?:twitter|facebook|x|social)\b",
        re.I,
    ),
    re.compile(r"^\s*(?:click|tap) here\b", re.I),
    # site furniture that leaks into article text
    re.compile(
        r"\ball rights reserved\b|^\s*(?:©|copyright\b)|\bprivacy policy\b|"
        r"\bterms of (?:use|service)\b|\bwe use cookies\b",
        re.I,
    ),
]

#: Whole sentences that only point somewhere else ("Learn more.").
_CALL_TO_ACTION = re.compile(
    r"^(?:learn|read|find out|see|discover) more|^(?:click|tap) here|^continue reading|"
    r"^read (?:the )?full (?:story|article)|^more:|^related:|^see also:?|^advertisement$|"
    r"^sponsored(?: content)?$",
    re.I,
)

# -- line-level junk (short lines only) ------------------------------------------

_SHORT_LINE_WORDS = 8

_JUNK_LINE = [
    # read-time badges: "4 Minutes", "5 min read", "Reading time: 3 minutes"
    re.compile(r"^(?:reading time:?\s*)?\d{1,3}\s*(?:min|mins|minutes?)(?:\s+read)?$", re.I),
    # comment and share prompts
    re.compile(
        r"^(?:leave|post|add|write) a (?:comment|reply|response)|^\d+\s+comments?$|"
        r"^(?:view|show|load|see) (?:all )?comments$|^comments?$|"
        r"^share(?: this)?(?: article| story)?$",
        re.I,
    ),
    # media captions and embed placeholders
    re.compile(
        r"\b(?:thumbnail|embed|placeholder|screenshot|gallery|slideshow|image credit|"
        r"photo credit|getty images|shutterstock|via youtube|watch the (?:video|trailer))\b",
        re.I,
    ),
    re.compile(r"^(?:image|photo|picture|video|credit|source|caption)s?\s*(?::|\||-|–|—)", re.I),
    re.compile(r"^(?:advertisement|sponsored(?: content)?|ad|promoted|skip ad)$", re.I),
]

#: A read-time badge glued to the end of a paragraph ("... movies.4 Minutes").
_GLUED_READ_TIME = re.compile(
    r"(?<=[.!?\"”’)])\s*\d{1,3}\s*(?:min|mins|minutes?)(?:\s+read)?\s*$", re.I
)

# -- broken fragments --------------------------------------------------------------

#: Inline notes left by an editor or a text generator: "(note: ...)", "[TODO ...]".
_INLINE_NOTE = re.compile(
    r"[(\[]\s*(?:note|nb|n\.b\.|editor'?s note|ed\.? note|todo|tk|sic|citation needed|"
    r"placeholder|insert [^)\]]*)\b[^)\]]*[)\]]",
    re.I,
)
#: A title cut off and left with a question mark where letters were lost.
_CUT_OFF = re.compile(r"\w\?\s*[(\[,]")
_MIN_REPAIRED_WORDS = 8

_TERMINAL = (".", "!", "?", '"', "”", "’", "'", ")", "…")
_HEADING_MAX_WORDS = 12
_TITLE_MAX_WORDS = 20


@dataclass(frozen=True)
class _Line:
    text: str
    #: True when the line ends like prose (a full stop, a quote, ...).
    punctuated: bool


def clean(data: ArticleData) -> Article:
    """Clean one article. Raises :class:`IngestError` when nothing readable is left."""
    lines = list(_clean_lines(data.text.split("\n")))
    title = normalize_space(data.title) if data.title else None
    if title is None:
        index = next((i for i, line in enumerate(lines) if _is_title(line)), None)
        if index is not None:
            title = lines.pop(index).text
    blocks = tuple(
        Block("heading" if _is_heading(line) else "paragraph", line.text) for line in lines
    )
    blocks = _drop_trailing_headings(blocks)
    if not any(b.kind == "paragraph" for b in blocks):
        raise IngestError(
            "has no article text left after cleaning",
            path=data.path,
            fix="check it is an article, not a page of links or captions",
        )
    return Article(
        path=data.path,
        title=title,
        blocks=blocks,
        url=data.url,
        outlet=data.outlet,
        published=data.published,
    )


def _clean_lines(raw_lines: Iterable[str]) -> Iterable[_Line]:
    for raw in raw_lines:
        line = normalize_space(raw)
        if not line:
            continue
        line = _GLUED_READ_TIME.sub("", line).rstrip()
        if is_junk_line(line):
            continue
        kept = clean_sentences(split_sentences(line))
        if kept:
            text = " ".join(kept)
            yield _Line(text, text.endswith(_TERMINAL))


def is_junk_line(line: str) -> bool:
    """A short line that is not prose: a badge, a prompt, a caption, an ad marker."""
    if len(line.split()) > _SHORT_LINE_WORDS:
        return False
    bare = line.strip(" .!:|-–—•·")
    return any(p.search(bare) for p in _JUNK_LINE) or bool(_CALL_TO_ACTION.match(bare))


#: Every pattern in :data:`_BOILERPLATE_SENTENCE` needs one of these words, so
#: a plain substring test spares most prose the regular expressions (the
#: summarizer asks about every candidate sentence).
_BOILERPLATE_TRIGGERS = (
    "commission", "affiliate", "compensation", "associate", "our ", "my ", "sign up",
    "subscribe", "follow us", "like us", "share ", "click", "tap here", "rights reserved",
    "copyright", "©", "privacy", "terms of", "cookies",
)  # fmt: skip


def _is_boilerplate_sentence(sentence: str) -> bool:
    lower = sentence.lower()
    return any(t in lower for t in _BOILERPLATE_TRIGGERS) and any(
        p.search(sentence) for p in _BOILERPLATE_SENTENCE
    )


def is_boilerplate(sentence: str) -> bool:
    """A sentence no reader should see: a disclosure, a promotion, a call to
    action, site furniture, or a junk line (badge, prompt, caption)."""
    return _is_boilerplate_sentence(sentence) or is_junk_line(sentence)


def clean_sentences(sentences: list[str]) -> list[str]:
    """Drop boilerplate sentences, mend or drop broken ones."""
    kept: list[str] = []
    for sentence in sentences:
        if _is_boilerplate_sentence(sentence):
            continue
        mended = mend_fragment(sentence)
        if mended:
            kept.append(mended)
    # a lone pointer ("Learn more.") means the rest of its line was boilerplate
    if kept and all(_CALL_TO_ACTION.match(s) for s in kept) and len(kept) < len(sentences):
        return []
    return kept


def mend_fragment(sentence: str) -> str | None:
    """Repair a broken sentence, or return None when it cannot stand.

    A sentence is broken when it carries an inline note, a replacement
    character, or a word cut off before a bracket. When the damage lies in
    a leading clause, the clause is cut and the rest kept if it is long
    enough to be a sentence on its own.
    """
    if "\ufffd" in sentence:
        return None
    damage = _INLINE_NOTE.search(sentence) or _CUT_OFF.search(sentence)
    if not damage:
        return sentence
    comma = sentence.find(", ", damage.end() - 1)
    if comma != -1:
        rest = sentence[comma + 2 :].strip()
        if (
            len(rest.split()) >= _MIN_REPAIRED_WORDS
            and not _INLINE_NOTE.search(rest)
            and not _CUT_OFF.search(rest)
            and rest.endswith(_TERMINAL)
        ):
            return rest[0].upper() + rest[1:]
    return None


def _is_heading(line: _Line) -> bool:
    return not line.punctuated and len(line.text.split()) <= _HEADING_MAX_WORDS


def _is_title(line: _Line) -> bool:
    text = line.text
    return (
        (not text.endswith(".") or text.endswith("..."))
        and len(text.split()) <= _TITLE_MAX_WORDS
        and text[:1].isupper() | text[:1].isdigit() | (text[:1] in "\"“‘'")
    )


def _drop_trailing_headings(blocks: tuple[Block, ...]) -> tuple[Block, ...]:
    """A heading with no text under it (at the end) is not a heading."""
    out = list(blocks)
    while out and out[-1].kind == "heading":
        out.pop()
    return tuple(out)
