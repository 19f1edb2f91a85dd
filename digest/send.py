"""Send an issue: the ``digest.eml`` a build wrote, over SMTP, once to each subscriber.

**One message per recipient.** Each recipient gets the message as built with
its own ``To`` (never another subscriber's address in any header) and, when
the unsubscribe URL has ``{email}`` or ``{token}``, its own
``List-Unsubscribe`` and unsubscribe links (:func:`digest.mail.personalize`,
which parses every message back before it goes). All of them go in one SMTP
session, one transaction each. The recipients are the editor's: ``--to`` and
``--to-file``, else ``[email] to`` and ``to_file`` in digest.toml; never the
message's own headers. A message with a header digest does not write (``Cc``,
``Bcc``, ``Reply-To``...) is refused. Whoever unsubscribed
(``unsubscribed.json`` beside the ``.eml``) is skipped.

**Once to each.** ``sent.json`` beside the ``.eml`` records every send and
each recipient's state, under a lock (``sent.json.lock``), so two sends at
once never both deliver: the intent is written before anything goes out,
then, in ``sent.json.journal`` (appended and synced), ``sending`` before each
message and ``sent`` or ``refused`` after it; at the end the journal is
folded into ``sent.json`` (or, after a crash, by the next send). A recipient
left ``sending`` lost the connection after the message went out: it may
have arrived, so, like one that was sent, it gets the issue again only with
``--resend``. A plain send after a failure goes only to those not yet sent.

The password never travels through argv: it is read from the environment
variable that :attr:`Settings.smtp_password_env` names; so is the secret of
the unsubscribe tokens (:attr:`Settings.unsubscribe_secret_env`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email.policy
import errno
import json
import os
import smtplib
import ssl
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.parser import BytesParser
from enum import StrEnum
from pathlib import Path
from typing import Any

from digest import subscribers
from digest.config import Settings, addr_spec
from digest.errors import ConfigError, DigestError, ExitStatus, RenderError
from digest.files import file_lock, write_atomic
from digest.mail import (
    HEADER_ORDER,
    OPTIONAL_HEADERS,
    addresses,
    header_names,
    personal_placeholders,
    personalize,
    plain_text,
)

#: The record of sends, written next to the ``.eml``.
SENT_RECORD = "sent.json"
#: Each recipient's progress during a send, appended and synced line by line.
SEND_JOURNAL = "sent.json.journal"
#: Held while a send reads, sends and records; beside the record.
SEND_LOCK = "sent.json.lock"
#: Version 3 records each recipient's state (version 2: one state per send).
RECORD_VERSION = 3
#: A recipient's states: not tried yet, its message out but unconfirmed, taken,
#: refused (surely not delivered). Only the middle two count as (maybe) sent.
PENDING, SENDING, SENT, REFUSED = "pending", "sending", "sent", "refused"
#: Hosts to which a password may be sent without encryption.
_LOOPBACK = {"localhost", "127.0.0.1", "::1"}
#: Headers every message digest builds carries.
_REQUIRED = frozenset(HEADER_ORDER) - OPTIONAL_HEADERS


class SendError(DigestError):
    """The SMTP server could not be reached or did not take the message."""

    exit_status = ExitStatus.SEND_FAILED


class OutcomeUnknownError(SendError):
    """The message went out but the server never confirmed it: it may have arrived."""


class AlreadySentError(DigestError):
    """The issue was sent before (or may have been); sending it again needs ``--resend``."""


class Security(StrEnum):
    """How the SMTP connection is protected."""

    STARTTLS = "starttls"
    TLS = "tls"
    NONE = "none"


def default_port(security: Security) -> int:
    """The usual port: 587 (submission) for STARTTLS, 465 for TLS, 25 for none."""
    return {Security.STARTTLS: 587, Security.TLS: 465, Security.NONE: 25}[security]


@dataclass(frozen=True)
class SmtpOptions:
    """Where and how to connect."""

    host: str
    port: int
    security: Security = Security.STARTTLS
    user: str | None = None
    #: The password, read from the environment; never shown.
    password: str | None = field(default=None, repr=False)
    timeout: float = 30.0
    #: TLS settings; None means the system's trusted certificates.
    ssl_context: ssl.SSLContext | None = None

    @classmethod
    def from_settings(
        cls, settings: Settings, environ: Mapping[str, str], *, timeout: float = 30.0
    ) -> SmtpOptions:
        """Options from settings, the password from ``environ[settings.smtp_password_env]``."""
        try:
            security = Security(settings.smtp_security)
        except ValueError:
            raise ConfigError(
                f"SMTP security {settings.smtp_security!r} is unknown",
                fix="use starttls, tls or none",
            ) from None
        password = environ.get(settings.smtp_password_env) or None
        return cls(
            host=settings.smtp_host,
            # a port set anywhere (the settings file, --port) is kept, whatever the security
            port=default_port(security) if settings.smtp_port is None else settings.smtp_port,
            security=security,
            user=settings.smtp_user or None,
            password=password,
            timeout=timeout,
        )

    @property
    def server(self) -> str:
        return f"{self.host}:{self.port}"


@dataclass(frozen=True)
class Outgoing:
    """A message ready to go: its bytes as built and who it goes to."""

    #: The ``.eml`` it came from; the sent record goes beside it.
    path: Path
    message: EmailMessage
    data: bytes
    sender: str
    #: ``(display name, addr-spec)`` of each recipient, each once, in order: from
    #: the editor's settings only.
    recipients: tuple[tuple[str, str], ...]

    @property
    def message_id(self) -> str:
        return plain_text(str(self.message["Message-ID"] or ""))

    @property
    def subject(self) -> str:
        return plain_text(str(self.message["Subject"] or ""))

    @property
    def placeholders(self) -> frozenset[str]:
        """What the unsubscribe links carry for each recipient: ``email``, ``token``."""
        return personal_placeholders(self.data)

    def for_recipient(self, to: tuple[str, str], secret: str | None = None) -> bytes:
        """The message for ``to``: its own ``To`` and unsubscribe links, checked."""
        token = subscribers.token(secret, to[1]) if secret else None
        try:
            return personalize(self.data, to, token)
        except ValueError as exc:
            raise ConfigError(
                f"cannot address the message to each recipient ({exc})",
                path=str(self.path),
                fix="rebuild it with digest build",
            ) from None


def find_message(path: Path) -> Path:
    """``path`` itself if it is a file, else ``digest.eml`` in that folder."""
    target = path / "digest.eml" if path.is_dir() else path
    if not target.is_file():
        raise ConfigError(
            "no such message file", path=str(target), fix="run digest build first or give the .eml"
        )
    return target


def recipients(
    settings: Settings, to: Sequence[str] = (), to_file: Path | None = None
) -> tuple[tuple[str, str], ...]:
    """Who a send goes to, each once: ``to`` (``--to``) and ``to_file``
    (``--to-file``) if given, else ``[email] to`` and ``to_file`` of the settings.

    The default placeholder address is refused: with none of them set, nobody
    was chosen. The message's own To/Cc/Bcc headers are never consulted.
    """
    found: list[tuple[str, str]] = []
    if to or to_file is not None:
        if to:
            found.extend(addresses(", ".join(to), "--to"))
        if to_file is not None:
            found.extend(_listed(to_file))
    else:
        if settings.email_to_file:
            found.extend(_listed(Path(settings.email_to_file)))
        if settings.email_to != Settings.email_to:
            found.extend(addresses(settings.email_to, "email.to"))
        if not found:
            raise ConfigError(
                "no recipients chosen: no --to or --to-file, and [email] to is the "
                f"placeholder {Settings.email_to}",
                fix="give --to ADDRESS or --to-file FILE, or set to or to_file in the "
                "[email] table of digest.toml",
            )
    unique: dict[str, tuple[str, str]] = {}
    for name, spec in found:
        unique.setdefault(subscribers.key(spec), (name, spec))
    return tuple(unique.values())


def _listed(path: Path) -> tuple[tuple[str, str], ...]:
    listed = subscribers.read_list(path)
    if not listed:
        raise ConfigError(
            "the subscriber list has no addresses", path=str(path), fix="add one address a line"
        )
    return listed


def prepare(path: Path, to: Sequence[tuple[str, str]]) -> Outgoing:
    """Read the message at ``path`` (a ``.eml`` or a build folder) for sending to ``to``.

    ``to`` are the recipients (see :func:`recipients`); each gets a message of
    its own. A message whose headers are not the ones digest writes (an extra
    ``Cc`` or ``Bcc``, a header twice, a malformed line) is refused.
    """
    eml = find_message(path)
    try:
        data = eml.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read the message ({exc.strerror})", path=str(eml)) from None
    _check_headers(eml, data)
    message = BytesParser(policy=email.policy.default).parsebytes(data)
    if not isinstance(message, EmailMessage):  # pragma: no cover - the policy makes one
        raise ConfigError("not a message that digest built", path=str(eml), fix="rebuild it")
    senders = [a.addr_spec for a in getattr(message["From"], "addresses", [])]
    try:
        sender = addr_spec(senders[0]) if len(senders) == 1 else ""
    except ValueError:
        sender = ""
    if not sender:
        raise ConfigError(
            "the message does not have exactly one From address", path=str(eml), fix="rebuild it"
        )
    if not to:
        raise ConfigError("the message has no recipients", path=str(eml), fix="give --to")
    unique: dict[str, tuple[str, str]] = {}
    for name, spec in to:
        unique.setdefault(subscribers.key(spec), (name, spec))
    return Outgoing(eml, message, data, sender, tuple(unique.values()))


def token_secret(outgoing: Outgoing, settings: Settings, environ: Mapping[str, str]) -> str | None:
    """The secret of the unsubscribe tokens, when the message's links carry one."""
    if "token" not in outgoing.placeholders:
        return None
    return subscribers.secret("{token}", environ, settings.unsubscribe_secret_env)


def _check_headers(eml: Path, data: bytes) -> None:
    """Refuse a message whose header block is not one digest writes."""
    try:
        names = header_names(data)
    except ValueError as exc:
        raise ConfigError(
            f"not a message that digest built ({exc})", path=str(eml), fix="rebuild it"
        ) from None
    for name in names:
        if name not in HEADER_ORDER:
            raise ConfigError(
                f"the message has a {name} header, which digest never writes",
                path=str(eml),
                fix="rebuild it with digest build",
            )
        if names.count(name) > 1:
            raise ConfigError(
                f"the message has {names.count(name)} {name} headers",
                path=str(eml),
                fix="rebuild it with digest build",
            )
    missing = sorted(_REQUIRED - set(names))
    if missing:
        raise ConfigError(
            f"the message has no {', '.join(missing)} header",
            path=str(eml),
            fix="rebuild it with digest build",
        )


# -- who gets it ---------------------------------------------------------------------


@dataclass(frozen=True)
class SendPlan:
    """Who a send goes to, and who it leaves out and why."""

    todo: tuple[tuple[str, str], ...]
    #: Left out: unsubscribed; sent already; maybe sent (the outcome never came).
    unsubscribed: tuple[str, ...] = ()
    already: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()


def recipient_states(sends: Sequence[Mapping[str, Any]], message_id: str) -> dict[str, str]:
    """Each recipient's state for ``message_id`` over every recorded send (by
    :func:`digest.subscribers.key`): ``sent`` wins over ``sending``; a send an
    older digest recorded without its recipients counts for everyone (``*``)."""
    states: dict[str, str] = {}
    for entry in sends:
        if entry.get("message_id") != message_id:
            continue
        listed = entry.get("recipients")
        status = entry.get("status", SENT)  # versions 1 and 2: one state per send
        if isinstance(listed, dict):
            pairs = [(k, v) for k, v in listed.items() if isinstance(k, str)]
        elif isinstance(listed, list):
            pairs = [(r, status) for r in listed if isinstance(r, str)]
        else:
            pairs = [("*", status)]
        for address, state in pairs:
            who = "*" if address == "*" else subscribers.key(address)
            if state == SENT or (state == SENDING and states.get(who) != SENT):
                states[who] = state
    return states


def plan_send(
    outgoing: Outgoing,
    sends: Sequence[Mapping[str, Any]],
    unsubscribed: Mapping[str, str],
    *,
    resend: bool = False,
) -> SendPlan:
    """Who gets ``outgoing`` now: everyone not unsubscribed and (unless ``resend``)
    neither sent it nor maybe sent it."""
    states = recipient_states(sends, outgoing.message_id)
    todo, left, already, unknown = [], [], [], []
    for name, spec in outgoing.recipients:
        who = subscribers.key(spec)
        state = states.get(who) or states.get("*")
        if who in unsubscribed:
            left.append(spec)
        elif not resend and state == SENT:
            already.append(spec)
        elif not resend and state == SENDING:
            unknown.append(spec)
        else:
            todo.append((name, spec))
    return SendPlan(tuple(todo), tuple(left), tuple(already), tuple(unknown))


def describe(outgoing: Outgoing, options: SmtpOptions, plan: SendPlan | None = None) -> str:
    """What would be sent, for ``--dry-run``: one fact per line, no secrets."""
    plan = plan or SendPlan(outgoing.recipients)
    parts = [p.get_content_type() for p in outgoing.message.walk() if not p.is_multipart()]
    login = f" as {options.user}" if options.user else ""
    personal = outgoing.placeholders
    links = (
        f"each recipient's own ({', '.join('{' + p + '}' for p in sorted(personal))})"
        if personal
        else "the same for every recipient"
    )
    count = len(plan.todo)
    lines = [
        f"Would send {outgoing.path} via {options.server} ({options.security}){login}",
        f"  From: {outgoing.sender}",
        f"  Subject: {outgoing.subject}",
        f"  Message-ID: {outgoing.message_id}",
        f"  Parts: {', '.join(parts)}; {len(outgoing.data)} bytes",
        f"  Unsubscribe links: {links}",
        f"  {count} message{'s' if count != 1 else ''}, one for each recipient:",
        *(f"  To: {spec}" for _, spec in plan.todo),
    ]
    for label, skipped in (
        ("unsubscribed", plan.unsubscribed),
        ("already sent (pass --resend)", plan.already),
        ("may have it already (pass --resend)", plan.unknown),
    ):
        if skipped:
            lines.append(f"  Skipped, {label}: {', '.join(skipped)}")
    return "\n".join(lines)


def check_options(options: SmtpOptions) -> None:
    """Refuse options that cannot work before anything is recorded or sent."""
    if options.user and options.password is None:
        raise ConfigError(
            f"no SMTP password for user {options.user}",
            fix="put it in the environment variable named by --password-env",
        )
    if options.user and options.security is Security.NONE and options.host not in _LOOPBACK:
        raise ConfigError(
            f"refusing to send the SMTP password unencrypted to {options.host}",
            fix="use --security starttls or tls",
        )


# -- the SMTP session ---------------------------------------------------------------

#: ``note(address, state, reason)``: a recipient's progress, as it happens.
Note = Callable[[str, str, str | None], None]


def deliver(
    outgoing: Outgoing,
    options: SmtpOptions,
    todo: Sequence[tuple[str, str]] | None = None,
    *,
    secret: str | None = None,
    note: Note | None = None,
) -> dict[str, str]:
    """Send ``outgoing`` to each of ``todo`` (default: every recipient) in one SMTP
    session, one transaction and one message each; return each address's state.

    ``note`` hears each recipient's progress as it happens: ``sending`` just
    before its message goes out, then ``sent`` or ``refused`` (with the
    server's reason). A refused recipient does not stop the others. Raises
    :class:`SendError` when the session fails (no connection, a refused login
    or sender, a dropped connection), and :class:`OutcomeUnknownError` when it
    failed after a message went out and before the server said it took it.
    """
    check_options(options)
    todo = outgoing.recipients if todo is None else tuple(todo)
    states: dict[str, str] = {}

    def mark(address: str, state: str, reason: str | None = None) -> None:
        states[address] = state
        if note is not None:
            note(address, state, reason)

    context = options.ssl_context or ssl.create_default_context()
    try:
        client: smtplib.SMTP
        if options.security is Security.TLS:
            client = smtplib.SMTP_SSL(
                options.host, options.port, timeout=options.timeout, context=context
            )
        else:
            client = smtplib.SMTP(options.host, options.port, timeout=options.timeout)
    except (OSError, smtplib.SMTPException, UnicodeError, ValueError) as exc:
        raise SendError(
            f"could not connect to {options.server}: {_reason(exc)}",
            fix="check --host, --port and --security, and that the server is running",
        ) from None
    progress = _Progress()
    try:
        _open_session(client, options, context)
        for to in todo:
            _send_one(
                client, outgoing, options, to, outgoing.for_recipient(to, secret), mark, progress
            )
    except (SendError, ConfigError, RenderError):
        raise
    except (OSError, smtplib.SMTPException) as exc:
        if progress.current is not None:
            raise OutcomeUnknownError(
                f"the connection to {options.server} failed after the message to "
                f"{progress.current} went out ({_reason(exc)}), so it may have been delivered",
                fix="check whether it arrived; send it to them again with --resend",
            ) from None
        if isinstance(exc, smtplib.SMTPServerDisconnected):
            raise SendError(f"{options.server} closed the connection: {_reason(exc)}") from None
        raise SendError(f"sending via {options.server} failed: {_reason(exc)}") from None
    finally:
        _close(client, polite=progress.current is None and progress.opened)
    return states


@dataclass
class _Progress:
    """How far a session got: whether it opened, and whose message is out unanswered."""

    opened: bool = False
    current: str | None = None


def _close(client: smtplib.SMTP, *, polite: bool) -> None:
    """QUIT (whatever the server answers: every message was taken or not already), then close."""
    try:
        if polite:
            client.quit()
    except (OSError, smtplib.SMTPException):
        pass
    finally:
        client.close()


def _open_session(client: smtplib.SMTP, options: SmtpOptions, context: ssl.SSLContext) -> None:
    client.ehlo()
    if options.security is Security.STARTTLS:
        if not client.has_extn("starttls"):
            raise SendError(
                f"{options.server} does not offer STARTTLS", fix="use --security tls or none"
            )
        client.starttls(context=context)
        client.ehlo()
    if options.user:
        try:
            client.login(options.user, options.password or "")
        except smtplib.SMTPAuthenticationError as exc:
            raise SendError(
                f"{options.server} refused the login of {options.user}: {_reason(exc)}",
                fix="check --user and the password in the environment variable",
            ) from None
        except smtplib.SMTPNotSupportedError:
            raise SendError(
                f"{options.server} does not offer login (AUTH)",
                fix="leave out --user, or use --security starttls",
            ) from None


def _send_one(
    client: smtplib.SMTP,
    outgoing: Outgoing,
    options: SmtpOptions,
    to: tuple[str, str],
    data: bytes,
    mark: Note,
    progress: _Progress,
) -> None:
    """One transaction: MAIL, RCPT and DATA of the message for ``to``."""
    spec = to[1]
    code, reply = client.mail(outgoing.sender)
    progress.opened = True
    if code != 250:
        client.rset()
        raise SendError(
            f"{options.server} refused the sender {outgoing.sender}: {code} {_text(reply)}",
            fix="log in as one who may send from it (--user), or rebuild with another --from",
        )
    code, reply = client.rcpt(spec)
    if code not in (250, 251):
        client.rset()
        mark(spec, REFUSED, f"{code} {_text(reply)}".strip())
        return
    mark(spec, SENDING, None)  # recorded before the message goes out
    progress.current = spec
    try:
        code, reply = client.data(data)
    except smtplib.SMTPDataError as exc:  # DATA itself refused: nothing went out
        progress.current = None
        client.rset()
        mark(spec, REFUSED, _reason(exc))
        return
    progress.current = None
    if code != 250:  # an answer, and a refusal: surely not delivered
        mark(spec, REFUSED, f"{code} {_text(reply)}".strip())
        return
    mark(spec, SENT, None)


def _text(reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    return plain_text(text)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {_text(exc.smtp_error)}"
    return _text(str(exc)) or type(exc).__name__


# -- the record of sends -------------------------------------------------------


def record_path(eml: Path) -> Path:
    """Where the sends of ``eml`` are recorded."""
    return eml.parent / SENT_RECORD


def journal_path(eml: Path) -> Path:
    """Where a send in progress notes each recipient's state."""
    return eml.parent / SEND_JOURNAL


def read_record(eml: Path) -> list[dict[str, Any]]:
    """Every send recorded beside ``eml``, oldest first, with the journal of a
    send that did not finish folded in.

    A record that is not a file, or not one digest wrote, is a
    :class:`~digest.errors.ConfigError`: it is never silently replaced.
    """
    path = record_path(eml)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        sends: list[dict[str, Any]] = []
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        raise ConfigError(
            f"cannot read the send record ({reason})",
            path=str(path),
            fix="it must be the file digest send writes; move it away or repair it",
        ) from None
    else:
        try:
            data = json.loads(text)
            listed = data["sends"]
            if not isinstance(listed, list):
                raise TypeError
        except (ValueError, KeyError, TypeError):
            raise ConfigError(
                "the send record is unreadable",
                path=str(path),
                fix="repair it, or move it away (it says which issues were sent)",
            ) from None
        sends = [s for s in listed if isinstance(s, dict)]
    _fold(sends, journal_path(eml))
    return sends


def _fold(sends: list[dict[str, Any]], journal: Path) -> bool:
    """Apply the journal's notes to ``sends``; False when there is no journal."""
    try:
        lines = journal.read_bytes().splitlines()
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise ConfigError(
            f"cannot read the journal of a send ({exc.strerror or exc})",
            path=str(journal),
            fix="it must be the file digest send writes",
        ) from None
    for raw in lines:
        try:
            item = json.loads(raw)
        except ValueError:  # the line a crash cut short
            continue
        if not isinstance(item, dict):
            continue
        index, address, state = item.get("send"), item.get("to"), item.get("status")
        if (
            isinstance(index, int)
            and 0 <= index < len(sends)
            and isinstance(address, str)
            and state in (SENDING, SENT, REFUSED)
        ):
            listed = sends[index].setdefault("recipients", {})
            if isinstance(listed, dict):
                listed[address] = state
    return True


#: What to do about a send record that could not be written, by errno (else: a
#: file in a folder one may write to). A send stopped by it has sent nothing more
#: than its journal says, so running it again sends only to the others.
_RECORD_FIXES = {
    errno.ENOSPC: "free some space on that disk, then digest send again",
    errno.EDQUOT: "free some space within your disk quota, then digest send again",
    errno.EROFS: "the disk is read-only: move the .eml to a writable folder",
}


def write_record(eml: Path, sends: Sequence[Mapping[str, Any]]) -> Path:
    """Write ``sends`` as the record beside ``eml``, atomically."""
    path = record_path(eml)
    body = json.dumps(
        {"version": RECORD_VERSION, "sends": list(sends)}, ensure_ascii=False, indent=2
    )
    try:
        write_atomic(path, (body + "\n").encode("utf-8"))
    except OSError as exc:
        raise ConfigError(
            f"cannot write the send record ({exc.strerror or exc})",
            path=str(path),
            fix=_RECORD_FIXES.get(exc.errno or 0, "it must be a file in a folder you can write to"),
        ) from None
    return path


class _Journal:
    """Notes of one send in progress, each appended and synced before going on."""

    def __init__(self, eml: Path, index: int) -> None:
        self.path = journal_path(eml)
        self.index = index
        try:
            self._file = self.path.open("ab")
        except OSError as exc:
            raise ConfigError(
                f"cannot write the journal of the send ({exc.strerror or exc})",
                path=str(self.path),
                fix="the folder of the .eml must be writable",
            ) from None

    def note(self, address: str, state: str, reason: str | None = None) -> None:
        item: dict[str, Any] = {"send": self.index, "to": address, "status": state}
        if reason:
            item["reason"] = reason
        try:
            self._file.write(json.dumps(item, ensure_ascii=False).encode("utf-8") + b"\n")
            self._file.flush()
            os.fsync(self._file.fileno())
        except OSError as exc:  # stop before a message goes out unrecorded
            raise ConfigError(
                f"cannot record the send to {address} ({exc.strerror or exc}); stopped",
                path=str(self.path),
                fix="free some space, then digest send again (it sends only to the others)",
            ) from None

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._file.close()


@dataclass(frozen=True)
class SendReport:
    """What a send did."""

    record: Path
    plan: SendPlan
    sent: tuple[str, ...] = ()
    #: Refused addresses, with the server's reason.
    refused: tuple[tuple[str, str], ...] = ()


def check_not_sent(plan: SendPlan, outgoing: Outgoing, sends: Sequence[Mapping[str, Any]]) -> None:
    """Raise :class:`AlreadySentError` when nobody is left to send to because every
    recipient got it (or may have): sending again needs ``--resend``."""
    if plan.todo or not (plan.already or plan.unknown):
        return
    mine = [s for s in sends if s.get("message_id") == outgoing.message_id]
    if plan.unknown:
        started = next((s["started_at"] for s in reversed(mine) if s.get("started_at")), None)
        raise AlreadySentError(
            f"{outgoing.message_id} may already have been sent to {len(plan.unknown)} "
            f"recipient(s): the send {f'of {started} ' if started else ''}was never confirmed "
            f"for {', '.join(plan.unknown[:3])}{' ...' if len(plan.unknown) > 3 else ''}",
            fix="check whether it arrived; pass --resend to send it again",
        )
    when = next((s["sent_at"] for s in reversed(mine) if s.get("sent_at")), None)
    # a send a crash cut short, settled by the next, has no sent_at: when it began
    when = when or next((s["started_at"] for s in reversed(mine) if s.get("started_at")), None)
    raise AlreadySentError(
        f"{outgoing.message_id} was already sent{f' on {when}' if when else ''} to "
        f"{len(plan.already)} recipient(s)",
        fix="pass --resend to send it again",
    )


def send_issue(
    outgoing: Outgoing,
    options: SmtpOptions,
    *,
    resend: bool = False,
    secret: str | None = None,
    now: dt.datetime | None = None,
    lock_timeout: float = 120.0,
) -> SendReport:
    """Deliver ``outgoing`` once to each recipient and record it.

    Under the send lock: settle a journal an earlier send left, read the record
    and the unsubscriptions, leave out who unsubscribed and (unless
    ``resend``) who got it or may have, record the intent, deliver (noting
    each recipient in the journal), and record the outcome. Nothing is sent
    unless the intent could be recorded first. Raises :class:`SendError` when
    some recipient did not get it (the others did, and are recorded).
    """
    check_options(options)
    stamp = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).isoformat(timespec="seconds")
    eml = outgoing.path
    with file_lock(eml.parent / SEND_LOCK, timeout=lock_timeout, holder="another digest send"):
        sends = read_record(eml)
        if journal_path(eml).exists():  # a send that did not finish: settle it first
            write_record(eml, sends)
            journal_path(eml).unlink(missing_ok=True)
        plan = plan_send(outgoing, sends, subscribers.read_unsubscribed(eml.parent), resend=resend)
        check_not_sent(plan, outgoing, sends)
        if not plan.todo:
            return SendReport(record_path(eml), plan)
        outgoing.for_recipient(plan.todo[0], secret)  # one that cannot be built stops here
        entry: dict[str, Any] = {
            "message_id": outgoing.message_id,
            "subject": outgoing.subject,
            "server": options.server,
            "started_at": stamp,
            "recipients": {spec: PENDING for _, spec in plan.todo},
        }
        existed = record_path(eml).exists()
        path = write_record(eml, [*sends, entry])  # the intent, before anything goes out
        journal = _Journal(eml, len(sends))
        reasons: dict[str, str] = {}

        def note(address: str, state: str, reason: str | None) -> None:
            journal.note(address, state, reason)
            if reason:
                reasons[address] = reason

        failure: DigestError | None = None
        try:
            deliver(outgoing, options, plan.todo, secret=secret, note=note)
        except DigestError as exc:
            failure = exc
        finally:
            journal.close()
        final = read_record(eml)  # the journal folded in: every recipient's state
        delivered = [a for a, s in final[len(sends)]["recipients"].items() if s == SENT]
        if delivered or any(s == SENDING for s in final[len(sends)]["recipients"].values()):
            final[len(sends)]["sent_at"] = stamp
            write_record(eml, final)
        elif sends or existed:  # surely nothing delivered: the record is as it was
            write_record(eml, sends)
        else:
            path.unlink(missing_ok=True)
        journal.path.unlink(missing_ok=True)
        # from the record, not from deliver: a session that failed later returns
        # nothing, yet the recipients it refused before are refused all the same
        refused = tuple(
            (a, reasons.get(a, "?"))
            for a, s in final[len(sends)]["recipients"].items()
            if s == REFUSED
        )
        report = SendReport(path, plan, tuple(delivered), refused)
        if failure is not None:
            raise _partly(failure, report)
        if refused:
            raise _partly(None, report)
    return report


def _partly(failure: DigestError | None, report: SendReport) -> DigestError:
    """The error of a send that reached some recipients, saying who got it."""
    total = len(report.plan.todo)
    sent = len(report.sent)
    parts = [failure.message] if failure is not None else []
    if report.refused:
        shown = "; ".join(f"{a} ({why})" for a, why in report.refused[:5])
        more = f" and {len(report.refused) - 5} more" if len(report.refused) > 5 else ""
        parts.append(f"refused {shown}{more}")
    if sent or failure is None or report.refused:
        parts.append(f"sent to {sent} of {total} recipient{'s' if total != 1 else ''}")
    fixes = [failure.fix] if failure is not None and failure.fix else []
    if report.refused:
        fixes.append("correct or leave out the refused addresses")
    if sent < total:
        fixes.append("digest send again sends only to those not yet sent")
    fix = "; ".join(fixes) or None
    kind = type(failure) if failure is not None else SendError
    return kind("; ".join(parts), path=failure.path if failure else None, fix=fix)
