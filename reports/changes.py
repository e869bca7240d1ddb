"""What changed since the previous run: findings that appeared or went away, and registry plans.

The previous run is the latest earlier Run of kind "run" that completed and has findings. A finding
is a clinic's `unfiled` status, each modality of its `not_covered` status, or one of its flags. A
finding is only "resolved" when the clinic was read again in this run: a site that failed to load or
was not crawled says nothing about whether the problem went away.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from db.models import Finding, RegistryChange, RegistrySnapshot, Run
from db.vocabulary import Change, RunKind, RunStatus, Status
from reports.findings import iso

# Registry snapshots walked back at most when the previous run used a much older snapshot.
MAX_SNAPSHOT_HOPS = 200


@dataclass
class Changes:
    """Keys of findings.json `changes`; each list holds small dicts ready for JSON."""

    run_id: int
    previous_run_id: int | None
    previous_run_started_at: str | None = None
    new_findings: list[dict[str, Any]] = field(default_factory=list)
    resolved_findings: list[dict[str, Any]] = field(default_factory=list)
    status_changes: list[dict[str, Any]] = field(default_factory=list)
    plans_added: list[dict[str, Any]] = field(default_factory=list)
    plans_withdrawn: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def finding_items(clinic: dict[str, Any]) -> set[tuple[str, str | None]]:
    """The findings a clinic object carries: ("unfiled", None), ("not_covered", modality), (flag, None)."""
    items: set[tuple[str, str | None]] = set()
    if clinic.get("status") == Status.UNFILED:
        items.add((Status.UNFILED, None))
    if clinic.get("status") == Status.NOT_COVERED:
        items.update((Status.NOT_COVERED, modality) for modality in clinic.get("uncovered", []))
    items.update((flag, None) for flag in clinic.get("flags", []))
    return items


def previous_run(session: Session, run_id: int) -> Run | None:
    has_findings = exists().where(Finding.run_id == Run.id)
    query = (
        select(Run)
        .where(Run.id < run_id, Run.kind == RunKind.RUN, Run.status == RunStatus.COMPLETE, has_findings)
        .order_by(Run.id.desc())
    )
    return session.scalars(query).first()


def _clinics(session: Session, run_id: int) -> dict[str, dict[str, Any]]:
    findings = session.scalars(select(Finding).where(Finding.run_id == run_id).order_by(Finding.id))
    return {finding.clinic["seed"]: finding.clinic for finding in findings if finding.clinic.get("seed")}


def _entry(
    clinic: dict[str, Any], item: tuple[str, str | None], previous_status: str | None
) -> dict[str, Any]:
    return {
        "seed": clinic["seed"],
        "name": clinic.get("name"),
        "prefecture": clinic.get("prefecture"),
        "finding": item[0],
        "modality": item[1],
        "status": clinic.get("status"),
        "previous_status": previous_status,
    }


def diff_findings(
    current: dict[str, dict[str, Any]], previous: dict[str, dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """New findings, resolved findings and status changes between two runs' clinics (keyed by seed)."""
    new, resolved, moved = [], [], []
    for seed, clinic in current.items():
        before = previous.get(seed)
        before_items = finding_items(before) if before else set()
        before_status = before.get("status") if before else None
        for item in sorted(finding_items(clinic) - before_items, key=str):
            new.append(_entry(clinic, item, before_status))
        if before is None or clinic.get("status") == Status.ERROR:
            continue
        for item in sorted(before_items - finding_items(clinic), key=str):
            resolved.append(_entry(clinic, item, before_status))
        if before_status != clinic.get("status"):
            moved.append(
                {
                    "seed": seed,
                    "name": clinic.get("name"),
                    "status": clinic.get("status"),
                    "previous_status": before_status,
                }
            )
    return new, resolved, moved


def _plan_entry(change: RegistryChange) -> dict[str, Any]:
    return {
        "plan_number": change.plan_number,
        "facility": change.facility,
        "plan_class": change.plan_class,
        "treatment": change.treatment,
        "snapshot_id": change.snapshot_id,
    }


def registry_changes(
    session: Session, current_snapshot_id: int | None, previous_snapshot_id: int | None
) -> list[tuple[str, RegistryChange]]:
    """Plan changes from the previous run's snapshot to the current one, oldest first, netted per plan.

    With no previous snapshot, the current snapshot's own changes (against its previous good one).
    """
    if current_snapshot_id is None or current_snapshot_id == previous_snapshot_id:
        return []
    hops: list[list[RegistryChange]] = []
    snapshot_id: int | None = current_snapshot_id
    while snapshot_id is not None and snapshot_id != previous_snapshot_id and len(hops) < MAX_SNAPSHOT_HOPS:
        rows = list(session.scalars(select(RegistryChange).where(RegistryChange.snapshot_id == snapshot_id)))
        hops.append(rows)
        if previous_snapshot_id is None:
            break
        snapshot = session.get(RegistrySnapshot, snapshot_id)
        snapshot_id = rows[0].previous_snapshot_id if rows else (snapshot.previous_id if snapshot else None)
    return net_changes([row for rows in reversed(hops) for row in rows])


def net_changes(changes: list[RegistryChange]) -> list[tuple[str, RegistryChange]]:
    """(added|removed|changed, newest row) per plan; added then withdrawn (or back again) is no change."""
    first: dict[str, RegistryChange] = {}
    last: dict[str, RegistryChange] = {}
    for change in changes:
        first.setdefault(change.plan_key, change)
        last[change.plan_key] = change
    kept = []
    for key, change in last.items():
        kinds = (first[key].change, change.change)
        if set(kinds) == {Change.ADDED, Change.REMOVED}:
            continue
        kept.append((Change.ADDED if kinds[0] == Change.ADDED else change.change, change))
    return kept


def changes_since_previous(session: Session, run_id: int) -> Changes:
    """New and resolved findings against the previous complete run, and plans added or withdrawn."""
    run = session.get(Run, run_id)
    if run is None:
        raise LookupError(f"run {run_id} does not exist")
    before = previous_run(session, run_id)
    changes = Changes(run_id=run_id, previous_run_id=before.id if before else None)
    if before is not None:
        changes.previous_run_started_at = iso(before.started_at)
        new, resolved, moved = diff_findings(_clinics(session, run_id), _clinics(session, before.id))
        changes.new_findings, changes.resolved_findings, changes.status_changes = new, resolved, moved
    plan_changes = registry_changes(
        session, run.registry_snapshot_id, before.registry_snapshot_id if before else None
    )
    changes.plans_added = [_plan_entry(row) for kind, row in plan_changes if kind == Change.ADDED]
    changes.plans_withdrawn = [_plan_entry(row) for kind, row in plan_changes if kind == Change.REMOVED]
    return changes
