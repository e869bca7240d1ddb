"""Findings: one verdict per crawled site of a run, with its evidence, stored as `Finding` rows.

The findings.json clinic object (`Finding.clinic`) is built here; its keys are documented in
reports/README.md and are what users' scripts read, so keep them stable.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, delete, select
from sqlalchemy.orm import Session

from db.models import (
    Claim,
    Finding,
    IdentityFact,
    Link,
    Page,
    RegistryFacility,
    RegistryPlan,
    RegistrySnapshot,
    Run,
    Site,
    SiteCrawl,
    SiteFlag,
)
from db.vocabulary import CrawlStatus, Decision, FactKind, Flag, NameSource, Status, Verdict
from jp import plan_numbers, prefectures
from reports import status as st

# Quotes kept per (modality, branch): enough to show the claim, few enough for a 10,000-clinic report.
EVIDENCE_PER_MODALITY = 5


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC; SQLite hands back naive datetimes, which are UTC here."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def branch_key(label: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", label))


# --- what one snapshot of the registry offers -----------------------------------------------------


@dataclass
class RegistryView:
    """One snapshot's facilities and plans, loaded once for every site of a run."""

    snapshot: RegistrySnapshot
    facilities: dict[int, RegistryFacility]
    plans_by_facility: dict[int, list[RegistryPlan]]
    numbers: dict[str, set[int]]

    def covers(self, facility_ids: Iterable[int]) -> list[st.PlanCover]:
        return [
            st.PlanCover(frozenset(plan.modalities or ()), plan.plan_class)
            for facility_id in facility_ids
            for plan in self.plans_by_facility.get(facility_id, ())
        ]


def load_registry(session: Session, snapshot_id: int) -> RegistryView:
    snapshot = session.get(RegistrySnapshot, snapshot_id)
    if snapshot is None:
        raise LookupError(f"registry snapshot {snapshot_id} does not exist; run `clinicwatch registry` first")
    facilities = {
        row.id: row
        for row in session.scalars(
            select(RegistryFacility).where(RegistryFacility.snapshot_id == snapshot_id)
        )
    }
    plans_by_facility: dict[int, list[RegistryPlan]] = defaultdict(list)
    numbers: dict[str, set[int]] = defaultdict(set)
    for plan in session.scalars(
        select(RegistryPlan).where(RegistryPlan.snapshot_id == snapshot_id).order_by(RegistryPlan.id)
    ):
        if plan.facility_id is not None:
            plans_by_facility[plan.facility_id].append(plan)
        number = plan_numbers.normalise(plan.plan_number or "")
        if number:
            holders = numbers[number]
            if plan.facility_id is not None:
                holders.add(plan.facility_id)
    return RegistryView(snapshot, facilities, dict(plans_by_facility), dict(numbers))


# --- what one site crawl says ---------------------------------------------------------------------


@dataclass
class SiteFacts:
    crawl: SiteCrawl
    site: Site
    claims: list[Claim] = field(default_factory=list)
    flags: list[SiteFlag] = field(default_factory=list)
    identity: list[IdentityFact] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    page_times: dict[int, datetime] = field(default_factory=dict)


RowT = TypeVar("RowT", Claim, SiteFlag, IdentityFact)


def _crawl_rows(
    session: Session, model: type[RowT], crawl_filter: ColumnElement[bool]
) -> dict[int, list[RowT]]:
    rows: dict[int, list[RowT]] = defaultdict(list)
    query = select(model).join(SiteCrawl, SiteCrawl.id == model.site_crawl_id).where(crawl_filter)
    for row in session.scalars(query.order_by(model.id)):
        rows[row.site_crawl_id].append(row)
    return rows


def load_facts(
    session: Session, snapshot_id: int, *, run_id: int | None = None, crawl_id: int | None = None
) -> list[SiteFacts]:
    """The facts of every site crawl of a run (or of one crawl), fetched in a few batched queries."""
    crawl_filter = SiteCrawl.run_id == run_id if crawl_id is None else SiteCrawl.id == crawl_id
    facts = {
        crawl.id: SiteFacts(crawl, site)
        for crawl, site in session.execute(
            select(SiteCrawl, Site)
            .join(Site, Site.id == SiteCrawl.site_id)
            .where(crawl_filter)
            .order_by(SiteCrawl.id)
        )
    }
    for key, claims in _crawl_rows(session, Claim, crawl_filter).items():
        facts[key].claims = claims
    for key, flags in _crawl_rows(session, SiteFlag, crawl_filter).items():
        facts[key].flags = flags
    for key, identity in _crawl_rows(session, IdentityFact, crawl_filter).items():
        facts[key].identity = identity
    links = session.scalars(
        select(Link)
        .join(SiteCrawl, SiteCrawl.id == Link.site_crawl_id)
        .where(crawl_filter, Link.snapshot_id == snapshot_id)
        .order_by(Link.id)
    )
    for link in links:
        if link.site_crawl_id in facts:
            facts[link.site_crawl_id].links.append(link)
    page_times = session.execute(
        select(Page.id, Page.site_crawl_id, Page.fetched_at)
        .join(SiteCrawl, SiteCrawl.id == Page.site_crawl_id)
        .join(IdentityFact, IdentityFact.page_id == Page.id)
        .where(crawl_filter, IdentityFact.kind == FactKind.PLAN_NUMBER)
    )
    for page_id, site_crawl_id, fetched_at in page_times:
        facts[site_crawl_id].page_times[page_id] = fetched_at
    return list(facts.values())


# --- the clinic object ----------------------------------------------------------------------------


def clinic_name(facts: SiteFacts) -> str:
    """The clinic's own name as the site gives it (best source first), else the seed's or open data's."""
    names = [fact for fact in facts.identity if fact.kind == FactKind.NAME and fact.branch is None and fact.value]
    names.sort(key=lambda fact: NameSource.rank(fact.source))
    if names:
        return names[0].value
    return facts.site.seed_name or facts.site.opendata_name or facts.site.host


def clinic_prefecture(facts: SiteFacts, registry: RegistryView, matched_ids: Iterable[int]) -> str | None:
    """From the site's own address, else open data's, else the matched registry facility's."""
    addresses = [fact.value for fact in facts.identity if fact.kind == FactKind.ADDRESS and fact.branch is None]
    addresses += [fact.value for fact in facts.identity if fact.kind == FactKind.ADDRESS and fact.branch is not None]
    for address in [*addresses, facts.site.opendata_address]:
        found = prefectures.of_address(address)
        if found:
            return found
    for facility_id in matched_ids:
        facility = registry.facilities.get(facility_id)
        if facility is not None and facility.prefecture:
            return facility.prefecture
    return None


def _latest_links(links: list[Link]) -> tuple[Link | None, dict[str, Link]]:
    clinic: Link | None = None
    branches: dict[str, Link] = {}
    for link in links:  # ordered by id: a later row for the same branch replaces an earlier one
        if link.branch is None:
            clinic = link
        else:
            branches[branch_key(link.branch)] = link
    return clinic, branches


def matched_ids(link: Link | None) -> list[int]:
    if link is None or link.decision != Decision.MATCH:
        return []
    return [int(facility_id) for facility_id in link.facility_ids or ()]


def possible_ids(link: Link) -> set[int]:
    """Facilities a link says the site is or may be: matched ones and those left for review."""
    ids = (
        {int(facility_id) for facility_id in link.facility_ids or ()}
        if link.decision != Decision.NO_MATCH
        else set()
    )
    for candidate in (link.explanation or {}).get("candidates", []):
        if candidate.get("verdict") in (Verdict.ACCEPTED, Verdict.REVIEW) and candidate.get("facility_id") is not None:
            ids.add(int(candidate["facility_id"]))
    return ids


def link_summary(link: Link | None) -> dict[str, Any]:
    if link is None:
        return {
            "decision": None,
            "reason": "no registry link was recorded for this site",
            "margin": None,
            "score": None,
            "judgement": None,
            "candidates": [],
        }
    explanation = link.explanation or {}
    return {
        "decision": link.decision,
        "reason": explanation.get("reason", ""),
        "margin": link.margin,
        "score": link.score,
        "judgement": explanation.get("judgement"),
        "candidates": candidate_objects(link),
    }


def _plan_object(plan: RegistryPlan) -> dict[str, Any]:
    return {
        "plan_number": plan.plan_number,
        "plan_class": plan.plan_class,
        "treatment": plan.treatment,
        "modalities": list(plan.modalities or ()),
    }


def match_objects(link: Link | None, registry: RegistryView) -> list[dict[str, Any]]:
    """One entry per facility the link matched: as filed, its plans, and why it was accepted."""
    if link is None:
        return []
    explanation = link.explanation or {}
    candidates = {candidate.get("facility_id"): candidate for candidate in explanation.get("candidates", [])}
    matches = []
    for facility_id in matched_ids(link):
        facility = registry.facilities.get(facility_id)
        plans = registry.plans_by_facility.get(facility_id, [])
        candidate = candidates.get(facility_id, {})
        matches.append(
            {
                "facility_id": facility_id,
                "facility": candidate.get("facility")
                or (facility.name if facility else f"facility {facility_id}"),
                "facility_raw": facility.name_raw if facility else None,
                "prefecture": facility.prefecture if facility else candidate.get("prefecture"),
                "address": facility.address if facility else candidate.get("address"),
                "branch": link.branch,
                "plan_numbers": [plan.plan_number for plan in plans if plan.plan_number],
                "plans": [_plan_object(plan) for plan in plans],
                "score": candidate.get("score", link.score),
                "explanation": {
                    "reason": explanation.get("reason", ""),
                    "why": candidate.get("why", ""),
                    "verdict": candidate.get("verdict", Verdict.ACCEPTED),
                    "features": candidate.get("features", []),
                },
            }
        )
    return matches


def unique_matches(matches: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each facility once: a facility matched by the clinic link and again by a branch link is one match."""
    seen: dict[Any, dict[str, Any]] = {}
    for match in matches:
        seen.setdefault(match["facility_id"], match)
    return list(seen.values())


def candidate_objects(link: Link | None) -> list[dict[str, Any]]:
    """Every registry candidate the matcher weighed for this link, as its explanation gives them."""
    if link is None:
        return []
    return [dict(candidate) for candidate in (link.explanation or {}).get("candidates", [])]


def evidence_objects(claims: list[Claim]) -> tuple[list[dict[str, Any]], int]:
    """Distinct claim quotes, at most EVIDENCE_PER_MODALITY per modality and branch; and how many were left out."""
    kept: list[dict[str, Any]] = []
    seen: set[tuple[str, str, str]] = set()
    per_modality: dict[tuple[str, str | None], int] = defaultdict(int)
    omitted = 0
    for claim in claims:
        key = (claim.modality, claim.url, claim.quote)
        if key in seen:
            continue
        seen.add(key)
        if per_modality[(claim.modality, claim.branch)] >= EVIDENCE_PER_MODALITY:
            omitted += 1
            continue
        per_modality[(claim.modality, claim.branch)] += 1
        kept.append(
            {
                "modality": claim.modality,
                "requires_filing": bool(claim.requires_filing),
                "pillar": claim.pillar,
                "usual_class": claim.usual_class,
                "term": claim.term,
                "quote": claim.quote,
                "url": claim.url,
                "fetched_at": iso(claim.fetched_at),
                "branch": claim.branch,
                "regenerative_wording": bool(claim.regenerative_wording),
            }
        )
    kept.sort(key=lambda item: not item["requires_filing"])  # stable: page order within each group
    return kept, omitted


def _modalities(claims: Iterable[Claim], requires_filing: bool) -> list[str]:
    return sorted({claim.modality for claim in claims if bool(claim.requires_filing) is requires_filing})


def flag_evidence(facts: SiteFacts, registry: RegistryView, own_ids: set[int]) -> list[dict[str, Any]]:
    """Extraction flags with their quotes, then the plan-number flags with the citing quote."""
    evidence: list[dict[str, Any]] = []
    seen: set[tuple[str, str, str]] = set()
    for row in facts.flags:
        if row.flag in tuple(Flag) and (row.flag, row.url, row.quote) not in seen:
            seen.add((row.flag, row.url, row.quote))
            evidence.append(
                {"flag": row.flag, "url": row.url, "quote": row.quote, "fetched_at": iso(row.fetched_at)}
            )
    cited = [fact for fact in facts.identity if fact.kind == FactKind.PLAN_NUMBER]
    for found in st.plan_number_flags([fact.value for fact in cited], registry.numbers, own_ids):
        source = next(fact for fact in cited if plan_numbers.normalise(fact.value) == found.plan_number)
        holders = [registry.facilities[i] for i in found.facility_ids if i in registry.facilities]
        evidence.append(
            {
                "flag": found.flag,
                "url": source.url,
                "quote": source.quote,
                "fetched_at": iso(facts.page_times.get(source.page_id)) if source.page_id else None,
                "plan_number": found.plan_number,
                "filed_by": [
                    {"facility": f.name, "prefecture": f.prefecture, "address": f.address} for f in holders
                ],
            }
        )
    return evidence


def _branch_labels(facts: SiteFacts, branch_links: dict[str, Link]) -> dict[str, str]:
    labels: dict[str, str] = {}
    for link in branch_links.values():
        labels.setdefault(branch_key(link.branch or ""), link.branch or "")
    for claim in facts.claims:
        if claim.branch:
            labels.setdefault(branch_key(claim.branch), claim.branch)
    return labels


@dataclass
class LinkContext:
    """The site's link decisions and what its matched facilities file, shared by clinic and branches."""

    clinic_link: Link | None
    branch_links: dict[str, Link]
    matched: list[int]
    plans: list[st.PlanCover]

    @property
    def clinic_decision(self) -> str | None:
        return self.clinic_link.decision if self.clinic_link else None

    @property
    def branch_decisions(self) -> list[str]:
        return [link.decision for link in self.branch_links.values()]


def link_context(facts: SiteFacts, registry: RegistryView) -> LinkContext:
    clinic_link, branch_links = _latest_links(facts.links)
    links = [clinic_link, *branch_links.values()]
    matched = list(dict.fromkeys(i for link in links for i in matched_ids(link)))
    return LinkContext(clinic_link, branch_links, matched, registry.covers(matched))


def branch_objects(facts: SiteFacts, registry: RegistryView, context: LinkContext) -> list[dict[str, Any]]:
    """Each branch judged against its own link, or as the clinic when it has none."""
    branches = []
    for key, label in _branch_labels(facts, context.branch_links).items():
        claims = [claim for claim in facts.claims if claim.branch and branch_key(claim.branch) == key]
        required = _modalities(claims, True)
        link = context.branch_links.get(key)
        if link is not None:
            verdict = st.link_verdict(required, link.decision, registry.covers(matched_ids(link)))
            summary = link_summary(link)
        else:  # any facility matched for the clinic or another branch may cover it
            verdict = st.link_verdict(
                required, context.clinic_decision, context.plans, other_decisions=context.branch_decisions
            )
            summary = {**link_summary(context.clinic_link), "inherited": True}
        branches.append(
            {
                "name": label,
                "status": verdict.status,
                "reason": verdict.reason,
                "requires_filing": required,
                "uncovered": list(verdict.uncovered),
                "link": summary,
                "matches": match_objects(link, registry),
                "evidence": evidence_objects(claims)[0],
            }
        )
    return branches


def crawl_object(crawl: SiteCrawl) -> dict[str, Any]:
    return {
        "status": crawl.status,
        "errors": list(crawl.errors or []),
        "pages": crawl.pages_fetched,
        "started_at": iso(crawl.started_at),
        "finished_at": iso(crawl.finished_at),
    }


def build_clinic(facts: SiteFacts, registry: RegistryView) -> dict[str, Any]:
    """The findings.json clinic object for one site crawl (see reports/README.md for the keys)."""
    context = link_context(facts, registry)
    own_required = _modalities([claim for claim in facts.claims if not claim.branch], True)
    own = st.link_verdict(
        own_required, context.clinic_decision, context.plans, other_decisions=context.branch_decisions
    )
    branches = branch_objects(facts, registry, context)
    readable = facts.crawl.status == CrawlStatus.OK
    if readable:
        status = st.most_serious([own.status, *(branch["status"] for branch in branches)])
        reason = own.reason if status == own.status else f"a branch's status is {status}"
        uncovered = list(dict.fromkeys([*own.uncovered, *(m for b in branches for m in b["uncovered"])]))
        own_ids = {i for link in facts.links for i in possible_ids(link)}
        flags_evidence = flag_evidence(facts, registry, own_ids)
    else:
        status, reason = Status.ERROR, "the site could not be read, so nothing is concluded about it"
        uncovered, flags_evidence = [], []
    evidence, omitted = evidence_objects(facts.claims)
    links = [context.clinic_link, *context.branch_links.values()]
    return {
        "seed": facts.site.seed_url,
        "url": facts.site.url,
        "host": facts.site.host,
        "name": clinic_name(facts),
        "prefecture": clinic_prefecture(facts, registry, context.matched),
        "status": status,
        "reason": reason,
        "clinic_status": own.status if readable else Status.ERROR,
        "requires_filing": _modalities(facts.claims, True),
        "cell_free": _modalities(facts.claims, False),
        "uncovered": uncovered,
        "flags": [flag for flag in tuple(Flag) if any(item["flag"] == flag for item in flags_evidence)],
        "flag_evidence": flags_evidence,
        "link": link_summary(context.clinic_link),
        "matches": unique_matches(match for link in links for match in match_objects(link, registry)),
        "evidence": evidence,
        "evidence_omitted": omitted,
        "branches": branches,
        "crawl": crawl_object(facts.crawl),
    }


# --- public API -----------------------------------------------------------------------------------


def clinic_object(session: Session, site_crawl_id: int, snapshot_id: int) -> dict[str, Any]:
    """The findings.json clinic object for one site crawl against one registry snapshot (for `check --json`)."""
    registry = load_registry(session, snapshot_id)
    facts = load_facts(session, snapshot_id, crawl_id=site_crawl_id)
    if not facts:
        raise LookupError(f"site crawl {site_crawl_id} does not exist")
    return build_clinic(facts[0], registry)


def compute_findings(session: Session, run_id: int, snapshot_id: int) -> list[Finding]:
    """One Finding per SiteCrawl of the run, replacing the run's earlier findings; flushed, not committed."""
    run = session.get(Run, run_id)
    if run is None:
        raise LookupError(f"run {run_id} does not exist")
    registry = load_registry(session, snapshot_id)
    if run.registry_snapshot_id is None:
        run.registry_snapshot_id = snapshot_id
    session.execute(delete(Finding).where(Finding.run_id == run_id))
    findings = []
    for facts in load_facts(session, snapshot_id, run_id=run_id):
        clinic = build_clinic(facts, registry)
        findings.append(
            Finding(
                run_id=run_id,
                site_id=facts.site.id,
                status=clinic["status"],
                flags=clinic["flags"],
                clinic=clinic,
            )
        )
    session.add_all(findings)
    session.flush()
    return findings
