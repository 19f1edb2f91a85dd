"""digest.mail piece by piece: the header lines it writes, read back with the
standard library's parser, and the checks that refuse a message that does not
read back as built.

The end-to-end tests (test_email, test_security, test_send) build whole
issues; these pin what each part of the header writer does, so a change to one
of them (found by the mutation run, see the README) fails here, fast.
"""

from __future__ import annotations

import base64
import email.policy
import hashlib
import re
from dataclasses import replace
from email.message import EmailMessage
from email.parser import BytesParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from digest.config import Site
from digest.errors import ConfigError, OutputTooLargeError, RenderError
from digest.mail import (
    LINE,
    PERSONAL_MARK,
    Expected,
    address_header,
    build_message,
    check_message,
    header_names,
    list_id_parts,
    message_id,
    personal_marks,
    personal_placeholders,
    personalize,
    plain_text,
    subject,
    unstructured,
    unsubscribe_mailto_url,
    unsubscribe_targets,
    unsubscribe_url,
)

from .emailkit import sample_digest

DIGEST = sample_digest(1)
SITE = Site(site_url="https://news.example/", email_to="Ana <ana@x.example>")
ENCODED_WORD = re.compile(r"=\?utf-8\?([qb])\?([^?]*)\?=")


def parse(data: bytes) -> EmailMessage:
    message = BytesParser(policy=email.policy.default).parsebytes(data)
    assert isinstance(message, EmailMessage)
    return message


def read_back(lines: str) -> str:
    """What a mail client's parser reads as the value of the header ``lines``."""
    name = lines.split(":", 1)[0]
    return str(parse(lines.encode("ascii") + b"\r\n")[name])


def words_of(lines: str) -> list[str]:
    return [m[0] for m in ENCODED_WORD.finditer(lines)]


# -- encoded words and folding ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        # plain ASCII words stay as they are
        ("Harbour vote today", "Subject: Harbour vote today\r\n"),
        # mostly ASCII: "Q" (shorter than base64 here); a space inside it is "_"
        (
            "Münchenerstrasse Zürichseeufer",
            "Subject: =?utf-8?q?M=C3=BCnchenerstrasse_Z=C3=BCrichseeufer?=\r\n",
        ),
        # mostly not ASCII: "B" (shorter than Q); a plain word between runs stays plain
        (
            "Zürich Genf ändern Wörter",
            "Subject: =?utf-8?q?Z=C3=BCrich?= Genf =?utf-8?b?w6RuZGVybiBXw7ZydGVy?=\r\n",
        ),
        # what looks like an encoded word is encoded, so it is shown as the text it is
        ("a =?utf-8?q?x?= b", "Subject: a =?utf-8?b?PT91dGYtOD9xP3g/PQ==?= b\r\n"),
        # a word too long for any line is encoded and split into words of at most 75
        (
            "Ab" * 40,
            "Subject: =?utf-8?q?AbAbAbAbAbAbAbAbAbAbAbAbAbAbAbAbAbAbAbAbAbAbAbAbAbAbAbAbA?=\r\n"
            " =?utf-8?q?bAbAbAbAbAbAbAbAbAbAbAb?=\r\n",
        ),
        # plain words fold at 78; a long run of encoded text fills each line
        (
            "Abc " * 18 + "é" * 30,
            "Subject: Abc Abc Abc Abc Abc Abc Abc Abc Abc Abc Abc Abc Abc Abc Abc Abc Abc\r\n"
            " Abc =?utf-8?b?w6nDqcOpw6nDqcOpw6nDqcOpw6nDqcOpw6nDqcOpw6nDqcOpw6nDqcOpw6k=?=\r\n"
            " =?utf-8?b?w6nDqcOpw6nDqcOpw6nDqQ==?=\r\n",
        ),
        # a word that fills the line to 78 exactly stays on it
        ("x" * 69, "Subject: " + "x" * 69 + "\r\n"),
        # a word of 77 fits a line of its own; one of 78 does not, and is encoded
        ("a " + "x" * 77, "Subject: a\r\n " + "x" * 77 + "\r\n"),
        (
            "a " + "x" * 78,
            "Subject: a =?utf-8?q?" + "x" * 55 + "?=\r\n =?utf-8?q?" + "x" * 23 + "?=\r\n",
        ),
        # half an encoded word is encoded too: no client may join two into one
        ("=?utf-8?q?Cc: evil?=", "Subject: =?utf-8?b?PT91dGYtOD9xP0NjOiBldmlsPz0=?=\r\n"),
        ("x=?y", "Subject: =?utf-8?q?x=3D=3Fy?=\r\n"),
        ("x?=y", "Subject: =?utf-8?q?x=3F=3Dy?=\r\n"),
        # where Q and B are as long, Q (readable in a raw header)
        ("Tür", "Subject: =?utf-8?q?T=C3=BCr?=\r\n"),
        # a long Q run measures each accent as its =XX=XX, not its bytes
        (
            "Öffentlichkeitsarbeitsämter" * 3,
            "Subject: =?utf-8?q?=C3=96ffentlichkeitsarbeits=C3=A4mter=C3=96ffentlichkeits?=\r\n"
            " =?utf-8?q?arbeits=C3=A4mter=C3=96ffentlichkeitsarbeits=C3=A4mter?=\r\n",
        ),
        # an encoded word still fits after 53 characters; after 54 it goes on a new line
        ("x" * 44 + " é", "Subject: " + "x" * 44 + " =?utf-8?b?w6k=?=\r\n"),
        ("x" * 45 + " é", "Subject: " + "x" * 45 + "\r\n =?utf-8?b?w6k=?=\r\n"),
    ],
    ids=[
        "ascii",
        "q",
        "q-plain-b",
        "looks-encoded",
        "long-word",
        "fold",
        "fills-78",
        "word-77",
        "word-78",
        "half-encoded-words",
        "opening-only",
        "closing-only",
        "tie",
        "long-q",
        "room-24",
        "room-23",
    ],
)
def test_unstructured_headers_are_written_exactly(text: str, lines: str) -> None:
    written = unstructured("Subject", text)
    assert written == lines
    assert read_back(written) == text


def test_a_space_between_two_encoded_runs_is_carried_inside_the_second() -> None:
    """Decoders drop the space between two adjacent encoded words."""
    text = "é " + "x" * 100  # an encoded word, then a plain word too long for a line
    written = unstructured("Subject", text)
    assert read_back(written) == text
    second = words_of(written)[1]
    assert second.startswith("=?utf-8?q?_x"), written


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_every_header_line_and_encoded_word_is_within_the_rfc_limits(text: str) -> None:
    written = unstructured("Subject", text)
    lines = written.split("\r\n")
    assert lines[-1] == "" and all(lines[:-1])
    assert all(len(line) <= LINE for line in lines)
    assert lines[0].startswith("Subject:") and all(line[0] == " " for line in lines[1:-1])
    if plain_text(text):  # never folded right after the colon
        assert len(lines[0]) > len("Subject:")
    assert all(len(word) <= 75 for word in words_of(written))
    assert read_back(written) == plain_text(text)


@pytest.mark.parametrize(
    ("display", "lines"),
    [
        ("Ann", "To: Ann <ann@x.example>\r\n"),
        ("Ann Lee", "To: Ann Lee <ann@x.example>\r\n"),
        # an atom too long for its line stays an atom: the address goes on the next
        ("A" * 75, "To: " + "A" * 75 + "\r\n <ann@x.example>\r\n"),
        ("", "To: ann@x.example\r\n"),
        ("Doe, Jane", "To: =?utf-8?q?Doe=2C_Jane?= <ann@x.example>\r\n"),
        ('Ed "the" Smith', "To: =?utf-8?q?Ed_=22the=22_Smith?= <ann@x.example>\r\n"),
        ("Zürich Ñews", "To: =?utf-8?b?WsO8cmljaCDDkWV3cw==?= <ann@x.example>\r\n"),
    ],
)
def test_an_address_header_writes_its_display_name_as_atoms_or_encoded(
    display: str, lines: str
) -> None:
    written = address_header("To", [(display, "ann@x.example")])
    assert written == lines
    header = parse(written.encode("ascii") + b"\r\n")["To"]
    assert [(a.display_name, a.addr_spec) for a in header.addresses] == [(display, "ann@x.example")]


def test_several_addresses_are_separated_by_commas_and_folded() -> None:
    pairs = [("Zürich Ñews", "a@b.example"), ("Ann", "c@d.example"), ("", "e@f.example")]
    written = address_header("To", pairs)
    assert written == (
        "To: =?utf-8?b?WsO8cmljaCDDkWV3cw==?= <a@b.example>, Ann <c@d.example>,\r\n e@f.example\r\n"
    )
    header = parse(written.encode("ascii") + b"\r\n")["To"]
    assert [(a.display_name, a.addr_spec) for a in header.addresses] == pairs


def test_an_address_is_never_encoded_however_long() -> None:
    spec = "a" * 70 + "@x.example"
    written = address_header("To", [("", spec)])
    assert written == f"To: {spec}\r\n"  # over 78, but an addr-spec cannot be an encoded word


# -- plain text ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("a\tb\nc\r\nd", "a b c d"),
        ("a\x00b\x7fc\x85d", "a b c d"),
        ("a\u2028b\u2029c", "a b c"),
        ("  a   b  ", "a b"),
        ("a\u202eb\u2066c\u2069", "abc"),
        ("a\ud800b", "a\ufffdb"),
        ("Zürich 🎉", "Zürich 🎉"),
    ],
    ids=["whitespace", "controls", "separators", "runs", "bidi", "surrogate", "kept"],
)
def test_plain_text_is_one_line_of_printable_text(value: str, text: str) -> None:
    assert plain_text(value) == text


# -- the values ---------------------------------------------------------------


def test_the_subject_names_the_newsletter_the_title_and_the_date() -> None:
    untitled = replace(DIGEST, title=" \n ")
    assert subject(DIGEST, SITE) == "Digest: Springfield this week (2026-11-21)"
    assert subject(DIGEST, replace(SITE, name="")) == "Springfield this week (2026-11-21)"
    assert subject(untitled, SITE) == "Digest (2026-11-21)"
    assert subject(untitled, replace(SITE, name="\x00")) == "2026-11-21"


def test_the_message_id_and_list_id_use_the_host_in_ascii() -> None:
    site = replace(SITE, site_url="https://bücher.example/", name="Ça & Co!")
    assert message_id(DIGEST, site) == "<issue-2026-11-21@xn--bcher-kva.example>"
    assert list_id_parts(site) == ("Ça & Co!", "ca-co.xn--bcher-kva.example")
    assert list_id_parts(replace(site, name="!!!")) == ("!!!", "digest.xn--bcher-kva.example")
    # a name in another script keeps a label of its own, in its IDNA form
    news, today = (list_id_parts(replace(site, name=name))[1] for name in ("Новости", "Сегодня"))
    assert news.startswith("xn--") and today.startswith("xn--") and news != today
    assert news == "xn--b1amnebsh.xn--bcher-kva.example"
    assert list_id_parts(replace(site, list_id="news.example.org")) == (
        "Ça & Co!",
        "news.example.org",
    )


@pytest.mark.parametrize("host", ["[::1]", "a" * 64 + ".example", "a(b).example"])
def test_a_host_that_cannot_name_a_message_id_is_a_config_error(host: str) -> None:
    site = replace(SITE, site_url=f"https://{host}/")
    with pytest.raises(
        ConfigError, match=r"^site_url host '.*' cannot name a Message-ID or List-Id; "
    ) as caught:
        message_id(DIGEST, site)
    assert caught.value.fix == "give site_url a plain host name"


def test_a_bad_list_id_is_a_config_error_naming_it() -> None:
    with pytest.raises(ConfigError, match=r"^list_id 'no-dot' must be"):
        list_id_parts(replace(SITE, list_id="no-dot"))


def test_an_address_setting_that_is_not_addresses_is_a_config_error_naming_it() -> None:
    from digest.mail import addresses, sender

    assert addresses("Ana <ana@x.example>, bo@y.example", "email_to") == (
        ("Ana", "ana@x.example"),
        ("", "bo@y.example"),
    )
    with pytest.raises(ConfigError) as caught:
        addresses("a@x.example\nb@x.example", "email_to")
    assert caught.value.message == (
        "email_to must be on one line, without a line break or control character"
    )
    assert caught.value.fix == "give email_to on one line"
    assert sender("Desk <desk@x.example>", "email_from") == ("Desk", "desk@x.example")
    with pytest.raises(ConfigError) as caught:
        sender("a@x.example, b@x.example", "email_from")
    assert caught.value.message == (
        "email_from must be one email address, like Name <name@example.com>"
    )


@pytest.mark.parametrize(
    ("mailto", "url"),
    [
        (None, None),
        ("", None),
        ("leave@news.example", "mailto:leave@news.example?subject=unsubscribe"),
        (" mailto:leave+x@news.example ", "mailto:leave+x@news.example?subject=unsubscribe"),
        ("leave@news.example?subject=stop", "mailto:leave@news.example?subject=stop"),
        ("o'neil@news.example", "mailto:o%27neil@news.example?subject=unsubscribe"),
        ("a_b-c.d@news.example", "mailto:a_b-c.d@news.example?subject=unsubscribe"),
    ],
)
def test_the_unsubscribe_mailto_url(mailto: str | None, url: str | None) -> None:
    assert unsubscribe_mailto_url(replace(SITE, unsubscribe_mailto=mailto)) == url


def test_unsubscribe_targets_are_the_https_url_then_the_mailto() -> None:
    site = replace(
        SITE,
        unsubscribe_url=" https://news.example/u?list=1 ",
        unsubscribe_mailto="leave@news.example",
    )
    assert unsubscribe_targets(site) == [
        "https://news.example/u?list=1",
        "mailto:leave@news.example?subject=unsubscribe",
    ]
    assert unsubscribe_targets(replace(site, unsubscribe_mailto=None)) == [
        "https://news.example/u?list=1"
    ]
    assert unsubscribe_targets(replace(site, unsubscribe_url=None)) == [
        "mailto:leave@news.example?subject=unsubscribe"
    ]
    assert unsubscribe_targets(SITE) == []


@pytest.mark.parametrize(
    "url",
    [
        "http://news.example/u",
        "https://news.example/u nsub",
        "https://news.example/u?who={name}",
        "https://news.example/" + "u" * 900,
        "https://news.example/" + "u" * (901 - len("https://news.example/")),
    ],
    ids=["http", "space", "placeholder", "long", "901"],
)
def test_an_unsubscribe_url_that_cannot_be_a_header_is_refused(url: str) -> None:
    with pytest.raises(
        ConfigError,
        match=r"^unsubscribe URL '.*' is not an https URL "
        r"\(or has a placeholder other than \{email\} and \{token\}\); ",
    ) as caught:
        unsubscribe_targets(replace(SITE, unsubscribe_url=url))
    assert caught.value.fix == (
        "give an https:// URL without spaces (RFC 8058 one-click needs HTTPS)"
    )


def test_an_unsubscribe_url_of_just_under_the_limit_is_kept() -> None:
    url = "https://news.example/" + "u" * (900 - len("https://news.example/"))
    assert unsubscribe_targets(replace(SITE, unsubscribe_url=url)) == [url]
    query = "leave@news.example?subject="
    mailto = query + "x" * (900 - len("mailto:" + query))
    assert unsubscribe_targets(replace(SITE, unsubscribe_mailto=mailto)) == [f"mailto:{mailto}"]


@pytest.mark.parametrize(
    ("mailto", "message"),
    [
        ("not an address", "unsubscribe mailto 'not an address' "),
        ("leave@news.example?subject=" + "x" * 867, "is not an address"),
    ],
)
def test_an_unsubscribe_mailto_that_cannot_be_a_header_is_refused(
    mailto: str, message: str
) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)) as caught:
        unsubscribe_targets(replace(SITE, unsubscribe_mailto=mailto))
    assert caught.value.fix == "write it as user@host"


def test_the_email_size_refusal_and_warning() -> None:
    from digest.mail import EMAIL_MAX_BYTES, EMAIL_WARN_BYTES, check_email_size

    assert check_email_size(b"x" * EMAIL_WARN_BYTES) is None
    assert check_email_size(b"x" * (EMAIL_WARN_BYTES + 1)) == (
        "the email is 80 KB; Gmail clips messages over 102 KB"
    )
    assert check_email_size(b"x" * EMAIL_MAX_BYTES) == (
        "the email is 100 KB; Gmail clips messages over 102 KB"
    )
    with pytest.raises(OutputTooLargeError) as caught:
        check_email_size(b"x" * (EMAIL_MAX_BYTES + 1))  # refused unless asked
    assert caught.value.message == (
        "the email is 100 KB, over the 100 KB limit (Gmail clips at 102 KB)"
    )
    assert caught.value.fix == "lower --words, give fewer articles, or pass --allow-large"
    assert check_email_size(b"x" * (EMAIL_MAX_BYTES + 1), allow_large=True)


# -- personal marks -----------------------------------------------------------


def test_personal_marks_are_the_issue_s_own() -> None:
    marks = personal_marks(DIGEST)
    assert set(marks) == {"{email}", "{token}"}
    assert all(PERSONAL_MARK.fullmatch(mark) for mark in marks.values())
    assert marks["{email}"].removeprefix("digest-email-") == marks["{token}"].removeprefix(
        "digest-token-"
    )
    assert personal_marks(replace(DIGEST)) == marks  # the same issue, the same marks
    # another issue (another text, another date) has others, so no article can guess them
    assert personal_marks(replace(DIGEST, title="Another week")) != marks
    assert personal_marks(replace(DIGEST, date=DIGEST.date.replace(day=28))) != marks


def test_personal_marks_of_an_issue_holding_a_lone_surrogate() -> None:
    """An issue an older digest archived may hold one; the marks are still made."""
    marks = personal_marks(replace(DIGEST, title="Harbour \ud800 vote"))
    assert marks != personal_marks(DIGEST)
    assert all(PERSONAL_MARK.fullmatch(mark) for mark in marks.values())


def test_the_built_unsubscribe_url_carries_marks_for_its_placeholders() -> None:
    marks = personal_marks(DIGEST)
    site = replace(SITE, unsubscribe_url="https://news.example/u?e={email}&t={token}")
    assert unsubscribe_url(DIGEST, site) == (
        f"https://news.example/u?e={marks['{email}']}&t={marks['{token}']}"
    )
    plain = replace(SITE, unsubscribe_url="https://news.example/u")
    assert unsubscribe_url(DIGEST, plain) == "https://news.example/u"
    assert unsubscribe_url(DIGEST, SITE) is None


# -- the whole head ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("email_from", "a@x.example, b@x.example", "email_from must be one email address"),
        ("email_to", "nobody", "email_to must be an email address"),
    ],
)
def test_a_bad_address_setting_is_named_when_the_message_is_built(
    setting: str, value: str, message: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        build_message(DIGEST, replace(SITE, **{setting: value}), "t\n", "<p>h</p>\n")
    assert caught.value.message.startswith(message), caught.value.message


def test_the_head_of_a_built_message_line_by_line() -> None:
    site = replace(
        SITE,
        name="Harbour Times",
        email_from="Desk <desk@news.example>",
        unsubscribe_url="https://news.example/u?list=1",
        unsubscribe_mailto="leave@news.example",
    )
    data = build_message(DIGEST, site, "t\n", "<p>h</p>\n").data
    head = data.partition(b"\r\n\r\n")[0].decode("ascii").split("\r\n")
    assert head[:-2] == [
        "Subject: Harbour Times: Springfield this week (2026-11-21)",
        "From: Desk <desk@news.example>",
        "To: Ana <ana@x.example>",
        "Date: Sat, 21 Nov 2026 00:00:00 +0000",
        "Message-ID: <issue-2026-11-21@news.example>",
        'List-Id: "Harbour Times" <harbour-times.news.example>',
        "List-Unsubscribe: <https://news.example/u?list=1>,",
        " <mailto:leave@news.example?subject=unsubscribe>",
        "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
        "MIME-Version: 1.0",
    ]
    assert head[-2] == "Content-Type: multipart/alternative;"
    assert re.fullmatch(r' boundary="=_digest_[0-9a-f]{24}"', head[-1])
    # the boundary comes from the content: the same parts, the same bytes
    assert build_message(DIGEST, site, "t\n", "<p>h</p>\n").data == data
    assert (
        build_message(DIGEST, site, "t2\n", "<p>h</p>\n").data.split(b"boundary")[1]
        != (data.split(b"boundary")[1])
    )


def test_the_body_is_text_then_html_quoted_printable_with_a_boundary_from_the_content() -> None:
    text, html = "Café news\n" + "x" * 100 + "\n", "<p>Café</p>\n"
    data = build_message(DIGEST, SITE, text, html).data
    boundary = hashlib.sha256((text + html).encode("utf-8")).hexdigest()[:24]
    body = data.partition(b"\r\n\r\n")[2].decode("ascii").split("\r\n")
    assert body[:3] == [
        f"--=_digest_{boundary}",
        'Content-Type: text/plain; charset="utf-8"',
        "Content-Transfer-Encoding: quoted-printable",
    ]
    html_start = body.index(f"--=_digest_{boundary}", 1)
    assert body[html_start : html_start + 3] == [
        f"--=_digest_{boundary}",
        'Content-Type: text/html; charset="utf-8"',
        "Content-Transfer-Encoding: quoted-printable",
    ]
    assert body[-2:] == [f"--=_digest_{boundary}--", ""]
    assert f'boundary="=_digest_{boundary}"'.encode() in data
    plain, rich = parse(data).iter_parts()
    assert plain.get_content() == text.replace("\n", "\r\n")
    assert rich.get_content() == html.replace("\n", "\r\n")


def test_a_long_list_name_is_encoded_and_the_identifier_kept_plain() -> None:
    site = replace(SITE, name="Zürich Harbour Times and Ferry Gazette of the Lake " * 2)
    data = build_message(DIGEST, site, "t\n", "<p>h</p>\n").data
    head = data.partition(b"\r\n\r\n")[0].decode("ascii")
    list_id = head.split("List-Id:")[1].split("\r\nMIME-Version")[0]
    identifier = list_id.rsplit(" ", 1)[1]
    assert re.fullmatch(r"<[a-z0-9.-]+>", identifier), list_id
    assert "=?utf-8?" in list_id
    assert parse(data)["List-Id"] == f"{plain_text(site.name)} {identifier}"


@pytest.mark.parametrize(
    ("name", "lines"),
    [
        ("x" * 60, 'List-Id: "' + "x" * 60 + '"\r\n <harbour.example>\r\n'),
        (
            "x" * 61,
            "List-Id: =?utf-8?q?" + "x" * 57 + "?=\r\n =?utf-8?q?xxxx?= <harbour.example>\r\n",
        ),
        ('Ed "the" \\ Times', 'List-Id: "Ed \\"the\\" \\\\ Times" <harbour.example>\r\n'),
    ],
    ids=["quoted-60", "encoded-61", "escaped"],
)
def test_the_list_name_is_a_quoted_string_up_to_60_characters(name: str, lines: str) -> None:
    site = replace(SITE, name=name, list_id="harbour.example")
    data = build_message(DIGEST, site, "t\n", "<p>h</p>\n").data
    head = data.partition(b"\r\n\r\n")[0].decode("ascii") + "\r\n"
    start = head.index("List-Id:")
    assert head[start : head.index("MIME-Version:")] == lines
    assert parse(data)["List-Id"].replace('\\"', '"').replace("\\\\", "\\") in (
        f'"{name}" <harbour.example>',
        f"{name} <harbour.example>",
    )


def test_a_long_list_identifier_is_never_encoded() -> None:
    identifier = "harbour-times-and-ferry-gazette." * 3 + "news.example"
    assert len(identifier) > LINE
    data = build_message(DIGEST, replace(SITE, list_id=identifier), "t\n", "<p>h</p>\n").data
    assert f"\r\n <{identifier}>\r\n".encode() in data  # alone on its line, over 78
    assert parse(data)["List-Id"] == f'"Digest" <{identifier}>'


# -- the read-back check ----------------------------------------------------------


def built(site: Site = SITE) -> tuple[bytes, tuple[Expected, ...]]:
    message = build_message(DIGEST, site, "The text.\n", "<p>The HTML.</p>\n")
    return message.data, message.headers


def test_a_refusal_says_nothing_was_written_and_asks_for_a_report() -> None:
    data, expected = built()
    with pytest.raises(RenderError) as caught:
        check_message(data.replace(b"Subject:", b"Subject :", 1), expected)
    error = caught.value
    assert error.message.startswith("the email does not read back as built (")
    assert error.message.endswith("); nothing was written")
    assert error.fix == "report this as a bug in digest with the article that caused it"


@pytest.mark.parametrize(
    ("head", "problem"),
    [
        (b"Subject: x\r\nFrom: a@b.example", "no blank line ends the headers"),
        (b"Subject: " + b"x" * 990 + b"\r\n\r\n", "a header line is longer than 998 characters"),
        (b" continued\r\nSubject: x\r\n\r\n", "a header line is malformed: b' continued'"),
        (b"Subject x\r\n\r\n", "a header line is malformed: b'Subject x'"),
        (b"S" * 50 + b"\r\n\r\n", "a header line is malformed: b'" + "S" * 40 + "'"),
        (b"Subject: caf\xc3\xa9\r\n\r\n", "a header line is malformed: b'Subject: caf\\xc3\\xa9'"),
        (b"Subject: a\x00b\r\n\r\n", "a header line is malformed: b'Subject: a\\x00b'"),
        (b"Subject: a\rb\r\n\r\n", "a header line is malformed: b'Subject: a\\rb'"),
    ],
    ids=["no-end", "long", "leading-continuation", "no-colon", "cut", "8bit", "nul", "bare-cr"],
)
def test_header_names_refuses_anything_but_clean_lines(head: bytes, problem: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(problem)}$"):
        header_names(head)


def test_header_names_reads_names_in_order_past_continuation_lines() -> None:
    head = (
        b"Subject: a\r\n b\r\n\tc\r\nFrom: x@y.example\r\nX-Long: " + b"y" * 990
    )  # 998 in all: the longest line allowed
    head += b"\r\n\r\nbody"
    assert header_names(head) == ["Subject", "From", "X-Long"]


def test_the_check_refuses_a_header_left_out_or_reordered() -> None:
    data, expected = built()
    with pytest.raises(RenderError, match=r"\(its headers are Subject, From, To, Date"):
        check_message(data, [*expected[:2], Expected("Cc"), *expected[2:]])
    with pytest.raises(
        RenderError,
        match=r", not Subject, To, From, Date, Message-ID, List-Id, MIME-Version, Content-Type\)",
    ):
        check_message(data, [expected[0], expected[2], expected[1], *expected[3:]])


def test_the_check_refuses_a_value_that_reads_back_otherwise() -> None:
    data, expected = built()
    changed = [replace(e, text="Other") if e.name == "Subject" else e for e in expected]
    with pytest.raises(RenderError, match=r"\(Subject reads back as 'Digest: .*', not 'Other'\)"):
        check_message(data, changed)
    bo = (("Bo", "bo@x.example"),)
    others = [replace(e, addresses=bo) if e.name == "To" else e for e in expected]
    with pytest.raises(
        RenderError, match=r"\(To reads back as .*'ana@x\.example'.*not .*'bo@x.*\)"
    ):
        check_message(data, others)


def test_the_check_refuses_an_address_header_with_defects() -> None:
    data, expected = built()
    broken = data.replace(b"To: Ana <ana@x.example>", b"To: Ana <ana@x.example", 1)
    assert broken != data
    with pytest.raises(RenderError, match=r"\(To reads back as "):
        check_message(broken, expected)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (b"text/html", b"text/enriched"),
        (b"multipart/alternative", b"text/plain"),
    ],
)
def test_the_check_refuses_a_body_other_than_text_then_html(old: bytes, new: bytes) -> None:
    data, expected = built()
    assert old in data
    with pytest.raises(RenderError, match=r"\(its body is not one text and one HTML part\)"):
        check_message(data.replace(old, new), expected)


def test_the_check_refuses_a_body_with_defects() -> None:
    data, expected = built()
    boundary = re.search(rb'boundary="([^"]+)"', data)
    assert boundary
    cut = data[: data.rindex(b"--" + boundary[1] + b"--")]  # no closing boundary
    with pytest.raises(RenderError, match=r"\(its body is not one text and one HTML part\)"):
        check_message(cut, expected)


# -- one message per recipient --------------------------------------------------------

PERSONAL = replace(
    SITE,
    email_to="Ana <ana@x.example>, bo@y.example",
    unsubscribe_url="https://news.example/u?e={email}&t={token}",
    unsubscribe_mailto="leave@news.example",
)


def test_personalize_gives_one_recipient_their_own_links_and_keeps_the_rest() -> None:
    marks = personal_marks(DIGEST)
    text = f"Leave: https://news.example/u?e={marks['{email}']}&t={marks['{token}']}\n"
    html = f'<a href="https://news.example/u?e={marks["{email}"]}&amp;t={marks["{token}"]}">x</a>\n'
    data = build_message(DIGEST, PERSONAL, text, html).data
    assert personal_placeholders(data) == {"email", "token"}
    out = personalize(data, ("Bö Öst", "bo+news@y.example"), "TOKEN1")
    message = parse(out)
    assert [(a.display_name, a.addr_spec) for a in message["To"].addresses] == [
        ("Bö Öst", "bo+news@y.example")
    ]
    assert str(message["List-Unsubscribe"]) == (
        "<https://news.example/u?e=bo%2Bnews@y.example&t=TOKEN1>, "
        "<mailto:leave@news.example?subject=unsubscribe>"
    )
    plain, rich = message.iter_parts()
    assert plain.get_content() == "Leave: https://news.example/u?e=bo%2Bnews@y.example&t=TOKEN1\r\n"
    assert "u?e=bo%2Bnews@y.example&amp;t=TOKEN1" in rich.get_content()
    assert "digest-email-" not in out.decode("ascii") and "digest-token-" not in out.decode("ascii")
    # every other header line is the built message's, byte for byte
    head = data.partition(b"\r\n\r\n")[0].split(b"\r\n")
    names = (b"Subject:", b"From:", b"Date:", b"List-Id:")
    kept = [line for line in head if line.startswith(names)]
    assert all(line in out for line in kept) and len(kept) == 4
    assert header_names(out) == header_names(data)


def test_personalize_without_placeholders_changes_only_the_to() -> None:
    site = replace(PERSONAL, unsubscribe_url="https://news.example/u")
    data = build_message(DIGEST, site, "text\n", "<p>html</p>\n").data
    assert personal_placeholders(data) == frozenset()
    out = personalize(data, ("", "bo@y.example"))
    assert parse(out)["To"].addresses[0].addr_spec == "bo@y.example"
    assert b"To: bo@y.example\r\n" in out
    assert out.replace(b"To: bo@y.example\r\n", b"") == data.replace(
        b"To: Ana <ana@x.example>, bo@y.example\r\n", b""
    )


def test_personalize_with_only_an_email_placeholder_needs_no_token() -> None:
    site = replace(PERSONAL, unsubscribe_url="https://news.example/u/{email}")
    data = build_message(DIGEST, site, "text\n", "<p>html</p>\n").data
    assert personal_placeholders(data) == {"email"}
    out = personalize(data, ("", "bo@y.example"))
    assert "<https://news.example/u/bo@y.example>" in str(parse(out)["List-Unsubscribe"])


def test_personalize_refuses_what_it_cannot_fill() -> None:
    data = build_message(DIGEST, PERSONAL, "text\n", "<p>html</p>\n").data
    with pytest.raises(ValueError, match=r"^its unsubscribe links need each recipient's token$"):
        personalize(data, ("", "bo@y.example"))
    with pytest.raises(ValueError, match=r"^its unsubscribe links need each recipient's token$"):
        personalize(data, ("", "bo@y.example"), "")
    single = b"Subject: x\r\nContent-Type: text/plain\r\n\r\nbody\r\n"
    with pytest.raises(ValueError, match=r"^its body is not one text and one HTML part$"):
        personalize(single, ("", "bo@y.example"))


def test_personalize_keeps_an_encoded_subject_byte_for_byte() -> None:
    digest = replace(DIGEST, title="Zürich 🎉 " + "harbour news " * 6)
    data = build_message(digest, PERSONAL, "text\n", "<p>html</p>\n").data
    subject_lines = data.split(b"\r\nFrom:")[0]
    assert b"=?utf-8?" in subject_lines and b"\r\n " in subject_lines
    out = personalize(data, ("", "bo@y.example"), "T")
    assert out.startswith(subject_lines + b"\r\nFrom:")
    assert parse(out)["Subject"] == subject(digest, PERSONAL)


def test_personalize_reads_a_header_folded_with_a_tab() -> None:
    title = "A very long title " * 8
    data = build_message(replace(DIGEST, title=title), SITE, "t\n", "<p>h</p>\n").data
    head, _, body = data.partition(b"\r\n\r\n")
    tabbed = head.replace(b"\r\n ", b"\r\n\t") + b"\r\n\r\n" + body
    assert tabbed != data
    out = personalize(tabbed, ("", "bo@y.example"))
    assert out.startswith(tabbed.split(b"\r\nFrom:")[0] + b"\r\nFrom:")  # kept whole
    assert parse(out)["Subject"].split() == parse(data)["Subject"].split()
    assert header_names(out) == header_names(data)


def test_an_8bit_byte_in_a_hand_edited_head_is_refused_or_read_never_a_crash() -> None:
    data = build_message(DIGEST, PERSONAL, "text\n", "<p>html</p>\n").data
    edited = data.replace(b"Subject: Digest:", b"Subject: Caf\xc3\xa9:", 1)
    assert edited != data
    assert personal_placeholders(edited) == {"email", "token"}
    renamed = data.replace(b"\r\nDate:", b"\r\nD\xc3\xa4te:", 1)
    assert renamed != data
    assert personal_placeholders(renamed) == {"email", "token"}
    with pytest.raises(ValueError, match=r"^its body is not one text and one HTML part$"):
        personalize(renamed, ("", "bo@y.example"), "T")


def test_a_mark_an_article_holds_is_never_filled() -> None:
    """Only the marks of the issue's own List-Unsubscribe are a recipient's."""
    forged = "digest-email-0123456789abcdef"
    data = build_message(DIGEST, PERSONAL, f"see {forged}\n", "<p>html</p>\n").data
    out = personalize(data, ("", "bo@y.example"), "T")
    assert forged in parse(out).iter_parts().__next__().get_content()
    no_marks = build_message(DIGEST, SITE, f"see {forged}\n", "<p>html</p>\n").data
    assert personal_placeholders(no_marks) == frozenset()
    assert forged in personalize(no_marks, ("", "bo@y.example")).decode("ascii")


def test_a_display_name_that_cannot_read_back_the_same_is_left_out() -> None:
    data = build_message(DIGEST, SITE, "text\n", "<p>html</p>\n").data
    long_name = "Zoë " + "Ünterwäldner-Öffentlichkeitsbeauftragte " * 3
    out = personalize(data, (long_name.strip(), "zoe@x.example"))
    (address,) = parse(out)["To"].addresses
    assert (address.display_name, address.addr_spec) == ("", "zoe@x.example")
    out = personalize(data, ("Zoë", "zoe@x.example"))
    (address,) = parse(out)["To"].addresses
    assert (address.display_name, address.addr_spec) == ("Zoë", "zoe@x.example")


def test_a_folded_header_is_kept_whole_when_personalized() -> None:
    title = "A very long title " * 8
    data = build_message(replace(DIGEST, title=title), SITE, "t\n", "<p>h</p>\n").data
    subject_lines = data.split(b"\r\nFrom:")[0]
    assert b"\r\n " in subject_lines  # folded
    out = personalize(data, ("", "bo@y.example"))
    assert out.startswith(subject_lines + b"\r\nFrom:")


def test_base64_and_q_words_decode_to_the_same_text() -> None:
    """Sanity of the helper: the words found are the ones written."""
    written = unstructured("Subject", "Zürich Genf ändern Wörter")
    kinds = [m[1] for m in ENCODED_WORD.finditer(written)]
    assert kinds == ["q", "b"]
    b_word = ENCODED_WORD.findall(written)[1][1]
    assert base64.b64decode(b_word).decode("utf-8") == "ändern Wörter"
