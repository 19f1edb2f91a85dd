"""Values as sources spell them: text in bytes of an unsure charset, dates in
ISO 8601 or RFC 2822.

Shared by every reader (Markdown, HTML, feeds) and the fetcher, so none of
them borrows from another.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re


def decode(body: bytes, *charsets: str | None) -> str:
    """Bytes to text with the first of ``charsets`` that fits, else UTF-8, else Windows-1252.

    A wrong or unknown charset never fails: the next one is tried, and as a last
    resort undecodable bytes are replaced.
    """
    for candidate in (*charsets, "utf-8"):
        if not candidate:
            continue
        try:
            return body.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
    return body.decode("cp1252", errors="replace")


#: The year of an RFC 2822 date ("Fri, 20 Nov 2026 09:00:00 GMT").
_RFC_YEAR = re.compile(r"\b\d{1,2}\s+[A-Za-z]{3,}\.?\s+(\d{2,4})\b")


def parse_datetime(value: str) -> dt.datetime | None:
    """ISO 8601 or RFC 2822 date/time, as tz-aware (UTC when no zone is given)."""
    value = value.strip()
    parsed: dt.datetime | None = None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        # the email parser reads a written-out year "0001" as 2001: a placeholder, not a date
        year = _RFC_YEAR.search(value)
        if year and len(year.group(1)) == 4 and int(year.group(1)) != parsed.year:
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed
