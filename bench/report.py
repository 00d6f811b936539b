"""Result tables: printed to the terminal and kept in ``bench/README.md``.

Each benchmark owns sections of the README delimited by
``<!-- bench:NAME:LABEL -->`` … ``<!-- /bench:NAME:LABEL -->``; a run replaces its own
section (``LABEL`` defaults to ``latest``; ``--label before`` keeps a baseline next to it)
and leaves the rest of the file, prose included, alone.
"""

from __future__ import annotations

import os
import platform
import re
import subprocess
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

README = Path(__file__).resolve().with_name("README.md")
REPO = README.parents[1]


def markdown_table(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A GitHub-flavoured markdown table; numbers right-aligned."""
    def cell(value: Any) -> str:
        return str(value).replace("|", "\\|")

    numeric = [all(_is_number(row[i]) for row in rows) and rows for i in range(len(columns))]
    head = "| " + " | ".join(columns) + " |"
    rule = "|" + "|".join("---:" if numeric[i] else "---" for i in range(len(columns))) + "|"
    body = ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join([head, rule, *body])


def _is_number(value: Any) -> bool:
    if isinstance(value, int | float):
        return True
    return bool(re.fullmatch(r"[-+]?[\d,]*\.?\d+\s*(%|×|x|ms|MB|s)?", str(value).strip()))


def environment() -> str:
    """One line saying where and on what code the numbers were taken."""
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True,
                                check=False).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO, capture_output=True,
                               text=True, check=False).stdout.strip()
    except OSError:
        commit, dirty = "?", ""
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} CPU ({cpu}), Python {platform.python_version()}, "
        f"commit {commit or '?'}{' + uncommitted changes' if dirty else ''}"
    )


def write_section(name: str, label: str, text: str, readme: Path = README) -> None:
    """Replace (or append) the README section ``name:label`` with ``text``."""
    start, end = f"<!-- bench:{name}:{label} -->", f"<!-- /bench:{name}:{label} -->"
    block = f"{start}\n{text.strip()}\n{end}"
    current = readme.read_text(encoding="utf-8") if readme.exists() else "# Benchmarks\n"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
    if pattern.search(current):
        updated = pattern.sub(lambda _: block, current)
    else:
        updated = current.rstrip() + "\n\n" + block + "\n"
    readme.write_text(updated, encoding="utf-8")


def emit(name: str, label: str, title: str, command: str, tables: Sequence[str], notes: Sequence[str] = (),
         write: bool = True) -> str:
    """Print the result and, with ``write``, store it as README section ``name:label``."""
    text = "\n\n".join(
        [f"**{title}** ({label}) — `{command}`", f"_{environment()}_", *tables, *(f"{n}" for n in notes)]
    )
    print(text)
    if write:
        write_section(name, label, text)
    return text


def rss_peak_kb(pid: int | str = "self") -> int:
    """Peak resident set size (VmHWM) of a live process, in KiB."""
    return _status_kb(pid, "VmHWM")


def rss_kb(pid: int | str = "self") -> int:
    """Current resident set size (VmRSS) of a live process, in KiB."""
    return _status_kb(pid, "VmRSS")


def _status_kb(pid: int | str, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid: int | str = "self") -> float:
    """User + system CPU time of a live process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
