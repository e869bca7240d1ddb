"""The one place a run's status is written: start, step, complete, fail, interrupt.

Every long command records itself as a `Run` row (kind, status, counts, errors). Each function works
in the caller's session, so that a status change commits with the work it records (a run is complete
only if its report was written). Errors are `{"step": ..., "error": ...}` objects, in order.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.clock import now
from db.models import Run
from db.vocabulary import RunKind, RunStatus

INTERRUPTED = "process ended without finishing"


def start(session: Session, kind: RunKind, args: dict[str, Any], *, snapshot_id: int | None = None) -> Run:
    """A new running run of `kind` owned by this process (its pid and host go with `args`)."""
    run = Run(
        kind=kind,
        status=RunStatus.RUNNING,
        pid=os.getpid(),
        args={**args, "host": socket.gethostname()},
        registry_snapshot_id=snapshot_id,
    )
    session.add(run)
    session.flush()
    return run


def resume(session: Session, run_id: int) -> Run:
    """An interrupted run taken over by this process: running again, with the resumption in its errors."""
    run = session.get_one(Run, run_id)
    run.status = RunStatus.RUNNING
    run.pid = os.getpid()
    run.finished_at = None
    run.errors = [*run.errors, {"step": "resume", "error": "resumed after interruption"}]
    return run


def step(session: Session, run_id: int, name: str | None = None, **counts: Any) -> None:
    """Add `counts` to the run's counts and, given a `name`, record that the run is now at that step."""
    run = session.get_one(Run, run_id)
    run.counts = {**run.counts, **counts, **({"step": name} if name else {})}


def complete(
    session: Session,
    run_id: int,
    *,
    counts: dict[str, Any] | None = None,
    errors: list[dict[str, str]] | None = None,
    report_dir: str | None = None,
) -> None:
    """The run finished: complete, with its last counts, the problems it lived with and its report folder."""
    run = session.get_one(Run, run_id)
    run.status = RunStatus.COMPLETE
    run.finished_at = now()
    run.counts = {**run.counts, **(counts or {})}
    run.errors = [*run.errors, *(errors or [])]
    run.report_dir = report_dir or run.report_dir


def fail(session: Session, run_id: int, step_name: str, error: str) -> None:
    """The run stopped at `step_name` because of `error`."""
    run = session.get_one(Run, run_id)
    run.status = RunStatus.FAILED
    run.finished_at = now()
    run.errors = [*run.errors, {"step": step_name, "error": error}]


def interrupt(session: Session, run_id: int) -> None:
    """The run's process ended without finishing it: interrupted at the step it had reached."""
    run = session.get_one(Run, run_id)
    run.status = RunStatus.INTERRUPTED
    run.finished_at = run.finished_at or now()
    run.errors = [*run.errors, {"step": run.counts.get("step", "?"), "error": INTERRUPTED}]


def interrupt_stale(session: Session, alive: Callable[[Run], bool]) -> list[Run]:
    """Interrupt the runs left `running` whose process `alive` says has ended; returns them."""
    stale = [run for run in session.scalars(select(Run).where(Run.status == RunStatus.RUNNING)) if not alive(run)]
    for run in stale:
        interrupt(session, run.id)
    return stale
