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

// What OpenSSL calls each verify code (X509_verify_cert_error_string):
// CPython's SSLCertVerificationError.verify_message.
static const struct {
    uint8_t code;
    const char *text;
} modssl_verify_texts[] = {
    {MODSSL_V_SIGNATURE, "certificate signature failure"},
    {MODSSL_V_NOT_YET_VALID, "certificate is not yet valid"},
    {MODSSL_V_EXPIRED, "certificate has expired"},
    {MODSSL_V_SELF_SIGNED, "self-signed certificate"},
    {MODSSL_V_SELF_SIGNED_IN_CHAIN, "self-signed certificate in certificate chain"},
    {MODSSL_V_NO_LOCAL_ISSUER, "unable to get local issuer certificate"},
    {MODSSL_V_CHAIN_TOO_LONG, "certificate chain too long"},
    {MODSSL_V_REVOKED, "certificate revoked"},
    {MODSSL_V_PATH_LENGTH, "path length constraint exceeded"},
    {MODSSL_V_PURPOSE, "unsupported certificate purpose"},
    {MODSSL_V_UNHANDLED_CRITICAL, "unhandled critical extension"},
    {MODSSL_V_PERMITTED_VIOLATION, "permitted subtree violation"},
    {MODSSL_V_EXCLUDED_VIOLATION, "excluded subtree violation"},
    {MODSSL_V_APPLICATION, "application verification failure"},
    {MODSSL_V_UNSUPPORTED_CONSTRAINT, "unsupported name constraint type"},
    {MODSSL_V_CONSTRAINT_SYNTAX, "unsupported or invalid name constraint syntax"},
    {MODSSL_V_HOSTNAME, "hostname mismatch"},
    {MODSSL_V_IP_ADDRESS, "IP address mismatch"},
    {MODSSL_V_EE_KEY_TOO_SMALL, "EE certificate key too weak"},
    {MODSSL_V_CA_KEY_TOO_SMALL, "CA certificate key too weak"},
    {MODSSL_V_CA_MD_TOO_WEAK, "CA signature digest algorithm too weak"},
    {MODSSL_V_UNSUPPORTED_SIG_ALG, "unsupported signature algorithm"},
    {MODSSL_V_INVALID_CA, "invalid CA certificate"},
    {MODSSL_V_UNSPECIFIED, "unspecified certificate verification error"},
};

static const char *modssl_alert_name(uint8_t code) {
    for (size_t i = 0; i < MP_ARRAY_SIZE(modssl_alert_names); ++i) {
        if (modssl_alert_names[i].code == code) {
            return modssl_alert_names[i].name;
        }
    }
    return "unknown alert";
}

static NORETURN void modssl_raise_text(const mp_obj_type_t *type, int err, vstr_t *vstr) {
    mp_obj_t args[2] = {
        MP_OBJ_NEW_SMALL_INT(err),
        mp_obj_new_str_from_vstr(vstr),
    };
    nlr_raise(mp_obj_exception_make_new(type, 2, 0, args));
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
        mp_raise_msg(&mp_type_MemoryError, MP_ERROR_TEXT("out of memory in TLS (mbedTLS could not allocate)"));
    }
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
        case MBEDTLS_ERR_SSL_CA_CHAIN_REQUIRED:
            vstr_add_str(&vstr, "no CA certificates to verify the peer with: call load_verify_locations() first");
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
        case MBEDTLS_ERR_SSL_INVALID_RECORD:
            vstr_add_str(&vstr, "the peer sent an invalid record (malformed, or longer than TLS allows)");
            break;
        case MBEDTLS_ERR_SSL_UNEXPECTED_MESSAGE:
        case MBEDTLS_ERR_SSL_UNEXPECTED_RECORD:
            vstr_add_str(&vstr, "the peer sent a message the protocol does not allow at this point");
            break;
        case MBEDTLS_ERR_SSL_DECODE_ERROR:
            vstr_add_str(&vstr, "the peer sent a malformed message");
            break;
        case MBEDTLS_ERR_SSL_UNSUPPORTED_EXTENSION:
            vstr_add_str(&vstr, "the peer sent an extension it may not send here");
            break;
        case MBEDTLS_ERR_SSL_FEATURE_UNAVAILABLE:
            vstr_add_str(&vstr, "the peer asked for something this firmware's TLS does not support");
            break;
        case MBEDTLS_ERR_SSL_BAD_INPUT_DATA:
            vstr_add_str(&vstr, "refused: a record or message too large, or a call the connection's state does not allow");
            break;
        default:
            // No mbedTLS wording reaches the user; the code tells a developer
            // where to look (mbedTLS's error.h).
            vstr_printf(&vstr, "TLS failed (mbedTLS error -0x%04x)", (unsigned)-err);
            break;
    }
    modssl_raise_text(&mp_type_OSError, err, &vstr);
}

// A value the user passed, quoted in an error message: its repr (ASCII for
// bytes, valid UTF-8 for str), cut short if long.  Message text must always
// be valid UTF-8, whatever the bytes given.
NORETURN void modssl_raise_bad_value(const char *what, mp_obj_t value) {
    vstr_t vstr;
    mp_print_t print;
    vstr_init_print(&vstr, 64, &print);
    mp_printf(&print, "%s: ", what);
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
    for (size_t i = 0; i < MP_ARRAY_SIZE(modssl_verify_texts); ++i) {
        if (modssl_verify_texts[i].code == code) {
            return modssl_verify_texts[i].text;
        }
    }
    return "unspecified certificate verification error";
}

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
            vstr_printf(&why, "the peer's certificate cannot be parsed (mbedTLS error -0x%04x)", (unsigned)neg);
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
            vstr_add_str(&why, "the peer sent no certificate");
        }
        switch (code) {
            case MODSSL_V_PURPOSE:
                if (flags & MBEDTLS_X509_BADCERT_EXT_KEY_USAGE) {
                    vstr_printf(&why, "the %s certificate's extended key usage does not allow a TLS %s", role, role);
                } else {
                    vstr_printf(&why, "the %s certificate's key usage does not allow signing (digitalSignature) "
                        "or the key exchange of the cipher suite", role);
                }
                break;
            case MODSSL_V_HOSTNAME:
            case MODSSL_V_IP_ADDRESS:
                vstr_printf(&why, "the certificate is not valid for '%s'", mp_obj_str_get_str(conn->server_hostname));
                break;
            case MODSSL_V_SELF_SIGNED:
            case MODSSL_V_SELF_SIGNED_IN_CHAIN:
                vstr_add_str(&why, "a self-signed certificate that is not among the trusted CAs");
                break;
            case MODSSL_V_NO_LOCAL_ISSUER:
                vstr_add_str(&why, "unknown CA: no trusted CA issued it (load that CA with load_verify_locations())");
                break;
            case MODSSL_V_INVALID_CA:
                vstr_add_str(&why, "its issuer is not a CA (basicConstraints CA:FALSE, or keyUsage without keyCertSign)");
                break;
            case MODSSL_V_PATH_LENGTH:
                vstr_add_str(&why, "its issuer's pathLenConstraint allows fewer CAs below it");
                break;
            case MODSSL_V_SIGNATURE:
                vstr_add_str(&why, "its signature does not verify with its issuer's key");
                break;
            case MODSSL_V_EE_KEY_TOO_SMALL:
            case MODSSL_V_CA_KEY_TOO_SMALL:
            case MODSSL_V_CA_MD_TOO_WEAK:
                vstr_add_str(&why, "its key or signature hash is too weak or of a type not accepted");
                break;
            case MODSSL_V_EXPIRED:
            case MODSSL_V_NOT_YET_VALID:
                vstr_add_str(&why, "the current time is outside its validity period");
                break;
            case MODSSL_V_PERMITTED_VIOLATION:
            case MODSSL_V_EXCLUDED_VIOLATION:
                vstr_printf(&why, "a name of the peer's certificate is %s this CA's name constraints %s",
                    code == MODSSL_V_PERMITTED_VIOLATION ? "outside the subtrees" : "in a subtree",
                    code == MODSSL_V_PERMITTED_VIOLATION ? "permit" : "exclude");
                break;
            case MODSSL_V_UNSUPPORTED_CONSTRAINT:
            case MODSSL_V_CONSTRAINT_SYNTAX:
                vstr_add_str(&why, "this CA's name constraints cannot be enforced (only dNSName, iPAddress and "
                    "directoryName are, and at most 4 constrained CAs)");
                break;
            case MODSSL_V_APPLICATION:
                vstr_add_str(&why, "rejected by verify_callback");
                break;
            case MODSSL_V_CHAIN_TOO_LONG:
                vstr_add_str(&why, "too many intermediate CAs");
                break;
        }
        if (code != MODSSL_V_PURPOSE && code != MODSSL_V_HOSTNAME && code != MODSSL_V_IP_ADDRESS) {
            vstr_printf(&why, " [certificate %u of the chain%s%s%s]", depth,
                conn->verify_subject[0] ? ", CN '" : "", conn->verify_subject, conn->verify_subject[0] ? "'" : "");
        }
        #if defined(MBEDTLS_HAVE_TIME)
        if (code == MODSSL_V_EXPIRED || code == MODSSL_V_NOT_YET_VALID) {
            mbedtls_time_t now = mbedtls_time(NULL);
            if (now < MODSSL_CLOCK_PLAUSIBLE_AFTER) {
                vstr_printf(&why, " (the device clock looks unset: it reads %u seconds since 1970; "
                    "set it with ntptime or `mpremote rtc --set`)", (unsigned)now);
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
    vstr_printf(&msg, "certificate verify failed: %s", text);
    if (why.len > 0) {
        vstr_printf(&msg, ": %.*s", (int)why.len, why.buf);
    }
    vstr_clear(&why);
    mp_obj_t args[4] = {
        MP_OBJ_NEW_SMALL_INT(err),
        mp_obj_new_str_from_vstr(&msg),
        MP_OBJ_NEW_SMALL_INT(code),
        mp_obj_new_str_from_cstr(text),
    };
    nlr_raise(mp_obj_exception_make_new(&modssl_type_SSLCertVerificationError, 4, 0, args));
}

// Socket errors as OSError(errno, text).
static NORETURN void modssl_raise_transport(int errno_) {
    const char *text;
    switch (errno_) {
        case MP_ECONNRESET:
            text = "connection reset by the peer";
            break;
        case MP_EPIPE:
        case MP_ECONNABORTED:
            text = "connection closed by the peer";
            break;
        case MP_ETIMEDOUT:
            text = "timed out waiting for the peer";
            break;
        case MP_ENOTCONN:
            text = "socket is not connected";
            break;
        case MP_EBADF:
            text = "socket is closed";
            break;
        case 0:
            errno_ = MP_EIO;
            MP_FALLTHROUGH
        default:
            text = "socket error";
            break;
    }
    mp_obj_t args[2] = { MP_OBJ_NEW_SMALL_INT(errno_), mp_obj_new_str_from_cstr(text) };
    nlr_raise(mp_obj_exception_make_new(&mp_type_OSError, 2, 0, args));
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
        mp_raise_msg(&mp_type_OSError, MP_ERROR_TEXT("a server needs a certificate: call load_cert_chain() first"));
    }
    #if MODSSL_HAS_DTLS
    if (err == MODSSL_ERR_DTLS_DEADLINE) {
        vstr_t vstr;
        vstr_init(&vstr, 80);
        vstr_printf(&vstr, "DTLS handshake timed out: not complete %u ms after the client's first datagram "
            "(SSLContext.dtls_handshake_timeout)", (unsigned)conn->deadline_ms);
        modssl_raise_text(&mp_type_OSError, MP_ETIMEDOUT, &vstr);
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
        vstr_printf(&vstr, "peer sent fatal alert: %s (%u)", modssl_alert_name(code), code);
        #if MODSSL_HAS_PSK
        modssl_psk_annotate_alert(conn, code, &vstr);
        #endif
        modssl_raise_text(&mp_type_OSError, err, &vstr);
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
