"""Hostile input against the email's headers: nothing an article's author writes
may add a header to digest.eml (and so to what ``digest send`` delivers).

Each vector goes through the real command line (``digest build``) and the
written digest.eml is parsed back; a hypothesis property covers every title.
"""

from __future__ import annotations

import base64
import datetime as dt
import email.policy
import json
from dataclasses import replace
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

import feedparser
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from digest.archive import Archive
from digest.cli import app
from digest.config import Settings
from digest.errors import ConfigError, RenderError
from digest.keys import article_keys, canonical_url, url_key
from digest.mail import (
    LINE,
    build_message,
    check_message,
    header_names,
    plain_text,
    subject,
)
from digest.model import Article, Block

from .emailkit import sample_digest
from .hostile import CONTROL_CHARACTERS, HEADER_VECTORS, URL_VECTORS

runner = CliRunner()
DATE = "2026-11-21"
EXPECTED = [
    "Subject",
    "From",
    "To",
    "Date",
    "Message-ID",
    "List-Id",
    "MIME-Version",
    "Content-Type",
]
PROSE = (
    "The harbour board voted on Monday to approve the new ferry terminal after a long debate "
    "about traffic in the old town. Residents said the terminal would bring more cars to the "
    "narrow streets, and the board promised a study of the effects before building starts."
)
CC = "=?utf-8?q?Harbour_vote=0D=0ACc:_evil@attacker.example?="
REPLY_TO = "=?utf-8?q?Ferry_news=0D=0AReply-To:_evil@attacker.example?="
BCC_B64 = (
    "=?utf-8?b?" + base64.b64encode(b"Harbour vote\r\nBcc: evil@attacker.example").decode() + "?="
)
BCC_TITLE = "=?utf-8?q?Issue=0D=0ABcc:_evil@attacker.example?="


def parse(data: bytes) -> EmailMessage:
    message = BytesParser(policy=email.policy.default).parsebytes(data)
    assert isinstance(message, EmailMessage)
    return message


def assert_only_intended_headers(data: bytes, to: list[str]) -> EmailMessage:
    assert header_names(data) == EXPECTED
    message = parse(data)
    assert list(message.keys()) == EXPECTED
    for name in EXPECTED:
        assert "\r" not in str(message[name]) and "\n" not in str(message[name]), name
    assert [a.addr_spec for a in message["To"].addresses] == to
    return message


def write_input(folder: Path, kind: str, title: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    if kind == "md":
        path = folder / "a.md"
        path.write_text(f'---\ntitle: "{title}"\n---\n{PROSE}\n', encoding="utf-8")
    elif kind == "rss":
        path = folder / "feed.rss"
        path.write_text(
            '<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour Times</title>'
            "<link>https://harbour.example/</link><description>news</description>"
            f"<item><title>{title}</title><link>https://harbour.example/ferry</link>"
            f"<description>{PROSE}</description></item></channel></rss>",
            encoding="utf-8",
        )
    else:
        path = folder / "page.html"
        paragraphs = "".join(f"<p>{s}.</p>" for s in PROSE.split(". "))
        path.write_text(
            f"<!DOCTYPE html><html><head><title>{title}</title></head>"
            f"<body><article>{paragraphs}</article></body></html>",
            encoding="utf-8",
        )
    return path


def build(tmp_path: Path, source: Path, *extra: str) -> Path:
    out = tmp_path / "out"
    args = ["build", str(source), "--out", str(out), "--date", DATE]
    args += ["--to", "reader@example.com", "--site-url", "https://harbour.example/", *extra]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr
    return out


@pytest.mark.parametrize(
    ("kind", "title"),
    [("md", CC), ("rss", REPLY_TO), ("html", BCC_B64)],
    ids=["md-front-matter-cc", "rss-title-reply-to", "html-title-base64-bcc"],
)
def test_an_encoded_word_in_an_article_title_never_becomes_a_header(
    tmp_path: Path, kind: str, title: str
) -> None:
    out = build(tmp_path, write_input(tmp_path / "in", kind, title))
    message = assert_only_intended_headers(
        (out / "digest.eml").read_bytes(), ["reader@example.com"]
    )
    # the title is shown as the text it is, never decoded into something else
    assert message["Subject"] == f"Digest: {title} ({DATE})"


def test_an_encoded_word_in_the_title_option_never_becomes_a_header(tmp_path: Path) -> None:
    source = write_input(tmp_path / "in", "md", "Ferry terminal approved")
    out = build(tmp_path, source, "--title", BCC_TITLE)
    message = assert_only_intended_headers(
        (out / "digest.eml").read_bytes(), ["reader@example.com"]
    )
    assert message["Subject"] == f"Digest: {BCC_TITLE} ({DATE})"


@pytest.mark.parametrize("title", HEADER_VECTORS, ids=range(len(HEADER_VECTORS)))
def test_every_header_vector_stays_in_the_subject(title: str) -> None:
    digest = replace(sample_digest(1), title=title)
    settings_ = Settings(site_url="https://harbour.example/", email_to="reader@example.com")
    data = build_message(digest, settings_.site, "text", "<p>html</p>").as_bytes()
    assert data.isascii()
    message = assert_only_intended_headers(data, ["reader@example.com"])
    assert message["Subject"] == f"Digest: {plain_text(title)} ({DATE})"


@pytest.mark.parametrize(
    "char", CONTROL_CHARACTERS, ids=[f"U+{ord(c):04X}" for c in CONTROL_CHARACTERS]
)
def test_a_control_character_in_a_title_or_name_is_a_space(char: str) -> None:
    digest = replace(sample_digest(1), title=f"Harbour{char}vote")
    settings_ = Settings(name=f"Harbour{char}Times", site_url="https://harbour.example/")
    data = build_message(digest, settings_.site, "text", "<p>html</p>").as_bytes()
    message = parse(data)
    assert header_names(data) == list(message.keys()) == EXPECTED
    assert message["Subject"] == f"Harbour Times: Harbour vote ({DATE})"
    assert message["List-Id"] == '"Harbour Times" <harbour-times.harbour.example>'


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=st.text(max_size=300), name=st.text(max_size=80))
def test_any_title_and_name_give_exactly_the_intended_headers(title: str, name: str) -> None:
    digest = replace(sample_digest(1), title=title)
    settings_ = Settings(name=name, site_url="https://harbour.example/")
    data = build_message(digest, settings_.site, "text", "<p>html</p>").as_bytes()
    assert data.isascii()
    head = data.partition(b"\r\n\r\n")[0]
    subject_lines = head.split(b"\r\nFrom:")[0].split(b"\r\n")
    assert all(len(line) <= LINE for line in subject_lines)
    message = parse(data)
    assert header_names(data) == list(message.keys()) == EXPECTED
    expected = subject(digest, settings_.site)
    assert message["Subject"] == expected
    assert not any(c in expected for c in CONTROL_CHARACTERS)


@pytest.mark.parametrize(
    "display",
    ["Zürich Ñews", 'Ed \\"the editor\\" Smith', "Doe, Jane", "=?utf-8?q?x=0D=0ACc:_e@x.example?="],
)
def test_display_names_read_back_exactly(display: str) -> None:
    sender = f'"{display}" <desk@harbour.example>'
    settings_ = Settings(site_url="https://harbour.example/", email_from=sender)
    message = parse(build_message(sample_digest(1), settings_.site, "t", "<p>h</p>").as_bytes())
    (address,) = message["From"].addresses
    assert address.display_name == display.replace('\\"', '"')
    assert address.addr_spec == "desk@harbour.example"


def test_the_read_back_check_refuses_an_extra_or_changed_header() -> None:
    built = build_message(
        sample_digest(1), Settings(site_url="https://harbour.example/").site, "t", "h"
    )
    check_message(built.data, built.headers)  # as built: fine
    injected = built.data.replace(b"\r\nFrom:", b"\r\nCc: evil@attacker.example\r\nFrom:", 1)
    with pytest.raises(RenderError, match="Cc"):
        check_message(injected, built.headers)
    # what a decoder that lets CR/LF through would make of a title: refused too
    encoded = base64.b64encode(b"Harbour\r\nvote").decode()
    start = built.data.index(b"Subject:")
    end = built.data.index(b"\r\nFrom:")
    changed = built.data[:start] + f"Subject: =?utf-8?b?{encoded}?=".encode() + built.data[end:]
    with pytest.raises(RenderError, match="Subject reads back as"):
        check_message(changed, built.headers)
    bare_lf = built.data.replace(b"\r\nFrom:", b"\nX: y\r\nFrom:", 1)
    with pytest.raises(RenderError, match="malformed"):
        check_message(bare_lf, built.headers)


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--to", "reader@example.com\u2028evil@attacker.example"),
        ("--to", "reader@example.com\rBcc: evil@attacker.example"),
        ("--from", "Desk <desk@harbour.example>\x85Bcc: evil@attacker.example"),
    ],
)
def test_a_line_separator_in_an_address_option_is_refused(
    tmp_path: Path, option: str, value: str
) -> None:
    source = write_input(tmp_path / "in", "md", "Ferry terminal approved")
    result = runner.invoke(app, ["build", str(source), "--out", str(tmp_path / "o"), option, value])
    assert result.exit_code == 2 and "line break" in result.stderr
    assert f"{option} must be on one line" in result.stderr
    assert not (tmp_path / "o").exists()


def test_addresses_are_checked_where_they_are_built() -> None:
    digest = sample_digest(1)
    for bad in ("reader@example.com\u2028evil@attacker.example", "a@b@c", "nobody"):
        with pytest.raises(ConfigError):
            build_message(digest, Settings(email_to=bad).site, "t", "h")


def test_the_message_date_and_id_are_the_issue_s() -> None:
    message = parse(build_message(sample_digest(1), Settings().site, "t", "h").as_bytes())
    assert message["Date"].datetime == dt.datetime(2026, 11, 21, tzinfo=dt.UTC)
    assert message["Message-ID"] == "<issue-2026-11-21@digest.invalid>"


# -- small inputs that crashed the build (issue 16, item 7) --------------------------


def build_exit(source: Path, out: Path, *extra: str) -> tuple[int, str]:
    result = runner.invoke(app, ["build", str(source), "--out", str(out), "--date", DATE, *extra])
    text = result.stdout + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), text
    assert "Traceback" not in text
    return result.exit_code, text


def assert_feeds_parse(out: Path) -> None:
    for name in ("atom.xml", "rss.xml", "stories.atom.xml", "stories.rss.xml"):
        parsed = feedparser.parse((out / name).read_bytes())
        assert not parsed.bozo and parsed.entries and all(e.title for e in parsed.entries), name


@pytest.mark.parametrize("text", ["...", "…", "!", "?!", "— — —", ". . .", "*"])
@pytest.mark.parametrize("suffix", [".txt", ".md"])
def test_an_article_of_only_punctuation_never_crashes_the_build(
    tmp_path: Path, text: str, suffix: str
) -> None:
    source = tmp_path / f"only{suffix}"
    source.write_text(text + "\n", encoding="utf-8")
    code, output = build_exit(source, tmp_path / "out")
    # refused as no article, never a junk issue with an empty headline
    assert code == 3 and "no article text" in output, output
    assert not (tmp_path / "out" / "digest.json").exists()


DOUBLE_ENCODED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Double &amp;amp; encoded</title>
<link>https://double.example/</link><description>&amp;lt;p&amp;gt;x&amp;lt;/p&amp;gt;</description>
<item><title>&amp;nbsp;</title><link>https://double.example/1</link>
<description>&lt;p&gt;&amp;hellip;&lt;/p&gt;</description></item>
<item><title>&lt;br&gt;</title><link>https://double.example/2</link>
<description>&lt;p&gt;&amp;amp;hellip;&lt;/p&gt;</description></item>
<item><title>&amp;lt;b&amp;gt;&amp;lt;/b&amp;gt;</title><link>https://double.example/3</link>
<description>&amp;lt;p&amp;gt;&amp;amp;#8230;&amp;lt;/p&amp;gt;</description></item>
</channel></rss>
"""


def test_a_feed_of_double_encoded_html_never_crashes_the_build(tmp_path: Path) -> None:
    source = tmp_path / "double.rss"
    source.write_text(DOUBLE_ENCODED, encoding="utf-8")
    code, output = build_exit(source, tmp_path / "out")
    assert code in (0, 3), output
    if code == 0:
        assert_feeds_parse(tmp_path / "out")


def test_hostile_urls_in_articles_and_feed_items_never_crash_the_build(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    items = []
    for number, url in enumerate(u for u in URL_VECTORS if "\x00" not in u):
        body = f"Story {number}: {PROSE}"
        (folder / f"{number:02}.md").write_text(
            f'---\ntitle: "Story {number}"\nurl: "{url}"\n---\n{body}\n', encoding="utf-8"
        )
        items.append(
            f"<item><title>Feed story {number}</title><link>{xml_escape(url)}</link>"
            f"<description>Feed {body}</description></item>"
        )
    (folder / "feed.rss").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
        "<link>https://t.example/</link><description>x</description>"
        f"{''.join(items)}</channel></rss>",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    code, output = build_exit(folder, out, "--max-stories", "100")
    assert code == 0, output
    assert_feeds_parse(out)
    html = (out / "email.html").read_text(encoding="utf-8")
    for scheme in ("javascript:", "data:", "vbscript:", "file:"):
        assert f'href="{scheme}' not in html.lower()
    # the archive knows each article, by its text when its URL does not parse
    keys = Archive(out / "archive.sqlite3").used_keys()
    assert not any(k.startswith("url:") and "99999" in k for k in keys)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80) | st.from_regex(r"https?://[\[\]:a-z0-9.%]{0,20}(:[0-9a-z]{0,7})?/?"))
def test_canonical_url_is_total(url: str) -> None:
    assert isinstance(canonical_url(url), str)
    key = url_key(url)
    assert key is None or key == "url:" + canonical_url(url)


@pytest.mark.parametrize("url", URL_VECTORS)
def test_a_hostile_url_never_crashes_the_opinion_test(url: str) -> None:
    from digest.summarize.sentences import opinion_piece

    article = Article(path="a.txt", title="T", blocks=(Block("paragraph", "Words."),), url=url)
    assert opinion_piece(article) is False
    if "?" not in url and "#" not in url:  # (else the segment lands in a query or fragment)
        assert opinion_piece(replace(article, url=url.rstrip("/") + "/opinion/x")) is True


@pytest.mark.parametrize("url", URL_VECTORS[:6])
def test_an_unparseable_url_is_no_url_key(url: str) -> None:
    article = Article(path="a.txt", title="T", blocks=(Block("paragraph", "Words."),), url=url)
    keys = article_keys(article)
    assert [k.split(":", 1)[0] for k in keys] == ["text"]


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        (
            "--site-url",
            "https://news.example:99999/",
            "--site-url must be a valid http or https URL",
        ),
        ("--site-url", "https://news.example:abc/", "--site-url must be a valid http or https URL"),
        ("--site-url", "https://[::1/", "--site-url must be a valid http or https URL"),
        ("--view-url", "https://news.example:99999/{date}", "--view-url must be a valid"),
        ("--unsubscribe-url", "https://news.example/u nsub", "--unsubscribe-url must be"),
        ("--list-id", "not a list id", "--list-id must be a dotted name"),
    ],
)
def test_a_bad_url_or_id_option_is_one_line(
    tmp_path: Path, option: str, value: str, message: str
) -> None:
    source = write_input(tmp_path / "in", "md", "Ferry terminal approved")
    code, output = build_exit(source, tmp_path / "out", option, value)
    assert code == 2 and message in output
    assert not (tmp_path / "out").exists()


def test_a_nul_smtp_host_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "digest.toml"
    config.write_text('[smtp]\nhost = "\\u0000"\n', encoding="utf-8")
    result = runner.invoke(app, ["send", str(tmp_path), "--config", str(config), "--dry-run"])
    assert result.exit_code == 2
    assert f"{config}: line 2: smtp.host must be a host name" in result.stderr
    result = runner.invoke(app, ["send", str(tmp_path), "--host", "\x00", "--dry-run"])
    assert result.exit_code == 2 and "--host must be a host name" in result.stderr


# -- UTF-16 without a byte order mark (issue 16, item 9) ---------------------------

UTF16_FEED = """<?xml version="1.0" encoding="utf-16"?>
<rss version="2.0"><channel><title>Harbour Times</title><link>https://harbour.example/</link>
<description>news</description><item><title>Ferry terminal approved in Zürich</title>
<link>https://harbour.example/ferry</link><description>{prose}</description></item>
</channel></rss>
"""


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_a_utf16_feed_without_a_byte_order_mark_is_read(tmp_path: Path, codec: str) -> None:
    source = tmp_path / "feed.xml"
    source.write_bytes(UTF16_FEED.format(prose=PROSE).encode(codec))
    assert not source.read_bytes().startswith((b"\xff\xfe", b"\xfe\xff"))
    code, output = build_exit(source, tmp_path / "out")
    assert code == 0, output
    headlines = json.loads((tmp_path / "out" / "digest.json").read_text())["stories"]
    assert headlines[0]["headline"] == "Ferry terminal approved in Zürich"


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64),
        "<?xml version='1.0'?>".encode("utf-16-le") + b"\x00\x00" * 8 + b"binary",
        b"<\x00r\x00s\x00s\x00" + bytes(range(256)),
        b"\x00\x00\x00<\x00\x00\x00?",  # UTF-32 is not read
    ],
    ids=["png", "nul-characters", "garbage-after", "utf-32"],
)
def test_binary_files_are_still_refused(tmp_path: Path, data: bytes) -> None:
    source = tmp_path / "feed.xml"
    source.write_bytes(data)
    code, output = build_exit(source, tmp_path / "out")
    assert code == 3 and "binary" in output
