/*
** stats.c -- type-7 quantiles of arrays of draws held in memory.
**
** Every quantile is exact: the interpolation of two order statistics
** x(k) and x(k + 1) found by selection (Floyd and Rivest's SELECT, in
** place), never by sorting the draws.  The Monte Carlo's result
** columns, which are never held whole, are summarised by colstats.c on
** top of these.
*/
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pmath.h"
#include "stats.h"
#include "stats_int.h"

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

static inline void swap2(double *x, ptrdiff_t i, ptrdiff_t j)
{
    double t = x[i];
    x[i] = x[j];
    x[j] = t;
}

/* Moves the values of x[l..r] below t, and with 'eq' those equal to it,
** to its front, and returns where the rest start: x[l..j) are those,
** x[j..r] the others.  No branch on the data: every value is swapped
** with x[j], and j advances only past those that belong in front, so a
** median's partition does not mispredict every other comparison as
** Hoare's scan does (7 against 2 ns per draw on 2,000 draws). */
_Thread_local uint64_t mrv__stats_moved;

static ptrdiff_t part(double *x, ptrdiff_t l, ptrdiff_t r, double t, bool eq)
{
    mrv__stats_moved += (uint64_t)(r - l + 1);
    ptrdiff_t j = l;
    for (ptrdiff_t i = l; i <= r; i++) {
        double v = x[i];
        x[i] = x[j];
        x[j] = v;
        j += (v < t) | (eq & (v == t));
    }
    return j;
}

/* Floyd and Rivest's SELECT (Comm. ACM 18(3), 1975, algorithm 489):
** reorders x[l..r] so that x[k] is its order statistic of rank k - l,
** nothing above it to its left and nothing below it to its right.  A
** long range is first narrowed by selecting on a sample around where k
** should fall, so the pivot t lies just on the far side of the answer
** and one partition leaves only the short side to search.  Each pass is
** branch-free (part): on the side where k is expected, the
** values equal to t go with the other side, so the usual outcome takes
** one pass and a second pass, over one side only, separates the values
** equal to t (many tied draws cannot make it quadratic).  Any correct
** selection finds the same value; the sample's bounds (from the engine's
** own exp and log, so the same on every machine) only change how fast,
** and the order left in x, which no caller reads. */
static void select_fr(double *x, ptrdiff_t l, ptrdiff_t r, ptrdiff_t k)
{
    while (r > l) {
        bool low = k - l < r - k;
        if (r - l > 600) {
            double n = (double)(r - l + 1), i = (double)(k - l + 1);
            double z = mrv__log(n), s = 0.5 * mrv__exp(2 * z / 3);
            double sd = 0.5 * sqrt(z * s * (n - s) / n);
            if (i < n / 2) sd = -sd;
            ptrdiff_t nl = (ptrdiff_t)((double)k - i * s / n + sd);
            ptrdiff_t nr = (ptrdiff_t)((double)k + (n - i) * s / n + sd);
            nl = nl > l ? nl : l;
            nr = nr < r ? nr : r;
            /* The sample is gathered from across the range, not taken
            ** from k's neighbours: a partition keeps the values on each
            ** side in their order, so the neighbours would be the same
            ** few values pass after pass, and a pivot they put on the
            ** wrong side of the answer cut a million draws by only a
            ** few hundred a pass (25 passes over them, not 4). */
            ptrdiff_t step = (r - l + 1) / (nr - nl + 1);
            for (ptrdiff_t q = 0; q <= nr - nl; q++)
                swap2(x, nl + q, l + q * step);
            select_fr(x, nl, nr, k);
        }
        double t = x[k];
        if (low) {
            /* t is expected above the answer: x[l..j) < t. */
            ptrdiff_t j = part(x, l, r, t, false);
            if (k < j) {
                r = j - 1;
                continue;
            }
            ptrdiff_t e = part(x, j, r, t, true); /* x[j..e) == t */
            if (k < e || e == j) return;          /* e == j: t is NaN */
            l = e;
        } else {
            /* t is expected below the answer: x[e..r] > t. */
            ptrdiff_t e = part(x, l, r, t, true);
            if (e == l) return; /* t is NaN: stop rather than loop */
            if (k >= e) {
                l = e;
                continue;
            }
            ptrdiff_t j = part(x, l, e - 1, t, false); /* x[j..e) == t */
            if (k >= j) return;
            r = j - 1;
        }
    }
}

/* The least of x[lo..hi) moved to x[lo] (hi > lo). */
static double take_min(double *x, size_t lo, size_t hi)
{
    size_t at = lo;
    for (size_t i = lo + 1; i < hi; i++)
        if (x[i] < x[at]) at = i;
    swap2(x, (ptrdiff_t)lo, (ptrdiff_t)at);
    return x[lo];
}

/* Nested selection: x[lo..hi) holds exactly the order statistics lo..hi-1
** (in some order); finds those of ranks r[a..b) (ascending, inside
** [lo, hi)) into v[a..b).  Selecting the middle rank first partitions the
** range, so the others are searched in its halves only; the rank just
** above one found (a quantile's x(k + 1)) is the least of the upper
** part, a scan instead of another selection. */
static void nested(double *x, size_t lo, size_t hi, const size_t *r, size_t a,
                   size_t b, double *v)
{
    while (a < b) {
        size_t m = a + (b - a) / 2;
        /* Of a run of consecutive ranks, select the first. */
        while (m > a && r[m - 1] + 1 == r[m]) m--;
        size_t km = r[m];
        select_fr(x, (ptrdiff_t)lo, (ptrdiff_t)hi - 1, (ptrdiff_t)km);
        double xm = x[km];
        size_t a2 = m, b2 = m + 1;
        while (a2 > a && r[a2 - 1] == km) a2--;
        while (b2 < b && r[b2] == km) b2++;
        for (size_t j = a2; j < b2; j++) v[j] = xm;
        nested(x, lo, km, r, a, a2, v);
        /* The upper half continues the loop (no recursion). */
        lo = km + 1;
        a = b2;
        while (a < b && r[a] == lo) {
            double xn = take_min(x, lo, hi);
            while (a < b && r[a] == lo) v[a++] = xn;
            lo++;
        }
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
