"""Each feature on small pairs, then the verdict rules and the link decision built on them."""

from __future__ import annotations

from db.vocabulary import Verdict
from matcher.features import (
    FEATURES,
    Pair,
    branch_agreement,
    brand_similarity,
    corporation_agreement,
    facility_type_conflict,
    full_name_equal,
    municipality_agreement,
    opendata_identity,
    phone_equality,
    plan_number_cited,
    street_agreement,
)
from matcher.query import make_facility, make_query
from matcher.score import decide, score_pair

GINZA = make_facility(1, "医療法人社団光風会　みらいクリニック 銀座院", "東京都", "中央区銀座三丁目2番1号 銀座ビル5階",
                      ["PB3240001"], ["03-1234-5678"])


def _pair(name: str, address: str = "", **extra) -> Pair:  # type: ignore[no-untyped-def]
    return Pair(make_query([name], [address] if address else [], **extra), GINZA)


def test_every_feature_has_a_one_sentence_description() -> None:
    for function, weight in FEATURES:
        assert function.__doc__ and weight > 0, function.__name__


def test_brand_similarity_ignores_corporation_place_type_and_branch() -> None:
    assert brand_similarity(_pair("みらい美容外科 銀座")) == 1.0
    assert brand_similarity(_pair("MIRAI CLINIC")) >= 0.85
    assert brand_similarity(_pair("ひかりクリニック")) < 0.5


def test_full_name_equal() -> None:
    assert full_name_equal(_pair("みらいクリニック銀座院")) == 1.0
    assert full_name_equal(_pair("みらいクリニック")) == 0.0


def test_branch_agreement() -> None:
    assert branch_agreement(_pair("みらいクリニック 銀座院")) == 1.0
    assert branch_agreement(_pair("銀座みらいクリニック")) == 1.0
    assert branch_agreement(_pair("みらいクリニック 新宿院")) == -1.0
    assert branch_agreement(_pair("みらいクリニック")) is None
    assert branch_agreement(_pair("みらいクリニック東京")) is None  # a prefecture may contain 銀座


def test_facility_type_conflict() -> None:
    skin = make_facility(2, "さくら皮膚科", "東京都", "中央区銀座1-1-1")
    assert facility_type_conflict(Pair(make_query(["さくら整形外科"]), skin)) == -1.0
    assert facility_type_conflict(Pair(make_query(["さくら皮フ科クリニック"]), skin)) is None


def test_corporation_agreement() -> None:
    assert corporation_agreement(_pair("みらいクリニック", corporations=["医療法人社団 光風会"])) == 1.0
    assert corporation_agreement(_pair("みらいクリニック", corporations=["医療法人社団清嶺会"])) == -1.0
    assert corporation_agreement(_pair("みらいクリニック")) is None


def test_municipality_and_street_agreement() -> None:
    assert municipality_agreement(_pair("x", "東京都中央区銀座3-2-1")) == 1.0
    assert municipality_agreement(_pair("x", "東京都新宿区新宿3-2-1")) == -1.0
    assert street_agreement(_pair("x", "東京都中央区銀座3-2-1 5F")) == 1.0
    assert street_agreement(_pair("x", "東京都中央区銀座3-2-1 8F")) == 0.3
    assert street_agreement(_pair("x", "東京都中央区銀座3-2")) == 0.6
    assert street_agreement(_pair("x", "東京都中央区銀座3-9-9")) == -0.5
    assert street_agreement(_pair("x", "東京都中央区銀座5-2-1")) == -1.0
    assert street_agreement(_pair("x", "東京都中央区築地3-2-1")) == -1.0
    assert street_agreement(_pair("x")) is None


def test_phone_equality_ignores_toll_free_numbers() -> None:
    assert phone_equality(_pair("x", phones=["03 (1234) 5678"])) == 1.0
    assert phone_equality(_pair("x", phones=["0120-000-111"])) is None


def test_opendata_identity() -> None:
    matching = _pair("x", opendata_name="みらいクリニック銀座院", opendata_address="東京都中央区銀座3-2-1")
    assert opendata_identity(matching) == 1.0
    assert opendata_identity(_pair("x", opendata_name="ひかり医院", opendata_address="東京都中央区銀座3-2-1")) == 0.0
    assert opendata_identity(_pair("x")) is None


def test_plan_number_cited() -> None:
    assert plan_number_cited(_pair("x", plan_numbers=["pb3240001"])) == 1.0
    assert plan_number_cited(_pair("x", plan_numbers=["PB3240002"])) == 0.0
    assert plan_number_cited(_pair("x")) is None


def test_verdicts() -> None:
    def verdict(name: str, address: str = "", **extra) -> str:  # type: ignore[no-untyped-def]
        return score_pair(make_query([name], [address] if address else [], **extra), GINZA).verdict

    assert verdict("みらいクリニック", "東京都中央区銀座3-2-1 5F") == Verdict.ACCEPTED
    assert verdict("みらいクリニック 新宿院", "東京都中央区銀座3-2-1") == Verdict.REJECTED  # branch conflict vetoes
    assert verdict("みらいクリニック", "東京都新宿区新宿3-2-1") == Verdict.REJECTED
    assert verdict("ひかりクリニック", "東京都中央区銀座3-2-1 5F") == Verdict.REVIEW  # renamed at the same address and floor
    assert verdict("ひかりクリニック", "東京都中央区銀座3-2-1 6F") == Verdict.REJECTED  # another clinic in the building
    assert verdict("みらいクリニック") == Verdict.REVIEW  # a name alone never matches
    assert verdict("みらい美容クリニック", plan_numbers=["PB3240001"]) == Verdict.ACCEPTED


def test_a_sister_clinic_named_only_in_the_footer_is_not_matched() -> None:
    sister = make_facility(5, "ひまわり整形外科", "東京都", "中央区銀座一丁目1番1号 2階")
    query = make_query(
        ["セレナクリニック"], ["東京都中央区築地2-2-2", "東京都中央区銀座1-1-1 2F"], secondary_names=["ひまわり整形外科"]
    )
    scored = score_pair(query, sister)
    assert scored.verdict == Verdict.REVIEW
    assert "footer" in scored.why
    assert score_pair(make_query(["ひまわり整形外科"], ["東京都中央区銀座1-1-1"]), sister).verdict == Verdict.ACCEPTED


def test_decision_groups_filings_of_one_clinic_and_reports_the_margin() -> None:
    twice = make_facility(3, "みらいクリニック銀座院", "東京都", "中央区銀座3-2-1")
    other = make_facility(4, "みらいクリニック 新宿院", "東京都", "新宿区新宿三丁目2番1号")
    query = make_query(["みらいクリニック"], ["東京都中央区銀座3-2-1 5F"])
    decision = decide([score_pair(query, facility) for facility in (GINZA, twice, other)])
    assert decision.decision == "match"
    assert sorted(decision.facility_ids) == [1, 3]
    assert decision.margin is not None and decision.margin > 0.5
    assert decide([]).decision == "no_match"


def test_another_filing_at_the_same_address_does_not_turn_the_match_into_a_review() -> None:
    query = make_query(["みらいクリニック"], ["東京都中央区銀座3-2-1 5F"], plan_numbers=["PB3240009"])
    same_place = make_facility(6, "医療法人社団光風会", "東京都", "中央区銀座三丁目2番1号 5階", ["PB3240009"])
    scored = [score_pair(query, facility) for facility in (GINZA, same_place)]
    assert [item.verdict for item in scored] == [Verdict.ACCEPTED, Verdict.REVIEW]
    assert decide(scored).decision == "match"
