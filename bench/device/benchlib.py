# Shared helpers for the on-device benchmark scripts (plain MicroPython).
#
# The same scripts run on the modssl firmware and on stock upstream
# MicroPython: both are driven through the C module `tls`, and the few API
# differences (keyword arguments, version attributes) are bridged here.
# Every script prints one line "RESULT <json>" for the harness to parse.
import json
import time

import tls


def make_context(protocol, ca_der=None, cert_der=None, key_der=None, version=None, ciphers=None):
    ctx = tls.SSLContext(protocol)
    if ca_der is not None:
        ctx.verify_mode = tls.CERT_REQUIRED
        try:
            ctx.load_verify_locations(cadata=ca_der)
        except TypeError:
            # Stock upstream takes the CA data positionally only.
            ctx.load_verify_locations(ca_der)
    else:
        ctx.verify_mode = tls.CERT_NONE
    if cert_der is not None:
        ctx.load_cert_chain(cert_der, key_der)
    if version is not None and hasattr(ctx, "maximum_version"):
        # Pin the version on both ends so the figure is for that version.
        ctx.minimum_version = version
        ctx.maximum_version = version
    if ciphers:
        try:
            ctx.set_ciphers(ciphers)
        except (OSError, ValueError):
            # Stock upstream knows mbedTLS's own spelling (hyphens) only; if
            # that fails too, the suite is not compiled in and it raises.
            ctx.set_ciphers([c.replace("_", "-") for c in ciphers])
    return ctx


def cipher_name(conn):
    # modssl returns CPython's 3-tuple, stock a 2-tuple; both lead with the name.
    c = conn.cipher()
    return c if isinstance(c, str) else c[0]


def nodelay(sock):
    # TCP_NODELAY (IPPROTO_TCP=6, TCP_NODELAY=1 on Linux; the unix port has
    # no constants for them).  Without it, a TLS 1.2 client's last flight,
    # written record by record, waits for the peer's delayed ACK (~40 ms).
    try:
        sock.setsockopt(6, 1, 1)
    except OSError:
        pass


def read_file(path):
    with open(path, "rb") as f:
        return f.read()


def now_us():
    return time.ticks_us()


def since_us(t0):
    return time.ticks_diff(time.ticks_us(), t0)


def result(obj):
    print("RESULT " + json.dumps(obj))
