"""Flags: cell-free treatments sold as 再生医療, and claims of ministry approval."""

from __future__ import annotations

from tests.crawler.extract_pages import extraction


def flags(name: str) -> dict[str, str]:
    return {flag.flag: flag.quote for flag in extraction(name).flags}


def test_exosome_presented_as_regenerative_medicine() -> None:
    assert "再生医療" in flags("extract_exosome_regenerative")["cell_free_as_regenerative"]


def test_supernatant_drip_presented_as_regenerative_medicine() -> None:
    assert "上清" in flags("extract_supernatant_drip")["cell_free_as_regenerative"]


def test_pfc_fd_that_says_it_is_outside_the_act_is_not_flagged() -> None:
    assert flags("extract_pfcfd") == {}


def test_fat_graft_without_regenerative_wording_is_not_flagged() -> None:
    assert flags("extract_fat_graft") == {}


def test_cell_free_listed_beside_donor_cells_is_not_flagged() -> None:
    assert "cell_free_as_regenerative" not in flags("extract_cordblood")


def test_approval_claim_quotes_the_meta_description() -> None:
    assert flags("extract_approval")["approval_claim"] == "国が認めた安全な幹細胞治療を、心斎橋アンジュクリニックで。"


def test_filing_and_registry_disclaimer_are_not_approval_claims() -> None:
    # 「厚生労働省に提出し、受理」, 「大臣の認定を受けた…委員会」 and 「厚生労働省が…認めたものではありません」
    assert flags("extract_adipose_stemcell") == {}
