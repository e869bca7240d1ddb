"""write_report: findings.json keys, findings.csv rows, and a report.html that keeps site text as text."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from reports import write_report
from reports.findings import compute_findings
from reports.render_html import display_time, judgement_lines, safe_href
from tests.reports.conftest import World

STEM = ("PB3130001", 2, "自己脂肪由来間葉系幹細胞を用いた治療", ["stem_cell"])
XSS_NAME = "<script>alert(1)</script>クリニック"


def build_report_world(world: World) -> int:
    """Four clinics: unfiled (with a hostile name), filed with a flag, cell-free only, and unreadable."""
    snap = world.snapshot()
    snap.class_counts = {"2": 1}
    aoba = world.facility(snap, "医療法人社団青葉会 青葉クリニック", [STEM])
    run = world.run(snap)
    hostile = world.site(run, "evil.example", XSS_NAME)
    world.claim(hostile, "stem_cell", '=HYPERLINK("http://x")<img src=x onerror=alert(2)>幹細胞点滴')
    world.identity(hostile, "address", "大阪府大阪市北区梅田1-1-1")
    world.link(hostile, snap, "no_match")
    filed = world.site(run, "aoba.example", "青葉クリニック")
    world.identity(filed, "address", "東京都港区南青山1-2-3")
    world.claim(filed, "stem_cell")
    world.flag(filed, "approval_claim", "厚生労働省承認の治療です")
    world.link(filed, snap, "match", [aoba])
    cell_free = world.site(run, "exo.example", "エクソ美容クリニック")
    world.claim(cell_free, "exosome")
    world.link(cell_free, snap, "no_match")
    world.site(run, "down.example", "ダウン美容外科", crawl_status="failed", errors=["connection refused"])
    compute_findings(world.session, run.id, snap.id)
    return run.id


@pytest.fixture
def written(world: World, tmp_path: Path) -> dict[str, Path]:
    return write_report(world.session, build_report_world(world), tmp_path / "out")


def test_findings_json_has_run_changes_and_clinics_in_report_order(written: dict[str, Path]) -> None:
    document = json.loads(written["json"].read_text(encoding="utf-8"))
    run = document["run"]
    assert run["counts"] == {"unfiled": 1, "not_covered": 0, "review": 0, "filed": 1, "none": 1, "error": 1}
    assert run["registry_snapshot"]["row_count"] == 1
    assert run["registry_snapshot"]["class_counts"] == {"2": 1}
    assert document["changes"]["previous_run_id"] is None
    assert [c["status"] for c in document["clinics"]] == ["unfiled", "filed", "none", "error"]
    assert document["clinics"][0]["name"] == XSS_NAME
    assert document["clinics"][0]["prefecture"] == "大阪府"


def test_findings_csv_has_one_row_per_clinic_and_no_formulas(written: dict[str, Path]) -> None:
    with written["csv"].open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["status"] for row in rows] == ["unfiled", "filed", "none", "error"]
    assert rows[0]["evidence_quote"].startswith("'=HYPERLINK")
    assert rows[1]["matched_facilities"] == "医療法人社団青葉会 青葉クリニック"
    assert rows[1]["plan_numbers"] == "PB3130001"
    assert rows[1]["flags"] == "approval_claim"
    assert rows[3]["crawl_errors"] == "connection refused"


def test_report_html_keeps_site_text_as_text(written: dict[str, Path]) -> None:
    html = written["html"].read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;クリニック" in html
    assert "<img src=x" not in html
    assert html.count("<script>") == 1  # the report's own filter script, nothing else


def test_report_html_is_self_contained(written: dict[str, Path]) -> None:
    html = written["html"].read_text(encoding="utf-8")
    for external in ('src="http', "src='http", '<link rel="stylesheet"', "@import", "url(http"):
        assert external not in html


def test_report_html_shows_the_run_snapshot_evidence_and_legend(written: dict[str, Path]) -> None:
    html = written["html"].read_text(encoding="utf-8")
    assert "Registry snapshot #" in html and "1 件の提供計画" in html
    assert "届出は厚生労働省への「届出」であり、「承認」ではありません" in html
    assert 'href="https://aoba.example/menu/"' in html
    assert "2026-11-20 09:30 UTC" in html
    assert "厚生労働省承認の治療です" in html
    assert "brand_similarity" in html
    assert "connection refused" in html
    assert 'id="changes"' in html


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://a.example/x", "https://a.example/x"),
        ("javascript:alert(1)", None),
        (" JavaScript:alert(1)", None),
        ("data:text/html,hi", None),
        ("", None),
    ],
)
def test_only_http_links_are_linked(url: str, expected: str | None) -> None:
    assert safe_href(url) == expected


def test_display_time() -> None:
    assert display_time("2026-11-20T09:30:00+00:00") == "2026-11-20 09:30 UTC"
    assert display_time(None) == "—"
    assert display_time("last week") == "last week"


def test_report_html_shows_the_first_candidates_and_says_how_many_more(world: World, tmp_path: Path) -> None:
    snap = world.snapshot()
    facilities = [
        world.facility(snap, f"みらいクリニック{n}院", [STEM], address=f"港区{n}-1") for n in range(7)
    ]
    crawl = world.site(world.run(snap), "mirai.example", "みらいクリニック")
    world.claim(crawl, "stem_cell")
    world.link(crawl, snap, "review", candidates=facilities)
    compute_findings(world.session, crawl.run_id, snap.id)
    html = write_report(world.session, crawl.run_id, tmp_path)["html"].read_text(encoding="utf-8")
    assert "みらいクリニック4院" in html and "みらいクリニック5院" not in html
    assert "2 more candidates in findings.json" in html


def test_judgement_lines() -> None:
    judgement = {
        "confirmed": [
            {
                "verdict": "confirm",
                "facility": "青葉クリニック",
                "who": "sato",
                "at": "2026-11-19T10:00:00+00:00",
                "note": "same phone",
            }
        ],
        "rejected": [],
    }
    assert judgement_lines(judgement) == ["confirm 青葉クリニック — sato, 2026-11-19 10:00 UTC: same phone"]
    assert judgement_lines(None) == []
