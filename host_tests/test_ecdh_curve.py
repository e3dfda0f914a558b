"""SSLContext.set_ecdh_curve(name), CPython's: the named curve becomes the
only key exchange group, ECDHE in TLS 1.2 and the key share in TLS 1.3, in
both roles; OpenSSL's short names, as CPython takes them."""

from __future__ import annotations

import ssl

import pytest
from conftest import REV_CLIENT, UPPER_ECHO_SERVER

OPENSSL_FLAG = {"TLSv1_2": "-tls1_2", "TLSv1_3": "-tls1_3"}

BAD_INPUT = """
import tls
c = tls.SSLContext(tls.PROTOCOL_TLS_CLIENT)
for name in ("prime256v1", "secp384r1", "X25519"):
    print(name, c.set_ecdh_curve(name))
for bad in ("secp256r1", "P-256", "", "X25519\\x00", "x25519", "X448"):
    try:
        c.set_ecdh_curve(bad)
    except ValueError as e:
        print("ValueError", e)
for bad in (b"X25519", None, 23):
    try:
        c.set_ecdh_curve(bad)
    except TypeError as e:
        print("TypeError", e)
"""


def test_names_are_openssl_short_names_and_bad_ones_say_so(mp):
    assert mp.run(BAD_INPUT).lines == [
        "prime256v1 None", "secp384r1 None", "X25519 None",
        "ValueError unknown elliptic curve name: 'secp256r1'",
        "ValueError unknown elliptic curve name: 'P-256'",
        "ValueError unknown elliptic curve name: ''",
        "ValueError unknown elliptic curve name: 'X25519\\x00'",
        "ValueError unknown elliptic curve name: 'x25519'",
        "ValueError elliptic curve not in this firmware: 'X448'",
    ] + ["TypeError set_ecdh_curve: expected a curve name (str)"] * 3
    # CPython refuses the same spellings (it takes OpenSSL's short names).
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.set_ecdh_curve("prime256v1")
    with pytest.raises(ValueError):
        ctx.set_ecdh_curve("P-256")




@pytest.mark.parametrize("version", ["TLSv1_2", "TLSv1_3"])
@pytest.mark.parametrize("curve, works", [("prime256v1", True), ("X25519", False)])
def test_client_offers_only_the_curve_set(mp, pki, openssl, version, curve, works):
    # The server takes only P-256: a client set to P-256 connects, one set
    # to X25519 offers nothing the server takes.
    server = openssl.server(OPENSSL_FLAG[version], "-groups", "P-256", "-naccept", "1", "-rev",
                            "-cert", str(pki["server_ec"].cert_pem), "-key", str(pki["server_ec"].key_pem))
    out = mp.run(REV_CLIENT, PORT=server.port, CA=str(pki["ca"].cert_pem), CURVE=curve,
                 VERSION=ssl.TLSVersion[version].value).lines
    if works:
        assert out == [f"{version.replace('_', '.')} b'hello\\n'"]
    else:
        assert out == ["ERROR peer sent fatal alert: handshake_failure (40)"]


@pytest.mark.parametrize("version", ["TLSv1_2", "TLSv1_3"])
def test_server_takes_only_the_curve_set(mp, pki, openssl, version):
    # s_client offers X25519 first (and its only TLS 1.3 key share): a server
    # set to P-256 picks P-256 (in TLS 1.3 through a HelloRetryRequest).
    bg = mp.start(UPPER_ECHO_SERVER, CERT=str(pki["server_ec"].chain_pem), KEY=str(pki["server_ec"].key_pem),
                  CURVE="prime256v1")
    port = int(bg.first_line)
    out = openssl.run_client(port, OPENSSL_FLAG[version], "-groups", "X25519:P-256", "-ign_eof",
                             input="hello\n")
    assert "Server Temp Key: ECDH, prime256v1, 256 bits" in out, out
    assert "HELLO" in out, out
    assert bg.finish().stdout == f"{version.replace('_', '.')} b'hello\\n'\n"



@pytest.mark.parametrize("version", ["TLSv1_2", "TLSv1_3"])
def test_server_refuses_a_client_without_the_curve(mp, pki, openssl, version):
    bg = mp.start(UPPER_ECHO_SERVER, CERT=str(pki["server_ec"].chain_pem), KEY=str(pki["server_ec"].key_pem),
                  CURVE="prime256v1")
    port = int(bg.first_line)
    out = openssl.run_client(port, OPENSSL_FLAG[version], "-groups", "X25519", input="hello\n")
    assert "alert handshake failure" in out, out
    # mbedTLS 3.6.6 ended both without an alert (patches 0051, 0052).
    assert bg.finish().stdout == "ERROR handshake failed: no shared cipher suite, group or signature algorithm\n"
