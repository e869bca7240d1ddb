"""The vocabularies serialise as the very strings stored and written to findings.json."""

from __future__ import annotations

import json

from db.vocabulary import Decision, FactKind, Flag, NameSource, RunStatus, Status, Verdict


def test_members_are_their_strings_in_json_and_text() -> None:
    assert json.dumps({"status": Status.NOT_COVERED, "flags": [Flag.APPROVAL_CLAIM]}) == (
        '{"status": "not_covered", "flags": ["approval_claim"]}'
    )
    assert (
        f"{Decision.NO_MATCH} {Verdict.ACCEPTED} {RunStatus.INTERRUPTED}" == "no_match accepted interrupted"
    )
    assert FactKind.PLAN_NUMBER == "plan_number" and "review" in {Status.REVIEW}


def test_findings_json_orders_statuses_and_flags_as_before() -> None:
    assert list(Status) == ["unfiled", "not_covered", "review", "filed", "none", "error"]
    assert list(Flag) == [
        "cell_free_as_regenerative",
        "approval_claim",
        "plan_number_not_in_registry",
        "plan_number_other_facility",
    ]


def test_name_sources_rank_in_trust_order() -> None:
    ranked = sorted(["seed", "title", "jsonld", "unknown", "table"], key=NameSource.rank)
    assert ranked == ["jsonld", "table", "title", "seed", "unknown"]
