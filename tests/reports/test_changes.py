"""Changes since the previous run: new and resolved findings, and registry plans added or withdrawn."""

from __future__ import annotations

from reports.changes import changes_since_previous, diff_findings, finding_items
from reports.findings import compute_findings
from tests.reports.conftest import World

STEM = ("PB3130001", 2, "自己脂肪由来間葉系幹細胞を用いた治療", ["stem_cell"])
PRP = ("PC3130002", 3, "多血小板血漿を用いた治療", ["prp"])


def _clinic(
    seed: str, status: str, uncovered: list[str] | None = None, flags: list[str] | None = None
) -> dict:
    return {"seed": seed, "name": seed, "status": status, "uncovered": uncovered or [], "flags": flags or []}


def test_finding_items() -> None:
    clinic = _clinic("a", "not_covered", ["stem_cell", "svf"], ["approval_claim"])
    assert finding_items(clinic) == {
        ("not_covered", "stem_cell"),
        ("not_covered", "svf"),
        ("approval_claim", None),
    }
    assert finding_items(_clinic("b", "review")) == set()


def test_a_site_that_could_not_be_read_resolves_nothing() -> None:
    new, resolved, moved = diff_findings(
        {"a": _clinic("a", "error")}, {"a": _clinic("a", "unfiled", ["prp"])}
    )
    assert (new, resolved, moved) == ([], [], [])


def _week(world: World, snap, statuses: dict[str, tuple[str, list]], status: str = "complete"):  # type: ignore[no-untyped-def]
    """A run whose sites advertise stem cells and are linked as given: host -> (decision, facilities)."""
    run = world.run(snap, status=status)
    for host, (decision, facilities) in statuses.items():
        crawl = world.site(run, host, host.split(".")[0])
        world.claim(crawl, "stem_cell")
        world.link(crawl, snap, decision, facilities)
    compute_findings(world.session, run.id, snap.id)
    return run


def test_changes_since_the_previous_complete_run(world: World) -> None:
    old = world.snapshot()
    aoba_old = world.facility(old, "青葉クリニック", [PRP])
    _week(world, old, {"aoba.example": ("match", [aoba_old]), "kiri.example": ("no_match", [])})
    # a later run that failed is not "the previous run"
    _week(world, old, {"aoba.example": ("no_match", [])}, status="failed")

    new = world.snapshot(previous=old)
    aoba_new = world.facility(new, "青葉クリニック", [PRP, STEM])
    world.change(new, old, "added", "PB3130001")
    world.change(new, old, "removed", "PC3139999")
    current = _week(
        world,
        new,
        {
            "aoba.example": ("match", [aoba_new]),
            "kiri.example": ("no_match", []),
            "sora.example": ("no_match", []),
        },
    )

    changes = changes_since_previous(world.session, current.id)
    assert changes.previous_run_id == current.id - 2
    assert [(c["seed"], c["finding"]) for c in changes.new_findings] == [("https://sora.example/", "unfiled")]
    resolved = changes.resolved_findings
    assert [(c["seed"], c["finding"], c["modality"], c["status"]) for c in resolved] == [
        ("https://aoba.example/", "not_covered", "stem_cell", "filed")
    ]
    assert [(c["seed"], c["previous_status"], c["status"]) for c in changes.status_changes] == [
        ("https://aoba.example/", "not_covered", "filed")
    ]
    assert [p["plan_number"] for p in changes.plans_added] == ["PB3130001"]
    assert [p["plan_number"] for p in changes.plans_withdrawn] == ["PC3139999"]


def test_the_first_run_has_no_previous_run(world: World) -> None:
    snap = world.snapshot()
    run = _week(world, snap, {"aoba.example": ("no_match", [])})
    changes = changes_since_previous(world.session, run.id)
    assert changes.previous_run_id is None
    assert changes.new_findings == changes.resolved_findings == []


def test_plan_changes_are_netted_across_several_snapshots(world: World) -> None:
    first = world.snapshot()
    _week(world, first, {"aoba.example": ("no_match", [])})
    second = world.snapshot(previous=first)
    world.change(second, first, "added", "PB0000001")
    world.change(second, first, "added", "PB0000002")
    third = world.snapshot(previous=second)
    world.change(third, second, "removed", "PB0000001")
    run = _week(world, third, {"aoba.example": ("no_match", [])})
    changes = changes_since_previous(world.session, run.id)
    assert [p["plan_number"] for p in changes.plans_added] == ["PB0000002"]
    assert changes.plans_withdrawn == []
