"""Golden files: the seeds through the whole pipeline, compared byte for byte.

Regenerate after an intended change with:

    python -m pytest tests/test_golden.py --update-goldens
"""

from __future__ import annotations

from pathlib import Path

import pytest

from digest.build import build_digest
from digest.config import Settings
from digest.publish import OUTPUTS, render_outputs
from digest.render.web import issue_page

from .conftest import GOLDEN, ISSUE_DATE, ROOT, SEEDS

CASE = GOLDEN / "seeds"


@pytest.fixture(scope="module")
def outputs() -> dict[str, bytes]:
    relative = Path(SEEDS.relative_to(ROOT))
    import os

    cwd = os.getcwd()
    os.chdir(ROOT)  # paths in the outputs are recorded as given: keep them relative
    try:
        result = build_digest([relative], date=ISSUE_DATE)
    finally:
        os.chdir(cwd)
    return render_outputs(result.digest, Settings(site_url="https://alita.example/digest/"))


@pytest.mark.parametrize("name", [*OUTPUTS, issue_page(ISSUE_DATE)])
def test_output_matches_golden(outputs: dict[str, bytes], name: str, update_goldens: bool) -> None:
    golden = CASE / name
    if update_goldens:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_bytes(outputs[name])
        pytest.skip(f"updated {golden}")
    assert golden.exists(), f"{golden} missing: run pytest tests/test_golden.py --update-goldens"
    assert outputs[name] == golden.read_bytes(), (
        f"{name} differs from {golden}; if the change is intended, "
        "run: python -m pytest tests/test_golden.py --update-goldens"
    )


def test_seeds_junk_never_reaches_an_output(outputs: dict[str, bytes]) -> None:
    junk = [
        "commission",
        "Learn more",
        "YouTube Thumbnail",
        "check out our guide",
        "4 Minutes",
        "Leave a Comment",
        "Last Air?",
        "(note:",
    ]
    for name, data in outputs.items():
        text = data.decode("utf-8")
        for needle in junk:
            assert needle.lower() not in text.lower(), (needle, name)
