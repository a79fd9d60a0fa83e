/* Generic SHA-256 API, header jobs and run-time kernel dispatch. */
#include "obol_sha256.h"
#include "sha256_internal.h"
#include <string.h>

void obol_sha256_init_state(uint32_t state[8]) { memcpy(state, obol_sha256_iv, sizeof(obol_sha256_iv)); }

/* ---- CPU features, detected once ---------------------------------------- */
enum { CPU_KNOWN = 1, CPU_SHANI = 2, CPU_AVX2 = 4, CPU_AVX512 = 8 };
static unsigned obol_cpu_features_cache;

static unsigned obol_cpu_features(void) {
    unsigned f = __atomic_load_n(&obol_cpu_features_cache, __ATOMIC_RELAXED);
    if (f) return f;
    f = CPU_KNOWN;
#if OBOL_X86
    __builtin_cpu_init();
    if (__builtin_cpu_supports("sha") && __builtin_cpu_supports("sse4.1") &&
        __builtin_cpu_supports("ssse3"))
        f |= CPU_SHANI;
    if (__builtin_cpu_supports("avx2")) f |= CPU_AVX2;
    if (__builtin_cpu_supports("avx512f")) f |= CPU_AVX512;
#endif
    __atomic_store_n(&obol_cpu_features_cache, f, __ATOMIC_RELAXED);
    return f;
}

void obol_sha256_compress(uint32_t state[8], const uint8_t *blocks, size_t nblocks) {
    if (obol_cpu_features() & CPU_SHANI)
        obol_sha256_compress_shani(state, blocks, nblocks);
    else
        obol_sha256_compress_scalar(state, blocks, nblocks);
}

void obol_sha256(const uint8_t *data, size_t len, uint8_t out[32]) {
    uint32_t state[8];
    obol_sha256_init_state(state);
    size_t full = len / 64;
    if (full) obol_sha256_compress(state, data, full);
    uint8_t last[128];
    size_t rem = len - full * 64;
    memset(last, 0, sizeof(last));
    if (rem) memcpy(last, data + full * 64, rem);
    last[rem] = 0x80;
    size_t blocks = (rem + 9 <= 64) ? 1 : 2;
    uint64_t bits = (uint64_t)len * 8;
    for (int i = 0; i < 8; i++) last[blocks * 64 - 1 - i] = (uint8_t)(bits >> (8 * i));
    obol_sha256_compress(state, last, blocks);
    for (int i = 0; i < 8; i++) obol_store_be32(out + 4 * i, state[i]);
}

void obol_sha256d(const uint8_t *data, size_t len, uint8_t out[32]) {
    uint8_t first[32];
    obol_sha256(data, len, first);
    obol_sha256(first, 32, out);
}

void obol_header_job_init(obol_header_job *job, const uint8_t header[OBOL_HEADER_SIZE],
                          const uint8_t target_le[32]) {
    memset(job, 0, sizeof(*job));
    obol_sha256_init_state(job->midstate);
    obol_sha256_compress(job->midstate, header, 1);
    for (int i = 0; i < 8; i++) job->tail[i] = obol_load_be32(header + 64 + 4 * i);
    job->tail[6] = 0;
    job->tail[7] = 0;
    memcpy(job->target, target_le, 32);
}

void obol_header_job_hash(const obol_header_job *job, uint64_t nonce, uint8_t out[32]) {
    uint32_t w[16];
    for (int i = 0; i < 6; i++) w[i] = job->tail[i];
    /* The nonce is stored little-endian in header bytes 88..95. */
    w[6] = obol_bswap32((uint32_t)nonce);
    w[7] = obol_bswap32((uint32_t)(nonce >> 32));
    w[8] = 0x80000000u;
    for (int i = 9; i < 15; i++) w[i] = 0;
    w[15] = OBOL_HEADER_SIZE * 8;
    uint32_t state[8];
    memcpy(state, job->midstate, sizeof(state));
    obol_sha256_transform_words(state, w);
    /* Second hash over the 32-byte digest. */
    for (int i = 0; i < 8; i++) w[i] = state[i];
    w[8] = 0x80000000u;
    for (int i = 9; i < 15; i++) w[i] = 0;
    w[15] = 256;
    uint32_t s2[8];
    obol_sha256_init_state(s2);
    obol_sha256_transform_words(s2, w);
    for (int i = 0; i < 8; i++) obol_store_be32(out + 4 * i, s2[i]);
}

int obol_hash_meets_target(const uint8_t hash[32], const uint8_t target_le[32]) {
    for (int i = 31; i >= 0; i--) {
        if (hash[i] < target_le[i]) return 1;
        if (hash[i] > target_le[i]) return 0;
    }
    return 1;
}

int obol_kernel_available(obol_kernel kernel) {
    unsigned f = obol_cpu_features();
    switch (kernel) {
    case OBOL_KERNEL_AUTO:
    case OBOL_KERNEL_SCALAR: return 1;
    case OBOL_KERNEL_SHANI: return (f & CPU_SHANI) != 0;
    case OBOL_KERNEL_AVX2: return (f & CPU_AVX2) != 0;
    case OBOL_KERNEL_AVX512: return (f & CPU_AVX512) != 0;
    }
    return 0;
}

/* Fastest first, as measured by Tests/CSHA256Harness (M hashes/s on one core of
 * an AMD EPYC (Zen 5) at -O2: avx512 ~55, sha-ni ~27, avx2 ~15, scalar ~2.3).
 * Unoptimized builds (SwiftPM debug, -O0) leave the big vector kernels slow
 * (avx512 ~1.7, avx2 ~0.3) while SHA-NI stays ~5, so they get another order. */
obol_kernel obol_kernel_best(void) {
#ifdef __OPTIMIZE__
    static const obol_kernel order[] = {OBOL_KERNEL_AVX512, OBOL_KERNEL_SHANI, OBOL_KERNEL_AVX2};
#else
    static const obol_kernel order[] = {OBOL_KERNEL_SHANI, OBOL_KERNEL_AVX512};
#endif
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
        if (obol_kernel_available(order[i])) return order[i];
    return OBOL_KERNEL_SCALAR;
}

const char *obol_kernel_name(obol_kernel kernel) {
    switch (kernel) {
    case OBOL_KERNEL_AUTO: return "auto";
    case OBOL_KERNEL_SCALAR: return "scalar";
    case OBOL_KERNEL_SHANI: return "sha-ni";
    case OBOL_KERNEL_AVX2: return "avx2";
    case OBOL_KERNEL_AVX512: return "avx512";
    }
    return "unknown";
}

int obol_scan(const obol_header_job *job, obol_kernel kernel, uint64_t start, uint64_t count,
              uint64_t *found) {
    if (kernel == OBOL_KERNEL_AUTO) kernel = obol_kernel_best();
    if (!obol_kernel_available(kernel)) kernel = OBOL_KERNEL_SCALAR;
    switch (kernel) {
    case OBOL_KERNEL_SHANI: return obol_scan_shani(job, start, count, found);
    case OBOL_KERNEL_AVX2: return obol_scan_avx2(job, start, count, found);
    case OBOL_KERNEL_AVX512: return obol_scan_avx512(job, start, count, found);
    default: return obol_scan_scalar(job, start, count, found);
    }
}
