"""The command line: parse options, call the library, report. No business logic."""

from __future__ import annotations

import datetime as dt
import errno
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from enum import Enum, StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import urlsplit

import typer

from digest import __version__
from digest.config import (
    CONFIG_FILE,
    DEFAULT_SITE_URL,
    STARTER_TOML,
    Settings,
    check_fields,
    load_settings,
    placeholders,
    text_problem,
)
from digest.errors import ConfigError, DigestError, ExitStatus, printable
from digest.text import fold_space

if TYPE_CHECKING:
    from digest.publish import PublishResult
    from digest.serve import Unsubscribe

# The pipeline (trafilatura, feedparser, lxml, scipy, mjml, ...) is imported
# inside the commands that run it, so that `digest --help` and every command's
# --help start at once (tests/test_startup.py checks what a help text loads).


class SecurityMode(StrEnum):
    """``--security``: :class:`digest.send.Security`'s values, without importing it."""

    STARTTLS = "starttls"
    TLS = "tls"
    NONE = "none"


app = typer.Typer(
    name="digest",
    help=(
        "Turn a pile of news articles about one subject into a newsletter: "
        "an HTML email, its plain-text part, and RSS/Atom feeds.\n\n"
        "Examples:\n\n"
        "\b\n"
        "  digest init                # write a commented ./digest.toml\n"
        "  digest build               # seeds/ (or digest.toml's sources) -> out/\n"
        "  digest build news/ --date 2026-11-21 --site-url https://example.com/digest/\n"
        "  digest serve               # preview out/ on http://127.0.0.1:8000/\n"
        "  digest send --dry-run      # who out/digest.eml would go to\n"
        "  digest build --draft       # out/draft/ to edit; then: digest publish\n\n"
        "Run digest COMMAND --help for every option of a command."
    ),
    no_args_is_help=True,
    add_completion=False,
    # main_options() adds --help itself: typer's own would import pydantic to
    # coerce it on every command's --help (90 ms), even when not given
    add_help_option=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"digest {__version__}")
        raise typer.Exit()


def _help(ctx: typer.Context, value: bool) -> None:
    if value:
        typer.echo(ctx.get_help())
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
    show_help: Annotated[
        bool,
        typer.Option("--help", callback=_help, is_eager=True, help="Show this message and exit."),
    ] = False,
) -> None:
    """Turn news articles into a newsletter."""


def default_sources() -> list[Path]:
    """``seeds/`` in the current folder, else the sample articles shipped in the package."""
    local = Path("seeds")
    if local.is_dir():
        return [local]
    from importlib.resources import files  # here: a help text never needs it

    packaged = Path(str(files("digest") / "seeds"))
    if packaged.is_dir():
        return [packaged]
    return [Path(__file__).resolve().parents[1] / "seeds"]


def _parse_date(value: str | None) -> dt.date:
    if value is None:
        return dt.datetime.now(dt.UTC).date()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date; write it as YYYY-MM-DD") from None


def _warn(message: str) -> None:
    typer.secho(f"warning: {printable(message)}", fg=typer.colors.YELLOW, err=True)


def _fail(exc: DigestError) -> typer.Exit:
    typer.secho(f"error: {printable(str(exc))}", fg=typer.colors.RED, err=True)
    return typer.Exit(int(exc.exit_status))


#: What to do about a write that failed, by errno.
_WRITE_FIXES = {
    errno.ENOSPC: "free some space on that disk, or give another --out",
    errno.EDQUOT: "free some space within your disk quota, or give another --out",
    errno.EROFS: "the disk is read-only: give another --out",
    errno.EACCES: "make the folder writable for you, or give another --out",
    errno.EPERM: "make the folder writable for you, or give another --out",
    errno.ENOTDIR: "--out must be a folder, not a file",
    errno.EEXIST: "--out must be a folder, not a file",
}


def _write_failed(exc: OSError, out: Path) -> typer.Exit:
    """A failed write as one line naming the file and the fix (exit 1); a build that
    fails this way has put back every file it replaced."""
    where = exc.filename if exc.filename is not None else out
    reason = exc.strerror or fold_space(str(exc)) or type(exc).__name__
    fix = _WRITE_FIXES.get(exc.errno or 0, "check that you can write there, or give another --out")
    return _fail(DigestError(f"cannot write {os.fsdecode(where)} ({reason})", fix=fix))


@app.command(
    epilog=(
        "Examples:\n\n"
        "\b\n"
        "  digest build                      # the sample articles in seeds/, into out/\n"
        "  digest build news/ extra.md --out site/ --date 2026-11-21 --title 'Alita news'\n"
        "  digest build news/ --topic 'Alita sequel' --words 120"
    )
)
def build(
    ctx: typer.Context,
    sources: Annotated[
        list[str] | None,
        typer.Argument(
            help="Article files (.txt, .md, .html), feeds (.rss, .atom, .xml), OPML lists, "
            "folders of them (read recursively in sorted order), or http(s) URLs of articles, "
            "feeds and OPML lists. Default: `sources` in digest.toml, else seeds/.",
            show_default=False,
        ),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option(
            help="Settings file; options given here win over it. Default: ./digest.toml if it "
            "exists.",
            show_default=False,
        ),
    ] = None,
    fetch_full: Annotated[
        bool,
        typer.Option(
            help="For feed entries that carry only a teaser, fetch the linked page.",
        ),
    ] = False,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder to write the outputs into.")
    ] = Path("out"),
    date: Annotated[
        str | None,
        typer.Option(help="Issue date, YYYY-MM-DD. Default: today (UTC).", show_default=False),
    ] = None,
    title: Annotated[
        str | None,
        typer.Option(help="Issue title. Default: the lead story's headline.", show_default=False),
    ] = None,
    name: Annotated[str, typer.Option(help="The newsletter's name.")] = Settings.name,
    site_url: Annotated[
        str, typer.Option(help="Where the issues and feeds are published; feed ids derive from it.")
    ] = DEFAULT_SITE_URL,
    sender: Annotated[
        str, typer.Option("--from", help="The email's From address.")
    ] = Settings.email_from,
    to: Annotated[str, typer.Option("--to", help="The email's To addresses.")] = Settings.email_to,
    unsubscribe_url: Annotated[
        str | None, typer.Option(help="One-click unsubscribe URL (https).", show_default=False)
    ] = None,
    unsubscribe_mailto: Annotated[
        str | None,
        typer.Option(help="Unsubscribe email address (user@host).", show_default=False),
    ] = None,
    view_url: Annotated[
        str | None,
        typer.Option(
            help="'View in browser' URL; {date} becomes the issue date. "
            "Default: SITE_URL/issues/DATE.html.",
            show_default=False,
        ),
    ] = None,
    list_id: Annotated[
        str | None,
        typer.Option(
            help="List-Id of the mailing list (RFC 2919). Default: NAME.SITE_HOST.",
            show_default=False,
        ),
    ] = None,
    topic: Annotated[
        str | None,
        typer.Option(
            help="Focus on this topic; off-topic articles are left out.", show_default=False
        ),
    ] = None,
    words: Annotated[int, typer.Option(min=20, max=1000, help="Word budget per story.")] = 100,
    max_stories: Annotated[
        int,
        typer.Option(
            min=1, max=100, help="At most this many stories per issue, the most covered first."
        ),
    ] = Settings.max_stories,
    templates: Annotated[
        Path | None,
        typer.Option(
            help="Folder of templates that override the packaged ones.", show_default=False
        ),
    ] = None,
    allow_large: Annotated[
        bool, typer.Option(help="Write the email even when it is over 100 KB.")
    ] = False,
    archive: Annotated[
        Path | None,
        typer.Option(
            help="The SQLite archive of past issues. Default: OUT/archive.sqlite3.",
            show_default=False,
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            help="Rebuild the issue of --date in place from all its articles, keeping its ids."
        ),
    ] = False,
    feed_issues: Annotated[
        int, typer.Option(min=1, help="How many recent issues the feeds carry.")
    ] = Settings.feed_issues,
    author: Annotated[str, typer.Option(help="Author named in the feeds.")] = Settings.author,
    language: Annotated[
        str, typer.Option(help="Language of the digest (BCP 47); articles in another are left out.")
    ] = Settings.language,
    draft: Annotated[
        bool,
        typer.Option(
            help="Write the issue into OUT/draft/ to read and edit, and publish nothing; "
            "then run digest publish."
        ),
    ] = False,
) -> None:
    """Build a digest from the articles no earlier issue used, and publish it.

    Writes into OUT: digest.json, email.html, email.txt, digest.eml, the issue and
    story feeds (atom.xml, rss.xml, feed.json, stories.*), index.html and
    issues/DATE.html, and records the issue in the archive. Nothing new: nothing
    is written, exit 0. With --draft: only OUT/draft/ (see digest publish --help).
    """
    from digest.draft import write_draft
    from digest.ingest import IngestOptions
    from digest.publish import publish
    from digest.summarize import SummaryOptions

    issue_date = _parse_date(date)
    try:
        settings = _settings(ctx, config)
        if title is not None and text_problem(title):
            raise ConfigError(f"--title {text_problem(title)}")
    except ConfigError as exc:
        raise _fail(exc) from None
    if archive:
        settings = replace(settings, archive_path=str(archive))
    fetching = IngestOptions.for_build(settings, out, date=issue_date, progress=_progress)
    try:
        result = publish(
            list(sources or settings.sources or default_sources()),
            out=out,
            date=issue_date,
            settings=settings,
            title=title,
            options=SummaryOptions(
                words=settings.words, topic=settings.topic, max_stories=settings.max_stories
            ),
            templates=templates,
            force=force,
            check=lambda files: _check_size(files["email.html"], allow_large),
            fetching=fetching,
            draft=write_draft if draft else None,
        )
    except DigestError as exc:
        raise _fail(exc) from None
    except OSError as exc:
        raise _write_failed(exc, out) from None
    for problem in result.problems:
        _warn(f"skipped {problem}")
    if result.written and settings.site_url == DEFAULT_SITE_URL:
        _warn(
            f"no --site-url: links in the feeds and pages point at {DEFAULT_SITE_URL} "
            "and will not resolve"
        )
    summary = _summary(result)
    if result.draft:
        summary = (
            f"Draft only, nothing published. {summary}. Read it (digest serve: /draft/), edit "
            f"{out / 'draft' / 'digest.json'}, then run: digest publish {out}"
        )
    typer.echo(printable(summary))


#: ``digest build`` options that also live in digest.toml -> their Settings field.
SETTINGS_OPTIONS = {
    "name": "name",
    "site_url": "site_url",
    "sender": "email_from",
    "to": "email_to",
    "unsubscribe_url": "unsubscribe_url",
    "unsubscribe_mailto": "unsubscribe_mailto",
    "view_url": "view_url",
    "list_id": "list_id",
    "topic": "topic",
    "words": "words",
    "max_stories": "max_stories",
    "feed_issues": "feed_issues",
    "author": "author",
    "language": "language",
    "fetch_full": "fetch_full",
}


def _settings(
    ctx: typer.Context, config: Path | None, options: dict[str, str] | None = None
) -> Settings:
    """digest.toml (``--config``, else ./digest.toml if present), then the options given."""
    path = config if config is not None else Path(CONFIG_FILE)
    settings = Settings()
    if config is not None or path.is_file():
        settings = load_settings(path)
    given = _given(ctx, options or SETTINGS_OPTIONS)
    # options are checked as the file's values are, naming the option
    names = {
        field: "--" + param.replace("_", "-")
        for param, field in (options or SETTINGS_OPTIONS).items()
    }
    check_fields(given, {**names, "email_from": "--from"})
    return replace(settings, **given)


def _given(ctx: typer.Context, options: dict[str, str]) -> dict[str, Any]:
    """The Settings fields whose options were given on the command line."""
    given: dict[str, Any] = {}
    for param, field in options.items():
        source = ctx.get_parameter_source(param)
        if source is not None and source.name not in ("DEFAULT", "DEFAULT_MAP"):
            value = ctx.params[param]
            given[field] = value.value if isinstance(value, Enum) else value
    return given


#: ``digest send`` options that also live in digest.toml -> their Settings field.
SEND_SETTINGS_OPTIONS = {
    "host": "smtp_host",
    "port": "smtp_port",
    "security": "smtp_security",
    "user": "smtp_user",
    "password_env": "smtp_password_env",
    "secret_env": "unsubscribe_secret_env",
}


@contextmanager
def _progress(total: int, label: str) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr for many fetches."""
    with typer.progressbar(length=total, label=label, file=sys.stderr) as bar:
        yield bar.update


@app.command(
    epilog=(
        "Example:\n\n"
        "\b\n"
        "  digest init                       # writes ./digest.toml\n"
        "  digest init news/digest.toml"
    )
)
def init(
    path: Annotated[Path, typer.Argument(help="Where to write the settings file.")] = Path(
        CONFIG_FILE
    ),
) -> None:
    """Write a commented starter digest.toml; never overwrites an existing file."""
    if path.exists():
        typer.secho(
            f"error: {path} already exists; edit it, or give another path",
            fg=typer.colors.RED,
            err=True,
        )
        raise typer.Exit(int(ExitStatus.USAGE))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as out:
            out.write(STARTER_TOML)
    except OSError as exc:
        typer.secho(f"error: cannot write {path}: {exc.strerror}", fg=typer.colors.RED, err=True)
        raise typer.Exit(int(ExitStatus.ERROR)) from None
    typer.echo(f"Wrote {path}; edit it, then run: digest build")


def _summary(result: PublishResult) -> str:
    """The last line of a build: what was read, made and written.

    Every article given is counted once, so the parts add up to the total:
    skipped (by why), duplicates within the input, already in an issue, older
    than the last issue, off-topic, in the stories made, and in stories past
    the story limit.
    """
    plan = result.plan
    skipped = Counter(p.reason for p in result.problems if p.reason not in ("duplicate", "kept"))
    duplicates = plan.duplicates + sum(1 for p in result.problems if p.reason == "duplicate")
    parts = []
    if skipped:
        why = ", ".join(
            reason if len(skipped) == 1 else f"{n} {reason}"
            for reason, n in sorted(skipped.items())
        )
        parts.append(f"skipped {sum(skipped.values())} ({why})")
    if duplicates:
        parts.append(f"{duplicates} duplicate{'s' if duplicates != 1 else ''} within the input")
    # known files are not read again: their articles were used, or are old news
    used, stale = plan.used + result.known, plan.stale + result.known_stale
    if used:
        parts.append(f"{used} already in earlier issues")
    if stale:
        parts.append(f"{stale} older than the last issue")
    read = sum(skipped.values()) + duplicates + used + stale + len(plan.articles)
    if result.build is None:
        since = f" since the issue of {plan.latest.isoformat()}" if plan.latest else ""
        older = f" ({stale} older than it)" if stale else ""
        return f"Nothing new{since}{older}; nothing written."
    digest = result.build.digest
    mine = {(a.path, a.url) for a in plan.articles}
    # an updated issue also holds its earlier stories: count this build's own
    made = [st for st in digest.stories if any((s.path, s.url) in mine for s in st.sources)]
    cited = {(s.path, s.url) for story in made for s in story.sources}
    made_from = len(mine & cited)
    off_topic = digest.off_topic
    if off_topic:
        parts.append(f"{off_topic} off-topic")
    beyond = len(plan.articles) - off_topic - made_from
    if beyond > 0:
        parts.append(f"{beyond} in stories past the story limit")
    stories = len(made)
    done = {"new": "", "update": "; added to", "rebuild": "; rebuilt"}[plan.action]
    issue = f"{done} the issue of {digest.date.isoformat()}" if done else ""
    return (
        f"Read {read} article{'s' if read != 1 else ''}"
        f"{': ' + ', '.join(parts) if parts else ''}; "
        f"made {stories} {'story' if stories == 1 else 'stories'} "
        f"from {made_from} article{'s' if made_from != 1 else ''}"
        f"{issue}; wrote {', '.join(str(p) for p in result.written)}"
    )


@app.command(
    epilog=(
        "Examples:\n\n"
        "\b\n"
        "  digest serve                      # out/ on http://127.0.0.1:8000/\n"
        "  digest serve --out site/ --port 8080"
    )
)
def serve(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", "-o", help="The folder to serve.")] = Path("out"),
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option(min=0, max=65535, help="Port to listen on; 0 picks a free one.")
    ] = 8000,
    config: Annotated[
        Path | None,
        typer.Option(
            help="Settings file with the unsubscribe URL. Default: ./digest.toml if it exists.",
            show_default=False,
        ),
    ] = None,
    secret_env: Annotated[
        str,
        typer.Option(
            help="Environment variable that holds the secret of the unsubscribe links' "
            "{token}s (the same for digest send)."
        ),
    ] = Settings.unsubscribe_secret_env,
) -> None:
    """Serve the public part of the output folder over HTTP, for previews and feed readers.

    Only the feeds, index.html, issues/*.html, digest.json, draft/index.html,
    draft/digest.json and assets/ are served;
    never digest.eml, sent.json (subscribers' addresses), the email's working files or
    the archive. Feeds get their own Content-Type; every file has an ETag and
    Last-Modified and conditional requests get 304. When the unsubscribe URL (in
    digest.toml) has {email} and {token}, it answers the RFC 8058 one-click POST of
    such a link by recording the address in OUT/unsubscribed.json, which the next
    digest send skips.
    """
    from digest.serve import make_server, serve_forever

    try:
        settings = _settings(ctx, config, {"secret_env": "unsubscribe_secret_env"})
        link = _unsubscribe_endpoint(settings, out)
    except DigestError as exc:
        raise _fail(exc) from None
    if not out.is_dir():
        typer.secho(
            f"error: {out}: no such folder; run digest build first or pass --out",
            fg=typer.colors.RED,
            err=True,
        )
        raise typer.Exit(int(ExitStatus.USAGE))
    try:
        server = make_server(out, host, port, unsubscribe=link)
    except (OSError, ValueError, TypeError) as exc:  # a host with a NUL, or not IDNA
        reason = getattr(exc, "strerror", None) or fold_space(str(exc))
        typer.secho(
            f"error: cannot listen on {printable(host)}:{port}: {reason}; "
            "check --host, or try another --port",
            fg=typer.colors.RED,
            err=True,
        )
        raise typer.Exit(int(ExitStatus.ERROR)) from None
    bound = server.server_address[1]
    typer.echo(f"Serving {out} on http://{host}:{bound}/ (Ctrl-C to stop)")
    if link is not None:
        typer.echo(
            f"Answering one-click unsubscribes at {urlsplit(settings.unsubscribe_url or '').path}"
        )
    serve_forever(server)


def _unsubscribe_endpoint(settings: Settings, out: Path) -> Unsubscribe | None:
    """The one-click endpoint for links made from the unsubscribe URL, if it has
    ``{email}`` and ``{token}`` (an ``{email}`` alone proves nothing: not answered)."""
    url = settings.unsubscribe_url
    if "{token}" not in placeholders(url):
        if "{email}" in placeholders(url):
            _warn(
                "the unsubscribe URL has {email} but no {token}: one-click unsubscribes are "
                "not answered, since anyone could make such a link"
            )
        return None
    from digest.serve import Unsubscribe
    from digest.subscribers import secret as subscribers_secret

    secret = subscribers_secret(url, os.environ, settings.unsubscribe_secret_env)
    assert url is not None and secret is not None
    return Unsubscribe.from_url(url, secret, out, settings.name)


def _check_size(html: bytes, allow_large: bool) -> None:
    from digest.mail import check_email_size

    warning = check_email_size(html, allow_large=allow_large)
    if warning:
        _warn(warning)


@app.command(
    epilog=(
        "Examples:\n\n"
        "\b\n"
        "  digest send --dry-run                 # show what out/digest.eml would do\n"
        "  DIGEST_SMTP_PASSWORD=... digest send out/ --host smtp.example.com --user me\n"
        "  digest send out/digest.eml --to me@example.com --resend   # a test copy"
    )
)
def send(
    ctx: typer.Context,
    message: Annotated[
        Path,
        typer.Argument(help="The .eml to send, or the folder a build wrote digest.eml into."),
    ] = Path("out"),
    to: Annotated[
        list[str] | None,
        typer.Option(
            "--to",
            metavar="ADDRESS",
            help="Send to these addresses (repeat or comma-separate), one message each, "
            "each with its own To. Default: to and to_file in the [email] table of "
            "digest.toml.",
            show_default=False,
        ),
    ] = None,
    to_file: Annotated[
        Path | None,
        typer.Option(
            "--to-file",
            metavar="FILE",
            help="Send to the addresses in FILE: one a line (# comments and blank lines "
            "allowed), or CSV with an email column (and perhaps a name column).",
            show_default=False,
        ),
    ] = None,
    host: Annotated[str, typer.Option(help="SMTP server.")] = Settings.smtp_host,
    port: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=65535,
            help="SMTP port. Default: 587 (starttls), 465 (tls), 25 (none).",
            show_default=False,
        ),
    ] = None,
    security: Annotated[
        SecurityMode, typer.Option(help="starttls, tls (implicit TLS) or none.")
    ] = SecurityMode(Settings.smtp_security),
    user: Annotated[
        str | None,
        typer.Option(help="SMTP user; the password comes from --password-env.", show_default=False),
    ] = None,
    password_env: Annotated[
        str, typer.Option(help="Environment variable that holds the SMTP password.")
    ] = Settings.smtp_password_env,
    secret_env: Annotated[
        str,
        typer.Option(
            help="Environment variable that holds the secret of the unsubscribe links' "
            "{token}s (the same for digest serve)."
        ),
    ] = Settings.unsubscribe_secret_env,
    timeout: Annotated[float, typer.Option(min=1, help="Seconds to wait for the server.")] = 30.0,
    dry_run: Annotated[
        bool, typer.Option(help="Print what would be sent and to whom; send nothing.")
    ] = False,
    resend: Annotated[
        bool,
        typer.Option(
            help="Send to every recipient, even those sent.json says have it (or may have it)."
        ),
    ] = False,
    config: Annotated[
        Path | None,
        typer.Option(
            help="Settings file with the SMTP settings; options given here win over it. "
            "Default: ./digest.toml if it exists.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Send an issue's email over SMTP, one message to each recipient, and record
    each in sent.json beside the .eml.

    Every recipient gets the message as built with its own To (and its own
    unsubscribe links when the URL has {email} or {token}), all in one SMTP session.
    Whoever unsubscribed is skipped; a send after a failure goes only to those not
    yet sent. The password and the token secret are read from the environment,
    never from the command line.
    """
    from digest.send import (
        SmtpOptions,
        describe,
        find_message,
        plan_send,
        prepare,
        read_record,
        recipients,
        send_issue,
        token_secret,
    )
    from digest.subscribers import read_unsubscribed

    try:
        settings = _settings(ctx, config, SEND_SETTINGS_OPTIONS)
        options = SmtpOptions.from_settings(settings, os.environ, timeout=timeout)
        # the envelope comes from the editor's settings, never the message's headers
        eml = find_message(message)
        outgoing = prepare(eml, recipients(settings, to or [], to_file))
        secret = token_secret(outgoing, settings, os.environ)
        if dry_run:
            plan = plan_send(
                outgoing, read_record(eml), read_unsubscribed(eml.parent), resend=resend
            )
            typer.echo(describe(outgoing, options, plan))
            return
        report = send_issue(outgoing, options, resend=resend, secret=secret)
    except DigestError as exc:
        raise _fail(exc) from None
    for label, skipped in (
        ("unsubscribed", report.plan.unsubscribed),
        ("may have it already (the send was never confirmed; pass --resend)", report.plan.unknown),
    ):
        if skipped:
            _warn(f"skipped {len(skipped)} recipient(s) who {label}: {', '.join(skipped[:5])}")
    count = len(report.sent)
    already = f" ({len(report.plan.already)} had it already)" if report.plan.already else ""
    typer.echo(
        f"Sent {outgoing.message_id} to {count} recipient{'s' if count != 1 else ''}"
        f"{already}, one message each, via {options.server}; recorded in {report.record}"
    )


@app.command(
    epilog=(
        "Examples:\n\n"
        "\b\n"
        "  digest build --draft              # out/draft/: read it, edit out/draft/digest.json\n"
        "  digest publish --check            # only say what is wrong with the edits\n"
        "  digest publish                    # publish out/draft/ into out/"
    )
)
def publish(
    out: Annotated[
        Path, typer.Argument(help="The output folder that digest build --draft wrote draft/ into.")
    ] = Path("out"),
    check: Annotated[
        bool, typer.Option("--check", help="Check the edited draft; write nothing.")
    ] = False,
    allow_large: Annotated[
        bool, typer.Option(help="Publish the email even when it is over 100 KB.")
    ] = False,
) -> None:
    """Publish the draft in OUT/draft/, as edited, exactly as digest build would have.

    Checks OUT/draft/digest.json first (unknown keys, wrong types, a citation of a
    source the story lacks, an empty story, text over the limits) and prints one
    line per problem, naming its JSON path (exit 2, nothing written). A draft
    that passes is recorded in the archive and written out: feeds, pages, the
    email and digest.eml, with the settings and templates the draft was built
    with. Only the articles of the stories kept are marked used. Publishing the
    same draft again does nothing.
    """
    from digest.draft import DraftProblems, load_checked, publish_draft

    try:
        if check:
            digest, _ = load_checked(out)
            count = len(digest.stories)
            typer.echo(
                f"The draft of {digest.date.isoformat()} can be published: {count} "
                f"{'story' if count == 1 else 'stories'}; run: digest publish {out}"
            )
            return
        done = publish_draft(out, check=lambda files: _check_size(files["email.html"], allow_large))
    except DraftProblems as exc:
        for problem in exc.problems:
            typer.secho(f"{printable(exc.path or '')}: {printable(problem)}", err=True)
        raise _fail(exc) from None
    except DigestError as exc:
        raise _fail(exc) from None
    except OSError as exc:
        raise _write_failed(exc, out) from None
    day = done.digest.date.isoformat()
    if done.record is None:
        typer.echo(f"The draft of {day} is published already; nothing written.")
        return
    count = len(done.digest.stories)
    back = f"; {done.returned} left for a later issue" if done.returned else ""
    typer.echo(
        printable(
            f"Published the issue of {day}: {count} {'story' if count == 1 else 'stories'} "
            f"from {done.used} article{'s' if done.used != 1 else ''}{back}; wrote "
            f"{', '.join(str(p) for p in done.written)}"
        )
    )


def main() -> None:
    """Console-script entry point.

    A bug must never greet the user with a traceback: anything unexpected is one
    line on stderr and exit 1 (``DIGEST_TRACEBACK=1`` shows the traceback).
    """
    try:
        app()
    except typer.Abort:
        raise SystemExit(int(ExitStatus.ERROR)) from None
    except Exception as exc:
        if os.environ.get("DIGEST_TRACEBACK"):
            raise
        typer.secho(
            f"error: digest failed unexpectedly ({type(exc).__name__}: "
            f"{printable(' '.join(str(exc).split()))[:200]}); please report this as a bug, "
            "with the output of the same command run with DIGEST_TRACEBACK=1",
            fg=typer.colors.RED,
            err=True,
        )
        raise SystemExit(int(ExitStatus.ERROR)) from None
