/*
** run_int.h -- shared between run.c and mc.c (internal).
*/
#ifndef MRV_RUN_INT_H
#define MRV_RUN_INT_H

#include "program.h"
#include "resolve.h"

/* Records the error for a failed non-finite check: traces lane 'lane' of
** the block in 'slots' back to the operation that made the value.
** 'first_draw' is the 0-based number of the first failing draw (with
** ndraws > 0), printed 1-based so that a user can find it again. */
mrv_status mrv__report_nonfinite(const mrv_program *p, const mrv_bound *b,
                                 size_t check, uint64_t nbad, uint64_t ndraws,
                                 uint64_t first_draw, const double *slots,
                                 size_t stride, size_t lane, mrv_diag *d);

#endif /* MRV_RUN_INT_H */
