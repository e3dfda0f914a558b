"""A DTLS server that survives the network: hand-built malformed datagrams
and clients that go silent end the handshake (at once, or at the
`dtls_handshake_timeout` deadline) instead of holding the server; `read(n)`
on a DTLS socket returns one datagram."""

from __future__ import annotations

import errno
import socket

import pytest
from modssl_harness import dtlspeers
from modssl_harness.dtlspeers import PyOpenSSLDtlsServer

HVR = -0x6A80

# The spec's server flow with a short deadline: peek, connect back, wrap with
# client_id; prints every outcome of wrap_socket, stops at the first that is
# not "Hello Verify Required".
SERVER = """
import socket, ssl, time
ctx = ssl.SSLContext(ssl.PROTOCOL_DTLS_SERVER)
ctx.load_cert_chain(CERT, KEY)
default = ctx.dtls_handshake_timeout
ctx.dtls_handshake_timeout = DEADLINE
from listening import listen
sock, port = listen(kind=socket.SOCK_DGRAM)
MSG_PEEK = getattr(socket, "MSG_PEEK", 2)
print("LISTENING", port, default)
while True:
    _, addr = sock.recvfrom(1, MSG_PEEK)
    sock.connect(addr)
    try:
        t = ctx.wrap_socket(sock, server_side=True, client_id=repr(addr).encode())
        print("WRAPPED", t.version())
        break
    except OSError as e:
        print("ERROR", e.args[0], e.args[1])
        if e.args[0] != HVR:
            break
"""


def _client_conn():
    from OpenSSL import SSL

    ctx = SSL.Context(SSL.DTLS_CLIENT_METHOD)
    conn = SSL.Connection(ctx, None)
    conn.set_connect_state()
    return conn


def client_hello() -> tuple[object, bytes]:
    """A real DTLS ClientHello (one datagram) from pyOpenSSL, and its client."""
    from OpenSSL import SSL

    conn = _client_conn()
    with pytest.raises(SSL.WantReadError):
        conn.do_handshake()
    return conn, conn.bio_read(65536)


def hello_with_huge_length() -> bytes:
    """A ClientHello fragment that claims a message of 2^24-1 bytes."""
    _, hello = client_hello()
    assert hello[0] == 22 and hello[13] == 1  # handshake record, ClientHello
    return hello[:14] + b"\xff\xff\xff" + hello[17:]


def epoch0_ccs() -> bytes:
    # type 20, DTLS 1.2, epoch 0, sequence 1, length 1, change_cipher_spec(1)
    return bytes([20, 0xFE, 0xFD, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 1])


def start_server(mp, pki, deadline):
    bg = mp.start(SERVER, CERT=str(pki["server_ec"].chain_pem), KEY=str(pki["server_ec"].key_pem),
                  DEADLINE=deadline, HVR=HVR)
    word, port, default = bg.first_line.split()
    assert (word, default) == ("LISTENING", "20.0"), bg.first_line  # the documented default
    return bg, int(port)


def outcome(bg, timeout=30) -> list[str]:
    return bg.finish(timeout=timeout).stdout.splitlines()


@pytest.fixture
def udp():
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    yield sock
    sock.close()


@pytest.mark.parametrize("datagram", [hello_with_huge_length, epoch0_ccs])
def test_malformed_datagram_ends_the_handshake(mp, pki, udp, datagram):
    bg, port = start_server(mp, pki, 1)
    udp.sendto(datagram(), ("127.0.0.1", port))
    lines = outcome(bg)
    assert len(lines) == 1 and lines[0].startswith("ERROR"), lines
    code, text = lines[0].split(" ", 2)[1:]
    assert int(code) != HVR
    if int(code) == errno.ETIMEDOUT:
        assert text.startswith("DTLS handshake timed out"), text
    assert "SSL - " not in text


def test_client_silent_after_the_cookie_meets_the_deadline(mp, pki, udp):
    from OpenSSL import SSL

    bg, port = start_server(mp, pki, 1)
    conn, hello = client_hello()
    udp.sendto(hello, ("127.0.0.1", port))
    conn.bio_write(udp.recv(65536))  # the HelloVerifyRequest
    with pytest.raises(SSL.WantReadError):
        conn.do_handshake()
    udp.sendto(conn.bio_read(65536), ("127.0.0.1", port))  # the ClientHello with the cookie
    assert udp.recv(65536)[0] == 22  # the server's flight... and then we say nothing
    lines = outcome(bg)
    assert lines[0] == "ERROR -27264 Hello Verify Required"
    assert lines[1:] == [f"ERROR {errno.ETIMEDOUT} DTLS handshake timed out: not complete 1000 ms after "
                         "the client's first datagram (SSLContext.dtls_handshake_timeout)"], lines


def test_handshake_timeout_setting(mp):
    out = mp.run("""
import ssl
ctx = ssl.SSLContext(ssl.PROTOCOL_DTLS_SERVER)
print(ctx.dtls_handshake_timeout)
ctx.dtls_handshake_timeout = None
print(ctx.dtls_handshake_timeout)
ctx.dtls_handshake_timeout = 2.5
print(ctx.dtls_handshake_timeout)
for bad in (0, -1, 10**6):
    try:
        ctx.dtls_handshake_timeout = bad
    except ValueError as e:
        print("ValueError", e)
try:
    ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER).dtls_handshake_timeout = 5
except AttributeError:
    print("AttributeError")
""").lines
    assert out[:3] == ["20.0", "None", "2.5"]
    assert out[3:6] == ["ValueError dtls_handshake_timeout must be None or seconds above 0 and at most 86400"] * 3
    assert out[6] == "AttributeError"


# A DTLS client of the pyOpenSSL echo server (which upper-cases): read(n),
# readinto and recv_into with room for far more than one datagram.
READ_CLIENT = """
import socket, ssl
ctx = ssl.SSLContext(ssl.PROTOCOL_DTLS_CLIENT)
ctx.load_verify_locations(cafile=CA)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.connect(socket.getaddrinfo("127.0.0.1", PORT)[0][-1])
t = ctx.wrap_socket(s, server_hostname="localhost")
t.write(b"one")
print(t.read(1000))
t.write(b"two")
buf = bytearray(1000)
print(t.readinto(buf), bytes(buf[:3]))
t.write(b"three")
print(t.recv_into(buf), bytes(buf[:5]))
t.write(b"four")
print(t.read())
t.write(b"fifteen")
print(t.read(4), t.read(100))
t.close()
"""


def test_read_returns_one_datagram(mp, pki):
    with PyOpenSSLDtlsServer(pki["server_ec"]) as peer:
        out = mp.run(READ_CLIENT, PORT=peer.port, CA=str(pki["ca"].cert_pem), timeout=30).lines
    assert out == ["b'ONE'", "3 b'TWO'", "5 b'THREE'", "b'FOUR'", "b'FIFT' b'EEN'"]


BIO_DEADLINE = """
import ssl, time
ctx = ssl.SSLContext(ssl.PROTOCOL_DTLS_SERVER)
ctx.load_cert_chain(CERT, KEY)
ctx.dtls_handshake_timeout = 0.3
incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
conn = ctx.wrap_bio(incoming, outgoing, server_side=True, client_id=b"peer")
incoming.write(DATAGRAM)
try:
    conn.do_handshake()
except ssl.SSLWantReadError:
    print("waiting")
time.sleep(0.5)  # past the deadline: the behaviour under test, no peer to wait for
for _ in range(2):  # the second call finds the connection failed for good
    try:
        conn.do_handshake()
    except OSError as e:
        print(e.args[0], e.args[1][:24])
"""


def test_do_handshake_on_memory_bios_meets_the_deadline(mp, pki):
    out = mp.run(BIO_DEADLINE, CERT=str(pki["server_ec"].chain_pem), KEY=str(pki["server_ec"].key_pem),
                 DATAGRAM=hello_with_huge_length()).lines
    assert out == ["waiting"] + [f"{errno.ETIMEDOUT} DTLS handshake timed out"] * 2
