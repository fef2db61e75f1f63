/*
** stats.c -- type-7 quantiles of arrays of draws held in memory.
**
** Every quantile is exact: the interpolation of two order statistics
** x(k) and x(k + 1) found by selection (gsl_stats_select, quickselect),
** never by sorting the draws.  The Monte Carlo's result columns, which
** are never held whole, are summarised by colstats.c on top of these.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_statistics_double.h>

#include "stats.h"

double mrv_stats_lerp7(double a, double b, double t)
{
    /* GSL's form, (1 - t) a + t b; with a == b it would still round, so
    ** equal neighbours (ties, constant columns) give a exactly. */
    if (t == 0 || a == b) return a;
    return (1 - t) * a + t * b;
}

void mrv_stats_type7_rank(size_t n, double p, size_t *k, double *t)
{
    double h = (double)(n - 1) * p;
    double fk = floor(h);
    if (!(fk >= 0)) fk = 0;
    if (fk >= (double)(n - 1)) {
        *k = n - 1;
        *t = 0;
        return;
    }
    *k = (size_t)fk;
    *t = h - fk;
}

/* Nested selection: x[lo..hi) holds exactly the order statistics lo..hi-1
** (in some order); finds those of ranks r[a..b) (ascending, inside
** [lo, hi)) into v[a..b).  Selecting the middle rank first partitions the
** range, so the others are searched in its halves only. */
static void nested(double *x, size_t lo, size_t hi, const size_t *r, size_t a,
                   size_t b, double *v)
{
    while (a < b) {
        size_t m = a + (b - a) / 2, km = r[m];
        double xm = gsl_stats_select(x + lo, 1, hi - lo, km - lo);
        size_t a2 = m, b2 = m + 1;
        while (a2 > a && r[a2 - 1] == km) a2--;
        while (b2 < b && r[b2] == km) b2++;
        for (size_t j = a2; j < b2; j++) v[j] = xm;
        nested(x, lo, km, r, a, a2, v);
        /* The upper half continues the loop (no recursion). */
        lo = km + 1;
        a = b2;
    }
}

void mrv_stats_order(double *x, size_t n, const size_t *r, size_t nr, double *v)
{
    nested(x, 0, n, r, 0, nr, v);
}

void mrv_stats_quantiles(double *x, size_t n, const double *p, size_t np,
                         double *q)
{
    enum { MAXP = 16 };
    size_t r[2 * MAXP], k[MAXP];
    double t[MAXP], v[2 * MAXP];
    for (size_t off = 0; off < np; off += MAXP) {
        size_t m = np - off < MAXP ? np - off : MAXP, nr = 0;
        for (size_t j = 0; j < m; j++) {
            mrv_stats_type7_rank(n, p[off + j], &k[j], &t[j]);
            r[nr++] = k[j];
            r[nr++] = k[j] + 1 < n ? k[j] + 1 : k[j];
        }
        /* k ascending, but k + 1 may pass the next k: insertion sort. */
        for (size_t i = 1; i < nr; i++) {
            size_t x0 = r[i], j = i;
            while (j > 0 && r[j - 1] > x0) {
                r[j] = r[j - 1];
                j--;
            }
            r[j] = x0;
        }
        mrv_stats_order(x, n, r, nr, v);
        for (size_t j = 0; j < m; j++) {
            double a = 0, b = 0;
            for (size_t i = 0; i < nr; i++) {
                if (r[i] == k[j]) a = v[i];
                if (r[i] == (k[j] + 1 < n ? k[j] + 1 : k[j])) b = v[i];
            }
            q[off + j] = mrv_stats_lerp7(a, b, t[j]);
        }
    }
}
