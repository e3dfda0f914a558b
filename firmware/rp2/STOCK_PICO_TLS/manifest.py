# The baseline freezes what MODSSL_PICO freezes minus modssl's Python faces
# (upstream's ssl.py lives in micropython-lib, absent here).
freeze("$(PORT_DIR)/modules")
include("$(MPY_DIR)/extmod/asyncio")
