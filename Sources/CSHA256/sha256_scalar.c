/* Portable SHA-256: the reference every other kernel is tested against. */
#include "obol_sha256.h"
#include "sha256_internal.h"
#include <string.h>

const uint32_t obol_sha256_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

const uint32_t obol_sha256_iv[8] = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

void obol_sha256_transform_words(uint32_t state[8], const uint32_t block[16]) {
    uint32_t w[64];
    for (int i = 0; i < 16; i++) w[i] = block[i];
    for (int i = 16; i < 64; i++) w[i] = OBOL_SS1(w[i - 2]) + w[i - 7] + OBOL_SS0(w[i - 15]) + w[i - 16];
    uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
    uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
    for (int i = 0; i < 64; i++) {
        uint32_t t1 = h + OBOL_BS1(e) + OBOL_CH(e, f, g) + obol_sha256_k[i] + w[i];
        uint32_t t2 = OBOL_BS0(a) + OBOL_MAJ(a, b, c);
        h = g; g = f; f = e; e = d + t1;
        d = c; c = b; b = a; a = t1 + t2;
    }
    state[0] += a; state[1] += b; state[2] += c; state[3] += d;
    state[4] += e; state[5] += f; state[6] += g; state[7] += h;
}

void obol_sha256_compress_scalar(uint32_t state[8], const uint8_t *blocks, size_t nblocks) {
    uint32_t w[16];
    for (size_t n = 0; n < nblocks; n++) {
        const uint8_t *p = blocks + 64 * n;
        for (int i = 0; i < 16; i++) w[i] = obol_load_be32(p + 4 * i);
        obol_sha256_transform_words(state, w);
    }
}

int obol_scan_scalar(const obol_header_job *job, uint64_t start, uint64_t count, uint64_t *found) {
    uint8_t hash[32];
    for (uint64_t i = 0; i < count; i++) {
        uint64_t nonce = start + i;
        obol_header_job_hash(job, nonce, hash);
        if (obol_hash_meets_target(hash, job->target)) {
            *found = nonce;
            return 1;
        }
    }
    return 0;
}

int obol_nonce_wins(const obol_header_job *job, uint64_t nonce) {
    uint8_t hash[32];
    obol_header_job_hash(job, nonce, hash);
    return obol_hash_meets_target(hash, job->target);
}

void obol_lane_pre_init(obol_lane_pre *p, const obol_header_job *job) {
    uint32_t *w = p->w;
    for (int i = 0; i < 8; i++) p->mid[i] = job->midstate[i];
    for (int i = 0; i < 6; i++) w[i] = job->tail[i];
    w[6] = 0;
    w[7] = 0;
    w[8] = 0x80000000u;
    for (int i = 9; i < 15; i++) w[i] = 0;
    w[15] = OBOL_HEADER_SIZE * 8;
    for (int i = 16; i <= 20; i++)
        w[i] = OBOL_SS1(w[i - 2]) + w[i - 7] + OBOL_SS0(w[i - 15]) + w[i - 16];

    /* Rounds 0..5 only see w0..w5. */
    uint32_t s[8];
    for (int i = 0; i < 8; i++) s[i] = p->mid[i];
    for (int i = 0; i < 6; i++) {
        uint32_t t1 = s[7] + OBOL_BS1(s[4]) + OBOL_CH(s[4], s[5], s[6]) + obol_sha256_k[i] + w[i];
        uint32_t t2 = OBOL_BS0(s[0]) + OBOL_MAJ(s[0], s[1], s[2]);
        s[7] = s[6]; s[6] = s[5]; s[5] = s[4]; s[4] = s[3] + t1;
        s[3] = s[2]; s[2] = s[1]; s[1] = s[0]; s[0] = t1 + t2;
    }
    for (int i = 0; i < 8; i++) p->st5[i] = s[i];
    /* Round 6 up to the "+ N" of w6. */
    uint32_t t1 = s[7] + OBOL_BS1(s[4]) + OBOL_CH(s[4], s[5], s[6]) + obol_sha256_k[6];
    uint32_t t2 = OBOL_BS0(s[0]) + OBOL_MAJ(s[0], s[1], s[2]);
    p->st6[0] = t1 + t2; p->st6[1] = s[0]; p->st6[2] = s[1]; p->st6[3] = s[2];
    p->st6[4] = s[3] + t1; p->st6[5] = s[4]; p->st6[6] = s[5]; p->st6[7] = s[6];

    for (int i = 0; i < 21; i++) p->kw[i] = obol_sha256_k[i] + w[i];
    for (int i = 0; i < 37; i++) p->c[i] = 0;
    p->c[21] = OBOL_SS1(w[19]) + w[5];
    p->c[24] = w[17] + w[8];
    p->c[25] = w[18];
    p->c[26] = w[19];
    p->c[27] = w[20];
    p->c[30] = OBOL_SS0(w[15]);
    p->c[31] = OBOL_SS0(w[16]) + w[15];
    p->c[32] = OBOL_SS0(w[17]) + w[16];
    p->c[33] = OBOL_SS0(w[18]) + w[17];
    p->c[34] = OBOL_SS0(w[19]) + w[18];
    p->c[35] = OBOL_SS0(w[20]) + w[19];
    p->c[36] = w[20];

    const uint32_t *iv = obol_sha256_iv;
    t1 = iv[7] + OBOL_BS1(iv[4]) + OBOL_CH(iv[4], iv[5], iv[6]) + obol_sha256_k[0];
    t2 = OBOL_BS0(iv[0]) + OBOL_MAJ(iv[0], iv[1], iv[2]);
    p->a1c = t1 + t2;
    p->e1c = iv[3] + t1;
    for (int i = 0; i < 64; i++) p->k2[i] = obol_sha256_k[i];
    for (int i = 0; i < 16; i++) p->kw2[i] = obol_sha256_k[i];
    p->kw2[8] += 0x80000000u;
    p->kw2[15] += 256;
    p->d17 = OBOL_SS1(256u);
    p->d23 = OBOL_SS0(0x80000000u);
    p->d30 = OBOL_SS0(256u);
    p->ttop = (uint32_t)job->target[28] | ((uint32_t)job->target[29] << 8) |
              ((uint32_t)job->target[30] << 16) | ((uint32_t)job->target[31] << 24);
    obol_lane_pre_set_hi(p, 0);
}

void obol_lane_pre_set_hi(obol_lane_pre *p, uint32_t hi) {
    uint32_t h = obol_bswap32(hi);
    p->hi = hi;
    p->w[7] = h;
    p->kw[7] = obol_sha256_k[7] + h;
    p->c[22] = OBOL_SS1(p->w[20]) + p->w[15] + OBOL_SS0(h);
    p->c[23] = p->w[16] + OBOL_SS0(p->w[8]) + h;
}
