"""Japanese addresses split into prefecture, municipality, town, block numbers and floor.

Kanji and full-width numerals, 丁目/番地/号 and hyphens all become `1-7-22`; the building name is
dropped, its floor kept (two clinics in one building differ by floor).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from jp import municipalities, postal_codes, prefectures
from jp.text import fold
from matcher.normalise import read_table

_KANJI_NUMBER = "〇零一二三四五六七八九十百千"
_DASH_BETWEEN_DIGITS = re.compile(r"(?<=\d)\s*[-‐‑‒–—―−ー─]\s*(?=\d)")
_FLOOR = re.compile(r"(?:(\d+)\s*(?:階|f\b|f(?=\W|$)))|(?:\b(\d+)f)|(?:地下(\d+)階)")
_STREET = re.compile(r"^(?P<town>\D*?)(?P<numbers>(?:\d+(?:条|線)[東西南北]?)*\d+(?:-\d+)*)")


@dataclass(frozen=True)
class Address:
    """The comparable parts of one address; `raw` is the text as the source wrote it."""

    raw: str
    prefecture: str | None
    municipality: str | None
    town: str
    numbers: tuple[str, ...]
    floor: str | None

    @property
    def street(self) -> str:
        """Town and block numbers, e.g. `恵比寿南1-14-8`: what two records of one clinic share."""
        return self.town + "-".join(self.numbers)


@cache
def _kanji_digits() -> dict[str, int]:
    return {row["kanji"]: int(row["value"]) for row in read_table("kanji_digits.csv")}


@cache
def _word_patterns() -> list[tuple[re.Pattern[str], str]]:
    rows = sorted(read_table("address_words.csv"), key=lambda row: -len(row["word"]))
    return [(re.compile(r"(?<=\d)" + re.escape(row["word"])), row["replacement"]) for row in rows]


@cache
def _kyoto_directions() -> re.Pattern[str]:
    words = "|".join(re.escape(row["word"]) for row in read_table("kyoto_directions.csv"))
    return re.compile(f"^.*(?:{words})(?:[{_KANJI_NUMBER}\\d]+丁目)?")


def kanji_to_int(text: str) -> int:
    """Value of a kanji numeral such as 二十三 or 百五; plain digit strings (一二) read positionally."""
    digits = _kanji_digits()
    if not any(digits[ch] >= 10 for ch in text):
        return int("".join(str(digits[ch]) for ch in text))
    total, current = 0, 0
    for ch in text:
        value = digits[ch]
        if value >= 10:
            total += (current or 1) * value
            current = 0
        else:
            current = current * 10 + value
    return total + current


def _arabic_numbers(text: str) -> str:
    """Kanji numerals that count blocks (三丁目, 北三条, -七番) become digits; 一番町 stays a name."""
    def to_digits(match: re.Match[str]) -> str:
        return str(kanji_to_int(match.group(1))) + match.group(2)

    text = re.sub(f"([{_KANJI_NUMBER}]+)(丁目|地割|番地)", to_digits, text)
    # 北三条西 / 南一条西 count blocks; 四条通 and 七条 alone are street names and stay as written.
    text = re.sub(f"([{_KANJI_NUMBER}]+)(条|線)(?=[東西南北\\d{_KANJI_NUMBER}])", to_digits, text)
    return re.sub(f"(?<=[\\d-])([{_KANJI_NUMBER}]+)(番|号)", to_digits, text)


def _floor(text: str) -> str | None:
    matches = list(_FLOOR.finditer(text))
    if not matches:
        return None
    last = matches[-1]
    if last.group(3):
        return "b" + last.group(3)
    return last.group(1) or last.group(2)


def parse_address(text: str, prefecture: str | None = None) -> Address:
    """Split an address; `prefecture` is used when the text itself starts without one."""
    folded = postal_codes.strip_leading(fold(text))
    found, rest = prefectures.split(folded)
    prefecture = found or (fold(prefecture) if prefecture else None)
    municipality, rest = municipalities.split(rest.replace(" ", "", 1) if rest.startswith(" ") else rest, prefecture)
    rest = _kyoto_directions().sub("", rest).removeprefix("大字")
    rest = _arabic_numbers(rest)
    for pattern, replacement in _word_patterns():
        rest = pattern.sub(replacement, rest)
    rest = _DASH_BETWEEN_DIGITS.sub("-", rest)
    rest = re.sub(r"(?<=\d)の(?=\d)", "-", rest)
    street = _STREET.match(rest.replace(" ", "", 1) if re.match(r"^\D*\s\d", rest) else rest)
    if street is None:
        return Address(text, prefecture, municipality, rest.replace(" ", ""), (), _floor(rest))
    town = street.group("town").replace(" ", "").removeprefix("字")
    numbers = tuple(part for part in street.group("numbers").split("-") if part)[:4]
    return Address(text, prefecture, municipality, town, numbers, _floor(rest[street.end():]))
