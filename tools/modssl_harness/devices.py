"""Devices the on-device tests run on.

- UnixDevice: the unix firmware, run directly (the board emulation for CI).
- SerialDevice: a real board on a serial port, driven with mpremote.

Both take a script plus support files and return what the script printed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import paths


# For the sanitizer build: overflows and UB abort the process; leaks are
# checked by the heap tests instead, since the unix port exits without
# collecting its GC heap (LeakSanitizer would report every live object).
SANITIZER_ENV = {
    "ASAN_OPTIONS": "detect_leaks=0:abort_on_error=1:detect_stack_use_after_return=0:verify_asan_link_order=0",
    "UBSAN_OPTIONS": "print_stacktrace=1:halt_on_error=1",
}


class DeviceError(RuntimeError):
    """The device could not be reached or the script could not run."""


@dataclass
class UnixDevice:
    firmware: Path
    name: str = "unix"
    host_address: str = "127.0.0.1"
    timeout: float = 300

    def run_script(self, script: Path, files: dict[str, bytes]) -> str:
        with tempfile.TemporaryDirectory(prefix="modssl-device-") as tmp:
            for fname, data in files.items():
                (Path(tmp) / fname).write_bytes(data)
            env = dict(os.environ, **SANITIZER_ENV, MICROPYPATH=f".frozen:{tmp}")
            proc = subprocess.run(
                [str(self.firmware), str(script)], cwd=tmp, env=env, capture_output=True, text=True, timeout=self.timeout
            )
        if proc.returncode != 0 and "DONE" not in proc.stdout:
            raise DeviceError(f"{script.name} crashed on {self.name} (exit {proc.returncode}):\n{proc.stdout}{proc.stderr}")
        return proc.stdout


@dataclass
class SerialDevice:
    port: str
    host_address: str
    timeout: float = 600

    @property
    def name(self) -> str:
        return self.port

    def _mpremote(self, *args: str) -> str:
        cmd = [sys.executable, "-m", "mpremote", "connect", self.port, *args]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=self.timeout)
        if proc.returncode != 0:
            raise DeviceError(f"mpremote {' '.join(args)} failed on {self.port}:\n{proc.stdout}{proc.stderr}")
        return proc.stdout

    def run_script(self, script: Path, files: dict[str, bytes]) -> str:
        with tempfile.TemporaryDirectory(prefix="modssl-device-") as tmp:
            for fname, data in files.items():
                local = Path(tmp) / fname
                local.write_bytes(data)
                self._mpremote("fs", "cp", str(local), f":{fname}")
        # Certificates are only valid from yesterday: set the board's clock.
        self._mpremote("rtc", "--set")
        return self._mpremote("run", str(script))


def open_device(spec: str, host_address: str | None = None, flavour: str = "modssl"):
    """Parse a --device value: 'unix', 'unix:/path/to/micropython' or a serial port."""
    if spec == "unix" or spec.startswith("unix:"):
        exe = Path(spec[5:]) if spec.startswith("unix:") else paths.firmware_path("unix", flavour)
        if not exe.exists():
            raise DeviceError(f"{exe} does not exist: build it with `make firmware`")
        return UnixDevice(exe)
    if spec.startswith("emu:"):
        raise DeviceError(f"{spec}: the emulated Pico is not available in this version of the harness")
    if host_address is None:
        raise DeviceError(
            f"{spec}: a board reaches the host over the network; pass --host-address with this machine's "
            "address on the board's network"
        )
    return SerialDevice(spec, host_address)
