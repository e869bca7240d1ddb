"""Everything one report shows, read from the database once: the run, its clinics, the changes."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.clock import now
from db.models import Finding, RegistrySnapshot, Run
from db.vocabulary import Flag, Status
from reports import status as st
from reports.changes import Changes, changes_since_previous
from reports.findings import iso


@dataclass
class ReportData:
    run: dict[str, Any]
    clinics: list[dict[str, Any]]
    changes: Changes


def report_order(clinic: dict[str, Any]) -> tuple[int, str, str]:
    """Flagged clinics first (unfiled, not_covered, review, any flags), then filed, none, error."""
    rank = st.report_rank(clinic.get("status", ""), clinic.get("flags", []))
    return (rank, clinic.get("name") or "", clinic.get("seed") or "")


def snapshot_object(snapshot: RegistrySnapshot | None) -> dict[str, Any] | None:
    if snapshot is None:
        return None
    return {
        "id": snapshot.id,
        "base_url": snapshot.base_url,
        "finished_at": iso(snapshot.finished_at),
        "row_count": snapshot.row_count,
        "class_counts": dict(snapshot.class_counts or {}),
    }


def run_object(run: Run, snapshot: RegistrySnapshot | None, clinics: list[dict[str, Any]]) -> dict[str, Any]:
    """findings.json `run`: the run, the registry snapshot it used, and counts by status and flag."""
    by_status = Counter(clinic["status"] for clinic in clinics)
    by_flag = Counter(flag for clinic in clinics for flag in clinic.get("flags", []))
    return {
        "id": run.id,
        "kind": run.kind,
        "status": run.status,
        "started_at": iso(run.started_at),
        "finished_at": iso(run.finished_at),
        "generated_at": iso(now()),
        "registry_snapshot": snapshot_object(snapshot),
        "clinic_count": len(clinics),
        "counts": {status: by_status.get(status, 0) for status in tuple(Status)},
        "flag_counts": {flag: by_flag.get(flag, 0) for flag in tuple(Flag)},
    }


def load_report(session: Session, run_id: int) -> ReportData:
    run = session.get(Run, run_id)
    if run is None:
        raise LookupError(f"run {run_id} does not exist in this database")
    findings = session.scalars(select(Finding).where(Finding.run_id == run_id))
    clinics = sorted((finding.clinic for finding in findings), key=report_order)
    snapshot = session.get(RegistrySnapshot, run.registry_snapshot_id) if run.registry_snapshot_id else None
    return ReportData(run_object(run, snapshot, clinics), clinics, changes_since_previous(session, run_id))
