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
import json
import shutil
import socket
import ssl
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session
from typer.testing import CliRunner

from digest.cli import app
from digest.config import Settings
from digest.render.email import render_html, render_text
from digest.render.mime import build_message
from digest.send import SENT_RECORD, Security, SmtpOptions, prepare, recipients, send_issue

from .emailkit import sample_digest

runner = CliRunner()
USER, PASSWORD = "editor", "s3cret pass"
REFUSED = "nobody@news.example"


@dataclass
class Inbox:
    """What the server received, and which recipients it refuses."""

    envelopes: list[Envelope] = field(default_factory=list)

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
        return "250 Message accepted"

    def message(self) -> EmailMessage:
        assert len(self.envelopes) == 1
        data = self.envelopes[0].original_content or b""
        msg = email.message_from_bytes(data, policy=email.policy.default)
        assert isinstance(msg, EmailMessage)
        return msg


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
    text, html = render_text(digest, SETTINGS), render_html(digest, SETTINGS)
    out = tmp_path / "out"
    out.mkdir()
    (out / "digest.eml").write_bytes(build_message(digest, SETTINGS, text, html).as_bytes())
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
    assert record["sends"][0]["recipients"] == ["readers@news.example"]
    assert f"recorded in {built / SENT_RECORD}" in out


def test_to_readdresses_and_login_uses_the_environment(
    inbox: tuple[Inbox, int], built: Path
) -> None:
    handler, port = inbox
    args = [str(built / "digest.eml"), "--host", "127.0.0.1", "--port", str(port)]
    args += ["--security", "none", "--user", USER, "--to", "a@x.example, b@y.example"]
    code, _, err = send(*args, "--to", "c@z.example", env={"DIGEST_SMTP_PASSWORD": PASSWORD})
    assert code == 0, err
    assert handler.envelopes[0].rcpt_tos == ["a@x.example", "b@y.example", "c@z.example"]
    assert handler.message()["To"] == "a@x.example, b@y.example, c@z.example"
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
    assert f"could not connect to 127.0.0.1:{port}" in err and "--host" in err
    assert "Traceback" not in out + err
    assert not (built / SENT_RECORD).exists()


def test_a_refused_recipient_sends_nothing(inbox: tuple[Inbox, int], built: Path) -> None:
    handler, port = inbox
    code, _, err = send(
        str(built), "--host", "127.0.0.1", "--port", str(port), "--security", "none",
        "--to", f"ok@news.example, {REFUSED}",
    )  # fmt: skip
    assert code == 5
    assert REFUSED in err and "550" in err and "nothing was sent" in err
    assert handler.envelopes == []
    assert not (built / SENT_RECORD).exists()


def test_bad_credentials_are_clear(inbox: tuple[Inbox, int], built: Path) -> None:
    handler, port = inbox
    code, out, err = send(
        str(built), "--host", "127.0.0.1", "--port", str(port), "--security", "none",
        "--user", USER, env={"DIGEST_SMTP_PASSWORD": "wrong"},
    )  # fmt: skip
    assert code == 5
    assert f"refused the login of {USER}" in err and "535" in err
    assert "wrong" not in out + err
    assert handler.envelopes == [] and not (built / SENT_RECORD).exists()


def test_a_missing_password_is_named_before_connecting(built: Path) -> None:
    code, _, err = send(str(built), "--user", USER, "--password-env", "NO_SUCH_VARIABLE_XYZ")
    assert code == 2 and "no SMTP password" in err and "--password-env" in err


def test_a_password_never_goes_unencrypted_to_a_remote_host(built: Path) -> None:
    code, _, err = send(
        str(built), "--host", "smtp.example.com", "--security", "none", "--user", USER,
        env={"DIGEST_SMTP_PASSWORD": PASSWORD},
    )  # fmt: skip
    assert code == 2 and "unencrypted" in err


def test_starttls_is_required_when_asked_for(inbox: tuple[Inbox, int], built: Path) -> None:
    _, port = inbox  # this server offers no STARTTLS
    code, _, err = send(str(built), "--host", "127.0.0.1", "--port", str(port))
    assert code == 5 and "does not offer STARTTLS" in err


def test_dry_run_prints_and_sends_nothing(built: Path) -> None:
    code, out, err = send(str(built), "--dry-run", "--to", "me@example.org", "--port", "1")
    assert code == 0, err
    assert "Would send" in out and "To: me@example.org" in out
    assert "Subject: Springfield Digest: Springfield this week (2026-11-21)" in out
    assert "text/plain, text/html" in out
    assert not (built / SENT_RECORD).exists()


def test_no_message_file_is_clear(tmp_path: Path) -> None:
    code, _, err = send(str(tmp_path), "--dry-run")
    assert code == 2 and "digest.eml: no such message file" in err and "digest build" in err


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
        record = send_issue(outgoing, options, now=now)
    finally:
        controller.stop()
    assert handler.message()["Subject"] == "Springfield Digest: Springfield this week (2026-11-21)"
    assert json.loads(record.read_text())["sends"][0]["sent_at"] == "2026-11-21T07:00:00+00:00"


def test_help_names_every_option_with_examples() -> None:
    result = runner.invoke(app, ["send", "--help"], terminal_width=200)
    assert result.exit_code == 0
    for option in ("--to", "--host", "--port", "--security", "--user", "--password-env"):
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
HEADERS = ["Subject", "From", "To", "Date", "Message-ID", "List-Id", "MIME-Version", "Content-Type"]


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
    eml = build_message(digest, elsewhere, "text", "<p>html</p>").as_bytes()
    (out / "digest.eml").write_bytes(eml)
    code, _, err = send(str(out), *none_args(port))  # ./digest.toml names readers@
    assert code == 0, err
    assert handler.envelopes[0].rcpt_tos == ["readers@news.example"]
    assert handler.message()["To"] == "Other <other@elsewhere.example>, x@elsewhere.example"


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


def test_a_quit_refused_after_the_message_was_taken_is_a_send(built: Path) -> None:
    handler = QuitRefused()
    with smtp_server(handler) as port:
        code, _, err = send(str(built), *none_args(port))
        assert code == 0, err
        assert [s["status"] for s in sends(built)] == ["sent"]
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
        assert entry["status"] == "sending" and entry["recipients"] == ["readers@news.example"]
        assert entry["message_id"].startswith("<issue-2026-11-21@")
        code, _, err = send(str(built), *none_args(port))  # a plain retry
        assert code == 1 and "may already have been sent" in err and "--resend" in err
        assert len(handler.envelopes) == 1
    with smtp_server(Inbox()) as port:
        code, _, err = send(str(built), *none_args(port), "--resend")
    assert code == 0, err
    assert [s["status"] for s in sends(built)] == ["sending", "sent"]


def test_the_intent_is_recorded_before_anything_is_sent(
    built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from digest import send as send_module

    seen: list[list[str]] = []

    def deliver(outgoing: Any, options: Any) -> None:
        seen.append([s["status"] for s in sends(built)])

    monkeypatch.setattr(send_module, "deliver", deliver)
    code, _, err = send(str(built), "--port", "25", "--security", "none")
    assert code == 0, err
    assert seen == [["sending"]]
    assert [s["status"] for s in sends(built)] == ["sent"]


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
    assert [s["status"] for s in sends(built)] == ["sent"]


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
