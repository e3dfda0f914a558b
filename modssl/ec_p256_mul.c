/*
 * P-256 k P for secret k (key generation, ECDSA signing, ECDH), constant
 * time, and its hook into mbedTLS (patches/mbedtls/0035).  The field and
 * Jacobian arithmetic is ec_p256.c's (ec_p256_field.h).
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdint.h>
#include <string.h>

#include "mbedtls/build_info.h"

#if defined(MODSSL_ECP_P256_MUL)

#if !defined(MODSSL_ECP_P256_MULADD)
#error "MODSSL_ECP_P256_MUL shares MODSSL_ECP_P256_MULADD's code: set both"
#endif

#include "mbedtls/ecp.h"
#include "mbedtls/platform.h"

#include "ec_p256.h"
#include "ec_p256_field.h"

// k P for secret k: key generation, ECDSA signing and ECDH.
//
// Constant time: the field operations above have no branches and no
// data-dependent indices (p256_pe_final and p256_pe_sub select with masks; the
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
// doublings between additions run in Jacobian coordinates (p256_pj_double, which
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
    p256_pe_mul(t0, a->x, b->x);
    p256_pe_mul(t1, a->y, b->y);
    p256_pe_mul(t2, a->z, b->z);
    p256_pe_add(t3, a->x, a->y);
    p256_pe_add(t4, b->x, b->y);
    p256_pe_mul(t3, t3, t4);
    p256_pe_add(t4, t0, t1);
    p256_pe_sub(t3, t3, t4);
    p256_pe_add(t4, a->y, a->z);
    p256_pe_add(x3, b->y, b->z);
    p256_pe_mul(t4, t4, x3);
    p256_pe_add(x3, t1, t2);
    p256_pe_sub(t4, t4, x3);
    p256_pe_add(x3, a->x, a->z);
    p256_pe_add(y3, b->x, b->z);
    p256_pe_mul(x3, x3, y3);
    p256_pe_add(y3, t0, t2);
    p256_pe_sub(y3, x3, y3);
    p256_pe_mul(z3, P256_B, t2);
    p256_pe_sub(x3, y3, z3);
    p256_pe_add(z3, x3, x3);
    p256_pe_add(x3, x3, z3);
    p256_pe_sub(z3, t1, x3);
    p256_pe_add(x3, t1, x3);
    p256_pe_mul(y3, P256_B, y3);
    p256_pe_add(t1, t2, t2);
    p256_pe_add(t2, t1, t2);
    p256_pe_sub(y3, y3, t2);
    p256_pe_sub(y3, y3, t0);
    p256_pe_add(t1, y3, y3);
    p256_pe_add(y3, t1, y3);
    p256_pe_add(t1, t0, t0);
    p256_pe_add(t0, t1, t0);
    p256_pe_sub(t0, t0, t2);
    p256_pe_mul(t1, t4, y3);
    p256_pe_mul(t2, t0, y3);
    p256_pe_mul(y3, x3, z3);
    p256_pe_add(r->y, y3, t2);
    p256_pe_mul(x3, t3, x3);
    p256_pe_sub(r->x, x3, t1);
    p256_pe_mul(z3, t4, z3);
    p256_pe_mul(t1, t3, t0);
    p256_pe_add(r->z, z3, t1);
}

// r = 2 a (RCB algorithm 6, a = -3): complete.  r may be a.
static void pp_double(pj_t *r, const pj_t *a) {
    pe_t t0, t1, t2, t3, x3, y3, z3;
    p256_pe_sqr(t0, a->x);
    p256_pe_sqr(t1, a->y);
    p256_pe_sqr(t2, a->z);
    p256_pe_mul(t3, a->x, a->y);
    p256_pe_add(t3, t3, t3);
    p256_pe_mul(z3, a->x, a->z);
    p256_pe_add(z3, z3, z3);
    p256_pe_mul(y3, P256_B, t2);
    p256_pe_sub(y3, y3, z3);
    p256_pe_add(x3, y3, y3);
    p256_pe_add(y3, x3, y3);
    p256_pe_sub(x3, t1, y3);
    p256_pe_add(y3, t1, y3);
    p256_pe_mul(y3, x3, y3);
    p256_pe_mul(x3, x3, t3);
    p256_pe_add(t3, t2, t2);
    p256_pe_add(t2, t2, t3);
    p256_pe_mul(z3, P256_B, z3);
    p256_pe_sub(z3, z3, t2);
    p256_pe_sub(z3, z3, t0);
    p256_pe_add(t3, z3, z3);
    p256_pe_add(z3, z3, t3);
    p256_pe_add(t3, t0, t0);
    p256_pe_add(t0, t3, t0);
    p256_pe_sub(t0, t0, t2);
    p256_pe_mul(t0, t0, z3);
    p256_pe_add(y3, y3, t0);
    p256_pe_mul(t0, a->y, a->z);             // the last read of a: r may be a
    p256_pe_add(t0, t0, t0);
    p256_pe_mul(z3, t0, z3);
    p256_pe_sub(r->x, x3, z3);
    memcpy(r->y, y3, sizeof(pe_t));
    p256_pe_mul(z3, t0, t1);
    p256_pe_add(z3, z3, z3);
    p256_pe_add(r->z, z3, z3);
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
    memcpy(r->y, p256_one, sizeof(pe_t));           // (0 : 1 : 0)
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
    p256_pe_sub(y, zero, r->y);                          // -P = (X : -Y : Z)
    for (int i = 0; i < PE_LIMBS; i++) {
        r->y[i] ^= (r->y[i] ^ y[i]) & neg;
    }
}

// Projective (X : Y : Z) to Jacobian (X Z : Y Z^2 : Z) and back ((X Z : Y :
// Z^3)), for the doublings, which are cheaper in Jacobian coordinates
// (p256_pj_double: no exceptional case on P-256, whose points all have y != 0, and
// the point at infinity stays (0 : Y : 0) with Y != 0).  The point at
// infinity (0 : Y : 0) must keep its Y going to Jacobian: kept under a mask.
static void pp_to_jacobian(pj_t *a) {
    pe_t z2, y;
    p256_pe_sqr(z2, a->z);
    p256_pe_mul(a->x, a->x, a->z);
    p256_pe_mul(y, a->y, z2);
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
    p256_pe_mul(a->x, a->x, a->z);
    p256_pe_sqr(z2, a->z);
    p256_pe_mul(a->z, z2, a->z);
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
    if (!p256_pe_is_zero(a->z)) {
        pe_t zi;
        p256_pe_invert(zi, a->z);
        p256_pe_mul(a->x, a->x, zi);
        p256_pe_mul(a->y, a->y, zi);
        p256_pe_to_bytes(out, a->x);
        p256_pe_to_bytes(out + 32, a->y);
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
    p256_pj_set_infinity(r);
    memset(r->x, 0, sizeof(pe_t));                  // (0 : 1 : 0)
    memcpy(pt.z, p256_one, sizeof(pe_t));
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
    p256_pj_from_bytes(&pt, p);
    // The point must be on the curve: y^2 = x^3 - 3 x + b (public data).
    pe_t lhs, rhs, t;
    p256_pe_sqr(lhs, pt.y);
    p256_pe_sqr(rhs, pt.x);
    p256_pe_mul(rhs, rhs, pt.x);
    p256_pe_add(t, pt.x, pt.x);
    p256_pe_add(t, t, pt.x);
    p256_pe_sub(rhs, rhs, t);
    p256_pe_add(rhs, rhs, P256_B);
    p256_pe_sub(t, lhs, rhs);
    if (!p256_pe_is_zero(t)) {
        return -2;
    }
    pj16_t *tab = mbedtls_calloc(8, sizeof(pj16_t));    // 768 bytes
    if (tab == NULL) {
        return -1;
    }
    // tab[j] = (j + 1) P: no exceptional case can arise (complete formulas).
    p256_pj_pack(&tab[0], &pt);
    acc = pt;
    for (int j = 1; j < 8; j++) {
        pp_add(&acc, &acc, &pt);
        p256_pj_pack(&tab[j], &acc);
    }
    pp_lookup(&acc, tab, scalar_digit(k, 64));
    for (int i = 63; i >= 0; i--) {
        pp_to_jacobian(&acc);
        for (int d = 0; d < 4; d++) {
            p256_pj_double(&acc, &acc);
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
