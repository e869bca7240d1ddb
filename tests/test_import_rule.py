"""The import rule of DEVELOPERS.md: crawler, matcher and reports import only `db` and `jp` of the
project, and `db` and `jp` are leaves."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROJECT = {"clinicwatch", "crawler", "matcher", "reports", "db", "jp"}
ALLOWED = {
    "crawler": {"db", "jp"},
    "matcher": {"db", "jp"},
    "reports": {"db", "jp"},
    "db": set(),
    "jp": set(),
}


def _imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names & PROJECT


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_package_imports_only_what_the_rule_allows(package: str) -> None:
    wrong = {
        str(path.relative_to(ROOT)): sorted(found)
        for path in (ROOT / package).rglob("*.py")
        if (found := _imported_packages(path) - ALLOWED[package] - {package})
    }
    assert wrong == {}, f"{package} may import only {sorted(ALLOWED[package]) or 'nothing'} of the project"
