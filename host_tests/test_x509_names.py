"""X.509 attribute names come from the C module's one table: getpeercert()
(CPython's names) and OpenSSL.crypto's X509Name (pyOpenSSL's short and long
names) for a certificate whose subject has every attribute in that table."""

from __future__ import annotations

import ast
import datetime
import socket
import ssl
import threading

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from OpenSSL import crypto

ATTRS = [
    (NameOID.COUNTRY_NAME, "GB"),
    (NameOID.STATE_OR_PROVINCE_NAME, "Kent"),
    (NameOID.LOCALITY_NAME, "Canterbury"),
    (NameOID.ORGANIZATION_NAME, "modssl tests"),
    (NameOID.ORGANIZATIONAL_UNIT_NAME, "names"),
    (NameOID.DOMAIN_COMPONENT, "example"),
    (NameOID.SURNAME, "Lovelace"),
    (NameOID.GIVEN_NAME, "Ada"),
    (NameOID.SERIAL_NUMBER, "42"),
    (NameOID.EMAIL_ADDRESS, "ada@example.com"),
    (NameOID.TITLE, "Countess"),  # a name mbedTLS knows and the table does not
    (NameOID.COMMON_NAME, "localhost"),
]


@pytest.fixture
def named_cert(tmp_path):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(oid, value) for oid, value in ATTRS])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path = tmp_path / "named.pem"
    key_path = tmp_path / "named.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def test_getpeercert_names_as_cpython(mp, named_cert):
    cert_path, key_path = named_cert
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert_path, key_path)
    listener = socket.create_server(("127.0.0.1", 0))

    def serve():
        conn, _ = listener.accept()
        with ctx.wrap_socket(conn, server_side=True) as tls:
            while tls.recv(100):  # until the client has closed
                pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        out = mp.run("""
import socket, ssl
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.load_verify_locations(cafile=CA)
s = socket.socket()
s.connect(socket.getaddrinfo("127.0.0.1", PORT)[0][-1])
t = ctx.wrap_socket(s, server_hostname="localhost")
print(repr(t.getpeercert()["subject"]))
t.close()
""", CA=str(cert_path), PORT=listener.getsockname()[1]).lines
    finally:
        thread.join(10)
        listener.close()
    want = ssl._ssl._test_decode_cert(str(cert_path))["subject"]
    got = ast.literal_eval(out[0])
    # CPython names the attribute mbedTLS calls "title" the same way.
    assert got == want


def test_x509name_as_pyopenssl(mp, named_cert):
    cert_path, _ = named_cert
    host = crypto.load_certificate(crypto.FILETYPE_PEM, cert_path.read_bytes()).get_subject()
    names = ["CN", "commonName", "C", "countryName", "ST", "stateOrProvinceName", "L", "localityName",
             "O", "organizationName", "OU", "organizationalUnitName", "emailAddress", "serialNumber",
             "SN", "surname", "GN", "givenName", "DC", "domainComponent"]
    out = mp.run("""
from OpenSSL import crypto
s = crypto.load_certificate(crypto.FILETYPE_PEM, open(PEM, "rb").read()).get_subject()
print(repr([getattr(s, n) for n in NAMES]))
print(repr(s.get_components()))
try:
    s.noSuchName
except AttributeError:
    print("AttributeError")
""", PEM=str(cert_path), NAMES=names).lines
    assert ast.literal_eval(out[0]) == [getattr(host, n) for n in names]
    assert ast.literal_eval(out[1]) == host.get_components()
    assert out[2] == "AttributeError"
