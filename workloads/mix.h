/* mix.h - operation mixes: "get:10,incr:90" (weights, any positive integers,
 * normalised). Ops not named get weight 0. Drawing is one RNG call and a scan
 * over at most BB_MIX_MAX codes. */
#ifndef BB_MIX_H
#define BB_MIX_H

#include <stdint.h>

#include "core/bb_err.h"
#include "core/rng.h"

#define BB_MIX_MAX 16

typedef struct bb_mix {
    unsigned n;                  /* number of op codes */
    uint64_t cum[BB_MIX_MAX];    /* cumulative weights by code */
    uint64_t total;
} bb_mix;

/* op_names: the workload's NULL-terminated op names (index = code). */
int bb_mix_parse(const char *text, const char *const *op_names, bb_mix *out, bb_err *err);

static inline uint32_t bb_mix_draw(const bb_mix *m, bb_rng *r)
{
    uint64_t x = bb_rng_below(r, m->total);
    uint32_t c = 0;
    while (x >= m->cum[c])
        c++;
    return c;
}

#endif
