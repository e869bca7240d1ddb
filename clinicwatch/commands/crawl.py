"""`clinicwatch crawl`: crawl the clinic websites of a seed file into a new run."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from clinicwatch.commands.common import add_crawl_arguments, add_db_argument, crawl_settings, open_db
from clinicwatch.errors import UserError, user_errors
from clinicwatch.pipeline import fail_run, start_run
from crawler.runner import CrawlFailed
from crawler.seeds import SeedFileError, read_seeds
from crawler.sites_job import CrawlSummary, crawl_sites
from db.models import RUN_COMPLETE, Run, utcnow


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "crawl",
        help="crawl the clinic websites listed in a seed file",
        description="Crawl each clinic website of a seed CSV (header url,name; optional open-data columns "
        "from `clinicwatch seeds`), politely and within the page and depth limits, and store what each "
        "page advertises and says about the clinic. Sites that fail are listed with the reason.",
    )
    parser.add_argument("--seeds", required=True, type=Path, metavar="FILE", help="CSV with header url,name")
    add_crawl_arguments(parser)
    add_db_argument(parser)
    parser.set_defaults(handler=handle)


@user_errors()
def handle(args: argparse.Namespace) -> int:
    try:
        seeds, problems = read_seeds(args.seeds)
    except SeedFileError as exc:
        raise UserError(str(exc)) from exc
    for problem in problems:
        print(problem.describe(args.seeds.name), file=sys.stderr)
    if not seeds:
        raise UserError(f"seed file {args.seeds}: no usable rows; nothing to crawl")
    for name in ("max_pages", "max_depth"):
        if (value := getattr(args, name)) is not None and value < 1:
            raise UserError(f"--{name.replace('_', '-')} {value}: must be at least 1")
    factory = open_db(args)
    db_url = factory.kw["bind"].url.render_as_string(hide_password=False)
    run = start_run(factory, "crawl", {"seeds": str(args.seeds.resolve()), **crawl_settings(args)})
    try:
        summary = crawl_sites(db_url, run.id, seeds, settings=crawl_settings(args))
    except CrawlFailed as exc:
        fail_run(factory, run.id, "crawl", str(exc))
        raise UserError(f"run {run.id}: {exc}") from exc
    _complete(
        factory,
        run.id,
        counts={
            "sites": len(seeds),
            "sites_ok": summary.sites_ok,
            "sites_failed": len(summary.sites_failed),
            "pages": summary.pages,
        },
        errors=[{"step": "crawl", "site": url, "error": reason} for url, reason in summary.sites_failed],
    )
    print_summary(run.id, summary)
    return 1 if summary.sites_ok == 0 else 0


def _complete(
    factory: sessionmaker[Session], run_id: int, *, counts: dict[str, Any], errors: list[dict[str, str]]
) -> None:
    with factory.begin() as session:
        row = session.get_one(Run, run_id)
        row.status = RUN_COMPLETE
        row.finished_at = utcnow()
        row.counts = counts
        row.errors = errors


def print_summary(run_id: int, summary: CrawlSummary) -> None:
    total = summary.sites_ok + len(summary.sites_failed)
    print(f"crawl run {run_id}: {summary.sites_ok} of {total} sites ok, {summary.pages} pages")
    if summary.sites_failed:
        print(f"{len(summary.sites_failed)} sites failed:")
        for url, reason in summary.sites_failed:
            print(f"  {url}  {reason}")
    if summary.sites_with_errors:
        print(f"{len(summary.sites_with_errors)} sites crawled with problems:")
        for url, errors in summary.sites_with_errors:
            print(f"  {url}  {errors}")
