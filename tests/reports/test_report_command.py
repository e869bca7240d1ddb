"""`clinicwatch report --out DIR [--run ID] [--db URL]` and the label data the report shows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import delete
from sqlalchemy.orm import Session, sessionmaker

from clinicwatch.cli import main
from crawler.taxonomy import modalities
from db.models import Finding
from db.vocabulary import Flag, Status
from reports.findings import compute_findings
from reports.labels import labels
from tests.reports.conftest import World
from tests.reports.test_write_report import build_report_world


def _world(session_factory: sessionmaker[Session]) -> int:
    with session_factory.begin() as session:
        return build_report_world(World(session))


def test_report_writes_the_three_files_for_the_latest_run(
    session_factory: sessionmaker[Session], db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_id = _world(session_factory)
    assert main(["report", "--out", str(tmp_path / "out"), "--db", db_url]) == 0
    assert {p.name for p in (tmp_path / "out").iterdir()} == {"report.html", "findings.csv", "findings.json"}
    assert json.loads((tmp_path / "out" / "findings.json").read_text(encoding="utf-8"))["run"]["id"] == run_id
    assert f"run {run_id} (run, complete): error 1, filed 1, none 1, unfiled 1" in capsys.readouterr().out


def test_report_computes_findings_a_run_does_not_have_yet(
    session_factory: sessionmaker[Session], db_url: str, tmp_path: Path
) -> None:
    run_id = _world(session_factory)
    with session_factory.begin() as session:
        session.execute(delete(Finding))
    assert main(["report", "--out", str(tmp_path), "--run", str(run_id), "--db", db_url]) == 0
    clinics = json.loads((tmp_path / "findings.json").read_text(encoding="utf-8"))["clinics"]
    assert len(clinics) == 4


def test_report_names_a_missing_run(db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--out", str(tmp_path), "--run", "99", "--db", db_url]) == 1
    assert "run 99 does not exist" in capsys.readouterr().err


def test_every_status_flag_and_modality_has_a_label() -> None:
    assert set(labels()["status"]) == set(Status)
    assert set(labels()["flag"]) == set(Flag)
    assert set(labels()["modality"]) == set(modalities())
    for text in labels()["status"].values():
        assert "承認" not in text["ja"] and "approved" not in text["en"].lower()


def test_a_later_one_clinic_check_is_not_the_default_report(
    session_factory: sessionmaker[Session], db_url: str, tmp_path: Path
) -> None:
    run_id = _world(session_factory)
    with session_factory.begin() as session:
        world = World(session)
        snap = world.snapshot()
        check = world.run(snap, kind="check")
        world.claim(world.site(check, "aoba.example", "青葉クリニック"), "prp")
        compute_findings(session, check.id, snap.id)
    assert main(["report", "--out", str(tmp_path), "--db", db_url]) == 0
    assert json.loads((tmp_path / "findings.json").read_text(encoding="utf-8"))["run"]["id"] == run_id
