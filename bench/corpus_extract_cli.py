"""Issue 2, acceptance 5: `newscrawl extract` (the CLI, as a person runs it) on every page
of ../shared/corpus/korean, compared with the title and publication time its source
project asserted. Titles are compared with whitespace folded (the extractor turns NBSP
into a space); times to the minute, or by calendar day where the truth is a date.

    .venv/bin/python -m bench.corpus_extract_cli
"""
import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
root = str(REPO.parent / "shared" / "corpus" / "korean") + "/"
if not Path(root).is_dir():
    sys.exit(f"skipped: {root} is absent (the corpus lives beside the repository in this workplace)")
newscrawl = str(Path(sys.executable).parent / "newscrawl")
t_ok = t_all = p_ok = p_all = 0
for line in open(root + "index.jsonl"):
    r = json.loads(line)
    out = subprocess.run([newscrawl, "extract", root + r["file"], "--url", r["url"]], capture_output=True, text=True)
    if out.returncode:
        print(r["id"], "FAILED", out.stderr.strip()); continue
    art = json.loads(out.stdout)
    truth = r.get("truth") or {}
    title = truth.get("title")
    date = truth.get("publishing_date") or truth.get("published_date")
    res = []
    if title:
        t_all += 1; ok = " ".join(art["title"].split()) == " ".join(title.split()); t_ok += ok; res.append(f"title {'ok' if ok else 'MISMATCH'}")
    if date:
        p_all += 1
        got = datetime.fromisoformat(art["published_at"]) if art["published_at"] else None
        if len(str(date)) == 10:  # a date-only truth (htmldate): compare the KST calendar day
            ok = got is not None and got.date().isoformat() == str(date)
        else:
            want = datetime.fromisoformat(str(date))
            if want.tzinfo is None and got is not None:
                got = got.replace(tzinfo=None)  # truth without offset: the page's wall time
            ok = got is not None and got.replace(second=0, microsecond=0) == want.replace(second=0, microsecond=0)
        p_ok += ok; res.append(f"published {'ok' if ok else 'MISMATCH'} ({art['published_at']} vs {date})")
    print(r["id"], "; ".join(res) or "no title/date truth", f"| title={art['title'][:40]!r}")
print(f"titles {t_ok}/{t_all}, published {p_ok}/{p_all}, pages {sum(1 for _ in open(root + 'index.jsonl'))}")
