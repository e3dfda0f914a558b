"""`test`/`run` on boards, without boards: the pytest line, the target each
worker gets, and the plugin's one worker per --target."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from modssl_harness import boards, paths
from modssl_harness.cli import main
from modssl_harness.commands import run as runcmd
from modssl_harness.commands import test as testcmd
from modssl_harness.pytest_plugin import target_for_worker


def test_boards_are_targets_of_the_board_suite():
    cmd = testcmd.board_pytest_command(["/dev/ttyACM0", "rfc2217://lab:5000"], ["-k", "probe"], link=True)
    assert cmd[:3] == [sys.executable, "-m", "pytest"] and cmd[3].endswith("host_tests/test_device_scripts.py")
    assert cmd[4:] == ["--target", "/dev/ttyACM0", "--target", "rfc2217://lab:5000", "--link", "-k", "probe"]


def test_run_is_a_pytest_run_with_pytests_own_junit(tmp_path):
    cmd = runcmd.pytest_command("emu:rp2", junit=tmp_path / "r.xml")
    assert cmd[3].endswith("host_tests/test_device_scripts.py")
    assert cmd[-3:] == ["--target", "emu:rp2", f"--junitxml={tmp_path / 'r.xml'}"]


@pytest.mark.parametrize(
    "worker, expected", [("master", "/dev/ttyACM0"), ("gw0", "/dev/ttyACM0"), ("gw1", "/dev/ttyACM1"), ("gw2", "/dev/ttyACM0")]
)
def test_worker_to_target(worker, expected):
    assert target_for_worker(worker, ["/dev/ttyACM0", "/dev/ttyACM1"]) == expected


@pytest.mark.no_asan  # no firmware involved: run once
def test_one_worker_per_target(tmp_path):
    # Two unix targets: the plugin starts two xdist workers, each on its own
    # target; each script's checks go to one worker (two scripts: one each),
    # and pytest's own JUnit records every check with its target.
    exe = paths.firmware_path("unix", "modssl")
    if not exe.exists():
        pytest.skip("needs the unix firmware: make firmware")
    junit = tmp_path / "two.xml"
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "host_tests/test_device_scripts.py", "-q", "-p", "no:cacheprovider",
         "-k", "test_memory_bio or test_dtls_client", "--target", "unix", "--target", f"unix:{exe}",
         f"--junitxml={junit}"],
        cwd=paths.REPO, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    xml = junit.read_text()
    targets = set(re.findall(r'name="target" value="([^"]*)"', xml))
    assert targets == {"unix", f"unix:{exe}"}, xml
    assert 'name="test_device_check[test_memory_bio::tls13_over_memory]"' in xml
    assert 'name="device_seconds"' in xml


def test_board_run_without_a_board_says_what_it_needs(monkeypatch, capsys):
    monkeypatch.setattr(boards, "serial_ports", lambda: [])
    assert main(["test", "--port", "rp2"]) == 2
    err = capsys.readouterr().err
    assert "no rp2 board found" in err and "--device" in err


def test_unix_run_refuses_device(capsys):
    assert main(["test", "--device", "/dev/ttyACM0"]) == 2
    assert "--device is for boards" in capsys.readouterr().err
