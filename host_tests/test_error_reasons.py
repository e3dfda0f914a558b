"""SSLError.reason and .library, CPython's, from the C module: the same
failure seen by CPython's ssl and by the firmware gives the same reason, and
the pyOpenSSL face's Error says what pyOpenSSL (OpenSSL 4) says for it.

The peer is a real TCP server that reads the ClientHello and answers with one
fatal alert record (or with nothing: it closes), as a TLS server refusing a
handshake does."""

from __future__ import annotations

import socket
import ssl
import threading

import pytest
from OpenSSL import SSL

# Every fatal alert the C module has a name for (close_notify is not an error).
ALERTS = [10, 20, 22, 40, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 70, 71, 80, 86, 90, 100, 109, 110, 112, 113,
          115, 116, 120]
EOF_CASE = -1  # the peer closes after the ClientHello


def _serve(listener, plan):
    for code in plan:
        conn, _ = listener.accept()
        with conn:
            head = b""
            while len(head) < 5:
                chunk = conn.recv(5 - len(head))
                if not chunk:
                    break
                head += chunk
            need = int.from_bytes(head[3:5], "big") if len(head) == 5 else 0
            while need > 0:  # the whole ClientHello: closing with unread data would reset
                chunk = conn.recv(need)
                if not chunk:
                    break
                need -= len(chunk)
            if code != EOF_CASE:
                conn.sendall(bytes([21, 3, 3, 0, 2, 2, code]))
            conn.shutdown(socket.SHUT_WR)
            while conn.recv(4096):  # until the client has closed
                pass


@pytest.fixture
def refusing_server():
    """start(plan): a server that answers the i-th connection as plan[i] says; its port."""
    listener = socket.create_server(("127.0.0.1", 0))
    threads = []

    def start(plan):
        thread = threading.Thread(target=_serve, args=(listener, plan), daemon=True)
        thread.start()
        threads.append(thread)
        return listener.getsockname()[1]

    yield start
    listener.close()
    for thread in threads:
        thread.join(10)


def cpython_reason(port):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    with socket.create_connection(("127.0.0.1", port)) as sock:
        try:
            ctx.wrap_socket(sock)
        except ssl.SSLError as exc:
            return exc.reason, exc.library
    raise AssertionError("handshake succeeded")


def pyopenssl_reason(port):
    ctx = SSL.Context(SSL.TLS_METHOD)
    with socket.create_connection(("127.0.0.1", port)) as sock:
        conn = SSL.Connection(ctx, sock)
        conn.set_connect_state()
        try:
            conn.do_handshake()
        except SSL.SysCallError as exc:
            return "SysCallError %r" % (exc.args,)
        except SSL.Error as exc:
            return exc.args[0][0][2]
    raise AssertionError("handshake succeeded")


DEVICE = """
import socket, ssl
from OpenSSL import SSL
addr = socket.getaddrinfo("127.0.0.1", PORT)[0][-1]
for code in PLAN[::2]:
    s = socket.socket()
    s.connect(addr)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.verify_mode = ssl.CERT_NONE
    try:
        ctx.wrap_socket(s)
        print("no error")
    except ssl.SSLError as e:
        print(type(e).__name__, e.args[0], e.reason, e.library, "|", e.args[1])
    s.close()
    s = socket.socket()
    s.connect(addr)
    c = SSL.Connection(SSL.Context(SSL.TLS_METHOD), s)
    c.set_connect_state()
    try:
        c.do_handshake()
        print("no error")
    except SSL.SysCallError as e:
        print("SysCallError %r" % (e.args,))
    except SSL.Error as e:
        print(e.args[0][0][2])
    s.close()
"""


def test_reasons_as_cpython_and_pyopenssl(mp, refusing_server):
    """Each alert (and an EOF) as the firmware's ssl and OpenSSL.SSL report it,
    against what CPython's ssl and pyOpenSSL report for the same peer."""
    cases = ALERTS + [EOF_CASE]
    port = refusing_server([c for c in cases for _ in (0, 1)])
    expected = []
    for _ in cases:
        expected.append((cpython_reason(port), pyopenssl_reason(port)))
    device_port = refusing_server([c for c in cases for _ in (0, 1)])
    lines = mp.run(DEVICE, PORT=device_port, PLAN=[c for c in cases for _ in (0, 1)]).lines
    assert len(lines) == 2 * len(cases), lines
    for i, code in enumerate(cases):
        (want_reason, want_library), want_pyopenssl = expected[i]
        head, text = lines[2 * i].split(" | ", 1)
        kind, errcode, reason, library = head.split(" ")
        assert kind == "OSError"  # SSLError is OSError on MicroPython
        if code == EOF_CASE:
            assert text == "connection closed by the peer without close_notify"
        else:
            assert text.startswith("peer sent fatal alert: "), text
            assert text.endswith(f" ({code})"), text
        # CPython's table of OpenSSL 3.0's reason names lacks two (reason None):
        # the firmware gives OpenSSL's (SSL_R_TLSV1_ALERT_...), whose words
        # pyOpenSSL shows (checked below).
        if want_reason is None:
            assert (code, reason, library) in ((115, "TLSV1_ALERT_UNKNOWN_PSK_IDENTITY", "SSL"),
                                               (120, "TLSV1_ALERT_NO_APPLICATION_PROTOCOL", "SSL"))
        else:
            assert (code, reason, library) == (code, want_reason, want_library)
        assert (code, lines[2 * i + 1]) == (code, want_pyopenssl)


def test_reason_none_where_openssl_has_none(mp, refusing_server):
    """A failure OpenSSL has no reason for (an alert with no name): reason and
    library are None; the pyOpenSSL face's Error keeps the C module's text."""
    port = refusing_server([255, 255])
    out = mp.run(DEVICE, PORT=port, PLAN=[255, 255]).lines
    assert out == ["OSError -30592 None None | peer sent fatal alert: unknown alert (255)",
                   "peer sent fatal alert: unknown alert (255)"]


def test_certificate_verify_failed_reason(mp, pki, tls_server):
    """SSLCertVerificationError carries CPython's reason and library too."""
    server = tls_server("server_ec")
    out = mp.run("""
import socket, ssl
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.load_verify_locations(cafile=OTHER_CA)
s = socket.socket()
s.connect(socket.getaddrinfo("127.0.0.1", PORT)[0][-1])
try:
    ctx.wrap_socket(s, server_hostname="localhost")
except ssl.SSLCertVerificationError as e:
    print(e.reason, e.library, e.verify_code)
""", PORT=server.port, OTHER_CA=str(pki["other_ca"].cert_pem)).lines
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(cafile=str(pki["other_ca"].cert_pem))
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        with pytest.raises(ssl.SSLCertVerificationError) as info:
            ctx.wrap_socket(sock, server_hostname="localhost")
    assert out == [f"{info.value.reason} {info.value.library} {info.value.verify_code}"]
