/*
** mc.c -- Monte Carlo: seeds, one stream per input per block, threads,
** and the statistics of every result without storing its draws.
**
** mrv_mc_run sets up one sampler per uncertain input of the lowered
** program (dist.h) and one column per result and vintage and per
** crediting-period total, then runs phases on a small pool of threads,
** each phase a list of independent items taken from an atomic counter:
**
**   1. (Latin hypercube only) per input, a random permutation of the
**      strata 0..draws-1;
**   2. the pilot: per block of the first few per cent of the draws (see
**      colstats.h), fill every input, run the VM, and store every
**      column's values;
**   3. per column, its quantile brackets placed from its pilot, and the
**      pilot's blocks fed to the column's statistics; and, in the same
**      phase, the sensitivity's ranks of its inputs and columns (sens.h);
**   4. the sensitivity's pairs, then per remaining block, fill, run and
**      feed every column: one phase, so that no thread waits between
**      them;
**   5. per column, the summary from every worker's share;
** and, on one thread and only when some quantile fell outside its
** bracket, replays of every block until colstats has found it.  Then
** IPCC Approach 1 (propagate.h) is set beside them.
**
** Memory (docs/performance.md) grows with the draws only through the
** draws kept inside the brackets (a few per cent, less as draws grow),
** the Latin hypercube strata, and, when an allocation will run on every
** draw, each vintage's reductions.
**
** Reproducibility: an item's output depends on its index only, never on
** which thread ran it or when: block b of input k is drawn from a taus2
** generator whose state is a hash of (seed, stream id of k, b) and which
** nothing else touches; a column's statistics depend only on its draws
** (colstats.h), whichever worker fed which block.  Hence bit-identical
** results for every thread count, and stream independence: a new input
** has a new stream id and leaves every other input's draws alone.
**
** Speed (measured with make bench): the VM runs a full
** block in its vectorised form (eval.h); triangular and uniform inputs
** and the Latin hypercube jitter take their uniforms from the taus2 step
** inlined (mc_int.h, bit for bit gsl_rng_uniform_pos) rather than through
** the generator's function pointer; inputs no instruction reads are not
** drawn; results that are the constant 0 (most leakage) are neither
** computed nor summarised.
**
** Owns, for the duration of the call: the samplers, the stream keys, the
** permutations, the columns and their statistics, the pilot, and each
** worker's slot buffer, generator, check counters and shares.
** run->reduction_draws and run->all_draws are allocated here and owned by
** the run.
*/
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_rng.h>

#include "colstats.h"
#include "dist.h"
#include "eval.h"
#include "mc.h"
#include "mc_int.h"
#include "nonfinite.h"
#include "pool.h"
#include "propagate.h"
#include "sens.h"

/* ---- streams and seeds ------------------------------------------------- */

uint64_t mrv__mc_stream_key(uint64_t seed, uint64_t stream)
{
    return mrv__splitmix64(seed ^ mrv__splitmix64(stream));
}

void mrv__mc_block_state(uint64_t key, uint64_t block, uint32_t s[3])
{
    uint64_t z1 = mrv__splitmix64(key ^ mrv__splitmix64(block));
    uint64_t z2 = mrv__splitmix64(z1);
    s[0] = (uint32_t)z1;
    s[1] = (uint32_t)(z1 >> 32);
    s[2] = (uint32_t)z2;
    if (s[0] < 2) s[0] += 2;
    if (s[1] < 8) s[1] += 8;
    if (s[2] < 16) s[2] += 16;
}

/* GSL's taus2 state (rng/taus.c): three unsigned longs, each used as a
** 32-bit word.  gsl_rng_state() hands it out as documented API (for
** saving and restoring a generator); mrv__mc_rng_new checks the size and
** the name before anything is written through this mirror. */
typedef struct taus_state {
    unsigned long s1, s2, s3;
} taus_state;

/* Why taus2: L'Ecuyer's maximally equidistributed combined Tausworthe
** generator is among GSL's fastest (about 3 ns per uniform here) and
** passes the usual batteries, and its state is three words, so a stream
** can be restarted per block at the cost of three stores.  MT19937 would
** need 624 words of initialisation per block and input.  gsl_rng_set
** takes only 32 bits of seed for taus2 (as for MT19937), which would make
** two of a run's ~10^4-10^6 streams share a seed with odds of a few per
** cent (birthday bound); writing the whole state gives 96 bits, and no
** warm-up is needed because the words are already well mixed. */
gsl_rng *mrv__mc_rng_new(void)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
    if (!r) return NULL;
    if (gsl_rng_size(r) != sizeof(taus_state) ||
        strcmp(gsl_rng_name(r), "taus2") != 0) {
        gsl_rng_free(r);
        return NULL;
    }
    return r;
}

void mrv__mc_seed(gsl_rng *r, uint64_t key, uint64_t block)
{
    uint32_t s[3];
    mrv__mc_block_state(key, block, s);
    taus_state *st = gsl_rng_state(r);
    st->s1 = s[0];
    st->s2 = s[1];
    st->s3 = s[2];
}

const char *mrv_mc_sampler_text(mrv_dist d)
{
    return mrv_dist_sampler_text(d);
}

const char *mrv_mc_dist_name(mrv_dist d)
{
    return mrv_dist_name(d);
}

/* ---- the work ---------------------------------------------------------- */

typedef struct shared shared;
typedef struct worker worker;
typedef void (*item_fn)(worker *w, uint64_t item);

/* A column of the summary: one result in one vintage (one term) or the
** sum of a result over the crediting period (a term per vintage, added
** in vintage order, as the central case adds them).  Its draws are
** computed block by block from the VM's result slots and never stored
** whole. */
typedef struct column {
    size_t nterm;
    const uint32_t *slot; /* the terms' result slots */
    const double *scale;  /* their scales (frac / unit scale) */
    const bool *tzero;    /* per term: a vintage that is +0 in every draw */
    bool zero;            /* +0 in every draw: not summarised */
    mrv_stat *out;        /* where its summary goes */
    mrv_colstats *cs;
} column;

struct shared {
    mrv_run *run;
    const mrv_program *p;
    mrv_sampler *samp; /* per input */
    bool *live;        /* per input: read by the program */
    bool *zero;        /* per column: +0 in every draw (a result
                       ** lowered to the constant 0, like most
                       ** leakage): not summarised */
    uint64_t *key;     /* per input: its stream key */
    uint32_t **perm;   /* LHS: per input, the stratum of each draw */
    mrv_zig zig;       /* the normal sampler's tables */
    uint64_t ndraws, nblocks;
    size_t nstd;  /* (nvint + 1) * MRV_NRESULTS: the results */
    size_t ncols; /* and any more (cumulative reductions) */
    column *col;
    uint32_t *tslot; /* the totals' terms */
    double *tscale;
    bool *tzero;
    uint64_t npilot;     /* the pilot: draws 0 .. npilot - 1 */
    mrv_sens_plan *sens; /* the sensitivity, from the pilot's first draws */
    uint64_t nsens;      /* its draws, at most npilot */
    double **pilot;      /* per column: its pilot draws */
    mrv_colstats_tuning tune;
    worker *workers; /* every worker, for the columns' shares */
    unsigned nworkers;
    mrv__pool *pool;      /* the threads; worker t runs on thread t */
    bool failed;          /* a check or an overflow failed: count checks only */
    uint64_t npb;         /* the pilot's blocks */
    uint64_t npair_items; /* phase 4's items before its blocks */
    item_fn fn;
    uint64_t first_item, nitems;
    atomic_uint_fast64_t next;
    /* Progress of a phase that runs blocks: items finished, told by the
    ** calling thread (worker 'caller') after each of its items; the
    ** phase's blocks are its items from 'nonblock' on, the first of
    ** them block 'block0'. */
    const mrv_progress *progress; /* NULL outside those phases */
    uint64_t nonblock, block0;
    atomic_uint_fast64_t finished;
    const struct worker *caller;
};

struct worker {
    shared *sh;
    gsl_rng *rng;
    double *slots;         /* nslots x MRV_MC_BLOCK */
    double *vals;          /* one column of one block */
    uint64_t *bad, *first; /* per check: count, first failing draw */
    uint64_t overflow;     /* first draw whose results overflowed, or
                           ** UINT64_MAX */
    mrv_colpart **part;    /* per column: this worker's share */
    double *scratch;       /* npilot doubles, for placing brackets */
    void *sens_scratch;    /* the sensitivity's ranks and bins */
    mrv_status st;
};

/* One thread's share of a phase: items from the shared counter until
** none is left. */
static void take_items(void *arg, unsigned t)
{
    shared *sh = arg;
    worker *w = &sh->workers[t];
    for (;;) {
        uint64_t it = atomic_fetch_add(&sh->next, 1);
        if (it >= sh->nitems) break;
        sh->fn(w, sh->first_item + it);
        if (!sh->progress) continue;
        /* Blocks run in order of index, pilot first, so the blocks before
        ** this phase are done. */
        uint64_t done = atomic_fetch_add(&sh->finished, 1) + 1;
        if (w == sh->caller) {
            done = done > sh->nonblock ? done - sh->nonblock : 0;
            uint64_t draws = (sh->block0 + done) * MRV_MC_BLOCK;
            sh->progress->fn(sh->progress->ud,
                             draws < sh->ndraws ? draws : sh->ndraws,
                             sh->ndraws);
        }
    }
}

/* Runs sh->fn over items first .. first + nitems - 1 on the pool's
** threads; the calling thread is worker 0.  A thread that could not be
** started just leaves its share to the others: the results do not
** depend on who runs what. */
static void run_phase(shared *sh, item_fn fn, uint64_t first, uint64_t nitems)
{
    sh->fn = fn;
    sh->first_item = first;
    sh->nitems = nitems;
    sh->caller = &sh->workers[0];
    atomic_store(&sh->next, 0);
    atomic_store(&sh->finished, 0);
    mrv__pool_run(sh->pool, take_items, sh);
}

/* Phase 1: Fisher-Yates shuffle of input k's strata, from its own stream
** (block MRV__MC_PERM_BLOCK), so that a stratum order depends only on the
** seed, the stream id and the number of draws. */
static void make_perm(worker *w, uint64_t k)
{
    shared *sh = w->sh;
    uint32_t *pm = sh->perm[k];
    uint64_t n = sh->ndraws;
    if (!pm) return; /* an input the program never reads */
    for (uint64_t i = 0; i < n; i++) pm[i] = (uint32_t)i;
    mrv__mc_seed(w->rng, sh->key[k], MRV__MC_PERM_BLOCK);
    for (uint64_t i = n - 1; i > 0; i--) {
        uint64_t j = gsl_rng_uniform_int(w->rng, (unsigned long)(i + 1));
        uint32_t t = pm[i];
        pm[i] = pm[j];
        pm[j] = t;
    }
}

void mrv__mc_fill_random(const mrv_sampler *s, const mrv_zig *zig, uint64_t key,
                         uint64_t blk, double *col, size_t n)
{
    uint32_t st[3];
    mrv__mc_block_state(key, blk, st);
    mrv_sampler_fill(s, zig, st, col, n);
}

/* Fills the input columns of block 'blk' (n draws) into 'slots'. */
static void fill_inputs(const shared *sh, double *slots, uint64_t blk, size_t n)
{
    const mrv_program *p = sh->p;
    uint64_t i0 = blk * MRV_MC_BLOCK;
    double nd = (double)sh->ndraws;
    size_t held = SIZE_MAX; /* a pairable input waiting for a partner */
    uint32_t hst[3];
    for (size_t k = 0; k < p->ninputs; k++) {
        if (!sh->live[k]) continue;
        double *col = slots + k * MRV_MC_BLOCK;
        const mrv_sampler *s = &sh->samp[k];
        uint32_t st[3];
        mrv__mc_block_state(sh->key[k], blk, st);
        if (!sh->perm && mrv_sampler_pairable(s)) {
            /* Two at a time: the same draws, the generators overlapped. */
            if (held == SIZE_MAX) {
                held = k;
                memcpy(hst, st, sizeof hst);
            } else {
                mrv_sampler_fill2(&sh->samp[held], s, &sh->zig, hst, st,
                                  slots + held * MRV_MC_BLOCK, col, n);
                held = SIZE_MAX;
            }
            continue;
        }
        if (!sh->perm) {
            mrv_sampler_fill(s, &sh->zig, st, col, n);
            continue;
        }
        /* Latin hypercube: draw i lies in stratum perm[i] of ndraws equal
        ** strata of probability, jittered uniformly inside it. */
        const uint32_t *pm = sh->perm[k] + i0;
        for (size_t i = 0; i < n; i++) {
            double u = ((double)pm[i] + mrv__taus2_uniform_pos(st)) / nd;
            /* (ndraws - 1 + U) / ndraws can round up to 1 for huge
            ** ndraws; keep u inside (0, 1). */
            if (!(u < 1)) u = nextafter(1.0, 0.0);
            col[i] = mrv_sampler_from_unit(s, u);
        }
    }
    if (held != SIZE_MAX)
        mrv_sampler_fill(&sh->samp[held], &sh->zig, hst,
                         slots + held * MRV_MC_BLOCK, n);
}

/* dst = src * sc and dst += src * sc over n lanes.  Called with the
** constant MRV_MC_BLOCK for a full block, so that GCC knows the trip
** count and vectorises them at -O2 (restrict rules out overlap; see
** eval.c).  A product is rounded before it is added: two roundings, as
** the central case's sum of vintages. */
static inline void scale_col(double *restrict dst, const double *restrict src,
                             double sc, size_t n)
{
    for (size_t i = 0; i < n; i++) dst[i] = src[i] * sc;
}

static inline void add_scaled(double *restrict dst, const double *restrict src,
                              double sc, size_t n)
{
    for (size_t i = 0; i < n; i++) dst[i] += src[i] * sc;
}

/* Column c's values in the block whose results are in 'slots', into
** out[0..n): each term's result times its scale, added in vintage order.
** A term that is +0 in every draw adds +0, which changes only a -0 (to
** +0), as adding the zero column would. */
static void column_values(const column *c, const double *slots, double *out,
                          size_t n)
{
    bool full = n == MRV_MC_BLOCK;
    for (size_t t = 0; t < c->nterm; t++) {
        if (c->tzero[t]) {
            if (t == 0)
                memset(out, 0, n * sizeof *out);
            else
                for (size_t i = 0; i < n; i++) out[i] += 0.0;
            continue;
        }
        const double *src = slots + (size_t)c->slot[t] * MRV_MC_BLOCK;
        if (t == 0 && full)
            scale_col(out, src, c->scale[t], MRV_MC_BLOCK);
        else if (t == 0)
            scale_col(out, src, c->scale[t], n);
        else if (full)
            add_scaled(out, src, c->scale[t], MRV_MC_BLOCK);
        else
            add_scaled(out, src, c->scale[t], n);
    }
}

/* A running total's values (column c, after the standard columns: the
** reductions of vintages 0..v) from the one before it, prev (vintages
** 0..v-1, which c - 1 holds when it is not zero): prev plus term v, the
** very addition column_values would make last, so the same bits without
** re-adding every earlier vintage (quadratic in the vintages).  out may
** be prev. */
static void running_values(const column *c, const double *slots,
                           const double *prev, double *out, size_t n)
{
    size_t t = c->nterm - 1;
    if (out != prev) memcpy(out, prev, n * sizeof *out);
    if (c->tzero[t]) {
        for (size_t i = 0; i < n; i++) out[i] += 0.0;
        return;
    }
    const double *src = slots + (size_t)c->slot[t] * MRV_MC_BLOCK;
    if (n == MRV_MC_BLOCK)
        add_scaled(out, src, c->scale[t], MRV_MC_BLOCK);
    else
        add_scaled(out, src, c->scale[t], n);
}

/* The draws of block 'blk' (n of them from draw i0): inputs filled and
** the VM run; false when a check failed in it (nothing more to do with
** its results). */
static bool eval_block(worker *w, uint64_t blk, uint64_t *i0, size_t *n)
{
    shared *sh = w->sh;
    uint64_t nd = sh->ndraws;
    *i0 = blk * MRV_MC_BLOCK;
    *n = nd - *i0 < MRV_MC_BLOCK ? (size_t)(nd - *i0) : MRV_MC_BLOCK;
    fill_inputs(sh, w->slots, blk, *n);
    uint64_t before = 0;
    for (size_t c = 0; c < sh->p->nchecks; c++) before += w->bad[c];
    mrv_eval_run(sh->p, w->slots, MRV_MC_BLOCK, *n, *i0, w->bad, w->first);
    uint64_t after = 0;
    for (size_t c = 0; c < sh->p->nchecks; c++) after += w->bad[c];
    return after == before;
}

/* What is kept of every draw, whatever the phase: each vintage's
** reductions for the allocation, and with keep_draws every column. */
static void keep_draws(worker *w, size_t c, const double *vals, uint64_t i0,
                       size_t n)
{
    mrv_run *run = w->sh->run;
    uint64_t nd = w->sh->ndraws;
    if (c >= w->sh->nstd) return;
    if (run->all_draws)
        memcpy(run->all_draws + c * nd + i0, vals, n * sizeof *vals);
    size_t v = c / MRV_NRESULTS;
    if (run->reduction_draws && c % MRV_NRESULTS == MRV_RES_REDUCTIONS &&
        v < run->nvint)
        memcpy(run->reduction_draws + v * nd + i0, vals, n * sizeof *vals);
}

/* The sensitivity's sample: the inputs' draws of the first nsens draws. */
static void keep_inputs(worker *w, uint64_t i0, size_t n)
{
    shared *sh = w->sh;
    size_t m = sh->nsens - i0 < n ? (size_t)(sh->nsens - i0) : n;
    for (size_t k = 0; k < sh->p->ninputs; k++) {
        double *x = mrv__sens_input_draws(sh->sens, k);
        if (x) memcpy(x + i0, w->slots + k * MRV_MC_BLOCK, m * sizeof *x);
    }
}

/* Phases 2 and 4: one block.  In the pilot every column's values are
** stored whole; after it they are fed to this worker's shares.  Zero
** columns are neither (their kept draws are calloc'd zeros). */
static void run_block(worker *w, uint64_t blk)
{
    shared *sh = w->sh;
    uint64_t i0;
    size_t n;
    if (!eval_block(w, blk, &i0, &n) || sh->failed) return;
    bool pilot = i0 < sh->npilot;
    if (i0 < sh->nsens) keep_inputs(w, i0, n);
    for (size_t c = 0; c < sh->ncols; c++) {
        const column *col = &sh->col[c];
        if (col->zero) continue;
        double *vals = pilot ? sh->pilot[c] + i0 : w->vals;
        if (c > sh->nstd && !sh->col[c - 1].zero)
            /* w->vals still holds column c - 1's values */
            running_values(col, w->slots, pilot ? sh->pilot[c - 1] + i0 : vals,
                           vals, n);
        else
            column_values(col, w->slots, vals, n);
        keep_draws(w, c, vals, i0, n);
        uint64_t bad;
        if (!pilot &&
            !mrv__colstats_feed(col->cs, w->part[c], vals, n, i0, &bad) &&
            bad < w->overflow)
            w->overflow = bad;
    }
}

/* Phase 3: one column's brackets from its pilot, and the pilot's blocks
** fed to this worker's share. */
static void place_column(worker *w, uint64_t c)
{
    shared *sh = w->sh;
    column *col = &sh->col[c];
    if (col->zero || sh->failed) return;
    const double *x = sh->pilot[c];
    mrv__colstats_place(col->cs, x, (size_t)sh->npilot, w->scratch);
    for (uint64_t i0 = 0; i0 < sh->npilot; i0 += MRV_MC_BLOCK) {
        size_t n = sh->npilot - i0 < MRV_MC_BLOCK ? (size_t)(sh->npilot - i0)
                                                  : MRV_MC_BLOCK;
        uint64_t bad;
        if (!mrv__colstats_feed(col->cs, w->part[c], x + i0, n, i0, &bad)) {
            if (bad < w->overflow) w->overflow = bad;
            return;
        }
    }
}

/* Phase 3's items: the columns' brackets, then the sensitivity's ranks.
** Both only read the pilot. */
static void place_or_rank(worker *w, uint64_t item)
{
    shared *sh = w->sh;
    if (item < sh->ncols)
        place_column(w, item);
    else
        mrv__sens_rank(sh->sens, (size_t)(item - sh->ncols), w->sens_scratch);
}

/* Phase 4's items: the sensitivity's pairs (which need every rank),
** then the blocks after the pilot (which need every bracket). */
static void pairs_or_block(worker *w, uint64_t item)
{
    shared *sh = w->sh;
    if (item < sh->npair_items)
        mrv__sens_pairs(sh->sens, (size_t)item, w->sens_scratch);
    else
        run_block(w, sh->npb + item - sh->npair_items);
}

/* Phase 5: one column's summary from every worker's share. */
static void finish_column(worker *w, uint64_t c)
{
    shared *sh = w->sh;
    column *col = &sh->col[c];
    mrv_stat *s = col->out;
    if (col->zero) {
        s->mean = s->sd = s->lower = s->median = s->upper = 0;
        s->se_mean = s->lower_half = s->upper_half = 0;
        return;
    }
    /* The workers' shares of this column, in worker order. */
    mrv_colpart *parts[MRV_MC_MAX_THREADS];
    for (unsigned t = 0; t < sh->nworkers; t++)
        parts[t] = sh->workers[t].part[c];
    mrv_status st = mrv__colstats_finish(col->cs, parts, sh->nworkers, s);
    if (st != MRV_OK) w->st = st;
}

/* Replays: every block again on one thread, feeding the columns whose
** quantiles are still hunted, until all are found (colstats.h).  The
** draws are regenerated from their streams, so they are the same. */
static mrv_status hunt(shared *sh, worker *w)
{
    for (;;) {
        bool any = false;
        for (size_t c = 0; c < sh->ncols; c++)
            any |= !sh->col[c].zero && mrv__colstats_hunting(sh->col[c].cs);
        if (!any) return MRV_OK;
        for (uint64_t blk = 0; blk < sh->nblocks; blk++) {
            uint64_t i0;
            size_t n;
            eval_block(w, blk, &i0, &n);
            for (size_t c = 0; c < sh->ncols; c++) {
                column *col = &sh->col[c];
                if (col->zero || !mrv__colstats_hunting(col->cs)) continue;
                column_values(col, w->slots, w->vals, n);
                mrv__colstats_hunt_feed(col->cs, w->vals, n, i0);
            }
        }
        for (size_t c = 0; c < sh->ncols; c++) {
            column *col = &sh->col[c];
            if (col->zero || !mrv__colstats_hunting(col->cs)) continue;
            mrv_status st = mrv__colstats_hunt_end(col->cs, col->out);
            if (st != MRV_OK) return st;
        }
    }
}
/* ---- set-up and errors ------------------------------------------------- */

static bool tree_has(const mrv_vnode *n, const mrv_uncert *u)
{
    if (!n) return false;
    if (n->unc == u) return true;
    if (n->kind == MRV_V_LEAF) return false;
    for (size_t i = 0; i < n->n; i++)
        if (tree_has(n->kids[i], u)) return true;
    return false;
}

/* The parameter whose value carries 'u', or NULL. */
static const mrv_param *param_of(const mrv_bound *b, const mrv_uncert *u)
{
    for (size_t i = 0; i < b->meth->nparams; i++)
        if (b->values && tree_has(b->values[i], u)) return &b->meth->params[i];
    return NULL;
}

/* Marks the inputs some instruction or result reads.  Lowering folds a
** product with a known zero (a cohort of no vehicles), which can leave an
** input no one reads; drawing it would cost time and change nothing,
** since every input has its own stream.  Operands are over-approximated
** (the exponent field of POWI, an unused d): a false "live" only costs a
** column of draws. */
void mrv__mc_mark_live(const mrv_program *p, bool *live)
{
    for (size_t i = 0; i < p->ncode; i++) {
        const mrv_insn *ip = &p->code[i];
        if (ip->b < p->ninputs) live[ip->b] = true;
        if (ip->c < p->ninputs) live[ip->c] = true;
        if (ip->d < p->ninputs) live[ip->d] = true;
    }
    for (size_t k = 0; k < p->nvint * MRV_NRESULTS; k++)
        if (p->result_slot[k] < p->ninputs) live[p->result_slot[k]] = true;
}

/* Marks the columns that are +0 in every draw: a result whose slot is a
** constant equal to +0 after scaling, and a total all of whose vintages
** are. */
static void mark_zero(const mrv_program *p, bool *zero)
{
    size_t nv = p->nvint;
    for (size_t k = 0; k < nv * MRV_NRESULTS; k++) {
        for (size_t j = 0; j < p->nconsts; j++) {
            if (p->const_slot[j] != p->result_slot[k]) continue;
            double x = p->const_value[j] * p->result_scale[k];
            zero[k] = x == 0 && !signbit(x);
        }
    }
    for (size_t r = 0; r < MRV_NRESULTS; r++) {
        bool all = true;
        for (size_t v = 0; v < nv; v++) all &= zero[v * MRV_NRESULTS + r];
        zero[nv * MRV_NRESULTS + r] = all;
    }
}

mrv_status mrv__mc_samplers(const mrv_run *run, mrv_sampler *samp, mrv_diag *d)
{
    const mrv_program *p = run->program;
    mrv_status st = MRV_OK;
    for (size_t k = 0; k < p->ninputs; k++) {
        const mrv_uncert *u = p->inputs[k].unc;
        mrv_sampler_init(&samp[k], u);
        if (samp[k].accept >= MRV_DIST_MIN_ACCEPT) continue;
        bool seen = false;
        for (size_t j = 0; j < k && !seen; j++) seen = p->inputs[j].unc == u;
        if (seen) continue;
        const mrv_param *pm = param_of(run->bound, u);
        /* The bounds as the methodology wrote them. */
        double a = u->lo, b = u->hi;
        const char *name = "?", *unit = "";
        if (pm) {
            name = pm->name;
            a = pm->lo;
            b = pm->hi;
            unit = pm->unit_text && strcmp(pm->unit_text, "1") != 0
                       ? pm->unit_text
                       : "";
        }
        st = mrv_error(d, u->pos, MRV_EDOMAIN,
                       "bounds [%g, %g]%s%s of '%s' leave almost none of this "
                       "%s distribution (%.2g of it lies inside them)",
                       a, b, *unit ? " " : "", unit, name,
                       mrv_dist_name(u->dist), samp[k].accept);
    }
    return st;
}

/* Every input's sampler and stream key. */
static mrv_status setup_samplers(const mrv_run *run, shared *sh, mrv_diag *d)
{
    const mrv_program *p = sh->p;
    for (size_t k = 0; k < p->ninputs; k++)
        sh->key[k] = mrv__mc_stream_key(run->seed, p->inputs[k].stream);
    return mrv__mc_samplers(run, sh->samp, d);
}

static unsigned thread_count(unsigned threads)
{
    if (threads == 0) {
        long nc = sysconf(_SC_NPROCESSORS_ONLN);
        threads = nc > 0 ? (unsigned)nc : 1;
    }
    return threads > MRV_MC_MAX_THREADS ? MRV_MC_MAX_THREADS : threads;
}

/* The memory of a run of n draws (docs/performance.md).  Through the
** whole Monte Carlo: the Latin hypercube strata, the reductions of every
** draw when an allocation will run on them, and with keep_draws every
** column.  Then either the pilot (every column's first draws, until the
** brackets are placed) or the draws kept inside brackets (at most
** colstats' bound), never both; and each worker's slots, shares and
** scratch.  After the workers are gone the ledger adds its per-draw
** scratch.  Every allocation that grows with the draws is counted. */
typedef struct memuse {
    uint64_t fixed;  /* strata, reductions, every draw */
    uint64_t stream; /* the larger of the pilot and the kept draws */
    uint64_t worker; /* one worker */
    uint64_t after;  /* after the Monte Carlo: reductions and ledger */
} memuse;

static size_t live_columns(const shared *sh)
{
    size_t k = 0;
    for (size_t c = 0; c < sh->ncols; c++) k += !sh->col[c].zero;
    return k;
}

/* The pilot's length for n draws: colstats' choice, or the
** sensitivity's sample if longer, in whole blocks, at most n. */
static uint64_t pilot_len(const shared *sh, uint64_t n)
{
    uint64_t pl = mrv__colstats_pilot_len(n), ns = mrv__sens_draws(sh->sens);
    ns = (ns + MRV_MC_BLOCK - 1) / MRV_MC_BLOCK * MRV_MC_BLOCK;
    if (ns > pl) pl = ns;
    return pl < n ? pl : n;
}

static memuse memory_use(const shared *sh, uint64_t n)
{
    const mrv_program *p = sh->p;
    const mrv_run *run = sh->run;
    memuse m;
    uint64_t ncol = live_columns(sh), perdraw = 0;
    if (run->method == MRV_SAMPLE_LHS)
        for (size_t k = 0; k < p->ninputs; k++)
            perdraw += sh->live[k] ? sizeof(uint32_t) : 0;
    bool alloc = run->bound->project->allocation != NULL;
    uint64_t red = alloc ? n * run->nvint * sizeof(double) : 0;
    uint64_t all = run->keep_draws ? n * sh->nstd * sizeof(double) : 0;
    m.fixed = n * perdraw + red + all;
    uint64_t pl = pilot_len(sh, n);
    uint64_t pilot = pl * ncol * sizeof(double);
    uint64_t kept =
        ncol * mrv__colstats_kept_bound(n, pl, &sh->tune) * sizeof(double);
    /* The sensitivity's sample lives until its pairs are done, beside
    ** the first blocks' kept draws. */
    m.stream = (pilot > kept ? pilot : kept) + mrv__sens_bytes(sh->sens);
    m.worker = (uint64_t)(p->nslots + 2) * MRV_MC_BLOCK * sizeof(double) +
               (uint64_t)(p->nchecks + 1) * 2 * sizeof(uint64_t) +
               pl * sizeof(double) + ncol * mrv__colpart_bytes() +
               mrv__sens_scratch_bytes(sh->sens);
    m.after = red + all + (alloc ? n * MRV_LEDGER_DRAW_BYTES : 0);
    return m;
}

/* The peak of a run of n draws on one thread. */
static uint64_t peak_one(const shared *sh, uint64_t n)
{
    memuse m = memory_use(sh, n);
    uint64_t mc = m.fixed + m.stream + m.worker;
    return mc > m.after ? mc : m.after;
}

/* What grows with the draws in this run, for the refusal. */
static const char *what_grows(const shared *sh)
{
    bool lhs = sh->run->method == MRV_SAMPLE_LHS;
    bool alloc = sh->run->bound->project->allocation != NULL;
    if (lhs && alloc)
        return "the Latin hypercube strata, the draws of reductions the "
               "allocation runs on and its scratch, and the statistics' "
               "working memory";
    if (lhs)
        return "the Latin hypercube strata and the statistics' working "
               "memory";
    if (alloc)
        return "the draws of reductions the allocation runs on and its "
               "scratch, and the statistics' working memory";
    return "the statistics' working memory";
}

/* Refuses runs that would not fit in MRV_MC_MAX_BYTES on one thread, and
** lowers *threads to as many workers as fit (at least 1).  Whether a run
** is refused never depends on the thread count asked for, and fewer
** threads change no result. */
static mrv_status check_memory(const shared *sh, unsigned *threads, mrv_diag *d)
{
    const mrv_run *run = sh->run;
    const uint64_t cap = MRV_MC_MAX_BYTES;
    uint64_t nd = run->draws;
    if (nd <= UINT32_MAX && peak_one(sh, nd) <= cap) {
        memuse m = memory_use(sh, nd);
        uint64_t used = m.fixed + m.stream + m.worker;
        uint64_t more = used < cap ? (cap - used) / m.worker : 0;
        if (*threads > 1 + more) *threads = (unsigned)(1 + more);
        return MRV_OK;
    }
    /* The most draws that fit: the peak grows with n. */
    uint64_t lo = 0, hi = nd < UINT32_MAX ? nd : UINT32_MAX;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo + 1) / 2;
        if (peak_one(sh, mid) <= cap)
            lo = mid;
        else
            hi = mid - 1;
    }
    if (lo == 0)
        return mrv_error(d, run->bound->project->mc.pos, MRV_EDOMAIN,
                         "the program needs %.1f GiB of working memory per "
                         "thread, more than the %llu GiB limit; reduce the "
                         "members, vintages or ranges it computes",
                         (double)memory_use(sh, 0).worker / (double)(1u << 30),
                         (unsigned long long)(cap >> 30));
    return mrv_error(d, run->bound->project->mc.pos, MRV_EDOMAIN,
                     "%llu draws need %.1f GiB (%s), more than the %llu GiB "
                     "limit; use at most %llu draws",
                     (unsigned long long)nd,
                     (double)peak_one(sh, nd) / (double)(1u << 30),
                     what_grows(sh), (unsigned long long)(cap >> 30),
                     (unsigned long long)lo);
}

/* After the blocks: the first failed check in check order (the earliest
** vintage, then dependency order), traced in its first failing draw.
** Each worker takes blocks in increasing order from the shared counter,
** so its first recorded failure is its earliest; the minimum over the
** workers is the run's, whatever the thread count. */
static mrv_status report_checks(shared *sh, worker *ws, unsigned nt,
                                mrv_diag *d)
{
    const mrv_program *p = sh->p;
    for (size_t c = 0; c < p->nchecks; c++) {
        uint64_t nbad = 0, first = UINT64_MAX;
        for (unsigned t = 0; t < nt; t++) {
            nbad += ws[t].bad[c];
            if (ws[t].first[c] < first) first = ws[t].first[c];
        }
        if (!nbad) continue;
        uint64_t blk = first / MRV_MC_BLOCK;
        fill_inputs(sh, ws[0].slots, blk, (size_t)(first % MRV_MC_BLOCK) + 1);
        return mrv__nonfinite_report(p, sh->run->bound, c, nbad, sh->ndraws,
                                     first, ws[0].slots, MRV_MC_BLOCK,
                                     (size_t)(first % MRV_MC_BLOCK), d);
    }
    uint64_t over = UINT64_MAX;
    for (unsigned t = 0; t < nt; t++)
        if (ws[t].overflow < over) over = ws[t].overflow;
    if (over != UINT64_MAX)
        return mrv_error(d, sh->run->bound->project->mc.pos, MRV_EDOMAIN,
                         "a result overflows in draw %llu (a vintage times "
                         "its unit, or the crediting-period total, is not "
                         "finite)",
                         (unsigned long long)over + 1);
    return MRV_OK;
}

/* After the summaries: every summary must be a number.  The moments cannot
** overflow (stats.c scales them), but draws of -1e308 and 1e308 have an
** sd, and a spread, beyond the largest double: that is the input's doing
** and an error, never an inf or a null in a report. */
static mrv_status check_summaries(const shared *sh, mrv_diag *d)
{
    const mrv_run *run = sh->run;
    for (size_t c = 0; c < sh->nstd; c++) {
        const mrv_stat *s = &run->stats[c];
        const struct {
            const char *name;
            double x;
        } f[] = {{"mean", s->mean},
                 {"sd", s->sd},
                 {"lower bound", s->lower},
                 {"median", s->median},
                 {"upper bound", s->upper},
                 {"standard error", s->se_mean},
                 {"lower bound of the first half", s->lower_half},
                 {"upper bound of the first half", s->upper_half}};
        for (size_t k = 0; k < sizeof f / sizeof *f; k++) {
            if (isfinite(f[k].x)) continue;
            size_t v = c / MRV_NRESULTS;
            char when[32];
            if (v < run->nvint)
                snprintf(when, sizeof when, "in vintage %d",
                         run->bound->first + (int)v);
            else
                snprintf(when, sizeof when, "over the crediting period");
            return mrv_error(d, run->bound->project->mc.pos, MRV_EDOMAIN,
                             "the Monte Carlo %s of %s %s is beyond the "
                             "largest double (about 1.8e308): the draws "
                             "spread too far to summarise; check the "
                             "inputs' values and units",
                             f[k].name, mrv_result_names[c % MRV_NRESULTS],
                             when);
        }
    }
    return MRV_OK;
}

/* IPCC Approach 1 beside the Monte Carlo; a warning when the program
** is too large for it (its statistics are then NaN: n/a in the reports,
** null in report.json). */
static mrv_status propagate(shared *sh, mrv_diag *d)
{
    const mrv_program *p = sh->p;
    mrv_ipcc_input *in = calloc(p->ninputs + 1, sizeof *in);
    if (!in) return MRV_ENOMEM;
    for (size_t k = 0; k < p->ninputs; k++) {
        double mean;
        in[k].center = p->inputs[k].center;
        mrv_sampler_moments(&sh->samp[k], &mean, &in[k].sd);
        if (!sh->live[k]) in[k].sd = 0; /* no slope to take */
        in[k].lo = sh->samp[k].lo;
        in[k].hi = sh->samp[k].hi;
    }
    double work;
    uint64_t bytes;
    if (!mrv_propagate_fits(p, in, &work, &bytes))
        mrv_warning(d, sh->run->bound->project->mc.pos,
                    "IPCC Approach 1 not computed: %zu inputs over a program "
                    "of %zu instructions would take %.2g lane operations "
                    "(at most %.2g) and %.0f MiB (at most %.0f); the Monte "
                    "Carlo's statistics are complete",
                    p->ninputs, p->ncode, work, MRV_IPCC_MAX_WORK,
                    (double)bytes / (1 << 20),
                    (double)MRV_IPCC_MAX_BYTES / (1 << 20));
    mrv_status st = mrv_propagate(p, in, sh->run->confidence, sh->run->stats);
    free(in);
    return st;
}

static void free_workers(worker *ws, unsigned nt, size_t ncols)
{
    for (unsigned t = 0; ws && t < nt; t++) {
        gsl_rng_free(ws[t].rng);
        free(ws[t].slots);
        free(ws[t].vals);
        free(ws[t].bad);
        free(ws[t].first);
        free(ws[t].scratch);
        mrv__sens_scratch_free(ws[t].sens_scratch);
        for (size_t c = 0; ws[t].part && c < ncols; c++)
            mrv__colpart_free(ws[t].part[c]);
        free(ws[t].part);
    }
    free(ws);
}

static mrv_status new_workers(shared *sh, unsigned nt, worker **out)
{
    const mrv_program *p = sh->p;
    worker *ws = calloc(nt, sizeof *ws);
    *out = ws;
    if (!ws) return MRV_ENOMEM;
    for (unsigned t = 0; t < nt; t++) {
        worker *w = &ws[t];
        w->sh = sh;
        w->overflow = UINT64_MAX;
        w->rng = mrv__mc_rng_new();
        w->slots = malloc((p->nslots + 1) * MRV_MC_BLOCK * sizeof *w->slots);
        w->vals = malloc(MRV_MC_BLOCK * sizeof *w->vals);
        w->bad = calloc(p->nchecks + 1, sizeof *w->bad);
        w->first = malloc((p->nchecks + 1) * sizeof *w->first);
        w->scratch = malloc((size_t)sh->npilot * sizeof *w->scratch);
        w->part = calloc(sh->ncols, sizeof *w->part);
        if (sh->nsens) w->sens_scratch = mrv__sens_scratch_new(sh->sens);
        if (!w->slots || !w->vals || !w->bad || !w->first || !w->scratch ||
            !w->part || (sh->nsens && !w->sens_scratch))
            return MRV_ENOMEM;
        for (size_t c = 0; c < sh->ncols; c++)
            if (!sh->col[c].zero && !(w->part[c] = mrv__colpart_new()))
                return MRV_ENOMEM;
        if (!w->rng) return MRV_EINTERNAL;
        for (size_t c = 0; c < p->nchecks; c++) w->first[c] = UINT64_MAX;
        /* Constants never change, and no instruction writes them; nor
        ** are the inputs no one reads ever drawn, so they keep their
        ** central value (tracing a failed check copies every input). */
        mrv_eval_fill_consts(p, w->slots, MRV_MC_BLOCK, MRV_MC_BLOCK);
        for (size_t k = 0; k < p->ninputs; k++) {
            if (sh->live[k]) continue;
            for (size_t i = 0; i < MRV_MC_BLOCK; i++)
                w->slots[k * MRV_MC_BLOCK + i] = p->inputs[k].center;
        }
    }
    return MRV_OK;
}

/* The columns: one per result and vintage, then the totals, whose terms
** are the vintages' result slots in vintage order; for a removals
** methodology, then the reductions summed over vintages 0..v, draw by
** draw (the carbon stock of report.html: the first terms of the
** total's). */
static mrv_status make_columns(shared *sh)
{
    const mrv_program *p = sh->p;
    mrv_run *run = sh->run;
    size_t nv = p->nvint, R = MRV_NRESULTS;
    sh->col = calloc(sh->ncols, sizeof *sh->col);
    sh->tslot = malloc((nv * R + 1) * sizeof *sh->tslot);
    sh->tscale = malloc((nv * R + 1) * sizeof *sh->tscale);
    sh->tzero = malloc((nv * R + 1) * sizeof *sh->tzero);
    if (!sh->col || !sh->tslot || !sh->tscale || !sh->tzero) return MRV_ENOMEM;
    for (size_t k = 0; k < nv * R; k++) {
        column *c = &sh->col[k];
        c->nterm = 1;
        c->slot = &p->result_slot[k];
        c->scale = &p->result_scale[k];
        c->tzero = &sh->zero[k];
        c->zero = sh->zero[k];
        c->out = &run->stats[k];
    }
    for (size_t r = 0; r < R; r++) {
        for (size_t v = 0; v < nv; v++) {
            sh->tslot[r * nv + v] = p->result_slot[v * R + r];
            sh->tscale[r * nv + v] = p->result_scale[v * R + r];
            sh->tzero[r * nv + v] = sh->zero[v * R + r];
        }
        column *c = &sh->col[nv * R + r];
        c->nterm = nv;
        c->slot = sh->tslot + r * nv;
        c->scale = sh->tscale + r * nv;
        c->tzero = sh->tzero + r * nv;
        c->zero = sh->zero[nv * R + r];
        c->out = &run->stats[nv * R + r];
    }
    free(run->cum_stats);
    run->cum_stats = NULL;
    if (sh->ncols > sh->nstd) {
        run->cum_stats = calloc(nv, sizeof *run->cum_stats);
        if (!run->cum_stats) return MRV_ENOMEM;
        size_t r = MRV_RES_REDUCTIONS;
        for (size_t v = 0; v < nv; v++) {
            column *c = &sh->col[sh->nstd + v];
            c->nterm = v + 1;
            c->slot = sh->tslot + r * nv;
            c->scale = sh->tscale + r * nv;
            c->tzero = sh->tzero + r * nv;
            c->zero = true;
            for (size_t u = 0; u <= v; u++) c->zero &= c->tzero[u];
            c->out = &run->cum_stats[v];
            double t = 0;
            for (size_t u = 0; u <= v; u++) t += run->stats[u * R + r].central;
            c->out->central = t;
        }
    }
    for (size_t c = 0; c < sh->ncols; c++) {
        column *col = &sh->col[c];
        /* The totals' share of draws below their central value. */
        bool total = c >= nv * R && c < sh->nstd;
        col->out->p_below = (double)NAN;
        if (col->zero) {
            if (total) col->out->p_below = 0 < col->out->central ? 1 : 0;
            continue;
        }
        col->cs = mrv__colstats_new(sh->ndraws, run->confidence, &sh->tune);
        if (!col->cs) return MRV_ENOMEM;
        if (total) mrv__colstats_count_below(col->cs, col->out->central);
    }
    return MRV_OK;
}

/* The draws kept past the Monte Carlo (result.h), allocated before it. */
static mrv_status keep_alloc(shared *sh)
{
    mrv_run *run = sh->run;
    uint64_t nd = sh->ndraws;
    free(run->reduction_draws);
    free(run->all_draws);
    run->reduction_draws = run->all_draws = NULL;
    /* calloc: the zero columns are never written.  A large calloc is
    ** fresh zero pages from the system, so it costs no more than malloc. */
    if (run->bound->project->allocation &&
        !(run->reduction_draws =
              calloc(run->nvint * nd, sizeof *run->reduction_draws)))
        return MRV_ENOMEM;
    if (run->keep_draws &&
        !(run->all_draws = calloc(sh->nstd * nd, sizeof *run->all_draws)))
        return MRV_ENOMEM;
    return MRV_OK;
}

static mrv_status make_perms(shared *sh)
{
    const mrv_program *p = sh->p;
    sh->perm = calloc(p->ninputs + 1, sizeof *sh->perm);
    if (!sh->perm) return MRV_ENOMEM;
    for (size_t k = 0; k < p->ninputs; k++) {
        if (!sh->live[k]) continue;
        sh->perm[k] = malloc(sh->ndraws * sizeof **sh->perm);
        if (!sh->perm[k]) return MRV_ENOMEM;
    }
    return MRV_OK;
}

static void free_pilot(shared *sh)
{
    for (size_t c = 0; sh->pilot && c < sh->ncols; c++) free(sh->pilot[c]);
    free(sh->pilot);
    sh->pilot = NULL;
}

static mrv_status make_pilot(shared *sh)
{
    sh->pilot = calloc(sh->ncols, sizeof *sh->pilot);
    if (!sh->pilot) return MRV_ENOMEM;
    for (size_t c = 0; c < sh->ncols; c++)
        if (!sh->col[c].zero &&
            !(sh->pilot[c] = malloc((size_t)sh->npilot * sizeof(double))))
            return MRV_ENOMEM;
    return MRV_OK;
}

/* Whether a check or an overflow has failed on some worker so far. */
static bool any_failed(const shared *sh, const worker *ws, unsigned nt)
{
    for (unsigned t = 0; t < nt; t++) {
        if (ws[t].overflow != UINT64_MAX) return true;
        for (size_t c = 0; c < sh->p->nchecks; c++)
            if (ws[t].bad[c]) return true;
    }
    return false;
}

/* The sensitivity's plan: the result columns, each as its terms' slots
** (none for a zero column). */
static mrv_status plan_sens(shared *sh)
{
    size_t *nterm = calloc(sh->nstd, sizeof *nterm);
    const uint32_t **slot = calloc(sh->nstd, sizeof *slot);
    mrv_status st = MRV_ENOMEM;
    if (nterm && slot) {
        for (size_t c = 0; c < sh->nstd; c++) {
            nterm[c] = sh->col[c].zero ? 0 : sh->col[c].nterm;
            slot[c] = sh->col[c].slot;
        }
        st = mrv__sens_plan_new(sh->run, sh->nstd, nterm, slot, &sh->sens);
    }
    free(nterm);
    free((void *)slot);
    if (st == MRV_OK) sh->nsens = mrv__sens_draws(sh->sens);
    return st;
}

/* After the pilot: the sensitivity's columns, its first draws; the
** number of rank items to run (0: none, after a failed check). */
static size_t sens_columns(shared *sh)
{
    if (!sh->nsens || sh->failed) return 0;
    for (size_t c = 0; c < sh->nstd; c++)
        if (!sh->col[c].zero) mrv__sens_set_column(sh->sens, c, sh->pilot[c]);
    return mrv__sens_rank_items(sh->sens);
}

/* After its pairs: the sensitivity into run->sens, its memory given
** back. */
static mrv_status sens_finish(shared *sh)
{
    mrv_sensitivity_free(sh->run->sens);
    mrv_status st = mrv__sens_finish(sh->sens, sh->run, &sh->run->sens);
    mrv__sens_plan_free(sh->sens);
    sh->sens = NULL;
    sh->nsens = 0;
    return st;
}

/* The Monte Carlo proper, once the samplers, columns and workers are
** ready: pilot, brackets and ranks, pairs and the remaining blocks, the
** summaries, replays while a quantile is hunted. */
static mrv_status run_phases(shared *sh, worker *ws, unsigned nt,
                             const mrv_progress *progress, mrv_diag *d)
{
    sh->npb = (sh->npilot + MRV_MC_BLOCK - 1) / MRV_MC_BLOCK;
    if (sh->perm) run_phase(sh, make_perm, 0, sh->p->ninputs);
    if (progress && progress->fn) sh->progress = progress;
    sh->nonblock = sh->block0 = 0;
    run_phase(sh, run_block, 0, sh->npb);
    sh->progress = NULL;
    sh->failed = any_failed(sh, ws, nt);
    bool sens = !sh->failed; /* else the run fails: no sensitivity */
    size_t nrank = sens_columns(sh);
    run_phase(sh, place_or_rank, 0, sh->ncols + nrank);
    free_pilot(sh); /* ranked: the sensitivity keeps what it needs */
    sh->npair_items = nrank ? mrv__sens_pair_items(sh->sens) : 0;
    sh->failed = any_failed(sh, ws, nt);
    /* After a failure the rest only counts the checks, for the report
    ** (how many draws failed, and the first). */
    if (progress && progress->fn) sh->progress = progress;
    sh->nonblock = sh->npair_items;
    sh->block0 = sh->npb;
    run_phase(sh, pairs_or_block, 0, sh->npair_items + sh->nblocks - sh->npb);
    if (sh->progress) progress->fn(progress->ud, sh->ndraws, sh->ndraws);
    sh->progress = NULL;
    mrv_status st = sens ? sens_finish(sh) : MRV_OK;
    if (st == MRV_OK) st = report_checks(sh, ws, nt, d);
    if (st != MRV_OK) return st;
    run_phase(sh, finish_column, 0, sh->ncols);
    for (unsigned t = 0; t < nt; t++)
        if (ws[t].st != MRV_OK) return ws[t].st;
    st = hunt(sh, &ws[0]);
    if (st == MRV_OK) st = check_summaries(sh, d);
    return st;
}

mrv_status mrv_mc_run(mrv_run *run, unsigned threads,
                      const mrv_progress *progress, mrv_diag *d)
{
    const mrv_program *p = run->program;
    shared sh = {0};
    sh.run = run;
    sh.p = p;
    sh.ndraws = run->draws;
    sh.nblocks = (run->draws + MRV_MC_BLOCK - 1) / MRV_MC_BLOCK;
    sh.nstd = (run->nvint + 1) * MRV_NRESULTS;
    sh.ncols = sh.nstd + (run->bound->meth->removals ? run->nvint : 0);
    sh.tune.sds = run->bracket_sds;
    sh.tune.slack = run->bracket_slack;
    if (run->draws == 0) return MRV_EINTERNAL;
    if (run->draws == 1) /* a library caller's or a report's setting */
        return mrv_error(d, run->bound->project->mc.pos, MRV_EDOMAIN,
                         "1 draw: %s", MRV_ONE_DRAW_WHY);
    mrv_status st = MRV_OK;
    unsigned nt = thread_count(threads);
    worker *ws = NULL;

    mrv_zig_init(&sh.zig);
    sh.samp = calloc(p->ninputs + 1, sizeof *sh.samp);
    sh.key = calloc(p->ninputs + 1, sizeof *sh.key);
    sh.live = calloc(p->ninputs + 1, sizeof *sh.live);
    sh.zero = calloc(sh.nstd, sizeof *sh.zero);
    if (!sh.samp || !sh.key || !sh.live || !sh.zero) {
        st = MRV_ENOMEM;
        goto out;
    }
    mrv__mc_mark_live(p, sh.live);
    mark_zero(p, sh.zero);
    st = make_columns(&sh);
    if (st == MRV_OK) st = plan_sens(&sh);
    sh.npilot = pilot_len(&sh, run->draws);
    if (st == MRV_OK) st = check_memory(&sh, &nt, d);
    /* The threads start now, to be awake when the work is set up; with
    ** no pool (no memory for it) the phases run on this thread alone,
    ** to the same results. */
    if (st == MRV_OK && nt > 1) sh.pool = mrv__pool_new(nt);
    if (st == MRV_OK) st = setup_samplers(run, &sh, d);
    if (st == MRV_OK) st = keep_alloc(&sh);
    if (st == MRV_OK && run->method == MRV_SAMPLE_LHS) st = make_perms(&sh);
    if (st == MRV_OK) st = make_pilot(&sh);
    if (st == MRV_OK && sh.sens) st = mrv__sens_alloc(sh.sens);
    if (st == MRV_OK) {
        st = new_workers(&sh, nt, &ws);
        sh.workers = ws;
        sh.nworkers = nt;
    }
    if (st == MRV_EINTERNAL)
        st = mrv_error(d, run->bound->project->mc.pos, MRV_EINTERNAL,
                       "GSL's taus2 generator does not have the state "
                       "layout mrv seeds (three unsigned longs)");
    if (st == MRV_OK) st = run_phases(&sh, ws, nt, progress, d);
    mrv__pool_free(sh.pool);
    sh.pool = NULL;
    if (st == MRV_OK) st = propagate(&sh, d);

out:
    mrv__pool_free(sh.pool);
    free_workers(ws, nt, sh.ncols);
    free_pilot(&sh);
    mrv__sens_plan_free(sh.sens);
    if (sh.perm)
        for (size_t k = 0; k < p->ninputs; k++) free(sh.perm[k]);
    free(sh.perm);
    for (size_t c = 0; sh.col && c < sh.ncols; c++)
        mrv__colstats_free(sh.col[c].cs);
    free(sh.col);
    free(sh.tslot);
    free(sh.tscale);
    free(sh.tzero);
    free(sh.samp);
    free(sh.key);
    free(sh.live);
    free(sh.zero);
    if (st != MRV_OK) {
        free(run->reduction_draws);
        free(run->all_draws);
        run->reduction_draws = run->all_draws = NULL;
    }
    return st;
}
