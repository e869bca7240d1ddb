"""Japanese phone numbers: canonical value is the digits of the domestic form, `0312345678`.

Ten or eleven digits from 0; the international form (+81 3-1234-5678, the schema.org way) reads the
same. Toll-free and navigation prefixes shared across a chain's branches are in shared_phone_prefixes.csv.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from jp import read_table

_CANONICAL = re.compile(r"0\d{9,10}")
# Display grouping by prefix (longest first); other numbers are 3-3-4 (10 digits) or 3-4-4 (11).
_GROUPS = (
    ("0120", (4, 3, 3)),
    ("0570", (4, 3, 3)),
    ("0800", (4, 3, 4)),
    ("03", (2, 4, 4)),
    ("06", (2, 4, 4)),
)


def normalise(text: str) -> str | None:
    """Digits of a Japanese number (+81 -> 0, full-width and separators ignored), or None."""
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", text))
    if digits.startswith("81") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    return digits if is_valid(digits) else None


def is_valid(value: str) -> bool:
    return _CANONICAL.fullmatch(value) is not None


def format(value: str) -> str:
    """03-1234-5678, 0120-123-456, 090-1234-5678 (a 4- or 5-digit area code shows as 3-3-4)."""
    groups = next(
        (g for prefix, g in _GROUPS if value.startswith(prefix)), (3, 4, 4) if len(value) == 11 else (3, 3, 4)
    )
    parts, start = [], 0
    for size in groups:
        parts.append(value[start : start + size])
        start += size
    return "-".join(parts)


@cache
def _shared_prefixes() -> tuple[str, ...]:
    return tuple(row["prefix"] for row in read_table("shared_phone_prefixes.csv"))


def is_shared(value: str) -> bool:
    """True for toll-free and navigation numbers (0120, 0570 …) that a chain shares across branches."""
    return value.startswith(_shared_prefixes())
