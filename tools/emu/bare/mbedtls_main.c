/*
 * mbedTLS's own public-key code alone on a bare emulated RP2040 core: the
 * generic code modssl's hooks replace (ecp.c's comb and Montgomery ladder
 * over bignum.c with the Thumb-1 multiply-accumulate of bn_mul.h), built with
 * the rp2 firmware's mbedTLS configuration less MODSSL_ECP_* (see
 * mbedtls_config_bare.h), and RSA-2048's public operation, which modssl
 * leaves to mbedTLS.  The same cases as ecc_main.c, so the two columns of
 * the bench's primitive table come from the same core and the same inputs.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mbedtls/ecp.h"
#include "mbedtls/rsa.h"

#define IO_BASE (0x20030000u)

typedef struct {
    uint32_t op;
    uint32_t count;
    uint8_t cases[];
} io_t;

// As ecc_main.c: X25519 (scalar, u, out: 32 bytes each, little-endian).
#define OP_X25519 (0)
// m (32), P (64), n (32), Q (64), out (64), status (4).
#define OP_P256_MULADD (1)
// k (32), P (64), P given (4), out (64), status (4).
#define OP_P256_MUL (2)
// RSA-2048 public operation, e = 65537: N (256), input (256), out (256), status (4).
#define OP_RSA2048_PUBLIC (3)

// The C heap mbedTLS allocates from (newlib's malloc over this arena).
static uint8_t arena[96 * 1024] __attribute__((aligned(8)));
static size_t arena_used;

void *_sbrk(ptrdiff_t incr) {
    if (incr < 0 || arena_used + (size_t)incr > sizeof(arena)) {
        return (void *)-1;
    }
    void *p = arena + arena_used;
    arena_used += (size_t)incr;
    return p;
}

// The rp2 configuration's allocator names (MBEDTLS_PLATFORM_STD_CALLOC/FREE).
void *modssl_calloc(size_t n, size_t size) {
    return calloc(n, size);
}

void m_tracked_free(void *ptr) {
    free(ptr);
}

// Not random: mbedTLS only blinds with it, and the figures should repeat.
static int bare_rng(void *ctx, unsigned char *out, size_t len) {
    uint32_t *s = ctx;
    for (size_t i = 0; i < len; i++) {
        *s ^= *s << 13;
        *s ^= *s >> 17;
        *s ^= *s << 5;
        out[i] = (uint8_t)*s;
    }
    return 0;
}

static uint32_t rng_state = 0x12345678;

static int32_t run_x25519(uint8_t *c) {
    mbedtls_ecp_group grp;
    mbedtls_ecp_point P, R;
    mbedtls_mpi k;
    mbedtls_ecp_group_init(&grp);
    mbedtls_ecp_point_init(&P);
    mbedtls_ecp_point_init(&R);
    mbedtls_mpi_init(&k);
    int ret = mbedtls_ecp_group_load(&grp, MBEDTLS_ECP_DP_CURVE25519);
    if (ret == 0) {
        c[0] &= 248;                                // clamp, as X25519 does
        c[31] &= 127;
        c[31] |= 64;
        c[63] &= 127;
        ret = mbedtls_mpi_read_binary_le(&k, c, 32);
    }
    if (ret == 0) {
        ret = mbedtls_ecp_point_read_binary(&grp, &P, c + 32, 32);
    }
    if (ret == 0) {
        __asm__ volatile ("bkpt 1" ::: "memory");
        ret = mbedtls_ecp_mul(&grp, &R, &k, &P, bare_rng, &rng_state);
        __asm__ volatile ("bkpt 2" ::: "memory");
    }
    size_t len;
    if (ret == 0) {
        ret = mbedtls_ecp_point_write_binary(&grp, &R, MBEDTLS_ECP_PF_UNCOMPRESSED, &len, c + 64, 32);
    }
    mbedtls_ecp_group_free(&grp);
    mbedtls_ecp_point_free(&P);
    mbedtls_ecp_point_free(&R);
    mbedtls_mpi_free(&k);
    return ret;
}

static int read_point(mbedtls_ecp_group *grp, mbedtls_ecp_point *P, const uint8_t xy[64]) {
    uint8_t buf[65];
    buf[0] = 0x04;
    memcpy(buf + 1, xy, 64);
    return mbedtls_ecp_point_read_binary(grp, P, buf, sizeof(buf));
}

static int32_t write_point(mbedtls_ecp_group *grp, mbedtls_ecp_point *R, uint8_t out[64]) {
    if (mbedtls_ecp_is_zero(R)) {
        return 1;
    }
    uint8_t buf[65];
    size_t len;
    int ret = mbedtls_ecp_point_write_binary(grp, R, MBEDTLS_ECP_PF_UNCOMPRESSED, &len, buf, sizeof(buf));
    memcpy(out, buf + 1, 64);
    return ret;
}

// P-256 m P + n Q (given) or k P / k G (!muladd).
static int32_t run_p256(uint8_t *c, int muladd) {
    mbedtls_ecp_group grp;
    mbedtls_ecp_point P, Q, R;
    mbedtls_mpi m, n;
    mbedtls_ecp_group_init(&grp);
    mbedtls_ecp_point_init(&P);
    mbedtls_ecp_point_init(&Q);
    mbedtls_ecp_point_init(&R);
    mbedtls_mpi_init(&m);
    mbedtls_mpi_init(&n);
    int ret = mbedtls_ecp_group_load(&grp, MBEDTLS_ECP_DP_SECP256R1);
    if (ret == 0) {
        ret = mbedtls_mpi_read_binary(&m, c, 32);
    }
    uint32_t given = 1;
    if (!muladd) {
        memcpy(&given, c + 96, 4);
    }
    if (ret == 0) {
        ret = given ? read_point(&grp, &P, c + 32) : mbedtls_ecp_copy(&P, &grp.G);
    }
    if (ret == 0 && muladd) {
        ret = mbedtls_mpi_read_binary(&n, c + 96, 32);
        if (ret == 0) {
            ret = read_point(&grp, &Q, c + 128);
        }
    }
    if (ret == 0) {
        __asm__ volatile ("bkpt 1" ::: "memory");
        ret = muladd ? mbedtls_ecp_muladd(&grp, &R, &m, &P, &n, &Q)
            : mbedtls_ecp_mul(&grp, &R, &m, &P, bare_rng, &rng_state);
        __asm__ volatile ("bkpt 2" ::: "memory");
    }
    if (ret == 0) {
        ret = write_point(&grp, &R, c + (muladd ? 192 : 100));
    }
    mbedtls_ecp_group_free(&grp);
    mbedtls_ecp_point_free(&P);
    mbedtls_ecp_point_free(&Q);
    mbedtls_ecp_point_free(&R);
    mbedtls_mpi_free(&m);
    mbedtls_mpi_free(&n);
    return ret;
}

static int32_t run_rsa(uint8_t *c) {
    static const uint8_t e[3] = { 1, 0, 1 };
    mbedtls_rsa_context rsa;
    mbedtls_rsa_init(&rsa);
    int ret = mbedtls_rsa_import_raw(&rsa, c, 256, NULL, 0, NULL, 0, NULL, 0, e, sizeof(e));
    if (ret == 0) {
        ret = mbedtls_rsa_complete(&rsa);
    }
    if (ret == 0) {
        __asm__ volatile ("bkpt 1" ::: "memory");
        ret = mbedtls_rsa_public(&rsa, c + 256, c + 512);
        __asm__ volatile ("bkpt 2" ::: "memory");
    }
    mbedtls_rsa_free(&rsa);
    return ret;
}

int main(void) {
    io_t *io = (io_t *)IO_BASE;
    uint8_t *c = io->cases;
    for (uint32_t i = 0; i < io->count; i++) {
        int32_t status;
        switch (io->op) {
            case OP_X25519:
                status = run_x25519(c);
                c += 96;
                break;
            case OP_P256_MULADD:
                status = run_p256(c, 1);
                memcpy(c + 256, &status, 4);
                c += 260;
                break;
            case OP_P256_MUL:
                status = run_p256(c, 0);
                memcpy(c + 164, &status, 4);
                c += 168;
                break;
            default:
                status = run_rsa(c);
                memcpy(c + 768, &status, 4);
                c += 772;
                break;
        }
        if (status < 0) {
            __asm__ volatile ("bkpt 3" ::: "memory");   // the runner reports it
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
