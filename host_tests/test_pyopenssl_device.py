"""OpenSSL.SSL / OpenSSL.crypto on the firmware where it cannot be compared
line by line with pyOpenSSL: the mbedTLS version report, the methods mbedTLS
lacks, the minimal crypto module, keys and certificates given as objects."""

from __future__ import annotations

import shutil
from pathlib import Path

from cryptography.hazmat.primitives import hashes

SCRIPTS = Path(__file__).parent / "pyopenssl_scripts"


def test_version_report_and_unsupported_methods(mp):
    out = mp.run("""
import tls
from OpenSSL import SSL
print(SSL.SSLeay_version(SSL.SSLEAY_VERSION))
print(SSL.OPENSSL_VERSION_NUMBER == tls.MBEDTLS_VERSION_NUMBER)
for name in ("SSLv2_METHOD", "SSLv3_METHOD", "TLSv1_METHOD", "TLSv1_1_METHOD"):
    try:
        SSL.Context(getattr(SSL, name))
    except SSL.Error as e:
        lib, func, reason = e.args[0][0]
        print(name, lib, reason.split(":")[0])
for name in ("SSLv23_METHOD", "TLSv1_2_METHOD", "TLS_METHOD", "DTLS_METHOD"):
    SSL.Context(getattr(SSL, name))
print(issubclass(SSL.WantReadError, SSL.Error), issubclass(SSL.SysCallError, SSL.Error),
      issubclass(SSL.ZeroReturnError, SSL.Error), issubclass(SSL.WantX509LookupError, SSL.Error))
""").lines
    assert out[0] == "b'Mbed TLS 3.6.6'"
    assert out[1] == "True"
    assert out[2:6] == [f"{m} SSL routines unsupported protocol"
                        for m in ("SSLv2_METHOD", "SSLv3_METHOD", "TLSv1_METHOD", "TLSv1_1_METHOD")]
    assert out[6] == "True True True True"


def test_crypto_certificate_fields(mp, pki):
    cert = pki["server_ec"].cert
    out = mp.run("""
from OpenSSL import crypto
pem = open(PEM, "rb").read()
x = crypto.load_certificate(crypto.FILETYPE_PEM, pem)
y = crypto.load_certificate(crypto.FILETYPE_ASN1, open(DER, "rb").read())
print(x == y, crypto.dump_certificate(crypto.FILETYPE_PEM, x) == pem)
print(crypto.dump_certificate(crypto.FILETYPE_ASN1, x) == open(DER, "rb").read())
print(x.get_serial_number(), x.get_version(), x.get_signature_algorithm())
print(x.get_notBefore(), x.get_notAfter())
s = x.get_subject()
print(s.CN, s.commonName, s.O, s.organizationName, s.C, s.OU)
print(x.get_issuer().CN, s.get_components())
print(x.digest("sha256"))
try:
    crypto.load_certificate(crypto.FILETYPE_PEM, b"garbage")
except crypto.Error as e:
    print("Error", e.args[0][0][2])
""", PEM=str(pki["server_ec"].cert_pem), DER=str(pki["server_ec"].cert_der)).lines
    assert out[0] == "True True"
    assert out[1] == "True"
    assert out[2] == f"{cert.serial_number} 2 b'ecdsa-with-SHA256'"
    nb = cert.not_valid_before_utc.strftime("%Y%m%d%H%M%SZ")
    na = cert.not_valid_after_utc.strftime("%Y%m%d%H%M%SZ")
    assert out[3] == f"b'{nb}' b'{na}'"
    assert out[4] == "localhost localhost modssl tests modssl tests GB None"
    assert out[5] == "modssl test root EC [(b'C', b'GB'), (b'O', b'modssl tests'), (b'CN', b'localhost')]"
    fingerprint = cert.fingerprint(hashes.SHA256()).hex().upper()
    assert out[6] == "b'" + ":".join(fingerprint[i:i + 2] for i in range(0, len(fingerprint), 2)) + "'"
    assert out[7] == "Error no start line"


def test_keys_and_certificates_as_objects(mp, pki):
    shutil.copy(SCRIPTS / "bio_pump.py", mp.workdir / "bio_pump.py")
    out = mp.run("""
from OpenSSL import SSL, crypto
from bio_pump import handshake, pair
ctx = SSL.Context(SSL.TLS_METHOD)
ctx.use_certificate(crypto.load_certificate(crypto.FILETYPE_PEM, open(CERT, "rb").read()))
try:
    ctx.use_privatekey(crypto.load_privatekey(crypto.FILETYPE_PEM, open(OTHER_KEY, "rb").read()))
except SSL.Error as e:
    print("mismatch:", e.args[0][0][2])
ctx.use_privatekey(open(KEY_DER, "rb").read())  # DER bytes
ctx.check_privatekey()
print("check_privatekey ok")
try:
    SSL.Context(SSL.TLS_METHOD).check_privatekey()
except SSL.Error as e:
    print("empty:", e.args[0][0][2])
try:
    SSL.Context(SSL.TLS_METHOD).load_verify_locations("/nonexistent/ca.pem")
except SSL.Error as e:
    print("missing file:", e.args[0][0][0])
client_ctx = SSL.Context(SSL.TLS_METHOD)
client_ctx.set_cipher_list(b"HIGH:!aNULL:!eNULL")
print("ECDHE-ECDSA-AES128-GCM-SHA256" in SSL.Connection(client_ctx).get_cipher_list())
client, server = pair(client_ctx, ctx)
print(handshake(client, server))
try:
    client.get_peer_certificate(as_cryptography=True)
except NotImplementedError:
    print("as_cryptography: NotImplementedError")
wrong = SSL.Connection(SSL.Context(SSL.TLS_SERVER_METHOD))
wrong.set_connect_state()
try:
    wrong.do_handshake()
except SSL.Error as e:
    print("server method connecting:", type(e).__name__)
""", CERT=str(pki["server_ec"].cert_pem), OTHER_KEY=str(pki["server_rsa"].key_pem),
        KEY_DER=str(pki["server_ec"].key_der)).lines
    assert out == [
        "mismatch: key values mismatch",
        "check_privatekey ok",
        "empty: no certificate assigned",
        "missing file: system library",
        "True",
        "('ok', 'ok')",
        "as_cryptography: NotImplementedError",
        "server method connecting: Error",
    ]


def test_bad_files_raise_ssl_error(mp, tmp_path):
    bad = tmp_path / "bad.pem"
    bad.write_bytes(b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
    out = mp.run("""
from OpenSSL import SSL
ctx = SSL.Context(SSL.TLS_METHOD)
for call in (lambda: ctx.use_certificate_file(BAD), lambda: ctx.use_certificate_file(BAD, SSL.FILETYPE_ASN1),
             lambda: ctx.use_privatekey_file(BAD.replace("bad.pem", "none.pem")),
             lambda: ctx.load_verify_locations(None)):
    try:
        call()
        print("accepted")
    except SSL.Error as e:
        print(type(e).__name__, len(e.args[0][0]))
""", BAD=str(bad)).lines
    assert out == ["Error 3"] * 4
