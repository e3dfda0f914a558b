"""Test certificates, made with `cryptography` at run time (nothing is committed).

One call builds a small PKI in a directory: ECDSA and RSA roots, an
intermediate, server and client leaves, and the broken certificates the
verification tests need (expired, not yet valid, wrong host, unknown CA).
Files are written as PEM (and DER where tests want it); keys in PKCS#8, and
also PKCS#1 (RSA) / SEC1 (EC) for the key-format tests.
"""

from __future__ import annotations

import datetime
import ipaddress
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

HOSTNAME = "localhost"
HOST_IP = "127.0.0.1"


@dataclass
class Issued:
    """A certificate and its key, as objects and as file paths."""

    name: str
    cert: x509.Certificate
    key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
    cert_pem: Path
    key_pem: Path
    cert_der: Path
    key_der: Path
    key_traditional: Path  # PKCS#1 for RSA, SEC1 for EC
    chain_pem: Path  # leaf followed by intermediates (== cert_pem without any)

    def pem(self) -> bytes:
        return self.cert_pem.read_bytes()


@dataclass
class Pki:
    directory: Path
    certs: dict[str, Issued] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Issued:
        return self.certs[name]


def _key(kind: str):
    if kind == "rsa":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return ec.generate_private_key(ec.SECP256R1())


def _name(cn: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "GB"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "modssl tests"),
        x509.NameAttribute(NameOID.COMMON_NAME, cn),
    ])


class _Builder:
    def __init__(self, directory: Path) -> None:
        self.pki = Pki(directory)
        self.now = datetime.datetime.now(datetime.timezone.utc)
        self.serial = 1000

    def issue(
        self,
        name: str,
        cn: str,
        issuer: Issued | None,
        kind: str = "ec",
        ca: bool = False,
        sans: tuple[str, ...] = (),
        valid_from_days: int = -1,
        valid_to_days: int = 30,
        client: bool = False,
    ) -> Issued:
        key = _key(kind)
        self.serial += 1
        subject = _name(cn)
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(issuer.cert.subject if issuer else subject)
            .public_key(key.public_key())
            .serial_number(self.serial)
            .not_valid_before(self.now + datetime.timedelta(days=valid_from_days))
            .not_valid_after(self.now + datetime.timedelta(days=valid_to_days))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        )
        if ca:
            builder = builder.add_extension(
                x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
            )
        else:
            usage = ExtendedKeyUsageOID.CLIENT_AUTH if client else ExtendedKeyUsageOID.SERVER_AUTH
            builder = builder.add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        if sans:
            entries: list[x509.GeneralName] = []
            for san in sans:
                try:
                    entries.append(x509.IPAddress(ipaddress.ip_address(san)))
                except ValueError:
                    entries.append(x509.DNSName(san))
            builder = builder.add_extension(x509.SubjectAlternativeName(entries), critical=False)
        signer = issuer.key if issuer else key
        cert = builder.sign(signer, hashes.SHA256())
        return self._write(name, cert, key, issuer)

    def _write(self, name, cert, key, issuer) -> Issued:
        d = self.pki.directory
        pem = cert.public_bytes(serialization.Encoding.PEM)
        (d / f"{name}.crt.pem").write_bytes(pem)
        (d / f"{name}.crt.der").write_bytes(cert.public_bytes(serialization.Encoding.DER))
        (d / f"{name}.key.pem").write_bytes(
            key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        )
        (d / f"{name}.key.der").write_bytes(
            key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        )
        (d / f"{name}.key.trad.pem").write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
            )
        )
        chain = pem
        if issuer is not None and issuer.name.startswith("intermediate"):
            chain += issuer.pem()  # a leaf under an intermediate carries it
        (d / f"{name}.chain.pem").write_bytes(chain)
        issued = Issued(
            name, cert, key,
            d / f"{name}.crt.pem", d / f"{name}.key.pem", d / f"{name}.crt.der", d / f"{name}.key.der",
            d / f"{name}.key.trad.pem", d / f"{name}.chain.pem",
        )
        self.pki.certs[name] = issued
        return issued


def make_pki(directory: Path) -> Pki:
    directory.mkdir(parents=True, exist_ok=True)
    b = _Builder(directory)
    host = (HOSTNAME, HOST_IP)
    ca = b.issue("ca", "modssl test root EC", None, ca=True, valid_from_days=-30, valid_to_days=3650)
    ca_rsa = b.issue("ca_rsa", "modssl test root RSA", None, kind="rsa", ca=True, valid_from_days=-30, valid_to_days=3650)
    inter = b.issue("intermediate", "modssl test intermediate", ca, ca=True, valid_from_days=-30, valid_to_days=365)
    other_ca = b.issue("other_ca", "an unrelated root", None, ca=True)
    b.issue("server_ec", HOSTNAME, ca, sans=host)
    b.issue("server_rsa", HOSTNAME, ca_rsa, kind="rsa", sans=host)
    b.issue("server_chain", HOSTNAME, inter, sans=host)
    b.issue("server_expired", HOSTNAME, ca, sans=host, valid_from_days=-60, valid_to_days=-30)
    b.issue("server_future", HOSTNAME, ca, sans=host, valid_from_days=30, valid_to_days=60)
    b.issue("server_wronghost", "wrong.example", ca, sans=("wrong.example",))
    b.issue("server_wildcard", "*.example.test", ca, sans=("*.example.test",))
    b.issue("server_cn_only", HOSTNAME, ca)
    b.issue("server_unknown_ca", HOSTNAME, other_ca, sans=host)
    b.issue("client_ec", "device-client", ca, client=True)
    b.issue("client_rsa", "device-client-rsa", ca_rsa, kind="rsa", client=True)
    b.issue("client_unknown_ca", "stranger", other_ca, client=True)
    (directory / "cas.pem").write_bytes(ca.pem() + ca_rsa.pem())
    return b.pki
