/*
** stats.h -- summaries of Monte Carlo result columns (docs/uncertainty.md).
**
** A column is every draw of one result in one vintage (or of the
** crediting-period total).  Its summary is the mean, the sd (n - 1), and
** Hyndman-Fan type 7 quantiles (R's and numpy's default; GSL's
** gsl_stats_quantile_from_sorted_data): for probability p and draws
** sorted as x(0) <= ... <= x(n-1), h = (n - 1) p, k = floor(h) and
** Q(p) = (1 - (h - k)) x(k) + (h - k) x(k + 1).  Order statistics come
** from selection, never from sorting the draws.  The Monte Carlo fills
** mrv_stat from draws it never holds whole (colstats.h).
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
    double p_below; /* the share of draws below the central value: for
                    ** the crediting-period totals; NaN elsewhere and
                    ** without draws */
    /* IPCC Approach 1 (first-order propagation, propagate.c) beside the
    ** Monte Carlo: sd and central -+ z sd at the same confidence; NaN
    ** when the derivatives could not be formed.  'ipcc_disagrees' when a
    ** bound differs from the Monte Carlo one by more than
    ** MRV_IPCC_TOLERANCE of the Monte Carlo half-width. */
    double ipcc_sd, ipcc_lower, ipcc_upper;
    bool ipcc_disagrees;
} mrv_stat;

/* Type-7 quantiles of x[0..n) (n > 0) at the ascending probabilities
** p[0..np) into q[0..np), by selection: x may be reordered. */
void mrv_stats_quantiles(double *x, size_t n, const double *p, size_t np,
                         double *q);

/* Type 7's h = (n - 1) p split into the rank k = floor(h) and the fraction
** t = h - k, with k + 1 < n whenever t > 0 (n > 0). */
void mrv_stats_type7_rank(size_t n, double p, size_t *k, double *t);

/* The order statistics of x[0..n) at the ascending ranks r[0..nr) (each
** below n) into v[0..nr), by selection: x may be reordered. */
void mrv_stats_order(double *x, size_t n, const size_t *r, size_t nr,
                     double *v);

/* The type-7 interpolation between the order statistics x(k) = a and
** x(k + 1) = b at fraction t = h - k (equal values give a exactly). */
double mrv_stats_lerp7(double a, double b, double t);

#ifdef __cplusplus
}
#endif

#endif /* MRV_STATS_H */
