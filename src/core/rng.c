/* rng.c - xoshiro256** seeded through splitmix64 (Blackman and Vigna, 2018). Chosen for a
 * tiny state that each model can own, so a seed fixes the stream whatever the threads do. */
#include "dsc/core.h"

#include <math.h>

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

void dsc_rng_seed(dsc_rng_t *rng, uint64_t seed)
{
    uint64_t x = seed;
    for (int i = 0; i < 4; i++)
        rng->s[i] = splitmix64(&x);
}

uint64_t dsc_rng_next(dsc_rng_t *rng)
{
    uint64_t *s = rng->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double dsc_rng_uniform(dsc_rng_t *rng)
{
    /* The top 53 bits fill a double's mantissa exactly. */
    return (double)(dsc_rng_next(rng) >> 11) * 0x1.0p-53;
}

double dsc_rng_normal(dsc_rng_t *rng)
{
    double u1 = dsc_rng_uniform(rng);
    double u2 = dsc_rng_uniform(rng);
    if (u1 < 1e-300)
        u1 = 1e-300; /* log(0) guard */
    return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

size_t dsc_rng_index(dsc_rng_t *rng, size_t n)
{
    return (size_t)(dsc_rng_uniform(rng) * (double)n) % n;
}

void dsc_rng_shuffle(dsc_rng_t *rng, size_t *idx, size_t n)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = dsc_rng_index(rng, i);
        size_t t = idx[i - 1];
        idx[i - 1] = idx[j];
        idx[j] = t;
    }
}
