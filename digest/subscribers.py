"""Subscribers: the list an issue goes to, their unsubscribe tokens, and who left.

* **The list** (:func:`read_list`): a file of addresses, one a line
  (``Name <user@host>`` or ``user@host``; blank lines and ``#`` comments
  allowed), or a CSV file whose header row has an ``email`` column (and
  perhaps a ``name`` one). Every address is checked; a bad line is an error
  naming the file and the line, never a silently dropped subscriber.
* **Tokens** (:func:`token`): an unsubscribe URL may carry ``{email}`` and
  ``{token}``. The token is an HMAC-SHA256 of the address under a secret
  read from the environment (never a file or argv), so nobody can make the
  link that unsubscribes someone else. :func:`check_token` compares in
  constant time.
* **Who left** (:func:`read_unsubscribed`, :func:`record_unsubscribe`):
  ``unsubscribed.json`` in the output folder, written atomically under a lock
  by ``digest serve`` when a reader uses the one-click link, read by ``digest
  send`` to skip them. It holds addresses, so ``digest serve`` never serves it.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import hashlib
import hmac
import io
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from digest.config import addr_spec, parse_addresses, placeholders
from digest.errors import ConfigError
from digest.files import file_lock, write_atomic
from digest.text import fold_space

#: A secret shorter than this makes tokens that can be guessed.
MIN_SECRET = 16
#: The record of unsubscriptions, in the output folder.
UNSUBSCRIBED = "unsubscribed.json"
UNSUBSCRIBED_LOCK = "unsubscribed.json.lock"
RECORD_VERSION = 1


def key(address: str) -> str:
    """How an address is compared: its addr-spec, lower-cased."""
    return address.strip().lower()


def token(secret: str, address: str) -> str:
    """The unsubscribe token of ``address``: HMAC-SHA256 under ``secret``, URL-safe."""
    mac = hmac.new(secret.encode("utf-8"), key(address).encode("utf-8"), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()).decode("ascii").rstrip("=")


def check_token(secret: str, address: str, given: str) -> bool:
    """Whether ``given`` is the token of ``address`` (constant-time)."""
    return hmac.compare_digest(token(secret, address), given)


def secret(url: str | None, environ: Mapping[str, str], variable: str) -> str | None:
    """The token secret, from ``environ[variable]``; None when ``url`` needs none.

    Raises :class:`ConfigError` when ``url`` carries ``{token}`` and the
    variable is unset or too short.
    """
    if "{token}" not in placeholders(url):
        return None
    value = environ.get(variable, "")
    if not value:
        raise ConfigError(
            f"the unsubscribe URL has {{token}}, but the environment variable {variable} "
            "holding its secret is not set",
            fix=f"set {variable} to a long random secret, the same for digest send and "
            "digest serve (or name another variable with unsubscribe_secret_env)",
        )
    if len(value) < MIN_SECRET:
        raise ConfigError(
            f"the secret in {variable} is {len(value)} characters; unsubscribe tokens "
            f"need at least {MIN_SECRET}",
            fix=f"set {variable} to a long random secret",
        )
    return value


# -- the list -------------------------------------------------------------------------


def read_list(path: Path) -> tuple[tuple[str, str], ...]:
    """The ``(display name, addr-spec)`` pairs of a subscriber file, in order, each
    address once; :class:`ConfigError` naming the file and line for anything wrong."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ConfigError(
            f"cannot read the subscriber list ({exc.strerror or exc})",
            path=str(path),
            fix="give --to-file the path of a text or CSV file of addresses",
        ) from None
    except UnicodeDecodeError:
        raise ConfigError(
            "the subscriber list is not UTF-8 text", path=str(path), fix="save it as UTF-8"
        ) from None
    # only a line feed ends a line: a U+2028 inside one is refused, never a second address
    lines = list(enumerate(text.replace("\r\n", "\n").split("\n"), start=1))
    content = [(n, line) for n, line in lines if line.strip() and not line.lstrip().startswith("#")]
    if content and _is_csv_header(content[0][1]):
        found = _read_csv(path, content)
    else:
        found = []
        for number, line in content:
            try:
                found.extend(parse_addresses(line.strip()))
            except ValueError as exc:
                raise ConfigError(
                    f"line {number}: {exc}",
                    path=str(path),
                    fix="write one address a line, like Name <name@example.com>",
                ) from None
    unique: dict[str, tuple[str, str]] = {}
    for name, spec in found:
        unique.setdefault(key(spec), (name, spec))
    return tuple(unique.values())


def _is_csv_header(line: str) -> bool:
    """A CSV header row: one of its cells is ``email`` (no address line has that cell)."""
    try:
        row = next(csv.reader([line]))
    except (csv.Error, StopIteration):
        return False
    return "email" in (cell.strip().lower() for cell in row)


def _read_csv(path: Path, content: list[tuple[int, str]]) -> list[tuple[str, str]]:
    header = [c.strip().lower() for c in next(csv.reader([content[0][1]]))]
    column, name_column = header.index("email"), header.index("name") if "name" in header else -1
    found = []
    for number, line in content[1:]:
        try:
            row = next(csv.reader(io.StringIO(line)))
        except (csv.Error, StopIteration):
            row = []
        value = row[column].strip() if column < len(row) else ""
        name = row[name_column].strip() if 0 <= name_column < len(row) else ""
        try:
            spec = addr_spec(value)
            if name:
                parse_addresses(f'"{name}" <{spec}>')  # a name fit for a header
        except ValueError as exc:
            raise ConfigError(
                f"line {number}: email {exc}", path=str(path), fix="correct or remove that row"
            ) from None
        found.append((fold_space(name), spec))
    return found


# -- who left -------------------------------------------------------------------------


def read_unsubscribed(folder: Path) -> dict[str, str]:
    """Every address that unsubscribed (compared by :func:`key`), with when."""
    path = folder / UNSUBSCRIBED
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = data["unsubscribed"]
        if not isinstance(entries, list):
            raise TypeError
    except FileNotFoundError:
        return {}
    except (OSError, ValueError, KeyError, TypeError):
        raise ConfigError(
            "the record of unsubscriptions is unreadable",
            path=str(path),
            fix="repair it (it lists who must never get another issue); never just delete it",
        ) from None
    return {
        key(e["email"]): str(e.get("at", ""))
        for e in entries
        if isinstance(e, dict) and isinstance(e.get("email"), str)
    }


def record_unsubscribe(folder: Path, address: str, now: dt.datetime | None = None) -> bool:
    """Record that ``address`` unsubscribed; False when it already had.

    Under ``unsubscribed.json.lock`` the record is read, extended and written
    atomically, so concurrent requests never lose one another.
    """
    stamp = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).isoformat(timespec="seconds")
    with file_lock(folder / UNSUBSCRIBED_LOCK, timeout=30, holder="another unsubscribe"):
        known = read_unsubscribed(folder)
        if key(address) in known:
            return False
        entries: list[dict[str, Any]] = [{"email": k, "at": at} for k, at in known.items()]
        entries.append({"email": key(address), "at": stamp})
        body = json.dumps({"version": RECORD_VERSION, "unsubscribed": entries}, indent=2)
        write_atomic(folder / UNSUBSCRIBED, (body + "\n").encode("utf-8"))
    return True
