"""Analysts' confirm/reject decisions on site–facility pairs: stored with who and when, undoable.

A judgement names the site by seed URL and the facility by its name as filed (compared after
normalisation, so spacing and width do not matter) and optionally its prefecture. `link_crawl`
applies the active ones on every run.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.clock import now
from db.models import Judgement, RegistryFacility, Site
from db.vocabulary import JudgementVerdict
from jp import prefectures
from jp.text import compact

VERDICTS = tuple(JudgementVerdict)


class JudgementError(ValueError):
    """A judgement cannot be recorded or undone; the message says which input and why."""


def facility_key(name: str) -> str:
    """The form judgements compare facility names in (width, spaces and line breaks folded)."""
    return compact(name)


def applies_to(judgement: Judgement, facility_name: str, prefecture: str) -> bool:
    """True when the judgement names this facility (and its prefecture, when it gives one)."""
    if facility_key(judgement.facility) != facility_key(facility_name):
        return False
    return judgement.prefecture is None or prefectures.same(judgement.prefecture, prefecture)


def find_site(session: Session, site: str) -> Site:
    """The site named by seed URL or host (with or without www.)."""
    found = session.scalars(select(Site).where(Site.seed_url == site)).first()
    if found:
        return found
    host = site.split("://", 1)[-1].split("/", 1)[0].lower()
    hosts = {host, host.removeprefix("www."), "www." + host.removeprefix("www.")}
    matches = session.scalars(select(Site).where(Site.host.in_(hosts))).all()
    if len(matches) == 1:
        return matches[0]
    if matches:
        urls = ", ".join(match.seed_url for match in matches)
        raise JudgementError(f"site {site!r} is ambiguous ({urls}); give the seed URL")
    raise JudgementError(f"site {site!r}: no seeded site has this seed URL or host; see `clinicwatch crawl`")


def matching_facilities(session: Session, snapshot_id: int, facility: str, prefecture: str | None) -> list[RegistryFacility]:
    """The snapshot's facilities a judgement on (facility, prefecture) would apply to."""
    rows = session.scalars(select(RegistryFacility).where(RegistryFacility.snapshot_id == snapshot_id)).all()
    key = facility_key(facility)
    return [
        row for row in rows
        if key in (facility_key(row.name), facility_key(row.name_raw))
        and (prefecture is None or prefectures.same(prefecture, row.prefecture))
    ]


def judge(
    session: Session,
    seed_url: str,
    facility: str,
    prefecture: str | None,
    verdict: str,
    note: str | None,
    who: str,
) -> Judgement:
    """Record a confirm or reject; an earlier active judgement on the same pair is superseded (undone)."""
    if verdict not in VERDICTS:
        raise JudgementError(f"verdict {verdict!r} is not one of {', '.join(VERDICTS)}")
    if not facility.strip():
        raise JudgementError("facility name is empty; give it as filed in the registry")
    judged_at = now()
    for earlier in active_judgements(session, seed_url):
        if facility_key(earlier.facility) == facility_key(facility) and prefectures.same(
            earlier.prefecture or "", prefecture or ""
        ):
            earlier.undone_at = judged_at
    judgement = Judgement(
        site_seed_url=seed_url, facility=facility.strip(), prefecture=prefecture, verdict=verdict, note=note, who=who
    )
    session.add(judgement)
    session.flush()
    return judgement


def undo(session: Session, judgement_id: int) -> Judgement:
    """Mark a judgement undone; later runs no longer apply it."""
    judgement = session.get(Judgement, judgement_id)
    if judgement is None:
        raise JudgementError(f"judgement {judgement_id} does not exist; see `clinicwatch link list --all`")
    if judgement.undone_at is not None:
        raise JudgementError(f"judgement {judgement_id} was already undone at {judgement.undone_at:%Y-%m-%d %H:%M}")
    judgement.undone_at = now()
    session.flush()
    return judgement


def active_judgements(session: Session, seed_url: str | None = None) -> list[Judgement]:
    """Judgements not undone, oldest first; only those of one site when `seed_url` is given."""
    query = select(Judgement).where(Judgement.undone_at.is_(None)).order_by(Judgement.id)
    if seed_url is not None:
        query = query.where(Judgement.site_seed_url == seed_url)
    return list(session.scalars(query))


def all_judgements(session: Session) -> list[Judgement]:
    """Every judgement, undone ones included, oldest first."""
    return list(session.scalars(select(Judgement).order_by(Judgement.id)))
