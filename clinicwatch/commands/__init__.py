"""Subcommand modules, in the order `clinicwatch --help` lists them."""

from clinicwatch.commands import registry

COMMAND_MODULES = [registry]
