"""Whole-pipeline benchmark: a real `digest build` on 1,000 to 10,000 article files.

Usage::

    python benchmarks/build.py --data ../shared/eval/duc2004/dev.jsonl \\
        [--sizes 1000 3000 10000] [--runs 3] [--max-stories N] [--incremental 1000]
    python benchmarks/build.py                 # seeds/ only
    python benchmarks/build.py --folder news/ --archive out/archive.sqlite3 [--runs 3]

Each size is built from DUC documents and *variants* of them (see
:func:`variant`), keeping the cluster structure: every cluster moves to a
random day of one month (its spread in time compressed to a third) and its
documents are copied as many times as needed, each copy re-dated up to two
days later with some sentences dropped -- more coverage of the same story. At
10,000 articles from the 200 dev documents a story holds 500 articles: the
worst case for grouping and for summarizing one story. The
documents are written as Markdown files with ``published`` and ``outlet``
front matter in a temporary folder (never in the repository: the DUC text is
licensed); each run then goes ingest -> clean -> group -> summarize -> render
-> write, in a fresh process so that peak memory is that run's own.

Prints per size the minimum and median over the runs of each stage's wall
time, of the process CPU time and of the peak resident memory, the number of
stories, the adjusted Rand index of the grouping against the clusters, and
the size of the email a real ``digest build`` (default options: 10 stories)
writes for that pile, with its exit code.

``--incremental N`` measures the incremental case: N old files already in an
issue (one ``digest build`` into an archive), then 5 new articles beside
them; it times ``digest build`` of the whole folder against a build of the
5 alone (each run from a fresh copy of the archive and outputs), in wall
and CPU time. ``--folder DIR --archive FILE`` times ``digest build DIR``
against a copy of an archive of one's own, as it stands.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ROOT = Path(__file__).resolve().parent.parent
#: The month the variants are dated in.
MONTH_START = dt.date(2026, 10, 1)
MONTH_DAYS = 30
#: Share of sentences (after the first) a variant drops.
DROP_SHARE = 0.1

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[\"“]?[A-Z])")


def variant(record: dict[str, Any], copy: int) -> list[dict[str, Any]]:
    """Copy ``copy`` of a DUC cluster: more coverage of the same story (0: the original text).

    The cluster moves to a random day of the month (its spread in time
    compressed to a third, order kept); each copy of a document is dated up
    to two days later and drops a tenth of its sentences after the first, as
    another outlet's or a later edition's version would.
    """
    rng = random.Random(f"{record['id']}/{copy}")
    start_rng = random.Random(record["id"])
    start = MONTH_START + dt.timedelta(days=start_rng.randrange(MONTH_DAYS))
    dates = [dt.date.fromisoformat(d["published"]) for d in record["documents"]]
    out = []
    for document, date in zip(record["documents"], dates, strict=True):
        text = document["text"]
        if copy:
            sentences = _SENTENCE.split(text)
            text = " ".join(
                s for i, s in enumerate(sentences) if i == 0 or rng.random() >= DROP_SHARE
            )
        shift = (date - dates[0]).days // 3 + (rng.randrange(3) if copy else 0)
        published = start + dt.timedelta(days=shift)
        out.append({"text": text, "published": published.isoformat(), "outlet": document["outlet"]})
    return out


def write_inputs(data: Path | None, size: int, folder: Path) -> dict[str, str]:
    """Write ``size`` article files into ``folder``; the true story of each, by file name."""
    if data is None:
        for seed in sorted((ROOT / "seeds").iterdir()):
            (folder / seed.name).write_bytes(seed.read_bytes())
        return {}
    records = [json.loads(line) for line in data.read_text(encoding="utf-8").splitlines()]
    labels: dict[str, str] = {}
    copy = 0
    while len(labels) < size:
        for record in records:
            for number, doc in enumerate(variant(record, copy)):
                if len(labels) >= size:
                    return labels
                name = f"{len(labels):05d}-{record['id']}-{copy:03d}-{number:02d}.md"
                (folder / name).write_text(
                    f"---\npublished: {doc['published']}\noutlet: {doc['outlet']}\n---\n\n"
                    f"{doc['text']}\n",
                    encoding="utf-8",
                )
                labels[name] = record["id"]
        copy += 1
    return labels


def run_once(folder: Path, out: Path, max_stories: int | None) -> dict[str, Any]:
    """One build in this process: stage times, counts, the grouping found."""
    import digest.summarize.concepts as concepts
    from digest.build import make_digest, read_articles
    from digest.config import Settings
    from digest.publish import render_outputs, write_outputs
    from digest.summarize import SummaryOptions

    grouped: dict[str, Any] = {}
    group = concepts.group_articles

    def timed_group(articles: Any) -> list[list[int]]:
        start = time.perf_counter()
        groups = group(articles)
        grouped["seconds"] = time.perf_counter() - start
        grouped["groups"] = groups
        return groups

    concepts.group_articles = timed_group  # type: ignore[assignment]
    times: dict[str, float] = {}
    start = time.perf_counter()
    articles, _ = read_articles([folder])
    times["ingest+clean"] = time.perf_counter() - start
    start = time.perf_counter()
    built = make_digest(
        articles, date=dt.date(2026, 11, 21), options=SummaryOptions(max_stories=max_stories)
    )
    summarize = time.perf_counter() - start
    times["group"] = grouped.get("seconds", 0.0)
    times["summarize"] = summarize - times["group"]
    start = time.perf_counter()
    files = render_outputs(built.digest, Settings(site_url="https://bench.example/"))
    times["render"] = time.perf_counter() - start
    start = time.perf_counter()
    write_outputs(out, files)
    times["write"] = time.perf_counter() - start
    predicted: dict[str, int] = {}
    for label, members in enumerate(grouped.get("groups", [])):
        for i in members:
            predicted[Path(articles[i].path).name] = label
    return {
        "times": times,
        "cpu": time.process_time(),
        "articles": len(articles),
        "stories": len(built.digest.stories),
        "groups": len(grouped.get("groups", [])),
        "predicted": predicted,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def digest_build(
    sources: Sequence[Path], out: Path, date: str, archive: Path | None = None
) -> dict[str, Any]:
    """One real ``digest build`` in a child process: exit code, wall and CPU time, email size."""
    command = [sys.executable, "-m", "digest", "build", *map(str, sources), "--out", str(out)]
    command += ["--date", date, "--site-url", "https://bench.example/"]
    if archive is not None:
        command += ["--archive", str(archive)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    email = out / "email.html"
    return {
        "code": done.returncode,
        "wall": wall,
        "cpu": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
        "email_kb": email.stat().st_size / 1024 if email.exists() and not done.returncode else None,
        "summary": (done.stdout.strip().splitlines() or [""])[-1][:160],
        "stderr": done.stderr[-600:],
    }


def min_median(values: Sequence[float], unit: str = "s") -> str:
    return f"{min(values):.2f}/{statistics.median(values):.2f} {unit}"


#: The new articles of the incremental case, and their date (after the old issue's).
NEW_ARTICLES = 5
NEW_DATE = "2026-11-02"
OLD_DATE = "2026-11-01"


def incremental(data: Path, old: int, runs: int) -> None:
    """5 new articles beside ``old`` files already in an issue, against the 5 alone."""
    records = [json.loads(line) for line in data.read_text(encoding="utf-8").splitlines()]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        folder, new = root / "pile" / "old", root / "pile" / "new"
        folder.mkdir(parents=True)
        new.mkdir()
        write_inputs(data, old, folder)
        for n in range(NEW_ARTICLES):  # later versions of five stories: new text, new date
            record = records[n * 3 % len(records)]
            doc = variant(record, 900 + n)[0]
            (new / f"new-{n}.md").write_text(
                f"---\npublished: {NEW_DATE}\noutlet: {doc['outlet']} (late edition)\n---\n\n"
                f"Update {n}: {doc['text']}\n",
                encoding="utf-8",
            )
        base = root / "base"
        first = digest_build([folder], base, OLD_DATE)
        if first["code"]:
            print(f"incremental: the first build failed:\n{first['stderr']}")
            return
        results: dict[str, list[dict[str, Any]]] = {"whole": [], "alone": []}
        for _ in range(runs):
            for case, sources in (("whole", [root / "pile"]), ("alone", [new])):
                out = root / f"out-{case}"
                shutil.rmtree(out, ignore_errors=True)
                shutil.copytree(base, out)
                results[case].append(digest_build(sources, out, NEW_DATE))
    for case, label in (("whole", f"{old} old + {NEW_ARTICLES} new"), ("alone", "the 5 alone")):
        done = results[case]
        if any(r["code"] for r in done):
            print(f"incremental, {label}: failed:\n{done[0]['stderr']}")
            return
        print(
            f"incremental, {label}: wall {min_median([r['wall'] for r in done])}, "
            f"cpu {min_median([r['cpu'] for r in done])} (min/median of {len(done)}); "
            f"{done[0]['summary'].split('; wrote')[0]}"
        )
    ratio = [w["wall"] / a["wall"] for w, a in zip(results["whole"], results["alone"], strict=True)]
    cpu = [w["cpu"] / a["cpu"] for w, a in zip(results["whole"], results["alone"], strict=True)]
    print(
        f"incremental: whole / alone, per run: wall {', '.join(f'{r:.2f}x' for r in ratio)}; "
        f"cpu {', '.join(f'{r:.2f}x' for r in cpu)}"
    )


def own_folder(folder: Path, archive: Path, runs: int) -> None:
    """``digest build FOLDER`` against a copy of ``archive``, as it stands."""
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(runs):
            out = Path(tmp) / "out"
            shutil.rmtree(out, ignore_errors=True)
            out.mkdir()
            copy = out / "archive.sqlite3"
            if archive.exists():
                shutil.copy2(archive, copy)
            results.append(digest_build([folder], out, dt.date.today().isoformat(), copy))
    print(
        f"{folder} with {archive}: wall {min_median([r['wall'] for r in results])}, "
        f"cpu {min_median([r['cpu'] for r in results])} (min/median of {len(results)}); "
        f"exit {results[0]['code']}; {results[0]['summary'].split('; wrote')[0]}"
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Whole-pipeline build benchmark")
    parser.add_argument("--data", type=Path, help="DUC-style JSONL file (default: seeds/)")
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 3000, 10000])
    parser.add_argument("--runs", type=int, default=3, help="runs per size (min and median)")
    parser.add_argument("--max-stories", type=int, default=None, help="as digest build's")
    parser.add_argument(
        "--incremental", type=int, metavar="N", help="also: 5 new beside N old (with --data)"
    )
    parser.add_argument("--folder", type=Path, help="time digest build of this folder ...")
    parser.add_argument("--archive", type=Path, help="... against a copy of this archive")
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)  # child: build this folder
    args = parser.parse_args(argv)
    if args.one is not None:
        with tempfile.TemporaryDirectory() as out:
            print(json.dumps(run_once(args.one, Path(out) / "out", args.max_stories)))
        return
    if args.folder is not None:
        own_folder(args.folder, args.archive or args.folder / "archive.sqlite3", args.runs)
        return
    from sklearn.metrics import adjusted_rand_score

    sizes = args.sizes if args.data is not None else [0]
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "in"
            folder.mkdir()
            labels = write_inputs(args.data, size, folder)
            results = []
            cli = digest_build([folder], Path(tmp) / "cli", "2026-11-21")
            for _ in range(args.runs):
                command = [sys.executable, __file__, "--one", str(folder)]
                if args.max_stories is not None:
                    command += ["--max-stories", str(args.max_stories)]
                done = subprocess.run(command, capture_output=True, text=True, check=False)
                if done.returncode:
                    print(f"{size} articles: the build failed:\n{done.stderr[-2000:]}")
                    break
                results.append(json.loads(done.stdout.splitlines()[-1]))
            if not results:
                continue
        first = results[0]
        cells = []
        for stage in first["times"]:
            values = [r["times"][stage] for r in results]
            cells.append(f"{stage} {min(values):.2f}/{statistics.median(values):.2f} s")
        totals = [sum(r["times"].values()) for r in results]
        cpus = [r["cpu"] for r in results]
        peaks = [r["peak_mib"] for r in results]
        found = sorted(k for k in first["predicted"] if k in labels)
        truth = [labels[k] for k in found]
        guess = [first["predicted"][k] for k in found]
        ari = f"; grouping ARI {adjusted_rand_score(truth, guess):.3f}" if found else ""
        print(
            f"{first['articles']} articles -> {first['groups']} groups, {first['stories']} stories"
            f"{ari}; min/median of {len(results)}: "
            + ", ".join(cells)
            + f", total {min(totals):.2f}/{statistics.median(totals):.2f} s"
            f" (process CPU {min_median(cpus)});"
            f" peak RSS {min(peaks):.0f}/{statistics.median(peaks):.0f} MiB"
        )
        email = f"{cli['email_kb']:.1f} KB" if cli["email_kb"] is not None else "none"
        print(
            f"    digest build (defaults): exit {cli['code']}, email.html {email}, "
            f"wall {cli['wall']:.2f} s; {cli['summary'].split('; wrote')[0]}"
            + (f"\n{cli['stderr']}" if cli["code"] else "")
        )
    if args.incremental and args.data is not None:
        incremental(args.data, args.incremental, args.runs)


if __name__ == "__main__":
    main()
