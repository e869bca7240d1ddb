"""Store what the clinic spider found: Page rows, their Claims, SiteFlags and IdentityFacts, and each
site's outcome on its SiteCrawl.

Pages are written in batches (CLINICWATCH_BATCH_SIZE) and whenever a site finishes, so a killed crawl
loses at most one batch; a site's SiteCrawl becomes `ok`/`failed` only after its pages are stored, so
a re-run of the same run knows which sites to crawl again. A line per finished site goes to stderr.
"""

from __future__ import annotations

import sys
from dataclasses import asdict
from typing import Any

from scrapy.crawler import Crawler
from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.site_items import PageItem, SiteResultItem, SiteTask
from db.clock import now
from db.models import Claim, IdentityFact, Page, Site, SiteCrawl, SiteFlag
from db.session import make_engine
from db.vocabulary import CrawlStatus


def pending_sites(db_url: str, run_id: int) -> list[SiteTask]:
    """The run's sites not yet crawled to `ok`, in the order they were registered."""
    engine = make_engine(db_url)
    try:
        with Session(engine) as session:
            rows = session.execute(
                select(SiteCrawl.id, Site.url)
                .join(Site, Site.id == SiteCrawl.site_id)
                .where(SiteCrawl.run_id == run_id, SiteCrawl.status != CrawlStatus.OK)
                .order_by(SiteCrawl.id)
            ).all()
    finally:
        engine.dispose()
    return [SiteTask(site_crawl_id, url) for site_crawl_id, url in rows]


def page_rows(session: Session, items: list[PageItem]) -> None:
    """Add the pages and every fact their extraction found; the page's text only when it has facts."""
    pages = [
        Page(
            site_crawl_id=item.site_crawl_id,
            url=item.url,
            final_url=item.final_url,
            status=item.status,
            fetched_at=item.fetched_at,
            content_hash=item.content_hash,
            content_type=(item.content_type or "")[:100] or None,
            encoding=item.encoding,
            title=item.title,
            text=item.extraction.text if item.extraction and item.extraction.has_facts else None,
            error=item.error,
        )
        for item in items
    ]
    session.add_all(pages)
    session.flush()
    for item, page in zip(items, pages, strict=True):
        if item.extraction:
            session.add_all(_fact_rows(item, page))


def _fact_rows(item: PageItem, page: Page) -> list[Any]:
    assert item.extraction is not None
    common = {"site_crawl_id": item.site_crawl_id, "page_id": page.id, "url": item.final_url}
    # The extraction dataclasses' fields are the fact tables' columns, one for one.
    extraction = item.extraction
    rows: list[Any] = [Claim(**common, fetched_at=item.fetched_at, **asdict(c)) for c in extraction.claims]
    rows += [SiteFlag(**common, fetched_at=item.fetched_at, **asdict(f)) for f in extraction.flags]
    rows += [IdentityFact(**common, **asdict(f)) for f in extraction.identity]
    return rows


def progress_line(result: SiteResultItem) -> str:
    """`[12/200] ok      http://… 14 pages` or `[13/200] failed  http://… timeout on /`."""
    status = CrawlStatus.OK if result.ok else CrawlStatus.FAILED
    detail = f"{result.pages} pages" if result.ok else (result.errors[0] if result.errors else "no page")
    return f"[{result.position}/{result.total}] {status:<7} {result.seed_url} {detail}"


class SitesPipeline:
    def __init__(self, db_url: str, batch_size: int) -> None:
        self.db_url = db_url
        self.batch_size = max(1, batch_size)
        self.pending: list[PageItem] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SitesPipeline:
        return cls(crawler.settings["CLINICWATCH_DB"], crawler.settings.getint("CLINICWATCH_BATCH_SIZE"))

    def open_spider(self) -> None:
        self.engine = make_engine(self.db_url)

    def close_spider(self) -> None:
        self._flush()
        self.engine.dispose()

    def process_item(self, item: Any) -> Any:
        if isinstance(item, PageItem):
            self.pending.append(item)
            if len(self.pending) >= self.batch_size:
                self._flush()
        elif isinstance(item, SiteResultItem):
            self._flush()
            self._finish_site(item)
            print(progress_line(item), file=sys.stderr, flush=True)
        return item

    def _flush(self) -> None:
        if not self.pending:
            return
        with Session(self.engine) as session, session.begin():
            page_rows(session, self.pending)
        self.pending = []

    def _finish_site(self, result: SiteResultItem) -> None:
        with Session(self.engine) as session, session.begin():
            crawl = session.get(SiteCrawl, result.site_crawl_id)
            if crawl is None:
                return
            crawl.status = CrawlStatus.OK if result.ok else CrawlStatus.FAILED
            crawl.finished_at = now()
            crawl.pages_fetched = result.pages
            crawl.errors = list(result.errors)
