"""P-256 verification's m P + n Q (modssl/ec_p256.c, wired into mbedTLS by
patches/mbedtls/0022).

Through the unix firmware's test hooks: `tls._p256_muladd` calls
mbedtls_ecp_muladd() itself (edge scalars and points, the cases the point
formulas do not cover), `tls._p256_verify` PSA's ECDSA verification; both are
checked against `cryptography`.  The rp2 firmware's Thumb-1 path is checked on
a bare emulated Cortex-M0+ core (modssl_harness.bare_m0).  TLS handshakes with
ECDSA P-256 certificates (test_tls_client.py, test_tls_server.py) verify
through it too.
"""

from __future__ import annotations

import os
import random

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
def test_thumb1_path_on_emulated_cortex_m0plus():
    missing = bare_m0.available()
    if missing:
        msg = f"the Cortex-M0+ check needs {missing}: run `tools/setup.sh rp2`"
        if os.environ.get("MODSSL_REQUIRE_RP2") == "1":
            pytest.fail(msg)
        pytest.skip(msg)
    cases = [(random.randrange(N), 1, random.randrange(N), random.randrange(1, N)) for _ in range(3)]
    cases += [(7, 1, 7, 1), (7, 1, 7, N - 1), (0, 1, 0, 5)]
    raw = [(m.to_bytes(32, "big"), point(p)[1:], n.to_bytes(32, "big"), point(q)[1:]) for m, p, n, q in cases]
    outs, cycles = bare_m0.p256_muladd(raw)
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
    section = emulated.primitives_section()
    emulated.run_primitives(section)
    assert [r.name.split(",")[0].split(" ")[0] for r in section.rows] == ["X25519", "P-256"]
    for row in section.rows:
        assert isinstance(row.cells["emu"], Single) and row.cells["emu"].value > 0, row
    assert "public-key primitives" in report.markdown([section])
