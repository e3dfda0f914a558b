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
#include <string.h>

#include "py/runtime.h"
#include "py/objstr.h"
#include "py/mperrno.h"

#include "mbedtls/error.h"
#include "mbedtls/platform_time.h"

#include "modssl.h"

// Any time before this (2024-01-01) means the device clock was never set:
// no certificate in use today was issued that early and is still valid.
#define MODSSL_CLOCK_PLAUSIBLE_AFTER (1704067200)

typedef struct {
    uint8_t code;
    const char *name;
} modssl_alert_name_t;

// TLS alert descriptions (RFC 8446 section 6, RFC 5246 section 7.2).
static const modssl_alert_name_t modssl_alert_names[] = {
    {0, "close_notify"},
    {10, "unexpected_message"},
    {20, "bad_record_mac"},
    {22, "record_overflow"},
    {40, "handshake_failure"},
    {42, "bad_certificate"},
    {43, "unsupported_certificate"},
    {44, "certificate_revoked"},
    {45, "certificate_expired"},
    {46, "certificate_unknown"},
    {47, "illegal_parameter"},
    {48, "unknown_ca"},
    {49, "access_denied"},
    {50, "decode_error"},
    {51, "decrypt_error"},
    {70, "protocol_version"},
    {71, "insufficient_security"},
    {80, "internal_error"},
    {86, "inappropriate_fallback"},
    {90, "user_canceled"},
    {100, "no_renegotiation"},
    {109, "missing_extension"},
    {110, "unsupported_extension"},
    {112, "unrecognized_name"},
    {113, "bad_certificate_status_response"},
    {115, "unknown_psk_identity"},
    {116, "certificate_required"},
    {120, "no_application_protocol"},
};

typedef struct {
    uint32_t flag;
    const char *text;
} modssl_verify_reason_t;

// Certificate verification failures, in the order they are reported.
static const modssl_verify_reason_t modssl_verify_reasons[] = {
    {MBEDTLS_X509_BADCERT_EXPIRED, "certificate has expired"},
    {MBEDTLS_X509_BADCERT_FUTURE, "certificate is not yet valid"},
    {MBEDTLS_X509_BADCERT_CN_MISMATCH, "hostname mismatch"},
    {MBEDTLS_X509_BADCERT_NOT_TRUSTED, "unable to get local issuer certificate (unknown CA, or a signature that does not verify)"},
    {MBEDTLS_X509_BADCERT_REVOKED, "certificate has been revoked"},
    {MBEDTLS_X509_BADCERT_MISSING, "peer did not present a certificate"},
    {MBEDTLS_X509_BADCERT_SKIP_VERIFY, "certificate verification was skipped"},
    {MBEDTLS_X509_BADCERT_OTHER, "certificate rejected by the verify callback"},
    {MBEDTLS_X509_BADCERT_KEY_USAGE, "key usage does not allow this use"},
    {MBEDTLS_X509_BADCERT_EXT_KEY_USAGE, "extended key usage does not allow this use"},
    {MBEDTLS_X509_BADCERT_NS_CERT_TYPE, "certificate type does not allow this use"},
    {MBEDTLS_X509_BADCERT_BAD_MD, "signed with an unacceptable hash algorithm"},
    {MBEDTLS_X509_BADCERT_BAD_PK, "signed with an unacceptable key type"},
    {MBEDTLS_X509_BADCERT_BAD_KEY, "key is too small or unacceptable"},
    {MBEDTLS_X509_BADCRL_NOT_TRUSTED, "CRL is not trusted"},
    {MBEDTLS_X509_BADCRL_EXPIRED, "CRL has expired"},
    {MBEDTLS_X509_BADCRL_FUTURE, "CRL is not yet valid"},
};

static const char *modssl_alert_name(uint8_t code) {
    for (size_t i = 0; i < MP_ARRAY_SIZE(modssl_alert_names); ++i) {
        if (modssl_alert_names[i].code == code) {
            return modssl_alert_names[i].name;
        }
    }
    return "unknown alert";
}

void modssl_format_verify_flags(vstr_t *vstr, uint32_t flags) {
    bool first = true;
    for (size_t i = 0; i < MP_ARRAY_SIZE(modssl_verify_reasons); ++i) {
        if (flags & modssl_verify_reasons[i].flag) {
            if (!first) {
                vstr_add_str(vstr, "; ");
            }
            vstr_add_str(vstr, modssl_verify_reasons[i].text);
            first = false;
        }
    }
    if (first) {
        vstr_printf(vstr, "unknown reason (flags 0x%x)", (unsigned)flags);
    }
    #if defined(MBEDTLS_HAVE_TIME)
    if (flags & (MBEDTLS_X509_BADCERT_EXPIRED | MBEDTLS_X509_BADCERT_FUTURE)) {
        mbedtls_time_t now = mbedtls_time(NULL);
        if (now < MODSSL_CLOCK_PLAUSIBLE_AFTER) {
            vstr_printf(vstr, " (the device clock looks unset: it reads %u seconds since 1970; "
                "set it with ntptime or `mpremote rtc --set`)", (unsigned)now);
        }
    }
    #endif
}

static NORETURN void modssl_raise_text(const mp_obj_type_t *type, int err, vstr_t *vstr) {
    mp_obj_t args[2] = {
        MP_OBJ_NEW_SMALL_INT(err),
        mp_obj_new_str_from_vstr(vstr),
    };
    nlr_raise(mp_obj_exception_make_new(type, 2, 0, args));
}

NORETURN void modssl_raise_error(int err) {
    if (err == MBEDTLS_ERR_SSL_ALLOC_FAILED || err == MBEDTLS_ERR_X509_ALLOC_FAILED
        || err == MBEDTLS_ERR_PK_ALLOC_FAILED || err == MBEDTLS_ERR_MPI_ALLOC_FAILED) {
        mp_raise_OSError(MP_ENOMEM);
    }
    vstr_t vstr;
    vstr_init(&vstr, 80);
    switch (err) {
        case MBEDTLS_ERR_SSL_HELLO_VERIFY_REQUIRED:
            vstr_add_str(&vstr, "Hello Verify Required");
            break;
        case MBEDTLS_ERR_SSL_CONN_EOF:
            vstr_add_str(&vstr, "connection closed by the peer without close_notify");
            break;
        case MBEDTLS_ERR_SSL_NO_CLIENT_CERTIFICATE:
            vstr_add_str(&vstr, "peer did not send a certificate, but one is required");
            break;
        case MBEDTLS_ERR_SSL_HANDSHAKE_FAILURE:
            vstr_add_str(&vstr, "handshake failed: no shared cipher suite, group or signature algorithm");
            break;
        case MBEDTLS_ERR_SSL_BAD_PROTOCOL_VERSION:
            vstr_add_str(&vstr, "handshake failed: no shared protocol version");
            break;
        case MBEDTLS_ERR_SSL_INVALID_MAC:
            vstr_add_str(&vstr, "bad record MAC: a record from the peer failed authentication "
                "(different keys, or data altered in transit)");
            break;
        case MBEDTLS_ERR_SSL_ILLEGAL_PARAMETER:
            vstr_add_str(&vstr, "handshake failed: the peer sent a handshake message this endpoint cannot accept");
            break;
        case MBEDTLS_ERR_SSL_TIMEOUT:
            vstr_add_str(&vstr, "DTLS handshake timed out: the peer stopped answering");
            break;
        default: {
            char buf[100];
            mbedtls_strerror(err, buf, sizeof(buf));
            vstr_add_str(&vstr, buf);
            break;
        }
    }
    modssl_raise_text(&mp_type_OSError, err, &vstr);
}

NORETURN void modssl_raise_conn_error(mp_obj_ssl_conn_t *conn, int err) {
    if (err == MODSSL_ERR_TRANSPORT) {
        mp_raise_OSError(conn->transport_errno);
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
        mp_raise_msg(&mp_type_OSError, MP_ERROR_TEXT("a server needs a certificate: call load_cert_chain() first"));
    }
    vstr_t vstr;
    vstr_init(&vstr, 80);
    if (err == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED) {
        uint32_t flags = conn->ssl_live ? mbedtls_ssl_get_verify_result(&conn->ssl) : 0;
        vstr_add_str(&vstr, "certificate verify failed: ");
        modssl_format_verify_flags(&vstr, flags);
        modssl_raise_text(&modssl_type_SSLCertVerificationError, err, &vstr);
    }
    if (err == MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE && conn->ssl_live) {
        // The alert's description byte is still in the input buffer.
        const unsigned char *msg = conn->ssl.MBEDTLS_PRIVATE(in_msg);
        uint8_t code = msg != NULL ? msg[1] : 0;
        vstr_printf(&vstr, "peer sent fatal alert: %s (%u)", modssl_alert_name(code), code);
        #if MODSSL_HAS_PSK
        modssl_psk_annotate_alert(conn, code, &vstr);
        #endif
        modssl_raise_text(&mp_type_OSError, err, &vstr);
    }
    vstr_clear(&vstr);
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
