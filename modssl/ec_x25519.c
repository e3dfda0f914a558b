/*
 * X25519 (RFC 7748) for small cores, and its hook into mbedTLS.
 *
 * mbedTLS multiplies on Curve25519 with its generic bignum code (about 30
 * million cycles per scalar multiplication on an RP2040).  This file is a
 * constant-time Montgomery ladder over a field representation that suits a
 * Cortex-M0+, which has a single-cycle 32x32->32 multiply but no 64-bit
 * product: an element of GF(2^255-19) is sixteen 16-bit limbs (radix 2^16,
 * each held in a uint32_t), so every limb product fits in 32 bits and needs
 * no __aeabi_lmul.  The schoolbook products are ec_fe16.c's (Thumb-1
 * assembly on Cortex-M0/M0+, portable C elsewhere), shared with ec_p256.c.  Values are kept below 2^256 (not fully reduced) between
 * operations and reduced once, at the end.  On an RP2040 one scalar
 * multiplication takes about 5.6 million cycles.
 *
 * Nothing here branches on or indexes memory by secret data: the ladder
 * swaps with masks, every loop has a fixed count, and the inversion is an
 * exponentiation with a fixed chain.
 *
 * patches/mbedtls/0021 makes mbedtls_ecp_mul() and mbedtls_ecp_mul_restartable()
 * call modssl_ecp_x25519_mul() for Curve25519 when MODSSL_ECP_X25519 is set
 * (ports/common/mbedtls_config_modssl.h): key generation, ECDH, PSA key
 * agreement and public-key export (TLS 1.2, TLS 1.3, DTLS) all use it.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdint.h>
#include <string.h>

#include "mbedtls/build_info.h"

#if defined(MODSSL_ECP_X25519)

#include "mbedtls/ecp.h"

#include "ec_x25519.h"
#include "ec_fe16.h"

// Radix 2^16: value = sum(v[i] << 16*i).  Between operations every limb is
// below 2^16 and the value below 2^256.
#define FE_LIMBS (16)
typedef uint32_t fe_t[FE_LIMBS];

// 2^256 = 38 (mod 2^255 - 19).
#define FOLD (38)

// The carry passes are unrolled (a third of their cycles is loop overhead
// on a Cortex-M0+); everything else is left to the build's -Os.
#define FE_UNROLL _Pragma("GCC unroll 32")

// Sums reduce in one carry pass: limb 15's bits from 2^255 up are taken
// off first and come back at the bottom as 19 each (2^255 = 19 mod p); the
// carry that then reaches limb 15 is small, so it stays below 2^16 and the
// value below 2^256.
static void fe_add(fe_t r, const fe_t a, const fe_t b) {
    uint32_t top = a[FE_LIMBS - 1] + b[FE_LIMBS - 1];
    uint32_t c = (top >> 15) * 19;
    FE_UNROLL
    for (int i = 0; i < FE_LIMBS - 1; i++) {
        c += a[i] + b[i];
        r[i] = c & 0xffff;
        c >>= 16;
    }
    r[FE_LIMBS - 1] = (top & 0x7fff) + c;
}

// r = a - b + 4p, which keeps every limb sum non-negative: 4p = 2^257 - 76
// as limbs that are all at least 2^16 - 1 (limb 0 = 2 * 2^16 - 76, the
// others 2 * 2^16 - 2: the sum telescopes to 2 * 2^256 - 76).
static void fe_sub(fe_t r, const fe_t a, const fe_t b) {
    uint32_t top = 0x1fffe + a[FE_LIMBS - 1] - b[FE_LIMBS - 1];
    uint32_t c = (top >> 15) * 19 + 0x1ffb4 + a[0] - b[0];
    r[0] = c & 0xffff;
    c >>= 16;
    FE_UNROLL
    for (int i = 1; i < FE_LIMBS - 1; i++) {
        c += 0x1fffe + a[i] - b[i];
        r[i] = c & 0xffff;
        c >>= 16;
    }
    r[FE_LIMBS - 1] = (top & 0x7fff) + c;
}

// r = the 32-digit t reduced: t[i] + 38 t[i + 16] (2^256 = 38 mod p) in one
// carry pass, limb 15's top taken off first as in fe_add().  Digits may be
// up to 2^18 (fe_sqr's are not normalised): every sum stays below 2^32.
__attribute__((noinline))
static void fe_reduce_wide(fe_t r, const uint32_t t[2 * FE_LIMBS]) {
    uint32_t top = t[FE_LIMBS - 1] + FOLD * t[2 * FE_LIMBS - 1];
    uint32_t c = (top >> 15) * 19;
    FE_UNROLL
    for (int i = 0; i < FE_LIMBS - 1; i++) {
        c += t[i] + FOLD * t[i + FE_LIMBS];
        r[i] = c & 0xffff;
        c >>= 16;
    }
    r[FE_LIMBS - 1] = (top & 0x7fff) + c;
}


static void fe_mul(fe_t r, const fe_t a, const fe_t b) {
    uint32_t t[2 * FE_LIMBS];
    modssl_fe16_mul_wide(t, a, b);
    fe_reduce_wide(r, t);
}

// a^2 = 2 * (the cross products) + (the squares a[i]^2 at digits 2i and
// 2i + 1), as digits up to 2^18 that fe_reduce_wide() normalises.
static void fe_sqr(fe_t r, const fe_t a) {
    uint32_t t[2 * FE_LIMBS];
    modssl_fe16_sqr_cross(t, a);
    FE_UNROLL
    for (int i = 0; i < FE_LIMBS; i++) {
        uint32_t sq = a[i] * a[i];
        t[2 * i] = 2 * t[2 * i] + (sq & 0xffff);
        t[2 * i + 1] = 2 * t[2 * i + 1] + (sq >> 16);
    }
    fe_reduce_wide(r, t);
}

// r = a * 121666 (the curve's (A + 2) / 4).  121666 = 0x1db42: each limb
// product is split as a[i] * 0xdb42 + (a[i] << 16) so it fits in 32 bits.
static void fe_mul_a24(fe_t r, const fe_t a) {
    uint32_t c = 0;
    for (int i = 0; i < FE_LIMBS; i++) {
        uint32_t p = a[i] * 0xdb42u;
        c += p & 0xffff;
        r[i] = c & 0xffff;
        c = (c >> 16) + (p >> 16) + a[i];
    }
    // c (below 2^18) counts 2^256s: add them back as 38 each, with limb
    // 15's top taken off first as in fe_add().
    uint32_t top = r[FE_LIMBS - 1];
    c = c * FOLD + (top >> 15) * 19;
    for (int i = 0; i < FE_LIMBS - 1; i++) {
        c += r[i];
        r[i] = c & 0xffff;
        c >>= 16;
    }
    r[FE_LIMBS - 1] = (top & 0x7fff) + c;
}

static void fe_sqr_n(fe_t r, const fe_t a, int n) {
    fe_sqr(r, a);
    while (--n > 0) {
        fe_sqr(r, r);
    }
}

// r = a^(p-2) = 1/a (0 for a = 0), with the usual chain for 2^255 - 21.
static void fe_invert(fe_t r, const fe_t a) {
    fe_t t0, t1, t2, t3;
    fe_sqr(t0, a);                  // 2
    fe_sqr_n(t1, t0, 2);            // 8
    fe_mul(t1, a, t1);              // 9
    fe_mul(t0, t0, t1);             // 11
    fe_sqr(t2, t0);                 // 22
    fe_mul(t1, t1, t2);             // 2^5 - 1
    fe_sqr_n(t2, t1, 5);
    fe_mul(t1, t2, t1);             // 2^10 - 1
    fe_sqr_n(t2, t1, 10);
    fe_mul(t2, t2, t1);             // 2^20 - 1
    fe_sqr_n(t3, t2, 20);
    fe_mul(t2, t3, t2);             // 2^40 - 1
    fe_sqr_n(t2, t2, 10);
    fe_mul(t1, t2, t1);             // 2^50 - 1
    fe_sqr_n(t2, t1, 50);
    fe_mul(t2, t2, t1);             // 2^100 - 1
    fe_sqr_n(t3, t2, 100);
    fe_mul(t2, t3, t2);             // 2^200 - 1
    fe_sqr_n(t2, t2, 50);
    fe_mul(t1, t2, t1);             // 2^250 - 1
    fe_sqr_n(t1, t1, 5);            // 2^255 - 2^5
    fe_mul(r, t1, t0);              // 2^255 - 21
}

// Swap a and b when bit is 1, without branching on it.
static void fe_cswap(fe_t a, fe_t b, uint32_t bit) {
    uint32_t mask = 0u - bit;
    for (int i = 0; i < FE_LIMBS; i++) {
        uint32_t x = (a[i] ^ b[i]) & mask;
        a[i] ^= x;
        b[i] ^= x;
    }
}

static void fe_from_bytes(fe_t r, const uint8_t in[32]) {
    for (int i = 0; i < FE_LIMBS; i++) {
        r[i] = in[2 * i] | (uint32_t)in[2 * i + 1] << 8;
    }
    r[FE_LIMBS - 1] &= 0x7fff;      // RFC 7748 section 5: ignore bit 255
}

// The canonical value (below p), little-endian.
static void fe_to_bytes(uint8_t out[32], const fe_t a) {
    fe_t t;
    memcpy(t, a, sizeof(t));
    // a < 2^256 = 2p + 38: subtract p at most twice, each time only if the
    // result stays non-negative (mask, no branch).
    for (int round = 0; round < 2; round++) {
        fe_t s;
        uint32_t c = t[0] + 19;     // t - p = t + 19 - 2^255
        s[0] = c & 0xffff;
        c >>= 16;
    for (int i = 1; i < FE_LIMBS; i++) {
            c += t[i];
            s[i] = c & 0xffff;
            c >>= 16;
        }
        // s + c * 2^256 = t + 19.  t >= p iff that reaches 2^255: bit 255 of
        // s is set, or it carried out (then s < 38 and bit 255 is clear).
        // Either way t - p is s with bit 255 flipped.
        uint32_t ge = ((s[FE_LIMBS - 1] >> 15) | c) & 1;
        s[FE_LIMBS - 1] ^= 0x8000;
        uint32_t mask = 0u - ge;
    for (int i = 0; i < FE_LIMBS; i++) {
            t[i] ^= (t[i] ^ s[i]) & mask;
        }
    }
    for (int i = 0; i < FE_LIMBS; i++) {
        out[2 * i] = (uint8_t)t[i];
        out[2 * i + 1] = (uint8_t)(t[i] >> 8);
    }
}

void modssl_x25519(uint8_t out[32], const uint8_t scalar[32], const uint8_t u[32]) {
    uint8_t k[32];
    memcpy(k, scalar, 32);
    k[0] &= 248;                    // RFC 7748 section 5: clamp
    k[31] &= 127;
    k[31] |= 64;

    fe_t x1, x2, z2, x3, z3, a, aa, b, bb, e, c, d;
    fe_from_bytes(x1, u);
    memset(x2, 0, sizeof(x2));
    x2[0] = 1;
    memset(z2, 0, sizeof(z2));
    memcpy(x3, x1, sizeof(x3));
    memset(z3, 0, sizeof(z3));
    z3[0] = 1;

    uint32_t swap = 0;
    for (int t = 254; t >= 0; t--) {
        uint32_t bit = (k[t >> 3] >> (t & 7)) & 1;
        swap ^= bit;
        fe_cswap(x2, x3, swap);
        fe_cswap(z2, z3, swap);
        swap = bit;

        fe_add(a, x2, z2);
        fe_sqr(aa, a);
        fe_sub(b, x2, z2);
        fe_sqr(bb, b);
        fe_sub(e, aa, bb);
        fe_add(c, x3, z3);
        fe_sub(d, x3, z3);
        fe_mul(d, d, a);            // DA
        fe_mul(c, c, b);            // CB
        fe_add(x3, d, c);
        fe_sqr(x3, x3);             // (DA + CB)^2
        fe_sub(z3, d, c);
        fe_sqr(z3, z3);
        fe_mul(z3, z3, x1);         // x1 * (DA - CB)^2
        fe_mul(x2, aa, bb);         // AA * BB
        fe_mul_a24(a, e);
        fe_add(a, a, bb);
        fe_mul(z2, e, a);           // E * (BB + 121666 E)
    }
    fe_cswap(x2, x3, swap);
    fe_cswap(z2, z3, swap);

    fe_invert(z2, z2);
    fe_mul(x2, x2, z2);
    fe_to_bytes(out, x2);

    // Scrub what depended on the secret scalar.
    mbedtls_platform_zeroize(k, sizeof(k));
    mbedtls_platform_zeroize(x2, sizeof(x2));
    mbedtls_platform_zeroize(z2, sizeof(z2));
    mbedtls_platform_zeroize(x3, sizeof(x3));
    mbedtls_platform_zeroize(z3, sizeof(z3));
}

int modssl_ecp_x25519_mul(const mbedtls_ecp_group *grp, mbedtls_ecp_point *R,
    const mbedtls_mpi *m, const mbedtls_ecp_point *P) {
    // mbedtls_ecp_check_privkey() and mbedtls_ecp_check_pubkey() have run:
    // m is a clamped 255-bit scalar (clamping again changes nothing), P's x
    // fits in 32 bytes and is not one of the low-order points.  The point
    // encoding for Montgomery curves is x alone, little-endian.
    uint8_t k[32], u[32], x[32];
    size_t ulen = 0;
    int ret = mbedtls_mpi_write_binary_le(m, k, sizeof(k));
    if (ret == 0) {
        ret = mbedtls_ecp_point_write_binary(grp, P, MBEDTLS_ECP_PF_UNCOMPRESSED, &ulen, u, sizeof(u));
    }
    if (ret == 0 && ulen != sizeof(u)) {
        ret = MBEDTLS_ERR_ECP_BAD_INPUT_DATA;
    }
    if (ret == 0) {
        modssl_x25519(x, k, u);
        // The point at infinity (x = 0 here) cannot come from the points
        // mbedtls_ecp_check_pubkey() lets through; the generic ladder would
        // fail on it when inverting Z, and so does this.
        uint8_t any = 0;
        for (size_t i = 0; i < sizeof(x); i++) {
            any |= x[i];
        }
        if (any == 0) {
            ret = MBEDTLS_ERR_MPI_NOT_ACCEPTABLE;
        }
    }
    if (ret == 0) {
        // As the generic ladder leaves R: affine x, Z = 1, no y.
        ret = mbedtls_ecp_point_read_binary(grp, R, x, sizeof(x));
    }
    mbedtls_platform_zeroize(k, sizeof(k));
    mbedtls_platform_zeroize(x, sizeof(x));
    return ret;
}

#endif // MODSSL_ECP_X25519
