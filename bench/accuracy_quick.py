"""Quick development check: parse each html page's <pre> text and compare
id / classification / date / tags / subject with the page's own metadata."""
import collections, glob, html, re, sys
sys.path.insert(0, ".")
from cablekit import parse_text

def page(path):
    s = open(path, encoding="utf-8", errors="replace").read()
    tds = re.findall(r"<td>\s*(?:<a[^>]*>)?(.*?)(?:</a>)?\s*</td>", s, re.S)
    h3 = re.search(r"<h3>(Viewing cable .*?)</h3>", s, re.S)
    pres = re.findall(r"<pre>(.*?)</pre>", s, re.S)
    tags = []
    if len(pres) > 1:
        tags = re.findall(r"<a href='[^']*/tag/[^']*'>(.*?)</a>", pres[1])
    parts = []
    for p in pres:
        p = p.replace("&#x000A;", "\n")
        p = re.sub(r"<a [^>]*>(.*?)</a>", r"\1", p)
        parts.append(p)
    return tds, (h3.group(1) if h3 else ""), "\n\n".join(parts), tags

fails = collections.Counter()
n = 0; ok = collections.Counter(); examples = collections.defaultdict(list)
for f in sorted(glob.glob("../shared/corpus/html/*.html")):
    tds, h3, text, tags = page(f)
    pid = tds[0].strip(); created = tds[1][:10]; cls = tds[3] if len(tds) > 4 else tds[2]
    r = parse_text(text, None)
    n += 1
    subj = re.sub(r"^Viewing cable [^,]*,\s*", "", html.unescape(h3)).strip()
    checks = {
        "id": r["id"] == pid,
        "class": (r["classification"] or "") == cls.strip(),
        "date": (r["date"] or "")[:10] == created,
        "tags": " ".join(t for tg in r["tags"] for t in re.split(r"[ ,]+", tg)) == " ".join(" ".join(tags).split()),
        "subject": " ".join((r["subject"] or "").split()).startswith(" ".join(subj.split())) and bool(r["subject"] or not subj),
    }
    if not tags:
        del checks["tags"]
    for k, v in checks.items():
        if v: ok[k] += 1
        else:
            examples[k].append((f.split("/")[-1], {"id": (r["id"], pid), "class": (r["classification"], cls), "date": (r["date"], created), "tags": (r["tags"], tags), "subject": (r["subject"], subj)}[k]))
for k in ["id", "class", "date", "tags", "subject"]:
    print(f"{k:8} {ok[k]}/{ok[k]+len(examples[k])} {100*ok[k]/(ok[k]+len(examples[k])):.1f}%")
which = sys.argv[1] if len(sys.argv) > 1 else None
if which:
    for e in examples[which][:int(sys.argv[2]) if len(sys.argv) > 2 else 30]:
        print(e)
