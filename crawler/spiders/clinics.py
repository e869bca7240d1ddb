"""The clinic spider: crawl every seeded site of a run, politely, the most promising pages first.

The sites come from the run's SiteCrawl rows that are not yet `ok` (so a re-run resumes). A few sites
are crawled at a time (CLINICWATCH_PARALLEL_SITES); each keeps at most CONCURRENT_REQUESTS_PER_DOMAIN
requests in flight and its own frontier (crawler.frontier), so the page limit keeps the best pages.
Redirects are followed here rather than by Scrapy, so that a loop, a hop off the site or a seed that
moves to another domain is recorded with its reason. Every outcome of a request ends in exactly one
call of `_finish_request`, which is how the spider knows a site is done.

Under scrapy-redis (crawler.distributed.redis_settings) several workers share one run: each yields a
seed request for every pending site through the shared queue and filter, so exactly one copy of each
is fetched; the worker that fetches a site's top page owns the site and keeps its other requests in
its own memory (LOCAL_META), so a site's frontier and limits live in one place.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy
import tldextract
from parsel import Selector
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import (
    CannotResolveHostError,
    DontCloseSpider,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
    StopDownload,
)
from scrapy.http import Request, Response
from scrapy.utils.misc import load_object
from twisted.python.failure import Failure

from crawler.distributed import LOCAL_META, PREFIX_SETTING
from crawler.encoding import decode_bytes
from crawler.extract import PageExtraction
from crawler.frontier import Candidate, SiteFrontier, bare_host, clean_url, page_key
from crawler.pipelines.sites import pending_sites
from crawler.site_items import PageItem, SiteResultItem, SiteTask

logger = logging.getLogger(__name__)

_REDIRECT_STATUSES = {301, 302, 303, 307, 308}
_META_REFRESH = re.compile(
    r"<meta[^>]+http-equiv\s*=\s*[\"']?refresh[^>]+content\s*=\s*[\"']?\s*\d*\s*;?\s*url\s*=\s*[\"']?([^\"'>\s]+)",
    re.IGNORECASE,
)
_HTML_TYPES = ("text/html", "application/xhtml+xml")
ROBOTS_FORBIDS = "robots.txt forbids"


@cache
def _domains() -> tldextract.TLDExtract:
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)  # the bundled list; no network


def registrable_domain(url: str) -> str:
    """The domain a registrant owns (`a-clinic.co.jp` for `beauty.a-clinic.co.jp`)."""
    host = (urlsplit(url).hostname or "").rstrip(".")
    return _domains()(host).top_domain_under_public_suffix or ".".join(host.split(".")[-2:])


def is_html(content_type: str | None, body: bytes = b"") -> bool:
    """HTML by Content-Type, or (without one) by a look at the first bytes."""
    if content_type:
        return content_type.split(";")[0].strip().lower() in _HTML_TYPES
    return b"<" in body[:1024]


def failure_reason(failure: Failure) -> str:
    """A short reason for a request that got no response: `timeout`, `DNS lookup failed`…"""
    reasons: list[tuple[type[BaseException], str]] = [
        (DownloadTimeoutError, "timeout"),
        (CannotResolveHostError, "DNS lookup failed"),
        (DownloadConnectionRefusedError, "connection refused"),
        (DownloadCancelledError, "larger than the size cap"),
        (ResponseDataLossError, "incomplete response"),
    ]
    for error_type, reason in reasons:
        if failure.check(error_type):
            return reason
    if failure.check(IgnoreRequest):
        message = str(failure.value)
        return ROBOTS_FORBIDS if "robots.txt" in message else f"not requested ({message})"
    if failure.check(DownloadFailedError):
        return f"download failed ({failure.value})"
    return f"{type(failure.value).__name__}: {failure.value}"


def page_links(html: str, page_url: str) -> Iterator[tuple[str, str]]:
    """(absolute URL, link text) of every link, frame and meta refresh of a page."""
    selector = Selector(text=html)
    base = urljoin(page_url, (selector.css("base::attr(href)").get() or "").strip())
    if refresh := _META_REFRESH.search(html):
        yield urljoin(base, refresh.group(1)), ""
    for anchor in selector.css("a[href], area[href]"):
        href = anchor.attrib["href"].strip()
        if href and not href.lower().startswith(("javascript:", "mailto:", "tel:", "#")):
            text = " ".join(anchor.css("::text").getall() + anchor.css("img::attr(alt)").getall())
            yield urljoin(base, href), " ".join(text.split())
    for src in selector.css("frame::attr(src), iframe::attr(src)").getall():
        yield urljoin(base, src.strip()), ""


def page_title(html: str) -> str | None:
    title = Selector(text=html).css("title::text").get()
    return " ".join(title.split()) if title else None


@dataclass
class SiteState:
    task: SiteTask
    frontier: SiteFrontier
    in_flight: int = 0
    pages: int = 0
    top_ok: bool = False
    moved_host: bool = False
    errors: list[str] = field(default_factory=list)


class ClinicsSpider(scrapy.Spider):
    name = "clinics"
    custom_settings = {"ITEM_PIPELINES": {"crawler.pipelines.sites.SitesPipeline": 300}}  # noqa: RUF012
    # From the settings, in from_crawler:
    max_pages: int
    max_depth: int
    max_queries: int
    parallel_sites: int
    per_site: int
    max_redirects: int
    max_size: int
    extract_page: Callable[[str, str], PageExtraction]
    shared: bool  # one worker of a crawl shared through Redis

    def __init__(self, run_id: int | str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.run_id = int(run_id)
        self.sites: dict[int, SiteState] = {}  # the sites being crawled, by SiteCrawl id
        self.waiting: deque[SiteTask] = deque()
        self.finished = 0
        self.total = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> ClinicsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.max_pages = settings.getint("CLINICWATCH_MAX_PAGES")
        spider.max_depth = settings.getint("CLINICWATCH_MAX_DEPTH")
        spider.max_queries = settings.getint("CLINICWATCH_MAX_QUERIES_PER_PATH")
        spider.parallel_sites = settings.getint("CLINICWATCH_PARALLEL_SITES")
        spider.per_site = max(1, settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN"))
        spider.max_redirects = settings.getint("REDIRECT_MAX_TIMES")
        spider.max_size = settings.getint("DOWNLOAD_MAXSIZE")
        spider.extract_page = load_object(settings["CLINICWATCH_EXTRACTOR"])
        spider.shared = bool(settings.get(PREFIX_SETTING))
        crawler.signals.connect(spider.headers_received, signal=signals.headers_received)
        crawler.signals.connect(spider.idle, signal=signals.spider_idle)
        return spider

    async def start(self) -> AsyncIterator[Any]:
        self.waiting.extend(pending_sites(self.settings["CLINICWATCH_DB"], self.run_id))
        self.total = len(self.waiting)
        if self.shared:
            for task in self.waiting:
                yield self._seed_request(task)
            self.waiting.clear()
            return
        for request in self._start_sites():
            yield request

    # --- scheduling ---------------------------------------------------------------------------

    def _start_sites(self) -> Iterator[Request]:
        while self.waiting and len(self.sites) < self.parallel_sites:
            site, candidate = self._new_site(self.waiting.popleft())
            self.sites[site.task.site_crawl_id] = site
            site.in_flight += 1
            yield self._request(site, candidate, priority=100)

    def _new_site(self, task: SiteTask) -> tuple[SiteState, Candidate]:
        frontier = SiteFrontier(task.seed_url, self.max_pages, self.max_depth, self.max_queries)
        return SiteState(task, frontier), frontier.take_seed()

    def _seed_request(self, task: SiteTask) -> Request:
        """A site's top page for the shared queue: the shared filter lets one worker's copy through."""
        site, candidate = self._new_site(task)
        request = self._request(site, candidate, priority=100)
        del request.meta[LOCAL_META]
        request.meta["cw_seed"] = task.seed_url
        return request.replace(dont_filter=False)

    def _adopt(self, meta: dict[str, Any]) -> SiteState:
        """This worker fetched the top page of a shared site (its seed request): it owns the site now."""
        site, _ = self._new_site(SiteTask(meta["site_crawl_id"], meta["cw_seed"]))
        site.in_flight = 1
        self.sites[site.task.site_crawl_id] = site
        return site

    def _site_of(self, meta: dict[str, Any]) -> SiteState:
        if self.shared and meta["site_crawl_id"] not in self.sites:
            return self._adopt(meta)
        return self.sites[meta["site_crawl_id"]]

    def _request(
        self,
        site: SiteState,
        candidate: Candidate,
        *,
        priority: int | None = None,
        origin: str | None = None,
        chain: tuple[str, ...] = (),
    ) -> Request:
        meta = {
            "site_crawl_id": site.task.site_crawl_id,
            "cw_depth": candidate.depth,
            "cw_origin": origin or candidate.url,
            "cw_chain": chain,
            "handle_httpstatus_all": True,
            "dont_redirect": True,
        }
        if self.shared:
            meta[LOCAL_META] = True  # the site's state is on this worker: so are its requests
        return Request(
            candidate.url,
            callback=self.parse_page,
            errback=self.request_failed,
            dont_filter=True,  # the frontier deduplicates; a silently dropped request would stall its site
            priority=-candidate.sort_key[0] if priority is None else priority,
            meta=meta,
        )

    def _finish_request(self, site: SiteState) -> Iterator[Any]:
        """One request of `site` is over: fill its slots, or report the site when nothing is left."""
        site.in_flight -= 1
        while site.in_flight < self.per_site and (candidate := site.frontier.next()):
            site.in_flight += 1
            yield self._request(site, candidate)
        if site.in_flight == 0:
            del self.sites[site.task.site_crawl_id]
            self.finished += 1
            yield self._site_result(site)
            yield from self._start_sites()

    def _site_result(self, site: SiteState) -> SiteResultItem:
        errors = list(site.errors)
        errors += [f"query-string limit reached on {path}" for path in site.frontier.trapped_paths]
        if site.frontier.limit_reached:
            errors.append(f"page limit reached ({self.max_pages} pages)")
        return SiteResultItem(
            site.task.site_crawl_id,
            site.task.seed_url,
            site.top_ok,
            site.pages,
            errors,
            self.finished,
            self.total,
        )

    def idle(self) -> None:
        """Sites still waiting when the engine runs dry (it should not) are started rather than lost."""
        requests = list(self._start_sites())
        for request in requests:
            self.crawler.engine.crawl(request)
        if requests:
            raise DontCloseSpider

    # --- responses ----------------------------------------------------------------------------

    def headers_received(self, headers: Any, body_length: int, request: Request) -> None:
        """Stop downloading what will not be parsed: non-HTML, or larger than the size cap."""
        if "site_crawl_id" not in request.meta:
            return  # robots.txt and anything else not ours
        content_type = (headers.get(b"Content-Type") or b"").decode("latin-1") or None
        if content_type and not is_html(content_type):
            raise StopDownload(fail=False)
        if self.max_size and body_length and body_length > self.max_size:
            request.meta["cw_too_large"] = body_length
            raise StopDownload(fail=False)

    def parse_page(self, response: Response) -> Iterator[Any]:
        site = self._site_of(response.meta)
        try:
            yield from self._handle_response(site, response)
        except Exception as exc:  # one odd page must not stall its site
            logger.exception("clinics: %s failed", response.url)
            site.errors.append(f"internal error on {self._path(response.meta)}: {exc!r}")
        yield from self._finish_request(site)

    def request_failed(self, failure: Failure) -> Iterator[Any]:
        request = failure.request  # type: ignore[attr-defined]
        site = self._site_of(request.meta)
        self._record_error(site, request.meta, failure_reason(failure))
        yield from self._finish_request(site)

    def _path(self, meta: dict[str, Any]) -> str:
        parts = urlsplit(meta["cw_origin"])
        return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")

    def _record_error(self, site: SiteState, meta: dict[str, Any], reason: str) -> None:
        joiner = " " if reason == ROBOTS_FORBIDS else " on "
        site.errors.append(f"{reason}{joiner}{self._path(meta)}")

    def _handle_response(self, site: SiteState, response: Response) -> Iterator[Any]:
        meta = response.meta
        if response.status in _REDIRECT_STATUSES and response.headers.get("Location"):
            yield from self._follow_redirect(site, response)
            return
        content_type = (response.headers.get("Content-Type") or b"").decode("latin-1") or None
        if "cw_too_large" in meta:
            self._record_error(site, meta, f"larger than the size cap ({meta['cw_too_large']} bytes)")
            return
        if response.status < 400 and not is_html(content_type, response.body):
            if meta["cw_depth"] == 0:
                self._record_error(site, meta, f"top page is not HTML ({content_type or 'no Content-Type'})")
            return
        item = PageItem(
            site_crawl_id=site.task.site_crawl_id,
            url=meta["cw_origin"],
            final_url=response.url,
            status=response.status,
            fetched_at=datetime.now(UTC),
            content_hash=hashlib.sha256(response.body).hexdigest(),
            content_type=content_type,
            encoding=None,
            title=None,
        )
        if response.status >= 400:
            item.error = f"HTTP {response.status}"
            self._record_error(site, meta, item.error)
            yield item
            return
        html, item.encoding = decode_bytes(response.body, content_type)
        html = html.replace("\x00", "")  # stray NUL bytes: PostgreSQL text cannot hold them
        try:
            item.extraction = self.extract_page(html, response.url)
            item.title = item.extraction.title or None
        except Exception as exc:  # noqa: BLE001 - an extraction bug costs one page's facts, not the crawl
            item.error = f"extraction failed: {type(exc).__name__}: {exc}"
            item.title = page_title(html)
        site.pages += 1
        if meta["cw_depth"] == 0:
            site.top_ok = True
        yield item
        if meta["cw_depth"] < self.max_depth:
            for url, text in page_links(html, response.url):
                site.frontier.offer(url, text, meta["cw_depth"] + 1)

    def _follow_redirect(self, site: SiteState, response: Response) -> Iterator[Request]:
        meta = response.meta
        location = (response.headers.get("Location") or b"").decode("latin-1")
        target = clean_url(urljoin(response.url, location))
        chain = (*meta["cw_chain"], response.url)
        is_seed = meta["cw_depth"] == 0
        if target in {clean_url(url) for url in chain}:
            self._record_error(site, meta, "redirect loop")
            return
        if len(chain) > self.max_redirects:
            self._record_error(site, meta, f"more than {self.max_redirects} redirects")
            return
        if not site.frontier.is_same_site(target):
            same_owner = registrable_domain(target) == registrable_domain(response.url)
            if not (is_seed and same_owner and not site.moved_host):
                where = "seed redirects" if is_seed else "redirect"
                self._record_error(site, meta, f"{where} off-site to {bare_host(target)}")
                return
            site.moved_host = True
        if is_seed:
            site.frontier.adopt_host(target)  # e.g. www.x.jp -> x.jp: request the other pages there too
        # /menu -> /menu/ or http -> https is the same page: follow it. Another page already seen
        # (or queued) is fetched under its own URL, unless this is the seed.
        same_page = page_key(target) == page_key(response.url)
        if not (same_page or site.frontier.mark_seen(target) or is_seed):
            return
        site.in_flight += 1
        candidate = Candidate((0, meta["cw_depth"], 0), target, meta["cw_depth"])
        yield self._request(
            site,
            candidate,
            priority=response.request.priority if response.request else 0,
            origin=meta["cw_origin"],
            chain=chain,
        )
