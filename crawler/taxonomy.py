"""The treatment taxonomy: modality ids, pillars, whether the Act applies, and the words that name them.

The knowledge lives in taxonomy.toml beside this module; this module only reads it and finds terms in
text. Registry plan names and clinic pages are classified with the same vocabulary.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

TAXONOMY_FILE = Path(__file__).with_name("taxonomy.toml")
# Words that separate list items: a match on the other side of one belongs to another treatment.
# ™ and ® would fold to letters glued to the name (PFC-FD™ -> PFC-FDTM) and hide it from the term search.
TRADEMARKS = re.compile(r"[™®℠]")
LIST_SEPARATORS = re.compile(r"[と、,，・/／;；及]|および|または|や")
WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Modality:
    id: str
    label: str
    pillar: str
    requires_filing: bool
    usual_class: int | None
    priority: int
    terms: tuple[str, ...]
    absorbs: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class TermMatch:
    modality: str
    term: str
    start: int
    end: int


@lru_cache(maxsize=4096)  # the claim rules fold the same segment and section texts several times per page
def fold(text: str) -> str:
    """NFKC with line breaks turned into spaces: the form every term search runs on.

    NFKC keeps string length for the Japanese, full-width and half-width characters that matter here
    only approximately, so callers quote from the folded text, not the raw one.
    """
    return WHITESPACE.sub(" ", unicodedata.normalize("NFKC", TRADEMARKS.sub("", text)))


@cache
def modalities() -> dict[str, Modality]:
    data = tomllib.loads(TAXONOMY_FILE.read_text(encoding="utf-8"))
    return {
        key: Modality(
            id=key,
            label=spec["label"],
            pillar=spec["pillar"],
            requires_filing=bool(spec["requires_filing"]),
            usual_class=spec.get("usual_class"),
            priority=int(spec.get("priority", 50)),
            terms=tuple(fold(term) for term in spec["terms"]),
            absorbs=dict(spec.get("absorbs", {})),
        )
        for key, spec in data["modality"].items()
    }


def modality(modality_id: str) -> Modality:
    """The modality with this id; KeyError names unknown ids."""
    return modalities()[modality_id]


def _term_pattern(term: str) -> str:
    escaped = re.escape(term)
    if term.isascii():
        # Latin abbreviations (PRP, CAL, MSC) must stand alone, not inside other words.
        return rf"(?<![A-Za-z]){escaped}(?![a-z])"
    return escaped


@dataclass(frozen=True)
class _Matcher:
    """The term alternation, plus the same alternation cut by first character.

    Trying all 140 terms at every character of a page was most of the extraction's cost. `starts`
    finds the characters a term can begin with; `by_first` holds, per such character, only the terms
    that begin with it, in the same longest-first order, so a match there is the one the whole
    alternation would find. A character missing from `by_first` falls back to the whole alternation.
    """

    pattern: re.Pattern[str]
    starts: re.Pattern[str]
    by_first: dict[str, re.Pattern[str]]
    owner: dict[str, str]


@cache
def _matcher() -> _Matcher:
    owner: dict[str, str] = {}
    for mod in sorted(modalities().values(), key=lambda m: m.priority):
        for term in mod.terms:
            owner[term.lower()] = mod.id
    ordered = sorted(owner, key=len, reverse=True)
    firsts = sorted({t[0] for t in ordered})
    by_first: dict[str, re.Pattern[str]] = {}
    for char in {variant for first in firsts for variant in (first, first.lower(), first.upper())}:
        if len(char) != 1:
            continue
        terms = [t for t in ordered if re.fullmatch(re.escape(t[0]), char, re.IGNORECASE)]
        by_first[char] = re.compile("|".join(_term_pattern(t) for t in terms), re.IGNORECASE)
    return _Matcher(
        pattern=re.compile("|".join(_term_pattern(t) for t in ordered), re.IGNORECASE),
        starts=re.compile("[" + "".join(re.escape(c) for c in firsts) + "]", re.IGNORECASE),
        by_first=by_first,
        owner=owner,
    )


def find_terms(text: str) -> list[TermMatch]:
    """Every taxonomy term in already-folded text, longest term first where they overlap."""
    matcher = _matcher()
    found: list[TermMatch] = []
    position = 0
    while start := matcher.starts.search(text, position):
        at = start.start()
        match = matcher.by_first.get(text[at], matcher.pattern).match(text, at)
        if match is None:
            position = at + 1
            continue
        found.append(TermMatch(matcher.owner[match.group(0).lower()], match.group(0), at, match.end()))
        position = match.end()
    return found


def _absorbed(match: TermMatch, others: list[TermMatch], text: str) -> bool:
    for other in others:
        if other.modality == match.modality:
            continue
        reach = modalities()[other.modality].absorbs.get(match.modality)
        if reach is None:
            continue
        lo, hi = (match.end, other.start) if match.end <= other.start else (other.end, match.start)
        if hi - lo <= reach and not LIST_SEPARATORS.search(text[lo:hi]):
            return True
    return False


def resolve(matches: list[TermMatch], text: str) -> list[TermMatch]:
    """Drop matches that are part of another modality's phrase (see `absorbs` in taxonomy.toml)."""
    return [m for m in matches if not _absorbed(m, matches, text)]


def classify(text: str) -> list[str]:
    """Modality ids named in a short text such as a registry plan's 再生医療等の名称, in taxonomy order."""
    folded = fold(text)
    found = {m.modality for m in resolve(find_terms(folded), folded)}
    return [mod_id for mod_id in modalities() if mod_id in found]
