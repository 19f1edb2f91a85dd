"""Small text utilities shared by the cleaner and the summarizer.

Sentence splitting uses nupunkt: a maintained, dependency-free Punkt
implementation that ships its trained English model inside the wheel, so
nothing is downloaded at run time (unlike NLTK's punkt data).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)


def fold_space(text: str) -> str:
    """Runs of whitespace as single spaces, trimmed: the one way text is folded
    onto a line (headers, feed fields, the intro, error messages)."""
    return " ".join(text.split())


def text_or_none(value: object) -> str | None:
    """A string with its whitespace folded (:func:`fold_space`); None when it is
    not a string or holds nothing but whitespace (untrusted metadata)."""
    if not isinstance(value, str):
        return None
    return fold_space(value) or None


def normalize_space(text: str) -> str:
    """Collapse runs of whitespace (including NBSP) into single spaces."""
    # str.split() splits at exactly the characters the regex \s matches
    return " ".join(unicodedata.normalize("NFC", text).split())


#: A boundary Punkt sometimes misses: a plain lower-case word, a full stop,
#: then a capitalised word ("... the series. Otherwise, ...").
_MISSED_BOUNDARY = re.compile(r"(?<=[a-z]{3})([.!?][\"”’)]?)\s+(?=[\"“‘]?[A-Z][a-z])")
#: Lower-case words that end in a full stop without ending a sentence.
_LOWER_ABBREVIATIONS = frozenset(
    [
        "approx",
        "appt",
        "apt",
        "dept",
        "est",
        "etc",
        "fig",
        "incl",
        "misc",
        "nos",
        "vol",
        "vols",
        "vs",
        "viz",
    ]
)


#: A piece ending in a title before a name never ends a sentence: Punkt splits
#: "..., said Lt. Josh Smith." after "Lt." when the title is not at the start.
#: A capitalised word without a vowel is an abbreviation too ("Cmndr.", "Mt.",
#: "Drs."), except "St.", which ends many an address ("... on Main St.").
_TITLE = (
    r"(?:^|[\s(\"“])(?:Lt|Sgt|Capt|Col|Gen|Maj|Cpl|Pvt|Adm|Cmdr|Det|Insp|Supt|Gov|Sen|Rep|"
    r"Rev|Fr|Prof|Dr|Mr|Mrs|Ms|Hon|Pres|Amb|Atty|Reps|Sens|Govs|(?!St\.)[B-DF-HJ-NP-TV-Z][b-df-hj-np-tv-xz]{1,4})\."
)
_ENDS_IN_TITLE = re.compile(_TITLE + "$")


def split_sentences(paragraph: str) -> list[str]:
    """Split one paragraph into sentences.

    Punkt (nupunkt) does the splitting; three repairs follow. A piece that
    cannot start a sentence (lower-case, or opening with a bracket or comma)
    or that follows a title ("Lt.") is joined back to the one before; a
    title's abbreviation that ends a sentence after all ("... won by Hun
    Sen. The deal ...") is split at; and a boundary Punkt missed after a
    plain lower-case word is split.
    """
    paragraph = normalize_space(paragraph)
    if not paragraph:
        return []
    return list(_split_cached(paragraph))


@lru_cache(maxsize=8192)
def _split_cached(paragraph: str) -> tuple[str, ...]:
    pieces: list[str] = []
    import nupunkt  # loaded on first use: the renderers and mail use this module too

    for raw in nupunkt.sent_tokenize(paragraph):
        piece = str(raw).strip()
        if not piece:
            continue
        if pieces and (
            piece[0].islower()
            or piece[0] in "(,;:)]"
            or _ENDS_IN_TITLE.search(pieces[-1])
            or (_ASKED_IN_QUOTES.search(pieces[-1]) and _SPEAKER_NEXT.match(piece))
        ):
            pieces[-1] = f"{pieces[-1]} {piece}"
        else:
            pieces.append(piece)
    out: list[str] = []
    for piece in pieces:
        for part in _split_at_titles(piece, paragraph):
            out.extend(_split_missed(part))
    return tuple(out)


#: A quotation that ends in a question or an exclamation: "... “Can I give it to James?”"
_ASKED_IN_QUOTES = re.compile(r"[?!][”\"’']$")
#: Its speaker next, named: "Brooke tearfully asked ...", "Jane Doe said." -- the same
#: sentence, which Punkt splits after the question mark. (The verbs that follow a
#: quotation's speaker, not the resolver's wider SPEECH_VERBS: "“Stop!” Police called
#: for calm" is two sentences.)
_SPEAKER_NEXT = re.compile(
    r"(?:[A-Z][\w’'.-]*\s+){1,3}(?:[a-z]+ly\s+)?"
    r"(?:asked|said|says|asks|added|shouted|cried|exclaimed|replied|wondered|yelled|"
    r"screamed|wrote|tweeted|told|recalled|joked|quipped)\b"
)


#: A capitalised word, then what ends a piece in a title: "... won by Hun Sen."
_NAME_THEN_TITLE = re.compile(r"(?<![\w.])([A-Z][a-z]+) ([A-Z][a-z]{1,4})\.$")


def _title_before_name(piece: str, following: str, paragraph: str) -> bool:
    """Whether ``piece``, which ends in a title's abbreviation, goes on in ``following``.

    A title comes before a name, never before a function word: "... by Hun
    Sen. The deal ..." ends at "Sen." (but "Rep. Will Hurd" is a name). Nor
    is it one when the paragraph uses the two words before the stop as a
    name elsewhere ("Hun Sen's party", "Hun Sen said"): Cambodia's prime
    minister is not a senator.
    """
    first = following[:40].split()[:2]
    if not first:
        return False
    opening = words(first[0])
    if opening and opening[0] in stopwords():
        # ... unless a name goes on after it: "Rep. Will Hurd", "Dr. May Chen"
        return len(first) > 1 and first[1][:1].isupper()
    match = _NAME_THEN_TITLE.search(piece)
    if match is None:
        return True
    name = re.escape(f"{match.group(1)} {match.group(2)}")
    return re.search(name + r"(?!\.)\b", paragraph) is None


#: A title's abbreviation inside a piece, before a capitalised word; or a US state's,
#: after the town's comma ("... in Hillsboro, Ore. And while Intel ...").
_TITLE_INSIDE = re.compile(
    r"(?:" + _TITLE + r"|,\s+(?:Ala|Ariz|Ark|Calif|Colo|Conn|Del|Fla|Ga|Ill|Ind|Kan|Ky|La|Md|"
    r"Mass|Mich|Minn|Miss|Mo|Mont|Neb|Nev|Okla|Ore|Pa|Tenn|Tex|Vt|Va|Wash|Wis|Wyo|N\.[HJMYCD]|"
    r"S\.[CD]|R\.I|W\.Va)\.)\s+(?=[\"“‘]?[A-Z])"
)


def _split_at_titles(piece: str, paragraph: str) -> list[str]:
    """``piece`` split after each title's abbreviation that ends a sentence there.

    Punkt never splits after "Sen." or "Gen.", and the join above undoes its
    splits after a title, so "... won by Hun Sen. Key to the deal ..." is one
    piece until this splits it (see :func:`_title_before_name`).
    """
    if "." not in piece[:-1]:
        return [piece]
    parts: list[str] = []
    start = 0
    for match in _TITLE_INSIDE.finditer(piece):
        head = piece[start : match.end()].rstrip()
        if not _title_before_name(head, piece[match.end() :], paragraph):
            parts.append(head)
            start = match.end()
    parts.append(piece[start:])
    return parts


def _split_missed(sentence: str) -> list[str]:
    parts: list[str] = []
    start = 0
    for match in _MISSED_BOUNDARY.finditer(sentence):
        before = sentence[: match.start()]
        # the word before the mark (none when a space comes first)
        token = before.rsplit(None, 1)[-1] if before and not before[-1].isspace() else ""
        if not re.fullmatch(r"[a-z]+(?:-[a-z]+)*", token) or token in _LOWER_ABBREVIATIONS:
            continue
        if _ASKED_IN_QUOTES.search(match.group(1)) and _SPEAKER_NEXT.match(sentence, match.end()):
            continue  # “Stop the ferry!” Holt shouted
        parts.append(sentence[start : match.end(1)].strip())
        start = match.end()
    parts.append(sentence[start:].strip())
    return [p for p in parts if p]


def words(text: str) -> list[str]:
    """The words of ``text``, lower-cased, punctuation dropped."""
    if text.isascii():  # lower-casing first cannot split or join a word
        return _WORD.findall(text.lower())
    return [w.lower().replace("’", "'") for w in _WORD.findall(text)]


#: A trie of strings: each character leads to the rest; "" marks a string's end.
_Trie = dict[str, "_Trie"]


def any_of(needles: Iterable[str]) -> re.Pattern[str]:
    """A pattern that finds any of ``needles`` (literal strings), as one trie.

    ``any_of(("app", "apple", "paid")).search(text)`` is true exactly when
    one of the strings is in ``text``, and much faster than testing each in
    turn: at each character the pattern follows one branch of the trie
    instead of trying every string. (A plain alternation of the strings is
    no faster than the loop: the regular expression engine tries every one.)
    """
    trie: _Trie = {}
    for needle in needles:
        if not needle:
            raise ValueError("any_of: an empty needle matches everything")
        node = trie
        for char in needle:
            node = node.setdefault(char, {})
        node[""] = {}

    def branch(node: _Trie) -> str:
        if "" in node:  # a needle ends here: what follows cannot change a search
            return ""
        alternatives = [re.escape(char) + branch(child) for char, child in sorted(node.items())]
        if len(alternatives) == 1:
            return alternatives[0]
        return "(?:" + "|".join(alternatives) + ")"

    return re.compile(branch(trie) if trie else "(?!)")


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """English function words, loaded from package data."""
    from importlib.resources import files

    raw = (files("digest") / "data" / "stopwords-en.txt").read_text(encoding="utf-8")
    return frozenset(
        line.strip() for line in raw.splitlines() if line.strip() and not line.startswith("#")
    )


def content_words(text: str) -> list[str]:
    """Lower-cased words of ``text`` that are not stop-words or numbers-only."""
    stop = stopwords()
    return [w for w in words(text) if w not in stop and not w.isdigit() and len(w) > 1]
