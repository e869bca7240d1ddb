"""The clinicwatch schema: registry snapshots, crawled sites, extracted facts, links, runs, findings.

Every table that holds something read from a source keeps the raw value beside the cleaned one and
the URL and time it came from, so a report can always show what the source said.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from db.clock import now
from db.vocabulary import CrawlStatus, RunStatus, SnapshotStatus


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON, datetime: DateTime(timezone=True)}


# --- runs -------------------------------------------------------------------------------------

class Run(Base):
    """One invocation of a long command (run, crawl, registry, check): what it did and how it ended."""

    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default=RunStatus.RUNNING)
    started_at: Mapped[datetime] = mapped_column(default=now)
    finished_at: Mapped[datetime | None]
    pid: Mapped[int | None]
    args: Mapped[dict[str, Any]] = mapped_column(default=dict)
    counts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    errors: Mapped[list[Any]] = mapped_column(default=list)
    registry_snapshot_id: Mapped[int | None] = mapped_column(ForeignKey("registry_snapshots.id"))
    report_dir: Mapped[str | None] = mapped_column(Text)


# --- registry ---------------------------------------------------------------------------------

class RegistrySnapshot(Base):
    """One crawl of the e-再生医療 plan lists. Only `good` snapshots are ever used for matching."""

    __tablename__ = "registry_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    base_url: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=SnapshotStatus.RUNNING)
    started_at: Mapped[datetime] = mapped_column(default=now)
    finished_at: Mapped[datetime | None]
    row_count: Mapped[int] = mapped_column(default=0)
    class_counts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    pages: Mapped[list[Any]] = mapped_column(default=list)
    error: Mapped[str | None] = mapped_column(Text)
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("registry_snapshots.id"))

    plans: Mapped[list[RegistryPlan]] = relationship(back_populates="snapshot", cascade="all, delete-orphan")


class RegistryFacility(Base):
    """A distinct medical institution within one snapshot: the plans filed under one name and address."""

    __tablename__ = "registry_facilities"
    __table_args__ = (Index("ix_facility_snapshot_pref", "snapshot_id", "prefecture"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("registry_snapshots.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(Text)
    name_raw: Mapped[str] = mapped_column(Text)
    prefecture: Mapped[str] = mapped_column(String(10))
    address: Mapped[str] = mapped_column(Text)

    plans: Mapped[list[RegistryPlan]] = relationship(back_populates="facility_row")


class RegistryPlan(Base):
    """One row of a registry list page: a filed provision plan."""

    __tablename__ = "registry_plans"
    __table_args__ = (
        UniqueConstraint("snapshot_id", "plan_key", name="uq_plan_snapshot_key"),
        Index("ix_plan_number", "plan_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("registry_snapshots.id", ondelete="CASCADE"))
    facility_id: Mapped[int | None] = mapped_column(ForeignKey("registry_facilities.id", ondelete="SET NULL"))
    plan_key: Mapped[str] = mapped_column(String(200))
    plan_class: Mapped[int]
    facility: Mapped[str] = mapped_column(Text)
    facility_raw: Mapped[str] = mapped_column(Text)
    prefecture: Mapped[str] = mapped_column(String(10))
    address: Mapped[str] = mapped_column(Text)
    address_raw: Mapped[str] = mapped_column(Text)
    plan_number: Mapped[str | None] = mapped_column(String(20))
    treatment: Mapped[str] = mapped_column(Text)
    modalities: Mapped[list[Any]] = mapped_column(default=list)
    accepted_on: Mapped[str | None] = mapped_column(String(20))
    committee: Mapped[str | None] = mapped_column(Text)
    documents: Mapped[list[Any]] = mapped_column(default=list)
    source_url: Mapped[str] = mapped_column(Text)

    snapshot: Mapped[RegistrySnapshot] = relationship(back_populates="plans")
    facility_row: Mapped[RegistryFacility | None] = relationship(back_populates="plans")


class RegistryChange(Base):
    """A plan added, removed or changed between the previous good snapshot and this one."""

    __tablename__ = "registry_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("registry_snapshots.id", ondelete="CASCADE"))
    previous_snapshot_id: Mapped[int] = mapped_column(ForeignKey("registry_snapshots.id", ondelete="CASCADE"))
    change: Mapped[str] = mapped_column(String(10))  # db.vocabulary.Change
    plan_key: Mapped[str] = mapped_column(String(200))
    plan_number: Mapped[str | None] = mapped_column(String(20))
    facility: Mapped[str] = mapped_column(Text)
    plan_class: Mapped[int]
    treatment: Mapped[str] = mapped_column(Text)
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


# --- clinic sites -----------------------------------------------------------------------------


class Site(Base):
    """A clinic website as seeded: from the seed list or from the 医療情報ネット open data."""

    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(primary_key=True)
    seed_url: Mapped[str] = mapped_column(Text, unique=True)
    url: Mapped[str] = mapped_column(Text)
    host: Mapped[str] = mapped_column(String(255), index=True)
    seed_name: Mapped[str | None] = mapped_column(Text)
    opendata_id: Mapped[str | None] = mapped_column(String(20))
    opendata_name: Mapped[str | None] = mapped_column(Text)
    opendata_address: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=now)


class SiteCrawl(Base):
    """One crawl of one site within a run; a site crawled again in the same run replaces its rows."""

    __tablename__ = "site_crawls"
    __table_args__ = (UniqueConstraint("run_id", "site_id", name="uq_crawl_run_site"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(20), default=CrawlStatus.RUNNING)
    started_at: Mapped[datetime] = mapped_column(default=now)
    finished_at: Mapped[datetime | None]
    pages_fetched: Mapped[int] = mapped_column(default=0)
    errors: Mapped[list[Any]] = mapped_column(default=list)

    site: Mapped[Site] = relationship()


class Page(Base):
    """A fetched page. `text` is kept for pages that produced a claim or an identity fact."""

    __tablename__ = "pages"
    __table_args__ = (UniqueConstraint("site_crawl_id", "url", name="uq_page_crawl_url"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_crawl_id: Mapped[int] = mapped_column(ForeignKey("site_crawls.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(Text)
    final_url: Mapped[str] = mapped_column(Text)
    status: Mapped[int]
    fetched_at: Mapped[datetime]
    content_hash: Mapped[str | None] = mapped_column(String(64))
    content_type: Mapped[str | None] = mapped_column(String(100))
    encoding: Mapped[str | None] = mapped_column(String(30))
    title: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)


class Claim(Base):
    """An advertised treatment found on a page, classified with the shared taxonomy.

    `requires_filing` and `usual_class` are stored here by the crawler so that findings can read
    them without importing the taxonomy.
    """

    __tablename__ = "claims"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_crawl_id: Mapped[int] = mapped_column(ForeignKey("site_crawls.id", ondelete="CASCADE"), index=True)
    page_id: Mapped[int | None] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"))
    modality: Mapped[str] = mapped_column(String(40))
    pillar: Mapped[str] = mapped_column(String(20))
    requires_filing: Mapped[bool] = mapped_column(Boolean)
    usual_class: Mapped[int | None]
    branch: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str] = mapped_column(Text)
    quote: Mapped[str] = mapped_column(Text)
    term: Mapped[str] = mapped_column(Text)
    regenerative_wording: Mapped[bool] = mapped_column(Boolean, default=False)
    fetched_at: Mapped[datetime]


class SiteFlag(Base):
    """A flag raised by extraction, e.g. `approval_claim` or `cell_free_as_regenerative`."""

    __tablename__ = "site_flags"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_crawl_id: Mapped[int] = mapped_column(ForeignKey("site_crawls.id", ondelete="CASCADE"), index=True)
    page_id: Mapped[int | None] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"))
    flag: Mapped[str] = mapped_column(String(40))
    url: Mapped[str] = mapped_column(Text)
    quote: Mapped[str] = mapped_column(Text)
    fetched_at: Mapped[datetime]


class IdentityFact(Base):
    """Something a site says about who the clinic is: name, corporation, branch, address, phone, plan number."""

    __tablename__ = "identity_facts"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_crawl_id: Mapped[int] = mapped_column(ForeignKey("site_crawls.id", ondelete="CASCADE"), index=True)
    page_id: Mapped[int | None] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))  # db.vocabulary.FactKind
    value: Mapped[str] = mapped_column(Text)
    value_raw: Mapped[str] = mapped_column(Text)
    branch: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(30))  # db.vocabulary.NameSource
    url: Mapped[str] = mapped_column(Text)
    quote: Mapped[str] = mapped_column(Text)


# --- linking ----------------------------------------------------------------------------------

class Link(Base):
    """The matcher's decision for one site (or one branch of it) against one registry snapshot."""

    __tablename__ = "links"
    __table_args__ = (Index("ix_link_crawl", "site_crawl_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    site_crawl_id: Mapped[int | None] = mapped_column(ForeignKey("site_crawls.id", ondelete="CASCADE"))
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("registry_snapshots.id", ondelete="CASCADE"))
    branch: Mapped[str | None] = mapped_column(Text)
    decision: Mapped[str] = mapped_column(String(20))
    facility_ids: Mapped[list[Any]] = mapped_column(default=list)
    score: Mapped[float] = mapped_column(default=0.0)
    margin: Mapped[float | None]
    explanation: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=now)


class Judgement(Base):
    """An analyst's confirm/reject of a site-facility pair; applied on every later run until undone."""

    __tablename__ = "judgements"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_seed_url: Mapped[str] = mapped_column(Text)
    facility: Mapped[str] = mapped_column(Text)
    prefecture: Mapped[str | None] = mapped_column(String(10))
    verdict: Mapped[str] = mapped_column(String(10))  # db.vocabulary.JudgementVerdict
    note: Mapped[str | None] = mapped_column(Text)
    who: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=now)
    undone_at: Mapped[datetime | None]


# --- findings ---------------------------------------------------------------------------------


class Finding(Base):
    """The verdict for one site in one run; `clinic` is the findings.json clinic object."""

    __tablename__ = "findings"
    __table_args__ = (UniqueConstraint("run_id", "site_id", name="uq_finding_run_site"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(20))
    flags: Mapped[list[Any]] = mapped_column(default=list)
    clinic: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=now)
