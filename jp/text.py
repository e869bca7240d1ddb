"""Folding Japanese text into the form names and addresses are compared in.

`fold` unifies width (NFKC), variant kanji (髙 -> 高), small kana (ヶ -> ケ) and long-vowel marks, drops
the middle dot and lower-cases Latin; the tables are variant_kanji.csv and kana_variants.csv.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from jp import read_table

_SPACES = re.compile(r"\s+")
# Long-vowel marks and dashes that NFKC leaves distinct; between kana they all mean ー.
_DASHES = "ー-‐‑‒–—―−ｰ─━〜~"
_KANA = "\u3041-\u3096\u30a1-\u30fa\u30fc"
_DASH_AFTER_KANA = re.compile(f"(?<=[{_KANA}])[{re.escape(_DASHES)}]")
_MIDDLE_DOTS = re.compile("[・･·•]")


@cache
def _char_map() -> dict[int, str]:
    table: dict[int, str] = {}
    for file in ("variant_kanji.csv", "kana_variants.csv"):
        for row in read_table(file):
            table[ord(row["variant"])] = row["canonical"]
    return table


def fold(text: str) -> str:
    """NFKC, variant kanji and small ケ folded, long-vowel marks unified, ・ dropped; spaces kept single."""
    text = unicodedata.normalize("NFKC", text).translate(_char_map())
    text = _DASH_AFTER_KANA.sub("ー", text)
    text = _MIDDLE_DOTS.sub("", text)
    return _SPACES.sub(" ", text).strip().lower()


def compact(text: str) -> str:
    """`fold` without any spaces: the form two names are compared in."""
    return fold(text).replace(" ", "")


def is_latin(text: str) -> bool:
    """True when the text has letters and all of them are Latin (ASCII after NFKC)."""
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and all(ch.isascii() for ch in letters)


def is_kana(text: str) -> bool:
    """True when every letter is hiragana or katakana (and there is at least one)."""
    letters = [ch for ch in text if ch.isalpha() or ch == "ー"]
    return bool(letters) and all("\u3041" <= ch <= "\u30ff" for ch in letters)
