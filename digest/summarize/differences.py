"""Where the sources of one story disagree: one short line per difference.

When the articles of a story give different values for the same thing, the
story says so: "Sources differ: [1] says the interview was with Variety, [2]
with Empire." The markers name the story's sources by their place in
:attr:`digest.model.Story.sources`, counting from 1; the renderers turn them
into each edition's citation numbers.

Precision comes first: a false "sources differ" is worse than silence, so
each kind of difference is looked for only where its two values are surely
about the same thing, and two wordings of one fact never count:

* **the outlet of an interview**: each source names exactly one outlet for
  an interview that the same person gave ("in a new interview with Variety,
  James Cameron ..." / "In a recent interview for Empire magazine, Cameron
  revealed ..."), and neither source names the other's outlet anywhere;
* **whether a person is alive**: one source speaks of "the late Jon Landau",
  the other has him acting now ("has producer Jon Landau teased a sequel")
  and never speaks of a death;
* **a number**: both sources state one value each for the same quantity --
  the same unit and the same words either side of it ("killed 12 people" /
  "killed 15 people") in sentences that otherwise agree -- and the values
  cannot both be true ("at least 12" and "15" can; "over $400 million" and
  "$380 million" cannot). Counts that grow (the dead, the injured) are
  compared only between articles published within :data:`SAME_DAYS` days;
* **a person's age**: "Jane Doe, 34," / "Jane Doe, 35," -- or "the 35-year-old
  Jane Doe", or "The 35-year-old Swede" right after a sentence about her
  alone -- in sentences that agree, or naming her in full alike; ages a year
  apart only between articles within :data:`AGE_DAYS` days (a birthday may
  fall between).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from digest.model import Article, Difference
from digest.summarize.resolve import Person, epithet, first_names, names_in, people
from digest.summarize.sentences import _POSSESSIVE_END, stem
from digest.text import fold_space, split_sentences, stopwords, words

#: Articles further apart than this (days) may report a number that changed.
SAME_DAYS = 2.0
#: Articles further apart than this (days) may give ages a birthday apart.
AGE_DAYS = 7.0
#: At most this many of a story's sources are compared (the cited ones first).
MAX_SOURCES = 12
#: Sentences stating one number must share this many content words besides it.
SHARED_CONTEXT = 3

_OUTLET = (
    r"((?:the\s+)?[A-Z][\w&’'.-]*(?:\s+[A-Z][\w&’'.-]*){0,3})"
    r"(?:\s+(?:magazine|newspaper|daily|podcast|radio|TV|television))?"
)
_INTERVIEW = re.compile(
    r"\binterview(?:s|ed)?\s+(?:with|for|to|by|in|on)\s+"
    + _OUTLET
    + r"|\b(?:told|speaking to|speaking with|talking to|spoke to|spoke with)\s+"
    + _OUTLET
)
_LATE = re.compile(r"\bthe late\s+(?:[a-z]+\s+)?([A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+){0,2})")
_DEATH = re.compile(
    r"\b(?:late|died|dies|dead|death|deceased|passed away|posthumous\w*|memorial|in memory|"
    r"tribute|obituary|RIP|funeral)\b",
    re.I,
)
#: A present or present-perfect act: "has teased", "says", or inverted "has producer X teased".
_ACTS_NOW = (
    r"(?:has|have)\s+(?:also\s+|now\s+|just\s+|recently\s+)?"
    r"([a-z]+ed|said|spoken|told|written|given|made)\b"
)
_NUMBER = re.compile(
    r"(?<![\w.$€£])(?P<approx>(?:at least|more than|over|nearly|almost|about|around|roughly|"
    r"some|up to|fewer than|less than|under|just over|just under|an estimated)\s+)?"
    r"(?P<cur>[$€£])?(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
    r"(?:\s*(?P<scale>million|billion|trillion|thousand|bn|m)\b)?"
    r"(?:\s*(?P<pct>%|percent\b|per cent\b))?"
)
_GROWING = re.compile(
    r"\b(?:kill|dead|death|die|injur|wound|hurt|missing|arrest|evacu|infect|case|casualt|"
    r"toll|victim|displac|rescu|detain|confirm)",
    re.I,
)
_SCALE = {"thousand": 1e3, "million": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9, "trillion": 1e12}
#: A first word after a number that needs the next to name the unit ("percentage points").
_UNIT_HEADS = frozenset({"percentage", "per", "square", "cubic", "metric", "light", "basis"})
_AGE = re.compile(r"\b([A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+){0,2}),\s+(\d{1,3})(?=[,.;]|\s+and\b)")
#: The age just before a name: "the 21-year-old Shepard", "67-year-old Boris Yeltsin's".
_AGE_BEFORE = re.compile(
    r"\b(\d{1,3})-year-old\s+([A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+){0,2})(?![\w’'-])"
)
_IRREGULAR_GERUND = {
    "said": "saying",
    "spoken": "speaking",
    "told": "telling",
    "written": "writing",
    "given": "giving",
    "made": "making",
}


@dataclass(frozen=True)
class _Claim:
    """What one source says about one thing."""

    #: The value, as compared ("Variety", 22, an interval ...).
    value: object
    #: The value as the line prints it.
    shown: str
    #: Content stems of the sentence that says it, the value's own words left out.
    context: frozenset[str]
    #: For a person's age: the name in full as the source writes it ("Julian Assange").
    who: str = ""


@dataclass(frozen=True)
class _Quantity:
    value: float
    #: "low" (at least / more than), "high" (up to / fewer than), "about", or "".
    bound: str
    unit: str
    key: tuple[str, ...]
    #: The source's own words around the number, for the line.
    phrase: str
    context: frozenset[str]
    growing: bool
    #: Time words of its sentence ("last year", "Monday", "1998"): a number
    #: for another time is another number.
    when: frozenset[str]
    #: The sentence it is in, and where in the article.
    sentence: str
    position: tuple[int, int]


def find_differences(
    articles: Sequence[Article], cited: Sequence[int] = ()
) -> tuple[Difference, ...]:
    """Every difference between the story's sources that is sure enough to print.

    ``cited`` lists source indexes in the order the story's sentences first
    cite them; each line names its sides in that order (then by index), so
    that its citation numbers rise as the story's do.
    """
    if len(articles) < 2:
        return ()
    # The cited sources first, then the others, at most MAX_SOURCES of them: the
    # cost of a story stays bounded however many articles it has.
    chosen = list(
        dict.fromkeys([*(d for d in cited if 0 <= d < len(articles)), *range(len(articles))])
    )
    chosen = sorted(chosen[:MAX_SOURCES])
    if len(chosen) < len(articles):
        inner = find_differences(
            [articles[d] for d in chosen], [chosen.index(d) for d in cited if d in chosen]
        )
        return tuple(_renumber(difference, chosen) for difference in inner)
    rank = {doc: n for n, doc in enumerate(dict.fromkeys(cited))}
    texts = [
        [_PARENS.sub("", s) for p in a.paragraphs for s in split_sentences(p)] for a in articles
    ]
    known = [people(sentences) for sentences in texts]
    everyone: dict[str, Person] = {}
    for k in known:
        everyone.update(k)
    found: list[Difference] = []
    for _, claims in sorted(_interview_claims(texts, everyone).items()):
        found += _line(
            claims,
            rank,
            lambda side, first: f"says the interview was with {side}" if first else f"with {side}",
        )

    def same_time(a: int, x: _Claim, b: int, y: _Claim) -> bool:
        # a year apart in age may be a birthday between two reports far apart
        apart = _days_apart(articles[a], articles[b])
        years = (
            abs(x.value - y.value) if isinstance(x.value, int) and isinstance(y.value, int) else 0
        )
        return apart is None or apart <= AGE_DAYS or years > 1

    for subject, claims in sorted(_age_claims(texts, known).items()):
        found += _line(claims, rank, _age_phrase(subject), same_time)
    found += _late_people(texts, rank)
    found += _numbers(articles, texts, rank)
    seen: set[str] = set()
    out: list[Difference] = []
    for difference in found:
        if difference.text not in seen:
            seen.add(difference.text)
            out.append(difference)
    return tuple(out)


def _renumber(difference: Difference, chosen: Sequence[int]) -> Difference:
    """A difference found among ``chosen`` articles, its markers and indexes for the whole story."""

    def marker(match: re.Match[str]) -> str:
        return _marker([chosen[int(n) - 1] for n in match.group(1).split(",")])

    text = re.sub(r"\[(\d+(?:,\s*\d+)*)\]", marker, difference.text)
    return Difference(text, tuple(sorted(chosen[i] for i in difference.sources)))


def _age_phrase(who: str) -> Callable[[str, bool], str]:
    def say(side: str, first: bool) -> str:
        return f"gives {who}’s age as {side}" if first else f"as {side}"

    return say


_PARENS = re.compile(r"\s*\([^()]*\)")


def _words(text: str) -> str:
    """A source's words as a line shows them: no brackets (a "[3]" would read as a citation)."""
    return fold_space(re.sub(r"[\[\]]", " ", text))


def _marker(sources: Sequence[int]) -> str:
    return "[" + ", ".join(str(i + 1) for i in sorted(sources)) + "]"


def _line(
    claims: dict[int, set[_Claim]],
    rank: dict[int, int],
    say: Callable[[str, bool], str],
    close: Callable[[int, _Claim, int, _Claim], bool] | None = None,
) -> list[Difference]:
    """One line for a thing on which the sources' values split in two.

    Sources that give the thing two values themselves are left out; the two
    sides must each have one value, and a sentence on one side must share
    :data:`SHARED_CONTEXT` content words with one on the other (the same
    claim, not two claims that happen to share a name) -- or, for an age,
    both name the person in full alike -- in sources ``close`` enough for
    both values to be meant for the same time.
    """
    single = {doc: next(iter(c)) for doc, c in claims.items() if len({x.value for x in c}) == 1}
    sides: dict[object, list[int]] = {}
    for doc, claim in sorted(single.items()):
        sides.setdefault(claim.value, []).append(doc)
    if len(sides) != 2:
        return []
    groups = sorted(sides.values(), key=lambda docs: min((rank.get(d, len(rank)), d) for d in docs))
    first, second = groups

    def related(a: int, b: int) -> bool:
        x, y = single[a], single[b]
        same = len(x.context & y.context) >= SHARED_CONTEXT or (" " in x.who and x.who == y.who)
        return same and (close is None or close(a, x, b, y))

    if not any(related(a, b) for a in first for b in second):
        return []
    one = _agree(say(_words(single[first[0]].shown), True), first)
    other = _agree(say(_words(single[second[0]].shown), False), second)
    text = f"Sources differ: {_marker(first)} {one}, {_marker(second)} {other}."
    return [Difference(text, tuple(sorted(first + second)))]


_PLURAL = {"says": "say", "gives": "give", "has": "have", "speaks": "speak"}


def _agree(phrase: str, side: Sequence[int]) -> str:
    """The side's verb in the plural when several sources make it ("[1, 2] give ...")."""
    verb, _, rest = phrase.partition(" ")
    if len(side) > 1 and verb in _PLURAL:
        return f"{_PLURAL[verb]} {rest}"
    return phrase


def _context(sentence: str, drop: str = "") -> frozenset[str]:
    stop = stopwords()
    dropped = {stem(w) for w in words(drop)}
    return (
        frozenset(stem(w) for w in words(sentence) if w not in stop and not w[0].isdigit())
        - dropped
        - {"interview", "told"}
    )


def _clean_outlet(name: str) -> str:
    name = re.sub(r"^the\s+", "", name.strip(), flags=re.I).rstrip(".,’'")
    return re.sub(r"[’']s$", "", name)


def _interview_claims(
    texts: Sequence[Sequence[str]], everyone: dict[str, Person]
) -> dict[str, dict[int, set[_Claim]]]:
    """Per interviewee: the outlet each source names for their interview.

    The interviewee is the person named right before "told OUTLET", or right
    after "in an interview with OUTLET, " (the sentence's subject).
    """
    out: dict[str, dict[int, set[_Claim]]] = {}
    for doc, sentences in enumerate(texts):
        for sentence in sentences:
            for match in _INTERVIEW.finditer(sentence):
                outlet = _clean_outlet(match.group(1) or match.group(2) or "")
                tokens = outlet.split()
                if not tokens or tokens[-1] in everyone or tokens[0] in everyone:
                    continue
                if match.group(1):
                    after = sentence[match.end() :]
                    who = re.match(
                        r"\s*,\s+(?:[a-z]+\s+)?([A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+){0,2})", after
                    )
                else:
                    who = re.search(
                        r"([A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+){0,2})\s+$", sentence[: match.start()]
                    )
                if who is None or who.group(1).split()[-1] not in everyone:
                    continue
                surname = who.group(1).split()[-1]
                claim = _Claim(outlet.casefold(), outlet, _context(sentence, outlet))
                out.setdefault(surname, {}).setdefault(doc, set()).add(claim)
    # An outlet one source names anywhere is no difference with another that names it.
    for claims in out.values():
        for doc in list(claims):
            for other, theirs in claims.items():
                if (
                    other != doc
                    and any(_names_anywhere(texts[doc], c.shown) for c in theirs)
                    and claims[doc] != theirs
                ):
                    claims[doc] = claims[doc] | theirs
    return out


def _names_anywhere(sentences: Sequence[str], name: str) -> bool:
    pattern = re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])")
    return any(pattern.search(s) for s in sentences)


def _age_claims(
    texts: Sequence[Sequence[str]], known: Sequence[dict[str, Person]]
) -> dict[str, dict[int, set[_Claim]]]:
    """Per person (by surname): the age each source gives.

    "Jane Doe, 34,"; and for a name the source shows as a person's (``known``,
    its :func:`people`), "the 34-year-old Jane Doe" or an epithet after a
    sentence about her alone ("Doe won the race. The 34-year-old Swede ...",
    see :func:`~digest.summarize.resolve.epithet`), that sentence's
    words counting as the claim's context too.
    """
    out: dict[str, dict[int, set[_Claim]]] = {}
    for doc, sentences in enumerate(texts):
        people_here = known[doc]
        full = _full_names(sentences)
        for i, sentence in enumerate(sentences):
            found = [(m.group(1), m.group(2), sentence) for m in _AGE.finditer(sentence)]
            found += [
                (m.group(2), m.group(1), sentence)
                for m in _AGE_BEFORE.finditer(sentence)
                if _a_person(m.group(2), people_here)
            ]
            told = epithet(sentence, sentences[i - 1], people_here) if i else None
            if told is not None:
                found.append((told.person.full, told.age, sentences[i - 1] + " " + sentence))
            for who, age, context in found:
                name = who.split()
                if name[0] in _NOT_A_NAME or int(age) > 110:
                    continue
                surname = _POSSESSIVE_END.sub("", name[-1])
                claim = _Claim(int(age), age, _context(context), full.get(surname, ""))
                out.setdefault(surname, {}).setdefault(doc, set()).add(claim)
    return out


def _a_person(name: str, people_here: dict[str, Person]) -> bool:
    """Whether a name after an age is a person's ("the 48-year-old Julian Assange"), not a
    people's or a body's ("the 80-year-old Swiss", "a 22-year-old University student"):
    one the source shows as a person's, or a common first name and a surname."""
    parts = name.split()
    return _POSSESSIVE_END.sub("", parts[-1]) in people_here or (
        len(parts) >= 2 and parts[0] in first_names()
    )


def _full_names(sentences: Sequence[str]) -> dict[str, str]:
    """Surname -> the longest form of two or more words an article writes it in, when
    the article writes it with only one first name ("Julian Assange")."""
    forms: dict[str, set[str]] = {}
    for sentence in sentences:
        for _, _, name in names_in(sentence):
            parts = name.split()
            if len(parts) >= 2:
                forms.setdefault(_POSSESSIVE_END.sub("", parts[-1]), set()).add(name)
    return {
        surname: max(names, key=lambda n: (len(n.split()), n))
        for surname, names in forms.items()
        if len({n.split()[0] for n in names}) == 1
    }


_NOT_A_NAME = frozenset(
    ["The", "A", "An", "In", "On", "At", "By", "For", "From", "Of", "And", "But", "Or", "So", "Yet"]
)


def _gerund(verb: str) -> str:
    """ "teasing" from "teased", "carrying" from "carried", "saying" from "said"."""
    if verb in _IRREGULAR_GERUND:
        return _IRREGULAR_GERUND[verb]
    if verb.endswith("ied"):
        return verb[:-3] + "ying"
    return verb[:-2] + "ing"


def _late_people(texts: Sequence[Sequence[str]], rank: dict[int, int]) -> list[Difference]:
    """Some sources speak of "the late X", another has X acting now."""
    late: dict[str, dict[int, str]] = {}
    for doc, sentences in enumerate(texts):
        for sentence in sentences:
            for match in _LATE.finditer(sentence):
                late.setdefault(match.group(1).split()[-1], {}).setdefault(doc, match.group(1))
    out: list[Difference] = []
    for surname, dead in sorted(late.items()):
        acting: dict[int, str] = {}
        for doc, sentences in enumerate(texts):
            if doc in dead or any(_DEATH.search(s) for s in sentences if surname in s):
                continue
            act = _acting_now(sentences, surname)
            if act is not None:
                acting[doc] = act
        if not acting:
            continue
        now_side = min(acting, key=lambda d: (rank.get(d, len(rank)), d))
        late_side = sorted(dead)
        written = dead[late_side[0]]
        sides = [
            (now_side, f"[{now_side + 1}] has {acting[now_side]}"),
            (min(late_side), f"{_marker(late_side)} speaks of “the late {_words(written)}”"),
        ]
        if len(late_side) > 1:
            sides[1] = (sides[1][0], f"{_marker(late_side)} speak of “the late {_words(written)}”")
        sides.sort(key=lambda side: (rank.get(side[0], len(rank)), side[0]))
        out.append(
            Difference(
                f"Sources differ: {sides[0][1]}, {sides[1][1]}.",
                tuple(sorted([now_side, *late_side])),
            )
        )
    return out


def _acting_now(sentences: Sequence[str], surname: str) -> str | None:
    """ "producer Jon Landau teasing a sequel": a sentence has them act in the present perfect."""
    name = rf"((?:[a-z]+\s+)?(?:[A-Z][\w’'-]+\s+){{0,2}}{re.escape(surname)})"
    inverted = re.compile(
        rf"\b(?:has|have)\s+{name}\s+([a-z]+ed|said|spoken|told|given|made)\s+([^,.;:—]{{3,40}})"
    )
    plain = re.compile(rf"\b{name}\s+{_ACTS_NOW}\s+([^,.;:—]{{3,40}})")
    for sentence in sentences:
        for pattern in (inverted, plain):
            match = pattern.search(sentence)
            if match:
                who = match.group(1).strip()
                if who.split()[0].islower() and who.split()[0] in stopwords():
                    who = " ".join(who.split()[1:])
                what = " ".join(match.group(3).split()[:4])
                return _words(f"{who} {_gerund(match.group(2))} {what}")
    return None


_TIME_WORDS = re.compile(
    r"\b(?:(?:last|this|next|past|previous|coming)\s+(?:year|month|week|season|quarter|decade|"
    r"spring|summer|autumn|fall|winter)|yesterday|today|tonight|tomorrow|"
    r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|"
    r"January|February|March|April|May|June|July|August|September|October|November|December|"
    r"(?:19|20)\d\d)\b"
)


def _quantities(sentences: Sequence[str]) -> list[_Quantity]:
    stop = stopwords()
    found: list[_Quantity] = []
    for index, sentence in enumerate(sentences):
        tokens_all = {stem(w) for w in words(sentence) if w not in stop and not w[0].isdigit()}
        when = frozenset(m.group(0).lower() for m in _TIME_WORDS.finditer(sentence))
        for match in _NUMBER.finditer(sentence):
            raw = match.group("num").replace(",", "")
            if len(raw) == 4 and raw.startswith(("19", "20")) and not match.group("cur"):
                continue  # a year: not a quantity
            if re.match(r",\s", sentence[match.end() : match.end() + 2]) and re.search(
                r"[A-Z][\w’'-]+,\s+$", sentence[: match.start()]
            ):
                continue  # an age ("Jane Doe, 34,"): see _age_claims
            value = float(raw) * _SCALE.get((match.group("scale") or "").lower(), 1.0)
            before = [w for w in words(sentence[: match.start()]) if w not in stop][-1:]
            after_text = sentence[match.end() :]
            after = [w for w in words(after_text)[:5] if w not in stop][:2]
            if not before or not after:
                continue
            approx = (match.group("approx") or "").strip().lower()
            bound = (
                "low"
                if approx in ("at least", "more than", "over", "just over")
                else "high"
                if approx in ("up to", "fewer than", "less than", "under", "just under")
                else "about"
                if approx
                else ""
            )
            unit = (match.group("cur") or "") + ("%" if match.group("pct") else "")
            key = (stem(before[0]), *(stem(w) for w in after))
            start = sentence.rfind(before[0], 0, match.start())
            if start < 0 or len(sentence[start : match.start()].split()) > 3:
                start = match.start()
            unit_words = after if after[0] in _UNIT_HEADS else after[:1]
            tail = re.search(rf"\b{re.escape(unit_words[-1])}\b", after_text, re.I)
            end = match.end() + (tail.end() if tail else 0)
            phrase = sentence[start:end]
            found.append(
                _Quantity(
                    value,
                    bound,
                    unit,
                    key,
                    _words(phrase),
                    frozenset(tokens_all - set(key)),
                    bool(_GROWING.search(sentence[max(0, match.start() - 40) : end + 20])),
                    when,
                    sentence,
                    (index, match.start()),
                )
            )
    return found


def _compatible(x: _Quantity, y: _Quantity) -> bool:
    """Whether both values can be true at once ("at least 12" and "15" can)."""

    def interval(q: _Quantity) -> tuple[float, float]:
        if q.bound == "low":
            return q.value, float("inf")
        if q.bound == "high":
            return 0.0, q.value
        if q.bound == "about":
            return q.value * 0.85, q.value * 1.15
        return q.value, q.value

    lo_x, hi_x = interval(x)
    lo_y, hi_y = interval(y)
    return lo_x <= hi_y and lo_y <= hi_x


def _numbers(
    articles: Sequence[Article], texts: Sequence[Sequence[str]], rank: dict[int, int]
) -> list[Difference]:
    """Different values for one quantity, from sources of the same day.

    Each source must state the quantity once (one value), both in sentences
    that otherwise agree, for the same time, and the values must exclude
    each other. Sources further apart than :data:`SAME_DAYS` (or undated,
    for counts that grow) may report a number that changed.
    """
    by_key: dict[tuple[tuple[str, ...], str], dict[int, list[_Quantity]]] = {}
    for doc, sentences in enumerate(texts):
        for q in _quantities(sentences):
            by_key.setdefault((q.key, q.unit), {}).setdefault(doc, []).append(q)
    out: list[Difference] = []
    told: set[tuple[tuple[int, ...], tuple[int, ...], str, str]] = set()
    for _key, per_doc in sorted(by_key.items(), key=lambda item: _first_position(item[1])):
        single = {d: qs[0] for d, qs in per_doc.items() if len({q.value for q in qs}) == 1}
        values: dict[float, list[int]] = {}
        for doc, q in sorted(single.items()):
            values.setdefault(q.value, []).append(doc)
        if len(values) != 2:
            continue
        groups = sorted(
            values.values(), key=lambda ds: min((rank.get(d, len(rank)), d) for d in ds)
        )
        first, second = groups

        if not all(
            _clash(single[a], single[b], _days_apart(articles[a], articles[b]))
            for a in first
            for b in second
        ):
            continue
        said = (tuple(first), tuple(second), single[first[0]].sentence, single[second[0]].sentence)
        if said in told:
            continue  # one line per pair of sentences: their first difference says it
        told.add(said)
        out.append(
            Difference(
                f"Sources differ: {_marker(first)} says “{single[first[0]].phrase}”, "
                f"{_marker(second)} “{single[second[0]].phrase}”.",
                tuple(sorted(first + second)),
            )
        )
    return out


def _clash(x: _Quantity, y: _Quantity, apart: float | None) -> bool:
    """Whether two sources' values for one quantity exclude each other, for the same time."""
    if _compatible(x, y) or len(x.context & y.context) < SHARED_CONTEXT or x.when != y.when:
        return False
    if apart is None:
        return not (x.growing or y.growing)
    return apart <= SAME_DAYS


def _first_position(per_doc: dict[int, list[_Quantity]]) -> tuple[int, int, int]:
    doc = min(per_doc)
    return (doc, *per_doc[doc][0].position)


def _days_apart(a: Article, b: Article) -> float | None:
    if a.published is None or b.published is None:
        return None
    return abs((a.published - b.published).total_seconds()) / 86400
