"""Findings and reports: statuses and flags per clinic, report.html, findings.csv and findings.json.

`write_report` is what the CLI and the `run` orchestration call; see reports/README.md for the files.
"""

from __future__ import annotations

import os
import tempfile
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
    # Written aside, then renamed into place: a run killed mid-write never leaves a half report.
    with tempfile.TemporaryDirectory(prefix=".report-", dir=out_dir) as staging:
        written = {
            "html": write_html(data, Path(staging) / "report.html"),
            "csv": write_csv(data, Path(staging) / "findings.csv"),
            "json": write_json(data, Path(staging) / "findings.json"),
        }
        for path in written.values():
            os.replace(path, out_dir / path.name)
    return {kind: out_dir / path.name for kind, path in written.items()}
