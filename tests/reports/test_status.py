"""The status rules as pure functions: coverage, class I, link decisions, severity, plan-number flags."""

from __future__ import annotations

import pytest

from db.vocabulary import Flag, Status
from reports import status as st

STEM_II = st.PlanCover(frozenset({"stem_cell"}), 2)
PRP_III = st.PlanCover(frozenset({"prp"}), 3)
CORD_II = st.PlanCover(frozenset({"stem_cell_allogeneic"}), 2)
CORD_I = st.PlanCover(frozenset({"stem_cell_allogeneic"}), 1)


def test_a_plan_covers_the_modalities_it_lists() -> None:
    assert st.covers(STEM_II, "stem_cell")
    assert not st.covers(STEM_II, "prp")


def test_donor_and_cord_cells_need_a_class_one_plan() -> None:
    assert not st.covers(CORD_II, "stem_cell_allogeneic")
    assert st.covers(CORD_I, "stem_cell_allogeneic")


def test_uncovered_lists_each_missing_modality_once_in_order() -> None:
    assert st.uncovered_modalities(["svf", "prp", "svf", "stem_cell"], [PRP_III]) == ("svf", "stem_cell")


def test_filed_when_every_required_modality_is_covered() -> None:
    verdict = st.link_verdict(["stem_cell", "prp"], "match", [STEM_II, PRP_III])
    assert verdict.status == Status.FILED
    assert verdict.uncovered == ()


def test_not_covered_names_the_uncovered_modality() -> None:
    verdict = st.link_verdict(["stem_cell", "prp"], "match", [PRP_III])
    assert verdict.status == Status.NOT_COVERED
    assert verdict.uncovered == ("stem_cell",)


def test_not_covered_when_cord_cells_are_filed_only_as_class_two() -> None:
    verdict = st.link_verdict(["stem_cell_allogeneic"], "match", [CORD_II])
    assert (verdict.status, verdict.uncovered) == (Status.NOT_COVERED, ("stem_cell_allogeneic",))


def test_review_not_not_covered_when_a_plan_s_treatment_was_not_recognised() -> None:
    unknown = st.PlanCover(frozenset(), 2)
    verdict = st.link_verdict(["stem_cell", "prp"], "match", [PRP_III, unknown])
    assert (verdict.status, verdict.uncovered) == (Status.REVIEW, ("stem_cell",))
    assert "not recognised" in verdict.reason


def test_unfiled_when_no_facility_is_this_clinic() -> None:
    verdict = st.link_verdict(["stem_cell"], "no_match", [])
    assert (verdict.status, verdict.uncovered) == (Status.UNFILED, ("stem_cell",))


def test_review_when_the_link_is_ambiguous_even_if_a_branch_matched() -> None:
    assert st.link_verdict(["stem_cell"], "review", [STEM_II]).status == Status.REVIEW


def test_none_when_nothing_needs_a_filing_whatever_the_link() -> None:
    for decision in ("match", "review", "no_match", None):
        assert st.link_verdict([], decision, []).status == Status.NONE


def test_a_missing_link_is_never_read_as_unfiled() -> None:
    assert st.link_verdict(["prp"], None, []).status == Status.REVIEW


def test_an_unlinked_clinic_with_an_ambiguous_branch_is_review_not_unfiled() -> None:
    assert st.link_verdict(["prp"], "no_match", [], other_decisions=["review"]).status == Status.REVIEW


def test_an_unlinked_clinic_is_covered_by_its_branches_matched_plans() -> None:
    assert st.link_verdict(["prp"], "no_match", [PRP_III], other_decisions=["match"]).status == Status.FILED


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        (["filed", "unfiled", "review"], "unfiled"),
        (["none", "not_covered", "review"], "not_covered"),
        (["filed", "review", "none"], "review"),
        (["none", "filed"], "filed"),
        ([], "none"),
    ],
)
def test_most_serious(statuses: list[str], expected: str) -> None:
    assert st.most_serious(statuses) == expected


REGISTRY_NUMBERS = {"PB1234567": {10}, "PC7654321": {20}, "PC1111111": set()}


def test_plan_number_not_in_registry() -> None:
    flags = st.plan_number_flags(["PB9999999"], REGISTRY_NUMBERS, {10})
    assert flags == [st.PlanNumberFlag(Flag.PLAN_NUMBER_NOT_IN_REGISTRY, "PB9999999")]


def test_plan_number_of_another_facility() -> None:
    flags = st.plan_number_flags(["ＰＣ７６５４３２１"], REGISTRY_NUMBERS, {10})
    assert flags == [st.PlanNumberFlag(Flag.PLAN_NUMBER_OTHER_FACILITY, "PC7654321", (20,))]


def test_own_plan_number_and_facility_less_plans_raise_no_flag() -> None:
    assert st.plan_number_flags(["PB1234567", "PB1234567", "PC1111111"], REGISTRY_NUMBERS, {10}) == []


def test_report_order_puts_findings_first_then_flagged_clinics() -> None:
    ranks = {
        name: st.report_rank(status, flags)
        for name, status, flags in [
            ("unfiled", "unfiled", []),
            ("not_covered", "not_covered", []),
            ("review", "review", []),
            ("flagged_none", "none", ["approval_claim"]),
            ("filed", "filed", []),
            ("none", "none", []),
            ("error", "error", []),
        ]
    }
    assert sorted(ranks, key=ranks.__getitem__) == list(ranks)
