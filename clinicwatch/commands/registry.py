"""`clinicwatch registry`: crawl the e-再生医療 lists into a snapshot; `registry export`: write its plans."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from pathlib import Path
from typing import IO, Any

from clinicwatch.commands.common import REGISTRY_URL, add_db_argument, open_db
from clinicwatch.errors import UserError, user_errors
from crawler.registry_job import (
    DEFAULT_MAX_DROP,
    EXPORT_COLUMNS,
    RegistryError,
    SnapshotSummary,
    crawl_registry,
    export_rows,
)
from crawler.registry_job import snapshot_summary as read_summary
from db.session import database_url
from db.vocabulary import Change

CLASS_NAMES = {1: "第一種", 2: "第二種", 3: "第三種"}
CHANGES_SHOWN = 5


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "registry",
        help="crawl the e-再生医療 plan lists into a new snapshot and show what changed",
        description="Crawl the e-再生医療 plan lists (classes I, II, III) into a new snapshot. A list that "
        "looks broken (no rows, a column missing, a page failing, far fewer rows than last time) fails the "
        "snapshot and keeps the previous good one.",
    )
    parser.add_argument(
        "--registry-url",
        metavar="BASE",
        default=REGISTRY_URL,
        help=f"list URL to which 1, 2 and 3 are appended (default: {REGISTRY_URL})",
    )
    parser.add_argument(
        "--max-drop",
        type=float,
        default=DEFAULT_MAX_DROP,
        metavar="FRACTION",
        help="fail when rows drop by more than this fraction against the previous good snapshot (default: 0.3)",
    )
    add_db_argument(parser)
    parser.set_defaults(handler=run_registry)
    actions = parser.add_subparsers(dest="registry_command", metavar="ACTION")
    export = actions.add_parser(
        "export",
        help="write the plans of the latest good snapshot as CSV or JSON",
        description="Write the plans of the latest good snapshot, one per row: "
        + ",".join(EXPORT_COLUMNS)
        + " (modalities ';'-joined in CSV, a list in JSON), UTF-8.",
    )
    export.add_argument(
        "--format", choices=("csv", "json"), default="csv", help="output format (default: csv)"
    )
    export.add_argument("--out", metavar="FILE", type=Path, help="write to FILE instead of standard output")
    # SUPPRESS: `registry --db X export` must keep X instead of the subparser's default.
    export.add_argument(
        "--db", metavar="URL", default=argparse.SUPPRESS, help="database URL (as for registry)"
    )
    export.set_defaults(handler=run_export)


@user_errors(RegistryError)
def run_registry(args: argparse.Namespace) -> int:
    if not 0 < args.max_drop < 1:
        raise UserError(f"--max-drop {args.max_drop} must be a fraction between 0 and 1, e.g. 0.3")
    url = database_url(args.db)
    snapshot_id = crawl_registry(url, args.registry_url, max_drop=args.max_drop)
    print_summary(read_summary(open_db(args).sessions, snapshot_id))
    return 0


def print_summary(summary: SnapshotSummary, out: IO[str] | None = None) -> None:
    out = out or sys.stdout
    print(
        f"registry snapshot {summary.snapshot_id}: {summary.row_count} plans from {summary.pages} pages",
        file=out,
    )
    for plan_class, name in CLASS_NAMES.items():
        print(f"  {name}: {summary.class_counts.get(plan_class, 0)}", file=out)
    if summary.skipped_rows:
        print(
            f"  ({summary.skipped_rows} table rows were not plans, e.g. notes or repeated headers)",
            file=out,
        )
    if summary.previous_id is None:
        print("first good snapshot: no changes to report", file=out)
        return
    counts = ", ".join(f"{len(summary.changes.get(kind, []))} {kind}" for kind in Change)
    print(f"changes since snapshot {summary.previous_id}: {counts}", file=out)
    for kind in Change:
        changes = summary.changes.get(kind, [])
        for change in changes[:CHANGES_SHOWN]:
            detail = ""
            if kind == Change.CHANGED:
                detail = (
                    " (" + "; ".join(f"{k}: {old} -> {new}" for k, (old, new) in change.detail.items()) + ")"
                )
            number = change.plan_number or "(no plan number)"
            print(
                f"  {kind:<8} {CLASS_NAMES[change.plan_class]} {number} {change.facility}{detail}", file=out
            )
        if len(changes) > CHANGES_SHOWN:
            print(f"  … and {len(changes) - CHANGES_SHOWN} more {kind}", file=out)


@user_errors(RegistryError)
def run_export(args: argparse.Namespace) -> int:
    buffer = io.StringIO()
    write_rows(export_rows(open_db(args).sessions), args.format, buffer)
    data = buffer.getvalue().encode("utf-8")
    if args.out:
        try:
            args.out.write_bytes(data)
        except OSError as exc:
            raise UserError(f"cannot write {args.out}: {exc.strerror}") from exc
        return 0
    # UTF-8 whatever the terminal's locale says, as the export promises.
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()
    return 0


def write_rows(rows: list[dict[str, Any]], fmt: str, out: IO[str]) -> None:
    """CSV with the EXPORT_COLUMNS header (modalities ';'-joined), or a JSON list of objects."""
    if fmt == "json":
        json.dump(rows, out, ensure_ascii=False, indent=1)
        out.write("\n")
        return
    writer = csv.DictWriter(out, fieldnames=EXPORT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {**row, "modalities": ";".join(row["modalities"]), "plan_number": row["plan_number"] or ""}
        )
