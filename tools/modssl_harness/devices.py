"""Devices the on-device tests run on.

- UnixDevice: the unix firmware, run directly (the board emulation for CI).
- SerialDevice: a real board on a serial port, driven with mpremote; with
  its own network (transport "socket") or, like a plain Pico, only the serial
  line: then the host link carries its TLS (transport "link", hostlink.py).
- EmulatedPico ("emu:rp2"): the rp2 firmware under rp2040js (emulator.py),
  a SerialDevice on the emulator's pty, over the host link.

Each takes a script, support files and the host servers' endpoints, and
returns what the script printed.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import hostlink, paths
from .emulator import PicoEmulator
from .hostlink import Endpoints


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
    transport: str = "socket"

    def close(self) -> None:
        pass

    def run_script(self, script: Path, files: dict[str, bytes], endpoints: Endpoints | None = None) -> str:
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
    transport: str = "socket"

    @property
    def name(self) -> str:
        return self.port

    def close(self) -> None:
        pass

    def alive(self) -> bool:
        """Whether the board can still answer (a real board: always assumed)."""
        return True

    def last_words(self) -> str:
        """What the board's side said before a failure, for the error message."""
        return ""

    def run_script(self, script: Path, files: dict[str, bytes], endpoints: Endpoints | None = None) -> str:
        # One way to drive every serial board: files, clock, then the script
        # through the raw REPL.  A networked board sends no link requests;
        # one without a network (transport "link") has them served here.
        try:
            return hostlink.run_script(self.port, script, files, endpoints or {}, self.timeout, self.alive)
        except Exception as exc:  # mpremote's TransportError, timeouts, protocol errors
            raise DeviceError(f"{script.name} on {self.name}: {exc}{self.last_words()}") from exc


class EmulatedPico(SerialDevice):
    """The rp2 firmware on an emulated Pico; started on first use, stopped by close()."""

    def __init__(self, firmware: Path, timeout: float = 900) -> None:
        super().__init__(port="", host_address="127.0.0.1", timeout=timeout, transport="link")
        self.emulator = PicoEmulator(firmware)

    @property
    def name(self) -> str:
        return "emu:rp2"

    def start(self) -> str:
        """Boot the emulator if it is not running; returns its serial port (a pty)."""
        if not self.alive():  # not started yet, or it stopped (a crash, machine.bootloader())
            self.emulator.stop()
            self.emulator.start()
            self.port = self.emulator.tty
        return self.port

    def run_script(self, script: Path, files: dict[str, bytes], endpoints: Endpoints | None = None) -> str:
        self.start()
        return super().run_script(script, files, endpoints)

    def alive(self) -> bool:
        return self.emulator.proc is not None and self.emulator.proc.poll() is None

    def last_words(self) -> str:
        return "\nemulator log:\n" + "\n".join(self.emulator.log[-15:])

    def close(self) -> None:
        self.emulator.stop()


def open_device(spec: str, host_address: str | None = None, flavour: str = "modssl", link: bool = False):
    """Parse a --device value: 'unix', 'unix:/path/to/micropython', 'emu:rp2' or a
    serial port (link=True: a board without a network, over the host link)."""
    if spec == "unix" or spec.startswith("unix:"):
        exe = Path(spec[5:]) if spec.startswith("unix:") else paths.firmware_path("unix", flavour)
        if not exe.exists():
            raise DeviceError(f"{exe} does not exist: build it with `make firmware`")
        return UnixDevice(exe)
    if spec.startswith("emu:"):
        if spec != "emu:rp2":
            raise DeviceError(f"{spec}: the emulated board is emu:rp2 (a Raspberry Pi Pico)")
        return EmulatedPico(paths.firmware_path("rp2", flavour))
    if link:
        return SerialDevice(spec, "127.0.0.1", transport="link")
    if host_address is None:
        raise DeviceError(
            f"{spec}: a board reaches the host over the network; pass --host-address with this machine's "
            "address on the board's network"
        )
    return SerialDevice(spec, host_address)
