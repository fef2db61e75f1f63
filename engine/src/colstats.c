/*
** colstats.c -- exact column statistics from a stream of blocks
** (colstats.h).
**
** Owns mrv_colstats (per column: brackets, their shared counters, the
** hunts) and mrv_colpart (per worker and column: exact partial sums,
** counts, and the kept draws in chunks of CHUNK_N).  Borrows the draws it
** is fed.
**
** Moments.  Each block's sums of d = x - x0 and d^2 (x0 the column's
** first draw, so that a constant column is exact and S2 - S1^2/n does not
** cancel) are formed in a fixed order within the block, then added to
** exact sums: the total is then the same whichever thread added which
** block when.  A block whose sums overflow (draws beyond about 1e151) is
** summed again scaled by a power of two, added back with the exponent.
**
** Quantiles.  For each probability p (lower, median, upper) the pilot's
** order statistics SDS binomial sds (plus SLACK ranks) either side of
** p (m - 1) give a bracket [lo, hi]; with the default 4.5 sds a rank
** falls outside with odds of about 3e-6 per bound (the brackets' width
** is the time of small runs: wider keeps more draws to select among).  Feeding
*counts, per half
** (draws before floor(n/2) and after), the draws below lo, and keeps
** those in [lo, hi] (none when lo == hi: they are all lo).  A bracket
** whose kept draws pass its cap (twice the expected count plus a margin:
** only heavy ties do that) stops keeping and is hunted.
**
** Hunts.  An order statistic not found among the kept draws is known to
** lie in an interval (below lo, inside an overflowed bracket, or above
** hi) of known count.  A replay pass keeps every draw of the interval if
** there are at most HUNT_KEEP, else a deterministic subsample of about
** HUNT_SAMPLE (draw i taken when a hash of i falls under a threshold),
** from which a narrower bracket is placed; the next pass counts and keeps
** in that bracket, and so on.  Replays are rare (a miss, or ties) and run
** on one thread.
*/
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "colstats.h"
#include "exactsum.h"
#include "hash.h"

#if defined(__GNUC__)
/* GCC's and Clang's vector extensions, two lanes: one SSE2 register on
** x86-64. */
typedef double vd2 __attribute__((vector_size(16)));
#endif

#define NB          3   /* brackets: lower, median, upper */
#define SDS         4.5 /* default margin in binomial sds */
#define SLACK       3.0 /* default extra ranks either side */
#define CHUNK_N     4096
#define HUNT_SAMPLE 65536 /* a hunt keeps intervals this small whole */
#define HUNT_KEEP   ((uint64_t)1 << 20) /* most draws a hunt's bracket keeps */
/* Columns up to this many draws are selected on directly. */
#define DIRECT_MAX 4096

/* ---- kept draws, in chunks --------------------------------------------- */

typedef struct chunk chunk;
struct chunk {
    chunk *next;
    size_t n;
    double v[CHUNK_N];
};

/* A list of chunks; new draws go to the head. */
typedef struct keep {
    chunk *head;
    uint64_t n; /* draws in all chunks */
} keep;

static void keep_free(keep *k)
{
    for (chunk *c = k->head, *nx; c; c = nx) {
        nx = c->next;
        free(c);
    }
    k->head = NULL;
    k->n = 0;
}

/* Room for 'need' more draws at the head; false when out of memory. */
static bool keep_room(keep *k, size_t need)
{
    if (k->head && CHUNK_N - k->head->n >= need) return true;
    chunk *c = malloc(sizeof *c);
    if (!c) return false;
    c->next = k->head;
    c->n = 0;
    k->head = c;
    return true;
}

/* Copies every kept draw to dst (in some order); returns how many. */
static size_t keep_copy(const keep *k, double *dst)
{
    size_t n = 0;
    for (const chunk *c = k->head; c; c = c->next) {
        memcpy(dst + n, c->v, c->n * sizeof *dst);
        n += c->n;
    }
    return n;
}

/* ---- the column -------------------------------------------------------- */

/* One order statistic being hunted: the rank-th smallest (from 0) of the
** draws of its range lying in the interval between L and U. */
typedef enum hunt_phase { H_FOUND, H_KEEP, H_SAMPLE, H_COUNT } hunt_phase;

typedef struct hunt {
    hunt_phase phase;
    int req;       /* the request it serves */
    int which;     /* 0: x(k), 1: x(k + 1) */
    bool half;     /* draws before nh only */
    double L, U;   /* the interval */
    bool Lin, Uin; /* whether L and U belong to it */
    uint64_t count, rank;
    double lo, hi;       /* H_COUNT: the bracket inside the interval */
    uint64_t below, nin; /* H_COUNT: counted in this pass */
    uint64_t thresh;     /* H_SAMPLE: keep draw i when hash(i) < this */
    keep kept;
    bool nomem;
    double value;
} hunt;

/* A request: the type-7 quantile at p over the first 'len' draws. */
typedef struct request {
    int bracket;
    bool half;
    uint64_t len, k, k1;
    double t;
    double v[2]; /* x(k), x(k + 1) once known */
    bool have[2];
} request;

#define NREQ  5 /* lower, median, upper; lower and upper of the half */
#define NHUNT (2 * NREQ)

struct mrv_colstats {
    uint64_t n, nh;
    double p[NB];
    double sds, slack;
    double x0;
    bool counting; /* count the draws below 'thresh' */
    double thresh;
    bool direct; /* every draw was in the pilot: no brackets */
    double lo[NB], hi[NB];
    bool nokeep[NB]; /* lo == hi: nothing to keep */
    uint64_t cap[NB];
    atomic_uint_fast64_t total[NB]; /* kept so far over all parts */
    atomic_bool over[NB];           /* a cap was passed */
    request rq[NREQ];
    hunt h[NHUNT];
    size_t nhunt;
    double direct_v[NREQ][2];
};

struct mrv_colpart {
    mrv_exactsum s1, s2;
    uint64_t nthresh;      /* draws below the column's threshold */
    uint64_t below[NB][2]; /* [bracket][0: first half, 1: second] */
    uint64_t nin[NB][2];
    keep kept[NB][2];
    bool nomem;
    double spill[MRV_COLSTATS_BLOCK + 1]; /* where unkept draws go */
};

static const mrv_colstats_tuning no_tuning = {0, 0};

uint64_t mrv__colstats_pilot_len(uint64_t n)
{
    if (n <= DIRECT_MAX) return n;
    /* Pilot m and kept draws ~ 8 n / sqrt(m) cost alike (memory and
    ** selection time); their sum is least at m = (4 n)^(2/3).  At most
    ** a quarter of n, at least two blocks. */
    double m = cbrt(4.0 * (double)n);
    m *= m;
    uint64_t b = (uint64_t)(m / MRV_COLSTATS_BLOCK) + 1;
    if (b < 2) b = 2;
    uint64_t mb = b * MRV_COLSTATS_BLOCK;
    uint64_t q = n / 4 / MRV_COLSTATS_BLOCK * MRV_COLSTATS_BLOCK;
    if (mb > q) mb = q;
    return mb;
}

/* The pilot ranks [il, iu] of a bracket for p, and whether it is open
** below or above. */
static void bracket_ranks(double p, uint64_t m, double sds, double slack,
                          double *il, double *iu)
{
    double c = p * (double)(m - 1);
    double d = sds * sqrt((double)m * p * (1 - p)) + slack;
    *il = floor(c - d);
    *iu = ceil(c + d);
}

static void tuning(const mrv_colstats_tuning *t, double *sds, double *slack)
{
    if (!t) t = &no_tuning;
    bool dflt = t->sds == 0 && t->slack == 0;
    *sds = dflt ? SDS : t->sds;
    *slack = dflt ? SLACK : t->slack;
}

/* The cap of a bracket spanning pilot ranks il..iu of m: twice the
** expected count plus a margin of a few chunks. */
static uint64_t bracket_cap(uint64_t n, uint64_t m, double il, double iu)
{
    double lo = il < 0 ? 0 : il, hi = iu > (double)(m - 1) ? (double)m : iu;
    double share = (hi - lo + 1) / (double)m;
    return (uint64_t)(2 * share * (double)n) + 4 * CHUNK_N;
}

uint64_t mrv__colstats_kept_bound(uint64_t n, uint64_t m,
                                  const mrv_colstats_tuning *t)
{
    if (m >= n) return 0;
    double sds, slack, il, iu;
    tuning(t, &sds, &slack);
    /* The median's bracket is the widest: a bound for all three. */
    bracket_ranks(0.5, m, sds, slack, &il, &iu);
    return NB * bracket_cap(n, m, il, iu);
}

mrv_colstats *mrv__colstats_new(uint64_t n, double confidence,
                                const mrv_colstats_tuning *t)
{
    mrv_colstats *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->n = n;
    c->nh = n >= 2 ? n / 2 : n;
    c->p[0] = (1 - confidence) / 2;
    c->p[1] = 0.5;
    c->p[2] = (1 + confidence) / 2;
    tuning(t, &c->sds, &c->slack);
    for (int j = 0; j < NB; j++) {
        atomic_init(&c->total[j], 0);
        atomic_init(&c->over[j], false);
    }
    /* lower, median, upper over all draws; lower and upper of the first
    ** half. */
    static const int br[NREQ] = {0, 1, 2, 0, 2};
    for (int r = 0; r < NREQ; r++) {
        request *q = &c->rq[r];
        q->bracket = br[r];
        q->half = r >= 3;
        q->len = q->half ? c->nh : n;
        size_t k;
        mrv_stats_type7_rank((size_t)q->len, c->p[q->bracket], &k, &q->t);
        q->k = k;
        q->k1 = k + 1 < q->len ? k + 1 : k;
    }
    return c;
}

void mrv__colstats_count_below(mrv_colstats *c, double t)
{
    c->counting = true;
    c->thresh = t;
}

void mrv__colstats_free(mrv_colstats *c)
{
    if (!c) return;
    for (size_t i = 0; i < NHUNT; i++) keep_free(&c->h[i].kept);
    free(c);
}

uint64_t mrv__colstats_bytes(const mrv_colstats *c)
{
    uint64_t b = sizeof *c;
    for (int j = 0; j < NB; j++)
        if (!c->direct && !c->nokeep[j]) b += c->cap[j] * sizeof(double);
    return b;
}

/* Order statistics of x[0..n) at the ascending ranks r[0..nr) (x is
** reordered). */
static void select_ranks(double *x, size_t n, const size_t *r, size_t nr,
                         double *v)
{
    mrv_stats_order(x, n, r, nr, v);
}

/* Selects requests directly on the whole column (m == n). */
static void place_direct(mrv_colstats *c, const double *x, size_t m,
                         double *scratch)
{
    c->direct = true;
    /* The half first, on a copy of its prefix, then all draws. */
    for (int pass = 0; pass < 2; pass++) {
        bool half = pass == 0;
        size_t len = half ? (size_t)c->nh : m;
        memcpy(scratch, x, len * sizeof *x);
        size_t r[2 * NREQ], nr = 0;
        int who[2 * NREQ];
        for (int q = 0; q < NREQ; q++) {
            if (c->rq[q].half != half) continue;
            r[nr] = (size_t)c->rq[q].k;
            who[nr++] = 2 * q;
            r[nr] = (size_t)c->rq[q].k1;
            who[nr++] = 2 * q + 1;
        }
        /* Ascending for the nested selection. */
        for (size_t i = 1; i < nr; i++) {
            size_t x1 = r[i];
            int w1 = who[i];
            size_t j = i;
            while (j > 0 && r[j - 1] > x1) {
                r[j] = r[j - 1];
                who[j] = who[j - 1];
                j--;
            }
            r[j] = x1;
            who[j] = w1;
        }
        double v[2 * NREQ];
        select_ranks(scratch, len, r, nr, v);
        for (size_t i = 0; i < nr; i++) {
            request *q = &c->rq[who[i] / 2];
            q->v[who[i] % 2] = v[i];
            q->have[who[i] % 2] = true;
        }
    }
}

void mrv__colstats_place(mrv_colstats *c, const double *x, size_t m,
                         double *scratch)
{
    c->x0 = x[0];
    if (m >= c->n) {
        place_direct(c, x, (size_t)c->n, scratch);
        return;
    }
    double il[NB], iu[NB];
    size_t r[2 * NB];
    for (int j = 0; j < NB; j++) {
        bracket_ranks(c->p[j], m, c->sds, c->slack, &il[j], &iu[j]);
        r[2 * j] = il[j] < 0 ? 0 : (size_t)il[j];
        r[2 * j + 1] = iu[j] > (double)(m - 1) ? m - 1 : (size_t)iu[j];
        c->cap[j] = bracket_cap(c->n, m, il[j], iu[j]);
    }
    /* p ascending, so the lower ranks of the brackets ascend and so do the
    ** upper ones; sort the six for the nested selection. */
    size_t idx[2 * NB];
    for (size_t i = 0; i < 2 * NB; i++) idx[i] = i;
    for (size_t i = 1; i < 2 * NB; i++) {
        size_t x1 = idx[i], j = i;
        while (j > 0 && r[idx[j - 1]] > r[x1]) {
            idx[j] = idx[j - 1];
            j--;
        }
        idx[j] = x1;
    }
    size_t rs[2 * NB];
    double v[2 * NB];
    for (size_t i = 0; i < 2 * NB; i++) rs[i] = r[idx[i]];
    memcpy(scratch, x, m * sizeof *x);
    select_ranks(scratch, m, rs, 2 * NB, v);
    for (size_t i = 0; i < 2 * NB; i++) {
        int j = (int)(idx[i] / 2);
        if (idx[i] % 2 == 0)
            c->lo[j] = il[j] < 0 ? -(double)HUGE_VAL : v[i];
        else
            c->hi[j] = iu[j] > (double)(m - 1) ? (double)HUGE_VAL : v[i];
    }
    for (int j = 0; j < NB; j++) c->nokeep[j] = c->lo[j] == c->hi[j];
}

/* ---- feeding ----------------------------------------------------------- */

mrv_colpart *mrv__colpart_new(void)
{
    mrv_colpart *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    mrv__exactsum_init(&p->s1);
    mrv__exactsum_init(&p->s2);
    return p;
}

size_t mrv__colpart_bytes(void)
{
    return sizeof(mrv_colpart);
}

static void part_clear(mrv_colpart *p)
{
    for (int j = 0; j < NB; j++)
        for (int h = 0; h < 2; h++) keep_free(&p->kept[j][h]);
    memset(p->below, 0, sizeof p->below);
    memset(p->nin, 0, sizeof p->nin);
    p->nthresh = 0;
    mrv__exactsum_init(&p->s1);
    mrv__exactsum_init(&p->s2);
    p->nomem = false;
}

void mrv__colpart_free(mrv_colpart *p)
{
    if (!p) return;
    part_clear(p);
    free(p);
}

/* The block's sums of d = x - x0 and d^2, four partial sums (draw i to
** sum i % 4) added as (s0 + s1) + (s2 + s3): a fixed order, so the same
** block always gives the same bits; and written so that the compiler
** keeps the four in two vector registers. */
static void block_sums(const double *x, size_t n, double x0, double *s1,
                       double *s2)
{
    double a[4] = {0, 0, 0, 0}, q[4] = {0, 0, 0, 0};
    size_t i = 0;
#if defined(__GNUC__)
    /* Sums 0 and 1 in one vector, 2 and 3 in another: the same additions
    ** in the same order as the loop below. */
    vd2 c = {x0, x0}, a01 = {0, 0}, a23 = {0, 0}, q01 = {0, 0}, q23 = {0, 0};
    for (; i + 4 <= n; i += 4) {
        vd2 v01, v23;
        memcpy(&v01, x + i, sizeof v01);
        memcpy(&v23, x + i + 2, sizeof v23);
        vd2 d01 = v01 - c, d23 = v23 - c;
        a01 += d01;
        a23 += d23;
        q01 += d01 * d01;
        q23 += d23 * d23;
    }
    a[0] = a01[0];
    a[1] = a01[1];
    a[2] = a23[0];
    a[3] = a23[1];
    q[0] = q01[0];
    q[1] = q01[1];
    q[2] = q23[0];
    q[3] = q23[1];
#endif
    for (; i + 4 <= n; i += 4) {
        for (size_t j = 0; j < 4; j++) {
            double d = x[i + j] - x0;
            a[j] += d;
            q[j] += d * d;
        }
    }
    for (; i < n; i++) {
        double d = x[i] - x0;
        a[i % 4] += d;
        q[i % 4] += d * d;
    }
    *s1 = (a[0] + a[1]) + (a[2] + a[3]);
    *s2 = (q[0] + q[1]) + (q[2] + q[3]);
}

/* The same sums with every draw and x0 scaled by 2^-e first (exact),
** e making the largest magnitude below 1: no overflow is possible. */
static void block_sums_scaled(const double *x, size_t n, double x0, int *e,
                              double *s1, double *s2)
{
    double big = fabs(x0);
    for (size_t i = 0; i < n; i++) big = fmax(big, fabs(x[i]));
    *e = ilogb(big) + 1;
    if (*e < 0) *e = 0;
    double y0 = ldexp(x0, -*e), a = 0, q = 0;
    for (size_t i = 0; i < n; i++) {
        double d = ldexp(x[i], -*e) - y0;
        a += d;
        q += d * d;
    }
    *s1 = a;
    *s2 = q;
}

/* Keeps v in each bracket that holds it: branch-free stores at each
** buffer's end, advanced only where v is inside (room checked by the
** caller).  Written out per bracket so that the ends and counts stay in
** registers. */
#define KEEP3(v)                                                               \
    do {                                                                       \
        double v_ = (v);                                                       \
        d0[k0] = v_;                                                           \
        k0 += v_ >= lo0 && v_ <= hi0;                                          \
        d1[k1] = v_;                                                           \
        k1 += v_ >= lo1 && v_ <= hi1;                                          \
        d2[k2] = v_;                                                           \
        k2 += v_ >= lo2 && v_ <= hi2;                                          \
    } while (0)

/* Counts and keeps the draws x[0..n) against the three brackets: adds
** the draws below each bracket to below[] and copies those inside to
** dst[] (each with room for n), their numbers into kept[].  Most draws
** lie in no bracket; with SSE2 a pair of draws is tested against all
** three at once, 64 draws make a mask of those inside, and only its set
** bits are kept.  A branch per pair mispredicted whenever a pair held a
** kept draw (a tenth of all draws at 10^5, when the pilot is short and
** the brackets wide); the mask's loop mispredicts about once per 64. */
static void classify(const mrv_colstats *c, const double *x, size_t n,
                     double *dst[NB], uint64_t below[NB], size_t kept[NB])
{
    const double lo0 = c->lo[0], hi0 = c->hi[0], lo1 = c->lo[1], hi1 = c->hi[1],
                 lo2 = c->lo[2], hi2 = c->hi[2];
    double *d0 = dst[0], *d1 = dst[1], *d2 = dst[2];
    size_t k0 = 0, k1 = 0, k2 = 0, i = 0;
#if defined(__SSE2__)
    /* Counts as 64-bit lanes: a comparison's all-ones lane is -1. */
    const __m128d la = _mm_set1_pd(lo0), ha = _mm_set1_pd(hi0),
                  lb = _mm_set1_pd(lo1), hb = _mm_set1_pd(hi1),
                  lc = _mm_set1_pd(lo2), hc = _mm_set1_pd(hi2);
    __m128i na = _mm_setzero_si128(), nb = na, nc = na;
    for (; i + 64 <= n; i += 64) {
        uint64_t in_mask = 0;
        for (unsigned j = 0; j < 64; j += 2) {
            __m128d v = _mm_loadu_pd(x + i + j);
            __m128d lta = _mm_cmplt_pd(v, la), ltb = _mm_cmplt_pd(v, lb),
                    ltc = _mm_cmplt_pd(v, lc);
            na = _mm_sub_epi64(na, _mm_castpd_si128(lta));
            nb = _mm_sub_epi64(nb, _mm_castpd_si128(ltb));
            nc = _mm_sub_epi64(nc, _mm_castpd_si128(ltc));
            __m128d in =
                _mm_or_pd(_mm_or_pd(_mm_andnot_pd(lta, _mm_cmple_pd(v, ha)),
                                    _mm_andnot_pd(ltb, _mm_cmple_pd(v, hb))),
                          _mm_andnot_pd(ltc, _mm_cmple_pd(v, hc)));
            in_mask |= (uint64_t)_mm_movemask_pd(in) << j;
        }
        for (; in_mask; in_mask &= in_mask - 1)
            KEEP3(x[i + (unsigned)__builtin_ctzll(in_mask)]);
    }
    uint64_t cnt[2];
    _mm_storeu_si128((__m128i *)cnt, na);
    below[0] += cnt[0] + cnt[1];
    _mm_storeu_si128((__m128i *)cnt, nb);
    below[1] += cnt[0] + cnt[1];
    _mm_storeu_si128((__m128i *)cnt, nc);
    below[2] += cnt[0] + cnt[1];
#endif
    for (; i < n; i++) {
        below[0] += x[i] < lo0;
        below[1] += x[i] < lo1;
        below[2] += x[i] < lo2;
        KEEP3(x[i]);
    }
    kept[0] = k0;
    kept[1] = k1;
    kept[2] = k2;
}

/* One run of draws of one half into part p. */
static void feed_half(mrv_colstats *c, mrv_colpart *p, const double *x,
                      size_t n, int h)
{
    double *dst[NB];
    bool keepit[NB];
    for (int j = 0; j < NB; j++) {
        keep *k = &p->kept[j][h];
        keepit[j] = !c->nokeep[j] && !p->nomem &&
                    !atomic_load_explicit(&c->over[j], memory_order_relaxed);
        if (keepit[j] && !keep_room(k, n)) {
            p->nomem = true;
            keepit[j] = false;
        }
        dst[j] = keepit[j] ? k->head->v + k->head->n : p->spill;
    }
    size_t kept[NB];
    uint64_t below[NB] = {0, 0, 0};
    classify(c, x, n, dst, below, kept);
    for (int j = 0; j < NB; j++) {
        p->below[j][h] += below[j];
        p->nin[j][h] += kept[j];
        if (!keepit[j] || !kept[j]) continue;
        uint64_t before = atomic_fetch_add_explicit(&c->total[j], kept[j],
                                                    memory_order_relaxed);
        if (before + kept[j] > c->cap[j]) {
            /* Heavy ties: this bracket will be hunted; stop keeping. */
            atomic_store_explicit(&c->over[j], true, memory_order_relaxed);
            continue;
        }
        p->kept[j][h].head->n += kept[j];
        p->kept[j][h].n += kept[j];
    }
}

bool mrv__colstats_feed(mrv_colstats *c, mrv_colpart *p, const double *x,
                        size_t nx, uint64_t i0, uint64_t *bad)
{
    double s1, s2;
    block_sums(x, nx, c->x0, &s1, &s2);
    if (s1 - s1 != 0 || s2 - s2 != 0) {
        /* A draw is not finite, or the sums overflowed. */
        for (size_t i = 0; i < nx; i++) {
            if (x[i] - x[i] != 0) {
                *bad = i0 + i;
                return false;
            }
        }
        int e;
        block_sums_scaled(x, nx, c->x0, &e, &s1, &s2);
        mrv__exactsum_add(&p->s1, s1, e);
        mrv__exactsum_add(&p->s2, s2, 2 * e);
    } else {
        mrv__exactsum_add(&p->s1, s1, 0);
        mrv__exactsum_add(&p->s2, s2, 0);
    }
    if (c->counting) {
        uint64_t k = 0;
        for (size_t i = 0; i < nx; i++) k += x[i] < c->thresh;
        p->nthresh += k;
    }
    if (c->direct) return true;
    if (i0 + nx <= c->nh) {
        feed_half(c, p, x, nx, 0);
    } else if (i0 >= c->nh) {
        feed_half(c, p, x, nx, 1);
    } else {
        size_t cut = (size_t)(c->nh - i0);
        feed_half(c, p, x, cut, 0);
        feed_half(c, p, x + cut, nx - cut, 1);
    }
    return true;
}

/* ---- finishing --------------------------------------------------------- */

/* mean = x0 + S1 / n and sd = sqrt((S2 - S1^2 / n) / (n - 1)), from the
** exact sums rounded once, with S2 and S1^2 brought to a common power of
** two so that nothing overflows unless the sd itself is beyond the
** largest double (then +inf, for the caller to refuse). */
static void moments(const mrv_colstats *c, const mrv_exactsum *s1,
                    const mrv_exactsum *s2, double *mean, double *sd)
{
    double n = (double)c->n;
    int e1, e2;
    double m1 = mrv__exactsum_value(s1, &e1), m2 = mrv__exactsum_value(s2, &e2);
    /* x0 + S1 / n, also when S1 / n alone is beyond the doubles (draws
    ** of -1e308 after a first one of +1e308): then in quarters. */
    *mean = c->x0 + ldexp(m1 / n, e1);
    if (!isfinite(*mean))
        *mean = ldexp(ldexp(c->x0, -2) + ldexp(m1 / n, e1 - 2), 2);
    if (c->n < 2 || m2 == 0) {
        *sd = 0;
        return;
    }
    /* S2 = m2 2^e2 and S1^2 / n = (m1^2 / n) 2^(2 e1), scaled by 2^-E
    ** with E even and at least both exponents. */
    int E = e2 > 2 * e1 ? e2 : 2 * e1;
    if (E % 2) E++;
    double ss = ldexp(m2, e2 - E) - ldexp(m1 * m1 / n, 2 * e1 - E);
    *sd = ldexp(sqrt(fmax(ss, 0) / (n - 1)), E / 2);
}

/* Where a request's rank r lies against its bracket's counts. */
static void start_hunt(mrv_colstats *c, int q, int which, uint64_t r,
                       uint64_t below, uint64_t nin, bool over)
{
    const request *rq = &c->rq[q];
    int j = rq->bracket;
    hunt *h = &c->h[c->nhunt++];
    memset(h, 0, sizeof *h);
    h->req = q;
    h->which = which;
    h->half = rq->half;
    if (r < below) {
        h->L = -(double)HUGE_VAL;
        h->Lin = true;
        h->U = c->lo[j];
        h->Uin = false;
        h->count = below;
        h->rank = r;
    } else if (r >= below + nin) {
        h->L = c->hi[j];
        h->Lin = false;
        h->U = (double)HUGE_VAL;
        h->Uin = true;
        h->count = rq->len - below - nin;
        h->rank = r - below - nin;
    } else {
        (void)over; /* inside, but the bracket did not keep everything */
        h->L = c->lo[j];
        h->Lin = true;
        h->U = c->hi[j];
        h->Uin = true;
        h->count = nin;
        h->rank = r - below;
    }
    h->phase = h->count <= HUNT_SAMPLE ? H_KEEP : H_SAMPLE;
    if (h->phase == H_SAMPLE)
        h->thresh =
            (uint64_t)(18446744073709551616.0 * HUNT_SAMPLE / (double)h->count);
}

/* Fills out's quantile fields from the requests found so far. */
static void quantiles_out(const mrv_colstats *c, mrv_stat *out)
{
    double v[NREQ];
    for (int q = 0; q < NREQ; q++) {
        const request *rq = &c->rq[q];
        v[q] = mrv_stats_lerp7(rq->v[0], rq->v[1], rq->t);
    }
    out->lower = v[0];
    out->median = v[1];
    out->upper = v[2];
    out->lower_half = v[3];
    out->upper_half = v[4];
}

mrv_status mrv__colstats_finish(mrv_colstats *c, mrv_colpart *const *parts,
                                size_t nparts, mrv_stat *out)
{
    mrv_exactsum s1, s2;
    mrv__exactsum_init(&s1);
    mrv__exactsum_init(&s2);
    mrv_status st = MRV_OK;
    uint64_t nthresh = 0;
    for (size_t i = 0; i < nparts; i++) {
        mrv__exactsum_merge(&s1, &parts[i]->s1);
        mrv__exactsum_merge(&s2, &parts[i]->s2);
        nthresh += parts[i]->nthresh;
        if (parts[i]->nomem) st = MRV_ENOMEM;
    }
    out->p_below =
        c->counting ? (double)nthresh / (double)c->n : (double)(double)NAN;
    moments(c, &s1, &s2, &out->mean, &out->sd);
    out->se_mean = out->sd / sqrt((double)c->n);
    if (st != MRV_OK || c->direct) {
        for (size_t i = 0; i < nparts; i++) part_clear(parts[i]);
        if (c->direct) quantiles_out(c, out);
        return st;
    }
    c->nhunt = 0;
    for (int j = 0; j < NB && st == MRV_OK; j++) {
        uint64_t below[2] = {0, 0}, nin[2] = {0, 0}, kept[2] = {0, 0};
        for (size_t i = 0; i < nparts; i++) {
            for (int h = 0; h < 2; h++) {
                below[h] += parts[i]->below[j][h];
                nin[h] += parts[i]->nin[j][h];
                kept[h] += parts[i]->kept[j][h].n;
            }
        }
        bool over = atomic_load(&c->over[j]);
        bool complete = c->nokeep[j] || !over;
        double *buf = NULL;
        if (complete && !c->nokeep[j] && kept[0] + kept[1] > 0) {
            buf = malloc((size_t)(kept[0] + kept[1]) * sizeof *buf);
            if (!buf) {
                st = MRV_ENOMEM;
                break;
            }
            /* The first half's draws first: the half's requests select
            ** on that prefix before the whole is reordered. */
            size_t at = 0;
            for (int h = 0; h < 2; h++)
                for (size_t i = 0; i < nparts; i++)
                    at += keep_copy(&parts[i]->kept[j][h], buf + at);
        }
        for (int half = 1; half >= 0; half--) {
            for (int q = 0; q < NREQ; q++) {
                request *rq = &c->rq[q];
                if (rq->bracket != j || rq->half != (half == 1)) continue;
                uint64_t b = below[0] + (half ? 0 : below[1]);
                uint64_t m = nin[0] + (half ? 0 : nin[1]);
                uint64_t r[2] = {rq->k, rq->k1};
                /* x(k) and x(k + 1) in one nested selection (ascending). */
                size_t rr[2], nr = 0;
                int ww[2];
                for (int w = 0; w < 2; w++) {
                    if (complete && r[w] >= b && r[w] < b + m) {
                        rq->have[w] = true;
                        if (c->nokeep[j]) { /* lo == hi: nothing kept */
                            rq->v[w] = c->lo[j];
                        } else {
                            rr[nr] = (size_t)(r[w] - b);
                            ww[nr++] = w;
                        }
                    } else {
                        start_hunt(c, q, w, r[w], b, m, over);
                    }
                }
                double vv[2];
                if (nr) select_ranks(buf, (size_t)m, rr, nr, vv);
                for (size_t i = 0; i < nr; i++) rq->v[ww[i]] = vv[i];
            }
        }
        free(buf);
    }
    for (size_t i = 0; i < nparts; i++) part_clear(parts[i]);
    if (st == MRV_OK && c->nhunt == 0) quantiles_out(c, out);
    return st;
}

bool mrv__colstats_hunting(const mrv_colstats *c)
{
    for (size_t i = 0; i < c->nhunt; i++)
        if (c->h[i].phase != H_FOUND) return true;
    return false;
}

/* ---- hunting ----------------------------------------------------------- */

static bool in_interval(const hunt *h, double v)
{
    bool above_L = h->Lin ? v >= h->L : v > h->L;
    bool below_U = h->Uin ? v <= h->U : v < h->U;
    return above_L && below_U;
}

/* Appends v to a hunt's kept draws; false when out of memory. */
static bool hunt_keep(hunt *h, double v)
{
    if (!keep_room(&h->kept, 1)) return false;
    h->kept.head->v[h->kept.head->n++] = v;
    h->kept.n++;
    return true;
}

void mrv__colstats_hunt_feed(mrv_colstats *c, const double *x, size_t nx,
                             uint64_t i0)
{
    for (size_t k = 0; k < c->nhunt; k++) {
        hunt *h = &c->h[k];
        if (h->phase == H_FOUND) continue;
        for (size_t i = 0; i < nx; i++) {
            uint64_t g = i0 + i;
            if (h->half && g >= c->nh) break;
            double v = x[i];
            if (!in_interval(h, v)) continue;
            bool ok = true;
            switch (h->phase) {
            case H_KEEP:
                ok = hunt_keep(h, v);
                break;
            case H_SAMPLE:
                if (mrv__splitmix64(g) < h->thresh) ok = hunt_keep(h, v);
                break;
            case H_COUNT:
                if (v < h->lo) {
                    h->below++;
                } else if (v <= h->hi) {
                    if (h->lo < h->hi && h->nin < HUNT_KEEP)
                        ok = hunt_keep(h, v);
                    h->nin++;
                }
                break;
            case H_FOUND:
                break;
            }
            if (!ok) h->nomem = true;
        }
    }
}

/* Copies a hunt's kept draws into a new array; NULL when out of memory
** (or when there are none). */
static double *hunt_array(const hunt *h)
{
    double *a = malloc((size_t)(h->kept.n ? h->kept.n : 1) * sizeof *a);
    if (a) keep_copy(&h->kept, a);
    return a;
}

/* The hunt's next interval after a counting pass. */
static void narrow(hunt *h)
{
    if (h->rank < h->below) {
        h->U = h->lo;
        h->Uin = false;
        h->count = h->below;
    } else if (h->rank >= h->below + h->nin) {
        h->L = h->hi;
        h->Lin = false;
        h->count -= h->below + h->nin;
        h->rank -= h->below + h->nin;
    } else {
        h->L = h->lo;
        h->Lin = true;
        h->U = h->hi;
        h->Uin = true;
        h->count = h->nin;
        h->rank -= h->below;
    }
    h->phase = h->count <= HUNT_SAMPLE ? H_KEEP : H_SAMPLE;
    if (h->phase == H_SAMPLE)
        h->thresh =
            (uint64_t)(18446744073709551616.0 * HUNT_SAMPLE / (double)h->count);
}

static mrv_status hunt_step(mrv_colstats *c, hunt *h)
{
    double *a = NULL;
    if (h->nomem) return MRV_ENOMEM;
    switch (h->phase) {
    case H_KEEP: {
        if (h->kept.n != h->count) return MRV_EINTERNAL;
        a = hunt_array(h);
        if (!a) return MRV_ENOMEM;
        size_t r = (size_t)h->rank;
        select_ranks(a, (size_t)h->kept.n, &r, 1, &h->value);
        h->phase = H_FOUND;
        break;
    }
    case H_SAMPLE: {
        uint64_t s = h->kept.n;
        if (s == 0) {
            /* No draw sampled (odds far below 1e-1000): keep them all. */
            h->phase = H_KEEP;
            return MRV_OK;
        }
        a = hunt_array(h);
        if (!a) return MRV_ENOMEM;
        double p = ((double)h->rank + 0.5) / (double)h->count, il, iu;
        bracket_ranks(p, s, c->sds > 0 ? c->sds : SDS,
                      c->slack > 0 ? c->slack : SLACK, &il, &iu);
        size_t r[2] = {il < 0 ? 0 : (size_t)il,
                       iu > (double)(s - 1) ? (size_t)(s - 1) : (size_t)iu};
        double v[2];
        select_ranks(a, (size_t)s, r, 2, v);
        h->lo = il < 0 ? -(double)HUGE_VAL : v[0];
        h->hi = iu > (double)(s - 1) ? (double)HUGE_VAL : v[1];
        h->below = h->nin = 0;
        h->phase = H_COUNT;
        break;
    }
    case H_COUNT: {
        bool kept_all = h->lo == h->hi || h->nin <= HUNT_KEEP;
        if (h->lo < h->hi && h->nin <= HUNT_KEEP && h->kept.n != h->nin)
            return MRV_EINTERNAL;
        if (kept_all && h->rank >= h->below && h->rank < h->below + h->nin) {
            if (h->lo == h->hi) {
                h->value = h->lo;
            } else {
                a = hunt_array(h);
                if (!a) return MRV_ENOMEM;
                size_t r = (size_t)(h->rank - h->below);
                select_ranks(a, (size_t)h->kept.n, &r, 1, &h->value);
            }
            h->phase = H_FOUND;
        } else {
            narrow(h);
        }
        break;
    }
    case H_FOUND:
        break;
    }
    free(a);
    keep_free(&h->kept);
    return MRV_OK;
}

mrv_status mrv__colstats_hunt_end(mrv_colstats *c, mrv_stat *out)
{
    for (size_t k = 0; k < c->nhunt; k++) {
        hunt *h = &c->h[k];
        if (h->phase == H_FOUND) continue;
        mrv_status st = hunt_step(c, h);
        if (st != MRV_OK) return st;
        if (h->phase == H_FOUND) {
            request *rq = &c->rq[h->req];
            rq->v[h->which] = h->value;
            rq->have[h->which] = true;
        }
    }
    if (!mrv__colstats_hunting(c)) quantiles_out(c, out);
    return MRV_OK;
}

/* ---- a column in memory ------------------------------------------------ */

mrv_status mrv__colstats_column(const double *x, size_t n, double confidence,
                                const mrv_colstats_tuning *t, mrv_stat *out)
{
    uint64_t m = mrv__colstats_pilot_len(n);
    mrv_colstats *c = mrv__colstats_new(n, confidence, t);
    mrv_colpart *p = mrv__colpart_new();
    double *scratch = malloc((size_t)m * sizeof *scratch);
    mrv_status st = MRV_OK;
    if (!c || !p || !scratch) {
        st = MRV_ENOMEM;
        goto out;
    }
    mrv__colstats_place(c, x, (size_t)m, scratch);
    for (size_t i0 = 0; i0 < n; i0 += MRV_COLSTATS_BLOCK) {
        size_t nx = n - i0 < MRV_COLSTATS_BLOCK ? n - i0 : MRV_COLSTATS_BLOCK;
        uint64_t bad;
        if (!mrv__colstats_feed(c, p, x + i0, nx, i0, &bad)) {
            st = MRV_EDOMAIN;
            goto out;
        }
    }
    st = mrv__colstats_finish(c, &p, 1, out);
    while (st == MRV_OK && mrv__colstats_hunting(c)) {
        for (size_t i0 = 0; i0 < n; i0 += MRV_COLSTATS_BLOCK) {
            size_t nx =
                n - i0 < MRV_COLSTATS_BLOCK ? n - i0 : MRV_COLSTATS_BLOCK;
            mrv__colstats_hunt_feed(c, x + i0, nx, i0);
        }
        st = mrv__colstats_hunt_end(c, out);
    }
out:
    free(scratch);
    mrv__colpart_free(p);
    mrv__colstats_free(c);
    return st;
}
