"""Fixtures for the host-side test suite.

Peers are real: CPython `ssl` servers and clients on 127.0.0.1, `openssl`
s_server/s_client, pyOpenSSL.  Certificates are made at test time.  The
firmware under test is the unix build of modssl (MODSSL_FIRMWARE=asan runs
the same tests on the AddressSanitizer build).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# Modules the on-firmware halves of the tests import (listening.py).
MP_LIB = Path(__file__).resolve().parent / "mp_lib"
sys.path.insert(0, str(REPO / "tools"))

from modssl_harness import certs, paths  # noqa: E402
from modssl_harness.pytest_plugin import firmware_flavour  # noqa: E402,F401  (tests import it from here)
from modssl_harness.targets import Result, UnixTarget  # noqa: E402
from modssl_harness.hostserver import TlsEchoServer  # noqa: E402
from modssl_harness.opensslpeer import OpensslClient, OpensslServer, s_client  # noqa: E402

def pytest_collection_modifyitems(config, items):
    """On the sanitizer build (MODSSL_FIRMWARE=asan) the tests marked no_asan
    are deselected, however pytest is started."""
    if firmware_flavour() != "asan":
        return
    kept = [item for item in items if item.get_closest_marker("no_asan") is None]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept


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


class MicroPython:
    """Runs scripts on the unix firmware, the stand-in for a board: a
    UnixTarget (modssl_harness/targets.py) whose scripts import mp_lib/."""

    def __init__(self, exe: Path, workdir: Path) -> None:
        self.target = UnixTarget(exe, workdir, path=(MP_LIB,))
        self.workdir = workdir

    def run(
        self, script: str, timeout: float = 60, check: bool = True, prefix: tuple[str, ...] = (), **params
    ) -> Result:
        """Run a script to completion; by default a non-zero exit fails the test.

        prefix: a command to run the firmware under (e.g. faketime).
        """
        result = self.target.run(script, params, timeout, prefix=prefix)
        if check and result.returncode != 0:
            raise AssertionError(
                f"micropython exited {result.returncode}\n--- stdout ---\n{result.stdout}\n"
                f"--- stderr ---\n{result.stderr}"
            )
        return result

    def start(self, script: str, heapsize: str = "8M", **params):
        """Start a script that prints one line (e.g. its port) and keeps running:
        `.first_line`, `.finish()`, `.kill()`, and its process as `.proc`."""
        return self.target.start(script, params, heapsize=heapsize)

    def stop(self) -> None:
        self.target.stop()


@pytest.fixture
def mp(firmware: Path, tmp_path: Path):
    runner = MicroPython(firmware, tmp_path)
    yield runner
    runner.stop()


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

# A modssl TLS server for one client (CERT, KEY; CURVE: a set_ecdh_curve()
# name or None): prints its port, reads a line, answers it in capitals,
# prints the version and the line -- or ERROR and why the handshake failed.
UPPER_ECHO_SERVER = """
import ssl
from listening import listen
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(CERT, KEY)
if CURVE:
    ctx.set_ecdh_curve(CURVE)
s, port = listen(1)
print(port)
c, addr = s.accept()
try:
    t = ctx.wrap_socket(c, server_side=True)
    data = b""
    while not data.endswith(b"\\n"):
        data += t.recv(100)
    t.write(data.upper())
    print(t.version(), data)
    t.close()
except OSError as e:
    print("ERROR", e.args[-1])
s.close()
"""


# A modssl TLS client (CA, VERSION, CURVE: a set_ecdh_curve() name or None)
# of a `-rev` server on PORT: sends "olleh", prints the version and the
# reversed line, or ERROR and why the handshake failed.
REV_CLIENT = """
import socket, ssl
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.load_verify_locations(cafile=CA)
ctx.minimum_version = ctx.maximum_version = VERSION
if CURVE:
    ctx.set_ecdh_curve(CURVE)
s = socket.socket()
s.connect(socket.getaddrinfo("127.0.0.1", PORT)[0][-1])
try:
    t = ctx.wrap_socket(s, server_hostname="localhost")
except OSError as e:
    print("ERROR", e.args[-1])
    raise SystemExit
t.write(b"olleh\\n")
buf = b""
while not buf.endswith(b"\\n"):
    buf += t.recv(100)
print(t.version(), buf)
t.close()
"""
