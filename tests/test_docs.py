"""The documentation keeps up with the code: every command and option is explained."""

from __future__ import annotations

import re

import pytest
import typer
from typer.main import get_command
from typer.testing import CliRunner

from digest.cli import app

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(get_command(app).commands)  # type: ignore[attr-defined]
runner = CliRunner()


def test_readme_opens_with_the_two_commands() -> None:
    blocks = re.findall(r"```sh\n(.*?)```", README, re.DOTALL)
    assert blocks[0].strip().endswith("digest build")
    assert blocks[1].strip().endswith("python -m pytest")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    assert ci[-1].strip() == blocks[1].strip()


def test_there_are_commands() -> None:
    assert {"build", "init", "send", "serve"} <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_is_in_the_readme(name: str) -> None:
    assert f"digest {name}" in README


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_an_example_and_helped_options(name: str) -> None:
    command = get_command(app).commands[name]  # type: ignore[attr-defined]
    assert command.help, name
    assert command.epilog and "digest " + name in command.epilog, name
    for param in command.params:
        if isinstance(param, typer.core.TyperOption):
            assert param.help, f"digest {name} {param.opts[0]} has no help"
    result = runner.invoke(app, [name, "--help"], terminal_width=200)
    assert result.exit_code == 0
