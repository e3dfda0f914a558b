/*
 * modssl: the socket face of the connection core (SSLSocket): a stream
 * over a socket (TLS over TCP, DTLS over UDP) with the read/write/ioctl
 * stream protocol, so select.poll, asyncio and mp_stream helpers work;
 * non-blocking calls give EAGAIN.  SSLContext.wrap_socket() makes one.
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
// Socket face: the stream protocol.

static mp_uint_t ssl_socket_read(mp_obj_t self_in, void *buf, mp_uint_t size, int *errcode) {
    mp_obj_ssl_conn_t *conn = MP_OBJ_TO_PTR(self_in);
    int ret = modssl_conn_read(conn, buf, size);
    if (ret < 0) {
        *errcode = MP_EAGAIN;
        return MP_STREAM_ERROR;
    }
    return ret;
}

static mp_uint_t ssl_socket_write(mp_obj_t self_in, const void *buf, mp_uint_t size, int *errcode) {
    mp_obj_ssl_conn_t *conn = MP_OBJ_TO_PTR(self_in);
    int ret = modssl_conn_write(conn, buf, size);
    if (ret < 0) {
        *errcode = MP_EAGAIN;
        return MP_STREAM_ERROR;
    }
    return ret;
}

// Close the TLS side (close_notify if the connection is healthy); the
// caller closes the socket.
static void ssl_socket_close_tls(mp_obj_ssl_conn_t *conn) {
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
    modssl_conn_free_ssl(conn);
}

static mp_uint_t ssl_socket_ioctl(mp_obj_t self_in, mp_uint_t request, uintptr_t arg, int *errcode) {
    mp_obj_ssl_conn_t *conn = MP_OBJ_TO_PTR(self_in);
    mp_obj_t sock = conn->sock;
    if (request == MP_STREAM_CLOSE) {
        if (sock == MP_OBJ_NULL) {
            return 0;
        }
        ssl_socket_close_tls(conn);
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
        int ret = modssl_conn_write(conn, (const byte *)bufinfo.buf + done, bufinfo.len - done);
        if (ret < 0) {
            mp_event_wait_ms(1);
            continue;
        }
        done += ret;
    }
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_2(ssl_socket_sendall_obj, ssl_socket_sendall);

// MicroPython's stream read/recv/readline trust their size argument (readline
// takes any object's bits as a size; a size below -1 becomes a huge one):
// check it first, then hand over.
static void ssl_socket_check_size(size_t n_args, const mp_obj_t *args) {
    if (n_args > 1 && args[1] != mp_const_none && mp_obj_get_int(args[1]) < -1) {
        modssl_raise_ValueError(MODSSL_TEXT("size must be >= -1"));
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
    if (!modssl_conn_is_dtls(conn)) {
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
    if (!modssl_conn_is_dtls(conn)) {
        return mp_call_function_n_kw(MP_OBJ_FROM_PTR(&mp_stream_readinto_obj), n_args, 0, args);
    }
    mp_buffer_info_t bufinfo;
    mp_get_buffer_raise(args[1], &bufinfo, MP_BUFFER_WRITE);
    size_t len = bufinfo.len;
    if (n_args > 2) {
        mp_int_t max = mp_obj_get_int(args[2]);
        if (max < 0) {
            modssl_raise_ValueError(MODSSL_TEXT("readinto: nbytes must not be negative"));
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
    attr, modssl_conn_attr,
    locals_dict, &ssl_socket_locals_dict
    );

/******************************************************************************/
// SSLContext.wrap_socket().

static mp_obj_t ssl_context_wrap_socket(size_t n_args, const mp_obj_t *pos_args, mp_map_t *kw_args) {
    enum { ARG_server_side, ARG_do_handshake_on_connect, ARG_server_hostname, ARG_client_id, ARG_session };
    static const mp_arg_t allowed_args[] = {
        { MP_QSTR_server_side, MP_ARG_KW_ONLY | MP_ARG_BOOL, {.u_bool = false} },
        { MP_QSTR_do_handshake_on_connect, MP_ARG_KW_ONLY | MP_ARG_BOOL, {.u_bool = true} },
        { MP_QSTR_server_hostname, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
        { MP_QSTR_client_id, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
        { MP_QSTR_session, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
    };
    mp_obj_ssl_context_t *self = MP_OBJ_TO_PTR(pos_args[0]);
    mp_obj_t sock = pos_args[1];
    mp_arg_val_t args[MP_ARRAY_SIZE(allowed_args)];
    mp_arg_parse_all(n_args - 2, pos_args + 2, kw_args, MP_ARRAY_SIZE(allowed_args), allowed_args, args);
    bool server_side = modssl_context_server_side(self, args[ARG_server_side].u_bool);
    mp_obj_t conn = modssl_conn_new(self, &modssl_socket_type, sock, MP_OBJ_NULL, MP_OBJ_NULL,
        server_side, args[ARG_server_hostname].u_obj, args[ARG_client_id].u_obj);
    modssl_conn_set_session(MP_OBJ_TO_PTR(conn), args[ARG_session].u_obj);
    if (args[ARG_do_handshake_on_connect].u_bool) {
        modssl_conn_handshake(MP_OBJ_TO_PTR(conn));
    }
    return conn;
}
MP_DEFINE_CONST_FUN_OBJ_KW(modssl_context_wrap_socket_obj, 2, ssl_context_wrap_socket);
