"""`clinicwatch demo`: the whole weekly job over bundled fictional clinic sites, on a fresh machine.

The sample sites and registry pages in clinicwatch/demo_data/sites are served by a loopback forward
proxy (clinicwatch.sitefarm); the crawl children reach them through `http_proxy`, so nothing leaves
the machine. The run writes its database and report under the working directory.
"""

from __future__ import annotations

import argparse
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from clinicwatch.errors import UserError
from clinicwatch.pipeline import RunOutcome, StepFailed, run_pipeline
from clinicwatch.sitefarm import SiteFarm
from db.session import DatabaseError

DEMO_DATA = Path(__file__).resolve().parent.parent / "demo_data"
DEMO_REGISTRY_URL = "http://saiseiiryo.mhlw.go.jp/published_plan/index/"
# Loopback sites need no politeness delay; with it the demo would take minutes instead of seconds.
DEMO_CRAWL_SETTINGS = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False}
PROXY_VARIABLES = ("http_proxy", "HTTP_PROXY")
NO_PROXY_VARIABLES = ("no_proxy", "NO_PROXY")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="run everything on bundled fictional clinic sites (no internet needed)",
        description="Serve bundled fictional clinic sites and registry pages on 127.0.0.1, run the weekly job "
        "over them and print where the report is.",
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path("clinicwatch-demo"),
        metavar="DIR",
        help="where the demo database and report go (default ./clinicwatch-demo)",
    )
    parser.add_argument(
        "--keep-serving",
        action="store_true",
        help="after the run, keep serving the sample sites on loopback until Ctrl-C (to look at them)",
    )
    parser.set_defaults(handler=handle)


@contextmanager
def proxy_environment(proxy_url: str) -> Iterator[None]:
    """Point http_proxy at `proxy_url` (crawl children inherit it) with no exemptions; restore afterwards."""
    saved = {name: os.environ.get(name) for name in (*PROXY_VARIABLES, *NO_PROXY_VARIABLES)}
    for name in PROXY_VARIABLES:
        os.environ[name] = proxy_url
    for name in NO_PROXY_VARIABLES:
        os.environ.pop(name, None)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def run_demo(workdir: Path, proxy_url: str) -> RunOutcome:
    """The weekly job over the bundled seeds and registry, with its database and report under `workdir`."""
    try:
        workdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(
            f"demo work directory {workdir}: {exc.strerror}; choose another with --workdir"
        ) from exc
    with proxy_environment(proxy_url):
        return run_pipeline(
            f"sqlite:///{workdir / 'clinicwatch-demo.db'}",
            DEMO_DATA / "seeds.csv",
            DEMO_REGISTRY_URL,
            workdir / "report",
            crawl_settings=DEMO_CRAWL_SETTINGS,
        )


def summary_lines(outcome: RunOutcome, out_dir: Path) -> list[str]:
    """What the demo prints: what was crawled, the run with counts by status, and the report files."""
    by_status = outcome.counts.get("findings", {})
    counts = ", ".join(f"{status} {count}" for status, count in sorted(by_status.items())) or "no findings"
    html = next((path for path in outcome.report_paths.values() if Path(path).name == "report.html"), None)
    sites_ok, pages, failed = (outcome.counts.get(key, 0) for key in ("sites_ok", "pages", "sites_failed"))
    lines = [
        f"crawled {sites_ok} sites ({pages} pages), {failed} could not be read",
        f"demo run {outcome.run_id} {outcome.status}: {counts}",
    ]
    lines.append(f"report: {Path(html or out_dir / 'report.html').resolve()}")
    others = sorted(
        str(Path(p).resolve()) for p in outcome.report_paths.values() if Path(p).name != "report.html"
    )
    lines.extend(f"        {path}" for path in others)
    return lines


def handle(args: argparse.Namespace) -> int:
    workdir = args.workdir.resolve()
    seeds = (DEMO_DATA / "seeds.csv").read_text(encoding="utf-8").splitlines()[1:]
    with SiteFarm(DEMO_DATA / "sites") as farm:
        print(
            f"clinicwatch demo: {len(seeds)} fictional clinic sites and the registry served at {farm.proxy_url}"
        )
        try:
            outcome = run_demo(workdir, farm.proxy_url)
        except (StepFailed, DatabaseError) as exc:
            raise UserError(f"demo failed: {exc}") from exc
        for line in summary_lines(outcome, workdir / "report"):
            print(line)
        if args.keep_serving:
            print(
                f"serving the sample sites until Ctrl-C: curl -x {farm.proxy_url} http://www.setouchi-regene.example/"
            )
            try:
                threading.Event().wait()
            except KeyboardInterrupt:
                print("stopped")
    return 0
