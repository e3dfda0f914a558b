/*
 * The schoolbook products in radix 2^16 that X25519 (ec_x25519.c) and P-256
 * (ec_p256.c) share: sixteen limbs below 2^16 in, 32 digits out, every limb
 * product in 32 bits (no __aeabi_lmul on a Cortex-M0+).  Thumb-1 assembly on
 * Cortex-M0/M0+ (a 64-bit column sum kept in two registers; rolled up by
 * default, or unrolled with MODSSL_FE16_ROLLED=0: 4 KB more flash for
 * 18-34% faster curves), portable C elsewhere.  Fixed sequences of loads, multiplies and adds: constant-time.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdint.h>

#include "mbedtls/build_info.h"

#if defined(MODSSL_ECP_X25519)

#include "ec_fe16.h"

#define FE_LIMBS (16)

#if defined(__GNUC__) && defined(__thumb__) && defined(__ARM_ARCH_6M__)
// Flash before speed on these boards (docs/flash.md): rolled products unless
// the board asks for the unrolled ones (MODSSL_FE16_ROLLED=0).
#ifndef MODSSL_FE16_ROLLED
#define MODSSL_FE16_ROLLED (1)
#endif
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

// MODSSL_FE16_ROLLED (the default, docs/flash.md): 4.1 KB less flash,
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

#endif // MODSSL_ECP_X25519
