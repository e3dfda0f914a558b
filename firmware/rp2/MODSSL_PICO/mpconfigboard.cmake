# A Raspberry Pi Pico (RP2040, no radio) with modssl as its `ssl`/`tls`.
# TLS works over memory BIOs and any stream (UART, USB, PPP...): no network
# stack is needed on the board.  modssl itself comes in through
# USER_C_MODULES=<repo>/modssl/micropython.cmake (the harness passes it).
set(PICO_BOARD "pico")
set(PICO_PLATFORM "rp2040")

# Our own manifest: upstream's board manifest needs micropython-lib.
set(MICROPY_FROZEN_MANIFEST ${MICROPY_BOARD_DIR}/manifest.py)
