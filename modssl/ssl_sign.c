/*
 * modssl: signing with a key the firmware never holds (ATECC608, SE050, a
 * TPM): upstream MicroPython's SSLContext.ecdsa_sign_callback.
 *
 *   ctx.ecdsa_sign_callback = sign      # sign(key, digest) -> DER or None
 *   ctx.load_cert_chain(cert)           # no private key needed
 *
 * The context's own key becomes an EC key whose signatures come from the
 * callback (patches/mbedtls/0019 adds mbedtls_pk_setup_ecdsa_alt()), so TLS
 * 1.2 and 1.3, client and server, sign through it.  `key` is the private
 * scalar when a key was loaded (as upstream passes it), otherwise the
 * certificate's public key as an uncompressed point (0x04 || X || Y), which
 * tells a secure element's driver which of its keys to use.  `digest` is the
 * hash to sign; the callback returns the DER ECDSA signature, or None to let
 * the loaded private key sign instead.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "py/runtime.h"

// First: it names the port's mbedTLS configuration for the qstr scan.
#include "modssl.h"

#include "mbedtls/ecp.h"
#include "mbedtls/platform_util.h"
#include "mbedtls/psa_util.h"

#if MODSSL_HAS_ECDSA_SIGN_CALLBACK

// text: a MODSSL_TEXT.
static void sign_fail(mp_obj_ssl_context_t *ctx, const char *text, mp_obj_t exc) {
    vstr_t vstr;
    mp_print_t print;
    vstr_init_print(&vstr, 48, &print);
    modssl_text_add(&vstr, text);
    if (exc != MP_OBJ_NULL) {
        mp_obj_print_helper(&print, exc, PRINT_EXC);
    }
    ctx->sign_error = mp_obj_new_str_from_vstr(&vstr);
}

// mbedTLS calls this whenever the handshake needs the context's signature.
static int sign_with_callback(void *ctx_in, mbedtls_md_type_t md_alg, const unsigned char *hash, size_t hash_len,
    unsigned char *sig, size_t sig_size, size_t *sig_len) {
    mp_obj_ssl_context_t *ctx = ctx_in;
    bool has_key = mbedtls_pk_get_type(&ctx->pkey) != MBEDTLS_PK_NONE;
    if (ctx->ecdsa_sign_callback != mp_const_none) {
        unsigned char key[MBEDTLS_ECP_MAX_PT_LEN];
        size_t key_len = 0;
        int ret;
        if (has_key) {
            ret = mbedtls_ecp_write_key_ext(mbedtls_pk_ec(ctx->pkey), &key_len, key, sizeof(key));
        } else {
            ret = mbedtls_ecp_write_public_key(mbedtls_pk_ec(ctx->cert.pk), MBEDTLS_ECP_PF_UNCOMPRESSED,
                &key_len, key, sizeof(key));
        }
        if (ret != 0) {
            return ret;
        }
        nlr_buf_t nlr;
        if (nlr_push(&nlr) == 0) {
            mp_obj_t key_obj = mp_obj_new_bytes(key, key_len);
            mbedtls_platform_zeroize(key, sizeof(key));
            mp_obj_t result = mp_call_function_2(ctx->ecdsa_sign_callback, key_obj, mp_obj_new_bytes(hash, hash_len));
            nlr_pop();
            if (result != mp_const_none) {
                mp_buffer_info_t buf;
                if (mp_obj_is_str(result) || !mp_get_buffer(result, &buf, MP_BUFFER_READ)) {
                    sign_fail(ctx, MODSSL_TEXT("ecdsa_sign_callback must return the DER signature as bytes, or None"), MP_OBJ_NULL);
                    return MBEDTLS_ERR_PK_BAD_INPUT_DATA;
                }
                if (buf.len == 0 || buf.len > sig_size) {
                    sign_fail(ctx, MODSSL_TEXT("ecdsa_sign_callback returned a signature of impossible length"), MP_OBJ_NULL);
                    return MBEDTLS_ERR_PK_BAD_INPUT_DATA;
                }
                memcpy(sig, buf.buf, buf.len);
                *sig_len = buf.len;
                return 0;
            }
        } else {
            mbedtls_platform_zeroize(key, sizeof(key));
            sign_fail(ctx, MODSSL_TEXT("ecdsa_sign_callback raised "), MP_OBJ_FROM_PTR(nlr.ret_val));
            return MBEDTLS_ERR_PK_BAD_INPUT_DATA;
        }
    }
    if (!has_key) {
        sign_fail(ctx, MODSSL_TEXT("ecdsa_sign_callback returned None and no private key is loaded to sign instead"), MP_OBJ_NULL);
        return MBEDTLS_ERR_PK_FEATURE_UNAVAILABLE;
    }
    return mbedtls_pk_sign(&ctx->pkey, md_alg, hash, hash_len, sig, sig_size, sig_len,
        mbedtls_psa_get_random, MBEDTLS_PSA_RANDOM_STATE);
}

// Give the configuration the certificate with the key that signs for it:
// the loaded private key, or (with a callback) the callback-backed one.
void modssl_sign_apply(mp_obj_ssl_context_t *ctx) {
    mbedtls_ssl_conf_own_cert(&ctx->conf, NULL, NULL);
    mbedtls_pk_free(&ctx->sign_pkey);
    mbedtls_pk_init(&ctx->sign_pkey);
    if (ctx->cert.raw.p == NULL) {
        return;
    }
    bool has_key = mbedtls_pk_get_type(&ctx->pkey) != MBEDTLS_PK_NONE;
    mbedtls_pk_context *key = has_key ? &ctx->pkey : NULL;
    if (ctx->ecdsa_sign_callback != mp_const_none) {
        if (!mbedtls_pk_can_do(&ctx->cert.pk, MBEDTLS_PK_ECDSA)) {
            if (!has_key) {
                modssl_raise_ValueError(MODSSL_TEXT("ecdsa_sign_callback signs for EC certificates only: "
                    "this one needs its private key"));
            }
        } else {
            int ret = mbedtls_pk_setup_ecdsa_alt(&ctx->sign_pkey, &ctx->cert.pk, ctx, sign_with_callback);
            if (ret != 0) {
                modssl_raise_error(ret);
            }
            key = &ctx->sign_pkey;
        }
    }
    ctx->has_cert = key != NULL;
    if (key != NULL) {
        int ret = mbedtls_ssl_conf_own_cert(&ctx->conf, &ctx->cert, key);
        if (ret != 0) {
            modssl_raise_error(ret);
        }
    }
}

// A certificate may come without its private key while a callback is set.
bool modssl_sign_key_optional(mp_obj_ssl_context_t *ctx) {
    return ctx->ecdsa_sign_callback != mp_const_none;
}

bool modssl_sign_attr(mp_obj_ssl_context_t *ctx, qstr attr, mp_obj_t *dest) {
    if (attr != MP_QSTR_ecdsa_sign_callback) {
        return false;
    }
    if (dest[0] == MP_OBJ_NULL) {
        dest[0] = ctx->ecdsa_sign_callback;
        return true;
    }
    if (dest[1] == MP_OBJ_NULL) {
        return true; // no deleting
    }
    if (dest[1] != mp_const_none && !mp_obj_is_callable(dest[1])) {
        modssl_raise_TypeError(MODSSL_TEXT("ecdsa_sign_callback must be callable or None"));
    }
    ctx->ecdsa_sign_callback = dest[1];
    modssl_sign_apply(ctx);
    dest[0] = MP_OBJ_NULL;
    return true;
}

// Why a signature the handshake needed could not be made.
void modssl_sign_raise(mp_obj_ssl_conn_t *conn, int err) {
    mp_obj_ssl_context_t *ctx = conn->context;
    if (ctx->sign_error == MP_OBJ_NULL) {
        return;
    }
    mp_obj_t text = ctx->sign_error;
    ctx->sign_error = MP_OBJ_NULL;
    modssl_raise_tls(err, text, 0);
}

#endif // MODSSL_HAS_ECDSA_SIGN_CALLBACK
