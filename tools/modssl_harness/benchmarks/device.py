"""Run a bench/device/ script on a unix firmware and read its RESULT line.

Scripts run through a Target (targets.py): parameters are bound as globals
(as host_tests do), so the scripts stay plain MicroPython with no argument
parsing.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from .. import paths
from ..targets import Result, Running, UnixTarget

DEVICE_DIR = paths.REPO / "bench" / "device"
# A board-sized heap would skew nothing here but the memory figures, which
# are relative to the heap's own use; 4 MiB leaves room for RSA temporaries.
HEAP = "4M"


class BenchError(RuntimeError):
    """A benchmark step failed (its output is in the message)."""


def target(exe: Path, workdir: Path | None = None) -> UnixTarget:
    """The unix firmware `exe` as a target that imports bench/device/ (benchlib)."""
    return UnixTarget(exe, workdir, path=(DEVICE_DIR,), heapsize=HEAP, name=exe.parent.name)


def script(name: str) -> str:
    return (DEVICE_DIR / name).read_text()


def run_raw(exe: Path, name: str, params: dict, timeout: float = 300, prefix: list[str] | None = None) -> Result:
    """Run one script to completion under an optional wrapper (valgrind); what it printed."""
    with target(exe) as t:
        return t.run(script(name), params, timeout, prefix=tuple(prefix or ()))


def parse_result(stdout: str) -> dict:
    for line in stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])
    raise BenchError(f"no RESULT line in:\n{stdout[-2000:]}")


def run(exe: Path, name: str, params: dict, timeout: float = 300, prefix: list[str] | None = None) -> dict:
    """Run one script to completion; raise BenchError with its output on failure."""
    out = run_raw(exe, name, params, timeout, prefix)
    if out.returncode != 0:
        raise BenchError(f"{exe.name} {name} exited {out.returncode}:\n{out.stdout[-1500:]}\n{out.stderr[-1500:]}")
    return parse_result(out.stdout)


class Background:
    """A CPython server process; `ready()` waits for its "READY <port>" line."""

    def __init__(self, argv: list[str], env: dict[str, str] | None = None) -> None:
        self.proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    @classmethod
    def device(cls, exe: Path, name: str, params: dict, workdir: Path) -> "DeviceServer":
        return DeviceServer(target(exe, workdir), name, params)

    def ready(self) -> int:
        """The port the server bound itself, once it listens."""
        assert self.proc.stdout is not None
        return _port(self.proc.stdout.readline(), self.kill)

    def finish(self, timeout: float = 30) -> str:
        try:
            out, err = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, err = self.proc.communicate()
            raise BenchError(f"server did not finish: {out[-1000:]}{err[-1000:]}")
        if self.proc.returncode != 0:
            raise BenchError(f"server exited {self.proc.returncode}: {out[-1000:]}{err[-1500:]}")
        return out

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate()


class DeviceServer:
    """A bench/device/ server script started on a target (Background's interface)."""

    def __init__(self, t: UnixTarget, name: str, params: dict) -> None:
        self.target = t
        self.running: Running = t.start(script(name), params)

    def ready(self) -> int:
        return _port(self.running.first_line, self.kill)

    def finish(self, timeout: float = 30) -> str:
        try:
            out = self.running.finish(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise BenchError("server did not finish") from None
        if out.returncode != 0:
            raise BenchError(f"server exited {out.returncode}: {out.stdout[-1000:]}{out.stderr[-1500:]}")
        return out.stdout

    def kill(self) -> None:
        self.running.kill()


def _port(line: str, kill) -> int:
    word, _, port = line.strip().partition(" ")
    if word != "READY" or not port.isdigit():
        kill()
        raise BenchError(f"server did not start: {line}")
    return int(port)
