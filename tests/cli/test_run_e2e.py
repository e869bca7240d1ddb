"""End to end: `clinicwatch run` over the demo's sample sites and registry served on loopback.

The first run must give every sample clinic its expected status and flags (expected.json). Then the
registry changes as in a later week (the not_covered clinic files one of its missing plans, another
plan is withdrawn) and a second run must report the resolved finding and the plan changes.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from lxml import html as lxml_html

from clinicwatch.cli import main
from clinicwatch.commands import demo
from clinicwatch.commands import run as run_command

DATA = demo.DEMO_DATA
EXPECTED = json.loads((DATA / "expected.json").read_text(encoding="utf-8"))


@pytest.fixture
def fast_crawl(monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo's crawl settings (no politeness delay on loopback) for `clinicwatch run`."""
    settings_of = run_command.crawl_settings
    monkeypatch.setattr(
        run_command, "crawl_settings", lambda args: {**settings_of(args), **demo.DEMO_CRAWL_SETTINGS}
    )


def run_once(db_url: str, out: Path) -> dict[str, Any]:
    argv = ["run", "--seeds", str(DATA / "seeds.csv"), "--registry-url", EXPECTED["registry_url"],
            "--db", db_url, "--out", str(out)]  # fmt: skip
    assert main(argv) == 0
    return json.loads((out / "findings.json").read_text(encoding="utf-8"))


def mismatches(expected: dict[str, Any], clinic: dict[str, Any] | None) -> list[str]:
    """What differs between a sample site's expected outcome and its findings.json clinic object.

    `or` lists other acceptable (status, flags) outcomes of a hard case, e.g. review instead of unfiled.
    """
    if clinic is None:
        return ["missing from findings.json"]
    problems = []
    outcomes = [expected, *expected.get("or", [])]
    got = (clinic["status"], sorted(clinic["flags"]))
    if got not in [(outcome["status"], sorted(outcome["flags"])) for outcome in outcomes]:
        wanted = " or ".join(f"{outcome['status']} {sorted(outcome['flags'])}" for outcome in outcomes)
        problems.append(f"status and flags {got[0]} {got[1]} (expected {wanted})")
    if sorted(clinic["requires_filing"]) != sorted(expected["requires_filing"]):
        problems.append(
            f"requires_filing {sorted(clinic['requires_filing'])} (expected {expected['requires_filing']})"
        )
    if "uncovered" in expected and sorted(clinic["uncovered"]) != sorted(expected["uncovered"]):
        problems.append(f"uncovered {sorted(clinic['uncovered'])} (expected {expected['uncovered']})")
    for label, status in expected.get("branches", {}).items():
        found = [branch["status"] for branch in clinic.get("branches", []) if label in branch["name"]]
        if found != [status]:
            problems.append(f"branch {label}: {found} (expected [{status!r}])")
    return problems


def test_run_over_the_sample_sites_then_a_changed_registry(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, site_farm: type, fast_crawl: None
) -> None:
    sites = tmp_path / "sites"
    shutil.copytree(DATA / "sites", sites)
    with site_farm(sites) as farm:
        monkeypatch.setenv("http_proxy", farm.proxy_url)
        for name in ("no_proxy", "NO_PROXY"):
            monkeypatch.delenv(name, raising=False)

        first = run_once(db_url, tmp_path / "week1")
        clinics = {clinic["seed"]: clinic for clinic in first["clinics"]}
        wrong = {
            site["seed"]: problems
            for site in EXPECTED["sites"]
            if (problems := mismatches(site, clinics.get(site["seed"])))
        }
        assert not wrong, json.dumps(wrong, ensure_ascii=False, indent=1)
        assert len(clinics) == len(EXPECTED["sites"])

        shutil.copytree(DATA / EXPECTED["next"]["overlay"], sites, dirs_exist_ok=True)
        second = run_once(db_url, tmp_path / "week2")

    clinics = {clinic["seed"]: clinic for clinic in second["clinics"]}
    for seed, status in EXPECTED["next"]["status"].items():
        assert clinics[seed]["status"] == status, seed
    for seed, uncovered in EXPECTED["next"]["uncovered"].items():
        assert sorted(clinics[seed]["uncovered"]) == uncovered, seed
    changes = second["changes"]
    assert changes["previous_run_id"] == first["run"]["id"]
    resolved = [
        {key: entry[key] for key in ("seed", "finding", "modality")} for entry in changes["resolved_findings"]
    ]
    assert resolved == EXPECTED["next"]["resolved"]
    assert not changes["new_findings"]
    assert sorted(plan["plan_number"] for plan in changes["plans_added"]) == EXPECTED["next"]["added"]
    assert sorted(plan["plan_number"] for plan in changes["plans_withdrawn"]) == EXPECTED["next"]["withdrawn"]
    page = lxml_html.fromstring((tmp_path / "week2" / "report.html").read_text(encoding="utf-8"))
    changes_text = " ".join(section.text_content() for section in page.xpath('//section[@id="changes"]'))
    for entry in EXPECTED["next"]["resolved"]:
        assert entry["seed"] in changes_text
    for plan_number in [*EXPECTED["next"]["added"], *EXPECTED["next"]["withdrawn"]]:
        assert plan_number in changes_text
