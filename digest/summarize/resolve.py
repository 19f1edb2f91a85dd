"""Putting the named person back into a sentence that opens with "He" or "She".

A digest shows a sentence without the one before it, so "He said the toll
could rise." leans on a name the reader never saw. :func:`resolve_pronoun`
puts the name in -- "Smith said the toll could rise." -- but only when the
sentence before it, in its own article, leaves no doubt who "he" is:

* that sentence names exactly one *person* who is not also named in the
  sentence itself ("He said proximity to Rodriguez ..." cannot be about
  Rodriguez) and is not of the pronoun's other gender. A person is a name
  the article shows with a title or role ("producer Jon Landau", "Mr Smith",
  "Jon Landau, the producer,"), or a full name that speaks ("Jane Doe
  said", "said Jane Doe"), or with an age ("Jane Doe, 34,");
* that person is the subject or the speaker there (the name opens it, after
  at most an introductory phrase or a title -- "Russian President Boris
  Yeltsin" --, or follows a closing quote or a speech verb: "..., said Jane
  Doe"), or owns a subject that is no person ("Orlova's campaign was ..."),
  not an object ("The mayor met John Brown. She said ..." is about the
  mayor) nor the owner of a person ("McKinney's father condemned ...");
* nobody else could be meant: that sentence holds no unnamed person ("the
  mayor", "his wife", "police") other than the person's own role (", a
  former officer,") or what the person is ("was a woman of ..."), no
  pronoun of the other gender, and the article never gives the person a
  title of the other gender (or the first name of the other gender:
  package data of common first names).

Otherwise the sentence is left as it is, and the judge keeps it out of the
digest: a wrong name is far worse than a lost sentence. A quote's speaker
pronoun after the quote ("... ,” he said.") is resolved the same way. The
name goes in as the article last wrote it in full ("James Cameron").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from digest.text import words

#: A capitalised name of one to six words ("Jon Landau", "Robert Rodriguez",
#: "Ursula von der Leyen", "Martin Luther King Jr"), with any title or role before it
#: (which :func:`names_in` drops).
_NAME = re.compile(
    # ("Al-Amin" is one name; "Smith's" is Smith and a possessive)
    r"(?<![\w’'-])(?:[A-Z][a-z]+(?:(?:-|[’'](?!s\b))[A-Z]?[a-z]+)?|Mc[A-Z][a-z]+|[A-Z]\.)"
    r"(?:\s+(?:(?:de|da|del|della|di|van|von|der|den|bin|al|le|la|dos|du)\s+)*"
    r"(?:[A-Z][a-z]+(?:(?:-|[’'](?!s\b))[A-Z]?[a-z]+)?|Mc[A-Z][a-z]+|[A-Z]\.|Jr\.?|Sr\.?)){0,5}"
    r"(?![\w-])"
)
#: Titles that make the name after them a person (with the person's gender, if any).
_TITLES: dict[str, str] = {
    **dict.fromkeys("Mr Mr. Sir Lord King Prince Father Brother Pope".split(), "m"),  # noqa: SIM905
    **dict.fromkeys("Mrs Mrs. Ms Ms. Miss Dame Lady Queen Princess Duchess".split(), "f"),  # noqa: SIM905
    **dict.fromkeys(
        """Dr Dr. Prof Prof. Sen Sen. Rep Rep. Gov Gov. Gen Gen. Col Col. Capt Capt. Lt Lt.
        Sgt Sgt. Rev Rev. President Premier Chancellor Judge Justice Senator Governor Mayor
        Minister Secretary Commissioner Detective Officer Coach Inspector Ambassador
        Chairman Chairwoman Congressman Congresswoman Representative""".split(),  # noqa: SIM905
        "",
    ),
}
#: Role words that make the name right after them a person ("producer Jon Landau").
_ROLES: dict[str, str] = {
    **dict.fromkeys(
        """actor spokesman chairman congressman businessman sportsman husband father son
        brother boyfriend uncle grandfather king prince""".split(),  # noqa: SIM905
        "m",
    ),
    **dict.fromkeys(
        """actress spokeswoman chairwoman congresswoman businesswoman sportswoman wife mother
        daughter sister girlfriend aunt grandmother queen princess""".split(),  # noqa: SIM905
        "f",
    ),
    **dict.fromkeys(
        """director producer writer author novelist screenwriter filmmaker singer rapper
        musician composer artist star player striker midfielder defender goalkeeper captain
        coach manager boss officer detective lawyer attorney prosecutor judge critic analyst
        economist professor scientist researcher doctor surgeon nurse senator
        representative leader secretary commissioner chief executive founder president
        minister spokesperson candidate activist campaigner journalist reporter editor
        columnist presenter host comedian designer architect engineer pilot teacher student
        pastor priest adviser advisor aide investor entrepreneur inventor astronaut official
        governor mayor chancellor premier pitcher quarterback forward guard veteran
        colleague""".split(),  # noqa: SIM905
        "",
    ),
}
#: Nouns for a person, and for people as a group.
_PERSON_NOUNS = (
    r"man|woman|boy|girl|child|mother|father|wife|husband|son|daughter|sister|brother|"
    r"friend|neighbou?r|victim|suspect|officer|judge|mayor|spokes(?:man|woman|person)|"
    r"official|president|minister|chief|director|driver|teacher|doctor|nurse|lawyer|"
    r"witness|resident|leader|owner|player|coach|manager|founder|actor|actress|singer|"
    r"star|student|patient|passenger|pilot|soldier|worker|partner|parent|person|fan|"
    r"critic|reporter|journalist|author|writer|defendant|plaintiff|prosecutor|governor|"
    r"senator|candidate|king|queen|prince|princess|customer|user|colleague|"
    r"boss|executive|chairman|chairwoman|ceo"
)
_GROUP_NOUNS = (
    r"police|officials|authorities|investigators|prosecutors|doctors|witnesses|"
    r"residents|fans|critics|researchers|scientists"
)
#: Words for an unnamed person or group a pronoun could point at instead.
_UNNAMED_PEOPLE = re.compile(
    r"\b(?:the|a|an|his|her|their|its|one|another)\s+(?:[a-z-]+\s+)?"
    r"(?:" + _PERSON_NOUNS + r")s?\b"
    r"|\b(?:" + _GROUP_NOUNS + r")\b",
    re.I,
)
#: A role right after a name, between commas or to the sentence's end: ", a former
#: officer,", ", the union's executive director." It is the named person's, unless it
#: names someone else too (", a friend of the victim,").
_APPOSITIVE = re.compile(
    r",\s+(?:a|an|the|his|her|their|[A-Z][\w.&-]*['’]s)\s+[^,;:\"“”()]{1,60}?(?:,|\.$)"
)
#: What the subject is, said right after the name: "is the highest-ranking official",
#: "was a woman of ...", "became the first writer": the subject, not someone else.
_PREDICATE = re.compile(
    r"\s+(?:is|was|became|becomes|remains|remained|has been|had been)\s+(?:a|an|the)\s+"
    r"(?:[\w-]+\s+){0,3}?(?:" + _PERSON_NOUNS + r")\b"
)
#: A name followed by a speech verb, or one after it: a speaker.
SPEECH_VERBS = (
    r"said|says|told|tells|added|adds|explained|explains|revealed|noted|wrote|writes|insisted|"
    r"argued|asked|stated|announced|confirmed|admitted|recalled|warned|claimed|suggested|"
    r"tweeted|posted|replied|continued|pledged|promised|vowed|teased|hinted|joked|shared|"
    r"conceded|acknowledged|agreed|denied|described|urged|called"
)
_SPEAKS_AFTER = re.compile(
    rf"^(?:,\s+(?:who|whose)\b[^,]{{0,80}},|,\s+\d{{1,3}},)?"
    rf"\s*(?:(?:has|have|had|also|then|later|again|publicly|\w+ly)\s+)*(?:{SPEECH_VERBS})\b"
)
#: The speech verb of a reported statement or quotation, just before its speaker's name.
_SPEAKER_BEFORE = re.compile(rf"[,”\"’]\s*(?:{SPEECH_VERBS})$")
_SPEAKS_BEFORE = re.compile(rf"\b(?:{SPEECH_VERBS}|according to)\s+$")
_AGE_AFTER = re.compile(r"^,\s+\d{1,3},")
#: How far around a name (characters) the speech, age and title patterns look.
_NEAR = 200
#: Words that are capitalised but are not names (sentence openers, months, days ...).
_NOT_NAMES = frozenset(
    """
    The A An In On At By For From With Without After Before During Since Until When While If
    But And Or So Yet Also However Meanwhile Still Then Thus This That These Those There Here
    It Its He She His Her They Their We Our I You Your My Me Us Him Them Who What Where Why How
    As Although Though Because Despite Under Over Across Through Into Onto Of To Last Next Now
    January February March April May June July August September October November December
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday Today Tomorrow Yesterday
    Mr Mrs Ms Dr Sir Lady Lord Many Some Most Several Both Each Every Other Such No Not
    Following According Including Regarding Concerning Amid Among Against Behind Beyond Like
    Unlike Within Throughout Toward Towards Upon Around Near Outside Inside
    """.split()  # noqa: SIM905
)
#: Last words of names that are organisations or places, not people.
_NOT_PEOPLE = frozenset(
    """
    Bank Inc Corp Corporation Company Co Group Ltd Limited Association University College
    School Council Party Department Ministry Agency Service Services News Times Post Press
    Network Foundation Institute Committee Commission Union Court Police Army Navy Force
    Airlines Airways Motors Studios Pictures Entertainment Records Media Club United City
    County State States Republic Kingdom Street Road Avenue Park House Hall Centre Center
    Hospital Church Office Board Authority Museum Festival Times Journal Magazine Guardian
    Telegraph Tribune Herald Channel Radio Television TV Online Games League Cup Series
    Government Parliament Congress Senate Assembly Administration Reserve Fund Capital
    Partners Holdings Industries Technologies Systems Labs Project Program Programme
    Alliance Federation Organisation Organization Society Trust Council Democrats
    Republicans Conservatives Labour Battle Angel Way Water
    """.split()  # noqa: SIM905
)
#: Leading words dropped from a name found by :data:`_NAME`.
_TITLE_WORDS = frozenset(t.rstrip(".") for t in _TITLES)
_SKIPPED = _NOT_NAMES | _TITLE_WORDS
_SUBJECT_PRONOUN = re.compile(r"^(He|She)\s+(?=[a-z])")
#: An opening phrase before a comma, prepositional or a participle's ("For many
#: residents", "Speaking at the hall on Monday", "Rebranded as a news account"): it
#: holds no subject of its own, so a "he" after it points back past it -- never at a
#: name inside it ("Unlike Smith, he ..." is someone else). Format it with what the
#: rest of the phrase may hold.
_OPENING = (
    r"(?:(?:In|On|At|For|From|To|With|Without|By|Like|Unlike|Despite|During|Throughout|"
    r"Among|Amid|Under|Over|Within|Outside|Inside|Beyond|Across|Behind|Through|Against|"
    r"Toward|Towards|Upon|Of|Along|Around|Aside from|Apart from|Instead of|Besides|"
    r"As (?:a|an|the)|[A-Z][a-z]+(?:ing|ed))\b{rest}{{0,120}})"
)
#: ... any words but a clause's punctuation and quotes,
OPENING_PHRASE = _OPENING.format(rest=r"[^,;:()\"“”]")
#: ... or no name (a capital before a lower-case letter; an acronym is no name):
#: a possessive or an "it" after it may mean someone or something named there.
OPENING_PHRASE_NO_NAME = _OPENING.format(rest=r"(?:[^,;:()\"“”A-Z]|[A-Z](?![a-z]))")
#: An opening clause of a conjunction that names nobody ("If convicted", "When asked
#: about the plan", "After an episode"): a pronoun after it points back past it too.
#: (With a name in it, the pronoun is likely that name: "After Smith resigned, he ...")
OPENING_CLAUSE_NO_NAME = (
    r"(?:If|When|After|Before|Once|Unless|Until|While|Although|Though|Because|Since)\b"
    r"(?:[^,;:()\"“”A-Z]|[A-Z](?![a-z])){0,120}"
)
_PHRASE_PRONOUN = re.compile(
    r"^((?:" + OPENING_PHRASE + "|" + OPENING_CLAUSE_NO_NAME + r"),\s+)(he|she)\s+(?=[a-z])"
)
_POSSESSIVE = re.compile(r"^(His|Her)\s+(?=[a-z])")
#: A quotation's speaker as a pronoun ('..." she said'), or a reported statement's
#: between commas ("Lower-income voters, he said, might not ...").
_SPEAKER_PRONOUN = re.compile(rf"([”\"’],?\s+|,\s+)(he|she)(\s+(?:{SPEECH_VERBS})\b)")
_HE = re.compile(r"\b(?:he|him|his|himself)\b", re.I)
_SHE = re.compile(r"\b(?:she|her|hers|herself)\b", re.I)


@dataclass(frozen=True)
class Person:
    """A person an article names."""

    #: The longest form the article writes the name in ("James Cameron").
    full: str
    #: The last word of the name ("Cameron"): how later mentions refer to them.
    surname: str
    #: "m", "f", or "" when the article gives no gendered title or role.
    gender: str


@dataclass(frozen=True)
class Mention:
    """A person's name in one sentence."""

    person: Person
    start: int
    end: int


_INITIAL = re.compile(r"[A-Z]\.")


#: Prefixes after which a role is still the role: "co-founder", "ex-minister".
_ROLE_PREFIXES = frozenset(("co", "ex", "vice", "deputy", "joint"))


def _role_gender(word: str) -> str | None:
    """The gender of a role word ("" for none), or None when it is no role: "co-founder"
    is "founder" (a role of either gender), "ex-wife" is "wife"."""
    lower = word.lower()
    if lower in _ROLES:
        return _ROLES[lower]
    head, _, rest = lower.partition("-")
    return _ROLES.get(rest) if head in _ROLE_PREFIXES else None


def _is_role(token: str) -> bool:
    """Whether a capitalised word is a title or a role ("Attorney", "Sen.", "Co-founder"),
    not "The"."""
    word = token.rstrip(".")
    return word in _TITLE_WORDS or _role_gender(word) is not None


#: The ends of a hyphenated word that tells where someone is from, or who runs a body:
#: "Australian-born", "London-based", "Saudi-led".
_OF_A_PLACE = frozenset("born based raised bred educated led backed owned".split())  # noqa: SIM905


def _no_name_word(token: str, after_role: bool = False) -> bool:
    """Whether a capitalised word is no part of a person's name: a title, an opener, a
    role ("Secretary", "Secretary-General"). "General" is one only after a role
    ("Attorney General"): alone it may start a company's name ("General Motors")."""
    parts = token.rstrip(".").split("-")
    if len(parts) > 1 and (parts[-1] in _OF_A_PLACE or _role_gender(token.rstrip(".")) is not None):
        return True  # "Australian-born Assange" is Assange, "Co-founder Jane Holt" Jane Holt
    return all(
        p in _SKIPPED or p.lower() in _ROLES or (p == "General" and (after_role or i > 0))
        for i, p in enumerate(parts)
    )


#: A word that can be part of a person's name after a role: not "Jr." or an initial.
_NAME_WORD = re.compile(r"(?!(?:Jr|Sr)\b)[A-Z][a-z]+(?:(?:-|[’'])[A-Z]?[a-z]+)?|Mc[A-Z][a-z]+")


def names_in(text: str) -> list[tuple[int, int, str]]:
    """Every capitalised name in ``text``: (start, end, name), openers and months left out."""
    found: list[tuple[int, int, str]] = []
    for match in _NAME.finditer(text):
        tokens = match.group(0).split()
        start = match.start()
        # Drop a leading word that is no name ("The", "In", "Mr", a month, a role's
        # "Secretary-General"), and the initial of a body before one ("U.N.").
        after_role = False
        while tokens and (
            _no_name_word(tokens[0], after_role)
            or (len(tokens) > 1 and _INITIAL.fullmatch(tokens[0]) and _no_name_word(tokens[1]))
        ):
            after_role = _is_role(tokens[0])
            start = text.index(tokens[1], start) if len(tokens) > 1 else match.end()
            tokens = tokens[1:]
        # A title or role inside the run ("Russian President Boris Yeltsin", "White House
        # Press Secretary Sarah Sanders", "Maj. Gen. Radislav Krstic"): the person's name
        # is what follows the last one -- when a name does ("Stephen King" is a name).
        for k in range(len(tokens) - 2, 0, -1):
            if _is_role(tokens[k]) and any(_NAME_WORD.fullmatch(t) for t in tokens[k + 1 :]):
                for token in tokens[: k + 1]:
                    start = text.index(token, start) + len(token)
                start = text.index(tokens[k + 1], start)
                tokens = tokens[k + 1 :]
                break
        if tokens:
            found.append((start, match.end(), " ".join(tokens)))
    return found


@lru_cache(maxsize=1)
def first_names() -> dict[str, str]:
    """Common first names of one gender: name -> "m" or "f" (package data)."""
    from importlib.resources import files

    raw = (files("digest") / "data" / "first-names.txt").read_text(encoding="utf-8")
    out: dict[str, str] = {}
    for line in raw.splitlines():
        if line.strip() and not line.startswith("#"):
            sex, *names = line.split()
            out.update(dict.fromkeys(names, sex))
    return out


#: One name as an article writes it: the form, and whether a title or role, speech or
#: an age around it shows a person (the title's gender, "" for none).
_Sighting = tuple[str, bool, bool, str]


def _surname(name: str) -> str | None:
    """The surname a name is known by, or None when it cannot be a person's."""
    surname = name.split()[-1].rstrip(".")
    if surname in _NOT_PEOPLE or surname in _NOT_NAMES or len(surname) < 2:
        return None
    return surname


def _sighting(text: str, start: int, end: int, name: str) -> _Sighting:
    near = text[max(0, start - _NEAR) : start]
    before = near.rstrip()
    word = before.rsplit(None, 1)[-1] if before else ""
    role = _role_gender(word)
    titled = word in _TITLES or role is not None
    sex = _TITLES.get(word, role or "") if titled else ""
    if not titled and text.startswith(",", end) and (aside := _APPOSITIVE.match(text, end)):
        # a role told right after the name: "Billy Hunter, the union's executive director,"
        roles = [_role_gender(w) for w in words(aside.group(0))]
        if any(r is not None for r in roles):
            titled, sex = True, next((r for r in roles if r), "")
    speaks = bool(_SPEAKS_AFTER.match(text[end : end + _NEAR]) or _SPEAKS_BEFORE.search(near))
    aged = bool(_AGE_AFTER.match(text[end : end + _NEAR]))
    return name, titled, speaks or aged, sex


def _person(surname: str, sightings: Sequence[_Sighting]) -> Person | None:
    """The person a surname's sightings in one article show, or None."""
    forms = [form for form, _, _, _ in sightings]
    titled = any(t for _, t, _, _ in sightings)
    speaks = any(s for _, t, s, _ in sightings if not t)
    if not (titled or (speaks and any(len(form.split()) >= 2 for form in forms))):
        return None
    full = max(forms, key=lambda f: (len(f.split()), f))
    firsts = {f.split()[0] for f in forms if len(f.split()) >= 2}
    if len(firsts) > 1:
        return None  # two people share the surname: never guess between them
    sexes = {sex for _, _, _, sex in sightings if sex}
    if len(full.split()) >= 2 and full.split()[0] in first_names():
        sexes = sexes | {first_names()[full.split()[0]]}
    if len(sexes) > 1:  # signs of both genders: matches neither pronoun
        return Person(full, surname, "?")
    return Person(full, surname, next(iter(sexes)) if sexes else "")


def people(sentences: Sequence[str]) -> dict[str, Person]:
    """The people an article names, by surname: names the article shows as persons.

    A name is a person's when the article gives it a title or role (before it, or in
    an aside right after it: ", the union's executive director,"), or when
    it speaks or has an age and the article writes it in full somewhere.
    """
    seen: dict[str, list[_Sighting]] = {}
    for text in sentences:
        for start, end, name in names_in(text):
            surname = _surname(name)
            if surname is not None:
                seen.setdefault(surname, []).append(_sighting(text, start, end, name))
    out: dict[str, Person] = {}
    for surname in sorted(seen):
        person = _person(surname, seen[surname])
        if person is not None:
            out[surname] = person
    return out


class People:
    """:func:`people` of an article, found one surname at a time as it is asked for.

    ``surname in known`` and ``known[surname]`` give what ``people(sentences)``
    would (a surname's entry depends only on the sentences that hold it), but
    only the sentences holding an asked-for surname are read: the resolver
    asks about the one or two names of the sentence before a pronoun, and
    reading every name of the article cost most of the time it took.
    """

    def __init__(self, sentences: Sequence[str]) -> None:
        self._sentences = sentences
        self._found: dict[str, Person | None] = {}
        self._names: dict[int, list[tuple[int, int, str, str | None]]] = {}

    def _names_in(self, i: int) -> list[tuple[int, int, str, str | None]]:
        """names_in() of sentence ``i`` with each name's surname, read once."""
        found = self._names.get(i)
        if found is None:
            text = self._sentences[i]
            found = self._names[i] = [(s, e, n, _surname(n)) for s, e, n in names_in(text)]
        return found

    def _get(self, surname: str) -> Person | None:
        if surname not in self._found:
            sightings = [
                _sighting(text, start, end, name)
                for i, text in enumerate(self._sentences)
                if surname in text
                for start, end, name, its_surname in self._names_in(i)
                if its_surname == surname
            ]
            self._found[surname] = _person(surname, sightings) if sightings else None
        return self._found[surname]

    def __contains__(self, surname: object) -> bool:
        return isinstance(surname, str) and self._get(surname) is not None

    def __getitem__(self, surname: str) -> Person:
        person = self._get(surname)
        if person is None:
            raise KeyError(surname)
        return person


#: What the resolver looks people up in: :func:`people`'s dict or a :class:`People`.
Known = dict[str, Person] | People


def mentions(text: str, known: Known) -> list[Mention]:
    """The known people named in ``text``, in order."""
    found: list[Mention] = []
    for start, end, name in names_in(text):
        surname = name.split()[-1].rstrip(".")
        if surname in known:
            found.append(Mention(known[surname], start, end))
    return found


def without_title_words(head: str) -> str:
    """``head`` without the capitalised words that end it, the rest of a title before
    its role word ("Moscow", "British Foreign", "White House Press", "Former", "The
    Russian"); an opener that is no part of one stays ("When", "After")."""
    tokens = head.split()
    while tokens and (
        (tokens[-1][:1].isupper() and tokens[-1] not in _NOT_NAMES and tokens[-1][-1] != ",")
        or (tokens[-1] == "of" and len(tokens) > 1)
    ):
        tokens.pop()
    if tokens == ["The"]:
        tokens.pop()
    return " ".join(tokens)


#: A possessive before a lower-case noun: "'s father", "’s activities".
_OWNER = re.compile(r"['’]s\s+[a-z]")


#: A person's noun after a possessive: "'s father", "'s new lawyer", "'s spokesman".
_OWNED_PERSON = re.compile(
    r"['’]s\s+(?:[a-z-]+\s+)?(?:" + _PERSON_NOUNS + r"|family|children|" + _GROUP_NOUNS + r")s?\b"
)


def _owns_a_person(text: str, end: int) -> bool:
    """Whether a name at ``end`` is followed by a possessive that owns a person or group
    ("McKinney's father", "Smith's lawyers") or a role ("Kabila's new attorney"): then
    the subject is that person, not the name. "Starovoitova's activities" owns no one."""
    if not _OWNER.match(text, end):
        return False
    if _OWNED_PERSON.match(text, end):
        return True
    return any(_role_gender(w) is not None for w in words(text[end : end + 40])[1:3])


def _subject_like(text: str, mention: Mention) -> bool:
    """Whether a mention opens its sentence (after a title, role or intro) or ends a quote.

    Not when it owns the subject: in "McKinney's father, Bill, condemned the attack"
    the one who did is the father.
    """
    if _owns_a_person(text, mention.end):
        return False
    before = text[: mention.start].rstrip()
    if not before:
        return True
    if before.endswith((",", "”", '"', "’")) and len(before.split()) <= 12:
        return True
    if _SPEAKER_BEFORE.search(before):
        return True  # "The toll was heavy, said Naim Berisha": the one who speaks
    word = before.rsplit(None, 1)[-1]
    if word in _TITLES or _role_gender(word) is not None or ("-" in word and _no_name_word(word)):
        # "Producer Jon Landau", "In May, director Hanna Berg", "Film critic Anna Kovacs",
        # "In another development, Moscow Mayor Yuri Luzhkov": the words of the title go.
        head = without_title_words(before[: -len(word)])
        return not head or head.endswith(",") or (" " not in head and head[:1].isupper())
    return False


def antecedent(pronoun: str, sentence: str, previous: str, known: Known) -> Person | None:
    """The one person ``pronoun`` ("he"/"she"/"his"/"her") in ``sentence`` can mean, or None."""
    return _the_one_person(
        sentence, previous, known, "m" if pronoun.lower() in ("he", "his") else "f"
    )


#: An opening epithet of an age and a few words: "The 48-year-old Australian was ...".
_EPITHET = re.compile(r"^The\s+(\d{1,3})-year-old\s+(?:[A-Za-z-]+\s+){0,2}?(?=[a-z])")


@dataclass(frozen=True)
class Epithet:
    """An opening epithet and the one person it stands for."""

    person: Person
    #: The age it gives, as written ("48").
    age: str
    #: Where the epithet ends in its sentence: "The 48-year-old Australian " is 27.
    end: int


def epithet(sentence: str, previous: str, known: Known) -> Epithet | None:
    """The person an opening epithet ("The 48-year-old Australian was ...") stands for, or
    None: as :func:`antecedent`, whatever that person's gender, but never when the
    sentence before names or speaks of anyone else, of either gender. A known name
    after the age is no epithet ("The 67-year-old Yeltsin is ...")."""
    match = _EPITHET.match(sentence)
    if match is None or any(w in known for w in sentence[4 : match.end()].split()[1:]):
        return None
    person = _the_one_person(sentence, previous, known, "")
    return Epithet(person, match.group(1), match.end()) if person is not None else None


def _the_one_person(sentence: str, previous: str, known: Known, sex: str) -> Person | None:
    """The subject of ``previous`` when it names exactly one person (of gender ``sex``,
    or of any with ``sex`` "") who is not named in ``sentence`` and no one unnamed."""
    named_here = {m.person.surname for m in mentions(sentence, known)}
    found = [m for m in mentions(previous, known) if m.person.surname not in named_here]
    candidates = {m.person.surname: m for m in found}
    if len(candidates) > 1 and sex:
        # a person of the other gender is not meant: "Clinton ... his conduct with Monica
        # Lewinsky" leaves one man (who must still pass every test below)
        candidates = {k: m for k, m in candidates.items() if m.person.gender in (sex, "")}
    if len(candidates) != 1:
        return None
    mention = next(iter(candidates.values()))
    if (
        sex
        and mention.person.gender != sex
        and not (
            # Unknown gender: the sentence before must itself say "he" (or "she") after the name.
            mention.person.gender == ""
            and (_HE if sex == "m" else _SHE).search(previous[mention.end :])
        )
    ):
        return None
    if not _subject_like(previous, mention):
        return None
    # Blank out the names (and a title or role just before them, and an appositive that
    # tells the one person's role after them) and look for anyone else.
    rest = previous
    for m in sorted(mentions(previous, known), key=lambda m: -m.start):
        head = previous[: m.start].rstrip()
        word = head.rsplit(None, 1)[-1] if head else ""
        cut = (
            m.start - len(word) - 1
            if word in _TITLES or _role_gender(word) is not None
            else m.start
        )
        end = m.end
        role = _APPOSITIVE.match(previous, end)
        if role and len(_UNNAMED_PEOPLE.findall(role.group(0))) == 1:
            end = role.end()
        if m.person == mention.person and (what := _PREDICATE.match(previous, end)):
            end = what.end()  # "Krstic is the highest-ranking official": no one else
        rest = rest[: max(cut, 0)] + " " + rest[end:]
    if _UNNAMED_PEOPLE.search(rest):
        return None
    if sex:
        # someone of the other gender could be meant
        other = _SHE if sex == "m" else _HE
        if other.search(rest) or other.search(sentence):
            return None
    elif _HE.search(rest) or _SHE.search(rest):
        # an epithet may mean whoever "he" or "she" is
        return None
    return mention.person


def has_pronoun(sentence: str) -> bool:
    """Whether :func:`resolve_pronoun` could change ``sentence``: it opens with
    "He"/"She"/"His"/"Her" (or "he"/"she" after an opening phrase) or a
    quotation's speaker is a pronoun. (Most sentences
    do not, and they need no :func:`people`.)"""
    return bool(
        _SUBJECT_PRONOUN.match(sentence)
        or _POSSESSIVE.match(sentence)
        or _PHRASE_PRONOUN.match(sentence)
        or _SPEAKER_PRONOUN.search(sentence)
    )


def resolve_pronoun(sentence: str, previous: str | None, known: Known) -> str:
    """``sentence`` with an opening "He"/"She"/"His"/"Her" or a quote's "he said" named, if sure.

    ``previous`` is the sentence before it in its article (as resolved), ``known``
    the article's :func:`people`. Anything doubtful comes back unchanged.
    (:func:`has_pronoun` tests for the three cases below; a new case goes there too.)
    """
    if not previous:  # (with nobody known, no antecedent is found below)
        return sentence
    opener = _SUBJECT_PRONOUN.match(sentence)
    if opener:
        person = antecedent(opener.group(1), sentence, previous, known)
        if person is not None:
            return person.full + sentence[opener.end(1) :]
        return sentence
    after_phrase = _PHRASE_PRONOUN.match(sentence)
    if after_phrase:
        person = antecedent(after_phrase.group(2), sentence, previous, known)
        if person is not None:
            return after_phrase.group(1) + person.full + sentence[after_phrase.end(2) :]
        return sentence
    possessive = _POSSESSIVE.match(sentence)
    if possessive:
        person = antecedent(possessive.group(1), sentence, previous, known)
        if person is not None:
            owner = person.full + ("’" if person.full.endswith("s") else "’s")
            return owner + sentence[possessive.end(1) :]
        return sentence
    speaker = _SPEAKER_PRONOUN.search(sentence)
    if speaker and len(_SPEAKER_PRONOUN.findall(sentence)) == 1:
        person = antecedent(speaker.group(2), sentence, previous, known)
        if person is not None:
            return sentence[: speaker.start(2)] + person.full + sentence[speaker.end(2) :]
    return sentence
