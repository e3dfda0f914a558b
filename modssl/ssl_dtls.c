/*
 * modssl: the connection core's DTLS methods, shared by both faces:
 * dtls_get_timeout(), dtls_handle_timeout() and set_mtu().
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "py/runtime.h"
#include "py/stream.h"
#include "py/mperrno.h"
#include "py/mphal.h"

#include "modssl.h"

// DTLS timers for event loops: dtls_get_timeout() gives the seconds until the
// retransmission timer fires (None if none runs); dtls_handle_timeout()
// retransmits if it has fired and tells whether it did.
static mp_obj_t ssl_conn_dtls_get_timeout(mp_obj_t self_in) {
    mp_obj_ssl_conn_t *conn = MP_OBJ_TO_PTR(self_in);
    if (!modssl_conn_is_dtls(conn) || conn->timer_fin_ms == 0 || conn->handshake_done) {
        return mp_const_none;
    }
    uint32_t elapsed = mp_hal_ticks_ms() - conn->timer_start_ms;
    uint32_t left = elapsed >= conn->timer_fin_ms ? 0 : conn->timer_fin_ms - elapsed;
    #if MICROPY_PY_BUILTINS_FLOAT
    return mp_obj_new_float((mp_float_t)left / 1000);
    #else
    return mp_obj_new_int(left / 1000);
    #endif
}
MP_DEFINE_CONST_FUN_OBJ_1(modssl_conn_dtls_get_timeout_obj, ssl_conn_dtls_get_timeout);

static mp_obj_t ssl_conn_dtls_handle_timeout(mp_obj_t self_in) {
    mp_obj_ssl_conn_t *conn = MP_OBJ_TO_PTR(self_in);
    modssl_conn_check_open(conn);
    if (!modssl_conn_is_dtls(conn) || conn->handshake_done || modssl_conn_timer_state(conn) != 2) {
        return mp_const_false;
    }
    // Re-entering the handshake with an expired timer makes mbedTLS resend
    // its last flight and double the timeout.
    modssl_conn_handshake_step(conn);
    return mp_const_true;
}
MP_DEFINE_CONST_FUN_OBJ_1(modssl_conn_dtls_handle_timeout_obj, ssl_conn_dtls_handle_timeout);

static mp_obj_t ssl_conn_set_mtu(mp_obj_t self_in, mp_obj_t mtu_in) {
    mp_obj_ssl_conn_t *conn = MP_OBJ_TO_PTR(self_in);
    modssl_conn_check_open(conn);
    mp_int_t mtu = mp_obj_get_int(mtu_in);
    if (!modssl_conn_is_dtls(conn)) {
        mp_raise_ValueError(MP_ERROR_TEXT("set_mtu is for DTLS connections"));
    }
    if (mtu < 64 || mtu > 16384 + 512) {
        mp_raise_ValueError(MP_ERROR_TEXT("mtu must be between 64 and 16896 bytes"));
    }
    mbedtls_ssl_set_mtu(&conn->ssl, (uint16_t)mtu);
    return mp_const_none;
}
MP_DEFINE_CONST_FUN_OBJ_2(modssl_conn_set_mtu_obj, ssl_conn_set_mtu);
