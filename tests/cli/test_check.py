"""`clinicwatch check`: one clinic by website (verdict with evidence) or by name (registry lookup).

Uses the demo's sample sites and registry, served on loopback.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from clinicwatch.cli import main
from clinicwatch.commands import check as check_command
from clinicwatch.commands import demo
from db.models import Run
from db.session import Database

REGISTRY = "http://saiseiiryo.mhlw.go.jp/published_plan/index/"


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, site_farm: type) -> Iterator[None]:
    sites = tmp_path / "sites"
    shutil.copytree(demo.DEMO_DATA / "sites", sites)
    settings_of = check_command.crawl_settings
    monkeypatch.setattr(
        check_command, "crawl_settings", lambda args: {**settings_of(args), **demo.DEMO_CRAWL_SETTINGS}
    )
    with site_farm(sites) as farm:
        monkeypatch.setenv("http_proxy", farm.proxy_url)
        for name in ("no_proxy", "NO_PROXY"):
            monkeypatch.delenv(name, raising=False)
        yield


def check(db_url: str, *args: str) -> int:
    return main(["check", *args, "--registry-url", REGISTRY, "--db", db_url])


def test_check_url_fetches_a_registry_then_gives_the_verdict_with_evidence(
    db_url: str, served: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert check(db_url, "http://miyanomori-skin.example/", "--json") == 0
    clinic = json.loads(capsys.readouterr().out)
    assert clinic["seed"] == "http://miyanomori-skin.example/"
    assert clinic["status"] == "unfiled"
    assert "stem_cell" in clinic["requires_filing"]
    assert all(item["url"].startswith("http://miyanomori-skin.example/") for item in clinic["evidence"])
    assert all(item["quote"] and item["fetched_at"] for item in clinic["evidence"])
    database = Database.open(db_url)
    factory = database.sessions
    with factory() as session:
        runs = session.scalars(select(Run).order_by(Run.id)).all()
        assert [(run.kind, run.status) for run in runs] == [("registry", "complete"), ("check", "complete")]
    database.dispose()


def test_check_url_prints_a_readable_verdict(
    db_url: str, served: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert check(db_url, "www.setouchi-regene.example") == 0  # the scheme is repaired
    out = capsys.readouterr().out
    assert "FILED" in out
    assert "瀬戸内リジェネクリニック" in out
    assert "evidence:" in out and "http://www.setouchi-regene.example/" in out


def test_check_name_lists_the_filings_that_could_be_this_clinic(
    db_url: str, served: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert check(db_url, "--name", "瀬戸内リジェネクリニック", "--json") == 0
    results = json.loads(capsys.readouterr().out)
    assert results, "the filed clinic is found by its bare name"
    best = results[0]
    assert "瀬戸内リジェネクリニック" in best["facility"]
    assert best["plans"] and all(plan["plan_class"] in (1, 2, 3) for plan in best["plans"])


def test_check_name_says_plainly_when_nothing_is_filed(
    db_url: str, served: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert check(db_url, "--name", "まったく無関係な歯科医院", "--prefecture", "北海道") == 0
    assert "no filed plan found" in capsys.readouterr().out


def test_check_needs_a_url_or_a_name(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--db", db_url]) == 1
    assert "give either a website URL or --name" in capsys.readouterr().err
