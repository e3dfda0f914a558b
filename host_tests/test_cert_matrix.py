"""Certificate verdicts against CPython's ssl, case by case (RFC 5280, 6125, 2818).

Every case builds its certificates with `cryptography`, serves them from a
CPython ssl server on 127.0.0.1, and connects to it twice: with CPython's ssl
client and with modssl (one firmware process runs all cases).  Each side must
reach the expected verdict -- success, or SSLCertVerificationError with the
expected verify_code -- so modssl agrees with CPython/OpenSSL, except in the
deviations the case names (and docs/certificates.md explains).
"""

from __future__ import annotations

import datetime
import functools
import ipaddress
import os
import socket
import ssl
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

NOW = datetime.datetime.now(datetime.timezone.utc)
DAY = datetime.timedelta(days=1)
UNKNOWN_OID = x509.ObjectIdentifier("1.3.6.1.4.1.55555.1.2")
LAST = object()  # in a case's chain: the intermediate made for its leaf


def _key(kind="ec"):
    if kind == "rsa":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    if kind == "ed25519":
        return ed25519.Ed25519PrivateKey.generate()
    return ec.generate_private_key(ec.SECP256R1())


@dataclass
class Cert:
    cert: x509.Certificate
    key: object


def make(cn, issuer: Cert | None = None, *, key=None, ca=None, pathlen=None, san=None, before=-1, after=30,
         eku=None, ku=None, extra=(), hash_alg=hashes.SHA256, issuer_name=None) -> Cert:
    """One certificate.  ca: True/False for basicConstraints (None: leave it out);
    san: list of str (DNS) / ipaddress objects, [] for none; before/after: days from now."""
    key = key or _key()
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name or (issuer.cert.subject if issuer else subject))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW + before * DAY)
        .not_valid_after(NOW + after * DAY)
    )
    if ca is not None:
        builder = builder.add_extension(x509.BasicConstraints(ca=ca, path_length=pathlen), critical=True)
    if san:
        names = [x509.IPAddress(n) if isinstance(n, (ipaddress.IPv4Address, ipaddress.IPv6Address)) else x509.DNSName(n)
                 for n in san]
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    if eku is not None:
        builder = builder.add_extension(x509.ExtendedKeyUsage(eku), critical=False)
    if ku is not None:
        flags = dict(digital_signature=False, content_commitment=False, key_encipherment=False,
                     data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
                     encipher_only=False, decipher_only=False)
        flags.update({k: True for k in ku})
        builder = builder.add_extension(x509.KeyUsage(**flags), critical=True)
    for ext, critical in extra:
        builder = builder.add_extension(ext, critical=critical)
    signer = issuer.key if issuer else key
    algorithm = None if isinstance(signer, ed25519.Ed25519PrivateKey) else hash_alg()
    return Cert(builder.sign(signer, algorithm), key)


def ca(cn, issuer=None, **kw):
    kw.setdefault("ca", True)
    kw.setdefault("ku", ("key_cert_sign", "crl_sign"))
    return make(cn, issuer, **kw)


@dataclass
class Case:
    name: str
    chain: list              # what the server sends: leaf first
    host: str = "localhost"
    expect: object = "ok"    # "ok", a verify_code, or "ValueError" (refused before connecting)
    cpython: object = None   # CPython's verdict when it differs (a documented deviation)
    trust: Cert | None = None  # the CA the clients trust (default: the root)
    tls12: bool = False
    weak: bool = False       # the CPython server needs @SECLEVEL=0 to serve it


@functools.lru_cache(maxsize=None)
def build_cases() -> tuple[list[Case], Cert]:
    root = ca("Matrix Root")
    other_root = ca("Other Root")
    inter = ca("Matrix Intermediate", root)

    def leaf(san=("localhost",), issuer=root, cn="localhost", **kw):
        return make(cn, issuer, san=list(san), **kw)

    v4, v6 = ipaddress.ip_address("127.0.0.1"), ipaddress.ip_address("::1")
    forged = make("localhost", None, san=["localhost"], issuer_name=root.cert.subject)  # root's name, wrong key
    unknown_ext = (x509.UnrecognizedExtension(UNKNOWN_OID, b"\x05\x00"), True)
    unknown_ext_soft = (x509.UnrecognizedExtension(UNKNOWN_OID, b"\x05\x00"), False)
    nc = (x509.NameConstraints(permitted_subtrees=[x509.DNSName("localhost")], excluded_subtrees=None), True)
    int_ca_false = ca("Not A CA", root, ca=False, ku=("digital_signature",))
    int_no_bc = ca("No Basic Constraints", root, ca=None)
    int_no_certsign = ca("No keyCertSign", root, ku=("digital_signature", "crl_sign"))
    int_pathlen0 = ca("Pathlen 0", root, pathlen=0)
    int_below_pathlen0 = ca("Below Pathlen 0", int_pathlen0)
    root_pathlen0 = ca("Root Pathlen 0", pathlen=0)
    int_under_root_pathlen0 = ca("Under Root Pathlen 0", root_pathlen0)
    root_expired = ca("Expired Root", before=-30, after=-1)
    root_future = ca("Future Root", before=1, after=30)
    int_expired = ca("Expired Intermediate", root, before=-30, after=-1)
    int_future = ca("Future Intermediate", root, before=1, after=30)
    int_unknown_ext = ca("Intermediate With Unknown Extension", root, extra=[unknown_ext])
    int_nc = ca("Name Constrained Intermediate", root, extra=[nc])
    last = []

    def nc_int(tag, permitted=None, excluded=None):
        """An intermediate with name constraints; LAST in a chain stands for it."""
        def general(n):
            if isinstance(n, x509.Name):
                return x509.DirectoryName(n)
            if isinstance(n, x509.GeneralName):
                return n
            if isinstance(n, (ipaddress.IPv4Network, ipaddress.IPv6Network)):
                return x509.IPAddress(n)
            return x509.DNSName(n)
        ext = x509.NameConstraints(permitted_subtrees=[general(n) for n in permitted] if permitted else None,
                                   excluded_subtrees=[general(n) for n in excluded] if excluded else None)
        cert = ca(f"NC {tag}", root, extra=[(ext, True)])
        last.append(cert)
        return cert

    nc_root = ca("NC Root", extra=[(x509.NameConstraints(permitted_subtrees=[x509.DNSName("example.test")],
                                                         excluded_subtrees=None), True)])
    rsa_root = ca("RSA Root", key=_key("rsa"))
    ed_inter = ca("Ed25519 Intermediate", root, key=_key("ed25519"))

    def c(name, chain, **kw):
        return Case(name, [last[-1] if x is LAST else x for x in chain], **kw)

    cases = [
        # --- names (RFC 6125, RFC 2818) ---
        c("dns_exact", [leaf()]),
        c("dns_case_insensitive", [leaf(san=["LocalHost"])]),
        c("dns_mismatch", [leaf(san=["other.test"])], expect=62),
        c("wildcard_one_label", [leaf(san=["*.example.test"])], host="a.example.test"),
        c("wildcard_case", [leaf(san=["*.EXAMPLE.test"])], host="a.example.TEST"),
        c("wildcard_not_two_labels", [leaf(san=["*.example.test"])], host="a.b.example.test", expect=62),
        c("wildcard_not_bare_domain", [leaf(san=["*.example.test"])], host="example.test", expect=62),
        c("wildcard_above_tld", [leaf(san=["*.test"])], host="www.test", expect=62),
        c("wildcard_partial_label", [leaf(san=["w*.example.test"])], host="www.example.test", expect=62),
        c("wildcard_not_leftmost", [leaf(san=["a.*.example.test"])], host="a.b.example.test", expect=62),
        c("wildcard_label_charset", [leaf(san=["*.example.test"])], host="a_b.example.test", expect=62),
        c("wildcard_a_label", [leaf(san=["*.example.test"])], host="xn--bcher-kva.example.test"),
        c("wildcard_never_ip", [leaf(san=["*.0.0.1"])], host="127.0.0.1", expect=64),
        c("ip_not_in_dns_san", [leaf(san=["127.0.0.1"])], host="127.0.0.1", expect=64),
        c("ip_san", [leaf(san=[v4])], host="127.0.0.1"),
        c("ip_san_mismatch", [leaf(san=[ipaddress.ip_address("10.0.0.1")])], host="127.0.0.1", expect=64),
        c("ip_never_cn", [make("127.0.0.1", root)], host="127.0.0.1", expect=64),
        c("ipv6_san", [leaf(san=[v6])], host="::1"),
        c("ipv6_san_mismatch", [leaf(san=[ipaddress.ip_address("::2")])], host="::1", expect=64),
        c("ipv4_mapped_is_not_ipv4", [leaf(san=[v4])], host="::ffff:127.0.0.1", expect=64),
        c("dns_name_not_ip_san", [leaf(san=[v4])], host="localhost", expect=62, cpython="ok"),
        c("cn_without_san", [make("localhost", root)]),
        c("cn_ignored_with_dns_san", [leaf(san=["other.test"], cn="localhost")], expect=62),
        c("idna_a_label", [leaf(san=["xn--bcher-kva.example"])], host="xn--bcher-kva.example"),
        c("idna_u_label_refused", [leaf(san=["xn--bcher-kva.example"])], host="b\u00fccher.example",
          expect="ValueError", cpython="ok"),
        # --- validity at each position of the chain ---
        c("leaf_expired", [leaf(before=-30, after=-1)], expect=10),
        c("leaf_not_yet_valid", [leaf(before=1, after=30)], expect=9),
        c("intermediate_expired", [leaf(issuer=int_expired), int_expired], expect=10),
        c("intermediate_not_yet_valid", [leaf(issuer=int_future), int_future], expect=9),
        c("root_expired", [leaf(issuer=root_expired)], trust=root_expired, expect=10),
        c("root_not_yet_valid", [leaf(issuer=root_future)], trust=root_future, expect=9),
        # --- chain building ---
        c("chain_ok", [leaf(issuer=inter), inter]),
        c("intermediate_missing", [leaf(issuer=inter)], expect=20),
        c("unknown_ca", [leaf(issuer=other_root)], expect=20),
        c("self_signed_leaf", [make("localhost", None, san=["localhost"])], expect=18),
        c("untrusted_root_in_chain", [leaf(issuer=other_root), other_root], expect=19),
        c("bad_signature", [forged], expect=7),
        c("intermediate_ca_false", [leaf(issuer=int_ca_false), int_ca_false], expect=79),
        c("intermediate_without_basic_constraints", [leaf(issuer=int_no_bc), int_no_bc], expect=79),
        c("intermediate_without_keycertsign", [leaf(issuer=int_no_certsign), int_no_certsign], expect=79),
        c("pathlen0_one_below_ok", [leaf(issuer=int_pathlen0), int_pathlen0]),
        c("pathlen0_exceeded", [leaf(issuer=int_below_pathlen0), int_below_pathlen0, int_pathlen0], expect=25),
        c("root_pathlen0_exceeded", [leaf(issuer=int_under_root_pathlen0), int_under_root_pathlen0],
          trust=root_pathlen0, expect=25),
        # --- purpose: EKU and keyUsage ---
        c("eku_server", [leaf(eku=[ExtendedKeyUsageOID.SERVER_AUTH])]),
        c("eku_any_alone", [leaf(eku=[ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE])], expect=26),
        c("eku_any_and_server", [leaf(eku=[ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE, ExtendedKeyUsageOID.SERVER_AUTH])]),
        c("eku_client_only", [leaf(eku=[ExtendedKeyUsageOID.CLIENT_AUTH])], expect=26),
        c("eku_client_only_tls12", [leaf(eku=[ExtendedKeyUsageOID.CLIENT_AUTH])], expect=26, tls12=True),
        c("ku_digital_signature", [leaf(ku=("digital_signature",))]),
        c("ku_without_digital_signature", [leaf(ku=("key_cert_sign",))], expect=26),
        c("intermediate_ca_false_tls12", [leaf(issuer=int_ca_false), int_ca_false], expect=79, tls12=True),
        c("ip_san_mismatch_tls12", [leaf(san=[ipaddress.ip_address("10.0.0.1")])], host="127.0.0.1", expect=64,
          tls12=True),
        # --- extensions ---
        c("unknown_noncritical_extension", [leaf(extra=[unknown_ext_soft])]),
        c("unknown_critical_extension", [leaf(extra=[unknown_ext])], expect=34),
        c("unknown_critical_extension_tls12", [leaf(extra=[unknown_ext])], expect=34, tls12=True),
        c("unknown_critical_extension_intermediate", [leaf(issuer=int_unknown_ext), int_unknown_ext], expect=34),
        # --- name constraints (RFC 5280 4.2.1.10), on an intermediate or the root ---
        c("nc_permitted_dns", [leaf(issuer=int_nc), int_nc]),
        c("nc_permitted_dns_subdomain", [leaf(san=["a.example.test"], issuer=nc_int("ex.", permitted=["example.test"])),
                                         LAST], host="a.example.test"),
        c("nc_permitted_dns_violation", [leaf(san=["other.test"], issuer=nc_int("viol", permitted=["example.test"])),
                                         LAST], host="other.test", expect=47),
        c("nc_permitted_not_a_suffix_label", [leaf(san=["badexample.test"],
                                                   issuer=nc_int("suffix", permitted=["example.test"])), LAST],
          host="badexample.test", expect=47),
        c("nc_excluded_dns", [leaf(san=["x.bad.test"], issuer=nc_int("excl", excluded=["bad.test"])), LAST],
          host="x.bad.test", expect=48),
        c("nc_excluded_other_dns_ok", [leaf(issuer=nc_int("excl ok", excluded=["bad.test"])), LAST]),
        c("nc_permitted_ip", [leaf(san=[v4], issuer=nc_int("ip", permitted=[ipaddress.ip_network("127.0.0.0/8")])),
                              LAST], host="127.0.0.1"),
        c("nc_permitted_ip_violation", [leaf(san=[v4], issuer=nc_int("ip viol", permitted=[
            ipaddress.ip_network("10.0.0.0/8")])), LAST], host="127.0.0.1", expect=47),
        c("nc_excluded_ipv6", [leaf(san=[v6], issuer=nc_int("ip6", excluded=[ipaddress.ip_network("::1/128")])), LAST],
          host="::1", expect=48),
        c("nc_dns_constraint_leaves_ip_alone", [leaf(san=[v4], issuer=nc_int("dns only", permitted=["example.test"])),
                                                LAST], host="127.0.0.1"),
        c("nc_cn_used_as_name", [make("other.test", nc_int("cn", permitted=["example.test"])), LAST],
          host="other.test", expect=47),
        c("nc_directory_name_ok", [leaf(issuer=nc_int("dn", permitted=[x509.Name([
            x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])])), LAST]),
        c("nc_directory_name_violation", [leaf(issuer=nc_int("dn viol", permitted=[x509.Name([
            x509.NameAttribute(NameOID.COMMON_NAME, "elsewhere")])])), LAST], expect=47),
        c("nc_email_constraint_no_email_name", [leaf(issuer=nc_int("mail", permitted=[x509.RFC822Name("example.test")])),
                                                LAST]),
        c("nc_on_trusted_root", [leaf(san=["other.test"], issuer=nc_root), ], host="other.test", trust=nc_root,
          expect=47),
        # --- keys and signatures ---
        c("rsa_chain", [leaf(issuer=rsa_root, key=_key("rsa"))], trust=rsa_root),
        c("rsa_chain_tls12", [leaf(issuer=rsa_root, key=_key("rsa"))], trust=rsa_root, tls12=True),
        c("ed25519_intermediate_unsupported", [leaf(issuer=ed_inter), ed_inter], expect=76, cpython="ok"),
    ]
    return cases, root


def write_pem(path: Path, certs) -> Path:
    path.write_bytes(b"".join(x.cert.public_bytes(serialization.Encoding.PEM) for x in certs))
    return path


class Server:
    """A CPython TLS server for one case: accepts until closed."""

    def __init__(self, chain_pem: Path, key_pem: Path, weak: bool):
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        if weak:
            self.ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
        self.ctx.load_cert_chain(chain_pem, key_pem)
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            try:
                conn.settimeout(20)
                with self.ctx.wrap_socket(conn, server_side=True) as tls:
                    while tls.recv(1024):
                        pass
            except (OSError, ssl.SSLError):
                pass
            finally:
                conn.close()

    def close(self):
        self.sock.close()


def cpython_verdict(case: Case, port: int, cafile: Path):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(cafile=cafile)
    if case.tls12:
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    if case.weak:
        ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=20) as s:
            with ctx.wrap_socket(s, server_hostname=case.host):
                return "ok"
    except ssl.SSLCertVerificationError as e:
        return e.verify_code
    except ValueError:
        return "ValueError"
    except ssl.SSLError as e:
        return f"SSLError {e.reason}"


MODSSL_CLIENT = """
import socket, ssl
for name, port, host, cafile, tls12 in CASES:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(cafile=cafile)
    if tls12:
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    s = socket.socket()
    s.connect(socket.getaddrinfo("127.0.0.1", port)[0][-1])
    try:
        t = ctx.wrap_socket(s, server_hostname=host)
    except ssl.SSLCertVerificationError as e:
        print("CASE", name, e.verify_code, repr(e.verify_message), repr(str(e)))
    except ValueError as e:
        print("CASE", name, "ValueError", repr(str(e)))
    except OSError as e:
        print("CASE", name, "OSError", repr(e.args))
    else:
        print("CASE", name, "ok")
        t.close()
        continue
    s.close()
print("DONE")
"""


@pytest.fixture(scope="module")
def verdicts(firmware, tmp_path_factory):
    from conftest import MicroPython

    tmp = tmp_path_factory.mktemp("matrix")
    cases, root = build_cases()
    servers, params, results = [], [], {}
    try:
        for case in cases:
            chain = write_pem(tmp / f"{case.name}.chain.pem", case.chain)
            key = tmp / f"{case.name}.key.pem"
            key.write_bytes(case.chain[0].key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
            cafile = write_pem(tmp / f"{case.name}.ca.pem", [case.trust or root])
            server = Server(chain, key, case.weak)
            servers.append(server)
            results[case.name] = {"case": case, "cpython": cpython_verdict(case, server.port, cafile)}
            params.append((case.name, server.port, case.host, str(cafile), case.tls12))
        mp = MicroPython(firmware, tmp)
        out = mp.run(MODSSL_CLIENT, timeout=300, CASES=params)
    finally:
        for server in servers:
            server.close()
    assert out.lines[-1] == "DONE", out.stdout
    for line in out.lines[:-1]:
        _, name, verdict, *rest = line.split(" ", 3)
        results[name]["modssl"] = int(verdict) if verdict.isdigit() else verdict
        results[name]["text"] = line
    if os.environ.get("MODSSL_MATRIX_SHOW"):
        print("\n".join(r.get("text", "") for r in results.values()))
    return results


CASE_NAMES = [c.name for c in build_cases()[0]]


def test_matrix_is_big_enough():
    assert len(CASE_NAMES) >= 40


@pytest.mark.parametrize("name", CASE_NAMES)
def test_verdict(verdicts, name):
    r = verdicts[name]
    case = r["case"]
    expected_cpython = case.expect if case.cpython is None else case.cpython
    if r["cpython"] != expected_cpython:
        pytest.fail(f"CPython: {r['cpython']!r}, expected {expected_cpython!r} (the case itself is wrong?)")
    if r.get("modssl") != case.expect:
        pytest.fail(f"modssl, expected {case.expect!r}: {r.get('text')}")
    if isinstance(case.expect, int):
        # The message says what is wrong, never in mbedTLS's words.
        assert "X509 - " not in r["text"] and "SSL - " not in r["text"], r["text"]


CA_LOADING = """
import ssl
for name in NAMES:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    try:
        ctx.load_verify_locations(cafile=DIR + "/" + name)
        print(name, "loaded")
    except ValueError as e:
        print(name, "ValueError", e)
"""


def test_ca_data_problems_name_the_certificate(mp, tmp_path):
    """Unparseable CA data says which certificate of the file and why; a CA
    this firmware cannot use (Ed25519, a critical extension it does not
    handle) is skipped, unless it is the only one."""
    root, ed_root = ca("Good Root"), ca("Ed25519 Root", key=_key("ed25519"))
    unknown = ca("Unknown Extension Root", extra=[(x509.UnrecognizedExtension(UNKNOWN_OID, b"\x05\x00"), True)])
    good = root.cert.public_bytes(serialization.Encoding.PEM)
    broken = good.replace(good[100:104], b"AAAA")  # base64 still, DER no longer
    files = {
        "good.pem": good,
        "broken_second.pem": good + broken,
        "bad_base64.pem": good + b"-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n",
        "skips_unusable.pem": ed_root.cert.public_bytes(serialization.Encoding.PEM) + good,
        "only_ed25519.pem": ed_root.cert.public_bytes(serialization.Encoding.PEM),
        "only_unknown_ext.pem": unknown.cert.public_bytes(serialization.Encoding.PEM),
        "no_certificate.pem": b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
        "not_der.der": b"hello",
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    out = dict(line.split(" ", 1) for line in mp.run(CA_LOADING, NAMES=list(files), DIR=str(tmp_path)).lines)
    assert out["good.pem"] == "loaded"
    assert out["broken_second.pem"].startswith("ValueError cafile: certificate 2 (PEM): it cannot be parsed")
    assert out["bad_base64.pem"].startswith("ValueError cafile: certificate 2 (PEM): bad PEM encoding")
    assert out["skips_unusable.pem"] == "loaded"
    assert out["only_ed25519.pem"] == ("ValueError cafile: no usable certificate (certificate 1: it is signed "
                                       "with an algorithm this firmware does not support (e.g. Ed25519))")
    assert out["only_unknown_ext.pem"] == ("ValueError cafile: no usable certificate (certificate 1: critical "
                                           "extension 1.3.6.1.4.1.55555.1.2 is not supported)")
    assert out["no_certificate.pem"] == "ValueError cafile: no certificate in it (PEM or DER expected)"
    assert out["not_der.der"].startswith("ValueError cafile: certificate 1 (DER): it cannot be parsed (bad format")


SNI_CLIENT = """
import socket, ssl
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.load_verify_locations(cafile=CA)
for host in ("localhost", "127.0.0.1"):
    s = socket.socket()
    s.connect(socket.getaddrinfo("127.0.0.1", PORT)[0][-1])
    t = ctx.wrap_socket(s, server_hostname=host)
    t.write(b"x")
    print(t.read(1))
    t.close()
"""


def test_ip_address_is_not_sent_as_sni(mp, tmp_path):
    """RFC 6066 3: a literal IP address is not a server_name; the name is still verified."""
    root = ca("SNI Root")
    cert = make("localhost", root, san=["localhost", ipaddress.ip_address("127.0.0.1")])
    chain, key, cafile = tmp_path / "chain.pem", tmp_path / "key.pem", tmp_path / "ca.pem"
    write_pem(chain, [cert])
    write_pem(cafile, [root])
    key.write_bytes(cert.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    names = []
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(chain, key)
    ctx.sni_callback = lambda sock, name, c: names.append(name)
    listener = socket.create_server(("127.0.0.1", 0))

    def serve():
        for _ in range(2):
            conn, _ = listener.accept()
            with ctx.wrap_socket(conn, server_side=True) as tls:
                tls.sendall(tls.recv(1))

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        out = mp.run(SNI_CLIENT, PORT=listener.getsockname()[1], CA=str(cafile)).lines
    finally:
        thread.join(10)
        listener.close()
    assert out == ["b'x'", "b'x'"]
    assert names == ["localhost", None]
