"""The context rules one by one, on single sentences (folded as the claim code folds them)."""

from __future__ import annotations

import pytest

from crawler.extract import context
from crawler.taxonomy import find_terms, fold, resolve


def first(sentence: str, modality: str) -> tuple[str, object]:
    text = fold(sentence)
    return text, next(m for m in resolve(find_terms(text), text) if m.modality == modality)


@pytest.mark.parametrize(
    ("sentence", "modality"),
    [
        ("当院では幹細胞治療は行っておりません。", "stem_cell"),
        ("当院では再生医療（幹細胞治療）、PRP、培養上清液、エクソソームは行っておりません。", "exosome"),
        ("当院では再生医療（幹細胞治療）、PRP、培養上清液、エクソソームは行っておりません。", "prp"),
        ("幹細胞を添加する「セル豊胸」は当院では行っていません。", "svf"),
        ("酵素で幹細胞を分離・濃縮する処理（いわゆるセル豊胸・SVF）は行っていません。", "stem_cell"),
        ("当院の治療は、上清液ではなく培養した細胞そのものを投与します。", "culture_supernatant"),
        ("当院で扱っていない治療：幹細胞治療、PRP療法", "prp"),
        ("NK細胞療法は2025年12月末で終了いたしました。", "immune_cell"),
        ("幹細胞点滴は現在準備中です。", "stem_cell"),
        ("PRP療法はしばらくお休みさせていただきます。", "prp"),
    ],
)
def test_denied(sentence: str, modality: str) -> None:
    text, match = first(sentence, modality)
    assert context.negated(text, match)


@pytest.mark.parametrize(
    ("sentence", "modality"),
    [
        ("当院ではPRP療法を行っていますが、幹細胞治療は行っておりません。", "prp"),
        (
            "当院のナノファットは、脂肪を機械的に処理するだけで、細胞の培養は一切行っておりません。",
            "fat_graft",
        ),
        ("幹細胞治療を行っています。", "stem_cell"),
    ],
)
def test_not_denied(sentence: str, modality: str) -> None:
    text, match = first(sentence, modality)
    assert not context.negated(text, match)


def test_ingredient_and_target_mentions() -> None:
    assert context.is_component(*first("ナノファットには幹細胞などの成分が含まれています。", "stem_cell"))
    assert context.is_component(*first("成長因子の働きで線維芽細胞を活性化します。", "fibroblast"))
    assert not context.is_component(*first("線維芽細胞を培養して注入します。", "fibroblast"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("エクソソームは肌の再生医療です。", True),
        ("最先端の再生医療「幹細胞点滴」", True),
        ("PFC-FDは「再生医療等の安全性の確保等に関する法律」の対象となる再生医療等には該当しません。", False),
        ("PFC-FDは再生医療等安全性確保法の対象外です。", False),
        ("再生医療等提供計画を提出しています。", False),
    ],
)
def test_regenerative_wording(text: str, expected: bool) -> None:
    assert context.regenerative(fold(text)) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("当院の幹細胞治療は厚生労働省承認の再生医療です。", True),
        ("国が認めた安全な幹細胞治療を。", True),
        ("厚労省から認可された再生医療を提供しています。", True),
        ("計画の提出は厚生労働省がその有効性・安全性を認めたものではありません。", False),
        ("厚生労働大臣の認定を受けた特定認定再生医療等委員会の審査を経ています。", False),
        ("細胞は厚生労働省の許可を受けた細胞培養加工施設で培養しています。", False),
        ("当院のレーザーは厚生労働省承認の医療機器です。", False),
        ("再生医療等提供計画を厚生労働省に提出し、受理されています。", False),
        ("米国が承認した幹細胞製剤の研究も進んでいます。", False),
    ],
)
def test_approval_claims(text: str, expected: bool) -> None:
    assert context.approval_claims(fold(text)) is expected


@pytest.mark.parametrize(
    ("url", "title", "expected"),
    [
        ("http://a.example/column/ips/", "iPS細胞のいま", True),
        ("http://a.example/news/", "お知らせ", True),
        ("http://a.example/blog/entry-21.html", "ブログ", True),
        ("http://a.example/menu/prp/", "PRP療法｜Aクリニック", False),
        ("http://a.example/", "院長コラム｜Aクリニック", True),
    ],
)
def test_news_pages(url: str, title: str, expected: bool) -> None:
    assert context.is_news_page(url, fold(title)) is expected


def test_prices() -> None:
    assert context.prices_yen("幹細胞点滴 3.3万円 / 1,650,000円") == [33000, 1650000]
    assert context.too_cheap_for_cells("幹細胞点滴(1回) 33,000円")
    assert not context.too_cheap_for_cells("幹細胞点滴 1億個 1,650,000円")
    assert not context.too_cheap_for_cells("幹細胞点滴 2回目以降(保管細胞使用) 88,000円")  # real cells, kept
