"""Idle connections give their record buffers back (`ctx.release_buffers`).

After the handshake, whenever nothing is held in them, a connection's input
and output record buffers return to the heap (patches/mbedtls/0007, the
model is OpenSSL's SSL_MODE_RELEASE_BUFFERS); the next record takes an input
buffer sized for that record, the next write an output buffer sized for
what it writes.  `ctx.release_buffers = False` keeps them.  The heap figures
are `gc.mem_alloc()` differences on the unix firmware, whose mbedTLS
allocates on the GC heap as a board's does; the sanitizer build allocates
with libc (so ASan sees every buffer), where only the data checks run.
"""

from __future__ import annotations

import socket
import ssl
import threading

import pytest
from conftest import firmware_flavour

HEAP_VISIBLE = firmware_flavour() != "asan"

# 16 KiB in + 4 KiB out of record content, less the little a connection
# that released them holds beyond one that keeps them.
BOTH_BUFFERS = 18000

BLOB = bytes(range(256)) * 160  # 40960 bytes: OpenSSL sends 16 KiB records

TLS1_2, TLS1_3 = 0x0303, 0x0304  # ssl.TLSVersion values on the device


class GoServer:
    """One TLS connection: waits for b"go", sends BLOB in one write (16 KiB
    records), then reads until the client closes."""

    def __init__(self, pki, version: ssl.TLSVersion, connections: int) -> None:
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(pki["server_ec"].chain_pem, pki["server_ec"].key_pem)
        self.ctx.minimum_version = self.ctx.maximum_version = version
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.errors: list[str] = []
        self.thread = threading.Thread(target=self._serve, args=(connections,), daemon=True)
        self.thread.start()

    def _serve(self, connections: int) -> None:
        for _ in range(connections):
            conn, _ = self.sock.accept()
            conn.settimeout(30)
            try:
                with self.ctx.wrap_socket(conn, server_side=True) as tls:
                    if tls.recv(2) != b"go":
                        self.errors.append("no go")
                        continue
                    tls.sendall(BLOB)
                    while tls.recv(4096):
                        pass
            except (ssl.SSLError, OSError) as e:
                self.errors.append(repr(e))

    def close(self) -> None:
        self.thread.join(timeout=30)
        self.sock.close()


IDLE_THEN_BLOB = """
import gc, socket, ssl
def one(release):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(cafile=CAFILE)
    ctx.release_buffers = release
    s = socket.socket()
    s.connect(socket.getaddrinfo("127.0.0.1", PORT)[0][-1])
    gc.collect()
    before = gc.mem_alloc()
    t = ctx.wrap_socket(s, server_hostname="localhost")
    gc.collect()
    idle = gc.mem_alloc() - before
    t.write(b"go")
    got = bytearray()
    while len(got) < SIZE:
        chunk = t.recv(20000)
        if not chunk:
            break
        got += chunk
    ok = bytes(got) == bytes(range(256)) * (SIZE // 256)
    got = chunk = None
    gc.collect()
    after = gc.mem_alloc() - before
    version = t.version()
    t.close()
    return idle, after, ok, version
print(ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).release_buffers)
for release in (True, False):
    print(*one(release))
"""


@pytest.mark.parametrize("version", [ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3])
def test_an_idle_connection_holds_no_record_buffers_and_full_records_still_arrive(mp, pki, version):
    server = GoServer(pki, version, connections=2)
    try:
        out = mp.run(IDLE_THEN_BLOB, PORT=server.port, CAFILE=str(pki["ca"].cert_pem), SIZE=len(BLOB)).lines
    finally:
        server.close()
    assert server.errors == []
    assert out[0] == "True"  # on by default
    released, kept = (line.split() for line in out[1:3])
    want_version = {"TLSv1_2": "TLSv1.2", "TLSv1_3": "TLSv1.3"}[version.name]
    # 16 KiB records after an idle spell arrive intact, both ways of working.
    assert released[2:] == kept[2:] == ["True", want_version], out
    if HEAP_VISIBLE:
        released_idle, released_after = int(released[0]), int(released[1])
        kept_idle, kept_after = int(kept[0]), int(kept[1])
        # Right after the handshake a connection that keeps its buffers holds
        # at least its 4 KiB output buffer (its input buffer is as large as
        # the largest handshake record so far)...
        assert kept_idle - released_idle > 3000, out
        # ...and after 16 KiB records both full-size buffers; one that
        # releases them is idle again with none.
        assert kept_after - released_after > BOTH_BUFFERS, out
        assert released_after <= released_idle + 256, out


# A client (cctx) and a server (sctx) over memory BIOs in one script,
# handshaken: `client`, `server`, pump() carries what each wrote to the
# other, `done` says which ends finished.
BIO_HANDSHAKE = """
ci, co, si, so = ssl.MemoryBIO(), ssl.MemoryBIO(), ssl.MemoryBIO(), ssl.MemoryBIO()
client = cctx.wrap_bio(ci, co, server_hostname="localhost")
server = sctx.wrap_bio(si, so, server_side=True)
def pump():
    si.write(co.read())
    ci.write(so.read())
done = [False, False]
for _ in range(20):
    for i, side in enumerate((client, server)):
        if not done[i]:
            try:
                side.do_handshake()
                done[i] = True
            except ssl.SSLWantReadError:
                pass
    pump()
"""


MEMORY_PAIR = """
import gc, ssl
gc.collect()
before = gc.mem_alloc()
cctx = ssl.SSLContext(PROTO)
cctx.load_verify_locations(cafile=CA)
sctx = ssl.SSLContext(PROTO | 1)
sctx.load_cert_chain(CERT, KEY)
cctx.release_buffers = sctx.release_buffers = RELEASE
""" + BIO_HANDSHAKE + """def drain(side):
    data = b""
    while True:
        try:
            chunk = side.read(20000)
        except ssl.SSLWantReadError:
            return data
        if not chunk:
            return data
        data += chunk
ok = all(done)
for n in (1, 100, 1000, 1200, 7):
    msg = bytes([n % 251]) * n
    client.write(msg)
    pump()
    ok = ok and drain(server) == msg
    server.write(msg + b"!")
    pump()
    ok = ok and drain(client) == msg + b"!"
gc.collect()
print(ok, gc.mem_alloc() - before)
"""


@pytest.mark.parametrize("proto", ["tls", "dtls"])
def test_memory_bio_ends_release_their_buffers_between_messages(mp, pki, proto):
    params = dict(CA=str(pki["ca"].cert_pem), CERT=str(pki["server_ec"].cert_pem), KEY=str(pki["server_ec"].key_pem),
                  PROTO={"tls": 0, "dtls": 2}[proto])
    released = mp.run(MEMORY_PAIR, RELEASE=True, **params).lines[0].split()
    kept = mp.run(MEMORY_PAIR, RELEASE=False, **params).lines[0].split()
    assert released[0] == kept[0] == "True", (released, kept)
    if HEAP_VISIBLE:
        # Both ends, client and server, hold no record buffer between messages;
        # kept, each holds its 4 KiB output buffer and an input buffer as large
        # as the largest record (1.2 KB here; DTLS: a whole datagram's, 16 KiB).
        assert int(kept[1]) - int(released[1]) > 2 * (4096 + 1000), (released, kept)


INTERLEAVED = """
import gc, socket, ssl
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.load_verify_locations(cafile=CAFILE)
conns = []
for i in range(N):
    s = socket.socket()
    s.connect(socket.getaddrinfo("127.0.0.1", PORT)[0][-1])
    conns.append(ctx.wrap_socket(s, server_hostname="localhost"))
ok = True
start = None
for rnd in range(ROUNDS):
    if rnd == 1:
        # After one round: TLS 1.3 tickets, which arrive after the
        # handshake, are stored by now.
        gc.collect()
        start = gc.mem_alloc()
    # Everyone writes first, then everyone reads: replies wait in the
    # kernel while the other connections work.
    msgs = [bytes([(i * 7 + rnd) % 256]) * (1 + (i * 997 + rnd * 131) % 3000) for i in range(N)]
    for t, m in zip(conns, msgs):
        t.write(m)
    for t, m in zip(conns, msgs):
        got = b""
        while len(got) < len(m):
            got += t.read(len(m) - len(got))
        ok = ok and got == m
gc.collect()
print(ok, gc.mem_alloc() - start)
for t in conns:
    t.close()
"""


def test_many_interleaved_connections_keep_their_data_apart(mp, tls_server, pki):
    server = tls_server()
    out = mp.run(INTERLEAVED, PORT=server.port, CAFILE=str(pki["ca"].cert_pem), N=8, ROUNDS=6).lines
    ok, grown = out[0].split()
    assert ok == "True", out
    if HEAP_VISIBLE:
        # Eight connections that moved 5 x 8 more messages hold nothing more
        # than when they were idle after the first round.
        assert int(grown) < 2048, out


STARVED = """
import gc, select, socket, ssl
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.load_verify_locations(cafile=CAFILE)
s = socket.socket()
s.connect(socket.getaddrinfo("127.0.0.1", PORT)[0][-1])
t = ctx.wrap_socket(s, server_hostname="localhost")
msg = bytes(range(256)) * 64  # 16 KiB: the echo comes back as one record
t.write(msg)
p = select.poll()
p.register(t, select.POLLIN)
print("READY", bool(p.poll(10000)))
buf = bytearray(len(msg))
mv = memoryview(buf)
# Every name and object the starved read needs exists before the heap is
# filled (a new global would need memory too).
failed = None
got = 0
ERRORS = (MemoryError, OSError)
hog = []
for size in (4096, 256, 16):
    try:
        while True:
            hog.append(bytearray(size))
    except MemoryError:
        pass
try:
    got = t.readinto(mv) or 0  # succeeds only where mbedTLS is not on this heap (sanitizer build)
except ERRORS as e:
    failed = type(e).__name__
hog = None
gc.collect()
while got < len(msg):
    n = t.readinto(mv[got:])
    if not n:
        break
    got += n
print("FAILED", failed)
print("INTACT", got == len(msg) and buf == msg)
t.write(b"still talking")
print("ECHO", t.recv(100))
t.close()
"""


def test_a_record_buffer_the_heap_cannot_give_fails_the_call_not_the_connection(mp, tls_server, pki):
    server = tls_server()
    out = mp.run(STARVED, PORT=server.port, CAFILE=str(pki["ca"].cert_pem)).lines
    assert out[0] == "READY True", out
    if HEAP_VISIBLE:
        # The heap was full: the read that needed a 16 KiB buffer failed...
        assert out[1] in ("FAILED MemoryError", "FAILED OSError"), out
    # ...and once memory was free the same connection read the record whole
    # and kept working.
    assert out[2:] == ["INTACT True", "ECHO b'still talking'"], out


IDLE_BY_VERSION = """
import gc, socket, ssl
def idle(version):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(cafile=CAFILE)
    ctx.minimum_version = ctx.maximum_version = version
    s = socket.socket()
    s.connect(socket.getaddrinfo("127.0.0.1", PORT)[0][-1])
    gc.collect()
    before = gc.mem_alloc()
    t = ctx.wrap_socket(s, server_hostname="localhost")
    t.write(b"ping")
    # The echo comes after the server's tickets (TLS 1.3: sent after the
    # handshake), so by now they are processed and stored.
    echo = t.read(4)
    gc.collect()
    held = gc.mem_alloc() - before
    t.write(b"pong")
    echo += t.read(4)
    session = t.session
    t.close()
    return echo, held, session
for version in (TLS1_2, TLS1_3):
    echo, held, session = idle(version)
    print(echo == b"pingpong", held, len(session) if session else 0)
"""


def test_an_idle_tls13_connection_holds_no_handshake_state(mp, tls_server, pki):
    server = tls_server()
    out = mp.run(IDLE_BY_VERSION, PORT=server.port, CAFILE=str(pki["ca"].cert_pem), TLS1_2=TLS1_2,
                 TLS1_3=TLS1_3).lines
    tls12, tls13 = (line.split() for line in out)
    # Both connections work and hold a resumable session (the TLS 1.3 ticket
    # arrived after the handshake).
    assert tls12[0] == tls13[0] == "True", out
    assert int(tls12[2]) > 0 and int(tls13[2]) > 0, out
    if HEAP_VISIBLE:
        # TLS 1.2 frees mbedTLS's handshake state (about 2 KB) when the
        # handshake ends; TLS 1.3 does too (patches/mbedtls/0023), and again
        # after each ticket, so it holds no more than TLS 1.2.
        assert int(tls13[1]) < int(tls12[1]) + 512, out


BIO_PUMP = """
import gc, ssl
cctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
cctx.load_verify_locations(cafile=CA)
sctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
sctx.load_cert_chain(CERT, KEY)
for ctx in (cctx, sctx):
    ctx.minimum_version = ctx.maximum_version = VERSION
print(cctx.release_buffers, sctx.release_buffers)
""" + BIO_HANDSHAKE + """CHUNK = 16384
def move(src, dst):
    # The link carries at most CHUNK bytes at a time: records are cut
    # anywhere, and the reader drains after every piece.
    while src.pending:
        dst.write(src.read(CHUNK))
        yield
def drain(side, into):
    while True:
        try:
            data = side.read(CHUNK)
        except ssl.SSLWantReadError:
            return
        if not data:
            raise OSError("unexpected close")
        into.extend(data)
def transfer(writer, out_bio, reader, in_bio, n):
    got = bytearray()
    sent = bytearray()
    for k in range(n):
        msg = bytes((k * 7 + j) & 0xFF for j in range(256)) * (CHUNK // 256)
        sent.extend(msg)
        writer.write(msg)
        for _ in move(out_bio, in_bio):
            drain(reader, got)
        drain(reader, got)  # nothing has arrived: want read, and again
    return got == sent, len(got)
gc.collect()
idle = gc.mem_alloc()
up = transfer(client, co, server, si, N)
down = transfer(server, so, client, ci, N)
# The writer of full records holds its output buffer until it next waits
# for its peer, as a pump's end does for the reply: with nothing arrived,
# that read gives it back too.
drain(server, bytearray())
gc.collect()
after = gc.mem_alloc()
print(up[0], up[1], down[0], down[1], after - idle)
# Idle with its buffers given back, the server still sees the link's end.
si.write_eof()
try:
    server.read(CHUNK)
    print("NO EOF")
except ssl.SSLWantReadError:
    print("WANT READ")
except OSError:
    print("EOF")
"""


@pytest.mark.parametrize("version", [TLS1_2, TLS1_3])
def test_a_memory_bio_pump_in_16k_pieces_carries_many_records_with_buffers_released(mp, pki, version):
    # 64 chunks of 16 KiB each way: 256 records of 4 KiB from either end,
    # cut at 16 KiB boundaries of the ciphertext, every record after the
    # buffers were given back and taken again.
    n = 64
    out = mp.run(BIO_PUMP, CA=str(pki["ca"].cert_pem), CERT=str(pki["server_ec"].cert_pem),
                 KEY=str(pki["server_ec"].key_pem), VERSION=version, N=n, timeout=120).lines
    assert out[0] == "True True", out  # the default: release
    up_ok, up_len, down_ok, down_len, grown = out[1].split()
    assert (up_ok, up_len, down_ok, down_len) == ("True", str(n * 16384), "True", str(n * 16384)), out
    assert out[2] == "EOF", out
    if HEAP_VISIBLE:
        # Both ends are idle again: no record buffer is left behind.
        assert int(grown) < 1024, out
