/* AVX2 scan kernel: 8 nonces per batch, one per 32-bit ymm lane. */
#include "obol_sha256.h"
#include "sha256_internal.h"
#include <string.h>

#if OBOL_X86
#include <immintrin.h>

#define LANE_V __m256i
#define LANE_N 8
#define LANE_ATTR __attribute__((target("avx2")))
#define L_NAME(x) obol_avx2_##x
#define L_ADD(a, b) _mm256_add_epi32(a, b)
#define L_SUB(a, b) _mm256_sub_epi32(a, b)
#define L_XOR(a, b) _mm256_xor_si256(a, b)
#define L_SET1(x) _mm256_set1_epi32((int)(x))
#define L_IOTA _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)
#define L_SHR(x, n) _mm256_srli_epi32(x, n)
#define L_SHL(x, n) _mm256_slli_epi32(x, n)
/* Each sigma as (x >> r1 ^ x >> r2 ^ x >> r3) ^ (x << (32-r1) ^ x << (32-r2) ^ x << (32-r3)). */
#define L_SIG3(x, r1, r2, r3)                                                        \
    L_XOR(L_XOR(L_XOR(L_SHR(x, r1), L_SHR(x, r2)), L_XOR(L_SHR(x, r3), L_SHL(x, 32 - (r1)))), \
          L_XOR(L_SHL(x, 32 - (r2)), L_SHL(x, 32 - (r3))))
#define L_BSIG0(x) L_SIG3(x, 2, 13, 22)
#define L_BSIG1(x) L_SIG3(x, 6, 11, 25)
#define L_SSIG0(x)                                                                    \
    L_XOR(L_XOR(L_XOR(L_SHR(x, 7), L_SHR(x, 18)), L_SHR(x, 3)),                       \
          L_XOR(L_SHL(x, 25), L_SHL(x, 14)))
#define L_SSIG1(x)                                                                    \
    L_XOR(L_XOR(L_XOR(L_SHR(x, 17), L_SHR(x, 19)), L_SHR(x, 10)),                     \
          L_XOR(L_SHL(x, 15), L_SHL(x, 13)))
#define L_CH(e, f, g) L_XOR(_mm256_and_si256(e, L_XOR(f, g)), g)
#define L_MAJ(a, b, c) _mm256_or_si256(_mm256_and_si256(a, b), _mm256_and_si256(c, _mm256_or_si256(a, b)))
#define L_BSWAP(x) _mm256_shuffle_epi8(x, _mm256_setr_epi8(3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, \
    15, 14, 13, 12, 3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12))
#define L_CAND(x, t) \
    ((unsigned)_mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpeq_epi32(_mm256_min_epu32(x, t), x))))

#include "sha256_lanes.h"

int obol_scan_avx2(const obol_header_job *job, uint64_t start, uint64_t count, uint64_t *found) {
    return obol_avx2_scan(job, start, count, found);
}

void obol_h7_avx2(const obol_header_job *job, uint64_t start, uint32_t out[8]) {
    obol_avx2_h7(job, start, out);
}

#else
int obol_scan_avx2(const obol_header_job *job, uint64_t start, uint64_t count, uint64_t *found) {
    return obol_scan_scalar(job, start, count, found);
}
void obol_h7_avx2(const obol_header_job *job, uint64_t start, uint32_t out[8]) {
    (void)job; (void)start; memset(out, 0, 8 * sizeof(uint32_t));
}
#endif
