"""Run one spider in a child process, so every crawl gets a fresh Twisted reactor.

The CLI calls `crawl()`; the child is `python -m crawler.runner SPIDER SETTINGS_JSON ARGS_JSON`. A
crawl that dies (even by SIGKILL) leaves its run record open, which the next run marks interrupted.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import subprocess
import sys
from typing import Any

FAILED_STAT = "clinicwatch/failed"
PARENT_ENV = "CLINICWATCH_CRAWL_PARENT"
PR_SET_PDEATHSIG = 1


class CrawlFailed(RuntimeError):
    """A spider run ended badly; the message carries the reason the spider reported."""


def crawl(spider: str, settings: dict[str, Any], args: dict[str, Any]) -> None:
    """Run `spider` with extra `settings` and spider `args`; raise CrawlFailed on a non-zero exit."""
    command = [sys.executable, "-m", "crawler.runner", spider, json.dumps(settings), json.dumps(args)]
    result = subprocess.run(command, check=False, env={**os.environ, PARENT_ENV: str(os.getpid())})
    if result.returncode != 0:
        raise CrawlFailed(f"{spider} crawl failed (exit {result.returncode}); see the messages above")


def _die_with_parent() -> None:
    """Make the kernel kill this crawl if the CLI that started it dies (even by SIGKILL).

    An orphaned crawl would go on writing while the next invocation resumes the same run.
    """
    parent = int(os.environ.get(PARENT_ENV, "0"))
    if sys.platform.startswith("linux") and parent:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(1)


def _main(spider: str, settings_json: str, args_json: str) -> int:
    _die_with_parent()
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    # Outside the project folder there is no scrapy.cfg to name the settings module.
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    settings = get_project_settings()
    settings.setdict(json.loads(settings_json), priority="cmdline")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(spider)
    process.crawl(crawler, **json.loads(args_json))
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    if stats.get(FAILED_STAT):
        print(f"clinicwatch: {spider}: {stats[FAILED_STAT]}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(_main(*sys.argv[1:4]))
