"""Storing snapshots: plans and facilities, plan keys, changes against the previous good one, the guard."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from scrapy.http import HtmlResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from crawler.pipelines.registry import crawl_order, plan_keys, store_snapshot
from crawler.registry_parse import RegistryRow, parse_list_page
from crawler.taxonomy import classify
from db.models import RegistryChange, RegistryFacility, RegistryPlan, RegistrySnapshot
from db.queries import latest_good_snapshot

PAGES = Path(__file__).parent / "pages"
BASE = "http://saiseiiryo.mhlw.go.jp/published_plan/index/"
LIST = [
    ("registry_class1.html", "1", 1),
    ("registry_class2_page1.html", "2", 2),
    ("registry_class2_page2.html", "2/page:2", 2),
    ("registry_class2_page3.html", "2/page:3", 2),
    ("registry_class3_sjis.html", "3", 3),
    ("registry_class3_eucjp.html", "3/page:2", 3),
]


def _read_list() -> tuple[list[RegistryRow], list[dict[str, Any]]]:
    rows, pages = [], []
    for name, path, plan_class in LIST:
        response = HtmlResponse(url=BASE + path, body=(PAGES / name).read_bytes())
        page = parse_list_page(response.text, response.url, plan_class, f"{BASE}{plan_class}")
        rows += page.rows
        pages.append(
            {
                "url": page.url,
                "class": plan_class,
                "rows": len(page.rows),
                "declared_total": page.declared_total,
            }
        )
    return rows, pages


ROWS, PAGES_SEEN = _read_list()


def copy_rows() -> list[RegistryRow]:
    return [dataclasses.replace(row, modalities=classify(row.treatment)) for row in ROWS]


def new_snapshot(factory: sessionmaker[Session]) -> int:
    with factory.begin() as session:
        snapshot = RegistrySnapshot(base_url=BASE)
        session.add(snapshot)
        session.flush()
        return snapshot.id


def store(
    factory: sessionmaker[Session],
    rows: list[RegistryRow],
    pages: list[dict[str, Any]] | None = None,
    problems: list[str] | None = None,
) -> tuple[int, str | None]:
    snapshot_id = new_snapshot(factory)
    error = store_snapshot(factory, snapshot_id, rows, PAGES_SEEN if pages is None else pages, problems or [])
    return snapshot_id, error


def test_good_snapshot_stores_every_plan_and_groups_facilities(
    session_factory: sessionmaker[Session],
) -> None:
    snapshot_id, error = store(session_factory, copy_rows())
    assert error is None
    with session_factory() as session:
        snapshot = session.get_one(RegistrySnapshot, snapshot_id)
        assert (snapshot.status, snapshot.row_count, snapshot.class_counts) == (
            "good",
            16,
            {"1": 3, "2": 8, "3": 5},
        )
        assert latest_good_snapshot(session).id == snapshot_id  # type: ignore[union-attr]
        plans = session.scalars(select(RegistryPlan).where(RegistryPlan.snapshot_id == snapshot_id)).all()
        assert len(plans) == 16
        sapporo = [p for p in plans if p.facility == "医療法人社団円樹会 札幌ひざ再生クリニック"]
        assert len(sapporo) == 2 and sapporo[0].facility_id == sapporo[1].facility_id
        facility_count = session.scalar(
            select(func.count())
            .select_from(RegistryFacility)
            .where(RegistryFacility.snapshot_id == snapshot_id)
        )
        assert facility_count == 15
        fukuoka = next(p for p in plans if p.plan_number == "PB7240052")
        assert set(fukuoka.modalities) == {"stem_cell", "prp"}
        assert fukuoka.facility_raw == "医療法人博愛会\n福岡セルクリニック"
        assert fukuoka.documents[0]["url"].startswith("http://saiseiiryo.mhlw.go.jp/published_plan/download/")
        assert session.scalar(select(func.count()).select_from(RegistryChange)) == 0


def test_plan_key_is_the_plan_number_else_a_stable_hash() -> None:
    rows = copy_rows()
    keys = plan_keys(rows)
    unnumbered = next(i for i, row in enumerate(rows) if row.plan_number is None)
    assert keys[0] == "PA1210045"
    assert keys[unnumbered].startswith("h:") and plan_keys(copy_rows())[unnumbered] == keys[unnumbered]
    assert len(set(keys)) == len(keys)


def test_repeated_keys_get_a_suffix() -> None:
    row = copy_rows()[0]
    assert plan_keys([row, dataclasses.replace(row), dataclasses.replace(row)]) == [
        "PA1210045",
        "PA1210045#2",
        "PA1210045#3",
    ]


def test_crawl_order_is_class_then_page() -> None:
    shuffled = list(reversed(copy_rows()))
    ordered = crawl_order(shuffled)
    assert [row.source_url for row in ordered][:4] == [BASE + "1"] * 3 + [BASE + "2"]
    assert ordered[-1].source_url == BASE + "3/page:2"


def test_second_snapshot_records_added_removed_and_changed(session_factory: sessionmaker[Session]) -> None:
    first_id, _ = store(session_factory, copy_rows())
    rows = [row for row in copy_rows() if row.plan_number != "PC9250008"]
    moved = next(row for row in rows if row.plan_number == "PC1240120")
    moved.address = "旭川市二条通9丁目1番地"
    added = dataclasses.replace(rows[-1], plan_number="PC1250999", facility="医療法人 北星会 北見ひふ科")
    rows.append(added)
    second_id, error = store(session_factory, rows, pages=[dict(p, declared_total=None) for p in PAGES_SEEN])
    assert error is None
    with session_factory() as session:
        changes = session.scalars(select(RegistryChange).where(RegistryChange.snapshot_id == second_id)).all()
        by_kind = {c.change: c for c in changes}
        assert sorted(c.change for c in changes) == ["added", "changed", "removed"]
        assert (by_kind["added"].plan_number, by_kind["added"].facility) == (
            "PC1250999",
            "医療法人 北星会 北見ひふ科",
        )
        assert by_kind["removed"].plan_number == "PC9250008"
        assert by_kind["changed"].detail == {
            "address": ["旭川市一条通8丁目108番地", "旭川市二条通9丁目1番地"]
        }
        assert all(c.previous_snapshot_id == first_id for c in changes)
        assert session.get_one(RegistrySnapshot, second_id).previous_id == first_id


@pytest.mark.parametrize(
    ("rows", "pages", "problems", "expected"),
    [
        ([], [], [], "registry: no plan rows were read"),
        (None, None, [f"registry page {BASE}2/page:2: HTTP 500"], f"registry page {BASE}2/page:2: HTTP 500"),
        (
            "drop_class3_page2",
            None,
            [],
            f"registry list {BASE}3: read 3 rows over 2 page(s) but the list announces 全5件",
        ),
    ],
    ids=["zero-rows", "crawl-error", "page-missing"],
)
def test_guard_fails_snapshot_and_keeps_previous(
    session_factory: sessionmaker[Session], rows: Any, pages: Any, problems: list[str], expected: str
) -> None:
    good_id, _ = store(session_factory, copy_rows())
    if rows is None:
        rows = copy_rows()
    elif rows == "drop_class3_page2":
        rows = [row for row in copy_rows() if row.source_url != BASE + "3/page:2"]
    failed_id, error = store(session_factory, rows, pages, problems)
    assert error is not None and error.startswith(expected)
    assert f"; keeping snapshot {good_id} of 20" in error
    with session_factory() as session:
        failed = session.get_one(RegistrySnapshot, failed_id)
        assert (failed.status, failed.error) == ("failed", error)
        assert session.scalar(select(func.count()).where(RegistryPlan.snapshot_id == failed_id)) == 0
        assert latest_good_snapshot(session).id == good_id  # type: ignore[union-attr]


def test_drop_beyond_the_limit_fails(session_factory: sessionmaker[Session]) -> None:
    good_id, _ = store(session_factory, copy_rows())
    rows = copy_rows()[:10]
    snapshot_id = new_snapshot(session_factory)
    error = store_snapshot(session_factory, snapshot_id, rows, [], [], max_drop=0.3)
    assert error is not None
    assert error.startswith(f"registry: 10 rows, 38% fewer than the 16 of snapshot {good_id} (limit 30%)")
    # A looser limit lets the same list through.
    looser = new_snapshot(session_factory)
    assert store_snapshot(session_factory, looser, rows, [], [], max_drop=0.5) is None


def test_failure_without_earlier_good_snapshot_says_so(session_factory: sessionmaker[Session]) -> None:
    _, error = store(session_factory, [], [], [])
    assert error == "registry: no plan rows were read; no earlier good snapshot to keep"


def many_rows(plan_class: int, count: int) -> list[RegistryRow]:
    template = copy_rows()[0]
    letter = "ABC"[plan_class - 1]
    return [
        dataclasses.replace(template, plan_class=plan_class, plan_number=f"P{letter}{i:07d}")
        for i in range(count)
    ]


def test_a_large_class_losing_rows_fails_even_when_the_total_holds(
    session_factory: sessionmaker[Session],
) -> None:
    good_id, error = store(session_factory, many_rows(2, 60) + many_rows(3, 200), pages=[])
    assert error is None
    _, error = store(session_factory, many_rows(2, 30) + many_rows(3, 200), pages=[])
    assert error is not None
    assert error.startswith(
        f"registry class 2: 30 rows, 50% fewer than the 60 of snapshot {good_id} (limit 30%)"
    )
