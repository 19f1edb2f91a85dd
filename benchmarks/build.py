"""Whole-pipeline benchmark: a real `digest build` on many article files.

Usage::

    python benchmarks/build.py --data /path/to/dev.jsonl [--limit 200]
    python benchmarks/build.py                 # seeds/ only

Writes each document as a ``.txt`` file in a temporary folder (never in the
repository: the DUC text is licensed), then runs ingest -> clean -> summarize
-> render -> publish into a temporary output folder, twice with fresh archives.
Prints the wall time of each stage, the number of stories, the total, and the
peak resident memory of the process.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from digest.build import make_digest, read_articles
from digest.config import Settings
from digest.publish import render_outputs, write_outputs

ROOT = Path(__file__).resolve().parent.parent


def write_inputs(data: Path | None, limit: int, folder: Path) -> int:
    if data is None:
        for seed in sorted((ROOT / "seeds").iterdir()):
            (folder / seed.name).write_bytes(seed.read_bytes())
        return len(list(folder.iterdir()))
    count = 0
    for line in data.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        for number, doc in enumerate(record["documents"]):
            if count >= limit:
                return count
            # a headline-like first line, as a .txt article has
            head = " ".join(doc["text"].split()[:8]).rstrip(".,;:")
            (folder / f"{record['id']}-{number:02d}.txt").write_text(
                f"{head}\n\n{doc['text']}\n", encoding="utf-8"
            )
            count += 1
    return count


def run(folder: Path, out: Path) -> dict[str, float]:
    times: dict[str, float] = {}
    start = time.perf_counter()
    articles, _ = read_articles([folder])
    times["ingest+clean"] = time.perf_counter() - start
    start = time.perf_counter()
    built = make_digest(articles, date=dt.date(2026, 11, 21))
    times["summarize"] = time.perf_counter() - start
    start = time.perf_counter()
    files = render_outputs(built.digest, Settings(site_url="https://bench.example/"))
    times["render"] = time.perf_counter() - start
    start = time.perf_counter()
    write_outputs(out, files)
    times["write"] = time.perf_counter() - start
    times["stories"] = len(built.digest.stories)
    times["articles"] = len(articles)
    return times


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Whole-pipeline build benchmark")
    parser.add_argument("--data", type=Path, help="DUC-style JSONL file (default: seeds/)")
    parser.add_argument("--limit", type=int, default=200, help="at most this many articles")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        n = write_inputs(args.data, args.limit, folder)
        for attempt in (1, 2):
            times = run(folder, Path(tmp) / f"out{attempt}")
            timed = {k: v for k, v in times.items() if k not in ("stories", "articles")}
            stages = ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in timed.items())
            total = sum(timed.values())
            print(
                f"run {attempt}: {n} files -> {int(times['articles'])} articles -> "
                f"{int(times['stories'])} stories; {stages}; total {total:.2f} s"
            )
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"peak resident memory: {peak_kb / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
