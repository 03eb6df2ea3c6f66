"""Paired before/after timing: this checkout against an earlier one, run by run.

The machines these run on change speed by a fifth within an hour, so two
versions are only compared in one run, taking turns: each round times the old
version, then the new one (or the other way round, alternately), on the same
inputs, through the same command:

  - per-core parse rates: `cablekit parse --json -j 1` over 600 text cables
    (cut from the corpus's web pages), the same 600 web pages, and the
    corpus's cables.csv files; cables per second of the command's CPU time;
  - the full ingest: `cablekit parse DIR --store S` on all cores into a new
    store, wall time, on a scale corpus built as bench/benchmark.py builds it;
  - with --instructions, the instructions (valgrind's callgrind) that the per-core
    commands execute: one count per version, the same on every run whatever the
    machine is doing.

    python bench/paired.py --old HEAD~5                 # a git revision
    python bench/paired.py --old /tmp/old --rounds 7 --cables 20000
    python bench/paired.py --old HEAD~5 --rounds 0 --cables 0 --instructions

It prints each round and the median of the per-round ratios new/old (below 1:
the new version is faster).
"""

from __future__ import annotations

import argparse
import glob
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from benchmark import CORPUS, PRE, build_corpus  # noqa: I001

from cablekit.sources.markup import strip_markup


def run(checkout: Path, args: list[str]) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds of the command and its workers, stderr) of `cablekit ARGS`."""
    env = dict(os.environ, PYTHONPATH=str(checkout))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "cablekit", *args],
        cwd=checkout,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):
        sys.exit(f"{checkout}: cablekit {' '.join(args)} failed: {proc.stderr[-400:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc.stderr


def instructions(checkout: Path, args: list[str], work: Path) -> int:
    """Instructions executed by `cablekit ARGS` under callgrind."""
    out = work / "callgrind.out"
    env = dict(os.environ, PYTHONPATH=str(checkout))
    subprocess.run(
        ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable, "-m", "cablekit", *args],
        cwd=checkout,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    m = re.search(r"^summary:\s+(\d+)", out.read_text(), re.M)
    out.unlink()
    return int(m.group(1)) if m else 0


def inputs(work: Path) -> dict[str, tuple[Path, int]]:
    """The per-core inputs: (folder, number of cables) for text, html and csv."""
    text, html = work / "text", work / "html"
    text.mkdir()
    html.mkdir()
    pages = sorted(glob.glob(str(CORPUS / "html" / "*.html")))[:600]
    for k, path in enumerate(pages):
        page = Path(path).read_text(encoding="utf-8", errors="replace")
        (text / f"{k:04d}.txt").write_text("\n\n".join(strip_markup(p) for p in PRE.findall(page)))
        shutil.copy(path, html)
    rows = 0
    for path in glob.glob(str(CORPUS / "csv" / "*")):
        rows += len(re.findall(r'^"?\d+"?,"?\d{1,2}/\d{1,2}/\d{4} ', Path(path).read_text(errors="replace"), re.M))
    return {"text": (text, len(pages)), "html": (html, len(pages)), "csv": (CORPUS / "csv", rows)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--old", required=True, help="a git revision of this repository, or a checkout folder")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--cables", type=int, default=20_000, help="size of the ingest corpus (0: no ingest)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--instructions", action="store_true", help="count instructions with valgrind too")
    ap.add_argument("--no-per-core", dest="per_core", action="store_false", help="time the ingest only")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cablekit-paired-"))
    old = Path(args.old)
    worktree = None
    if not old.is_dir():
        worktree = old = work / "old"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(old), args.old], check=True)
    versions = {"old": old, "new": ROOT}
    try:
        per_core = inputs(work)
        corpus = work / "corpus"
        if args.cables:
            corpus.mkdir()
            build_corpus(corpus, args.cables)
        ratios: dict[str, list[float]] = {}
        for r in range(args.rounds):
            order = ["old", "new"] if r % 2 == 0 else ["new", "old"]
            line = []
            for name, (folder, count) in per_core.items() if args.per_core else ():
                rate = {}
                for version in order:
                    _, cpu, _ = run(versions[version], ["parse", "--json", "-j", "1", str(folder)])
                    rate[version] = count / cpu
                ratios.setdefault(f"{name} parse CPU time", []).append(rate["old"] / rate["new"])
                line.append(f"{name} {rate['old']:,.0f} -> {rate['new']:,.0f}/s")
            if args.cables:
                wall = {}
                for version in order:
                    store = work / f"store-{version}"
                    shutil.rmtree(store, ignore_errors=True)
                    wall[version], _, err = run(
                        versions[version], ["parse", str(corpus), "--store", str(store), "-j", str(args.jobs)]
                    )
                ratios.setdefault("ingest wall time", []).append(wall["new"] / wall["old"])
                line.append(f"ingest {wall['old']:.1f} -> {wall['new']:.1f} s")
            print(f"round {r + 1} ({' then '.join(order)}): " + "; ".join(line), flush=True)
        if args.instructions:
            print("instructions (callgrind), old -> new:")
            for name, (folder, count) in per_core.items():
                cmd = ["parse", "--json", "-j", "1", str(folder)]
                old_n, new_n = (instructions(versions[v], cmd, work) for v in ("old", "new"))
                print(
                    f"  {name}: {old_n / count / 1e6:.2f} -> {new_n / count / 1e6:.2f} million a cable "
                    f"({new_n / old_n:.3f})",
                    flush=True,
                )
        print("\nmedian new/old (below 1: new is faster):")
        for name, values in ratios.items():
            print(f"  {name}: {statistics.median(values):.3f} (rounds: {', '.join(f'{v:.3f}' for v in values)})")
    finally:
        if worktree is not None:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(worktree)], check=False)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
