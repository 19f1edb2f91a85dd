"""Stories that are right: grouping rules, ranking, citations, topic, headlines.

Every article here is written for the test, modelled on cases found in real news.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pytest

from digest.build import make_digest
from digest.model import Article, Block
from digest.summarize import SummaryOptions, rank_stories
from digest.summarize import stories as grouping
from digest.summarize.budgets import on_topic, topic_stems
from digest.summarize.citations import (
    _supporters,
    proper_names,
    quotations,
    source_texts,
    specificity,
)
from digest.summarize.concepts import ConceptSummarizer, select_sentences
from digest.summarize.headlines import make_headline
from digest.summarize.sentences import candidates
from digest.summarize.stories import (
    average_linkage,
    candidate_pairs,
    date_factor,
    group_articles,
    similar_pairs,
)

DAY = dt.datetime(2026, 11, 18, 9, tzinfo=dt.UTC)


def article(
    path: str,
    *paragraphs: str,
    title: str | None = None,
    outlet: str | None = None,
    published: dt.datetime | None = DAY,
) -> Article:
    return Article(
        path=path,
        title=title,
        blocks=tuple(Block("paragraph", p) for p in paragraphs),
        outlet=outlet,
        published=published,
    )


FERRY = [
    article(
        "ferry/a",
        "A ferry carrying 240 passengers ran aground off the Greek island of Naxos on Tuesday, "
        "and coastguard boats took everyone ashore.",
        "The Blue Star ferry struck rocks in strong winds shortly after leaving Naxos harbour.",
        title="Ferry with 240 passengers runs aground off Naxos",
        outlet="Reuters",
    ),
    article(
        "ferry/b",
        "All 240 passengers were rescued after the Blue Star ferry hit rocks near Naxos, the "
        "Greek coastguard said.",
        "Strong winds pushed the ferry onto rocks just outside Naxos harbour on Tuesday.",
        title="Naxos ferry aground: all 240 passengers rescued",
        outlet="AP",
    ),
]
FESTIVAL = article(
    "festival",
    "The Naxos wine festival opened on Tuesday with tastings in the old town square, and "
    "growers from across the Cyclades brought their new vintage.",
    "Organisers expect ten thousand visitors over the weekend.",
    title="Naxos wine festival opens",
    outlet="Kathimerini",
)


def as_paths(articles: list[Article]) -> list[list[str]]:
    return sorted(sorted(articles[i].path for i in g) for g in group_articles(articles))


# -- grouping ---------------------------------------------------------------------------


def test_two_events_sharing_a_place_stay_apart_even_with_few_articles() -> None:
    # Three articles: in-input rarity is flat, the background list keeps "Naxos" from
    # gluing a festival to a shipwreck.
    assert as_paths([*FERRY, FESTIVAL]) == [["ferry/a", "ferry/b"], ["festival"]]
    assert as_paths([FERRY[0], FESTIVAL]) == [["ferry/a"], ["festival"]]
    assert as_paths(FERRY) == [["ferry/a", "ferry/b"]]


def test_articles_weeks_apart_need_stronger_evidence() -> None:
    weeks_later = DAY + dt.timedelta(days=45)
    first = article(
        "strike/1",
        "Train drivers walked out on Monday in a one-day strike over pay, and commuters "
        "crowded onto buses across the region.",
        title="Train drivers strike over pay",
        outlet="Herald",
    )
    same_day = article(
        "strike/2",
        "Commuters crowded onto buses on Monday as train drivers held a one-day strike over pay.",
        title="Commuters squeeze onto buses as train drivers strike",
        outlet="Courier",
    )
    later = article(
        "strike/3",
        "Commuters crowded onto buses on Monday as train drivers held a one-day strike over pay.",
        title="Commuters squeeze onto buses as train drivers strike",
        outlet="Courier",
        published=weeks_later,
    )
    assert as_paths([first, same_day]) == [["strike/1", "strike/2"]]
    close = similar_pairs([first, same_day])[(0, 1)]
    far = similar_pairs([first, later])[(0, 1)]
    assert far == close * date_factor(45.0) < close
    assert date_factor(1.0) == 1.0
    assert date_factor(grouping.DATE_GRACE + grouping.DATE_HALF_LIFE) == 0.5
    # no floor: a year apart, only overwhelming evidence joins two articles
    assert date_factor(365.0) < 0.25
    assert date_factor(400.0) < date_factor(365.0)


def with_outlets(articles: list[Article], *outlets: str) -> list[Article]:
    return [
        Article(a.path, a.title, a.blocks, outlet=o, published=a.published)
        for a, o in zip(articles, outlets, strict=True)
    ]


def test_two_articles_from_one_outlet_are_less_alike() -> None:
    two_outlets = similar_pairs(with_outlets(FERRY, "Island Courier", "Harbour Herald"))
    one_outlet = similar_pairs(with_outlets(FERRY, "Island Courier", "island courier"))
    assert one_outlet[(0, 1)] == two_outlets[(0, 1)] * grouping.SAME_OUTLET
    # case, punctuation and a leading "The" do not make it another outlet
    again = similar_pairs(with_outlets(FERRY, "The Island Courier", "Island-Courier"))
    assert again[(0, 1)] == one_outlet[(0, 1)]


def test_one_outlets_follow_up_days_later_is_not_marked_down() -> None:
    # An outlet files a story a day: its follow-ups are the norm, not a second item.
    later = DAY + dt.timedelta(days=grouping.SAME_OUTLET_DAYS + 2)
    pair = [
        Article(FERRY[0].path, FERRY[0].title, FERRY[0].blocks, outlet="Courier", published=DAY),
        Article(FERRY[1].path, FERRY[1].title, FERRY[1].blocks, outlet="Courier", published=later),
    ]
    other = [pair[0], *with_outlets(pair[1:], "Herald")]
    assert similar_pairs(pair)[(0, 1)] == similar_pairs(other)[(0, 1)]


def test_a_news_agency_is_not_marked_down_for_telling_one_item_twice() -> None:
    # A wire service files the first take and then write-throughs of one item on one day.
    take = article(
        "wire/1",
        "Wildfire crews evacuated the hill town of Tarrowby on Friday as flames crossed the "
        "ridge road, officials said.",
        "About 900 residents left before the only road out was closed.",
        outlet="Associated Press",
    )
    write_through = article(
        "wire/2",
        "Flames crossed the ridge road and forced crews to evacuate Tarrowby on Friday, where "
        "about 900 residents fled before the road out was shut.",
        "Officials said two water-bombing aircraft were sent from the coast.",
        outlet="The Associated Press",
    )
    courier = with_outlets([take, write_through], "Courier", "Courier")
    two = with_outlets([take, write_through], "Courier", "Herald")
    agency = similar_pairs([take, write_through])[(0, 1)]
    assert agency == similar_pairs(two)[(0, 1)]
    assert similar_pairs(courier)[(0, 1)] == agency * grouping.SAME_OUTLET < agency
    for name in ("AP", "Reuters", "AFP", "Agence France-Presse", "Xinhua News Agency"):
        assert grouping.outlet_code(name) is None
    assert grouping.outlet_code("The Guardian") == grouping.outlet_code("guardian") == "guardian"
    assert grouping.outlet_code("Reuters Institute blog") is not None
    assert grouping.outlet_code("  ") is None


def test_long_posting_lists_pair_each_article_with_a_few_neighbours_only() -> None:
    # 300 articles all sharing one rare word: never all 44,850 pairs.
    articles = [
        article(f"n/{i}", f"Zorblax item number {i} shipped.", published=DAY + dt.timedelta(i))
        for i in range(300)
    ]
    matrix = grouping.term_matrix(articles)
    pairs = candidate_pairs(matrix, grouping._days(articles))
    assert 0 < len(pairs) <= len(articles) * grouping.WINDOW
    gaps = np.abs(pairs[:, 0] - pairs[:, 1])
    assert gaps.max() <= grouping.WINDOW  # nearest in time (here: in index order)


# -- ranking -----------------------------------------------------------------------------


def test_a_story_five_outlets_covered_leads_over_a_newer_single_source_review() -> None:
    review = article(
        "review",
        "The new phone from Lumo has a bright screen and a battery that lasts two full days, "
        "and its camera is the best we have tested this year.",
        title="Lumo X2 review: the battery champion",
        outlet="Gadget Blog",
        published=DAY + dt.timedelta(hours=6),
    )
    ferry = [
        article(
            f"ferry/{name}",
            *a.paragraphs,
            title=a.title,
            outlet=name,
            published=DAY + dt.timedelta(minutes=k),
        )
        for k, name in enumerate(["Reuters", "AP", "BBC", "ERT", "Kathimerini"])
        for a in [FERRY[k % 2]]
    ]
    summary = ConceptSummarizer()([review, *ferry], SummaryOptions())
    assert [len(s.sources) for s in summary.stories] == [5, 1]
    top = ConceptSummarizer()([review, *ferry], SummaryOptions(max_stories=1))
    assert len(top.stories) == 1 and len(top.stories[0].sources) == 5
    built = make_digest([review, *ferry], date=DAY.date())
    assert len(built.digest.stories[0].sources) == 5
    # Ranking is the build's order too, and it is stable.
    assert rank_stories(built.digest.stories) == built.digest.stories


def test_between_equal_coverage_the_most_recent_story_leads() -> None:
    old = article(
        "old", "Dredgers began deepening the harbour channel for container ships.", outlet="A"
    )
    new = article(
        "new",
        "Engineers finished fitting the retractable roof of the football stadium.",
        outlet="B",
        published=DAY + dt.timedelta(days=1),
    )
    built = make_digest([old, new], date=DAY.date())
    assert [s.sources[0].path for s in built.digest.stories] == ["new", "old"]


def test_rank_stories_by_outlets_then_newest_undated_last() -> None:
    from digest.model import Source, Story

    def story(name: str, *sources: tuple[str, int | None]) -> Story:
        return Story(
            headline=name,
            sentences=(),
            sources=tuple(
                Source(
                    name,
                    None,
                    outlet,
                    None if d is None else dt.datetime(2026, 11, d, tzinfo=dt.UTC),
                    f"{name}/{outlet}",
                )
                for outlet, d in sources
            ),
        )

    stories = [
        story("a", ("X", None)),
        story("b", ("X", 3), ("Y", 10)),
        story("c", ("X", 12)),
        story("d", ("X", 20), ("X", 21)),  # one outlet twice: one outlet
        story("e", ("X", 1), ("Y", 2), ("Z", 3)),
    ]
    assert [s.headline for s in rank_stories(stories)] == ["e", "b", "d", "c", "a"]


# -- citations ---------------------------------------------------------------------------


def _cite(sentence_doc: int, sentence_start: str, articles: list[Article]) -> tuple[int, ...]:
    cands = candidates(articles)
    chosen = next(c for c in cands if c.doc == sentence_doc and c.text.startswith(sentence_start))
    texts = source_texts(cands, len(articles))
    return _supporters(chosen, texts, specificity(cands), proper_names(cands))


def test_a_quote_is_cited_only_to_sources_that_print_it() -> None:
    articles = [
        article(
            "q/a",
            'The mayor said the bridge was "a promise kept to every commuter in this city" '
            "when it opened on Monday.",
        ),
        article(
            "q/b",
            "The mayor opened the bridge on Monday and said it kept a promise he had made to "
            "commuters in the city.",
        ),
        article(
            "q/c",
            "Opening the bridge on Monday, the mayor called it “a promise kept to every "
            "commuter in this city.”",
        ),
    ]
    assert quotations(articles[0].paragraphs[0]) == [
        "a promise kept to every commuter in this city"
    ]
    assert _cite(0, "The mayor said", articles) == (0, 2)


def test_a_paraphrase_is_cited_with_clear_support_only() -> None:
    articles = [
        article(
            "p/a",
            "The Szeged council approved a $40 million budget for the new Tisza bridge on Monday.",
        ),
        # The same fact in other words: cited.
        article(
            "p/b",
            "On Monday councillors in Szeged voted through $40 million for a new bridge over "
            "the Tisza.",
        ),
        # Common words only: not cited.
        article(
            "p/c",
            "The council met on Monday and approved a budget for new parks and schools.",
        ),
        # The names but another figure: not cited.
        article(
            "p/d",
            "The Szeged council approved a $25 million budget for the new Tisza bridge.",
        ),
    ]
    assert _cite(0, "The Szeged council", articles) == (0, 1)


def test_a_source_that_lacks_the_word_that_makes_the_fact_is_not_cited() -> None:
    articles = [
        article(
            "k/a",
            "Coastal rot has reached the northern bays, divers reported on Friday.",
            "Coastal rot is the deadliest strain of the kelp sickness.",
        ),
        # The story's words around the fact, without what the fact says: not cited.
        article(
            "k/b",
            "Divers found coastal rot, a strain of the kelp sickness, in two bays on Friday.",
        ),
        # The fact in the same words: cited.
        article(
            "k/c",
            "Marine biologists say coastal rot is the deadliest strain of the kelp sickness.",
        ),
    ]
    assert _cite(0, "Coastal rot is the deadliest", articles) == (0, 2)


def test_a_source_sharing_only_three_words_of_a_short_sentence_is_not_cited() -> None:
    # The boat's name, "promise" and "performance": another claim in the same words.
    articles = [
        article(
            "p/a",
            "The new ferry service across the harbour began on Monday.",
            "Tickets for the ferry cost four pounds for adults and two for children.",
            "The Skylark's performance is promising at worst, and impressive at best.",
        ),
        article(
            "p/b",
            "The harbour ferry carried its first passengers to the island on Monday.",
            "The promise of the Skylark: rock-solid performance on every crossing.",
        ),
        # the same verdict, in the same words: cited
        article(
            "p/c",
            "Critics said the Skylark's performance was promising at worst and impressive at best.",
        ),
    ]
    assert _cite(0, "The Skylark's performance", articles) == (0, 2)


def test_a_sentence_about_a_named_person_is_cited_only_where_that_name_is() -> None:
    articles = [
        article(
            "n/a",
            "Three harbour officials gave evidence to the Leith inquiry on Tuesday.",
            "Morrison was the third official who listened in on the ferry captain's radio call "
            "on July 25.",
            "The inquiry resumes next week with more witnesses.",
        ),
        # The call and its date, told of others: nothing about Morrison.
        article(
            "n/b",
            "Inspectors questioned Alan Reid and Mary Holt about the ferry captain's radio call "
            "on July 25.",
            "Reid told the inquiry on Tuesday that the call had lasted four minutes.",
            "The ferry company declined to comment.",
        ),
        # Morrison and what he did: cited.
        article(
            "n/c",
            "Tom Morrison told the inquiry he had listened in on the captain's radio call on "
            "July 25.",
            "Morrison is a former harbour official.",
        ),
    ]
    assert _cite(0, "Morrison was", articles) == (0, 2)


def test_a_named_person_after_a_title_is_cited_only_where_that_name_is() -> None:
    # "Port Commissioner" is a title, not the name: the sentence is still about Morrison
    articles = [
        article(
            "t/a",
            "Three harbour officials gave evidence to the Leith inquiry on Tuesday.",
            "Port Commissioner Tom Morrison listened in on the ferry captain's radio call on "
            "July 25.",
        ),
        # the call told of others; Morrison named elsewhere, doing something else
        article(
            "t/b",
            "Inspectors questioned Alan Reid and Mary Holt, who listened in on the ferry "
            "captain's radio call on July 25.",
            "Tom Morrison, the port commissioner, declined to comment on the inquiry.",
        ),
        article(
            "t/c",
            "Tom Morrison told the inquiry he had listened in on the captain's radio call on "
            "July 25.",
        ),
    ]
    assert _cite(0, "Port Commissioner", articles) == (0, 2)


def test_two_sentences_cite_a_named_person_only_where_the_claim_is_told_of_them() -> None:
    articles = [
        article(
            "v/a",
            "The Dunmore council met for six hours on Thursday.",
            "Okafor was the second councillor who voted against the harbour levy on Thursday.",
            "The levy passed by nine votes to four.",
        ),
        # The vote told of two others, the name in the next sentence doing something
        # else: the two hold the words, not the claim.
        article(
            "v/b",
            "Councillors Aileen Dunne and Priya Sethi voted against the harbour levy on "
            "Thursday after a long debate.",
            "Later, Sam Okafor and Lee Grant spoke about the new library.",
            "The meeting ended at midnight.",
        ),
        # The name, then "He" going on about him: cited.
        article(
            "v/c",
            "The council's meeting ran late.",
            "Sam Okafor voted on Thursday.",
            "He was the second councillor to oppose the harbour levy.",
        ),
    ]
    assert _cite(0, "Okafor was", articles) == (0, 2)


def test_a_source_that_never_names_what_the_sentence_names_is_not_cited() -> None:
    articles = [
        article(
            "h/a",
            "The Leith Harbour Singers will ride a Royal Albert Hall debut into a 2021 tour "
            "of Scotland.",
            "The choir sang at the harbour festival on Saturday.",
        ),
        # the tour, and never the Royal Albert Hall: not cited
        article(
            "h/b",
            "The Leith Harbour Singers will tour Scotland in 2021 for the first time.",
            "Tickets go on sale on Friday.",
        ),
        # the debut and the tour: cited
        article(
            "h/c",
            "After their Royal Albert Hall debut, the Leith Harbour Singers will take a 2021 "
            "tour of Scotland.",
        ),
    ]
    assert _cite(0, "The Leith Harbour Singers will ride", articles) == (0, 2)


def test_a_source_that_never_names_who_warns_is_not_cited_for_the_warning() -> None:
    articles = [
        article(
            "w/a",
            "Analysts warn that the harbour board may end its moratorium on dredging the Leith "
            "estuary for container ships.",
            "The board meets again in May to vote on a new budget for the port.",
        ),
        # the moratorium ended, and no analysts warned of it: not cited
        article(
            "w/b",
            "The harbour board ended its moratorium on dredging the Leith estuary for "
            "container ships on Monday.",
            "Fishermen in the town have opposed the dredging for more than a decade.",
        ),
        # the analysts' warning: cited
        article(
            "w/c",
            "The harbour board may end its moratorium on dredging the Leith estuary for "
            "container ships, analysts warned.",
            "Ship owners welcomed the idea at a meeting in Edinburgh last week.",
        ),
    ]
    assert _cite(0, "Analysts warn", articles) == (0, 2)


def test_days_and_months_are_no_proper_names() -> None:
    cands = candidates(
        [
            article(
                "c/a",
                "The Leith choir sings on Friday, Dec. 6, and again in March at the Usher Hall.",
            )
        ]
    )
    assert proper_names(cands) == {"leith", "usher", "hall"}


# -- topic -------------------------------------------------------------------------------

STADIA = [
    article(
        "stadia/a",
        "Google launched Stadia on Tuesday, letting players stream games to phones and TVs "
        "without a console.",
        "Early reviewers said the Stadia launch lineup of 22 games was thin.",
        title="Google Stadia launches to mixed reviews",
        outlet="Verge",
    ),
    article(
        "stadia/b",
        "Reviewers found the Stadia streaming service laggy at launch on Tuesday, and its 22 "
        "games a thin lineup.",
        title="Stadia review: streaming games, with lag",
        outlet="Wired",
    ),
    article(
        "stadia/c",
        "The game streaming service from the search giant launched on Tuesday with a lineup "
        "of 22 games that early reviewers called thin.",
        "Players can stream games to phones and TVs without a console.",
        title="Streaming service launches with 22 games",
        outlet="Polygon",
    ),
]
CONSOLE = article(
    "console",
    "Nintendo sold two million Switch consoles in its busiest November week, helped by a "
    "new Pokemon game.",
    "The Switch outsold every rival console in Europe and Japan.",
    "Retailers in London, Paris and Tokyo reported queues outside their doors before dawn on "
    "the first day of the sale, and some shops ran out of stock by lunchtime.",
    "Sony and Microsoft cut the prices of their own consoles for the holiday weeks.",
    "Analysts expect strong holiday sales, unlike for Google's Stadia, which had a thin lineup.",
    title="Nintendo Switch sales surge",
    outlet="Bloomberg",
)


def test_topic_never_splits_a_story_and_a_passing_mention_is_off_topic() -> None:
    whole = ConceptSummarizer()([*STADIA, CONSOLE], SummaryOptions())
    stadia_story = next(s for s in whole.stories if len(s.sources) == 3)
    with_topic = ConceptSummarizer()([*STADIA, CONSOLE], SummaryOptions(topic="Google Stadia"))
    assert [len(s.sources) for s in with_topic.stories] == [3]
    assert {s.path for s in with_topic.stories[0].sources} == {s.path for s in stadia_story.sources}
    assert with_topic.off_topic == 1
    stems = topic_stems("Google Stadia")
    assert not on_topic(CONSOLE, stems)
    assert on_topic(STADIA[0], stems)


def test_intro_counts_the_articles_used() -> None:
    built = make_digest([*STADIA, CONSOLE], date=DAY.date(), options=SummaryOptions(topic="Stadia"))
    assert built.digest.intro.startswith("3 articles from 3 outlets on Stadia")


# -- headlines ---------------------------------------------------------------------------


def test_headline_is_a_title_the_chosen_sentences_bear_out() -> None:
    from digest.summarize.concepts import Chosen

    articles = [
        article(
            "h/a",
            "A ferry carrying 240 passengers ran aground off Naxos on Tuesday, and everyone "
            "was taken ashore.",
            title="Opinion | Why our islands need better ports",
        ),
        article(
            "h/b",
            "The ferry struck rocks near Naxos harbour in strong winds on Tuesday.",
            title="Ferry runs aground off Naxos",
        ),
    ]
    chosen = select_sentences(articles, 20)
    # The opinion piece lends no sentence; the title the sentences bear out heads the
    # story, never the opinion piece's -- not even over its own sentence.
    assert [c.candidate.doc for c in chosen] == [1]
    assert make_headline(articles, chosen) == "Ferry runs aground off Naxos"
    only_a = [
        Chosen(c, (0,)) for c in candidates(articles[:1]) if c.excluded in ("", "opinion piece")
    ]
    assert make_headline(articles, only_a) == "Ferry runs aground off Naxos"


def test_an_opinion_piece_never_heads_a_story_its_words_bear_out() -> None:
    column = replace(
        article(
            "h/c",
            "Beijing will send the army into the harbour city of Vira before the year is out.",
            title="Why Beijing will crush the harbour city of Vira",
        ),
        url="https://news.example/opinion/why-beijing-will-crush-vira",
    )
    news = article(
        "h/n",
        "Police in the harbour city of Vira laid siege to a university on Monday, "
        "pinning 800 students inside as Beijing warned the protesters.",
        "Protesters in the harbour city of Vira say Beijing is eroding its autonomy.",
        title="Chaos: army deploys troops and warns of surrender",
    )
    chosen = select_sentences([column, news], 60)
    assert {c.candidate.doc for c in chosen} == {1}
    # the column's title is borne out better than the news article's own, and still
    # does not head the story
    assert make_headline([column, news], chosen) == (
        "Chaos: army deploys troops and warns of surrender"
    )


def test_a_title_that_shouts_heads_a_story_only_when_no_other_will() -> None:
    loud = article(
        "s/a",
        "A ferry carrying 240 passengers ran aground off Naxos on Tuesday after a storm.",
        title="Ferry SHOCK as storm drives passengers aground off Naxos harbour",
    )
    plain = article(
        "s/b",
        "The ferry struck rocks near Naxos harbour in a storm on Tuesday.",
        title="Ferry runs aground off Naxos",
    )
    chosen = select_sentences([loud, plain], 60)
    assert {c.candidate.doc for c in chosen} == {0, 1}
    # the loud title is borne out as well (better, by the count of its words), and loses
    assert make_headline([loud, plain], chosen) == "Ferry runs aground off Naxos"
    # alone it heads its story, with its shouted word quieted
    assert make_headline([loud], select_sentences([loud], 60)) == (
        "Ferry shock as storm drives passengers aground off Naxos harbour"
    )


@pytest.mark.parametrize(
    ("title", "loud", "quiet"),
    [
        (
            "Harbour chaos: navy deploys ships and warns SURRENDER is the only option",
            True,
            "Harbour chaos: navy deploys ships and warns surrender is the only option",
        ),
        ("BREAKING: ferry runs aground", True, "Breaking: ferry runs aground"),
        # acronyms are rarer words, or shorter
        ("NATO and UNESCO meet on the harbour", False, "NATO and UNESCO meet on the harbour"),
        ("COVID closes the NASDAQ for a day", False, "COVID closes the NASDAQ for a day"),
        ("Navy SEAL team reaches the ferry", False, "Navy SEAL team reaches the ferry"),
        # a title all in capitals: its names cannot be told from its words
        ("FERRY HITS ROCKS OFF NAXOS", True, "FERRY HITS ROCKS OFF NAXOS"),
    ],
)
def test_shouted_words_in_titles(title: str, loud: bool, quiet: str) -> None:
    from digest.summarize.headlines import quieted, shouts

    assert shouts(title) is loud
    assert quieted(title) == quiet


def test_a_title_no_sentence_bears_out_is_no_headline_unless_its_article_told_all() -> None:
    from digest.summarize.concepts import Chosen

    articles = [
        article(
            "t/a",
            "The prominent former executive eluded the authorities to flee while awaiting trial.",
            title="Escape: a lawyer in Beirut and a lot of mystery",
        ),
        article(
            "t/b",
            "Investigators in Tokyo are asking how he left the country unseen.",
            title="Questions over the departure",
        ),
    ]
    cands = [c for c in candidates(articles) if not c.excluded]
    from_a = [Chosen(c, (0,)) for c in cands if c.doc == 0]
    # every sentence is the first article's: its own headline names them
    assert make_headline(articles, from_a) == "Escape: a lawyer in Beirut and a lot of mystery"
    # sentences of both, and neither title borne out: a sentence heads the story
    both = [Chosen(c, (c.doc,)) for c in cands]
    assert make_headline(articles, both).startswith("The prominent former executive eluded")


def test_the_lead_sentence_s_own_title_heads_the_story_when_the_sentences_touch_it() -> None:
    from digest.summarize.concepts import Chosen

    articles = [
        article(
            "l/a",
            "The mayor blamed the storm after the river broke through the outer wall.",
            title="Floodwater breaks into the old town, and residents flee",
        ),
        article(
            "l/b",
            "Residents, including families with children, left within hours.",
            title="Evacuation in the valley",
        ),
    ]
    cands = [c for c in candidates(articles) if not c.excluded]
    both = [Chosen(c, (c.doc,)) for c in sorted(cands, key=lambda c: c.doc)]
    # neither title is borne out; the lead sentence's article shares "residents" with them
    headline = make_headline(articles, both)
    assert headline == "Floodwater breaks into the old town, and residents flee"


def test_a_one_article_story_keeps_its_own_headline() -> None:
    # Its sentences are its own, whichever fit the budget: its headline names them.
    single = article(
        "h/only",
        "The harbour board met on Monday. It voted to approve the new ferry terminal after a "
        "two-hour debate, and building work is set to begin in the spring.",
        title="Islanders celebrate a long-awaited yes - Harbour Times",
    )
    chosen = select_sentences([single], 30)
    assert make_headline([single], chosen) == "Islanders celebrate a long-awaited yes"


def test_headline_names_the_story_subject_not_one_sentence_detail() -> None:
    from digest.summarize.concepts import Chosen

    articles = [
        article(
            "d/a",
            "The Lumo X2 phone went on sale on Friday in twelve countries.",
            "Early reviews of the Lumo X2 praise its battery but fault its camera.",
            title="Lumo X2 phone goes on sale to mixed reviews",
        ),
        article(
            "d/b",
            "The phone’s camera struggles in low light, one reviewer found.",
            title="Camera struggles in low light",
        ),
    ]
    cands = [c for c in candidates(articles) if not c.excluded]
    chosen = [Chosen(c, (c.doc,)) for c in cands]
    assert make_headline(articles, chosen) == "Lumo X2 phone goes on sale to mixed reviews"
    # Only the second article's sentence chosen: the first title is not a headline.
    only_b = [c for c in chosen if c.candidate.doc == 1]
    assert make_headline(articles, only_b) == "Camera struggles in low light"


def _coverage(pool: list[str], copies: int, outlet: str, start: dt.datetime) -> list[Article]:
    """``copies`` articles telling one story, each four sentences of ``pool``, over three days."""
    return [
        article(
            f"{outlet}/{k}",
            " ".join(pool[(k + j) % len(pool)] for j in range(4)),
            outlet=f"{outlet} {k % 7}",
            published=start + dt.timedelta(hours=k % 72),
        )
        for k in range(copies)
    ]


FLOOD_POOL = [
    "The river Tisza burst its banks near Szolnok on Sunday after a week of heavy rain.",
    "Soldiers filled sandbags along the Tisza dykes as water levels kept rising.",
    "About 3,000 residents of Szolnok were moved to schools and sports halls overnight.",
    "Hydrologists said the Tisza would crest on Tuesday at a record height.",
    "The government opened an emergency fund for flooded farms in the Szolnok region.",
    "Rail traffic between Szolnok and Szeged was halted as tracks went under water.",
]
MINE_POOL = [
    "Rescuers reached 14 miners trapped in a collapsed copper mine in Lubin on Monday.",
    "The Lubin mine tunnel caved in after a small earthquake shook the area.",
    "Doctors said the rescued Lubin miners were dehydrated but in stable condition.",
    "The mine operator KGHM suspended work in the shaft while engineers inspected it.",
    "Families had waited at the Lubin pithead through two nights for news.",
]


def test_a_story_longer_than_a_posting_list_stays_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    flood = _coverage(FLOOD_POOL, 300, "flood", DAY)
    mine = _coverage(MINE_POOL, 40, "mine", DAY + dt.timedelta(days=1))
    articles = [x for pair in zip(flood[:40], mine, strict=True) for x in pair] + flood[40:]
    groups = group_articles(articles)
    paths = sorted(sorted(articles[i].path.split("/")[0] for i in g) for g in groups)
    assert [set(p) for p in paths] == [{"flood"}, {"mine"}]
    assert sorted(len(p) for p in paths) == [40, 300]
    # The first pass alone leaves it in pieces: the exact second pass joins them.
    monkeypatch.setattr(grouping, "MERGE_FRAGMENTS", False)
    assert len(group_articles(articles)) > 2


def test_two_pieces_on_one_subject_with_unrelated_headlines_stay_apart() -> None:
    listing = article(
        "hk/listing",
        "Alibaba will raise up to 13 billion dollars in a Hong Kong share listing next week, "
        "the biggest in the city this year, as protests in Hong Kong continue.",
        "Investors in Hong Kong and mainland China are expected to buy most of the shares.",
        title="Alibaba plans record share sale",
        outlet="Markets Daily",
    )
    protests = article(
        "hk/protests",
        "Police in Hong Kong fired tear gas at protesters for a third night as China warned "
        "the city, and investors in Hong Kong and mainland China watched the markets fall.",
        "Students barricaded a university campus in Hong Kong on Tuesday.",
        title="Police fire tear gas at campus protesters",
        outlet="World Wire",
    )
    pair = np.array([[0, 1]])
    matrix, titles = grouping.term_matrices([listing, protests])
    assert grouping.headline_factor(matrix, titles, pair)[0] < 1.0
    matrix, titles = grouping.term_matrices(FERRY)
    assert grouping.headline_factor(matrix, titles, pair)[0] == 1.0
    assert as_paths([listing, protests]) == [["hk/listing"], ["hk/protests"]]


def test_copies_add_pairs_not_evidence() -> None:
    # Two stories of 150 articles whose mean similarity is only what articles on one
    # country share (0.05): counted as 22,500 independent pairs, that mean would pass
    # (0.04 + 0.18 / 22,500 ** 0.6); at most EVIDENCE_PAIRS count, so it must reach 0.057.
    size = 150
    mean = 0.05
    pairs = {(0, 1): mean * size * size}
    assert average_linkage(2, pairs, grouping.SAME_STORY, grouping.PAIR_DOUBT, [size, size]) == [
        [0],
        [1],
    ]
    strong = {(0, 1): 0.06 * size * size}
    assert average_linkage(2, strong, grouping.SAME_STORY, grouping.PAIR_DOUBT, [size, size]) == [
        [0, 1]
    ]


def test_a_follow_up_like_all_of_a_story_joins_it_where_one_such_pair_would_not() -> None:
    # Nine articles are one story (0.3 between each two). A follow-up days later
    # shares the story's vocabulary with each of them, but only at 0.09: nine pairs
    # of that are evidence (0.04 + 0.18 / 9 ** 0.6 = 0.088); at the square root
    # (0.10) it stayed a story of its own. One pair of 0.09 is not evidence.
    story = {(a, b): 0.3 for a in range(9) for b in range(a + 1, 9)}
    late = {(a, 9): 0.09 for a in range(9)}
    assert average_linkage(10, story | late, grouping.SAME_STORY, grouping.PAIR_DOUBT) == [
        list(range(10))
    ]
    assert average_linkage(2, {(0, 1): 0.09}, grouping.SAME_STORY, grouping.PAIR_DOUBT) == [
        [0],
        [1],
    ]
    # Two articles must be clearly similar: 0.22 and no less.
    assert average_linkage(2, {(0, 1): 0.215}, grouping.SAME_STORY, grouping.PAIR_DOUBT) == [
        [0],
        [1],
    ]
    assert average_linkage(2, {(0, 1): 0.225}, grouping.SAME_STORY, grouping.PAIR_DOUBT) == [[0, 1]]


def test_a_story_with_nothing_to_tell_gives_its_place_to_one_that_can_be_told() -> None:
    # Two outlets carry only a headline (a pixel-only feed entry): the story ranks
    # first by coverage but has no sentence; one outlet's story can be told.
    headline_only = [
        Article(f"eclipse/{o}", "Solar eclipse crosses the Andes", (), outlet=o, published=DAY)
        for o in ("Wire", "Herald")
    ]
    told = article(
        "vote/only",
        "The harbour board voted on Monday to approve the new ferry terminal after a long "
        "debate. Building work is set to begin in the spring, the board said.",
        title="Harbour board approves ferry terminal",
        outlet="Courier",
    )
    summarize = ConceptSummarizer()
    one = summarize([*headline_only, told], SummaryOptions(max_stories=1)).stories
    assert [s.headline for s in one] == ["Harbour board approves ferry terminal"]
    both = summarize([*headline_only, told], SummaryOptions(max_stories=5)).stories
    assert [bool(s.sentences) for s in both] == [True, False]
