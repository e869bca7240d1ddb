"""Reading a dirty seed file: certain repairs are made, the rest are reported by line and skipped."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.seeds import Seed, SeedFileError, UnusableUrl, clean_website, read_seeds, write_seeds

PAGES = Path(__file__).parent / "pages"
SEEDS, PROBLEMS = read_seeds(PAGES / "seeds_dirty.csv")  # Shift_JIS with CRLF, as Excel saves it
BY_LINE = {problem.line: problem for problem in PROBLEMS}


def test_usable_rows_are_kept_in_order_with_their_names() -> None:
    assert [(seed.url, seed.name) for seed in SEEDS] == [
        ("http://www.ebisu-lumiere.example/", "恵比寿ルミエールクリニック"),
        ("http://www.omiya-hifuka.example/", "おおみや駅前ひふ科・美容皮膚科"),
        ("http://sakae-aura.example/", None),
        ("http://www.orchid-skin.example/", "オーキッドスキンクリニック"),
        ("http://www.luxia-clinic.example/umeda/", "ラクシアクリニック梅田院"),
        ("http://www.nishizawa-seikei.example/", "西沢整形外科"),
        ("http://www.akasaka-grace.example/", None),
    ]


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        (6, "no usable URL: not an http(s) address"),
        (7, "duplicate of line 2"),
        (10, "no usable URL: an e-mail address"),
        (11, "no usable URL: several URLs"),
    ],
)
def test_unusable_rows_are_skipped_with_line_and_reason(line: int, fragment: str) -> None:
    assert BY_LINE[line].skipped
    assert fragment in BY_LINE[line].message


@pytest.mark.parametrize(
    ("line", "fragment"),
    [(3, "added http://"), (4, "repaired the scheme"), (9, "removed spaces"), (12, "redirect link")],
)
def test_repaired_rows_are_reported_but_used(line: int, fragment: str) -> None:
    assert not BY_LINE[line].skipped
    assert fragment in BY_LINE[line].message


def test_problem_names_file_line_and_value() -> None:
    assert (
        BY_LINE[6].describe("seeds.csv")
        == 'seeds.csv line 6: no usable URL: not an http(s) address ("htp:/x"); skipped'
    )


def test_file_without_url_column_is_refused(tmp_path: Path) -> None:
    seed_file = tmp_path / "seeds.csv"
    seed_file.write_text("website,name\nhttp://a.example/,A\n", encoding="utf-8")
    with pytest.raises(SeedFileError, match=r"seeds.csv: no 'url' column .*found: website, name"):
        read_seeds(seed_file)


def test_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SeedFileError, match="cannot be read"):
        read_seeds(tmp_path / "nope.csv")


def test_written_seeds_read_back_with_open_data_identity(tmp_path: Path) -> None:
    seeds = [
        Seed(
            "http://www.ginza-miwa.example/",
            "銀座美和クリニック",
            "1312345678901",
            "医療法人社団美和会　銀座美和クリニック",
            "東京都中央区銀座１－２－３",
        )
    ]
    write_seeds(seeds, tmp_path / "out.csv")
    assert read_seeds(tmp_path / "out.csv") == (seeds, [])


@pytest.mark.parametrize(
    ("raw", "url"),
    [
        ("HTTP://WWW.Clinic.example/Menu/", "http://www.clinic.example/Menu/"),
        ("http:/clinic.example", "http://clinic.example/"),
        ("http:///clinic.example/", "http://clinic.example/"),
        ("https;//clinic.example/", "https://clinic.example/"),
        ("//clinic.example/", "http://clinic.example/"),
        ("clinic.example:8080/top", "http://clinic.example:8080/top"),
        ("「http://clinic.example/」", "http://clinic.example/"),
        ("http://clinic.example/#access", "http://clinic.example/"),
        ("http://l.facebook.com/l.php?u=https%3A%2F%2Fclinic.example%2F", "https://clinic.example/"),
    ],
)
def test_clean_website_repairs(raw: str, url: str) -> None:
    assert clean_website(raw)[0] == url


@pytest.mark.parametrize(
    "raw", ["", "なし", "-", "http://localhost/", "ftp://clinic.example/", "tel:0312345678"]
)
def test_clean_website_refuses(raw: str) -> None:
    with pytest.raises(UnusableUrl):
        clean_website(raw)
