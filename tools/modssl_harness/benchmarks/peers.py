"""Host peers for the bulk benchmark: a CPython TLS 1.2 sink and source.

A client sends "U<n>\\n" then n bytes (the server answers b"K" once all have
arrived) or "D<n>\\n" (the server sends n bytes).  The cipher suite is the
client's choice: it offers one, the server allows both AEAD suites.
The handshake benchmarks reuse hostserver.TlsEchoServer.
"""

from __future__ import annotations

import socket
import ssl
import threading

from ..certs import Issued
from .cpython_side import OPENSSL_CIPHERS, nodelay


class BulkServer:
    def __init__(self, cert: Issued) -> None:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert.chain_pem, cert.key_pem)
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        ctx.set_ciphers(":".join(OPENSSL_CIPHERS.values()))
        self.context = ctx
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self.port = self._listener.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> "BulkServer":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._listener.close()

    def _loop(self) -> None:
        # One connection at a time: the clients are sequential, and a
        # single thread keeps the peer's own cost steady between runs.
        while not self._stop.is_set():
            try:
                raw, _ = self._listener.accept()
            except (socket.timeout, OSError):
                continue
            try:
                self._serve(raw)
            except (ssl.SSLError, OSError):
                pass
            finally:
                raw.close()

    def _serve(self, raw: socket.socket) -> None:
        raw.settimeout(60)
        nodelay(raw)
        with self.context.wrap_socket(raw, server_side=True) as tls:
            line = b""
            while not line.endswith(b"\n"):
                part = tls.recv(1)
                if not part:
                    return
                line += part
            way, size = line[:1], int(line[1:])
            buf = bytearray(65536)
            if way == b"U":
                left = size
                while left > 0:
                    n = tls.recv_into(buf)
                    if not n:
                        return
                    left -= n
                tls.sendall(b"K")
            else:
                block = bytes(16384)
                left = size
                while left > 0:
                    k = min(left, len(block))
                    tls.sendall(block[:k])
                    left -= k
            # Wait for the client's close so the last records are not reset.
            try:
                tls.recv(1)
            except (ssl.SSLError, OSError):
                pass
