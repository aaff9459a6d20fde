/* rng.h - small, fast per-thread PRNG (xoshiro256**, seeded by splitmix64).
 * One state per thread; not thread-safe by design. */
#ifndef BB_RNG_H
#define BB_RNG_H

#include <stdint.h>

typedef struct bb_rng {
    uint64_t s[4];
} bb_rng;

static inline uint64_t bb_splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static inline void bb_rng_seed(bb_rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = bb_splitmix64(&seed);
}

static inline uint64_t bb_rng_next(bb_rng *r)
{
    uint64_t *s = r->s;
    uint64_t x = s[1] * 5;
    uint64_t result = ((x << 7) | (x >> 57)) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = (s[3] << 45) | (s[3] >> 19);
    return result;
}

/* Uniform in [0, n) (n > 0), Lemire's multiply-shift (bias < 2^-32 for n < 2^32). */
static inline uint64_t bb_rng_below(bb_rng *r, uint64_t n)
{
    return (uint64_t)(((unsigned __int128)bb_rng_next(r) * n) >> 64);
}

#endif
