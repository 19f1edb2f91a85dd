"""The colours of every edition, light and dark.

The email and the web pages use the same two palettes. Light is the design
every client shows; dark is what a reader who prefers it gets where the client
or browser honours ``prefers-color-scheme: dark`` (Apple Mail, iOS Mail,
Outlook.com and the new Outlook, every browser). Each text colour keeps at
least WCAG AA contrast (4.5:1) on every background of its own palette;
``tests/test_email.py`` and ``tests/test_render.py`` compute it from the
rendered styles. Contrast on the card, the page and a citation pill (chip):

========  ==================  ==================
colour    light               dark
========  ==================  ==================
ink       16.6, 14.4, 14.1    14.1, 15.5, 10.6
muted     7.3, 6.4, 6.2       7.8, 8.6, 5.9
accent    7.2, 6.3, 6.1       8.8, 9.7, 6.6
========  ==================  ==================
"""

from __future__ import annotations

#: The light design: a white card on a pale grey page.
LIGHT: dict[str, str] = {
    "page": "#eceff3",
    "card": "#ffffff",
    "ink": "#1b1f24",
    "muted": "#4d5763",
    "accent": "#0a57a4",
    "rule": "#d4d9df",
    #: A citation number's pill.
    "chip": "#e6edf7",
}

#: The dark design: a charcoal card on a near-black page.
DARK: dict[str, str] = {
    "page": "#0d1014",
    "card": "#181b20",
    "ink": "#e6e8eb",
    "muted": "#a6afba",
    "accent": "#8cbcf7",
    "rule": "#363c45",
    "chip": "#263241",
}
