"""report.html: one self-contained page (inline CSS, JS and SVG) rendered with autoescaping Jinja2."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader

from db.vocabulary import Flag, Status
from reports.labels import flag_label, modality_label, status_label
from reports.report_data import ReportData

TEMPLATES = Path(__file__).with_name("templates")
UNKNOWN_PREFECTURE = "-"
CHART_WIDTH = 320
# Registry candidates shown per link; findings.json keeps them all. Keeps a 10,000-clinic report small.
MAX_CANDIDATES_SHOWN = 5


def safe_href(url: str | None) -> str | None:
    """The URL when it is http(s); anything else (javascript:, data:) is shown as text, never linked."""
    if not url:
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in ("http", "https") else None


def display_time(value: str | None) -> str:
    """2026-11-26T13:05:00+00:00 → 2026-11-26 13:05 UTC; unparseable text is shown as it is."""
    if not value:
        return "—"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    return moment.strftime("%Y-%m-%d %H:%M") + (" UTC" if moment.utcoffset() is not None else "")


def judgement_lines(judgement: Any) -> list[str]:
    """An analyst's confirm/reject decisions recorded on a link, one readable line each."""
    if not isinstance(judgement, dict):
        return [str(judgement)] if judgement else []
    lines = []
    for applied in (*judgement.get("confirmed", []), *judgement.get("rejected", [])):
        note = f": {applied['note']}" if applied.get("note") else ""
        when = display_time(applied.get("at"))
        lines.append(
            f"{applied.get('verdict')} {applied.get('facility')} — {applied.get('who')}, {when}{note}"
        )
    return lines


def chart_bars(counts: dict[str, int]) -> list[dict[str, Any]]:
    """One bar per status with its width in pixels, scaled to the largest count."""
    largest = max(counts.values(), default=0) or 1
    return [
        {
            "status": status,
            "count": counts.get(status, 0),
            "width": round(CHART_WIDTH * counts.get(status, 0) / largest),
        }
        for status in tuple(Status)
    ]


def filter_options(clinics: list[dict[str, Any]]) -> dict[str, list[str]]:
    prefectures = sorted({clinic.get("prefecture") or UNKNOWN_PREFECTURE for clinic in clinics})
    modalities = sorted(
        {m for clinic in clinics for m in [*clinic.get("requires_filing", []), *clinic.get("cell_free", [])]}
    )
    return {"prefectures": prefectures, "modalities": modalities}


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        status_label=status_label,
        flag_label=flag_label,
        modality_label=modality_label,
        safe_href=safe_href,
        display_time=display_time,
        judgement_lines=judgement_lines,
    )
    env.globals["max_candidates"] = MAX_CANDIDATES_SHOWN
    return env


def render(data: ReportData) -> str:
    template = environment().get_template("report.html.j2")
    return template.render(
        run=data.run,
        clinics=data.clinics,
        changes=data.changes,
        bars=chart_bars(data.run["counts"]),
        chart_width=CHART_WIDTH,
        options=filter_options(data.clinics),
        statuses=tuple(Status),
        flags=tuple(Flag),
        unknown_prefecture=UNKNOWN_PREFECTURE,
    )


def write_html(data: ReportData, path: Path) -> Path:
    path.write_text(render(data), encoding="utf-8")
    return path
