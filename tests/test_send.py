"""``digest send`` against a real SMTP server (aiosmtpd) on 127.0.0.1.

Each test starts its own server on a free port, sends a message that
``render_outputs`` built, and checks what the server received: the envelope,
the headers and both parts. Failures must be clear, exit non-zero and leave no
sent record.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email
import email.policy
import errno
import http.client
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from typer.testing import CliRunner

from digest import subscribers
from digest.cli import app
from digest.config import Settings
from digest.errors import DigestError
from digest.mail import build_message, header_names
from digest.render.email import render_html, render_text
from digest.send import SENT_RECORD, Security, SmtpOptions, prepare, recipients, send_issue

from .emailkit import sample_digest
from .processes import interruptible

runner = CliRunner()
USER, PASSWORD = "editor", "s3cret pass"
REFUSED = "nobody@news.example"
HEADERS = ["Subject", "From", "To", "Date", "Message-ID", "List-Id", "MIME-Version", "Content-Type"]
UNSUBSCRIBE_HEADERS = ["List-Unsubscribe", "List-Unsubscribe-Post"]


@dataclass
class Inbox:
    """What the server received, and which recipients it refuses."""

    envelopes: list[Envelope] = field(default_factory=list)
    #: The client's address of each connection that sent a message.
    peers: list[Any] = field(default_factory=list)

    async def handle_RCPT(  # aiosmtpd's hook name
        self, server: Any, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address == REFUSED:
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # aiosmtpd's hook name
        self, server: Any, session: Session, envelope: Envelope
    ) -> str:
        self.envelopes.append(envelope)
        self.peers.append(session.peer)
        return "250 Message accepted"

    def message(self, index: int | None = None) -> EmailMessage:
        if index is None:
            assert len(self.envelopes) == 1
            index = 0
        data = self.envelopes[index].original_content or b""
        msg = email.message_from_bytes(data, policy=email.policy.default)
        assert isinstance(msg, EmailMessage)
        return msg

    def messages(self) -> dict[str, EmailMessage]:
        """Each delivered message by its one envelope recipient."""
        found = {}
        for index, envelope in enumerate(self.envelopes):
            (recipient,) = envelope.rcpt_tos
            found[recipient] = self.message(index)
        return found


def _authenticate(server: Any, session: Any, envelope: Any, mechanism: str, auth: Any) -> Any:
    ok = isinstance(auth, LoginPassword) and (auth.login, auth.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=ok, handled=False)  # unhandled failure: the server says 535


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def smtp_server(handler: Inbox) -> Iterator[int]:
    """Run ``handler`` as a plain SMTP server on 127.0.0.1 that also offers AUTH
    (no TLS needed for tests); yield its port."""
    port = free_port()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        authenticator=_authenticate,
        auth_require_tls=False,
        decode_data=False,
    )
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    handler = Inbox()
    with smtp_server(handler) as port:
        yield handler, port


SETTINGS = Settings(
    name="Springfield Digest",
    site_url="https://news.example/",
    email_from="Springfield Digest <digest@news.example>",
    email_to="Readers <readers@news.example>",
    unsubscribe_url="https://news.example/unsubscribe?list=1",
    unsubscribe_mailto="leave@news.example",
)


#: The editor's settings: the envelope recipients come from here (or --to).
DIGEST_TOML = '[email]\nto = "Readers <readers@news.example>"\n'


@pytest.fixture
def built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A build folder holding the digest.eml of a two-story issue, and a
    ./digest.toml naming its recipients."""
    digest = sample_digest(2)
    text, html = render_text(digest, SETTINGS.site), render_html(digest, SETTINGS.site)
    out = tmp_path / "out"
    out.mkdir()
    (out / "digest.eml").write_bytes(build_message(digest, SETTINGS.site, text, html).as_bytes())
    (out / "email.txt").write_text(text, encoding="utf-8")
    (tmp_path / "digest.toml").write_text(DIGEST_TOML, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return out


def send(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, ["send", *args], env=env)
    return result.exit_code, result.stdout, result.stderr


def test_send_delivers_headers_and_both_parts(inbox: tuple[Inbox, int], built: Path) -> None:
    handler, port = inbox
    code, out, err = send(
        str(built), "--host", "127.0.0.1", "--port", str(port), "--security", "none"
    )
    assert code == 0, err
    envelope = handler.envelopes[0]
    assert envelope.mail_from == "digest@news.example"
    assert envelope.rcpt_tos == ["readers@news.example"]
    msg = handler.message()
    for header in ("From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "List-Id"):
        assert msg[header], header
    assert msg["List-Unsubscribe"] == (
        "<https://news.example/unsubscribe?list=1>, <mailto:leave@news.example?subject=unsubscribe>"
    )
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text, html = (p.get_content().replace("\r\n", "\n") for p in msg.iter_parts())
    assert text == (built / "email.txt").read_text(encoding="utf-8")  # the whole text edition
    assert "<h1" in html and html.count("<h2") == 2
    record = json.loads((built / SENT_RECORD).read_text())
    assert record["sends"][0]["message_id"] == msg["Message-ID"]
    assert record["sends"][0]["recipients"] == {"readers@news.example": "sent"}
    assert f"recorded in {built / SENT_RECORD}" in out
    assert not (built / "sent.json.journal").exists()


def test_each_recipient_gets_a_message_of_its_own_in_one_session(
    inbox: tuple[Inbox, int], built: Path
) -> None:
    handler, port = inbox
    args = [str(built / "digest.eml"), "--host", "127.0.0.1", "--port", str(port)]
    args += ["--security", "none", "--user", USER, "--to", "a@x.example, Bo <b@y.example>"]
    code, out, err = send(*args, "--to", "c@z.example", env={"DIGEST_SMTP_PASSWORD": PASSWORD})
    assert code == 0, err
    assert "to 3 recipients, one message each" in out
    assert [e.rcpt_tos for e in handler.envelopes] == [
        ["a@x.example"],
        ["b@y.example"],
        ["c@z.example"],
    ]
    assert len(set(handler.peers)) == 1, "one SMTP session"
    everyone = {"a@x.example", "b@y.example", "c@z.example", "readers@news.example"}
    for envelope in handler.envelopes:
        (recipient,) = envelope.rcpt_tos
        data = envelope.original_content or b""
        msg = email.message_from_bytes(data, policy=email.policy.default)
        assert list(msg.keys()) == [*HEADERS[:6], *UNSUBSCRIBE_HEADERS, *HEADERS[6:]]
        assert [a.addr_spec for a in msg["To"].addresses] == [recipient]
        for other in everyone - {recipient}:
            assert other.encode() not in data, f"{recipient} sees {other}"
    assert handler.messages()["b@y.example"]["To"] == "Bo <b@y.example>"
    assert PASSWORD not in (built / SENT_RECORD).read_text()


def test_a_second_send_needs_resend(inbox: tuple[Inbox, int], built: Path) -> None:
    handler, port = inbox
    args = [str(built), "--host", "127.0.0.1", "--port", str(port), "--security", "none"]
    assert send(*args)[0] == 0
    code, _, err = send(*args)
    assert code == 1 and "already sent" in err and "--resend" in err
    assert send(*args, "--resend")[0] == 0
    assert len(handler.envelopes) == 2
    assert len(json.loads((built / SENT_RECORD).read_text())["sends"]) == 2


def test_a_refused_connection_is_clear_and_records_nothing(built: Path) -> None:
    port = free_port()  # nothing listens here
    code, out, err = send(
        str(built), "--host", "127.0.0.1", "--port", str(port), "--security", "none"
    )
    assert code == 5
    assert f"could not connect to 127.0.0.1:{port}: " in err and "Connection refused" in err
    assert err.endswith(
        "; check --host, --port and --security, and that the server is running; "
        "digest send again sends only to those not yet sent\n"
    )
    assert "Traceback" not in out + err
    assert not (built / SENT_RECORD).exists()


def test_a_refused_recipient_does_not_stop_the_others(
    inbox: tuple[Inbox, int], built: Path
) -> None:
    handler, port = inbox
    code, _, err = send(
        str(built), "--host", "127.0.0.1", "--port", str(port), "--security", "none",
        "--to", f"{REFUSED}, ok@news.example",
    )  # fmt: skip
    assert code == 5
    assert f"refused {REFUSED} (550 5.1.1 no such user)" in err and "sent to 1 of 2" in err
    assert "only to those not yet sent" in err and len(err.splitlines()) == 1
    assert [e.rcpt_tos for e in handler.envelopes] == [["ok@news.example"]]
    (entry,) = sends(built)
    assert entry["recipients"] == {REFUSED: "refused", "ok@news.example": "sent"}
    # a plain retry tries only the one not sent
    code, _, err = send(str(built), *none_args(port), "--to", f"{REFUSED}, ok@news.example")
    assert code == 5 and "sent to 0 of 1" in err
    assert len(handler.envelopes) == 1


def test_bad_credentials_are_clear(inbox: tuple[Inbox, int], built: Path) -> None:
    handler, port = inbox
    code, out, err = send(
        str(built), "--host", "127.0.0.1", "--port", str(port), "--security", "none",
        "--user", USER, env={"DIGEST_SMTP_PASSWORD": "wrong"},
    )  # fmt: skip
    assert code == 5
    assert f"refused the login of {USER}" in err and "535" in err
    assert "; check --user and the password in the environment variable;" in err
    assert "wrong" not in out + err
    assert handler.envelopes == [] and not (built / SENT_RECORD).exists()


def test_a_missing_password_is_named_before_connecting(built: Path) -> None:
    code, _, err = send(str(built), "--user", USER, "--password-env", "NO_SUCH_VARIABLE_XYZ")
    assert code == 2 and err == (
        f"error: no SMTP password for user {USER}; "
        "put it in the environment variable named by --password-env\n"
    )


def test_a_password_never_goes_unencrypted_to_a_remote_host(built: Path) -> None:
    code, _, err = send(
        str(built), "--host", "smtp.example.com", "--security", "none", "--user", USER,
        env={"DIGEST_SMTP_PASSWORD": PASSWORD},
    )  # fmt: skip
    assert code == 2 and err == (
        "error: refusing to send the SMTP password unencrypted to smtp.example.com; "
        "use --security starttls or tls\n"
    )


def test_starttls_is_required_when_asked_for(inbox: tuple[Inbox, int], built: Path) -> None:
    _, port = inbox  # this server offers no STARTTLS
    code, _, err = send(str(built), "--host", "127.0.0.1", "--port", str(port))
    assert code == 5
    assert err == (
        f"error: 127.0.0.1:{port} does not offer STARTTLS; use --security tls or none; "
        "digest send again sends only to those not yet sent\n"
    )


def test_dry_run_prints_and_sends_nothing(built: Path) -> None:
    code, out, err = send(str(built), "--dry-run", "--to", "me@example.org", "--port", "1")
    assert code == 0, err
    assert "Would send" in out and "To: me@example.org" in out
    assert "Subject: Springfield Digest: Springfield this week (2026-11-21)" in out
    assert "text/plain, text/html" in out
    assert not (built / SENT_RECORD).exists()


def test_no_message_file_is_clear(tmp_path: Path) -> None:
    code, _, err = send(str(tmp_path), "--dry-run")
    assert code == 2 and err == (
        f"error: {tmp_path / 'digest.eml'}: no such message file; "
        "run digest build first or give the .eml\n"
    )


def test_a_newline_in_to_cannot_add_a_header(built: Path) -> None:
    code, _, err = send(str(built), "--dry-run", "--to", "a@x.example\nBcc: evil@x.example")
    assert code == 2 and "line break" in err


@pytest.fixture
def tls_files(tmp_path: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, made with the openssl command."""
    if not shutil.which("openssl"):
        pytest.skip("openssl is not installed")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return key, cert


def test_starttls_with_login(built: Path, tls_files: tuple[Path, Path]) -> None:
    key, cert = tls_files
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert, key)
    handler, port = Inbox(), free_port()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        authenticator=_authenticate,
        tls_context=server_context,
        require_starttls=True,
    )
    controller.start()
    try:
        options = SmtpOptions(
            host="127.0.0.1",
            port=port,
            security=Security.STARTTLS,
            user=USER,
            password=PASSWORD,
            ssl_context=ssl.create_default_context(cafile=str(cert)),
        )
        now = dt.datetime(2026, 11, 21, 7, 0, tzinfo=dt.UTC)
        outgoing = prepare(built, recipients(replace(SETTINGS, email_to="r@news.example")))
        report = send_issue(outgoing, options, now=now)
    finally:
        controller.stop()
    assert handler.message()["Subject"] == "Springfield Digest: Springfield this week (2026-11-21)"
    record = json.loads(report.record.read_text())
    assert record["sends"][0]["sent_at"] == "2026-11-21T07:00:00+00:00"


def test_help_names_every_option_with_examples() -> None:
    result = runner.invoke(app, ["send", "--help"], terminal_width=200)
    assert result.exit_code == 0
    for option in ("--to", "--to-file", "--host", "--port", "--security", "--user",
                   "--password-env", "--secret-env"):  # fmt: skip
        assert option in result.stdout, option
    assert "--dry-run" in result.stdout and "--resend" in result.stdout
    assert "Examples" in result.stdout and "digest send" in result.stdout
    assert "--password " not in result.stdout  # the password never comes from argv
    build = runner.invoke(app, ["build", "--help"], terminal_width=200).stdout
    for option in ("--unsubscribe-url", "--unsubscribe-mailto", "--view-url", "--list-id"):
        assert option in build, option


def test_smtp_settings_come_from_digest_toml_and_options_win(
    inbox: tuple[Inbox, int], built: Path, tmp_path: Path
) -> None:
    handler, port = inbox
    config = tmp_path / "digest.toml"
    config.write_text(
        f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\n{DIGEST_TOML}',
        encoding="utf-8",
    )
    code, _, err = send(str(built), "--config", str(config))
    assert code == 0, err
    assert len(handler.envelopes) == 1
    # an option on the command line wins over the file: this port has no server
    code, _, err = send(str(built), "--config", str(config), "--port", str(free_port()), "--resend")
    assert code != 0 and "Traceback" not in err
    assert len(handler.envelopes) == 1


# -- the envelope is the editor's (issue 16, item 1) -----------------------------

INJECTED = "=?utf-8?q?Harbour_vote=0D=0ACc:_evil@attacker.example?="


def none_args(port: int) -> list[str]:
    return ["--host", "127.0.0.1", "--port", str(port), "--security", "none", "--timeout", "5"]


def test_an_injected_title_never_adds_a_recipient_from_build_to_send(
    inbox: tuple[Inbox, int], tmp_path: Path
) -> None:
    handler, port = inbox
    article = tmp_path / "a.md"
    article.write_text(
        f'---\ntitle: "{INJECTED}"\n---\nThe harbour board voted on Monday to approve the new '
        "ferry terminal after a long debate about traffic in the old town.\n",
        encoding="utf-8",
    )
    out = tmp_path / "o"
    built = runner.invoke(
        app, ["build", str(article), "--out", str(out), "--to", "reader@example.com"]
    )
    assert built.exit_code == 0, built.stderr
    code, _, err = send(str(out), *none_args(port), "--to", "reader@example.com")
    assert code == 0, err
    assert [e.rcpt_tos for e in handler.envelopes] == [["reader@example.com"]]
    msg = handler.message()
    assert list(msg.keys()) == HEADERS
    assert "Cc:" not in str(msg["Subject"]).split(INJECTED)[0]


def test_the_envelope_comes_from_the_settings_never_the_message_s_to(
    inbox: tuple[Inbox, int], built: Path
) -> None:
    handler, port = inbox
    digest = sample_digest(1)
    elsewhere = replace(SETTINGS, email_to="Other <other@elsewhere.example>, x@elsewhere.example")
    out = built
    eml = build_message(digest, elsewhere.site, "text", "<p>html</p>").as_bytes()
    (out / "digest.eml").write_bytes(eml)
    code, _, err = send(str(out), *none_args(port))  # ./digest.toml names readers@
    assert code == 0, err
    assert handler.envelopes[0].rcpt_tos == ["readers@news.example"]
    assert handler.message()["To"] == "Readers <readers@news.example>"
    assert b"elsewhere" not in (handler.envelopes[0].original_content or b"")


@pytest.mark.parametrize(
    "injected",
    [
        b"Cc: evil@attacker.example\r\n",
        b"Bcc: evil@attacker.example\r\n",
        b"Reply-To: evil@attacker.example\r\n",
        b"To: evil@attacker.example\r\n",
        b"Resent-To: evil@attacker.example\r\n",
    ],
    ids=["cc", "bcc", "reply-to", "second-to", "resent-to"],
)
@pytest.mark.parametrize("readdress", [False, True])
def test_a_message_carrying_an_extra_header_is_refused(
    inbox: tuple[Inbox, int], built: Path, injected: bytes, readdress: bool
) -> None:
    handler, port = inbox
    eml = built / "digest.eml"
    data = eml.read_bytes()
    # what the old renderer wrote for an encoded CR/LF in a title
    eml.write_bytes(data.replace(b"\r\nFrom:", b"\r\n" + injected.rstrip() + b"\r\nFrom:", 1))
    extra = ["--to", "reader@example.com"] if readdress else []
    code, out, err = send(str(built), *none_args(port), *extra, "--resend")
    assert code == 2, out + err
    name = injected.split(b":")[0].decode()
    assert f"{name} header" in err and "rebuild" in err
    assert handler.envelopes == []
    assert not (built / SENT_RECORD).exists()


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85", "\r", "\n", "\x00"])
def test_a_line_separator_in_to_is_never_a_second_address(
    inbox: tuple[Inbox, int], built: Path, separator: str
) -> None:
    handler, port = inbox
    code, _, err = send(
        str(built), *none_args(port), "--to", f"reader@example.com{separator}evil@attacker.example"
    )
    assert code == 2 and "line break" in err
    assert handler.envelopes == []


def test_no_recipient_anywhere_is_clear(inbox: tuple[Inbox, int], built: Path) -> None:
    handler, port = inbox
    (built.parent / "digest.toml").unlink()
    code, _, err = send(str(built), *none_args(port))
    assert code == 2 and "no recipients" in err and "--to" in err
    assert handler.envelopes == []


# -- once and only once (issue 16, item 5) -------------------------------------


class QuitRefused(Inbox):
    """Takes the message, then answers QUIT with 421."""

    async def handle_QUIT(  # aiosmtpd's hook name
        self, server: Any, session: Session, envelope: Envelope
    ) -> str:
        return "421 4.3.0 closing the connection"


class DropsAfterStoring(Inbox):
    """Stores the message, then drops the connection before answering DATA."""

    async def handle_DATA(  # aiosmtpd's hook name
        self, server: Any, session: Session, envelope: Envelope
    ) -> str:
        self.envelopes.append(envelope)
        server.transport.abort()
        return "250 never seen"


class Slow(Inbox):
    """Takes half a second to answer DATA, so that two sends overlap."""

    async def handle_DATA(  # aiosmtpd's hook name
        self, server: Any, session: Session, envelope: Envelope
    ) -> str:
        await asyncio.sleep(0.5)
        return await super().handle_DATA(server, session, envelope)


def sends(built: Path) -> list[dict[str, Any]]:
    record: list[dict[str, Any]] = json.loads((built / SENT_RECORD).read_text())["sends"]
    return record


def states(built: Path) -> list[dict[str, str]]:
    """Each recorded send's recipients and their states."""
    return [entry["recipients"] for entry in sends(built)]


def test_a_quit_refused_after_the_message_was_taken_is_a_send(built: Path) -> None:
    handler = QuitRefused()
    with smtp_server(handler) as port:
        code, _, err = send(str(built), *none_args(port))
        assert code == 0, err
        assert states(built) == [{"readers@news.example": "sent"}]
        code, _, err = send(str(built), *none_args(port))  # a plain retry
    assert code == 1 and "already sent" in err and "--resend" in err
    assert len(handler.envelopes) == 1


def test_a_connection_lost_after_the_data_needs_resend(built: Path) -> None:
    handler = DropsAfterStoring()
    with smtp_server(handler) as port:
        code, out, err = send(str(built), *none_args(port))
        assert code == 5 and "may have been delivered" in err and "--resend" in err
        assert "Traceback" not in out + err
        (entry,) = sends(built)
        assert entry["recipients"] == {"readers@news.example": "sending"}
        assert entry["message_id"].startswith("<issue-2026-11-21@")
        code, _, err = send(str(built), *none_args(port))  # a plain retry
        assert code == 1 and "may already have been sent" in err and "--resend" in err
        assert len(handler.envelopes) == 1
    with smtp_server(Inbox()) as port:
        code, _, err = send(str(built), *none_args(port), "--resend")
    assert code == 0, err
    assert states(built) == [{"readers@news.example": "sending"}, {"readers@news.example": "sent"}]


def test_the_intent_is_recorded_before_anything_is_sent(
    built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from digest import send as send_module

    seen: list[Any] = []

    def deliver(outgoing: Any, options: Any, todo: Any, *, secret: Any, note: Any) -> Any:
        seen.append(states(built))
        for _, address in todo:
            note(address, "sending", None)
            seen.append((built / "sent.json.journal").read_text())
            note(address, "sent", None)
        return {address: "sent" for _, address in todo}

    monkeypatch.setattr(send_module, "deliver", deliver)
    code, _, err = send(str(built), "--port", "25", "--security", "none")
    assert code == 0, err
    assert seen[0] == [{"readers@news.example": "pending"}]
    assert json.loads(seen[1]) == {"send": 0, "to": "readers@news.example", "status": "sending"}
    assert states(built) == [{"readers@news.example": "sent"}]
    assert not (built / "sent.json.journal").exists()


@pytest.mark.slow
def test_two_sends_at_once_deliver_once(built: Path) -> None:
    handler = Slow()
    with smtp_server(handler) as port:
        command = [sys.executable, "-m", "digest", "send", str(built), *none_args(port)]
        procs = [
            subprocess.Popen(
                command, cwd=built.parent, stdout=subprocess.PIPE, stderr=subprocess.PIPE
            )
            for _ in range(2)
        ]
        results = [
            (p.wait(timeout=60), p.stderr.read().decode() if p.stderr else "") for p in procs
        ]
    assert len(handler.envelopes) == 1
    assert sorted(code for code, _ in results) == [0, 1]
    assert any("already sent" in err for _, err in results)
    assert states(built) == [{"readers@news.example": "sent"}]


@pytest.mark.parametrize("kind", ["directory", "garbage", "not-a-list", "binary"])
@pytest.mark.parametrize("resend", [False, True])
def test_a_broken_sent_record_is_one_line_and_sends_nothing(
    inbox: tuple[Inbox, int], built: Path, kind: str, resend: bool
) -> None:
    handler, port = inbox
    record = built / SENT_RECORD
    if kind == "directory":
        record.mkdir()
    else:
        record.write_bytes(
            {"garbage": b"{not json", "not-a-list": b'{"sends": 3}', "binary": b"\xff\xfe\x00"}[
                kind
            ]
        )
    code, out, err = send(str(built), *none_args(port), *(["--resend"] if resend else []))
    assert code == 2 and "sent.json" in err
    assert "Traceback" not in out + err and len(err.strip().splitlines()) == 1
    assert handler.envelopes == []


def test_a_failed_send_leaves_the_record_as_it_was(inbox: tuple[Inbox, int], built: Path) -> None:
    _, port = inbox
    assert send(str(built), *none_args(port))[0] == 0
    before = (built / SENT_RECORD).read_bytes()
    code, _, _ = send(str(built), *none_args(port), "--resend", "--to", REFUSED)
    assert code == 5
    assert (built / SENT_RECORD).read_bytes() == before


def test_a_send_recorded_by_an_older_digest_still_counts(
    inbox: tuple[Inbox, int], built: Path
) -> None:
    handler, port = inbox
    message_id = prepare(built, (("", "a@b.example"),)).message_id
    old = {
        "version": 1,
        "sends": [{"message_id": message_id, "sent_at": "2026-11-21T07:00:00+00:00"}],
    }
    (built / SENT_RECORD).write_text(json.dumps(old), encoding="utf-8")
    code, _, err = send(str(built), *none_args(port))
    assert code == 1 and "already sent" in err
    assert handler.envelopes == []


# -- sending to a list (issue 11, item 3) ------------------------------------------------

SECRET = "a secret long enough for tokens"
PERSONAL_URL = "https://news.example/unsubscribe?email={email}&token={token}"
LIST = ["Ana <ana@x.example>", "bo+news@y.example", "Cy <CY@Z.example>"]


@pytest.fixture
def personal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A build (through the CLI) whose unsubscribe URL carries {email} and {token}."""
    article = tmp_path / "a.md"
    article.write_text(
        '---\ntitle: "Ferry terminal approved"\nurl: https://harbour.example/ferry\n---\n'
        "The harbour board voted on Monday to approve the new ferry terminal after a long "
        "debate about traffic in the old town, and promised a study first.\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        ["build", str(article), "--out", str(out), "--site-url", "https://news.example/",
         "--from", "Desk <desk@news.example>", "--unsubscribe-url", PERSONAL_URL,
         "--unsubscribe-mailto", "leave@news.example"],
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    monkeypatch.chdir(tmp_path)
    return out


def personal_link(address: str) -> str:
    return PERSONAL_URL.format(
        email=quote(address, safe="@"), token=subscribers.token(SECRET, address)
    )


def test_each_recipient_gets_its_own_unsubscribe_links(
    inbox: tuple[Inbox, int], personal: Path
) -> None:
    handler, port = inbox
    env = {"DIGEST_UNSUBSCRIBE_SECRET": SECRET}
    code, _, err = send(str(personal), *none_args(port), *(f"--to={a}" for a in LIST), env=env)
    assert code == 0, err
    assert len(handler.envelopes) == 3 and len(set(handler.peers)) == 1
    for envelope in handler.envelopes:
        (address,) = envelope.rcpt_tos
        data = envelope.original_content or b""
        msg = email.message_from_bytes(data, policy=email.policy.default)
        # exactly the headers digest writes, each read back as built
        assert header_names(data) == [*HEADERS[:6], *UNSUBSCRIBE_HEADERS, *HEADERS[6:]]
        assert [a.addr_spec for a in msg["To"].addresses] == [address]
        link = personal_link(address)
        assert msg["List-Unsubscribe"] == (
            f"<{link}>, <mailto:leave@news.example?subject=unsubscribe>"
        )
        text, html = (p.get_content() for p in msg.iter_parts())
        assert f"Unsubscribe: {link}" in text
        assert f'href="{link.replace("&", "&amp;")}"' in html
        assert "digest-email-" not in data.decode() and "digest-token-" not in data.decode()
        for other in {"ana@x.example", "bo+news@y.example", "cy@z.example"} - {address.lower()}:
            assert other not in data.decode().lower() and quote(other, safe="@") not in (
                data.decode().lower()
            ), f"{address} sees {other}"
    # the token is the HMAC of the address: checked, and nobody else's
    token = subscribers.token(SECRET, "ana@x.example")
    assert subscribers.check_token(SECRET, "ANA@x.example", token)
    assert not subscribers.check_token(SECRET, "bo+news@y.example", token)
    assert not subscribers.check_token("another secret, also long", "ana@x.example", token)


def test_a_token_needs_its_secret(inbox: tuple[Inbox, int], personal: Path) -> None:
    handler, port = inbox
    code, _, err = send(str(personal), *none_args(port), "--to", "ana@x.example", env={})
    assert code == 2 and "DIGEST_UNSUBSCRIBE_SECRET" in err and "{token}" in err
    code, _, err = send(
        str(personal), *none_args(port), "--to", "ana@x.example",
        env={"DIGEST_UNSUBSCRIBE_SECRET": "short"},
    )  # fmt: skip
    assert code == 2 and "at least 16" in err
    code, _, err = send(
        str(personal), *none_args(port), "--to", "ana@x.example", "--secret-env", "MY_SECRET",
        env={"MY_SECRET": SECRET},
    )  # fmt: skip
    assert code == 0, err
    assert handler.envelopes and not (personal / "sent.json.journal").exists()


def test_an_email_only_link_needs_no_secret(inbox: tuple[Inbox, int], tmp_path: Path) -> None:
    handler, port = inbox
    digest = sample_digest(1)
    settings = replace(SETTINGS, unsubscribe_url="https://news.example/u/{email}")
    text, html = render_text(digest, settings.site), render_html(digest, settings.site)
    out = tmp_path / "o"
    out.mkdir()
    (out / "digest.eml").write_bytes(build_message(digest, settings.site, text, html).as_bytes())
    code, _, err = send(str(out), *none_args(port), "--to", "a+b@x.example", env={})
    assert code == 0, err
    assert handler.message()["List-Unsubscribe"].startswith("<https://news.example/u/a%2Bb@x")


def test_an_article_cannot_make_a_link_that_carries_the_address(
    inbox: tuple[Inbox, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An article holding "{email}" (in a link or its text) gets nobody's address:
    only digest's own unsubscribe links, marked with the issue's own hash, are filled."""
    handler, port = inbox
    article = tmp_path / "a.md"
    article.write_text(
        '---\ntitle: "Ferry {email} digest-email-0123456789abcdef"\n'
        "url: https://evil.example/?who={email}\n---\n"
        "The harbour board voted on Monday to approve the new ferry terminal {email} after "
        "a long debate about traffic in the old town.\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["build", str(article), "--out", str(out), "--unsubscribe-url", PERSONAL_URL]
    )
    assert result.exit_code == 0, result.stderr
    monkeypatch.chdir(tmp_path)
    env = {"DIGEST_UNSUBSCRIBE_SECRET": SECRET}
    assert send(str(out), *none_args(port), "--to", "ana@x.example", env=env)[0] == 0
    text, html = (p.get_content() for p in handler.message().iter_parts())
    assert "https://evil.example/?who={email}" in text
    assert "Ferry {email} digest-email-0123456789abcdef" in text
    assert text.count("ana@x.example") == html.count("ana@x.example") == 1  # the link only


SUBSCRIBERS_TXT = """\
# the subscribers of the harbour digest
Ana <ana@x.example>

  bo@y.example\t
  # left in March: cy@z.example
Dee <dee@w.example>, eve@v.example
ANA@x.example
"""
SUBSCRIBERS_CSV = """\
name,email,joined
Ana,ana@x.example,2026-01-02
"Roe, Bo",bo@y.example,2026-02-03

,dee@w.example,
"""


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("subscribers.txt", SUBSCRIBERS_TXT,
         ["ana@x.example", "bo@y.example", "dee@w.example", "eve@v.example"]),
        ("subscribers.csv", SUBSCRIBERS_CSV, ["ana@x.example", "bo@y.example", "dee@w.example"]),
    ],
)  # fmt: skip
def test_a_subscriber_file_is_the_list(
    inbox: tuple[Inbox, int], built: Path, name: str, content: str, expected: list[str]
) -> None:
    handler, port = inbox
    listing = built.parent / name
    listing.write_text(content, encoding="utf-8")
    code, out, err = send(str(built), *none_args(port), "--to-file", str(listing))
    assert code == 0, err
    assert [e.rcpt_tos[0] for e in handler.envelopes] == expected
    if name.endswith(".csv"):
        assert handler.messages()["bo@y.example"]["To"].addresses[0].display_name == "Roe, Bo"
    # as a setting, relative to digest.toml
    (built.parent / "digest.toml").write_text(f'[email]\nto_file = "{name}"\n', encoding="utf-8")
    code, out, _ = send(str(built), *none_args(port), "--dry-run", "--resend")
    assert code == 0 and [line for line in out.splitlines() if "To:" in line] == [
        f"  To: {a}" for a in expected
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("ana@x.example\nnot an address\n", "subscribers.txt: line 2: must be an email address"),
        ("ana@x.example\nbo@y.example\u2028Bcc: e@v.example\n", "line 2: must be on one line"),
        ("email\nana@x.example\nbroken@\n", "subscribers.txt: line 3: email must be"),
        ("# nobody yet\n\n", "has no addresses"),
        (b"\xff\xfe\x00binary", "not UTF-8"),
    ],
)
def test_a_bad_subscriber_file_is_one_line(
    inbox: tuple[Inbox, int], built: Path, content: str | bytes, message: str
) -> None:
    handler, port = inbox
    listing = built.parent / "subscribers.txt"
    if isinstance(content, bytes):
        listing.write_bytes(content)
    else:
        listing.write_text(content, encoding="utf-8")
    code, _, err = send(str(built), *none_args(port), "--to-file", str(listing))
    assert code == 2 and message in err and len(err.splitlines()) == 1, err
    assert handler.envelopes == []
    code, _, err = send(str(built), *none_args(port), "--to-file", str(built.parent / "none"))
    assert code == 2 and "cannot read the subscriber list" in err


class RefusesOnce(Inbox):
    """Refuses one recipient the first time (mailbox busy), then takes it."""

    def __init__(self, address: str) -> None:
        super().__init__()
        self.address, self.refused = address, False

    async def handle_RCPT(  # aiosmtpd's hook name
        self, server: Any, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address == self.address and not self.refused:
            self.refused = True
            return "450 4.2.1 mailbox busy, try later"
        return await super().handle_RCPT(server, session, envelope, address, options)


def test_a_send_after_a_failure_goes_only_to_those_not_yet_sent(built: Path) -> None:
    handler = RefusesOnce("b@y.example")
    everyone = ["--to", "a@x.example, b@y.example, c@z.example"]
    with smtp_server(handler) as port:
        code, _, err = send(str(built), *none_args(port), *everyone)
        assert code == 5 and "refused b@y.example (450" in err and "sent to 2 of 3" in err
        code, out, err = send(str(built), *none_args(port), *everyone)
        assert code == 0, err
        assert "to 1 recipient (2 had it already)" in out
        code, _, err = send(str(built), *none_args(port), *everyone)
        assert code == 1 and "already sent" in err
    assert [e.rcpt_tos[0] for e in handler.envelopes] == [
        "a@x.example",
        "c@z.example",
        "b@y.example",
    ]
    assert states(built) == [
        {"a@x.example": "sent", "b@y.example": "refused", "c@z.example": "sent"},
        {"b@y.example": "sent"},
    ]


class DropsOnSecond(Inbox):
    """Stores the second message, then drops the connection before answering it."""

    async def handle_DATA(  # aiosmtpd's hook name
        self, server: Any, session: Session, envelope: Envelope
    ) -> str:
        self.envelopes.append(envelope)
        if len(self.envelopes) == 2:
            server.transport.abort()
        return "250 OK"


def test_an_unknown_outcome_holds_for_that_recipient_only(built: Path) -> None:
    everyone = ["--to", "a@x.example, b@y.example, c@z.example"]
    with smtp_server(DropsOnSecond()) as port:
        code, _, err = send(str(built), *none_args(port), *everyone)
    assert code == 5 and "message to b@y.example went out" in err and "sent to 1 of 3" in err
    assert states(built) == [
        {"a@x.example": "sent", "b@y.example": "sending", "c@z.example": "pending"}
    ]
    handler = Inbox()
    with smtp_server(handler) as port:
        result = runner.invoke(app, ["send", str(built), *none_args(port), *everyone])
        assert result.exit_code == 0, result.stderr
        assert "skipped 1 recipient(s) who may have it already" in result.stderr
        assert [e.rcpt_tos for e in handler.envelopes] == [["c@z.example"]]
        # nobody left but the one that may have it: that needs --resend
        code, _, err = send(str(built), *none_args(port), *everyone)
        assert code == 1 and "may already have been sent to 1 recipient" in err
        assert send(str(built), *none_args(port), "--to", "b@y.example", "--resend")[0] == 0
    assert [e.rcpt_tos for e in handler.envelopes] == [["c@z.example"], ["b@y.example"]]


class SlowEach(Inbox):
    """Takes a while over each message, so that a send can be killed halfway."""

    async def handle_DATA(  # aiosmtpd's hook name
        self, server: Any, session: Session, envelope: Envelope
    ) -> str:
        await asyncio.sleep(0.2)
        return await super().handle_DATA(server, session, envelope)


@pytest.mark.slow
def test_a_send_killed_halfway_is_finished_by_the_next(built: Path) -> None:
    """SIGKILL while sending to a list: the journal says who got it; the next send
    goes only to the others and settles the record."""
    listing = built.parent / "list.txt"
    addresses = [f"reader{n}@x.example" for n in range(8)]
    listing.write_text("\n".join(addresses) + "\n", encoding="utf-8")
    handler = SlowEach()
    with smtp_server(handler) as port:
        command = [sys.executable, "-m", "digest", "send", str(built), *none_args(port)]
        proc = subprocess.Popen([*command, "--to-file", str(listing)], cwd=built.parent)
        deadline = time.monotonic() + 30
        while len(handler.envelopes) < 3 and time.monotonic() < deadline:
            time.sleep(0.01)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        killed_after = len(handler.envelopes)
        assert 3 <= killed_after < len(addresses)
        assert (built / "sent.json.journal").exists()
        code, _, err = send(str(built), *none_args(port), "--to-file", str(listing))
    received = [e.rcpt_tos[0] for e in handler.envelopes]
    assert code == 0, err
    assert len(received) == len(set(received)), "nobody got it twice"
    assert not (built / "sent.json.journal").exists(), "the record is settled"
    final: dict[str, str] = {}
    for entry in states(built):
        final.update({a: s for a, s in entry.items() if final.get(a) != "sent"})
    # the one whose message was out when the send was killed may have it: it is
    # left for --resend; every other reader got it once and is recorded so
    unknown = [a for a, s in final.items() if s == "sending"]
    assert len(unknown) <= 1
    assert sorted(set(received) | set(unknown)) == addresses
    assert all(final[a] == "sent" for a in addresses if a not in unknown)


def test_whoever_unsubscribed_is_skipped(inbox: tuple[Inbox, int], built: Path) -> None:
    handler, port = inbox
    subscribers.record_unsubscribe(built, "B@Y.example")
    assert not subscribers.record_unsubscribe(built, "b@y.example")  # once is enough
    result = runner.invoke(
        app, ["send", str(built), *none_args(port), "--to", "a@x.example, b@y.example"]
    )
    assert result.exit_code == 0, result.stderr
    assert "skipped 1 recipient(s) who unsubscribed: b@y.example" in result.stderr
    assert [e.rcpt_tos for e in handler.envelopes] == [["a@x.example"]]
    code, out, _ = send(str(built), "--dry-run", "--to", "b@y.example", "--resend")
    assert code == 0 and "Skipped, unsubscribed: b@y.example" in out and "To: b@y" not in out


@pytest.mark.slow
def test_a_reader_unsubscribes_with_one_click_and_the_next_send_skips_them(
    personal: Path,
) -> None:
    """The whole loop, every part real: digest build, digest send to a real SMTP
    server, the reader's mail client POSTing the List-Unsubscribe link to a
    running digest serve, and the next send."""
    env = {**os.environ, "DIGEST_UNSUBSCRIBE_SECRET": SECRET}
    (personal.parent / "digest.toml").write_text(
        f'[email]\nto = "Ana <ana@x.example>, bo@y.example"\nunsubscribe_url = "{PERSONAL_URL}"\n',
        encoding="utf-8",
    )
    handler = Inbox()
    with smtp_server(handler) as port:
        code, _, err = send(str(personal), *none_args(port), env=env)
        assert code == 0, err
        first = handler.messages()["ana@x.example"]
        serve = subprocess.Popen(
            [sys.executable, "-m", "digest", "serve", "--out", str(personal), "--port", "0"],
            cwd=personal.parent, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, preexec_fn=interruptible,
        )  # fmt: skip
        try:
            assert serve.stdout is not None
            banner = serve.stdout.readline()
            base = banner.split(" on ", 1)[1].split(" ", 1)[0]
            assert "one-click unsubscribes at /unsubscribe" in serve.stdout.readline()
            target = first["List-Unsubscribe"].split(">", 1)[0].removeprefix("<")
            assert first["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
            parts = urlsplit(target)
            con = http.client.HTTPConnection(urlsplit(base).hostname, urlsplit(base).port)
            con.request(
                "POST", f"{parts.path}?{parts.query}", body="List-Unsubscribe=One-Click",
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )  # fmt: skip
            assert con.getresponse().status == 200
            con.close()
        finally:
            serve.send_signal(signal.SIGINT)
            serve.wait(timeout=10)
        assert "ana@x.example" in subscribers.read_unsubscribed(personal)
        # the next issue's send (here: the same issue again) skips her
        result = runner.invoke(app, ["send", str(personal), *none_args(port), "--resend"], env=env)
        assert result.exit_code == 0, result.stderr
        assert "who unsubscribed: ana@x.example" in result.stderr
    assert [e.rcpt_tos[0] for e in handler.envelopes] == [
        "ana@x.example", "bo@y.example", "bo@y.example"
    ]  # fmt: skip


def test_a_dry_run_says_exactly_what_would_happen(built: Path) -> None:
    subscribers.record_unsubscribe(built, "gone@x.example")
    code, out, err = send(
        str(built), "--dry-run", "--host", "smtp.news.example", "--port", "2525",
        "--user", USER, "--to", "a@x.example, Gone <gone@x.example>",
        env={"DIGEST_SMTP_PASSWORD": PASSWORD},
    )  # fmt: skip
    assert code == 0, err
    size = len((built / "digest.eml").read_bytes())
    assert out.splitlines() == [
        f"Would send {built / 'digest.eml'} via smtp.news.example:2525 (starttls) as {USER}",
        "  From: digest@news.example",
        "  Subject: Springfield Digest: Springfield this week (2026-11-21)",
        "  Message-ID: <issue-2026-11-21@news.example>",
        f"  Parts: text/plain, text/html; {size} bytes",
        "  Unsubscribe links: the same for every recipient",
        "  1 message, one for each recipient:",
        "  To: a@x.example",
        "  Skipped, unsubscribed: gone@x.example",
    ]
    assert PASSWORD not in out


def test_a_dry_run_of_personal_links_names_their_placeholders(personal: Path) -> None:
    env = {"DIGEST_UNSUBSCRIBE_SECRET": SECRET}
    code, out, _ = send(str(personal), "--dry-run", "--to", "a@x.example, b@y.example", env=env)
    assert code == 0
    assert "  Unsubscribe links: each recipient's own ({email}, {token})" in out.splitlines()
    assert "  2 messages, one for each recipient:" in out.splitlines()
    assert " as " not in out.splitlines()[0]


class RefusesMany(Inbox):
    async def handle_RCPT(  # aiosmtpd's hook name
        self, server: Any, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address.startswith("no"):
            return "550 5.1.1 no such user" if address != "no0@x.example" else "550 "
        return await super().handle_RCPT(server, session, envelope, address, options)


def test_a_send_with_many_refused_names_five_and_counts_the_rest(built: Path) -> None:
    listing = [f"no{n}@x.example" for n in range(7)] + ["yes@x.example"]
    with smtp_server(RefusesMany()) as port:
        code, _, err = send(str(built), *none_args(port), "--to", ", ".join(listing))
    assert code == 5
    assert err == (
        "error: refused no0@x.example (550); no1@x.example (550 5.1.1 no such user); "
        "no2@x.example (550 5.1.1 no such user); no3@x.example (550 5.1.1 no such user); "
        "no4@x.example (550 5.1.1 no such user) and 2 more; sent to 1 of 8 recipients; "
        "correct or leave out the refused addresses; digest send again sends only to those "
        "not yet sent\n"
    )


def test_a_failed_session_says_how_far_it_got(built: Path) -> None:
    with smtp_server(DropsOnSecond()) as port:
        code, _, err = send(str(built), *none_args(port), "--to", "a@x.example, b@x.example")
    assert code == 5
    assert err == (
        f"error: the connection to 127.0.0.1:{port} failed after the message to b@x.example "
        "went out (Connection unexpectedly closed), so it may have been delivered; sent to 1 "
        "of 2 recipients; check whether it arrived; send it to them again with --resend; "
        "digest send again sends only to those not yet sent\n"
    )


def test_an_empty_subscriber_file_names_itself(built: Path) -> None:
    listing = built.parent / "list.txt"
    listing.write_text("# nobody yet\n", encoding="utf-8")
    code, _, err = send(str(built), "--dry-run", "--to-file", str(listing))
    assert code == 2
    assert (
        err == f"error: {listing}: the subscriber list has no addresses; add one address a line\n"
    )


@pytest.mark.parametrize(
    ("security", "port"), [("starttls", "587"), ("tls", "465"), ("none", "25")]
)
def test_the_usual_port_for_each_security(built: Path, security: str, port: str) -> None:
    code, out, _ = send(str(built), "--dry-run", "--security", security, "--to", "a@x.example")
    assert code == 0 and f"via localhost:{port} ({security})" in out.splitlines()[0]


@pytest.mark.parametrize(("refused", "more"), [(1, ""), (5, ""), (6, " and 1 more")])
def test_the_refused_are_named_up_to_five(built: Path, refused: int, more: str) -> None:
    listing = [f"no{n}@x.example" for n in range(refused)]
    with smtp_server(RefusesMany()) as port:
        code, _, err = send(str(built), *none_args(port), "--to", ", ".join(listing))
    assert code == 5
    named = err.split("refused ", 1)[1].split("; sent to", 1)[0]
    assert named.endswith(f"(550){more}" if refused == 1 else f"(550 5.1.1 no such user){more}")
    assert named.count("@x.example") == min(refused, 5)
    noun = "recipient" if refused == 1 else "recipients"
    assert f"; sent to 0 of {refused} {noun}; " in err


def test_a_dry_run_names_who_has_it_and_who_may(built: Path) -> None:
    record = {
        "version": 3,
        "sends": [
            {
                "message_id": "<issue-2026-11-21@news.example>",
                "recipients": {"a@x.example": "sent", "b@x.example": "sending"},
            }
        ],
    }
    (built / SENT_RECORD).write_text(json.dumps(record), encoding="utf-8")
    code, out, _ = send(str(built), "--dry-run", "--to", "a@x.example, b@x.example, c@x.example")
    assert code == 0
    assert out.splitlines()[-4:] == [
        "  1 message, one for each recipient:",
        "  To: c@x.example",
        "  Skipped, already sent (pass --resend): a@x.example",
        "  Skipped, may have it already (pass --resend): b@x.example",
    ]


# -- what a mail server sees of a session (the mutation run left these untested) ------


class Polite(Inbox):
    """Records whether the client said QUIT before it hung up."""

    def __init__(self) -> None:
        super().__init__()
        self.quits = 0

    async def handle_QUIT(  # aiosmtpd's hook name
        self, server: Any, session: Session, envelope: Envelope
    ) -> str:
        self.quits += 1
        return "221 Bye"


def test_a_session_ends_with_quit(built: Path) -> None:
    handler = Polite()
    with smtp_server(handler) as port:
        code, _, err = send(str(built), *none_args(port), "--to", "a@x.example, b@x.example")
    assert code == 0, err
    assert len(handler.envelopes) == 2 and handler.quits == 1


class RefusesSender(Polite):
    async def handle_MAIL(  # aiosmtpd's hook name
        self, server: Any, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        return "553 5.7.1 sender not allowed"


def test_a_refused_sender_is_named_with_the_server_s_reason(built: Path) -> None:
    handler = RefusesSender()
    with smtp_server(handler) as port:
        code, _, err = send(str(built), *none_args(port), "--to", "a@x.example, b@x.example")
    assert code == 5
    assert err == (
        f"error: 127.0.0.1:{port} refused the sender digest@news.example: "
        "553 5.7.1 sender not allowed; log in as one who may send from it (--user), or "
        "rebuild with another --from; digest send again sends only to those not yet sent\n"
    )
    assert handler.envelopes == [] and handler.quits == 1
    assert not (built / SENT_RECORD).exists(), "nothing went out: nothing recorded"


class Forwards(Inbox):
    """Takes every recipient as 251: not local, will forward (a success)."""

    async def handle_RCPT(  # aiosmtpd's hook name
        self, server: Any, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        envelope.rcpt_tos.append(address)
        return "251 2.1.5 user not local; will forward"


def test_a_recipient_taken_for_forwarding_is_sent(built: Path) -> None:
    handler = Forwards()
    with smtp_server(handler) as port:
        code, out, err = send(str(built), *none_args(port), "--to", "a@x.example")
    assert code == 0, err
    assert [e.rcpt_tos for e in handler.envelopes] == [["a@x.example"]]
    assert states(built) == [{"a@x.example": "sent"}] and "to 1 recipient," in out


class Latin1Refusal(Inbox):
    """An old server that words its refusals in Latin-1, not UTF-8."""

    async def handle_RCPT(  # aiosmtpd's hook name
        self, server: Any, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> Any:
        if address.startswith("gone"):
            return "550 5.1.1 Empfänger unbekannt".encode("latin-1")
        return await super().handle_RCPT(server, session, envelope, address, options)


def test_a_reply_that_is_not_utf8_is_shown_not_a_traceback(built: Path) -> None:
    handler = Latin1Refusal()
    with smtp_server(handler) as port:
        result = runner.invoke(
            app, ["send", str(built), *none_args(port), "--to", "gone@x.example, ok@x.example"]
        )
    assert result.exit_code == 5 and isinstance(result.exception, SystemExit), result.stderr
    assert "refused gone@x.example (550 5.1.1 Empf\ufffdnger unbekannt)" in result.stderr
    assert [e.rcpt_tos for e in handler.envelopes] == [["ok@x.example"]]
    assert states(built) == [{"gone@x.example": "refused", "ok@x.example": "sent"}]


class RefusesContent(Inbox):
    """Reads each message, then refuses the one to ``spam@``: nothing delivered to it."""

    async def handle_DATA(  # aiosmtpd's hook name
        self, server: Any, session: Session, envelope: Envelope
    ) -> str:
        if envelope.rcpt_tos == ["spam@x.example"]:
            return "554 5.7.1 message refused as spam"
        return await super().handle_DATA(server, session, envelope)


def test_a_message_refused_after_its_content_is_refused_and_tried_again(built: Path) -> None:
    handler = RefusesContent()
    everyone = ["--to", "spam@x.example, ok@x.example"]
    with smtp_server(handler) as port:
        code, _, err = send(str(built), *none_args(port), *everyone)
        assert code == 5
        assert "refused spam@x.example (554 5.7.1 message refused as spam)" in err
        assert "sent to 1 of 2 recipients" in err
        assert states(built) == [{"spam@x.example": "refused", "ok@x.example": "sent"}]
        # surely not delivered: a plain send tries it again, and only it
        code, _, err = send(str(built), *none_args(port), *everyone)
    assert code == 5 and "sent to 0 of 1 recipient;" in err
    assert [e.rcpt_tos for e in handler.envelopes] == [["ok@x.example"]]


class RefusesThenDrops(Inbox):
    """Refuses the first recipient, then drops the connection at the next RCPT."""

    async def handle_RCPT(  # aiosmtpd's hook name
        self, server: Any, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address == REFUSED:
            return "550 5.1.1 no such user"
        server.transport.abort()
        return "250 never seen"


def test_a_session_lost_after_a_refusal_names_both(built: Path) -> None:
    with smtp_server(RefusesThenDrops()) as port:
        code, _, err = send(str(built), *none_args(port), "--to", f"{REFUSED}, b@x.example")
    assert code == 5
    assert err == (
        f"error: 127.0.0.1:{port} closed the connection: Connection unexpectedly closed; "
        f"refused {REFUSED} (550 5.1.1 no such user); sent to 0 of 2 recipients; "
        "correct or leave out the refused addresses; "
        "digest send again sends only to those not yet sent\n"
    )
    assert not (built / SENT_RECORD).exists(), "surely nothing delivered: nothing recorded"


class ReadsTheJournal(Inbox):
    """At each RCPT, copies the send's journal as it is on disk at that moment."""

    def __init__(self, journal: Path) -> None:
        super().__init__()
        self.journal, self.seen = journal, []

    async def handle_RCPT(  # aiosmtpd's hook name
        self, server: Any, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        self.seen.append(self.journal.read_text(encoding="utf-8"))
        return await super().handle_RCPT(server, session, envelope, address, options)


def test_the_journal_says_each_step_and_why_before_the_next_begins(built: Path) -> None:
    handler = ReadsTheJournal(built / "sent.json.journal")
    with smtp_server(handler) as port:
        code, _, _ = send(str(built), *none_args(port), "--to", f"{REFUSED}, b@x.example")
    assert code == 5
    first, second = ([json.loads(line) for line in text.splitlines()] for text in handler.seen)
    assert first == []
    assert second == [
        {"send": 0, "to": REFUSED, "status": "refused", "reason": "550 5.1.1 no such user"}
    ]
    assert not (built / "sent.json.journal").exists(), "folded into sent.json at the end"


def test_a_disk_that_fills_during_a_send_stops_it_before_the_next_message(
    inbox: tuple[Inbox, int], built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The journal cannot be synced before the second message would go out (the
    OS refuses it at fsync, as NFS and quotas do): that message never goes out,
    and the error names the journal and the fix (exit 2)."""
    handler, port = inbox
    journal = built / "sent.json.journal"
    real_fsync, synced = os.fsync, []

    def full(fd: int) -> None:
        if journal.exists() and os.path.samestat(os.fstat(fd), os.stat(journal)):
            synced.append(fd)
            if len(synced) == 3:  # a: sending, a: sent, then b: sending
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", full)
    code, _, err = send(str(built), *none_args(port), "--to", "a@x.example, b@x.example")
    monkeypatch.undo()
    assert code == 2
    assert err == (
        f"error: {journal}: cannot record the send to b@x.example (No space left on device); "
        "stopped; sent to 1 of 2 recipients; free some space, then digest send again (it "
        "sends only to the others); digest send again sends only to those not yet sent\n"
    )
    assert [e.rcpt_tos for e in handler.envelopes] == [["a@x.example"]]
    assert states(built)[0]["a@x.example"] == "sent"


def test_a_dry_run_without_a_login_names_every_skipped_address(built: Path) -> None:
    for gone in ("b@x.example", "c@x.example"):
        subscribers.record_unsubscribe(built, gone)
    code, out, err = send(
        str(built), "--dry-run", *none_args(25), "--to", "a@x.example, b@x.example, c@x.example"
    )
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == f"Would send {built / 'digest.eml'} via 127.0.0.1:25 (none)"
    assert lines[-2:] == ["  To: a@x.example", "  Skipped, unsubscribed: b@x.example, c@x.example"]


def test_a_login_on_a_server_without_auth_is_clear(built: Path) -> None:
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()  # no authenticator: the server offers no AUTH
    try:
        code, out, err = send(
            str(built), *none_args(controller.port), "--user", USER,
            env={"DIGEST_SMTP_PASSWORD": PASSWORD},
        )  # fmt: skip
    finally:
        controller.stop()
    assert code == 5
    assert err.startswith(
        f"error: 127.0.0.1:{controller.port} does not offer login (AUTH); "
        "leave out --user, or use --security starttls;"
    )
    assert PASSWORD not in out + err and handler.envelopes == []


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_a_certificate_nobody_vouches_for_is_refused(
    built: Path, tls_files: tuple[Path, Path], security: str
) -> None:
    """Without a trusted certificate the connection stops before the login or the
    message: a self-signed server is not taken on trust."""
    key, cert = tls_files
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert, key)
    handler, port = Inbox(), free_port()
    kwargs: dict[str, Any] = (
        {"tls_context": server_context, "require_starttls": True}
        if security == "starttls"
        else {"ssl_context": server_context}
    )
    controller = Controller(
        handler, hostname="127.0.0.1", port=port, authenticator=_authenticate, **kwargs
    )
    controller.start()
    try:
        code, out, err = send(
            str(built), "--host", "127.0.0.1", "--port", str(port), "--security", security,
            "--timeout", "5", "--user", USER, env={"DIGEST_SMTP_PASSWORD": PASSWORD},
        )  # fmt: skip
    finally:
        controller.stop()
    assert code == 5 and "CERTIFICATE_VERIFY_FAILED" in err, err
    assert handler.envelopes == [] and not (built / SENT_RECORD).exists()
    assert PASSWORD not in out + err


class RefusesDataCommand(SMTP):
    """Answers the DATA command itself with 452 for ``busy@``: nothing went out to it."""

    async def smtp_DATA(self, arg: str) -> None:
        if self.envelope is not None and self.envelope.rcpt_tos == ["busy@x.example"]:
            await self.push("452 4.3.1 insufficient system storage")
            return
        await super().smtp_DATA(arg)


class DataController(Controller):
    def factory(self) -> SMTP:
        return RefusesDataCommand(self.handler, **self.SMTP_kwargs)


def test_a_refused_data_command_refuses_that_recipient_only(built: Path) -> None:
    handler = Polite()
    controller = DataController(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        code, _, err = send(
            str(built), *none_args(controller.port), "--to", "ok@x.example, busy@x.example"
        )  # the refused one last: the session still ends with QUIT
    finally:
        controller.stop()
    assert code == 5
    assert "refused busy@x.example (452 4.3.1 insufficient system storage)" in err
    assert "sent to 1 of 2 recipients" in err
    assert [e.rcpt_tos for e in handler.envelopes] == [["ok@x.example"]]
    assert states(built) == [{"ok@x.example": "sent", "busy@x.example": "refused"}]
    assert handler.quits == 1, "the session went on, and ended politely"


@contextmanager
def silent_server(hang_up_after: float) -> Iterator[int]:
    """A port that takes connections (the kernel's backlog) and never says a word,
    as a server stuck behind a load balancer does; it hangs up after
    ``hang_up_after`` seconds, so a client without a timeout cannot wait forever."""
    listener = socket.create_server(("127.0.0.1", 0))
    timer = threading.Timer(hang_up_after, listener.close)
    timer.start()
    try:
        yield int(listener.getsockname()[1])
    finally:
        timer.cancel()
        listener.close()


@pytest.mark.parametrize("security", ["none", "tls"])
def test_a_server_that_never_answers_times_out(built: Path, security: str) -> None:
    with silent_server(hang_up_after=4) as port:
        start = time.monotonic()
        code, _, err = send(
            str(built), "--host", "127.0.0.1", "--port", str(port), "--security", security,
            "--timeout", "1",
        )  # fmt: skip
        elapsed = time.monotonic() - start
    assert code == 5, err
    assert f"could not connect to 127.0.0.1:{port}: " in err and "timed out;" in err
    assert elapsed < 3, f"--timeout 1 took {elapsed:.1f} s"
    assert not (built / SENT_RECORD).exists()


def test_implicit_tls_delivers_to_a_server_the_context_trusts(
    built: Path, tls_files: tuple[Path, Path]
) -> None:
    key, cert = tls_files
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert, key)
    handler, port = Inbox(), free_port()
    controller = Controller(
        handler, hostname="127.0.0.1", port=port, authenticator=_authenticate,
        ssl_context=server_context, auth_require_tls=False,  # it is TLS from the start
    )  # fmt: skip
    controller.start()
    try:
        options = SmtpOptions(
            host="127.0.0.1", port=port, security=Security.TLS, user=USER, password=PASSWORD,
            timeout=5, ssl_context=ssl.create_default_context(cafile=str(cert)),
        )  # fmt: skip
        outgoing = prepare(built, recipients(SETTINGS, ["a@x.example", "b@x.example"]))
        report = send_issue(outgoing, options)
    finally:
        controller.stop()
    assert [e.rcpt_tos for e in handler.envelopes] == [["a@x.example"], ["b@x.example"]]
    assert report.sent == ("a@x.example", "b@x.example") and report.refused == ()
    assert states(built) == [{"a@x.example": "sent", "b@x.example": "sent"}]


# -- the record of sends, exactly (the mutation run left these untested) --------------


def test_the_record_says_what_was_sent_where_and_when(
    inbox: tuple[Inbox, int], built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    handler, port = inbox
    options = SmtpOptions(host="127.0.0.1", port=port, security=Security.NONE, timeout=5)
    outgoing = prepare(built, recipients(SETTINGS, ["a@x.example", "Bé <b@x.example>"]))
    here = dt.timezone(dt.timedelta(hours=2))
    monkeypatch.setenv("TZ", "America/New_York")  # the record is in UTC wherever it is sent
    time.tzset()
    try:
        report = send_issue(outgoing, options, now=dt.datetime(2026, 11, 21, 9, 0, tzinfo=here))
    finally:
        monkeypatch.undo()
        time.tzset()
    assert report.record == built / SENT_RECORD and report.sent == ("a@x.example", "b@x.example")
    assert json.loads((built / SENT_RECORD).read_text(encoding="utf-8")) == {
        "version": 3,
        "sends": [
            {
                "message_id": "<issue-2026-11-21@news.example>",
                "subject": "Springfield Digest: Springfield this week (2026-11-21)",
                "server": f"127.0.0.1:{port}",
                "started_at": "2026-11-21T07:00:00+00:00",
                "recipients": {"a@x.example": "sent", "b@x.example": "sent"},
                "sent_at": "2026-11-21T07:00:00+00:00",
            }
        ],
    }
    assert handler.messages()["b@x.example"]["To"] == "Bé <b@x.example>"


def test_each_recipient_s_state_counts_across_every_recorded_send(built: Path) -> None:
    """Sent wins over sending, whatever the order; addresses compare without case;
    another issue's sends do not count; a version 2 send (a list and one status)
    still counts; refused is as good as never tried."""
    mine, other = "<issue-2026-11-21@news.example>", "<issue-2026-11-14@news.example>"
    record = {
        "version": 3,
        "sends": [
            {"message_id": mine, "recipients": {"A@X.example": "sending"}},
            {"message_id": mine, "recipients": {"a@x.example": "sent", "f@x.example": "sent"}},
            {"message_id": other, "recipients": {"c@x.example": "sent"}},
            {"message_id": mine, "recipients": ["d@x.example"], "status": "sending"},
            {"message_id": mine, "recipients": ["h@x.example"]},
            {
                "message_id": mine,
                "recipients": {"e@x.example": "refused", "g@x.example": "pending"},
            },
            {"message_id": mine, "recipients": {"f@x.example": "sending"}},
        ],
    }
    (built / SENT_RECORD).write_text(json.dumps(record), encoding="utf-8")
    everyone = ", ".join(f"{n}@x.example" for n in "abcdefgh")
    code, out, _ = send(str(built), "--dry-run", "--to", everyone)
    assert code == 0
    assert out.splitlines()[-7:] == [
        "  4 messages, one for each recipient:",
        "  To: b@x.example",
        "  To: c@x.example",
        "  To: e@x.example",
        "  To: g@x.example",
        "  Skipped, already sent (pass --resend): a@x.example, f@x.example, h@x.example",
        "  Skipped, may have it already (pass --resend): d@x.example",
    ]


def test_a_send_a_crash_left_is_settled_by_the_next(inbox: tuple[Inbox, int], built: Path) -> None:
    """What a killed send leaves (the intent in sent.json, the journal beside it)
    is folded in first: whoever got it is not sent it again, the one whose message
    was out is held for --resend, and the journal is gone."""
    handler, port = inbox
    mine = "<issue-2026-11-21@news.example>"
    intent = {"message_id": mine, "started_at": "2026-11-21T07:00:00+00:00"}
    intent["recipients"] = {f"{n}@x.example": "pending" for n in "abc"}
    (built / SENT_RECORD).write_text(json.dumps({"version": 3, "sends": [intent]}))
    (built / "sent.json.journal").write_bytes(
        b'{"send": 0, "to": "a@x.example", "status": "sending"}\n'
        b'{"send": 0, "to": "a@x.example", "status": "sent"}\n'
        b'{"send": 0, "to": "b@x.example", "status": "sending"}\n'
    )
    result = runner.invoke(
        app, ["send", str(built), *none_args(port), "--to", "a@x.example, b@x.example, c@x.example"]
    )
    assert result.exit_code == 0, result.stderr
    assert "skipped 1 recipient(s) who may have it already" in result.stderr
    assert "(1 had it already)" in result.stdout
    assert [e.rcpt_tos for e in handler.envelopes] == [["c@x.example"]]
    assert states(built) == [
        {"a@x.example": "sent", "b@x.example": "sending", "c@x.example": "pending"},
        {"c@x.example": "sent"},
    ]
    assert not (built / "sent.json.journal").exists()


def test_a_failed_send_keeps_an_empty_record_as_it_was(
    inbox: tuple[Inbox, int], built: Path
) -> None:
    _, port = inbox
    (built / SENT_RECORD).write_text('{"version": 3, "sends": []}\n', encoding="utf-8")
    code, _, _ = send(str(built), *none_args(port), "--to", REFUSED)
    assert code == 5
    assert json.loads((built / SENT_RECORD).read_text()) == {"version": 3, "sends": []}


def test_nothing_goes_out_unless_the_intent_is_recorded(
    inbox: tuple[Inbox, int], built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    handler, port = inbox

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    code, _, err = send(str(built), *none_args(port))
    monkeypatch.undo()
    assert code == 2
    assert err == (
        f"error: {built / SENT_RECORD}: cannot write the send record (No space left on "
        "device); free some space on that disk, then digest send again\n"
    )
    assert handler.envelopes == [] and not (built / SENT_RECORD).exists()


def test_a_send_record_that_cannot_be_written_otherwise_says_where_it_must_be(
    inbox: tuple[Inbox, int], built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    handler, port = inbox

    def broken(fd: int) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(os, "fsync", broken)
    code, _, err = send(str(built), *none_args(port))
    monkeypatch.undo()
    assert code == 2
    assert err == (
        f"error: {built / SENT_RECORD}: cannot write the send record (Input/output error); "
        "it must be a file in a folder you can write to\n"
    )
    assert handler.envelopes == []


def test_a_send_waits_for_another_then_says_who_holds_the_lock(built: Path) -> None:
    from digest.files import file_lock

    outgoing = prepare(built, recipients(SETTINGS, ["a@x.example"]))
    options = SmtpOptions(host="127.0.0.1", port=free_port(), security=Security.NONE)
    done = threading.Event()

    def hold() -> None:  # another digest send, in another process in real life
        with file_lock(built / "sent.json.lock", timeout=1, holder="a test"):
            done.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    time.sleep(0.1)
    try:
        start = time.monotonic()
        with pytest.raises(DigestError) as caught:
            send_issue(outgoing, options, lock_timeout=0.3)
        waited = time.monotonic() - start
    finally:
        done.set()
        holder.join()
    assert str(caught.value) == (
        f"{built}: another digest send is still running (waited 0.3 s for sent.json.lock); "
        "try again when it has finished"
    )
    assert 0.3 <= waited < 2 and not (built / SENT_RECORD).exists()


@pytest.mark.parametrize(
    ("count", "shown"),
    [(1, "a@x.example"), (3, "a@x.example, b@x.example, c@x.example"),
     (4, "a@x.example, b@x.example, c@x.example ...")],
)  # fmt: skip
def test_a_send_never_confirmed_says_when_and_for_whom(built: Path, count: int, shown: str) -> None:
    mine = "<issue-2026-11-21@news.example>"
    listing = [f"{n}@x.example" for n in "abcd"[:count]]
    record = {
        "version": 3,
        "sends": [
            {"message_id": mine, "started_at": "2026-11-20T07:00:00+00:00",
             "recipients": {a: "sent" for a in listing}, "sent_at": "2026-11-20T07:00:00+00:00"},
            {"message_id": mine, "started_at": "2026-11-21T07:00:00+00:00",
             "recipients": {a: "sending" for a in listing}},
            {"message_id": "<other@news.example>", "started_at": "2026-11-22T07:00:00+00:00",
             "recipients": {"z@x.example": "sent"}, "sent_at": "2026-11-22T07:00:00+00:00"},
        ],
    }  # fmt: skip
    (built / SENT_RECORD).write_text(json.dumps(record), encoding="utf-8")
    code, _, err = send(str(built), *none_args(free_port()), "--to", ", ".join(listing))
    assert code == 1
    # sent (in the first send) wins over sending (in the last)
    assert err == (
        f"error: {mine} was already sent on 2026-11-20T07:00:00+00:00 to {count} "
        "recipient(s); pass --resend to send it again\n"
    )
    record["sends"] = record["sends"][1:]
    (built / SENT_RECORD).write_text(json.dumps(record), encoding="utf-8")
    code, _, err = send(str(built), *none_args(free_port()), "--to", ", ".join(listing))
    assert code == 1
    assert err == (
        f"error: {mine} may already have been sent to {count} recipient(s): the send of "
        f"2026-11-21T07:00:00+00:00 was never confirmed for {shown}; check whether it "
        "arrived; pass --resend to send it again\n"
    )


def replace_header(data: bytes, name: bytes, line: bytes) -> bytes:
    """``data`` with the header ``name`` (and its continuation lines) replaced by ``line``."""
    head, sep, body = data.partition(b"\r\n\r\n")
    out, skipping = [], False
    for raw in head.split(b"\r\n"):
        if raw[:1] in (b" ", b"\t") and skipping:
            continue
        skipping = raw.lower().startswith(name.lower() + b":")
        if skipping:
            if line:
                out.append(line)
        else:
            out.append(raw)
    return b"\r\n".join(out) + sep + body


@pytest.mark.parametrize(
    ("name", "line", "message"),
    [
        (b"Date", b"", "the message has no Date header"),
        (b"From", b"From: a@news.example, b@news.example", "does not have exactly one From"),
        (b"From", b"From: undisclosed-recipients:;", "does not have exactly one From"),
        (b"From", b"From: Desk <desk>", "does not have exactly one From"),
        (b"Content-Type", b'Content-Type: text/plain; charset="us-ascii"', "one HTML part"),
    ],
)
def test_a_message_digest_did_not_build_is_refused_before_connecting(
    built: Path, name: bytes, line: bytes, message: str
) -> None:
    eml = built / "digest.eml"
    data = replace_header(eml.read_bytes(), name, line)
    if name == b"Content-Type":
        data = data.partition(b"\r\n\r\n")[0] + b"\r\n\r\nOnly a text part.\r\n"
    eml.write_bytes(data)
    code, _, err = send(str(built), *none_args(free_port()), "--to", "a@x.example")
    assert code == 2 and message in err, err
    assert err.startswith(f"error: {eml}: ") and err.endswith(
        "; rebuild it with digest build\n" if name != b"From" else "; rebuild it\n"
    )
    if name == b"From":
        assert err == (
            f"error: {eml}: the message does not have exactly one From address; rebuild it\n"
        )
    assert not (built / SENT_RECORD).exists()


def test_two_missing_headers_are_both_named(built: Path) -> None:
    eml = built / "digest.eml"
    data = replace_header(replace_header(eml.read_bytes(), b"Message-ID", b""), b"Date", b"")
    eml.write_bytes(data)
    code, _, err = send(str(built), "--dry-run", "--to", "a@x.example")
    assert code == 2
    missing = "the message has no Date, Message-ID header"
    assert err == f"error: {eml}: {missing}; rebuild it with digest build\n"


def test_to_and_to_file_together_are_one_list_each_address_once(built: Path) -> None:
    listing = built.parent / "list.txt"
    listing.write_text("b@x.example\nA@X.example\nc@x.example\n", encoding="utf-8")
    code, out, err = send(
        str(built), "--dry-run", "--to", "a@x.example, b@x.example", "--to-file", str(listing)
    )
    assert code == 0, err
    assert [line for line in out.splitlines() if "To:" in line] == [
        "  To: a@x.example", "  To: b@x.example", "  To: c@x.example"
    ]  # fmt: skip
    # the same from digest.toml, the file first; --to alone replaces both
    (built.parent / "digest.toml").write_text(
        '[email]\nto = "z@x.example, b@x.example"\nto_file = "list.txt"\n', encoding="utf-8"
    )
    code, out, _ = send(str(built), "--dry-run")
    assert [line for line in out.splitlines() if "To:" in line] == [
        "  To: b@x.example", "  To: A@X.example", "  To: c@x.example", "  To: z@x.example"
    ]  # fmt: skip
    code, out, _ = send(str(built), "--dry-run", "--to", "y@x.example")
    assert [line for line in out.splitlines() if "To:" in line] == ["  To: y@x.example"]


def test_a_port_given_is_kept_whatever_the_security(built: Path) -> None:
    code, out, _ = send(str(built), "--dry-run", "--security", "tls", "--port", "587")
    assert code == 0 and "via localhost:587 (tls)" in out.splitlines()[0]
    (built.parent / "digest.toml").write_text(
        f'[smtp]\nport = 2525\nsecurity = "tls"\n{DIGEST_TOML}', encoding="utf-8"
    )
    code, out, _ = send(str(built), "--dry-run")
    assert code == 0 and "via localhost:2525 (tls)" in out.splitlines()[0]
    # the usual port of the other mode, set in the file, is kept too (it was once
    # taken for "not set" and became 465)
    (built.parent / "digest.toml").write_text(
        f'[smtp]\nport = 587\nsecurity = "tls"\n{DIGEST_TOML}', encoding="utf-8"
    )
    code, out, _ = send(str(built), "--dry-run")
    assert code == 0 and "via localhost:587 (tls)" in out.splitlines()[0]


def test_smtp_options_from_settings_read_the_environment() -> None:
    settings = replace(SETTINGS, smtp_host="smtp.news.example", smtp_port=465,
                       smtp_security="tls", smtp_user="desk", smtp_password_env="PW")  # fmt: skip
    options = SmtpOptions.from_settings(settings, {"PW": "pass word"}, timeout=7)
    assert (options.host, options.port, options.security) == ("smtp.news.example", 465, "tls")
    assert (options.user, options.password, options.timeout) == ("desk", "pass word", 7)
    assert "pass word" not in repr(options) and options.server == "smtp.news.example:465"
    empty = SmtpOptions.from_settings(replace(settings, smtp_user=""), {"PW": ""})
    assert (empty.user, empty.password, empty.timeout) == (None, None, 30.0)
    with pytest.raises(DigestError) as caught:
        SmtpOptions.from_settings(replace(settings, smtp_security="ssl"), {})
    assert str(caught.value) == "SMTP security 'ssl' is unknown; use starttls, tls or none"


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("directory", "cannot read the send record (Is a directory); it must be the file "
         "digest send writes; move it away or repair it"),
        ("binary", "cannot read the send record (UnicodeDecodeError); it must be the file "
         "digest send writes; move it away or repair it"),
        ("garbage", "the send record is unreadable; repair it, or move it away (it says "
         "which issues were sent)"),
        ("no-sends", "the send record is unreadable; repair it, or move it away (it says "
         "which issues were sent)"),
    ],
)  # fmt: skip
def test_a_broken_sent_record_names_itself_and_the_fix(
    built: Path, kind: str, message: str
) -> None:
    record = built / SENT_RECORD
    if kind == "directory":
        record.mkdir()
    else:
        data = {"binary": b"\xff\xfe\x00", "garbage": b"{not json", "no-sends": b'{"v": 3}'}
        record.write_bytes(data[kind])
    code, _, err = send(str(built), "--dry-run", "--to", "a@x.example")
    assert code == 2
    assert err == f"error: {record}: {message}\n"


def test_a_journal_that_cannot_be_read_names_itself(built: Path) -> None:
    journal = built / "sent.json.journal"
    journal.mkdir()
    code, _, err = send(str(built), "--dry-run", "--to", "a@x.example")
    assert code == 2
    assert err == (
        f"error: {journal}: cannot read the journal of a send (Is a directory); "
        "it must be the file digest send writes\n"
    )


def test_a_record_holding_junk_keeps_what_it_can_read(built: Path) -> None:
    mine = "<issue-2026-11-21@news.example>"
    record = {
        "version": 3,
        "sends": [
            "not a send",
            {"message_id": mine, "recipients": {"a@x.example": "sent", "7": 7}},
            {"message_id": mine, "recipients": ["b@x.example", 3], "status": "sent"},
            {"message_id": mine, "recipients": 5, "status": "refused"},
            {"message_id": mine, "recipients": {}},
        ],
    }
    (built / SENT_RECORD).write_text(json.dumps(record), encoding="utf-8")
    (built / "sent.json.journal").write_bytes(
        b'{"send": 0, "to": "c@x.exa\n'
        b'["a line that is not a note"]\n'
        b'{"send": 0, "to": "c@x.example", "status": "sent"}\n'
        b'{"send": -1, "to": "d@x.example", "status": "sent"}\n'
        b'{"send": 3, "to": "e@x.example", "status": "sent"}\n'
        b'{"send": 3, "to": "f@x.example", "status": "sending"}\n'
        b'{"send": 0, "to": 9, "status": "sent"}\n'
        b'{"send": "0", "to": "g@x.example", "status": "sent"}\n'
        b'{"send": 0, "to": "h@x.example", "status": "refused"}\n'
        b'{"send": 4, "to": "i@x.example", "status": "sent"}\n'
    )
    everyone = ", ".join(f"{n}@x.example" for n in "abcdefghi")
    code, out, _ = send(str(built), "--dry-run", "--to", everyone)
    assert code == 0
    # the four that are sends count (the string is dropped); the journal's notes
    # apply to those by index, and only with an address and a state digest writes
    assert out.splitlines()[-7:] == [
        "  4 messages, one for each recipient:",
        "  To: d@x.example",
        "  To: g@x.example",
        "  To: h@x.example",
        "  To: i@x.example",
        "  Skipped, already sent (pass --resend): a@x.example, b@x.example, c@x.example, "
        "e@x.example",
        "  Skipped, may have it already (pass --resend): f@x.example",
    ]


@pytest.mark.parametrize(
    ("injected", "message"),
    [
        (b"Cc: evil@attacker.example", "the message has a Cc header, which digest never writes"),
        (b"Subject: again", "the message has 2 Subject headers"),
    ],
)
def test_a_header_digest_does_not_write_is_named_exactly(
    built: Path, injected: bytes, message: str
) -> None:
    eml = built / "digest.eml"
    eml.write_bytes(eml.read_bytes().replace(b"\r\nFrom:", b"\r\n" + injected + b"\r\nFrom:", 1))
    code, _, err = send(str(built), "--dry-run", "--to", "a@x.example")
    assert code == 2 and err == f"error: {eml}: {message}; rebuild it with digest build\n"


def test_no_recipient_chosen_says_where_to_choose_them(built: Path) -> None:
    (built.parent / "digest.toml").unlink()
    code, _, err = send(str(built), "--dry-run")
    assert code == 2
    assert err == (
        "error: no recipients chosen: no --to or --to-file, and [email] to is the placeholder "
        "Subscribers <subscribers@example.com>; give --to ADDRESS or --to-file FILE, or set "
        "to or to_file in the [email] table of digest.toml\n"
    )


def test_prepare_keeps_each_recipient_once_and_needs_one(built: Path) -> None:
    outgoing = prepare(built, [("Ana", "ana@x.example"), ("", "ANA@x.example"), ("", "b@x")])
    assert outgoing.recipients == (("Ana", "ana@x.example"), ("", "b@x"))
    assert outgoing.sender == "digest@news.example" and outgoing.path == built / "digest.eml"
    with pytest.raises(DigestError) as caught:
        prepare(built / "digest.eml", ())
    assert str(caught.value) == f"{built / 'digest.eml'}: the message has no recipients; give --to"


def test_a_send_to_nobody_left_sends_and_records_nothing(
    inbox: tuple[Inbox, int], built: Path
) -> None:
    handler, port = inbox
    subscribers.record_unsubscribe(built, "a@x.example")
    result = runner.invoke(app, ["send", str(built), *none_args(port), "--to", "a@x.example"])
    assert result.exit_code == 0, result.stderr
    assert "skipped 1 recipient(s) who unsubscribed: a@x.example" in result.stderr
    assert result.stdout == (
        f"Sent <issue-2026-11-21@news.example> to 0 recipients, one message each, via "
        f"127.0.0.1:{port}; recorded in {built / SENT_RECORD}\n"
    )
    assert handler.envelopes == [] and not (built / SENT_RECORD).exists()


def test_a_journal_that_cannot_be_opened_stops_the_send_before_any_message(
    inbox: tuple[Inbox, int], built: Path
) -> None:
    """The journal is a link to a folder that is gone (a synced folder, a moved
    disk): the send stops, naming it, before any message goes out."""
    handler, port = inbox
    journal = built / "sent.json.journal"
    journal.symlink_to(built.parent / "gone" / "sent.json.journal")
    code, _, err = send(str(built), *none_args(port), "--to", "a@x.example")
    assert code == 2
    assert err == (
        f"error: {journal}: cannot write the journal of the send (No such file or directory); "
        "the folder of the .eml must be writable\n"
    )
    assert handler.envelopes == []


def test_a_send_a_crash_cut_short_says_when_it_began(built: Path) -> None:
    """The record a crash left, settled by the next send, has no sent_at; an old
    record may have no time at all: the error never says "None"."""
    mine = "<issue-2026-11-21@news.example>"
    intent = {"message_id": mine, "started_at": "2026-11-21T07:00:00+00:00"}
    intent["recipients"] = {"a@x.example": "pending", "b@x.example": "pending"}
    (built / SENT_RECORD).write_text(json.dumps({"version": 3, "sends": [intent]}))
    (built / "sent.json.journal").write_bytes(
        b'{"send": 0, "to": "a@x.example", "status": "sent"}\n'
        b'{"send": 0, "to": "b@x.example", "status": "sending"}\n'
    )
    code, _, err = send(str(built), *none_args(free_port()), "--to", "a@x.example")
    assert code == 1
    assert err == (
        f"error: {mine} was already sent on 2026-11-21T07:00:00+00:00 to 1 recipient(s); "
        "pass --resend to send it again\n"
    )
    old = {"message_id": mine, "recipients": {"a@x.example": "sent", "b@x.example": "sending"}}
    (built / SENT_RECORD).write_text(json.dumps({"version": 3, "sends": [old]}))
    code, _, err = send(str(built), *none_args(free_port()), "--to", "a@x.example")
    assert code == 1 and err == (
        f"error: {mine} was already sent to 1 recipient(s); pass --resend to send it again\n"
    )
    code, _, err = send(str(built), *none_args(free_port()), "--to", "b@x.example")
    assert code == 1 and err == (
        f"error: {mine} may already have been sent to 1 recipient(s): the send was never "
        "confirmed for b@x.example; check whether it arrived; pass --resend to send it again\n"
    )


def test_a_message_without_a_header_block_is_named_with_the_reason(built: Path) -> None:
    eml = built / "digest.eml"
    eml.write_bytes(b"")
    code, _, err = send(str(built), "--dry-run", "--to", "a@x.example")
    assert code == 2 and err == (
        f"error: {eml}: not a message that digest built (no blank line ends the headers); "
        "rebuild it\n"
    )


def test_a_bad_to_is_named_as_the_option(built: Path) -> None:
    code, _, err = send(str(built), "--dry-run", "--to", "not an address")
    assert code == 2 and err.startswith("error: --to must be an email address"), err
