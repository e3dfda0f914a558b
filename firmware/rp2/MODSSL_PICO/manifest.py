# Frozen into the MODSSL_PICO firmware: the rp2 port's own boot modules
# (filesystem mount, rp2 helpers) and the project's manifest (asyncio and
# modssl's `ssl`/`ussl`).  Nothing from micropython-lib, which is absent.
freeze("$(PORT_DIR)/modules")
include("$(BOARD_DIR)/../../../manifest.py")
