"""asyncio with TLS: open_connection(ssl=ctx) and start_server(ssl=ctx)."""

from __future__ import annotations

import asyncio
import ssl as host_ssl

import pytest

ASYNC_CLIENTS = """
import asyncio, ssl
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.load_verify_locations(cafile=CA)

async def one(i):
    reader, writer = await asyncio.open_connection("127.0.0.1", PORT, ssl=ctx, server_hostname="localhost")
    msg = b"task %d " % i * 200
    writer.write(msg)
    await writer.drain()
    got = b""
    while len(got) < len(msg):
        got += await reader.read(4096)
    writer.close()
    await writer.wait_closed()
    return got == msg

async def main():
    results = await asyncio.gather(*[one(i) for i in range(N)])
    print("ok", sum(results), "of", N)

asyncio.run(main())
"""


def test_many_concurrent_asyncio_clients(mp, pki, tls_server):
    server = tls_server("server_ec")
    out = mp.run(ASYNC_CLIENTS, PORT=server.port, CA=str(pki["ca"].cert_pem), N=16).stdout
    assert out.strip() == "ok 16 of 16"
    assert len(server.seen) == 16
    assert all(s.error is None for s in server.seen)


# An asyncio TLS echo server.  The serving process binds its own port and
# reports it (host_tests/mp_lib/listening.py); asyncio's own Server serves
# the listening socket.  It ends once N clients were handled (or after 100 s:
# a client whose connection failed before the handler never reaches it).
ECHO_SERVER = """
import asyncio, gc, ssl
from asyncio.stream import Server
from listening import listen
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(CERT, KEY)
served = 0
errors = []
done = asyncio.Event()

async def handle(reader, writer):
    global served
    try:
        line = await reader.readline()
        writer.write(b"echo: " + line)
        await writer.drain()
        served += 1
    except Exception as e:
        errors.append(repr(e))
    finally:
        writer.close()
        try:
            await writer.wait_closed()
        except OSError:
            pass
        if served + len(errors) == N:
            done.set()

async def main():
    s, port = listen(N)
    s.setblocking(False)
    server = Server()
    server.task = asyncio.create_task(server._serve(s, handle, ctx))
    print("port", port)
    try:
        # Clients whose connection failed before the handler never call it.
        await asyncio.wait_for(done.wait(), 100)
    except asyncio.TimeoutError:
        pass
    server.close()
    gc.collect()
    print("served", served, "errors", errors[:3])

asyncio.run(main())
"""


def echo_clients(port: int, cafile: str, n: int) -> list:
    """n CPython asyncio TLS clients at once: each sends a line, reads the echo."""
    ctx = host_ssl.create_default_context(cafile=cafile)

    async def client(i: int) -> bytes:
        reader, writer = await asyncio.open_connection("127.0.0.1", port, ssl=ctx, server_hostname="localhost")
        writer.write(f"hello {i}\n".encode())
        await writer.drain()
        line = await reader.readline()
        writer.close()
        return line

    async def all_clients() -> list:
        return await asyncio.gather(*[client(i) for i in range(n)], return_exceptions=True)

    return asyncio.run(asyncio.wait_for(all_clients(), 120))


@pytest.mark.parametrize("n, heapsize", [(12, "8M"), (100, "2M")])
def test_asyncio_server_serves_concurrent_clients(mp, pki, n, heapsize):
    # 100 in a 2 MiB heap: running out of RAM with a few connections is the
    # complaint MicroPython TLS users raise most.  Each handshake takes input
    # buffers sized for its records, and an idle connection none.
    bg = mp.start(ECHO_SERVER, heapsize=heapsize, CERT=str(pki["server_ec"].cert_pem),
                  KEY=str(pki["server_ec"].key_pem), N=n)
    port = int(bg.first_line.split()[1])
    lines = echo_clients(port, str(pki["ca"].cert_pem), n)
    answered = sum(line == f"echo: hello {i}\n".encode() for i, line in enumerate(lines))
    out = bg.finish(timeout=150)
    failures = [repr(x) for x in lines if not isinstance(x, bytes)][:3]
    assert answered == n, (answered, failures, out.stdout[-500:], out.stderr[-500:])
    assert out.stdout.splitlines()[-1] == f"served {n} errors []"
