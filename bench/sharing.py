"""Benchmark: a corpus shared through PostgreSQL, and parsing on a Dask cluster.

Builds the scale corpus of bench/benchmark.py (N cables with distinct ids), starts a
throwaway PostgreSQL server (tests/pgserver.py; fsync on, as a real server has it)
and measures in one run:

  - the ingest of the corpus (`cablekit parse DIR --store ...`) into a folder store and
    into PostgreSQL, one after the other;
  - search latency p50/p95 against PostgreSQL over bench/benchmark.py's query set, each
    search the whole of what `cablekit search -n 20` does in-process (the first page
    with snippets, and the count of matches), with 1, 4 and 8 searchers at once while
    a second corpus of --load cables is being ingested into the same database;
  - parsing the first --parse-cables cables to JSON lines with `--jobs 2` and with a
    two-worker Dask LocalCluster (`--cluster local:2`), paired, --rounds rounds.

    python bench/sharing.py                   # 250,000 cables
    python bench/sharing.py --cables 20000    # a few minutes
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from benchmark import QUERIES, build_corpus, machine, percentile, run_measured, write_table
from pgserver import Server, binaries

from cablekit.store import compile_query
from cablekit.store.postgres import open_database

CABLEKIT = [sys.executable, "-m", "cablekit"]


def one_search(database, query: str) -> float:
    """What `cablekit search -n 20 QUERY` does against the store, timed."""
    compiled = compile_query(query)
    start = time.perf_counter()
    rows = database.search(compiled, limit=20)
    if len(rows) == 20:
        database.count_matches(compiled)
    return time.perf_counter() - start


def _searcher(task: tuple[str, int, int]) -> list[float]:
    url, k, rounds = task
    database = open_database(url)
    try:
        times = []
        for r in range(rounds):
            for i in range(len(QUERIES)):
                times.append(one_search(database, QUERIES[(i + k + r) % len(QUERIES)][0]))
        return times
    finally:
        database.close()


def searchers(url: str, count: int, rounds: int) -> list[float]:
    """*count* processes (as many users), each with its own connection, running the query
    set *rounds* times, each from another query."""
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(count) as pool:
        return [t for times in pool.map(_searcher, [(url, k, rounds) for k in range(count)]) for t in times]


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if done.returncode:
        raise RuntimeError(f"{' '.join(cmd)} failed: {done.stderr[-2000:]}")
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cables", type=int, default=250_000)
    ap.add_argument("--load", type=int, default=20_000, help="cables ingested while the searches run")
    ap.add_argument("--parse-cables", type=int, default=20_000, help="cables parsed by --jobs 2 and the cluster")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--searches-only", action="store_true", help="only the PostgreSQL ingest and the searches")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results-sharing.md")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cablekit-sharing-"))
    folder = binaries()
    if folder is None:
        sys.exit("no PostgreSQL binaries found")
    server = Server(folder).start(fsync=True)
    results: list[tuple[str, str, str]] = []
    try:
        built = work / "built"
        built.mkdir()
        build_corpus(built, args.cables + 3 * args.load)
        # The first N cables are the corpus; three more sets of --load cables, with ids
        # of their own, are loaded while 1, 4 and 8 searchers run.
        corpus = work / "corpus"
        extras = [work / f"extra{k}" for k in range(3)]
        for target in (corpus, *extras):
            target.mkdir()
        for sub in sorted(built.iterdir()):
            for path in sorted(sub.iterdir()):
                serial = int(path.stem[1:])
                k = (serial - args.cables - 1) // args.load
                target = corpus / sub.name if serial <= args.cables else extras[k] / sub.name
                target.mkdir(exist_ok=True)
                path.rename(target / path.name)
        n = sum(1 for sub in corpus.iterdir() for _ in sub.iterdir())
        print(f"machine: {machine()}; built {n:,} cables", flush=True)

        url = server.create("bench")
        local_s = local_rss = 0.0
        if not args.searches_only:
            local_s, local_rss, _ = run_measured(CABLEKIT + ["parse", str(corpus), "--store", str(work / "store")])
        pg_s, pg_rss, proc = run_measured(CABLEKIT + ["parse", str(corpus), "--store", url])
        print(proc.stderr.strip().splitlines()[-1], flush=True)
        if local_s:
            results.append(
                (f"ingest of {n:,} cables into a folder store, 2 cores", f"{local_s:.0f} s ({n / local_s:,.0f}/s)", "")
            )
        results += [
            (f"ingest of {n:,} cables into PostgreSQL, 2 cores", f"{pg_s:.0f} s ({n / pg_s:,.0f}/s)", ""),
            (
                "peak memory of the ingests (RSS, cablekit's processes)",
                f"{local_rss / 2**20:.0f} / {pg_rss / 2**20:.0f} MB",
                "",
            ),
        ]
        subprocess.run(CABLEKIT + ["index", "--compact", "--store", url], capture_output=True)  # VACUUM ANALYZE
        alone = searchers(url, 1, 2)
        results.append(
            (
                "search p50 / p95, 1 searcher, nothing else running",
                f"{percentile(alone, 0.5) * 1000:.0f} / {percentile(alone, 0.95) * 1000:.0f} ms"
                f" ({len(alone)} searches)",
                "",
            )
        )
        for count, extra in zip((1, 4, 8), extras, strict=True):
            loading = subprocess.Popen(
                CABLEKIT + ["parse", str(extra), "--store", url, "-j", "1"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            time.sleep(2)
            start = time.perf_counter()
            times = searchers(url, count, max(1, args.rounds // count + 1))
            took = time.perf_counter() - start
            still = loading.poll() is None
            loading.kill()
            loading.wait()
            results.append(
                (
                    f"search p50 / p95, {count} searcher{'s' if count > 1 else ''}"
                    + (" while an ingest runs" if still else " (the ingest ended during the searches)"),
                    f"{percentile(times, 0.5) * 1000:.0f} / {percentile(times, 0.95) * 1000:.0f} ms"
                    f" ({len(times)} searches in {took:.0f} s)",
                    "p50 200 ms with 8",
                )
            )
            print(results[-1], flush=True)

        if args.searches_only:
            return write_table(args.out, f"{args.cables:,} cables; PostgreSQL from {folder}", results)
        part = work / "part"
        part.mkdir()
        files = sorted(p for sub in sorted(corpus.iterdir()) for p in sorted(sub.iterdir()))[: args.parse_cables]
        for path in files:
            (part / path.name).symlink_to(path)
        jobs, cluster = [], []
        for _ in range(args.rounds):
            jobs.append(timed(CABLEKIT + ["parse", str(part), "-o", str(work / "out.jsonl"), "--jobs", "2"]))
            cluster.append(
                timed(CABLEKIT + ["parse", str(part), "-o", str(work / "out.jsonl"), "--cluster", "local:2"])
            )
            print(jobs[-1], cluster[-1], flush=True)
        ratios = [c / j for c, j in zip(cluster, jobs, strict=True)]
        results += [
            (
                f"parse {len(files):,} files to JSON lines, --jobs 2 (median of {args.rounds})",
                f"{statistics.median(jobs):.1f} s",
                "",
            ),
            (
                "the same with --cluster local:2 (a 2-worker LocalCluster, started by the command)",
                f"{statistics.median(cluster):.1f} s",
                "",
            ),
            (
                "cluster / --jobs 2, paired round by round (median)",
                f"{statistics.median(ratios):.2f} ({', '.join(f'{r:.2f}' for r in ratios)})",
                "at most 1.15",
            ),
        ]
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
    write_table(args.out, f"{args.cables:,} cables; PostgreSQL from {folder}", results)


if __name__ == "__main__":
    main()
