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
// "TLS_AES_128_GCM_SHA256"), spelled here from a suite's parts (key exchange,
// cipher, MAC/PRF hash, CCM-8's short tag), so the firmware needs no name
// strings from mbedTLS (patches/mbedtls/0069).  mbedTLS's own spelling, with
// dashes and a "TLS1-3-" prefix for TLS 1.3 suites, is accepted on input too.

// The key exchanges in mbedtls_key_exchange_type_t's order, each ended by a
// NUL; NONE (the TLS 1.3 suites) has no text.
static const char modssl_suite_key_exchanges[] =
    "\0RSA\0DHE_RSA\0ECDHE_RSA\0ECDHE_ECDSA\0PSK\0DHE_PSK\0RSA_PSK\0ECDHE_PSK\0ECDH_RSA\0ECDH_ECDSA\0ECJPAKE";

// The block ciphers of TLS suites.  mbedtls_cipher_type_t lists each mode of
// a cipher in threes (128, 192 and 256-bit keys): an entry names the first.
#define MODSSL_SUITE_MODE_CBC (0)
#define MODSSL_SUITE_MODE_GCM (4)
#define MODSSL_SUITE_MODE_CCM (8)
static const struct {
    uint8_t type;
    uint8_t mode; // offset in modssl_suite_modes
    char family[9];
} modssl_suite_ciphers[] = {
    #if defined(MBEDTLS_SSL_HAVE_AES)
    { MBEDTLS_CIPHER_AES_128_GCM, MODSSL_SUITE_MODE_GCM, "AES" },
    { MBEDTLS_CIPHER_AES_128_CCM, MODSSL_SUITE_MODE_CCM, "AES" },
    { MBEDTLS_CIPHER_AES_128_CBC, MODSSL_SUITE_MODE_CBC, "AES" },
    #endif
    #if defined(MBEDTLS_SSL_HAVE_CAMELLIA)
    { MBEDTLS_CIPHER_CAMELLIA_128_GCM, MODSSL_SUITE_MODE_GCM, "CAMELLIA" },
    { MBEDTLS_CIPHER_CAMELLIA_128_CBC, MODSSL_SUITE_MODE_CBC, "CAMELLIA" },
    #endif
    #if defined(MBEDTLS_SSL_HAVE_ARIA)
    { MBEDTLS_CIPHER_ARIA_128_GCM, MODSSL_SUITE_MODE_GCM, "ARIA" },
    { MBEDTLS_CIPHER_ARIA_128_CBC, MODSSL_SUITE_MODE_CBC, "ARIA" },
    #endif
};
static const char modssl_suite_modes[] = "CBC\0GCM\0CCM";
static const char modssl_suite_key_bits[] = "128\000192\000256";

static char *modssl_suite_put(char *p, const char *text) {
    while (*text) {
        *p++ = *text++;
    }
    return p;
}

// The suite's IANA name into buf (at most 47 characters: "TLS_" + ECDHE_ECDSA
// + "_WITH_" + CAMELLIA_256_CBC or CHACHA20_POLY1305 + "_8" + "_SHA384"),
// not NUL-ended; its length, or 0 for an id the library does not have.  *aead:
// whether the cipher is an AEAD (GCM, CCM, ChaCha20-Poly1305).
#define MODSSL_SUITE_NAME_MAX (48)
static size_t modssl_cipher_name(int id, char *buf, bool *aead) {
    const mbedtls_ssl_ciphersuite_t *info = mbedtls_ssl_ciphersuite_from_id(id);
    if (info == NULL) {
        return 0;
    }
    mbedtls_key_exchange_type_t kx = mbedtls_ssl_ciphersuite_get_key_exchange(info);
    mbedtls_cipher_type_t cipher = mbedtls_ssl_ciphersuite_get_cipher(info);
    mbedtls_md_type_t mac = mbedtls_ssl_ciphersuite_get_mac(info);
    char *p = modssl_suite_put(buf, "TLS_");
    if (kx != MBEDTLS_KEY_EXCHANGE_NONE && kx <= MBEDTLS_KEY_EXCHANGE_ECJPAKE) {
        const char *kx_name = modssl_suite_key_exchanges;
        for (int i = 0; i < (int)kx; ++i) {
            kx_name += strlen(kx_name) + 1;
        }
        p = modssl_suite_put(p, kx_name);
        p = modssl_suite_put(p, "_WITH_");
    }
    bool mac_suffix = true;
    *aead = true;
    if (cipher == MBEDTLS_CIPHER_CHACHA20_POLY1305) {
        p = modssl_suite_put(p, "CHACHA20_POLY1305");
    } else if (cipher == MBEDTLS_CIPHER_NULL) {
        p = modssl_suite_put(p, "NULL");
        *aead = false;
    } else {
        for (size_t i = 0; i < MP_ARRAY_SIZE(modssl_suite_ciphers); ++i) {
            unsigned int k = (unsigned int)cipher - modssl_suite_ciphers[i].type;
            if (k < 3) {
                uint8_t mode = modssl_suite_ciphers[i].mode;
                p = modssl_suite_put(p, modssl_suite_ciphers[i].family);
                *p++ = '_';
                p = modssl_suite_put(p, modssl_suite_key_bits + 4 * k);
                *p++ = '_';
                p = modssl_suite_put(p, modssl_suite_modes + mode);
                *aead = mode != MODSSL_SUITE_MODE_CBC;
                // TLS 1.2's CCM suites name no hash (RFC 6655, RFC 7251).
                mac_suffix = mode != MODSSL_SUITE_MODE_CCM || kx == MBEDTLS_KEY_EXCHANGE_NONE;
                break;
            }
        }
    }
    if (mbedtls_ssl_ciphersuite_get_flags(info) & MBEDTLS_CIPHERSUITE_SHORT_TAG) {
        p = modssl_suite_put(p, "_8");
    }
    if (mac_suffix) {
        p = modssl_suite_put(p, mac == MBEDTLS_MD_SHA1 ? "_SHA" : mac == MBEDTLS_MD_SHA384 ? "_SHA384" : "_SHA256");
    }
    return p - buf;
}

mp_obj_t modssl_cipher_iana_name(int id) {
    char buf[MODSSL_SUITE_NAME_MAX];
    bool aead;
    size_t len = modssl_cipher_name(id, buf, &aead);
    return mp_obj_new_str(buf, len);
}

bool modssl_cipher_is_tls13(int id) {
    const mbedtls_ssl_ciphersuite_t *info = mbedtls_ssl_ciphersuite_from_id(id);
    return info != NULL && mbedtls_ssl_ciphersuite_get_key_exchange(info) == MBEDTLS_KEY_EXCHANGE_NONE;
}

// A name in IANA's or mbedTLS's spelling ('-' for '_'; "TLS1-3-" for a TLS
// 1.3 suite's "TLS_"): the id of the library's suite of that name, or 0.
static int modssl_cipher_id_from_name(const char *name, size_t len) {
    char want[MODSSL_SUITE_NAME_MAX + 3];
    if (len > sizeof(want)) {
        return 0;
    }
    for (size_t i = 0; i < len; ++i) {
        want[i] = name[i] == '-' ? '_' : name[i];
    }
    char *w = want;
    bool tls13_prefix = len >= 7 && memcmp(want, "TLS1_3_", 7) == 0;
    if (tls13_prefix) {
        w += 3;
        len -= 3;
        memcpy(w, "TLS_", 4);
    }
    for (const int *p = mbedtls_ssl_list_ciphersuites(); *p; ++p) {
        char buf[MODSSL_SUITE_NAME_MAX];
        bool aead;
        if (modssl_cipher_name(*p, buf, &aead) == len && memcmp(buf, w, len) == 0) {
            return (!tls13_prefix || modssl_cipher_is_tls13(*p)) ? *p : 0;
        }
    }
    return 0;
}

static mbedtls_key_exchange_type_t modssl_cipher_key_exchange(int id) {
    const mbedtls_ssl_ciphersuite_t *info = mbedtls_ssl_ciphersuite_from_id(id);
    return info != NULL ? mbedtls_ssl_ciphersuite_get_key_exchange(info) : MBEDTLS_KEY_EXCHANGE_NONE;
}

// TLS 1.2's PSK and ECDHE-PSK suites (not DHE-PSK, RSA-PSK).
bool modssl_cipher_is_psk(int id) {
    mbedtls_key_exchange_type_t kx = modssl_cipher_key_exchange(id);
    return kx == MBEDTLS_KEY_EXCHANGE_PSK || kx == MBEDTLS_KEY_EXCHANGE_ECDHE_PSK;
}

// AES-GCM, AES-CCM (CCM-8 included) or ChaCha20-Poly1305.
bool modssl_cipher_is_aead(int id) {
    char buf[MODSSL_SUITE_NAME_MAX];
    bool aead;
    return modssl_cipher_name(id, buf, &aead) != 0 && aead;
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
    const mbedtls_ssl_ciphersuite_t *info = mbedtls_ssl_ciphersuite_from_id(id);
    if (info == NULL || (mbedtls_ssl_ciphersuite_get_flags(info) & MBEDTLS_CIPHERSUITE_SHORT_TAG)) {
        return false; // no CCM-8
    }
    // PSK suites: ssl_psk.c
    mbedtls_key_exchange_type_t kx = mbedtls_ssl_ciphersuite_get_key_exchange(info);
    bool forward_secret = kx == MBEDTLS_KEY_EXCHANGE_NONE || kx == MBEDTLS_KEY_EXCHANGE_ECDHE_RSA
        || kx == MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA;
    return forward_secret && modssl_cipher_is_aead(id);
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
