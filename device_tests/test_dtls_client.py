# On-device DTLS 1.2 client against the host's DTLS server (pyOpenSSL,
# HelloVerify cookies on, echoes each datagram upper-cased).
import ssl

from devnet import connect_dtls
from devtest import check, expect, run_all
from modssl_testcfg import CA_PEM, HOSTNAME


@check
def dtls12_exchange():
    ctx = ssl.SSLContext(ssl.PROTOCOL_DTLS_CLIENT)
    ctx.load_verify_locations(cadata=CA_PEM)
    dtls = connect_dtls(ctx, "dtls", HOSTNAME)
    try:
        expect(dtls.version() == "DTLSv1.2", "negotiated %s" % dtls.version())
        for payload in (b"first datagram", b"second one"):
            dtls.send(payload)
            got = dtls.recv(1500)
            expect(got == payload.upper(), "echo %r for %r" % (got, payload))
    finally:
        dtls.close()


run_all()
