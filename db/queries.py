"""Small read queries that several packages need, kept in one place."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import SNAPSHOT_GOOD, RegistrySnapshot


def latest_good_snapshot(session: Session) -> RegistrySnapshot | None:
    """The newest registry snapshot that passed its guard: the one every match uses."""
    return session.scalars(
        select(RegistrySnapshot).where(RegistrySnapshot.status == SNAPSHOT_GOOD).order_by(RegistrySnapshot.id.desc())
    ).first()
