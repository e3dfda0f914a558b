"""Pre-shared keys: TLS 1.2 (PSK and ECDHE-PSK suites), TLS 1.3 external PSKs
and DTLS 1.2 PSK, against `openssl s_server` / `s_client` (CPython 3.11 has no
PSK API) and modssl against modssl.

The modssl-against-modssl cases mirror every assertion of upstream
MicroPython's tests/extmod/tls_psk.py and tests/multi_net/
sslcontext_server_client_psk*.py (the API: psk_identity, psk_key,
server_psk_keys, set_psk_identity/set_psk_key, set_ciphers("PSK")), plus
CPython 3.13's set_psk_client_callback / set_psk_server_callback.
"""

from __future__ import annotations

import threading

import pytest

# --- the attributes (upstream tests/extmod/tls_psk.py) ----------------------

ATTRIBUTES = """
import tls
ctx = tls.SSLContext(tls.PROTOCOL_TLS_CLIENT)
print(ctx.psk_identity, ctx.psk_key, ctx.server_psk_keys)
ctx.psk_identity = b"micropython"
ctx.psk_key = b"secret-shared-key"
ctx.server_psk_keys = {b"micropython": b"secret-shared-key"}
print(ctx.psk_identity, ctx.psk_key, ctx.server_psk_keys)
for make_error in (0, 1):
    ctx = tls.SSLContext(tls.PROTOCOL_TLS_CLIENT)
    try:
        if make_error:
            ctx.psk_key = b"x" * 49            # no-op while the identity is None
            ctx.psk_identity = b"micropython"  # the pair is applied here
        else:
            ctx.psk_identity = b"micropython"
            ctx.psk_key = b"x" * 49
        print("no error")
    except OSError as e:
        print("OSError", isinstance(e, ValueError), e.args[0], ctx.psk_identity, ctx.psk_key)
ctx = tls.SSLContext(tls.PROTOCOL_TLS_CLIENT)
ctx.psk_identity = b"id"
ctx.psk_key = b"x" * 48                        # the longest the library allows
print("48 ok")
for name, value in (("psk_key", "text"), ("psk_key", 5), ("psk_identity", 5), ("psk_identity", b""),
                    ("server_psk_keys", 5)):
    try:
        setattr(ctx, name, value)
        print("no error", name)
    except (TypeError, ValueError) as e:
        print(type(e).__name__, e)
try:
    ctx.set_psk_server_callback(lambda i: b"k")
except ValueError as e:
    print("ValueError", e)
"""


def test_attributes_as_upstream(mp):
    out = mp.run(ATTRIBUTES).lines
    assert out[0] == "None None None"
    assert out[1] == "b'micropython' b'secret-shared-key' {b'micropython': b'secret-shared-key'}"
    # Refused with an error that is both upstream's OSError and a ValueError;
    # a refused pair leaves the context as it was.
    assert out[2] == "OSError True PSK is 49 bytes; must be 1 to 48 b'micropython' None"
    assert out[3] == "OSError True PSK is 49 bytes; must be 1 to 48 None b'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'"
    assert out[4] == "48 ok"
    assert out[5] == "TypeError psk_key must be bytes, not str"
    assert out[6] == "TypeError psk_key must be bytes, not int"
    assert out[7] == "TypeError psk_identity must be bytes or str"
    assert out[8] == "ValueError psk_identity must be 1 to 65535 bytes long"
    assert out[9] == "TypeError server_psk_keys must be a dict or have a get(identity) method"
    assert out[10] == "ValueError set_psk_server_callback needs a server context"


# --- modssl against modssl (upstream tests/multi_net/sslcontext_server_client_psk*.py)

# The server and the client of one case.  SETUP_* run with `ctx` made and
# EC_CERT / EC_KEY / CA (DER bytes) bound; each side prints what it saw.
PEER = """
import socket, tls
ctx = tls.SSLContext(tls.PROTOCOL_TLS_SERVER if ROLE == "server" else tls.PROTOCOL_TLS_CLIENT)
if MAX_VERSION:
    ctx.maximum_version = MAX_VERSION
class PSKStore:
    def get(self, identity):
        print("server: lookup", identity)
        return b"secret-shared-key" if identity == b"micropython" else None
class BadKeys:
    def get(self, identity):
        return 12345
cert = open(CERT, "rb").read()
key = open(KEY, "rb").read()
exec(SETUP)
if ROLE == "server":
    from listening import listen
    s, port = listen(1)
    print("LISTENING", port)
    s2, _ = s.accept()
    try:
        s2 = ctx.wrap_socket(s2, server_side=True)
    except OSError as e:
        print("server: handshake failed:", e.args[-1])
    else:
        print(s2.read(16))
        print("server:", s2.version(), s2.cipher()[0])
        s2.write(b"server to client")
        s2.close()
    s.close()
else:
    s = socket.socket()
    s.connect(socket.getaddrinfo("127.0.0.1", PORT)[0][-1])
    try:
        s = ctx.wrap_socket(s, server_hostname="micropython.local")
    except OSError as e:
        print("client: handshake failed:", e.args[-1])
    else:
        s.write(b"client to server")
        print(s.read(16))
        print("client:", s.version(), s.cipher()[0])
    s.close()
"""

SERVER_KEYS = 'ctx.server_psk_keys = {b"micropython": b"secret-shared-key"}'
CLIENT_PAIR = 'ctx.psk_identity = b"micropython"; ctx.psk_key = b"secret-shared-key"'


def rest_of(bg, timeout: float = 60) -> list[str]:
    """The lines a background script prints after its first, once it ends
    (from the same buffered pipe the first line came from)."""
    timer = threading.Timer(timeout, bg.proc.kill)
    timer.daemon = True
    timer.start()
    bg.proc.wait()
    timer.cancel()
    assert bg.proc.returncode == 0, bg.proc.stderr.read()
    return bg.proc.stdout.read().splitlines()


def listening_port(bg) -> int:
    """The port a firmware-side server bound itself (host_tests/mp_lib/listening.py)."""
    word, port = bg.first_line.split()
    assert word == "LISTENING", bg.first_line
    return int(port)


def run_pair(mp, pki, server_setup: str, client_setup: str, version: int = 0) -> tuple[list[str], list[str]]:
    common = dict(MAX_VERSION=version, CERT=str(pki["server_ec"].cert_der), KEY=str(pki["server_ec"].key_der))
    server = mp.start(PEER, ROLE="server", SETUP=server_setup, PORT=None, **common)
    client = mp.run(PEER, ROLE="client", SETUP=client_setup, PORT=listening_port(server), **common)
    return rest_of(server), client.lines


OK_SERVER = ["b'client to server'"]
OK_CLIENT = ["b'server to client'"]

VERSIONS = [pytest.param(0x0303, id="tls1.2"), pytest.param(0x0304, id="tls1.3")]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("server_setup, client_setup, lookup", [
    # sslcontext_server_client_psk.py: the attributes, a dict on the server
    pytest.param(SERVER_KEYS, CLIENT_PAIR, [], id="attributes"),
    # sslcontext_server_client_psk_binary_identity.py
    pytest.param('ctx.server_psk_keys = {b"\\xff\\xfe\\xfd": b"secret-shared-key"}',
                 'ctx.psk_identity = b"\\xff\\xfe\\xfd"; ctx.psk_key = b"secret-shared-key"', [], id="binary-identity"),
    # sslcontext_server_client_psk_object.py: any object with get()
    pytest.param("ctx.server_psk_keys = PSKStore()", CLIENT_PAIR, ["server: lookup b'micropython'"], id="object"),
    # upstream's first API: set_psk_identity / set_psk_key / set_ciphers("PSK") on both ends
    pytest.param('ctx.set_psk_identity("PSK-Identity-1"); ctx.set_psk_key(bytes.fromhex("c0ffee")); ctx.set_ciphers("PSK")',
                 'ctx.set_psk_identity("PSK-Identity-1"); ctx.set_psk_key(bytes.fromhex("c0ffee")); ctx.set_ciphers("PSK")',
                 [], id="set-methods"),
    # a pair replaced before use (key rotation): the new one is offered
    pytest.param(SERVER_KEYS, 'ctx.psk_identity = b"old"; ctx.psk_key = b"old-key"; ' + CLIENT_PAIR, [],
                 id="replaced-pair"),
    # CPython 3.13's callbacks
    pytest.param('ctx.set_psk_server_callback(lambda i: {"PSK-Identity-1": b"\\xc0\\xff\\xee"}.get(i), "hint")',
                 'ctx.set_psk_client_callback(lambda hint: ("PSK-Identity-1", b"\\xc0\\xff\\xee"))', [], id="cpython-callbacks"),
])
def test_modssl_pair_connects(mp, pki, version, server_setup, client_setup, lookup):
    server, client = run_pair(mp, pki, server_setup, client_setup, version)
    name = "TLSv1.3" if version == 0x0304 else "TLSv1.2"
    assert server[:len(lookup)] == lookup
    assert server[len(lookup)] == OK_SERVER[0]
    assert server[len(lookup) + 1].startswith(f"server: {name} ")
    assert client[0] == OK_CLIENT[0] and client[1].startswith(f"client: {name} ")
    if version == 0x0303:
        assert "PSK" in client[1]  # a PSK suite was negotiated


def test_set_ciphers_picks_one_psk_suite(mp, pki):
    # sslcontext_server_client_psk_cipher.py (mbedTLS's name and the IANA name)
    server, client = run_pair(
        mp, pki,
        'ctx.set_psk_identity("PSK-Identity-1"); ctx.set_psk_key(bytes.fromhex("c0ffee")); '
        'ctx.set_ciphers("TLS-PSK-WITH-AES-128-CBC-SHA256")',
        'ctx.set_psk_identity("PSK-Identity-1"); ctx.set_psk_key(bytes.fromhex("c0ffee")); '
        'ctx.set_ciphers(["TLS_PSK_WITH_AES_128_CBC_SHA256"]); ctx.maximum_version = tls.TLSv1_2')
    assert server == [*OK_SERVER, "server: TLSv1.2 TLS_PSK_WITH_AES_128_CBC_SHA256"]
    assert client == [*OK_CLIENT, "client: TLSv1.2 TLS_PSK_WITH_AES_128_CBC_SHA256"]


CERT_SERVER = "ctx.load_cert_chain(cert, key)"
CERT_CLIENT = "ctx.verify_mode = tls.CERT_REQUIRED; ctx.load_verify_locations(cert)"


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("server_setup, client_setup, server_says, client_says", [
    # ..._psk_unknown_identity_error.py
    pytest.param(SERVER_KEYS, 'ctx.psk_identity = b"stranger"; ctx.psk_key = b"secret-shared-key"',
                 "unknown PSK identity b'stranger'",
                 "unknown_psk_identity (115): the server does not know PSK identity b'stranger'", id="unknown-identity"),
    # ..._psk_wrong_key_error.py
    pytest.param(SERVER_KEYS, 'ctx.psk_identity = b"micropython"; ctx.psk_key = b"wrong-key"',
                 "the client's key does not match ours for identity b'micropython'",
                 "key for PSK identity b'micropython' differs from ours", id="wrong-key"),
    # ..._psk_bad_keys_error.py: a lookup that returns a non-bytes value
    pytest.param("ctx.server_psk_keys = BadKeys()", CLIENT_PAIR,
                 "server_psk_keys.get() gave a int, not bytes", "", id="bad-keys"),
    # a lookup that raises
    pytest.param("ctx.set_psk_server_callback(lambda i: {}[i])", CLIENT_PAIR,
                 "the PSK server callback raised KeyError", "", id="callback-raises"),
    # ..._psk_client_only_error.py: PSK client, certificate server
    pytest.param(CERT_SERVER, CLIENT_PAIR, "", "", id="client-only"),
    # ..._psk_no_fallback_error.py: the client trusts the certificate too
    pytest.param(CERT_SERVER, CERT_CLIENT + "; " + CLIENT_PAIR, "", "", id="no-fallback"),
    # ..._psk_server_no_fallback_error.py
    pytest.param(CERT_SERVER + "; " + SERVER_KEYS, CERT_CLIENT, "the client offered no PSK", "",
                 id="server-no-fallback"),
    # ..._psk_server_only_error.py
    pytest.param(SERVER_KEYS, "ctx.verify_mode = tls.CERT_NONE", "the client offered no PSK", "", id="server-only"),
])
def test_modssl_pair_fails(mp, pki, version, server_setup, client_setup, server_says, client_says):
    server, client = run_pair(mp, pki, server_setup, client_setup, version)
    assert len(server) == 1 and server[0].startswith("server: handshake failed: "), server
    assert len(client) == 1 and client[0].startswith("client: handshake failed: "), client
    assert server_says in server[0]
    assert client_says in client[0]
    for line in server + client:
        assert "SSL - " not in line and "X509 - " not in line, line


# --- against OpenSSL ---------------------------------------------------------

KEY_HEX = "c0ffee00112233445566778899aabbcc"
CLIENT_VS_OPENSSL = """
import socket, tls
ctx = tls.SSLContext(tls.PROTOCOL_DTLS_CLIENT if DTLS else tls.PROTOCOL_TLS_CLIENT)
if VERSION:
    ctx.minimum_version = ctx.maximum_version = VERSION
if CIPHERS:
    ctx.set_ciphers(CIPHERS)
ctx.psk_identity = IDENTITY
ctx.psk_key = bytes.fromhex(KEY_HEX)
addr = socket.getaddrinfo("127.0.0.1", PORT)[0][-1]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM if DTLS else socket.SOCK_STREAM)
s.connect(addr)
try:
    t = ctx.wrap_socket(s)
    version, cipher = t.version(), t.cipher()[0]
    t.write(b"ping from device\\n")
    reply = t.recv(100)
except OSError as e:
    print("HANDSHAKE-ERROR", e.args[-1])
    raise SystemExit
print("VERSION", version)
print("CIPHER", cipher)
print("REPLY", reply)
t.close()
"""


def psk_server(openssl, *args: str, timeout: float = 60):
    """`openssl s_server` for one PSK client, without a certificate."""
    return openssl.server("-naccept", "1", "-nocert", *args, timeout=timeout)


OPENSSL_CASES = [
    pytest.param(["-tls1_2", "-cipher", "PSK-AES128-GCM-SHA256"], 0x0303, False, None,
                 "TLSv1.2", "TLS_PSK_WITH_AES_128_GCM_SHA256", id="tls1.2-psk"),
    pytest.param(["-tls1_2", "-cipher", "ECDHE-PSK-CHACHA20-POLY1305"], 0x0303, False, None,
                 "TLSv1.2", "TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256", id="tls1.2-ecdhe-psk"),
    pytest.param(["-tls1_3", "-ciphersuites", "TLS_AES_128_GCM_SHA256"], 0x0304, False, None, "TLSv1.3",
                 "TLS_AES_128_GCM_SHA256", id="tls1.3-psk_dhe_ke"),
    pytest.param(["-tls1_3", "-ciphersuites", "TLS_CHACHA20_POLY1305_SHA256", "-allow_no_dhe_kex"], 0x0304, False,
                 None, "TLSv1.3", "TLS_CHACHA20_POLY1305_SHA256", id="tls1.3-psk_ke-allowed"),
    pytest.param(["-dtls1_2", "-cipher", "PSK-AES128-CCM8"], 0, True, None,
                 "DTLSv1.2", "TLS_PSK_WITH_AES_128_CCM_8", id="dtls1.2-ccm8"),
]


@pytest.mark.parametrize("args, version, dtls, ciphers, want_version, want_cipher", OPENSSL_CASES)
def test_client_against_openssl_s_server(mp, openssl, args, version, dtls, ciphers, want_version, want_cipher):
    server = psk_server(openssl, "-psk", KEY_HEX, "-psk_identity", "device-1", *args)
    # s_server sends what it reads on stdin once the connection is up.
    server.send("pong from openssl\n")
    out = mp.run(CLIENT_VS_OPENSSL, PORT=server.port, DTLS=dtls, VERSION=version, CIPHERS=ciphers,
                 IDENTITY=b"device-1", KEY_HEX=KEY_HEX).lines
    server_out = server.stop()
    assert out == [f"VERSION {want_version}", f"CIPHER {want_cipher}", "REPLY b'pong from openssl\\n'"], server_out


def test_client_unknown_identity_at_openssl(mp, openssl):
    # TLS 1.3 only: in TLS 1.2 `openssl s_server -psk` takes any identity (it
    # prints "PSK warning: client identity not what we expected" and goes on
    # with its key), so there is no refusal to test; the TLS 1.2 refusal is
    # tested against modssl's own server above (unknown_psk_identity, 115).
    server = psk_server(openssl, "-psk", KEY_HEX, "-psk_identity", "device-1", "-tls1_3")
    out = mp.run(CLIENT_VS_OPENSSL, PORT=server.port, DTLS=False, VERSION=0x0304, CIPHERS=None,
                 IDENTITY=b"stranger", KEY_HEX=KEY_HEX).lines
    assert out == ["HANDSHAKE-ERROR peer sent fatal alert: missing_extension (109): the server took no PSK of ours "
                   "(it does not know identity b'stranger', or it does not use PSKs)"], out


@pytest.mark.parametrize("tls_args, version, alert", [
    pytest.param(["-tls1_2"], 0x0303, "bad_record_mac (20)", id="tls1.2"),
])
def test_client_wrong_key_at_openssl(mp, openssl, tls_args, version, alert):
    server = psk_server(openssl, "-psk", KEY_HEX, "-psk_identity", "device-1", *tls_args)
    out = mp.run(CLIENT_VS_OPENSSL, PORT=server.port, DTLS=False, VERSION=version, CIPHERS=None,
                 IDENTITY=b"device-1", KEY_HEX="00" * 16).lines
    assert out == [f"HANDSHAKE-ERROR peer sent fatal alert: {alert}: the server's key for PSK identity "
                   "b'device-1' differs from ours"]


@pytest.mark.parametrize("key_hex", [KEY_HEX, "00" * 16], ids=["right-key", "wrong-key"])
def test_dtls_client_wrong_key_at_openssl(mp, openssl, key_hex):
    """DTLS drops records that fail authentication, so a wrong key looks
    like a server that went quiet: the timeout says what that means.  The
    clock runs 20 times faster (faketime) to reach mbedTLS's timeout; the
    right key, under the same clock, connects."""
    server = psk_server(openssl, "-psk", KEY_HEX, "-psk_identity", "device-1", "-dtls1_2", timeout=150)
    server.send("pong from openssl\n")
    out = mp.run(CLIENT_VS_OPENSSL, PORT=server.port, DTLS=True, VERSION=0, CIPHERS=None, IDENTITY=b"device-1",
                 KEY_HEX=key_hex, prefix=("faketime", "-f", "+0 x20"), timeout=120).lines
    if key_hex == KEY_HEX:
        assert out[0] == "VERSION DTLSv1.2" and out[-1] == "REPLY b'pong from openssl\\n'", out
        return
    assert out == ["HANDSHAKE-ERROR DTLS handshake timed out: the peer stopped answering, as a server does whose "
                   "key for PSK identity b'device-1' differs from ours (DTLS drops records that fail authentication)"]


SERVER_VS_OPENSSL = """
import socket, tls
from listening import listen
ctx = tls.SSLContext(tls.PROTOCOL_DTLS_SERVER if DTLS else tls.PROTOCOL_TLS_SERVER)
ctx.server_psk_keys = {b"device-1": bytes.fromhex(KEY_HEX)}
s, port = listen(1, kind=socket.SOCK_DGRAM if DTLS else socket.SOCK_STREAM)
print("LISTENING", port)
if DTLS:
    _, addr = s.recvfrom(1, getattr(socket, "MSG_PEEK", 2))  # the client's address
    s.connect(addr)
    c = s
else:
    c, _ = s.accept()
try:
    # A DTLS socket wrapped without client_id does the cookie exchange itself.
    t = ctx.wrap_socket(c, server_side=True)
except OSError as e:
    print("HANDSHAKE-ERROR", e.args[-1])
    raise SystemExit
print("VERSION", t.version())
print("CIPHER", t.cipher()[0])
data = t.recv(100)
t.write(data.upper())
print("GOT", data)
t.close()
"""


def openssl_client(openssl, port: int, args: list[str], key_hex: str = KEY_HEX, identity: str = "device-1") -> str:
    return openssl.run_client(port, "-psk", key_hex, "-psk_identity", identity, "-ign_eof", *args,
                              input="hello from openssl\n")


SERVER_CASES = [
    pytest.param(["-tls1_2", "-cipher", "PSK-AES256-GCM-SHA384"], False, "TLSv1.2", "TLS_PSK_WITH_AES_256_GCM_SHA384",
                 id="tls1.2-psk"),
    pytest.param(["-tls1_2", "-cipher", "ECDHE-PSK-CHACHA20-POLY1305"], False, "TLSv1.2",
                 "TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256", id="tls1.2-ecdhe-psk"),
    pytest.param(["-tls1_3", "-ciphersuites", "TLS_AES_128_GCM_SHA256"], False, "TLSv1.3", "TLS_AES_128_GCM_SHA256",
                 id="tls1.3"),
    pytest.param(["-tls1_3", "-ciphersuites", "TLS_CHACHA20_POLY1305_SHA256", "-allow_no_dhe_kex"], False, "TLSv1.3",
                 "TLS_CHACHA20_POLY1305_SHA256", id="tls1.3-psk_ke"),
    pytest.param(["-dtls1_2", "-cipher", "PSK-AES128-CCM8"], True, "DTLSv1.2", "TLS_PSK_WITH_AES_128_CCM_8",
                 id="dtls1.2-ccm8"),
]


@pytest.mark.parametrize("args, dtls, want_version, want_cipher", SERVER_CASES)
def test_server_against_openssl_s_client(mp, openssl, args, dtls, want_version, want_cipher):
    bg = mp.start(SERVER_VS_OPENSSL, DTLS=dtls, KEY_HEX=KEY_HEX)
    client_out = openssl_client(openssl, listening_port(bg), args)
    lines = rest_of(bg)
    assert lines == [f"VERSION {want_version}", f"CIPHER {want_cipher}", "GOT b'hello from openssl\\n'"], client_out
    assert "HELLO FROM OPENSSL" in client_out


@pytest.mark.parametrize("args, identity, key_hex, server_says, openssl_says", [
    pytest.param(["-tls1_2"], "stranger", KEY_HEX, "unknown PSK identity b'stranger'", "unknown psk identity",
                 id="tls1.2-unknown-identity"),
    pytest.param(["-tls1_2"], "device-1", "00" * 16, "the client's key does not match ours for identity b'device-1'",
                 "bad record mac", id="tls1.2-wrong-key"),
    pytest.param(["-tls1_3"], "device-1", "00" * 16, "the client's key does not match ours for identity b'device-1'",
                 "decrypt error", id="tls1.3-wrong-key"),
    pytest.param(["-tls1_3"], "stranger", KEY_HEX, "unknown PSK identity b'stranger'", "unknown psk identity",
                 id="tls1.3-unknown-identity"),
])
def test_server_rejects_openssl_client(mp, openssl, args, identity, key_hex, server_says, openssl_says):
    bg = mp.start(SERVER_VS_OPENSSL, DTLS=False, KEY_HEX=KEY_HEX)
    client_out = openssl_client(openssl, listening_port(bg), args, key_hex=key_hex, identity=identity)
    lines = rest_of(bg)
    assert len(lines) == 1 and lines[0].startswith("HANDSHAKE-ERROR PSK handshake failed: "), lines
    assert server_says in lines[0]
    assert openssl_says in client_out, client_out


# --- pyOpenSSL's face (OpenSSL.SSL on the device) -----------------------------

PYOPENSSL_CLIENT = """
import socket
from OpenSSL import SSL
ctx = SSL.Context(SSL.TLS_METHOD)
ctx.set_max_proto_version(VERSION)
seen = []
def client_cb(conn, hint):
    seen.append((type(conn).__name__, hint))
    return IDENTITY, bytes.fromhex(KEY_HEX)
ctx.set_psk_client_callback(client_cb)
s = socket.socket()
s.connect(socket.getaddrinfo("127.0.0.1", PORT)[0][-1])
c = SSL.Connection(ctx, s)
c.set_connect_state()
try:
    c.do_handshake()
    c.sendall(b"ping from device\\n")
    reply = c.recv(100)
except SSL.Error as e:
    print("ERROR", seen, e)
    raise SystemExit
print(c.get_protocol_version_name(), c.get_cipher_name(), seen, reply)
c.shutdown()
"""


@pytest.mark.parametrize("args, version, want", [
    pytest.param(["-tls1_2", "-cipher", "PSK-AES128-GCM-SHA256"], 0x0303, "TLSv1.2 PSK-AES128-GCM-SHA256", id="tls1.2"),
    pytest.param(["-tls1_3", "-ciphersuites", "TLS_AES_128_GCM_SHA256"], 0x0304, "TLSv1.3 TLS_AES_128_GCM_SHA256",
                 id="tls1.3"),
])
def test_pyopenssl_face_client(mp, openssl, args, version, want):
    server = psk_server(openssl, "-psk", KEY_HEX, "-psk_identity", "device-1", *args)
    server.send("pong from openssl\n")
    out = mp.run(PYOPENSSL_CLIENT, PORT=server.port, VERSION=version, IDENTITY=b"device-1", KEY_HEX=KEY_HEX).lines
    assert out == [f"{want} [('Connection', None)] b'pong from openssl\\n'"]


PYOPENSSL_SERVER = """
import socket
from OpenSSL import SSL
ctx = SSL.Context(SSL.TLS_METHOD)
seen = []
def server_cb(conn, identity):
    seen.append((type(conn).__name__, identity))
    return bytes.fromhex(KEY_HEX) if identity == b"device-1" else b""
ctx.use_psk_identity_hint(b"hint")
ctx.set_psk_server_callback(server_cb)
from listening import listen
server, port = listen(1)
print("LISTENING", port)
s, _ = server.accept()
c = SSL.Connection(ctx, s)
c.set_accept_state()
try:
    c.do_handshake()
except SSL.Error as e:
    print("ERROR", seen, e)
    raise SystemExit
data = c.recv(100)
c.sendall(data.upper())
print(c.get_protocol_version_name(), seen, data)
c.shutdown()
"""


@pytest.mark.parametrize("args, identity, want", [
    pytest.param(["-tls1_2"], "device-1", "TLSv1.2 [('Connection', b'device-1')] b'hello from openssl\\n'",
                 id="tls1.2"),
    pytest.param(["-tls1_3"], "device-1", "TLSv1.3 [('Connection', b'device-1')] b'hello from openssl\\n'",
                 id="tls1.3"),
    pytest.param(["-tls1_2"], "stranger", "ERROR [('Connection', b'stranger')]", id="tls1.2-unknown"),
])
def test_pyopenssl_face_server(mp, openssl, args, identity, want):
    bg = mp.start(PYOPENSSL_SERVER, KEY_HEX=KEY_HEX)
    client_out = openssl_client(openssl, listening_port(bg), args, identity=identity)
    lines = rest_of(bg)
    assert len(lines) == 1 and lines[0].startswith(want), (lines, client_out)
    if identity == "device-1":
        assert "HELLO FROM OPENSSL" in client_out
    else:
        assert "unknown psk identity" in client_out
