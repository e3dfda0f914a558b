"""The board suite: run by `test --port rp2|esp32 --device ... [--device ...]`.

Each pytest-xdist worker owns one board (worker gwN drives the N-th
--device), so the tests fan out over every board given.  The harness passes
the boards in MODSSL_DEVICES (serial ports, or emu:rp2 for the emulated
Pico) and MODSSL_LINK=1 for boards without a network; without MODSSL_DEVICES
(the unix run) this module skips.
"""

from __future__ import annotations

import os
import textwrap

import pytest

from modssl_harness import boards, devicetests, devices

DEVICES = [d for d in os.environ.get("MODSSL_DEVICES", "").split(",") if d]
if not DEVICES:
    pytest.skip("board suite: run it with `test --port rp2 --device /dev/ttyACM0`", allow_module_level=True)


@pytest.fixture(scope="session")
def board():
    spec = boards.device_for_worker(os.environ.get("PYTEST_XDIST_WORKER", "master"), DEVICES)
    # A networked board reaches the host servers at --host-address; a board
    # without one (--link, or emu:rp2) reaches them over its serial console.
    device = devices.open_device(
        spec, os.environ.get("MODSSL_HOST_ADDRESS") or "0.0.0.0", link=os.environ.get("MODSSL_LINK") == "1"
    )
    yield device
    device.close()


def test_board_has_modssl(board, tmp_path):
    script = tmp_path / "modssl_probe.py"
    script.write_text(
        textwrap.dedent(
            """
            import ssl, tls
            print("HAS", hasattr(ssl, "SSLContext"), hasattr(tls, "PROTOCOL_TLS_CLIENT"))
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            print("DONE")
            """
        )
    )
    out = board.run_script(script, {})
    assert "HAS True True" in out and "DONE" in out, out


@pytest.mark.parametrize("script", devicetests.device_scripts(), ids=lambda p: p.stem)
def test_device_script(board, script):
    if board.transport == "socket" and not os.environ.get("MODSSL_HOST_ADDRESS"):
        pytest.skip("a networked board needs --host-address (its route to the host servers), or use --link")
    results = devicetests.run(board, [script])
    failed = [f"{r.name}: {r.message}" for r in results if not r.passed]
    assert results, "the script reported no checks"
    assert not failed, "\n".join(failed)
