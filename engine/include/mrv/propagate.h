/*
** propagate.h -- IPCC Approach 1 beside the Monte Carlo (2006 IPCC
** Guidelines Vol. 1 Ch. 3; docs/uncertainty.md).
**
** First-order propagation in its general form, sigma_f^2 = sum_i
** (df/dx_i)^2 sigma_i^2, with every input appearing once: the derivatives
** are taken numerically on the lowered program itself, so an input that
** baseline and project share (a grid factor, NCV) moves both at once, and
** a crediting-period total differentiates the sum of its vintages, which
** carries the full correlation of a shared draw across years.  Inputs are
** independent by construction (one stream each), so there are no
** covariance terms.
*/
#ifndef MRV_PROPAGATE_H
#define MRV_PROPAGATE_H

#include <stddef.h>

#include "program.h"
#include "stats.h"

#ifdef __cplusplus
extern "C" {
#endif

/* When Approach 1 is flagged ("disagrees").  Skewed inputs and
** curvature make every vintage of most real projects differ a little
** from the Monte Carlo, so a mark on every row says nothing; the flag is
** kept for a difference that would change what someone concludes:
**
**   - on any row, the two lower bounds on opposite sides of zero (one
**     says the result is surely positive, the other does not);
**   - on a crediting-period total, the lower bounds (the bound a
**     conservative issuance reads) differ by more than MRV_IPCC_MATERIAL
**     of the central estimate: 5 %, the widest materiality threshold of
**     verification practice for small projects, so a difference below
**     it would not change a verification opinion on any project;
**
** and in both cases by more than MRV_IPCC_TOLERANCE of the Monte Carlo
** half-width (upper - lower) / 2, well clear of the bounds' own sampling
** error (a few per cent of the half-width at 10^4 draws).  The total
** speaks for the period: a vintage row is not marked for the same
** materiality, whose size per vintage report.html states. */
#define MRV_IPCC_TOLERANCE 0.10
#define MRV_IPCC_MATERIAL  0.05

/* One input of the program, as Approach 1 needs it. */
typedef struct mrv_ipcc_input {
    double center; /* where the derivative is taken (the central case) */
    double sd;     /* the input's sd as drawn; 0: not uncertain */
    double lo, hi; /* its bounds: differences stay inside them */
} mrv_ipcc_input;

/* What Approach 1 would take for program p with inputs 'in': lane
** operations (instructions x lanes over every pass) and the bytes of its
** lanes' buffer; true when both are within MRV_IPCC_MAX_WORK and
** MRV_IPCC_MAX_BYTES (caps.h). */
bool mrv_propagate_fits(const mrv_program *p, const mrv_ipcc_input *in,
                        double *work, uint64_t *bytes);
/* Sets ipcc_sd, ipcc_lower, ipcc_upper and ipcc_disagrees of every
** stats[(v * MRV_NRESULTS) + r] (v == nvint the total); 'central',
** 'lower' and 'upper' must be filled already.  A result whose
** derivatives are not finite gets NaN and is not flagged; so does every
** result when the program does not fit (mrv_propagate_fits).  'in' has
** p->ninputs entries.  Returns MRV_OK or MRV_ENOMEM. */
mrv_status mrv_propagate(const mrv_program *p, const mrv_ipcc_input *in,
                         double confidence, mrv_stat *stats);

/* The step of the central difference for an input with sd 'sd' at 'x':
** one sd (Kragten's step; see propagate.c), but at least 1e-8 |x| so that
** x +- h stay distinct doubles. */
double mrv_propagate_step(double x, double sd);

#ifdef __cplusplus
}
#endif

#endif /* MRV_PROPAGATE_H */
