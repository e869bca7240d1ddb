"""`clinicwatch crawl --redis`: two workers (one starts the run, one joins it) share one crawl.

Against the Redis server named by CLINICWATCH_TEST_REDIS (default 127.0.0.1:6379) and PostgreSQL
only (workers on several machines cannot share a SQLite file). Each worker reaches the sites through
its own loopback farm, so the test knows who fetched what: every page is fetched exactly once across
both, and the stored rows equal those of a one-worker crawl of the same sites.
A shared run is marked interrupted only when none of its workers, on any machine, is alive.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session, sessionmaker

from clinicwatch.pipeline import mark_interrupted
from clinicwatch.sitefarm import SiteFarm
from crawler.distributed import DistributedError, clear_run, connect, live_workers, run_prefix
from db.models import Claim, IdentityFact, Page, Run, Site, SiteCrawl
from db.session import Database
from db.vocabulary import RunStatus

REDIS_URL = os.environ.get("CLINICWATCH_TEST_REDIS", "redis://127.0.0.1:6379/0")
PROJECT = Path(__file__).resolve().parents[2]
SITE_COUNT = 20
ROBOTS_WAIT = 15.0
TREATMENTS = ["幹細胞治療", "PRP療法（多血小板血漿）", "NK細胞療法", "ヒアルロン酸注入"]
PAGE_COLUMNS = ("url", "final_url", "status", "title", "content_hash", "encoding", "error")
CLAIM_COLUMNS = ("url", "modality", "pillar", "requires_filing", "usual_class", "branch", "quote", "term")
IDENTITY_COLUMNS = ("url", "kind", "value", "value_raw", "branch", "source", "quote")
JOIN_LINE = re.compile(rf"clinicwatch crawl --redis {re.escape(REDIS_URL)} --join (\d+) --db \S+")


def _site_pages(n: int) -> dict[str, str]:
    """Five small pages of clinic n: top, two treatments, access, and a page only a treatment links."""
    name = f"さくら{n}クリニック"
    nav = '<a href="/">トップ</a> <a href="/menu/a.html">治療A</a> <a href="/menu/b.html">治療B</a> <a href="/access/">アクセス</a>'

    def page(title: str, body: str) -> str:
        return (
            f"<html><head><title>{title}｜{name}</title></head><body><nav>{nav}</nav>\n{body}\n</body></html>"
        )

    first, second = TREATMENTS[n % 4], TREATMENTS[(n + 1) % 4]
    return {
        "index.html": page("トップ", f"<h1>{name}</h1><p>当院では{first}と{second}を行っています。</p>"),
        "menu/a.html": page(
            first,
            f"<h2>{first}</h2><p>{first}の料金：１回　３３０，０００円（税込）</p>"
            '<a href="/menu/a-detail.html">詳しく</a>',
        ),
        "menu/b.html": page(second, f"<h2>{second}</h2><p>{second}は医師が\n丁寧に説明します。</p>"),
        "menu/a-detail.html": page("詳細", f"<p>{first}の流れ：カウンセリング、採血、投与。</p>"),
        "access/index.html": page(
            "アクセス",
            f"<p>{name}</p><p>〒１６０－００２３ 東京都新宿区西新宿{n}丁目{n}番{n}号</p>"
            f"<p>TEL：０３－１２３４－{n:04d}</p>",
        ),
    }


@pytest.fixture(scope="module")
def farm_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("farm")
    for n in range(SITE_COUNT):
        for path, html in _site_pages(n).items():
            target = root / f"www.sakura{n}-clinic.example" / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(html, encoding="utf-8")
    return root


@pytest.fixture
def pg_url(db_url: str) -> str:
    if not db_url.startswith("postgresql"):
        pytest.skip("a shared crawl needs a database every worker reaches: PostgreSQL only, not SQLite")
    try:
        connect(REDIS_URL)
    except DistributedError as exc:
        pytest.skip(str(exc))
    return db_url


class CountingFarm(SiteFarm):
    """A SiteFarm that records every URL it is asked for (`asked` is set at the first), and answers
    robots.txt only once `robots_after` is set (or ROBOTS_WAIT seconds passed)."""

    def __init__(self, root: Path, robots_after: threading.Event | None = None) -> None:
        super().__init__(root)
        served = self.served = Counter[str]()
        asked = self.asked = threading.Event()
        base = self.server.RequestHandlerClass

        class Counting(base):  # type: ignore[misc, valid-type]
            def do_GET(self) -> None:
                served[self.path] += 1
                asked.set()
                if robots_after and self.path.endswith("/robots.txt"):
                    robots_after.wait(ROBOTS_WAIT)
                super().do_GET()

        self.server.RequestHandlerClass = Counting


class Worker:
    """`clinicwatch ARGS` in a child process reaching the sites through `farm`; output in files."""

    def __init__(self, args: list[str], farm: SiteFarm, logs: Path) -> None:
        env = dict(os.environ, http_proxy=farm.proxy_url, PYTHONPATH=str(PROJECT))
        self.out, self.err = logs.with_suffix(".out"), logs.with_suffix(".err")
        with self.out.open("w") as out, self.err.open("w") as err:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "clinicwatch", *args], cwd=PROJECT, env=env, stdout=out, stderr=err
            )

    def wait_for(self, pattern: re.Pattern[str]) -> re.Match[str]:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if found := pattern.search(self.err.read_text(encoding="utf-8")):
                return found
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        pytest.fail(f"no {pattern.pattern!r} in the output: {self.err.read_text(encoding='utf-8')[-3000:]}")

    def finish(self) -> str:
        self.process.wait(timeout=90)
        assert self.process.returncode == 0, self.err.read_text(encoding="utf-8")[-3000:]
        return self.out.read_text(encoding="utf-8")


def _stored(session: Session, run_id: int) -> dict[str, Any]:
    """Per seed URL: the site crawl's outcome, its pages, claims and identity facts, independent of ids."""
    result: dict[str, Any] = {}
    rows = session.execute(
        select(SiteCrawl, Site.seed_url).join(Site).where(SiteCrawl.run_id == run_id)
    ).all()
    for crawl, seed_url in rows:
        result[seed_url] = {
            "crawl": (crawl.status, crawl.pages_fetched, sorted(crawl.errors)),
            "pages": _rows(session, Page, crawl.id, PAGE_COLUMNS),
            "claims": _rows(session, Claim, crawl.id, CLAIM_COLUMNS),
            "identity": _rows(session, IdentityFact, crawl.id, IDENTITY_COLUMNS),
        }
    return result


def _rows(
    session: Session, table: Any, site_crawl_id: int, columns: tuple[str, ...]
) -> list[tuple[Any, ...]]:
    found = session.scalars(select(table).where(table.site_crawl_id == site_crawl_id))
    return sorted(tuple(getattr(row, column) for column in columns) for row in found)


def _unique_run_ids(pg_url: str) -> None:
    """Start the database's run ids at a random number: Redis keys are per run id, and another test
    session sharing this Redis server has its own fresh database whose first run is also 1."""
    engine = create_engine(pg_url)
    with engine.begin() as connection:
        connection.execute(
            text("SELECT setval(pg_get_serial_sequence('runs', 'id'), :start)"),
            {"start": uuid.uuid4().int % 10**9},
        )
    engine.dispose()


@pytest.fixture
def cleared() -> Iterator[list[int]]:
    """Run ids whose Redis keys are deleted after the test."""
    runs: list[int] = []
    yield runs
    for run in runs:
        clear_run(REDIS_URL, run)


@pytest.mark.redis
def test_two_workers_crawl_every_page_once_and_store_what_one_worker_stores(
    pg_url: str, farm_root: Path, tmp_path: Path, cleared: list[int]
) -> None:
    seeds = tmp_path / "seeds.csv"
    lines = [f"http://www.sakura{n}-clinic.example/,さくら{n}クリニック" for n in range(SITE_COUNT)]
    seeds.write_text("url,name\n" + "\n".join(lines) + "\n", encoding="utf-8")
    common = ["--seeds", str(seeds), "--db", pg_url, "--max-pages", "10", "--max-depth", "2"]
    _unique_run_ids(pg_url)

    with ExitStack() as stack:
        # The first worker's robots.txt answers wait until the second worker asks for something: the
        # sites the first one took (as many as its downloader admits) are held until then, so the
        # second one surely finds sites left in the shared queue.
        second = CountingFarm(farm_root)
        farms = [stack.enter_context(farm) for farm in (CountingFarm(farm_root, second.asked), second)]
        alone = stack.enter_context(CountingFarm(farm_root))
        first = Worker(["crawl", *common, "--redis", REDIS_URL], farms[0], tmp_path / "first")
        join_command = first.wait_for(JOIN_LINE)  # printed once the run's sites are registered
        run_id = int(join_command.group(1))
        cleared.append(run_id)
        assert f"--db {pg_url}" in join_command.string
        joiner = Worker(
            ["crawl", "--redis", REDIS_URL, "--join", str(run_id), "--db", pg_url],
            farms[1],
            tmp_path / "joiner",
        )
        # Meanwhile one worker alone crawls the same sites into a run of its own, to compare with.
        alone_out = Worker(["crawl", *common], alone, tmp_path / "alone").finish()
        first_out, joiner_out = first.finish(), joiner.finish()

    assert f"crawl run {run_id + 1}: {SITE_COUNT} of {SITE_COUNT} sites ok" in alone_out
    assert f"crawl run {run_id}: {SITE_COUNT} of {SITE_COUNT} sites ok" in first_out
    assert f"crawl run {run_id}: {SITE_COUNT} of {SITE_COUNT} sites ok" in joiner_out
    together = farms[0].served + farms[1].served
    assert together == Counter(set(alone.served)), (
        "each URL exactly once, the same URLs as one worker fetched"
    )
    hosts = [{url.split("/")[2] for url in farm.served} for farm in farms]
    assert not hosts[0] & hosts[1], "a site was crawled by both workers"
    assert hosts[0] and hosts[1], "one worker crawled every site"
    assert not live_workers(REDIS_URL, run_id)

    database = Database.open(pg_url)

    factory = database.sessions
    try:
        with factory() as session:
            runs = session.scalars(select(Run).order_by(Run.id)).all()
            assert [(run.kind, run.status) for run in runs] == [("crawl", RunStatus.COMPLETE)] * 2
            assert [run.counts["pages"] for run in runs] == [SITE_COUNT * 5] * 2
            single, shared = _stored(session, runs[1].id), _stored(session, run_id)
    finally:
        database.dispose()
    assert len(shared) == SITE_COUNT
    assert shared == single
    assert all(site["claims"] and site["identity"] for site in shared.values())


@pytest.mark.redis
def test_a_shared_run_is_interrupted_only_when_no_worker_of_it_is_alive(
    session_factory: sessionmaker[Session], cleared: list[int]
) -> None:
    try:
        client = connect(REDIS_URL)
    except DistributedError as exc:
        pytest.skip(str(exc))
    run_ids = [uuid.uuid4().int % 10**9 for _ in range(2)]
    cleared.extend(run_ids)
    with session_factory.begin() as session:  # started on another machine: no pid to check from here
        session.add_all(
            Run(id=run_id, kind="crawl", pid=1, args={"host": "elsewhere", "redis": REDIS_URL})
            for run_id in run_ids
        )
    # What a SharedScheduler does every few seconds while its worker runs (crawler.distributed).
    client.zadd(f"{run_prefix(run_ids[0])}:alive", {"elsewhere:1:abc": time.time() + 60})
    with session_factory.begin() as session:
        assert [run.id for run in mark_interrupted(session)] == [run_ids[1]]
    with session_factory() as session:
        assert [session.get_one(Run, run_id).status for run_id in run_ids] == [RunStatus.RUNNING, RunStatus.INTERRUPTED]
