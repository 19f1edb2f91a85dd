"""The command line, through typer's runner: builds, determinism, errors, help."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from digest.cli import app
from digest.model import digest_from_dict
from digest.publish import OUTPUTS

from .conftest import SEEDS

runner = CliRunner()


def build(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["build", *args])
    return result.exit_code, result.stdout, result.stderr


def test_build_on_seeds_writes_every_output(tmp_path: Path) -> None:
    code, out, err = build(str(SEEDS), "--out", str(tmp_path), "--date", "2026-11-21")
    assert code == 0, err
    names = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    archive = ["archive.sqlite3", "archive.sqlite3.lock"]
    assert names == sorted([*OUTPUTS, "issues/2026-11-21.html", *archive]), (
        "every output, the issue page, the archive and its lock"
    )
    last = out.strip().splitlines()[-1]
    assert last.startswith("Read 2 articles; made ")
    assert str(tmp_path / "rss.xml") in last


def test_digest_json_has_the_documented_shape(tmp_path: Path) -> None:
    build(str(SEEDS), "--out", str(tmp_path), "--date", "2026-11-21", "--title", "Alita news")
    data = json.loads((tmp_path / "digest.json").read_text())
    assert data["title"] == "Alita news" and data["date"] == "2026-11-21"
    for story in data["stories"]:
        assert set(story) >= {"headline", "sentences", "sources"}
        for sentence in story["sentences"]:
            assert set(sentence) >= {"text", "sources"}
            assert all(0 <= i < len(story["sources"]) for i in sentence["sources"])
        for source in story["sources"]:
            assert set(source) >= {"title", "url", "outlet", "published", "path"}
            assert source["url"] is None and source["outlet"] is None  # unknown in .txt seeds
    assert digest_from_dict(data).title == "Alita news"


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    build(str(SEEDS), "--out", str(tmp_path / "a"), "--date", "2026-11-21")
    build(str(SEEDS), "--out", str(tmp_path / "b"), "--date", "2026-11-21")
    for path in sorted((tmp_path / "a").rglob("*")):
        if path.is_file() and path.name != "archive.sqlite3":
            twin = tmp_path / "b" / path.relative_to(tmp_path / "a")
            assert path.read_bytes() == twin.read_bytes(), path.name


def test_no_sources_means_seeds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(SEEDS, tmp_path / "seeds")
    monkeypatch.chdir(tmp_path)
    code, out, err = build("--date", "2026-11-21")
    assert code == 0, err
    assert "Read 2 articles" in out and (tmp_path / "out" / "email.html").exists()


def test_a_missing_path_is_one_line_and_non_zero(tmp_path: Path) -> None:
    code, out, err = build(str(tmp_path / "missing"), "--out", str(tmp_path / "o"))
    assert code != 0
    assert err.strip().count("\n") == 0
    assert "missing: no such file or folder; check the path" in err
    assert "Traceback" not in err + out
    assert not (tmp_path / "o").exists()


def test_a_bad_file_among_good_ones_is_a_warning(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    shutil.copytree(SEEDS, folder)
    (folder / "broken.txt").write_bytes(b"\xff\xfe\x00garbage")
    code, out, err = build(str(folder), "--out", str(tmp_path / "o"), "--date", "2026-11-21")
    assert code == 0
    assert "warning: skipped" in err and "broken.txt" in err
    assert "skipped 1" in out


@pytest.mark.parametrize(
    ("content", "needle"),
    [(b"", "is empty"), (b"\x00\x01binary", "binary"), (b"Leave a Comment\n", "no article text")],
)
def test_nothing_usable_exits_non_zero(tmp_path: Path, content: bytes, needle: str) -> None:
    (tmp_path / "only.txt").write_bytes(content)
    code, out, err = build(str(tmp_path / "only.txt"), "--out", str(tmp_path / "o"))
    assert code == 3
    assert needle in err and "only.txt" in err
    assert "Traceback" not in err + out


def test_a_bad_date_names_the_option(tmp_path: Path) -> None:
    code, _, err = build(str(SEEDS), "--date", "21/11/2026", "--out", str(tmp_path))
    assert code == 2 and "YYYY-MM-DD" in err


def test_help_explains_every_option_with_an_example() -> None:
    top = runner.invoke(app, ["--help"])
    assert top.exit_code == 0 and "Example" in top.stdout and "build" in top.stdout
    sub = runner.invoke(app, ["build", "--help"], terminal_width=200)
    assert sub.exit_code == 0
    for option in (
        "--out",
        "--date",
        "--title",
        "--topic",
        "--words",
        "--from",
        "--to",
        "--site-url",
        "--templates",
        "--allow-large",
    ):
        assert option in sub.stdout, option
    assert "Examples" in sub.stdout and "digest build" in sub.stdout


def test_max_stories_caps_the_issue(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    topics = [
        (
            "Harbour",
            "The harbour authority closed the northern dock after a crane collapsed.",
            "Engineers expect the dock to reopen for cargo ships in March.",
        ),
        (
            "Library",
            "The city library opened a new wing with three thousand rare maps.",
            "Visitors queued for hours to see the medieval atlas on display.",
        ),
        (
            "Marathon",
            "Runners from forty countries finished the marathon in record heat.",
            "Medics treated dozens of athletes for dehydration near the finish line.",
        ),
    ]
    for name, first, second in topics:
        text = f"{name} news today\n\n{first} {second}\n"
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    code, out, err = build(str(folder), "--out", str(tmp_path / "a"), "--date", "2026-11-21")
    assert code == 0, err
    assert "made 3 stories" in out
    code, out, err = build(
        str(folder), "--out", str(tmp_path / "b"), "--date", "2026-11-21", "--max-stories", "2"
    )
    assert code == 0, err
    assert "made 2 stories" in out


# -- the size refusal (issue 11, item 4: it and its exit code were never tested) ---------


def test_the_email_size_limit_is_exact() -> None:
    from digest.errors import OutputTooLargeError
    from digest.mail import EMAIL_MAX_BYTES, EMAIL_WARN_BYTES, check_email_size

    assert (EMAIL_WARN_BYTES, EMAIL_MAX_BYTES) == (80 * 1024, 100 * 1024)
    assert check_email_size(b"x" * EMAIL_WARN_BYTES) is None
    assert "Gmail clips" in (check_email_size(b"x" * EMAIL_MAX_BYTES) or "")
    with pytest.raises(OutputTooLargeError, match="102 KB") as caught:
        check_email_size(b"x" * (EMAIL_MAX_BYTES + 1), allow_large=False)
    assert caught.value.exit_status == 4 and "--allow-large" in str(caught.value)
    assert check_email_size(b"x" * (EMAIL_MAX_BYTES + 1), allow_large=True)


@pytest.mark.parametrize(("padding", "code"), [(110_000, 4), (90_000, 0), (1_000, 0)])
def test_an_email_over_100_kb_is_refused_with_exit_code_4(
    tmp_path: Path, padding: int, code: int
) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "email.mjml.j2").write_text(
        "<mjml><mj-body><mj-section><mj-column><mj-text>"
        f"{{{{ 'x' * {padding} }}}}</mj-text></mj-column></mj-section></mj-body></mjml>",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    args = ["build", str(SEEDS), "--out", str(out), "--templates", str(templates)]
    result = runner.invoke(app, args)
    assert result.exit_code == code, result.stderr
    if code == 4:
        assert "over the 100 KB limit" in result.stderr and "--allow-large" in result.stderr
        written = [p.name for p in out.iterdir() if not p.name.endswith(".lock")]
        assert written == [], "nothing is written"
        assert runner.invoke(app, [*args, "--allow-large"]).exit_code == 0
        assert (out / "email.html").stat().st_size > 100 * 1024
    else:
        assert ("Gmail clips" in result.stderr) == (padding > 80 * 1024)


def test_a_bug_is_one_line_never_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import digest.cli as cli

    def broken() -> None:
        raise RuntimeError("an\nunexpected failure")

    monkeypatch.setattr(cli, "app", broken)
    monkeypatch.delenv("DIGEST_TRACEBACK", raising=False)
    with pytest.raises(SystemExit) as caught:
        cli.main()
    assert caught.value.code == 1
    err = capsys.readouterr().err
    assert err == (
        "error: digest failed unexpectedly (RuntimeError: an unexpected failure); please "
        "report this as a bug, with the output of the same command run with DIGEST_TRACEBACK=1\n"
    )
    monkeypatch.setenv("DIGEST_TRACEBACK", "1")
    with pytest.raises(RuntimeError, match="unexpected failure"):
        cli.main()
