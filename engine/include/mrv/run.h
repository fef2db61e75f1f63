/*
** run.h -- one run of a project: the whole pipeline behind 'mrv run'.
**
** mrv_run_new loads and binds the project (resolve.h), compiles and
** lowers its methodology (compile.h, lower.h), evaluates the central case
** (every input at its value) and, when the project asks for draws, the
** Monte Carlo (mc.h), and summarises every result per vintage and for the
** crediting-period total (docs/uncertainty.md).  The run owns all of it;
** free it with mrv_run_free.
*/
#ifndef MRV_RUN_H
#define MRV_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "compile.h"
#include "diag.h"
#include "program.h"
#include "resolve.h"
#include "stats.h"
#include "trail.h"

typedef struct mrv_options {
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
} mrv_options;

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
    /* With draws: every draw of every result, [(v * R + r) * draws + i],
    ** v == nvint the total.  NULL for the central case. */
    double *samples;
    /* With an 'allocation': the ledger (ledger.h), else NULL. */
    struct mrv_ledger *ledger;
    /* The central program of the same lowering as 'program' (lower.h,
    ** keep_equations), run once on the central inputs:
    ** eq_central[e * nvint + v] is equation e's value at vintage index v
    ** in the internal scale (divide by the equation's unit scale for its
    ** declared unit; mrv_run_equation_value).  Before any 'frac': the
    ** results are these times frac. */
    const mrv_program *eq_program;
    double *eq_central;
    /* With the 'trail' option: how every value was formed, filled from
    ** the same pass as eq_central (trail.h); else NULL. */
    const mrv_trail *trail;
    /* The search path the run used (strings in the bound's arena), for
    ** report.json: a re-run must look where this one looked. */
    mrv_search search;
} mrv_run;

/* Runs the project at 'path'.  On success sets *out and returns MRV_OK;
** otherwise records positioned errors and returns the first status
** (nothing to free). */
mrv_status mrv_run_new(const char *path, const mrv_options *opt, mrv_run **out,
                       mrv_diag *diag);
void mrv_run_free(mrv_run *run);

/* Equation 'e''s central value at vintage index 'v' in its declared unit:
** the internal value times 1 / scale, the same operation that gives a
** result's central value in vintages.csv when frac is 1, so the two are
** bit-identical. */
double mrv_run_equation_value(const mrv_run *run, size_t e, size_t v);

/* Loads, binds, compiles and lowers the file at 'path' without evaluating
** it: a project, a methodology (compiled alone) or a factor table. */
mrv_status mrv_check_file(const char *path, const mrv_search *search,
                          mrv_diag *diag);

#endif /* MRV_RUN_H */
