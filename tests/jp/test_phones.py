"""jp.phones: one rule for every phone number the crawler and the matcher read."""

from __future__ import annotations

import pytest

from jp import phones


@pytest.mark.parametrize(
    ("raw", "digits"),
    [
        ("03-5456-7788", "0354567788"),
        ("０３（５４５６）７７８８", "0354567788"),
        ("+81 3 5456 7788", "0354567788"),
        ("+81-3-5456-7788", "0354567788"),  # the schema.org form
        ("090-1234-5678", "09012345678"),
        ("090(1234)5678", "09012345678"),
        ("０１２０－３８７－４１５", "0120387415"),
        ("06-6375-22", None),
        ("内線 123", None),
        ("5456-7788", None),
        ("03-5456-77881234", None),
    ],
)
def test_normalise(raw: str, digits: str | None) -> None:
    assert phones.normalise(raw) == digits


@pytest.mark.parametrize(
    ("digits", "written"),
    [
        ("0354567788", "03-5456-7788"),
        ("0663752210", "06-6375-2210"),
        ("0452223333", "045-222-3333"),
        ("09012345678", "090-1234-5678"),
        ("0120387415", "0120-387-415"),
    ],
)
def test_format(digits: str, written: str) -> None:
    assert phones.is_valid(digits)
    assert phones.format(digits) == written
    assert phones.normalise(written) == digits


def test_shared_numbers() -> None:
    assert phones.is_shared("0120387415") and phones.is_shared("0570012345")
    assert not phones.is_shared("0663752210")
