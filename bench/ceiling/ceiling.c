/*
 * The library's own limit: the cryptography one TLS connection does, timed
 * straight through mbedTLS with modssl's configuration and no MicroPython.
 *
 *   AEAD throughput on 16 KiB records (AES-128-GCM, ChaCha20-Poly1305),
 *   sealing and opening, through PSA as TLS does under MBEDTLS_USE_PSA_CRYPTO;
 *   ECDHE (P-256, X25519) key generation + agreement, through PSA;
 *   ECDSA P-256 and RSA-2048 (PKCS#1 v1.5, SHA-256) sign and verify, through
 *   the pk layer as the TLS 1.2 handshake does.
 *
 * Usage: ceiling EC_KEY.der RSA_KEY.der SECONDS
 * Prints "name value" lines: *_MBps in 10^6 bytes/s, *_us per operation.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mbedtls/pk.h"
#include "psa/crypto.h"
#include "mbedtls/psa_util.h"

#define RECORD (16384)

static double seconds;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what, int ret) {
    fprintf(stderr, "ceiling: %s failed (%d)\n", what, ret);
    exit(1);
}

static unsigned char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        die(path, -1);
    }
    unsigned char *buf = malloc(16384);
    *len = fread(buf, 1, 16384, f);
    fclose(f);
    return buf;
}

// AEAD: seal and open one 16 KiB record repeatedly, as the record layer does.
static void aead(const char *name, psa_key_type_t type, size_t bits, psa_algorithm_t alg) {
    psa_key_attributes_t attr = PSA_KEY_ATTRIBUTES_INIT;
    psa_set_key_type(&attr, type);
    psa_set_key_bits(&attr, bits);
    psa_set_key_usage_flags(&attr, PSA_KEY_USAGE_ENCRYPT | PSA_KEY_USAGE_DECRYPT);
    psa_set_key_algorithm(&attr, alg);
    unsigned char key[32] = {1, 2, 3};
    psa_key_id_t id;
    psa_status_t st = psa_import_key(&attr, key, bits / 8, &id);
    if (st != PSA_SUCCESS) {
        die("import AEAD key", st);
    }
    static unsigned char plain[RECORD], sealed[RECORD + 16], opened[RECORD];
    unsigned char nonce[12] = {0}, aad[13] = {0};
    size_t n = 0, out;
    double t0 = now(), t;
    do {
        st = psa_aead_encrypt(id, alg, nonce, 12, aad, 13, plain, RECORD, sealed, sizeof(sealed), &out);
        n++;
    } while ((t = now() - t0) < seconds && st == PSA_SUCCESS);
    if (st != PSA_SUCCESS) {
        die("seal", st);
    }
    printf("%s_seal_MBps %.1f\n", name, n * RECORD / t / 1e6);
    n = 0;
    t0 = now();
    do {
        st = psa_aead_decrypt(id, alg, nonce, 12, aad, 13, sealed, out, opened, sizeof(opened), &out);
        out = RECORD + 16;
        n++;
    } while ((t = now() - t0) < seconds && st == PSA_SUCCESS);
    if (st != PSA_SUCCESS) {
        die("open", st);
    }
    printf("%s_open_MBps %.1f\n", name, n * RECORD / t / 1e6);
    psa_destroy_key(id);
}

// ECDHE: one side's work -- a fresh key pair and the agreement with the peer's share.
static void ecdhe(const char *name, psa_ecc_family_t family, size_t bits) {
    psa_key_attributes_t attr = PSA_KEY_ATTRIBUTES_INIT;
    psa_set_key_type(&attr, PSA_KEY_TYPE_ECC_KEY_PAIR(family));
    psa_set_key_bits(&attr, bits);
    psa_set_key_usage_flags(&attr, PSA_KEY_USAGE_DERIVE);
    psa_set_key_algorithm(&attr, PSA_ALG_ECDH);
    psa_key_id_t peer, mine;
    if (psa_generate_key(&attr, &peer) != PSA_SUCCESS) {
        die("peer key", 0);
    }
    unsigned char pub[200], secret[80];
    size_t publen, slen, n = 0;
    psa_export_public_key(peer, pub, sizeof(pub), &publen);
    double t0 = now(), t;
    do {
        psa_status_t st = psa_generate_key(&attr, &mine);
        if (st == PSA_SUCCESS) {
            st = psa_raw_key_agreement(PSA_ALG_ECDH, mine, pub, publen, secret, sizeof(secret), &slen);
        }
        if (st != PSA_SUCCESS) {
            die("ecdhe", st);
        }
        psa_destroy_key(mine);
        n++;
    } while ((t = now() - t0) < seconds);
    printf("ecdhe_%s_us %.1f\n", name, t / n * 1e6);
    psa_destroy_key(peer);
}

// Signatures over a SHA-256 digest, through the pk layer.
static void sign_verify(const char *name, const char *keyfile) {
    size_t len;
    unsigned char *der = read_file(keyfile, &len);
    mbedtls_pk_context pk;
    mbedtls_pk_init(&pk);
    int ret = mbedtls_pk_parse_key(&pk, der, len, NULL, 0, mbedtls_psa_get_random, MBEDTLS_PSA_RANDOM_STATE);
    if (ret != 0) {
        die("parse key", ret);
    }
    unsigned char hash[32] = {7}, sig[MBEDTLS_PK_SIGNATURE_MAX_SIZE];
    size_t siglen, n = 0;
    double t0 = now(), t;
    do {
        ret = mbedtls_pk_sign(&pk, MBEDTLS_MD_SHA256, hash, 32, sig, sizeof(sig), &siglen,
            mbedtls_psa_get_random, MBEDTLS_PSA_RANDOM_STATE);
        if (ret != 0) {
            die("sign", ret);
        }
        n++;
    } while ((t = now() - t0) < seconds);
    printf("%s_sign_us %.1f\n", name, t / n * 1e6);
    n = 0;
    t0 = now();
    do {
        ret = mbedtls_pk_verify(&pk, MBEDTLS_MD_SHA256, hash, 32, sig, siglen);
        if (ret != 0) {
            die("verify", ret);
        }
        n++;
    } while ((t = now() - t0) < seconds);
    printf("%s_verify_us %.1f\n", name, t / n * 1e6);
    mbedtls_pk_free(&pk);
    free(der);
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s EC_KEY.der RSA_KEY.der SECONDS\n", argv[0]);
        return 2;
    }
    seconds = atof(argv[3]);
    if (psa_crypto_init() != PSA_SUCCESS) {
        die("psa_crypto_init", 0);
    }
    aead("aes128gcm", PSA_KEY_TYPE_AES, 128, PSA_ALG_GCM);
    aead("chachapoly", PSA_KEY_TYPE_CHACHA20, 256, PSA_ALG_CHACHA20_POLY1305);
    ecdhe("p256", PSA_ECC_FAMILY_SECP_R1, 256);
    ecdhe("x25519", PSA_ECC_FAMILY_MONTGOMERY, 255);
    sign_verify("ecdsa_p256", argv[1]);
    sign_verify("rsa2048", argv[2]);
    mbedtls_psa_crypto_free();
    return 0;
}
