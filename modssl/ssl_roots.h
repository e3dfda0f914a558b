/*
 * modssl: the built-in root store (ssl_roots.c).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MODSSL_SSL_ROOTS_H
#define MODSSL_SSL_ROOTS_H

#include "modssl.h"

// MODSSL_ROOT_STORE: the build compiled a table of roots into the firmware
// (tools/modssl_harness/roots_gen.py).  Without it load_default_certs()
// and set_default_verify_paths() exist and load nothing.
#ifndef MODSSL_ROOT_STORE
#define MODSSL_ROOT_STORE (0)
#endif

// SSLContext methods (entries of ssl_context.c's locals dict).
MP_DECLARE_CONST_FUN_OBJ_KW(modssl_context_load_default_certs_obj);
MP_DECLARE_CONST_FUN_OBJ_1(modssl_context_set_default_verify_paths_obj);
MP_DECLARE_CONST_FUN_OBJ_1(modssl_context_cert_store_stats_obj);
MP_DECLARE_CONST_FUN_OBJ_KW(modssl_context_get_ca_certs_obj);

// After mbedtls_ssl_conf_ca_chain(): a context that trusts the store keeps
// mbedTLS's trusted-CA callback, which serves the loaded CAs as well.
void modssl_roots_apply(mp_obj_ssl_context_t *ctx);

// A root with this subject (DER Name) in the store the context uses: its
// max_pathlen as mbedTLS counts it (pathLen + 1, 0 for none); -1 if none.
int modssl_roots_max_pathlen(const mp_obj_ssl_context_t *ctx, const mbedtls_x509_buf *name);

#if MODSSL_TEST_HOOKS
// tls._roots(table=...) and tls._roots_lookup(subject): test-only.
extern const mp_obj_fun_builtin_var_t modssl_roots_table_obj;
extern const mp_obj_fun_builtin_fixed_t modssl_roots_lookup_obj;
#endif

#endif // MODSSL_SSL_ROOTS_H
