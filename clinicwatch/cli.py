"""The `clinicwatch` command: parses arguments and hands each subcommand to its module.

Each module in clinicwatch/commands/ has `register(subparsers)`, which adds its parser and sets
`handler`; handlers return an exit code. Errors that users can act on are printed as one line.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from clinicwatch.commands import COMMAND_MODULES
from clinicwatch.errors import UserError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="clinicwatch",
        description="Check what Japanese clinics advertise as regenerative medicine against MHLW's registry.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except UserError as exc:
        print(f"clinicwatch: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("clinicwatch: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
