"""``digest serve``: content types, validators, 304s, and nothing outside the folder."""

from __future__ import annotations

import email.utils
import http.client
import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from typer.testing import CliRunner

from digest.cli import app
from digest.serve import content_type, resolve, serving

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
    "email.txt": b"text",
    "archive.sqlite3": b"SQLite format 3\x00",
    ".atom.xml.abc.tmp": b"partial",
}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "out"
    for name, data in FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    (tmp_path / "secret.txt").write_bytes(b"outside")
    (root / "escape.txt").symlink_to(tmp_path / "secret.txt")
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
        ("email.txt", "text/plain"),
    ],
)
def test_each_file_gets_its_content_type(base: str, name: str, expected: str) -> None:
    status, headers, body = get(base, "/" + name)
    assert status == 200 and body == FILES[name]
    assert headers["Content-Type"].split(";")[0] == expected
    assert content_type(name).split(";")[0] == expected


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
        "/.atom.xml.abc.tmp",
        "/missing.xml",
        "/issues/%00.html",
        "/..\\secret.txt",
    ],
)
def test_nothing_outside_the_folder_or_private(base: str, path: str) -> None:
    status, _, body = get(base, path)
    assert status == 404 and b"outside" not in body


def test_folders_serve_their_index(base: str, folder: Path) -> None:
    assert get(base, "/")[2] == FILES["index.html"]
    assert get(base, "/issues/2026-11-21.html?utm_source=x")[0] == 200
    assert get(base, "/issues")[0] == 404  # no index.html in issues/
    (folder / "issues" / "index.html").write_bytes(b"list")
    status, headers, _ = get(base, "/issues")
    assert status == 301 and headers["Location"] == "/issues/"


def test_only_get_and_head(base: str) -> None:
    assert get(base, "/atom.xml", method="POST")[0] == 501


def test_resolve_stays_inside(folder: Path) -> None:
    assert resolve(folder, "/atom.xml") == (folder / "atom.xml").resolve()
    assert resolve(folder, "/../out/atom.xml") is None
    assert resolve(folder, "/escape.txt") is None


def test_serve_refuses_a_missing_folder(tmp_path: Path) -> None:
    result = runner.invoke(app, ["serve", "--out", str(tmp_path / "nope")])
    assert result.exit_code == 2 and "no such folder" in result.stderr


def test_serve_help_names_its_options() -> None:
    result = runner.invoke(app, ["serve", "--help"], terminal_width=200)
    assert result.exit_code == 0
    for option in ("--host", "--port", "--out", "Examples"):
        assert option in result.stdout
