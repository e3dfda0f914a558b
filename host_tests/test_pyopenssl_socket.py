"""OpenSSL.SSL.Connection over real sockets: the firmware against CPython `ssl`.

The Connection moves records between the socket and its memory BIOs itself;
these tests check that a pyOpenSSL-style client and server on the firmware
interoperate with CPython (OpenSSL) peers, blocking and non-blocking.
"""

from __future__ import annotations

import socket
import ssl
import threading

import pytest

CLIENT = """
import select, socket
from OpenSSL import SSL
ctx = SSL.Context(SSL.TLS_CLIENT_METHOD)
ctx.load_verify_locations(CAFILE)
ctx.set_verify(SSL.VERIFY_PEER)
ctx.set_alpn_protos([b"h2", b"http/1.1"])
if CERT:
    ctx.use_certificate_file(CERT)
    ctx.use_privatekey_file(KEY)
s = socket.socket()
s.connect(socket.getaddrinfo("127.0.0.1", PORT)[0][-1])
c = SSL.Connection(ctx, s)
c.set_connect_state()
c.set_tlsext_host_name(b"localhost")
if NONBLOCKING:
    s.setblocking(False)
    poller = select.poll()
    poller.register(s, select.POLLIN)
    while True:
        try:
            c.do_handshake()
            break
        except SSL.WantReadError:
            poller.poll(5000)
else:
    c.do_handshake()
print(c.get_protocol_version_name(), c.get_alpn_proto_negotiated(), c.get_peer_certificate().get_subject().CN)
if NONBLOCKING:
    # The echo server sends nothing unasked: the read must not block.
    try:
        c.recv(100)
    except SSL.WantReadError:
        print("idle recv: WantReadError")
c.sendall(b"ping " * 1000)
got = b""
while len(got) < 5000:
    try:
        got += c.recv(8192)
    except SSL.WantReadError:
        poller.poll(5000)
print(len(got), got[:10])
print("shutdown", c.shutdown())
while True:
    try:
        c.recv(100)
    except SSL.WantReadError:
        poller.poll(5000)
    except SSL.ZeroReturnError:
        print("ZeroReturnError")
        break
s.close()
"""


@pytest.mark.parametrize("version", [ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3])
@pytest.mark.parametrize("nonblocking", [False, True])
def test_client_against_cpython_server(mp, pki, tls_server, version, nonblocking):
    server = tls_server("server_ec", min_version=version, max_version=version, alpn=["http/1.1"])
    out = mp.run(CLIENT, PORT=server.port, CAFILE=str(pki["ca"].cert_pem), CERT=None, KEY=None,
                 NONBLOCKING=nonblocking).lines
    want = {"TLSv1_2": "TLSv1.2", "TLSv1_3": "TLSv1.3"}[version.name]
    if nonblocking:
        assert out.pop(1) == "idle recv: WantReadError"
    assert out == [f"{want} b'http/1.1' localhost", "5000 b'ping ping '", "shutdown False", "ZeroReturnError"]
    assert server.wait_served(1)
    seen = server.seen[0]
    assert seen.version == want and seen.alpn == "http/1.1"
    assert seen.received == b"ping " * 1000
    assert seen.error is None  # our close_notify arrived


@pytest.mark.parametrize("kind", ["ec", "rsa"])
def test_client_certificate_to_cpython_server(mp, pki, tls_server, kind):
    # TLS 1.3: an RSA client signs its CertificateVerify with RSA-PSS, whose
    # salt OpenSSL requires to be the hash's length (RFC 8446 4.2.3).
    ca = "ca_rsa" if kind == "rsa" else "ca"
    server = tls_server("server_ec", client_ca=pki[ca].cert_pem)
    out = mp.run(CLIENT, PORT=server.port, CAFILE=str(pki["ca"].cert_pem), CERT=str(pki[f"client_{kind}"].cert_pem),
                 KEY=str(pki[f"client_{kind}"].key_pem), NONBLOCKING=False).lines
    assert out[-1] == "ZeroReturnError"
    assert server.wait_served(1)
    assert server.seen[0].version == "TLSv1.3"
    subject = dict(x[0] for x in server.seen[0].peer_cert["subject"])
    assert subject["commonName"] == ("device-client-rsa" if kind == "rsa" else "device-client")


def test_client_rejects_unknown_server(mp, pki, tls_server):
    server = tls_server("server_unknown_ca")
    script = CLIENT.replace("    c.do_handshake()\nprint", "    try:\n        c.do_handshake()\n"
                            "    except SSL.Error as e:\n        print(type(e).__name__, e.args[0][0][2])\n"
                            "        raise SystemExit\nprint")
    out = mp.run(script, PORT=server.port, CAFILE=str(pki["ca"].cert_pem), CERT=None, KEY=None,
                 NONBLOCKING=False).lines
    assert out == ["Error certificate verify failed"]
    assert server.wait_served(1)
    assert "UNKNOWN_CA" in server.seen[0].error.upper()


SERVER = """
from listening import listen
from OpenSSL import SSL
ctx = SSL.Context(SSL.TLS_METHOD)
ctx.use_certificate_chain_file(CHAIN)
ctx.use_privatekey_file(KEY)
ctx.load_verify_locations(CA)
ctx.set_verify(SSL.VERIFY_PEER | SSL.VERIFY_FAIL_IF_NO_PEER_CERT)
ctx.set_alpn_select_callback(lambda conn, offered: offered[-1])
listener, port = listen(1)
server = SSL.Connection(ctx, listener)
print("LISTENING", port)
conn, addr = server.accept()
conn.do_handshake()
print(conn.get_protocol_version_name(), conn.get_servername(), conn.get_alpn_proto_negotiated())
print(conn.get_peer_certificate().get_subject().CN)
data = conn.recv(1024)
conn.sendall(data.upper())
try:
    conn.recv(1024)
except SSL.ZeroReturnError:
    print("client closed")
print("shutdown", conn.shutdown())
conn.close()
"""


@pytest.mark.parametrize("version", [ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3])
def test_server_for_cpython_client(mp, pki, version):
    bg = mp.start(SERVER, CHAIN=str(pki["server_ec"].chain_pem), KEY=str(pki["server_ec"].key_pem),
                  CA=str(pki["ca"].cert_pem))
    word, port = bg.first_line.split()
    assert word == "LISTENING", bg.first_line
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(cafile=str(pki["ca"].cert_pem))
    ctx.load_cert_chain(pki["client_ec"].cert_pem, pki["client_ec"].key_pem)
    ctx.set_alpn_protocols(["h2", "http/1.1"])
    ctx.minimum_version = ctx.maximum_version = version
    with socket.create_connection(("127.0.0.1", int(port)), timeout=30) as raw:
        with ctx.wrap_socket(raw, server_hostname="localhost") as tls:
            got_version = tls.version()
            tls.sendall(b"hello device")
            reply = tls.recv(100)
            tls.unwrap()  # sends close_notify, waits for the device's
    result = bg.finish()
    want = {"TLSv1_2": "TLSv1.2", "TLSv1_3": "TLSv1.3"}[version.name]
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [f"{want} b'localhost' b'http/1.1'", "device-client", "client closed",
                                          "shutdown True"]
    assert (got_version, reply) == (want, b"HELLO DEVICE")


DTLS_CLIENT = """
import socket
from OpenSSL import SSL
ctx = SSL.Context(SSL.DTLS_CLIENT_METHOD)
ctx.load_verify_locations(CA)
ctx.set_verify(SSL.VERIFY_PEER)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.connect(socket.getaddrinfo("127.0.0.1", PORT)[0][-1])
c = SSL.Connection(ctx, s)
c.set_connect_state()
c.do_handshake()
print(c.get_protocol_version_name(), c.get_peer_certificate().get_subject().CN)
for n in (5, 500):
    c.send(b"d" * n)
    print(c.recv(2000))
print("shutdown", c.shutdown())
"""


def test_dtls_client_against_pyopenssl_server(mp, pki):
    """Our DTLS client on a UDP socket; the real pyOpenSSL as the server, its
    memory BIOs relayed to the same UDP socket by this test."""
    from OpenSSL import SSL

    ctx = SSL.Context(SSL.DTLS_SERVER_METHOD)
    ctx.use_certificate_chain_file(str(pki["server_ec"].chain_pem))
    ctx.use_privatekey_file(str(pki["server_ec"].key_pem))
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", 0))
    udp.settimeout(0.2)
    stop = threading.Event()
    seen: dict[str, object] = {"received": []}

    def serve() -> None:
        conn = SSL.Connection(ctx, None)
        conn.set_accept_state()
        peer = None
        while not stop.is_set():
            try:
                datagram, peer = udp.recvfrom(65536)
                conn.bio_write(datagram)
            except socket.timeout:
                pass
            try:
                if "version" not in seen:
                    conn.do_handshake()
                    seen["version"] = conn.get_protocol_version_name()
                data = conn.recv(2000)
                seen["received"].append(len(data))
                conn.send(data.upper())
            except SSL.WantReadError:
                pass
            except SSL.ZeroReturnError:
                seen["closed"] = True
                stop.set()
            except SSL.Error as exc:
                seen["error"] = repr(exc)
                stop.set()
            while peer is not None:
                try:
                    udp.sendto(conn.bio_read(65536), peer)
                except SSL.WantReadError:
                    break

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        out = mp.run(DTLS_CLIENT, PORT=udp.getsockname()[1], CA=str(pki["ca"].cert_pem)).lines
        thread.join(timeout=10)
    finally:
        stop.set()
        thread.join(timeout=5)
        udp.close()
    assert out == ["DTLSv1.2 localhost", "b'DDDDD'", "b'" + "D" * 500 + "'", "shutdown False"]
    assert seen == {"received": [5, 500], "version": "DTLSv1.2", "closed": True}


ALERT_CLIENT = """
import socket
from OpenSSL import SSL
ctx = SSL.Context(SSL.TLS_CLIENT_METHOD)
ctx.load_verify_locations(CAFILE)
ctx.set_verify(SSL.VERIFY_PEER)
ctx.set_max_proto_version(SSL.TLS1_2_VERSION)
s = socket.socket()
s.connect(socket.getaddrinfo("127.0.0.1", PORT)[0][-1])
c = SSL.Connection(ctx, s)
c.set_connect_state()
try:
    c.do_handshake()
except SSL.Error as e:
    print(e.args[0][0][2])
"""


def test_received_alert_reason_as_openssl(mp, pki, tls_server):
    """A TLS 1.3-only server answers a TLS 1.2 client with protocol_version:
    the Error's reason is OpenSSL's words for it (the alert's name comes from
    the C module's table, the prefix from OpenSSL)."""
    server = tls_server("server_ec", min_version=ssl.TLSVersion.TLSv1_3)
    out = mp.run(ALERT_CLIENT, PORT=server.port, CAFILE=str(pki["ca"].cert_pem)).lines
    assert out == ["tlsv1 alert protocol version"]


# Every received alert's reason, against pyOpenSSL's and CPython's:
# test_error_reasons.py.
