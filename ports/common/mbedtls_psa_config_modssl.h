/*
 * The PSA_WANT_* set of every modssl firmware (MBEDTLS_PSA_CRYPTO_CONFIG,
 * included by mbedTLS after mbedtls_config_modssl.h and the port's deltas).
 *
 * Without this file mbedTLS derives PSA_WANT_* from the legacy modules
 * (config_adjust_psa_from_legacy.h), so PSA carries every algorithm those
 * modules could serve.  Here is only what reaches PSA: the TLS 1.2/1.3 and
 * DTLS stack under MBEDTLS_USE_PSA_CRYPTO (library/ssl_*.c, pk_wrap.c),
 * modssl (ssl_testhooks.c) and PSA's own RNG.  hashlib, cryptolib and
 * PKCS#5 call the legacy modules directly and are not affected.
 *
 * Left out (each was on before, never asked of PSA): ECB and CBC-PKCS7
 * (TLS CBC suites use CBC_NO_PADDING), CCM* without tag, the raw ChaCha20
 * stream cipher, full HKDF (TLS 1.3 uses HKDF-Extract and HKDF-Expand
 * separately), RSA-OAEP, EC J-PAKE, password key types, EC key derivation.
 * RSA PKCS#1 v1.5 encryption only with TLS 1.2's static-RSA key exchange.
 *
 * Hashes: mbedTLS adds a PSA_WANT_ALG_* for every legacy hash module that is
 * compiled (config_adjust_psa_superset_legacy.h): SHA-224 and MD5 follow the
 * port's MBEDTLS_*_C.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MODSSL_MBEDTLS_PSA_CONFIG_MODSSL_H
#define MODSSL_MBEDTLS_PSA_CONFIG_MODSSL_H

// Record protection (TLS 1.2, 1.3, DTLS) and tickets/cookies.
#define PSA_WANT_ALG_GCM                        1
#define PSA_WANT_ALG_CCM                        1
#define PSA_WANT_ALG_CHACHA20_POLY1305          1
// TLS 1.2's CBC suites; a port may leave them out (MODSSL_NO_TLS_CBC_SUITES,
// ports/rp2) while keeping the legacy CBC mode for PEM, PKCS#5 and cryptolib.
#if defined(MBEDTLS_CIPHER_MODE_CBC) && !defined(MODSSL_NO_TLS_CBC_SUITES)
#define PSA_WANT_ALG_CBC_NO_PADDING             1
#endif
#define PSA_WANT_ALG_HMAC                       1
#define PSA_WANT_KEY_TYPE_AES                   1
#define PSA_WANT_KEY_TYPE_CHACHA20              1
#define PSA_WANT_KEY_TYPE_HMAC                  1

// Key schedules: TLS 1.2 PRF (and PSK), TLS 1.3 HKDF.
#define PSA_WANT_ALG_TLS12_PRF                  1
#define PSA_WANT_ALG_TLS12_PSK_TO_MS            1
#define PSA_WANT_ALG_HKDF_EXTRACT               1
#define PSA_WANT_ALG_HKDF_EXPAND                1
#define PSA_WANT_KEY_TYPE_DERIVE                1
#define PSA_WANT_KEY_TYPE_RAW_DATA              1

// Hashes (transcripts, signatures).
#define PSA_WANT_ALG_SHA_1                      1
#define PSA_WANT_ALG_SHA_256                    1
#define PSA_WANT_ALG_SHA_384                    1
#define PSA_WANT_ALG_SHA_512                    1

// (EC)DHE and ECDSA on the curves the port compiles.
#define PSA_WANT_ALG_ECDH                       1
#define PSA_WANT_ALG_ECDSA                      1
#define PSA_WANT_ALG_DETERMINISTIC_ECDSA        1
#if defined(MBEDTLS_ECP_DP_CURVE25519_ENABLED)
#define PSA_WANT_ECC_MONTGOMERY_255             1
#endif
#if defined(MBEDTLS_ECP_DP_SECP256R1_ENABLED)
#define PSA_WANT_ECC_SECP_R1_256                1
#endif
#if defined(MBEDTLS_ECP_DP_SECP384R1_ENABLED)
#define PSA_WANT_ECC_SECP_R1_384                1
#endif
#if defined(MBEDTLS_ECP_DP_SECP521R1_ENABLED)
#define PSA_WANT_ECC_SECP_R1_521                1
#endif
#define PSA_WANT_KEY_TYPE_ECC_PUBLIC_KEY        1
#define PSA_WANT_KEY_TYPE_ECC_KEY_PAIR_BASIC    1
#define PSA_WANT_KEY_TYPE_ECC_KEY_PAIR_IMPORT   1
#define PSA_WANT_KEY_TYPE_ECC_KEY_PAIR_EXPORT   1
#define PSA_WANT_KEY_TYPE_ECC_KEY_PAIR_GENERATE 1

// RSA: pk signs and verifies with RSA keys through the RSA module
// (MODSSL_PK_LEGACY_SIGN, patches/mbedtls/0065), so PSA needs RSA only for
// TLS 1.2's static-RSA key exchange (PKCS#1 v1.5 encryption).  TLS's RSA
// signature algorithms follow MBEDTLS_RSA_C and MBEDTLS_PKCS1_V15/V21, not
// these; in mbedTLS only PSA's own code and pk's opaque-key wrappers read
// them.  Without RSA key types PSA's largest public key is an EC point, so
// each handshake's peer-key buffer (PSA_EXPORT_PUBLIC_KEY_MAX_SIZE) shrinks.
#if !defined(MODSSL_PK_LEGACY_SIGN)
#define PSA_WANT_ALG_RSA_PKCS1V15_SIGN          1
#define PSA_WANT_ALG_RSA_PSS                    1
#endif
#if defined(MBEDTLS_KEY_EXCHANGE_RSA_ENABLED)
#define PSA_WANT_ALG_RSA_PKCS1V15_CRYPT         1
#endif
#if !defined(MODSSL_PK_LEGACY_SIGN) || defined(MBEDTLS_KEY_EXCHANGE_RSA_ENABLED)
#define PSA_WANT_KEY_TYPE_RSA_PUBLIC_KEY        1
#define PSA_WANT_KEY_TYPE_RSA_KEY_PAIR_BASIC    1
#define PSA_WANT_KEY_TYPE_RSA_KEY_PAIR_IMPORT   1
#define PSA_WANT_KEY_TYPE_RSA_KEY_PAIR_EXPORT   1
#endif

#endif // MODSSL_MBEDTLS_PSA_CONFIG_MODSSL_H
