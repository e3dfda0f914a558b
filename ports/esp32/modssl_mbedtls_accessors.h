/*
 * The read accessors patches/mbedtls/0040-0042 and 0068 add to mbedTLS, for an
 * mbedTLS that does not have the project's patches: ESP-IDF's, which the
 * esp32 build links (modssl/micropython.cmake).  The one place outside
 * mbedTLS that reads these private fields.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MODSSL_MBEDTLS_ACCESSORS_H
#define MODSSL_MBEDTLS_ACCESSORS_H

#include "mbedtls/ssl.h"
#include "mbedtls/ssl_ciphersuites.h"
#include "mbedtls/x509_crt.h"

#if !defined(MODSSL_MBEDTLS_SSL_ACCESSORS)
static inline int mbedtls_ssl_get_out_msgtype(const mbedtls_ssl_context *ssl) {
    return ssl->MBEDTLS_PRIVATE(out_msgtype);
}

static inline const unsigned char *mbedtls_ssl_get_in_hdr(const mbedtls_ssl_context *ssl) {
    return ssl->MBEDTLS_PRIVATE(in_hdr);
}

static inline const unsigned char *mbedtls_ssl_get_in_msg(const mbedtls_ssl_context *ssl, size_t *hslen) {
    if (hslen != NULL) {
        *hslen = ssl->MBEDTLS_PRIVATE(in_hslen);
    }
    return ssl->MBEDTLS_PRIVATE(in_msg);
}
#endif

#if !defined(MODSSL_MBEDTLS_SSL_STATE_ACCESSOR)
static inline mbedtls_ssl_states mbedtls_ssl_get_state(const mbedtls_ssl_context *ssl) {
    return (mbedtls_ssl_states)ssl->MBEDTLS_PRIVATE(state);
}
#endif

#if !defined(MODSSL_MBEDTLS_X509_ACCESSORS)
static inline int mbedtls_x509_crt_get_max_pathlen(const mbedtls_x509_crt *crt) {
    return crt->MBEDTLS_PRIVATE(max_pathlen);
}
#endif

#if !defined(MODSSL_MBEDTLS_SUITE_ACCESSORS)
static inline mbedtls_cipher_type_t mbedtls_ssl_ciphersuite_get_cipher(const mbedtls_ssl_ciphersuite_t *info) {
    return (mbedtls_cipher_type_t)info->MBEDTLS_PRIVATE(cipher);
}

static inline mbedtls_md_type_t mbedtls_ssl_ciphersuite_get_mac(const mbedtls_ssl_ciphersuite_t *info) {
    return (mbedtls_md_type_t)info->MBEDTLS_PRIVATE(mac);
}

static inline mbedtls_key_exchange_type_t mbedtls_ssl_ciphersuite_get_key_exchange(const mbedtls_ssl_ciphersuite_t *info) {
    return (mbedtls_key_exchange_type_t)info->MBEDTLS_PRIVATE(key_exchange);
}

static inline int mbedtls_ssl_ciphersuite_get_flags(const mbedtls_ssl_ciphersuite_t *info) {
    return info->MBEDTLS_PRIVATE(flags);
}
#endif

#endif // MODSSL_MBEDTLS_ACCESSORS_H
