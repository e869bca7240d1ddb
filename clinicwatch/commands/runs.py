"""`clinicwatch runs`: past runs with their status, counts and errors."""

from __future__ import annotations

import argparse

from sqlalchemy import select

from clinicwatch.commands.common import add_db_argument, open_db
from clinicwatch.errors import user_errors
from clinicwatch.pipeline import mark_interrupted
from db.models import Run


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("runs", help="list past runs")
    parser.add_argument("--limit", type=int, default=20)
    add_db_argument(parser)
    parser.set_defaults(handler=handle)


def _describe(run: Run) -> str:
    finished = f"{run.finished_at:%Y-%m-%d %H:%M}" if run.finished_at else "-"
    counts = run.counts.get("findings") or {k: v for k, v in run.counts.items() if isinstance(v, int)}
    summary = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
    line = f"{run.id:>5}  {run.kind:<9} {run.status:<11} {run.started_at:%Y-%m-%d %H:%M}  {finished:<16}  {summary}"
    for error in run.errors[-3:]:
        if isinstance(error, str):  # registry runs stored bare messages before db.runs
            error = {"step": run.kind, "error": error}
        line += f"\n       {error.get('step', '?')}: {error.get('error', '')}"
    return line


@user_errors()
def handle(args: argparse.Namespace) -> int:
    factory = open_db(args).sessions
    with factory.begin() as session:
        mark_interrupted(session)
    with factory() as session:
        runs = session.scalars(select(Run).order_by(Run.id.desc()).limit(args.limit)).all()
        if not runs:
            print("no runs yet")
        print("   id  kind      status      started           finished          counts")
        for run in runs:
            print(_describe(run))
    return 0
