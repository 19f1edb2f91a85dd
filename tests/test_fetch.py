"""Fetching over real HTTP (127.0.0.1 only): limits, redirects, caching, hostile servers."""

from __future__ import annotations

import json
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

from digest.config import Settings
from digest.ingest.fetch import (
    USER_AGENT,
    FetchCache,
    Fetcher,
    FetchError,
    FetchLimits,
    Response,
    fetch_many,
    is_url,
)
from digest.ingest.values import decode

from .webserver import Handler, Site, add_hostile_routes, article_html, serve

#: Small limits so every hostile case ends in about a second.
FAST = FetchLimits(
    connect_timeout=0.5, total_timeout=1.0, max_bytes=200_000, max_redirects=3, workers=4
)


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    site = Site()
    add_hostile_routes(site)
    site.static("/page", article_html(), "text/html; charset=utf-8")

    @site.add("/etag")
    def etag(handler: Handler) -> None:
        if handler.headers.get("If-None-Match") == '"v1"':
            handler.send_response(304)
            handler.end_headers()
            return
        handler.send(200, b"<p>cached body</p>", "text/html", {"ETag": '"v1"'})

    @site.add("/modified")
    def modified(handler: Handler) -> None:
        stamp = "Fri, 20 Nov 2026 08:00:00 GMT"
        if handler.headers.get("If-Modified-Since") == stamp:
            handler.send_response(304)
            handler.end_headers()
            return
        handler.send(200, b"<p>dated body</p>", "text/html", {"Last-Modified": stamp})

    @site.add("/echo")
    def echo(handler: Handler) -> None:  # says which target and Host the request named
        said = f"<p>{handler.path} {handler.headers.get('Host')}</p>".encode()
        handler.send(200, said, "text/html")

    @site.add("/moved")
    def moved(handler: Handler) -> None:
        handler.redirect("/page", 301)

    site.static("/chain/10", "<p>the end of the chain</p>", "text/html")
    for code in (301, 302, 303, 307, 308):
        site.routes[f"/moved/{code}"] = lambda h, code=code: h.redirect("/page", code)

    @site.add("/no-location")
    def no_location(handler: Handler) -> None:
        handler.send_response(302)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    @site.add("/typed")
    def typed(handler: Handler) -> None:
        if handler.headers.get("If-None-Match") == '"t1"':
            handler.send_response(304)
            handler.end_headers()
            return
        handler.send(200, b"<rss/>", "application/rss+xml; charset=ISO-8859-1", {"ETag": '"t1"'})

    for size in (FAST.max_bytes, FAST.max_bytes + 1):
        for declared in (True, False):

            def sized(handler: Handler, size: int = size, declared: bool = declared) -> None:
                handler.send_response(200)
                handler.send_header("Content-Type", "text/plain")
                if declared:
                    handler.send_header("Content-Length", str(size))
                handler.end_headers()
                body = b"x" * size
                for start in range(0, size, 4096):  # in pieces, as a server streams it
                    handler.wfile.write(body[start : start + 4096])

            site.routes[f"/bytes/{size}/{'declared' if declared else 'streamed'}"] = sized

    with serve(site):
        yield site


def fetcher(tmp_path: Path | None = None) -> Fetcher:
    cache = FetchCache(tmp_path / ".fetch-cache.json" if tmp_path else None)
    return Fetcher(limits=FAST, cache=cache)


def test_a_good_page_is_fetched_with_a_user_agent_that_names_the_tool(site: Site) -> None:
    response = fetcher().fetch(site.url("/page"))
    assert response.content_type == "text/html" and response.charset == "utf-8"
    assert b"Council passes the budget" in response.body
    assert site.headers["/page"]["User-Agent"] == USER_AGENT
    assert USER_AGENT.startswith("digest/")


def test_redirects_are_followed_and_the_final_url_kept(site: Site) -> None:
    response = fetcher().fetch(site.url("/moved"))
    assert response.final_url == site.url("/page")


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/endless", "over the 200000 byte limit"),
        ("/huge", "over the 200000 byte limit"),
        ("/slow", "timed out|took longer than"),
        ("/drip", "took longer than 1 s"),
        ("/loop-a", "redirect loop"),
        ("/chain/0", "more than 3 redirects"),
        ("/to-file", "not http"),
        ("/error", "HTTP 500"),
        ("/missing", "HTTP 404"),
    ],
)
def test_hostile_servers_end_in_a_clear_error_within_the_limits(
    site: Site, path: str, message: str
) -> None:
    start = time.monotonic()
    with pytest.raises(FetchError, match=message) as caught:
        fetcher().fetch(site.url(path))
    elapsed = time.monotonic() - start
    assert elapsed < FAST.total_timeout + 0.5, f"{path} took {elapsed:.2f} s"
    assert str(caught.value).startswith(site.url(path))
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://[x", "not a valid URL"),
        ("http://[::1/feed", "not a valid URL"),
        ("https://news.example:99999/feed", "not a valid URL"),
        ("https://news.example:abc/feed", "not a valid URL"),
        ("https://[not-an-ip]/feed", "not a valid URL"),
        ("https://news.example:0/feed", "port 0"),
        ("https://", "no host"),
    ],
)
def test_a_url_that_does_not_parse_is_refused_before_connecting(url: str, message: str) -> None:
    with pytest.raises(FetchError, match=message) as caught:
        fetcher().fetch(url)
    assert str(caught.value).startswith(url) and "\n" not in str(caught.value)


@pytest.mark.parametrize("url", ["ftp://example.com/x", "file:///etc/passwd", "javascript:1"])
def test_only_http_and_https_are_fetched(url: str) -> None:
    with pytest.raises(FetchError, match=r"is not fetched|no host"):
        fetcher().fetch(url)


def test_a_closed_port_is_an_error_not_a_traceback() -> None:
    with pytest.raises(FetchError, match="cannot fetch"):
        fetcher().fetch("http://127.0.0.1:9/")


@pytest.mark.parametrize(
    ("path", "header"), [("/etag", "If-None-Match"), ("/modified", "If-Modified-Since")]
)
def test_conditional_requests_reuse_the_cached_body_across_runs(
    site: Site, tmp_path: Path, path: str, header: str
) -> None:
    first = fetcher(tmp_path)
    body = first.fetch(site.url(path)).body
    first.cache.save()
    saved = json.loads((tmp_path / ".fetch-cache.json").read_text())
    assert site.url(path) in saved["entries"]

    second = fetcher(tmp_path).fetch(site.url(path))  # a new run, reading the cache file
    assert second.from_cache and second.body == body
    assert header in site.headers[path]


def test_a_damaged_cache_file_is_ignored(site: Site, tmp_path: Path) -> None:
    (tmp_path / ".fetch-cache.json").write_text("{not json")
    assert fetcher(tmp_path).fetch(site.url("/etag")).from_cache is False


def test_fetch_many_keeps_the_input_order_and_reports_progress(site: Site) -> None:
    urls = [site.url("/page"), site.url("/missing"), site.url("/slow"), site.url("/moved")]
    ticks: list[int] = []
    start = time.monotonic()
    results = fetch_many(fetcher(), urls, ticks.append)
    assert time.monotonic() - start < 2.0  # in parallel: the slow one does not hold the rest
    assert [type(r).__name__ for r in results] == [
        "Response",
        "FetchError",
        "FetchError",
        "Response",
    ]
    assert sum(ticks) == len(urls)


def test_decode_survives_wrong_and_missing_charsets() -> None:
    latin = "café crème".encode("latin-1")
    assert decode(latin, "utf-8") == "café crème"  # wrong: falls back
    assert decode(latin, "no-such-charset") == "café crème"
    assert decode("café".encode(), None) == "café"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("https://x.example/a", True), ("ftp://x", True), ("news/a.txt", False), ("C:\\a", False)],
)
def test_is_url(value: str, expected: bool) -> None:
    assert is_url(value) is expected


@pytest.mark.parametrize("how", ["declared", "streamed"])
def test_the_byte_cap_is_exact(site: Site, how: str) -> None:
    """A body of max_bytes is read whole; one byte more is refused, whether the
    server declares its length or streams it."""
    cap = FAST.max_bytes
    response = fetcher().fetch(site.url(f"/bytes/{cap}/{how}"))
    assert response.body == b"x" * cap
    with pytest.raises(FetchError, match=f"over the {cap} byte limit"):
        fetcher().fetch(site.url(f"/bytes/{cap + 1}/{how}"))


def test_a_redirect_is_followed_only_to_http(site: Site) -> None:
    with pytest.raises(FetchError, match="redirected to 'file:///etc/passwd', which is not http"):
        fetcher().fetch(site.url("/to-file"))


def test_the_redirect_limit_is_exact(site: Site) -> None:
    hops = FAST.max_redirects
    response = fetcher().fetch(site.url(f"/chain/{10 - hops}"))
    assert response.final_url == site.url("/chain/10") and b"end of the chain" in response.body
    with pytest.raises(FetchError, match=f"more than {hops} redirects"):
        fetcher().fetch(site.url(f"/chain/{10 - hops - 1}"))


@pytest.mark.parametrize("code", [301, 302, 303, 307, 308])
def test_every_redirect_status_is_followed(site: Site, code: int) -> None:
    response = fetcher().fetch(site.url(f"/moved/{code}"))
    assert response.final_url == site.url("/page") and response.url == site.url(f"/moved/{code}")


def test_a_request_says_who_asks_and_what_it_takes(site: Site) -> None:
    fetcher().fetch(site.url("/page"))
    headers = site.headers["/page"]
    assert headers["User-Agent"] == USER_AGENT
    assert headers["Accept-Encoding"] == "identity"
    assert headers["Accept"] == (
        "text/html, application/xhtml+xml, application/atom+xml, "
        "application/rss+xml, application/xml;q=0.9, text/*;q=0.8, */*;q=0.5"
    )


def test_a_304_gives_back_what_was_cached(site: Site, tmp_path: Path) -> None:
    first = fetcher(tmp_path).fetch(site.url("/typed"))
    cache = FetchCache(tmp_path / ".fetch-cache.json")
    again = Fetcher(limits=FAST, cache=cache)
    again.cache.put(site.url("/typed"), first, '"t1"', None)
    second = again.fetch(site.url("/typed"))
    assert second.from_cache and second.body == b"<rss/>"
    assert (second.url, second.final_url) == (site.url("/typed"), site.url("/typed"))
    assert (second.content_type, second.charset) == ("application/rss+xml", "ISO-8859-1")


SCHEME_FIX = "give an http:// or https:// URL"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://[x", "not a valid URL (Invalid IPv6 URL); write it as https://host/path"),
        ("https://news.example:0/", "URL has port 0; leave the port out, or give a real one"),
        ("ftp://news.example/f", f"scheme 'ftp' is not fetched; {SCHEME_FIX}"),
        ("news.example/f", f"scheme '(none)' is not fetched; {SCHEME_FIX}"),
        ("https://", "URL has no host; check the URL"),
    ],
)
def test_a_url_refused_says_why_and_what_to_do(url: str, message: str) -> None:
    with pytest.raises(FetchError) as caught:
        fetcher().fetch(url)
    assert str(caught.value) == f"{url}: {message}"


def test_redirect_errors_say_why_and_what_to_do(site: Site) -> None:
    with pytest.raises(FetchError) as caught:
        fetcher().fetch(site.url("/no-location"))
    assert str(caught.value) == f"{site.url('/no-location')}: HTTP 302 redirect without a Location"
    with pytest.raises(FetchError) as caught:
        fetcher().fetch(site.url("/loop-a"))
    assert str(caught.value) == (
        f"{site.url('/loop-a')}: redirect loop at {site.url('/loop-a')}; check the URL"
    )
    with pytest.raises(FetchError) as caught:
        fetcher().fetch(site.url("/chain/0"))
    assert str(caught.value) == f"{site.url('/chain/0')}: more than 3 redirects; check the URL"


def test_the_request_names_the_path_query_and_host_it_was_given(site: Site) -> None:
    port = site.url("/").split(":")[2].split("/")[0]
    asked = fetcher().fetch(site.url("/echo?q=alita&page=2"))
    assert asked.body == f"<p>/echo?q=alita&page=2 127.0.0.1:{port}</p>".encode()
    bare = fetcher().fetch(site.url("/echo"))
    assert bare.body == f"<p>/echo 127.0.0.1:{port}</p>".encode()


def test_a_scheme_in_capitals_is_still_plain_http(site: Site) -> None:
    response = fetcher().fetch(site.url("/echo").replace("http://", "HTTP://"))
    assert response.body.startswith(b"<p>/echo ")


def test_the_cache_file_keeps_what_a_304_needs(tmp_path: Path) -> None:
    path = tmp_path / ".fetch-cache.json"
    url = "https://news.example/old"
    response = Response(url, "https://news.example/new", "text/html", "utf-8", b"<p>body</p>")
    cache = FetchCache(path)
    cache.put(url, response, '"v1"', "Fri, 20 Nov 2026 08:00:00 GMT")
    cache.save()
    assert FetchCache(path).get(url) == {
        "etag": '"v1"',
        "last_modified": "Fri, 20 Nov 2026 08:00:00 GMT",
        "final_url": "https://news.example/new",
        "content_type": "text/html",
        "charset": "utf-8",
        "body": "PHA+Ym9keTwvcD4=",
    }


def test_a_body_without_a_validator_leaves_the_cache_file(tmp_path: Path) -> None:
    path = tmp_path / ".fetch-cache.json"
    url = "https://news.example/a"
    response = Response(url, url, "text/html", None, b"<p>one</p>")
    cache = FetchCache(path)
    cache.put(url, response, '"v1"', None)
    cache.save()
    cache = FetchCache(path)
    assert cache.get(url) is not None
    cache.put(url, response, None, None)  # the server no longer gives a validator
    cache.save()
    assert FetchCache(path).get(url) is None


def test_decode_tries_each_charset_in_turn_and_never_fails() -> None:
    text = "Ünïcödé – “quoted”"
    assert decode(text.encode("utf-16"), "no-such-charset", "utf-16") == text
    assert decode(text.encode("utf-16"), "ascii", "utf-16") == text
    assert decode(b"a\x81b", "ascii") == "a\ufffdb"  # undecodable anywhere: replaced


# -- what the mutation run left untested ------------------------------------------


@pytest.fixture(scope="module")
def odd() -> Iterator[Site]:
    """Servers that answer in ways the routes above do not."""
    site = Site()

    @site.add("/")
    def root(handler: Handler) -> None:
        handler.send(200, f"<p>{handler.path}</p>".encode(), "text/html")

    @site.add("/untyped")
    def untyped(handler: Handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", "9")
        handler.end_headers()
        handler.wfile.write(b"<p>hi</p>")

    @site.add("/no-reason")
    def no_reason(handler: Handler) -> None:
        handler.send_response(599, "")
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    @site.add("/no-content")
    def no_content(handler: Handler) -> None:
        handler.send_response(204)
        handler.end_headers()

    @site.add("/hang-up")
    def hang_up(handler: Handler) -> None:
        handler.close_connection = True  # says nothing at all

    @site.add("/bad-length")
    def bad_length(handler: Handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", "lots")
        handler.end_headers()
        handler.wfile.write(b"<p>read to the end</p>")
        handler.close_connection = True

    @site.add("/stall")
    def stall(handler: Handler) -> None:  # two pieces, then nothing until too late
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.end_headers()
        for _ in range(2):
            time.sleep(0.3)
            handler.wfile.write(b"<p>a</p>")
            handler.wfile.flush()
        time.sleep(3)

    @site.add("/slow-headers")
    def slow_headers(handler: Handler) -> None:  # each line in time, all of them too late
        handler.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n")
        for n in range(12):
            handler.wfile.write(f"X-Line-{n}: waiting\r\n".encode())
            handler.wfile.flush()
            time.sleep(0.1)
        handler.wfile.write(b"Content-Length: 9\r\n\r\n<p>hi</p>")
        handler.close_connection = True

    @site.add("/slow-redirect")
    def slow_redirect(handler: Handler) -> None:  # a redirect that comes too late to follow
        handler.wfile.write(b"HTTP/1.1 302 Found\r\n")
        for n in range(12):
            handler.wfile.write(f"X-Line-{n}: waiting\r\n".encode())
            handler.wfile.flush()
            time.sleep(0.1)
        handler.wfile.write(b"Location: /never-followed\r\nContent-Length: 0\r\n\r\n")
        handler.close_connection = True

    @site.add("/moved-etag")
    def moved_etag(handler: Handler) -> None:
        handler.redirect("/etag", 301)

    @site.add("/etag")
    def etag(handler: Handler) -> None:
        if handler.headers.get("If-None-Match") == '"v1"':
            handler.send_response(304)
            handler.end_headers()
            return
        handler.send(200, b"<p>fresh</p>", "text/html", {"ETag": '"v1"'})

    @site.add("/into-loop")
    def into_loop(handler: Handler) -> None:
        handler.redirect("/loop-a")

    site.routes["/loop-a"] = lambda h: h.redirect("/loop-b")
    site.routes["/loop-b"] = lambda h: h.redirect("/loop-a")
    with serve(site):
        yield site


def test_limits_come_from_the_fetch_settings() -> None:
    settings = Settings(fetch_timeout=2.5, fetch_max_bytes=4096, fetch_workers=3)
    assert FetchLimits.from_settings(settings) == FetchLimits(
        connect_timeout=2.5, total_timeout=7.5, max_bytes=4096, max_redirects=5, workers=3
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [("ab://x", True), ("C://Users/x", False), ("h2://x", False), ("é://x", False),
     ("feed", False), ("://x", False)],
)  # fmt: skip
def test_is_url_wants_a_scheme_of_two_ascii_letters_or_more(value: str, expected: bool) -> None:
    assert is_url(value) is expected


def test_a_url_without_a_path_asks_for_the_root(odd: Site) -> None:
    assert fetcher().fetch(odd.base).body == b"<p>/</p>"


def test_a_body_without_a_content_type_has_none(odd: Site) -> None:
    response = fetcher().fetch(odd.url("/untyped"))
    assert (response.content_type, response.charset, response.body) == ("", None, b"<p>hi</p>")


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/no-reason", "HTTP 599"),
        ("/no-content", "HTTP 204 No Content"),
        ("/hang-up", "cannot fetch (Remote end closed connection without response)"),
    ],
)
def test_an_answer_that_is_not_a_body_says_what_came(odd: Site, path: str, message: str) -> None:
    with pytest.raises(FetchError) as caught:
        fetcher().fetch(odd.url(path))
    assert str(caught.value) == f"{odd.url(path)}: {message}"


def test_a_closed_port_says_why() -> None:
    with pytest.raises(FetchError) as caught:
        fetcher().fetch("http://127.0.0.1:9/")
    assert str(caught.value) == "http://127.0.0.1:9/: cannot fetch (Connection refused)"


def test_a_length_that_is_not_a_number_is_read_to_the_end(odd: Site) -> None:
    assert fetcher().fetch(odd.url("/bad-length")).body == b"<p>read to the end</p>"


def test_a_declared_length_over_the_cap_is_refused_before_reading(site: Site) -> None:
    cap = FAST.max_bytes
    with pytest.raises(FetchError) as caught:
        fetcher().fetch(site.url(f"/bytes/{cap + 1}/declared"))
    assert str(caught.value) == (
        f"{site.url(f'/bytes/{cap + 1}/declared')}: body is {cap + 1} bytes, over the {cap} "
        "byte limit"
    )
    with pytest.raises(FetchError) as caught:
        fetcher().fetch(site.url(f"/bytes/{cap + 1}/streamed"))
    assert str(caught.value) == (
        f"{site.url(f'/bytes/{cap + 1}/streamed')}: body is over the {cap} byte limit"
    )


def test_a_silent_server_times_out_after_the_connect_timeout(site: Site) -> None:
    start = time.monotonic()
    with pytest.raises(FetchError) as caught:
        fetcher().fetch(site.url("/slow"))
    assert time.monotonic() - start < FAST.total_timeout
    assert str(caught.value) == (
        f"{site.url('/slow')}: timed out (no answer within 0.5 s); "
        "try again later or remove the source"
    )


def test_a_body_that_stops_coming_ends_at_the_deadline(odd: Site) -> None:
    """Each piece comes within the connect timeout, then nothing: the last wait is
    cut to what is left of the total (0.4 s, not 0.8), and the error says the total."""
    limits = FetchLimits(connect_timeout=0.8, total_timeout=1.0)
    start = time.monotonic()
    with pytest.raises(FetchError) as caught:
        Fetcher(limits=limits).fetch(odd.url("/stall"))
    elapsed = time.monotonic() - start
    assert str(caught.value) == (
        f"{odd.url('/stall')}: took longer than 1 s; try again later or remove the source"
    )
    assert 0.9 < elapsed < 1.25, elapsed


def test_headers_that_take_too_long_end_at_the_deadline_before_the_body(odd: Site) -> None:
    """No single wait is over the connect timeout, but the answer ends after the
    total: the body is not read, and the error names the URL."""
    limits = FetchLimits(connect_timeout=1.0, total_timeout=0.6)
    with pytest.raises(FetchError) as caught:
        Fetcher(limits=limits).fetch(odd.url("/slow-headers"))
    assert str(caught.value) == (
        f"{odd.url('/slow-headers')}: took longer than 0.6 s; try again later or remove the source"
    )


def test_a_redirect_past_the_deadline_is_not_followed(odd: Site) -> None:
    limits = FetchLimits(connect_timeout=1.0, total_timeout=0.6)
    with pytest.raises(FetchError) as caught:
        Fetcher(limits=limits).fetch(odd.url("/slow-redirect"))
    assert str(caught.value) == (
        f"{odd.url('/slow-redirect')}: took longer than 0.6 s; try again later or remove the source"
    )
    assert odd.hits["/never-followed"] == 0


def test_an_https_server_that_never_answers_times_out() -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []
    outcome: list[BaseException] = []
    url = f"https://127.0.0.1:{listener.getsockname()[1]}/"

    def silent() -> None:  # takes the connection, never starts TLS
        conn, _ = listener.accept()
        accepted.append(conn)

    def fetch() -> None:
        try:
            Fetcher(limits=FetchLimits(connect_timeout=0.3, total_timeout=0.5)).fetch(url)
        except FetchError as exc:
            outcome.append(exc)

    threading.Thread(target=silent, daemon=True).start()
    fetching = threading.Thread(target=fetch, daemon=True)
    fetching.start()
    fetching.join(5)
    stuck = fetching.is_alive()
    for conn in accepted:
        conn.close()  # lets a stuck fetch end
    listener.close()
    assert not stuck, "the TLS handshake waited with no timeout"
    (error,) = outcome
    assert str(error).startswith(f"{url}: ")
    assert "timed out (no answer within 0.3 s)" in str(error) or "took longer" in str(error)


def test_a_validator_is_sent_only_to_the_url_it_came_from(odd: Site, tmp_path: Path) -> None:
    """The cache holds an ETag for the address that redirects: the request after the
    redirect carries no If-None-Match, and gets the body."""
    url = odd.url("/moved-etag")
    cache = FetchCache(tmp_path / ".fetch-cache.json")
    cache.put(url, Response(url, url, "text/html", None, b"<p>old</p>"), '"v1"', None)
    response = Fetcher(limits=FAST, cache=cache).fetch(url)
    assert response.body == b"<p>fresh</p>" and not response.from_cache
    assert "If-None-Match" not in odd.headers["/etag"]
    assert odd.headers["/moved-etag"]["If-None-Match"] == '"v1"'


def test_a_loop_further_down_the_chain_is_found(odd: Site) -> None:
    with pytest.raises(FetchError) as caught:
        fetcher().fetch(odd.url("/into-loop"))
    assert str(caught.value) == (
        f"{odd.url('/into-loop')}: redirect loop at {odd.url('/loop-a')}; check the URL"
    )


@pytest.mark.parametrize(
    "content",
    [b"[]", b'{"version": 2, "entries": {}}', b'{"version": 1, "entries": []}', b"\xff\xfe"],
    ids=["a-list", "another-version", "entries-not-a-table", "binary"],
)
def test_a_cache_file_digest_did_not_write_is_ignored(
    odd: Site, tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / ".fetch-cache.json"
    url = odd.url("/etag")
    if b"version" in content:  # what a 304 would need, in a layout we do not read
        data = json.loads(content)
        entry = {"etag": '"v1"', "final_url": url, "content_type": "text/html", "body": ""}
        data["entries"] = {url: entry} if data["version"] == 2 else [entry]
        content = json.dumps(data).encode()
    path.write_bytes(content)
    cache = FetchCache(path)
    assert cache.get(url) is None
    response = Fetcher(limits=FAST, cache=cache).fetch(url)
    assert response.body == b"<p>fresh</p>" and not response.from_cache


def test_saving_the_cache_makes_its_folder_and_leaves_nothing_else(tmp_path: Path) -> None:
    path = tmp_path / "new" / "out" / ".fetch-cache.json"
    url = "https://news.example/a"
    cache = FetchCache(path)
    cache.save()  # nothing to keep: nothing written
    assert not path.parent.exists()
    cache.put(url, Response(url, url, "text/html", None, b"<p>one</p>"), '"v1"', None)
    cache.save()
    assert [p.name for p in path.parent.iterdir()] == [".fetch-cache.json"]
    written = path.stat().st_ino
    cache.save()  # unchanged since: not written again
    FetchCache(path).save()
    assert path.stat().st_ino == written
    FetchCache(None).save()  # a fetcher without a cache file saves nothing, and fails not


def test_a_cache_that_cannot_be_written_says_so_and_leaves_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / ".fetch-cache.json"
    path.mkdir()  # in the way: the rename fails
    url = "https://news.example/a"
    cache = FetchCache(path)
    cache.put(url, Response(url, url, "text/html", None, b"<p>one</p>"), '"v1"', None)
    with pytest.raises(OSError):
        cache.save()
    assert [p.name for p in tmp_path.iterdir()] == [".fetch-cache.json"]


def test_fetch_many_of_nothing_is_nothing() -> None:
    ticks: list[int] = []
    assert fetch_many(fetcher(), [], ticks.append) == [] and ticks == []


@pytest.mark.parametrize("workers", [1, 3])
def test_fetch_many_never_asks_one_server_more_than_workers_at_once(workers: int) -> None:
    site, lock = Site(), threading.Lock()
    busy, most = [0], [0]

    @site.add("/busy")
    def slow_page(handler: Handler) -> None:
        with lock:
            busy[0] += 1
            most[0] = max(most[0], busy[0])
        time.sleep(0.15)
        with lock:
            busy[0] -= 1
        handler.send(200, b"<p>ok</p>", "text/html")

    limits = FetchLimits(connect_timeout=2, total_timeout=4, workers=workers)
    with serve(site):
        urls = [site.url(f"/busy?n={n}") for n in range(6)]
        results = fetch_many(Fetcher(limits=limits), urls)
    assert all(isinstance(r, Response) for r in results)
    assert most[0] == workers


def test_fetch_many_names_its_threads_so_a_stack_dump_says_whose_they_are() -> None:
    site, seen = Site(), set()

    @site.add("/who")
    def who(handler: Handler) -> None:
        # the fetching threads live in this process: while one waits for this
        # answer, a dump of the process's threads shows it by name
        seen.update(t.name for t in threading.enumerate())
        handler.send(200, b"<p>ok</p>", "text/html")

    with serve(site):
        results = fetch_many(fetcher(), [site.url("/who?n=1"), site.url("/who?n=2")])
    assert all(isinstance(r, Response) for r in results)
    assert {n for n in seen if n.startswith("digest-fetch_")} >= {"digest-fetch_0"}


@pytest.fixture(scope="module")
def https_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """An HTTPS server on 127.0.0.1 with a self-signed certificate (made with the
    openssl command); yields its base URL and the certificate."""
    if not shutil.which("openssl"):
        pytest.skip("openssl is not installed")
    folder = tmp_path_factory.mktemp("tls")
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    site = Site()
    site.static("/page", "<p>over TLS</p>", "text/html; charset=utf-8")
    handler = type("TlsHandler", (Handler,), {"site": site})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}", cert
    finally:
        server.shutdown()
        server.server_close()


def test_https_is_fetched_from_a_server_the_system_trusts(
    https_site: tuple[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    base, cert = https_site
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # as if the system trusted it
    response = fetcher().fetch(base + "/page")
    assert response.body == b"<p>over TLS</p>" and response.charset == "utf-8"


def test_https_from_a_certificate_nobody_vouches_for_is_refused(
    https_site: tuple[str, Path],
) -> None:
    base, _ = https_site
    with pytest.raises(FetchError) as caught:
        fetcher().fetch(base + "/page")
    assert str(caught.value) == f"{base}/page: TLS error (CERTIFICATE_VERIFY_FAILED)"


def test_a_304_gives_back_the_cached_final_url_and_type_and_a_200_the_new_body(
    odd: Site, tmp_path: Path
) -> None:
    url = odd.url("/etag")
    cache = FetchCache(tmp_path / ".fetch-cache.json")
    moved = Response(url, "https://news.example/elsewhere", "", None, b"<p>old</p>")
    cache.put(url, moved, '"v1"', None)
    again = Fetcher(limits=FAST, cache=cache).fetch(url)
    assert again.from_cache and again.body == b"<p>old</p>"
    assert (again.final_url, again.content_type, again.charset) == (moved.final_url, "", None)
    cache.put(url, moved, '"v0"', None)  # the server's page changed since
    fresh = Fetcher(limits=FAST, cache=cache).fetch(url)
    assert not fresh.from_cache and fresh.body == b"<p>fresh</p>" and fresh.final_url == url


def test_a_server_that_does_not_speak_http_is_one_line(tmp_path: Path) -> None:
    listener = socket.create_server(("127.0.0.1", 0))

    def answer() -> None:
        conn, _ = listener.accept()
        with conn:
            conn.recv(4096)
            conn.sendall(b"NOT HTTP AT ALL\r\n\r\n")

    thread = threading.Thread(target=answer, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/"
    with listener, pytest.raises(FetchError) as caught:
        fetcher().fetch(url)
    thread.join(5)
    assert str(caught.value) == f"{url}: cannot fetch (NOT HTTP AT ALL)"
