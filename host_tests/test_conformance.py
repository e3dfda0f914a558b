"""Protocol properties a conforming endpoint has (RFC 8446, 5246), checked
against our server and client with hand-made and real peers."""

from __future__ import annotations

import socket
import ssl

import pytest

# Serves CONNS connections: handshake, echo until EOF; prints one line each.
SERVER = """
import ssl
from listening import listen
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(CERT, KEY)
if CIPHERS:
    ctx.set_ciphers(CIPHERS)
if CLIENT_CA:
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.load_verify_locations(cafile=CLIENT_CA)
s, port = listen(4)
print("ready", port)
for _ in range(CONNS):
    c, _ = s.accept()
    try:
        t = ctx.wrap_socket(c, server_side=True)
        while True:
            d = t.recv(1024)
            if not d:
                break
            t.write(d)
        t.close()
        print("OK")
    except OSError as e:
        print("ERR", e.args[-1])
        c.close()
"""


def start(mp, pki, conns=1, client_ca=None, cert="server_ec", ciphers=None):
    """SERVER on a port it binds itself; returns (port, background script)."""
    bg = mp.start(SERVER, CERT=str(pki[cert].cert_pem), KEY=str(pki[cert].key_pem), CONNS=conns,
                  CLIENT_CA=client_ca, CIPHERS=ciphers)
    word, port = bg.first_line.split()
    assert word == "ready", bg.first_line
    return int(port), bg


def fragmented_client(port: int, ca, version: ssl.TLSVersion, fragment: int) -> bytes:
    """A CPython client whose ClientHello is cut into records of `fragment` bytes."""
    ctx = ssl.create_default_context(cafile=str(ca))
    ctx.minimum_version = ctx.maximum_version = version
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = ctx.wrap_bio(incoming, outgoing, server_hostname="localhost")
    with pytest.raises(ssl.SSLWantReadError):
        tls.do_handshake()
    hello = outgoing.read()
    body = hello[5:]
    records = b"".join(
        bytes([22]) + hello[1:3] + len(body[i:i + fragment]).to_bytes(2, "big") + body[i:i + fragment]
        for i in range(0, len(body), fragment)
    )
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        sock.sendall(records)
        while True:
            try:
                tls.do_handshake()
                break
            except ssl.SSLWantReadError:
                sock.sendall(outgoing.read())
                data = sock.recv(65536)
                assert data, "server closed during the handshake"
                incoming.write(data)
        tls.write(b"fragmented hello")
        sock.sendall(outgoing.read())
        while True:
            try:
                got = tls.read(100)
                break
            except ssl.SSLWantReadError:
                incoming.write(sock.recv(65536))
    return got


@pytest.mark.parametrize("version", [ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3])
@pytest.mark.parametrize("fragment", [1, 3, 50])
def test_server_reassembles_fragmented_client_hello(mp, pki, version, fragment):
    port, bg = start(mp, pki)
    assert fragmented_client(port, pki["ca"].cert_pem, version, fragment) == b"fragmented hello"
    bg.kill()


@pytest.mark.parametrize(
    "version,alert",
    [(ssl.TLSVersion.TLSv1_2, "HANDSHAKE_FAILURE"), (ssl.TLSVersion.TLSv1_3, "CERTIFICATE_REQUIRED")],
)
def test_missing_client_certificate_gets_the_right_alert(mp, pki, version, alert):
    port, bg = start(mp, pki, client_ca=str(pki["ca"].cert_pem))
    ctx = ssl.create_default_context(cafile=str(pki["ca"].cert_pem))
    ctx.minimum_version = ctx.maximum_version = version
    with socket.create_connection(("127.0.0.1", port), timeout=20) as raw:
        with pytest.raises(ssl.SSLError) as err:
            with ctx.wrap_socket(raw, server_hostname="localhost") as tls:
                tls.recv(10)
    assert alert in str(err.value).upper().replace(" ", "_")
    assert "ERR peer did not send a certificate, but one is required" in bg.finish().stdout


@pytest.mark.parametrize(
    "garbage,alert",
    [
        (b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", 10),  # not a TLS record: unexpected_message
        (b"\x16\x03\x01\xff\xff" + b"\x00" * 64, 22),  # longer than any record: record_overflow
    ],
)
def test_malformed_records_get_the_right_fatal_alert(mp, pki, garbage, alert):
    port, bg = start(mp, pki)
    with socket.create_connection(("127.0.0.1", port), timeout=20) as raw:
        raw.sendall(garbage)
        reply = raw.recv(100)
    # A plaintext alert record: content type 21, level fatal (2), description.
    assert reply[:1] == b"\x15" and reply[5:7] == bytes([2, alert]), reply
    assert bg.finish().stdout.startswith("ERR")


@pytest.mark.parametrize("groups", ["P-384", "P-521", "X25519", "P-256"])
def test_server_hello_retry_for_other_groups(mp, pki, openssl, groups):
    port, bg = start(mp, pki)
    client = openssl.client(port, "-tls1_3", "-groups", groups, "-CAfile", str(pki["ca"].cert_pem),
                            "-verify_return_error", "-quiet", "-no_ign_eof")
    client.close_input()
    out = client.wait()
    assert client.proc.returncode == 0, out
    assert bg.finish().stdout.splitlines() == ["OK"]


# A verifying client connected to 127.0.0.1:PORT as `t`.
CLIENT_PRELUDE = """
import socket, ssl
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.load_verify_locations(cafile=CA)
s = socket.socket()
s.connect(socket.getaddrinfo("127.0.0.1", PORT)[0][-1])
t = ctx.wrap_socket(s, server_hostname="localhost")
"""

CLIENT_READ_TO_EOF = CLIENT_PRELUDE + """
got = b""
try:
    while True:
        d = t.recv(100)
        if not d:
            print("clean EOF", got)
            break
        got += d
except OSError as e:
    print("ERROR", got, e.args[-1])
t.close()  # answers a close_notify with ours
"""


@pytest.mark.parametrize("clean", [True, False])
def test_client_tells_close_notify_from_truncation(mp, pki, clean):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(pki["server_ec"].cert_pem, pki["server_ec"].key_pem)
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    bg = mp.start("print('started')\n" + CLIENT_READ_TO_EOF, PORT=port, CA=str(pki["ca"].cert_pem))
    raw, _ = listener.accept()
    tls = ctx.wrap_socket(raw, server_side=True)
    tls.sendall(b"data")
    if clean:
        tls.unwrap()  # close_notify both ways
    else:
        tls.close()  # CPython's close() ends TCP without close_notify
    listener.close()
    out = bg.finish().stdout.strip()
    if clean:
        assert out == "clean EOF b'data'"
    else:
        assert out == "ERROR b'data' connection closed by the peer without close_notify"


def test_client_handles_hello_retry_request(mp, pki, openssl):
    server = openssl.server("-tls1_3", "-groups", "P-384", "-cert", str(pki["server_ec"].cert_pem),
                            "-key", str(pki["server_ec"].key_pem), "-naccept", "1", "-rev")
    out = mp.run(
            """
import socket, ssl
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.load_verify_locations(cafile=CA)
s = socket.socket()
s.connect(socket.getaddrinfo("127.0.0.1", PORT)[0][-1])
t = ctx.wrap_socket(s, server_hostname="localhost")
t.write(b"olleh\\n")
print(t.version(), t.recv(100))
t.close()
""",
        PORT=server.port, CA=str(pki["ca"].cert_pem),
    ).stdout.strip()
    assert out == "TLSv1.3 b'hello\\n'"


KEY_UPDATE_CLIENT = CLIENT_PRELUDE + """
def line():
    buf = b""
    while not buf.endswith(b"\\n"):
        d = t.recv(100)
        if not d:
            break
        buf += d
    return buf
t.write(b"ready\\n")
for reply in (b"after-k\\n", b"after-K\\n"):
    print("got", line())
    t.write(reply)
print("got", line())
t.close()
"""


def test_client_follows_tls13_key_updates(mp, pki, openssl):
    # openssl s_server sends KeyUpdate on its 'k' (not requesting an update
    # back) and 'K' (requesting one) commands; data after each must flow.  A
    # command counts only alone in its read: the data follows once s_server
    # has read the command (and so acted on it before its next read).
    server = openssl.server("-tls1_3", "-cert", str(pki["server_ec"].cert_pem), "-key", str(pki["server_ec"].key_pem),
                            "-naccept", "1")
    client = mp.start("print('started')\n" + KEY_UPDATE_CLIENT, PORT=server.port, CA=str(pki["ca"].cert_pem))
    server.wait_for("ready")
    for command, data, reply in (("k", "one", "after-k"), ("K", "two", "after-K")):
        server.send_alone(f"{command}\n")
        server.send(f"{data}\n")
        server.wait_for(reply)  # our data under (for K) our updated keys
    server.send("end\n")
    out = client.finish().stdout.split("\n")
    assert out[:3] == ["got b'one\\n'", "got b'two\\n'", "got b'end\\n'"]
