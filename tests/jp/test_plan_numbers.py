"""jp.plan_numbers: one rule for plan numbers on sites, in the registry and in findings."""

from __future__ import annotations

import pytest

from jp import plan_numbers


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("PB3150001", "PB3150001"),
        ("ＰＢ３１５０００１", "PB3150001"),
        ("pb-3150001", "PB3150001"),
        ("PB 3150001", "PB3150001"),
        ("PC4230007\n", "PC4230007"),
        ("PD3150001", None),
        ("PB315000", None),
        ("", None),
    ],
)
def test_normalise(raw: str, value: str | None) -> None:
    assert plan_numbers.normalise(raw) == value


def test_is_valid_only_for_the_canonical_form() -> None:
    assert plan_numbers.is_valid("PA1234567")
    assert not plan_numbers.is_valid("pa1234567") and not plan_numbers.is_valid("PA-1234567")
    assert plan_numbers.format("PA1234567") == "PA1234567"


def test_find_in_text_with_spans() -> None:
    text = "計画番号：PB3150001、pc-4230007 と XPB3150002 と PB31500031"
    found = list(plan_numbers.find(text))
    assert [value for value, _, _ in found] == ["PB3150001", "PC4230007"]
    assert [text[start:end] for _, start, end in found] == ["PB3150001", "pc-4230007"]


def test_first_in_a_registry_cell() -> None:
    assert plan_numbers.first("ＰＣ４２３０００７（第三種）") == "PC4230007"
    assert plan_numbers.first(" pc 4230007 ") == "PC4230007"
    assert plan_numbers.first("申請中") is None and plan_numbers.first("-") is None
