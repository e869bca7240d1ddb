"""Context rules: is a treatment named in a sentence offered, denied, sold as a product, or only talked about?

The words live in context.toml beside this module; these functions only apply them to folded text
(see `crawler.taxonomy.fold`).
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from crawler.taxonomy import TermMatch, find_terms

CONTEXT_FILE = Path(__file__).with_name("context.toml")
# Filler that may sit between a treatment and the verb that denies it: 「幹細胞治療、PRP は当院では行っておりません」.
NEGATION_FILLER = re.compile(
    r"[\s、,・()（）「」『』\[\]/／]|当院で(は)?|当クリニックで(は)?|治療|療法|点滴|注射|注入|など|等|および|及び|または|[とやはをもの]"
)
NEGATION_REACH = 8


@cache
def _rules() -> dict[str, dict[str, re.Pattern[str] | list[str] | int]]:
    data = tomllib.loads(CONTEXT_FILE.read_text(encoding="utf-8"))
    return {
        group: {key: re.compile(value) if isinstance(value, str) else value for key, value in entries.items()}
        for group, entries in data.items()
    }


def rule(group: str, key: str) -> re.Pattern[str]:
    """The compiled pattern context.toml defines as [group] key."""
    pattern = _rules()[group][key]
    assert isinstance(pattern, re.Pattern), f"context.toml [{group}] {key} is a list, not a pattern"
    return pattern


def prices_yen(text: str) -> list[int]:
    """Every price in folded text, in yen (「33,000円」 -> 33000, 「3.3万円」 -> 33000)."""
    found = []
    for amount, man in rule("stem_cells", "price").findall(text):
        value = float(amount.replace(",", "") or 0)
        found.append(int(value * 10000) if man else int(value))
    return found


def too_cheap_for_cells(text: str) -> bool:
    """The text prices something below what cultured stem cells cost, and shows no real cells."""
    prices = prices_yen(text)
    cheapest = _rules()["stem_cells"]["cheapest_yen"]
    assert isinstance(cheapest, int), "context.toml [stem_cells] cheapest_yen must be a number"
    return bool(prices) and max(prices) < cheapest and not has("supernatant", "real_cells", text)


def _words(group: str, key: str) -> list[str]:
    words = _rules()[group][key]
    assert isinstance(words, list), f"context.toml [{group}] {key} is a pattern, not a list"
    return words


def has(group: str, key: str, text: str) -> bool:
    return rule(group, key).search(text) is not None


def clause_at(sentence: str, position: int) -> tuple[int, int]:
    """Start and end of the clause of `sentence` that holds `position` (clauses end at が、 ですが …)."""
    start, end = 0, len(sentence)
    for boundary in rule("negation", "boundary").finditer(sentence):
        if boundary.end() <= position:
            start = boundary.end()
        elif boundary.start() >= position:
            end = boundary.start()
            break
    return start, end


def negated(sentence: str, match: TermMatch) -> bool:
    """The clause denies offering the treatment: a negating verb follows it with only filler in between."""
    start, end = clause_at(sentence, match.start)
    if rule("negation", "heading").search(sentence, start, match.start):
        return True
    for verb in rule("negation", "clause").finditer(sentence, match.end, end):
        between = sentence[match.end : verb.start()]
        for other in find_terms(between):
            between = between.replace(other.term, "")
        if len(NEGATION_FILLER.sub("", between)) <= NEGATION_REACH:
            return True
        if not has("negation", "topic", between) and not has("negation", "affirmative", between):
            return True
    return False


def is_component(sentence: str, match: TermMatch) -> bool:
    """The modality is named as an ingredient or a target (「幹細胞などの成分が含まれる」「線維芽細胞を活性化」)."""
    if match.modality not in _words("component", "modalities"):
        return False
    return has("component", "after_term", sentence[match.end :])


def is_news_page(url: str, title: str) -> bool:
    """The page reports or explains (news, column, blog) judging by its URL path or title."""
    parts = [part.lower() for part in urlsplit(url).path.split("/") if part]
    parts = [re.sub(r"\.(html?|php|aspx?)$", "", part) for part in parts]
    if any(rule("news", "url_part").search(part) for part in parts[:-1] or parts):
        return True
    return has("news", "title", title.split("|")[0])


def regenerative(text: str) -> bool:
    """The text presents something as regenerative medicine (the Act's name and denials do not count)."""
    excluded = [m.span() for m in rule("regenerative", "excluded").finditer(text)]
    for wording in rule("regenerative", "wording").finditer(text):
        if any(lo <= wording.start() < hi for lo, hi in excluded):
            continue
        start, end = clause_at(text, wording.start())
        if not rule("regenerative", "denied").search(text, start, end):
            return True
    return False


def approval_claims(sentence: str) -> bool:
    """The sentence says the ministry or the state approved a regenerative treatment."""
    if not has("approval", "topic", sentence):
        return False
    for claim in rule("approval", "claim").finditer(sentence):
        if rule("approval", "not_before").search(sentence[: claim.start()]):
            continue
        if rule("approval", "not_after").search(sentence[claim.end() :]):
            continue
        return True
    return False
