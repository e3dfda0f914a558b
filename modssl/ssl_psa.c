/*
 * modssl: PSA crypto, started once per VM and stopped at soft reset.
 *
 * SPDX-License-Identifier: MIT
 */
#include "py/runtime.h"

#include "psa/crypto.h"

#include "modssl.h"

/******************************************************************************/
// PSA's global state across soft resets.
//
// PSA keeps global state (the key store, the random generator) in memory from
// our mbedTLS allocator, which is the GC heap.  A soft reset (Ctrl-D on a
// board) wipes that heap, so PSA must be shut down first or the next VM would
// use dangling pointers.  A finaliser object held by a root pointer does it:
// the ports' soft reset runs gc_sweep_all() while the heap is still intact.

typedef struct _modssl_psa_guard_t {
    mp_obj_base_t base;
} modssl_psa_guard_t;

static mp_obj_t modssl_psa_guard_del(mp_obj_t self_in) {
    (void)self_in;
    mbedtls_psa_crypto_free();
    MP_STATE_VM(modssl_psa_guard) = MP_OBJ_NULL;
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_1(modssl_psa_guard_del_obj, modssl_psa_guard_del);

static const mp_rom_map_elem_t modssl_psa_guard_locals_dict_table[] = {
    { MP_ROM_QSTR(MP_QSTR___del__), MP_ROM_PTR(&modssl_psa_guard_del_obj) },
};
static MP_DEFINE_CONST_DICT(modssl_psa_guard_locals_dict, modssl_psa_guard_locals_dict_table);

static MP_DEFINE_CONST_OBJ_TYPE(
    modssl_psa_guard_type,
    MP_QSTR_PsaGuard,
    MP_TYPE_FLAG_NONE,
    locals_dict, &modssl_psa_guard_locals_dict
    );

void modssl_psa_init(void) {
    if (MP_STATE_VM(modssl_psa_guard) == MP_OBJ_NULL) {
        MP_STATE_VM(modssl_psa_guard) = MP_OBJ_FROM_PTR(
            mp_obj_malloc_with_finaliser(modssl_psa_guard_t, &modssl_psa_guard_type));
    }
    psa_status_t status = psa_crypto_init();
    if (status != PSA_SUCCESS) {
        modssl_raise_msg_varg(&mp_type_OSError, MODSSL_TEXT("PSA crypto init failed (%d): no entropy source?"), (int)status);
    }
}

MP_REGISTER_ROOT_POINTER(mp_obj_t modssl_psa_guard);
