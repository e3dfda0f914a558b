# modssl: TLS/DTLS for MicroPython.  See README.md.
#
#   make run       build the unix firmware and run the main job (device checks against host servers)
#   make test      build the unix firmwares and the rp2 firmware, run the test suite
#   make run-emu   the device checks on the emulated Pico (rp2 firmware under rp2040js)
#
# Everything installs itself: apt packages and a .venv (tools/setup.sh),
# MicroPython and mbedTLS sources from Debian (tools/modssl_harness).

PYTHON := .venv/bin/python
HARNESS := PYTHONPATH=tools $(PYTHON) -m modssl_harness

.PHONY: help setup setup-rp2 fetch firmware firmware-stock firmware-asan firmware-rp2 run run-emu test test-asan bench clean distclean

help:
	@sed -n '3,7p' Makefile

setup:
	@tools/setup.sh

# ... plus the ARM cross toolchain (Debian's gcc-arm-none-eabi, newlib).
setup-rp2:
	@tools/setup.sh rp2

fetch: setup
	$(HARNESS) fetch

firmware: setup
	$(HARNESS) build --port unix --flavour modssl

firmware-stock: setup
	$(HARNESS) build --port unix --flavour stock

# AddressSanitizer + UndefinedBehaviorSanitizer build of the unix firmware.
firmware-asan: setup
	$(HARNESS) build --port unix --flavour asan

# rp2 (Raspberry Pi Pico) UF2 with modssl, plus the upstream-tls baseline
# for the flash size report (firmware/build/rp2-modssl/size.json).
firmware-rp2: setup-rp2
	$(HARNESS) build --port rp2

run: setup
	$(HARNESS) run --device unix

# The emulated Pico (docs/emulated-pico.md): builds the rp2 firmware and the ROM.
run-emu: setup-rp2
	$(HARNESS) run --device emu:rp2

# CI: the rp2 cross-build is proved too (host_tests/test_harness_rp2_firmware.py),
# and a unix build without DTLS (host_tests/test_nodtls.py).
test: setup-rp2
	$(HARNESS) build --port rp2
	$(HARNESS) build --port unix --flavour nodtls
	MODSSL_REQUIRE_RP2=1 MODSSL_REQUIRE_NODTLS=1 $(HARNESS) test --port unix --asan

bench: setup
	$(HARNESS) bench

clean: setup
	$(HARNESS) clean

distclean:
	rm -rf firmware/build .cache .venv test-results tools/emu/node_modules
