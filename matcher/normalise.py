"""The matcher's knowledge tables: CSV files in matcher/data/, read by the module that needs each.

Text folding itself (width, variant kanji, kana marks) is `jp.text`, shared by every package.
"""

from __future__ import annotations

import csv
from pathlib import Path

DATA = Path(__file__).parent / "data"


def read_table(name: str) -> list[dict[str, str]]:
    """Rows of a CSV file in matcher/data/ (UTF-8, header row), as dicts."""
    path = DATA / name
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))
