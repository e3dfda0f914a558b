"""DTLS 1.2 over UDP (RFC 6347): the firmware as client and server against
OpenSSL peers (`openssl s_server`/`s_client`, pyOpenSSL), HelloVerify cookies
kept in the SSLContext, retransmission over a lossy link, the timers an event
loop drives, MTU control, and a server with many clients at once."""

from __future__ import annotations

import re
import subprocess
import threading

import pytest
from modssl_harness import dtlspeers
from modssl_harness.dtlspeers import C2S, S2C, LossyRelay, PyOpenSSLDtlsServer

HVR_TEXT = "Hello Verify Required"

# The firmware as a DTLS client: verify the server as "localhost", optionally
# present a client certificate, send one message, print the reply.
CLIENT = """
import socket, ssl
ctx = ssl.SSLContext(ssl.PROTOCOL_DTLS_CLIENT)
ctx.load_verify_locations(cafile=CA)
if CERT:
    ctx.load_cert_chain(CERT, KEY)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.connect(socket.getaddrinfo("127.0.0.1", PORT)[0][-1])
try:
    t = ctx.wrap_socket(s, server_hostname="localhost")
except OSError as e:
    print("HANDSHAKE-ERROR", e)
    raise SystemExit(0)
print("VERSION", t.version())
print("PEER", dict(x[0] for x in t.getpeercert()["subject"])["commonName"])
t.write(MESSAGE)
print("REPLY", t.recv(2000))
t.close()
"""

# The firmware as a DTLS server, following the spec's flow word for word:
# peek at the first datagram for the client's address, connect back, wrap
# with client_id; the first attempt raises "Hello Verify Required" and the
# next one, with the same context, succeeds.  Echoes upper-cased.
SERVER = """
import gc, socket, ssl
ctx = ssl.SSLContext(ssl.PROTOCOL_DTLS_SERVER)
ctx.load_cert_chain(CERT, KEY)
if CLIENT_CA:
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.load_verify_locations(cafile=CLIENT_CA)
from listening import listen
sock, port = listen(kind=socket.SOCK_DGRAM)
MSG_PEEK = getattr(socket, "MSG_PEEK", 2)  # the unix port has no constant
print("LISTENING", port)
attempts = []
while True:
    _, client_addr = sock.recvfrom(1, MSG_PEEK)
    sock.connect(client_addr)  # Connect back to the client
    try:
        if MTU:
            # set_mtu() before the handshake: wrap without it, then drive it.
            tls = ctx.wrap_socket(sock, server_side=True, client_id=repr(client_addr).encode(),
                                  do_handshake_on_connect=False)
            tls.set_mtu(MTU)
            while True:
                try:
                    tls.do_handshake()
                    break
                except ssl.SSLWantReadError:
                    pass  # a retransmission timer fired
        else:
            tls = ctx.wrap_socket(sock, server_side=True, client_id=repr(client_addr).encode())
        break
    except OSError as e:
        if e.args[0] != -0x6A80:
            print("HANDSHAKE-ERROR", e)
            raise SystemExit(0)
        attempts.append(e.args[1])
        gc.collect()  # the failed wrapper goes; the socket must stay open
print("ATTEMPTS", len(attempts), attempts[0] if attempts else None)
print("VERSION", tls.version())
peer = tls.getpeercert()
print("PEER", peer and dict(x[0] for x in peer["subject"])["commonName"])
if LOSSY:
    # Application-level retry: DTLS does not resend data, the client does;
    # duplicates are answered again.  Non-blocking so that a datagram DTLS
    # discards (a replay) never blocks the read.
    import select
    tls.setblocking(False)
    p = select.poll()
    p.register(tls, select.POLLIN)
    served = 0
    while p.poll(8000):
        data = tls.recv(2000)
        if data is None:
            continue
        if not data or data == b"bye":
            break
        tls.write(b"ACK " + data)
        served += 1
    print("SERVED", served)
else:
    while True:
        data = tls.recv(2000)
        if not data:
            break
        tls.write(data.upper())
        if ONE_MESSAGE:
            break
tls.close()
print("DONE")
"""


def server_script(mp, pki, cert: str, client_ca: str | None = None, one_message: bool = False,
                  lossy: bool = False, mtu: int = 0) -> tuple[int, object]:
    bg = mp.start(
        SERVER,
        CERT=str(pki[cert].chain_pem),
        KEY=str(pki[cert].key_pem),
        CLIENT_CA=client_ca,
        ONE_MESSAGE=one_message,
        LOSSY=lossy,
        MTU=mtu,
    )
    return listening_port(bg), bg


def listening_port(bg) -> int:
    """The port a firmware-side server bound itself (host_tests/mp_lib/listening.py)."""
    word, port = bg.first_line.split()
    assert word == "LISTENING", bg.first_line
    return int(port)


def rest_of(bg, timeout: float = 30) -> list[str]:
    """The lines a background script prints after its first, once it ends
    (read from the same buffered pipe as the first line)."""
    kill_after(bg.proc, timeout)
    bg.proc.wait()
    return bg.proc.stdout.read().splitlines()


def kill_after(proc: subprocess.Popen, seconds: float) -> None:
    """Bound a peer whose output a test reads line by line."""
    timer = threading.Timer(seconds, proc.kill)
    timer.daemon = True
    timer.start()


def ca_for(cert: str) -> str:
    return "ca_rsa" if cert.endswith("rsa") else "ca"


# --- the firmware as client -------------------------------------------------


@pytest.mark.parametrize("kind", ["ec", "rsa"])
def test_client_against_openssl_s_server_mutual_auth(mp, pki, openssl, kind):
    server, client = f"server_{kind}", f"client_{kind}"
    peer = openssl.server("-dtls1_2", "-listen", "-naccept", "1", "-cert", str(pki[server].chain_pem),
                          "-key", str(pki[server].key_pem), "-Verify", "2", "-verify_return_error",
                          "-CAfile", str(pki.directory / "cas.pem"))
    bg = mp.start(CLIENT, PORT=peer.port, CA=str(pki[ca_for(server)].cert_pem), CERT=str(pki[client].chain_pem),
                  KEY=str(pki[client].key_pem), MESSAGE=b"ping from device\n")
    peer.wait_for("ping from device")  # s_server prints what it receives
    # s_server sends what it reads on stdin once the connection is up.
    peer.send("pong from openssl\n")
    out = [bg.first_line, *rest_of(bg)]
    server_out = peer.stop().splitlines()
    assert out == ["VERSION DTLSv1.2", "PEER localhost", "REPLY b'pong from openssl\\n'"]
    assert "verify return:1" in server_out


@pytest.mark.parametrize("kind", ["ec", "rsa"])
def test_client_against_pyopenssl_dtlsv1_listen(mp, pki, kind):
    """pyOpenSSL's server uses DTLSv1_listen() with its own cookie callbacks
    and demands a client certificate."""
    server, client = f"server_{kind}", f"client_{kind}"
    with PyOpenSSLDtlsServer(pki[server], str(pki.directory / "cas.pem"), require_client_cert=True) as peer:
        out = mp.run(CLIENT, PORT=peer.port, CA=str(pki[ca_for(server)].cert_pem), CERT=str(pki[client].chain_pem),
                     KEY=str(pki[client].key_pem), MESSAGE=b"hello").lines
        result = peer.wait(timeout=10)
    assert out == ["VERSION DTLSv1.2", "PEER localhost", "REPLY b'HELLO'"]
    assert result.error is None
    assert result.version == "DTLSv1.2"
    assert result.peer_cn == _cn(pki[client])
    assert result.cookies_made >= 1 and result.cookies_checked[-1] is True
    assert result.received == [b"hello"] and result.closed


def test_client_rejects_server_with_wrong_name(mp, pki):
    with PyOpenSSLDtlsServer(pki["server_wronghost"]) as peer:
        out = mp.run(CLIENT, PORT=peer.port, CA=str(pki["ca"].cert_pem), CERT=None, KEY=None, MESSAGE=b"x").lines
    assert len(out) == 1 and out[0].startswith("HANDSHAKE-ERROR"), out
    assert "hostname mismatch" in out[0], out


# --- the firmware as server -------------------------------------------------


@pytest.mark.parametrize("kind", ["ec", "rsa"])
def test_server_spec_flow_against_openssl_s_client(mp, pki, openssl, kind):
    server, client = f"server_{kind}", f"client_{kind}"
    port, bg = server_script(mp, pki, server, client_ca=str(pki.directory / "cas.pem"), one_message=True)
    peer = openssl.client(port, "-dtls1_2", "-servername", "localhost", "-CAfile", str(pki[ca_for(server)].cert_pem),
                          "-verify_return_error", "-verify_hostname", "localhost", "-cert", str(pki[client].chain_pem),
                          "-key", str(pki[client].key_pem))
    peer.send("hello from openssl\n")
    client_out = peer.wait(timeout=30)  # ends on the server's close_notify
    lines = rest_of(bg)
    assert lines == [f"ATTEMPTS 1 {HVR_TEXT}", "VERSION DTLSv1.2", f"PEER {_cn(pki[client])}", "DONE"]
    assert "HELLO FROM OPENSSL" in client_out
    assert "Verify return code: 0 (ok)" in client_out


def test_server_demands_client_certificate(mp, pki, openssl):
    port, bg = server_script(mp, pki, "server_ec", client_ca=str(pki["ca"].cert_pem))
    client_out = openssl.run_client(port, "-dtls1_2", "-CAfile", str(pki["ca"].cert_pem), timeout=30)
    lines = rest_of(bg)
    assert lines[-1] == "HANDSHAKE-ERROR (-29824, 'peer did not send a certificate, but one is required')", lines
    # The client learns why: handshake_failure (40), the DTLS 1.2 alert for it.
    assert "alert handshake failure" in client_out and "SSL alert number 40" in client_out, client_out


@pytest.mark.parametrize("kind", ["ec", "rsa"])
def test_server_against_pyopenssl_client(mp, pki, kind):
    server, client = f"server_{kind}", f"client_{kind}"
    port, bg = server_script(mp, pki, server, client_ca=str(pki.directory / "cas.pem"))
    result = dtlspeers.pyopenssl_dtls_client(port, str(pki[ca_for(server)].cert_pem), [b"one", b"two" * 300],
                                             cert=pki[client])
    lines = rest_of(bg)
    assert result.error is None, result.error
    assert result.version == "DTLSv1.2" and result.peer_cn == "localhost"
    assert result.received == [b"ONE", b"TWO" * 300] and result.closed
    assert lines[0] == f"ATTEMPTS 1 {HVR_TEXT}"
    assert lines[1:] == ["VERSION DTLSv1.2", f"PEER {_cn(pki[client])}", "DONE"]


def _cn(issued) -> str:
    from cryptography.x509.oid import NameOID

    return issued.cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value



# --- HelloVerify cookies: state in the SSLContext ---------------------------

# Client and server over memory BIOs in one script: the server answers a
# ClientHello with a HelloVerifyRequest (an OSError on its side) or, for a
# good cookie, with its next flight.
COOKIES = """
import gc, ssl, time
sctx = ssl.SSLContext(ssl.PROTOCOL_DTLS_SERVER)
sctx.load_cert_chain(CERT, KEY)
cctx = ssl.SSLContext(ssl.PROTOCOL_DTLS_CLIENT)
cctx.verify_mode = ssl.CERT_NONE


def step(conn):
    try:
        conn.do_handshake()
    except ssl.SSLWantReadError:
        pass


def server_answer(datagram, client_id):
    si, so = ssl.MemoryBIO(), ssl.MemoryBIO()
    s = sctx.wrap_bio(si, so, server_side=True, client_id=client_id)
    si.write(datagram)
    try:
        s.do_handshake()
    except ssl.SSLWantReadError:
        return "next flight", so.read()
    except OSError as e:
        return e.args[1], so.read()
    return "done", so.read()


def hello_with_cookie(client_id):
    ci, co = ssl.MemoryBIO(), ssl.MemoryBIO()
    c = cctx.wrap_bio(ci, co)
    step(c)
    fate, hvr = server_answer(co.read(), client_id)
    ci.write(hvr)
    step(c)
    return fate, co.read()


print("DEFAULT", sctx.dtls_cookie_timeout)
fate, hello2 = hello_with_cookie(b"alice")
print("FIRST", fate)
print("COOKIE", server_answer(hello2, b"alice")[0])
print("OTHER CLIENT", server_answer(hello2, b"mallory")[0])

# Constant memory: the server keeps nothing per client between datagrams.
ci, co = ssl.MemoryBIO(), ssl.MemoryBIO()
step(cctx.wrap_bio(ci, co))
hello = co.read()
for i in range(20):
    server_answer(hello, b"warm-up %d" % i)
gc.collect()
before = gc.mem_alloc()
answers = set()
for i in range(N):
    answers.add(server_answer(hello, b"client %d" % i)[0])
gc.collect()
print("ANSWERS", sorted(answers))
print("GROWTH", gc.mem_alloc() - before)

# Expiry, with a short lifetime so that the test need not wait a minute.
sctx.dtls_cookie_timeout = 1
print("TIMEOUT", sctx.dtls_cookie_timeout)
fate, hello2 = hello_with_cookie(b"bob")
print("FRESH", server_answer(hello2, b"bob")[0])
time.sleep(2.5)
print("EXPIRED", server_answer(hello2, b"bob")[0])
try:
    sctx.dtls_cookie_timeout = -1
except ValueError as e:
    print("NEGATIVE", e)
try:
    cctx.dtls_cookie_timeout = 5
except AttributeError:
    print("CLIENT CONTEXT has no cookies")
"""


def test_cookies_live_in_the_context(mp, pki):
    out = mp.run(COOKIES, CERT=str(pki["server_ec"].chain_pem), KEY=str(pki["server_ec"].key_pem), N=300).lines
    assert out[:4] == ["DEFAULT 60", f"FIRST {HVR_TEXT}", "COOKIE next flight", f"OTHER CLIENT {HVR_TEXT}"]
    assert out[4] == f"ANSWERS ['{HVR_TEXT}']"
    growth = int(out[5].split()[1])
    # 300 clients: a connection's state alone is tens of kilobytes.
    assert growth < 1024, out[5]
    assert out[6:] == [
        "TIMEOUT 1",
        "FRESH next flight",
        f"EXPIRED {HVR_TEXT}",
        "NEGATIVE dtls_cookie_timeout must be >= 0 seconds",
        "CLIENT CONTEXT has no cookies",
    ]


# --- timers an application or event loop drives ------------------------------

TIMERS_BIO = """
import ssl, time
sctx = ssl.SSLContext(ssl.PROTOCOL_DTLS_SERVER)
sctx.load_cert_chain(CERT, KEY)
cctx = ssl.SSLContext(ssl.PROTOCOL_DTLS_CLIENT)
cctx.load_verify_locations(cafile=CA)
ci, co, si, so = ssl.MemoryBIO(), ssl.MemoryBIO(), ssl.MemoryBIO(), ssl.MemoryBIO()
c = cctx.wrap_bio(ci, co, server_hostname="localhost")
s = sctx.wrap_bio(si, so, server_side=True)


def step(conn):
    try:
        conn.do_handshake()
    except ssl.SSLWantReadError:
        pass


print("BEFORE", c.dtls_get_timeout(), c.dtls_handle_timeout())
step(c)
lost = co.read()  # the link loses the ClientHello
left = c.dtls_get_timeout()
print("ARMED", 0 < left <= 1.0)
print("EARLY", c.dtls_handle_timeout(), co.pending)
time.sleep(left + 0.05)
print("EXPIRED", c.dtls_get_timeout())
print("HANDLED", c.dtls_handle_timeout(), co.pending == len(lost))
print("BACKOFF", 1.0 < c.dtls_get_timeout() <= 2.0)
for _ in range(20):
    si.write(co.read())
    step(s)
    ci.write(so.read())
    step(c)
    if c.version() and s.version():
        break
print("VERSIONS", c.version(), s.version(), c.dtls_get_timeout())
c.write(b"ping")
si.write(co.read())
print("DATA", s.read())
"""


def test_timers_on_the_memory_bio_face(mp, pki):
    out = mp.run(TIMERS_BIO, CERT=str(pki["server_ec"].chain_pem), KEY=str(pki["server_ec"].key_pem),
                 CA=str(pki["ca"].cert_pem)).lines
    assert out == [
        "BEFORE None False",
        "ARMED True",
        "EARLY False 0",
        "EXPIRED 0.0",
        "HANDLED True True",
        "BACKOFF True",
        "VERSIONS DTLSv1.2 DTLSv1.2 None",
        "DATA b'ping'",
    ]


# A client on a non-blocking socket: the handshake is driven by do_handshake(),
# poll() with dtls_get_timeout() as its timeout and dtls_handle_timeout().
TIMERS_SOCKET = """
import select, socket, ssl, time
ctx = ssl.SSLContext(ssl.PROTOCOL_DTLS_CLIENT)
ctx.load_verify_locations(cafile=CA)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.connect(socket.getaddrinfo("127.0.0.1", PORT)[0][-1])
if RAW_NONBLOCKING:
    s.setblocking(False)
t = ctx.wrap_socket(s, server_hostname="localhost", do_handshake_on_connect=False)
if not RAW_NONBLOCKING:
    t.setblocking(False)
print("BEFORE", t.dtls_get_timeout())
p = select.poll()
p.register(t, select.POLLIN)
armed = None
resent = 0
for _ in range(100):
    try:
        t.do_handshake()
        break
    except ssl.SSLWantReadError:
        pass
    left = t.dtls_get_timeout()
    if armed is None:
        armed = (0 < left <= 1.0, t.dtls_handle_timeout())
    if not p.poll(int(left * 1000) + 1):
        for _ in range(100):  # the tick may lag the poll by a millisecond
            if t.dtls_handle_timeout():
                resent += 1
                break
            time.sleep_ms(1)
print("ARMED", armed)
print("RESENT", resent > 0)
print("VERSION", t.version(), t.dtls_get_timeout())
t.write(b"ping")
p.poll(10000)
print("REPLY", t.recv(100))
t.close()
"""


@pytest.mark.parametrize("raw_nonblocking", [False, True],
                         ids=["setblocking-on-wrapper", "socket-nonblocking-before-wrap"])
def test_timers_on_a_nonblocking_socket(mp, pki, raw_nonblocking):
    first_client_datagram = lambda direction, index, data: direction == C2S and index == 0
    with PyOpenSSLDtlsServer(pki["server_ec"]) as peer, \
            LossyRelay(("127.0.0.1", peer.port), drop=first_client_datagram) as relay:
        out = mp.run(TIMERS_SOCKET, PORT=relay.address[1], CA=str(pki["ca"].cert_pem),
                     RAW_NONBLOCKING=raw_nonblocking).lines
        result = peer.wait(timeout=10)
    assert out == ["BEFORE None", "ARMED (True, False)", "RESENT True", "VERSION DTLSv1.2 None", "REPLY b'PING'"]
    assert relay.fates(C2S)[0] == "dropped"
    assert result.error is None and result.received == [b"ping"]


# --- a lossy link --------------------------------------------------------------

# Handshake on a blocking socket (mbedTLS resends lost flights on its timer),
# then request/response with application-level retry: DTLS does not resend
# data.  Non-blocking for the data so that a discarded datagram (a replayed
# duplicate) never blocks a read.
LOSSY_CLIENT = """
import select, socket, ssl
ctx = ssl.SSLContext(ssl.PROTOCOL_DTLS_CLIENT)
ctx.load_verify_locations(cafile=CA)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.connect(socket.getaddrinfo("127.0.0.1", PORT)[0][-1])
t = ctx.wrap_socket(s, server_hostname="localhost")
print("VERSION", t.version())
t.setblocking(False)
p = select.poll()
p.register(t, select.POLLIN)
answered = 0
for n in range(COUNT):
    request = b"request %d" % n
    for attempt in range(50):
        t.write(request)
        got = False
        while not got and p.poll(RETRY_MS):
            got = t.recv(2000) == b"ACK " + request  # None: DTLS dropped it
        if got:
            answered += 1
            break
print("ANSWERED", answered, "OF", COUNT)
for _ in range(3):
    t.write(b"bye")
t.close()
"""


def test_handshake_and_data_survive_a_lossy_link(mp, pki):
    port, bg = server_script(mp, pki, "server_ec", lossy=True)
    with LossyRelay(("127.0.0.1", port), seed=6347, loss=0.2, duplicate=0.1, reorder=0.1) as relay:
        out = mp.run(LOSSY_CLIENT, timeout=180, PORT=relay.address[1], CA=str(pki["ca"].cert_pem), COUNT=30,
                     RETRY_MS=300).lines
        lines = rest_of(bg, timeout=60)
    assert out == ["VERSION DTLSv1.2", "ANSWERED 30 OF 30"]
    assert lines[0].startswith("ATTEMPTS ") and lines[0].endswith(HVR_TEXT)
    assert lines[1:3] == ["VERSION DTLSv1.2", "PEER None"]
    served = int(lines[3].split()[1])
    assert served >= 30 and lines[4] == "DONE"
    # The link really was lossy both ways, with duplicates and reordering.
    for direction in (C2S, S2C):
        fates = relay.fates(direction)
        assert {"dropped", "duplicated", "reordered"} <= set(fates), (direction, fates)


def test_replayed_datagrams_are_discarded(mp, pki):
    """Every datagram arrives twice; each request is still served once."""
    port, bg = server_script(mp, pki, "server_ec", lossy=True)
    with LossyRelay(("127.0.0.1", port), duplicate=1.0) as relay:
        out = mp.run(LOSSY_CLIENT, PORT=relay.address[1], CA=str(pki["ca"].cert_pem), COUNT=10,
                     RETRY_MS=10000).lines
        lines = rest_of(bg)
    assert out == ["VERSION DTLSv1.2", "ANSWERED 10 OF 10"]
    assert lines[-2:] == ["SERVED 10", "DONE"]
    assert set(relay.fates(C2S)) == {"duplicated"}


# --- MTU ---------------------------------------------------------------------

MTU_CLIENT = """
import socket, ssl
ctx = ssl.SSLContext(ssl.PROTOCOL_DTLS_CLIENT)
ctx.load_verify_locations(cafile=CA)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.connect(socket.getaddrinfo("127.0.0.1", PORT)[0][-1])
t = ctx.wrap_socket(s, server_hostname="localhost", do_handshake_on_connect=False)
t.set_mtu(MTU)
while True:
    try:
        t.do_handshake()
        break
    except ssl.SSLWantReadError:
        pass  # a retransmission timer fired
print("VERSION", t.version())
try:
    t.write(b"x" * 1000)
except ValueError as e:
    print("TOO BIG", e)
    limit = int(str(e).split("the ")[1].split("-byte")[0])
t.write(b"y" * limit)
print("ECHO", t.recv(2000) == b"Y" * limit)
t.close()
for bad in (10, 100000):
    try:
        t2 = ctx.wrap_socket(socket.socket(socket.AF_INET, socket.SOCK_DGRAM), server_hostname="localhost",
                             do_handshake_on_connect=False)
        t2.set_mtu(bad)
    except ValueError as e:
        print("BAD MTU", e)
"""


def test_mtu_fragments_the_handshake_and_bounds_records(mp, pki):
    mtu = 256
    port, bg = server_script(mp, pki, "server_rsa", mtu=mtu)
    with LossyRelay(("127.0.0.1", port)) as relay:
        out = mp.run(MTU_CLIENT, PORT=relay.address[1], CA=str(pki["ca_rsa"].cert_pem), MTU=mtu).lines
        lines = rest_of(bg)
    assert out[0] == "VERSION DTLSv1.2"
    match = re.fullmatch(r"TOO BIG datagram of 1000 bytes exceeds the (\d+)-byte limit of one DTLS record \(MTU\)",
                         out[1])
    assert match, out[1]
    limit = int(match.group(1))
    assert out[2:] == ["ECHO True", "BAD MTU mtu must be between 64 and 16896 bytes",
                       "BAD MTU mtu must be between 64 and 16896 bytes"]
    assert lines[-1] == "DONE"
    # Every datagram fits the MTU both ways: the RSA certificate (larger than
    # the MTU) went out in fragments, and the full-size record in one datagram.
    assert max(relay.sizes(C2S)) <= mtu and max(relay.sizes(S2C)) <= mtu
    assert sum(relay.sizes(S2C)) > 3 * mtu
    # The largest payload makes a record that fills one datagram exactly.
    assert mtu in relay.sizes(C2S)[-2:] and mtu in relay.sizes(S2C)[-2:], (relay.sizes(C2S), relay.sizes(S2C))
    assert 0 < limit < mtu - 13


# --- many clients at once ---------------------------------------------------

# One process, one thread, many clients.  The listening socket stays
# unconnected: a new client's first ClientHello is answered statelessly over
# a memory BIO (the HelloVerify cookie comes from the same SSLContext), and a
# connected socket bound to the same port is made for that client first, so
# the ClientHello that carries the cookie arrives there (the kernel prefers
# the connected socket).  Handshakes that stall are dropped after a deadline.
MANY_SERVER = """
import gc, select, socket, ssl, time
ctx = ssl.SSLContext(ssl.PROTOCOL_DTLS_SERVER)
ctx.load_cert_chain(CERT, KEY)
from listening import listen
listener, PORT = listen(kind=socket.SOCK_DGRAM)
ADDR = socket.getaddrinfo("127.0.0.1", PORT)[0][-1]
HVR = -0x6A80


def bound_socket():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(ADDR)
    return s


class Client:
    def __init__(self, addr):
        self.addr = addr
        self.sock = bound_socket()
        self.sock.connect(addr)
        self.sock.setblocking(False)
        while True:  # others' datagrams that came between bind() and connect()
            try:
                strays.append(self.sock.recvfrom(2048))
            except OSError:
                break
        self.deadline = time.ticks_add(time.ticks_ms(), HANDSHAKE_MS)
        self.ready = False
        self.wrap()

    def wrap(self):
        self.tls = ctx.wrap_socket(self.sock, server_side=True, client_id=repr(self.addr).encode(),
                                   do_handshake_on_connect=False)
        self.tls.setblocking(False)


def hello_verify(datagram, addr):
    si, so = ssl.MemoryBIO(), ssl.MemoryBIO()
    probe = ctx.wrap_bio(si, so, server_side=True, client_id=repr(addr).encode())
    si.write(datagram)
    try:
        probe.do_handshake()
    except OSError:
        pass
    return so.read()


def accept(datagram, addr):
    if any(c.addr == addr for c in clients.values()):
        return  # it raced its own connected socket
    c = Client(addr)
    clients[c.sock] = c
    poller.register(c.sock, select.POLLIN)
    c.sock.send(hello_verify(datagram, addr))


strays = []
poller = select.poll()
poller.register(listener, select.POLLIN)
clients = {}
served = abandoned = 0
busy = False


def drop(c):
    global abandoned
    if not c.ready:
        abandoned += 1  # vanished (ICMP unreachable), failed or stalled
    poller.unregister(c.sock)
    del clients[c.sock]
    c.tls.close()


def step(c):
    global served
    if not c.ready:
        try:
            c.tls.do_handshake()
        except ssl.SSLWantReadError:
            return
        except OSError as e:
            if e.args[0] == HVR:
                c.wrap()  # the client's ClientHello had no (or a stale) cookie
            else:
                drop(c)
            return
        c.ready = True
        c.deadline = time.ticks_add(time.ticks_ms(), IDLE_MS)
    while True:
        try:
            data = c.tls.recv(2000)
        except OSError:
            drop(c)
            return
        if data is None:
            return
        if not data:
            served += 1
            drop(c)
            return
        c.tls.write(data.upper())
        c.deadline = time.ticks_add(time.ticks_ms(), IDLE_MS)


print("LISTENING", PORT)
while True:
    wait = 100
    for c in clients.values():
        left = c.tls.dtls_get_timeout()
        if left is not None:
            wait = min(wait, int(left * 1000) + 1)
    for obj, _ in poller.poll(wait):
        if obj is listener:
            accept(*listener.recvfrom(2048))
        elif obj in clients:
            step(clients[obj])
    while strays:
        accept(*strays.pop())
    now = time.ticks_ms()
    for c in list(clients.values()):
        try:
            c.tls.dtls_handle_timeout()
        except OSError:
            pass
        if time.ticks_diff(now, c.deadline) > 0:
            drop(c)
    if clients:
        busy = True
    elif busy:
        busy = False
        gc.collect()
        print("IDLE", served, abandoned, gc.mem_alloc())
"""


def _abandon(port: int, mid_handshake: bool, keep: list) -> None:
    """A client that goes silent: after its first ClientHello, or after the
    cookie exchange once the server's first flight has come back.  Its socket
    stays open (in `keep`), so the server learns nothing from ICMP and has to
    give up on its own."""
    import socket

    from OpenSSL import SSL

    ctx = SSL.Context(SSL.DTLS_CLIENT_METHOD)
    ctx.set_options(SSL.OP_NO_QUERY_MTU)
    conn = SSL.Connection(ctx, None)
    conn.set_ciphertext_mtu(dtlspeers.MTU)
    conn.set_connect_state()
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    keep.append(udp)
    udp.connect(("127.0.0.1", port))
    udp.settimeout(10)
    for _ in range(2 if mid_handshake else 1):
        try:
            conn.do_handshake()
        except SSL.WantReadError:
            pass
        udp.send(conn.bio_read(65536))
        if mid_handshake:
            conn.bio_write(udp.recv(65536))


def test_server_with_many_clients_leaks_nothing(mp, pki):
    bg = mp.start(MANY_SERVER, CERT=str(pki["server_ec"].chain_pem), KEY=str(pki["server_ec"].key_pem),
                  HANDSHAKE_MS=3000, IDLE_MS=5000)
    port = listening_port(bg)
    kill_after(bg.proc, 120)

    def idle(abandoned: int, served: int) -> int:
        """The heap once the server is idle after this many clients."""
        while True:
            line = bg.proc.stdout.readline().split()
            assert line and line[0] == "IDLE", line
            if int(line[1]) + int(line[2]) >= served + abandoned:
                assert (int(line[1]), int(line[2])) == (served, abandoned), line
                return int(line[3])

    def run_all(jobs) -> None:
        threads = [threading.Thread(target=job) for job in jobs]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

    # A connection's state is tens of kilobytes; the heap measured at idle
    # moves by a few kilobytes (dict and poll tables), so allow 6 KiB: less
    # than 64 bytes for each of the 100 handshakes after the first round.
    rounds, slack = 6, 6 * 1024
    heaps = []
    for round_ in range(1, rounds + 1):  # clients that go silent mid-handshake, 20 at a time
        silent: list = []
        run_all([lambda i=i, silent=silent: _abandon(port, i % 2 == 1, silent) for i in range(20)])
        heaps.append(idle(abandoned=20 * round_, served=0))
        for udp in silent:
            udp.close()
    # A leak raises every later round; a busy moment (poll tables and dicts
    # grown for a burst, freed later) raises one: judge the lowest of the
    # last three rounds.
    assert min(heaps[-3:]) - heaps[0] < slack, heaps

    # Then eight well-behaved clients at once, three times, each client on its
    # own connected socket.
    ca = str(pki["ca"].cert_pem)
    for round_ in range(1, 4):
        results: list = []
        run_all([lambda i=i, results=results: results.append(dtlspeers.pyopenssl_dtls_client(
            port, ca, [b"client %d first" % i, b"client %d second" % i])) for i in range(8)])
        heaps.append(idle(abandoned=20 * rounds, served=8 * round_))
        assert [r.error for r in results] == [None] * 8
        assert sorted(r.received[0] for r in results) == sorted(b"CLIENT %d FIRST" % i for i in range(8))
        assert all(r.received[1].endswith(b"SECOND") for r in results)
    # (The first served round sets up the session-ticket keys once.)
    assert max(heaps[rounds + 1:]) - heaps[rounds] < slack, heaps
