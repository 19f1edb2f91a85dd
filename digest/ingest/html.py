"""Web pages: the article's main text and metadata, as plain lines.

**Main text.** trafilatura finds it, dropping navigation, footers, ads and
comments and keeping paragraphs, headings, lists and tables, one block per
line (what :func:`digest.clean.clean` expects; list items start with "- ",
table rows with "| "). Its settings pull two ways: ``favor_precision``
keeps only what is surely the article but on some pages prunes whole
paragraphs or the text of links inside a sentence; the default keeps every
paragraph but also "related" lists and sign-up boxes. So we run both and
let precision say *where* the article is and the default say *what it
says*:

1. The precision extraction, by trafilatura's own algorithm alone
   (``fast``). Only when that holds no article (too little prose) are its
   fallbacks (readability, jusText) let in: on a short page they tend to
   swap the article for a longer list of teasers.
2. The default extraction, the same way. Each of its lines that matches a
   precision line is kept (in the default's fuller wording), and so are its
   prose paragraphs that lie *between* matched lines (inside the article);
   lines before the first or after the last match are the page around it.
3. When precision finds no article at all, the default and then
   ``favor_recall`` extractions are taken as they are. A page is rejected
   only when none of them holds a single sentence of prose.

Prose is measured in words, with CJK characters counted by the pair, so a
Japanese article is not taken for an empty page.

**Metadata.** The title and canonical URL come from trafilatura. The
outlet, the author and the published time are read from the page's own
markup (``og:site_name``, JSON-LD ``publisher`` / ``author`` /
``datePublished``, ``<meta>``, ``<time>``, the ``<title>`` suffix) and made
readable by :mod:`digest.ingest.meta`. A date before 1990 or after the
build's day (``today``) is ignored and the next-best taken, ending with the
date in the URL.

:func:`html_to_text` is the small, markup-stripping converter used for the
HTML inside feed entries. Page text is untrusted: no markup survives either
path.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import lxml.html
import trafilatura
from lxml import etree

from digest.errors import IngestError
from digest.ingest.meta import (
    author_name,
    first_plausible,
    http_url,
    outlet_name,
    title_suffix,
    url_date,
)
from digest.ingest.values import decode, parse_datetime
from digest.model import ArticleData
from digest.text import fold_space, text_or_none

# trafilatura and its helpers log their guesses; our warnings are the ones a user sees.
for _name in ("trafilatura", "htmldate", "courlan", "justext", "readability"):
    logging.getLogger(_name).addHandler(logging.NullHandler())
    logging.getLogger(_name).propagate = False

#: A page with fewer words of prose than this is not an article (an index, a login page).
MIN_ARTICLE_WORDS = 40
#: ... nor one where prose is under this share of the words (a menu with a sentence in it).
MIN_PROSE_SHARE = 0.3
#: A line is prose when it has this many words and a sentence ends in it.
_PROSE_LINE_WORDS = 6
_SENTENCE_END = re.compile(r"[.!?…。！？][\"'”’)\]]*(?:\s|$)")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
#: A default-extraction line matches a precision line when it holds this share
#: of the precision line's words, and they make this share of its own.
_MATCH_COVER = 0.8
_MATCH_SHARE = 0.5

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.I)

#: ``<meta>`` names and properties that carry a publication time, best first.
_DATE_META = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "publishdate",
    "pubdate",
    "dc.date.issued",
    "dc.date",
    "dcterms.created",
    "sailthru.date",
    "parsely-pub-date",
    "date",
)
#: ``<meta>`` names and properties that carry a byline, best first.
_AUTHOR_META = (
    "author",
    "article:author",
    "byl",
    "parsely-author",
    "sailthru.author",
    "dc.creator",
)
#: ``<meta>`` names and properties that carry the site's name, best first.
_SITE_META = ("og:site_name", "application-name")


def sniff_charset(body: bytes) -> str | None:
    """The charset declared by a byte-order mark or a ``<meta>`` in the first 4 KB."""
    if body.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if body.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    match = _META_CHARSET.search(body[:4096])
    return match.group(1).decode("ascii") if match else None


def decode_html(body: bytes, charset: str | None = None) -> str:
    """Decode a page: the HTTP charset, else the page's own, else UTF-8, else Windows-1252.

    A declared charset that is unknown or does not fit the bytes is passed over.
    """
    return decode(body, charset, sniff_charset(body))


def read_page(
    body: bytes | str,
    *,
    source: str,
    url: str | None = None,
    charset: str | None = None,
    today: dt.date | None = None,
) -> ArticleData:
    """One web page as an article; :class:`IngestError` when it holds no article.

    ``source`` is what the user gave (path or URL); ``url`` the address the
    page came from, used to resolve relative links and as the fallback
    canonical URL; ``today`` the build's date, past which no publication
    date is believed.
    """
    text = body if isinstance(body, str) else decode_html(body, charset)
    if not text.strip():
        raise IngestError("page is empty", path=source)
    url = http_url(url)
    try:
        main = _main_text(text, url)
        doc = _metadata(text, url, today)
        meta = page_meta(text)
    except Exception as exc:  # the extractor must never sink the build
        raise IngestError(
            f"cannot extract the page's text ({type(exc).__name__})", path=source
        ) from None
    if main is None:
        raise IngestError(
            "no article found on the page (no prose in its main text)",
            path=source,
            fix="give the URL of an article, not a home or index page",
        )
    title = text_or_none(getattr(doc, "title", None))
    lines = [line.strip() for line in main.splitlines() if line.strip()]
    if title and lines and lines[0] == title:
        lines = lines[1:]  # the headline is metadata, not body
    canonical = http_url(text_or_none(getattr(doc, "url", None))) or http_url(url)
    outlet = outlet_name(
        [*meta.site_names, *meta.publishers, title_suffix(meta.page_title, title)],
        canonical or url,
    )
    published = first_plausible(
        [*meta.dates, _day(getattr(doc, "date", None)), url_date(canonical or url)], today
    )
    author = next(
        (
            a
            for a in map(author_name, [*meta.authors, getattr(doc, "author", None)])
            if a and not _same_name(a, outlet)  # the site naming itself is no byline
        ),
        None,
    )
    return ArticleData(
        path=source,
        text="\n".join(lines),
        title=title,
        url=canonical,
        outlet=outlet,
        published=published,
        author=author,
    )


# -- the main text ----------------------------------------------------------------


def _extract(
    html: str, url: str | None, *, fast: bool, precision: bool = False, recall: bool = False
) -> str:
    text = trafilatura.extract(
        html,
        url=url,
        fast=fast,
        favor_precision=precision,
        favor_recall=recall,
        include_comments=False,
        include_tables=True,
        include_images=False,
    )
    return text or ""


def _metadata(html: str, url: str | None, today: dt.date | None) -> Any:
    """trafilatura's metadata document (title, canonical URL, date guess ...)."""
    # htmldate's newest allowed date is the clock's today unless told: tell it the
    # build's, so the same page and --date give the same article
    latest = (today + dt.timedelta(days=1)) if today else dt.date(9999, 12, 31)
    return trafilatura.extract_metadata(
        html,
        default_url=url,
        date_config={
            "original_date": True,
            "extensive_search": True,
            "max_date": latest.isoformat(),
        },
    )


def _main_text(html: str, url: str | None) -> str | None:
    """The page's main text (None: no article); see the module docstring."""
    precise = _extract(html, url, fast=True, precision=True)
    fast = True
    if not is_article(precise):
        precise, fast = _extract(html, url, fast=False, precision=True), False
    if is_article(precise):
        return merge_extractions(precise, _extract(html, url, fast=fast))
    tried = []
    for recall in (False, True):
        for quick in (True, False):
            text = _extract(html, url, fast=quick, recall=recall)
            if is_article(text):
                return text
            tried.append(text)
    best = max(tried, key=lambda t: prose_words(t)[0])
    return best if prose_words(best)[0] > 0 else None


def words_in(line: str) -> int:
    """Words in a line; CJK characters count one word per pair."""
    return len(line.split()) + len(_CJK.findall(line)) // 2


def is_prose(line: str) -> bool:
    """A line of several words in which a sentence ends: a paragraph, not a menu item."""
    line = line.strip()
    return (
        not line.startswith(("- ", "| "))
        and words_in(line) >= _PROSE_LINE_WORDS
        and bool(_SENTENCE_END.search(line))
    )


def prose_words(text: str) -> tuple[int, int]:
    """Words in prose lines, and in all lines.

    Menus, link lists and section fronts have plenty of words but few sentences.
    """
    prose = total = 0
    for line in text.splitlines():
        words = words_in(line)
        total += words
        if is_prose(line):
            prose += words
    return prose, total


def is_article(text: str) -> bool:
    """Enough prose, and prose enough of the text, to be an article."""
    prose, total = prose_words(text)
    return prose >= MIN_ARTICLE_WORDS and prose >= MIN_PROSE_SHARE * total


def _tokens(line: str) -> frozenset[str]:
    return frozenset(_TOKEN.findall(line.casefold()))


def merge_extractions(precise: str, full: str) -> str:
    """The default extraction's lines where the precision extraction places the article.

    A line of ``full`` is kept when it matches a line of ``precise`` (it holds
    most of that line's words: the same paragraph, perhaps with the link text
    precision dropped), or when it is prose lying between two matched lines.
    With no match at all, ``precise`` is returned as it is.
    """
    wanted = [_tokens(line) for line in precise.splitlines() if line.strip()]
    exact = {line.strip() for line in precise.splitlines() if line.strip()}
    lines = [line.strip() for line in full.splitlines() if line.strip()]
    matched = []
    for line in lines:
        if line in exact:
            matched.append(True)
            continue
        have = _tokens(line)
        matched.append(
            bool(have)
            and any(
                want
                and len(want & have) >= _MATCH_COVER * len(want)
                and len(want & have) >= _MATCH_SHARE * len(have)
                for want in wanted
            )
        )
    hits = [i for i, hit in enumerate(matched) if hit]
    if not hits:
        return precise
    first, last = hits[0], hits[-1]
    return "\n".join(
        line for i, line in enumerate(lines) if matched[i] or (first < i < last and is_prose(line))
    )


# -- metadata -----------------------------------------------------------------------


@dataclass
class PageMeta:
    """What a page's markup says about it, each list best first."""

    site_names: list[str] = field(default_factory=list)
    publishers: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    dates: list[dt.datetime] = field(default_factory=list)
    page_title: str | None = None


def page_meta(html: str) -> PageMeta:
    """Site name, publisher, authors, dates and ``<title>`` from a page's markup."""
    meta = PageMeta()
    try:
        tree = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return meta
    found: dict[str, list[str]] = {}
    for element in tree.iter("meta"):
        key = (
            element.get("property") or element.get("name") or element.get("itemprop") or ""
        ).lower()
        content = element.get("content")
        if key and content:
            found.setdefault(key, []).append(str(content))
    meta.site_names = [v for key in _SITE_META for v in found.get(key, [])]
    dates = [parse_datetime(v) for key in _DATE_META for v in found.get(key, [])]
    bylines: list[str] = []
    for data in _json_ld(tree):
        for item in _walk_json(data):
            meta.publishers.extend(_names(item.get("publisher")))
            authors = _names(item.get("author"))
            if authors:
                bylines.append(", ".join(authors))
            if isinstance(item.get("datePublished"), str):
                dates.append(parse_datetime(item["datePublished"]))
    # structured bylines name people one by one; <meta> ones are free text
    meta.authors = bylines + [v for key in _AUTHOR_META for v in found.get(key, [])]
    for time_el in tree.iter("time"):
        if time_el.get("datetime"):
            dates.append(parse_datetime(str(time_el.get("datetime"))))
    meta.dates = [d for d in dates if d is not None]
    title = tree.find(".//title")
    meta.page_title = text_or_none(title.text_content()) if title is not None else None
    return meta


def page_published(html: str, today: dt.date | None = None) -> dt.datetime | None:
    """The publication time a page declares in ``<meta>``, JSON-LD or ``<time>``, tz-aware;
    implausible dates (:func:`digest.ingest.meta.plausible`) are passed over."""
    return first_plausible(page_meta(html).dates, today)


def _json_ld(tree: Any) -> Iterator[Any]:
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() == "application/ld+json" and script.text:
            try:
                yield json.loads(script.text)
            except (ValueError, RecursionError):  # broken, or nested past Python's limit
                continue


def _walk_json(data: Any) -> Iterator[dict[str, Any]]:
    """Every object in a JSON-LD document, breadth first."""
    queue = [data]
    while queue:
        item = queue.pop(0)
        if isinstance(item, list):
            queue.extend(item)
        elif isinstance(item, dict):
            yield item
            queue.extend(
                v
                for k, v in item.items()
                if k not in ("publisher", "author") and isinstance(v, list | dict)
            )


def _names(value: Any) -> list[str]:
    """The ``name`` of a JSON-LD Person or Organization, or of each in a list."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        name = value.get("name")
        return [name] if isinstance(name, str) and name.strip() else []
    if isinstance(value, list):
        return [n for v in value for n in _names(v)]
    return []


def _same_name(author: str, outlet: str | None) -> bool:
    squash = re.compile(r"[\W_]+")
    a, o = squash.sub("", author.casefold()), squash.sub("", (outlet or "").casefold())
    return bool(o) and (a == o or a in o or o in a)


def _day(value: object) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    return parse_datetime(value)


# -- HTML fragments (feed entries) -------------------------------------------------

#: Elements whose content is never text a reader should see.
_DROP = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "iframe",
        "object",
        "embed",
        "svg",
        "math",
        "form",
        "button",
        "select",
        "textarea",
        "head",
        "nav",
        "figcaption",
    }
)
#: Elements that start a new line.
_BLOCK = frozenset(
    {
        "p",
        "div",
        "section",
        "article",
        "main",
        "header",
        "footer",
        "aside",
        "blockquote",
        "pre",
        "ul",
        "ol",
        "li",
        "dl",
        "dt",
        "dd",
        "table",
        "tr",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "figure",
        "address",
        "br",
    }
)


def html_to_text(fragment: str) -> str:
    """HTML to plain text, one block per line; every tag, script and style removed.

    A list item's line starts with "• " (an empty item leaves nothing).
    """
    if "<" not in fragment and "&" not in fragment:
        return "\n".join(fold_space(line) for line in fragment.splitlines() if line.strip())
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return ""
    parts: list[str] = []
    _walk(root, parts)
    return _lines(parts)


def _lines(parts: list[str]) -> str:
    lines = (fold_space(line) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _walk(element: Any, parts: list[str]) -> None:
    tag = element.tag.lower() if isinstance(element.tag, str) else ""
    if tag in _DROP or not tag:  # comments and processing instructions have no str tag
        if element.tail:
            parts.append(element.tail)
        return
    if tag == "li":
        # a list item keeps a bullet on its first line, so the cleaner knows it is no paragraph
        inner: list[str] = [element.text or ""]
        for child in element:
            _walk(child, inner)
        text = _lines(inner)
        if text:
            parts.append(f"\n• {text}\n")
        if element.tail:
            parts.append(element.tail)
        return
    block = tag in _BLOCK
    if block:
        parts.append("\n")
    if element.text:
        parts.append(element.text)
    for child in element:
        _walk(child, parts)
    if block:
        parts.append("\n")
    if element.tail:
        parts.append(element.tail)
