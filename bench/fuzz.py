"""Long fuzz campaign: real corpus files, damaged at random, through every reader.

Each case takes a real file from ../shared/corpus (every folder, so every
input style), applies a few kinds of damage (tests/mutations.py: lines
deleted, duplicated, shuffled, truncated; random bytes; re-encoding to
Latin-1, cp1252 or UTF-16; invalid UTF-8; header or body cut off; markup and
control characters), then reads it with format detection (one case in four with a
forced format) and parses every document. A case fails when
anything raises or a record carries an internal-error warning.

    python bench/fuzz.py --cases 100000 --jobs 2 [--seed 1]
"""

from __future__ import annotations

import argparse
import glob
import random
import sys
import time
import traceback
from multiprocessing import Pool
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from mutations import mutate

from cablekit.parse import parse_document
from cablekit.sources import (
    FORMATS,
    read_bytes,
)
from cablekit.sources import document_sha as _document_sha

CORPUS = ROOT.parent / "shared" / "corpus"
MAX_SAMPLE = 400_000  # bytes taken from one file (multi-cable files are cut)


def _samples() -> list[bytes]:
    paths = sorted(p for p in glob.glob(str(CORPUS / "*" / "*")) if Path(p).is_file())
    return [Path(p).read_bytes()[:MAX_SAMPLE] for p in paths]


_SAMPLES: list[bytes] = []


def _init() -> None:
    global _SAMPLES
    _SAMPLES = _samples()


def run_case(seed: int) -> tuple[int, str | None, float, int, int]:
    rng = random.Random(seed)
    data = mutate(rng.choice(_SAMPLES), rng, steps=rng.randint(1, 6))
    fmt = rng.choice(FORMATS) if seed % 4 == 0 else None
    start = time.perf_counter()
    records = errors = 0
    try:
        _, docs = read_bytes(data, fmt)
        for doc in docs:
            if doc.error:
                errors += 1
                continue
            record = parse_document(doc, "fuzz", _document_sha(doc, "0" * 64))
            records += 1
            bad = [w for w in record["warnings"] if w.startswith(("internal parser error", "metadata could not"))]
            if bad:
                return seed, bad[0], time.perf_counter() - start, records, errors
    except Exception:  # noqa: BLE001 - that is what the campaign looks for
        return seed, traceback.format_exc(limit=4), time.perf_counter() - start, records, errors
    return seed, None, time.perf_counter() - start, records, errors


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    started = time.time()
    failures: list[tuple[int, str]] = []
    slowest = (0.0, None)
    done = records = errors = 0
    with Pool(args.jobs, initializer=_init) as pool:
        seeds = range(args.seed * 10_000_000, args.seed * 10_000_000 + args.cases)
        for seed, error, took, n_records, n_errors in pool.imap_unordered(run_case, seeds, chunksize=64):
            done += 1
            records += n_records
            errors += n_errors
            if error:
                failures.append((seed, error))
            if took > slowest[0]:
                slowest = (took, seed)
            if done % 10_000 == 0:
                print(f"{done} cases, {len(failures)} failures, {time.time() - started:.0f} s", flush=True)
    print(
        f"\n{done} cases in {time.time() - started:.0f} s: {len(failures)} failures; "
        f"{records} records parsed, {errors} clean per-file or per-item errors; "
        f"slowest case {slowest[0] * 1000:.0f} ms (seed {slowest[1]})"
    )
    for seed, error in failures[:10]:
        print(f"--- seed {seed}\n{error}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
