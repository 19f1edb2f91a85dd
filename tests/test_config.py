"""digest.toml: the starter file, every check, line numbers in errors, round trips."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from digest.config import (
    KEYS,
    STARTER_TOML,
    Settings,
    key_lines,
    load_settings,
    parse_settings,
)
from digest.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "digest.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_starter_file_loads_and_mentions_every_key(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, STARTER_TOML))
    assert settings.site_url == "https://example.com/"
    assert settings.sources == (str(tmp_path / "seeds/"),)
    for key in KEYS:
        leaf = key.name.split(".")[-1]
        assert f"{leaf} = " in STARTER_TOML, key.name


def test_values_map_to_settings_and_paths_are_relative_to_the_file(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'name = "Alita weekly"\nsources = ["news/", "https://a.example/feed.xml", "/abs/x.md"]\n'
        'max_stories = 5\n[email]\nfrom = "Ed <ed@a.example>"\n'
        'unsubscribe_url = "https://a.example/u"\n[smtp]\nport = 465\nsecurity = "tls"\n'
        '[archive]\npath = "state/archive.sqlite3"\n[fetch]\nfull = true\ntimeout = 2\n',
    )
    settings = load_settings(path)
    assert settings.name == "Alita weekly" and settings.max_stories == 5
    assert settings.sources == (
        str(tmp_path / "news/"),
        "https://a.example/feed.xml",
        "/abs/x.md",
    )
    assert settings.email_from == "Ed <ed@a.example>" and settings.smtp_port == 465
    assert settings.smtp_security == "tls" and settings.fetch_full is True
    assert settings.fetch_timeout == 2.0 and isinstance(settings.fetch_timeout, float)
    assert settings.archive_path == str(tmp_path / "state/archive.sqlite3")
    assert settings.words == Settings().words  # untouched keys keep their defaults


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('name = "x"\ntpoic = "Alita"\n', r"line 2: unknown key 'tpoic'; did you mean 'topic'\?"),
        ('[emial]\nfrom = "a@b"\n', r"line 1: unknown key 'emial'; did you mean \[email\]\?"),
        ('[email]\nfrm = "a@b.c"\n', r"line 2: unknown key 'email.frm'; did you mean 'email.from'"),
        ("zzz = 1\n", r"line 1: unknown key 'zzz'; known keys: name, site_url"),
        ('words = "100"\n', r"line 1: words must be a whole number \(no quotes\)"),
        ("words = 5\n", "line 1: words must be between 20 and 1000"),
        ("\n\nwords = true\n", "line 3: words must be a whole number"),
        ('site_url = "ftp://x.example"\n', "line 1: site_url must be an http or https URL"),
        ('[email]\nunsubscribe_url = "http://x.example/u"\n', "line 2: .*must be an https URL"),
        ('[email]\nto = "nobody"\n', "line 2: email.to must be an email address"),
        ('[smtp]\nsecurity = "ssl"\n', 'line 2: smtp.security must be one of "starttls"'),
        ("sources = 'news/'\n", "line 1: sources must be a list of strings"),
        ('sources = ["a", 3]\n', "line 1: sources has 3; every source must be"),
        ('language = "English"\n', "line 1: language must be a language tag"),
        ("[fetch]\nfull = 1\n", "line 2: fetch.full must be true or false"),
        ('email.from = "a@b"\nemail.x = 1\n', "line 2: unknown key 'email.x'"),
        ('smtp = { host = "h", prot = 1 }\n', "line 1: unknown key 'smtp.prot'"),
        ('name = "x"\nname = "y"\n', r"not valid TOML: .*\(at line 2"),
        ("words = \n", r"not valid TOML: .*line 1"),
    ],
)
def test_a_wrong_key_or_value_names_the_file_the_line_and_the_key(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        load_settings(write(tmp_path, text))
    assert str(caught.value).startswith(str(tmp_path / "digest.toml") + ": ")
    assert "\n" not in str(caught.value)


def test_a_missing_file_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="run `digest init`"):
        load_settings(tmp_path / "nope.toml")


def test_key_lines_skip_multiline_strings_and_follow_tables() -> None:
    text = (
        'topic = """\nfirst line\nwords = 3\n"""\n[smtp]\n"host" = "x"\n  port=1\n'
        "[fetch]\nfull=true"
    )
    assert key_lines(text) == {
        "topic": 1,
        "smtp": 5,
        "smtp.host": 6,
        "smtp.port": 7,
        "fetch": 8,
        "fetch.full": 9,
    }


_plain = st.text(
    # one line of text: control characters and line breaks are refused (see below)
    alphabet=st.characters(
        blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\ufffe\uffff"
    ),
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip() != "")


@given(
    name=_plain,
    topic=_plain,
    words=st.integers(20, 1000),
    port=st.integers(1, 65535),
    full=st.booleans(),
    sources=st.lists(st.from_regex(r"https://[a-z]{1,8}\.example/[a-z]{0,8}", fullmatch=True)),
)
def test_settings_round_trip_through_toml(
    tmp_path_factory: pytest.TempPathFactory,
    name: str,
    topic: str,
    words: int,
    port: int,
    full: bool,
    sources: list[str],
) -> None:
    # json.dumps (non-ASCII kept as is) writes valid TOML basic strings and arrays of them
    def quote(value: object) -> str:
        return json.dumps(value, ensure_ascii=False)

    text = (
        f"name = {quote(name)}\ntopic = {quote(topic)}\nwords = {words}\n"
        f"sources = {quote(sources)}\n[smtp]\nport = {port}\n"
        f"[fetch]\nfull = {str(full).lower()}\n"
    )
    path = tmp_path_factory.mktemp("cfg") / "digest.toml"
    path.write_text(text, encoding="utf-8")
    settings = load_settings(path)
    assert (settings.name, settings.topic, settings.words) == (name, topic, words)
    assert (settings.smtp_port, settings.fetch_full) == (port, full)
    assert settings.sources == tuple(sources)


@given(st.integers(0, 20), st.sampled_from(["tpoic", "wrds", "colour"]))
def test_an_unknown_key_is_reported_at_its_line(blank_lines: int, key: str) -> None:
    text = "\n" * blank_lines + f'name = "x"\n{key} = 1\n'
    with pytest.raises(ConfigError, match=f"line {blank_lines + 2}: unknown key '{key}'"):
        parse_settings(tomllib.loads(text), key_lines(text), "digest.toml")


# -- the command line: digest init, --config, options winning over the file --------


def test_init_writes_the_starter_file_and_refuses_to_overwrite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from digest.cli import app

    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    first = runner.invoke(app, ["init"])
    assert first.exit_code == 0 and (tmp_path / "digest.toml").read_text() == STARTER_TOML
    (tmp_path / "digest.toml").write_text("# mine\n")
    second = runner.invoke(app, ["init"])
    assert second.exit_code == 2 and "already exists" in second.stderr
    assert (tmp_path / "digest.toml").read_text() == "# mine\n"


def test_build_reads_digest_toml_and_options_win(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from typer.testing import CliRunner

    from digest.cli import app

    from .conftest import SEEDS

    shutil.copytree(SEEDS, tmp_path / "news")
    (tmp_path / "digest.toml").write_text(
        'name = "From the file"\nsources = ["news/"]\nsite_url = "https://file.example/"\n'
    )
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    result = runner.invoke(app, ["build", "--date", "2026-11-21", "--name", "From argv"])
    assert result.exit_code == 0, result.stderr
    atom = (tmp_path / "out" / "atom.xml").read_text()
    assert "From argv" in atom and "From the file" not in atom
    assert "file.example" in atom  # not overridden: the file's value

    bad = runner.invoke(app, ["build", "--config", str(tmp_path / "nope.toml")])
    assert bad.exit_code == 2 and "nope.toml: cannot read the settings file" in bad.stderr


# -- values that reach headers and URLs (issue 16, item 7) --------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[email]\nlist_id = "no-dot"\n', "line 2: email.list_id must be a dotted name"),
        ('[email]\nlist_id = "a b.example"\n', "line 2: email.list_id must be a dotted name"),
        ('[email]\nlist_id = "news..example"\n', "line 2: email.list_id must be a dotted name"),
        ('[email]\nto = "a@b@c"\n', "line 2: email.to must be an email address"),
        ('[email]\nto = "Doe, Jane <j@x.example>"\n', "line 2: email.to must be an email address"),
        ('[email]\nto = "a@x.example\\u2028b@y.example"\n', "line 2: email.to must be on one line"),
        ('[email]\nto = "a@x.example\\r\\nBcc: e@v.example"\n', "line 2: email.to must be on one"),
        ('\n[email]\nfrom = "a@x.example, b@y.example"\n', "line 3: email.from must be one email"),
        ('[email]\nfrom = "Desk <>"\n', "line 2: email.from must be an email address"),
        (
            '[email]\nunsubscribe_url = "https://x.example/u nsub"\n',
            "line 2: email.unsubscribe_url",
        ),
        ('[email]\nunsubscribe_url = "https://[::1/u"\n', "line 2: email.unsubscribe_url must be"),
        ('[email]\nunsubscribe_url = "https://x.example/<u>"\n', "line 2: email.unsubscribe_url"),
        ('[email]\nunsubscribe_mailto = "nobody"\n', "line 2: email.unsubscribe_mailto must be"),
        ('[email]\nunsubscribe_mailto = "a@b.example?s=a b"\n', "line 2: email.unsubscribe_mailto"),
        ('site_url = "https://news.example:99999/"\n', "line 1: site_url must be a valid http"),
        ('site_url = "https://news.example:abc/"\n', "line 1: site_url must be a valid http"),
        ('site_url = "https://[::1/"\n', "line 1: site_url must be a valid http"),
        (
            '[email]\nview_url = "https://news.example:0/{date}"\n',
            "line 2: email.view_url must not",
        ),
        ('[smtp]\nhost = "\\u0000"\n', "line 2: smtp.host must be a host name or IP address"),
        ('[smtp]\nhost = "smtp.example.com\\r\\nRCPT"\n', "line 2: smtp.host must be a host name"),
        ('[smtp]\nhost = "smtp example com"\n', "line 2: smtp.host must be a host name"),
    ],
)
def test_a_value_that_would_reach_a_header_names_the_file_and_line(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)) as caught:
        load_settings(write(tmp_path, text))
    assert str(caught.value).startswith(str(tmp_path / "digest.toml") + ": ")
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("email.to", "Readers <readers@news.example>, solo@news.example"),
        ("email.to", '"Doe, Jane" <jane@news.example>'),
        ("email.from", "Zürich Ñews <desk@zürich.example>"),
        ("email.list_id", "<news.example.org>"),
        ("email.unsubscribe_mailto", "mailto:leave@news.example?subject=stop"),
        ("smtp.host", "::1"),
        ("smtp.host", "[2001:db8::1]"),
        ("site_url", "http://localhost:8000/digest/"),
    ],
)
def test_good_values_still_load(tmp_path: Path, key: str, value: str) -> None:
    table, _, leaf = key.rpartition(".")
    text = (f"[{table}]\n" if table else "") + f"{leaf} = {json.dumps(value, ensure_ascii=False)}\n"
    load_settings(write(tmp_path, text))
