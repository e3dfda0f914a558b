"""`test`: build what the tests need and run the pytest suite (host_tests/).

--port unix (default): the unix firmwares are built and the whole suite runs
on them (--asan: again on the sanitizer build).  --port rp2/esp32: the board
suite (host_tests/test_device_scripts.py) runs on boards, each --device a
--target of the pytest plugin (pytest_plugin.py), which gives each its own
pytest-xdist worker.  JUnit reports are pytest's own (test-results/).
"""

from __future__ import annotations

import os
import subprocess
import sys

from .. import boards, paths
from .. import build as builder
from ..targets import TargetError

BOARD_SUITE = "host_tests/test_device_scripts.py"


def register(sub) -> None:
    p = sub.add_parser("test", help="run host_tests with pytest on the unix builds, or the board suite on boards")
    p.add_argument("--port", default="unix", choices=["unix", "rp2", "esp32"], help="the port the suite runs on")
    p.add_argument(
        "--device", action="append", default=[],
        help="boards: a serial port (or rfc2217://host:port from a labgrid exporter), or emu:rp2 for the "
        "emulated Pico; repeat for several boards, one test worker each (default: the one board found by USB id)",
    )
    p.add_argument(
        "--link", action="store_true",
        help="boards without a network (plain Pico): TLS/DTLS over the serial console to the host servers",
    )
    p.add_argument("--host-address", default=None, help="boards: this machine's address as the boards see it")
    p.add_argument("--asan", action="store_true", help="unix: also run the suite on the sanitizer build")
    p.add_argument("--no-build", action="store_true", help="use the firmware already built")
    p.add_argument("--jobs", "-j", type=int, default=2, help="pytest-xdist workers for the unix suite (default 2; 1: none)")
    p.add_argument("pytest_args", nargs="*", help="extra arguments for pytest (after --)")
    p.set_defaults(func=run)


def board_pytest_command(devices: list[str], pytest_args: list[str], link: bool = False,
                         host_address: str | None = None) -> list[str]:
    """The board suite with one --target per board (the plugin gives each its own worker)."""
    cmd = [sys.executable, "-m", "pytest", str(paths.REPO / BOARD_SUITE)]
    for device in devices:
        cmd += ["--target", device]
    if link:
        cmd.append("--link")
    if host_address:
        cmd += ["--host-address", host_address]
    return cmd + list(pytest_args)


def run_boards(args) -> int:
    devices = args.device or [boards.pick_serial_port(args.port, boards.serial_ports())]
    results = paths.REPO / "test-results"
    results.mkdir(exist_ok=True)
    cmd = board_pytest_command(devices, args.pytest_args, args.link, args.host_address)
    cmd.append(f"--junitxml={results / f'boards_{args.port}.xml'}")
    return subprocess.call(cmd, cwd=paths.REPO)


def run(args) -> int:
    if args.port != "unix":
        return run_boards(args)
    if args.device:
        raise TargetError("--device is for boards (--port rp2 or esp32); --port unix runs the unix builds")
    flavours = ["modssl", "stock"] + (["asan"] if args.asan else [])
    if not args.no_build:
        for flavour in flavours:
            builder.build_unix(flavour)
    results = paths.REPO / "test-results"
    results.mkdir(exist_ok=True)
    # Two workers: the suite is mostly waiting on peers and processes, and a
    # 2-core machine runs it in about half the time (pytest-xdist).
    jobs = ["-n", str(args.jobs)] if args.jobs > 1 else []
    base = [sys.executable, "-m", "pytest", str(paths.REPO / "host_tests"), *jobs, *args.pytest_args]
    rc = subprocess.call(base + [f"--junitxml={results / 'host_tests.xml'}"], cwd=paths.REPO)
    if args.asan:
        env = dict(os.environ, MODSSL_FIRMWARE="asan")
        rc_asan = subprocess.call(
            base + [f"--junitxml={results / 'host_tests_asan.xml'}"], cwd=paths.REPO, env=env
        )
        rc = rc or rc_asan
    return rc
