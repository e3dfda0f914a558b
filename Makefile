# modssl: TLS/DTLS for MicroPython.  See README.md.
#
#   make run       build the unix firmware and run the main job (device checks against host servers)
#   make test      build the unix firmwares and run the test suite
#
# Everything installs itself: apt packages and a .venv (tools/setup.sh),
# MicroPython and mbedTLS sources from Debian (tools/modssl_harness).

PYTHON := .venv/bin/python
HARNESS := PYTHONPATH=tools $(PYTHON) -m modssl_harness

.PHONY: help setup fetch firmware firmware-stock firmware-asan run test test-asan bench clean distclean

help:
	@sed -n '3,6p' Makefile

setup:
	@tools/setup.sh

fetch: setup
	$(HARNESS) fetch

firmware: setup
	$(HARNESS) build --port unix --flavour modssl

firmware-stock: setup
	$(HARNESS) build --port unix --flavour stock

# AddressSanitizer + UndefinedBehaviorSanitizer build of the unix firmware.
firmware-asan: setup
	$(HARNESS) build --port unix --flavour asan

run: setup
	$(HARNESS) run --device unix

test: setup
	$(HARNESS) test --port unix --asan

bench: setup
	$(HARNESS) bench

clean: setup
	$(HARNESS) clean

distclean:
	rm -rf firmware/build .cache .venv test-results
