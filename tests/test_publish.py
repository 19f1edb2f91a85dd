"""The orchestrator (:mod:`digest.publish`): what a build hands back, its locks, and
its drafts, checked on real builds into real folders and archives."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from digest import publish as publish_module
from digest.archive import Archive
from digest.cli import app
from digest.config import Settings
from digest.draft import publish_draft, write_draft

from .test_archive import D1, D2, NEW_ARTICLE, SITE, topic_folder

runner = CliRunner()


def test_what_a_build_returns_is_what_it_archived_and_wrote(tmp_path: Path) -> None:
    inputs = topic_folder(tmp_path, "a")
    (inputs / "empty.md").write_bytes(b"")
    out, settings = tmp_path / "out", Settings(site_url=SITE)
    result = publish_module.publish([inputs], out=out, date=D1, settings=settings)
    assert result.plan.action == "new" and not result.draft
    assert result.record == Archive(out / "archive.sqlite3").issue(D1)
    assert result.written and all(p.is_file() and p.parent in (out, out / "issues")
                                  for p in result.written)  # fmt: skip
    # the skipped file is reported by the build and by the digest it made
    assert [Path(p.path).name for p in result.problems] == ["empty.md"]
    assert result.build is not None and result.build.problems == result.problems
    # nothing new: nothing written, an empty tuple a caller can iterate
    again = publish_module.publish([inputs], out=out, date=D1, settings=settings)
    assert (again.plan.action, again.written, again.record, again.build) == (
        "nothing", (), None, None
    )  # fmt: skip


def test_two_builds_take_the_locks_in_one_order_however_they_name_the_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two builds that wait for each other's locks in a circle would both time out:
    every spelling of the same folders (relative, absolute, through a symlink) must
    give the same order, that of the real paths."""
    (tmp_path / "out").mkdir()
    (tmp_path / "state").mkdir()
    monkeypatch.chdir(tmp_path)
    spellings: list[tuple[Path, Path]] = []
    for n in range(8):  # aliases, so no order of a set can pass by chance
        (tmp_path / f"alias-out-{n}").symlink_to(tmp_path / "out")
        (tmp_path / f"z-alias-state-{n}").symlink_to(tmp_path / "state")
        spellings += [
            (Path(f"alias-out-{n}"), tmp_path / f"z-alias-state-{n}" / "a.sqlite3"),
            (tmp_path / f"alias-out-{n}", Path(f"z-alias-state-{n}") / "a.sqlite3"),
        ]
    spellings += [(Path("out"), tmp_path / "state" / "a.sqlite3")]
    expected = [tmp_path / "out" / ".digest-build.lock", tmp_path / "state" / "a.sqlite3.lock"]
    expected = sorted((p.resolve() for p in expected), key=str)
    for out, archive in spellings:
        locks = publish_module.build_locks(out, archive)
        assert [p.resolve() for p in locks] == expected, (out, archive)
    # the archive beside the outputs: its lock alone
    beside = publish_module.build_locks(Path("alias-out-0"), tmp_path / "out" / "archive.sqlite3")
    assert [p.resolve() for p in beside] == [(tmp_path / "out" / "archive.sqlite3.lock").resolve()]


def test_a_draft_build_returns_the_ids_publishing_it_gives(tmp_path: Path) -> None:
    inputs = topic_folder(tmp_path, "a")
    out, settings = tmp_path / "out", Settings(site_url=SITE)
    publish_module.publish([inputs], out=out, date=D1, settings=settings)
    (inputs / "zz_new.md").write_text(NEW_ARTICLE, encoding="utf-8")
    result = publish_module.publish(
        [inputs], out=out, date=D2, settings=settings, draft=write_draft
    )
    assert result.draft and result.record is not None
    assert all(p.parent == out / "draft" for p in result.written)
    # the files of D1 are known: not read again, and counted as used
    assert result.known == 2 and result.plan.used == 0
    assert Archive(out / "archive.sqlite3").issue(D2) is None
    publish_draft(out)
    published = Archive(out / "archive.sqlite3").issue(D2)
    assert published is not None
    assert (published.id, published.stories) == (result.record.id, result.record.stories)


def refused_email_templates(folder: Path) -> Path:
    folder.mkdir()
    (folder / "email.mjml.j2").write_text(
        "<mjml><mj-body><mj-section><mj-column><mj-text>"
        "{{ 'x' * 110000 }}</mj-text></mj-column></mj-section></mj-body></mjml>",
        encoding="utf-8",
    )
    return folder


def test_a_draft_is_made_with_the_given_templates_and_checked_before_it_is_written(
    tmp_path: Path,
) -> None:
    inputs = topic_folder(tmp_path, "a")
    templates = refused_email_templates(tmp_path / "templates")
    out = tmp_path / "out"
    args = ["build", str(inputs), "--out", str(out), "--site-url", SITE, "--draft",
            "--templates", str(templates)]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 4 and "over the 100 KB limit" in result.stderr
    assert not (out / "draft").exists(), "nothing of the draft is written"
    result = runner.invoke(app, [*args, "--allow-large"])
    assert result.exit_code == 0, result.stderr
    assert (out / "draft" / "email.html").stat().st_size > 100 * 1024


def test_a_draft_summary_counts_the_files_not_read_again(tmp_path: Path) -> None:
    inputs = topic_folder(tmp_path, "a")
    out = tmp_path / "out"
    base = ["build", str(inputs), "--out", str(out), "--site-url", SITE]
    assert runner.invoke(app, [*base, "--date", D1.isoformat()]).exit_code == 0
    (inputs / "zz_new.md").write_text(NEW_ARTICLE, encoding="utf-8")
    result = runner.invoke(app, [*base, "--date", D2.isoformat(), "--draft"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(
        "Draft only, nothing published. Read 3 articles: 2 already in earlier issues; "
        "made 1 story from 1 article"
    ), result.stdout
    assert os.path.exists(out / "draft" / "digest.json")
