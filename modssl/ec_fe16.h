/*
 * The radix-2^16 schoolbook products X25519 and P-256 share: see ec_fe16.c.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MODSSL_EC_FE16_H
#define MODSSL_EC_FE16_H

#include <stdint.h>

// 16 limbs below 2^16 in, 32 digits out.  mul_wide: t = a * b, normalised
// digits.  sqr_cross: t = the sum of a[i] a[j] 2^(16 (i + j)) over i < j.
void modssl_fe16_mul_wide(uint32_t t[32], const uint32_t a[16], const uint32_t b[16]);
void modssl_fe16_sqr_cross(uint32_t t[32], const uint32_t a[16]);

#endif // MODSSL_EC_FE16_H
