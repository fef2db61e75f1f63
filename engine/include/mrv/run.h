/*
** run.h -- one run of a project: the whole pipeline behind 'mrv run'.
**
** mrv_run_new loads and binds the project (resolve.h), compiles and
** lowers its methodology (compile.h, lower.h), evaluates the central case
** (every input at its value) and, when the project asks for draws, the
** Monte Carlo (mc.h), and summarises every result per vintage and for the
** crediting-period total (docs/uncertainty.md), then builds the ledger
** when the project has an 'allocation'.  What it computes is plain data
** (result.h) that the later stages read; this header is the pipeline
** that fills it, for the command line and 'mrv verify'.  The run owns all
** of it; free it with mrv_run_free.
*/
#ifndef MRV_RUN_H
#define MRV_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "mc.h"
#include "resolve.h"
#include "result.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mrv_options {
    /* Folders to look for methodologies and factor tables in; none (a
    ** zeroed struct): the installed ones, PREFIX/share/mrv/methodologies
    ** and PREFIX/share/mrv/factors (MRV_DATADIR at build time). */
    mrv_search search;
    bool draws_set; /* --draws overrides the project's */
    uint64_t draws;
    bool seed_set; /* --seed */
    uint64_t seed;
    bool confidence_set; /* overrides the project's (mrv verify) */
    double confidence;
    bool method_set; /* overrides the project's (mrv verify) */
    mrv_sampling method;
    unsigned threads; /* 0: all cores */
    /* The central case and the equations' values only: no draws and no
    ** ledger ('mrv explain'). */
    bool central_only;
    /* Load, bind, compile and lower, and stop there: nothing is
    ** evaluated, the statistics stay zero ('mrv check' of a portfolio,
    ** which needs each project's lowered program but no value). */
    bool lower_only;
    /* Called once the project is loaded, bound and compiled, before
    ** anything is evaluated, with 'ready_ud': 'mrv run' checks its output
    ** folder there, so a bad --out is found before the Monte Carlo.  A
    ** status other than MRV_OK (its error recorded) stops the run with
    ** it.  NULL: none. */
    mrv_status (*ready)(void *ready_ud, const mrv_bound *bound, mrv_diag *diag);
    void *ready_ud;
    /* Record the trail of every value (mrv_run.trail), for 'mrv
    ** explain'. */
    bool trail;
    /* With an allocation: sweep these numbers of the agreement
    ** ("KEY=FROM:TO:STEP", one or two: a grid) into mrv_run.sweep, and
    ** write sweep.csv (mrv_ledger_sweep_grid).  A bad sweep fails the run
    ** before anything is written. */
    const char *const *sweeps;
    size_t nsweeps;
    /* Told how far the Monte Carlo draws have come (mc.h); {NULL}: no
    ** one is told. */
    mrv_progress progress;
    /* Keep every draw of every result (mrv_run.all_draws): memory grows
    ** with the draws; for tests and for inspecting small runs. */
    bool keep_draws;
    /* The statistics' bracket margins (mrv_run.bracket_sds); 0: the
    ** defaults.  For tests. */
    double bracket_sds, bracket_slack;
} mrv_options;

/* Runs the project at 'path'.  On success sets *out and returns MRV_OK;
** otherwise records positioned errors and returns the first status
** (nothing to free). */
mrv_status mrv_run_new(const char *path, const mrv_options *opt, mrv_run **out,
                       mrv_diag *diag);
void mrv_run_free(mrv_run *run);

/* Turns GSL's abort-on-error handler off for the whole process
** (gsl_set_error_handler_off), which every program using libmrv must do
** once at start-up (mrv.h): mrv checks every GSL status itself, and a
** program need not link GSL to make the call.  The library never calls
** it on its own: the handler is the program's. */
void mrv_gsl_handler_off(void);

/* Loads, binds, compiles and lowers the file at 'path' without evaluating
** it: a project, a methodology (compiled alone) or a factor table.
** 'search' as mrv_options's (NULL or empty: the installed folders). */
mrv_status mrv_check_file(const char *path, const mrv_search *search,
                          mrv_diag *diag);

#ifdef __cplusplus
}
#endif

#endif /* MRV_RUN_H */
