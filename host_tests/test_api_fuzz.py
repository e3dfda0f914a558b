"""Every public method, called wrongly, raises a clean exception.

One firmware process calls each public method of SSLContext, SSLSocket,
SSLObject, MemoryBIO and pyOpenSSL's Context/Connection/crypto with wrong
types, None, huge and negative sizes, garbage PEM/DER, and again after the
object was closed.  Only ordinary exceptions may come out, every message
must be valid UTF-8, and the process must live to print its final marker
(`make test` runs this on the ASan+UBSan build too, where a memory error
aborts the process).
"""

from __future__ import annotations

FUZZ = """
import socket, ssl
from OpenSSL import SSL, crypto

GARBAGE_PEM = b"-----BEGIN CERTIFICATE-----\\nMIIBAAAA\\n-----END CERTIFICATE-----\\n"
GARBAGE_DER = b"\\x30\\x82\\x01\\x00" + bytes(range(40))
VALUES = [
    None, True, 0, -1, 1, 7, 2**31, -2**31, 2**64, -2**64, 1.5, "", "x", "\\xff\\u20ac\\x00",
    b"", b"\\xff\\xfe\\x00", bytearray(b"abc"), memoryview(b"abcdef"), [], [b"\\xff"], ["x" * 300], [None],
    ("h2", 1), {}, object(), GARBAGE_PEM, GARBAGE_DER, GARBAGE_PEM.decode(), b"a" * 70000,
    lambda *a: None, lambda *a: 1 // 0, bytearray(0),
]
PARTNERS = [None, 0, b"", "x", -1]
CLEAN = (TypeError, ValueError, OSError, NotImplementedError, AttributeError, OverflowError, KeyError,
         IndexError, UnicodeError, SSL.Error, crypto.Error)
SKIP = {"__del__", "close_later"}
# Methods that wait for a peer when called with a valid-looking argument on a
# blocking transport; the objects below never have one, so nothing blocks.
calls = 0
unclean = []


def check_text(exc):
    for part in (str(exc),) + tuple(a for a in exc.args if isinstance(a, str)):
        part.encode().decode()  # raises UnicodeError if not valid UTF-8


def call(label, fn, *args, **kw):
    global calls
    calls += 1
    try:
        fn(*args, **kw)
    except CLEAN as e:
        try:
            check_text(e)
        except UnicodeError:
            unclean.append("%s%r: invalid UTF-8 in %r" % (label, args, e.args))
    except MemoryError as e:
        # Asking for gigabytes may fail so; anything else may not.
        if not any(isinstance(a, int) and abs(a) >= 2**31 for a in args):
            unclean.append("%s%r: MemoryError" % (label, args))
    except Exception as e:
        unclean.append("%s%r: %s %r" % (label, args, type(e).__name__, e.args))


def methods(obj):
    names = []
    for name in dir(obj):
        if name.startswith("_") or name in SKIP:
            continue
        try:
            attr = getattr(obj, name)
        except CLEAN:
            continue
        if callable(attr) and not isinstance(attr, type):
            names.append(name)
    return names


def hammer(label, make):
    obj = make()
    for name in methods(obj):
        tag = "%s.%s" % (label, name)
        call(tag, lambda: getattr(make(), name)())
        for v in VALUES:
            call(tag, getattr(obj, name), v)
            for w in PARTNERS:
                call(tag, getattr(obj, name), v, w)
                call(tag, getattr(obj, name), w, v)


def client_ctx(protocol=ssl.PROTOCOL_TLS_CLIENT):
    ctx = ssl.SSLContext(protocol)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def bio_obj(protocol=ssl.PROTOCOL_TLS_CLIENT, server_side=False):
    ctx = client_ctx(protocol)
    return ctx.wrap_bio(ssl.MemoryBIO(), ssl.MemoryBIO(), server_side=server_side)


def unconnected_socket():
    return client_ctx().wrap_socket(socket.socket(), do_handshake_on_connect=False)


def closed_socket():
    s = unconnected_socket()
    s.close()
    return s


def closed_bio():
    bio = ssl.MemoryBIO()
    bio.write_eof()
    return bio


def unwrapped_obj():
    o = bio_obj()
    try:
        o.unwrap()
    except CLEAN:
        pass
    return o


def ossl_conn():
    return SSL.Connection(SSL.Context(SSL.TLS_CLIENT_METHOD), None)


def ossl_closed():
    c = ossl_conn()
    try:
        c.shutdown()
    except CLEAN:
        pass
    return c


# Attribute stores take any value too.
for v in VALUES:
    for attr in ("verify_mode", "check_hostname", "minimum_version", "maximum_version", "max_fragment_length",
                 "verify_callback", "dtls_cookie_timeout"):
        call("SSLContext." + attr + "=", setattr, client_ctx(), attr, v)
    for protocol in (v, 0, 1, 2, 3):
        call("SSLContext", ssl.SSLContext, protocol)
    call("MemoryBIO", ssl.MemoryBIO, v)
    call("SSL.Context", SSL.Context, v)
    call("SSL.Connection", SSL.Connection, SSL.Context(SSL.TLS_METHOD), v)
    call("wrap_socket", ssl.wrap_socket, v)
    for kw in ("server_hostname", "client_id", "session", "server_side"):
        call("wrap_socket(%s=)" % kw, client_ctx().wrap_socket, socket.socket(), do_handshake_on_connect=False,
             **{kw: v})
        call("wrap_bio(%s=)" % kw, client_ctx().wrap_bio, ssl.MemoryBIO(), ssl.MemoryBIO(), **{kw: v})
    for kw in ("certfile", "keyfile", "password"):
        args = {"certfile": GARBAGE_PEM, "keyfile": GARBAGE_PEM}
        args[kw] = v
        call("load_cert_chain(%s=)" % kw, client_ctx().load_cert_chain, **args)
    for kw in ("cafile", "cadata", "capath"):
        call("load_verify_locations(%s=)" % kw, client_ctx().load_verify_locations, **{kw: v})

hammer("SSLContext", client_ctx)
hammer("SSLContext(server)", lambda: client_ctx(ssl.PROTOCOL_TLS_SERVER))
hammer("SSLContext(dtls)", lambda: client_ctx(ssl.PROTOCOL_DTLS_SERVER))
hammer("MemoryBIO", ssl.MemoryBIO)
hammer("MemoryBIO(eof)", closed_bio)
hammer("SSLObject", bio_obj)
hammer("SSLObject(server)", lambda: bio_obj(ssl.PROTOCOL_TLS_SERVER, True))
hammer("SSLObject(dtls)", lambda: bio_obj(ssl.PROTOCOL_DTLS_CLIENT))
hammer("SSLObject(unwrapped)", unwrapped_obj)
hammer("SSLSocket", unconnected_socket)
hammer("SSLSocket(closed)", closed_socket)
hammer("SSL.Context", lambda: SSL.Context(SSL.TLS_METHOD))
hammer("SSL.Connection", ossl_conn)
hammer("SSL.Connection(shut)", ossl_closed)
hammer("crypto", lambda: crypto)
hammer("ssl", lambda: ssl)

for line in unclean:
    print("UNCLEAN", line)
print("DONE", calls, len(unclean))
"""


def test_api_fuzz_raises_only_clean_exceptions(mp):
    out = mp.run(FUZZ, timeout=600, check=False)
    assert out.returncode == 0, f"exit {out.returncode}\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}"
    assert out.lines and out.lines[-1].startswith("DONE"), out.stdout[-3000:] + out.stderr[-3000:]
    calls = int(out.lines[-1].split()[1])
    assert calls > 10000, out.lines[-1]  # the fuzz really ran
    unclean = [line for line in out.lines if line.startswith("UNCLEAN")]
    assert not unclean, "\n".join(unclean[:40])


ALPN_CLEARED = """
import socket, ssl
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.load_verify_locations(cafile=CA)
for protocols in (["h2"], []):
    ctx.set_alpn_protocols(protocols)
    s = socket.socket()
    s.connect(socket.getaddrinfo("127.0.0.1", PORT)[0][-1])
    t = ctx.wrap_socket(s, server_hostname="localhost")
    print(t.selected_alpn_protocol())
    t.close()
"""


def test_empty_alpn_list_clears_alpn(mp, pki, tls_server):
    """set_alpn_protocols([]) (a segfault once) turns ALPN off again, as in
    CPython: the server that agreed to h2 a moment ago sees no offer."""
    server = tls_server("server_ec", alpn=["h2"])
    out = mp.run(ALPN_CLEARED, PORT=server.port, CA=str(pki["ca"].cert_pem)).lines
    assert out == ["h2", "None"]
