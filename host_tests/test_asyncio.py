"""asyncio with TLS: open_connection(ssl=ctx) and start_server(ssl=ctx)."""

from __future__ import annotations

import asyncio
import socket
import ssl as host_ssl

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


ASYNC_SERVER = """
import asyncio, ssl
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(CERT, KEY)
served = 0
done = asyncio.Event()

async def handle(reader, writer):
    global served
    line = await reader.readline()
    writer.write(b"echo: " + line)
    await writer.drain()
    writer.close()
    await writer.wait_closed()
    served += 1
    if served == N:
        done.set()

async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", PORT, ssl=ctx)
    print("ready")
    await done.wait()
    server.close()
    await server.wait_closed()
    print("served", served)

asyncio.run(main())
"""


def test_asyncio_server_many_concurrent_clients(mp, pki):
    with socket.socket() as tmp:
        tmp.bind(("127.0.0.1", 0))
        port = tmp.getsockname()[1]
    n = 12
    bg = mp.start(ASYNC_SERVER, PORT=port, CERT=str(pki["server_ec"].cert_pem), KEY=str(pki["server_ec"].key_pem), N=n)
    assert bg.first_line == "ready"
    ctx = host_ssl.create_default_context(cafile=str(pki["ca"].cert_pem))

    async def client(i: int) -> bytes:
        reader, writer = await asyncio.open_connection("127.0.0.1", port, ssl=ctx, server_hostname="localhost")
        writer.write(f"hello {i}\n".encode())
        await writer.drain()
        line = await reader.readline()
        writer.close()
        return line

    async def all_clients() -> list[bytes]:
        return await asyncio.gather(*[client(i) for i in range(n)])

    lines = asyncio.run(asyncio.wait_for(all_clients(), 60))
    assert sorted(lines) == sorted(f"echo: hello {i}\n".encode() for i in range(n))
    assert f"served {n}" in bg.finish().stdout
