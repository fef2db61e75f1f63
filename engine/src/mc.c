/*
** mc.c -- Monte Carlo: seeds, one stream per input per block, threads.
**
** mrv_mc_run sets up one sampler per uncertain input of the lowered
** program (dist.h), then runs three phases on a small pool of threads,
** each phase a list of independent items taken from an atomic counter:
**
**   1. (Latin hypercube only) per input, a random permutation of the
**      strata 0..draws-1;
**   2. per block of MRV_MC_BLOCK draws, fill every input column, run the
**      VM and write the results into run->samples;
**   3. per result column, the statistics (stats.h).
**
** Then IPCC Approach 1 (propagate.h) is set beside them.
**
** Reproducibility: an item's output depends on its index only, never on
** which thread ran it or when: block b of input k is drawn from a taus2
** generator whose state is a hash of (seed, stream id of k, b) and which
** nothing else touches; a column is summarised alone.  Hence bit-identical
** results for every thread count, and stream independence: a new input
** has a new stream id and leaves every other input's draws alone.
**
** Speed (measured with make bench): the VM runs a full
** block in its vectorised form (eval.h); triangular and uniform inputs
** and the Latin hypercube jitter take their uniforms from the taus2 step
** inlined (mc_int.h, bit for bit gsl_rng_uniform_pos) rather than through
** the generator's function pointer; inputs no instruction reads are not
** drawn; results that are the constant 0 (most leakage) are neither
** written (the samples are calloc'd) nor summarised.
**
** Owns, for the duration of the call: the samplers, the stream keys, the
** permutations and each worker's slot buffer, generator, check counters
** and stats workspace.  run->samples is allocated here and owned by the
** run.  No allocation happens inside a phase's loop over items except the
** stats workspace, made once per worker on its first column.
*/
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_rng.h>

#include "dist.h"
#include "eval.h"
#include "mc.h"
#include "mc_int.h"
#include "nonfinite.h"
#include "propagate.h"

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

struct shared {
    mrv_run *run;
    const mrv_program *p;
    mrv_sampler *samp; /* per input */
    bool *live;        /* per input: read by the program */
    bool *zero;        /* per column: +0 in every draw (a result
                       ** lowered to the constant 0, like most
                       ** leakage): never written, the samples
                       ** being calloc'd, and not summarised */
    uint64_t *key;     /* per input: its stream key */
    uint32_t **perm;   /* LHS: per input, the stratum of each draw */
    mrv_zig zig;       /* the normal sampler's tables */
    uint64_t ndraws, nblocks;
    size_t ncols; /* (nvint + 1) * MRV_NRESULTS */
    item_fn fn;
    uint64_t nitems;
    atomic_uint_fast64_t next;
    /* Progress of the phase that runs blocks: items finished, told by
    ** the calling thread (worker 'caller') after each of its items. */
    const mrv_progress *progress; /* NULL outside that phase */
    atomic_uint_fast64_t finished;
    const struct worker *caller;
};

struct worker {
    shared *sh;
    gsl_rng *rng;
    double *slots;         /* nslots x MRV_MC_BLOCK */
    uint64_t *bad, *first; /* per check: count, first failing draw */
    uint64_t overflow;     /* first draw whose results overflowed, or
                           ** UINT64_MAX */
    mrv_stats_ws *ws;      /* made on the first column */
    mrv_status st;
    pthread_t tid;
    bool started;
};

static void *worker_main(void *arg)
{
    worker *w = arg;
    shared *sh = w->sh;
    for (;;) {
        uint64_t it = atomic_fetch_add(&sh->next, 1);
        if (it >= sh->nitems) break;
        sh->fn(w, it);
        if (!sh->progress) continue;
        uint64_t done = atomic_fetch_add(&sh->finished, 1) + 1;
        if (w == sh->caller) {
            uint64_t draws = done * MRV_MC_BLOCK;
            sh->progress->fn(sh->progress->ud,
                             draws < sh->ndraws ? draws : sh->ndraws,
                             sh->ndraws);
        }
    }
    return NULL;
}

/* Runs sh->fn over items 0..nitems-1 on the workers; the calling thread
** is worker 0.  A thread that cannot be started just leaves its share to
** the others: the results do not depend on who runs what. */
static void run_phase(shared *sh, worker *ws, unsigned nt, item_fn fn,
                      uint64_t nitems)
{
    sh->fn = fn;
    sh->nitems = nitems;
    sh->caller = &ws[0];
    atomic_store(&sh->next, 0);
    atomic_store(&sh->finished, 0);
    for (unsigned t = 1; t < nt && (uint64_t)t < nitems; t++)
        ws[t].started =
            pthread_create(&ws[t].tid, NULL, worker_main, &ws[t]) == 0;
    worker_main(&ws[0]);
    for (unsigned t = 1; t < nt; t++) {
        if (ws[t].started) pthread_join(ws[t].tid, NULL);
        ws[t].started = false;
    }
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
                         uint64_t blk, gsl_rng *r, double *col, size_t n)
{
    uint32_t st[3];
    mrv__mc_block_state(key, blk, st);
    if (mrv_sampler_by_uniform(s)) {
        /* The uniforms mrv_sampler_fill would draw from the generator,
        ** drawn inline (about three times as fast), then the same
        ** transformation: the same values. */
        for (size_t i = 0; i < n; i++) col[i] = mrv__taus2_uniform_pos(st);
        mrv_sampler_from_uniforms(s, col, n);
        return;
    }
    if (mrv_sampler_by_zig(s)) {
        /* Normal and lognormal: the ziggurat on the inline stream. */
        for (size_t i = 0; i < n; i++) col[i] = mrv__zig_normal(zig, st);
        double mu = s->mu, sigma = s->sigma;
        if (s->dist == MRV_DIST_LOGNORMAL)
            for (size_t i = 0; i < n; i++) col[i] = exp(mu + sigma * col[i]);
        else
            for (size_t i = 0; i < n; i++) col[i] = mu + sigma * col[i];
        return;
    }
    mrv__mc_seed(r, key, blk);
    mrv_sampler_fill(s, r, col, n);
}

/* Fills the input columns of block 'blk' (n draws) into 'slots'. */
static void fill_inputs(const shared *sh, gsl_rng *r, double *slots,
                        uint64_t blk, size_t n)
{
    const mrv_program *p = sh->p;
    uint64_t i0 = blk * MRV_MC_BLOCK;
    double nd = (double)sh->ndraws;
    for (size_t k = 0; k < p->ninputs; k++) {
        if (!sh->live[k]) continue;
        double *col = slots + k * MRV_MC_BLOCK;
        const mrv_sampler *s = &sh->samp[k];
        if (!sh->perm) {
            mrv__mc_fill_random(s, &sh->zig, sh->key[k], blk, r, col, n);
            continue;
        }
        /* Latin hypercube: draw i lies in stratum perm[i] of ndraws equal
        ** strata of probability, jittered uniformly inside it (the
        ** uniforms of gsl_rng_uniform_pos, drawn inline). */
        uint32_t st[3];
        mrv__mc_block_state(sh->key[k], blk, st);
        const uint32_t *pm = sh->perm[k] + i0;
        for (size_t i = 0; i < n; i++) {
            double u = ((double)pm[i] + mrv__taus2_uniform_pos(st)) / nd;
            /* (ndraws - 1 + U) / ndraws can round up to 1 for huge
            ** ndraws; keep u inside (0, 1). */
            if (!(u < 1)) u = nextafter(1.0, 0.0);
            col[i] = mrv_sampler_from_unit(s, u);
        }
    }
}

/* dst = src * sc and dst += src over n lanes.  Called with the constant
** MRV_MC_BLOCK for a full block, so that GCC knows the trip count and
** vectorises them at -O2 (restrict rules out overlap; see eval.c). */
static inline void scale_col(double *restrict dst, const double *restrict src,
                             double sc, size_t n)
{
    for (size_t i = 0; i < n; i++) dst[i] = src[i] * sc;
}

static inline void add_col(double *restrict dst, const double *restrict src,
                           size_t n)
{
    for (size_t i = 0; i < n; i++) dst[i] += src[i];
}

/* Phase 2: one block. */
static void run_block(worker *w, uint64_t blk)
{
    shared *sh = w->sh;
    const mrv_program *p = sh->p;
    uint64_t i0 = blk * MRV_MC_BLOCK, nd = sh->ndraws;
    size_t n = nd - i0 < MRV_MC_BLOCK ? (size_t)(nd - i0) : MRV_MC_BLOCK;
    fill_inputs(sh, w->rng, w->slots, blk, n);
    mrv_eval_run(p, w->slots, MRV_MC_BLOCK, n, i0, w->bad, w->first);

    size_t nv = p->nvint;
    bool full = n == MRV_MC_BLOCK;
    double *out = sh->run->samples;
    for (size_t r = 0; r < MRV_NRESULTS; r++) {
        if (sh->zero[nv * MRV_NRESULTS + r]) continue;
        double *tot = out + (nv * MRV_NRESULTS + r) * nd + i0;
        for (size_t v = 0; v < nv; v++) {
            size_t k = v * MRV_NRESULTS + r;
            /* The total is summed draw by draw, vintages in order, as
            ** the central case sums its vintages (docs/uncertainty.md).  A zero
            ** column adds +0, which changes only a -0 (to +0). */
            if (sh->zero[k]) {
                if (v == 0)
                    memset(tot, 0, n * sizeof *tot);
                else
                    for (size_t i = 0; i < n; i++) tot[i] += 0.0;
                continue;
            }
            const double *src =
                w->slots + (size_t)p->result_slot[k] * MRV_MC_BLOCK;
            double sc = p->result_scale[k];
            double *col = out + k * nd + i0;
            if (full)
                scale_col(col, src, sc, MRV_MC_BLOCK);
            else
                scale_col(col, src, sc, n);
            if (v == 0)
                memcpy(tot, col, n * sizeof *tot);
            else if (full)
                add_col(tot, col, MRV_MC_BLOCK);
            else
                add_col(tot, col, n);
        }
        /* Every equation is checked finite by the VM, but a scaled
        ** result or a sum of vintages can still overflow. */
        for (size_t i = 0; i < n; i++) {
            if (tot[i] - tot[i] != 0 && i0 + i < w->overflow) {
                w->overflow = i0 + i;
                break;
            }
        }
    }
}

/* Phase 3: one column's statistics. */
static void summarise(worker *w, uint64_t c)
{
    shared *sh = w->sh;
    if (w->st != MRV_OK) return;
    if (!w->ws && !(w->ws = mrv_stats_ws_new((size_t)sh->ndraws))) {
        w->st = MRV_ENOMEM;
        return;
    }
    mrv_run *run = sh->run;
    if (sh->zero[c]) {
        mrv_stat *s = &run->stats[c];
        s->mean = s->sd = s->lower = s->median = s->upper = 0;
        s->se_mean = s->lower_half = s->upper_half = 0;
        return;
    }
    mrv_status st =
        mrv_stats_column(run->samples + c * sh->ndraws, (size_t)sh->ndraws,
                         run->confidence, w->ws, &run->stats[c]);
    if (st != MRV_OK) w->st = st;
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

/* The memory of a run of n draws.  The draws of every result and the
** Latin hypercube strata live through the whole Monte Carlo, and each
** worker thread adds its block of slots and, for the statistics, a
** workspace the size of a column; after the workers are gone the ledger
** adds its per-draw scratch.  Every allocation that grows with the draws
** is counted. */
typedef struct memuse {
    uint64_t draws;  /* the draws and the strata */
    uint64_t worker; /* one worker: slots, checks, workspace */
    uint64_t ledger; /* the ledger's scratch */
} memuse;

static memuse memory_use(const shared *sh, uint64_t n)
{
    const mrv_program *p = sh->p;
    memuse m;
    uint64_t per_draw = (uint64_t)sh->ncols * sizeof(double);
    if (sh->run->method == MRV_SAMPLE_LHS)
        for (size_t k = 0; k < p->ninputs; k++)
            per_draw += sh->live[k] ? sizeof(uint32_t) : 0;
    m.draws = n * per_draw;
    m.worker = (uint64_t)(p->nslots + 1) * MRV_MC_BLOCK * sizeof(double) +
               (uint64_t)(p->nchecks + 1) * 2 * sizeof(uint64_t) +
               mrv_stats_ws_bytes((size_t)n);
    m.ledger =
        sh->run->bound->project->allocation ? n * MRV_LEDGER_DRAW_BYTES : 0;
    return m;
}

/* The peak of a run of n draws on one thread. */
static uint64_t peak_one(const shared *sh, uint64_t n)
{
    memuse m = memory_use(sh, n);
    uint64_t mc = m.draws + m.worker, after = n * sh->ncols * sizeof(double);
    return mc > after + m.ledger ? mc : after + m.ledger;
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
        uint64_t more = (cap - m.draws - m.worker) / m.worker;
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
                     "%llu draws of %d results over %zu vintages and the "
                     "total need %.1f GiB, more than the %llu GiB limit; use "
                     "at most %llu draws",
                     (unsigned long long)nd, MRV_NRESULTS, run->nvint,
                     (double)peak_one(sh, nd) / (double)(1u << 30),
                     (unsigned long long)(cap >> 30), (unsigned long long)lo);
}

/* After phase 2: the first failed check in check order (the earliest
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
        fill_inputs(sh, ws[0].rng, ws[0].slots, blk,
                    (size_t)(first % MRV_MC_BLOCK) + 1);
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

/* After phase 3: every summary must be a number.  The moments cannot
** overflow (stats.c scales them), but draws of -1e308 and 1e308 have an
** sd, and a spread, beyond the largest double: that is the input's doing
** and an error, never an inf or a null in a report. */
static mrv_status check_summaries(const shared *sh, mrv_diag *d)
{
    const mrv_run *run = sh->run;
    for (size_t c = 0; c < sh->ncols; c++) {
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

static mrv_status propagate(shared *sh)
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
    mrv_status st = mrv_propagate(p, in, sh->run->confidence, sh->run->stats);
    free(in);
    return st;
}

static void free_workers(worker *ws, unsigned nt)
{
    for (unsigned t = 0; ws && t < nt; t++) {
        gsl_rng_free(ws[t].rng);
        free(ws[t].slots);
        free(ws[t].bad);
        free(ws[t].first);
        mrv_stats_ws_free(ws[t].ws);
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
        w->bad = calloc(p->nchecks + 1, sizeof *w->bad);
        w->first = malloc((p->nchecks + 1) * sizeof *w->first);
        if (!w->rng || !w->slots || !w->bad || !w->first)
            return w->slots && w->bad && w->first ? MRV_EINTERNAL : MRV_ENOMEM;
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

mrv_status mrv_mc_run(mrv_run *run, unsigned threads,
                      const mrv_progress *progress, mrv_diag *d)
{
    const mrv_program *p = run->program;
    shared sh = {0};
    sh.run = run;
    sh.p = p;
    sh.ndraws = run->draws;
    sh.nblocks = (run->draws + MRV_MC_BLOCK - 1) / MRV_MC_BLOCK;
    sh.ncols = (run->nvint + 1) * MRV_NRESULTS;
    if (run->draws == 0) return MRV_EINTERNAL;
    mrv_status st = MRV_OK;
    unsigned nt = thread_count(threads);

    mrv_zig_init(&sh.zig);
    sh.samp = calloc(p->ninputs + 1, sizeof *sh.samp);
    sh.key = calloc(p->ninputs + 1, sizeof *sh.key);
    sh.live = calloc(p->ninputs + 1, sizeof *sh.live);
    sh.zero = calloc(sh.ncols, sizeof *sh.zero);
    if (!sh.samp || !sh.key || !sh.live || !sh.zero) {
        st = MRV_ENOMEM;
        goto out;
    }
    mrv__mc_mark_live(p, sh.live);
    mark_zero(p, sh.zero);
    st = check_memory(&sh, &nt, d);
    if (st == MRV_OK) st = setup_samplers(run, &sh, d);
    if (st != MRV_OK) goto out;

    free(run->samples);
    /* calloc: the zero columns are never written.  A large calloc is
    ** fresh zero pages from the system, so it costs no more than malloc. */
    run->samples = calloc(sh.ncols * sh.ndraws, sizeof *run->samples);
    if (!run->samples) {
        st = MRV_ENOMEM;
        goto out;
    }
    if (run->method == MRV_SAMPLE_LHS) {
        sh.perm = calloc(p->ninputs + 1, sizeof *sh.perm);
        if (!sh.perm) {
            st = MRV_ENOMEM;
            goto out;
        }
        for (size_t k = 0; k < p->ninputs; k++) {
            if (!sh.live[k]) continue;
            sh.perm[k] = malloc(sh.ndraws * sizeof **sh.perm);
            if (!sh.perm[k]) {
                st = MRV_ENOMEM;
                goto out;
            }
        }
    }

    worker *ws = NULL;
    st = new_workers(&sh, nt, &ws);
    if (st == MRV_EINTERNAL)
        st = mrv_error(d, run->bound->project->mc.pos, MRV_EINTERNAL,
                       "GSL's taus2 generator does not have the state "
                       "layout mrv seeds (three unsigned longs)");
    if (st == MRV_OK) {
        if (sh.perm) run_phase(&sh, ws, nt, make_perm, p->ninputs);
        if (progress && progress->fn) sh.progress = progress;
        run_phase(&sh, ws, nt, run_block, sh.nblocks);
        if (sh.progress) progress->fn(progress->ud, sh.ndraws, sh.ndraws);
        sh.progress = NULL;
        st = report_checks(&sh, ws, nt, d);
    }
    if (st == MRV_OK) {
        run_phase(&sh, ws, nt, summarise, sh.ncols);
        for (unsigned t = 0; t < nt && st == MRV_OK; t++) st = ws[t].st;
        if (st == MRV_OK) st = check_summaries(&sh, d);
    }
    if (st == MRV_OK) st = propagate(&sh);
    free_workers(ws, nt);

out:
    if (sh.perm)
        for (size_t k = 0; k < p->ninputs; k++) free(sh.perm[k]);
    free(sh.perm);
    free(sh.samp);
    free(sh.key);
    free(sh.live);
    free(sh.zero);
    if (st != MRV_OK) {
        free(run->samples);
        run->samples = NULL;
    }
    return st;
}
