"""`clinicwatch link confirm|reject|list|undo` end to end on a real database."""

from __future__ import annotations

import pytest

from clinicwatch.cli import main
from db.models import RegistryFacility, RegistrySnapshot, Site
from db.session import Database, transaction
from db.vocabulary import SnapshotStatus

SEED = "http://www.serena-clinic.example/"


@pytest.fixture
def db(db_url: str) -> str:
    database = Database.open(db_url)
    factory = database.sessions
    with transaction(factory) as session:
        session.add(Site(seed_url=SEED, url=SEED, host="www.serena-clinic.example"))
        snapshot = RegistrySnapshot(base_url="http://saiseiiryo.mhlw.go.jp/", status=SnapshotStatus.GOOD)
        session.add(snapshot)
        session.flush()
        for prefecture in ("大阪府", "京都府"):
            session.add(RegistryFacility(
                snapshot_id=snapshot.id, name="セレナクリニック", name_raw="セレナクリニック", prefecture=prefecture,
                address="北区芝田1-2-3",
            ))
        session.add(RegistryFacility(
            snapshot_id=snapshot.id, name="医療法人社団光風会 セレナクリニック 梅田院",
            name_raw="医療法人社団光風会\nセレナクリニック 梅田院", prefecture="大阪府", address="大阪市北区芝田1-2-3",
        ))
    database.dispose()
    return db_url


def test_confirm_list_undo(db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLINICWATCH_USER", "tanaka")
    facility = "医療法人社団光風会　セレナクリニック　梅田院"  # spacing differs from the filing: still found
    assert main(["link", "confirm", "serena-clinic.example", facility, "--note", "same phone", "--db", db]) == 0
    assert "judgement 1: confirm http://www.serena-clinic.example/" in capsys.readouterr().out
    assert main(["link", "list", "--db", db]) == 0
    listed = capsys.readouterr().out
    assert "confirm" in listed and "tanaka" in listed and "same phone" in listed
    assert main(["link", "undo", "1", "--db", db]) == 0
    assert main(["link", "list", "--db", db]) == 0
    assert "no active judgements" in capsys.readouterr().out
    assert main(["link", "list", "--all", "--db", db]) == 0
    assert "undone" in capsys.readouterr().out


def test_errors_name_the_input(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["link", "reject", "unknown.example", "セレナクリニック", "--db", db]) == 1
    assert "site 'unknown.example'" in capsys.readouterr().err
    assert main(["link", "reject", SEED, "セレナクリニック", "--db", db]) == 1
    assert "add --prefecture" in capsys.readouterr().err
    assert main(["link", "reject", SEED, "セレナクリニック", "--prefecture", "京都府", "--db", db]) == 0
    assert main(["link", "reject", SEED, "ルミナクリニック", "--db", db]) == 1
    assert "is not in registry snapshot" in capsys.readouterr().err
    assert main(["link", "undo", "99", "--db", db]) == 1
    assert "judgement 99 does not exist" in capsys.readouterr().err
