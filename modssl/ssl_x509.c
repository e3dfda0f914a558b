/*
 * modssl: certificate and key data helpers.
 *
 * - modssl_get_data: turns the many accepted argument forms (bytes, PEM or
 *   DER, a file path, PEM text in a str) into one buffer mbedTLS can parse.
 * - modssl_cert_to_dict: the dict CPython's getpeercert() returns.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "py/runtime.h"
#include "py/builtin.h"
#include "py/objstr.h"

#include "mbedtls/oid.h"

#include "modssl.h"

// Read a whole file through the VFS, so paths work on every port.
static mp_obj_t modssl_read_file(mp_obj_t path) {
    mp_obj_t open_args[2] = { path, MP_OBJ_NEW_QSTR(MP_QSTR_rb) };
    mp_obj_t file = mp_builtin_open(2, open_args, (mp_map_t *)&mp_const_empty_map);
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        mp_obj_t dest[2];
        mp_load_method(file, MP_QSTR_read, dest);
        mp_obj_t data = mp_call_method_n_kw(0, 0, dest);
        nlr_pop();
        mp_stream_close(file);
        return data;
    } else {
        mp_stream_close(file);
        nlr_jump(nlr.ret_val);
    }
}

const byte *modssl_get_data(mp_obj_t obj, bool str_is_path, size_t *len, bool *is_pem) {
    if (mp_obj_is_str(obj) && str_is_path) {
        obj = modssl_read_file(obj);
    }
    mp_buffer_info_t bufinfo;
    if (mp_obj_is_str(obj)) {
        bufinfo.buf = (void *)mp_obj_str_get_data(obj, &bufinfo.len);
    } else if (!mp_get_buffer(obj, &bufinfo, MP_BUFFER_READ)) {
        modssl_raise_msg_varg(&mp_type_TypeError,
            MODSSL_TEXT("expected bytes, str or a file path, not '%s'"), mp_obj_get_type_str(obj));
    }
    // PEM parsing in mbedTLS wants the terminating NUL counted in the length;
    // copy so that bytearray, memoryview and slices work too.
    static const char pem_marker[] = "-----BEGIN ";
    *is_pem = false;
    if (bufinfo.len >= sizeof(pem_marker) - 1) {
        const byte *p = bufinfo.buf;
        for (size_t i = 0; i + sizeof(pem_marker) - 1 <= bufinfo.len; ++i) {
            if (p[i] == '-' && memcmp(p + i, pem_marker, sizeof(pem_marker) - 1) == 0) {
                *is_pem = true;
                break;
            }
        }
    }
    byte *copy = m_new(byte, bufinfo.len + 1);
    memcpy(copy, bufinfo.buf, bufinfo.len);
    copy[bufinfo.len] = 0;
    *len = bufinfo.len + (*is_pem ? 1 : 0);
    return copy;
}

typedef struct {
    const char *short_name;
    qstr long_name;
} modssl_attr_name_t;

// The attribute names CPython's getpeercert() uses.
static const modssl_attr_name_t modssl_attr_names[] = {
    {"CN", MP_QSTR_commonName},
    {"C", MP_QSTR_countryName},
    {"L", MP_QSTR_localityName},
    {"ST", MP_QSTR_stateOrProvinceName},
    {"O", MP_QSTR_organizationName},
    {"OU", MP_QSTR_organizationalUnitName},
    {"emailAddress", MP_QSTR_emailAddress},
    {"serialNumber", MP_QSTR_serialNumber},
    {"DC", MP_QSTR_domainComponent},
    {"SN", MP_QSTR_surname},
    {"GN", MP_QSTR_givenName},
};

// tls._x509_attr_name(key): (short name, long name) of an X.509 name
// attribute, from its OID (the DER value, bytes) or either of its names
// (str); None if it is not known.  OpenSSL.crypto's X509Name uses it, so the
// names are defined once: mbedTLS's short names, the long names above
// (a short name stands for the long one where there is none).
static mp_obj_t modssl_x509_attr_name(mp_obj_t key) {
    const char *short_name = NULL;
    qstr long_name = MP_QSTRnull;
    if (mp_obj_is_str(key)) {
        size_t len;
        const char *name = mp_obj_str_get_data(key, &len);
        for (size_t i = 0; i < MP_ARRAY_SIZE(modssl_attr_names) && short_name == NULL; ++i) {
            size_t long_len;
            const byte *long_str = qstr_data(modssl_attr_names[i].long_name, &long_len);
            if ((len == strlen(modssl_attr_names[i].short_name) && memcmp(name, modssl_attr_names[i].short_name, len) == 0)
                || (len == long_len && memcmp(name, long_str, len) == 0)) {
                short_name = modssl_attr_names[i].short_name;
                long_name = modssl_attr_names[i].long_name;
            }
        }
    } else {
        mp_buffer_info_t bufinfo;
        mp_get_buffer_raise(key, &bufinfo, MP_BUFFER_READ);
        mbedtls_x509_buf oid = { .tag = MBEDTLS_ASN1_OID, .len = bufinfo.len, .p = bufinfo.buf };
        if (mbedtls_oid_get_attr_short_name(&oid, &short_name) != 0) {
            short_name = NULL;
        }
        for (size_t i = 0; short_name != NULL && i < MP_ARRAY_SIZE(modssl_attr_names); ++i) {
            if (strcmp(short_name, modssl_attr_names[i].short_name) == 0) {
                long_name = modssl_attr_names[i].long_name;
            }
        }
    }
    if (short_name == NULL) {
        return mp_const_none;
    }
    mp_obj_t names[2] = { mp_obj_new_str_from_cstr(short_name), MP_OBJ_NULL };
    names[1] = long_name != MP_QSTRnull ? MP_OBJ_NEW_QSTR(long_name) : names[0];
    return mp_obj_new_tuple(2, names);
}
MP_DEFINE_CONST_FUN_OBJ_1(modssl_x509_attr_name_obj, modssl_x509_attr_name);

static mp_obj_t modssl_attr_name(const mbedtls_x509_buf *oid) {
    const char *short_name;
    if (mbedtls_oid_get_attr_short_name(oid, &short_name) == 0) {
        for (size_t i = 0; i < MP_ARRAY_SIZE(modssl_attr_names); ++i) {
            if (strcmp(short_name, modssl_attr_names[i].short_name) == 0) {
                return MP_OBJ_NEW_QSTR(modssl_attr_names[i].long_name);
            }
        }
        return mp_obj_new_str_from_cstr(short_name);
    }
    char buf[64];
    int n = mbedtls_oid_get_numeric_string(buf, sizeof(buf), oid);
    return n > 0 ? mp_obj_new_str(buf, n) : mp_obj_new_str_from_cstr("?");
}

// A distinguished name as CPython shows it: a tuple of RDNs, each a tuple
// of (name, value) pairs.
static mp_obj_t modssl_name_to_tuple(const mbedtls_x509_name *name) {
    mp_obj_t rdns = mp_obj_new_list(0, NULL);
    mp_obj_t rdn = mp_obj_new_list(0, NULL);
    for (const mbedtls_x509_name *n = name; n != NULL; n = n->next) {
        if (n->oid.p == NULL) {
            continue;
        }
        mp_obj_t pair[2] = {
            modssl_attr_name(&n->oid),
            mp_obj_new_str((const char *)n->val.p, n->val.len),
        };
        mp_obj_list_append(rdn, mp_obj_new_tuple(2, pair));
        // A multi-valued RDN is several entries in a row: this one ends the
        // RDN unless mbedtls_x509_dn_get_next() (which only reads) skips on.
        if (mbedtls_x509_dn_get_next((mbedtls_x509_name *)n) == n->next) {
            size_t len;
            mp_obj_t *items;
            mp_obj_list_get(rdn, &len, &items);
            mp_obj_list_append(rdns, mp_obj_new_tuple(len, items));
            rdn = mp_obj_new_list(0, NULL);
        }
    }
    size_t len;
    mp_obj_t *items;
    mp_obj_list_get(rdns, &len, &items);
    return mp_obj_new_tuple(len, items);
}

static mp_obj_t modssl_time_to_str(const mbedtls_x509_time *t) {
    static const char months[12][4] = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
    };
    int mon = (t->mon >= 1 && t->mon <= 12) ? t->mon - 1 : 0;
    vstr_t vstr;
    vstr_init(&vstr, 25);
    vstr_printf(&vstr, "%s %2d %02d:%02d:%02d %d GMT", months[mon], t->day, t->hour, t->min, t->sec, t->year);
    return mp_obj_new_str_from_vstr(&vstr);
}

static mp_obj_t modssl_ip_to_str(const mbedtls_x509_buf *ip) {
    vstr_t vstr;
    vstr_init(&vstr, 40);
    if (ip->len == 4) {
        vstr_printf(&vstr, "%u.%u.%u.%u", ip->p[0], ip->p[1], ip->p[2], ip->p[3]);
    } else if (ip->len == 16) {
        for (int i = 0; i < 16; i += 2) {
            vstr_printf(&vstr, i ? ":%X" : "%X", (ip->p[i] << 8) | ip->p[i + 1]);
        }
    } else {
        vstr_add_str(&vstr, "<invalid>");
    }
    return mp_obj_new_str_from_vstr(&vstr);
}

static mp_obj_t modssl_san_to_tuple(const mbedtls_x509_crt *crt) {
    mp_obj_t entries = mp_obj_new_list(0, NULL);
    for (const mbedtls_x509_sequence *cur = &crt->subject_alt_names; cur != NULL && cur->buf.p != NULL; cur = cur->next) {
        mbedtls_x509_subject_alternative_name san;
        if (mbedtls_x509_parse_subject_alt_name(&cur->buf, &san) != 0) {
            continue;
        }
        mp_obj_t pair[2] = { MP_OBJ_NULL, MP_OBJ_NULL };
        const mbedtls_x509_buf *raw = &san.san.unstructured_name;
        switch (san.type) {
            case MBEDTLS_X509_SAN_DNS_NAME:
                pair[0] = MP_OBJ_NEW_QSTR(MP_QSTR_DNS);
                pair[1] = mp_obj_new_str((const char *)raw->p, raw->len);
                break;
            case MBEDTLS_X509_SAN_IP_ADDRESS:
                pair[0] = mp_obj_new_str_from_cstr("IP Address");
                pair[1] = modssl_ip_to_str(raw);
                break;
            case MBEDTLS_X509_SAN_RFC822_NAME:
                pair[0] = MP_OBJ_NEW_QSTR(MP_QSTR_email);
                pair[1] = mp_obj_new_str((const char *)raw->p, raw->len);
                break;
            case MBEDTLS_X509_SAN_UNIFORM_RESOURCE_IDENTIFIER:
                pair[0] = MP_OBJ_NEW_QSTR(MP_QSTR_URI);
                pair[1] = mp_obj_new_str((const char *)raw->p, raw->len);
                break;
            default:
                break;
        }
        mbedtls_x509_free_subject_alt_name(&san);
        if (pair[0] != MP_OBJ_NULL) {
            mp_obj_list_append(entries, mp_obj_new_tuple(2, pair));
        }
    }
    size_t len;
    mp_obj_t *items;
    mp_obj_list_get(entries, &len, &items);
    return mp_obj_new_tuple(len, items);
}

mp_obj_t modssl_cert_to_dict(const mbedtls_x509_crt *crt) {
    mp_obj_t dict = mp_obj_new_dict(8);
    mp_obj_dict_store(dict, MP_OBJ_NEW_QSTR(MP_QSTR_subject), modssl_name_to_tuple(&crt->subject));
    mp_obj_dict_store(dict, MP_OBJ_NEW_QSTR(MP_QSTR_issuer), modssl_name_to_tuple(&crt->issuer));
    mp_obj_dict_store(dict, MP_OBJ_NEW_QSTR(MP_QSTR_version), MP_OBJ_NEW_SMALL_INT(crt->version));
    vstr_t serial;
    vstr_init(&serial, crt->serial.len * 2 + 1);
    for (size_t i = 0; i < crt->serial.len; ++i) {
        vstr_printf(&serial, "%02X", crt->serial.p[i]);
    }
    mp_obj_dict_store(dict, MP_OBJ_NEW_QSTR(MP_QSTR_serialNumber), mp_obj_new_str_from_vstr(&serial));
    mp_obj_dict_store(dict, MP_OBJ_NEW_QSTR(MP_QSTR_notBefore), modssl_time_to_str(&crt->valid_from));
    mp_obj_dict_store(dict, MP_OBJ_NEW_QSTR(MP_QSTR_notAfter), modssl_time_to_str(&crt->valid_to));
    mp_obj_t san = modssl_san_to_tuple(crt);
    if (mp_obj_len(san) != MP_OBJ_NEW_SMALL_INT(0)) {
        mp_obj_dict_store(dict, MP_OBJ_NEW_QSTR(MP_QSTR_subjectAltName), san);
    }
    return dict;
}
