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
 * table for G: ec_p256_mul.c.  The field and Jacobian code both use is
 * declared in ec_p256_field.h.
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

#include "ec_fe16.h"
#include "ec_p256.h"
#include "ec_p256_field.h"


static const pe_t P256_P = {
    0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0, 0, 0, 0, 0, 0, 1, 0, 0xffff, 0xffff
};
// 2^512 mod p: to Montgomery form.
static const pe_t P256_R2 = {
    3, 0, 0, 0, 0xffff, 0xffff, 0xfffb, 0xffff, 0xfffe, 0xffff, 0xffff, 0xffff, 0xfffd, 0xffff, 4, 0
};
// 2^256 mod p: 1 in Montgomery form.
const pe_t p256_one = {
    1, 0, 0, 0, 0, 0, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xfffe, 0xffff, 0, 0
};

// floor(c / 2^16) for a signed c: an arithmetic shift, which is what GCC
// and Clang do with >> on negative values (GCC documents it).
#define SHIFT16(c) ((c) >> 16)

// The digit loops are unrolled: their indices become load/store offsets.
#define PE_UNROLL _Pragma("GCC unroll 16")

// r = a + top 2^256, less p if that is at least p (a + top 2^256 < 2p).
void p256_pe_final(pe_t r, const uint32_t a[PE_LIMBS], int32_t top) {
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
    p256_pe_final(r, out, carry);
}

void p256_pe_mul(pe_t r, const pe_t a, const pe_t b) {
    uint32_t t[2 * PE_LIMBS];
    modssl_fe16_mul_wide(t, a, b);
    pe_reduce(r, t);
}

void p256_pe_sqr(pe_t r, const pe_t a) {
    uint32_t t[2 * PE_LIMBS];
    modssl_fe16_sqr_cross(t, a);
    for (int i = 0; i < PE_LIMBS; i++) {
        uint32_t sq = a[i] * a[i];
        t[2 * i] = 2 * t[2 * i] + (sq & 0xffff);
        t[2 * i + 1] = 2 * t[2 * i + 1] + (sq >> 16);
    }
    pe_reduce(r, t);
}

void p256_pe_add(pe_t r, const pe_t a, const pe_t b) {
    uint32_t s[PE_LIMBS];
    uint32_t c = 0;
    PE_UNROLL
    for (int i = 0; i < PE_LIMBS; i++) {
        c += a[i] + b[i];
        s[i] = c & 0xffff;
        c >>= 16;
    }
    p256_pe_final(r, s, (int32_t)c);
}

void p256_pe_sub(pe_t r, const pe_t a, const pe_t b) {
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

int p256_pe_is_zero(const pe_t a) {
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
    p256_pe_mul(r, t, P256_R2);
}

void p256_pe_to_bytes(uint8_t out[32], const pe_t a) {
    static const pe_t one = { 1 };
    pe_t t;
    p256_pe_mul(t, a, one);
    for (int i = 0; i < PE_LIMBS; i++) {
        out[31 - 2 * i] = (uint8_t)t[i];
        out[30 - 2 * i] = (uint8_t)(t[i] >> 8);
    }
}

// r = 1 / a = a^(p - 2), square and multiply (a is public here).
void p256_pe_invert(pe_t r, const pe_t a) {
    // p - 2 as 16-bit digits, most significant first.
    static const uint16_t e[PE_LIMBS] = {
        0xffff, 0xffff, 0x0000, 0x0001, 0, 0, 0, 0, 0, 0, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xfffd
    };
    pe_t acc;
    memcpy(acc, p256_one, sizeof(acc));
    for (int i = 0; i < PE_LIMBS; i++) {
        for (int bit = 15; bit >= 0; bit--) {
            p256_pe_sqr(acc, acc);
            if ((e[i] >> bit) & 1) {
                p256_pe_mul(acc, acc, a);
            }
        }
    }
    memcpy(r, acc, sizeof(acc));
}

void p256_pj_set_infinity(pj_t *r) {
    memcpy(r->x, p256_one, sizeof(pe_t));
    memcpy(r->y, p256_one, sizeof(pe_t));
    memset(r->z, 0, sizeof(pe_t));
}

// r = 2 p (dbl-2001-b, a = -3).  r may be p.  The point at infinity and
// points with y = 0 give Z3 = 2 Y Z = 0 by themselves.
void p256_pj_double(pj_t *r, const pj_t *p) {
    pe_t delta, gamma, beta, alpha, t1, t2;
    p256_pe_sqr(delta, p->z);
    p256_pe_sqr(gamma, p->y);
    p256_pe_mul(beta, p->x, gamma);
    p256_pe_sub(t1, p->x, delta);
    p256_pe_add(t2, p->x, delta);
    p256_pe_mul(t1, t1, t2);
    p256_pe_add(alpha, t1, t1);
    p256_pe_add(alpha, alpha, t1);           // 3 (X - delta)(X + delta)
    p256_pe_add(t1, p->y, p->z);
    p256_pe_sqr(t1, t1);
    p256_pe_sub(t1, t1, gamma);
    p256_pe_sub(r->z, t1, delta);            // (Y + Z)^2 - gamma - delta
    p256_pe_add(beta, beta, beta);
    p256_pe_add(beta, beta, beta);           // 4 beta
    p256_pe_sqr(t1, alpha);
    p256_pe_add(t2, beta, beta);
    p256_pe_sub(r->x, t1, t2);               // alpha^2 - 8 beta
    p256_pe_sub(t1, beta, r->x);
    p256_pe_mul(t1, alpha, t1);
    p256_pe_sqr(gamma, gamma);
    p256_pe_add(gamma, gamma, gamma);
    p256_pe_add(gamma, gamma, gamma);
    p256_pe_add(gamma, gamma, gamma);        // 8 gamma^2
    p256_pe_sub(r->y, t1, gamma);            // alpha (4 beta - X3) - 8 gamma^2
}

// r = a + b (add-2007-bl), with the cases the formula does not cover: either
// point at infinity, a = b (doubling) and a = -b.  r may be a or b.
static void pj_add(pj_t *r, const pj_t *a, const pj_t *b) {
    if (p256_pe_is_zero(a->z)) {
        *r = *b;
        return;
    }
    if (p256_pe_is_zero(b->z)) {
        *r = *a;
        return;
    }
    pe_t z1z1, z2z2, u1, u2, s1, s2, h, rr, i, j, v, t;
    pj_t out;
    p256_pe_sqr(z1z1, a->z);
    p256_pe_sqr(z2z2, b->z);
    p256_pe_mul(u1, a->x, z2z2);
    p256_pe_mul(u2, b->x, z1z1);
    p256_pe_mul(s1, a->y, b->z);
    p256_pe_mul(s1, s1, z2z2);
    p256_pe_mul(s2, b->y, a->z);
    p256_pe_mul(s2, s2, z1z1);
    p256_pe_sub(h, u2, u1);
    p256_pe_sub(rr, s2, s1);
    if (p256_pe_is_zero(h)) {
        if (p256_pe_is_zero(rr)) {
            p256_pj_double(r, a);
        } else {
            p256_pj_set_infinity(r);
        }
        return;
    }
    p256_pe_add(rr, rr, rr);                 // r = 2 (S2 - S1)
    p256_pe_add(i, h, h);
    p256_pe_sqr(i, i);                       // I = (2 H)^2
    p256_pe_mul(j, h, i);                    // J = H I
    p256_pe_mul(v, u1, i);                   // V = U1 I
    p256_pe_add(t, a->z, b->z);
    p256_pe_sqr(t, t);
    p256_pe_sub(t, t, z1z1);
    p256_pe_sub(t, t, z2z2);
    p256_pe_mul(out.z, t, h);                // ((Z1 + Z2)^2 - Z1Z1 - Z2Z2) H
    p256_pe_sqr(out.x, rr);
    p256_pe_sub(out.x, out.x, j);
    p256_pe_sub(out.x, out.x, v);
    p256_pe_sub(out.x, out.x, v);            // r^2 - J - 2 V
    p256_pe_sub(t, v, out.x);
    p256_pe_mul(t, rr, t);
    p256_pe_mul(s1, s1, j);
    p256_pe_add(s1, s1, s1);
    p256_pe_sub(out.y, t, s1);               // r (V - X3) - 2 S1 J
    *r = out;
}

void p256_pj_pack(pj16_t *d, const pj_t *s) {
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
    p256_pj_pack(&tab[0], p);
    for (int k = 2; k < 16; k++) {
        if (k % 2 == 0) {
            pj_unpack(&cur, &tab[k / 2 - 1]);
            p256_pj_double(&cur, &cur);
        } else {
            pj_add(&cur, &prev, p);
        }
        p256_pj_pack(&tab[k - 1], &cur);
        prev = cur;
    }
}

void p256_pj_from_bytes(pj_t *r, const uint8_t xy[64]) {
    pe_from_bytes(r->x, xy);
    pe_from_bytes(r->y, xy + 32);
    memcpy(r->z, p256_one, sizeof(pe_t));
}

int modssl_p256_muladd_raw(uint8_t out[64], const uint8_t m[32], const uint8_t p[64],
    const uint8_t n[32], const uint8_t q[64]) {
    pj16_t *tab = mbedtls_calloc(2 * 15, sizeof(pj16_t));  // 2.8 KiB: not on the stack
    if (tab == NULL) {
        return -1;
    }
    pj_t pt;
    p256_pj_from_bytes(&pt, p);
    pj_table(tab, &pt);
    p256_pj_from_bytes(&pt, q);
    pj_table(tab + 15, &pt);

    pj_t acc;
    p256_pj_set_infinity(&acc);
    for (int w = 0; w < 64; w++) {      // 4-bit windows, most significant first
        if (!p256_pe_is_zero(acc.z)) {
            for (int k = 0; k < 4; k++) {
                p256_pj_double(&acc, &acc);
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
    if (p256_pe_is_zero(acc.z)) {
        return 1;
    }
    pe_t zi, zi2;
    p256_pe_invert(zi, acc.z);
    p256_pe_sqr(zi2, zi);
    p256_pe_mul(acc.x, acc.x, zi2);
    p256_pe_mul(zi2, zi2, zi);
    p256_pe_mul(acc.y, acc.y, zi2);
    p256_pe_to_bytes(out, acc.x);
    p256_pe_to_bytes(out + 32, acc.y);
    return 0;
}

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
