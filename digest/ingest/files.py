"""Readers for local article files: plain text and Markdown."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from digest.errors import IngestError
from digest.ingest.values import parse_datetime
from digest.model import ArticleData

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_KEY_VALUE = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:[ \t]*(.*)$")
#: Front-matter keys we understand, with the aliases editors use.
_KEYS = {
    "title": "title",
    "headline": "title",
    "url": "url",
    "link": "url",
    "canonical": "url",
    "canonical_url": "url",
    "published": "published",
    "date": "published",
    "pubdate": "published",
    "outlet": "outlet",
    "source": "outlet",
    "publication": "outlet",
    "site": "outlet",
}


def read_text(path: Path, text: str) -> ArticleData:
    """A ``.txt`` article: the cleaner finds its title (first headline-like line)."""
    return ArticleData(path=str(path), text=_normalize_newlines(text))


def read_markdown(path: Path, text: str) -> ArticleData:
    """A ``.md`` article with optional front matter (title, url, published, outlet)."""
    text = _normalize_newlines(text)
    meta: dict[str, str] = {}
    match = _FRONT_MATTER.match(text)
    if match:
        meta = parse_front_matter(match.group(1), path)
        text = text[match.end() :]
    body, first_heading = markdown_to_text(text, take_title=not meta.get("title"))
    published = None
    if meta.get("published"):
        published = parse_datetime(meta["published"])
        if published is None:
            raise IngestError(
                f"front matter 'published: {meta['published']}' is not a date",
                path=str(path),
                fix="write it as YYYY-MM-DD or an ISO 8601 date-time",
            )
    url = meta.get("url") or None
    if url is not None:
        try:
            urlsplit(url).port  # noqa: B018 -- parsing is the check
        except ValueError:
            raise IngestError(
                f"front matter 'url: {url}' is not a valid URL",
                path=str(path),
                fix="write it as https://host/path",
            ) from None
    return ArticleData(
        path=str(path),
        text=body,
        title=meta.get("title") or first_heading,
        url=url,
        outlet=meta.get("outlet") or None,
        published=published,
    )


def parse_front_matter(block: str, path: Path) -> dict[str, str]:
    """``key: value`` lines (a YAML subset); unknown keys are ignored."""
    meta: dict[str, str] = {}
    for number, line in enumerate(block.splitlines(), start=2):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _KEY_VALUE.match(line)
        if not match:
            raise IngestError(
                f"front matter line {number} is not 'key: value'",
                path=str(path),
                fix="fix that line or remove the front matter",
            )
        key = _KEYS.get(match.group(1).lower())
        if key:
            meta[key] = _unquote(match.group(2).strip())
    return meta


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MD_REF_LINK = re.compile(r"\[([^\]]*)\]\[[^\]]*\]")
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|_|~~|`)(?=\S)(.+?)(?<=\S)\1")
_MD_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")
_MD_LIST = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_MD_RULE = re.compile(r"^\s*(?:[-*_]\s*){3,}$")
_MD_LINK_DEF = re.compile(r"^\s*\[[^\]]+\]:\s*\S+")


def markdown_to_text(text: str, take_title: bool = True) -> tuple[str, str | None]:
    """Markdown to plain lines (one block per line).

    With ``take_title`` the first ``#`` heading is taken out of the body and
    returned as the title.
    """
    lines: list[str] = []
    first_heading = None
    in_code = False
    for raw in text.split("\n"):
        if raw.lstrip().startswith(("```", "~~~")):
            in_code = not in_code
            continue
        if in_code or _MD_RULE.match(raw) or _MD_LINK_DEF.match(raw):
            continue
        line = raw.strip()
        heading = _MD_HEADING.match(line)
        if heading:
            line = heading.group(1)
            if take_title and first_heading is None:
                first_heading = _inline(line)
                continue
        line = _MD_LIST.sub("", line.lstrip("> ").strip())
        lines.append(_inline(line))
    return "\n".join(lines), first_heading


def _inline(text: str) -> str:
    text = _MD_IMAGE.sub("", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_REF_LINK.sub(r"\1", text)
    previous = None
    while previous != text:
        previous, text = text, _MD_EMPHASIS.sub(r"\2", text)
    return text.strip()


def _normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")
