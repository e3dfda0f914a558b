"""P-256 in modssl/ec_p256.c: verification's m P + n Q (patches/mbedtls/0022)
and the constant-time k P of key generation, ECDSA signing and ECDH
(patches/mbedtls/0035).

Through the unix firmware's test hooks: `tls._p256_muladd` calls
mbedtls_ecp_muladd() itself (edge scalars and points, the cases the point
formulas do not cover), `tls._p256_verify` PSA's ECDSA verification,
`tls._p256_ecdh`, `_p256_sign` and `_p256_generate` PSA's key agreement,
public-key export, signing and key generation; all are checked against
`cryptography`.  The rp2 firmware's Thumb-1 path is checked on a bare
emulated Cortex-M0+ core (modssl_harness.bare_m0), where k P must also take
the same number of cycles for every scalar.  Then TLS 1.2 and 1.3 handshakes
whose only key exchange is P-256 ECDHE, with OpenSSL on the other end, in
both roles (the server signs with its ECDSA P-256 key).
"""

from __future__ import annotations

import os
import random
import re

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    Prehashed,
    decode_dss_signature,
    encode_dss_signature,
)
from modssl_harness import bare_m0
from conftest import REV_CLIENT, UPPER_ECHO_SERVER

N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
P = 2**256 - 2**224 + 2**192 + 2**96 - 1


def point(k: int) -> bytes | None:
    """k G, uncompressed, or None for the point at infinity."""
    k %= N
    if k == 0:
        return None
    nums = ec.derive_private_key(k, ec.SECP256R1()).public_key().public_numbers()
    return b"\x04" + nums.x.to_bytes(32, "big") + nums.y.to_bytes(32, "big")


def be(k: int) -> str:
    return k.to_bytes(32, "big").hex()


MULADD = """
import binascii, tls
h = binascii.unhexlify
for m, p, n, q in CASES:
    try:
        r = tls._p256_muladd(h(m), h(p), h(n), h(q))
        print("inf" if r is None else binascii.hexlify(r).decode())
    except ValueError as e:
        print("ValueError", e)
"""


def run_muladd(mp, cases: list[tuple[int, int, int, int]]) -> list[str]:
    """cases: (m, p, n, q) with P = p G and Q = q G."""
    encoded = [(be(m), point(p).hex(), be(n), point(q).hex()) for m, p, n, q in cases]
    out = mp.run(MULADD, CASES=encoded).lines
    assert len(out) == len(cases), out
    return out


def expected(m: int, p: int, n: int, q: int) -> str:
    r = point(m * p + n * q)
    return "inf" if r is None else r.hex()


def test_muladd_random_matches_cryptography(mp):
    cases = [(random.randrange(N), 1, random.randrange(N), random.randrange(1, N)) for _ in range(12)]
    cases += [(random.randrange(N), random.randrange(1, N), random.randrange(N), random.randrange(1, N))
              for _ in range(6)]
    assert run_muladd(mp, cases) == [expected(*c) for c in cases]


def test_muladd_edge_cases(mp):
    q = random.randrange(2, N)
    cases = [
        (0, 1, 0, q),               # both scalars zero: infinity
        (0, 1, 5, q), (5, 1, 0, q), (1, 1, 1, q),
        (N - 1, 1, N - 1, q),       # the largest scalars
        (7, 1, 7, 1),               # P = Q, equal multiples: the addition doubles
        (7, 1, 7, N - 1),           # Q = -P, equal multiples: infinity
        (3, 1, N - 3, 1),           # 3 G + (N - 3) G: infinity
        (2**255, 1, 2**128 + 1, q), (0xF0F0 << 200, 1, 0x0F0F << 180, q),  # windows of zeros
    ]
    assert run_muladd(mp, cases) == [expected(*c) for c in cases]


def test_muladd_refuses_what_mbedtls_refuses(mp):
    # Scalars of N or more are left to mbedTLS, which refuses them; a point
    # not on the curve is refused before any arithmetic.
    g = point(1).hex()
    off_curve = (b"\x04" + (5).to_bytes(32, "big") + (7).to_bytes(32, "big")).hex()
    out = mp.run(MULADD, CASES=[(be(N), g, be(1), g), (be(1), g, be(N + 5), g), (be(2), g, be(3), off_curve),
                                (be(2), off_curve, be(3), g)]).lines
    assert all(line.startswith("ValueError _p256_muladd: error -0x") for line in out), out


VERIFY = """
import binascii, tls
h = binascii.unhexlify
for key, digest, sig in CASES:
    print(tls._p256_verify(h(key), h(digest), h(sig)))
"""


def reference_verify(key: bytes, digest: bytes, sig: bytes) -> bool:
    pub = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), key)
    der = encode_dss_signature(int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big"))
    try:
        pub.verify(der, digest, ec.ECDSA(Prehashed(hashes.SHA256())))
        return True
    except InvalidSignature:
        return False


def sign(d: int, digest: bytes) -> bytes:
    key = ec.derive_private_key(d, ec.SECP256R1())
    r, s = decode_dss_signature(key.sign(digest, ec.ECDSA(Prehashed(hashes.SHA256()))))
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def crafted(d: int, k: int) -> tuple[bytes, bytes]:
    """A signature by d whose hash equals r, so u1 = u2: with d = 1 (Q = G)
    the verification's addition doubles; with d = N - 1 (Q = -G) the sum is
    the point at infinity (and the signature invalid)."""
    r = int.from_bytes(point(k)[1:33], "big") % N
    s = pow(k, -1, N) * (r + r * d) % N
    return r.to_bytes(32, "big"), r.to_bytes(32, "big") + s.to_bytes(32, "big")


def test_ecdsa_verify_matches_cryptography(mp):
    cases = []
    for _ in range(8):
        d, digest = random.randrange(1, N), os.urandom(32)
        sig = sign(d, digest)
        key = point(d)
        cases.append((key, digest, sig))                                    # valid
        cases.append((key, bytes([digest[0] ^ 1]) + digest[1:], sig))       # other hash
        cases.append((key, digest, sig[:63] + bytes([sig[63] ^ 0x80])))     # other s
    d = random.randrange(1, N)
    key, digest = point(d), os.urandom(32)
    sig = sign(d, digest)
    r, s = sig[:32], sig[32:]
    zero, n_bytes = bytes(32), N.to_bytes(32, "big")
    cases += [(key, digest, zero + s), (key, digest, r + zero), (key, digest, n_bytes + s), (key, digest, r + n_bytes)]
    cases.append((key, bytes(32), sign(d, bytes(32))))                      # hash 0: u1 = 0
    digest1, sig1 = crafted(1, random.randrange(1, N))
    cases.append((point(1), digest1, sig1))                                 # doubling inside, valid
    digest2, sig2 = crafted(N - 1, random.randrange(1, N))
    cases.append((point(N - 1), digest2, sig2))                             # infinity inside, invalid
    want = [reference_verify(*c) for c in cases]
    assert want[-2] is True and want[-1] is False
    out = mp.run(VERIFY, CASES=[(k.hex(), h.hex(), s.hex()) for k, h, s in cases]).lines
    assert out == [str(w) for w in want]


@pytest.mark.no_asan  # no firmware involved: run once
# The default rolled products, and the unrolled ones a board may choose
# (MODSSL_FE16_ROLLED=0, docs/flash.md).
@pytest.mark.parametrize("defines", [("MODSSL_FE16_ROLLED=0",), ()], ids=["unrolled", "rolled"])
def test_thumb1_path_on_emulated_cortex_m0plus(defines):
    missing = bare_m0.available()
    if missing:
        msg = f"the Cortex-M0+ check needs {missing}: run `tools/setup.sh rp2`"
        if os.environ.get("MODSSL_REQUIRE_RP2") == "1":
            pytest.fail(msg)
        pytest.skip(msg)
    cases = [(random.randrange(N), 1, random.randrange(N), random.randrange(1, N)) for _ in range(3)]
    cases += [(7, 1, 7, 1), (7, 1, 7, N - 1), (0, 1, 0, 5)]
    raw = [(m.to_bytes(32, "big"), point(p)[1:], n.to_bytes(32, "big"), point(q)[1:]) for m, p, n, q in cases]
    outs, cycles = bare_m0.p256_muladd(raw, defines=defines)
    assert [None if o is None else (b"\x04" + o).hex() for o in outs] == \
        [None if (e := expected(*c)) == "inf" else e for c in cases]
    assert len(cycles) == len(cases)


@pytest.mark.no_asan  # no firmware involved: run once
def test_bench_reports_primitive_cycles():
    # The bench's bare-core rows: shape only, no timing asserted.
    from modssl_harness.benchmarks import emulated, report
    from modssl_harness.benchmarks.stats import Single

    if bare_m0.available():
        pytest.skip(f"needs {bare_m0.available()}")
    from modssl_harness.benchmarks.stats import Stat

    section = emulated.primitives_section()
    emulated.run_primitives(section)
    assert [r.name.split(",")[0].split(" ")[0] for r in section.rows] == ["X25519", "P-256", "P-256", "P-256",
                                                                         "RSA-2048"]
    for row in section.rows:
        for column in ("stock", "modssl"):
            assert isinstance(row.cells[column], Stat) and row.cells[column].median > 0, row
    assert isinstance(section.rows[0].cells["published"], Single)
    assert "public-key primitives" in report.markdown([section])


ECDH = """
import binascii, tls
h = binascii.unhexlify
for d, peer in CASES:
    try:
        r = tls._p256_ecdh(h(d), peer and h(peer))
        print(binascii.hexlify(r).decode())
    except ValueError as e:
        print("ValueError", e)
"""


def run_ecdh(mp, cases: list[tuple[bytes, bytes | None]]) -> list[str]:
    out = mp.run(ECDH, CASES=[(d.hex(), p and p.hex()) for d, p in cases]).lines
    assert len(out) == len(cases), out
    return out


def shared(d: int, q: int) -> str:
    """The ECDH secret of private key d and public key q G, by cryptography."""
    peer = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point(q))
    return ec.derive_private_key(d, ec.SECP256R1()).exchange(ec.ECDH(), peer).hex()


# Private keys at the edges: the smallest and largest, every digit of the
# scalar's signed radix-16 form at +-8 and 0, single bits.
EDGE_KEYS = [1, 2, 3, 4, 7, 8, 9, 15, 16, 17, N - 1, N - 2, N - 8, N - 16, 2**255, 2**128 + 1,
             int("8" * 64, 16), int("78" * 32, 16), int("f0" * 32, 16) % N]


def test_public_keys_match_cryptography(mp):
    keys = EDGE_KEYS + [random.randrange(1, N) for _ in range(12)]
    out = run_ecdh(mp, [(d.to_bytes(32, "big"), None) for d in keys])
    assert out == [point(d).hex() for d in keys]


def test_ecdh_matches_cryptography(mp):
    cases = [(random.randrange(1, N), random.randrange(1, N)) for _ in range(12)]
    cases += [(d, random.randrange(1, N)) for d in EDGE_KEYS[:6] + EDGE_KEYS[10:14]]
    cases += [(random.randrange(1, N), q) for q in (1, 2, N - 1, N - 2)]    # G, 2 G, -G, -2 G
    cases += [(N - 1, N - 1), (2, N - 2)]                                   # (N - 1)(-G) = G
    out = run_ecdh(mp, [(d.to_bytes(32, "big"), point(q)) for d, q in cases])
    assert out == [shared(d, q) for d, q in cases]


def test_ecdh_refuses_bad_peers_and_keys(mp):
    d = random.randrange(1, N).to_bytes(32, "big")
    g = point(1)
    x, y = int.from_bytes(g[1:33], "big"), int.from_bytes(g[33:], "big")
    bad_peers = [
        b"\x04" + (5).to_bytes(32, "big") + (7).to_bytes(32, "big"),        # not on the curve
        b"\x04" + g[1:33] + ((y + 1) % P).to_bytes(32, "big"),              # x of G, wrong y
        b"\x04" + (x + P).to_bytes(33, "big")[1:] + g[33:],                 # x + p, cut to 256 bits: off curve
        b"\x04" + P.to_bytes(32, "big") + g[33:],                           # x = p: not below p
        b"\x00",                                                            # the point at infinity
        b"\x04" + bytes(64),                                                # (0, 0)
        g[:64],                                                             # too short
        b"\x02" + g[1:33],                                                  # compressed: not in TLS
    ]
    for peer in bad_peers[:4]:
        with pytest.raises(ValueError):                                     # cryptography refuses them too
            ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), peer)
    out = run_ecdh(mp, [(d, p) for p in bad_peers])
    assert all(line.startswith("ValueError _p256_ecdh: failed") for line in out), out
    # Private keys 0, N and above are refused at import.
    out = run_ecdh(mp, [(k.to_bytes(32, "big"), None) for k in (0, N, N + 1, 2**256 - 1)])
    assert all(line.startswith("ValueError _p256: private key not accepted") for line in out), out


SIGN = """
import binascii, tls
h = binascii.unhexlify
for d, digest, det in CASES:
    print(binascii.hexlify(tls._p256_sign(h(d), h(digest), det)).decode())
"""


def test_signatures_verify_with_cryptography(mp):
    cases = [(random.randrange(1, N), os.urandom(32)) for _ in range(8)]
    cases += [(d, os.urandom(32)) for d in (1, 2, N - 1, N - 2)]
    cases += [(random.randrange(1, N), bytes(32)), (random.randrange(1, N), b"\xff" * 32)]
    params = [(d.to_bytes(32, "big").hex(), digest.hex(), det) for d, digest in cases for det in (False, True)]
    out = mp.run(SIGN, CASES=params).lines
    assert len(out) == len(params), out
    for (d, digest, det), line in zip(params, out):
        sig = bytes.fromhex(line)
        assert reference_verify(point(int(d, 16)), bytes.fromhex(digest), sig), (d, digest, det)
        if det:
            # RFC 6979: the same signature as cryptography's deterministic ECDSA.
            key = ec.derive_private_key(int(d, 16), ec.SECP256R1())
            der = key.sign(bytes.fromhex(digest), ec.ECDSA(Prehashed(hashes.SHA256()), deterministic_signing=True))
            r, s = decode_dss_signature(der)
            assert sig == r.to_bytes(32, "big") + s.to_bytes(32, "big")
    # Randomised ECDSA: two signatures of the same hash differ.
    assert out[0] != mp.run(SIGN, CASES=params[:1]).lines[0]


def test_generated_keys_match_cryptography(mp):
    out = mp.run("""
import binascii, tls
for _ in range(4):
    d, q = tls._p256_generate()
    print(binascii.hexlify(d).decode(), binascii.hexlify(q).decode())
""").lines
    assert len(out) == 4 and len({line.split()[0] for line in out}) == 4
    for line in out:
        d, q = line.split()
        assert 1 <= int(d, 16) < N and q == point(int(d, 16)).hex()



OPENSSL_FLAG = {"TLSv1_2": "-tls1_2", "TLSv1_3": "-tls1_3"}


@pytest.mark.parametrize("version", ["TLSv1_2", "TLSv1_3"])
def test_client_handshake_p256_only_server(mp, pki, openssl, version):
    # The server offers only P-256 for the key exchange and signs with its
    # ECDSA P-256 key: modssl's client generates its share and computes the
    # shared secret with ec_p256_mul.c's k P, and verifies with ec_p256.c's m P + n Q.
    import ssl

    server = openssl.server(OPENSSL_FLAG[version], "-groups", "P-256", "-naccept", "1", "-rev",
                            "-cert", str(pki["server_ec"].cert_pem), "-key", str(pki["server_ec"].key_pem))
    out = mp.run(REV_CLIENT, CURVE=None, PORT=server.port, CA=str(pki["ca"].cert_pem),
                 VERSION=ssl.TLSVersion[version].value).stdout.strip()
    assert out == f"{version.replace('_', '.')} b'hello\\n'"


@pytest.mark.parametrize("version", ["TLSv1_2", "TLSv1_3"])
def test_server_handshake_p256_only_client(mp, pki, openssl, version):
    # The client offers only P-256: modssl's server makes its ECDHE share and
    # the shared secret with ec_p256.c's k P and signs with its ECDSA P-256
    # key (k G); OpenSSL checks the signature.
    bg = mp.start(UPPER_ECHO_SERVER, CERT=str(pki["server_ec"].chain_pem), KEY=str(pki["server_ec"].key_pem),
                  CURVE=None)
    port = int(bg.first_line)
    client = openssl.run_client(port, OPENSSL_FLAG[version], "-groups", "P-256", "-brief", "-CAfile",
                                str(pki["ca"].cert_pem), "-verify_return_error", "-ign_eof", input="ping\n")
    out = bg.finish().stdout.strip()
    assert re.search(r"Temp Key: ECDH, (prime256v1|P-256)", client), client
    assert "Signature type: ECDSA" in client, client
    assert "PING" in client
    assert out == f"{version.replace('_', '.')} b'ping\\n'"


@pytest.mark.no_asan  # no firmware involved: run once
# The default rolled products, and the unrolled ones a board may choose
# (MODSSL_FE16_ROLLED=0, docs/flash.md).
@pytest.mark.parametrize("defines", [("MODSSL_FE16_ROLLED=0",), ()], ids=["unrolled", "rolled"])
def test_thumb1_constant_time_mul_on_emulated_cortex_m0plus(defines):
    missing = bare_m0.available()
    if missing:
        msg = f"the Cortex-M0+ check needs {missing}: run `tools/setup.sh rp2`"
        if os.environ.get("MODSSL_REQUIRE_RP2") == "1":
            pytest.fail(msg)
        pytest.skip(msg)
    q = random.randrange(1, N)
    cases = [(k, None) for k in (1, N - 1, random.randrange(N), 2**255, int("8" * 64, 16))]
    cases += [(k, q) for k in (2, N - 2, random.randrange(N))] + [(random.randrange(N), N - 1)]
    raw = [(k.to_bytes(32, "big"), None if p is None else point(p)[1:]) for k, p in cases]
    off_curve = (5).to_bytes(32, "big") + (7).to_bytes(32, "big")
    outs, cycles = bare_m0.p256_mul(raw + [((3).to_bytes(32, "big"), off_curve)], defines=defines)
    assert [o.hex() for o in outs[:-1]] == [point(k * (1 if p is None else p))[1:].hex() for k, p in cases]
    assert outs[-1] == "off curve"
    # Constant time, as far as the core's cycle count shows: every scalar
    # takes exactly as many cycles, on G and on any other point.
    assert len(set(cycles[:5])) == 1, cycles
    assert len(set(cycles[5:-1])) == 1, cycles
