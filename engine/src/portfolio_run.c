/*
** portfolio_run.c -- one Monte Carlo across a portfolio's projects
** (portfolio_run.h, docs/portfolio.md).
**
** In order:
**
**   1. bind: the portfolio file, then every project's central case
**      (mrv_run_new, central only) and its agreement (its own, or the
**      one the portfolio assumes, read with the project's period);
**   2. key: a stream id for every uncertain input of every project
**      (the header says how), and the table of what is shared;
**   3. check what needs the projects: targets, keep shares, NDCs, the
**      shared groups and the AEF section against the flows of units;
**   4. ledgers: each project's, from its central case, or, when its
**      conservativeness rule or basis reads the spread of the draws,
**      from all of its draws (evaluated, or read from its shard);
**   5. draws: block by block on a few threads, every project's block of
**      reductions allocated draw by draw (mrv_ledger_draw) and added
**      into the Parties' columns; each block writes its own draws'
**      slots, so nothing depends on which thread ran it;
**   6. statistics of the columns, targets, shares and adjustments.
**
** Exactness: units are whole tonnes (int64_t) everywhere; the sums over
** draws behind the risk shares are exact in 128-bit integers, added per
** worker and merged in any order (integer addition is associative), and
** turned into doubles once.  So the same seed gives the same bytes on
** any number of threads, and from shards.
**
** Owns (through mrv_pf_run) every project's run, the columns while the
** draws run, and the result arrays in its arena.
*/
#include <errno.h>
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "colstats.h"
#include "drawfile.h"
#include "mc.h"
#include "mcblock.h"
#include "pool.h"
#include "portfolio_cols.h"
#include "portfolio_keys.h"
#include "portfolio_run.h"
#include "run.h"
#include "schema.h"
#include "sha256.h"
#include "stats.h"

#ifndef MRV_VERSION_STRING
#define MRV_VERSION_STRING "0.0.0"
#endif

#define BLK MRV_MC_BLOCK
_Static_assert(MRV_DRAWFILE_BLOCK == MRV_MC_BLOCK,
               "a shard's blocks are the Monte Carlo's blocks");

/* ---- small helpers ----------------------------------------------------- */

static mrv_srcpos nowhere(void)
{
    mrv_srcpos p = {NULL, 0, 0};
    return p;
}

/* The party entry for 'code', added when new. */
static mrv_pf_party_out *party_add(mrv_pf_run *r, const char *code)
{
    size_t i = mrv__pf_party_index(r, code);
    if (i != SIZE_MAX) return &r->parties[i];
    mrv_pf_party_out *p = &r->parties[r->nparties++];
    p->code = code;
    p->spec = mrv_portfolio_party(r->pf, code);
    p->p_keep = (double)NAN;
    p->p_target = (double)NAN;
    return p;
}

static unsigned thread_count(unsigned threads)
{
    if (threads == 0) {
        long nc = sysconf(_SC_NPROCESSORS_ONLN);
        threads = nc > 0 ? (unsigned)nc : 1;
    }
    return threads > MRV_MC_MAX_THREADS ? MRV_MC_MAX_THREADS : threads;
}

/* ---- rounds of items 0..n-1 from an atomic counter, on pool.h's threads */

typedef struct pool pool;
typedef void (*pool_fn)(pool *pl, unsigned t, uint64_t item);
struct pool {
    mrv__pool *threads; /* NULL: the calling thread alone */
    pool_fn fn;
    void *ud;
    uint64_t n;
    atomic_uint_fast64_t next;
    /* Items are blocks of 'draws' draws: 'progress' (NULL: nobody) is
    ** told after each one the calling thread finishes, as mc.h says. */
    const mrv_progress *progress;
    uint64_t draws;
    atomic_uint_fast64_t finished;
};

static void pool_items(void *arg, unsigned t)
{
    pool *pl = arg;
    for (;;) {
        uint64_t it = atomic_fetch_add(&pl->next, 1);
        if (it >= pl->n) break;
        pl->fn(pl, t, it);
        const mrv_progress *pg = pl->progress;
        if (!pg) continue;
        uint64_t done = (atomic_fetch_add(&pl->finished, 1) + 1) * BLK;
        if (t == 0)
            pg->fn(pg->ud, done < pl->draws ? done : pl->draws, pl->draws);
    }
}

/* Runs fn over the items on the pool's threads (the caller is thread 0);
** a thread that could not start leaves its share to the others. */
static void pool_run(pool *pl, pool_fn fn, uint64_t n)
{
    pl->fn = fn;
    pl->n = n;
    atomic_store(&pl->next, 0);
    atomic_store(&pl->finished, 0);
    mrv__pool_run(pl->threads, pool_items, pl);
    if (pl->progress) pl->progress->fn(pl->progress->ud, pl->draws, pl->draws);
}

/* ---- 1. bind ----------------------------------------------------------- */

void mrv_pf_run_free(mrv_pf_run *r)
{
    if (!r) return;
    for (size_t i = 0; i < r->nprojects; i++) mrv_run_free(r->projects[i].run);
    mrv_arena_free(r->arena);
    free(r);
}

/* The run options a project of the portfolio is bound with: its central
** case only (the portfolio draws), or, for 'mrv check', nothing
** evaluated at all. */
static mrv_options project_options(const mrv_pf_options *opt, bool lower_only)
{
    mrv_options o;
    memset(&o, 0, sizeof o);
    o.search = opt->search;
    o.central_only = true;
    o.lower_only = lower_only;
    return o;
}

/* A project's input files by their digests, role by role, for the
** shard header: a shard must have been made from the same files.  Each
** file's SHA-256 is read from its hex, which every file has (a data
** file has no YAML document). */
static void inputs_digest(const mrv_bound *b, unsigned char out[32])
{
    mrv_sha256 c;
    mrv_sha256_init(&c);
    for (size_t k = 0; k < b->nfiles; k++) {
        const char *hex = b->files[k].sha256_hex;
        unsigned char raw[32];
        for (int j = 0; j < 32; j++) {
            unsigned v = 0;
            sscanf(hex + 2 * j, "%2x", &v);
            raw[j] = (unsigned char)v;
        }
        mrv_sha256_update(&c, b->files[k].role, strlen(b->files[k].role) + 1);
        mrv_sha256_update(&c, raw, 32);
    }
    mrv_sha256_final(&c, out);
}

static mrv_status bind_project(mrv_pf_run *r, size_t i,
                               const mrv_pf_options *opt, bool lower_only,
                               mrv_diag *d)
{
    mrv_pf_project *P = &r->projects[i];
    const mrv_pf_entry *e = &r->pf->entries[i];
    P->entry = e;
    mrv_options o = project_options(opt, lower_only);
    mrv_status st = mrv_run_new(e->path, &o, &P->run, d);
    if (st != MRV_OK) {
        mrv_note(d, e->node->pos, "in project '%s' of the portfolio", e->ref);
        return st;
    }
    const mrv_bound *b = P->run->bound;
    P->id = b->project->id;
    for (size_t j = 0; j < i; j++) {
        if (r->projects[j].id && strcmp(r->projects[j].id, P->id) == 0) {
            mrv_error(d, e->node->pos, MRV_ESCHEMA,
                      "project '%s' is in the portfolio twice", P->id);
            mrv_note(d, r->projects[j].entry->node->pos,
                     "it is first listed here");
            return MRV_ESCHEMA;
        }
    }
    if (e->allocation) {
        const mrv_ynode *host = mrv_ymap_get(b->project->doc->root, "host");
        st = mrv_allocation_load(e->allocation, b->first, b->nvint, host,
                                 r->arena, &P->al, d);
        if (st != MRV_OK) return st;
        const char *from;
        const mrv_rule_spec *rule =
            mrv_project_rule(b->project, b->meth, &from);
        size_t errs = mrv_diag_error_count(d);
        mrv_allocation_check_rule(P->al, rule, from, d);
        if (mrv_diag_error_count(d) > errs) return MRV_ESCHEMA;
        P->assumed = true;
    } else {
        P->al = b->project->allocation;
    }
    if (!P->al)
        return mrv_error(d, e->node->pos, MRV_ESCHEMA,
                         "project '%s' has no 'allocation', so no units go "
                         "to any buyer: give the agreement the portfolio "
                         "assumes as {project: %s, allocation: {...}}",
                         P->id, e->ref);
    P->host = P->al->agr.host;
    P->buyer = P->al->agr.buyer;
    /* The project's input files, by their digests: a shard must have been
    ** made from the same files. */
    inputs_digest(b, P->inputs_sha);
    return MRV_OK;
}

/* ---- 3. checks that need the projects ---------------------------------- */

static const mrv_ynode *al_node(const mrv_pf_project *P)
{
    return P->al->node;
}

/* The Parties of the flows, their roles and what the portfolio says of
** them, checked. */
static mrv_status parties(mrv_pf_run *r, mrv_diag *d)
{
    const mrv_portfolio *pf = r->pf;
    size_t cap = 2 * r->nprojects + pf->nparties + 1;
    r->parties = mrv_arena_array(r->arena, cap, sizeof *r->parties);
    if (!r->parties) return MRV_ENOMEM;
    for (size_t i = 0; i < r->nprojects; i++) {
        mrv_pf_project *P = &r->projects[i];
        party_add(r, P->buyer)->buyer = true;
        party_add(r, P->host)->host = true;
    }
    size_t errs = mrv_diag_error_count(d);
    for (size_t i = 0; i < pf->nparties; i++) {
        const mrv_pf_party *sp = &pf->parties[i];
        size_t k = mrv__pf_party_index(r, sp->code);
        const mrv_pf_party_out *o = k == SIZE_MAX ? NULL : &r->parties[k];
        if (sp->target.node && (!o || !o->buyer))
            mrv_error(d, sp->node->pos, MRV_EREF,
                      "%s has a target, but no project of the portfolio "
                      "delivers to it",
                      sp->code);
        if (sp->keep_node && (!o || !o->host))
            mrv_error(d, sp->keep_node->pos, MRV_EREF,
                      "%s must keep a share of its projects' units, but no "
                      "project of the portfolio is hosted by it",
                      sp->code);
        if (sp->ndc.node && !o)
            mrv_error(d, sp->node->pos, MRV_EREF,
                      "%s has an NDC, but takes part in no project of the "
                      "portfolio",
                      sp->code);
    }
    for (size_t k = 0; k < r->nparties; k++) {
        mrv_pf_party_out *o = &r->parties[k];
        if (!o->buyer) continue;
        const mrv_pf_target *t = o->spec ? &o->spec->target : NULL;
        o->has_target = t && t->set;
        o->count = o->has_target ? t->count : MRV_COUNT_USE;
        bool all = true;
        for (size_t i = 0; i < r->nprojects; i++) {
            const mrv_pf_project *P = &r->projects[i];
            if (strcmp(P->buyer, o->code) != 0 ||
                mrv__pf_has_count_year(P->al, o->count))
                continue;
            all = false;
            if (!o->has_target) continue;
            mrv_error(d, (t->count_node ? t->count_node : t->node)->pos,
                      MRV_EREF,
                      "%s counts its units by the year of their %s, but the "
                      "agreement of project '%s' gives no such year "
                      "('years' and 'first_transfer'); count: vintage needs "
                      "none",
                      o->code, mrv_pf_count_names[o->count], P->id);
            mrv_note(d, al_node(P)->pos, "the agreement of '%s'", P->id);
        }
        /* Without a target, units are shown by the year they are used
        ** where every agreement says it, else by vintage. */
        if (!o->has_target && !all) o->count = MRV_COUNT_VINTAGE;
    }
    for (size_t i = 0; i < r->nprojects; i++) {
        const mrv_pf_project *P = &r->projects[i];
        if (P->al->ft != MRV_FT_NONE && P->al->years[MRV_EV_USE]) continue;
        mrv_warning(d, al_node(P)->pos,
                    "project '%s' has no first-transfer year or year of use: "
                    "the corresponding adjustments count its units by "
                    "vintage",
                    P->id);
    }
    return mrv_diag_error_count(d) > errs ? MRV_EREF : MRV_OK;
}

/* The AEF section against the flows: an approach for every host and
** buyer, a registry for every Party, an authorization and the years of
** the first transfer and use for every project. */
static mrv_status check_aef(mrv_pf_run *r, mrv_diag *d)
{
    const mrv_portfolio *pf = r->pf;
    if (!pf->has_aef) return MRV_OK;
    size_t errs = mrv_diag_error_count(d);
    const mrv_ynode *at = pf->aef_node;
    for (size_t i = 0; i < r->nprojects; i++) {
        const mrv_pf_project *P = &r->projects[i];
        bool found = false;
        for (size_t a = 0; a < pf->napproaches && !found; a++)
            found = strcmp(pf->approaches[a].host, P->host) == 0 &&
                    strcmp(pf->approaches[a].buyer, P->buyer) == 0;
        if (!found)
            mrv_error(d, at->pos, MRV_EREF,
                      "'aef' has no cooperative approach for host %s and "
                      "buyer %s (project '%s')",
                      P->host, P->buyer, P->id);
        if (!P->entry->authorization)
            mrv_error(d, P->entry->node->pos, MRV_EREF,
                      "the AEF needs project '%s''s authorization ID: write "
                      "it as {project: %s, authorization: ID}",
                      P->id, P->entry->ref);
        if (P->al->ft == MRV_FT_NONE || !P->al->years[MRV_EV_USE]) {
            mrv_error(d, al_node(P)->pos, MRV_EREF,
                      "the AEF reports each action in its year: project "
                      "'%s''s agreement needs 'first_transfer' and 'years' "
                      "(with use)",
                      P->id);
        }
    }
    for (size_t k = 0; k < r->nparties; k++) {
        bool found = false;
        for (size_t g = 0; g < pf->nregistries && !found; g++)
            found = strcmp(pf->registries[g].party, r->parties[k].code) == 0;
        if (!found)
            mrv_error(d, at->pos, MRV_EREF,
                      "'aef' has no registry for %s: give its Party ITMO "
                      "registry ID under registries (such as %s01)",
                      r->parties[k].code, r->parties[k].code);
    }
    return mrv_diag_error_count(d) > errs ? MRV_EREF : MRV_OK;
}

/* ---- 4. ledgers -------------------------------------------------------- */

/* Whether project P's ledger reads the spread of its draws. */
static bool ledger_reads_draws(const mrv_pf_project *P)
{
    const mrv_bound *b = P->run->bound;
    const char *from;
    const mrv_rule_spec *rule = mrv_project_rule(b->project, b->meth, &from);
    return (rule && rule->rule != MRV_RULE_NONE) ||
           P->al->basis != MRV_BASIS_CENTRAL;
}

/* Where a project's blocks come from: drawn here, or read from a shard. */
typedef struct source {
    mrv_mcblock *mb;
    mrv_drawfile *df;
} source;

typedef struct failure {
    bool set;
    size_t project;
    uint64_t blk;
    mrv_status st;
    char why[200];
} failure;

/* Keeps the earliest failure (by project, then block), so the error
** reported never depends on the threads. */
static void fail_at(failure *f, size_t project, uint64_t blk, mrv_status st,
                    const char *why)
{
    if (f->set &&
        (f->project < project || (f->project == project && f->blk <= blk)))
        return;
    f->set = true;
    f->project = project;
    f->blk = blk;
    f->st = st;
    snprintf(f->why, sizeof f->why, "%s", why ? why : "");
}

/* Block 'blk' of project i into red (stride BLK); false on failure. */
static bool fetch(const source *s, size_t i, mrv_mcblock_ws *ws, uint64_t blk,
                  double *red, size_t *n, failure *f)
{
    if (s->df) {
        char why[200];
        mrv_status st =
            mrv_drawfile_get(s->df, blk, red, BLK, n, why, sizeof why);
        if (st == MRV_OK) return true;
        fail_at(f, i, blk, st, why);
        return false;
    }
    if (mrv_mcblock_eval(s->mb, ws, blk, red, n)) return true;
    fail_at(f, i, blk, MRV_EDOMAIN, NULL);
    return false;
}

/* Reports a failure recorded by fetch, at the shard's name or at the
** formula. */
static mrv_status report_failure(const mrv_pf_run *r, const source *src,
                                 const failure *f, mrv_mcblock_ws *ws,
                                 mrv_diag *d)
{
    const source *s = &src[f->project];
    if (s->df) {
        mrv_srcpos at = {mrv_drawfile_path(s->df), 0, 0};
        return mrv_error(d, at, f->st, "%s", f->why);
    }
    mrv_status st = mrv_mcblock_report(s->mb, ws, d);
    mrv_note(d, r->projects[f->project].entry->node->pos,
             "in project '%s' of the portfolio", r->projects[f->project].id);
    return st;
}

typedef struct p1 {
    const mrv_pf_run *r;
    const source *src;
    size_t project;
    double *reductions; /* mrv_run.reduction_draws' layout */
    mrv_mcblock_ws **ws;
    double **red;
    failure *fail; /* per thread */
} p1;

static void p1_block(pool *pl, unsigned t, uint64_t blk)
{
    p1 *x = pl->ud;
    const mrv_run *run = x->r->projects[x->project].run;
    size_t n, nv = run->nvint;
    uint64_t nd = x->r->draws;
    if (!fetch(&x->src[x->project], x->project, x->ws[t], blk, x->red[t], &n,
               &x->fail[t]))
        return;
    for (size_t v = 0; v < nv; v++) {
        double *col = x->reductions + v * nd;
        memcpy(col + blk * BLK, x->red[t] + v * BLK, n * sizeof *col);
    }
}

/* The ledger of a project whose rule reads its draws: every draw of its
** reductions, their statistics (as mrv run takes them), the ledger on
** them. */
static mrv_status draws_ledger(mrv_pf_run *r, const source *src, size_t i,
                               pool *pl, unsigned nt, mrv_mcblock_ws **ws,
                               double **red, mrv_diag *d)
{
    mrv_pf_project *P = &r->projects[i];
    mrv_run *run = P->run;
    uint64_t nd = r->draws;
    double *reductions = calloc(run->nvint * nd, sizeof *reductions);
    failure fail[MRV_MC_MAX_THREADS];
    memset(fail, 0, sizeof fail);
    if (!reductions) return MRV_ENOMEM;
    p1 x = {r, src, i, reductions, ws, red, fail};
    pl->ud = &x;
    pool_run(pl, p1_block, (nd + BLK - 1) / BLK);
    failure first = {0};
    for (unsigned t = 0; t < nt; t++)
        if (fail[t].set)
            fail_at(&first, fail[t].project, fail[t].blk, fail[t].st,
                    fail[t].why);
    mrv_status st = MRV_OK;
    if (first.set) st = report_failure(r, src, &first, ws[0], d);
    const mrv_colstats_tuning tune = {run->bracket_sds, run->bracket_slack};
    for (size_t v = 0; st == MRV_OK && v < run->nvint; v++) {
        size_t k = v * MRV_NRESULTS + MRV_RES_REDUCTIONS;
        st = mrv__colstats_column(reductions + v * nd, (size_t)nd,
                                  run->confidence, &tune, &run->stats[k]);
    }
    if (st == MRV_OK) {
        run->draws = nd;
        run->seed = r->seed;
        run->reduction_draws = reductions;
        st = mrv_ledger_build_for(run, P->al, d);
        run->reduction_draws = NULL;
        run->draws = 0;
    }
    free(reductions);
    return st;
}

/* ---- 5. the draws ------------------------------------------------------ */

typedef struct mainpass {
    mrv_pf_run *r;
    const source *src;
    const mrv__pfcols *L;
    const mrv__pfmap *M;
    size_t ntp;    /* projects whose buyer has a target */
    size_t *tproj; /* [ntp]: their indices */
    int64_t *cols; /* [ncols * draws] */
    int64_t *vol;  /* per party: its target volume */
    /* per thread */
    mrv_mcblock_ws **ws;
    double **red;
    int64_t **issued, **cells, **colbuf, **contrib, **dsum;
    mrv__pfacc **mrv__pfacc;
    failure *fail;
    bool *overflow;
} mainpass;

static bool add_to(int64_t *x, int64_t y)
{
    return !__builtin_add_overflow(*x, y, x);
}

static void main_block(pool *pl, unsigned t, uint64_t blk)
{
    mainpass *x = pl->ud;
    mrv_pf_run *r = x->r;
    const mrv__pfcols *L = x->L;
    int64_t *cb = x->colbuf[t], *con = x->contrib[t], *ds = x->dsum[t];
    memset(cb, 0, L->ncols * BLK * sizeof *cb);
    memset(con, 0, (x->ntp + 1) * BLK * sizeof *con);
    size_t nb = 0;
    bool ok = true;
    for (size_t i = 0; i < r->nprojects; i++) {
        const mrv_pf_project *P = &r->projects[i];
        const mrv_ledger *l = P->run->ledger;
        const mrv__pfmap *m = &x->M[i];
        size_t n, nc = MRV_LEDGER_NCOLS(&l->agr), bcol = l->agr.nded + 1;
        if (!fetch(&x->src[i], i, x->ws[t], blk, x->red[t], &n, &x->fail[t])) {
            ok = false;
            continue;
        }
        nb = n;
        double redi[MRV_MAX_VINTAGES];
        int64_t *iss = x->issued[t], *cells = x->cells[t];
        for (size_t j = 0; j < n; j++) {
            for (size_t v = 0; v < m->nv; v++) redi[v] = x->red[t][v * BLK + j];
            ok &= mrv_ledger_draw(l, redi, iss, cells);
            int64_t itot = 0, ktot = 0, c = 0;
            for (size_t v = 0; v < m->nv; v++) {
                const int64_t *row = cells + v * nc;
                int64_t b = row[bcol];
                itot += iss[v];
                ktot += mrv_ledger_kept(l, row);
                if (!b) continue;
                ok &= add_to(&cb[m->deliv[v] * BLK + j], b);
                if (m->used[v] != SIZE_MAX)
                    ok &= add_to(&cb[m->used[v] * BLK + j], b);
                ok &= add_to(&cb[m->trans[v] * BLK + j], b);
                if (m->counted[v]) c += b;
            }
            ok &= add_to(&cb[m->issued * BLK + j], itot);
            ok &= add_to(&cb[m->kept * BLK + j], ktot);
            if (m->tslot != SIZE_MAX) con[m->tslot * BLK + j] = c;
        }
    }
    if (!ok) {
        if (!x->fail[t].set) x->overflow[t] = true;
        return;
    }
    /* The buyers' counted units per draw, then each project's sums. */
    memset(ds, 0, r->nparties * BLK * sizeof *ds);
    for (size_t q = 0; q < x->ntp; q++) {
        size_t bk = x->M[x->tproj[q]].target;
        for (size_t j = 0; j < nb; j++)
            ok &= add_to(&ds[bk * BLK + j], con[q * BLK + j]);
    }
    for (size_t q = 0; q < x->ntp && ok; q++) {
        size_t bk = x->M[x->tproj[q]].target;
        mrv__pfacc *a = &x->mrv__pfacc[t][x->tproj[q]];
        for (size_t j = 0; j < nb; j++) {
            int64_t c = con[q * BLK + j], D = ds[bk * BLK + j];
            /* Cap for exact 128-bit sums of products over 10^8 draws. */
            if (D > MRV_LEDGER_MAX_TONNES || c > MRV_LEDGER_MAX_TONNES) {
                ok = false;
                break;
            }
            a->sc += c;
            a->scc += (mrv__i128)c * c;
            a->scd += (mrv__i128)c * D;
            a->without += D - c >= x->vol[bk];
        }
    }
    if (!ok) {
        x->overflow[t] = true;
        return;
    }
    for (size_t k = 0; k < L->ncols; k++)
        memcpy(x->cols + k * r->draws + blk * BLK, cb + k * BLK,
               nb * sizeof *cb);
}

/* ---- the run ----------------------------------------------------------- */

/* The shard of project P in 'dir', checked against what this run would
** draw. */
static mrv_status open_shard(const mrv_pf_run *r, const mrv_pf_project *P,
                             const char *dir, bool keep_open, mrv_drawfile **df,
                             mrv_diag *d)
{
    char *path = mrv_arena_printf(r->arena, "%s/%s.mrvd", dir, P->id);
    if (!path) return MRV_ENOMEM;
    mrv_drawfile_head h;
    mrv_status st = mrv_drawfile_open(path, keep_open, &h, df, d);
    if (st != MRV_OK) return st;
    const mrv_bound *b = P->run->bound;
    mrv_srcpos at = {path, 0, 0};
    const char *what = NULL;
    char msg[200];
    if (strcmp(h.project, P->id) != 0)
        snprintf(msg, sizeof msg, "holds project '%s', not '%s'", h.project,
                 P->id),
            what = msg;
    else if (strcmp(h.engine, MRV_VERSION_STRING) != 0)
        snprintf(msg, sizeof msg, "was written by mrv %s, not %s", h.engine,
                 MRV_VERSION_STRING),
            what = msg;
    else if (h.seed != r->seed)
        snprintf(msg, sizeof msg,
                 "was drawn with seed %llu, and the portfolio runs with seed "
                 "%llu",
                 (unsigned long long)h.seed, (unsigned long long)r->seed),
            what = msg;
    else if (h.draws != r->draws)
        snprintf(msg, sizeof msg,
                 "holds %llu draws, and the portfolio runs %llu",
                 (unsigned long long)h.draws, (unsigned long long)r->draws),
            what = msg;
    else if (h.first != b->first || h.nvint != b->nvint || h.block != BLK)
        what = "holds other vintages than the project has";
    else if (memcmp(h.inputs_sha, P->inputs_sha, 32) != 0)
        what = "was made from other files (the project, its methodology or "
               "its factor tables have changed since)";
    else if (h.keying != P->keying)
        what = "was drawn under other keys (the portfolio's shared inputs, "
               "or the project's uncertain inputs, have changed since)";
    if (!what) return MRV_OK;
    mrv_drawfile_close(*df);
    *df = NULL;
    return mrv_error(d, at, MRV_EREF,
                     "this shard %s; write it again with mrv run %s "
                     "--portfolio %s --draws-out %s",
                     what, P->entry->path, r->path, path);
}

typedef struct workers {
    unsigned nt;
    mrv_mcblock_ws *ws[MRV_MC_MAX_THREADS];
    double *red[MRV_MC_MAX_THREADS];
} workers;

static void workers_free(workers *W)
{
    for (unsigned t = 0; t < W->nt; t++) {
        mrv_mcblock_ws_free(W->ws[t]);
        free(W->red[t]);
    }
}

static bool workers_new(workers *W, unsigned nt, size_t nslots, size_t nchecks,
                        size_t nv)
{
    W->nt = nt;
    bool ok = true;
    for (unsigned t = 0; t < nt; t++) {
        W->ws[t] = mrv_mcblock_ws_new(nslots, nchecks);
        W->red[t] = malloc((nv + 1) * BLK * sizeof *W->red[t]);
        ok &= W->ws[t] && W->red[t];
    }
    return ok;
}

static void sources_free(source *src, size_t n)
{
    for (size_t i = 0; src && i < n; i++) {
        mrv_mcblock_free(src[i].mb);
        mrv_drawfile_close(src[i].df);
    }
    free(src);
}

/* Where every project's blocks come from. */
static mrv_status sources_new(mrv_pf_run *r, const mrv_pf_options *opt,
                              source **out, mrv_diag *d)
{
    source *src = calloc(r->nprojects + 1, sizeof *src);
    *out = src;
    if (!src) return MRV_ENOMEM;
    mrv_status st = MRV_OK;
    /* Thousands of shards would need thousands of descriptors held open:
    ** past a few hundred, each block read opens its file again. */
    bool keep_open = r->nprojects <= 200;
    for (size_t i = 0; i < r->nprojects; i++) {
        const mrv_pf_project *P = &r->projects[i];
        mrv_status s =
            opt->draws_from
                ? open_shard(r, P, opt->draws_from, keep_open, &src[i].df, d)
                : mrv_mcblock_new(P->run, r->seed, r->draws, P->streams,
                                  &src[i].mb, d);
        if (s != MRV_OK && st == MRV_OK) st = s;
    }
    return st;
}

/* Refuses a run whose per-draw columns would not fit. */
/* The bytes one worker thread takes: a block of the largest program's
** slots and reductions, the allocation's scratch, a block of every
** column and of every project's units towards a target, and the exact
** sums per project. */
static uint64_t worker_bytes(const mrv_pf_run *r, const mrv__pfcols *L)
{
    uint64_t ns = 0, nv = 0;
    for (size_t i = 0; i < r->nprojects; i++) {
        const mrv_program *p = r->projects[i].run->program;
        if (p->nslots + p->nchecks > ns) ns = p->nslots + p->nchecks;
        if (p->nvint > nv) nv = p->nvint;
    }
    return (ns + 1 + nv + 1) * BLK * sizeof(double) +
           (L->ncols + r->nprojects + r->nparties + 3) * BLK * sizeof(int64_t) +
           (r->nprojects + 1) * sizeof(mrv__pfacc);
}

/* Refuses a run whose draws would not fit in MRV_MC_MAX_BYTES with one
** worker thread, and lowers *threads to as many workers as fit (so
** neither the refusal nor the results depend on the threads asked for).
** Per draw: the Parties' columns and, while the ledger of the largest
** project whose rule reads its draws is built, that project's draws of
** every result (the run's layout) and their statistics' workspace. */
static mrv_status check_memory(const mrv_pf_run *r, const mrv__pfcols *L,
                               unsigned *threads, mrv_diag *d)
{
    uint64_t rule = 0;
    for (size_t i = 0; i < r->nprojects; i++) {
        const mrv_pf_project *P = &r->projects[i];
        uint64_t b = ((uint64_t)P->run->nvint + 1) * MRV_NRESULTS + 2;
        if (ledger_reads_draws(P) && b > rule) rule = b;
    }
    uint64_t per = (uint64_t)(L->ncols + 1 + rule) * sizeof(int64_t);
    uint64_t one = worker_bytes(r, L), need = r->draws * per;
    if (r->draws && need + one <= MRV_MC_MAX_BYTES) {
        uint64_t more = (MRV_MC_MAX_BYTES - need - one) / one;
        if (*threads > 1 + more) *threads = (unsigned)(1 + more);
        return MRV_OK;
    }
    if (!r->draws && one <= MRV_MC_MAX_BYTES) return MRV_OK;
    mrv_srcpos at = r->pf->mc_node ? r->pf->mc_node->pos : nowhere();
    uint64_t fit = one < MRV_MC_MAX_BYTES ? (MRV_MC_MAX_BYTES - one) / per : 0;
    return mrv_error(d, at, MRV_EDOMAIN,
                     "%llu draws need %.1f GiB (the Parties' %zu per-draw "
                     "columns%s), more than the %llu GiB limit; use at most "
                     "%llu draws",
                     (unsigned long long)r->draws,
                     (double)(need + one) / (double)(1u << 30), L->ncols,
                     rule ? ", and every draw of a project whose ledger reads "
                            "them"
                          : "",
                     (unsigned long long)(MRV_MC_MAX_BYTES >> 30),
                     (unsigned long long)fit);
}

/* Binds, keys and checks: everything before a draw.  'lower_only':
** the projects are bound and lowered, not evaluated ('mrv check'). */
static mrv_status prepare(mrv_pf_run *r, const char *path,
                          const mrv_pf_options *opt, bool lower_only,
                          mrv_diag *d)
{
    /* The sink may hold other files' errors ('mrv check A B'). */
    size_t errs = mrv_diag_error_count(d);
    mrv_status st = mrv_portfolio_load(path, opt->project_dirs,
                                       opt->nproject_dirs, r->arena, &r->pf, d);
    if (st != MRV_OK) return st;
    const mrv_portfolio *pf = r->pf;
    r->path = mrv_arena_strdup(r->arena, path);
    r->draws = opt->draws_set ? opt->draws : pf->draws;
    if (r->draws == 1) /* a library caller's setting */
        return mrv_error(d, pf->mc_node ? pf->mc_node->pos : nowhere(),
                         MRV_EDOMAIN, "1 draw: %s", MRV_ONE_DRAW_WHY);
    r->seed = opt->seed_set ? opt->seed : pf->seed;
    r->confidence = pf->confidence;
    r->search = opt->search;
    r->projects = mrv_arena_array(r->arena, pf->nentries, sizeof *r->projects);
    if (!r->path || !r->projects) return MRV_ENOMEM;
    r->nprojects = pf->nentries;
    for (size_t i = 0; i < r->nprojects; i++) {
        mrv_status s = bind_project(r, i, opt, lower_only, d);
        if (s != MRV_OK && st == MRV_OK) st = s;
        if (s == MRV_ENOMEM) return s;
    }
    if (st != MRV_OK) return st;
    st = mrv__pf_keys(r, d);
    if (st == MRV_OK) st = parties(r, d);
    if (st == MRV_OK) st = check_aef(r, d);
    if (st == MRV_OK && mrv_diag_error_count(d) > errs) st = mrv_diag_status(d);
    return st;
}

static mrv_status run_draws(mrv_pf_run *r, const mrv_pf_options *opt,
                            const mrv__pfcols *L, const mrv__pfmap *M,
                            source *src, workers *W, pool *pl, mrv_diag *d)
{
    uint64_t n = r->draws;
    unsigned nt = W->nt;
    size_t maxnv = 0, maxnc = 0;
    for (size_t i = 0; i < r->nprojects; i++) {
        const mrv_ledger *l = r->projects[i].run->ledger;
        if (M[i].nv > maxnv) maxnv = M[i].nv;
        if (MRV_LEDGER_NCOLS(&l->agr) > maxnc)
            maxnc = MRV_LEDGER_NCOLS(&l->agr);
    }
    mainpass x;
    memset(&x, 0, sizeof x);
    x.r = r;
    x.src = src;
    x.L = L;
    x.M = M;
    x.ws = W->ws;
    x.red = W->red;
    x.tproj = calloc(r->nprojects + 1, sizeof *x.tproj);
    x.vol = calloc(r->nparties + 1, sizeof *x.vol);
    x.cols = calloc(L->ncols * n + 1, sizeof *x.cols);
    void *tv[8][MRV_MC_MAX_THREADS];
    memset(tv, 0, sizeof tv);
    x.issued = (int64_t **)tv[0];
    x.cells = (int64_t **)tv[1];
    x.colbuf = (int64_t **)tv[2];
    x.contrib = (int64_t **)tv[3];
    x.dsum = (int64_t **)tv[4];
    x.mrv__pfacc = (mrv__pfacc **)tv[5];
    failure fail[MRV_MC_MAX_THREADS];
    bool overflow[MRV_MC_MAX_THREADS];
    memset(fail, 0, sizeof fail);
    memset(overflow, 0, sizeof overflow);
    x.fail = fail;
    x.overflow = overflow;
    mrv_status st = MRV_OK;
    if (!x.tproj || !x.vol || !x.cols) st = MRV_ENOMEM;
    for (size_t i = 0; st == MRV_OK && i < r->nprojects; i++)
        if (M[i].tslot != SIZE_MAX) x.tproj[x.ntp++] = i;
    for (size_t k = 0; st == MRV_OK && k < r->nparties; k++)
        if (r->parties[k].has_target)
            x.vol[k] = r->parties[k].spec->target.volume;
    for (unsigned t = 0; st == MRV_OK && t < nt; t++) {
        x.issued[t] = malloc((maxnv + 1) * sizeof(int64_t));
        x.cells[t] = malloc((maxnv * maxnc + 1) * sizeof(int64_t));
        x.colbuf[t] = malloc((L->ncols + 1) * BLK * sizeof(int64_t));
        x.contrib[t] = malloc((x.ntp + 1) * BLK * sizeof(int64_t));
        x.dsum[t] = malloc((r->nparties + 1) * BLK * sizeof(int64_t));
        x.mrv__pfacc[t] = calloc(r->nprojects + 1, sizeof(mrv__pfacc));
        if (!x.issued[t] || !x.cells[t] || !x.colbuf[t] || !x.contrib[t] ||
            !x.dsum[t] || !x.mrv__pfacc[t])
            st = MRV_ENOMEM;
    }
    if (st == MRV_OK) {
        pl->ud = &x;
        pl->progress = opt->progress.fn ? &opt->progress : NULL;
        pl->draws = n;
        pool_run(pl, main_block, (n + BLK - 1) / BLK);
        pl->progress = NULL;
        failure first = {0};
        bool over = false;
        for (unsigned t = 0; t < nt; t++) {
            if (fail[t].set)
                fail_at(&first, fail[t].project, fail[t].blk, fail[t].st,
                        fail[t].why);
            over |= overflow[t];
        }
        if (first.set)
            st = report_failure(r, src, &first, W->ws[0], d);
        else if (over)
            st = mrv_error(d, r->pf->mc_node ? r->pf->mc_node->pos : nowhere(),
                           MRV_EDOMAIN,
                           "a draw passes 10^15 t: a project's vintage, or "
                           "a Party's units in all");
    }
    mrv__pfacc *sums = calloc(r->nprojects + 1, sizeof *sums);
    if (st == MRV_OK && !sums) st = MRV_ENOMEM;
    for (size_t i = 0; st == MRV_OK && i < r->nprojects; i++) {
        for (unsigned t = 0; t < nt; t++) {
            const mrv__pfacc *a = &x.mrv__pfacc[t][i];
            sums[i].sc += a->sc;
            sums[i].scc += a->scc;
            sums[i].scd += a->scd;
            sums[i].without += a->without;
        }
    }
    int64_t *cen = calloc(L->ncols + 1, sizeof *cen);
    if (st == MRV_OK && !cen) st = MRV_ENOMEM;
    if (st == MRV_OK) {
        mrv__pf_central(r, M, cen);
        st = mrv__pf_statistics(r, L, M, x.cols, cen, sums);
    }
    free(cen);
    free(sums);
    for (unsigned t = 0; t < nt; t++) {
        free(x.issued[t]);
        free(x.cells[t]);
        free(x.colbuf[t]);
        free(x.contrib[t]);
        free(x.dsum[t]);
        free(x.mrv__pfacc[t]);
    }
    free(x.tproj);
    free(x.vol);
    free(x.cols);
    return st;
}

mrv_status mrv_pf_run_new(const char *path, const mrv_pf_options *opt,
                          mrv_pf_run **out, mrv_diag *d)
{
    *out = NULL;
    mrv_pf_run *r = calloc(1, sizeof *r);
    if (!r || !(r->arena = mrv_arena_new(NULL, NULL))) {
        free(r);
        return MRV_ENOMEM;
    }
    mrv_status st = prepare(r, path, opt, false, d);
    mrv__pfcols L = {0};
    mrv__pfmap *M = NULL;
    size_t ntp = 0;
    if (st == MRV_OK) {
        mrv__pf_span(r);
        M = mrv_arena_array(r->arena, r->nprojects, sizeof *M);
        if (!M || !mrv__pf_layout_make(r, &L) ||
            !mrv__pf_maps_make(r, &L, M, &ntp))
            st = MRV_ENOMEM;
    }
    source *src = NULL;
    workers W = {0};
    pool pl;
    memset(&pl, 0, sizeof pl);
    unsigned nt = thread_count(opt->threads);
    if (st == MRV_OK) st = check_memory(r, &L, &nt, d);
    if (st == MRV_OK && r->draws > 0) {
        st = sources_new(r, opt, &src, d);
        size_t ns = 0, nc = 0, nv = 0;
        for (size_t i = 0; i < r->nprojects; i++) {
            const mrv_program *p = r->projects[i].run->program;
            if (p->nslots > ns) ns = p->nslots;
            if (p->nchecks > nc) nc = p->nchecks;
            if (p->nvint > nv) nv = p->nvint;
        }
        if (st == MRV_OK && !workers_new(&W, nt, ns, nc, nv)) st = MRV_ENOMEM;
        /* Started once, for every round of draws below. */
        if (st == MRV_OK && nt > 1) pl.threads = mrv__pool_new(nt);
    }
    /* Every input is read and checked (shards too): now the output
    ** folder, before any draw. */
    if (st == MRV_OK && opt->ready) st = opt->ready(opt->ready_ud, r->pf, d);
    /* The ledgers: central, or from every draw where the rule reads
    ** their spread. */
    for (size_t i = 0; st == MRV_OK && i < r->nprojects; i++) {
        mrv_pf_project *P = &r->projects[i];
        P->draws_ledger = r->draws > 0 && ledger_reads_draws(P);
        if (P->draws_ledger)
            st = draws_ledger(r, src, i, &pl, nt, W.ws, W.red, d);
        else
            st = mrv_ledger_build_for(P->run, P->al, d);
        if (st != MRV_OK && st != MRV_ENOMEM)
            mrv_note(d, P->entry->node->pos, "in project '%s' of the portfolio",
                     P->id);
    }
    if (st == MRV_OK && r->draws > 0) {
        st = run_draws(r, opt, &L, M, src, &W, &pl, d);
    } else if (st == MRV_OK) {
        int64_t *cen = calloc(L.ncols + 1, sizeof *cen);
        if (!cen) {
            st = MRV_ENOMEM;
        } else {
            mrv__pf_central(r, M, cen);
            st = mrv__pf_statistics(r, &L, M, NULL, cen, NULL);
            free(cen);
        }
    }
    mrv__pool_free(pl.threads);
    workers_free(&W);
    sources_free(src, r->nprojects);
    if (st == MRV_OK && mrv_diag_status(d) == MRV_ENOMEM) st = MRV_ENOMEM;
    if (st == MRV_OK && mrv_arena_failed(r->arena)) st = MRV_ENOMEM;
    if (st != MRV_OK) {
        mrv_pf_run_free(r);
        return st;
    }
    *out = r;
    return MRV_OK;
}

/* ---- checks without a run ---------------------------------------------- */

mrv_status mrv_pf_check(const char *path, const mrv_pf_options *opt,
                        mrv_diag *d)
{
    mrv_pf_run *r = calloc(1, sizeof *r);
    if (!r || !(r->arena = mrv_arena_new(NULL, NULL))) {
        free(r);
        return MRV_ENOMEM;
    }
    mrv_status st = prepare(r, path, opt, true, d);
    mrv__pfcols L = {0};
    if (st == MRV_OK) {
        mrv__pf_span(r);
        if (!mrv__pf_layout_make(r, &L)) st = MRV_ENOMEM;
    }
    /* The draws' memory is refused before the run as by it. */
    unsigned nt = 1;
    if (st == MRV_OK) st = check_memory(r, &L, &nt, d);
    if (st == MRV_OK && mrv_diag_status(d) == MRV_ENOMEM) st = MRV_ENOMEM;
    if (st == MRV_OK && mrv_arena_failed(r->arena)) st = MRV_ENOMEM;
    mrv_pf_run_free(r);
    return st;
}

mrv_status mrv_pf_check_file(const char *path, const mrv_pf_options *opt,
                             mrv_diag *d)
{
    /* A quick look at the top-level keys decides; a file that does not
    ** even read is reported by mrv_check_file, as any other. */
    mrv_arena *a = mrv_arena_new(NULL, NULL);
    mrv_diag *quiet = mrv_diag_new();
    if (!a || !quiet) {
        mrv_arena_free(a);
        mrv_diag_free(quiet);
        return MRV_ENOMEM;
    }
    const mrv_ydoc *doc = NULL;
    bool pf = mrv_yaml_load_file(path, a, &doc, quiet) == MRV_OK &&
              mrv_model_kind(doc) == MRV_FILE_PORTFOLIO;
    mrv_arena_free(a);
    mrv_diag_free(quiet);
    return pf ? mrv_pf_check(path, opt, d)
              : mrv_check_file(path, &opt->search, d);
}

/* ---- shards and lists -------------------------------------------------- */

/* The id a project file declares, read without binding it; NULL when it
** cannot be read (its errors are left to the run that binds it). */
static const char *declared_id(mrv_arena *a, const char *path)
{
    mrv_diag *quiet = mrv_diag_new();
    if (!quiet) return NULL;
    const mrv_ydoc *doc = NULL;
    const char *id = NULL;
    if (mrv_yaml_load_file(path, a, &doc, quiet) == MRV_OK && doc->root &&
        doc->root->kind == MRV_Y_MAP) {
        const mrv_ynode *n = mrv_ymap_get(doc->root, "project");
        if (n && n->kind == MRV_Y_SCALAR) id = n->text;
    }
    mrv_diag_free(quiet);
    return id;
}

mrv_status mrv_pf_list(const char *path, const mrv_pf_options *opt, FILE *f,
                       mrv_diag *d)
{
    mrv_arena *a = mrv_arena_new(NULL, NULL);
    if (!a) return MRV_ENOMEM;
    const mrv_portfolio *pf = NULL;
    mrv_status st = mrv_portfolio_load(path, opt->project_dirs,
                                       opt->nproject_dirs, a, &pf, d);
    for (size_t i = 0; st == MRV_OK && i < pf->nentries; i++) {
        const mrv_pf_entry *e = &pf->entries[i];
        const char *id = declared_id(a, e->path);
        if (!id || !mrv__is_file_id(id)) {
            mrv_srcpos at = {e->path, 0, 0};
            st = mrv_error(d, at, MRV_ESCHEMA,
                           "cannot read the project's id (run 'mrv check %s')",
                           e->path);
            break;
        }
        fprintf(f, "%s %s\n", id, e->path);
    }
    mrv_arena_free(a);
    return st;
}

typedef struct shardpass {
    source *src;
    mrv_drawfile *out;
    workers *W;
    failure fail[MRV_MC_MAX_THREADS];
    int werr[MRV_MC_MAX_THREADS]; /* a failed write's errno, or 0 */
} shardpass;

static void shard_block(pool *pl, unsigned t, uint64_t blk)
{
    shardpass *x = pl->ud;
    size_t n;
    if (!fetch(x->src, 0, x->W->ws[t], blk, x->W->red[t], &n, &x->fail[t]))
        return;
    if (!mrv_drawfile_put(x->out, blk, x->W->red[t], BLK, n))
        x->werr[t] = errno ? errno : EIO;
}

mrv_status mrv_pf_shard_write(const char *portfolio_path,
                              const char *project_path, const char *out,
                              const mrv_pf_options *opt, mrv_diag *d)
{
    mrv_pf_run *r = calloc(1, sizeof *r);
    if (!r || !(r->arena = mrv_arena_new(NULL, NULL))) {
        free(r);
        return MRV_ENOMEM;
    }
    mrv_status st = mrv_portfolio_load(portfolio_path, opt->project_dirs,
                                       opt->nproject_dirs, r->arena, &r->pf, d);
    const mrv_portfolio *pf = r->pf;
    mrv_pf_project *P = NULL;
    if (st == MRV_OK) {
        r->path = portfolio_path;
        r->draws = opt->draws_set ? opt->draws : pf->draws;
        r->seed = opt->seed_set ? opt->seed : pf->seed;
        r->projects = mrv_arena_array(r->arena, 1, sizeof *r->projects);
        if (!r->projects) st = MRV_ENOMEM;
    }
    if (st == MRV_OK && r->draws == 1)
        st = mrv_error(d, pf->mc_node ? pf->mc_node->pos : nowhere(),
                       MRV_EDOMAIN, "1 draw: %s", MRV_ONE_DRAW_WHY);
    if (st == MRV_OK && r->draws == 0)
        st = mrv_error(d, pf->mc_node ? pf->mc_node->pos : nowhere(),
                       MRV_EDOMAIN,
                       "the portfolio runs no draws, so there is nothing to "
                       "shard");
    /* The entry of this project: the same file, or the same id. */
    const char *want =
        st == MRV_OK ? declared_id(r->arena, project_path) : NULL;
    size_t ei = SIZE_MAX;
    for (size_t i = 0; st == MRV_OK && want && i < pf->nentries; i++) {
        const char *id = declared_id(r->arena, pf->entries[i].path);
        if (id && strcmp(id, want) == 0) {
            ei = i;
            break;
        }
    }
    if (st == MRV_OK && ei == SIZE_MAX) {
        mrv_srcpos at = {project_path, 0, 0};
        st = mrv_error(d, at, MRV_EREF,
                       "this project is not in portfolio %s (no project of "
                       "it has the id '%s')",
                       portfolio_path, want ? want : "?");
    }
    if (st == MRV_OK) {
        P = &r->projects[0];
        r->nprojects = 1;
        P->entry = &pf->entries[ei];
        mrv_options o = project_options(opt, false);
        st = mrv_run_new(project_path, &o, &P->run, d);
    }
    if (st == MRV_OK) {
        P->id = P->run->bound->project->id;
        st = mrv__pf_key_project(pf, P, r->arena);
    }
    if (st == MRV_OK) {
        inputs_digest(P->run->bound, P->inputs_sha);
    }
    source src = {0};
    if (st == MRV_OK)
        st = mrv_mcblock_new(P->run, r->seed, r->draws, P->streams, &src.mb, d);
    mrv_drawfile_head h;
    memset(&h, 0, sizeof h);
    shardpass x;
    memset(&x, 0, sizeof x);
    workers W = {0};
    unsigned nt = thread_count(opt->threads);
    if (st == MRV_OK) {
        const mrv_bound *b = P->run->bound;
        h.seed = r->seed;
        h.draws = r->draws;
        h.first = b->first;
        h.nvint = (uint32_t)b->nvint;
        h.block = BLK;
        h.keying = P->keying;
        memcpy(h.inputs_sha, P->inputs_sha, 32);
        snprintf(h.project, sizeof h.project, "%s", P->id);
        snprintf(h.engine, sizeof h.engine, "%s", MRV_VERSION_STRING);
        const mrv_program *p = P->run->program;
        if (!workers_new(&W, nt, p->nslots, p->nchecks, p->nvint))
            st = MRV_ENOMEM;
    }
    if (st == MRV_OK) st = mrv_drawfile_create(out, &h, &x.out, d);
    if (st == MRV_OK) {
        pool pl;
        memset(&pl, 0, sizeof pl);
        x.src = &src;
        x.W = &W;
        pl.ud = &x;
        pl.progress = opt->progress.fn ? &opt->progress : NULL;
        pl.draws = r->draws;
        pl.threads = nt > 1 ? mrv__pool_new(nt) : NULL;
        pool_run(&pl, shard_block, (r->draws + BLK - 1) / BLK);
        mrv__pool_free(pl.threads);
        failure first = {0};
        int werr = 0;
        for (unsigned t = 0; t < nt; t++) {
            if (x.fail[t].set)
                fail_at(&first, 0, x.fail[t].blk, x.fail[t].st, x.fail[t].why);
            if (!werr) werr = x.werr[t];
        }
        if (first.set) {
            st = mrv_mcblock_report(src.mb, W.ws[0], d);
        } else if (werr) {
            mrv_srcpos at = {out, 0, 0};
            st = mrv_error(d, at, MRV_EIO, "cannot write the shard file: %s",
                           strerror(werr));
        }
        if (st == MRV_OK)
            st = mrv_drawfile_commit(x.out, d);
        else
            mrv_drawfile_abort(x.out);
    }
    workers_free(&W);
    mrv_mcblock_free(src.mb);
    mrv_pf_run_free(r);
    return st;
}
