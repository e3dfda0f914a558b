"""`test`: build what the tests need and run the pytest suite (host_tests/)."""

from __future__ import annotations

import os
import subprocess
import sys

from .. import build as builder
from .. import paths


def register(sub) -> None:
    p = sub.add_parser("test", help="build the unix firmwares and run host_tests with pytest")
    p.add_argument("--port", default="unix", choices=["unix"], help="the port the suite runs on")
    p.add_argument("--asan", action="store_true", help="also run the suite on the sanitizer build")
    p.add_argument("--no-build", action="store_true", help="use the firmware already built")
    p.add_argument("pytest_args", nargs="*", help="extra arguments for pytest (after --)")
    p.set_defaults(func=run)


def run(args) -> int:
    flavours = ["modssl", "stock"] + (["asan"] if args.asan else [])
    if not args.no_build:
        for flavour in flavours:
            builder.build_unix(flavour)
    results = paths.REPO / "test-results"
    results.mkdir(exist_ok=True)
    base = [sys.executable, "-m", "pytest", str(paths.REPO / "host_tests"), *args.pytest_args]
    rc = subprocess.call(base + [f"--junitxml={results / 'host_tests.xml'}"], cwd=paths.REPO)
    if args.asan:
        env = dict(os.environ, MODSSL_FIRMWARE="asan")
        rc_asan = subprocess.call(
            base + ["-m", "not no_asan", f"--junitxml={results / 'host_tests_asan.xml'}"], cwd=paths.REPO, env=env
        )
        rc = rc or rc_asan
    return rc
