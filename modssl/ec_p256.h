/*
 * P-256 for small cores: m P + n Q for signature verification (public inputs
 * only, not constant-time) and k P for secret k (constant-time): see
 * ec_p256.c.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MODSSL_EC_P256_H
#define MODSSL_EC_P256_H

#include <stdint.h>

#include "mbedtls/ecp.h"

// modssl_ecp_p256_muladd()'s answer for inputs it leaves to mbedTLS.
#define MODSSL_ECP_P256_GENERIC (1)

// out = x || y of m P + n Q (big-endian; points as x || y, on the curve,
// coordinates below p; scalars big-endian).  Returns 0, 1 for the point at
// infinity (out untouched), or -1 when memory ran out.  Not constant-time.
int modssl_p256_muladd_raw(uint8_t out[64], const uint8_t m[32], const uint8_t p[64],
    const uint8_t n[32], const uint8_t q[64]);

// R = m P + n Q on secp256r1 for mbedtls_ecp_muladd() (patches/mbedtls/0022):
// 0 or an mbedTLS error, or MODSSL_ECP_P256_GENERIC.
int modssl_ecp_p256_muladd(mbedtls_ecp_group *grp, mbedtls_ecp_point *R,
    const mbedtls_mpi *m, const mbedtls_ecp_point *P,
    const mbedtls_mpi *n, const mbedtls_ecp_point *Q);

// out = x || y of k P (big-endian; k any 256-bit value; p as x || y, or
// NULL for the base point G).  Constant time in k.  Returns 0, 1 for the
// point at infinity (k = 0 mod n; out untouched), -1 when memory ran out, -2
// when p is not on the curve.  p's coordinates must be below p.
int modssl_p256_mul_raw(uint8_t out[64], const uint8_t k[32], const uint8_t p[64]);

// R = m P on secp256r1 for mbedtls_ecp_mul() (patches/mbedtls/0035), after
// mbedTLS has checked m and P: 0 or an mbedTLS error.
int modssl_ecp_p256_mul(const mbedtls_ecp_group *grp, mbedtls_ecp_point *R,
    const mbedtls_mpi *m, const mbedtls_ecp_point *P);

#endif // MODSSL_EC_P256_H
