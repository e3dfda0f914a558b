/*
 * mbedTLS deltas for the rp2 port (bare metal, RP2040 Cortex-M0+), then the
 * shared configuration.  modssl/micropython.cmake makes this the one
 * configuration of the firmware's one mbedTLS: modssl, hashlib and cryptolib
 * all use it.
 *
 * - Memory on the MicroPython GC heap (m_tracked_calloc/free): no C heap on
 *   rp2, and gc.mem_alloc() shows what a connection costs.
 * - Entropy from the port's mbedtls_hardware_poll (ROSC random bits, in
 *   ports/rp2/mbedtls/mbedtls_port.c): there is no OS entropy source.
 * - Time from the RTC (the port's rp2_rtctime_seconds / mbedtls_ms_time):
 *   certificate validity checks need the board's clock set.
 * - Thumb-1 assembly for bignum multiply-accumulate (bn_mul.h).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MODSSL_MBEDTLS_CONFIG_PORT_H
#define MODSSL_MBEDTLS_CONFIG_PORT_H

// The port's mbedtls_port.c includes upstream's rp2 configuration by name
// before this one (mbedtls headers then include ours): drop upstream's
// record sizes, which the shared configuration sets differently, and its
// allocator (ours notes failures, see modssl_calloc), so the redefinition is
// not an error.  Everything else below is defined identically to upstream's,
// which the preprocessor accepts.
#if defined(MICROPY_INCLUDED_MBEDTLS_CONFIG_COMMON_H)
#undef MBEDTLS_SSL_MAX_CONTENT_LEN
#undef MBEDTLS_SSL_IN_CONTENT_LEN
#undef MBEDTLS_SSL_OUT_CONTENT_LEN
#undef MBEDTLS_PLATFORM_STD_CALLOC
#endif

#define MBEDTLS_HAVE_ASM

// Bare metal: no libc entropy, files or std functions.
#define MBEDTLS_PLATFORM_MEMORY
#define MBEDTLS_PLATFORM_NO_STD_FUNCTIONS
#define MBEDTLS_ENTROPY_HARDWARE_ALT
#define MBEDTLS_NO_PLATFORM_ENTROPY

#include <stdlib.h>
#include <stdio.h>
void *m_tracked_calloc(size_t nmemb, size_t size);
void m_tracked_free(void *ptr);
void *modssl_calloc(size_t nmemb, size_t size);
#define MBEDTLS_PLATFORM_STD_CALLOC modssl_calloc
#define MBEDTLS_PLATFORM_STD_FREE m_tracked_free
#define MBEDTLS_PLATFORM_SNPRINTF_MACRO snprintf

// Time from the RTC (implemented by the port).
#include <time.h>
time_t rp2_rtctime_seconds(time_t *timer);
#define MBEDTLS_PLATFORM_TIME_MACRO rp2_rtctime_seconds
#define MBEDTLS_PLATFORM_MS_TIME_ALT mbedtls_ms_time

#include "mbedtls_config_modssl.h"

// Flash.  A Pico has 640 KiB for the firmware; what the shared
// configuration spends and a board can do without (bytes saved on
// MODSSL_PICO in docs/flash.md):
// - SHA-256 and SHA-512 in their compact, looped forms, as upstream's rp2
//   configuration has SHA-256: hashing is a small part of a handshake.
#define MBEDTLS_SHA256_SMALLER
#define MBEDTLS_SHA512_SMALLER
// - AES with one table per direction instead of four (rotated at run time).
#define MBEDTLS_AES_FEWER_TABLES
// - SHA-1 and MD5 block functions looped (ports/rp2/modssl_port.c) instead
//   of mbedTLS's unrolled ones: hashlib's sha1/md5 and CBC-SHA suites only.
#define MBEDTLS_SHA1_PROCESS_ALT
#define MBEDTLS_MD5_PROCESS_ALT
// - No SHA-224 (no TLS signature algorithm of modssl's uses it; certificates
//   signed with it are all but extinct) and no AES-CTR (TLS does not use it;
//   cryptolib's MODE_CTR is off on rp2: a board that turns it on defines
//   MODSSL_WANT_AES_CTR).
#undef MBEDTLS_SHA224_C
#ifndef MODSSL_WANT_AES_CTR
#undef MBEDTLS_CIPHER_MODE_CTR
#endif
// Features a board leaves out unless its build asks for them with
// MODSSL_WANT_<feature> (mpconfigboard.cmake:
// add_compile_definitions(MODSSL_WANT_RSA_KEY_EXCHANGE)):
// - TLS 1.2 static-RSA key exchange (TLS_RSA_WITH_*: no forward secrecy,
//   not in CPython's or modssl's default suites; servers that offer nothing
//   else are rare).
#ifndef MODSSL_WANT_RSA_KEY_EXCHANGE
#undef MBEDTLS_KEY_EXCHANGE_RSA_ENABLED
#endif
// - NIST P-521, for ECDHE and certificate signatures (public CAs sign with
//   RSA, P-256 and P-384, which stay).
#ifndef MODSSL_WANT_SECP521R1
#undef MBEDTLS_ECP_DP_SECP521R1_ENABLED
#endif
// - TLS 1.2 CBC suites (ECDHE-*-CBC, PSK-*-CBC: MAC-then-encrypt records,
//   Lucky 13 constant-time MAC, Encrypt-then-MAC).  Never in modssl's default
//   suites (set_ciphers() opt-in); every peer that has them has AEAD too.
//   The legacy CBC mode stays for encrypted PEM / PKCS#8 keys and cryptolib:
//   under MBEDTLS_USE_PSA_CRYPTO TLS has CBC only through PSA's
//   CBC_NO_PADDING, which mbedtls_psa_config_modssl.h leaves out then.
#ifndef MODSSL_WANT_CBC_SUITES
#define MODSSL_NO_TLS_CBC_SUITES
#undef MBEDTLS_SSL_ENCRYPT_THEN_MAC
#endif
// - No generic cipher layer (cipher.c, cipher_wrap.c) without CBC suites: PSA
//   then has no unauthenticated cipher mode, TLS uses PSA's AEADs, GCM/CCM
//   sit on block_cipher.c (mbedTLS enables it without MBEDTLS_CIPHER_C), and
//   PBES2 (encrypted PKCS#8 keys) decrypts AES-CBC on the AES module
//   (patch 0058).  PEM's own encryption and cryptolib use aes.c directly.
#ifdef MODSSL_NO_TLS_CBC_SUITES
#undef MBEDTLS_CIPHER_C
#endif
// - One DRBG, not two: PSA's random generator (every random byte modssl and
//   TLS use, through mbedtls_psa_get_random) on HMAC_DRBG with SHA-256, which
//   deterministic ECDSA links anyway, instead of CTR_DRBG over AES.  Nothing
//   else in the firmware uses CTR_DRBG (upstream's `tls` is not compiled).
#undef MBEDTLS_CTR_DRBG_C

// - mbedTLS's default suite preference list names every suite it knows
//   (191 ids, 764 bytes) and copies the compiled ones into a RAM table on
//   first use.  The compiled ones, in mbedTLS's own order, instead: exactly
//   what mbedtls_ssl_list_ciphersuites() returned before (checked when
//   written: the suites of this configuration, with and without
//   MODSSL_WANT_RSA_KEY_EXCHANGE).  A change to the suites compiled above
//   (key exchanges, ciphers, CBC) must change this list too; CBC suites are
//   in it only without MODSSL_NO_TLS_CBC_SUITES (MODSSL_SUITE_CBC).
#ifdef MODSSL_NO_TLS_CBC_SUITES
#define MODSSL_SUITE_CBC(id)
#else
#define MODSSL_SUITE_CBC(id) id,
#endif
#ifdef MODSSL_WANT_RSA_KEY_EXCHANGE
#define MODSSL_SUITES_RSA_KEY_EXCHANGE \
    MBEDTLS_TLS_RSA_WITH_AES_256_GCM_SHA384, \
    MBEDTLS_TLS_RSA_WITH_AES_256_CCM, \
    MODSSL_SUITE_CBC(MBEDTLS_TLS_RSA_WITH_AES_256_CBC_SHA256) \
    MODSSL_SUITE_CBC(MBEDTLS_TLS_RSA_WITH_AES_256_CBC_SHA) \
    MBEDTLS_TLS_RSA_WITH_AES_256_CCM_8, \
    MBEDTLS_TLS_RSA_WITH_AES_128_GCM_SHA256, \
    MBEDTLS_TLS_RSA_WITH_AES_128_CCM, \
    MODSSL_SUITE_CBC(MBEDTLS_TLS_RSA_WITH_AES_128_CBC_SHA256) \
    MODSSL_SUITE_CBC(MBEDTLS_TLS_RSA_WITH_AES_128_CBC_SHA) \
    MBEDTLS_TLS_RSA_WITH_AES_128_CCM_8, \

#else
#define MODSSL_SUITES_RSA_KEY_EXCHANGE
#endif
#define MBEDTLS_SSL_CIPHERSUITES \
    MBEDTLS_TLS1_3_CHACHA20_POLY1305_SHA256, \
    MBEDTLS_TLS1_3_AES_256_GCM_SHA384, \
    MBEDTLS_TLS1_3_AES_128_GCM_SHA256, \
    MBEDTLS_TLS1_3_AES_128_CCM_SHA256, \
    MBEDTLS_TLS1_3_AES_128_CCM_8_SHA256, \
    MBEDTLS_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, \
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, \
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, \
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, \
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_CCM, \
    MODSSL_SUITE_CBC(MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384) \
    MODSSL_SUITE_CBC(MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384) \
    MODSSL_SUITE_CBC(MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA) \
    MODSSL_SUITE_CBC(MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA) \
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8, \
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, \
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, \
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_CCM, \
    MODSSL_SUITE_CBC(MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256) \
    MODSSL_SUITE_CBC(MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256) \
    MODSSL_SUITE_CBC(MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA) \
    MODSSL_SUITE_CBC(MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA) \
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8, \
    MBEDTLS_TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256, \
    MODSSL_SUITE_CBC(MBEDTLS_TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA384) \
    MODSSL_SUITE_CBC(MBEDTLS_TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA) \
    MODSSL_SUITE_CBC(MBEDTLS_TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256) \
    MODSSL_SUITE_CBC(MBEDTLS_TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA) \
    MODSSL_SUITES_RSA_KEY_EXCHANGE \
    MBEDTLS_TLS_PSK_WITH_CHACHA20_POLY1305_SHA256, \
    MBEDTLS_TLS_PSK_WITH_AES_256_GCM_SHA384, \
    MBEDTLS_TLS_PSK_WITH_AES_256_CCM, \
    MODSSL_SUITE_CBC(MBEDTLS_TLS_PSK_WITH_AES_256_CBC_SHA384) \
    MODSSL_SUITE_CBC(MBEDTLS_TLS_PSK_WITH_AES_256_CBC_SHA) \
    MBEDTLS_TLS_PSK_WITH_AES_256_CCM_8, \
    MBEDTLS_TLS_PSK_WITH_AES_128_GCM_SHA256, \
    MBEDTLS_TLS_PSK_WITH_AES_128_CCM, \
    MODSSL_SUITE_CBC(MBEDTLS_TLS_PSK_WITH_AES_128_CBC_SHA256) \
    MODSSL_SUITE_CBC(MBEDTLS_TLS_PSK_WITH_AES_128_CBC_SHA) \
    MBEDTLS_TLS_PSK_WITH_AES_128_CCM_8

#endif // MODSSL_MBEDTLS_CONFIG_PORT_H
