/*
 * modssl: TLS/DTLS for MicroPython over mbedTLS.
 *
 * Shared declarations between the module's files:
 *   modssl.c       the `tls` module table, constants and exception types
 *   ssl_context.c  SSLContext: keys, certificates, verification, versions,
 *                  ALPN, DTLS cookies, session tickets
 *   ssl_ciphers.c  cipher suite names and lists, get_ciphers/set_ciphers
 *   ssl_psa.c      PSA crypto started once per VM, stopped at soft reset
 *   ssl_conn.c     the connection core (one mbedtls_ssl_context and its
 *                  state) used by every face, and the methods they share
 *   ssl_socket.c   the socket face (SSLSocket, TLS and DTLS), wrap_socket
 *   ssl_dtls.c     DTLS in the core: timers, handshake deadline, MTU
 *   ssl_session.c  session resumption (the `session` attribute)
 *   ssl_io.c       the core's I/O callbacks: stream (with the handshake
 *                  cork), datagram wait, MemoryBIO, DTLS timer
 *   ssl_bio.c      the memory-BIO face: MemoryBIO, SSLObject, wrap_bio
 *   ssl_psk.c      pre-shared keys (TLS 1.2, TLS 1.3, DTLS 1.2)
 *   ssl_sign.c     ecdsa_sign_callback: signing with a key held elsewhere
 *   ssl_x509.c     certificate helpers: getpeercert() dicts, data loading
 *   ssl_verify.c   the peer's name (RFC 6125), the verify callback, why a
 *                  certificate failed (OpenSSL verify codes)
 *   ssl_roots.c    the built-in root store: load_default_certs(), lookup
 *                  by issuer name during verification (ssl_roots.h)
 *   ssl_errors.c   mbedTLS error codes to OSError with readable text; the
 *                  message texts (MODSSL_TEXT) spelled out
 *   ec_x25519.c    X25519 for mbedTLS's Curve25519 (patches/mbedtls/0021)
 *   ec_p256.c      P-256 for mbedTLS's secp256r1: verification's m P + n Q
 *                  (0022), constant-time k P for keys, signing, ECDH (0035)
 *   ssl_testhooks.c  test-only functions (unix build, MODSSL_TEST_HOOKS)
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MODSSL_MODSSL_H
#define MODSSL_MODSSL_H

#include "py/obj.h"
#include "py/stream.h"

// MicroPython's qstr scan on CMake ports runs without the definitions the
// build gives mbedTLS (only the module's include paths): name the port's
// configuration here, so the scan sees the QSTRs of features only ours
// enables.  Real compiles define MBEDTLS_CONFIG_FILE themselves.
#if !defined(MBEDTLS_CONFIG_FILE) && defined(__has_include)
#if __has_include("mbedtls_config_port.h")
#define MBEDTLS_CONFIG_FILE "mbedtls_config_port.h"
#endif
#endif

#include "mbedtls/ssl.h"
#include "mbedtls/x509_crt.h"
#include "mbedtls/pk.h"
#include "mbedtls/ssl_cookie.h"
#include "mbedtls/ssl_ticket.h"

// Read accessors for mbedTLS's record state, a certificate's path length,
// the handshake state and a cipher suite's parts (patches/mbedtls/0040-0042,
// 0068); an unpatched mbedTLS (ESP-IDF's) gets them from ports/esp32.
#if !defined(MODSSL_MBEDTLS_SSL_ACCESSORS) || !defined(MODSSL_MBEDTLS_X509_ACCESSORS) \
    || !defined(MODSSL_MBEDTLS_SSL_STATE_ACCESSOR) || !defined(MODSSL_MBEDTLS_SUITE_ACCESSORS)
#include "modssl_mbedtls_accessors.h"
#endif

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

// DTLS 1.2 (ssl_dtls.c and the DTLS paths of the core): built when mbedTLS
// has it.  A firmware without it has no PROTOCOL_DTLS_* constants.
#if defined(MBEDTLS_SSL_PROTO_DTLS)
#define MODSSL_HAS_DTLS (1)
#else
#define MODSSL_HAS_DTLS (0)
#endif

// Pre-shared keys: built when mbedTLS has a PSK key exchange (ssl_psk.c).
#if defined(MBEDTLS_KEY_EXCHANGE_PSK_ENABLED) || defined(MBEDTLS_KEY_EXCHANGE_ECDHE_PSK_ENABLED)
#define MODSSL_HAS_PSK (1)
#else
#define MODSSL_HAS_PSK (0)
#endif
typedef struct _modssl_psk_t modssl_psk_t;

// SSLContext.ecdsa_sign_callback (ssl_sign.c): needs patches/mbedtls/0019.
#if defined(MBEDTLS_PK_ECDSA_ALT_SUPPORT)
#define MODSSL_HAS_ECDSA_SIGN_CALLBACK (1)
#else
#define MODSSL_HAS_ECDSA_SIGN_CALLBACK (0)
#endif


// An I/O callback failed with an errno stored in the connection.  Outside
// mbedTLS's error space (0x0001-0x7FFF): it once was -0x7F00, which is also
// MBEDTLS_ERR_SSL_ALLOC_FAILED, and out of memory surfaced as OSError(0).
#define MODSSL_ERR_TRANSPORT (-0x10000)
// A DTLS server handshake passed its deadline (dtls_handshake_timeout).
#define MODSSL_ERR_DTLS_DEADLINE (-0x10001)

// Default deadline of a DTLS server handshake, counted from the first
// datagram it reads: garbage or a client that goes silent cannot hold a
// server in wrap_socket()/do_handshake() for longer.
#ifndef MODSSL_DTLS_HANDSHAKE_TIMEOUT_MS
#define MODSSL_DTLS_HANDSHAKE_TIMEOUT_MS (20000)
#endif

// CPython's SSLCertVerificationError.verify_code values (OpenSSL 3's X509_V_ERR_*).
enum {
    MODSSL_V_UNSPECIFIED = 1,
    MODSSL_V_SIGNATURE = 7,
    MODSSL_V_NOT_YET_VALID = 9,
    MODSSL_V_EXPIRED = 10,
    MODSSL_V_SELF_SIGNED = 18,
    MODSSL_V_SELF_SIGNED_IN_CHAIN = 19,
    MODSSL_V_NO_LOCAL_ISSUER = 20,
    MODSSL_V_CHAIN_TOO_LONG = 22,
    MODSSL_V_REVOKED = 23,
    MODSSL_V_PATH_LENGTH = 25,
    MODSSL_V_PURPOSE = 26,
    MODSSL_V_UNHANDLED_CRITICAL = 34,
    MODSSL_V_PERMITTED_VIOLATION = 47,
    MODSSL_V_EXCLUDED_VIOLATION = 48,
    MODSSL_V_APPLICATION = 50,
    MODSSL_V_UNSUPPORTED_CONSTRAINT = 51,
    MODSSL_V_CONSTRAINT_SYNTAX = 52,
    MODSSL_V_HOSTNAME = 62,
    MODSSL_V_IP_ADDRESS = 64,
    MODSSL_V_EE_KEY_TOO_SMALL = 66,
    MODSSL_V_CA_KEY_TOO_SMALL = 67,
    MODSSL_V_CA_MD_TOO_WEAK = 68,
    MODSSL_V_UNSUPPORTED_SIG_ALG = 76,
    MODSSL_V_INVALID_CA = 79,
};

typedef struct _mp_obj_ssl_context_t {
    mp_obj_base_t base;
    mbedtls_ssl_config conf;
    mbedtls_x509_crt cacert;
    mbedtls_x509_crt cert;
    mbedtls_pk_context pkey;
    #if defined(MBEDTLS_SSL_COOKIE_C)
    mbedtls_ssl_cookie_ctx cookie;
    unsigned long cookie_timeout_s; // what `cookie` was given (mbedTLS has no getter)
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
    bool use_roots;                 // the built-in root store is trusted (ssl_roots.c)
    bool has_cert;
    bool keep_buffers;              // False (default): idle connections release their record buffers
    uint16_t minimum_version;
    uint16_t maximum_version;
    uint16_t max_fragment_length;   // RFC 6066 request; 0 = none
    uint16_t groups[2];             // set_ecdh_curve(): one TLS group id and 0; groups[0] = 0: mbedTLS's list
    #if MODSSL_HAS_DTLS
    uint32_t dtls_handshake_timeout_ms; // DTLS server handshake deadline; 0 = none
    #endif
    modssl_psk_t *psk;              // PSK settings (ssl_psk.c); NULL until one is set
    #if MODSSL_HAS_ECDSA_SIGN_CALLBACK
    mp_obj_t ecdsa_sign_callback;   // sign(key, digest) -> DER or None (ssl_sign.c)
    mp_obj_t sign_error;            // why the last signature failed (str), or NULL
    mbedtls_pk_context sign_pkey;   // the callback-backed key given to mbedTLS
    #endif
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
    #if MODSSL_HAS_DTLS
    uint32_t timer_start_ms;        // DTLS retransmission timer
    uint32_t timer_int_ms;
    uint32_t timer_fin_ms;
    uint32_t deadline_ms;           // DTLS server handshake deadline; 0 = none
    uint32_t deadline_start_ms;     // when the handshake read its first datagram
    #endif
    uint8_t transport;              // modssl_transport_t
    uint8_t poll_mask;              // direction mbedTLS is waiting for
    bool server_side;
    bool handshake_done;
    bool ssl_live;                  // ssl holds resources that need freeing
    bool nonblocking;               // set through setblocking()/settimeout()
    bool closed;
    bool has_client_id;             // DTLS server: client_id was given
    bool deadline_running;          // deadline_start_ms is set
    uint8_t verify_code;            // MODSSL_V_*: the first fault found in the peer's chain
    uint8_t verify_depth;           // which certificate of the chain it concerns
    char verify_subject[48];        // and that certificate's subject, for the message
    uint8_t nc_count;               // CAs of the chain being verified with name constraints:
    uint8_t nc_depth[4];            // their depths and certificates (valid only while
    const mbedtls_x509_crt *nc_crt[4]; // mbedTLS verifies, top first, leaf last)
    byte *cork_buf;                 // TLS handshake records not yet written
    size_t cork_len;
    size_t cork_alloc;
    #if MODSSL_HAS_PSK
    mp_obj_t psk_identity;          // identity offered (client) or received (server)
    mp_obj_t psk_error;             // why the server's key lookup failed (str)
    bool psk_key_found;             // server: the lookup gave a key
    #endif
} mp_obj_ssl_conn_t;

extern const mp_obj_type_t modssl_context_type;
extern const mp_obj_type_t modssl_socket_type;
extern const mp_obj_type_t modssl_object_type;
extern const mp_obj_type_t modssl_memory_bio_type;
extern const mp_obj_type_t modssl_type_SSLWantReadError;
extern const mp_obj_type_t modssl_type_SSLWantWriteError;
extern const mp_obj_type_t modssl_type_SSLCertVerificationError;

static inline bool modssl_conn_is_dtls(const mp_obj_ssl_conn_t *conn) {
    #if MODSSL_HAS_DTLS
    return (conn->context->protocol & MODSSL_PROTOCOL_IS_DTLS) != 0;
    #else
    (void)conn;
    return false; // no DTLS context can be made: the DTLS paths compile away
    #endif
}

static inline bool modssl_conn_is_bio(const mp_obj_ssl_conn_t *conn) {
    return conn->transport == MODSSL_TRANSPORT_BIO;
}

// ssl_io.c
void modssl_conn_attach_io(mp_obj_ssl_conn_t *conn);
int modssl_conn_flush_cork(mp_obj_ssl_conn_t *conn);
bool modssl_conn_sock_is_nonblocking(mp_obj_ssl_conn_t *conn);
bool modssl_conn_input_ready(mp_obj_ssl_conn_t *conn);
bool modssl_conn_nothing_to_read(mp_obj_ssl_conn_t *conn);

// ssl_conn.c: the connection core, for the faces (socket, memory BIO) and DTLS.
mp_obj_t modssl_conn_new(mp_obj_ssl_context_t *ctx, const mp_obj_type_t *face, mp_obj_t sock,
    mp_obj_t bio_in, mp_obj_t bio_out, bool server_side, mp_obj_t server_hostname, mp_obj_t client_id);
void modssl_conn_handshake(mp_obj_ssl_conn_t *conn);
void modssl_conn_free_ssl(mp_obj_ssl_conn_t *conn);
void modssl_conn_check_open(mp_obj_ssl_conn_t *conn);
int modssl_conn_check(mp_obj_ssl_conn_t *conn, int ret);
int modssl_conn_handshake_step(mp_obj_ssl_conn_t *conn);
int modssl_conn_read(mp_obj_ssl_conn_t *conn, byte *buf, size_t size);
int modssl_conn_write(mp_obj_ssl_conn_t *conn, const byte *buf, size_t size);
void modssl_conn_attr(mp_obj_t self_in, qstr attr, mp_obj_t *dest);

// ssl_dtls.c
#if MODSSL_HAS_DTLS
uint32_t modssl_dtls_ms_left(uint32_t start_ms, uint32_t period_ms);
void modssl_dtls_timer_set(void *ctx, uint32_t int_ms, uint32_t fin_ms);
int modssl_dtls_timer_get(void *ctx);
int32_t modssl_dtls_deadline_left(mp_obj_ssl_conn_t *conn);
void modssl_dtls_deadline_start(mp_obj_ssl_conn_t *conn);
void modssl_dtls_context_setup(mp_obj_ssl_context_t *self);
bool modssl_dtls_context_attr(mp_obj_ssl_context_t *self, qstr attr, mp_obj_t *dest);
MP_DECLARE_CONST_FUN_OBJ_1(modssl_conn_dtls_get_timeout_obj);
MP_DECLARE_CONST_FUN_OBJ_1(modssl_conn_dtls_handle_timeout_obj);
MP_DECLARE_CONST_FUN_OBJ_2(modssl_conn_set_mtu_obj);
#define MODSSL_CONN_DTLS_METHODS \
    { MP_ROM_QSTR(MP_QSTR_dtls_get_timeout), MP_ROM_PTR(&modssl_conn_dtls_get_timeout_obj) }, \
    { MP_ROM_QSTR(MP_QSTR_dtls_handle_timeout), MP_ROM_PTR(&modssl_conn_dtls_handle_timeout_obj) }, \
    { MP_ROM_QSTR(MP_QSTR_set_mtu), MP_ROM_PTR(&modssl_conn_set_mtu_obj) },
#else
#define MODSSL_CONN_DTLS_METHODS
#endif

// The methods both faces have (ssl_conn.c, ssl_dtls.c).
MP_DECLARE_CONST_FUN_OBJ_1(modssl_conn_do_handshake_obj);
MP_DECLARE_CONST_FUN_OBJ_VAR_BETWEEN(modssl_conn_getpeercert_obj);
MP_DECLARE_CONST_FUN_OBJ_1(modssl_conn_cipher_obj);
MP_DECLARE_CONST_FUN_OBJ_1(modssl_conn_version_obj);
MP_DECLARE_CONST_FUN_OBJ_1(modssl_conn_selected_alpn_protocol_obj);
MP_DECLARE_CONST_FUN_OBJ_1(modssl_conn_pending_obj);
MP_DECLARE_CONST_FUN_OBJ_1(modssl_conn___del___obj);
#define MODSSL_CONN_COMMON_METHODS \
    { MP_ROM_QSTR(MP_QSTR_do_handshake), MP_ROM_PTR(&modssl_conn_do_handshake_obj) }, \
    { MP_ROM_QSTR(MP_QSTR_getpeercert), MP_ROM_PTR(&modssl_conn_getpeercert_obj) }, \
    { MP_ROM_QSTR(MP_QSTR_cipher), MP_ROM_PTR(&modssl_conn_cipher_obj) }, \
    { MP_ROM_QSTR(MP_QSTR_version), MP_ROM_PTR(&modssl_conn_version_obj) }, \
    { MP_ROM_QSTR(MP_QSTR_selected_alpn_protocol), MP_ROM_PTR(&modssl_conn_selected_alpn_protocol_obj) }, \
    { MP_ROM_QSTR(MP_QSTR_pending), MP_ROM_PTR(&modssl_conn_pending_obj) }, \
    MODSSL_CONN_DTLS_METHODS \
    { MP_ROM_QSTR(MP_QSTR___del__), MP_ROM_PTR(&modssl_conn___del___obj) }

// ssl_session.c
mp_obj_t modssl_conn_get_session(mp_obj_ssl_conn_t *conn);
void modssl_conn_set_session(mp_obj_ssl_conn_t *conn, mp_obj_t session);

// ssl_socket.c, ssl_bio.c: SSLContext.wrap_socket(), wrap_bio().
MP_DECLARE_CONST_FUN_OBJ_KW(modssl_context_wrap_socket_obj);
MP_DECLARE_CONST_FUN_OBJ_KW(modssl_context_wrap_bio_obj);

// ssl_context.c
bool modssl_context_server_side(mp_obj_ssl_context_t *self, bool server_side);

// ssl_ciphers.c
void modssl_context_set_default_ciphers(mp_obj_ssl_context_t *self);
MP_DECLARE_CONST_FUN_OBJ_1(modssl_context_get_ciphers_obj);
MP_DECLARE_CONST_FUN_OBJ_2(modssl_context_set_ciphers_obj);
MP_DECLARE_CONST_FUN_OBJ_2(modssl_context_set_ecdh_curve_obj);
mp_obj_t modssl_cipher_iana_name(int id);
bool modssl_cipher_is_tls13(int id);
bool modssl_cipher_is_aead(int id);
bool modssl_cipher_is_psk(int id);
int *modssl_ciphers_where(bool (*keep)(int id));

// ssl_psk.c
#if MODSSL_HAS_PSK
extern const mp_obj_type_t modssl_type_PSKValueError;
bool modssl_psk_enabled(const mp_obj_ssl_context_t *ctx);
bool modssl_psk_attr(mp_obj_ssl_context_t *self, qstr attr, mp_obj_t *dest);
void modssl_psk_apply(mp_obj_ssl_context_t *ctx);
int *modssl_psk_all_suites(void);
const int *modssl_psk_suites(const mp_obj_ssl_context_t *ctx);
void modssl_psk_conn_setup(mp_obj_ssl_conn_t *conn);
void modssl_psk_raise_local(mp_obj_ssl_conn_t *conn, int err);
void modssl_psk_annotate_alert(mp_obj_ssl_conn_t *conn, uint8_t code, vstr_t *vstr);
#else
static inline bool modssl_psk_enabled(const mp_obj_ssl_context_t *ctx) {
    (void)ctx;
    return false;
}
#endif

// ssl_sign.c
#if MODSSL_HAS_ECDSA_SIGN_CALLBACK
void modssl_sign_apply(mp_obj_ssl_context_t *ctx);
bool modssl_sign_key_optional(mp_obj_ssl_context_t *ctx);
bool modssl_sign_attr(mp_obj_ssl_context_t *ctx, qstr attr, mp_obj_t *dest);
void modssl_sign_raise(mp_obj_ssl_conn_t *conn, int err);
#endif

// ssl_bio.c
size_t modssl_bio_pending(mp_obj_t bio);
bool modssl_bio_readable(mp_obj_t bio);
int modssl_bio_recv(mp_obj_t bio, byte *buf, size_t len, bool datagram);
void modssl_bio_send(mp_obj_t bio, const byte *buf, size_t len);

// ssl_x509.c
MP_DECLARE_CONST_FUN_OBJ_1(modssl_x509_attr_name_obj); // tls._x509_attr_name
const byte *modssl_get_data(mp_obj_t obj, bool str_is_path, size_t *len, bool *is_pem);
mp_obj_t modssl_cert_to_dict(const mbedtls_x509_crt *crt);

// ssl_verify.c
void modssl_check_server_hostname(mp_obj_t host);
int modssl_verify_cb(void *conn_in, mbedtls_x509_crt *crt, int depth, uint32_t *flags);
void modssl_verify_note(mp_obj_ssl_conn_t *conn, uint8_t code, int depth, const mbedtls_x509_crt *crt);
int modssl_x509_parse_explain(mbedtls_x509_crt *chain, const byte *der, size_t len, vstr_t *vstr);
uint8_t modssl_peer_parse_explain(mp_obj_ssl_conn_t *conn, vstr_t *vstr);

// ssl_psa.c: PSA crypto, started once per VM (and stopped at soft reset).
void modssl_psa_init(void);

#if MODSSL_TEST_HOOKS
// ssl_testhooks.c: tls._x25519, _p256_verify, _p256_muladd, _p256_ecdh,
// _p256_sign, _p256_generate and _cipher_suites.
extern const mp_obj_fun_builtin_var_t modssl_x25519_obj;
extern const mp_obj_fun_builtin_fixed_t modssl_p256_verify_obj;
extern const mp_obj_fun_builtin_var_t modssl_p256_muladd_obj;
extern const mp_obj_fun_builtin_var_t modssl_p256_ecdh_obj;
extern const mp_obj_fun_builtin_var_t modssl_p256_sign_obj;
extern const mp_obj_fun_builtin_fixed_t modssl_p256_generate_obj;
extern const mp_obj_fun_builtin_fixed_t modssl_cipher_suites_obj;
#endif

// ssl_errors.c
extern bool modssl_alloc_failed;
NORETURN void modssl_raise_error(int err);
// OSError(err, text) carrying CPython's SSLError.reason and .library
// (alert: the fatal alert received, 0 if none).
NORETURN void modssl_raise_tls(int err, mp_obj_t text, uint8_t alert);
void modssl_error_reason_attr(int err, uint8_t alert, mp_obj_t *dest, qstr attr);
NORETURN void modssl_raise_conn_error(mp_obj_ssl_conn_t *conn, int err);
NORETURN void modssl_raise_want(bool want_write);
// what: a MODSSL_TEXT.
NORETURN void modssl_raise_bad_value(const char *what, mp_obj_t value);

// modssl's message texts, compressed in flash.  MODSSL_TEXT("...") marks a
// text a user may see, at its call site; with MODSSL_TEXT_COMPRESSION the
// build's generated header (tools/modssl_harness/texts_gen.py) folds it to
// the text with dictionary words as bytes >= 0x80, and MODSSL_TEXTS(name,
// "a\0" "b\0") a packed table likewise.  A marked text goes only to the
// functions below, which spell the words out; a text the generator did not
// see is plain ASCII and comes out unchanged.  (%s arguments are never
// marked: they are printed as given.)
#if MODSSL_TEXT_COMPRESSION && !defined(NO_QSTR)
#include "modssl_texts_generated.h"
#define MODSSL_TEXT(s) modssl_text_fold(s)
#define MODSSL_TEXTS(name, s) MODSSL_TEXTS_##name
#else
#define MODSSL_TEXT(s) (s)
#define MODSSL_TEXTS(name, s) s
#define MODSSL_TEXT_WORDS ""
#endif
// Append text, spelled out.
void modssl_text_add(vstr_t *vstr, const char *text);
// Append fmt (spelled out) formatted with mp_printf's directives.
void modssl_text_printf(vstr_t *vstr, const char *fmt, ...);
// A new str object holding text, spelled out.
mp_obj_t modssl_text_str(const char *text);
// Raise type(text) / type(fmt % args) / OSError(errno_, text).  If the heap
// cannot hold the message, MemoryError.
NORETURN void modssl_raise_msg(const mp_obj_type_t *type, const char *text);
NORETURN void modssl_raise_msg_varg(const mp_obj_type_t *type, const char *fmt, ...);
NORETURN void modssl_raise_oserror(int errno_, const char *text);
// The same as modssl_raise_msg(&mp_type_ValueError / TypeError, text), in
// fewer bytes at each call site.
NORETURN void modssl_raise_ValueError(const char *text);
NORETURN void modssl_raise_TypeError(const char *text);

#endif // MODSSL_MODSSL_H
