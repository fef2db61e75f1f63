/*
** dist_int.h -- the samplers' random streams, inline (internal; dist.c,
** mc.c and the tests).
**
** Every draw comes from a taus2 stream restarted per input and block
** (mc_int.h sets its state): three 32-bit words stepped here as GSL's
** taus_get steps them, so the outputs are bit for bit those of
** gsl_rng_get on a taus2 generator in that state (test_dist checks it),
** without the call through the generator's function pointer.
*/
#ifndef MRV_DIST_INT_H
#define MRV_DIST_INT_H

#include <stdint.h>
#include <string.h>

#include "dist.h"

/* GSL's taus2 step (rng/taus.c, taus_get). */
static inline uint32_t mrv__taus2_next(uint32_t s[3])
{
    s[0] = ((s[0] & 4294967294u) << 12) ^ (((s[0] << 13) ^ s[0]) >> 19);
    s[1] = ((s[1] & 4294967288u) << 4) ^ (((s[1] << 2) ^ s[1]) >> 25);
    s[2] = ((s[2] & 4294967280u) << 17) ^ (((s[2] << 3) ^ s[2]) >> 11);
    return s[0] ^ s[1] ^ s[2];
}

/* gsl_rng_uniform_pos of taus2: the output over 2^32, again while 0. */
static inline double mrv__taus2_uniform_pos(uint32_t s[3])
{
    double x;
    do x = mrv__taus2_next(s) / 4294967296.0;
    while (x == 0);
    return x;
}

/* The ziggurat's rare cases (about 1 % of draws), out of line so that the
** common one below stays small: u was the first output of this draw and
** missed its layer's rectangle.  Returns the draw (dist.c). */
double mrv__zig_rare(const mrv_zig *z, uint32_t s[3], uint32_t u);

/* A standard normal from the ziggurat 'z' (dist.h) on the stream 's':
** one output gives the layer (7 bits), the sign and a 24-bit abscissa,
** which lies under the curve in about 99 % of draws. */
static inline double mrv__zig_normal(const mrv_zig *z, uint32_t s[3])
{
    uint32_t u = mrv__taus2_next(s);
    uint32_t i = u & 0x7f, j = u >> 8;
    if (j < z->k[i]) {
        /* -x when bit 7 is set: the sign bit flipped, without a branch
        ** (a coin toss per draw, mispredicted half the time); the same
        ** bits as multiplying by -1.0, zero included. */
        double x = j * z->w[i];
        uint64_t b;
        memcpy(&b, &x, sizeof b);
        b ^= (uint64_t)(u & 0x80) << 56;
        memcpy(&x, &b, sizeof x);
        return x;
    }
    return mrv__zig_rare(z, s, u);
}

#endif /* MRV_DIST_INT_H */
