"""Development check of parser accuracy against the corpus web pages.

Parses each page of ../shared/corpus/html from its <pre> text alone (header
block, blank line, body block, anchors and tag links reduced to text) and
compares id, classification, date, tags and subject with what the page says.
Pages without tag links are left out of the tags figure; the <h3> title often
holds only the first line of the subject, so a subject counts as right when
it starts with the title. (The full accuracy script of the "every input
style" issue will replace this.)

    python bench/accuracy_quick.py [FIELD [N]]   # FIELD: show N failures
"""

import collections
import glob
import html
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from cablekit import parse_text  # noqa: E402

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "html"
FIELDS = ["id", "class", "date", "tags", "subject"]


def read_page(path):
    page = Path(path).read_text(encoding="utf-8", errors="replace")
    cells = re.findall(r"<td>\s*(?:<a[^>]*>)?(.*?)(?:</a>)?\s*</td>", page, re.S)
    title = re.search(r"<h3>(Viewing cable .*?)</h3>", page, re.S)
    pres = re.findall(r"<pre>(.*?)</pre>", page, re.S)
    tags = re.findall(r"<a href='[^']*/tag/[^']*'>(.*?)</a>", pres[1]) if len(pres) > 1 else []
    text = "\n\n".join(re.sub(r"<a [^>]*>(.*?)</a>", r"\1", p.replace("&#x000A;", "\n")) for p in pres)
    subject = re.sub(r"^Viewing cable [^,]*,\s*", "", html.unescape(title.group(1))).strip() if title else ""
    return cells, subject, text, tags


def words(values):
    return " ".join(w for v in values for w in re.split(r"[ ,]+", v) if w)


def main():
    good = collections.Counter()
    failures = collections.defaultdict(list)
    for path in sorted(glob.glob(str(CORPUS / "*.html"))):
        cells, subject, text, tags = read_page(path)
        page_id, created = cells[0].strip(), cells[1][:10]
        classification = (cells[3] if len(cells) > 4 else cells[2]).strip()
        r = parse_text(text, None)
        got_subject = " ".join((r["subject"] or "").split())
        checks = {
            "id": (r["id"], page_id),
            "class": (r["classification"], classification),
            "date": ((r["date"] or "")[:10], created),
            "tags": (words(r["tags"]), words(tags)) if tags else None,
            "subject": (got_subject, " ".join(subject.split())),
        }
        for field, pair in checks.items():
            if pair is None:
                continue
            ok = pair[0].startswith(pair[1]) and bool(pair[0] or not pair[1]) if field == "subject" \
                else pair[0] == pair[1]
            if ok:
                good[field] += 1
            else:
                failures[field].append((Path(path).name, pair))
    for field in FIELDS:
        total = good[field] + len(failures[field])
        print(f"{field:8} {good[field]}/{total} {100 * good[field] / total:.1f}%")
    if len(sys.argv) > 1:
        for failure in failures[sys.argv[1]][: int(sys.argv[2]) if len(sys.argv) > 2 else 30]:
            print(failure)


if __name__ == "__main__":
    main()
