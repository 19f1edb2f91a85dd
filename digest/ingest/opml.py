"""OPML subscription lists: the feeds an editor follows.

Every ``<outline>`` with an ``xmlUrl`` (a feed) or, for ``type="link"``, a
``url`` (a page) is a subscription, in document order, nested folders
included. The XML parser resolves no entities and loads nothing from the
network.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from xml.sax.saxutils import quoteattr

from lxml import etree

from digest.errors import IngestError


@dataclass(frozen=True)
class Subscription:
    """One feed (or page) of a subscription list."""

    url: str
    title: str | None = None


def looks_like_opml(body: bytes) -> bool:
    """Whether a body starts like an OPML document."""
    return b"<opml" in body[:1024].lower()


def parse_opml(body: bytes, *, source: str) -> list[Subscription]:
    """The subscriptions of an OPML document; :class:`IngestError` when it is not one."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True
    )
    try:
        root = etree.fromstring(body, parser=parser)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno is not None else "?"
        raise IngestError(
            f"not valid OPML (XML error at line {line}: {exc.msg})",
            path=source,
            fix="export the subscription list again from your feed reader",
        ) from None
    if root is None or etree.QName(root).localname.lower() != "opml":
        raise IngestError("not an OPML document (no <opml> element)", path=source)
    subscriptions: list[Subscription] = []
    seen: set[str] = set()
    for outline in root.iter("{*}outline"):
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if not url and (outline.get("type") or "").lower() == "link":
            url = (outline.get("url") or "").strip()
        if url and url not in seen:
            seen.add(url)
            title = (outline.get("title") or outline.get("text") or "").strip() or None
            subscriptions.append(Subscription(url=url, title=title))
    if not subscriptions:
        raise IngestError("OPML file lists no feeds (no outline has an xmlUrl)", path=source)
    return subscriptions


def opml_document(subscriptions: Iterable[Subscription], title: str = "Subscriptions") -> str:
    """An OPML 2.0 document listing ``subscriptions`` (the inverse of :func:`parse_opml`)."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        f"  <head><title>{_escape(title)}</title></head>",
        "  <body>",
    ]
    for sub in subscriptions:
        text = f" text={quoteattr(sub.title)} title={quoteattr(sub.title)}" if sub.title else ""
        lines.append(f'    <outline type="rss"{text} xmlUrl={quoteattr(sub.url)}/>')
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
