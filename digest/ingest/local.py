"""Files on disk: folders expanded into the files ingest reads, and their bytes checked."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from digest.errors import IngestError
from digest.ingest.results import Problem
from digest.ingest.sources import Body, kind_of_file, suffixes
from digest.model import ArticleData


def find_files(sources: Sequence[Path]) -> tuple[list[Path], list[Problem]]:
    """Expand files and folders (recursively, sorted) into readable files.

    A missing path or a folder with no article in it is a :class:`Problem`.
    """
    found: list[Path] = []
    problems: list[Problem] = []
    readable = suffixes()
    listed = ", ".join(sorted(readable))
    for source in sources:
        if not source.exists():
            problems.append(
                Problem(
                    str(source), f"{source}: no such file or folder; check the path", "not found"
                )
            )
        elif source.is_dir():
            files = sorted(
                (p for p in source.rglob("*") if p.is_file() and p.suffix.lower() in readable),
                key=lambda p: p.relative_to(source).as_posix(),
            )
            if not files:
                problems.append(
                    Problem(
                        str(source),
                        f"{source}: folder has no article files ({listed})",
                        "not found",
                    )
                )
            found.extend(files)
        elif source.suffix.lower() not in readable:
            problems.append(
                Problem(
                    str(source),
                    f"{source}: unsupported file type {source.suffix or '(none)'!r}; "
                    f"give a file ending in one of {listed}",
                    "unreadable",
                )
            )
        else:
            found.append(source)
    return found, problems


def read_bytes(path: Path) -> bytes:
    """A file's bytes; :class:`IngestError` when unreadable, binary or empty."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise IngestError(f"cannot read file ({exc.strerror})", path=str(path)) from exc
    if (
        b"\x00" in raw[:8192]
        and not raw.startswith((b"\xff\xfe", b"\xfe\xff"))
        and not _utf16_markup(raw)
    ):
        raise IngestError(
            "looks like a binary file, not an article",
            path=str(path),
            fix="give a UTF-8 .txt or .md file",
        )
    if not raw.strip():
        raise IngestError("is empty", path=str(path), fix="remove it or add the article's text")
    return raw


def _utf16_markup(raw: bytes) -> bool:
    """An XML or HTML document in UTF-16 without a byte order mark.

    Its NULs are the high bytes of ASCII markup (``<\\0?\\0x\\0`` little-endian,
    ``\\0<\\0?`` big-endian): after any spaces it starts with a tag (``<`` then
    ``?``, ``!`` or a letter) of printable ASCII up to its ``>``, and no NUL
    character follows.
    """
    head = raw[:512]
    head = head[: len(head) - len(head) % 2]
    for codec in ("utf-16-le", "utf-16-be"):
        text = head.decode(codec, errors="replace").lstrip(" \t\r\n")
        tag, closed, _ = text.partition(">")
        if (
            closed
            and re.match(r"<[?!A-Za-z]", tag)
            and tag.isascii()
            and tag.isprintable()
            and "\x00" not in text
        ):
            return True
    return False


def read_file(path: Path) -> ArticleData:
    """Read one text article (``.txt``, ``.md``) with the reader registered for its suffix."""
    kind = kind_of_file(path, b"")
    return kind.read(Body(read_bytes(path), str(path), path=path)).articles[0]
