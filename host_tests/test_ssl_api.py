"""The `ssl` API surface: every keyword form of the spec, the context
methods, the wrapped socket's methods, and clear errors for bad input."""

from __future__ import annotations

import socket
import ssl as host_ssl

import pytest

CONNECT = """
import socket, ssl
def connect(port):
    s = socket.socket()
    s.connect(socket.getaddrinfo("127.0.0.1", port)[0][-1])
    return s
"""


def test_module_surface(mp):
    out = mp.run(
        """
import ssl, ussl, tls
print(ssl.SSLError is OSError, issubclass(ssl.SSLWantReadError, OSError))
print(issubclass(ssl.SSLCertVerificationError, ssl.SSLError))
print(ssl.CERT_NONE, ssl.CERT_OPTIONAL, ssl.CERT_REQUIRED)
print(ssl.PROTOCOL_TLS_CLIENT, ssl.PROTOCOL_TLS_SERVER, ssl.PROTOCOL_DTLS_CLIENT, ssl.PROTOCOL_DTLS_SERVER)
print(ssl.MBEDTLS_VERSION)
print(ussl.wrap_socket is ssl.wrap_socket, ussl.SSLContext is tls.SSLContext)
print(hex(ssl.TLSVersion.TLSv1_2), hex(ssl.TLSVersion.TLSv1_3))
"""
    ).lines
    assert out == [
        "True True",
        "True",
        "0 1 2",
        "0 1 2 3",
        "Mbed TLS 3.6.6",
        "True True",
        "0x303 0x304",
    ]


@pytest.mark.parametrize(
    "kwargs",
    [
        # current keywords: DER cadata
        "cert_reqs=ssl.CERT_REQUIRED, cadata=open(CA_DER, 'rb').read(), server_hostname='localhost'",
        # current keywords: PEM cadata
        "cert_reqs=ssl.CERT_REQUIRED, cadata=open(CA_PEM, 'rb').read(), server_hostname='localhost'",
        # legacy keywords: ca_certs as a path
        "cert_reqs=ssl.CERT_REQUIRED, ca_certs=CA_PEM, server_hostname='localhost'",
        # legacy keywords: ca_certs as bytes
        "cert_reqs=ssl.CERT_REQUIRED, ca_certs=open(CA_PEM, 'rb').read(), server_hostname='localhost'",
        # no verification (the module function's default)
        "",
        # deferred handshake
        "server_hostname='localhost', do_handshake=False",
    ],
)
def test_wrap_socket_client_keyword_forms(mp, pki, tls_server, kwargs):
    server = tls_server("server_ec")
    out = mp.run(
        CONNECT + f"""
t = ssl.wrap_socket(connect(PORT), {kwargs})
t.write(b"form")
print(t.read(4))
t.close()
""",
        PORT=server.port, CA_DER=str(pki["ca"].cert_der), CA_PEM=str(pki["ca"].cert_pem),
    ).stdout
    assert out.strip() == "b'form'"


@pytest.mark.parametrize(
    "key,cert",
    [
        ("keyfile=KEY_PEM, certfile=CERT_PEM", "legacy paths"),
        ("keyfile=open(KEY_PEM,'rb').read(), certfile=open(CERT_PEM,'rb').read()", "legacy bytes"),
        ("key=open(KEY_DER,'rb').read(), cert=open(CERT_DER,'rb').read()", "current DER"),
        ("key=open(KEY_TRAD,'rb').read(), cert=open(CERT_PEM,'rb').read()", "current PEM SEC1/PKCS#1"),
    ],
)
@pytest.mark.parametrize("which", ["server_ec", "server_rsa"])
def test_wrap_socket_server_keyword_forms(mp, pki, key, cert, which):
    issued = pki[which]
    bg = mp.start(
        f"""
import ssl
from listening import listen
s, port = listen(1)
print("ready", port)
c, _ = s.accept()
t = ssl.wrap_socket(c, server_side=True, {key})
t.write(t.read(6))
t.close()
""",
        KEY_PEM=str(issued.key_pem), CERT_PEM=str(issued.cert_pem), KEY_DER=str(issued.key_der),
        CERT_DER=str(issued.cert_der), KEY_TRAD=str(issued.key_traditional),
    )
    word, port = bg.first_line.split()
    assert word == "ready", bg.first_line
    port = int(port)
    ca = pki["ca" if which == "server_ec" else "ca_rsa"].cert_pem
    ctx = host_ssl.create_default_context(cafile=str(ca))
    with socket.create_connection(("127.0.0.1", port), timeout=20) as raw, ctx.wrap_socket(
        raw, server_hostname="localhost"
    ) as tls:
        tls.sendall(b"server")
        assert tls.recv(6) == b"server"
    assert bg.finish().returncode == 0


def test_load_cert_chain_errors(mp, pki):
    out = mp.run(
        """
import ssl
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
def attempt(label, *args):
    try:
        ctx.load_cert_chain(*args)
        print(label, "ok")
    except Exception as e:
        print(label, type(e).__name__, e)
attempt("mismatch", EC_CERT, RSA_KEY)
attempt("garbage-cert", b"not a certificate", EC_KEY)
attempt("garbage-key", EC_CERT, b"-----BEGIN PRIVATE KEY-----\\nAAAA\\n-----END PRIVATE KEY-----\\n")
attempt("missing-file", "/nonexistent/cert.pem", EC_KEY)
attempt("wrong-type", 42, EC_KEY)
attempt("k1-key", EC_CERT, K1_KEY)
attempt("good", EC_CERT, EC_KEY)
attempt("chain", CHAIN, CHAIN_KEY)
""",
        EC_CERT=str(pki["server_ec"].cert_pem), EC_KEY=str(pki["server_ec"].key_pem),
        RSA_KEY=str(pki["server_rsa"].key_pem), CHAIN=str(pki["server_chain"].chain_pem),
        CHAIN_KEY=str(pki["server_chain"].key_pem), K1_KEY=_secp256k1_key_pem(),
    ).lines
    assert out[0] == "mismatch ValueError keyfile: the private key does not match the certificate"
    assert out[1].startswith("garbage-cert ValueError certfile: invalid certificate (DER")
    assert out[2].startswith("garbage-key ValueError keyfile: invalid private key (PEM")
    assert out[3].startswith("missing-file OSError")
    assert out[4] == "wrong-type TypeError expected bytes, str or a file path, not 'int'"
    # A curve no modssl firmware has (secp256k1) is named as the problem.
    assert out[5].startswith("k1-key ValueError keyfile: the key's elliptic curve is not supported (P-256"), out
    assert out[6:] == ["good ok", "chain ok"]


def _secp256k1_key_pem() -> bytes:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256K1())
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def test_load_verify_locations_bundle_der_and_accumulation(mp, pki, tls_server):
    ec_server, rsa_server = tls_server("server_ec"), tls_server("server_rsa")
    out = mp.run(
        CONNECT + """
def verified(ctx, port):
    try:
        t = ctx.wrap_socket(connect(port), server_hostname="localhost")
        t.close()
        return "ok"
    except OSError as e:
        return "fail"
bundle = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
bundle.load_verify_locations(cafile=BUNDLE)
print("bundle", verified(bundle, EC_PORT), verified(bundle, RSA_PORT))
acc = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
acc.load_verify_locations(cadata=open(EC_DER, "rb").read())
print("one", verified(acc, EC_PORT), verified(acc, RSA_PORT))
acc.load_verify_locations(RSA_PEM)
print("two", verified(acc, EC_PORT), verified(acc, RSA_PORT))
pem_text = open(EC_PEM).read()
txt = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
txt.load_verify_locations(cadata=pem_text)
print("str", verified(txt, EC_PORT))
for bad in ({"cadata": b"junk"}, {}, {"cafile": 3}):
    try:
        txt.load_verify_locations(**bad)
    except Exception as e:
        print(type(e).__name__, e)
""",
        BUNDLE=str(pki.directory / "cas.pem"), EC_PORT=ec_server.port, RSA_PORT=rsa_server.port,
        EC_DER=str(pki["ca"].cert_der), EC_PEM=str(pki["ca"].cert_pem), RSA_PEM=str(pki["ca_rsa"].cert_pem),
    ).lines
    assert out[:4] == ["bundle ok ok", "one ok fail", "two ok ok", "str ok"]
    assert out[4].startswith("ValueError cadata: certificate 1 (DER): it cannot be parsed"), out[4]
    assert out[5] == "TypeError cafile or cadata must be given"
    assert out[6] == "TypeError cafile must be a file path (str)"


def test_ciphers(mp, pki, tls_server):
    server = tls_server("server_ec", max_version=host_ssl.TLSVersion.TLSv1_2)
    out = mp.run(
        CONNECT + """
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.verify_mode = ssl.CERT_NONE
names = ctx.get_ciphers()
print("TLS_AES_128_GCM_SHA256" in names, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256" in names)
print(any("CBC" in n for n in names))
ctx.set_ciphers(["TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"])
t = ctx.wrap_socket(connect(PORT))
print(t.cipher())
t.close()
ctx.set_ciphers("TLS-ECDHE-ECDSA-WITH-AES-256-GCM-SHA384:TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256")
print(ctx.get_ciphers()[:2])
for bad in (["TLS_NO_SUCH_SUITE"], [], 5):
    try:
        ctx.set_ciphers(bad)
    except Exception as e:
        print(type(e).__name__, e)
""",
        PORT=server.port,
    ).lines
    assert out[0] == "True True"
    assert out[1] == "False"  # AEAD only by default
    assert out[2] == "('TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', 'TLSv1.2', 256)"
    assert server.wait_served(1)
    assert server.seen[0].cipher == "ECDHE-ECDSA-CHACHA20-POLY1305"
    assert out[3] == "['TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256']"
    assert out[4] == "ValueError unknown cipher suite: 'TLS_NO_SUCH_SUITE'"
    assert out[5] == "ValueError set_ciphers: no cipher suites given"
    assert out[6] == "TypeError set_ciphers: expected a list of cipher suite names"


def test_versions_and_alpn_and_peer_certificate(mp, pki, tls_server):
    server = tls_server("server_ec", min_version=host_ssl.TLSVersion.TLSv1_3, alpn=["h2", "mqtt"])
    out = mp.run(
        CONNECT + """
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.load_verify_locations(cafile=CA)
ctx.maximum_version = ssl.TLSVersion.TLSv1_2
try:
    ctx.wrap_socket(connect(PORT), server_hostname="localhost")
except OSError as e:
    print("pinned-1.2", e.args[1])
ctx.maximum_version = ssl.TLSVersion.TLSv1_3
ctx.set_alpn_protocols(["mqtt", "x-other"])
t = ctx.wrap_socket(connect(PORT), server_hostname="localhost")
print(t.version(), t.selected_alpn_protocol())
cert = t.getpeercert()
print(cert["subject"][-1], cert["issuer"][-1], cert["subjectAltName"], cert["version"])
print(len(t.getpeercert(True)) == DER_LEN)
t.close()
try:
    ctx.minimum_version = 0x0301
except ValueError as e:
    print("ValueError", e)
""",
        PORT=server.port, CA=str(pki["ca"].cert_pem), DER_LEN=len(pki["server_ec"].cert_der.read_bytes()),
    ).lines
    # The TLS 1.3-only server refuses a client pinned to 1.2 with protocol_version.
    assert out[0] == "pinned-1.2 peer sent fatal alert: protocol_version (70)"
    assert out[1] == "TLSv1.3 mqtt"
    assert out[2] == (
        "(('commonName', 'localhost'),) (('commonName', 'modssl test root EC'),) "
        "(('DNS', 'localhost'), ('IP Address', '127.0.0.1')) 3"
    )
    assert out[3] == "True"
    assert out[4] == "ValueError minimum_version must be TLSVersion.TLSv1_2 or TLSv1_3, not 0x301"


def test_stream_methods(mp, pki, tls_server):
    server = tls_server("server_ec")
    out = mp.run(
        CONNECT + """
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.load_verify_locations(cafile=CA)
t = ctx.wrap_socket(connect(PORT), server_hostname="localhost")
t.sendall(b"line one\\nline two\\n")
print(t.readline(), t.readline())
print(t.send(b"abcdef"))
buf = bytearray(6)
print(t.recv_into(buf), bytes(buf))
t.write(b"xyz")
buf = bytearray(3)
print(t.readinto(buf), bytes(buf))
t.write(b"pending-data")
print(t.recv(1), t.pending())
print(t.recv(100))
t.close()
try:
    t.write(b"after close")
except OSError as e:
    print("closed", e.errno)
""",
        PORT=server.port, CA=str(pki["ca"].cert_pem),
    ).lines
    assert out == [
        "b'line one\\n' b'line two\\n'",
        "6",
        "6 b'abcdef'",
        "3 b'xyz'",
        "b'p' 11",
        "b'ending-data'",
        "closed 9",
    ]


def test_bad_arguments_are_clear(mp):
    out = mp.run(
        """
import ssl, socket
def attempt(label, fn):
    try:
        fn()
        print(label, "no error")
    except Exception as e:
        print(label, type(e).__name__, e)
attempt("protocol-type", lambda: ssl.SSLContext("tls"))
attempt("protocol-value", lambda: ssl.SSLContext(9))
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
attempt("verify-mode", lambda: setattr(ctx, "verify_mode", 7))
attempt("not-a-stream", lambda: ctx.wrap_socket(42, server_hostname="x"))
attempt("hostname-type", lambda: ctx.wrap_socket(socket.socket(), server_hostname=b"x"))
attempt("server-side-mismatch", lambda: ctx.wrap_socket(socket.socket(), server_side=True))
srv = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
def server_without_cert():
    cli = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    cli.verify_mode = ssl.CERT_NONE
    c_in, c_out, s_in, s_out = ssl.MemoryBIO(), ssl.MemoryBIO(), ssl.MemoryBIO(), ssl.MemoryBIO()
    client = cli.wrap_bio(c_in, c_out)
    server = srv.wrap_bio(s_in, s_out, server_side=True)  # allowed, as upstream
    try:
        client.do_handshake()
    except ssl.SSLWantReadError:
        pass
    s_in.write(c_out.read())
    server.do_handshake()
attempt("server-no-cert", server_without_cert)
attempt("alpn-type", lambda: ctx.set_alpn_protocols("h2"))
attempt("client-id-tls", lambda: srv.wrap_socket(socket.socket(), server_side=True, client_id=b"x"))
"""
    ).lines
    assert out[0] == "protocol-type TypeError can't convert str to int"
    assert out[1].startswith("protocol-value ValueError invalid protocol 9")
    assert out[2] == "verify-mode ValueError verify_mode must be CERT_NONE, CERT_OPTIONAL or CERT_REQUIRED"
    assert out[3].startswith("not-a-stream ") and "Error" in out[3]
    assert out[4] == "hostname-type TypeError server_hostname must be a str"
    assert out[5].startswith("server-side-mismatch ValueError server_side=True needs a PROTOCOL_TLS_SERVER")
    assert out[6] == "server-no-cert OSError a server needs a certificate: call load_cert_chain() first"
    assert out[7] == "alpn-type TypeError set_alpn_protocols: expected a list of str"
    assert out[8].startswith("client-id-tls ValueError")


MFL = """
import ssl
cctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
cctx.load_verify_locations(cafile=CA)
cctx.maximum_version = ssl.TLSVersion.TLSv1_2
print(cctx.max_fragment_length)
cctx.max_fragment_length = MFL
print(cctx.max_fragment_length)
sctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
sctx.load_cert_chain(CERT, KEY)
c_in, c_out, s_in, s_out = ssl.MemoryBIO(), ssl.MemoryBIO(), ssl.MemoryBIO(), ssl.MemoryBIO()
client = cctx.wrap_bio(c_in, c_out, server_hostname="localhost")
server = sctx.wrap_bio(s_in, s_out, server_side=True)
for _ in range(10):
    for side in (client, server):
        try:
            side.do_handshake()
        except ssl.SSLWantReadError:
            pass
    s_in.write(c_out.read())
    c_in.write(s_out.read())
server.write(b"z" * 3000)
records = []
while s_out.pending:
    header = s_out.read(5)
    length = header[3] << 8 | header[4]
    s_out.read(length)
    records.append(length)
print(len(records), max(records) <= MFL + 64)
try:
    cctx.max_fragment_length = 1000
except ValueError as e:
    print("ValueError", e)
"""


def test_max_fragment_length_makes_the_server_send_small_records(mp, pki):
    out = mp.run(MFL, CA=str(pki["ca"].cert_pem), CERT=str(pki["server_ec"].cert_pem),
                 KEY=str(pki["server_ec"].key_pem), MFL=512).lines
    assert out[:2] == ["None", "512"]
    count, small = out[2].split()
    assert int(count) >= 6 and small == "True"  # 3000 bytes in records of at most 512
    assert out[3] == "ValueError max_fragment_length must be 512, 1024, 2048, 4096 or None"


def test_getpeercert_multi_valued_rdn(mp, pki, tmp_path):
    """A subject with a multi-valued RDN (CN + O in one set) is one RDN tuple
    of two pairs in getpeercert(), exactly as CPython decodes the same cert."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    from modssl_harness.certs import Issued
    from modssl_harness.hostserver import TlsEchoServer

    ca = pki["ca"]
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.timezone.utc)
    subject = x509.Name([
        x509.RelativeDistinguishedName([x509.NameAttribute(NameOID.COUNTRY_NAME, "GB")]),
        x509.RelativeDistinguishedName([
            x509.NameAttribute(NameOID.COMMON_NAME, "localhost"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "multi valued"),
        ]),
        x509.RelativeDistinguishedName([x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "last")]),
    ])
    cert = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(ca.cert.subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .sign(ca.key, hashes.SHA256())
    )
    pem = tmp_path / "multi.crt.pem"
    pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_pem = tmp_path / "multi.key.pem"
    key_pem.write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    issued = Issued("multi", cert, key, pem, key_pem, pem, key_pem, key_pem, pem)
    expected = host_ssl._ssl._test_decode_cert(str(pem))["subject"]
    assert len(expected) == 3 and len(expected[1]) == 2  # the case itself: one RDN of two pairs
    with TlsEchoServer(issued) as server:
        out = mp.run(
            CONNECT + """
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.load_verify_locations(cafile=CA)
t = ctx.wrap_socket(connect(PORT), server_hostname="localhost")
print(repr(t.getpeercert()["subject"]))
t.close()
""",
            PORT=server.port, CA=str(ca.cert_pem),
        ).lines
    assert out == [repr(expected)]


def test_load_cert_chain_decrypts_encrypted_keys(mp, pki, tmp_path):
    # Encrypted keys as cryptography (and OpenSSL) write them: PKCS#8 PBES2
    # (PBKDF2-HMAC-SHA256, AES-256-CBC) and traditional PEM (DEK-Info
    # AES-256-CBC).  The right password loads a key that matches the
    # certificate (load_cert_chain checks); a wrong or missing one is a
    # ValueError that says so.
    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_private_key(pki["server_ec"].key_pem.read_bytes(), None)
    paths_ = {}
    for name, fmt in (("pkcs8", serialization.PrivateFormat.PKCS8),
                      ("traditional", serialization.PrivateFormat.TraditionalOpenSSL)):
        path = tmp_path / f"{name}.key.pem"
        path.write_bytes(key.private_bytes(serialization.Encoding.PEM, fmt,
                                           serialization.BestAvailableEncryption(b"s3cret")))
        paths_[name] = str(path)
    assert b"ENCRYPTED PRIVATE KEY" in (tmp_path / "pkcs8.key.pem").read_bytes()
    out = mp.run(
        """
import ssl
for name in ("pkcs8", "traditional"):
    for pwd in (b"s3cret", "s3cret", b"wrong", None):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        try:
            ctx.load_cert_chain(CERT, KEYS[name], password=pwd)
            print(name, "loaded")
        except ValueError as e:
            print(name, "refused:", e)
""",
        CERT=str(pki["server_ec"].cert_pem), KEYS=paths_,
    ).lines
    refused = "refused: keyfile: the key is encrypted and the password is missing or wrong"
    for i, name in enumerate(("pkcs8", "traditional")):
        got = out[4 * i:4 * i + 4]
        assert got[:2] == [f"{name} loaded"] * 2, out
        # A wrong password passes the padding check about one time in 256
        # (random salt/IV); the garbage then fails as a key, still refused.
        assert got[2] == f"{name} {refused}" or got[2].startswith(f"{name} refused: keyfile: invalid private key"), out
        assert got[3] == f"{name} {refused}", out
