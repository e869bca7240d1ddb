"""Crawl a list of seeded clinic sites within a run: register them, run the clinic spider, summarise.

Sites are upserted by seed URL (an open-data identity, once known, is kept). Each site gets one
SiteCrawl per run; a site already `ok` in this run is not crawled again, and one that is not has its
earlier rows of this run removed first, so running the same run again resumes without duplicates.

With a Redis URL the crawl is one worker of a run shared through scrapy-redis (crawler.distributed):
the first worker registers the sites; workers that join crawl the same run's pending sites, and each
site is crawled by exactly one of them.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from crawler.distributed import clear_run, redis_settings
from crawler.frontier import bare_host
from crawler.runner import crawl
from crawler.seeds import Seed
from db.clock import now
from db.models import Claim, IdentityFact, Page, Site, SiteCrawl, SiteFlag
from db.session import Database, transaction
from db.vocabulary import CrawlStatus, FactKind, NameSource

UNFINISHED = "the crawl ended before this site finished"


@dataclass(frozen=True)
class CrawlSummary:
    sites_ok: int
    sites_failed: list[tuple[str, str]]  # (seed URL, reason)
    pages: int
    sites_with_errors: list[tuple[str, str]] = field(default_factory=list)  # ok sites: (seed URL, errors)


def crawl_sites(
    db_url: str,
    run_id: int,
    seeds: list[Seed],
    *,
    settings: dict[str, Any] | None = None,
    redis_url: str | None = None,
    join: bool = False,
    on_ready: Callable[[], None] | None = None,
) -> CrawlSummary:
    """Register `seeds` for run `run_id`, crawl those not yet `ok` in it, and summarise the outcome.

    `settings` override crawler/settings.py (e.g. CLINICWATCH_MAX_PAGES, USER_AGENT, DOWNLOAD_TIMEOUT).
    With `redis_url` this is one worker of a shared crawl: the first worker (join False) registers the
    seeds and starts the run's Redis keys afresh; a worker with `join` registers nothing (`seeds` are
    not used) and crawls the run's pending sites with the others. `on_ready` is called once the sites
    are registered, when other workers may join. Raises crawler.runner.CrawlFailed when the spider
    process itself fails, crawler.distributed.DistributedError when Redis cannot be used.
    """
    spider_settings = {**(settings or {}), "CLINICWATCH_DB": db_url}
    if redis_url:
        spider_settings |= redis_settings(redis_url, run_id)
        if not join:
            clear_run(redis_url, run_id)  # keys of an earlier run with this id (another database)
    with Database.open(db_url) as database:
        if not join:
            _register(database.sessions, run_id, seeds)
        if on_ready:
            on_ready()
        with database.sessions() as session:
            to_crawl = session.scalar(
                select(SiteCrawl.id).where(SiteCrawl.run_id == run_id, SiteCrawl.status != CrawlStatus.OK).limit(1)
            )
        if to_crawl is not None:
            crawl("clinics", spider_settings, {"run_id": run_id})
        with database.sessions() as session:
            return summarise(session, run_id)


def _register(factory: sessionmaker[Session], run_id: int, seeds: list[Seed]) -> None:
    """Upsert the seeds' sites and make a SiteCrawl ready for every one not yet `ok` in the run."""
    with transaction(factory) as session:
        sites = {site.seed_url: site for site in session.scalars(select(Site))}
        crawls = {c.site_id: c for c in session.scalars(select(SiteCrawl).where(SiteCrawl.run_id == run_id))}
        prepared: set[int] = set()
        for seed in seeds:
            site = sites[seed.url] = _upsert_site(session, existing=sites.get(seed.url), seed=seed)
            if site.id in prepared:  # a seed listed twice is crawled once
                continue
            prepared.add(site.id)
            crawl_row = crawls.get(site.id)
            if crawl_row is None or crawl_row.status != CrawlStatus.OK:
                _prepare_crawl(session, run_id, site, crawl_row)


def _upsert_site(session: Session, *, existing: Site | None, seed: Seed) -> Site:
    site = existing
    if site is None:
        site = Site(seed_url=seed.url, url=seed.url, host=bare_host(seed.url))
        session.add(site)
    site.seed_name = seed.name or site.seed_name
    site.opendata_id = seed.opendata_id or site.opendata_id
    site.opendata_name = seed.opendata_name or site.opendata_name
    site.opendata_address = seed.opendata_address or site.opendata_address
    session.flush()
    return site


def _prepare_crawl(session: Session, run_id: int, site: Site, crawl_row: SiteCrawl | None) -> None:
    """A SiteCrawl ready to be crawled: new, or reset with this run's earlier rows of the site removed."""
    if crawl_row is None:
        crawl_row = SiteCrawl(run_id=run_id, site_id=site.id)
        session.add(crawl_row)
        session.flush()
    else:
        for table in (Claim, SiteFlag, IdentityFact, Page):
            session.execute(delete(table).where(table.site_crawl_id == crawl_row.id))
    crawl_row.status = CrawlStatus.RUNNING
    crawl_row.started_at = now()
    crawl_row.finished_at = None
    crawl_row.pages_fetched = 0
    crawl_row.errors = []
    session.add_all(seed_identity(site, crawl_row.id))


def seed_identity(site: Site, site_crawl_id: int) -> list[IdentityFact]:
    """What the seed list and the open data say the clinic is, as identity facts beside the site's own."""
    facts = [
        (FactKind.NAME, site.seed_name, NameSource.SEED),
        (FactKind.NAME, site.opendata_name, NameSource.OPENDATA),
        (FactKind.ADDRESS, site.opendata_address, NameSource.OPENDATA),
    ]
    return [
        IdentityFact(
            site_crawl_id=site_crawl_id,
            page_id=None,
            kind=kind,
            value=" ".join(unicodedata.normalize("NFKC", raw).split()),
            value_raw=raw,
            branch=None,
            source=source,
            url=site.seed_url,
            quote=raw,
        )
        for kind, raw, source in facts
        if raw
    ]


def summarise(session: Session, run_id: int) -> CrawlSummary:
    """Counts and failure reasons of the run's site crawls; unfinished ones count as failed."""
    rows = session.execute(
        select(SiteCrawl.status, SiteCrawl.errors, SiteCrawl.pages_fetched, Site.seed_url)
        .join(Site, Site.id == SiteCrawl.site_id)
        .where(SiteCrawl.run_id == run_id)
        .order_by(SiteCrawl.id)
    ).all()
    failed = [
        (url, (errors[0] if errors else "no page could be fetched") if status == CrawlStatus.FAILED else UNFINISHED)
        for status, errors, _, url in rows
        if status != CrawlStatus.OK
    ]
    troubled = [(url, "; ".join(errors)) for status, errors, _, url in rows if status == CrawlStatus.OK and errors]
    ok = sum(1 for status, *_ in rows if status == CrawlStatus.OK)
    return CrawlSummary(ok, failed, sum(pages for _, _, pages, _ in rows), troubled)
