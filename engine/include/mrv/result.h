/*
** result.h -- what one run computed: plain data the later stages read.
**
** The pipeline of run.h fills an mrv_run stage by stage: the central
** case and the equations' central values, the Monte Carlo draws and the
** statistics (mc.h), the ledger (ledger.h).  The stages after it, the
** ledger, the report, 'mrv explain' and 'mrv verify', read these fields
** and never call back into the pipeline, so data flows one way.
*/
#ifndef MRV_RESULT_H
#define MRV_RESULT_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "compile.h"
#include "program.h"
#include "resolve.h"
#include "stats.h"
#include "trail.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The results of a monitoring period (docs/monitoring.md): the four
** results over the period's days, summed over the vintages it touches
** draw by draw, as a total is. */
typedef struct mrv_period_result {
    const mrv_period *period;
    double *frac; /* per vintage: the share of its days in the period */
    mrv_stat stats[MRV_NRESULTS];
} mrv_period_result;

/* One input as the ex-ante project and the monitored one give it
** (docs/monitoring.md, "Ex-ante and monitored"). */
typedef struct mrv_input_change {
    const char *name;
    const char *status; /* "same", "changed", "monitored only", "ex-ante
                        ** only" */
    char ex_ante[128];  /* where each gave it: "FILE:LINE:COL", ... */
    char monitored[128];
    char detail[320]; /* the first element that differs, or why */
} mrv_input_change;

/* The ex-ante estimate of a monitored project, over the same monitored
** days and with the same draws. */
typedef struct mrv_ex_ante {
    mrv_bound *bound; /* kept: its files and names */
    /* [(v * MRV_NRESULTS) + r] over its vintages, v == bound->nvint its
    ** total */
    mrv_stat *stats;
    /* [(p * MRV_NRESULTS) + r] per monitoring period */
    mrv_stat *periods;
    size_t ninputs;
    mrv_input_change *inputs;
} mrv_ex_ante;

/* One uncertain input's influence on one result column (sens.h,
** docs/uncertainty.md "Sensitivity"). */
typedef struct mrv_sens_row {
    size_t input;            /* index into mrv_sensitivity.inputs */
    double rank_correlation; /* Spearman's rho of the input's draws and
                             ** the column's, in [-1, 1] */
    double variance_share;   /* its first-order share of the column's
                             ** variance, Var(E[Y | X]) / Var(Y), in [0, 1] */
} mrv_sens_row;

/* Which inputs drive which results: for every column c (v * R + r as
** 'stats'; v == nvint the total) its rows rows[first[c] .. first[c] +
** count[c]), one per uncertain input that can move it (the program says
** which), largest variance share first.  A column that is the same in
** every draw has none.  Estimated from the first 'draws' Monte Carlo
** draws with 'bins' bins; draws 0 when nothing was computed, and then
** 'skipped' says why (or NULL without draws). */
typedef struct mrv_sensitivity {
    mrv_arena *arena; /* owns everything below */
    uint64_t draws;
    size_t bins;
    const char *skipped;
    size_t ninputs;
    const char **inputs; /* as users know them: "EF_grid[2027]" */
    size_t ncols;
    size_t *first, *count;
    mrv_sens_row *rows;
} mrv_sensitivity;

void mrv_sensitivity_free(mrv_sensitivity *s);

/* One run's results, named for the run that makes them (mrv_run_new)
** and freed with it (mrv_run_free); a stage fills its fields once and
** the ones after it only read them. */
typedef struct mrv_run {
    mrv_bound *bound;
    const mrv_compiled *compiled;
    const mrv_program *program;
    uint64_t draws; /* 0: central case only */
    uint64_t seed;
    double confidence;
    mrv_sampling method;
    size_t nvint;
    /* stats[(v * MRV_NRESULTS) + r] for v < nvint; v == nvint is the
    ** crediting-period total */
    mrv_stat *stats;
    /* For a removals methodology with draws: cum_stats[v] summarises the
    ** reductions summed over vintages 0..v draw by draw (the carbon stock
    ** the project adds by the end of vintage v), with 'central' the sum
    ** of the vintages' centrals; else NULL. */
    mrv_stat *cum_stats;
    /* The draws themselves are not kept (docs/performance.md), except:
    ** with an 'allocation', every draw of each vintage's reductions,
    ** [v * draws + i], for the allocation run on every draw (ledger.h);
    ** else NULL. */
    double *reduction_draws;
    /* With keep_draws (mrv_options; tests and small runs): every draw of
    ** every result, [(v * R + r) * draws + i], v == nvint the total; else
    ** NULL. */
    bool keep_draws;
    double *all_draws;
    /* Quantile bracket margins for the Monte Carlo's statistics, in
    ** binomial sds and extra ranks (colstats.h); 0 and 0: the defaults.
    ** Results never depend on them, only the work does; tests narrow
    ** them to make every bracket miss. */
    double bracket_sds, bracket_slack;
    /* The threads the run was given (mrv_options; 0: all cores): with 1,
    ** its reports are written on one thread too (report.h). */
    unsigned threads;
    /* Per monitoring period of the project (none: 0, NULL). */
    size_t nperiods;
    mrv_period_result *periods;
    /* Every gap filled (mondata.h): the run's own, then each period's
    ** (window: the period's id); NULL when none. */
    size_t ngaps;
    mrv_gap *gaps;
    /* The ex-ante estimate beside the monitored one, when the project
    ** names an ex-ante project or adds monitored data to its own; NULL
    ** otherwise. */
    mrv_ex_ante *ex_ante;
    /* With draws: which inputs drive which results; else NULL. */
    mrv_sensitivity *sens;
    /* With an 'allocation': the ledger (ledger.h), else NULL. */
    struct mrv_ledger *ledger;
    /* With an allocation and the 'sweeps' option: the agreement over the
    ** swept numbers (ledger.h), else NULL. */
    struct mrv_sweep *sweep;
    /* The central program of the same lowering as 'program' (lower.h,
    ** keep_equations), run once on the central inputs:
    ** eq_central[mrv_bound_eq_at(bound, e, v, m)] is equation e's value at
    ** vintage index v for its combination of members m, in the internal
    ** scale (divide by the equation's unit scale for its declared unit;
    ** mrv_run_equation_value).  Before any 'frac': the results are these
    ** times frac. */
    const mrv_program *eq_program;
    double *eq_central;
    /* With the 'trail' option: how every value was formed, filled from
    ** the same pass as eq_central (trail.h); else NULL. */
    const mrv_trail *trail;
    /* The search path the run used (strings in the bound's arena), for
    ** report.json: a re-run must look where this one looked. */
    mrv_search search;
} mrv_run;

/* Equation 'e''s central value at vintage index 'v' for its combination
** of members 'm' (0 for an equation over no dimension) in its declared
** unit: the internal value times 1 / scale, the same operation that gives
** a result's central value in vintages.csv when frac is 1, so the two are
** bit-identical. */
double mrv_run_equation_value(const mrv_run *run, size_t e, size_t v, size_t m);

#ifdef __cplusplus
}
#endif

#endif /* MRV_RESULT_H */
