"""Does a store depend on anything but its input? Ingest, re-ingest, rebuild, reorder.

Ingests the whole corpus into a new store, then runs `cablekit parse` over it
again, then `cablekit index --rebuild` and `cablekit parse` once more; then
ingests it into a second store with its folders in the reverse order. The
store's records, sorted by id, must be the same after every step and in both
stores; every run after the first must report nothing parsed.

    python bench/stable_store.py                    # ../shared/corpus
    python bench/stable_store.py --corpus DIR

Exit status: 0 when every comparison holds, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"


def cablekit(*args: str) -> str:
    """Run a cablekit command of this checkout; return its last line on stderr."""
    proc = subprocess.run(
        [sys.executable, "-m", "cablekit", *args],
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        capture_output=True,
        text=True,
    )
    if proc.returncode not in (0, 1):
        sys.exit(f"cablekit {' '.join(args)} failed ({proc.returncode}): {proc.stderr[-500:]}")
    lines = [line for line in proc.stderr.splitlines() if "passed over" not in line or "parsed" in line]
    return lines[-1] if lines else ""


def records(store: Path) -> dict[str, str]:
    """id -> the record's JSON line, for the live record of every id."""
    latest = {}
    with open(store / "records.jsonl", encoding="utf-8") as handle:
        for line in handle:
            latest[json.loads(line)["id"]] = line
    return latest


def compare(name: str, a: dict[str, str], b: dict[str, str]) -> bool:
    differing = [i for i in a.keys() & b.keys() if a[i] != b[i]]
    missing, extra = sorted(a.keys() - b.keys()), sorted(b.keys() - a.keys())
    ok = not (differing or missing or extra)
    print(f"{name}: {len(b)} records, {'identical' if ok else 'DIFFERENT'}", end="")
    if not ok:
        print(
            f" ({len(differing)} differ, e.g. {sorted(differing)[:3]}; {len(missing)} gone; {len(extra)} new)", end=""
        )
    print()
    return ok


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    args = ap.parse_args()
    corpus = args.corpus.resolve()
    folders = sorted(str(p) for p in corpus.iterdir() if p.is_dir())
    files = sorted(str(p) for p in corpus.iterdir() if p.is_file())
    work = Path(tempfile.mkdtemp(prefix="cablekit-stable-"))
    try:
        a, b = work / "a", work / "b"
        print("first ingest:", cablekit("parse", str(corpus), "--store", str(a)))
        first = records(a)
        print("again:", cablekit("parse", str(corpus), "--store", str(a)))
        ok = compare("after a second ingest", first, records(a))
        print("rebuild:", cablekit("index", "--rebuild", "--store", str(a)))
        print("again:", cablekit("parse", str(corpus), "--store", str(a)))
        ok &= compare("after index --rebuild and a third ingest", first, records(a))
        print("reversed order:", cablekit("parse", *reversed(files), *reversed(folders), "--store", str(b)))
        ok &= compare("folders in the reverse order, a new store", first, records(b))
        check = cablekit("check", "--store", str(a))
        print("check:", check)
        ok &= "consistent" in check
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
