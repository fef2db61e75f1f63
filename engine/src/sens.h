/*
** sens.h -- which uncertain inputs drive each result (docs/uncertainty.md,
** "Sensitivity").
**
** For every result column (one result in one vintage, or its crediting-
** period total) and every uncertain input the program says can move it:
** Spearman's rank correlation between the input's draws and the
** column's, and the input's first-order share of the column's variance,
** Var(E[Y | X]) / Var(Y), estimated by binning the draws on the input's
** rank.  Both from the same Monte Carlo draws: the first 'draws' of them,
** a number fixed by the project's size and the draws asked for (never by
** the thread count), so that the work stays a small part of the run.
**
** The Monte Carlo (mc.c) drives it: plan before the draws, store the
** sample's input draws as blocks are drawn, hand over the columns' first
** draws, then rank (any thread, items in any order), accumulate per input
** (likewise, once every rank item is done; the columns' draws are no
** longer needed then) and finish.  The result, an mrv_sensitivity (result.h),
*is
** owned by the run.
*/
#ifndef MRV_SENS_H
#define MRV_SENS_H

#include <stddef.h>
#include <stdint.h>

#include "result.h"

typedef struct mrv_sens_plan mrv_sens_plan;

/* Plans the sensitivity of the ncols columns of 'run' (col_nterm[c]
** result slots col_slot[c][0..), none for a column that is 0 in every
** draw) to the program's inputs, for run->draws draws: which inputs reach
** which columns (through the program's instructions), and how many draws
** to use.  *out may come back with mrv__sens_draws() 0 (nothing to do, or
** a model too large: the reason is kept for the report).  MRV_ENOMEM. */
mrv_status mrv__sens_plan_new(const mrv_run *run, size_t ncols,
                              const size_t *col_nterm,
                              const uint32_t *const *col_slot,
                              mrv_sens_plan **out);
void mrv__sens_plan_free(mrv_sens_plan *p);

/* The number of leading draws used (0: none), and the bytes the plan
** will hold at most (for the Monte Carlo's memory limit). */
uint64_t mrv__sens_draws(const mrv_sens_plan *p);
uint64_t mrv__sens_bytes(const mrv_sens_plan *p);

/* Allocates the sample's storage; MRV_ENOMEM. */
mrv_status mrv__sens_alloc(mrv_sens_plan *p);

/* Where input k's draws go (NULL: the plan does not use it): the Monte
** Carlo copies draws 0 .. draws - 1 of the input there. */
double *mrv__sens_input_draws(mrv_sens_plan *p, size_t k);

/* Column c's first draws, borrowed until its rank item is done. */
void mrv__sens_set_column(mrv_sens_plan *p, size_t c, const double *y);

/* Items of the ranking phase (one per used input and column), and of
** the accumulating phase (a few pairs each); each takes a worker's
** scratch from mrv__sens_scratch_new (NULL when out of memory; free with
** mrv__sens_scratch_free, which accepts NULL). */
size_t mrv__sens_rank_items(const mrv_sens_plan *p);
size_t mrv__sens_pair_items(const mrv_sens_plan *p);
void *mrv__sens_scratch_new(const mrv_sens_plan *p);
uint64_t mrv__sens_scratch_bytes(const mrv_sens_plan *p); /* per worker */
void mrv__sens_scratch_free(void *scratch);
void mrv__sens_rank(mrv_sens_plan *p, size_t item, void *scratch);
void mrv__sens_pairs(mrv_sens_plan *p, size_t item, void *scratch);

/* The result, with the inputs named as users know them (parameter,
** then the year and members it is drawn for); *out is owned by the run
** (mrv_sensitivity_free).  MRV_ENOMEM. */
mrv_status mrv__sens_finish(mrv_sens_plan *p, const mrv_run *run,
                            mrv_sensitivity **out);

#endif /* MRV_SENS_H */
