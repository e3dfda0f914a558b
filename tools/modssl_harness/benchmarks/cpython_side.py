"""CPython's `ssl` doing the same work as the bench/device/ scripts.

Used both in the harness process (the timing client for server-side
figures) and as a subprocess (`python -m modssl_harness.benchmarks.cpython_side
JSON`), so CPython's client and server run in a process of their own, like
the firmwares, and print the same RESULT line.
"""

from __future__ import annotations

import json
import socket
import ssl
import sys
import time

from modssl_harness.benchmarks.context import PY_VERSIONS

# OpenSSL's names for the IANA suites the bench uses.
OPENSSL_CIPHERS = {
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256": "ECDHE-ECDSA-AES128-GCM-SHA256",
    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256": "ECDHE-ECDSA-CHACHA20-POLY1305",
}


def nodelay(sock: socket.socket) -> None:
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def client_context(ca_pem: str, version: int | None = None, cipher: str | None = None) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(cafile=ca_pem)
    if version is not None:
        ctx.minimum_version = ctx.maximum_version = PY_VERSIONS[version]
    if cipher is not None:
        ctx.set_ciphers(OPENSSL_CIPHERS[cipher])
    return ctx


def client_handshakes(host: str, port: int, ca_pem: str, version: int | None, n: int, warmup: int,
                      resume: bool = False) -> dict:
    """Time n handshakes (after warmup); with resume, offer the last session."""
    ctx = client_context(ca_pem, version)
    times: list[int] = []
    session = None
    reused = 0
    for i in range(warmup + n):
        raw = socket.create_connection((host, port))
        nodelay(raw)
        t0 = time.perf_counter_ns()
        tls = ctx.wrap_socket(raw, server_hostname="localhost", session=session if resume else None)
        dt = (time.perf_counter_ns() - t0) // 1000
        tls.sendall(b"x")
        if tls.recv(1) != b"x":
            raise RuntimeError("echo failed")
        if i >= warmup:
            times.append(dt)
            reused += int(tls.session_reused)
        session = tls.session  # after the echo, so a TLS 1.3 ticket has arrived
        tls.close()
    return {"us": times, "reused": reused}


def server(cert_pem: str, key_pem: str, version: int | None, count: int) -> None:
    """The CPython counterpart of bench/device/hs_server.py (reports its port)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert_pem, key_pem)
    if version is not None:
        ctx.minimum_version = ctx.maximum_version = PY_VERSIONS[version]
    srv = socket.create_server(("127.0.0.1", 0))
    print("READY", srv.getsockname()[1], flush=True)
    for _ in range(count):
        raw, _ = srv.accept()
        nodelay(raw)
        with ctx.wrap_socket(raw, server_side=True) as tls:
            tls.sendall(tls.recv(1))
    srv.close()


def bulk(host: str, port: int, ca_pem: str, cipher: str, size: int, n: int) -> dict:
    """The CPython counterpart of bench/device/bulk_client.py."""
    ctx = client_context(ca_pem, 0x0303, cipher)
    chunk = bytes(16384)
    buf = bytearray(16384)
    out: dict = {"up": [], "down": [], "cipher": None}
    for _ in range(n):
        for way in ("up", "down"):
            raw = socket.create_connection((host, port))
            nodelay(raw)
            with ctx.wrap_socket(raw, server_hostname="localhost") as tls:
                out["cipher"] = tls.cipher()[0]
                t0 = time.perf_counter_ns()
                if way == "up":
                    tls.sendall(b"U%d\n" % size)
                    left = size
                    while left > 0:
                        k = min(left, len(chunk))
                        tls.sendall(chunk[:k])
                        left -= k
                    if tls.recv(1) != b"K":
                        raise RuntimeError("no ack")
                else:
                    tls.sendall(b"D%d\n" % size)
                    left = size
                    while left > 0:
                        k = tls.recv_into(buf)
                        if not k:
                            raise RuntimeError("short read")
                        left -= k
                out[way].append((time.perf_counter_ns() - t0) // 1000)
    return out


def bio_bulk(ca_pem: str, cert_pem: str, key_pem: str, cipher: str, size: int, n: int) -> dict:
    """The CPython counterpart of bench/device/bio_bulk.py: client and server
    in this process over memory BIOs; only the one-way transfer is timed."""
    cctx = client_context(ca_pem, 0x0303, cipher)
    sctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    sctx.load_cert_chain(cert_pem, key_pem)
    sctx.minimum_version = sctx.maximum_version = ssl.TLSVersion.TLSv1_2
    chunk = bytes(16384)
    buf = bytearray(16384)
    out: dict = {"us": [], "cipher": None}
    for _ in range(n):
        c_in, c_out, s_in, s_out = ssl.MemoryBIO(), ssl.MemoryBIO(), ssl.MemoryBIO(), ssl.MemoryBIO()
        client = cctx.wrap_bio(c_in, c_out, server_hostname="localhost")
        server = sctx.wrap_bio(s_in, s_out, server_side=True)
        done = [False, False]
        for _ in range(20):
            for i, side in enumerate((client, server)):
                if not done[i]:
                    try:
                        side.do_handshake()
                        done[i] = True
                    except ssl.SSLWantReadError:
                        pass
            moved = c_out.pending + s_out.pending
            s_in.write(c_out.read())
            c_in.write(s_out.read())
            if all(done) and not moved:
                break
        else:
            raise RuntimeError("handshake over memory BIOs did not finish")
        out["cipher"] = client.cipher()[0]
        t0 = time.perf_counter_ns()
        left, got = size, 0
        while left > 0:
            k = min(left, len(chunk))
            left -= client.write(chunk[:k] if k < len(chunk) else chunk)
            # Pumped after every write, as on the device.
            s_in.write(c_out.read())
            while True:
                try:
                    r = server.read(len(buf), buf)
                except ssl.SSLWantReadError:
                    break
                if not r:
                    raise RuntimeError("unexpected EOF")
                got += r
        out["us"].append((time.perf_counter_ns() - t0) // 1000)
        if got != size:
            raise RuntimeError(f"server got {got} of {size} bytes")
    return out


def main(argv: list[str]) -> int:
    job = json.loads(argv[0])
    kind = job.pop("kind")
    if kind == "server":
        server(**job)
        return 0
    fn = {"client": client_handshakes, "bulk": bulk, "bio_bulk": bio_bulk}[kind]
    print("RESULT " + json.dumps(fn(**job)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
