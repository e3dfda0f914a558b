# In-device loopback handshake, the same script on stock MicroPython's `tls`
# and on modssl (run on the emulated Pico): a client and a server in one
# MicroPython joined by two in-memory streams (io.IOBase objects, which is
# what stock's wrap_socket takes), each side's calls timed on the board's
# clock.  Heap from gc.mem_alloc(): the peak of both ends during the
# handshake, then the steady cost of the idle client once the server end is
# gone, and how many such idle clients would fit in the heap left after boot.
# Globals from the harness: CA, CERT, KEY (DER bytes), VERSION (wire number or
# None), N, WARMUP.
import gc
import io
import json
import time

import tls
from benchlib import make_context


class Pipe:
    def __init__(self):
        self.data = bytearray()


class End(io.IOBase):
    """One end of the link: reads what the other end wrote."""

    def __init__(self, rx, tx):
        self.rx = rx
        self.tx = tx

    def readinto(self, buf):
        n = min(len(buf), len(self.rx.data))
        if n == 0:
            return None  # nothing yet: EAGAIN, the TLS layer wants to read
        buf[:n] = self.rx.data[:n]
        self.rx.data = self.rx.data[n:]
        return n

    def write(self, buf):
        self.tx.data += buf
        return len(buf)

    def ioctl(self, req, arg):
        return 0


cctx = make_context(tls.PROTOCOL_TLS_CLIENT, ca_der=CA, version=VERSION)
sctx = make_context(tls.PROTOCOL_TLS_SERVER, cert_der=CERT, key_der=KEY, version=VERSION)
out = {"client_us": [], "server_us": [], "peak": [], "steady": [], "fit": [], "version": None}
for i in range(WARMUP + N):
    up, down = Pipe(), Pipe()
    gc.collect()
    free = gc.mem_free()
    base = gc.mem_alloc()
    peak = 0
    client = cctx.wrap_socket(End(down, up), server_side=False, do_handshake_on_connect=False,
                              server_hostname="localhost")
    server = sctx.wrap_socket(End(up, down), server_side=True, do_handshake_on_connect=False)
    client_us = server_us = 0
    sent = got = False
    for _ in range(100):
        t0 = time.ticks_us()
        if not sent:
            sent = client.write(b"c") == 1
        t1 = time.ticks_us()
        client_us += time.ticks_diff(t1, t0)
        peak = max(peak, gc.mem_alloc() - base)
        if not got:
            got = server.read(1) == b"c"
        server_us += time.ticks_diff(time.ticks_us(), t1)
        peak = max(peak, gc.mem_alloc() - base)
        if sent and got:
            break
    assert sent and got, "handshake did not complete"
    if hasattr(client, "version"):
        out["version"] = client.version()
    server.close()
    server = None
    up.data = bytearray()
    down.data = bytearray()
    gc.collect()
    steady = gc.mem_alloc() - base
    client.close()
    client = None
    if i >= WARMUP:
        out["client_us"].append(client_us)
        out["server_us"].append(server_us)
        out["peak"].append(peak)
        out["steady"].append(steady)
        out["fit"].append(free // steady)
print("RESULT " + json.dumps(out))
