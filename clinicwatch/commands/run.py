"""`clinicwatch run`: the weekly job (registry, crawl, match, findings, report)."""

from __future__ import annotations

import argparse
from pathlib import Path

from clinicwatch.commands.common import REGISTRY_URL, add_crawl_arguments, add_db_argument, crawl_settings
from clinicwatch.errors import UserError
from clinicwatch.pipeline import StepFailed, run_pipeline
from crawler.seeds import SeedFileError
from db.session import DatabaseError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("run", help="the weekly job: registry, crawl, match, report")
    parser.add_argument("--seeds", required=True, type=Path, metavar="FILE", help="CSV with header url,name")
    parser.add_argument("--registry-url", default=REGISTRY_URL, metavar="BASE", help=f"default {REGISTRY_URL}")
    parser.add_argument("--out", type=Path, default=Path("clinicwatch-report"), metavar="DIR")
    parser.add_argument("--max-drop", type=float, default=0.3, help="registry guard: largest allowed row drop")
    parser.add_argument("--fresh", action="store_true", help="start a new run even if the last one was interrupted")
    add_crawl_arguments(parser)
    add_db_argument(parser)
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    if not args.seeds.is_file():
        raise UserError(f"seeds file {args.seeds} does not exist")
    try:
        outcome = run_pipeline(
            args.db,
            args.seeds,
            args.registry_url,
            args.out,
            crawl_settings=crawl_settings(args),
            max_drop=args.max_drop,
            fresh=args.fresh,
        )
    except (StepFailed, DatabaseError, SeedFileError) as exc:
        raise UserError(f"{exc}; no report was written for this run") from exc
    findings = outcome.counts.get("findings", {})
    print(f"run {outcome.run_id} {outcome.status}: " + ", ".join(f"{k} {v}" for k, v in sorted(findings.items())))
    for name, path in outcome.report_paths.items():
        print(f"{name}: {path}")
    return 0
