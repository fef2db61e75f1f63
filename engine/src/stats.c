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
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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
static ptrdiff_t part(double *x, ptrdiff_t l, ptrdiff_t r, double t, bool eq)
{
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
            select_fr(x, nl > l ? nl : l, nr < r ? nr : r, k);
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

/* Arrays at least this long are selected on through brackets (below);
** at most this many ranks. */
#define BRACKET_MIN   2048
#define BRACKET_RANKS 64
/* Draws extracted at a time, into a scratch of this many per group. */
#define BRACKET_CHUNK 2048
/* The most doubles the bracketed selection holds beside x (32 MiB):
** past it, x is selected in place.  The copies of a rank's interval
** number about 6 sqrt(p (1 - p)) n^(2/3), some 10^6 for 10^8 draws. */
#define BRACKET_MAX_HELD ((size_t)1 << 22)

/* Keeps v in each bracket that holds it: branch-free stores at each
** buffer's end, advanced only where v is inside.  Written out per
** bracket so that the ends stay in registers. */
#define KEEP3(v)                                                               \
    do {                                                                       \
        double v_ = (v);                                                       \
        d0[k0] = v_;                                                           \
        k0 += (v_ >= l0) & (v_ <= h0);                                         \
        d1[k1] = v_;                                                           \
        k1 += (v_ >= l1) & (v_ <= h1);                                         \
        d2[k2] = v_;                                                           \
        k2 += (v_ >= l2) & (v_ <= h2);                                         \
    } while (0)

/* With 'few', most draws lie in no bracket: with SSE2 a pair of draws is
** tested against all three at once and only a pair with a draw inside
** is kept draw by draw (a data-dependent branch per draw and bracket
** cost twice as much).  Otherwise, and for what is left, every draw
** goes through KEEP3 with the counts in registers: when a tenth or more
** of the pairs have a draw inside, the pairs' branch mispredicts more
** than it saves (selecting 2 ranks in 50,000 draws: 2.3 ns per draw
** against 1.4). */
void mrv__stats_classify3(const double *x, size_t n, const double lo[3],
                          const double hi[3], bool few, double *dst[3],
                          uint64_t below[3], size_t kept[3])
{
    const double l0 = lo[0], h0 = hi[0], l1 = lo[1], h1 = hi[1], l2 = lo[2],
                 h2 = hi[2];
    double *d0 = dst[0], *d1 = dst[1], *d2 = dst[2];
    size_t k0 = 0, k1 = 0, k2 = 0, i = 0;
    uint64_t b0 = 0, b1 = 0, b2 = 0;
#if defined(__SSE2__)
    if (few) {
        /* Counts as 64-bit lanes: a comparison's all-ones lane is -1. */
        const __m128d la = _mm_set1_pd(l0), ha = _mm_set1_pd(h0),
                      lb = _mm_set1_pd(l1), hb = _mm_set1_pd(h1),
                      lc = _mm_set1_pd(l2), hc = _mm_set1_pd(h2);
        __m128i na = _mm_setzero_si128(), nb = na, nc = na;
        for (; i + 2 <= n; i += 2) {
            __m128d v = _mm_loadu_pd(x + i);
            __m128d lta = _mm_cmplt_pd(v, la), ltb = _mm_cmplt_pd(v, lb),
                    ltc = _mm_cmplt_pd(v, lc);
            na = _mm_sub_epi64(na, _mm_castpd_si128(lta));
            nb = _mm_sub_epi64(nb, _mm_castpd_si128(ltb));
            nc = _mm_sub_epi64(nc, _mm_castpd_si128(ltc));
            __m128d in =
                _mm_or_pd(_mm_or_pd(_mm_andnot_pd(lta, _mm_cmple_pd(v, ha)),
                                    _mm_andnot_pd(ltb, _mm_cmple_pd(v, hb))),
                          _mm_andnot_pd(ltc, _mm_cmple_pd(v, hc)));
            if (_mm_movemask_pd(in)) {
                KEEP3(x[i]);
                KEEP3(x[i + 1]);
            }
        }
        uint64_t cnt[2];
        _mm_storeu_si128((__m128i *)cnt, na);
        b0 = cnt[0] + cnt[1];
        _mm_storeu_si128((__m128i *)cnt, nb);
        b1 = cnt[0] + cnt[1];
        _mm_storeu_si128((__m128i *)cnt, nc);
        b2 = cnt[0] + cnt[1];
    }
#else
    (void)few;
#endif
    for (; i < n; i++) {
        double t = x[i];
        b0 += t < l0;
        b1 += t < l1;
        b2 += t < l2;
        KEEP3(t);
    }
    below[0] += b0;
    below[1] += b1;
    below[2] += b2;
    kept[0] = k0;
    kept[1] = k1;
    kept[2] = k2;
}

/* mrv__stats_classify3 for one bracket: a third of the work, for the
** common case of a quantile's two neighbouring ranks. */
static size_t classify1(const double *x, size_t n, double lo, double hi,
                        double *dst, uint64_t *below)
{
    size_t k = 0;
    uint64_t b = 0;
    for (size_t i = 0; i < n; i++) {
        double t = x[i];
        dst[k] = t;
        b += t < lo;
        k += (t >= lo) & (t <= hi);
    }
    *below += b;
    return k;
}

/* A group of nearby ranks, r[i0..i1): the value interval [lo, hi] that
** should hold them, and the draws of x found in it. */
typedef struct group {
    size_t i0, i1;
    ptrdiff_t a, b; /* the interval's ends as sample ranks (-1, s: none) */
    double lo, hi;
    double *in; /* the draws in [lo, hi], room for 'cap' */
    size_t k, cap, below;
} group;

/* Copies into each of the groups g[0..m) (m <= 3) the draws of x in its
** interval, a chunk at a time through 'scratch' (3 BRACKET_CHUNK
** doubles); false when a group has more than its room (heavy ties, or
** an unlucky sample). */
static bool extract_groups(const double *x, size_t n, group *g, size_t m,
                           double *scratch)
{
    /* A group not in use (lo > hi) holds nothing. */
    double lo[3] = {1, 1, 1}, hi[3] = {0, 0, 0}, *dst[3];
    for (size_t j = 0; j < 3; j++) {
        dst[j] = scratch + j * BRACKET_CHUNK;
        if (j < m) lo[j] = g[j].lo, hi[j] = g[j].hi;
    }
    for (size_t i0 = 0; i0 < n; i0 += BRACKET_CHUNK) {
        size_t len = n - i0 < BRACKET_CHUNK ? n - i0 : BRACKET_CHUNK;
        size_t k[3];
        uint64_t below[3] = {0, 0, 0};
        if (m == 1)
            k[0] = classify1(x + i0, len, lo[0], hi[0], dst[0], &below[0]);
        else
            mrv__stats_classify3(x + i0, len, lo, hi, false, dst, below, k);
        for (size_t j = 0; j < m; j++) {
            if (k[j] > g[j].cap - g[j].k) return false;
            memcpy(g[j].in + g[j].k, dst[j], k[j] * sizeof *dst[j]);
            g[j].k += k[j];
            g[j].below += below[j];
        }
    }
    return true;
}

/* Order statistics of a long x at ascending ranks r[0..nr) into v,
** through brackets: a strided sample of about n^(2/3) draws places, for
** each group of nearby ranks, a value interval that holds them with
** high probability (3 binomial sds of the sample plus 3 ranks either
** side); one pass counts the draws below the interval and copies those
** in it, and the ranks are selected among the copies.  False, with v
** partly set, when a rank fell outside its interval, a group outgrew
** its room, or the room would be more than BRACKET_MAX_HELD or memory
** ran out (then the caller selects on x itself); x is left as it was. */
static bool bracketed(const double *x, size_t n, const size_t *r, size_t nr,
                      double *v)
{
    /* pmath, not libm: the same sample on every machine (only the speed
    ** depends on it). */
    size_t s = (size_t)mrv__exp(2 * mrv__log((double)n) / 3);
    if (s > n / 4) s = n / 4;
    size_t step = n / s;
    /* Each rank's interval as sample ranks [a, b], overlapping ones
    ** merged into groups. */
    group g[BRACKET_RANKS];
    size_t ng = 0;
    for (size_t i = 0; i < nr; i++) {
        double p = ((double)r[i] + 1) / ((double)n + 1);
        double c = (double)r[i] * (double)(s - 1) / (double)(n - 1);
        double d = 3 * sqrt((double)s * p * (1 - p)) + 3;
        ptrdiff_t a = (ptrdiff_t)floor(c - d), b = (ptrdiff_t)ceil(c + d);
        if (a < 0) a = -1;
        if (b > (ptrdiff_t)s - 1) b = (ptrdiff_t)s;
        if (ng && a <= g[ng - 1].b) {
            if (b > g[ng - 1].b) g[ng - 1].b = b;
            g[ng - 1].i1 = i + 1;
            continue;
        }
        g[ng++] = (group){.i0 = i, .i1 = i + 1, .a = a, .b = b};
    }
    /* Room: the sample, the scratch, and for each group one and a half
    ** times the draws its share of the sample should hold, plus 256. */
    size_t held = s + 3 * BRACKET_CHUNK;
    for (size_t j = 0; j < ng; j++) {
        double share = (double)(g[j].b - g[j].a + 1) / (double)s;
        double cap = 1.5 * share * (double)n + 256;
        g[j].cap = cap < (double)n ? (size_t)cap : n;
        held += g[j].cap;
    }
    if (held > BRACKET_MAX_HELD) return false;
    double *buf = malloc(held * sizeof *buf);
    if (!buf) return false;
    double *scratch = buf + s, *next = scratch + 3 * BRACKET_CHUNK;
    for (size_t j = 0; j < ng; j++) {
        g[j].in = next;
        next += g[j].cap;
    }
    /* The sample's order statistics at the groups' ends. */
    size_t sr[2 * BRACKET_RANKS], ns = 0;
    double sv[2 * BRACKET_RANKS];
    for (size_t j = 0; j < ng; j++) {
        if (g[j].a >= 0 && (!ns || sr[ns - 1] != (size_t)g[j].a))
            sr[ns++] = (size_t)g[j].a;
        if (g[j].b < (ptrdiff_t)s && (!ns || sr[ns - 1] != (size_t)g[j].b))
            sr[ns++] = (size_t)g[j].b;
    }
    for (size_t i = 0; i < s; i++) buf[i] = x[i * step];
    nested(buf, 0, s, sr, 0, ns, sv);
    for (size_t j = 0, t = 0; j < ng; j++) {
        g[j].lo = -(double)HUGE_VAL;
        g[j].hi = (double)HUGE_VAL;
        if (g[j].a >= 0) {
            while (sr[t] != (size_t)g[j].a) t++;
            g[j].lo = sv[t];
        }
        if (g[j].b < (ptrdiff_t)s) {
            while (sr[t] != (size_t)g[j].b) t++;
            g[j].hi = sv[t];
        }
    }
    /* The groups three at a time, one pass each. */
    bool found = true;
    for (size_t j0 = 0; found && j0 < ng; j0 += 3) {
        size_t m = ng - j0 < 3 ? ng - j0 : 3;
        found = extract_groups(x, n, g + j0, m, scratch);
        for (size_t j = j0; found && j < j0 + m; j++) {
            size_t rr[BRACKET_RANKS];
            for (size_t i = g[j].i0; i < g[j].i1; i++) {
                found =
                    found && r[i] >= g[j].below && r[i] < g[j].below + g[j].k;
                rr[i - g[j].i0] = r[i] - g[j].below;
            }
            /* The copies are exactly the order statistics below .. below
            ** + k - 1 of x: nothing under lo, nothing over hi, ties
            ** kept. */
            if (found)
                nested(g[j].in, 0, g[j].k, rr, 0, g[j].i1 - g[j].i0,
                       v + g[j].i0);
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
