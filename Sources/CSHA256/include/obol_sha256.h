#ifndef OBOL_SHA256_H
#define OBOL_SHA256_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------
 * General SHA-256. The compression function is picked once at run time
 * (SHA-NI when the CPU has it, the portable scalar kernel otherwise).
 * ------------------------------------------------------------------------- */

/** SHA-256 of `len` bytes. */
void obol_sha256(const uint8_t *data, size_t len, uint8_t out[32]);

/** SHA-256(SHA-256(data)). */
void obol_sha256d(const uint8_t *data, size_t len, uint8_t out[32]);

/** Compress `nblocks` 64-byte blocks into `state` (8 big-endian words). */
void obol_sha256_compress(uint32_t state[8], const uint8_t *blocks, size_t nblocks);

/** The SHA-256 initial state. */
void obol_sha256_init_state(uint32_t state[8]);

/* ---------------------------------------------------------------------------
 * Block headers. An Obol header is exactly OBOL_HEADER_SIZE bytes and its
 * 64-bit nonce is stored little-endian in the last 8 bytes, so the first 64
 * bytes (one SHA-256 block) never change while mining: one midstate per job.
 *
 * A hash meets a target when, read as a 256-bit little-endian integer
 * (byte 31 most significant, as in Bitcoin), it is <= the target, which is
 * also given as 32 little-endian bytes.
 * ------------------------------------------------------------------------- */

#define OBOL_HEADER_SIZE 96
#define OBOL_HEADER_NONCE_OFFSET 88

typedef struct obol_header_job {
    uint32_t midstate[8];   /* state after the first 64 header bytes */
    uint32_t tail[8];       /* header bytes 64..95 as big-endian words; words 6,7 hold the nonce */
    uint8_t  target[32];    /* little-endian 256-bit target */
    uint32_t pre[16];       /* kernel scratch: nonce-independent precomputation */
} obol_header_job;

/** Prepares a job from a full header (its nonce bytes are ignored) and a target. */
void obol_header_job_init(obol_header_job *job, const uint8_t header[OBOL_HEADER_SIZE],
                          const uint8_t target_le[32]);

/** SHA256d of the job's header with `nonce`, through the midstate. */
void obol_header_job_hash(const obol_header_job *job, uint64_t nonce, uint8_t out[32]);

/** 1 when `hash` (little-endian number) is <= `target_le`. */
int obol_hash_meets_target(const uint8_t hash[32], const uint8_t target_le[32]);

/* Scan kernels. */
typedef enum obol_kernel {
    OBOL_KERNEL_AUTO = 0,    /* best available */
    OBOL_KERNEL_SCALAR = 1,  /* portable reference */
    OBOL_KERNEL_SHANI = 2,   /* SHA-NI, four nonces interleaved */
    OBOL_KERNEL_AVX2 = 3,    /* 8 nonces in AVX2 lanes */
    OBOL_KERNEL_AVX512 = 4   /* 16 nonces in AVX-512 lanes */
} obol_kernel;

/** 1 when this CPU can run `kernel`. AUTO and SCALAR are always available. */
int obol_kernel_available(obol_kernel kernel);

/** The kernel AUTO resolves to on this CPU. */
obol_kernel obol_kernel_best(void);

/** A short name ("scalar", "sha-ni", "avx2", "avx512"). */
const char *obol_kernel_name(obol_kernel kernel);

/**
 * Scans nonces start, start+1, ..., start+count-1 (wrapping is not allowed:
 * callers keep start+count <= 2^64) and stops at the first nonce whose header
 * hash meets the job's target. Returns 1 and stores that nonce in *found,
 * or returns 0 when none in the range wins. Allocates nothing.
 * An unavailable kernel falls back to the scalar one.
 */
int obol_scan(const obol_header_job *job, obol_kernel kernel, uint64_t start, uint64_t count,
              uint64_t *found);

#ifdef __cplusplus
}
#endif
#endif
