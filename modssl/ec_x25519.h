/*
 * X25519 (RFC 7748) for small cores: see ec_x25519.c.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MODSSL_EC_X25519_H
#define MODSSL_EC_X25519_H

#include <stdint.h>

#include "mbedtls/ecp.h"

// out = X25519(scalar, u): the scalar is clamped and bit 255 of u ignored,
// as RFC 7748 section 5 says.  Constant time.
void modssl_x25519(uint8_t out[32], const uint8_t scalar[32], const uint8_t u[32]);

// R = m * P on Curve25519 for mbedtls_ecp_mul() (patches/mbedtls/0021), after
// mbedTLS has checked m and P.  Returns 0 or an mbedTLS error code.
int modssl_ecp_x25519_mul(const mbedtls_ecp_group *grp, mbedtls_ecp_point *R,
    const mbedtls_mpi *m, const mbedtls_ecp_point *P);

#endif // MODSSL_EC_X25519_H
