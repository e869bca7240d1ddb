"""jp.prefectures: the one list of prefectures, read any way sites, open data and the registry write them."""

from __future__ import annotations

import pytest

from jp import prefectures


def test_forty_seven_in_jis_order() -> None:
    names = prefectures.names()
    assert len(names) == 47 and names[0] == "北海道" and names[12] == "東京都" and names[-1] == "沖縄県"


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("東京都", "東京都"),
        ("東京", "東京都"),
        ("13", "東京都"),
        ("1", "北海道"),
        ("01", "北海道"),
        ("北海道", "北海道"),
        ("京都", "京都府"),
        ("大阪 府", "大阪府"),
        ("神奈川", "神奈川県"),
        ("東京市", None),
        ("48", None),
    ],
)
def test_normalise(raw: str, name: str | None) -> None:
    assert prefectures.normalise(raw) == name


def test_valid_and_code() -> None:
    assert prefectures.is_valid("大阪府") and not prefectures.is_valid("大阪")
    assert prefectures.code("大阪") == "27" and prefectures.code("大坂") is None
    assert prefectures.format("大阪府") == "大阪府"


@pytest.mark.parametrize(
    ("address", "prefecture"),
    [
        ("東京都港区南青山1-2-3", "東京都"),
        ("〒150-0022 東京都渋谷区恵比寿南1-14-8", "東京都"),
        ("住所：〒1500022　東京都渋谷区", "東京都"),
        ("住所：〒８９２－０８４２　鹿児島県鹿児島市東千石町1-1", "鹿児島県"),
        ("神奈川県横浜市西区1-1", "神奈川県"),
        ("所在地 兵庫県兵庫県神戸市中央区", "兵庫県"),
        ("北海道札幌市中央区", "北海道"),
        ("渋谷区恵比寿南1-14-8", None),
        ("京都市下京区", None),
        (None, None),
    ],
)
def test_of_address(address: str | None, prefecture: str | None) -> None:
    assert prefectures.of_address(address) == prefecture


def test_split_drops_a_repeated_prefecture() -> None:
    assert prefectures.split("兵庫県兵庫県神戸市中央区") == ("兵庫県", "神戸市中央区")
    assert prefectures.split("神戸市中央区") == (None, "神戸市中央区")


@pytest.mark.parametrize(("left", "right"), [("東京", "東京都"), ("大阪府", "大阪"), ("", "")])
def test_same(left: str, right: str) -> None:
    assert prefectures.same(left, right)


def test_different_prefectures_differ() -> None:
    assert not prefectures.same("京都府", "東京都")
    assert not prefectures.same("東京都", "")
