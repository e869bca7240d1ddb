"""Small read queries that several packages need, kept in one place."""

from __future__ import annotations

import os
import socket

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import RegistrySnapshot, Run
from db.vocabulary import SnapshotStatus


def latest_good_snapshot(session: Session) -> RegistrySnapshot | None:
    """The newest registry snapshot that passed its guard: the one every match uses."""
    return session.scalars(
        select(RegistrySnapshot).where(RegistrySnapshot.status == SnapshotStatus.GOOD).order_by(RegistrySnapshot.id.desc())
    ).first()


def run_process_alive(run: Run) -> bool:
    """Whether the process that started `run` may still be working on it.

    A run started on another host is taken to be alive: its pid cannot be checked from here.
    """
    if run.args.get("host") != socket.gethostname():
        return True
    if not run.pid:
        return False
    try:
        os.kill(run.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
