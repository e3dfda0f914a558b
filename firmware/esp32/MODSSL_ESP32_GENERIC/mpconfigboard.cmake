# Generic ESP32 (ESP-IDF v5.4) with modssl as its `ssl`/`tls`, on IDF's own
# mbedTLS with hardware acceleration.  modssl comes in through
# USER_C_MODULES=<repo>/modssl/micropython.cmake (the harness passes it),
# which compiles no mbedTLS under IDF.
set(IDF_TARGET esp32)

get_filename_component(MODSSL_REPO_DIR ${MICROPY_BOARD_DIR}/../../.. ABSOLUTE)

# MicroPython's defaults, then what modssl needs from IDF's mbedTLS, then
# this board's own lines.
set(SDKCONFIG_DEFAULTS
    boards/sdkconfig.base
    boards/sdkconfig.ble
    ${MODSSL_REPO_DIR}/ports/esp32/sdkconfig.modssl
    ${MICROPY_BOARD_DIR}/sdkconfig.board
)

# Upstream's `tls` off (see ports/esp32/mpconfigport_modssl.h): read by
# modssl/micropython.cmake.
set(MODSSL_MP_CONFIGFILE ${MODSSL_REPO_DIR}/ports/esp32/mpconfigport_modssl.h)

# Our own manifest: upstream's needs micropython-lib.
set(MICROPY_FROZEN_MANIFEST ${MICROPY_BOARD_DIR}/manifest.py)
