# Frozen into MODSSL_ESP32_GENERIC: the esp32 port's own modules (boot,
# flash filesystem setup) and the project's manifest (asyncio,
# modssl's `ssl`/`ussl`).  Nothing from micropython-lib.
freeze("$(PORT_DIR)/modules")
# OpenSSL.SSL is left out, as on the Pico: openssl=True freezes it.
include("$(BOARD_DIR)/../../../manifest.py", openssl=False)
