"""crawl_registry over HTTP (a loopback SiteFarm as proxy): a broken list fails the snapshot and the run."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from clinicwatch.sitefarm import SiteFarm
from crawler.registry_job import RegistryError, crawl_registry
from db.models import RegistrySnapshot, Run
from db.session import open_database
from tests.crawler.registry_site import BASE_URL, FAST_SETTINGS, PAGES, build_registry_site


@pytest.mark.parametrize(
    ("path", "page", "problem"),
    [
        (
            "3/page:2",
            "registry_class3_missing_column.html",
            f"registry page {BASE_URL}3/page:2: column 所在地 missing",
        ),
        ("1", "registry_class1_empty.html", f"registry page {BASE_URL}1: the plan table has no rows"),
    ],
    ids=["missing-column", "empty-table"],
)
def test_broken_page_fails_snapshot_and_run(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, path: str, page: str, problem: str
) -> None:
    root = build_registry_site(tmp_path / "farm", replace={path: (PAGES / page).read_bytes()})
    with SiteFarm(root) as farm:
        monkeypatch.setenv("http_proxy", farm.proxy_url)
        with pytest.raises(RegistryError) as error:
            crawl_registry(db_url, BASE_URL, settings=FAST_SETTINGS)
    message = str(error.value)
    assert message.startswith(problem)
    assert message.endswith("; no earlier good snapshot to keep")
    factory = open_database(db_url)
    with factory() as session:
        snapshot = session.scalars(select(RegistrySnapshot)).one()
        run = session.scalars(select(Run)).one()
        assert (snapshot.status, snapshot.error) == ("failed", message)
        assert (run.kind, run.status, run.errors, run.registry_snapshot_id) == (
            "registry",
            "failed",
            [message],
            snapshot.id,
        )
    factory.kw["bind"].dispose()


def test_unreachable_registry_fails_with_the_page(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = build_registry_site(tmp_path / "farm")
    with SiteFarm(root) as farm:
        monkeypatch.setenv("http_proxy", farm.proxy_url)
        with pytest.raises(RegistryError, match=r"registry page http://registry\.invalid/list/1: HTTP 502"):
            crawl_registry(db_url, "http://registry.invalid/list/", settings=FAST_SETTINGS)
