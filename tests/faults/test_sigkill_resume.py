"""`clinicwatch run` killed with SIGKILL mid-crawl, then run again: it resumes and nothing is doubled.

Thirty small sites (a few with a slow page, so the crawl lasts long enough to be killed) and the saved
registry are served by a loopback SiteFarm. The run is a real subprocess in its own process group;
the kill takes the CLI and its crawl child together, as an OOM killer or a reboot would.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from clinicwatch.sitefarm import SiteFarm
from db.models import Claim, Finding, Page, Run, SiteCrawl
from db.session import Database
from db.vocabulary import CrawlStatus, RunStatus
from tests.crawler.registry_site import BASE_URL, build_registry_site

ROOT = Path(__file__).resolve().parents[2]
SITES = 30
SLOW = {f"www.clinic{n:02d}.example" for n in (3, 11, 19, 27)}


def _site(root: Path, host: str) -> None:
    pages = {
        "index.html": '<a href="menu/">診療案内</a> <a href="access.html">アクセス</a>',
        "menu/index.html": "<h1>再生医療</h1><p>当院ではPRP療法（多血小板血漿）を行っています。</p>",
        "access.html": "<p>東京都港区赤坂1-2-3</p>",
    }
    for path, body in pages.items():
        target = root / host / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(
            f"<html><head><title>{host}</title></head><body>{body}</body></html>", encoding="utf-8"
        )
    if host in SLOW:
        (root / host / "_meta.json").write_text(json.dumps({"/menu/": {"delay": 3}}), encoding="utf-8")


def _farm(tmp_path: Path) -> tuple[Path, Path]:
    root = build_registry_site(tmp_path / "farm")
    hosts = [f"www.clinic{n:02d}.example" for n in range(1, SITES + 1)]
    for host in hosts:
        _site(root, host)
    seeds = tmp_path / "seeds.csv"
    seeds.write_text("url,name\n" + "".join(f"http://{host}/,\n" for host in hosts), encoding="utf-8")
    return root, seeds


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "clinicwatch", *args]


def _env(proxy: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("no_proxy", "http_proxy")}
    return {
        **env,
        "http_proxy": proxy,
        "PYTHONPATH": str(ROOT),
        "SCRAPY_SETTINGS_MODULE": "tests.faults.fast_settings",
    }


def _count(factory: sessionmaker[Session], model: type) -> int:
    with factory() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _wait_for_pages(factory: sessionmaker[Session], process: subprocess.Popen[bytes], limit: float) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        assert process.poll() is None, "the run ended before it could be killed"
        if _count(factory, Page) >= 5:
            return
        time.sleep(0.2)
    raise AssertionError(f"no pages were stored within {limit} s")


@pytest.mark.parametrize("target", ["group", "cli_only"])
def test_killed_run_resumes_without_duplicates(db_url: str, tmp_path: Path, target: str) -> None:
    """`cli_only` kills just the CLI, as the OOM killer might: its crawl child must die with it,
    or it would go on writing while the next invocation resumes the run."""
    root, seeds = _farm(tmp_path)
    out = tmp_path / "report"
    args = ["run", "--seeds", str(seeds), "--registry-url", BASE_URL, "--db", db_url, "--out", str(out)]
    database = Database.open(db_url)
    factory = database.sessions
    with SiteFarm(root) as farm:
        env = _env(farm.proxy_url)
        process = subprocess.Popen(
            _cli(*args), env=env, cwd=tmp_path, start_new_session=True,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        try:
            _wait_for_pages(factory, process, limit=90)
        finally:
            if target == "group":
                os.killpg(process.pid, signal.SIGKILL)  # the CLI and its crawl child
            else:
                os.kill(process.pid, signal.SIGKILL)
            process.communicate()
            time.sleep(1)  # let the orphan's SIGKILL land before looking

        assert not (out / "report.html").exists()
        with factory() as session:
            killed = session.scalars(select(Run).where(Run.kind == "run")).one()
            assert killed.status == RunStatus.RUNNING
            unfinished = session.scalar(select(func.count()).where(SiteCrawl.status == CrawlStatus.RUNNING))
            assert unfinished, "killed midway: some sites were still being crawled"

        listed = subprocess.run(_cli("runs", "--db", db_url), env=env, cwd=tmp_path,
                                capture_output=True, text=True, check=False)  # fmt: skip
        assert listed.returncode == 0, listed.stderr
        line = next(
            line for line in listed.stdout.splitlines() if line.split()[:2] == [str(killed.id), "run"]
        )
        assert "interrupted" in line
        assert "process ended without finishing" in listed.stdout

        again = subprocess.run(_cli(*args), env=env, cwd=tmp_path,
                               capture_output=True, text=True, check=False, timeout=300)  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert f"resuming run {killed.id}" in again.stderr
    assert (out / "report.html").is_file()
    findings = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert len(findings["clinics"]) == SITES
    with factory() as session:
        runs = session.scalars(select(Run).where(Run.kind == "run")).all()
        assert [(run.id, run.status) for run in runs] == [(killed.id, RunStatus.COMPLETE)]
        steps = [error["step"] for error in runs[0].errors]
        assert steps == ["crawl", "resume"]  # the record says it was interrupted, then resumed
        crawls = session.execute(
            select(SiteCrawl.site_id, func.count())
            .where(SiteCrawl.run_id == killed.id)
            .group_by(SiteCrawl.site_id)
        ).all()
        assert len(crawls) == SITES and {count for _, count in crawls} == {1}
        assert {status for (status,) in session.execute(select(SiteCrawl.status))} == {CrawlStatus.OK}
        page_keys = session.execute(select(Page.site_crawl_id, Page.url)).all()
        assert len(page_keys) == len(set(page_keys)) == SITES * 3
        claim_keys = session.execute(select(Claim.page_id, Claim.modality, Claim.term, Claim.quote)).all()
        assert len(claim_keys) == len(set(claim_keys))
        assert session.scalar(select(func.count()).where(Finding.run_id == killed.id)) == SITES
    database.dispose()
