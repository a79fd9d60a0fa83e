/*
 * The raw libsecp256k1 verification rates of this machine, in plain C, to
 * cross-check the references the Limit.* benchmarks measure through Swift.
 *
 *   gcc -O2 Benchmarks/tools/bench-verify.c -lsecp256k1 -o /tmp/bench-verify && /tmp/bench-verify
 *
 * Two loops, one thread, 20,000 iterations each, five rounds:
 * - "parse + verify": the loop of libsecp256k1's own `ecdsa_verify`
 *   benchmark (src/bench.c): parse the 33-byte compressed public key, parse
 *   the DER signature, verify; the signature is changed in every iteration
 *   (so all but the first fail, at the last step) and changed back.
 * - "verify only": secp256k1_ecdsa_verify on a key and a signature parsed
 *   once, before the loop.
 */
#include <secp256k1.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void check(int ok, const char *what) {
    if (!ok) {
        fprintf(stderr, "bench-verify: %s failed\n", what);
        exit(1);
    }
}

int main(void) {
    enum { iterations = 20000, rounds = 5 };
    secp256k1_context *ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    unsigned char message[32], secret[32], der[72], serialized[33];
    size_t derLength = sizeof der, keyLength = sizeof serialized;
    secp256k1_ecdsa_signature signature;
    secp256k1_pubkey key;
    for (int i = 0; i < 32; i++) {
        message[i] = (unsigned char)(1 + i);
        secret[i] = (unsigned char)(33 + i);
    }
    check(secp256k1_ecdsa_sign(ctx, &signature, message, secret, NULL, NULL), "sign");
    check(secp256k1_ecdsa_signature_serialize_der(ctx, der, &derLength, &signature), "serialize signature");
    check(secp256k1_ec_pubkey_create(ctx, &key, secret), "create key");
    check(secp256k1_ec_pubkey_serialize(ctx, serialized, &keyLength, &key, SECP256K1_EC_COMPRESSED), "serialize key");

    printf("%-7s %-28s %-28s %s\n", "round", "parse + verify (bench.c)", "verify only (pre-parsed)", "ratio");
    for (int round = 1; round <= rounds; round++) {
        double start = seconds();
        for (int i = 0; i < iterations; i++) {
            secp256k1_pubkey parsedKey;
            secp256k1_ecdsa_signature parsedSignature;
            der[derLength - 1] ^= (unsigned char)(i & 0xFF);
            der[derLength - 2] ^= (unsigned char)((i >> 8) & 0xFF);
            der[derLength - 3] ^= (unsigned char)((i >> 16) & 0xFF);
            check(secp256k1_ec_pubkey_parse(ctx, &parsedKey, serialized, keyLength), "parse key");
            check(secp256k1_ecdsa_signature_parse_der(ctx, &parsedSignature, der, derLength), "parse signature");
            check(secp256k1_ecdsa_verify(ctx, &parsedSignature, message, &parsedKey) == (i == 0), "verify");
            der[derLength - 1] ^= (unsigned char)(i & 0xFF);
            der[derLength - 2] ^= (unsigned char)((i >> 8) & 0xFF);
            der[derLength - 3] ^= (unsigned char)((i >> 16) & 0xFF);
        }
        double middle = seconds();
        for (int i = 0; i < iterations; i++) {
            check(secp256k1_ecdsa_verify(ctx, &signature, message, &key) == 1, "verify");
        }
        double end = seconds();
        double withParse = iterations / (middle - start), verifyOnly = iterations / (end - middle);
        printf("%-7d %6.1f us = %6.0f /s        %6.1f us = %6.0f /s        %.3f\n", round,
               1e6 / withParse, withParse, 1e6 / verifyOnly, verifyOnly, withParse / verifyOnly);
    }
    secp256k1_context_destroy(ctx);
    return 0;
}
