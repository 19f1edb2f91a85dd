"""Helpers for the email tests: a realistic ten-story digest and an HTML reader.

Kept apart from the tests so ``benchmarks/email_size.py`` can use them too.
Standard library only: CI has no Nu checker, caniemail or browser.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from digest.model import Digest, Sentence, Source, Story

_OUTLETS = ("The Springfield Times", "Shelbyville Herald", "Capital City Courier", "KBBL News")
_PROSE = (
    "council members said the plan would cut waiting times across the city while critics "
    "argued that the budget left little room for the repairs residents have asked about "
    "for years and the mayor promised a public hearing before any final vote next month"
)
_WORDS = _PROSE.split(" ")

#: Elements with no end tag.
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


def sample_digest(stories: int = 10, sentences: int = 5, sources: int = 3) -> Digest:
    """A digest shaped like a busy real issue: long sentences, several linked sources each."""
    made = []
    for n in range(stories):
        story_sources = tuple(
            Source(
                title=f"Story {n + 1}: what the council decided about item {k + 1} this week",
                url=f"https://news{k}.example/2026/11/20/council-budget-item-{n}-{k}?ref=digest&x=1",
                outlet=_OUTLETS[(n + k) % len(_OUTLETS)],
                published=dt.datetime(2026, 11, 20, 9, k, tzinfo=dt.UTC),
                path=f"articles/{n:03}-{k}.md",
            )
            for k in range(sources)
        )
        story_sentences = tuple(
            Sentence(
                " ".join(_WORDS[(n + s) % 7 : (n + s) % 7 + 28]).capitalize() + ".",
                tuple(sorted({s % sources, (s + n) % sources})),
            )
            for s in range(sentences)
        )
        made.append(
            Story(
                f"Headline number {n + 1} about the council budget", story_sentences, story_sources
            )
        )
    return Digest(
        title="Springfield this week",
        date=dt.date(2026, 11, 21),
        stories=tuple(made),
        intro=f"{stories} stories from {stories * sources} articles: the council budget leads.",
        article_count=stories * sources,
    )


@dataclass
class Node:
    """One element with its attributes and, for reading text, the parsed style."""

    tag: str
    attrs: dict[str, str]
    style: dict[str, str] = field(default_factory=dict)


@dataclass
class Text:
    """A run of text with the chain of elements it sits in (outermost first)."""

    text: str
    chain: tuple[Node, ...]

    def inherited(self, prop: str) -> str | None:
        """The nearest value of CSS property ``prop`` along the chain."""
        for node in reversed(self.chain):
            if prop in node.style:
                return node.style[prop]
        return None

    @property
    def hidden(self) -> bool:
        """Not shown: inside ``display:none`` or at an inherited font size of 0."""
        if any(n.style.get("display") == "none" for n in self.chain):
            return True
        size = self.inherited("font-size")
        return size is not None and re.fullmatch(r"0(px|pt|em|%)?", size) is not None


def parse_style(value: str) -> dict[str, str]:
    """``"a:b; c:d"`` as a dict (last declaration wins, names lower-cased)."""
    out = {}
    for declaration in value.split(";"):
        name, sep, val = declaration.partition(":")
        if sep:
            out[name.strip().lower()] = val.strip().lower()
    return out


class EmailReader(HTMLParser):
    """Every element and every text run of an HTML email, with inline styles resolved."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Node] = []
        self.texts: list[Text] = []
        self.styles: list[str] = []
        self._stack: list[Node] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        node = Node(tag, values, parse_style(values.get("style", "")))
        self.elements.append(node)
        if tag not in VOID:
            self._stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self._stack) - 1, -1, -1):
            if self._stack[i].tag == tag:
                del self._stack[i:]
                return

    def handle_data(self, data: str) -> None:
        if self._stack and self._stack[-1].tag == "style":
            self.styles.append(data)
        elif data.strip() and not (self._stack and self._stack[-1].tag == "title"):
            self.texts.append(Text(data, tuple(self._stack)))

    def visible_text(self) -> str:
        """The shown text, whitespace collapsed."""
        return " ".join(" ".join(t.text for t in self.texts if not t.hidden).split())

    def find(self, tag: str) -> list[Node]:
        return [e for e in self.elements if e.tag == tag]


def read_html(html: str) -> EmailReader:
    reader = EmailReader()
    reader.feed(html)
    reader.close()
    return reader


def strip_styles(html: str) -> str:
    """``html`` as a client that drops every ``<style>`` element sees it."""
    return re.sub(r"<style\b.*?</style>", "", html, flags=re.S | re.I)
