# Bulk throughput over TLS 1.2 with one cipher suite: "U<n>" sends n bytes
# to the host's sink (it answers one byte once all arrived), "D<n>"
# receives n bytes from its source.  Globals: HOST, PORT, CA, CIPHER,
# SIZE, N, and MFL (modssl: ask the peer for records of at most MFL bytes).
import socket

import tls
from benchlib import cipher_name, make_context, nodelay, now_us, read_file, result, since_us

CHUNK = 16384
ctx = make_context(tls.PROTOCOL_TLS_CLIENT, ca_der=read_file(CA), version=0x0303, ciphers=[CIPHER])
if globals().get("MFL"):
    ctx.max_fragment_length = MFL
addr = socket.getaddrinfo(HOST, PORT)[0][-1]
chunk = bytes(CHUNK)
buf = bytearray(CHUNK)
out = {"up": [], "down": [], "cipher": None}
for i in range(N):
    for way in ("up", "down"):
        s = socket.socket()
        nodelay(s)
        s.connect(addr)
        c = ctx.wrap_socket(s, server_hostname="localhost")
        if out["cipher"] is None:
            out["cipher"] = cipher_name(c)
        t0 = now_us()
        if way == "up":
            c.write(b"U%d\n" % SIZE)
            left = SIZE
            while left > 0:
                n = min(left, CHUNK)
                c.write(chunk if n == CHUNK else chunk[:n])
                left -= n
            assert c.read(1) == b"K"
        else:
            c.write(b"D%d\n" % SIZE)
            left = SIZE
            while left > 0:
                n = c.readinto(buf)
                if not n:
                    raise OSError("short read")
                left -= n
        out[way].append(since_us(t0))
        c.close()
result(out)
