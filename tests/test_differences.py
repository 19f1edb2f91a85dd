"""Where the sources of a story disagree: found only when sure, shown in every edition.

The articles are written for these tests, modelled on the seeds (two outlets
naming different magazines for one interview; a producer "teasing a sequel"
in one and "the late" in the other) and on wire copy (two ages for one man).
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
import re
from dataclasses import replace

import feedparser
import pytest

from digest.config import Settings
from digest.model import (
    Article,
    Block,
    Difference,
    Digest,
    Sentence,
    Source,
    Story,
    digest_from_dict,
    digest_to_dict,
)
from digest.publish import render_outputs
from digest.render.stories import lay_out
from digest.summarize import SummaryOptions, get_summarizer
from digest.summarize.differences import find_differences

DAY = dt.datetime(2025, 3, 10, 9, tzinfo=dt.UTC)


def article(
    path: str, *paragraphs: str, published: dt.datetime | None = DAY, title: str | None = None
) -> Article:
    return Article(
        path=path,
        title=title,
        blocks=tuple(Block("paragraph", p) for p in paragraphs),
        outlet=path.split("/")[0],
        published=published,
    )


def lines(*articles: Article) -> list[str]:
    return [d.text for d in find_differences(articles)]


# -- found when the sources give two values for one thing ------------------------------------


def test_two_outlets_named_for_one_interview() -> None:
    a = article(
        "A/1",
        "In a new interview with Meridian, director Hanna Berg and producer Olaf Lind "
        "have pledged to make a second Skyfarer film.",
    )
    b = article(
        "B/1",
        "In a recent interview for Lantern magazine, Berg revealed she and producer Olaf Lind "
        "have pledged to make a second Skyfarer film soon.",
    )
    assert lines(a, b) == [
        "Sources differ: [1] says the interview was with Meridian, [2] with Lantern."
    ]


def test_one_outlet_named_twice_or_in_other_words_is_no_difference() -> None:
    a = article(
        "A/1",
        "In a new interview with Meridian, director Hanna Berg and producer Olaf Lind "
        "have pledged to make a second Skyfarer film.",
    )
    b = article(
        "B/1",
        "Speaking to Meridian magazine, director Hanna Berg said she and producer Olaf Lind "
        "have pledged to make a second Skyfarer film.",
    )
    assert lines(a, b) == []


def test_an_outlet_the_other_source_also_names_is_no_difference() -> None:
    a = article(
        "A/1",
        "In a new interview with Meridian, director Hanna Berg and producer Olaf Lind "
        "have pledged to make a second Skyfarer film.",
    )
    b = article(
        "B/1",
        "In a recent interview for Lantern magazine, Berg revealed she and producer Olaf Lind "
        "have pledged to make a second Skyfarer film soon.",
        "Meridian was first to report the pledge, last week.",
    )
    assert lines(a, b) == []


def test_two_interviews_by_different_people_are_no_difference() -> None:
    a = article(
        "A/1",
        "Actor Tom Reyes told Meridian that the Skyfarer sequel would start shooting in spring.",
    )
    b = article(
        "B/1",
        "Director Hanna Berg told Lantern that the Skyfarer sequel would start shooting in spring.",
    )
    assert lines(a, b) == []


def test_a_person_said_to_be_late_in_one_source_and_acting_now_in_the_other() -> None:
    a = article(
        "A/1",
        "Not only has producer Olaf Lind teased a sequel, but now director Hanna Berg said "
        "she would make it.",
    )
    b = article(
        "B/1",
        "Berg made the first film with the late Olaf Lind, who produced it in 2019, and "
        "director Hanna Berg said she would make another.",
    )
    assert lines(a, b) == [
        "Sources differ: [1] has producer Olaf Lind teasing a sequel, "
        "[2] speaks of “the late Olaf Lind”."
    ]
    # A source that tells of his death as well is not "acting now".
    c = article("C/1", "Producer Olaf Lind has teased a sequel before his death in May.")
    assert lines(c, b) == []


def test_different_ages_for_one_person_with_every_source_on_each_side() -> None:
    told = "Aaron Webb, {age}, and Carl Moss, 21, were charged with robbery at the county court."
    a = article("A/1", told.format(age=22))
    b = article("B/1", told.format(age=22))
    c = article("C/1", told.format(age=21))
    assert lines(a, b, c) == ["Sources differ: [1, 2] give Webb’s age as 22, [3] as 21."]


def test_an_age_told_before_the_name_or_in_an_epithet_is_an_age() -> None:
    a = article(
        "A/1",
        "Prosecutors dropped the case against the activist Maria Holt on Tuesday.",
        "Holt, who denies the charges, has lived in the embassy in Oslo for seven years.",
        "The 48-year-old Australian was sentenced to 50 weeks in jail in April.",
    )
    b = article(
        "B/1",
        "Prosecutors dropped their case against the activist Maria Holt on Tuesday.",
        "The US wants the UK to send Holt, 47, to face charges of hacking.",
    )
    assert lines(a, b) == ["Sources differ: [1] gives Holt’s age as 48, [2] as 47."]
    c = article(
        "C/1",
        "Prosecutors in Oslo dropped the case against the 48-year-old Maria Holt on Tuesday.",
    )
    assert lines(c, b) == ["Sources differ: [1] gives Holt’s age as 48, [2] as 47."]


def test_an_epithet_after_a_sentence_about_two_people_gives_no_age() -> None:
    a = article(
        "A/1",
        "Prosecutors dropped the case against the activist Maria Holt on Tuesday.",
        "Holt met her lawyer, Ivo Brand, in the embassy in Oslo on Monday.",
        "The 48-year-old Australian was sentenced to 50 weeks in jail in April.",
    )
    b = article(
        "B/1",
        "Prosecutors dropped their case against the activist Maria Holt on Tuesday.",
        "The US wants the UK to send Holt, 47, to face charges of hacking.",
    )
    assert lines(a, b) == []


def test_a_name_after_the_age_is_no_epithet_for_the_person_before() -> None:
    # "The 48-year-old Holt" is Holt, not the ambassador the sentence before is about
    a = article(
        "A/1",
        "Prosecutors dropped the case against the activist Maria Holt on Tuesday.",
        "Ambassador Ivo Brand said the embassy in Oslo would close its doors on Monday.",
        "The 48-year-old Holt has lived in the embassy in Oslo for seven years.",
    )
    b = article(
        "B/1",
        "Ambassador Ivo Brand, 61, said the embassy in Oslo would close its doors on Monday.",
    )
    assert lines(a, b) == []


def test_ages_a_year_apart_in_reports_weeks_apart_may_be_a_birthday() -> None:
    told = "Prosecutors dropped the case against the activist Maria Holt, {age}, on Tuesday."
    a = article("A/1", told.format(age=47))
    b = article("B/1", told.format(age=48), published=DAY + dt.timedelta(days=30))
    assert lines(a, b) == []
    c = article("C/1", told.format(age=50), published=DAY + dt.timedelta(days=30))
    assert lines(a, c) == ["Sources differ: [1] gives Holt’s age as 47, [2] as 50."]


def test_different_numbers_for_one_quantity_on_the_same_day() -> None:
    a = article(
        "A/1",
        "The storm destroyed 120 homes in the coastal town of Vira, the regional governor said.",
    )
    b = article(
        "B/1",
        "The storm destroyed 80 homes in the coastal town of Vira, the regional governor said.",
    )
    assert lines(a, b) == [
        "Sources differ: [1] says “destroyed 120 homes”, [2] “destroyed 80 homes”."
    ]


@pytest.mark.parametrize(
    ("first", "second", "days"),
    [
        # "At least 12" and "15" can both be true.
        (
            "The blast killed at least 12 people in the market of Vira, police said.",
            "The blast killed 15 people in the market of Vira, police said.",
            0,
        ),
        # A toll reported two days apart grows; that is news, not a disagreement.
        (
            "The blast killed 12 people in the market of Vira, police said.",
            "The blast killed 15 people in the market of Vira, police said.",
            3,
        ),
        # Another year is another number.
        (
            "Farmers in Vira harvested 3 million tons of grain last year, officials said.",
            "Farmers in Vira harvested 2 million tons of grain this year, officials said.",
            0,
        ),
        # The same number in other words.
        (
            "The council approved 40 new homes for the old harbour district of Vira.",
            "The council approved forty new homes, or 40 homes, for the harbour district of Vira.",
            0,
        ),
    ],
)
def test_numbers_that_agree_or_cannot_be_compared_are_no_difference(
    first: str, second: str, days: int
) -> None:
    a = article("A/1", first)
    b = article("B/1", second, published=DAY + dt.timedelta(days=days))
    assert lines(a, b) == []


def test_two_paraphrases_that_agree_are_no_difference() -> None:
    a = article(
        "A/1",
        "The European Central Bank raised its main rate by a quarter point to 4.5 percent on "
        "Thursday, its tenth increase in a row.",
        "Bank president Christine Lagarde, 67, told reporters more increases were possible.",
    )
    b = article(
        "B/1",
        "The ECB lifted its main interest rate by a quarter point to 4.5 percent, a tenth "
        "straight rise meant to tame inflation.",
        "Christine Lagarde, 67, said in an interview with Bloomberg that the bank could raise "
        "rates again.",
    )
    assert lines(a, b) == []


def test_one_source_says_nothing_differs() -> None:
    assert find_differences([article("A/1", "Aaron Webb, 22, was charged with robbery.")]) == ()


# -- carried by the model and shown in every edition --------------------------------------------


def test_the_summarizer_puts_the_differences_on_the_story() -> None:
    a = article(
        "A/1",
        "In a new interview with Meridian, director Hanna Berg and producer Olaf Lind have "
        "pledged to make a second Skyfarer film.",
        title="Hanna Berg pledges a second Skyfarer film",
    )
    b = article(
        "B/1",
        "In a recent interview for Lantern magazine, Berg revealed she and producer Olaf Lind "
        "have pledged to make a second Skyfarer film soon.",
        title="Second Skyfarer film on the way",
    )
    stories = get_summarizer()([a, b], SummaryOptions()).stories
    assert len(stories) == 1
    (difference,) = stories[0].differences
    assert difference.sources == (0, 1)
    assert "Meridian" in difference.text and "Lantern" in difference.text


def story_with_difference(cited: tuple[int, ...] = (1,)) -> Story:
    sources = tuple(
        Source(f"Title {n}", f"https://news{n}.example/a", f"Outlet {n}", DAY, f"in/{n}.md")
        for n in range(3)
    )
    return Story(
        "Skyfarer sequel pledged",
        (Sentence("Hanna Berg pledged a second Skyfarer film.", cited),),
        sources,
        (
            Difference(
                "Sources differ: [2] says the interview was with Meridian, [3] with Lantern.",
                (1, 2),
            ),
        ),
    )


def test_the_line_numbers_each_side_as_the_story_cites_it() -> None:
    layout = lay_out(story_with_difference())
    # Source 2 (index 1) is cited first by a sentence: [1]; source 3, cited only by the line: [2].
    assert [d.text for d in layout.differences] == [
        "Sources differ: [1] says the interview was with Meridian, [2] with Lantern."
    ]
    assert [s.title for s in layout.cited] == ["Title 1", "Title 2"]
    assert [s.title for s in layout.also] == ["Title 0"]


def test_a_malformed_difference_is_dropped_not_a_crash() -> None:
    story = replace(
        story_with_difference(),
        differences=(
            Difference("Sources differ: [2] says one thing, [9] another.", (1, 8)),
            Difference("Sources differ: [2] says one thing, [3] another.", (1,)),
        ),
    )
    assert lay_out(story).differences == ()


def digest_of(story: Story) -> Digest:
    return Digest(
        title="Skyfarer news",
        date=dt.date(2025, 3, 11),
        stories=(story,),
        intro="3 articles.",
        article_count=3,
    )


def test_every_edition_shows_the_line_with_its_citation_numbers() -> None:
    files = render_outputs(
        digest_of(story_with_difference()), Settings(site_url="https://x.example/")
    )
    wanted = "Sources differ: [1] says the interview was with Meridian, [2] with Lantern."
    for name in ("email.html", "email.txt", "issues/2025-03-11.html", "feed.json"):
        assert wanted in " ".join(files[name].decode().split()), name
    for name in ("atom.xml", "rss.xml", "stories.atom.xml", "stories.rss.xml"):
        parsed = feedparser.parse(files[name])
        entry = parsed.entries[0]
        shown = entry.content[0].value if "content" in entry else entry.description
        assert wanted in " ".join(shown.split()), name
    msg = email.message_from_bytes(files["digest.eml"], policy=email.policy.default)
    texts = [p.get_content() for p in msg.iter_parts()]  # type: ignore[attr-defined]
    assert all(wanted in " ".join(t.split()) for t in texts)
    data = json.loads(files["digest.json"])
    assert data["stories"][0]["differences"] == [
        {
            "text": "Sources differ: [2] says the interview was with Meridian, [3] with Lantern.",
            "sources": [1, 2],
        }
    ]


def test_a_hostile_difference_is_escaped() -> None:
    story = replace(
        story_with_difference(),
        differences=(Difference("Sources differ: [2] says <script>x</script>, [3] not.", (1, 2)),),
    )
    html = render_outputs(digest_of(story), Settings())["email.html"].decode()
    assert "<script>x" not in html and "&lt;script&gt;x" in html


def test_differences_round_trip_and_old_digests_load_without_them() -> None:
    digest = digest_of(story_with_difference())
    data = json.loads(json.dumps(digest_to_dict(digest)))
    assert digest_from_dict(data) == digest
    for story in data["stories"]:
        del story["differences"]
    old = digest_from_dict(data)
    assert old.stories[0].differences == ()
    assert old.stories[0].sentences == digest.stories[0].sentences
    assert re.search(r"differences", json.dumps(digest_to_dict(old)))


def test_a_big_story_compares_a_bounded_number_of_sources_cited_first() -> None:
    from digest.summarize import differences

    told = "Aaron Webb, {age}, and Carl Moss, 21, were charged with robbery at the county court."
    filler = [
        article(f"F{n}/1", "The county court heard several robbery cases on Monday morning.")
        for n in range(differences.MAX_SOURCES + 5)
    ]
    a = article("A/1", told.format(age=22))
    b = article("B/1", told.format(age=21))
    story = [*filler, a, b]
    first, second = len(filler), len(filler) + 1
    # Not cited: past the bound, so not compared.
    assert find_differences(story) == ()
    # Cited: compared, and named by their places in the whole story.
    (found,) = find_differences(story, [second, first])
    assert found.sources == (first, second)
    assert found.text == (
        f"Sources differ: [{second + 1}] gives Webb’s age as 21, [{first + 1}] as 22."
    )


def test_a_bracket_in_a_source_never_reads_as_a_citation() -> None:
    a = article(
        "A/1", "The storm destroyed 120 homes [3] in the coastal town of Vira, the governor said."
    )
    b = article(
        "B/1", "The storm destroyed 80 homes [3] in the coastal town of Vira, the governor said."
    )
    (line,) = lines(a, b)
    assert "[3]" not in line and re.findall(r"\[\d+\]", line) == ["[1]", "[2]"]
