"""Municipalities (市区町村): the ward of Tokyo, the city with its ward, the county town or village.

Canonical value: the name as the address writes it, e.g. 港区, 大阪市北区, 筑紫郡那珂川町, 松本市.
"""

from __future__ import annotations

import re
import unicodedata


def normalise(text: str) -> str | None:
    """The municipality a text names on its own (港区, 大阪市北区), width and spaces folded; else None."""
    folded = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    name, rest = split(folded, None)
    return name if name and not rest else None


def is_valid(value: str) -> bool:
    return normalise(value) == value


def format(value: str) -> str:
    """Municipalities are written as their canonical name."""
    return value


def split(text: str, prefecture: str | None) -> tuple[str | None, str]:
    """The municipality an address (without its prefecture) opens with, and the rest of the address."""
    if prefecture in (None, "東京都"):
        ward = re.match(r"^([^\d市郡]{1,4}?区)", text)
        if ward:
            return ward.group(1), text[ward.end() :]
    county = re.match(r"^([^\d]{1,5}?郡[^\d]{1,5}?[町村])", text)
    if county:
        return county.group(1), text[county.end() :]
    city = re.match(r"^([^\d]{1,6}?市)(市)?", text)
    if city:
        name = city.group(1) + (city.group(2) or "")
        rest = text[len(name) :]
        ward = re.match(r"^([^\d]{1,4}?区)", rest)
        if ward:
            return name + ward.group(1), rest[ward.end() :]
        return name, rest
    town = re.match(r"^([^\d]{1,5}?[町村])", text)
    if town:
        return town.group(1), text[town.end() :]
    return None, text
