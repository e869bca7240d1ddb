"""findings.json and findings.csv: the machine-readable halves of a report."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from reports.report_data import ReportData

CSV_COLUMNS = (
    "seed",
    "url",
    "name",
    "prefecture",
    "status",
    "flags",
    "requires_filing",
    "uncovered",
    "cell_free",
    "link_decision",
    "link_reason",
    "matched_facilities",
    "plan_numbers",
    "branches",
    "evidence_url",
    "evidence_quote",
    "evidence_fetched_at",
    "crawl_status",
    "crawl_errors",
)
# A cell starting with one of these is a formula in spreadsheet programs; site text must stay text.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def findings_document(data: ReportData) -> dict[str, Any]:
    return {"run": data.run, "changes": data.changes.as_dict(), "clinics": data.clinics}


def write_json(data: ReportData, path: Path) -> Path:
    path.write_text(json.dumps(findings_document(data), ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def spreadsheet_safe(value: str) -> str:
    """Site text that a spreadsheet would run as a formula gets a leading apostrophe."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def _joined(values: list[Any]) -> str:
    return "; ".join(str(value) for value in values if value not in (None, ""))


def csv_row(clinic: dict[str, Any]) -> dict[str, str]:
    """One clinic as a flat row; lists are joined with "; " and the first piece of evidence is quoted."""
    evidence: list[dict[str, Any]] = clinic.get("evidence", [])
    required = [item for item in evidence if item.get("requires_filing")]
    first: dict[str, Any] = (required or evidence or [{}])[0]
    matches = clinic.get("matches", [])
    row = {
        "seed": clinic.get("seed"),
        "url": clinic.get("url"),
        "name": clinic.get("name"),
        "prefecture": clinic.get("prefecture"),
        "status": clinic.get("status"),
        "flags": _joined(clinic.get("flags", [])),
        "requires_filing": _joined(clinic.get("requires_filing", [])),
        "uncovered": _joined(clinic.get("uncovered", [])),
        "cell_free": _joined(clinic.get("cell_free", [])),
        "link_decision": clinic.get("link", {}).get("decision"),
        "link_reason": clinic.get("link", {}).get("reason"),
        "matched_facilities": _joined([match.get("facility") for match in matches]),
        "plan_numbers": _joined([number for match in matches for number in match.get("plan_numbers", [])]),
        "branches": _joined(
            [f"{branch['name']}: {branch['status']}" for branch in clinic.get("branches", [])]
        ),
        "evidence_url": first.get("url"),
        "evidence_quote": first.get("quote"),
        "evidence_fetched_at": first.get("fetched_at"),
        "crawl_status": clinic.get("crawl", {}).get("status"),
        "crawl_errors": _joined([str(error) for error in clinic.get("crawl", {}).get("errors", [])]),
    }
    return {key: spreadsheet_safe(str(value)) if value is not None else "" for key, value in row.items()}


def write_csv(data: ReportData, path: Path) -> Path:
    """UTF-8 with a byte-order mark, so spreadsheet programs read the Japanese correctly."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        writer.writerows(csv_row(clinic) for clinic in data.clinics)
    return path
