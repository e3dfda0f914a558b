/*
 * modssl: MemoryBIO, an in-memory transport for TLS without a socket.
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
        mp_raise_TypeError(MP_ERROR_TEXT("expected a MemoryBIO"));
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
        mp_raise_msg(&mp_type_OSError, MP_ERROR_TEXT("cannot write to a MemoryBIO after write_eof()"));
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
