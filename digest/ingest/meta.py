"""Article metadata as an editor reads it: outlet names, authors, publication dates.

Sources say who they are in many ways, few of them clean: a feed titled
"NYT > World News" or "CNN.com - RSS Channel - World", a page whose
``og:site_name`` is a URL or a slug ("cleveland"), a JSON-LD date of the
year 1. These helpers turn what a source says into what a reader expects,
by general rules (no table of known outlets):

* **Outlets** (:func:`outlet_name`, :func:`feed_outlet`): a name is split at
  its separators (" > ", " | ", " - " ...); parts that are feed furniture
  ("RSS", "Channel", "Home") go; of the rest, the part that names the site's
  own domain is the publisher, and any other part is a section. A domain
  written as a name ("CNN.com") keeps only its label when that label is an
  acronym brand; an abbreviation ("NYT") is spelled out from the feed's
  copyright holder when their initials agree. With nothing usable, the
  registrable domain in a readable form ("nj.com" -> "NJ.com").
* **Dates** (:func:`plausible`, :func:`first_plausible`, :func:`url_date`): a
  date before 1990 or more than a day after the build's date is a
  placeholder or a typo, never a publication date; the next-best date is
  taken (another field, the feed's, the one in the URL's path).
* **Authors** (:func:`author_name`): bylines without "By", e-mail
  addresses, URLs or job titles.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from courlan import extract_domain

from digest.text import fold_space

#: The earliest publication date taken as real; earlier ones are placeholders.
EARLIEST = dt.date(1990, 1, 1)
#: How far after the build date a publication date may lie (time zones, clocks).
FUTURE_SLACK = dt.timedelta(days=1)


# -- URLs ------------------------------------------------------------------------


def http_url(value: str | None) -> str | None:
    """``value`` when it is an http(s) URL that parses (host, port in range), else None.

    Feeds and pages carry links like ``http://[::1`` or ``http://host:99999/``
    that would make every later URL function raise.
    """
    if not value or not value.startswith(("http://", "https://")):
        return None
    try:
        parts = urlsplit(value)
        _ = parts.port
    except ValueError:
        return None
    return value if parts.hostname else None


# -- dates -----------------------------------------------------------------------


def plausible(value: dt.datetime | None, today: dt.date | None = None) -> bool:
    """Whether ``value`` can be a publication date for a build on ``today``.

    Dates before 1990 (the "0001-01-01" of an empty CMS field, a Unix epoch)
    and dates more than a day after ``today`` are not. Without ``today``
    only the first test is made.
    """
    if value is None:
        return False
    day = value.astimezone(dt.UTC).date() if value.tzinfo else value.date()
    if day < EARLIEST:
        return False
    return today is None or day <= today + FUTURE_SLACK


def first_plausible(
    values: Iterable[dt.datetime | None], today: dt.date | None = None
) -> dt.datetime | None:
    """The first of ``values`` that :func:`plausible` accepts."""
    return next((v for v in values if plausible(v, today)), None)


_MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
#: /2019/11/18/, /2019/nov/18/, -2019-11-18. or /20191118/ in a URL's path.
_URL_DATE = re.compile(
    r"[/_-]((?:19|20)\d\d)[/-](0?[1-9]|1[0-2]|[a-z]{3})[/-](0?[1-9]|[12]\d|3[01])(?=[/._-]|$)"
    r"|[/_-]((?:19|20)\d\d)(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?=[/._-]|$)",
    re.I,
)


def url_date(url: str | None) -> dt.datetime | None:
    """The date a URL's path carries (``/2019/11/18/``), as midnight UTC."""
    url = http_url(url)
    if not url:
        return None
    match = _URL_DATE.search(urlsplit(url).path)
    if not match:
        return None
    year, month, day = (g for g in match.groups() if g is not None)
    number = _MONTHS.get(month.lower()) if month.isalpha() else int(month)
    if number is None:
        return None
    try:
        return dt.datetime(int(year), number, int(day), tzinfo=dt.UTC)
    except ValueError:
        return None


# -- outlets ---------------------------------------------------------------------

#: Separators between a name's parts: "NYT > World", "CNN.com - RSS", "News | Site".
_SEPARATOR = re.compile(r"\s+(?:[>|»·:–—-]|::|-{2})\s+|\s*[|»]\s*")
#: Feed furniture: words that name the feed, never the publisher.
_FURNITURE = re.compile(
    r"^(?:the\s+)?(?:rss|atom|xml|feeds?|channel|news ?feed|rss (?:channel|feed)|syndication|"
    r"home(?: ?page)?|front ?page|index|latest(?: news)?|top stories|headlines|all stories|"
    r"breaking news|news)$",
    re.I,
)
#: Corporate words after a publisher's name in a copyright line.
_CORPORATE = re.compile(
    r"(?:,?\s+(?:company|co\.?|inc\.?|incorporated|llc|ltd\.?|limited|plc|corp\.?|corporation|"
    r"group|holdings|gmbh|s\.?a\.?|ag))+$",
    re.I,
)
_COPYRIGHT = re.compile(
    r"^\s*(?:copyright\s*:?\s*)?(?:\(c\)|©)?\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?)?\s*", re.I
)
#: Where the holder's name ends in a copyright line.
_HOLDER_END = re.compile(r"[.,;]\s|\s+(?:all rights reserved|see|or its)\b", re.I)
_URLISH = re.compile(r"^(?:https?:|www\.|/|@)|://", re.I)
_DOMAIN_NAME = re.compile(r"^([A-Za-z0-9-]+)((?:\.[A-Za-z]{2,})+)$")


def registrable_domain(url: str | None) -> str | None:
    """The domain a site registered ("bbc.co.uk" for www.bbc.co.uk/news), lower-case."""
    url = http_url(url)
    if not url:
        return None
    host = (urlsplit(url).hostname or "").lower()
    if not host:
        return None
    try:
        domain = extract_domain(f"https://{host}/")
    except Exception:  # courlan raises on odd hosts; the host itself is the fallback
        domain = None
    domain = domain or host
    return domain.removeprefix("www.")


def readable_domain(url: str | None) -> str | None:
    """A site's domain as a name: "nj.com" -> "NJ.com", "ascom.com" -> "Ascom.com"."""
    domain = registrable_domain(url)
    if not domain:
        return None
    label, _, rest = domain.partition(".")
    if not label:
        return None
    label = label.upper() if len(label) <= 3 else label[0].upper() + label[1:]
    return f"{label}.{rest}" if rest else label


def _squash(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.casefold())


def _initials(name: str) -> str:
    words = [w for w in re.findall(r"[^\W_]+", name) if w.casefold() != "the"]
    return "".join(w[0] for w in words).casefold()


def names_domain(name: str, domain: str | None) -> bool:
    """Whether ``name`` is the site's own name for ``domain`` ("The Guardian" for
    theguardian.com, "CNN.com" for cnn.com, "NYT" for nytimes.com, "BBC News" for bbc.co.uk)."""
    if not domain:
        return False
    label = _squash(domain.partition(".")[0])
    squashed = _squash(name)
    bare = squashed.removeprefix("the")
    if not label or not squashed:
        return False
    if label in (squashed, bare) or label.removeprefix("the") in (squashed, bare):
        return True
    if _squash(domain) in (squashed, bare):  # "cnncom", "njcom"
        return True
    # the site's name opens with its label ("bbcnews" / bbc) or the label with the name
    if len(bare) >= 3 and (bare.startswith(label) or label.startswith(bare)):
        return True
    # an abbreviation: its letters in order through the label, from its first letter
    if name.isupper() and 2 <= len(squashed) <= 5 and label.startswith(squashed[0]):
        it = iter(label)
        return all(ch in it for ch in squashed)
    # the initials of a several-word name ("New York Times" / nyt)
    return len(name.split()) >= 2 and _initials(name) == label


def _tidy(name: str) -> str:
    return fold_space(name).strip(" _-–—|:·,;")


def _as_brand(name: str) -> str:
    """A domain written as a name keeps its TLD ("NJ.com", "Salon.com") unless its
    label is an acronym brand of three to five capitals ("CNN.com" -> "CNN"); a
    two-letter label is a place code more often than a brand."""
    match = _DOMAIN_NAME.match(name)
    if match and match.group(1).isupper() and 3 <= len(match.group(1)) <= 5:
        return match.group(1)
    return name


def copyright_holder(rights: str | None) -> str | None:
    """The publisher a copyright line names: "Copyright 2020 The New York Times Company"
    -> "The New York Times"."""
    if not rights:
        return None
    text = _COPYRIGHT.sub("", fold_space(rights))
    text = _HOLDER_END.split(text, maxsplit=1)[0]
    text = _CORPORATE.sub("", text.strip(" .,"))
    text = _tidy(text)
    return text if 1 <= len(text.split()) <= 6 and not _URLISH.search(text) else None


def is_name(value: str | None) -> bool:
    """Whether a site-name field holds a name (not a URL, handle, slug or copyright line)."""
    if not value:
        return False
    text = _tidy(value)
    if not text or _URLISH.search(text) or len(text) > 80:
        return False
    if re.search(r"copyright|©|\(c\)|all rights reserved", text, re.I):
        return False
    if not re.search(r"[^\W\d_]", text):  # digits and punctuation only
        return False
    # a lower-case single word is a slug ("cleveland", "usatoday"), not a name
    return not (text.islower() and " " not in text and "." not in text)


def outlet_name(
    candidates: Iterable[str | None],
    url: str | None = None,
    rights: str | None = None,
) -> str | None:
    """The publisher's name from what the source says, best candidate first.

    Each candidate is split into parts; furniture parts go; the part that
    names the site's domain wins, else a lone part. A candidate made only of
    several unrelated parts is a tagline or a section path and is passed
    over. With no candidate left: the readable domain.
    """
    domain = registrable_domain(url)
    for candidate in candidates:
        if not is_name(candidate):
            continue
        assert candidate is not None
        parts = [_tidy(p) for p in _SEPARATOR.split(_tidy(candidate))]
        parts = [p for p in parts if p and not _FURNITURE.match(p)]
        if not parts:
            continue
        own = [p for p in parts if names_domain(p, domain)]
        if own:
            chosen = own[0]
        elif len(parts) == 1:
            chosen = parts[0]
        elif domain is None:
            chosen = parts[0]  # "Publisher > Section" is the usual order
        else:
            continue
        return _expand(_as_brand(chosen), rights)
    return readable_domain(url)


def _expand(name: str, rights: str | None) -> str:
    """An abbreviation spelled out by the copyright holder whose initials it is."""
    holder = copyright_holder(rights)
    if holder and name.isupper() and 2 <= len(name) <= 5 and _initials(holder) == name.casefold():
        return holder
    return name


def feed_outlet(title: str | None, link: str | None, rights: str | None = None) -> str | None:
    """A feed's publisher: its title without sections and feed words, else its domain."""
    return outlet_name([title], link, rights)


def title_suffix(page_title: str | None, headline: str | None) -> str | None:
    """The site name a page's ``<title>`` adds after its headline ("... | Hawaii News Now").

    Only when the ``<title>`` is the headline (most of its words) plus that suffix, and the suffix
    reads as a name (a few words, capitalised or a domain): otherwise the last
    part of a ``<title>`` is as likely the second half of the headline.
    """
    if not page_title or not headline:
        return None
    parts = [p for p in (_tidy(p) for p in _SEPARATOR.split(_tidy(page_title))) if p]
    if len(parts) < 2:
        return None
    last = parts[-1]
    if not _squash(last) or _squash(last) in _squash(headline):
        return None
    # what comes before the suffix is the headline (perhaps worded a little differently)
    before = set(re.findall(r"[^\W_]+", " ".join(parts[:-1]).casefold()))
    head = set(re.findall(r"[^\W_]+", headline.casefold()))
    if not before or len(before & head) < 0.6 * len(before):
        return None
    if len(last.split()) > 5 or re.search(r"[.!?]\s", last):
        return None
    return last if (not last[0].islower() or _DOMAIN_NAME.match(last)) else None


# -- authors ---------------------------------------------------------------------

_BYLINE = re.compile(r"^\s*(?:[^\W\d_]+\s+)?(?:by|von|par|por|di|door|av)\s+", re.I)
_EMAIL = re.compile(r"\S+@\S+\.\w+")
#: A part of a byline that describes a job, not a person.
_JOB = re.compile(
    r"\b(?:reporter|correspondent|editor|writer|contributor|columnist|staff|news service|"
    r"editor-at-large|producer)s?\b",
    re.I,
)
_IS_A = re.compile(r"\s+(?:is|was)\s+(?:an?|the)\s.*$", re.I)
#: Account names a CMS puts where a byline should be.
_NOBODY = re.compile(
    r"^(?:admin(?:istrator)?|editor|staff|webmaster|guest|user|author|root)$", re.I
)


def author_name(value: object) -> str | None:
    """A byline as a reader expects it: "By Jane Roe; Staff Writer" -> "Jane Roe".

    "By" and "Analysis by" go, as do e-mail addresses (an RSS ``<author>`` is
    "jane@example.com (Jane Roe)"), job descriptions after a ";" and
    "... is a reporter". A URL is not a name.
    """
    if not isinstance(value, str):
        return None
    text = fold_space(value)
    bracketed = re.fullmatch(r"\S+@\S+\s*\(([^)]+)\)", text)
    if bracketed:
        text = bracketed.group(1)
    text = _EMAIL.sub("", text)
    if _URLISH.search(text.strip()):
        return None
    names: list[str] = []
    for part in re.split(r"\s*[;,]\s*", text):
        part = _IS_A.sub("", _BYLINE.sub("", part)).strip(" ,")
        if not part or _NOBODY.match(part) or (names and _JOB.search(part)):
            continue
        if part.isupper() and len(part) > 3:  # "JANE ROE" -> "Jane Roe"
            part = " ".join(w.capitalize() for w in part.split())
        names.append(part)
    text = _tidy(", ".join(names))
    if not text or not re.search(r"[^\W\d_]", text) or len(text) > 120:
        return None
    return text
