"""Phone numbers as digits only, compared whole; shared toll-free numbers do not identify a clinic."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from matcher.normalise import read_table


def phone_digits(text: str) -> str | None:
    """Digits of a Japanese phone number (+81 → 0), or None when it is not 10–11 digits from 0."""
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", text))
    if digits.startswith("81") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    if digits.startswith("0") and len(digits) in (10, 11):
        return digits
    return None


@cache
def _shared_prefixes() -> tuple[str, ...]:
    return tuple(row["prefix"] for row in read_table("shared_phone_prefixes.csv"))


def is_shared(digits: str) -> bool:
    """True for toll-free and navigation numbers (0120, 0570 …) that a chain shares across branches."""
    return digits.startswith(_shared_prefixes())


def identifying_phones(values: list[str]) -> set[str]:
    """The distinct valid, non-shared numbers among raw phone strings."""
    found = {phone_digits(value) for value in values}
    return {digits for digits in found if digits and not is_shared(digits)}
