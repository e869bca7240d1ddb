"""Arguments and helpers shared by several subcommands."""

from __future__ import annotations

import argparse

from sqlalchemy.orm import Session, sessionmaker

from clinicwatch.errors import UserError
from db.session import DatabaseError, open_database


def add_db_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        metavar="URL",
        help="database URL (default: $CLINICWATCH_DB, else sqlite:///clinicwatch.db in the working directory)",
    )


def open_db(args: argparse.Namespace) -> sessionmaker[Session]:
    try:
        return open_database(args.db)
    except DatabaseError as exc:
        raise UserError(str(exc)) from exc
