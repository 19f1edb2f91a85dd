"""Web pages: the article's main text and metadata, as plain lines.

The main text comes from trafilatura, which drops navigation, footers, ads
and comments and keeps the article's paragraphs and headings, one block per
line (what :func:`digest.clean.clean` expects). The metadata (title, author,
canonical URL, site name) also comes from trafilatura; the published date is
read from the page's own markup first (``article:published_time``,
``datePublished`` ...) because those carry a time and a zone, and only then
from trafilatura's date guess (a day, taken as midnight UTC).

:func:`html_to_text` is the small, markup-stripping converter used for the
HTML inside feed entries. Page text is untrusted: no markup survives either
path.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from typing import Any

import lxml.html
import trafilatura
from lxml import etree

from digest.errors import IngestError
from digest.ingest.fetch import decode
from digest.ingest.files import parse_datetime
from digest.model import ArticleData

# trafilatura and its helpers log their guesses; our warnings are the ones a user sees.
for _name in ("trafilatura", "htmldate", "courlan", "justext"):
    logging.getLogger(_name).addHandler(logging.NullHandler())
    logging.getLogger(_name).propagate = False

#: A page with fewer words of prose than this is not an article (an index, a login page).
MIN_ARTICLE_WORDS = 40
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")

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
) -> ArticleData:
    """One web page as an article; :class:`IngestError` when it holds no article.

    ``source`` is what the user gave (path or URL); ``url`` the address the
    page came from, used to resolve relative links and as the fallback
    canonical URL.
    """
    text = body if isinstance(body, str) else decode_html(body, charset)
    if not text.strip():
        raise IngestError("page is empty", path=source)
    try:
        doc = trafilatura.bare_extraction(
            text,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            include_images=False,
            favor_precision=True,
        )
    except Exception as exc:  # the extractor must never sink the build
        raise IngestError(
            f"cannot extract the page's text ({type(exc).__name__})", path=source
        ) from None
    main = (getattr(doc, "text", None) or "") if doc is not None else ""
    if prose_words(main) < MIN_ARTICLE_WORDS:
        raise IngestError(
            "no article found on the page (too little main text)",
            path=source,
            fix="give the URL of an article, not a home or index page",
        )
    title = _clean(getattr(doc, "title", None))
    lines = [line.strip() for line in main.splitlines() if line.strip()]
    if title and lines and lines[0] == title:
        lines = lines[1:]  # the headline is metadata, not body
    canonical = _clean(getattr(doc, "url", None)) or url
    outlet = _clean(getattr(doc, "sitename", None)) or _clean(getattr(doc, "hostname", None))
    published = page_published(text) or _day(getattr(doc, "date", None))
    return ArticleData(
        path=source,
        text="\n".join(lines),
        title=title,
        url=canonical if canonical and canonical.startswith(("http://", "https://")) else None,
        outlet=outlet,
        published=published,
        author=_clean(getattr(doc, "author", None)),
    )


def prose_words(text: str) -> int:
    """Words in lines that read as prose: several words ending like a sentence.

    Menus, link lists and section fronts have plenty of words but few sentences.
    """
    total = 0
    for line in text.splitlines():
        words = line.split()
        if len(words) >= 6 and _SENTENCE_END.search(line.strip()):
            total += len(words)
    return total


def page_published(html: str) -> dt.datetime | None:
    """The publication time a page declares in ``<meta>``, JSON-LD or ``<time>``, tz-aware."""
    try:
        tree = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return None
    found: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        if key in _DATE_META and meta.get("content") and key not in found:
            found[key] = str(meta.get("content"))
    for key in _DATE_META:
        if key in found:
            parsed = parse_datetime(found[key])
            if parsed is not None:
                return parsed
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() == "application/ld+json" and script.text:
            value = _json_ld_date(script.text)
            if value is not None:
                return value
    for time_el in tree.iter("time"):
        if time_el.get("datetime"):
            parsed = parse_datetime(str(time_el.get("datetime")))
            if parsed is not None:
                return parsed
    return None


def _json_ld_date(text: str) -> dt.datetime | None:
    try:
        data: Any = json.loads(text)
    except ValueError:
        return None
    stack = [data]
    while stack:
        item = stack.pop(0)
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            value = item.get("datePublished")
            if isinstance(value, str):
                parsed = parse_datetime(value)
                if parsed is not None:
                    return parsed
            stack.extend(v for v in item.values() if isinstance(v, list | dict))
    return None


def _day(value: object) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    return parse_datetime(value)


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None


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
    """HTML to plain text, one block per line; every tag, script and style removed."""
    if "<" not in fragment and "&" not in fragment:
        return "\n".join(" ".join(line.split()) for line in fragment.splitlines() if line.strip())
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return ""
    parts: list[str] = []
    _walk(root, parts)
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _walk(element: Any, parts: list[str]) -> None:
    tag = element.tag.lower() if isinstance(element.tag, str) else ""
    if tag in _DROP or not tag:  # comments and processing instructions have no str tag
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
