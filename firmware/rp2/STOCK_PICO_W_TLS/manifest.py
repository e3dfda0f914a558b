# The baseline freezes what MODSSL_PICO_W freezes minus modssl's Python faces
# (upstream's ssl.py and the networking bundle live in micropython-lib).
freeze("$(PORT_DIR)/modules")
include("$(MPY_DIR)/extmod/asyncio")
