/*
 * modssl's elliptic-curve code (modssl/ec_x25519.c, ec_p256.c) alone on a
 * bare emulated RP2040 core, as the rp2 firmware compiles it (Thumb-1
 * assembly path): known-answer and cross-checked vectors, and cycles per
 * operation (k P must take as many cycles for every k).
 *
 * bare_runner.mjs loads the binary into SRAM with the cases at IO_BASE and
 * counts the core's cycles between the BKPT 1 / BKPT 2 marks around each
 * case; BKPT 0xff ends the run.  The results are written back over IO_BASE.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stddef.h>
#include <stdint.h>

#include "ec_x25519.h"
#include "ec_p256.h"

#define IO_BASE (0x20030000u)

typedef struct {
    uint32_t op;                // OP_*
    uint32_t count;             // cases to run
    uint8_t cases[];            // op's cases, back to back
} io_t;

// X25519: scalar, u, out (32 bytes each).
#define OP_X25519 (0)
// P-256 m P + n Q: m (32), P (64), n (32), Q (64), out (64), status (4).
#define OP_P256_MULADD (1)
// P-256 k P: k (32), P (64), P given (4: 0 for G), out (64), status (4).
#define OP_P256_MUL (2)

// What the firmware's libc and mbedTLS would provide.
void *memcpy(void *dst, const void *src, size_t n) {
    uint8_t *d = dst;
    const uint8_t *s = src;
    while (n--) {
        *d++ = *s++;
    }
    return dst;
}

void *memset(void *dst, int c, size_t n) {
    uint8_t *d = dst;
    while (n--) {
        *d++ = (uint8_t)c;
    }
    return dst;
}

// ec_p256.c's one table allocation at a time.
static uint8_t arena[8192] __attribute__((aligned(8)));

void *mbedtls_calloc(size_t n, size_t size) {
    if (n * size > sizeof(arena)) {
        return NULL;
    }
    memset(arena, 0, n * size);
    return arena;
}

void mbedtls_free(void *ptr) {
    (void)ptr;
}

void mbedtls_platform_zeroize(void *buf, size_t len) {
    volatile uint8_t *p = buf;
    while (len--) {
        *p++ = 0;
    }
}

int main(void) {
    io_t *io = (io_t *)IO_BASE;
    uint8_t *c = io->cases;
    for (uint32_t i = 0; i < io->count; i++) {
        if (io->op == OP_X25519) {
            __asm__ volatile ("bkpt 1" ::: "memory");
            modssl_x25519(c + 64, c, c + 32);
            __asm__ volatile ("bkpt 2" ::: "memory");
            c += 96;
        } else if (io->op == OP_P256_MUL) {
            uint32_t given;
            memcpy(&given, c + 96, 4);
            __asm__ volatile ("bkpt 1" ::: "memory");
            int32_t status = modssl_p256_mul_raw(c + 100, c, given ? c + 32 : NULL);
            __asm__ volatile ("bkpt 2" ::: "memory");
            memcpy(c + 164, &status, 4);
            c += 168;
        } else {
            __asm__ volatile ("bkpt 1" ::: "memory");
            int32_t status = modssl_p256_muladd_raw(c + 192, c, c + 32, c + 96, c + 128);
            __asm__ volatile ("bkpt 2" ::: "memory");
            memcpy(c + 256, &status, 4);
            c += 260;
        }
    }
    return 0;
}

__attribute__((naked, used, section(".text.start")))
void bare_start(void) {
    __asm__ volatile (
        "ldr r0, =0x20040000\n\t"
        "mov sp, r0\n\t"
        "bl main\n\t"
        "bkpt 0xff\n\t"
        ".ltorg\n\t"
        );
}
