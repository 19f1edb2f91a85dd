"""Story grouping benchmark: labelled articles in, are the stories right?

Usage::

    python benchmarks/stories.py --duc ../shared/eval/duc2004/dev.jsonl \\
        --pages ../shared/eval/realworld/pages \\
        --feeds ../shared/eval/realworld/feeds.json

Any of the three kinds of material, each as many times as wanted:

``--duc FILE``
    DUC-style JSONL: every document of every cluster in as one input, the
    cluster as its label. Each document's ``published`` date and ``outlet``
    are passed in as a build would pass them (``title`` is null in DUC).
``--pages DIR``
    A folder of web pages read through the real ingest and clean
    (:func:`digest.ingest.ingest`, :func:`digest.clean.clean`), labelled by
    ``--pages-labels`` (default: ``pages.json`` beside the folder: file name ->
    ``{"story": ...}``) with ``--pages-ambiguous`` (default
    ``pages_ambiguous.json`` beside it, if present). Pages that ingest or clean
    reject are listed and left out.
``--feeds FILE``
    Feed labels as in ``feeds.json``: ``{name: {"files": [...], "labels":
    {"FILE#N": story}, "ambiguous": [...]}}``, keys in feedparser entry order.
    The files (looked up in ``--feeds-dir``, default ``feeds/`` beside the
    labels file) are read together, as one build reads them; each entry is
    matched to the article ingest made of it.

For each set it prints, for our grouping (:func:`group_articles`) and for a
scikit-learn baseline (TF-IDF + average-linkage agglomerative clustering on
cosine distance, its one threshold tuned on the dev material: ``--tune``):
pairwise precision, recall and F1, B-cubed F1, adjusted Rand index, the number
of multi-article stories and of *mixed* ones (articles of different stories
put together), the titles of every mixed story, the wall time of the grouping
and its peak traced memory (tracemalloc, in a second, untimed run).

Ambiguity: a pair of articles inside one ``ambiguous`` group with different
labels counts neither way -- not in the pairwise figures, not in B-cubed, and
it does not make a story mixed. (Pairs with the same label stay true pairs.)
The adjusted Rand index is computed on the labels as they are.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sklearn.metrics import adjusted_rand_score

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from digest.clean import clean
from digest.errors import IngestError
from digest.ingest import ingest
from digest.ingest.feeds import parse_feed
from digest.model import Article, Block
from digest.summarize.stories import group_articles

#: Cosine distance below which the baseline merges (average linkage); tuned with --tune.
BASELINE_DISTANCE = 0.86

Grouper = Callable[[Sequence[Article]], list[list[int]]]


@dataclass
class LabelledSet:
    name: str
    articles: list[Article]
    labels: list[str]
    #: Groups of article indexes inside which differing labels count neither way.
    ambiguous: list[frozenset[int]]
    skipped: list[str]


# -- loading -------------------------------------------------------------------------------


def load_duc(path: Path) -> LabelledSet:
    articles: list[Article] = []
    labels: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        for n, document in enumerate(record["documents"]):
            published = document.get("published")
            articles.append(
                Article(
                    path=f"{record['id']}/{n}",
                    title=document.get("title"),
                    blocks=(Block("paragraph", document["text"]),),
                    outlet=document.get("outlet"),
                    published=(
                        dt.datetime.fromisoformat(published).replace(tzinfo=dt.UTC)
                        if published
                        else None
                    ),
                )
            )
            labels.append(record["id"])
    return LabelledSet(f"duc {path.name}", articles, labels, [], [])


def _cleaned(data: Any, skipped: list[str]) -> Article | None:
    try:
        return clean(data)
    except IngestError as exc:
        skipped.append(str(exc))
        return None


def load_pages(folder: Path, labels_path: Path | None, ambiguous_path: Path | None) -> LabelledSet:
    labels_path = labels_path or folder.parent / "pages.json"
    if ambiguous_path is None and (folder.parent / "pages_ambiguous.json").exists():
        ambiguous_path = folder.parent / "pages_ambiguous.json"
    truth = json.loads(labels_path.read_text(encoding="utf-8"))
    ingested = ingest([folder])
    skipped = [str(p) for p in ingested.problems]
    articles: list[Article] = []
    labels: list[str] = []
    index: dict[str, int] = {}
    for data in ingested.articles:
        name = Path(data.path).name
        if name not in truth:
            skipped.append(f"{data.path}: no label")
            continue
        article = _cleaned(data, skipped)
        if article is not None:
            index[name] = len(articles)
            articles.append(article)
            labels.append(truth[name]["story"])
    ambiguous = _ambiguous(ambiguous_path, index)
    return LabelledSet(f"pages {folder.name}", articles, labels, ambiguous, skipped)


def _ambiguous(path: Path | None, index: dict[str, int]) -> list[frozenset[int]]:
    if path is None:
        return []
    raw = json.loads(path.read_text(encoding="utf-8"))
    return [frozenset(index[k] for k in group["keys"] if k in index) for group in raw]


def load_feeds(labels_path: Path, feeds_dir: Path | None) -> list[LabelledSet]:
    feeds_dir = feeds_dir or labels_path.parent / "feeds"
    sets = []
    for name, spec in json.loads(labels_path.read_text(encoding="utf-8")).items():
        files = [feeds_dir / f for f in spec["files"]]
        ingested = ingest(files)
        skipped = [str(p) for p in ingested.problems]
        by_path = {data.path: data for data in ingested.articles}
        articles: list[Article] = []
        labels: list[str] = []
        index: dict[str, int] = {}
        at_path: dict[str, int] = {}
        for file in files:
            feed = parse_feed(file.read_bytes(), source=str(file))
            for n, entry in enumerate(feed.entries):
                key = f"{file.name}#{n}"
                path = entry.article.path
                if key not in spec["labels"]:
                    skipped.append(f"{key}: no label")
                    continue
                if path in at_path:  # the same article in two feeds: ingest keeps one
                    index[key] = at_path[path]
                    continue
                data = by_path.get(path)
                if data is None:
                    skipped.append(f"{key}: not read by ingest")
                    continue
                article = _cleaned(data, skipped)
                if article is None:
                    continue
                index[key] = at_path[path] = len(articles)
                articles.append(article)
                labels.append(spec["labels"][key])
        ambiguous = [
            frozenset(index[k] for k in group["keys"] if k in index)
            for group in spec.get("ambiguous", [])
        ]
        sets.append(LabelledSet(f"feeds {name}", articles, labels, ambiguous, skipped))
    return sets


# -- scoring -------------------------------------------------------------------------------


@dataclass
class Scores:
    precision: float
    recall: float
    f1: float
    bcubed_f1: float
    ari: float
    stories: int
    multi: int
    mixed: list[list[int]]
    seconds: float
    peak_mib: float


def _excused(a: int, b: int, labels: Sequence[str], ambiguous: Sequence[frozenset[int]]) -> bool:
    return labels[a] != labels[b] and any(a in g and b in g for g in ambiguous)


def score(
    groups: Sequence[Sequence[int]],
    labels: Sequence[str],
    ambiguous: Sequence[frozenset[int]],
) -> tuple[float, float, float, float, float, list[list[int]]]:
    """Pairwise P/R/F1, B-cubed F1, ARI and the mixed groups of a grouping."""
    n = len(labels)
    predicted = [0] * n
    for g, group in enumerate(groups):
        for i in group:
            predicted[i] = g
    true_pairs = predicted_pairs = hits = 0
    precisions: list[float] = []
    recalls: list[float] = []
    for a in range(n):
        same_pred = same_true = both = 1  # the article itself
        for b in range(n):
            if a == b or _excused(a, b, labels, ambiguous):
                continue
            p = predicted[a] == predicted[b]
            t = labels[a] == labels[b]
            same_pred += p
            same_true += t
            both += p and t
            if b > a:
                predicted_pairs += p
                true_pairs += t
                hits += p and t
        precisions.append(both / same_pred)
        recalls.append(both / same_true)
    precision = hits / predicted_pairs if predicted_pairs else 1.0
    recall = hits / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    bp, br = statistics.fmean(precisions), statistics.fmean(recalls)
    bcubed = 2 * bp * br / (bp + br) if bp + br else 0.0
    ari = adjusted_rand_score(list(labels), predicted)
    mixed = [
        sorted(group)
        for group in groups
        if any(
            labels[a] != labels[b] and not _excused(a, b, labels, ambiguous)
            for a in group
            for b in group
        )
    ]
    return precision, recall, f1, bcubed, ari, mixed


def run(grouper: Grouper, data: LabelledSet) -> Scores:
    start = time.perf_counter()
    groups = grouper(data.articles)
    seconds = time.perf_counter() - start
    tracemalloc.start()
    grouper(data.articles)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    p, r, f1, bcubed, ari, mixed = score(groups, data.labels, data.ambiguous)
    multi = sum(len(g) > 1 for g in groups)
    return Scores(p, r, f1, bcubed, ari, len(groups), multi, mixed, seconds, peak / 2**20)


# -- the baseline --------------------------------------------------------------------------


def baseline(distance: float) -> Grouper:
    """scikit-learn TF-IDF (English stop-words, sublinear tf, title twice) + average linkage."""
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer

    def group(articles: Sequence[Article]) -> list[list[int]]:
        if len(articles) < 2:
            return [[i] for i in range(len(articles))]
        texts = [" ".join([a.title or "", a.title or "", *a.paragraphs]) for a in articles]
        matrix = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(texts)
        model = AgglomerativeClustering(
            n_clusters=None,
            metric="cosine",
            linkage="average",
            distance_threshold=distance,
        )
        assigned = model.fit_predict(matrix.toarray())
        groups: dict[int, list[int]] = {}
        for i, label in enumerate(assigned):
            groups.setdefault(int(label), []).append(i)
        return sorted(groups.values(), key=lambda g: (-len(g), g[0]))

    return group


# -- output --------------------------------------------------------------------------------


def _title(article: Article) -> str:
    if article.title:
        return article.title[:70]
    text = " ".join(article.paragraphs)
    return " ".join(text.split()[:10]) + "…"


def report(name: str, data: LabelledSet, scores: Scores, show_mixed: bool) -> None:
    print(
        f"  {name:<9} P {scores.precision:.3f}  R {scores.recall:.3f}  F1 {scores.f1:.3f}  "
        f"B3-F1 {scores.bcubed_f1:.3f}  ARI {scores.ari:.3f}  "
        f"{scores.stories} stories, {scores.multi} multi, {len(scores.mixed)} mixed  "
        f"{scores.seconds:.2f} s  {scores.peak_mib:.1f} MiB"
    )
    if show_mixed:
        for group in scores.mixed:
            print("      mixed:")
            for i in group:
                print(f"        [{data.labels[i][:28]}] {_title(data.articles[i])}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Story grouping on labelled material")
    parser.add_argument("--duc", type=Path, action="append", default=[], help="DUC JSONL file")
    parser.add_argument("--pages", type=Path, action="append", default=[], help="pages folder")
    parser.add_argument("--pages-labels", type=Path, help="labels of the pages (pages.json)")
    parser.add_argument("--pages-ambiguous", type=Path, help="ambiguous groups of the pages")
    parser.add_argument("--feeds", type=Path, action="append", default=[], help="feed labels")
    parser.add_argument("--feeds-dir", type=Path, help="folder of the feed files")
    parser.add_argument(
        "--baseline-distance", type=float, default=BASELINE_DISTANCE, help="baseline threshold"
    )
    parser.add_argument("--no-baseline", action="store_true", help="skip the baseline")
    parser.add_argument("--tune", action="store_true", help="grid-search the baseline threshold")
    parser.add_argument("--quiet", action="store_true", help="do not list mixed stories")
    args = parser.parse_args(argv)
    sets: list[LabelledSet] = []
    for path in args.duc:
        sets.append(load_duc(path))
    for folder in args.pages:
        sets.append(load_pages(folder, args.pages_labels, args.pages_ambiguous))
    for path in args.feeds:
        sets.extend(load_feeds(path, args.feeds_dir))
    if not sets:
        parser.error("give at least one of --duc, --pages, --feeds")
    if args.tune:
        tune(sets)
        return
    for data in sets:
        print(
            f"{data.name}: {len(data.articles)} articles, {len(set(data.labels))} true stories"
            f" ({sum(1 for lab in set(data.labels) if data.labels.count(lab) > 1)} multi)"
            + (f"; {len(data.skipped)} inputs left out" if data.skipped else "")
        )
        report("ours", data, run(group_articles, data), not args.quiet)
        if not args.no_baseline:
            report("baseline", data, run(baseline(args.baseline_distance), data), not args.quiet)


def tune(sets: Sequence[LabelledSet]) -> None:
    """The baseline's threshold that maximises the mean pairwise F1 over the sets."""
    best: tuple[float, float] | None = None
    for step in range(50, 100, 2):
        distance = step / 100
        f1s = []
        cells = []
        for data in sets:
            groups = baseline(distance)(data.articles)
            p, r, f1, *_ = score(groups, data.labels, data.ambiguous)
            f1s.append(f1)
            cells.append(f"P {p:.2f} R {r:.2f} F1 {f1:.2f}")
        mean = statistics.fmean(f1s)
        print(f"distance {distance:.2f}: mean F1 {mean:.3f}  " + " | ".join(cells))
        if best is None or mean > best[0]:
            best = (mean, distance)
    assert best is not None
    print(f"best: distance {best[1]:.2f} (mean F1 {best[0]:.3f})")


if __name__ == "__main__":
    main()
