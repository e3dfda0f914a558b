# For callgrind: everything a client handshake needs (context, CA, TCP
# connection) and then HANDSHAKES handshakes.  Run once with HANDSHAKES=0 as
# the baseline; the difference is the instructions the handshakes cost.
# Globals: HOST, PORT, CA, VERSION, HANDSHAKES.
import socket

import tls
from benchlib import make_context, read_file

ctx = make_context(tls.PROTOCOL_TLS_CLIENT, ca_der=read_file(CA), version=VERSION)
addr = socket.getaddrinfo(HOST, PORT)[0][-1]
s = socket.socket()
s.connect(addr)
for _ in range(HANDSHAKES):
    c = ctx.wrap_socket(s, server_hostname="localhost")
    c.close()
    s = socket.socket()
    s.connect(addr)
s.close()
print("RESULT {}")
