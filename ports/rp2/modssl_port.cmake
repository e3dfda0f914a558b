# Compiler options for the C modssl brings to an rp2 firmware: mbedTLS's
# library files and modssl's own (modssl/*.c, ports/rp2/modssl_port.c).
# Included by modssl/micropython.cmake once the sources are known, in the
# port's directory scope, so source-file properties reach the firmware
# target.  MicroPython, the pico-sdk and libc keep the port's flags (-Os,
# MinSizeRel), as in a stock build of the same board: the size comparison
# stays like for like.
#
# Link-time optimisation (docs/flash.md has its bytes and cycles): on by
# default; a board turns it off in its mpconfigboard.cmake with
#   set(MODSSL_LTO OFF)
# -Oz is not offered: GCC 12 makes the same Thumb code for it as for -Os.

if(NOT DEFINED MODSSL_LTO)
    set(MODSSL_LTO ON)
endif()

if(MODSSL_LTO)
    set(_modssl_lto_sources ${_modssl_all_sources})
    get_target_property(_modssl_own_sources usermod_modssl INTERFACE_SOURCES)
    list(APPEND _modssl_lto_sources ${_modssl_own_sources})
    # Objects with GCC's intermediate code only (no -ffat-lto-objects): the
    # firmware's link is their only user.
    set_source_files_properties(${_modssl_lto_sources} PROPERTIES COMPILE_OPTIONS -flto)
    # The link runs the LTO back end over those objects, two partitions at a
    # time; each function keeps the -Os it was compiled with, and gets a
    # section of its own (so does each variable) for the linker's
    # --gc-sections, as the port's other objects do; -fipa-pta (points-to
    # analysis over the whole of it) saves another 552 bytes.  The pico-sdk's --wrap options (memcpy, memset, malloc,
    # printf, the float and divider functions) still apply: the functions
    # they wrap are outside the LTO objects, and calls from them link to the
    # __wrap_ versions as before (checked in the map).  usermod.cmake runs
    # before the firmware target exists: the option reaches its link through
    # the interface library.
    target_link_options(usermod_modssl INTERFACE -flto=2 -ffunction-sections -fdata-sections -fipa-pta)
endif()
