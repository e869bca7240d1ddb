"""Japanese identifiers, one small module each: prefectures, municipalities, plan numbers, phones,
postal codes, and the text folding they are compared in.

A leaf package like `db`: crawler, matcher and reports import it, and it imports nothing of the
project. Each identifier module offers `normalise` (raw text -> canonical value, or None), `is_valid`
(is this already a canonical value) and `format` (the canonical value as people write it); the data
they need is in CSV files beside them.
"""

from __future__ import annotations

import csv
from pathlib import Path

DATA = Path(__file__).parent


def read_table(name: str) -> list[dict[str, str]]:
    """Rows of a CSV file in jp/ (UTF-8, header row), as dicts."""
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))
