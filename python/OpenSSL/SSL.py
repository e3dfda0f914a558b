"""pyOpenSSL's `OpenSSL.SSL` for MicroPython, over modssl's memory-BIO core.

Every Connection runs one `tls` SSLObject between two MemoryBIOs.  Without a
socket those BIOs are what bio_read()/bio_write() reach; with a socket the
Connection moves records between the socket and the BIOs itself.  A Context
keeps its settings in Python and turns them into a `tls.SSLContext` per role
(client or server) when its first Connection needs one, since TLS_METHOD and
DTLS_METHOD only learn their role from set_connect_state/set_accept_state.

What cannot be done over mbedTLS, and how it is emulated, is listed in
docs/memory-bio.md ("Differences from pyOpenSSL").
"""

import errno
import tls

from OpenSSL.crypto import (  # noqa: F401 -- re-exported as pyOpenSSL does
    FILETYPE_ASN1,
    FILETYPE_PEM,
    PKey,
    X509,
    X509Name,
    der_to_pem,
    Error as _CryptoError,
    pem_blocks,
)

# --- constants (OpenSSL's values, so code that stores them keeps working) ---

SSLv2_METHOD = 1
SSLv3_METHOD = 2
SSLv23_METHOD = 3
TLSv1_METHOD = 4
TLSv1_1_METHOD = 5
TLSv1_2_METHOD = 6
TLS_METHOD = 7
TLS_SERVER_METHOD = 8
TLS_CLIENT_METHOD = 9
DTLS_METHOD = 10
DTLS_SERVER_METHOD = 11
DTLS_CLIENT_METHOD = 12

SSL3_VERSION = 0x300
TLS1_VERSION = 0x301
TLS1_1_VERSION = 0x302
TLS1_2_VERSION = 0x303
TLS1_3_VERSION = 0x304

VERIFY_NONE = 0
VERIFY_PEER = 1
VERIFY_FAIL_IF_NO_PEER_CERT = 2
VERIFY_CLIENT_ONCE = 4

OP_NO_SSLv2 = 0
OP_NO_SSLv3 = 0x2000000
OP_NO_TLSv1 = 0x4000000
OP_NO_TLSv1_1 = 0x10000000
OP_NO_TLSv1_2 = 0x8000000
OP_NO_TLSv1_3 = 0x20000000
OP_SINGLE_DH_USE = 0
OP_SINGLE_ECDH_USE = 0
OP_EPHEMERAL_RSA = 0
OP_MICROSOFT_SESS_ID_BUG = 0
OP_NETSCAPE_CHALLENGE_BUG = 0
OP_NETSCAPE_REUSE_CIPHER_CHANGE_BUG = 0
OP_SSLREF2_REUSE_CERT_TYPE_BUG = 0
OP_MICROSOFT_BIG_SSLV3_BUFFER = 0
OP_MSIE_SSLV2_RSA_PADDING = 0
OP_SSLEAY_080_CLIENT_DH_BUG = 0
OP_TLS_D5_BUG = 0
OP_TLS_BLOCK_PADDING_BUG = 0
OP_PKCS1_CHECK_1 = 0
OP_PKCS1_CHECK_2 = 0
OP_NETSCAPE_CA_DN_BUG = 0
OP_NETSCAPE_DEMO_CIPHER_CHANGE_BUG = 0
OP_LEGACY_SERVER_CONNECT = 0x4
OP_IGNORE_UNEXPECTED_EOF = 0x80
OP_DONT_INSERT_EMPTY_FRAGMENTS = 0x800
OP_NO_QUERY_MTU = 0x1000
OP_COOKIE_EXCHANGE = 0x2000
OP_NO_TICKET = 0x4000
OP_NO_COMPRESSION = 0x20000
OP_CIPHER_SERVER_PREFERENCE = 0x400000
OP_TLS_ROLLBACK_BUG = 0x800000
OP_NO_RENEGOTIATION = 0x40000000
OP_ALL = 0x80000850
_OP_ENABLE_MIDDLEBOX_COMPAT = 0x100000  # on by default, as in OpenSSL and mbedTLS

MODE_RELEASE_BUFFERS = 0x10

SESS_CACHE_OFF = 0
SESS_CACHE_CLIENT = 1
SESS_CACHE_SERVER = 2
SESS_CACHE_BOTH = 3
SESS_CACHE_NO_AUTO_CLEAR = 0x80
SESS_CACHE_NO_INTERNAL_LOOKUP = 0x100
SESS_CACHE_NO_INTERNAL_STORE = 0x200
SESS_CACHE_NO_INTERNAL = 0x300

SENT_SHUTDOWN = 1
RECEIVED_SHUTDOWN = 2

OPENSSL_VERSION = SSLEAY_VERSION = 0
OPENSSL_CFLAGS = SSLEAY_CFLAGS = 1
OPENSSL_BUILT_ON = SSLEAY_BUILT_ON = 2
OPENSSL_PLATFORM = SSLEAY_PLATFORM = 3
OPENSSL_DIR = SSLEAY_DIR = 4

# The library really in use is mbedTLS: report it rather than pretend.
OPENSSL_VERSION_NUMBER = tls.MBEDTLS_VERSION_NUMBER


def SSLeay_version(type):  # noqa: N802,A002 -- pyOpenSSL's names
    import sys

    if type == SSLEAY_VERSION:
        return tls.MBEDTLS_VERSION.encode()
    if type == SSLEAY_CFLAGS:
        return b"compiler: information not available"
    if type == SSLEAY_BUILT_ON:
        return b"built on: information not available"
    if type == SSLEAY_PLATFORM:
        return b"platform: MicroPython " + sys.platform.encode()
    if type == SSLEAY_DIR:
        return b'OPENSSLDIR: "none"'
    return b"not available"


OpenSSL_version = SSLeay_version


# --- exceptions ----------------------------------------------------------------


class Error(Exception):
    """Raised directly, args[0] is a list of (lib, func, reason) tuples."""


class WantReadError(Error):
    pass


class WantWriteError(Error):
    pass


class WantX509LookupError(Error):
    pass


class ZeroReturnError(Error):
    pass


class SysCallError(Error):
    pass


def _ssl_error(reason):
    return Error([("SSL routines", "", reason)])


class _NoOverlappingProtocols:
    pass


NO_OVERLAPPING_PROTOCOLS = _NoOverlappingProtocols()

# The C module raises a HelloVerifyRequest sent as this error (DTLS only).
_ERR_HELLO_VERIFY_REQUIRED = getattr(tls, "ERR_HELLO_VERIFY_REQUIRED", None)


def _translate(exc):
    """A `tls` exception as the pyOpenSSL exception for the same situation.

    The C module gives each TLS failure CPython's SSLError.reason (OpenSSL's
    reason name, "NO_SHARED_CIPHER"): OpenSSL's reason string is its words
    ("no shared cipher"), except that OpenSSL 4 (pyOpenSSL's wheels) says
    "tls alert" for the alerts OpenSSL 3 calls "sslv3 alert"."""
    if isinstance(exc, tls.SSLWantReadError):
        return WantReadError()
    if isinstance(exc, tls.SSLWantWriteError):
        return WantWriteError()
    args = exc.args
    code = args[0] if args and isinstance(args[0], int) else 0
    reason = getattr(exc, "reason", None)
    if reason == "UNEXPECTED_EOF_WHILE_READING":
        return SysCallError(-1, "Unexpected EOF")
    if reason is not None:
        reason = reason.lower().replace("_", " ")
        if reason.startswith("sslv3 alert "):
            reason = "tls" + reason[5:]
        return _ssl_error(reason)
    if code > 0:  # an errno from the transport
        return SysCallError(code, errno.errorcode.get(code, str(code)))
    return _ssl_error((args[1] if len(args) > 1 else "") or repr(exc))


# --- cipher names ----------------------------------------------------------------

_KX_TO_IANA = (("ECDHE-ECDSA-", "ECDHE_ECDSA"), ("ECDHE-RSA-", "ECDHE_RSA"),
               ("ECDHE-PSK-", "ECDHE_PSK"), ("DHE-RSA-", "DHE_RSA"),
               ("DHE-PSK-", "DHE_PSK"), ("RSA-PSK-", "RSA_PSK"), ("PSK-", "PSK"))


def _iana_name(name):
    """IANA name for an OpenSSL cipher name (ECDHE-ECDSA-AES128-GCM-SHA256 ->
    TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256); IANA names pass through."""
    if name.startswith("TLS_"):
        return name
    kx = "RSA"
    for prefix, iana in _KX_TO_IANA:
        if name.startswith(prefix):
            kx = iana
            name = name[len(prefix):]
            break
    if name == "CHACHA20-POLY1305":
        return "TLS_%s_WITH_CHACHA20_POLY1305_SHA256" % kx
    parts = name.split("-")
    bulk = parts[0]
    for algo in ("AES", "CAMELLIA", "ARIA"):
        if bulk.startswith(algo) and bulk[len(algo):].isdigit():
            bulk = algo + "_" + bulk[len(algo):]
            break
    else:
        return None
    rest = parts[1:]
    if rest and rest[0] in ("GCM", "CCM", "CCM8"):
        mode = "CCM_8" if rest[0] == "CCM8" else rest[0]
        mac = ("_" + rest[1]) if len(rest) > 1 else ""
        return "TLS_%s_WITH_%s_%s%s" % (kx, bulk, mode, mac)
    if len(rest) == 1:  # CBC with an HMAC: AES128-SHA, AES128-SHA256
        return "TLS_%s_WITH_%s_CBC_%s" % (kx, bulk, rest[0])
    return None


def _openssl_name(iana):
    """OpenSSL's name for an IANA suite name (the reverse of _iana_name)."""
    if "_WITH_" not in iana:
        return iana  # TLS 1.3 suites have one name
    kx, bulk = iana[4:].split("_WITH_")
    prefix = "" if kx == "RSA" else kx.replace("_", "-") + "-"
    if bulk.startswith("CHACHA20_POLY1305"):
        return prefix + "CHACHA20-POLY1305"
    p = bulk.split("_")  # e.g. AES 128 GCM SHA256 / AES 128 CBC SHA / AES 128 CCM 8
    name = p[0] + p[1]
    if p[2] == "CBC":
        return prefix + name + "-" + p[3]
    if p[2] == "CCM":
        return prefix + name + ("-CCM8" if p[3:] == ["8"] else "-CCM")
    return prefix + name + "-" + "-".join(p[2:])


# --- ClientHello peeking (servers) ----------------------------------------------

def _client_hello(data, dtls):
    """(offered ALPN protocols, SNI host name or None) from the first flight a
    server received, or None while it is incomplete.

    mbedTLS has no ALPN-select or servername callback, so a server reads both
    from the ClientHello itself before handing it to mbedTLS.
    """
    head = 13 if dtls else 5
    msg = b""
    pos = 0
    while len(data) >= pos + head:  # gather the leading handshake records
        if data[pos] != 22:
            if pos == 0:
                return [], None  # not a handshake: let mbedTLS reject it
            break
        n = int.from_bytes(data[pos + head - 2:pos + head], "big")
        msg += data[pos + head:pos + head + n]
        pos += head + n
    hs = 12 if dtls else 4
    if len(msg) < hs or msg[0] != 1:
        return None if len(msg) < hs else ([], None)
    body_len = int.from_bytes(msg[1:4], "big")
    if len(msg) < hs + body_len:
        return None
    b = msg[hs:hs + body_len]
    try:
        i = 2 + 32
        i += 1 + b[i]  # session id
        if dtls:
            i += 1 + b[i]  # cookie
        i += 2 + int.from_bytes(b[i:i + 2], "big")  # cipher suites
        i += 1 + b[i]  # compression methods
        end = i + 2 + int.from_bytes(b[i:i + 2], "big")
        i += 2
        alpn, sni = [], None
        while i + 4 <= end:
            kind = int.from_bytes(b[i:i + 2], "big")
            n = int.from_bytes(b[i + 2:i + 4], "big")
            ext = b[i + 4:i + 4 + n]
            if kind == 16:  # ALPN: 2-byte list length, then 1-byte-length names
                j = 2
                while j < len(ext):
                    alpn.append(bytes(ext[j + 1:j + 1 + ext[j]]))
                    j += 1 + ext[j]
            elif kind == 0 and len(ext) > 5 and ext[2] == 0:  # SNI host_name
                sni = bytes(ext[5:5 + int.from_bytes(ext[3:5], "big")])
            i += 4 + n
        return alpn, sni
    except IndexError:
        return [], None


def _alpn_list(protos):
    """set_alpn_protos' argument: a non-empty list of 1 to 255-byte bytes."""
    if not isinstance(protos, (list, tuple)):
        raise TypeError("ALPN protocols must be a list of bytes")
    if not protos:
        raise ValueError("at least one protocol must be specified")
    out = []
    for p in protos:
        if not isinstance(p, (bytes, bytearray)):
            raise TypeError("ALPN protocols must be a list of bytes")
        if not 0 < len(p) < 256:
            raise ValueError("ALPN protocol names must be 1 to 255 bytes long")
        out.append(bytes(p))
    return out


# --- files ------------------------------------------------------------------------

def _read_file(path):
    if isinstance(path, bytes):
        path = path.decode()
    if not isinstance(path, str):
        # MicroPython's open() also takes a file descriptor: never open (and
        # close) one of the process's own, such as stdout.
        raise TypeError("path must be str or bytes, not %s" % type(path).__name__)
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as exc:
        raise Error([("system library", "", "%s: %s" % (path, errno.errorcode.get(exc.errno, exc)))])


def _cert_data(data, filetype, first_only):
    """Certificate data as PEM (so that chains concatenate), checked to parse."""
    try:
        return _cert_pem(data, filetype, first_only)
    except _CryptoError as exc:  # SSL calls raise SSL.Error, as pyOpenSSL's
        raise Error(*exc.args)


def _cert_pem(data, filetype, first_only):
    if filetype == FILETYPE_PEM:
        blocks = pem_blocks(data, b"CERTIFICATE")
        if not blocks:
            raise Error([("PEM routines", "", "no start line")])
    elif filetype == FILETYPE_ASN1:
        blocks = [data]
    else:
        raise Error([("SSL routines", "", "bad ssl filetype")])
    if first_only:
        blocks = blocks[:1]
    return b"".join(der_to_pem(X509(b)._der) for b in blocks)


# --- Context ------------------------------------------------------------------------

# method -> (is DTLS, role: None / "client" / "server", pinned version)
_METHODS = {
    SSLv23_METHOD: (False, None, None),
    TLSv1_2_METHOD: (False, None, TLS1_2_VERSION),
    TLS_METHOD: (False, None, None),
    TLS_SERVER_METHOD: (False, "server", None),
    TLS_CLIENT_METHOD: (False, "client", None),
    DTLS_METHOD: (True, None, None),
    DTLS_SERVER_METHOD: (True, "server", None),
    DTLS_CLIENT_METHOD: (True, "client", None),
}


class Context:
    """Settings shared by Connections; turned into a tls.SSLContext on first use."""

    def __init__(self, method):
        if not isinstance(method, int):
            raise TypeError("method must be an integer")
        if method in (SSLv2_METHOD, SSLv3_METHOD, TLSv1_METHOD, TLSv1_1_METHOD):
            raise _ssl_error("unsupported protocol: %s implements TLS 1.2, TLS 1.3 and DTLS 1.2 only"
                             % tls.MBEDTLS_VERSION)
        if method not in _METHODS:
            raise ValueError("No such protocol")
        self._dtls, self._role, pinned = _METHODS[method]
        if self._dtls and not hasattr(tls, "PROTOCOL_DTLS_CLIENT"):
            raise _ssl_error("unsupported protocol: this firmware is built without DTLS")
        self._min = self._max = pinned
        self._options = OP_NO_COMPRESSION | _OP_ENABLE_MIDDLEBOX_COMPAT
        self._mode = 0
        self._verify_mode = VERIFY_NONE
        self._verify_callback = None
        self._verify_depth = -1
        self._cert = None  # PEM: leaf, then extra chain certificates
        self._extra = b""
        self._key = None
        self._passwd_cb = None
        self._passwd_userdata = None
        self._cas = []  # CA certificate data, PEM or DER
        self._default_paths = False  # set_default_verify_paths(): the firmware's root store
        self._ciphers = None  # TLS 1.2 suites, IANA names
        self._tls13 = None
        self._alpn = None
        self._alpn_select = None
        self._servername_cb = None
        self._cache_mode = SESS_CACHE_SERVER
        self._timeout = 300
        self._app_data = None
        self._used = False
        self._tls = {}  # "client"/"server" -> tls.SSLContext, built on first use
        self._current = None  # the Connection whose handshake runs (for callbacks)
        self._psk_client = None
        self._psk_server = None
        self._psk_hint = None

    def _mutable(self):
        # As pyOpenSSL 26: settings are fixed once a Connection uses them.
        if self._used:
            raise ValueError("Context has already been used to create a Connection, it cannot be mutated again")

    # versions and options

    def set_min_proto_version(self, version):
        self._mutable()
        self._min = version or None

    def set_max_proto_version(self, version):
        self._mutable()
        self._max = version or None

    def set_options(self, options):
        if not isinstance(options, int):
            raise TypeError("options must be an integer")
        self._mutable()
        self._options |= options
        return self._options

    def clear_options(self, options):
        self._mutable()
        self._options &= ~options
        return self._options

    def get_options(self):
        return self._options

    def set_mode(self, mode):
        self._mode |= mode
        return self._mode

    def clear_mode(self, mode):
        self._mode &= ~mode
        return self._mode

    # certificates and keys

    def use_certificate_file(self, certfile, filetype=FILETYPE_PEM):
        if not isinstance(filetype, int):
            raise TypeError("filetype must be an integer")
        self._mutable()
        self._cert = _cert_data(_read_file(certfile), filetype, True)

    def use_certificate_chain_file(self, certfile):
        self._mutable()
        self._cert = _cert_data(_read_file(certfile), FILETYPE_PEM, False)
        self._extra = b""

    def use_certificate(self, cert):
        """cert: an OpenSSL.crypto.X509, or certificate data (PEM or DER bytes)."""
        self._mutable()
        if isinstance(cert, X509):
            self._cert = der_to_pem(cert._der)
        elif isinstance(cert, (bytes, bytearray)):
            pem = b"-----BEGIN " in cert
            self._cert = _cert_data(bytes(cert), FILETYPE_PEM if pem else FILETYPE_ASN1, True)
        else:
            raise TypeError("cert must be an X509 instance or certificate bytes")

    def add_extra_chain_cert(self, certobj):
        self._mutable()
        if not isinstance(certobj, X509):
            raise TypeError("certobj must be an X509 instance")
        self._extra += der_to_pem(certobj._der)

    def use_privatekey_file(self, keyfile, filetype=FILETYPE_PEM):
        if not isinstance(filetype, int):
            raise TypeError("filetype must be an integer")
        self._mutable()
        data = _read_file(keyfile)
        if filetype == FILETYPE_PEM and b"-----BEGIN " not in data:
            raise Error([("PEM routines", "", "no start line")])
        self._set_key(data)

    def use_privatekey(self, pkey):
        """pkey: an OpenSSL.crypto.PKey, or key data (PEM or DER bytes)."""
        self._mutable()
        if isinstance(pkey, PKey):
            self._set_key(pkey._data)
        elif isinstance(pkey, (bytes, bytearray)):
            self._set_key(bytes(pkey))
        else:
            raise TypeError("pkey must be a PKey instance or key bytes")

    def _set_key(self, data):
        self._key = data
        if self._cert is not None:
            # OpenSSL checks the pair as soon as both are there.
            self.check_privatekey()

    def _password(self):
        if self._passwd_cb is None or b"ENCRYPTED" not in self._key:
            return None
        return self._passwd_cb(1023, False, self._passwd_userdata)

    def set_passwd_cb(self, callback, userdata=None):
        if not callable(callback):
            raise TypeError("callback must be callable")
        self._mutable()
        self._passwd_cb = callback
        self._passwd_userdata = userdata

    def check_privatekey(self):
        if self._cert is None:
            raise _ssl_error("no certificate assigned")
        if self._key is None:
            raise _ssl_error("no private key assigned")
        scratch = tls.SSLContext(tls.PROTOCOL_TLS_CLIENT)  # no ticket keys to allocate
        try:
            scratch.load_cert_chain(self._cert, self._key, self._password())
        except ValueError as exc:
            text = str(exc)
            if "does not match" in text:
                raise Error([("x509 certificate routines", "", "key values mismatch")])
            raise Error([("SSL routines", "", text)])

    # verification

    def load_verify_locations(self, cafile, capath=None):
        self._mutable()
        if cafile is None and capath is None:
            raise _ssl_error("cafile or capath must be given")
        found = []
        if cafile is not None:
            found.append(_read_file(cafile))
        if capath is not None:
            import os

            path = capath.decode() if isinstance(capath, bytes) else capath
            # No hashed-name lookup here: every certificate file in the
            # directory is trusted, which is what c_rehash'ed directories hold.
            for name in sorted(os.listdir(path)):
                data = _read_file(path + "/" + name)
                if b"-----BEGIN CERTIFICATE" in data:
                    found.append(data)
        scratch = tls.SSLContext(tls.PROTOCOL_TLS_CLIENT)
        for data in found:
            try:
                scratch.load_verify_locations(cadata=data)
            except ValueError as exc:
                raise Error([("x509 certificate routines", "", str(exc))])
        self._cas.extend(found)

    def set_default_verify_paths(self):
        # The firmware's built-in root store (nothing where a board has none).
        self._mutable()
        self._default_paths = True

    def set_verify(self, mode, callback=None):
        if not isinstance(mode, int):
            raise TypeError("mode must be an integer")
        if callback is not None and not callable(callback):
            raise TypeError("callback must be callable")
        self._mutable()
        self._verify_mode = mode
        self._verify_callback = callback

    def get_verify_mode(self):
        return self._verify_mode

    def get_verify_callback(self):
        return self._verify_callback

    def set_verify_depth(self, depth):
        # Recorded only: mbedTLS's chain-length limit is fixed at build time.
        self._mutable()
        self._verify_depth = depth

    def get_verify_depth(self):
        return self._verify_depth

    def _verify_hook(self, der, depth):
        """tls's verify_callback(der, depth) -> nonzero rejects; pyOpenSSL's
        callback(conn, x509, errno, depth, ok) -> truthy accepts."""
        conn = self._current
        try:
            ok = self._verify_callback(conn, X509(der), 0, depth, 1)
        except Exception as exc:  # re-raised from the Connection call, as pyOpenSSL
            if conn is not None:
                conn._callback_error = exc
            return 1
        return 0 if ok else 1

    # ciphers

    def set_cipher_list(self, cipher_list):
        """An OpenSSL cipher string: IANA or OpenSSL suite names separated by
        ':', ',' or spaces.  As OpenSSL, names it does not know are skipped and
        only a list matching nothing is an error; keywords (HIGH, !aNULL, ...)
        (HIGH, DEFAULT, ...) stand for the default list, since mbedTLS has no
        cipher algebra; exclusions (!aNULL, -RC4, ...) and @STRENGTH are
        ignored, as the default list has no weak suites to exclude."""
        if isinstance(cipher_list, bytes):
            cipher_list = cipher_list.decode()
        if not isinstance(cipher_list, str):
            raise TypeError("cipher_list must be a byte string.")
        self._mutable()
        names = []
        default = False
        for item in cipher_list.replace(",", ":").replace(" ", ":").split(":"):
            if not item or item[0] in "!-+@":
                continue
            if item.isupper() and "-" not in item and "_" not in item:
                default = True  # HIGH, DEFAULT, ALL, ECDHE, AESGCM, ...
                continue
            iana = _iana_name(item)
            if iana is not None and _known_suite(iana, self._dtls):
                names.append(iana)
        if default:
            scratch = tls.SSLContext(tls.PROTOCOL_DTLS_CLIENT if self._dtls else tls.PROTOCOL_TLS_CLIENT)
            names = [n for n in scratch.get_ciphers() if "_WITH_" in n and n not in names] + names
        if not names:
            raise _ssl_error("no cipher match")
        self._ciphers = names

    # pre-shared keys: the tls module's own PSK support does the work

    def set_psk_client_callback(self, callback):
        """callback(connection, identity_hint) -> (identity, psk); the hint is
        None (mbedTLS sends none)."""
        self._mutable()
        self._psk_client = callback

    def set_psk_server_callback(self, callback):
        """callback(connection, client_identity) -> psk (b"" rejects it)."""
        self._mutable()
        self._psk_server = callback

    def use_psk_identity_hint(self, hint):
        if not isinstance(hint, bytes):
            raise TypeError("hint must be a byte string")
        self._mutable()
        self._psk_hint = hint

    def _psk_client_hook(self, hint):
        return self._psk_client(self._current, hint)

    def set_tls13_ciphersuites(self, ciphersuites):
        if isinstance(ciphersuites, bytes):
            ciphersuites = ciphersuites.decode()
        self._mutable()
        names = [n for n in ciphersuites.split(":") if n and _known_suite(n, False)]
        if not names:
            raise _ssl_error("no cipher match")
        self._tls13 = names

    # ALPN, SNI, sessions

    def set_alpn_protos(self, protos):
        self._mutable()
        self._alpn = _alpn_list(protos)

    def set_alpn_select_callback(self, callback):
        self._mutable()
        self._alpn_select = callback

    def set_tlsext_servername_callback(self, callback):
        self._mutable()
        self._servername_cb = callback

    def set_session_cache_mode(self, mode):
        if not isinstance(mode, int):
            raise TypeError("mode must be an integer")
        old = self._cache_mode
        self._cache_mode = mode
        return old

    def get_session_cache_mode(self):
        return self._cache_mode

    def set_session_id(self, buf):
        self._mutable()

    def set_timeout(self, timeout):
        if not isinstance(timeout, int):
            raise TypeError("timeout must be an integer")
        self._timeout = timeout

    def get_timeout(self):
        return self._timeout

    def get_app_data(self):
        return self._app_data

    def set_app_data(self, data):
        self._app_data = data

    # building the tls.SSLContext

    def _tls_context(self, server, alpn=None, own=False):
        """The tls.SSLContext for one role: shared, or for one Connection when
        it needs its own ALPN list (mbedTLS keeps ALPN per configuration)."""
        role = "server" if server else "client"
        if not own and role in self._tls:
            return self._tls[role]
        if self._dtls:
            proto = tls.PROTOCOL_DTLS_SERVER if server else tls.PROTOCOL_DTLS_CLIENT
        else:
            proto = tls.PROTOCOL_TLS_SERVER if server else tls.PROTOCOL_TLS_CLIENT
        t = tls.SSLContext(proto)
        t.check_hostname = False  # pyOpenSSL leaves host name checks to the caller
        if not self._dtls:
            lo = max(self._min or TLS1_2_VERSION, TLS1_2_VERSION)
            hi = min(self._max or TLS1_3_VERSION, TLS1_3_VERSION)
            if self._options & OP_NO_TLSv1_2:
                lo = max(lo, TLS1_3_VERSION)
            if self._options & OP_NO_TLSv1_3:
                hi = min(hi, TLS1_2_VERSION)
            if lo > hi:
                raise _ssl_error("no protocols available")
            t.minimum_version = lo
            t.maximum_version = hi
        if self._cert is not None and self._key is not None:
            t.load_cert_chain(self._cert + self._extra, self._key, self._password())
        for data in self._cas:
            t.load_verify_locations(cadata=data)
        if self._default_paths:
            t.set_default_verify_paths()
        mode = self._verify_mode
        if not mode & VERIFY_PEER:
            t.verify_mode = tls.CERT_NONE
        elif server and not mode & VERIFY_FAIL_IF_NO_PEER_CERT:
            t.verify_mode = tls.CERT_OPTIONAL
        else:
            t.verify_mode = tls.CERT_REQUIRED
        if self._verify_callback is not None:
            t.verify_callback = self._verify_hook
        if self._ciphers is not None or self._tls13 is not None:
            tls12 = self._ciphers
            if tls12 is None:  # only the TLS 1.3 list was set: keep the default 1.2 one
                tls12 = [n for n in t.get_ciphers() if "_WITH_" in n]
            t.set_ciphers(tls12 + (self._tls13 or []))
        if alpn:
            t.set_alpn_protocols(alpn)
        if server and self._psk_server is not None:
            t.server_psk_keys = _PskKeys(self)
        if not server and self._psk_client is not None:
            t.set_psk_client_callback(self._psk_client_hook)
        if not own:
            self._tls[role] = t
        return t


def _known_suite(name, dtls):
    scratch = tls.SSLContext(tls.PROTOCOL_DTLS_CLIENT if dtls else tls.PROTOCOL_TLS_CLIENT)
    try:
        scratch.set_ciphers([name])
    except ValueError:
        return False
    return True


class Session:
    """Defined for pyOpenSSL code; modssl does not expose sessions to Python."""


ContextType = Context


# --- Connection --------------------------------------------------------------------

_SOCKET_READ = 4096  # a TLS record may span reads
_DATAGRAM_READ = 17 * 1024  # a DTLS record must arrive in one read


def _op_handshake(obj, arg):
    return obj.do_handshake()


def _op_read(obj, n):
    return obj.read(n)


def _op_read_into(obj, arg):
    return obj.read(arg[1], arg[0])


def _op_write(obj, data):
    return obj.write(data)


def _op_unwrap(obj, arg):
    return obj.unwrap()


class _PskKeys:
    """server_psk_keys for a Context with a server callback: the tls module
    looks each client identity (bytes) up through get()."""

    def __init__(self, context):
        self._context = context

    def get(self, identity):
        ctx = self._context
        return ctx._psk_server(ctx._current, identity)


class Connection:
    """A TLS/DTLS connection over a socket, or over memory BIOs (socket None)."""

    def __init__(self, context, socket=None):
        if not isinstance(context, Context):
            raise TypeError("context must be a Context instance")
        context._used = True
        self._context = context
        self._socket = socket
        self._in = tls.MemoryBIO()
        self._out = tls.MemoryBIO()
        self._obj = None  # the tls SSLObject, made when the handshake starts
        self._server = None if context._role is None else context._role == "server"
        self._host_name = None
        self._alpn = None  # this connection's own ALPN list (client, or a server's choice)
        self._hello = b""  # a server's first flight, until the ClientHello is read
        self._peer_alpn = []
        self._peer_sni = None
        self._mtu = None
        self._unsent = b""  # socket mode: records the socket has not taken yet
        self._shutdown = 0
        self._want = None
        self._callback_error = None
        self._app_data = None

    def __getattr__(self, name):
        # As pyOpenSSL: unknown attributes come from the wrapped socket.
        if self._socket is None:
            raise AttributeError(name)
        return getattr(self._socket, name)

    # setup

    def get_context(self):
        return self._context

    def set_context(self, context):
        if not isinstance(context, Context):
            raise TypeError("context must be a Context instance")
        if self._obj is not None:
            raise Error([("SSL routines", "", "cannot change the context after the handshake started")])
        context._used = True
        self._context = context

    def set_connect_state(self):
        self._server = False

    def set_accept_state(self):
        self._server = True

    def set_tlsext_host_name(self, name):
        if not isinstance(name, bytes):
            raise TypeError("name must be a byte string")
        if b"\0" in name:
            raise TypeError("name must not contain NUL byte")
        self._host_name = name.decode()

    def get_servername(self):
        if self._server:
            return self._peer_sni
        return self._host_name.encode() if self._host_name else None

    def set_alpn_protos(self, protos):
        self._alpn = _alpn_list(protos)

    def set_ciphertext_mtu(self, mtu):
        self._mtu = mtu
        if self._obj is not None:
            self._obj.set_mtu(mtu)

    def get_verify_mode(self):
        return self._context._verify_mode

    def get_app_data(self):
        return self._app_data

    def set_app_data(self, data):
        self._app_data = data

    # making the SSLObject

    def _start(self):
        """Create the tls SSLObject; None while a server still waits for the
        whole ClientHello (its callbacks need it first)."""
        if self._server is None:
            raise _ssl_error("connection type not set")
        ctx = self._context
        if ctx._role is not None and (ctx._role == "server") != self._server:
            raise _ssl_error("this Context's method cannot %s" % ("accept" if self._server else "connect"))
        if self._server:
            if self._hello is not None:  # the first time: run the callbacks
                hello = _client_hello(self._hello, ctx._dtls)
                if hello is None:
                    if len(self._hello) < 32768:
                        return None
                    hello = ([], None)
                self._hello = None
                self._peer_alpn, self._peer_sni = hello
                if ctx._servername_cb is not None:
                    ctx._servername_cb(self)  # may set_context() to another certificate
                    ctx = self._context
                if ctx._alpn_select is not None and self._peer_alpn:
                    self._alpn = self._select_alpn(ctx)
            alpn = self._alpn
            own = alpn is not None
        else:
            self._hello = None
            alpn = self._alpn or ctx._alpn
            own = self._alpn is not None
        try:
            t = ctx._tls_context(self._server, alpn, own)
            kwargs = {}
            if self._server and ctx._dtls:
                # HelloVerify cookies are bound to a client identity; a memory
                # BIO or a connected socket has exactly one client.
                kwargs["client_id"] = b"pyopenssl-connection"
            ctx._current = self  # a PSK client callback runs here
            try:
                obj = t.wrap_bio(self._in, self._out, server_side=self._server,
                                 server_hostname=None if self._server else self._host_name, **kwargs)
            finally:
                ctx._current = None
        except ValueError as exc:
            if not self._server and ctx._verify_mode & VERIFY_PEER and not ctx._cas:
                # OpenSSL would fail on the server's certificate; mbedTLS
                # cannot start without a CA, so this fails before sending.
                raise _ssl_error("certificate verify failed (no CA certificates: call load_verify_locations())")
            raise _ssl_error(str(exc))
        if self._mtu:
            obj.set_mtu(self._mtu)
        self._obj = obj
        return obj

    def _select_alpn(self, ctx):
        chosen = ctx._alpn_select(self, list(self._peer_alpn))
        if isinstance(chosen, _NoOverlappingProtocols):
            return None  # no ALPN extension in the reply: the handshake goes on
        if not isinstance(chosen, bytes):
            raise TypeError("ALPN callback must return a bytestring or the special "
                            "NO_OVERLAPPING_PROTOCOLS sentinel value.")
        if chosen not in self._peer_alpn:
            # b"" (or anything not offered): offer mbedTLS a protocol the
            # client did not ask for, so it ends the handshake with the
            # no_application_protocol alert, as OpenSSL does.
            chosen = b"x"
            while chosen in self._peer_alpn:
                chosen += b"x"
        return [chosen]

    # the engine

    def _write_in(self, data):
        if self._hello is not None and self._server is not False:
            self._hello += data
        return self._in.write(data)

    def _run(self, op, arg=None):
        """Run one SSLObject call; with a socket, move records until it is done."""
        if self._unsent:
            self._flush(True)
        ctx = self._context
        while True:
            err = None
            result = None
            obj = self._obj or self._start()
            if obj is None:
                err = tls.SSLWantReadError()
            else:
                ctx._current = self
                try:
                    result = op(obj, arg)
                except OSError as exc:
                    err = exc
                ctx._current = None
            if self._socket is not None:
                self._flush(False)  # also sends the alert that goes with a failure
            if self._callback_error is not None:
                exc, self._callback_error = self._callback_error, None
                raise exc
            if err is None:
                self._want = None
                return result
            if err.args and err.args[0] == _ERR_HELLO_VERIFY_REQUIRED and self._server:
                # The HelloVerifyRequest is in the outgoing BIO; the client
                # answers with a new ClientHello that a fresh SSLObject takes
                # (mbedTLS needs a reset here, as OpenSSL's DTLSv1_listen).
                self._obj = None
                self._start()
                err = tls.SSLWantReadError()
                if self._socket is not None:
                    self._flush(False)
            if isinstance(err, tls.SSLWantReadError) and self._socket is not None and self._fill():
                continue
            exc = _translate(err)
            self._want = type(exc)
            raise exc

    def _flush(self, must):
        """Send pending records; if the socket cannot take them, keep them for
        later (must=False: the caller's operation already happened) or raise
        WantWriteError (must=True: before starting a new operation)."""
        data = self._unsent + self._out.read()
        while data:
            try:
                n = self._socket.send(data)
            except OSError as exc:
                if exc.errno in (errno.EAGAIN, errno.ETIMEDOUT):
                    self._unsent = data
                    if must:
                        raise WantWriteError()
                    return
                raise SysCallError(exc.errno, errno.errorcode.get(exc.errno, str(exc.errno)))
            if n is None:  # a non-blocking MicroPython socket that took nothing
                n = 0
                self._unsent = data
                if must:
                    raise WantWriteError()
                return
            data = data[n:]
        self._unsent = b""

    def _fill(self):
        """Move what the socket has into the incoming BIO; False if it has nothing yet."""
        try:
            data = self._socket.recv(_DATAGRAM_READ if self._context._dtls else _SOCKET_READ)
        except OSError as exc:
            if exc.errno in (errno.EAGAIN, errno.ETIMEDOUT):
                return False
            raise SysCallError(exc.errno, errno.errorcode.get(exc.errno, str(exc.errno)))
        if data is None:
            return False
        if not data:
            self._in.write_eof()
            return True
        self._write_in(data)
        return True

    # I/O

    def do_handshake(self):
        self._run(_op_handshake)

    def send(self, buf, flags=0):
        if self._shutdown & SENT_SHUTDOWN:
            raise _ssl_error("protocol is shutdown")
        if isinstance(buf, str):
            buf = buf.encode()  # pyOpenSSL still accepts text, with a warning
        return self._run(_op_write, buf)

    write = send

    def sendall(self, buf, flags=0):
        view = memoryview(buf)
        total = 0
        while total < len(view):
            total += self.send(view[total:])
        return total

    def recv(self, bufsiz, flags=None):
        if self._shutdown & RECEIVED_SHUTDOWN:
            raise ZeroReturnError()
        data = self._run(_op_read, bufsiz)
        if not data and bufsiz > 0:
            self._shutdown |= RECEIVED_SHUTDOWN  # the peer's close_notify
            raise ZeroReturnError()
        return data

    read = recv

    def recv_into(self, buffer, nbytes=None, flags=None):
        n = len(buffer) if nbytes is None else min(nbytes, len(buffer))
        if self._shutdown & RECEIVED_SHUTDOWN:
            raise ZeroReturnError()
        got = self._run(_op_read_into, (buffer, n))
        if not got and n > 0:
            self._shutdown |= RECEIVED_SHUTDOWN
            raise ZeroReturnError()
        return got

    def pending(self):
        return self._obj.pending() if self._obj is not None else 0

    def bio_read(self, bufsiz):
        if self._socket is not None:
            raise TypeError("Connection sock was not None")
        if not isinstance(bufsiz, int):
            raise TypeError("bufsiz must be an integer")
        data = self._out.read(bufsiz)
        if not data:
            raise WantReadError()
        return data

    def bio_write(self, buf):
        if self._socket is not None:
            raise TypeError("Connection sock was not None")
        if isinstance(buf, str):
            buf = buf.encode()  # as send()
        try:
            return self._write_in(bytes(buf))
        except OSError as exc:
            raise _ssl_error(str(exc))

    def bio_shutdown(self):
        if self._socket is not None:
            raise TypeError("Connection sock was not None")
        self._in.write_eof()

    def shutdown(self):
        """Send close_notify; True once the peer's close_notify arrived too."""
        if self._obj is None or self._obj.version() is None:
            raise _ssl_error("shutdown while in init")
        if not self._shutdown & SENT_SHUTDOWN:
            self._run(_op_unwrap)
            self._shutdown |= SENT_SHUTDOWN
            return bool(self._shutdown & RECEIVED_SHUTDOWN)
        # A second call waits for the peer's close_notify, dropping any data
        # still in flight before it (as SSL_shutdown does).
        while not self._shutdown & RECEIVED_SHUTDOWN:
            if not self._run(_op_read, 1024):
                self._shutdown |= RECEIVED_SHUTDOWN
        return True

    def get_shutdown(self):
        return self._shutdown

    def set_shutdown(self, state):
        if not isinstance(state, int):
            raise TypeError("state must be an integer")
        self._shutdown = state

    def want_read(self):
        return self._want is WantReadError

    def want_write(self):
        return self._want is WantWriteError

    # sockets

    def connect(self, addr):
        self.set_connect_state()
        return self._socket.connect(addr)

    def connect_ex(self, addr):
        try:
            self.connect(addr)
        except OSError as exc:
            return exc.errno
        return 0

    def accept(self):
        client, addr = self._socket.accept()
        conn = Connection(self._context, client)
        conn.set_accept_state()
        return conn, addr

    def makefile(self, *args, **kwargs):
        raise NotImplementedError("Cannot make file object of OpenSSL.SSL.Connection")

    def sock_shutdown(self, *args):
        return self._socket.shutdown(*args)

    # DTLS timers

    def DTLSv1_get_timeout(self):  # noqa: N802 -- pyOpenSSL's name
        return self._obj.dtls_get_timeout() if self._obj is not None else None

    def DTLSv1_handle_timeout(self):  # noqa: N802
        if self._obj is None:
            return False
        done = self._obj.dtls_handle_timeout()
        if self._socket is not None:
            self._flush(False)
        return done

    # what was negotiated

    def get_peer_certificate(self, *, as_cryptography=False):
        if as_cryptography:
            raise NotImplementedError("the cryptography package does not exist on MicroPython")
        if self._obj is None or self._obj.version() is None:
            return None
        der = self._obj.getpeercert(True)
        return X509(der) if der else None

    def get_cipher_name(self):
        c = self._obj.cipher() if self._obj is not None else None
        return _openssl_name(c[0]) if c else None

    def get_cipher_bits(self):
        c = self._obj.cipher() if self._obj is not None else None
        return c[2] if c else None

    def get_cipher_version(self):
        c = self._obj.cipher() if self._obj is not None else None
        if not c:
            return None
        if "_WITH_" not in c[0]:
            return "TLSv1.3"
        return "SSLv3" if c[0].endswith("_SHA") else "TLSv1.2"  # OpenSSL's labels

    def get_cipher_list(self):
        server = bool(self._server)
        names = self._context._tls_context(server).get_ciphers()
        return [_openssl_name(n) for n in names]

    def get_protocol_version_name(self):
        v = self._obj.version() if self._obj is not None else None
        return v or "Unknown"

    def get_protocol_version(self):
        v = self.get_protocol_version_name()
        return {"TLSv1.2": TLS1_2_VERSION, "TLSv1.3": TLS1_3_VERSION, "DTLSv1.2": 0xFEFD}.get(v, 0)

    def get_alpn_proto_negotiated(self):
        p = self._obj.selected_alpn_protocol() if self._obj is not None else None
        return p.encode() if isinstance(p, str) else (p or b"")


ConnectionType = Connection
