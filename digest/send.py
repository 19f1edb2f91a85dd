"""Send an issue: the ``digest.eml`` a build wrote, over SMTP, once.

The message is sent exactly as built, except that ``--to`` can re-address it
(its ``To`` header is replaced; nothing else is re-encoded). The envelope
recipients are the editor's: ``--to``, else ``[email] to`` in digest.toml;
never the message's own headers. A message with a header digest does not
write (``Cc``, ``Bcc``, ``Reply-To``...) is refused.

The SMTP transaction is all-or-nothing: every recipient must be accepted
before the message data is sent, so a refused address never leaves a
half-delivered issue.

Every send is recorded in ``sent.json`` beside the ``.eml``, atomically and
under a lock (``sent.json.lock``), so two sends at once cannot both deliver:
first the intent (status ``sending``, with the Message-ID and recipients),
then the outcome: ``sent``, or the entry is dropped when the server surely
did not take the message. An intent with no outcome means the connection
was lost after the message went out, so it may have been delivered; like a
recorded send, it is sent again only with ``--resend``.

The password never travels through argv: it is read from the environment
variable that :attr:`Settings.smtp_password_env` names.
"""

from __future__ import annotations

import datetime as dt
import email.policy
import json
import smtplib
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.parser import BytesParser
from enum import StrEnum
from pathlib import Path
from typing import Any

from digest.config import Settings, addr_spec
from digest.errors import ConfigError, DigestError, ExitStatus
from digest.publish import file_lock, write_atomic
from digest.render.mime import (
    HEADER_ORDER,
    OPTIONAL_HEADERS,
    address_header,
    addresses,
    header_names,
    plain_text,
)

#: The record of sends, written next to the ``.eml``.
SENT_RECORD = "sent.json"
#: Held while a send reads, sends and records; beside the record.
SEND_LOCK = "sent.json.lock"
#: Version 2 records an intent before each send and its outcome after.
RECORD_VERSION = 2
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
            port=settings.smtp_port,
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
    """A message ready to go: its bytes and who it goes to."""

    #: The ``.eml`` it came from; the sent record goes beside it.
    path: Path
    message: EmailMessage
    data: bytes
    sender: str
    #: The envelope recipients (addr-specs): from the editor's settings only.
    recipients: tuple[str, ...]

    @property
    def message_id(self) -> str:
        return plain_text(str(self.message["Message-ID"] or ""))

    @property
    def subject(self) -> str:
        return plain_text(str(self.message["Subject"] or ""))


def find_message(path: Path) -> Path:
    """``path`` itself if it is a file, else ``digest.eml`` in that folder."""
    target = path / "digest.eml" if path.is_dir() else path
    if not target.is_file():
        raise ConfigError(
            "no such message file", path=str(target), fix="run digest build first or give the .eml"
        )
    return target


def recipients(settings: Settings, to: Sequence[str] = ()) -> tuple[tuple[str, str], ...]:
    """Who a send goes to: ``to`` (``--to``) if given, else ``settings.email_to``.

    The default placeholder address is refused: with neither set, nobody was
    chosen. The message's own To/Cc/Bcc headers are never consulted.
    """
    if to:
        return addresses(", ".join(to), "--to")
    if settings.email_to == Settings.email_to:
        raise ConfigError(
            f"no recipients chosen: no --to, and [email] to is the placeholder {Settings.email_to}",
            fix="give --to ADDRESS, or set to in the [email] table of digest.toml",
        )
    return addresses(settings.email_to, "email.to")


def prepare(path: Path, to: Sequence[tuple[str, str]], *, readdress: bool = False) -> Outgoing:
    """Read the message at ``path`` (a ``.eml`` or a build folder) for sending to ``to``.

    ``to`` are the envelope recipients (see :func:`recipients`). With
    ``readdress`` the message's ``To`` header becomes ``to`` too; otherwise
    the message goes out as built. A message whose headers are not the ones
    digest writes (an extra ``Cc`` or ``Bcc``, a header twice, a malformed
    line) is refused.
    """
    eml = find_message(path)
    try:
        data = eml.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read the message ({exc.strerror})", path=str(eml)) from None
    _check_headers(eml, data)
    if readdress:
        data = _replace_header(data, "To", address_header("To", to).encode("ascii"))
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
    envelope = tuple(dict.fromkeys(spec for _, spec in to))
    return Outgoing(eml, message, data, sender, envelope)


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


def _replace_header(data: bytes, name: str, lines: bytes) -> bytes:
    """``data`` with header ``name`` (and its continuation lines) replaced by ``lines``."""
    head, _, body = data.partition(b"\r\n\r\n")
    out: list[bytes] = []
    skipping = False
    for line in head.split(b"\r\n"):
        if line[:1] in (b" ", b"\t"):
            if not skipping:
                out.append(line)
            continue
        skipping = line.split(b":", 1)[0].lower() == name.lower().encode("ascii")
        if skipping:
            out.append(lines.rstrip(b"\r\n"))
        else:
            out.append(line)
    return b"\r\n".join(out) + b"\r\n\r\n" + body


def describe(outgoing: Outgoing, options: SmtpOptions) -> str:
    """What would be sent, for ``--dry-run``: one fact per line, no secrets."""
    parts = [p.get_content_type() for p in outgoing.message.walk() if not p.is_multipart()]
    login = f" as {options.user}" if options.user else ""
    lines = [
        f"Would send {outgoing.path} via {options.server} ({options.security}){login}",
        f"  From: {outgoing.sender}",
        f"  To: {', '.join(outgoing.recipients)}",
        f"  Subject: {outgoing.subject}",
        f"  Message-ID: {outgoing.message_id}",
        f"  Parts: {', '.join(parts)}; {len(outgoing.data)} bytes",
    ]
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


def deliver(outgoing: Outgoing, options: SmtpOptions) -> None:
    """Send ``outgoing`` in one SMTP transaction; return once the server took it.

    Raises :class:`SendError` when it surely was not delivered (no connection,
    a refused login, sender, recipient or message), and
    :class:`OutcomeUnknownError` when the connection failed after the message
    data went out, before the server said it took it.
    """
    check_options(options)
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
        _transaction(client, outgoing, options, context, progress)
    except SendError:
        raise
    except (OSError, smtplib.SMTPException) as exc:
        if progress.data_sent:
            raise OutcomeUnknownError(
                f"the connection to {options.server} failed after the message went out "
                f"({_reason(exc)}), so it may have been delivered",
                fix="check whether it arrived; send it again with --resend",
            ) from None
        if isinstance(exc, smtplib.SMTPServerDisconnected):
            raise SendError(f"{options.server} closed the connection: {_reason(exc)}") from None
        raise SendError(f"sending via {options.server} failed: {_reason(exc)}") from None
    finally:
        _close(client, polite=progress.accepted)


@dataclass
class _Progress:
    """How far a transaction got: whether the data went out, and was taken."""

    data_sent: bool = False
    accepted: bool = False


def _close(client: smtplib.SMTP, *, polite: bool) -> None:
    """QUIT (whatever the server answers: the message was taken or not already), then close."""
    try:
        if polite:
            client.quit()
    except (OSError, smtplib.SMTPException):
        pass
    finally:
        client.close()


def _transaction(
    client: smtplib.SMTP,
    outgoing: Outgoing,
    options: SmtpOptions,
    context: ssl.SSLContext,
    progress: _Progress,
) -> None:
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
    code, reply = client.mail(outgoing.sender)
    if code != 250:
        client.rset()
        raise SendError(
            f"{options.server} refused the sender {outgoing.sender}: {code} {_text(reply)}"
        )
    refused = []
    for recipient in outgoing.recipients:
        code, reply = client.rcpt(recipient)
        if code not in (250, 251):
            refused.append(f"{recipient} ({code} {_text(reply)})")
    if refused:
        client.rset()
        raise SendError(
            f"{options.server} refused {'; '.join(refused)}; nothing was sent",
            fix="correct or leave out the refused addresses",
        )
    try:
        progress.data_sent = True
        code, reply = client.data(outgoing.data)
    except smtplib.SMTPDataError as exc:  # DATA itself refused: nothing went out
        raise SendError(f"{options.server} refused the message: {_reason(exc)}") from None
    if code != 250:  # an answer, and a refusal: surely not delivered
        raise SendError(f"{options.server} did not accept the message: {code} {_text(reply)}")
    progress.accepted = True


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


def read_record(eml: Path) -> list[dict[str, Any]]:
    """Every send recorded beside ``eml``, oldest first.

    A record that is not a file, or not one digest wrote, is a
    :class:`~digest.errors.ConfigError`: it is never silently replaced.
    """
    path = record_path(eml)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        raise ConfigError(
            f"cannot read the send record ({reason})",
            path=str(path),
            fix="it must be the file digest send writes; move it away or repair it",
        ) from None
    try:
        data = json.loads(text)
        sends = data["sends"]
        if not isinstance(sends, list):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        raise ConfigError(
            "the send record is unreadable",
            path=str(path),
            fix="repair it, or move it away (it says which issues were sent)",
        ) from None
    return [s for s in sends if isinstance(s, dict)]


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
            fix="it must be a file in a folder you can write to",
        ) from None
    return path


def check_not_sent(outgoing: Outgoing, sends: Sequence[Mapping[str, Any]]) -> None:
    """Raise :class:`AlreadySentError` if this Message-ID was (or may have been) sent."""
    for previous in sends:
        if previous.get("message_id") != outgoing.message_id:
            continue
        count = len(previous.get("recipients", []))
        status = previous.get("status", "sent")  # version 1 recorded only sends
        if status == "sent":
            raise AlreadySentError(
                f"{outgoing.message_id} was already sent on {previous.get('sent_at')} "
                f"to {count} recipient(s)",
                fix="pass --resend to send it again",
            )
        if status == "sending":
            raise AlreadySentError(
                f"{outgoing.message_id} may already have been sent: the send of "
                f"{previous.get('started_at')} to {count} recipient(s) was never confirmed",
                fix="check whether it arrived; pass --resend to send it again",
            )


def send_issue(
    outgoing: Outgoing,
    options: SmtpOptions,
    *,
    resend: bool = False,
    now: dt.datetime | None = None,
    lock_timeout: float = 120.0,
) -> Path:
    """Deliver ``outgoing`` once and record it; return the record's path.

    Under the send lock: read the record, refuse a send already made (or
    unconfirmed) unless ``resend``, record the intent, deliver, record the
    outcome. Nothing is sent unless the intent could be recorded first.
    """
    check_options(options)
    stamp = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).isoformat(timespec="seconds")
    lock = outgoing.path.parent / SEND_LOCK
    with file_lock(lock, timeout=lock_timeout, holder="another digest send of this message"):
        existed = record_path(outgoing.path).exists()
        sends = read_record(outgoing.path)
        if not resend:
            check_not_sent(outgoing, sends)
        entry: dict[str, Any] = {
            "message_id": outgoing.message_id,
            "subject": outgoing.subject,
            "recipients": list(outgoing.recipients),
            "server": options.server,
            "status": "sending",
            "started_at": stamp,
        }
        path = write_record(outgoing.path, [*sends, entry])  # the intent, before anything goes out
        try:
            deliver(outgoing, options)
        except OutcomeUnknownError as exc:
            entry["error"] = exc.message  # stays "sending": it may have arrived
            _record_outcome(outgoing, [*sends, entry])
            raise
        except DigestError:
            # surely not delivered: the record is as it was
            if sends or existed:
                _record_outcome(outgoing, sends)
            else:
                path.unlink(missing_ok=True)
            raise
        entry.update(status="sent", sent_at=stamp)
        _record_outcome(outgoing, [*sends, entry], delivered=True)
    return path


def _record_outcome(
    outgoing: Outgoing, sends: Sequence[Mapping[str, Any]], *, delivered: bool = False
) -> None:
    try:
        write_record(outgoing.path, sends)
    except ConfigError as exc:
        if delivered:
            raise ConfigError(
                f"{outgoing.message_id} was sent, but recording it failed: {exc.message}",
                path=exc.path,
                fix="the record still says it is being sent, so a plain retry will refuse",
            ) from None
        raise
