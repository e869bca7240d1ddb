"""The registry spider's callbacks on saved pages: items, further page requests, and problems."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from scrapy.http import HtmlResponse, Request, Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import TimeoutError as TwistedTimeout
from twisted.python.failure import Failure

from crawler.registry_parse import RegistryRow
from crawler.spiders.registry import RegistrySpider, class_url

PAGES = Path(__file__).parent / "pages"
BASE = "http://saiseiiryo.mhlw.go.jp/published_plan/index/"


def crawl_page(
    spider: RegistrySpider, name: str, path: str, plan_class: int
) -> tuple[list[RegistryRow], list[Request]]:
    request = Request(BASE + path)
    page = HtmlResponse(url=BASE + path, body=(PAGES / name).read_bytes(), request=request)
    output: list[Any] = list(spider.parse_list(page, plan_class=plan_class) or [])
    return [o for o in output if isinstance(o, RegistryRow)], [o for o in output if isinstance(o, Request)]


def test_start_requests_one_list_per_class() -> None:
    spider = RegistrySpider(base_url="http://registry.test/list")

    async def collect() -> list[Request]:
        return [request async for request in spider.start()]

    requests = asyncio.run(collect())
    assert [r.url for r in requests] == [f"http://registry.test/list/{c}" for c in (1, 2, 3)]
    assert [r.cb_kwargs["plan_class"] for r in requests] == [1, 2, 3]


def test_class_url_accepts_base_with_or_without_slash() -> None:
    assert class_url(BASE, 2) == class_url(BASE.rstrip("/"), 2) == BASE + "2"


def test_first_page_yields_rows_and_requests_further_pages() -> None:
    spider = RegistrySpider(base_url=BASE)
    rows, requests = crawl_page(spider, "registry_class2_page1.html", "2", 2)
    assert [row.plan_number for row in rows] == ["PB1200311", "PB3220144", "PB3230219"]
    assert [r.url for r in requests] == [BASE + "2/page:2", BASE + "2/page:3"]
    assert all(r.cb_kwargs == {"plan_class": 2} for r in requests)
    assert spider.problems == []
    assert spider.pages == [
        {
            "url": BASE + "2",
            "class": 2,
            "rows": 3,
            "skipped_rows": 0,
            "declared_total": 8,
            "encoding": "utf-8",
        }
    ]


def test_rows_are_classified_with_the_taxonomy() -> None:
    spider = RegistrySpider(base_url=BASE)
    rows, _ = crawl_page(spider, "registry_class2_page2.html", "2/page:2", 2)
    by_number = {row.plan_number: row.modalities for row in rows}
    assert by_number["PB5210087"] == ["stem_cell"]
    assert set(by_number["PB7240052"]) == {"stem_cell", "prp"}  # one plan naming two modalities


def test_shift_jis_page_is_read_through_the_spider() -> None:
    spider = RegistrySpider(base_url=BASE)
    rows, requests = crawl_page(spider, "registry_class3_sjis.html", "3", 3)
    assert rows[0].facility == "医療法人社団表参道ソフィア会 表参道ソフィアスキンクリニック"
    assert rows[2].modalities == ["immune_cell"]
    assert spider.pages[0]["encoding"] == "cp932"
    assert [r.url for r in requests] == [BASE + "3/page:2"]


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("registry_class1_empty.html", f"registry page {BASE}1: the plan table has no rows"),
        (
            "registry_class3_missing_column.html",
            f"registry page {BASE}1: column 所在地 missing (columns seen: 医療機関名",
        ),
    ],
)
def test_broken_pages_are_problems(name: str, problem: str) -> None:
    spider = RegistrySpider(base_url=BASE)
    rows, requests = crawl_page(spider, name, "1", 1)
    assert rows == [] and requests == []
    assert len(spider.problems) == 1 and spider.problems[0].startswith(problem)


def test_non_html_response_is_a_problem() -> None:
    spider = RegistrySpider(base_url=BASE)
    body = b"%PDF-1.4"
    output = list(spider.parse_list(_binary(BASE + "1", body), plan_class=1) or [])
    assert output == []
    assert spider.problems == [f"registry page {BASE}1: not an HTML page"]


def _binary(url: str, body: bytes) -> Response:
    response = Response(url=url, body=body)
    assert not isinstance(response, TextResponse)
    return response


def test_http_error_names_page_and_status() -> None:
    spider = RegistrySpider(base_url=BASE)
    request = Request(BASE + "2/page:2")
    failure = Failure(
        HttpError(HtmlResponse(url=request.url, status=500, request=request), "Ignoring non-200 response")
    )
    failure.request = request  # type: ignore[attr-defined]
    spider.page_failed(failure)
    assert spider.problems == [f"registry page {BASE}2/page:2: HTTP 500"]


def test_network_failure_names_page() -> None:
    spider = RegistrySpider(base_url=BASE)
    failure = Failure(TwistedTimeout("Getting took longer than 20 seconds."))
    failure.request = Request(BASE + "3")  # type: ignore[attr-defined]
    spider.page_failed(failure)
    assert spider.problems[0].startswith(f"registry page {BASE}3: TimeoutError")
