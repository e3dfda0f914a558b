"""The firmware built without DTLS (mbedTLS without MBEDTLS_SSL_PROTO_DTLS,
harness flavour `nodtls`): modssl compiles without it, TLS works, and DTLS is
absent with a clear error instead of half-working.

`make test` builds it and sets MODSSL_REQUIRE_NODTLS=1, so there a missing
build fails; elsewhere these tests skip with the command that builds it.
"""

from __future__ import annotations

import os
import ssl

import pytest

from conftest import MicroPython
from modssl_harness import paths

CLIENT = """
import socket, ssl, tls
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.load_verify_locations(cafile=CAFILE)
s = socket.socket()
s.connect(socket.getaddrinfo("127.0.0.1", PORT)[0][-1])
t = ctx.wrap_socket(s, server_hostname="localhost")
print(t.version())
t.write(b"no datagrams here")
print(t.recv(100))
print(hasattr(t, "set_mtu"), hasattr(t, "dtls_get_timeout"))
t.close()
print(hasattr(tls, "PROTOCOL_DTLS_CLIENT"), hasattr(tls, "PROTOCOL_DTLS_SERVER"))
try:
    tls.SSLContext(2)
except ValueError as e:
    print("ValueError:", e)
from OpenSSL import SSL
try:
    SSL.Context(SSL.DTLS_METHOD)
except SSL.Error as e:
    print("SSL.Error:", e.args[0][0][2])
"""


@pytest.fixture(scope="module")
def nodtls_firmware():
    exe = paths.firmware_path("unix", "nodtls")
    if not exe.exists():
        msg = f"{exe} is missing: build it with `PYTHONPATH=tools .venv/bin/python -m modssl_harness build --flavour nodtls`"
        if os.environ.get("MODSSL_REQUIRE_NODTLS") == "1":
            pytest.fail(msg)
        pytest.skip(msg)
    return exe


@pytest.mark.parametrize("version", [ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3])
def test_tls_without_dtls(nodtls_firmware, tmp_path, pki, tls_server, version):
    server = tls_server("server_ec", min_version=version, max_version=version)
    out = MicroPython(nodtls_firmware, tmp_path).run(CLIENT, PORT=server.port, CAFILE=str(pki["ca"].cert_pem)).lines
    assert out == [
        {"TLSv1_2": "TLSv1.2", "TLSv1_3": "TLSv1.3"}[version.name],
        "b'no datagrams here'",
        "False False",
        "False False",
        "ValueError: DTLS is not in this firmware (mbedTLS built without MBEDTLS_SSL_PROTO_DTLS)",
        "SSL.Error: unsupported protocol: this firmware is built without DTLS",
    ]
    assert server.wait_served(1)
    assert server.seen[0].received == b"no datagrams here"
    assert server.seen[0].error is None  # closed with close_notify
