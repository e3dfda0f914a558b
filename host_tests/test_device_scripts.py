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
