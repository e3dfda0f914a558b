/*
 * Test-only functions, compiled into the unix firmware (MODSSL_TEST_HOOKS,
 * modssl/micropython.mk) so host_tests/ can check primitives against
 * known-answer vectors; board firmware leaves them out.
 *
 * tls._x25519(scalar, u=None): X25519 through PSA, the path TLS 1.3 takes.
 * With u, the shared secret of psa_raw_key_agreement(); without, the public
 * key from psa_export_public_key() (scalar times the base point 9).  The
 * scalar is clamped on import (RFC 7748); a low-order u is a ValueError.
 *
 * SPDX-License-Identifier: MIT
 */
#include "py/runtime.h"

#include "modssl.h"

#if MODSSL_TEST_HOOKS

#include "psa/crypto.h"

static const byte *x25519_arg(mp_obj_t arg, const char *what) {
    mp_buffer_info_t buf;
    mp_get_buffer_raise(arg, &buf, MP_BUFFER_READ);
    if (buf.len != 32) {
        mp_raise_msg_varg(&mp_type_ValueError, MP_ERROR_TEXT("_x25519: %s must be 32 bytes"), what);
    }
    return buf.buf;
}

static mp_obj_t modssl_x25519(size_t n_args, const mp_obj_t *args) {
    const byte *scalar = x25519_arg(args[0], "scalar");
    const byte *u = NULL;
    if (n_args > 1 && args[1] != mp_const_none) {
        u = x25519_arg(args[1], "u");
    }
    modssl_psa_init();

    psa_key_attributes_t attr = PSA_KEY_ATTRIBUTES_INIT;
    psa_set_key_type(&attr, PSA_KEY_TYPE_ECC_KEY_PAIR(PSA_ECC_FAMILY_MONTGOMERY));
    psa_set_key_bits(&attr, 255);
    psa_set_key_usage_flags(&attr, PSA_KEY_USAGE_DERIVE | PSA_KEY_USAGE_EXPORT);
    psa_set_key_algorithm(&attr, PSA_ALG_ECDH);
    mbedtls_svc_key_id_t key;
    psa_status_t status = psa_import_key(&attr, scalar, 32, &key);
    if (status != PSA_SUCCESS) {
        mp_raise_msg_varg(&mp_type_ValueError, MP_ERROR_TEXT("_x25519: scalar not accepted (%d)"), (int)status);
    }
    byte out[32];
    size_t out_len = 0;
    if (u == NULL) {
        status = psa_export_public_key(key, out, sizeof(out), &out_len);
    } else {
        status = psa_raw_key_agreement(PSA_ALG_ECDH, key, u, 32, out, sizeof(out), &out_len);
    }
    psa_destroy_key(key);
    if (status != PSA_SUCCESS || out_len != sizeof(out)) {
        mp_raise_msg_varg(&mp_type_ValueError, MP_ERROR_TEXT("_x25519: %s failed (%d)"),
            u == NULL ? "public key" : "key agreement", (int)status);
    }
    return mp_obj_new_bytes(out, sizeof(out));
}
MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(modssl_x25519_obj, 1, 2, modssl_x25519);

#endif // MODSSL_TEST_HOOKS
