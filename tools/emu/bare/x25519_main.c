/*
 * modssl's X25519 (modssl/ec_x25519.c) alone on a bare emulated RP2040 core,
 * as the rp2 firmware compiles it (Thumb-1 assembly path): known-answer and
 * cross-checked vectors, and cycles per scalar multiplication.
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

#define IO_BASE (0x20030000u)

typedef struct {
    uint32_t count;             // cases to run
    uint8_t cases[][3][32];     // scalar, u, out
} io_t;

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

void mbedtls_platform_zeroize(void *buf, size_t len) {
    volatile uint8_t *p = buf;
    while (len--) {
        *p++ = 0;
    }
}

int main(void) {
    io_t *io = (io_t *)IO_BASE;
    for (uint32_t i = 0; i < io->count; i++) {
        uint8_t(*c)[32] = io->cases[i];
        __asm__ volatile ("bkpt 1" ::: "memory");
        modssl_x25519(c[2], c[0], c[1]);
        __asm__ volatile ("bkpt 2" ::: "memory");
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
