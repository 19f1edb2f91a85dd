"""``digest serve``: the public part of the output folder over HTTP, for previews and feed readers.

A small read-only server (standard library only) that gets the details right
that readers rely on:

* only what is meant to be public, by an allow-list (:func:`is_public`): the
  feeds, the web pages (``index.html``, ``issues/*.html``), ``digest.json``,
  the draft's page and digest.json (``draft/``) and static files under
  ``assets/``. Never the message (``digest.eml``), the
  send record (``sent.json``: subscribers' addresses), the email's working
  files, the archive, locks, caches or anything staged;
* each feed's own Content-Type (``application/atom+xml``,
  ``application/rss+xml``, ``application/feed+json``);
* a strong ``ETag`` (a hash of the bytes, so an identical rebuild keeps it)
  and ``Last-Modified`` (once the file is a second old: a file replaced twice
  within one second would otherwise look unmodified to a reader that only
  sends ``If-Modified-Since``); ``If-None-Match`` and ``If-Modified-Since``
  give 304;
* nothing outside the folder: ``..``, absolute paths and symlinks that lead
  out (or to a file that is not public) are 404.

It stays up under load: a listen backlog of 128, a fixed number of worker
threads (connections beyond them wait in a bounded queue, then in the
kernel's backlog), a read timeout that closes half-sent requests, and one log
line, never a traceback, for a client that goes away.

**One-click unsubscribe** (RFC 8058), when the unsubscribe URL carries
``{email}`` and ``{token}`` (:class:`Unsubscribe`): a ``POST`` of
``List-Unsubscribe=One-Click`` to a recipient's link, its token checked
against the secret, records the address in ``unsubscribed.json`` (atomically,
under a lock; never served), and the next ``digest send`` skips it. A ``GET``
of the link (a reader clicking it in the email, or a scanner following it)
never unsubscribes: it shows a page whose button makes that ``POST``.
"""

from __future__ import annotations

import email.policy
import email.utils
import hashlib
import html
import mimetypes
import posixpath
import queue
import re
import socket
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from email.parser import BytesParser
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, ClassVar, TextIO
from urllib.parse import parse_qs, unquote, urlsplit

from digest import subscribers
from digest.config import addr_spec
from digest.errors import DigestError
from digest.names import FEED_FILES
from digest.text import fold_space

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
#: The draft folder (``digest build --draft``) and what is served from it, as
#: for a published issue: its page and its digest.json; never its digest.eml,
#: its email's working files or its state.
DRAFT_FOLDER = "draft"
DRAFT_FILES = frozenset({"index.html", "digest.json"})
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
#: The largest one-click unsubscribe body read, in bytes (it is 26 bytes, or a small form).
MAX_POST_BYTES = 16 * 1024
#: What a one-click unsubscribe POST says (RFC 8058 3.1).
ONE_CLICK = ("List-Unsubscribe", "One-Click")


@dataclass(frozen=True)
class Unsubscribe:
    """Where one-click unsubscribe links point, and how to check and record them."""

    #: Matches the path and query of a recipient's link; groups ``email`` and ``token``.
    pattern: re.Pattern[str]
    #: The secret of the tokens (:func:`digest.subscribers.token`).
    secret: str = field(repr=False)
    #: The folder whose ``unsubscribed.json`` records who left.
    folder: Path
    #: The newsletter's name, for the page a reader sees.
    name: str = "Digest"

    @classmethod
    def from_url(cls, url: str, secret: str, folder: Path, name: str = "Digest") -> Unsubscribe:
        """For links made from the unsubscribe URL ``url`` (with ``{email}`` and ``{token}``)."""
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        pattern = re.escape(target)
        for placeholder in ("email", "token"):
            pattern = pattern.replace(
                re.escape("{" + placeholder + "}"), f"(?P<{placeholder}>[^/?&#]+)", 1
            )
        return cls(re.compile(pattern), secret, folder, name)

    def match(self, target: str) -> tuple[str, str] | None:
        """The address and token a request target carries, if it is one of our links
        and they are good (the address checked, the token its own)."""
        found = self.pattern.fullmatch(target)
        if found is None:
            return None
        try:
            address = addr_spec(unquote(found["email"]))
        except ValueError:
            return None
        token = unquote(found["token"])
        if not subscribers.check_token(self.secret, address, token):
            return None
        return address, token

    def is_link(self, target: str) -> bool:
        """Whether ``target`` is shaped like one of our links (good or not)."""
        return self.pattern.fullmatch(target) is not None


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
    if len(parts) == 2 and parts[0] == DRAFT_FOLDER:
        return parts[1] in DRAFT_FILES
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


def _one_click(content_type: str, data: bytes) -> bool:
    """Whether a POST body says ``List-Unsubscribe=One-Click``, as a URL-encoded or a
    multipart form (RFC 8058 3.1 allows both)."""
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind == "multipart/form-data":
        head = f"Content-Type: {content_type}\r\n\r\n".encode("latin-1", "replace")
        form = BytesParser(policy=email.policy.HTTP).parsebytes(head + data)
        for part in form.iter_parts() if form.is_multipart() else []:
            value = part.get_payload(decode=True)
            if part.get_param("name", header="content-disposition") == ONE_CLICK[0]:
                return isinstance(value, bytes) and value.strip() == ONE_CLICK[1].encode()
        return False
    try:
        fields = parse_qs(data.decode("ascii"), strict_parsing=True)
    except (UnicodeDecodeError, ValueError):
        return False
    return fields.get(ONE_CLICK[0]) == [ONE_CLICK[1]]


def _page(name: str, message: str, action: str | None) -> str:
    """A small page about an unsubscription; every text in it escaped."""
    form = ""
    if action is not None:
        form = (
            f'<form method="post" action="{html.escape(action)}">'
            f'<input type="hidden" name="{ONE_CLICK[0]}" value="{ONE_CLICK[1]}">'
            '<button type="submit">Unsubscribe</button></form>'
        )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(name)}</title></head><body><h1>{html.escape(name)}</h1>"
        f"<p>{html.escape(message)}</p>{form}</body></html>\n"
    )


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
    """GET and HEAD for the public files under :attr:`root`, and the one-click
    unsubscribe POST when :attr:`unsubscribe` is set; everything else is refused."""

    root: ClassVar[Path] = Path(".")
    quiet: ClassVar[bool] = False
    unsubscribe: ClassVar[Unsubscribe | None] = None
    server_version = "digest-serve"
    #: Seconds per read of the request (StreamRequestHandler applies it to the socket).
    timeout = READ_TIMEOUT

    def do_GET(self) -> None:
        if self.unsubscribe is not None and self.unsubscribe.is_link(self.path):
            self._unsubscribe_page(body=True)
            return
        self._respond(body=True)

    def do_HEAD(self) -> None:
        if self.unsubscribe is not None and self.unsubscribe.is_link(self.path):
            self._unsubscribe_page(body=False)
            return
        self._respond(body=False)

    def do_POST(self) -> None:
        """RFC 8058: ``List-Unsubscribe=One-Click`` to a recipient's own link."""
        link = self.unsubscribe
        if link is None or not link.is_link(self.path):
            self._plain(
                HTTPStatus.METHOD_NOT_ALLOWED, "Only GET and HEAD here\n", True, allow="GET, HEAD"
            )
            return
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            self._plain(HTTPStatus.LENGTH_REQUIRED, "A Content-Length is required\n", True)
            return
        if int(length) > MAX_POST_BYTES:
            self.close_connection = True
            self._plain(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "Too large\n", True)
            return
        data = self.rfile.read(int(length))
        if not _one_click(self.headers.get("Content-Type", ""), data):
            self._plain(
                HTTPStatus.BAD_REQUEST, "Not a one-click unsubscribe (RFC 8058) request\n", True
            )
            return
        found = link.match(self.path)
        if found is None:
            self._plain(HTTPStatus.FORBIDDEN, "This unsubscribe link is not valid\n", True)
            return
        address = found[0]
        try:
            subscribers.record_unsubscribe(link.folder, address)
        except DigestError as exc:  # the record cannot be read or written
            self.log_error("cannot record an unsubscription: %s", str(exc))
            self._plain(HTTPStatus.SERVICE_UNAVAILABLE, "Try again later\n", True)
            return
        self.log_line(f"{self.address_string()} - unsubscribed one address")
        self._html(HTTPStatus.OK, _page(link.name, f"{address} is unsubscribed.", None), True)

    def _unsubscribe_page(self, *, body: bool) -> None:
        """The page a reader's click on the link shows: a button, never an unsubscription."""
        link = self.unsubscribe
        assert link is not None
        found = link.match(self.path)
        if found is None:
            self._plain(HTTPStatus.FORBIDDEN, "This unsubscribe link is not valid\n", body)
            return
        page = _page(link.name, f"Unsubscribe {found[0]}?", self.path)
        self._html(HTTPStatus.OK, page, body)

    def _html(self, status: HTTPStatus, page: str, body: bool) -> None:
        data = page.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if body:
            self.wfile.write(data)

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
        # a file changed in this very second may change again within it, and
        # Last-Modified has whole seconds: a reader that got it would then be
        # told "not modified" for the newer file. Only the ETag, until it settles.
        settled = mtime < int(time.time())
        last_modified = email.utils.formatdate(mtime, usegmt=True) if settled else None
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

    def _validators(self, etag: str, last_modified: str | None) -> None:
        self.send_header("ETag", etag)
        if last_modified is not None:
            self.send_header("Last-Modified", last_modified)
        self.send_header("Cache-Control", "no-cache")

    def _plain(self, status: HTTPStatus, text: str, body: bool, allow: str | None = None) -> None:
        data = text.encode("utf-8")
        self.send_response(status)
        if allow is not None:
            self.send_header("Allow", allow)
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
            stream.write(fold_space(line) + "\n")
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
    unsubscribe: Unsubscribe | None = None,
) -> OutputServer:
    """A server for ``root`` bound to ``host:port`` (port 0: any free port).

    ``workers`` threads answer requests; a client gets ``timeout`` seconds
    for each read of its request; lines go to ``log`` (default stderr).
    With ``unsubscribe``, it answers one-click unsubscribe links.
    """
    handler = type(
        "BoundOutputHandler",
        (OutputHandler,),
        {
            "root": Path(root).resolve(),
            "quiet": quiet,
            "timeout": timeout,
            "unsubscribe": unsubscribe,
        },
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
    unsubscribe: Unsubscribe | None = None,
) -> Iterator[str]:
    """Serve ``root`` in a background thread; yield the base URL (ending in ``/``)."""
    server = make_server(
        root, host, port, quiet=True, workers=workers, timeout=timeout, log=log,
        unsubscribe=unsubscribe,
    )  # fmt: skip
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
