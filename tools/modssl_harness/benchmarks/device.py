"""Run a bench/device/ script on a unix firmware and read its RESULT line.

Parameters are bound as globals through a prelude (as host_tests do), so the
scripts stay plain MicroPython with no argument parsing.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path

from .. import paths

DEVICE_DIR = paths.REPO / "bench" / "device"
# A board-sized heap would skew nothing here but the memory figures, which
# are relative to the heap's own use; 4 MiB leaves room for RSA temporaries.
HEAP = "4M"


class BenchError(RuntimeError):
    """A benchmark step failed (its output is in the message)."""


def script_file(name: str, params: dict, workdir: Path) -> Path:
    prelude = "".join(f"{k} = {v!r}\n" for k, v in params.items())
    path = workdir / name
    path.write_text(prelude + (DEVICE_DIR / name).read_text())
    return path


def command(exe: Path, script: Path) -> tuple[list[str], dict[str, str]]:
    env = dict(os.environ, MICROPYPATH=f".frozen:{DEVICE_DIR}")
    return [str(exe), "-X", f"heapsize={HEAP}", str(script)], env


def parse_result(stdout: str) -> dict:
    for line in stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])
    raise BenchError(f"no RESULT line in:\n{stdout[-2000:]}")


def run(exe: Path, name: str, params: dict, timeout: float = 300, prefix: list[str] | None = None) -> dict:
    """Run one script to completion; raise BenchError with its output on failure."""
    with tempfile.TemporaryDirectory(prefix="modssl-bench-") as tmp:
        argv, env = command(exe, script_file(name, params, Path(tmp)))
        proc = subprocess.run((prefix or []) + argv, env=env, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise BenchError(f"{exe.name} {name} exited {proc.returncode}:\n{proc.stdout[-1500:]}\n{proc.stderr[-1500:]}")
    return parse_result(proc.stdout)


class Background:
    """A script running as a server; `ready()` waits for its "READY <port>" line."""

    def __init__(self, argv: list[str], env: dict[str, str] | None = None) -> None:
        self.proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    @classmethod
    def device(cls, exe: Path, name: str, params: dict, workdir: Path) -> "Background":
        argv, env = command(exe, script_file(name, params, workdir))
        return cls(argv, env)

    def ready(self) -> int:
        """The port the server bound itself, once it listens."""
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        word, _, port = line.strip().partition(" ")
        if word != "READY" or not port.isdigit():
            self.proc.kill()
            out, err = self.proc.communicate()
            raise BenchError(f"server did not start: {line}{out}{err}")
        return int(port)

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
