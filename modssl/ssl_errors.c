/*
 * modssl: mbedTLS error codes to Python exceptions.
 *
 * Every failure surfaces as OSError (or a subclass) whose args are
 * (code, text): the code is mbedTLS's negative error number and the text
 * says what went wrong in words a user can act on -- which alert the peer
 * sent, why a certificate was rejected, that the device clock is unset.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdarg.h>
#include <string.h>

#include "py/runtime.h"
#include "py/objstr.h"
#include "py/mperrno.h"
#include "py/gc.h"
#include "py/mpprint.h"

#include "mbedtls/error.h"
#include "mbedtls/platform_time.h"

#include "modssl.h"

// Any time before this (2024-01-01) means the device clock was never set:
// no certificate in use today was issued that early and is still valid.
#define MODSSL_CLOCK_PLAUSIBLE_AFTER (1704067200)

// The dictionary of modssl's message texts (see MODSSL_TEXT in modssl.h):
// byte 0x80 + i in a text stands for its i-th word.  The words are ASCII,
// one after another, the last character of each with bit 7 set.
static const char modssl_words[] = MODSSL_TEXT_WORDS;

// The i-th string of packed (strings one after another, each NUL-ended).
static const char *modssl_nth(const char *packed, size_t i) {
    for (; i > 0; --i) {
        packed += strlen(packed) + 1;
    }
    return packed;
}

// Word i of the dictionary.
static const uint8_t *modssl_word(uint8_t i) {
    const uint8_t *w = (const uint8_t *)modssl_words;
    for (; i > 0; --i) {
        while (!(*w++ & 0x80)) {
        }
    }
    return w;
}

void modssl_text_add(vstr_t *vstr, const char *text) {
    for (; *text; ++text) {
        uint8_t c = *text;
        if (c >= 0x80) {
            const uint8_t *w = modssl_word(c - 0x80);
            do {
                vstr_add_byte(vstr, *w & 0x7f);
            } while (!(*w++ & 0x80));
        } else {
            vstr_add_byte(vstr, c);
        }
    }
}

static void modssl_text_vprintf(vstr_t *vstr, const char *fmt, va_list args) {
    #if MODSSL_TEXT_COMPRESSION
    // A format spelled out on the stack: the longest marked text fits in
    // MODSSL_TEXT_MAX_LEN (the generator measured them all).
    char buf[MODSSL_TEXT_MAX_LEN + 1];
    vstr_t spelled;
    vstr_init_fixed_buf(&spelled, sizeof(buf), buf);
    modssl_text_add(&spelled, fmt);
    fmt = vstr_null_terminated_str(&spelled);
    #endif
    mp_print_t print = { vstr, (mp_print_strn_t)vstr_add_strn };
    mp_vprintf(&print, fmt, args);
}

void modssl_text_printf(vstr_t *vstr, const char *fmt, ...) {
    va_list args;
    va_start(args, fmt);
    modssl_text_vprintf(vstr, fmt, args);
    va_end(args);
}

mp_obj_t modssl_text_str(const char *text) {
    vstr_t vstr;
    vstr_init(&vstr, 64);
    modssl_text_add(&vstr, text);
    return mp_obj_new_str_from_vstr(&vstr);
}

NORETURN void modssl_raise_msg(const mp_obj_type_t *type, const char *text) {
    mp_obj_t arg = modssl_text_str(text);
    nlr_raise(mp_obj_exception_make_new(type, 1, 0, &arg));
}

NORETURN void modssl_raise_ValueError(const char *text) {
    modssl_raise_msg(&mp_type_ValueError, text);
}

NORETURN void modssl_raise_TypeError(const char *text) {
    modssl_raise_msg(&mp_type_TypeError, text);
}

NORETURN void modssl_raise_msg_varg(const mp_obj_type_t *type, const char *fmt, ...) {
    vstr_t vstr;
    vstr_init(&vstr, 80);
    va_list args;
    va_start(args, fmt);
    modssl_text_vprintf(&vstr, fmt, args);
    va_end(args);
    mp_obj_t arg = mp_obj_new_str_from_vstr(&vstr);
    nlr_raise(mp_obj_exception_make_new(type, 1, 0, &arg));
}

NORETURN void modssl_raise_oserror(int errno_, const char *text) {
    mp_obj_t args[2] = { MP_OBJ_NEW_SMALL_INT(errno_), modssl_text_str(text) };
    nlr_raise(mp_obj_exception_make_new(&mp_type_OSError, 2, 0, args));
}

// TLS alert descriptions (RFC 8446 section 6, RFC 5246 section 7.2): the
// codes, and their names packed in one string in the same order (no pointer
// per name).
static const uint8_t modssl_alert_codes[] = {
    0, 10, 20, 22, 40, 42, 43, 44, 45, 46,
    47, 48, 49, 50, 51, 70, 71, 80, 86, 90,
    100, 109, 110, 112, 113, 115, 116, 120,
};
static const char modssl_alert_names[] = MODSSL_TEXTS(alert_names,
    "close_notify\0"
    "unexpected_message\0"
    "bad_record_mac\0"
    "record_overflow\0"
    "handshake_failure\0"
    "bad_certificate\0"
    "unsupported_certificate\0"
    "certificate_revoked\0"
    "certificate_expired\0"
    "certificate_unknown\0"
    "illegal_parameter\0"
    "unknown_ca\0"
    "access_denied\0"
    "decode_error\0"
    "decrypt_error\0"
    "protocol_version\0"
    "insufficient_security\0"
    "internal_error\0"
    "inappropriate_fallback\0"
    "user_canceled\0"
    "no_renegotiation\0"
    "missing_extension\0"
    "unsupported_extension\0"
    "unrecognized_name\0"
    "bad_certificate_status_response\0"
    "unknown_psk_identity\0"
    "certificate_required\0"
    "no_application_protocol\0");

// What OpenSSL calls each verify code (X509_verify_cert_error_string):
// CPython's SSLCertVerificationError.verify_message.
static const uint8_t modssl_verify_codes[] = {
    MODSSL_V_SIGNATURE,
    MODSSL_V_NOT_YET_VALID,
    MODSSL_V_EXPIRED,
    MODSSL_V_SELF_SIGNED,
    MODSSL_V_SELF_SIGNED_IN_CHAIN,
    MODSSL_V_NO_LOCAL_ISSUER,
    MODSSL_V_CHAIN_TOO_LONG,
    MODSSL_V_REVOKED,
    MODSSL_V_PATH_LENGTH,
    MODSSL_V_PURPOSE,
    MODSSL_V_UNHANDLED_CRITICAL,
    MODSSL_V_PERMITTED_VIOLATION,
    MODSSL_V_EXCLUDED_VIOLATION,
    MODSSL_V_APPLICATION,
    MODSSL_V_UNSUPPORTED_CONSTRAINT,
    MODSSL_V_CONSTRAINT_SYNTAX,
    MODSSL_V_HOSTNAME,
    MODSSL_V_IP_ADDRESS,
    MODSSL_V_EE_KEY_TOO_SMALL,
    MODSSL_V_CA_KEY_TOO_SMALL,
    MODSSL_V_CA_MD_TOO_WEAK,
    MODSSL_V_UNSUPPORTED_SIG_ALG,
    MODSSL_V_INVALID_CA,
    MODSSL_V_UNSPECIFIED,
};
static const char modssl_verify_texts[] = MODSSL_TEXTS(verify_texts,
    "certificate signature failure\0"
    "certificate is not yet valid\0"
    "certificate has expired\0"
    "self-signed certificate\0"
    "self-signed certificate in certificate chain\0"
    "unable to get local issuer certificate\0"
    "certificate chain too long\0"
    "certificate revoked\0"
    "path length constraint exceeded\0"
    "unsupported certificate purpose\0"
    "unhandled critical extension\0"
    "permitted subtree violation\0"
    "excluded subtree violation\0"
    "application verification failure\0"
    "unsupported name constraint type\0"
    "unsupported or invalid name constraint syntax\0"
    "hostname mismatch\0"
    "IP address mismatch\0"
    "EE certificate key too weak\0"
    "CA certificate key too weak\0"
    "CA signature digest algorithm too weak\0"
    "unsupported signature algorithm\0"
    "invalid CA certificate\0"
    "unspecified certificate verification error\0");

// What modssl_raise_error() says for these mbedTLS errors (high-level SSL
// codes are multiples of 0x80 up to 0x7f80: stored as -code >> 7).
#define MODSSL_SSL_ERR_KEY(err) ((unsigned)-(err) >> 7)
static const uint8_t modssl_ssl_error_codes[] = {
    MODSSL_SSL_ERR_KEY(MBEDTLS_ERR_SSL_HELLO_VERIFY_REQUIRED),
    MODSSL_SSL_ERR_KEY(MBEDTLS_ERR_SSL_CONN_EOF),
    MODSSL_SSL_ERR_KEY(MBEDTLS_ERR_SSL_NO_CLIENT_CERTIFICATE),
    MODSSL_SSL_ERR_KEY(MBEDTLS_ERR_SSL_HANDSHAKE_FAILURE),
    MODSSL_SSL_ERR_KEY(MBEDTLS_ERR_SSL_BAD_PROTOCOL_VERSION),
    MODSSL_SSL_ERR_KEY(MBEDTLS_ERR_SSL_CA_CHAIN_REQUIRED),
    MODSSL_SSL_ERR_KEY(MBEDTLS_ERR_SSL_INVALID_MAC),
    MODSSL_SSL_ERR_KEY(MBEDTLS_ERR_SSL_ILLEGAL_PARAMETER),
    MODSSL_SSL_ERR_KEY(MBEDTLS_ERR_SSL_TIMEOUT),
    MODSSL_SSL_ERR_KEY(MBEDTLS_ERR_SSL_INVALID_RECORD),
    MODSSL_SSL_ERR_KEY(MBEDTLS_ERR_SSL_UNEXPECTED_MESSAGE),
    MODSSL_SSL_ERR_KEY(MBEDTLS_ERR_SSL_DECODE_ERROR),
    MODSSL_SSL_ERR_KEY(MBEDTLS_ERR_SSL_UNSUPPORTED_EXTENSION),
    MODSSL_SSL_ERR_KEY(MBEDTLS_ERR_SSL_FEATURE_UNAVAILABLE),
    MODSSL_SSL_ERR_KEY(MBEDTLS_ERR_SSL_BAD_INPUT_DATA),
};
static const char modssl_ssl_error_texts[] = MODSSL_TEXTS(ssl_error_texts,
    "Hello Verify Required\0"
    "connection closed by the peer without close_notify\0"
    "peer did not send a certificate, but one is required\0"
    "handshake failed: no shared cipher suite, group or signature algorithm\0"
    "handshake failed: no shared protocol version\0"
    "no CA certificates to verify the peer with: call load_verify_locations() first\0"
    "bad record MAC: a record from the peer failed authentication (different keys, or data altered in transit)\0"
    "handshake failed: the peer sent a handshake message this endpoint cannot accept\0"
    "DTLS handshake timed out: the peer stopped answering\0"
    "the peer sent an invalid record (malformed, or longer than TLS allows)\0"
    "the peer sent a message the protocol does not allow at this point\0"
    "the peer sent a malformed message\0"
    "the peer sent an extension it may not send here\0"
    "the peer asked for something this firmware's TLS does not support\0"
    "refused: a record or message too large, or a call the connection's state does not allow\0");

// The text for code in a packed table: codes[i] names the string numbered
// index[i] (or i, without an index) of texts; dflt if code is not there.
static const char *modssl_code_text(const uint8_t *codes, const uint8_t *index, size_t n, const char *texts,
    unsigned code, const char *dflt) {
    for (size_t i = 0; i < n; ++i) {
        if (codes[i] == code) {
            return modssl_nth(texts, index != NULL ? index[i] : i);
        }
    }
    return dflt;
}

static const char *modssl_alert_name(uint8_t code) {
    return modssl_code_text(modssl_alert_codes, NULL, sizeof(modssl_alert_codes), modssl_alert_names, code, NULL);
}

// OpenSSL's reasons (CPython's SSLError.reason, lower-cased with spaces as
// OpenSSL's reason strings, which pyOpenSSL shows) for the mbedTLS errors
// that have one; keys as modssl_ssl_error_codes.  Received alerts have
// theirs made from the alert's name (modssl_reason()).
static const uint8_t modssl_reason_codes[] = {
    MODSSL_SSL_ERR_KEY(MBEDTLS_ERR_X509_CERT_VERIFY_FAILED),
    MODSSL_SSL_ERR_KEY(MBEDTLS_ERR_SSL_CONN_EOF),
    MODSSL_SSL_ERR_KEY(MBEDTLS_ERR_SSL_NO_CLIENT_CERTIFICATE),
    MODSSL_SSL_ERR_KEY(MBEDTLS_ERR_SSL_HANDSHAKE_FAILURE),
    MODSSL_SSL_ERR_KEY(MBEDTLS_ERR_SSL_BAD_PROTOCOL_VERSION),
    MODSSL_SSL_ERR_KEY(MBEDTLS_ERR_SSL_NO_APPLICATION_PROTOCOL),
    MODSSL_SSL_ERR_KEY(MBEDTLS_ERR_SSL_INVALID_RECORD),
    MODSSL_SSL_ERR_KEY(MBEDTLS_ERR_SSL_INVALID_MAC),
    MODSSL_SSL_ERR_KEY(MBEDTLS_ERR_SSL_DECODE_ERROR),
    MODSSL_SSL_ERR_KEY(MBEDTLS_ERR_SSL_UNEXPECTED_MESSAGE),
};
static const char modssl_reason_texts[] = MODSSL_TEXTS(reason_texts,
    "certificate verify failed\0"
    "unexpected eof while reading\0"
    "peer did not return a certificate\0"
    "no shared cipher\0"
    "unsupported protocol\0"
    "no application protocol\0"
    "record layer failure\0"
    "decryption failed or bad record mac\0"
    "decode error\0"
    "unexpected message\0");

// OpenSSL's reason for err (and the alert received, for a fatal alert) as
// CPython's SSLError.reason spells it ("NO_SHARED_CIPHER"); None if it has
// none.  A received alert's is the alert's name after the prefix OpenSSL
// gives it, which says the protocol version that defined the alert.
static mp_obj_t modssl_reason(int err, uint8_t alert) {
    vstr_t vstr;
    vstr_init(&vstr, 40);
    if (err == MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE) {
        const char *name = modssl_alert_name(alert);
        if (alert == 0 || name == NULL) {
            vstr_clear(&vstr);
            return mp_const_none;
        }
        vstr_add_str(&vstr, alert == 109 || alert == 116 ? "tlsv13 alert "
            : alert == 110 || alert == 112 || alert == 113 ? "tlsv1 "
            : alert < 48 && alert != 22 ? "sslv3 alert " : "tlsv1 alert ");
        modssl_text_add(&vstr, alert == 90 ? "user cancelled" : name); // OpenSSL's spelling
    } else {
        const char *text = NULL;
        if (err < 0 && -err <= 0x7f80 && (-err & 0x7f) == 0) {
            text = modssl_code_text(modssl_reason_codes, NULL, sizeof(modssl_reason_codes), modssl_reason_texts,
                MODSSL_SSL_ERR_KEY(err), NULL);
        }
        if (text == NULL) {
            vstr_clear(&vstr);
            return mp_const_none;
        }
        modssl_text_add(&vstr, text);
    }
    for (size_t i = 0; i < vstr.len; ++i) {
        char c = vstr.buf[i];
        vstr.buf[i] = c == ' ' ? '_' : (c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
    }
    return mp_obj_new_str_from_vstr(&vstr);
}

void modssl_error_reason_attr(int err, uint8_t alert, mp_obj_t *dest, qstr attr) {
    mp_obj_t reason = modssl_reason(err, alert);
    dest[0] = attr == MP_QSTR_reason || reason == mp_const_none ? reason : MP_OBJ_NEW_QSTR(MP_QSTR_SSL);
}

// The OSError modssl raises for a TLS failure: an OSError in all it shows
// (SSLError is OSError, as MicroPython's spec has it), with CPython's
// SSLError.reason and .library.  It keeps the alert a fatal alert carried.
typedef struct {
    mp_obj_exception_t base;
    uint8_t alert;
} modssl_tls_error_t;

static void modssl_tls_error_attr(mp_obj_t self_in, qstr attr, mp_obj_t *dest) {
    mp_obj_exception_t *self = MP_OBJ_TO_PTR(self_in);
    if (dest[0] == MP_OBJ_NULL && (attr == MP_QSTR_reason || attr == MP_QSTR_library)) {
        mp_obj_t code = self->args->len > 0 ? self->args->items[0] : MP_OBJ_NULL;
        int err = code != MP_OBJ_NULL && mp_obj_is_small_int(code) ? MP_OBJ_SMALL_INT_VALUE(code) : 0;
        // Only instances modssl_raise_tls() made have the alert field
        // (type(e)(...) makes a plain exception object).
        uint8_t alert = gc_nbytes(self) >= sizeof(modssl_tls_error_t) ? ((modssl_tls_error_t *)self)->alert : 0;
        modssl_error_reason_attr(err, alert, dest, attr);
        return;
    }
    mp_obj_exception_attr(self_in, attr, dest);
}

MP_DEFINE_CONST_OBJ_TYPE(
    modssl_type_TLSError, MP_QSTR_OSError, MP_TYPE_FLAG_NONE,
    make_new, mp_obj_exception_make_new,
    print, mp_obj_exception_print,
    attr, modssl_tls_error_attr,
    parent, &mp_type_OSError
    );

NORETURN void modssl_raise_tls(int err, mp_obj_t text, uint8_t alert) {
    mp_obj_t args[2] = { MP_OBJ_NEW_SMALL_INT(err), text };
    modssl_tls_error_t *o = m_new_obj(modssl_tls_error_t);
    o->base.base.type = &modssl_type_TLSError;
    o->base.traceback_alloc = 0;
    o->base.traceback_len = 0;
    o->base.traceback_data = NULL;
    o->base.args = MP_OBJ_TO_PTR(mp_obj_new_tuple(2, args));
    o->alert = alert;
    nlr_raise(MP_OBJ_FROM_PTR(o));
}

static NORETURN void modssl_raise_text(int err, vstr_t *vstr, uint8_t alert) {
    modssl_raise_tls(err, mp_obj_new_str_from_vstr(vstr), alert);
}

// mbedTLS's allocator (the ports' mbedtls_config_port.h): remembers that an
// allocation failed, because mbedTLS does not always say so -- a handshake
// short of memory can end as "no shared cipher suite" (PSA key work failing
// while a certificate is picked).  Then the error raised is MemoryError.
bool modssl_alloc_failed;

#if MICROPY_TRACKED_ALLOC && !defined(MODSSL_LIBC_ALLOC)
void *modssl_calloc(size_t nmemb, size_t size) {
    void *p = m_tracked_calloc(nmemb, size);
    if (p == NULL && nmemb * size != 0) {
        modssl_alloc_failed = true;
    }
    return p;
}
#endif

NORETURN void modssl_raise_error(int err) {
    if (modssl_alloc_failed) {
        modssl_alloc_failed = false;
        modssl_raise_msg(&mp_type_MemoryError, MODSSL_TEXT("out of memory in TLS (mbedTLS could not allocate)"));
    }
    if (err == MBEDTLS_ERR_SSL_ALLOC_FAILED || err == MBEDTLS_ERR_X509_ALLOC_FAILED
        || err == MBEDTLS_ERR_PK_ALLOC_FAILED || err == MBEDTLS_ERR_MPI_ALLOC_FAILED) {
        mp_raise_OSError(MP_ENOMEM);
    }
    vstr_t vstr;
    vstr_init(&vstr, 80);
    int key = err == MBEDTLS_ERR_SSL_UNEXPECTED_RECORD ? MBEDTLS_ERR_SSL_UNEXPECTED_MESSAGE : err;
    const char *text = NULL;
    if (key < 0 && -key <= 0x7f80 && (-key & 0x7f) == 0) {
        text = modssl_code_text(modssl_ssl_error_codes, NULL, sizeof(modssl_ssl_error_codes), modssl_ssl_error_texts,
            MODSSL_SSL_ERR_KEY(key), NULL);
    }
    if (text != NULL) {
        modssl_text_add(&vstr, text);
    } else {
        // No mbedTLS wording reaches the user; the code tells a developer
        // where to look (mbedTLS's error.h).
        modssl_text_printf(&vstr, MODSSL_TEXT("TLS failed (mbedTLS error -0x%04x)"), (unsigned)-err);
    }
    modssl_raise_text(err, &vstr, 0);
}

// A value the user passed, quoted in an error message: its repr (ASCII for
// bytes, valid UTF-8 for str), cut short if long.  Message text must always
// be valid UTF-8, whatever the bytes given.
NORETURN void modssl_raise_bad_value(const char *what, mp_obj_t value) {
    vstr_t vstr;
    mp_print_t print;
    vstr_init_print(&vstr, 64, &print);
    modssl_text_add(&vstr, what);
    vstr_add_str(&vstr, ": ");
    size_t start = vstr.len;
    mp_obj_print_helper(&print, value, PRINT_REPR);
    if (vstr.len - start > 60) {
        vstr.len = start + 56;
        while (vstr.len > start && (vstr.buf[vstr.len] & 0xC0) == 0x80) {
            vstr.len--; // not inside a UTF-8 sequence
        }
        vstr_add_str(&vstr, "...");
    }
    mp_obj_t arg = mp_obj_new_str_from_vstr(&vstr);
    nlr_raise(mp_obj_exception_make_new(&mp_type_ValueError, 1, 0, &arg));
}

static const char *modssl_verify_text(uint8_t code) {
    return modssl_code_text(modssl_verify_codes, NULL, sizeof(modssl_verify_codes), modssl_verify_texts, code,
        MODSSL_TEXT("unspecified certificate verification error"));
}

// Why a chain failed, for the verify codes that need no details filled in.
static const uint8_t modssl_why_codes[] = {
    MODSSL_V_SELF_SIGNED,
    MODSSL_V_SELF_SIGNED_IN_CHAIN,
    MODSSL_V_NO_LOCAL_ISSUER,
    MODSSL_V_INVALID_CA,
    MODSSL_V_PATH_LENGTH,
    MODSSL_V_SIGNATURE,
    MODSSL_V_EE_KEY_TOO_SMALL,
    MODSSL_V_CA_KEY_TOO_SMALL,
    MODSSL_V_CA_MD_TOO_WEAK,
    MODSSL_V_EXPIRED,
    MODSSL_V_NOT_YET_VALID,
    MODSSL_V_UNSUPPORTED_CONSTRAINT,
    MODSSL_V_CONSTRAINT_SYNTAX,
    MODSSL_V_APPLICATION,
    MODSSL_V_CHAIN_TOO_LONG,
};
static const uint8_t modssl_why_index[] = {
    0, 0, 1, 2, 3, 4, 5, 5, 5, 6, 6, 7, 7, 8, 9,
};
static const char modssl_why_texts[] = MODSSL_TEXTS(why_texts,
    "a self-signed certificate that is not among the trusted CAs\0"
    "unknown CA: no trusted CA issued it (load that CA with load_verify_locations())\0"
    "its issuer is not a CA (basicConstraints CA:FALSE, or keyUsage without keyCertSign)\0"
    "its issuer's pathLenConstraint allows fewer CAs below it\0"
    "its signature does not verify with its issuer's key\0"
    "its key or signature hash is too weak or of a type not accepted\0"
    "the current time is outside its validity period\0"
    "this CA's name constraints cannot be enforced (only dNSName, iPAddress and directoryName are, and at most 4 constrained CAs)\0"
    "rejected by verify_callback\0"
    "too many intermediate CAs\0");

// Is this failure about the peer's certificate?  Then say what is wrong with
// it, in terms a user can act on, and raise SSLCertVerificationError with
// CPython's verify_code and verify_message.
static void modssl_maybe_raise_verify(mp_obj_ssl_conn_t *conn, int err) {
    uint32_t flags = conn->ssl_live ? mbedtls_ssl_get_verify_result(&conn->ssl) : 0;
    bool has_flags = flags != 0 && flags != (uint32_t)-1;
    int neg = -err;
    bool x509_err = neg >= 0x2080 && neg < 0x3000 && err != MBEDTLS_ERR_X509_CERT_VERIFY_FAILED;
    bool pk_err = neg >= 0x3880 && neg < 0x4000;
    vstr_t why;
    vstr_init(&why, 80);
    uint8_t code = 0;
    if ((x509_err || pk_err) && !conn->handshake_done) {
        code = modssl_peer_parse_explain(conn, &why);
        if (code == 0 && x509_err) {
            code = MODSSL_V_UNSPECIFIED;
            modssl_text_printf(&why, MODSSL_TEXT("the peer's certificate cannot be parsed (mbedTLS error -0x%04x)"), (unsigned)neg);
        }
    } else if (err == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED || err == MBEDTLS_ERR_X509_FATAL_ERROR
               || (err == MBEDTLS_ERR_SSL_BAD_CERTIFICATE && has_flags)) {
        if (flags & (MBEDTLS_X509_BADCERT_KEY_USAGE | MBEDTLS_X509_BADCERT_EXT_KEY_USAGE | MBEDTLS_X509_BADCERT_NS_CERT_TYPE)) {
            modssl_verify_note(conn, MODSSL_V_PURPOSE, 0, NULL);
        }
        if (conn->verify_code == 0) {
            modssl_verify_note(conn, err == MBEDTLS_ERR_X509_FATAL_ERROR ? MODSSL_V_CHAIN_TOO_LONG : MODSSL_V_UNSPECIFIED, 0, NULL);
        }
        code = conn->verify_code;
        const char *role = conn->server_side ? "client" : "server";
        unsigned depth = conn->verify_depth;
        if (flags & MBEDTLS_X509_BADCERT_MISSING) {
            modssl_text_add(&why, MODSSL_TEXT("the peer sent no certificate"));
        }
        const char *fixed = modssl_code_text(modssl_why_codes, modssl_why_index, sizeof(modssl_why_codes),
            modssl_why_texts, code, NULL);
        if (fixed != NULL) {
            modssl_text_add(&why, fixed);
        }
        switch (code) {
            case MODSSL_V_PURPOSE:
                if (flags & MBEDTLS_X509_BADCERT_EXT_KEY_USAGE) {
                    modssl_text_printf(&why, MODSSL_TEXT("the %s certificate's extended key usage does not allow a TLS %s"), role, role);
                } else {
                    modssl_text_printf(&why, MODSSL_TEXT("the %s certificate's key usage does not allow signing (digitalSignature) "
                        "or the key exchange of the cipher suite"), role);
                }
                break;
            case MODSSL_V_HOSTNAME:
            case MODSSL_V_IP_ADDRESS:
                modssl_text_printf(&why, MODSSL_TEXT("the certificate is not valid for '%s'"), mp_obj_str_get_str(conn->server_hostname));
                break;
            case MODSSL_V_PERMITTED_VIOLATION:
            case MODSSL_V_EXCLUDED_VIOLATION:
                modssl_text_printf(&why, MODSSL_TEXT("a name of the peer's certificate is %s this CA's name constraints %s"),
                    code == MODSSL_V_PERMITTED_VIOLATION ? "outside the subtrees" : "in a subtree",
                    code == MODSSL_V_PERMITTED_VIOLATION ? "permit" : "exclude");
                break;
        }
        if (code != MODSSL_V_PURPOSE && code != MODSSL_V_HOSTNAME && code != MODSSL_V_IP_ADDRESS) {
            modssl_text_printf(&why, MODSSL_TEXT(" [certificate %u of the chain%s%s%s]"), depth,
                conn->verify_subject[0] ? ", CN '" : "", conn->verify_subject, conn->verify_subject[0] ? "'" : "");
        }
        #if defined(MBEDTLS_HAVE_TIME)
        if (code == MODSSL_V_EXPIRED || code == MODSSL_V_NOT_YET_VALID) {
            mbedtls_time_t now = mbedtls_time(NULL);
            if (now < MODSSL_CLOCK_PLAUSIBLE_AFTER) {
                modssl_text_printf(&why, MODSSL_TEXT(" (the device clock looks unset: it reads %u seconds since 1970; "
                    "set it with ntptime or `mpremote rtc --set`)"), (unsigned)now);
            }
        }
        #endif
    }
    if (code == 0) {
        vstr_clear(&why);
        return;
    }
    const char *text = modssl_verify_text(code);
    vstr_t msg;
    vstr_init(&msg, why.len + 64);
    modssl_text_add(&msg, MODSSL_TEXT("certificate verify failed: "));
    size_t at = msg.len;
    modssl_text_add(&msg, text);
    mp_obj_t verify_message = mp_obj_new_str(msg.buf + at, msg.len - at);
    if (why.len > 0) {
        vstr_printf(&msg, ": %.*s", (int)why.len, why.buf);
    }
    vstr_clear(&why);
    mp_obj_t args[4] = {
        MP_OBJ_NEW_SMALL_INT(err),
        mp_obj_new_str_from_vstr(&msg),
        MP_OBJ_NEW_SMALL_INT(code),
        verify_message,
    };
    nlr_raise(mp_obj_exception_make_new(&modssl_type_SSLCertVerificationError, 4, 0, args));
}

// Socket errors as OSError(errno, text).
static NORETURN void modssl_raise_transport(int errno_) {
    const char *text;
    switch (errno_) {
        case MP_ECONNRESET:
            text = MODSSL_TEXT("connection reset by the peer");
            break;
        case MP_EPIPE:
        case MP_ECONNABORTED:
            text = MODSSL_TEXT("connection closed by the peer");
            break;
        case MP_ETIMEDOUT:
            text = MODSSL_TEXT("timed out waiting for the peer");
            break;
        case MP_ENOTCONN:
            text = MODSSL_TEXT("socket is not connected");
            break;
        case MP_EBADF:
            text = MODSSL_TEXT("socket is closed");
            break;
        case 0:
            errno_ = MP_EIO;
            MP_FALLTHROUGH
        default:
            text = MODSSL_TEXT("socket error");
            break;
    }
    modssl_raise_oserror(errno_, text);
}

NORETURN void modssl_raise_conn_error(mp_obj_ssl_conn_t *conn, int err) {
    if (err == MODSSL_ERR_TRANSPORT) {
        modssl_raise_transport(conn->transport_errno);
    }
    #if MODSSL_HAS_ECDSA_SIGN_CALLBACK
    modssl_sign_raise(conn, err);
    #endif
    #if MODSSL_HAS_PSK
    modssl_psk_raise_local(conn, err);
    #endif
    if (conn->server_side && !conn->context->has_cert && !conn->handshake_done
        && !modssl_psk_enabled(conn->context)) {
        // Not refused at wrap time, as upstream MicroPython lets a server
        // socket be wrapped first; the handshake is where it fails.
        modssl_raise_msg(&mp_type_OSError, MODSSL_TEXT("a server needs a certificate: call load_cert_chain() first"));
    }
    #if MODSSL_HAS_DTLS
    if (err == MODSSL_ERR_DTLS_DEADLINE) {
        vstr_t vstr;
        vstr_init(&vstr, 80);
        modssl_text_printf(&vstr, MODSSL_TEXT("DTLS handshake timed out: not complete %u ms after the client's first datagram "
            "(SSLContext.dtls_handshake_timeout)"), (unsigned)conn->deadline_ms);
        mp_obj_t args[2] = { MP_OBJ_NEW_SMALL_INT(MP_ETIMEDOUT), mp_obj_new_str_from_vstr(&vstr) };
        nlr_raise(mp_obj_exception_make_new(&mp_type_OSError, 2, 0, args));
    }
    #endif
    if (modssl_alloc_failed) {
        modssl_raise_error(err);
    }
    modssl_maybe_raise_verify(conn, err);
    if (err == MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE && conn->ssl_live) {
        // The alert's description byte is still in the input buffer.
        const unsigned char *msg = mbedtls_ssl_get_in_msg(&conn->ssl, NULL);
        uint8_t code = msg != NULL ? msg[1] : 0;
        vstr_t vstr;
        vstr_init(&vstr, 80);
        modssl_text_add(&vstr, MODSSL_TEXT("peer sent fatal alert: "));
        const char *name = modssl_alert_name(code);
        modssl_text_add(&vstr, name != NULL ? name : "unknown alert");
        vstr_printf(&vstr, " (%u)", code);
        #if MODSSL_HAS_PSK
        modssl_psk_annotate_alert(conn, code, &vstr);
        #endif
        modssl_raise_text(err, &vstr, code);
    }
    modssl_raise_error(err);
}

NORETURN void modssl_raise_want(bool want_write) {
    mp_obj_t args[2] = {
        MP_OBJ_NEW_SMALL_INT(MP_EAGAIN),
        MP_OBJ_NEW_QSTR(want_write ? MP_QSTR_want_write : MP_QSTR_want_read),
    };
    nlr_raise(mp_obj_exception_make_new(
        want_write ? &modssl_type_SSLWantWriteError : &modssl_type_SSLWantReadError, 2, 0, args));
}
