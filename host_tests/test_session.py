"""Session resumption: `sock.session` out, `wrap_socket(session=...)` back in."""

from __future__ import annotations

import ssl as host_ssl

import pytest

RESUME = """
import socket, ssl
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.load_verify_locations(cafile=CA)
ctx.maximum_version = VERSION
def connect(session=None):
    s = socket.socket()
    s.connect(socket.getaddrinfo("127.0.0.1", PORT)[0][-1])
    t = ctx.wrap_socket(s, server_hostname="localhost", session=session)
    t.write(b"x")
    t.recv(1)
    saved = t.session
    t.close()
    return saved
first = connect()
print(type(first).__name__, len(first) > 32)
second = connect(first)
print(second is not None)
for bad in (b"not a session", 42):
    try:
        connect(bad)
    except Exception as e:
        print(type(e).__name__, e)
"""


@pytest.mark.parametrize("version", [host_ssl.TLSVersion.TLSv1_2, host_ssl.TLSVersion.TLSv1_3])
def test_session_resumes(mp, pki, tls_server, version):
    server = tls_server("server_ec", min_version=version, max_version=version)
    out = mp.run(RESUME, PORT=server.port, CA=str(pki["ca"].cert_pem), VERSION=int(version)).lines
    assert out[0] == "bytes True"
    assert out[1] == "True"
    assert out[2] == "ValueError session: not a session saved by this firmware"
    assert out[3].startswith("TypeError")
    assert server.wait_served(2)
    assert [s.resumed for s in server.seen[:2]] == [False, True]


MID_HANDSHAKE = """
import ssl
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.load_verify_locations(cafile=CA)
c_in, c_out = ssl.MemoryBIO(), ssl.MemoryBIO()
client = ctx.wrap_bio(c_in, c_out, server_hostname="localhost")
try:
    client.do_handshake()
except ssl.SSLWantReadError:
    print("ClientHello", c_out.pending > 0)
try:
    client.session = b"anything"
except ValueError as e:
    print("ValueError", e)
"""


def test_a_session_cannot_be_swapped_in_mid_handshake(mp, pki):
    # mbedTLS is already using the session it would replace.
    out = mp.run(MID_HANDSHAKE, CA=str(pki["ca"].cert_pem)).lines
    assert out == ["ClientHello True", "ValueError session: set it before the handshake"]
