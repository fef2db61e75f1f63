/*
** explain.h -- how one number of a run was formed ('mrv explain').
**
** For an equation at a vintage, mrv_explain prints its formula as written
** (with its file:line:col), its central value in its declared unit, the
** formula again with the values of its names substituted, every sum's
** binders, terms and value, and every distinct thing it reads at that
** vintage: parameter elements with their subscripts resolved, value, unit
** and where the value was given (a project line, a methodology default or
** a factor table entry with its source) and uncertainty; and the
** equations it reads, with the year read, each then explained the same
** way below it, down to the inputs (each equation at each year once; as
** deep as 'depth' allows).  An equation over dimensions is explained
** member by member (or for the one member asked), each as above.  For a
** parameter it prints its value at the vintage, member by member, with
** the same provenance.
**
** Every number shown is the run's own: the explanation prints from the
** run's trail (trail.h), recorded by the lowering that made the program
** the run evaluated and filled by its central pass, so equation values
** are the very numbers report.json and vintages.csv carry, and what a
** formula reads is what the run computes: both branches of an 'if'
** whose condition depends on a draw, the right side of an 'and' or 'or'
** that its left side does not decide before sampling.
*/
#ifndef MRV_EXPLAIN_H
#define MRV_EXPLAIN_H

#include <stdbool.h>
#include <stdio.h>

#include "diag.h"
#include "result.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mrv_explain_opts {
    const char *name; /* an equation, a parameter, or a result name
                      ** (baseline, project, leakage, reductions) */
    int year;         /* the vintage; MRV_NO_YEAR when not given (only a
                      ** parameter without a vintage axis needs none) */
    unsigned depth;   /* levels of equations explained, 1 being 'name'
                      ** alone; 0: no limit */
    /* For an equation over dimensions: the member to explain, one name
    ** per dimension separated by commas ("site_1,food"); NULL explains
    ** every member.  'name' may carry them instead: "A[site_1, food]". */
    const char *member;
    /* Write the explanation as one JSON object instead of text ('mrv
    ** explain --json'; docs/cli.md gives its members). */
    bool json;
} mrv_explain_opts;

/* Writes the explanation to 'out' (borrowed; written only on success, so
** a failure leaves nothing half-printed).  'run' must come from
** mrv_run_new with the 'trail' option.  Errors: an unknown name or
** member (MRV_EREF, with a "did you mean"), a member for a name over no
** dimension (MRV_EREF), a vintage outside the
** crediting period or missing where one is needed (MRV_EREF, at the
** project's crediting period), MRV_EINTERNAL when the run was made
** without its trail, MRV_ENOMEM. */
mrv_status mrv_explain(const mrv_run *run, const mrv_explain_opts *opts,
                       FILE *out, mrv_diag *diag);

#ifdef __cplusplus
}
#endif

#endif /* MRV_EXPLAIN_H */
