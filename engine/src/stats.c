/*
** stats.c -- type-7 quantiles of arrays of draws held in memory.
**
** Every quantile is exact: the interpolation of two order statistics
** x(k) and x(k + 1) found by selection, never by sorting the draws: on
** long arrays through brackets placed from a sample (one branch-free
** pass, then a short selection), else by Floyd and Rivest's SELECT.
** Any correct selection finds the same values, so the choice changes
** only the speed.  The Monte Carlo's result columns, which are never
** held whole, are summarised by colstats.c on top of these.
*/
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "pmath.h"
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

static inline void swap2(double *x, ptrdiff_t i, ptrdiff_t j)
{
    double t = x[i];
    x[i] = x[j];
    x[j] = t;
}

/* Floyd and Rivest's SELECT (Comm. ACM 18(3), 1975, algorithm 489):
** reorders x[l..r] so that x[k] is its order statistic of rank k - l,
** nothing above it to its left and nothing below it to its right.  A
** long range is first narrowed by selecting on a sample around where k
** should fall, so about n + k comparisons are made where quickselect
** makes 2-3 n; twice as fast as gsl_stats_select here.  Any correct
** selection finds the same value; the sample's bounds (from the
** engine's own exp and log, so the same on every machine) only change
** how fast, and the order left in x, which no caller reads. */
static void select_fr(double *x, ptrdiff_t l, ptrdiff_t r, ptrdiff_t k)
{
    while (r > l) {
        if (r - l > 600) {
            double n = (double)(r - l + 1), i = (double)(k - l + 1);
            double z = mrv__log(n), s = 0.5 * mrv__exp(2 * z / 3);
            double sd = 0.5 * sqrt(z * s * (n - s) / n);
            if (i < n / 2) sd = -sd;
            ptrdiff_t nl = (ptrdiff_t)((double)k - i * s / n + sd);
            ptrdiff_t nr = (ptrdiff_t)((double)k + (n - i) * s / n + sd);
            select_fr(x, nl > l ? nl : l, nr < r ? nr : r, k);
        }
        /* Partition x[l..r] about t = x[k], which the sample's selection
        ** has made close to the answer. */
        double t = x[k];
        ptrdiff_t i = l, j = r;
        swap2(x, l, k);
        if (x[r] > t) swap2(x, r, l);
        while (i < j) {
            swap2(x, i, j);
            i++;
            j--;
            while (x[i] < t) i++;
            while (x[j] > t) j--;
        }
        if (x[l] == t) {
            swap2(x, l, j);
        } else {
            j++;
            swap2(x, j, r);
        }
        if (j <= k) l = j + 1;
        if (k <= j) r = j - 1;
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

/* Arrays at least this long are selected on through brackets (below);
** at most this many ranks. */
#define BRACKET_MIN   2048
#define BRACKET_RANKS 64

/* The draws x[0..n) that lie in [lo[g], hi[g]] copied to dst[g] (each
** with room for n), in order, their counts into k[g], and those under
** lo[g] counted into below[g], for the groups g < 3 at once (a group
** with lo > hi holds nothing).  Branch-free: a draw is stored at each
** buffer's end whether or not it is inside, and the end moves only when
** it is, so a draw on either side costs the same (the partitions of a
** selection mispredict about half their branches when the rank is near
** the middle). */
static void extract3(const double *x, size_t n, const double lo[3],
                     const double hi[3], double *dst[3], size_t k[3],
                     size_t below[3])
{
    const double l0 = lo[0], h0 = hi[0], l1 = lo[1], h1 = hi[1], l2 = lo[2],
                 h2 = hi[2];
    double *d0 = dst[0], *d1 = dst[1], *d2 = dst[2];
    size_t k0 = 0, k1 = 0, k2 = 0, b0 = 0, b1 = 0, b2 = 0;
    for (size_t i = 0; i < n; i++) {
        double t = x[i];
        d0[k0] = t;
        d1[k1] = t;
        d2[k2] = t;
        b0 += t < l0;
        b1 += t < l1;
        b2 += t < l2;
        k0 += (t >= l0) & (t <= h0);
        k1 += (t >= l1) & (t <= h1);
        k2 += (t >= l2) & (t <= h2);
    }
    k[0] = k0, k[1] = k1, k[2] = k2;
    below[0] = b0, below[1] = b1, below[2] = b2;
}

/* The same for one group. */
static size_t extract1(const double *x, size_t n, double lo, double hi,
                       double *dst, size_t *below)
{
    size_t k = 0, b = 0;
    for (size_t i = 0; i < n; i++) {
        double t = x[i];
        dst[k] = t;
        b += t < lo;
        k += (t >= lo) & (t <= hi);
    }
    *below = b;
    return k;
}

/* Order statistics of a long x at ascending ranks r[0..nr) into v,
** through brackets: a strided sample of about n^(2/3) draws places, for
** each group of nearby ranks, a value interval that holds them with
** high probability (3 binomial sds of the sample plus 3 ranks either
** side); one pass counts the draws below the interval and copies those
** in it, and the ranks are selected among the copies.  False, with v
** partly set, when a rank fell outside its interval or memory ran out (then
** the caller selects on x itself); x is left as it was. */
static bool bracketed(const double *x, size_t n, const size_t *r, size_t nr,
                      double *v)
{
    /* pmath, not libm: the same sample on every machine (only the speed
    ** depends on it). */
    size_t s = (size_t)mrv__exp(2 * mrv__log((double)n) / 3);
    if (s > n / 4) s = n / 4;
    size_t step = n / s;
    /* Each rank's interval as sample ranks [a, b] (-1 and s: unbounded);
    ** overlapping ones merged into groups of ranks r[g0..g1). */
    ptrdiff_t ga[BRACKET_RANKS], gb[BRACKET_RANKS];
    size_t g0[BRACKET_RANKS], ng = 0;
    for (size_t i = 0; i < nr; i++) {
        double p = ((double)r[i] + 1) / ((double)n + 1);
        double c = (double)r[i] * (double)(s - 1) / (double)(n - 1);
        double d = 3 * sqrt((double)s * p * (1 - p)) + 3;
        ptrdiff_t a = (ptrdiff_t)floor(c - d), b = (ptrdiff_t)ceil(c + d);
        if (a < 0) a = -1;
        if (b > (ptrdiff_t)s - 1) b = (ptrdiff_t)s;
        if (ng && a <= gb[ng - 1]) {
            if (b > gb[ng - 1]) gb[ng - 1] = b;
            continue;
        }
        ga[ng] = a;
        gb[ng] = b;
        g0[ng++] = i;
    }
    /* Room for the sample, then for the copies of up to three groups. */
    double *buf = malloc((ng < 3 ? ng : 3) * n * sizeof *buf);
    if (!buf) return false;
    /* The sample's order statistics at the groups' ends. */
    size_t sr[2 * BRACKET_RANKS], ns = 0;
    double sv[2 * BRACKET_RANKS];
    for (size_t g = 0; g < ng; g++) {
        if (ga[g] >= 0 && (!ns || sr[ns - 1] != (size_t)ga[g]))
            sr[ns++] = (size_t)ga[g];
        if (gb[g] < (ptrdiff_t)s && (!ns || sr[ns - 1] != (size_t)gb[g]))
            sr[ns++] = (size_t)gb[g];
    }
    for (size_t i = 0; i < s; i++) buf[i] = x[i * step];
    nested(buf, 0, s, sr, 0, ns, sv);
    double lo[BRACKET_RANKS], hi[BRACKET_RANKS];
    for (size_t g = 0, j = 0; g < ng; g++) {
        lo[g] = -(double)HUGE_VAL;
        hi[g] = (double)HUGE_VAL;
        if (ga[g] >= 0) {
            while (sr[j] != (size_t)ga[g]) j++;
            lo[g] = sv[j];
        }
        if (gb[g] < (ptrdiff_t)s) {
            while (sr[j] != (size_t)gb[g]) j++;
            hi[g] = sv[j];
        }
    }
    /* The groups three at a time, one pass each. */
    bool found = true;
    for (size_t g = 0; found && g < ng; g += 3) {
        size_t m = ng - g < 3 ? ng - g : 3, k[3], below[3];
        /* A group not in use holds nothing: its draws all go to sink[0]. */
        double l3[3] = {1, 1, 1}, h3[3] = {0, 0, 0}, *dst[3], sink[1];
        for (size_t j = 0; j < 3; j++) {
            dst[j] = j < m ? buf + j * n : sink;
            if (j < m) l3[j] = lo[g + j], h3[j] = hi[g + j];
        }
        if (m == 1)
            k[0] = extract1(x, n, l3[0], h3[0], dst[0], &below[0]);
        else
            extract3(x, n, l3, h3, dst, k, below);
        for (size_t j = 0; found && j < m; j++) {
            size_t i0 = g0[g + j], i1 = g + j + 1 < ng ? g0[g + j + 1] : nr;
            size_t rr[BRACKET_RANKS];
            for (size_t i = i0; i < i1; i++) {
                found = found && r[i] >= below[j] && r[i] < below[j] + k[j];
                rr[i - i0] = r[i] - below[j];
            }
            /* The copies are exactly the order statistics below .. below
            ** + k - 1 of x: nothing under lo, nothing over hi, ties
            ** kept. */
            if (found) nested(dst[j], 0, k[j], rr, 0, i1 - i0, v + i0);
        }
    }
    free(buf);
    return found;
}

void mrv_stats_order(double *x, size_t n, const size_t *r, size_t nr, double *v)
{
    if (n >= BRACKET_MIN && nr <= BRACKET_RANKS && bracketed(x, n, r, nr, v))
        return;
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
