"""Candidate sentences: splitting articles, stemming, and judging sentence quality.

Every summarizer step works on :class:`Candidate` objects: one sentence of one
article with its position, its stemmed tokens, and a quality verdict. Quality is
decided by cheap, explainable surface rules rather than a model, so it runs
offline and is easy to test:

* **excluded** (never chosen): fragments (too few words), headings and captions
  (no closing punctuation, title-case or all-caps lines), questions, boilerplate
  ("we may earn a commission", "sign up for our newsletter"), run-ons;
* **excluded** too: quotations cut in half by the sentence splitter (their
  other half, and often their speaker, is in another sentence);
* **penalised** (chosen only when they bring much more content): sentences that
  address the reader ("you", "check out"), first person outside quotes (a
  cut quotation or the author's aside), editorial asides in parentheses, and
  sentences that lean on unsaid context ("He said ...", "But ...", "This ...",
  a quote attributed to a bare "he said").

Before judging, :func:`tidy` drops what a digest never needs: datelines
("TRIPOLI, Libya (AP) — "), short parentheses, leading link words that point
back at an unseen sentence ("However, ", "Meanwhile, ", "But the ..."; not
before a pronoun, which would then dangle worse), and trailing attributions to
an unnamed source (", officials said Thursday."). Positions count usable
sentences only, so disclosures and captions above the lead do not demote it.

Stemming uses snowballstemmer's English (Porter 2) stemmer: pure Python, no data
files, maintained; words are cached because news vocabulary repeats heavily.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer  # type: ignore[import-untyped]

from digest.clean import is_boilerplate
from digest.model import Article
from digest.text import split_sentences, stopwords, words

#: Sentences with fewer words are fragments (captions, bylines, "Hope returns").
MIN_WORDS = 7
#: Sentences with more words are run-ons or lists; they eat the budget.
MAX_WORDS = 55

#: Openers that make a sentence lean on what came before it.
DANGLING_OPENERS = frozenset(
    """
    he she it they this that these those his her its their him them but and or so yet
    also however meanwhile still then thus hence moreover furthermore nevertheless
    instead otherwise besides there such both
    """.split()  # noqa: SIM905
)

#: Status and next steps: what is still open, what happens next and when.
_OUTLOOK = re.compile(
    r"\b(?:(?:is|are|was|were) (?:set|expected|scheduled|due|likely) to"
    r"|will (?:begin|start|resume)|could (?:begin|start)|waits? (?:on|for)|once \w+)\b"
)
#: What is still open: the "what we don't know yet" of a story.
_OPEN = re.compile(
    r"\b(?:remains? (?:un\w+|to be \w+|unclear)|not yet (?:been )?\w+|yet to be \w+"
    r"|unconfirmed|undecided|unclear (?:whether|when|how|if)|pending)\b"
)
_FIGURE = re.compile(
    r"[$€£¥]\s?\d|\b\d[\d,.]*\s?(?:%|percent|per cent|million|billion|thousand|people|dead)\b"
)
_READER = re.compile(r"\b(?:you|your|you're|you've|yourself)\b")
# The four patterns above are matched against lower-cased text (faster than IGNORECASE).
_FIRST_PERSON = re.compile(r"(?:^|\s)(?:I|I'm|I’m|I've|I’ve|I'd|I’d|me|my|we|our|us)\b")
_PRONOUN_SPEAKER = re.compile(r"[\"”’],?\s+(?:he|she|they)\s+(?:said|says|added|explained|told)\b")
_LOWER_START = re.compile(r"(?:^|\s)[a-z]")
_QUOTED = re.compile(r"[\"“][^\"”]*[\"”]")
_ASIDE = re.compile(r"\((?:note|ed|editor)\b|\[\s*(?:note|ed)\b", re.IGNORECASE)
_TERMINAL = re.compile(r"[.!…][\"'”’)\]]*$")
_QUOTE_CHARS = '"“”'
_QUOTE_SET = frozenset(_QUOTE_CHARS)
_ANY_QUOTE_SET = frozenset(_QUOTE_CHARS + "‘’")
#: Quotation penalty: quoted speech is colour, rarely the news itself.
QUOTE_PENALTY = 0.15
#: Words that give a sentence a finite-verb shape even when suffix rules miss.
_VERBS = frozenset(
    """
    is are was were be been being am has have had do does did will would can could shall
    should may might must said says say told tells according announced added asked made
    took gave went came got found left won lost saw knew began became held kept put set
    ran met paid led sent spent brought bought thought felt built hit cut
    """.split()  # noqa: SIM905
)

_stemmer = snowballstemmer.stemmer("english")


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """The Porter-2 stem of a lower-cased word."""
    return str(_stemmer.stemWord(word))


def stem_all(tokens: Sequence[str]) -> tuple[str, ...]:
    """Stems of many words at once (one call into the stemmer for the unseen ones)."""
    cache = _STEMS
    missing = [t for t in set(tokens) if t not in cache]
    if missing:
        if len(cache) > 1 << 17:
            cache.clear()
        missing.sort()
        cache.update(zip(missing, map(str, _stemmer.stemWords(missing)), strict=True))
    return tuple(map(cache.__getitem__, tokens))


_STEMS: dict[str, str] = {}


@dataclass(frozen=True)
class Candidate:
    """One sentence of one article, ready for selection."""

    #: The sentence as written (whitespace-normalised).
    text: str
    #: Index of its article in the story.
    doc: int
    #: Position of the sentence among its article's usable sentences, 0-based
    #: (an excluded sentence shares the position of the next usable one).
    position: int
    #: Lower-cased words.
    tokens: tuple[str, ...]
    #: Stems of the words.
    stems: tuple[str, ...]
    #: Whitespace word count (the budget unit).
    length: int
    #: Why the sentence must not be chosen, or "" when it may be.
    excluded: str
    #: Soft penalty in [0, 1]: 0 is a clean sentence.
    penalty: float
    #: Whether it opens with a word that needs earlier context.
    dangling: bool
    #: Whether it states a figure: an amount, a count, a percentage.
    figure: bool
    #: Whether it says what happens next or what it waits on (editors keep those).
    outlook: bool
    #: Whether it says what is still unknown or unconfirmed (editors keep those too).
    unknown: bool
    #: Stems of the content words (stop-words and one-letter words dropped).
    content_stems: frozenset[str]
    #: Stemmed adjacent word pairs, leaving out pairs of two stop-words.
    bigrams: frozenset[tuple[str, str]]
    #: The bigrams plus each content stem as ``(stem, "")``: what selection covers.
    concepts: frozenset[tuple[str, str]]


def sentence_bigrams(tokens: Sequence[str], stems: Sequence[str]) -> list[tuple[str, str]]:
    """Stemmed bigrams of a sentence in order, minus stop-word-only pairs."""
    stop = stopwords()
    return [
        (stems[i], stems[i + 1])
        for i in range(len(tokens) - 1)
        if not (tokens[i] in stop and tokens[i + 1] in stop)
    ]


def _looks_like_heading(text: str) -> bool:
    tokens = text.split()
    # A quarter of the words start lower-case: prose, not a title or all caps.
    if len(_LOWER_START.findall(text)) * 4 >= len(tokens):
        return False
    letters = sum(map(str.isalpha, text))
    if not letters:
        return True
    if sum(map(str.isupper, text)) / letters > 0.6:
        return True
    raw = [w.lstrip(_QUOTE_CHARS + "'‘(") for w in text.split()]
    raw = [w for w in raw if w[:1].isalpha()]
    capitalised = sum(w[:1].isupper() for w in raw)
    return len(raw) >= 3 and capitalised / len(raw) > 0.75


def _has_verb_shape(tokens: Sequence[str]) -> bool:
    stop = stopwords()
    for word in tokens[1:]:
        if word in _VERBS:
            return True
        if word not in stop and len(word) > 3 and word.endswith(("ed", "es", "s", "ing")):
            return True
    return False


def _broken_quote(text: str) -> bool:
    """A quotation cut by the sentence splitter: its other half is elsewhere."""
    if text.count('"') % 2 or text.count("“") != text.count("”"):
        return True
    if "'" not in text and "‘" not in text:
        return False
    return bool(_OPEN_SINGLE.search(text) and not _CLOSE_SINGLE.search(text))


_OPEN_SINGLE = re.compile(r"(?:^|[\s,:(])['‘][A-Z]")
_CLOSE_SINGLE = re.compile(r"[.,!?…]['’](?:\s|$)")


def judge(text: str, tokens: Sequence[str]) -> tuple[str, float, bool]:
    """Quality verdict for one sentence: (exclusion reason, penalty, dangling opener)."""
    length = len(text.split())
    stripped = text.strip().rstrip(_QUOTE_CHARS + "'’”)]").rstrip()
    if length < MIN_WORDS:
        return "fragment", 1.0, False
    if length > MAX_WORDS:
        return "run-on", 1.0, False
    if "?" in text and _QUOTE_SET.isdisjoint(text):
        return "question", 1.0, False
    if stripped.endswith("?"):
        return "question", 1.0, False
    if not _TERMINAL.search(text.strip()):
        return "unterminated", 1.0, False
    if _broken_quote(text):
        return "broken quote", 1.0, False
    lower = text.lower()
    if is_boilerplate(text):
        return "boilerplate", 1.0, False
    if _looks_like_heading(text):
        return "heading", 1.0, False
    if not _has_verb_shape(tokens):
        return "no verb", 1.0, False
    penalty = 0.0
    quoted = not _QUOTE_SET.isdisjoint(text)
    outside_quotes = _QUOTED.sub(" ", text) if quoted else text
    if ("you" in lower and _READER.search(outside_quotes.lower())) or lower.startswith(
        ("check out", "if you")
    ):
        penalty += 0.6
    if "?" in text or ("(" in text and _ASIDE.search(text)):
        penalty += 0.6
    if _FIRST_PERSON.search(outside_quotes):
        # The middle of a quotation cut by the splitter, or the author's own aside.
        penalty += 1.0
    first = tokens[0] if tokens else ""
    dangling = first in DANGLING_OPENERS or bool(
        (quoted or "’" in text) and _PRONOUN_SPEAKER.search(text)
    )
    if text.lstrip().startswith(('"', "“")):
        penalty += QUOTE_PENALTY
    return "", min(penalty, 1.0), dangling


_ATTRIBUTION = re.compile(
    r",\s+(?:(?:a|an|the|some|many|two|three|several)\s+)?[a-z][\w.'’ -]{0,50}?\s+"
    r"(?:said|says|reported|reports|announced|told reporters|according to [\w.'’ -]{1,40})"
    r"(?:\s+(?:on\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|today|yesterday))?"
    r"(?:\s+(?:in|at)\s+[\w.'’ -]{1,30})?\.$"
)
_DATELINE = re.compile(
    r"^[A-Z][A-Z.'’ -]{2,}(?:,\s+[A-Z][\w.'’ -]{1,30})?\s+"
    r"\((?:AP|AFP|Reuters|UPI|[A-Z]{2,6})\)\s+[—–-]+\s+"
    r"|^[A-Z][A-Z.'’ -]{2,}(?:,\s+[A-Z][\w.'’ -]{1,30})?\s+[—–]\s+"
)
_LEADING_LINK = re.compile(
    r"^(?:However|Meanwhile|In addition|Additionally|Also|Moreover|Furthermore|Still|"
    r"Nevertheless|Nonetheless|In the meantime|At the same time|Separately|On (?:Monday|Tuesday|"
    r"Wednesday|Thursday|Friday|Saturday|Sunday)|(?:Earlier|Later) (?:this|that|on) \w+),\s+"
    r"(?=[A-Za-z\"“])(?!(?:he|she|it|they|this|that|these|those|his|her|its|their)\b)"
    r"|^(?:But|And|Yet)\s+(?=[a-z])(?!(?:he|she|it|they|this|that|these|those|his|her|its|their)\b)"
)
#: Whether :func:`tidy` drops a leading link word ("However, ", "But the ...").
LEADING_LINKS = True
_PARENTHESIS = re.compile(r"\s+\([^()]{1,40}\)(?=[\s,.;])")
#: Whether :func:`tidy` edits sentences (off: sentences are quoted verbatim).
COMPRESS = True


def tidy(text: str) -> str:
    """A sentence without dateline, short parentheses or a trailing generic attribution.

    "PHNOM PENH, Cambodia (AP) — Rebels attacked a village, a military spokesman
    said Thursday." becomes "Rebels attacked a village." Attributions to a named
    speaker (capitalised) and anything inside quotes are kept.
    """
    if not COMPRESS:
        return text
    if text[:2].isupper():
        text = _DATELINE.sub("", text)
    if "(" in text:
        text = _PARENTHESIS.sub("", text)
    if LEADING_LINKS:
        text = _LEADING_LINK.sub("", text)
    if text.endswith(".") and _ANY_QUOTE_SET.isdisjoint(text):
        text = _ATTRIBUTION.sub(".", text)
    return text[:1].upper() + text[1:] if text else text


def article_sentences(article: Article) -> list[str]:
    """The sentences of an article's prose paragraphs, in reading order."""
    return [s for paragraph in article.paragraphs for s in split_sentences(paragraph)]


#: Concept tuples, interned: every sentence holding a concept shares one tuple,
#: so that a story's candidates leave few objects for the garbage collector
#: to scan (it took a third of the time of making them).
_CONCEPTS: dict[tuple[str, str], tuple[str, str]] = {}


#: What :func:`_judged` gives: the :class:`Candidate` fields after ``tokens``.
_Judged = tuple[
    tuple[str, ...],
    int,
    str,
    float,
    bool,
    bool,
    bool,
    bool,
    frozenset[str],
    frozenset[tuple[str, str]],
    frozenset[tuple[str, str]],
]


def _judged(
    text: str, tokens: tuple[str, ...], stems: tuple[str, ...], stop: frozenset[str]
) -> _Judged:
    """Everything :class:`Candidate` holds that depends on the sentence alone."""
    reason, penalty, dangling = judge(text, tokens)
    stopped = [w in stop for w in tokens]
    content = frozenset(
        s
        for w, s, is_stop in zip(tokens, stems, stopped, strict=True)
        if not is_stop and len(w) > 1
    )
    intern = _CONCEPTS.setdefault
    if len(_CONCEPTS) > 1 << 18:
        _CONCEPTS.clear()
    # As sentence_bigrams(), with the stop-word test done once per word.
    pairs = [
        (stems[i], stems[i + 1])
        for i in range(len(tokens) - 1)
        if not (stopped[i] and stopped[i + 1])
    ]
    bigrams = frozenset(intern(pair, pair) for pair in pairs)
    concepts = bigrams.union(intern(single, single) for single in ((s, "") for s in content))
    lower = "" if reason else text.lower()
    return (
        stems,
        len(text.split()),
        reason,
        penalty,
        dangling,
        not reason and bool(_FIGURE.search(lower)),
        not reason and bool(_OUTLOOK.search(lower)),
        not reason and bool(_OPEN.search(lower)),
        content,
        bigrams,
        concepts,
    )


def candidates(articles: Sequence[Article]) -> list[Candidate]:
    """Every sentence of every article, tokenised, stemmed and judged.

    A sentence that recurs word for word (copies of one wire story) is judged
    once: only its article and position differ.
    """
    found: list[Candidate] = []
    stop = stopwords()
    per_doc = [[tidy(t) for t in article_sentences(article)] for article in articles]
    tokenised = [[tuple(words(text)) for text in texts] for texts in per_doc]
    # One stemmer call for the whole story: the per-call overhead dominates.
    all_stems = stem_all([w for sentences in tokenised for tokens in sentences for w in tokens])
    seen: dict[str, _Judged] = {}
    offset = 0
    for doc, texts in enumerate(per_doc):
        position = 0
        for text, tokens in zip(texts, tokenised[doc], strict=True):
            judged = seen.get(text)
            if judged is None:
                stems = all_stems[offset : offset + len(tokens)]
                judged = seen[text] = _judged(text, tokens, stems, stop)
            offset += len(tokens)
            found.append(Candidate(text, doc, position, tokens, *judged))
            # Junk before the lead (disclosures, captions) does not push it down.
            position += 0 if judged[2] else 1
    return found
