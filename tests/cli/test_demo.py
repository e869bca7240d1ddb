"""`clinicwatch demo`: the bundled sample data is consistent, served on loopback, and wired to the pipeline."""

from __future__ import annotations

import csv
import inspect
import json
import os
import re
import unicodedata
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from lxml import html as lxml_html

from clinicwatch.cli import main
from clinicwatch.commands import demo
from clinicwatch.pipeline import RunOutcome, run_pipeline
from clinicwatch.sitefarm import SiteFarm
from crawler.registry_parse import ListPage, RegistryRow, clean_facility, parse_list_page

DATA = demo.DEMO_DATA
EXPECTED = json.loads((DATA / "expected.json").read_text(encoding="utf-8"))
SEEDS = list(csv.DictReader((DATA / "seeds.csv").open(encoding="utf-8")))
REGISTRY_HOST = urlsplit(demo.DEMO_REGISTRY_URL).hostname
PLAN_NUMBER = re.compile(r"P[ABC]\d{7}")


def registry_pages(sites: Path) -> Iterator[tuple[int, str, Path]]:
    """(class, URL, file) of every registry list page under a sites folder."""
    index = sites / REGISTRY_HOST / "published_plan" / "index"
    for page in sorted(index.glob("*/**/index.html")):
        relative = page.parent.relative_to(index)
        yield int(relative.parts[0]), f"{demo.DEMO_REGISTRY_URL}{relative.as_posix()}", page


def parse_registry(*roots: Path) -> dict[int, list[ListPage]]:
    """Registry list pages per class; a later root's pages replace an earlier root's (the overlay)."""
    pages: dict[str, tuple[int, Path]] = {}
    for root in roots:
        pages.update({url: (plan_class, path) for plan_class, url, path in registry_pages(root)})
    parsed: dict[int, list[ListPage]] = {1: [], 2: [], 3: []}
    for url, (plan_class, path) in sorted(pages.items()):
        list_url = f"{demo.DEMO_REGISTRY_URL}{plan_class}"
        parsed[plan_class].append(
            parse_list_page(path.read_text(encoding="utf-8"), url, plan_class, list_url)
        )
    return parsed


def rows_of(pages: dict[int, list[ListPage]]) -> dict[int, list[RegistryRow]]:
    return {plan_class: [row for page in listed for row in page.rows] for plan_class, listed in pages.items()}


PAGES, PAGES_NEXT = (
    parse_registry(DATA / "sites"),
    parse_registry(DATA / "sites", DATA / EXPECTED["next"]["overlay"]),
)
REGISTRY, REGISTRY_NEXT = rows_of(PAGES), rows_of(PAGES_NEXT)


def site_text(host: str) -> str:
    """NFKC text of every HTML page of a sample site, decoded by its meta charset."""
    texts = []
    for page in sorted((DATA / "sites" / host).rglob("*.html")):
        raw = page.read_bytes()
        charset = re.search(rb'charset="?([\w-]+)', raw)
        texts.append(raw.decode(charset.group(1).decode() if charset else "utf-8"))
    return unicodedata.normalize("NFKC", "\n".join(texts))


def test_every_seed_has_an_expected_outcome() -> None:
    assert [row["url"] for row in SEEDS] == [site["seed"] for site in EXPECTED["sites"]]
    for row in SEEDS:
        assert (DATA / "sites" / urlsplit(row["url"]).hostname).is_dir(), row["url"]


@pytest.mark.parametrize(
    ("registry", "counts"),
    [(REGISTRY, EXPECTED["registry_rows"]), (REGISTRY_NEXT, EXPECTED["next"]["registry_rows"])],
    ids=["this_week", "next_week"],
)
def test_registry_pages_parse_into_the_announced_rows(
    registry: dict[int, list[RegistryRow]], counts: dict[str, int]
) -> None:
    assert {str(plan_class): len(rows) for plan_class, rows in registry.items()} == counts
    for plan_class, rows in registry.items():
        for row in rows:
            assert row.plan_number and row.plan_number[1] == "ABC"[plan_class - 1], row
            assert row.prefecture and row.address and row.treatment and row.documents, row


@pytest.mark.parametrize("pages", [PAGES, PAGES_NEXT], ids=["this_week", "next_week"])
def test_each_list_page_announces_its_class_total(pages: dict[int, list[ListPage]]) -> None:
    for listed in pages.values():
        total = sum(len(page.rows) for page in listed)
        assert [page.declared_total for page in listed] == [total] * len(listed)


def test_registry_plan_numbers_are_unique() -> None:
    numbers = [row.plan_number for rows in REGISTRY_NEXT.values() for row in rows]
    assert len(numbers) == len(set(numbers))


def test_class_three_needs_its_second_page() -> None:
    pages = [url for plan_class, url, _ in registry_pages(DATA / "sites") if plan_class == 3]
    assert pages == [f"{demo.DEMO_REGISTRY_URL}3", f"{demo.DEMO_REGISTRY_URL}3/page:2"]


def test_next_week_adds_and_withdraws_the_announced_plans() -> None:
    before = {row.plan_number for rows in REGISTRY.values() for row in rows}
    after = {row.plan_number for rows in REGISTRY_NEXT.values() for row in rows}
    assert sorted(after - before) == EXPECTED["next"]["added"]
    assert sorted(before - after) == EXPECTED["next"]["withdrawn"]


@pytest.mark.parametrize("site", EXPECTED["sites"], ids=lambda site: urlsplit(site["seed"]).hostname)
def test_expected_registry_facilities_are_in_the_registry(site: dict) -> None:
    filed = {row.facility for rows in REGISTRY.values() for row in rows}
    for name in site["registry_facilities"]:
        assert clean_facility(name) in filed


@pytest.mark.parametrize("site", EXPECTED["sites"], ids=lambda site: urlsplit(site["seed"]).hostname)
def test_cited_plan_numbers_agree_with_the_expected_flags(site: dict) -> None:
    facility_of = {row.plan_number: row.facility for rows in REGISTRY.values() for row in rows}
    own = {clean_facility(name) for name in site["registry_facilities"]}
    cited = set(PLAN_NUMBER.findall(site_text(urlsplit(site["seed"]).hostname)))
    not_in_registry = {number for number in cited if number not in facility_of}
    other_facility = {number for number in cited - not_in_registry if facility_of[number] not in own}
    assert bool(not_in_registry) == ("plan_number_not_in_registry" in site["flags"]), sorted(cited)
    assert bool(other_facility) == ("plan_number_other_facility" in site["flags"]), sorted(cited)


def fetch(proxy_url: str, url: str) -> tuple[int, bytes, str]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": proxy_url}))
    try:
        with opener.open(url, timeout=5) as response:
            return response.status, response.read(), response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as error:
        return error.code, b"", ""


def internal_links(page_url: str, body: bytes) -> set[str]:
    root = lxml_html.document_fromstring(body)
    host = urlsplit(page_url).hostname
    links = {urljoin(page_url, href).split("#")[0] for href in root.xpath("//a/@href")}
    return {link for link in links if urlsplit(link).hostname == host and urlsplit(link).scheme == "http"}


@pytest.mark.parametrize("seed", [row["url"] for row in SEEDS], ids=lambda url: urlsplit(url).hostname)
def test_every_internal_link_of_a_sample_site_answers(seed: str) -> None:
    seen: dict[str, int] = {}
    queue = [seed]
    with SiteFarm(DATA / "sites") as farm:
        while queue:
            url = queue.pop()
            if url in seen:
                continue
            status, body, ctype = fetch(farm.proxy_url, url)
            seen[url] = status
            if status == 200 and ctype.startswith("text/html"):
                queue.extend(internal_links(url, body))
    broken = {url: status for url, status in seen.items() if status != 200}
    assert not broken
    assert 3 <= len(seen) <= 6


def test_the_shift_jis_site_declares_its_charset_only_in_meta() -> None:
    shift_jis = [
        page for page in (DATA / "sites").rglob("*.html") if b"charset=Shift_JIS" in page.read_bytes()
    ]
    assert shift_jis
    with SiteFarm(DATA / "sites") as farm:
        for page in shift_jis:
            host = page.relative_to(DATA / "sites").parts[0]
            _, body, ctype = fetch(farm.proxy_url, f"http://{host}/{page.name}")
            assert "charset" not in ctype
            assert "くぼた整形外科医院" in body.decode("shift_jis")


def test_demo_serves_the_samples_and_prints_the_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    calls = []

    def fake_run_pipeline(
        db_url: str, seeds_path: Path, registry_url: str, out_dir: Path, **kw: object
    ) -> RunOutcome:
        inspect.signature(run_pipeline).bind(db_url, seeds_path, registry_url, out_dir, **kw)
        proxy = os.environ["http_proxy"]
        calls.append((db_url, seeds_path, registry_url, out_dir, kw, proxy, "no_proxy" in os.environ))
        status, body, _ = fetch(proxy, f"{registry_url}3/page:2")
        assert status == 200 and "府内メディカルクリニック".encode() in body
        return RunOutcome(
            7,
            "complete",
            {"html": out_dir / "report.html", "json": out_dir / "findings.json"},
            {"sites_ok": 9, "sites_failed": 1, "pages": 41, "findings": {"filed": 4, "unfiled": 2}},
        )

    monkeypatch.setattr(demo, "run_pipeline", fake_run_pipeline)
    monkeypatch.setenv("no_proxy", "*")
    monkeypatch.delenv("http_proxy", raising=False)
    assert main(["demo", "--workdir", str(tmp_path / "w")]) == 0
    db_url, seeds_path, registry_url, out_dir, kw, proxy, no_proxy_left = calls[0]
    assert db_url == f"sqlite:///{tmp_path / 'w' / 'clinicwatch-demo.db'}"
    assert seeds_path == DATA / "seeds.csv" and registry_url == EXPECTED["registry_url"]
    assert out_dir == tmp_path / "w" / "report"
    assert kw["crawl_settings"]["DOWNLOAD_DELAY"] == 0 and not kw["crawl_settings"]["AUTOTHROTTLE_ENABLED"]
    assert proxy.startswith("http://127.0.0.1:") and not no_proxy_left
    assert "http_proxy" not in os.environ and os.environ["no_proxy"] == "*"
    out = capsys.readouterr().out
    assert "crawled 9 sites (41 pages), 1 could not be read" in out
    assert "demo run 7 complete: filed 4, unfiled 2" in out
    assert f"report: {tmp_path / 'w' / 'report' / 'report.html'}" in out


def test_an_unusable_work_directory_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    taken = tmp_path / "a-file"
    taken.write_text("not a directory", encoding="utf-8")
    assert main(["demo", "--workdir", str(taken / "demo")]) == 1
    assert f"demo work directory {taken / 'demo'}: Not a directory; choose another with --workdir" in (
        capsys.readouterr().err
    )
