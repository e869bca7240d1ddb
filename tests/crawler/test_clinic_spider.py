"""The clinic spider end to end over saved sites served by the loopback SiteFarm.

One crawl of tests/crawler/sites runs once for the module (SQLite); the tests read its rows. The
resume test and the 20-site test run on both backends.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
)
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from twisted.python.failure import Failure

from clinicwatch.sitefarm import SiteFarm
from crawler.seeds import Seed
from crawler.sites_job import CrawlSummary, crawl_sites
from crawler.spiders.clinics import failure_reason
from db.models import Claim, IdentityFact, Page, Run, Site, SiteCrawl
from db.session import Database, transaction
from db.vocabulary import CrawlStatus

SITES = Path(__file__).parent / "sites"
ROOT = Path(__file__).resolve().parents[2]
FAST = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "RETRY_ENABLED": False,
    "DOWNLOAD_TIMEOUT": 2,
    "DOWNLOAD_MAXSIZE": 60_000,
    "LOG_LEVEL": "CRITICAL",
    "CLINICWATCH_EXTRACTOR": "tests.crawler.fake_extract.extract_page",
}
SEEDS = [
    Seed("http://www.sjis-clinic.example/", "渋谷ひふ科クリニック"),
    Seed("http://eucjp-clinic.example/"),
    Seed("http://www.robots-clinic.example/"),
    Seed("http://www.trap-clinic.example/"),
    Seed("http://www.redirect-clinic.example/"),
    Seed("http://www.error-clinic.example/"),
    Seed("http://www.down-clinic.example/"),
    Seed("http://www.moved-clinic.example/"),
    Seed(
        "http://www.gone-clinic.example/",
        opendata_id="1311301000099",
        opendata_name="医療法人社団ゴーン会　ゴーンクリニック",
        opendata_address="東京都港区赤坂１－２－３",
    ),
]


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


REFUSING = f"http://127.0.0.1:{_closed_port()}/"  # nothing listens there: connection refused


@pytest.fixture(scope="module")
def farm_env() -> Iterator[None]:
    """http_proxy at a SiteFarm over tests/crawler/sites, and the repo on the child's import path."""
    saved = {key: os.environ.get(key) for key in ("http_proxy", "no_proxy", "PYTHONPATH")}
    with SiteFarm(SITES) as farm:
        os.environ["http_proxy"] = farm.proxy_url
        os.environ["no_proxy"] = "127.0.0.1"
        os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), saved["PYTHONPATH"]]))
        yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def _new_run(factory: sessionmaker[Session]) -> int:
    with transaction(factory) as session:
        run = Run(kind="crawl")
        session.add(run)
        session.flush()
        return run.id


@pytest.fixture(scope="module")
def crawled(farm_env: None, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    db_url = f"sqlite:///{tmp_path_factory.mktemp('crawl') / 'clinicwatch.db'}"
    database = Database.open(db_url)
    factory = database.sessions
    summary = crawl_sites(db_url, _new_run(factory), [*SEEDS, Seed(REFUSING)], settings=FAST)
    with factory() as session:
        crawls = {c.site.seed_url: c for c in session.scalars(select(SiteCrawl))}
        pages = {p.url: p for p in session.scalars(select(Page))}
        claims = list(session.scalars(select(Claim)))
        facts = list(session.scalars(select(IdentityFact)))
        for crawl in crawls.values():
            session.expunge(crawl)
    database.dispose()
    return {"summary": summary, "crawls": crawls, "pages": pages, "claims": claims, "facts": facts}


def _pages_of(crawled: dict[str, Any], host: str) -> dict[str, Page]:
    return {url.split(host, 1)[1]: page for url, page in crawled["pages"].items() if f"//{host}/" in url}


def test_summary_counts_ok_and_failed_sites(crawled: dict[str, Any]) -> None:
    summary: CrawlSummary = crawled["summary"]
    assert summary.sites_ok == 7
    assert dict(summary.sites_failed) == {
        "http://www.down-clinic.example/": "HTTP 503 on /",
        "http://www.gone-clinic.example/": "seed redirects off-site to parking-domains.example on /",
        REFUSING: "connection refused on /",
    }
    assert summary.pages == sum(c.pages_fetched for c in crawled["crawls"].values())


def test_shift_jis_site_pages_are_decoded_and_deduplicated(crawled: dict[str, Any]) -> None:
    pages = _pages_of(crawled, "www.sjis-clinic.example")
    # sjis-clinic.example/access.html (bare host) is the same site; ryokin.html#top the same page;
    # the PDF link, /download (application/pdf), mailto, javascript and instagram are not pages.
    assert sorted(pages) == ["/", "/access.html", "/ryokin.html", "/shinryo.html"]
    assert {page.encoding for page in pages.values()} == {"cp932"}
    assert pages["/"].title == "渋谷ひふ科クリニック"
    top_page = (SITES / "www.sjis-clinic.example" / "index.html").read_bytes()
    assert pages["/"].content_hash == hashlib.sha256(top_page).hexdigest()
    assert not any(url.startswith("http://sjis-clinic.example") for url in crawled["pages"])  # asked on www


def test_euc_jp_site_without_declaration_is_sniffed(crawled: dict[str, Any]) -> None:
    pages = _pages_of(crawled, "eucjp-clinic.example")
    assert sorted(pages) == ["/", "/about.html", "/menu/prp.html"]
    assert pages["/menu/prp.html"].encoding == "euc_jis_2004"
    assert pages["/menu/prp.html"].title == "ＰＲＰ皮膚再生療法｜大宮美容皮膚科"  # a NUL byte dropped


def test_extraction_failure_is_the_pages_error_not_the_crawls(crawled: dict[str, Any]) -> None:
    about = _pages_of(crawled, "eucjp-clinic.example")["/about.html"]
    assert (
        about.error == "extraction failed: RuntimeError: cannot parse http://eucjp-clinic.example/about.html"
    )
    assert crawled["crawls"]["http://eucjp-clinic.example/"].status == CrawlStatus.OK


def test_claims_keep_page_url_time_and_the_page_text(crawled: dict[str, Any]) -> None:
    pages = _pages_of(crawled, "www.sjis-clinic.example")
    claims = [claim for claim in crawled["claims"] if claim.page_id == pages["/shinryo.html"].id]
    assert [(c.modality, c.term) for c in claims] == [("stem_cell", "幹細胞")]
    assert claims[0].url == "http://www.sjis-clinic.example/shinryo.html"
    assert claims[0].fetched_at.replace(tzinfo=None) == pages["/shinryo.html"].fetched_at.replace(tzinfo=None)
    assert "脂肪由来幹細胞を培養し" in (pages["/shinryo.html"].text or "")
    assert "髙橋ビル" in (pages["/access.html"].text or "")  # an identity fact keeps the text too
    assert pages["/"].text is None  # no facts, no text


def test_seed_and_open_data_identity_are_stored_as_facts(crawled: dict[str, Any]) -> None:
    seeded = {(f.kind, f.source, f.value) for f in crawled["facts"] if f.page_id is None}
    assert ("name", "seed", "渋谷ひふ科クリニック") in seeded
    assert ("name", "opendata", "医療法人社団ゴーン会 ゴーンクリニック") in seeded
    assert ("address", "opendata", "東京都港区赤坂1-2-3") in seeded


def test_robots_txt_is_obeyed_and_recorded(crawled: dict[str, Any]) -> None:
    pages = _pages_of(crawled, "www.robots-clinic.example")
    assert sorted(pages) == ["/", "/treatment.html"]
    crawl = crawled["crawls"]["http://www.robots-clinic.example/"]
    assert crawl.status == CrawlStatus.OK
    assert crawl.errors == ["robots.txt forbids /private/staff.html"]


def test_link_traps_end_at_the_bounds(crawled: dict[str, Any]) -> None:
    pages = _pages_of(crawled, "www.trap-clinic.example")
    calendar = [path for path in pages if path.startswith("/calendar/?month=")]
    diary = sorted(path for path in pages if path.startswith("/diary/"))
    assert len(calendar) == 5  # CLINICWATCH_MAX_QUERIES_PER_PATH of the 60 month links
    assert diary == ["/diary/1.html", "/diary/2.html", "/diary/3.html"]  # depth 3 from the top page
    assert crawled["crawls"]["http://www.trap-clinic.example/"].errors == [
        "query-string limit reached on /calendar"
    ]


def test_redirects_are_followed_within_the_site_and_recorded(crawled: dict[str, Any]) -> None:
    pages = _pages_of(crawled, "www.redirect-clinic.example")
    assert pages["/"].final_url == "http://www.redirect-clinic.example/top/"
    assert pages["/old-menu.html"].final_url == "http://www.redirect-clinic.example/menu/"
    assert pages["/old-menu.html"].status == 200
    # A directory without its slash redirects to itself with one: the same page, still fetched.
    assert pages["/doctor"].final_url == "http://www.redirect-clinic.example/doctor/"
    assert sorted(crawled["crawls"]["http://www.redirect-clinic.example/"].errors) == [
        "redirect loop on /loop-a/",
        "redirect off-site to other-host.example on /partner/",
    ]


def test_seed_moving_to_a_subdomain_is_followed(crawled: dict[str, Any]) -> None:
    pages = _pages_of(crawled, "www.moved-clinic.example")
    assert pages["/"].final_url == "http://beauty.moved-clinic.example/"
    assert "http://beauty.moved-clinic.example/price/" in crawled["pages"]
    assert crawled["crawls"]["http://www.moved-clinic.example/"].pages_fetched == 2


def test_server_errors_on_inner_pages_leave_the_site_ok(crawled: dict[str, Any]) -> None:
    pages = _pages_of(crawled, "www.error-clinic.example")
    assert (pages["/broken/"].status, pages["/broken/"].error) == (500, "HTTP 500")
    assert pages["/missing.html"].status == 404
    crawl = crawled["crawls"]["http://www.error-clinic.example/"]
    assert (crawl.status, crawl.pages_fetched) == (CrawlStatus.OK, 2)
    gallery_size = (SITES / "www.error-clinic.example" / "gallery.html").stat().st_size
    assert sorted(crawl.errors) == [
        "HTTP 404 on /missing.html",
        "HTTP 500 on /broken/",
        f"larger than the size cap ({gallery_size} bytes) on /gallery.html",
    ]
    assert "/gallery.html" not in pages


def test_failed_top_page_fails_the_site(crawled: dict[str, Any]) -> None:
    crawl = crawled["crawls"]["http://www.down-clinic.example/"]
    assert (crawl.status, crawl.errors, crawl.pages_fetched) == (CrawlStatus.FAILED, ["HTTP 503 on /"], 0)
    assert crawl.finished_at is not None


def test_rerun_of_a_run_skips_ok_sites_and_replaces_unfinished_ones(farm_env: None, db_url: str) -> None:
    database = Database.open(db_url)
    factory = database.sessions
    run_id = _new_run(factory)
    seeds = SEEDS[:2]
    first = crawl_sites(db_url, run_id, seeds, settings=FAST)
    with transaction(factory) as session:
        kept_ids = set(
            session.scalars(select(Page.id).join(SiteCrawl).join(Site).where(Site.seed_url == seeds[0].url))
        )
        killed = session.scalar(select(SiteCrawl).join(Site).where(Site.seed_url == seeds[1].url))
        assert killed is not None
        killed.status = CrawlStatus.RUNNING  # as if the crawl was killed while on this site
    second = crawl_sites(db_url, run_id, seeds, settings=FAST)
    with factory() as session:
        urls = list(session.scalars(select(Page.url)))
        assert kept_ids <= set(session.scalars(select(Page.id)))
        assert session.scalar(select(SiteCrawl.status).where(SiteCrawl.id == killed.id)) == CrawlStatus.OK
        seed_facts = session.scalars(select(IdentityFact.value).where(IdentityFact.page_id.is_(None))).all()
    assert len(urls) == len(set(urls)) == first.pages == second.pages == 7
    assert seed_facts == ["渋谷ひふ科クリニック"]
    database.dispose()


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (DownloadTimeoutError("Getting http://a.example/ took longer than 20 seconds."), "timeout"),
        (CannotResolveHostError("a.example"), "DNS lookup failed"),
        (DownloadConnectionRefusedError("Connection was refused by other side"), "connection refused"),
        (IgnoreRequest("Forbidden by robots.txt"), "robots.txt forbids"),
        (ValueError("odd"), "ValueError: odd"),
    ],
)
def test_failure_reasons(error: Exception, reason: str) -> None:
    assert failure_reason(Failure(error)) == reason


# --- twenty sites, three misbehaving ------------------------------------------------------------


def _tiny_site(root: Path, host: str, meta: dict[str, Any] | None = None) -> None:
    site = root / host
    for path, links in {
        "index.html": ["menu/", "access.html"],
        "menu/index.html": ["../"],
        "access.html": [],
    }.items():
        target = site / path
        target.parent.mkdir(parents=True, exist_ok=True)
        anchors = " ".join(f'<a href="{link}">link</a>' for link in links)
        target.write_text(
            f"<html><head><title>{host}</title></head><body><p>{path}</p>{anchors}</body></html>",
            encoding="utf-8",
        )
    if meta:
        (site / "_meta.json").write_text(json.dumps(meta), encoding="utf-8")


def _calendar_trap(root: Path, host: str) -> None:
    _tiny_site(root, host)
    months = " ".join(f'<a href="/calendar?month={n}&amp;day=1">{n}</a>' for n in range(1, 200))
    (root / host / "index.html").write_text(
        '<html><body><a href="/calendar?month=1">予約カレンダー</a></body></html>', encoding="utf-8"
    )
    (root / host / "calendar").write_text(f"<html><body>{months}</body></html>", encoding="utf-8")
    (root / host / "_meta.json").write_text(
        json.dumps({"/calendar": {"headers": {"Content-Type": "text/html"}}})
    )


def test_twenty_sites_with_three_misbehaving(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "sites"
    hosts = [f"www.clinic{n:02d}.example" for n in range(1, 18)]
    for host in hosts:
        _tiny_site(root, host)
    # The timeout leaves room for a loaded machine; the slow site is far past it.
    _tiny_site(root, "www.slow-clinic.example", {"/": {"delay": 10}})
    _tiny_site(root, "www.broken-clinic.example", {"/": {"status": 500, "body": "<h1>500</h1>"}})
    _calendar_trap(root, "www.calendar-clinic.example")
    seeds = [
        Seed(f"http://{host}/")
        for host in [
            *hosts[:8],
            "www.slow-clinic.example",
            *hosts[8:12],
            "www.broken-clinic.example",
            *hosts[12:],
            "www.calendar-clinic.example",
        ]
    ]
    database = Database.open(db_url)
    factory = database.sessions
    with SiteFarm(root) as farm:
        monkeypatch.setenv("http_proxy", farm.proxy_url)
        monkeypatch.setenv("PYTHONPATH", str(ROOT))
        summary = crawl_sites(
            db_url,
            _new_run(factory),
            seeds,
            settings={**FAST, "DOWNLOAD_TIMEOUT": 4, "CLINICWATCH_PARALLEL_SITES": 8},
        )
    assert summary.sites_ok == 18  # the 17 well-behaved sites, and the trap site (bounded)
    assert dict(summary.sites_failed) == {
        "http://www.slow-clinic.example/": "timeout on /",
        "http://www.broken-clinic.example/": "HTTP 500 on /",
    }
    assert dict(summary.sites_with_errors) == {
        "http://www.calendar-clinic.example/": "query-string limit reached on /calendar"
    }
    with factory() as session:
        trap_pages = session.scalars(select(Page.url).where(Page.url.like("%calendar-clinic%"))).all()
    assert len(trap_pages) == 1 + 5
    assert summary.pages == 17 * 3 + 6
    progress = capfd.readouterr().err
    assert "[20/20]" in progress
    assert "failed  http://www.slow-clinic.example/ timeout on /" in progress
    database.dispose()
