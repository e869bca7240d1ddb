"""jp.postal_codes: 〒150-0022 in every way sites write it."""

from __future__ import annotations

import pytest

from jp import postal_codes


@pytest.mark.parametrize(
    ("raw", "value"),
    [("〒150-0022", "1500022"), ("１５０－００２２", "1500022"), ("150 0022", "1500022"), ("150-002", None)],
)
def test_normalise(raw: str, value: str | None) -> None:
    assert postal_codes.normalise(raw) == value


def test_format_and_valid() -> None:
    assert postal_codes.is_valid("1500022") and not postal_codes.is_valid("150-0022")
    assert postal_codes.format("1500022") == "150-0022"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("〒150-0022 東京都", "〒150-0022"),
        ("〒1500022", "〒1500022"),
        ("150ー0022", "150ー0022"),
        ("TEL 0312345678", None),
        ("1500022", None),
    ],
)
def test_find(text: str, found: str | None) -> None:
    match = postal_codes.find(text)
    assert (match.group(0) if match else None) == found


def test_strip_leading() -> None:
    assert postal_codes.strip_leading("〒150-0022 東京都渋谷区") == "東京都渋谷区"
    assert postal_codes.strip_leading("1500022東京都") == "東京都"
    assert postal_codes.strip_leading("東京都渋谷区1-2") == "東京都渋谷区1-2"
