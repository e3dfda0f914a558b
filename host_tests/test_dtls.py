"""DTLS 1.2 over UDP (RFC 6347): the firmware as client and server against
OpenSSL peers (`openssl s_server`/`s_client`, pyOpenSSL), HelloVerify cookies
kept in the SSLContext, retransmission over a lossy link, the timers an event
loop drives, MTU control, and a server with many clients at once."""

from __future__ import annotations

import re
import subprocess
import threading
import time

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
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
sock.bind(socket.getaddrinfo("127.0.0.1", PORT)[0][-1])
MSG_PEEK = getattr(socket, "MSG_PEEK", 2)  # the unix port has no constant
print("LISTENING", PORT)
attempts = []
while True:
    _, client_addr = sock.recvfrom(1, MSG_PEEK)
    sock.connect(client_addr)  # Connect back to the client
    try:
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
                  lossy: bool = False) -> tuple[int, object]:
    port = dtlspeers.free_udp_port()
    bg = mp.start(
        SERVER,
        PORT=port,
        CERT=str(pki[cert].chain_pem),
        KEY=str(pki[cert].key_pem),
        CLIENT_CA=client_ca,
        ONE_MESSAGE=one_message,
        LOSSY=lossy,
    )
    assert bg.first_line == f"LISTENING {port}"
    return port, bg


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
def test_client_against_openssl_s_server_mutual_auth(mp, pki, kind):
    server, client = f"server_{kind}", f"client_{kind}"
    port = dtlspeers.free_udp_port()
    proc = subprocess.Popen(
        ["openssl", "s_server", "-dtls1_2", "-listen", "-accept", f"127.0.0.1:{port}", "-naccept", "1",
         "-cert", str(pki[server].chain_pem), "-key", str(pki[server].key_pem),
         "-Verify", "2", "-verify_return_error", "-CAfile", str(pki.directory / "cas.pem")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    kill_after(proc, 60)
    try:
        for line in proc.stdout:  # ready once it says ACCEPT
            if line.strip() == "ACCEPT":
                break
        bg = mp.start(CLIENT, PORT=port, CA=str(pki[ca_for(server)].cert_pem), CERT=str(pki[client].chain_pem),
                      KEY=str(pki[client].key_pem), MESSAGE=b"ping from device\n")
        server_out = []
        for line in proc.stdout:  # s_server prints what it receives
            server_out.append(line.strip())
            if line.strip() == "ping from device":
                break
        # s_server sends what it reads on stdin once the connection is up.
        proc.stdin.write("pong from openssl\n")
        proc.stdin.flush()
        out = [bg.first_line, *rest_of(bg)]
    finally:
        proc.kill()
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
    assert "hostname" in out[0] or "CN" in out[0] or "name" in out[0], out


# --- the firmware as server -------------------------------------------------


@pytest.mark.parametrize("kind", ["ec", "rsa"])
def test_server_spec_flow_against_openssl_s_client(mp, pki, kind):
    server, client = f"server_{kind}", f"client_{kind}"
    port, bg = server_script(mp, pki, server, client_ca=str(pki.directory / "cas.pem"), one_message=True)
    proc = subprocess.Popen(
        ["openssl", "s_client", "-dtls1_2", "-connect", f"127.0.0.1:{port}", "-servername", "localhost",
         "-CAfile", str(pki[ca_for(server)].cert_pem), "-verify_return_error", "-verify_hostname", "localhost",
         "-cert", str(pki[client].chain_pem), "-key", str(pki[client].key_pem)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        proc.stdin.write("hello from openssl\n")
        proc.stdin.flush()
        proc.wait(timeout=30)  # ends on the server's close_notify
        client_out = proc.stdout.read()
    finally:
        proc.kill()
    lines = rest_of(bg)
    assert lines == [f"ATTEMPTS 1 {HVR_TEXT}", "VERSION DTLSv1.2", f"PEER {_cn(pki[client])}", "DONE"]
    assert "HELLO FROM OPENSSL" in client_out
    assert "Verify return code: 0 (ok)" in client_out


def test_server_demands_client_certificate(mp, pki):
    port, bg = server_script(mp, pki, "server_ec", client_ca=str(pki["ca"].cert_pem))
    proc = subprocess.run(
        ["openssl", "s_client", "-dtls1_2", "-connect", f"127.0.0.1:{port}", "-CAfile", str(pki["ca"].cert_pem)],
        input="", capture_output=True, text=True, timeout=30,
    )
    lines = rest_of(bg)
    assert lines[-1].startswith("HANDSHAKE-ERROR"), lines
    assert "certificate" in lines[-1]
    assert "alert" in proc.stdout + proc.stderr


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
