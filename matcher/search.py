"""Registry search by clinic name, for `clinicwatch check --name`: the closest filings and their plans."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import RegistryPlan
from jp import prefectures
from matcher.link import load_facilities
from matcher.query import make_query
from matcher.score import score_pair

MIN_BRAND = 0.7  # facilities whose brand is less alike than this are not shown


def search_registry(
    session: Session, snapshot_id: int, name: str, prefecture: str | None = None, limit: int = 10
) -> list[dict[str, Any]]:
    """Facilities of the snapshot whose name is closest to `name`, best first, with features and plans.

    Only names are compared (no address is given), so `score` ranks and `why` explains; it is not a
    match decision.
    """
    query = make_query([name])
    facilities = [
        f for f in load_facilities(session, snapshot_id) if prefecture is None or prefectures.same(prefecture, f.prefecture)
    ]
    scored = [score_pair(query, facility) for facility in facilities]
    scored = [item for item in scored if (item.value("brand_similarity") or 0.0) >= MIN_BRAND]
    scored.sort(key=lambda item: (-item.score, item.facility.id))
    best = scored[:limit]
    plans = _plans(session, [item.facility.id for item in best])
    return [
        {
            "facility_id": item.facility.id,
            "facility": item.facility.name,
            "prefecture": item.facility.prefecture,
            "address": item.facility.address_raw,
            "score": round(item.score, 4),
            "why": _why(item.features),
            "features": item.features,
            "plans": plans.get(item.facility.id, []),
        }
        for item in best
    ]


def _why(features: list[dict[str, Any]]) -> str:
    shown = [f"{f['name']} {f['value']:+.2f}" for f in features if f["value"] is not None and f["weight"]]
    return "; ".join(shown)


def _plans(session: Session, facility_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
    rows = session.scalars(
        select(RegistryPlan).where(RegistryPlan.facility_id.in_(facility_ids)).order_by(RegistryPlan.plan_number)
    )
    for plan in rows:
        if plan.facility_id is None:
            continue
        grouped[plan.facility_id].append(
            {
                "plan_number": plan.plan_number,
                "plan_class": plan.plan_class,
                "treatment": plan.treatment,
                "modalities": plan.modalities,
            }
        )
    return grouped
