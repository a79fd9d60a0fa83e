/*
 * Multi-lane header scan core, shared by sha256_avx2.c and sha256_avx512.c.
 * Not a normal header: the includer defines the vector type and operations:
 *   LANE_V, LANE_N, LANE_ATTR, L_NAME(x), L_ADD, L_SUB, L_SET1, L_IOTA,
 *   L_BSIG0, L_BSIG1, L_SSIG0, L_SSIG1, L_CH, L_MAJ,
 *   L_BSWAP(x)        per-lane byte swap (x may be evaluated twice: pass a variable),
 *   L_CAND(x, t)      lane bit mask of x <= t (unsigned).
 * Lane k hashes nonce (hi << 32) | (lo + k), in lane order.
 */

/* Rotating state: round i reads a..h as S_(i,0)..S_(i,7).
 * Vector ops have a 2-cycle latency on some cores, so the adds are arranged for
 * short dependency chains: e' = S1(e) + (Ch(e,f,g) + (d + h + kw)) is three
 * ops deep from e, and a' = S0(a) + (Maj(a,b,c) + (e' - d)) three from a. */
#define S_(i, j) s[((j) + 64 - (i)) & 7]
/* Keeps the compiler from re-associating a sum (it would otherwise move the
 * constants last and put the sigmas back on the critical path). */
#define OPQ_(x) __asm__("" : "+v"(x))
#define RND(i, kw) do {                                                               \
    LANE_V p_ = L_ADD(S_(i, 3), L_ADD(S_(i, 7), (kw)));                                \
    OPQ_(p_);                                                                         \
    LANE_V e_ = L_ADD(L_BSIG1(S_(i, 4)), L_ADD(L_CH(S_(i, 4), S_(i, 5), S_(i, 6)), p_)); \
    OPQ_(e_);                                                                         \
    S_(i, 7) = L_ADD(L_BSIG0(S_(i, 0)),                                                \
                     L_ADD(L_MAJ(S_(i, 0), S_(i, 1), S_(i, 2)), L_SUB(e_, S_(i, 3))));  \
    S_(i, 3) = e_;                                                                    \
} while (0)
/* Only the new e (used for the last rounds before the H7 check). */
#define RND_E(i, kw) do {                                                             \
    LANE_V p_ = L_ADD(S_(i, 3), L_ADD(S_(i, 7), (kw)));                                \
    OPQ_(p_);                                                                         \
    S_(i, 3) = L_ADD(L_BSIG1(S_(i, 4)), L_ADD(L_CH(S_(i, 4), S_(i, 5), S_(i, 6)), p_)); \
} while (0)
#define C_(x) L_SET1(p->x)
#define KV_(w, i) L_ADD(w[i], L_SET1(obol_sha256_k[i]))
/* The second hash reads K from p->k2 so the compiler does not share one broadcast
 * register between the two hashes (and spill it in between). */
#define KX_(w, i) L_ADD(w[i], C_(k2[i]))
#define SCHED_(w, i) w[i] = L_ADD(L_ADD(L_SSIG1(w[(i) - 2]), w[(i) - 7]),              \
                                  L_ADD(L_SSIG0(w[(i) - 15]), w[(i) - 16]))
#define R_(w, i) RND(i, KV_(w, i))
#define RX_(w, i) RND(i, KX_(w, i))
#define SR_(w, i) do { SCHED_(w, i); R_(w, i); } while (0)
#define SRX_(w, i) do { SCHED_(w, i); RX_(w, i); } while (0)
#define SRX4_(w, i) do { SRX_(w, i); SRX_(w, (i) + 1); SRX_(w, (i) + 2); SRX_(w, (i) + 3); } while (0)
#define SR4_(w, i) do { SR_(w, i); SR_(w, (i) + 1); SR_(w, (i) + 2); SR_(w, (i) + 3); } while (0)

/* Word 7 of SHA256d(header) for each lane; n holds w6 = bswap(lo32(nonce)). */
static inline __attribute__((always_inline)) LANE_ATTR LANE_V
L_NAME(core)(const obol_lane_pre *p, LANE_V n) {
    LANE_V s[8], w[64], x[64];

    /* ---- First SHA-256, second block, from round 7 ---- */
    S_(7, 0) = L_ADD(n, C_(st6[0]));
    S_(7, 1) = C_(st6[1]);
    S_(7, 2) = C_(st6[2]);
    S_(7, 3) = C_(st6[3]);
    S_(7, 4) = L_ADD(n, C_(st6[4]));
    S_(7, 5) = C_(st6[5]);
    S_(7, 6) = C_(st6[6]);
    S_(7, 7) = C_(st6[7]);
    RND(7, C_(kw[7]));
    RND(8, C_(kw[8]));   RND(9, C_(kw[9]));   RND(10, C_(kw[10])); RND(11, C_(kw[11]));
    RND(12, C_(kw[12])); RND(13, C_(kw[13])); RND(14, C_(kw[14])); RND(15, C_(kw[15]));
    RND(16, C_(kw[16])); RND(17, C_(kw[17])); RND(18, C_(kw[18])); RND(19, C_(kw[19]));
    RND(20, C_(kw[20]));
    w[21] = L_ADD(L_SSIG0(n), C_(c[21]));               R_(w, 21);
    w[22] = L_ADD(n, C_(c[22]));                        R_(w, 22);
    w[23] = L_ADD(L_SSIG1(w[21]), C_(c[23]));           R_(w, 23);
    w[24] = L_ADD(L_SSIG1(w[22]), C_(c[24]));           R_(w, 24);
    w[25] = L_ADD(L_SSIG1(w[23]), C_(c[25]));           R_(w, 25);
    w[26] = L_ADD(L_SSIG1(w[24]), C_(c[26]));           R_(w, 26);
    w[27] = L_ADD(L_SSIG1(w[25]), C_(c[27]));           R_(w, 27);
    w[28] = L_ADD(L_SSIG1(w[26]), w[21]);               R_(w, 28);
    w[29] = L_ADD(L_SSIG1(w[27]), w[22]);               R_(w, 29);
    w[30] = L_ADD(L_ADD(L_SSIG1(w[28]), w[23]), C_(c[30])); R_(w, 30);
    w[31] = L_ADD(L_ADD(L_SSIG1(w[29]), w[24]), C_(c[31])); R_(w, 31);
    w[32] = L_ADD(L_ADD(L_SSIG1(w[30]), w[25]), C_(c[32])); R_(w, 32);
    w[33] = L_ADD(L_ADD(L_SSIG1(w[31]), w[26]), C_(c[33])); R_(w, 33);
    w[34] = L_ADD(L_ADD(L_SSIG1(w[32]), w[27]), C_(c[34])); R_(w, 34);
    w[35] = L_ADD(L_ADD(L_SSIG1(w[33]), w[28]), C_(c[35])); R_(w, 35);
    w[36] = L_ADD(L_ADD(L_SSIG1(w[34]), w[29]), L_ADD(L_SSIG0(w[21]), C_(c[36])));
    R_(w, 36);
    SR_(w, 37); SR_(w, 38); SR_(w, 39);
    SR4_(w, 40); SR4_(w, 44); SR4_(w, 48); SR4_(w, 52); SR4_(w, 56); SR4_(w, 60);
    /* After round 63 the rotation is back at S_(64, j) == S_(0, j). */
    for (int j = 0; j < 8; j++) x[j] = L_ADD(S_(0, j), C_(mid[j]));

    /* ---- Second SHA-256 over the 32-byte digest ---- */
    S_(1, 0) = L_ADD(x[0], C_(a1c));
    S_(1, 1) = L_SET1(obol_sha256_iv[0]);
    S_(1, 2) = L_SET1(obol_sha256_iv[1]);
    S_(1, 3) = L_SET1(obol_sha256_iv[2]);
    S_(1, 4) = L_ADD(x[0], C_(e1c));
    S_(1, 5) = L_SET1(obol_sha256_iv[4]);
    S_(1, 6) = L_SET1(obol_sha256_iv[5]);
    S_(1, 7) = L_SET1(obol_sha256_iv[6]);
    RX_(x, 1); RX_(x, 2); RX_(x, 3); RX_(x, 4); RX_(x, 5); RX_(x, 6); RX_(x, 7);
    RND(8, C_(kw2[8]));   RND(9, C_(kw2[9]));   RND(10, C_(kw2[10])); RND(11, C_(kw2[11]));
    RND(12, C_(kw2[12])); RND(13, C_(kw2[13])); RND(14, C_(kw2[14])); RND(15, C_(kw2[15]));
    x[16] = L_ADD(L_SSIG0(x[1]), x[0]);                                      RX_(x, 16);
    x[17] = L_ADD(L_ADD(L_SSIG0(x[2]), x[1]), C_(d17));                      RX_(x, 17);
    x[18] = L_ADD(L_ADD(L_SSIG1(x[16]), L_SSIG0(x[3])), x[2]);               RX_(x, 18);
    x[19] = L_ADD(L_ADD(L_SSIG1(x[17]), L_SSIG0(x[4])), x[3]);               RX_(x, 19);
    x[20] = L_ADD(L_ADD(L_SSIG1(x[18]), L_SSIG0(x[5])), x[4]);               RX_(x, 20);
    x[21] = L_ADD(L_ADD(L_SSIG1(x[19]), L_SSIG0(x[6])), x[5]);               RX_(x, 21);
    x[22] = L_ADD(L_ADD(L_SSIG1(x[20]), L_SSIG0(x[7])), L_ADD(x[6], L_SET1(256)));
    RX_(x, 22);
    x[23] = L_ADD(L_ADD(L_SSIG1(x[21]), x[16]), L_ADD(x[7], C_(d23)));       RX_(x, 23);
    x[24] = L_ADD(L_ADD(L_SSIG1(x[22]), x[17]), L_SET1(0x80000000u));        RX_(x, 24);
    x[25] = L_ADD(L_SSIG1(x[23]), x[18]);                                    RX_(x, 25);
    x[26] = L_ADD(L_SSIG1(x[24]), x[19]);                                    RX_(x, 26);
    x[27] = L_ADD(L_SSIG1(x[25]), x[20]);                                    RX_(x, 27);
    x[28] = L_ADD(L_SSIG1(x[26]), x[21]);                                    RX_(x, 28);
    x[29] = L_ADD(L_SSIG1(x[27]), x[22]);                                    RX_(x, 29);
    x[30] = L_ADD(L_ADD(L_SSIG1(x[28]), x[23]), C_(d30));                    RX_(x, 30);
    x[31] = L_ADD(L_ADD(L_SSIG1(x[29]), x[24]), L_ADD(L_SSIG0(x[16]), L_SET1(256)));
    RX_(x, 31);
    SRX4_(x, 32); SRX4_(x, 36); SRX4_(x, 40); SRX4_(x, 44); SRX4_(x, 48); SRX4_(x, 52);
    SRX_(x, 56);
    /* H7 = IV7 + e60, and e60 = a56 + T1(60): the a's of rounds 57..60 are never read. */
    SCHED_(x, 57); RND_E(57, KX_(x, 57));
    SCHED_(x, 58); RND_E(58, KX_(x, 58));
    SCHED_(x, 59); RND_E(59, KX_(x, 59));
    SCHED_(x, 60); RND_E(60, KX_(x, 60));
    return L_ADD(S_(61, 4), L_SET1(obol_sha256_iv[7]));
}

/* Candidate lanes of the batch at nonce low half `lo` (kept out of line so the
 * constant operands stay memory broadcasts instead of hoisted registers). */
__attribute__((noinline)) LANE_ATTR static unsigned
L_NAME(batch)(const obol_lane_pre *p, uint32_t lo) {
    LANE_V lov = L_ADD(L_SET1(lo), L_IOTA);
    LANE_V h7 = L_NAME(core)(p, L_BSWAP(lov));
    return L_CAND(L_BSWAP(h7), L_SET1(p->ttop));
}

static LANE_ATTR void L_NAME(h7)(const obol_header_job *job, uint64_t start, uint32_t *out) {
    obol_lane_pre p;
    obol_lane_pre_init(&p, job);
    obol_lane_pre_set_hi(&p, (uint32_t)(start >> 32));
    LANE_V lov = L_ADD(L_SET1((uint32_t)start), L_IOTA);
    LANE_V h = L_NAME(core)(&p, L_BSWAP(lov));
    memcpy(out, &h, sizeof(h));
}

static LANE_ATTR int L_NAME(scan)(const obol_header_job *job, uint64_t start, uint64_t count,
                                  uint64_t *found) {
    obol_lane_pre p;
    obol_lane_pre_init(&p, job);
    while (count) {
        /* A segment keeps the nonce's high half (so w7) fixed. */
        uint32_t lo = (uint32_t)start;
        uint64_t seg = ((uint64_t)1 << 32) - lo;
        if (seg > count) seg = count;
        uint64_t batches = seg / LANE_N;
        if (batches) obol_lane_pre_set_hi(&p, (uint32_t)(start >> 32));
        for (uint64_t b = 0; b < batches; b++, lo += LANE_N) {
            unsigned m = L_NAME(batch)(&p, lo);
            while (m) {
                uint64_t nonce = start + b * LANE_N + (uint64_t)__builtin_ctz(m);
                if (obol_nonce_wins(job, nonce)) {
                    *found = nonce;
                    return 1;
                }
                m &= m - 1;
            }
        }
        uint64_t done = batches * LANE_N;
        if (seg > done && obol_scan_scalar(job, start + done, seg - done, found)) return 1;
        start += seg;
        count -= seg;
    }
    return 0;
}

#undef S_
#undef RND
#undef RND_E
#undef C_
#undef KV_
#undef KX_
#undef RX_
#undef SRX_
#undef SRX4_
#undef OPQ_
#undef SCHED_
#undef R_
#undef SR_
#undef SR4_
