# Full (or, where the module can, resumed) client handshakes against a host
# TLS server: connect, time wrap_socket (the whole handshake), then one echo
# round trip to prove the connection works, close.  Globals from the
# harness: HOST, PORT, CA, VERSION, N, WARMUP, NODELAY, and RESUME (offer
# the previous connection's session: modssl's `session` API).
import socket

import tls
from benchlib import make_context, nodelay, now_us, read_file, result, since_us

ctx = make_context(tls.PROTOCOL_TLS_CLIENT, ca_der=read_file(CA), version=VERSION)
addr = socket.getaddrinfo(HOST, PORT)[0][-1]
times = []
session = None
resume = globals().get("RESUME", False)
for i in range(WARMUP + N):
    s = socket.socket()
    if NODELAY:
        nodelay(s)
    s.connect(addr)
    t0 = now_us()
    if resume:
        c = ctx.wrap_socket(s, server_hostname="localhost", session=session)
    else:
        c = ctx.wrap_socket(s, server_hostname="localhost")
    dt = since_us(t0)
    c.write(b"x")
    assert c.read(1) == b"x"
    if resume:
        session = c.session
    c.close()
    if i >= WARMUP:
        times.append(dt)
result({"us": times})
