"""modssl as a TLS client against CPython `ssl` servers on 127.0.0.1."""

from __future__ import annotations

import ssl

import pytest

CLIENT = """
import socket, ssl
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.load_verify_locations(cafile=CAFILE)
s = socket.socket()
s.connect(socket.getaddrinfo("127.0.0.1", PORT)[0][-1])
t = ctx.wrap_socket(s, server_hostname=HOST)
print(t.version())
print(t.cipher()[0])
t.write(b"ping " * 1000)
got = b""
while len(got) < 5000:
    got += t.recv(8192)
print(len(got), got[:10])
t.close()
"""


@pytest.mark.parametrize("version", [ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3])
@pytest.mark.parametrize("cert,ca", [("server_ec", "ca"), ("server_rsa", "ca_rsa")])
def test_verified_handshake_and_echo(mp, pki, tls_server, version, cert, ca):
    server = tls_server(cert, min_version=version, max_version=version)
    out = mp.run(CLIENT, PORT=server.port, CAFILE=str(pki[ca].cert_pem), HOST="localhost").lines
    want = {"TLSv1_2": "TLSv1.2", "TLSv1_3": "TLSv1.3"}[version.name]
    assert out[0] == want
    assert out[2] == "5000 b'ping ping '"
    assert server.wait_served(1)
    assert server.seen[0].version == want
    assert server.seen[0].received == b"ping " * 1000
    assert server.seen[0].error is None  # the client closed with close_notify
