"""How big the email gets: HTML, ``<style>`` and ``.eml`` bytes for 1 to 20 stories.

Run from the project root::

    .venv/bin/python benchmarks/email_size.py

Uses the realistic sample issue of ``tests/emailkit.py`` (five long sentences
and three linked sources per story). ``build`` warns above 80 KB of HTML and
refuses above 100 KB; Gmail clips at 102 KB.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from digest.config import Settings
from digest.mail import build_message
from digest.render.email import render_html, render_text
from tests.emailkit import read_html, sample_digest

SETTINGS = Settings(
    name="Springfield Digest",
    site_url="https://news.example/",
    unsubscribe_url="https://news.example/unsubscribe?list=1",
)


def main() -> None:
    """Print one row per story count."""
    print(f"{'stories':>7} {'html B':>8} {'style B':>8} {'eml B':>8} {'B/story':>8}")
    base = 0
    for count in (1, 2, 5, 10, 15, 20):
        digest = sample_digest(count)
        html = render_html(digest, SETTINGS.site)
        text = render_text(digest, SETTINGS.site)
        size = len(html.encode())
        style = sum(len(s.encode()) for s in read_html(html).styles)
        eml = len(build_message(digest, SETTINGS.site, text, html).as_bytes())
        base = base or size
        per = (size - base) // (count - 1) if count > 1 else 0
        print(f"{count:>7} {size:>8} {style:>8} {eml:>8} {per:>8}")


if __name__ == "__main__":
    main()
