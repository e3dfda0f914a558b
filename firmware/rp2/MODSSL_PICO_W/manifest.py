# Frozen into MODSSL_PICO_W: as MODSSL_PICO (no micropython-lib bundles).
freeze("$(PORT_DIR)/modules")
include("$(BOARD_DIR)/../../../manifest.py")
