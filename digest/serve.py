"""``digest serve``: the output folder over HTTP, for previews and feed readers.

A small read-only server (standard library only) that gets the details right
that readers rely on:

* each feed's own Content-Type (``application/atom+xml``,
  ``application/rss+xml``, ``application/feed+json``);
* a strong ``ETag`` (a hash of the bytes, so an identical rebuild keeps it)
  and ``Last-Modified``; ``If-None-Match`` and ``If-Modified-Since`` give 304;
* nothing outside the folder: ``..``, absolute paths and symlinks that lead
  out are 404, as are hidden files and the archive.
"""

from __future__ import annotations

import email.utils
import hashlib
import mimetypes
import posixpath
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import unquote, urlsplit

from digest.render.feeds import FEED_FILES

#: Content-Type of each feed, by file name.
FEED_TYPES: dict[str, str] = {
    **{names["atom"]: "application/atom+xml" for names in FEED_FILES.values()},
    **{names["rss"]: "application/rss+xml" for names in FEED_FILES.values()},
    **{names["json"]: "application/feed+json" for names in FEED_FILES.values()},
}

#: Content-Type by suffix, where :mod:`mimetypes` guesses wrong or not at all.
SUFFIX_TYPES: dict[str, str] = {
    ".html": "text/html",
    ".txt": "text/plain",
    ".json": "application/json",
    ".xml": "application/xml",
    ".eml": "message/rfc822",
    ".css": "text/css",
}

#: Files never served: the archive and its journals hold state, not pages.
PRIVATE_SUFFIXES = (".sqlite3", ".sqlite3-journal", ".sqlite3-wal", ".sqlite3-shm", ".tmp", ".bak")


def content_type(name: str) -> str:
    """The Content-Type to send for a file called ``name``."""
    base = posixpath.basename(name)
    kind = FEED_TYPES.get(base)
    if kind is None:
        suffix = posixpath.splitext(base)[1].lower()
        kind = SUFFIX_TYPES.get(suffix) or mimetypes.guess_type(base)[0]
        kind = kind or "application/octet-stream"
    if kind.startswith("text/") or kind.endswith(("+xml", "+json", "/xml", "/json")):
        kind += "; charset=utf-8"
    return kind


def resolve(root: Path, url_path: str) -> Path | None:
    """The file under ``root`` that ``url_path`` names, or None if it names
    nothing servable (outside the folder, hidden, private, missing)."""
    path = unquote(urlsplit(url_path).path)
    if "\x00" in path or "\\" in path:
        return None
    parts = [p for p in path.split("/") if p not in ("", ".")]
    if any(p == ".." or p.startswith(".") for p in parts):
        return None
    base = root.resolve()
    target = base.joinpath(*parts)
    if target.is_dir():
        target = target / "index.html"
    try:
        real = target.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if not real.is_relative_to(base) or not real.is_file():
        return None
    if real.name.endswith(PRIVATE_SUFFIXES):
        return None
    return real


def etag_of(data: bytes) -> str:
    """A strong entity tag: the same bytes always give the same tag."""
    return '"' + hashlib.sha256(data).hexdigest()[:32] + '"'


def _etag_matches(header: str, etag: str) -> bool:
    """``If-None-Match`` uses the weak comparison (RFC 9110 13.1.2)."""
    if header.strip() == "*":
        return True
    tags = [t.strip() for t in header.split(",")]
    return any(t.removeprefix("W/") == etag for t in tags)


class OutputHandler(BaseHTTPRequestHandler):
    """GET and HEAD for files under :attr:`root`; everything else is refused."""

    root: ClassVar[Path] = Path(".")
    quiet: ClassVar[bool] = False
    server_version = "digest-serve"

    def do_GET(self) -> None:
        self._respond(body=True)

    def do_HEAD(self) -> None:
        self._respond(body=False)

    def _respond(self, *, body: bool) -> None:
        path = resolve(self.root, self.path)
        if path is None:
            self._plain(HTTPStatus.NOT_FOUND, "Not found\n", body)
            return
        url_path = urlsplit(self.path).path
        if path.name == "index.html" and not url_path.endswith(("/", "index.html")):
            self.send_response(HTTPStatus.MOVED_PERMANENTLY)
            self.send_header("Location", url_path + "/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        data = path.read_bytes()
        mtime = int(path.stat().st_mtime)
        etag = etag_of(data)
        last_modified = email.utils.formatdate(mtime, usegmt=True)
        if self._not_modified(etag, mtime):
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self._validators(etag, last_modified)
            self.end_headers()
            return
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type(path.name))
        self.send_header("Content-Length", str(len(data)))
        self._validators(etag, last_modified)
        self.end_headers()
        if body:
            self.wfile.write(data)

    def _not_modified(self, etag: str, mtime: int) -> bool:
        """RFC 9110 13.2.2: If-None-Match wins; If-Modified-Since only without it."""
        none_match = self.headers.get("If-None-Match")
        if none_match is not None:
            return _etag_matches(none_match, etag)
        since = self.headers.get("If-Modified-Since")
        if since:
            try:
                when = email.utils.parsedate_to_datetime(since)
            except (TypeError, ValueError, IndexError):
                return False
            return when.tzinfo is not None and mtime <= int(when.timestamp())
        return False

    def _validators(self, etag: str, last_modified: str) -> None:
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", last_modified)
        self.send_header("Cache-Control", "no-cache")

    def _plain(self, status: HTTPStatus, text: str, body: bool) -> None:
        data = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body:
            self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        if not self.quiet:
            super().log_message(format, *args)


def make_server(
    root: Path, host: str = "127.0.0.1", port: int = 8000, *, quiet: bool = False
) -> ThreadingHTTPServer:
    """A server for ``root`` bound to ``host:port`` (port 0: any free port)."""
    handler = type(
        "BoundOutputHandler", (OutputHandler,), {"root": Path(root).resolve(), "quiet": quiet}
    )
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


@contextmanager
def serving(root: Path, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve ``root`` in a background thread; yield the base URL (ending in ``/``)."""
    server = make_server(root, host, port, quiet=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.daemon = True
    thread.start()
    try:
        bound_host, bound_port = server.server_address[:2]
        yield f"http://{bound_host!s}:{bound_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def serve_forever(server: ThreadingHTTPServer) -> None:
    """Run ``server`` until interrupted (Ctrl-C), then close it."""
    with server, suppress(KeyboardInterrupt):
        server.serve_forever()
