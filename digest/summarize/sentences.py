"""Candidate sentences: splitting articles, stemming, and judging sentence quality.

Every summarizer step works on :class:`Candidate` objects: one sentence of one
article with its position, its stemmed tokens, and a quality verdict. Quality is
decided by cheap, explainable surface rules rather than a model, so it runs
offline and is easy to test:

* **excluded** (never chosen): fragments (too few words), headings and captions
  (no closing punctuation, title-case or all-caps lines), questions, boilerplate
  ("we may earn a commission", "sign up for our newsletter"), run-ons;
* **excluded** too, because a digest shows a sentence without the ones
  around it, every sentence that does not stand alone: quotations cut in
  half by the sentence splitter and the middle of a quotation that runs over
  several sentences; openers that point back ("He said ...", "But ...",
  "This ...", "It was the worst ...", "In each case, ...", "By then, ...",
  "Others were ...", "Yes, ...", "When she became mayor, the borough ...")
  unless :mod:`digest.summarize.resolve` could put the named person in; a
  quotation without its speaker ("“...,” he said." with nobody named); the
  writer's own voice (first person outside quotes, "To be honest, ...") and
  reader address ("you", "Check out ...", "Mix two tablespoons ..."); teasers
  ("Here's what we know", a trailing "…"); and quoted speech that opens the
  sentence or makes up most of it (colour, rarely the news);
* **penalised** (chosen only when they bring much more content): editorial
  asides in parentheses.

Before judging, :func:`tidy` drops what a digest never needs: datelines
("TRIPOLI, Libya (AP) — ", "NEW DELHI: ", "(CNN) "), short parentheses, editors'
notes and a trailing aside in parentheses, leading link and comment words
("However, ", "Meanwhile, ", "But the ...", "Fortunately, ", "As a result, ";
before a pronoun only when the pronoun is then resolved),
"It was reported that", a "best known for ..." aside, and trailing
attributions to an unnamed source (", officials said Thursday."). Shorter
variants (:func:`compressed`: a non-restrictive relative clause dropped,
never one that tells a denial) compete with their sentences for the budget,
and :func:`repeated_attribution` drops a ", Smith said." that the sentence
before already makes. Positions count usable sentences only, so disclosures
and captions above the lead do not demote it.

Stemming uses snowballstemmer's English (Porter 2) stemmer, run by PyStemmer's C
build of it (a dependency; snowballstemmer's pure-Python one when it is
missing, with the same stems): no data files, maintained; words are cached
because news vocabulary repeats heavily.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress, pairwise
from operator import itemgetter

import snowballstemmer  # type: ignore[import-untyped]

from digest.clean import is_boilerplate
from digest.model import Article
from digest.summarize.resolve import (
    OPENING_CLAUSE_NO_NAME,
    OPENING_PHRASE,
    OPENING_PHRASE_NO_NAME,
    SPEECH_VERBS,
    People,
    epithet,
    has_pronoun,
    names_in,
    resolve_pronoun,
)
from digest.text import any_of, fold_space, split_sentences, stopwords, words

#: Sentences with fewer words are fragments (captions, bylines, "Hope returns").
MIN_WORDS = 7
#: Sentences with more words are run-ons or lists; they eat the budget.
MAX_WORDS = 55

#: Openers that make a sentence lean on what came before it.
DANGLING_OPENERS = frozenset(
    """
    he she it they this that these those his her its their him them but and or so yet
    also however meanwhile still then thus hence moreover furthermore nevertheless
    instead otherwise besides such both likewise similarly nonetheless indeed
    additionally again it's that's he's she's they're they've they'd he'd she'd which
    it'll he'll she'll they'll it'd that'll
    """.split()  # noqa: SIM905
)
#: Words after "It is" that make "it" a subject raised from what follows when a
#: "to" comes next: "It is expected to drop" tells of something said before, while
#: "It is expected that ..." and "It is hard to say ..." point ahead.
_RAISING = (
    r"(?:likely|unlikely|expected|understood|believed|thought|feared|hoped|estimated|set|due)"
)
#: Openers of that list that stand alone in some uses: "It is unclear whether ...",
#: "This year ...", "Those who ...", "Both Smith and Jones ...".
_STANDS_ALONE = re.compile(
    r"^(?:It(?:'s|’s| is| was| has been| had been| remains| seems| appears| will be| would be)"
    r"(?: not| still| now)?(?: yet)? (?:(?:unclear|clear|possible|"
    r"impossible|unknown|uncertain|"
    r"too early|not known|not clear|now|time|easy|hard|difficult|"
    r"important|worth|tempting|fair|safe|rare|common|necessary|essential|vital|crucial)\b"
    r"|" + _RAISING + r"\b(?! to\b))"
    r"|(?:This|That|These|Those|Last|Next) (?:year|week|month|morning|afternoon|evening|"
    r"night|weekend|summer|winter|spring|autumn|fall|season|decade|time|days)\b"
    r"|Those (?:who|with|in|on|at|aged|living|affected|killed|injured|[a-z]+ing)\b"
    r"|Both [A-Z][\w’'-]+(?: [A-Z][\w’'-]+)* and [A-Z]"
    r"|There (?:is|are|was|were|will|have|has|had|may|might|could|would)\b"
    # "It's “unacceptable” for Amazon to ...", "It is hard to say ...": "it" points ahead.
    r"|It(?:'s|’s| is| was)(?: not)? (?:\"[^\"]{1,40}\"|“[^”]{1,40}”|(?!" + _RAISING + r" to\b)\w+)"
    r" (?:for \S+ (?:\S+ )?to|to|that)\b"
    # "It is the first time ... that ...": "it" points ahead.
    r"|It(?:'s|’s| is| was| will be| would be| marks| marked) the (?:first|second|third|"
    r"fourth|fifth|last|only) time\b"
    # "It would take another referendum for Denmark to adopt the euro.", "It took crews
    # a week to ..." ("It will take effect in May" means a law told of before.)
    r"|It (?:(?:would|will|could|might|may|can) (?:take|cost|require)|took|takes|cost|costs|"
    r"required|requires) (?!(?:effect|place|part|over|control|office|power|charge|the lead)\b)"
    r"[^.;:]{1,60}?\bto [a-z]"
    # A name, not a pronoun: "He Jiankui's work ...".
    r"|He (?=[A-Z][a-z]))"
)
#: Imperatives to the reader ("Watch ...", "Check out ...", "Get the magazine ...").
_IMPERATIVE = re.compile(
    r"^(?:watch|listen|read|see|look|check|click|tap|sign|subscribe|join|follow|"
    r"find out|learn|discover|remember|relax|imagine|consider|meet|get|grab|try|take a look|"
    r"don[’']t|do not|never miss|make sure|be sure|scroll|share|buy|shop|order|visit|"
    r"download|explore|enjoy|head|keep|let[’']s|snag|nab|"
    # advice and recipes: "Opt for salsa ...", "Mix two tablespoons ..."
    r"opt|seek out|avoid|choose|pick|stir|mix|skip|swap|pour|combine|whisk|bake|preheat|"
    r"prepare|add|ask|put|bring|"
    r"score(?= (?:a|an|the|this|these|one|big|up to)\b))\b"
    r"(?! (?:is|are|was|were|has|have|had|said)\b)"
    # after what the reader may want: "For full details on the grant, see this page.",
    # "For tickets, call ...", "To find out more, visit ..."
    r"|^(?:For (?:more|full|further|all|the latest|details|information|tickets|updates)|"
    r"To (?:find out|learn|read|see|get|book|apply|enter|sign up))\b[^,;]{0,60},\s+"
    r"(?:see|visit|click|go to|contact|call|email|e-mail|read|head to|check|sign up|"
    r"subscribe|follow|download|write to)\b",
    re.I,
)
#: Teasers: "Here's what we know", "Here's a roundup of ...", "What you need to know", a
#: cut-off "…". A sentence that opens with "Here's" points at what follows it on the page.
_TEASER = re.compile(
    r"^(?:here[’']s|here is|here are)\b"
    r"|\bwhat (?:you|we) (?:need to|should) know\b|(?:…|\.\.\.)[\"”’]?$",
    re.I,
)

#: A pointer to what the reader cannot see here, after a dash or colon: "Voters go to
#: the polls - find out who's involved", "The row deepens: here's what we know".
_TEASER_TAIL = re.compile(
    r"(?:\s[-–—|]|:)\s+(?:find out|read|see|watch|listen|learn|discover|click|look|"
    r"here(?:['’]s| is| are))\b"
    r"|,\s+here(?:['’]s| is| are) (?:what|how|why|where|when|who|everything)\b",
    re.I,
)

#: What a part of a group does, said right after it ("Others were ...", "Some said ...").
_PART_VERB = (
    r"(?:have|has|had|are|were|say|said|says|will|would|can|could|may|might|do|did|also|"
    r"even|still)"
)
#: "One of those scientists ...", "Many of them ...": a part of a group the reader
#: was told of in a sentence not shown.
_PART_OF_EARLIER = re.compile(
    r"^(?:One|Some|Many|Most|All|Each|Both|Neither|Either|None|Several|Few|Two|Three|"
    r"Half|Much|Any|Another|Others|Of) (?:of )?(?:those|these|them|whom|which)\b"
    # the part as the subject itself: "Others were set on fire", "Some said they ...",
    # "Many had beards", "Both were dominant companies of their day"
    r"|^(?:Others|Some|Many|Most|Few|A few|Several|Both) " + _PART_VERB + r"\b"
    # a counted part of a group the sentence does not say: "Two of the players, Fan and
    # Sun, play for ...", "Both of the men were ..." ("Two of the city's players" and
    # "One of the players in the final" say which; "Many of the residents left" is
    # a share of everyone's residents)
    r"|^(?:One|Two|Three|Four|Five|Six|Seven|Eight|Nine|Ten|\d+|Both|Neither|Either|None)"
    r" of the [a-z]+s(?:,|\s+(?:" + _PART_VERB + r"|was|is|play|remain|remained|died|fled|"
    r"left)\b)"
    # what is set beside something told before: "Other games also offer ...", "Two other
    # men have confessed ...", "Another study found ...", "The other witness was ..."
    r"|^(?:Other|Another|(?:One|Two|Three|Four|Five|Six|Seven|Eight|Nine|Ten|\d+|Several|"
    r"Many|Some|A few|Few|Most|All|The) other) (?!than\b)[a-z][a-z-]*\b"
)

#: A pronoun after an opening phrase that names nobody, pointing back all the same:
#: "For many residents, he represents ...", "At 16, she moved ...", "Rebranded as a
#: news account, it posted ..." (unless what follows stands alone: "In May, it is
#: unclear whether ...").
_PRONOUN_AFTER_PHRASE = re.compile(
    r"^(?:" + OPENING_PHRASE + "|" + OPENING_CLAUSE_NO_NAME + r"),\s+(?:he|she|they)\b"
    r"|^" + OPENING_PHRASE_NO_NAME + r",\s+(?:(?:his|her|their|its)\b"
    r"|it\b(?!['’]s\b| is\b| was\b| remains\b| seems\b| appears\b))"
)

#: An opening phrase that points back at what the reader was told before: "In each
#: case, ...", "In both cases", "At that time", "On that day", "By then", "Since then",
#: "After that", "Aside from those". ("This year ..." and "At this point" speak of now.)
_POINTS_BACK = re.compile(
    r"^(?:(?:In|At|On|For|By|From|Under|With|Of|During|Until|Since) )?"
    r"(?:each|both|either|neither|that|those|such|the same|the latter|the former|"
    r"this(?= (?:case|instance|way|regard|respect|scenario|situation|context|sense|"
    r"spirit|capacity|role)\b)|these(?= (?:cases|instances|ways|regards|respects|"
    r"scenarios|situations|contexts)\b))\s+"
    r"(?:cases?|instances?|ways?|events?|respects?|regards?|times?|points?|moments?|"
    r"periods?|situations?|scenarios?|senses?|contexts?|spirit|capacity|role|stage|"
    r"occasions?|days?|nights?|weeks?|months?|years?)\b[^,;]{0,30},\s+"
    r"|^(?:By|Since|Until|Till|Even|Back|Before|Only) then,\s+|^At the time,\s+"
    # "If not, ...", "If so, ...": the condition was told before
    r"|^If (?:not|so),\s+"
    # a time counted from a step told before: "Two months later, he died ...", "A day
    # earlier, police had ..."
    r"|^(?:(?:A|An|One|Two|Three|Four|Five|Six|Seven|Eight|Nine|Ten|Several|Some|A few|"
    r"Many|\d+) )?(?:[a-z]+ )?(?i:seconds?|minutes?|hours?|days?|weeks?|months?|years?|"
    r"decades?) (?:later|earlier)\b,?\s+"
    # "so" standing for a clause told before: "One would hope so, since ...", "Officials
    # think so too." ("so much", "so far", "so that" are no such "so")
    r"|^[^,;:]{0,30}\b(?:hope|hopes|hoped|think|thinks|thought|believe|believes|believed|"
    r"expect|expects|suppose|guess|say|says|said) so\b(?! (?:much|many|far|that|long)\b)"
    # a pronoun as the subject of what a named speaker says: "Doctor says, they're trying
    # to buy time" (who are they?)
    r"|^(?:[A-Z][\w'’.-]*\s+){1,4}(?:says|said|adds|added|notes|noted|argues|argued|"
    r"writes|wrote|explains|explained),\s+(?:he|she|they|it|this|these|those)\b"
    # "The latter threat is key": the second of two things told before ("The former
    # star" is most often a past role, and stands)
    r"|^(?:(?:Of|For|To|In|Like|Unlike) )?[Tt]he latter\b"
    # an answer to a question the reader never saw: "Yes, the exclamation point is ..."
    r"|^(?:Yes|No|Well|Sure|Okay|OK|Oh),\s+"
    r"|^(?:The )?(?:[Ss]imple|[Ss]hort|[Qq]uick|[Ee]asy|[Ll]ong) answer\b"
    # a part of a group named before: "For most, this would mean ..."
    r"|^(?:For|To|Of|Among) (?:most|many|some|others|them|those|both|all|each)\b,\s+"
    # a pronoun after one adverb: "Soon he's catapulting himself ..."
    r"|^(?:Soon|Now|Later|Eventually|Finally|Suddenly|Today|Again|Once again) (?:he|she|they)\b"
    # a pronoun in an opening clause that the main clause does not name: "When she became
    # mayor in 2013, the borough was in deep trouble." ("..., Jones found" names her)
    r"|^(?:When|After|Before|While|Since|As|Because|If|Although|Though|Until|Once) "
    r"(?:he|she|they|his|her|their)\b[^,;]{0,100},\s+(?![A-Z])"
    r"|^(?:Before|After|Since|Besides|Like|Unlike|Beyond|Other than|Apart from|Aside from|"
    r"In addition to) (?:that|this|these|those|it|them),\s+"
)

#: "these" or "those" before a noun in the sentence's first clause, where nothing before
#: it can be what it means: "The Pentagon rejected these accusations as false.", "While
#: cuts to these services ...". (Later in the sentence it may point inside it: "... sign
#: a trade deal, but those negotiations hit a snag"; "those who ..." and "those of ..."
#: say whom they mean.)
_DEMONSTRATIVE_FIRST = re.compile(
    r"^[^,;:—–\"“”(]*?\b(?:these|those)\s+(?:[a-z-]+\s+)?(?!(?:days|times|ones)\b)[a-z-]+s\b"
    r"(?!\s+(?:who|whom|whose|that|which|where|when|of|in|at|on|from|with|for|under|"
    r"[a-z]+ed\s+by)\b)"
)

#: The first clause of a sentence: up to its first comma, colon, dash, quote or bracket.
_FIRST_CLAUSE = re.compile(r"^[^,;:—–\"“”(]*")
#: "this" or "that" before a word, in the first clause ("rejected that agreement",
#: "Hunter disputed this notion", "All this means"), with the two words after it.
_THIS_THAT = re.compile(
    r"(?:^|(?<=\s))(?:(?P<before>[A-Za-z][\w'’-]*)\s+)?(?P<word>this|that)\s+(?P<w1>[\w'’-]+)"
    r"(?:\s+(?P<w2>[\w'’-]+))?(?:\s+(?P<w3>[\w'’-]+))?"
)
#: Nouns that "this" makes a time, the writer's place or the writer's own piece, which
#: need nothing before them ("this year", "this political season", "in this vast
#: nation", "at this stage", "this article"). "That day" and "that year" do point back
#: (:data:`_THAT_TIME`).
_HERE_AND_NOW = frozenset(
    """
    year years week weeks month months season seasons summer spring fall autumn winter
    weekend morning afternoon evening night tonight century decade era stage time times
    moment point semester quarter holiday today country nation city town capital village
    region island state province county district area world planet story article piece post
    page site podcast video edition
    """.split()  # noqa: SIM905
)
_THAT_TIME = frozenset(
    """
    day night morning afternoon evening week weekend month year season time moment point
    summer spring fall autumn winter
    """.split()  # noqa: SIM905
)
_POSSESSIVE_END = re.compile(r"['’]s?$")
#: After "this": the pronoun with a form of "be" is a dummy ("this is the first time").
_BE = frozenset(("is", "was", "isn't", "wasn't", "isn’t", "wasn’t"))
#: Words after "that" that make it a conjunction or a relative ("said that the ...",
#: "believed that 5 to 7 percent", "a deal that would ...").
_AFTER_CONJUNCTION_THAT = frozenset(
    """
    the a an his her its their our my your this these those some no any every each all many
    most several one two three he she it they we i you there such if when in on at to for of
    is was are were be been has have had would will could can may might should must not only
    even because despite so
    """.split()  # noqa: SIM905
)
#: Words that end a noun phrase "that" opens as a demonstrative: "rejected that
#: agreement, saying ...", "led that company as it ...", "in that paper and ...".
_PHRASE_END = frozenset(
    """
    and as but or in on of for at to from with by after before because since when while if
    """.split()  # noqa: SIM905
)
#: Prepositions after which "that" before a noun is a demonstrative anywhere in a
#: sentence ("the benchmark of that ambition") ...
_THAT_PREPOSITIONS = frozenset(
    """
    in on of for at to from with about by under over into during since after before against
    behind despite like beyond
    """.split()  # noqa: SIM905
)
#: ... and the verbs after which it is one in the first clause ("rejected that agreement").
_THAT_AFTER = _THAT_PREPOSITIONS | frozenset(
    """
    asked led left made won lost held took saw heard signed broke sold bought built ran cited
    """.split()  # noqa: SIM905
)


def _demonstrative_points_back(text: str) -> bool:
    """Whether "this" or "that" in the first clause points at a sentence not shown.

    "Netanyahu's government rejected that agreement, saying ...", "Hunter disputed
    this notion", "The union said this clearly addresses ...", "few plans were made
    that day". Times and places of now and here stand alone ("this year", "in this
    vast nation"), as do "this is ..." and what "of ..." explains ("this age of big
    tech"); "that" as a conjunction or relative ("said that the ...", "a deal that
    would ...") is not a demonstrative.
    """
    clause = _FIRST_CLAUSE.match(text)
    if clause is None:
        return False
    for match in _THIS_THAT.finditer(clause.group(0)):
        # possessives count as their noun: "this year's race", "that year's prize"
        w1, w2, w3 = (_POSSESSIVE_END.sub("", match.group(g) or "") for g in ("w1", "w2", "w3"))
        if w1.lower() != w1 or any(ch.isdigit() for ch in w1):
            continue
        if match.group("word") == "this":
            if w1 in _BE or not _HERE_AND_NOW.isdisjoint((w1, w2, w3)) or "of" in (w2, w3):
                continue
            return True
        if w1 in _THAT_TIME:
            return True
        before = (match.group("before") or "").lower()
        if not (before in _THAT_AFTER or before.endswith("ed")):
            continue
        if (
            w1 in _AFTER_CONJUNCTION_THAT
            or w1 in _PHRASE_END
            or w1 in _BE
            or w1.endswith(("ing", "ly"))
        ):
            continue  # no noun comes first: a conjunction's or a relative's "that"
        # a bare singular noun, maybe after one adjective, ends the phrase: "that
        # agreement" then the clause's end or a link word ("that paper and ...")
        noun, ends = (
            (w1, True) if not w2 or w2 in _PHRASE_END else (w2, not w3 or w3 in _PHRASE_END)
        )
        if ends and (not noun.endswith("s") or noun.endswith(("ss", "us", "is"))):
            return True
    return False


_LATER_THAT = re.compile(
    r"\b(?P<before>[A-Za-z]+)\s+that\s+(?P<w1>[a-z][\w'’-]*)(?:\s+(?P<w2>[\w'’-]+))?"
)
#: Something the sentence itself could mean by "that year" or "that day": a date.
_DATE_LIKE = re.compile(
    r"\d|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|\b[A-Z][a-z]+day\b", re.I
)


def _later_that_points_back(text: str) -> bool:
    """Whether "that" after a preposition, anywhere in the sentence, points at one not
    shown: "..., the agency announced the benchmark of that ambition had been met",
    "..., no one from that party came forward". It points inside the sentence when
    the sentence has already named its noun ("a party ..., but no one from that
    party") or, for a time ("before that year's prize"), given a date."""
    for match in _LATER_THAT.finditer(text):
        if match.group("before").lower() not in _THAT_PREPOSITIONS:
            continue
        w1 = _POSSESSIVE_END.sub("", match.group("w1"))
        w2 = _POSSESSIVE_END.sub("", match.group("w2") or "")
        if w1 in _AFTER_CONJUNCTION_THAT or w1 in _PHRASE_END or w1 in _BE:
            continue
        if w1.endswith(("ing", "ly")):
            continue
        earlier = text[: match.start()]
        if w1 in _THAT_TIME:
            if not _DATE_LIKE.search(earlier):
                return True
            continue
        if w1.endswith("s") and not w1.endswith(("ss", "us", "is")):
            continue  # "that" before a plural is no demonstrative
        # the noun is the word after "that", or the next one after an adjective: either
        # named before means the sentence says what "that" is
        nouns = [w for w in (w1, w2) if w.isalpha() and w not in _PHRASE_END]
        if not any(re.search(rf"\b{re.escape(w[:5])}", earlier, re.I) for w in nouns):
            return True
    return False


#: "follow suit" or "do the same" in a sentence of one clause: what is followed was told
#: in a sentence not shown ("It is unclear if the 13-inch MacBook Pro will follow suit.").
#: After a comma, "and", "but" or "after", it may be told in the sentence itself
#: ("Apple raised its prices and Samsung followed suit.").
_FOLLOWS_SUIT = re.compile(
    r"^(?:(?![,;:—–]| and | but | after | as | when | while | once ).)*?"
    r"\b(?:follow(?:s|ed|ing)? suit|(?:do|does|did|doing|done) the same)\b"
)

#: Whether plans count as what comes next ("plans to", "is considering", "priority").
PLANS = True
#: Status and next steps: what is still open, what happens next and when.
_OUTLOOK = re.compile(
    r"\b(?:(?:is|are|was|were) (?:set|expected|scheduled|due|likely) to"
    r"|will (?:begin|start|resume)|could (?:begin|start)|waits? (?:on|for)|once \w+"
    + (
        r"|(?:plans?|planning|intends?|aims?) to|(?:are|is) considering|could extend"
        r"|(?:immediate|first|top) priority"
        if PLANS
        else ""
    )
    + r")\b"
)
#: What is still open: the "what we don't know yet" of a story.
_OPEN = re.compile(
    r"\b(?:remains? (?:un\w+|to be \w+|unclear)|not yet (?:been )?\w+|yet to be \w+"
    r"|unconfirmed|undecided|unclear (?:whether|when|how|if)|pending)\b"
)
#: How people took it: campaigns, petitions, protests, praise and outcry.
_REACTION = re.compile(
    r"\b(?:campaign(?:ed|ing|s)? for|petitions?|protest(?:ed|ers|s)?"
    r"|rall(?:y|ied) (?:for|against|behind)"
    r"|boycott\w*|backlash|outcry|outrage|welcomed|condemned|criticis\w+|criticiz\w+|praised"
    r"|cheered|applauded)\b"
)
_FIGURE = re.compile(
    r"[$€£¥]\s?\d|\b\d[\d,.]*\s?(?:%|percent|per cent|million|billion|thousand|people|dead)\b"
)
_HAS_DIGIT = re.compile(r"\d")
_READER = re.compile(r"\b(?:you|your|yours|you're|you’re|you've|you’ve|you'll|you’ll|yourself)\b")
# The four patterns above are matched against lower-cased text (faster than IGNORECASE).
_FIRST_PERSON = re.compile(
    r"(?<![\w’'-])(?:I|I'm|I’m|I've|I’ve|I'd|I’d|I'll|I’ll|me|my|myself|we|we're|we’re|"
    r"we've|we’ve|we'd|we’d|we'll|we’ll|our|ours|ourselves|us|let's|let’s)(?![\w’'-])"
    r"|^[\"“‘(]?(?:We|Our|My|Let's|Let’s)\b"
)
#: The writer's own aside opening a sentence: "To be perfectly honest, this seems ...".
_WRITERS_ASIDE = re.compile(
    r"^(?:To be (?:perfectly |completely |brutally |totally )?(?:honest|frank|fair)|Frankly|"
    r"Honestly|Personally|In my (?:view|opinion|experience)|If I['’]m honest)\b,"
)
#: Words one of which every match of :data:`_FIRST_PERSON` is (as :func:`words` gives
#: them): a sentence with none of them is spared the pattern.
_FIRST_PERSON_WORDS = frozenset(
    "i i'm i've i'd i'll me my myself we we're we've we'd we'll our ours ourselves us let's".split()  # noqa: SIM905
)
#: What every match of :data:`_TEASER` holds, and of :data:`_TEASER_TAIL` (lower-cased).
_TEASER_HINT = any_of(("here", "what", "…", "..."))
_TEASER_TAIL_HINT = re.compile(r"\s[-–—|]|:|here")
#: A name that ends in "!" at the end of a sentence: "... according to a report by E!"
_NAME_WITH_BANG = re.compile(r"(?:\b[A-Z]{1,3}|\bYahoo|\bJeopardy)!$")
_PRONOUN_SPEAKER = re.compile(
    r"(?:[\"”’],?\s+|^|\s)(?:[Hh]e|[Ss]he|[Tt]hey)\s+(?:said|says|added|adds|explained|told|"
    r"continued|insisted|wrote|recalled|stated|noted|beams|laughs|mumbles|admits|admitted)\b"
)
_ASCII_LOWER = frozenset("abcdefghijklmnopqrstuvwxyz")
_QUOTED = re.compile(r"[\"“][^\"”]*[\"”]|‘.*?’(?!\w)")
_ASIDE = re.compile(r"\((?:note|ed|editor)\b|\[\s*(?:note|ed)\b", re.IGNORECASE)
_TERMINAL = re.compile(r"[.!…][\"'”’)\]]*$")
_QUOTE_CHARS = '"“”'
_QUOTE_SET = frozenset(_QUOTE_CHARS)
_ANY_QUOTE_SET = frozenset(_QUOTE_CHARS + "‘’")
#: What becomes of a sentence that opens with a quotation ("“...,” Smith said."):
#: quoted speech is colour, rarely the news itself.
QUOTES_OPENING = "exclude"
#: A sentence whose words are more than this share quotation is colour too.
QUOTED_SHARE = 0.5
#: Quotation penalty: quoted speech is colour, rarely the news itself.
QUOTE_PENALTY = 0.15
#: Words that give a sentence a finite-verb shape even when suffix rules miss.
_VERBS = frozenset(
    """
    is are was were be been being am has have had do does did will would can could shall
    should may might must said says say told tells according announced added asked made
    took gave went came got found left won lost saw knew began became held kept put set
    ran met paid led sent spent brought bought thought felt built hit cut
    isn't aren't wasn't weren't don't doesn't didn't won't wouldn't can't couldn't hasn't
    haven't hadn't shouldn't mustn't
    go get give take make come keep run see know think seem become begin leave bring tell
    find feel hold stand lose win meet send build pay buy sell grow rise fall
    broke rose fell grew drew drove flew threw wrote spoke chose sold stood sat ate wore
    hung fought caught taught struck swept shot fled slid hid dug spun stuck sank sang
    rang swam tore bore swore froze stole woke shook forgave forbade overtook undertook
    quit spread shut cost hurt bet split read bid beat meant dealt slept wept sought
    understood withdrew overcame forgot drank sprang rode arose dove awoke lit fit cast
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
    #: Whether it tells how people took it: fans' campaigns, protests, praise, outcry.
    reaction: bool
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


def _looks_like_heading(text: str, tokens: Sequence[str] | None = None) -> bool:
    """Whether a line reads as a heading; ``tokens`` is ``text.split()`` if known."""
    tokens = text.split() if tokens is None else tokens
    # A quarter of the words start lower-case (a-z): prose, not a title or all caps.
    lower = sum(map(_ASCII_LOWER.__contains__, map(itemgetter(0), tokens)))
    if lower * 4 >= len(tokens):
        return False
    letters = sum(map(str.isalpha, text))
    if not letters:
        return True
    if sum(map(str.isupper, text)) / letters > 0.6:
        return True
    raw = [w.lstrip(_QUOTE_CHARS + "'‘(") for w in tokens]
    raw = [w for w in raw if w[:1].isalpha()]
    capitalised = sum(w[:1].isupper() for w in raw)
    return len(raw) >= 3 and capitalised / len(raw) > 0.75


#: A label before a colon, the way a list entry or a note begins: "Victor N. Burton:
#: Dealing in methamphetamine, ...", "Heritage (1-0): Armani Sheffield 19 points",
#: "Note: The bundle includes ...", "Lakers: Kyle Kuzma left ...". Judged as a heading:
#: a line of a list or a box, not a sentence of the story. (Datelines are gone by now.)
_LABEL = re.compile(r"^[A-Z][\w.'’-]*(?: [A-Z0-9][\w.'’-]*){0,3}(?: \([^()]{1,20}\))?: ")


def _has_verb_shape(tokens: Sequence[str]) -> bool:
    stop = stopwords()
    for word in tokens[1:]:
        if word in _VERBS:
            return True
        if word not in stop and len(word) > 3 and word.endswith(("ed", "es", "s", "ing")):
            return True
    return False


_NOT_FINITE = frozenset(("be", "been", "being"))


def _participle_only(text: str, tokens: Sequence[str]) -> bool:
    """Whether a sentence that opens with an "-ing" word has no finite verb after it:
    "Standing there in the stand, still barely able to believe it, noise engulfing them,
    forced to hang around at someone else's party." is a feature's fragment, where
    "Standing in the rain, the fans sang" and "Getting there is hard" have one.

    Not finite: a word after "to", an "-ing" word, an "-ed" word right after a comma
    ("..., forced to"), a possessive; finite: a word :data:`_VERBS` knows, or one of
    the other "-s", "-es", "-ed" words (a plural noun passes for one: in doubt, kept).
    """
    first = tokens[0] if tokens else ""
    if len(first) <= 4 or not first.endswith("ing"):
        return False
    stop = stopwords()
    # the index of the word after each comma
    after_comma = {len(words(text[:i])) for i, ch in enumerate(text) if ch == ","}
    for i in range(1, len(tokens)):
        word = tokens[i]
        if tokens[i - 1] == "to" or word.endswith("ing"):
            continue
        if word in _VERBS and word not in _NOT_FINITE:
            return False
        if word in stop or len(word) <= 3 or "'" in word or "’" in word:
            continue
        if word.endswith("ed") and i in after_comma:
            continue
        if word.endswith(("ed", "s")):
            return False
    return True


def _broken_quote(text: str) -> bool:
    """A quotation cut by the sentence splitter: its other half is elsewhere."""
    if text.count('"') % 2 or text.count("“") != text.count("”"):
        return True
    if "'" not in text and "‘" not in text:
        return False
    return _unclosed_single(text)


_OPEN_SINGLE = re.compile(r"(?:^|[\s,:(])['‘][A-Z]")
_CLOSE_SINGLE = re.compile(r"[\w.,!?…]['’](?!\w)")


def _unclosed_single(text: str) -> bool:
    """Whether a single quotation mark opens a quotation that this sentence does not close."""
    if "'" not in text and "‘" not in text:  # every opening mark is one of them
        return False
    return any(not _CLOSE_SINGLE.search(text, m.end()) for m in _OPEN_SINGLE.finditer(text))


def _closes_single(text: str) -> bool:
    """Whether a single quotation mark closes a quotation begun in an earlier sentence."""
    close = _CLOSE_SINGLE.search(text)
    if close is None:
        return False
    first_open = _OPEN_SINGLE.search(text)
    return first_open is None or first_open.start() > close.start()


def judge(text: str, tokens: Sequence[str], inside_quote: bool = False) -> tuple[str, float, bool]:
    """Quality verdict for one sentence: (exclusion reason, penalty, dangling opener).

    ``inside_quote``: the sentence is the middle of a quotation that runs over
    several sentences (its speaker is named in another one).

    A sentence that does not stand alone is excluded: one inside a quotation,
    one opening with a pronoun or link word that points back ("He said ...",
    "But ...", "This ..."; see :data:`DANGLING_OPENERS`, and
    :mod:`digest.summarize.resolve`, which puts a name in where it is sure),
    a quotation without its speaker, the writer's own voice (first person
    outside quotes) and reader address ("you", "Check out ...").
    """
    split = text.split()
    length = len(split)
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
    if inside_quote:
        return "inside quote", 1.0, False
    if _broken_quote(text):
        return "broken quote", 1.0, False
    lower = text.lower()
    if is_boilerplate(text):
        return "boilerplate", 1.0, False
    if _looks_like_heading(text, split) or (":" in text[:80] and _LABEL.match(text)):
        return "heading", 1.0, False
    if not _has_verb_shape(tokens) or _participle_only(text, tokens):
        return "no verb", 1.0, False
    quoted = not _QUOTE_SET.isdisjoint(text)
    outside_quotes = _QUOTED.sub(" ", text) if quoted else text
    if "?" in outside_quotes:
        return "question", 1.0, False
    if (_TEASER_HINT.search(lower) and _TEASER.search(text.strip())) or (
        _TEASER_TAIL_HINT.search(lower) and _TEASER_TAIL.search(text)
    ):
        return "teaser", 1.0, False
    if ("you" in lower and _READER.search(outside_quotes.lower())) or _IMPERATIVE.match(text):
        return "reader address", 1.0, False
    if (
        not _FIRST_PERSON_WORDS.isdisjoint(tokens) and _FIRST_PERSON.search(outside_quotes.strip())
    ) or _WRITERS_ASIDE.match(text):
        # The author's own voice (or a quotation the splitter cut).
        return "first person", 1.0, False
    opens_quote = text.lstrip()[:1] in ('"', "“")
    if _opener_points_back(text, tokens, opens_quote):
        return "dangling opener", 1.0, True
    if text.rstrip().endswith("!") and not opens_quote and not _NAME_WITH_BANG.search(text):
        # the writer exclaiming, outside any quotation: not the register of news
        return "exclamation", 1.0, False
    if quoted and _no_speaker(text, outside_quotes):
        return "quote without speaker", 1.0, True
    inside = _points_back_inside(text, lower, quoted, outside_quotes)
    if inside:
        return inside, 1.0, True
    if opens_quote and QUOTES_OPENING == "exclude":
        return "opens with a quote", 1.0, False
    if quoted and QUOTED_SHARE < 1.0 and len(outside_quotes.split()) < (1 - QUOTED_SHARE) * length:
        return "mostly quote", 1.0, False
    penalty = 0.0
    if "(" in text and _ASIDE.search(text):
        penalty += 0.6
    if text.lstrip().startswith(('"', "“")):
        penalty += QUOTE_PENALTY
    return "", min(penalty, 1.0), False


def _opener_points_back(text: str, tokens: Sequence[str], opens_quote: bool) -> bool:
    """Whether the sentence opens with a word or phrase that points at one not shown."""
    first = tokens[0] if tokens else ""
    if first in DANGLING_OPENERS and "-" in text.split(None, 1)[0]:
        first = ""  # "So-called neo-banks ...", "Then-president Obama ..." lean on nothing
    if first in DANGLING_OPENERS and not opens_quote and not _STANDS_ALONE.match(text):
        return True
    return bool(
        _PART_OF_EARLIER.match(text)
        or _POINTS_BACK.match(text)
        or ("," in text and _PRONOUN_AFTER_PHRASE.match(text))
        or (("these " in text or "those " in text) and _DEMONSTRATIVE_FIRST.match(text))
        or (("this " in text or "that " in text) and _demonstrative_points_back(text))
        or (" that " in text and _later_that_points_back(_QUOTED.sub(" ", text)))
        or ("," in text[:40] and _link_then_pointer(text))
        or ((" suit" in text or " the same" in text) and _FOLLOWS_SUIT.match(text))
    )


def _link_then_pointer(text: str) -> bool:
    """Whether a link phrase comes before a word that points back ("In other words, this")."""
    match = _LINK_THEN_POINTER.match(text)
    if match is None:
        return False
    rest = text[match.end() :]
    return not _STANDS_ALONE.match(rest[:1].upper() + rest[1:])


#: "The two", "the three", "the pair" standing for people or parties named before:
#: "The two were seen shaking hands", "divided equally among the three", "Of the two,
#: only Steyer ...". ("The two leaders", "the three of them" say what they are.)
_GROUP_WORDS = r"(?:two|three|four|five|six|pair|trio|duo)"
_UNNAMED_GROUP = re.compile(
    r"\b[Tt]he " + _GROUP_WORDS + r"\b"
    r"(?=[.,;:]|\s+(?:were|was|have|had|met|are|is|will|would|could|can|said|say|says|"
    r"also|both|each|later|then|now|still|shook|agreed|spoke|signed|did|do|does|"
    r"remain|remained)\b)"
)
_UNNAMED_GROUP_HINT = re.compile(r"\bthe " + _GROUP_WORDS + r"\b")
#: A capitalised word: "... Rudolph ... with Garrett when the two were ...".
_CAPITALISED = re.compile(r"\b[A-Z][a-z]+")


#: What the page shows around the text: "the above-displayed tweets", "the strategies
#: above can help", "the chart below shows". ("above age 6", "the ravine below his
#: house" are places and amounts.)
_PAGE_REFERENCE = re.compile(
    r"\bthe above(?:-[a-z]+)?\s+[a-z]"
    r"|\b(?:displayed|shown|pictured|listed|mentioned|embedded|linked|quoted) (?:above|below)\b"
    r"|\b(?:the|these|those) [a-z]+ (?:above|below)(?:[,.;:]|\s+(?:can|could|are|is|was|were|"
    r"show|shows|will|may|might|help|helps)\b)",
    re.I,
)


def _points_back_inside(text: str, lower: str, quoted: bool, outside_quotes: str) -> str:
    """Why a sentence leans on one not shown, past its opening words, or "";
    ``lower`` is ``text`` lower-cased."""
    if ("above" in lower or "below" in lower) and _PAGE_REFERENCE.search(outside_quotes):
        # "Just like the above-displayed tweets, these sites ...": the page's, not ours
        return "page reference"
    if _UNNAMED_GROUP_HINT.search(lower) and _unnamed_group(outside_quotes):
        # "The two were seen shaking hands.": which two?
        return "unnamed group"
    if not quoted and ", " in text and _REPORTED_PRONOUN.search(text):
        # "Lower-income voters, he said, might not bother to vote": said by whom?
        return "dangling opener"
    return ""


def _unnamed_group(text: str) -> bool:
    """Whether "the two" (three, pair ...) stands for people the sentence does not name:
    fewer than two names (capitalised words that are not stop-words) come before it."""
    match = _UNNAMED_GROUP.search(text)
    if match is None:
        return False
    stop = stopwords()
    before = {w for w in _CAPITALISED.findall(text[: match.start()]) if w.lower() not in stop}
    return len(before) < 2


#: A reported statement's speaker as a bare pronoun, between commas or at the end:
#: "Lower-income voters, he said, might not bother to vote.", "... next week, he
#: added." (A name before it is not whom it means: "As for Windows, he added, ...".
#: "When Smith was asked, he said ..." is no aside, and "he" is Smith.)
_REPORTED_PRONOUN = re.compile(
    r",\s+(?:he|she|they)\s+(?:" + SPEECH_VERBS + r")"
    r"(?:\s+(?:on\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|today|"
    r"yesterday))?(?:,|\.$)"
)


def _no_speaker(text: str, outside_quotes: str) -> bool:
    """Whether a sentence with a quotation leaves its speaker unnamed.

    It does when the quotation is (nearly) the whole sentence, or when its
    speaker is a bare pronoun ("..., she added.") with no name before it.
    """
    if not re.search(r"\w", outside_quotes):
        return True
    match = _PRONOUN_SPEAKER.search(text)
    if not match:
        return False
    before = _QUOTED.sub(" ", text[: match.start()])
    return not any(len(name) > 2 for _, _, name in names_in(before))


_ATTRIBUTION = re.compile(
    r",\s+(?:(?:a|an|the|some|many|two|three|several)\s+)?[a-z][\w.'’ -]{0,50}?\s+"
    r"(?:said|says|reported|reports|announced|told reporters|according to [\w.'’ -]{1,40})"
    r"(?:\s+(?:on\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|today|yesterday))?"
    r"(?:\s+(?:in|at)\s+[\w.'’ -]{1,30})?\.$"
)
_EDITORIAL = (
    r"Fortunately|Unfortunately|Interestingly|Notably|Importantly|Of course|Indeed|Crucially|"
    r"Surprisingly|Sadly|Thankfully|Happily|Luckily|Admittedly|Needless to say|In fact|"
    r"As expected|To be sure|Ultimately|Obviously|Clearly|Naturally"
)
_DATELINE = re.compile(
    r"^[A-Z][A-Z.'’ -]{2,}(?:,\s+[A-Z][\w.'’ -]{1,30})?\s+"
    r"\((?:AP|AFP|Reuters|UPI|[A-Z]{2,6})\)\s+[—–-]+\s+"
    r"|^[A-Z][A-Z.'’ -]{2,}(?:,\s+[A-Z][\w.'’ -]{1,30})?\s+[—–]\s+"
    # "NEW DELHI: ..."
    r"|^[A-Z][A-Z.'’ -]{2,}(?:,\s+[A-Z][\w.'’ -]{1,30})?:\s+(?=[A-Z\"“])"
)
#: A wire service's tag at the start, after a place or alone: "(CNN) President ...",
#: "Hong Kong (CNN Business) A muddled view ..."; and a press release's "New York, NY – ".
_SOURCE_TAG = re.compile(
    r"^(?:[A-Z][\w.'’-]*(?:,?\s+[A-Z][\w.'’-]*){0,3}\s+)?"
    r"\((?:CNN|AP|AFP|Reuters|UPI|Bloomberg|dpa|PTI|IANS)(?: [A-Z][a-z]+)?\)\s*(?:[—–-]+\s*)?"
    r"(?=[A-Z\"“])"
    r"|^[A-Z][\w.'’ -]{1,30},\s+[A-Z]{2}\.?\s+[—–-]+\s+(?=[A-Z\"“])"
)
#: A sentence in parentheses after the sentence it comments on: "... $200 on Amazon.
#: (It's currently much more affordable.)"
_TRAILING_ASIDE = re.compile(r"(?<=[.!?])\s+\([^()]{3,200}[.!?]\)$")
#: Connectives of cause and response: what follows is as true without them ("As a
#: result, the league cancelled ..." tells that the league cancelled).
_CONSEQUENCE = (
    r"As a (?:result|consequence)|Consequently|Accordingly|In response|In turn|As such|"
    r"For (?:this|that) reason|(?:Despite|Because of|In spite of) (?:this|that)"
    # and of example: "To cite one example, Microsoft contends ..." says what Microsoft contends
    r"|To (?:cite|take|give) (?:one|an|another|just one) example|As an example|"
    r"In one (?:example|instance)|For one thing|"
    # "With this and other fund-raising programs, the committee says it has ..."
    r"(?:With|Through|Despite|Besides) (?:this|that|these|those) and (?:other|similar) [^,;]{1,40}"
)
_LINK_PHRASES = (
    r"However|Meanwhile|In addition|Additionally|Also|Moreover|Furthermore|Still|"
    r"Nevertheless|Nonetheless|In the meantime|At the same time|Separately|For example|"
    r"For instance|Presumably|In other words|That said|By contrast|In contrast|Even so|"
    r"(?:By|In|For) comparison|As a (?:[a-z]+ ){0,3}comparison|"
    r"Afterwards?|Subsequently|Thus|Hence|"
    r"On the other hand|" + _CONSEQUENCE + r"|On (?:Monday|Tuesday|"
    r"Wednesday|Thursday|Friday|Saturday|Sunday)|(?:Earlier|Later) (?:this|that|on) \w+|"
    + _EDITORIAL
)
#: A link phrase before a word that points back: "In other words, this claim ...",
#: "For example, they ..." lean on the sentence before twice over.
#: Words that point at what was told before (a link word may not go before them).
_POINTERS = r"he|she|it|they|this|that|these|those|his|her|its|their"
_LINK_THEN_POINTER = re.compile(
    r"^(?:" + _LINK_PHRASES + r"),\s+(?=(?:" + _POINTERS + r"|him|them)\b)"
)
_LEADING_LINK = re.compile(
    r"^(?:" + _LINK_PHRASES + r"),\s+(?=[A-Za-z\"“])(?!(?:" + _POINTERS + r")\b)"
    r"|^(?:But|And|Yet)\s+(?=[A-Za-z\"“])(?!(?i:" + _POINTERS + r"|we|i|you|there|so|then|now)\b)"
    # "Then Angola and Namibia intervened ...", "So the biggest PC maker, Compaq, thought
    # ...": the next step, the consequence, as true without the word -- but not before
    # an inversion ("So was Dr. Turecki"), "So far", "So many", "Then again", or a title
    # ("Then Prime Minister John Major said ..." tells who held the post then).
    # ("So-called" and "Then-president" are no such word.)
    r"|^(?:So|Then),?\s+(?=[A-Za-z\"“])(?!(?i:" + _POINTERS + r"|we|i|you|there|far|much|"
    r"many|long|too|now|then|again|what|as|is|are|was|were|do|does|did|has|have|had|will|"
    r"would|can|could|should|may|might|must)\b)"
    r"(?!(?:President|Prime|Vice|Gov|Governor|Sen|Senator|Rep|Secretary|Chancellor|Minister|"
    r"Mayor|Premier|Chief|Chairman|General|Gen|Attorney|Speaker|Coach|King|Queen|CEO)\b)"
)
#: A link word before a pronoun: dropped only when the pronoun is then resolved.
_LINK_BEFORE_PRONOUN = re.compile(
    r"^(?:(?:However|Meanwhile|Still|Nevertheless|Nonetheless|In addition|Additionally|"
    r"Moreover|Furthermore|Later|Earlier|" + _CONSEQUENCE + "|" + _EDITORIAL + r"),\s+"
    r"|(?:But|And|Yet|So|Then),?\s+)"
    r"(?=(?:he|she|his|her)\s)"
)
_PARENTHESIS = re.compile(r"\s+\([^()]{1,40}\)(?=[\s,.;])")
#: An editor's note or aside in parentheses, however long: "(note: ...)", "(pictured)".
_NOTE = re.compile(
    r"\s*\((?:note|ed|editor['’]s note|pictured|above|below|left|right|see [^()]*)\b[^()]{0,200}\)",
    re.I,
)
#: "It was reported that ...", "It's worth noting that ..." and kin: the sentence says
#: the same without them.
_REPORTED_THAT = re.compile(
    r"^It (?:was|is|has been|had been) (?:reported|understood|learned|learnt|announced|revealed|"
    r"confirmed|claimed|said|thought|believed) that\s+(?=[A-Za-z\"“])"
    # the writer's aside: "It's worth noting that ..."
    r"|^It(?:'s|’s| is) worth (?:noting|remembering|mentioning|pointing out|adding|recalling)"
    r" that\s+(?=[A-Za-z\"“])"
)
#: A name's "best known for ..." aside between commas: background the reader loses nothing by.
_KNOWN_FOR = re.compile(
    r",\s+(?:who is |who was |)(?:best |perhaps best |most )?known for [^,;—]{3,80},"
)


#: "here" for the place a dateline named or where the writer is: the digest shows
#: neither (:data:`_DATELINE` goes), so "died here Monday" says "died Monday" and "the
#: hospital here," "the hospital,". Only before a comma, a time or a place: "here" is
#: the news in "The new iPhone is here", and a link in "Sign up here." (which the
#: judge must still see).
_HERE = re.compile(
    r"(?<=[\w.])(\s+here)(?=,|\s+(?:(?:on|last|this|next|early|late)\s+)?"
    r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|today|tonight|yesterday|"
    r"tomorrow|morning|afternoon|evening|night|week|month|year|in\s+(?:the\s+)?[A-Z]|where)\b)"
)
#: Words after which "here" is where something is or goes: "is here", "moved here in
#: 1990" says where; "right here", "from here" are not the dateline's "here".
_HERE_KEPT_AFTER = frozenset(
    """is are was were be been being am right from near over up down out around of
    to get got come came coming go went going live lived lives living move moved stay
    stayed back return returned returning settle settled arrive arrived arrives""".split()  # noqa: SIM905
)
_HERE_OPENING = re.compile(r"^Here in (?=[A-Z])")


def without_here(text: str) -> str:
    """``text`` without a "here" that means a place the reader was never told of
    (:data:`_HERE`): "Shepard died here Monday" is "Shepard died Monday", "Here in
    Laramie, ..." is "In Laramie, ...". Inside quotes it stays."""
    if ("here" not in text and "Here" not in text) or _broken_quote(text) or " there" in text:
        return text  # a quote cut in two has no known inside; "here ..., there ..."
    out: list[str] = []
    last = 0
    for quote in [*_QUOTED.finditer(text), None]:
        stop = quote.start() if quote is not None else len(text)
        part = text[last:stop]
        if "here" in part or (last == 0 and part.startswith("Here in ")):
            if last == 0:
                part = _HERE_OPENING.sub("In ", part)
            part = _HERE.sub(_drop_here, part)
        out.append(part)
        if quote is None:
            break
        out.append(quote.group(0))
        last = quote.end()
    return "".join(out)


def _drop_here(match: re.Match[str]) -> str:
    before = match.string[: match.start()].rsplit(None, 1)
    previous = before[-1].lower() if before else ""
    # "it's here on Monday" is a form of "be" too
    kept = previous in _HERE_KEPT_AFTER or previous.endswith(("'s", "’s"))
    return match.group(0) if kept else ""


def tidy(text: str) -> str:
    """A sentence without what a reader loses nothing by.

    Drops a dateline, short parentheses and editors' notes, a leading link or
    comment word ("However, ", "But the ...", "Fortunately, "), "It was
    reported that" and "It's worth noting that", a "best known for ..."
    aside, a trailing attribution to an unnamed source, and a "here" that
    means the dateline's place (:func:`without_here`). "PHNOM PENH,
    Cambodia (AP) — Rebels attacked a village, a military spokesman said
    Thursday." becomes "Rebels attacked a village." Attributions to a named
    speaker (capitalised) and anything inside quotes are kept.
    """
    if text[:2].isupper():
        text = _DATELINE.sub("", text)
    if "(" in text[:40] or ", " in text[:32]:
        text = _SOURCE_TAG.sub("", text)
    if "(" in text:
        text = _TRAILING_ASIDE.sub("", text)
        text = _NOTE.sub("", text)
        text = _PARENTHESIS.sub("", text)
    text = _LEADING_LINK.sub("", text)
    if text.startswith("It"):
        text = _REPORTED_THAT.sub("", text)
    if "known for" in text and _ANY_QUOTE_SET.isdisjoint(text):
        text = _KNOWN_FOR.sub("", text)
    if text.endswith(".") and _ANY_QUOTE_SET.isdisjoint(text):
        text = _ATTRIBUTION.sub(".", text)
    text = without_here(text)
    return text[:1].upper() + text[1:] if text else text


def article_sentences(article: Article) -> list[str]:
    """The sentences of an article's prose paragraphs, in reading order."""
    return [s for paragraph in article.paragraphs for s in split_sentences(paragraph)]


#: A sentence that opens with an opening quotation mark (a straight one before a word).
_REOPENS = re.compile(r"^\s*(?:“|[\"`](?=[\w(\[‘'….]))")


#: A grave accent opening a quotation, as older wire text writes one: "`There's a
#: perception ... locked out.\"" pairs it with a straight mark. After a straight
#: mark it opens a quotation inside that one ("\"They tell me, `Oh, we're going to
#: ... do,\"'"), which the straight marks already count.
_GRAVE_OPENING = re.compile(r"(?:^|(?<=\s))`(?=\w)")


def _straight_marks(text: str) -> int:
    """The straight double quotation marks of ``text``, with a grave that opens it
    ("`Had this been ... news.\"") or, where it has none, its opening graves."""
    marks = text.count('"')
    if "`" in text:
        if not marks:
            return len(_GRAVE_OPENING.findall(text))
        marks += text.lstrip().startswith("`")
    return marks


def _opens_quote(text: str) -> bool:
    return _straight_marks(text) % 2 == 1 or text.count("“") > text.count("”")


def _closes_quote(text: str) -> bool:
    # inside a quotation a grave opens one within it ("... asking them: `What is ...")
    return text.count('"') % 2 == 1 or text.count("”") > text.count("“")


def _quotation_middles(sentences: Sequence[str]) -> list[bool]:
    """For each sentence of a paragraph, whether it lies inside a quotation begun before it.

    "“You set down a path. I just start writing notes. I try ...”" is one
    quotation in three sentences: the second (and the third, which closes it)
    are someone's words whose speaker is named elsewhere.
    """
    inside_double = inside_single = False
    out: list[bool] = []
    for text in sentences:
        out.append(inside_double or inside_single)
        if inside_double and _REOPENS.match(text):
            # a quotation carried on from a paragraph before opens again ('"There
            # is a good chance ..."'), as news prints it; where the paragraph breaks
            # are lost, it is still a middle, and what it leaves open is its own
            inside_double = _opens_quote(text)
        elif inside_double:
            inside_double = not _closes_quote(text)
        elif _opens_quote(text):
            inside_double = True
        if inside_single:
            inside_single = not _closes_single(text)
        elif _unclosed_single(text):
            inside_single = True
    return out


def standalone(texts: Sequence[str]) -> list[str]:
    """An article's tidied sentences with opening pronouns resolved where sure.

    A link word before a pronoun ("But he ...") goes too when the pronoun is
    resolved ("Smith ..."); otherwise the sentence stays as it was (and the
    judge leaves it out). See :mod:`digest.summarize.resolve`.
    """
    known = People(texts)  # the article's people, found as they are asked for
    out: list[str] = []
    previous: str | None = None
    for text in texts:
        resolved = text
        if previous is not None:
            bare = _LINK_BEFORE_PRONOUN.sub("", text)
            bare = bare[:1].upper() + bare[1:]
            if has_pronoun(bare):
                attempt = resolve_pronoun(bare, previous, known)
                resolved = attempt if attempt != bare else text
            elif text.startswith("The ") and "-year-old" in text[:24]:
                resolved = _epithet_named(text, previous, known)
        out.append(resolved)
        previous = resolved
    return out


def _epithet_named(text: str, previous: str, known: People) -> str:
    """``text`` with an opening epithet replaced by the one person the sentence before
    is about, age kept: "The 48-year-old Australian was evicted" after "Assange, who
    denies the accusation, has avoided extradition" is "Julian Assange, 48, was evicted"
    (see :func:`~digest.summarize.resolve.epithet`); else ``text``."""
    found = epithet(text, previous, known)
    if found is None:
        return text
    return f"{found.person.full}, {found.age}, {text[found.end :]}"


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
    bool,
    frozenset[str],
    frozenset[tuple[str, str]],
    frozenset[tuple[str, str]],
]


def _judged(
    text: str,
    tokens: tuple[str, ...],
    stems: tuple[str, ...],
    stop: frozenset[str],
    inside_quote: bool = False,
) -> _Judged:
    """Everything :class:`Candidate` holds that depends on the sentence alone."""
    return _fields(text, tokens, stems, stop, *judge(text, tokens, inside_quote))


def _fields(
    text: str,
    tokens: tuple[str, ...],
    stems: tuple[str, ...],
    stop: frozenset[str],
    reason: str,
    penalty: float,
    dangling: bool,
) -> _Judged:
    """The :class:`Candidate` fields after ``tokens``, given the judge's verdict."""
    stopped = list(map(stop.__contains__, tokens))
    content = frozenset(
        [s for w, s, no in zip(tokens, stems, stopped, strict=True) if not no and len(w) > 1]
    )
    # As sentence_bigrams(), with the stop-word test done once per word.
    keep = [not (first and second) for first, second in pairwise(stopped)]
    bigrams = frozenset(compress(pairwise(stems), keep))
    concepts = bigrams.union([(single, "") for single in content])
    if reason:
        kinds = (False, False, False, False)
    else:
        lower = text.lower()
        kinds = (
            # every figure has a digit: most sentences are spared the pattern
            _HAS_DIGIT.search(lower) is not None and _FIGURE.search(lower) is not None,
            _OUTLOOK.search(lower) is not None,
            _OPEN.search(lower) is not None,
            _REACTION.search(lower) is not None,
        )
    return (
        stems,
        len(text.split()),
        reason,
        penalty,
        dangling,
        *kinds,
        content,
        bigrams,
        concepts,
    )


#: Where outlets file their opinion: "/commentisfree/", "/opinion/", "/op-ed/" ...
_OPINION_PATH = re.compile(r"/(?:opinions?|commentisfree|op-?eds?|editorials?)(?:/|\.|$)", re.I)
#: A URL's scheme and host: what comes before its path.
_URL_HEAD = re.compile(r"^[A-Za-z][\w+.-]*:(?://[^/?#]*)?")
#: ... and how their headlines say so: "Opinion | ...", "The Guardian view on ...".
_OPINION_TITLE = re.compile(
    r"^(?:Opinion|Op-?ed|Editorial)\s*[|:–—]|^The (?:[A-Z][\w’'-]* ){1,2}view on\b"
)


def opinion_piece(article: Article) -> bool:
    """Whether an article is a column or an editorial, by where the outlet filed it or
    what its headline says: its sentences are the writer's view ("Beijing is likely to
    deploy the army"), never news a digest may tell as fact."""
    # the path by hand: urlsplit() raises on a hostile URL ("http://[::1/story")
    path = _URL_HEAD.sub("", article.url or "").partition("?")[0].partition("#")[0]
    return bool(_OPINION_PATH.search(path) or _OPINION_TITLE.match(article.title or ""))


def candidates(articles: Sequence[Article]) -> list[Candidate]:
    """Every sentence of every article, tokenised, stemmed and judged.

    A sentence that recurs word for word (copies of one wire story) is judged
    once: only its article and position differ. An opinion piece's sentences
    are all left out (:func:`opinion_piece`); its words still weigh the
    story's concepts, and it may still be cited where it says the same.
    """
    found: list[Candidate] = []
    opinion = [opinion_piece(a) for a in articles]
    per_doc: list[list[str]] = []
    middles: list[list[bool]] = []
    for article in articles:
        raw: list[str] = []
        inside: list[bool] = []
        for paragraph in article.paragraphs:
            sentences = split_sentences(paragraph)
            raw.extend(sentences)
            inside.extend(_quotation_middles(sentences))
        per_doc.append(standalone([tidy(t) for t in raw]))
        middles.append(inside)
    tokenised = [[tuple(words(text)) for text in texts] for texts in per_doc]
    # One stemmer call for the whole story: the per-call overhead dominates.
    all_stems = stem_all([w for sentences in tokenised for tokens in sentences for w in tokens])
    stop = stopwords()
    seen: dict[tuple[str, bool], _Judged] = {}
    offset = 0
    for doc, texts in enumerate(per_doc):
        position = 0
        for text, tokens, inside_quote in zip(texts, tokenised[doc], middles[doc], strict=True):
            judged = seen.get((text, inside_quote))
            if judged is None:
                stems = all_stems[offset : offset + len(tokens)]
                judged = seen[(text, inside_quote)] = _judged(
                    text, tokens, stems, stop, inside_quote
                )
            offset += len(tokens)
            if opinion[doc] and not judged[2]:
                judged = (*judged[:2], "opinion piece", *judged[3:])
            found.append(Candidate(text, doc, position, tokens, *judged))
            # Junk before the lead (disclosures, captions) does not push it down.
            position += 0 if judged[2] else 1
    return found


def _candidate(
    text: str,
    doc: int,
    position: int,
    tokens: tuple[str, ...],
    stems: tuple[str, ...],
    reason: str,
    penalty: float,
    dangling: bool,
) -> Candidate:
    fields = _fields(text, tokens, stems, stopwords(), reason, penalty, dangling)
    return Candidate(text, doc, position, tokens, *fields)


#: Asides a sentence reads as well without, when the budget is short: a
#: non-restrictive relative clause (", which adapts ... manga,"). (An
#: appositive after a name -- ", the union's executive director," -- is a
#: person's role, a fact; dropping it cost 0.3 ROUGE-1 on DUC dev.)
_OPTIONAL_ASIDES = (
    # The occasion that frames what someone said or did: "In a surprise move, the
    # bank cut rates" tells that the bank cut rates. Only an occasion (a move, a
    # speech, a suit): "In a worst-case scenario, the city floods" is not a fact.
    (
        re.compile(
            r"^In (?:a|an|its|his|her|their) (?:[\w'’-]+ ){0,3}?"
            r"(?:move|speech|statement|interview|letter|suit|lawsuit|ruling|decision|"
            r"compromise|announcement|address|report|filing|complaint|broadcast|"
            r"editorial|briefing|ceremony|session|meeting|memo|e-?mail|message|"
            r"news conference|press conference|televised address|video|post|tweet),\s+"
            r"(?=[a-zA-Z\"“])"
        ),
        "",
    ),
    # (Only where no comma comes before it: in "Schumer, a member of the committee,
    # which is conducting the inquiry, embraced ..." it closes an aside of its own.)
    (
        re.compile(
            r"^([^,]*)(?P<aside>,\s+(?:which|who|whose)\s+[^,;:—–\"“”]{8,140},)\s+(?=[a-z])"
        ),
        r"\1 ",
    ),
)


#: An aside that tells a denial or a dispute is never dropped: "Assange, who denies the
#: accusation, ..." without it would be unfair to him.
_CONTESTED = re.compile(
    r"\b(?:den(?:y|ies|ied)|disput\w*|reject\w*|contest\w*|insist\w*|maintain\w*|not guilty|"
    r"innocen\w*|appeal\w*|no(?:t|ne|thing)?\b|never)\b",
    re.I,
)


#: An object pronoun after an aside may mean something named in it ("The bank, which
#: had held rates for a year, cut them"): such an aside stays. ("it" and "its" mostly
#: mean the subject: "The movie, which ..., made its money back".)
_LATER_PRONOUN = re.compile(r"\bthem\b")


def _unless_contested(match: re.Match[str], replacement: str) -> str:
    aside = match.group("aside") if "aside" in match.re.groupindex else match.group(0)
    if _CONTESTED.search(aside) or (
        _LATER_PRONOUN.search(match.string, match.end()) and _LATER_PRONOUN.search(aside) is None
    ):
        return match.group(0)
    return match.expand(replacement)


#: A word of plain lower-case letters: capitalised at a sentence's start ("iPhone" is not).
_PLAIN_WORD = re.compile(r"[a-z]+(?![\w'’-])")


def shorter(text: str) -> str | None:
    """``text`` without its optional asides (see :data:`_OPTIONAL_ASIDES`), or None.

    "The movie, which adapts a 1990 manga, was directed by Rodriguez." becomes
    "The movie was directed by Rodriguez." Only asides between two commas go,
    inside no quotation, so what remains is the sentence's own main clause.
    """
    if "," not in text or not _QUOTE_SET.isdisjoint(text):
        return None
    short = text
    for pattern, replacement in _OPTIONAL_ASIDES:
        short = pattern.sub(functools.partial(_unless_contested, replacement=replacement), short)
    short = fold_space(short)
    if short[:1] != text[:1] and _PLAIN_WORD.match(short):
        # a dropped opening phrase leaves the next word first ("nations", not "eBay")
        short = short[:1].upper() + short[1:]
    return short if short != text else None


def compressed(cands: Sequence[Candidate]) -> list[Candidate]:
    """A shorter variant of every usable sentence that has optional asides.

    Each variant shares its sentence's article and position, so the two
    never both reach a digest (selection treats them as near-duplicates).
    They are not counted when weighing concepts.
    """
    out: list[Candidate] = []
    for cand in cands:
        if cand.excluded:
            continue
        short = shorter(cand.text)
        if short is not None:
            tokens = tuple(words(short))
            reason, penalty, dangling = judge(short, tokens)
            if reason:
                continue
            stems = stem_all(tokens)
            out.append(
                _candidate(short, cand.doc, cand.position, tokens, stems, "", penalty, dangling)
            )
    return out


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = "january february march april may june july august september october november december"
_MONTH_ABBREVIATIONS = {m[:3]: i + 1 for i, m in enumerate(_MONTHS.split())} | {"sept": 9}
#: Days and months, as lower-cased words: capitalised, but no one's name.
CALENDAR_WORDS = frozenset(_WEEKDAYS) | frozenset(_MONTHS.split()) | frozenset(_MONTH_ABBREVIATIONS)
#: A month as news writes it: in full, or abbreviated as AP style does ("Oct.", "Sept.").
MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan\.|Feb\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)"
)
_TIME = re.compile(
    r"\b(?:(?P<relative>yesterday|today|tonight|this morning|last night|last week|last month|"
    r"last year)"
    r"|(?P<month>" + MONTH + r")\s+(?P<day>\d{1,2})(?:,\s+(?P<year>(?:19|20)\d\d))?"
    r"|(?:on\s+)?(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(?!['’])"
    r"|in\s+(?P<inyear>(?:19|20)\d\d))\b"
)
_RELATIVE_DAYS = {
    "yesterday": -1,
    "last night": -1,
    "today": 0,
    "tonight": 0,
    "this morning": 0,
    "last week": -7,
    "last month": -30,
    "last year": -365,
}
_FUTURE = re.compile(r"\b(?:will|next|is to|are to|is due|are due|is expected|are expected)\b")


def stated_time(text: str, published: dt.datetime | None) -> float | None:
    """When the event a sentence tells happened, as a day number, if it says so.

    From the first time it states: a date ("Oct. 3", "May 2, 2019"), a year
    ("in 2014"), or -- given the article's publication date -- a weekday
    ("on Monday": the last one on or before publication) or a relative day
    ("yesterday", "last week"). None for a sentence about the future or one
    that names no time. Only used to put the steps of a story in order.
    """
    if _FUTURE.search(text):
        return None
    match = _TIME.search(text)
    if match is None:
        return None
    base = published.date() if published is not None else None
    if match.group("inyear"):
        year = int(match.group("inyear"))
        if base is not None and year >= base.year:
            return None
        return float(dt.date(year, 7, 1).toordinal())
    if match.group("month"):
        name = match.group("month").rstrip(".").lower()
        month = _MONTH_ABBREVIATIONS.get(name[:4] if name == "sept" else name[:3], 0)
        day = int(match.group("day"))
        if match.group("year"):
            year = int(match.group("year"))
        elif base is not None:
            year = base.year
        else:
            return None
        if not 1 <= day <= 31:
            return None
        try:
            when = dt.date(year, month, day)
        except ValueError:
            return None
        if base is not None and not match.group("year") and when > base:
            when = when.replace(year=year - 1)
        return float(when.toordinal())
    if base is None:
        return None
    if match.group("weekday"):
        back = (base.weekday() - _WEEKDAYS.index(match.group("weekday").lower())) % 7
        return float(base.toordinal() - back)
    return float(base.toordinal() + _RELATIVE_DAYS[match.group("relative").lower()])


#: A trailing attribution to a named speaker: ", Smith said." / ", said Jane Smith."
_TRAILING_SPEAKER = re.compile(
    r",\s+(?:(?P<name>(?:[A-Z][\w’'.-]+\s+){0,2}[A-Z][\w’'-]+)\s+(?:said|says|added|told reporters)"
    r"|(?:said|says|added)\s+(?P<name2>(?:[A-Z][\w’'.-]+\s+){0,2}[A-Z][\w’'-]+))"
    r"(?:\s+(?:on\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|today|yesterday))?"
    r"\.$"
)


def repeated_attribution(text: str, previous: str) -> str | None:
    """``text`` without its trailing ", NAME said." when ``previous`` has NAME speak too, or None.

    Only a sentence without quotation marks loses it (a quotation needs its
    speaker beside it), and only when the name's last word is the speaker of
    ``previous`` ("Smith said ...", "..., Smith said.", "said Jane Smith").
    """
    if not _ANY_QUOTE_SET.isdisjoint(text) or not text.endswith("."):
        return None
    match = _TRAILING_SPEAKER.search(text)
    if match is None:
        return None
    surname = (match.group("name") or match.group("name2")).split()[-1]
    speaks = re.compile(
        rf"\b{re.escape(surname)}\s+(?:has\s+|had\s+|also\s+)?(?:said|says|told|added|explained)\b"
        rf"|\b(?:said|says|added)\s+(?:[A-Z][\w’'.-]+\s+){{0,2}}{re.escape(surname)}\b"
    )
    if not speaks.search(previous):
        return None
    head = text[: match.start()].rstrip(" ,")
    if len(head.split()) < MIN_WORDS:
        return None
    return head + "."


# -- relative days, anchored ---------------------------------------------------------------

#: A relative day outside quotation marks, with what may come before it: "tomorrow",
#: "yesterday evening", "last night", "this morning", "later today" ("today" alone is
#: also "nowadays": it stays).
_RELATIVE_DAY = re.compile(
    r"(?P<prep>\b(?:since|until|till|by|from|before|after|through)\s+)?"
    r"(?P<day>\b(?:[Yy]esterday|[Tt]omorrow)(?:\s+(?P<part>morning|afternoon|evening|night))?"
    # ("the last night of the tour" is no relative day)
    r"|(?<![Tt]he )(?<!his )(?<!her )(?<!its )(?<!their )(?<!that )\b[Ll]ast night"
    r"|\b[Tt]onight|\b[Tt]his (?P<now>morning|afternoon|evening)"
    r"|\b(?P<side>[Ll]ater|[Ee]arlier) today)\b(?![’'-])"
)
_NIGHT_OFFSET = {"last night": -1, "tonight": 0}
_MONTH_NAMES = tuple(m.capitalize() for m in _MONTHS.split())
#: Publication hours (in the time zone the source gives) whose calendar day is the same
#: within eight hours either side: a US writer's page stamped in UTC, or the reverse,
#: cannot move "tomorrow" to another date.
_SURE_HOURS = range(8, 16)


#: The forms of "be" before which a relative day is what the sentence says: "The final
#: is tomorrow".
_BE_FORMS = frozenset(("is", "are", "was", "were", "be", "been", "being", "'s", "’s"))


def _relative_days(text: str) -> list[re.Match[str]]:
    """The relative days of ``text`` outside quotation marks (the speaker's words)."""
    lower = text.lower()
    if not any(w in lower for w in ("yesterday", "tomorrow", "night", "this ", "today")):
        return []
    quoted = [m.span() for m in _QUOTED.finditer(text)]
    return [
        m
        for m in _RELATIVE_DAY.finditer(text)
        if not any(start <= m.start("day") < end for start, end in quoted)
    ]


def _opens(text: str, start: int) -> bool:
    """Whether what is at ``start`` opens ``text``, or a part of it after a dash."""
    before = text[:start].rstrip()
    return not before or before.endswith((".", "—", "–"))


def _sure_day(published: dt.datetime) -> bool:
    """Whether the calendar day of ``published`` is the one its writer saw: a time in
    :data:`_SURE_HOURS`, or a date given without a time (read as midnight UTC, as a
    page's "2019-11-18" or a URL's /2019/11/18/ is): the publisher's own date."""
    if published.hour in _SURE_HOURS:
        return True
    return published.utcoffset() == dt.timedelta(0) and published.time() == dt.time(0)


def anchored(text: str, published: dt.datetime | None) -> str | None:
    """``text`` with its relative days told as dates, or None when nothing changes.

    A digest is read days after its sources, so "Stadia launches tomorrow" from
    an article of 18 November becomes "Stadia launches on 19 November";
    "Yesterday, the board voted" becomes "On 17 November, the board voted".
    Only when the article's publication time leaves no doubt about its date
    (:func:`_sure_day`), never inside quotation marks (the speaker's words),
    and never "today" alone (it may mean "nowadays").
    """
    if published is None or not _sure_day(published):
        return None
    day = published.date()

    def date(offset: int) -> str:
        when = day + dt.timedelta(days=offset)
        return f"{when.day} {_MONTH_NAMES[when.month - 1]}"

    def told(match: re.Match[str]) -> str:
        word = match.group("day").lower()
        if match.group("side"):
            phrase = f"{match.group('side').lower()} on {date(0)}"
        elif match.group("now"):
            phrase = f"on the {match.group('now')} of {date(0)}"
        elif word.startswith(("yesterday", "tomorrow")):
            offset = -1 if word.startswith("yesterday") else 1
            part = match.group("part")
            phrase = f"on the {part} of {date(offset)}" if part else f"on {date(offset)}"
        else:
            phrase = f"on the night of {date(_NIGHT_OFFSET[word])}"
        prep = match.group("prep")
        if prep:  # "since yesterday" is "since 17 November"
            phrase = prep + phrase.removeprefix("on ")
        return phrase[:1].upper() + phrase[1:] if _opens(text, match.start()) else phrase

    pieces: list[str] = []
    last = 0
    for match in _relative_days(text):
        pieces += [text[last : match.start()], told(match)]
        last = match.end()
    return "".join(pieces) + text[last:] if pieces else None


def undated(text: str) -> str | None:
    """``text`` without the relative days :func:`anchored` could not date, or None when
    none can go: "Pochettino was sacked last night after five years in charge" becomes
    "Pochettino was sacked after five years in charge", true on any day it is read.

    Only a relative day that stands as a phrase of its own: not after a preposition
    ("since yesterday" stays) or a form of "be" ("The final is tomorrow"), not inside
    quotation marks, and at the start only before a comma ("Yesterday, the board
    voted" becomes "The board voted"; "Tonight is the final" stays).
    """
    cuts: list[tuple[int, int]] = []
    for match in _relative_days(text):
        start, end = match.span()
        if match.group("prep"):
            continue
        before = text[:start].rstrip()
        if _opens(text, start):
            if text[end : end + 1] != ",":
                continue
            end += 1 + len(text[end + 1 :]) - len(text[end + 1 :].lstrip())
        elif before.rsplit(None, 1)[-1].lower() in _BE_FORMS:
            continue
        else:
            start = len(before)  # the space before the phrase goes with it
        cuts.append((start, end))
    if not cuts:
        return None
    out = text
    for start, end in reversed(cuts):
        out = out[:start] + out[end:]
    out = fold_space(out)
    return out[:1].upper() + out[1:]
