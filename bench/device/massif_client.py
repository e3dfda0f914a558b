# For valgrind massif (libc-malloc builds: stock, and modssl built with
# MODSSL_LIBC_ALLOC): open HOLD client connections and keep them all open
# to the end, so the heap's peak holds HOLD steady connections plus one
# handshake's temporaries.  Globals: HOST, PORT, CA, VERSION, HOLD.
import socket

import tls
from benchlib import make_context, read_file, result

ctx = make_context(tls.PROTOCOL_TLS_CLIENT, ca_der=read_file(CA), version=VERSION)
addr = socket.getaddrinfo(HOST, PORT)[0][-1]
held = []
for _ in range(HOLD):
    s = socket.socket()
    s.connect(addr)
    c = ctx.wrap_socket(s, server_hostname="localhost")
    c.write(b"x")
    assert c.read(1) == b"x"
    held.append(c)
result({"held": len(held)})
