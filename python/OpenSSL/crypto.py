"""A minimal `OpenSSL.crypto` for MicroPython: certificates and keys as data.

pyOpenSSL's crypto module wraps OpenSSL's whole X.509 and key machinery.  On a
board we only need what `OpenSSL.SSL` hands out or takes in: the peer's
certificate (`X509`, read from its DER encoding here in Python, with subject,
issuer, serial number and validity), loading and dumping certificates as PEM
or DER, and private keys kept as opaque data (`PKey`) that mbedTLS parses when
a connection is set up.  Nothing here signs, verifies or generates anything,
and there is no `cryptography` package to convert to or from.
"""

import binascii

# (short name, long name) of a name attribute, from its OID or either name:
# the C module's table, the one getpeercert() uses.
from tls import _x509_attr_name as _attr_name

FILETYPE_PEM = 1
FILETYPE_ASN1 = 2
FILETYPE_TEXT = 65535  # accepted by nothing here; defined for pyOpenSSL code


class Error(Exception):
    """As pyOpenSSL: args[0] is a list of (lib, func, reason) tuples."""


def _error(lib, reason):
    return Error([(lib, "", reason)])


# --- PEM ---------------------------------------------------------------------

def pem_blocks(data, label):
    """The DER payloads of every "-----BEGIN <label>-----" block in data."""
    begin = b"-----BEGIN " + label + b"-----"
    end = b"-----END " + label + b"-----"
    out = []
    pos = 0
    while True:
        start = data.find(begin, pos)
        if start < 0:
            return out
        stop = data.find(end, start)
        if stop < 0:
            raise _error("PEM routines", "bad end line")
        body = data[start + len(begin):stop]
        # Drop PEM headers ("Proc-Type: ...") if any: they end at a blank line.
        if b":" in body:
            body = body[body.find(b"\n\n") + 2:]
        out.append(binascii.a2b_base64(body.replace(b"\r", b"").replace(b"\n", b"")))
        pos = stop + len(end)


def der_to_pem(der, label=b"CERTIFICATE"):
    lines = [b"-----BEGIN " + label + b"-----\n"]
    for i in range(0, len(der), 48):  # 48 bytes -> one 64-character line
        lines.append(binascii.b2a_base64(der[i:i + 48]))
    lines.append(b"-----END " + label + b"-----\n")
    return b"".join(lines)


# --- DER ---------------------------------------------------------------------

def _tlv(data, pos):
    """(tag, content start, content end) of the DER item at pos."""
    if pos + 2 > len(data):
        raise _error("asn1 encoding routines", "too long")
    tag = data[pos]
    length = data[pos + 1]
    pos += 2
    if length & 0x80:
        n = length & 0x7F
        length = int.from_bytes(data[pos:pos + n], "big")
        pos += n
    if pos + length > len(data):
        raise _error("asn1 encoding routines", "too long")
    return tag, pos, pos + length


def _items(data, start, end):
    """The (tag, start, end) of each item inside a constructed value."""
    out = []
    while start < end:
        item = _tlv(data, start)
        out.append(item)
        start = item[2]
    return out


def _oid(raw):
    parts = [raw[0] // 40, raw[0] % 40]
    value = 0
    for b in raw[1:]:
        value = (value << 7) | (b & 0x7F)
        if not b & 0x80:
            parts.append(value)
            value = 0
    return ".".join(str(p) for p in parts)


_SIGNATURES = (
    ("1.2.840.10045.4.3.2", b"ecdsa-with-SHA256"),
    ("1.2.840.10045.4.3.3", b"ecdsa-with-SHA384"),
    ("1.2.840.10045.4.3.4", b"ecdsa-with-SHA512"),
    ("1.2.840.113549.1.1.11", b"sha256WithRSAEncryption"),
    ("1.2.840.113549.1.1.12", b"sha384WithRSAEncryption"),
    ("1.2.840.113549.1.1.13", b"sha512WithRSAEncryption"),
    ("1.2.840.113549.1.1.10", b"rsassaPss"),
    ("1.3.101.112", b"ED25519"),
)


def _string(tag, raw):
    if tag == 0x1E:  # BMPString: UTF-16BE
        return "".join(chr((raw[i] << 8) | raw[i + 1]) for i in range(0, len(raw) - 1, 2))
    return str(raw, "utf-8")


class X509Name:
    """A distinguished name: attributes by short or long name (name.CN, name.commonName)."""

    def __init__(self, der):
        self._der = der
        parts = []  # [(short name bytes, value str)] in certificate order
        for _, s, e in _items(der, 0, len(der)):  # each RDN is a SET
            for _, s2, e2 in _items(der, s, e):  # AttributeTypeAndValue
                (_, os_, oe), (vt, vs, ve) = _items(der, s2, e2)[:2]
                names = _attr_name(der[os_:oe])
                short = names[0] if names else _oid(der[os_:oe])
                parts.append((short, _string(vt, der[vs:ve])))
        self._parts = parts

    def __getattr__(self, name):
        names = _attr_name(name)
        if names is None:
            raise AttributeError(name)
        for key, value in self._parts:
            if key == names[0]:
                return value  # the first one, as OpenSSL's lookup
        return None

    def get_components(self):
        return [(k.encode(), v.encode()) for k, v in self._parts]

    def der(self):
        return self._der

    def __eq__(self, other):
        return isinstance(other, X509Name) and self._der == other._der

    def __repr__(self):
        return "<X509Name object '%s'>" % "".join("/%s=%s" % p for p in self._parts)


def _asn1_time(tag, raw):
    # OpenSSL's form: b"YYYYMMDDhhmmssZ"; UTCTime has a two-digit year.
    if tag == 0x17:
        return (b"19" if int(raw[:2]) >= 50 else b"20") + raw
    return bytes(raw)


class X509:
    """A certificate, read-only: what pyOpenSSL's X509 shows of a peer's certificate."""

    def __init__(self, der):
        try:
            tag, s, e = _tlv(der, 0)
            tbs = _items(der, *_tlv(der, s)[1:])
            if tbs[0][0] == 0xA0:  # explicit version
                _, vs, ve = _tlv(der, tbs[0][1])
                self._version = der[vs]
                tbs = tbs[1:]
            else:
                self._version = 0
            self._der = bytes(der[:e])
            self._serial = int.from_bytes(der[tbs[0][1]:tbs[0][2]], "big")
            self._issuer = bytes(der[tbs[2][1]:tbs[2][2]])
            validity = _items(der, tbs[3][1], tbs[3][2])
            self._not_before = _asn1_time(validity[0][0], der[validity[0][1]:validity[0][2]])
            self._not_after = _asn1_time(validity[1][0], der[validity[1][1]:validity[1][2]])
            self._subject = bytes(der[tbs[4][1]:tbs[4][2]])
            alg = _tlv(der, tbs[1][1])
            self._sig = _oid(der[alg[1]:alg[2]])
        except (IndexError, ValueError) as exc:
            raise _error("asn1 encoding routines", "not a DER certificate (%s)" % exc)

    def get_subject(self):
        return X509Name(self._subject)

    def get_issuer(self):
        return X509Name(self._issuer)

    def get_serial_number(self):
        return self._serial

    def get_version(self):
        return self._version

    def get_notBefore(self):
        return self._not_before

    def get_notAfter(self):
        return self._not_after

    def get_signature_algorithm(self):
        for oid, name in _SIGNATURES:
            if oid == self._sig:
                return name
        return self._sig.encode()

    def digest(self, digest_name):
        """b"AB:CD:..." as pyOpenSSL; the hash must be in the port's hashlib."""
        import hashlib

        name = digest_name.decode() if isinstance(digest_name, bytes) else digest_name
        hexed = binascii.hexlify(getattr(hashlib, name.lower())(self._der).digest()).upper()
        return b":".join(hexed[i:i + 2] for i in range(0, len(hexed), 2))

    def to_cryptography(self):
        raise NotImplementedError("the cryptography package does not exist on MicroPython")

    def __eq__(self, other):
        return isinstance(other, X509) and self._der == other._der

    def __repr__(self):
        return "<X509 subject=%r>" % self.get_subject()


class PKey:
    """A private key, kept as the PEM or DER data it was loaded from.

    mbedTLS parses it when a Context is used; this object cannot inspect it.
    """

    def __init__(self, data, passphrase=None):
        self._data = bytes(data)
        self._passphrase = passphrase

    def to_cryptography_key(self):
        raise NotImplementedError("the cryptography package does not exist on MicroPython")


def load_certificate(type, buffer):  # `type` shadows the builtin: pyOpenSSL's name
    if isinstance(buffer, str):
        buffer = buffer.encode()
    if type == FILETYPE_PEM:
        blocks = pem_blocks(buffer, b"CERTIFICATE")
        if not blocks:
            raise _error("PEM routines", "no start line")
        return X509(blocks[0])
    if type == FILETYPE_ASN1:
        return X509(buffer)
    raise ValueError("type argument must be FILETYPE_PEM or FILETYPE_ASN1")


def dump_certificate(type, cert):
    if type == FILETYPE_PEM:
        return der_to_pem(cert._der)
    if type == FILETYPE_ASN1:
        return cert._der
    raise ValueError("type argument must be FILETYPE_PEM or FILETYPE_ASN1")


def load_privatekey(type, buffer, passphrase=None):
    if isinstance(buffer, str):
        buffer = buffer.encode()
    if type == FILETYPE_PEM and b"-----BEGIN " not in buffer:
        raise _error("PEM routines", "no start line")
    if type not in (FILETYPE_PEM, FILETYPE_ASN1):
        raise ValueError("type argument must be FILETYPE_PEM or FILETYPE_ASN1")
    return PKey(buffer, passphrase)
