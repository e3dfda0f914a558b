# DTLS 1.2 client handshakes over UDP to the host's `openssl s_server
# -dtls1_2`: time wrap_socket, then close (close_notify lets the server take
# the next client).  Globals: HOST, PORT, CA, N, WARMUP.
import socket

import tls
from benchlib import make_context, now_us, read_file, result, since_us

ctx = make_context(tls.PROTOCOL_DTLS_CLIENT, ca_der=read_file(CA))
addr = socket.getaddrinfo(HOST, PORT)[0][-1]
times = []
for i in range(WARMUP + N):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.connect(addr)
    t0 = now_us()
    c = ctx.wrap_socket(s, server_hostname="localhost")
    dt = since_us(t0)
    c.close()
    if i >= WARMUP:
        times.append(dt)
result({"us": times})
