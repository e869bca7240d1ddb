"""db.runs writes every run's status: start, step, complete, fail, interrupt, on both backends."""

from __future__ import annotations

import os
from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker

from db import runs
from db.clock import frozen, now
from db.models import Run
from db.vocabulary import RunKind

MONDAY = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def _run(factory: sessionmaker[Session], run_id: int) -> Run:
    with factory() as session:
        return session.get_one(Run, run_id)


def test_a_run_starts_running_owned_by_this_process(session_factory: sessionmaker[Session]) -> None:
    with frozen(MONDAY), session_factory.begin() as session:
        run_id = runs.start(session, RunKind.CRAWL, {"seeds": "seeds.csv"}).id
    run = _run(session_factory, run_id)
    assert (run.kind, run.status, run.pid, run.args["seeds"]) == (
        "crawl",
        "running",
        os.getpid(),
        "seeds.csv",
    )
    assert "host" in run.args
    assert run.started_at.replace(tzinfo=UTC) == MONDAY


def test_steps_add_counts_and_completion_keeps_them(session_factory: sessionmaker[Session]) -> None:
    with session_factory.begin() as session:
        run_id = runs.start(session, RunKind.RUN, {}).id
    with session_factory.begin() as session:
        runs.step(session, run_id, "crawl")
    with session_factory.begin() as session:
        runs.step(session, run_id, pages=12)
    with frozen(MONDAY), session_factory.begin() as session:
        runs.complete(session, run_id, counts={"step": "done"}, report_dir="/tmp/report")
    run = _run(session_factory, run_id)
    assert (run.status, run.counts, run.report_dir) == (
        "complete",
        {"step": "done", "pages": 12},
        "/tmp/report",
    )
    assert run.finished_at is not None and run.finished_at.replace(tzinfo=UTC) == MONDAY


def test_a_failure_names_its_step_after_earlier_errors(session_factory: sessionmaker[Session]) -> None:
    with session_factory.begin() as session:
        run_id = runs.start(session, RunKind.RUN, {}).id
        runs.interrupt(session, run_id)
        runs.resume(session, run_id)
        runs.fail(session, run_id, "link", "no snapshot")
    run = _run(session_factory, run_id)
    assert run.status == "failed"
    assert run.errors == [
        {"step": "?", "error": runs.INTERRUPTED},
        {"step": "resume", "error": "resumed after interruption"},
        {"step": "link", "error": "no snapshot"},
    ]


def test_only_runs_whose_process_ended_are_interrupted(session_factory: sessionmaker[Session]) -> None:
    with session_factory.begin() as session:
        alive, dead = runs.start(session, RunKind.CRAWL, {}), runs.start(session, RunKind.CRAWL, {})
        runs.step(session, dead.id, "crawl")
        stale = runs.interrupt_stale(session, lambda run: run.id == alive.id)
        assert [run.id for run in stale] == [dead.id]
        assert (alive.status, dead.status) == ("running", "interrupted")
        assert dead.errors == [{"step": "crawl", "error": runs.INTERRUPTED}]


def test_the_clock_thaws_after_the_block() -> None:
    with frozen(MONDAY):
        assert now() == MONDAY
    assert now() != MONDAY and now().tzinfo is UTC
