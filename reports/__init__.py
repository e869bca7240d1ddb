"""Findings and reports: statuses and flags per clinic, report.html, findings.csv and findings.json.

`write_report` is what the CLI and the `run` orchestration call; see reports/README.md for the files.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from reports.exports import write_csv, write_json
from reports.render_html import write_html
from reports.report_data import load_report


def write_report(session: Session, run_id: int, out_dir: Path) -> dict[str, Path]:
    """Write report.html, findings.csv and findings.json for the run's stored findings into out_dir."""
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OSError(f"report folder {out_dir} cannot be created: {exc.strerror}") from exc
    data = load_report(session, run_id)
    return {
        "html": write_html(data, out_dir / "report.html"),
        "csv": write_csv(data, out_dir / "findings.csv"),
        "json": write_json(data, out_dir / "findings.json"),
    }
