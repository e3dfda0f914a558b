"""Host-side TLS peers: CPython `ssl` echo servers on 127.0.0.1.

The device (or the unix firmware standing in for one) connects to these.
Each server accepts connections in threads, echoes what it receives, ends
with a clean TLS shutdown, and records what it saw (protocol version,
cipher, client certificate, errors) so tests can assert on the server side
too.
"""

from __future__ import annotations

import socket
import ssl
import threading
from dataclasses import dataclass, field
from pathlib import Path

from .certs import Issued


@dataclass
class Seen:
    """What the server observed for one connection."""

    version: str | None = None
    cipher: str | None = None
    alpn: str | None = None
    peer_cert: dict | None = None
    received: bytes = b""
    resumed: bool = False
    error: str | None = None


@dataclass
class TlsEchoServer:
    cert: Issued
    min_version: ssl.TLSVersion | None = None
    max_version: ssl.TLSVersion | None = None
    client_ca: Path | None = None  # require a client certificate signed by it
    alpn: list[str] | None = None
    send_chain: bool = True
    host: str = "127.0.0.1"
    # Seconds to wait before answering a new connection's ClientHello, so a
    # non-blocking client surely sees its handshake wait.
    answer_delay: float = 0.0
    seen: list[Seen] = field(default_factory=list)

    def __post_init__(self) -> None:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        chain = self.cert.chain_pem if self.send_chain else self.cert.cert_pem
        ctx.load_cert_chain(chain, self.cert.key_pem)
        if self.min_version:
            ctx.minimum_version = self.min_version
        if self.max_version:
            ctx.maximum_version = self.max_version
        if self.client_ca:
            ctx.verify_mode = ssl.CERT_REQUIRED
            ctx.load_verify_locations(cafile=str(self.client_ca))
        if self.alpn:
            ctx.set_alpn_protocols(self.alpn)
        self.context = ctx
        self._listener = socket.create_server((self.host, 0))
        self._listener.settimeout(0.2)
        self.port = self._listener.getsockname()[1]
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._served = threading.Condition()
        self._finished = 0
        self._acceptor = threading.Thread(target=self._accept_loop, daemon=True)

    def wait_served(self, n: int = 1, timeout: float = 30) -> bool:
        """Wait until n connections have been served to their end (what the
        server saw is then complete: a client may finish before its server)."""
        with self._served:
            return self._served.wait_for(lambda: self._finished >= n, timeout)

    def __enter__(self) -> "TlsEchoServer":
        self._acceptor.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        self._stop.set()
        self._acceptor.join(timeout=5)
        for t in self._threads:
            t.join(timeout=5)
        self._listener.close()

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                raw, _ = self._listener.accept()
            except (socket.timeout, OSError):
                continue
            t = threading.Thread(target=self._serve, args=(raw,), daemon=True)
            self._threads.append(t)
            t.start()

    def _serve(self, raw: socket.socket) -> None:
        record = Seen()
        self.seen.append(record)
        # A board's handshake is slow (an emulated Pico under load: RSA can
        # take a minute of real time): a stuck peer still ends the thread.
        raw.settimeout(120)
        # Small TLS records back to back must not wait for delayed ACKs.
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if self.answer_delay:
            self._stop.wait(self.answer_delay)
        try:
            with self.context.wrap_socket(raw, server_side=True) as tls:
                record.version = tls.version()
                record.cipher = tls.cipher()[0]
                record.alpn = tls.selected_alpn_protocol()
                record.peer_cert = tls.getpeercert()
                record.resumed = tls.session_reused
                while True:
                    data = tls.recv(16384)
                    if not data:
                        break
                    record.received += data
                    tls.sendall(data)
                try:
                    tls.unwrap()
                except (ssl.SSLError, OSError):
                    pass
        except (ssl.SSLError, OSError) as e:
            record.error = f"{type(e).__name__}: {e}"
        finally:
            raw.close()
            with self._served:
                self._finished += 1
                self._served.notify_all()
