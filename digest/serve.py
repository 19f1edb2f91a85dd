"""``digest serve``: the public part of the output folder over HTTP, for previews and feed readers.

A small read-only server (standard library only) that gets the details right
that readers rely on:

* only what is meant to be public, by an allow-list (:func:`is_public`): the
  feeds, the web pages (``index.html``, ``issues/*.html``), ``digest.json``
  and static files under ``assets/``. Never the message (``digest.eml``), the
  send record (``sent.json``: subscribers' addresses), the email's working
  files, the archive, locks, caches or anything staged;
* each feed's own Content-Type (``application/atom+xml``,
  ``application/rss+xml``, ``application/feed+json``);
* a strong ``ETag`` (a hash of the bytes, so an identical rebuild keeps it)
  and ``Last-Modified``; ``If-None-Match`` and ``If-Modified-Since`` give 304;
* nothing outside the folder: ``..``, absolute paths and symlinks that lead
  out (or to a file that is not public) are 404.

It stays up under load: a listen backlog of 128, a fixed number of worker
threads (connections beyond them wait in a bounded queue, then in the
kernel's backlog), a read timeout that closes half-sent requests, and one log
line, never a traceback, for a client that goes away.
"""

from __future__ import annotations

import email.utils
import hashlib
import mimetypes
import posixpath
import queue
import socket
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, ClassVar, TextIO
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
    ".css": "text/css",
    ".js": "text/javascript",
    ".svg": "image/svg+xml",
    ".woff2": "font/woff2",
}

#: Files served from the top of the folder: the feeds, the index, the digest model.
PUBLIC_FILES = frozenset({*FEED_TYPES, "index.html", "digest.json"})
#: The folder of the issues' web pages; every ``.html`` file in it is public.
ISSUES_FOLDER = "issues"
#: The folder of the pages' static files, and the kinds served from it.
ASSETS_FOLDER = "assets"
ASSET_SUFFIXES = frozenset(
    {".css", ".js", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".ico", ".woff2"}
)

#: Listen backlog: connections the kernel holds while every worker is busy.
BACKLOG = 128
#: Worker threads, and connections accepted but waiting for one.
WORKERS = 16
QUEUED = 256
#: Seconds a client may take to send each part of its request.
READ_TIMEOUT = 10.0


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


def is_public(parts: tuple[str, ...] | list[str]) -> bool:
    """Whether the file at relative path ``parts`` is meant to be served."""
    if not parts or any(not p or p.startswith(".") for p in parts):
        return False
    if len(parts) == 1:
        return parts[0] in PUBLIC_FILES
    if len(parts) == 2 and parts[0] == ISSUES_FOLDER:
        return parts[1].endswith(".html")
    return parts[0] == ASSETS_FOLDER and posixpath.splitext(parts[-1])[1].lower() in ASSET_SUFFIXES


def resolve(root: Path, url_path: str) -> Path | None:
    """The file under ``root`` that ``url_path`` names, or None if it names
    nothing servable (outside the folder, not public, missing)."""
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
    # both the name asked for and the file it leads to must be public
    if not is_public(target.relative_to(base).parts) or not is_public(real.relative_to(base).parts):
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
    """GET and HEAD for the public files under :attr:`root`; everything else is refused."""

    root: ClassVar[Path] = Path(".")
    quiet: ClassVar[bool] = False
    server_version = "digest-serve"
    #: Seconds per read of the request (StreamRequestHandler applies it to the socket).
    timeout = READ_TIMEOUT

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
        try:
            data = path.read_bytes()
            mtime = int(path.stat().st_mtime)
        except OSError:  # replaced or removed since it was resolved
            self._plain(HTTPStatus.NOT_FOUND, "Not found\n", body)
            return
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
        self.send_header("X-Content-Type-Options", "nosniff")
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
            self.log_line(
                f"{self.address_string()} - [{self.log_date_time_string()}] " + format % args
            )

    def log_error(self, format: str, *args: object) -> None:
        # a timed-out or malformed request is one line, even when quiet
        self.log_line(f"{self.address_string()} - [{self.log_date_time_string()}] " + format % args)

    def log_line(self, line: str) -> None:
        server = self.server
        if isinstance(server, OutputServer):
            server.log(line)
        else:  # pragma: no cover - the handler is always run by OutputServer
            sys.stderr.write(line + "\n")


class OutputServer(HTTPServer):
    """An HTTP server with a fixed pool of worker threads.

    The accepting thread hands each connection to a bounded queue; when it is
    full, accepting waits and the kernel's backlog (:data:`BACKLOG`) holds new
    connections. However many clients come, the server runs ``workers + 1``
    threads.
    """

    request_queue_size = BACKLOG
    allow_reuse_address = True

    def __init__(
        self,
        address: tuple[str, int],
        handler: type[OutputHandler],
        *,
        workers: int = WORKERS,
        log: TextIO | None = None,
    ) -> None:
        self._log = log
        self._log_lock = threading.Lock()
        self._connections: queue.Queue[tuple[socket.socket, Any] | None] = queue.Queue(QUEUED)
        self._closing = threading.Event()
        self._workers: list[threading.Thread] = []
        # binds and listens; on failure it calls server_close(), which needs the above
        super().__init__(address, handler)
        self._workers = [
            threading.Thread(target=self._work, name=f"digest-serve-{n}", daemon=True)
            for n in range(workers)
        ]
        for worker in self._workers:
            worker.start()

    def log(self, line: str) -> None:
        """Write one line to the log (stderr unless given)."""
        stream = self._log or sys.stderr
        with self._log_lock, suppress(OSError, ValueError):
            stream.write(" ".join(line.split()) + "\n")
            stream.flush()

    def process_request(self, request: Any, client_address: Any) -> None:
        while not self._closing.is_set():
            try:
                self._connections.put((request, client_address), timeout=0.2)
                return
            except queue.Full:
                continue
        self.shutdown_request(request)

    def _work(self) -> None:
        while True:
            item = self._connections.get()
            if item is None:
                return
            request, client_address = item
            try:
                self.finish_request(request, client_address)
            except Exception:
                self.handle_error(request, client_address)
            finally:
                self.shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """One line per failed connection: a client that went away is not a traceback."""
        exc = sys.exc_info()[1]
        who = ":".join(str(part) for part in client_address[:2]) if client_address else "client"
        if isinstance(exc, ConnectionError | TimeoutError):
            self.log(f"{who} - dropped the connection ({type(exc).__name__})")
        else:
            self.log(f"{who} - error while answering: {type(exc).__name__}: {exc}")

    def server_close(self) -> None:
        super().server_close()
        self._closing.set()
        for _ in self._workers:
            with suppress(queue.Full):
                self._connections.put(None, timeout=1)
        for worker in self._workers:
            worker.join(timeout=2)


def make_server(
    root: Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    quiet: bool = False,
    workers: int = WORKERS,
    timeout: float = READ_TIMEOUT,
    log: TextIO | None = None,
) -> OutputServer:
    """A server for ``root`` bound to ``host:port`` (port 0: any free port).

    ``workers`` threads answer requests; a client gets ``timeout`` seconds
    for each read of its request; lines go to ``log`` (default stderr).
    """
    handler = type(
        "BoundOutputHandler",
        (OutputHandler,),
        {"root": Path(root).resolve(), "quiet": quiet, "timeout": timeout},
    )
    return OutputServer((host, port), handler, workers=workers, log=log)


@contextmanager
def serving(
    root: Path,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    workers: int = WORKERS,
    timeout: float = READ_TIMEOUT,
    log: TextIO | None = None,
) -> Iterator[str]:
    """Serve ``root`` in a background thread; yield the base URL (ending in ``/``)."""
    server = make_server(root, host, port, quiet=True, workers=workers, timeout=timeout, log=log)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02})
    thread.daemon = True
    thread.start()
    try:
        bound_host, bound_port = server.server_address[:2]
        yield f"http://{bound_host!s}:{bound_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def serve_forever(server: HTTPServer) -> None:
    """Run ``server`` until interrupted (Ctrl-C), then close it."""
    with server, suppress(KeyboardInterrupt):
        server.serve_forever()
