/*
 * The read accessors patches/mbedtls/0040 adds to mbedTLS's ssl.h, for an
 * mbedTLS that does not have the project's patches: ESP-IDF's, which the
 * esp32 build links (modssl/micropython.cmake).  The one place outside
 * mbedTLS that reads these private fields.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MODSSL_MBEDTLS_ACCESSORS_H
#define MODSSL_MBEDTLS_ACCESSORS_H

#include "mbedtls/ssl.h"

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

#endif // MODSSL_MBEDTLS_ACCESSORS_H
