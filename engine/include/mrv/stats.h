/*
** stats.h -- summaries of Monte Carlo result columns (docs/uncertainty.md).
**
** A column is every draw of one result in one vintage (or of the
** crediting-period total).  Its summary is the mean, the sd (n - 1), and
** Hyndman-Fan type 7 quantiles (R's and numpy's default; GSL's
** gsl_stats_quantile_from_sorted_data): for probability p and draws
** sorted as x(0) <= ... <= x(n-1), h = (n - 1) p, k = floor(h) and
** Q(p) = (1 - (h - k)) x(k) + (h - k) x(k + 1).  Order statistics come
** from selection, never from sorting the draws.
*/
#ifndef MRV_STATS_H
#define MRV_STATS_H

#include <stdbool.h>
#include <stddef.h>

#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The statistics of one result in one vintage (or the total). */
typedef struct mrv_stat {
    double central;              /* every input at its value */
    double mean, sd;             /* sd with n - 1 */
    double lower, median, upper; /* type-7 quantiles at (1 -+ c)/2, 0.5 */
    double se_mean;              /* sd / sqrt(n) */
    double lower_half,
        upper_half; /* the bounds from the first half of the
                     ** draws, to show whether they were enough */
    /* IPCC Approach 1 (first-order propagation, propagate.c) beside the
    ** Monte Carlo: sd and central -+ z sd at the same confidence; NaN
    ** when the derivatives could not be formed.  'ipcc_disagrees' when a
    ** bound differs from the Monte Carlo one by more than
    ** MRV_IPCC_TOLERANCE of the Monte Carlo half-width. */
    double ipcc_sd, ipcc_lower, ipcc_upper;
    bool ipcc_disagrees;
} mrv_stat;

/* Scratch space for summarising columns of up to 'n' draws; one per
** thread. */
typedef struct mrv_stats_ws mrv_stats_ws;
mrv_stats_ws *mrv_stats_ws_new(size_t n);
/* The bytes mrv_stats_ws_new(n) allocates (for the Monte Carlo's memory
** limit). */
size_t mrv_stats_ws_bytes(size_t n);
void mrv_stats_ws_free(mrv_stats_ws *w);

/* Summarises x[0..n) (n > 0, every value finite) into the mean, sd,
** se_mean, lower, median, upper (type 7 at (1 - c)/2, 1/2, (1 + c)/2)
** and the bounds of the first floor(n/2) draws (the full-draw bounds
** when n < 2) of *out; 'central' and the IPCC fields are left alone.
** 'x' is not modified.  Deterministic: the same column gives the same
** summary bit for bit.  Returns MRV_ENOMEM only if 'w' is too small for
** a fallback copy (never with a workspace made for n). */
mrv_status mrv_stats_column(const double *x, size_t n, double confidence,
                            mrv_stats_ws *w, mrv_stat *out);

/* Type-7 quantiles of x[0..n) (n > 0) at the ascending probabilities
** p[0..np) into q[0..np), by nested selection: x is reordered. */
void mrv_stats_quantiles(double *x, size_t n, const double *p, size_t np,
                         double *q);

/* The type-7 interpolation between the order statistics x(k) = a and
** x(k + 1) = b at fraction t = h - k (equal values give a exactly). */
double mrv_stats_lerp7(double a, double b, double t);

#ifdef __cplusplus
}
#endif

#endif /* MRV_STATS_H */
