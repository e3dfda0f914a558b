/*
 * modssl: certificate verification -- the peer's name and the verdict.
 *
 * mbedTLS builds and checks the chain; this file decides everything about
 * names (one mechanism: mbedTLS's own CN/SAN check is overridden here) and
 * records, for each certificate mbedTLS flags, the CPython/OpenSSL verify
 * code that says why (ssl_errors.c turns it into SSLCertVerificationError).
 *
 * Names follow RFC 6125 and RFC 2818, as OpenSSL does for CPython:
 * - an IP address (v4 or v6) matches iPAddress entries only, never a dNSName
 *   and never the subject CN;
 * - the CN is used only for a DNS name and only when there is no
 *   subjectAltName extension at all;
 * - a wildcard is the whole left-most label "*", matches exactly one label
 *   (letters, digits, '-'), and needs at least two labels after it.
 *
 * Name constraints (RFC 5280 4.2.1.10) of every CA in the chain, kept by
 * mbedTLS patch 0017, are enforced here on the leaf's names: dNSName and
 * iPAddress SAN entries, the subject DN (directoryName, as an RDN prefix),
 * and the CN when it is used as the host name.  A constraint of another form
 * that applies to one of the leaf's names rejects it.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "py/runtime.h"

#include "mbedtls/asn1.h"
#include "mbedtls/oid.h"
#include "mbedtls/x509.h"

#include "modssl.h"
#include "ssl_roots.h"

/******************************************************************************/
// Names.

static bool modssl_ascii_eq(const byte *a, const byte *b, size_t n) {
    for (size_t i = 0; i < n; ++i) {
        byte x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') {
            x += 'a' - 'A';
        }
        if (y >= 'A' && y <= 'Z') {
            y += 'a' - 'A';
        }
        if (x != y) {
            return false;
        }
    }
    return true;
}

static bool modssl_dns_match(const byte *pat, size_t plen, const byte *host, size_t hlen) {
    if (plen < 3 || pat[0] != '*' || pat[1] != '.') {
        return plen == hlen && modssl_ascii_eq(pat, host, hlen);
    }
    // "*.rest": rest has at least two labels and no further wildcard.
    const byte *rest = pat + 1;
    size_t rlen = plen - 1;
    const byte *dot = memchr(rest + 1, '.', rlen - 1);
    if (dot == NULL || dot == rest + rlen - 1 || memchr(rest, '*', rlen) != NULL) {
        return false;
    }
    // The host's first label, non-empty and plain, stands for the '*'.
    size_t label = 0;
    while (label < hlen && host[label] != '.') {
        byte c = host[label++];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) {
            return false;
        }
    }
    return label > 0 && hlen - label == rlen && modssl_ascii_eq(host + label, rest, rlen);
}

// Does the certificate carry the name?  ip_len is 4 or 16 for an IP address.
static bool modssl_name_matches(const mbedtls_x509_crt *crt, const char *host, const byte *ip, size_t ip_len) {
    size_t hlen = strlen(host);
    for (const mbedtls_x509_sequence *san = &crt->subject_alt_names; san != NULL; san = san->next) {
        unsigned type = san->buf.tag & MBEDTLS_ASN1_TAG_VALUE_MASK;
        if (san->buf.p == NULL) {
            continue;
        }
        if (ip_len != 0) {
            if (type == MBEDTLS_X509_SAN_IP_ADDRESS && san->buf.len == ip_len && memcmp(san->buf.p, ip, ip_len) == 0) {
                return true;
            }
        } else if (type == MBEDTLS_X509_SAN_DNS_NAME && modssl_dns_match(san->buf.p, san->buf.len, (const byte *)host, hlen)) {
            return true;
        }
    }
    if (ip_len != 0 || mbedtls_x509_crt_has_ext_type(crt, MBEDTLS_X509_EXT_SUBJECT_ALT_NAME)) {
        return false;
    }
    for (const mbedtls_x509_name *n = &crt->subject; n != NULL; n = n->next) {
        if (n->oid.p != NULL && MBEDTLS_OID_CMP(MBEDTLS_OID_AT_CN, &n->oid) == 0
            && modssl_dns_match(n->val.p, n->val.len, (const byte *)host, hlen)) {
            return true;
        }
    }
    return false;
}

// server_hostname is checked when a socket is wrapped: a str of ASCII
// (an IDNA U-label must be given as its A-label "xn--..."), no NUL, not
// empty, no leading dot, at most 253 characters.
void modssl_check_server_hostname(mp_obj_t host) {
    if (host == mp_const_none) {
        return;
    }
    if (!mp_obj_is_str(host)) {
        modssl_raise_TypeError(MODSSL_TEXT("server_hostname must be a str"));
    }
    size_t len;
    const char *s = mp_obj_str_get_data(host, &len);
    if (len == 0 || len > 253 || s[0] == '.') {
        modssl_raise_ValueError(MODSSL_TEXT("server_hostname must be 1 to 253 characters and not start with '.'"));
    }
    for (size_t i = 0; i < len; ++i) {
        if ((byte)s[i] >= 0x80) {
            modssl_raise_ValueError(MODSSL_TEXT("server_hostname: non-ASCII (IDNA) names are not supported; "
                "give the A-label (xn--...)"));
        }
        if (s[i] <= ' ') {
            modssl_raise_ValueError(MODSSL_TEXT("server_hostname must not contain NUL, spaces or control characters"));
        }
    }
}

/******************************************************************************/
// The verify callback: names, the Python verify_callback, and why.

// Verify codes in the order OpenSSL reports them (chain building, then
// extensions and purpose, then the name, then signatures and times):
// when a chain has several faults the first of these is the one reported.
static const uint8_t modssl_verify_order[] = {
    MODSSL_V_SELF_SIGNED, MODSSL_V_SELF_SIGNED_IN_CHAIN, MODSSL_V_NO_LOCAL_ISSUER, MODSSL_V_INVALID_CA,
    MODSSL_V_PATH_LENGTH, MODSSL_V_PURPOSE, MODSSL_V_HOSTNAME, MODSSL_V_IP_ADDRESS, MODSSL_V_SIGNATURE,
    MODSSL_V_EXPIRED, MODSSL_V_NOT_YET_VALID, MODSSL_V_PERMITTED_VIOLATION, MODSSL_V_EXCLUDED_VIOLATION,
    MODSSL_V_UNSUPPORTED_CONSTRAINT, MODSSL_V_CONSTRAINT_SYNTAX, MODSSL_V_EE_KEY_TOO_SMALL, MODSSL_V_CA_KEY_TOO_SMALL,
    MODSSL_V_CA_MD_TOO_WEAK, MODSSL_V_REVOKED, MODSSL_V_APPLICATION, MODSSL_V_UNSPECIFIED,
};

static size_t modssl_verify_rank(uint8_t code) {
    const uint8_t *p = memchr(modssl_verify_order, code, sizeof(modssl_verify_order));
    return p ? (size_t)(p - modssl_verify_order) : sizeof(modssl_verify_order);
}

static bool modssl_same_name(const mbedtls_x509_buf *a, const mbedtls_x509_buf *b) {
    return a->len == b->len && memcmp(a->p, b->p, a->len) == 0;
}

// A certificate mbedTLS found no acceptable issuer for: say why, looking
// for a certificate with the issuer's name further up the peer's chain or
// among the trusted CAs.
static uint8_t modssl_untrusted_why(const mbedtls_x509_crt *crt, const mp_obj_ssl_context_t *ctx, int depth) {
    const mbedtls_x509_crt *cas = &ctx->cacert;
    if (modssl_same_name(&crt->issuer_raw, &crt->subject_raw)) {
        return depth == 0 ? MODSSL_V_SELF_SIGNED : MODSSL_V_SELF_SIGNED_IN_CHAIN;
    }
    const mbedtls_x509_crt *lists[2] = { crt->next, cas };
    for (size_t i = 0; i < 2; ++i) {
        for (const mbedtls_x509_crt *p = lists[i]; p != NULL && p->raw.p != NULL; p = p->next) {
            if (!modssl_same_name(&crt->issuer_raw, &p->subject_raw)) {
                continue;
            }
            if (mbedtls_x509_crt_get_ca_istrue(p) != 1
                || (mbedtls_x509_crt_has_ext_type(p, MBEDTLS_X509_EXT_KEY_USAGE)
                    && mbedtls_x509_crt_check_key_usage(p, MBEDTLS_X509_KU_KEY_CERT_SIGN) != 0)) {
                return MODSSL_V_INVALID_CA;
            }
            int max_pathlen = mbedtls_x509_crt_get_max_pathlen(p); // pathLenConstraint + 1, 0 if none
            if (max_pathlen > 0 && max_pathlen < 1 + depth) {
                return MODSSL_V_PATH_LENGTH;
            }
            return MODSSL_V_SIGNATURE;
        }
    }
    int root_pathlen = modssl_roots_max_pathlen(ctx, &crt->issuer_raw);
    if (root_pathlen >= 0) {
        // A root of the built-in store has the issuer's name.
        return root_pathlen > 0 && root_pathlen < 1 + depth ? MODSSL_V_PATH_LENGTH : MODSSL_V_SIGNATURE;
    }
    return MODSSL_V_NO_LOCAL_ISSUER;
}

// The most telling verify code for one certificate's mbedTLS flags.
static uint8_t modssl_flags_code(uint32_t flags, const mbedtls_x509_crt *crt, const mp_obj_ssl_context_t *ctx, int depth, bool ip) {
    if (flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED) {
        return modssl_untrusted_why(crt, ctx, depth);
    }
    static const struct { uint32_t flag; uint8_t code; } map[] = {
        {MBEDTLS_X509_BADCERT_KEY_USAGE | MBEDTLS_X509_BADCERT_EXT_KEY_USAGE | MBEDTLS_X509_BADCERT_NS_CERT_TYPE, MODSSL_V_PURPOSE},
        {MBEDTLS_X509_BADCERT_CN_MISMATCH, MODSSL_V_HOSTNAME},
        {MBEDTLS_X509_BADCERT_EXPIRED, MODSSL_V_EXPIRED},
        {MBEDTLS_X509_BADCERT_FUTURE, MODSSL_V_NOT_YET_VALID},
        {MBEDTLS_X509_BADCERT_BAD_KEY | MBEDTLS_X509_BADCERT_BAD_PK, MODSSL_V_EE_KEY_TOO_SMALL},
        {MBEDTLS_X509_BADCERT_BAD_MD, MODSSL_V_CA_MD_TOO_WEAK},
        {MBEDTLS_X509_BADCERT_REVOKED, MODSSL_V_REVOKED},
        {MBEDTLS_X509_BADCERT_OTHER, MODSSL_V_APPLICATION},
    };
    for (size_t i = 0; i < MP_ARRAY_SIZE(map); ++i) {
        if (flags & map[i].flag) {
            uint8_t code = map[i].code;
            if (code == MODSSL_V_HOSTNAME && ip) {
                code = MODSSL_V_IP_ADDRESS;
            } else if (code == MODSSL_V_EE_KEY_TOO_SMALL && depth > 0) {
                code = MODSSL_V_CA_KEY_TOO_SMALL;
            }
            return code;
        }
    }
    return flags ? MODSSL_V_UNSPECIFIED : 0;
}

// Keep the first fault (in OpenSSL's order) and the subject it concerns.
void modssl_verify_note(mp_obj_ssl_conn_t *conn, uint8_t code, int depth, const mbedtls_x509_crt *crt) {
    if (code == 0 || (conn->verify_code != 0 && modssl_verify_rank(code) >= modssl_verify_rank(conn->verify_code))) {
        return;
    }
    conn->verify_code = code;
    conn->verify_depth = depth;
    // The subject's CN names the certificate in the message; the peer chose
    // these bytes, so only printable ASCII is kept.
    size_t len = 0;
    for (const mbedtls_x509_name *n = crt ? &crt->subject : NULL; n != NULL && len == 0; n = n->next) {
        if (n->oid.p != NULL && MBEDTLS_OID_CMP(MBEDTLS_OID_AT_CN, &n->oid) == 0) {
            for (; len < n->val.len && len < sizeof(conn->verify_subject) - 1; ++len) {
                byte c = n->val.p[len];
                conn->verify_subject[len] = (c < ' ' || c > '~' || c == '\'') ? '?' : c;
            }
        }
    }
    conn->verify_subject[len] = 0;
}

/******************************************************************************/
// Name constraints.

// The next DER element in [*p, end): its tag and content; *p moves past it.
static bool modssl_der_next(const byte **p, const byte *end, byte *tag, const byte **content, size_t *len) {
    if (end - *p < 2) {
        return false;
    }
    unsigned char *q = (unsigned char *)*p + 1;
    *tag = **p;
    if (mbedtls_asn1_get_len(&q, end, len) != 0) {
        return false;
    }
    *content = q;
    *p = q + *len;
    return true;
}

// Is the name inside the subtree's base (both of the same GeneralName type)?
static bool modssl_nc_match(int type, const byte *base, size_t blen, const byte *name, size_t nlen) {
    if (type == MBEDTLS_X509_SAN_DNS_NAME) {
        // "example.com" covers itself and its subdomains, ".example.com" only subdomains.
        return blen == 0 || (nlen == blen && base[0] != '.' && modssl_ascii_eq(name, base, blen))
               || (nlen > blen && modssl_ascii_eq(name + nlen - blen, base, blen)
                   && (base[0] == '.' || name[nlen - blen - 1] == '.'));
    }
    if (type == MBEDTLS_X509_SAN_IP_ADDRESS) {
        if (blen != 2 * nlen) {
            return false;
        }
        for (size_t i = 0; i < nlen; ++i) {
            if ((name[i] & base[nlen + i]) != (base[i] & base[nlen + i])) {
                return false;
            }
        }
        return true;
    }
    // directoryName: the base's RDNs begin the subject's (both DER Names).
    const byte *bp = base, *np = name, *bc, *nc;
    size_t bl, nl;
    byte bt, nt;
    if (!modssl_der_next(&bp, base + blen, &bt, &bc, &bl) || !modssl_der_next(&np, name + nlen, &nt, &nc, &nl)) {
        return false;
    }
    return bl <= nl && memcmp(bc, nc, bl) == 0;
}

// One name of the leaf (a GeneralName type and its value) against one CA's
// constraints: 0 if allowed, else the verify code.
static uint8_t modssl_nc_check(const mbedtls_x509_buf *ncs, int type, const byte *name, size_t nlen) {
    const byte *p = ncs->p, *end = ncs->p + ncs->len, *seq;
    size_t len;
    byte tag;
    if (!modssl_der_next(&p, end, &tag, &seq, &len) || tag != (MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE)) {
        return MODSSL_V_CONSTRAINT_SYNTAX;
    }
    bool permitted_seen = false, permitted_ok = false;
    for (p = seq, end = seq + len; p < end;) {
        const byte *trees, *tp;
        size_t tlen;
        if (!modssl_der_next(&p, end, &tag, &trees, &tlen)) {
            return MODSSL_V_CONSTRAINT_SYNTAX;
        }
        bool excluded = tag == (MBEDTLS_ASN1_CONTEXT_SPECIFIC | MBEDTLS_ASN1_CONSTRUCTED | 1);
        for (tp = trees; tp < trees + tlen;) {
            const byte *subtree, *sp, *base;
            size_t slen, blen;
            byte btag;
            if (!modssl_der_next(&tp, trees + tlen, &tag, &subtree, &slen)) {
                return MODSSL_V_CONSTRAINT_SYNTAX;
            }
            sp = subtree;
            if (!modssl_der_next(&sp, subtree + slen, &btag, &base, &blen)) {
                return MODSSL_V_CONSTRAINT_SYNTAX;
            }
            if ((btag & MBEDTLS_ASN1_TAG_VALUE_MASK) != type) {
                continue;
            }
            if (type != MBEDTLS_X509_SAN_DNS_NAME && type != MBEDTLS_X509_SAN_IP_ADDRESS
                && type != MBEDTLS_X509_SAN_DIRECTORY_NAME) {
                return MODSSL_V_UNSUPPORTED_CONSTRAINT;
            }
            bool match = modssl_nc_match(type, base, blen, name, nlen);
            if (excluded && match) {
                return MODSSL_V_EXCLUDED_VIOLATION;
            }
            if (!excluded) {
                permitted_seen = true;
                permitted_ok |= match;
            }
        }
    }
    return permitted_seen && !permitted_ok ? MODSSL_V_PERMITTED_VIOLATION : 0;
}

// A CN such as "My Device" is no host name; "host.example.com" is (as OpenSSL decides).
static bool modssl_looks_like_dns(const mbedtls_x509_buf *cn) {
    bool dot = false;
    for (size_t i = 0; i < cn->len; ++i) {
        byte c = cn->p[i];
        dot |= c == '.';
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
              || c == '*' || c == '_')) {
            return false;
        }
    }
    return dot;
}

// All the leaf's names against one CA's constraints.
static uint8_t modssl_nc_leaf(const mbedtls_x509_buf *ncs, const mbedtls_x509_crt *leaf) {
    uint8_t code = 0;
    for (const mbedtls_x509_sequence *san = &leaf->subject_alt_names; san != NULL && code == 0; san = san->next) {
        if (san->buf.p != NULL) {
            code = modssl_nc_check(ncs, san->buf.tag & MBEDTLS_ASN1_TAG_VALUE_MASK, san->buf.p, san->buf.len);
        }
    }
    if (code == 0 && leaf->subject_raw.len > 2) {
        code = modssl_nc_check(ncs, MBEDTLS_X509_SAN_DIRECTORY_NAME, leaf->subject_raw.p, leaf->subject_raw.len);
    }
    if (!mbedtls_x509_crt_has_ext_type(leaf, MBEDTLS_X509_EXT_SUBJECT_ALT_NAME)) {
        // Without a SAN the CN is the host name: it must keep to dNSName constraints.
        for (const mbedtls_x509_name *n = &leaf->subject; n != NULL && code == 0; n = n->next) {
            if (n->oid.p != NULL && MBEDTLS_OID_CMP(MBEDTLS_OID_AT_CN, &n->oid) == 0 && modssl_looks_like_dns(&n->val)) {
                code = modssl_nc_check(ncs, MBEDTLS_X509_SAN_DNS_NAME, n->val.p, n->val.len);
            }
        }
    }
    return code;
}

// Called by mbedTLS for each certificate of the peer's chain, top first.
int modssl_verify_cb(void *conn_in, mbedtls_x509_crt *crt, int depth, uint32_t *flags) {
    mp_obj_ssl_conn_t *conn = conn_in;
    mp_obj_ssl_context_t *ctx = conn->context;
    bool ip = false;
    if (depth == 0) {
        // The name is decided here, not by mbedTLS's own check.
        *flags &= ~MBEDTLS_X509_BADCERT_CN_MISMATCH;
        if (!conn->server_side && ctx->check_hostname && conn->server_hostname != mp_const_none) {
            const char *host = mp_obj_str_get_str(conn->server_hostname);
            uint32_t addr[4];
            size_t ip_len = mbedtls_x509_crt_parse_cn_inet_pton(host, addr);
            ip = ip_len != 0;
            if (!modssl_name_matches(crt, host, (const byte *)addr, ip_len)) {
                *flags |= MBEDTLS_X509_BADCERT_CN_MISMATCH;
            }
        }
    }
    if (depth == 0 && mbedtls_x509_crt_has_ext_type(crt, MBEDTLS_X509_EXT_EXTENDED_KEY_USAGE)) {
        // As OpenSSL: anyExtendedKeyUsage alone does not make a TLS server
        // (or client) certificate; RFC 5280 4.2.1.12 allows either reading.
        bool found = false;
        for (const mbedtls_x509_sequence *eku = &crt->ext_key_usage; eku != NULL; eku = eku->next) {
            found |= conn->server_side ? MBEDTLS_OID_CMP(MBEDTLS_OID_CLIENT_AUTH, &eku->buf) == 0
                : MBEDTLS_OID_CMP(MBEDTLS_OID_SERVER_AUTH, &eku->buf) == 0;
        }
        if (!found) {
            *flags |= MBEDTLS_X509_BADCERT_EXT_KEY_USAGE;
        }
    }
    if (ctx->verify_callback != mp_const_none) {
        // The callback may raise; mbedTLS must not be unwound by a long jump,
        // so an exception turns into a rejected certificate.
        nlr_buf_t nlr;
        if (nlr_push(&nlr) == 0) {
            mp_obj_t der = mp_obj_new_bytes(crt->raw.p, crt->raw.len);
            mp_obj_t ret = mp_call_function_2(ctx->verify_callback, der, MP_OBJ_NEW_SMALL_INT(depth));
            if (ret != mp_const_none && mp_obj_get_int(ret) != 0) {
                *flags |= MBEDTLS_X509_BADCERT_OTHER;
            }
            nlr_pop();
        } else {
            *flags |= MBEDTLS_X509_BADCERT_OTHER;
        }
    }
    if (depth > 0 && mbedtls_x509_crt_has_ext_type(crt, MBEDTLS_X509_EXT_NAME_CONSTRAINTS)) {
        if (conn->nc_count < MP_ARRAY_SIZE(conn->nc_crt)) {
            conn->nc_depth[conn->nc_count] = depth;
            conn->nc_crt[conn->nc_count++] = crt;
        } else {
            modssl_verify_note(conn, MODSSL_V_UNSUPPORTED_CONSTRAINT, depth, crt);
            *flags |= MBEDTLS_X509_BADCERT_OTHER;
        }
    }
    if (depth == 0) {
        for (size_t i = 0; i < conn->nc_count; ++i) {
            uint8_t code = modssl_nc_leaf(&conn->nc_crt[i]->name_constraints, crt);
            if (code != 0) {
                modssl_verify_note(conn, code, conn->nc_depth[i], conn->nc_crt[i]);
                *flags |= MBEDTLS_X509_BADCERT_OTHER;
            }
        }
        conn->nc_count = 0;
    }
    modssl_verify_note(conn, modssl_flags_code(*flags, crt, ctx, depth, ip), depth, crt);
    if (*flags != 0 && conn->server_side && ctx->verify_mode == MBEDTLS_SSL_VERIFY_OPTIONAL) {
        // A server with CERT_OPTIONAL: a client need not send a certificate,
        // but one it sends must be valid (as with OpenSSL).  mbedTLS's own
        // optional mode would accept a bad one, so fail here.
        return MBEDTLS_ERR_X509_CERT_VERIFY_FAILED;
    }
    return 0;
}

/******************************************************************************/
// Certificates mbedTLS cannot parse: say which and why.

typedef struct {
    char oid[40];               // the unhandled critical extension, if that was it
} modssl_parse_why_t;

static int modssl_ext_cb(void *ctx_in, mbedtls_x509_crt const *crt, mbedtls_x509_buf const *oid,
    int critical, const unsigned char *p, const unsigned char *end) {
    (void)crt;
    (void)p;
    (void)end;
    modssl_parse_why_t *why = ctx_in;
    if (critical && why->oid[0] == 0 && mbedtls_oid_get_numeric_string(why->oid, sizeof(why->oid), oid) < 0) {
        strcpy(why->oid, "?");
    }
    return critical ? MBEDTLS_ERR_X509_INVALID_EXTENSIONS : 0;
}

// Parse one DER certificate onto chain; on failure describe it in vstr and
// return the verify code that fits (0 when it parsed).
int modssl_x509_parse_explain(mbedtls_x509_crt *chain, const byte *der, size_t len, vstr_t *vstr) {
    modssl_parse_why_t why = { {0} };
    int ret = mbedtls_x509_crt_parse_der_with_ext_cb(chain, der, len, 1, modssl_ext_cb, &why);
    if (ret == 0) {
        return 0;
    }
    if (ret == MBEDTLS_ERR_X509_ALLOC_FAILED) {
        mp_raise_msg(&mp_type_MemoryError, NULL);
    }
    if (why.oid[0] != 0) {
        modssl_text_printf(vstr, MODSSL_TEXT("critical extension %s is not supported"), why.oid);
        return MODSSL_V_UNHANDLED_CRITICAL;
    }
    int high = (-ret) & 0xFF80;
    if (high >= 0x3880 && high <= 0x3F80) {
        // A PK error: the key inside could not be read.
#if defined(MBEDTLS_ECP_DP_SECP521R1_ENABLED)
        modssl_text_add(vstr, MODSSL_TEXT("its public key type is not supported (RSA and ECDSA on P-256/384/521 are; Ed25519 is not)"));
#else
        modssl_text_add(vstr, MODSSL_TEXT("its public key type is not supported (RSA and ECDSA on P-256/384 are; Ed25519 and P-521 are not)"));
#endif
        return MODSSL_V_UNSUPPORTED_SIG_ALG;
    }
    if (high == (-MBEDTLS_ERR_X509_UNKNOWN_SIG_ALG) || high == (-MBEDTLS_ERR_X509_FEATURE_UNAVAILABLE)) {
        modssl_text_add(vstr, MODSSL_TEXT("it is signed with an algorithm this firmware does not support (e.g. Ed25519)"));
        return MODSSL_V_UNSUPPORTED_SIG_ALG;
    }
    static const char fields[] = "format\0version\0serial number\0signature algorithm\0name\0validity dates\0"
        "signature\0extensions\0";
    const char *field = "DER";
    if (high >= 0x2180 && high <= 0x2500) {
        field = fields;
        for (int i = (high - 0x2180) / 0x80; i > 0; --i) {
            field += strlen(field) + 1;
        }
    }
    modssl_text_printf(vstr, MODSSL_TEXT("it cannot be parsed (bad %s, mbedTLS error -0x%04x)"), field, (unsigned)-ret);
    return MODSSL_V_UNSPECIFIED;
}

// The handshake failed parsing the peer's Certificate message, which is
// still in mbedTLS's input buffer: find the certificate that fails and why.
uint8_t modssl_peer_parse_explain(mp_obj_ssl_conn_t *conn, vstr_t *vstr) {
    size_t len;
    const byte *msg = mbedtls_ssl_get_in_msg(&conn->ssl, &len);
    if (msg == NULL || len < 7 || len > MBEDTLS_SSL_IN_CONTENT_LEN || msg[0] != MBEDTLS_SSL_HS_CERTIFICATE) {
        return 0;
    }
    bool tls13 = mbedtls_ssl_get_version_number(&conn->ssl) == MBEDTLS_SSL_VERSION_TLS1_3;
    // Offsets, not pointers: the lengths inside are the peer's.
    size_t off = 4 + (tls13 ? 1 + (size_t)msg[4] : 0) + 3; // request context, list length
    for (int depth = 0; off + 3 <= len; ++depth) {
        size_t n = ((size_t)msg[off] << 16) | (msg[off + 1] << 8) | msg[off + 2];
        off += 3;
        if (n > len - off) {
            break;
        }
        mbedtls_x509_crt crt;
        mbedtls_x509_crt_init(&crt);
        size_t mark = vstr->len;
        modssl_text_printf(vstr, MODSSL_TEXT("certificate %d of the peer's chain: "), depth);
        int code = modssl_x509_parse_explain(&crt, msg + off, n, vstr);
        mbedtls_x509_crt_free(&crt);
        if (code != 0) {
            conn->verify_depth = depth;
            return code;
        }
        vstr->len = mark;
        off += n;
        if (tls13) {
            if (off + 2 > len) {
                break;
            }
            off += 2 + ((msg[off] << 8) | msg[off + 1]);
        }
    }
    return 0;
}
