"""The on-device test scripts (device_tests/) on the target (pytest_plugin.py:
the unix firmware by default; `--target emu:rp2`, a serial port or
rfc2217://host:port for boards), against the harness's host TLS servers.

Each check of each script is a test case of its own (the checks are read
from the script's source), so pytest's JUnit report lists them one by one,
with the check's duration on the device's own clock as a property.  A script
runs once per worker; its checks stay together on one worker (xdist_group).
"""

from __future__ import annotations

import pytest

from modssl_harness import devicetests

CHECKS = [
    pytest.param(script, name, id=f"{script.stem}::{name}", marks=pytest.mark.xdist_group(script.stem))
    for script in devicetests.device_scripts()
    for name in devicetests.check_names(script)
]


@pytest.fixture(scope="session")
def script_results(target):
    """script -> {check name: CaseResult}, each script run once on the target."""
    cache: dict = {}

    def results(script) -> dict:
        if script not in cache:
            cache[script] = devicetests.run(target, [script])
        return cache[script]

    return results


@pytest.mark.parametrize("script, check", CHECKS)
def test_device_check(target, script_results, script, check, record_property):
    record_property("target", target.name)
    results = script_results(script)
    by_name = {r.name: r for r in results}
    if check not in by_name:
        others = "\n".join(f"{r.name}: {r.message}" for r in results if not r.passed)
        pytest.fail(f"{script.stem} did not report {check}\n{others}")
    result = by_name[check]
    if result.seconds is not None:
        record_property("device_seconds", result.seconds)
    assert result.passed, result.message


def test_every_script_has_checks():
    for script in devicetests.device_scripts():
        assert devicetests.check_names(script), f"{script.name}: no @check functions found"


def test_target_has_modssl(target, record_property):
    record_property("target", target.name)
    out = target.run(
        """
        import ssl, tls
        print("HAS", hasattr(ssl, "SSLContext"), hasattr(tls, "PROTOCOL_TLS_CLIENT"))
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        print("DONE")
        """
    )
    assert out.lines == ["HAS True True", "DONE"], out


def test_output_parsing_keeps_device_durations():
    # devtest prints "TIME <name> <ms>" after each check, on the device's clock.
    out = "PASS tls12_ecdsa\nTIME tls12_ecdsa 1936\nFAIL dtls: OSError: x\nTIME dtls 12\nDONE 1 1\n"
    results = devicetests.parse_output("test_x", out)
    assert [(r.name, r.passed, r.seconds, r.message) for r in results] == [
        ("tls12_ecdsa", True, 1.936, ""), ("dtls", False, 0.012, "OSError: x")]
    assert devicetests.parse_output("test_x", "PASS a\n")[-1].name == "<script>"  # no DONE: it did not finish
