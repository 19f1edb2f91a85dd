"""Story grouping benchmark: all articles of a DUC file in, clusters recovered?

Usage::

    python benchmarks/stories.py --data /path/to/dev.jsonl

Feeds every document of every cluster in as one input, groups them with
:func:`digest.summarize.stories.group_articles`, and prints the adjusted Rand
index against the true clusters, the wall time of the grouping (stemming
included, from a cold cache) and its peak Python memory (tracemalloc, measured
in a second, untimed run).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import tracemalloc
from collections.abc import Sequence
from pathlib import Path

from sklearn.metrics import adjusted_rand_score

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from digest.model import Article, Block
from digest.summarize.stories import group_articles


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Story grouping on DUC clusters")
    parser.add_argument("--data", type=Path, required=True, help="DUC JSONL file")
    parser.add_argument("--threshold", type=float, default=None, help="override SAME_STORY")
    args = parser.parse_args(argv)
    articles: list[Article] = []
    truth: list[int] = []
    for number, line in enumerate(args.data.read_text(encoding="utf-8").splitlines()):
        record = json.loads(line)
        for n, document in enumerate(record["documents"]):
            articles.append(
                Article(
                    path=f"{record['id']}/{n}",
                    title=document.get("title"),
                    blocks=(Block("paragraph", document["text"]),),
                )
            )
            truth.append(number)
    kwargs = {} if args.threshold is None else {"threshold": args.threshold}
    start = time.perf_counter()
    groups = group_articles(articles, **kwargs)
    elapsed = time.perf_counter() - start
    # Memory in a second run: tracing slows Python down, so it is not timed.
    tracemalloc.start()
    group_articles(articles, **kwargs)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    predicted = [0] * len(articles)
    for label, group in enumerate(groups):
        for i in group:
            predicted[i] = label
    ari = adjusted_rand_score(truth, predicted)
    print(
        f"{len(articles)} articles, {len(set(truth))} true clusters -> {len(groups)} stories; "
        f"ARI {ari:.3f}; {elapsed:.2f} s; peak memory {peak / 2**20:.1f} MiB"
    )


if __name__ == "__main__":
    main()
