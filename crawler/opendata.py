"""Seeds from MHLW's 医療情報ネット (ナビイ) open data: the clinic facility file and the speciality file.

Both files come as ZIP or CSV, from a path or a URL, in UTF-8 (with or without BOM) or Shift_JIS. The
speciality file picks the clinics (by 診療科目コード or 診療科目名, default those marked in
speciality_codes.csv); the facility file gives each one's website, official name, address and ID, which
stay with the seed as a second identity for the matcher. Rows are streamed: the real speciality file
has a row per clinic, speciality and time band.
"""

from __future__ import annotations

import codecs
import csv
import io
import shutil
import tempfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import IO

from crawler.seeds import Seed, SeedProblem, UnusableUrl, clean_website, site_key
from jp import prefectures

DATA_DIR = Path(__file__).parent
FACILITY_COLUMNS = ("ID", "正式名称", "所在地", "案内用ホームページアドレス")
SPECIALITY_COLUMNS = ("ID", "診療科目コード")
_SAMPLE = 256 * 1024


class OpenDataError(ValueError):
    """An open-data file cannot be used; the message names it and says why."""


@dataclass
class OpenDataSeeds:
    seeds: list[Seed]
    problems: list[SeedProblem]  # line numbers are those of the facility file
    counts: dict[str, int] = field(default_factory=dict)


@cache
def speciality_codes() -> dict[str, tuple[str, bool]]:
    """診療科目コード -> (name, chosen by default), from speciality_codes.csv."""
    with (DATA_DIR / "speciality_codes.csv").open(encoding="utf-8") as rows:
        return {row["code"]: (row["name"], row["default"] == "yes") for row in csv.DictReader(rows)}


def default_specialities() -> list[str]:
    return [code for code, (_, chosen) in speciality_codes().items() if chosen]


def prefecture_code(value: str) -> str:
    """'13', '東京都' or '東京' -> '13'; raise OpenDataError for anything else."""
    code = prefectures.code(value.strip())
    if code is None:
        raise OpenDataError(f"prefecture {value!r} is neither a JIS code (01-47) nor a prefecture name")
    return code


def speciality_filter(values: list[str]) -> tuple[set[str], set[str]]:
    """Split `--speciality` values into codes (digits, zero-padded to 5) and names."""
    codes = {value.strip().zfill(5) for value in values if value.strip().isdigit()}
    names = {value.strip() for value in values if value.strip() and not value.strip().isdigit()}
    return codes, names


@contextmanager
def _local_copy(source: str) -> Iterator[Path]:
    if not source.lower().startswith(("http://", "https://")):
        path = Path(source)
        if not path.is_file():
            raise OpenDataError(f"open-data file {source}: not found")
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="clinicwatch-opendata-") as folder:
        path = Path(folder) / "download"
        try:
            # A fresh opener reads http_proxy now; urlopen would reuse the first one it built.
            with urllib.request.build_opener().open(source, timeout=120) as answer, path.open("wb") as out:
                shutil.copyfileobj(answer, out)
        except (urllib.error.URLError, OSError) as exc:
            raise OpenDataError(f"open-data file {source}: download failed ({exc})") from exc
        yield path


def _text_encoding(sample: bytes) -> str:
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(sample) - 4:  # not merely a character cut at the sample's end
            return "cp932"
    return "utf-8"


@contextmanager
def _open_csv(path: Path, source: str) -> Iterator[IO[bytes]]:
    if not zipfile.is_zipfile(path):
        with path.open("rb") as raw:
            yield raw
        return
    with zipfile.ZipFile(path) as archive:
        members = [name for name in archive.namelist() if name.lower().endswith(".csv")]
        if not members:
            raise OpenDataError(
                f"open-data file {source}: the ZIP holds no .csv ({', '.join(archive.namelist())})"
            )
        with archive.open(members[0]) as raw:
            yield raw


def read_rows(source: str, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) of an open-data CSV (path or URL, ZIP or CSV, encoding detected)."""
    with _local_copy(source) as path:
        with _open_csv(path, source) as raw:
            encoding = _text_encoding(raw.read(_SAMPLE))
        with _open_csv(path, source) as raw:
            yield from _rows(
                io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline=""), source, required
            )


def _rows(text: IO[str], source: str, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(text)
    columns = [name.strip() for name in reader.fieldnames or []]
    reader.fieldnames = columns
    if missing := [name for name in required if name not in columns]:
        raise OpenDataError(
            f"open-data file {source}: column {', '.join(missing)} missing "
            f"(columns seen: {', '.join(columns[:12]) or 'none'}); is this the right file?"
        )
    for row in reader:
        yield reader.line_num, {key: (value or "").strip() for key, value in row.items() if key}


def clinic_ids(source: str, specialities: list[str]) -> set[str]:
    """IDs of the clinics that list any of the given specialities (codes or names)."""
    codes, names = speciality_filter(specialities)
    return {
        row["ID"]
        for _, row in read_rows(source, SPECIALITY_COLUMNS)
        if row["診療科目コード"].zfill(5) in codes or row.get("診療科目名", "") in names
    }


def opendata_seeds(
    facility_source: str,
    speciality_source: str,
    *,
    specialities: list[str] | None = None,
    prefecture_filter: list[str] | None = None,
) -> OpenDataSeeds:
    """Seeds for the clinics with the chosen specialities (in the chosen prefectures) that list a website."""
    wanted = clinic_ids(speciality_source, specialities or default_specialities())
    prefecture_codes = {prefecture_code(value) for value in prefecture_filter or []}
    result = OpenDataSeeds(
        [],
        [],
        {
            "with_speciality": len(wanted),
            "selected": 0,
            "no_website": 0,
            "unusable_website": 0,
            "duplicate_website": 0,
        },
    )
    first_line: dict[str, int] = {}
    for line, row in read_rows(facility_source, FACILITY_COLUMNS):
        if row["ID"] not in wanted:
            continue
        if prefecture_codes and (row.get("都道府県コード") or row["ID"][:2]).zfill(2) not in prefecture_codes:
            continue
        result.counts["selected"] += 1
        if seed := _seed(line, row, result, first_line):
            result.seeds.append(seed)
    return result


def _seed(line: int, row: dict[str, str], result: OpenDataSeeds, first_line: dict[str, int]) -> Seed | None:
    raw = row["案内用ホームページアドレス"]
    if not raw:
        result.counts["no_website"] += 1
        return None
    try:
        url, repairs = clean_website(raw)
    except UnusableUrl as exc:
        result.counts["unusable_website"] += 1
        result.problems.append(
            SeedProblem(line, raw, f"{row['ID']} {row['正式名称']}: no usable URL: {exc}", True)
        )
        return None
    if (key := site_key(url)) in first_line:
        result.counts["duplicate_website"] += 1
        result.problems.append(
            SeedProblem(line, raw, f"{row['ID']}: same website as line {first_line[key]}", True)
        )
        return None
    first_line[key] = line
    if repairs:
        result.problems.append(SeedProblem(line, raw, f"{row['ID']}: {'; '.join(repairs)} -> {url}", False))
    return Seed(
        url=url,
        name=row.get("略称") or row["正式名称"],
        opendata_id=row["ID"],
        opendata_name=row["正式名称"],
        opendata_address=row["所在地"],
    )
