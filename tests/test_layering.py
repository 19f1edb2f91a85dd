"""The package's dependencies point one way: down the pipeline, never up, no cycle.

The import graph is read from the source (``ast``, every ``import`` in a
module, at any depth, so imports inside functions and under
``TYPE_CHECKING`` count too), then checked against :data:`LAYERS`. A module
may import its own layer or a lower one. Adding a module means placing it
here, on purpose.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "digest"

#: The layers, lowest first, each a list of module prefixes. The pipeline reads
#: bottom to top: read -> clean -> decide -> summarize -> render -> build and
#: publish; delivery (send, serve) works on what was published.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    (
        "foundation",
        (
            "digest",
            "digest.errors",
            "digest.text",
            "digest.model",
            "digest.config",
            "digest.names",
            "digest.files",
        ),
    ),
    ("identities", ("digest.keys", "digest.records")),
    ("read", ("digest.ingest",)),
    ("clean", ("digest.clean", "digest.language")),
    ("decide", ("digest.decide", "digest.archive")),
    ("summarize", ("digest.summarize",)),
    ("message", ("digest.mail",)),
    ("render", ("digest.render",)),
    ("build", ("digest.build",)),
    ("publish", ("digest.publish",)),
    ("draft", ("digest.draft",)),
    ("deliver", ("digest.subscribers", "digest.send", "digest.serve")),
    ("cli", ("digest.cli", "digest.__main__")),
]

#: What delivery (``digest send``, ``digest serve``) must never reach, even
#: through another module: the readers, the summarizer, the renderers, the build.
NOT_FOR_DELIVERY = ("read", "clean", "decide", "summarize", "render", "build", "publish")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def graph() -> dict[str, set[str]]:
    """Each module of the package -> the modules of the package it imports."""
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    edges: dict[str, set[str]] = {}
    for name, path in modules.items():
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                assert node.level == 0, f"{name}: use absolute imports"
                base = node.module or ""
                # `from digest import subscribers` imports the module digest.subscribers
                targets = [
                    f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                    for alias in node.names
                ]
            else:
                continue
            found.update(t for t in targets if t in modules and t != name)
        edges[name] = found
    return edges


def layer_of(module: str) -> int:
    best, rank = -1, -1
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best:
                best, rank = len(prefix), index
    assert rank >= 0, f"{module} has no layer: place it in LAYERS"
    return rank


def test_the_graph_sees_the_package() -> None:
    edges = graph()
    assert {"digest.cli", "digest.publish", "digest.ingest.html"} <= set(edges)
    assert "digest.summarize.concepts" in edges["digest.summarize"]  # a lazy import counts
    assert "digest.subscribers" in edges["digest.send"]  # `from digest import subscribers`


def test_every_module_has_a_layer() -> None:
    for module in graph():
        layer_of(module)


def test_no_module_imports_a_higher_layer() -> None:
    upward = [
        f"{source} ({LAYERS[layer_of(source)][0]}) imports {target} ({LAYERS[layer_of(target)][0]})"
        for source, targets in graph().items()
        for target in sorted(targets)
        if layer_of(target) > layer_of(source)
    ]
    assert not upward, "\n".join(upward)


def test_there_is_no_import_cycle() -> None:
    edges = graph()
    state: dict[str, int] = {}  # 1: on the path, 2: done
    path: list[str] = []

    def visit(module: str) -> None:
        state[module] = 1
        path.append(module)
        for target in sorted(edges[module]):
            if state.get(target) == 1:
                cycle = [*path[path.index(target) :], target]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if target not in state:
                visit(target)
        path.pop()
        state[module] = 2

    for module in sorted(edges):
        if module not in state:
            visit(module)


def reachable(module: str) -> set[str]:
    edges, seen, todo = graph(), set(), [module]
    while todo:
        for target in edges[todo.pop()]:
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


@pytest.mark.parametrize("module", ["digest.send", "digest.serve", "digest.subscribers"])
def test_delivery_never_reaches_the_pipeline(module: str) -> None:
    banned = {LAYERS.index(layer) for layer in LAYERS if layer[0] in NOT_FOR_DELIVERY}
    reached = sorted(m for m in reachable(module) if layer_of(m) in banned)
    assert not reached, f"{module} reaches {reached}"


#: What importing send or serve must not load (seen at run time, in a fresh interpreter).
HEAVY = ("trafilatura", "mjml", "feedgen", "jinja2", "digest.summarize", "digest.render")

PROBE = "import json, sys; __import__(sys.argv[1]); print(json.dumps(sorted(sys.modules)))"


@pytest.mark.parametrize("module", ["digest.send", "digest.serve"])
def test_importing_delivery_loads_nothing_heavy(module: str) -> None:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", PROBE, module],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    loaded = set(json.loads(done.stdout))
    assert module in loaded
    heavy = sorted(m for m in loaded if m in HEAVY or m.startswith(tuple(h + "." for h in HEAVY)))
    assert not heavy, heavy
    # -X importtime reports the same: none of them was imported at all
    timed = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()}
    assert module in timed and not timed & set(HEAVY)


def test_the_probe_sees_a_heavy_import() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "digest.publish"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert {"mjml", "digest.render", "digest.summarize"} <= set(json.loads(done.stdout))


def test_the_readme_shows_the_layers() -> None:
    readme = (PACKAGE.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Architecture", 1)[1].split("\n## ", 1)[0]
    for name, prefixes in LAYERS:
        assert name in section, f"the README's architecture section does not name layer {name!r}"
        for prefix in prefixes:
            module = prefix.removeprefix("digest").removeprefix(".")
            if module:
                assert f"`{module.split('.')[0]}" in section, f"{prefix} missing from the README"


#: The longest a function's body may be (its docstring left out): issue 13's
#: "small rooms" -- a longer function is doing more than one job.
MAX_FUNCTION_LINES = 60


def test_no_function_is_longer_than_a_screen() -> None:
    long = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            body = node.body
            first = body[0]
            if (
                len(body) > 1
                and isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                body = body[1:]
            assert node.end_lineno is not None
            lines = node.end_lineno - body[0].lineno + 1
            if lines > MAX_FUNCTION_LINES:
                long.append(
                    f"{path.relative_to(PACKAGE.parent)}:{node.lineno} {node.name}: {lines}"
                )
    assert not long, "\n".join(long)
