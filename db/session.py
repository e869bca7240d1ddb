"""Engines and sessions: SQLite file by default, PostgreSQL by URL; schema kept current by Alembic."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Self

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import ExceptionContext, make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

DEFAULT_URL = "sqlite:///clinicwatch.db"
MIGRATIONS = Path(__file__).parent / "migrations"


class DatabaseError(RuntimeError):
    """The database named by the user cannot be used; the message says which and why."""


def database_url(cli_value: str | None = None) -> str:
    """The URL from `--db`, else `CLINICWATCH_DB`, else a SQLite file in the working directory."""
    url = cli_value or os.environ.get("CLINICWATCH_DB") or DEFAULT_URL
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def redacted(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


LOCK_WAIT_SECONDS = 10  # how long a statement waits for another process's lock before failing


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={LOCK_WAIT_SECONDS * 1000}")
    cursor.close()


def _reason(exc: BaseException) -> str:
    return str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]


def _named_errors(engine: Engine) -> None:
    """Operational errors (locked, read-only, connection lost) raise DatabaseError naming the database."""

    def name_it(context: ExceptionContext) -> None:
        if isinstance(context.sqlalchemy_exception, OperationalError):
            reason = _reason(context.original_exception)
            raise DatabaseError(f"database {redacted(str(engine.url))} cannot be used: {reason}")

    event.listen(engine, "handle_error", name_it)


def make_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseError(f"database URL {url!r} is not valid: {exc}") from exc
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": LOCK_WAIT_SECONDS})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        # Without lock_timeout a table locked by another session would make the command wait forever.
        options = f"-c lock_timeout={LOCK_WAIT_SECONDS * 1000}"
        engine = create_engine(
            url, pool_pre_ping=True, connect_args={"connect_timeout": 10, "options": options}
        )
    _named_errors(engine)
    return engine


def _alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration (creating it on a new database)."""
    command.upgrade(_alembic_config(engine), "head")


@dataclass(frozen=True)
class Database:
    """An open, migrated database: its engine, a session factory, and its URL whole or for display."""

    engine: Engine
    sessions: sessionmaker[Session]

    @classmethod
    def open(cls, url: str | None = None) -> Database:
        """Connect, check the database answers, migrate it (`url` as `database_url` resolves it).

        Raises DatabaseError naming the database when it is unreachable, locked or read-only.
        """
        resolved = database_url(url)
        engine = make_engine(resolved)
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            upgrade(engine)
            _check_writable(engine)
        except DatabaseError as exc:  # an operational error, already naming the database
            engine.dispose()
            raise DatabaseError(f"{exc}{_hint(engine)}") from exc
        except (SQLAlchemyError, OSError) as exc:
            engine.dispose()
            raise DatabaseError(
                f"database {redacted(resolved)} cannot be used: {_reason(exc)}{_hint(engine)}"
            ) from exc
        return cls(engine, sessionmaker(engine, expire_on_commit=False))

    @property
    def url(self) -> str:
        """The URL with its password: for the crawl children, which open the database themselves."""
        return self.engine.url.render_as_string(hide_password=False)

    @property
    def shown_url(self) -> str:
        """The URL with its password hidden: for messages."""
        return self.engine.url.render_as_string(hide_password=True)

    def dispose(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.dispose()


def open_database(url: str | None = None) -> sessionmaker[Session]:
    """`Database.open(url)`'s session factory, for callers that need nothing else."""
    return Database.open(url).sessions


def _check_writable(engine: Engine) -> None:
    """Fail now, not at a run's first write, on a read-only file or role: a write rolled back."""
    with engine.connect() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = version_num"))
        conn.rollback()


def _hint(engine: Engine) -> str:
    """What to do about a SQLite file whose folder is missing (SQLite only says it cannot open it)."""
    database = engine.url.database
    if (
        engine.url.get_backend_name() != "sqlite"
        or not database
        or database.startswith((":memory:", "file:"))
    ):
        return ""
    folder = Path(database).parent
    return "" if folder.is_dir() else f" (folder {folder} does not exist; create it or choose another path)"


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    with factory() as session, session.begin():
        yield session
