#ifndef OBOL_SHA256_INTERNAL_H
#define OBOL_SHA256_INTERNAL_H
#include <stddef.h>
#include <stdint.h>
#include "obol_sha256.h"

#if defined(__x86_64__) || defined(__i386__)
#define OBOL_X86 1
#else
#define OBOL_X86 0
#endif

extern const uint32_t obol_sha256_k[64];
extern const uint32_t obol_sha256_iv[8];

static inline uint32_t obol_load_be32(const uint8_t *p) {
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}
static inline void obol_store_be32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}
static inline uint32_t obol_bswap32(uint32_t v) { return __builtin_bswap32(v); }

/* Scalar SHA-256 helpers. */
#define OBOL_ROTR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))
#define OBOL_CH(x, y, z) (((x) & (y)) ^ (~(x) & (z)))
#define OBOL_MAJ(x, y, z) (((x) & (y)) ^ ((x) & (z)) ^ ((y) & (z)))
#define OBOL_BS0(x) (OBOL_ROTR(x, 2) ^ OBOL_ROTR(x, 13) ^ OBOL_ROTR(x, 22))
#define OBOL_BS1(x) (OBOL_ROTR(x, 6) ^ OBOL_ROTR(x, 11) ^ OBOL_ROTR(x, 25))
#define OBOL_SS0(x) (OBOL_ROTR(x, 7) ^ OBOL_ROTR(x, 18) ^ ((x) >> 3))
#define OBOL_SS1(x) (OBOL_ROTR(x, 17) ^ OBOL_ROTR(x, 19) ^ ((x) >> 10))

void obol_sha256_transform_words(uint32_t state[8], const uint32_t block[16]);
void obol_sha256_compress_scalar(uint32_t state[8], const uint8_t *blocks, size_t nblocks);
int obol_scan_scalar(const obol_header_job *job, uint64_t start, uint64_t count, uint64_t *found);

/* ---------------------------------------------------------------------------
 * Nonce-independent precomputation shared by the scan kernels, built per
 * obol_scan call (so a job whose fields were changed by hand stays correct).
 * Second-block words: w0..w5 fixed, w6 = bswap(lo32(nonce)) ("N"),
 * w7 = bswap(hi32(nonce)) ("H", fixed within a 2^32-aligned segment),
 * w8 = 0x80000000, w9..w14 = 0, w15 = 768.
 * ------------------------------------------------------------------------- */
typedef struct obol_lane_pre {
    uint32_t mid[8];   /* midstate */
    uint32_t st5[8];   /* state after rounds 0..5 of the second block */
    uint32_t st6[8];   /* state after round 6 without N: a6 = st6[0] + N, e6 = st6[4] + N */
    uint32_t w[21];    /* schedule words 0..20 (w6 = 0, w7 = H) */
    uint32_t kw[21];   /* K[i] + w[i] for the constant rounds 7..20 */
    uint32_t c[37];    /* first-block schedule constants, indices 21..36 */
    /* Second SHA-256 (of the 32-byte digest). */
    uint32_t a1c, e1c; /* round 0 with w0 left out: a1 = w0 + a1c, e1 = w0 + e1c */
    uint32_t kw2[16];  /* K[i] + w[i] for the padding rounds 8..15 */
    uint32_t k2[64];   /* a copy of K (see sha256_lanes.h) */
    uint32_t d17, d23, d30; /* s1(256), s0(0x80000000), s0(256) */
    uint32_t ttop;     /* most significant 32 bits of the target */
    uint32_t hi;       /* the nonce's high half the w7-dependent fields are built for */
} obol_lane_pre;

void obol_lane_pre_init(obol_lane_pre *p, const obol_header_job *job);
void obol_lane_pre_set_hi(obol_lane_pre *p, uint32_t hi);
/* Full check of one nonce with the scalar reference. */
int obol_nonce_wins(const obol_header_job *job, uint64_t nonce);

/* Kernels (x86 only; call only when the CPU has the features). */
#define OBOL_SHANI_WAYS 4 /* nonces interleaved by the SHA-NI scan (2 or 4) */
int obol_scan_shani(const obol_header_job *job, uint64_t start, uint64_t count, uint64_t *found);
int obol_scan_avx2(const obol_header_job *job, uint64_t start, uint64_t count, uint64_t *found);
int obol_scan_avx512(const obol_header_job *job, uint64_t start, uint64_t count, uint64_t *found);
void obol_sha256_compress_shani(uint32_t state[8], const uint8_t *blocks, size_t nblocks);

/* Test hooks: word 7 of the final SHA256d state for nonces start .. start+lanes-1
 * (the batch must not cross a 2^32 boundary of the nonce). */
void obol_h7_shani(const obol_header_job *job, uint64_t start, uint32_t out[OBOL_SHANI_WAYS]);
void obol_h7_avx2(const obol_header_job *job, uint64_t start, uint32_t out[8]);
void obol_h7_avx512(const obol_header_job *job, uint64_t start, uint32_t out[16]);

#endif
