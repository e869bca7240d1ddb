"""Factories that build database states for the findings and report tests, straight from the models."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from crawler.taxonomy import modality
from db.models import (
    Claim,
    IdentityFact,
    Link,
    Page,
    RegistryChange,
    RegistryFacility,
    RegistryPlan,
    RegistrySnapshot,
    Run,
    Site,
    SiteCrawl,
    SiteFlag,
)
from db.vocabulary import RunStatus, SnapshotStatus

FETCHED = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)

# (plan number, class, treatment as filed, modality ids)
PlanSpec = tuple[str | None, int, str, Sequence[str]]


class World:
    """Builds runs, registry snapshots and crawled sites; every method flushes so ids are set."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def _add(self, row: Any) -> Any:
        self.session.add(row)
        self.session.flush()
        return row

    def snapshot(self, previous: RegistrySnapshot | None = None) -> RegistrySnapshot:
        return self._add(
            RegistrySnapshot(
                base_url="http://saiseiiryo.mhlw.go.jp/published_plan/index/",
                status=SnapshotStatus.GOOD,
                finished_at=FETCHED,
                row_count=0,
                class_counts={},
                previous_id=previous.id if previous else None,
            )
        )

    def facility(
        self,
        snapshot: RegistrySnapshot,
        name: str,
        plans: Sequence[PlanSpec] = (),
        prefecture: str = "東京都",
        address: str = "港区南青山1-2-3",
    ) -> RegistryFacility:
        facility = self._add(
            RegistryFacility(
                snapshot_id=snapshot.id, name=name, name_raw=name, prefecture=prefecture, address=address
            )
        )
        for number, plan_class, treatment, modalities in plans:
            self._add(
                RegistryPlan(
                    snapshot_id=snapshot.id,
                    facility_id=facility.id,
                    plan_key=f"{number or treatment}|{facility.id}",
                    plan_class=plan_class,
                    facility=name,
                    facility_raw=name,
                    prefecture=prefecture,
                    address=address,
                    address_raw=address,
                    plan_number=number,
                    treatment=treatment,
                    modalities=list(modalities),
                    source_url=f"http://saiseiiryo.mhlw.go.jp/published_plan/index/{plan_class}",
                )
            )
            snapshot.row_count += 1
        return facility

    def change(
        self, snapshot: RegistrySnapshot, previous: RegistrySnapshot, change: str, number: str
    ) -> None:
        self._add(
            RegistryChange(
                snapshot_id=snapshot.id,
                previous_snapshot_id=previous.id,
                change=change,
                plan_key=number,
                plan_number=number,
                facility="医療法人社団青葉会 青葉クリニック",
                plan_class=2,
                treatment="自己脂肪由来間葉系幹細胞を用いた治療",
            )
        )

    def run(
        self, snapshot: RegistrySnapshot | None = None, kind: str = "run", status: str = RunStatus.COMPLETE
    ) -> Run:
        return self._add(
            Run(
                kind=kind,
                status=status,
                started_at=FETCHED,
                finished_at=FETCHED,
                registry_snapshot_id=snapshot.id if snapshot else None,
            )
        )

    def site(
        self,
        run: Run,
        host: str,
        name: str | None = None,
        crawl_status: str = "ok",
        errors: list[str] | None = None,
    ) -> SiteCrawl:
        url = f"https://{host}/"
        site = self.session.query(Site).filter_by(seed_url=url).one_or_none()
        if site is None:
            site = self._add(Site(seed_url=url, url=url, host=host, seed_name=name))
        crawl = SiteCrawl(
            run_id=run.id,
            site_id=site.id,
            status=crawl_status,
            pages_fetched=3,
            errors=errors or [],
            finished_at=FETCHED,
        )
        self._add(crawl)
        if name:
            self.identity(crawl, "name", name)
        return crawl

    def page(self, crawl: SiteCrawl, path: str = "menu/") -> Page:
        url = f"https://{self.host(crawl)}/{path}"
        page = self.session.query(Page).filter_by(site_crawl_id=crawl.id, url=url).one_or_none()
        if page is None:
            page = self._add(
                Page(site_crawl_id=crawl.id, url=url, final_url=url, status=200, fetched_at=FETCHED)
            )
        return page

    def host(self, crawl: SiteCrawl) -> str:
        return self.session.get_one(Site, crawl.site_id).host

    def claim(
        self, crawl: SiteCrawl, modality_id: str, quote: str | None = None, branch: str | None = None
    ) -> Claim:
        spec = modality(modality_id)
        page = self.page(crawl)
        return self._add(
            Claim(
                site_crawl_id=crawl.id,
                page_id=page.id,
                modality=modality_id,
                pillar=spec.pillar,
                requires_filing=spec.requires_filing,
                usual_class=spec.usual_class,
                branch=branch,
                url=page.url,
                quote=quote or f"当院では{spec.label}を行っています。",
                term=spec.terms[0],
                fetched_at=FETCHED,
            )
        )

    def flag(self, crawl: SiteCrawl, flag: str, quote: str) -> SiteFlag:
        page = self.page(crawl)
        return self._add(
            SiteFlag(
                site_crawl_id=crawl.id,
                page_id=page.id,
                flag=flag,
                url=page.url,
                quote=quote,
                fetched_at=FETCHED,
            )
        )

    def identity(self, crawl: SiteCrawl, kind: str, value: str, branch: str | None = None) -> IdentityFact:
        page = self.page(crawl, "about/")
        return self._add(
            IdentityFact(
                site_crawl_id=crawl.id,
                page_id=page.id,
                kind=kind,
                value=value,
                value_raw=value,
                branch=branch,
                source="table",
                url=page.url,
                quote=f"{kind}: {value}",
            )
        )

    def link(
        self,
        crawl: SiteCrawl,
        snapshot: RegistrySnapshot,
        decision: str,
        facilities: Sequence[RegistryFacility] = (),
        branch: str | None = None,
        candidates: Sequence[RegistryFacility] = (),
    ) -> Link:
        verdict = {"match": "accepted", "review": "review", "no_match": "rejected"}[decision]
        explanation = {
            "decision": decision,
            "reason": f"{decision} by the test",
            "candidates": [
                {
                    "facility_id": facility.id,
                    "facility": facility.name,
                    "prefecture": facility.prefecture,
                    "address": facility.address,
                    "plan_numbers": [],
                    "score": 0.9,
                    "verdict": verdict if facility in facilities or decision == "review" else "rejected",
                    "why": "brand and address agree",
                    "features": [
                        {
                            "name": "brand_similarity",
                            "value": 0.95,
                            "weight": 3.0,
                            "contribution": 2.85,
                            "description": "How alike the brand names are.",
                        }
                    ],
                }
                for facility in [*facilities, *candidates]
            ],
            "margin": 0.4,
            "judgement": None,
        }
        return self._add(
            Link(
                site_id=crawl.site_id,
                site_crawl_id=crawl.id,
                snapshot_id=snapshot.id,
                branch=branch,
                decision=decision,
                facility_ids=[facility.id for facility in facilities] if decision == "match" else [],
                score=0.9,
                margin=0.4,
                explanation=explanation,
            )
        )


@pytest.fixture
def world(session_factory: sessionmaker[Session]) -> Iterator[World]:
    with session_factory.begin() as session:
        yield World(session)
