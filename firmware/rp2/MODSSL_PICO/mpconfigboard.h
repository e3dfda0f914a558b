// A Raspberry Pi Pico with modssl (see mpconfigboard.cmake).
#define MICROPY_HW_BOARD_NAME                   "Raspberry Pi Pico (modssl)"
#define MICROPY_HW_FLASH_STORAGE_BYTES          (1408 * 1024)

// Upstream's `tls` stays out: modssl registers the `tls` module itself.
#define MICROPY_PY_SSL                          (0)

// SSLContext and SSLSocket free their mbedTLS state when collected.
#define MICROPY_ENABLE_FINALISER                (1)
