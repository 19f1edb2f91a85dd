"""The email as a MIME message: multipart/alternative, text then HTML.

Headers follow RFC 5322 with the list headers a newsletter needs: ``List-Id``
(RFC 2919), ``List-Unsubscribe`` (RFC 2369) and, when an HTTPS unsubscribe URL
is set, ``List-Unsubscribe-Post: List-Unsubscribe=One-Click`` (RFC 8058).

Header text comes from articles (the title) and settings, so it is untrusted.
It is never handed to the standard library as a header value to parse or
fold: how :mod:`email` treats an encoded word holding CR/LF differs between
Python patch levels, and on some it starts a header of its own. Instead every
value is reduced to plain text here (:func:`plain_text`: no control
characters, no line or paragraph separators), and the header lines are
written here: RFC 2047 encoded words for anything not plain ASCII and for
anything that looks like an encoded word itself (so a client shows it as the
text it is, never decodes it into something else), folded as RFC 5322 says.
The standard library only builds the two body parts, whose headers are its
own constants.

Before the bytes are handed on, :func:`check_message` parses them back and
raises :class:`~digest.errors.RenderError` unless the header set is exactly
the one intended (names, order, counts) and every value reads back as the
text it was made from.
"""

from __future__ import annotations

import base64
import datetime as dt
import email.policy
import hashlib
import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime
from urllib.parse import quote

from digest.config import (
    Site,
    list_identifier,
    mailto_url,
    parse_addresses,
    parse_sender,
    placeholder_problem,
    placeholders,
    url_problem,
)
from digest.errors import ConfigError, OutputTooLargeError, RenderError
from digest.model import Digest, digest_to_dict
from digest.text import fold_space


def unsubscribe_mailto_url(settings: Site) -> str | None:
    """``mailto:ADDRESS?subject=unsubscribe`` for the configured address, if any."""
    address = settings.unsubscribe_mailto
    if not address:
        return None
    address = address.strip().removeprefix("mailto:")
    if "?" in address:  # already carries its own subject or body
        return f"mailto:{address}"
    return f"mailto:{quote(address, safe='@+.-_')}?subject=unsubscribe"


#: What stands for ``{email}`` and ``{token}`` in a built email: ``digest-email-HASH``,
#: the hash being the issue's own, so no article can hold it (its text is part of
#: what is hashed). ``digest send`` puts each recipient's values in its place.
PERSONAL_MARK = re.compile(r"digest-(email|token)-[0-9a-f]{16}")


def personal_marks(digest: Digest) -> dict[str, str]:
    """The marks that stand for each placeholder in ``digest``'s email."""
    data = json.dumps(digest_to_dict(digest), sort_keys=True, ensure_ascii=False)
    mark = hashlib.sha256(data.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return {"{email}": f"digest-email-{mark}", "{token}": f"digest-token-{mark}"}


def unsubscribe_url(digest: Digest, settings: Site) -> str | None:
    """The unsubscribe URL as the built email carries it: placeholders as marks."""
    url = settings.unsubscribe_url
    if url and placeholders(url):
        for placeholder, mark in personal_marks(digest).items():
            url = url.replace(placeholder, mark)
    return url


#: Gmail clips messages over about 102 KB; stay well below it.
EMAIL_WARN_BYTES = 80 * 1024
EMAIL_MAX_BYTES = 100 * 1024


def check_email_size(html: bytes, *, allow_large: bool = False) -> str | None:
    """Refuse an email over :data:`EMAIL_MAX_BYTES` (unless ``allow_large``);
    return a warning for one over :data:`EMAIL_WARN_BYTES`, else None."""
    size = len(html)
    if size > EMAIL_MAX_BYTES and not allow_large:
        raise OutputTooLargeError(
            f"the email is {size // 1024} KB, over the {EMAIL_MAX_BYTES // 1024} KB limit "
            "(Gmail clips at 102 KB)",
            fix="lower --words, give fewer articles, or pass --allow-large",
        )
    if size > EMAIL_WARN_BYTES:
        return f"the email is {size // 1024} KB; Gmail clips messages over 102 KB"
    return None


#: RFC 5322 2.1.1: a line SHOULD be at most 78 characters and MUST be at most 998.
LINE = 78
MAX_LINE = 998
#: RFC 2047 2: an encoded word is at most 75 characters.
_ENCODED_WORD = 75
_PREFIX_Q, _PREFIX_B, _SUFFIX = "=?utf-8?q?", "=?utf-8?b?", "?="
#: Characters a "Q" encoded word may carry as themselves anywhere, phrases
#: included (RFC 2047 5 (3)); everything else is =XX.
_Q_SAFE = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!*+-/")
#: Bidirectional embeddings, overrides and isolates: they can reorder what a
#: client shows of the rest of the header.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_ATOM = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+")
_URL_SAFE = re.compile(r"[\x21-\x7e]+")

#: The headers digest writes, in order; the optional ones may be left out.
HEADER_ORDER = (
    "Subject",
    "From",
    "To",
    "Date",
    "Message-ID",
    "List-Id",
    "List-Unsubscribe",
    "List-Unsubscribe-Post",
    "MIME-Version",
    "Content-Type",
)
OPTIONAL_HEADERS = frozenset({"List-Unsubscribe", "List-Unsubscribe-Post"})


# -- plain text ---------------------------------------------------------------


def plain_text(value: str) -> str:
    """``value`` as one line of plain text, fit to become a header's value.

    Every control character (C0, DEL, C1), line and paragraph separator
    (U+2028, U+2029) and other whitespace becomes a space, runs of spaces
    become one, bidirectional overrides go, a lone surrogate becomes U+FFFD.
    """
    out = []
    for char in value:
        category = unicodedata.category(char)
        if category in ("Cc", "Zl", "Zp") or char.isspace():
            out.append(" ")
        elif category == "Cs":
            out.append("\ufffd")
        elif char not in _BIDI_CONTROLS:
            out.append(char)
    return fold_space("".join(out))


# -- encoded words and folding ------------------------------------------------


def _q_piece(char: str) -> str:
    if char == " ":
        return "_"
    return "".join(chr(b) if b in _Q_SAFE else f"={b:02X}" for b in char.encode("utf-8"))


def _b_length(size: int) -> int:
    return 4 * ((size + 2) // 3)


def _needs_encoding(word: str) -> bool:
    """Not plain printable ASCII, or something a client could take for an encoded word."""
    return not _URL_SAFE.fullmatch(word) or "=?" in word or "?=" in word


@dataclass(frozen=True)
class _Token:
    """A piece of a header value: ``text`` written as is (``plain``) or encoded."""

    text: str
    plain: bool
    #: A plain token too long for its line may be written encoded instead
    #: (unstructured text); an address or URL may not.
    encodable: bool = True


class _Folder:
    """Writes one header: its tokens separated by single spaces, folded at 78."""

    def __init__(self, name: str) -> None:
        self.lines: list[str] = []
        self.line = f"{name}:"
        self.starts_line = True  # nothing after the colon yet
        self.after_encoded = False

    def _room(self) -> int:
        return LINE - len(self.line) - 1

    def _fold(self) -> None:
        self.lines.append(self.line)
        self.line = ""

    def plain(self, token: _Token) -> None:
        fits = len(token.text) <= self._room()
        if not fits and token.encodable and (self.starts_line or len(token.text) > LINE - 1):
            self.encoded(token.text)  # never fold right after the colon
            return
        if not fits and not self.starts_line:
            self._fold()
        self.line += " " + token.text
        self.starts_line = False
        self.after_encoded = False

    def encoded(self, text: str) -> None:
        # the space between two encoded words is dropped by decoders, so a
        # space that separates this text from encoded text before it is
        # carried inside the encoding
        if self.after_encoded:
            text = " " + text
        raw = text.encode("utf-8")
        use_b = _b_length(len(raw)) < sum(len(_q_piece(c)) for c in text)
        while text:
            room = min(_ENCODED_WORD, self._room())
            if room < 24 and not self.starts_line:  # not even one character fits
                self._fold()
                room = min(_ENCODED_WORD, self._room())
            take, size = 0, 0
            for char in text:
                piece = len(char.encode("utf-8")) if use_b else len(_q_piece(char))
                total = _b_length(size + piece) if use_b else size + piece
                if len(_PREFIX_Q) + total + len(_SUFFIX) > room and take:
                    break
                take, size = take + 1, size + piece
            chunk, text = text[:take], text[take:]
            if use_b:
                word = _PREFIX_B + base64.b64encode(chunk.encode("utf-8")).decode("ascii")
            else:
                word = _PREFIX_Q + "".join(_q_piece(c) for c in chunk)
            self.line += " " + word + _SUFFIX
            self.starts_line = False
        self.after_encoded = True

    def write(self, tokens: Sequence[_Token]) -> str:
        pending: list[str] = []  # consecutive words to encode, as one run
        for token in tokens:
            if token.plain:
                if pending:
                    self.encoded(" ".join(pending))
                    pending = []
                self.plain(token)
            else:
                pending.append(token.text)
        if pending:
            self.encoded(" ".join(pending))
        self.lines.append(self.line)
        return "\r\n".join(self.lines) + "\r\n"


def _text_tokens(text: str) -> list[_Token]:
    return [_Token(word, plain=not _needs_encoding(word)) for word in text.split(" ") if word]


def _phrase_tokens(name: str, *, quote: bool = False) -> list[_Token]:
    """A display name: atoms as they are, else one encoded run (or a quoted string)."""
    words = plain_text(name).split(" ")
    if not words or words == [""]:
        return []
    if not quote and all(_ATOM.fullmatch(w) and not _needs_encoding(w) for w in words):
        return [_Token(w, plain=True, encodable=False) for w in words]
    text = " ".join(words)
    if quote and not _needs_encoding(text.replace(" ", "x")) and len(text) <= 60:
        escaped = text.replace("\\", "\\\\").replace('"', '\\"')
        return [_Token(f'"{escaped}"', plain=True, encodable=False)]
    return [_Token(w, plain=False) for w in words]


def unstructured(name: str, text: str) -> str:
    """The header line(s) ``name: text`` for free text, encoded and folded."""
    return _Folder(name).write(_text_tokens(plain_text(text)))


def address_header(name: str, addresses: Sequence[tuple[str, str]]) -> str:
    """``name: Display <user@host>, ...`` for checked ``(display name, addr-spec)`` pairs."""
    tokens: list[_Token] = []
    for index, (display, spec) in enumerate(addresses):
        comma = "," if index < len(addresses) - 1 else ""
        phrase = _phrase_tokens(display)
        tokens.extend(phrase)
        target = f"<{spec}>" if phrase else spec
        tokens.append(_Token(target + comma, plain=True, encodable=False))
    return _Folder(name).write(tokens)


def _atoms_header(name: str, parts: Sequence[str]) -> str:
    return _Folder(name).write([_Token(p, plain=True, encodable=False) for p in parts])


# -- the values ---------------------------------------------------------------


def subject(digest: Digest, settings: Site) -> str:
    """Distinct per issue: the newsletter, the issue's title and its date (plain text)."""
    name, title = plain_text(settings.name), plain_text(digest.title)
    day = digest.date.isoformat()
    if not title:
        return f"{name} ({day})" if name else day
    return f"{name}: {title} ({day})" if name else f"{title} ({day})"


def _ascii_host(settings: Site) -> str:
    host = settings.site_host
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        host = ""
    if not _ATOM.fullmatch(host.replace(".", "")):
        raise ConfigError(
            f"site_url host {settings.site_host!r} cannot name a Message-ID or List-Id",
            fix="give site_url a plain host name",
        )
    return host


def message_id(digest: Digest, settings: Site) -> str:
    """Stable for an issue: derived from the site and the issue date only."""
    return f"<issue-{digest.date.isoformat()}@{_ascii_host(settings)}>"


def list_id_parts(settings: Site) -> tuple[str, str]:
    """The list's name and identifier: the configured id, else the newsletter's
    name as a label on the site host."""
    raw = settings.list_id
    if not raw:
        raw = f"{_list_label(settings.name)}.{_ascii_host(settings)}"
    try:
        identifier = list_identifier(raw)
    except ValueError as exc:
        raise ConfigError(f"list_id {raw!r} {exc}") from None
    return plain_text(settings.name), identifier


def _list_label(name: str) -> str:
    """The newsletter's name as one ASCII label: accents folded ("Ça & Co" ->
    "ca-co"), a name in another script in its IDNA form ("Новости" ->
    "xn--b1ae...") so that two such lists on one host stay apart; else "digest"."""
    decomposed = unicodedata.normalize("NFKD", name.lower())
    folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    label = re.sub(r"[^a-z0-9-]+", "-", folded).strip("-")
    if label:
        return label[:63].strip("-")
    words = re.sub(r"[\W_]+", "-", name.lower()).strip("-")
    try:
        encoded = words.encode("idna").decode("ascii") if words else ""
    except UnicodeError:
        encoded = ""
    return encoded if re.fullmatch(r"[a-z0-9-]{1,63}", encoded) else "digest"


def _list_id_tokens(name: str, identifier: str) -> list[_Token]:
    return [*_phrase_tokens(name, quote=True), _Token(f"<{identifier}>", True, False)]


def unsubscribe_targets(settings: Site, digest: Digest | None = None) -> list[str]:
    """The ``List-Unsubscribe`` URLs: the HTTPS URL first, then the mailto.

    With ``digest``, the URL's ``{email}`` and ``{token}`` are the issue's
    marks (:func:`personal_marks`), which
    :func:`personalize` fills in for each recipient.
    """
    targets = []
    if settings.unsubscribe_url:
        url = settings.unsubscribe_url.strip()
        problem = url_problem(url, ("https",)) or placeholder_problem(url)
        if digest is not None:
            url = (unsubscribe_url(digest, replace(settings, unsubscribe_url=url)) or "").strip()
        if problem or not _URL_SAFE.fullmatch(url) or len(url) > 900:
            raise ConfigError(
                f"unsubscribe URL {settings.unsubscribe_url!r} is not an https URL "
                "(or has a placeholder other than {email} and {token})",
                fix="give an https:// URL without spaces (RFC 8058 one-click needs HTTPS)",
            )
        targets.append(url)
    if settings.unsubscribe_mailto:
        try:
            mailto_url(settings.unsubscribe_mailto)
        except ValueError as exc:
            raise ConfigError(
                f"unsubscribe mailto {settings.unsubscribe_mailto!r} {exc}",
                fix="write it as user@host",
            ) from None
        mailto = unsubscribe_mailto_url(settings) or ""
        if not _URL_SAFE.fullmatch(mailto) or len(mailto) > 900:
            raise ConfigError(
                f"unsubscribe mailto {settings.unsubscribe_mailto!r} is not an address",
                fix="write it as user@host",
            )
        targets.append(mailto)
    return targets


def addresses(value: str, setting: str) -> tuple[tuple[str, str], ...]:
    """``"Name <a@b>, c@d"`` checked: ``(display name, addr-spec)`` pairs.

    A line break or control character (U+2028 included) is refused, never
    turned into a second address or header.
    """
    try:
        return parse_addresses(value)
    except ValueError as exc:
        raise ConfigError(f"{setting} {exc}", fix=f"give {setting} on one line") from None


def sender(value: str, setting: str) -> tuple[str, str]:
    """The one ``From`` address."""
    try:
        return parse_sender(value)
    except ValueError as exc:
        raise ConfigError(f"{setting} {exc}") from None


# -- the message --------------------------------------------------------------


@dataclass(frozen=True)
class Expected:
    """What one header must read back as."""

    name: str
    #: The decoded text (unstructured headers), or None.
    text: str | None = None
    #: The ``(display name, addr-spec)`` pairs (address headers), or None.
    addresses: tuple[tuple[str, str], ...] | None = None


@dataclass(frozen=True)
class BuiltMessage:
    """The ``.eml``'s bytes and the headers they were checked to hold."""

    data: bytes
    headers: tuple[Expected, ...]

    def as_bytes(self) -> bytes:
        return self.data


def build_message(digest: Digest, settings: Site, text: str, html: str) -> BuiltMessage:
    """A multipart/alternative message whose parts are ``text`` and ``html``.

    Raises :class:`~digest.errors.ConfigError` for a setting that cannot make
    a header, and :class:`~digest.errors.RenderError` if the message does not
    parse back to exactly the headers intended.
    """
    title = subject(digest, settings)
    senders = (sender(settings.email_from, "email_from"),)
    recipients = addresses(settings.email_to, "email_to")
    date = format_datetime(dt.datetime.combine(digest.date, dt.time(0, 0), tzinfo=dt.UTC))
    msgid = message_id(digest, settings)
    list_name, identifier = list_id_parts(settings)
    targets = unsubscribe_targets(settings, digest)
    list_tokens = _list_id_tokens(list_name, identifier)
    lines = [
        unstructured("Subject", title),
        address_header("From", senders),
        address_header("To", recipients),
        _atoms_header("Date", date.split(" ")),
        _atoms_header("Message-ID", [msgid]),
        _Folder("List-Id").write(list_tokens),
    ]
    expected = [
        Expected("Subject", text=title),
        Expected("From", addresses=senders),
        Expected("To", addresses=recipients),
        Expected("Date", text=date),
        Expected("Message-ID", text=msgid),
        Expected("List-Id", text=" ".join(t.text for t in list_tokens)),
    ]
    if targets:
        parts = [f"<{t}>," for t in targets]
        parts[-1] = parts[-1].rstrip(",")
        lines.append(_atoms_header("List-Unsubscribe", parts))
        expected.append(Expected("List-Unsubscribe", text=" ".join(parts)))
        if settings.unsubscribe_url:
            lines.append("List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n")
            expected.append(Expected("List-Unsubscribe-Post", text="List-Unsubscribe=One-Click"))
    expected += [Expected("MIME-Version"), Expected("Content-Type")]
    data = "".join(lines).encode("ascii") + _body(text, html)
    check_message(data, expected)
    return BuiltMessage(data, tuple(expected))


def _body(text: str, html: str) -> bytes:
    """The multipart/alternative body (with its MIME-Version and Content-Type)."""
    body = EmailMessage(policy=email.policy.SMTP)
    body.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    body.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
    # a boundary derived from the content keeps the file byte-identical across builds
    digest_hash = hashlib.sha256((text + html).encode("utf-8")).hexdigest()[:24]
    body.set_boundary(f"=_digest_{digest_hash}")
    return body.as_bytes()


# -- one message per recipient ----------------------------------------------------------


def _own_marks(data: bytes) -> re.Pattern[str] | None:
    """The marks of the built message ``data``: those in its ``List-Unsubscribe``
    header, which digest wrote from the settings and the issue's hash. A mark an
    article holds (another hash) is never one of them."""
    for name, raw in _raw_headers(data):
        if name == "List-Unsubscribe":
            hashes = {m[0].rsplit("-", 1)[1] for m in PERSONAL_MARK.finditer(raw.decode("ascii"))}
            if len(hashes) == 1:
                return re.compile(rf"digest-(email|token)-{hashes.pop()}")
    return None


def personal_placeholders(data: bytes) -> frozenset[str]:
    """Which placeholders (``email``, ``token``) the built message ``data`` carries."""
    own = _own_marks(data)
    head = data.partition(b"\r\n\r\n")[0].decode("ascii", "replace")
    return frozenset(m[1] for m in own.finditer(head)) if own else frozenset()


def personalize(data: bytes, to: tuple[str, str], token: str | None = None) -> bytes:
    """The message ``data`` (as digest built it) for the one recipient ``to``.

    Its ``To`` is ``to`` alone; where the unsubscribe URL had ``{email}`` and
    ``{token}``, the ``List-Unsubscribe`` header and the links in both parts
    carry the recipient's address and ``token``. Every other header line is
    kept byte for byte. The result is parsed back like a built message
    (:func:`check_message`): a header set or value other than the intended
    one raises :class:`~digest.errors.RenderError`. A message digest did not
    build raises :class:`ValueError`.
    """
    message = BytesParser(policy=email.policy.default).parsebytes(data)
    parts = list(message.iter_parts()) if message.is_multipart() else []
    if [p.get_content_type() for p in parts] != ["text/plain", "text/html"]:
        raise ValueError("its body is not one text and one HTML part")
    own = _own_marks(data)
    needed = personal_placeholders(data)
    if "token" in needed and not token:
        raise ValueError("its unsubscribe links need each recipient's token")
    values = {"email": quote(to[1], safe="@"), "token": token or ""}

    def fill(value: str) -> str:
        return own.sub(lambda m: values[m[1]], value) if own else value

    text, html = (fill(str(p.get_content()).replace("\r\n", "\n")) for p in parts)
    lines: list[bytes] = []
    expected: list[Expected] = []
    to = _readable(to)
    for name, raw in _raw_headers(data):
        if name in ("MIME-Version", "Content-Type"):
            continue  # the new body's own
        if name == "To":
            lines.append(address_header("To", [to]).encode("ascii"))
            expected.append(Expected("To", addresses=(to,)))
        elif name == "From":
            lines.append(raw)
            senders = getattr(message["From"], "addresses", ())
            expected.append(
                Expected("From", addresses=tuple((a.display_name, a.addr_spec) for a in senders))
            )
        elif name == "List-Unsubscribe" and needed:
            targets = [fill(t) for t in str(message[name]).split()]
            lines.append(_atoms_header(name, targets).encode("ascii"))
            expected.append(Expected(name, text=" ".join(targets)))
        else:
            lines.append(raw)
            expected.append(Expected(name, text=str(message[name])))
    expected += [Expected("MIME-Version"), Expected("Content-Type")]
    out = b"".join(lines) + _body(text, html)
    check_message(out, expected)
    return out


def _readable(to: tuple[str, str]) -> tuple[str, str]:
    """``to``, or its bare address when its display name does not read back as itself.

    A name that needs several encoded words (long, and not ASCII) is read
    differently by RFC 2047 decoders, which drop the space between encoded
    words, and by others (Python's among them), which keep it: no spelling
    reads the same in both, so such a name is left out rather than garbled.
    """
    if not to[0]:
        return to
    line = address_header("To", [to]).encode("ascii")
    header = BytesParser(policy=email.policy.default).parsebytes(line + b"\r\n")["To"]
    found = [(a.display_name, a.addr_spec) for a in getattr(header, "addresses", ())]
    return to if found == [to] else ("", to[1])


def _raw_headers(data: bytes) -> list[tuple[str, bytes]]:
    """Each header of ``data`` as its name and its lines, CRLF-terminated, as written."""
    head = data.partition(b"\r\n\r\n")[0]
    headers: list[tuple[str, bytes]] = []
    for line in head.split(b"\r\n"):
        if line[:1] in (b" ", b"\t") and headers:
            name, raw = headers[-1]
            headers[-1] = (name, raw + line + b"\r\n")
        else:
            headers.append((line.split(b":", 1)[0].decode("ascii", "replace"), line + b"\r\n"))
    return headers


# -- reading it back ------------------------------------------------------------

_HEADER_LINE = re.compile(rb"[!-9;-~]+:[\t -~]*")
_CONTINUATION = re.compile(rb"[\t ][\t -~]*")


def header_names(data: bytes) -> list[str]:
    """The header names of ``data``, in order, from its raw lines.

    Raises :class:`ValueError` if the header block holds anything but
    CRLF-terminated lines of printable ASCII (no bare CR or LF, no NUL, no
    8-bit byte, no line over 998 characters).
    """
    head, sep, _ = data.partition(b"\r\n\r\n")
    if not sep:
        raise ValueError("no blank line ends the headers")
    names: list[str] = []
    for line in head.split(b"\r\n"):
        if len(line) > MAX_LINE:
            raise ValueError("a header line is longer than 998 characters")
        if _CONTINUATION.fullmatch(line) and names:
            continue
        if not _HEADER_LINE.fullmatch(line):
            raise ValueError(f"a header line is malformed: {line[:40]!r}")
        names.append(line.split(b":", 1)[0].decode("ascii"))
    return names


def check_message(data: bytes, expected: Sequence[Expected]) -> None:
    """Parse ``data`` back; raise :class:`RenderError` unless its headers are ``expected``."""
    want = [e.name for e in expected]
    try:
        names = header_names(data)
    except ValueError as exc:
        raise _broken(str(exc)) from None
    if names != want:
        raise _broken(f"its headers are {', '.join(names)}, not {', '.join(want)}")
    message = BytesParser(policy=email.policy.default).parsebytes(data)
    if list(message.keys()) != want:
        raise _broken(f"the parser reads its headers as {', '.join(message.keys())}")
    for item in expected:
        header = message[item.name]
        if item.text is not None and str(header) != item.text:
            raise _broken(f"{item.name} reads back as {str(header)!r}, not {item.text!r}")
        if item.addresses is not None:
            found = tuple((a.display_name, a.addr_spec) for a in getattr(header, "addresses", []))
            if found != item.addresses or getattr(header, "defects", []):
                raise _broken(f"{item.name} reads back as {found!r}, not {item.addresses!r}")
    parts = [p.get_content_type() for p in message.iter_parts()] if message.is_multipart() else []
    if parts != ["text/plain", "text/html"] or message.defects:
        raise _broken("its body is not one text and one HTML part")


def _broken(why: str) -> RenderError:
    return RenderError(
        f"the email does not read back as built ({why}); nothing was written",
        fix="report this as a bug in digest with the article that caused it",
    )
