/*
** nonfinite.h -- report a non-finite equation value at its formula
** (internal; shared by the central case in run.c and the Monte Carlo in
** mc.c).
*/
#ifndef MRV_NONFINITE_H
#define MRV_NONFINITE_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "program.h"
#include "resolve.h"

/* Records the error for failed check 'check' of program 'p' of the bound
** project 'b': traces lane 'lane' of the block in 'slots' (inputs filled,
** each slot a column of 'stride' doubles) back to the operation that made
** the value.  'nbad' of 'ndraws' draws failed (ndraws 0: the central
** case); 'first_draw' is the 0-based number of the first failing draw,
** printed 1-based so that a user can find it again.  Returns
** MRV_EDOMAIN. */
mrv_status mrv__nonfinite_report(const mrv_program *p, const mrv_bound *b,
                                 size_t check, uint64_t nbad, uint64_t ndraws,
                                 uint64_t first_draw, const double *slots,
                                 size_t stride, size_t lane, mrv_diag *d);

#endif /* MRV_NONFINITE_H */
