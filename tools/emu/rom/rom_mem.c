/*
 * Bit and memory routines of the emulator ROM (codes P3 R3 L3 T3, MS S4 MC C4).
 * The SDK's pico_bit_ops and pico_mem_ops route __clzsi2, memcpy, memset, ...
 * through these, so they are on every hot path: word-at-a-time when aligned.
 */
#include <stddef.h>
#include <stdint.h>

uint32_t rom_popcount32(uint32_t v) {
    v = v - ((v >> 1) & 0x55555555u);
    v = (v & 0x33333333u) + ((v >> 2) & 0x33333333u);
    v = (v + (v >> 4)) & 0x0f0f0f0fu;
    return (v * 0x01010101u) >> 24;
}

uint32_t rom_reverse32(uint32_t v) {
    v = ((v >> 1) & 0x55555555u) | ((v & 0x55555555u) << 1);
    v = ((v >> 2) & 0x33333333u) | ((v & 0x33333333u) << 2);
    v = ((v >> 4) & 0x0f0f0f0fu) | ((v & 0x0f0f0f0fu) << 4);
    v = ((v >> 8) & 0x00ff00ffu) | ((v & 0x00ff00ffu) << 8);
    return (v >> 16) | (v << 16);
}

uint32_t rom_clz32(uint32_t v) {
    uint32_t n = 32;
    for (uint32_t shift = 16; shift; shift >>= 1) {
        if (v >> shift) {
            v >>= shift;
            n -= shift;
        }
    }
    return n - v;  // v is now 0 or 1
}

uint32_t rom_ctz32(uint32_t v) {
    if (v == 0) {
        return 32;
    }
    return 31 - rom_clz32(v & -v);
}

void *rom_memset(void *ptr, int c, size_t n) {
    uint8_t *p = ptr;
    uint32_t word = (uint8_t)c * 0x01010101u;
    while (n && ((uintptr_t)p & 3)) {
        *p++ = (uint8_t)c;
        n--;
    }
    for (; n >= 4; n -= 4, p += 4) {
        *(uint32_t *)p = word;
    }
    while (n--) {
        *p++ = (uint8_t)c;
    }
    return ptr;
}

void *rom_memset4(uint32_t *ptr, uint8_t c, size_t n) {
    return rom_memset(ptr, c, n);
}

void *rom_memcpy(void *dest, const void *src, size_t n) {
    uint8_t *d = dest;
    const uint8_t *s = src;
    if ((((uintptr_t)d ^ (uintptr_t)s) & 3) == 0) {
        while (n && ((uintptr_t)d & 3)) {
            *d++ = *s++;
            n--;
        }
        for (; n >= 4; n -= 4, d += 4, s += 4) {
            *(uint32_t *)d = *(const uint32_t *)s;
        }
    }
    while (n--) {
        *d++ = *s++;
    }
    return dest;
}

void *rom_memcpy44(uint32_t *dest, const uint32_t *src, size_t n) {
    return rom_memcpy(dest, src, n);
}
