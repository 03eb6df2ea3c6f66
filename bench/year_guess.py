"""How often is the year of an undated cable guessed right?

Takes every corpus cable whose date is known (from its text or its source's
metadata) and that carries a declassification date, hides the date, and
guesses the year as the parser does for an undated cable: from the
declassification date alone (ten years before it, or twenty-five where ten
would be after the releases), and with the offset bounded by the years of the
cables it cites and the years its text names (`parse.dates.guess_year`).

    python bench/year_guess.py
    python bench/year_guess.py --corpus ../shared/corpus
"""

from __future__ import annotations

import argparse
import collections
import re
from pathlib import Path

from cablekit.parse.dates import guess_year
from cablekit.pipeline import records_of
from cablekit.record import full_year
from cablekit.sources import open_input

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
NAMED = re.compile(r"(?<![\d/-])(19[4-9]\d|20[0-3]\d)(?![\d/-])")
DECL_LINE = re.compile(r"E\.?\s?O\.?\s?\d|DECL|DECLASSIFY|CLASSIFIED\s+BY|REASON", re.IGNORECASE)


def decl_only(decl: str) -> int:
    year = int(decl[:4])
    return year - 10 if year - 10 <= 2010 else year - 25


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args()
    right: collections.Counter[str] = collections.Counter()
    cases = 0
    skip = ("README.md", "manifest.csv")
    for path in sorted(p for p in args.corpus.rglob("*") if p.is_file() and p.name not in skip):
        for record, _ in records_of(open_input(str(path)), str(path)):
            if not record or not record.get("date") or not (record.get("eo") or {}).get("decl"):
                continue
            year = int(record["date"][:4])
            decl = record["eo"]["decl"]
            cited = [
                full_year(int(x["id"][:2]))
                for x in [*(record.get("references") or []), *(record.get("cited") or [])]
                if x.get("id") and not x.get("year_inferred")
            ]
            text = "\n".join(line for line in record["text"].splitlines() if not DECL_LINE.search(line))
            named = [int(y) for y in NAMED.findall(text)]
            cases += 1
            right["declassification date alone"] += decl_only(decl) == year
            right["bounded by cited and named years"] += guess_year(decl, cited, named) == year
    print(f"{cases} dated cables with a declassification date")
    for how, n in right.items():
        print(f"  {how:34s} {n:5d}  {100 * n / cases:.1f}%")


if __name__ == "__main__":
    main()
