"""Certificate verification as a client: each failure says why (RFC 5280, 6125)."""

from __future__ import annotations

import pytest

CLIENT = """
import socket, ssl
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.load_verify_locations(cafile=CAFILE)
ctx.check_hostname = CHECK_HOSTNAME
ctx.verify_mode = VERIFY_MODE
s = socket.socket()
s.connect(socket.getaddrinfo("127.0.0.1", PORT)[0][-1])
try:
    t = ctx.wrap_socket(s, server_hostname=HOST)
except OSError as e:
    print("ERROR", type(e).__name__, e.args[0], e.args[1])
else:
    t.write(b"ok")
    print("CONNECTED", t.recv(2))
    t.close()
"""


def connect(mp, server, pki, host="localhost", ca="ca", check_hostname=True, verify_mode=2, prefix=()):
    return mp.run(
        CLIENT, PORT=server.port, CAFILE=str(pki[ca].cert_pem), HOST=host, CHECK_HOSTNAME=check_hostname,
        VERIFY_MODE=verify_mode, prefix=prefix,
    ).stdout.strip()


@pytest.mark.parametrize(
    "cert,reason",
    [
        ("server_expired", "certificate has expired"),
        ("server_future", "certificate is not yet valid"),
        ("server_wronghost", "hostname mismatch"),
        ("server_unknown_ca", "unable to get local issuer certificate: unknown CA"),
    ],
)
def test_verification_failure_says_why(mp, pki, tls_server, cert, reason):
    out = connect(mp, tls_server(cert), pki)
    assert out.startswith(f"ERROR SSLCertVerificationError -9984 certificate verify failed: {reason}"), out


def test_bad_signature_is_rejected(mp, pki, tls_server, tmp_path):
    # A certificate whose issuer name is our root's, signed by another key.
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    leaf = pki["server_ec"]
    forged = _reissued(pki, "server_ec", "ca", signer=ec.generate_private_key(ec.SECP256R1()))
    forged_pem = tmp_path / "forged.pem"
    forged_pem.write_bytes(forged.public_bytes(serialization.Encoding.PEM))
    leaf.chain_pem = forged_pem  # served instead of the genuine certificate
    try:
        out = connect(mp, tls_server("server_ec"), pki)
    finally:
        leaf.chain_pem = leaf.cert_pem.parent / "server_ec.chain.pem"
    assert out.startswith("ERROR SSLCertVerificationError -9984 certificate verify failed:")
    assert "certificate signature failure: its signature does not verify" in out


def test_unset_clock_is_named(mp, pki, tls_server):
    # A board that never set its RTC believes it is 2021.
    out = connect(mp, tls_server("server_ec"), pki, prefix=("faketime", "2021-01-01 00:00:00"))
    assert "certificate is not yet valid" in out
    assert "the device clock looks unset" in out


def test_intermediate_chain_verifies(mp, pki, tls_server):
    assert connect(mp, tls_server("server_chain"), pki) == "CONNECTED b'ok'"


def test_ip_address_san(mp, pki, tls_server):
    assert connect(mp, tls_server("server_ec"), pki, host="127.0.0.1") == "CONNECTED b'ok'"


def test_common_name_used_without_san(mp, pki, tls_server):
    assert connect(mp, tls_server("server_cn_only"), pki) == "CONNECTED b'ok'"


@pytest.mark.parametrize(
    "host,ok",
    [("a.example.test", True), ("a.b.example.test", False), ("example.test", False), ("aexample.test", False)],
)
def test_wildcard_rules(mp, pki, tls_server, host, ok):
    out = connect(mp, tls_server("server_wildcard"), pki, host=host)
    assert out == "CONNECTED b'ok'" if ok else "hostname mismatch" in out


def test_check_hostname_off_verifies_chain_only(mp, pki, tls_server):
    assert connect(mp, tls_server("server_wronghost"), pki, check_hostname=False) == "CONNECTED b'ok'"
    out = connect(mp, tls_server("server_unknown_ca"), pki, check_hostname=False)
    assert "unknown CA" in out


def test_cert_none_accepts_anything(mp, pki, tls_server):
    out = connect(mp, tls_server("server_expired"), pki, check_hostname=False, verify_mode=0)
    assert out == "CONNECTED b'ok'"


def test_cert_required_without_hostname_is_an_error(mp, pki, tls_server):
    out = mp.run(
        """
import socket, ssl
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.load_verify_locations(cafile=CAFILE)
try:
    ctx.wrap_socket(socket.socket())
except ValueError as e:
    print("ValueError", e)
""",
        CAFILE=str(pki["ca"].cert_pem),
    ).stdout
    assert out.startswith("ValueError CERT_REQUIRED requires server_hostname")


def _reissued(pki, leaf_name, issuer_name, signer=None, **sign_kwargs):
    """The leaf's certificate issued again in its CA's name, signed as asked
    (by the CA's key, or by `signer`'s: a forgery)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    leaf, ca = pki[leaf_name], pki[issuer_name]
    return (
        x509.CertificateBuilder()
        .subject_name(leaf.cert.subject)
        .issuer_name(ca.cert.subject)
        .public_key(leaf.key.public_key())
        .serial_number(4343)
        .not_valid_before(leaf.cert.not_valid_before_utc)
        .not_valid_after(leaf.cert.not_valid_after_utc)
        .add_extension(leaf.cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value, False)
        .sign(signer or ca.key, hashes.SHA256(), **sign_kwargs)
    )


def _serve_as(mp, pki, tls_server, tmp_path, leaf_name, der, ca):
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    leaf = pki[leaf_name]
    served = tmp_path / "served.pem"
    served.write_bytes(x509.load_der_x509_certificate(der).public_bytes(serialization.Encoding.PEM))
    saved, leaf.chain_pem = leaf.chain_pem, served
    try:
        return connect(mp, tls_server(leaf_name), pki, ca=ca)
    finally:
        leaf.chain_pem = saved


@pytest.mark.parametrize("salt", ["digest", "max"])
def test_rsa_pss_signed_certificate_verifies(mp, pki, tls_server, tmp_path, salt):
    # X.509's RSASSA-PSS (RFC 4055): the salt length the certificate names,
    # the hash's length or the longest the key allows.  A signature changed
    # in one bit is refused.
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding

    length = padding.PSS.DIGEST_LENGTH if salt == "digest" else padding.PSS.MAX_LENGTH
    pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=length)
    der = _reissued(pki, "server_rsa", "ca_rsa", rsa_padding=pss).public_bytes(serialization.Encoding.DER)
    assert _serve_as(mp, pki, tls_server, tmp_path, "server_rsa", der, "ca_rsa") == "CONNECTED b'ok'"
    bad = bytearray(der)
    bad[-1] ^= 1  # the signature is the certificate's last field
    out = _serve_as(mp, pki, tls_server, tmp_path, "server_rsa", bytes(bad), "ca_rsa")
    assert out.startswith("ERROR SSLCertVerificationError -9984 certificate verify failed:"), out
    assert "certificate signature failure: its signature does not verify" in out


def _der(tag, body):
    n = len(body)
    length = bytes([n]) if n < 128 else bytes([0x80 | ((n.bit_length() + 7) // 8)]) + n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag]) + length + body


def test_ecdsa_signature_in_non_minimal_der_is_refused(mp, pki, tls_server, tmp_path):
    # The issuer's own signature with r written with two superfluous leading
    # zero bytes: the same numbers, but not DER (X.690 8.3.2), so refused.
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

    cert = _reissued(pki, "server_ec", "ca")
    der = cert.public_bytes(serialization.Encoding.DER)
    assert _serve_as(mp, pki, tls_server, tmp_path, "server_ec", der, "ca") == "CONNECTED b'ok'"
    tbs = cert.tbs_certificate_bytes
    at = der.index(tbs) + len(tbs)
    algorithm = der[at : at + 2 + der[at + 1]]
    r, s = decode_dss_signature(cert.signature)

    def integer(v, pad=b""):
        return _der(0x02, pad + v.to_bytes(v.bit_length() // 8 + 1, "big"))  # minimal, positive

    for sig in (integer(r) + integer(s), integer(r, b"\x00\x00") + integer(s)):
        rebuilt = _der(0x30, tbs + algorithm + _der(0x03, b"\x00" + _der(0x30, sig)))
        if sig.startswith(integer(r)):
            assert rebuilt == der  # the rebuilding itself changes nothing
            continue
        out = _serve_as(mp, pki, tls_server, tmp_path, "server_ec", rebuilt, "ca")
        assert out.startswith("ERROR SSLCertVerificationError -9984 certificate verify failed:"), out
        assert "certificate signature failure: its signature does not verify" in out
