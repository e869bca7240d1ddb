"""Identity facts on saved clinic pages: names, corporations, branches, addresses, phones, plan numbers."""

from __future__ import annotations

import pytest

from crawler.extract import IdentityFactData
from crawler.extract.identity import branch_name, corporation, looks_like_clinic, page_branch
from crawler.extract.visible import parse
from tests.crawler.extract_pages import extraction


def facts(name: str, kind: str) -> list[IdentityFactData]:
    return [fact for fact in extraction(name).identity if fact.kind == kind]


def values(name: str, kind: str) -> set[str]:
    return {fact.value for fact in facts(name, kind)}


def test_jsonld_identity() -> None:
    by_kind = {
        (f.kind, f.source): f for f in extraction("extract_adipose_stemcell").identity if f.source == "jsonld"
    }
    assert by_kind[("name", "jsonld")].value == "銀座エテルナクリニック"
    assert by_kind[("corporation", "jsonld")].value == "医療法人社団永晴会"
    assert by_kind[("corporation", "jsonld")].value_raw == "医療法人社団 永晴会"
    assert by_kind[("address", "jsonld")].value == "東京都中央区銀座5丁目8-1 銀座エテルナビル7階"


def test_jsonld_telephone_in_international_form_is_not_taken_as_local() -> None:
    # "+81-3-…" has no leading 0; the footer's 03 number is the one kept.
    assert values("extract_adipose_stemcell", "phone") == {"0362645580"}


def test_full_width_plan_number_is_normalised() -> None:
    assert values("extract_adipose_stemcell", "plan_number") == {"PB3240123", "PC3230456"}
    plan = next(f for f in facts("extract_adipose_stemcell", "plan_number") if f.value == "PB3240123")
    assert plan.value_raw == "ＰＢ３２４０１２３"
    assert plan.value_raw in plan.quote


def test_footer_only_identity() -> None:
    [name] = facts("extract_footer_only", "name")
    assert (name.value, name.source) == ("かなざわ駅西ひふ科クリニック", "footer")
    assert "©" in name.quote


def test_og_site_name_and_footer_address_with_full_width_digits() -> None:
    assert ("name", "og") in {(f.kind, f.source) for f in extraction("extract_supernatant_drip").identity}
    [address] = facts("extract_supernatant_drip", "address")
    assert address.value == "神奈川県横浜市西区みなとみらい3-6-1 みなとみらいセンタービル12F"
    assert address.value_raw.startswith("〒２２０－００１２")


def test_fax_number_is_not_a_phone() -> None:
    assert values("extract_supernatant_drip", "phone") == {"0456827710"}
    assert values("extract_branch_page", "phone") == {"0455773320"}


def test_title_name_is_the_clinic_part() -> None:
    names = {f.value for f in facts("extract_approval", "name") if f.source == "title"}
    assert names == {"心斎橋アンジュクリニック"}


def test_corporation_from_footer_text() -> None:
    assert values("extract_cordblood", "corporation") == {"一般社団法人白翔会"}
    assert values("extract_branches_top", "corporation") == {"医療法人社団蒼天会"}


def test_multi_branch_site_has_each_branch_with_its_own_address_and_phone() -> None:
    assert values("extract_branches_top", "branch") == {"新宿院", "横浜院"}
    located = {(f.kind, f.value): f.branch for f in extraction("extract_branches_top").identity}
    assert located[("address", "東京都新宿区西新宿1-23-7 新宿ファーストウエスト10F")] == "新宿院"
    assert located[("phone", "0359092231")] == "新宿院"
    assert located[("address", "神奈川県横浜市西区高島2-19-12 スカイビル15階")] == "横浜院"
    assert located[("phone", "0455773320")] == "横浜院"
    assert located[("phone", "0120555812")] is None  # the shared reservation line


def test_branch_page_table_facts_belong_to_the_branch() -> None:
    by_kind = {f.kind: f for f in extraction("extract_branch_page").identity if f.source == "table"}
    assert by_kind["name"].value == "セレスト再生クリニック 横浜院"
    assert by_kind["name"].branch == "横浜院"
    assert by_kind["corporation"].value == "医療法人社団蒼天会"
    assert by_kind["address"].branch == "横浜院"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("梅田院", "梅田院"),
        ("ラクシアクリニック梅田院", "梅田院"),
        ("セレスト再生クリニック 横浜院", "横浜院"),
        ("当院", None),
        ("にしざわ皮膚科医院", None),
        ("大学病院", None),
        ("院長", None),
        ("新宿院・横浜院", None),
    ],
)
def test_branch_name(text: str, expected: str | None) -> None:
    assert branch_name(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("医療法人社団翠陽会 恵比寿ルミエールクリニック", "医療法人社団翠陽会"),
        ("医療法人 西澤会 にしざわ整形外科", "医療法人西澤会"),
        ("医療法人西澤会にしざわ整形外科", "医療法人西澤会"),
        ("一般社団法人恒輝会", "一般社団法人恒輝会"),
        ("医療法人の手続き", None),
    ],
)
def test_corporation(text: str, expected: str | None) -> None:
    found = corporation(text)
    assert (found[0] if found else None) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("三宮フォルテ美容外科", True),
        ("美容皮膚科", False),
        ("内科・消化器内科", False),
        ("LUXIA CLINIC", True),
    ],
)
def test_looks_like_clinic(text: str, expected: bool) -> None:
    assert looks_like_clinic(text) is expected


def test_plan_number_on_a_branch_page_belongs_to_the_branch() -> None:
    [plan] = facts("extract_branch_page", "plan_number")
    assert (plan.value, plan.branch) == ("PB3250311", "横浜院")
    assert {f.branch for f in facts("extract_adipose_stemcell", "plan_number")} == {None}


def test_profile_written_as_labelled_lines() -> None:
    found = {(f.kind, f.value, f.source) for f in extraction("extract_profile_lines").identity}
    assert ("corporation", "医療法人社団浜茄子会", "table") in found
    assert values("extract_profile_lines", "name") == {"はまなす通り皮フ科"}  # not the title 「医院概要」


def test_address_without_prefecture_after_a_postal_code() -> None:
    assert "札幌市北区北七条西5丁目2-1" in values("extract_profile_lines", "address")


def test_jsonld_graph_with_a_type_list_and_a_plain_address() -> None:
    jsonld = {(f.kind, f.value) for f in extraction("extract_profile_lines").identity if f.source == "jsonld"}
    assert jsonld == {
        ("name", "はまなす通り皮フ科"),
        ("address", "北海道札幌市北区北七条西5丁目2-1"),
        ("phone", "0117002211"),
    }


def test_a_company_named_in_the_text_is_not_the_clinics_corporation() -> None:
    assert values("extract_profile_lines", "corporation") == {"医療法人社団浜茄子会"}


def test_doctors_career_and_birthplace_are_not_the_clinic() -> None:
    # 「2008年 医療法人社団北光会 北光記念病院 勤務」 and 「大阪府大阪市出身」
    assert "医療法人社団北光会" not in values("extract_profile_lines", "corporation")
    assert not any(value.startswith("大阪府") for value in values("extract_profile_lines", "address"))
    assert "さっぽろ北形成外科クリニック" not in values("extract_profile_lines", "name")


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("幹細胞治療｜セレスト再生クリニック 新宿院", "新宿院"),
        ("横浜院｜セレスト再生クリニック", "横浜院"),
        ("セレスト再生クリニック【新宿院・横浜院】｜再生医療", None),
        ("当院について｜やまて皮ふ科医院", None),
    ],
)
def test_page_branch_from_the_title(title: str, expected: str | None) -> None:
    assert page_branch(parse(f"<title>{title}</title><h1>ようこそ</h1>")) == expected
