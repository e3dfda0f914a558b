/*
 * The mbedTLS configuration shared by every modssl firmware.
 *
 * A port's mbedtls_config_port.h (ports/<port>/) sets its few deltas --
 * memory hooks, entropy, time, assembly -- and then includes this file.
 * Levers for speed and memory are listed in docs/ and measured by bench/.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MODSSL_MBEDTLS_CONFIG_MODSSL_H
#define MODSSL_MBEDTLS_CONFIG_MODSSL_H

// System support.
#define MBEDTLS_HAVE_TIME
#define MBEDTLS_HAVE_TIME_DATE
#define MBEDTLS_DEPRECATED_REMOVED
#define MBEDTLS_AES_ROM_TABLES

// Protocols: TLS 1.2 and 1.3, DTLS 1.2 with HelloVerify cookies and
// anti-replay.  Renegotiation stays off: it is refused (RFC 5746 peers see
// no_renegotiation), which removes a class of attacks.
#define MBEDTLS_SSL_PROTO_TLS1_2
#define MBEDTLS_SSL_PROTO_TLS1_3
#define MBEDTLS_SSL_TLS1_3_COMPATIBILITY_MODE
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL_ENABLED
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_EPHEMERAL_ENABLED
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_ENABLED
#define MBEDTLS_SSL_PROTO_DTLS
#define MBEDTLS_SSL_DTLS_ANTI_REPLAY
#define MBEDTLS_SSL_DTLS_HELLO_VERIFY
#define MBEDTLS_SSL_DTLS_CLIENT_PORT_REUSE

// TLS features.
#define MBEDTLS_SSL_SERVER_NAME_INDICATION
#define MBEDTLS_SSL_ALPN
#define MBEDTLS_SSL_SESSION_TICKETS
#define MBEDTLS_SSL_KEEP_PEER_CERTIFICATE
#define MBEDTLS_SSL_ENCRYPT_THEN_MAC
#define MBEDTLS_SSL_EXTENDED_MASTER_SECRET
#define MBEDTLS_SSL_MAX_FRAGMENT_LENGTH
// Send the precise alert for every failure (decode_error, bad_record_mac...).
#define MBEDTLS_SSL_ALL_ALERT_MESSAGES

// Key exchanges for TLS 1.2 (TLS 1.3 uses (EC)DHE always).
#define MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED
#define MBEDTLS_KEY_EXCHANGE_RSA_ENABLED
// Pre-shared keys (modssl/ssl_psk.c): PSK and ECDHE-PSK suites, DTLS PSK
// with AES-128-CCM-8 for CoAP and LwM2M; TLS 1.3 PSK modes are above.
#define MBEDTLS_KEY_EXCHANGE_PSK_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_PSK_ENABLED

// Curves: X25519 and the NIST curves peers actually use.
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_DP_SECP384R1_ENABLED
#define MBEDTLS_ECP_DP_SECP521R1_ENABLED
#define MBEDTLS_ECP_DP_CURVE25519_ENABLED
#define MBEDTLS_ECP_NIST_OPTIM
// Curve25519 (X25519 key generation and shared secret, in TLS 1.2, 1.3,
// DTLS and PSA) through modssl's constant-time X25519, modssl/ec_x25519.c,
// instead of mbedTLS's generic ladder (patches/mbedtls/0021).
#define MODSSL_ECP_X25519
// ECDSA P-256 verification's u1 G + u2 Q (mbedtls_ecp_muladd, public inputs
// only) through modssl/ec_p256.c (patches/mbedtls/0022).  Needs
// MODSSL_ECP_X25519's products.
#define MODSSL_ECP_P256_MULADD
// P-256 k P for secret k (mbedtls_ecp_mul: key generation, ECDSA signing,
// ECDH, PSA) through modssl/ec_p256.c's constant-time code
// (patches/mbedtls/0035).  Needs MODSSL_ECP_P256_MULADD's field arithmetic.
#define MODSSL_ECP_P256_MUL
#define MBEDTLS_ECDSA_DETERMINISTIC

// Signatures: PKCS#1 v1.5 and RSA-PSS (TLS 1.3 requires rsa_pss_rsae_*).
#define MBEDTLS_PKCS1_V15
// EC keys held outside the firmware sign through ecdsa_sign_callback
// (modssl/ssl_sign.c, patches/mbedtls/0019).
#define MBEDTLS_PK_ECDSA_ALT_SUPPORT
#define MBEDTLS_PKCS1_V21
#define MBEDTLS_X509_RSASSA_PSS_SUPPORT
// RSA and EC keys sign, verify and check pairs through the RSA and ECDSA
// modules directly, not written out and imported into PSA for each
// operation (patches/mbedtls/0065): less flash, heap and time, the same
// signatures and verdicts.
#define MODSSL_PK_LEGACY_SIGN
// modssl makes no opaque (PSA key id) pk keys: mbedtls_pk_setup_opaque()
// refuses, and pk's run-time branches for them are not compiled
// (patches/mbedtls/0067).
#define MODSSL_PK_NO_OPAQUE
// RSA private keys only complete (every parser reads all their values):
// mbedtls_rsa_complete() deduces no missing P, Q, D or CRT values
// (patches/mbedtls/0056).
#define MODSSL_RSA_NO_KEY_DEDUCTION

// Ciphers: AEAD (AES-GCM, AES-CCM, ChaCha20-Poly1305) by default; CBC only
// when set_ciphers() asks for it.  CTR for cryptolib.
#define MBEDTLS_CIPHER_MODE_CBC
#define MBEDTLS_CIPHER_MODE_CTR
#define MBEDTLS_CIPHER_PADDING_PKCS7

// Record buffers: a conforming endpoint accepts 16 KiB records; outgoing
// records are cut at 4 KiB to keep RAM down.
// Guarded so a build (bench/ memory variants) can override them with -D.
#ifndef MBEDTLS_SSL_IN_CONTENT_LEN
#define MBEDTLS_SSL_IN_CONTENT_LEN (16384)
#endif
#ifndef MBEDTLS_SSL_OUT_CONTENT_LEN
#define MBEDTLS_SSL_OUT_CONTENT_LEN (4096)
#endif
#define MBEDTLS_SSL_DTLS_MAX_BUFFERING (16384)
// Record buffers follow the max_fragment_length a TLS 1.2 connection agreed
// on (`ctx.max_fragment_length`, RFC 6066): they shrink after the handshake,
// a per-context buffer size chosen at run time.  Without one they keep the
// sizes above (patches/mbedtls/0006 makes mbedTLS honour only agreed values).
#define MBEDTLS_SSL_VARIABLE_BUFFER_LENGTH

// Modules.
#define MBEDTLS_AES_C
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C
#define MBEDTLS_BASE64_C
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_CCM_C
#define MBEDTLS_CHACHA20_C
#define MBEDTLS_CHACHAPOLY_C
#define MBEDTLS_CIPHER_C
#define MBEDTLS_CTR_DRBG_C
#define MBEDTLS_ECDH_C
#define MBEDTLS_ECDSA_C
#define MBEDTLS_ECP_C
#define MBEDTLS_ENTROPY_C
#define MBEDTLS_ERROR_C
#define MBEDTLS_GCM_C
#define MBEDTLS_HKDF_C
#define MBEDTLS_HMAC_DRBG_C
#define MBEDTLS_MD_C
#define MBEDTLS_MD5_C
#define MBEDTLS_OID_C
#define MBEDTLS_PEM_PARSE_C
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C
#define MBEDTLS_PK_WRITE_C
// PKCS#5 PBES2: encrypted PKCS#8 keys (load_cert_chain(password=...)).
// PKCS#12 is not compiled: its PBE schemes need DES/3DES, which is not either.
#define MBEDTLS_PKCS5_C
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_POLY1305_C
#define MBEDTLS_PSA_CRYPTO_C
// PSA carries only the algorithms and key types TLS and modssl ask it for
// (ports/common/mbedtls_psa_config_modssl.h), not every one the legacy
// modules above could serve.
#define MBEDTLS_PSA_CRYPTO_CONFIG
#define MBEDTLS_PSA_CRYPTO_CONFIG_FILE "mbedtls_psa_config_modssl.h"
// TLS 1.2 through PSA too: needed for RSA-PSS signatures in TLS 1.2, which
// OpenSSL servers choose whenever the client offers them (and TLS 1.3 offers).
#define MBEDTLS_USE_PSA_CRYPTO
// Every connection holds PSA keys (ephemeral ECDHE, the peer's public key,
// record keys); a fixed slot table (32 by default) caps how many handshakes
// can run at once, and running out looks like a verification failure.
#define MBEDTLS_PSA_KEY_STORE_DYNAMIC
// PSA takes the caller's buffers as they are instead of copying each input
// and output into a fresh heap block first (modssl's buffers are never
// shared with another party): every TLS record made or opened took two such
// allocations, a quarter of a bulk transfer's instructions on unix, where
// each multi-block GC allocation scans the heap for a free run.
#define MBEDTLS_PSA_ASSUME_EXCLUSIVE_BUFFERS
#define MBEDTLS_RSA_C
#define MBEDTLS_SHA1_C
#define MBEDTLS_SHA224_C
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA384_C
#define MBEDTLS_SHA512_C
#define MBEDTLS_SSL_CLI_C
#define MBEDTLS_SSL_SRV_C
#define MBEDTLS_SSL_TLS_C
#define MBEDTLS_SSL_COOKIE_C
#define MBEDTLS_SSL_TICKET_C
#define MBEDTLS_VERSION_C
#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C
// The built-in root store (modssl/ssl_roots.c) serves trust anchors by issuer name.
#define MBEDTLS_X509_TRUSTED_CERTIFICATE_CALLBACK
// No human-readable certificate dumps (mbedtls_x509_crt_info,
// mbedtls_x509_crt_verify_info) nor the OID description texts behind them:
// modssl builds its own messages and getpeercert() from the parsed fields.
#define MBEDTLS_X509_REMOVE_INFO
// No cipher suite name strings in mbedTLS's suite table (patch 0069):
// modssl spells IANA's names from the suites' parts (modssl/ssl_ciphers.c).
#define MBEDTLS_SSL_CIPHERSUITE_NO_NAMES

// A firmware without DTLS (the harness's unix flavour "nodtls" builds one in
// CI, to prove modssl compiles and runs without it).
#if defined(MODSSL_NO_DTLS)
#undef MBEDTLS_SSL_PROTO_DTLS
#undef MBEDTLS_SSL_DTLS_ANTI_REPLAY
#undef MBEDTLS_SSL_DTLS_HELLO_VERIFY
#undef MBEDTLS_SSL_DTLS_CLIENT_PORT_REUSE
#undef MBEDTLS_SSL_COOKIE_C
#endif

#endif // MODSSL_MBEDTLS_CONFIG_MODSSL_H
