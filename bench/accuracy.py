"""Parser accuracy measured against the real corpus.

Web pages (html/): each page is parsed from its <pre> text alone (header
block, a blank line, body block; anchors and tag links reduced to their
text, entities decoded), with no metadata given to the parser, and the record
is compared with what the page itself says. The pages are reported in two
sets (manifest.csv's format column): the apr-2011 template that most mirrors
hold, and the earlier templates (dec-2010, aug-2011, early-2011, nov-2010).

  id           equal to the page's Reference ID (malformed published ids, such
               as 7575LIBREVILLE1895, are compared in their canonical form)
  class        equal to the page's Classification
  origin       equal to the page's Origin in canonical form (Embassy Madrid -> MADRID)
  date         the same day as the page's Created (or Date) cell
  tags         the record's tags equal, word for word and in order, to the
               page's tag links. Pages without tag links, and pages whose
               links do not spell the TAGS line of their own text (links cut
               at the first line, glued or split), are counted apart
  subject      equal to the page's <h3> subject after white-space normalisation.
               The title is cut where it runs on into REF, Classified By or a
               page marker; a title that holds only the first line of a
               longer subject (all apr-2011 titles do) counts when it is that
               first line (a prefix of the record's subject ending at a word
               boundary). A subject that itself runs on into REF, Classified
               By or a page marker is wrong

cables.csv (csv/): each record's reference ids (REF list) equal (as a set) to
the row's references column, both in canonical form (the column writes ids as
the text does: 03SECSTATE45598 is 03STATE45598; "03REFTEL:2002OTTAWA2048" is
02OTTAWA2048). The column is often incomplete (rows whose text cites cables but
whose column is empty), so a second line counts the rows where every id of the
column is among the record's references or body citations (`cited`). The
column lists some cables' own id, which no reading should cite: those are left
out. It also gives every reference the citing cable's year ("BOGOTA 04 12603"
of a 2005 cable is 05BOGOTA412603 there), so a third line compares station
and serial only.

    python bench/accuracy.py [--show FIELD] [--set apr-2011|earlier] [--limit N] [--markdown]
"""

from __future__ import annotations

import argparse
import collections
import glob
import html as htmlmod
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from cablekit import parse_text
from cablekit.parse import parse_document
from cablekit.parse.metadata import canonical_origin
from cablekit.parse.refs import canonical_station
from cablekit.record import canonical_id
from cablekit.sources.cablescsv import stream as read_csv_stream
from cablekit.sources.markup import strip_markup
from cablekit.sources.page import page_metadata

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
PRE = re.compile(r"<pre[^>]*>(.*?)</pre>", re.IGNORECASE | re.DOTALL)
TAG_LINK = re.compile(r"<a\s[^>]*href=['\"][^'\"]*/tag/[^'\"]*['\"][^>]*>(.*?)</a>", re.IGNORECASE | re.DOTALL)
MARKING = re.compile(r"^\(?\s*(?:U|C|S|SBU|LOU|TS|C/NF|S/NF|S//NF|C//NF|U//FOUO|SBU/NF)\s*\)\s*", re.IGNORECASE)
RUN_ON = re.compile(
    r"(?:\s|(?<=[A-Z]))(?:REFS?\s*:|REF\(S\)|Classified\s+By|CLASSIFIED\s+BY)|\s\d{8}\s+\d{3}(?:\.\d)?\s+OF"
)


def _without_marker(title: str, station: str) -> str:
    """The title cut before a page marker of the cable's own station ("LONDON 00002542 001.2 OF")."""
    if not station:
        return title
    m = re.search(r"\s" + r"\s?".join(station) + r"\s\d{8}\s+\d{3}(?:\.\d)?\s+OF", title)
    return title[: m.start()] if m else title


# What a page's title writes that is no part of the subject: a leading "SUBJECT:", a
# marking such as "(S/REL UK)" or what is left of it, a trailing backslash continuation.
TITLE_JUNK = re.compile(r"^(?:SUBJECT:\s*)?\(?[A-Z]{1,4}(?:/+[A-Z ]+)?\)\s+|^SUBJECT:\s*|\s*\\$")
QUOTES = "\"'[(\u201c\u201d\u2018\u2019"


def words(values) -> list[str]:
    return [w for v in values for w in re.split(r"[\s,]+", v) if w]


def norm(text: str | None) -> str:
    return " ".join((text or "").split())


def tags_line_words(text: str) -> list[str]:
    """The words of the TAGS line(s) as the page's own text writes them."""
    m = re.search(r"(?im)^(?:.*?\s)?(?:TAGS?|TAS|TGS)\s*[:;]?\s+(.*)$", text)
    return words([m.group(1)]) if m else []


def check_page(path: str) -> dict:
    page = Path(path).read_text(encoding="utf-8", errors="replace")
    meta = page_metadata(page)
    pres = PRE.findall(page)
    links = [norm(strip_markup(t)) for t in TAG_LINK.findall(pres[-1])] if pres else []
    text = "\n\n".join(strip_markup(p) for p in pres)
    record = parse_text(text, None)
    results = {}

    page_id = canonical_id(meta.get("reference id", ""))[0]
    results["id"] = (record["id"] == page_id, _id_class(record, page_id))

    page_class = norm(meta.get("classification")).upper()
    results["class"] = (
        record["classification"] == page_class,
        "no classification line" if record["classification"] is None else f"{record['classification']} vs {page_class}",
    )

    page_origin = canonical_origin(meta.get("origin") or "") or ""
    results["origin"] = (record["origin"] == page_origin, f"{record['origin']} vs {page_origin}")

    created = (meta.get("created") or meta.get("date") or "")[:10]
    results["date"] = (
        (record["date"] or "")[:10] == created,
        "no date in the text" if not record["date"] else "different day",
    )

    if not links:
        results["tags"] = (None, "page has no tag links")
    else:
        # Links split multi-word tags and leave glued ones whole: compare letters only,
        # with duplicates (which the record drops) removed.
        link_words = list(dict.fromkeys(words(links)))
        got = words(record["tags"])
        same = "".join(got) == "".join(link_words)
        line = tags_line_words(text)
        if same:
            results["tags"] = (True, "")
        elif not line or link_words != list(dict.fromkeys(line))[: len(link_words)]:
            results["tags"] = (None, "page's tag links do not spell its TAGS line")
        elif got[: len(link_words)] == link_words:
            results["tags"] = (None, "page's tag links stop at the first TAGS line")
        else:
            results["tags"] = (False, "tags differ")

    title = norm(htmlmod.unescape(meta.get("subject") or ""))
    station = re.sub(r"^\d+|\d+$", "", page_id)
    title = _without_marker(title, station)
    title = TITLE_JUNK.sub("", MARKING.sub("", RUN_ON.split(title)[0])).strip(" .").lstrip(QUOTES)
    subject = norm(record["subject"]).lstrip(QUOTES)
    if not title:
        results["subject"] = (None, "page title empty")
    else:
        # A title cut at its first line (apr-2011), or at a full stop, is a prefix of the subject.
        ok = subject == title or (subject.startswith(title) and subject[len(title) : len(title) + 1] in (" ", "", "."))
        why = "no subject read" if not subject else "subject differs"
        if ok and RUN_ON.search(subject):
            ok, why = False, "subject runs on into REF, Classified By or a page marker"
        if subject and not ok and subject[1:].startswith(title.lstrip("\"'[(\u201c")[:20]):
            why = "page title dropped the subject's first character"
        elif subject and not ok and title.startswith(subject[: max(10, len(title) - 4)]):
            why = "page title cut at a full stop or changed at its end"
        results["subject"] = (ok, why)
    return {
        "name": Path(path).name,
        "results": results,
        "got": {
            "id": record["id"],
            "class": record["classification"],
            "origin": record["origin"],
            "date": record["date"],
            "tags": record["tags"],
            "subject": record["subject"],
        },
        "want": {
            "id": page_id,
            "class": page_class,
            "origin": page_origin,
            "date": created,
            "tags": links,
            "subject": title,
        },
    }


def _id_class(record: dict, page_id: str) -> str:
    if record["id_from"] == "source":
        return "no date in the text, so no year for the id" if record["date"] is None else "no id in the text"
    if record["id"][:2] != page_id[:2]:
        return "year differs (guessed from the declassification date)"
    return "the text is another cable's, or its id differs"


def column_id(value: str) -> str:
    """The references column writes ids as the text does ('03SECSTATE45598', '04Hanoi1268'):
    compare them in canonical form ('03STATE45598', '04HANOI1268')."""
    value = re.sub(r"^(\d{2})REFTEL:", r"\1", value.strip())
    value = re.sub(r"^\d{2}(?:19|20)(\d{2})(?=[A-Z])", r"\1", value)  # 03REFTEL:2002OTTAWA2048
    m = re.match(r"^(\d{2})([A-Za-z][A-Za-z ]*?)0*(\d+)$", value.strip())
    if not m:
        return value
    return f"{m.group(1)}{canonical_station(m.group(2))}{m.group(3)}"


def _station_serial(cid: str) -> str:
    return re.sub(r"^\d{2}", "", cid)


def check_csv() -> tuple[int, int, int, int, collections.Counter, list]:
    total = good = found = loose = 0
    classes: collections.Counter = collections.Counter()
    failures = []
    for path in sorted(glob.glob(str(CORPUS / "csv" / "*"))):
        with open(path, "rb") as raw:
            import io

            stream = io.TextIOWrapper(raw, encoding="utf-8", errors="replace", newline="")
            for doc in read_csv_stream(stream):
                if doc.error:
                    continue
                record = parse_document(doc, None, "0" * 64)
                want = {column_id(r) for r in doc.meta.get("references", [])} - {record["id"]}
                got = {r["id"] for r in record["references"] if r["id"]}
                cited = got | {r["id"] for r in record["cited"]}
                total += 1
                found += want <= cited
                loose += {_station_serial(x) for x in want} <= {_station_serial(x) for x in cited}
                if got == want:
                    good += 1
                else:
                    kind = "missed" if got < want else "extra" if got > want else "different"
                    classes[f"csv references: {kind}"] += 1
                    failures.append((doc.meta.get("id"), sorted(got), sorted(want)))
    return total, good, found, loose, classes, failures


def page_sets() -> dict[str, str]:
    """Page file name -> its set: 'apr-2011' or 'earlier' (from manifest.csv)."""
    import csv

    sets = {}
    with open(CORPUS / "manifest.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["path"].startswith("html/"):
                sets[Path(row["path"]).name] = "apr-2011" if row["format"].endswith("apr-2011") else "earlier"
    return sets


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--show", help="print the failures of one field (id, class, origin, date, tags, subject, csv)")
    ap.add_argument("--set", choices=("apr-2011", "earlier"), help="with --show: only this page set")
    ap.add_argument("--limit", type=int, default=25)
    ap.add_argument("--markdown", action="store_true", help="print the table as Markdown (for the README)")
    args = ap.parse_args()

    sets = page_sets()
    counts = collections.defaultdict(lambda: [0, 0])  # (set, field) -> [cases, correct]
    apart: collections.Counter = collections.Counter()
    classes: collections.Counter = collections.Counter()
    shown = []
    for path in sorted(glob.glob(str(CORPUS / "html" / "*.html"))):
        outcome = check_page(path)
        which = sets.get(outcome["name"], "earlier")
        for field, (ok, why) in outcome["results"].items():
            if ok is None:
                apart[f"{which} {field}: {why}"] += 1
                continue
            counts[(which, field)][0] += 1
            counts[(which, field)][1] += bool(ok)
            if not ok:
                classes[f"{which} {field}: {why}"] += 1
                if args.show == field and args.set in (None, which):
                    shown.append((outcome["name"], outcome["got"][field], outcome["want"][field]))
    total, good, found, loose, csv_classes, csv_failures = check_csv()
    counts[("csv", "references equal to the column")] = [total, good]
    counts[("csv", "every column id cited")] = [total, found]
    counts[("csv", "every column station+serial cited")] = [total, loose]
    classes.update(csv_classes)
    if args.show == "csv":
        shown = csv_failures

    rows = [
        (which, field, cases, correct, 100.0 * correct / cases if cases else 0.0)
        for (which, field), (cases, correct) in sorted(
            counts.items(), key=lambda kv: (kv[0][0] != "apr-2011", kv[0][0])
        )
    ]
    if args.markdown:
        print("| pages | field | cases | correct | percent |\n|---|---|---:|---:|---:|")
        for which, field, cases, correct, pct in rows:
            print(f"| {which} | {field} | {cases} | {correct} | {pct:.1f}% |")
    else:
        print(f"{'pages':9} {'field':36} {'cases':>6} {'correct':>8} {'percent':>8}")
        for which, field, cases, correct, pct in rows:
            print(f"{which:9} {field:36} {cases:6d} {correct:8d} {pct:7.1f}%")
    print("\nCounted apart (not in the percentages):")
    for what, n in apart.most_common():
        print(f"  {n:5d}  {what}")
    print("\nMost common failure classes:")
    for what, n in classes.most_common(15):
        print(f"  {n:5d}  {what}")
    for item in shown[: args.limit]:
        print(item)


if __name__ == "__main__":
    main()
