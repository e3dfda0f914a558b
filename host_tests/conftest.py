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
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# Modules the on-firmware halves of the tests import (listening.py).
MP_LIB = Path(__file__).resolve().parent / "mp_lib"
sys.path.insert(0, str(REPO / "tools"))

from modssl_harness import certs, paths  # noqa: E402
from modssl_harness.devices import SANITIZER_ENV  # noqa: E402
from modssl_harness.hostserver import TlsEchoServer  # noqa: E402
from modssl_harness.opensslpeer import OpensslClient, OpensslServer, s_client  # noqa: E402

def firmware_flavour() -> str:
    return os.environ.get("MODSSL_FIRMWARE", "modssl")


@pytest.fixture(scope="session")
def firmware() -> Path:
    exe = paths.firmware_path("unix", firmware_flavour())
    if not exe.exists():
        pytest.fail(f"{exe} is missing: build it first with `make firmware` (or `make test`, which does)")
    return exe


@pytest.fixture(scope="session")
def rp2_uf2() -> Path:
    """The rp2 firmware.  `make test` builds it first and sets
    MODSSL_REQUIRE_RP2=1, so in CI a missing image fails; elsewhere (no ARM
    toolchain) the tests that need it skip with the command that builds it."""
    fw = paths.firmware_path("rp2", "modssl")
    if not fw.exists():
        msg = f"{fw} is missing: build it with `make firmware-rp2`"
        if os.environ.get("MODSSL_REQUIRE_RP2") == "1":
            pytest.fail(msg)
        pytest.skip(msg)
    return fw


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
    background: list = field(default_factory=list)

    def _prepare(
        self, script: str, params: dict, name: str = "script.py", prefix: tuple[str, ...] = (),
        heapsize: str = "8M",
    ) -> tuple[list[str], dict]:
        """Write `script` with `params` bound as globals (repr'd into a prelude)."""
        prelude = "".join(f"{k} = {v!r}\n" for k, v in params.items())
        path = self.workdir / name
        path.write_text(prelude + textwrap.dedent(script))
        env = dict(os.environ, **SANITIZER_ENV, MICROPYPATH=f".frozen:{self.workdir}:{MP_LIB}")
        return [*prefix, str(self.exe), "-X", f"heapsize={heapsize}", str(path)], env

    def run(
        self, script: str, timeout: float = 60, check: bool = True, prefix: tuple[str, ...] = (), **params
    ) -> MpResult:
        """Run a script to completion; by default a non-zero exit fails the test.

        prefix: a command to run the firmware under (e.g. faketime).
        """
        cmd, env = self._prepare(script, params, prefix=prefix)
        proc = subprocess.run(cmd, cwd=self.workdir, env=env, capture_output=True, text=True, timeout=timeout)
        result = MpResult(proc.returncode, proc.stdout, proc.stderr)
        if check and proc.returncode != 0:
            raise AssertionError(
                f"micropython exited {proc.returncode}\n--- stdout ---\n{proc.stdout}\n--- stderr ---\n{proc.stderr}"
            )
        return result


    def start(self, script: str, heapsize: str = "8M", **params) -> "Background":
        """Start a script that prints one line (e.g. its port) and keeps running."""
        cmd, env = self._prepare(script, params, name="background.py", heapsize=heapsize)
        proc = subprocess.Popen(cmd, cwd=self.workdir, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        first = proc.stdout.readline().strip()
        if not first:
            proc.wait(timeout=10)
            raise AssertionError(f"background script printed nothing; stderr:\n{proc.stderr.read()}")
        bg = Background(proc, first)
        self.background.append(bg)
        return bg


@dataclass
class Background:
    proc: subprocess.Popen
    first_line: str

    def finish(self, timeout: float = 60) -> MpResult:
        """Wait for the script to end; its remaining output is returned."""
        out, err = self.proc.communicate(timeout=timeout)
        return MpResult(self.proc.returncode, out, err)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate()


@pytest.fixture
def mp(firmware: Path, tmp_path: Path):
    runner = MicroPython(firmware, tmp_path)
    yield runner
    for bg in runner.background:
        bg.kill()


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


class OpensslPeers:
    """`openssl s_server` / `s_client` peers of one test (opensslpeer.py)."""

    def __init__(self) -> None:
        self.peers: list = []

    def server(self, *args: str, timeout: float = 60) -> OpensslServer:
        """s_server on a port it binds itself; returns once it accepts (`.port`)."""
        peer = OpensslServer(list(args), timeout)
        self.peers.append(peer)
        return peer

    def client(self, port: int, *args: str, timeout: float = 60) -> OpensslClient:
        """s_client connecting to 127.0.0.1:port, left running (send/wait_for/wait)."""
        peer = OpensslClient(port, list(args), timeout)
        self.peers.append(peer)
        return peer

    def run_client(self, port: int, *args: str, input: str = "", timeout: float = 60) -> str:
        """s_client run to its end with `input`; its whole output."""
        return s_client(port, list(args), input, timeout)

    def stop(self) -> None:
        for peer in self.peers:
            peer.stop()


@pytest.fixture
def openssl():
    peers = OpensslPeers()
    yield peers
    peers.stop()
