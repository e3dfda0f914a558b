"""SSLContext.ecdsa_sign_callback: the handshake's signature made by a key
the firmware never holds.

The signer stands in for a secure element (ATECC608, SE050, a TPM): a
process on the host holding the private key, reached over a socket, signing
the digests the device sends it with `cryptography`.  The device loads only
its certificate; mutual TLS against `openssl s_server -Verify`, and a modssl
server against `openssl s_client`, in TLS 1.2 and 1.3.
"""

from __future__ import annotations

import socket
import threading

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, utils


class Signer:
    """A host-side signer on 127.0.0.1 (port 0, reported): reads one digest
    (a length byte, then the bytes) per connection and answers with the
    DER signature (two length bytes, then the bytes)."""

    def __init__(self, key_pem: bytes):
        self.key = serialization.load_pem_private_key(key_pem, None)
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.digests: list[int] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(30)
                n = conn.recv(1)[0]
                digest = b""
                while len(digest) < n:
                    digest += conn.recv(n - len(digest))
                algo = {32: hashes.SHA256(), 48: hashes.SHA384(), 64: hashes.SHA512()}[n]
                sig = self.key.sign(digest, ec.ECDSA(utils.Prehashed(algo)))
                self.digests.append(n)
                conn.sendall(len(sig).to_bytes(2, "big") + sig)

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def signer(pki):
    made = []

    def make(name: str) -> Signer:
        s = Signer(pki[name].key_pem.read_bytes())
        made.append(s)
        return s

    yield make
    for s in made:
        s.close()


# The device's callback: the key never enters the firmware.
SIGN = """
import socket
calls = []
def sign(key, digest):
    calls.append((len(key), key[0], len(digest)))
    s = socket.socket()
    s.connect(socket.getaddrinfo("127.0.0.1", SIGNER_PORT)[0][-1])
    s.write(bytes([len(digest)]) + digest)
    n = s.read(2)
    n = n[0] << 8 | n[1]
    sig = b""
    while len(sig) < n:
        sig += s.read(n - len(sig))
    s.close()
    return sig
"""

CLIENT = SIGN + """
import tls
ctx = tls.SSLContext(tls.PROTOCOL_TLS_CLIENT)
ctx.minimum_version = ctx.maximum_version = VERSION
ctx.load_verify_locations(cafile=CA)
ctx.ecdsa_sign_callback = sign
ctx.load_cert_chain(CERT)                  # a certificate, no private key
s = socket.socket()
s.connect(socket.getaddrinfo("127.0.0.1", PORT)[0][-1])
try:
    t = ctx.wrap_socket(s, server_hostname="localhost")
    version = t.version()
    t.write(b"ping from device\\n")
    reply = t.read(18)
except OSError as e:
    print("HANDSHAKE-ERROR", e.args[-1], calls)
    raise SystemExit
print(version, reply, calls)
t.close()
"""


@pytest.mark.parametrize("version, name, digest", [
    pytest.param(0x0303, "TLSv1.2", 32, id="tls1.2"),
    pytest.param(0x0304, "TLSv1.3", 32, id="tls1.3"),
])
def test_client_certificate_signed_outside_against_openssl(mp, pki, openssl, signer, version, name, digest):
    sig = signer("client_ec")
    server = openssl.server("-naccept", "1", "-cert", str(pki["server_ec"].chain_pem),
                            "-key", str(pki["server_ec"].key_pem), "-Verify", "2", "-verify_return_error",
                            "-CAfile", str(pki.directory / "cas.pem"))
    # s_server sends what it reads on stdin once the connection is up.
    server.send("pong from openssl\n")
    out = mp.run(CLIENT, PORT=server.port, VERSION=version, CA=str(pki["ca"].cert_pem),
                 CERT=str(pki["client_ec"].chain_pem), SIGNER_PORT=sig.port).lines
    server_out = server.stop()
    # One signature (CertificateVerify), by the host signer, over a digest;
    # the callback got the certificate's public key (0x04 || X || Y, P-256).
    assert out == [f"{name} b'pong from openssl\\n' [(65, 4, {digest})]"]
    assert sig.digests == [digest]
    # s_server demanded and verified the device's certificate.
    assert "CN = device-client\nverify return:1" in server_out


SERVER = SIGN + """
import tls
ctx = tls.SSLContext(tls.PROTOCOL_TLS_SERVER)
if FIRST_CALLBACK:
    ctx.ecdsa_sign_callback = sign
if KEY:
    ctx.load_cert_chain(CERT, KEY)
else:
    ctx.load_cert_chain(CERT)
if not FIRST_CALLBACK:
    ctx.ecdsa_sign_callback = sign         # set after the certificate: the same
if MODE == "none":
    ctx.ecdsa_sign_callback = lambda key, digest: calls.append((len(key), key[0], len(digest)))
elif MODE == "raise":
    def boom(key, digest):
        raise ValueError("the secure element is not answering")
    ctx.ecdsa_sign_callback = boom
elif MODE == "garbage":
    ctx.ecdsa_sign_callback = lambda key, digest: b"\\x30\\x06\\x02\\x01\\x01\\x02\\x01\\x01"
from listening import listen
s, port = listen(1)
print("LISTENING", port)
c, _ = s.accept()
try:
    t = ctx.wrap_socket(c, server_side=True)
except OSError as e:
    print("HANDSHAKE-ERROR", e.args[-1])
    raise SystemExit
data = t.read(18)
t.write(data.upper())
print(t.version(), calls)
t.close()
"""


def run_server(mp, pki, openssl, signer_port: int, args: list[str], key: bool = False,
               first_callback: bool = True, mode: str = "sign") -> tuple[list[str], str]:
    bg = mp.start(SERVER, CERT=str(pki["server_ec"].chain_pem),
                  KEY=str(pki["server_ec"].key_pem) if key else None, SIGNER_PORT=signer_port,
                  FIRST_CALLBACK=first_callback, MODE=mode)
    word, port = bg.first_line.split()
    assert word == "LISTENING", bg.first_line
    client_out = openssl.run_client(int(port), "-CAfile", str(pki["ca"].cert_pem), "-verify_return_error",
                                    "-ign_eof", *args, input="ping from openssl\n")
    return bg.finish().stdout.splitlines(), client_out


@pytest.mark.parametrize("args, name, first_callback", [
    pytest.param(["-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256"], "TLSv1.2", True, id="tls1.2"),
    pytest.param(["-tls1_3"], "TLSv1.3", True, id="tls1.3"),
    # with a key loaded first, a callback set later takes over signing
    pytest.param(["-tls1_3"], "TLSv1.3", False, id="tls1.3-callback-set-after-the-key"),
])
def test_server_signed_outside_against_openssl(mp, pki, openssl, signer, args, name, first_callback):
    sig = signer("server_ec")
    lines, client_out = run_server(mp, pki, openssl, sig.port, args, key=not first_callback,
                                   first_callback=first_callback)
    scalar = sig.key.private_numbers().private_value.to_bytes(32, "big")
    key = "65, 4" if first_callback else f"32, {scalar[0]}"
    assert lines == [f"{name} [({key}, 32)]"], client_out
    assert sig.digests == [32]
    assert "Verify return code: 0 (ok)" in client_out and "PING FROM OPENSSL" in client_out


def test_callback_gets_the_private_scalar_and_none_falls_back(mp, pki, openssl, signer):
    """With a private key loaded, upstream's convention: the callback gets the
    key's private scalar; None lets the loaded key sign."""
    sig = signer("server_ec")
    lines, client_out = run_server(mp, pki, openssl, sig.port, ["-tls1_3"], key=True, mode="none")
    scalar = sig.key.private_numbers().private_value.to_bytes(32, "big")
    assert lines == [f"TLSv1.3 [(32, {scalar[0]}, 32)]"], client_out
    assert sig.digests == []  # the host signer was not asked
    assert "Verify return code: 0 (ok)" in client_out


@pytest.mark.parametrize("mode, says, openssl_says", [
    pytest.param("none", "ecdsa_sign_callback returned None and no private key is loaded to sign instead",
                 "alert", id="none-without-key"),
    pytest.param("raise", "ecdsa_sign_callback raised ValueError: the secure element is not answering", "alert",
                 id="raises"),
    pytest.param("garbage", None, "bad signature", id="bad-signature"),
])
def test_signing_failures(mp, pki, openssl, signer, mode, says, openssl_says):
    sig = signer("server_ec")
    lines, client_out = run_server(mp, pki, openssl, sig.port, ["-tls1_3"], mode=mode)
    assert len(lines) == 1 and lines[0].startswith("HANDSHAKE-ERROR"), (lines, client_out)
    if says:
        assert lines[0] == f"HANDSHAKE-ERROR {says}"
    assert openssl_says in client_out
    assert "SSL - " not in lines[0] and "PK - " not in lines[0]


ERRORS = """
import tls
ctx = tls.SSLContext(tls.PROTOCOL_TLS_CLIENT)
print(ctx.ecdsa_sign_callback)
for value in (5, "x"):
    try:
        ctx.ecdsa_sign_callback = value
    except TypeError as e:
        print("TypeError", e)
try:
    ctx.load_cert_chain(EC_CERT)           # no key, no callback
except ValueError as e:
    print("ValueError no-callback")
ctx.ecdsa_sign_callback = lambda key, digest: None
try:
    ctx.load_cert_chain(RSA_CERT)          # RSA: the callback signs EC only
except ValueError as e:
    print("ValueError", e)
ctx.load_cert_chain(EC_CERT)
print("ok")
"""


def test_attribute_and_loading_errors(mp, pki):
    out = mp.run(ERRORS, EC_CERT=str(pki["client_ec"].cert_pem), RSA_CERT=str(pki["client_rsa"].cert_pem)).lines
    assert out == [
        "None",
        "TypeError ecdsa_sign_callback must be callable or None",
        "TypeError ecdsa_sign_callback must be callable or None",
        "ValueError no-callback",
        "ValueError ecdsa_sign_callback signs for EC certificates only: this one needs its private key",
        "ok",
    ]
