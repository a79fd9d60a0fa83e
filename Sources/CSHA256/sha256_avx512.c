/* AVX-512 scan kernel: 16 nonces per batch, one per 32-bit zmm lane. */
#include "obol_sha256.h"
#include "sha256_internal.h"
#include <string.h>

#if OBOL_X86
#include <immintrin.h>

#define LANE_V __m512i
#define LANE_N 16
#define LANE_ATTR __attribute__((target("avx512f")))
#define L_NAME(x) obol_avx512_##x
#define L_ADD(a, b) _mm512_add_epi32(a, b)
#define L_SUB(a, b) _mm512_sub_epi32(a, b)
#define L_SET1(x) _mm512_set1_epi32((int)(x))
#define L_IOTA _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
#define L_ROR(x, n) _mm512_ror_epi32(x, n)
#define L_XOR3(a, b, c) _mm512_ternarylogic_epi32(a, b, c, 0x96)
#define L_BSIG0(x) L_XOR3(L_ROR(x, 2), L_ROR(x, 13), L_ROR(x, 22))
#define L_BSIG1(x) L_XOR3(L_ROR(x, 6), L_ROR(x, 11), L_ROR(x, 25))
#define L_SSIG0(x) L_XOR3(L_ROR(x, 7), L_ROR(x, 18), _mm512_srli_epi32(x, 3))
#define L_SSIG1(x) L_XOR3(L_ROR(x, 17), L_ROR(x, 19), _mm512_srli_epi32(x, 10))
#define L_CH(e, f, g) _mm512_ternarylogic_epi32(e, f, g, 0xCA)
#define L_MAJ(a, b, c) _mm512_ternarylogic_epi32(a, b, c, 0xE8)
/* Byte swap without AVX512BW: (ror8 & 0xff00ff00) | (rol8 & 0x00ff00ff). */
#define L_BSWAP(x) _mm512_ternarylogic_epi32(_mm512_ror_epi32(x, 8), _mm512_rol_epi32(x, 8), \
                                             L_SET1(0xff00ff00u), 0xE4)
#define L_CAND(x, t) ((unsigned)_mm512_cmple_epu32_mask(x, t))

#include "sha256_lanes.h"

int obol_scan_avx512(const obol_header_job *job, uint64_t start, uint64_t count, uint64_t *found) {
    return obol_avx512_scan(job, start, count, found);
}

void obol_h7_avx512(const obol_header_job *job, uint64_t start, uint32_t out[16]) {
    obol_avx512_h7(job, start, out);
}

#else
int obol_scan_avx512(const obol_header_job *job, uint64_t start, uint64_t count, uint64_t *found) {
    return obol_scan_scalar(job, start, count, found);
}
void obol_h7_avx512(const obol_header_job *job, uint64_t start, uint32_t out[16]) {
    (void)job; (void)start; memset(out, 0, 16 * sizeof(uint32_t));
}
#endif
