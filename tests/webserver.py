"""A real HTTP server on 127.0.0.1 serving the pages and feeds the fetch tests need.

Good documents and hostile ones: an endless body, a huge one, a slow server, a
drip-feeding server, wrong and missing charsets, broken XML, redirect loops,
a non-article page. Routes are plain functions of the request handler.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PARAGRAPHS = (
    "The city council approved the new budget on Tuesday after a debate that lasted six hours. "
    "It adds money for parks, libraries and the repair of old bridges across the city.",
    "Parks get two million more over two years. Libraries will open on Sundays starting in "
    "January, the mayor said in a statement published after the vote.",
    "Critics said the plan raises local taxes too much. The opposition leader called it "
    "reckless and promised to fight it again when the council meets next spring.",
)


def article_html(
    title: str = "Council passes the budget",
    *,
    published: str = "2026-11-20T09:30:00+01:00",
    canonical: str | None = "https://news.example/budget",
    charset_meta: str | None = "utf-8",
    extra: str = "",
) -> str:
    """A news article page with the usual metadata and some page furniture."""
    meta = f'<meta charset="{charset_meta}">' if charset_meta else ""
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (
        f"<!doctype html><html lang='en'><head>{meta}<title>{title} | Springfield Times</title>"
        f"{link}<meta property='og:site_name' content='Springfield Times'>"
        f"<meta name='author' content='Ann Writer'>"
        f"<meta property='article:published_time' content='{published}'></head><body>"
        "<nav><a href='/'>Home</a> <a href='/sport'>Sport</a></nav>"
        f"<article><h1>{title}</h1>{body}<h2>What happens next</h2>{body}{extra}"
        "<script>document.write('tracking')</script></article>"
        "<footer>Copyright 2026 Springfield Times</footer></body></html>"
    )


def rss(items: list[tuple[str, str, str, str]], title: str = "Springfield Times") -> str:
    """An RSS 2.0 feed; items are (title, link, pubDate, description)."""
    entries = "".join(
        f"<item><title>{t}</title><link>{link}</link><guid>{link}</guid>"
        f"<pubDate>{date}</pubDate><description><![CDATA[{d}]]></description></item>"
        for t, link, date, d in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>https://news.example/</link>{entries}</channel></rss>"
    )


Route = Callable[["Handler"], None]


@dataclass
class Site:
    """The routes of the test server and what it has seen."""

    routes: dict[str, Route] = field(default_factory=dict)
    hits: Counter[str] = field(default_factory=Counter)
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    base: str = ""

    def url(self, path: str) -> str:
        return self.base + path

    def add(self, path: str) -> Callable[[Route], Route]:
        def register(route: Route) -> Route:
            self.routes[path] = route
            return route

        return register

    def static(self, path: str, body: str | bytes, content_type: str = "text/html") -> None:
        """Serve ``body`` at ``path`` with ``content_type`` (charset included if wanted)."""
        data = body.encode("utf-8") if isinstance(body, str) else body

        def route(handler: Handler) -> None:
            handler.send(200, data, content_type)

        self.routes[path] = route


class Handler(BaseHTTPRequestHandler):
    site: Site

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        self.site.hits[path] += 1
        self.site.headers[path] = dict(self.headers.items())
        route = self.site.routes.get(path)
        if route is None:
            self.send(404, b"not found", "text/plain")
            return
        # the client hanging up is what it should do on hostile routes
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            route(self)

    def send(
        self,
        status: int,
        body: bytes,
        content_type: str = "text/html",
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, location: str, status: int = 302) -> None:
        self.send_response(status)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve(site: Site) -> Iterator[Site]:
    """Run ``site`` on 127.0.0.1 (a free port) in a thread for the duration."""
    handler = type("SiteHandler", (Handler,), {"site": site})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()


def add_hostile_routes(site: Site) -> None:
    """Routes that misbehave in every way the fetcher must survive."""

    @site.add("/endless")
    def endless(handler: Handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.end_headers()
        chunk = b"<p>" + b"spam " * 2000 + b"</p>\n"
        for _ in range(100_000):
            handler.wfile.write(chunk)

    @site.add("/huge")
    def huge(handler: Handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", str(10**10))
        handler.end_headers()
        handler.wfile.write(b"<p>start</p>")

    @site.add("/slow")
    def slow(handler: Handler) -> None:
        time.sleep(3)
        handler.send(200, b"<p>too late</p>")

    @site.add("/drip")
    def drip(handler: Handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.end_headers()
        for _ in range(60):
            handler.wfile.write(b"<p>a</p>")
            handler.wfile.flush()
            time.sleep(0.1)

    @site.add("/loop-a")
    def loop_a(handler: Handler) -> None:
        handler.redirect("/loop-b")

    @site.add("/loop-b")
    def loop_b(handler: Handler) -> None:
        handler.redirect("/loop-a")

    for n in range(10):

        def hop(handler: Handler, n: int = n) -> None:
            handler.redirect(f"/chain/{n + 1}", 301)

        site.routes[f"/chain/{n}"] = hop

    @site.add("/to-file")
    def to_file(handler: Handler) -> None:
        handler.redirect("file:///etc/passwd")

    @site.add("/error")
    def error(handler: Handler) -> None:
        handler.send(500, b"oops", "text/plain")

    site.static("/broken.xml", "<rss><channel><title>Half<item><title>x</", "application/rss+xml")
    site.static("/image.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image/png")
    site.static(
        "/index.html",
        "<html><head><title>Springfield Times</title></head><body><nav>"
        + " ".join(f"<a href='/s/{i}'>Section {i}</a>" for i in range(20))
        + "</nav><ul>"
        + "".join(f"<li><a href='/a/{i}'>Headline {i}</a></li>" for i in range(20))
        + "</ul></body></html>",
    )
    site.static("/empty", b"", "text/html")
