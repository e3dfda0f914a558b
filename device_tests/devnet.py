# Connections from a test script to the host's servers, whatever the board
# has: its own network (TRANSPORT "socket") or only a serial line to the
# harness (TRANSPORT "link", see hostlink.py).  The scripts call these and
# run unchanged on the unix port, a networked board and a plain Pico.
from modssl_testcfg import HOST, SERVERS, TRANSPORT


def _sock_to(server, kind):
    import socket  # not on a board without a network: imported only here

    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM if kind == "udp" else socket.SOCK_STREAM)
    try:
        sock.connect(socket.getaddrinfo(HOST, SERVERS[server])[0][-1])
    except Exception:
        sock.close()
        raise
    return sock


def _connect(ctx, server, server_hostname, kind):
    if TRANSPORT == "link":
        from hostlink import LinkConnection

        return LinkConnection(ctx, kind, server, server_hostname)
    sock = _sock_to(server, kind)
    try:
        return ctx.wrap_socket(sock, server_hostname=server_hostname)
    except Exception:
        sock.close()
        raise


def connect_tls(ctx, server, server_hostname):
    """A TLS client connection to the host server named `server`, handshake done."""
    return _connect(ctx, server, server_hostname, "tcp")


def connect_dtls(ctx, server, server_hostname):
    """A DTLS client connection to the host server named `server`, handshake done."""
    return _connect(ctx, server, server_hostname, "udp")
