#ifndef OBOL_SHA256_INTERNAL_H
#define OBOL_SHA256_INTERNAL_H
#include <stddef.h>
#include <stdint.h>
#include "obol_sha256.h"

extern const uint32_t obol_sha256_k[64];
extern const uint32_t obol_sha256_iv[8];

static inline uint32_t obol_load_be32(const uint8_t *p) {
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}
static inline void obol_store_be32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}
static inline uint32_t obol_bswap32(uint32_t v) { return __builtin_bswap32(v); }

void obol_sha256_transform_words(uint32_t state[8], const uint32_t block[16]);
void obol_sha256_compress_scalar(uint32_t state[8], const uint8_t *blocks, size_t nblocks);
int obol_scan_scalar(const obol_header_job *job, uint64_t start, uint64_t count, uint64_t *found);

#endif
