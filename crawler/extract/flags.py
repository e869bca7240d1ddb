"""Flags a page raises: a cell-free treatment sold as 再生医療, or a claim of ministry approval."""

from __future__ import annotations

from crawler.extract import context
from crawler.extract.claims import Candidate
from crawler.extract.visible import SENTENCE_END, VisiblePage
from crawler.taxonomy import fold, modality


def cell_free_as_regenerative(found: list[Candidate]) -> str | None:
    """The best quote presenting a cell-free modality as 再生医療, where no filed-type treatment shares it.

    A sentence that lists stem cells and exosomes together as 再生医療 may mean the stem cells; only a
    sentence about cell-free treatments alone is clear enough to flag.
    """
    qualifying = [
        candidate
        for candidate in found
        if candidate.regenerative
        and not modality(candidate.modality).requires_filing
        and not any(modality(other).requires_filing for other in candidate.sentence_modalities)
    ]
    return max(qualifying, key=lambda c: c.score).quote if qualifying else None


def approval_claim(page: VisiblePage) -> str | None:
    """The first sentence (meta description included) saying MHLW or the state approved the treatment."""
    description = [piece.strip() for piece in SENTENCE_END.split(page.meta_description) if piece.strip()]
    for raw in [*description, *(s for seg in page.segments for s in seg.sentences())]:
        if context.approval_claims(fold(raw)):
            return raw[:200]
    return None
