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
    assert "ruff check" in blocks[2] and "mypy" in blocks[2]
    ci = [line.strip() for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()]
    # CI runs exactly the README's test command, then its lint command
    commands = [line for line in ci if line and not line.startswith("#")]
    assert commands[-2:] == [blocks[1].strip(), blocks[2].strip()]


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


#: Import names whose distribution on PyPI is spelled differently.
_DISTRIBUTIONS = {"sklearn": "scikit-learn", "rouge_score": "rouge-score"}


def _requirement_names(requirements: list[str]) -> set[str]:
    return {
        re.split(r"[\s<>=!~\[;]", r, maxsplit=1)[0].lower().replace("_", "-") for r in requirements
    }


def test_bench_extra_installs_everything_the_benchmarks_import() -> None:
    """`pip install -e '.[bench]'` (what the README says) is enough to run every script."""
    import ast
    import sys
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    installed = _requirement_names(project["dependencies"])
    installed |= _requirement_names(project["optional-dependencies"]["bench"])
    missing = set()
    for script in sorted((ROOT / "benchmarks").glob("*.py")):
        for node in ast.walk(ast.parse(script.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in sys.stdlib_module_names or top in ("digest", "tests", "__future__"):
                    continue
                dist = _DISTRIBUTIONS.get(top, top).lower().replace("_", "-")
                if dist not in installed:
                    missing.add(f"{script.name}: {top}")
    assert not missing, f"not installed by [bench]: {sorted(missing)}"
