"""DTLS peers and links for the host tests: a lossy UDP relay, and pyOpenSSL
DTLS endpoints driven over UDP by pumping their memory BIOs.

Everything listens on 127.0.0.1 only.  The relay's losses come from a seeded
random generator, so a test names the link it runs on; which datagram is hit
still depends on how the peers' timers interleave.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import random
import select
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Self


MTU = 1400  # what the pyOpenSSL peers fragment to

C2S = "c2s"  # client to server
S2C = "s2c"  # server to client

# (direction, index in that direction, payload) -> drop it?
DropRule = Callable[[str, int, bytes], bool]


@dataclass
class Datagram:
    direction: str
    size: int
    fate: str  # "sent", "dropped", "duplicated" or "reordered"
    first_byte: int


class LossyRelay:
    """Forwards datagrams between one client and a server, losing, duplicating
    and reordering some of them.

    Clients send to `address`; the relay forwards to `server` from its own
    port, so the server sees the relay as its client.  `log` keeps every
    datagram's size and fate, for checks on record sizes.
    """

    HOLD_S = 0.05  # a held-back datagram goes out after this at the latest

    def __init__(
        self,
        server: tuple[str, int],
        seed: int = 1,
        loss: float = 0.0,
        duplicate: float = 0.0,
        reorder: float = 0.0,
        drop: DropRule | None = None,
    ) -> None:
        self.rng = random.Random(seed)
        self.loss, self.duplicate, self.reorder = loss, duplicate, reorder
        self.drop = drop
        self.front = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.front.bind(("127.0.0.1", 0))
        self.back = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.back.bind(("127.0.0.1", 0))
        self.back.connect(server)
        self.client: tuple[str, int] | None = None
        self.log: list[Datagram] = []
        self.counts = {C2S: 0, S2C: 0}
        self.held: dict[str, tuple[bytes, float]] = {}
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    @property
    def address(self) -> tuple[str, int]:
        return self.front.getsockname()

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        self.stop_event.set()
        if self.thread.is_alive():
            self.thread.join(timeout=5)
        self.front.close()
        self.back.close()

    def sizes(self, direction: str) -> list[int]:
        """Sizes of the datagrams that went out in one direction."""
        return [d.size for d in self.log if d.direction == direction and d.fate != "dropped"]

    def fates(self, direction: str) -> list[str]:
        return [d.fate for d in self.log if d.direction == direction]

    def _send(self, direction: str, data: bytes) -> None:
        try:
            if direction == C2S:
                self.back.send(data)
            elif self.client is not None:
                self.front.sendto(data, self.client)
        except OSError:
            pass  # the server is gone (ICMP unreachable): like a lost datagram

    def _forward(self, direction: str, data: bytes) -> None:
        index = self.counts[direction]
        self.counts[direction] += 1
        entry = Datagram(direction, len(data), "sent", data[0] if data else -1)
        self.log.append(entry)
        if self.drop is not None and self.drop(direction, index, data):
            entry.fate = "dropped"
            return
        r = self.rng.random()
        if r < self.loss:
            entry.fate = "dropped"
            return
        r -= self.loss
        if r < self.duplicate:
            entry.fate = "duplicated"
            self._send(direction, data)
            self._send(direction, data)
        elif r - self.duplicate < self.reorder and direction not in self.held:
            entry.fate = "reordered"
            self.held[direction] = (data, time.monotonic() + self.HOLD_S)
            return
        else:
            self._send(direction, data)
        held = self.held.pop(direction, None)
        if held is not None:
            self._send(direction, held[0])  # overtaken by this datagram

    def _run(self) -> None:
        while not self.stop_event.is_set():
            ready, _, _ = select.select([self.front, self.back], [], [], 0.01)
            for sock in ready:
                try:
                    data, addr = sock.recvfrom(65536)
                except OSError:
                    continue
                if sock is self.front:
                    self.client = addr
                    self._forward(C2S, data)
                else:
                    self._forward(S2C, data)
            now = time.monotonic()
            for direction, (data, deadline) in list(self.held.items()):
                if now >= deadline:
                    del self.held[direction]
                    self._send(direction, data)


@dataclass
class PeerResult:
    """What a pyOpenSSL peer saw."""

    version: str | None = None
    peer_cn: str | None = None
    received: list[bytes] = field(default_factory=list)
    cookies_made: int = 0
    cookies_checked: list[bool] = field(default_factory=list)
    closed: bool = False
    error: str | None = None


def _pyopenssl_context(method: int, cert, ca_file: str | None, require_peer_cert: bool):
    from OpenSSL import SSL

    ctx = SSL.Context(method)
    if cert is not None:
        ctx.use_certificate_chain_file(str(cert.chain_pem))
        ctx.use_privatekey_file(str(cert.key_pem))
    if ca_file is not None:
        ctx.load_verify_locations(ca_file)
        mode = SSL.VERIFY_PEER
        if require_peer_cert:
            mode |= SSL.VERIFY_FAIL_IF_NO_PEER_CERT
        ctx.set_verify(mode, lambda conn, cert, errno, depth, ok: bool(ok))
    # Memory BIOs cannot tell OpenSSL the path MTU: each connection is given one.
    ctx.set_options(SSL.OP_NO_QUERY_MTU)
    return ctx


def _peer_cn(conn) -> str | None:
    from cryptography.x509.oid import NameOID

    cert = conn.get_peer_certificate(as_cryptography=True)
    if cert is None:
        return None
    return cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value


class PyOpenSSLDtlsServer:
    """pyOpenSSL as a DTLS server on a UDP port: DTLSv1_listen() with cookie
    callbacks (an HMAC over the client's address), then an echo that upper-
    cases every datagram, until the client's close_notify."""

    def __init__(
        self, cert, ca_file: str | None = None, require_client_cert: bool = False, bind: str = "127.0.0.1"
    ) -> None:
        from OpenSSL import SSL

        self.result = PeerResult()
        self.secret = os.urandom(16)
        self.peer: tuple[str, int] | None = None
        ctx = _pyopenssl_context(SSL.DTLS_SERVER_METHOD, cert, ca_file, require_client_cert)
        ctx.set_cookie_generate_callback(self._make_cookie)
        ctx.set_cookie_verify_callback(self._check_cookie)
        self.conn = SSL.Connection(ctx, None)
        self.conn.set_ciphertext_mtu(MTU)
        self.conn.set_accept_state()
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind((bind, 0))
        self.udp.settimeout(0.02)
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def port(self) -> int:
        return self.udp.getsockname()[1]

    def _make_cookie(self, conn) -> bytes:
        self.result.cookies_made += 1
        return hmac.new(self.secret, repr(self.peer).encode(), hashlib.sha256).digest()[:16]

    def _check_cookie(self, conn, cookie: bytes) -> bool:
        good = hmac.compare_digest(cookie, self._make_cookie_quiet())
        self.result.cookies_checked.append(good)
        return good

    def _make_cookie_quiet(self) -> bytes:
        return hmac.new(self.secret, repr(self.peer).encode(), hashlib.sha256).digest()[:16]

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        self.stop_event.set()
        if self.thread.is_alive():
            self.thread.join(timeout=5)
        self.udp.close()

    def wait(self, timeout: float) -> PeerResult:
        self.thread.join(timeout=timeout)
        return self.result

    def _flush(self) -> None:
        from OpenSSL import SSL

        while self.peer is not None:
            try:
                self.udp.sendto(self.conn.bio_read(65536), self.peer)
            except SSL.WantReadError:
                return

    def _serve(self) -> None:
        from OpenSSL import SSL

        listening = True
        while not self.stop_event.is_set():
            try:
                datagram, self.peer = self.udp.recvfrom(65536)
                self.conn.bio_write(datagram)
            except TimeoutError:
                self.conn.DTLSv1_handle_timeout()
            try:
                if listening:
                    self.conn.DTLSv1_listen()
                    listening = False
                if self.result.version is None:
                    self.conn.do_handshake()
                    self.result.version = self.conn.get_protocol_version_name()
                    self.result.peer_cn = _peer_cn(self.conn)
                while True:
                    data = self.conn.recv(65536)
                    self.result.received.append(data)
                    self.conn.send(data.upper())
            except SSL.WantReadError:
                pass
            except SSL.ZeroReturnError:
                self.result.closed = True
                self.stop_event.set()
            except SSL.Error as exc:
                self.result.error = repr(exc)
                self.stop_event.set()
            self._flush()


def pyopenssl_dtls_client(
    port: int,
    ca_file: str,
    messages: list[bytes],
    cert=None,
    timeout: float = 30,
) -> PeerResult:
    """pyOpenSSL as a DTLS client of 127.0.0.1:port: handshake (verifying the
    server as "localhost"), send each message and read one reply to each,
    then close_notify.  Runs in the calling thread, bounded by `timeout`."""
    from OpenSSL import SSL

    result = PeerResult()
    ctx = _pyopenssl_context(SSL.DTLS_CLIENT_METHOD, cert, ca_file, True)
    conn = SSL.Connection(ctx, None)
    conn.set_ciphertext_mtu(MTU)
    conn.set_tlsext_host_name(b"localhost")
    conn.set_connect_state()
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.connect(("127.0.0.1", port))
    udp.settimeout(0.02)
    deadline = time.monotonic() + timeout
    pending = list(messages)
    waiting_reply = False

    def flush() -> None:
        while True:
            try:
                udp.send(conn.bio_read(65536))
            except SSL.WantReadError:
                return
            except OSError:
                return

    try:
        while time.monotonic() < deadline:
            try:
                if result.version is None:
                    conn.do_handshake()
                    result.version = conn.get_protocol_version_name()
                    result.peer_cn = _peer_cn(conn)
                if not waiting_reply:
                    if not pending:
                        conn.shutdown()
                        flush()
                        result.closed = True
                        break
                    conn.send(pending.pop(0))
                    waiting_reply = True
                flush()
                result.received.append(conn.recv(65536))
                waiting_reply = False
            except SSL.WantReadError:
                pass
            flush()
            try:
                conn.bio_write(udp.recv(65536))
            except TimeoutError:
                conn.DTLSv1_handle_timeout()
            except OSError:
                # ICMP unreachable: the server is between sockets (the docs'
                # server binds afresh after a failed client); the next recv
                # waits out the socket timeout and the flight is resent.
                pass
        else:
            result.error = "timed out"
    except SSL.Error as exc:
        result.error = repr(exc)
    finally:
        udp.close()
    return result
