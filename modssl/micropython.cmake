# modssl as a MicroPython user C module for CMake-based ports (rp2, esp32).
#
# Pass USER_C_MODULES=/abs/path/to/modssl/micropython.cmake.  One mbedTLS
# per firmware, configured once:
#
# - ESP-IDF (esp32): the module compiles no mbedTLS at all.  It links IDF's
#   own mbedTLS component (hardware AES/SHA/MPI) whose options come from
#   sdkconfig; ports/esp32/sdkconfig.modssl turns on what modssl needs.
# - Ports that compile mbedTLS themselves (rp2: extmod's micropy_lib_mbedtls,
#   always built for hashlib and cryptolib): that library is switched to the
#   project's configuration (ports/<port>/mbedtls_config_port.h) and given
#   every library file, so TLS 1.3, PSA, DTLS cookies and tickets link.
#   hashlib, cryptolib and modssl then share the one copy.
# - Any other CMake port: the module compiles mbedTLS from MODSSL_MBEDTLS_DIR.
#
# Upstream's `tls` module must stay off (MICROPY_PY_SSL=0 in the board):
# modssl registers the `tls` module name itself.

add_library(usermod_modssl INTERFACE)

get_filename_component(MODSSL_DIR ${CMAKE_CURRENT_LIST_DIR} ABSOLUTE)
get_filename_component(MODSSL_REPO ${MODSSL_DIR}/.. ABSOLUTE)

target_sources(usermod_modssl INTERFACE
    ${MODSSL_DIR}/modssl.c
    ${MODSSL_DIR}/ssl_bio.c
    ${MODSSL_DIR}/ssl_conn.c
    ${MODSSL_DIR}/ssl_context.c
    ${MODSSL_DIR}/ssl_errors.c
    ${MODSSL_DIR}/ssl_io.c
    ${MODSSL_DIR}/ssl_verify.c
    ${MODSSL_DIR}/ssl_psk.c
    ${MODSSL_DIR}/ssl_sign.c
    ${MODSSL_DIR}/ssl_x509.c
)

target_include_directories(usermod_modssl INTERFACE ${MODSSL_DIR})

if(ESP_PLATFORM OR IDF_TARGET)
    # ESP-IDF's mbedTLS, configured by sdkconfig: nothing to compile here.
    if(TARGET idf::mbedtls)
        target_link_libraries(usermod_modssl INTERFACE idf::mbedtls)
    endif()
    # The esp32 port sets MICROPY_PY_SSL unconditionally; the board points
    # MODSSL_MP_CONFIGFILE at a wrapper that turns upstream's `tls` off.
    # The definition reaches every MicroPython file, the qstr and module
    # scans included.
    if(MODSSL_MP_CONFIGFILE)
        target_compile_definitions(usermod_modssl INTERFACE MP_CONFIGFILE="${MODSSL_MP_CONFIGFILE}")
    endif()
else()
    # X25519 and P-256 verification for the one mbedTLS that is ours
    # (patches/mbedtls/0021 and 0022 call them when the configuration sets
    # MODSSL_ECP_X25519 / MODSSL_ECP_P256_MULADD); IDF's mbedTLS above is
    # not patched.
    target_sources(usermod_modssl INTERFACE ${MODSSL_DIR}/ec_x25519.c ${MODSSL_DIR}/ec_p256.c)

    # The port's name picks its configuration delta (ports/<port>/).
    if(NOT MODSSL_PORT_CONFIG_DIR)
        get_filename_component(_modssl_port ${MICROPY_PORT_DIR} NAME)
        set(MODSSL_PORT_CONFIG_DIR ${MODSSL_REPO}/ports/${_modssl_port})
    endif()
    if(NOT EXISTS ${MODSSL_PORT_CONFIG_DIR}/mbedtls_config_port.h)
        message(FATAL_ERROR
            "modssl: no mbedTLS configuration for this port "
            "(${MODSSL_PORT_CONFIG_DIR}/mbedtls_config_port.h): add one, see ports/unix/")
    endif()
    set(_modssl_config "${MODSSL_PORT_CONFIG_DIR}/mbedtls_config_port.h")
    # A port's own small C (ports/rp2/modssl_port.c: a compact strstr).
    if(EXISTS ${MODSSL_PORT_CONFIG_DIR}/modssl_port.c)
        target_sources(usermod_modssl INTERFACE ${MODSSL_PORT_CONFIG_DIR}/modssl_port.c)
    endif()

    # The include path reaches every file of the firmware (an INTERFACE
    # library's includes propagate), so the port's own mbedTLS code, hashlib
    # and cryptolib see the same configuration as the library.
    target_include_directories(usermod_modssl INTERFACE
        ${MODSSL_PORT_CONFIG_DIR}
        ${MODSSL_REPO}/ports/common
    )

    if(TARGET micropy_lib_mbedtls)
        # MICROPY_LIB_MBEDTLS_DIR: set by extmod/extmod.cmake with the library.
        get_target_property(_modssl_port_sources micropy_lib_mbedtls INTERFACE_SOURCES)
        file(GLOB _modssl_all_sources ${MICROPY_LIB_MBEDTLS_DIR}/library/*.c)
        list(SORT _modssl_all_sources)
        # error.c is replaced by MicroPython's compact mp_mbedtls_errors.c,
        # which the port's list already has: both define mbedtls_strerror().
        list(FILTER _modssl_all_sources EXCLUDE REGEX "/library/error\\.c$")
        list(FILTER _modssl_port_sources EXCLUDE REGEX "/library/[^/]*\\.c$")
        set_property(TARGET micropy_lib_mbedtls PROPERTY
            INTERFACE_SOURCES ${_modssl_port_sources} ${_modssl_all_sources})
        set_property(TARGET micropy_lib_mbedtls PROPERTY
            INTERFACE_COMPILE_DEFINITIONS MBEDTLS_CONFIG_FILE="${_modssl_config}")
    else()
        if(NOT MODSSL_MBEDTLS_DIR)
            message(FATAL_ERROR "modssl: set MODSSL_MBEDTLS_DIR to an mbedTLS 3.6 tree")
        endif()
        file(GLOB _modssl_all_sources ${MODSSL_MBEDTLS_DIR}/library/*.c)
        target_sources(usermod_modssl INTERFACE ${_modssl_all_sources})
        target_include_directories(usermod_modssl INTERFACE ${MODSSL_MBEDTLS_DIR}/include)
        target_compile_definitions(usermod_modssl INTERFACE MBEDTLS_CONFIG_FILE="${_modssl_config}")
    endif()
endif()

target_link_libraries(usermod INTERFACE usermod_modssl)
