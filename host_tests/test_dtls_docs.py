"""The examples in docs/dtls.md, run as written on the firmware against
pyOpenSSL peers (only file names and the port are replaced)."""

from __future__ import annotations

import re
from pathlib import Path

import socket

import pytest
from modssl_harness import dtlspeers
from modssl_harness.dtlspeers import C2S, LossyRelay, PyOpenSSLDtlsServer
from test_dtls_garbage import client_hello, epoch0_ccs, hello_with_huge_length

DOC = Path(__file__).resolve().parents[1] / "docs" / "dtls.md"


def examples() -> list[str]:
    return re.findall(r"```python\n(.*?)```", DOC.read_text(), re.DOTALL)


def localise(code: str, pki, port: int | str, cert: str = "server_ec") -> str:
    for name, path in (("ca.pem", pki["ca"].cert_pem), ("server.pem", pki[cert].chain_pem),
                       ("server.key", pki[cert].key_pem)):
        code = code.replace(f'"{name}"', repr(str(path)))
    return code.replace("4433", str(port))


# The server example binds a fixed address again after each failed client,
# and MicroPython's unix sockets have no getsockname(): the serving process
# itself finds a free port (listening.py), frees it and binds it again at
# once, and reports it.  Only another process binding that port in the
# microseconds between is a race; no port travels between processes.
PICK_PORT = """
import socket
from listening import listen as _listen
_probe, PORT = _listen(kind=socket.SOCK_DGRAM)
_probe.close()
"""


def start_server_example(mp, pki, edit=lambda code: code):
    """The server example with a port of its own; returns (port, background) once it is bound."""
    code = edit(localise(examples()[1], pki, "PORT"))
    code = code.replace("\nsock = listen()\n", "\nsock = listen()\nprint('READY', PORT)\n", 1)  # bound: send now
    bg = mp.start(PICK_PORT + code)
    word, port = bg.first_line.split()
    assert word == "READY", bg.first_line
    return int(port), bg


def test_the_examples_are_all_here():
    assert len(examples()) == 4


def test_client_example(mp, pki):
    with PyOpenSSLDtlsServer(pki["server_ec"]) as peer:
        out = mp.run(localise(examples()[0], pki, peer.port)).lines
        result = peer.wait(timeout=10)
    assert out == ["b'HELLO'"]
    assert result.received == [b"hello"] and result.closed


def test_server_example(mp, pki):
    port, bg = start_server_example(mp, pki)
    result = dtlspeers.pyopenssl_dtls_client(port, str(pki["ca"].cert_pem), [b"one", b"two"])
    bg.proc.wait(timeout=20)
    assert result.error is None, result.error
    assert result.received == [b"ONE", b"TWO"] and result.closed
    assert bg.proc.returncode == 0, bg.proc.stderr.read()


def stray_hello_then_gone(port: int) -> None:
    """A client that sends its first ClientHello, gets the cookie, and goes."""
    hello = client_hello()[1]
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.settimeout(0.5)
        for _ in range(40):  # resent as a DTLS client does, until the server is up
            udp.sendto(hello, ("127.0.0.1", port))
            try:
                reply = udp.recv(65536)
                break
            except (TimeoutError, ConnectionRefusedError):
                continue
        assert reply[0] == 22  # the HelloVerifyRequest: the server has seen us


def stray_garbage(datagram):
    def send(port: int) -> None:
        # Sent from a socket that stays open and silent (no ICMP to help).
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        udp.bind(("127.0.0.1", 0))
        udp.sendto(datagram(), ("127.0.0.1", port))
        strays.append(udp)
    return send


strays: list[socket.socket] = []


@pytest.mark.parametrize("stray", [stray_hello_then_gone, stray_garbage(hello_with_huge_length),
                                   stray_garbage(epoch0_ccs)], ids=["hello-then-gone", "huge-hello", "epoch0-ccs"])
def test_server_example_keeps_serving_after_a_stray(mp, pki, stray):
    port, bg = start_server_example(
        mp, pki, lambda code: code.replace("dtls_handshake_timeout = 10", "dtls_handshake_timeout = 2"))
    try:
        stray(port)
        result = dtlspeers.pyopenssl_dtls_client(port, str(pki["ca"].cert_pem), [b"one", b"two"])
        bg.proc.wait(timeout=20)
    finally:
        while strays:
            strays.pop().close()
    assert result.error is None, result.error
    assert result.received == [b"ONE", b"TWO"] and result.closed
    assert bg.proc.returncode == 0, bg.proc.stderr.read()


def test_timer_example_resends_a_lost_flight(mp, pki):
    lose_first = lambda direction, index, data: direction == C2S and index == 0
    with PyOpenSSLDtlsServer(pki["server_ec"]) as peer, \
            LossyRelay(("127.0.0.1", peer.port), drop=lose_first) as relay:
        out = mp.run(localise(examples()[2], pki, relay.address[1])).lines
    assert out == ["DTLSv1.2"]
    assert relay.fates(C2S)[0] == "dropped" and len(relay.fates(C2S)) >= 3


def test_mtu_example(mp, pki):
    client = examples()[0]
    setup = client[:client.index("dtls = ")]
    code = examples()[3]
    expected = re.search(r"# (ValueError: .*)", code).group(1)
    with PyOpenSSLDtlsServer(pki["server_ec"]) as peer, LossyRelay(("127.0.0.1", peer.port)) as relay:
        result = mp.run(localise(setup + code, pki, relay.address[1]), check=False)
    assert result.stderr.strip().splitlines()[-1] == expected
    assert max(relay.sizes(C2S)) <= 1200  # what the firmware sent
