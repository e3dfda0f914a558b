# Bulk throughput over memory BIOs: a client and a server in this one
# process, TLS 1.2 with one cipher suite, records pumped between them by
# hand -- what a board does to carry TLS over a UART or BLE link.  The
# client sends SIZE bytes, the server reads them; only that transfer is
# timed (the handshake is not), N times, each on a fresh connection.
# Globals: CA, CERT, KEY, CIPHER, SIZE, N, and KEEP (modssl: both ends keep
# their record buffers, `ctx.release_buffers = False`).
import tls
from benchlib import cipher_name, make_context, now_us, read_file, result, since_us

CHUNK = 16384
cctx = make_context(tls.PROTOCOL_TLS_CLIENT, ca_der=read_file(CA), version=0x0303, ciphers=[CIPHER])
sctx = make_context(tls.PROTOCOL_TLS_SERVER, cert_der=read_file(CERT), key_der=read_file(KEY), version=0x0303)
if globals().get("KEEP"):
    cctx.release_buffers = sctx.release_buffers = False
chunk = bytes(CHUNK)
# The server reads into one buffer, so the figure is the TLS work and the
# pumping, not the allocation of a fresh bytes object per record.
buf = bytearray(CHUNK)


def connect():
    c_in, c_out, s_in, s_out = tls.MemoryBIO(), tls.MemoryBIO(), tls.MemoryBIO(), tls.MemoryBIO()
    client = cctx.wrap_bio(c_in, c_out, server_side=False, server_hostname="localhost")
    server = sctx.wrap_bio(s_in, s_out, server_side=True)
    done = [False, False]
    for _ in range(20):
        for i, side in enumerate((client, server)):
            if not done[i]:
                try:
                    side.do_handshake()
                    done[i] = True
                except tls.SSLWantReadError:
                    pass
        moved = c_out.pending + s_out.pending
        s_in.write(c_out.read())
        c_in.write(s_out.read())
        if done[0] and done[1] and not moved:
            return client, server, c_out, s_in
    raise OSError("handshake over memory BIOs did not finish")


out = {"us": [], "cipher": None}
for _ in range(N):
    client, server, c_out, s_in = connect()
    out["cipher"] = cipher_name(client)
    t0 = now_us()
    left = SIZE
    got = 0
    while left > 0:
        n = min(left, CHUNK)
        left -= client.write(chunk if n == CHUNK else chunk[:n])
        # Pump after every application write, as a link driver would: the
        # outgoing BIO holds at most one write's records at a time.
        s_in.write(c_out.read())
        while True:
            try:
                k = server.read(CHUNK, buf)
            except tls.SSLWantReadError:
                break
            if not k:
                raise OSError("unexpected EOF")
            got += k
    out["us"].append(since_us(t0))
    if got != SIZE:
        raise OSError("server got %d of %d bytes" % (got, SIZE))
result(out)
