"""Exploring at scale: grouped counts, `stats`, cited-by and `refs --depth 2`.

Builds the scale corpus bench/benchmark.py builds (N cables with distinct ids,
replicated from ../shared/corpus), ingests it into a new store (or uses --store,
an existing one), then times in-process, median of five runs each:

  - grouped counts (`search QUERY --by year|origin|tag`) for a common word and a
    rare one (the word of the index closest to 0.1% of the cables);
  - the summary `cablekit stats` prints;
  - cited-by of the 20 most cited cables; the `refs --depth 2` walk of 10 of them.

    python bench/explore.py                  # 250,000 cables
    python bench/explore.py --cables 20000
    python bench/explore.py --store /tmp/big/store   # an existing store
    python bench/explore.py --keep /tmp/big          # keep the corpus and store built

It writes bench/results-explore.md.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from benchmark import build_corpus, machine  # noqa: I001

from cablekit.cli.explore import _summary
from cablekit.store import Store, compile_query, open_index
from cablekit.store.graph import walk


def median_ms(work, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def rare_word(index, total: int) -> str:
    """A word in about 0.1% of the cables, from the index's own vocabulary."""
    target = max(2, total // 1000)
    row = index.db.execute(
        "SELECT term FROM fts_vocab WHERE term GLOB '[a-z][a-z][a-z][a-z]*' AND doc BETWEEN ? AND ? LIMIT 1",
        (target // 2, target * 2),
    ).fetchone()
    return row[0] if row else "kouchner"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cables", type=int, default=250_000)
    ap.add_argument("--store", type=Path, help="an existing store to measure (no corpus is built)")
    ap.add_argument("--keep", type=Path, help="build the corpus and store in this folder and keep them")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results-explore.md")
    args = ap.parse_args()
    lines = []
    with tempfile.TemporaryDirectory() as tmp:
        store_path = args.store
        if store_path is None:
            work = args.keep or Path(tmp)
            corpus, store_path = work / "corpus", work / "store"
            corpus.mkdir(parents=True)
            made = sum(build_corpus(corpus, args.cables))
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "cablekit", "parse", str(corpus), "--store", str(store_path)],
                check=True,
                cwd=ROOT,
                stderr=subprocess.DEVNULL,
            )
            lines.append(f"ingest of {made:,} cables: {time.perf_counter() - start:.0f} s")
        store = Store(store_path)
        index = open_index(store)
        total = index.count()
        rare = rare_word(index, total)
        rows = []
        for word in ("government", rare):
            compiled = compile_query(word)
            hits = index.count_matches(compiled)
            for by in ("year", "origin", "tag"):
                # as `search --by` does it: the matches counted, then grouped
                ms = median_ms(lambda c=compiled, b=by: index.group_counts(c, b, index.count_matches(c)))
                rows.append((f"`search {word} --by {by}` ({hits:,} matches)", ms))
        rows.append(("`stats` (the whole summary)", median_ms(lambda: _summary(index, store, 10))))
        cited = [
            target
            for (target,) in index.db.execute(
                "SELECT e.target FROM edges e JOIN records r ON r.id = e.target"
                " GROUP BY e.target ORDER BY COUNT(*) DESC LIMIT 20"
            )
        ]
        rows.append(
            ("cited-by of the 20 most cited cables, each", median_ms(lambda: [index.cited_by(c) for c in cited]) / 20)
        )
        rows.append(
            (
                "`refs --depth 2` of 10 of them, each",
                median_ms(lambda: [walk(index, [c], 2) for c in cited[:10]]) / 10,
            )
        )
        index.close()
    report = [
        f"Measured {time.strftime('%Y-%m-%d')} on {machine()}; {total:,} cables in the store"
        + (f" ({'; '.join(lines)})" if lines else "")
        + ". Median of five runs, in-process (`python bench/explore.py`).",
        "",
        "| measure | time |",
        "|---|---:|",
        *[f"| {name} | {ms:,.0f} ms |" for name, ms in rows],
    ]
    text = "\n".join(report) + "\n"
    args.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
