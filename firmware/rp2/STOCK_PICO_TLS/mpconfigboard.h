// Stock Pico + upstream `tls` (the size baseline, see mpconfigboard.cmake).
#define MICROPY_HW_BOARD_NAME                   "Raspberry Pi Pico (upstream tls)"
#define MICROPY_HW_FLASH_STORAGE_BYTES          (1408 * 1024)

// On rp2 upstream enables `tls` only with networking; a plain Pico needs it
// asked for.
#define MICROPY_PY_SSL                          (1)
