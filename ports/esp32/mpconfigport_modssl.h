/*
 * MicroPython configuration wrapper for esp32 firmware with modssl.
 *
 * The esp32 port defines MICROPY_PY_SSL (1) unconditionally after reading
 * the board's header, so a board cannot switch upstream's `tls` off.  The
 * board build passes MP_CONFIGFILE=<this file> (py/mpconfig.h then reads it
 * instead of mpconfigport.h): the port's settings, then upstream's `tls`
 * off, since modssl registers the `tls` module itself.  MICROPY_SSL_MBEDTLS
 * stays on: hashlib and cryptolib use IDF's mbedTLS too.
 *
 * SPDX-License-Identifier: MIT
 */
#include <mpconfigport.h>

#undef MICROPY_PY_SSL
#define MICROPY_PY_SSL (0)
