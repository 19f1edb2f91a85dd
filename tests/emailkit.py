"""Helpers for the email tests: a realistic ten-story digest and an HTML reader.

Kept apart from the tests so ``benchmarks/email_size.py`` can use them too.
Standard library only: CI has no Nu checker, caniemail or browser.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
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

    def resolved(self, prop: str, rules: Sequence[Rule] = ()) -> str | None:
        """The value of ``prop`` ("color" or "background") this text is drawn with.

        Each element from the innermost out: an ``!important`` rule of ``rules``
        that matches it wins over its inline style (as in a client that applies
        the rules); the first element with either decides. For "background",
        ``background-color`` and the ``background`` shorthand both count.
        """
        names = ("background-color", "background") if prop == "background" else (prop,)
        for depth in range(len(self.chain) - 1, -1, -1):
            node, ancestors = self.chain[depth], self.chain[:depth]
            matched = [r for r in rules if r.matches(node, ancestors) and r.sets(names)]
            if matched:
                return max(matched, key=lambda r: r.specificity).value(names)
            for name in names:
                if name in node.style:
                    return node.style[name]
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
        #: Every run, whitespace-only ones too (they separate words).
        self.runs: list[Text] = []
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
        elif not (self._stack and self._stack[-1].tag == "title"):
            self.runs.append(Text(data, tuple(self._stack)))
            if data.strip():
                self.texts.append(self.runs[-1])

    def visible_text(self) -> str:
        """The shown text, whitespace collapsed."""
        return " ".join(" ".join(t.text for t in self.texts if not t.hidden).split())

    def find(self, tag: str) -> list[Node]:
        return [e for e in self.elements if e.tag == tag]

    def text_of(self, node: Node) -> str:
        """The shown text inside ``node``, whitespace (and no-break spaces) collapsed."""
        inside = [t.text for t in self.runs if any(n is node for n in t.chain) and not t.hidden]
        return " ".join("".join(inside).split())


def read_html(html: str) -> EmailReader:
    reader = EmailReader()
    reader.feed(html)
    reader.close()
    return reader


def strip_styles(html: str) -> str:
    """``html`` as a client that drops every ``<style>`` element sees it."""
    return re.sub(r"<style\b.*?</style>", "", html, flags=re.S | re.I)


# -- colour and the dark-mode rules ---------------------------------------------


@dataclass(frozen=True)
class Rule:
    """One CSS rule with a descendant-only selector (``.a td``, ``body``, ``.b``)."""

    #: Each compound of the selector, outermost first, as (tag or "", classes).
    compounds: tuple[tuple[str, frozenset[str]], ...]
    declarations: dict[str, str]
    important: frozenset[str]

    @property
    def specificity(self) -> tuple[int, int]:
        return (
            sum(len(classes) for _, classes in self.compounds),
            sum(1 for tag, _ in self.compounds if tag),
        )

    def sets(self, names: Sequence[str]) -> bool:
        return any(n in self.important for n in names)

    def value(self, names: Sequence[str]) -> str:
        return next(self.declarations[n] for n in names if n in self.important)

    def matches(self, node: Node, ancestors: Sequence[Node]) -> bool:
        *outer, last = self.compounds
        if not _compound_matches(last, node):
            return False
        remaining = list(ancestors)
        for compound in reversed(outer):
            while remaining and not _compound_matches(compound, remaining[-1]):
                remaining.pop()
            if not remaining:
                return False
            remaining.pop()
        return True


def _compound_matches(compound: tuple[str, frozenset[str]], node: Node) -> bool:
    tag, classes = compound
    return (not tag or node.tag == tag) and classes <= set(node.attrs.get("class", "").split())


_COMPOUND = re.compile(r"^([a-z][a-z0-9]*)?((?:\.[\w-]+)*)$")


def parse_rules(css: str) -> list[Rule]:
    """The rules of a flat block of CSS (no nesting); selectors this helper cannot
    read (pseudo-classes, attribute selectors, combinators other than descendant)
    fail the test, so no rule is silently ignored."""
    rules = []
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        declarations, important = {}, set()
        for declaration in body.split(";"):
            name, sep, value = declaration.partition(":")
            if not sep:
                continue
            name, value = name.strip().lower(), value.strip().lower()
            if value.endswith("!important"):
                value = value.removesuffix("!important").strip()
                important.add(name)
            declarations[name] = value
        for selector in selectors.split(","):
            compounds = []
            for part in selector.split():
                found = _COMPOUND.match(part)
                assert found, f"selector {selector.strip()!r} is beyond this test's CSS reader"
                classes = frozenset(c for c in found.group(2).split(".") if c)
                compounds.append((found.group(1) or "", classes))
            rules.append(Rule(tuple(compounds), declarations, frozenset(important)))
    return rules


def media_blocks(css: str, query: str) -> list[str]:
    """The bodies of every ``@media`` block whose condition mentions ``query``."""
    blocks = []
    for match in re.finditer(r"@media([^{]*)\{", css):
        if query not in match.group(1).replace(" ", ""):
            continue
        depth, start = 1, match.end()
        for i in range(start, len(css)):
            depth += {"{": 1, "}": -1}.get(css[i], 0)
            if depth == 0:
                blocks.append(css[start:i])
                break
    return blocks


def rgb(colour: str) -> tuple[int, int, int]:
    """``#abc`` or ``#aabbcc`` as red, green, blue."""
    value = colour.strip().lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    assert re.fullmatch(r"[0-9a-fA-F]{6}", value), f"not a hex colour: {colour!r}"
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def contrast(foreground: str, background: str) -> float:
    """The WCAG 2 contrast ratio of two colours (1 to 21)."""

    def luminance(colour: str) -> float:
        def channel(c: int) -> float:
            v = c / 255
            return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

        r, g, b = (channel(c) for c in rgb(colour))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
