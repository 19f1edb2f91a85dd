"""An article written in another language than the digest's is left out, with a note.

The texts are written for these tests: short made-up news items in French,
German and Indonesian, and English ones of the kinds with few function words
(a list of scores) that must never be mistaken for another language.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from digest import language
from digest.build import read_sources
from digest.cli import app
from digest.model import Article, Block

ENGLISH = (
    "The council voted on Tuesday to rebuild the harbour bridge from next spring, and the "
    "work is expected to take three years. Engineers found cracks in two of its piers last "
    "year, and the mayor said that the city could not wait for another winter."
)
#: English with almost no function words: results, as a sports desk files them.
SCORES = (
    "Viera 35, Rockledge 14. Viera: Smith 3 TD passes, 212 yards; Jones 98 yards rushing. "
    "Melbourne 28, Eau Gallie 7. Melbourne: Brown 2 TD runs; Davis interception return. "
    "Palm Bay 21, Bayside 20. Palm Bay: Garcia 45-yard field goal, final seconds. "
    "Records: Viera 9-0, Melbourne 7-2, Palm Bay 6-3, Rockledge 5-4, Bayside 2-7."
)
FRENCH = (
    "Le conseil municipal a voté mardi la reconstruction du pont du port à partir du "
    "printemps prochain. Les ingénieurs ont découvert des fissures dans deux piles l'an "
    "dernier, et le maire a déclaré que la ville ne pouvait pas attendre un autre hiver. "
    "Les travaux devraient durer trois ans et coûter quarante millions d'euros."
)
GERMAN = (
    "Der Stadtrat hat am Dienstag beschlossen, die Hafenbrücke ab dem nächsten Frühjahr neu "
    "zu bauen. Ingenieure hatten im vergangenen Jahr Risse in zwei Pfeilern gefunden, und "
    "der Bürgermeister sagte, die Stadt könne nicht auf einen weiteren Winter warten."
)
INDONESIAN = (
    "Dewan kota memutuskan pada hari Selasa untuk membangun kembali jembatan pelabuhan "
    "mulai musim semi tahun depan. Para insinyur menemukan retakan pada dua tiang tahun "
    "lalu, dan wali kota mengatakan bahwa kota itu tidak bisa menunggu lebih lama lagi."
)


def article(text: str, title: str = "Harbour bridge") -> Article:
    return Article(path="a.txt", title=title, blocks=(Block("paragraph", text),))


def test_english_reads_as_english_without_loading_the_model() -> None:
    # In a fresh interpreter: the model takes a second and a half to load, and an
    # English digest of English articles must never pay for it.
    code = (
        "from digest import language\n"
        "from digest.model import Article, Block\n"
        f"a = Article(path='a.txt', title='Bridge', blocks=(Block('paragraph', {ENGLISH!r}),))\n"
        "assert language.other_language(a, 'en') is None\n"
        "assert language._identifier.cache_info().currsize == 0\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_other_languages_are_named() -> None:
    assert language.other_language(article(FRENCH, "Le pont du port"), "en") == "fr"
    assert language.other_language(article(GERMAN, "Die Hafenbrücke"), "en-GB") == "de"
    assert language.other_language(article(INDONESIAN, "Jembatan pelabuhan"), "en") == "id"


def test_english_with_few_function_words_is_still_english() -> None:
    assert language.english_share(SCORES) < language.ENGLISH_SHARE  # it goes to the model
    assert language.other_language(article(SCORES, "High school roundup"), "en") is None


def test_an_article_in_the_digests_own_language_stays() -> None:
    assert language.other_language(article(FRENCH, "Le pont du port"), "fr") is None
    assert language.other_language(article(FRENCH, "Le pont du port"), "fr-CA") is None
    # an English article in a French digest is the one left out
    assert language.other_language(article(ENGLISH), "fr") == "en"
    # Malay and Indonesian are one language to their readers
    assert language.other_language(article(INDONESIAN, "Jembatan pelabuhan"), "ms") is None


def test_a_feed_entry_of_a_title_and_a_line_is_told_too() -> None:
    entry = article(
        "El Consejo de Ministros aprobó este martes el proyecto de ley que limitará el alquiler.",
        "El Gobierno aprueba la nueva ley de vivienda",
    )
    assert language.other_language(entry, "en") == "es"
    english = article(
        "The prime minister rejects calls to quit despite a growing clamour.", "Brexit"
    )
    assert language.other_language(english, "en") is None


def test_too_little_text_to_tell_is_kept() -> None:
    short = "Le conseil a voté mardi."
    assert sum(map(str.isalpha, short)) < language.MIN_LETTERS
    assert language.other_language(article(short, "Pont"), "en") is None


def test_a_language_the_model_does_not_know_leaves_nothing_out() -> None:
    # Maori is not among the model's languages: it cannot tell, so it keeps all
    assert language.other_language(article(ENGLISH), "mi") is None
    assert language.other_language(article(FRENCH), "mi") is None


def test_names_of_languages() -> None:
    assert language.language_name("en-GB") == "English"
    assert language.language_name("pt") == "Portuguese"
    assert language.language_name("xx") == "xx"


def test_the_build_leaves_out_an_article_in_another_language_and_says_why(
    tmp_path: Path,
) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "bridge.txt").write_text(f"Harbour bridge to be rebuilt\n\n{ENGLISH}\n")
    (inputs / "pont.txt").write_text(f"Le pont du port sera reconstruit\n\n{FRENCH}\n")
    reading = read_sources([inputs])
    assert [a.title for a in reading.articles] == ["Harbour bridge to be rebuilt"]
    (problem,) = reading.problems
    assert problem.reason == "other language"
    assert str(problem) == (
        f"{inputs / 'pont.txt'}: left out: written in French, not English "
        '(to make a digest in French, set language = "fr")'
    )
    # a French digest keeps the French article and leaves out the English one
    french = read_sources([inputs], language="fr")
    assert [a.title for a in french.articles] == ["Le pont du port sera reconstruit"]

    result = CliRunner().invoke(
        app, ["build", str(inputs), "--out", str(tmp_path / "out"), "--date", "2026-11-21"]
    )
    assert result.exit_code == 0, result.stderr
    assert "skipped" in result.stderr and "pont.txt: left out: written in French" in result.stderr
    summary = result.stdout.strip().splitlines()[-1]
    assert summary.startswith("Read 2 articles: skipped 1 (other language); made 1 story from 1")
