"""The on-device test scripts (device_tests/), run on the unix firmware as
the board emulation, against the harness's host TLS servers."""

from __future__ import annotations

import pytest

from modssl_harness import devicetests, devices


@pytest.mark.parametrize("script", devicetests.device_scripts(), ids=lambda p: p.stem)
def test_device_script(firmware, script):
    results = devicetests.run(devices.UnixDevice(firmware), [script])
    failed = [f"{r.name}: {r.message}" for r in results if not r.passed]
    assert results, "the script reported no checks"
    assert not failed, "\n".join(failed)


def test_check_durations_reach_the_junit_report(tmp_path):
    # devtest prints "TIME <name> <ms>" after each check, on the device's clock.
    out = "PASS tls12_ecdsa\nTIME tls12_ecdsa 1936\nFAIL dtls: OSError: x\nTIME dtls 12\nDONE 1 1\n"
    results = devicetests.parse_output("test_x", out)
    assert [(r.name, r.passed, r.seconds) for r in results] == [("tls12_ecdsa", True, 1.936), ("dtls", False, 0.012)]
    report = tmp_path / "r.xml"
    devicetests.write_junit(results, report, "emu:rp2")
    assert 'time="1.936"' in report.read_text()
