"""What a clinic page advertises (claims, flags) and who the clinic is (identity facts).

`extract_page` is the one entry point the clinic spider calls; it is a plain function of the decoded
HTML and its URL, so it tests without a reactor.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from crawler.taxonomy import modality
from db.vocabulary import FactKind, Flag, NameSource


class PageTooComplex(Exception):
    """Extraction of one page ran past its time budget; the page is skipped, the crawl goes on."""


@dataclass(frozen=True)
class Budget:
    """A deadline for one page's extraction, checked between units of work (segments, sentences)."""

    seconds: float | None = None
    started: float = field(default_factory=time.monotonic)

    def check(self) -> None:
        if self.seconds is not None and time.monotonic() - self.started > self.seconds:
            raise PageTooComplex(f"page too complex, skipped (extraction took over {self.seconds:g} s)")


@dataclass(frozen=True)
class ClaimFact:
    """An advertised treatment: modality id from the taxonomy, with the quote that shows it."""

    modality: str
    pillar: str
    requires_filing: bool
    usual_class: int | None
    term: str
    quote: str  # a sentence or table cell of the page's visible text, at most 200 characters
    regenerative_wording: bool = False  # the quote's context presents it as 再生医療 / 再生
    branch: str | None = None


@dataclass(frozen=True)
class FlagFact:
    flag: Flag
    quote: str


@dataclass(frozen=True)
class IdentityFactData:
    kind: FactKind
    value: str  # cleaned (phone digits only, address NFKC, plan number upper-case)
    value_raw: str
    source: NameSource
    quote: str
    branch: str | None = None  # the branch (e.g. 梅田院) the fact belongs to, None for the clinic


@dataclass
class PageExtraction:
    title: str
    text: str  # visible text (scripts, styles, hidden elements excluded)
    claims: list[ClaimFact] = field(default_factory=list)
    flags: list[FlagFact] = field(default_factory=list)
    identity: list[IdentityFactData] = field(default_factory=list)

    @property
    def has_facts(self) -> bool:
        return bool(self.claims or self.flags or self.identity)


def extract_page(html: str, url: str, *, budget_seconds: float | None = None) -> PageExtraction:
    """Claims, flags and identity facts of one decoded HTML page.

    Raises PageTooComplex when `budget_seconds` pass before the page is done.
    """
    from crawler.extract import claims, flags, identity, visible

    budget = Budget(budget_seconds)
    page = visible.parse(html)
    budget.check()
    found = claims.candidates(page, url, budget)
    branch = identity.page_branch(page)
    result = PageExtraction(title=page.title, text=page.text, identity=identity.identity_facts(page))
    for candidate in claims.best_claims(found):
        mod = modality(candidate.modality)
        result.claims.append(
            ClaimFact(
                modality=mod.id,
                pillar=mod.pillar,
                requires_filing=mod.requires_filing,
                usual_class=mod.usual_class,
                term=candidate.term,
                quote=candidate.quote,
                regenerative_wording=candidate.regenerative,
                branch=branch,
            )
        )
    for flag, quote in [
        (Flag.CELL_FREE_AS_REGENERATIVE, flags.cell_free_as_regenerative(found)),
        (Flag.APPROVAL_CLAIM, flags.approval_claim(page)),
    ]:
        if quote:
            result.flags.append(FlagFact(flag, quote))
    return result
