"""Claims: the treatments a page offers, each with the sentence or table cell that shows it.

A treatment named only in navigation, header or footer is not counted (its own page carries the claim);
questions, denials, products, ingredients, research talk and comparisons are not offers. A drip named
after stem cells is culture supernatant where its section says so, and donor cells where its section
names cord blood or a donor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from crawler.extract import Budget, context
from crawler.extract.visible import Segment, VisiblePage
from crawler.taxonomy import TermMatch, find_terms, fold, modalities, resolve

QUOTE_LIMIT = 200
# Terms that say only "stem cells": what they are depends on the section (own, donor, or supernatant).
GENERIC_STEM_TERMS = frozenset({"幹細胞", "ステムセル", "stem cell"})
# Products made from stem cells: a stem-cell term in the same sentence names their source.
STEM_PRODUCTS = frozenset({"culture_supernatant", "exosome"})
CELL_SOURCES = frozenset({"stem_cell", "stem_cell_allogeneic"})
PHRASE_TAIL = re.compile(r"[一-龥ァ-ヶー]{0,6}")
ROW_LABELS = frozenset({"th", "td", "dt"})
ROW_VALUES = frozenset({"td", "dd"})
# What one treatment is made of: its parts named in the same sentence are not offers of their own.
MADE_OF = {
    "culture_supernatant": CELL_SOURCES,
    "exosome": CELL_SOURCES,
    "svf": frozenset({"stem_cell", "fat_graft"}),
}
# Between two items of a list there are only separators, brackets and treatment words.
LIST_FILLER = re.compile(r"治療|療法|点滴|注射|注入|投与|ヒト|幹細胞|[\s()（）「」『』]")
LIST_SEPARATOR = re.compile(r"^(と|、|,|・|/|や|及び|および|または)+$")


@dataclass(frozen=True)
class Candidate:
    """One mention of a modality that counts as an offer; the best one per modality becomes the claim."""

    modality: str
    term: str
    quote: str
    score: float
    regenerative: bool
    sentence_modalities: frozenset[str]  # every modality offered in the same sentence


@dataclass(frozen=True)
class _Section:
    text: str
    news: bool
    comparison: bool
    supernatant: bool
    allogeneic: bool


def _section_info(page: VisiblePage, section: int) -> _Section:
    text = fold(page.section_text(section))
    heading = fold(page.section_heading(section))
    return _Section(
        text=text,
        news=context.has("news", "heading", heading),
        comparison=context.has("comparison", "heading", heading),
        supernatant=context.has("supernatant", "marker", text)
        and not context.has("supernatant", "real_cells", text),
        allogeneic=context.has("allogeneic", "marker", text)
        and not context.has("autologous", "marker", text),
    )


def _phrase(sentence: str, match: TermMatch) -> str:
    tail = PHRASE_TAIL.match(sentence, match.end)
    return match.term + (tail.group(0) if tail else "")


def _stem_aliases(page: VisiblePage, sections: dict[int, _Section], kind: str) -> set[str]:
    """Names such as 「幹細胞点滴」 that a section defines as supernatant (or donor cells) on this page."""
    aliases: set[str] = set()
    for segment in page.segments:
        info = sections[segment.section]
        if segment.region != "main" or not getattr(info, kind):
            continue
        folded = fold(segment.text)
        aliases.update(
            _phrase(folded, m)
            for m in find_terms(folded)
            if m.term.lower() in GENERIC_STEM_TERMS and len(_phrase(folded, m)) > len(m.term)
        )
    return aliases


def _rows(page: VisiblePage) -> list[tuple[Segment, str]]:
    """Each main-content segment with the rest of its table row (the price beside a 「幹細胞点滴」 cell)."""
    rows = []
    for index, segment in enumerate(page.segments):
        following = page.segments[index + 1] if index + 1 < len(page.segments) else None
        if segment.region != "main":
            continue
        paired = following is not None and segment.tag in ROW_LABELS and following.tag in ROW_VALUES
        rows.append((segment, fold(following.text) if following and paired else ""))
    return rows


def _prices_stem_cells_cheaply(page: VisiblePage) -> bool:
    """The page prices a treatment named only 「幹細胞…」 below what cultured cells cost."""
    for segment, row in _rows(page):
        text = fold(segment.text)
        generic = any(m.term.lower() in GENERIC_STEM_TERMS for m in find_terms(text))
        if generic and context.too_cheap_for_cells(f"{text} {row}"):
            return True
    return False


def _subject(page: VisiblePage, aliases: dict[str, set[str]]) -> set[str]:
    """Modalities the page is about: those named in the first part of its title and in its h1.

    A stem-cell name the page defines as something else (「幹細胞点滴」 = supernatant) counts as that.
    """
    text = fold(page.title).split("|")[0] + " " + fold(page.h1())
    matches = resolve(find_terms(text), text)
    subject: set[str] = set()
    for match in matches:
        if _source_of_product(text, match, matches):
            continue
        phrase = _phrase(text, match) if match.term.lower() in GENERIC_STEM_TERMS else None
        subject.add(next((kind for kind, names in aliases.items() if phrase in names), match.modality))
    return subject


class _PageRules:
    """The page-wide facts the sentence rules need, computed once per page."""

    def __init__(self, page: VisiblePage, url: str) -> None:
        self.page = page
        self.news_page = context.is_news_page(url, page.title)
        self.comparison_page = context.has(
            "comparison", "heading", fold(page.title).split("|")[0] + fold(page.h1())
        )
        self.sections = {
            section: _section_info(page, section) for section in {s.section for s in page.segments}
        }
        self.supernatant_aliases = _stem_aliases(page, self.sections, "supernatant")
        self.allogeneic_aliases = _stem_aliases(page, self.sections, "allogeneic")
        self.cheap_stem_cells = _prices_stem_cells_cheaply(page)
        self.subject = _subject(
            page,
            {
                "stem_cell_allogeneic": self.allogeneic_aliases,
                "culture_supernatant": self.supernatant_aliases,
            },
        )

    def stem_kind(self, sentence: str, match: TermMatch, section: _Section) -> str | None:
        """What a generic 「幹細胞」 mention means here: own cells, donor cells, supernatant, or None on a
        page that prices it too cheaply for cultured cells (「幹細胞点滴 33,000円」 is supernatant, usually)."""
        if context.has("autologous", "marker", sentence):
            return "stem_cell"
        phrase = _phrase(sentence, match)
        if (
            context.has("allogeneic", "marker", sentence)
            or section.allogeneic
            or phrase in self.allogeneic_aliases
            or ("stem_cell_allogeneic" in self.subject and "stem_cell" not in self.subject)
        ):
            return "stem_cell_allogeneic"
        product = "exosome" if self.subject == {"exosome"} else "culture_supernatant"
        if context.has("supernatant", "real_cells", sentence):
            return "stem_cell"
        if (
            context.has("supernatant", "marker", sentence)
            or section.supernatant
            or phrase in self.supernatant_aliases
            or (self.subject & STEM_PRODUCTS and "stem_cell" not in self.subject)
        ):
            return product
        if self.cheap_stem_cells and not context.has("autologous", "marker", sentence):
            return None
        return "stem_cell"


def _listed(sentence: str, first: TermMatch, second: TermMatch) -> bool:
    """The two treatments are items of one list (「幹細胞点滴と培養上清液点滴」), not one made of the other."""
    lo, hi = (first.end, second.start) if first.end <= second.start else (second.end, first.start)
    return LIST_SEPARATOR.match(LIST_FILLER.sub("", sentence[lo:hi])) is not None


def _source_of_product(sentence: str, match: TermMatch, matches: list[TermMatch]) -> bool:
    """A part named with what is made of it (stem cells with supernatant, fat with SVF), unless merely listed."""
    return any(
        match.modality in MADE_OF.get(other.modality, ()) and not _listed(sentence, match, other)
        for other in matches
    )


def _origin_of_pfc(sentence: str, match: TermMatch, matches: list[TermMatch], subject: set[str]) -> bool:
    """PRP named as the origin or the foil of PFC-FD, in a sentence or on a page about PFC-FD."""
    about_pfc = any(m.modality == "pfc_fd" for m in matches) or subject == {"pfc_fd"}
    return match.modality == "prp" and about_pfc and context.has("comparison", "derivation", sentence)


def _not_an_offer(
    rules: _PageRules,
    sentence: str,
    match: TermMatch,
    matches: list[TermMatch],
    section: _Section,
    offer: bool,
) -> bool:
    if context.has("product", "sentence", sentence) or context.negated(sentence, match):
        return True
    if context.has("negation", "referral", sentence):
        return True
    if context.has("explanation", "sentence", sentence) and not offer:
        return True
    if context.is_component(sentence, match) or _source_of_product(sentence, match, matches):
        return True
    if _origin_of_pfc(sentence, match, matches, rules.subject):
        return True
    if (rules.comparison_page or section.comparison) and (
        not offer or context.has("comparison", "derivation", sentence)
    ):
        return True
    if (rules.news_page or section.news) and not offer:
        return True
    return context.has("research", "sentence", sentence) and not offer


def _quote(raw: str, folded: str, match: TermMatch) -> str:
    if len(raw) <= QUOTE_LIMIT:
        return raw
    centre = int(match.start * len(raw) / max(len(folded), 1))
    start = max(0, min(centre - QUOTE_LIMIT // 2, len(raw) - QUOTE_LIMIT))
    return raw[start : start + QUOTE_LIMIT]


def _score(segment: Segment, offer: bool, regenerative: bool) -> float:
    score = 2.0 if segment.is_heading else 1.0 if segment.tag in {"td", "th", "caption", "dt", "dd"} else 0.0
    score += 2.0 if offer else 0.0
    return score + (0.5 if regenerative else 0.0)


def _sentence_candidates(rules: _PageRules, segment: Segment, raw: str, row: str) -> list[Candidate]:
    """Offers in one sentence; `row` is the rest of its table row, where a price shows an offer."""
    sentence = fold(raw).strip()
    offer = context.has("offer", "cue", sentence) or context.has("offer", "cue", row)
    if context.has("question", "sentence", sentence):
        return []
    matches = resolve(find_terms(sentence), sentence)
    section = rules.sections[segment.section]
    offered: list[tuple[str, TermMatch]] = []
    for match in matches:
        if _not_an_offer(rules, sentence, match, matches, section, offer):
            continue
        modality_id = match.modality
        if modality_id == "stem_cell" and match.term.lower() in GENERIC_STEM_TERMS:
            kind = rules.stem_kind(sentence, match, section)
            if kind is None:
                continue
            modality_id = kind
        if rules.subject and modality_id not in rules.subject and not offer:
            continue  # on a page about one treatment, another one named in passing is background or a foil
        offered.append((modality_id, match))
    regen = context.regenerative(sentence) or context.regenerative(fold(segment.heading))
    named = frozenset(modality_id for modality_id, _ in offered)
    return [
        Candidate(
            modality_id,
            match.term,
            _quote(raw, sentence, match),
            _score(segment, offer, regen) + (1.0 if modality_id == match.modality else 0.0),
            regen,
            named,
        )
        for modality_id, match in offered
    ]


def candidates(page: VisiblePage, url: str, budget: Budget | None = None) -> list[Candidate]:
    """Every mention on the page that counts as an offer, in page order."""
    rules = _PageRules(page, url)
    found: list[Candidate] = []
    for segment, row in _rows(page):
        for raw in segment.sentences():
            if budget is not None:
                budget.check()
            found.extend(_sentence_candidates(rules, segment, raw, row))
    return found


def best_claims(found: list[Candidate]) -> list[Candidate]:
    """One candidate per modality: the highest score, the earliest on the page among equals."""
    best: dict[str, Candidate] = {}
    for candidate in found:
        current = best.get(candidate.modality)
        if current is None or candidate.score > current.score:
            best[candidate.modality] = candidate
    order = list(modalities())
    return sorted(best.values(), key=lambda c: order.index(c.modality))
