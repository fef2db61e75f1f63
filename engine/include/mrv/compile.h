/*
** compile.h -- resolve, check and order a methodology's formulas.
**
** Compiling a methodology resolves every name in every formula (parameter,
** equation, bound index, y, first, last, frac), checks subscripts against
** the parameters' axes, infers and checks dimensions (docs/formulas.md), and
** orders the equations so that each comes after those it reads in the same
** vintage, rejecting cycles with an error that names them.  It needs no
** project: members and values are lowering's business (lower.h).  The
** results are written into the methodology's syntax trees (sym, index,
** unit, any_dim) and into an mrv_compiled.
*/
#ifndef MRV_COMPILE_H
#define MRV_COMPILE_H

#include "arena.h"
#include "diag.h"
#include "model.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mrv_compiled {
    const mrv_methodology *m;
    size_t neqs;
    int *order; /* equation indexes, each after the ones it reads */
} mrv_compiled;

/* Compiles every formula of 'm'; records all errors found.  On success
** sets *out (allocated in 'arena') and returns MRV_OK. */
mrv_status mrv_compile(const mrv_methodology *m, mrv_arena *arena,
                       const mrv_compiled **out, mrv_diag *diag);

#ifdef __cplusplus
}
#endif

#endif /* MRV_COMPILE_H */
