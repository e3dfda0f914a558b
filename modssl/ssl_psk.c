/*
 * modssl: pre-shared keys (TLS 1.2 PSK and ECDHE-PSK suites, TLS 1.3
 * external PSKs in psk_ke and psk_dhe_ke modes, DTLS 1.2 PSK).
 *
 * Three ways to say which key to use, all on SSLContext:
 *
 *   upstream MicroPython   ctx.psk_identity, ctx.psk_key (a client sets both;
 *                          a server that sets both accepts that one pair) and
 *                          ctx.server_psk_keys (a dict, or any object with
 *                          .get(identity) -> key or None).  The older
 *                          set_psk_identity() / set_psk_key() methods too.
 *   CPython 3.13           set_psk_client_callback(cb): cb(hint) ->
 *                          (identity, psk); set_psk_server_callback(cb,
 *                          identity_hint=None): cb(identity) -> psk.
 *   pyOpenSSL              python/OpenSSL/SSL.py maps its Context methods to
 *                          the CPython ones above.
 *
 * While a context has a PSK it negotiates PSK only: its TLS 1.2 / DTLS
 * suites are cut to PSK and ECDHE-PSK ones and TLS 1.3 to the psk_ke and
 * psk_dhe_ke modes, so a PSK endpoint never falls back to certificates.
 * mbedTLS sends no identity hint, so a client callback's hint is None.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stddef.h>
#include <string.h>

#include "py/runtime.h"
#include "py/objstr.h"
#include "py/unicode.h"

#include "modssl.h"

#if MODSSL_HAS_PSK

struct _modssl_psk_t {
    mp_obj_t identity;          // psk_identity: bytes or str, or None
    mp_obj_t key;               // psk_key: bytes, or None
    mp_obj_t server_keys;       // server_psk_keys: dict or object with .get(), or None
    mp_obj_t client_callback;   // CPython: cb(hint) -> (identity, psk)
    mp_obj_t server_callback;   // CPython: cb(identity) -> psk
    mp_obj_t identity_hint;     // kept for the getter; mbedTLS sends none
    mp_obj_t applied_identity;  // the pair last given to mbedtls_ssl_conf_psk()
    mp_obj_t applied_key;
    int *suites;                // the PSK-only list in force, GC heap
};

// A too-long key is a ValueError (as the brief of this module asks) that is
// also an OSError (what upstream MicroPython raises and its tests catch).
static const mp_rom_obj_tuple_t modssl_psk_value_error_bases = {
    {&mp_type_tuple}, 2, { MP_ROM_PTR(&mp_type_ValueError), MP_ROM_PTR(&mp_type_OSError) }
};

MP_DEFINE_CONST_OBJ_TYPE(
    modssl_type_PSKValueError, MP_QSTR_PSKValueError, MP_TYPE_FLAG_NONE,
    make_new, mp_obj_exception_make_new,
    print, mp_obj_exception_print,
    attr, mp_obj_exception_attr,
    parent, &modssl_psk_value_error_bases
    );

static modssl_psk_t *psk_state(mp_obj_ssl_context_t *ctx) {
    if (ctx->psk == NULL) {
        modssl_psk_t *psk = m_new_obj(modssl_psk_t);
        psk->identity = mp_const_none;
        psk->key = mp_const_none;
        psk->server_keys = mp_const_none;
        psk->client_callback = mp_const_none;
        psk->server_callback = mp_const_none;
        psk->identity_hint = mp_const_none;
        psk->applied_identity = MP_OBJ_NULL;
        psk->applied_key = MP_OBJ_NULL;
        psk->suites = NULL;
        ctx->psk = psk;
    }
    return ctx->psk;
}

static bool psk_is_server(const mp_obj_ssl_context_t *ctx) {
    return (ctx->protocol & MODSSL_PROTOCOL_IS_SERVER) != 0;
}

bool modssl_psk_enabled(const mp_obj_ssl_context_t *ctx) {
    const modssl_psk_t *psk = ctx->psk;
    if (psk == NULL) {
        return false;
    }
    bool pair = psk->identity != mp_const_none && psk->key != mp_const_none;
    if (psk_is_server(ctx)) {
        return pair || psk->server_keys != mp_const_none || psk->server_callback != mp_const_none;
    }
    return pair || psk->client_callback != mp_const_none;
}

/******************************************************************************/
// Values.

static const byte *psk_identity_data(mp_obj_t identity, size_t *len, const char *what) {
    if (!mp_obj_is_str_or_bytes(identity) && !mp_obj_is_type(identity, &mp_type_bytearray)) {
        modssl_raise_msg_varg(&mp_type_TypeError, MODSSL_TEXT("%s must be bytes or str"), what);
    }
    mp_buffer_info_t buf;
    mp_get_buffer_raise(identity, &buf, MP_BUFFER_READ);
    if (buf.len == 0 || buf.len > 0xffff) {
        modssl_raise_msg_varg(&mp_type_ValueError, MODSSL_TEXT("%s must be 1 to 65535 bytes long"), what);
    }
    *len = buf.len;
    return buf.buf;
}

static void psk_raise_key_length(size_t len) {
    modssl_raise_msg_varg(&modssl_type_PSKValueError,
        MODSSL_TEXT("PSK is %u bytes; must be 1 to %u"), (unsigned)len, (unsigned)MBEDTLS_PSK_MAX_LEN);
}

static const byte *psk_key_data(mp_obj_t key, size_t *len, const char *what) {
    mp_buffer_info_t buf;
    if (mp_obj_is_str(key) || !mp_get_buffer(key, &buf, MP_BUFFER_READ)) {
        modssl_raise_msg_varg(&mp_type_TypeError, MODSSL_TEXT("%s must be bytes, not %s"),
            what, mp_obj_get_type_str(key));
    }
    if (buf.len == 0 || buf.len > MBEDTLS_PSK_MAX_LEN) {
        psk_raise_key_length(buf.len);
    }
    *len = buf.len;
    return buf.buf;
}

/******************************************************************************/
// Cipher suites: PSK only while a PSK is set.

static bool psk_suite_is_psk_or_tls13(int id) {
    return modssl_cipher_is_psk(id) || modssl_cipher_is_tls13(id);
}

// set_ciphers("PSK"): every PSK suite the library has, and its TLS 1.3
// suites (TLS 1.3 PSKs work with any of them).
int *modssl_psk_all_suites(void) {
    return modssl_ciphers_where(psk_suite_is_psk_or_tls13);
}

// The list in force while a PSK is set: the PSK suites of the context's list
// (set_ciphers() or the defaults) and its TLS 1.3 suites; if the list names
// no PSK suite, the library's AEAD PSK suites (ECDHE-PSK first, as mbedTLS
// orders them; CCM-8 included, as CoAP and LwM2M need it).
static int *psk_effective_suites(const int *base) {
    size_t n = 0;
    bool named_psk = false;
    for (const int *p = base; *p; ++p) {
        named_psk |= modssl_cipher_is_psk(*p);
        ++n;
    }
    for (const int *p = mbedtls_ssl_list_ciphersuites(); *p; ++p) {
        ++n;
    }
    int *list = m_new(int, n + 1);
    size_t i = 0;
    for (const int *p = base; *p; ++p) {
        if (psk_suite_is_psk_or_tls13(*p)) {
            list[i++] = *p;
        }
    }
    if (!named_psk) {
        for (const int *p = mbedtls_ssl_list_ciphersuites(); *p; ++p) {
            if (modssl_cipher_is_psk(*p) && modssl_cipher_is_aead(*p)) {
                list[i++] = *p;
            }
        }
    }
    list[i] = 0;
    return list;
}

// The suites a context offers: its PSK-only list while a PSK is set.
const int *modssl_psk_suites(const mp_obj_ssl_context_t *ctx) {
    return ctx->psk != NULL && ctx->psk->suites != NULL ? ctx->psk->suites : ctx->ciphersuites;
}

static int psk_server_lookup(void *ctx_in, mbedtls_ssl_context *ssl, const unsigned char *id, size_t id_len);

// Bring the mbedtls_ssl_config in line with the context's PSK settings; also
// called whenever the context's cipher suite list changes.
void modssl_psk_apply(mp_obj_ssl_context_t *ctx) {
    modssl_psk_t *psk = ctx->psk;
    if (psk == NULL) {
        return;
    }
    bool enabled = modssl_psk_enabled(ctx);
    if (enabled) {
        psk->suites = psk_effective_suites(ctx->ciphersuites);
        mbedtls_ssl_conf_ciphersuites(&ctx->conf, psk->suites);
    } else {
        psk->suites = NULL;
        mbedtls_ssl_conf_ciphersuites(&ctx->conf, ctx->ciphersuites);
    }
    #if defined(MBEDTLS_SSL_PROTO_TLS1_3)
    mbedtls_ssl_conf_tls13_key_exchange_modes(&ctx->conf, enabled
        ? MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_ALL : MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_ALL);
    #endif
    if (psk_is_server(ctx)) {
        mbedtls_ssl_conf_psk_cb(&ctx->conf, enabled ? psk_server_lookup : NULL, ctx);
    } else if (psk->identity != mp_const_none && psk->key != mp_const_none
               && (psk->identity != psk->applied_identity || psk->key != psk->applied_key)) {
        // Applied as a pair, in either order: a bad one is refused here.
        // (Only a new pair: an unpatched mbedTLS, ESP-IDF's, takes one.)
        size_t id_len, key_len;
        const byte *id = psk_identity_data(psk->identity, &id_len, "psk_identity");
        const byte *key = psk_key_data(psk->key, &key_len, "psk_key");
        int ret = mbedtls_ssl_conf_psk(&ctx->conf, key, key_len, id, id_len);
        if (ret != 0) {
            modssl_raise_error(ret);
        }
        psk->applied_identity = psk->identity;
        psk->applied_key = psk->key;
    }
}

/******************************************************************************/
// The server's lookup, called by mbedTLS with the identity the client sent.

static mp_obj_ssl_conn_t *psk_conn_of(mbedtls_ssl_context *ssl) {
    return (mp_obj_ssl_conn_t *)((char *)ssl - offsetof(mp_obj_ssl_conn_t, ssl));
}

static mp_obj_t psk_identity_obj(const unsigned char *id, size_t id_len, bool as_str) {
    if (as_str && utf8_check(id, id_len)) {
        return mp_obj_new_str((const char *)id, id_len);
    }
    return mp_obj_new_bytes(id, id_len);
}

static mp_obj_t psk_exception_text(const char *where, mp_obj_t exc) {
    vstr_t vstr;
    mp_print_t print;
    vstr_init_print(&vstr, 40, &print);
    mp_printf(&print, "%s raised ", where);
    mp_obj_print_helper(&print, exc, PRINT_EXC);
    return mp_obj_new_str_from_vstr(&vstr);
}

static int psk_server_lookup(void *ctx_in, mbedtls_ssl_context *ssl, const unsigned char *id, size_t id_len) {
    mp_obj_ssl_context_t *ctx = ctx_in;
    modssl_psk_t *psk = ctx->psk;
    mp_obj_ssl_conn_t *conn = psk_conn_of(ssl);
    const char *volatile where = "server_psk_keys";
    nlr_buf_t nlr;
    if (nlr_push(&nlr) != 0) {
        conn->psk_error = psk_exception_text(where, MP_OBJ_FROM_PTR(nlr.ret_val));
        return -1;
    }
    mp_obj_t identity = mp_obj_new_bytes(id, id_len);
    conn->psk_identity = identity;
    mp_obj_t key = mp_const_none;
    if (psk->server_keys != mp_const_none) {
        if (mp_obj_is_type(psk->server_keys, &mp_type_dict)) {
            mp_map_elem_t *elem = mp_map_lookup(mp_obj_dict_get_map(psk->server_keys), identity, MP_MAP_LOOKUP);
            key = elem != NULL ? elem->value : mp_const_none;
        } else {
            where = "server_psk_keys.get()";
            mp_obj_t dest[3];
            mp_load_method(psk->server_keys, MP_QSTR_get, dest);
            dest[2] = identity;
            key = mp_call_method_n_kw(1, 0, dest);
        }
    }
    if (key == mp_const_none && psk->server_callback != mp_const_none) {
        // CPython passes the identity as str.
        where = "the PSK server callback";
        key = mp_call_function_1(psk->server_callback, psk_identity_obj(id, id_len, true));
    }
    if (key == mp_const_none && psk->identity != mp_const_none && psk->key != mp_const_none) {
        size_t own_len;
        const byte *own = psk_identity_data(psk->identity, &own_len, "psk_identity");
        if (own_len == id_len && memcmp(own, id, id_len) == 0) {
            key = psk->key;
        }
    }
    mp_buffer_info_t buf = { .len = 0 };
    if (key != mp_const_none && (mp_obj_is_str(key) || !mp_get_buffer(key, &buf, MP_BUFFER_READ))) {
        vstr_t vstr;
        vstr_init(&vstr, 48);
        modssl_text_printf(&vstr, MODSSL_TEXT("%s gave a %s, not bytes"), where, mp_obj_get_type_str(key));
        conn->psk_error = mp_obj_new_str_from_vstr(&vstr);
        nlr_pop();
        return -1;
    }
    nlr_pop();
    if (buf.len == 0) {
        // None, or b"" as CPython's callbacks use for "unknown identity".
        return -1;
    }
    if (buf.len > MBEDTLS_PSK_MAX_LEN) {
        conn->psk_error = modssl_text_str(MODSSL_TEXT("the key for this identity is longer than MBEDTLS_PSK_MAX_LEN"));
        return -1;
    }
    conn->psk_key_found = true;
    return mbedtls_ssl_set_hs_psk(ssl, buf.buf, buf.len) == 0 ? 0 : -1;
}

/******************************************************************************/
// Connections.

// A client with a CPython-style callback asks it for the pair when it is
// wrapped (mbedTLS takes a client's PSK before the ClientHello).
void modssl_psk_conn_setup(mp_obj_ssl_conn_t *conn) {
    mp_obj_ssl_context_t *ctx = conn->context;
    modssl_psk_t *psk = ctx->psk;
    conn->psk_identity = MP_OBJ_NULL;
    conn->psk_error = MP_OBJ_NULL;
    conn->psk_key_found = false;
    if (psk == NULL || conn->server_side) {
        return;
    }
    if (psk->client_callback != mp_const_none) {
        mp_obj_t ret = mp_call_function_1(psk->client_callback, mp_const_none);
        size_t n;
        mp_obj_t *items;
        if (!mp_obj_is_type(ret, &mp_type_tuple) && !mp_obj_is_type(ret, &mp_type_list)) {
            modssl_raise_TypeError(MODSSL_TEXT("the PSK client callback must return (identity, psk)"));
        }
        mp_obj_get_array(ret, &n, &items);
        if (n != 2) {
            modssl_raise_TypeError(MODSSL_TEXT("the PSK client callback must return (identity, psk)"));
        }
        size_t id_len, key_len;
        const byte *id = psk_identity_data(items[0], &id_len, "the PSK client callback's identity");
        const byte *key = psk_key_data(items[1], &key_len, "the PSK client callback's psk");
        int r = mbedtls_ssl_conf_psk(&ctx->conf, key, key_len, id, id_len);
        if (r != 0) {
            modssl_raise_error(r);
        }
        psk->applied_identity = MP_OBJ_NULL; // the context's own pair must be given again
        conn->psk_identity = items[0];
    } else if (psk->identity != mp_const_none) {
        conn->psk_identity = psk->identity;
    }
}

// Local failures a PSK explains; returns with nothing raised otherwise.
void modssl_psk_raise_local(mp_obj_ssl_conn_t *conn, int err) {
    if (!modssl_psk_enabled(conn->context) || conn->handshake_done) {
        return;
    }
    if (conn->psk_error != MP_OBJ_NULL) {
        modssl_raise_msg_varg(&mp_type_OSError, MODSSL_TEXT("PSK handshake failed: %s"),
            mp_obj_str_get_str(conn->psk_error));
    }
    if (conn->server_side && conn->psk_identity == MP_OBJ_NULL
        && (err == MBEDTLS_ERR_SSL_HANDSHAKE_FAILURE || err == MBEDTLS_ERR_SSL_ILLEGAL_PARAMETER)) {
        modssl_raise_msg(&mp_type_OSError,
            MODSSL_TEXT("PSK handshake failed: the client offered no PSK, and this context accepts PSK only"));
    }
    if (err == MBEDTLS_ERR_SSL_TIMEOUT && conn->psk_identity != MP_OBJ_NULL
        && (!conn->server_side || conn->psk_key_found)) {
        // DTLS drops records that fail authentication (RFC 6347 4.1.2.7):
        // different keys look like a peer that went quiet.
        vstr_t vstr;
        mp_print_t print;
        vstr_init_print(&vstr, 64, &print);
        modssl_text_add(&vstr, conn->server_side
            ? MODSSL_TEXT("DTLS handshake timed out: the client went quiet; its key for PSK identity ")
            : MODSSL_TEXT("DTLS handshake timed out: the peer stopped answering, as a server does whose key for PSK identity "));
        mp_obj_print_helper(&print, conn->psk_identity, PRINT_REPR);
        modssl_text_add(&vstr, conn->server_side
            ? MODSSL_TEXT(" may differ from ours (DTLS drops records that fail authentication)")
            : MODSSL_TEXT(" differs from ours (DTLS drops records that fail authentication)"));
        modssl_raise_tls(err, mp_obj_new_str_from_vstr(&vstr), 0);
    }
    if (!conn->server_side || conn->psk_identity == MP_OBJ_NULL) {
        return;
    }
    const char *text;
    if (!conn->psk_key_found) {
        text = MODSSL_TEXT("PSK handshake failed: unknown PSK identity ");
    } else if (err == MBEDTLS_ERR_SSL_INVALID_MAC || err == MBEDTLS_ERR_SSL_HANDSHAKE_FAILURE) {
        text = MODSSL_TEXT("PSK handshake failed: the client's key does not match ours for identity ");
    } else {
        return;
    }
    vstr_t vstr;
    mp_print_t print;
    vstr_init_print(&vstr, 64, &print);
    modssl_text_add(&vstr, text);
    mp_obj_print_helper(&print, conn->psk_identity, PRINT_REPR);
    modssl_raise_tls(err, mp_obj_new_str_from_vstr(&vstr), 0);
}

// What an alert from the peer means when a PSK was offered.
void modssl_psk_annotate_alert(mp_obj_ssl_conn_t *conn, uint8_t code, vstr_t *vstr) {
    if (conn->server_side || !modssl_psk_enabled(conn->context) || conn->psk_identity == MP_OBJ_NULL) {
        return;
    }
    mp_print_t print = { vstr, (mp_print_strn_t)vstr_add_strn };
    if (code == MBEDTLS_SSL_ALERT_MSG_UNKNOWN_PSK_IDENTITY) {
        modssl_text_add(vstr, MODSSL_TEXT(": the server does not know PSK identity "));
    } else if (code == MBEDTLS_SSL_ALERT_MSG_DECRYPT_ERROR || code == MBEDTLS_SSL_ALERT_MSG_BAD_RECORD_MAC) {
        modssl_text_add(vstr, MODSSL_TEXT(": the server's key for PSK identity "));
    } else if (code == MBEDTLS_SSL_ALERT_MSG_MISSING_EXTENSION || code == MBEDTLS_SSL_ALERT_MSG_HANDSHAKE_FAILURE) {
        // TLS 1.3 servers need not say unknown_psk_identity (RFC 8446 6.2).
        modssl_text_add(vstr, MODSSL_TEXT(": the server took no PSK of ours (it does not know identity "));
        mp_obj_print_helper(&print, conn->psk_identity, PRINT_REPR);
        modssl_text_add(vstr, MODSSL_TEXT(", or it does not use PSKs)"));
        return;
    } else {
        return;
    }
    mp_obj_print_helper(&print, conn->psk_identity, PRINT_REPR);
    if (code != MBEDTLS_SSL_ALERT_MSG_UNKNOWN_PSK_IDENTITY) {
        modssl_text_add(vstr, MODSSL_TEXT(" differs from ours"));
    }
}

/******************************************************************************/
// Python API: attributes and methods of SSLContext.

static mp_obj_t ssl_context_set_psk_client_callback(mp_obj_t self_in, mp_obj_t callback) {
    mp_obj_ssl_context_t *self = MP_OBJ_TO_PTR(self_in);
    if (psk_is_server(self)) {
        modssl_raise_ValueError(MODSSL_TEXT("set_psk_client_callback needs a client context"));
    }
    if (callback != mp_const_none && !mp_obj_is_callable(callback)) {
        modssl_raise_TypeError(MODSSL_TEXT("the PSK client callback must be callable or None"));
    }
    psk_state(self)->client_callback = callback;
    modssl_psk_apply(self);
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_2(ssl_context_set_psk_client_callback_obj, ssl_context_set_psk_client_callback);

static mp_obj_t ssl_context_set_psk_server_callback(size_t n_args, const mp_obj_t *pos_args, mp_map_t *kw_args) {
    enum { ARG_callback, ARG_identity_hint };
    static const mp_arg_t allowed_args[] = {
        { MP_QSTR_callback, MP_ARG_REQUIRED | MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
        { MP_QSTR_identity_hint, MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
    };
    mp_obj_ssl_context_t *self = MP_OBJ_TO_PTR(pos_args[0]);
    mp_arg_val_t args[MP_ARRAY_SIZE(allowed_args)];
    mp_arg_parse_all(n_args - 1, pos_args + 1, kw_args, MP_ARRAY_SIZE(allowed_args), allowed_args, args);
    if (!psk_is_server(self)) {
        modssl_raise_ValueError(MODSSL_TEXT("set_psk_server_callback needs a server context"));
    }
    mp_obj_t callback = args[ARG_callback].u_obj;
    if (callback != mp_const_none && !mp_obj_is_callable(callback)) {
        modssl_raise_TypeError(MODSSL_TEXT("the PSK server callback must be callable or None"));
    }
    mp_obj_t hint = args[ARG_identity_hint].u_obj;
    if (hint != mp_const_none) {
        size_t len;
        psk_identity_data(hint, &len, "identity_hint");
    }
    modssl_psk_t *psk = psk_state(self);
    psk->server_callback = callback;
    psk->identity_hint = hint;
    modssl_psk_apply(self);
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_KW(ssl_context_set_psk_server_callback_obj, 2, ssl_context_set_psk_server_callback);

static void psk_store(mp_obj_ssl_context_t *self, qstr attr, mp_obj_t value) {
    modssl_psk_t *psk = psk_state(self);
    mp_obj_t old_identity = psk->identity, old_key = psk->key;
    if (attr == MP_QSTR_psk_identity) {
        if (value != mp_const_none) {
            size_t len;
            psk_identity_data(value, &len, "psk_identity");
        }
        psk->identity = value;
    } else if (attr == MP_QSTR_psk_key) {
        if (value != mp_const_none) {
            mp_buffer_info_t buf;
            if (mp_obj_is_str(value) || !mp_get_buffer(value, &buf, MP_BUFFER_READ)) {
                modssl_raise_msg_varg(&mp_type_TypeError, MODSSL_TEXT("psk_key must be bytes, not %s"),
                    mp_obj_get_type_str(value));
            }
        }
        psk->key = value;
    } else {
        if (value != mp_const_none && !mp_obj_is_type(value, &mp_type_dict)) {
            mp_obj_t dest[2];
            mp_load_method_maybe(value, MP_QSTR_get, dest);
            if (dest[0] == MP_OBJ_NULL) {
                modssl_raise_TypeError(MODSSL_TEXT("server_psk_keys must be a dict or have a get(identity) method"));
            }
        }
        psk->server_keys = value;
    }
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        modssl_psk_apply(self);
        nlr_pop();
    } else {
        // A refused pair leaves the context as it was.
        psk->identity = old_identity;
        psk->key = old_key;
        nlr_jump(nlr.ret_val);
    }
}

static mp_obj_t ssl_context_set_psk_identity(mp_obj_t self_in, mp_obj_t identity) {
    psk_store(MP_OBJ_TO_PTR(self_in), MP_QSTR_psk_identity, identity);
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_2(ssl_context_set_psk_identity_obj, ssl_context_set_psk_identity);

static mp_obj_t ssl_context_set_psk_key(mp_obj_t self_in, mp_obj_t key) {
    psk_store(MP_OBJ_TO_PTR(self_in), MP_QSTR_psk_key, key);
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_2(ssl_context_set_psk_key_obj, ssl_context_set_psk_key);

// The context's attribute handler calls this first; true when it handled attr.
bool modssl_psk_attr(mp_obj_ssl_context_t *self, qstr attr, mp_obj_t *dest) {
    const mp_obj_base_t *method = NULL;
    switch (attr) {
        case MP_QSTR_psk_identity:
        case MP_QSTR_psk_key:
        case MP_QSTR_server_psk_keys:
            break;
        case MP_QSTR_set_psk_client_callback:
            method = &ssl_context_set_psk_client_callback_obj.base;
            break;
        case MP_QSTR_set_psk_server_callback:
            method = &ssl_context_set_psk_server_callback_obj.base;
            break;
        case MP_QSTR_set_psk_identity:
            method = &ssl_context_set_psk_identity_obj.base;
            break;
        case MP_QSTR_set_psk_key:
            method = &ssl_context_set_psk_key_obj.base;
            break;
        default:
            return false;
    }
    if (dest[0] == MP_OBJ_NULL) {
        if (method != NULL) {
            dest[0] = MP_OBJ_FROM_PTR(method);
            dest[1] = MP_OBJ_FROM_PTR(self);
            return true;
        }
        const modssl_psk_t *psk = self->psk;
        if (psk == NULL) {
            dest[0] = mp_const_none;
        } else if (attr == MP_QSTR_psk_identity) {
            dest[0] = psk->identity;
        } else if (attr == MP_QSTR_psk_key) {
            dest[0] = psk->key;
        } else {
            dest[0] = psk->server_keys;
        }
        return true;
    }
    if (method != NULL || dest[1] == MP_OBJ_NULL) {
        return true; // methods cannot be assigned or deleted: AttributeError follows
    }
    psk_store(self, attr, dest[1]);
    dest[0] = MP_OBJ_NULL;
    return true;
}

#endif // MODSSL_HAS_PSK
