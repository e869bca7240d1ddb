"""jp.text: the folded form names and addresses are compared in."""

from __future__ import annotations

import pytest

from jp.text import compact, fold, is_kana, is_latin


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ｸﾘﾆｯｸ", "クリニック"),
        ("ＡＢＣ　クリニック", "abc クリニック"),
        ("髙橋医院", "高橋医院"),
        ("山﨑整形外科", "山崎整形外科"),
        ("濵田・渡邉クリニック", "浜田渡辺クリニック"),
        ("齋藤皮膚科", "斎藤皮膚科"),
        ("名戸ヶ谷", "名戸ケ谷"),
        ("リ－ジェン", "リージェン"),
        ("医療法人社団\r\n翠陽会", "医療法人社団 翠陽会"),
    ],
)
def test_fold(raw: str, expected: str) -> None:
    assert fold(raw) == expected


def test_compact_drops_every_space() -> None:
    assert (
        compact("医療法人社団　翠陽会\n恵比寿ルミエール クリニック")
        == "医療法人社団翠陽会恵比寿ルミエールクリニック"
    )


@pytest.mark.parametrize(
    ("text", "latin", "kana"),
    [
        ("GINZA NOA", True, False),
        ("あおば", False, True),
        ("オーキッド", False, True),
        ("青葉", False, False),
        ("", False, False),
    ],
)
def test_scripts(text: str, latin: bool, kana: bool) -> None:
    assert (is_latin(text), is_kana(text)) == (latin, kana)
