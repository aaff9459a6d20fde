/* hist.h - log-linear latency histogram (HdrHistogram-style).
 *
 * Values 0..127 are exact; above, each power of two is split into 128 equal
 * buckets, so a reported value (the bucket's midpoint) is within 0.4% of every
 * value in the bucket (< 1% as promised). Values at or above 2^BB_HIST_MAX_EXP
 * (about 78 hours in ns) are clamped to the top bucket and counted in
 * `overflow`. Recording is one branch, a clz and an increment: no allocation,
 * no atomics: one histogram per thread, merged after the run.
 */
#ifndef BB_HIST_H
#define BB_HIST_H

#include <stdint.h>

#define BB_HIST_SUB_BITS 7
#define BB_HIST_SUB (1u << BB_HIST_SUB_BITS)
#define BB_HIST_MAX_EXP 48
#define BB_HIST_BUCKETS ((BB_HIST_MAX_EXP - BB_HIST_SUB_BITS + 1) * BB_HIST_SUB)

typedef struct bb_hist {
    uint64_t count;
    uint64_t overflow;
    uint64_t max;
    uint64_t min;
    uint64_t b[BB_HIST_BUCKETS];
} bb_hist;

void bb_hist_init(bb_hist *h);

static inline unsigned bb_hist_index(uint64_t v)
{
    if (v < BB_HIST_SUB)
        return (unsigned)v;
    unsigned e = 63u - (unsigned)__builtin_clzll(v); /* >= SUB_BITS */
    unsigned sub = (unsigned)(v >> (e - BB_HIST_SUB_BITS)) - BB_HIST_SUB;
    return (e - BB_HIST_SUB_BITS + 1) * BB_HIST_SUB + sub;
}

static inline void bb_hist_record(bb_hist *h, uint64_t v)
{
    if (v >> BB_HIST_MAX_EXP) {
        h->overflow++;
        v = (1ull << BB_HIST_MAX_EXP) - 1;
    }
    h->b[bb_hist_index(v)]++;
    h->count++;
    if (v > h->max)
        h->max = v;
    if (v < h->min)
        h->min = v;
}

void bb_hist_merge(bb_hist *into, const bb_hist *from);
/* Value at quantile q in [0, 1] (the bucket midpoint, capped at max). An empty
 * histogram returns 0. */
uint64_t bb_hist_quantile(const bb_hist *h, double q);
/* Lowest and highest value of bucket i. */
uint64_t bb_hist_bucket_lo(unsigned i);
uint64_t bb_hist_bucket_hi(unsigned i);

#endif
