"""Extractor outputs as a snapshot, to show that a speed change changed no output.

Extracts every page of :func:`bench.extraction.page_sets` (the generated site, the team's
fixtures, ``../shared/corpus`` when present; family and generic paths) and writes one JSON
line per page: the article's fields, or the reason a page was refused. ``--compare``
prints the pages whose output differs from an earlier snapshot.

    .venv/bin/python -m bench.extraction_snapshot --out /tmp/before.jsonl
    # … change the extractor …
    .venv/bin/python -m bench.extraction_snapshot --out /tmp/after.jsonl --compare /tmp/before.jsonl
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.extraction import page_sets

# A fixed clock: relative dates and the future-date check must not move between snapshots.
NOW = datetime(2026, 11, 30, tzinfo=UTC)


def _record(set_name: str, page: Any) -> dict[str, Any]:
    from crawler.extract import ExtractionError, NotAnArticle, extract_article

    try:
        article = extract_article(page.body, page.url, profile=page.profile, headers={"Content-Type": "text/html"},
                                  fetched_at=NOW)
    except NotAnArticle as exc:
        return {"set": set_name, "url": page.url, "refused": exc.reason}
    except ExtractionError as exc:
        return {"set": set_name, "url": page.url, "error": str(exc)}
    fields = dataclasses.asdict(article)
    fields.pop("fetched_at", None)
    return {"set": set_name, "url": page.url, "article": fields}


def snapshot(generated: int) -> list[dict[str, Any]]:
    return [_record(s.name, page) for s in page_sets(generated) for page in s.pages]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="where to write the snapshot (JSON lines)")
    parser.add_argument("--compare", type=Path, help="an earlier snapshot to diff against")
    parser.add_argument("--generated", type=int, default=60, help="pages of the generated site per path")
    args = parser.parse_args(argv)
    records = snapshot(args.generated)
    lines = [json.dumps(r, ensure_ascii=False, sort_keys=True, default=str) for r in records]
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} pages → {args.out}")
    if not args.compare:
        return 0
    before = args.compare.read_text(encoding="utf-8").splitlines()
    if len(before) != len(lines):
        print(f"different page count: {len(before)} before, {len(lines)} now")
        return 1
    changed = 0
    for old, new in zip(before, lines, strict=True):
        if old == new:
            continue
        changed += 1
        a, b = json.loads(old), json.loads(new)
        keys = sorted(k for k in set(a.get("article") or {}) | set(b.get("article") or {})
                      if (a.get("article") or {}).get(k) != (b.get("article") or {}).get(k))
        print(f"changed: [{b['set']}] {b['url']}: {keys or {k: (a.get(k), b.get(k)) for k in ('refused', 'error')}}")
    print(f"{changed} of {len(lines)} pages changed")
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
