/*
 * modssl: the connection core and its faces.
 *
 * One mp_obj_ssl_conn_t holds an mbedtls_ssl_context, the I/O callbacks that
 * move records to and from the peer, the DTLS retransmission timer and the
 * connection's state.  Two Python types share it:
 *
 *   SSLSocket  a stream over a socket (TLS over TCP, DTLS over UDP): the
 *              read/write/ioctl stream protocol, so select.poll, asyncio
 *              and mp_stream helpers work; non-blocking calls give EAGAIN.
 *   SSLObject  CPython's memory-BIO object: records go to and come from two
 *              MemoryBIOs, and calls raise SSLWantReadError/SSLWantWriteError
 *              instead of blocking.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "py/runtime.h"
#include "py/stream.h"
#include "py/mperrno.h"
#include "py/mphal.h"

#include "modssl.h"

static inline bool conn_is_dtls(const mp_obj_ssl_conn_t *conn) {
    return modssl_conn_is_dtls(conn);
}

static inline bool conn_is_bio(const mp_obj_ssl_conn_t *conn) {
    return conn->transport == MODSSL_TRANSPORT_BIO;
}

/******************************************************************************/
// Creation and teardown.

static void conn_free_ssl(mp_obj_ssl_conn_t *conn) {
    if (conn->ssl_live) {
        mbedtls_ssl_free(&conn->ssl);
        conn->ssl_live = false;
    }
}

#if defined(MBEDTLS_SSL_DTLS_HELLO_VERIFY)
// Without client_id the server socket is taken to be connected to a single
// client: any fixed identity lets mbedTLS make and check its cookies.
static int conn_set_anonymous_client_id(mp_obj_ssl_conn_t *conn) {
    static const unsigned char anonymous[] = "connected-socket";
    return mbedtls_ssl_set_client_transport_id(&conn->ssl, anonymous, sizeof(anonymous) - 1);
}
#endif

mp_obj_t modssl_conn_new(mp_obj_ssl_context_t *ctx, const mp_obj_type_t *face, mp_obj_t sock,
    mp_obj_t bio_in, mp_obj_t bio_out, bool server_side, mp_obj_t server_hostname, mp_obj_t client_id) {
    bool is_dtls = (ctx->protocol & MODSSL_PROTOCOL_IS_DTLS) != 0;
    if (sock != MP_OBJ_NULL) {
        mp_get_stream_raise(sock, MP_STREAM_OP_READ | MP_STREAM_OP_WRITE | MP_STREAM_OP_IOCTL);
    }
    modssl_check_server_hostname(server_hostname);
    // A PSK client authenticates the server by the key: no certificate to check.
    bool psk = modssl_psk_enabled(ctx);
    if (!server_side && server_hostname == mp_const_none && !psk
        && ctx->verify_mode != MBEDTLS_SSL_VERIFY_NONE && ctx->check_hostname) {
        mp_raise_ValueError(MP_ERROR_TEXT("CERT_REQUIRED requires server_hostname "
            "(or set check_hostname = False to verify the chain only)"));
    }
    if (!server_side && ctx->verify_mode != MBEDTLS_SSL_VERIFY_NONE && !ctx->has_ca && !psk) {
        mp_raise_ValueError(MP_ERROR_TEXT("CERT_REQUIRED needs CA certificates: call load_verify_locations() first"));
    }
    if (client_id != mp_const_none && !(server_side && is_dtls)) {
        mp_raise_ValueError(MP_ERROR_TEXT("client_id is only for DTLS servers"));
    }

    mp_obj_ssl_conn_t *conn = mp_obj_malloc_with_finaliser(mp_obj_ssl_conn_t, face);
    conn->context = ctx;
    conn->sock = sock;
    conn->bio_in = bio_in;
    conn->bio_out = bio_out;
    conn->server_hostname = server_hostname;
    conn->last_error = 0;
    conn->transport_errno = 0;
    conn->timer_start_ms = 0;
    conn->timer_int_ms = 0;
    conn->timer_fin_ms = 0;
    conn->deadline_ms = is_dtls && server_side ? ctx->dtls_handshake_timeout_ms : 0;
    conn->deadline_start_ms = 0;
    conn->deadline_running = false;
    conn->transport = sock != MP_OBJ_NULL ? MODSSL_TRANSPORT_STREAM : MODSSL_TRANSPORT_BIO;
    conn->poll_mask = 0;
    conn->server_side = server_side;
    conn->handshake_done = false;
    conn->nonblocking = false;
    conn->closed = false;
    conn->has_client_id = client_id != mp_const_none;
    conn->verify_code = 0;
    conn->verify_depth = 0;
    conn->verify_subject[0] = 0;
    conn->nc_count = 0;
    conn->cork_buf = NULL;
    conn->cork_len = 0;
    conn->cork_alloc = 0;
    #if MODSSL_HAS_PSK
    modssl_psk_conn_setup(conn);
    #endif

    mbedtls_ssl_init(&conn->ssl);
    conn->ssl_live = true;
    int ret = mbedtls_ssl_setup(&conn->ssl, &ctx->conf);
    if (ret != 0) {
        conn_free_ssl(conn);
        modssl_raise_error(ret);
    }
    // Names and the reasons for a verdict are decided in ssl_verify.c.
    mbedtls_ssl_set_verify(&conn->ssl, modssl_verify_cb, conn);
    if (!server_side) {
        // An explicit NULL tells mbedTLS that no hostname check is wanted
        // (mbedTLS 3.6.3+ refuses to verify without one otherwise).
        // An IP address is never sent as SNI (RFC 6066 3); ssl_verify.c
        // checks the name either way.
        const char *host = server_hostname == mp_const_none ? NULL : mp_obj_str_get_str(server_hostname);
        uint32_t ip[4];
        if (host != NULL && mbedtls_x509_crt_parse_cn_inet_pton(host, ip) != 0) {
            host = NULL;
        }
        ret = mbedtls_ssl_set_hostname(&conn->ssl, host);
        if (ret != 0) {
            conn_free_ssl(conn);
            modssl_raise_error(ret);
        }
    }
    if (is_dtls) {
        #if defined(MBEDTLS_SSL_DTLS_HELLO_VERIFY)
        if (server_side) {
            if (client_id != mp_const_none) {
                mp_buffer_info_t id;
                mp_get_buffer_raise(client_id, &id, MP_BUFFER_READ);
                ret = mbedtls_ssl_set_client_transport_id(&conn->ssl, id.buf, id.len);
            } else {
                ret = conn_set_anonymous_client_id(conn);
            }
            if (ret != 0) {
                conn_free_ssl(conn);
                modssl_raise_error(ret);
            }
        }
        #endif
    }
    modssl_conn_attach_io(conn);
    return MP_OBJ_FROM_PTR(conn);
}

/******************************************************************************/
// Running mbedTLS operations.

static void conn_check_open(mp_obj_ssl_conn_t *conn) {
    if (conn->closed || !conn->ssl_live) {
        mp_raise_OSError(MP_EBADF);
    }
    if (conn->last_error != 0) {
        modssl_raise_conn_error(conn, conn->last_error);
    }
}

// Whether the last record this side sent was an alert (mbedTLS sends its
// own fatal alert for most failures; one alert per failure is enough).
static bool conn_alert_sent(mp_obj_ssl_conn_t *conn) {
    return conn->ssl.MBEDTLS_PRIVATE(out_msgtype) == MBEDTLS_SSL_MSG_ALERT;
}

// mbedTLS ends a TLS connection without an alert for some failures; RFC
// 8446 5/6 and RFC 5246 6.2/7.2 say which alert each one deserves: a bad
// record header (decode_error, or unexpected_message for an unknown content
// type), a message out of place (unexpected_message), a malformed one
// (decode_error), a bad field (illegal_parameter).  Records too long for the
// protocol or our buffer get record_overflow inside mbedTLS (patch 0008).
static void conn_send_missing_alert(mp_obj_ssl_conn_t *conn, int ret) {
    if (conn_alert_sent(conn)
        || (conn_is_dtls(conn) && ret != MBEDTLS_ERR_SSL_NO_CLIENT_CERTIFICATE)) {
        return; // DTLS drops bad records silently (RFC 6347 4.1.2.7)
    }
    unsigned char alert;
    switch (ret) {
        case MBEDTLS_ERR_SSL_UNEXPECTED_MESSAGE:
            alert = MBEDTLS_SSL_ALERT_MSG_UNEXPECTED_MESSAGE;
            break;
        case MBEDTLS_ERR_SSL_DECODE_ERROR:
            alert = MBEDTLS_SSL_ALERT_MSG_DECODE_ERROR;
            break;
        case MBEDTLS_ERR_SSL_ILLEGAL_PARAMETER:
            alert = MBEDTLS_SSL_ALERT_MSG_ILLEGAL_PARAMETER;
            break;
        case MBEDTLS_ERR_SSL_NO_CLIENT_CERTIFICATE:
            // mbedTLS's TLS 1.2 server fails without telling the client why
            // (its TLS 1.3 server sends certificate_required itself).
            alert = MBEDTLS_SSL_ALERT_MSG_HANDSHAKE_FAILURE;
            break;
        case MBEDTLS_ERR_SSL_INVALID_RECORD: {
            // (A record too long for the protocol or the buffer has had its
            // record_overflow from mbedTLS already: patch 0008.)
            const unsigned char *hdr = conn->ssl.MBEDTLS_PRIVATE(in_hdr);
            if (hdr == NULL) {
                return;
            }
            unsigned type = hdr[0];
            size_t len = ((size_t)hdr[3] << 8) | hdr[4];
            alert = MBEDTLS_SSL_ALERT_MSG_DECODE_ERROR;
            if (type < MBEDTLS_SSL_MSG_CHANGE_CIPHER_SPEC || type > MBEDTLS_SSL_MSG_APPLICATION_DATA) {
                alert = MBEDTLS_SSL_ALERT_MSG_UNEXPECTED_MESSAGE;
            } else if (type == MBEDTLS_SSL_MSG_APPLICATION_DATA && len == 0
                       && !mbedtls_ssl_is_handshake_over(&conn->ssl)) {
                // Empty application data is well formed (RFC 5246 6.2.1),
                // but has no place in the handshake (RFC 8446 5.1).
                alert = MBEDTLS_SSL_ALERT_MSG_UNEXPECTED_MESSAGE;
            }
            break;
        }
        default:
            return;
    }
    mbedtls_ssl_send_alert_message(&conn->ssl, MBEDTLS_SSL_ALERT_LEVEL_FATAL, alert);
}

// After a fatal error mbedTLS has sent its alert.  If the application then
// closes a TCP socket with unread input, the kernel answers with a reset
// that can overtake the alert; so read away what has already arrived
// (without waiting), letting the alert reach the peer.
static void conn_drain_input(mp_obj_ssl_conn_t *conn, int ret) {
    if (conn->transport != MODSSL_TRANSPORT_STREAM || conn_is_dtls(conn) || ret == MBEDTLS_ERR_SSL_CONN_EOF) {
        return; // nothing to protect: no TCP, or the peer has gone already
    }
    const mp_stream_p_t *stream = mp_get_stream(conn->sock);
    byte scratch[256];
    for (size_t total = 0; total < 65536; total += sizeof(scratch)) {
        int err;
        mp_uint_t ready = stream->ioctl(conn->sock, MP_STREAM_POLL, MP_STREAM_POLL_RD, &err);
        if (ready == MP_STREAM_ERROR || !(ready & MP_STREAM_POLL_RD)) {
            return;
        }
        mp_uint_t n = stream->read(conn->sock, scratch, sizeof(scratch), &err);
        if (n == MP_STREAM_ERROR || n == 0) {
            return;
        }
    }
}

// Idle connections give their record buffers back to the heap (mbedTLS
// keeps whichever still holds a partial record, unread plaintext or unsent
// bytes; patches/mbedtls/0007), unless the context keeps them.  Called when
// the handshake ends, when the connection waits for its peer, and after a
// read or write that leaves nothing in flight -- not between the records of
// a transfer in progress, where giving the buffers back and taking them
// again for every record would cost a bulk transfer its speed.
static void conn_release_buffers(mp_obj_ssl_conn_t *conn) {
    #if defined(MODSSL_MBEDTLS_RELEASE_BUFFERS)
    if (conn->handshake_done && !conn->context->keep_buffers && conn->last_error == 0) {
        mbedtls_ssl_release_buffers(&conn->ssl);
    }
    #else
    (void)conn; // an unpatched mbedTLS (ESP-IDF's) keeps them
    #endif
}

// Turn an mbedTLS result into: >= 0 done, WANT_READ / WANT_WRITE (the caller
// decides how to wait), or a raised exception for anything else.
static int conn_check(mp_obj_ssl_conn_t *conn, int ret) {
    if (conn->cork_len > 0 && (ret >= 0 || ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE)) {
        // The handshake's last flight (or data queued behind it) is still
        // corked: it must reach the peer before the operation counts as done.
        int flushed = modssl_conn_flush_cork(conn);
        if (flushed == MBEDTLS_ERR_SSL_WANT_WRITE && (ret == 0 || ret == MBEDTLS_ERR_SSL_WANT_READ)) {
            ret = MBEDTLS_ERR_SSL_WANT_WRITE;
        } else if (flushed != 0 && flushed != MBEDTLS_ERR_SSL_WANT_WRITE) {
            ret = flushed;
        }
    }
    bool was_done = conn->handshake_done;
    conn->handshake_done = mbedtls_ssl_is_handshake_over(&conn->ssl) && conn->cork_len == 0;
    if (conn->handshake_done && conn->cork_buf != NULL) {
        // The cork is for handshake flights only: give its memory back.
        m_del(byte, conn->cork_buf, conn->cork_alloc);
        conn->cork_buf = NULL;
        conn->cork_alloc = 0;
    }
    if (!was_done || ret == MBEDTLS_ERR_SSL_WANT_READ) {
        // The handshake just ended, or the connection waits for its peer.
        conn_release_buffers(conn);
    }
    if (ret >= 0 || ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE) {
        modssl_alloc_failed = false; // mbedTLS coped with it
        return ret;
    }
    if (ret == MBEDTLS_ERR_SSL_ALLOC_FAILED && conn->handshake_done) {
        // Taking a record buffer again failed: nothing changed, the same
        // call can be repeated once memory is free (not a sticky error).
        modssl_raise_conn_error(conn, ret);
    }
    #if defined(MBEDTLS_SSL_DTLS_HELLO_VERIFY)
    if (ret == MBEDTLS_ERR_SSL_HELLO_VERIFY_REQUIRED && !conn->has_client_id) {
        // A DTLS server wrapped without client_id (MicroPython 1.25 code):
        // the socket is connected to one client, so do the cookie exchange
        // here instead of failing the first wrap_socket() -- reset and wait
        // for the client's ClientHello that carries the cookie.
        int reset = mbedtls_ssl_session_reset(&conn->ssl);
        if (reset == 0) {
            reset = conn_set_anonymous_client_id(conn);
        }
        if (reset != 0) {
            ret = reset;
        } else {
            return MBEDTLS_ERR_SSL_WANT_READ;
        }
    }
    if (ret == MBEDTLS_ERR_SSL_HELLO_VERIFY_REQUIRED && conn->transport == MODSSL_TRANSPORT_STREAM) {
        // This wrapper is finished: the caller wraps the same UDP socket
        // again for the ClientHello that carries the cookie, so dropping
        // this one (or the GC finalising it) must not close that socket.
        conn->sock = MP_OBJ_NULL;
    }
    #endif
    if (ret == MODSSL_ERR_TRANSPORT) {
        // A socket error (timeout, reset): not sticky, mbedTLS state is intact.
        modssl_raise_conn_error(conn, ret);
    }
    conn_send_missing_alert(conn, ret);
    conn->last_error = ret;
    modssl_conn_flush_cork(conn); // the fatal alert, best effort
    conn_drain_input(conn, ret);
    modssl_raise_conn_error(conn, ret);
}

// One handshake step.  Callers of do_handshake() are told which direction
// to wait for, so no poll direction is remembered.
static int conn_handshake_step(mp_obj_ssl_conn_t *conn) {
    conn->poll_mask = 0;
    return conn_check(conn, mbedtls_ssl_handshake(&conn->ssl));
}

// Complete the handshake, waiting for the socket as needed (the socket face's
// do_handshake_on_connect: upstream MicroPython blocks even when the socket
// is non-blocking).
void modssl_conn_handshake(mp_obj_ssl_conn_t *conn) {
    conn_check_open(conn);
    if (conn_is_dtls(conn)) {
        // A DTLS server wraps the same UDP socket again after "Hello Verify
        // Required" (and any DTLS caller still owns its socket after a
        // failed wrap_socket, as upstream): the wrapper the caller never got
        // must not close that socket when the GC finalises it.
        nlr_buf_t nlr;
        if (nlr_push(&nlr) == 0) {
            while (!conn->handshake_done) {
                if (conn_handshake_step(conn) < 0) {
                    mp_event_wait_ms(1);
                }
            }
            nlr_pop();
        } else {
            conn->sock = MP_OBJ_NULL;
            conn->closed = true;
            conn_free_ssl(conn);
            nlr_jump(nlr.ret_val);
        }
        return;
    }
    while (!conn->handshake_done) {
        int ret = conn_handshake_step(conn);
        if (ret < 0) {
            if (conn_is_bio(conn)) {
                modssl_raise_want(ret == MBEDTLS_ERR_SSL_WANT_WRITE);
            }
            mp_event_wait_ms(1);
        }
    }
}

// do_handshake(): CPython semantics -- on a non-blocking transport, raise
// SSLWantReadError / SSLWantWriteError instead of waiting.
static mp_obj_t ssl_conn_do_handshake(mp_obj_t self_in) {
    mp_obj_ssl_conn_t *conn = MP_OBJ_TO_PTR(self_in);
    conn_check_open(conn);
    while (!conn->handshake_done) {
        int ret = conn_handshake_step(conn);
        if (ret < 0) {
            if (conn_is_dtls(conn) && !conn_is_bio(conn) && !conn->nonblocking && !modssl_conn_sock_is_nonblocking(conn)) {
                // A blocking DTLS socket: WANT_READ only means that the
                // retransmission timer fired and the flight was resent.
                continue;
            }
            modssl_raise_want(ret == MBEDTLS_ERR_SSL_WANT_WRITE);
        }
    }
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_1(ssl_conn_do_handshake_obj, ssl_conn_do_handshake);

// One mbedtls_ssl_read: > 0 bytes, 0 on close_notify, or WANT_*.
// poll_mask: while the handshake runs, a read may have to wait until the
// socket is writable; poll() then checks that direction (and a write that
// must wait for input likewise).
static int conn_read(mp_obj_ssl_conn_t *conn, byte *buf, size_t size) {
    conn_check_open(conn);
    if (size == 0) {
        return 0;
    }
    for (;;) {
        int ret = mbedtls_ssl_read(&conn->ssl, buf, size);
        #if defined(MBEDTLS_SSL_PROTO_TLS1_3) && defined(MBEDTLS_SSL_SESSION_TICKETS) && defined(MBEDTLS_SSL_CLI_C)
        if (ret == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET) {
            continue; // a TLS 1.3 ticket, now stored for `session`: keep reading
        }
        if (ret == MBEDTLS_ERR_SSL_WANT_READ
            && conn->ssl.MBEDTLS_PRIVATE(state) == MBEDTLS_SSL_TLS1_3_NEW_SESSION_TICKET) {
            continue; // a ticket was received and waits to be parsed: no I/O needed
        }
        #endif
        if (ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY) {
            conn->poll_mask = 0;
            return 0;
        }
        if (ret == 0) {
            // The transport ended without close_notify: possible truncation.
            ret = MBEDTLS_ERR_SSL_CONN_EOF;
        }
        ret = conn_check(conn, ret);
        conn->poll_mask = ret == MBEDTLS_ERR_SSL_WANT_WRITE ? MP_STREAM_POLL_WR : 0;
        if (ret > 0 && !modssl_conn_input_ready(conn)) {
            // Nothing more has arrived: the transfer is over for now.
            conn_release_buffers(conn);
        }
        return ret;
    }
}

static int conn_write(mp_obj_ssl_conn_t *conn, const byte *buf, size_t size) {
    conn_check_open(conn);
    if (conn_is_dtls(conn) && conn->handshake_done) {
        int max = mbedtls_ssl_get_max_out_record_payload(&conn->ssl);
        if (max > 0 && size > (size_t)max) {
            mp_raise_msg_varg(&mp_type_ValueError,
                MP_ERROR_TEXT("datagram of %u bytes exceeds the %d-byte limit of one DTLS record (MTU)"),
                (unsigned)size, max);
        }
    }
    int ret = conn_check(conn, mbedtls_ssl_write(&conn->ssl, buf, size));
    conn->poll_mask = ret == MBEDTLS_ERR_SSL_WANT_READ ? MP_STREAM_POLL_RD : 0;
    if (ret > 0 && ret < mbedtls_ssl_get_max_out_record_payload(&conn->ssl)) {
        // A message smaller than a record: not a bulk upload in progress.
        conn_release_buffers(conn);
    }
    return ret;
}

/******************************************************************************/
// Socket face: the stream protocol.

static mp_uint_t ssl_socket_read(mp_obj_t self_in, void *buf, mp_uint_t size, int *errcode) {
    mp_obj_ssl_conn_t *conn = MP_OBJ_TO_PTR(self_in);
    int ret = conn_read(conn, buf, size);
    if (ret < 0) {
        *errcode = MP_EAGAIN;
        return MP_STREAM_ERROR;
    }
    return ret;
}

static mp_uint_t ssl_socket_write(mp_obj_t self_in, const void *buf, mp_uint_t size, int *errcode) {
    mp_obj_ssl_conn_t *conn = MP_OBJ_TO_PTR(self_in);
    int ret = conn_write(conn, buf, size);
    if (ret < 0) {
        *errcode = MP_EAGAIN;
        return MP_STREAM_ERROR;
    }
    return ret;
}

static void conn_close(mp_obj_ssl_conn_t *conn) {
    if (conn->closed) {
        return;
    }
    conn->closed = true;
    if (conn->ssl_live && conn->handshake_done && conn->last_error == 0) {
        // Best effort: a clean close tells the peer this is not a truncation.
        nlr_buf_t nlr;
        if (nlr_push(&nlr) == 0) {
            mbedtls_ssl_close_notify(&conn->ssl);
            nlr_pop();
        }
    }
    conn_free_ssl(conn);
}

static mp_uint_t ssl_socket_ioctl(mp_obj_t self_in, mp_uint_t request, uintptr_t arg, int *errcode) {
    mp_obj_ssl_conn_t *conn = MP_OBJ_TO_PTR(self_in);
    mp_obj_t sock = conn->sock;
    if (request == MP_STREAM_CLOSE) {
        if (sock == MP_OBJ_NULL) {
            return 0;
        }
        conn_close(conn);
        conn->sock = MP_OBJ_NULL;
        return mp_get_stream(sock)->ioctl(sock, MP_STREAM_CLOSE, 0, errcode);
    }
    if (sock == MP_OBJ_NULL) {
        if (request == MP_STREAM_POLL) {
            return MP_STREAM_POLL_NVAL;
        }
        *errcode = MP_EBADF;
        return MP_STREAM_ERROR;
    }
    if (request == MP_STREAM_GET_FILENO) {
        // No file descriptor: a poller must ask this object, since readiness
        // includes plaintext buffered inside mbedTLS that the fd cannot show.
        *errcode = MP_EINVAL;
        return MP_STREAM_ERROR;
    }
    if (request != MP_STREAM_POLL) {
        return mp_get_stream(sock)->ioctl(sock, request, arg, errcode);
    }
    if (conn->last_error != 0) {
        // As upstream: NVAL wakes pollers (asyncio included); their next
        // read or write raises the stored error.
        return MP_STREAM_POLL_NVAL;
    }
    mp_uint_t ret = 0;
    uintptr_t asked = arg & (MP_STREAM_POLL_RD | MP_STREAM_POLL_WR);
    // Plaintext already decrypted, or a record already received, is readable
    // without touching the socket.
    if ((arg & MP_STREAM_POLL_RD) && conn->ssl_live
        && (mbedtls_ssl_get_bytes_avail(&conn->ssl) > 0 || mbedtls_ssl_check_pending(&conn->ssl))) {
        ret |= MP_STREAM_POLL_RD;
        if (asked == MP_STREAM_POLL_RD) {
            return ret;
        }
    }
    // While mbedTLS waits for one direction (a handshake step), poll the
    // socket in that direction and report what the caller asked for, so the
    // caller re-enters read/write and the handshake advances.
    if (conn->poll_mask && asked) {
        arg = (arg & ~asked) | conn->poll_mask;
    }
    mp_uint_t sock_ret = mp_get_stream(sock)->ioctl(sock, MP_STREAM_POLL, arg, errcode);
    if (sock_ret == MP_STREAM_ERROR) {
        return sock_ret;
    }
    if (conn->poll_mask && (sock_ret & conn->poll_mask)) {
        sock_ret = (sock_ret & ~conn->poll_mask) | asked;
    }
    return ret | sock_ret;
}

static mp_obj_t ssl_socket_setblocking(mp_obj_t self_in, mp_obj_t flag) {
    mp_obj_ssl_conn_t *conn = MP_OBJ_TO_PTR(self_in);
    if (conn->sock == MP_OBJ_NULL) {
        mp_raise_OSError(MP_EBADF);
    }
    conn->nonblocking = !mp_obj_is_true(flag);
    mp_obj_t dest[3];
    mp_load_method(conn->sock, MP_QSTR_setblocking, dest);
    dest[2] = flag;
    return mp_call_method_n_kw(1, 0, dest);
}
static MP_DEFINE_CONST_FUN_OBJ_2(ssl_socket_setblocking_obj, ssl_socket_setblocking);

static mp_obj_t ssl_socket_settimeout(mp_obj_t self_in, mp_obj_t timeout) {
    mp_obj_ssl_conn_t *conn = MP_OBJ_TO_PTR(self_in);
    if (conn->sock == MP_OBJ_NULL) {
        mp_raise_OSError(MP_EBADF);
    }
    conn->nonblocking = timeout != mp_const_none && mp_obj_get_float(timeout) == 0;
    mp_obj_t dest[3];
    mp_load_method(conn->sock, MP_QSTR_settimeout, dest);
    dest[2] = timeout;
    return mp_call_method_n_kw(1, 0, dest);
}
static MP_DEFINE_CONST_FUN_OBJ_2(ssl_socket_settimeout_obj, ssl_socket_settimeout);

// sendall(): write everything, waiting on a non-blocking socket.
static mp_obj_t ssl_socket_sendall(mp_obj_t self_in, mp_obj_t data) {
    mp_obj_ssl_conn_t *conn = MP_OBJ_TO_PTR(self_in);
    mp_buffer_info_t bufinfo;
    mp_get_buffer_raise(data, &bufinfo, MP_BUFFER_READ);
    size_t done = 0;
    while (done < bufinfo.len) {
        int ret = conn_write(conn, (const byte *)bufinfo.buf + done, bufinfo.len - done);
        if (ret < 0) {
            mp_event_wait_ms(1);
            continue;
        }
        done += ret;
    }
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_2(ssl_socket_sendall_obj, ssl_socket_sendall);

/******************************************************************************/
// Methods shared by both faces.

static mp_obj_t ssl_conn_getpeercert(size_t n_args, const mp_obj_t *args) {
    mp_obj_ssl_conn_t *conn = MP_OBJ_TO_PTR(args[0]);
    bool binary_form = n_args > 1 && mp_obj_is_true(args[1]);
    conn_check_open(conn);
    if (!conn->handshake_done) {
        mp_raise_ValueError(MP_ERROR_TEXT("handshake not done yet"));
    }
    const mbedtls_x509_crt *peer = mbedtls_ssl_get_peer_cert(&conn->ssl);
    if (peer == NULL) {
        return mp_const_none;
    }
    if (binary_form) {
        return mp_obj_new_bytes(peer->raw.p, peer->raw.len);
    }
    // As CPython: the decoded form only for a certificate that was verified.
    if (conn->context->verify_mode == MBEDTLS_SSL_VERIFY_NONE) {
        return mp_obj_new_dict(0);
    }
    return modssl_cert_to_dict(peer);
}
static MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(ssl_conn_getpeercert_obj, 1, 2, ssl_conn_getpeercert);

static mp_obj_t ssl_conn_version(mp_obj_t self_in) {
    mp_obj_ssl_conn_t *conn = MP_OBJ_TO_PTR(self_in);
    if (!conn->ssl_live || !conn->handshake_done) {
        return mp_const_none;
    }
    return mp_obj_new_str_from_cstr(mbedtls_ssl_get_version(&conn->ssl));
}
static MP_DEFINE_CONST_FUN_OBJ_1(ssl_conn_version_obj, ssl_conn_version);

// cipher(): (name, protocol version, secret bits) as CPython; name in IANA form.
static mp_obj_t ssl_conn_cipher(mp_obj_t self_in) {
    mp_obj_ssl_conn_t *conn = MP_OBJ_TO_PTR(self_in);
    if (!conn->ssl_live || !conn->handshake_done) {
        return mp_const_none;
    }
    int id = mbedtls_ssl_get_ciphersuite_id_from_ssl(&conn->ssl);
    const mbedtls_ssl_ciphersuite_t *info = mbedtls_ssl_ciphersuite_from_id(id);
    mp_obj_t tuple[3] = {
        modssl_cipher_iana_name(id),
        mp_obj_new_str_from_cstr(mbedtls_ssl_get_version(&conn->ssl)),
        MP_OBJ_NEW_SMALL_INT(info != NULL ? (int)mbedtls_ssl_ciphersuite_get_cipher_key_bitlen(info) : 0),
    };
    return mp_obj_new_tuple(3, tuple);
}
static MP_DEFINE_CONST_FUN_OBJ_1(ssl_conn_cipher_obj, ssl_conn_cipher);

static mp_obj_t ssl_conn_selected_alpn_protocol(mp_obj_t self_in) {
    mp_obj_ssl_conn_t *conn = MP_OBJ_TO_PTR(self_in);
    #if defined(MBEDTLS_SSL_ALPN)
    if (conn->ssl_live) {
        const char *proto = mbedtls_ssl_get_alpn_protocol(&conn->ssl);
        if (proto != NULL) {
            return mp_obj_new_str_from_cstr(proto);
        }
    }
    #endif
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_1(ssl_conn_selected_alpn_protocol_obj, ssl_conn_selected_alpn_protocol);

// pending(): decrypted bytes ready to read without touching the transport.
static mp_obj_t ssl_conn_pending(mp_obj_t self_in) {
    mp_obj_ssl_conn_t *conn = MP_OBJ_TO_PTR(self_in);
    return MP_OBJ_NEW_SMALL_INT(conn->ssl_live ? mbedtls_ssl_get_bytes_avail(&conn->ssl) : 0);
}
static MP_DEFINE_CONST_FUN_OBJ_1(ssl_conn_pending_obj, ssl_conn_pending);

// DTLS timers for event loops: dtls_get_timeout() gives the seconds until the
// retransmission timer fires (None if none runs); dtls_handle_timeout()
// retransmits if it has fired and tells whether it did.
static mp_obj_t ssl_conn_dtls_get_timeout(mp_obj_t self_in) {
    mp_obj_ssl_conn_t *conn = MP_OBJ_TO_PTR(self_in);
    if (!conn_is_dtls(conn) || conn->timer_fin_ms == 0 || conn->handshake_done) {
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
static MP_DEFINE_CONST_FUN_OBJ_1(ssl_conn_dtls_get_timeout_obj, ssl_conn_dtls_get_timeout);

static mp_obj_t ssl_conn_dtls_handle_timeout(mp_obj_t self_in) {
    mp_obj_ssl_conn_t *conn = MP_OBJ_TO_PTR(self_in);
    conn_check_open(conn);
    if (!conn_is_dtls(conn) || conn->handshake_done || modssl_conn_timer_state(conn) != 2) {
        return mp_const_false;
    }
    // Re-entering the handshake with an expired timer makes mbedTLS resend
    // its last flight and double the timeout.
    conn_handshake_step(conn);
    return mp_const_true;
}
static MP_DEFINE_CONST_FUN_OBJ_1(ssl_conn_dtls_handle_timeout_obj, ssl_conn_dtls_handle_timeout);

static mp_obj_t ssl_conn_set_mtu(mp_obj_t self_in, mp_obj_t mtu_in) {
    mp_obj_ssl_conn_t *conn = MP_OBJ_TO_PTR(self_in);
    conn_check_open(conn);
    mp_int_t mtu = mp_obj_get_int(mtu_in);
    if (!conn_is_dtls(conn)) {
        mp_raise_ValueError(MP_ERROR_TEXT("set_mtu is for DTLS connections"));
    }
    if (mtu < 64 || mtu > 16384 + 512) {
        mp_raise_ValueError(MP_ERROR_TEXT("mtu must be between 64 and 16896 bytes"));
    }
    mbedtls_ssl_set_mtu(&conn->ssl, (uint16_t)mtu);
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_2(ssl_conn_set_mtu_obj, ssl_conn_set_mtu);

/******************************************************************************/
// Session resumption.  A session is exported as opaque bytes (mbedTLS's own
// serialisation, tickets included) and given back to a later client
// connection with wrap_socket(..., session=...) or `sock.session = s`.

static mp_obj_t conn_get_session(mp_obj_ssl_conn_t *conn) {
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
        mp_raise_ValueError(MP_ERROR_TEXT("session: only a client resumes a session"));
    }
    // Once the handshake has started mbedTLS is using the session it would
    // replace: only a connection that has not sent its ClientHello takes one.
    if (conn->handshake_done || conn->ssl.MBEDTLS_PRIVATE(state) != MBEDTLS_SSL_HELLO_REQUEST) {
        mp_raise_ValueError(MP_ERROR_TEXT("session: set it before the handshake"));
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
        mp_raise_ValueError(MP_ERROR_TEXT("session: not a session saved by this firmware"));
    }
    if (ret != 0) {
        modssl_raise_error(ret);
    }
}

static mp_obj_t ssl_conn___del__(mp_obj_t self_in) {
    mp_obj_ssl_conn_t *conn = MP_OBJ_TO_PTR(self_in);
    if (conn->sock != MP_OBJ_NULL) {
        mp_stream_close(self_in);
    } else {
        conn_free_ssl(conn);
        conn->closed = true;
    }
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_1(ssl_conn___del___obj, ssl_conn___del__);

static void ssl_conn_attr(mp_obj_t self_in, qstr attr, mp_obj_t *dest) {
    mp_obj_ssl_conn_t *conn = MP_OBJ_TO_PTR(self_in);
    if (dest[0] != MP_OBJ_NULL) {
        if (attr == MP_QSTR_session && dest[1] != MP_OBJ_NULL) {
            modssl_conn_set_session(conn, dest[1]);
            dest[0] = MP_OBJ_NULL; // stored
        }
        return; // other attributes are read-only
    }
    if (attr == MP_QSTR_context) {
        dest[0] = MP_OBJ_FROM_PTR(conn->context);
    } else if (attr == MP_QSTR_server_side) {
        dest[0] = mp_obj_new_bool(conn->server_side);
    } else if (attr == MP_QSTR_server_hostname) {
        dest[0] = conn->server_hostname;
    } else if (attr == MP_QSTR_session) {
        dest[0] = conn_get_session(conn);
    } else {
        dest[1] = MP_OBJ_SENTINEL;
    }
}

#define MODSSL_CONN_COMMON_METHODS \
    { MP_ROM_QSTR(MP_QSTR_do_handshake), MP_ROM_PTR(&ssl_conn_do_handshake_obj) }, \
    { MP_ROM_QSTR(MP_QSTR_getpeercert), MP_ROM_PTR(&ssl_conn_getpeercert_obj) }, \
    { MP_ROM_QSTR(MP_QSTR_cipher), MP_ROM_PTR(&ssl_conn_cipher_obj) }, \
    { MP_ROM_QSTR(MP_QSTR_version), MP_ROM_PTR(&ssl_conn_version_obj) }, \
    { MP_ROM_QSTR(MP_QSTR_selected_alpn_protocol), MP_ROM_PTR(&ssl_conn_selected_alpn_protocol_obj) }, \
    { MP_ROM_QSTR(MP_QSTR_pending), MP_ROM_PTR(&ssl_conn_pending_obj) }, \
    { MP_ROM_QSTR(MP_QSTR_dtls_get_timeout), MP_ROM_PTR(&ssl_conn_dtls_get_timeout_obj) }, \
    { MP_ROM_QSTR(MP_QSTR_dtls_handle_timeout), MP_ROM_PTR(&ssl_conn_dtls_handle_timeout_obj) }, \
    { MP_ROM_QSTR(MP_QSTR_set_mtu), MP_ROM_PTR(&ssl_conn_set_mtu_obj) }, \
    { MP_ROM_QSTR(MP_QSTR___del__), MP_ROM_PTR(&ssl_conn___del___obj) }

// MicroPython's stream read/recv/readline trust their size argument (readline
// takes any object's bits as a size; a size below -1 becomes a huge one):
// check it first, then hand over.
static void ssl_socket_check_size(size_t n_args, const mp_obj_t *args) {
    if (n_args > 1 && args[1] != mp_const_none && mp_obj_get_int(args[1]) < -1) {
        mp_raise_ValueError(MP_ERROR_TEXT("size must be >= -1"));
    }
}
static mp_obj_t ssl_socket_sized(const mp_obj_fun_builtin_var_t *fn, size_t n_args, const mp_obj_t *args) {
    ssl_socket_check_size(n_args, args);
    return fn->fun.var(n_args, args);
}
static mp_obj_t ssl_socket_recv_sized(size_t n_args, const mp_obj_t *args) {
    return ssl_socket_sized(&mp_stream_read1_obj, n_args, args);
}
static MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(ssl_socket_recv_obj, 1, 2, ssl_socket_recv_sized);
static mp_obj_t ssl_socket_readline_sized(size_t n_args, const mp_obj_t *args) {
    return ssl_socket_sized(&mp_stream_unbuffered_readline_obj, n_args, args);
}
static MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(ssl_socket_readline_obj, 1, 2, ssl_socket_readline_sized);

// DTLS keeps datagram boundaries: read(n) and readinto(buf) return one
// datagram, as recv(n) and recv_into(buf) do, where on TLS they are stream
// calls that wait until n bytes (or the buffer's size) have come.
static mp_obj_t ssl_socket_read_method(size_t n_args, const mp_obj_t *args) {
    mp_obj_ssl_conn_t *conn = MP_OBJ_TO_PTR(args[0]);
    ssl_socket_check_size(n_args, args);
    if (!conn_is_dtls(conn)) {
        return mp_call_function_n_kw(MP_OBJ_FROM_PTR(&mp_stream_read_obj), n_args, 0, args);
    }
    // read() without a size: one datagram of any size a record can carry.
    mp_obj_t read1_args[2] = { args[0], MP_OBJ_NEW_SMALL_INT(MBEDTLS_SSL_IN_CONTENT_LEN) };
    if (n_args > 1 && args[1] != mp_const_none && mp_obj_get_int(args[1]) >= 0) {
        read1_args[1] = args[1];
    }
    return mp_call_function_n_kw(MP_OBJ_FROM_PTR(&mp_stream_read1_obj), 2, 0, read1_args);
}
static MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(ssl_socket_read_method_obj, 1, 2, ssl_socket_read_method);

static mp_obj_t ssl_socket_readinto_method(size_t n_args, const mp_obj_t *args) {
    mp_obj_ssl_conn_t *conn = MP_OBJ_TO_PTR(args[0]);
    if (!conn_is_dtls(conn)) {
        return mp_call_function_n_kw(MP_OBJ_FROM_PTR(&mp_stream_readinto_obj), n_args, 0, args);
    }
    mp_buffer_info_t bufinfo;
    mp_get_buffer_raise(args[1], &bufinfo, MP_BUFFER_WRITE);
    size_t len = bufinfo.len;
    if (n_args > 2) {
        mp_int_t max = mp_obj_get_int(args[2]);
        if (max < 0) {
            mp_raise_ValueError(MP_ERROR_TEXT("readinto: nbytes must not be negative"));
        }
        len = MIN(len, (size_t)max);
    }
    int error;
    mp_uint_t n = mp_stream_rw(args[0], bufinfo.buf, len, &error, MP_STREAM_RW_READ | MP_STREAM_RW_ONCE);
    if (error != 0) {
        if (mp_is_nonblocking_error(error)) {
            return mp_const_none;
        }
        mp_raise_OSError(error);
    }
    return MP_OBJ_NEW_SMALL_INT(n);
}
static MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(ssl_socket_readinto_method_obj, 2, 3, ssl_socket_readinto_method);

static const mp_rom_map_elem_t ssl_socket_locals_dict_table[] = {
    MODSSL_CONN_COMMON_METHODS,
    { MP_ROM_QSTR(MP_QSTR_read), MP_ROM_PTR(&ssl_socket_read_method_obj) },
    { MP_ROM_QSTR(MP_QSTR_readinto), MP_ROM_PTR(&ssl_socket_readinto_method_obj) },
    { MP_ROM_QSTR(MP_QSTR_readline), MP_ROM_PTR(&ssl_socket_readline_obj) },
    { MP_ROM_QSTR(MP_QSTR_write), MP_ROM_PTR(&mp_stream_write_obj) },
    { MP_ROM_QSTR(MP_QSTR_recv), MP_ROM_PTR(&ssl_socket_recv_obj) },
    { MP_ROM_QSTR(MP_QSTR_recv_into), MP_ROM_PTR(&ssl_socket_readinto_method_obj) },
    { MP_ROM_QSTR(MP_QSTR_send), MP_ROM_PTR(&mp_stream_write1_obj) },
    { MP_ROM_QSTR(MP_QSTR_sendall), MP_ROM_PTR(&ssl_socket_sendall_obj) },
    { MP_ROM_QSTR(MP_QSTR_setblocking), MP_ROM_PTR(&ssl_socket_setblocking_obj) },
    { MP_ROM_QSTR(MP_QSTR_settimeout), MP_ROM_PTR(&ssl_socket_settimeout_obj) },
    { MP_ROM_QSTR(MP_QSTR_close), MP_ROM_PTR(&mp_stream_close_obj) },
    { MP_ROM_QSTR(MP_QSTR_ioctl), MP_ROM_PTR(&mp_stream_ioctl_obj) },
    { MP_ROM_QSTR(MP_QSTR___enter__), MP_ROM_PTR(&mp_identity_obj) },
    { MP_ROM_QSTR(MP_QSTR___exit__), MP_ROM_PTR(&mp_stream___exit___obj) },
};
static MP_DEFINE_CONST_DICT(ssl_socket_locals_dict, ssl_socket_locals_dict_table);

static const mp_stream_p_t ssl_socket_stream_p = {
    .read = ssl_socket_read,
    .write = ssl_socket_write,
    .ioctl = ssl_socket_ioctl,
};

MP_DEFINE_CONST_OBJ_TYPE(
    modssl_socket_type,
    MP_QSTR_SSLSocket,
    MP_TYPE_FLAG_NONE,
    protocol, &ssl_socket_stream_p,
    attr, ssl_conn_attr,
    locals_dict, &ssl_socket_locals_dict
    );

/******************************************************************************/
// Memory-BIO face (CPython's SSLObject).

// read(len=1024, buffer=None): plaintext, or b'' once the peer sent close_notify.
static mp_obj_t ssl_object_read(size_t n_args, const mp_obj_t *args) {
    mp_obj_ssl_conn_t *conn = MP_OBJ_TO_PTR(args[0]);
    mp_int_t len = n_args > 1 ? mp_obj_get_int(args[1]) : 1024;
    if (len < 0) {
        mp_raise_ValueError(MP_ERROR_TEXT("read: len must not be negative"));
    }
    if (n_args > 2 && args[2] != mp_const_none) {
        mp_buffer_info_t bufinfo;
        mp_get_buffer_raise(args[2], &bufinfo, MP_BUFFER_WRITE);
        size_t n = MIN((size_t)len, bufinfo.len);
        if (n_args > 1 && len == 0) {
            n = bufinfo.len;
        }
        int ret = conn_read(conn, bufinfo.buf, n);
        if (ret < 0) {
            modssl_raise_want(ret == MBEDTLS_ERR_SSL_WANT_WRITE);
        }
        return MP_OBJ_NEW_SMALL_INT(ret);
    }
    vstr_t vstr;
    vstr_init_len(&vstr, len);
    int ret = conn_read(conn, (byte *)vstr.buf, len);
    if (ret < 0) {
        vstr_clear(&vstr);
        modssl_raise_want(ret == MBEDTLS_ERR_SSL_WANT_WRITE);
    }
    vstr.len = ret;
    return mp_obj_new_bytes_from_vstr(&vstr);
}
static MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(ssl_object_read_obj, 1, 3, ssl_object_read);

static mp_obj_t ssl_object_write(mp_obj_t self_in, mp_obj_t data) {
    mp_obj_ssl_conn_t *conn = MP_OBJ_TO_PTR(self_in);
    mp_buffer_info_t bufinfo;
    mp_get_buffer_raise(data, &bufinfo, MP_BUFFER_READ);
    size_t done = 0;
    // Records go straight into the outgoing BIO, so only the handshake (or a
    // peer's pending flight) can make this wait.
    while (done < bufinfo.len) {
        int ret = conn_write(conn, (const byte *)bufinfo.buf + done, bufinfo.len - done);
        if (ret < 0) {
            if (done > 0) {
                break;
            }
            modssl_raise_want(ret == MBEDTLS_ERR_SSL_WANT_WRITE);
        }
        done += ret;
    }
    return MP_OBJ_NEW_SMALL_INT(done);
}
static MP_DEFINE_CONST_FUN_OBJ_2(ssl_object_write_obj, ssl_object_write);

// unwrap(): send close_notify into the outgoing BIO.
static mp_obj_t ssl_object_unwrap(mp_obj_t self_in) {
    mp_obj_ssl_conn_t *conn = MP_OBJ_TO_PTR(self_in);
    conn_check_open(conn);
    int ret = mbedtls_ssl_close_notify(&conn->ssl);
    if (ret != 0) {
        conn_check(conn, ret);
    }
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_1(ssl_object_unwrap_obj, ssl_object_unwrap);

static const mp_rom_map_elem_t ssl_object_locals_dict_table[] = {
    MODSSL_CONN_COMMON_METHODS,
    { MP_ROM_QSTR(MP_QSTR_read), MP_ROM_PTR(&ssl_object_read_obj) },
    { MP_ROM_QSTR(MP_QSTR_write), MP_ROM_PTR(&ssl_object_write_obj) },
    { MP_ROM_QSTR(MP_QSTR_unwrap), MP_ROM_PTR(&ssl_object_unwrap_obj) },
};
static MP_DEFINE_CONST_DICT(ssl_object_locals_dict, ssl_object_locals_dict_table);

MP_DEFINE_CONST_OBJ_TYPE(
    modssl_object_type,
    MP_QSTR_SSLObject,
    MP_TYPE_FLAG_NONE,
    attr, ssl_conn_attr,
    locals_dict, &ssl_object_locals_dict
    );
