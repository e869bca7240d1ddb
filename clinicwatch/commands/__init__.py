"""Subcommand modules, in the order `clinicwatch --help` lists them.

Each module has `register(subparsers)`; add a new one to the list below.
"""

from types import ModuleType

from clinicwatch.commands import check, crawl, demo, link, registry, report, run, runs, seeds

COMMAND_MODULES: list[ModuleType] = [run, runs, check, registry, seeds, crawl, link, report, demo]
