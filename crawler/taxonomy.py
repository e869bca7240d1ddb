"""The treatment taxonomy: modality ids, pillars, whether the Act applies, and the words that name them.

The knowledge lives in taxonomy.toml beside this module; this module only reads it and finds terms in
text. Registry plan names and clinic pages are classified with the same vocabulary.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

TAXONOMY_FILE = Path(__file__).with_name("taxonomy.toml")
# Words that separate list items: a match on the other side of one belongs to another treatment.
# ™ and ® would fold to letters glued to the name (PFC-FD™ -> PFC-FDTM) and hide it from the term search.
TRADEMARKS = re.compile(r"[™®℠]")
LIST_SEPARATORS = re.compile(r"[と、,，・/／;；及]|および|または|や")


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


def fold(text: str) -> str:
    """NFKC with line breaks turned into spaces: the form every term search runs on.

    NFKC keeps string length for the Japanese, full-width and half-width characters that matter here
    only approximately, so callers quote from the folded text, not the raw one.
    """
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", TRADEMARKS.sub("", text)))


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


@cache
def _matcher() -> tuple[re.Pattern[str], dict[str, str]]:
    owner: dict[str, str] = {}
    for mod in sorted(modalities().values(), key=lambda m: m.priority):
        for term in mod.terms:
            owner[term.lower()] = mod.id
    ordered = sorted(owner, key=len, reverse=True)
    pattern = "|".join(_term_pattern(t) for t in ordered)
    return re.compile(pattern, re.IGNORECASE), owner


def find_terms(text: str) -> list[TermMatch]:
    """Every taxonomy term in already-folded text, longest term first where they overlap."""
    pattern, owner = _matcher()
    return [
        TermMatch(owner[m.group(0).lower()], m.group(0), m.start(), m.end()) for m in pattern.finditer(text)
    ]


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
