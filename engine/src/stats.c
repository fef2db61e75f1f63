/*
** stats.c -- mean, sd and type-7 quantiles of result columns.
**
** Owns mrv_stats_ws, the per-thread scratch space; borrows the columns.
** Every quantile is exact: the interpolation of two order statistics
** x(k) and x(k + 1) found by selection (gsl_stats_select, quickselect),
** never by sorting the draws.
**
** Selecting on a copy of a million draws costs about 9 ms per order
** statistic, and a run summarises (vintages + 1) x 4 columns with five
** quantiles each, so long columns take a shortcut that is still exact
** (Floyd and Rivest's idea).  For each probability (lower, median,
** upper), selection on a subsample of SAMPLE_N draws gives two values
** L <= U that bracket its rank with a margin of BRACKET_SDS binomial
** standard deviations.  One pass over the column then sums the moments,
** counts the draws below L and copies those in [L, U] aside, noting the
** counts at half-way for the bounds of the first half.  If the wanted
** ranks fall inside the copied range, selection on those few per cent
** of the draws gives exactly x(k) and x(k + 1); if not (odds about 5e-4
** per bound, or a buffer overflowing on heavy ties) the column is
** selected in full.  Either way the answer is the same order statistic,
** so it never depends on which path ran.  About 3 ms for a column of a
** million draws, a third of it reading the column from memory.
**
** Invariants: columns hold finite values only (mc.c fails the run before
** summarising a non-finite draw); n > 0.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_statistics_double.h>

#include "stats.h"

/* Size of the subsample that places the brackets: larger means narrower
** brackets, fewer draws copied and selected, but more selection on the
** subsample itself; 32768 was fastest for a million draws. */
#define SAMPLE_N 32768
/* Columns shorter than this are summarised by plain nested selection. */
#define FAST_MIN (4 * SAMPLE_N)
/* Half-width of a bracket in sd of the subsample rank (binomial), plus a
** few ranks so that the neighbour x(k + 1) is inside too. */
#define BRACKET_SDS   3.5
#define BRACKET_SLACK 3.0

struct mrv_stats_ws {
    size_t n;       /* the column length it was made for */
    double *copy;   /* n doubles: the fallback's scratch copy */
    double *sample; /* SAMPLE_N doubles */
    double *buf;    /* bracket buffers, 'nbuf' doubles in all */
    size_t nbuf;
};

/* Bracket buffers: each of the three gets twice its expected share,
** 2 n (2 BRACKET_SDS sqrt(p (1 - p) / SAMPLE_N) + slack), at most 5 % of
** n (p = 1/2), well inside n/2 for any confidence. */
static size_t buf_len(size_t n)
{
    return n >= FAST_MIN ? n / 2 + 8192 : 0;
}

size_t mrv_stats_ws_bytes(size_t n)
{
    size_t nbuf = buf_len(n);
    return sizeof(mrv_stats_ws) +
           ((n ? n : 1) + SAMPLE_N + (nbuf ? nbuf : 1)) * sizeof(double);
}

mrv_stats_ws *mrv_stats_ws_new(size_t n)
{
    mrv_stats_ws *w = calloc(1, sizeof *w);
    if (!w) return NULL;
    w->n = n;
    w->nbuf = buf_len(n);
    w->copy = malloc((n ? n : 1) * sizeof *w->copy);
    w->sample = malloc(SAMPLE_N * sizeof *w->sample);
    w->buf = malloc((w->nbuf ? w->nbuf : 1) * sizeof *w->buf);
    if (!w->copy || !w->sample || !w->buf) {
        mrv_stats_ws_free(w);
        return NULL;
    }
    return w;
}

void mrv_stats_ws_free(mrv_stats_ws *w)
{
    if (!w) return;
    free(w->copy);
    free(w->sample);
    free(w->buf);
    free(w);
}

double mrv_stats_lerp7(double a, double b, double t)
{
    /* GSL's form, (1 - t) a + t b; with a == b it would still round, so
    ** equal neighbours (ties, constant columns) give a exactly. */
    if (t == 0 || a == b) return a;
    return (1 - t) * a + t * b;
}

/* h = (n - 1) p split into the rank k and the fraction t, with k + 1 < n
** whenever t > 0. */
static void type7_rank(size_t n, double p, size_t *k, double *t)
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

/* Order statistics of x[0..n) (reordered) at the ascending ranks
** r[0..nr) into v. */
static void order_stats(double *x, size_t n, const size_t *r, size_t nr,
                        double *v)
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
            type7_rank(n, p[off + j], &k[j], &t[j]);
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
        order_stats(x, n, r, nr, v);
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

/* ---- the bracketed fast path ------------------------------------------- */

/* Mean and sum of squared deviations of data shifted by the first draw
** x0: S1 = sum (x - x0), S2 = sum (x - x0)^2, mean = x0 + S1 / n,
** sum (x - mean)^2 = S2 - S1^2 / n.  The shift makes a constant column
** exact and keeps the cancellation in S2 - S1^2 / n harmless (x0 is a
** draw, a few sd from the mean at most).  Draw i goes to partial sum
** i % 4 whatever the pieces the column is added in, so the result is
** the same bit for bit however the pass is cut. */
typedef struct moments {
    double x0;
    double a[4], q[4];
} moments;

static void moments_add(moments *mo, const double *x, size_t i0, size_t i1)
{
    size_t i = i0;
    for (; i < i1 && i % 4 != 0; i++) {
        double d = x[i] - mo->x0;
        mo->a[i % 4] += d;
        mo->q[i % 4] += d * d;
    }
    for (; i + 4 <= i1; i += 4) {
        for (size_t j = 0; j < 4; j++) {
            double d = x[i + j] - mo->x0;
            mo->a[j] += d;
            mo->q[j] += d * d;
        }
    }
    for (; i < i1; i++) {
        double d = x[i] - mo->x0;
        mo->a[i % 4] += d;
        mo->q[i % 4] += d * d;
    }
}

/* The mean and sd from the partial sums; false when a sum overflowed
** (draws near 1e154 and beyond square past the largest double). */
static bool moments_end(const moments *mo, size_t n, double *mean, double *sd)
{
    double s1 = (mo->a[0] + mo->a[1]) + (mo->a[2] + mo->a[3]);
    double s2 = (mo->q[0] + mo->q[1]) + (mo->q[2] + mo->q[3]);
    double c = s1 * s1 / (double)n;
    if (!isfinite(c) || !isfinite(s2)) return false;
    *mean = mo->x0 + s1 / (double)n;
    *sd = n > 1 ? sqrt(fmax(s2 - c, 0) / (double)(n - 1)) : 0;
    return isfinite(*mean);
}

/* The same moments with every draw scaled by a power of two that brings
** the largest below 1: exact scaling, so only the sums' own rounding
** differs, and no sum can overflow (|d| < 2, d^2 < 4, n < 2^32).  A
** second pass, taken only when the first overflowed.  The mean lies
** among the draws and stays finite; the sd may truly exceed the largest
** double (draws of -1e308 and 1e308), and is then +inf for the caller
** to refuse. */
static void moments_scaled(const double *x, size_t n, double *mean, double *sd)
{
    double big = 0;
    for (size_t i = 0; i < n; i++) big = fmax(big, fabs(x[i]));
    int e = ilogb(big) + 1;
    moments mo = {ldexp(x[0], -e), {0, 0, 0, 0}, {0, 0, 0, 0}};
    for (size_t i = 0; i < n; i++) {
        double d = ldexp(x[i], -e) - mo.x0;
        mo.a[i % 4] += d;
        mo.q[i % 4] += d * d;
    }
    double s1 = (mo.a[0] + mo.a[1]) + (mo.a[2] + mo.a[3]);
    double s2 = (mo.q[0] + mo.q[1]) + (mo.q[2] + mo.q[3]);
    *mean = ldexp(mo.x0 + s1 / (double)n, e);
    double ss = fmax(s2 - s1 * s1 / (double)n, 0);
    *sd = n > 1 ? ldexp(sqrt(ss / (double)(n - 1)), e) : 0;
}

/* One bracket [lo, hi] around the rank of probability p, with what one
** pass over the column found: draws below lo and draws inside (those
** inside are copied to buf, up to cap of them), over all draws and over
** the first half. */
typedef struct bracket {
    double p;
    double lo, hi;
    size_t below, nin, kept, cap;
    size_t below_h, nin_h; /* the same after the first half */
    double *buf;
} bracket;

/* One draw against one bracket, for compilers without the vector
** extensions: branch-free, every draw is stored at the buffer's end,
** which only advances when the draw is inside the bracket (a data-
** dependent branch mispredicted often enough to cost more than the
** comparisons).  Draws are finite, so v >= lo is !(v < lo). */
#define STEP(b)                                                                \
    do {                                                                       \
        size_t lt_ = v < (b).lo;                                               \
        (b).below += lt_;                                                      \
        (b).buf[(b).kept] = v;                                                 \
        (b).kept += (size_t)(v <= (b).hi) & (lt_ ^ 1);                         \
    } while (0)

/* Draws per chunk of the pass: room for a whole chunk in every buffer is
** checked once per chunk, not per draw. */
#define CHUNK 1024

/* Keeps v in every bracket that holds it (room checked by the caller). */
static inline void keep3(bracket *a, bracket *b, bracket *c, double v)
{
    if (v >= a->lo && v <= a->hi) a->buf[a->kept++] = v;
    if (v >= b->lo && v <= b->hi) b->buf[b->kept++] = v;
    if (v >= c->lo && v <= c->hi) c->buf[c->kept++] = v;
}

#if defined(__GNUC__)
/* GCC's and Clang's vector extensions, two lanes: one SSE2 register on
** x86-64 (four-lane vectors were split into scalar code there).  A
** comparison gives -1 in the lanes where it holds, so subtracting it
** counts. */
typedef double vd2 __attribute__((vector_size(16)));
typedef long long vi2 __attribute__((vector_size(16)));

/* One group of two draws: counts, and keeps the draws if one of them is
** inside some bracket (a few per cent of the draws are). */
#define PAIR(v, j)                                                             \
    do {                                                                       \
        vi2 lta = (vi2)((v) < la), ltb = (vi2)((v) < lb),                      \
            ltc = (vi2)((v) < lc);                                             \
        na -= lta;                                                             \
        nb -= ltb;                                                             \
        nc -= ltc;                                                             \
        vi2 in = ((vi2)((v) <= ha) & ~lta) | ((vi2)((v) <= hb) & ~ltb) |       \
                 ((vi2)((v) <= hc) & ~ltc);                                    \
        if (in[0] | in[1]) {                                                   \
            keep3(a, b, c, x[j]);                                              \
            keep3(a, b, c, x[(j) + 1]);                                        \
        }                                                                      \
    } while (0)

/* A chunk four draws at a time: the moments (draws i % 4 == 0, 1 in the
** lanes of s01, q01, 2 and 3 in s23, q23: the partial sums of
** moments_add, added in the same order, so the same bits), the counts
** below each bracket and the draws inside.  Two to three times as fast
** as scalar code, which spends a dozen instructions per draw and
** bracket. */
static void chunk_fast(const double *x, size_t i0, size_t i1, bracket *a,
                       bracket *b, bracket *c, moments *mo)
{
    size_t i = i0;
    for (; i < i1 && i % 4 != 0; i++) {
        moments_add(mo, x, i, i + 1);
        a->below += x[i] < a->lo;
        b->below += x[i] < b->lo;
        c->below += x[i] < c->lo;
        keep3(a, b, c, x[i]);
    }
    vd2 la = {a->lo, a->lo}, ha = {a->hi, a->hi}, lb = {b->lo, b->lo},
        hb = {b->hi, b->hi}, lc = {c->lo, c->lo}, hc = {c->hi, c->hi};
    vd2 x0 = {mo->x0, mo->x0};
    vd2 s01 = {mo->a[0], mo->a[1]}, s23 = {mo->a[2], mo->a[3]};
    vd2 q01 = {mo->q[0], mo->q[1]}, q23 = {mo->q[2], mo->q[3]};
    vi2 na = {0, 0}, nb = {0, 0}, nc = {0, 0};
    for (; i + 4 <= i1; i += 4) {
        vd2 v01, v23;
        memcpy(&v01, x + i, sizeof v01);
        memcpy(&v23, x + i + 2, sizeof v23);
        vd2 d01 = v01 - x0, d23 = v23 - x0;
        s01 += d01;
        s23 += d23;
        q01 += d01 * d01;
        q23 += d23 * d23;
        PAIR(v01, i);
        PAIR(v23, i + 2);
    }
    mo->a[0] = s01[0];
    mo->a[1] = s01[1];
    mo->a[2] = s23[0];
    mo->a[3] = s23[1];
    mo->q[0] = q01[0];
    mo->q[1] = q01[1];
    mo->q[2] = q23[0];
    mo->q[3] = q23[1];
    a->below += (size_t)(na[0] + na[1]);
    b->below += (size_t)(nb[0] + nb[1]);
    c->below += (size_t)(nc[0] + nc[1]);
    for (; i < i1; i++) {
        moments_add(mo, x, i, i + 1);
        a->below += x[i] < a->lo;
        b->below += x[i] < b->lo;
        c->below += x[i] < c->lo;
        keep3(a, b, c, x[i]);
    }
}
#else
/* Portable: the branch-free STEPs. */
static void chunk_fast(const double *x, size_t i0, size_t i1, bracket *a,
                       bracket *b, bracket *c, moments *mo)
{
    moments_add(mo, x, i0, i1);
    bracket ra = *a, rb = *b, rc = *c;
    for (size_t i = i0; i < i1; i++) {
        double v = x[i];
        STEP(ra);
        STEP(rb);
        STEP(rc);
    }
    *a = ra;
    *b = rb;
    *c = rc;
}
#endif

/* The pass over x[from..to) for the three brackets, written out so that
** the counters stay in registers (as a loop over brackets GCC kept them
** on the stack and the pass took twice as long).  When a buffer might
** fill within a chunk, the chunk is done draw by draw with the room
** checked, and a full buffer stops keeping draws but goes on counting
** them in nin, so the overflow shows as nin > cap. */
static void classify_range(const double *x, size_t from, size_t to, bracket *g,
                           moments *mo)
{
    bracket a = g[0], b = g[1], c = g[2];
    for (size_t i0 = from; i0 < to; i0 += CHUNK) {
        size_t i1 = to - i0 < CHUNK ? to : i0 + CHUNK;
        if (a.kept + CHUNK <= a.cap && b.kept + CHUNK <= b.cap &&
            c.kept + CHUNK <= c.cap) {
            size_t ka = a.kept, kb = b.kept, kc = c.kept;
            chunk_fast(x, i0, i1, &a, &b, &c, mo);
            a.nin += a.kept - ka;
            b.nin += b.kept - kb;
            c.nin += c.kept - kc;
            continue;
        }
        moments_add(mo, x, i0, i1);
        bracket *all[3] = {&a, &b, &c};
        for (size_t i = i0; i < i1; i++) {
            double v = x[i];
            for (size_t j = 0; j < 3; j++) {
                bracket *e = all[j];
                if (v < e->lo) {
                    e->below++;
                } else if (v <= e->hi) {
                    if (e->kept < e->cap) e->buf[e->kept++] = v;
                    e->nin++;
                }
            }
        }
    }
    g[0] = a;
    g[1] = b;
    g[2] = c;
}

/* Both halves, noting the counts of the first. */
static void classify(const double *x, size_t n, size_t nh, bracket *g,
                     moments *mo)
{
    classify_range(x, 0, nh, g, mo);
    for (size_t j = 0; j < 3; j++) {
        g[j].below_h = g[j].below;
        g[j].nin_h = g[j].nin;
    }
    classify_range(x, nh, n, g, mo);
}

/* x(k) and x(k + 1) of the first 'n' draws, where 'below' of them lie
** under the bracket and buf[0..nin) inside it, interpolated at t; or, if
** the ranks are not inside (or the buffer overflowed), by selecting on a
** copy of x[0..n). */
static double quantile_in(const double *x, size_t n, double p, size_t below,
                          size_t nin, size_t cap, double *buf, mrv_stats_ws *w)
{
    size_t k, r[2], nr;
    double t, v[2];
    type7_rank(n, p, &k, &t);
    size_t k1 = k + 1 < n ? k + 1 : k;
    if (nin <= cap && below <= k && k1 < below + nin) {
        r[0] = k - below;
        r[1] = k1 - below;
        nr = r[1] != r[0] ? 2 : 1;
        order_stats(buf, nin, r, nr, v);
    } else {
        memcpy(w->copy, x, n * sizeof *x);
        r[0] = k;
        r[1] = k1;
        nr = r[1] != r[0] ? 2 : 1;
        order_stats(w->copy, n, r, nr, v);
    }
    return mrv_stats_lerp7(v[0], nr == 2 ? v[1] : v[0], t);
}

/* Places the brackets: the subsample's order statistics BRACKET_SDS
** binomial sds (plus slack) either side of each p's subsample rank,
** found by nested selection on the subsample. */
static void place(bracket *g, size_t ng, double *sample, size_t m)
{
    size_t r[2 * 3], idx[2 * 3], nr = 0;
    double v[2 * 3];
    bool lo_inf[3], hi_inf[3];
    for (size_t j = 0; j < ng; j++) {
        double c = g[j].p * (double)(m - 1);
        double d = BRACKET_SDS * sqrt((double)m * g[j].p * (1 - g[j].p)) +
                   BRACKET_SLACK;
        double il = floor(c - d), iu = ceil(c + d);
        lo_inf[j] = il < 0;
        hi_inf[j] = iu > (double)(m - 1);
        r[2 * j] = lo_inf[j] ? 0 : (size_t)il;
        r[2 * j + 1] = hi_inf[j] ? m - 1 : (size_t)iu;
    }
    /* Ascending ranks for the nested selection, remembering where each
    ** came from. */
    for (size_t i = 0; i < 2 * ng; i++) idx[i] = i;
    for (size_t i = 1; i < 2 * ng; i++) {
        size_t x0 = idx[i], j = i;
        while (j > 0 && r[idx[j - 1]] > r[x0]) {
            idx[j] = idx[j - 1];
            j--;
        }
        idx[j] = x0;
    }
    size_t rs[2 * 3];
    for (size_t i = 0; i < 2 * ng; i++) rs[i] = r[idx[i]];
    nr = 2 * ng;
    order_stats(sample, m, rs, nr, v);
    for (size_t i = 0; i < nr; i++) {
        size_t j = idx[i] / 2;
        if (idx[i] % 2 == 0)
            g[j].lo = lo_inf[j] ? -(double)HUGE_VAL : v[i];
        else
            g[j].hi = hi_inf[j] ? (double)HUGE_VAL : v[i];
    }
}

/* Whether every draw equals the first; stops at the first that does not,
** which for a column that varies is within a few draws. */
static bool constant(const double *x, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (x[i] != x[0]) return false;
    return true;
}

mrv_status mrv_stats_column(const double *x, size_t n, double confidence,
                            mrv_stats_ws *w, mrv_stat *out)
{
    if (n == 0 || n > w->n) return MRV_ENOMEM;
    double plo = (1 - confidence) / 2, phi = (1 + confidence) / 2;
    size_t nh = n >= 2 ? n / 2 : n;
    double mean = x[0], sd = 0;
    bool ok = true;
    moments mo = {x[0], {0, 0, 0, 0}, {0, 0, 0, 0}};
    if (constant(x, n)) {
        /* Leakage 0, say: nothing to select. */
        out->lower = out->median = out->upper = x[0];
        out->lower_half = out->upper_half = x[0];
    } else if (n < FAST_MIN) {
        moments_add(&mo, x, 0, n);
        ok = moments_end(&mo, n, &mean, &sd);
        double p[3] = {plo, 0.5, phi}, q[3], qh[2];
        memcpy(w->copy, x, n * sizeof *x);
        mrv_stats_quantiles(w->copy, n, p, 3, q);
        memcpy(w->copy, x, nh * sizeof *x);
        double ph[2] = {plo, phi};
        mrv_stats_quantiles(w->copy, nh, ph, 2, qh);
        out->lower = q[0];
        out->median = q[1];
        out->upper = q[2];
        out->lower_half = qh[0];
        out->upper_half = qh[1];
    } else {
        /* The subsample is the first SAMPLE_N draws: Monte Carlo draws are
        ** independent and identically distributed in draw order (Latin
        ** hypercube strata come in a random order), so these are as
        ** random as any, and contiguous.  A column in some other order
        ** only makes brackets miss: slower, never wrong. */
        memcpy(w->sample, x, SAMPLE_N * sizeof *x);
        bracket g[3];
        memset(g, 0, sizeof g);
        g[0].p = plo;
        g[1].p = 0.5;
        g[2].p = phi;
        place(g, 3, w->sample, SAMPLE_N);
        size_t used = 0;
        for (size_t j = 0; j < 3; j++) {
            /* Twice the expected share inside, plus slack: at most 5 %
            ** of n (p = 1/2), so the three fit in w->nbuf (n/2 + 8192). */
            double share =
                2 * (2 * BRACKET_SDS * sqrt(g[j].p * (1 - g[j].p) / SAMPLE_N) +
                     2 * BRACKET_SLACK / SAMPLE_N);
            size_t cap = (size_t)(share * (double)n) + 512;
            if (cap + 1 > w->nbuf - used) cap = w->nbuf - used - 1;
            g[j].cap = cap;
            g[j].buf = w->buf + used;
            used += cap + 1; /* the spare slot of STEP */
        }
        classify(x, n, nh, g, &mo);
        ok = moments_end(&mo, n, &mean, &sd);
        /* The first half's draws inside a bracket are a prefix of its
        ** buffer; select on that prefix before the whole buffer is
        ** reordered (selection keeps the prefix's set of draws). */
        out->lower_half = quantile_in(x, nh, plo, g[0].below_h, g[0].nin_h,
                                      g[0].cap, g[0].buf, w);
        out->upper_half = quantile_in(x, nh, phi, g[2].below_h, g[2].nin_h,
                                      g[2].cap, g[2].buf, w);
        out->lower =
            quantile_in(x, n, plo, g[0].below, g[0].nin, g[0].cap, g[0].buf, w);
        out->median =
            quantile_in(x, n, 0.5, g[1].below, g[1].nin, g[1].cap, g[1].buf, w);
        out->upper =
            quantile_in(x, n, phi, g[2].below, g[2].nin, g[2].cap, g[2].buf, w);
    }
    if (!ok) moments_scaled(x, n, &mean, &sd);
    out->mean = mean;
    out->sd = sd;
    out->se_mean = sd / sqrt((double)n);
    return MRV_OK;
}
