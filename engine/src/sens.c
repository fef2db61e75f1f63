/*
** sens.c -- sensitivity of every result to every uncertain input (sens.h).
**
** Which inputs can move a column: a backward pass over the program from
** the column's result slots, marking the slots each instruction that
** writes a marked slot reads (mrv_opcode_reads), 64 columns at a time as
** the bits of one word per slot; the marked input slots are the column's
** inputs.  Only those pairs get a row: an input the program never feeds
** into a result has no influence on it, and its estimate would be noise.
**
** The sample: the first N draws, N = min(n, max(1024, n / 32), 65536,
** 2^23 / pairs) in whole blocks (see plan_draws), the same for every
** thread count.  Per pair the work is a pass over the N draws, so the
** pair count bounds N and the time stays under a few tens of ms.
**
** Estimators, on the sample:
**   - ranks: each input's and column's draws ranked by an LSD radix sort
**     of order-preserving keys (cut to 32 bits of the sample's range),
**     ties given their mean rank;
**   - rank correlation: Spearman's rho, the Pearson correlation of the
**     ranks, sum dx dy / sqrt(sum dx^2 sum dy^2) with d the ranks less
**     their mean (N - 1)/2;
**   - variance share: the draws are split into B = floor(sqrt(N)) bins of
**     equal count by the input's rank (binning on its empirical CDF: no
**     model of the input is needed), and the share is the correlation
**     ratio corrected for the noise of B bin means,
**       (SSB - (B - 1) SSW / (N - B)) / SST,
**     SSB the between-bin sum of squares, SSW = SST - SSB, clamped to
**     [0, 1].  Its standard error for a share S is about 2 sqrt(S) (1 - S)
**     / sqrt(N); its bias from the bins' width, a loss of at most about
**     1 / B of the share at the distribution's tails, is below that.
**
** Owns, until mrv__sens_plan_free: the pairs, the sample's input draws,
** the ranks and bins, and each column's draws less their mean; borrows
** the columns' draws until they are ranked.  Every loop runs in a
** fixed order per item, so results do not depend on the threads.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sens.h"

#define MIN_DRAWS  1024
#define MAX_DRAWS  65536
#define PAIR_WORK  ((uint64_t)1 << 23) /* pairs x draws */
#define MAX_BINS   256
#define RADIX_BITS 11
/* Pairs per item of the accumulating phase: an input can move most
** columns or one, so items per input would leave one thread the
** largest at the end. */
#define PAIR_CHUNK 8

struct mrv_sens_plan {
    const mrv_program *p;
    size_t ninputs, ncols;
    uint64_t ns; /* draws used; 0: none */
    size_t bins;
    const char *skipped;
    /* pairs, grouped by input: pair j is (pin[j], pcol[j]) */
    size_t npairs;
    uint32_t *pin, *pcol;
    size_t *in_first, *in_count; /* per input */
    bool *col_used;
    /* the used inputs and columns, in order: rank item i < nin is input
    ** uin[i], then the columns ucol[] */
    size_t nin, ncol;
    uint32_t *uin, *ucol;
    double **x;        /* per input: its draws (owned) */
    const double **y;  /* per column: its draws (borrowed) */
    double **yc;       /* per column: its draws less their mean */
    double **dx;       /* per input: rank - (N - 1)/2 */
    uint16_t **bin;    /* per input: bin by rank */
    uint32_t **bcount; /* per input: draws per bin */
    double *sxx;       /* per input: sum dx^2 */
    double **dy;       /* per column */
    double *syy, *sst;
    double *rho, *share; /* per pair */
};

/* ---- planning ---------------------------------------------------------- */

/* Marks in reach[s] (one bit per column of the chunk c0 .. c0 + 63) the
** slots each column's value depends on, walking the code backwards. */
static void reach_chunk(const mrv_program *p, size_t c0, size_t nc,
                        const size_t *nterm, const uint32_t *const *slot,
                        uint64_t *reach)
{
    memset(reach, 0, (p->nslots + 1) * sizeof *reach);
    for (size_t c = c0; c < c0 + nc; c++)
        for (size_t t = 0; t < nterm[c]; t++)
            reach[slot[c][t]] |= (uint64_t)1 << (c - c0);
    for (size_t i = p->ncode; i-- > 0;) {
        const mrv_insn *ip = &p->code[i];
        if (ip->op == MRV_I_CHECK) continue;
        uint64_t m = reach[ip->a];
        if (!m) continue;
        /* The value in 'a' before this instruction is not read by it
        ** (lowering never lets one write a slot it reads). */
        reach[ip->a] = 0;
        unsigned r = mrv_opcode_reads((mrv_opcode)ip->op);
        if (r & 1) reach[ip->b] |= m;
        if (r & 2) reach[ip->c] |= m;
        if (r & 4) reach[ip->d] |= m;
    }
}

/* The sample size for 'pairs' pairs and n draws (see the top). */
static uint64_t plan_draws(uint64_t n, size_t pairs, const char **why)
{
    uint64_t ns = n / 32 > MIN_DRAWS ? n / 32 : MIN_DRAWS;
    if (ns > MAX_DRAWS) ns = MAX_DRAWS;
    uint64_t cap = PAIR_WORK / (pairs ? pairs : 1);
    if (ns > cap) ns = cap;
    if (ns > n) ns = n;
    /* Whole blocks, as the Monte Carlo draws them, unless n is smaller. */
    if (ns < n) ns -= ns % 512;
    if (ns < MIN_DRAWS && ns < n) {
        *why = "too many pairs of inputs and results to estimate within "
               "its time budget";
        return 0;
    }
    return ns;
}

mrv_status mrv__sens_plan_new(const mrv_run *run, size_t ncols,
                              const size_t *col_nterm,
                              const uint32_t *const *col_slot,
                              mrv_sens_plan **out)
{
    const mrv_program *p = run->program;
    mrv_sens_plan *sp = calloc(1, sizeof *sp);
    *out = sp;
    if (!sp) return MRV_ENOMEM;
    sp->p = p;
    sp->ninputs = p->ninputs;
    sp->ncols = ncols;
    uint64_t *reach = malloc((p->nslots + 1) * sizeof *reach);
    sp->in_first = calloc(p->ninputs + 1, sizeof *sp->in_first);
    sp->in_count = calloc(p->ninputs + 1, sizeof *sp->in_count);
    sp->col_used = calloc(ncols + 1, sizeof *sp->col_used);
    uint64_t *mask =
        calloc((p->ninputs + 1) * ((ncols + 63) / 64 + 1), sizeof *mask);
    if (!reach || !sp->in_first || !sp->in_count || !sp->col_used || !mask) {
        free(reach);
        free(mask);
        return MRV_ENOMEM;
    }
    /* mask[k * words + w]: the columns of chunk w that input k reaches. */
    size_t words = (ncols + 63) / 64;
    for (size_t w = 0; w < words; w++) {
        size_t c0 = w * 64, nc = ncols - c0 < 64 ? ncols - c0 : 64;
        reach_chunk(p, c0, nc, col_nterm, col_slot, reach);
        for (size_t k = 0; k < p->ninputs; k++) {
            /* An input that never varies has no influence to measure. */
            if (p->inputs[k].unc->dist == MRV_DIST_NONE) continue;
            mask[k * words + w] = reach[k];
        }
    }
    free(reach);
    for (size_t k = 0; k < p->ninputs; k++)
        for (size_t w = 0; w < words; w++)
            for (uint64_t m = mask[k * words + w]; m; m &= m - 1) sp->npairs++;
    sp->pin = malloc((sp->npairs + 1) * sizeof *sp->pin);
    sp->pcol = malloc((sp->npairs + 1) * sizeof *sp->pcol);
    if (!sp->pin || !sp->pcol) {
        free(mask);
        return MRV_ENOMEM;
    }
    size_t j = 0;
    for (size_t k = 0; k < p->ninputs; k++) {
        sp->in_first[k] = j;
        for (size_t w = 0; w < words; w++) {
            for (uint64_t m = mask[k * words + w]; m; m &= m - 1) {
                size_t c = w * 64 + (size_t)__builtin_ctzll(m);
                sp->pin[j] = (uint32_t)k;
                sp->pcol[j++] = (uint32_t)c;
                sp->col_used[c] = true;
            }
        }
        sp->in_count[k] = j - sp->in_first[k];
    }
    free(mask);
    sp->ns = plan_draws(run->draws, sp->npairs, &sp->skipped);
    if (sp->npairs == 0) sp->ns = 0;
    if (sp->ns > 0) {
        double b = floor(sqrt((double)sp->ns));
        sp->bins = b > MAX_BINS ? MAX_BINS : (size_t)b;
    }
    return MRV_OK;
}

void mrv__sens_plan_free(mrv_sens_plan *sp)
{
    if (!sp) return;
    for (size_t k = 0; k < sp->ninputs; k++) {
        if (sp->x) free(sp->x[k]);
        if (sp->dx) free(sp->dx[k]);
        if (sp->bin) free(sp->bin[k]);
        if (sp->bcount) free(sp->bcount[k]);
    }
    for (size_t c = 0; sp->dy && c < sp->ncols; c++) free(sp->dy[c]);
    for (size_t c = 0; sp->yc && c < sp->ncols; c++) free(sp->yc[c]);
    free(sp->x);
    free(sp->dx);
    free(sp->bin);
    free(sp->bcount);
    free(sp->dy);
    free(sp->yc);
    free((void *)sp->y);
    free(sp->sxx);
    free(sp->syy);
    free(sp->sst);
    free(sp->rho);
    free(sp->share);
    free(sp->pin);
    free(sp->pcol);
    free(sp->in_first);
    free(sp->in_count);
    free(sp->col_used);
    free(sp->uin);
    free(sp->ucol);
    free(sp);
}

uint64_t mrv__sens_draws(const mrv_sens_plan *sp)
{
    return sp ? sp->ns : 0;
}

/* Inputs and columns used, counted. */
static void count_used(const mrv_sens_plan *sp, size_t *nin, size_t *ncol)
{
    *nin = *ncol = 0;
    for (size_t k = 0; k < sp->ninputs; k++) *nin += sp->in_count[k] > 0;
    for (size_t c = 0; c < sp->ncols; c++) *ncol += sp->col_used[c];
}

uint64_t mrv__sens_bytes(const mrv_sens_plan *sp)
{
    if (!sp || !sp->ns) return 0;
    size_t nin, ncol;
    count_used(sp, &nin, &ncol);
    /* Per input its draws, ranks and bins; per column its ranks and
    ** centred draws; per pair two numbers. */
    return sp->ns * (nin * (2 * sizeof(double) + sizeof(uint16_t)) +
                     ncol * 2 * sizeof(double)) +
           sp->npairs * 2 * sizeof(double) + nin * sp->bins * sizeof(uint32_t);
}

mrv_status mrv__sens_alloc(mrv_sens_plan *sp)
{
    if (!sp->ns) return MRV_OK;
    size_t nk = sp->ninputs + 1, nc = sp->ncols + 1, n = (size_t)sp->ns;
    count_used(sp, &sp->nin, &sp->ncol);
    sp->uin = malloc((sp->nin + 1) * sizeof *sp->uin);
    sp->ucol = malloc((sp->ncol + 1) * sizeof *sp->ucol);
    sp->x = calloc(nk, sizeof *sp->x);
    sp->dx = calloc(nk, sizeof *sp->dx);
    sp->bin = calloc(nk, sizeof *sp->bin);
    sp->bcount = calloc(nk, sizeof *sp->bcount);
    sp->sxx = calloc(nk, sizeof *sp->sxx);
    sp->dy = calloc(nc, sizeof *sp->dy);
    sp->y = calloc(nc, sizeof *sp->y);
    sp->yc = calloc(nc, sizeof *sp->yc);
    sp->syy = calloc(nc, sizeof *sp->syy);
    sp->sst = calloc(nc, sizeof *sp->sst);
    sp->rho = calloc(sp->npairs + 1, sizeof *sp->rho);
    sp->share = calloc(sp->npairs + 1, sizeof *sp->share);
    if (!sp->uin || !sp->ucol || !sp->x || !sp->dx || !sp->bin || !sp->bcount ||
        !sp->sxx || !sp->dy || !sp->y || !sp->yc || !sp->syy || !sp->sst ||
        !sp->rho || !sp->share)
        return MRV_ENOMEM;
    size_t i = 0;
    for (size_t k = 0; k < sp->ninputs; k++) {
        if (!sp->in_count[k]) continue;
        sp->uin[i++] = (uint32_t)k;
        sp->x[k] = malloc(n * sizeof **sp->x);
        sp->dx[k] = malloc(n * sizeof **sp->dx);
        sp->bin[k] = malloc(n * sizeof **sp->bin);
        sp->bcount[k] = calloc(sp->bins, sizeof **sp->bcount);
        if (!sp->x[k] || !sp->dx[k] || !sp->bin[k] || !sp->bcount[k])
            return MRV_ENOMEM;
    }
    i = 0;
    for (size_t c = 0; c < sp->ncols; c++) {
        if (!sp->col_used[c]) continue;
        sp->ucol[i++] = (uint32_t)c;
        sp->dy[c] = malloc(n * sizeof **sp->dy);
        sp->yc[c] = malloc(n * sizeof **sp->yc);
        if (!sp->dy[c] || !sp->yc[c]) return MRV_ENOMEM;
    }
    return MRV_OK;
}

double *mrv__sens_input_draws(mrv_sens_plan *sp, size_t k)
{
    return sp && sp->ns && sp->x ? sp->x[k] : NULL;
}

void mrv__sens_set_column(mrv_sens_plan *sp, size_t c, const double *y)
{
    if (sp && sp->ns && sp->col_used[c]) sp->y[c] = y;
}

/* ---- ranks ------------------------------------------------------------- */

typedef struct scratch {
    uint64_t *key, *key2; /* ns each: keys, then (cut key, index) pairs */
    double *bsum;         /* bins */
} scratch;

void *mrv__sens_scratch_new(const mrv_sens_plan *sp)
{
    size_t n = (size_t)(sp->ns ? sp->ns : 1);
    scratch *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->key = malloc(n * sizeof *s->key);
    s->key2 = malloc(n * sizeof *s->key2);
    s->bsum = malloc((sp->bins + 1) * sizeof *s->bsum);
    if (!s->key || !s->key2 || !s->bsum) {
        mrv__sens_scratch_free(s);
        return NULL;
    }
    return s;
}

uint64_t mrv__sens_scratch_bytes(const mrv_sens_plan *sp)
{
    if (!sp || !sp->ns) return 0;
    return sp->ns * 2 * sizeof(uint64_t) + (sp->bins + 1) * sizeof(double);
}

void mrv__sens_scratch_free(void *v)
{
    scratch *s = v;
    if (!s) return;
    free(s->key);
    free(s->key2);
    free(s->bsum);
    free(s);
}

/* A key whose unsigned order is the double's: flip every bit of a
** negative number, the sign bit of a positive one (-0 and +0 become
** neighbours; the samples hold no NaN). */
static uint64_t order_key(double x)
{
    uint64_t b;
    memcpy(&b, &x, sizeof b);
    return (b >> 63) ? ~b : b | ((uint64_t)1 << 63);
}

/* r[i] = the mean 0-based rank of x[i] among x[0..n).  The keys are cut
** to the 32 bits that matter across the sample (the key less the least,
** shifted right until the range fits): values closer than 1 / 2^32 of
** the sample's range tie, which changes a rank correlation by far less
** than its sampling error.  Then an LSD radix sort of (cut key, index)
** in one word each, 11 bits a pass, the three histograms taken in one
** pass over the keys. */
static void midranks(const double *x, size_t n, double *r, scratch *s)
{
    uint64_t *a = s->key, *b = s->key2;
    uint64_t lo = UINT64_MAX, hi = 0;
    for (size_t i = 0; i < n; i++) {
        a[i] = order_key(x[i]);
        lo = a[i] < lo ? a[i] : lo;
        hi = a[i] > hi ? a[i] : hi;
    }
    int shift = 0;
    while (((hi - lo) >> shift) > UINT32_MAX) shift++;
    enum { BITS = 11, NBK = 1 << BITS, NPASS = 3 };
    uint32_t cnt[NPASS][NBK]; /* n <= MAX_DRAWS */
    memset(cnt, 0, sizeof cnt);
    for (size_t i = 0; i < n; i++) {
        uint32_t v = (uint32_t)((a[i] - lo) >> shift);
        a[i] = (uint64_t)v << 32 | i;
        cnt[0][v & (NBK - 1)]++;
        cnt[1][(v >> BITS) & (NBK - 1)]++;
        cnt[2][v >> (2 * BITS)]++;
    }
    for (int p = 0; p < NPASS; p++) {
        int sh = 32 + p * BITS;
        if (cnt[p][(a[0] >> sh) & (NBK - 1)] == n) continue;
        uint32_t at = 0;
        for (size_t q = 0; q < NBK; q++) {
            uint32_t c = cnt[p][q];
            cnt[p][q] = at;
            at += c;
        }
        for (size_t i = 0; i < n; i++)
            b[cnt[p][(a[i] >> sh) & (NBK - 1)]++] = a[i];
        uint64_t *t = a;
        a = b;
        b = t;
    }
    for (size_t i = 0; i < n;) {
        uint32_t key = (uint32_t)(a[i] >> 32);
        size_t j = i + 1;
        while (j < n && (uint32_t)(a[j] >> 32) == key) j++;
        double mid = 0.5 * (double)(i + j - 1);
        for (size_t t = i; t < j; t++) r[(uint32_t)a[t]] = mid;
        i = j;
    }
}

/* Sum of a[i] b[i] over ranks less their mean: multiples of 1/2 below
** 2^15 in size, so each product is a multiple of 1/4 below 2^30 and each
** partial sum one below 2^46, which a double holds exactly.  No addition
** rounds, so any order gives the same bits, and four running sums let
** the additions overlap instead of waiting on each other. */
_Static_assert(MAX_DRAWS <= 65536, "rank sums must stay exact");
static double rank_dot(const double *a, const double *b, size_t n)
{
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        s0 += a[i] * b[i];
        s1 += a[i + 1] * b[i + 1];
        s2 += a[i + 2] * b[i + 2];
        s3 += a[i + 3] * b[i + 3];
    }
    for (; i < n; i++) s0 += a[i] * b[i];
    return (s0 + s1) + (s2 + s3);
}

size_t mrv__sens_rank_items(const mrv_sens_plan *sp)
{
    return sp->ns ? sp->nin + sp->ncol : 0;
}

size_t mrv__sens_pair_items(const mrv_sens_plan *sp)
{
    return sp->ns ? (sp->npairs + PAIR_CHUNK - 1) / PAIR_CHUNK : 0;
}

void mrv__sens_rank(mrv_sens_plan *sp, size_t item, void *v)
{
    scratch *s = v;
    size_t n = (size_t)sp->ns;
    double mr = 0.5 * (double)(n - 1);
    if (item < sp->nin) {
        size_t k = sp->uin[item];
        double *d = sp->dx[k];
        midranks(sp->x[k], n, d, s);
        uint16_t *b = sp->bin[k];
        for (size_t i = 0; i < n; i++) {
            /* Bin by rank: mean ranks keep tied draws together. */
            size_t bi = (size_t)(d[i] * (double)sp->bins / (double)n);
            b[i] = (uint16_t)bi;
            sp->bcount[k][bi]++;
            d[i] -= mr;
        }
        sp->sxx[k] = rank_dot(d, d, n);
        return;
    }
    size_t c = sp->ucol[item - sp->nin];
    const double *y = sp->y[c];
    double *d = sp->dy[c], *yc = sp->yc[c], m = 0, t = 0;
    midranks(y, n, d, s);
    for (size_t i = 0; i < n; i++) m += y[i];
    m /= (double)n;
    for (size_t i = 0; i < n; i++) {
        d[i] -= mr;
        yc[i] = y[i] - m;
        t += yc[i] * yc[i];
    }
    sp->y[c] = NULL; /* no longer read: the caller may free it */
    sp->syy[c] = rank_dot(d, d, n);
    sp->sst[c] = t;
}

/* ---- the pairs --------------------------------------------------------- */

void mrv__sens_pairs(mrv_sens_plan *sp, size_t item, void *v)
{
    scratch *s = v;
    size_t n = (size_t)sp->ns, B = sp->bins;
    size_t j0 = item * PAIR_CHUNK;
    size_t j1 = j0 + PAIR_CHUNK < sp->npairs ? j0 + PAIR_CHUNK : sp->npairs;
    for (size_t j = j0; j < j1; j++) {
        size_t k = sp->pin[j], c = sp->pcol[j];
        const double *dx = sp->dx[k];
        const uint16_t *bin = sp->bin[k];
        const uint32_t *cnt = sp->bcount[k];
        const double *yc = sp->yc[c], *dy = sp->dy[c];
        memset(s->bsum, 0, B * sizeof *s->bsum);
        double sxy = rank_dot(dx, dy, n);
        for (size_t i = 0; i < n; i++) s->bsum[bin[i]] += yc[i];
        double ssb = 0;
        size_t nb = 0;
        for (size_t b = 0; b < B; b++) {
            if (!cnt[b]) continue;
            ssb += s->bsum[b] * s->bsum[b] / (double)cnt[b];
            nb++;
        }
        double sst = sp->sst[c], share = 0, rho = 0;
        if (sst > 0 && sp->sxx[k] > 0 && sp->syy[c] > 0) {
            double ssw = sst - ssb;
            if (ssw < 0) ssw = 0;
            share = (ssb - (double)(nb - 1) * ssw / (double)(n - nb)) / sst;
            share = share < 0 ? 0 : share > 1 ? 1 : share;
            rho = sxy / sqrt(sp->sxx[k] * sp->syy[c]);
            rho = rho < -1 ? -1 : rho > 1 ? 1 : rho;
        }
        sp->rho[j] = rho;
        sp->share[j] = share;
    }
}

/* ---- names and the result ---------------------------------------------- */

/* A step on the way down a value tree: a year (dim -1) or a member. */
typedef struct step {
    int dim;
    long v;
} step;

#define MAX_DEPTH 16

/* The path from n down to the node carrying u, into path[*depth..). */
static const mrv_vnode *find_unc(const mrv_vnode *n, const mrv_uncert *u,
                                 step *path, size_t *depth)
{
    if (!n) return NULL;
    if (n->unc == u) return n;
    if (n->kind == MRV_V_LEAF || *depth >= MAX_DEPTH) return NULL;
    for (size_t i = 0; i < n->n; i++) {
        path[*depth].dim = n->kind == MRV_V_YEARS ? -1 : n->dim;
        path[*depth].v = n->kind == MRV_V_YEARS ? n->years[i] : (long)i;
        (*depth)++;
        const mrv_vnode *at = find_unc(n->kids[i], u, path, depth);
        if (at) return at;
        (*depth)--;
    }
    return NULL;
}

/* Input k as users know it: the factor entry it was taken from
** ("cdm.tool04/doc.food"), or its parameter with, in the order of the
** parameter's axes, the year and members it belongs to, from where its
** uncertainty was written and from what it varies by ("EF_grid[2027]",
** "D[2026, commuter]"); the parameter alone when it is one draw for all. */
static const char *input_name(const mrv_bound *b, const mrv_input *in, size_t k,
                              mrv_arena *a)
{
    const mrv_methodology *m = b->meth;
    const mrv_param *pm = in->param;
    step path[MAX_DEPTH];
    size_t depth = 0;
    const mrv_vnode *at = NULL;
    if (pm && b->values)
        at = find_unc(b->values[pm - m->params], in->unc, path, &depth);
    for (size_t i = 0; !at && b->values && i < m->nparams; i++) {
        depth = 0;
        at = find_unc(b->values[i], in->unc, path, &depth);
        if (at) pm = &m->params[i];
    }
    if (!pm) return mrv_arena_printf(a, "input %zu", k + 1);
    if (at && at->kind == MRV_V_LEAF && at->source && in->year == MRV_NO_YEAR &&
        in->nmem == 0)
        return mrv_arena_strdup(a, at->source);
    char buf[1024];
    size_t len = (size_t)snprintf(buf, sizeof buf, "%s", pm->name);
    bool any = false;
    for (size_t x = 0; x < pm->nover && len < sizeof buf; x++) {
        int ax = pm->over[x];
        char part[256] = "";
        for (size_t d = 0; d < depth && !part[0]; d++) {
            if (ax == MRV_AXIS_VINTAGE && path[d].dim == -1)
                snprintf(part, sizeof part, "%ld", path[d].v);
            else if (ax >= 0 && path[d].dim == ax)
                snprintf(part, sizeof part, "%s",
                         b->members[ax][(size_t)path[d].v]);
        }
        if (!part[0] && ax == MRV_AXIS_VINTAGE && in->year != MRV_NO_YEAR)
            snprintf(part, sizeof part, "%d", in->year);
        for (uint32_t j = 0; !part[0] && ax >= 0 && j < in->nmem; j++)
            if ((int)(in->mem[j] >> 24) == ax)
                snprintf(part, sizeof part, "%s",
                         b->members[ax][in->mem[j] & 0xffffff]);
        if (!part[0]) continue;
        len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s",
                                any ? ", " : "[", part);
        any = true;
    }
    if (any && len < sizeof buf) snprintf(buf + len, sizeof buf - len, "]");
    return mrv_arena_strdup(a, buf);
}

/* Rows of one column, largest share first, then the strongest rank
** correlation, then input order. */
static int row_cmp(const void *x, const void *y)
{
    const mrv_sens_row *a = x, *b = y;
    if (a->variance_share != b->variance_share)
        return a->variance_share > b->variance_share ? -1 : 1;
    double ra = fabs(a->rank_correlation), rb = fabs(b->rank_correlation);
    if (ra != rb) return ra > rb ? -1 : 1;
    return (a->input > b->input) - (a->input < b->input);
}

mrv_status mrv__sens_finish(mrv_sens_plan *sp, const mrv_run *run,
                            mrv_sensitivity **out)
{
    *out = NULL;
    mrv_arena *a = mrv_arena_new(NULL, NULL);
    if (!a) return MRV_ENOMEM;
    mrv_sensitivity *s = mrv_arena_alloc(a, sizeof *s);
    if (!s) {
        mrv_arena_free(a);
        return MRV_ENOMEM;
    }
    s->arena = a;
    s->draws = sp->ns;
    s->bins = sp->bins;
    s->skipped = sp->skipped;
    s->ncols = sp->ncols;
    s->first = mrv_arena_array(a, sp->ncols + 1, sizeof *s->first);
    s->count = mrv_arena_array(a, sp->ncols + 1, sizeof *s->count);
    size_t *pos = calloc(sp->ninputs + 1, sizeof *pos);
    if (!s->first || !s->count || !pos) goto nomem;
    if (!sp->ns) {
        free(pos);
        *out = s;
        return MRV_OK;
    }
    /* The inputs that have rows, numbered in program order. */
    s->inputs = mrv_arena_array(a, sp->nin + 1, sizeof *s->inputs);
    if (!s->inputs) goto nomem;
    for (size_t i = 0; i < sp->nin; i++) {
        size_t k = sp->uin[i];
        pos[k] = i;
        s->inputs[i] = input_name(run->bound, &sp->p->inputs[k], k, a);
        if (!s->inputs[i]) goto nomem;
    }
    s->ninputs = sp->nin;
    /* Rows per column: a column constant in the sample has none. */
    size_t nrows = 0;
    for (size_t j = 0; j < sp->npairs; j++) {
        size_t c = sp->pcol[j];
        if (sp->sst[c] > 0 && sp->syy[c] > 0) {
            s->count[c]++;
            nrows++;
        }
    }
    s->rows = mrv_arena_array(a, nrows + 1, sizeof *s->rows);
    if (!s->rows) goto nomem;
    size_t at = 0;
    for (size_t c = 0; c < sp->ncols; c++) {
        s->first[c] = at;
        at += s->count[c];
        s->count[c] = 0;
    }
    for (size_t j = 0; j < sp->npairs; j++) {
        size_t c = sp->pcol[j];
        if (!(sp->sst[c] > 0 && sp->syy[c] > 0)) continue;
        mrv_sens_row *r = &s->rows[s->first[c] + s->count[c]++];
        r->input = pos[sp->pin[j]];
        r->rank_correlation = sp->rho[j];
        r->variance_share = sp->share[j];
    }
    for (size_t c = 0; c < sp->ncols; c++)
        qsort(s->rows + s->first[c], s->count[c], sizeof *s->rows, row_cmp);
    free(pos);
    *out = s;
    return MRV_OK;
nomem:
    free(pos);
    mrv_arena_free(a);
    return MRV_ENOMEM;
}
