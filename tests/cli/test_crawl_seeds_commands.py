"""`clinicwatch seeds --opendata` and `clinicwatch crawl --seeds`, from arguments to printed results."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest
from sqlalchemy import select

from clinicwatch.cli import main
from clinicwatch.sitefarm import SiteFarm
from db.models import Run
from db.session import open_database
from db.vocabulary import RunStatus

ROOT = Path(__file__).resolve().parents[2]
CRAWLER_TESTS = ROOT / "tests" / "crawler"
OPENDATA = CRAWLER_TESTS / "pages" / "opendata"
FAST = [
    "--max-pages",
    "10",
    "--max-depth",
    "2",
    "--user-agent",
    "clinicwatch-test (+http://localhost/contact)",
]


def test_seeds_from_open_data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "seeds.csv"
    code = main(
        [
            "seeds",
            "--opendata",
            str(OPENDATA / "02-1_clinic_facility_info_sample.csv"),
            str(OPENDATA / "02-2_clinic_speciality_hours_sample.csv"),
            "--out",
            str(out),
            "--prefecture",
            "東京都,大阪府",
        ]
    )
    printed = capsys.readouterr()
    assert code == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [row["opendata_id"] for row in rows] == [
        "1310101000011",
        "1310401000022",
        "1310401000033",
        "2712701000077",
    ]
    assert rows[0]["opendata_name"] == "医療法人社団美和会　銀座美和クリニック"
    assert "4 seeds from 6 clinics (1 without a website, 1 unusable" in printed.out
    assert (
        "02-1_clinic_facility_info_sample.csv line 7: 1311301000055 渋谷美容外科クリニック: no usable URL"
        in printed.err
    )


def test_seeds_with_a_wrong_file_is_one_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    speciality = str(OPENDATA / "02-2_clinic_speciality_hours_sample.csv")
    code = main(["seeds", "--opendata", speciality, speciality, "--out", str(tmp_path / "s.csv")])
    assert code == 1
    assert "column 正式名称, 所在地, 案内用ホームページアドレス missing" in capsys.readouterr().err
    assert not (tmp_path / "s.csv").exists()


def test_crawl_prints_sites_failures_and_seed_problems(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    seeds = tmp_path / "seeds.csv"
    seeds.write_text(
        "url,name\nhttp://www.error-clinic.example/,エラー皮膚科\nhtp:/x,壊れ\nwww.down-clinic.example,\n",
        encoding="utf-8",
    )
    db_url = f"sqlite:///{tmp_path / 'cw.db'}"
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    with SiteFarm(CRAWLER_TESTS / "sites") as farm:
        monkeypatch.setenv("http_proxy", farm.proxy_url)
        code = main(["crawl", "--seeds", str(seeds), "--db", db_url, *FAST])
    printed = capfd.readouterr()
    assert code == 0
    assert 'seeds.csv line 3: no usable URL: not an http(s) address ("htp:/x"); skipped' in printed.err
    assert "seeds.csv line 4: added http://" in printed.err
    assert "crawl run 1: 1 of 2 sites ok" in printed.out
    assert "  http://www.down-clinic.example/  HTTP 503 on /" in printed.out
    assert "HTTP 500 on /broken/" in printed.out
    with open_database(db_url)() as session:
        run = session.scalars(select(Run)).one()
    assert (run.kind, run.status, run.counts["sites_ok"]) == ("crawl", RunStatus.COMPLETE, 1)
    assert run.args["USER_AGENT"].startswith("clinicwatch-test")


def test_crawl_exits_non_zero_when_every_site_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    seeds = tmp_path / "seeds.csv"
    seeds.write_text("url\nhttp://www.down-clinic.example/\n", encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    with SiteFarm(CRAWLER_TESTS / "sites") as farm:
        monkeypatch.setenv("http_proxy", farm.proxy_url)
        code = main(["crawl", "--seeds", str(seeds), "--db", f"sqlite:///{tmp_path / 'cw.db'}", *FAST])
    assert code == 1
    assert "crawl run 1: 0 of 1 sites ok" in capfd.readouterr().out


def test_crawl_refuses_unusable_seed_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seeds = tmp_path / "seeds.csv"
    seeds.write_text("url,name\nmailto:a@b.example,\n", encoding="utf-8")
    assert main(["crawl", "--seeds", str(seeds), "--db", f"sqlite:///{tmp_path / 'cw.db'}"]) == 1
    assert "no usable rows; nothing to crawl" in capsys.readouterr().err
