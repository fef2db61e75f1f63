/*
** lower.h -- lower a compiled methodology and its project to a program.
**
** For every vintage in order, and every equation in dependency order,
** lowering walks the syntax tree with everything that does not depend on a
** draw known: y, first, last, frac, sum indices, subscripts, certain
** parameter values.  What is known is folded; what depends on uncertain
** inputs becomes instructions (program.h).  Sums are unrolled, an 'if'
** whose condition is known takes one branch only, reads of earlier years
** use the value already computed (or the equation's 'initial' before the
** first vintage).  Identical instructions are shared (so an equation that
** does not change between vintages is computed once), dead ones dropped,
** and slots reused once their last reader has run.
**
** Errors found here are still input errors with positions: a series
** without the year a formula reads, a subscript that depends on an
** uncertain input or is not a whole number, a read of a later year, a
** read before the first vintage without 'initial', a range or a program
** over its hard limit.
*/
#ifndef MRV_LOWER_H
#define MRV_LOWER_H

#include <stdbool.h>

#include "caps.h"
#include "compile.h"
#include "diag.h"
#include "program.h"
#include "resolve.h"
#include "trail.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Lowers 'cp' for the bound project 'b'.  The program is allocated in
** b->arena.  On success sets *out and returns MRV_OK; otherwise records
** one positioned error and returns its status. */
mrv_status mrv_lower(const mrv_bound *b, const mrv_compiled *cp,
                     const mrv_program **out, mrv_diag *diag);

typedef struct mrv_lower_opts {
    /* Also a central program that keeps every equation's value at every
    ** vintage live, as the results are, with their slots in its eq_slot.
    ** Dead-code removal then keeps everything, and the slots of those
    ** values are never reused: a program for one central evaluation
    ** (report.json's equations, 'mrv explain'), not for the Monte
    ** Carlo. */
    bool keep_equations;
    /* Also the trail (trail.h), its values kept live in the central
    ** program (implies keep_equations). */
    bool trail;
} mrv_lower_opts;

typedef struct mrv_lowered {
    const mrv_program *program; /* the results only: the Monte Carlo's */
    const mrv_program *central; /* with keep_equations, else NULL */
    mrv_trail *trail;           /* with trail (filled by the caller with
                                ** mrv_trail_fill), else NULL */
} mrv_lowered;

/* mrv_lower with options; 'opts' NULL is mrv_lower.  Both programs come
** from one lowering: the instructions computing any one value are the
** same in each, so a value is bit-identical in both.  Everything is
** allocated in b->arena; on failure *out is all NULL. */
mrv_status mrv_lower_with(const mrv_bound *b, const mrv_compiled *cp,
                          const mrv_lower_opts *opts, mrv_lowered *out,
                          mrv_diag *diag);

#ifdef __cplusplus
}
#endif

#endif /* MRV_LOWER_H */
