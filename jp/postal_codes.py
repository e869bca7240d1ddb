"""Postal codes (郵便番号): seven digits, written 〒150-0022 or 150-0022; canonical form `1500022`."""

from __future__ import annotations

import re
import unicodedata

# A code as sites write it in running text: the hyphen is required unless 〒 marks it.
WRITTEN = r"(?:〒\s?\d{3}\s?[-‐−ー]?\s?\d{4}|(?<!\d)\d{3}\s?[-‐−ー]\s?\d{4}(?!\d))"
_WRITTEN = re.compile(WRITTEN)
# A code that opens an address (「〒150-0022 東京都…」, 「1500022 東京都…」).
_LEADING = re.compile(r"^〒?\s*\d{3}\s?[-‐−ー]?\s?\d{4}\s*")
_CANONICAL = re.compile(r"\d{7}")


def normalise(text: str) -> str | None:
    """`1500022` from 〒150-0022, １５０－００２２ or 150 0022; None unless it holds exactly seven digits."""
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", text))
    return digits if is_valid(digits) else None


def is_valid(value: str) -> bool:
    return _CANONICAL.fullmatch(value) is not None


def format(value: str) -> str:
    """`150-0022` for a canonical code."""
    return f"{value[:3]}-{value[3:]}"


def find(text: str) -> re.Match[str] | None:
    """The first postal code written in `text` (see WRITTEN)."""
    return _WRITTEN.search(text)


def strip_leading(text: str) -> str:
    """The address without the postal code it opens with."""
    return _LEADING.sub("", text)
