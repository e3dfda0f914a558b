# A Raspberry Pi Pico W with modssl as its `ssl`/`tls`: the RPI_PICO_W
# equivalent (lwIP, CYW43 Wi-Fi, BTstack Bluetooth).  Its wireless driver
# sources (lib/cyw43-driver, lib/btstack) are not in Debian: the harness
# stops early and asks for a MicroPython checkout that has them (MICROPY_DIR).
set(PICO_BOARD "pico_w")

set(MICROPY_PY_LWIP ON)
set(MICROPY_PY_NETWORK_CYW43 ON)

set(MICROPY_PY_BLUETOOTH ON)
set(MICROPY_BLUETOOTH_BTSTACK ON)
set(MICROPY_PY_BLUETOOTH_CYW43 ON)

set(MICROPY_FROZEN_MANIFEST ${MICROPY_BOARD_DIR}/manifest.py)
