/*
** mc.h -- Monte Carlo over blocks of draws (docs/uncertainty.md).
**
** Fills the uncertain inputs of a lowered program with draws, block by
** block, runs the VM on each block and summarises every result's draws
** into the run's statistics (stats.h) as they come, without storing them
** (docs/performance.md), then sets IPCC Approach 1 beside them
** (propagate.h).
**
** Reproducibility contract: draw i belongs to block i / MRV_MC_BLOCK; the
** draws of one input in one block come from a generator seeded from
** (seed, the input's stream id, block) alone.  So results are bit-identical
** for any thread count, and adding an input never changes another's
** draws.  Changing MRV_MC_BLOCK or the generator changes every draw: it is
** recorded in report.json.
*/
#ifndef MRV_MC_H
#define MRV_MC_H

#include "caps.h"
#include "diag.h"
#include "eval.h"
#include "result.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Draws per block: the unit of seeding, of work given to a thread, and of
** one pass of the VM, which is specialised for it. */
#define MRV_MC_BLOCK MRV_EVAL_BLOCK

/* The generator, as report.json names it. */
#define MRV_MC_GENERATOR "gsl_rng_taus2"

/* How a distribution is drawn by the random method, and its name, for
** report.json (dist.c; declared here so that report.c needs no GSL). */
const char *mrv_mc_sampler_text(mrv_dist d);
const char *mrv_mc_dist_name(mrv_dist d);

/* How far the draws have come, for a caller that shows it ('mrv run' on
** a terminal): fn is called with the draws done so far and the total,
** only ever from the thread that called mrv_mc_run, after each block that
** thread finishes and once at the end with done == total.  It must not
** call back into the library; how often it prints is its own affair. */
typedef struct mrv_progress {
    void (*fn)(void *ud, uint64_t done, uint64_t total);
    void *ud;
} mrv_progress;

/* Runs run->draws draws with run->seed on 'threads' threads (0: all
** cores) and fills run->stats (central values must already be there),
** and run->reduction_draws and run->all_draws when the run keeps them
** (result.h), telling 'progress' (NULL, or a NULL fn: nobody) how far it
** has come.  Results do not depend on the thread count.  Errors: a
** distribution its bounds leave almost nothing of, too many draws for
** memory, or a non-finite equation value (reported at the formula, as
** the central case does); MRV_ENOMEM. */
mrv_status mrv_mc_run(mrv_run *run, unsigned threads,
                      const mrv_progress *progress, mrv_diag *diag);

#ifdef __cplusplus
}
#endif

#endif /* MRV_MC_H */
