"""report.html in headless Chromium: it opens from a file, and the filters show only what they select."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from db.session import Database
from reports import write_report
from tests.reports.conftest import World
from tests.reports.test_write_report import XSS_NAME, build_report_world

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does)"
    ),
]


@pytest.fixture(scope="module")
def report_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("browser")
    database = Database.open(f"sqlite:///{folder / 'clinicwatch.db'}")
    factory = database.sessions
    with factory.begin() as session:
        paths = write_report(session, build_report_world(World(session)), folder / "out")
    database.dispose()
    return paths["html"]


@pytest.fixture(scope="module")
def page_errors() -> list[str]:
    """Script errors and dialogs (alert() from site text would open one) seen while the page is open."""
    return []


@pytest.fixture(scope="module")
def page(report_html: Path, page_errors: list[str]) -> Iterator:  # type: ignore[type-arg]
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.on("pageerror", lambda error: page_errors.append(str(error)))
        page.on("dialog", lambda dialog: page_errors.append(f"dialog opened: {dialog.message}"))
        page.goto(report_html.as_uri())
        yield page
        browser.close()


def visible_statuses(page) -> list[str]:  # type: ignore[no-untyped-def]
    return page.eval_on_selector_all(
        "details.clinic",
        "els => els.filter(e => !e.hidden && e.offsetParent !== null).map(e => e.dataset.status)",
    )


def reset(page) -> None:  # type: ignore[no-untyped-def]
    for select in ("#filter-status", "#filter-prefecture", "#filter-modality", "#filter-flag"):
        page.select_option(select, "")


def test_all_clinics_show_flagged_first(page) -> None:  # type: ignore[no-untyped-def]
    reset(page)
    assert visible_statuses(page) == ["unfiled", "filed", "none", "error"]
    assert page.text_content("#shown-count") == "4"


def test_status_filter_shows_only_unfiled_clinics(page) -> None:  # type: ignore[no-untyped-def]
    reset(page)
    page.select_option("#filter-status", "unfiled")
    assert visible_statuses(page) == ["unfiled"]
    assert page.text_content("#shown-count") == "1"
    shown = page.locator("details.clinic:visible summary .name")
    assert shown.all_text_contents() == [XSS_NAME]


def test_prefecture_and_modality_filters(page) -> None:  # type: ignore[no-untyped-def]
    reset(page)
    page.select_option("#filter-prefecture", "東京都")
    assert visible_statuses(page) == ["filed"]
    reset(page)
    page.select_option("#filter-modality", "exosome")
    assert visible_statuses(page) == ["none"]
    reset(page)
    page.select_option("#filter-flag", "*")
    assert visible_statuses(page) == ["filed"]


def test_a_clinic_opens_to_its_evidence(page) -> None:  # type: ignore[no-untyped-def]
    reset(page)
    clinic = page.locator("details.clinic[data-status=filed]")
    clinic.locator(":scope > summary").click()
    assert clinic.evaluate("e => e.open")
    assert clinic.locator("table.evidence a").first.get_attribute("href") == "https://aoba.example/menu/"
    assert "厚生労働省承認の治療です" in clinic.locator("table.flags").inner_text()


def test_site_text_never_runs_as_script(page, page_errors: list[str]) -> None:  # type: ignore[no-untyped-def]
    assert page_errors == []
    assert page.evaluate("document.querySelectorAll('img').length") == 0
