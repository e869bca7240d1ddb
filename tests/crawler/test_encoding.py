"""Decoding saved pages in every encoding Japanese clinic sites use, however (or whether) they declare it."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.encoding import codec_name, declared_encoding, decode_bytes

PAGES = Path(__file__).parent / "pages" / "encoding"

# file, Content-Type header as served, codec expected, a phrase only a correct decode yields
CASES = [
    ("shift_jis_meta.html", "text/html", "cp932", "髙橋院長（①初診の方は予約制）"),
    ("shift_jis_meta.html", "text/html; charset=Shift_JIS", "cp932", "恵比寿幹細胞クリニック"),
    ("euc_jp_undeclared.html", None, "euc_jis_2004", "大宮ひふ科クリニック　ＰＲＰ療法"),
    ("euc_jp_undeclared.html", "text/html; charset=EUC-JP", "euc_jis_2004", "脂肪から採取した"),
    ("utf8_bom.html", "text/html", "utf-8", "つくば学園通り整形外科"),
    ("utf8_meta_charset.html", None, "utf-8", "ラクシアクリニック梅田院"),
    ("shift_jis_mislabelled_utf8.html", "text/html", "cp932", "八丁堀内科クリニック　免疫細胞療法"),
    ("shift_jis_mislabelled_utf8.html", "text/html; charset=utf-8", "cp932", "計画番号：ＰＢ３２３００４１"),
]
DECODED = {(name, header): decode_bytes((PAGES / name).read_bytes(), header) for name, header, _, _ in CASES}


@pytest.mark.parametrize(("name", "header", "codec", "phrase"), CASES)
def test_page_decodes_to_its_japanese_text(name: str, header: str | None, codec: str, phrase: str) -> None:
    text, used = DECODED[(name, header)]
    assert used == codec
    assert phrase in text
    assert "\ufffd" not in text


def test_bom_is_not_left_in_the_text() -> None:
    text, _ = DECODED[("utf8_bom.html", "text/html")]
    assert text.startswith("<!DOCTYPE")


def test_header_charset_wins_over_meta() -> None:
    body = '<meta charset="Shift_JIS"><p>幹細胞</p>'.encode()
    assert declared_encoding(body, "text/html; charset=UTF-8") == "utf-8"
    assert decode_bytes(body, "text/html; charset=UTF-8")[0].endswith("<p>幹細胞</p>")


def test_invalid_bytes_become_replacement_characters() -> None:
    body = "<p>再生医療</p>".encode("cp932") + b"\x82\xff\x81" + "<p>料金</p>".encode("cp932")
    text, codec = decode_bytes(body, "text/html; charset=Shift_JIS")
    assert codec == "cp932"
    assert "再生医療" in text and "料金" in text


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("Shift_JIS", "cp932"),
        ("x-sjis", "cp932"),
        ("Windows-31J", "cp932"),
        ("EUC-JP", "euc_jis_2004"),
        ("UTF8", "utf-8"),
        ("no-such-charset", None),
    ],
)
def test_charset_labels(label: str, codec: str | None) -> None:
    assert codec_name(label) == codec


def test_undeclared_damaged_shift_jis_is_still_read_as_shift_jis() -> None:
    page = (PAGES / "shift_jis_meta.html").read_bytes().replace(b"charset=Shift_JIS", b"")
    damaged = page.replace("料金表".encode("cp932"), b"\x97\xbf\xff\x95\x5c")
    text, codec = decode_bytes(damaged, None)
    assert codec == "cp932"
    assert "恵比寿幹細胞クリニック" in text


def test_undeclared_western_page_is_left_to_the_sniffer() -> None:
    body = (
        "<p>" + "Clinique de médecine régénérative à Genève, traitement épilation. " * 20 + "</p>"
    ).encode("cp1252")
    text, _ = decode_bytes(body, None)
    assert "régénérative à Genève" in text
