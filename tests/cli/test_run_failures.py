"""`clinicwatch run` when a step fails: non-zero exit, the step named, no report, the run recorded failed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from clinicwatch.cli import main
from clinicwatch.commands import demo
from db.models import Run
from db.session import Database

REGISTRY = "http://saiseiiryo.mhlw.go.jp/published_plan/index/"


def test_a_broken_registry_stops_the_run_before_any_clinic_is_judged(
    db_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    site_farm: type,
    capsys: pytest.CaptureFixture[str],
) -> None:
    sites = tmp_path / "sites"
    shutil.copytree(demo.DEMO_DATA / "sites", sites)
    class2 = sites / "saiseiiryo.mhlw.go.jp/published_plan/index/2/index.html"
    page = class2.read_text(encoding="utf-8")
    class2.write_text(
        page[: page.index("<table")] + "<p>ただいまメンテナンス中です</p></main></body></html>", "utf-8"
    )
    out = tmp_path / "report"
    with site_farm(sites) as farm:
        monkeypatch.setenv("http_proxy", farm.proxy_url)
        code = main(["run", "--seeds", str(demo.DEMO_DATA / "seeds.csv"), "--registry-url", REGISTRY,
                     "--db", db_url, "--out", str(out)])  # fmt: skip
    assert code == 1
    err = capsys.readouterr().err
    assert "failed at step registry" in err and "index/2" in err
    assert "no report was written" in err
    assert not (out / "findings.json").exists()
    database = Database.open(db_url)
    factory = database.sessions
    with factory() as session:
        run = session.scalars(select(Run).where(Run.kind == "run")).one()
        assert run.status == "failed"
        assert run.errors[-1]["step"] == "registry"
    database.dispose()


def test_a_seed_file_with_no_usable_row_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seeds = tmp_path / "seeds.csv"
    seeds.write_text("url,name\nnot a url at all,何か\n", encoding="utf-8")
    code = main(
        ["run", "--seeds", str(seeds), "--db", f"sqlite:///{tmp_path / 'x.db'}", "--out", str(tmp_path)]
    )
    assert code == 1
    err = capsys.readouterr().err
    assert "line 2" in err and "no usable rows" in err


def test_a_missing_seed_file_names_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--seeds", str(tmp_path / "nope.csv"), "--db", f"sqlite:///{tmp_path / 'x.db'}"]) == 1
    assert "nope.csv does not exist" in capsys.readouterr().err


def test_a_seed_file_without_a_url_column_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seeds = tmp_path / "clinics.csv"
    seeds.write_text("website,name\nhttp://a.example/,A\n", encoding="utf-8")
    assert main(["run", "--seeds", str(seeds), "--db", f"sqlite:///{tmp_path / 'x.db'}"]) == 1
    assert "clinics.csv" in capsys.readouterr().err
