"""Non-blocking sockets, deferred handshakes, and poll/select readiness."""

from __future__ import annotations

import socket
import ssl as host_ssl
import threading

NB_CLIENT = """
import socket, ssl, select
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.load_verify_locations(cafile=CA)
s = socket.socket()
s.connect(socket.getaddrinfo("127.0.0.1", PORT)[0][-1])
s.setblocking(False)
t = ctx.wrap_socket(s, server_hostname="localhost", do_handshake_on_connect=False)
p = select.poll()
p.register(t, select.POLLIN)
# The handshake advances inside write(): None while it waits.
waits = 0
payload = b"n" * 3000
sent = 0
while sent < len(payload):
    n = t.write(payload[sent:])
    if n is None:
        waits += 1
        p.poll(1000)
        continue
    sent += n
print("handshake waited", waits > 0, t.version())
got = b""
while len(got) < len(payload):
    r = t.read(500)
    if r is None:
        p.poll(1000)
        continue
    got += r
print("echoed", got == payload)
# Buffered plaintext: one record, read in small pieces; poll must report it.
t.write(b"B" * 900)
first = None
while first is None:
    p.poll(1000)
    first = t.read(100)
print("pending", t.pending())
print("poll sees buffered", [ev for _, ev in p.poll(0)] == [select.POLLIN])
print("select sees buffered", select.select([t], [], [], 0)[0] == [t])
rest = b""
while len(first) + len(rest) < 900:
    r = t.read(900)
    if r:
        rest += r
    else:
        p.poll(1000)
print("rest", len(first) + len(rest))
t.close()
"""


def test_nonblocking_client(mp, pki, tls_server):
    # The server answers the ClientHello only after a pause, so the first
    # write surely finds the handshake waiting (a fast server could
    # otherwise complete it within one call).
    server = tls_server("server_ec", answer_delay=0.3)
    out = mp.run(NB_CLIENT, PORT=server.port, CA=str(pki["ca"].cert_pem)).lines
    assert out == [
        "handshake waited True TLSv1.3",
        "echoed True",
        "pending 800",
        "poll sees buffered True",
        "select sees buffered True",
        "rest 900",
    ]


def test_do_handshake_raises_want_read(mp, pki, tls_server):
    server = tls_server("server_ec", max_version=host_ssl.TLSVersion.TLSv1_2, answer_delay=0.3)
    out = mp.run(
        """
import socket, ssl, select
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.load_verify_locations(cafile=CA)
s = socket.socket()
s.connect(socket.getaddrinfo("127.0.0.1", PORT)[0][-1])
s.setblocking(False)
t = ctx.wrap_socket(s, server_hostname="localhost", do_handshake_on_connect=False)
wants = set()
while True:
    try:
        t.do_handshake()
        break
    except ssl.SSLWantReadError as e:
        wants.add(("read", e.errno))
        select.select([t], [], [], 1)
    except ssl.SSLWantWriteError as e:
        wants.add(("write", e.errno))
        select.select([], [t], [], 1)
print(sorted(wants), t.version())
t.close()
""",
        PORT=server.port, CA=str(pki["ca"].cert_pem),
    ).lines
    wants, version = out[0].rsplit(" ", 1)
    assert version == "TLSv1.2"
    # The client waits for the server's flight at least once; every wait is
    # an OSError subclass with errno EAGAIN.
    assert "('read', 11)" in wants
    assert set(eval(wants)) <= {("read", 11), ("write", 11)}


NB_SERVER = """
import socket, ssl, select
from listening import listen
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(CERT, KEY)
ls, port = listen()
ls.setblocking(False)
print("ready", port)
p = select.poll()
p.register(ls, select.POLLIN)
conns = {}
served = 0
while served < CLIENTS:
    for obj, ev in p.poll(5000):
        if obj is ls:
            c, _ = ls.accept()
            c.setblocking(False)
            t = ctx.wrap_socket(c, server_side=True, do_handshake_on_connect=False)
            conns[id(t)] = t
            p.register(t, select.POLLIN)
            continue
        data = obj.read(1024)
        if data is None:
            continue
        if data == b"":
            p.unregister(obj)
            obj.close()
            served += 1
            continue
        obj.write(data.upper())
print("served", served)
"""


def test_nonblocking_server_many_clients(mp, pki):
    clients = 8
    bg = mp.start(NB_SERVER, CERT=str(pki["server_ec"].cert_pem), KEY=str(pki["server_ec"].key_pem),
                  CLIENTS=clients)
    port = int(bg.first_line.split()[1])
    ctx = host_ssl.create_default_context(cafile=str(pki["ca"].cert_pem))
    results: list[bytes] = []

    def client(i: int) -> None:
        with socket.create_connection(("127.0.0.1", port), timeout=30) as raw:
            with ctx.wrap_socket(raw, server_hostname="localhost") as tls:
                msg = f"client {i}".encode()
                tls.sendall(msg)
                got = b""
                while len(got) < len(msg):
                    got += tls.recv(100)
                results.append(got)
                tls.unwrap()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(results) == sorted(f"CLIENT {i}".encode() for i in range(clients))
    assert "served 8" in bg.finish().stdout
