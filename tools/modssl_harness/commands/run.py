"""`run`: the main job -- build, then the device checks (device_tests/) on one
target against host servers: a thin pytest run of host_tests/test_device_scripts.py
(pytest prints the summary; --junit is pytest's own JUnit report)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .. import build as builder
from .. import paths, rp2build

DEVICE_SUITE = "host_tests/test_device_scripts.py"


def register(sub) -> None:
    p = sub.add_parser(
        "run", help="build the firmware, start host TLS servers, run the on-device checks, print a summary"
    )
    p.add_argument(
        "--device", default="unix",
        help="unix (default), unix:/path/to/micropython, emu:rp2 (the emulated Pico), a serial port, "
        "or rfc2217://host:port (a board shared over the network)",
    )
    p.add_argument(
        "--link", action="store_true",
        help="a board without a network (plain Pico): its TLS/DTLS goes over its serial console to the host",
    )
    p.add_argument("--host-address", default=None, help="this machine's address as the board sees it (boards only)")
    p.add_argument("--no-build", action="store_true", help="use the firmware already built")
    p.add_argument("--junit", type=Path, default=None, help="also write results as JUnit XML here")
    p.set_defaults(func=run)


def pytest_command(device: str, link: bool = False, host_address: str | None = None,
                   junit: Path | None = None) -> list[str]:
    cmd = [sys.executable, "-m", "pytest", str(paths.REPO / DEVICE_SUITE), "-q", "-rA", "--target", device]
    if link:
        cmd.append("--link")
    if host_address:
        cmd += ["--host-address", host_address]
    if junit:
        cmd.append(f"--junitxml={junit}")
    return cmd


def run(args) -> int:
    if args.device == "unix" and not args.no_build:
        builder.build_unix("modssl")
    if args.device == "emu:rp2" and not args.no_build:
        rp2build.build_rp2("modssl")
    cmd = pytest_command(args.device, args.link, args.host_address, args.junit)
    return subprocess.call(cmd, cwd=paths.REPO)
