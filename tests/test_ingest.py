"""Reading article files: formats, front matter, and every kind of bad input."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from digest.build import read_sources
from digest.errors import IngestError, NothingUsableError
from digest.ingest import ingest, read_file
from digest.ingest.files import markdown_to_text
from digest.ingest.values import parse_datetime

BODY = "The council approved the budget on Tuesday. It adds money for parks.\n"


def test_folders_are_read_recursively_in_sorted_order(write_article) -> None:  # type: ignore[no-untyped-def]
    write_article("b/2.txt", "Two\n" + BODY)
    write_article("a/1.md", "# One\n\n" + BODY)
    write_article("c.txt", "Three\n" + BODY)
    write_article("notes.json", "{}")
    result = ingest([write_article("a/1.md", "# One\n\n" + BODY).parents[1]])
    assert [Path(a.path).name for a in result.articles] == ["1.md", "2.txt", "c.txt"]
    assert result.problems == ()


def test_markdown_front_matter_is_read() -> None:
    path = Path("x.md")
    text = (
        '---\ntitle: "Budget: passed"\nurl: https://news.example/budget\n'
        "published: 2026-11-20T09:30:00+01:00\noutlet: Springfield Times\nauthor: Ann\n---\n"
        "# Not the title\n\nThe **council** approved the [budget](https://x.example).\n"
    )
    from digest.ingest.files import read_markdown

    data = read_markdown(path, text)
    assert data.title == "Budget: passed"
    assert data.url == "https://news.example/budget"
    assert data.outlet == "Springfield Times"
    assert data.published == dt.datetime(2026, 11, 20, 8, 30, tzinfo=dt.UTC)
    assert "The council approved the budget." in data.text
    assert "Not the title" in data.text


def test_markdown_without_front_matter_takes_its_first_heading_as_title(write_article) -> None:  # type: ignore[no-untyped-def]
    data = read_file(write_article("a.md", "# Budget passed\n\n" + BODY))
    assert data.title == "Budget passed"
    assert data.published is None and data.url is None


def test_a_bad_front_matter_date_names_the_file_and_the_fix(write_article) -> None:  # type: ignore[no-untyped-def]
    path = write_article("a.md", "---\npublished: last tuesday\n---\n" + BODY)
    with pytest.raises(IngestError, match=r"a\.md: .*not a date; write it as YYYY-MM-DD"):
        read_file(path)


def test_a_missing_path_is_reported(tmp_path: Path) -> None:
    with pytest.raises(NothingUsableError, match="no such file or folder; check the path"):
        read_sources([tmp_path / "nope"])


def test_an_empty_folder_is_reported(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(NothingUsableError, match="folder has no article files"):
        read_sources([tmp_path / "empty"])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
        (b"caf\xe9 au lait and more text here", "not valid UTF-8 .* re-save it as UTF-8"),
        (b"   \n\n\t\n", "is empty"),
    ],
)
def test_unreadable_files_get_a_one_line_message(
    write_article, content: bytes, message: str
) -> None:  # type: ignore[no-untyped-def]
    path = write_article("bad.txt", content)
    with pytest.raises(IngestError, match=message) as info:
        read_file(path)
    assert str(path) in str(info.value)
    assert "\n" not in str(info.value)


def test_one_bad_file_among_good_ones_is_skipped_with_a_problem(write_article) -> None:  # type: ignore[no-untyped-def]
    good = write_article("good.txt", "Budget passed\n" + BODY)
    write_article("bad.txt", b"\x00\x01\x02")
    result = ingest([good.parent])
    assert [a.path for a in result.articles] == [str(good)]
    assert len(result.problems) == 1 and "bad.txt" in str(result.problems[0])


def test_the_same_file_given_twice_is_read_once(write_article) -> None:  # type: ignore[no-untyped-def]
    good = write_article("good.txt", "Budget passed\n" + BODY)
    assert len(ingest([good, good.parent]).articles) == 1


def test_an_unsupported_file_type_is_named(write_article) -> None:  # type: ignore[no-untyped-def]
    path = write_article("a.pdf", b"%PDF")
    with pytest.raises(NothingUsableError, match=r"unsupported file type '\.pdf'"):
        read_sources([path])


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_markdown_to_text_never_fails_and_drops_link_targets(text: str) -> None:
    body, heading = markdown_to_text(text)
    assert isinstance(body, str)
    assert heading is None or "\n" not in heading


_OFFSETS = st.builds(
    dt.timezone,
    st.timedeltas(min_value=dt.timedelta(hours=-23), max_value=dt.timedelta(hours=23)).map(
        lambda d: dt.timedelta(minutes=d // dt.timedelta(minutes=1))
    ),
)


@given(st.datetimes(timezones=_OFFSETS))
def test_iso_dates_round_trip_tz_aware(value: dt.datetime) -> None:
    parsed = parse_datetime(value.isoformat())
    assert parsed is not None and parsed.tzinfo is not None
    assert parsed == value and parsed.utcoffset() == value.utcoffset()


@given(st.datetimes())
def test_naive_dates_are_taken_as_utc(value: dt.datetime) -> None:
    assert parse_datetime(value.isoformat()) == value.replace(tzinfo=dt.UTC)


def test_a_front_matter_url_that_cannot_parse_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text(
        "---\nurl: http://news.example:99999/a\n---\n# Title\n\nText.\n", encoding="utf-8"
    )
    with pytest.raises(IngestError, match=r"a\.md: front matter 'url: .*' is not a valid URL"):
        read_file(path)
