"""`clinicwatch seeds --opendata`: build a seed file from MHLW's 医療情報ネット open data."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from clinicwatch.errors import UserError
from crawler.opendata import OpenDataError, default_specialities, opendata_seeds, speciality_codes
from crawler.seeds import write_seeds

PROBLEMS_SHOWN = 20


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    defaults = ", ".join(f"{code} {speciality_codes()[code][0]}" for code in default_specialities())
    parser = subparsers.add_parser(
        "seeds",
        help="build a seed file from the 医療情報ネット open data",
        description="Select clinics by speciality (and prefecture) from MHLW's 医療情報ネット open data and "
        "write their websites as a seed CSV for `clinicwatch crawl`, with each clinic's official name, "
        "address and open-data ID. Dirty website addresses are repaired where the fix is certain.",
    )
    parser.add_argument(
        "--opendata",
        nargs=2,
        required=True,
        metavar=("FACILITY", "SPECIALITY"),
        help="the clinic facility file (02-1_clinic_facility_info) and speciality file "
        "(02-2_clinic_speciality_hours): ZIP or CSV, path or URL",
    )
    parser.add_argument("--out", required=True, type=Path, metavar="FILE", help="seed CSV to write")
    parser.add_argument(
        "--speciality",
        action="append",
        metavar="CODE|NAME",
        help=f"診療科目コード or 診療科目名, repeatable or comma-separated (default: {defaults})",
    )
    parser.add_argument(
        "--prefecture",
        action="append",
        metavar="CODE|NAME",
        help="only these prefectures (13, 東京都 or 東京), repeatable or comma-separated (default: all)",
    )
    parser.set_defaults(handler=handle)


def _split(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    return [part.strip() for value in values for part in value.replace("、", ",").split(",") if part.strip()]


def handle(args: argparse.Namespace) -> int:
    facility, speciality = args.opendata
    try:
        result = opendata_seeds(
            facility,
            speciality,
            specialities=_split(args.speciality),
            prefecture_filter=_split(args.prefecture),
        )
    except OpenDataError as exc:
        raise UserError(str(exc)) from exc
    skipped = [problem for problem in result.problems if problem.skipped]
    for problem in skipped[:PROBLEMS_SHOWN]:
        print(problem.describe(Path(facility).name), file=sys.stderr)
    if len(skipped) > PROBLEMS_SHOWN:
        print(f"… and {len(skipped) - PROBLEMS_SHOWN} more rows skipped", file=sys.stderr)
    if not result.seeds:
        raise UserError(
            f"no clinic with a usable website matched (clinics with the specialities: "
            f"{result.counts['with_speciality']}, selected: {result.counts['selected']}); nothing written"
        )
    try:
        write_seeds(result.seeds, args.out)
    except OSError as exc:
        raise UserError(f"cannot write {args.out}: {exc.strerror}") from exc
    counts = result.counts
    repaired = sum(1 for problem in result.problems if not problem.skipped)
    print(
        f"{args.out}: {len(result.seeds)} seeds from {counts['selected']} clinics "
        f"({counts['no_website']} without a website, {counts['unusable_website']} unusable, "
        f"{counts['duplicate_website']} sharing a website, {repaired} addresses repaired)"
    )
    return 0
