/*
** mcblock.c -- one project's draws, one block at a time (mcblock.h).
**
** A block is filled and evaluated exactly as mc.c's phase 2 does it:
** every live input drawn by mrv__mc_fill_random from its stream key, the
** constants and the unread inputs at their values, the VM over the
** block, and each vintage's reductions taken as slot x result_scale.
** What differs is only where the stream keys come from (the caller's
** stream ids, not the program's) and that nothing is kept: the caller
** receives the block's reductions and combines them as it likes.
**
** A workspace serves one thread and any project that fits it; the
** constants and the values of unread inputs are written into it before
** every block, because the previous block may have been another
** project's.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mc.h"
#include "mc_int.h"
#include "mcblock.h"
#include "nonfinite.h"

struct mrv_mcblock {
    const mrv_run *run;
    const mrv_program *p;
    uint64_t draws, nblocks;
    mrv_sampler *samp; /* per input */
    uint64_t *key;     /* per input: its stream key */
    bool *live;        /* per input: read by the program */
    mrv_zig zig;
};

struct mrv_mcblock_ws {
    size_t nslots, nchecks;
    double *slots; /* (nslots + 1) x MRV_MC_BLOCK */
    uint64_t *bad, *first;
};

void mrv_mcblock_free(mrv_mcblock *b)
{
    if (!b) return;
    free(b->samp);
    free(b->key);
    free(b->live);
    free(b);
}

mrv_status mrv_mcblock_new(const mrv_run *run, uint64_t seed, uint64_t draws,
                           const uint64_t *streams, mrv_mcblock **out,
                           mrv_diag *d)
{
    *out = NULL;
    const mrv_program *p = run->program;
    mrv_mcblock *b = calloc(1, sizeof *b);
    if (!b) return MRV_ENOMEM;
    b->run = run;
    b->p = p;
    b->draws = draws;
    b->nblocks = (draws + MRV_MC_BLOCK - 1) / MRV_MC_BLOCK;
    b->samp = calloc(p->ninputs + 1, sizeof *b->samp);
    b->key = calloc(p->ninputs + 1, sizeof *b->key);
    b->live = calloc(p->ninputs + 1, sizeof *b->live);
    if (!b->samp || !b->key || !b->live) {
        mrv_mcblock_free(b);
        return MRV_ENOMEM;
    }
    mrv_zig_init(&b->zig);
    mrv__mc_mark_live(p, b->live);
    for (size_t k = 0; k < p->ninputs; k++)
        b->key[k] = mrv__mc_stream_key(seed, streams[k]);
    mrv_status st = mrv__mc_samplers(run, b->samp, d);
    if (st != MRV_OK) {
        mrv_mcblock_free(b);
        return st;
    }
    *out = b;
    return MRV_OK;
}

uint64_t mrv_mcblock_count(const mrv_mcblock *b)
{
    return b->nblocks;
}

size_t mrv_mcblock_nslots(const mrv_mcblock *b)
{
    return b->p->nslots;
}

size_t mrv_mcblock_nchecks(const mrv_mcblock *b)
{
    return b->p->nchecks;
}

void mrv_mcblock_ws_free(mrv_mcblock_ws *w)
{
    if (!w) return;
    free(w->slots);
    free(w->bad);
    free(w->first);
    free(w);
}

mrv_mcblock_ws *mrv_mcblock_ws_new(size_t nslots, size_t nchecks)
{
    mrv_mcblock_ws *w = calloc(1, sizeof *w);
    if (!w) return NULL;
    w->nslots = nslots;
    w->nchecks = nchecks;
    w->slots = malloc((nslots + 1) * MRV_MC_BLOCK * sizeof *w->slots);
    w->bad = malloc((nchecks + 1) * sizeof *w->bad);
    w->first = malloc((nchecks + 1) * sizeof *w->first);
    if (!w->slots || !w->bad || !w->first) {
        mrv_mcblock_ws_free(w);
        return NULL;
    }
    return w;
}

/* The draws in block 'blk'. */
static size_t block_len(const mrv_mcblock *b, uint64_t blk)
{
    uint64_t i0 = blk * MRV_MC_BLOCK;
    return b->draws - i0 < MRV_MC_BLOCK ? (size_t)(b->draws - i0)
                                        : MRV_MC_BLOCK;
}

/* Fills block 'blk' into the workspace and runs the VM over it; the
** checks' counts and first failing draws are the block's alone. */
static void run_block(const mrv_mcblock *b, mrv_mcblock_ws *w, uint64_t blk,
                      size_t n)
{
    const mrv_program *p = b->p;
    mrv_eval_fill_consts(p, w->slots, MRV_MC_BLOCK, MRV_MC_BLOCK);
    for (size_t k = 0; k < p->ninputs; k++) {
        double *col = w->slots + k * MRV_MC_BLOCK;
        if (b->live[k]) {
            mrv__mc_fill_random(&b->samp[k], &b->zig, b->key[k], blk, col, n);
        } else {
            /* Never drawn, as in mc.c: the central value (a failed
            ** check's trace copies every input). */
            for (size_t i = 0; i < MRV_MC_BLOCK; i++)
                col[i] = p->inputs[k].center;
        }
    }
    for (size_t c = 0; c < p->nchecks; c++) {
        w->bad[c] = 0;
        w->first[c] = UINT64_MAX;
    }
    mrv_eval_run(p, w->slots, MRV_MC_BLOCK, n, blk * MRV_MC_BLOCK, w->bad,
                 w->first);
}

bool mrv_mcblock_eval(const mrv_mcblock *b, mrv_mcblock_ws *w, uint64_t blk,
                      double *red, size_t *n)
{
    const mrv_program *p = b->p;
    size_t nb = block_len(b, blk);
    *n = nb;
    run_block(b, w, blk, nb);
    bool ok = true;
    for (size_t c = 0; c < p->nchecks; c++) ok &= w->bad[c] == 0;
    for (size_t v = 0; v < p->nvint; v++) {
        size_t k = v * MRV_NRESULTS + MRV_RES_REDUCTIONS;
        const double *src = w->slots + (size_t)p->result_slot[k] * MRV_MC_BLOCK;
        double sc = p->result_scale[k], *dst = red + v * MRV_MC_BLOCK;
        for (size_t i = 0; i < nb; i++) dst[i] = src[i] * sc;
        /* A finite equation times its unit's scale can still overflow. */
        for (size_t i = 0; i < nb && ok; i++) ok = dst[i] - dst[i] == 0;
    }
    return ok;
}

mrv_status mrv_mcblock_report(const mrv_mcblock *b, mrv_mcblock_ws *w,
                              mrv_diag *d)
{
    const mrv_program *p = b->p;
    uint64_t *nbad = calloc(p->nchecks + 1, sizeof *nbad);
    uint64_t *first = malloc((p->nchecks + 1) * sizeof *first);
    if (!nbad || !first) {
        free(nbad);
        free(first);
        return MRV_ENOMEM;
    }
    for (size_t c = 0; c < p->nchecks; c++) first[c] = UINT64_MAX;
    uint64_t over = UINT64_MAX;
    for (uint64_t blk = 0; blk < b->nblocks; blk++) {
        size_t n = block_len(b, blk);
        run_block(b, w, blk, n);
        for (size_t c = 0; c < p->nchecks; c++) {
            nbad[c] += w->bad[c];
            if (w->first[c] < first[c]) first[c] = w->first[c];
        }
        for (size_t v = 0; v < p->nvint && over == UINT64_MAX; v++) {
            size_t k = v * MRV_NRESULTS + MRV_RES_REDUCTIONS;
            const double *src =
                w->slots + (size_t)p->result_slot[k] * MRV_MC_BLOCK;
            for (size_t i = 0; i < n; i++) {
                double x = src[i] * p->result_scale[k];
                if (x - x != 0) {
                    over = blk * MRV_MC_BLOCK + i;
                    break;
                }
            }
        }
    }
    mrv_status st = MRV_EDOMAIN;
    size_t c = 0;
    while (c < p->nchecks && nbad[c] == 0) c++;
    const mrv_bound *bd = b->run->bound;
    if (c < p->nchecks) {
        /* The first failing check in check order, traced in its first
        ** failing draw, as mc.c reports it. */
        uint64_t blk = first[c] / MRV_MC_BLOCK;
        size_t lane = (size_t)(first[c] % MRV_MC_BLOCK);
        run_block(b, w, blk, block_len(b, blk));
        st = mrv__nonfinite_report(p, bd, c, nbad[c], b->draws, first[c],
                                   w->slots, MRV_MC_BLOCK, lane, d);
    } else if (over != UINT64_MAX) {
        st = mrv_error(d, bd->project->mc.pos, MRV_EDOMAIN,
                       "the reductions overflow in draw %llu (a vintage "
                       "times its unit is not finite)",
                       (unsigned long long)over + 1);
    } else {
        mrv_srcpos none = {NULL, 0, 0};
        st = mrv_error(d, none, MRV_EINTERNAL,
                       "a block of project '%s' failed, but no draw fails "
                       "when it is run again (a bug in mrv)",
                       bd->project->id);
    }
    free(nbad);
    free(first);
    return st;
}
