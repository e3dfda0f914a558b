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
 * tls._p256_verify(public_key, hash, signature): psa_verify_hash() with
 * ECDSA on P-256 (65-byte uncompressed key, 32-byte hash, r || s): True or
 * False; a key PSA refuses is a ValueError.
 *
 * tls._p256_muladd(m, P, n, Q): mbedtls_ecp_muladd() on secp256r1 (scalars
 * as big-endian bytes, points uncompressed): the point, or None for the
 * point at infinity; an mbedTLS error is a ValueError with its code.
 *
 * tls._p256_ecdh(private, peer=None), tls._p256_sign(private, hash,
 * deterministic=False), tls._p256_generate(): P-256 through PSA, the paths of
 * TLS's ECDHE and ECDSA signing (all through mbedtls_ecp_mul(), i.e.
 * modssl/ec_p256.c's constant-time k P).  _p256_ecdh: with peer (65 bytes,
 * uncompressed), the shared secret of psa_raw_key_agreement(); without, the
 * public key from psa_export_public_key() (private times G).  _p256_sign:
 * r || s from psa_sign_hash() with ECDSA (or deterministic ECDSA) over a
 * SHA-256 hash.  _p256_generate: (private, public) of psa_generate_key().
 * What PSA refuses is a ValueError with its status.
 *
 * tls._cipher_suites(): [(id, name), ...] for every suite the library lists
 * (mbedtls_ssl_list_ciphersuites()), named as get_ciphers() and cipher()
 * name them, so a test can check each name against its IANA id.
 *
 * SPDX-License-Identifier: MIT
 */
#include "py/runtime.h"

#include "modssl.h"

#if MODSSL_TEST_HOOKS

#include "psa/crypto.h"
#include "mbedtls/ecp.h"

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

static mp_obj_t modssl_p256_verify(mp_obj_t key_in, mp_obj_t hash_in, mp_obj_t sig_in) {
    mp_buffer_info_t key, hash, sig;
    mp_get_buffer_raise(key_in, &key, MP_BUFFER_READ);
    mp_get_buffer_raise(hash_in, &hash, MP_BUFFER_READ);
    mp_get_buffer_raise(sig_in, &sig, MP_BUFFER_READ);
    modssl_psa_init();
    psa_key_attributes_t attr = PSA_KEY_ATTRIBUTES_INIT;
    psa_set_key_type(&attr, PSA_KEY_TYPE_ECC_PUBLIC_KEY(PSA_ECC_FAMILY_SECP_R1));
    psa_set_key_bits(&attr, 256);
    psa_set_key_usage_flags(&attr, PSA_KEY_USAGE_VERIFY_HASH);
    psa_set_key_algorithm(&attr, PSA_ALG_ECDSA(PSA_ALG_SHA_256));
    mbedtls_svc_key_id_t id;
    psa_status_t status = psa_import_key(&attr, key.buf, key.len, &id);
    if (status != PSA_SUCCESS) {
        mp_raise_msg_varg(&mp_type_ValueError, MP_ERROR_TEXT("_p256_verify: public key not accepted (%d)"), (int)status);
    }
    status = psa_verify_hash(id, PSA_ALG_ECDSA(PSA_ALG_SHA_256), hash.buf, hash.len, sig.buf, sig.len);
    psa_destroy_key(id);
    if (status != PSA_SUCCESS && status != PSA_ERROR_INVALID_SIGNATURE) {
        mp_raise_msg_varg(&mp_type_ValueError, MP_ERROR_TEXT("_p256_verify: failed (%d)"), (int)status);
    }
    return mp_obj_new_bool(status == PSA_SUCCESS);
}
MP_DEFINE_CONST_FUN_OBJ_3(modssl_p256_verify_obj, modssl_p256_verify);

static mp_obj_t modssl_p256_muladd(size_t n_args, const mp_obj_t *args) {
    (void)n_args;
    mp_buffer_info_t buf[4];
    for (int i = 0; i < 4; i++) {
        mp_get_buffer_raise(args[i], &buf[i], MP_BUFFER_READ);
    }
    mbedtls_ecp_group grp;
    mbedtls_ecp_point P, Q, R;
    mbedtls_mpi m, n;
    mbedtls_ecp_group_init(&grp);
    mbedtls_ecp_point_init(&P);
    mbedtls_ecp_point_init(&Q);
    mbedtls_ecp_point_init(&R);
    mbedtls_mpi_init(&m);
    mbedtls_mpi_init(&n);
    int ret = mbedtls_ecp_group_load(&grp, MBEDTLS_ECP_DP_SECP256R1);
    if (ret == 0) {
        ret = mbedtls_mpi_read_binary(&m, buf[0].buf, buf[0].len);
    }
    if (ret == 0) {
        ret = mbedtls_ecp_point_read_binary(&grp, &P, buf[1].buf, buf[1].len);
    }
    if (ret == 0) {
        ret = mbedtls_mpi_read_binary(&n, buf[2].buf, buf[2].len);
    }
    if (ret == 0) {
        ret = mbedtls_ecp_point_read_binary(&grp, &Q, buf[3].buf, buf[3].len);
    }
    if (ret == 0) {
        ret = mbedtls_ecp_muladd(&grp, &R, &m, &P, &n, &Q);
    }
    byte out[65];
    size_t out_len = 0;
    bool infinity = false;
    if (ret == 0) {
        infinity = mbedtls_ecp_is_zero(&R);
        if (!infinity) {
            ret = mbedtls_ecp_point_write_binary(&grp, &R, MBEDTLS_ECP_PF_UNCOMPRESSED, &out_len, out, sizeof(out));
        }
    }
    mbedtls_ecp_group_free(&grp);
    mbedtls_ecp_point_free(&P);
    mbedtls_ecp_point_free(&Q);
    mbedtls_ecp_point_free(&R);
    mbedtls_mpi_free(&m);
    mbedtls_mpi_free(&n);
    if (ret != 0) {
        mp_raise_msg_varg(&mp_type_ValueError, MP_ERROR_TEXT("_p256_muladd: error -0x%04x"), -ret);
    }
    return infinity ? mp_const_none : mp_obj_new_bytes(out, out_len);
}
MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(modssl_p256_muladd_obj, 4, 4, modssl_p256_muladd);

static mbedtls_svc_key_id_t p256_import(mp_obj_t private_in, psa_key_usage_t usage, psa_algorithm_t alg) {
    mp_buffer_info_t key;
    mp_get_buffer_raise(private_in, &key, MP_BUFFER_READ);
    modssl_psa_init();
    psa_key_attributes_t attr = PSA_KEY_ATTRIBUTES_INIT;
    psa_set_key_type(&attr, PSA_KEY_TYPE_ECC_KEY_PAIR(PSA_ECC_FAMILY_SECP_R1));
    psa_set_key_bits(&attr, 256);
    psa_set_key_usage_flags(&attr, usage | PSA_KEY_USAGE_EXPORT);
    psa_set_key_algorithm(&attr, alg);
    mbedtls_svc_key_id_t id;
    psa_status_t status = psa_import_key(&attr, key.buf, key.len, &id);
    if (status != PSA_SUCCESS) {
        mp_raise_msg_varg(&mp_type_ValueError, MP_ERROR_TEXT("_p256: private key not accepted (%d)"), (int)status);
    }
    return id;
}

static mp_obj_t modssl_p256_ecdh(size_t n_args, const mp_obj_t *args) {
    mbedtls_svc_key_id_t id = p256_import(args[0], PSA_KEY_USAGE_DERIVE, PSA_ALG_ECDH);
    byte out[65];
    size_t out_len = 0;
    psa_status_t status;
    if (n_args < 2 || args[1] == mp_const_none) {
        status = psa_export_public_key(id, out, sizeof(out), &out_len);
    } else {
        mp_buffer_info_t peer;
        mp_get_buffer_raise(args[1], &peer, MP_BUFFER_READ);
        status = psa_raw_key_agreement(PSA_ALG_ECDH, id, peer.buf, peer.len, out, sizeof(out), &out_len);
    }
    psa_destroy_key(id);
    if (status != PSA_SUCCESS) {
        mp_raise_msg_varg(&mp_type_ValueError, MP_ERROR_TEXT("_p256_ecdh: failed (%d)"), (int)status);
    }
    return mp_obj_new_bytes(out, out_len);
}
MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(modssl_p256_ecdh_obj, 1, 2, modssl_p256_ecdh);

static mp_obj_t modssl_p256_sign(size_t n_args, const mp_obj_t *args) {
    psa_algorithm_t alg = n_args > 2 && mp_obj_is_true(args[2])
        ? PSA_ALG_DETERMINISTIC_ECDSA(PSA_ALG_SHA_256) : PSA_ALG_ECDSA(PSA_ALG_SHA_256);
    mp_buffer_info_t hash;
    mp_get_buffer_raise(args[1], &hash, MP_BUFFER_READ);
    mbedtls_svc_key_id_t id = p256_import(args[0], PSA_KEY_USAGE_SIGN_HASH, alg);
    byte sig[64];
    size_t sig_len = 0;
    psa_status_t status = psa_sign_hash(id, alg, hash.buf, hash.len, sig, sizeof(sig), &sig_len);
    psa_destroy_key(id);
    if (status != PSA_SUCCESS) {
        mp_raise_msg_varg(&mp_type_ValueError, MP_ERROR_TEXT("_p256_sign: failed (%d)"), (int)status);
    }
    return mp_obj_new_bytes(sig, sig_len);
}
MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(modssl_p256_sign_obj, 2, 3, modssl_p256_sign);

static mp_obj_t modssl_p256_generate(void) {
    modssl_psa_init();
    psa_key_attributes_t attr = PSA_KEY_ATTRIBUTES_INIT;
    psa_set_key_type(&attr, PSA_KEY_TYPE_ECC_KEY_PAIR(PSA_ECC_FAMILY_SECP_R1));
    psa_set_key_bits(&attr, 256);
    psa_set_key_usage_flags(&attr, PSA_KEY_USAGE_DERIVE | PSA_KEY_USAGE_EXPORT);
    psa_set_key_algorithm(&attr, PSA_ALG_ECDH);
    mbedtls_svc_key_id_t id;
    psa_status_t status = psa_generate_key(&attr, &id);
    byte priv[32], pub[65];
    size_t priv_len = 0, pub_len = 0;
    if (status == PSA_SUCCESS) {
        status = psa_export_key(id, priv, sizeof(priv), &priv_len);
        if (status == PSA_SUCCESS) {
            status = psa_export_public_key(id, pub, sizeof(pub), &pub_len);
        }
        psa_destroy_key(id);
    }
    if (status != PSA_SUCCESS) {
        mp_raise_msg_varg(&mp_type_ValueError, MP_ERROR_TEXT("_p256_generate: failed (%d)"), (int)status);
    }
    mp_obj_t items[2] = { mp_obj_new_bytes(priv, priv_len), mp_obj_new_bytes(pub, pub_len) };
    return mp_obj_new_tuple(2, items);
}
MP_DEFINE_CONST_FUN_OBJ_0(modssl_p256_generate_obj, modssl_p256_generate);

static mp_obj_t modssl_cipher_suites(void) {
    mp_obj_t list = mp_obj_new_list(0, NULL);
    for (const int *p = mbedtls_ssl_list_ciphersuites(); *p; ++p) {
        mp_obj_t item[2] = { MP_OBJ_NEW_SMALL_INT(*p), modssl_cipher_iana_name(*p) };
        mp_obj_list_append(list, mp_obj_new_tuple(2, item));
    }
    return list;
}
MP_DEFINE_CONST_FUN_OBJ_0(modssl_cipher_suites_obj, modssl_cipher_suites);

#endif // MODSSL_TEST_HOOKS
