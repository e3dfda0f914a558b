/*
 * modssl: the memory-BIO face -- MemoryBIO, an in-memory transport for TLS
 * without a socket, and SSLObject (CPython's memory-BIO object: records go
 * to and come from two MemoryBIOs, and calls raise SSLWantReadError /
 * SSLWantWriteError instead of blocking), made by SSLContext.wrap_bio().
 *
 * Data is kept as the chunks it was written in.  A stream reader (TLS)
 * takes bytes across chunk boundaries; a datagram reader (DTLS) takes one
 * chunk at a time, so each write() of a BIO is one datagram -- which is
 * what carrying DTLS over a UART or radio link needs.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "py/runtime.h"
#include "py/objlist.h"
#include "py/mperrno.h"

#include "modssl.h"

typedef struct _mp_obj_memory_bio_t {
    mp_obj_base_t base;
    mp_obj_t chunks;        // list of bytes objects
    size_t head_offset;     // bytes already consumed from chunks[0]
    size_t pending;         // unread bytes in all chunks
    bool eof_written;
} mp_obj_memory_bio_t;

static mp_obj_t memory_bio_make_new(const mp_obj_type_t *type, size_t n_args, size_t n_kw, const mp_obj_t *args) {
    mp_arg_check_num(n_args, n_kw, 0, 0, false);
    mp_obj_memory_bio_t *self = mp_obj_malloc(mp_obj_memory_bio_t, type);
    self->chunks = mp_obj_new_list(0, NULL);
    self->head_offset = 0;
    self->pending = 0;
    self->eof_written = false;
    return MP_OBJ_FROM_PTR(self);
}

static mp_obj_memory_bio_t *memory_bio_get(mp_obj_t obj) {
    if (!mp_obj_is_type(obj, &modssl_memory_bio_type)) {
        modssl_raise_TypeError(MODSSL_TEXT("expected a MemoryBIO"));
    }
    return MP_OBJ_TO_PTR(obj);
}

// Copy up to len bytes out, across chunks; with one_chunk stop after the first.
static size_t memory_bio_take(mp_obj_memory_bio_t *self, byte *buf, size_t len, bool one_chunk) {
    mp_obj_list_t *list = MP_OBJ_TO_PTR(self->chunks);
    size_t copied = 0;
    while (copied < len && list->len > 0) {
        size_t chunk_len;
        const byte *chunk = (const byte *)mp_obj_str_get_data(list->items[0], &chunk_len);
        size_t avail = chunk_len - self->head_offset;
        size_t n = MIN(avail, len - copied);
        memcpy(buf + copied, chunk + self->head_offset, n);
        copied += n;
        if (one_chunk) {
            // A datagram is consumed whole; a buffer too small truncates it,
            // which DTLS record parsing then rejects as a bad datagram.
            n = avail;
        }
        self->head_offset += n;
        self->pending -= n;
        if (self->head_offset == chunk_len) {
            memmove(list->items, list->items + 1, (list->len - 1) * sizeof(mp_obj_t));
            list->len -= 1;
            list->items[list->len] = MP_OBJ_NULL;
            self->head_offset = 0;
        }
        if (one_chunk) {
            break;
        }
    }
    return copied;
}

size_t modssl_bio_pending(mp_obj_t bio) {
    return memory_bio_get(bio)->pending;
}

// Whether a reader would get something: bytes, or the end of input.
bool modssl_bio_readable(mp_obj_t bio) {
    mp_obj_memory_bio_t *self = memory_bio_get(bio);
    return self->pending > 0 || self->eof_written;
}

int modssl_bio_recv(mp_obj_t bio, byte *buf, size_t len, bool datagram) {
    mp_obj_memory_bio_t *self = memory_bio_get(bio);
    if (self->pending == 0) {
        return self->eof_written ? 0 : MBEDTLS_ERR_SSL_WANT_READ;
    }
    return (int)memory_bio_take(self, buf, MIN(len, (size_t)INT32_MAX), datagram);
}

void modssl_bio_send(mp_obj_t bio, const byte *buf, size_t len) {
    mp_obj_memory_bio_t *self = memory_bio_get(bio);
    mp_obj_list_append(self->chunks, mp_obj_new_bytes(buf, len));
    self->pending += len;
}

static mp_obj_t memory_bio_read(size_t n_args, const mp_obj_t *args) {
    mp_obj_memory_bio_t *self = MP_OBJ_TO_PTR(args[0]);
    mp_int_t size = n_args > 1 ? mp_obj_get_int(args[1]) : -1;
    size_t n = (size < 0 || (size_t)size > self->pending) ? self->pending : (size_t)size;
    vstr_t vstr;
    vstr_init_len(&vstr, n);
    vstr.len = memory_bio_take(self, (byte *)vstr.buf, n, false);
    return mp_obj_new_bytes_from_vstr(&vstr);
}
static MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(memory_bio_read_obj, 1, 2, memory_bio_read);

static mp_obj_t memory_bio_write(mp_obj_t self_in, mp_obj_t data) {
    mp_obj_memory_bio_t *self = MP_OBJ_TO_PTR(self_in);
    if (self->eof_written) {
        modssl_raise_msg(&mp_type_OSError, MODSSL_TEXT("cannot write to a MemoryBIO after write_eof()"));
    }
    mp_buffer_info_t bufinfo;
    mp_get_buffer_raise(data, &bufinfo, MP_BUFFER_READ);
    if (bufinfo.len > 0) {
        modssl_bio_send(self_in, bufinfo.buf, bufinfo.len);
    }
    return MP_OBJ_NEW_SMALL_INT(bufinfo.len);
}
static MP_DEFINE_CONST_FUN_OBJ_2(memory_bio_write_obj, memory_bio_write);

static mp_obj_t memory_bio_write_eof(mp_obj_t self_in) {
    mp_obj_memory_bio_t *self = MP_OBJ_TO_PTR(self_in);
    self->eof_written = true;
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_1(memory_bio_write_eof_obj, memory_bio_write_eof);

static void memory_bio_attr(mp_obj_t self_in, qstr attr, mp_obj_t *dest) {
    mp_obj_memory_bio_t *self = MP_OBJ_TO_PTR(self_in);
    if (dest[0] != MP_OBJ_NULL) {
        return; // read-only attributes
    }
    if (attr == MP_QSTR_pending) {
        dest[0] = mp_obj_new_int_from_uint(self->pending);
    } else if (attr == MP_QSTR_eof) {
        dest[0] = mp_obj_new_bool(self->eof_written && self->pending == 0);
    } else {
        dest[1] = MP_OBJ_SENTINEL; // continue lookup in locals_dict
    }
}

static const mp_rom_map_elem_t memory_bio_locals_dict_table[] = {
    { MP_ROM_QSTR(MP_QSTR_read), MP_ROM_PTR(&memory_bio_read_obj) },
    { MP_ROM_QSTR(MP_QSTR_write), MP_ROM_PTR(&memory_bio_write_obj) },
    { MP_ROM_QSTR(MP_QSTR_write_eof), MP_ROM_PTR(&memory_bio_write_eof_obj) },
};
static MP_DEFINE_CONST_DICT(memory_bio_locals_dict, memory_bio_locals_dict_table);

MP_DEFINE_CONST_OBJ_TYPE(
    modssl_memory_bio_type,
    MP_QSTR_MemoryBIO,
    MP_TYPE_FLAG_NONE,
    make_new, memory_bio_make_new,
    attr, memory_bio_attr,
    locals_dict, &memory_bio_locals_dict
    );

/******************************************************************************/
// Memory-BIO face (CPython's SSLObject).

// read(len=1024, buffer=None): plaintext, or b'' once the peer sent close_notify.
static mp_obj_t ssl_object_read(size_t n_args, const mp_obj_t *args) {
    mp_obj_ssl_conn_t *conn = MP_OBJ_TO_PTR(args[0]);
    mp_int_t len = n_args > 1 ? mp_obj_get_int(args[1]) : 1024;
    if (len < 0) {
        modssl_raise_ValueError(MODSSL_TEXT("read: len must not be negative"));
    }
    if (n_args > 2 && args[2] != mp_const_none) {
        mp_buffer_info_t bufinfo;
        mp_get_buffer_raise(args[2], &bufinfo, MP_BUFFER_WRITE);
        size_t n = MIN((size_t)len, bufinfo.len);
        if (n_args > 1 && len == 0) {
            n = bufinfo.len;
        }
        int ret = modssl_conn_read(conn, bufinfo.buf, n);
        if (ret < 0) {
            modssl_raise_want(ret == MBEDTLS_ERR_SSL_WANT_WRITE);
        }
        return MP_OBJ_NEW_SMALL_INT(ret);
    }
    vstr_t vstr;
    vstr_init_len(&vstr, len);
    int ret = modssl_conn_read(conn, (byte *)vstr.buf, len);
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
        int ret = modssl_conn_write(conn, (const byte *)bufinfo.buf + done, bufinfo.len - done);
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
    modssl_conn_check_open(conn);
    int ret = mbedtls_ssl_close_notify(&conn->ssl);
    if (ret != 0) {
        modssl_conn_check(conn, ret);
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
    attr, modssl_conn_attr,
    locals_dict, &ssl_object_locals_dict
    );

/******************************************************************************/
// SSLContext.wrap_bio().

static mp_obj_t ssl_context_wrap_bio(size_t n_args, const mp_obj_t *pos_args, mp_map_t *kw_args) {
    enum { ARG_incoming, ARG_outgoing, ARG_server_side, ARG_server_hostname, ARG_client_id, ARG_session };
    static const mp_arg_t allowed_args[] = {
        { MP_QSTR_incoming, MP_ARG_REQUIRED | MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
        { MP_QSTR_outgoing, MP_ARG_REQUIRED | MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
        { MP_QSTR_server_side, MP_ARG_BOOL, {.u_bool = false} },
        { MP_QSTR_server_hostname, MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
        { MP_QSTR_client_id, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
        { MP_QSTR_session, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
    };
    mp_obj_ssl_context_t *self = MP_OBJ_TO_PTR(pos_args[0]);
    mp_arg_val_t args[MP_ARRAY_SIZE(allowed_args)];
    mp_arg_parse_all(n_args - 1, pos_args + 1, kw_args, MP_ARRAY_SIZE(allowed_args), allowed_args, args);
    for (int i = ARG_incoming; i <= ARG_outgoing; ++i) {
        if (!mp_obj_is_type(args[i].u_obj, &modssl_memory_bio_type)) {
            modssl_raise_TypeError(MODSSL_TEXT("wrap_bio: incoming and outgoing must be MemoryBIO objects"));
        }
    }
    bool server_side = modssl_context_server_side(self, args[ARG_server_side].u_bool);
    mp_obj_t conn = modssl_conn_new(self, &modssl_object_type, MP_OBJ_NULL, args[ARG_incoming].u_obj,
        args[ARG_outgoing].u_obj, server_side, args[ARG_server_hostname].u_obj, args[ARG_client_id].u_obj);
    modssl_conn_set_session(MP_OBJ_TO_PTR(conn), args[ARG_session].u_obj);
    return conn;
}
MP_DEFINE_CONST_FUN_OBJ_KW(modssl_context_wrap_bio_obj, 3, ssl_context_wrap_bio);
