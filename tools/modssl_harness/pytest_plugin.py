"""pytest plugin: the targets device scripts run on (targets.py).

    pytest host_tests/test_device_scripts.py --target emu:rp2
    pytest host_tests/test_device_scripts.py --target /dev/ttyACM0 --target rfc2217://lab:4000 --link

--target is repeatable: with several, the plugin asks pytest-xdist for one
worker per target (-n N, unless given) and worker gwN drives the N-th target;
each device script's checks stay on one worker (xdist_group).  Without
--target, the target is the unix firmware (MODSSL_FIRMWARE picks the build).
Registered by the repository's top-level conftest.py.
"""

from __future__ import annotations

import os

import pytest

from . import targets


def pytest_addoption(parser) -> None:
    group = parser.getgroup("modssl", "modssl device targets")
    group.addoption(
        "--target", action="append", default=[], metavar="SPEC",
        help="where device scripts run: unix, unix:/path/to/micropython, emu:rp2, a serial port or "
        "rfc2217://host:port; repeat for several boards, one test worker each",
    )
    group.addoption("--link", action="store_true",
                    help="serial targets without a network (plain Pico): TLS/DTLS over the serial console")
    group.addoption("--host-address", default=None,
                    help="networked boards: this machine's address as the boards see it")


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config) -> None:
    # Before pytest-xdist reads -n: one worker per target.  (Our hook runs
    # first: a conftest plugin registers after xdist.)
    if hasattr(config, "workerinput"):  # an xdist worker: the controller did this
        return
    specs = config.getoption("target")
    if len(specs) > 1 and not getattr(config.option, "numprocesses", None):
        if not config.pluginmanager.hasplugin("xdist"):
            raise pytest.UsageError("several --target need pytest-xdist (one worker per target)")
        config.option.numprocesses = len(specs)
        config.option.dist = "loadgroup"


def target_for_worker(worker: str, specs: list[str]) -> str:
    """The target an xdist worker drives: gw0 the first --target, gw1 the
    second...; without xdist ("master") the first."""
    index = int(worker[2:]) if worker.startswith("gw") and worker[2:].isdigit() else 0
    return specs[index % len(specs)]


def firmware_flavour() -> str:
    return os.environ.get("MODSSL_FIRMWARE", "modssl")


@pytest.fixture(scope="session")
def target_spec(request) -> str:
    specs = request.config.getoption("target") or ["unix"]
    return target_for_worker(os.environ.get("PYTEST_XDIST_WORKER", "master"), specs)


@pytest.fixture(scope="session")
def target(request, target_spec):
    """The target of this test worker, opened once per session."""
    config = request.config
    link = config.getoption("link")
    host = config.getoption("host_address")
    try:
        t = targets.open_target(target_spec, host or ("127.0.0.1" if link else None), firmware_flavour(), link)
    except targets.TargetError as exc:
        pytest.fail(str(exc))
    yield t
    t.stop()
