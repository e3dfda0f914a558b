"""Memory: mbedTLS state lives on the GC heap and is all given back."""

from __future__ import annotations

import pytest

CYCLES = """
import gc, socket, ssl
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.load_verify_locations(cafile=CA)

def cycle(close):
    s = socket.socket()
    s.setsockopt(6, 1, 1)  # TCP_NODELAY: no delayed-ACK stalls between records
    s.connect(socket.getaddrinfo("127.0.0.1", PORT)[0][-1])
    t = ctx.wrap_socket(s, server_hostname="localhost")
    t.write(b"x")
    t.read(1)
    if close:
        t.close()

def used():
    gc.collect()
    return gc.mem_alloc()

idle = used()
cycle(True)
# An open connection's mbedTLS buffers are on the GC heap, so they show
# (kept here: by default an idle connection releases them; its 4 KiB output
# buffer is there from the start).
ctx.release_buffers = False
s = socket.socket()
s.connect(socket.getaddrinfo("127.0.0.1", PORT)[0][-1])
t = ctx.wrap_socket(s, server_hostname="localhost")
print("open connection costs over 4 KiB:", used() - idle > 4096)
t.close()
ctx.release_buffers = True
del t, s
for _ in range(20):
    cycle(True)
base = used()
for i in range(N):
    cycle(True)
closed = used()
# Sockets dropped without close(): finalisers free them when collected.
# Many are alive at once until then, and mbedTLS's PSA key store keeps the
# high-water mark of its slot table, so measure after a first round.
for i in range(50):
    cycle(False)
before_dropped = used()
for i in range(50):
    cycle(False)
dropped = used()
print("growth after", N, "closed cycles:", closed - base)
print("growth after 50 dropped sockets:", dropped - before_dropped)
"""


# The sanitizer build keeps mbedTLS on libc malloc (so ASan sees it), where
# gc.mem_alloc() cannot measure it.
@pytest.mark.no_asan
@pytest.mark.slow
def test_heap_is_flat_over_1000_cycles(mp, pki, tls_server):
    server = tls_server("server_ec")
    out = mp.run(CYCLES, PORT=server.port, CA=str(pki["ca"].cert_pem), N=1000, timeout=600).lines
    assert out[0] == "open connection costs over 4 KiB: True"
    closed_growth = int(out[1].rsplit(" ", 1)[1])
    dropped_growth = int(out[2].rsplit(" ", 1)[1])
    # A few hundred bytes of interpreter caches may move; a leak of even
    # 16 bytes per connection would show as 16000 here.
    assert closed_growth < 2048, out
    assert dropped_growth < 2048, out
    assert len(server.seen) == 1000 + 20 + 100 + 2
