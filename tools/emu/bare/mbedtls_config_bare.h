/*
 * mbedtls_main.c's configuration: the rp2 firmware's (ports/rp2), without
 * modssl's own elliptic-curve code (MODSSL_ECP_*), so ecp.c runs its generic
 * code as a stock build does.
 *
 * SPDX-License-Identifier: MIT
 */
#include "mbedtls_config_port.h"

#undef MODSSL_ECP_X25519
#undef MODSSL_ECP_P256_MULADD
#undef MODSSL_ECP_P256_MUL
