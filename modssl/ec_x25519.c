/*
 * X25519 (RFC 7748) for small cores, and its hook into mbedTLS.
 *
 * mbedTLS multiplies on Curve25519 with its generic bignum code (about 30
 * million cycles per scalar multiplication on an RP2040).  This file is a
 * constant-time Montgomery ladder over a field representation that suits a
 * Cortex-M0+, which has a single-cycle 32x32->32 multiply but no 64-bit
 * product: an element of GF(2^255-19) is sixteen 16-bit limbs (radix 2^16,
 * each held in a uint32_t), so every limb product fits in 32 bits and needs
 * no __aeabi_lmul.  The schoolbook products are Thumb-1 assembly on
 * Cortex-M0/M0+ (a 64-bit column sum kept in two registers) and portable C
 * elsewhere.  Values are kept below 2^256 (not fully reduced) between
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

#if defined(__GNUC__) && defined(__thumb__) && defined(__ARM_ARCH_6M__)
// Cortex-M0/M0+ (Thumb-1): the schoolbook products in assembly.  Compilers
// spill a 64-bit column sum to the stack on this core; here it stays in two
// registers, each limb product costing two loads, MULS, ADDS and ADCS
// (7 cycles).  Product scanning, one column at a time: the column's low 16
// bits are stored and the sum shifted down 16.

#define FE_S(x) #x
// mul: r0 = t, r1 = a, r2 = b, r3 = 0, r6:r7 = column sum.
#define MUL_MAC(i, j) \
    "ldr r4, [r1, #4*" FE_S(i) "]\n\t" \
    "ldr r5, [r2, #4*" FE_S(j) "]\n\t" \
    "muls r4, r5\n\t" \
    "adds r6, r4\n\t" \
    "adcs r7, r3\n\t"
#define MUL_END(k) \
    "uxth r4, r6\n\t" \
    "str r4, [r0, #4*" FE_S(k) "]\n\t" \
    "lsrs r6, r6, #16\n\t" \
    "lsls r4, r7, #16\n\t" \
    "orrs r6, r4\n\t" \
    "lsrs r7, r7, #16\n\t"
// sqr (the products a[i] * a[j], i < j, only): r0 = t, r1 = a, r2 = 0,
// r6:r3 = column sum.
#define SQR_MAC(i, j) \
    "ldr r4, [r1, #4*" FE_S(i) "]\n\t" \
    "ldr r5, [r1, #4*" FE_S(j) "]\n\t" \
    "muls r4, r5\n\t" \
    "adds r6, r4\n\t" \
    "adcs r3, r2\n\t"
#define SQR_END(k) \
    "uxth r4, r6\n\t" \
    "str r4, [r0, #4*" FE_S(k) "]\n\t" \
    "lsrs r6, r6, #16\n\t" \
    "lsls r4, r3, #16\n\t" \
    "orrs r6, r4\n\t" \
    "lsrs r3, r3, #16\n\t"

#define FE_ARG __attribute__((unused))   // used by the assembly, in r0-r2

#if !MODSSL_FE16_ROLLED
// t[0..31] = a * b in 16-bit digits.
__attribute__((naked, noinline))
void modssl_fe16_mul_wide(FE_ARG uint32_t t[2 * FE_LIMBS], FE_ARG const uint32_t a[FE_LIMBS],
    FE_ARG const uint32_t b[FE_LIMBS]) {
    __asm__ volatile (
    ".syntax unified\n\t"
    "push {r4, r5, r6, r7}\n\t"
    "movs r3, #0\n\t"
    "movs r6, #0\n\t"
    "movs r7, #0\n\t"
    MUL_MAC(0, 0) MUL_END(0)
    MUL_MAC(0, 1) MUL_MAC(1, 0) MUL_END(1)
    MUL_MAC(0, 2) MUL_MAC(1, 1) MUL_MAC(2, 0) MUL_END(2)
    MUL_MAC(0, 3) MUL_MAC(1, 2) MUL_MAC(2, 1) MUL_MAC(3, 0) MUL_END(3)
    MUL_MAC(0, 4) MUL_MAC(1, 3) MUL_MAC(2, 2) MUL_MAC(3, 1) MUL_MAC(4, 0)
    MUL_END(4)
    MUL_MAC(0, 5) MUL_MAC(1, 4) MUL_MAC(2, 3) MUL_MAC(3, 2) MUL_MAC(4, 1)
    MUL_MAC(5, 0) MUL_END(5)
    MUL_MAC(0, 6) MUL_MAC(1, 5) MUL_MAC(2, 4) MUL_MAC(3, 3) MUL_MAC(4, 2)
    MUL_MAC(5, 1) MUL_MAC(6, 0) MUL_END(6)
    MUL_MAC(0, 7) MUL_MAC(1, 6) MUL_MAC(2, 5) MUL_MAC(3, 4) MUL_MAC(4, 3)
    MUL_MAC(5, 2) MUL_MAC(6, 1) MUL_MAC(7, 0) MUL_END(7)
    MUL_MAC(0, 8) MUL_MAC(1, 7) MUL_MAC(2, 6) MUL_MAC(3, 5) MUL_MAC(4, 4)
    MUL_MAC(5, 3) MUL_MAC(6, 2) MUL_MAC(7, 1) MUL_MAC(8, 0) MUL_END(8)
    MUL_MAC(0, 9) MUL_MAC(1, 8) MUL_MAC(2, 7) MUL_MAC(3, 6) MUL_MAC(4, 5)
    MUL_MAC(5, 4) MUL_MAC(6, 3) MUL_MAC(7, 2) MUL_MAC(8, 1) MUL_MAC(9, 0)
    MUL_END(9)
    MUL_MAC(0, 10) MUL_MAC(1, 9) MUL_MAC(2, 8) MUL_MAC(3, 7) MUL_MAC(4, 6)
    MUL_MAC(5, 5) MUL_MAC(6, 4) MUL_MAC(7, 3) MUL_MAC(8, 2) MUL_MAC(9, 1)
    MUL_MAC(10, 0) MUL_END(10)
    MUL_MAC(0, 11) MUL_MAC(1, 10) MUL_MAC(2, 9) MUL_MAC(3, 8) MUL_MAC(4, 7)
    MUL_MAC(5, 6) MUL_MAC(6, 5) MUL_MAC(7, 4) MUL_MAC(8, 3) MUL_MAC(9, 2)
    MUL_MAC(10, 1) MUL_MAC(11, 0) MUL_END(11)
    MUL_MAC(0, 12) MUL_MAC(1, 11) MUL_MAC(2, 10) MUL_MAC(3, 9) MUL_MAC(4, 8)
    MUL_MAC(5, 7) MUL_MAC(6, 6) MUL_MAC(7, 5) MUL_MAC(8, 4) MUL_MAC(9, 3)
    MUL_MAC(10, 2) MUL_MAC(11, 1) MUL_MAC(12, 0) MUL_END(12)
    MUL_MAC(0, 13) MUL_MAC(1, 12) MUL_MAC(2, 11) MUL_MAC(3, 10) MUL_MAC(4, 9)
    MUL_MAC(5, 8) MUL_MAC(6, 7) MUL_MAC(7, 6) MUL_MAC(8, 5) MUL_MAC(9, 4)
    MUL_MAC(10, 3) MUL_MAC(11, 2) MUL_MAC(12, 1) MUL_MAC(13, 0) MUL_END(13)
    MUL_MAC(0, 14) MUL_MAC(1, 13) MUL_MAC(2, 12) MUL_MAC(3, 11) MUL_MAC(4, 10)
    MUL_MAC(5, 9) MUL_MAC(6, 8) MUL_MAC(7, 7) MUL_MAC(8, 6) MUL_MAC(9, 5)
    MUL_MAC(10, 4) MUL_MAC(11, 3) MUL_MAC(12, 2) MUL_MAC(13, 1) MUL_MAC(14, 0)
    MUL_END(14)
    MUL_MAC(0, 15) MUL_MAC(1, 14) MUL_MAC(2, 13) MUL_MAC(3, 12) MUL_MAC(4, 11)
    MUL_MAC(5, 10) MUL_MAC(6, 9) MUL_MAC(7, 8) MUL_MAC(8, 7) MUL_MAC(9, 6)
    MUL_MAC(10, 5) MUL_MAC(11, 4) MUL_MAC(12, 3) MUL_MAC(13, 2) MUL_MAC(14, 1)
    MUL_MAC(15, 0) MUL_END(15)
    MUL_MAC(1, 15) MUL_MAC(2, 14) MUL_MAC(3, 13) MUL_MAC(4, 12) MUL_MAC(5, 11)
    MUL_MAC(6, 10) MUL_MAC(7, 9) MUL_MAC(8, 8) MUL_MAC(9, 7) MUL_MAC(10, 6)
    MUL_MAC(11, 5) MUL_MAC(12, 4) MUL_MAC(13, 3) MUL_MAC(14, 2) MUL_MAC(15, 1)
    MUL_END(16)
    MUL_MAC(2, 15) MUL_MAC(3, 14) MUL_MAC(4, 13) MUL_MAC(5, 12) MUL_MAC(6, 11)
    MUL_MAC(7, 10) MUL_MAC(8, 9) MUL_MAC(9, 8) MUL_MAC(10, 7) MUL_MAC(11, 6)
    MUL_MAC(12, 5) MUL_MAC(13, 4) MUL_MAC(14, 3) MUL_MAC(15, 2) MUL_END(17)
    MUL_MAC(3, 15) MUL_MAC(4, 14) MUL_MAC(5, 13) MUL_MAC(6, 12) MUL_MAC(7, 11)
    MUL_MAC(8, 10) MUL_MAC(9, 9) MUL_MAC(10, 8) MUL_MAC(11, 7) MUL_MAC(12, 6)
    MUL_MAC(13, 5) MUL_MAC(14, 4) MUL_MAC(15, 3) MUL_END(18)
    MUL_MAC(4, 15) MUL_MAC(5, 14) MUL_MAC(6, 13) MUL_MAC(7, 12) MUL_MAC(8, 11)
    MUL_MAC(9, 10) MUL_MAC(10, 9) MUL_MAC(11, 8) MUL_MAC(12, 7) MUL_MAC(13, 6)
    MUL_MAC(14, 5) MUL_MAC(15, 4) MUL_END(19)
    MUL_MAC(5, 15) MUL_MAC(6, 14) MUL_MAC(7, 13) MUL_MAC(8, 12) MUL_MAC(9, 11)
    MUL_MAC(10, 10) MUL_MAC(11, 9) MUL_MAC(12, 8) MUL_MAC(13, 7) MUL_MAC(14, 6)
    MUL_MAC(15, 5) MUL_END(20)
    MUL_MAC(6, 15) MUL_MAC(7, 14) MUL_MAC(8, 13) MUL_MAC(9, 12) MUL_MAC(10, 11)
    MUL_MAC(11, 10) MUL_MAC(12, 9) MUL_MAC(13, 8) MUL_MAC(14, 7) MUL_MAC(15, 6)
    MUL_END(21)
    MUL_MAC(7, 15) MUL_MAC(8, 14) MUL_MAC(9, 13) MUL_MAC(10, 12) MUL_MAC(11, 11)
    MUL_MAC(12, 10) MUL_MAC(13, 9) MUL_MAC(14, 8) MUL_MAC(15, 7) MUL_END(22)
    MUL_MAC(8, 15) MUL_MAC(9, 14) MUL_MAC(10, 13) MUL_MAC(11, 12) MUL_MAC(12, 11)
    MUL_MAC(13, 10) MUL_MAC(14, 9) MUL_MAC(15, 8) MUL_END(23)
    MUL_MAC(9, 15) MUL_MAC(10, 14) MUL_MAC(11, 13) MUL_MAC(12, 12) MUL_MAC(13, 11)
    MUL_MAC(14, 10) MUL_MAC(15, 9) MUL_END(24)
    MUL_MAC(10, 15) MUL_MAC(11, 14) MUL_MAC(12, 13) MUL_MAC(13, 12) MUL_MAC(14, 11)
    MUL_MAC(15, 10) MUL_END(25)
    MUL_MAC(11, 15) MUL_MAC(12, 14) MUL_MAC(13, 13) MUL_MAC(14, 12) MUL_MAC(15, 11)
    MUL_END(26)
    MUL_MAC(12, 15) MUL_MAC(13, 14) MUL_MAC(14, 13) MUL_MAC(15, 12) MUL_END(27)
    MUL_MAC(13, 15) MUL_MAC(14, 14) MUL_MAC(15, 13) MUL_END(28)
    MUL_MAC(14, 15) MUL_MAC(15, 14) MUL_END(29)
    MUL_MAC(15, 15) MUL_END(30)
    "str r6, [r0, #4*31]\n\t"
    "pop {r4, r5, r6, r7}\n\t"
    "bx lr\n\t"
    );
}

// t[0..31] = the sum of a[i] * a[j] * 2^(16 (i + j)) over i < j.
__attribute__((naked, noinline))
void modssl_fe16_sqr_cross(FE_ARG uint32_t t[2 * FE_LIMBS], FE_ARG const uint32_t a[FE_LIMBS]) {
    __asm__ volatile (
    ".syntax unified\n\t"
    "push {r4, r5, r6}\n\t"
    "movs r2, #0\n\t"
    "movs r3, #0\n\t"
    "movs r6, #0\n\t"
    "str r2, [r0, #0]\n\t"
    SQR_MAC(0, 1) SQR_END(1)
    SQR_MAC(0, 2) SQR_END(2)
    SQR_MAC(0, 3) SQR_MAC(1, 2) SQR_END(3)
    SQR_MAC(0, 4) SQR_MAC(1, 3) SQR_END(4)
    SQR_MAC(0, 5) SQR_MAC(1, 4) SQR_MAC(2, 3) SQR_END(5)
    SQR_MAC(0, 6) SQR_MAC(1, 5) SQR_MAC(2, 4) SQR_END(6)
    SQR_MAC(0, 7) SQR_MAC(1, 6) SQR_MAC(2, 5) SQR_MAC(3, 4) SQR_END(7)
    SQR_MAC(0, 8) SQR_MAC(1, 7) SQR_MAC(2, 6) SQR_MAC(3, 5) SQR_END(8)
    SQR_MAC(0, 9) SQR_MAC(1, 8) SQR_MAC(2, 7) SQR_MAC(3, 6) SQR_MAC(4, 5)
    SQR_END(9)
    SQR_MAC(0, 10) SQR_MAC(1, 9) SQR_MAC(2, 8) SQR_MAC(3, 7) SQR_MAC(4, 6)
    SQR_END(10)
    SQR_MAC(0, 11) SQR_MAC(1, 10) SQR_MAC(2, 9) SQR_MAC(3, 8) SQR_MAC(4, 7)
    SQR_MAC(5, 6) SQR_END(11)
    SQR_MAC(0, 12) SQR_MAC(1, 11) SQR_MAC(2, 10) SQR_MAC(3, 9) SQR_MAC(4, 8)
    SQR_MAC(5, 7) SQR_END(12)
    SQR_MAC(0, 13) SQR_MAC(1, 12) SQR_MAC(2, 11) SQR_MAC(3, 10) SQR_MAC(4, 9)
    SQR_MAC(5, 8) SQR_MAC(6, 7) SQR_END(13)
    SQR_MAC(0, 14) SQR_MAC(1, 13) SQR_MAC(2, 12) SQR_MAC(3, 11) SQR_MAC(4, 10)
    SQR_MAC(5, 9) SQR_MAC(6, 8) SQR_END(14)
    SQR_MAC(0, 15) SQR_MAC(1, 14) SQR_MAC(2, 13) SQR_MAC(3, 12) SQR_MAC(4, 11)
    SQR_MAC(5, 10) SQR_MAC(6, 9) SQR_MAC(7, 8) SQR_END(15)
    SQR_MAC(1, 15) SQR_MAC(2, 14) SQR_MAC(3, 13) SQR_MAC(4, 12) SQR_MAC(5, 11)
    SQR_MAC(6, 10) SQR_MAC(7, 9) SQR_END(16)
    SQR_MAC(2, 15) SQR_MAC(3, 14) SQR_MAC(4, 13) SQR_MAC(5, 12) SQR_MAC(6, 11)
    SQR_MAC(7, 10) SQR_MAC(8, 9) SQR_END(17)
    SQR_MAC(3, 15) SQR_MAC(4, 14) SQR_MAC(5, 13) SQR_MAC(6, 12) SQR_MAC(7, 11)
    SQR_MAC(8, 10) SQR_END(18)
    SQR_MAC(4, 15) SQR_MAC(5, 14) SQR_MAC(6, 13) SQR_MAC(7, 12) SQR_MAC(8, 11)
    SQR_MAC(9, 10) SQR_END(19)
    SQR_MAC(5, 15) SQR_MAC(6, 14) SQR_MAC(7, 13) SQR_MAC(8, 12) SQR_MAC(9, 11)
    SQR_END(20)
    SQR_MAC(6, 15) SQR_MAC(7, 14) SQR_MAC(8, 13) SQR_MAC(9, 12) SQR_MAC(10, 11)
    SQR_END(21)
    SQR_MAC(7, 15) SQR_MAC(8, 14) SQR_MAC(9, 13) SQR_MAC(10, 12) SQR_END(22)
    SQR_MAC(8, 15) SQR_MAC(9, 14) SQR_MAC(10, 13) SQR_MAC(11, 12) SQR_END(23)
    SQR_MAC(9, 15) SQR_MAC(10, 14) SQR_MAC(11, 13) SQR_END(24)
    SQR_MAC(10, 15) SQR_MAC(11, 14) SQR_MAC(12, 13) SQR_END(25)
    SQR_MAC(11, 15) SQR_MAC(12, 14) SQR_END(26)
    SQR_MAC(12, 15) SQR_MAC(13, 14) SQR_END(27)
    SQR_MAC(13, 15) SQR_END(28)
    SQR_MAC(14, 15) SQR_END(29)
    "uxth r4, r6\n\t"
    "str r4, [r0, #4*30]\n\t"
    "lsrs r6, r6, #16\n\t"
    "str r6, [r0, #4*31]\n\t"
    "pop {r4, r5, r6}\n\t"
    "bx lr\n\t"
    );
}

#else // MODSSL_FE16_ROLLED

// MODSSL_FE16_ROLLED (a board's option, docs/flash.md): 4.1 KB less flash,
// X25519 about 34% and a P-256 multiplication about 18% more cycles.
// The same column sums with one copy of the 16 multiply-accumulates: the
// second operand is copied reversed onto the stack, so both operands of a
// column run upwards in memory, and a column of L products enters the
// sequence L steps before its end (a computed branch, as Duff's device).
// Each product still costs 7 cycles; a column adds about 25 (the call, the
// computed branch, its store and the bookkeeping), the copy about 130.
// column: r0 = t (advanced), r1 = first operand - 4 e, r2 = reversed second
// operand - 4 e, r3 = 0, r4 = 10 e (e = 16 - L), r6:r7 = column sum.
#define COL_MAC(m) \
    "ldr r4, [r1, #4*" FE_S(m) "]\n\t" \
    "ldr r5, [r2, #4*" FE_S(m) "]\n\t" \
    "muls r4, r5\n\t" \
    "adds r6, r4\n\t" \
    "adcs r7, r3\n\t"
__attribute__((naked, noinline, used))
static void modssl_fe16_column(void) {
    __asm__ volatile (
    ".syntax unified\n\t"
    "add pc, r4\n\t"            // to the MACs below + 10 e
    "nop\n\t"
    COL_MAC(0) COL_MAC(1) COL_MAC(2) COL_MAC(3) COL_MAC(4) COL_MAC(5) COL_MAC(6) COL_MAC(7)
    COL_MAC(8) COL_MAC(9) COL_MAC(10) COL_MAC(11) COL_MAC(12) COL_MAC(13) COL_MAC(14) COL_MAC(15)
    "uxth r4, r6\n\t"
    "str r4, [r0]\n\t"
    "adds r0, #4\n\t"
    "lsrs r6, r6, #16\n\t"
    "lsls r4, r7, #16\n\t"
    "orrs r6, r4\n\t"
    "lsrs r7, r7, #16\n\t"
    "bx lr\n\t"
    );
}

// The stack frame of both: r8 and r9 saved, b (or a) reversed below them.
#define COL_ENTER \
    "push {r4, r5, r6, r7, lr}\n\t" \
    "mov r4, r8\n\t" \
    "mov r5, r9\n\t" \
    "push {r4, r5}\n\t" \
    "sub sp, #64\n\t" \
    "movs r3, #60\n\t" \
    "mov r4, sp\n\t" \
    "1:\n\t" \
    "ldr r5, [r2, r3]\n\t" \
    "str r5, [r4]\n\t" \
    "adds r4, #4\n\t" \
    "subs r3, #4\n\t" \
    "bpl 1b\n\t" \
    "movs r3, #0\n\t" \
    "movs r6, #0\n\t" \
    "movs r7, #0\n\t"
#define COL_LEAVE \
    "str r6, [r0]\n\t" \
    "add sp, #64\n\t" \
    "pop {r4, r5}\n\t" \
    "mov r8, r4\n\t" \
    "mov r9, r5\n\t" \
    "pop {r4, r5, r6, r7, pc}\n\t"

// t[0..31] = a * b in 16-bit digits.  Column k pairs a[i] with
// b[k - i] = brev[15 - k + i].  Columns 0-15: e = 15 - k, the first
// operand from a - 4 e, brev from its start; columns 16-30: e = k - 15,
// a from its start, brev from brev - 4 e.  r8 = 10 e.
__attribute__((naked, noinline))
void modssl_fe16_mul_wide(FE_ARG uint32_t t[2 * FE_LIMBS], FE_ARG const uint32_t a[FE_LIMBS],
    FE_ARG const uint32_t b[FE_LIMBS]) {
    __asm__ volatile (
    ".syntax unified\n\t"
    COL_ENTER
    "mov r9, r1\n\t"
    "subs r1, #60\n\t"
    "mov r2, sp\n\t"
    "movs r4, #150\n\t"
    "mov r8, r4\n\t"
    "2:\n\t"
    "bl modssl_fe16_column\n\t"
    "adds r1, #4\n\t"
    "mov r4, r8\n\t"
    "subs r4, #10\n\t"
    "mov r8, r4\n\t"
    "bpl 2b\n\t"
    "mov r1, r9\n\t"
    "subs r2, #4\n\t"
    "movs r4, #10\n\t"
    "3:\n\t"
    "mov r8, r4\n\t"
    "bl modssl_fe16_column\n\t"
    "subs r2, #4\n\t"
    "mov r4, r8\n\t"
    "adds r4, #10\n\t"
    "cmp r4, #160\n\t"
    "bne 3b\n\t"
    COL_LEAVE
    );
}

// t[0..31] = the sum of a[i] * a[j] * 2^(16 (i + j)) over i < j.  Column k
// pairs a[i], i from lo = max(0, k - 15) to (k + 1) / 2 - 1, with
// arev[15 - k + i].  From one column to the next, an odd k moves the first
// operand on (e one less in columns 1-15), an even k the reversed one back
// (e one more in columns 16-30).  r8 = 10 e, r9 = k.
__attribute__((naked, noinline))
void modssl_fe16_sqr_cross(FE_ARG uint32_t t[2 * FE_LIMBS], FE_ARG const uint32_t a[FE_LIMBS]) {
    __asm__ volatile (
    ".syntax unified\n\t"
    "mov r2, r1\n\t"
    COL_ENTER
    "subs r1, #64\n\t"          // column 0: no products, e = 16
    "mov r2, sp\n\t"
    "subs r2, #4\n\t"
    "movs r4, #160\n\t"
    "mov r8, r4\n\t"
    "mov r9, r3\n\t"
    "2:\n\t"
    "mov r4, r8\n\t"
    "bl modssl_fe16_column\n\t"
    "mov r5, r9\n\t"
    "adds r5, #1\n\t"
    "mov r9, r5\n\t"
    "cmp r5, #31\n\t"
    "beq 9f\n\t"
    "mov r4, r8\n\t"
    "lsrs r5, r5, #1\n\t"       // C = k odd
    "bcc 4f\n\t"
    "adds r1, #4\n\t"
    "mov r5, r9\n\t"
    "cmp r5, #15\n\t"
    "bhi 2b\n\t"
    "subs r4, #10\n\t"
    "mov r8, r4\n\t"
    "b 2b\n\t"
    "4:\n\t"
    "subs r2, #4\n\t"
    "mov r5, r9\n\t"
    "cmp r5, #16\n\t"
    "blo 2b\n\t"
    "adds r4, #10\n\t"
    "mov r8, r4\n\t"
    "b 2b\n\t"
    "9:\n\t"
    COL_LEAVE
    );
}

#endif // MODSSL_FE16_ROLLED

#else

// Portable C.  Column sums are split in two 32-bit halves (low and high 16
// bits of each product) so that no 64-bit arithmetic is needed.
void modssl_fe16_mul_wide(uint32_t t[2 * FE_LIMBS], const uint32_t a[FE_LIMBS], const uint32_t b[FE_LIMBS]) {
    uint32_t carry = 0;
    for (int k = 0; k < 2 * FE_LIMBS - 1; k++) {
        int lo = k < FE_LIMBS ? 0 : k - (FE_LIMBS - 1);
        int hi = k < FE_LIMBS ? k : FE_LIMBS - 1;
        uint32_t sl = carry, sh = 0;
        for (int i = lo; i <= hi; i++) {
            uint32_t p = a[i] * b[k - i];
            sl += p & 0xffff;
            sh += p >> 16;
        }
        t[k] = sl & 0xffff;
        carry = (sl >> 16) + sh;
    }
    t[2 * FE_LIMBS - 1] = carry;
}

void modssl_fe16_sqr_cross(uint32_t t[2 * FE_LIMBS], const uint32_t a[FE_LIMBS]) {
    uint32_t carry = 0;
    for (int k = 0; k < 2 * FE_LIMBS - 1; k++) {
        int lo = k < FE_LIMBS ? 0 : k - (FE_LIMBS - 1);
        int hi = (k + 1) / 2 - 1;     // i < k - i
        uint32_t sl = carry, sh = 0;
        for (int i = lo; i <= hi; i++) {
            uint32_t p = a[i] * a[k - i];
            sl += p & 0xffff;
            sh += p >> 16;
        }
        t[k] = sl & 0xffff;
        carry = (sl >> 16) + sh;
    }
    t[2 * FE_LIMBS - 1] = carry;
}

#endif

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
