"""The words stored in the database and written to findings.json, each vocabulary defined once.

Every vocabulary is a StrEnum: a member is the very string users' scripts read (`Status.UNFILED ==
"unfiled"`, and it serialises as "unfiled"), so columns, JSON and reports keep their values.
"""

from __future__ import annotations

from enum import StrEnum


class RunKind(StrEnum):
    RUN = "run"
    CRAWL = "crawl"
    REGISTRY = "registry"
    CHECK = "check"


class RunStatus(StrEnum):
    RUNNING = "running"
    COMPLETE = "complete"
    FAILED = "failed"
    INTERRUPTED = "interrupted"


class SnapshotStatus(StrEnum):
    """Only `good` snapshots are ever matched against."""

    RUNNING = "running"
    GOOD = "good"
    FAILED = "failed"


class CrawlStatus(StrEnum):
    RUNNING = "running"
    OK = "ok"
    FAILED = "failed"


class FactKind(StrEnum):
    """What an identity fact says about who the clinic is."""

    NAME = "name"
    CORPORATION = "corporation"
    BRANCH = "branch"
    ADDRESS = "address"
    PHONE = "phone"
    PLAN_NUMBER = "plan_number"


class NameSource(StrEnum):
    """Where a fact was read, most trusted first: structured data, the site's tables and footer, its
    title and text, then the seed list and open data."""

    JSONLD = "jsonld"
    OG = "og"
    TABLE = "table"
    FOOTER = "footer"
    TITLE = "title"
    TEXT = "text"
    ALT = "alt"
    SEED = "seed"
    OPENDATA = "opendata"

    @classmethod
    def rank(cls, source: str) -> int:
        """Position in the trust order; a source not listed ranks last."""
        try:
            return list(cls).index(cls(source))
        except ValueError:
            return len(cls)


class Decision(StrEnum):
    """A link's decision: the site is this facility, a person must decide, or it is none of them."""

    MATCH = "match"
    REVIEW = "review"
    NO_MATCH = "no_match"


class Verdict(StrEnum):
    """One registry candidate's verdict within a link's explanation."""

    ACCEPTED = "accepted"
    REVIEW = "review"
    REJECTED = "rejected"


class JudgementVerdict(StrEnum):
    """An analyst's judgement on a site–facility pair."""

    CONFIRM = "confirm"
    REJECT = "reject"


class Status(StrEnum):
    """A clinic's finding (reports/status.py states the rules)."""

    UNFILED = "unfiled"
    NOT_COVERED = "not_covered"
    REVIEW = "review"
    FILED = "filed"
    NONE = "none"
    ERROR = "error"


class Flag(StrEnum):
    """Something a reader should look at, whatever the status: raised by extraction or by findings."""

    CELL_FREE_AS_REGENERATIVE = "cell_free_as_regenerative"
    APPROVAL_CLAIM = "approval_claim"
    PLAN_NUMBER_NOT_IN_REGISTRY = "plan_number_not_in_registry"
    PLAN_NUMBER_OTHER_FACILITY = "plan_number_other_facility"


class Change(StrEnum):
    """How a registry plan changed against the previous good snapshot."""

    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"
