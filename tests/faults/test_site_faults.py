"""Site faults tests/crawler/test_clinic_spider.py does not cover: 10 MB bodies against the default
size cap (announced by Content-Length, or streamed without one) and bytes invalid for the declared
charset. The crawl ends, and each site's row records what happened.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from clinicwatch.sitefarm import SiteFarm
from crawler.seeds import Seed
from crawler.sites_job import crawl_sites
from db.models import Claim, Page, Run, SiteCrawl
from db.session import Database
from db.vocabulary import CrawlStatus

ROOT = Path(__file__).resolve().parents[2]
TEN_MB = 10 * 1024 * 1024
# crawler/settings.py as it is (its 5 MB DOWNLOAD_MAXSIZE included), minus politeness on loopback.
SETTINGS = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "RETRY_ENABLED": False,
    "DOWNLOAD_TIMEOUT": 10,
    "LOG_LEVEL": "CRITICAL",
    "CLINICWATCH_EXTRACTOR": "tests.crawler.fake_extract.extract_page",
}
SJIS_PAGE = (
    "<html><head><title>".encode("cp932")
    + "恵比寿ひふ科".encode("cp932")
    + b"\x82\xff\x81"  # a lead byte without its trail, then one that never leads
    + "</title></head><body><p>".encode("cp932")
    + "自己脂肪由来の幹細胞を培養して投与します。".encode("cp932")
    + b"\xa0\xfd\xfe\x80"  # bytes Shift_JIS has no character for
    + "</p><p>料金：330,000円</p></body></html>".encode("cp932")
)
UTF8_PAGE = (
    '<html><head><meta charset="utf-8"><title>梅田PRPクリニック</title></head><body><p>'.encode()
    + "幹細胞".encode()[:-1]  # a character cut in the middle
    + "上清液の点滴。幹細胞培養上清液です。</p></body></html>".encode()
)


def _write(root: Path, host: str, files: dict[str, bytes], meta: dict[str, Any] | None = None) -> None:
    for path, body in files.items():
        target = root / host / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
    if meta:
        (root / host / "_meta.json").write_text(json.dumps(meta), encoding="utf-8")


def _html(body: str, size: int = 0) -> bytes:
    page = f"<html><head><title>page</title></head><body>{body}</body></html>".encode()
    return page + b" " * max(size - len(page), 0)


class _Endless(BaseHTTPRequestHandler):
    """A server streaming 10 MB of HTML with no Content-Length (HTTP/1.0, ends by closing)."""

    protocol_version = "HTTP/1.0"

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if self.path != "/":
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        chunk = b"<p>" + b"x" * 65_530 + b"</p>"
        try:
            self.wfile.write(b"<html><body>")
            for _ in range(TEN_MB // len(chunk) + 1):
                self.wfile.write(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the crawler stopped reading at its cap


@pytest.fixture(scope="module")
def streaming_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Endless)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory, streaming_url: str) -> Iterator[dict[str, Any]]:
    root = tmp_path_factory.mktemp("sites")
    _write(root, "www.huge-gallery.example", {
        "index.html": _html('<a href="gallery.html">症例写真</a> <a href="menu.html">メニュー</a>'),
        "gallery.html": _html("<p>症例</p>", TEN_MB),
        "menu.html": _html("<p>PRP</p>"),
    })  # fmt: skip
    _write(root, "www.huge-top.example", {"index.html": _html("<p>top</p>", TEN_MB)})
    _write(
        root,
        "www.badbytes-sjis.example",
        {"index.html": SJIS_PAGE},
        {"/": {"headers": {"Content-Type": "text/html; charset=Shift_JIS"}}},
    )
    _write(root, "www.badbytes-utf8.example", {"index.html": UTF8_PAGE})
    seeds = [
        Seed("http://www.huge-gallery.example/"),
        Seed("http://www.huge-top.example/"),
        Seed(streaming_url),
        Seed("http://www.badbytes-sjis.example/"),
        Seed("http://www.badbytes-utf8.example/"),
    ]
    db_url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'clinicwatch.db'}"
    database = Database.open(db_url)
    factory = database.sessions
    with factory.begin() as session:
        run = Run(kind="crawl")
        session.add(run)
        session.flush()
        run_id = run.id
    with SiteFarm(root) as farm, pytest.MonkeyPatch.context() as patch:
        patch.setenv("http_proxy", farm.proxy_url)
        patch.setenv("no_proxy", "127.0.0.1")
        patch.setenv("PYTHONPATH", str(ROOT))
        summary = crawl_sites(db_url, run_id, seeds, settings=SETTINGS)
    with factory() as session:
        crawls = {
            c.site.seed_url: (c.status, c.errors, c.pages_fetched) for c in session.scalars(select(SiteCrawl))
        }
        pages = {p.url: p for p in session.scalars(select(Page))}
        claims = {c.url: c.quote for c in session.scalars(select(Claim))}
        session.expunge_all()
    database.dispose()
    yield {"summary": summary, "crawls": crawls, "pages": pages, "claims": claims, "streaming": streaming_url}


def test_ten_megabyte_inner_page_is_skipped_and_recorded(crawled: dict[str, Any]) -> None:
    status, errors, fetched = crawled["crawls"]["http://www.huge-gallery.example/"]
    assert (status, fetched) == (CrawlStatus.OK, 2)
    assert errors == [f"larger than the size cap ({TEN_MB} bytes) on /gallery.html"]
    assert "http://www.huge-gallery.example/gallery.html" not in crawled["pages"]


def test_ten_megabyte_top_page_fails_the_site(crawled: dict[str, Any]) -> None:
    status, errors, fetched = crawled["crawls"]["http://www.huge-top.example/"]
    assert (status, errors, fetched) == (CrawlStatus.FAILED, [f"larger than the size cap ({TEN_MB} bytes) on /"], 0)


def test_streamed_body_without_length_is_cut_at_the_cap(crawled: dict[str, Any]) -> None:
    status, errors, fetched = crawled["crawls"][crawled["streaming"]]
    assert (status, errors, fetched) == (CrawlStatus.FAILED, ["larger than the size cap on /"], 0)


def test_invalid_shift_jis_bytes_keep_the_rest_of_the_page(crawled: dict[str, Any]) -> None:
    assert crawled["crawls"]["http://www.badbytes-sjis.example/"] == (CrawlStatus.OK, [], 1)
    page = crawled["pages"]["http://www.badbytes-sjis.example/"]
    assert page.encoding == "cp932"  # the declared charset, not a guess that garbles the rest
    assert page.title is not None and page.title.startswith("恵比寿ひふ科")
    assert "料金：330,000円" in (page.text or "")
    assert (
        crawled["claims"]["http://www.badbytes-sjis.example/"] == "自己脂肪由来の幹細胞を培養して投与します"
    )


def test_a_cut_utf8_character_costs_only_itself(crawled: dict[str, Any]) -> None:
    assert crawled["crawls"]["http://www.badbytes-utf8.example/"] == (CrawlStatus.OK, [], 1)
    page = crawled["pages"]["http://www.badbytes-utf8.example/"]
    assert (page.encoding, page.title) == ("utf-8", "梅田PRPクリニック")
    assert "幹細胞培養上清液です" in (page.text or "")
    assert crawled["claims"]["http://www.badbytes-utf8.example/"].endswith("幹細胞培養上清液です")


def test_summary_lists_each_failed_site_with_its_reason(crawled: dict[str, Any]) -> None:
    summary = crawled["summary"]
    assert summary.sites_ok == 3
    assert dict(summary.sites_failed) == {
        "http://www.huge-top.example/": f"larger than the size cap ({TEN_MB} bytes) on /",
        crawled["streaming"]: "larger than the size cap on /",
    }
