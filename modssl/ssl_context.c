/*
 * modssl: SSLContext -- everything shared by the connections made from it.
 *
 * Keys and certificates, CA certificates, verification mode and hostname
 * checking, cipher suites, protocol versions, ALPN, DTLS HelloVerify cookies
 * and session tickets all live here, in one mbedtls_ssl_config.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "py/runtime.h"
#include "py/objlist.h"
#include "py/objstr.h"

#include "mbedtls/pem.h"
#include "mbedtls/psa_util.h"
#include "psa/crypto.h"

#include "modssl.h"
#include "ssl_roots.h"

// Ticket lifetime for TLS session resumption (seconds).
#define MODSSL_TICKET_LIFETIME_S (86400)

// CPython's TLSVersion.MINIMUM_SUPPORTED / MAXIMUM_SUPPORTED.
#define MODSSL_VERSION_MINIMUM_SUPPORTED (-2)
#define MODSSL_VERSION_MAXIMUM_SUPPORTED (-1)

/******************************************************************************/
// Signature algorithms.
//
// Offered in this order: ECDSA, then RSA PKCS#1 v1.5, then RSA-PSS.  TLS 1.3
// needs RSA-PSS for RSA keys, but mbedTLS 3.6 cannot use RSA-PSS inside
// TLS 1.2; peers that honour the client's order (OpenSSL's default) then
// pick PKCS#1 v1.5 for TLS 1.2 and RSA-PSS for TLS 1.3, and both work.
static const uint16_t modssl_sig_algs[] = {
    MBEDTLS_TLS1_3_SIG_ECDSA_SECP256R1_SHA256,
    MBEDTLS_TLS1_3_SIG_ECDSA_SECP384R1_SHA384,
    MBEDTLS_TLS1_3_SIG_ECDSA_SECP521R1_SHA512,
    MBEDTLS_TLS1_3_SIG_RSA_PKCS1_SHA256,
    MBEDTLS_TLS1_3_SIG_RSA_PKCS1_SHA384,
    MBEDTLS_TLS1_3_SIG_RSA_PKCS1_SHA512,
    MBEDTLS_TLS1_3_SIG_RSA_PSS_RSAE_SHA256,
    MBEDTLS_TLS1_3_SIG_RSA_PSS_RSAE_SHA384,
    MBEDTLS_TLS1_3_SIG_RSA_PSS_RSAE_SHA512,
    MBEDTLS_TLS1_3_SIG_NONE
};

/******************************************************************************/
// Versions.

static void modssl_context_apply_versions(mp_obj_ssl_context_t *self) {
    if (self->protocol & MODSSL_PROTOCOL_IS_DTLS) {
        // mbedTLS implements DTLS 1.2 only.
        mbedtls_ssl_conf_min_tls_version(&self->conf, MBEDTLS_SSL_VERSION_TLS1_2);
        mbedtls_ssl_conf_max_tls_version(&self->conf, MBEDTLS_SSL_VERSION_TLS1_2);
        return;
    }
    mbedtls_ssl_conf_min_tls_version(&self->conf, (mbedtls_ssl_protocol_version)self->minimum_version);
    mbedtls_ssl_conf_max_tls_version(&self->conf, (mbedtls_ssl_protocol_version)self->maximum_version);
}

static uint16_t modssl_parse_version(mp_obj_t value, bool is_max) {
    mp_int_t v = mp_obj_get_int(value);
    if (v == MODSSL_VERSION_MINIMUM_SUPPORTED) {
        return MODSSL_TLS_1_2;
    }
    if (v == MODSSL_VERSION_MAXIMUM_SUPPORTED) {
        return MODSSL_TLS_1_3;
    }
    if (v != MODSSL_TLS_1_2 && v != MODSSL_TLS_1_3) {
        modssl_raise_msg_varg(&mp_type_ValueError,
            MODSSL_TEXT("%s_version must be TLSVersion.TLSv1_2 or TLSv1_3, not 0x%x"),
            is_max ? "maximum" : "minimum", (unsigned)v);
    }
    return (uint16_t)v;
}

/******************************************************************************/
// Maximum fragment length (RFC 6066): a client with little RAM asks the
// server for small records, so a firmware built with small record buffers
// (MBEDTLS_SSL_IN_CONTENT_LEN) still talks to any peer that honours it.

static void modssl_context_set_max_fragment_length(mp_obj_ssl_context_t *self, mp_obj_t value) {
    mp_int_t len = value == mp_const_none ? 0 : mp_obj_get_int(value);
    unsigned char code;
    switch (len) {
        case 0:
            code = MBEDTLS_SSL_MAX_FRAG_LEN_NONE;
            break;
        case 512:
            code = MBEDTLS_SSL_MAX_FRAG_LEN_512;
            break;
        case 1024:
            code = MBEDTLS_SSL_MAX_FRAG_LEN_1024;
            break;
        case 2048:
            code = MBEDTLS_SSL_MAX_FRAG_LEN_2048;
            break;
        case 4096:
            code = MBEDTLS_SSL_MAX_FRAG_LEN_4096;
            break;
        default:
            modssl_raise_ValueError(MODSSL_TEXT("max_fragment_length must be 512, 1024, 2048, 4096 or None"));
    }
    int ret = mbedtls_ssl_conf_max_frag_len(&self->conf, code);
    if (ret != 0) {
        modssl_raise_error(ret);
    }
    self->max_fragment_length = len;
}

/******************************************************************************/
// Certificate verification.

static void modssl_context_apply_verify_mode(mp_obj_ssl_context_t *self) {
    int authmode = self->verify_mode;
    if (!(self->protocol & MODSSL_PROTOCOL_IS_SERVER) && authmode == MBEDTLS_SSL_VERIFY_OPTIONAL) {
        // A client with CERT_OPTIONAL verifies like CERT_REQUIRED (as CPython
        // and the ussl documentation say): the server always sends a certificate.
        authmode = MBEDTLS_SSL_VERIFY_REQUIRED;
    }
    mbedtls_ssl_conf_authmode(&self->conf, authmode);
}

/******************************************************************************/
// Keys and certificates.

static mp_obj_t ssl_context_load_cert_chain(size_t n_args, const mp_obj_t *pos_args, mp_map_t *kw_args) {
    enum { ARG_certfile, ARG_keyfile, ARG_password };
    static const mp_arg_t allowed_args[] = {
        { MP_QSTR_certfile, MP_ARG_REQUIRED | MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
        { MP_QSTR_keyfile, MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
        { MP_QSTR_password, MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
    };
    mp_obj_ssl_context_t *self = MP_OBJ_TO_PTR(pos_args[0]);
    mp_arg_val_t args[MP_ARRAY_SIZE(allowed_args)];
    mp_arg_parse_all(n_args - 1, pos_args + 1, kw_args, MP_ARRAY_SIZE(allowed_args), allowed_args, args);

    mp_obj_t key_obj = args[ARG_keyfile].u_obj == mp_const_none ? args[ARG_certfile].u_obj : args[ARG_keyfile].u_obj;
    size_t pwd_len = 0;
    const byte *pwd = NULL;
    if (args[ARG_password].u_obj != mp_const_none) {
        if (mp_obj_is_callable(args[ARG_password].u_obj)) {
            args[ARG_password].u_obj = mp_call_function_0(args[ARG_password].u_obj);
        }
        pwd = (const byte *)mp_obj_str_get_data(args[ARG_password].u_obj, &pwd_len);
    }

    // Drop what an earlier call loaded: the newest chain replaces it, as in CPython.
    mbedtls_ssl_conf_own_cert(&self->conf, NULL, NULL);
    mbedtls_x509_crt_free(&self->cert);
    mbedtls_pk_free(&self->pkey);
    mbedtls_x509_crt_init(&self->cert);
    mbedtls_pk_init(&self->pkey);
    self->has_cert = false;

    // The key first, then the certificate: so the errors come in the order
    // upstream MicroPython reports them (a bad key before a missing cert).
    size_t key_len, cert_len;
    bool key_pem, cert_pem;
    const byte *key_data = modssl_get_data(key_obj, true, &key_len, &key_pem);
    int ret = mbedtls_pk_parse_key(&self->pkey, key_data, key_len, pwd, pwd_len, mbedtls_psa_get_random, MBEDTLS_PSA_RANDOM_STATE);
    #if MODSSL_HAS_ECDSA_SIGN_CALLBACK
    if (ret != 0 && args[ARG_keyfile].u_obj == mp_const_none && modssl_sign_key_optional(self)) {
        // No key in the certificate file: the callback signs.
        mbedtls_pk_free(&self->pkey);
        mbedtls_pk_init(&self->pkey);
        ret = 0;
    }
    #endif
    if (ret == MBEDTLS_ERR_PK_PASSWORD_REQUIRED || ret == MBEDTLS_ERR_PK_PASSWORD_MISMATCH) {
        modssl_raise_ValueError(MODSSL_TEXT("keyfile: the key is encrypted and the password is missing or wrong"));
    }
    if (ret == MBEDTLS_ERR_PK_UNKNOWN_NAMED_CURVE) {
        // P-521 is a board option (ports/rp2/mbedtls_config_port.h).
        #if defined(MBEDTLS_ECP_DP_SECP521R1_ENABLED)
        modssl_raise_ValueError(MODSSL_TEXT("keyfile: the key's elliptic curve is not supported (P-256, P-384 and P-521 are)"));
        #else
        modssl_raise_ValueError(MODSSL_TEXT("keyfile: the key's elliptic curve is not supported (P-256 and P-384 are; P-521 is not in this firmware)"));
        #endif
    }
    if (ret != 0) {
        modssl_raise_msg_varg(&mp_type_ValueError, MODSSL_TEXT("keyfile: invalid private key (%s, mbedTLS error -0x%04x)"),
            key_pem ? "PEM" : "DER", (unsigned)-ret);
    }
    const byte *cert_data = modssl_get_data(args[ARG_certfile].u_obj, true, &cert_len, &cert_pem);
    ret = mbedtls_x509_crt_parse(&self->cert, cert_data, cert_len);
    if (ret != 0) {
        modssl_raise_msg_varg(&mp_type_ValueError, MODSSL_TEXT("certfile: invalid certificate (%s, mbedTLS error -0x%04x)"),
            cert_pem ? "PEM" : "DER", (unsigned)-ret);
    }
    if (mbedtls_pk_get_type(&self->pkey) != MBEDTLS_PK_NONE) {
        ret = mbedtls_pk_check_pair(&self->cert.pk, &self->pkey, mbedtls_psa_get_random, MBEDTLS_PSA_RANDOM_STATE);
        if (ret != 0) {
            modssl_raise_ValueError(MODSSL_TEXT("keyfile: the private key does not match the certificate"));
        }
    }
    #if MODSSL_HAS_ECDSA_SIGN_CALLBACK
    modssl_sign_apply(self); // the key, or the callback that signs for it
    #else
    ret = mbedtls_ssl_conf_own_cert(&self->conf, &self->cert, &self->pkey);
    if (ret != 0) {
        modssl_raise_error(ret);
    }
    self->has_cert = true;
    #endif
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_KW(ssl_context_load_cert_chain_obj, 2, ssl_context_load_cert_chain);

// A CA already in the chain is not added again (OpenSSL's store keeps one
// copy too): loading the same file twice costs no heap and counts once.
static int modssl_context_parse_ca(mp_obj_ssl_context_t *self, const byte *der, size_t len, vstr_t *why) {
    for (const mbedtls_x509_crt *c = &self->cacert; c != NULL && c->raw.p != NULL; c = c->next) {
        if (c->raw.len == len && memcmp(c->raw.p, der, len) == 0) {
            return 0;
        }
    }
    return modssl_x509_parse_explain(&self->cacert, der, len, why);
}

// Each certificate is parsed on its own, so a failure names the one (its
// place in the data) and the reason.  A malformed certificate is an error;
// one that only uses what this firmware does not support (an Ed25519 key, a
// critical extension such as name constraints) is skipped, as a root it
// could never verify with -- unless nothing else loads.
static void modssl_context_add_ca(mp_obj_ssl_context_t *self, mp_obj_t data_obj, bool str_is_path, const char *what) {
    static const char begin[] = "-----BEGIN CERTIFICATE-----";
    size_t len;
    bool is_pem;
    const byte *data = modssl_get_data(data_obj, str_is_path, &len, &is_pem);
    vstr_t why;                     // why the current certificate failed
    vstr_init(&why, 64);
    mp_obj_t skipped = MP_OBJ_NULL;  // why the first skipped one did
    int index = 0, loaded = 0;
    const char *p = (const char *)data;
    while (is_pem ? (p = strstr(p, begin)) != NULL : index == 0) {
        ++index;
        vstr_reset(&why);
        int code;
        if (!is_pem) {
            code = modssl_context_parse_ca(self, data, len, &why);
        } else {
            mbedtls_pem_context pem;
            mbedtls_pem_init(&pem);
            size_t use_len = 0;
            int ret = mbedtls_pem_read_buffer(&pem, begin, "-----END CERTIFICATE-----", (const byte *)p, NULL, 0, &use_len);
            if (ret == 0) {
                size_t der_len;
                const byte *der = mbedtls_pem_get_buffer(&pem, &der_len);
                code = modssl_context_parse_ca(self, der, der_len, &why);
            } else {
                code = MODSSL_V_UNSPECIFIED;
                modssl_text_printf(&why, MODSSL_TEXT("bad PEM encoding (mbedTLS error -0x%04x)"), (unsigned)-ret);
            }
            mbedtls_pem_free(&pem);
            p += use_len > 0 ? use_len : sizeof(begin) - 1;
        }
        if (code == MODSSL_V_UNSPECIFIED) {
            modssl_raise_msg_varg(&mp_type_ValueError, MODSSL_TEXT("%s: certificate %d (%s): %s"),
                what, index, is_pem ? "PEM" : "DER", vstr_null_terminated_str(&why));
        }
        loaded += code == 0;
        if (code != 0 && skipped == MP_OBJ_NULL) {
            skipped = mp_obj_new_str(why.buf, why.len);
        }
    }
    vstr_clear(&why);
    if (loaded == 0) {
        if (skipped != MP_OBJ_NULL) {
            modssl_raise_msg_varg(&mp_type_ValueError, MODSSL_TEXT("%s: no usable certificate (certificate 1: %s)"),
                what, mp_obj_str_get_str(skipped));
        }
        modssl_raise_msg_varg(&mp_type_ValueError, MODSSL_TEXT("%s: no certificate in it (PEM or DER expected)"), what);
    }
    self->has_ca = true;
    mbedtls_ssl_conf_ca_chain(&self->conf, &self->cacert, NULL);
    modssl_roots_apply(self);
}

// load_verify_locations(cafile=None, cadata=None): calls accumulate.
static mp_obj_t ssl_context_load_verify_locations(size_t n_args, const mp_obj_t *pos_args, mp_map_t *kw_args) {
    enum { ARG_cafile, ARG_capath, ARG_cadata };
    static const mp_arg_t allowed_args[] = {
        { MP_QSTR_cafile, MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
        { MP_QSTR_capath, MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
        { MP_QSTR_cadata, MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
    };
    mp_obj_ssl_context_t *self = MP_OBJ_TO_PTR(pos_args[0]);
    mp_arg_val_t args[MP_ARRAY_SIZE(allowed_args)];
    mp_arg_parse_all(n_args - 1, pos_args + 1, kw_args, MP_ARRAY_SIZE(allowed_args), allowed_args, args);
    mp_obj_t cafile = args[ARG_cafile].u_obj;
    mp_obj_t cadata = args[ARG_cadata].u_obj;
    if (n_args == 2 && kw_args->used == 0 && !mp_obj_is_str(cafile) && cafile != mp_const_none) {
        // Upstream MicroPython's positional form: load_verify_locations(cadata_bytes).
        cadata = cafile;
        cafile = mp_const_none;
    }
    if (args[ARG_capath].u_obj != mp_const_none) {
        modssl_raise_msg(&mp_type_NotImplementedError, MODSSL_TEXT("capath is not supported: use cafile or cadata"));
    }
    if (cafile == mp_const_none && cadata == mp_const_none) {
        modssl_raise_TypeError(MODSSL_TEXT("cafile or cadata must be given"));
    }
    if (cafile != mp_const_none) {
        if (!mp_obj_is_str(cafile)) {
            modssl_raise_TypeError(MODSSL_TEXT("cafile must be a file path (str)"));
        }
        modssl_context_add_ca(self, cafile, true, "cafile");
    }
    if (cadata != mp_const_none) {
        modssl_context_add_ca(self, cadata, false, "cadata");
    }
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_KW(ssl_context_load_verify_locations_obj, 1, ssl_context_load_verify_locations);

/******************************************************************************/
// ALPN.

static mp_obj_t ssl_context_set_alpn_protocols(mp_obj_t self_in, mp_obj_t protocols) {
    mp_obj_ssl_context_t *self = MP_OBJ_TO_PTR(self_in);
    size_t n;
    mp_obj_t *items;
    if (!mp_obj_is_type(protocols, &mp_type_list) && !mp_obj_is_type(protocols, &mp_type_tuple)) {
        modssl_raise_TypeError(MODSSL_TEXT("set_alpn_protocols: expected a list of str"));
    }
    mp_obj_get_array(protocols, &n, &items);
    const char **list = m_new(const char *, n + 1);
    mp_obj_t keep = mp_obj_new_list(n, NULL);
    size_t total = 0;
    for (size_t i = 0; i < n; ++i) {
        size_t len;
        // Copy into a fresh str so each entry is NUL-terminated and stays alive.
        const char *p = mp_obj_str_get_data(items[i], &len);
        if (len == 0 || len > 255 || strlen(p) != len) {
            modssl_raise_ValueError(MODSSL_TEXT("ALPN protocol names must be 1 to 255 bytes long, without NUL"));
        }
        total += len + 1;
        mp_obj_t copy = mp_obj_new_str(p, len);
        ((mp_obj_list_t *)MP_OBJ_TO_PTR(keep))->items[i] = copy;
        list[i] = mp_obj_str_get_str(copy);
    }
    if (total > 65535) {
        modssl_raise_ValueError(MODSSL_TEXT("ALPN protocol list too long"));
    }
    list[n] = NULL;
    // An empty list turns ALPN off again, as in CPython (patch 0016).
    int ret = mbedtls_ssl_conf_alpn_protocols(&self->conf, n ? list : NULL);
    if (ret != 0) {
        modssl_raise_error(ret);
    }
    self->alpn_protocols = n ? list : NULL;
    self->alpn_list = keep;
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_2(ssl_context_set_alpn_protocols_obj, ssl_context_set_alpn_protocols);

/******************************************************************************/
// Wrapping.

// The context's protocol decides the role, as in upstream MicroPython (a
// *_SERVER context wraps server sockets even without server_side=True);
// asking for a server with a client context is an error.
bool modssl_context_server_side(mp_obj_ssl_context_t *self, bool server_side) {
    bool ctx_server = (self->protocol & MODSSL_PROTOCOL_IS_SERVER) != 0;
    if (server_side && !ctx_server) {
        modssl_raise_ValueError(MODSSL_TEXT("server_side=True needs a PROTOCOL_TLS_SERVER or PROTOCOL_DTLS_SERVER context"));
    }
    return ctx_server;
}

/******************************************************************************/
// Construction, attributes, teardown.

static mp_obj_t ssl_context_make_new(const mp_obj_type_t *type, size_t n_args, size_t n_kw, const mp_obj_t *args) {
    mp_arg_check_num(n_args, n_kw, 1, 1, false);
    mp_int_t protocol = mp_obj_get_int(args[0]);
    if (protocol < MODSSL_PROTOCOL_TLS_CLIENT || protocol > MODSSL_PROTOCOL_DTLS_SERVER) {
        modssl_raise_msg_varg(&mp_type_ValueError,
            MODSSL_TEXT("invalid protocol %d: use PROTOCOL_TLS_CLIENT, PROTOCOL_TLS_SERVER, "
                "PROTOCOL_DTLS_CLIENT or PROTOCOL_DTLS_SERVER"), (int)protocol);
    }
    bool is_server = protocol & MODSSL_PROTOCOL_IS_SERVER;
    bool is_dtls = protocol & MODSSL_PROTOCOL_IS_DTLS;
    #if !MODSSL_HAS_DTLS
    if (is_dtls) {
        modssl_raise_ValueError(MODSSL_TEXT("DTLS is not in this firmware (mbedTLS built without MBEDTLS_SSL_PROTO_DTLS)"));
    }
    #endif

    mp_obj_ssl_context_t *self = mp_obj_malloc_with_finaliser(mp_obj_ssl_context_t, type);
    mbedtls_ssl_config_init(&self->conf);
    mbedtls_x509_crt_init(&self->cacert);
    mbedtls_x509_crt_init(&self->cert);
    mbedtls_pk_init(&self->pkey);
    #if defined(MBEDTLS_SSL_COOKIE_C)
    mbedtls_ssl_cookie_init(&self->cookie);
    self->cookie_timeout_s = MBEDTLS_SSL_COOKIE_TIMEOUT;
    #endif
    #if defined(MBEDTLS_SSL_TICKET_C)
    mbedtls_ssl_ticket_init(&self->ticket);
    #endif
    self->ciphersuites = NULL;
    self->alpn_protocols = NULL;
    self->alpn_list = mp_const_none;
    self->verify_callback = mp_const_none;
    self->protocol = protocol;
    self->verify_mode = is_server ? MBEDTLS_SSL_VERIFY_NONE : MBEDTLS_SSL_VERIFY_REQUIRED;
    self->check_hostname = !is_server;
    self->has_ca = false;
    self->use_roots = false;
    self->has_cert = false;
    self->minimum_version = MODSSL_TLS_1_2;
    self->maximum_version = MODSSL_TLS_1_3;
    self->max_fragment_length = 0;
    self->psk = NULL;
    #if MODSSL_HAS_ECDSA_SIGN_CALLBACK
    self->ecdsa_sign_callback = mp_const_none;
    self->sign_error = MP_OBJ_NULL;
    mbedtls_pk_init(&self->sign_pkey);
    #endif

    // TLS 1.3 (and the PSA random generator every connection uses) need PSA.
    modssl_psa_init();
    int ret = mbedtls_ssl_config_defaults(&self->conf,
        is_server ? MBEDTLS_SSL_IS_SERVER : MBEDTLS_SSL_IS_CLIENT,
        is_dtls ? MBEDTLS_SSL_TRANSPORT_DATAGRAM : MBEDTLS_SSL_TRANSPORT_STREAM,
        MBEDTLS_SSL_PRESET_DEFAULT);
    if (ret != 0) {
        modssl_raise_error(ret);
    }
    mbedtls_ssl_conf_rng(&self->conf, mbedtls_psa_get_random, MBEDTLS_PSA_RANDOM_STATE);
    mbedtls_ssl_conf_sig_algs(&self->conf, modssl_sig_algs);
    modssl_context_apply_verify_mode(self);
    modssl_context_apply_versions(self);
    modssl_context_set_default_ciphers(self);

    #if defined(MBEDTLS_SSL_PROTO_TLS1_3) && defined(MBEDTLS_SSL_SESSION_TICKETS) && defined(MBEDTLS_SSL_CLI_C)
    if (!is_server) {
        // Keep TLS 1.3 tickets (mbedTLS drops them unless asked), so that
        // `sock.session` can resume; reads step over the ticket messages.
        mbedtls_ssl_conf_tls13_enable_signal_new_session_tickets(&self->conf,
            MBEDTLS_SSL_TLS1_3_SIGNAL_NEW_SESSION_TICKETS_ENABLED);
    }
    #endif
    #if defined(MBEDTLS_SSL_TICKET_C) && defined(MBEDTLS_SSL_SESSION_TICKETS)
    if (is_server) {
        ret = mbedtls_ssl_ticket_setup(&self->ticket, mbedtls_psa_get_random, MBEDTLS_PSA_RANDOM_STATE,
            MBEDTLS_CIPHER_AES_256_GCM, MODSSL_TICKET_LIFETIME_S);
        if (ret != 0) {
            modssl_raise_error(ret);
        }
        mbedtls_ssl_conf_session_tickets_cb(&self->conf, mbedtls_ssl_ticket_write, mbedtls_ssl_ticket_parse, &self->ticket);
    }
    #endif
    #if MODSSL_HAS_DTLS
    modssl_dtls_context_setup(self);
    #endif
    return MP_OBJ_FROM_PTR(self);
}

static void ssl_context_attr(mp_obj_t self_in, qstr attr, mp_obj_t *dest) {
    mp_obj_ssl_context_t *self = MP_OBJ_TO_PTR(self_in);
    #if MODSSL_HAS_PSK
    if (modssl_psk_attr(self, attr, dest)) {
        return;
    }
    #endif
    #if MODSSL_HAS_ECDSA_SIGN_CALLBACK
    if (modssl_sign_attr(self, attr, dest)) {
        return;
    }
    #endif
    #if MODSSL_HAS_DTLS
    if (modssl_dtls_context_attr(self, attr, dest)) {
        return;
    }
    #endif
    if (dest[0] == MP_OBJ_NULL) {
        // Load.
        if (attr == MP_QSTR_verify_mode) {
            dest[0] = MP_OBJ_NEW_SMALL_INT(self->verify_mode);
        } else if (attr == MP_QSTR_check_hostname) {
            dest[0] = mp_obj_new_bool(self->check_hostname);
        } else if (attr == MP_QSTR_protocol) {
            dest[0] = MP_OBJ_NEW_SMALL_INT(self->protocol);
        } else if (attr == MP_QSTR_minimum_version) {
            dest[0] = MP_OBJ_NEW_SMALL_INT(self->minimum_version);
        } else if (attr == MP_QSTR_maximum_version) {
            dest[0] = MP_OBJ_NEW_SMALL_INT(self->maximum_version);
        } else if (attr == MP_QSTR_verify_callback) {
            dest[0] = self->verify_callback;
        } else if (attr == MP_QSTR_max_fragment_length) {
            dest[0] = self->max_fragment_length ? MP_OBJ_NEW_SMALL_INT(self->max_fragment_length) : mp_const_none;
        } else if (attr == MP_QSTR_release_buffers) {
            dest[0] = mp_obj_new_bool(!self->keep_buffers);
        } else {
            dest[1] = MP_OBJ_SENTINEL;
        }
        return;
    }
    if (dest[1] == MP_OBJ_NULL) {
        return; // deleting attributes is not supported
    }
    // Store.
    mp_obj_t value = dest[1];
    if (attr == MP_QSTR_verify_mode) {
        mp_int_t mode = mp_obj_get_int(value);
        if (mode < MBEDTLS_SSL_VERIFY_NONE || mode > MBEDTLS_SSL_VERIFY_REQUIRED) {
            modssl_raise_ValueError(MODSSL_TEXT("verify_mode must be CERT_NONE, CERT_OPTIONAL or CERT_REQUIRED"));
        }
        self->verify_mode = mode;
        modssl_context_apply_verify_mode(self);
    } else if (attr == MP_QSTR_check_hostname) {
        self->check_hostname = mp_obj_is_true(value);
        if (self->check_hostname && self->verify_mode == MBEDTLS_SSL_VERIFY_NONE) {
            // As CPython: hostname checking implies verification.
            self->verify_mode = MBEDTLS_SSL_VERIFY_REQUIRED;
            modssl_context_apply_verify_mode(self);
        }
    } else if (attr == MP_QSTR_minimum_version) {
        self->minimum_version = modssl_parse_version(value, false);
        modssl_context_apply_versions(self);
    } else if (attr == MP_QSTR_maximum_version) {
        self->maximum_version = modssl_parse_version(value, true);
        modssl_context_apply_versions(self);
    } else if (attr == MP_QSTR_max_fragment_length) {
        modssl_context_set_max_fragment_length(self, value);
    } else if (attr == MP_QSTR_release_buffers) {
        // True (default): an idle connection gives its record buffers back
        // to the heap and takes them again, sized for the record, when data
        // moves (patches/mbedtls/0007).  False keeps them, for bulk transfers.
        self->keep_buffers = !mp_obj_is_true(value);
    } else if (attr == MP_QSTR_verify_callback) {
        if (value != mp_const_none && !mp_obj_is_callable(value)) {
            modssl_raise_TypeError(MODSSL_TEXT("verify_callback must be callable or None"));
        }
        self->verify_callback = value;
    } else {
        return; // unknown attribute: leave dest[0] set, AttributeError follows
    }
    dest[0] = MP_OBJ_NULL; // success
}

static mp_obj_t ssl_context___del__(mp_obj_t self_in) {
    mp_obj_ssl_context_t *self = MP_OBJ_TO_PTR(self_in);
    #if defined(MBEDTLS_SSL_TICKET_C)
    mbedtls_ssl_ticket_free(&self->ticket);
    #endif
    #if defined(MBEDTLS_SSL_COOKIE_C)
    mbedtls_ssl_cookie_free(&self->cookie);
    #endif
    #if MODSSL_HAS_ECDSA_SIGN_CALLBACK
    mbedtls_pk_free(&self->sign_pkey);
    #endif
    mbedtls_pk_free(&self->pkey);
    mbedtls_x509_crt_free(&self->cert);
    mbedtls_x509_crt_free(&self->cacert);
    mbedtls_ssl_config_free(&self->conf);
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_1(ssl_context___del___obj, ssl_context___del__);

static const mp_rom_map_elem_t ssl_context_locals_dict_table[] = {
    { MP_ROM_QSTR(MP_QSTR___del__), MP_ROM_PTR(&ssl_context___del___obj) },
    { MP_ROM_QSTR(MP_QSTR_load_cert_chain), MP_ROM_PTR(&ssl_context_load_cert_chain_obj) },
    { MP_ROM_QSTR(MP_QSTR_load_verify_locations), MP_ROM_PTR(&ssl_context_load_verify_locations_obj) },
    { MP_ROM_QSTR(MP_QSTR_load_default_certs), MP_ROM_PTR(&modssl_context_load_default_certs_obj) },
    { MP_ROM_QSTR(MP_QSTR_set_default_verify_paths), MP_ROM_PTR(&modssl_context_set_default_verify_paths_obj) },
    { MP_ROM_QSTR(MP_QSTR_cert_store_stats), MP_ROM_PTR(&modssl_context_cert_store_stats_obj) },
    { MP_ROM_QSTR(MP_QSTR_get_ca_certs), MP_ROM_PTR(&modssl_context_get_ca_certs_obj) },
    { MP_ROM_QSTR(MP_QSTR_get_ciphers), MP_ROM_PTR(&modssl_context_get_ciphers_obj) },
    { MP_ROM_QSTR(MP_QSTR_set_ciphers), MP_ROM_PTR(&modssl_context_set_ciphers_obj) },
    { MP_ROM_QSTR(MP_QSTR_set_ecdh_curve), MP_ROM_PTR(&modssl_context_set_ecdh_curve_obj) },
    { MP_ROM_QSTR(MP_QSTR_set_alpn_protocols), MP_ROM_PTR(&ssl_context_set_alpn_protocols_obj) },
    { MP_ROM_QSTR(MP_QSTR_wrap_socket), MP_ROM_PTR(&modssl_context_wrap_socket_obj) },
    { MP_ROM_QSTR(MP_QSTR_wrap_bio), MP_ROM_PTR(&modssl_context_wrap_bio_obj) },
};
static MP_DEFINE_CONST_DICT(ssl_context_locals_dict, ssl_context_locals_dict_table);

MP_DEFINE_CONST_OBJ_TYPE(
    modssl_context_type,
    MP_QSTR_SSLContext,
    MP_TYPE_FLAG_NONE,
    make_new, ssl_context_make_new,
    attr, ssl_context_attr,
    locals_dict, &ssl_context_locals_dict
    );
