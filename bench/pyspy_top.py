"""Summarise a py-spy profile in collapsed-stack form (``py-spy record --format raw``).

    .venv/bin/python -m bench.e2e --sizes 2000 --profile /tmp/crawl.txt
    .venv/bin/python -m bench.pyspy_top /tmp/crawl.txt --top 40 [--under extract_article]

Prints the functions with the largest inclusive share of samples (time spent in them
and below) and the largest self share, so a hot spot can be named with a number.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path


def summarise(path: Path, *, under: str | None = None) -> tuple[int, Counter[str], Counter[str]]:
    """Total samples, inclusive and self counts per frame (optionally only stacks through ``under``)."""
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = stack.split(";")
        if under and not any(under in f for f in frames):
            continue
        n = int(count)
        total += n
        own[frames[-1]] += n
        for frame in set(frames):
            inclusive[frame] += n
    return total, inclusive, own


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.pyspy_top", description=__doc__.split("\n\n")[0])
    parser.add_argument("profile", type=Path)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--under", help="only stacks that pass through a frame containing this text")
    args = parser.parse_args(argv)
    total, inclusive, own = summarise(args.profile, under=args.under)
    print(f"{total} samples")
    print("inclusive:")
    for frame, n in inclusive.most_common(args.top):
        print(f"  {100 * n / total:5.1f} %  {frame[:160]}")
    print("self:")
    for frame, n in own.most_common(args.top // 2):
        print(f"  {100 * n / total:5.1f} %  {frame[:160]}")


if __name__ == "__main__":
    main()
