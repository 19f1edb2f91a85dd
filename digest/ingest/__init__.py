"""Ingest: find the articles named on the command line and read them.

Readers are registered by file suffix (as pelican registers its readers by
``file_extensions``). Each returns :class:`~digest.model.ArticleData`; a file
that cannot be read becomes a :class:`Problem` and the batch goes on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from digest.errors import IngestError, NothingUsableError
from digest.ingest.files import read_markdown, read_text
from digest.model import ArticleData

Reader = Callable[[Path, str], ArticleData]

#: File suffix -> reader. Keys are lower-case and include the dot.
READERS: dict[str, Reader] = {
    ".txt": read_text,
    ".md": read_markdown,
    ".markdown": read_markdown,
}


@dataclass(frozen=True)
class Problem:
    """An input that was skipped, and why (one line)."""

    path: str
    message: str

    def __str__(self) -> str:
        return (
            self.message if self.message.startswith(self.path) else f"{self.path}: {self.message}"
        )


@dataclass(frozen=True)
class IngestResult:
    articles: tuple[ArticleData, ...]
    problems: tuple[Problem, ...]


def find_files(sources: Sequence[Path]) -> tuple[list[Path], list[Problem]]:
    """Expand files and folders (recursively, sorted) into readable files.

    A missing path or a folder with no article in it is a :class:`Problem`.
    """
    found: list[Path] = []
    problems: list[Problem] = []
    for source in sources:
        if not source.exists():
            problems.append(
                Problem(str(source), f"{source}: no such file or folder; check the path")
            )
        elif source.is_dir():
            files = sorted(
                (p for p in source.rglob("*") if p.is_file() and p.suffix.lower() in READERS),
                key=lambda p: p.relative_to(source).as_posix(),
            )
            if not files:
                suffixes = ", ".join(sorted(READERS))
                problems.append(
                    Problem(str(source), f"{source}: folder has no article files ({suffixes})")
                )
            found.extend(files)
        elif source.suffix.lower() not in READERS:
            suffixes = ", ".join(sorted(READERS))
            problems.append(
                Problem(
                    str(source),
                    f"{source}: unsupported file type {source.suffix or '(none)'!r}; "
                    f"give a file ending in one of {suffixes}",
                )
            )
        else:
            found.append(source)
    return found, problems


def read_file(path: Path) -> ArticleData:
    """Read one file with the reader registered for its suffix."""
    reader = READERS[path.suffix.lower()]
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise IngestError(f"cannot read file ({exc.strerror})", path=str(path)) from exc
    if b"\x00" in raw[:8192]:
        raise IngestError(
            "looks like a binary file, not an article",
            path=str(path),
            fix="give a UTF-8 .txt or .md file",
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IngestError(
            f"is not valid UTF-8 (byte {exc.start})",
            path=str(path),
            fix="re-save it as UTF-8",
        ) from exc
    if not text.strip():
        raise IngestError("is empty", path=str(path), fix="remove it or add the article's text")
    return reader(path, text)


def ingest(sources: Sequence[Path]) -> IngestResult:
    """Read every article under ``sources``; skip (and report) the bad ones.

    Raises :class:`NothingUsableError` when no article could be read at all.
    """
    files, problems = find_files(sources)
    articles: list[ArticleData] = []
    for path in _unique(files):
        try:
            articles.append(read_file(path))
        except IngestError as exc:
            problems.append(Problem(str(path), str(exc)))
    if not articles:
        detail = f" ({problems[0]})" if len(problems) == 1 else ""
        raise NothingUsableError(
            f"no usable article in {', '.join(str(s) for s in sources)}{detail}",
            fix="give .txt or .md files with an article's text",
        )
    return IngestResult(tuple(articles), tuple(problems))


def _unique(paths: Iterable[Path]) -> list[Path]:
    seen: set[Path] = set()
    out = []
    for path in paths:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            out.append(path)
    return out
