"""modssl as a TLS server, against CPython `ssl` clients and `openssl s_client`."""

from __future__ import annotations

import socket
import ssl

import pytest

# One connection: handshake, echo until EOF, clean close.  Prints the port
# first, then what it saw.
SERVER = """
import ssl
from listening import listen
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(CERT, KEY)
if MIN_VERSION:
    ctx.minimum_version = MIN_VERSION
if MAX_VERSION:
    ctx.maximum_version = MAX_VERSION
if CLIENT_CA:
    ctx.verify_mode = VERIFY_MODE
    ctx.load_verify_locations(cafile=CLIENT_CA)
if ALPN:
    ctx.set_alpn_protocols(ALPN)
s, port = listen(1)
print(port)
c, addr = s.accept()
try:
    t = ctx.wrap_socket(c, server_side=True)
except OSError as e:
    print("HANDSHAKE-ERROR", type(e).__name__, e.args[1] if len(e.args) > 1 else e)
    raise SystemExit(0)
print("VERSION", t.version())
print("CIPHER", t.cipher()[0])
print("ALPN", t.selected_alpn_protocol())
peer = t.getpeercert()
print("PEER", peer and dict(x[0] for x in peer["subject"])["commonName"])
total = 0
while True:
    data = t.recv(4096)
    if not data:
        break
    total += len(data)
    t.write(data)
    if LINE_MODE and data.endswith(b"\\n"):
        break
print("ECHOED", total)
t.close()
s.close()
"""


def start_server(mp, pki, cert="server_ec", min_version=0, max_version=0, client_ca=None,
                 verify_mode=2, alpn=None, line_mode=False):
    bg = mp.start(
        SERVER, CERT=str(pki[cert].chain_pem), KEY=str(pki[cert].key_pem),
        MIN_VERSION=min_version, MAX_VERSION=max_version, CLIENT_CA=client_ca, VERIFY_MODE=verify_mode,
        ALPN=alpn, LINE_MODE=line_mode,
    )
    return int(bg.first_line), bg


def cpython_client(port, ca, *, cert=None, version=None, alpn=None, payload=b"hello device" * 100):
    ctx = ssl.create_default_context(cafile=str(ca))
    if version:
        ctx.minimum_version = ctx.maximum_version = version
    if cert:
        ctx.load_cert_chain(cert.cert_pem, cert.key_pem)
    if alpn:
        ctx.set_alpn_protocols(alpn)
    with socket.create_connection(("127.0.0.1", port), timeout=20) as raw:
        with ctx.wrap_socket(raw, server_hostname="localhost") as tls:
            info = (tls.version(), tls.cipher()[0], tls.selected_alpn_protocol())
            tls.sendall(payload)
            got = b""
            while len(got) < len(payload):
                got += tls.recv(65536)
            tls.unwrap()
    return info, got


@pytest.mark.parametrize("version", [ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3])
@pytest.mark.parametrize("cert,ca", [("server_ec", "ca"), ("server_rsa", "ca_rsa")])
def test_server_handshake_and_echo(mp, pki, version, cert, ca):
    port, bg = start_server(mp, pki, cert)
    (ver, _cipher, _), got = cpython_client(port, pki[ca].cert_pem, version=version)
    assert got == b"hello device" * 100
    out = bg.finish().stdout
    want = "TLSv1.3" if version == ssl.TLSVersion.TLSv1_3 else "TLSv1.2"
    assert ver == want
    assert f"VERSION {want}" in out
    assert "ECHOED 1200" in out


def test_server_sends_intermediate_chain(mp, pki):
    port, bg = start_server(mp, pki, "server_chain")
    # The client trusts only the root: verification needs the intermediate.
    (_, _, _), got = cpython_client(port, pki["ca"].cert_pem, payload=b"x")
    assert got == b"x"
    bg.finish()


def test_mutual_tls_accepts_client_certificate(mp, pki):
    port, bg = start_server(mp, pki, client_ca=str(pki["ca"].cert_pem))
    _, got = cpython_client(port, pki["ca"].cert_pem, cert=pki["client_ec"], payload=b"mtls")
    assert got == b"mtls"
    assert "PEER device-client" in bg.finish().stdout


def test_mutual_tls_rejects_missing_client_certificate(mp, pki):
    port, bg = start_server(mp, pki, client_ca=str(pki["ca"].cert_pem))
    with pytest.raises((ssl.SSLError, ConnectionError)):
        cpython_client(port, pki["ca"].cert_pem, payload=b"x")
    assert bg.finish().stdout == "HANDSHAKE-ERROR OSError peer did not send a certificate, but one is required\n"


@pytest.mark.parametrize("version", [ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3])
def test_mutual_tls_rejects_client_from_unknown_ca(mp, pki, version):
    port, bg = start_server(mp, pki, client_ca=str(pki["ca"].cert_pem))
    ctx = ssl.create_default_context(cafile=str(pki["ca"].cert_pem))
    ctx.minimum_version = ctx.maximum_version = version
    ctx.load_cert_chain(pki["client_unknown_ca"].cert_pem, pki["client_unknown_ca"].key_pem)
    # In TLS 1.3 the client finishes first and learns of the rejection from
    # the alert that follows, which must be readable (application keys).
    with socket.create_connection(("127.0.0.1", port), timeout=20) as raw:
        with pytest.raises(ssl.SSLError, match="UNKNOWN_CA|unknown ca"):
            with ctx.wrap_socket(raw, server_hostname="localhost") as tls:
                tls.recv(10)
    out = bg.finish().stdout
    assert "HANDSHAKE-ERROR SSLCertVerificationError certificate verify failed: unable to get local issuer" in out


def test_cert_optional_server_without_client_certificate(mp, pki):
    port, bg = start_server(mp, pki, client_ca=str(pki["ca"].cert_pem), verify_mode=1)
    _, got = cpython_client(port, pki["ca"].cert_pem, payload=b"opt")
    assert got == b"opt"
    assert "PEER None" in bg.finish().stdout


def test_alpn_selection(mp, pki):
    port, bg = start_server(mp, pki, alpn=["h2", "http/1.1"])
    (_, _, alpn), _ = cpython_client(port, pki["ca"].cert_pem, alpn=["http/1.1"], payload=b"a")
    assert alpn == "http/1.1"
    assert "ALPN http/1.1" in bg.finish().stdout


@pytest.mark.parametrize("proto", ["-tls1_2", "-tls1_3"])
def test_openssl_s_client(mp, pki, openssl, proto):
    port, bg = start_server(mp, pki, line_mode=True)
    out = openssl.run_client(port, proto, "-CAfile", str(pki["ca"].cert_pem), "-verify_return_error",
                             "-verify_hostname", "localhost", "-quiet", input="via s_client\n")
    assert "via s_client" in out.splitlines(), out
    assert "ECHOED 13" in bg.finish().stdout
