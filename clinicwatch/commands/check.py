"""`clinicwatch check`: one clinic now — by website (a verdict with its evidence) or by name (registry lookup)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from sqlalchemy import select

from clinicwatch.commands.common import (
    REGISTRY_URL,
    add_crawl_arguments,
    add_db_argument,
    crawl_settings,
    open_db,
)
from clinicwatch.errors import UserError, user_errors
from clinicwatch.pipeline import (
    StepFailed,
    ensure_snapshot,
    fail_run,
    registry_settings,
    run_steps,
    start_run,
)
from crawler.registry_job import DEFAULT_MAX_DROP, RegistryError
from crawler.seeds import Seed, UnusableUrl, clean_website
from db import runs
from db.models import Finding
from db.session import Database
from db.vocabulary import RunKind, Status
from matcher.search import search_registry

VERDICTS = {
    Status.UNFILED: "UNFILED: advertises a treatment that needs a filing, and no registry facility is this clinic",
    Status.NOT_COVERED: "NOT COVERED: in the registry, but an advertised treatment is covered by none of its plans",
    Status.FILED: "FILED: every advertised treatment that needs a filing is covered by a filed plan",
    Status.REVIEW: "REVIEW: the registry link is ambiguous; a person must decide",
    Status.NONE: "NONE: nothing advertised needs a filing",
    Status.ERROR: "ERROR: the site could not be read; nothing is concluded",
}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("check", help="check one clinic: by website URL, or by --name")
    parser.add_argument("url", nargs="?", help="the clinic's website")
    parser.add_argument("--name", help="look the name up in the registry instead of crawling a website")
    parser.add_argument("--prefecture", help="with --name: only facilities in this prefecture (e.g. 東京都)")
    parser.add_argument("--json", action="store_true", help="print the findings.json clinic object")
    parser.add_argument("--registry-url", default=REGISTRY_URL, metavar="BASE")
    add_crawl_arguments(parser)
    add_db_argument(parser)
    parser.set_defaults(handler=handle)


@user_errors()
def handle(args: argparse.Namespace) -> int:
    if bool(args.url) == bool(args.name):
        raise UserError("give either a website URL or --name NAME")
    database = open_db(args)
    try:
        snapshot_id = ensure_snapshot(
            database, args.registry_url, DEFAULT_MAX_DROP, False, registry_settings(crawl_settings(args))
        )
    except RegistryError as exc:
        raise UserError(f"no registry snapshot to check against: {exc}") from exc
    if args.name:
        return _check_name(database, snapshot_id, args)
    return _check_url(database, snapshot_id, args)


def _check_url(database: Database, snapshot_id: int, args: argparse.Namespace) -> int:
    try:
        url, _repairs = clean_website(args.url)
    except UnusableUrl as exc:
        raise UserError(f"{args.url!r} is not a website address: {exc}") from exc
    factory = database.sessions
    run = start_run(factory, RunKind.CHECK, {"url": url}, snapshot_id=snapshot_id)
    try:
        run_steps(
            database, run, [Seed(url=url, name=None)], args.registry_url,
            crawl_settings=crawl_settings(args), max_drop=DEFAULT_MAX_DROP, refresh_registry=False,
            progress=_quiet,
        )
    except StepFailed as exc:
        raise UserError(str(exc)) from exc
    with factory.begin() as session:
        finding = session.scalars(select(Finding).where(Finding.run_id == run.id)).first()
        if finding is not None:
            runs.complete(session, run.id)
            clinic = finding.clinic
    if finding is None:
        # Recorded in its own transaction, after the one above has ended (SQLite allows one writer).
        fail_run(factory, run.id, "findings", "no finding was produced")
        raise UserError(f"no finding for {url}")
    if args.json:
        print(json.dumps(clinic, ensure_ascii=False, indent=2))
    else:
        print(render_clinic(clinic))
    return 0


def _quiet(_message: str) -> None:
    pass


def render_clinic(clinic: dict[str, Any]) -> str:
    """The verdict, its evidence, flags and registry candidates as plain text for a terminal."""
    lines = [f"{clinic.get('name') or '(name not found)'}  {clinic.get('url')}", VERDICTS.get(clinic["status"], clinic["status"])]
    if clinic.get("requires_filing"):
        lines.append("advertised, needs a filing: " + ", ".join(clinic["requires_filing"]))
    if clinic.get("uncovered"):
        lines.append("not covered by any plan: " + ", ".join(clinic["uncovered"]))
    if clinic.get("cell_free"):
        lines.append("advertised, outside the Act (cell-free): " + ", ".join(clinic["cell_free"]))
    if clinic.get("flags"):
        lines.append("flags: " + ", ".join(clinic["flags"]))
    lines.append("evidence:")
    for item in clinic.get("evidence", []):
        lines.append(f"  [{item['modality']}] 「{item['quote']}」\n      {item['url']} (fetched {item['fetched_at']})")
    for item in clinic.get("flag_evidence", []):
        lines.append(f"  [{item.get('flag')}] 「{item.get('quote')}」\n      {item.get('url')}")
    lines.append("registry candidates:")
    for match in clinic.get("matches", []):
        plans = ", ".join(match.get("plan_numbers") or []) or "no plan number"
        lines.append(f"  {match.get('facility')}  score {match.get('score', 0):.2f}  ({plans})")
    candidates = (clinic.get("link") or {}).get("candidates") or []
    for cand in candidates:
        lines.append(f"  - {cand.get('facility')} [{cand.get('prefecture')}] {cand.get('score', 0):.2f} "
                     f"{cand.get('verdict', '')}: {cand.get('why', '')}")
    for branch in clinic.get("branches", []):
        lines.append(f"branch {branch.get('name')}: {branch.get('status')}")
    return "\n".join(lines)


def _check_name(database: Database, snapshot_id: int, args: argparse.Namespace) -> int:
    with database.sessions() as session:
        results = search_registry(session, snapshot_id, args.name, args.prefecture)
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
        return 0
    if not results:
        where = f" in {args.prefecture}" if args.prefecture else ""
        print(f"no registry facility{where} looks like {args.name!r}: no filed plan found under that name")
        return 0
    for result in results:
        print(f"{result['facility']}  [{result['prefecture']}] {result['address']}  score {result['score']:.2f}")
        if result.get("why"):
            print(f"    {result['why']}")
        for plan in result.get("plans", []):
            print(f"    第{plan['plan_class']}種 {plan.get('plan_number') or '-'} {plan['treatment']}")
    return 0
