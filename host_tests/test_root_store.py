"""The built-in root store: load_default_certs(), create_default_context().

The firmware carries Mozilla's roots (Debian's ca-certificates, pinned) in
the compact form tools/modssl_harness/roots_gen.py makes.  Chains are
verified here against synthetic stores made the same way at test time: a
bundle of `cryptography`-made roots goes through the same generator and is
swapped into the firmware's lookup (tls._roots, a test hook), so the C code
that serves the real store serves it.
"""

from __future__ import annotations

import datetime
import ipaddress

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from modssl_harness import roots_gen, sources
from modssl_harness.certs import HOSTNAME, HOST_IP


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def store_blob(tmp_path, *certs: x509.Certificate) -> bytes:
    """A store of these roots, made by the build's generator from a PEM bundle."""
    bundle = tmp_path / "store.pem"
    bundle.write_bytes(b"".join(_pem(c) for c in certs))
    return roots_gen.blob(roots_gen.roots_from([bundle]))


@pytest.fixture(scope="module")
def pinned_roots():
    return roots_gen.roots_from([sources.ca_bundle()])


# --- the pinned bundle and the generator ------------------------------------------------


@pytest.mark.filterwarnings("ignore:Parsed a serial number")  # an old root's serial is 0
def test_generator_reads_every_pinned_root_as_cryptography_does(pinned_roots):
    ders = roots_gen.read_bundle(sources.ca_bundle())
    assert len(ders) == len(pinned_roots) > 100
    for (der, label), root in zip(ders, pinned_roots):
        cert = x509.load_der_x509_certificate(der)
        assert root.subject == cert.subject.public_bytes(), label
        spki = cert.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        assert root.spki == spki, label
        assert datetime.datetime(*root.not_before, tzinfo=datetime.timezone.utc) == cert.not_valid_before_utc, label
        assert datetime.datetime(*root.not_after, tzinfo=datetime.timezone.utc) == cert.not_valid_after_utc, label
        try:
            bc = cert.extensions.get_extension_for_class(x509.BasicConstraints).value
            assert root.pathlen == bc.path_length, label
        except x509.ExtensionNotFound:
            assert root.pathlen is None, label


def test_pinned_bundle_is_cached_and_can_be_overridden(tmp_path, monkeypatch, pki):
    calls: list[list[str]] = []
    monkeypatch.setattr(sources, "_run", lambda cmd, *a, **k: calls.append(cmd))
    tree = sources.unpacked("ca-certificates")  # fetched (pinned sha256) by the build
    assert (tree / ".modssl-sha256").exists() and calls == []
    monkeypatch.setenv("MODSSL_CA_BUNDLE", str(pki["ca"].cert_pem))
    assert sources.ca_bundle() == pki["ca"].cert_pem.resolve()
    out = tmp_path / "table.c"
    assert roots_gen.generate(out, [sources.ca_bundle()]) == 1
    assert "modssl_roots_table_len" in out.read_text()
    monkeypatch.setenv("MODSSL_CA_BUNDLE", str(tmp_path / "missing.pem"))
    with pytest.raises(sources.FetchError, match="MODSSL_CA_BUNDLE"):
        sources.ca_bundle()
    monkeypatch.setenv("MODSSL_ROOT_STORE", "yes")
    with pytest.raises(roots_gen.RootError, match="give 0"):
        roots_gen.wanted(True)


LOOKUP_ALL = """
import tls
print("COUNT", tls._roots())
bad = 0
for s in SUBJECTS:
    got = tls._roots_lookup(bytes.fromhex(s))
    if not got or None in got:
        bad += 1
        print("BAD", s[:40], got)
    for der in got:
        print("DER", der.hex() if der else None)
print("BAD", bad)
"""


def test_every_pinned_root_is_served_by_the_firmware(mp, pinned_roots):
    subjects = sorted({r.subject.hex() for r in pinned_roots})
    out = mp.run(LOOKUP_ALL, SUBJECTS=subjects).lines
    unique = {(r.subject, r.spki) for r in pinned_roots}
    assert out[0] == f"COUNT {len(unique)}"
    assert out[-1] == "BAD 0", out
    served = set()
    for line in out:
        if line.startswith("DER "):
            cert = x509.load_der_x509_certificate(bytes.fromhex(line[4:]))
            spki = cert.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
            served.add((cert.subject.public_bytes(), spki))
            assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert served == unique


def test_lookup_by_subject(mp, tmp_path, pki):
    blob = store_blob(tmp_path, pki["ca"].cert, pki["ca_rsa"].cert)
    out = mp.run(
        """
import tls
print(tls._roots(BLOB))
for s in (CA, CA_RSA, OTHER):
    got = tls._roots_lookup(s)
    print(len(got), got[0].hex() if got else "")
tls._roots(None)
""",
        BLOB=blob, CA=pki["ca"].cert.subject.public_bytes(), CA_RSA=pki["ca_rsa"].cert.subject.public_bytes(),
        OTHER=pki["other_ca"].cert.subject.public_bytes(),
    ).lines
    assert out[0] == "2"
    for line, issued in zip(out[1:3], (pki["ca"], pki["ca_rsa"])):
        n, der = line.split()
        cert = x509.load_der_x509_certificate(bytes.fromhex(der))
        assert n == "1"
        assert cert.subject == issued.cert.subject
        assert cert.public_key() == issued.cert.public_key()
        assert cert.not_valid_after_utc == issued.cert.not_valid_after_utc
    assert out[3].strip() == "0"


# --- verification against a synthetic store -----------------------------------------------

CLIENT = """
import gc, socket, ssl, tls
if BLOB is not None:
    tls._roots(BLOB)
ctx = ssl.create_default_context()
if CAFILE:
    ctx.load_verify_locations(cafile=CAFILE)
heap = []
def cb(der, depth):
    heap.append(gc.mem_alloc())
ctx.verify_callback = cb
s = socket.socket()
s.connect(socket.getaddrinfo("127.0.0.1", PORT)[0][-1])
gc.collect()
gc.disable()
before = gc.mem_alloc()
try:
    t = ctx.wrap_socket(s, server_hostname=HOST)
except OSError as e:
    print("ERROR", type(e).__name__, getattr(e, "verify_code", None), e.args[1])
else:
    gc.enable()
    t.write(b"ok")
    print("CONNECTED", t.recv(2))
    t.close()
print("HEAP", heap[-1] - before if heap else 0)
"""


def connect(mp, server, blob, host="localhost", cafile=""):
    return mp.run(CLIENT, BLOB=blob, PORT=server.port, HOST=host, CAFILE=cafile).lines


def test_chain_to_a_store_root_verifies(mp, pki, tls_server, tmp_path):
    blob = store_blob(tmp_path, pki["ca_rsa"].cert, pki["ca"].cert)
    for cert in ("server_chain", "server_ec", "server_rsa"):
        out = connect(mp, tls_server(cert), blob)
        assert out[0] == "CONNECTED b'ok'", (cert, out)


def test_chain_to_an_unknown_root_fails_as_usual(mp, pki, tls_server, tmp_path):
    blob = store_blob(tmp_path, pki["ca"].cert)
    out = connect(mp, tls_server("server_unknown_ca"), blob)
    assert out[0].startswith(
        "ERROR SSLCertVerificationError 20 certificate verify failed: unable to get local issuer certificate"), out
    # A store root with the leaf's issuer name but another key: the signature is wrong.
    impostor = _root("unused", ec.generate_private_key(ec.SECP256R1()), subject=pki["ca"].cert.subject)
    blob = store_blob(tmp_path, impostor)
    out = connect(mp, tls_server("server_ec"), blob)
    assert out[0].startswith("ERROR SSLCertVerificationError 7 certificate verify failed: certificate signature failure"), out


def test_loaded_cas_are_trusted_with_the_store(mp, pki, tls_server, tmp_path):
    # With the store in use mbedTLS asks the store for every issuer: the
    # CAs of load_verify_locations() must still be found, loaded before or after.
    blob = store_blob(tmp_path, pki["ca"].cert)
    out = connect(mp, tls_server("server_unknown_ca"), blob, cafile=str(pki["other_ca"].cert_pem))
    assert out[0] == "CONNECTED b'ok'", out
    out = connect(mp, tls_server("server_ec"), blob, cafile=str(pki["other_ca"].cert_pem))
    assert out[0] == "CONNECTED b'ok'", out
    out = mp.run(
        """
import socket, ssl, tls
tls._roots(BLOB)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.load_verify_locations(cafile=CAFILE)
ctx.load_default_certs()
for port in PORTS:
    s = socket.socket()
    s.connect(socket.getaddrinfo("127.0.0.1", port)[0][-1])
    t = ctx.wrap_socket(s, server_hostname="localhost")
    t.write(b"ok")
    print(t.recv(2))
    t.close()
""",
        BLOB=blob, CAFILE=str(pki["other_ca"].cert_pem),
        PORTS=[tls_server("server_unknown_ca").port, tls_server("server_ec").port],
    ).lines
    assert out == ["b'ok'", "b'ok'"]


def _root(name: str, key, *, name_constraints: x509.NameConstraints | None = None, path_length=None, subject=None):
    now = datetime.datetime.now(datetime.timezone.utc)
    subject = subject or x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    b = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=path_length), critical=True)
    )
    if name_constraints is not None:
        b = b.add_extension(name_constraints, critical=True)
    return b.sign(key, hashes.SHA256())


def _intermediate(issuer_cert, issuer_key):
    now = datetime.datetime.now(datetime.timezone.utc)
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "store intermediate")]))
        .issuer_name(issuer_cert.subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=20))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(issuer_key, hashes.SHA256())
    )
    return cert, key


def _leaf(tmp_path, issuer_cert, issuer_key, name="leaf", chain=()):
    now = datetime.datetime.now(datetime.timezone.utc)
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOSTNAME)]))
        .issuer_name(issuer_cert.subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=10))
        .add_extension(x509.SubjectAlternativeName(
            [x509.DNSName(HOSTNAME), x509.IPAddress(ipaddress.ip_address(HOST_IP))]), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(issuer_key, hashes.SHA256())
    )
    from modssl_harness.certs import Issued

    paths = {}
    for kind, data in (
        ("cert_pem", _pem(cert)),
        ("chain_pem", _pem(cert) + b"".join(_pem(c) for c in chain)),
        ("key_pem", key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption())),
    ):
        paths[kind] = tmp_path / f"{name}.{kind}"
        paths[kind].write_bytes(data)
    return Issued(name, cert, key, paths["cert_pem"], paths["key_pem"], paths["cert_pem"], paths["key_pem"],
                  paths["key_pem"], paths["chain_pem"])


def test_name_constraints_of_a_store_root_are_enforced(mp, tmp_path):
    from modssl_harness.hostserver import TlsEchoServer

    key = ec.generate_private_key(ec.SECP256R1())
    root = _root("constrained root", key, name_constraints=x509.NameConstraints(
        permitted_subtrees=[x509.DNSName("example.org")], excluded_subtrees=None))
    blob = store_blob(tmp_path, root)
    assert roots_gen.roots_from([tmp_path / "store.pem"])[0].name_constraints
    leaf = _leaf(tmp_path, root, key)
    with TlsEchoServer(leaf) as server:
        out = connect(mp, server, blob)
    assert out[0].startswith("ERROR SSLCertVerificationError 47 certificate verify failed: permitted subtree violation"), out
    # The same root without the constraint: the chain verifies.
    root = _root("constrained root", key)
    with TlsEchoServer(_leaf(tmp_path, root, key, "leaf2")) as server:
        out = connect(mp, server, store_blob(tmp_path, root))
    assert out[0] == "CONNECTED b'ok'", out


def test_path_length_of_a_store_root_is_enforced(mp, tmp_path):
    from modssl_harness.hostserver import TlsEchoServer

    key = ec.generate_private_key(ec.SECP256R1())
    for path_length, expected in ((0, "ERROR SSLCertVerificationError 25 certificate verify failed: path length "
                                      "constraint exceeded"), (1, "CONNECTED b'ok'")):
        root = _root("pathlen root", key, path_length=path_length)
        inter, inter_key = _intermediate(root, key)
        leaf = _leaf(tmp_path, inter, inter_key, f"leaf{path_length}", chain=(inter,))
        with TlsEchoServer(leaf) as server:
            out = connect(mp, server, store_blob(tmp_path, root))
        assert out[0].startswith(expected), (path_length, out)


def test_without_a_store_load_default_certs_loads_nothing(mp, pki, tls_server):
    # What a firmware built with MODSSL_ROOT_STORE=0 does (an empty table
    # here): as CPython on a system without certificates.
    out = mp.run(
        """
import socket, ssl, tls
print(tls._roots(EMPTY))
ctx = ssl.create_default_context()
print(sorted(ctx.cert_store_stats().items()), ctx.get_ca_certs())
s = socket.socket()
s.connect(socket.getaddrinfo("127.0.0.1", PORT)[0][-1])
try:
    ctx.wrap_socket(s, server_hostname="localhost")
except ValueError as e:
    print(e)
""",
        EMPTY=roots_gen.blob([]), PORT=tls_server("server_ec").port,
    ).lines
    assert out == ["0", "[('crl', 0), ('x509', 0), ('x509_ca', 0)] []",
                   "CERT_REQUIRED needs CA certificates: call load_verify_locations() first"]


def test_verification_holds_only_the_roots_it_needs(mp, pki, tls_server, tmp_path):
    # The same handshake with a store of one root and with 40 more big
    # RSA roots of other names: the heap it holds when the leaf is checked
    # (the trust anchor is still held then) grows by less than one root.
    extra = [_root(f"extra root {i}", rsa.generate_private_key(65537, 2048)) for i in range(40)]
    small = store_blob(tmp_path, pki["ca"].cert)
    big = store_blob(tmp_path, pki["ca"].cert, *extra)
    assert len(big) - len(small) > 40 * 300
    server = tls_server("server_ec")
    out_small = connect(mp, server, small)
    out_big = connect(mp, server, big)
    assert out_small[0] == out_big[0] == "CONNECTED b'ok'"
    held_small = int(out_small[-1].split()[1])
    held_big = int(out_big[-1].split()[1])
    print(f"heap held at the leaf's check: {held_small} B (1 root), {held_big} B (41 roots); "
          f"tables {len(small)} and {len(big)} B")
    assert held_small > 0
    assert abs(held_big - held_small) < 512, (held_small, held_big)


# --- the API, with the firmware's own store ----------------------------------------------------

API = """
import gc, ssl, tls
def heap():
    gc.collect()
    return gc.mem_alloc()
ctxs = [ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT) for i in range(10)]
b = heap()
for ctx in ctxs:
    ctx.load_default_certs()
print("HEAP", heap() - b)
print("STATS", sorted(ctx.cert_store_stats().items()))
plain = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
print("PLAIN", sorted(plain.cert_store_stats().items()), plain.get_ca_certs())
d = ssl.create_default_context()
print("DEFAULT", d.verify_mode == ssl.CERT_REQUIRED, d.check_hostname, d.cert_store_stats()["x509_ca"])
e = ssl.create_default_context(cafile=CAFILE)
print("CAFILE", sorted(e.cert_store_stats().items()))
f = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
print("SERVER", f.verify_mode == ssl.CERT_NONE, f.cert_store_stats()["x509_ca"])
certs = d.get_ca_certs()
print("CERTS", len(certs), sorted(certs[0]))
print("DER", len(d.get_ca_certs(binary_form=True)))
for bad in (5, "nonsense"):
    try:
        ctx.load_default_certs(bad)
    except (TypeError, ValueError) as exc:
        print(type(exc).__name__, exc)
"""


def test_api_as_cpython(mp, pki, pinned_roots):
    n = len({(r.subject, r.spki) for r in pinned_roots})
    out = dict(line.split(" ", 1) for line in mp.run(API, CAFILE=str(pki["ca"].cert_pem)).lines if " " in line)
    assert int(out["HEAP"]) < 64  # ten contexts load the store: no heap (but the collector's noise)
    assert out["STATS"] == f"[('crl', 0), ('x509', {n}), ('x509_ca', {n})]"
    assert out["PLAIN"] == "[('crl', 0), ('x509', 0), ('x509_ca', 0)] []"
    assert out["DEFAULT"] == f"True True {n}"
    assert out["CAFILE"] == "[('crl', 0), ('x509', 1), ('x509_ca', 1)]"  # CPython: cafile instead of the store
    assert out["SERVER"] == "True 0"
    assert out["CERTS"] == f"{n} ['issuer', 'notAfter', 'notBefore', 'subject', 'version']"
    assert out["DER"] == str(n)
    assert out["TypeError"].startswith("purpose must be")
    assert out["ValueError"].startswith("purpose must be")


def test_get_ca_certs_shows_store_and_loaded_cas(mp, pki, tmp_path):
    blob = store_blob(tmp_path, pki["ca"].cert)
    out = mp.run(
        """
import ssl, tls
tls._roots(BLOB)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.load_verify_locations(cafile=CAFILE)
ctx.load_default_certs()
print(sorted(ctx.cert_store_stats().items()))
for c in ctx.get_ca_certs():
    print(sorted(c.items()))
for der in ctx.get_ca_certs(True):
    print(der.hex())
""",
        BLOB=blob, CAFILE=str(pki["other_ca"].cert_pem),
    ).lines
    assert out[0] == "[('crl', 0), ('x509', 2), ('x509_ca', 2)]"
    assert "an unrelated root" in out[1]
    assert "modssl test root EC" in out[2]
    # A store root's dict is CPython's for the same certificate, but for the serial number.
    import ssl as host_ssl

    cpython = host_ssl.SSLContext(host_ssl.PROTOCOL_TLS_CLIENT)
    cpython.load_verify_locations(cafile=str(pki["ca"].cert_pem))
    want = cpython.get_ca_certs()[0]
    del want["serialNumber"]
    assert out[2] == str(sorted(want.items()))
    loaded = x509.load_der_x509_certificate(bytes.fromhex(out[3]))
    stored = x509.load_der_x509_certificate(bytes.fromhex(out[4]))
    assert loaded == pki["other_ca"].cert  # a loaded CA as given
    assert stored.subject == pki["ca"].cert.subject  # a store root: its name and key, not its signature
    assert stored.public_key() == pki["ca"].cert.public_key()


def test_pyopenssl_set_default_verify_paths_trusts_the_store(mp, pki, tls_server, tmp_path):
    blob = store_blob(tmp_path, pki["ca"].cert)
    script = """
import socket, tls
from OpenSSL import SSL
tls._roots(BLOB)
ctx = SSL.Context(SSL.TLS_CLIENT_METHOD)
ctx.set_verify(SSL.VERIFY_PEER)
if DEFAULT_PATHS:
    ctx.set_default_verify_paths()
s = socket.socket()
s.connect(socket.getaddrinfo("127.0.0.1", PORT)[0][-1])
c = SSL.Connection(ctx, s)
c.set_connect_state()
c.set_tlsext_host_name(b"localhost")
try:
    c.do_handshake()
    print("OK", c.get_peer_certificate().get_subject().CN)
except SSL.Error as e:
    print("ERROR", e)
"""
    server = tls_server("server_ec")
    assert mp.run(script, BLOB=blob, PORT=server.port, DEFAULT_PATHS=True).lines == ["OK localhost"]
    out = mp.run(script, BLOB=blob, PORT=server.port, DEFAULT_PATHS=False).lines
    assert out[0].startswith("ERROR") and "no CA certificates" in out[0], out


@pytest.mark.no_asan  # sizes of the plain build: the sanitizers' code is larger
def test_bench_reports_the_flash_the_store_takes(firmware, pinned_roots):
    from modssl_harness.benchmarks import sizes

    cell = sizes.root_store_size(firmware)
    table = len(roots_gen.blob(pinned_roots))
    assert table < cell.value < table + 16_000  # the table, and the lookup code


STORE_SERVER = """
import ssl, tls
from listening import listen
tls._roots(BLOB)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(CERT, KEY)
ctx.load_default_certs(ssl.Purpose.CLIENT_AUTH)
ctx.verify_mode = ssl.CERT_REQUIRED
s, port = listen(1)
print(port)
for i in range(3):
    c, addr = s.accept()
    try:
        t = ctx.wrap_socket(c, server_side=True)
    except OSError as e:
        print("HANDSHAKE-ERROR", getattr(e, "verify_code", None), e.args[1])
        c.close()
        continue
    print("PEER", dict(x[0] for x in t.getpeercert()["subject"])["commonName"])
    t.write(t.recv(2))
    t.close()
"""


def test_server_verifies_client_certificates_with_the_store(mp, pki, tmp_path):
    import socket
    import ssl as host_ssl

    # The store holds the client's CA (ca), not other_ca's.
    bg = mp.start(STORE_SERVER, BLOB=store_blob(tmp_path, pki["ca"].cert),
                  CERT=str(pki["server_ec"].chain_pem), KEY=str(pki["server_ec"].key_pem))
    port = int(bg.first_line)
    # TLS 1.2 too: its CertificateRequest names no CA in mbedTLS's callback mode.
    for client, version in (("client_ec", None), ("client_ec", host_ssl.TLSVersion.TLSv1_2),
                            ("client_unknown_ca", None)):
        ctx = host_ssl.create_default_context(cafile=str(pki["ca"].cert_pem))
        ctx.load_cert_chain(pki[client].cert_pem, pki[client].key_pem)
        if version:
            ctx.maximum_version = version
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=20) as raw:
                with ctx.wrap_socket(raw, server_hostname="localhost") as t:
                    t.sendall(b"ok")
                    t.recv(2)
        except (OSError, host_ssl.SSLError):
            pass  # the refused client learns it at its first read (TLS 1.3)
    out = bg.finish().stdout.splitlines()
    assert out[0] == out[1] == "PEER device-client", out
    assert out[2].startswith("HANDSHAKE-ERROR 20 certificate verify failed: unable to get local issuer certificate"), out


def test_a_loaded_self_signed_server_certificate_is_trusted_with_the_store(mp, pki, tmp_path):
    # A server certificate that is its own issuer (not a CA), loaded as the
    # CA to trust: trusted with or without the store in use (mbedTLS trusts
    # such a certificate by exact match; patch 0030 does it in callback mode too).
    from modssl_harness.hostserver import TlsEchoServer

    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.timezone.utc)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOSTNAME)])
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=10))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(HOSTNAME)]), critical=False)
        .sign(key, hashes.SHA256())
    )
    pem = tmp_path / "self.pem"
    pem.write_bytes(_pem(cert))
    keyfile = tmp_path / "self.key"
    keyfile.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    from modssl_harness.certs import Issued

    leaf = Issued("self", cert, key, pem, keyfile, pem, keyfile, keyfile, pem)
    blob = store_blob(tmp_path, pki["ca"].cert)
    with TlsEchoServer(leaf) as server:
        for store in (False, True):
            out = mp.run(
                """
import socket, ssl, tls
tls._roots(BLOB)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.load_verify_locations(cafile=CAFILE)
if STORE:
    ctx.load_default_certs()
s = socket.socket()
s.connect(socket.getaddrinfo("127.0.0.1", PORT)[0][-1])
try:
    t = ctx.wrap_socket(s, server_hostname="localhost")
except OSError as e:
    print("ERROR", e.args[1])
else:
    t.write(b"ok")
    print("CONNECTED", t.recv(2))
    t.close()
""",
                BLOB=blob, CAFILE=str(pem), STORE=store, PORT=server.port,
            ).lines
            assert out == ["CONNECTED b'ok'"], (store, out)


def test_loaded_ca_found_by_mbedtls_name_rules_with_the_store(mp, tmp_path):
    # The leaf's issuer names its CA in another string type and case
    # (UTF8String "Mixed Case CA" for PrintableString "MIXED CASE CA"):
    # mbedTLS's name rules match them, with or without the store in use.
    from cryptography.x509.name import _ASN1Type
    from modssl_harness.hostserver import TlsEchoServer

    key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "MIXED CASE CA", _type=_ASN1Type.PrintableString)])
    ca = _root("unused", key, subject=ca_name)
    (tmp_path / "ca.pem").write_bytes(_pem(ca))
    issuer_view = x509.CertificateBuilder().subject_name(
        x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Mixed Case CA", _type=_ASN1Type.UTF8String)]))
    leaf_issuer = type("C", (), {"subject": issuer_view._subject_name})()
    leaf = _leaf(tmp_path, leaf_issuer, key, "mixed")
    assert leaf.cert.issuer.public_bytes() != ca.subject.public_bytes()
    with TlsEchoServer(leaf) as server:
        # An empty store: mbedTLS's list mode; a store with a root: callback mode.
        other = _root("another root", ec.generate_private_key(ec.SECP256R1()))
        for blob in (roots_gen.blob([]), store_blob(tmp_path, other)):
            out = connect(mp, server, blob, cafile=str(tmp_path / "ca.pem"))
            assert out[0] == "CONNECTED b'ok'", (len(blob), out)


def test_a_ca_loaded_twice_is_kept_once_as_cpython(mp, pki):
    """Loading the same CA again (a file, then the same PEM as cadata, then
    its DER) adds nothing: the counts are CPython's and the heap stays."""
    import ssl as host_ssl

    ca_pem = pki["ca"].cert_pem
    other_pem = pki["other_ca"].cert_pem
    host = host_ssl.SSLContext(host_ssl.PROTOCOL_TLS_CLIENT)
    host.load_verify_locations(cafile=str(ca_pem))
    host.load_verify_locations(cafile=str(ca_pem))
    host.load_verify_locations(cadata=ca_pem.read_text())
    host.load_verify_locations(cadata=host_ssl.PEM_cert_to_DER_cert(ca_pem.read_text()))
    host.load_verify_locations(cafile=str(other_pem))
    expected = sorted(host.cert_store_stats().items())
    out = mp.run(
        """
import binascii, gc, ssl
def heap():
    gc.collect()
    return gc.mem_alloc()
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.load_verify_locations(cafile=CA)
pem = open(CA).read()
der = binascii.a2b_base64("".join(pem.strip().splitlines()[1:-1]))
before = heap()
ctx.load_verify_locations(cafile=CA)
ctx.load_verify_locations(cadata=pem)
ctx.load_verify_locations(cadata=der)
print("HEAP", heap() - before)
ctx.load_verify_locations(cafile=OTHER)
print("STATS", sorted(ctx.cert_store_stats().items()))
print("CERTS", len(ctx.get_ca_certs()))
""",
        CA=str(ca_pem), OTHER=str(other_pem),
    ).lines
    assert out[1] == f"STATS {expected}" == "STATS [('crl', 0), ('x509', 2), ('x509_ca', 2)]"
    assert out[2] == "CERTS 2"
    assert int(out[0].split()[1]) < 64, out  # the repeats hold nothing (a CA held would be ~600 B)
