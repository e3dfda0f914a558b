/*
 * modssl: the connection core.
 *
 * One mp_obj_ssl_conn_t holds an mbedtls_ssl_context, the I/O callbacks that
 * move records to and from the peer (ssl_io.c), DTLS's timers (ssl_dtls.c)
 * and the connection's state.  Every face uses it:
 *
 *   SSLSocket  a stream over a socket, TLS or DTLS (ssl_socket.c)
 *   SSLObject  CPython's memory-BIO object (ssl_bio.c)
 *
 * Here: creation, running mbedTLS operations (handshake, read, write,
 * close) and the methods both faces share.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "py/runtime.h"
#include "py/stream.h"
#include "py/mperrno.h"
#include "py/mphal.h"

#include "modssl.h"

/******************************************************************************/
// Creation and teardown.

void modssl_conn_free_ssl(mp_obj_ssl_conn_t *conn) {
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
        modssl_raise_ValueError(MODSSL_TEXT("CERT_REQUIRED requires server_hostname "
            "(or set check_hostname = False to verify the chain only)"));
    }
    if (!server_side && ctx->verify_mode != MBEDTLS_SSL_VERIFY_NONE && !ctx->has_ca && !psk) {
        modssl_raise_ValueError(MODSSL_TEXT("CERT_REQUIRED needs CA certificates: call load_verify_locations() first"));
    }
    if (client_id != mp_const_none && !(server_side && is_dtls)) {
        modssl_raise_ValueError(MODSSL_TEXT("client_id is only for DTLS servers"));
    }

    mp_obj_ssl_conn_t *conn = mp_obj_malloc_with_finaliser(mp_obj_ssl_conn_t, face);
    conn->context = ctx;
    conn->sock = sock;
    conn->bio_in = bio_in;
    conn->bio_out = bio_out;
    conn->server_hostname = server_hostname;
    conn->last_error = 0;
    conn->transport_errno = 0;
    #if MODSSL_HAS_DTLS
    conn->timer_start_ms = 0;
    conn->timer_int_ms = 0;
    conn->timer_fin_ms = 0;
    conn->deadline_ms = is_dtls && server_side ? ctx->dtls_handshake_timeout_ms : 0;
    conn->deadline_start_ms = 0;
    #endif
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
        goto fail;
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
            goto fail;
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
                goto fail;
            }
        }
        #endif
    }
    modssl_conn_attach_io(conn);
    return MP_OBJ_FROM_PTR(conn);

fail:
    modssl_conn_free_ssl(conn);
    modssl_raise_error(ret);
}

/******************************************************************************/
// Running mbedTLS operations.

void modssl_conn_check_open(mp_obj_ssl_conn_t *conn) {
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
    return mbedtls_ssl_get_out_msgtype(&conn->ssl) == MBEDTLS_SSL_MSG_ALERT;
}

// mbedTLS ends a TLS connection without an alert for some failures; RFC
// 8446 5/6 and RFC 5246 6.2/7.2 say which alert each one deserves: a bad
// record header (decode_error, or unexpected_message for an unknown content
// type), a message out of place (unexpected_message), a malformed one
// (decode_error), a bad field (illegal_parameter).  Records too long for the
// protocol or our buffer get record_overflow inside mbedTLS (patch 0008).
static void conn_send_missing_alert(mp_obj_ssl_conn_t *conn, int ret) {
    if (conn_alert_sent(conn)
        || (modssl_conn_is_dtls(conn) && ret != MBEDTLS_ERR_SSL_NO_CLIENT_CERTIFICATE)) {
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
            const unsigned char *hdr = mbedtls_ssl_get_in_hdr(&conn->ssl);
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
    if (conn->transport != MODSSL_TRANSPORT_STREAM || modssl_conn_is_dtls(conn) || ret == MBEDTLS_ERR_SSL_CONN_EOF) {
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
int modssl_conn_check(mp_obj_ssl_conn_t *conn, int ret) {
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
int modssl_conn_handshake_step(mp_obj_ssl_conn_t *conn) {
    conn->poll_mask = 0;
    return modssl_conn_check(conn, mbedtls_ssl_handshake(&conn->ssl));
}

// Complete the handshake, waiting for the socket as needed (the socket face's
// do_handshake_on_connect: upstream MicroPython blocks even when the socket
// is non-blocking).
void modssl_conn_handshake(mp_obj_ssl_conn_t *conn) {
    modssl_conn_check_open(conn);
    if (modssl_conn_is_dtls(conn)) {
        // A DTLS server wraps the same UDP socket again after "Hello Verify
        // Required" (and any DTLS caller still owns its socket after a
        // failed wrap_socket, as upstream): the wrapper the caller never got
        // must not close that socket when the GC finalises it.
        nlr_buf_t nlr;
        if (nlr_push(&nlr) == 0) {
            while (!conn->handshake_done) {
                if (modssl_conn_handshake_step(conn) < 0) {
                    mp_event_wait_ms(1);
                }
            }
            nlr_pop();
        } else {
            conn->sock = MP_OBJ_NULL;
            conn->closed = true;
            modssl_conn_free_ssl(conn);
            nlr_jump(nlr.ret_val);
        }
        return;
    }
    while (!conn->handshake_done) {
        int ret = modssl_conn_handshake_step(conn);
        if (ret < 0) {
            if (modssl_conn_is_bio(conn)) {
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
    modssl_conn_check_open(conn);
    while (!conn->handshake_done) {
        int ret = modssl_conn_handshake_step(conn);
        if (ret < 0) {
            if (modssl_conn_is_dtls(conn) && !modssl_conn_is_bio(conn) && !conn->nonblocking && !modssl_conn_sock_is_nonblocking(conn)) {
                // A blocking DTLS socket: WANT_READ only means that the
                // retransmission timer fired and the flight was resent.
                continue;
            }
            modssl_raise_want(ret == MBEDTLS_ERR_SSL_WANT_WRITE);
        }
    }
    return mp_const_none;
}
MP_DEFINE_CONST_FUN_OBJ_1(modssl_conn_do_handshake_obj, ssl_conn_do_handshake);

// One mbedtls_ssl_read: > 0 bytes, 0 on close_notify, or WANT_*.
// poll_mask: while the handshake runs, a read may have to wait until the
// socket is writable; poll() then checks that direction (and a write that
// must wait for input likewise).
int modssl_conn_read(mp_obj_ssl_conn_t *conn, byte *buf, size_t size) {
    modssl_conn_check_open(conn);
    if (size == 0) {
        return 0;
    }
    #if defined(MODSSL_MBEDTLS_INPUT_RELEASED)
    if (mbedtls_ssl_input_released(&conn->ssl) && modssl_conn_nothing_to_read(conn)) {
        // Idle, its buffers given back, and nothing has arrived: a pump or
        // an asyncio reader asks once more after every chunk it moves, and
        // mbedTLS would take the buffers again only to answer "want read"
        // and give them back (two heap allocations per chunk).  An output
        // buffer a write of whole records kept goes back now, as it would
        // have there.
        conn_release_buffers(conn);
        conn->poll_mask = 0;
        return MBEDTLS_ERR_SSL_WANT_READ;
    }
    #endif
    for (;;) {
        int ret = mbedtls_ssl_read(&conn->ssl, buf, size);
        #if defined(MBEDTLS_SSL_PROTO_TLS1_3) && defined(MBEDTLS_SSL_SESSION_TICKETS) && defined(MBEDTLS_SSL_CLI_C)
        if (ret == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET) {
            continue; // a TLS 1.3 ticket, now stored for `session`: keep reading
        }
        if (ret == MBEDTLS_ERR_SSL_WANT_READ
            && mbedtls_ssl_get_state(&conn->ssl) == MBEDTLS_SSL_TLS1_3_NEW_SESSION_TICKET) {
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
        ret = modssl_conn_check(conn, ret);
        conn->poll_mask = ret == MBEDTLS_ERR_SSL_WANT_WRITE ? MP_STREAM_POLL_WR : 0;
        if (ret > 0 && !modssl_conn_input_ready(conn)) {
            // Nothing more has arrived: the transfer is over for now.
            conn_release_buffers(conn);
        }
        return ret;
    }
}

int modssl_conn_write(mp_obj_ssl_conn_t *conn, const byte *buf, size_t size) {
    modssl_conn_check_open(conn);
    if (modssl_conn_is_dtls(conn) && conn->handshake_done) {
        int max = mbedtls_ssl_get_max_out_record_payload(&conn->ssl);
        if (max > 0 && size > (size_t)max) {
            modssl_raise_msg_varg(&mp_type_ValueError,
                MODSSL_TEXT("datagram of %u bytes exceeds the %d-byte limit of one DTLS record (MTU)"),
                (unsigned)size, max);
        }
    }
    int ret = modssl_conn_check(conn, mbedtls_ssl_write(&conn->ssl, buf, size));
    conn->poll_mask = ret == MBEDTLS_ERR_SSL_WANT_READ ? MP_STREAM_POLL_RD : 0;
    if (ret > 0 && ret < mbedtls_ssl_get_max_out_record_payload(&conn->ssl)) {
        // A message smaller than a record: not a bulk upload in progress.
        conn_release_buffers(conn);
    }
    return ret;
}

/******************************************************************************/
// Methods shared by both faces.

static mp_obj_t ssl_conn_getpeercert(size_t n_args, const mp_obj_t *args) {
    mp_obj_ssl_conn_t *conn = MP_OBJ_TO_PTR(args[0]);
    bool binary_form = n_args > 1 && mp_obj_is_true(args[1]);
    modssl_conn_check_open(conn);
    if (!conn->handshake_done) {
        modssl_raise_ValueError(MODSSL_TEXT("handshake not done yet"));
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
MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(modssl_conn_getpeercert_obj, 1, 2, ssl_conn_getpeercert);

static mp_obj_t ssl_conn_version(mp_obj_t self_in) {
    mp_obj_ssl_conn_t *conn = MP_OBJ_TO_PTR(self_in);
    if (!conn->ssl_live || !conn->handshake_done) {
        return mp_const_none;
    }
    return mp_obj_new_str_from_cstr(mbedtls_ssl_get_version(&conn->ssl));
}
MP_DEFINE_CONST_FUN_OBJ_1(modssl_conn_version_obj, ssl_conn_version);

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
MP_DEFINE_CONST_FUN_OBJ_1(modssl_conn_cipher_obj, ssl_conn_cipher);

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
MP_DEFINE_CONST_FUN_OBJ_1(modssl_conn_selected_alpn_protocol_obj, ssl_conn_selected_alpn_protocol);

// pending(): decrypted bytes ready to read without touching the transport.
static mp_obj_t ssl_conn_pending(mp_obj_t self_in) {
    mp_obj_ssl_conn_t *conn = MP_OBJ_TO_PTR(self_in);
    return MP_OBJ_NEW_SMALL_INT(conn->ssl_live ? mbedtls_ssl_get_bytes_avail(&conn->ssl) : 0);
}
MP_DEFINE_CONST_FUN_OBJ_1(modssl_conn_pending_obj, ssl_conn_pending);

static mp_obj_t ssl_conn___del__(mp_obj_t self_in) {
    mp_obj_ssl_conn_t *conn = MP_OBJ_TO_PTR(self_in);
    if (conn->sock != MP_OBJ_NULL) {
        mp_stream_close(self_in);
    } else {
        modssl_conn_free_ssl(conn);
        conn->closed = true;
    }
    return mp_const_none;
}
MP_DEFINE_CONST_FUN_OBJ_1(modssl_conn___del___obj, ssl_conn___del__);

void modssl_conn_attr(mp_obj_t self_in, qstr attr, mp_obj_t *dest) {
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
        dest[0] = modssl_conn_get_session(conn);
    } else {
        dest[1] = MP_OBJ_SENTINEL;
    }
}
