"""Shared fixtures: a migrated database on SQLite and on PostgreSQL, and a loopback site farm.

Tests that take `db_url` (or `session_factory`) run once per backend. PostgreSQL tests use the server
named by CLINICWATCH_TEST_PG (default: trust auth on 127.0.0.1:5432, as `.ci/run` sets up); they are
skipped, with the reason, only when no server answers there.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session, sessionmaker

from clinicwatch.sitefarm import SiteFarm
from db.session import Database

PG_SERVER = os.environ.get("CLINICWATCH_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def _pg_admin():  # type: ignore[no-untyped-def]
    return create_engine(PG_SERVER, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    """A migrated template database; each test clones it (fast) instead of migrating again."""
    admin = _pg_admin()
    try:
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure means "no server here"
        pytest.skip(f"PostgreSQL not reachable at {PG_SERVER}: {str(exc).splitlines()[0]}")
    name = f"cw_template_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    Database.open(url).dispose()
    yield name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated database URL on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'clinicwatch.db'}"
        return
    template = request.getfixturevalue("pg_template")
    admin = _pg_admin()
    name = f"cw_test_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    yield admin.url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def session_factory(db_url: str) -> Iterator[sessionmaker[Session]]:
    with Database.open(db_url) as database:
        yield database.sessions


@pytest.fixture
def site_farm() -> Iterator[type[SiteFarm]]:
    """The SiteFarm class, to serve a folder of saved sites: `with site_farm(root) as farm: farm.proxy_url`."""
    yield SiteFarm
