"""What the clinic spider hands to its pipeline: one item per fetched page and one per finished site."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from crawler.extract import PageExtraction


@dataclass
class SiteTask:
    """A site to crawl in this run: its SiteCrawl row and where to start."""

    site_crawl_id: int
    seed_url: str


@dataclass
class PageItem:
    site_crawl_id: int
    url: str
    final_url: str
    status: int
    fetched_at: datetime
    content_hash: str | None
    content_type: str | None
    encoding: str | None
    title: str | None
    extraction: PageExtraction | None = None
    error: str | None = None


@dataclass
class SiteResultItem:
    """A site is finished: `ok` unless its top page failed; `errors` lists every problem met."""

    site_crawl_id: int
    seed_url: str
    ok: bool
    pages: int
    errors: list[str] = field(default_factory=list)
    position: int = 0
    total: int = 0
