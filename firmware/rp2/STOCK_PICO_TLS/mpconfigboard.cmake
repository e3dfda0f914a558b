# The size baseline for MODSSL_PICO: a stock Raspberry Pi Pico with
# upstream's own `tls` (modtls_mbedtls.c, upstream's mbedTLS configuration)
# switched on, and no user C module.  Built by `build --port rp2 --flavour stock`.
set(PICO_BOARD "pico")
set(PICO_PLATFORM "rp2040")
set(MICROPY_FROZEN_MANIFEST ${MICROPY_BOARD_DIR}/manifest.py)
