#include "hist.h"

#include <string.h>

void bb_hist_init(bb_hist *h)
{
    memset(h, 0, sizeof *h);
    h->min = UINT64_MAX;
}

void bb_hist_merge(bb_hist *into, const bb_hist *from)
{
    into->count += from->count;
    into->overflow += from->overflow;
    if (from->max > into->max)
        into->max = from->max;
    if (from->min < into->min)
        into->min = from->min;
    for (unsigned i = 0; i < BB_HIST_BUCKETS; i++)
        into->b[i] += from->b[i];
}

uint64_t bb_hist_bucket_lo(unsigned i)
{
    if (i < BB_HIST_SUB)
        return i;
    unsigned e = i / BB_HIST_SUB + BB_HIST_SUB_BITS - 1, sub = i % BB_HIST_SUB;
    return (uint64_t)(BB_HIST_SUB + sub) << (e - BB_HIST_SUB_BITS);
}

uint64_t bb_hist_bucket_hi(unsigned i)
{
    if (i < BB_HIST_SUB)
        return i;
    unsigned e = i / BB_HIST_SUB + BB_HIST_SUB_BITS - 1;
    return bb_hist_bucket_lo(i) + (1ull << (e - BB_HIST_SUB_BITS)) - 1;
}

uint64_t bb_hist_quantile(const bb_hist *h, double q)
{
    if (h->count == 0)
        return 0;
    if (q <= 0)
        return h->min;
    if (q >= 1)
        return h->max;
    /* rank of the q-quantile, 1-based, nearest-rank definition */
    uint64_t rank = (uint64_t)(q * (double)h->count);
    if ((double)rank < q * (double)h->count)
        rank++;
    if (rank == 0)
        rank = 1;
    uint64_t seen = 0;
    for (unsigned i = 0; i < BB_HIST_BUCKETS; i++) {
        seen += h->b[i];
        if (seen >= rank) {
            uint64_t lo = bb_hist_bucket_lo(i), hi = bb_hist_bucket_hi(i);
            uint64_t mid = lo + (hi - lo) / 2;
            if (mid > h->max)
                mid = h->max;
            if (mid < h->min)
                mid = h->min;
            return mid;
        }
    }
    return h->max;
}
