/*
 * modssl: the built-in root store -- trust anchors in flash, looked up by
 * issuer name while a chain is verified.
 *
 * The build compiles a table of roots (Mozilla's, from Debian's
 * ca-certificates, or MODSSL_CA_BUNDLE) made by
 * tools/modssl_harness/roots_gen.py, which documents its format: per root
 * only its subject name, public key, validity, pathLen and name
 * constraints, sorted by subject.  This is the form of ESP-IDF's
 * certificate bundle; nothing of it is on the heap until used.
 *
 * A context that loads the store (load_default_certs(),
 * set_default_verify_paths(), ssl.create_default_context()) gives mbedTLS a
 * trusted-CA callback (mbedtls_ssl_conf_ca_cb).  mbedTLS calls it for each
 * certificate of the peer's chain with that certificate; it answers with the
 * trusted certificates whose subject is the certificate's issuer: the CAs
 * loaded with load_verify_locations() (with the callback set mbedTLS no
 * longer reads the context's CA list) and the store's roots of that name,
 * each made into a minimal X.509 certificate on the heap.  mbedTLS frees the
 * answer at its next call and when verification ends, so a verification
 * holds only the roots of one name at a time.  (In this mode mbedTLS passes
 * no CA list down; patch 0030 keeps a loaded self-signed server certificate
 * trusted by exact match, as in list mode.)
 *
 * Of a trust anchor mbedTLS reads the subject, the public key, the CA flag
 * and pathLen (basicConstraints), key usage and the validity; it never
 * checks the anchor's own signature.  The certificate made here carries
 * exactly those (cA true, no key usage), and the name constraints, which
 * mbedTLS keeps (patch 0017) and ssl_verify.c enforces.  Its signature is a
 * placeholder, its serial number 1 and its issuer its subject.
 *
 * The store's roots are found by the issuer name's DER bytes, as in ESP-IDF's
 * bundle (a CA copies its subject into what it issues); loaded CAs by
 * mbedTLS's own name rules, as without the store.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "py/runtime.h"

#include "mbedtls/asn1write.h"
#include "mbedtls/oid.h"
#include "mbedtls/platform.h"

#include "ssl_roots.h"

#if MODSSL_ROOT_STORE && !defined(MBEDTLS_X509_TRUSTED_CERTIFICATE_CALLBACK)
#error "the root store needs MBEDTLS_X509_TRUSTED_CERTIFICATE_CALLBACK in the mbedTLS configuration"
#endif

#if defined(MBEDTLS_X509_TRUSTED_CERTIFICATE_CALLBACK) && (MODSSL_ROOT_STORE || MODSSL_TEST_HOOKS)
#define MODSSL_ROOTS_LOOKUP (1)
#else
#define MODSSL_ROOTS_LOOKUP (0)
#endif

#if MODSSL_ROOT_STORE
// The generated table (build directory, roots_gen.py).
extern const uint8_t modssl_roots_table[];
extern const size_t modssl_roots_table_len;
#endif

#if MODSSL_TEST_HOOKS
// A table given by a test (tls._roots), used instead of the built-in one.
MP_REGISTER_ROOT_POINTER(mp_obj_t modssl_roots_test_table);
#endif

static const byte *modssl_roots_data(size_t *len) {
    #if MODSSL_TEST_HOOKS
    // (Called inside mbedTLS: must not raise.  tls._roots checked the table.)
    mp_obj_t test = MP_STATE_VM(modssl_roots_test_table);
    mp_buffer_info_t bufinfo;
    if (test != MP_OBJ_NULL && test != mp_const_none && mp_get_buffer(test, &bufinfo, MP_BUFFER_READ)) {
        *len = bufinfo.len;
        return bufinfo.buf;
    }
    #endif
    #if MODSSL_ROOT_STORE
    *len = modssl_roots_table_len;
    return modssl_roots_table;
    #else
    *len = 0;
    return NULL;
    #endif
}

static inline size_t modssl_be16(const byte *p) {
    return ((size_t)p[0] << 8) | p[1];
}

// The number of roots in a table (0 if it is not one).
static size_t modssl_roots_count(const byte *tab, size_t len) {
    if (tab == NULL || len < 6 || memcmp(tab, "MRS1", 4) != 0) {
        return 0;
    }
    size_t n = modssl_be16(tab + 4);
    return len - 6 >= 4 * n ? n : 0;
}

static size_t modssl_roots_in_use(void) {
    size_t len;
    const byte *tab = modssl_roots_data(&len);
    return modssl_roots_count(tab, len);
}

// One root of the table, pointing into it.
typedef struct {
    const byte *subject;
    size_t subject_len;
    const byte *spki;
    size_t spki_len;
    const byte *not_before;         // u16 year, month, day, hour, minute, second
    const byte *not_after;
    int pathlen;                    // -1: none
    const byte *nc;
    size_t nc_len;
} modssl_root_t;

// Root i of the table; false if the entry does not fit the table.
static bool modssl_root_at(const byte *tab, size_t len, size_t i, modssl_root_t *r) {
    const byte *o = tab + 6 + 4 * i;
    size_t off = ((size_t)o[0] << 24) | ((size_t)o[1] << 16) | ((size_t)o[2] << 8) | o[3];
    const byte *p = tab + off, *end = tab + len;
    if (off > len || end - p < 2) {
        return false;
    }
    r->subject_len = modssl_be16(p);
    r->subject = p + 2;
    p = r->subject + r->subject_len;
    if (r->subject_len > (size_t)(end - r->subject) || end - p < 2) {
        return false;
    }
    r->spki_len = modssl_be16(p);
    r->spki = p + 2;
    p = r->spki + r->spki_len;
    if (r->spki_len > (size_t)(end - r->spki) || end - p < 7 + 7 + 1 + 2) {
        return false;
    }
    r->not_before = p;
    r->not_after = p + 7;
    r->pathlen = p[14] == 0xFF ? -1 : p[14];
    r->nc_len = modssl_be16(p + 15);
    r->nc = p + 17;
    return r->nc_len <= (size_t)(end - r->nc);
}

// Bytewise order of DER names, shorter first on a common prefix (as the generator sorts).
static int modssl_name_cmp(const byte *a, size_t alen, const byte *b, size_t blen) {
    int c = memcmp(a, b, alen < blen ? alen : blen);
    return c != 0 ? c : (alen > blen) - (alen < blen);
}

// The first root whose subject is not below name; *count: how many have exactly that subject.
static size_t modssl_roots_find(const byte *tab, size_t len, const byte *name, size_t name_len, size_t *count) {
    size_t n = modssl_roots_count(tab, len), lo = 0, hi = n;
    modssl_root_t r;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (modssl_root_at(tab, len, mid, &r) && modssl_name_cmp(r.subject, r.subject_len, name, name_len) < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    size_t k = lo;
    while (k < n && modssl_root_at(tab, len, k, &r) && modssl_name_cmp(r.subject, r.subject_len, name, name_len) == 0) {
        ++k;
    }
    *count = k - lo;
    return lo;
}

int modssl_roots_max_pathlen(const mp_obj_ssl_context_t *ctx, const mbedtls_x509_buf *name) {
    if (!ctx->use_roots) {
        return -1;
    }
    size_t len, count;
    const byte *tab = modssl_roots_data(&len);
    size_t i = modssl_roots_find(tab, len, name->p, name->len, &count);
    modssl_root_t r;
    if (count == 0 || !modssl_root_at(tab, len, i, &r)) {
        return -1;
    }
    return r.pathlen + 1;           // mbedTLS's max_pathlen: 0 for none
}

/******************************************************************************/
// A root as a certificate.

// ASN.1 writing goes backwards from the end of the buffer; MODSSL_ADD
// counts what one call wrote into a length.
#define MODSSL_ADD(total, x) do { int ret_ = (x); if (ret_ < 0) { return ret_; } (total) += (size_t)ret_; } while (0)

// The header (length and tag) of an element whose content, len bytes, is just above *p.
static int modssl_write_header(byte **p, byte *start, size_t len, byte tag) {
    size_t n = 0;
    MODSSL_ADD(n, mbedtls_asn1_write_len(p, start, len));
    MODSSL_ADD(n, mbedtls_asn1_write_tag(p, start, tag));
    return (int)n;
}

static int modssl_write_time(byte **p, byte *start, const byte *t) {
    // GeneralizedTime YYYYMMDDHHMMSSZ (mbedTLS reads either time type).
    char s[15];
    unsigned v[6] = { (unsigned)modssl_be16(t), t[2], t[3], t[4], t[5], t[6] };
    s[0] = '0' + (v[0] / 1000) % 10;
    s[1] = '0' + (v[0] / 100) % 10;
    s[2] = '0' + (v[0] / 10) % 10;
    s[3] = '0' + v[0] % 10;
    for (int i = 1; i < 6; ++i) {
        s[2 + 2 * i] = '0' + (v[i] / 10) % 10;
        s[3 + 2 * i] = '0' + v[i] % 10;
    }
    s[14] = 'Z';
    return mbedtls_asn1_write_tagged_string(p, start, MBEDTLS_ASN1_GENERALIZED_TIME, s, sizeof(s));
}

// One critical extension around its value (value_len bytes just above *p):
// SEQUENCE { extnID, TRUE, OCTET STRING { value } }.  The bytes it adds.
static int modssl_write_ext(byte **p, byte *start, const char *oid, size_t oid_len, size_t value_len) {
    size_t len = value_len;
    MODSSL_ADD(len, modssl_write_header(p, start, value_len, MBEDTLS_ASN1_OCTET_STRING));
    MODSSL_ADD(len, mbedtls_asn1_write_bool(p, start, 1));
    MODSSL_ADD(len, mbedtls_asn1_write_oid(p, start, oid, oid_len));
    MODSSL_ADD(len, modssl_write_header(p, start, len, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE));
    return (int)(len - value_len);
}

// The signature algorithm the certificate names (its signature is never checked).
#if defined(MBEDTLS_RSA_C)
static const byte modssl_root_sig_alg[] = {
    0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b, 0x05, 0x00, // sha256WithRSAEncryption
};
#else
static const byte modssl_root_sig_alg[] = {
    0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02, // ecdsa-with-SHA256
};
#endif

static size_t modssl_root_der_size(const modssl_root_t *r) {
    // The two names, the key and the constraints, and at most about 150 bytes around them.
    return 2 * r->subject_len + r->spki_len + r->nc_len + 200;
}

// Write the root's certificate at the end of buf; its start and length.
static int modssl_root_der(const modssl_root_t *r, byte *buf, size_t size, byte **der, size_t *der_len) {
    const byte seq = MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE;
    byte *p = buf + size;
    size_t outer = 0;               // after the TBSCertificate
    static const byte zero = 0;
    MODSSL_ADD(outer, mbedtls_asn1_write_bitstring(&p, buf, &zero, 8));
    MODSSL_ADD(outer, mbedtls_asn1_write_raw_buffer(&p, buf, modssl_root_sig_alg, sizeof(modssl_root_sig_alg)));

    // [3] { SEQUENCE { basicConstraints, nameConstraints } }
    size_t exts = 0;
    if (r->nc_len != 0) {
        MODSSL_ADD(exts, mbedtls_asn1_write_raw_buffer(&p, buf, r->nc, r->nc_len));
        MODSSL_ADD(exts, modssl_write_ext(&p, buf, MBEDTLS_OID_NAME_CONSTRAINTS,
            MBEDTLS_OID_SIZE(MBEDTLS_OID_NAME_CONSTRAINTS), r->nc_len));
    }
    size_t bc = 0;                  // BasicConstraints { cA TRUE, pathLen }
    if (r->pathlen >= 0) {
        MODSSL_ADD(bc, mbedtls_asn1_write_int(&p, buf, r->pathlen));
    }
    MODSSL_ADD(bc, mbedtls_asn1_write_bool(&p, buf, 1));
    MODSSL_ADD(bc, modssl_write_header(&p, buf, bc, seq));
    exts += bc;
    MODSSL_ADD(exts, modssl_write_ext(&p, buf, MBEDTLS_OID_BASIC_CONSTRAINTS,
        MBEDTLS_OID_SIZE(MBEDTLS_OID_BASIC_CONSTRAINTS), bc));
    MODSSL_ADD(exts, modssl_write_header(&p, buf, exts, seq));
    MODSSL_ADD(exts, modssl_write_header(&p, buf, exts, MBEDTLS_ASN1_CONTEXT_SPECIFIC | MBEDTLS_ASN1_CONSTRUCTED | 3));

    size_t tbs = exts;
    MODSSL_ADD(tbs, mbedtls_asn1_write_raw_buffer(&p, buf, r->spki, r->spki_len));
    MODSSL_ADD(tbs, mbedtls_asn1_write_raw_buffer(&p, buf, r->subject, r->subject_len));
    size_t validity = 0;
    MODSSL_ADD(validity, modssl_write_time(&p, buf, r->not_after));
    MODSSL_ADD(validity, modssl_write_time(&p, buf, r->not_before));
    MODSSL_ADD(validity, modssl_write_header(&p, buf, validity, seq));
    tbs += validity;
    MODSSL_ADD(tbs, mbedtls_asn1_write_raw_buffer(&p, buf, r->subject, r->subject_len)); // issuer
    MODSSL_ADD(tbs, mbedtls_asn1_write_raw_buffer(&p, buf, modssl_root_sig_alg, sizeof(modssl_root_sig_alg)));
    MODSSL_ADD(tbs, mbedtls_asn1_write_int(&p, buf, 1)); // serial
    size_t version = 0;
    MODSSL_ADD(version, mbedtls_asn1_write_int(&p, buf, 2)); // v3
    MODSSL_ADD(version, modssl_write_header(&p, buf, version, MBEDTLS_ASN1_CONTEXT_SPECIFIC | MBEDTLS_ASN1_CONSTRUCTED | 0));
    tbs += version;
    MODSSL_ADD(tbs, modssl_write_header(&p, buf, tbs, seq));

    size_t total = tbs + outer;
    MODSSL_ADD(total, modssl_write_header(&p, buf, total, seq));
    *der = p;
    *der_len = total;
    return 0;
}

// Parse the root onto chain (mbedTLS's allocator: the GC heap on boards).
// 0, MBEDTLS_ERR_X509_ALLOC_FAILED, or another error for a root mbedTLS
// cannot use (a key type this firmware lacks): the caller skips it.
static int modssl_root_parse(const modssl_root_t *r, mbedtls_x509_crt *chain) {
    size_t size = modssl_root_der_size(r);
    byte *buf = mbedtls_calloc(1, size);
    if (buf == NULL) {
        return MBEDTLS_ERR_X509_ALLOC_FAILED;
    }
    byte *der;
    size_t der_len;
    int ret = modssl_root_der(r, buf, size, &der, &der_len);
    if (ret == 0) {
        ret = mbedtls_x509_crt_parse_der(chain, der, der_len);
    }
    mbedtls_free(buf);
    return ret;
}

/******************************************************************************/
// mbedTLS's trusted-CA callback.

#if MODSSL_ROOTS_LOOKUP

// Could a and b be the same name to mbedTLS (which then decides, comparing
// string types and set structure too)?  Same attribute types in order and
// values equal but for ASCII case: what mbedTLS's own name comparison
// accepts at most, so a loaded CA is found as in mbedTLS's list mode.
static bool modssl_name_maybe_eq(const mbedtls_x509_name *a, const mbedtls_x509_name *b) {
    for (; a != NULL && b != NULL; a = a->next, b = b->next) {
        if (a->oid.len != b->oid.len || a->val.len != b->val.len
            || (a->oid.len != 0 && memcmp(a->oid.p, b->oid.p, a->oid.len) != 0)) {
            return false;
        }
        for (size_t i = 0; i < a->val.len; ++i) {
            byte x = a->val.p[i], y = b->val.p[i];
            if (x != y && ((x | 0x20) != (y | 0x20) || (x | 0x20) < 'a' || (x | 0x20) > 'z')) {
                return false;
            }
        }
    }
    return a == NULL && b == NULL;
}

// The trusted certificates named as child's issuer: the context's own CAs,
// then the store's roots.  mbedTLS frees the chain.
static int modssl_roots_ca_cb(void *ctx_in, mbedtls_x509_crt const *child, mbedtls_x509_crt **candidates) {
    mp_obj_ssl_context_t *ctx = ctx_in;
    const mbedtls_x509_buf *issuer = &child->issuer_raw;
    mbedtls_x509_crt *out = mbedtls_calloc(1, sizeof(mbedtls_x509_crt));
    if (out == NULL) {
        return MBEDTLS_ERR_X509_ALLOC_FAILED;
    }
    mbedtls_x509_crt_init(out);
    int ret = 0;
    if (ctx->has_ca) {
        for (const mbedtls_x509_crt *ca = &ctx->cacert; ca != NULL && ca->raw.p != NULL && ret == 0; ca = ca->next) {
            if (modssl_name_cmp(ca->subject_raw.p, ca->subject_raw.len, issuer->p, issuer->len) == 0
                || modssl_name_maybe_eq(&ca->subject, &child->issuer)) {
                ret = mbedtls_x509_crt_parse_der(out, ca->raw.p, ca->raw.len);
                if (ret != MBEDTLS_ERR_X509_ALLOC_FAILED) {
                    ret = 0;  // (it parsed when it was loaded)
                }
            }
        }
    }
    size_t len, count;
    const byte *tab = modssl_roots_data(&len);
    size_t first = modssl_roots_find(tab, len, issuer->p, issuer->len, &count);
    for (size_t i = first; i < first + count && ret == 0; ++i) {
        modssl_root_t r;
        if (modssl_root_at(tab, len, i, &r)) {
            ret = modssl_root_parse(&r, out);
            if (ret != MBEDTLS_ERR_X509_ALLOC_FAILED) {
                ret = 0;  // a root this firmware cannot use is no candidate
            }
        }
    }
    if (ret != 0 || out->raw.p == NULL) {
        mbedtls_x509_crt_free(out);
        mbedtls_free(out);
        out = NULL;
    }
    *candidates = out;
    return ret;
}

void modssl_roots_apply(mp_obj_ssl_context_t *ctx) {
    if (ctx->use_roots && modssl_roots_in_use() != 0) {
        // (Replaces the CA list given to mbedTLS: the callback serves it.)
        mbedtls_ssl_conf_ca_cb(&ctx->conf, modssl_roots_ca_cb, ctx);
    }
}

#else

void modssl_roots_apply(mp_obj_ssl_context_t *ctx) {
    (void)ctx;
}

#endif // MODSSL_ROOTS_LOOKUP

/******************************************************************************/
// SSLContext methods.

// set_default_verify_paths(): trust the store (CPython: the system's CA
// file and directory).  Without a store in the firmware: nothing, as
// CPython on a system without certificates.
static mp_obj_t modssl_context_set_default_verify_paths(mp_obj_t self_in) {
    mp_obj_ssl_context_t *self = MP_OBJ_TO_PTR(self_in);
    self->use_roots = true;
    if (modssl_roots_in_use() != 0) {
        self->has_ca = true;
        modssl_roots_apply(self);
    }
    return mp_const_none;
}
MP_DEFINE_CONST_FUN_OBJ_1(modssl_context_set_default_verify_paths_obj, modssl_context_set_default_verify_paths);

// load_default_certs(purpose=Purpose.SERVER_AUTH): the store serves both purposes.
static mp_obj_t modssl_context_load_default_certs(size_t n_args, const mp_obj_t *pos_args, mp_map_t *kw_args) {
    static const mp_arg_t allowed_args[] = {
        { MP_QSTR_purpose, MP_ARG_OBJ, {.u_rom_obj = MP_ROM_QSTR(MP_QSTR_SERVER_AUTH)} },
    };
    mp_arg_val_t args[MP_ARRAY_SIZE(allowed_args)];
    mp_arg_parse_all(n_args - 1, pos_args + 1, kw_args, MP_ARRAY_SIZE(allowed_args), allowed_args, args);
    mp_obj_t purpose = args[0].u_obj;
    if (!mp_obj_is_str(purpose)) {
        modssl_raise_TypeError(MODSSL_TEXT("purpose must be ssl.Purpose.SERVER_AUTH or ssl.Purpose.CLIENT_AUTH"));
    }
    size_t len;
    const char *s = mp_obj_str_get_data(purpose, &len);
    qstr q = qstr_find_strn(s, len);  // (interns nothing)
    if (q != MP_QSTR_SERVER_AUTH && q != MP_QSTR_CLIENT_AUTH) {
        modssl_raise_ValueError(MODSSL_TEXT("purpose must be ssl.Purpose.SERVER_AUTH or ssl.Purpose.CLIENT_AUTH"));
    }
    return modssl_context_set_default_verify_paths(pos_args[0]);
}
MP_DEFINE_CONST_FUN_OBJ_KW(modssl_context_load_default_certs_obj, 1, modssl_context_load_default_certs);

// cert_store_stats(): CPython's counts -- every trusted certificate, and the CAs among them.
static mp_obj_t modssl_context_cert_store_stats(mp_obj_t self_in) {
    mp_obj_ssl_context_t *self = MP_OBJ_TO_PTR(self_in);
    mp_int_t x509 = 0, ca = 0;
    if (self->has_ca) {
        for (const mbedtls_x509_crt *c = &self->cacert; c != NULL && c->raw.p != NULL; c = c->next) {
            ++x509;
            ca += mbedtls_x509_crt_get_ca_istrue(c) == 1;
        }
    }
    if (self->use_roots) {
        size_t n = modssl_roots_in_use();
        x509 += n;
        ca += n;
    }
    mp_obj_t dict = mp_obj_new_dict(3);
    mp_obj_dict_store(dict, MP_OBJ_NEW_QSTR(MP_QSTR_x509), mp_obj_new_int(x509));
    mp_obj_dict_store(dict, MP_OBJ_NEW_QSTR(MP_QSTR_crl), MP_OBJ_NEW_SMALL_INT(0));
    mp_obj_dict_store(dict, MP_OBJ_NEW_QSTR(MP_QSTR_x509_ca), mp_obj_new_int(ca));
    return dict;
}
MP_DEFINE_CONST_FUN_OBJ_1(modssl_context_cert_store_stats_obj, modssl_context_cert_store_stats);

// A root as getpeercert() would show it (or its certificate's DER): built,
// converted, freed.
static mp_obj_t modssl_root_to_obj(const modssl_root_t *r, bool binary) {
    mbedtls_x509_crt crt;
    mbedtls_x509_crt_init(&crt);
    int ret = modssl_root_parse(r, &crt);
    if (ret != 0) {
        mbedtls_x509_crt_free(&crt);
        if (ret == MBEDTLS_ERR_X509_ALLOC_FAILED) {
            mp_raise_msg(&mp_type_MemoryError, NULL);
        }
        return MP_OBJ_NULL;         // a root this firmware cannot use
    }
    nlr_buf_t nlr;
    mp_obj_t obj = MP_OBJ_NULL;
    if (nlr_push(&nlr) == 0) {
        if (binary) {
            obj = mp_obj_new_bytes(crt.raw.p, crt.raw.len);
        } else {
            obj = modssl_cert_to_dict(&crt);
            // The store keeps no serial number: do not show the stand-in.
            mp_obj_dict_delete(obj, MP_OBJ_NEW_QSTR(MP_QSTR_serialNumber));
        }
        nlr_pop();
    } else {
        mbedtls_x509_crt_free(&crt);
        nlr_jump(nlr.ret_val);
    }
    mbedtls_x509_crt_free(&crt);
    return obj;
}

// get_ca_certs(binary_form=False): the trusted CA certificates, loaded ones first.
static mp_obj_t modssl_context_get_ca_certs(size_t n_args, const mp_obj_t *pos_args, mp_map_t *kw_args) {
    static const mp_arg_t allowed_args[] = {
        { MP_QSTR_binary_form, MP_ARG_BOOL, {.u_bool = false} },
    };
    mp_obj_ssl_context_t *self = MP_OBJ_TO_PTR(pos_args[0]);
    mp_arg_val_t args[MP_ARRAY_SIZE(allowed_args)];
    mp_arg_parse_all(n_args - 1, pos_args + 1, kw_args, MP_ARRAY_SIZE(allowed_args), allowed_args, args);
    bool binary = args[0].u_bool;
    mp_obj_t list = mp_obj_new_list(0, NULL);
    if (self->has_ca) {
        for (const mbedtls_x509_crt *c = &self->cacert; c != NULL && c->raw.p != NULL; c = c->next) {
            if (mbedtls_x509_crt_get_ca_istrue(c) == 1) {
                mp_obj_list_append(list, binary ? mp_obj_new_bytes(c->raw.p, c->raw.len) : modssl_cert_to_dict(c));
            }
        }
    }
    if (self->use_roots) {
        size_t len;
        const byte *tab = modssl_roots_data(&len);
        size_t n = modssl_roots_count(tab, len);
        for (size_t i = 0; i < n; ++i) {
            modssl_root_t r;
            mp_obj_t obj = modssl_root_at(tab, len, i, &r) ? modssl_root_to_obj(&r, binary) : MP_OBJ_NULL;
            if (obj != MP_OBJ_NULL) {
                mp_obj_list_append(list, obj);
            }
        }
    }
    return list;
}
MP_DEFINE_CONST_FUN_OBJ_KW(modssl_context_get_ca_certs_obj, 1, modssl_context_get_ca_certs);

/******************************************************************************/
// Test hooks (unix test build).

#if MODSSL_TEST_HOOKS

// Every entry of a table inside it, in subject order.
static bool modssl_roots_table_ok(const byte *tab, size_t len) {
    if (len < 6 || memcmp(tab, "MRS1", 4) != 0 || len - 6 < 4 * modssl_be16(tab + 4)) {
        return false;
    }
    size_t n = modssl_be16(tab + 4);
    modssl_root_t prev, r;
    for (size_t i = 0; i < n; ++i) {
        if (!modssl_root_at(tab, len, i, &r)
            || (i > 0 && modssl_name_cmp(prev.subject, prev.subject_len, r.subject, r.subject_len) > 0)) {
            return false;
        }
        prev = r;
    }
    return true;
}

// tls._roots(): the number of roots in the table in use.  tls._roots(table):
// use table (bytes made by roots_gen.blob) instead of the built-in one;
// tls._roots(None): back to the built-in table.
static mp_obj_t modssl_roots_table_fn(size_t n_args, const mp_obj_t *args) {
    if (n_args == 1) {
        if (args[0] != mp_const_none) {
            mp_buffer_info_t bufinfo;
            mp_get_buffer_raise(args[0], &bufinfo, MP_BUFFER_READ);
            if (!modssl_roots_table_ok(bufinfo.buf, bufinfo.len)) {
                modssl_raise_ValueError(MODSSL_TEXT("not a root table"));
            }
        }
        MP_STATE_VM(modssl_roots_test_table) = args[0];
    }
    return MP_OBJ_NEW_SMALL_INT(modssl_roots_in_use());
}
MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(modssl_roots_table_obj, 0, 1, modssl_roots_table_fn);

// tls._roots_lookup(subject_der): the DER certificates the store gives for
// an issuer of that name, as verification would see them (bytes, or None
// for a root mbedTLS cannot use).
static mp_obj_t modssl_roots_lookup_fn(mp_obj_t name_in) {
    mp_buffer_info_t name;
    mp_get_buffer_raise(name_in, &name, MP_BUFFER_READ);
    size_t len, count;
    const byte *tab = modssl_roots_data(&len);
    size_t first = modssl_roots_find(tab, len, name.buf, name.len, &count);
    mp_obj_t list = mp_obj_new_list(0, NULL);
    for (size_t i = first; i < first + count; ++i) {
        modssl_root_t r;
        mp_obj_t obj = modssl_root_at(tab, len, i, &r) ? modssl_root_to_obj(&r, true) : MP_OBJ_NULL;
        mp_obj_list_append(list, obj == MP_OBJ_NULL ? mp_const_none : obj);
    }
    return list;
}
MP_DEFINE_CONST_FUN_OBJ_1(modssl_roots_lookup_obj, modssl_roots_lookup_fn);

#endif // MODSSL_TEST_HOOKS
