/*
 * Stand-alone checks and benchmark for Sources/CSHA256 (not a SwiftPM target).
 * Every kernel is compared against the portable scalar reference:
 *   - SHA-256 known answers, SHA-NI compress vs scalar on random blocks;
 *   - the raw H7 word of every lane of every vector kernel vs the scalar hash;
 *   - the full set of winning nonces of obol_scan vs a scalar enumeration, over
 *     random headers, targets, starts (incl. 2^32 boundaries and the 2^64 end)
 *     and counts that are not multiples of the lane width, plus exact-tie targets.
 * Then M hashes/s per kernel with an impossible target. Usage:
 *   harness [--no-test] [--no-bench] [--seconds S] [--runs N] [--iters N] [--kernel NAME]
 */
#define _POSIX_C_SOURCE 200809L
#include "obol_sha256.h"
#include "sha256_internal.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t rnd64(void) {
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static void rnd_bytes(uint8_t *p, size_t n) { for (size_t i = 0; i < n; i++) p[i] = (uint8_t)rnd64(); }

static int failures;
#define CHECK(cond, ...) do { if (!(cond)) { failures++; if (failures < 30) {                \
    printf("FAIL %s:%d: ", __FILE__, __LINE__); printf(__VA_ARGS__); printf("\n"); } } } while (0)

static const obol_kernel all_kernels[] = {OBOL_KERNEL_SCALAR, OBOL_KERNEL_SHANI, OBOL_KERNEL_AVX2,
                                          OBOL_KERNEL_AVX512};
#define NKERNELS 4

static void hex(const uint8_t *p, size_t n, char *out) {
    for (size_t i = 0; i < n; i++) sprintf(out + 2 * i, "%02x", p[i]);
}

static void test_sha256(void) {
    static const struct { const char *msg; const char *hex; } kat[] = {
        {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
        {"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
    };
    for (size_t i = 0; i < sizeof(kat) / sizeof(kat[0]); i++) {
        uint8_t out[32];
        char h[65];
        obol_sha256((const uint8_t *)kat[i].msg, strlen(kat[i].msg), out);
        hex(out, 32, h);
        CHECK(strcmp(h, kat[i].hex) == 0, "sha256 KAT %zu: %s", i, h);
    }
    /* Dispatched compress (SHA-NI here) vs scalar, 1..8 blocks, random states. */
    for (int it = 0; it < 20000; it++) {
        uint8_t blocks[64 * 8];
        uint32_t s1[8], s2[8];
        size_t n = 1 + (size_t)(rnd64() % 8);
        rnd_bytes(blocks, sizeof(blocks));
        for (int j = 0; j < 8; j++) s1[j] = s2[j] = (uint32_t)rnd64();
        obol_sha256_compress(s1, blocks, n);
        obol_sha256_compress_scalar(s2, blocks, n);
        CHECK(memcmp(s1, s2, sizeof(s1)) == 0, "compress mismatch, %zu blocks", n);
    }
    /* Header job hash vs plain SHA256d of the full header. */
    for (int it = 0; it < 2000; it++) {
        uint8_t header[96], target[32], a[32], b[32];
        rnd_bytes(header, 96);
        rnd_bytes(target, 32);
        obol_header_job job;
        obol_header_job_init(&job, header, target);
        uint64_t nonce = rnd64();
        for (int j = 0; j < 8; j++) header[88 + j] = (uint8_t)(nonce >> (8 * j));
        obol_header_job_hash(&job, nonce, a);
        obol_sha256d(header, 96, b);
        CHECK(memcmp(a, b, 32) == 0, "job hash != sha256d");
    }
}

static uint64_t random_start(void) {
    switch (rnd64() % 6) {
    case 0: return rnd64() % 1000;                                   /* small */
    case 1: return 0xFFFFFFFFull - rnd64() % 100;                    /* crosses lo wrap */
    case 2: return ((rnd64() % 0xFFFFu) << 32) - rnd64() % 100;      /* any 2^32 boundary */
    case 3: return UINT64_MAX - rnd64() % 300;                       /* near the end */
    default: return rnd64();
    }
}

typedef void (*h7_fn)(const obol_header_job *, uint64_t, uint32_t *);

static void test_lanes(obol_kernel k, h7_fn fn, int lanes, int iters) {
    for (int it = 0; it < iters; it++) {
        uint8_t header[96], target[32];
        rnd_bytes(header, 96);
        rnd_bytes(target, 32);
        obol_header_job job;
        obol_header_job_init(&job, header, target);
        uint64_t start = random_start();
        /* A batch never crosses a 2^32 boundary (scan keeps those to the scalar tail). */
        if ((uint32_t)start > 0xFFFFFFFFu - (uint32_t)(lanes - 1)) start -= (uint64_t)lanes;
        uint32_t got[16];
        fn(&job, start, got);
        for (int l = 0; l < lanes; l++) {
            uint8_t hash[32];
            obol_header_job_hash(&job, start + (uint64_t)l, hash);
            CHECK(got[l] == obol_load_be32(hash + 28), "%s lane %d H7 %08x != %08x (nonce %llu)",
                  obol_kernel_name(k), l, got[l], obol_load_be32(hash + 28),
                  (unsigned long long)(start + (uint64_t)l));
        }
    }
}

/* All winners in [start, start+count) via repeated obol_scan. */
static int enumerate(const obol_header_job *job, obol_kernel k, uint64_t start, uint64_t count,
                     uint64_t *out, int max) {
    int n = 0;
    while (count && n < max) {
        uint64_t f = 0;
        if (!obol_scan(job, k, start, count, &f)) break;
        if (f < start || f - start >= count) { out[n++] = ~0ull; break; } /* out of range */
        out[n++] = f;
        count -= f - start + 1;
        start = f + 1;
    }
    return n;
}

static int enumerate_ref(const obol_header_job *job, uint64_t start, uint64_t count, uint64_t *out,
                         int max) {
    int n = 0;
    for (uint64_t i = 0; i < count && n < max; i++) {
        uint8_t hash[32];
        obol_header_job_hash(job, start + i, hash);
        if (obol_hash_meets_target(hash, job->target)) out[n++] = start + i;
    }
    return n;
}

static void test_scan(obol_kernel k, int iters) {
    enum { MAXW = 1200 };
    static uint64_t got[MAXW], want[MAXW];
    for (int it = 0; it < iters; it++) {
        uint8_t header[96], target[32];
        rnd_bytes(header, 96);
        uint64_t start = random_start();
        uint64_t count = rnd64() % 300;
        if (count > UINT64_MAX - start) count = UINT64_MAX - start + 1; /* start+count <= 2^64 */
        int mode = (int)(rnd64() % 4);
        memset(target, 0xff, 32);
        if (mode < 3) {
            /* A win chance of 2^-bits: top `bits` bits clear. */
            int bits = (int[]){1, 3, 7}[mode];
            for (int b = 0; b < bits; b++) target[31 - b / 8] &= (uint8_t)~(0x80u >> (b % 8));
            if (rnd64() & 1) rnd_bytes(target, 31 - (bits - 1) / 8); /* random lower bytes */
        }
        obol_header_job job;
        obol_header_job_init(&job, header, target);
        if (mode == 3 && count) {
            /* Exact tie with one nonce's hash (it wins), or one below it (it does not). */
            uint8_t hash[32];
            obol_header_job_hash(&job, start + rnd64() % count, hash);
            memcpy(job.target, hash, 32);
            if (rnd64() & 1) {
                for (int i = 0; i < 32 && job.target[i]-- == 0; i++) {}
            }
        }
        int ng = enumerate(&job, k, start, count, got, MAXW);
        int nw = enumerate_ref(&job, start, count, want, MAXW);
        CHECK(ng == nw && memcmp(got, want, (size_t)nw * sizeof(uint64_t)) == 0,
              "%s winners differ: start %llu count %llu mode %d: %d vs %d", obol_kernel_name(k),
              (unsigned long long)start, (unsigned long long)count, mode, ng, nw);
    }
    /* Always-winning target: first nonce; count 0: nothing. */
    uint8_t header[96], easy[32];
    rnd_bytes(header, 96);
    memset(easy, 0xff, 32);
    obol_header_job job;
    obol_header_job_init(&job, header, easy);
    uint64_t f = 12345;
    CHECK(obol_scan(&job, k, 77, 0, &f) == 0 && f == 12345, "%s count 0", obol_kernel_name(k));
    CHECK(obol_scan(&job, k, UINT64_MAX, 1, &f) == 1 && f == UINT64_MAX, "%s last nonce",
          obol_kernel_name(k));
    CHECK(obol_scan(&job, k, 1000, 64, &f) == 1 && f == 1000, "%s easy", obol_kernel_name(k));
}

/* Thread CPU time: other processes on a busy machine do not count against a kernel. */
static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double bench(obol_kernel k, double seconds) {
    uint8_t header[96], target[32];
    rnd_bytes(header, 96);
    memset(target, 0, 32); /* impossible (all-zero hash) */
    obol_header_job job;
    obol_header_job_init(&job, header, target);
    uint64_t chunk = k == OBOL_KERNEL_SCALAR ? (1u << 16) : (1u << 20), start = rnd64() >> 1;
    uint64_t done = 0, found;
    double t0 = now(), t;
    do {
        if (obol_scan(&job, k, start + done, chunk, &found)) printf("  (unexpected win)\n");
        done += chunk;
        t = now() - t0;
    } while (t < seconds);
    return (double)done / t / 1e6;
}

typedef void (*compress_fn)(uint32_t *, const uint8_t *, size_t);

static double bench_compress(compress_fn fn, double seconds) {
    static uint8_t buf[1 << 16];
    uint32_t st[8];
    rnd_bytes(buf, sizeof(buf));
    obol_sha256_init_state(st);
    double bytes = 0, t0 = now(), t;
    do {
        fn(st, buf, sizeof(buf) / 64);
        bytes += sizeof(buf);
        t = now() - t0;
    } while (t < seconds);
    if (st[0] == 0x12345678u) printf(" ");
    return bytes / t / 1e6;
}

int main(int argc, char **argv) {
    int do_test = 1, do_bench = 1, runs = 3, iters = 3000;
    const char *only = NULL;
    double seconds = 2.0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--no-test")) do_test = 0;
        else if (!strcmp(argv[i], "--no-bench")) do_bench = 0;
        else if (!strcmp(argv[i], "--seconds") && i + 1 < argc) seconds = atof(argv[++i]);
        else if (!strcmp(argv[i], "--runs") && i + 1 < argc) runs = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--iters") && i + 1 < argc) iters = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--kernel") && i + 1 < argc) only = argv[++i];
        else { fprintf(stderr, "unknown argument %s\n", argv[i]); return 2; }
    }
    printf("kernels:");
    for (int i = 0; i < NKERNELS; i++)
        printf(" %s=%s", obol_kernel_name(all_kernels[i]),
               obol_kernel_available(all_kernels[i]) ? "yes" : "no");
    printf("; best=%s\n", obol_kernel_name(obol_kernel_best()));
    if (do_test) {
        test_sha256();
        if (obol_kernel_available(OBOL_KERNEL_SHANI)) test_lanes(OBOL_KERNEL_SHANI, obol_h7_shani, OBOL_SHANI_WAYS, iters);
        if (obol_kernel_available(OBOL_KERNEL_AVX2)) test_lanes(OBOL_KERNEL_AVX2, obol_h7_avx2, 8, iters);
        if (obol_kernel_available(OBOL_KERNEL_AVX512))
            test_lanes(OBOL_KERNEL_AVX512, obol_h7_avx512, 16, iters);
        for (int i = 0; i < NKERNELS; i++) test_scan(all_kernels[i], iters);
        test_scan(OBOL_KERNEL_AUTO, iters / 10);
        printf("tests: %s (%d failures)\n", failures ? "FAILED" : "ok", failures);
    }
    if (do_bench) {
        for (int i = 0; i < NKERNELS; i++) {
            obol_kernel k = all_kernels[i];
            if (!obol_kernel_available(k) || (only && strcmp(only, obol_kernel_name(k)))) continue;
            double r[16];
            if (runs > 16) runs = 16;
            for (int j = 0; j < runs; j++) r[j] = bench(k, seconds);
            qsort(r, (size_t)runs, sizeof(double), cmp_double);
            printf("bench %-7s %7.2f M hashes/s (median of %d x %.1fs; min %.2f max %.2f)\n",
                   obol_kernel_name(k), r[runs / 2], runs, seconds, r[0], r[runs - 1]);
            fflush(stdout);
        }
        if (!only) {
            printf("bench compress scalar %.0f MB/s, dispatched (%s) %.0f MB/s\n",
                   bench_compress(obol_sha256_compress_scalar, seconds / 2),
                   obol_kernel_available(OBOL_KERNEL_SHANI) ? "sha-ni" : "scalar",
                   bench_compress(obol_sha256_compress, seconds / 2));
        }
    }
    return failures ? 1 : 0;
}
