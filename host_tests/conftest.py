"""Fixtures for the host-side test suite.

Peers are real: CPython `ssl` servers and clients on 127.0.0.1, `openssl`
s_server/s_client, pyOpenSSL.  Certificates are made at test time.  The
firmware under test is the unix build of modssl (MODSSL_FIRMWARE=asan runs
the same tests on the AddressSanitizer build).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tools"))

from modssl_harness import certs, paths  # noqa: E402
from modssl_harness.devices import SANITIZER_ENV  # noqa: E402
from modssl_harness.hostserver import TlsEchoServer  # noqa: E402

def firmware_flavour() -> str:
    return os.environ.get("MODSSL_FIRMWARE", "modssl")


@pytest.fixture(scope="session")
def firmware() -> Path:
    exe = paths.firmware_path("unix", firmware_flavour())
    if not exe.exists():
        pytest.fail(f"{exe} is missing: build it first with `make firmware` (or `make test`, which does)")
    return exe


@pytest.fixture(scope="session")
def stock_firmware() -> Path:
    exe = paths.firmware_path("unix", "stock")
    if not exe.exists():
        pytest.fail(f"{exe} is missing: build it with `make firmware-stock`")
    return exe


@pytest.fixture(scope="session")
def pki(tmp_path_factory) -> certs.Pki:
    return certs.make_pki(tmp_path_factory.mktemp("pki"))


@dataclass
class MpResult:
    returncode: int
    stdout: str
    stderr: str

    @property
    def lines(self) -> list[str]:
        return self.stdout.splitlines()


@dataclass
class MicroPython:
    """Runs scripts on the unix firmware, the stand-in for a board."""

    exe: Path
    workdir: Path

    def run(self, script: str, timeout: float = 60, check: bool = True, **params) -> MpResult:
        """Run `script` with `params` bound as globals (repr'd into a prelude)."""
        prelude = "".join(f"{k} = {v!r}\n" for k, v in params.items())
        path = self.workdir / "script.py"
        path.write_text(prelude + textwrap.dedent(script))
        env = dict(os.environ, **SANITIZER_ENV, MICROPYPATH=f".frozen:{self.workdir}")
        proc = subprocess.run(
            [str(self.exe), "-X", "heapsize=4M", str(path)],
            cwd=self.workdir,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        result = MpResult(proc.returncode, proc.stdout, proc.stderr)
        if check and proc.returncode != 0:
            raise AssertionError(
                f"micropython exited {proc.returncode}\n--- stdout ---\n{proc.stdout}\n--- stderr ---\n{proc.stderr}"
            )
        return result


@pytest.fixture
def mp(firmware: Path, tmp_path: Path) -> MicroPython:
    return MicroPython(firmware, tmp_path)


@pytest.fixture
def tls_server(pki):
    """Factory: start a CPython TLS echo server; all are stopped after the test."""
    servers: list[TlsEchoServer] = []

    def start(cert: str = "server_ec", **kwargs) -> TlsEchoServer:
        server = TlsEchoServer(pki[cert], **kwargs).__enter__()
        servers.append(server)
        return server

    yield start
    for s in servers:
        s.stop()
