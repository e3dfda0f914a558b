"""`test` on boards, without boards: the pytest line and the board each worker gets."""

from __future__ import annotations

import sys

import pytest

from modssl_harness import boards
from modssl_harness.cli import main
from modssl_harness.commands import test as testcmd


def test_one_board_runs_without_xdist():
    cmd = testcmd.board_pytest_command(["/dev/ttyACM0"], [])
    assert cmd[:3] == [sys.executable, "-m", "pytest"] and cmd[3].endswith("host_tests/test_harness_boards.py")
    assert "-n" not in cmd


def test_several_boards_one_worker_each():
    cmd = testcmd.board_pytest_command(["/dev/ttyACM0", "/dev/ttyACM1", "rfc2217://lab:5000"], ["-k", "probe"])
    i = cmd.index("-n")
    assert cmd[i + 1] == "3" and cmd[cmd.index("--dist") + 1] == "load"
    assert cmd[-2:] == ["-k", "probe"]


@pytest.mark.parametrize(
    "worker, expected", [("master", "/dev/ttyACM0"), ("gw0", "/dev/ttyACM0"), ("gw1", "/dev/ttyACM1"), ("gw2", "/dev/ttyACM0")]
)
def test_worker_to_board(worker, expected):
    assert boards.device_for_worker(worker, ["/dev/ttyACM0", "/dev/ttyACM1"]) == expected


def test_board_run_without_a_board_says_what_it_needs(monkeypatch, capsys):
    monkeypatch.setattr(boards, "serial_ports", lambda: [])
    assert main(["test", "--port", "rp2"]) == 2
    err = capsys.readouterr().err
    assert "no rp2 board found" in err and "--device" in err


def test_unix_run_refuses_device(capsys):
    assert main(["test", "--device", "/dev/ttyACM0"]) == 2
    assert "--device is for boards" in capsys.readouterr().err
