"""A clinic name split into its fields: legal form, corporation, brand, facility type, branch, places.

`医療法人社団翠陽会　恵比寿ルミエールクリニック` → legal form 医療法人社団, corporation 翠陽会, brand core
ルミエール, places {恵比寿}, types {generic}. `ラクシアクリニック梅田院` → core ラクシア, branch 梅田.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from jp.text import compact, fold, is_kana, is_latin
from matcher.normalise import read_table

MIN_CORE = 2  # a leading place is kept in the core when stripping it would leave less than this
PLACELESS_BRANCHES = ("本院", "分院")  # branch labels that name no place


@dataclass(frozen=True)
class NameFields:
    """The comparable fields of one name; `raw` is the name as the source wrote it."""

    raw: str
    legal_form: str | None
    corporation: str | None
    facility: str  # compact: the name without legal form and corporation
    core: str  # compact brand without places, type words and branch
    places: frozenset[str]  # canonical place names from the brand and the branch
    branch: str | None  # branch label without 院 (梅田, 本院, 分院)
    types: frozenset[str]  # kinds of facility-type words (generic, skin, orthopedic …)
    script: str = "other"  # latin | kana | other: which comparison the core allows


@dataclass(frozen=True)
class _Place:
    name: str
    kind: str


@cache
def _legal_forms() -> list[tuple[str, str]]:
    rows = read_table("legal_forms.csv")
    pairs = [(row["form"], row["canonical"]) for row in rows]
    return sorted(pairs, key=lambda pair: -len(pair[0]))


@cache
def _leftovers() -> tuple[str, ...]:
    return tuple(row["word"] for row in read_table("legal_leftovers.csv"))


@cache
def _type_words() -> list[tuple[str, str]]:
    rows = read_table("facility_types.csv")
    return sorted(((compact(row["word"]), row["kind"]) for row in rows), key=lambda pair: -len(pair[0]))


@cache
def _places() -> dict[str, _Place]:
    """Place spellings (kanji/kana and Latin) → canonical place."""
    table: dict[str, _Place] = {}
    for row in read_table("places.csv"):
        place = _Place(compact(row["place"]), row["kind"])
        table[place.name] = place
        if row["latin"]:
            table.setdefault(row["latin"], place)
    return table


@cache
def _place_spellings() -> list[str]:
    return sorted(_places(), key=len, reverse=True)


def place_kind(name: str) -> str:
    """prefecture | city | ward | district for a known place, `branch` for any other branch label."""
    place = _places().get(name)
    return place.kind if place else "branch"


def _expand_abbreviations(raw: str) -> str:
    """Legal-form marks that NFKC would destroy (㊩ → 医) are spelled out first."""
    for form, canonical in _legal_forms():
        if unicodedata.normalize("NFKC", form) != form and form in raw:
            raw = raw.replace(form, canonical + " ")
    return raw


def split_legal_form(text: str) -> tuple[str | None, str]:
    """The legal form at the start of a folded name (医療法人社団, (医) …) and the rest."""
    for form, canonical in _legal_forms():
        folded = fold(form)
        if text.startswith(folded):
            rest = text[len(folded):].lstrip()
            for word in _leftovers():
                rest = rest.removeprefix(word).lstrip()
            return canonical, rest
    return None, text


def split_corporation(text: str, has_legal_form: bool) -> tuple[str | None, str]:
    """The corporation name (○○会) before the facility name, and the facility name."""
    tokens = text.split(" ")
    glued = re.match(r"^(.{1,10}?会)(.+)$", tokens[0])
    if has_legal_form and len(tokens) >= 2 and glued and _last_type_word(compact(glued.group(2))):
        return compact(glued.group(1)), " ".join([glued.group(2), *tokens[1:]])
    if len(tokens) >= 2 and (has_legal_form or tokens[0].endswith("会")):
        latin_lead = 0
        while latin_lead < len(tokens) and is_latin(tokens[latin_lead]):
            latin_lead += 1
        lead = latin_lead if 0 < latin_lead < len(tokens) else 1
        return compact(" ".join(tokens[:lead])), " ".join(tokens[lead:])
    if has_legal_form:
        found = re.match(r"^(.{1,10}?会)(.+)$", text)
        if found:
            return compact(found.group(1)), found.group(2)
    return None, text


def _last_type_word(text: str) -> tuple[int, int, str] | None:
    """(start, end, kind) of the type word that ends last in a compact name."""
    best: tuple[int, int, str] | None = None
    for word, kind in _type_words():
        start = text.rfind(word)
        if start >= 0 and (best is None or start + len(word) > best[1]):
            best = (start, start + len(word), kind)
    return best


def _strip_type_words(text: str) -> tuple[str, set[str]]:
    kinds: set[str] = set()
    for word, kind in _type_words():
        if word in text:
            kinds.add(kind)
            text = text.replace(word, "")
    return text, kinds


def branch_places(label: str) -> set[str]:
    """Canonical places a branch label names: 大阪梅田 → {大阪, 梅田}; unknown labels stand for themselves."""
    places = _places()
    if label in PLACELESS_BRANCHES:
        return set()
    if label in places:
        return {places[label].name}
    for spelling in _place_spellings():
        if label.startswith(spelling) and label[len(spelling):] in places:
            return {places[spelling].name, places[label[len(spelling):]].name}
    return {label}


def _leading_place(brand: str, spaced: str) -> tuple[str | None, str]:
    """A place that opens the brand (銀座みらい → 銀座), if what remains is still a brand."""
    places = _places()
    if is_latin(spaced):
        first, _, rest = spaced.partition(" ")
        if first in places and len(compact(rest)) >= MIN_CORE:
            return places[first].name, compact(rest)
        return None, brand
    for spelling in _place_spellings():
        if not is_latin(spelling) and brand.startswith(spelling) and len(brand) - len(spelling) >= MIN_CORE:
            return places[spelling].name, brand[len(spelling):]
    return None, brand


def _split_facility(facility: str) -> tuple[str, set[str], str | None, set[str]]:
    """(core, places, branch, type kinds) of a facility name."""
    text = compact(facility)
    types: set[str] = set()
    branch: str | None = None
    words = fold(facility).split(" ")
    if len(words) > 1 and is_latin(words[-1]) and words[-1] in _places():  # Clinique Haru Kyoto
        branch, text = words[-1], compact(" ".join(words[:-1]))
    brand = text
    last = _last_type_word(text)
    if last and branch is None:
        start, end, kind = last
        types.add(kind)
        tail, brand = text[end:], text[:start]
        if tail.endswith("院") and len(tail) >= 2:
            branch = tail if tail in PLACELESS_BRANCHES else tail[:-1]
        elif tail in _places():
            branch = tail
        else:
            brand += tail
    elif last:
        types.add(last[2])
        brand = text[: last[0]] + text[last[1]:]
    elif re.search(".院$", text) and text[:-1] and any(text[:-1].endswith(p) for p in _places()):
        label = next(p for p in _place_spellings() if text[:-1].endswith(p))
        branch, brand = label, text[: -len(label) - 1]
    brand, more_types = _strip_type_words(brand)
    types |= more_types
    place, core = _leading_place(brand, _brand_spaced(facility, brand))
    places = branch_places(branch) if branch else set()
    if place:
        places.add(place)
    return core, places, branch, types


def _brand_spaced(facility: str, brand: str) -> str:
    """The brand with the source's spaces, for Latin names whose words matter (GINZA NOA)."""
    words = [word for word in fold(facility).split(" ") if compact(word) and compact(word) in brand]
    return " ".join(words) if compact(" ".join(words)) == brand else brand


def split_name(raw: str) -> NameFields:
    """Split a clinic or facility name into the fields the matcher compares."""
    text = fold(_expand_abbreviations(raw))
    legal_form, rest = split_legal_form(text)
    corporation, facility = split_corporation(rest, legal_form is not None)
    core, places, branch, types = _split_facility(facility)
    return NameFields(
        raw=raw,
        legal_form=legal_form,
        corporation=corporation,
        facility=compact(facility),
        core=core,
        places=frozenset(places),
        branch=branch,
        types=frozenset(types),
        script="latin" if is_latin(core) else "kana" if is_kana(core) else "other",
    )
