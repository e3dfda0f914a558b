"""Record buffers sized per context at run time by `ctx.max_fragment_length`.

The connections here keep their buffers (`ctx.release_buffers = False`, see
test_idle_buffers.py for the default) and are measured after their data has
moved: an input buffer grows to the records that arrive, up to the agreed
size.

A connection whose peer agreed to a max_fragment_length (RFC 6066; in TLS
1.2 and, with OpenSSL, TLS 1.3) shrinks its record buffers after the
handshake: the heap a board sees in gc.mem_alloc() drops by the difference.
Without an agreed value (no extension, or a server that ignores it) the
buffers stay full size, so a peer's 16 KiB records still arrive.  The
network peer is CPython's `ssl` (OpenSSL), which honours the extension.
"""

from __future__ import annotations

import socket
import ssl
import threading

import pytest
from conftest import firmware_flavour

# The sanitizer build gives mbedTLS libc's malloc (so ASan sees every
# buffer), which gc.mem_alloc() does not count: there the data checks run
# (buffer resizing under ASan) and the heap comparisons are left out.
HEAP_VISIBLE = firmware_flavour() != "asan"

BLOB = 40000  # more than two full-size (16 KiB) records

CLIENT = """
import gc, socket, ssl
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.load_verify_locations(cafile=CAFILE)
ctx.release_buffers = False  # measure the buffers' size, not their release
if MFL:
    ctx.max_fragment_length = MFL
s = socket.socket()
s.connect(socket.getaddrinfo("127.0.0.1", PORT)[0][-1])
gc.collect()
before = gc.mem_alloc()
t = ctx.wrap_socket(s, server_hostname="localhost")
got = 0
while got < SIZE:
    chunk = t.recv(4096)
    if not chunk:
        break
    got += len(chunk)
chunk = None
# After the download the input buffer is as large as the records were.
gc.collect()
print(t.version(), gc.mem_alloc() - before)
print(got)
t.close()
"""


class BlobServer:
    """Accepts one TLS connection and sends BLOB bytes in a single write
    (OpenSSL cuts it into 16 KiB records unless a smaller size was agreed)."""

    def __init__(self, pki, version: ssl.TLSVersion) -> None:
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(pki["server_ec"].chain_pem, pki["server_ec"].key_pem)
        self.ctx.minimum_version = self.ctx.maximum_version = version
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        conn, _ = self.sock.accept()
        with self.ctx.wrap_socket(conn, server_side=True) as tls:
            tls.sendall(b"b" * BLOB)
            try:
                tls.recv(1)  # until the client's close_notify
            except (ssl.SSLError, OSError):
                pass

    def close(self) -> None:
        self.thread.join(timeout=10)
        self.sock.close()


def connect(mp, pki, version: ssl.TLSVersion, mfl: int | None) -> tuple[str, int, int]:
    server = BlobServer(pki, version)
    try:
        out = mp.run(CLIENT, PORT=server.port, CAFILE=str(pki["ca"].cert_pem), MFL=mfl, SIZE=BLOB).lines
    finally:
        server.close()
    negotiated, heap = out[0].split()
    return negotiated, int(heap), int(out[1])


@pytest.mark.parametrize("version", [ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3])
def test_agreed_max_fragment_length_shrinks_the_buffers_after_the_handshake(mp, pki, version):
    negotiated, full, got_full = connect(mp, pki, version, None)
    _, small, got_small = connect(mp, pki, version, 1024)
    assert negotiated == {"TLSv1_2": "TLSv1.2", "TLSv1_3": "TLSv1.3"}[version.name]
    # Without the extension OpenSSL sends 16 KiB records, and they fit; with
    # it, 1 KiB records.  Both carry the data.
    assert got_full == got_small == BLOB
    # 16 KiB in + 4 KiB out become 1 KiB each (plus record overhead).
    if HEAP_VISIBLE:
        assert full - small > 15000, (full, small)


MEMORY_PAIR = """
import gc, ssl
gc.collect()
before = gc.mem_alloc()
cctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
cctx.load_verify_locations(cafile=CA)
cctx.maximum_version = VERSION
if MFL:
    cctx.max_fragment_length = MFL
sctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
sctx.load_cert_chain(CERT, KEY)
cctx.release_buffers = sctx.release_buffers = False  # the buffers' size, not their release
c_in, c_out, s_in, s_out = ssl.MemoryBIO(), ssl.MemoryBIO(), ssl.MemoryBIO(), ssl.MemoryBIO()
client = cctx.wrap_bio(c_in, c_out, server_hostname="localhost")
server = sctx.wrap_bio(s_in, s_out, server_side=True)
def pump():
    s_in.write(c_out.read())
    c_in.write(s_out.read())
for _ in range(10):
    for side in (client, server):
        try:
            side.do_handshake()
        except ssl.SSLWantReadError:
            pass
    pump()
got = [b"", b""]
for _ in range(4):
    client.write(b"c" * 5000)
    server.write(b"s" * 5000)
    pump()
    for i, side in enumerate((server, client)):
        while True:
            try:
                data = side.read(20000)
            except ssl.SSLWantReadError:
                break
            if not data:
                break
            got[i] += data
ok = len(got[0]), len(got[1]), got[0] == b"c" * 20000, got[1] == b"s" * 20000
data = None
got = [b"", b""]
# After the exchange each input buffer is as large as the records were.
gc.collect()
print(gc.mem_alloc() - before)
print(*ok)
"""


def memory_pair(mp, pki, version: int, mfl: int | None) -> int:
    out = mp.run(MEMORY_PAIR, CA=str(pki["ca"].cert_pem), CERT=str(pki["server_ec"].cert_pem),
                 KEY=str(pki["server_ec"].key_pem), MFL=mfl, VERSION=version).lines
    assert out[1] == "20000 20000 True True", out
    return int(out[0])


TLS1_2, TLS1_3 = 0x0303, 0x0304  # ssl.TLSVersion values on the device


def test_both_ends_of_an_agreed_connection_shrink_and_still_talk(mp, pki):
    full, small = memory_pair(mp, pki, TLS1_2, None), memory_pair(mp, pki, TLS1_2, 512)
    if HEAP_VISIBLE:
        # Client and server both shrank: each end's 4 KiB output buffer and
        # its input buffer (grown to the other end's 4 KiB records) became
        # about 512 bytes each.
        assert full - small > 2 * 6000, (full, small)


def test_an_offer_the_server_ignores_keeps_full_buffers(mp, pki):
    # modssl's own TLS 1.3 server does not take up max_fragment_length and
    # sends 4 KiB records: the client that offered 512 must still take them
    # (memory_pair checks the data), so its input buffer still grows to 4 KiB.
    # Only its output buffer follows its own setting (4 KiB -> 512 bytes:
    # sending small records needs nobody's agreement), and so the server's
    # input buffer, which grows only as large as the records it receives.
    full, offered = memory_pair(mp, pki, TLS1_3, None), memory_pair(mp, pki, TLS1_3, 512)
    if HEAP_VISIBLE:
        assert 0 <= full - offered < 2 * 4096, (full, offered)
