"""A database that cannot be used stops the command with one line naming it (password hidden), exit 1."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from clinicwatch.cli import main
from db.session import LOCK_WAIT_SECONDS, Database, database_url, redacted

ROOT = Path(__file__).resolve().parents[2]


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The command as users run it, so that a traceback would show on stderr."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "clinicwatch", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def _one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("clinicwatch: error: database ")
    return lines[0]


@pytest.fixture
def migrated(tmp_path: Path) -> Path:
    path = tmp_path / "clinicwatch.db"
    Database.open(f"sqlite:///{path}").dispose()
    return path


def test_unreachable_postgresql_is_named_without_its_password(tmp_path: Path) -> None:
    line = _one_line_error(
        _cli("runs", "--db", "postgresql://nobody:s3cret@127.0.0.1:1/clinicwatch", cwd=tmp_path)
    )
    assert "postgresql+psycopg://nobody:***@127.0.0.1:1/clinicwatch cannot be used" in line
    assert "s3cret" not in line
    assert "Connection refused" in line


@pytest.mark.postgres
def test_missing_postgresql_database_is_named(tmp_path: Path) -> None:
    line = _one_line_error(
        _cli("runs", "--db", "postgresql://postgres@127.0.0.1:5432/cw_no_such_db", cwd=tmp_path)
    )
    assert "cw_no_such_db" in line and "does not exist" in line


@contextmanager
def _locked(db_url: str) -> Iterator[None]:
    """Another process in the middle of a long write: the whole SQLite file, or PostgreSQL's runs table."""
    engine = create_engine(database_url(db_url))
    with engine.connect() as holder:
        if engine.dialect.name == "sqlite":
            holder.exec_driver_sql("BEGIN EXCLUSIVE")
        else:
            holder.execute(text("LOCK TABLE runs IN ACCESS EXCLUSIVE MODE"))
        yield
        holder.rollback()
    engine.dispose()


def test_locked_database_fails_after_the_lock_wait(db_url: str, tmp_path: Path) -> None:
    Database.open(db_url).dispose()
    started = time.monotonic()
    with _locked(db_url):
        line = _one_line_error(_cli("runs", "--db", db_url, cwd=tmp_path))
    assert time.monotonic() - started < LOCK_WAIT_SECONDS + 30  # waited, then gave up
    expected = (
        "database is locked" if db_url.startswith("sqlite") else "canceling statement due to lock timeout"
    )
    assert line == f"clinicwatch: error: database {redacted(database_url(db_url))} cannot be used: {expected}"


def test_sqlite_file_in_a_missing_folder_says_which_folder(tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such" / "folder"
    line = _one_line_error(_cli("runs", "--db", f"sqlite:///{missing / 'clinicwatch.db'}", cwd=tmp_path))
    assert f"unable to open database file (folder {missing} does not exist" in line
    assert not missing.exists()


@pytest.fixture(params=["read-only file", "read-only open"])
def read_only_url(request: pytest.FixtureRequest, migrated: Path) -> Iterator[str]:
    """A migrated SQLite file the command may read but not write: by its mode, or opened read-only
    (the way to get one as root, whom file modes do not stop)."""
    if request.param == "read-only open":
        yield f"sqlite:///file:{migrated}?mode=ro&uri=true"
        return
    if os.geteuid() == 0:
        pytest.skip("root writes to files whatever their mode; the read-only open case covers this")
    migrated.chmod(0o444)
    migrated.parent.chmod(0o555)  # no journal file can be created beside it either
    yield f"sqlite:///{migrated}"
    migrated.parent.chmod(0o755)
    migrated.chmod(0o644)


def test_read_only_database_fails_before_a_run_starts(
    read_only_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seeds = tmp_path / "seeds.csv"
    seeds.write_text("url,name\nhttp://www.clinic.example/,\n", encoding="utf-8")
    code = main(["run", "--seeds", str(seeds), "--db", read_only_url, "--out", str(tmp_path / "out")])
    error = capsys.readouterr().err.strip()
    assert code == 1
    assert error.startswith("clinicwatch: error: database sqlite:///")
    assert f"{tmp_path.name}/clinicwatch.db" in error
    assert "cannot be used: attempt to write a readonly database" in error
    assert not (tmp_path / "out").exists()
