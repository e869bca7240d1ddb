"""Store one registry crawl as a snapshot, after the guard has checked it looks like a whole list.

The pipeline collects the spider's plans and, when the spider closes, `store_snapshot` either marks the
snapshot good (plans, facilities and changes against the previous good snapshot written in one
transaction) or failed with an error that names the page and the problem. A failed snapshot stores no
plans, so the previous good one stays the one in use.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from dataclasses import asdict
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from sqlalchemy import insert, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from crawler.registry_job import DEFAULT_MAX_DROP
from crawler.registry_parse import RegistryRow, collapse_spaces
from crawler.runner import FAILED_STAT
from db.clock import now
from db.models import RegistryChange, RegistryFacility, RegistryPlan, RegistrySnapshot
from db.queries import latest_good_snapshot
from db.session import Database, DatabaseError, transaction
from db.vocabulary import Change, SnapshotStatus

CHANGE_FIELDS = ("facility", "prefecture", "address", "treatment", "accepted_on")
MAX_PROBLEMS_SHOWN = 5
# A class this small can lose a third of its rows in a normal week; below this only the total counts.
MIN_CLASS_ROWS_FOR_DROP = 50


def crawl_order(rows: list[RegistryRow]) -> list[RegistryRow]:
    """Rows by class, then page number, then position on the page (pages arrive in any order)."""

    def page_number(row: RegistryRow) -> int:
        found = re.search(r"page:(\d+)", row.source_url)
        return int(found.group(1)) if found else 1

    return sorted(rows, key=lambda row: (row.plan_class, page_number(row)))


def plan_keys(rows: list[RegistryRow]) -> list[str]:
    """A key per row: its plan number, else a hash of class, facility, address and treatment.

    Keys repeated within one crawl get a suffix (#2, #3) in row order.
    """
    seen: Counter[str] = Counter()
    keys = []
    for row in rows:
        key = row.plan_number or _content_key(row)
        seen[key] += 1
        keys.append(key if seen[key] == 1 else f"{key}#{seen[key]}")
    return keys


def _content_key(row: RegistryRow) -> str:
    parts = [str(row.plan_class), row.facility, row.prefecture, row.address, row.treatment]
    folded = "|".join(collapse_spaces(unicodedata.normalize("NFKC", part)) for part in parts)
    return "h:" + hashlib.sha1(folded.encode("utf-8")).hexdigest()[:16]


def guard_problems(
    rows: list[RegistryRow], pages: list[dict[str, Any]], previous: RegistrySnapshot | None, max_drop: float
) -> list[str]:
    """Why this crawl does not look like the whole registry: no rows, a page missing, a large drop."""
    problems = [] if rows else ["registry: no plan rows were read"]
    counts = Counter(row.plan_class for row in rows)
    problems += _announced_total_problems(counts, pages)
    if previous is not None and rows:
        problems += _drop_problems(counts, previous, max_drop)
    return problems


def _announced_total_problems(counts: Counter[int], pages: list[dict[str, Any]]) -> list[str]:
    """A class whose pages announce a total (全52件) that the rows read do not reach: a page is missing."""
    problems = []
    for plan_class in sorted({page["class"] for page in pages}):
        class_pages = [page for page in pages if page["class"] == plan_class]
        announced = max((page["declared_total"] or 0 for page in class_pages), default=0)
        if announced and counts[plan_class] != announced:
            problems.append(
                f"registry list {class_pages[0]['url']}: read {counts[plan_class]} rows over "
                f"{len(class_pages)} page(s) but the list announces 全{announced}件"
            )
    return problems


def _drop_problems(counts: Counter[int], previous: RegistrySnapshot, max_drop: float) -> list[str]:
    """Rows fewer than the previous good snapshot's by more than max_drop, in total or in a large class."""
    before = {"all": previous.row_count} | {
        c: n for c, n in previous.class_counts.items() if n >= MIN_CLASS_ROWS_FOR_DROP
    }
    problems = []
    for scope, old in before.items():
        new = counts.total() if scope == "all" else counts[int(scope)]
        drop = (old - new) / old if old else 0.0
        if drop > max_drop:
            where = "registry" if scope == "all" else f"registry class {scope}"
            problems.append(
                f"{where}: {new} rows, {drop:.0%} fewer than the {old} of snapshot {previous.id} "
                f"(limit {max_drop:.0%})"
            )
    return problems


def _failure_message(problems: list[str], previous: RegistrySnapshot | None) -> str:
    shown = problems[:MAX_PROBLEMS_SHOWN]
    if len(problems) > MAX_PROBLEMS_SHOWN:
        shown.append(f"and {len(problems) - MAX_PROBLEMS_SHOWN} more problems")
    if previous is None:
        keeping = "no earlier good snapshot to keep"
    else:
        keeping = f"keeping snapshot {previous.id} of {previous.started_at:%Y-%m-%d}"
    return "; ".join(shown) + f"; {keeping}"


def _plan_values(row: RegistryRow, key: str, snapshot_id: int, facility_id: int) -> dict[str, Any]:
    return dict(asdict(row), snapshot_id=snapshot_id, plan_key=key, facility_id=facility_id)


def _facility_ids(session: Session, snapshot_id: int, rows: list[RegistryRow]) -> list[int]:
    """One RegistryFacility per distinct (name, prefecture, address); their ids in row order."""
    by_identity: dict[tuple[str, str, str], RegistryFacility] = {}
    for row in rows:
        identity = (row.facility, row.prefecture, row.address)
        if identity not in by_identity:
            by_identity[identity] = RegistryFacility(
                snapshot_id=snapshot_id,
                name=row.facility,
                name_raw=row.facility_raw,
                prefecture=row.prefecture,
                address=row.address,
            )
    session.add_all(by_identity.values())
    session.flush()
    return [by_identity[(row.facility, row.prefecture, row.address)].id for row in rows]


def _changes(
    session: Session, snapshot_id: int, previous: RegistrySnapshot, plans: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Plans added, removed and changed (same key, other facility/address/treatment/date)."""
    columns = [
        getattr(RegistryPlan, name) for name in ("plan_key", "plan_number", "plan_class", *CHANGE_FIELDS)
    ]
    query = select(*columns).where(RegistryPlan.snapshot_id == previous.id)
    old = {plan["plan_key"]: plan for plan in session.execute(query).mappings()}
    new = {plan["plan_key"]: plan for plan in plans}

    def change(kind: str, plan: Any, detail: dict[str, Any]) -> dict[str, Any]:
        return {
            "snapshot_id": snapshot_id,
            "previous_snapshot_id": previous.id,
            "change": kind,
            "plan_key": plan["plan_key"],
            "plan_number": plan["plan_number"],
            "facility": plan["facility"],
            "plan_class": plan["plan_class"],
            "treatment": plan["treatment"],
            "detail": detail,
        }

    changes = []
    for key, plan in new.items():
        before = old.get(key)
        if before is None:
            changes.append(
                change(Change.ADDED, plan, {"prefecture": plan["prefecture"], "address": plan["address"]})
            )
            continue
        differs = {name: [before[name], plan[name]] for name in CHANGE_FIELDS if before[name] != plan[name]}
        if differs:
            changes.append(change(Change.CHANGED, plan, differs))
    for key, gone in old.items():
        if key not in new:
            changes.append(
                change(Change.REMOVED, gone, {"prefecture": gone["prefecture"], "address": gone["address"]})
            )
    return changes


def store_snapshot(
    factory: sessionmaker[Session],
    snapshot_id: int,
    rows: list[RegistryRow],
    pages: list[dict[str, Any]],
    crawl_problems: list[str],
    max_drop: float = DEFAULT_MAX_DROP,
) -> str | None:
    """Finish snapshot `snapshot_id`: good with its plans and changes, or failed. Returns the error, if any."""
    with transaction(factory) as session:
        snapshot = session.get_one(RegistrySnapshot, snapshot_id)
        previous = latest_good_snapshot(session)
        problems = crawl_problems + guard_problems(rows, pages, previous, max_drop)
        snapshot.row_count = len(rows)
        snapshot.class_counts = {str(c): n for c, n in sorted(Counter(r.plan_class for r in rows).items())}
        snapshot.pages = sorted(pages, key=lambda page: (page["class"], page["url"]))
        snapshot.previous_id = previous.id if previous else None
        snapshot.finished_at = now()
        if problems:
            snapshot.status = SnapshotStatus.FAILED
            snapshot.error = _failure_message(problems, previous)
            return snapshot.error
        rows = crawl_order(rows)
        facility_ids = _facility_ids(session, snapshot_id, rows)
        plans = [
            _plan_values(row, key, snapshot_id, facility_id)
            for row, key, facility_id in zip(rows, plan_keys(rows), facility_ids, strict=True)
        ]
        # Bulk inserts: a real registry is ~7,000 plans, too many for the ORM's unit of work.
        session.execute(insert(RegistryPlan), plans)
        changes = _changes(session, snapshot_id, previous, plans) if previous is not None else []
        if changes:
            session.execute(insert(RegistryChange), changes)
        snapshot.status = SnapshotStatus.GOOD
        return None


class RegistrySnapshotPipeline:
    """Collects the registry spider's plans and stores them when it closes (settings below).

    CLINICWATCH_DB: database URL; REGISTRY_SNAPSHOT_ID: the running snapshot to finish;
    REGISTRY_MAX_DROP: the largest drop in rows against the previous good snapshot (0.3 = 30 %).
    """

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        if not settings.get("CLINICWATCH_DB") or not settings.getint("REGISTRY_SNAPSHOT_ID"):
            raise ValueError(
                "the registry pipeline needs the CLINICWATCH_DB and REGISTRY_SNAPSHOT_ID settings"
            )
        self.crawler = crawler
        self.db_url: str = settings["CLINICWATCH_DB"]
        self.snapshot_id = settings.getint("REGISTRY_SNAPSHOT_ID")
        self.max_drop = settings.getfloat("REGISTRY_MAX_DROP", DEFAULT_MAX_DROP)
        self.rows: list[RegistryRow] = []
        self.errors: list[str] = []
        crawler.signals.connect(self.spider_error, signal=signals.spider_error)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RegistrySnapshotPipeline:
        return cls(crawler)

    def process_item(self, item: RegistryRow) -> RegistryRow:
        self.rows.append(item)
        return item

    def spider_error(self, failure: Any, response: Any, spider: Any) -> None:
        self.errors.append(
            f"registry page {response.url}: {failure.type.__name__}: {failure.getErrorMessage()}"
        )

    def spider_closed(self, spider: Any, reason: str) -> None:
        problems = list(getattr(spider, "problems", [])) + self.errors
        if reason != "finished":
            problems.append(f"registry crawl ended early ({reason})")
        try:
            with Database.open(self.db_url) as database:
                error = store_snapshot(
                    database.sessions,
                    self.snapshot_id,
                    self.rows,
                    list(getattr(spider, "pages", [])),
                    problems,
                    self.max_drop,
                )
        except (DatabaseError, SQLAlchemyError) as exc:
            # The caller finds the snapshot still running and fails it with the crawl's exit status.
            reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            if self.crawler.stats is not None:
                self.crawler.stats.set_value(
                    FAILED_STAT, f"storing snapshot {self.snapshot_id} failed: {reason}"
                )
            return
        if error and self.crawler.stats is not None:
            # The runner prints this line; the full error goes on the snapshot, which the caller reports.
            self.crawler.stats.set_value(FAILED_STAT, f"snapshot {self.snapshot_id} failed its checks")
