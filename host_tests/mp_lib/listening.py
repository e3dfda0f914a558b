# For the on-firmware halves of host_tests: a server binds its own port in
# the process that serves and reports it, so no test hands a port it freed
# to another process.  MicroPython's unix sockets have no getsockname(), so
# random high ports are tried until one binds.
import random
import socket


def listen(backlog=8, host="127.0.0.1", kind=socket.SOCK_STREAM):
    for _ in range(200):
        port = 20000 + random.getrandbits(16) % 40000
        s = socket.socket(socket.AF_INET, kind)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(socket.getaddrinfo(host, port)[0][-1])
        except OSError:
            s.close()
            continue
        if kind == socket.SOCK_STREAM:
            s.listen(backlog)
        return s, port
    raise OSError("no free port found to listen on")
