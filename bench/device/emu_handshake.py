# Handshake cost on a board without a network (run on the emulated Pico):
# TLS over memory BIOs on the board, ciphertext over the host link to a host
# TLS server (device_tests/hostlink.py).  The time reported is the board's
# own work: the handshake's time on the board's clock minus the time spent
# waiting on the link (the host's side and the serial transfer).  On the
# emulator the clock is emulated time at 125 MHz.  Heap: gc.mem_alloc()
# (modssl's mbedTLS memory comes from the GC heap), peak sampled at every
# link call, steady once the handshake is done.
# Globals from the harness: SERVER, CA_PEM, HOSTNAME, N, WARMUP.
import gc
import json
import ssl
import time

import hostlink

ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.load_verify_locations(cadata=CA_PEM)
out = {"us": [], "link_us": [], "peak": [], "steady": [], "version": None}
for i in range(WARMUP + N):
    gc.collect()
    base = gc.mem_alloc()
    hostlink.reset_stats()
    t0 = time.ticks_us()
    conn = hostlink.LinkConnection(ctx, "tcp", SERVER, HOSTNAME)
    total = time.ticks_diff(time.ticks_us(), t0)
    link = hostlink.stats["us"]
    peak = hostlink.stats["peak_alloc"] - base
    gc.collect()
    steady = gc.mem_alloc() - base
    conn.write(b"x")
    assert conn.read(1) == b"x"
    out["version"] = conn.version()
    conn.close()
    # A closed SSLObject keeps its buffers until it is collected (as in
    # CPython, it has no close()): drop it before the next round's baseline.
    conn = None
    if i >= WARMUP:
        out["us"].append(total - link)
        out["link_us"].append(link)
        out["peak"].append(peak)
        out["steady"].append(steady)
print("RESULT " + json.dumps(out))
