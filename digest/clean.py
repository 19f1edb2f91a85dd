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
  kept when it stands on its own; otherwise the sentence goes. Two
  sentences run together without a space ("...a physician.Police said")
  are split first.
* **Sponsorship and the site's own products**: "this post was compensated
  by ...", "IGN may get a share of the sale", "you can now hear our show each
  morning", "download the app": the shape of a disclosure (this content +
  paid / sponsored) or of an offer (second person or imperative + podcast,
  newsletter, app + a channel or a schedule), never a brand name.
* **Teasers**: a sentence that only points at something the reader cannot
  see here: a "Watch:" / "Listen:" / "Photos:" label, "Here's how ...",
  "Find out why ...".
* **Live-blog chatter**: in a live blog (its title or URL says so), the
  blogger's own voice ("we may lose some time soon", "stay tuned", "more to
  follow") and the time stamps of its posts.
* **A press release's boilerplate**: the sections under an "About <company>",
  "Media contacts" or "Forward-looking statements" heading, the same text in
  every release of that company.
* **Lists**: list items ("- ", "• ", "1) ") and table rows ("| ") are kept
  as ``item`` blocks, never as prose, so a roundup's bullets about other
  news never become a story's sentences; three or more short unpunctuated
  lines in a row are a list too, not headings.

Short lines without closing punctuation are headings; the first headline-like
line is the title when the source gave none. An article whose text is all
gone but which has a title (a feed entry with a headline and a link) is kept
as a *headline-only* article: a title and no blocks.

**Characters no reader should get** go first (:func:`scrub`), from the text,
title, outlet and author alike, so that every renderer (MJML, XML, JSON,
mail headers) can take what the cleaner gives it: terminal escape sequences
(``ESC [ 31 m``) whole, the other C0 and C1 control characters, the
noncharacters (U+FFFE, U+FFFF...), the byte order mark used as text, lone
surrogates and bidirectional embeddings, overrides and isolates (the
renderers mark every text ``dir="auto"``, so they only ever reorder what
the author means to hide). The text around them is kept. Line-breaking
controls (VT, FF, NEL, U+2028, U+2029...) end a line in the body and are a
space in one-line fields. Text with no letter or digit at all (``...``,
``!``) is no title and no paragraph; an article with nothing else is
refused ("no article text"). A title longer than :data:`TITLE_MAX_CHARS` is
shortened at a word, an outlet or author longer than :data:`NAME_MAX_CHARS`
too, and a URL that is longer than :data:`URL_MAX_CHARS` or holds a control
character is dropped (the article is then known by its text).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

from digest.errors import IngestError, printable
from digest.model import Article, ArticleData, Block, BlockKind
from digest.text import any_of, normalize_space, split_sentences

# -- characters ----------------------------------------------------------------------

#: A terminal escape sequence, removed whole so that no ``[31m`` is left: CSI
#: (``ESC [`` parameters, final letter) and OSC (``ESC ]`` text, ended by BEL or ``ESC \\``).
_ESCAPE_SEQUENCE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?")
#: Controls that break a line: a line break in a body, a space in a one-line field.
_LINE_BREAKS = re.compile("[\r\x0b\x0c\x1c-\x1f\x85\u2028\u2029]")
#: Characters removed wherever they are: C0 controls but tab and line feed, DEL, C1
#: controls, noncharacters, the byte order mark as text, lone surrogates, and the
#: bidirectional embeddings, overrides and isolates.
_REMOVED = re.compile(
    "[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\ufdd0-\ufdef\ufeff\ud800-\udfff"
    "\u202a-\u202e\u2066-\u2069"
    + "".join(chr(plane << 16 | 0xFFFE) + chr(plane << 16 | 0xFFFF) for plane in range(17))
    + "]"
)
#: A title longer than this (in characters) is shortened at a word.
TITLE_MAX_CHARS = 300
#: An outlet or author name longer than this is shortened at a word.
NAME_MAX_CHARS = 100
#: A URL longer than this is no URL (browsers and crawlers stop near 2,000).
URL_MAX_CHARS = 2048


def scrub(text: str, *, one_line: bool = False) -> str:
    """``text`` without the characters no reader should get (see the module's notes).

    Line-breaking controls become line feeds, or spaces when ``one_line``;
    everything else the text says is kept.
    """
    if text.replace("\n", "").replace("\t", "").isprintable():
        # every character scrubbing removes or breaks at is unprintable: none here
        return text.replace("\n", " ") if one_line else text
    text = text.replace("\r\n", "\n")
    text = _ESCAPE_SEQUENCE.sub("", text)
    text = _LINE_BREAKS.sub(" " if one_line else "\n", text)
    if one_line:
        text = text.replace("\n", " ")
    return _REMOVED.sub("", text)


def has_words(text: str) -> bool:
    """Whether ``text`` holds a letter or a digit: ``...`` or ``!`` alone says nothing."""
    return any(c.isalnum() for c in text)


def shorten(text: str, limit: int) -> str:
    """``text`` cut at a word to at most ``limit`` characters, an ellipsis marking the cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-–—") + "…"


def _field(value: str | None, limit: int) -> str | None:
    """A one-line metadata field (title, outlet, author): scrubbed, shortened, or None."""
    if not value:
        return None
    text = normalize_space(scrub(value, one_line=True))
    return shorten(text, limit) if has_words(text) else None


def _url(value: str | None) -> str | None:
    """The article's URL, or None when it is too long or holds a control character."""
    url = (value or "").strip()
    if not url or len(url) > URL_MAX_CHARS or scrub(url, one_line=True) != url:
        return None
    return url


# -- sentence-level boilerplate ----------------------------------------------------

#: Offers to the reader: the site's newsletter, social accounts, shows and apps.
_OFFER_SENTENCE = [
    # newsletter / social calls to action
    re.compile(
        r"\b(?:sign up|subscribe)\b[^.]{0,40}\b(?:newsletter|updates|inbox|channel)\b", re.I
    ),
    re.compile(
        r"\bfollow us on\b|\blike us on facebook\b|\bshare (?:this|on)\b[^.]{0,20}"
        r"\b(?:twitter|facebook|x|social)\b",
        re.I,
    ),
    # the site's own products offered to the reader: a show, a newsletter, an app
    re.compile(
        r"^(?:now\s+|and\s+)?(?:you can (?:now\s+|also\s+)?|don't forget to\s+|be sure to\s+)?"
        r"(?:listen|hear|subscribe|download|get|sign up|follow|try|catch|tune in|join)\b"
        r"[^.]{0,80}\b(?:podcasts?|newsletters?|apps?|briefings?|bulletins?|alerts?|"
        r"each (?:morning|day|week|weekday)|every (?:morning|day|week|weekday)|daily|weekly|"
        r"in your inbox|on (?:apple|spotify|itunes|google|amazon|stitcher|alexa)|"
        r"wherever you (?:get|listen))\b",
        re.I,
    ),
    re.compile(
        r"\bwherever you get your podcasts\b|\bavailable (?:now )?on (?:apple podcasts|spotify|"
        r"itunes|google play|the app store)\b|\b(?:get|download) (?:the|our) [\w' ]{0,30}\bapp\b"
        r"[^.]{0,30}\b(?:free|now|today|here)\b",
        re.I,
    ),
]

_BOILERPLATE_SENTENCE = [
    *_OFFER_SENTENCE,
    re.compile(r"^stay tuned\b", re.I),
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
    re.compile(r"^\s*(?:click|tap) here\b", re.I),
    # site furniture that leaks into article text
    re.compile(
        r"\ball rights reserved\b|^\s*(?:©|copyright\b)|\bprivacy policy\b|"
        r"\bterms of (?:use|service)\b|\bwe use cookies\b|"
        r"\bmay not be (?:re)?(?:published|broadcast|rewritten|redistributed|reproduced)\b|"
        # the letters page's own footer: "The Times is committed to publishing ... letters
        # to the editor", "Send a letter to the editor"
        r"\bletters? to the editor\b",
        re.I,
    ),
    # sponsorship: this content (or its author) was paid for, or the site takes a cut
    re.compile(
        r"\bthis (?:shop|post|article|story|content|review|video|episode|page|piece|giveaway|"
        r"series|newsletter|podcast|segment|feature)\b[^.]{0,40}?\b(?:compensated|sponsored|"
        r"paid for|brought to you|made possible|in partnership|underwritten)\b",
        re.I,
    ),
    re.compile(
        r"\b(?:i|we)\s+(?:was|were|have been|am|are|'ve been|may be|might be)\s+"
        r"(?:\w+\s+)?(?:compensated|paid|given (?:a )?(?:free|complimentary))\b",
        re.I,
    ),
    re.compile(
        r"\b(?:may|might|could|will|can)\s+(?:get|earn|receive|collect|make)\s+(?:a\s+)?"
        r"(?:small\s+)?(?:share|portion|cut|percentage|commission|fee)\s+(?:of|from)\b|"
        r"\bif you (?:buy|purchase|click|shop|sign up)\b[^.]{0,40}\b(?:through|via|from|using)"
        r"\s+(?:this|our|these|one of|the links?)\b",
        re.I,
    ),
    re.compile(r"(?:^|\s)#(?:ad|sponsored|spon|paid|partner|gifted)\b", re.I),
    # the signature of an embedded social post: "— Jo Roe (@jo) May 8, 2026"
    re.compile(r"^[—–-]\s*[^()]{1,80}\(@\w{1,15}\)\s+\w+\.?\s+\d{1,2},\s+\d{4}\s*$"),
    # teasers: a label or a promise of something the reader cannot see here
    re.compile(
        r"^[\"“‘']?(?:watch|listen|read|see|look|photos?|pictures|video|gallery|slideshow|live|"
        r"quiz|poll|podcast|audio|interactive|explainer|related|more|trending|recommended)"
        r"(?:\s+(?:now|more|also|here|live))?\s*[:|–—]\s",
        re.I,
    ),
    re.compile(
        r"^(?:here['’]s|here is|here are|this is|find out|learn|see|discover|take a look at)\s+"
        r"(?:how|why|what|where|when|who|which|everything|all (?:you|the)|a look|the latest|"
        r"the full|more)\b[^.!?]{0,90}[.:!?…]?$",
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
#: A "word" longer than this is garbage (a run-on of markup or a pasted blob),
#: not prose: its sentence goes. Long URLs and German compounds are shorter.
_MAX_WORD_CHARS = 200
#: A title cut off and left with a question mark where letters were lost.
_CUT_OFF = re.compile(r"\w\?\s*[(\[,]")
_MIN_REPAIRED_WORDS = 8

_TERMINAL = (".", "!", "?", '"', "”", "’", "'", ")", "…", "。", "！", "？", "」", "』")

# -- lists, live blogs, run-together sentences ------------------------------------

#: A list item's bullet (trafilatura writes "- ", feeds' HTML lists become "• ").
_ITEM_MARK = re.compile(r"^[-•*·▪►◦‣]\s+(?=\S)")
#: A numbered list item ("3) Lego Star Wars"); its number is part of its text.
_NUMBERED = re.compile(r"^\d{1,2}[.)]\s+(?=\S)")
#: A table row, as trafilatura writes it.
_TABLE_ROW = re.compile(r"^\|.*\|$")
#: This many short unpunctuated lines in a row are a list, not headings.
_LIST_RUN = 3
#: Two sentences run together without a space: "a physician.Police said". The word
#: before has four letters or more and no dot, slash or @ of its own (a name like
#: "Eva.Stories", a domain, an e-mail address or "U.S.Army" is left alone).
_RUN_TOGETHER = re.compile(
    r"(?<![\w.@/:-])([^\W\d_][a-z]{3,})([.!?][\"”’)]?)(?=[A-Z](?:[a-z]{2}|\s))"
)
#: What every run-together match holds: an end mark, then a capital.
_RUN_TOGETHER_HINT = re.compile(r"[.!?][\"”’)]?[A-Z]")
#: How a line with a glued read time (:data:`_GLUED_READ_TIME`) ends, case-folded.
_READ_TIME_ENDS = ("min", "mins", "minute", "minutes", "read")
#: The picture link an embedded social post leaves in its text.
_POST_LINK = re.compile(r"\s*\bpic\.twitter\.com/\w+")
#: A dateline in brackets glued to the sentence it opens: "(Agency)The council".
_GLUED_DATELINE = re.compile(r"(?<=\w)\)(?=[A-Z](?:[a-z]{2}|\s))")
#: A line in capitals only, with this many letters, is display text.
_SHOUTED_LETTERS = 8
#: A live blog says so in its title or its URL.
_LIVE_TITLE = re.compile(
    r"(?:[–—|:-]\s*live(?:\s+(?:updates?|blog|coverage|reaction|report))?|"
    r"\blive\s+(?:updates?|blog|coverage)|\bas it happened|\bminute[- ]by[- ]minute|"
    r"\blatest updates)\s*!?\s*$|^live\s*[:|–—-]",
    re.I,
)
_LIVE_URL = re.compile(r"/live(?:/|-|$)|/live-?blog|/as-it-happened", re.I)
#: A live post's time stamp: "10.32am BST", "14:05 GMT", "Updated 3:10 p.m. ET".
_TIME_STAMP = re.compile(
    r"^(?:updated\s+|posted\s+)?\d{1,2}[.:]\d{2}"
    r"(?:\s*[ap]\.?m\.?(?:\s*(?-i:[A-Z]{2,4})\b)?|\s*(?-i:[A-Z]{2,4})\b|\s*$)\s*(?:[-–—:|]\s*)?",
    re.I,
)
#: The blogger's own voice in a live blog: about the blog, not the news.
#: A live match report's minute: "13 min:", "90+2 min –", "45' -".
_MATCH_MINUTE = re.compile(
    r"^\d{1,3}(?:\+\d{1,2})?\s*(?:min|mins|minutes?\b|['’])\s*[:–—-]\s", re.I
)
_LIVE_CHATTER = re.compile(
    r"\b(?:we(?:'ll| will| may| might| could|'re| are| have|'ve)|i(?:'ll| will|'m| am))\b"
    r"[^.]{0,60}\b(?:bring you|be back|have more|keep you|start|lose|losing|wait|waiting|"
    r"update|updating|hand(?:ing)? over|sign(?:ing)? off|wrap(?:ping)? up|follow|see|looking)\b|"
    r"\bstay tuned\b|\bbear with (?:us|me)\b|\bmore (?:to follow|soon|shortly)\b|"
    r"\brefresh (?:the|this) page\b|\bthanks for (?:reading|following|joining)\b|"
    r"\bthat'?s (?:it|all) (?:from me|for (?:now|today|tonight))\b|"
    r"^(?:might|may|could|looks like|seems)\b[^.]{0,40}\b(?:delay|wait|while|time)\b|"
    r"^(?:good (?:morning|afternoon|evening)|hello|hi|welcome)\b[^.]{0,40}[,!.]|"
    r"\b(?:has|have) (?:a question|been in touch|emailed|written in)\b|"
    r"\b(?:writes|emails)(?: in)?:",
    re.I,
)
_HEADING_MAX_WORDS = 12
_TITLE_MAX_WORDS = 20


@dataclass(frozen=True)
class _Line:
    text: str
    #: True when the line ends like prose (a full stop, a quote, ...).
    punctuated: bool
    #: True for a list item or a table row.
    item: bool = False
    #: True for a short line that makes the reader an offer (see :func:`_is_pitch`).
    pitch: bool = False


def clean(data: ArticleData) -> Article:
    """Clean one article.

    An article left without text but with a title is headline-only (no
    blocks). Raises :class:`IngestError` when it has neither.
    """
    url = _url(data.url)
    title = _field(data.title, TITLE_MAX_CHARS)
    live = is_live_blog(title, url)
    lines = list(_clean_lines(scrub(data.text).split("\n"), live))
    if title is None:
        index = next((i for i, line in enumerate(lines) if not line.item and _is_title(line)), None)
        if index is not None:
            title = shorten(lines.pop(index).text, TITLE_MAX_CHARS)
    blocks = _drop_trailing_headings(
        _without_boilerplate_sections(_blocks(_without_pitches(lines)))
    )
    if not title and not any(b.kind == "paragraph" for b in blocks):
        raise IngestError(
            "has no article text left after cleaning, and no title",
            path=printable(data.path),
            fix="check it is an article, not a page of links or captions",
        )
    return Article(
        path=printable(data.path),
        title=title,
        blocks=blocks,
        url=url,
        outlet=_field(data.outlet, NAME_MAX_CHARS),
        published=data.published,
        author=_field(data.author, NAME_MAX_CHARS),
    )


def is_live_blog(title: str | None, url: str | None) -> bool:
    """Whether an article is a live blog, by its title ("... – live") or its URL."""
    return bool(title and _LIVE_TITLE.search(title.strip())) or bool(url and _LIVE_URL.search(url))


def split_run_together(text: str) -> str:
    """Put the missing space between two sentences run together ("physician.Police"),
    and after a dateline glued to the first word ("(Agency)The council ...")."""
    if ")" in text:
        text = _GLUED_DATELINE.sub(") ", text)
    if not _RUN_TOGETHER_HINT.search(text):
        return text
    return _RUN_TOGETHER.sub(r"\1\2 ", text)


def _clean_lines(raw_lines: Iterable[str], live: bool = False) -> Iterable[_Line]:
    for raw in raw_lines:
        line = normalize_space(raw)
        if not line:
            continue
        item = any(p.match(line) for p in (_ITEM_MARK, _NUMBERED, _TABLE_ROW))
        line = _ITEM_MARK.sub("", line)
        if live:
            if _MATCH_MINUTE.match(line):
                continue  # play by play: "13 min: Lingard bursts down the left."
            line = _TIME_STAMP.sub("", line) if _TIME_STAMP.match(line) else line
        # the patterns need these words: most lines are spared the scan
        if line.rstrip()[-8:].casefold().endswith(_READ_TIME_ENDS):
            line = _GLUED_READ_TIME.sub("", line)
        if "pic.twitter.com" in line:
            line = _POST_LINK.sub("", line)
        line = split_run_together(line.rstrip())
        if not has_words(line) or is_junk_line(line):
            continue
        sentences = split_sentences(line)
        kept = clean_sentences(sentences)
        if live:
            kept = [s for s in kept if not _LIVE_CHATTER.search(s)]
        if kept:
            text = " ".join(kept)
            # a line in capitals is display text (a subhead, a banner), never prose
            punctuated = text.endswith(_TERMINAL) and not _is_shouted(text)
            yield _Line(text, punctuated, item, _is_pitch(sentences, kept))


def _is_shouted(line: str) -> bool:
    """A line in capitals only: a subhead, an inline link to another story, a banner."""
    if not line.isupper():  # a lower-case letter, or no cased letter at all
        return False
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= _SHOUTED_LETTERS and all(c.isupper() for c in letters)


def _blocks(lines: list[_Line]) -> tuple[Block, ...]:
    """Lines to blocks: items, headings, paragraphs; a run of headings is a list."""
    kinds: list[str] = [
        "item" if line.item else "heading" if _is_heading(line) else "paragraph" for line in lines
    ]
    start = 0
    while start < len(kinds):
        end = start
        while end < len(kinds) and kinds[end] == "heading":
            end += 1
        if end - start >= _LIST_RUN:
            kinds[start:end] = ["item"] * (end - start)
        start = end + 1
    return tuple(
        Block(cast(BlockKind, kind), line.text) for kind, line in zip(kinds, lines, strict=True)
    )


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
    # sponsorship, the site's own products, embedded posts (teaser openings: below)
    "compensated", "sponsored", "paid", "brought to you", "made possible", "partnership",
    "underwritten", "complimentary", "free", "share of", "portion of", "cut of", "percentage of",
    "fee ", "if you ", "#", "podcast", "newsletter", "app", "briefing", "bulletin", "alert",
    "each ", "every ", "daily", "weekly", "inbox", "spotify", "itunes", "wherever you",
    "stay tuned", "(@", "may not be", "on apple", "on google", "on amazon", "stitcher", "alexa",
    "cut from", "share from", " to the editor",
)  # fmt: skip
#: Sentence openings that start a teaser or an offer (checked with the triggers).
_OPENING_TRIGGERS = re.compile(
    r"^[\"“‘']?(?:watch|listen|read|see|look|photos?|pictures|video|gallery|slideshow|live|quiz|"
    r"poll|podcast|audio|interactive|explainer|related|more|trending|recommended|here|this is|"
    r"find out|learn|discover|take a look)\b",
    re.I,
)


#: For each pattern of :data:`_BOILERPLATE_SENTENCE`, in order, words (lower-case) one
#: of which every match holds: a pattern whose words are missing need not scan.
_NEEDLES: tuple[tuple[str, ...], ...] = (
    ("sign up", "subscribe"),
    ("follow us on", "like us on facebook", "share "),
    (
        "podcast", "newsletter", "app", "briefing", "bulletin", "alert", "each ", "every ",
        "daily", "weekly", "in your inbox", "on apple", "on spotify", "on itunes", "on google",
        "on amazon", "on stitcher", "on alexa", "wherever you ",
    ),
    ("wherever you get your podcasts", "available ", "app"),
    ("stay tuned",),
    ("commission", "affiliate", "compensation"),
    ("affiliate ",),
    ("as an amazon associate",),
    ("our", "my"),
    ("click here", "tap here"),
    (
        "all rights reserved", "©", "copyright", "privacy policy", "terms of ",
        "we use cookies", "may not be ", " to the editor",
    ),
    (
        "compensated", "sponsored", "paid for", "brought to you", "made possible",
        "in partnership", "underwritten",
    ),
    ("compensated", "paid", "given"),
    ("share", "portion", "cut", "percentage", "commission", "fee", "if you "),
    ("#",),
    ("(@",),
    (":", "|", "–", "—"),
    ("here", "this is", "find out", "learn", "see", "discover", "take a look at"),
)  # fmt: skip
#: Letters that match an ASCII letter when case is ignored but do not lower-case to
#: one ("ſ" matches "s"): with one of them every pattern scans.
_FOLDS_TO_ASCII = frozenset("İıſK")
#: The triggers and each pattern's needles as one search each (:func:`any_of`).
_TRIGGER = any_of(_BOILERPLATE_TRIGGERS)
_NEEDLE_PATTERNS = tuple(any_of(needles) for needles in _NEEDLES)


def _is_boilerplate_sentence(sentence: str) -> bool:
    lower = sentence.lower()
    if not (_TRIGGER.search(lower) or _OPENING_TRIGGERS.match(sentence)):
        return False
    if not _FOLDS_TO_ASCII.isdisjoint(sentence):
        return any(p.search(sentence) for p in _BOILERPLATE_SENTENCE)
    return any(
        needles.search(lower) and p.search(sentence)
        for needles, p in zip(_NEEDLE_PATTERNS, _BOILERPLATE_SENTENCE, strict=True)
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


#: A line of at most this many sentences that makes an offer may be all pitch.
_PITCH_SENTENCES = 3


def _is_pitch(sentences: list[str], kept: list[str]) -> bool:
    """A short line with an offer in it: "Start your day with The Memo. The Memo is
    what investors read first. Sign up for the free newsletter." """
    return (
        len(sentences) <= _PITCH_SENTENCES
        and len(kept) < len(sentences)
        and any(p.search(s) for s in sentences if s not in kept for p in _OFFER_SENTENCE)
    )


def _without_pitches(lines: list[_Line]) -> list[_Line]:
    """The lines without a pitch at the article's start or end (where promotions sit),
    so long as prose is left."""
    start, end = 0, len(lines)
    while (
        start < end
        and lines[start].pitch
        and any(line.punctuated and not line.pitch for line in lines[start + 1 : end])
    ):
        start += 1
    while (
        end > start
        and lines[end - 1].pitch
        and any(line.punctuated and not line.pitch for line in lines[start : end - 1])
    ):
        end -= 1
    return lines[start:end]


def mend_fragment(sentence: str) -> str | None:
    """Repair a broken sentence, or return None when it cannot stand.

    A sentence is broken when it carries an inline note, a replacement
    character, a word cut off before a bracket, or a "word" of more than
    200 characters. When the damage lies in
    a leading clause, the clause is cut and the rest kept if it is long
    enough to be a sentence on its own.
    """
    if "\ufffd" in sentence or max(map(len, sentence.split()), default=0) > _MAX_WORD_CHARS:
        return None
    damage = (("(" in sentence or "[" in sentence) and _INLINE_NOTE.search(sentence)) or (
        "?" in sentence and _CUT_OFF.search(sentence)
    )
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
    return not line.punctuated and (
        len(line.text.split()) <= _HEADING_MAX_WORDS or _is_shouted(line.text)
    )


def _is_title(line: _Line) -> bool:
    text = line.text
    return (
        (not text.endswith(".") or text.endswith("..."))
        and len(text.split()) <= _TITLE_MAX_WORDS
        and text[:1].isupper() | text[:1].isdigit() | (text[:1] in "\"“‘'")
    )


#: The heading of a press release's company profile ("About Ascom", "About my6sense",
#: "About the company"), of its contacts and of its legal notes: what follows is the
#: same text in every release, not news.
_BOILERPLATE_HEADING = re.compile(
    r"^(?:about\s+(?:us\b|the\s+(?:company|companies|firm|author|authors|publisher)\b|(?-i:[A-Z0-9]|[a-z]+[A-Z0-9])"
    r"[\w.&,'’ -]{0,60}$)"
    r"|(?:media|press|investor|news)\s+(?:contacts?|enquiries|inquiries)|contacts?"
    r"|forward[- ]looking\s+statements?|safe\s+harbou?r(?:\s+statement)?)\s*:?\s*$",
    re.I,
)


def _without_boilerplate_sections(blocks: tuple[Block, ...]) -> tuple[Block, ...]:
    """``blocks`` without the sections a boilerplate heading opens (see
    :data:`_BOILERPLATE_HEADING`): each runs to the next heading that is not one."""
    out: list[Block] = []
    skipping = False
    for block in blocks:
        if block.kind == "heading":
            skipping = bool(_BOILERPLATE_HEADING.match(block.text)) and bool(out)
            if skipping:
                continue
        if not skipping:
            out.append(block)
    return tuple(out)


def _drop_trailing_headings(blocks: tuple[Block, ...]) -> tuple[Block, ...]:
    """A heading with no text under it (at the end) is not a heading."""
    out = list(blocks)
    while out and out[-1].kind == "heading":
        out.pop()
    return tuple(out)
