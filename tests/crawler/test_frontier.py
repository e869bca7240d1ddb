"""The per-site frontier and link ranking: what is fetched, in which order, and where it stops."""

from __future__ import annotations

import pytest

from crawler.frontier import SiteFrontier, bare_host, clean_url, page_key
from crawler.linkrank import is_never_html, link_score
from crawler.pipelines.sites import progress_line
from crawler.site_items import SiteResultItem
from crawler.spiders.clinics import is_html, page_links, registrable_domain


def _frontier(**bounds: int) -> SiteFrontier:
    frontier = SiteFrontier("http://www.clinic.example/", **{"max_pages": 40, "max_depth": 3, **bounds})
    frontier.take_seed()
    return frontier


def _drain(frontier: SiteFrontier) -> list[str]:
    urls = []
    while candidate := frontier.next():
        urls.append(candidate.url)
    return urls


def test_promising_links_leave_first() -> None:
    frontier = _frontier()
    for url, text in [
        ("/recruit/", "採用情報"),
        ("/news/2026-11.html", "お知らせ"),
        ("/menu/stem-cell/", "幹細胞治療"),
        ("/privacy.html", "プライバシーポリシー"),
        ("/about/", "医院概要"),
        ("/price/", "料金表"),
    ]:
        frontier.offer("http://www.clinic.example" + url, text, 1)
    assert [url.split(".example")[1] for url in _drain(frontier)] == [
        "/menu/stem-cell/",
        "/about/",
        "/price/",
        "/news/2026-11.html",
        "/recruit/",
        "/privacy.html",
    ]


def test_links_are_requested_where_the_seed_answered() -> None:
    frontier = _frontier()
    frontier.adopt_host("https://clinic.example/")  # the seed redirected there
    frontier.offer("http://www.clinic.example/menu/", "", 1)
    assert _drain(frontier) == ["https://clinic.example/menu/"]


def test_same_site_means_same_host_modulo_www() -> None:
    frontier = _frontier()
    frontier.offer("https://clinic.example/access/", "", 1)
    frontier.offer("http://www.clinic.example.evil.example/", "", 1)
    frontier.offer("http://shop.clinic.example/", "", 1)
    frontier.offer("https://www.instagram.com/clinic/", "", 1)
    assert _drain(frontier) == ["http://www.clinic.example/access/"]


def test_each_page_once_whatever_its_spelling() -> None:
    frontier = _frontier()
    for url in [
        "http://www.clinic.example/menu/",
        "http://www.clinic.example/menu",
        "http://www.clinic.example/menu/index.html",
        "http://clinic.example/menu/#prp",
        "http://www.clinic.example/menu/?utm_source=line",
        "http://www.clinic.example/index.html",  # the seed
    ]:
        frontier.offer(url, "", 1)
    assert _drain(frontier) == ["http://www.clinic.example/menu/"]


def test_query_strings_are_capped_per_path() -> None:
    frontier = _frontier(max_queries_per_path=5)
    for month in range(1, 40):
        frontier.offer(f"http://www.clinic.example/calendar/?ym=2026{month:02d}", "", 1)
    frontier.offer("http://www.clinic.example/calendar/?ym=202601", "", 2)  # already queued
    assert len(_drain(frontier)) == 5
    assert frontier.trapped_paths == ["/calendar"]


def test_depth_and_page_limits() -> None:
    frontier = _frontier(max_pages=3, max_depth=2)
    frontier.offer("http://www.clinic.example/deep/", "", 3)
    for n in range(5):
        frontier.offer(f"http://www.clinic.example/p{n}.html", "", 2)
    assert len(_drain(frontier)) == 2  # the seed was the first of 3
    assert frontier.limit_reached


def test_files_that_are_never_html_are_not_queued() -> None:
    assert is_never_html("http://www.clinic.example/pdf/price.PDF")
    assert is_never_html("http://www.clinic.example/img/logo.png")
    assert not is_never_html("http://www.clinic.example/menu/prp.php")


@pytest.mark.parametrize(
    ("url", "text", "positive"),
    [
        ("http://a.example/saisei/", "再生医療", True),
        ("http://a.example/treatment/prp/", "", True),
        ("http://a.example/p/123", "ＰＲＰ療法", True),  # full-width text is normalised
        ("http://clinic.example/recruit/", "", False),  # the host name does not count
    ],
)
def test_link_score(url: str, text: str, positive: bool) -> None:
    assert (link_score(url, text) > 0) is positive


def test_url_helpers() -> None:
    assert bare_host("http://WWW.Clinic.example:8080/x") == "clinic.example:8080"
    assert clean_url("http://a.example/p?utm_medium=x&id=3#frag") == "http://a.example/p?id=3"
    assert (
        clean_url("http://a.example/検索?q=%8A%B2") == "http://a.example/検索?q=%8A%B2"
    )  # Shift_JIS query kept
    assert page_key("https://www.a.example/menu/index.php?b=2&a=1") == ("a.example", "/menu", "a=1&b=2")
    assert registrable_domain("http://beauty.clinic.co.jp/") == "clinic.co.jp"


def test_page_links_cover_anchors_frames_and_meta_refresh() -> None:
    html = """<html><head><base href="http://www.clinic.example/sub/">
    <meta http-equiv="Refresh" content="0;URL='top.html'"></head>
    <frameset><frame src="menu.html"></frameset>
    <a href=" price.html "><img src="b.png" alt="料金表"></a> <a href="mailto:x@clinic.example">mail</a>
    <a href="javascript:void(0)">x</a> <a href="#top">top</a> <map><area href="/access/"></map></html>"""
    assert sorted(page_links(html, "http://www.clinic.example/")) == [
        ("http://www.clinic.example/access/", ""),
        ("http://www.clinic.example/sub/menu.html", ""),
        ("http://www.clinic.example/sub/price.html", "料金表"),
        ("http://www.clinic.example/sub/top.html", ""),
    ]


def test_html_detection() -> None:
    assert is_html("text/html; charset=Shift_JIS")
    assert is_html("application/xhtml+xml")
    assert not is_html("application/pdf", b"<html>")
    assert is_html(None, b"\r\n<!DOCTYPE html>")
    assert not is_html(None, b"%PDF-1.4")


def test_progress_line() -> None:
    ok = SiteResultItem(1, "http://www.clinic.example/", True, 14, [], 12, 200)
    failed = SiteResultItem(2, "http://down.example/", False, 0, ["timeout on /"], 13, 200)
    assert progress_line(ok) == "[12/200] ok      http://www.clinic.example/ 14 pages"
    assert progress_line(failed) == "[13/200] failed  http://down.example/ timeout on /"


def test_queries_naming_content_pages_are_not_capped() -> None:
    frontier = _frontier(max_queries_per_path=5)
    for page_id in range(1, 13):
        frontier.offer(f"http://www.clinic.example/?page_id={page_id}", "", 1)
    frontier.offer("http://www.clinic.example/?page_id=3&month=2", "", 1)  # a calendar parameter too
    assert len(_drain(frontier)) == 13
    assert frontier.trapped_paths == []


def test_a_seed_on_a_shared_blog_host_stays_in_its_own_blog() -> None:
    frontier = SiteFrontier("https://ameblo.jp/ginza-hifuka/", max_pages=40, max_depth=3)
    frontier.take_seed()
    for url in [
        "https://ameblo.jp/ginza-hifuka/entry-12345.html",
        "https://ameblo.jp/ginza-hifuka",
        "https://ameblo.jp/other-stem-cell-clinic/entry-1.html",
        "https://ameblo.jp/",
        "https://ameblo.jp/ginza-hifuka-2/",
    ]:
        frontier.offer(url, "", 1)
    assert _drain(frontier) == ["https://ameblo.jp/ginza-hifuka/entry-12345.html"]
