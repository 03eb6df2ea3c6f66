"""Do two versions of cablekit make the same records? Byte by byte, on a whole corpus.

Runs `cablekit parse --json CORPUS` once with an earlier checkout (a git revision,
checked out into a temporary work tree, or a folder) and once with this one, each
from its own folder and given the corpus by its absolute path (so that source
paths agree), and compares the two outputs line by line. Fields that only the newer version writes (`--new-field`,
by default `warning_codes`) are dropped from its records before the comparison;
every other byte must be the same.

    python bench/same_records.py --old HEAD~3
    python bench/same_records.py --old /tmp/old-checkout --corpus ../shared/corpus
    python bench/same_records.py --old main --show 5   # print the first differences

Exit status: 0 when every record is identical, 1 otherwise.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"


def records_of(checkout: Path, corpus: str, jobs: int) -> list[bytes]:
    """The JSON lines that `cablekit parse --json` of *checkout* prints for *corpus*."""
    env = dict(os.environ, PYTHONPATH=str(checkout))
    proc = subprocess.run(
        [sys.executable, "-m", "cablekit", "parse", "--json", "-j", str(jobs), corpus],
        cwd=checkout,
        env=env,
        capture_output=True,
    )
    if proc.returncode not in (0, 1):
        sys.exit(f"{checkout}: cablekit parse failed ({proc.returncode}): {proc.stderr.decode()[-500:]}")
    return proc.stdout.splitlines()


def without(line: bytes, fields: list[str]) -> bytes:
    record = json.loads(line)
    if not any(name in record for name in fields):
        return line
    for name in fields:
        record.pop(name, None)
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--old", required=True, help="a git revision of this repository, or a checkout folder")
    ap.add_argument("--corpus", default=str(CORPUS), help="input folder")
    ap.add_argument("--new-field", action="append", default=None, help="a field only the new version writes")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--show", type=int, default=3, help="print this many differing records")
    args = ap.parse_args()
    new_fields = args.new_field or ["warning_codes"]
    args.corpus = os.path.abspath(args.corpus)
    with tempfile.TemporaryDirectory(prefix="cablekit-old-") as tmp:
        old = Path(args.old)
        if not old.is_dir():
            old = Path(tmp) / "checkout"
            subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(old), args.old], check=True)
        try:
            before = records_of(old, args.corpus, args.jobs)
        finally:
            if old.parent == Path(tmp):
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(old)], check=True)
    after = records_of(ROOT, args.corpus, args.jobs)
    print(f"records: {len(before)} before, {len(after)} after")
    changed: collections.Counter = collections.Counter()
    shown = differing = 0
    for k, (a, b) in enumerate(zip(before, after, strict=False)):
        b = without(b, new_fields) if new_fields else b
        if a == b:
            continue
        differing += 1
        ra, rb = json.loads(a), json.loads(b)
        fields = [f for f in dict.fromkeys([*ra, *rb]) if ra.get(f) != rb.get(f)] or ["(key order)"]
        changed.update(fields)
        if shown < args.show:
            shown += 1
            print(f"line {k + 1}: {ra.get('id')} differs in {', '.join(fields)}")
            for f in fields[:3]:
                print(f"  before {f}: {json.dumps(ra.get(f), ensure_ascii=False)[:300]}")
                print(f"  after  {f}: {json.dumps(rb.get(f), ensure_ascii=False)[:300]}")
    print(f"identical: {len(before) - differing - abs(len(before) - len(after))}; differing: {differing}")
    for field, n in changed.most_common():
        print(f"  {field}: {n}")
    return 0 if not differing and len(before) == len(after) else 1


if __name__ == "__main__":
    sys.exit(main())
