"""The one clock every stage reads, so that tests can freeze time (`with frozen(at): ...`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

_frozen_at: datetime | None = None


def now() -> datetime:
    """The current time in UTC, or the time a test froze it at."""
    return _frozen_at if _frozen_at is not None else datetime.now(UTC)


@contextmanager
def frozen(at: datetime) -> Iterator[datetime]:
    """Within the block `now()` returns `at` (in this process; crawl children keep the real clock)."""
    global _frozen_at
    previous, _frozen_at = _frozen_at, at
    try:
        yield at
    finally:
        _frozen_at = previous
