/*
 * modssl: DTLS -- in the connection core the retransmission timer, the
 * server handshake deadline, and the DTLS methods both faces share
 * (dtls_get_timeout(), dtls_handle_timeout(), set_mtu()); in SSLContext the
 * DTLS server's HelloVerify cookies and its two timeouts.
 *
 * Built only when mbedTLS has DTLS (MBEDTLS_SSL_PROTO_DTLS): without it the
 * PROTOCOL_DTLS_* constants and these methods are absent.
 *
 * SPDX-License-Identifier: MIT
 */
#include "py/runtime.h"
#include "py/mphal.h"

#include "mbedtls/psa_util.h"

#include "modssl.h"

#if MODSSL_HAS_DTLS

// Every DTLS timer is a period of `period_ms` started at `start_ms` on the
// port's ms tick (which wraps): milliseconds left of it, 0 once it is over.
// The retransmission timer, the handshake deadline and the bounded wait of a
// blocking read are all computed here.
uint32_t modssl_dtls_ms_left(uint32_t start_ms, uint32_t period_ms) {
    uint32_t elapsed = mp_hal_ticks_ms() - start_ms;
    return elapsed >= period_ms ? 0 : period_ms - elapsed;
}

// The retransmission timer (mbedtls_ssl_set_timer_cb, set by ssl_io.c).
void modssl_dtls_timer_set(void *ctx, uint32_t int_ms, uint32_t fin_ms) {
    mp_obj_ssl_conn_t *conn = ctx;
    conn->timer_int_ms = int_ms;
    conn->timer_fin_ms = fin_ms;
    if (fin_ms != 0) {
        conn->timer_start_ms = mp_hal_ticks_ms();
    }
}

// -1 cancelled, 0 running, 1 intermediate delay passed, 2 final delay passed.
int modssl_dtls_timer_get(void *ctx) {
    mp_obj_ssl_conn_t *conn = ctx;
    if (conn->timer_fin_ms == 0) {
        return -1;
    }
    uint32_t left = modssl_dtls_ms_left(conn->timer_start_ms, conn->timer_fin_ms);
    if (left == 0) {
        return 2;
    }
    return conn->timer_fin_ms - left >= conn->timer_int_ms ? 1 : 0; // the time elapsed
}

// The DTLS server handshake deadline (SSLContext.dtls_handshake_timeout),
// counted from the first datagram the handshake reads: a server waits for
// its first client as long as its socket says, but garbage, a fragment
// whose rest never comes or a client that goes silent cannot hold it for
// longer than the deadline.  Milliseconds left, or -1 where none applies.
int32_t modssl_dtls_deadline_left(mp_obj_ssl_conn_t *conn) {
    if (!conn->deadline_running || mbedtls_ssl_is_handshake_over(&conn->ssl)) {
        return -1;
    }
    return (int32_t)modssl_dtls_ms_left(conn->deadline_start_ms, conn->deadline_ms);
}

void modssl_dtls_deadline_start(mp_obj_ssl_conn_t *conn) {
    if (conn->deadline_ms != 0 && !conn->deadline_running && !mbedtls_ssl_is_handshake_over(&conn->ssl)) {
        conn->deadline_running = true;
        conn->deadline_start_ms = mp_hal_ticks_ms();
    }
}

// DTLS timers for event loops: dtls_get_timeout() gives the seconds until the
// retransmission timer fires (None if none runs); dtls_handle_timeout()
// retransmits if it has fired and tells whether it did.
static mp_obj_t ssl_conn_dtls_get_timeout(mp_obj_t self_in) {
    mp_obj_ssl_conn_t *conn = MP_OBJ_TO_PTR(self_in);
    if (!modssl_conn_is_dtls(conn) || conn->timer_fin_ms == 0 || conn->handshake_done) {
        return mp_const_none;
    }
    uint32_t left = modssl_dtls_ms_left(conn->timer_start_ms, conn->timer_fin_ms);
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
    if (!modssl_conn_is_dtls(conn) || conn->handshake_done || modssl_dtls_timer_get(conn) != 2) {
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
        modssl_raise_ValueError(MODSSL_TEXT("set_mtu is for DTLS connections"));
    }
    if (mtu < 64 || mtu > 16384 + 512) {
        modssl_raise_ValueError(MODSSL_TEXT("mtu must be between 64 and 16896 bytes"));
    }
    mbedtls_ssl_set_mtu(&conn->ssl, (uint16_t)mtu);
    return mp_const_none;
}
MP_DEFINE_CONST_FUN_OBJ_2(modssl_conn_set_mtu_obj, ssl_conn_set_mtu);

/******************************************************************************/
// SSLContext's DTLS server settings: HelloVerify cookies, and the
// attributes dtls_cookie_timeout and dtls_handshake_timeout.

void modssl_dtls_context_setup(mp_obj_ssl_context_t *self) {
    self->dtls_handshake_timeout_ms = MODSSL_DTLS_HANDSHAKE_TIMEOUT_MS;
    #if defined(MBEDTLS_SSL_COOKIE_C) && defined(MBEDTLS_SSL_DTLS_HELLO_VERIFY)
    if (self->protocol == MODSSL_PROTOCOL_DTLS_SERVER) {
        // Cookies are stateless (an HMAC over the client's transport id and a
        // time stamp): constant memory whatever the number of clients.
        int ret = mbedtls_ssl_cookie_setup(&self->cookie, mbedtls_psa_get_random, MBEDTLS_PSA_RANDOM_STATE);
        if (ret != 0) {
            modssl_raise_error(ret);
        }
        mbedtls_ssl_conf_dtls_cookies(&self->conf, mbedtls_ssl_cookie_write, mbedtls_ssl_cookie_check, &self->cookie);
    }
    #endif
}

// dtls_handshake_timeout: seconds a DTLS server handshake may take from the
// client's first datagram (None: no deadline).  Taken by each wrap.
static mp_obj_t modssl_context_get_handshake_timeout(mp_obj_ssl_context_t *self) {
    if (self->dtls_handshake_timeout_ms == 0) {
        return mp_const_none;
    }
    #if MICROPY_PY_BUILTINS_FLOAT
    return mp_obj_new_float((mp_float_t)self->dtls_handshake_timeout_ms / 1000);
    #else
    return mp_obj_new_int_from_uint(self->dtls_handshake_timeout_ms / 1000);
    #endif
}

static void modssl_context_set_handshake_timeout(mp_obj_ssl_context_t *self, mp_obj_t value) {
    if (value == mp_const_none) {
        self->dtls_handshake_timeout_ms = 0;
        return;
    }
    #if MICROPY_PY_BUILTINS_FLOAT
    mp_float_t seconds = mp_obj_get_float(value);
    #else
    mp_int_t seconds = mp_obj_get_int(value);
    #endif
    // Positive, and within the ms tick's half range (about 24 days).
    if (!(seconds > 0 && seconds <= 86400)) {
        modssl_raise_ValueError(MODSSL_TEXT("dtls_handshake_timeout must be None or seconds above 0 and at most 86400"));
    }
    uint32_t ms = (uint32_t)(seconds * 1000);
    self->dtls_handshake_timeout_ms = ms > 0 ? ms : 1;
}

bool modssl_dtls_context_attr(mp_obj_ssl_context_t *self, qstr attr, mp_obj_t *dest) {
    #if defined(MBEDTLS_SSL_COOKIE_C) && defined(MBEDTLS_SSL_DTLS_HELLO_VERIFY)
    bool cookie = attr == MP_QSTR_dtls_cookie_timeout;
    #else
    const bool cookie = false;
    #endif
    if ((!cookie && attr != MP_QSTR_dtls_handshake_timeout) || self->protocol != MODSSL_PROTOCOL_DTLS_SERVER) {
        return false;
    }
    if (dest[0] == MP_OBJ_NULL) {
        // Load.
        #if defined(MBEDTLS_SSL_COOKIE_C) && defined(MBEDTLS_SSL_DTLS_HELLO_VERIFY)
        dest[0] = cookie ? mp_obj_new_int_from_uint(self->cookie_timeout_s) : modssl_context_get_handshake_timeout(self);
        #else
        dest[0] = modssl_context_get_handshake_timeout(self);
        #endif
    } else if (dest[1] != MP_OBJ_NULL) { // (deleting attributes is not supported)
        // Store.
        #if defined(MBEDTLS_SSL_COOKIE_C) && defined(MBEDTLS_SSL_DTLS_HELLO_VERIFY)
        if (cookie) {
            // Seconds a HelloVerify cookie stays valid (0: forever).  Cookies are
            // stateless, so this changes the check of every cookie, old or new.
            mp_int_t seconds = mp_obj_get_int(dest[1]);
            if (seconds < 0) {
                modssl_raise_ValueError(MODSSL_TEXT("dtls_cookie_timeout must be >= 0 seconds"));
            }
            self->cookie_timeout_s = (unsigned long)seconds;
            mbedtls_ssl_cookie_set_timeout(&self->cookie, self->cookie_timeout_s);
        } else
        #endif
        {
            modssl_context_set_handshake_timeout(self, dest[1]);
        }
        dest[0] = MP_OBJ_NULL; // stored
    }
    return true;
}

#endif // MODSSL_HAS_DTLS
