"""The dependency rules of the design, checked on the source (AST), not on trust."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def imports_of(package: str) -> dict[Path, set[str]]:
    found: dict[Path, set[str]] = {}
    for path in (REPO / package).rglob("*.py"):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
        found[path] = names
    return found


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("scheduler", ("crawler", "scrapy", "twisted")),
        ("storage", ("crawler", "scheduler", "scrapy")),
        ("config", ("crawler", "scheduler", "storage", "scrapy", "sqlalchemy")),
        ("crawler/extract", ("scrapy", "twisted", "sqlalchemy", "storage")),
        ("crawler/normalize", ("scrapy", "twisted", "sqlalchemy", "storage")),
        ("crawler/sources", ("scrapy", "twisted", "sqlalchemy")),
    ],
)
def test_package_does_not_import(package: str, forbidden: tuple[str, ...]) -> None:
    bad = [
        f"{path.relative_to(REPO)} imports {name}"
        for path, names in imports_of(package).items()
        for name in names
        if name.split(".")[0] in forbidden
    ]
    assert not bad, bad


def test_no_utils_modules() -> None:
    offenders = [p for p in REPO.glob("*/**/*.py") if p.stem in ("utils", "helpers", "misc") and ".venv" not in p.parts]
    assert not offenders, offenders
