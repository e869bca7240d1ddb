"""A registry list page cut off mid-table (a dropped connection, a proxy's size limit) must fail the
snapshot: a plan whose row lost its address or number, or a class missing its last rows, would
otherwise turn filed clinics into unfiled ones. The previous good snapshot stays in use, intact.

test_registry_job.py and test_registry_pipeline.py cover empty tables, missing and reordered
columns, shifted cells, 500s mid-pagination and row drops; this adds the truncated page.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from clinicwatch.cli import main
from clinicwatch.sitefarm import SiteFarm
from crawler.registry_job import RegistryError, crawl_registry
from db.models import RegistryPlan, RegistrySnapshot, Run, SiteCrawl
from db.queries import latest_good_snapshot
from db.session import Database
from tests.crawler.registry_site import BASE_URL, FAST_SETTINGS, LAYOUT, PAGES, build_registry_site


def _cut(path: str, marker: str, extra_bytes: int = 0) -> dict[str, bytes]:
    """The page at `path` cut right after the first `marker` (plus `extra_bytes` of what follows)."""
    body = (PAGES / LAYOUT[path]).read_bytes()
    end = body.index(marker.encode("utf-8")) + len(marker.encode("utf-8")) + extra_bytes
    return {path: body[:end]}


def _crawl(db_url: str, root: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    with SiteFarm(root) as farm:
        monkeypatch.setenv("http_proxy", farm.proxy_url)
        return crawl_registry(db_url, BASE_URL, settings=FAST_SETTINGS)


def _export(db_url: str, capsysbinary: pytest.CaptureFixture[bytes]) -> bytes:
    capsysbinary.readouterr()
    assert main(["registry", "export", "--db", db_url, "--format", "json"]) == 0
    return capsysbinary.readouterr().out


@pytest.fixture(scope="module")
def good_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database holding one good snapshot of the whole saved registry (crawled once, copied per test)."""
    path = tmp_path_factory.mktemp("good") / "clinicwatch.db"
    root = build_registry_site(tmp_path_factory.mktemp("farm"))
    with pytest.MonkeyPatch.context() as patch:
        _crawl(f"sqlite:///{path}", root, patch)
    return path


CLASS_2 = f"registry list {BASE_URL}2: read "


@pytest.mark.parametrize(
    ("cut", "problem"),
    [
        (
            _cut("2/page:3", "熊本市中央区水前"),
            CLASS_2 + "7 rows over 3 page(s) but the list announces 全8件",
        ),
        (
            _cut("2/page:3", "熊本市中央区水前", 1),
            CLASS_2 + "7 rows over 3 page(s) but the list announces 全8件",
        ),
        (
            _cut("2/page:3", "</tr>\n<tr>\n<td>医療法人社団翠光会 恵比寿ヴェールクリニック</td>"),
            f"registry page {BASE_URL}2/page:3: the plan table has no rows",
        ),
        (
            _cut("2/page:3", "資料1</a></td>\n</tr>\n"),
            CLASS_2 + "7 rows over 3 page(s) but the list announces 全8件",
        ),
        (_cut("2/page:2", "福岡市博多区"), CLASS_2 + "6 rows over 3 page(s) but the list announces 全8件"),
        (_cut("3", "<td>"), f"registry page {BASE_URL}3: the plan table has no rows"),
    ],
    ids=["mid-cell", "mid-character", "mid-row", "after-a-row", "middle-page", "shift-jis-first-cell"],
)
def test_truncated_page_fails_the_snapshot_and_keeps_the_good_one(
    good_db: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsysbinary: pytest.CaptureFixture[bytes],
    cut: dict[str, bytes],
    problem: str,
) -> None:
    shutil.copy(good_db, tmp_path / "clinicwatch.db")
    db_url = f"sqlite:///{tmp_path / 'clinicwatch.db'}"
    database = Database.open(db_url)
    factory = database.sessions
    with factory() as session:
        good = latest_good_snapshot(session)
        assert good is not None
        before = _plans(session, good.id)
    exported = _export(db_url, capsysbinary)

    with pytest.raises(RegistryError) as error:
        _crawl(db_url, build_registry_site(tmp_path / "farm", replace=cut), monkeypatch)
    message = str(error.value)
    assert problem in message
    assert message.endswith(f"; keeping snapshot {good.id} of {good.started_at:%Y-%m-%d}")
    with factory() as session:
        latest = latest_good_snapshot(session)
        assert latest is not None and latest.id == good.id
        failed = session.scalars(select(RegistrySnapshot).where(RegistrySnapshot.id != good.id)).one()
        assert (failed.status, failed.error) == ("failed", message)
        assert session.scalar(select(func.count()).where(RegistryPlan.snapshot_id == failed.id)) == 0
        assert _plans(session, good.id) == before
    assert _export(db_url, capsysbinary) == exported
    database.dispose()


def _plans(session: Any, snapshot_id: int) -> list[tuple[Any, ...]]:
    rows = session.execute(
        select(RegistryPlan.plan_key, RegistryPlan.facility, RegistryPlan.address, RegistryPlan.plan_number)
        .where(RegistryPlan.snapshot_id == snapshot_id)
        .order_by(RegistryPlan.id)
    )
    return [tuple(row) for row in rows]


def test_run_with_a_truncated_registry_stops_before_crawling(
    good_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(good_db, tmp_path / "clinicwatch.db")
    db_url = f"sqlite:///{tmp_path / 'clinicwatch.db'}"
    seeds = tmp_path / "seeds.csv"
    seeds.write_text("url,name\nhttp://www.clinic.example/,\n", encoding="utf-8")
    root = build_registry_site(tmp_path / "farm", replace=_cut("2/page:3", "熊本市中央区水前"))
    argv = [
        "run",
        "--seeds",
        str(seeds),
        "--registry-url",
        BASE_URL,
        "--db",
        db_url,
        "--out",
        str(tmp_path / "out"),
    ]
    with SiteFarm(root) as farm:
        monkeypatch.setenv("http_proxy", farm.proxy_url)
        assert main(argv) == 1
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert error.startswith("clinicwatch: error: run ") and " failed at step registry: " in error
    assert error.endswith("; no report was written for this run")
    assert not (tmp_path / "out").exists()
    database = Database.open(db_url)
    factory = database.sessions
    with factory() as session:
        run = session.scalars(select(Run).where(Run.kind == "run")).one()
        assert (run.status, [e["step"] for e in run.errors]) == ("failed", ["registry"])
        assert session.scalar(select(func.count()).select_from(SiteCrawl)) == 0
    database.dispose()
