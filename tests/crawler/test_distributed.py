"""Shared crawling through Redis: settings, errors, and two real workers over a loopback site farm.

The worker tests start crawl processes (`python -m tests.crawler.test_distributed ...`) against the
Redis server named by CLINICWATCH_TEST_REDIS (default 127.0.0.1:6379, as `.ci/run` starts it); they
are skipped, with the reason, only when no server answers there.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag

import pytest

from crawler.distributed import (
    DistributedError,
    SharedDupeFilter,
    clear_run,
    connect,
    live_workers,
    redis_settings,
    run_prefix,
)

REDIS_URL = os.environ.get("CLINICWATCH_TEST_REDIS", "redis://127.0.0.1:6379/0")
PROJECT = Path(__file__).resolve().parents[2]
SITES = {
    # host -> {path: links on that page}; /slow.html answers after a delay and only then reveals
    # /after-slow.html, so one worker holds the last work while the other has nothing to do.
    "a.example": {"/": ["/p1.html", "/p2.html", "/slow.html"], "/p1.html": ["/", "/p2.html"],
                  "/p2.html": ["/", "/p1.html#top"], "/slow.html": ["/after-slow.html"],
                  "/after-slow.html": ["/"]},
    "b.example": {"/": ["/x.html", "/y.html"], "/x.html": ["/y.html"], "/y.html": ["/", "/z.html"],
                  "/z.html": ["/x.html"]},
    "c.example": {"/": ["/only.html"], "/only.html": ["/"]},
}
EXPECTED_URLS = {f"http://{host}{path}" for host, pages in SITES.items() for path in pages}


@pytest.fixture(scope="module")
def redis_url() -> str:
    try:
        connect(REDIS_URL)
    except DistributedError as exc:
        pytest.skip(str(exc))
    return REDIS_URL


@pytest.fixture
def run_id(redis_url: str) -> Any:
    run = uuid.uuid4().int % 10**12
    yield run
    clear_run(redis_url, run)


def _write_farm(root: Path) -> None:
    for host, pages in SITES.items():
        for path, links in pages.items():
            target = root / host / ("index.html" if path == "/" else path.lstrip("/"))
            target.parent.mkdir(parents=True, exist_ok=True)
            anchors = "".join(f'<a href="{link}">{link}</a>' for link in links)
            target.write_text(f"<html><body><p>{host}{path}</p>{anchors}</body></html>", encoding="utf-8")
    (root / "a.example" / "_meta.json").write_text(json.dumps({"/slow.html": {"delay": 2.0, "body": (
        '<html><body><a href="/after-slow.html">next</a></body></html>')}}), encoding="utf-8")


def _start_worker(run: int, out: Path, proxy_url: str, mode: str) -> subprocess.Popen[bytes]:
    seeds = [f"http://{host}/" for host in SITES]
    command = [sys.executable, "-m", "tests.crawler.test_distributed", REDIS_URL, str(run), json.dumps(seeds),
               str(out), mode]
    env = dict(os.environ, http_proxy=proxy_url, PYTHONPATH=str(PROJECT))
    return subprocess.Popen(command, cwd=PROJECT, env=env, stderr=subprocess.PIPE)


def _finish(worker: subprocess.Popen[bytes]) -> None:
    _, stderr = worker.communicate(timeout=60)
    assert worker.returncode == 0, stderr.decode(errors="replace")[-2000:]


def _result(out: Path) -> dict[str, Any]:
    return json.loads(out.read_text(encoding="utf-8"))


def test_redis_settings_put_every_key_under_the_run_prefix() -> None:
    settings = redis_settings("redis://queue.internal:6379/2", 42)
    assert settings["SCHEDULER"] == "crawler.distributed.SharedScheduler"
    assert settings["DUPEFILTER_CLASS"] == "crawler.distributed.SharedDupeFilter"
    assert settings["REDIS_URL"] == "redis://queue.internal:6379/2"
    assert settings["SCHEDULER_PERSIST"] is True
    assert settings["SCHEDULER_QUEUE_KEY"] == f"{run_prefix(42)}:requests"
    assert settings["SCHEDULER_DUPEFILTER_KEY"] == f"{run_prefix(42)}:dupefilter"


def test_redis_settings_reject_a_url_that_is_not_redis() -> None:
    with pytest.raises(DistributedError, match="postgresql://db/x.*redis://HOST"):
        redis_settings("postgresql://db/x", 1)


def test_unreachable_redis_is_named_in_the_error() -> None:
    with pytest.raises(DistributedError, match="Redis at redis://127.0.0.1:1/0 does not answer"):
        connect("redis://127.0.0.1:1/0")


@pytest.mark.redis
def test_dupefilter_uses_scrapy_fingerprints_shared_between_workers(redis_url: str, run_id: int) -> None:
    from scrapy import Request, Spider
    from scrapy.utils.test import get_crawler

    crawler = get_crawler(Spider, redis_settings(redis_url, run_id))
    spider = Spider.from_crawler(crawler, name="probe")
    first, second = SharedDupeFilter.from_spider(spider), SharedDupeFilter.from_spider(spider)
    assert not first.request_seen(Request("http://a.example/p1.html"))
    assert second.request_seen(Request("http://a.example/p1.html#top"))
    assert first.request_fingerprint(Request("http://a.example/")) == crawler.request_fingerprinter.fingerprint(
        Request("http://a.example/")).hex()


@pytest.mark.redis
@pytest.mark.parametrize("mode", ["pages", "sites"])
def test_two_workers_fetch_every_page_once_and_finish_together(
    redis_url: str, run_id: int, tmp_path: Path, site_farm: Any, mode: str
) -> None:
    _write_farm(tmp_path / "farm")
    with site_farm(tmp_path / "farm") as farm:
        workers = [_start_worker(run_id, tmp_path / f"worker{n}.json", farm.proxy_url, mode) for n in range(2)]
        alive_seen = set()
        while any(worker.poll() is None for worker in workers):
            alive_seen.update(live_workers(redis_url, run_id))
            time.sleep(0.1)
        for worker in workers:
            _finish(worker)
        assert alive_seen and not live_workers(redis_url, run_id)
        results = [_result(tmp_path / f"worker{n}.json") for n in range(2)]
        fetched = Counter(url for result in results for url, _ in result["fetched"])
        assert set(fetched) == EXPECTED_URLS
        assert max(fetched.values()) == 1, [url for url, count in fetched.items() if count > 1]
        assert [result["finish_reason"] for result in results] == ["finished", "finished"]
        last_fetch = max(at for result in results for _, at in result["fetched"])
        assert min(result["closed_at"] for result in results) >= last_fetch, "a worker closed before the crawl ended"
        if mode == "sites":
            owners = {(url.split("/")[2], n) for n, result in enumerate(results) for url, _ in result["fetched"]}
            assert len(owners) == len(SITES), f"a site's pages were fetched by both workers: {sorted(owners)}"

        late = _start_worker(run_id, tmp_path / "late.json", farm.proxy_url, mode)
        _finish(late)
    assert _result(tmp_path / "late.json")["fetched"] == []
    assert clear_run(redis_url, run_id) >= 1
    assert not list(connect(redis_url).scan_iter(match=f"{run_prefix(run_id)}:*"))


def _run_worker(redis_url: str, run: str, seeds_json: str, out: str, mode: str) -> None:
    """One crawl worker: fetch the seeds and every same-site link; write what it fetched, and when.

    mode "pages": every request goes through the shared queue. mode "sites": as the clinic spider,
    a site's state lives on the worker that fetched its top page, so only top pages are shared and
    the rest stay on that worker (LOCAL_META); the site's own set of seen URLs deduplicates them.
    """
    import scrapy
    from scrapy.crawler import CrawlerProcess
    from scrapy.linkextractors import LinkExtractor

    from crawler.distributed import LOCAL_META

    fetched: list[tuple[str, float]] = []
    seen_by_site: dict[str, set[str]] = {}

    class FarmSpider(scrapy.Spider):
        name = "farm"

        async def start(self):  # type: ignore[no-untyped-def]
            for url in json.loads(seeds_json):
                yield scrapy.Request(url, meta={"site": url})

        def parse(self, response):  # type: ignore[no-untyped-def]
            fetched.append((response.url, time.time()))
            site = response.meta["site"]
            if mode == "sites":
                seen = seen_by_site.setdefault(site, {site}) if response.url == site else seen_by_site[site]
            for link in LinkExtractor(allow_domains=[response.url.split("/")[2]]).extract_links(response):
                url = urldefrag(link.url).url
                if mode == "pages":
                    yield response.follow(url, meta={"site": site})
                elif url not in seen:
                    seen.add(url)
                    yield response.follow(url, meta={"site": site, LOCAL_META: True}, dont_filter=True)

    settings = redis_settings(redis_url, int(run)) | {"LOG_LEVEL": "WARNING", "TELNETCONSOLE_ENABLED": False}
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(FarmSpider)
    process.crawl(crawler)
    process.start()
    result = {"fetched": fetched, "closed_at": time.time(), "finish_reason": crawler.stats.get_value("finish_reason")}
    Path(out).write_text(json.dumps(result), encoding="utf-8")


if __name__ == "__main__":
    _run_worker(*sys.argv[1:6])
