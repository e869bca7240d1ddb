"""jp.municipalities: the municipality an address opens with."""

from __future__ import annotations

import pytest

from jp import municipalities


@pytest.mark.parametrize(
    ("text", "prefecture", "municipality", "rest"),
    [
        ("港区南青山1-2-3", "東京都", "港区", "南青山1-2-3"),
        ("大阪市北区梅田1-1", "大阪府", "大阪市北区", "梅田1-1"),
        ("四日市市生桑584-4", "三重県", "四日市市", "生桑584-4"),
        ("筑紫郡那珂川町今光1-1", "福岡県", "筑紫郡那珂川町", "今光1-1"),
        ("松本市深志1-1", "長野県", "松本市", "深志1-1"),
        ("1-2-3", "東京都", None, "1-2-3"),
    ],
)
def test_split(text: str, prefecture: str, municipality: str | None, rest: str) -> None:
    assert municipalities.split(text, prefecture) == (municipality, rest)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("港区", "港区"),
        ("大阪市 北区", "大阪市北区"),
        ("浜松市中央区", "浜松市中央区"),
        ("港区南青山", None),
        ("東京", None),
    ],
)
def test_normalise(text: str, name: str | None) -> None:
    assert municipalities.normalise(text) == name
    assert municipalities.is_valid(text) is (name == text)
