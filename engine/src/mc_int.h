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

#include <gsl/gsl_rng.h>

#include "diag.h"
#include "dist_int.h"
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

/* Fills col[0..n) with block 'blk' of the stream 'key' drawn by the
** random method from sampler 's' ('zig': the normal sampler's tables).
** The same key and block give the same values wherever they are drawn:
** in a run, in a portfolio, on another machine. */
void mrv__mc_fill_random(const mrv_sampler *s, const mrv_zig *zig, uint64_t key,
                         uint64_t blk, double *col, size_t n);

/* Sets up the sampler of every input of run->program into samp[]; an
** uncertainty its bounds leave (almost) nothing of is an input error at
** the uncertainty, reported once however many inputs share it. */
mrv_status mrv__mc_samplers(const mrv_run *run, mrv_sampler *samp,
                            mrv_diag *diag);

/* Marks in live[] the inputs some instruction or result of 'p' reads
** (over-approximated: a false "live" only costs a column of draws). */
void mrv__mc_mark_live(const mrv_program *p, bool *live);

#endif /* MRV_MC_INT_H */
