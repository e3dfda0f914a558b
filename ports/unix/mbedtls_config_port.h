/*
 * mbedTLS deltas for the unix port, then the shared configuration.
 *
 * Memory: by default mbedTLS allocates on the MicroPython GC heap through
 * m_tracked_calloc, as on a board, so gc.mem_alloc() shows a connection's
 * real cost and the unix firmware emulates a board's RAM use.  The sanitizer
 * build (MODSSL_LIBC_ALLOC) uses libc malloc so AddressSanitizer sees every
 * mbedTLS buffer.  Entropy and time come from the OS.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MODSSL_MBEDTLS_CONFIG_PORT_H
#define MODSSL_MBEDTLS_CONFIG_PORT_H

#define MBEDTLS_HAVE_ASM
#if defined(__x86_64__) || defined(__i386__)
#define MBEDTLS_AESNI_C
#endif

#if !defined(MODSSL_LIBC_ALLOC)
#include <stddef.h>
void *m_tracked_calloc(size_t nmemb, size_t size);
void m_tracked_free(void *ptr);
#define MBEDTLS_PLATFORM_MEMORY
void *modssl_calloc(size_t nmemb, size_t size);
#define MBEDTLS_PLATFORM_STD_CALLOC modssl_calloc
#define MBEDTLS_PLATFORM_STD_FREE m_tracked_free
#endif

#include "mbedtls_config_modssl.h"

#endif // MODSSL_MBEDTLS_CONFIG_PORT_H
