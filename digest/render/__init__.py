"""Render: turn a :class:`~digest.model.Digest` into the files people read.

Templates are found through one loader chain (after datasette and pelican):
an optional override folder, then the packaged templates; a template can
extend a packaged one as ``default:NAME``. HTML, MJML and XML templates are
autoescaped; article text is untrusted and must never become markup.
"""

from __future__ import annotations

import datetime as dt
import re
import traceback
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2

from digest.errors import RenderError, TemplateNotFoundError
from digest.model import Source
from digest.render.stories import (
    hanging,
    lay_out,
    lay_out_issue,
    listed_source,
    plain_paragraph,
    web_url,
)
from digest.text import fold_space

if TYPE_CHECKING:
    from digest.render.context import TemplateContext

_ESCAPED_SUFFIXES = (".html.j2", ".mjml.j2", ".xml.j2", ".html", ".mjml", ".xml")
#: What no rendered file may hold: C0 controls but tab, LF and CR, DEL, C1
#: controls, U+FFFE, U+FFFF and lone surrogates. mjml-python's parser fails on
#: them ("unable to parse next template in root template"), XML cannot carry
#: them, UTF-8 cannot encode a surrogate, and no reader should get the rest.
#: The cleaner removes them from articles; this guard keeps them out of
#: everything else (an issue an older digest archived, a setting, a template).
_UNRENDERABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")


def renderable(text: str) -> str:
    """``text`` without the characters no rendered file may hold."""
    return _UNRENDERABLE.sub("", text)


def templates_dir() -> Path:
    """The packaged templates: inside the installed wheel, or the checkout's ``templates/``."""
    packaged = Path(str(files("digest") / "templates"))
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "templates"


def _autoescape(name: str | None) -> bool:
    return name is not None and name.endswith(_ESCAPED_SUFFIXES)


@lru_cache(maxsize=8)
def environment(override: Path | None = None) -> jinja2.Environment:
    """The Jinja environment; ``override`` templates win over packaged ones."""
    default = jinja2.FileSystemLoader(str(templates_dir()))
    loaders: list[jinja2.BaseLoader] = []
    if override is not None:
        loaders.append(jinja2.FileSystemLoader(str(override)))
    loaders.append(default)
    loaders.append(jinja2.PrefixLoader({"default": default}, delimiter=":"))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=_autoescape,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["longdate"] = long_date
    env.filters["source_label"] = source_label
    env.filters["markers"] = lambda index: f"[{index + 1}]"  # for overrides of older templates
    env.filters["plain_paragraph"] = plain_paragraph
    env.filters["hanging"] = hanging
    env.globals["web_url"] = web_url
    env.globals["lay_out"] = lay_out
    env.globals["lay_out_issue"] = lay_out_issue
    return env


def render_template(name: str, override: Path | None, context: TemplateContext) -> str:
    """Render the template ``name`` (an override's, else ours) with ``context``,
    the dataclass registered for it (:data:`digest.render.context.CONTEXTS`)."""
    from digest.render.context import CONTEXTS

    if CONTEXTS.get(name) is not type(context):
        raise TypeError(f"{name} is rendered with a {CONTEXTS.get(name)}, not {type(context)}")
    env = environment(override)
    try:
        template = env.get_template(name)
        return renderable(template.render(**context.as_dict()))
    except jinja2.TemplateNotFound as exc:
        if exc.name != name:  # a template it extends or includes
            raise _template_error(name, exc) from None
        searched = [str(p) for p in ([override] if override else []) + [templates_dir()]]
        raise TemplateNotFoundError(
            f"template {name!r} not found; searched {', '.join(searched)}"
        ) from None
    except jinja2.TemplateError as exc:  # an override with a syntax error or an unknown name
        raise _template_error(name, exc) from None


def _template_error(name: str, exc: jinja2.TemplateError) -> RenderError:
    """A template that does not parse or render, as one line naming its file and line."""
    where, line = name, getattr(exc, "lineno", None)
    if isinstance(exc, jinja2.TemplateSyntaxError):
        where = exc.filename or exc.name or name
    else:  # Jinja points the traceback at the template's own lines
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            if frame.filename.endswith((".j2", ".html", ".xml", ".mjml", ".txt")):
                where, line = frame.filename, frame.lineno
                break
    at = f"line {line}: " if line else ""
    message = fold_space(str(exc.message or exc))
    if isinstance(exc, jinja2.TemplateNotFound):
        message = f"the template {exc.name!r} it extends or includes is not found"
    return RenderError(
        f"{where}: {at}{message}", fix="fix the template, or leave it out of --templates"
    )


def long_date(value: dt.date) -> str:
    """``21 November 2026``: unambiguous in every locale."""
    return f"{value.day} {value:%B %Y}"


def source_label(source: Source) -> str:
    """How a source is named to readers: ``Outlet: Title``; never by a local path."""
    return listed_source(source, None).label


__all__ = [
    "environment",
    "lay_out",
    "lay_out_issue",
    "long_date",
    "render_template",
    "renderable",
    "source_label",
    "templates_dir",
    "web_url",
]
