# On-device TLS over memory BIOs: a client and a server in the same device,
# records pumped between them by hand -- what a board does to carry TLS over
# a UART, BLE or radio link.  Needs no network.
import ssl

from devtest import check, expect, run_all
from modssl_testcfg import CA_PEM, HOSTNAME, SERVER_CERT_PEM, SERVER_KEY_PEM


def pair(hostname=HOSTNAME, alpn=None, version=None):
    cctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    cctx.load_verify_locations(cadata=CA_PEM)
    sctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    sctx.load_cert_chain(SERVER_CERT_PEM, SERVER_KEY_PEM)
    if alpn:
        cctx.set_alpn_protocols(alpn[0])
        sctx.set_alpn_protocols(alpn[1])
    if version:
        cctx.maximum_version = version
    c_in, c_out, s_in, s_out = ssl.MemoryBIO(), ssl.MemoryBIO(), ssl.MemoryBIO(), ssl.MemoryBIO()
    client = cctx.wrap_bio(c_in, c_out, server_hostname=hostname)
    server = sctx.wrap_bio(s_in, s_out, server_side=True)
    return client, server, (c_in, c_out, s_in, s_out)


def pump(bios):
    c_in, c_out, s_in, s_out = bios
    moved = c_out.pending + s_out.pending
    s_in.write(c_out.read())
    c_in.write(s_out.read())
    return moved


def handshake(client, server, bios):
    done = [False, False]
    for _ in range(20):
        for i, side in enumerate((client, server)):
            if not done[i]:
                try:
                    side.do_handshake()
                    done[i] = True
                except ssl.SSLWantReadError:
                    pass
        if not pump(bios) and all(done):
            return
    raise AssertionError("handshake did not finish")


@check
def tls13_over_memory():
    client, server, bios = pair()
    handshake(client, server, bios)
    expect(client.version() == "TLSv1.3", client.version())
    client.write(b"over the wire")
    pump(bios)
    expect(server.read(100) == b"over the wire", "server got wrong data")
    server.write(b"and back")
    pump(bios)
    expect(client.read(100) == b"and back", "client got wrong data")


@check
def tls12_over_memory():
    client, server, bios = pair(version=ssl.TLSVersion.TLSv1_2)
    handshake(client, server, bios)
    expect(server.version() == "TLSv1.2", server.version())


@check
def alpn_over_memory():
    client, server, bios = pair(alpn=(["mqtt", "h2"], ["h2"]))
    handshake(client, server, bios)
    expect(client.selected_alpn_protocol() == "h2", client.selected_alpn_protocol())


@check
def wrong_hostname_over_memory():
    client, server, bios = pair(hostname="other.example")
    try:
        handshake(client, server, bios)
    except ssl.SSLCertVerificationError as e:
        expect("hostname mismatch" in e.args[1], e.args[1])
        return
    raise AssertionError("handshake succeeded with the wrong hostname")


@check
def close_notify_over_memory():
    client, server, bios = pair()
    handshake(client, server, bios)
    client.unwrap()
    pump(bios)
    expect(server.read(10) == b"", "close_notify is a clean EOF")


run_all()
