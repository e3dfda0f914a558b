# On-device TLS client checks against the host's TLS servers.
# modssl_testcfg is written by the host harness: HOST, SERVERS, TRANSPORT,
# CA_PEM, CLIENT_CERT_PEM, CLIENT_KEY_PEM, HOSTNAME.
# Connections go through devnet: the board's network, or the host link.
import ssl

from devnet import connect_tls
from devtest import check, expect, run_all
from modssl_testcfg import CA_PEM, CLIENT_CERT_PEM, CLIENT_KEY_PEM, HOSTNAME


def connect(server, hostname=HOSTNAME, client_cert=False):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(cadata=CA_PEM)
    if client_cert:
        ctx.load_cert_chain(CLIENT_CERT_PEM, CLIENT_KEY_PEM)
    return connect_tls(ctx, server, hostname)


def echo(tls, payload):
    tls.write(payload)
    got = b""
    while len(got) < len(payload):
        chunk = tls.recv(4096)
        expect(chunk, "connection ended early")
        got += chunk
    expect(got == payload, "echo mismatch")


def handshake_and_echo(server, version):
    tls = connect(server)
    try:
        expect(tls.version() == version, "negotiated %s, wanted %s" % (tls.version(), version))
        echo(tls, b"hello from the device " * 50)
    finally:
        tls.close()


def expect_failure(server, words, hostname=HOSTNAME):
    try:
        tls = connect(server, hostname)
    except OSError as e:
        text = str(e)
        expect(words in text, "error %r does not say %r" % (text, words))
        return
    tls.close()
    raise AssertionError("handshake succeeded but should have failed")


@check
def tls12_ecdsa():
    handshake_and_echo("tls12_ec", "TLSv1.2")


@check
def tls13_ecdsa():
    handshake_and_echo("tls13_ec", "TLSv1.3")


@check
def tls12_rsa():
    handshake_and_echo("tls12_rsa", "TLSv1.2")


@check
def tls13_rsa():
    handshake_and_echo("tls13_rsa", "TLSv1.3")


@check
def mutual_tls():
    tls = connect("mtls", client_cert=True)
    try:
        echo(tls, b"authenticated")
    finally:
        tls.close()


@check
def rejects_expired_certificate():
    expect_failure("expired", "expired")


@check
def rejects_wrong_hostname():
    expect_failure("tls13_ec", "hostname mismatch", hostname="other.example")


@check
def rejects_unknown_ca():
    expect_failure("unknown_ca", "unknown CA")


run_all()
