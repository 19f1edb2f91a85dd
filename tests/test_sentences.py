"""Sentences that stand alone, in a reader's order, with nothing a reader loses by dropping.

Every article here is written for the test, modelled on what real feeds and
pages do: a "She said" whose speaker is in the sentence before, a quote
without its speaker, the writer's own voice, a story told out of order.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from digest.model import Article, Block
from digest.summarize.concepts import select_sentences
from digest.summarize.resolve import People, names_in, people, resolve_pronoun
from digest.summarize.sentences import (
    candidates,
    judge,
    repeated_attribution,
    shorter,
    standalone,
    stated_time,
    tidy,
)
from digest.text import words


def article(path: str, *paragraphs: str, published: dt.datetime | None = None) -> Article:
    return Article(
        path=path,
        title=None,
        blocks=tuple(Block("paragraph", p) for p in paragraphs),
        published=published,
    )


def verdict(text: str) -> str:
    return judge(text, tuple(words(text)))[0]


def resolved(*sentences: str) -> list[str]:
    return standalone(list(sentences))


# -- pronouns: the named person put in, or the sentence left out -------------------------------


def test_a_he_said_gets_the_name_from_the_sentence_before() -> None:
    out = resolved(
        "Coach Daniel Ortiz said the team had trained hard for the final all season.",
        "He said the players would rest on Sunday before the trip to Lisbon.",
    )
    assert out[1] == "Daniel Ortiz said the players would rest on Sunday before the trip to Lisbon."
    assert verdict(out[1]) == ""


def test_a_then_before_a_resolved_he_goes_with_it() -> None:
    out = resolved(
        "Senator Jane Ortiz spoke at the harbour rally in Leith on Monday morning.",
        "Then she flew to Lisbon to raise money for the party's ferry campaign.",
    )
    assert out[1] == "Jane Ortiz flew to Lisbon to raise money for the party's ferry campaign."


def test_a_he_after_a_nameless_opening_clause_gets_the_name() -> None:
    out = resolved(
        "Paul Kerr, 55, pleaded guilty on Monday to setting fire to a ferry in the harbour.",
        "If convicted, he could face up to ten years in prison and a large fine.",
    )
    assert (
        out[1] == "If convicted, Paul Kerr could face up to ten years in prison and a large fine."
    )
    assert verdict(out[1]) == ""
    # a name in the clause is likely whom the pronoun means: nothing to resolve
    assert verdict("After Smith resigned from the board, he moved to Leeds with his family.") == ""


def test_a_role_and_a_body_s_initials_are_no_part_of_a_name() -> None:
    from digest.summarize.resolve import names_in

    def names(text: str) -> list[str]:
        return [n for _, _, n in names_in(text)]

    assert names("U.N. Secretary-General Kofi Annan arrived in Tripoli.") == [
        "Kofi Annan",
        "Tripoli",
    ]
    assert names("U.N. Secretary General Kofi Annan arrived.") == ["Kofi Annan"]
    assert names("Attorney General Janet Reno said it.") == ["Janet Reno"]
    assert names("General Motors said it would close the plant.") == ["General Motors"]
    assert names("The General Motors strike ended on Monday.") == ["General Motors"]
    out = resolved(
        "U.N. Secretary-General Kofi Annan said he was tired after the talks in Tripoli.",
        "He left on Sunday for a summit of Gulf states in Abu Dhabi.",
    )
    assert out[1] == "Kofi Annan left on Sunday for a summit of Gulf states in Abu Dhabi."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Russian President Boris Yeltsin left Moscow.", ["Boris Yeltsin", "Moscow"]),
        ("British Foreign Secretary Robin Cook spoke.", ["Robin Cook"]),
        ("White House Press Secretary Sarah Sanders said so.", ["Sarah Sanders"]),
        ("Former Prime Minister John Major said so.", ["John Major"]),
        ("Microsoft Chairman Bill Gates said so.", ["Bill Gates"]),
        # a title word that ends a name is the name's own
        ("Stephen King wrote it.", ["Stephen King"]),
        ("Martin Luther King Jr. spoke.", ["Martin Luther King Jr"]),
    ],
)
def test_a_title_inside_a_run_of_capitals_is_no_part_of_the_name(
    text: str, expected: list[str]
) -> None:
    assert [n for _, _, n in names_in(text)] == expected


def test_a_he_after_a_nationality_and_title_gets_the_name() -> None:
    # "Russian President ..." is a title before the name; the subject may follow an
    # opening phrase ("In another development, Moscow Mayor ...")
    out = resolved(
        "Russian President Boris Volkov said on Monday that the talks would go on.",
        "He flew to Minsk for a summit of the bloc's leaders on Tuesday.",
        "In another development, Moscow Mayor Yuri Pasko said the vote would be held.",
        "He did not say when the ballots would be counted in the capital.",
        "The mayor met Russian President Boris Volkov in the Kremlin on Friday.",
        "He said the meeting was a good one for the city and its people.",
    )
    assert out[1] == "Boris Volkov flew to Minsk for a summit of the bloc's leaders on Tuesday."
    assert out[3] == "Yuri Pasko did not say when the ballots would be counted in the capital."
    # an object with a title is still an object: "he" is the mayor, not Volkov
    assert out[5] == "He said the meeting was a good one for the city and its people."


def test_a_role_told_after_a_name_makes_a_person() -> None:
    # ", the union's executive director," is the person's own role: it shows a person
    # and is nobody else the pronoun could mean
    out = resolved(
        "Billy Ortiz, the union's executive director, offered a glimmer of hope.",
        "He spoke of a quick end to the lockout before the season starts.",
    )
    assert out[1] == "Billy Ortiz spoke of a quick end to the lockout before the season starts."
    # an aside without a role shows no person: "Hoyt Mills" could be a firm
    out = resolved(
        "Hoyt Mills, the maker of the mill's looms, cut 40 jobs on Monday.",
        "He said the cuts would be the last this year.",
    )
    assert out[1] == "He said the cuts would be the last this year."


def test_a_possessive_owning_a_thing_and_a_predicate_keep_the_subject() -> None:
    # "Orlova's campaign" owns no one: she is the one the sentence is about
    out = resolved(
        "Senator Galina Orlova's campaign was built around the rule of law.",
        "She championed human rights long before they were popular.",
    )
    assert out[1] == "Galina Orlova championed human rights long before they were popular."
    # what the subject is ("was a woman of ...") is no one else
    out = resolved(
        "Senator Galina Orlova was a woman of irrepressible energy.",
        "Her good humour belied a steely will to fight corruption.",
    )
    assert out[1] == "Galina Orlova’s good humour belied a steely will to fight corruption."


def test_a_person_of_the_other_gender_is_not_meant() -> None:
    out = resolved(
        "Senator John Brown criticised Mayor Mary Smith's plan for the harbour.",
        "He said it would cost the town far too much.",
        "Mary Smith met Senator John Brown at the town hall on Tuesday.",
        "He said the talks went well.",
    )
    assert out[1] == "John Brown said it would cost the town far too much."
    # the one man left is only an object: "he" may be anyone
    assert out[3] == "He said the talks went well."


@pytest.mark.parametrize(
    ("previous", "sentence"),
    [
        # a possessive that owns a person: the father did it
        ("Senator Tom Kerr's father condemned the attack on Monday.", "He said it was cowardly."),
        # ... or a role: his attorney speaks for him
        ("Senator Tom Kerr's new attorney denied the charges.", "He said they were false."),
        # a predicate that names another person: the victim may be meant
        ("Senator Tom Kerr is the brother of the victim.", "He was found in the river."),
    ],
)
def test_a_possessive_or_predicate_that_brings_in_someone_else_leaves_the_pronoun(
    previous: str, sentence: str
) -> None:
    assert resolved(previous, sentence)[1] == sentence


@pytest.mark.parametrize(
    ("previous", "pronoun", "other", "name"),
    [
        # first names of many languages give the person's gender
        ("Galina Orlova, 52, was trained as a psychologist in Perm.", "She", "He", "Galina Orlova"),
        ("The fighting took a heavy toll, said Naim Berisha, a former officer.", "He", "She",
         "Naim Berisha"),
    ],
)  # fmt: skip
def test_a_pronoun_gets_a_name_whose_first_name_tells_the_gender(
    previous: str, pronoun: str, other: str, name: str
) -> None:
    rest = "said the village had been shelled for three days in a row."
    assert resolved(previous, f"{pronoun} {rest}")[1] == f"{name} {rest}"
    # the other gender never gets the name
    assert resolved(previous, f"{other} {rest}")[1] == f"{other} {rest}"


def test_a_prefixed_role_makes_a_person_and_a_place_of_birth_or_an_opener_is_no_name() -> None:
    # "co-founder" is a role as "founder" is; "Australian-born Holt" and "Following
    # Holt's" are Holt, not two first names for one surname
    lines = [
        "Australian-born Holt has denied the charges against her since 2010.",
        "Following Holt's arrest, her lawyers asked for bail on Tuesday.",
        "WikiLeaks co-founder Maria Holt was arrested in the city on Monday.",
        "She said the charges were made up to silence the website.",
    ]
    assert people(lines)["Holt"].full == "Maria Holt"
    assert [n for _, _, n in names_in("Co-founder Ivo Brand said the site would close.")] == [
        "Ivo Brand"
    ]
    out = resolved(*lines)
    assert out[3] == "Maria Holt said the charges were made up to silence the website."


def test_a_possessive_is_no_part_of_a_name_and_its_owner_is_not_the_subject() -> None:
    from digest.summarize.resolve import names_in

    assert [n for _, _, n in names_in("Portugal's Jose Saramago met Smith’s aide.")] == [
        "Portugal",
        "Jose Saramago",
        "Smith",
    ]
    # the father did it, not Kerr: nothing to resolve with certainty
    out = resolved(
        "Paul Kerr, 22, was charged with the attack on the ferry on Monday.",
        "Here in Leeds, Kerr's father, Bill, also condemned the attack on the ferry.",
        "His pickup truck was apparently used in the attack, the police said.",
    )
    assert out[2] == "His pickup truck was apparently used in the attack, the police said."


def test_a_quote_with_a_pronoun_speaker_gets_the_name() -> None:
    out = resolved(
        "Judge Helen Marsh sentenced Paul Kerr to 40 years in prison on Wednesday.",
        "She added, “We must teach the defendant what the law protects.”",
    )
    assert out[1] == "Helen Marsh added, “We must teach the defendant what the law protects.”"
    out = resolved(
        "Mayor Karen Holt opened the new bridge over the river on Friday morning.",
        "“This bridge took twenty years to build,” she said.",
    )
    assert out[1] == "“This bridge took twenty years to build,” Karen Holt said."


def test_a_reported_statement_said_by_a_pronoun_gets_the_name_or_is_left_out() -> None:
    out = resolved(
        "Mayor Karen Holt spoke to the harbour board on Friday about the ferry.",
        "The ferry, she said, will run every hour from May until the end of October.",
    )
    assert (
        out[1]
        == "The ferry, Karen Holt said, will run every hour from May until the end of October."
    )
    assert verdict(out[1]) == ""
    for text in (
        "The ferry, she said, will run every hour from May until the end of October.",
        "As for the old ferry, he added, it will be sold to a museum in the north.",
        "The new timetable will be ready by the end of next week, he added.",
    ):
        assert verdict(text) == "dangling opener", text
    # "he" in a main clause after a clause that names him is no aside
    assert verdict("When Kerr was asked about the ferry, he said it would run in May.") == ""


def test_an_unresolved_she_said_is_left_out() -> None:
    text = "She said the bridge would open to traffic in May after four years of work."
    assert verdict(text) == "dangling opener"
    # Nothing before it names anyone: nothing is put in, and it is never chosen.
    lone = article("a", "The council met on Monday to discuss the bridge.", text)
    assert [c.text for c in select_sentences([lone], 100)] == [lone.paragraphs[0]]


@pytest.mark.parametrize(
    "text",
    [
        "The two were seen shaking hands after the harbour board meeting on Friday.",
        "The ferry levy of four million pounds is divided equally among the three.",
        "Of the two, only Holt will speak at the harbour board meeting on Friday.",
        "Police said the pair had been attacked in a stairwell of the ferry terminal.",
    ],
)
def test_the_two_standing_for_people_named_before_is_left_out(text: str) -> None:
    assert verdict(text) == "unnamed group"


@pytest.mark.parametrize(
    "text",
    [
        "The two leaders met at the harbour on Friday to sign the ferry deal.",
        "Holt argued with Kerr about the levy until the two were asked to leave.",
        "The board chose the cheaper of the two bids for the new ferry terminal.",
    ],
)
def test_the_two_that_says_whom_it_means_stands(text: str) -> None:
    assert verdict(text) == ""


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (
            "Just like the above-displayed tweets, these posts gave no evidence for the levy.",
            "page reference",
        ),
        (
            "While the strategies above can help, most ferry crews need a proper plan.",
            "page reference",
        ),
        ("The harbour fees shown below were set by the board on Monday.", "page reference"),
        # places and amounts
        ("Children above age six pay half fare on the ferry from Monday.", ""),
        ("The ravine below his house became a hiding place for the family.", ""),
    ],
)
def test_a_sentence_pointing_at_what_the_page_shows_is_left_out(text: str, reason: str) -> None:
    assert verdict(text) == reason


@pytest.mark.parametrize(
    ("previous", "sentence"),
    [
        # The pronoun may mean the unnamed mayor, not the man she met.
        ("The mayor met John Brown at the town hall on Monday.", "She said the talks went well."),
        # Two people: either could be meant.
        ("Mary Smith met Sarah Jones at the town hall on Monday.", "She said the talks went well."),
        # The wrong gender: Mary is never "he".
        ("Mary Smith said the council had approved the budget.", "He said the talks went well."),
        # A title of the other gender.
        ("Mr Alex Reed said the council had approved the budget.", "She said the talks went well."),
        # The named one is only an object, not the speaker.
        ("Police arrested Tom Clark outside the stadium on Saturday.", "He said he was innocent."),
        # The speaker's own role is no one else, but a role that names another is.
        (
            "The fire was set on purpose, said Paul Kerr, a friend of the victim.",
            "He was found in the garden of the house on Monday.",
        ),
        (
            "The landlord evicted student Tom Reyes on Monday.",
            "He said the rent had not been paid for months.",
        ),
        # Someone unnamed could be meant.
        ("Mayor Karen Holt met a woman whose house had flooded.", "She said help was coming."),
        # "He" cannot be the man the sentence itself names.
        ("Peter Hall said the bridge was safe.", "He told Peter Hall the bridge was unsafe."),
        # Another person, unnamed, in the sentence before.
        ("Peter Hall and his wife said the bridge was safe.", "She said it was unsafe."),
    ],
)
def test_resolution_never_puts_in_a_wrong_name(previous: str, sentence: str) -> None:
    known = people([previous, sentence])
    assert resolve_pronoun(sentence, previous, known) == sentence
    assert resolved(previous, sentence)[1] == sentence


_ARTICLE_LINES = st.sampled_from(
    [
        "Mayor Karen Holt opened the bridge on Friday.",
        "Holt said the bridge took twenty years.",
        "Karen Holt, 54, cut the ribbon.",
        "Mr Alex Holt, her brother, was there too.",
        "Producer Jon Landau said the film would be made.",
        "The late Jon Landau was thanked.",
        "Jane Landau said she was proud.",
        "Tom Reyes met Sarah Jones in Paris.",
        "Police said Reyes was not hurt.",
        "Sarah Jones, who runs the shop, said sales were up.",
        "Ms Jones said that was true, according to Reyes.",
        "In May, director Hanna Berg said it was done.",
        "Goldman Sachs said profits fell.",
    ]
)


@given(st.lists(_ARTICLE_LINES, max_size=8))
@settings(max_examples=200, deadline=None)
def test_people_asked_one_surname_at_a_time_agree_with_people(lines: list[str]) -> None:
    known = people(lines)
    lazy = People(lines)
    surnames = {n.split()[-1].rstrip(".") for t in lines for _, _, n in names_in(t)}
    for surname in sorted(surnames | {"Nobody", "Sachs"}):
        assert (surname in lazy) == (surname in known)
        if surname in known:
            assert lazy[surname] == known[surname]
    with pytest.raises(KeyError):
        lazy["Nobody"]


@pytest.mark.parametrize(
    "text",
    [
        "For many residents, he represents the dream of leaving the country and doing well.",
        "At 16, she moved to the capital to study music at the conservatory there.",
        "Rebranded as a neutral fact-checking account, it posted a series of tweets.",
        "On DIY repair forums, she was told that the first step was to replace the battery.",
        "Speaking in St Mary's Hall on Monday, he said the hall would reopen in spring.",
        "Unlike Smith, he has never held office in the city before this year.",
        "In his first week, they cut the budget for the new library by a third.",
        # a long phrase: over 80 characters before the comma
        "Speaking in the great hall of the old castle as the mayor held the keys of the "
        "city aloft, she said the town would never forget the day.",
    ],
)
def test_a_pronoun_after_an_opening_phrase_is_a_dangling_opener(text: str) -> None:
    assert verdict(text) == "dangling opener"


@pytest.mark.parametrize(
    "text",
    [
        # the person may be named in the phrase: "her" is Swift's
        "According to Swift, her former label is keeping her from singing her old hits.",
        "In the Obama years, his party lost the House and the Senate to the Republicans.",
        # "it" that points ahead, and a clause with a subject of its own
        "In 2019, it was announced that the plant would close by the end of the year.",
        "When the council met on Monday, it voted to close the old bridge for good.",
        "For the first time, the festival lets visitors vote for their favourite artwork.",
    ],
)
def test_an_opening_phrase_without_a_pronoun_after_it_stands_alone(text: str) -> None:
    assert verdict(text) == ""


def test_a_pronoun_after_an_opening_phrase_gets_the_name() -> None:
    out = resolved(
        "Mayor Karen Holt opened the new bridge over the river on Friday morning.",
        "Speaking at the ceremony on the river bank, she said the bridge took twenty years.",
    )
    assert out[1] == (
        "Speaking at the ceremony on the river bank, Karen Holt said the bridge took twenty years."
    )
    assert verdict(out[1]) == ""


def test_it_is_worth_noting_that_goes() -> None:
    text = "It's worth noting that the rights to the first recordings stay with the label."
    assert tidy(text) == "The rights to the first recordings stay with the label."


def test_an_organisation_is_never_a_he() -> None:
    previous = "Goldman Sachs said on Monday that profits had fallen by a third."
    sentence = "He said the bank would cut jobs."
    assert resolved(previous, sentence)[1] == sentence


def test_a_link_word_goes_with_a_resolved_pronoun_only() -> None:
    out = resolved(
        "Finance minister Sofia Duarte said the budget would balance by 2026.",
        "But she warned that pensions would cost more than planned.",
    )
    assert out[1] == "Sofia Duarte warned that pensions would cost more than planned."
    alone = resolved("The budget was published.", "But she warned that pensions would cost more.")
    assert alone[1] == "But she warned that pensions would cost more."
    assert verdict(alone[1]) == "dangling opener"


# -- quotes, the writer's voice, reader address, questions and teasers -------------------------


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (
            "“We must teach the defendant what the law protects, and we will.”",
            "quote without speaker",
        ),
        ("“We will win the final and bring the cup home,” he said.", "quote without speaker"),
        (
            "I certainly wouldn’t want to get on the wrong side of the fans of this film.",
            "first person",
        ),
        ("We asked eight women to talk about their experience of the new rules.", "first person"),
        (
            "If you want to see the bridge, you should visit Budapest in the spring.",
            "reader address",
        ),
        (
            "Consider the case of the old harbour, which closed in 1985 after the strike.",
            "reader address",
        ),
        ("Watch the moment the bowler removes the opener at the Oval on Sunday.", "reader address"),
        ("Score the harbour tour tickets now for the lowest price ever.", "reader address"),
        # an opening "-ing" word and no finite verb after it: a feature's fragment
        (
            "Standing there in the harbour end, still barely able to believe it, noise "
            "engulfing them, forced to hang around at someone else’s party.",
            "no verb",
        ),
        # after an opening phrase of what the reader may want
        ("For full details on the new harbour grants and budget, see this page.", "reader address"),
        ("For tickets to the harbour festival in June, call the box office.", "reader address"),
        (
            "To find out more about the ferry timetable, visit the council website.",
            "reader address",
        ),
        ("The council is expected to vote on the plan, and the mayor says…", "teaser"),
        ("Voters in the city go to the polls on Sunday - find out who is standing.", "teaser"),
        ("The row over the harbour deepens: here's what we know so far about it.", "teaser"),
        ("From new trams to faster ferries, here’s what to watch in the city this year.", "teaser"),
        ("Here’s a roundup of the new ferries and routes planned for the coming summer.", "teaser"),
        ("Here are five things the council decided about the harbour on Monday night.", "teaser"),
        ("Is this the end of the road for the city’s oldest football club?", "question"),
        (
            "It was the latest, and the worst, in a series of attacks on the city.",
            "dangling opener",
        ),
        ("This is a developing story that carries the possibility of a sequel.", "dangling opener"),
        ("One of those divers is Mara Quist, who mapped the wreck in 2015.", "dangling opener"),
        ("Of those, twelve were children under ten, the council said.", "dangling opener"),
        ("Others were taken to the hospital in the city by the rescue teams.", "dangling opener"),
        ("Some said they felt let down by the council after the long wait.", "dangling opener"),
        (
            "Two of the players, Ana Ruiz and Mei Lin, play for the city club in the league.",
            "dangling opener",
        ),
        ("Both of the men were taken to hospital in the city after the crash.", "dangling opener"),
        # set beside something told before
        ("Other ferries also run late on the northern routes in winter.", "dangling opener"),
        ("Two other men have confessed to the attack on the ferry.", "dangling opener"),
        ("Another study in 38 passengers found the same effect.", "dangling opener"),
        ("The other witness was Ana Ruiz, a captain on the harbour ferries.", "dangling opener"),
        ("Other than the mayor, nobody from the council came to the harbour.", ""),
        # "these" / "those" in the first clause, with nothing before it to mean
        ("The harbour board rejected these claims as false on Monday night.", "dangling opener"),
        (
            "While cuts to those services hit the young, the council kept its budget.",
            "dangling opener",
        ),
        # "this" or "that" pointing at a sentence not shown
        ("The harbour board rejected that agreement, saying it was not signed.", "dangling opener"),
        ("The union said this clearly helps the ferry workers in the north.", "dangling opener"),
        ("The council disputed this notion at its meeting on Monday night.", "dangling opener"),
        ("Few firm plans for the harbour were made that day, the mayor said.", "dangling opener"),
        ("Ana Ruiz led that company as it won the ferry contract for the city.", "dangling opener"),
        # an entry of a list or a note under a label, not a sentence of the story
        (
            "Ana B. Ruiz: Possession of a controlled substance, held in jail in lieu of bond.",
            "heading",
        ),
        ("Harbour FC (1-0): Jonas Berg 19 points and 3 steals in the final.", "heading"),
        ("Note: The ferry pass includes the harbour museum on weekdays.", "heading"),
        # "that" after a preposition, past the first clause too
        (
            "In May 2017, the harbour board said the goal of that plan had been met early.",
            "dangling opener",
        ),
        ("Virtually no one from that party came forward to ask for an amnesty.", "dangling opener"),
        # a contraction, a condition or a time told before
        ("It’ll also get a wider bumper and larger lights at the front.", "dangling opener"),
        ("If convicted, he could face up to ten years in prison and a fine.", "dangling opener"),
        ("After an episode, they may feel a strong sense of guilt or shame.", "dangling opener"),
        ("If not, the council will try to find other money for the ferry.", "dangling opener"),
        ("Two months later, the ferry company went out of business for good.", "dangling opener"),
        (
            "In other words, this claim about the ferry was made up from the start.",
            "dangling opener",
        ),
        (
            "Even so, they said the ferry would cost more than the new bridge.",
            "dangling opener",
        ),
        (
            "It is unclear whether the other harbour towns will follow suit this year.",
            "dangling opener",
        ),
        (
            "The ferry company in the north of the city is expected to do the same.",
            "dangling opener",
        ),
        ("The mayor rode the new ferry across the harbour in eleven minutes flat!", "exclamation"),
        # the answer to a question the reader never saw; "it" as what was told before
        ("Simple answer, the ferries will probably outlast the old harbour.", "dangling opener"),
        ("It will take effect in May, a year after the council first voted.", "dangling opener"),
        ("It took the lead in the ferry market soon after the merger in 2010.", "dangling opener"),
        # "so" standing for what was said before
        (
            "One would hope so, since the harbour could use a new ferry these days.",
            "dangling opener",
        ),
        ("Most of the ferry crews think so too, and they will vote in May.", "dangling opener"),
        (
            "Holt says, they're trying to buy time by selling the old ferries first.",
            "dangling opener",
        ),
        (
            "The latter threat is key to the harbour board's case, its lawyers said.",
            "dangling opener",
        ),
    ],
)
def test_sentences_that_do_not_stand_alone_are_left_out(text: str, reason: str) -> None:
    assert verdict(text) == reason


@pytest.mark.parametrize(
    "text",
    [
        "“I am not at all concerned about the vote,” Hunter said after the meeting.",
        "The minister said the plan was “a step in the right direction” for farmers.",
        "The crowd shouted “Go home!” as the mayor left the hall after the vote.",
        "Many of the residents left the city before the storm arrived on Monday.",
        "Two of the city's best players left the club for the capital on Monday.",
        # what "those" means is said: before it, or right after it
        "The city agreed a ferry deal in May, but those talks stalled again on Monday.",
        "The council will pay those who lost their homes in the floods last winter.",
        "The city raised its harbour fees in May and the port of Leith followed suit.",
        "The council said so far it had spent four million pounds on the harbour.",
        "Holt says, the ferries will run every hour from the first of May.",
        "The former harbour master, 62, was voted off the board on Monday night.",
        # "this" and "that" that need nothing before them
        "The harbour board will meet this week to vote on the new ferry plan.",
        "Fighting in this vast northern region subsided after the rains came in May.",
        "The minister said that the ferry plan would cost the city more than expected.",
        "The board approved a plan that would double the number of ferries by 2030.",
        "Though this is the first time the rule has been used, the board expects more.",
        "In this age of cheap flights the ferry company has struggled to fill its boats.",
        "The council believed that 5 to 7 percent of the ferries were never inspected.",
        # a colon inside a sentence is no label
        "The mayor said one thing was sure: the ferry would run all winter.",
        "In May the board voted 5-2: the ferry stays and the bridge waits.",
        # "that" after a preposition, pointing inside the sentence: at its noun, or a date
        "The ferry party won the vote, but no one from that party came to the harbour.",
        "The bridge was not opened until May 1978, weeks before that year's elections.",
        "The mayor was wrong, in that the ferry had never been inspected at all.",
        "Martha added that shortly before the storm the ferry had been inspected twice.",
        "In other words, the ferry will cost the city more than the new bridge.",
        "As a result, it is unclear whether the ferry will run in the winter.",
        "The bridge opened two years later than planned, in May, after the strike.",
        "When the ferry docked on Monday, the crew cheered and waved their flags.",
        # an opener word inside a hyphenated one leans on nothing
        "So-called ferry banks have been all the rage in the north for some years.",
        "Then-mayor Karen Holt opened the harbour bridge in the spring of 2010.",
        # a verb the shape test did not know, and a name that ends in "!"
        "The captain didn’t suffer any injury in the crash on Sunday night.",
        "The ferry company broke ground on its new terminal just under a year ago.",
        "Tickets for the first boat go on sale at 10 a.m. on Friday, Dec. 6.",
        "The singer is unhappy with her old label, according to a new report by E!",
        "The state will pay for those of the ferries that were damaged in the storm.",
        "One of the players in the final was born in the city of Leeds in 1990.",
        "The mayor – seen here at the opening in May – said the harbour would reopen.",
        "It is unclear whether the council will approve the budget before the summer.",
        "This year, for the first time, visitors can vote for their favourite light artwork.",
        "There were twelve people on the boat when it capsized near the harbour.",
        "Those affected by the floods can apply for help from the regional government.",
        "A truck was destroyed when it drove over a land mine in the north on Friday.",
        # "it" pointing ahead, at what the sentence itself goes on to say
        "It is the first time in the league's 51-year history that games will be lost.",
        "It would take another referendum for Denmark to adopt the new currency.",
        "It took crews a week to clear the harbour road after the storm in May.",
        # an opening "-ing" word with a finite verb after it
        "Standing in the rain, the fans sang for an hour at the harbour.",
        "Having been appointed by the mayor, Holt was told he would stay on.",
        "Getting the ferry to run on time is often a challenge for the crew.",
        "Following the vote on the harbour budget, the mayor quit on Monday.",
        # "For ..., call" where "call" is no order to the reader
        "For years, call centres in the harbour district have hired students.",
        "For more than a decade, visitors have crossed the bridge on foot.",
    ],
)
def test_sentences_that_stand_alone_are_kept(text: str) -> None:
    # (The first opens with a quotation: colour, kept out of a digest for that, not as leaning.)
    assert verdict(text) in ("", "opens with a quote")


@pytest.mark.parametrize(
    ("paragraph", "verdicts"),
    [
        # one quotation in three sentences: the middle is someone's words, its speaker
        # named in another sentence
        (
            "“For me it is a journey of discovery. I just start writing a lot of notes. "
            "I try to get to a granular level of what it is like to live there,” Jane Weber said.",
            {"I just start writing a lot of notes.": "inside quote"},
        ),
        # wire copy whose paragraph breaks are lost: the quote is opened again, not
        # closed, at the start of its second paragraph; what follows is the writer's own
        (
            'Asked whether all votes are tainted, Hodler said, "I know of so many times. '
            '"There is a good chance it is always the case." '
            "The president of the committee immediately distanced himself from the claims. "
            "The committee will meet in Lausanne on Monday to decide on an inquiry.",
            {
                '"There is a good chance it is always the case."': "inside quote",
                "The president of the committee immediately distanced himself from the claims.": "",
                "The committee will meet in Lausanne on Monday to decide on an inquiry.": "",
            },
        ),
        # a quotation opened with a grave accent closes with a straight mark
        (
            "The players gathered outside the gym on Tuesday morning to talk to the press. "
            "`There's a perception that we're on strike. "
            'We have been locked out of our own gym," the union president said. '
            "The league cancelled the first two weeks of the season on Tuesday night.",
            {"The league cancelled the first two weeks of the season on Tuesday night.": ""},
        ),
    ],
)
def test_the_middle_of_a_quotation_is_never_chosen(
    paragraph: str, verdicts: dict[str, str]
) -> None:
    story = article(
        "q", "The director described his writing process in the interview on Monday.", paragraph
    )
    texts = {c.text: c.excluded for c in candidates([story])}
    for sentence, reason in verdicts.items():
        assert texts[sentence] == reason, sentence


# -- order -------------------------------------------------------------------------------------


def test_an_earlier_step_never_follows_its_outcome_and_what_comes_next_closes() -> None:
    wednesday = dt.datetime(2024, 3, 13, 18, tzinfo=dt.UTC)
    story = article(
        "rescue",
        "A three-year-old girl missing for four days was found alive in a farm shed near "
        "Lyon on Wednesday, police said.",
        "Firefighters freed the girl from the shed on Wednesday after a neighbour heard her cry.",
        "Officers searched the same farm on Monday and left without finding the child.",
        "Prosecutors are expected to question the farm's owner next week.",
        published=wednesday,
    )
    texts = [c.text for c in select_sentences([story], 200)]
    assert texts[0].startswith("A three-year-old girl")
    assert texts.index(
        "Officers searched the same farm on Monday and left without finding the child."
    ) < texts.index(
        "Firefighters freed the girl from the shed on Wednesday after a neighbour heard her cry."
    )
    assert texts[-1].startswith("Prosecutors are expected")


def test_stated_time_reads_dates_weekdays_and_relative_days() -> None:
    friday = dt.datetime(2024, 3, 15, tzinfo=dt.UTC)
    day = dt.date(2024, 3, 15).toordinal()
    assert stated_time("Officers searched the farm on Monday.", friday) == day - 4
    assert stated_time("The girl was found on Friday.", friday) == day
    assert stated_time("Rebels seized the town yesterday.", friday) == day - 1
    assert stated_time("They were abducted Oct. 3 in the capital.", friday) == (
        dt.date(2023, 10, 3).toordinal()
    )
    assert stated_time("The law was passed in 2019.", friday) == dt.date(2019, 7, 1).toordinal()
    assert stated_time("The court will rule on Monday.", friday) is None
    assert stated_time("Officers searched the farm on Monday.", None) is None


@pytest.mark.parametrize(
    "text",
    [
        "In each case, the company paid the fines within a month of the ruling.",
        "In both cases, the judges ordered a new trial for the two men.",
        "At that time, the mill employed more than four hundred people in the town.",
        "By then, the rebels had fled the area around the village compound.",
        "Since then, the council has met only twice to discuss the new bridge.",
        "After that, every request went through the company's lawyers in Boston.",
        "Aside from those, the car has automatic braking and a rear camera as standard.",
    ],
)
def test_an_opening_phrase_that_points_back_leaves_a_sentence_out(text: str) -> None:
    assert verdict(text) == "dangling opener"


@pytest.mark.parametrize(
    "text",
    [
        "This year, the company paid its fines within a month of each ruling.",
        "At this point, the council has not decided when the new bridge will open.",
        "In the past week, the city opened two new libraries on the east side.",
    ],
)
def test_an_opening_phrase_about_now_or_its_own_time_stands_alone(text: str) -> None:
    assert verdict(text) == ""


# -- compression: what a reader loses nothing by -----------------------------------------------


@pytest.mark.parametrize(
    ("raw", "tidied"),
    [
        ("(CNN) The mayor made an unscheduled visit to the harbour on Saturday.",
         "The mayor made an unscheduled visit to the harbour on Saturday."),
        ("Hong Kong (CNN Business) A muddled view of the talks weighed on investors.",
         "A muddled view of the talks weighed on investors."),
        ("NEW DELHI: Nearly 150 travellers returned home on Wednesday after the ruling.",
         "Nearly 150 travellers returned home on Wednesday after the ruling."),
        ("Boston, MA – The harbour company is adding a strategist to its board.",
         "The harbour company is adding a strategist to its board."),
        ("Used copies sold for $200 online. (They are much cheaper now.)",
         "Used copies sold for $200 online."),
    ],
)  # fmt: skip
def test_tidy_drops_wire_tags_datelines_and_a_trailing_aside(raw: str, tidied: str) -> None:
    assert tidy(raw) == tidied


def test_tidy_keeps_a_place_that_is_the_subject() -> None:
    text = "Paris, France, is a city where the river runs through the middle of town."
    assert tidy(text) == text


@pytest.mark.parametrize(
    ("raw", "tidied"),
    [
        # the dateline's "here": the digest shows no dateline
        ("LEEDS, England (AP) — Paul Kerr died here Monday after the fire.",
         "Paul Kerr died Monday after the fire."),
        ("His death, announced at the hospital here, shocked the town.",
         "His death, announced at the hospital, shocked the town."),
        ("Here in Leeds, the mayor also condemned the attack.",
         "In Leeds, the mayor also condemned the attack."),
        ("The series of events starts here on Sunday with a lecture.",
         "The series of events starts on Sunday with a lecture."),
        # where something is or goes, a link, quotes, "here ..., there ..." stay
        ("The new phone is here in time for the holidays.",
         "The new phone is here in time for the holidays."),
        ("They came here on Monday to see the harbour.",
         "They came here on Monday to see the harbour."),
        ("Organisers say it's here on Monday for one day only.",
         "Organisers say it's here on Monday for one day only."),
        ("You can sign up for the newsletter here.", "You can sign up for the newsletter here."),
        ("“The fire started here on Monday,” she said.",
         "“The fire started here on Monday,” she said."),
        ("A chip here, a chicken wing there, and the calories add up.",
         "A chip here, a chicken wing there, and the calories add up."),
    ],
)  # fmt: skip
def test_tidy_drops_a_here_that_means_the_dateline(raw: str, tidied: str) -> None:
    assert tidy(raw) == tidied


@pytest.mark.parametrize(
    "text",
    [
        "Yes, the exclamation point is part of the name of the new bank.",
        "Which is not to say that whatever happened on Saturday was routine.",
        "At the time, used copies of the paperback sold for two hundred dollars.",
        "For most, this would mean giving up and going to the store in town.",
        "Soon he is climbing into a gaping hole in the trunk of the old oak.",
        "When she became mayor in 2013, the borough was in deep trouble.",
        "Now they say the new bridge will cost twice as much as promised.",
    ],
)
def test_an_answer_a_relative_or_a_then_points_back(text: str) -> None:
    assert verdict(text) == "dangling opener"


@pytest.mark.parametrize(
    "text",
    [
        "When she became mayor in 2013, Jones found the borough in deep trouble.",
        "When the mayor arrived in 2013, the borough was in deep trouble.",
        "For most of the year, the river is too low for the ferries to cross.",
    ],
)
def test_an_opening_clause_that_names_its_person_stands_alone(text: str) -> None:
    assert verdict(text) == ""


def test_the_writers_aside_is_the_writers_voice() -> None:
    assert verdict("To be perfectly honest, this seems to be a prime time for rumours.") == (
        "first person"
    )


def test_advice_to_the_reader_is_left_out_but_no_one_is_news() -> None:
    assert verdict("Mix two tablespoons of refried beans with two tablespoons of salsa.") == (
        "reader address"
    )
    assert verdict("Opt for salsa rather than a dip, which can pack ten times the calories.") == (
        "reader address"
    )
    assert verdict("No one was hurt in the fire at the warehouse on Monday night.") == ""


def test_tidy_drops_a_connective_of_cause_or_response() -> None:
    for opener in (
        "As a result",
        "In response",
        "For this reason",
        "Despite this",
        "In turn",
        "To cite one example",
        "With this and other rulings",
        "Afterwards",
    ):
        assert tidy(f"{opener}, the league cancelled the first two weeks of the season.") == (
            "The league cancelled the first two weeks of the season."
        )


def test_tidy_drops_a_link_of_comparison() -> None:
    # compared with what, the reader was not told; what is compared is as true alone
    for opener in ("By comparison", "In comparison", "For comparison", "As a rough comparison"):
        assert tidy(f"{opener}, the old ferry took forty minutes to cross the harbour.") == (
            "The old ferry took forty minutes to cross the harbour."
        )


@pytest.mark.parametrize(
    ("raw", "tidied"),
    [
        # the next step or the consequence is as true without the link word
        (
            "Then Angola and Namibia intervened to help Kabila and drove the rebels back.",
            "Angola and Namibia intervened to help Kabila and drove the rebels back.",
        ),
        (
            "So the biggest computer maker, Compaq, gave customers the other browser.",
            "The biggest computer maker, Compaq, gave customers the other browser.",
        ),
        (
            "Thus, Microsoft insists, there is no violation of the antitrust laws.",
            "Microsoft insists, there is no violation of the antitrust laws.",
        ),
        (
            "But if the government wins its case, the remedies would be far tougher.",
            "If the government wins its case, the remedies would be far tougher.",
        ),
        # ... but not where the word is part of what is said
        ("So far the ferry plan has worked well for the city.", None),
        ("So was Dr. Stanley Turecki, a psychiatrist who was also called.", None),
        ("So many people came that the hall had to be closed early.", None),
        ("Then Prime Minister John Major said the ferry would stay open.", None),
        ("Then again, the ferry plan was never popular with the council.", None),
        ("So-called ferry banks have been all the rage in the north.", None),
        ("Then he flew to Philadelphia to raise money for the party.", None),
    ],
)
def test_tidy_drops_so_then_and_thus_before_a_new_subject(raw: str, tidied: str | None) -> None:
    assert tidy(raw) == (tidied or raw)


def test_tidy_drops_what_a_reader_loses_nothing_by() -> None:
    assert tidy("It was reported that the mayor resigned on Friday after the vote.") == (
        "The mayor resigned on Friday after the vote."
    )
    assert tidy(
        "Currently finishing his film (note: the director is wrapping up the next part), "
        "he spoke from Austin."
    ) == ("Currently finishing his film, he spoke from Austin.")
    assert tidy("Fortunately, the press tour produced good news for the fans.") == (
        "The press tour produced good news for the fans."
    )
    assert tidy("For example, the new ferry does not run at full speed in winter.") == (
        "The new ferry does not run at full speed in winter."
    )
    assert tidy(
        "Cameron, best known for his work on the Avatar films, explained the plan on Monday."
    ) == ("Cameron explained the plan on Monday.")
    # A name's role is a fact, not an aside; quotes are never touched.
    kept = "Billy Hunter, the union's director, said “we are best known for our patience, sir.”"
    assert tidy(kept) == kept


def test_shorter_drops_a_relative_clause_and_stays_a_sentence() -> None:
    assert shorter(
        "The science fiction movie, which adapts a 1990 manga, was directed by Rodriguez."
    ) == ("The science fiction movie was directed by Rodriguez.")
    # A denial is never an aside; nor is a person's role.
    assert shorter("Smith, who denies the charges, appeared in court in Leeds on Monday.") is None
    assert shorter("Billy Hunter, the union's director, warned the owners on Monday.") is None
    assert shorter("The mayor said “the bridge, which is old, must go” on Monday.") is None
    assert shorter("The council approved the bridge on Monday.") is None
    # the relative clause closes an aside begun before it: dropping it would drop its comma
    assert (
        shorter(
            "Holt, a member of the harbour board, which runs the ferry, backed the plan on Monday."
        )
        is None
    )
    # what "them" means is in the aside
    assert shorter("The bank, which had held its rates for a year, cut them on Monday.") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "In a surprise move, the central bank cut its key rate to 3 percent on Thursday.",
            "The central bank cut its key rate to 3 percent on Thursday.",
        ),
        (
            "In its lawsuit, the city says the company hid the cost of the new bridge.",
            "The city says the company hid the cost of the new bridge.",
        ),
        # not an occasion: without it, the sentence would state what may never happen
        ("In a worst-case scenario, the river would flood half of the old town.", None),
        ("In a sense, the council has already lost the vote on the new bridge.", None),
        ("In the meantime, the council will meet again to discuss the bridge.", None),
        # a name that starts in lower case keeps it, and is no variant of itself
        (
            "In a statement, eBay said it would cut 300 jobs in the city this year.",
            "eBay said it would cut 300 jobs in the city this year.",
        ),
        ("iPhone sales rose by a third in May, the company said on Monday.", None),
    ],
)
def test_shorter_drops_the_occasion_that_frames_a_sentence(text: str, expected: str | None) -> None:
    assert shorter(text) == expected


_CLAUSES = st.sampled_from(
    [
        ", which opened in 1990,",
        ", who leads the party,",
        ", a former minister,",
        ", whose roof collapsed in May,",
    ]
)


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(["The bridge", "Maria Lopez", "The old harbour", "Tom Reyes"]),
    _CLAUSES,
    st.sampled_from(["was closed on Monday", "said the talks had failed", "reopened in May"]),
)
def test_a_compressed_sentence_is_the_source_minus_an_aside(
    subject: str, aside: str, rest: str
) -> None:
    original = f"{subject}{aside} {rest} after a long debate in the city council."
    short = shorter(original)
    if short is None:
        return
    # True to its source: every word is the source's, in the source's order, and it still
    # reads as a sentence (the judge takes it: a subject, a verb, closing punctuation).
    source = iter(words(original))
    assert all(word in source for word in words(short))
    assert short.startswith(subject) and short.endswith(".")
    assert judge(short, tuple(words(short)))[0] == ""
    assert len(short.split()) < len(original.split())


def test_an_attribution_repeated_from_the_sentence_before_goes() -> None:
    before = "Mayor Lena Ortiz said the bridge would open in May after four years of work."
    assert repeated_attribution(
        "The bridge will cost $5 million more than planned, Ortiz said.", before
    ) == ("The bridge will cost $5 million more than planned.")
    # Another speaker, or a quotation, keeps it.
    assert repeated_attribution("The bridge will cost more, Jonas Berg said.", before) is None
    assert (
        repeated_attribution(
            "The bridge is “a triumph of patience for everyone,” Ortiz said.", before
        )
        is None
    )


def test_the_story_drops_a_repeated_attribution_between_sentences_of_one_source() -> None:
    story = article(
        "bridge",
        "Mayor Lena Ortiz said the new Danube bridge would open to traffic in May after "
        "four years of construction work.",
        "The Danube bridge will cost $5 million more than first planned because of steel "
        "prices, Ortiz said.",
    )
    texts = [c.text for c in select_sentences([story], 100)]
    assert texts[1] == (
        "The Danube bridge will cost $5 million more than first planned because of steel prices."
    )


@pytest.mark.parametrize(
    "text",
    [
        "He Jiankui’s work was also carried out on a third infant, according to state media.",
        "It's “absolutely unacceptable” for the shop to sell such shirts, a council leader said.",
    ],
)
def test_a_name_or_an_it_that_points_ahead_is_no_dangling_opener(text: str) -> None:
    assert verdict(text) == ""


@pytest.mark.parametrize(
    "text",
    [
        "It is expected to drop to the common rate by the time the new currency is launched.",
        "It is likely to close for good before the end of the year, the owners said.",
        "It was estimated to cost about $5 million more than the council first planned.",
        "It is set to open to traffic in May after four years of work on the river.",
    ],
)
def test_an_it_raised_from_the_verb_after_it_is_a_dangling_opener(text: str) -> None:
    # "It is expected to drop": the "it" is something named before (a rate, a
    # shop), unlike "It is expected that ..." or "It is hard to say ...".
    assert verdict(text) == "dangling opener"


@pytest.mark.parametrize(
    "text",
    [
        "It is expected that the council will vote on the bridge budget in May.",
        "It is hard to say when the bridge over the river will open to traffic.",
        "It is believed the ship sank in a storm off the coast on Monday night.",
    ],
)
def test_an_it_before_that_or_a_to_after_an_adjective_points_ahead(text: str) -> None:
    assert verdict(text) == ""


@pytest.mark.parametrize(
    "text",
    [
        "Police found the car near the harbour, said Lt. Dana Rowe of the county police.",
        "The bill was signed on Monday by Gov. Alan Pike after a long debate.",
        "The prize went to Dr. Mina Osei and Prof. Lars Holm of the city university.",
        # a capitalised word without a vowel is an abbreviation, listed or not
        "The tribunal cleared Cmndr. Ivo Marek of the charges against him on Monday.",
        "The two climbers reached Mt. Kenya after a week, the park rangers said.",
        "Races that are close this year include Reps. Ann Lowe and Tom Hart of Ohio.",
    ],
)
def test_a_title_before_a_name_never_ends_a_sentence(text: str) -> None:
    from digest.text import split_sentences

    assert split_sentences(f"{text} The council met again on Friday.") == [
        text,
        "The council met again on Friday.",
    ]


def test_a_street_abbreviation_still_ends_a_sentence() -> None:
    from digest.text import split_sentences

    assert split_sentences("The shop is on Main St. The council met on Friday.") == [
        "The shop is on Main St.",
        "The council met on Friday.",
    ]


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        # a function word never follows a title: the stop ends the sentence
        (
            "The party backed Democratic Sen. The vote is on Friday.",
            ["The party backed Democratic Sen.", "The vote is on Friday."],
        ),
        # the paragraph uses "Hun Sen" as a name: the stop after it ends a sentence
        (
            "Hun Sen said he was pleased. The vote was narrowly won by Hun Sen. "
            "Key to the deal was a promise of safety.",
            [
                "Hun Sen said he was pleased.",
                "The vote was narrowly won by Hun Sen.",
                "Key to the deal was a promise of safety.",
            ],
        ),
        (
            "The deal was signed by Hun Sen. \u201cWe are pleased,\u201d he said.",
            ["The deal was signed by Hun Sen.", "\u201cWe are pleased,\u201d he said."],
        ),
        # a title before a name stays, even after a capitalised word, or when the name
        # is also a function word
        (
            "The bill was backed by Rep. Will Hurd of Texas on Monday. The vote is on Friday.",
            ["The bill was backed by Rep. Will Hurd of Texas on Monday.", "The vote is on Friday."],
        ),
        (
            "The bill was backed by Democratic Sen. Bill Gray of Ohio. The vote is on Friday.",
            ["The bill was backed by Democratic Sen. Bill Gray of Ohio.", "The vote is on Friday."],
        ),
        # a US state's abbreviation after a town ends a sentence before a function word
        (
            "The firm has a lab in Hillsboro, Ore. And while it grows, it hires slowly.",
            ["The firm has a lab in Hillsboro, Ore.", "And while it grows, it hires slowly."],
        ),
        (
            "They met in Mountain View, Calif. That meeting was the first of three.",
            ["They met in Mountain View, Calif.", "That meeting was the first of three."],
        ),
    ],
)
def test_a_title_word_used_as_a_name_ends_a_sentence(paragraph: str, expected: list[str]) -> None:
    from digest.text import split_sentences

    assert split_sentences(paragraph) == expected


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        # the speaker of a quoted question is the same sentence
        (
            "“Can I give it to Jonas?” Ana Ruiz tearfully asked before apologizing. "
            "The host went on.",
            [
                "“Can I give it to Jonas?” Ana Ruiz tearfully asked before apologizing.",
                "The host went on.",
            ],
        ),
        (
            "“Stop the ferry!” Holt shouted at the crew.",
            ["“Stop the ferry!” Holt shouted at the crew."],
        ),
        # ... but a new subject after it is a new sentence
        (
            "He shouted “Stop!” Police arrived within minutes.",
            ["He shouted “Stop!”", "Police arrived within minutes."],
        ),
    ],
)
def test_a_quoted_question_and_its_named_speaker_are_one_sentence(
    paragraph: str, expected: list[str]
) -> None:
    from digest.text import split_sentences

    assert split_sentences(paragraph) == expected


def test_an_opinion_piece_lends_no_sentence() -> None:
    from digest.summarize.sentences import candidates, opinion_piece

    text = "The harbour board will probably sell the old ferries to a rival firm next year."
    news = Article(
        "a", "Ferries to be sold", (Block("paragraph", text),), url="https://n.example/news/1"
    )
    column = replace(news, url="https://n.example/commentisfree/2019/may/08/ferries")
    editorial = replace(news, url="https://n.example/x/1", title="The Courier view on the ferries")
    opinion = replace(news, url="https://n.example/x/2", title="Opinion | Sell the ferries")
    assert not opinion_piece(news)
    assert all(opinion_piece(a) for a in (column, editorial, opinion))
    reasons = [c.excluded for c in candidates([news, column, editorial, opinion])]
    assert reasons == ["", "opinion piece", "opinion piece", "opinion piece"]


_MORNING = dt.datetime(2019, 11, 18, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=-5)))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The new ferry launches tomorrow and early reviews are mixed.",
            "The new ferry launches on 19 November and early reviews are mixed.",
        ),
        (
            "Yesterday, the board voted to close the harbour for the winter.",
            "On 17 November, the board voted to close the harbour for the winter.",
        ),
        (
            "The captain flew home yesterday evening and will sign the deal later today.",
            "The captain flew home on the evening of 17 November and will sign the deal "
            "later on 18 November.",
        ),
        (
            "The harbour has been closed since yesterday, the council said.",
            "The harbour has been closed since 17 November, the council said.",
        ),
        ("The mayor was sacked last night.", "The mayor was sacked on the night of 17 November."),
        # the speaker's words, "today" as "nowadays", and a possessive stay as they are
        ("The mayor said “we will vote tomorrow” after the meeting.", None),
        ("Only eleven people live on the island today, the council said.", None),
        ("Last night's storm closed the harbour road for hours.", None),
        ("The band played the last night of its tour in the harbour.", None),
    ],
)
def test_relative_days_are_told_as_the_dates_they_were(text: str, expected: str | None) -> None:
    from digest.summarize.sentences import anchored

    assert anchored(text, _MORNING) == expected


def test_a_relative_day_stays_when_the_publication_time_leaves_its_date_in_doubt() -> None:
    from digest.summarize.sentences import anchored

    # 21:21 in the zone the page gives is already the next day eight hours east
    late = _MORNING.replace(hour=21, minute=21)
    assert anchored("The new ferry launches tomorrow and reviews are mixed.", late) is None
    assert anchored("The new ferry launches tomorrow and reviews are mixed.", None) is None
    # a time just past midnight is a time too
    night = dt.datetime(2019, 11, 18, 0, 0, 1, tzinfo=dt.UTC)
    assert anchored("The new ferry launches tomorrow and reviews are mixed.", night) is None


def test_a_date_given_without_a_time_is_the_publishers_own_day() -> None:
    from digest.summarize.sentences import anchored

    # "2019-11-18" on a page, or /2019/11/18/ in its URL, is read as midnight UTC
    day = dt.datetime(2019, 11, 18, tzinfo=dt.UTC)
    assert anchored("The new ferry launches tomorrow and reviews are mixed.", day) == (
        "The new ferry launches on 19 November and reviews are mixed."
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The mayor was sacked last night after five years in charge.",
            "The mayor was sacked after five years in charge.",
        ),
        (
            "Yesterday, the board voted to close the harbour.",
            "The board voted to close the harbour.",
        ),
        (
            "The captain flew home yesterday evening and will sign the deal later today.",
            "The captain flew home and will sign the deal.",
        ),
        (
            "The council will vote tomorrow, the mayor said.",
            "The council will vote, the mayor said.",
        ),
        # what would not read without it, and the speaker's words, stay as they are
        ("The harbour has been closed since yesterday, the council said.", None),
        ("The final of the ferry race is tomorrow.", None),
        ("Tonight is the last night the old ferry sails.", None),
        ("The mayor said “we will vote tomorrow” after the meeting.", None),
        ("Last night's storm closed the harbour road for hours.", None),
    ],
)
def test_a_relative_day_that_cannot_be_dated_is_left_out(text: str, expected: str | None) -> None:
    from digest.summarize.sentences import undated

    assert undated(text) == expected


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        (
            "The new harbour ferry launches tomorrow after two years of work.",
            _MORNING,
            "The new harbour ferry launches on 19 November after two years of work.",
        ),
        # published at 21:21 in the zone the page gives: "last night" may be two dates
        (
            "The harbour master was sacked last night after a long row.",
            _MORNING.replace(hour=21, minute=21),
            "The harbour master was sacked after a long row.",
        ),
    ],
)
def test_the_story_tells_a_relative_day_as_its_date_or_leaves_it_out(
    text: str, published: dt.datetime, expected: str
) -> None:
    story = Article("a", "Ferry", (Block("paragraph", text),), published=published)
    assert [c.text for c in select_sentences([story], 100)] == [expected]


def test_an_opening_epithet_gets_the_name_of_the_one_person_before_it() -> None:
    from digest.summarize.sentences import standalone

    before = [
        "Prosecutors dropped the case against WikiLeaks co-founder Maria Holt on Tuesday.",
        "Holt, who denies the accusation, has lived in the embassy for seven years.",
    ]
    out = standalone([*before, "The 48-year-old Australian was evicted in April and jailed."])
    assert out[2] == "Maria Holt, 48, was evicted in April and jailed."
    # two people in the sentence before: nobody is sure
    two = ["Maria Holt met her lawyer, Ivo Brand, in the embassy on Monday."]
    assert standalone([*two, "The 48-year-old Australian was evicted in April."])[1] == (
        "The 48-year-old Australian was evicted in April."
    )
    # a name after the age is no epithet, even when the sentence before is about another
    named = "The 48-year-old Holt has long been in poor health, doctors said."
    other = "Ambassador Ivo Brand said the embassy would close its doors on Monday."
    assert standalone([*before, other, named])[3] == named
