/*
 * modssl: the connection core's transport -- the I/O callbacks mbedTLS
 * calls to move records, for a socket-like stream (TLS over TCP with its
 * handshake cork, DTLS over UDP with a bounded wait for the retransmission
 * timer) and for a pair of MemoryBIOs.  The DTLS timers are in ssl_dtls.c.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "py/runtime.h"
#include "py/stream.h"
#include "py/mperrno.h"
#include "py/mphal.h"

#include "modssl.h"

#if defined(__unix__) || defined(__APPLE__)
#include <fcntl.h>
#endif

// Poll interval while a blocking DTLS read waits for its retransmission timer.
#define MODSSL_DTLS_WAIT_SLICE_MS (1)


static int conn_transport_error(mp_obj_ssl_conn_t *conn, int err, int want) {
    if (mp_is_nonblocking_error(err)) {
        return want;
    }
    conn->transport_errno = err;
    return MODSSL_ERR_TRANSPORT;
}

static int conn_stream_write(mp_obj_ssl_conn_t *conn, const unsigned char *buf, size_t len) {
    int err;
    mp_uint_t n = mp_get_stream(conn->sock)->write(conn->sock, buf, len, &err);
    if (n == MP_STREAM_ERROR) {
        return conn_transport_error(conn, err, MBEDTLS_ERR_SSL_WANT_WRITE);
    }
    return (int)n;
}

// TLS handshake flights are corked: mbedTLS hands over one record at a time,
// and sent one by one the records of a flight meet Nagle's algorithm and the
// peer's delayed ACK (tens of milliseconds per handshake, more on lwIP).  They
// are collected and written together when mbedTLS next waits for the peer,
// or when the handshake ends.  Returns 0 once all is written, WANT_WRITE if a
// non-blocking socket took only part, or a transport error.
int modssl_conn_flush_cork(mp_obj_ssl_conn_t *conn) {
    while (conn->cork_len > 0) {
        int n = conn_stream_write(conn, conn->cork_buf, conn->cork_len);
        if (n < 0) {
            return n;
        }
        if (n == 0) {
            return MBEDTLS_ERR_SSL_WANT_WRITE;  // the stream took nothing: try again later, never spin
        }
        memmove(conn->cork_buf, conn->cork_buf + n, conn->cork_len - n);
        conn->cork_len -= n;
    }
    return 0;
}

static int conn_stream_send(void *ctx, const unsigned char *buf, size_t len) {
    mp_obj_ssl_conn_t *conn = ctx;
    bool cork = !modssl_conn_is_dtls(conn) && (!mbedtls_ssl_is_handshake_over(&conn->ssl) || conn->cork_len > 0);
    if (cork) {
        if (conn->cork_len + len > conn->cork_alloc) {
            // No exception may unwind through mbedTLS: on allocation failure
            // fall back to writing directly, after what is already queued.
            size_t want = conn->cork_len + len + 256;
            byte *grown = m_renew_maybe(byte, conn->cork_buf, conn->cork_alloc, want, true);
            if (grown == NULL) {
                int ret = modssl_conn_flush_cork(conn);
                return ret != 0 ? ret : conn_stream_write(conn, buf, len);
            }
            conn->cork_buf = grown;
            conn->cork_alloc = want;
        }
        memcpy(conn->cork_buf + conn->cork_len, buf, len);
        conn->cork_len += len;
        if (mbedtls_ssl_is_handshake_over(&conn->ssl)) {
            // Application data after a flight still queued: keep the order.
            int ret = modssl_conn_flush_cork(conn);
            if (ret != 0 && ret != MBEDTLS_ERR_SSL_WANT_WRITE) {
                return ret;
            }
        }
        return (int)len;
    }
    return conn_stream_write(conn, buf, len);
}

static int conn_stream_recv(void *ctx, unsigned char *buf, size_t len) {
    mp_obj_ssl_conn_t *conn = ctx;
    // The peer answers only once our corked flight has gone.
    int flushed = modssl_conn_flush_cork(conn);
    if (flushed != 0) {
        return flushed;
    }
    int err;
    mp_uint_t n = mp_get_stream(conn->sock)->read(conn->sock, buf, len, &err);
    if (n == MP_STREAM_ERROR) {
        return conn_transport_error(conn, err, MBEDTLS_ERR_SSL_WANT_READ);
    }
    return (int)n;
}

// A socket made non-blocking before wrap_socket() (not through the wrapper's
// setblocking) must not be waited on.  Where sockets are file descriptors
// their flags tell; elsewhere the wrapper's setblocking(False) is the way.
bool modssl_conn_sock_is_nonblocking(mp_obj_ssl_conn_t *conn) {
    #if defined(__unix__) || defined(__APPLE__)
    int err;
    mp_uint_t fd = mp_get_stream(conn->sock)->ioctl(conn->sock, MP_STREAM_GET_FILENO, 0, &err);
    if (fd != MP_STREAM_ERROR) {
        int flags = fcntl((int)fd, F_GETFL);
        return flags != -1 && (flags & O_NONBLOCK) != 0;
    }
    #endif
    (void)conn;
    return false;
}

// DTLS over a blocking socket: a lost datagram must not block the handshake
// forever, so wait at most until the retransmission timer fires (or the
// handshake deadline passes).
#if MODSSL_HAS_DTLS
static int conn_stream_recv_timeout(void *ctx, unsigned char *buf, size_t len, uint32_t timeout_ms) {
    mp_obj_ssl_conn_t *conn = ctx;
    int32_t left = modssl_dtls_deadline_left(conn);
    if (left == 0) {
        return MODSSL_ERR_DTLS_DEADLINE;
    }
    uint32_t wait_ms = timeout_ms;
    bool wait_is_deadline = false;
    if (left > 0 && (wait_ms == 0 || (uint32_t)left < wait_ms)) {
        wait_ms = (uint32_t)left;
        wait_is_deadline = true;
    }
    if (wait_ms != 0 && !conn->nonblocking && !modssl_conn_sock_is_nonblocking(conn)) {
        const mp_stream_p_t *stream = mp_get_stream(conn->sock);
        uint32_t start = mp_hal_ticks_ms();
        for (;;) {
            int err;
            mp_uint_t ready = stream->ioctl(conn->sock, MP_STREAM_POLL, MP_STREAM_POLL_RD, &err);
            if (ready == MP_STREAM_ERROR) {
                break; // a stream that cannot be polled: just read it
            }
            if (ready & (MP_STREAM_POLL_RD | MP_STREAM_POLL_ERR | MP_STREAM_POLL_HUP)) {
                break;
            }
            if (modssl_dtls_ms_left(start, wait_ms) == 0) {
                return wait_is_deadline ? MODSSL_ERR_DTLS_DEADLINE : MBEDTLS_ERR_SSL_TIMEOUT;
            }
            mp_event_wait_ms(MODSSL_DTLS_WAIT_SLICE_MS);
        }
    }
    int n = conn_stream_recv(ctx, buf, len);
    if (n > 0) {
        modssl_dtls_deadline_start(conn);
    }
    return n;
}
#endif

static int conn_bio_send(void *ctx, const unsigned char *buf, size_t len) {
    mp_obj_ssl_conn_t *conn = ctx;
    modssl_bio_send(conn->bio_out, buf, len);
    return (int)len;
}

static int conn_bio_recv(void *ctx, unsigned char *buf, size_t len) {
    mp_obj_ssl_conn_t *conn = ctx;
    #if MODSSL_HAS_DTLS
    if (modssl_dtls_deadline_left(conn) == 0) {
        return MODSSL_ERR_DTLS_DEADLINE;
    }
    #endif
    int n = modssl_bio_recv(conn->bio_in, buf, len, modssl_conn_is_dtls(conn));
    #if MODSSL_HAS_DTLS
    if (n > 0) {
        modssl_dtls_deadline_start(conn);
    }
    #endif
    return n;
}

// Whether the transport already holds input for this connection (a record,
// or part of one, has arrived): then a transfer is in progress.
bool modssl_conn_input_ready(mp_obj_ssl_conn_t *conn) {
    if (conn->transport == MODSSL_TRANSPORT_BIO) {
        return modssl_bio_pending(conn->bio_in) > 0;
    }
    int err;
    mp_uint_t ready = mp_get_stream(conn->sock)->ioctl(conn->sock, MP_STREAM_POLL, MP_STREAM_POLL_RD, &err);
    return ready != MP_STREAM_ERROR && (ready & MP_STREAM_POLL_RD) != 0;
}

// Whether a read has nothing to do: the transport surely holds no input, no
// end of input and no error for this connection, and a read would only
// wait (a memory BIO, or a non-blocking socket; a blocking socket is read
// by mbedTLS, which waits in it).  Cheap enough to ask before every read
// of a connection whose buffers are released.
bool modssl_conn_nothing_to_read(mp_obj_ssl_conn_t *conn) {
    if (conn->transport == MODSSL_TRANSPORT_BIO) {
        return !modssl_bio_readable(conn->bio_in);
    }
    if (!conn->nonblocking && !modssl_conn_sock_is_nonblocking(conn)) {
        return false;
    }
    int err;
    mp_uint_t ready = mp_get_stream(conn->sock)->ioctl(conn->sock, MP_STREAM_POLL,
        MP_STREAM_POLL_RD | MP_STREAM_POLL_ERR | MP_STREAM_POLL_HUP, &err);
    return ready != MP_STREAM_ERROR && (ready & (MP_STREAM_POLL_RD | MP_STREAM_POLL_ERR | MP_STREAM_POLL_HUP)) == 0;
}

void modssl_conn_attach_io(mp_obj_ssl_conn_t *conn) {
    #if MODSSL_HAS_DTLS
    if (modssl_conn_is_dtls(conn)) {
        mbedtls_ssl_set_timer_cb(&conn->ssl, conn, modssl_dtls_timer_set, modssl_dtls_timer_get);
        if (conn->transport == MODSSL_TRANSPORT_STREAM) {
            mbedtls_ssl_set_bio(&conn->ssl, conn, conn_stream_send, conn_stream_recv, conn_stream_recv_timeout);
            return;
        }
    }
    #endif
    if (conn->transport == MODSSL_TRANSPORT_STREAM) {
        mbedtls_ssl_set_bio(&conn->ssl, conn, conn_stream_send, conn_stream_recv, NULL);
    } else {
        mbedtls_ssl_set_bio(&conn->ssl, conn, conn_bio_send, conn_bio_recv, NULL);
    }
}
