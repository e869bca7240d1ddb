"""Provision plan numbers (計画番号) of the e-再生医療 registry: P, the class letter A/B/C, seven digits.

Canonical value: `PB3150001`. Sites and registry pages write them full-width, lower-case, or with a
space or hyphen after the letters (ＰＢ３１５０００１, pb-3150001); all read the same.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

_SEPARATOR = r"[\s\-‐－ー―]?"
# In NFKC-folded text: not glued to a longer code on either side.
_WRITTEN = re.compile(rf"(?<![A-Za-z0-9])P[ABC]{_SEPARATOR}\d{{7}}(?!\d)", re.IGNORECASE)
_CANONICAL = re.compile(r"P[ABC]\d{7}")


def normalise(text: str) -> str | None:
    """`PB3150001` from ＰＢ３１５０００１, pb-3150001 or 'PB 3150001'; None unless it is one plan number."""
    value = re.sub(r"[\s\-‐－ー―]", "", unicodedata.normalize("NFKC", text)).upper()
    return value if is_valid(value) else None


def is_valid(value: str) -> bool:
    return _CANONICAL.fullmatch(value) is not None


def format(value: str) -> str:
    """Plan numbers are written as their canonical value."""
    return value


def find(folded: str) -> Iterator[tuple[str, int, int]]:
    """(canonical value, start, end) of every plan number written in NFKC-folded text."""
    for match in _WRITTEN.finditer(folded):
        value = normalise(match.group(0))
        if value:
            yield value, match.start(), match.end()


def first(text: str) -> str | None:
    """The first plan number in a text (a registry cell), or None."""
    return next((value for value, _, _ in find(unicodedata.normalize("NFKC", text))), None)
