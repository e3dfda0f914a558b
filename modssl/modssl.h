/*
 * modssl: TLS/DTLS for MicroPython over mbedTLS.
 *
 * Shared declarations between the module's files:
 *   modssl.c       the `tls` module table, constants and exception types
 *   ssl_context.c  SSLContext: keys, certificates, verification, ciphers,
 *                  versions, ALPN, DTLS cookies, session tickets
 *   ssl_conn.c     the connection core (one mbedtls_ssl_context and its
 *                  state) and its two faces: the socket stream (TLS and
 *                  DTLS) and the memory-BIO object
 *   ssl_io.c       the core's I/O callbacks: stream (with the handshake
 *                  cork), datagram wait, MemoryBIO, DTLS timer
 *   ssl_bio.c      MemoryBIO, the in-memory transport for the BIO face
 *   ssl_x509.c     certificate helpers: getpeercert() dicts, data loading
 *   ssl_errors.c   mbedTLS error codes to OSError with readable text
 *   ec_x25519.c    X25519 for mbedTLS's Curve25519 (patches/mbedtls/0008)
 *   ssl_testhooks.c  test-only functions (unix build, MODSSL_TEST_HOOKS)
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MODSSL_MODSSL_H
#define MODSSL_MODSSL_H

#include "py/obj.h"
#include "py/stream.h"

#include "mbedtls/ssl.h"
#include "mbedtls/x509_crt.h"
#include "mbedtls/pk.h"
#include "mbedtls/ssl_cookie.h"
#include "mbedtls/ssl_ticket.h"

// Values of the PROTOCOL_* constants: bit 0 selects the server endpoint,
// bit 1 the datagram transport.  They match upstream MicroPython's values.
#define MODSSL_PROTOCOL_IS_SERVER (1)
#define MODSSL_PROTOCOL_IS_DTLS (2)
#define MODSSL_PROTOCOL_TLS_CLIENT (0)
#define MODSSL_PROTOCOL_TLS_SERVER (MODSSL_PROTOCOL_IS_SERVER)
#define MODSSL_PROTOCOL_DTLS_CLIENT (MODSSL_PROTOCOL_IS_DTLS)
#define MODSSL_PROTOCOL_DTLS_SERVER (MODSSL_PROTOCOL_IS_DTLS | MODSSL_PROTOCOL_IS_SERVER)

// TLS version numbers as on the wire (CPython's TLSVersion values).
#define MODSSL_TLS_1_2 (0x0303)
#define MODSSL_TLS_1_3 (0x0304)

// An I/O callback failed with an errno stored in the connection.
#define MODSSL_ERR_TRANSPORT (-0x7F00)

typedef struct _mp_obj_ssl_context_t {
    mp_obj_base_t base;
    mbedtls_ssl_config conf;
    mbedtls_x509_crt cacert;
    mbedtls_x509_crt cert;
    mbedtls_pk_context pkey;
    #if defined(MBEDTLS_SSL_COOKIE_C)
    mbedtls_ssl_cookie_ctx cookie;
    #endif
    #if defined(MBEDTLS_SSL_TICKET_C)
    mbedtls_ssl_ticket_context ticket;
    #endif
    int *ciphersuites;              // zero-terminated, GC heap; NULL = defaults
    const char **alpn_protocols;    // NULL-terminated, GC heap; strings kept by alpn_list
    mp_obj_t alpn_list;
    mp_obj_t verify_callback;
    uint8_t protocol;               // one of MODSSL_PROTOCOL_*
    uint8_t verify_mode;            // MBEDTLS_SSL_VERIFY_*
    bool check_hostname;
    bool has_ca;
    bool has_cert;
    bool keep_buffers;              // False (default): idle connections release their record buffers
    uint16_t minimum_version;
    uint16_t maximum_version;
    uint16_t max_fragment_length;   // RFC 6066 request; 0 = none
} mp_obj_ssl_context_t;

// How a connection reaches its peer.
typedef enum {
    MODSSL_TRANSPORT_STREAM,        // a socket-like stream object (TLS, or DTLS over UDP)
    MODSSL_TRANSPORT_BIO,           // a pair of MemoryBIO objects
} modssl_transport_t;

// The connection core, shared by the socket face and the memory-BIO face.
typedef struct _mp_obj_ssl_conn_t {
    mp_obj_base_t base;
    mp_obj_ssl_context_t *context;  // keeps the mbedtls_ssl_config alive
    mp_obj_t sock;                  // underlying stream; MP_OBJ_NULL once closed
    mp_obj_t bio_in;                // MemoryBIO faces only
    mp_obj_t bio_out;
    mp_obj_t server_hostname;
    mbedtls_ssl_context ssl;
    int last_error;                 // sticky fatal mbedTLS error, 0 if none
    int transport_errno;            // errno behind MODSSL_ERR_TRANSPORT
    uint32_t timer_start_ms;        // DTLS retransmission timer
    uint32_t timer_int_ms;
    uint32_t timer_fin_ms;
    uint8_t transport;              // modssl_transport_t
    uint8_t poll_mask;              // direction mbedTLS is waiting for
    bool server_side;
    bool handshake_done;
    bool ssl_live;                  // ssl holds resources that need freeing
    bool nonblocking;               // set through setblocking()/settimeout()
    bool closed;
    bool has_client_id;             // DTLS server: client_id was given
    byte *cork_buf;                 // TLS handshake records not yet written
    size_t cork_len;
    size_t cork_alloc;
} mp_obj_ssl_conn_t;

extern const mp_obj_type_t modssl_context_type;
extern const mp_obj_type_t modssl_socket_type;
extern const mp_obj_type_t modssl_object_type;
extern const mp_obj_type_t modssl_memory_bio_type;
extern const mp_obj_type_t modssl_type_SSLWantReadError;
extern const mp_obj_type_t modssl_type_SSLWantWriteError;
extern const mp_obj_type_t modssl_type_SSLCertVerificationError;

static inline bool modssl_conn_is_dtls(const mp_obj_ssl_conn_t *conn) {
    return (conn->context->protocol & MODSSL_PROTOCOL_IS_DTLS) != 0;
}

// ssl_io.c
void modssl_conn_attach_io(mp_obj_ssl_conn_t *conn);
int modssl_conn_flush_cork(mp_obj_ssl_conn_t *conn);
bool modssl_conn_sock_is_nonblocking(mp_obj_ssl_conn_t *conn);
int modssl_conn_timer_state(mp_obj_ssl_conn_t *conn);
bool modssl_conn_input_ready(mp_obj_ssl_conn_t *conn);

// ssl_conn.c
mp_obj_t modssl_conn_new(mp_obj_ssl_context_t *ctx, const mp_obj_type_t *face, mp_obj_t sock,
    mp_obj_t bio_in, mp_obj_t bio_out, bool server_side, mp_obj_t server_hostname, mp_obj_t client_id);
void modssl_conn_handshake(mp_obj_ssl_conn_t *conn);
void modssl_conn_set_session(mp_obj_ssl_conn_t *conn, mp_obj_t session);

// ssl_context.c
mp_obj_t modssl_cipher_iana_name(int id);

// ssl_bio.c
size_t modssl_bio_pending(mp_obj_t bio);
int modssl_bio_recv(mp_obj_t bio, byte *buf, size_t len, bool datagram);
void modssl_bio_send(mp_obj_t bio, const byte *buf, size_t len);

// ssl_x509.c
const byte *modssl_get_data(mp_obj_t obj, bool str_is_path, size_t *len, bool *is_pem);
mp_obj_t modssl_cert_to_dict(const mbedtls_x509_crt *crt);

// ssl_context.c: PSA crypto, started once per VM (and stopped at soft reset).
void modssl_psa_init(void);

#if MODSSL_TEST_HOOKS
// ssl_testhooks.c: tls._x25519, _p256_verify and _p256_muladd.
extern const mp_obj_fun_builtin_var_t modssl_x25519_obj;
extern const mp_obj_fun_builtin_fixed_t modssl_p256_verify_obj;
extern const mp_obj_fun_builtin_var_t modssl_p256_muladd_obj;
#endif

// ssl_errors.c
NORETURN void modssl_raise_error(int err);
NORETURN void modssl_raise_conn_error(mp_obj_ssl_conn_t *conn, int err);
NORETURN void modssl_raise_want(bool want_write);
void modssl_format_verify_flags(vstr_t *vstr, uint32_t flags);

#endif // MODSSL_MODSSL_H
