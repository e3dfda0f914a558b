# Server side: accept N connections from the host's timing client, hand
# each to wrap_socket(server_side=True), echo one byte, close.  The client
# times the handshake, so every server (modssl, stock, CPython) is measured
# by the same clock.  It binds a port of its own and reports it ("READY
# <port>").  Globals: CERT, KEY, VERSION, COUNT.
import random
import socket

import tls
from benchlib import make_context, nodelay, read_file

ctx = make_context(tls.PROTOCOL_TLS_SERVER, cert_der=read_file(CERT), key_der=read_file(KEY), version=VERSION)
# MicroPython's unix sockets have no getsockname(): try random high ports.
for _ in range(200):
    port = 20000 + random.getrandbits(16) % 40000
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        srv.bind(socket.getaddrinfo("127.0.0.1", port)[0][-1])
        break
    except OSError:
        srv.close()
srv.listen(4)
print("READY", port)
for i in range(COUNT):
    s, _ = srv.accept()
    nodelay(s)
    c = ctx.wrap_socket(s, server_side=True)
    b = c.read(1)
    c.write(b)
    c.close()
srv.close()
