/*
 * modssl: session resumption for client connections (the `session`
 * attribute of both faces and wrap_*(..., session=...)).
 *
 * SPDX-License-Identifier: MIT
 */
#include "py/runtime.h"

#include "modssl.h"

/******************************************************************************/
// Session resumption.  A session is exported as opaque bytes (mbedTLS's own
// serialisation, tickets included) and given back to a later client
// connection with wrap_socket(..., session=...) or `sock.session = s`.

mp_obj_t modssl_conn_get_session(mp_obj_ssl_conn_t *conn) {
    if (!conn->ssl_live || !conn->handshake_done || conn->server_side) {
        return mp_const_none;
    }
    mbedtls_ssl_session session;
    mbedtls_ssl_session_init(&session);
    mp_obj_t result = mp_const_none;
    size_t len = 0;
    if (mbedtls_ssl_get_session(&conn->ssl, &session) == 0
        && mbedtls_ssl_session_save(&session, NULL, 0, &len) == MBEDTLS_ERR_SSL_BUFFER_TOO_SMALL) {
        vstr_t vstr;
        vstr_init_len(&vstr, len);
        if (mbedtls_ssl_session_save(&session, (unsigned char *)vstr.buf, len, &len) == 0) {
            vstr.len = len;
            result = mp_obj_new_bytes_from_vstr(&vstr);
        } else {
            vstr_clear(&vstr);
        }
    }
    mbedtls_ssl_session_free(&session);
    return result;
}

void modssl_conn_set_session(mp_obj_ssl_conn_t *conn, mp_obj_t session_in) {
    if (session_in == mp_const_none) {
        return;
    }
    if (conn->server_side) {
        modssl_raise_ValueError(MODSSL_TEXT("session: only a client resumes a session"));
    }
    // Once the handshake has started mbedTLS is using the session it would
    // replace: only a connection that has not sent its ClientHello takes one.
    if (conn->handshake_done || mbedtls_ssl_get_state(&conn->ssl) != MBEDTLS_SSL_HELLO_REQUEST) {
        modssl_raise_ValueError(MODSSL_TEXT("session: set it before the handshake"));
    }
    mp_buffer_info_t buf;
    mp_get_buffer_raise(session_in, &buf, MP_BUFFER_READ);
    mbedtls_ssl_session session;
    mbedtls_ssl_session_init(&session);
    int ret = mbedtls_ssl_session_load(&session, buf.buf, buf.len);
    if (ret == 0) {
        ret = mbedtls_ssl_set_session(&conn->ssl, &session);
    }
    mbedtls_ssl_session_free(&session);
    if (ret == MBEDTLS_ERR_SSL_BAD_INPUT_DATA || ret == MBEDTLS_ERR_SSL_VERSION_MISMATCH) {
        modssl_raise_ValueError(MODSSL_TEXT("session: not a session saved by this firmware"));
    }
    if (ret != 0) {
        modssl_raise_error(ret);
    }
}
