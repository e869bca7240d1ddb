"""crawl_registry over HTTP (a loopback SiteFarm as proxy): a broken list fails the snapshot and the run."""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from clinicwatch.sitefarm import SiteFarm
from crawler.registry_job import RegistryError, crawl_registry, fail_abandoned_snapshots
from db.models import RegistrySnapshot, Run
from db.session import Database
from tests.crawler.registry_site import BASE_URL, FAST_SETTINGS, PAGES, build_registry_site


def sqlite_url(tmp_path: Path) -> str:
    """Crawls are slow to start, and these tests are about the crawl: the storing of failed and good
    snapshots runs on both backends in test_registry_pipeline.py and tests/cli/test_registry_cli.py."""
    return f"sqlite:///{tmp_path / 'clinicwatch.db'}"


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
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, path: str, page: str, problem: str
) -> None:
    db_url = sqlite_url(tmp_path)
    root = build_registry_site(tmp_path / "farm", replace={path: (PAGES / page).read_bytes()})
    with SiteFarm(root) as farm:
        monkeypatch.setenv("http_proxy", farm.proxy_url)
        with pytest.raises(RegistryError) as error:
            crawl_registry(db_url, BASE_URL, settings=FAST_SETTINGS)
    message = str(error.value)
    assert message.startswith(problem)
    assert message.endswith("; no earlier good snapshot to keep")
    database = Database.open(db_url)
    factory = database.sessions
    with factory() as session:
        snapshot = session.scalars(select(RegistrySnapshot)).one()
        run = session.scalars(select(Run)).one()
        assert (snapshot.status, snapshot.error) == ("failed", message)
        assert (run.kind, run.status, run.errors, run.registry_snapshot_id) == (
            "registry",
            "failed",
            [{"step": "registry", "error": message}],
            snapshot.id,
        )
    database.dispose()


def test_unreachable_registry_fails_with_the_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db_url = sqlite_url(tmp_path)
    root = build_registry_site(tmp_path / "farm")
    with SiteFarm(root) as farm:
        monkeypatch.setenv("http_proxy", farm.proxy_url)
        with pytest.raises(RegistryError, match=r"registry page http://registry\.invalid/list/1: HTTP 502"):
            crawl_registry(db_url, "http://registry.invalid/list/", settings=FAST_SETTINGS)


def test_snapshot_of_a_dead_crawl_is_failed_by_the_next(session_factory: sessionmaker[Session]) -> None:
    dead_pid = _exited_pid()
    with session_factory.begin() as session:
        dead, alive = RegistrySnapshot(base_url=BASE_URL), RegistrySnapshot(base_url=BASE_URL)
        session.add_all([dead, alive])
        session.flush()
        host = {"host": socket.gethostname()}
        session.add_all(
            [
                Run(kind="registry", pid=dead_pid, args=host, registry_snapshot_id=dead.id),
                Run(kind="registry", pid=os.getpid(), args=host, registry_snapshot_id=alive.id),
            ]
        )
        session.flush()
        assert fail_abandoned_snapshots(session) == [dead.id]
        assert dead.status == "failed" and "interrupted" in (dead.error or "")
        assert alive.status == "running"
        runs = {run.registry_snapshot_id: run.status for run in session.scalars(select(Run))}
        assert runs == {dead.id: "interrupted", alive.id: "running"}


def _exited_pid() -> int:
    """The pid of a child that has exited and been reaped: no process has it (until reused)."""
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid
