"""The modssl harness command line: `python -m modssl_harness COMMAND ...`.

Small commands, one module each (commands/), in the manner of mpremote:
fetch, build, flash, test, run, bench, emu, clean.  Every command has --help.
"""

from __future__ import annotations

import argparse
import sys

from .build import BuildError
from .commands import bench, build, clean, emu, fetch, flash, run, test
from .targets import TargetError
from .emulator import EmulatorError
from .sources import FetchError

COMMANDS = (fetch, build, flash, test, run, bench, emu, clean)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="modssl-harness",
        description="Fetch sources, build modssl firmware, flash boards and run the TLS/DTLS tests.",
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for cmd in COMMANDS:
        cmd.register(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (FetchError, BuildError, TargetError, EmulatorError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
