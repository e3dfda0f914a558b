# modssl as a MicroPython user C module (make-based ports: unix).
#
# The port build passes MODSSL_MBEDTLS_DIR (an mbedTLS 3.6 tree) and
# MODSSL_PORT_CONFIG_DIR (the folder holding that port's
# mbedtls_config_port.h, see ports/).  mbedTLS is compiled here, once, with
# the project's configuration; the port's own `tls` must be switched off
# (MICROPY_PY_SSL=0) so that nothing else builds a second copy.
#
# MODSSL_ROOTS_C (optional) is the root store's table, generated at build
# time by tools/modssl_harness/roots_gen.py (see ssl_roots.c).
#
# MODSSL_TEST_HOOKS adds test-only functions (ssl_testhooks.c: tls._x25519...)
# that host_tests/ use; the board builds (micropython.cmake) leave them out.

MODSSL_DIR := $(USERMOD_DIR)
MODSSL_REPO := $(abspath $(MODSSL_DIR)/..)

ifeq ($(MODSSL_MBEDTLS_DIR),)
$(error MODSSL_MBEDTLS_DIR is not set: build through `make firmware` or tools/modssl_harness)
endif
ifeq ($(MODSSL_PORT_CONFIG_DIR),)
$(error MODSSL_PORT_CONFIG_DIR is not set: build through `make firmware` or tools/modssl_harness)
endif

SRC_USERMOD_C += \
	$(MODSSL_DIR)/modssl.c \
	$(MODSSL_DIR)/ssl_bio.c \
	$(MODSSL_DIR)/ssl_ciphers.c \
	$(MODSSL_DIR)/ssl_conn.c \
	$(MODSSL_DIR)/ssl_context.c \
	$(MODSSL_DIR)/ssl_dtls.c \
	$(MODSSL_DIR)/ssl_errors.c \
	$(MODSSL_DIR)/ssl_io.c \
	$(MODSSL_DIR)/ssl_verify.c \
	$(MODSSL_DIR)/ssl_psa.c \
	$(MODSSL_DIR)/ssl_psk.c \
	$(MODSSL_DIR)/ssl_session.c \
	$(MODSSL_DIR)/ssl_socket.c \
	$(MODSSL_DIR)/ssl_sign.c \
	$(MODSSL_DIR)/ssl_x509.c \
	$(MODSSL_DIR)/ssl_roots.c \
	$(MODSSL_DIR)/ec_fe16.c \
	$(MODSSL_DIR)/ec_x25519.c \
	$(MODSSL_DIR)/ec_p256.c \
	$(MODSSL_DIR)/ec_p256_mul.c \
	$(MODSSL_DIR)/ssl_testhooks.c

SRC_USERMOD_LIB_C += $(sort $(wildcard $(MODSSL_MBEDTLS_DIR)/library/*.c))

# The built-in root store: MODSSL_ROOTS_C is the table roots_gen.py wrote
# into the build directory (the harness passes it unless MODSSL_ROOT_STORE=0).
ifneq ($(MODSSL_ROOTS_C),)
SRC_USERMOD_LIB_C += $(MODSSL_ROOTS_C)
CFLAGS_USERMOD += -DMODSSL_ROOT_STORE=1
endif

CFLAGS_USERMOD += \
	-I$(MODSSL_DIR) \
	-I$(MODSSL_PORT_CONFIG_DIR) \
	-I$(MODSSL_REPO)/ports/common \
	-I$(MODSSL_MBEDTLS_DIR)/include \
	-DMBEDTLS_CONFIG_FILE='"mbedtls_config_port.h"' \
	-DMODSSL_TEST_HOOKS=1

# modssl's message texts, compressed in flash (MODSSL_TEXT in modssl.h):
# tools/modssl_harness/texts_gen.py writes the header into the build
# directory, before MicroPython's qstr pass (an order-only requirement of it,
# so before any object), and again when a source of modssl changes; it
# rewrites the file only when the texts changed.
MODSSL_TEXTS_H := $(BUILD)/modssl_texts/modssl_texts_generated.h
MODSSL_TEXTS_GEN := $(MODSSL_REPO)/tools/modssl_harness/texts_gen.py
$(MODSSL_TEXTS_H): $(wildcard $(MODSSL_DIR)/*.c) $(MODSSL_TEXTS_GEN)
	$(ECHO) "GEN $@"
	$(Q)$(PYTHON) $(MODSSL_TEXTS_GEN) $@ $(filter %.c,$^)
QSTR_GLOBAL_REQUIREMENTS += $(MODSSL_TEXTS_H)
CFLAGS_USERMOD += -I$(BUILD)/modssl_texts -DMODSSL_TEXT_COMPRESSION=1
