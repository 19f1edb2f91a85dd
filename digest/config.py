"""Settings: what the newsletter is called, where it lives, who sends it.

A plain frozen dataclass with defaults, filled from ``digest.toml``
(:func:`load_settings`, with every key and value checked) and then from
command-line options, which win. No business logic lives here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from digest.errors import ConfigError
from digest.text import fold_space

#: Used when no site URL is set. ``.invalid`` never resolves (RFC 2606).
DEFAULT_SITE_URL = "https://digest.invalid/"


@dataclass(frozen=True)
class Site:
    """What the renderers know of the newsletter: its name, its site, and who
    its email is from and to. The part of :class:`Settings` a renderer may use
    (:attr:`Settings.site`); each field means what the setting of its name means,
    and its default is that setting's default.
    """

    name: str = "Digest"
    site_url: str = DEFAULT_SITE_URL
    language: str = "en"
    author: str = "Digest editors"
    email_from: str = "Digest <digest@example.com>"
    email_to: str = "Subscribers <subscribers@example.com>"
    unsubscribe_url: str | None = None
    unsubscribe_mailto: str | None = None
    view_url: str | None = None
    list_id: str | None = None

    @property
    def site_host(self) -> str:
        return urlsplit(self.site_url).hostname or "digest.invalid"

    @property
    def base_url(self) -> str:
        """The site URL, always ending in a slash."""
        return self.site_url if self.site_url.endswith("/") else self.site_url + "/"

    def issue_url(self, date_iso: str) -> str:
        """The web page of one issue (the "view in browser" target)."""
        if self.view_url:
            return self.view_url.replace("{date}", date_iso)
        return f"{self.base_url}issues/{date_iso}.html"


@dataclass(frozen=True)
class Settings:
    """Everything about the newsletter that is not the news itself."""

    #: The newsletter's name, shown in the email header and the feeds.
    name: str = Site.name
    #: Where the web archive and feeds are published; feed ids derive from it.
    site_url: str = Site.site_url
    #: Language of the digest (BCP 47), for ``<html lang>`` and the feeds; articles
    #: surely written in another are left out (:mod:`digest.language`).
    language: str = Site.language
    #: Author named in the feeds.
    author: str = Site.author
    #: Sender of the email.
    email_from: str = Site.email_from
    #: Recipients of the email, comma-separated.
    email_to: str = Site.email_to
    #: A file of recipients (one address a line, or CSV with an ``email`` column).
    email_to_file: str | None = None
    #: One-click unsubscribe URL (https), if any; ``{email}`` and ``{token}`` are
    #: each recipient's address and unsubscribe token.
    unsubscribe_url: str | None = None
    #: Name of the environment variable holding the secret of the ``{token}``s.
    unsubscribe_secret_env: str = "DIGEST_UNSUBSCRIBE_SECRET"
    #: Unsubscribe mailto address, if any.
    unsubscribe_mailto: str | None = None
    #: "View in browser" URL of an issue; ``{date}`` is replaced by the issue date.
    #: Default: the issue's page in the web archive under ``site_url``.
    view_url: str | None = None
    #: ``List-Id`` of the mailing list (RFC 2919); default derived from the site's host.
    list_id: str | None = None

    # -- sending (digest send) --
    smtp_host: str = "localhost"
    #: None: the usual port for ``smtp_security`` (587 starttls, 465 tls, 25 none).
    smtp_port: int | None = None
    #: "starttls", "tls" (implicit TLS) or "none".
    smtp_security: str = "starttls"
    smtp_user: str | None = None
    #: Name of the environment variable holding the SMTP password (never argv).
    smtp_password_env: str = "DIGEST_SMTP_PASSWORD"

    # -- archive and feeds --
    #: The SQLite archive of past issues; default ``<out>/archive.sqlite3``.
    archive_path: str | None = None
    #: How many recent issues the feeds carry.
    feed_issues: int = 20

    # -- content --
    #: Paths, feed URLs, article URLs or OPML files to read (``digest.toml`` ``sources``).
    sources: tuple[str, ...] = ()
    #: Focus the digest on this topic.
    topic: str | None = None
    #: Word budget per story.
    words: int = 100
    #: At most this many stories per issue: a digest stays short, and ten
    #: stories keep the email near 55 KB, well under Gmail's 102 KB clip.
    max_stories: int = 10

    # -- fetching (only for URLs given as sources) --
    #: Fetch the linked page when a feed entry carries only a teaser.
    fetch_full: bool = False
    #: Seconds allowed per URL (connect, each read, and the whole fetch is 3x this).
    fetch_timeout: float = 10.0
    #: Largest body accepted per URL, in bytes.
    fetch_max_bytes: int = 5 * 1024 * 1024
    #: URLs fetched at the same time.
    fetch_workers: int = 8

    @property
    def site(self) -> Site:
        """What the renderers may know of these settings."""
        return Site(**{f.name: getattr(self, f.name) for f in fields(Site)})

    @property
    def site_host(self) -> str:
        return self.site.site_host

    @property
    def base_url(self) -> str:
        """The site URL, always ending in a slash."""
        return self.site.base_url

    def issue_url(self, date_iso: str) -> str:
        """The web page of one issue (the "view in browser" target)."""
        return self.site.issue_url(date_iso)


# -- values that reach mail headers and URLs ----------------------------------------
#
# Each parser returns the value in its one safe spelling or raises ValueError
# saying what is wrong ("must be ..."), so digest.toml errors can name the line
# and the renderers can refuse a bad value given any other way.

#: Control characters, line and paragraph separators: never part of a setting
#: that ends up in a header or URL.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]"
_DOT_ATOM = re.compile(rf"{_ATEXT}+(?:\.{_ATEXT}+)*")
_LABEL = r"[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?"
_HOST = re.compile(rf"{_LABEL}(?:\.{_LABEL})*\.?")
_EXAMPLE_ADDRESS = "like Name <name@example.com>"


#: The placeholders an unsubscribe URL may carry: each recipient's address and token.
PLACEHOLDERS = ("{email}", "{token}")


def placeholders(url: str | None) -> frozenset[str]:
    """The placeholders ``url`` carries (``{email}``, ``{token}``)."""
    return frozenset(p for p in PLACEHOLDERS if url and p in url)


def placeholder_problem(url: str) -> str | None:
    """What is wrong with the placeholders of an unsubscribe URL, or None."""
    rest = url.replace("{email}", "").replace("{token}", "")
    if "{" in rest or "}" in rest:
        found = re.search(r"\{[^{}]*\}", rest)
        what = found.group(0) if found else "a { or } of its own"
        return f"has {what}; the only placeholders are {{email}} and {{token}}"
    if "{token}" in url and "{email}" not in url:
        return "has {token} without {email}: a token is checked against its address"
    return None


def url_problem(value: str, schemes: tuple[str, ...] = ("http", "https")) -> str | None:
    """What is wrong with ``value`` as an absolute URL of one of ``schemes``, or None."""
    wanted = " or ".join(schemes)
    if _CONTROL.search(value) or any(c.isspace() or c in '<>"' for c in value):
        return f"must be an {wanted} URL without spaces, quotes, <, > or control characters"
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError as exc:  # "[::1", a port of 99999 or "abc"
        return f"must be a valid {wanted} URL ({exc})"
    if parts.scheme not in schemes or not parts.hostname:
        return f"must be an {wanted} URL with a host, like https://example.com/"
    if port == 0:
        return "must not have port 0"
    return None


def addr_spec(value: str) -> str:
    """``user@host`` checked and with an IDN host in its ASCII form."""
    user, at, domain = value.strip().rpartition("@")
    if not at or not _DOT_ATOM.fullmatch(user) or not domain:
        raise ValueError(f"must be an email address, {_EXAMPLE_ADDRESS} ({value!r} is not)")
    if not domain.isascii():
        try:
            domain = domain.encode("idna").decode("ascii")
        except UnicodeError:
            raise ValueError(f"has {value!r}, whose domain is not a valid host name") from None
    if not _HOST.fullmatch(domain):
        raise ValueError(f"must be an email address, {_EXAMPLE_ADDRESS} ({value!r} is not)")
    return f"{user}@{domain}"


def parse_addresses(value: str) -> tuple[tuple[str, str], ...]:
    """``"Name <a@b>, c@d"`` as ``(("Name", "a@b"), ("", "c@d"))``.

    A line break, a control character or an address hidden in another one is
    refused: every ``@`` outside quotes must belong to exactly one address.
    """
    from email.utils import getaddresses  # here: a help text never needs the email package

    if _CONTROL.search(value):
        raise ValueError("must be on one line, without a line break or control character")
    found = tuple(
        (fold_space(name), addr_spec(addr)) for name, addr in getaddresses([value]) if name or addr
    )
    if not found:
        raise ValueError(f"must be an email address, {_EXAMPLE_ADDRESS}")
    if _ats_outside_quotes(value) != len(found):
        raise ValueError(
            f"must be email addresses separated by commas, {_EXAMPLE_ADDRESS}; "
            'put a name holding a comma or "@" in double quotes'
        )
    return found


def parse_sender(value: str) -> tuple[str, str]:
    """The one address of a ``From`` setting."""
    found = parse_addresses(value)
    if len(found) != 1:
        raise ValueError(f"must be one email address, {_EXAMPLE_ADDRESS}")
    return found[0]


def _ats_outside_quotes(value: str) -> int:
    count, quoted, escaped = 0, False, False
    for char in value:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == "@" and not quoted:
            count += 1
    return count


def mailto_url(value: str) -> str:
    """``user@host`` (or ``mailto:user@host?subject=...``) as a mailto URL."""
    address, sep, query = value.strip().removeprefix("mailto:").partition("?")
    spec = addr_spec(address)
    if _CONTROL.search(query) or any(c.isspace() or c in '<>"' or not c.isascii() for c in query):
        raise ValueError("must be an address, or mailto:user@host?subject=... without spaces")
    return f"mailto:{spec}{sep}{query}"


def list_identifier(value: str) -> str:
    """A ``List-Id`` identifier (RFC 2919): a dotted name such as ``news.example.org``."""
    identifier = value.strip().removeprefix("<").removesuffix(">")
    if len(identifier) > 255 or not _DOT_ATOM.fullmatch(identifier) or "." not in identifier:
        raise ValueError("must be a dotted name such as news.example.org (RFC 2919)")
    return identifier


def host_name(value: str) -> str:
    """An SMTP host: a host name or an IP address."""
    import ipaddress

    host = value.strip()
    try:
        ipaddress.ip_address(host.removeprefix("[").removesuffix("]"))
    except ValueError:
        if len(host) > 253 or not _HOST.fullmatch(host):
            raise ValueError("must be a host name or IP address, like smtp.example.com") from None
    return host


# -- digest.toml -------------------------------------------------------------------

#: The file ``digest build`` reads when it exists and no ``--config`` is given.
CONFIG_FILE = "digest.toml"

Check = Callable[[Any], str | None]


@dataclass(frozen=True)
class Key:
    """One ``digest.toml`` key: where it goes in :class:`Settings` and what it accepts."""

    #: Dotted name in the file (``email.from`` is ``from`` in the ``[email]`` table).
    name: str
    #: The :class:`Settings` field it sets.
    field: str
    #: Returns an error (what is wrong) or None when the value is good.
    check: Check


def _string(value: Any) -> str | None:
    if not isinstance(value, str):
        return "must be a string (in quotes)"
    return None if value.strip() else "must not be empty"


#: What no one-line setting that readers see (the name, the author, a title) may hold:
#: control characters, line and paragraph separators, noncharacters, lone surrogates.
_NOT_TEXT = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff\ud800-\udfff]")


def text_problem(value: str) -> str | None:
    """What is wrong with ``value`` as one line of text a reader sees, or None."""
    if _NOT_TEXT.search(value):
        return "must be one line of text, without control characters or line breaks"
    return None


def _text(value: Any) -> str | None:
    return _string(value) or text_problem(value)


def _url(https_only: bool = False) -> Check:
    def check(value: Any) -> str | None:
        problem = _string(value)
        if problem:
            return problem
        return url_problem(value, ("https",) if https_only else ("http", "https"))

    return check


def _unsubscribe_url(value: Any) -> str | None:
    return _url(https_only=True)(value) or placeholder_problem(value)


def _variable(value: Any) -> str | None:
    problem = _string(value)
    if problem:
        return problem
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", value):
        return None
    return "must be the name of an environment variable, like DIGEST_UNSUBSCRIBE_SECRET"


def _with(parse: Callable[[str], object]) -> Check:
    """A check that runs ``parse`` (which raises ValueError saying what is wrong)."""

    def check(value: Any) -> str | None:
        problem = _string(value)
        if problem:
            return problem
        try:
            parse(value)
        except ValueError as exc:
            return str(exc)
        return None

    return check


def _integer(low: int, high: int) -> Check:
    def check(value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int):
            return "must be a whole number (no quotes)"
        return None if low <= value <= high else f"must be between {low} and {high}"

    return check


def _number(low: float, high: float) -> Check:
    def check(value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return "must be a number (no quotes)"
        return None if low <= value <= high else f"must be between {low:g} and {high:g}"

    return check


def _boolean(value: Any) -> str | None:
    return None if isinstance(value, bool) else "must be true or false (no quotes)"


def _choice(*choices: str) -> Check:
    def check(value: Any) -> str | None:
        if value in choices:
            return None
        return "must be one of " + ", ".join(f'"{c}"' for c in choices)

    return check


def _language(value: Any) -> str | None:
    problem = _string(value)
    if problem:
        return problem
    if re.fullmatch(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*", value):
        return None
    return 'must be a language tag, like "en" or "en-GB"'


#: A source that starts like an http(s) URL is one, and must be a whole one.
_HTTP_LIKE = re.compile(r"^\s*https?:", re.I)


def _sources(value: Any) -> str | None:
    if not isinstance(value, list):
        return 'must be a list of strings, like ["news/", "https://example.com/feed.xml"]'
    for item in value:
        if not isinstance(item, str) or not item.strip():
            return f"has {_short(item)}; every source must be a non-empty string (a path or URL)"
        if _HTTP_LIKE.match(item):
            problem = url_problem(item.strip())
            if problem:
                return f"has {_short(item)}, which {problem}"
    return None


def _short(value: Any) -> str:
    """``repr(value)`` cut to one short line (a value may be nested or huge)."""
    if isinstance(value, list | dict):
        return "a list" if isinstance(value, list) else "a table"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


#: Every key ``digest.toml`` understands, in the order of the starter file.
KEYS: tuple[Key, ...] = (
    Key("name", "name", _text),
    Key("site_url", "site_url", _url()),
    Key("language", "language", _language),
    Key("author", "author", _text),
    Key("sources", "sources", _sources),
    Key("topic", "topic", _text),
    Key("words", "words", _integer(20, 1000)),
    Key("max_stories", "max_stories", _integer(1, 100)),
    Key("email.from", "email_from", _with(parse_sender)),
    Key("email.to", "email_to", _with(parse_addresses)),
    Key("email.to_file", "email_to_file", _string),
    Key("email.unsubscribe_url", "unsubscribe_url", _unsubscribe_url),
    Key("email.unsubscribe_secret_env", "unsubscribe_secret_env", _variable),
    Key("email.unsubscribe_mailto", "unsubscribe_mailto", _with(mailto_url)),
    Key("email.view_url", "view_url", _url()),
    Key("email.list_id", "list_id", _with(list_identifier)),
    Key("smtp.host", "smtp_host", _with(host_name)),
    Key("smtp.port", "smtp_port", _integer(1, 65535)),
    Key("smtp.security", "smtp_security", _choice("starttls", "tls", "none")),
    Key("smtp.user", "smtp_user", _string),
    Key("smtp.password_env", "smtp_password_env", _string),
    Key("archive.path", "archive_path", _string),
    Key("archive.feed_issues", "feed_issues", _integer(1, 1000)),
    Key("fetch.full", "fetch_full", _boolean),
    Key("fetch.timeout", "fetch_timeout", _number(0.1, 600)),
    Key("fetch.max_bytes", "fetch_max_bytes", _integer(1024, 1024**3)),
    Key("fetch.workers", "fetch_workers", _integer(1, 64)),
)
_BY_NAME = {key.name: key for key in KEYS}
_BY_FIELD = {key.field: key for key in KEYS}
_TABLES = sorted({key.name.split(".")[0] for key in KEYS if "." in key.name})

STARTER_TOML = """\
# digest.toml: settings for `digest build` (and `digest send`).
# Options given on the command line win over this file.
# Every key is optional; a commented-out key shows its default.

name = "Digest"                      # the newsletter's name
site_url = "https://example.com/"    # where issues and feeds are published; feed ids derive from it
language = "en"                      # BCP 47 language tag
author = "Digest editors"            # named in the feeds

# What to read, in order: article files (.txt, .md, .html), folders of them,
# feeds (.rss, .atom, .xml or a feed URL), article URLs and OPML lists.
# Relative paths are relative to this file. Only URLs listed here or on the
# command line are ever fetched.
sources = [
  "seeds/",
  # "https://example.com/feed.xml",
  # "https://example.com/2026/11/an-article.html",
  # "subscriptions.opml",
]

# topic = "Alita sequel"             # focus on this topic; off-topic articles are left out
words = 100                          # word budget per story (20 to 1000)
max_stories = 10                     # story budget per issue (1 to 100)

[email]
from = "Digest <digest@example.com>"
to = "Subscribers <subscribers@example.com>"
# to_file = "subscribers.csv"        # or a file of recipients: one address a line, or CSV
# unsubscribe_url = "https://example.com/unsubscribe?email={email}&token={token}"
#                                    # one-click (RFC 8058), https only; {email}, {token}: each
#                                    # recipient's own (digest serve answers such links)
# unsubscribe_secret_env = "DIGEST_UNSUBSCRIBE_SECRET"  # the tokens' secret, never this file
# unsubscribe_mailto = "unsubscribe@example.com"
# view_url = "https://example.com/issues/{date}.html"   # "view in browser"; {date}: issue date
# list_id = "digest.example.com"

[smtp]
host = "localhost"
security = "starttls"                # "starttls", "tls" (implicit TLS) or "none"
# port = 587                         # default: 587 for starttls, 465 for tls, 25 for none
# user = "digest"
password_env = "DIGEST_SMTP_PASSWORD"  # the password is read from this variable, never this file

[archive]
# path = "out/archive.sqlite3"       # past issues; default: archive.sqlite3 in the output folder
feed_issues = 20                     # how many recent issues the feeds carry

[fetch]
full = false                         # fetch the linked page when a feed entry is only a teaser
timeout = 10                         # seconds per URL
max_bytes = 5242880                  # largest page or feed accepted, in bytes
workers = 8                          # URLs fetched at the same time
"""


def load_settings(path: Path, base: Settings | None = None) -> Settings:
    """Read ``digest.toml`` at ``path`` over ``base`` (default: :class:`Settings` defaults).

    Relative paths in ``sources`` and ``archive.path`` are taken relative to the
    file. Raises :class:`~digest.errors.ConfigError` naming the file, the line
    and the key for a syntax error, an unknown key or a wrong value.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ConfigError(
            f"cannot read the settings file ({exc.strerror})",
            path=str(path),
            fix="check the --config path, or run `digest init` to write one",
        ) from None
    except UnicodeDecodeError:
        raise ConfigError("is not valid UTF-8", path=str(path), fix="re-save it as UTF-8") from None
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            f"not valid TOML: {exc}", path=str(path), fix="see the TOML syntax at toml.io"
        ) from None
    except RecursionError:  # tomllib parses nested arrays and tables recursively
        raise ConfigError(
            f"{_deepest(text)}arrays or tables are nested too deeply to read",
            path=str(path),
            fix="no digest.toml key takes more than a list of strings",
        ) from None
    values = parse_settings(data, key_lines(text), str(path))
    folder = path.parent
    if "sources" in values:
        values["sources"] = tuple(_relative_to(folder, s) for s in values["sources"])
    if "archive_path" in values:
        values["archive_path"] = _relative_to(folder, values["archive_path"])
    if "email_to_file" in values:
        values["email_to_file"] = _relative_to(folder, values["email_to_file"])
    return replace(base or Settings(), **values)


#: Nesting deeper than this is reported at the line where it starts.
_DEEP = 50


def _deepest(text: str) -> str:
    """``line N: `` where brackets outside strings and comments first nest deeper
    than :data:`_DEEP`, or "" when the scan finds no such line."""
    depth = 0
    for number, line in enumerate(text.splitlines(), start=1):
        quote = None
        for char in line:
            if quote:
                quote = None if char == quote else quote
            elif char in "\"'":
                quote = char
            elif char == "#":
                break
            elif char in "[{":
                depth += 1
                if depth > _DEEP:
                    return f"line {number}: "
            elif char in "]}":
                depth -= 1
    return ""


def parse_settings(data: dict[str, Any], lines: dict[str, int], path: str) -> dict[str, Any]:
    """Check parsed TOML and map it to :class:`Settings` field values."""
    values: dict[str, Any] = {}
    for name, value in _flatten(data):
        key = _BY_NAME.get(name)
        where = _where(name, lines)
        if key is None:
            raise ConfigError(
                f"{where}unknown key {name!r}",
                path=path,
                fix=_suggest(name) or "known keys: " + ", ".join(k.name for k in KEYS),
            )
        problem = key.check(value)
        if problem:
            raise ConfigError(f"{where}{name} {problem}", path=path)
        if key.field == "sources":
            value = tuple(s.strip() for s in value)
        elif key.field == "fetch_timeout":
            value = float(value)
        values[key.field] = value
    return values


#: Settings that reach mail headers, URLs or a connection: checked however given.
_CHECKED_FIELDS = frozenset(
    {
        "name",
        "author",
        "topic",
        "site_url",
        "view_url",
        "unsubscribe_url",
        "unsubscribe_mailto",
        "email_from",
        "email_to",
        "list_id",
        "smtp_host",
    }
)


def check_fields(values: dict[str, Any], names: dict[str, str]) -> None:
    """Check the settings given other than in ``digest.toml`` (command-line
    options) that reach headers, URLs or a connection, as the file's are
    checked; ``names`` maps each field to how it was given (``--site-url``)."""
    for field, value in values.items():
        key = _BY_FIELD.get(field)
        if key is None or field not in _CHECKED_FIELDS or not isinstance(value, str):
            continue
        problem = key.check(value)
        if problem:
            raise ConfigError(f"{names.get(field, field)} {problem}")


def key_lines(text: str) -> dict[str, int]:
    """The line (1-based) where each dotted key, or table, is written.

    ``tomllib`` gives no positions, so the file is scanned: ``[table]``
    headers and ``key =`` lines, skipping multi-line strings.
    """
    lines: dict[str, int] = {}
    table: list[str] = []
    quote: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if quote is not None:
            if line.count(quote) % 2 == 1:
                quote = None
            continue
        stripped = line.strip()
        header = re.match(r"^\[\[?\s*([^\[\]]+?)\s*\]", stripped)  # [table] or [[array]]
        if header:
            table = _split_key(header.group(1))
            lines.setdefault(".".join(table), number)
            continue
        assignment = re.match(
            r"""^((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')"""
            r"""(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*=(.*)$""",
            stripped,
        )
        if assignment:
            lines.setdefault(".".join([*table, *_split_key(assignment.group(1))]), number)
            rest = assignment.group(2)
            for mark in ('"""', "'''"):
                if rest.count(mark) % 2 == 1:
                    quote = mark
    return lines


def _split_key(dotted: str) -> list[str]:
    parts = re.findall(r"""[A-Za-z0-9_-]+|"[^"]*"|'[^']*'""", dotted)
    return [part[1:-1] if part[:1] in "\"'" else part for part in parts]


def _flatten(data: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for name, value in data.items():
        dotted = f"{prefix}{name}"
        if isinstance(value, dict) and dotted in _TABLES:
            out.extend(_flatten(value, dotted + "."))
        else:
            out.append((dotted, value))
    return out


def _where(name: str, lines: dict[str, int]) -> str:
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        line = lines.get(".".join(parts[:end]))
        if line is not None:
            return f"line {line}: "
    return ""


def _suggest(name: str) -> str:
    import difflib

    candidates = [k.name for k in KEYS] + [k.name.split(".")[-1] for k in KEYS] + _TABLES
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    if not close:
        return ""
    match = close[0]
    if match in _TABLES:
        return f"did you mean [{match}]?"
    full = next((k.name for k in KEYS if k.name == match or k.name.endswith("." + match)), match)
    return f"did you mean {full!r}?"


def _relative_to(folder: Path, value: str) -> str:
    if "://" in value or Path(value).is_absolute() or folder == Path("."):
        return value
    return str(folder / value)
