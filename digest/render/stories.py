"""How every edition shows a story: paragraphs, citations and the list of sources.

The email, its plain text, the feed entries and the web pages show a story
the same way, and all of them take that shape from here instead of working it
out in a template:

* the sentences as one or two paragraphs of prose, not one paragraph each;
* after each sentence the numbers of the sources it cites (``[1, 3]``), the
  sources numbered in the order the text first cites them, so the numbers
  rise as one reads;
* the cited sources as a numbered list, and apart from them, unnumbered, the
  sources no sentence cites ("also covered by");
* each source named by its outlet, title and date, and linked only when its
  URL is http(s): a local file's path, a ``javascript:`` or ``data:`` URL is
  never shown, as a link or as text;
* the lead story's headline left out when it is the issue's title, so the
  title is printed once.

Feed entries number the sources the way a text reader numbers an entry's
links (:func:`lay_out_for_reader`), so that newsboat's numbers and ours agree.
"""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from digest.model import Difference, Digest, Sentence, Source, Story
from digest.text import fold_space, text_or_none

#: A story whose sentences together are at most this long (in characters)
#: and at most :data:`ONE_PARAGRAPH_SENTENCES` in number reads as one paragraph.
ONE_PARAGRAPH_CHARS = 480
ONE_PARAGRAPH_SENTENCES = 3


@dataclass(frozen=True)
class ListedSource:
    """A source as a story lists it."""

    #: Its citation number, from 1; None for a source no sentence cites.
    number: int | None
    outlet: str | None
    #: What to call it: the title, else the outlet, else the URL's host.
    title: str
    #: The day it was published, if known.
    date: dt.date | None
    #: Its URL if http(s), else None: only these become links or are printed.
    url: str | None

    @property
    def label(self) -> str:
        """``Outlet: Title``, or the one of them it has."""
        if self.outlet and self.title != self.outlet:
            return f"{self.outlet}: {self.title}"
        return self.title


@dataclass(frozen=True)
class CitedSentence:
    """One sentence as read, with the sources it cites in number order."""

    text: str
    cites: tuple[ListedSource, ...]

    @property
    def marker(self) -> str:
        """``[1, 3]`` (empty when it cites nothing)."""
        if not self.cites:
            return ""
        return "[" + ", ".join(str(s.number) for s in self.cites) + "]"


@dataclass(frozen=True)
class StoryLayout:
    """A story ready for a template."""

    headline: str
    #: False for the lead story whose headline is the issue's title.
    show_headline: bool
    #: One or two paragraphs of sentences.
    paragraphs: tuple[tuple[CitedSentence, ...], ...]
    #: The sources some sentence cites, by number.
    cited: tuple[ListedSource, ...]
    #: The sources no sentence cites, in the story's order (the most useful of
    #: them in a short edition: see :func:`lay_out`).
    also: tuple[ListedSource, ...]
    #: Where the sources disagree: one line each, its markers as citation numbers.
    differences: tuple[CitedSentence, ...] = ()
    #: How many sources of the story are not listed (a short edition's), and
    #: from how many outlets (None when some of them name no outlet).
    more: int = 0
    more_outlets: int | None = None

    @property
    def sources(self) -> tuple[ListedSource, ...]:
        """Every source of the story: the cited ones, then the others."""
        return self.cited + self.also

    @property
    def also_label(self) -> str:
        """What the uncited sources are listed under: "Also covered by", or, for a
        story without a cited sentence, "Covered by"."""
        return "Also covered by" if self.cited else "Covered by"

    @property
    def more_label(self) -> str:
        """ "and 212 more from 31 outlets" (empty when every source is listed)."""
        if not self.more:
            return ""
        if self.more_outlets is None:
            return f"and {self.more} more"
        outlets = "outlet" if self.more_outlets == 1 else "outlets"
        return f"and {self.more} more from {self.more_outlets} {outlets}"

    @property
    def cited_runs(self) -> tuple[tuple[ListedSource, ...], ...]:
        """The cited sources in runs of consecutive numbers (one numbered list each)."""
        runs: list[list[ListedSource]] = []
        for source in self.cited:
            if runs and runs[-1][-1].number == _number(source) - 1:
                runs[-1].append(source)
            else:
                runs.append([source])
        return tuple(tuple(run) for run in runs)


def web_url(url: str | None) -> str | None:
    """``url`` if it is an absolute http(s) URL, else None: never a ``javascript:`` link.

    Every template that links or prints a source's URL goes through this;
    article metadata is untrusted and escaping alone does not stop a
    ``javascript:`` href. A URL with a control character (a line break could
    start a fake line in the text edition) is refused, and so is one that does
    not parse (``http://[::1``, from an issue an older digest archived); a
    space is encoded.
    """
    if not url:
        return None
    url = url.strip()
    if any(ord(c) < 32 or ord(c) == 127 for c in url):
        return None
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- a port of 99999 or "abc" is no link either
    except ValueError:
        return None
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        return url.replace(" ", "%20")
    return None


def listed_source(source: Source, number: int | None) -> ListedSource:
    """How ``source`` is named and linked; never by a local path."""
    url = web_url(source.url)
    outlet = text_or_none(source.outlet)
    title = text_or_none(source.title) or outlet or (urlsplit(url).hostname if url else None)
    published = source.published.date() if source.published else None
    return ListedSource(number, outlet, title or "Untitled article", published, url)


#: A sentence shows at most this many citation numbers (a sentence that a
#: hundred copies of one wire story print would otherwise carry a hundred) ...
SHOWN_CITES = 2
#: ... and a short edition (the email, its text, the feeds) lists this many
#: sources under a story: every one a shown number cites, then others,
#: distinct outlets first; it says how many more covered it.
SHOWN_SOURCES = 4


@dataclass(frozen=True)
class _Choice:
    """Which sources a layout shows, before they are numbered (indexes into the story)."""

    #: Per sentence, the sources its numbers cite, in the story's order.
    cites: tuple[tuple[int, ...], ...]
    #: Every source some shown number cites, in the order the text first cites them.
    cited: tuple[int, ...]
    #: The other sources listed, in the story's order.
    also: tuple[int, ...]
    #: The sources not listed.
    rest: tuple[int, ...]


def _outlet(source: Source) -> str:
    return (source.outlet or "").strip().casefold() or (source.url or source.path or "")


def _choose(story: Story, short: bool, differences: Sequence[Difference] = ()) -> _Choice:
    """The sources a layout shows: all of them, or (``short``) the most useful.

    Each sentence cites at most :data:`SHOWN_CITES` of its sources: different
    outlets before a second one of the same, a source already cited before a
    new one, then in the story's order; and once :data:`SHOWN_SOURCES` are
    cited, a new one only for a sentence that cites none yet. So every
    edition numbers the same sources alike. Every cited source is listed;
    then the others: all of them, or in a short edition up to
    :data:`SHOWN_SOURCES` in all, those of outlets not yet listed first, in
    the story's order.
    """
    cites: list[tuple[int, ...]] = []
    order: dict[int, None] = {}
    for sentence in story.sentences:
        valid = list(dict.fromkeys(_valid(sentence, story)))
        picked: list[int] = []
        outlets: set[str] = set()
        while len(picked) < SHOWN_CITES:
            new = sum(1 for i in picked if i not in order)
            room = len(order) + new < SHOWN_SOURCES or not picked
            options = [i for i in valid if i not in picked and (room or i in order)]
            if not options:
                break
            best = min(
                options,
                key=lambda i: (_outlet(story.sources[i]) in outlets, i not in order, i),
            )
            picked.append(best)
            outlets.add(_outlet(story.sources[best]))
        shown = tuple(i for i in valid if i in picked)
        cites.append(shown)
        order.update(dict.fromkeys(shown))
    for difference in differences:  # a "sources differ" line cites each side
        order.update(dict.fromkeys(difference.sources))
    cited = tuple(order)
    others = [i for i in range(len(story.sources)) if i not in order]
    if not short:
        return _Choice(tuple(cites), cited, tuple(others), ())
    places = max(SHOWN_SOURCES - len(cited), 0)
    listed = {_outlet(story.sources[i]) for i in cited}
    fresh: list[int] = []
    for i in others:
        if len(fresh) < places and _outlet(story.sources[i]) not in listed:
            fresh.append(i)
            listed.add(_outlet(story.sources[i]))
    extra = [i for i in others if i not in fresh][: places - len(fresh)]
    also = sorted(fresh + extra)
    rest = tuple(i for i in others if i not in also)
    return _Choice(tuple(cites), cited, tuple(also), rest)


def lay_out(
    story: Story,
    *,
    show_headline: bool = True,
    start: int = 1,
    unlinked_start: int | None = None,
    short: bool = False,
) -> StoryLayout:
    """``story`` as paragraphs of cited sentences and its sources, cited and not.

    Cited sources are numbered from ``start`` in the order the text first cites
    them. Given ``unlinked_start``, only the linked (http) ones are, and the
    unlinked ones are numbered from there (see :func:`lay_out_for_reader`).
    A ``short`` layout (the email, its text, the feeds) shows the most useful
    sources and counts the others (:func:`_choose`); the issue page lists all.
    """
    differences = [d for d in story.differences if _well_formed(d, story)]
    choice = _choose(story, short, differences)
    cited = list(choice.cited)
    if unlinked_start is not None:
        linked = [i for i in cited if web_url(story.sources[i].url)]
        unlinked = [i for i in cited if i not in linked]
        numbers = {i: start + n for n, i in enumerate(linked)}
        numbers |= {i: unlinked_start + n for n, i in enumerate(unlinked)}
        cited = linked + unlinked
    else:
        numbers = {i: start + n for n, i in enumerate(cited)}
    listed = {i: listed_source(story.sources[i], numbers[i]) for i in cited}
    sentences = [
        CitedSentence(
            fold_space(s.text),
            tuple(sorted((listed[i] for i in shown), key=_number)),
        )
        for s, shown in zip(story.sentences, choice.cites, strict=True)
    ]
    rest = [story.sources[i] for i in choice.rest]
    return StoryLayout(
        headline=story.headline,
        show_headline=show_headline,
        paragraphs=paragraphs(sentences),
        cited=tuple(listed[i] for i in cited),
        also=tuple(listed_source(story.sources[i], None) for i in choice.also),
        more=len(rest),
        more_outlets=len({_outlet(s) for s in rest})
        if all(text_or_none(s.outlet) for s in rest)
        else None,
        differences=tuple(
            CitedSentence(
                " ".join(_MARKER.sub(lambda m: _renumbered(m.group(1), listed), d.text).split()),
                (),
            )
            for d in differences
        ),
    )


#: A difference's marker for story sources: "[2]" is the story's second source, "[1, 3]" two.
_MARKER = re.compile(r"\[(\d{1,4}(?:,\s*\d{1,4})*)\]")


def _renumbered(marker: str, listed: dict[int, ListedSource]) -> str:
    """A difference's marker as citation numbers, ascending."""
    numbers = sorted(_number(listed[int(n) - 1]) for n in marker.split(","))
    return "[" + ", ".join(map(str, numbers)) + "]"


def _well_formed(difference: Difference, story: Story) -> bool:
    """Whether a difference's markers all name sources it cites, and those exist."""
    if not difference.sources or not all(0 <= i < len(story.sources) for i in difference.sources):
        return False
    marked = {int(n) - 1 for m in _MARKER.findall(difference.text) for n in m.split(",")}
    return bool(marked) and marked <= set(difference.sources)


def lay_out_issue(digest: Digest, *, short: bool = False) -> tuple[StoryLayout, ...]:
    """Every story of ``digest``, each numbering its sources from 1.

    The lead's headline is left out when it is the issue's title. ``short``
    for the email and its text (see :func:`lay_out`); the issue page lists all.
    """
    return tuple(
        lay_out(story, show_headline=_headed(digest, i), short=short)
        for i, story in enumerate(digest.stories)
    )


def lay_out_for_reader(
    stories: Sequence[Story], title: str | None = None, links_after: int = 0
) -> tuple[StoryLayout, ...]:
    """``stories`` as one feed entry, numbered the way a text reader numbers links.

    A reader such as newsboat shows each link of an entry followed by its own
    number, counting from 1 across the entry. So the linked sources are
    numbered in the order their links appear (each story's cited ones, then its
    uncited ones), and the reader's numbers are the citation numbers. Sources
    without a link come after every link of the entry (``links_after`` more
    follow the stories, such as a link to the issue), so no number is ever
    both. With ``title``, a lead story whose headline it is is not headed.
    A feed entry is a short edition: it lists the most useful sources.
    """
    shown = [lay_out(story, short=True) for story in stories]
    links = sum(1 for layout in shown for s in layout.sources if s.url)
    unlinked = links + links_after + 1
    layouts: list[StoryLayout] = []
    start = 1
    for i, story in enumerate(stories):
        headed = i > 0 or title is None or not same_words(story.headline, title)
        layout = lay_out(
            story, show_headline=headed, start=start, unlinked_start=unlinked, short=True
        )
        layouts.append(layout)
        start += sum(1 for s in layout.sources if s.url)
        unlinked += sum(1 for s in layout.cited if not s.url)
    return tuple(layouts)


def _headed(digest: Digest, index: int) -> bool:
    return index > 0 or not same_words(digest.stories[index].headline, digest.title)


def paragraphs(sentences: list[CitedSentence]) -> tuple[tuple[CitedSentence, ...], ...]:
    """One paragraph for a short story, else two of about equal length.

    The split falls at the sentence boundary that best balances the two
    paragraphs' lengths, so neither is a lone line under a long block.
    """
    if not sentences:
        return ()
    lengths = [len(s.text) for s in sentences]
    total = sum(lengths)
    if len(sentences) <= ONE_PARAGRAPH_SENTENCES and total <= ONE_PARAGRAPH_CHARS:
        return (tuple(sentences),)
    if len(sentences) == 1:
        return (tuple(sentences),)
    best, best_gap, running = 1, float("inf"), 0
    for k in range(1, len(sentences)):
        running += lengths[k - 1]
        gap = abs(total - 2 * running)
        if gap < best_gap:
            best, best_gap = k, gap
    return (tuple(sentences[:best]), tuple(sentences[best:]))


def plain_paragraph(paragraph: Sequence[CitedSentence], width: int = 72) -> str:
    """A paragraph as plain text wrapped at ``width``; a marker never parts from its sentence."""
    words: list[str] = []
    for sentence in paragraph:
        words.extend(sentence.text.split())
        marker = sentence.marker.replace(" ", "\N{NO-BREAK SPACE}")
        if sentence.cites and words:
            words[-1] += "\N{NO-BREAK SPACE}" + marker
        elif sentence.cites:  # a sentence with no words still shows what it cites
            words.append(marker)
    lines: list[str] = []
    line = ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line:
        lines.append(line)
    return "\n".join(lines).replace("\N{NO-BREAK SPACE}", " ")


def hanging(text: str, first: str = "", indent: str = "", width: int = 72) -> str:
    """``text`` wrapped at ``width`` after ``first``, later lines indented; words kept whole.

    A no-break space holds its two words on one line (and is printed as a space).
    """
    filled = textwrap.fill(
        re.sub(r"[ \t\r\n\f\v]+", " ", text).strip(),
        width=width,
        initial_indent=first,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    )
    return filled.replace("\N{NO-BREAK SPACE}", " ")


def same_words(a: str, b: str) -> bool:
    """Whether two headlines say the same, ignoring case, spacing and end punctuation."""

    def norm(text: str) -> str:
        return fold_space(text.casefold()).rstrip(".!?:;, ")

    return norm(a) == norm(b)


def _valid(sentence: Sentence, story: Story) -> list[int]:
    """The sentence's source indexes that name a source of the story, in order."""
    return [i for i in sentence.sources if 0 <= i < len(story.sources)]


def _number(source: ListedSource) -> int:
    return source.number or 0
