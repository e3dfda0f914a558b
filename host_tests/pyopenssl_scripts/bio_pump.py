"""Helpers shared by the differential scripts: they run unchanged under
CPython with the real pyOpenSSL and on the firmware with modssl's OpenSSL.SSL.

Everything printed must be the same on both: exception class names, OpenSSL
reason strings, version and cipher names, certificate subjects -- never
addresses, byte counts of handshake flights or library-specific messages.
"""

from OpenSSL import SSL


def relay(src, dst):
    """Move every ciphertext byte src has produced into dst's incoming BIO."""
    while True:
        try:
            data = src.bio_read(65536)
        except SSL.WantReadError:
            return
        dst.bio_write(data)


def failure(exc):
    """A comparable description of an exception: class, and reason if Error."""
    name = type(exc).__name__
    if type(exc) is SSL.Error and exc.args and isinstance(exc.args[0], list):
        return "%s %s" % (name, exc.args[0][-1][2])
    if type(exc) is SSL.SysCallError:
        return "%s %r" % (name, exc.args)
    return name


def handshake(client, server, log=None, rounds=12):
    """Alternate do_handshake() calls, relaying after each, until both finish.

    Returns (client outcome, server outcome): "ok" or failure(exc).  With a
    log list, every call's result is appended to it (the want-read loop).
    """
    sides = [["client", client, server, None], ["server", server, client, None]]
    for _ in range(rounds):
        for side in sides:
            name, conn, peer, result = side
            if result is None:
                try:
                    conn.do_handshake()
                    side[3] = "ok"
                except SSL.WantReadError:
                    pass
                except SSL.Error as exc:
                    side[3] = failure(exc)
                if log is not None:
                    log.append("%s: %s" % (name, side[3] or "WantReadError"))
            relay(conn, peer)
        if sides[0][3] is not None and sides[1][3] is not None:
            break
    return sides[0][3], sides[1][3]


def attempt(fn, *args):
    """fn(*args) -> repr of its result, or failure(exc)."""
    try:
        return repr(fn(*args))
    except SSL.Error as exc:
        return failure(exc)


def name_of(x509name):
    return "/".join("%s=%s" % (k.decode(), v.decode()) for k, v in x509name.get_components())


def pair(client_ctx, server_ctx, host=b"localhost"):
    """A client and a server Connection over memory BIOs."""
    client = SSL.Connection(client_ctx, None)
    client.set_connect_state()
    if host:
        client.set_tlsext_host_name(host)
    server = SSL.Connection(server_ctx, None)
    server.set_accept_state()
    return client, server
