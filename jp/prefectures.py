"""The 47 prefectures (都道府県), by JIS code and name (prefectures.csv, in JIS order).

Canonical value: the full name (東京都). `normalise` also reads the JIS code (13) and the short name
(東京); `split` and `of_address` find the prefecture an address opens with.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from jp import read_table
from jp.postal_codes import strip_leading

SUFFIXES = "都道府県"
# What may precede the prefecture in an address as a site writes it: a label, then a postal code.
_LABEL = re.compile(r"^(?:住所|所在地)?[:：\s]*")


@cache
def codes() -> dict[str, str]:
    """JIS code ('13') -> name ('東京都'), in JIS order."""
    return {row["code"]: row["name"] for row in read_table("prefectures.csv")}


@cache
def names() -> tuple[str, ...]:
    return tuple(codes().values())


@cache
def _by_spelling() -> dict[str, str]:
    spellings: dict[str, str] = {}
    for code, name in codes().items():
        spellings[name] = spellings[code] = spellings[str(int(code))] = name
        spellings.setdefault(name[:-1] if name[-1] in SUFFIXES and name != "北海道" else name, name)
    return spellings


def normalise(text: str) -> str | None:
    """東京都 from 東京都, 東京 or the JIS code 13 (width and spaces ignored); None for anything else."""
    return _by_spelling().get(re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)))


def is_valid(value: str) -> bool:
    return value in codes().values()


def format(value: str) -> str:
    """The canonical name as written (東京都): prefectures have no other display form."""
    return value


def code(value: str) -> str | None:
    """The JIS code ('13') of a prefecture written any way `normalise` reads."""
    name = normalise(value)
    return next((code for code, known in codes().items() if known == name), None)


def split(address: str) -> tuple[str | None, str]:
    """The prefecture an address opens with (a repeated one, as in 兵庫県兵庫県, is dropped) and the rest."""
    found = None
    changed = True
    while changed:
        changed = False
        for name in names():
            if address.startswith(name):
                found, address, changed = name, address[len(name) :].lstrip(), True
    return found, address


def of_address(address: str | None) -> str | None:
    """The prefecture an address starts with (東京都港区… -> 東京都), after a label or a postal code."""
    if not address:
        return None
    text = strip_leading(_LABEL.sub("", unicodedata.normalize("NFKC", address).strip()))
    return split(text)[0]


def same(left: str, right: str) -> bool:
    """東京 and 東京都, 大阪 and 大阪府 name the same prefecture (two empty values agree too)."""
    return _key(left) == _key(right)


def _key(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lower().rstrip(SUFFIXES)
