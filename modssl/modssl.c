/*
 * modssl: the `tls` module -- types, constants and exception classes.
 *
 * The module is named `tls` like upstream MicroPython's C module, so the
 * frozen `ssl` package (python/ssl.py) and code that imports `tls` directly
 * both work.
 *
 * SPDX-License-Identifier: MIT
 */
#include "py/runtime.h"
#include "py/objexcept.h"
#include "py/objstr.h"

#include "mbedtls/version.h"

#include "modssl.h"
#include "ssl_roots.h"

// SSLError is OSError itself (the MicroPython spec); these subclasses let
// CPython-style code tell the cases apart while `except OSError` still works.
MP_DEFINE_CONST_OBJ_TYPE(
    modssl_type_SSLWantReadError, MP_QSTR_SSLWantReadError, MP_TYPE_FLAG_NONE,
    make_new, mp_obj_exception_make_new,
    print, mp_obj_exception_print,
    attr, mp_obj_exception_attr,
    parent, &mp_type_OSError
    );

MP_DEFINE_CONST_OBJ_TYPE(
    modssl_type_SSLWantWriteError, MP_QSTR_SSLWantWriteError, MP_TYPE_FLAG_NONE,
    make_new, mp_obj_exception_make_new,
    print, mp_obj_exception_print,
    attr, mp_obj_exception_attr,
    parent, &mp_type_OSError
    );

// SSLCertVerificationError's args are (mbedTLS code, message, verify_code,
// verify_message); str() is the message and the last two are also
// attributes, as in CPython, as are reason and library.
static void modssl_cert_error_print(const mp_print_t *print, mp_obj_t o_in, mp_print_kind_t kind) {
    mp_obj_exception_t *o = MP_OBJ_TO_PTR(o_in);
    mp_print_kind_t k = kind & ~PRINT_EXC_SUBCLASS;
    if ((k == PRINT_STR || k == PRINT_EXC) && o->args->len == 4) {
        if (k == PRINT_EXC) {
            mp_printf(print, "%q: ", (qstr)o->base.type->name);
        }
        mp_obj_print_helper(print, o->args->items[1], PRINT_STR);
        return;
    }
    mp_obj_exception_print(print, o_in, kind);
}

static void modssl_cert_error_attr(mp_obj_t self_in, qstr attr, mp_obj_t *dest) {
    mp_obj_exception_t *self = MP_OBJ_TO_PTR(self_in);
    if (dest[0] == MP_OBJ_NULL && (attr == MP_QSTR_verify_code || attr == MP_QSTR_verify_message)) {
        dest[0] = self->args->len == 4 ? self->args->items[attr == MP_QSTR_verify_code ? 2 : 3] : mp_const_none;
        return;
    }
    if (dest[0] == MP_OBJ_NULL && (attr == MP_QSTR_reason || attr == MP_QSTR_library)) {
        modssl_error_reason_attr(MBEDTLS_ERR_X509_CERT_VERIFY_FAILED, 0, dest, attr);
        return;
    }
    mp_obj_exception_attr(self_in, attr, dest);
}

MP_DEFINE_CONST_OBJ_TYPE(
    modssl_type_SSLCertVerificationError, MP_QSTR_SSLCertVerificationError, MP_TYPE_FLAG_NONE,
    make_new, mp_obj_exception_make_new,
    print, modssl_cert_error_print,
    attr, modssl_cert_error_attr,
    parent, &mp_type_OSError
    );

static const MP_DEFINE_STR_OBJ(modssl_mbedtls_version_obj, MBEDTLS_VERSION_STRING_FULL);

static const mp_rom_map_elem_t modssl_module_globals_table[] = {
    { MP_ROM_QSTR(MP_QSTR___name__), MP_ROM_QSTR(MP_QSTR_tls) },

    { MP_ROM_QSTR(MP_QSTR_SSLContext), MP_ROM_PTR(&modssl_context_type) },
    { MP_ROM_QSTR(MP_QSTR_SSLSocket), MP_ROM_PTR(&modssl_socket_type) },
    { MP_ROM_QSTR(MP_QSTR_SSLObject), MP_ROM_PTR(&modssl_object_type) },
    { MP_ROM_QSTR(MP_QSTR_MemoryBIO), MP_ROM_PTR(&modssl_memory_bio_type) },

    { MP_ROM_QSTR(MP_QSTR_SSLError), MP_ROM_PTR(&mp_type_OSError) },
    { MP_ROM_QSTR(MP_QSTR_SSLWantReadError), MP_ROM_PTR(&modssl_type_SSLWantReadError) },
    { MP_ROM_QSTR(MP_QSTR_SSLWantWriteError), MP_ROM_PTR(&modssl_type_SSLWantWriteError) },
    { MP_ROM_QSTR(MP_QSTR_SSLCertVerificationError), MP_ROM_PTR(&modssl_type_SSLCertVerificationError) },

    { MP_ROM_QSTR(MP_QSTR_MBEDTLS_VERSION), MP_ROM_PTR(&modssl_mbedtls_version_obj) },
    { MP_ROM_QSTR(MP_QSTR_MBEDTLS_VERSION_NUMBER), MP_ROM_INT(MBEDTLS_VERSION_NUMBER) },

    { MP_ROM_QSTR(MP_QSTR_PROTOCOL_TLS_CLIENT), MP_ROM_INT(MODSSL_PROTOCOL_TLS_CLIENT) },
    { MP_ROM_QSTR(MP_QSTR_PROTOCOL_TLS_SERVER), MP_ROM_INT(MODSSL_PROTOCOL_TLS_SERVER) },
    #if defined(MBEDTLS_SSL_PROTO_DTLS)
    { MP_ROM_QSTR(MP_QSTR_PROTOCOL_DTLS_CLIENT), MP_ROM_INT(MODSSL_PROTOCOL_DTLS_CLIENT) },
    { MP_ROM_QSTR(MP_QSTR_PROTOCOL_DTLS_SERVER), MP_ROM_INT(MODSSL_PROTOCOL_DTLS_SERVER) },
    #endif

    { MP_ROM_QSTR(MP_QSTR_CERT_NONE), MP_ROM_INT(MBEDTLS_SSL_VERIFY_NONE) },
    { MP_ROM_QSTR(MP_QSTR_CERT_OPTIONAL), MP_ROM_INT(MBEDTLS_SSL_VERIFY_OPTIONAL) },
    { MP_ROM_QSTR(MP_QSTR_CERT_REQUIRED), MP_ROM_INT(MBEDTLS_SSL_VERIFY_REQUIRED) },

    { MP_ROM_QSTR(MP_QSTR_TLSv1_2), MP_ROM_INT(MODSSL_TLS_1_2) },
    { MP_ROM_QSTR(MP_QSTR_TLSv1_3), MP_ROM_INT(MODSSL_TLS_1_3) },
    #if defined(MBEDTLS_SSL_ALPN)
    { MP_ROM_QSTR(MP_QSTR_HAS_ALPN), MP_ROM_TRUE },
    #endif
    #if defined(MBEDTLS_SSL_SERVER_NAME_INDICATION)
    { MP_ROM_QSTR(MP_QSTR_HAS_SNI), MP_ROM_TRUE },
    #endif
    #if defined(MBEDTLS_SSL_PROTO_TLS1_3)
    { MP_ROM_QSTR(MP_QSTR_HAS_TLSv1_3), MP_ROM_TRUE },
    #endif

    // What the Python faces take from here rather than repeat.
    #if defined(MBEDTLS_SSL_PROTO_DTLS)
    { MP_ROM_QSTR(MP_QSTR_ERR_HELLO_VERIFY_REQUIRED), MP_ROM_INT(MBEDTLS_ERR_SSL_HELLO_VERIFY_REQUIRED) },
    #endif
    { MP_ROM_QSTR(MP_QSTR__x509_attr_name), MP_ROM_PTR(&modssl_x509_attr_name_obj) },

    #if MODSSL_TEST_HOOKS
    { MP_ROM_QSTR(MP_QSTR__x25519), MP_ROM_PTR(&modssl_x25519_obj) },
    { MP_ROM_QSTR(MP_QSTR__p256_verify), MP_ROM_PTR(&modssl_p256_verify_obj) },
    { MP_ROM_QSTR(MP_QSTR__p256_muladd), MP_ROM_PTR(&modssl_p256_muladd_obj) },
    { MP_ROM_QSTR(MP_QSTR__p256_ecdh), MP_ROM_PTR(&modssl_p256_ecdh_obj) },
    { MP_ROM_QSTR(MP_QSTR__p256_sign), MP_ROM_PTR(&modssl_p256_sign_obj) },
    { MP_ROM_QSTR(MP_QSTR__p256_generate), MP_ROM_PTR(&modssl_p256_generate_obj) },
    { MP_ROM_QSTR(MP_QSTR__roots), MP_ROM_PTR(&modssl_roots_table_obj) },
    { MP_ROM_QSTR(MP_QSTR__roots_lookup), MP_ROM_PTR(&modssl_roots_lookup_obj) },
    { MP_ROM_QSTR(MP_QSTR__cipher_suites), MP_ROM_PTR(&modssl_cipher_suites_obj) },
    #endif
};
static MP_DEFINE_CONST_DICT(modssl_module_globals, modssl_module_globals_table);

const mp_obj_module_t modssl_module = {
    .base = { &mp_type_module },
    .globals = (mp_obj_dict_t *)&modssl_module_globals,
};

MP_REGISTER_MODULE(MP_QSTR_tls, modssl_module);
