/*
 * P-256's field and point arithmetic shared by ec_p256.c (verification,
 * field and Jacobian code) and ec_p256_mul.c (k P for secret k).  Internal to
 * modssl; the functions are constant-time as ec_p256.c says.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MODSSL_EC_P256_FIELD_H
#define MODSSL_EC_P256_FIELD_H

#include <stdint.h>

#define PE_LIMBS (16)
// An element of GF(p) in Montgomery form (x 2^256 mod p), fully reduced,
// as sixteen 16-bit limbs.
typedef uint32_t pe_t[PE_LIMBS];
// Jacobian (X / Z^2, Y / Z^3); Z = 0 is the point at infinity.
typedef struct {
    pe_t x, y, z;
} pj_t;

// A table entry: the limbs as 16 bits, half a pj_t.
typedef struct {
    uint16_t x[PE_LIMBS], y[PE_LIMBS], z[PE_LIMBS];
} pj16_t;

// 2^256 mod p: 1 in Montgomery form.
extern const pe_t p256_one;

// r = a + top 2^256, less p if that is at least p (a + top 2^256 < 2p).
void p256_pe_final(pe_t r, const uint32_t a[PE_LIMBS], int32_t top);
void p256_pe_mul(pe_t r, const pe_t a, const pe_t b);
void p256_pe_sqr(pe_t r, const pe_t a);
void p256_pe_add(pe_t r, const pe_t a, const pe_t b);
void p256_pe_sub(pe_t r, const pe_t a, const pe_t b);
int p256_pe_is_zero(const pe_t a);
void p256_pe_to_bytes(uint8_t out[32], const pe_t a);
void p256_pe_invert(pe_t r, const pe_t a);
void p256_pj_set_infinity(pj_t *r);
void p256_pj_double(pj_t *r, const pj_t *p);
void p256_pj_pack(pj16_t *d, const pj_t *s);
void p256_pj_from_bytes(pj_t *r, const uint8_t xy[64]);

#endif // MODSSL_EC_P256_FIELD_H
