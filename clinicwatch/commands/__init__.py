"""Subcommand modules, in the order `clinicwatch --help` lists them.

Each module has `register(subparsers)`; add a new one to the list below.
"""

from types import ModuleType

from clinicwatch.commands import crawl, demo, link, registry, report, seeds

COMMAND_MODULES: list[ModuleType] = [registry, seeds, crawl, link, report, demo]
