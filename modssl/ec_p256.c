/*
 * P-256 for small cores, and its hooks into mbedTLS: R = m P + n Q for
 * signature verification, and R = k P for secret k (key generation, ECDSA
 * signing, ECDH).
 *
 * GF(p) is in Montgomery form over the radix-2^16 limbs and Thumb-1 products
 * of ec_x25519.c (P-256's p is -1 mod 2^96, so each Montgomery step is four
 * additions of one 16-bit digit).  The field operations are constant-time:
 * no branch or memory index depends on the values (final subtractions select
 * with masks).
 *
 * Verification (modssl_ecp_p256_muladd, patches/mbedtls/0022): mbedTLS
 * computes u1 G + u2 Q as two comb multiplications over its bignum code (the
 * second one building a comb table for Q every time), about 46 million
 * cycles on an RP2040.  Here: Jacobian coordinates and one shared chain of
 * doublings with 4-bit windows of both scalars.  The scalars and points of a
 * verification are public, so this part is NOT constant-time and must not
 * see secrets: 0022 calls it only from mbedtls_ecp_muladd(), which mbedTLS
 * documents as not for secret scalars and uses for ECDSA verification.
 *
 * Secret scalars (modssl_ecp_p256_mul, patches/mbedtls/0035): constant-time
 * k P with complete projective formulas, masked table lookups and a comb
 * table for G; see "k P for secret k" below.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdint.h>
#include <string.h>

#include "mbedtls/build_info.h"

#if defined(MODSSL_ECP_P256_MULADD)

#if defined(MODSSL_ECP_P256_MUL) && !defined(MODSSL_ECP_P256_MULADD)
#error "MODSSL_ECP_P256_MUL shares MODSSL_ECP_P256_MULADD's code: set both"
#endif

#if !defined(MODSSL_ECP_X25519)
#error "MODSSL_ECP_P256_MULADD uses ec_x25519.c's products: set MODSSL_ECP_X25519 too"
#endif

#include "mbedtls/ecp.h"
#include "mbedtls/platform.h"

#include "ec_x25519.h"
#include "ec_p256.h"

#define PE_LIMBS (16)
// An element of GF(p) in Montgomery form (x 2^256 mod p), fully reduced,
// as sixteen 16-bit limbs.
typedef uint32_t pe_t[PE_LIMBS];

// Jacobian (X / Z^2, Y / Z^3); Z = 0 is the point at infinity.
typedef struct {
    pe_t x, y, z;
} pj_t;

static const pe_t P256_P = {
    0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0, 0, 0, 0, 0, 0, 1, 0, 0xffff, 0xffff
};
// 2^512 mod p: to Montgomery form.
static const pe_t P256_R2 = {
    3, 0, 0, 0, 0xffff, 0xffff, 0xfffb, 0xffff, 0xfffe, 0xffff, 0xffff, 0xffff, 0xfffd, 0xffff, 4, 0
};
// 2^256 mod p: 1 in Montgomery form.
static const pe_t P256_ONE = {
    1, 0, 0, 0, 0, 0, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xfffe, 0xffff, 0, 0
};

// floor(c / 2^16) for a signed c: an arithmetic shift, which is what GCC
// and Clang do with >> on negative values (GCC documents it).
#define SHIFT16(c) ((c) >> 16)

// The digit loops are unrolled: their indices become load/store offsets.
#define PE_UNROLL _Pragma("GCC unroll 16")

// r = a + top 2^256, less p if that is at least p (a + top 2^256 < 2p).
static void pe_final(pe_t r, const uint32_t a[PE_LIMBS], int32_t top) {
    uint32_t s[PE_LIMBS];
    int32_t c = 0;
    PE_UNROLL
    for (int i = 0; i < PE_LIMBS; i++) {
        c += (int32_t)a[i] - (int32_t)P256_P[i];
        s[i] = (uint32_t)c & 0xffff;
        c = SHIFT16(c);
    }
    // c + top is -1 (a + top 2^256 < p: keep a) or 0 (keep s): a mask, no
    // branch, as the constant-time multiplications need.
    uint32_t keep_a = (uint32_t)SHIFT16(c + top);
    PE_UNROLL
    for (int i = 0; i < PE_LIMBS; i++) {
        r[i] = s[i] ^ ((s[i] ^ a[i]) & keep_a);
    }
}

// r = t / 2^256 mod p (Montgomery reduction).  -1/p = 1 mod 2^16, so each
// step's multiplier m is the current low digit, and m p = m (2^256 - 2^224 +
// 2^192 + 2^96 - 1) is four signed digit additions.  Digits may be up to
// 2^18 (not normalised); t < p^2.  t is used up (digits in place, signed).
static void pe_reduce(pe_t r, uint32_t t[2 * PE_LIMBS]) {
    int32_t *d = (int32_t *)t;
    int32_t carry = 0;
    PE_UNROLL
    for (int i = 0; i < PE_LIMBS; i++) {
        int32_t c = d[i] + carry;
        int32_t m = c & 0xffff;
        carry = SHIFT16(c);             // m p's -m leaves digit i at zero
        d[i + 6] += m;
        d[i + 12] += m;
        d[i + 14] -= m;
        d[i + 16] += m;
    }
    uint32_t out[PE_LIMBS];
    PE_UNROLL
    for (int i = 0; i < PE_LIMBS; i++) {
        carry += d[i + PE_LIMBS];
        out[i] = (uint32_t)carry & 0xffff;
        carry = SHIFT16(carry);
    }
    pe_final(r, out, carry);
}

static void pe_mul(pe_t r, const pe_t a, const pe_t b) {
    uint32_t t[2 * PE_LIMBS];
    modssl_fe16_mul_wide(t, a, b);
    pe_reduce(r, t);
}

static void pe_sqr(pe_t r, const pe_t a) {
    uint32_t t[2 * PE_LIMBS];
    modssl_fe16_sqr_cross(t, a);
    for (int i = 0; i < PE_LIMBS; i++) {
        uint32_t sq = a[i] * a[i];
        t[2 * i] = 2 * t[2 * i] + (sq & 0xffff);
        t[2 * i + 1] = 2 * t[2 * i + 1] + (sq >> 16);
    }
    pe_reduce(r, t);
}

static void pe_add(pe_t r, const pe_t a, const pe_t b) {
    uint32_t s[PE_LIMBS];
    uint32_t c = 0;
    PE_UNROLL
    for (int i = 0; i < PE_LIMBS; i++) {
        c += a[i] + b[i];
        s[i] = c & 0xffff;
        c >>= 16;
    }
    pe_final(r, s, (int32_t)c);
}

static void pe_sub(pe_t r, const pe_t a, const pe_t b) {
    int32_t c = 0;
    PE_UNROLL
    for (int i = 0; i < PE_LIMBS; i++) {
        c += (int32_t)a[i] - (int32_t)b[i];
        r[i] = (uint32_t)c & 0xffff;
        c = SHIFT16(c);
    }
    // c is -1 when a < b: add p back, under a mask (no branch).
    uint32_t add_p = (uint32_t)c, u = 0;
    PE_UNROLL
    for (int i = 0; i < PE_LIMBS; i++) {
        u += r[i] + (P256_P[i] & add_p);
        r[i] = u & 0xffff;
        u >>= 16;
    }
}

static int pe_is_zero(const pe_t a) {
    uint32_t any = 0;
    for (int i = 0; i < PE_LIMBS; i++) {
        any |= a[i];
    }
    return any == 0;
}

// Big-endian bytes (a value below p) to Montgomery form, and back.
static void pe_from_bytes(pe_t r, const uint8_t in[32]) {
    pe_t t;
    for (int i = 0; i < PE_LIMBS; i++) {
        t[i] = (uint32_t)in[31 - 2 * i] | (uint32_t)in[30 - 2 * i] << 8;
    }
    pe_mul(r, t, P256_R2);
}

static void pe_to_bytes(uint8_t out[32], const pe_t a) {
    static const pe_t one = { 1 };
    pe_t t;
    pe_mul(t, a, one);
    for (int i = 0; i < PE_LIMBS; i++) {
        out[31 - 2 * i] = (uint8_t)t[i];
        out[30 - 2 * i] = (uint8_t)(t[i] >> 8);
    }
}

// r = 1 / a = a^(p - 2), square and multiply (a is public here).
static void pe_invert(pe_t r, const pe_t a) {
    // p - 2 as 16-bit digits, most significant first.
    static const uint16_t e[PE_LIMBS] = {
        0xffff, 0xffff, 0x0000, 0x0001, 0, 0, 0, 0, 0, 0, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xfffd
    };
    pe_t acc;
    memcpy(acc, P256_ONE, sizeof(acc));
    for (int i = 0; i < PE_LIMBS; i++) {
        for (int bit = 15; bit >= 0; bit--) {
            pe_sqr(acc, acc);
            if ((e[i] >> bit) & 1) {
                pe_mul(acc, acc, a);
            }
        }
    }
    memcpy(r, acc, sizeof(acc));
}

static void pj_set_infinity(pj_t *r) {
    memcpy(r->x, P256_ONE, sizeof(pe_t));
    memcpy(r->y, P256_ONE, sizeof(pe_t));
    memset(r->z, 0, sizeof(pe_t));
}

// r = 2 p (dbl-2001-b, a = -3).  r may be p.  The point at infinity and
// points with y = 0 give Z3 = 2 Y Z = 0 by themselves.
static void pj_double(pj_t *r, const pj_t *p) {
    pe_t delta, gamma, beta, alpha, t1, t2;
    pe_sqr(delta, p->z);
    pe_sqr(gamma, p->y);
    pe_mul(beta, p->x, gamma);
    pe_sub(t1, p->x, delta);
    pe_add(t2, p->x, delta);
    pe_mul(t1, t1, t2);
    pe_add(alpha, t1, t1);
    pe_add(alpha, alpha, t1);           // 3 (X - delta)(X + delta)
    pe_add(t1, p->y, p->z);
    pe_sqr(t1, t1);
    pe_sub(t1, t1, gamma);
    pe_sub(r->z, t1, delta);            // (Y + Z)^2 - gamma - delta
    pe_add(beta, beta, beta);
    pe_add(beta, beta, beta);           // 4 beta
    pe_sqr(t1, alpha);
    pe_add(t2, beta, beta);
    pe_sub(r->x, t1, t2);               // alpha^2 - 8 beta
    pe_sub(t1, beta, r->x);
    pe_mul(t1, alpha, t1);
    pe_sqr(gamma, gamma);
    pe_add(gamma, gamma, gamma);
    pe_add(gamma, gamma, gamma);
    pe_add(gamma, gamma, gamma);        // 8 gamma^2
    pe_sub(r->y, t1, gamma);            // alpha (4 beta - X3) - 8 gamma^2
}

// r = a + b (add-2007-bl), with the cases the formula does not cover: either
// point at infinity, a = b (doubling) and a = -b.  r may be a or b.
static void pj_add(pj_t *r, const pj_t *a, const pj_t *b) {
    if (pe_is_zero(a->z)) {
        *r = *b;
        return;
    }
    if (pe_is_zero(b->z)) {
        *r = *a;
        return;
    }
    pe_t z1z1, z2z2, u1, u2, s1, s2, h, rr, i, j, v, t;
    pj_t out;
    pe_sqr(z1z1, a->z);
    pe_sqr(z2z2, b->z);
    pe_mul(u1, a->x, z2z2);
    pe_mul(u2, b->x, z1z1);
    pe_mul(s1, a->y, b->z);
    pe_mul(s1, s1, z2z2);
    pe_mul(s2, b->y, a->z);
    pe_mul(s2, s2, z1z1);
    pe_sub(h, u2, u1);
    pe_sub(rr, s2, s1);
    if (pe_is_zero(h)) {
        if (pe_is_zero(rr)) {
            pj_double(r, a);
        } else {
            pj_set_infinity(r);
        }
        return;
    }
    pe_add(rr, rr, rr);                 // r = 2 (S2 - S1)
    pe_add(i, h, h);
    pe_sqr(i, i);                       // I = (2 H)^2
    pe_mul(j, h, i);                    // J = H I
    pe_mul(v, u1, i);                   // V = U1 I
    pe_add(t, a->z, b->z);
    pe_sqr(t, t);
    pe_sub(t, t, z1z1);
    pe_sub(t, t, z2z2);
    pe_mul(out.z, t, h);                // ((Z1 + Z2)^2 - Z1Z1 - Z2Z2) H
    pe_sqr(out.x, rr);
    pe_sub(out.x, out.x, j);
    pe_sub(out.x, out.x, v);
    pe_sub(out.x, out.x, v);            // r^2 - J - 2 V
    pe_sub(t, v, out.x);
    pe_mul(t, rr, t);
    pe_mul(s1, s1, j);
    pe_add(s1, s1, s1);
    pe_sub(out.y, t, s1);               // r (V - X3) - 2 S1 J
    *r = out;
}

// A table entry: the limbs as 16 bits, half a pj_t.
typedef struct {
    uint16_t x[PE_LIMBS], y[PE_LIMBS], z[PE_LIMBS];
} pj16_t;

static void pj_pack(pj16_t *d, const pj_t *s) {
    for (int i = 0; i < PE_LIMBS; i++) {
        d->x[i] = (uint16_t)s->x[i];
        d->y[i] = (uint16_t)s->y[i];
        d->z[i] = (uint16_t)s->z[i];
    }
}

static void pj_unpack(pj_t *d, const pj16_t *s) {
    for (int i = 0; i < PE_LIMBS; i++) {
        d->x[i] = s->x[i];
        d->y[i] = s->y[i];
        d->z[i] = s->z[i];
    }
}

// tab[k - 1] = k p for k = 1..15.
static void pj_table(pj16_t tab[15], const pj_t *p) {
    pj_t prev = *p, cur;
    pj_pack(&tab[0], p);
    for (int k = 2; k < 16; k++) {
        if (k % 2 == 0) {
            pj_unpack(&cur, &tab[k / 2 - 1]);
            pj_double(&cur, &cur);
        } else {
            pj_add(&cur, &prev, p);
        }
        pj_pack(&tab[k - 1], &cur);
        prev = cur;
    }
}

static void pj_from_bytes(pj_t *r, const uint8_t xy[64]) {
    pe_from_bytes(r->x, xy);
    pe_from_bytes(r->y, xy + 32);
    memcpy(r->z, P256_ONE, sizeof(pe_t));
}

int modssl_p256_muladd_raw(uint8_t out[64], const uint8_t m[32], const uint8_t p[64],
    const uint8_t n[32], const uint8_t q[64]) {
    pj16_t *tab = mbedtls_calloc(2 * 15, sizeof(pj16_t));  // 2.8 KiB: not on the stack
    if (tab == NULL) {
        return -1;
    }
    pj_t pt;
    pj_from_bytes(&pt, p);
    pj_table(tab, &pt);
    pj_from_bytes(&pt, q);
    pj_table(tab + 15, &pt);

    pj_t acc;
    pj_set_infinity(&acc);
    for (int w = 0; w < 64; w++) {      // 4-bit windows, most significant first
        if (!pe_is_zero(acc.z)) {
            for (int k = 0; k < 4; k++) {
                pj_double(&acc, &acc);
            }
        }
        int shift = (w & 1) ? 0 : 4;
        unsigned wm = (m[w / 2] >> shift) & 15, wn = (n[w / 2] >> shift) & 15;
        if (wm) {
            pj_unpack(&pt, &tab[wm - 1]);
            pj_add(&acc, &acc, &pt);
        }
        if (wn) {
            pj_unpack(&pt, &tab[15 + wn - 1]);
            pj_add(&acc, &acc, &pt);
        }
    }
    mbedtls_free(tab);
    if (pe_is_zero(acc.z)) {
        return 1;
    }
    pe_t zi, zi2;
    pe_invert(zi, acc.z);
    pe_sqr(zi2, zi);
    pe_mul(acc.x, acc.x, zi2);
    pe_mul(zi2, zi2, zi);
    pe_mul(acc.y, acc.y, zi2);
    pe_to_bytes(out, acc.x);
    pe_to_bytes(out + 32, acc.y);
    return 0;
}

#if defined(MODSSL_ECP_P256_MUL)

// k P for secret k: key generation, ECDSA signing and ECDH.
//
// Constant time: the field operations above have no branches and no
// data-dependent indices (pe_final and pe_sub select with masks; the
// products are fixed sequences of loads, multiplies and adds); the points
// are homogeneous projective (X : Y : Z), x = X / Z, y = Y / Z, added and
// doubled with the complete formulas of Renes, Costello and Batina
// ("Complete addition formulas for prime order elliptic curves", EUROCRYPT
// 2016, algorithms 4 and 6 for a = -3), which are right for every pair of
// inputs, the point at infinity (0 : 1 : 0) and P + P and P + (-P)
// included, so no case is ever told apart.  The scalar is read in 65 signed
// 4-bit digits in [-8, 8] (Booth recoding), one table entry taken per digit
// by scanning all entries under masks and negated under a mask: a fixed
// sequence of 256 doublings and 65 additions whatever the scalar.  The four
// doublings between additions run in Jacobian coordinates (pj_double, which
// has no exceptional case on P-256: see pp_to_jacobian): k P costs a fifth
// less than with the complete doubling.

// 2^256 b mod p: the curve's b in Montgomery form.
static const pe_t P256_B = {
    0xbddf, 0x29c4, 0xdf62, 0xd89c, 0x3090, 0x7884, 0x05cd, 0xacf0,
    0x2ed6, 0xf721, 0x20ab, 0xe5a2, 0x4834, 0x0487, 0x061d, 0xdc30
};

// The comb table for k G: entry c - 1 (c = 1..15) is the affine point
// c0 G + c1 2^64 G + c2 2^128 G + c3 2^192 G (c = c0 + 2 c1 + 4 c2 + 8 c3),
// x then y in Montgomery form, 16-bit limbs, least significant first.
// 960 bytes of flash; k G then costs 64 doublings and 64 additions (with
// Z = 1) instead of 256 and 65.  Computed with `cryptography`; every entry
// is checked by host_tests/test_p256.py's public keys and signatures.
typedef struct {
    uint16_t x[PE_LIMBS], y[PE_LIMBS];
} pa16_t;
static const pa16_t P256_COMB[15] = {
    {   { 0x143c, 0x18a9, 0x30d4, 0x79e7, 0xb601, 0x5fed, 0x95fc, 0x75ba,
          0x2510, 0x7762, 0x732b, 0x79fb, 0x55c6, 0xa537, 0x5f76, 0x1890 },
        { 0x560a, 0xce95, 0x5357, 0xddf2, 0xe45c, 0xba19, 0xb8e4, 0x8b4a,
          0xf325, 0xdd21, 0x8688, 0xd2e8, 0x5d85, 0x2588, 0xff18, 0x8571 } },
    {   { 0xd2bb, 0x16a0, 0x2fc5, 0x4f92, 0x3499, 0x1a62, 0xc16c, 0x0d5c,
          0x2c8b, 0x57c6, 0xcf3a, 0x9241, 0x667f, 0xfd1b, 0x6961, 0x2f5e },
        { 0x1797, 0xf5a0, 0xc70b, 0x5c15, 0x6192, 0x6095, 0xb44d, 0x3d20,
          0xdb52, 0x071f, 0x1b37, 0x0491, 0x0f7b, 0x8d6f, 0xf916, 0xf648 } },
    {   { 0xbbbc, 0xe137, 0x6847, 0x9e56, 0x0bec, 0x8a6a, 0x469e, 0xe434,
          0x3463, 0x79d7, 0x2761, 0xb1c4, 0x0015, 0x133d, 0x0285, 0x5abe },
        { 0x7dab, 0xc04c, 0x837c, 0x92aa, 0x0c07, 0x4326, 0x9f4c, 0x573d,
          0xcc37, 0x78e6, 0x1562, 0x0c93, 0x7383, 0x6b6f, 0x725b, 0x94bb } },
    {   { 0x0925, 0xbfe2, 0xc244, 0x62a8, 0xe867, 0x8fdc, 0x9ac3, 0x91c1,
          0x7063, 0xdd38, 0xa5d5, 0x5a96, 0x24f6, 0x21d3, 0x87d4, 0x61d5 },
        { 0x73ea, 0xa371, 0x73a2, 0xe876, 0x8b65, 0x5377, 0x8008, 0x2384,
          0xb43e, 0x05ba, 0x441e, 0x10f8, 0xefbe, 0x4621, 0xfe12, 0xfa11 } },
    {   { 0x9ffd, 0x2cb1, 0x1f2b, 0x1c89, 0x3c23, 0xb192, 0x8d5b, 0x01ba,
          0xca8e, 0x8ac5, 0x3d67, 0xb6d0, 0xbedc, 0x1f13, 0xb04c, 0x586e },
        { 0xed09, 0x27e8, 0xc6e5, 0x0c35, 0xede2, 0x1819, 0xa33c, 0x1e81,
          0x52fa, 0x56c6, 0xd6c0, 0x278f, 0x4f11, 0x7086, 0xac08, 0x19d5 } },
    {   { 0x33d5, 0xd2b5, 0x7734, 0x6257, 0xddc0, 0xa1bd, 0x8af6, 0x673b,
          0xc293, 0xa79e, 0x7c9a, 0x577e, 0x66b1, 0xc3b2, 0xe651, 0xbb6d },
        { 0x59b3, 0xb652, 0x303a, 0xe7e9, 0x7480, 0xd03a, 0xafd3, 0xd6a0,
          0xfc27, 0x9b3c, 0x83d1, 0xc5ac, 0xb99b, 0x5d18, 0x619a, 0x60b4 } },
    {   { 0xaa1c, 0x1ae5, 0x38e1, 0xbd6a, 0x3658, 0x49e7, 0x652b, 0xb8b7,
          0x87ed, 0xee5f, 0x0014, 0x0b13, 0xffcd, 0xaeeb, 0x27b2, 0x9d0f },
        { 0x0a55, 0x7a73, 0x4631, 0xca92, 0xc83a, 0xddbb, 0x5b2f, 0x9c95,
          0x9a71, 0xac01, 0xdfe0, 0x07c1, 0xc48d, 0x356e, 0x566d, 0x244a } },
    {   { 0xb16a, 0xf4f8, 0x410e, 0x56f8, 0x266a, 0xc47b, 0x1afe, 0x9724,
          0x87c1, 0x6d9c, 0x6b8e, 0x0a40, 0xab1b, 0xcd42, 0x3e02, 0x803f },
        { 0xec69, 0x04db, 0x09a8, 0x7f03, 0xd05f, 0x3bba, 0x85f7, 0xa83b,
          0x197f, 0xad8e, 0x7273, 0xc609, 0xadc1, 0x5067, 0x440e, 0xc097 } },
    {   { 0xab34, 0xc379, 0x56f2, 0x846a, 0xf8d1, 0x841d, 0x068b, 0xa8ee,
          0x68ef, 0x176c, 0x4459, 0x2031, 0x1f30, 0x915f, 0x32d5, 0xf1af },
        { 0xbd50, 0x5d75, 0x7531, 0x99c3, 0x67bc, 0xf72f, 0xffba, 0x837c,
          0x723f, 0x48d7, 0xa418, 0x0613, 0x1c8b, 0xe2d4, 0xf130, 0x23d0 } },
    {   { 0x5a2b, 0xd5be, 0xe225, 0xed93, 0xf3c6, 0x5934, 0x9983, 0x6fe7,
          0x6ffc, 0x2262, 0x0926, 0x4314, 0x216a, 0x7990, 0xb4d9, 0x50bb },
        { 0xc63e, 0xe57e, 0x91c6, 0x3781, 0xcdb2, 0x181d, 0x2c40, 0x6542,
          0xe0f6, 0x0236, 0x099b, 0x41a8, 0x49c3, 0x01fe, 0x0118, 0x2b10 } },
    {   { 0x1593, 0x9b39, 0xb5c5, 0xfc68, 0x70fc, 0x5982, 0xf5a2, 0xc385,
          0xdcbb, 0xd19a, 0xf3aa, 0x7144, 0xae0c, 0x83fb, 0x8999, 0xdd55 },
        { 0x2ff4, 0x74b8, 0x8b8e, 0x93b8, 0x34c9, 0x71e7, 0x3c40, 0xd2e0,
          0x322a, 0x43c0, 0x9eaf, 0x9a7a, 0x6041, 0x149d, 0xc551, 0xe6e4 } },
    {   { 0x21fe, 0x80ec, 0x4bfe, 0x5fe1, 0xbe82, 0xc255, 0x116a, 0xf6ce,
          0x5d67, 0x2f4a, 0x5a07, 0x98bc, 0x63af, 0xdb7e, 0x7148, 0xfad2 },
        { 0x05b3, 0x29ab, 0xb6ac, 0x90c0, 0x1ae6, 0x4e25, 0xa83c, 0x37a9,
          0xde7d, 0xc2aa, 0xc875, 0x0a7d, 0x1a84, 0x9f0e, 0x7de3, 0x7738 } },
    {   { 0x0dd7, 0xa56c, 0xcc49, 0x1e9e, 0x6c74, 0x4608, 0xfcd8, 0xa5cf,
          0xaece, 0xf505, 0x1408, 0x8f7a, 0xc47e, 0xbef0, 0x85c0, 0xb37b },
        { 0x6a8f, 0xcc0e, 0xb6e4, 0x3596, 0x8f23, 0x6b38, 0x4bbf, 0xfd6d,
          0xef4e, 0xc39c, 0x53fa, 0xaba4, 0x28d5, 0xf9f6, 0x5ac8, 0x9c13 } },
    {   { 0xf8be, 0x95c8, 0x7294, 0x0a1c, 0x62bf, 0x3bf3, 0xc480, 0x2961,
          0xd4ac, 0xdf63, 0x8403, 0x9e41, 0xe900, 0x91ec, 0xf9cb, 0xc109 },
        { 0x5705, 0x5894, 0x95d0, 0xc2d0, 0x85c0, 0xddeb, 0x3d96, 0xb908,
          0x449b, 0x7a40, 0x2b8d, 0x8469, 0x1ee1, 0x2eee, 0x344f, 0x9bc3 } },
    {   { 0x3074, 0x4291, 0xe356, 0x0d5a, 0x42b1, 0x48a5, 0x1b27, 0x5549,
          0x732a, 0xb310, 0xa665, 0x469c, 0x4cc1, 0x5f1a, 0x1d52, 0x2959 },
        { 0x983f, 0xb84f, 0x5b6b, 0xe76f, 0x84e1, 0x9f5f, 0xef41, 0xbe7e,
          0xa189, 0x80ba, 0xd496, 0x1200, 0x332c, 0x18ef, 0x551f, 0x6376 } },
};

// r = a + b (RCB algorithm 4, a = -3): complete.  r may be a or b.
static void pp_add(pj_t *r, const pj_t *a, const pj_t *b) {
    pe_t t0, t1, t2, t3, t4, x3, y3, z3;
    pe_mul(t0, a->x, b->x);
    pe_mul(t1, a->y, b->y);
    pe_mul(t2, a->z, b->z);
    pe_add(t3, a->x, a->y);
    pe_add(t4, b->x, b->y);
    pe_mul(t3, t3, t4);
    pe_add(t4, t0, t1);
    pe_sub(t3, t3, t4);
    pe_add(t4, a->y, a->z);
    pe_add(x3, b->y, b->z);
    pe_mul(t4, t4, x3);
    pe_add(x3, t1, t2);
    pe_sub(t4, t4, x3);
    pe_add(x3, a->x, a->z);
    pe_add(y3, b->x, b->z);
    pe_mul(x3, x3, y3);
    pe_add(y3, t0, t2);
    pe_sub(y3, x3, y3);
    pe_mul(z3, P256_B, t2);
    pe_sub(x3, y3, z3);
    pe_add(z3, x3, x3);
    pe_add(x3, x3, z3);
    pe_sub(z3, t1, x3);
    pe_add(x3, t1, x3);
    pe_mul(y3, P256_B, y3);
    pe_add(t1, t2, t2);
    pe_add(t2, t1, t2);
    pe_sub(y3, y3, t2);
    pe_sub(y3, y3, t0);
    pe_add(t1, y3, y3);
    pe_add(y3, t1, y3);
    pe_add(t1, t0, t0);
    pe_add(t0, t1, t0);
    pe_sub(t0, t0, t2);
    pe_mul(t1, t4, y3);
    pe_mul(t2, t0, y3);
    pe_mul(y3, x3, z3);
    pe_add(r->y, y3, t2);
    pe_mul(x3, t3, x3);
    pe_sub(r->x, x3, t1);
    pe_mul(z3, t4, z3);
    pe_mul(t1, t3, t0);
    pe_add(r->z, z3, t1);
}

// r = 2 a (RCB algorithm 6, a = -3): complete.  r may be a.
static void pp_double(pj_t *r, const pj_t *a) {
    pe_t t0, t1, t2, t3, x3, y3, z3;
    pe_sqr(t0, a->x);
    pe_sqr(t1, a->y);
    pe_sqr(t2, a->z);
    pe_mul(t3, a->x, a->y);
    pe_add(t3, t3, t3);
    pe_mul(z3, a->x, a->z);
    pe_add(z3, z3, z3);
    pe_mul(y3, P256_B, t2);
    pe_sub(y3, y3, z3);
    pe_add(x3, y3, y3);
    pe_add(y3, x3, y3);
    pe_sub(x3, t1, y3);
    pe_add(y3, t1, y3);
    pe_mul(y3, x3, y3);
    pe_mul(x3, x3, t3);
    pe_add(t3, t2, t2);
    pe_add(t2, t2, t3);
    pe_mul(z3, P256_B, z3);
    pe_sub(z3, z3, t2);
    pe_sub(z3, z3, t0);
    pe_add(t3, z3, z3);
    pe_add(z3, z3, t3);
    pe_add(t3, t0, t0);
    pe_add(t0, t3, t0);
    pe_sub(t0, t0, t2);
    pe_mul(t0, t0, z3);
    pe_add(y3, y3, t0);
    pe_mul(t0, a->y, a->z);             // the last read of a: r may be a
    pe_add(t0, t0, t0);
    pe_mul(z3, t0, z3);
    pe_sub(r->x, x3, z3);
    memcpy(r->y, y3, sizeof(pe_t));
    pe_mul(z3, t0, t1);
    pe_add(z3, z3, z3);
    pe_add(r->z, z3, z3);
}

// All ones when a == b (both below 2^16), else 0: no branch.
static uint32_t ct_eq_mask(uint32_t a, uint32_t b) {
    return (uint32_t)((int32_t)((a ^ b) - 1) >> 31);
}

// r = d P for a digit d in [-8, 8], tab[j] = (j + 1) P: every entry is read,
// the one wanted kept under a mask; d = 0 leaves the point at infinity.
static void pp_lookup(pj_t *r, const pj16_t tab[8], int32_t d) {
    uint32_t neg = (uint32_t)(d >> 31);             // all ones when d < 0
    uint32_t idx = ((uint32_t)d ^ neg) - neg;       // |d|
    memset(r, 0, sizeof(*r));
    memcpy(r->y, P256_ONE, sizeof(pe_t));           // (0 : 1 : 0)
    for (uint32_t j = 0; j < 8; j++) {
        uint32_t take = ct_eq_mask(idx, j + 1);
        for (int i = 0; i < PE_LIMBS; i++) {
            r->x[i] |= tab[j].x[i] & take;
            r->y[i] ^= (r->y[i] ^ tab[j].y[i]) & take;
            r->z[i] |= tab[j].z[i] & take;
        }
    }
    pe_t zero, y;
    memset(zero, 0, sizeof(zero));
    pe_sub(y, zero, r->y);                          // -P = (X : -Y : Z)
    for (int i = 0; i < PE_LIMBS; i++) {
        r->y[i] ^= (r->y[i] ^ y[i]) & neg;
    }
}

// Projective (X : Y : Z) to Jacobian (X Z : Y Z^2 : Z) and back ((X Z : Y :
// Z^3)), for the doublings, which are cheaper in Jacobian coordinates
// (pj_double: no exceptional case on P-256, whose points all have y != 0, and
// the point at infinity stays (0 : Y : 0) with Y != 0).  The point at
// infinity (0 : Y : 0) must keep its Y going to Jacobian: kept under a mask.
static void pp_to_jacobian(pj_t *a) {
    pe_t z2, y;
    pe_sqr(z2, a->z);
    pe_mul(a->x, a->x, a->z);
    pe_mul(y, a->y, z2);
    uint32_t any = 0;
    for (int i = 0; i < PE_LIMBS; i++) {
        any |= a->z[i];
    }
    uint32_t keep = ct_eq_mask(any, 0);
    for (int i = 0; i < PE_LIMBS; i++) {
        a->y[i] = y[i] ^ ((y[i] ^ a->y[i]) & keep);
    }
}

static void pj_to_projective(pj_t *a) {
    pe_t z2;
    pe_mul(a->x, a->x, a->z);
    pe_sqr(z2, a->z);
    pe_mul(a->z, z2, a->z);
}

// Digit i of the scalar's signed radix-16 form (i = 0..64, least significant
// first): -8 b(4i+3) + 4 b(4i+2) + 2 b(4i+1) + b(4i) + b(4i-1), bits of the
// big-endian k (b(-1) = b(256..) = 0).  Bit positions are public.
static int32_t scalar_digit(const uint8_t k[32], int i) {
    uint32_t w = 0;
    for (int j = 4; j >= 0; j--) {
        int bit = 4 * i - 1 + j;
        uint32_t b = (bit >= 0 && bit < 256) ? (k[31 - bit / 8] >> (bit % 8)) & 1 : 0;
        w = (w << 1) | b;
    }
    return (int32_t)((w + 1) >> 1) - (int32_t)((w >> 4) << 4);
}

// out = the affine x || y of a (big-endian); 1 for the point at infinity
// (k = 0 mod n).  a is scrubbed.
static int pp_finish(uint8_t out[64], pj_t *a) {
    int ret = 1;
    if (!pe_is_zero(a->z)) {
        pe_t zi;
        pe_invert(zi, a->z);
        pe_mul(a->x, a->x, zi);
        pe_mul(a->y, a->y, zi);
        pe_to_bytes(out, a->x);
        pe_to_bytes(out + 32, a->y);
        ret = 0;
    }
    mbedtls_platform_zeroize(a, sizeof(*a));
    return ret;
}

// r = k G with the comb table: column j of the scalar (bits j, 64 + j,
// 128 + j, 192 + j) picks an entry, read by scanning all fifteen under
// masks; a zero column adds nothing (the sum is computed all the same, with
// the (0, 0) the scan left, and dropped under a mask).
static void pp_mul_base(pj_t *r, const uint8_t k[32]) {
    pj_t sum, pt;
    pj_set_infinity(r);
    memset(r->x, 0, sizeof(pe_t));                  // (0 : 1 : 0)
    memcpy(pt.z, P256_ONE, sizeof(pe_t));
    for (int j = 63; j >= 0; j--) {
        uint32_t c = 0;
        for (int t = 3; t >= 0; t--) {
            int bit = 64 * t + j;
            c = (c << 1) | ((k[31 - bit / 8] >> (bit % 8)) & 1);
        }
        memset(pt.x, 0, sizeof(pe_t));
        memset(pt.y, 0, sizeof(pe_t));
        for (uint32_t e = 0; e < 15; e++) {
            uint32_t take = ct_eq_mask(c, e + 1);
            for (int i = 0; i < PE_LIMBS; i++) {
                pt.x[i] |= P256_COMB[e].x[i] & take;
                pt.y[i] |= P256_COMB[e].y[i] & take;
            }
        }
        pp_double(r, r);
        pp_add(&sum, r, &pt);
        uint32_t keep = ct_eq_mask(c, 0);
        for (int i = 0; i < PE_LIMBS; i++) {
            r->x[i] = sum.x[i] ^ ((sum.x[i] ^ r->x[i]) & keep);
            r->y[i] = sum.y[i] ^ ((sum.y[i] ^ r->y[i]) & keep);
            r->z[i] = sum.z[i] ^ ((sum.z[i] ^ r->z[i]) & keep);
        }
    }
    mbedtls_platform_zeroize(&sum, sizeof(sum));
    mbedtls_platform_zeroize(&pt, sizeof(pt));
}

int modssl_p256_mul_raw(uint8_t out[64], const uint8_t k[32], const uint8_t p[64]) {
    pj_t pt, acc;
    if (p == NULL) {
        pp_mul_base(&acc, k);
        return pp_finish(out, &acc);
    }
    pj_from_bytes(&pt, p);
    // The point must be on the curve: y^2 = x^3 - 3 x + b (public data).
    pe_t lhs, rhs, t;
    pe_sqr(lhs, pt.y);
    pe_sqr(rhs, pt.x);
    pe_mul(rhs, rhs, pt.x);
    pe_add(t, pt.x, pt.x);
    pe_add(t, t, pt.x);
    pe_sub(rhs, rhs, t);
    pe_add(rhs, rhs, P256_B);
    pe_sub(t, lhs, rhs);
    if (!pe_is_zero(t)) {
        return -2;
    }
    pj16_t *tab = mbedtls_calloc(8, sizeof(pj16_t));    // 768 bytes
    if (tab == NULL) {
        return -1;
    }
    // tab[j] = (j + 1) P: no exceptional case can arise (complete formulas).
    pj_pack(&tab[0], &pt);
    acc = pt;
    for (int j = 1; j < 8; j++) {
        pp_add(&acc, &acc, &pt);
        pj_pack(&tab[j], &acc);
    }
    pp_lookup(&acc, tab, scalar_digit(k, 64));
    for (int i = 63; i >= 0; i--) {
        pp_to_jacobian(&acc);
        for (int d = 0; d < 4; d++) {
            pj_double(&acc, &acc);
        }
        pj_to_projective(&acc);
        pp_lookup(&pt, tab, scalar_digit(k, i));
        pp_add(&acc, &acc, &pt);
    }
    mbedtls_platform_zeroize(tab, 8 * sizeof(pj16_t));
    mbedtls_free(tab);
    mbedtls_platform_zeroize(&pt, sizeof(pt));
    return pp_finish(out, &acc);
}

int modssl_ecp_p256_mul(const mbedtls_ecp_group *grp, mbedtls_ecp_point *R,
    const mbedtls_mpi *m, const mbedtls_ecp_point *P) {
    // mbedTLS has checked m (1 <= m < N: mbedtls_ecp_check_privkey) and P
    // (a finite point on the curve with coordinates below p, Z = 1:
    // mbedtls_ecp_check_pubkey) before this is called.
    uint8_t k[32], pb[65], out[65];
    size_t len = 0;
    int ret = mbedtls_mpi_write_binary(m, k, sizeof(k));
    int is_g = mbedtls_ecp_point_cmp(P, &grp->G) == 0;
    if (ret == 0 && !is_g) {
        ret = mbedtls_ecp_point_write_binary(grp, P, MBEDTLS_ECP_PF_UNCOMPRESSED, &len, pb, sizeof(pb));
    }
    if (ret == 0) {
        int r = modssl_p256_mul_raw(out + 1, k, is_g ? NULL : pb + 1);
        ret = r == 0 ? 0 : r == -1 ? MBEDTLS_ERR_ECP_ALLOC_FAILED : MBEDTLS_ERR_ECP_INVALID_KEY;
    }
    if (ret == 0) {
        // As mbedTLS leaves R: affine, Z = 1.
        out[0] = 0x04;
        ret = mbedtls_ecp_point_read_binary(grp, R, out, sizeof(out));
    }
    mbedtls_platform_zeroize(k, sizeof(k));
    mbedtls_platform_zeroize(out, sizeof(out));
    return ret;
}

#endif // MODSSL_ECP_P256_MUL

int modssl_ecp_p256_muladd(mbedtls_ecp_group *grp, mbedtls_ecp_point *R,
    const mbedtls_mpi *m, const mbedtls_ecp_point *P,
    const mbedtls_mpi *n, const mbedtls_ecp_point *Q) {
    // Scalars outside [0, N) (mbedTLS takes -1 too) stay with mbedTLS.
    if (mbedtls_mpi_cmp_int(m, 0) < 0 || mbedtls_mpi_cmp_mpi(m, &grp->N) >= 0 ||
        mbedtls_mpi_cmp_int(n, 0) < 0 || mbedtls_mpi_cmp_mpi(n, &grp->N) >= 0) {
        return MODSSL_ECP_P256_GENERIC;
    }
    // As mbedTLS's own muladd: both points must be valid public keys.
    int ret = mbedtls_ecp_check_pubkey(grp, P);
    if (ret == 0) {
        ret = mbedtls_ecp_check_pubkey(grp, Q);
    }
    uint8_t pb[65], qb[65], mb[32], nb[32], out[65];
    size_t len;
    if (ret == 0) {
        ret = mbedtls_ecp_point_write_binary(grp, P, MBEDTLS_ECP_PF_UNCOMPRESSED, &len, pb, sizeof(pb));
    }
    if (ret == 0) {
        ret = mbedtls_ecp_point_write_binary(grp, Q, MBEDTLS_ECP_PF_UNCOMPRESSED, &len, qb, sizeof(qb));
    }
    if (ret == 0) {
        ret = mbedtls_mpi_write_binary(m, mb, sizeof(mb));
    }
    if (ret == 0) {
        ret = mbedtls_mpi_write_binary(n, nb, sizeof(nb));
    }
    if (ret != 0) {
        return ret;
    }
    int r = modssl_p256_muladd_raw(out + 1, mb, pb + 1, nb, qb + 1);
    if (r < 0) {
        return MBEDTLS_ERR_ECP_ALLOC_FAILED;
    }
    if (r == 1) {
        return mbedtls_ecp_set_zero(R);
    }
    out[0] = 0x04;
    return mbedtls_ecp_point_read_binary(grp, R, out, sizeof(out));
}

#endif // MODSSL_ECP_P256_MULADD
