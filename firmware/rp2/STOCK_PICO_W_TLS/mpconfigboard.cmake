# The size baseline for MODSSL_PICO_W: a stock Raspberry Pi Pico W (lwIP,
# CYW43 Wi-Fi, BTstack Bluetooth, as upstream's RPI_PICO_W) with upstream's
# own `tls`, which networking switches on, and no user C module.  Built by
# `build --port rp2 --board MODSSL_PICO_W` beside the modssl board, from the
# same MicroPython checkout (its lib/cyw43-driver and lib/btstack).
set(PICO_BOARD "pico_w")

set(MICROPY_PY_LWIP ON)
set(MICROPY_PY_NETWORK_CYW43 ON)

set(MICROPY_PY_BLUETOOTH ON)
set(MICROPY_BLUETOOTH_BTSTACK ON)
set(MICROPY_PY_BLUETOOTH_CYW43 ON)

set(MICROPY_FROZEN_MANIFEST ${MICROPY_BOARD_DIR}/manifest.py)
