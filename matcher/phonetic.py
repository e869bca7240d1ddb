"""A phonetic key that lets a Latin brand and its katakana spelling meet (BELLE ↔ ベル).

Both scripts become consonant classes (K S T N P R); vowels are kept in a second key used for short
names, where consonants alone collide. The rules are in data/phonetic.toml. Written here rather than
taken from pykakasi, which is GPL.
"""

from __future__ import annotations

import itertools
import re
import tomllib
from functools import cache, lru_cache
from typing import Any

from rapidfuzz.distance import Levenshtein

from matcher.normalise import DATA

VOWELS = "aeiou"
_SMALL_VOWELS = {"ァ": "a", "ィ": "i", "ゥ": "u", "ェ": "e", "ォ": "o", "ャ": "a", "ュ": "u", "ョ": "o"}
_MAX_READINGS = 8


@cache
def _rules() -> dict[str, Any]:
    with (DATA / "phonetic.toml").open("rb") as handle:
        return tomllib.load(handle)


@cache
def _kana_table() -> dict[str, tuple[str, str]]:
    kana = _rules()["kana"]
    vowel_of = {ch: vowel for vowel, chars in kana["vowels"].items() for ch in chars}
    table: dict[str, tuple[str, str]] = {}
    for cls in ("K", "S", "T", "N", "P", "F", "R", "W"):
        for ch in kana[cls]:
            name = "" if cls in kana["drop_classes"] else kana["rename"].get(cls, cls)
            table[ch] = (name, vowel_of.get(ch, ""))
    for ch in "アイウエオ":
        table[ch] = ("", vowel_of[ch])
    table["ン"] = ("N", "")
    return table


def _katakana(text: str) -> str:
    return "".join(chr(ord(ch) + 0x60) if "\u3041" <= ch <= "\u3096" else ch for ch in text)


def _kana_tokens(text: str) -> list[str]:
    """Tokens of a kana string: consonant classes (upper case) and vowels (lower case)."""
    table = _kana_table()
    morae: list[list[str]] = []
    for ch in _katakana(text):
        if ch in _SMALL_VOWELS and morae:
            morae[-1][1] = _SMALL_VOWELS[ch]
        elif ch in table:
            morae.append(list(table[ch]))
    return [token for mora in morae for token in mora if token]


def _drop_epenthetic(tokens: list[str]) -> list[str]:
    """Drop the vowels Japanese adds where English has none (o after t/d, u after other consonants),
    on both sides, so ORCHID = オーキッド and EKUKU = エクク compare alike."""
    kept: list[str] = []
    for index, token in enumerate(tokens):
        previous = tokens[index - 1] if index else ""
        following = tokens[index + 1] if index + 1 < len(tokens) else ""
        if previous.isupper() and token == ("o" if previous == "T" else "u") and not following.islower():
            continue
        kept.append(token)
    return kept


def _latin_readings(text: str) -> list[list[str]]:
    """Every reading of a Latin string (ambiguous spellings multiply them, up to a small limit)."""
    rules = _rules()["latin"]
    digraphs = sorted(rules["digraphs"], key=lambda pair: -len(pair[0]))
    word = re.sub("[^a-z]", "", text.lower())
    options: list[list[str]] = []
    index = 0
    while index < len(word):
        ch, following = word[index], word[index + 1: index + 2]
        match = next((pair for pair in digraphs if word.startswith(pair[0], index)), None)
        vowel = next((pair for pair in rules["vowel_digraphs"] if word.startswith(pair[0], index)), None)
        if vowel:
            options.append([vowel[1]])
            index += len(vowel[0])
            continue
        if match:
            options.append(list(match[1]))
            index += len(match[0])
            continue
        previous = word[index - 1] if index else ""
        if ch in VOWELS:
            silent_e = ch == "e" and index == len(word) - 1 and previous and previous not in VOWELS
            options.append([""] if silent_e else [ch])
        elif ch == "r" and previous in VOWELS and previous and following not in VOWELS:
            options.append(["", "R"])  # ORCHID = オーキッド but FORTE = フォルテ
        elif ch in rules["soft_before_eiy"] and following in ("e", "i", "y"):
            options.append(list(rules["soft_before_eiy"][ch]))
        else:
            options.append([rules["letters"].get(ch, "")])
        index += 1
    readings = itertools.islice(itertools.product(*options), _MAX_READINGS)
    return [[token for part in reading for token in _split(part)] for reading in readings]


def _split(part: str) -> list[str]:
    return [ch for ch in part] if part.isupper() else ([part] if part else [])


def _collapse(tokens: list[str], keep_vowels: bool) -> str:
    out: list[str] = []
    for token in tokens:
        if not keep_vowels and token.islower():
            continue
        if out and out[-1] == token:
            continue
        out.append(token)
    return "".join(out)


@lru_cache(maxsize=65536)
def phonetic_keys(text: str) -> list[tuple[str, str]]:
    """(consonant key, vowel-bearing key) for each reading of a Latin or kana string."""
    if re.search("[a-z]", text.lower()):
        latin = re.sub(r"[\u3041-\u30ff]+", lambda m: "", text)
        kana = "".join(re.findall(r"[\u3041-\u30ff]+", text))
        readings = [reading + _kana_tokens(kana) for reading in _latin_readings(latin)]
    else:
        readings = [_kana_tokens(text)]
    readings = [_drop_epenthetic(tokens) for tokens in readings]
    return [(_collapse(tokens, False), _collapse(tokens, True)) for tokens in readings]


def phonetic_similarity(left: str, right: str) -> float:
    """Best similarity (0–1) of the two strings' phonetic keys over all their readings."""
    best = 0.0
    for (cons_a, full_a), (cons_b, full_b) in itertools.product(phonetic_keys(left), phonetic_keys(right)):
        if not cons_a or not cons_b:
            continue
        score = Levenshtein.normalized_similarity(cons_a, cons_b)
        if min(len(cons_a), len(cons_b)) < 3:
            score = (score + Levenshtein.normalized_similarity(full_a, full_b)) / 2
        best = max(best, score)
    return best
