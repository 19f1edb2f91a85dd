"""Drafts: ``digest build --draft`` writes an issue for the editor, ``digest publish`` publishes it.

A draft is everything a build would publish for the issue, rendered exactly
as the build would render it, but written into ``OUT/draft/`` and recorded
nowhere:

* ``digest.json`` -- the issue, the one file the editor edits (its shape is
  ``digest/schema/digest.schema.json``; the README says what may change);
* ``email.html``, ``email.txt``, ``digest.eml`` -- the email, as it would be sent;
* ``index.html`` -- the issue's page, byte for byte what ``issues/DATE.html``
  will be (one folder down, so its links lead to the public site's pages);
* ``.draft.json`` -- what the editor does not edit: what the archive will
  record (the issue's id and time, its stories' ids, the keys of each cited
  article), the records of the files read, the settings and templates the
  draft was rendered with, and the issue as it stood in the archive when the
  draft was made. :func:`publish_draft` refuses a draft whose state is missing
  or damaged.

:func:`check_draft` judges an edited ``digest.json`` against the schema, then
against the draft (a citation past a story's sources, a source the draft does
not have, fields that may not change, text over the limits) and returns one
line per problem, each naming its JSON path. :func:`publish_draft` publishes
a draft that passes, through :func:`digest.publish.publish_issue`, the same
step a build ends with, so the same digest gives the same bytes.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from digest.archive import Archive
from digest.clean import TITLE_MAX_CHARS, has_words
from digest.config import Settings, text_problem
from digest.errors import DigestError, ExitStatus
from digest.keys import (
    article_keys,
    fingerprint,
    get_hash,
    issue_id,
    issue_time,
    source_identity,
    story_id,
)
from digest.model import Article, Digest, digest_from_dict, digest_to_dict, source_to_dict
from digest.records import FileRecord, IssueRecord, StoryRecord
from digest.summarize.sentences import MAX_WORDS
from digest.text import fold_space

#: The draft's folder inside the output folder.
DRAFT_FOLDER = "draft"
#: The file the editor edits.
DRAFT_FILE = "digest.json"
#: What the editor does not edit (hidden, never served).
STATE_FILE = ".draft.json"
#: The draft's issue page: ``issues/DATE.html`` as it will be published.
DRAFT_PAGE = "index.html"
#: The files of a draft, in the order they are written and reported.
DRAFT_OUTPUTS = (DRAFT_FILE, "email.html", "email.txt", "digest.eml", DRAFT_PAGE, STATE_FILE)
#: Bumped when the state file's meaning changes; an older draft is refused.
STATE_VERSION = 1

#: The longest title or headline, in characters: the cleaner's limit for titles.
HEADLINE_MAX_CHARS = TITLE_MAX_CHARS
#: The longest introduction, in characters.
INTRO_MAX_CHARS = 600
#: The longest sentence an editor may write, in words: the summarizer's own limit.
SENTENCE_MAX_WORDS = MAX_WORDS
#: The largest digest.json read, in bytes.
DRAFT_MAX_BYTES = 4 * 1024 * 1024

#: A difference's markers: "[2]" is the story's second source, "[1, 3]" two.
_MARKER = re.compile(r"\[(\d{1,4}(?:,\s*\d{1,4})*)\]")


class DraftError(DigestError):
    """A draft that cannot be published as it is (one line: what and the fix)."""

    exit_status = ExitStatus.USAGE


class DraftProblems(DraftError):
    """An edited ``digest.json`` that does not pass :func:`check_draft`."""

    def __init__(self, path: Path, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        count = len(self.problems)
        super().__init__(
            f"{count} problem{'s' if count != 1 else ''}; nothing written",
            path=str(path),
            fix="fix them and run digest publish again",
        )


def draft_folder(out: Path) -> Path:
    return out / DRAFT_FOLDER


# -- the schema -------------------------------------------------------------------------


def schema_path() -> Path:
    """The JSON Schema of ``digest.json``, shipped in the package."""
    return Path(str(files("digest") / "schema" / "digest.schema.json"))


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(schema_path().read_text(encoding="utf-8"))
    return data


def json_path(parts: Iterable[str | int]) -> str:
    """``stories[2].sentences[0]`` for ``("stories", 2, "sentences", 0)``."""
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else part)
    return path or "(the whole file)"


_TYPE_NAMES = {
    "string": "a string",
    "integer": "an integer",
    "array": "a list",
    "object": "an object",
    "null": "null",
    "number": "a number",
    "boolean": "true or false",
}


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "a list" if isinstance(value, list) else "an object"


def schema_problems(data: object) -> list[str]:
    """What the schema says is wrong with ``data``, one line each, sorted by path."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema())
    found: list[tuple[list[str | int], str]] = []
    for error in validator.iter_errors(data):
        where = list(error.absolute_path)
        value, rule, kind = error.instance, error.validator, error.validator_value
        if rule == "additionalProperties" and isinstance(value, dict):
            known = set(error.schema.get("properties", {}))
            for key in sorted(set(value) - known):
                found.append(([*where, key], "unknown key"))
            continue
        if rule == "required" and isinstance(value, dict):
            for key in kind:
                if key not in value:
                    found.append(([*where, key], "missing"))
            continue
        if rule == "type":
            kinds = [kind] if isinstance(kind, str) else list(kind)
            wanted = " or ".join(_TYPE_NAMES.get(k, k) for k in kinds)
            message = f"must be {wanted}, not {_json_type(value)}"
        elif rule in ("minItems", "minLength"):
            message = "must not be empty"
        elif rule == "maxLength":
            message = f"is {len(value)} characters; at most {kind}"
        elif rule == "minimum":
            message = f"must be at least {kind}"
        elif rule == "const":
            message = f"must be {json.dumps(kind)}"
        elif rule == "pattern":
            message = "must be a date, YYYY-MM-DD"
        else:  # pragma: no cover - the schema uses no other rule
            message = fold_space(error.message)
        found.append((where, message))
    found.sort(key=lambda item: [(0, p) if isinstance(p, int) else (1, p) for p in item[0]])
    return [f"{json_path(where)}: {message}" for where, message in found]


# -- the state --------------------------------------------------------------------------


@dataclass(frozen=True)
class DraftSource:
    """A source of the draft: what the archive will know its article by."""

    #: The source as ``digest.json`` shows it (:func:`digest.model.source_to_dict`).
    shown: dict[str, Any]
    #: Its identity in a story key (:func:`digest.archive.source_identity`).
    identity: str
    #: The keys its article is marked used by (empty for a story published before).
    keys: tuple[str, ...]
    #: Its article's place among the articles read (the order a build records keys in).
    position: int = -1


@dataclass(frozen=True)
class DraftState:
    """What a draft carries besides ``digest.json``; written to ``.draft.json``."""

    date: dt.date
    #: The issue as the draft wrote it (``digest.json`` before any edit).
    drafted: dict[str, Any]
    #: Every source of the draft.
    sources: tuple[DraftSource, ...]
    #: Each drafted story's record, and its sources (indexes into :attr:`sources`).
    stories: tuple[tuple[StoryRecord, tuple[int, ...]], ...]
    #: The files the build read (the archive's record of files).
    files: tuple[FileRecord, ...]
    #: The issue of :attr:`date` in the archive when the draft was made: its
    #: :func:`issue_fingerprint`, or None when there was none.
    base: str | None
    settings: Settings
    templates: str | None
    #: The archive's path, or None for the default one beside the outputs.
    archive: str | None


def issue_fingerprint(record: IssueRecord) -> str:
    """A hash of an archived issue: its digest, ids and article keys."""
    return get_hash(
        {
            "id": record.id,
            "digest": digest_to_dict(record.digest),
            "stories": [[s.id, s.key] for s in record.stories],
            "keys": sorted(record.article_keys),
        }
    )


def _when(value: dt.datetime) -> str:
    return value.isoformat()


def state_to_dict(state: DraftState) -> dict[str, Any]:
    settings = dataclasses.asdict(state.settings)
    settings["sources"] = list(state.settings.sources)
    return {
        "version": STATE_VERSION,
        "note": "Written by digest build --draft; do not edit. Edit digest.json.",
        "date": state.date.isoformat(),
        "base": state.base,
        "archive": state.archive,
        "templates": state.templates,
        "settings": settings,
        "sources": [
            {"shown": s.shown, "identity": s.identity, "keys": list(s.keys), "position": s.position}
            for s in state.sources
        ],
        "stories": [
            {"id": r.id, "key": r.key, "published": _when(r.published), "sources": list(refs)}
            for r, refs in state.stories
        ],
        "files": [
            {
                "source": f.source,
                "size": f.size,
                "mtime_ns": f.mtime_ns,
                "digest": f.digest,
                "articles": [[list(keys), published] for keys, published in f.articles],
            }
            for f in state.files
        ],
        "drafted": state.drafted,
    }


def state_from_dict(data: Any) -> DraftState:
    """Inverse of :func:`state_to_dict`; raises ValueError, KeyError or TypeError on damage."""
    if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
        raise ValueError("not a draft state of this version")
    settings = dict(data["settings"])
    settings["sources"] = tuple(settings["sources"])
    return DraftState(
        date=dt.date.fromisoformat(data["date"]),
        drafted=dict(data["drafted"]),
        sources=tuple(
            DraftSource(
                dict(s["shown"]),
                str(s["identity"]),
                tuple(map(str, s["keys"])),
                int(s["position"]),
            )
            for s in data["sources"]
        ),
        stories=tuple(
            (
                StoryRecord(str(s["id"]), str(s["key"]), dt.datetime.fromisoformat(s["published"])),
                tuple(int(i) for i in s["sources"]),
            )
            for s in data["stories"]
        ),
        files=tuple(
            FileRecord(
                str(f["source"]),
                int(f["size"]),
                int(f["mtime_ns"]),
                str(f["digest"]),
                tuple((tuple(keys), published) for keys, published in f["articles"]),
            )
            for f in data["files"]
        ),
        base=data["base"],
        settings=Settings(**settings),
        templates=data["templates"],
        archive=data["archive"],
    )


def make_state(
    digest: Digest,
    record: IssueRecord,
    articles: Sequence[Article],
    previous: IssueRecord | None,
    files_read: Sequence[FileRecord],
    settings: Settings,
    templates: Path | None,
    archive: str | None,
) -> DraftState:
    """The state of a draft of ``digest``, whose record a build would write is ``record``."""
    by_source: dict[tuple[str | None, str | None], tuple[int, Article]] = {
        (a.path, a.url): (i, a) for i, a in enumerate(articles)
    }
    sources: list[DraftSource] = []
    index: dict[str, int] = {}
    stories = []
    for story, story_record in zip(digest.stories, record.stories, strict=True):
        refs = []
        for source in story.sources:
            shown = source_to_dict(source)
            token = json.dumps(shown, sort_keys=True)
            if token not in index:
                position, article = by_source.get((source.path, source.url), (-1, None))
                identity = source_identity(source, [article] if article else [])
                keys = article_keys(article) if article else ()
                index[token] = len(sources)
                sources.append(DraftSource(shown, identity, keys, position))
            refs.append(index[token])
        stories.append((story_record, tuple(refs)))
    return DraftState(
        date=digest.date,
        drafted=digest_to_dict(digest),
        sources=tuple(sources),
        stories=tuple(stories),
        files=tuple(files_read),
        base=issue_fingerprint(previous) if previous else None,
        settings=settings,
        templates=str(templates.resolve()) if templates else None,
        archive=archive,
    )


# -- writing a draft ----------------------------------------------------------------------


def draft_files(
    published: Mapping[str, bytes], date: dt.date, state: DraftState
) -> dict[str, bytes]:
    """The files of a draft, from the files a publication would write."""
    from digest.names import issue_page

    chosen = {name: published[name] for name in DRAFT_OUTPUTS[:4]}
    chosen[DRAFT_PAGE] = published[issue_page(date)]
    chosen[STATE_FILE] = (
        json.dumps(state_to_dict(state), ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    ).encode("utf-8")
    return chosen


def write_draft(
    out: Path,
    digest: Digest,
    record: IssueRecord,
    articles: Sequence[Article],
    previous: IssueRecord | None,
    files_read: Sequence[FileRecord],
    store: Archive,
    settings: Settings,
    templates: Path | None = None,
    check: Callable[[Mapping[str, bytes]], None] | None = None,
) -> tuple[Path, ...]:
    """Render ``record``'s issue as a build would, and write it as a draft into
    ``OUT/draft/`` (all or nothing); nothing public, nothing in the archive.

    ``articles`` are those the stories cite, ``previous`` the archived issue of
    the same date (if any), ``files_read`` the records of the files read.
    """
    from digest.publish import default_archive, render_outputs, write_outputs

    published = render_outputs(digest, settings, templates, record=record, archived=store.issues())
    if check is not None:
        check(published)
    default = store.path.resolve() == default_archive(out).resolve()
    archive = None if default else str(store.path.resolve())
    state = make_state(digest, record, articles, previous, files_read, settings, templates, archive)
    return tuple(write_outputs(draft_folder(out), draft_files(published, digest.date, state)))


# -- checking an edited draft ---------------------------------------------------------------


def read_draft(out: Path) -> tuple[object, DraftState]:
    """The edited ``digest.json`` (parsed, unchecked) and the draft's state.

    Raises :class:`DraftError` for a draft that is missing, unreadable, not
    JSON (naming the line and column) or whose state is damaged.
    """
    folder = draft_folder(out)
    edited, state_file = folder / DRAFT_FILE, folder / STATE_FILE
    if not edited.is_file() or not state_file.is_file():
        raise DraftError(
            "no draft here",
            path=str(folder),
            fix=f"make one with: digest build --draft --out {out}",
        )
    try:
        state = state_from_dict(json.loads(state_file.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        raise DraftError(
            "the draft's state is damaged or from another version of digest",
            path=str(state_file),
            fix=f"make the draft again with: digest build --draft --out {out}",
        ) from None
    try:
        with edited.open("rb") as handle:
            raw = handle.read(DRAFT_MAX_BYTES + 1)
    except OSError as exc:
        raise DraftError(f"cannot read it ({exc.strerror or exc})", path=str(edited)) from None
    if len(raw) > DRAFT_MAX_BYTES:
        raise DraftError(
            f"over {DRAFT_MAX_BYTES // (1024 * 1024)} MB", path=str(edited), fix="shorten it"
        )
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise DraftError("not UTF-8 text", path=str(edited), fix="save it as UTF-8") from None
    except json.JSONDecodeError as exc:
        raise DraftProblems(
            edited, [f"line {exc.lineno}, column {exc.colno}: not JSON ({exc.msg})"]
        ) from None
    except RecursionError:
        raise DraftProblems(edited, ["(the whole file): nested too deep"]) from None
    return data, state


def _one_line(path: str, value: object) -> list[str]:
    if not isinstance(value, str):
        return []
    problem = text_problem(value)
    if problem:
        return [f"{path}: {problem}"]
    if value and not has_words(value):
        return [f"{path}: says nothing (no letter or digit)"]
    return []


def _indexes(path: str, value: object, count: int) -> list[str]:
    """Problems with a list of source indexes into a story of ``count`` sources."""
    if not isinstance(value, list):
        return []
    problems = []
    ints = [i for i in value if isinstance(i, int) and not isinstance(i, bool)]
    for position, index in enumerate(value):
        if isinstance(index, int) and not isinstance(index, bool) and index >= count:
            problems.append(
                f"{path}[{position}]: no such source; the story has {count}"
                f" (indexes count from 0, so at most {count - 1})"
            )
    if len(ints) == len(value) and ints != sorted(set(ints)):
        problems.append(f"{path}: must be ascending, each source once")
    return problems


def check_draft(data: object, state: DraftState) -> list[str]:
    """Every problem with the edited ``data`` as a draft of ``state``, one line each.

    The schema first (unknown keys, wrong types, missing or empty fields), then
    what it cannot say: the fields that may not change, a citation or a
    difference naming a source the story lacks, a source the draft does not
    have, text that is not one line or over the limits.
    """
    try:
        problems = schema_problems(data)
    except RecursionError:  # JSON nested deeper than any digest.json
        return ["(the whole file): nested too deep"]
    if not isinstance(data, dict):
        return problems
    drafted = state.drafted
    flagged = {problem.split(":", 1)[0] for problem in problems}
    for key in ("date", "topic", "article_count"):  # the schema fixes the version
        if key in data and key not in flagged and data[key] != drafted[key]:
            problems.append(
                f"{key}: cannot be changed in a draft (it is {json.dumps(drafted[key])})"
            )
    # the schema has the lengths (HEADLINE_MAX_CHARS, INTRO_MAX_CHARS)
    problems += _one_line("title", data.get("title"))
    problems += _one_line("intro", data.get("intro"))
    stories = data.get("stories")
    if not isinstance(stories, list):
        return problems
    limit = state.settings.max_stories
    if len(stories) > limit:
        problems.append(f"stories: {len(stories)} stories; at most {limit} (max_stories)")
    known = {json.dumps(s.shown, sort_keys=True) for s in state.sources}
    drafted_sentences = {x["text"] for story in drafted["stories"] for x in story["sentences"]}
    # the sources of the headline-only stories the draft made (no sentence to tell)
    headline_only = {
        json.dumps(source, sort_keys=True)
        for story in drafted["stories"]
        if not story["sentences"]
        for source in story["sources"]
    }
    for i, story in enumerate(stories):
        if isinstance(story, dict):
            problems += _story_problems(
                f"stories[{i}]", story, known, drafted_sentences, headline_only
            )
    return problems


def _story_problems(
    at: str,
    story: dict[str, Any],
    known: set[str],
    drafted_sentences: set[str],
    headline_only: set[str],
) -> list[str]:
    """The problems of one edited story (at JSON path ``at``) that the schema cannot see."""
    problems = _one_line(f"{at}.headline", story.get("headline"))
    sources = story.get("sources")
    count = len(sources) if isinstance(sources, list) else 0
    if isinstance(sources, list):
        problems += _source_problems(at, sources, known)
    sentences = story.get("sentences")
    if (
        sentences == []
        and isinstance(sources, list)
        and not {json.dumps(x, sort_keys=True) for x in sources} <= headline_only
    ):
        problems.append(f"{at}.sentences: an empty story; keep a sentence, or delete the story")
    for j, sentence in enumerate(sentences if isinstance(sentences, list) else []):
        if isinstance(sentence, dict):
            problems += _sentence_problems(
                f"{at}.sentences[{j}]", sentence, drafted_sentences, count
            )
    differences = story.get("differences")
    for j, difference in enumerate(differences if isinstance(differences, list) else []):
        if isinstance(difference, dict):
            problems += _difference_problems(f"{at}.differences[{j}]", difference, count)
    return problems


def _source_problems(at: str, sources: list[Any], known: set[str]) -> list[str]:
    """A story's sources: each one of the draft's, none twice."""
    problems: list[str] = []
    seen: set[str] = set()
    for j, source in enumerate(sources):
        if not isinstance(source, dict):
            continue
        token = json.dumps(source, sort_keys=True)
        if token not in known:
            problems.append(
                f"{at}.sources[{j}]: not a source of this draft (a source can be "
                "removed, reordered or moved to another story, never changed or added)"
            )
        elif token in seen:
            problems.append(f"{at}.sources[{j}]: the same source twice in one story")
        seen.add(token)
    return problems


def _sentence_problems(
    where: str, sentence: dict[str, Any], drafted_sentences: set[str], count: int
) -> list[str]:
    """A sentence: one line, not too long when rewritten, citing sources the story has."""
    text = sentence.get("text")
    problems = _one_line(f"{where}.text", text)
    words = len(text.split()) if isinstance(text, str) else 0
    if words > SENTENCE_MAX_WORDS and text not in drafted_sentences:
        problems.append(f"{where}.text: {words} words; at most {SENTENCE_MAX_WORDS}")
    return problems + _indexes(f"{where}.sources", sentence.get("sources"), count)


def _difference_problems(where: str, difference: dict[str, Any], count: int) -> list[str]:
    """A "sources differ" line: one line, its [N] markers among the sources it cites."""
    text, cited = difference.get("text"), difference.get("sources")
    problems = _one_line(f"{where}.text", text) + _indexes(f"{where}.sources", cited, count)
    if isinstance(text, str) and isinstance(cited, list):
        marked = {int(n) - 1 for m in _MARKER.findall(text) for n in m.split(",")}
        if not marked:
            problems.append(f"{where}.text: names no source (write [1] for the first)")
        elif not marked <= set(cited):
            problems.append(
                f"{where}.text: names a source its sources do not list "
                f"([N] is the story's Nth source)"
            )
    return problems


# -- publishing -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DraftPublished:
    """What :func:`publish_draft` did."""

    digest: Digest
    record: IssueRecord | None
    #: Every file written; empty when the draft was published already.
    written: tuple[Path, ...] = ()
    #: Articles marked used, and the draft's articles left for a later issue.
    used: int = 0
    returned: int = 0


def draft_record(digest: Digest, state: DraftState, previous: IssueRecord | None) -> IssueRecord:
    """The archive record of the edited ``digest``: what :func:`digest.archive.make_record`
    gives for the same stories.

    A story with the sources of a drafted story keeps that story's record
    (its id and key, whatever its text now says); any other is keyed by its
    sources' identities, and keeps the id an archived story of that key had.
    Only the articles of the sources kept are marked used; the others are
    held (:attr:`IssueRecord.held_keys`), to come back in the next issue.
    """
    settings = state.settings
    by_token = {json.dumps(s.shown, sort_keys=True): i for i, s in enumerate(state.sources)}
    drafted = {frozenset(refs): record for record, refs in state.stories}
    known = {s.key: s for s in previous.stories} if previous else {}
    published = previous.published if previous else issue_time(digest.date)
    taken: set[str] = set()
    stories = []
    keys: dict[str, None] = dict.fromkeys(previous.article_keys) if previous else {}
    cited: set[int] = set()
    for story in digest.stories:
        refs = [by_token[json.dumps(source_to_dict(s), sort_keys=True)] for s in story.sources]
        cited.update(refs)
        story_record = drafted.get(frozenset(refs))
        if story_record is not None and story_record.key not in taken:
            taken.add(story_record.key)
            stories.append(story_record)
            continue
        key = get_hash({"sources": sorted(state.sources[r].identity for r in refs)})
        while key in taken:  # two stories from the same articles: keep both ids distinct
            key = get_hash({"after": key})
        taken.add(key)
        stories.append(
            known.get(key)
            or StoryRecord(story_id(digest.date, key, settings.site_host), key, published)
        )
    # in the order a build records them: the articles' order as read
    for ref in sorted(cited, key=lambda r: state.sources[r].position):
        keys.update(dict.fromkeys(state.sources[ref].keys))
    held = [k for s in state.sources for k in s.keys if k not in keys]
    return IssueRecord(
        id=previous.id if previous else issue_id(digest.date, settings.site_host),
        digest=digest,
        published=published,
        stories=tuple(stories),
        article_keys=tuple(keys),
        held_keys=tuple(dict.fromkeys(held)),
    )


def load_checked(out: Path) -> tuple[Digest, DraftState]:
    """The edited draft as a digest, once it passes :func:`check_draft`."""
    data, state = read_draft(out)
    problems = check_draft(data, state)
    if problems:
        raise DraftProblems(draft_folder(out) / DRAFT_FILE, problems)
    assert isinstance(data, dict)
    digest = digest_from_dict(data)
    return digest, state


def archive_of(out: Path, state: DraftState) -> Path:
    from digest.publish import default_archive

    return Path(state.archive) if state.archive else default_archive(out)


def publish_draft(
    out: Path,
    *,
    check: Callable[[Mapping[str, bytes]], None] | None = None,
    lock_timeout: float | None = None,
) -> DraftPublished:
    """Publish the draft in ``OUT/draft/`` as a build would have published it.

    Raises :class:`DraftProblems` (one line per problem) for an edited file
    that does not pass, :class:`DraftError` for a draft that is older than the
    last published issue or was overtaken by a publication of its date. A
    draft already published does nothing. ``check`` sees the rendered files
    before anything is written.
    """
    from digest.publish import LOCK_TIMEOUT, build_locks, file_lock, publish_issue

    digest, state = load_checked(out)
    store = Archive(archive_of(out, state))
    with contextlib.ExitStack() as held:
        for lock in build_locks(out, store.path):
            held.enter_context(
                file_lock(lock, timeout=lock_timeout or LOCK_TIMEOUT, holder="a build")
            )
        day = state.date.isoformat()
        later = [d for d in store.dates() if d > state.date]
        if later:
            raise DraftError(
                f"this draft of {day} is older than the issue of {later[0].isoformat()}, "
                "published since; a feed cannot take an issue older than its newest",
                path=str(draft_folder(out)),
                fix="make a new draft with digest build --draft",
            )
        current = store.issue(state.date)
        record = draft_record(digest, state, current)
        if current is not None and issue_fingerprint(current) == issue_fingerprint(
            dataclasses.replace(record, digest=digest)
        ):
            return DraftPublished(digest, None)
        if (issue_fingerprint(current) if current else None) != state.base:
            raise DraftError(
                f"the issue of {day} was published since this draft was made",
                path=str(draft_folder(out)),
                fix="make a new draft with digest build --draft (add --force to redo the issue)",
            )
        used_elsewhere = {
            k: d for k, d in store.used_keys().items() if d != state.date
        }.keys() & set(record.article_keys)
        if used_elsewhere:
            raise DraftError(
                f"{len(used_elsewhere)} article(s) of this draft were published since in "
                "another issue",
                path=str(draft_folder(out)),
                fix="make a new draft with digest build --draft",
            )
        written = publish_issue(
            out, record, store, state.settings, _templates(state), check, state.files
        )
    cited = {
        json.dumps(source_to_dict(s), sort_keys=True)
        for story in digest.stories
        for s in story.sources
    }
    used = sum(1 for s in state.sources if s.keys and json.dumps(s.shown, sort_keys=True) in cited)
    drafted = sum(1 for s in state.sources if s.keys)
    return DraftPublished(digest, record, written, used, drafted - used)


def _templates(state: DraftState) -> Path | None:
    return Path(state.templates) if state.templates else None


__all__ = [
    "DRAFT_FOLDER",
    "DraftError",
    "DraftProblems",
    "check_draft",
    "fingerprint",
    "publish_draft",
    "schema",
    "write_draft",
]
