"""The templates ship inside the wheel and are found from it."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .conftest import ROOT

TEMPLATES = sorted(p.name for p in (ROOT / "templates").iterdir() if p.is_file())


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    return next(out.glob("digest-*.whl"))


@pytest.mark.slow
def test_wheel_carries_templates_and_seeds(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for template in TEMPLATES:
        assert f"digest/templates/{template}" in names
    assert "digest/data/stopwords-en.txt" in names
    assert "digest/schema/digest.schema.json" in names
    assert any(n.startswith("digest/seeds/") and n.endswith(".txt") for n in names)


@pytest.mark.slow
def test_installed_wheel_finds_its_templates(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--quiet",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    code = (
        "import digest.render as r, sys; d = r.templates_dir(); "
        "assert str(d).startswith(sys.argv[1]), d; print(sorted(p.name for p in d.iterdir()))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(target)],
        cwd=tmp_path,
        env={"PYTHONPATH": str(target), "PATH": ""},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    for template in TEMPLATES:
        assert template in result.stdout
