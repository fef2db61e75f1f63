/*
** mc_int.h -- Monte Carlo internals shared by mc.c and the tests.
**
** The random streams: every uncertain input draws block b of its values
** from its own gsl_rng_taus2 generator, whose whole state is set from a
** hash of (run seed, the input's stream id, b).  Nothing else feeds the
** generator, so a draw depends only on those three and never on threads,
** evaluation order or the other inputs.
*/
#ifndef MRV_MC_INT_H
#define MRV_MC_INT_H

#include <stdbool.h>
#include <stdint.h>

#include <math.h>

#include <gsl/gsl_rng.h>

#include "diag.h"
#include "dist.h"
#include "hash.h"
#include "result.h"

/* The block index reserved for the stream that shuffles an input's Latin
** hypercube strata (no block of draws can have it). */
#define MRV__MC_PERM_BLOCK UINT64_MAX

/* The key of one input's stream: its stream id (program.h) mixed with
** 'seed'. */
uint64_t mrv__mc_stream_key(uint64_t seed, uint64_t stream);

/* The taus2 state (s1, s2, s3) for block 'block' of the stream 'key':
** 96 hashed bits, each word below 2^32 and raised past the degenerate
** values L'Ecuyer excludes (s1 >= 2, s2 >= 8, s3 >= 16). */
void mrv__mc_block_state(uint64_t key, uint64_t block, uint32_t s[3]);

/* A taus2 generator for mrv__mc_seed, or NULL when out of memory or when
** GSL's taus2 state is not the three unsigned longs mrv__mc_seed writes
** (checked once here, so a different GSL fails loudly, not silently). */
gsl_rng *mrv__mc_rng_new(void);

/* Sets 'r' (from mrv__mc_rng_new) to the start of block 'block' of the
** stream 'key'. */
void mrv__mc_seed(gsl_rng *r, uint64_t key, uint64_t block);

/* GSL's taus2 step (rng/taus.c, taus_get) on a state s[3] as
** mrv__mc_block_state makes it: the same outputs as gsl_rng_get on a
** generator seeded by mrv__mc_seed (test_dist checks it), without the
** call through the generator's function pointer. */
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

/* A standard normal from the ziggurat 'z' (dist.h) on the taus2 stream
** 's'.  The tail beyond r is Marsaglia's (1964) exponential rejection;
** the wedges test a uniform height against the curve. */
static inline double mrv__zig_normal(const mrv_zig *z, uint32_t s[3])
{
    for (;;) {
        uint32_t u = mrv__taus2_next(s);
        uint32_t i = u & 0x7f, j = u >> 8;
        double sign = (u & 0x80) ? -1.0 : 1.0;
        double x = j * z->w[i];
        if (j < z->k[i]) return sign * x;
        if (i == 0) {
            double a, b;
            do {
                a = -log(mrv__taus2_uniform_pos(s)) / MRV_ZIG_R;
                b = -log(mrv__taus2_uniform_pos(s));
            } while (b + b < a * a);
            return sign * (MRV_ZIG_R + a);
        }
        double h =
            z->f[i] + mrv__taus2_uniform_pos(s) * (z->f[i - 1] - z->f[i]);
        if (h < exp(-0.5 * x * x)) return sign * x;
    }
}

/* Fills col[0..n) with block 'blk' of the stream 'key' drawn by the
** random method from sampler 's' ('zig': the normal sampler's tables;
** 'r': a generator from mrv__mc_rng_new, used for the distributions not
** drawn inline).  The same key and block give the same values wherever
** they are drawn: in a run, in a portfolio, on another machine. */
void mrv__mc_fill_random(const mrv_sampler *s, const mrv_zig *zig, uint64_t key,
                         uint64_t blk, gsl_rng *r, double *col, size_t n);

/* Sets up the sampler of every input of run->program into samp[]; an
** uncertainty its bounds leave (almost) nothing of is an input error at
** the uncertainty, reported once however many inputs share it. */
mrv_status mrv__mc_samplers(const mrv_run *run, mrv_sampler *samp,
                            mrv_diag *diag);

/* Marks in live[] the inputs some instruction or result of 'p' reads
** (over-approximated: a false "live" only costs a column of draws). */
void mrv__mc_mark_live(const mrv_program *p, bool *live);

#endif /* MRV_MC_INT_H */
