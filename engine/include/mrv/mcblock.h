/*
** mcblock.h -- one project's Monte Carlo draws, one block at a time,
** under stream keys its caller chooses (docs/portfolio.md).
**
** 'mrv run' draws a project's inputs and keeps every draw of every
** result (mc.h).  A portfolio cannot: a thousand projects of twenty
** vintages and 10^5 draws would be sixteen gigabytes.  It asks instead
** for the reductions of block b of project P, combines them across
** projects, and forgets them.  This is that narrow door: set a project
** up once (its samplers, and one stream id per input, chosen by the
** caller so that shared inputs get the same id in every project), then
** evaluate any block, in any order, on any thread.
**
** Reproducibility: block b of input k is drawn exactly as mc.c draws it
** (mrv__mc_fill_random: taus2 seeded from the seed, the input's stream
** id and b, by the random method), so a block's values depend on the
** seed, the stream ids and b alone: the same on every machine, in a
** single portfolio run as in a shard written by 'mrv run --draws-out'.
**
** A project set up here owns its samplers, keys and live flags; it
** borrows the run (its bound project and program), which must outlive
** it.  A workspace owns one worker's slots and generator and may serve
** any project whose program fits it.
*/
#ifndef MRV_MCBLOCK_H
#define MRV_MCBLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "result.h"

typedef struct mrv_mcblock mrv_mcblock;
typedef struct mrv_mcblock_ws mrv_mcblock_ws;

/* Sets up 'run''s program (the central case already run) for 'draws'
** draws with 'seed', input k keyed by the stream id streams[k] (copied).
** Errors: an uncertainty its bounds leave almost nothing of (positioned,
** as mrv run reports it); MRV_ENOMEM. */
mrv_status mrv_mcblock_new(const mrv_run *run, uint64_t seed, uint64_t draws,
                           const uint64_t *streams, mrv_mcblock **out,
                           mrv_diag *diag);
void mrv_mcblock_free(mrv_mcblock *b);

/* The blocks of the run: ceil(draws / MRV_MC_BLOCK). */
uint64_t mrv_mcblock_count(const mrv_mcblock *b);

/* The slots and checks a workspace needs for this project. */
size_t mrv_mcblock_nslots(const mrv_mcblock *b);
size_t mrv_mcblock_nchecks(const mrv_mcblock *b);

/* A worker's scratch for projects of at most 'nslots' slots and
** 'nchecks' checks; NULL when out of memory or when GSL's taus2 is not
** the generator mrv seeds. */
mrv_mcblock_ws *mrv_mcblock_ws_new(size_t nslots, size_t nchecks);
void mrv_mcblock_ws_free(mrv_mcblock_ws *w);

/* Evaluates block 'blk' and writes the reductions (net removals for a
** removals methodology) of vintage index v and draw i of the block into
** red[v * MRV_MC_BLOCK + i], in the unit vintages.csv reports them (frac
** applied): bit for bit what 'mrv run' would hold for those draws under
** the same keys.  Sets *n to the draws in the block.  Returns false when
** some equation is not finite, or a result overflows, in some draw of
** the block (mrv_mcblock_report then says where). */
bool mrv_mcblock_eval(const mrv_mcblock *b, mrv_mcblock_ws *w, uint64_t blk,
                      double *red, size_t *n);

/* After mrv_mcblock_eval failed: finds, over every block, the first
** failing check and its first failing draw, and reports it at its formula
** as 'mrv run' does ("... in N of M draws").  Always returns an error
** status (MRV_EDOMAIN, or MRV_ENOMEM). */
mrv_status mrv_mcblock_report(const mrv_mcblock *b, mrv_mcblock_ws *w,
                              mrv_diag *diag);

#endif /* MRV_MCBLOCK_H */
