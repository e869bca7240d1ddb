"""`clinicwatch report`: write report.html, findings.csv and findings.json for a run."""

from __future__ import annotations

import argparse
from pathlib import Path

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from clinicwatch.commands.common import add_db_argument, open_db
from clinicwatch.errors import UserError, user_errors
from db.models import Finding, Run, SiteCrawl
from db.queries import latest_good_snapshot
from db.vocabulary import RunKind
from reports import write_report
from reports.findings import compute_findings


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "report", help="write report.html, findings.csv and findings.json for a run"
    )
    parser.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder for the report files")
    parser.add_argument(
        "--run", type=int, metavar="ID", help="run id (default: the latest `run` with findings)"
    )
    add_db_argument(parser)
    parser.set_defaults(handler=handle)


def latest_run_with_findings(session: Session) -> Run | None:
    """The newest weekly `run` with findings; a one-clinic `check` only when there is no such run."""
    with_findings = select(Run).where(exists().where(Finding.run_id == Run.id)).order_by(Run.id.desc())
    return (
        session.scalars(with_findings.where(Run.kind == RunKind.RUN)).first()
        or session.scalars(with_findings).first()
    )


def choose_run(session: Session, run_id: int | None) -> Run:
    """The run asked for (computing its findings if it crawled sites but has none yet), else the latest."""
    if run_id is None:
        run = latest_run_with_findings(session)
        if run is None:
            raise UserError("no run has findings yet; run `clinicwatch run --seeds FILE` first")
        return run
    run = session.get(Run, run_id)
    if run is None:
        raise UserError(f"run {run_id} does not exist in this database; `clinicwatch runs` lists them")
    has_findings = session.scalar(select(exists().where(Finding.run_id == run_id)))
    if not has_findings:
        _compute_missing_findings(session, run)
    return run


def _compute_missing_findings(session: Session, run: Run) -> None:
    if not session.scalar(select(exists().where(SiteCrawl.run_id == run.id))):
        raise UserError(
            f"run {run.id} ({run.kind}, {run.status}) crawled no sites, so it has no findings to report"
        )
    snapshot_id = run.registry_snapshot_id
    if snapshot_id is None:
        snapshot = latest_good_snapshot(session)
        if snapshot is None:
            raise UserError(
                f"run {run.id} has no registry snapshot to judge against; run `clinicwatch registry` first"
            )
        snapshot_id = snapshot.id
    compute_findings(session, run.id, snapshot_id)


@user_errors()
def handle(args: argparse.Namespace) -> int:
    with open_db(args).sessions.begin() as session:
        run = choose_run(session, args.run)
        try:
            paths = write_report(session, run.id, args.out)
        except OSError as exc:
            raise UserError(str(exc)) from exc
        counts = {status: n for status, n in _counts(session, run.id).items() if n}
    print(f"run {run.id} ({run.kind}, {run.status}): " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    for name, path in paths.items():
        print(f"{name}: {path}")
    return 0


def _counts(session: Session, run_id: int) -> dict[str, int]:
    counts: dict[str, int] = {}
    for status in session.scalars(select(Finding.status).where(Finding.run_id == run_id)):
        counts[status] = counts.get(status, 0) + 1
    return dict(sorted(counts.items()))
