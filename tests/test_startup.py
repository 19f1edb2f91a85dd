"""A help text starts at once: the CLI imports the pipeline inside the commands.

A test of the layering, not a timed test: each help text runs in a fresh
interpreter, which then reports what it had imported.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from digest.cli import SecurityMode
from digest.send import Security

#: What a help text must never load: the readers, the renderers, the solver (and
#: pydantic, which typer loads only to coerce its own --help option).
HEAVY = ("trafilatura", "feedparser", "mjml", "scipy", "numpy", "wordfreq", "lxml", "pydantic")

PROBE = """
import json, sys
exec(sys.argv[2])
sys.argv = ["digest", *json.loads(sys.argv[1])]
from digest.cli import main
try:
    main()
except SystemExit as exc:
    code = exc.code
else:
    code = 0
sys.stderr.write("\\nMODULES " + json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def loaded(*args: str, first: str = "") -> set[str]:
    """The top-level modules a fresh interpreter holds after ``digest ARGS`` (and ``first``)."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(list(args)), first],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    report = json.loads(done.stderr.rsplit("\nMODULES ", 1)[1])
    assert report["code"] in (0, None), done.stderr
    assert "Usage:" in done.stdout
    return {name.split(".")[0] for name in report["modules"]}


@pytest.mark.parametrize(
    "args",
    [("--help",), ("send", "--help"), ("build", "--help"), ("serve", "--help"), ("init", "--help")],
)
def test_a_help_text_imports_nothing_heavy(args: tuple[str, ...]) -> None:
    modules = loaded(*args)
    assert "digest" in modules
    assert not modules & set(HEAVY), sorted(modules & set(HEAVY))


def test_the_probe_sees_what_the_pipeline_imports() -> None:
    modules = loaded("--help", first="import digest.publish")
    assert {"lxml", "mjml"} <= modules


def test_the_cli_offers_the_security_modes_sending_knows() -> None:
    assert [m.value for m in SecurityMode] == [s.value for s in Security]
