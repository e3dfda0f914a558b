# Heap per open connection (modssl only: its mbedTLS allocates on the GC
# heap, so gc.mem_alloc() sees every buffer).  A memory-BIO client handshake
# is stepped by hand over a socket to the host's server, and the heap is
# sampled (after a collection, so only live memory counts) after every
# handshake step and inside the verify callback, in the middle of the
# handshake.  Then one echo round trip of ECHO bytes proves the connection
# (and the build's record buffers) work.  Globals: HOST, PORT, CA, VERSION,
# ECHO, and optionally MFL (ctx.max_fragment_length: the record buffers of
# a connection that agreed on it shrink after the handshake).
import gc
import socket

import tls
from benchlib import make_context, read_file, result

gc.collect()
g0 = gc.mem_alloc()
ctx = make_context(tls.PROTOCOL_TLS_CLIENT, ca_der=read_file(CA), version=VERSION)
if globals().get("MFL"):
    ctx.max_fragment_length = MFL
gc.collect()
g1 = gc.mem_alloc()
peak = [0]


def sample():
    gc.collect()
    m = gc.mem_alloc() - g1
    if m > peak[0]:
        peak[0] = m


def on_verify(der, depth):
    sample()
    return None


ctx.verify_callback = on_verify
s = socket.socket()
s.connect(socket.getaddrinfo(HOST, PORT)[0][-1])
incoming = tls.MemoryBIO()
outgoing = tls.MemoryBIO()
conn = ctx.wrap_bio(incoming, outgoing, server_side=False, server_hostname="localhost")


def pump():
    # Send what the TLS engine wrote, then wait for the peer's next flight.
    data = outgoing.read()
    if data:
        s.write(data)
    incoming.write(s.recv(16384))


while True:
    try:
        conn.do_handshake()
        break
    except tls.SSLWantReadError:
        sample()
        pump()
sample()
data = outgoing.read()
if data:
    s.write(data)
gc.collect()
handshaken = gc.mem_alloc() - g1
msg = bytes(range(256)) * (ECHO // 256)
conn.write(msg)
s.write(outgoing.read())
got = b""
while len(got) < len(msg):
    try:
        got += conn.read(16384)
    except tls.SSLWantReadError:
        incoming.write(s.recv(16384))
assert got == msg
del msg, got, data  # Python-side buffers are not the connection's cost
gc.collect()
steady = gc.mem_alloc() - g1
result({"context": g1 - g0, "peak": peak[0], "handshaken": handshaken, "steady": steady, "echo_ok": True})
