"""Hostile input never sinks a build: a generated corpus through the real command line.

Every case of :func:`tests.hostile.corpus` (each C0 and C1 control and the
other characters no reader should get, in every field of every kind of input;
lone surrogates as they can arrive; 1 MB titles, outlets, words and URLs;
markup nested 100,000 deep; broken URLs in every field that holds one; empty
titles and bodies of punctuation; markup and header vectors) is built with
``digest build`` beside an ordinary article. Each must end in a documented
exit code, with no traceback and one line per warning; the ordinary article
must still make its story; and every output must parse: the feeds with
feedparser (not bozo), the HTML with a strict tag-balance reader, digest.eml
with the email parser (only the headers digest writes), the JSON with json.
The characters the cleaner removes must be in no output, and the words
around them must be.
"""

from __future__ import annotations

import datetime as dt
import email.policy
import errno
import html
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from collections.abc import Iterator
from dataclasses import replace
from email.message import EmailMessage
from email.parser import BytesParser
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote

import feedparser
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from digest.archive import Archive
from digest.cli import app
from digest.config import STARTER_TOML, Settings, load_settings, text_problem
from digest.errors import ConfigError
from digest.mail import header_names
from digest.model import Digest, Sentence, Source, Story
from digest.records import make_record

from .hostile import GOOD_ARTICLE, GOOD_NAME, GOOD_TITLE, Case, corpus, md_article

runner = CliRunner()
DATE = "2026-11-21"
CASES = corpus()
FEEDS = ("atom.xml", "rss.xml", "stories.atom.xml", "stories.rss.xml")
JSON_FILES = ("digest.json", "feed.json", "stories.json")
HEADERS = ["Subject", "From", "To", "Date", "Message-ID", "List-Id", "MIME-Version", "Content-Type"]
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
#: Elements article text must never become.
LIVE = {"script", "iframe", "object", "embed", "form", "input", "svg", "math", "base", "img"}


class StrictHTML(HTMLParser):
    """Reads HTML and records every way it is not well-formed or holds live markup."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in LIVE:
            self.errors.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.errors.append(f"{tag} {name}=")
            if name in ("href", "src") and value is not None:
                scheme = value.split(":", 1)[0].lower() if ":" in value else ""
                if scheme not in ("", "http", "https", "mailto"):
                    self.errors.append(f"{tag} {name}={value[:30]!r}")
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else 'nothing'}>")
            if tag in self.stack:
                del self.stack[len(self.stack) - 1 - self.stack[::-1].index(tag) :]
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def check_html(data: bytes, name: str) -> str:
    reader = StrictHTML()
    reader.feed(data.decode("utf-8"))
    reader.close()
    assert not reader.errors, f"{name}: {reader.errors[:5]}"
    assert not reader.stack, f"{name}: unclosed {reader.stack[-5:]}"
    return "".join(reader.text)


def check_message(data: bytes) -> str:
    assert data.isascii()
    assert header_names(data) == HEADERS
    message = BytesParser(policy=email.policy.default).parsebytes(data)
    assert isinstance(message, EmailMessage)
    assert list(message.keys()) == HEADERS and not message.defects
    parts = list(message.iter_parts())
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html"]
    assert all(not p.defects for p in parts)
    return str(message["Subject"]) + "".join(str(p.get_content()) for p in parts)


def strings(value: Any) -> Iterator[str]:
    """Every string in a parsed JSON value, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def check_outputs(out: Path, case: Case) -> None:
    """Every output parses; return nothing, assert everything."""
    texts: dict[str, str] = {}
    for name in JSON_FILES:
        texts[name] = "\n".join(strings(json.loads((out / name).read_bytes())))
    for name in FEEDS:
        data = (out / name).read_bytes()
        parsed = feedparser.parse(data)
        assert not parsed.bozo, f"{name}: {parsed.get('bozo_exception')}"
        assert parsed.entries and all(e.get("title") for e in parsed.entries), name
        texts[name] = html.unescape(data.decode("utf-8"))
    pages = ["email.html", "index.html", *(f"issues/{p.name}" for p in (out / "issues").iterdir())]
    for name in pages:
        texts[name] = check_html((out / name).read_bytes(), name)
    texts["digest.eml"] = check_message((out / "digest.eml").read_bytes())
    texts["email.txt"] = (out / "email.txt").read_text(encoding="utf-8")
    controls = {c for c in texts["email.txt"] if unicodedata.category(c) in ("Cc", "Cs")}
    assert controls <= {"\n"}, f"email.txt holds {controls}"
    for char in case.banned:
        found = [name for name, text in texts.items() if char in text]
        assert not found, f"U+{ord(char):04X} reached {found}"
    model = json.loads((out / "digest.json").read_bytes())
    sources = [s for story in model["stories"] for s in story["sources"]]
    if not case.alone:
        assert any(s["title"] == GOOD_TITLE for s in sources), "the good article was lost"
    for word in case.kept:
        assert any(word in (s["title"] or "") for s in sources), f"{word!r} was lost"


def run_case(case: Case, root: Path) -> None:
    source = root / "in"
    source.mkdir(parents=True)
    if not case.alone:
        (source / GOOD_NAME).write_bytes(GOOD_ARTICLE)
    for name, data in case.files.items():
        (source / name).write_bytes(data)
    out = root / "out"
    args = ["build", str(source), "--out", str(out), "--date", DATE, "--max-stories", "100"]
    args += ["--site-url", "https://harbour.example/", "--to", "reader@example.com", *case.args]
    result = runner.invoke(app, args)
    output = result.stdout + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{case.name}: {result.exception!r}"
    )
    assert "Traceback" not in output
    assert result.exit_code in case.exits, f"{case.name}: exit {result.exit_code}: {output[-500:]}"
    for line in result.stderr.splitlines():
        assert line.startswith(("warning: ", "error: ")), f"not one line: {line[:200]!r}"
    if result.exit_code == 0:
        check_outputs(out, case)
    shutil.rmtree(root)


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_a_hostile_input_never_sinks_the_build(case: Case, tmp_path: Path) -> None:
    run_case(case, tmp_path / "case")


def test_the_corpus_covers_every_kind() -> None:
    """The corpus is what the module says: every control, every field, every input kind."""
    kinds = {case.name.split("-")[0] for case in CASES}
    assert {"char", "surrogate", "mb", "deep", "url", "empty", "markup", "header"} <= kinds
    chars = [case for case in CASES if case.name.startswith("char-")]
    assert {f"char-U+{c:04X}" for c in [*range(0x20), 0x7F, *range(0x80, 0xA0)]} <= {
        case.name for case in chars
    }
    for case in chars:
        assert {"chars.md", "chars.rss", "chars.html"} <= set(case.files)


# -- settings: digest.toml and options ------------------------------------------------

DEEP = "[" * 5000 + "]" * 5000
CONFIGS = [
    # (digest.toml, what the one-line error says)
    (f"sources = {DEEP}\n", "line 1: arrays or tables are nested too deeply"),
    (f'name = "x"\n\nwords = {DEEP}\n', "line 3: arrays or tables are nested too deeply"),
    ("a = " + "{b = " * 3000 + "1" + "}" * 3000 + "\n", "nested too deeply"),
    ("name = " + "[" * 40 + "]" * 40 + "\n", "line 1: name must be a string"),
    ("sources = " + "[" * 40 + "]" * 40 + "\n", "line 1: sources has a list"),
    ('site_url = "http://[x"\n', "line 1: site_url must be a valid http or https URL"),
    ('sources = ["http://[x"]\n', "line 1: sources has 'http://[x', which must be a valid"),
    ('sources = ["https:"]\n', "line 1: sources has 'https:', which must be an http or https URL"),
    ('sources = ["news/", "HTTPS://news.example:99999/feed"]\n', "line 1: sources has"),
    ('\n[email]\nview_url = "https://[::1/{date}"\n', "line 3: email.view_url must be a valid"),
    ('name = "Harbour\\u0001Times"\n', "line 1: name must be one line of text"),
    ('author = "Ana\\u001b[31m"\n', "line 1: author must be one line of text"),
    ('topic = "ferry\\u2028Bcc: x@y.example"\n', "line 1: topic must be one line of text"),
    ('sources = ["a\\u0000b"]\n', None),  # a path that cannot exist: one warning, exit 3
    ("words = nan\n", "line 1: words must be a whole number"),
    ("[fetch]\ntimeout = nan\n", "line 2: fetch.timeout must be between"),
    ("[smtp]\nport = 99999999999999999999999\n", "line 2: smtp.port must be between"),
    ("[[email]]\nto = 'a@b.example'\n", "line 1: unknown key 'email'; did you mean [email]?"),
]


@pytest.mark.parametrize(("toml", "message"), CONFIGS, ids=range(len(CONFIGS)))
def test_a_hostile_digest_toml_is_one_line(tmp_path: Path, toml: str, message: str | None) -> None:
    config = tmp_path / "digest.toml"
    config.write_text(toml, encoding="utf-8")
    article = tmp_path / GOOD_NAME
    article.write_bytes(GOOD_ARTICLE)
    # with no source given, the file's sources are read
    sources = [] if message is None else [str(article)]
    result = runner.invoke(
        app, ["build", *sources, "--config", str(config), "--out", str(tmp_path / "o")]
    )
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.stdout + result.stderr
    assert all(line.startswith(("warning: ", "error: ")) for line in result.stderr.splitlines())
    if message is None:
        assert result.exit_code == 3 and "no such file or folder" in result.stderr
        return
    assert result.exit_code == 2, result.stderr
    assert result.stderr.startswith(f"error: {config}: ")
    assert message in result.stderr and result.stderr.count("\n") == 1
    assert not (tmp_path / "o").exists()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_mutated_starter_file_loads_or_is_one_config_error(data: st.DataObject) -> None:
    """Mutations of the starter digest.toml (bytes changed, inserted, cut, lines
    repeated): each loads, or is a ConfigError naming the file; never anything else."""
    text = bytearray(STARTER_TOML.encode("utf-8"))
    for _ in range(data.draw(st.integers(1, 8))):
        at = data.draw(st.integers(0, len(text)))
        kind = data.draw(st.sampled_from(["set", "insert", "cut", "repeat"]))
        piece = data.draw(st.sampled_from(MUTATIONS))
        if kind == "set" and at < len(text):
            text[at : at + 1] = piece
        elif kind == "insert":
            text[at:at] = piece
        elif kind == "cut":
            del text[at : at + data.draw(st.integers(1, 40))]
        else:
            line_start = text.rfind(b"\n", 0, at) + 1
            line_end = text.find(b"\n", at)
            line = text[line_start : line_end if line_end != -1 else len(text)]
            text[line_start:line_start] = line * data.draw(st.integers(1, 3)) + b"\n"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "digest.toml"
        path.write_bytes(bytes(text))
        try:
            settings_ = load_settings(path)
        except ConfigError as exc:
            assert str(exc).startswith(str(path)) and "\n" not in str(exc)
            return
        # what loaded is usable where it is used
        assert isinstance(settings_.site_host, str) and settings_.issue_url("2026-11-21")


#: What a mutation puts into the starter file.
MUTATIONS = [
    b"[",
    b"]",
    b"{",
    b'"',
    b"'",
    b"=",
    b"\n",
    b"#",
    b"\x00",
    b"\xff",
    b"\\u0000",
    b"\\ud800",
    b"[" * 2000,
    b"http://[x",
    b"https:",
    b":99999",
    b'"""',
    b"-1",
    b"1e999",
    b"nan",
    b"\xe2\x80\xa8",
]


OPTIONS = [
    # (build options, what the one-line error says)
    (["--title", "Harbour\x01vote"], "--title must be one line of text"),
    (["--title", "Harbour\u2028Bcc: x@y.example"], "--title must be one line of text"),
    (["--name", "\x1b[31mRed news"], "--name must be one line of text"),
    (["--author", "Ana\x00Ruiz"], "--author must be one line of text"),
    (["--topic", "ferry\x85"], "--topic must be one line of text"),
    (["--site-url", "http://[x"], "--site-url must be a valid http or https URL"),
    (["--site-url", "https:"], "--site-url must be an http or https URL with a host"),
    (["--view-url", "javascript:alert(1)"], "--view-url must be an http or https URL"),
    (["--unsubscribe-url", "http://harbour.example/u"], "--unsubscribe-url must be an https"),
    (["--unsubscribe-mailto", "x@y\r\nBcc: z@w"], "--unsubscribe-mailto must"),
    (["--list-id", "a\x00b"], "--list-id must"),
    (["--date", "2026-13-45"], "is not a date"),
    (["--words", "0"], "--words"),
    (["--max-stories", "-1"], "--max-stories"),
    (["--feed-issues", "0"], "--feed-issues"),
    (["--config", "/nonexistent/digest.toml"], "cannot read the settings file"),
]


@pytest.mark.parametrize(("options", "message"), OPTIONS, ids=range(len(OPTIONS)))
def test_a_hostile_option_is_one_line(tmp_path: Path, options: list[str], message: str) -> None:
    article = tmp_path / GOOD_NAME
    article.write_bytes(GOOD_ARTICLE)
    out = tmp_path / "o"
    result = runner.invoke(app, ["build", str(article), "--out", str(out), *options])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.stdout + result.stderr
    assert result.exit_code == 2, result.stdout + result.stderr
    assert message in " ".join(result.stderr.split())
    assert not out.exists()


def test_a_config_that_is_a_folder_or_binary_is_one_line(tmp_path: Path) -> None:
    article = tmp_path / GOOD_NAME
    article.write_bytes(GOOD_ARTICLE)
    binary = tmp_path / "binary.toml"
    binary.write_bytes(bytes(range(256)))
    for config, message in ((tmp_path, "cannot read the settings file"), (binary, "UTF-8")):
        result = runner.invoke(app, ["build", str(article), "--config", str(config)])
        assert result.exit_code == 2 and message in result.stderr, result.stderr
        assert result.stderr.count("\n") == 1


# -- an issue an older digest archived, templates, write errors -----------------------


def test_an_issue_archived_with_hostile_text_still_renders(tmp_path: Path) -> None:
    """What an older digest may have archived (control characters, a URL that does
    not parse, an ANSI escape) reaches the renderers when the issue is added to:
    the email, the feeds and the pages still come out whole."""
    out = tmp_path / "out"
    hostile = Source(
        title="Harbour\x01vote \x1b[31mpasses\ufffe",
        url="http://[::1/story",
        outlet="Harbour\x08Times",
        published=None,
        path="old.md",
    )
    other = replace(hostile, title="Ferry\x0bnews", url="https://news.example:99999/x")
    story = Story(
        "Harbour\x01vote passes", (Sentence("The board\x1b voted.", (0, 1)),), (hostile, other)
    )
    digest = Digest(
        title="Harbour\x01vote",
        date=dt.date(2026, 11, 21),
        stories=(story,),
        intro="One\x02 story.",
    )
    settings_ = Settings(site_url="https://harbour.example/")
    Archive(out / "archive.sqlite3").save(make_record(digest, settings_.site_host))
    article = tmp_path / GOOD_NAME
    article.write_bytes(GOOD_ARTICLE)
    result = runner.invoke(
        app,
        [
            "build",
            str(article),
            "--out",
            str(out),
            "--date",
            DATE,
            "--site-url",
            settings_.site_url,
        ],
    )
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "added to the issue of 2026-11-21" in result.stdout
    # digest.json is the model as archived: JSON escapes what it holds
    check_outputs(out, Case("archived"))
    for name in ("email.html", "email.txt", "index.html", "issues/2026-11-21.html", *FEEDS):
        data = (out / name).read_text(encoding="utf-8")
        assert not [c for c in "\x01\x02\x08\x1b\ufffe" if c in html.unescape(data)], name
    text = (out / "email.txt").read_text(encoding="utf-8")
    assert "Harbourvote passes" in text and "[::1" not in text and "99999" not in text


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{% if %}", "email.mjml.j2: line 1: Expected an expression"),
        ("<mjml>\n{{ nothing.here }}</mjml>", "email.mjml.j2: line 2: 'nothing' is undefined"),
        ('{% extends "missing.j2" %}', "the template 'missing.j2' it extends or includes"),
        ("<mjml><mj-body><mj-text>{{ digest.title }}", "mjml could not compile the email"),
        ("<mjml><mj-body><mj-unknown>x</mj-unknown></mj-body></mjml>", "was not compiled"),
    ],
)
def test_a_broken_override_template_is_one_line(
    tmp_path: Path, template: str, message: str
) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "email.mjml.j2").write_text(template, encoding="utf-8")
    article = tmp_path / GOOD_NAME
    article.write_bytes(GOOD_ARTICLE)
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["build", str(article), "--out", str(out), "--templates", str(folder)]
    )
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 1 and message in result.stderr, result.stderr
    assert result.stderr.count("\n") == 1 and not (out / "digest.json").exists()


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.endswith(".lock")
    }


@pytest.mark.parametrize("fail_at", [1, 6, 12])
@pytest.mark.parametrize(
    ("code", "fix"),
    [
        (errno.ENOSPC, "free some space on that disk, or give another --out"),
        (errno.EROFS, "the disk is read-only: give another --out"),
        (errno.EDQUOT, "free some space within your disk quota, or give another --out"),
    ],
)
def test_a_full_disk_names_the_file_and_loses_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fail_at: int, code: int, fix: str
) -> None:
    """A disk that fills up while the next issue is staged (the OS refuses the
    write at ``fsync``): one line naming the file and the fix, exit 1, and the
    published files and the archive exactly as they were."""
    out = tmp_path / "out"
    first = tmp_path / "first.md"
    first.write_bytes(GOOD_ARTICLE)
    args = ["--out", str(out), "--site-url", "https://harbour.example/"]
    assert runner.invoke(app, ["build", str(first), "--date", "2026-11-20", *args]).exit_code == 0
    before = snapshot(out)
    second = tmp_path / "second.md"
    second.write_bytes(md_article())
    calls = {"n": 0}
    real_fsync = os.fsync

    def full(fd: int) -> None:
        calls["n"] += 1
        if calls["n"] >= fail_at:
            raise OSError(code, os.strerror(code))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", full)
    result = runner.invoke(app, ["build", str(second), "--date", DATE, *args])
    monkeypatch.undo()
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"error: cannot write {out}") and os.strerror(code) in line
    assert line.endswith(fix)
    assert snapshot(out) == before, "what was published is as it was"
    assert not [p for p in out.rglob(".*") if not p.name.endswith(".lock")], "nothing staged left"
    # with room again, the next build publishes the issue
    result = runner.invoke(app, ["build", str(second), "--date", DATE, *args])
    assert result.exit_code == 0 and "made 1 story" in result.stdout


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_output_folder_names_the_fix(tmp_path: Path) -> None:
    out = tmp_path / "out"
    article = tmp_path / GOOD_NAME
    article.write_bytes(GOOD_ARTICLE)
    assert runner.invoke(app, ["build", str(article), "--out", str(out)]).exit_code == 0
    before = snapshot(out)
    out.chmod(0o555)
    try:
        second = tmp_path / "second.md"
        second.write_bytes(md_article())
        result = runner.invoke(app, ["build", str(second), "--out", str(out), "--date", DATE])
    finally:
        out.chmod(0o755)
    assert result.exit_code == 1 and result.stderr.count("\n") == 1
    assert "folder you can write to" in result.stderr or "make the folder writable" in result.stderr
    assert snapshot(out) == before


def test_an_out_that_is_a_file_is_one_line(tmp_path: Path) -> None:
    article = tmp_path / GOOD_NAME
    article.write_bytes(GOOD_ARTICLE)
    out = tmp_path / "a-file"
    out.write_text("mine", encoding="utf-8")
    result = runner.invoke(app, ["build", str(article), "--out", str(out)])
    assert result.exit_code == 1 and result.stderr.count("\n") == 1, result.stderr
    assert str(out) in result.stderr and out.read_text(encoding="utf-8") == "mine"


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("folder", "cannot open the archive"),
        ("garbage", "cannot open the archive: file is not a database"),
        ("empty", None),
    ],
)
def test_a_hostile_archive_file_is_one_line(
    tmp_path: Path, setup: str, message: str | None
) -> None:
    archive = tmp_path / "archive.sqlite3"
    if setup == "folder":
        archive.mkdir()
    elif setup == "garbage":
        archive.write_bytes(b"not a database " * 100)
    else:
        archive.write_bytes(b"")
    article = tmp_path / GOOD_NAME
    article.write_bytes(GOOD_ARTICLE)
    result = runner.invoke(
        app, ["build", str(article), "--out", str(tmp_path / "o"), "--archive", str(archive)]
    )
    assert result.exception is None or isinstance(result.exception, SystemExit)
    if message is None:
        assert result.exit_code == 0, result.stderr
    else:
        assert result.exit_code == 1 and message in result.stderr, result.stderr
        assert result.stderr.count("\n") == 1


@pytest.mark.slow
def test_argv_that_is_not_utf8_is_never_a_traceback(tmp_path: Path) -> None:
    """Bytes that are not UTF-8 on the command line reach Python as surrogate
    escapes: in a title it is refused, in a path it is a warning naming the file."""
    article = tmp_path / GOOD_NAME
    article.write_bytes(GOOD_ARTICLE)
    env = {**os.environ, "LC_ALL": "C.UTF-8", "PYTHONIOENCODING": ""}
    digest = [sys.executable, "-m", "digest", "build"]
    out = str(tmp_path / "o").encode()
    runs = [
        (
            [
                *map(os.fsencode, digest),
                os.fsencode(article),
                b"--out",
                out,
                b"--title",
                b"caf\xe9",
            ],
            2,
        ),
        ([*map(os.fsencode, digest), os.fsencode(article), b"--name", b"\xff\xfe"], 2),
        ([*map(os.fsencode, digest), os.fsencode(article), b"missing-\xff.md", b"--out", out], 0),
        ([*map(os.fsencode, digest), os.fsencode(article), b"--out", out + b"-\xe9"], 0),
    ]
    for argv, expected in runs:
        done = subprocess.run(argv, capture_output=True, env=env, cwd=tmp_path, timeout=120)
        stderr = done.stderr.decode("utf-8", "replace")
        assert "Traceback" not in stderr and done.returncode == expected, (argv, stderr)
        assert all(line.startswith((b"warning: ", b"error: ")) for line in done.stderr.splitlines())


# -- digest send and digest serve ------------------------------------------------------


@pytest.fixture
def built_eml(tmp_path: Path) -> Path:
    article = tmp_path / GOOD_NAME
    article.write_bytes(GOOD_ARTICLE)
    out = tmp_path / "out"
    url = "https://harbour.example/u?email={email}&token={token}"
    args = ["build", str(article), "--out", str(out), "--unsubscribe-url", url]
    assert runner.invoke(app, args).exit_code == 0
    return out / "digest.eml"


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda eml: eml.write_bytes(b""), "not a message that digest built"),
        (lambda eml: eml.write_bytes(bytes(range(256)) * 8), "not a message that digest built"),
        (lambda eml: eml.write_bytes(b"Subject: x\r\n\r\nbody"), "the message has no"),
        (
            lambda eml: eml.write_bytes(eml.read_bytes().replace(b"\r\n\r\n", b"\r\n", 1)),
            "not a message that digest built",
        ),
        (lambda eml: (eml.parent / "unsubscribed.json").write_text("{"), "unsubscriptions"),
        (lambda eml: (eml.parent / "sent.json").write_text("[]"), "send record is unreadable"),
        (lambda eml: (eml.parent / "sent.json.journal").mkdir(), "journal of a send"),
    ],
)
def test_a_hostile_message_or_record_is_one_line_and_sends_nothing(
    built_eml: Path, damage: Any, message: str
) -> None:
    damage(built_eml)
    result = runner.invoke(
        app,
        ["send", str(built_eml), "--to", "a@x.example", "--host", "127.0.0.1", "--port", "9"],
        env={"DIGEST_UNSUBSCRIBE_SECRET": "a secret long enough for tokens"},
    )
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 2 and message in result.stderr, result.stderr
    assert result.stderr.count("\n") == 1


def test_a_journal_cut_short_by_a_crash_is_read_as_far_as_it_goes(built_eml: Path) -> None:
    from digest.send import read_record

    (built_eml.parent / "sent.json").write_text(
        json.dumps({"version": 3, "sends": [{"message_id": "<x>", "recipients": {}}]})
    )
    (built_eml.parent / "sent.json.journal").write_bytes(
        b'{"send": 0, "to": "a@x.example", "status": "sent"}\n'
        b'{"send": 0, "to": "b@x.example", "status": "sending"}\n'
        b'{"send": 7, "to": "c@x.example", "status": "sent"}\n'
        b'["not", "a", "note"]\n{"send": 0, "to": "d@x.example", "status": "bogus"}\n'
        b'{"send": 0, "to": "e@x.exa'
    )
    (entry,) = read_record(built_eml)
    assert entry["recipients"] == {"a@x.example": "sent", "b@x.example": "sending"}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    title=st.text(max_size=120),
    display=st.text(max_size=60),
    local=st.from_regex(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]{1,20}", fullmatch=True),
)
def test_every_message_for_a_recipient_reads_back_as_built(
    title: str, display: str, local: str
) -> None:
    """Whatever the title and the recipient's name and address, the message for that
    recipient has exactly the headers digest writes, its To is that one address,
    and its links carry that address's token."""
    from digest.mail import build_message, personalize

    digest = replace(_DIGEST, title=title)
    settings_ = Settings(
        site_url="https://harbour.example/",
        unsubscribe_url="https://harbour.example/u?email={email}&token={token}",
    )
    data = build_message(digest, settings_.site, "text", "<p>html</p>").as_bytes()
    spec = f"{local}@x.example"
    name = " ".join(display.split())
    if text_problem(name) or not name.strip():
        name = ""
    out = personalize(data, (name, spec), "TOKEN")
    names = header_names(out)
    assert names == [*HEADERS[:6], "List-Unsubscribe", "List-Unsubscribe-Post", *HEADERS[6:]]
    message = BytesParser(policy=email.policy.default).parsebytes(out)
    # the name as it is, or (when no spelling reads the same everywhere) none
    found = [(a.display_name, a.addr_spec) for a in message["To"].addresses]
    assert found in ([(name, spec)], [("", spec)])
    if name.isascii() and len(name) <= 40:
        assert found == [(name, spec)]
    assert f"email={quote(spec, safe='@')}&token=TOKEN" in str(message["List-Unsubscribe"])


_DIGEST = Digest(
    title="Harbour",
    date=dt.date(2026, 11, 21),
    stories=(
        Story(
            "Harbour vote",
            (Sentence("The board voted.", (0,)),),
            (Source("Vote", "https://harbour.example/v", "Harbour Times", None, "a.md"),),
        ),
    ),
    intro="One story.",
)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--port", "70000"], "--port"),
        (["--host", "\x00"], "cannot listen on"),
        (["--host", "999.1.1.1"], "cannot listen on"),
        (["--out", "/nonexistent/folder"], "no such folder"),
    ],
)
def test_a_hostile_serve_option_is_one_line(
    tmp_path: Path, options: list[str], message: str
) -> None:
    (tmp_path / "out").mkdir()
    result = runner.invoke(app, ["serve", "--out", str(tmp_path / "out"), *options])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code in (1, 2) and message in result.stderr, result.stderr
