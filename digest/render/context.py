"""Typed template contexts: one frozen dataclass per template, each field documented.

After datasette's ``Context.documented_fields``: a template is rendered with
exactly the fields of its context (:func:`digest.render.render_template` takes
the dataclass, never loose keywords), and ``tests/test_template_context.py``
checks that each template uses only documented fields and every field is used.
Text from articles reaches templates only through these fields, where Jinja
autoescaping sees it. ``settings`` is the :class:`~digest.config.Site`, the
part of the settings a renderer may use (the templates know it by that name).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from typing import ClassVar

from digest.config import Site
from digest.model import Digest
from digest.render.stories import StoryLayout


@dataclass(frozen=True)
class TemplateContext:
    """What every template context is: its fields, by name, with help."""

    #: The templates rendered with this context.
    templates: ClassVar[tuple[str, ...]] = ()

    def as_dict(self) -> dict[str, object]:
        """The fields by name, as the template sees them (not copied)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def documented_fields(cls) -> dict[str, str]:
        return {f.name: f.metadata.get("help", "") for f in fields(cls)}


@dataclass(frozen=True)
class EmailContext(TemplateContext):
    """The email, as MJML and as plain text."""

    templates: ClassVar[tuple[str, ...]] = ("email.mjml.j2", "email.txt.j2")

    digest: Digest = field(metadata={"help": "The issue."})
    settings: Site = field(metadata={"help": "The newsletter's name, site and mail identity."})
    intro: str = field(metadata={"help": "The issue's one-line introduction, on one line."})
    issue_url: str = field(metadata={"help": "The issue's web page ('view in browser')."})
    unsubscribe_href: str | None = field(
        metadata={"help": "The unsubscribe link (URL or mailto), if any."}
    )
    stories: Sequence[StoryLayout] = field(
        metadata={"help": "The stories laid out for the email (short)."}
    )
    palette: dict[str, str] = field(metadata={"help": "Light colours, inline on every element."})
    dark: dict[str, str] = field(
        metadata={"help": "Dark-mode colours, for clients that honour them."}
    )


@dataclass(frozen=True)
class EntryContext(TemplateContext):
    """One issue as a feed entry's HTML."""

    templates: ClassVar[tuple[str, ...]] = ("entry.html.j2",)

    intro: str = field(metadata={"help": "The issue's one-line introduction."})
    stories: Sequence[StoryLayout] = field(
        metadata={"help": "The stories laid out for a feed reader."}
    )


@dataclass(frozen=True)
class StoryContext(TemplateContext):
    """One story as a feed entry's HTML."""

    templates: ClassVar[tuple[str, ...]] = ("story.html.j2",)

    story: StoryLayout = field(metadata={"help": "The story laid out for a feed reader."})
    digest: Digest = field(metadata={"help": "The issue the story is in."})
    settings: Site = field(metadata={"help": "The newsletter's name and site."})
    issue_url: str = field(metadata={"help": "The web page of the story's issue."})


@dataclass(frozen=True)
class IssuePageContext(TemplateContext):
    """One issue's web page."""

    templates: ClassVar[tuple[str, ...]] = ("issue.html.j2",)

    digest: Digest = field(metadata={"help": "The issue."})
    settings: Site = field(metadata={"help": "The newsletter's name and site."})
    intro: str = field(metadata={"help": "The issue's one-line introduction."})
    issue_url: str = field(metadata={"help": "The page's own URL."})
    stories: Sequence[tuple[StoryLayout, str]] = field(
        metadata={"help": "Each story's layout and its fragment id."}
    )
    root: str = field(metadata={"help": "The path from the page to the output folder's root."})
    palette: dict[str, str] = field(metadata={"help": "Light colours."})
    dark: dict[str, str] = field(metadata={"help": "Dark-mode colours."})


@dataclass(frozen=True)
class IndexEntry:
    """One issue as the index lists it."""

    digest: Digest
    #: The issue page, relative to the index.
    page: str

    @property
    def story_count(self) -> int:
        return len(self.digest.stories)


@dataclass(frozen=True)
class IndexContext(TemplateContext):
    """The web archive's front page."""

    templates: ClassVar[tuple[str, ...]] = ("index.html.j2",)

    settings: Site = field(metadata={"help": "The newsletter's name and site."})
    issues: Sequence[IndexEntry] = field(
        metadata={"help": "Every issue, newest first, with its page."}
    )
    root: str = field(metadata={"help": "The path from the page to the output folder's root."})
    palette: dict[str, str] = field(metadata={"help": "Light colours."})
    dark: dict[str, str] = field(metadata={"help": "Dark-mode colours."})


#: Every template a build renders -> its context.
CONTEXTS: dict[str, type[TemplateContext]] = {
    name: context
    for context in (EmailContext, EntryContext, StoryContext, IssuePageContext, IndexContext)
    for name in context.templates
}
