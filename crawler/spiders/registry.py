"""The e-再生医療 plan lists for classes I, II and III, every page, one item per plan.

Problems that make the list untrustworthy (an HTTP error, a page without a plan table or without
rows, a missing column) are collected in `problems`; the registry pipeline fails the snapshot on any.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import scrapy
from scrapy.http import Request, Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.registry_parse import ListPage, RegistryParseError, RegistryRow, parse_list_page
from crawler.taxonomy import classify

DEFAULT_BASE_URL = "https://saiseiiryo.mhlw.go.jp/published_plan/index/"
PLAN_CLASSES = (1, 2, 3)


def class_url(base_url: str, plan_class: int) -> str:
    """The first list page of a class: BASE + 1, 2 or 3."""
    return base_url.rstrip("/") + f"/{plan_class}"


class RegistrySpider(scrapy.Spider):
    name = "registry"
    custom_settings = {  # noqa: RUF012 - Scrapy reads this class attribute
        "ITEM_PIPELINES": {"crawler.pipelines.registry.RegistrySnapshotPipeline": 300},
        # A failed page fails the whole snapshot, so a passing server error gets two more tries.
        "RETRY_TIMES": 2,
    }

    def __init__(self, base_url: str = DEFAULT_BASE_URL, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.base_url = base_url
        self.problems: list[str] = []
        self.pages: list[dict[str, Any]] = []

    async def start(self) -> AsyncIterator[Request]:
        for plan_class in PLAN_CLASSES:
            yield self._request(class_url(self.base_url, plan_class), plan_class)

    def _request(self, url: str, plan_class: int) -> Request:
        return Request(
            url,
            callback=self.parse_list,
            errback=self.page_failed,
            cb_kwargs={"plan_class": plan_class},
            meta={"plan_class": plan_class},
        )

    def parse_list(self, response: Response, plan_class: int) -> Any:
        """Yield the plans of one list page and requests for the further pages it links to."""
        if not isinstance(response, TextResponse):
            self.problems.append(f"registry page {response.url}: not an HTML page")
            return
        list_url = class_url(self.base_url, plan_class)
        try:
            page = parse_list_page(response.text, response.url, plan_class, list_url)
        except RegistryParseError as exc:
            self.problems.append(str(exc))
            return
        self._record(page, response.encoding)
        if not page.rows:
            self.problems.append(f"registry page {response.url}: the plan table has no rows")
        for row in page.rows:
            yield self._classified(row)
        for url in page.page_links:
            yield self._request(url, plan_class)

    def _record(self, page: ListPage, encoding: str) -> None:
        self.pages.append(
            {
                "url": page.url,
                "class": page.plan_class,
                "rows": len(page.rows),
                "skipped_rows": page.skipped_rows,
                "declared_total": page.declared_total,
                "encoding": encoding,
            }
        )

    @staticmethod
    def _classified(row: RegistryRow) -> RegistryRow:
        row.modalities = classify(row.treatment)
        return row

    def page_failed(self, failure: Failure) -> None:
        """An HTTP error or a network failure: the list may be partial, so the snapshot must fail."""
        request = failure.request  # type: ignore[attr-defined]
        if failure.check(HttpError):
            problem = f"HTTP {failure.value.response.status}"
        else:
            problem = f"{failure.type.__name__}: {failure.getErrorMessage()}"
        self.problems.append(f"registry page {request.url}: {problem}")
