"""``digest serve``: content types, validators, 304s, and nothing outside the folder."""

from __future__ import annotations

import email.utils
import errno
import html
import http.client
import io
import json
import mimetypes
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path
from typing import ClassVar
from urllib.parse import quote, urlsplit

import pytest
from typer.testing import CliRunner

from digest import subscribers
from digest.cli import app
from digest.serve import (
    MAX_POST_BYTES,
    READ_TIMEOUT,
    OutputHandler,
    OutputServer,
    Unsubscribe,
    content_type,
    is_public,
    make_server,
    resolve,
    serving,
)

from .processes import interruptible

runner = CliRunner()

FILES = {
    "atom.xml": b"<feed/>",
    "rss.xml": b"<rss/>",
    "feed.json": b"{}",
    "stories.atom.xml": b"<feed/>",
    "stories.rss.xml": b"<rss/>",
    "stories.json": b"{}",
    "digest.json": b"{}",
    "index.html": b"<!DOCTYPE html><title>index</title>",
    "issues/2026-11-21.html": b"<!DOCTYPE html><title>issue</title>",
    "assets/site.css": b"body{}",
    # private: never served
    "email.txt": b"text",
    "email.html": b"<p>mailed</p>",
    "digest.eml": b"To: reader@example.com\r\n",
    "sent.json": b'{"sends": [{"recipients": ["reader@example.com"]}]}',
    "sent.json.lock": b"",
    "sent.json.journal": b'{"send": 0, "to": "reader@example.com", "status": "sent"}\n',
    "unsubscribed.json": b'{"unsubscribed": [{"email": "left@example.com"}]}',
    "unsubscribed.json.lock": b"",
    "archive.sqlite3": b"SQLite format 3\x00",
    "archive.sqlite3-journal": b"",
    "archive.sqlite3.lock": b"",
    ".fetch-cache.json": b"{}",
    ".atom.xml.abc.tmp": b"partial",
    "notes.txt": b"the editor's notes",
    "issues/draft.md": b"draft",
    "assets/secret.json": b"{}",
}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "out"
    for name, data in FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
        os.utime(root / name, (time.time() - 60,) * 2)  # settled: Last-Modified is sent
    (tmp_path / "secret.txt").write_bytes(b"outside")
    (root / "escape.txt").symlink_to(tmp_path / "secret.txt")
    # a public name that leads to a private file, and one that leads out
    (root / "issues" / "sneaky.html").symlink_to(root / "sent.json")
    (root / "issues" / "outside.html").symlink_to(tmp_path / "secret.txt")
    return root


@pytest.fixture
def base(folder: Path) -> Iterator[str]:
    with serving(folder) as url:
        yield url


def get(
    base: str, path: str, headers: dict[str, str] | None = None, method: str = "GET"
) -> tuple[int, dict[str, str], bytes]:
    parts = urlsplit(base)
    con = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=10)
    try:
        con.putrequest(method, path, skip_accept_encoding=True)
        for key, value in (headers or {}).items():
            con.putheader(key, value)
        con.endheaders()
        response = con.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        con.close()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("atom.xml", "application/atom+xml"),
        ("stories.atom.xml", "application/atom+xml"),
        ("rss.xml", "application/rss+xml"),
        ("stories.rss.xml", "application/rss+xml"),
        ("feed.json", "application/feed+json"),
        ("stories.json", "application/feed+json"),
        ("digest.json", "application/json"),
        ("index.html", "text/html"),
        ("issues/2026-11-21.html", "text/html"),
        ("assets/site.css", "text/css"),
    ],
)
def test_each_file_gets_its_content_type(base: str, name: str, expected: str) -> None:
    status, headers, body = get(base, "/" + name)
    assert status == 200 and body == FILES[name]
    assert headers["Content-Type"].split(";")[0] == expected
    assert content_type(name).split(";")[0] == expected


def test_a_file_changed_this_second_has_no_last_modified(base: str, folder: Path) -> None:
    """A reader sending only If-Modified-Since never misses a file replaced twice in a second."""
    (folder / "atom.xml").write_bytes(b"<feed>one</feed>")
    status, headers, _ = get(base, "/atom.xml")
    assert status == 200 and "Last-Modified" not in headers and headers["ETag"]
    (folder / "atom.xml").write_bytes(b"<feed>two</feed>")  # perhaps within the same second
    status, _, body = get(base, "/atom.xml", {"If-None-Match": headers["ETag"]})
    assert status == 200 and body == b"<feed>two</feed>"
    os.utime(folder / "atom.xml", (time.time() - 5,) * 2)
    assert "Last-Modified" in get(base, "/atom.xml")[1]


def test_etag_and_last_modified_give_304(base: str, folder: Path) -> None:
    status, headers, _ = get(base, "/atom.xml")
    etag, modified = headers["ETag"], headers["Last-Modified"]
    assert status == 200 and etag.startswith('"') and modified.endswith("GMT")
    assert get(base, "/atom.xml", {"If-None-Match": etag})[0] == 304
    assert get(base, "/atom.xml", {"If-None-Match": f'"nope", W/{etag}'})[0] == 304
    assert get(base, "/atom.xml", {"If-None-Match": '"other"'})[0] == 200
    assert get(base, "/atom.xml", {"If-Modified-Since": modified})[0] == 304
    older = email.utils.formatdate(os.stat(folder / "atom.xml").st_mtime - 3600, usegmt=True)
    assert get(base, "/atom.xml", {"If-Modified-Since": older})[0] == 200
    assert get(base, "/atom.xml", {"If-Modified-Since": "garbage"})[0] == 200
    # If-None-Match wins over If-Modified-Since (RFC 9110)
    assert get(base, "/atom.xml", {"If-None-Match": '"x"', "If-Modified-Since": modified})[0] == 200
    status, headers, body = get(base, "/atom.xml", {"If-None-Match": etag})
    assert body == b"" and headers["ETag"] == etag


def test_the_same_bytes_keep_their_etag(base: str, folder: Path) -> None:
    first = get(base, "/rss.xml")[1]["ETag"]
    (folder / "rss.xml").write_bytes(FILES["rss.xml"])
    assert get(base, "/rss.xml")[1]["ETag"] == first
    (folder / "rss.xml").write_bytes(b"<rss>changed</rss>")
    assert get(base, "/rss.xml", {"If-None-Match": first})[0] == 200


def test_head_has_headers_and_no_body(base: str) -> None:
    status, headers, body = get(base, "/feed.json", method="HEAD")
    assert status == 200 and body == b"" and headers["Content-Length"] == "2"


@pytest.mark.parametrize(
    "path",
    [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/issues/..%2f..%2fsecret.txt",
        "//etc/passwd",
        "/escape.txt",
        "/archive.sqlite3",
        "/archive.sqlite3-journal",
        "/archive.sqlite3.lock",
        "/.atom.xml.abc.tmp",
        "/digest.eml",
        "/sent.json",
        "/sent.json.lock",
        "/sent.json.journal",
        "/unsubscribed.json",
        "/unsubscribed.json.lock",
        "/email.txt",
        "/email.html",
        "/.fetch-cache.json",
        "/notes.txt",
        "/issues/draft.md",
        "/assets/secret.json",
        "/issues/sneaky.html",
        "/issues/outside.html",
        "/%73ent.json",
        "/SENT.JSON",
        "/missing.xml",
        "/issues/%00.html",
        "/..\\secret.txt",
    ],
)
def test_nothing_outside_the_folder_or_private(base: str, path: str) -> None:
    status, _, body = get(base, path)
    assert status == 404 and b"outside" not in body and b"reader@" not in body


def test_folders_serve_their_index(base: str, folder: Path) -> None:
    assert get(base, "/")[2] == FILES["index.html"]
    assert get(base, "/issues/2026-11-21.html?utm_source=x")[0] == 200
    assert get(base, "/issues")[0] == 404  # no index.html in issues/
    (folder / "issues" / "index.html").write_bytes(b"list")
    status, headers, _ = get(base, "/issues")
    assert status == 301 and headers["Location"] == "/issues/"


def test_only_get_and_head(base: str) -> None:
    status, headers, _ = get(base, "/atom.xml", method="POST")
    assert status == 405 and headers["Allow"] == "GET, HEAD"
    assert get(base, "/atom.xml", method="PUT")[0] == 501


def test_resolve_stays_inside(folder: Path) -> None:
    assert resolve(folder, "/atom.xml") == (folder / "atom.xml").resolve()
    assert resolve(folder, "/../out/atom.xml") is None
    assert resolve(folder, "/escape.txt") is None
    assert resolve(folder, "/issues/outside.html") is None  # a public name leading out
    # no path with ".." or a hidden part, even one that would end up inside and public
    assert resolve(folder, "/assets/site.css") == (folder / "assets" / "site.css").resolve()
    assert resolve(folder, "/assets/../assets/site.css") is None
    assert resolve(folder, "/assets/%2e%2e/assets/site.css") is None


@pytest.mark.parametrize(
    ("parts", "public"),
    [
        (("atom.xml",), True),
        (("issues", "2026-11-21.html"), True),
        (("assets", "css", "site.css"), True),
        ((".atom.xml",), False),
        (("issues", ".draft.html"), False),
        (("assets", ".git", "site.css"), False),
        (("assets", "", "site.css"), False),
        (("issues", "a", "b.html"), False),
        (("assets", "site.json"), False),
        (("sent.json",), False),
        ((), False),
    ],
)
def test_is_public_is_an_allow_list_with_no_hidden_part(
    parts: tuple[str, ...], public: bool
) -> None:
    assert is_public(parts) is public


def test_serve_refuses_a_missing_folder(tmp_path: Path) -> None:
    result = runner.invoke(app, ["serve", "--out", str(tmp_path / "nope")])
    assert result.exit_code == 2 and "no such folder" in result.stderr


def test_serve_help_names_its_options() -> None:
    result = runner.invoke(app, ["serve", "--help"], terminal_width=200)
    assert result.exit_code == 0
    for option in ("--host", "--port", "--out", "Examples"):
        assert option in result.stdout


# -- under load (issue 16, item 6) --------------------------------------------------


def address(base: str) -> tuple[str, int]:
    parts = urlsplit(base)
    return parts.hostname or "127.0.0.1", parts.port or 80


def test_200_requests_at_once_all_complete(folder: Path) -> None:
    with serving(folder, workers=8) as base:
        results: list[tuple[int, float]] = []
        lock = threading.Lock()

        def fetch() -> None:
            started = time.monotonic()
            try:
                status = get(base, "/rss.xml")[0]
            except OSError:
                status = 0
            with lock:
                results.append((status, time.monotonic() - started))

        threads = [threading.Thread(target=fetch) for _ in range(200)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(15)
    assert [status for status, _ in results].count(200) == 200
    # a connection the backlog had no room for waits for a SYN retry (1 s or more)
    slowest = max(took for _, took in results)
    assert slowest < 0.9, f"the slowest request took {slowest:.2f} s"


def test_a_half_sent_request_is_closed_after_the_timeout(folder: Path) -> None:
    log = io.StringIO()
    with serving(folder, timeout=0.5, log=log) as base:
        with socket.create_connection(address(base), timeout=5) as sock:
            sock.sendall(b"GET /rss.xml HTTP/1.1\r\nHost: x\r\n")  # no blank line: never ends
            started = time.monotonic()
            try:
                data = sock.recv(1024)
            except TimeoutError:
                data = b"still open"
            elapsed = time.monotonic() - started
        assert data == b"" and elapsed < 3, f"{data!r} after {elapsed:.1f} s"
        # the server is still answering others
        assert get(base, "/rss.xml")[0] == 200
    assert "timed out" in log.getvalue() and "Traceback" not in log.getvalue()


def test_many_slow_clients_do_not_make_many_threads(folder: Path) -> None:
    before = threading.active_count()
    with serving(folder, workers=8, timeout=1) as base:
        slow = [socket.create_connection(address(base), timeout=5) for _ in range(150)]
        try:
            for sock in slow:
                sock.sendall(b"GET /rss.xml HTTP/1.1\r\n")
            time.sleep(0.3)
            during = threading.active_count() - before
        finally:
            for sock in slow:
                sock.close()
    assert during <= 8 + 1, f"{during} threads for 150 slow clients"


@pytest.mark.slow
def test_a_client_that_goes_away_is_one_log_line(folder: Path) -> None:
    (folder / "index.html").write_bytes(b"<p>" + b"x" * 8_000_000)
    server = subprocess.Popen(
        [sys.executable, "-m", "digest", "serve", "--out", str(folder), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=interruptible,
    )
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        port = int(line.rsplit(":", 1)[1].split("/")[0])
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            sock.sendall(b"GET /index.html HTTP/1.0\r\n\r\n")
            sock.recv(1000)  # the answer has started
            # close with a reset, mid-answer
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        time.sleep(0.5)
        assert get(f"http://127.0.0.1:{port}/", "/rss.xml")[0] == 200  # still serving
    finally:
        server.send_signal(signal.SIGINT)
        _, err = server.communicate(timeout=10)
    assert "Traceback" not in err, err
    dropped = [line for line in err.splitlines() if "dropped the connection" in line]
    assert len(dropped) == 1, err


# -- one-click unsubscribe (RFC 8058; issue 11, item 3) ----------------------------------

SECRET = "a secret long enough for tokens"
UNSUBSCRIBE_URL = "https://news.example/digest/unsubscribe?email={email}&token={token}"


def link(address: str, token: str | None = None) -> str:
    token = subscribers.token(SECRET, address) if token is None else token
    return f"/digest/unsubscribe?email={quote(address, safe='@')}&token={token}"


def post(
    base: str, path: str, body: bytes = b"List-Unsubscribe=One-Click",
    content_type: str = "application/x-www-form-urlencoded", length: bool = True,
) -> tuple[int, bytes]:  # fmt: skip
    parts = urlsplit(base)
    con = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=10)
    try:
        con.putrequest("POST", path)
        con.putheader("Content-Type", content_type)
        if length:
            con.putheader("Content-Length", str(len(body)))
        con.endheaders()
        con.send(body)
        response = con.getresponse()
        return response.status, response.read()
    finally:
        con.close()


@pytest.fixture
def one_click(folder: Path) -> Iterator[str]:
    endpoint = Unsubscribe.from_url(UNSUBSCRIBE_URL, SECRET, folder, "Harbour <Digest>")
    with serving(folder, unsubscribe=endpoint) as url:
        yield url


def test_a_one_click_post_unsubscribes_that_address(one_click: str, folder: Path) -> None:
    status, body = post(one_click, link("Ana.Ruiz@x.example"))
    assert status == 200 and b"ana.ruiz@x.example is unsubscribed" in body.lower()
    assert "ana.ruiz@x.example" in subscribers.read_unsubscribed(folder)
    assert post(one_click, link("ana.ruiz@x.example"))[0] == 200  # again: still fine
    entries = json.loads((folder / "unsubscribed.json").read_text())["unsubscribed"]
    assert [e["email"] for e in entries] == ["left@example.com", "ana.ruiz@x.example"]
    # the record is never served
    assert get(one_click, "/unsubscribed.json")[0] == 404


@pytest.mark.parametrize(
    "path",
    [
        link("ana@x.example", subscribers.token(SECRET, "bo@y.example")),  # another's token
        link("ana@x.example", subscribers.token("another secret, just as long", "ana@x.example")),
        link("ana@x.example", "forged"),
        link("ana@x.example", ""),
        link("not-an-address", subscribers.token(SECRET, "not-an-address")),
        "/digest/unsubscribe?email=ana%40x.example",
    ],
)
def test_a_forged_link_unsubscribes_nobody(one_click: str, folder: Path, path: str) -> None:
    status, _ = post(one_click, path)
    assert status in (403, 405)
    assert list(subscribers.read_unsubscribed(folder)) == ["left@example.com"]


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b"", "application/x-www-form-urlencoded", 400),
        (b"List-Unsubscribe=Yes", "application/x-www-form-urlencoded", 400),
        (b"unsubscribe=One-Click", "application/x-www-form-urlencoded", 400),
        (b"\xff\xfe", "application/x-www-form-urlencoded", 400),
        (b"x" * (64 * 1024), "application/x-www-form-urlencoded", 413),
        (
            b'--b\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\n'
            b"One-Click\r\n--b--\r\n",
            "multipart/form-data; boundary=b",
            200,
        ),
        (
            b'--b\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\n'
            b"No\r\n--b--\r\n",
            "multipart/form-data; boundary=b",
            400,
        ),
    ],
)
def test_only_a_one_click_body_unsubscribes(
    one_click: str, folder: Path, body: bytes, content_type: str, status: int
) -> None:
    assert post(one_click, link("ana@x.example"), body, content_type)[0] == status
    assert ("ana@x.example" in subscribers.read_unsubscribed(folder)) == (status == 200)


def test_a_post_without_a_length_or_elsewhere_is_refused(one_click: str, folder: Path) -> None:
    assert post(one_click, link("ana@x.example"), length=False)[0] == 411
    assert post(one_click, "/index.html")[0] == 405
    assert post(one_click, "/digest/unsubscribe")[0] == 405
    assert list(subscribers.read_unsubscribed(folder)) == ["left@example.com"]


def test_opening_the_link_asks_and_never_unsubscribes(one_click: str, folder: Path) -> None:
    address = "o'neil&co@x.example"
    status, headers, body = get(one_click, link(address))
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    page = body.decode()
    assert "o&#x27;neil&amp;co@x.example" in page and "Harbour &lt;Digest&gt;" in page
    assert '<form method="post"' in page and 'name="List-Unsubscribe" value="One-Click"' in page
    assert get(one_click, link(address), method="HEAD")[2] == b""
    assert list(subscribers.read_unsubscribed(folder)) == ["left@example.com"]
    assert get(one_click, link(address, "forged"))[0] == 403
    # the form posts to the link itself: that unsubscribes
    action = html.unescape(page.split('action="', 1)[1].split('"', 1)[0])
    assert post(one_click, action)[0] == 200
    assert address in subscribers.read_unsubscribed(folder)


def test_many_unsubscribes_at_once_are_all_recorded(one_click: str, folder: Path) -> None:
    addresses = [f"reader{n}@x.example" for n in range(40)]
    results: list[int] = []
    threads = [
        threading.Thread(target=lambda a=a: results.append(post(one_click, link(a))[0]))
        for a in addresses
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert results == [200] * len(addresses)
    assert set(subscribers.read_unsubscribed(folder)) == {"left@example.com", *addresses}


def test_serve_needs_the_secret_of_its_tokens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "out").mkdir()
    config = tmp_path / "digest.toml"
    config.write_text(f'[email]\nunsubscribe_url = "{UNSUBSCRIBE_URL}"\n', encoding="utf-8")
    monkeypatch.delenv("DIGEST_UNSUBSCRIBE_SECRET", raising=False)
    result = runner.invoke(app, ["serve", "--out", str(tmp_path / "out"), "--config", str(config)])
    assert result.exit_code == 2 and "DIGEST_UNSUBSCRIBE_SECRET" in result.stderr
    config.write_text(
        '[email]\nunsubscribe_url = "https://news.example/u?t={token}"\n', encoding="utf-8"
    )
    result = runner.invoke(app, ["serve", "--out", str(tmp_path / "out"), "--config", str(config)])
    assert result.exit_code == 2 and "{token} without {email}" in result.stderr


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("atom.xml", "application/atom+xml; charset=utf-8"),
        ("stories.rss.xml", "application/rss+xml; charset=utf-8"),
        ("feed.json", "application/feed+json; charset=utf-8"),
        ("digest.json", "application/json; charset=utf-8"),
        ("issues/2026-11-21.html", "text/html; charset=utf-8"),
        ("assets/SITE.CSS", "text/css; charset=utf-8"),
        ("assets/app.js", "text/javascript; charset=utf-8"),
        ("assets/logo.svg", "image/svg+xml; charset=utf-8"),
        ("assets/font.woff2", "font/woff2"),
        ("assets/logo.png", "image/png"),
        ("assets/photo.JPG", "image/jpeg"),
        ("notes.txt", "text/plain; charset=utf-8"),
        ("other.xml", "application/xml; charset=utf-8"),
        ("archive.tar.gz", "application/x-tar"),
        ("no-suffix", "application/octet-stream"),
    ],
)
def test_content_types_are_exact(name: str, expected: str) -> None:
    assert content_type(name) == expected


def test_a_response_carries_its_length_and_no_sniffing(base: str) -> None:
    status, headers, body = get(base, "/atom.xml")
    assert (
        headers["Content-Length"] == str(len(body))
        and headers["X-Content-Type-Options"] == "nosniff"
    )
    assert headers["Cache-Control"] == "no-cache"
    status, headers, body = get(base, "/missing.xml")
    assert (status, body) == (404, b"Not found\n")
    assert headers["Content-Type"] == "text/plain; charset=utf-8"
    assert headers["Content-Length"] == str(len(body))


def test_each_unsubscribe_answer_says_what_happened(one_click: str, folder: Path) -> None:
    assert post(one_click, "/index.html") == (405, b"Only GET and HEAD here\n")
    assert post(one_click, link("a@x.example"), length=False) == (
        411, b"A Content-Length is required\n"
    )  # fmt: skip
    assert post(one_click, link("a@x.example"), b"x" * (MAX_POST_BYTES + 1)) == (
        413,
        b"Too large\n",
    )
    assert post(one_click, link("a@x.example"), b"nope") == (
        400, b"Not a one-click unsubscribe (RFC 8058) request\n"
    )  # fmt: skip
    assert post(one_click, link("a@x.example", "forged")) == (
        403, b"This unsubscribe link is not valid\n"
    )  # fmt: skip
    status, headers, page = get(one_click, link("a@x.example"))
    assert headers["Cache-Control"] == "no-store" and headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Content-Length"] == str(len(page))
    status, body = post(one_click, link("a@x.example"))
    assert status == 200 and body.decode() == (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>Harbour &lt;Digest&gt;</title></head><body><h1>Harbour &lt;Digest&gt;</h1>"
        "<p>a@x.example is unsubscribed.</p></body></html>\n"
    )


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b"List-Unsubscribe=One-Click" + b"&pad=" + b"x" * (MAX_POST_BYTES - 31), None, 200),
        (b"List-Unsubscribe=One-Click&bogus", None, 400),
        (b"List-Unsubscribe=One-Click&List-Unsubscribe=One-Click", None, 400),
        (
            b'--b\r\nContent-Disposition: form-data; name="other"\r\n\r\nOne-Click\r\n--b--\r\n',
            "multipart/form-data; boundary=b",
            400,
        ),
        (b"List-Unsubscribe=One-Click", "text/plain", 200),  # the body is what counts
    ],
)
def test_the_one_click_body_is_read_exactly(
    one_click: str, body: bytes, content_type: str | None, status: int
) -> None:
    assert len(body) <= MAX_POST_BYTES
    kind = content_type or "application/x-www-form-urlencoded"
    assert post(one_click, link("a@x.example"), body, kind)[0] == status


def test_a_record_that_cannot_be_written_is_a_503_and_one_log_line(folder: Path) -> None:
    (folder / "unsubscribed.json").write_text("{broken", encoding="utf-8")
    log = io.StringIO()
    endpoint = Unsubscribe.from_url(UNSUBSCRIBE_URL, SECRET, folder)
    with serving(folder, unsubscribe=endpoint, log=log) as url:
        assert post(url, link("a@x.example")) == (503, b"Try again later\n")
    (line,) = [line for line in log.getvalue().splitlines() if "unsubscription" in line]
    assert "cannot record an unsubscription: " in line and "unsubscribed.json" in line


@pytest.mark.parametrize(
    ("template", "target"),
    [
        ("https://news.example/u/{email}/{token}", "/u/{email}/{token}"),
        ("https://news.example?e={email}&t={token}", "/?e={email}&t={token}"),
        ("https://news.example/a.b/u?t={token}&e={email}", "/a.b/u?t={token}&e={email}"),
    ],
)
def test_links_are_matched_wherever_the_placeholders_are(
    folder: Path, template: str, target: str
) -> None:
    endpoint = Unsubscribe.from_url(template, SECRET, folder)
    address, token = "a.b@x.example", subscribers.token(SECRET, "a.b@x.example")
    assert endpoint.match(target.format(email="a.b%40x.example", token=token)) == (address, token)
    assert endpoint.match(target.format(email="a.b@x.example", token=token)) == (address, token)
    assert endpoint.match(target.format(email="a.b@x.example", token=token) + "x") is None
    assert endpoint.match("/x" + target.format(email="a.b@x.example", token=token)) is None
    if "a.b/" in target:  # a dot in the template is a dot, not any character
        assert (
            endpoint.match(target.replace("a.b/", "aXb/").format(email="a@x.example", token=token))
            is None
        )


def test_the_server_is_bounded_as_documented(folder: Path) -> None:
    """The README's figures: a backlog of 128, 16 workers, 10 s for each read."""
    server = make_server(folder, "127.0.0.1", 0, quiet=True)
    try:
        assert server.request_queue_size == 128
        assert server.RequestHandlerClass.timeout == READ_TIMEOUT == 10.0
        assert len(server._workers) == 16 and all(w.is_alive() for w in server._workers)
        # a worker held by a client that trickles its request (one read per 10 s, for ever)
        # must not keep Ctrl-C from ending the process once server_close gives up on it
        assert all(w.daemon for w in server._workers)
    finally:
        server.server_close()


# -- what the mutation run showed untested (issue 11, item 4) ---------------------------


def raw(base: str, request: bytes, wait: float = 5.0) -> bytes:
    """Everything the server sends for ``request`` until it closes the connection."""
    with socket.create_connection(address(base), timeout=wait) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    return data


def test_head_sends_no_body_at_all(one_click: str) -> None:
    """http.client never reads a HEAD body; a reader on a kept-alive connection would."""
    for path in ("/feed.json", link("a@x.example")):
        answer = raw(one_click, f"HEAD {path} HTTP/1.0\r\n\r\n".encode())
        head, _, rest = answer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.0 200") and b"Content-Length: " in head
        assert rest == b"", path


def test_a_file_gone_after_it_was_resolved_is_a_404(
    base: str, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file can be replaced or removed between finding it and reading it."""
    monkeypatch.setattr("digest.serve.resolve", lambda root, path: folder / "gone.xml")
    assert get(base, "/atom.xml")[::2] == (404, b"Not found\n")
    status, headers, _ = get(base, "/atom.xml", method="HEAD")
    assert status == 404 and headers["Content-Length"] == str(len(b"Not found\n"))


def test_validators_are_the_files_own(base: str, folder: Path) -> None:
    """Last-Modified is the file's time, not the time of the request; a 304 repeats both
    validators; an ETag is a well-formed strong entity tag (RFC 9110 8.8.3)."""
    status, headers, _ = get(base, "/atom.xml")
    mtime = int(os.stat(folder / "atom.xml").st_mtime)
    assert headers["Last-Modified"] == email.utils.formatdate(mtime, usegmt=True)
    assert re.fullmatch(r'"[!#-~]+"', headers["ETag"])
    status, again, _ = get(base, "/atom.xml", {"If-None-Match": headers["ETag"]})
    assert status == 304
    assert (again["ETag"], again["Last-Modified"]) == (headers["ETag"], headers["Last-Modified"])


def test_if_none_match_star_and_lists_without_spaces(base: str) -> None:
    etag = get(base, "/atom.xml")[1]["ETag"]
    assert get(base, "/atom.xml", {"If-None-Match": "*"})[0] == 304
    assert get(base, "/atom.xml", {"If-None-Match": f'"a",W/{etag},"b"'})[0] == 304
    assert get(base, "/atom.xml", {"If-None-Match": '"a","b"'})[0] == 200


def test_a_redirect_has_an_empty_body_of_length_zero(base: str, folder: Path) -> None:
    (folder / "issues" / "index.html").write_bytes(b"list")
    status, headers, body = get(base, "/issues")
    assert status == 301 and body == b""
    assert {k.lower(): v for k, v in headers.items()}["content-length"] == "0"


def test_dot_segments_and_backslashes(folder: Path) -> None:
    """A ``.`` segment is harmless; a name with a backslash (a separator on Windows) is
    never served, even a public-looking one."""
    assert resolve(folder, "/./atom.xml") == (folder / "atom.xml").resolve()
    assert resolve(folder, "/issues/./2026-11-21.html") is not None
    (folder / "issues" / "a\\b.html").write_bytes(b"<p>b</p>")
    assert is_public(("issues", "a\\b.html"))
    assert resolve(folder, "/issues/a\\b.html") is None
    assert resolve(folder, "/issues/a%5Cb.html") is None


def test_content_types_do_not_depend_on_the_machines_mime_table(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A system mime table (or the Windows registry) that maps .css or .js oddly must not
    change what the pages are served as; suffixes compare in any case."""
    odd = mimetypes.MimeTypes()
    for suffix in (".css", ".js", ".CSS", ".html", ".json", ".svg", ".xml"):
        odd.add_type("application/x-odd", suffix)
    monkeypatch.setattr(mimetypes, "_db", odd)
    assert mimetypes.guess_type("site.css")[0] == "application/x-odd"
    assert content_type("assets/site.css") == "text/css; charset=utf-8"
    assert content_type("assets/SITE.CSS") == "text/css; charset=utf-8"
    assert content_type("assets/app.js") == "text/javascript; charset=utf-8"
    assert content_type("issues/a.html") == "text/html; charset=utf-8"


def test_the_unsubscribe_page_has_a_button_and_a_forged_link_says_so(one_click: str) -> None:
    page = get(one_click, link("a@x.example"))[2].decode()
    action = html.escape(link("a@x.example"))
    assert page.endswith(
        f'<p>Unsubscribe a@x.example?</p><form method="post" action="{action}">'
        '<input type="hidden" name="List-Unsubscribe" value="One-Click">'
        '<button type="submit">Unsubscribe</button></form></body></html>\n'
    )
    assert get(one_click, link("a@x.example", "forged"))[::2] == (
        403, b"This unsubscribe link is not valid\n"
    )  # fmt: skip


def test_a_one_click_post_with_no_content_type_or_more_parameters(
    one_click: str, folder: Path
) -> None:
    """The body is what counts (RFC 8058): a POST with no Content-Type still works, and a
    multipart type may carry parameters besides its boundary, in any order."""
    target = link("a@x.example")
    answer = raw(
        one_click,
        f"POST {target} HTTP/1.0\r\nContent-Length: 26\r\n\r\n".encode()
        + b"List-Unsubscribe=One-Click",
    )
    assert answer.startswith(b"HTTP/1.0 200")
    form = (
        b'--b\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\n'
        b"One-Click\r\n--b--\r\n"
    )
    kind = "multipart/form-data; boundary=b; charset=utf-8"
    assert post(one_click, link("b@x.example"), form, kind)[0] == 200
    # a multipart type with no boundary: a form that does not parse is a 400, not a crash
    assert post(one_click, link("c@x.example"), form, "multipart/form-data")[0] == 400
    assert {"a@x.example", "b@x.example"} <= set(subscribers.read_unsubscribed(folder))


def test_a_too_large_post_closes_the_connection(folder: Path) -> None:
    """The body is never read: the connection is closed rather than reading what follows
    as the next request."""
    endpoint = Unsubscribe.from_url(UNSUBSCRIBE_URL, SECRET, folder)
    with (
        serving(folder, unsubscribe=endpoint, timeout=5) as url,
        socket.create_connection(address(url), timeout=2) as sock,
    ):
        sock.sendall(
            f"POST {link('a@x.example')} HTTP/1.1\r\nHost: x\r\n"
            f"Content-Length: {MAX_POST_BYTES + 1}\r\n\r\n".encode()
        )
        data = b""
        while chunk := sock.recv(65536):  # a TimeoutError here: the server kept it open
            data += chunk
    assert data.startswith(b"HTTP/1.0 413") and data.endswith(b"Too large\n")


def request_lines(log: io.StringIO) -> list[str]:
    return [line for line in log.getvalue().splitlines() if '"GET ' in line]


def test_each_request_is_one_log_line_unless_quiet(folder: Path) -> None:
    log = io.StringIO()
    server = make_server(folder, port=0, log=log)  # digest serve's defaults
    assert server.server_address[0] == "127.0.0.1"  # never every interface unless asked
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02})
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        assert get(base, "/atom.xml")[0] == 200 and get(base, "/missing.xml")[0] == 404
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
    lines = log.getvalue().splitlines(keepends=True)
    assert all(line.endswith("\n") and line.count("\n") == 1 for line in lines)
    assert [re.sub(r"\[[^]]*\]", "[]", line) for line in log.getvalue().splitlines()] == [
        '127.0.0.1 - [] "GET /atom.xml HTTP/1.1" 200 -',
        '127.0.0.1 - [] "GET /missing.xml HTTP/1.1" 404 -',
    ]
    quiet = io.StringIO()
    with serving(folder, log=quiet) as base:  # serving() is quiet
        assert get(base, "/atom.xml")[0] == 200
    assert request_lines(quiet) == []


def test_a_log_that_cannot_be_written_never_stops_the_server(folder: Path) -> None:
    """A closed log stream, or a pipe whose reader went away (``digest serve | head``)."""
    closed = io.StringIO()
    closed.close()
    read_end, write_end = os.pipe()
    os.close(read_end)
    broken = open(write_end, "w", encoding="utf-8")  # noqa: SIM115 - closed below
    try:
        for log in (closed, broken):
            server = make_server(folder, port=0, workers=1, log=log)
            thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02})
            thread.start()
            try:
                base = f"http://127.0.0.1:{server.server_address[1]}/"
                assert [get(base, "/atom.xml")[0] for _ in range(3)] == [200] * 3
            finally:
                server.shutdown()
                server.server_close()
                thread.join(5)
    finally:
        with suppress(OSError):  # its buffer still holds what the pipe refused
            broken.close()


def test_a_port_in_use_is_an_os_error(folder: Path) -> None:
    """``digest serve`` reports it as one line; the half-made server cleans up after itself."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(OSError) as caught:
            make_server(folder, "127.0.0.1", taken.getsockname()[1], quiet=True)
    assert caught.value.errno == errno.EADDRINUSE


def test_a_full_queue_makes_connections_wait_not_fail(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With every worker busy and the queue full, a new connection waits for a place."""
    monkeypatch.setattr("digest.serve.QUEUED", 1)
    with serving(folder, workers=1, timeout=5) as base:
        busy = socket.create_connection(address(base), timeout=5)
        busy.sendall(b"GET /rss.xml HTTP/1.0\r\n")  # holds the one worker
        time.sleep(0.1)
        results: list[int] = []
        threads = [
            threading.Thread(target=lambda: results.append(get(base, "/rss.xml")[0]))
            for _ in range(3)
        ]
        for thread in threads:
            thread.start()
            time.sleep(0.1)
        time.sleep(0.5)  # the queue has been full for longer than one wait for a place
        busy.sendall(b"\r\n")
        assert busy.recv(12) == b"HTTP/1.0 200"
        busy.close()
        for thread in threads:
            thread.join(10)
    assert results == [200, 200, 200]


class Failing(OutputHandler):
    """A handler with a bug, or whose client goes away."""

    failure: ClassVar[BaseException] = ValueError("a bug")

    def do_GET(self) -> None:
        if self.path == "/fail":
            raise self.failure
        super().do_GET()


@pytest.mark.parametrize(
    ("failure", "line"),
    [
        (ValueError("a bug"), "error while answering: ValueError: a bug"),
        (ConnectionResetError("reset"), "dropped the connection (ConnectionResetError)"),
        (BrokenPipeError(), "dropped the connection (BrokenPipeError)"),
    ],
)
def test_a_failed_answer_is_one_line_and_the_worker_goes_on(
    folder: Path, failure: BaseException, line: str
) -> None:
    log = io.StringIO()
    handler = type("H", (Failing,), {"root": folder.resolve(), "quiet": True, "failure": failure})
    server = OutputServer(("127.0.0.1", 0), handler, workers=1, log=log)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02})
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        with socket.create_connection(address(base), timeout=5) as sock:
            sock.sendall(b"GET /fail HTTP/1.0\r\n\r\n")
            assert sock.recv(100) == b""  # closed, nothing sent
            port = sock.getsockname()[1]
        assert get(base, "/atom.xml")[0] == 200  # the one worker is still there
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
    assert log.getvalue() == f"127.0.0.1:{port} - {line}\n"


def test_closing_does_not_wait_for_stuck_clients(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C ends ``digest serve`` in a few seconds even with the one worker held by a
    half-sent request and the queue full: it does not wait out their read timeouts."""
    monkeypatch.setattr("digest.serve.QUEUED", 1)
    server = make_server(folder, port=0, quiet=True, workers=1, timeout=8)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02})
    thread.start()
    port = server.server_address[1]
    held = socket.create_connection(("127.0.0.1", port), timeout=5)
    held.sendall(b"GET /rss.xml HTTP/1.0\r\n")  # the worker waits for the rest
    queued = socket.create_connection(("127.0.0.1", port), timeout=5)  # fills the queue
    time.sleep(0.3)
    failures: list[BaseException] = []

    def close() -> None:
        try:
            server.shutdown()
            server.server_close()
        except BaseException as exc:  # reported below
            failures.append(exc)

    started = time.monotonic()
    closer = threading.Thread(target=close, daemon=True)
    closer.start()
    closer.join(15)
    took = time.monotonic() - started
    held.close()
    queued.close()
    thread.join(5)
    assert not closer.is_alive() and failures == [], failures
    assert took < 5.5, f"closing took {took:.1f} s"
