"""Protocol rules of RFC 8446 / RFC 5246 that a server must enforce, each
checked with hand-built records sent from Python: the alert the RFC names
must arrive before the connection closes.

Records before the handshake are plaintext, so the alert is read as bytes.
After a CPython handshake (over memory BIOs, so that raw records can be
slipped in between its own) the server's alert is encrypted, and CPython
decrypts it and names it in its SSLError."""

from __future__ import annotations

import os
import socket
import ssl

import pytest
from test_conformance import start

ALERTS = {
    10: "unexpected_message", 20: "bad_record_mac", 22: "record_overflow", 40: "handshake_failure",
    47: "illegal_parameter", 50: "decode_error", 70: "protocol_version",
}


def record(content_type: int, body: bytes, version: bytes = b"\x03\x03") -> bytes:
    return bytes([content_type]) + version + len(body).to_bytes(2, "big") + body


def read_plain_alert(sock: socket.socket) -> tuple[int, int] | None:
    """The first record the server sends, if it is a plaintext alert:
    (level, description); None if the server closed without one."""
    data = b""
    while len(data) < 7:
        try:
            chunk = sock.recv(7 - len(data))
        except ConnectionResetError:
            return None
        if not chunk:
            return None
        data += chunk
    assert data[0] == 21, f"not an alert record: {data!r}"
    return data[5], data[6]


class Session:
    """A CPython client over memory BIOs with a raw socket underneath."""

    def __init__(self, port: int, ca, version: ssl.TLSVersion, keylog: str | None = None) -> None:
        ctx = ssl.create_default_context(cafile=str(ca))
        ctx.minimum_version = ctx.maximum_version = version
        if keylog:
            ctx.keylog_filename = keylog
            ctx.set_ciphers("ECDHE-ECDSA-AES128-GCM-SHA256")
        self.incoming, self.outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        self.tls = ctx.wrap_bio(self.incoming, self.outgoing, server_hostname="localhost")
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=20)
        self.from_server = b""
        while True:
            try:
                self.tls.do_handshake()
                break
            except ssl.SSLWantReadError:
                self.sock.sendall(self.outgoing.read())
                data = self.sock.recv(65536)
                assert data, "server closed during the handshake"
                self.from_server += data
                self.incoming.write(data)
        self.sock.sendall(self.outgoing.read())
        # One echo round trip: the server is past its handshake (and a TLS
        # 1.3 server has sent its tickets) before anything is injected.
        self.tls.write(b"ping")
        self.sock.sendall(self.outgoing.read())
        assert self.read() == b"ping"

    def read(self) -> bytes:
        while True:
            try:
                return self.tls.read(65536)
            except ssl.SSLWantReadError:
                data = self.sock.recv(65536)
                if not data:
                    raise ConnectionAbortedError("closed without an alert")
                self.incoming.write(data)

    def inject(self, raw: bytes) -> None:
        self.sock.sendall(raw)

    def alert_after(self, raw: bytes) -> str:
        """Send raw bytes; the name of the fatal alert the server answers with."""
        self.inject(raw)
        try:
            got = self.read()
        except ssl.SSLError as e:
            return e.reason or str(e)
        except (ConnectionAbortedError, ConnectionResetError) as e:
            return f"no alert ({e})"
        finally:
            self.sock.close()
        return f"no alert (read {got!r})"


def prf_sha256(secret: bytes, label: bytes, seed: bytes, length: int) -> bytes:
    """RFC 5246 section 5: P_SHA256(secret, label + seed)."""
    import hashlib
    import hmac

    seed = label + seed
    out, a = b"", seed
    while len(out) < length:
        a = hmac.new(secret, a, hashlib.sha256).digest()
        out += hmac.new(secret, a + seed, hashlib.sha256).digest()
    return out[:length]


class Tls12Writer:
    """Protected TLS 1.2 records in the client's direction of a Session
    (ECDHE-ECDSA-AES128-GCM-SHA256), from the master secret CPython logs."""

    def __init__(self, session: Session, keylog: str) -> None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        line = [x for x in open(keylog).read().split("\n") if x.startswith("CLIENT_RANDOM")][-1]
        client_random, master = (bytes.fromhex(x) for x in line.split()[1:3])
        hello = session.from_server
        assert hello[0] == 22 and hello[5] == 2, "no ServerHello first"
        server_random = hello[11:43]
        block = prf_sha256(master, b"key expansion", server_random + client_random, 40)
        self.aead, self.salt = AESGCM(block[:16]), block[32:36]
        self.seq = 2  # Finished and the "ping" went before

    def seal(self, content_type: int, data: bytes) -> bytes:
        explicit = self.seq.to_bytes(8, "big")
        aad = explicit + bytes([content_type, 3, 3]) + len(data).to_bytes(2, "big")
        body = explicit + self.aead.encrypt(self.salt + explicit, data, aad)
        self.seq += 1
        return record(content_type, body)


@pytest.fixture
def server(mp, pki):
    """Our echo server (TLS 1.2 and 1.3, ECDSA); after the test, its stderr
    must show no sanitizer report (MODSSL_FIRMWARE=asan)."""
    port, bg = start(mp, pki)
    yield port, bg
    if bg.proc.poll() is None:
        bg.proc.kill()
    _, err = bg.proc.communicate(timeout=10)
    assert "Sanitizer" not in err and "runtime error" not in err, err


V12, V13 = ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3


# --- record_overflow, checked before decryption ------------------------------

@pytest.mark.parametrize("version,length,alert", [
    (V13, 2**14 + 256, "BAD_RECORD_MAC"),          # longest legal TLS 1.3 ciphertext: decrypted, fails
    (V13, 2**14 + 257, "RECORD_OVERFLOW"),
    (V12, 2**14 + 2049, "RECORD_OVERFLOW"),
    (V13, 2**16 - 1, "RECORD_OVERFLOW"),
])
def test_oversized_ciphertext_gets_record_overflow(server, pki, version, length, alert):
    port, _ = server
    session = Session(port, pki["ca"].cert_pem, version)
    reason = session.alert_after(record(23, os.urandom(length)))
    assert alert in reason.upper(), reason


@pytest.mark.parametrize("length", [2**14, 2**14 + 1])
def test_oversized_plaintext_record_gets_record_overflow(server, length):
    # A plaintext handshake record (before any keys): a ClientHello of
    # `length` bytes in one record.  Over 2^14 the record itself is refused;
    # at 2^14 the (garbage) hello is read and refused for what it says.
    port, _ = server
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        hello = b"\x01" + (length - 4).to_bytes(3, "big") + b"\x03\x03" + bytes(length - 6)
        sock.sendall(record(22, hello, b"\x03\x01"))
        got = read_plain_alert(sock)
    assert got is not None and got[0] == 2, got
    assert (got[1] == 22) == (length > 2**14), got


def test_handshake_message_too_big_for_the_buffer_gets_an_alert(server):
    # A ClientHello of 2^24-1 bytes, sent in legal 2^14-byte records: more
    # than the server can hold.  It must refuse with a fatal alert, never
    # just close.
    port, _ = server
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        body = b"\x01\xff\xff\xff" + b"\x03\x03" + bytes(2**14 - 6)
        try:
            sock.sendall(record(22, body, b"\x03\x01"))
            for _ in range(4):
                sock.sendall(record(22, bytes(2**14)))
        except (BrokenPipeError, ConnectionResetError):
            pass
        got = read_plain_alert(sock)
    assert got is not None, "closed without an alert"
    assert got[0] == 2, got


@pytest.mark.parametrize("between", [b"x", b""], ids=["data", "empty-data"])
def test_handshake_message_split_by_application_data_gets_unexpected_message(server, between):
    # RFC 5246 6.2.1 / RFC 8446 5.1: handshake fragments are not interleaved
    # with other record types, zero-length application data included.
    port, _ = server
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        sock.sendall(record(22, b"\x01\x00\x01\x00\x03\x03", b"\x03\x01") + record(23, between))
        assert read_plain_alert(sock) == (2, 10)


# --- alerts and change_cipher_spec -------------------------------------------

@pytest.mark.parametrize("level", [0, 3, 255])
def test_alert_with_an_unknown_level_gets_illegal_parameter(server, level):
    port, _ = server
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        sock.sendall(record(21, bytes([level, 10]), b"\x03\x01"))
        assert read_plain_alert(sock) == (2, 47)


def test_change_cipher_spec_after_the_tls13_handshake_gets_unexpected_message(server, pki):
    port, _ = server
    session = Session(port, pki["ca"].cert_pem, V13)
    reason = session.alert_after(record(20, b"\x01"))
    assert "UNEXPECTED_MESSAGE" in reason.upper(), reason


# --- version negotiation and ClientHello forms --------------------------------

def extension(ext_type: int, body: bytes) -> bytes:
    return ext_type.to_bytes(2, "big") + len(body).to_bytes(2, "big") + body


def vector(data: bytes, size: int) -> bytes:
    return len(data).to_bytes(size, "big") + data


TLS12_EXTENSIONS = (
    extension(10, vector(b"\x00\x17\x00\x1d", 2))                 # supported_groups: secp256r1, x25519
    + extension(11, vector(b"\x00", 1))                             # ec_point_formats: uncompressed
    + extension(13, vector(b"\x04\x03\x08\x04\x04\x01", 2))        # signature_algorithms
)
# ECDHE-ECDSA-AES128-GCM-SHA256, ECDHE-RSA-AES128-GCM-SHA256, ECDHE-ECDSA-CHACHA20
TLS12_SUITES = b"\xc0\x2b\xc0\x2f\xcc\xa9"


def client_hello(legacy_version: bytes, extensions: bytes | None, suites: bytes = TLS12_SUITES) -> bytes:
    body = legacy_version + os.urandom(32) + b"\x00" + vector(suites, 2) + b"\x01\x00"
    if extensions is not None:
        body += vector(extensions, 2)
    return record(22, b"\x01" + vector(body, 3), b"\x03\x01")


def server_hello_version(sock: socket.socket) -> bytes:
    """The version in the server's ServerHello (fails on an alert)."""
    head = b""
    while len(head) < 11:
        chunk = sock.recv(11 - len(head))
        assert chunk, "closed without a ServerHello"
        head += chunk
    assert head[0] == 22 and head[5] == 2, f"not a ServerHello: {head!r}"
    return head[9:11]


@pytest.mark.parametrize("legacy_version", [b"\x03\x04", b"\x03\x05", b"\x04\x00"])
def test_legacy_version_tls13_or_higher_without_supported_versions_negotiates_tls12(server, legacy_version):
    # RFC 8446 4.2.1: without supported_versions a server that does TLS 1.2
    # negotiates it, even if legacy_version is 0x0304 or later.
    port, _ = server
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        sock.sendall(client_hello(legacy_version, TLS12_EXTENSIONS))
        assert server_hello_version(sock) == b"\x03\x03"


def test_tls12_client_hello_without_extensions_is_served(mp, pki):
    # RFC 5246 7.4.1.2: the extensions block is optional.  A server whose
    # suites need no signature (RSA key exchange, when enabled) serves it.
    port, bg = start(mp, pki, cert="server_rsa",
                     ciphers=["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_128_GCM_SHA256"])
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        sock.sendall(client_hello(b"\x03\x03", None, b"\xc0\x2f\x00\x9c"))
        assert server_hello_version(sock) == b"\x03\x03"
    bg.kill()


def test_tls12_client_hello_without_extensions_and_only_signed_suites_gets_handshake_failure(server):
    # Parsed (not decode_error), then refused: RFC 9155 section 2 -- without
    # signature_algorithms a server that must sign aborts with
    # handshake_failure rather than fall back to SHA-1.
    port, _ = server
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        sock.sendall(client_hello(b"\x03\x03", None))
        assert read_plain_alert(sock) == (2, 40)


@pytest.mark.parametrize("sigalg,shown", [("rsa_pss_rsae_sha256", "RSA-PSS"), ("rsa_pkcs1_sha256", "RSA")])
def test_tls12_server_signs_with_the_rsa_scheme_offered(mp, pki, openssl, sigalg, shown):
    port, bg = start(mp, pki, cert="server_rsa")
    client = openssl.client(port, "-tls1_2", "-sigalgs", sigalg, "-CAfile", str(pki["ca_rsa"].cert_pem),
                            "-verify_return_error", "-no_ign_eof")
    client.send("pss\n")
    client.close_input()
    out = client.wait()
    assert client.proc.returncode == 0, out
    assert f"Peer signature type: {shown}\n" in out, out
    assert "Protocol  : TLSv1.2" in out or "Protocol: TLSv1.2" in out, out
    assert bg.finish(timeout=20).stdout.strip() == "OK"


# --- under TLS 1.3 keys: a client of our own (tls13_wire) --------------------

from tls13_wire import ALERT, APPLICATION_DATA, CHANGE_CIPHER_SPEC, HANDSHAKE, Tls13Client, key_update  # noqa: E402


def wire_client(port: int) -> Tls13Client:
    client = Tls13Client(port)
    client.send(APPLICATION_DATA, b"ping")
    assert client.receive() == (APPLICATION_DATA, b"ping")  # keys agreed, the server echoes
    return client


def test_wire_client_key_update_alone_is_followed(server):
    # The control: a well-formed KeyUpdate, alone in its record, moves the
    # server's receiving keys (patch 0005) and data flows on.
    port, _ = server
    client = wire_client(port)
    client.send(HANDSHAKE, key_update())
    client.out.update()
    client.send(APPLICATION_DATA, b"after")
    assert client.receive() == (APPLICATION_DATA, b"after")
    client.close()


@pytest.mark.parametrize("what", ["start-of-another", "two-key-updates"])
def test_key_update_not_at_the_end_of_its_record_gets_unexpected_message(server, what):
    # RFC 8446 5.1: a KeyUpdate must be aligned with a record boundary.
    port, _ = server
    client = wire_client(port)
    more = key_update() if what == "two-key-updates" else key_update()[:2]
    client.send(HANDSHAKE, key_update() + more)
    assert client.alert() == (2, 10)
    client.close()


@pytest.mark.parametrize("between", [b"x", b""], ids=["data", "empty-data"])
def test_key_update_split_by_application_data_gets_unexpected_message(server, between):
    # RFC 8446 5.1: handshake fragments are not interleaved with other
    # record types (zero-length application data included).
    port, _ = server
    client = wire_client(port)
    message = key_update()
    client.send(HANDSHAKE, message[:2])
    client.send(APPLICATION_DATA, between)
    client.send(HANDSHAKE, message[2:])
    assert client.alert() == (2, 10)
    client.close()


def test_protected_plaintext_over_2_14_gets_record_overflow(server):
    # RFC 8446 5.2: a record that decrypts to more than 2^14 bytes.
    port, _ = server
    client = wire_client(port)
    client.send(APPLICATION_DATA, bytes(2**14 + 1))
    assert client.alert() == (2, 22)
    client.close()


def test_protected_record_padded_to_the_limit_is_accepted(server):
    # 2^14 bytes of data plus 239 bytes of padding: 2^14 + 256 with the tag.
    port, _ = server
    client = wire_client(port)
    client.send(APPLICATION_DATA, b"z" * 2**14, padding=239)
    got = b""
    while len(got) < 2**14:
        content_type, data = client.receive()
        assert content_type == APPLICATION_DATA
        got += data
    assert got == b"z" * 2**14
    client.close()


@pytest.mark.parametrize("level", [0, 3])
def test_protected_alert_with_an_unknown_level_gets_illegal_parameter(server, level):
    port, _ = server
    client = wire_client(port)
    client.send(ALERT, bytes([level, 10]))
    assert client.alert() == (2, 47)
    client.close()


def test_protected_change_cipher_spec_gets_unexpected_message(server):
    # RFC 8446 5: "receives a protected change_cipher_spec record MUST abort
    # the handshake with an unexpected_message alert".
    port, _ = server
    client = wire_client(port)
    client.send(CHANGE_CIPHER_SPEC, b"\x01")
    assert client.alert() == (2, 10)
    client.close()


# --- the client role: our client against hand-built servers ------------------

CLIENT = """
import socket, ssl
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.load_verify_locations(cafile=CA)
s = socket.socket()
s.connect(socket.getaddrinfo("127.0.0.1", PORT)[0][-1])
try:
    t = ctx.wrap_socket(s, server_hostname="localhost")
    while True:
        d = t.recv(100)
        if not d:
            print("EOF")
            break
        print("DATA", d)
except OSError as e:
    print("ERR", e.args[-1])
"""


def read_record(sock: socket.socket) -> bytes:
    head = b""
    while len(head) < 5:
        chunk = sock.recv(5 - len(head))
        assert chunk, "closed"
        head += chunk
    body = b""
    length = int.from_bytes(head[3:5], "big")
    while len(body) < length:
        chunk = sock.recv(length - len(body))
        assert chunk, "closed"
        body += chunk
    return head + body


class HandBuiltServer:
    """A listening socket our client connects to; the test answers its
    ClientHello with whatever records it likes."""

    def __init__(self, mp, pki) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.bg = mp.start("print('started')\n" + CLIENT, PORT=self.listener.getsockname()[1],
                           CA=str(pki["ca"].cert_pem))
        self.sock, _ = self.listener.accept()
        self.sock.settimeout(20)
        self.client_hello = read_record(self.sock)
        assert self.client_hello[0] == 22 and self.client_hello[5] == 1

    def finish(self) -> list[str]:
        self.sock.close()
        self.listener.close()
        result = self.bg.finish(timeout=30)
        assert "Sanitizer" not in result.stderr and "runtime error" not in result.stderr, result.stderr
        return result.stdout.splitlines()


@pytest.mark.parametrize("records,alert", [
    (record(21, b"\x00\x28"), 47),                                   # alert of level 0
    (record(22, b"\x02" + (2**14 - 3).to_bytes(3, "big") + bytes(2**14 - 3)), 22),   # 2^14 + 1 bytes
    (record(22, b"\x02\xff\xff\xff" + bytes(2**14 - 4)) + record(22, bytes(2**14)), 47),  # a 16 MiB ServerHello
    (record(22, b"\x02\x00\x00\x46\x03\x03") + record(23, b"x"), 10),  # data inside a ServerHello
], ids=["alert-level-0", "plaintext-over-2^14", "huge-server-hello", "interleaved"])
def test_client_answers_malformed_server_records_with_the_rfc_alert(mp, pki, records, alert):
    server = HandBuiltServer(mp, pki)
    try:
        server.sock.sendall(records)
    except (BrokenPipeError, ConnectionResetError):
        pass
    got = read_plain_alert(server.sock)
    lines = server.finish()
    assert got == (2, alert), (got, lines)
    assert lines[-1].startswith("ERR"), lines


class BioServer:
    """CPython as a TLS server over memory BIOs, so that raw records can be
    slipped in after the handshake; our client is connected to it."""

    def __init__(self, mp, pki, version: ssl.TLSVersion) -> None:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(pki["server_ec"].cert_pem, pki["server_ec"].key_pem)
        ctx.minimum_version = ctx.maximum_version = version
        self.incoming, self.outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        self.tls = ctx.wrap_bio(self.incoming, self.outgoing, server_side=True)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.bg = mp.start("print('started')\n" + CLIENT, PORT=self.listener.getsockname()[1],
                           CA=str(pki["ca"].cert_pem))
        self.sock, _ = self.listener.accept()
        self.sock.settimeout(20)
        while True:
            try:
                self.tls.do_handshake()
                break
            except ssl.SSLWantReadError:
                self.sock.sendall(self.outgoing.read())
                data = self.sock.recv(65536)
                assert data, "client closed during the handshake"
                self.incoming.write(data)
        self.tls.write(b"hello")
        self.sock.sendall(self.outgoing.read())
        assert self.bg.proc.stdout.readline().strip() == "DATA b'hello'"  # the client is past the handshake

    def alert_after(self, raw: bytes) -> str:
        self.sock.sendall(raw)
        try:
            while True:
                try:
                    got = self.tls.read(100)
                    return f"no alert (read {got!r})"
                except ssl.SSLWantReadError:
                    data = self.sock.recv(65536)
                    if not data:
                        return "no alert (closed)"
                    self.incoming.write(data)
        except ssl.SSLError as e:
            return e.reason or str(e)
        except ConnectionResetError:
            return "no alert (reset)"

    def finish(self) -> list[str]:
        self.sock.close()
        self.listener.close()
        result = self.bg.finish(timeout=30)
        assert "Sanitizer" not in result.stderr and "runtime error" not in result.stderr, result.stderr
        return result.stdout.splitlines()


@pytest.mark.parametrize("version,raw,alert", [
    (V13, record(20, b"\x01"), "UNEXPECTED_MESSAGE"),                    # CCS after the handshake
    (V13, record(23, bytes(2**14 + 257)), "RECORD_OVERFLOW"),
    (V12, record(23, bytes(2**14 + 2049)), "RECORD_OVERFLOW"),
], ids=["tls13-late-ccs", "tls13-ciphertext-over-limit", "tls12-ciphertext-over-limit"])
def test_client_answers_bad_records_after_the_handshake_with_the_rfc_alert(mp, pki, version, raw, alert):
    server = BioServer(mp, pki, version)
    reason = server.alert_after(raw)
    lines = server.finish()
    assert alert in reason.upper(), (reason, lines)
    assert lines and lines[-1].startswith("ERR"), lines


class WireServer:
    """Our client connected to tls13_wire's server."""

    def __init__(self, mp, pki, leaf="server_ec", ca="ca", **server_options) -> None:
        from tls13_wire import Tls13Server
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.bg = mp.start("print('started')\n" + CLIENT, PORT=self.listener.getsockname()[1],
                           CA=str(pki[ca].cert_pem))
        sock, _ = self.listener.accept()
        sock.settimeout(20)
        self.tls = Tls13Server(sock, pki[leaf].cert_pem, pki[leaf].key_pem, **server_options)
        self.tls.send(APPLICATION_DATA, b"hello")
        assert self.bg.proc.stdout.readline().strip() == "DATA b'hello'"  # the client is past the handshake

    def finish(self) -> list[str]:
        self.tls.close()
        self.listener.close()
        result = self.bg.finish(timeout=30)
        assert "Sanitizer" not in result.stderr and "runtime error" not in result.stderr, result.stderr
        return result.stdout.splitlines()


def test_client_follows_a_key_update_from_the_wire_server(mp, pki):
    # The control for the tests below: a KeyUpdate alone in its record.
    server = WireServer(mp, pki)
    server.tls.send(HANDSHAKE, key_update())
    server.tls.out.update()
    server.tls.send(APPLICATION_DATA, b"after")
    assert server.bg.proc.stdout.readline().strip() == "DATA b'after'"
    server.tls.send(ALERT, b"\x01\x00")  # close_notify
    assert server.finish() == ["EOF"]


@pytest.mark.parametrize("salt", [32, 64, 222])
def test_client_accepts_rsa_pss_certificate_verify_salts(mp, pki, salt):
    # RFC 8446 4.2.3 asks for a salt as long as the hash (32 bytes); mbedTLS
    # verifies TLS's RSA-PSS signatures with any salt length (PSA's
    # PSA_ALG_RSA_PSS_ANY_SALT), up to the longest a 2048-bit key allows.
    server = WireServer(mp, pki, leaf="server_rsa", ca="ca_rsa", pss_salt_length=salt)
    server.tls.send(ALERT, b"\x01\x00")  # close_notify
    assert server.finish() == ["EOF"]


@pytest.mark.parametrize("payload,alert", [
    ((HANDSHAKE, key_update() + key_update()), 10),                  # two KeyUpdates in one record
    ((HANDSHAKE, key_update() + key_update()[:2]), 10),              # KeyUpdate, then more in its record
    ((ALERT, b"\x00\x0a"), 47),                                      # alert level 0
    ((APPLICATION_DATA, bytes(2**14 + 1)), 22),                      # plaintext over 2^14
    ((CHANGE_CIPHER_SPEC, b"\x01"), 10),                             # protected CCS
], ids=["two-key-updates", "key-update-then-more", "alert-level-0", "plaintext-over-2^14", "protected-ccs"])
def test_client_answers_bad_protected_records_with_the_rfc_alert(mp, pki, payload, alert):
    server = WireServer(mp, pki)
    server.tls.send(*payload)
    got = server.tls.alert()
    lines = server.finish()
    assert got == (2, alert), (got, lines)
    assert lines[-1].startswith("ERR"), lines


@pytest.mark.parametrize("content_type,data,alert", [
    (23, b"control", None),                         # the writer is right: echoed
    (20, b"\x01", "UNEXPECTED_MESSAGE"),           # ChangeCipherSpec after the handshake
    (21, b"\x00\x0a", "ILLEGAL_PARAMETER"),       # alert of level 0
    (23, bytes(2**14 + 1), "RECORD_OVERFLOW"),      # plaintext over 2^14
], ids=["control", "late-ccs", "alert-level-0", "plaintext-over-2^14"])
def test_tls12_protected_records_get_the_rfc_alert(server, pki, tmp_path, content_type, data, alert):
    port, _ = server
    keylog = str(tmp_path / "keys.log")
    session = Session(port, pki["ca"].cert_pem, V12, keylog=keylog)
    raw = Tls12Writer(session, keylog).seal(content_type, data)
    if alert is None:
        session.inject(raw)
        assert session.read() == data
        return
    reason = session.alert_after(raw)
    assert alert in reason.upper(), reason
