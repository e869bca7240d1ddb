"""The weekly job: registry, crawl, match, findings, report — each step recorded on one Run row.

This is the only place (with the command modules) that calls several packages. A step that fails
marks the run failed with the step and the reason, and no report that looks complete is written.
A run killed midway is marked interrupted by the next invocation, which resumes it.
"""

from __future__ import annotations

import socket
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from crawler.distributed import DistributedError, live_workers
from crawler.registry_job import DEFAULT_MAX_DROP, crawl_registry
from crawler.seeds import Seed, read_seeds
from crawler.sites_job import crawl_sites
from db import runs
from db.models import Run
from db.queries import latest_good_snapshot, run_process_alive
from db.session import Database
from db.vocabulary import RunKind, RunStatus
from matcher.link import link_run
from reports import write_report
from reports.findings import compute_findings

Progress = Callable[[str], None]


def stderr_progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class StepFailed(RuntimeError):
    """A pipeline step failed; the message names the step and the reason."""


@dataclass
class RunOutcome:
    run_id: int
    status: str
    report_paths: dict[str, Path] = field(default_factory=dict)
    counts: dict[str, Any] = field(default_factory=dict)


def _shared_run_alive(run: Run, host: str) -> bool:
    """A crawl shared through Redis is alive while any worker is, on any machine (or Redis is unreachable)."""
    if run.args.get("host") == host and run_process_alive(run):
        return True
    try:
        return bool(live_workers(run.args["redis"], run.id))
    except DistributedError:
        return True  # cannot tell: leave it running rather than call it interrupted


def run_alive(run: Run) -> bool:
    """Whether a running run's process may still be working on it (any worker, for a shared crawl)."""
    if run.args.get("redis"):
        return _shared_run_alive(run, socket.gethostname())
    return run_process_alive(run)


def mark_interrupted(session: Session) -> list[Run]:
    """Runs left `running` by a process that no longer exists become `interrupted`: one on this host, or a
    shared crawl none of whose workers is alive."""
    return runs.interrupt_stale(session, run_alive)


def start_run(
    factory: sessionmaker[Session], kind: RunKind, args: dict[str, Any], snapshot_id: int | None = None
) -> Run:
    with factory.begin() as session:
        mark_interrupted(session)
        return runs.start(session, kind, args, snapshot_id=snapshot_id)


def fail_run(factory: sessionmaker[Session], run_id: int, step: str, error: str) -> None:
    with factory.begin() as session:
        runs.fail(session, run_id, step, error)


def _resumable(session: Session, args: dict[str, Any]) -> Run | None:
    """The latest run of kind `run`, if it was interrupted and had the same inputs."""
    latest = session.scalars(select(Run).where(Run.kind == RunKind.RUN).order_by(Run.id.desc())).first()
    if latest is None or latest.status != RunStatus.INTERRUPTED:
        return None
    same = all(latest.args.get(key) == value for key, value in args.items())
    return latest if same else None


def _claim_run(factory: sessionmaker[Session], args: dict[str, Any], fresh: bool, progress: Progress) -> Run:
    with factory.begin() as session:
        mark_interrupted(session)
        previous = None if fresh else _resumable(session, args)
        if previous is not None:
            progress(f"resuming run {previous.id} (interrupted; started {previous.started_at:%Y-%m-%d %H:%M})")
            return runs.resume(session, previous.id)
    return start_run(factory, RunKind.RUN, args)


def _step(factory: sessionmaker[Session], run_id: int, name: str | None = None, **counts: Any) -> None:
    with factory.begin() as session:
        runs.step(session, run_id, name, **counts)


def ensure_snapshot(
    database: Database,
    registry_url: str,
    max_drop: float,
    refresh: bool,
    settings: dict[str, Any] | None = None,
) -> int:
    """The registry snapshot to use: a fresh crawl when asked (or none exists), else the latest good one."""
    if not refresh:
        with database.sessions() as session:
            snapshot = latest_good_snapshot(session)
            if snapshot is not None:
                return snapshot.id
    return crawl_registry(database.url, registry_url, max_drop=max_drop, settings=settings)


def run_steps(
    database: Database,
    run: Run,
    seeds: list[Seed],
    registry_url: str,
    *,
    crawl_settings: dict[str, Any] | None,
    max_drop: float,
    refresh_registry: bool,
    progress: Progress,
) -> int:
    """Registry → crawl → link → findings for one run; returns the snapshot id. Raises StepFailed."""
    factory = database.sessions
    step = "registry"
    try:
        snapshot_id = run.registry_snapshot_id
        if snapshot_id is None:
            progress("registry: crawling the e-再生医療 plan lists")
            snapshot_id = ensure_snapshot(
                database, registry_url, max_drop, refresh_registry, registry_settings(crawl_settings)
            )
            with factory.begin() as session:
                session.get_one(Run, run.id).registry_snapshot_id = snapshot_id
        step = "crawl"
        _step(factory, run.id, step)
        progress(f"crawl: {len(seeds)} clinic sites")
        summary = crawl_sites(database.url, run.id, seeds, settings=crawl_settings)
        failed = len(summary.sites_failed)
        _step(factory, run.id, sites_ok=summary.sites_ok, sites_failed=failed, pages=summary.pages)
        step = "link"
        _step(factory, run.id, step)
        progress("link: matching clinics to registry facilities")
        with factory.begin() as session:
            link_summary = link_run(session, run.id, snapshot_id)
        _step(factory, run.id, links=_as_counts(link_summary))
        step = "findings"
        _step(factory, run.id, step)
        with factory.begin() as session:
            findings = compute_findings(session, run.id, snapshot_id)
            by_status: dict[str, int] = {}
            for finding in findings:
                by_status[finding.status] = by_status.get(finding.status, 0) + 1
        _step(factory, run.id, findings=by_status)
        return snapshot_id
    except Exception as exc:
        fail_run(factory, run.id, step, str(exc))
        raise StepFailed(f"run {run.id} failed at step {step}: {exc}") from exc


def registry_settings(crawl_settings: dict[str, Any] | None) -> dict[str, Any]:
    """The crawl's politeness overrides that also apply to the registry (not per-site bounds)."""
    return {k: v for k, v in (crawl_settings or {}).items() if not k.startswith("CLINICWATCH_")}


def _as_counts(summary: object) -> dict[str, Any]:
    if isinstance(summary, dict):
        return summary
    return {k: v for k, v in vars(summary).items() if isinstance(v, int | float | str | dict)}


def finish_with_report(factory: sessionmaker[Session], run_id: int, out_dir: Path) -> dict[str, Path]:
    """Mark the run complete and write its report in one transaction: both happen or neither."""
    try:
        with factory.begin() as session:
            runs.complete(session, run_id, counts={"step": "done"}, report_dir=str(out_dir.resolve()))
            session.flush()
            return write_report(session, run_id, out_dir)
    except Exception as exc:
        fail_run(factory, run_id, "report", str(exc))
        raise StepFailed(f"run {run_id} failed at step report: {exc}") from exc


def load_seeds(seeds_path: Path, progress: Progress) -> list[Seed]:
    """The usable seeds of a seed file; each skipped row is reported with its line number."""
    seeds, problems = read_seeds(seeds_path)
    for problem in problems:
        progress(str(problem))
    if not seeds:
        raise StepFailed(f"seeds file {seeds_path}: no usable rows; nothing to crawl")
    return seeds


def run_pipeline(
    db_url: str | None,
    seeds_path: Path,
    registry_url: str,
    out_dir: Path,
    *,
    crawl_settings: dict[str, Any] | None = None,
    max_drop: float = DEFAULT_MAX_DROP,
    fresh: bool = False,
    progress: Progress = stderr_progress,
) -> RunOutcome:
    """The weekly job over a seed file; resumes an interrupted run with the same inputs unless `fresh`."""
    seeds = load_seeds(seeds_path, progress)
    args = {"registry_url": registry_url, "out": str(out_dir), "seeds": str(seeds_path.resolve())}
    with Database.open(db_url) as database:
        run = _claim_run(database.sessions, args, fresh, progress)
        run_steps(
            database,
            run,
            seeds,
            registry_url,
            crawl_settings=crawl_settings,
            max_drop=max_drop,
            refresh_registry=True,
            progress=progress,
        )
        paths = finish_with_report(database.sessions, run.id, out_dir)
        with database.sessions() as session:
            final = session.get_one(Run, run.id)
            return RunOutcome(run.id, final.status, paths, dict(final.counts))
