"""The orchestrator: the stages run in pipeline order, and its two halves stand alone.

``publish`` runs read -> clean -> decide -> group/summarize/model -> render ->
publish (pelican's ``test_order_of_generators`` checks its order the same
way). ``make_issue`` (the model, nothing written) and ``publish_issue`` (render
and write a given model) are separate calls: made by hand, they give the very
bytes ``publish`` writes, and making the model writes nothing.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from digest import publish as publish_module
from digest.archive import Archive
from digest.build import make_issue, read_sources
from digest.config import Settings
from digest.decide import decide
from digest.publish import holding, publish, publish_issue

from .conftest import SEEDS

DATE = dt.date(2026, 11, 21)
SETTINGS = Settings(site_url="https://news.example/alita/")


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    shutil.copytree(SEEDS, folder)
    return folder


def every_file(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.suffix != ".sqlite3" and not p.name.endswith(".lock")
    }


def test_publish_runs_the_stages_in_pipeline_order(
    seeds: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []

    def spy(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            calls.append(name)
            return function(*args, **kwargs)

        return wrapper

    for name in ("read_sources", "decide", "make_issue", "render_outputs", "write_outputs"):
        monkeypatch.setattr(publish_module, name, spy(name, getattr(publish_module, name)))
    result = publish([seeds], out=tmp_path / "out", date=DATE, settings=SETTINGS)
    assert result.written
    assert calls == ["read_sources", "decide", "make_issue", "render_outputs", "write_outputs"]


def test_the_model_and_its_publication_are_separate_calls(seeds: Path, tmp_path: Path) -> None:
    whole = tmp_path / "whole"
    published = publish([seeds], out=whole, date=DATE, settings=SETTINGS)

    out = tmp_path / "by-hand"
    archive = Archive(out / "archive.sqlite3")
    reading = read_sources([seeds])
    previous = archive.issue(DATE)
    plan = decide(archive.used_keys(), reading.articles, DATE, issue_exists=False)
    issue = make_issue(plan, previous, reading.problems, date=DATE, host=SETTINGS.site_host)
    assert not out.exists(), "making the model writes nothing"
    assert issue.digest.stories and issue.record.id.startswith("tag:news.example,")
    with holding([out / "archive.sqlite3.lock"], timeout=5):
        written = publish_issue(out, issue.record, archive, SETTINGS, files_read=reading.files)
    assert [p.relative_to(out) for p in written] == [
        p.relative_to(whole) for p in published.written
    ]
    assert every_file(out) == every_file(whole)
    assert archive.issue(DATE) == Archive(whole / "archive.sqlite3").issue(DATE)


def test_the_outputs_are_the_renderers_files_in_order() -> None:
    from digest.render.outputs import RENDERERS

    assert list(RENDERERS) == ["json", "email", "eml", "feeds", "index", "issue-page"]
    assert RENDERERS["issue-page"].files is None  # its file is named by the issue's date
    assert publish_module.OUTPUTS == (
        "digest.json",
        "email.html",
        "email.txt",
        "digest.eml",
        "atom.xml",
        "rss.xml",
        "feed.json",
        "stories.atom.xml",
        "stories.rss.xml",
        "stories.json",
        "index.html",
    )


def test_a_renderer_that_writes_other_files_than_it_declared_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from digest.errors import RenderError
    from digest.model import Digest
    from digest.render.outputs import RENDERERS, Output

    digest = Digest(title="T", date=DATE, stories=(), intro="Nothing.")

    def stray(*_: Any) -> dict[str, bytes]:
        return {"../elsewhere.txt": b"x"}

    monkeypatch.setitem(RENDERERS, "index", Output(stray, ("index.html",)))
    with pytest.raises(RenderError, match="'index' output wrote"):
        publish_module.render_outputs(digest, SETTINGS)
