"""The status rules: pure functions from claims, link decisions and registry plans to a verdict.

Statuses (what users' scripts read):
- `unfiled`: advertises a modality that needs a filing, and no registry facility is this clinic.
- `not_covered`: linked to the registry, but a required modality is covered by none of its plans.
- `review`: the link is ambiguous (or missing); a person must decide.
- `filed`: every required modality is covered by a plan of a linked facility.
- `none`: nothing advertised needs a filing.
- `error`: the site could not be read; nothing is concluded.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from db.vocabulary import Decision, Flag, Status
from jp import plan_numbers

# Most serious first; a clinic's overall status is the most serious of its own and its branches'.
SEVERITY = (Status.UNFILED, Status.NOT_COVERED, Status.REVIEW, Status.FILED, Status.NONE)

# Modalities whose filings must be class I (donor, cord-blood, iPS/ES cells).
CLASS_ONE_MODALITIES = frozenset({"stem_cell_allogeneic"})


@dataclass(frozen=True)
class PlanCover:
    """What one registry plan covers: its modality ids and its class."""

    modalities: frozenset[str]
    plan_class: int


@dataclass(frozen=True)
class Verdict:
    status: str
    uncovered: tuple[str, ...] = ()
    reason: str = ""


def covers(plan: PlanCover, modality: str) -> bool:
    """A plan covers a modality when it lists it; donor/cord/iPS cells also need a class I plan."""
    if modality not in plan.modalities:
        return False
    return plan.plan_class == 1 if modality in CLASS_ONE_MODALITIES else True


def uncovered_modalities(required: Iterable[str], plans: Iterable[PlanCover]) -> tuple[str, ...]:
    """The required modalities that no plan covers, in the order given, without repeats."""
    plan_list = list(plans)
    missing: list[str] = []
    for modality in required:
        if modality not in missing and not any(covers(plan, modality) for plan in plan_list):
            missing.append(modality)
    return tuple(missing)


def coverage_verdict(required: Iterable[str], plans: Iterable[PlanCover]) -> Verdict:
    """`filed` when every required modality is covered by one of the matched facilities' plans."""
    plans = list(plans)
    missing = uncovered_modalities(required, plans)
    if missing and any(not plan.modalities for plan in plans):
        # A plan whose treatment name the taxonomy does not know may be the missing one: not an accusation.
        return Verdict(
            Status.REVIEW,
            missing,
            "no plan is known to cover " + ", ".join(missing)
            + ", but a plan's treatment name was not recognised; a person must read it",
        )
    if missing:
        return Verdict(Status.NOT_COVERED, missing, "no plan of the linked facility covers " + ", ".join(missing))
    return Verdict(Status.FILED, (), "every advertised treatment that needs a filing is covered by a filed plan")


def link_verdict(
    required: Iterable[str],
    decision: str | None,
    matched_plans: Iterable[PlanCover],
    *,
    other_decisions: Iterable[str] = (),
) -> Verdict:
    """The status of a set of required modalities judged against one link decision.

    `matched_plans` are the plans of every facility the claims may rely on (for clinic-level claims:
    the clinic's and its branches' matched facilities). `other_decisions` are the branches' link
    decisions: a clinic that is not linked itself but has an ambiguous branch is not called unfiled.
    `decision` None means no link was recorded, which is never read as "unfiled".
    """
    required = list(required)
    if not required:
        return Verdict(Status.NONE, (), "nothing advertised needs a filing")
    if decision == Decision.REVIEW:
        return Verdict(Status.REVIEW, (), "the registry link is ambiguous; a person must decide")
    plans = list(matched_plans)
    if decision == Decision.MATCH or plans:
        return coverage_verdict(required, plans)
    if Decision.REVIEW in set(other_decisions):
        return Verdict(Status.REVIEW, (), "a branch's registry link is ambiguous; a person must decide")
    if decision == Decision.NO_MATCH:
        return Verdict(Status.UNFILED, tuple(dict.fromkeys(required)), "no registry facility is this clinic")
    return Verdict(Status.REVIEW, (), "no registry link was recorded for this site; a person must decide")


def most_serious(statuses: Iterable[str]) -> str:
    """The most serious status (unfiled > not_covered > review > filed > none); `none` when empty."""
    ranked = [status for status in statuses if status in SEVERITY]
    return min(ranked, key=SEVERITY.index) if ranked else Status.NONE


@dataclass(frozen=True)
class PlanNumberFlag:
    flag: str
    plan_number: str
    facility_ids: tuple[int, ...] = ()


def plan_number_flags(
    cited: Iterable[str],
    registry_numbers: Mapping[str, Iterable[int]],
    own_facility_ids: Iterable[int],
) -> list[PlanNumberFlag]:
    """Flags for the plan numbers a site cites.

    `registry_numbers` maps each normalised plan number of the snapshot to the facilities filing it
    (empty when the plan has no facility row); `own_facility_ids` are the facilities the site is, or
    may be, linked to. A number absent from the snapshot is `plan_number_not_in_registry`; one filed
    only by other facilities is `plan_number_other_facility`.
    """
    own = set(own_facility_ids)
    flags: list[PlanNumberFlag] = []
    for number in dict.fromkeys(plan_numbers.normalise(value) for value in cited):
        if not number:
            continue
        if number not in registry_numbers:
            flags.append(PlanNumberFlag(Flag.PLAN_NUMBER_NOT_IN_REGISTRY, number))
            continue
        holders = tuple(sorted(set(registry_numbers[number])))
        if holders and not own.intersection(holders):
            flags.append(PlanNumberFlag(Flag.PLAN_NUMBER_OTHER_FACILITY, number, holders))
    return flags


def report_rank(status: str, flags: Iterable[str]) -> int:
    """Report order: unfiled, not_covered, review, then any clinic with flags, then filed, none, error."""
    order: dict[str, int] = {Status.UNFILED: 0, Status.NOT_COVERED: 1, Status.REVIEW: 2}
    if status in order:
        return order[status]
    if list(flags):
        return 3
    later: dict[str, int] = {Status.FILED: 4, Status.NONE: 5}
    return later.get(status, 6)
