# Transfers through the record buffers of this build: a modssl client and
# a modssl server joined by memory BIOs in one process move SIZE bytes each
# way and check them, so a memory variant is shown to still work end to end.
# Globals: CA, CERT, KEY, SIZE.
import tls
from benchlib import make_context, read_file, result

cctx = make_context(tls.PROTOCOL_TLS_CLIENT, ca_der=read_file(CA))
sctx = make_context(tls.PROTOCOL_TLS_SERVER, cert_der=read_file(CERT), key_der=read_file(KEY))
c_in, c_out, s_in, s_out = tls.MemoryBIO(), tls.MemoryBIO(), tls.MemoryBIO(), tls.MemoryBIO()
client = cctx.wrap_bio(c_in, c_out, server_side=False, server_hostname="localhost")
server = sctx.wrap_bio(s_in, s_out, server_side=True)


def shuttle():
    s_in.write(c_out.read())
    c_in.write(s_out.read())


def step(fn):
    try:
        fn()
        return True
    except tls.SSLWantReadError:
        return False


done_c = done_s = False
for _ in range(20):
    done_c = done_c or step(client.do_handshake)
    shuttle()
    done_s = done_s or step(server.do_handshake)
    shuttle()
    if done_c and done_s:
        break
assert done_c and done_s


def move(src, dst, n):
    msg = bytes(range(256)) * (n // 256)
    sent = 0
    got = []
    while sent < len(msg):
        sent += src.write(msg[sent:sent + 4096])
        shuttle()
        while True:
            try:
                got.append(dst.read(16384))
            except tls.SSLWantReadError:
                break
    return b"".join(got) == msg


result({"c2s": move(client, server, SIZE), "s2c": move(server, client, SIZE), "version": client.version()})
