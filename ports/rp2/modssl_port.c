/*
 * Small replacements for the rp2 firmware (flash): strstr, and the SHA-1
 * and MD5 block functions.
 *
 * newlib's strstr() is a two-way string matcher of about 1 KB; the firmware
 * only searches PEM text for its markers (mbedTLS's pem.c, modssl's
 * certificate loading), a few KB for a pattern of a few dozen bytes, where
 * the plain search is as good.  Linked from an object file, this definition
 * keeps newlib's out of the image.  modssl/micropython.cmake compiles
 * ports/<port>/modssl_port.c when a port has one.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

// The block functions fill mbedTLS's documented MBEDTLS_*_PROCESS_ALT hooks,
// which work on its hash contexts.
#define MBEDTLS_ALLOW_PRIVATE_ACCESS
#include "mbedtls/md5.h"
#include "mbedtls/platform_util.h"
#include "mbedtls/sha1.h"

char *strstr(const char *haystack, const char *needle) {
    size_t n = strlen(needle);
    for (;; haystack++) {
        if (strncmp(haystack, needle, n) == 0) {
            return (char *)haystack;
        }
        if (*haystack == '\0') {
            return NULL;
        }
    }
}

// mbedTLS unrolls SHA-1's 80 rounds and MD5's 64 (4.4 KB and 2.5 KB of
// Thumb code); looped, as below, they take a few hundred bytes each.
// hashlib.sha1/md5 and the TLS 1.2 CBC-SHA suites use them; neither is hot
// on a board (ports/rp2/mbedtls_config_port.h enables the hooks).

static inline uint32_t modssl_rol32(uint32_t x, unsigned n) {
    return (x << n) | (x >> (32 - n));
}

#if defined(MBEDTLS_SHA1_PROCESS_ALT)
// FIPS 180-4 section 6.1.2, with the 16-word message schedule of 6.1.3.
// About 2.5 times slower than mbedTLS's unrolled rounds on the M0+ (32 KB in
// 32 ms, docs/flash.md); splitting the loop by round group gains nothing.
int mbedtls_internal_sha1_process(mbedtls_sha1_context *ctx, const unsigned char data[64]) {
    uint32_t w[16];
    for (int i = 0; i < 16; i++) {
        const unsigned char *p = data + 4 * i;
        w[i] = ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
    }
    uint32_t a = ctx->state[0], b = ctx->state[1], c = ctx->state[2], d = ctx->state[3], e = ctx->state[4];
    for (int t = 0; t < 80; t++) {
        if (t >= 16) {
            w[t & 15] = modssl_rol32(w[(t + 13) & 15] ^ w[(t + 8) & 15] ^ w[(t + 2) & 15] ^ w[t & 15], 1);
        }
        uint32_t f, k;
        if (t < 20) {
            f = (b & c) | (~b & d);
            k = 0x5a827999;
        } else if (t < 40) {
            f = b ^ c ^ d;
            k = 0x6ed9eba1;
        } else if (t < 60) {
            f = (b & c) | (b & d) | (c & d);
            k = 0x8f1bbcdc;
        } else {
            f = b ^ c ^ d;
            k = 0xca62c1d6;
        }
        uint32_t next = modssl_rol32(a, 5) + f + e + k + w[t & 15];
        e = d;
        d = c;
        c = modssl_rol32(b, 30);
        b = a;
        a = next;
    }
    ctx->state[0] += a;
    ctx->state[1] += b;
    ctx->state[2] += c;
    ctx->state[3] += d;
    ctx->state[4] += e;
    mbedtls_platform_zeroize(w, sizeof(w));
    return 0;
}
#endif

#if defined(MBEDTLS_MD5_PROCESS_ALT)
// RFC 1321 section 3.4: K[i] = floor(2^32 * abs(sin(i + 1))).
static const uint32_t modssl_md5_k[64] = {
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee,
    0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
    0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be,
    0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
    0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa,
    0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
    0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed,
    0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
    0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c,
    0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
    0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05,
    0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
    0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039,
    0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
    0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1,
    0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391
};
// The left rotations of each round's four steps.
static const uint8_t modssl_md5_r[16] = {7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21};

int mbedtls_internal_md5_process(mbedtls_md5_context *ctx, const unsigned char data[64]) {
    uint32_t x[16];
    for (int i = 0; i < 16; i++) {
        const unsigned char *p = data + 4 * i;
        x[i] = ((uint32_t)p[3] << 24) | ((uint32_t)p[2] << 16) | ((uint32_t)p[1] << 8) | p[0];
    }
    uint32_t a = ctx->state[0], b = ctx->state[1], c = ctx->state[2], d = ctx->state[3];
    for (int i = 0; i < 64; i++) {
        uint32_t f;
        int g;
        switch (i >> 4) {
            case 0:
                f = (b & c) | (~b & d);
                g = i;
                break;
            case 1:
                f = (d & b) | (~d & c);
                g = 5 * i + 1;
                break;
            case 2:
                f = b ^ c ^ d;
                g = 3 * i + 5;
                break;
            default:
                f = c ^ (b | ~d);
                g = 7 * i;
                break;
        }
        uint32_t next = d;
        d = c;
        c = b;
        b += modssl_rol32(a + f + modssl_md5_k[i] + x[g & 15], modssl_md5_r[((i >> 4) << 2) | (i & 3)]);
        a = next;
    }
    ctx->state[0] += a;
    ctx->state[1] += b;
    ctx->state[2] += c;
    ctx->state[3] += d;
    mbedtls_platform_zeroize(x, sizeof(x));
    return 0;
}
#endif
