"""The shared taxonomy: registry plan names and page phrases classified into modality ids."""

from __future__ import annotations

import pytest

from crawler.taxonomy import classify, fold, modalities, modality


@pytest.mark.parametrize(
    ("plan_name", "expected"),
    [
        ("自己脂肪由来間葉系幹細胞を用いた変形性膝関節症の治療", ["stem_cell"]),
        ("自己脂肪組織由来間葉系間質細胞を用いた変形性関節症の治療", ["stem_cell"]),
        ("自己骨髄由来単核球細胞を用いた重症下肢虚血の治療", ["stem_cell"]),
        ("臍帯由来間葉系幹細胞を用いた慢性疼痛治療", ["stem_cell_allogeneic"]),
        ("自己多血小板血漿（PRP）を用いた皮膚の再生療法", ["prp"]),
        ("PRP+FGF皮膚注入療法", ["prp"]),
        # basic *fibroblast growth factor* is a drug, not cultured fibroblasts
        ("多血小板血漿（PRP）及び塩基性線維芽細胞増殖因子（bFGF）", ["prp", "growth_factor"]),
        ("PRP＋塩基性線維芽細胞増殖因子", ["prp"]),
        ("自己培養線維芽細胞を用いた皮膚のしわの治療", ["fibroblast"]),
        ("活性化自己リンパ球療法", ["immune_cell"]),
        ("NK細胞療法とαβT細胞療法", ["immune_cell"]),
        ("脂肪組織由来再生（幹）細胞を用いた乳房再建（セリューション）", ["svf"]),
        ("自己脂肪由来幹細胞と多血小板血漿を用いた治療", ["stem_cell", "prp"]),
        ("ヒト幹細胞培養上清液点滴", ["culture_supernatant"]),
        ("幹細胞由来エクソソーム点滴", ["exosome"]),
        ("PFC-FD™療法", ["pfc_fd"]),
        ("PRP-FD注射", ["pfc_fd"]),
        ("iPS細胞由来角膜上皮細胞シート", ["stem_cell_allogeneic"]),
    ],
)
def test_classify_plan_names(plan_name: str, expected: list[str]) -> None:
    assert classify(plan_name) == expected


@pytest.mark.parametrize(
    "text",
    [
        "国内製造・凍結乾燥品を生理食塩水で溶解",
        "植毛のドナー部位",
        "同種の治療",
        "血液検査でリンパ球数を調べます",
        "成長因子の働き",
    ],
)
def test_everyday_words_are_not_treatments(text: str) -> None:
    assert classify(text) == []


def test_full_width_and_trademarks_fold() -> None:
    assert fold("ＰＦＣ－ＦＤ™") == "PFC-FD"
    assert classify("ＰＲＰ療法") == ["prp"]


def test_modality_table() -> None:
    assert set(modalities()) >= {"stem_cell", "prp", "pfc_fd", "fat_graft"}
    assert modality("stem_cell_allogeneic").usual_class == 1
    assert [m.id for m in modalities().values() if m.requires_filing] == [
        "stem_cell_allogeneic",
        "svf",
        "fibroblast",
        "immune_cell",
        "stem_cell",
        "prp",
    ]
    with pytest.raises(KeyError):
        modality("unknown")
