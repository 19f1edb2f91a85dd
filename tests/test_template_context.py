"""Each template is rendered with its typed context, and uses exactly its documented fields.

A contract test after datasette's ``test_template_context.py``: the variables a
template (with every template it extends, includes or imports) reads are the
fields of its context dataclass, no more (a variable the renderer forgot) and
no fewer (a field no template reads), and every field says what it is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields

import jinja2
import jinja2.meta
import jinja2.nodes
import pytest

from digest.config import Settings, Site
from digest.model import Digest
from digest.render import environment, render_template, templates_dir
from digest.render.context import CONTEXTS, EntryContext, IndexContext, TemplateContext
from digest.render.palette import DARK, LIGHT


def variables(name: str, env: jinja2.Environment, seen: set[str] | None = None) -> set[str]:
    """The variables template ``name`` and the templates it pulls in read from the context."""
    seen = set() if seen is None else seen
    seen.add(name)
    source = (templates_dir() / name).read_text(encoding="utf-8")
    tree = env.parse(source)
    found = set(jinja2.meta.find_undeclared_variables(tree))
    # macros imported by name are the template's own, not context
    for node in tree.find_all(jinja2.nodes.FromImport):
        found -= {n if isinstance(n, str) else n[1] for n in node.names}
    for other in jinja2.meta.find_referenced_templates(tree):
        if other is not None and other not in seen:
            found |= variables(other, env, seen)
    return found


def test_every_packaged_template_rendered_alone_has_a_context() -> None:
    partials = {p.name for p in templates_dir().glob("_*.j2")}
    rendered = {p.name for p in templates_dir().glob("*.j2")} - partials
    assert rendered == set(CONTEXTS)


@pytest.mark.parametrize("context", sorted(set(CONTEXTS.values()), key=lambda c: c.__name__))
def test_a_context_is_exactly_what_its_templates_read(context: type[TemplateContext]) -> None:
    env = environment(None)
    documented = context.documented_fields()
    used = set().union(*(variables(name, env) for name in context.templates))
    # names the environment provides (filters' helpers, globals) are not context
    used -= set(env.globals)
    assert used == set(documented), (
        f"{context.__name__}: read but not documented {sorted(used - set(documented))}, "
        f"documented but never read {sorted(set(documented) - used)}"
    )
    assert all(text.strip() for text in documented.values()), "every field has help"
    assert [f.name for f in fields(context)] == list(documented)


def test_a_template_refuses_another_templates_context() -> None:
    digest = Digest(title="T", date=dt.date(2026, 11, 21), stories=(), intro="Nothing.")
    entry = EntryContext(intro=digest.intro, stories=())
    assert "<" in render_template("entry.html.j2", None, entry)
    with pytest.raises(TypeError, match=r"index\.html\.j2 is rendered with"):
        render_template("index.html.j2", None, entry)
    index = IndexContext(settings=Settings().site, issues=(), root="", palette=LIGHT, dark=DARK)
    assert "<html" in render_template("index.html.j2", None, index)


def test_the_site_is_a_part_of_the_settings_with_their_defaults() -> None:
    site_fields = {f.name: f.default for f in fields(Site)}
    settings_fields = {f.name: f.default for f in fields(Settings)}
    assert site_fields.items() <= settings_fields.items()
    given = Settings(name="N", site_url="https://x.example/a", view_url="https://x.example/{date}")
    assert given.site == Site(name="N", site_url="https://x.example/a", view_url=given.view_url)
    assert given.site.issue_url("2026-11-21") == "https://x.example/2026-11-21"
    assert (given.site_host, given.base_url) == ("x.example", "https://x.example/a/")


def test_a_field_without_help_is_documented_as_empty_text() -> None:
    """A field someone forgot to document reads as "" (a string the help check
    above can test and name), never None or made-up text."""

    @dataclass(frozen=True)
    class Sketch(TemplateContext):
        documented: str = field(metadata={"help": "Says what it is."})
        forgotten: str = ""

    assert Sketch.documented_fields() == {"documented": "Says what it is.", "forgotten": ""}
    assert Sketch(documented="a").as_dict() == {"documented": "a", "forgotten": ""}
