"""Arguments and helpers shared by several subcommands."""

from __future__ import annotations

import argparse

from clinicwatch.errors import UserError
from db.session import Database, DatabaseError


def add_db_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        metavar="URL",
        help="database URL (default: $CLINICWATCH_DB, else sqlite:///clinicwatch.db in the working directory)",
    )


def open_db(args: argparse.Namespace) -> Database:
    try:
        return Database.open(args.db)
    except DatabaseError as exc:
        raise UserError(str(exc)) from exc


REGISTRY_URL = "https://saiseiiryo.mhlw.go.jp/published_plan/index/"


def add_crawl_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--max-pages", type=int, help="pages per site (default 40)")
    parser.add_argument("--max-depth", type=int, help="link depth from the top page (default 3)")
    parser.add_argument("--user-agent", help="User-Agent header naming you and a contact URL")


def crawl_settings(args: argparse.Namespace) -> dict[str, object]:
    """Scrapy setting overrides from the crawl arguments that were given."""
    named = {"CLINICWATCH_MAX_PAGES": args.max_pages, "CLINICWATCH_MAX_DEPTH": args.max_depth, "USER_AGENT": args.user_agent}
    return {key: value for key, value in named.items() if value is not None}
