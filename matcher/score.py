"""Scoring a candidate and deciding a link, with the explanation stored beside every decision.

Score: the weighted feature values are summed (absent features count 0) and squashed,
`score = 1 / (1 + exp(-(sum - 3) / 2))`, so a brand + address match lands near 0.98 and a bare name
match elsewhere near 0.1. The score ranks candidates; the verdict comes from the rules in `verdict_of`,
which state the decision policy in words a reviewer can check.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from db.vocabulary import Decision, Verdict
from matcher.features import BRAND_AGREES, FEATURES, Facility, Pair, Query, street_match

_FEATURES = [(function, weight, " ".join((function.__doc__ or "").split())) for function, weight in FEATURES]

BRAND_CLOSE = 0.6  # enough, with a cited plan number of the facility, to accept
CLOSE_RUNNER_UP = 0.05  # a review candidate this close to the best match makes the link a review



@dataclass
class Scored:
    """One candidate with its feature values (in FEATURES order), score, verdict and the reason for it."""

    facility: Facility
    values: dict[str, float | None]
    score: float
    verdict: Verdict
    why: str

    def value(self, name: str) -> float | None:
        return self.values.get(name)

    @property
    def features(self) -> list[dict[str, Any]]:
        """Each feature as the explanation JSON shows it: name, value, weight, contribution, description."""
        shown = []
        for function, weight, description in _FEATURES:
            value = self.values[function.__name__]
            shown.append(
                {
                    "name": function.__name__,
                    "value": None if value is None else round(value, 4),
                    "weight": weight,
                    "contribution": 0.0 if value is None else round(value * weight, 4),
                    "description": description,
                }
            )
        return shown

    def as_json(self) -> dict[str, Any]:
        return {
            "facility_id": self.facility.id,
            "facility": self.facility.name,
            "prefecture": self.facility.prefecture,
            "address": self.facility.address_raw,
            "plan_numbers": sorted(self.facility.plan_numbers),
            "score": round(self.score, 4),
            "verdict": self.verdict,
            "why": self.why,
            "features": self.features,
        }


def score_pair(query: Query, facility: Facility) -> Scored:
    """All features of one query–facility pair, its score and its verdict."""
    pair = Pair(query, facility)
    values: dict[str, float | None] = {}
    total = 0.0
    for function, weight, _ in _FEATURES:
        value = function(pair)
        values[function.__name__] = value
        if value is not None:
            total += value * weight
    score = 1.0 / (1.0 + math.exp(-(total - 3.0) / 2.0))
    verdict, why = verdict_of(pair, values)
    return Scored(facility, values, score, verdict, why)


def verdict_of(pair: Pair, values: dict[str, float | None]) -> tuple[Verdict, str]:
    """accepted / review / rejected for one candidate, and one sentence saying why."""
    cited = values["plan_number_cited"] == 1.0
    verdict, why = _verdict_of(pair, values)
    if verdict == Verdict.ACCEPTED and not cited and not pair.own_name_agrees:
        own = pair.query.own_names[0].raw
        return Verdict.REVIEW, f"{why}, but only through a name in the footer or text; the site calls itself {own}"
    return verdict, why


def _verdict_of(pair: Pair, values: dict[str, float | None]) -> tuple[Verdict, str]:
    brand = values["brand_similarity"] or 0.0
    street = values["street_agreement"]
    municipality = values["municipality_agreement"]
    cited = values["plan_number_cited"] == 1.0
    corroborated = (street is not None and street >= 0.6) or values["phone_equality"] == 1.0
    corroborated = corroborated or values["opendata_identity"] == 1.0
    conflict = _conflict(pair, values)
    if conflict:
        if cited:
            return Verdict.REVIEW, f"{conflict}, but the site cites this facility's plan number"
        return Verdict.REJECTED, conflict
    if street == -0.5 and not cited:
        return Verdict.REVIEW, "same name in the same 丁目 but at another block: moved, or another clinic?"
    if brand >= BRAND_AGREES and (corroborated or cited):
        evidence = "the address" if street is not None and street >= 0.6 else "a phone, open-data or plan number"
        return Verdict.ACCEPTED, f"same brand (similarity {brand:.2f}) and {evidence} agrees"
    if values["full_name_equal"] == 1.0 and municipality is not None and municipality >= 0.5:
        return Verdict.ACCEPTED, "same full name in the same municipality"
    if cited and brand >= BRAND_CLOSE:
        return Verdict.ACCEPTED, f"the site cites this facility's plan number and the names are close ({brand:.2f})"
    if street == 1.0 and (values["phone_equality"] == 1.0 or _same_floor(pair)):
        return Verdict.REVIEW, "same address and floor but the names disagree: renamed clinic?"
    if cited:
        return Verdict.REVIEW, "the site cites this facility's plan number but the names disagree"
    if brand >= BRAND_AGREES and street is None and municipality is not None and municipality >= 0.5:
        return Verdict.REVIEW, "same brand in the same municipality, but the street address cannot be compared"
    if brand >= BRAND_AGREES and municipality is None:
        return Verdict.REVIEW, "same brand, but the site gives no address to confirm it"
    return Verdict.REJECTED, _rejection(brand, street, municipality)


def _conflict(pair: Pair, values: dict[str, float | None]) -> str | None:
    if values["branch_agreement"] == -1.0:
        return f"branch conflict ({pair.notes.get('branch', 'different branches')})"
    if values["municipality_agreement"] == -1.0:
        prefectures = {address.prefecture for address in pair.query.addresses}
        if pair.facility.address.prefecture not in prefectures:
            return f"the facility is in another prefecture ({pair.facility.prefecture})"
        return f"the facility is in another municipality ({pair.facility.address.municipality})"
    street = values["street_agreement"]
    if street == -1.0:
        return "the facility is at another street address"
    if street == -0.5 and (values["brand_similarity"] or 0.0) < 1.0:
        return "the facility is in the same 丁目 but at another block"
    if values["facility_type_conflict"] == -1.0 and street != 1.0:
        return "the names state different specialties"
    return None


def _same_floor(pair: Pair) -> bool:
    floor = pair.facility.address.floor
    return bool(floor) and any(address.floor == floor for address in pair.query.addresses)


def _rejection(brand: float, street: float | None, municipality: float | None) -> str:
    if brand < BRAND_AGREES:
        return f"different clinic name (brand similarity {brand:.2f})"
    if street is not None and street < 0.6:
        return "same brand but the street addresses differ"
    return "same brand but nothing corroborates it"


@dataclass
class Outcome:
    """The outcome for one query: decision, facilities, best score, margin, reason and candidates."""

    decision: Decision
    facility_ids: list[int]
    score: float
    margin: float | None
    reason: str
    candidates: list[Scored]


def decide(candidates: list[Scored]) -> Outcome:
    """match / review / no_match from the scored candidates, with the margin to the runner-up.

    Every accepted candidate is the same clinic (each is corroborated by the site's own address,
    phone or plan number), so a match may name several filings of it. A review candidate elsewhere
    scoring within CLOSE_RUNNER_UP of the best match makes the whole decision a review.
    """
    ranked = sorted(candidates, key=lambda scored: -scored.score)
    accepted = [scored for scored in ranked if scored.verdict == Verdict.ACCEPTED]
    review = [scored for scored in ranked if scored.verdict == Verdict.REVIEW]
    chosen = accepted or review
    others = [scored for scored in ranked if scored not in chosen]
    best = chosen[0].score if chosen else (ranked[0].score if ranked else 0.0)
    runner_up = others[0].score if others else None
    margin = round(best - runner_up, 4) if runner_up is not None else None
    if accepted:
        close = [
            scored for scored in review
            if scored.score >= accepted[0].score - CLOSE_RUNNER_UP and not _same_place_as(scored, accepted)
        ]
        if close:
            reason = f"{accepted[0].facility.name} matches, but {close[0].facility.name} is almost as close"
            return Outcome(Decision.REVIEW, _ids(accepted + close), best, margin, reason, ranked)
        names = "; ".join(dict.fromkeys(scored.facility.name for scored in accepted))
        reason = f"matched {names}: {accepted[0].why}"
        return Outcome(Decision.MATCH, _ids(accepted), best, margin, reason, ranked)
    if review:
        return Outcome(Decision.REVIEW, _ids(review), best, margin, f"needs review: {review[0].why}", ranked)
    if ranked:
        reason = f"no candidate is this clinic; closest {ranked[0].facility.name}: {ranked[0].why}"
    else:
        reason = "no registry facility has a similar name or the same address"
    return Outcome(Decision.NO_MATCH, [], best, margin, reason, ranked)


def _same_place_as(candidate: Scored, accepted: list[Scored]) -> bool:
    """A review candidate at an accepted filing's street address is another filing of that clinic, not a rival."""
    return any(street_match(candidate.facility.address, item.facility.address) == 1.0 for item in accepted)


def _ids(scored: list[Scored]) -> list[int]:
    return list(dict.fromkeys(item.facility.id for item in scored))
