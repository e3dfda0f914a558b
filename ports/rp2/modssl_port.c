/*
 * Small C library replacements for the rp2 firmware (flash).
 *
 * newlib's strstr() is a two-way string matcher of about 1 KB; the firmware
 * only searches PEM text for its markers (mbedTLS's pem.c, modssl's
 * certificate loading), a few KB for a pattern of a few dozen bytes, where
 * the plain search is as good.  Linked from an object file, this definition
 * keeps newlib's out of the image.  modssl/micropython.cmake compiles
 * ports/<port>/modssl_port.c when a port has one.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

char *strstr(const char *haystack, const char *needle) {
    size_t n = strlen(needle);
    for (;; haystack++) {
        if (strncmp(haystack, needle, n) == 0) {
            return (char *)haystack;
        }
        if (*haystack == '\0') {
            return NULL;
        }
    }
}
