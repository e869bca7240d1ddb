"""Seeds from the 医療情報ネット open data: speciality and prefecture filters, dirty websites, ZIP/CSV,
Shift_JIS/UTF-8 with BOM, path or URL."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from clinicwatch.sitefarm import SiteFarm
from crawler.opendata import OpenDataError, opendata_seeds, prefecture_code

PAGES = Path(__file__).parent / "pages" / "opendata"
FACILITY = PAGES / "02-1_clinic_facility_info_sample.csv"  # Shift_JIS, CRLF, a line break inside a name
SPECIALITY = PAGES / "02-2_clinic_speciality_hours_sample.csv"  # UTF-8 with BOM, a row per time band
DEFAULT = opendata_seeds(str(FACILITY), str(SPECIALITY))
BY_ID = {seed.opendata_id: seed for seed in DEFAULT.seeds}


def test_default_specialities_select_aesthetic_and_dermatology_clinics() -> None:
    assert sorted(BY_ID) == [
        "0110101000100",  # 美容皮膚科
        "1310101000011",  # 美容外科 + 美容皮膚科, listed once
        "1310401000022",  # 皮膚科
        "1310401000033",  # 皮膚科
        "2712701000077",  # 美容外科 (its Kyoto branch shares the website)
        "4010101000099",  # 皮膚科
    ]


@pytest.mark.parametrize(
    ("opendata_id", "url"),
    [
        ("1310101000011", "http://www.ginza-miwa.example/"),
        ("1310401000022", "http://shinjuku-hifu.example/"),
        ("1310401000033", "http://www.shinjuku-skin.example/index.html"),
        ("4010101000099", "http://hakata-hifu.example/"),
        ("0110101000100", "https://sapporo-biyou.example/"),
    ],
)
def test_dirty_websites_are_cleaned(opendata_id: str, url: str) -> None:
    assert BY_ID[opendata_id].url == url


def test_seed_keeps_official_name_address_and_id() -> None:
    seed = BY_ID["1310101000011"]
    assert seed.name == "銀座美和クリニック"
    assert seed.opendata_name == "医療法人社団美和会　銀座美和クリニック"
    assert seed.opendata_address == "東京都中央区銀座１丁目２番３号　銀座ビル４階"
    assert BY_ID["1310401000033"].opendata_name == "医療法人翠陽会\n新宿スキンクリニック"


def test_counts_and_problems_explain_the_rows_left_out() -> None:
    assert DEFAULT.counts == {
        "with_speciality": 9,
        "selected": 9,
        "no_website": 1,
        "unusable_website": 1,
        "duplicate_website": 1,
    }
    skipped = {problem.line: problem.message for problem in DEFAULT.problems if problem.skipped}
    assert "1311301000055 渋谷美容外科クリニック: no usable URL" in skipped[7]
    assert "2610401000088: same website as line 9" in skipped[10]


def test_speciality_and_prefecture_filters() -> None:
    result = opendata_seeds(
        str(FACILITY), str(SPECIALITY), specialities=["02035", "形成外科"], prefecture_filter=["北海道", "13"]
    )
    assert [seed.opendata_id for seed in result.seeds] == ["0110101000100"]
    assert result.counts["no_website"] == 1  # 渋谷形成外科 (Tokyo, 形成外科) has none


@pytest.mark.parametrize(
    ("value", "code"),
    [("13", "13"), ("1", "01"), ("東京都", "13"), ("京都", "26"), ("大阪", "27"), ("北海道", "01")],
)
def test_prefecture_codes(value: str, code: str) -> None:
    assert prefecture_code(value) == code


def test_unknown_prefecture_is_refused() -> None:
    with pytest.raises(OpenDataError, match="'東京府' is neither"):
        prefecture_code("東京府")


def _zipped(tmp_path: Path, source: Path) -> Path:
    target = tmp_path / (source.stem + ".zip")
    with zipfile.ZipFile(target, "w") as archive:
        archive.write(source, source.name)
    return target


def test_zip_files_read_like_csv(tmp_path: Path) -> None:
    result = opendata_seeds(str(_zipped(tmp_path, FACILITY)), str(_zipped(tmp_path, SPECIALITY)))
    assert result.seeds == DEFAULT.seeds


def test_files_are_downloaded_from_a_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "www.mhlw.go.jp" / "content" / "11121000"
    site.mkdir(parents=True)
    _zipped(site, FACILITY)
    (site / SPECIALITY.name).write_bytes(SPECIALITY.read_bytes())
    base = "http://www.mhlw.go.jp/content/11121000/"
    with SiteFarm(tmp_path) as farm:
        monkeypatch.setenv("http_proxy", farm.proxy_url)
        result = opendata_seeds(base + FACILITY.stem + ".zip", base + SPECIALITY.name)
        assert result.seeds == DEFAULT.seeds
        with pytest.raises(OpenDataError, match=r"missing\.zip: download failed .*404"):
            opendata_seeds(base + "missing.zip", base + SPECIALITY.name)


def test_wrong_file_names_the_missing_column(tmp_path: Path) -> None:
    with pytest.raises(
        OpenDataError, match=r"02-2_clinic_speciality_hours_sample.csv: column 正式名称, 所在地"
    ):
        opendata_seeds(str(SPECIALITY), str(SPECIALITY))


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(OpenDataError, match="nope.csv: not found"):
        opendata_seeds(str(tmp_path / "nope.csv"), str(SPECIALITY))
