/*
 * modssl: cipher suites -- names (IANA and mbedTLS spellings), the suite
 * lists (default, AEAD, TLS 1.3), SSLContext.get_ciphers()/set_ciphers(),
 * and the key exchange group (set_ecdh_curve()).
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "py/runtime.h"
#include "py/objlist.h"

#include "modssl.h"

/******************************************************************************/
// Cipher suite names.
//
// Users see IANA names ("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
// "TLS_AES_128_GCM_SHA256"); mbedTLS names use dashes and a "TLS1-3-" prefix
// for TLS 1.3 suites.  Both spellings are accepted on input.

mp_obj_t modssl_cipher_iana_name(int id) {
    const char *name = mbedtls_ssl_get_ciphersuite_name(id);
    vstr_t vstr;
    vstr_init(&vstr, strlen(name) + 1);
    if (strncmp(name, "TLS1-3-", 7) == 0) {
        vstr_add_str(&vstr, "TLS_");
        name += 7;
    }
    for (; *name; ++name) {
        vstr_add_byte(&vstr, *name == '-' ? '_' : *name);
    }
    return mp_obj_new_str_from_vstr(&vstr);
}

static int modssl_cipher_id_from_name(const char *name, size_t len) {
    char buf[64];
    if (len + 8 > sizeof(buf)) {
        return 0;
    }
    // Normalise to mbedTLS's spelling.
    for (size_t i = 0; i <= len; ++i) {
        buf[i] = (i < len && name[i] == '_') ? '-' : name[i];
    }
    buf[len] = 0;
    int id = mbedtls_ssl_get_ciphersuite_id(buf);
    if (id == 0 && strncmp(buf, "TLS-", 4) == 0) {
        // An IANA TLS 1.3 name: TLS_AES_128_GCM_SHA256 -> TLS1-3-AES-128-GCM-SHA256.
        char tls13[72] = "TLS1-3-";
        memcpy(tls13 + 7, buf + 4, len - 4 + 1);
        id = mbedtls_ssl_get_ciphersuite_id(tls13);
    }
    return id;
}

bool modssl_cipher_is_tls13(int id) {
    return strncmp(mbedtls_ssl_get_ciphersuite_name(id), "TLS1-3-", 7) == 0;
}

// AES-GCM, AES-CCM (CCM-8 included) or ChaCha20-Poly1305.
bool modssl_cipher_is_aead(int id) {
    const char *name = mbedtls_ssl_get_ciphersuite_name(id);
    return strstr(name, "-GCM-") != NULL || strstr(name, "-CCM") != NULL || strstr(name, "CHACHA20-POLY1305") != NULL;
}

// The library's suites for which keep() holds, in its order: a zero-ended
// list on the GC heap.
int *modssl_ciphers_where(bool (*keep)(int id)) {
    size_t n = 0;
    for (const int *p = mbedtls_ssl_list_ciphersuites(); *p; ++p) {
        n += keep(*p);
    }
    int *list = m_new(int, n + 1);
    size_t i = 0;
    for (const int *p = mbedtls_ssl_list_ciphersuites(); *p; ++p) {
        if (keep(*p)) {
            list[i++] = *p;
        }
    }
    list[i] = 0;
    return list;
}

// The default list: forward-secret AEAD suites only (AES-GCM, ChaCha20-Poly1305,
// AES-CCM), as a conforming modern endpoint offers.  CBC and static-RSA suites
// stay available through set_ciphers().
static bool modssl_cipher_is_default(int id) {
    const char *name = mbedtls_ssl_get_ciphersuite_name(id);
    bool forward_secret = strncmp(name, "TLS1-3-", 7) == 0 || strncmp(name, "TLS-ECDHE-", 10) == 0;
    return modssl_cipher_is_aead(id) && strstr(name, "CCM-8") == NULL && forward_secret
        && strstr(name, "-PSK-") == NULL; // PSK suites: ssl_psk.c
}

static void modssl_context_apply_ciphers(mp_obj_ssl_context_t *self, int *list) {
    self->ciphersuites = list;
    mbedtls_ssl_conf_ciphersuites(&self->conf, list);
    #if MODSSL_HAS_PSK
    modssl_psk_apply(self); // PSK-only suites while a PSK is set
    #endif
}

void modssl_context_set_default_ciphers(mp_obj_ssl_context_t *self) {
    modssl_context_apply_ciphers(self, modssl_ciphers_where(modssl_cipher_is_default));
}

static mp_obj_t ssl_context_get_ciphers(mp_obj_t self_in) {
    mp_obj_ssl_context_t *self = MP_OBJ_TO_PTR(self_in);
    mp_obj_t list = mp_obj_new_list(0, NULL);
    #if MODSSL_HAS_PSK
    for (const int *p = modssl_psk_suites(self); *p; ++p) {
    #else
    for (const int *p = self->ciphersuites; *p; ++p) {
    #endif
        mp_obj_list_append(list, modssl_cipher_iana_name(*p));
    }
    return list;
}
MP_DEFINE_CONST_FUN_OBJ_1(modssl_context_get_ciphers_obj, ssl_context_get_ciphers);

// set_ciphers(["TLS_...", ...]) as MicroPython documents, or CPython's
// colon-separated string of the same names.
static mp_obj_t ssl_context_set_ciphers(mp_obj_t self_in, mp_obj_t ciphers_in) {
    mp_obj_ssl_context_t *self = MP_OBJ_TO_PTR(self_in);
    if (mp_obj_is_str(ciphers_in)) {
        // CPython's form: "NAME1:NAME2".
        size_t len;
        const char *str = mp_obj_str_get_data(ciphers_in, &len);
        mp_obj_t parts = mp_obj_new_list(0, NULL);
        for (size_t start = 0, i = 0; i <= len; ++i) {
            if (i == len || str[i] == ':') {
                if (i > start) {
                    mp_obj_list_append(parts, mp_obj_new_str(str + start, i - start));
                }
                start = i + 1;
            }
        }
        ciphers_in = parts;
    }
    size_t n;
    mp_obj_t *names;
    if (!mp_obj_is_type(ciphers_in, &mp_type_list) && !mp_obj_is_type(ciphers_in, &mp_type_tuple)) {
        modssl_raise_TypeError(MODSSL_TEXT("set_ciphers: expected a list of cipher suite names"));
    }
    mp_obj_get_array(ciphers_in, &n, &names);
    #if MODSSL_HAS_PSK
    if (n == 1 && mp_obj_is_str(names[0]) && strcmp(mp_obj_str_get_str(names[0]), "PSK") == 0) {
        modssl_context_apply_ciphers(self, modssl_psk_all_suites()); // upstream's "PSK" shorthand
        return mp_const_none;
    }
    #endif
    if (n == 0) {
        modssl_raise_ValueError(MODSSL_TEXT("set_ciphers: no cipher suites given"));
    }
    // TLS 1.3 suites are configured apart from TLS 1.2 ones, as in CPython:
    // a list naming none keeps the default TLS 1.3 suites.
    bool has_tls13 = false;
    int *list = m_new(int, n + 8);
    size_t count = 0;
    for (size_t i = 0; i < n; ++i) {
        size_t len;
        const char *name = mp_obj_str_get_data(names[i], &len);
        int id = modssl_cipher_id_from_name(name, len);
        if (id == 0 || strlen(name) != len) {
            modssl_raise_bad_value(MODSSL_TEXT("unknown cipher suite"), names[i]);
        }
        has_tls13 |= modssl_cipher_is_tls13(id);
        list[count++] = id;
    }
    if (!has_tls13 && !(self->protocol & MODSSL_PROTOCOL_IS_DTLS)) {
        for (const int *p = mbedtls_ssl_list_ciphersuites(); *p && count < n + 7; ++p) {
            if (modssl_cipher_is_tls13(*p) && modssl_cipher_is_default(*p)) {
                list[count++] = *p;
            }
        }
    }
    list[count] = 0;
    modssl_context_apply_ciphers(self, list);
    return mp_const_none;
}
MP_DEFINE_CONST_FUN_OBJ_2(modssl_context_set_ciphers_obj, ssl_context_set_ciphers);

/******************************************************************************/
// set_ecdh_curve(name): CPython's, which takes OpenSSL's short names and
// makes that curve the only key exchange group (ECDHE in TLS 1.2, the key
// share in TLS 1.3), in both roles.

static const struct {
    char name[11];
    uint16_t tls_id;
} modssl_curve_names[] = {
    { "prime256v1", MBEDTLS_SSL_IANA_TLS_GROUP_SECP256R1 },
    { "secp384r1", MBEDTLS_SSL_IANA_TLS_GROUP_SECP384R1 },
    { "secp521r1", MBEDTLS_SSL_IANA_TLS_GROUP_SECP521R1 },
    { "X25519", MBEDTLS_SSL_IANA_TLS_GROUP_X25519 },
    { "X448", MBEDTLS_SSL_IANA_TLS_GROUP_X448 },
};

static mp_obj_t ssl_context_set_ecdh_curve(mp_obj_t self_in, mp_obj_t name_in) {
    mp_obj_ssl_context_t *self = MP_OBJ_TO_PTR(self_in);
    if (!mp_obj_is_str(name_in)) {
        modssl_raise_TypeError(MODSSL_TEXT("set_ecdh_curve: expected a curve name (str)"));
    }
    size_t len;
    const char *name = mp_obj_str_get_data(name_in, &len);
    for (size_t i = 0; i < MP_ARRAY_SIZE(modssl_curve_names); ++i) {
        if (strlen(modssl_curve_names[i].name) == len && memcmp(name, modssl_curve_names[i].name, len) == 0) {
            uint16_t id = modssl_curve_names[i].tls_id;
            if (mbedtls_ecp_curve_info_from_tls_id(id) == NULL) {
                modssl_raise_bad_value(MODSSL_TEXT("elliptic curve not in this firmware"), name_in);
            }
            self->groups[0] = id;
            self->groups[1] = 0;
            mbedtls_ssl_conf_groups(&self->conf, self->groups);
            return mp_const_none;
        }
    }
    modssl_raise_bad_value(MODSSL_TEXT("unknown elliptic curve name"), name_in);
}
MP_DEFINE_CONST_FUN_OBJ_2(modssl_context_set_ecdh_curve_obj, ssl_context_set_ecdh_curve);
