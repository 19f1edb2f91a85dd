"""DUC 2004 Task 2 benchmark: our summarizer against sumy's LexRank.

Usage::

    python benchmarks/duc.py --data /path/to/dev.jsonl --out DIR [--words 100] [--runs 3]

For every cluster it writes ``DIR/<id>.txt`` (our summary, one sentence per
line) and ``DIR/lexrank/<id>.txt``, then prints ROUGE-1/2/L recall and F1 scored
as the evaluation README prescribes, and the time per cluster: median, 90th
percentile and maximum of wall time, and the median of process CPU time
(the machine may be shared: CPU time is the steadier figure). With
``--runs N`` both systems run N times, alternating, and each figure is
printed as the minimum / median over the runs, with LexRank's median over
ours in the same run.

Scoring (README of the evaluation data): rouge-score 0.1.2 tokenisation with
its Porter stemmer; the first 100 whitespace words of the summary and of each
reference; the four references pooled per cluster (recall = summed hits /
summed reference counts, precision = summed hits / (4 x system count));
R-L is the summary-level LCS (``rougeLsum``) with lines as sentences; the mean
over clusters x 100.

Each cluster is one story: the benchmark calls the story-level sentence
selection directly, so that story grouping can never split a cluster. It
asks for ``fill=True``: when whole sentences leave part of the 100 words
unused, one more sentence goes last and the scorer cuts it at the limit, as
DUC systems' outputs were cut.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from rouge_score import rouge_scorer, tokenizers

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from digest.model import Article, Block
from digest.summarize.concepts import select_sentences

SCORED_WORDS = 100
_WARM_UP = (
    "The city council approved the new bridge on Monday after a long debate. "
    "Work on the bridge will start in May and should take two years. "
    "Residents said the bridge would cut their commute by half."
)
_TOKENIZER = tokenizers.DefaultTokenizer(use_stemmer=True)


def truncate(text: str, limit: int = SCORED_WORDS) -> str:
    """The first ``limit`` whitespace words of ``text``, keeping its line breaks."""
    lines: list[str] = []
    left = limit
    for line in text.splitlines():
        tokens = line.split()
        if not tokens or left <= 0:
            continue
        lines.append(" ".join(tokens[:left]))
        left -= min(left, len(tokens))
    return "\n".join(lines)


def _ngrams(tokens: Sequence[str], n: int) -> Counter[tuple[str, ...]]:
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def _tokens(text: str) -> list[str]:
    return list(_TOKENIZER.tokenize(text))


def score_cluster(summary: str, references: Sequence[str]) -> dict[str, tuple[float, float]]:
    """Pooled (recall, F1) per measure for one cluster, as fractions."""
    summary = truncate(summary)
    refs = [truncate(r) for r in references]
    system_tokens = _tokens(summary)
    system_lines = [_tokens(line) for line in summary.split("\n") if line]
    result: dict[str, tuple[float, float]] = {}
    for name, n in (("R-1", 1), ("R-2", 2)):
        system = _ngrams(system_tokens, n)
        hits = ref_total = 0
        for ref in refs:
            counts = _ngrams(_tokens(ref), n)
            hits += sum(min(c, system[g]) for g, c in counts.items())
            ref_total += sum(counts.values())
        result[name] = _recall_f1(hits, ref_total, len(refs) * sum(system.values()))
    hits = ref_total = 0
    for ref in refs:
        ref_lines = [_tokens(line) for line in ref.split("\n") if line]
        m = sum(map(len, ref_lines))
        score: Any = rouge_scorer._summary_level_lcs(ref_lines, system_lines)
        hits += round(score.recall * m)
        ref_total += m
    result["R-L"] = _recall_f1(hits, ref_total, len(refs) * len(system_tokens))
    return result


def _recall_f1(hits: int, ref_total: int, system_total: int) -> tuple[float, float]:
    recall = hits / ref_total if ref_total else 0.0
    precision = hits / system_total if system_total else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return recall, f1


def cluster_articles(record: dict[str, Any]) -> list[Article]:
    """A DUC cluster's documents as digest articles (one paragraph each), with their
    outlet and publication day, as a feed would give them."""
    return [
        Article(
            path=f"{record['id']}/{n}",
            title=None,
            blocks=(Block("paragraph", d["text"]),),
            outlet=d.get("outlet"),
            published=_day(d.get("published")),
        )
        for n, d in enumerate(record["documents"])
    ]


def _day(value: str | None) -> dt.datetime | None:
    """A ``YYYY-MM-DD`` publication day as a UTC datetime (None if absent or unreadable)."""
    try:
        return dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC) if value else None
    except ValueError:
        return None


def ours(record: dict[str, Any], words: int) -> str:
    """Our summary of one cluster, one sentence per line."""
    chosen = select_sentences(cluster_articles(record), words, fill=True)
    return "\n".join(c.text for c in chosen)


class _SumyTokenizer:
    """sumy tokenizer without NLTK data: pysbd sentences, regex words."""

    language = "english"
    _word = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")

    def __init__(self) -> None:
        import pysbd

        self._segmenter = pysbd.Segmenter(language="en", clean=True)

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        return tuple(s.strip() for s in self._segmenter.segment(paragraph) if s.strip())

    def to_words(self, sentence: str) -> tuple[str, ...]:
        return tuple(self._word.findall(sentence))


def make_lexrank(words: int) -> Callable[[dict[str, Any]], str]:
    """sumy 0.13 LexRank as sumy itself outputs it.

    The fewest top-rated sentences that reach the budget, in document order --
    what ``LexRankSummarizer(document, k)`` returns for the smallest such k
    (ratings are computed once instead of once per k).
    """
    from sumy.nlp.stemmers import Stemmer
    from sumy.parsers.plaintext import PlaintextParser
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.utils import get_stop_words

    tokenizer = _SumyTokenizer()
    summarizer = LexRankSummarizer(Stemmer("english"))
    summarizer.stop_words = get_stop_words("english")

    def run(record: dict[str, Any]) -> str:
        text = "\n\n".join(d["text"] for d in record["documents"])
        document = PlaintextParser.from_string(text, tokenizer).document
        sentences = list(document.sentences)
        bags = [summarizer._to_words_set(s) for s in sentences]
        matrix = summarizer._create_matrix(
            bags, summarizer.threshold, summarizer._compute_tf(bags), summarizer._compute_idf(bags)
        )
        scores = summarizer.power_method(matrix, summarizer.epsilon)
        ranked = sorted(range(len(sentences)), key=lambda i: (-scores[i], i))
        picked: list[int] = []
        used = 0
        for i in ranked:
            if used >= words:
                break
            picked.append(i)
            used += len(str(sentences[i]).split())
        return "\n".join(str(sentences[i]) for i in sorted(picked))

    return run


def timed(
    system: Callable[[dict[str, Any]], str], records: Sequence[dict[str, Any]]
) -> tuple[list[str], dict[str, float]]:
    """Every summary, and the run's timing: wall median / p90 / max, CPU median (ms)."""
    summaries: list[str] = []
    walls: list[float] = []
    cpus: list[float] = []
    for record in records:
        start, cpu = time.perf_counter(), time.process_time()
        summaries.append(system(record))
        walls.append(1000 * (time.perf_counter() - start))
        cpus.append(1000 * (time.process_time() - cpu))
    walls.sort()
    figures = {
        "median": statistics.median(walls),
        "p90": walls[min(len(walls) - 1, math.ceil(0.9 * len(walls)) - 1)],
        "max": walls[-1],
        "cpu": statistics.median(cpus),
    }
    return summaries, figures


def evaluate(
    name: str,
    summaries: Sequence[str],
    records: Sequence[dict[str, Any]],
    out: Path,
    runs: Sequence[dict[str, float]],
) -> None:
    """Write the summaries and print the scores and the timing over ``runs``."""
    out.mkdir(parents=True, exist_ok=True)
    totals: dict[str, list[tuple[float, float]]] = {"R-1": [], "R-2": [], "R-L": []}
    for record, summary in zip(records, summaries, strict=True):
        (out / f"{record['id']}.txt").write_text(summary + "\n", encoding="utf-8")
        for measure, value in score_cluster(summary, record["references"]).items():
            totals[measure].append(value)
    cells = []
    for measure, values in totals.items():
        recall = 100 * statistics.fmean(v[0] for v in values)
        f1 = 100 * statistics.fmean(v[1] for v in values)
        cells.append(f"{measure} R {recall:5.2f} F {f1:5.2f}")
    timing = ", ".join(
        f"{label} {min(r[label] for r in runs):.1f}/{statistics.median(r[label] for r in runs):.1f}"
        for label in ("median", "p90", "max", "cpu")
    )
    print(f"{name:<8} " + "  ".join(cells))
    print(f"{'':<8} ms/cluster (min/median of {len(runs)} runs): {timing} (cpu: median CPU time)")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, required=True, help="DUC JSONL file")
    parser.add_argument("--out", type=Path, required=True, help="directory for summaries")
    parser.add_argument("--words", type=int, default=100, help="word budget (default 100)")
    parser.add_argument("--no-lexrank", action="store_true", help="skip the LexRank baseline")
    parser.add_argument("--runs", type=int, default=1, help="timed runs of each (default 1)")
    args = parser.parse_args(argv)
    records = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines()]
    words: int = args.words
    # Warm imports and the solver outside the timing, on a made-up cluster.
    warm = {"id": "warm-up", "documents": [{"text": _WARM_UP}] * 3, "references": []}
    ours(warm, words)
    systems: dict[str, Callable[[dict[str, Any]], str]] = {"concepts": lambda r: ours(r, words)}
    if not args.no_lexrank:
        systems["lexrank"] = make_lexrank(words)
        systems["lexrank"](warm)
    print(f"{len(records)} clusters, {words} words, scored on the first {SCORED_WORDS} words")
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in systems}
    summaries: dict[str, list[str]] = {}
    for _ in range(max(args.runs, 1)):
        for name, system in systems.items():  # alternating, so both see the same load
            summaries[name], figures = timed(system, records)
            runs[name].append(figures)
    for name in systems:
        folder = args.out if name == "concepts" else args.out / name
        evaluate(name, summaries[name], records, folder, runs[name])
    if "lexrank" in runs:
        ratios = [
            lex["median"] / ours_["median"]
            for ours_, lex in zip(runs["concepts"], runs["lexrank"], strict=True)
        ]
        print(f"LexRank / ours at the median, per run: {', '.join(f'{r:.1f}x' for r in ratios)}")


if __name__ == "__main__":
    main()
