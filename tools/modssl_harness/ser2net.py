"""A serial port shared over the network with Debian's ser2net (RFC 2217).

The board farm of the project: on the machine a board is plugged into,
ser2net exports its serial port; anywhere else, `--target
rfc2217://HOST:PORT` (pyserial, hence mpremote, opens such URLs) runs the
device scripts on it.  `make test` proves it on the emulated Pico, whose
USB serial is a pty (test_emulated_pico.py).

ser2net binds port 0 itself (or the port asked for) and the port it got is
read from the kernel's socket table (procnet.py).  A pty has no modem lines:
`?ign_set_control` tells pyserial not to wait for ser2net's answer to DTR/RTS.
"""

from __future__ import annotations

import shutil
import subprocess

from .procnet import wait_bound_port


class Ser2netError(RuntimeError):
    pass


def config(device: str, host: str = "127.0.0.1", port: int = 0, baud: int = 115200) -> str:
    """ser2net's YAML for one RFC 2217 (telnet) accepter on `device`."""
    return (
        "connection: &board\n"
        f"  accepter: telnet(rfc2217),tcp,{host},{port}\n"
        f"  connector: serialdev,{device},{baud}n81,local\n"
        "  options:\n"
        "    kickolduser: true\n"
        "    mdns: false\n"
    )


class Ser2net:
    """ser2net in the foreground, exporting one serial device; `url` once it listens."""

    def __init__(self, device: str, host: str = "127.0.0.1", port: int = 0, pty: bool = True) -> None:
        # Debian installs it in /usr/sbin, which a user's PATH may lack.
        exe = shutil.which("ser2net") or shutil.which("ser2net", path="/usr/sbin")
        if exe is None:
            raise Ser2netError("ser2net is not installed: run `tools/setup.sh rp2` (apt: ser2net)")
        self.device = device
        self.host = host
        self.pty = pty
        self.output = ""
        # -n: stay in the foreground; -u: no UUCP lock files; -Y: this config only.
        self.proc = subprocess.Popen([exe, "-n", "-u", "-Y", config(device, host, port)],
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.port = wait_bound_port(self.proc)
        if self.port is None:
            self.stop()
            raise Ser2netError(f"ser2net did not listen:\n{self.output}")

    @property
    def url(self) -> str:
        """The board's address for pyserial, mpremote and `--target`."""
        return f"rfc2217://{self.host}:{self.port}" + ("?ign_set_control" if self.pty else "")

    def stop(self) -> str:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.output = self.proc.communicate()[0] or ""
        return self.output

    def __enter__(self) -> "Ser2net":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
