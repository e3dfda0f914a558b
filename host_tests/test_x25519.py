"""X25519 (modssl/ec_x25519.c, wired into mbedTLS by patches/mbedtls/0021).

Known answers from RFC 7748 and random keys checked against `cryptography`,
through the unix firmware's test hook `tls._x25519` (PSA import, export and
key agreement: the path TLS 1.3 takes); then real handshakes whose only key
exchange is X25519, with OpenSSL on the other end.  A wrong shared secret
fails those handshakes at Finished.  The rp2 firmware's Thumb-1 path is
checked on a bare emulated Cortex-M0+ core (modssl_harness.bare_m0).
"""

from __future__ import annotations

import os
import ssl

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from modssl_harness import bare_m0
from conftest import REV_CLIENT, UPPER_ECHO_SERVER

P = 2**255 - 19

# RFC 7748 section 5.2: (scalar, u, result).
RFC_SCALAR_MULT = [
    ("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
     "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
     "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"),
    ("4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
     "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
     "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957"),
]
# Section 5.2, k = u = 9 iterated: after 1 and after 1,000 iterations.
RFC_ITERATED = {
    1: "422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079",
    1000: "684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51",
}
# Section 6.1: Alice and Bob.
ALICE = ("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
         "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a")
BOB = ("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb",
       "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f")
SHARED = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742"

# Runs a list of (scalar, u-or-None) through tls._x25519; one line each:
# the result in hex, or the exception.
BATCH = """
import binascii, tls
for k, u in CASES:
    try:
        out = tls._x25519(binascii.unhexlify(k), u and binascii.unhexlify(u))
        print(binascii.hexlify(out).decode())
    except Exception as e:
        print(type(e).__name__, e)
"""


def run_batch(mp, cases: list[tuple[str, str | None]]) -> list[str]:
    out = mp.run(BATCH, CASES=cases).lines
    assert len(out) == len(cases), out
    return out


def le(n: int) -> str:
    return n.to_bytes(32, "little").hex()


def reference(k: str, u: str | None) -> str:
    """X25519 by cryptography (OpenSSL)."""
    key = X25519PrivateKey.from_private_bytes(bytes.fromhex(k))
    if u is None:
        return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()
    return key.exchange(X25519PublicKey.from_public_bytes(bytes.fromhex(u))).hex()


def test_rfc7748_vectors(mp):
    cases = [(k, u) for k, u, _ in RFC_SCALAR_MULT]
    cases += [(ALICE[0], None), (BOB[0], None), (ALICE[0], BOB[1]), (BOB[0], ALICE[1])]
    out = run_batch(mp, cases)
    assert out == [r for _, _, r in RFC_SCALAR_MULT] + [ALICE[1], BOB[1], SHARED, SHARED]


def test_rfc7748_iterated(mp):
    out = mp.run("""
import binascii, tls
k = u = b"\\x09" + bytes(31)
for i in range(1, 1001):
    k, u = tls._x25519(k, u), k
    if i in (1, 1000):
        print(i, binascii.hexlify(k).decode())
""", timeout=300).lines
    assert out == [f"{n} {v}" for n, v in RFC_ITERATED.items()]


def test_random_keys_match_cryptography(mp):
    scalars = [os.urandom(32).hex() for _ in range(24)]
    # Random peers' public keys, and raw random u (half with bit 255 set,
    # which X25519 ignores).
    peers = [reference(os.urandom(32).hex(), None) for _ in range(12)] + [os.urandom(32).hex() for _ in range(12)]
    cases = [(k, None) for k in scalars] + list(zip(scalars, peers))
    assert run_batch(mp, cases) == [reference(k, u) for k, u in cases]


def test_edge_inputs_match_cryptography(mp):
    k = os.urandom(32).hex()
    edges = [
        P + 2, P + 18,              # not reduced: u mod p is used
        2**255 + 9,                 # bit 255 set: 9
        2**255 - 1,                 # the largest 255-bit u
        2, P - 2, 9, 2**254,
    ]
    scalars = ["00" * 32, "ff" * 32, "80" + "00" * 31, "00" * 31 + "40"]
    cases = [(k, le(u)) for u in edges] + [(s, None) for s in scalars] + [(s, le(9)) for s in scalars]
    assert run_batch(mp, cases) == [reference(k, u) for k, u in cases]


def test_low_order_points_are_refused(mp):
    # u of order 1, 2, 4 and 8 (https://cr.yp.to/ecdh.html#validate), the
    # unreduced forms that fit in 255 bits and bit-255 aliases: each gives
    # an all-zero secret.  mbedTLS refuses them before any multiplication.
    order8 = [325606250916557431795983626356110631294008115727848805560023387167927233504,
              39382357235489614581723060781553021112529911719440698176882885853963445705823]
    bad = [0, 1, P - 1, P, P + 1, *order8, 2**255, 2**255 + 1]
    k = os.urandom(32).hex()
    for u in bad:
        with pytest.raises(ValueError):  # cryptography (OpenSSL) refuses them too
            reference(k, le(u))
    out = run_batch(mp, [(k, le(u)) for u in bad])
    assert all(line.startswith("ValueError _x25519: key agreement failed") for line in out), out


def test_bad_arguments(mp):
    out = mp.run("""
import tls
for args in ((b"x" * 31,), (b"x" * 32, b"u" * 33), (32,)):
    try:
        tls._x25519(*args)
    except Exception as e:
        print(type(e).__name__, e)
""").lines
    assert out[0] == "ValueError _x25519: scalar must be 32 bytes"
    assert out[1] == "ValueError _x25519: u must be 32 bytes"
    assert out[2].startswith("TypeError")




@pytest.mark.parametrize("version", ["TLSv1_2", "TLSv1_3"])
def test_client_handshake_x25519_only_server(mp, pki, openssl, version):
    flag = {"TLSv1_2": "-tls1_2", "TLSv1_3": "-tls1_3"}[version]
    server = openssl.server(flag, "-groups", "X25519", "-naccept", "1", "-rev",
                            "-cert", str(pki["server_ec"].cert_pem), "-key", str(pki["server_ec"].key_pem))
    out = mp.run(REV_CLIENT, CURVE=None, PORT=server.port, CA=str(pki["ca"].cert_pem),
                 VERSION=ssl.TLSVersion[version].value).stdout.strip()
    assert out == f"{version.replace('_', '.')} b'hello\\n'"




@pytest.mark.parametrize("version", ["TLSv1_2", "TLSv1_3"])
def test_server_handshake_x25519_only_client(mp, pki, openssl, version):
    bg = mp.start(UPPER_ECHO_SERVER, CERT=str(pki["server_ec"].chain_pem), KEY=str(pki["server_ec"].key_pem),
                  CURVE=None)
    port = int(bg.first_line)
    flag = {"TLSv1_2": "-tls1_2", "TLSv1_3": "-tls1_3"}[version]
    # In TLS 1.2 the client's groups also name the curves it accepts in the
    # server's certificate (P-256 here); the key exchange is still X25519.
    groups = {"TLSv1_2": "X25519:P-256", "TLSv1_3": "X25519"}[version]
    client = openssl.run_client(port, flag, "-groups", groups, "-brief", "-CAfile", str(pki["ca"].cert_pem),
                                "-verify_return_error", "-ign_eof", input="ping\n")
    out = bg.finish().stdout.strip()
    assert "Temp Key: X25519" in client, client
    assert "PING" in client.splitlines(), client
    assert out == f"{version.replace('_', '.')} b'ping\\n'"


@pytest.mark.no_asan  # no firmware involved: run once
# The default unrolled products, and the rolled ones a board may choose
# (MODSSL_FE16_ROLLED, docs/flash.md).
@pytest.mark.parametrize("defines", [(), ("MODSSL_FE16_ROLLED=1",)], ids=["unrolled", "rolled"])
def test_thumb1_path_on_emulated_cortex_m0plus(defines):
    missing = bare_m0.available()
    if missing:
        msg = f"the Cortex-M0+ check needs {missing}: run `tools/setup.sh rp2`"
        if os.environ.get("MODSSL_REQUIRE_RP2") == "1":
            pytest.fail(msg)
        pytest.skip(msg)
    nine = le(9)
    cases = [(k, u) for k, u, _ in RFC_SCALAR_MULT]
    cases += [(le(9), nine), (ALICE[0], nine), (BOB[0], nine), (ALICE[0], BOB[1])]
    cases += [(os.urandom(32).hex(), os.urandom(32).hex()) for _ in range(3)]
    cases += [(os.urandom(32).hex(), le(P + 5))]
    outs, cycles = bare_m0.x25519([(bytes.fromhex(k), bytes.fromhex(u)) for k, u in cases], defines=defines)
    want = [r for _, _, r in RFC_SCALAR_MULT] + [RFC_ITERATED[1], ALICE[1], BOB[1], SHARED]
    want += [reference(k, u) for k, u in cases[len(want):]]
    assert [o.hex() for o in outs] == want
    # Constant time, as far as the core's cycle count shows: every scalar
    # and point takes exactly as many cycles.
    assert len(set(cycles)) == 1, cycles
