"""Linking crawled sites to registry facilities and storing each decision with its explanation.

One Link per site crawl for the clinic as a whole (branch NULL) and one per branch the identity facts
name. Re-running replaces the crawl's links for that snapshot. Active judgements are applied: a
confirm forces a match with that facility, a reject removes it from the candidates.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from db.models import IdentityFact, Judgement, Link, RegistryFacility, RegistryPlan, Site, SiteCrawl
from db.vocabulary import Decision, FactKind, JudgementVerdict, NameSource, Verdict
from jp.text import compact
from matcher.candidates import CandidateIndex
from matcher.features import Facility, Query
from matcher.judgements import active_judgements, applies_to
from matcher.names import split_name
from matcher.query import make_facility, make_query
from matcher.score import Outcome, Scored, decide, score_pair

# Where the site names itself; footers, tables and body text may also name sister clinics.
OWN_SOURCES = frozenset(
    {NameSource.JSONLD, NameSource.OG, NameSource.SEED, NameSource.OPENDATA, NameSource.TITLE, NameSource.ALT}
)


@dataclass
class LinkSummary:
    """What `link_run` did: how many site crawls and links, by decision, and how long it took."""

    run_id: int
    snapshot_id: int
    site_crawls: int = 0
    links: int = 0
    decisions: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


@dataclass
class _Job:
    """One link to make: a site crawl, a branch (None = the clinic) and its query."""

    crawl: SiteCrawl
    branch: str | None
    query: Query
    shown: dict[str, Any]


def load_facilities(session: Session, snapshot_id: int) -> list[Facility]:
    """The snapshot's registry facilities with the plan numbers filed under each."""
    plans: dict[int, set[str]] = defaultdict(set)
    rows = session.execute(
        select(RegistryPlan.facility_id, RegistryPlan.plan_number).where(RegistryPlan.snapshot_id == snapshot_id)
    )
    for facility_id, plan_number in rows:
        if facility_id is not None and plan_number:
            plans[facility_id].add(plan_number)
    facilities = session.scalars(
        select(RegistryFacility).where(RegistryFacility.snapshot_id == snapshot_id).order_by(RegistryFacility.id)
    )
    return [
        make_facility(row.id, row.name, row.prefecture, row.address, plans.get(row.id, ()))
        for row in facilities
    ]


def build_index(session: Session, snapshot_id: int) -> CandidateIndex:
    """The candidate index of one snapshot (build once, use for a whole run)."""
    return CandidateIndex(load_facilities(session, snapshot_id))


def link_crawl(session: Session, site_crawl_id: int, snapshot_id: int) -> list[Link]:
    """Link one site crawl (the clinic and each branch) against a snapshot; returns the new Link rows."""
    crawl = session.get(SiteCrawl, site_crawl_id)
    if crawl is None:
        raise ValueError(f"site crawl {site_crawl_id} does not exist")
    return _link_crawls(session, [crawl], snapshot_id, build_index(session, snapshot_id))


def link_run(session: Session, run_id: int, snapshot_id: int) -> LinkSummary:
    """Link every site crawl of a run, building the candidate index once."""
    started = time.perf_counter()
    crawls = list(session.scalars(select(SiteCrawl).where(SiteCrawl.run_id == run_id).order_by(SiteCrawl.id)))
    links = _link_crawls(session, crawls, snapshot_id, build_index(session, snapshot_id)) if crawls else []
    return LinkSummary(
        run_id=run_id,
        snapshot_id=snapshot_id,
        site_crawls=len(crawls),
        links=len(links),
        decisions=dict(Counter(link.decision for link in links)),
        seconds=round(time.perf_counter() - started, 3),
    )


def _link_crawls(session: Session, crawls: list[SiteCrawl], snapshot_id: int, index: CandidateIndex) -> list[Link]:
    facts = _facts_by_crawl(session, [crawl.id for crawl in crawls])
    jobs = [job for crawl in crawls for job in site_jobs(crawl, facts.get(crawl.id, []))]
    judgements = _judgements_by_site(session)
    candidates = index.candidates_many([job.query for job in jobs])
    session.execute(
        delete(Link).where(Link.site_crawl_id.in_([crawl.id for crawl in crawls]), Link.snapshot_id == snapshot_id)
    )
    links = []
    for job, found in zip(jobs, candidates, strict=True):
        site_judgements = judgements.get(job.crawl.site.seed_url, [])
        decision, applied = _decide_with_judgements(job, found, index, site_judgements)
        link = Link(
            site_id=job.crawl.site_id,
            site_crawl_id=job.crawl.id,
            snapshot_id=snapshot_id,
            branch=job.branch,
            decision=decision.decision,
            facility_ids=decision.facility_ids,
            score=round(decision.score, 4),
            margin=decision.margin,
            explanation=explanation(job.shown, decision, applied),
        )
        session.add(link)
        links.append(link)
    session.flush()
    return links


def _facts_by_crawl(session: Session, crawl_ids: list[int]) -> dict[int, list[IdentityFact]]:
    grouped: dict[int, list[IdentityFact]] = defaultdict(list)
    for fact in session.scalars(
        select(IdentityFact).where(IdentityFact.site_crawl_id.in_(crawl_ids)).order_by(IdentityFact.id)
    ):
        grouped[fact.site_crawl_id].append(fact)
    return grouped


def _judgements_by_site(session: Session) -> dict[str, list[Judgement]]:
    grouped: dict[str, list[Judgement]] = defaultdict(list)
    for judgement in active_judgements(session):
        grouped[judgement.site_seed_url].append(judgement)
    return grouped


def _values(
    facts: list[IdentityFact], kind: FactKind, branch: str | None = None, any_branch: bool = False,
    sources: frozenset[NameSource] | None = None,
) -> list[str]:
    chosen = [
        f for f in facts
        if f.kind == kind and (any_branch or f.branch == branch) and (sources is None or f.source in sources)
    ]
    chosen.sort(key=lambda f: NameSource.rank(f.source))
    return list(dict.fromkeys(f.value for f in chosen if f.value))


def _names(facts: list[IdentityFact], site: Site, branch: str | None, whole: bool) -> tuple[list[str], list[str]]:
    """(own names, secondary names) of the clinic or one branch; names of other branches left out."""
    label = compact(branch).removesuffix("院") if branch else None

    def ours(name: str) -> bool:
        return whole or split_name(name).branch in (None, label)

    own = [n for n in _values(facts, FactKind.NAME, branch, any_branch=True, sources=OWN_SOURCES) if ours(n)]
    own += [site.seed_name] if site.seed_name else []
    secondary = [n for n in _values(facts, FactKind.NAME, branch, any_branch=True) if n not in own and ours(n)]
    return own, secondary


def site_jobs(crawl: SiteCrawl, facts: list[IdentityFact]) -> list[_Job]:
    """The clinic-wide query and one query per branch the facts name."""
    site: Site = crawl.site
    corporations = _values(facts, FactKind.CORPORATION, any_branch=True)
    branches = list(dict.fromkeys([*(f.branch for f in facts if f.branch), *_values(facts, FactKind.BRANCH, any_branch=True)]))
    own, secondary = _names(facts, site, None, whole=True)
    whole = make_query(
        own,
        addresses=_values(facts, FactKind.ADDRESS, any_branch=True),
        phones=_values(facts, FactKind.PHONE, any_branch=True),
        plan_numbers=_values(facts, FactKind.PLAN_NUMBER, any_branch=True),
        corporations=corporations,
        opendata_name=site.opendata_name,
        opendata_address=site.opendata_address,
        secondary_names=secondary,
    )
    whole = _with_branch_places(whole, branches)
    jobs = [_Job(crawl, None, whole, _shown(own + secondary, facts, None, True, site))]
    for branch in branches:
        own, secondary = _names(facts, site, branch, whole=False)
        query = make_query(
            [*own, *(f"{name} {branch}" for name in own if split_name(name).branch is None)],
            addresses=_values(facts, FactKind.ADDRESS, branch),
            phones=_values(facts, FactKind.PHONE, branch),
            plan_numbers=_values(facts, FactKind.PLAN_NUMBER, branch),
            corporations=corporations,
            branch=branch,
            secondary_names=secondary,
        )
        jobs.append(_Job(crawl, branch, query, _shown(own + secondary, facts, branch, False, site)))
    return jobs


def _with_branch_places(query: Query, branches: list[str]) -> Query:
    """The clinic as a whole is at all of its branches: their places count as its own."""
    if not branches:
        return query
    places: set[str] = set()
    for branch in branches:
        places |= make_query([], branch=branch).branch_places
    return replace(query, branch_places=frozenset(places))


def _shown(names: list[str], facts: list[IdentityFact], branch: str | None, whole: bool, site: Site) -> dict[str, Any]:
    addresses = _values(facts, FactKind.ADDRESS, branch, any_branch=whole)
    if whole and site.opendata_address:
        addresses.append(site.opendata_address)
    shown_names = names + ([site.opendata_name] if whole and site.opendata_name else [])
    return {
        "name": (f"{shown_names[0]} {branch}" if branch else shown_names[0]) if shown_names else None,
        "names": shown_names,
        "address": addresses[0] if addresses else None,
        "phones": _values(facts, FactKind.PHONE, branch, any_branch=whole),
        "plan_numbers": _values(facts, FactKind.PLAN_NUMBER, branch, any_branch=whole),
        "branch": branch,
    }


def _decide_with_judgements(
    job: _Job, found: list[Facility], index: CandidateIndex, judgements: list[Judgement]
) -> tuple[Outcome, dict[str, Any] | None]:
    """Score the candidates, drop rejected facilities, force confirmed ones, then decide."""
    applied: dict[str, list[dict[str, Any]]] = {"confirmed": [], "rejected": []}
    candidates = list(found)
    present = {facility.id for facility in candidates}
    for confirm in (j for j in judgements if j.verdict == JudgementVerdict.CONFIRM):
        for facility in index.facilities:
            if facility.id not in present and applies_to(confirm, facility.name, facility.prefecture):
                candidates.append(facility)
                present.add(facility.id)
    scored: list[Scored] = []
    for facility in candidates:
        judgement = next((j for j in judgements if applies_to(j, facility.name, facility.prefecture)), None)
        result = score_pair(job.query, facility)
        if judgement is not None and judgement.verdict == JudgementVerdict.REJECT:
            applied["rejected"].append(_judgement_json(judgement, facility))
            continue
        if judgement is not None and _confirm_applies(job, result):
            note = f": {judgement.note}" if judgement.note else ""
            result.verdict, result.why, result.score = Verdict.ACCEPTED, f"confirmed by {judgement.who}{note}", 1.0
            applied["confirmed"].append(_judgement_json(judgement, facility))
        scored.append(result)
    decision = decide(scored)
    if applied["confirmed"] and decision.decision != Decision.MATCH:  # an analyst's confirm outranks a close runner-up
        ids = [item["facility_id"] for item in applied["confirmed"]]
        decision = replace(decision, decision=Decision.MATCH, facility_ids=ids, reason=f"confirmed by an analyst: {decision.reason}")
    return decision, (applied if applied["confirmed"] or applied["rejected"] else None)


def _confirm_applies(job: _Job, result: Scored) -> bool:
    """A confirm holds for the clinic as a whole; for a branch only if it is not another branch's filing."""
    if job.branch is None:
        return True
    return result.value("branch_agreement") != -1.0 and result.value("municipality_agreement") != -1.0


def _judgement_json(judgement: Judgement, facility: Facility) -> dict[str, Any]:
    return {
        "id": judgement.id,
        "verdict": judgement.verdict,
        "facility_id": facility.id,
        "facility": facility.name,
        "who": judgement.who,
        "at": judgement.created_at.isoformat() if judgement.created_at else None,
        "note": judgement.note,
    }


def explanation(shown: dict[str, Any], decision: Outcome, judgement: dict[str, Any] | None) -> dict[str, Any]:
    """The Link explanation JSON of DEVELOPERS.md."""
    return {
        "decision": decision.decision,
        "reason": decision.reason,
        "query": shown,
        "candidates": [scored.as_json() for scored in decision.candidates],
        "margin": decision.margin,
        "judgement": judgement,
    }
