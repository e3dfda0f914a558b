"""Errors a user can act on: running out of memory is MemoryError (or OSError
ENOMEM), never OSError(0) or a TLS error; socket failures carry text."""

from __future__ import annotations

import errno
import socket
import struct
import threading

import pytest

OOM_CLIENT = """
import gc, socket, ssl
addr = socket.getaddrinfo("127.0.0.1", PORT)[0][-1]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.load_verify_locations(cafile=CA)
for free in range(2000, 90000, 3000):
    gc.collect()
    hog = []
    try:
        left = gc.mem_free() - free
        while left > 64:
            hog.append(bytearray(max(16, left // 2)))
            left = gc.mem_free() - free
    except MemoryError:
        pass
    s = None
    try:
        s = socket.socket()
        s.connect(addr)
        t = ctx.wrap_socket(s, server_hostname="localhost")
        t.close()
        r = "ok"
    except MemoryError:
        r = "MemoryError"
    except OSError as e:
        r = "OSError %r" % (e.args,)
    hog = None
    if s is not None:
        s.close()
    print(free, r)
"""


@pytest.mark.no_asan  # the sanitizer build keeps mbedTLS on libc malloc
def test_out_of_memory_is_memory_error(mp, pki, tls_server):
    server = tls_server("server_ec")
    out = mp.run(OOM_CLIENT, PORT=server.port, CA=str(pki["ca"].cert_pem), timeout=300).lines
    verdicts = {line.split(" ", 1)[1] for line in out}
    assert "ok" in verdicts and "MemoryError" in verdicts, out  # the range spans both
    bad = [line for line in out if line.split(" ", 1)[1] not in ("ok", "MemoryError") and "(12," not in line]
    assert not bad, out


RESET_CLIENT = """
import socket, ssl
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.load_verify_locations(cafile=CA)
s = socket.socket()
s.connect(socket.getaddrinfo("127.0.0.1", PORT)[0][-1])
try:
    ctx.wrap_socket(s, server_hostname="localhost")
except OSError as e:
    print(type(e).__name__, e.args)
"""


def test_connection_reset_says_so(mp, pki):
    """A peer that resets the connection mid-handshake: OSError(ECONNRESET, text)."""
    listener = socket.create_server(("127.0.0.1", 0))

    def reset_after_hello():
        conn, _ = listener.accept()
        conn.recv(4096)  # the ClientHello has arrived: the client now reads
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        conn.close()  # RST, not FIN

    thread = threading.Thread(target=reset_after_hello, daemon=True)
    thread.start()
    try:
        out = mp.run(RESET_CLIENT, PORT=listener.getsockname()[1], CA=str(pki["ca"].cert_pem)).stdout.strip()
    finally:
        thread.join(10)
        listener.close()
    assert out == f"OSError ({errno.ECONNRESET}, 'connection reset by the peer')"
