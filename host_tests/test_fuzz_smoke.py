"""Malformed input never crashes the server: seeded mutations of a real
ClientHello (bit flips, truncations, bad lengths, split records) against
one server process.  Under the sanitizer build (make test runs the suite on
it too) any memory error aborts the server and fails the test."""

from __future__ import annotations

import random
import socket
import ssl

SERVER = """
import ssl
from listening import listen
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(CERT, KEY)
s, port = listen()
print("ready", port)
errors = 0
for _ in range(N):
    c, _ = s.accept()
    c.settimeout(5)
    try:
        t = ctx.wrap_socket(c, server_side=True)
        t.close()
    except OSError:
        errors += 1
        c.close()
print("served", N, "errors", errors)
"""


def client_hello(version: ssl.TLSVersion) -> bytes:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.minimum_version = ctx.maximum_version = version
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    obj = ctx.wrap_bio(incoming, outgoing)
    try:
        obj.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return outgoing.read()


def mutate(rng: random.Random, hello: bytes) -> bytes:
    data = bytearray(hello)
    kind = rng.randrange(5)
    if kind == 0:  # flip bits
        for _ in range(rng.randrange(1, 8)):
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    elif kind == 1:  # truncate
        data = data[: rng.randrange(1, len(data))]
    elif kind == 2:  # lie about a length (record, handshake or an extension)
        pos = rng.choice([3, 6, 7, 8, rng.randrange(9, len(data) - 2)])
        data[pos] = rng.randrange(256)
    elif kind == 3:  # split into random records
        body, out, i = bytes(data[5:]), b"", 0
        while i < len(body):
            n = rng.randrange(1, 64)
            piece = body[i : i + n]
            out += bytes([22, 3, 1]) + len(piece).to_bytes(2, "big") + piece
            i += n
        data = bytearray(out)
        data[rng.randrange(len(data))] ^= 0xFF
    else:  # random garbage with a plausible header
        data = bytearray([22, 3, 3]) + bytearray(rng.randbytes(2)) + bytearray(rng.randbytes(rng.randrange(300)))
    return bytes(data)


def test_malformed_client_hellos_do_not_crash_the_server(mp, pki):
    rng = random.Random(20261123)
    hellos = [client_hello(ssl.TLSVersion.TLSv1_2), client_hello(ssl.TLSVersion.TLSv1_3)]
    cases = 600
    bg = mp.start(SERVER, CERT=str(pki["server_ec"].cert_pem), KEY=str(pki["server_ec"].key_pem), N=cases)
    port = int(bg.first_line.split()[1])
    for _ in range(cases):
        payload = mutate(rng, rng.choice(hellos))
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            # The server may refuse the hello and close before all of it is
            # sent, or before our half-close: either is a fine answer.
            try:
                sock.sendall(payload)
                sock.shutdown(socket.SHUT_WR)
                while sock.recv(4096):
                    pass
            except OSError:
                pass
    result = bg.finish(timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    # No mutated hello (nor a valid one whose client then goes quiet) ends
    # in a handshake: every connection is an error the server survived.
    assert result.stdout.splitlines()[-1] == f"served {cases} errors {cases}"
