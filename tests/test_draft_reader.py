"""A real feed reader (newsboat) across a draft: nothing while it is a draft, exactly one
new item in each feed once it is published, nothing more when it is published again.

newsboat is a Debian package; ``.ci/run`` installs it. Without it this test is skipped.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from digest.cli import app
from digest.serve import serving

from .test_archive import NEW_ARTICLE
from .test_draft import ARTICLES, unwrap
from .test_reader import SUBSCRIBED, SUBSCRIBERS, Newsboat

pytestmark = pytest.mark.skipif(
    shutil.which("newsboat") is None,
    reason="newsboat is not installed (apt-get install newsboat; .ci/run does)",
)

runner = CliRunner()


def test_newsboat_sees_a_published_draft_once(tmp_path: Path) -> None:
    inputs, out = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    for name, text in ARTICLES.items():
        (inputs / name).write_text(unwrap(text), encoding="utf-8")

    def digest(*args: str) -> str:
        result = runner.invoke(app, list(args), catch_exceptions=False)
        assert result.exit_code == 0, result.stderr
        return result.stdout

    with serving(out) as base:
        site = ["--out", str(out), "--site-url", base]
        readers = [
            Newsboat(tmp_path / f"newsboat{i}", [base + name for name in names])
            for i, names in enumerate(SUBSCRIBERS)
        ]

        def reload_all() -> dict[str, set[str]]:
            seen: dict[str, set[str]] = {}
            for reader in readers:
                reader.reload()
                seen.update({u.removeprefix(base): g for u, g in reader.guids().items()})
            return seen

        digest("build", str(inputs), "--date", "2026-11-21", *site)
        first = reload_all()
        assert {name: len(first[name]) for name in ("atom.xml", "rss.xml")} == {
            "atom.xml": 1,
            "rss.xml": 1,
        }

        # a draft with one new article: the readers see nothing of it
        (inputs / "zz_new.md").write_text(NEW_ARTICLE, encoding="utf-8")
        assert "Draft only" in digest(
            "build", str(inputs), "--date", "2026-11-22", "--draft", *site
        )
        assert reload_all() == first

        # edited and published: exactly one new item in each feed
        edited = out / "draft" / "digest.json"
        data = json.loads(edited.read_text(encoding="utf-8"))
        data["stories"][0]["headline"] = "Rodriguez shows Alita 2 concept art"
        edited.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        assert digest("publish", str(out)).startswith("Published the issue of 2026-11-22")
        second = reload_all()
        assert {name: len(second[name] - first[name]) for name in second} == dict.fromkeys(
            SUBSCRIBED, 1
        )
        assert all(first[name] <= second[name] for name in first), "nothing disappears"

        # published again: nothing
        assert "published already" in digest("publish", str(out))
        assert reload_all() == second
