# Frozen into the MODSSL_PICO firmware: the rp2 port's own boot modules
# (filesystem mount, rp2 helpers) and the project's manifest (asyncio and
# modssl's `ssl`/`ussl`).  Nothing from micropython-lib, which is absent.
freeze("$(PORT_DIR)/modules")
# OpenSSL.SSL is left out (flash): a manifest option, or installed onto
# the board as a package (README).  openssl=True freezes it.
include("$(BOARD_DIR)/../../../manifest.py", openssl=False)
