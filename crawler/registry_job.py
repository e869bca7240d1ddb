"""Crawl the registry into a new snapshot (the spider runs in a child process), and read it back.

`crawl_registry` is what `clinicwatch registry` calls: it opens a Run and a running snapshot, runs the
registry spider (whose pipeline stores the plans and applies the guard), and raises RegistryError with
the guard's message when the snapshot failed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from crawler.runner import CrawlFailed, crawl
from db import runs
from db.clock import now
from db.models import RegistryChange, RegistryPlan, RegistrySnapshot, Run
from db.queries import latest_good_snapshot, run_process_alive
from db.session import Database, transaction
from db.vocabulary import Change, RunKind, RunStatus, SnapshotStatus

DEFAULT_MAX_DROP = 0.3
EXPORT_COLUMNS = ("class", "facility", "prefecture", "address", "plan_number", "treatment", "modalities")


class RegistryError(RuntimeError):
    """The registry crawl failed or its snapshot failed the guard; the message names page and problem."""


@dataclass
class SnapshotSummary:
    snapshot_id: int
    status: str
    row_count: int
    class_counts: dict[int, int]
    previous_id: int | None
    pages: int = 0
    skipped_rows: int = 0
    changes: dict[str, list[RegistryChange]] = field(default_factory=dict)


def crawl_registry(
    db_url: str, base_url: str, *, max_drop: float = DEFAULT_MAX_DROP, settings: dict[str, Any] | None = None
) -> int:
    """Crawl every class's list into a new snapshot and return its id once it is good.

    Raises RegistryError (the previous good snapshot stays in use) when the crawl or the guard fails.
    """
    with Database.open(db_url) as database:
        factory = database.sessions
        run_id, snapshot_id = _start(factory, base_url, max_drop)
        crawl_error = None
        try:
            crawl(
                "registry",
                {
                    **(settings or {}),
                    # Load only this spider: a broken import elsewhere must not stop the registry.
                    "SPIDER_MODULES": ["crawler.spiders.registry"],
                    "CLINICWATCH_DB": db_url,
                    "REGISTRY_SNAPSHOT_ID": snapshot_id,
                    "REGISTRY_MAX_DROP": max_drop,
                },
                {"base_url": base_url},
            )
        except CrawlFailed as exc:
            crawl_error = str(exc)
        error = _finish(factory, run_id, snapshot_id, crawl_error)
    if error:
        raise RegistryError(error)
    return snapshot_id


def fail_abandoned_snapshots(session: Session) -> list[int]:
    """Snapshots left `running` by a registry run whose process died become failed (its run interrupted)."""
    abandoned = []
    for snapshot in session.scalars(
        select(RegistrySnapshot).where(RegistrySnapshot.status == SnapshotStatus.RUNNING)
    ):
        run = session.scalars(
            select(Run).where(Run.kind == RunKind.REGISTRY, Run.registry_snapshot_id == snapshot.id)
        ).first()
        if run is not None and run.status == RunStatus.RUNNING and run_process_alive(run):
            continue
        snapshot.status = SnapshotStatus.FAILED
        snapshot.error = f"registry {snapshot.base_url}: interrupted, the crawl stopped before finishing"
        snapshot.finished_at = snapshot.finished_at or now()
        if run is not None and run.status == RunStatus.RUNNING:
            runs.interrupt(session, run.id)
        abandoned.append(snapshot.id)
    return abandoned


def _start(factory: sessionmaker[Session], base_url: str, max_drop: float) -> tuple[int, int]:
    with transaction(factory) as session:
        fail_abandoned_snapshots(session)
        previous = latest_good_snapshot(session)
        snapshot = RegistrySnapshot(
            base_url=base_url, status=SnapshotStatus.RUNNING, previous_id=previous and previous.id
        )
        session.add(snapshot)
        session.flush()
        args = {"base_url": base_url, "max_drop": max_drop}
        run = runs.start(session, RunKind.REGISTRY, args, snapshot_id=snapshot.id)
        return run.id, snapshot.id


def _finish(
    factory: sessionmaker[Session], run_id: int, snapshot_id: int, crawl_error: str | None
) -> str | None:
    """Close the run from the snapshot's outcome; a snapshot the child never finished is failed here."""
    with transaction(factory) as session:
        snapshot = session.get_one(RegistrySnapshot, snapshot_id)
        if snapshot.status == SnapshotStatus.RUNNING:
            previous = session.get(RegistrySnapshot, snapshot.previous_id) if snapshot.previous_id else None
            keeping = f"keeping snapshot {previous.id}" if previous else "no earlier good snapshot to keep"
            snapshot.status = SnapshotStatus.FAILED
            snapshot.error = (
                f"registry {snapshot.base_url}: {crawl_error or 'the crawl stored nothing'}; {keeping}"
            )
            snapshot.finished_at = now()
        counts = dict(snapshot.class_counts, rows=snapshot.row_count)
        runs.step(session, run_id, **counts)
        if snapshot.status != SnapshotStatus.GOOD:
            error = snapshot.error or f"registry {snapshot.base_url}: snapshot {snapshot.id} failed"
            runs.fail(session, run_id, "registry", error)
            return error
        changes = {kind: len(changes) for kind, changes in _changes_by_kind(session, snapshot_id).items()}
        runs.complete(session, run_id, counts=changes)
        return None


def _changes_by_kind(session: Session, snapshot_id: int) -> dict[str, list[RegistryChange]]:
    rows = session.scalars(
        select(RegistryChange).where(RegistryChange.snapshot_id == snapshot_id).order_by(RegistryChange.id)
    )
    grouped: dict[str, list[RegistryChange]] = {kind: [] for kind in Change}
    for change in rows:
        grouped.setdefault(change.change, []).append(change)
    return grouped


def snapshot_summary(factory: sessionmaker[Session], snapshot_id: int) -> SnapshotSummary:
    """Rows per class and the changes recorded against the previous good snapshot."""
    with factory() as session:
        snapshot = session.get_one(RegistrySnapshot, snapshot_id)
        return SnapshotSummary(
            snapshot_id=snapshot.id,
            status=snapshot.status,
            row_count=snapshot.row_count,
            class_counts={int(c): n for c, n in snapshot.class_counts.items()},
            previous_id=snapshot.previous_id,
            pages=len(snapshot.pages),
            skipped_rows=sum(page.get("skipped_rows", 0) for page in snapshot.pages),
            changes=_changes_by_kind(session, snapshot_id),
        )


def export_rows(factory: sessionmaker[Session]) -> list[dict[str, Any]]:
    """The plans of the latest good snapshot, one dict per plan with the EXPORT_COLUMNS keys.

    `modalities` is a list of ids. Raises RegistryError when no snapshot is good yet.
    """
    with factory() as session:
        snapshot = latest_good_snapshot(session)
        if snapshot is None:
            raise RegistryError(
                "no good registry snapshot in the database yet; run `clinicwatch registry` first"
            )
        plans = session.scalars(
            select(RegistryPlan)
            .where(RegistryPlan.snapshot_id == snapshot.id)
            .order_by(RegistryPlan.plan_class, RegistryPlan.id)
        )
        return [
            {
                "class": plan.plan_class,
                "facility": plan.facility,
                "prefecture": plan.prefecture,
                "address": plan.address,
                "plan_number": plan.plan_number,
                "treatment": plan.treatment,
                "modalities": list(plan.modalities),
            }
            for plan in plans
        ]
