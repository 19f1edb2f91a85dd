"""Extraction benchmark: how much of each page's article text do we keep?

Usage::

    python benchmarks/extract.py --pages DIR [--truth FILE.json] [--quiet]

``DIR`` holds ``*.html`` (or ``*.html.gz``) pages; ``--truth`` (default:
``pages.json`` beside ``DIR``) maps each file name to ``{"body": ...}``, the
article's true text, as in scrapinghub/article-extraction-benchmark's
``ground-truth.json``. Pages without a truth entry are left out.

For every page, three texts are scored against the truth:

* ``raw``: what :func:`digest.ingest.html.read_page` extracts (a page it
  rejects scores 0 and counts as lost);
* ``cleaned``: that text after :func:`digest.clean.clean`, the blocks a reader
  may see (an article left without paragraphs is lost);
* ``trafilatura``: trafilatura's own default extraction, for comparison.

The score is token F1: the multiset of lower-cased word tokens of the
extraction against that of the truth (precision = shared tokens / extracted
tokens, recall = shared tokens / true tokens). This is simpler than the
benchmark's own shingle-based metric, so figures are close to, not equal to,
the ones in its README. Prints one line per page, then mean / median / lost
per setting; the last line is the cleaned text's ``mean F1 X.XXX median
X.XXX lost N``. ``--all`` also scores
trafilatura's precision, recall and fast-precision settings.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import trafilatura

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from digest.clean import clean
from digest.errors import IngestError
from digest.ingest.html import decode_html, read_page

_TOKEN = re.compile(r"\w+", re.UNICODE)
SETTINGS = ("raw", "cleaned", "trafilatura")


def tokens(text: str) -> Counter[str]:
    return Counter(_TOKEN.findall(text.casefold()))


def token_f1(extracted: str, truth: str) -> float:
    """Token F1 of ``extracted`` against ``truth`` (1.0 when both are empty)."""
    got, want = tokens(extracted), tokens(truth)
    if not got and not want:
        return 1.0
    shared = sum((got & want).values())
    if shared == 0:
        return 0.0
    precision = shared / sum(got.values())
    recall = shared / sum(want.values())
    return 2 * precision * recall / (precision + recall)


def read_html(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.name.endswith(".gz") else data


def ours(body: bytes, source: str) -> tuple[str | None, str | None]:
    """Our raw extraction and the cleaned text (None: rejected)."""
    try:
        data = read_page(body, source=source)
    except IngestError:
        return None, None
    try:
        article = clean(data)
    except IngestError:
        return data.text, None
    if not article.paragraphs:
        return data.text, None
    return data.text, "\n".join(block.text for block in article.blocks)


def trafilatura_text(body: bytes, **setting: bool) -> str | None:
    """trafilatura's own extraction (its defaults unless ``setting`` says otherwise)."""
    return trafilatura.extract(decode_html(body), **setting) or None


#: Extra trafilatura settings scored with ``--all``.
EXTRA = {
    "precision": {"favor_precision": True},
    "recall": {"favor_recall": True},
    "precision-fast": {"favor_precision": True, "fast": True},
}


def summary(scores: Sequence[float], lost: int) -> str:
    mean = statistics.fmean(scores) if scores else 0.0
    median = statistics.median(scores) if scores else 0.0
    return f"mean F1 {mean:.3f} median {median:.3f} lost {lost}"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Token F1 of page extraction against truth")
    parser.add_argument("--pages", type=Path, required=True, help="folder of .html pages")
    parser.add_argument("--truth", type=Path, default=None, help="default: DIR/../pages.json")
    parser.add_argument("--quiet", action="store_true", help="only the summary lines")
    parser.add_argument(
        "--all", action="store_true", help="also score trafilatura's precision and recall settings"
    )
    args = parser.parse_args(argv)
    truth_path = args.truth or args.pages.parent / "pages.json"
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    pages = sorted(
        p
        for p in args.pages.iterdir()
        if p.name.endswith((".html", ".html.gz"))
        and (p.name in truth or p.name.removesuffix(".gz") in truth)
    )
    if not pages:
        sys.exit(f"error: no page in {args.pages} has an entry in {truth_path}")
    settings = [*SETTINGS, *(EXTRA if args.all else ())]
    scores: dict[str, list[float]] = {s: [] for s in settings}
    lost: dict[str, int] = dict.fromkeys(settings, 0)
    seconds = 0.0
    if not args.quiet:
        print(f"{'page':<24} " + " ".join(f"{s[:11]:>11}" for s in settings))
    for path in pages:
        entry = truth.get(path.name) or truth[path.name.removesuffix(".gz")]
        body = read_html(path)
        start = time.perf_counter()
        raw, cleaned = ours(body, str(path))
        seconds += time.perf_counter() - start
        texts = {"raw": raw, "cleaned": cleaned, "trafilatura": trafilatura_text(body)}
        for name in settings[len(SETTINGS) :]:
            texts[name] = trafilatura_text(body, **EXTRA[name])
        row = []
        for setting in settings:
            text = texts[setting]
            if text is None:
                lost[setting] += 1
            score = token_f1(text or "", entry["body"])
            scores[setting].append(score)
            row.append(score)
        if not args.quiet:
            print(f"{path.name[:24]:<24} " + " ".join(f"{x:11.3f}" for x in row))
    worse = sum(
        1 for c, t in zip(scores["cleaned"], scores["trafilatura"], strict=True) if c < t - 0.05
    )
    print(
        f"{len(pages)} pages, read and cleaned in {seconds:.1f} s; "
        f"pages where cleaned is worse than trafilatura's default by > 0.05: {worse}"
    )
    labels = {"raw": "raw extraction", "trafilatura": "trafilatura default"}
    labels.update({name: f"trafilatura {name}" for name in EXTRA})
    for setting in settings:
        if setting != "cleaned":
            print(f"{labels[setting]:<28} {summary(scores[setting], lost[setting])}")
    print("after cleaning:")
    print(summary(scores["cleaned"], lost["cleaned"]))


if __name__ == "__main__":
    main()
