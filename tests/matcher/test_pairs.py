"""Precision and recall of the matcher on the labelled pairs (pairs.csv, built by build_pairs.py).

A pair is *matched* when its verdict is accepted, *found* when accepted or sent to review (the report
then does not say "no filing"). Precision counts matched pairs; recall counts found pairs; strict
recall counts matched ones. Candidate recall asks the index, built over every registry row of the set,
to return the labelled facility for each same-clinic site.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from db.vocabulary import Verdict
from matcher.candidates import CandidateIndex
from matcher.query import make_facility, make_query
from matcher.score import score_pair

PAIRS = list(csv.DictReader((Path(__file__).parent / "pairs.csv").open(encoding="utf-8", newline="")))


def _split(value: str) -> list[str]:
    return [part for part in value.split(";") if part]


def _query(row: dict[str, str]):  # type: ignore[no-untyped-def]
    return make_query(
        [row["site_name"]], _split(row["site_address"]), _split(row["site_phone"]), _split(row["site_plan_numbers"])
    )


def _facility(row: dict[str, str]):  # type: ignore[no-untyped-def]
    return make_facility(
        int(row["id"]), row["registry_name"], row["registry_prefecture"], row["registry_address"],
        _split(row["registry_plan_numbers"]), _split(row["registry_phone"]),
    )


VERDICTS = {row["id"]: score_pair(_query(row), _facility(row)) for row in PAIRS}


def _counts() -> Counter[str]:
    counts: Counter[str] = Counter()
    for row in PAIRS:
        verdict = VERDICTS[row["id"]].verdict
        same = row["label"] == "same"
        counts["same"] += same
        counts["matched"] += verdict == Verdict.ACCEPTED
        counts["true_matched"] += same and verdict == Verdict.ACCEPTED
        counts["found"] += same and verdict in (Verdict.ACCEPTED, Verdict.REVIEW)
    return counts


def test_the_set_is_large_and_varied() -> None:
    kinds = Counter(row["kind"] for row in PAIRS)
    assert len(PAIRS) >= 300
    assert {"other_branch", "other_city", "same_corporation_other_clinic", "same_latin_katakana"} <= kinds.keys()


def test_precision_at_least_098() -> None:
    counts = _counts()
    wrong = [(row["id"], row["kind"], row["site_name"], row["registry_name"]) for row in PAIRS
             if row["label"] == "different" and VERDICTS[row["id"]].verdict == Verdict.ACCEPTED]
    assert counts["true_matched"] / counts["matched"] >= 0.98, wrong


def test_recall_at_least_095() -> None:
    counts = _counts()
    missed = [(row["id"], row["kind"], row["site_name"], row["registry_name"], VERDICTS[row["id"]].why)
              for row in PAIRS if row["label"] == "same" and VERDICTS[row["id"]].verdict not in (Verdict.ACCEPTED, Verdict.REVIEW)]
    assert counts["found"] / counts["same"] >= 0.95, missed
    assert counts["true_matched"] / counts["same"] >= 0.85, "too many same-clinic pairs left to review"


@pytest.mark.parametrize("kind", ["other_branch", "other_branch_same_city"])
def test_no_same_brand_other_branch_pair_is_matched(kind: str) -> None:
    matched = [row["site_name"] + " ↔ " + row["registry_name"] for row in PAIRS
               if row["kind"] == kind and VERDICTS[row["id"]].verdict == Verdict.ACCEPTED]
    assert matched == []


def test_renamed_clinics_go_to_review() -> None:
    renamed = [VERDICTS[row["id"]].verdict for row in PAIRS if row["kind"] == "same_renamed"]
    assert renamed and set(renamed) == {Verdict.REVIEW}


def test_candidate_recall_at_least_099() -> None:
    facilities = {}
    for row in PAIRS:
        key = (row["registry_name"], row["registry_prefecture"], row["registry_address"])
        facilities.setdefault(key, _facility(row))
    index = CandidateIndex(list(facilities.values()))
    same = [row for row in PAIRS if row["label"] == "same"]
    candidates = index.candidates_many([_query(row) for row in same])
    missed = []
    for row, found in zip(same, candidates, strict=True):
        wanted = facilities[(row["registry_name"], row["registry_prefecture"], row["registry_address"])].id
        if wanted not in {facility.id for facility in found}:
            missed.append((row["id"], row["site_name"], row["registry_name"]))
    assert 1 - len(missed) / len(same) >= 0.99, missed
