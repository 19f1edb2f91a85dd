"""HTTP fetching with manners, only ever for URLs the user gave.

Built on :mod:`http.client` so that every limit is ours to enforce:

* a connect timeout and a total deadline per URL (a slow or stalled server
  ends in a :class:`FetchError`, never a hang);
* a byte cap, checked while the body is read, so an endless body stops early;
* at most :attr:`FetchLimits.max_redirects` redirects, the scheme checked on
  every hop (http and https only) and loops detected;
* a User-Agent that names the tool;
* conditional requests: ETag and Last-Modified are remembered in a small JSON
  cache (written atomically) and a ``304 Not Modified`` reuses the cached body;
* bounded parallel fetching (:func:`fetch_many`).

Bodies are asked for uncompressed (``Accept-Encoding: identity``), so the cap
applies to what we actually hold in memory.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import socket
import ssl
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from digest import __version__
from digest.config import Settings
from digest.errors import IngestError
from digest.text import fold_space

#: Sent with every request, so site owners can tell who is asking.
USER_AGENT = f"digest/{__version__} (newsletter builder; Python http.client)"
#: Schemes we fetch. Anything else (file:, ftp:, data:, javascript:) is refused.
SCHEMES = frozenset({"http", "https"})
#: Version of the cache file layout.
CACHE_VERSION = 1


class FetchError(IngestError):
    """A URL could not be fetched (network, HTTP status, or a limit was hit)."""


@dataclass(frozen=True)
class FetchLimits:
    """How patient and how generous a fetch may be."""

    #: Seconds to wait for the connection and for each read.
    connect_timeout: float = 10.0
    #: Seconds for the whole fetch of one URL, redirects and body included.
    total_timeout: float = 30.0
    #: Largest body accepted, in bytes.
    max_bytes: int = 5 * 1024 * 1024
    #: Redirects followed before giving up.
    max_redirects: int = 5
    #: URLs fetched at the same time.
    workers: int = 8

    @classmethod
    def from_settings(cls, settings: Settings) -> FetchLimits:
        """The limits ``digest.toml``'s ``[fetch]`` table sets; one URL's whole
        fetch may take three times its connect timeout."""
        return cls(
            connect_timeout=settings.fetch_timeout,
            total_timeout=3 * settings.fetch_timeout,
            max_bytes=settings.fetch_max_bytes,
            workers=settings.fetch_workers,
        )


@dataclass(frozen=True)
class Response:
    """A fetched body and what the server said about it."""

    #: The URL asked for.
    url: str
    #: The URL the body came from, after redirects.
    final_url: str
    #: ``Content-Type`` without parameters, lower-case ("" when missing).
    content_type: str
    #: The ``charset`` parameter of ``Content-Type``, if any.
    charset: str | None
    body: bytes
    #: True when the server answered ``304`` and the cached body was reused.
    from_cache: bool = False


def is_url(value: str) -> bool:
    """Whether ``value`` looks like a URL (``scheme://...``), of any scheme."""
    scheme, sep, _ = value.partition("://")
    return bool(sep) and scheme.isascii() and scheme.isalpha() and len(scheme) > 1


def check_scheme(url: str) -> None:
    """Raise :class:`FetchError` unless ``url`` is http(s) with a host and a valid port."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:  # "http://[x", a port of 99999 or "abc"
        raise FetchError(
            f"not a valid URL ({exc})", path=url, fix="write it as https://host/path"
        ) from None
    if port == 0:
        raise FetchError("URL has port 0", path=url, fix="leave the port out, or give a real one")
    if parts.scheme.lower() not in SCHEMES:
        raise FetchError(
            f"scheme {parts.scheme or '(none)'!r} is not fetched",
            path=url,
            fix="give an http:// or https:// URL",
        )
    if not parts.hostname:
        raise FetchError("URL has no host", path=url, fix="check the URL")


class FetchCache:
    """ETag / Last-Modified validators and bodies, kept between runs in a JSON file."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._entries: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()
        self._dirty = False
        if path is not None and path.is_file():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                data = {}  # a damaged cache is only a lost optimisation
            if isinstance(data, dict) and data.get("version") == CACHE_VERSION:
                entries = data.get("entries")
                if isinstance(entries, dict):
                    self._entries = entries

    def get(self, url: str) -> dict[str, Any] | None:
        with self._lock:
            return self._entries.get(url)

    def put(self, url: str, response: Response, etag: str | None, modified: str | None) -> None:
        """Remember ``response`` when the server gave a validator for it."""
        with self._lock:
            if not etag and not modified:
                self._dirty = self._entries.pop(url, None) is not None or self._dirty
                return
            self._entries[url] = {
                "etag": etag,
                "last_modified": modified,
                "final_url": response.final_url,
                "content_type": response.content_type,
                "charset": response.charset,
                "body": base64.b64encode(response.body).decode("ascii"),
            }
            self._dirty = True

    def save(self) -> None:
        """Write the cache atomically (temporary file, then rename); no-op if unchanged."""
        if self.path is None or not self._dirty:
            return
        with self._lock:
            text = json.dumps(
                {"version": CACHE_VERSION, "entries": self._entries}, sort_keys=True, indent=1
            )
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".fetch-cache.", dir=self.path.parent)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as out:
                    out.write(text)
                os.replace(tmp, self.path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
            self._dirty = False


@dataclass
class Fetcher:
    """Fetches URLs within :class:`FetchLimits`, remembering validators in a :class:`FetchCache`."""

    limits: FetchLimits = field(default_factory=FetchLimits)
    cache: FetchCache = field(default_factory=lambda: FetchCache(None))

    def fetch(self, url: str) -> Response:
        """GET ``url``, following redirects; raise :class:`FetchError` on any failure."""
        check_scheme(url)
        deadline = time.monotonic() + self.limits.total_timeout
        cached = self.cache.get(url)
        seen = {url}
        current = url
        for _hop in range(self.limits.max_redirects + 1):
            headers = {
                "User-Agent": USER_AGENT,
                "Accept": "text/html, application/xhtml+xml, application/atom+xml, "
                "application/rss+xml, application/xml;q=0.9, text/*;q=0.8, */*;q=0.5",
                "Accept-Encoding": "identity",
            }
            if cached and current == url:
                if cached.get("etag"):
                    headers["If-None-Match"] = cached["etag"]
                if cached.get("last_modified"):
                    headers["If-Modified-Since"] = cached["last_modified"]
            status, reason, message, body = self._request(current, headers, deadline, url)
            if status in (301, 302, 303, 307, 308):
                location = message.get("Location")
                if not location:
                    raise FetchError(f"HTTP {status} redirect without a Location", path=url)
                target = urljoin(current, location.strip())
                try:
                    check_scheme(target)
                except FetchError:
                    raise FetchError(
                        f"redirected to {target!r}, which is not http(s)", path=url
                    ) from None
                if target in seen:
                    raise FetchError(f"redirect loop at {target}", path=url, fix="check the URL")
                seen.add(target)
                current = target
                continue
            if status == 304 and cached and current == url:
                return Response(
                    url=url,
                    final_url=str(cached.get("final_url") or url),
                    content_type=str(cached.get("content_type") or ""),
                    charset=cached.get("charset"),
                    body=base64.b64decode(cached["body"]),
                    from_cache=True,
                )
            if status != 200:
                raise FetchError(f"HTTP {status} {reason}".rstrip(), path=url)
            content_type = message.get_content_type() if message.get("Content-Type") else ""
            response = Response(
                url=url,
                final_url=current,
                content_type=content_type,
                charset=message.get_param("charset") if content_type else None,  # type: ignore[arg-type]
                body=body,
            )
            self.cache.put(url, response, message.get("ETag"), message.get("Last-Modified"))
            return response
        raise FetchError(
            f"more than {self.limits.max_redirects} redirects", path=url, fix="check the URL"
        )

    def _request(
        self, url: str, headers: dict[str, str], deadline: float, original: str
    ) -> tuple[int, str, Message, bytes]:
        parts = urlsplit(url)
        host = parts.hostname or ""
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        timeout = self._remaining(deadline, original)
        conn: http.client.HTTPConnection
        if parts.scheme.lower() == "https":
            conn = http.client.HTTPSConnection(
                host, parts.port, timeout=timeout, context=ssl.create_default_context()
            )
        else:
            conn = http.client.HTTPConnection(host, parts.port, timeout=timeout)
        try:
            conn.request("GET", target, headers=headers)
            sock = conn.sock  # getresponse() may drop it from conn; reads still use it
            response = conn.getresponse()
            message = response.msg
            body = b""
            if response.status == 200:
                body = self._read_body(sock, response, deadline, original)
            return response.status, response.reason, message, body
        except FetchError:
            raise
        except TimeoutError:
            if deadline - time.monotonic() < 0.05:  # the wait was cut to the deadline
                raise self._too_long(original) from None
            raise FetchError(
                f"timed out (no answer within {self.limits.connect_timeout:g} s)",
                path=original,
                fix="try again later or remove the source",
            ) from None
        except ssl.SSLError as exc:
            raise FetchError(f"TLS error ({exc.reason or exc})", path=original) from None
        except (OSError, http.client.HTTPException) as exc:
            # a garbled status line comes back in the exception, CR/LF and all
            detail = fold_space(getattr(exc, "strerror", None) or str(exc)) or type(exc).__name__
            raise FetchError(f"cannot fetch ({detail})", path=original) from None
        finally:
            conn.close()

    def _read_body(
        self,
        sock: socket.socket | None,
        response: http.client.HTTPResponse,
        deadline: float,
        original: str,
    ) -> bytes:
        cap = self.limits.max_bytes
        length = response.getheader("Content-Length")
        if length and length.strip().isdigit() and int(length) > cap:
            raise FetchError(
                f"body is {int(length)} bytes, over the {cap} byte limit", path=original
            )
        chunks: list[bytes] = []
        size = 0
        while True:
            left = self._remaining(deadline, original)  # raises once the deadline is past
            if sock is not None:
                sock.settimeout(left)
            chunk = response.read1(64 * 1024)
            if not chunk:
                break
            size += len(chunk)
            if size > cap:
                raise FetchError(f"body is over the {cap} byte limit", path=original)
            chunks.append(chunk)
        return b"".join(chunks)

    def _remaining(self, deadline: float, original: str) -> float:
        left = deadline - time.monotonic()
        if left <= 0:
            raise self._too_long(original)
        return min(left, self.limits.connect_timeout)

    def _too_long(self, original: str) -> FetchError:
        return FetchError(
            f"took longer than {self.limits.total_timeout:g} s",
            path=original,
            fix="try again later or remove the source",
        )


#: ``progress(n)`` is called after each URL is done, with how many just finished.
Progress = Callable[[int], None]


def fetch_many(
    fetcher: Fetcher, urls: Sequence[str], progress: Progress | None = None
) -> list[Response | FetchError]:
    """Fetch ``urls`` with at most ``limits.workers`` at a time; results in input order."""

    def one(url: str) -> Response | FetchError:
        try:
            return fetcher.fetch(url)
        except FetchError as exc:
            return exc

    if not urls:
        return []
    workers = max(1, min(fetcher.limits.workers, len(urls)))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="digest-fetch") as pool:
        futures = [pool.submit(one, url) for url in urls]
        if progress is not None:
            # progress is reported from this thread only, as each fetch ends
            for _done in as_completed(futures):
                progress(1)
        return [future.result() for future in futures]
