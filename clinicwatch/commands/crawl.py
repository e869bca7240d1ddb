"""`clinicwatch crawl`: crawl the clinic websites of a seed file into a new run.

With `--redis URL` the crawl is shared through Redis: this worker creates the run and prints the
command that lets workers on other machines `--join` it (same database, same Redis).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from clinicwatch.commands.common import add_crawl_arguments, add_db_argument, crawl_settings, open_db
from clinicwatch.errors import UserError, user_errors
from clinicwatch.pipeline import fail_run, start_run
from crawler.distributed import DistributedError, connect, redis_settings
from crawler.runner import CrawlFailed
from crawler.seeds import SeedFileError, read_seeds
from crawler.sites_job import CrawlSummary, crawl_sites
from db import runs
from db.models import Run
from db.session import Database
from db.vocabulary import RunKind, RunStatus


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "crawl",
        help="crawl the clinic websites listed in a seed file",
        description="Crawl each clinic website of a seed CSV (header url,name; optional open-data columns "
        "from `clinicwatch seeds`), politely and within the page and depth limits, and store what each "
        "page advertises and says about the clinic. Sites that fail are listed with the reason.",
    )
    parser.add_argument("--seeds", type=Path, metavar="FILE", help="CSV with header url,name")
    parser.add_argument(
        "--redis",
        metavar="URL",
        help="share the crawl through this Redis server (redis://HOST:6379/0) with workers on other machines",
    )
    parser.add_argument(
        "--join",
        type=int,
        metavar="RUN_ID",
        help="with --redis: join the shared crawl run RUN_ID started by another worker (no --seeds needed)",
    )
    add_crawl_arguments(parser)
    add_db_argument(parser)
    parser.set_defaults(handler=handle)


@user_errors()
def handle(args: argparse.Namespace) -> int:
    if args.join is not None:
        return _join(args)
    if args.seeds is None:
        raise UserError(
            "crawl: --seeds FILE is required (or --redis URL --join RUN_ID to join a shared crawl)"
        )
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
    if args.redis:
        _check_redis(args.redis)
    database = open_db(args)
    shared = {"redis": args.redis} if args.redis else {}
    run_args = {"seeds": str(args.seeds.resolve()), **crawl_settings(args), **shared}
    run = start_run(database.sessions, RunKind.CRAWL, run_args)
    announce = (lambda: _announce(run.id, args.redis, database)) if args.redis else None
    try:
        summary = crawl_sites(
            database.url, run.id, seeds, settings=crawl_settings(args), redis_url=args.redis, on_ready=announce
        )
    except (CrawlFailed, DistributedError) as exc:
        fail_run(database.sessions, run.id, "crawl", str(exc))
        raise UserError(f"run {run.id}: {exc}") from exc
    with database.sessions.begin() as session:
        runs.complete(
            session,
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


def _announce(run_id: int, redis_url: str, database: Database) -> None:
    print(
        f"crawl run {run_id} is shared through {redis_url}; on other machines run:\n"
        f"  clinicwatch crawl --redis {redis_url} --join {run_id} --db {database.shown_url}",
        file=sys.stderr,
        flush=True,
    )


def _join(args: argparse.Namespace) -> int:
    """Crawl with the other workers of shared run `args.join`, under the limits its first worker set."""
    if not args.redis:
        raise UserError(f"--join {args.join}: needs --redis URL, the Redis server the run's workers share")
    if any(crawl_settings(args).values()):
        raise UserError(
            f"--join {args.join}: the page, depth and User-Agent settings are the run's; leave them out"
        )
    _check_redis(args.redis)
    database = open_db(args)
    with database.sessions() as session:
        run = session.get(Run, args.join)
    if run is None or run.kind != RunKind.CRAWL or "redis" not in run.args:
        raise UserError(f"--join {args.join}: no shared crawl run {args.join} in {database.shown_url}")
    if run.status == RunStatus.COMPLETE:
        print(f"crawl run {run.id} is already complete; nothing to do")
        return 0
    if run.status != RunStatus.RUNNING:
        raise UserError(f"--join {run.id}: the run is {run.status}; start a new one")
    # The Scrapy settings the first worker stored (upper case, beside "seeds", "host", "redis").
    settings = {key: value for key, value in run.args.items() if key.isupper()}
    try:
        summary = crawl_sites(database.url, run.id, [], settings=settings, redis_url=args.redis, join=True)
    except (CrawlFailed, DistributedError) as exc:
        raise UserError(f"run {run.id}: {exc}") from exc
    print_summary(run.id, summary)
    return 1 if summary.sites_ok == 0 else 0


def _check_redis(redis_url: str) -> None:
    try:
        redis_settings(redis_url, 0)  # rejects a URL that is not Redis's
        connect(redis_url)
    except DistributedError as exc:
        raise UserError(str(exc)) from exc


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
