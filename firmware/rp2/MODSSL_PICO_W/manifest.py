# Frozen into MODSSL_PICO_W: as MODSSL_PICO (no micropython-lib bundles).
freeze("$(PORT_DIR)/modules")
# OpenSSL.SSL is left out (flash): a manifest option, or installed onto
# the board as a package (README).  openssl=True freezes it.
include("$(BOARD_DIR)/../../../manifest.py", openssl=False)
