"""What every benchmark needs: the firmwares, certificates, iteration counts."""

from __future__ import annotations

import os
import ssl
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .. import paths
from ..certs import Pki
from ..progress import step
from .device import BenchError, parse_result
from .stats import Cell, Missing

# Certificates by label: (server certificate, the CA that signed it).
CERTS = {"ECDSA P-256": ("server_ec", "ca"), "RSA-2048": ("server_rsa", "ca_rsa")}
VERSIONS = {"TLS 1.2": 0x0303, "TLS 1.3": 0x0304}
# The same versions as CPython's ssl names them (the host peers), by wire value.
PY_VERSIONS = {0x0303: ssl.TLSVersion.TLSv1_2, 0x0304: ssl.TLSVersion.TLSv1_3}
# The handshakes the heap and instruction-count figures are taken for.
CASES = (("TLS 1.2", "ECDSA P-256"), ("TLS 1.2", "RSA-2048"), ("TLS 1.3", "ECDSA P-256"))


@dataclass
class Counts:
    """Iterations; `quick` is for the smoke test (numbers are meaningless)."""

    handshakes: int = 100
    warmup: int = 3
    bulk_size: int = 8 * 1024 * 1024
    bulk_runs: int = 9
    ceiling_seconds: float = 0.5
    emu_handshakes: int = 5  # on the emulated Pico: an RSA handshake takes ~15 s of real time

    @classmethod
    def quick(cls) -> "Counts":
        return cls(handshakes=2, warmup=1, bulk_size=256 * 1024, bulk_runs=1, ceiling_seconds=0.02,
                   emu_handshakes=1)


@dataclass
class Bench:
    ours: Path
    stock: Path
    pki: Pki
    counts: Counts
    workdir: Path
    quick: bool = False

    def cpython_argv(self, job: str) -> list[str]:
        return [sys.executable, "-m", "modssl_harness.benchmarks.cpython_side", job]

    def cpython_env(self) -> dict[str, str]:
        return dict(os.environ, PYTHONPATH=str(paths.REPO / "tools"))

    def run_cpython(self, job: str) -> dict:
        """One cpython_side.py job (JSON) in a process of its own, like the firmwares."""
        proc = subprocess.run(self.cpython_argv(job), env=self.cpython_env(), capture_output=True, text=True,
                              timeout=300)
        if proc.returncode != 0:
            raise BenchError(proc.stderr[-1500:])
        return parse_result(proc.stdout)


def attempt(what: str, fn: Callable[[], Cell]) -> Cell:
    """Measure one figure; a failure becomes a table cell, not a crash."""
    try:
        return fn()
    except (BenchError, OSError, RuntimeError, AssertionError, KeyError, ValueError) as e:
        step(f"  {what}: FAILED: {str(e).strip().splitlines()[-1] if str(e).strip() else type(e).__name__}")
        return Missing("failed (see log)")
