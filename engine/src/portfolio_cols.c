/*
** portfolio_cols.c -- the Parties' per-draw columns of a portfolio, and
** their statistics (portfolio_cols.h).
**
** A column holds one Party's whole tonnes of one kind in one year (or
** over all vintages) on every draw.  The layout places them; each
** project's map says, per vintage, which columns its units go to (by
** the year its agreement gives each event).  The statistics are type-7
** quantiles of the columns and sums of them, means from exact integer
** sums, and the risk shares from exact 128-bit sums turned into
** doubles once (a 256-bit product keeps n * sxy - sx * sy exact).
**
** Owns nothing past a call but the arrays it puts in the run's arena.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ndc.h"
#include "portfolio_cols.h"
#include "stats.h"

size_t mrv__pf_party_index(const mrv_pf_run *r, const char *code)
{
    for (size_t i = 0; i < r->nparties; i++)
        if (strcmp(r->parties[i].code, code) == 0) return i;
    return SIZE_MAX;
}

/* The year a vintage's units reach event 'ev' under allocation 'al', or
** the vintage itself when the agreement gives no year for it. */
int mrv__pf_event_year(const mrv_allocation *al, int ev, int first, size_t v)
{
    return al->years[ev] ? al->years[ev][v] : first + (int)v;
}

/* The year a buyer's unit of vintage v counts under 'count'. */
int mrv__pf_count_year(const mrv_allocation *al, mrv_pf_count c, int first,
                       size_t v)
{
    switch (c) {
    case MRV_COUNT_USE:
        return mrv__pf_event_year(al, MRV_EV_USE, first, v);
    case MRV_COUNT_TRANSFER:
        if (al->years[MRV_EV_TRANSFER]) return al->years[MRV_EV_TRANSFER][v];
        if (al->ft != MRV_FT_NONE)
            return mrv__pf_event_year(al, (int)al->ft, first, v);
        break;
    case MRV_COUNT_VINTAGE:
    case MRV_NCOUNT:
        break;
    }
    return first + (int)v;
}

bool mrv__pf_has_count_year(const mrv_allocation *al, mrv_pf_count c)
{
    switch (c) {
    case MRV_COUNT_USE:
        return al->years[MRV_EV_USE] != NULL;
    case MRV_COUNT_TRANSFER:
        return al->years[MRV_EV_TRANSFER] || al->ft != MRV_FT_NONE;
    case MRV_COUNT_VINTAGE:
    case MRV_NCOUNT:
        break;
    }
    return true;
}

static size_t year_col(const mrv_pf_run *r, const mrv__pfcols *L, size_t party,
                       int kind, int year)
{
    size_t b = L->base[party * NKIND + (size_t)kind];
    if (b == SIZE_MAX) return SIZE_MAX;
    return b + (size_t)(year - r->y0);
}

bool mrv__pf_in_target(const mrv_pf_target *t, int year)
{
    return year <= t->to && (t->by || year >= t->from);
}

/* The calendar span of every event of every project's vintages. */
void mrv__pf_span(mrv_pf_run *r)
{
    int lo = MRV_YEAR_MAX, hi = MRV_YEAR_MIN;
    for (size_t i = 0; i < r->nprojects; i++) {
        const mrv_pf_project *P = &r->projects[i];
        const mrv_bound *b = P->run->bound;
        for (size_t v = 0; v < b->nvint; v++) {
            int y = b->first + (int)v;
            if (y < lo) lo = y;
            if (y > hi) hi = y;
            for (int e = 0; e < MRV_NEVENTS; e++) {
                if (!P->al->years[e]) continue;
                int z = P->al->years[e][v];
                if (z < lo) lo = z;
                if (z > hi) hi = z;
            }
        }
    }
    r->y0 = lo;
    r->nyears = (size_t)(hi - lo + 1);
}

bool mrv__pf_layout_make(mrv_pf_run *r, mrv__pfcols *L)
{
    size_t np = r->nparties;
    L->base = mrv_arena_array(r->arena, np * NKIND + 1, sizeof *L->base);
    L->issued_col = mrv_arena_array(r->arena, np + 1, sizeof *L->issued_col);
    L->kept_col = mrv_arena_array(r->arena, np + 1, sizeof *L->kept_col);
    if (!L->base || !L->issued_col || !L->kept_col) return false;
    size_t c = 0;
    for (size_t k = 0; k < np; k++) {
        const mrv_pf_party_out *o = &r->parties[k];
        for (int j = 0; j < NKIND; j++)
            L->base[k * NKIND + (size_t)j] = SIZE_MAX;
        L->issued_col[k] = L->kept_col[k] = SIZE_MAX;
        if (o->buyer) {
            L->base[k * NKIND + COL_USED] = c;
            c += r->nyears;
            /* Counted by use, delivered and used are one column. */
            if (o->count == MRV_COUNT_USE) {
                L->base[k * NKIND + COL_DELIV] = L->base[k * NKIND + COL_USED];
            } else {
                L->base[k * NKIND + COL_DELIV] = c;
                c += r->nyears;
            }
        }
        if (o->host) {
            L->base[k * NKIND + COL_TRANS] = c;
            c += r->nyears;
            L->issued_col[k] = c++;
            L->kept_col[k] = c++;
        }
    }
    L->ncols = c;
    return true;
}

bool mrv__pf_maps_make(mrv_pf_run *r, const mrv__pfcols *L, mrv__pfmap *M,
                       size_t *nt)
{
    *nt = 0;
    for (size_t i = 0; i < r->nprojects; i++) {
        const mrv_pf_project *P = &r->projects[i];
        const mrv_allocation *al = P->al;
        int first = P->run->bound->first;
        mrv__pfmap *m = &M[i];
        m->nv = P->run->bound->nvint;
        m->deliv = mrv_arena_array(r->arena, m->nv, sizeof *m->deliv);
        m->used = mrv_arena_array(r->arena, m->nv, sizeof *m->used);
        m->trans = mrv_arena_array(r->arena, m->nv, sizeof *m->trans);
        m->counted = mrv_arena_array(r->arena, m->nv, sizeof *m->counted);
        if (!m->deliv || !m->used || !m->trans || !m->counted) return false;
        size_t bk = mrv__pf_party_index(r, P->buyer),
               hk = mrv__pf_party_index(r, P->host);
        const mrv_pf_party_out *bo = &r->parties[bk];
        m->target = bo->has_target ? bk : SIZE_MAX;
        m->tslot = m->target != SIZE_MAX ? (*nt)++ : SIZE_MAX;
        m->issued = L->issued_col[hk];
        m->kept = L->kept_col[hk];
        for (size_t v = 0; v < m->nv; v++) {
            int yd = mrv__pf_count_year(al, bo->count, first, v);
            int yu = mrv__pf_event_year(al, MRV_EV_USE, first, v);
            int yt = al->ft != MRV_FT_NONE
                         ? mrv__pf_event_year(al, (int)al->ft, first, v)
                         : first + (int)v;
            m->deliv[v] = year_col(r, L, bk, COL_DELIV, yd);
            m->used[v] = year_col(r, L, bk, COL_USED, yu);
            if (m->used[v] == m->deliv[v]) m->used[v] = SIZE_MAX;
            m->trans[v] = year_col(r, L, hk, COL_TRANS, yt);
            m->counted[v] = m->target != SIZE_MAX &&
                            mrv__pf_in_target(&bo->spec->target, yd);
        }
    }
    return true;
}

/* A double from the exact value hi * 2^128 + lo of a 256-bit integer
** held as a signed high part and an unsigned low part. */
typedef struct wide {
    mrv__i128 hi;
    unsigned __int128 lo;
} wide;

__extension__ typedef unsigned __int128 u128;

/* a * b exactly, for |a|, |b| < 2^127. */
static wide wmul(mrv__i128 a, mrv__i128 b)
{
    bool neg = (a < 0) != (b < 0);
    u128 x = a < 0 ? (u128)-a : (u128)a, y = b < 0 ? (u128)-b : (u128)b;
    uint64_t x0 = (uint64_t)x, x1 = (uint64_t)(x >> 64);
    uint64_t y0 = (uint64_t)y, y1 = (uint64_t)(y >> 64);
    u128 p00 = (u128)x0 * y0, p01 = (u128)x0 * y1, p10 = (u128)x1 * y0,
         p11 = (u128)x1 * y1;
    u128 mid = (p00 >> 64) + (uint64_t)p01 + (uint64_t)p10;
    u128 lo = (mid << 64) | (uint64_t)p00;
    u128 hi = p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64);
    wide w = {(mrv__i128)hi, lo};
    if (neg) { /* two's complement of the 256-bit value */
        w.lo = ~lo + 1;
        w.hi = (mrv__i128)(~hi + (w.lo == 0));
    }
    return w;
}

static wide wsub(wide a, wide b)
{
    wide w;
    w.lo = a.lo - b.lo;
    w.hi = a.hi - b.hi - (a.lo < b.lo);
    return w;
}

static double wdouble(wide a)
{
    return (double)a.hi * 0x1p128 + (double)a.lo;
}

/* n * sxy - sx * sy, the numerator of a covariance times n (n - 1). */
static double comoment(uint64_t n, mrv__i128 sxy, mrv__i128 sx, mrv__i128 sy)
{
    return wdouble(wsub(wmul((mrv__i128)n, sxy), wmul(sx, sy)));
}

typedef struct statws {
    double *x; /* [draws] */
    double ps[3];
} statws;

/* The statistics of draws x[0..n) (reordered), their exact sum given. */
static void summarise(statws *w, double *x, uint64_t n, mrv__i128 sum,
                      mrv_pf_stat *s)
{
    double q[3];
    mrv_stats_quantiles(x, (size_t)n, w->ps, 3, q);
    s->lower = q[0];
    s->median = q[1];
    s->upper = q[2];
    s->mean = (double)sum / (double)n;
}

static void column_stat(statws *w, const int64_t *col, uint64_t n,
                        mrv_pf_stat *s)
{
    mrv__i128 sum = 0;
    for (uint64_t i = 0; i < n; i++) {
        w->x[i] = (double)col[i];
        sum += col[i];
    }
    summarise(w, w->x, n, sum, s);
}

static void central_only(mrv_pf_stat *s)
{
    s->mean = s->lower = s->median = s->upper = s->central;
}

static mrv_pf_stat *stat_array(mrv_pf_run *r)
{
    mrv_pf_stat *s = mrv_arena_array(r->arena, r->nyears + 1, sizeof *s);
    return s;
}

/* The central case of every column, from the projects' reported
** ledgers, and of every project's counted units. */
void mrv__pf_central(mrv_pf_run *r, const mrv__pfmap *M, int64_t *cen)
{
    for (size_t i = 0; i < r->nprojects; i++) {
        mrv_pf_project *P = &r->projects[i];
        const mrv_ledger *l = P->run->ledger;
        const mrv__pfmap *m = &M[i];
        size_t nc = MRV_LEDGER_NCOLS(&l->agr), bcol = l->agr.nded + 1;
        int64_t c = 0;
        for (size_t v = 0; v < m->nv; v++) {
            const int64_t *row = l->cells + v * nc;
            int64_t b = row[bcol];
            cen[m->issued] += l->issued[v];
            cen[m->kept] += mrv_ledger_kept(l, row);
            cen[m->deliv[v]] += b;
            if (m->used[v] != SIZE_MAX) cen[m->used[v]] += b;
            cen[m->trans[v]] += b;
            if (m->counted[v]) c += b;
        }
        P->to_target = m->target != SIZE_MAX;
        P->central = (double)c;
        P->mean = P->central;
        P->sd = 0;
        P->p_without = P->var_share = (double)NAN;
    }
}

mrv_status mrv__pf_statistics(mrv_pf_run *r, const mrv__pfcols *L,
                              const mrv__pfmap *M, const int64_t *cols,
                              const int64_t *cen, const mrv__pfacc *sums)
{
    uint64_t n = r->draws;
    statws w = {NULL, {(1 - r->confidence) / 2, 0.5, (1 + r->confidence) / 2}};
    w.x = n ? malloc(n * sizeof *w.x) : NULL;
    int64_t *scratch = malloc((r->nyears + 1) * sizeof *scratch);
    int64_t *cum = n ? calloc(n, sizeof *cum) : NULL;
    mrv__i128 *tsum = calloc(r->nparties + 1, sizeof *tsum);
    mrv__i128 *tsq = calloc(r->nparties + 1, sizeof *tsq);
    if ((n && (!w.x || !cum)) || !scratch || !tsum || !tsq) {
        free(w.x);
        free(scratch);
        free(cum);
        free(tsum);
        free(tsq);
        return MRV_ENOMEM;
    }
    mrv_status st = MRV_OK;
    for (size_t k = 0; k < r->nparties && st == MRV_OK; k++) {
        mrv_pf_party_out *o = &r->parties[k];
        const mrv_pf_target *t = o->has_target ? &o->spec->target : NULL;
        size_t bd = L->base[k * NKIND + COL_DELIV],
               bu = L->base[k * NKIND + COL_USED],
               bt = L->base[k * NKIND + COL_TRANS];
        if (o->buyer) {
            o->delivered = stat_array(r);
            o->cumulative = stat_array(r);
            o->used = stat_array(r);
            if (!o->delivered || !o->cumulative || !o->used) {
                st = MRV_ENOMEM;
                break;
            }
            if (n) memset(cum, 0, n * sizeof *cum);
            int64_t cc = 0;
            for (size_t y = 0; y < r->nyears; y++) {
                const int64_t *dc = cols + (bd + y) * n;
                o->delivered[y].central = (double)cen[bd + y];
                o->used[y].central = (double)cen[bu + y];
                cc += cen[bd + y];
                o->cumulative[y].central = (double)cc;
                if (!n) {
                    central_only(&o->delivered[y]);
                    central_only(&o->used[y]);
                    central_only(&o->cumulative[y]);
                    continue;
                }
                column_stat(&w, dc, n, &o->delivered[y]);
                column_stat(&w, cols + (bu + y) * n, n, &o->used[y]);
                for (uint64_t i = 0; i < n; i++) cum[i] += dc[i];
                column_stat(&w, cum, n, &o->cumulative[y]);
            }
        }
        if (t) {
            int64_t c0 = 0;
            for (size_t y = 0; y < r->nyears; y++)
                if (mrv__pf_in_target(t, r->y0 + (int)y)) c0 += cen[bd + y];
            o->counted.central = (double)c0;
            o->shortfall.central =
                (double)(c0 < t->volume ? t->volume - c0 : 0);
            /* Progress: the units counted towards the target up to each
            ** year (flat outside its years). */
            o->progress = stat_array(r);
            if (!o->progress) {
                st = MRV_ENOMEM;
                break;
            }
            if (n) memset(cum, 0, n * sizeof *cum);
            int64_t pc = 0;
            for (size_t y = 0; y < r->nyears; y++) {
                bool in = mrv__pf_in_target(t, r->y0 + (int)y);
                if (in) pc += cen[bd + y];
                o->progress[y].central = (double)pc;
                if (!n) {
                    central_only(&o->progress[y]);
                    continue;
                }
                if (!in && y > 0) {
                    /* Nothing added: the same draws as last year, so the
                    ** same statistics without another pass over them. */
                    o->progress[y] = o->progress[y - 1];
                    continue;
                }
                if (in) {
                    const int64_t *dc = cols + (bd + y) * n;
                    for (uint64_t i = 0; i < n; i++) cum[i] += dc[i];
                }
                column_stat(&w, cum, n, &o->progress[y]);
            }
            if (!n) {
                central_only(&o->counted);
                central_only(&o->shortfall);
            } else {
                uint64_t hit = 0;
                mrv__i128 ssum = 0;
                for (uint64_t i = 0; i < n; i++) {
                    hit += cum[i] >= t->volume;
                    int64_t sf = cum[i] < t->volume ? t->volume - cum[i] : 0;
                    ssum += sf;
                    w.x[i] = (double)sf;
                }
                summarise(&w, w.x, n, ssum, &o->shortfall);
                mrv__i128 sd = 0, sdd = 0;
                for (uint64_t i = 0; i < n; i++) {
                    sd += cum[i];
                    sdd += (mrv__i128)cum[i] * cum[i];
                }
                tsum[k] = sd;
                tsq[k] = sdd;
                column_stat(&w, cum, n, &o->counted);
                o->p_target = (double)hit / (double)n;
                o->hits = hit;
            }
        }
        if (o->host) {
            o->transferred = stat_array(r);
            if (!o->transferred) {
                st = MRV_ENOMEM;
                break;
            }
            for (size_t y = 0; y < r->nyears; y++) {
                o->transferred[y].central = (double)cen[bt + y];
                if (n)
                    column_stat(&w, cols + (bt + y) * n, n, &o->transferred[y]);
                else
                    central_only(&o->transferred[y]);
            }
            size_t ci = L->issued_col[k], ck = L->kept_col[k];
            o->issued.central = (double)cen[ci];
            o->kept.central = (double)cen[ck];
            o->kept_share.central =
                cen[ci] > 0 ? (double)cen[ck] / (double)cen[ci] : 1;
            if (!n) {
                central_only(&o->issued);
                central_only(&o->kept);
                central_only(&o->kept_share);
            } else {
                column_stat(&w, cols + ci * n, n, &o->issued);
                column_stat(&w, cols + ck * n, n, &o->kept);
                const int64_t *ic = cols + ci * n, *kc = cols + ck * n;
                uint64_t ok = 0;
                double sum = 0;
                const mrv_dec *keep =
                    o->spec && o->spec->has_keep ? &o->spec->keep : NULL;
                for (uint64_t i = 0; i < n; i++) {
                    w.x[i] = ic[i] > 0 ? (double)kc[i] / (double)ic[i] : 1;
                    sum += w.x[i];
                    /* kept >= keep x issued, exactly: kept x den >= num
                    ** x issued. */
                    if (keep)
                        ok += (mrv__i128)kc[i] * keep->den >=
                              (mrv__i128)keep->num * ic[i];
                }
                double q[3];
                mrv_stats_quantiles(w.x, (size_t)n, w.ps, 3, q);
                o->kept_share.lower = q[0];
                o->kept_share.median = q[1];
                o->kept_share.upper = q[2];
                o->kept_share.mean = sum / (double)n;
                if (keep) o->p_keep = (double)ok / (double)n;
            }
        }
        o->adjustment = stat_array(r);
        if (!o->adjustment) {
            st = MRV_ENOMEM;
            break;
        }
        for (size_t y = 0; y < r->nyears; y++) {
            int64_t c0 = 0;
            if (o->host) c0 += cen[bt + y];
            if (o->buyer) c0 -= cen[bu + y];
            o->adjustment[y].central = (double)c0;
            if (!n) {
                central_only(&o->adjustment[y]);
                continue;
            }
            for (uint64_t i = 0; i < n; i++) {
                int64_t a = 0;
                if (o->host) a += cols[(bt + y) * n + i];
                if (o->buyer) a -= cols[(bu + y) * n + i];
                cum[i] = a;
            }
            column_stat(&w, cum, n, &o->adjustment[y]);
        }
        o->has_ndc = o->spec && o->spec->ndc.set;
        if (o->has_ndc) {
            const mrv_pf_ndc *ndc = &o->spec->ndc;
            /* A Party both buys and hosts: it adds what it transfers and
            ** subtracts what it uses; the methods act on the net. */
            for (int m = 0; m < MRV_NCA; m++) {
                mrv_pf_stat *s = &o->ca[m];
                int64_t *cs = calloc(r->nyears + 1, sizeof *cs);
                if (!cs) {
                    st = MRV_ENOMEM;
                    break;
                }
                for (size_t y = 0; y < r->nyears; y++) {
                    if (o->host) cs[y] += cen[bt + y];
                    if (o->buyer) cs[y] -= cen[bu + y];
                }
                s->central =
                    mrv_ndc_adjustment((mrv_ca_method)m, cs, r->y0, r->nyears,
                                       ndc->first, ndc->year);
                free(cs);
                if (!n) {
                    central_only(s);
                    continue;
                }
                double sum = 0;
                for (uint64_t i = 0; i < n; i++) {
                    for (size_t y = 0; y < r->nyears; y++) {
                        int64_t a = 0;
                        if (o->host) a += cols[(bt + y) * n + i];
                        if (o->buyer) a -= cols[(bu + y) * n + i];
                        scratch[y] = a;
                    }
                    w.x[i] =
                        mrv_ndc_adjustment((mrv_ca_method)m, scratch, r->y0,
                                           r->nyears, ndc->first, ndc->year);
                    sum += w.x[i];
                }
                double q[3];
                mrv_stats_quantiles(w.x, (size_t)n, w.ps, 3, q);
                s->lower = q[0];
                s->median = q[1];
                s->upper = q[2];
                s->mean = sum / (double)n;
            }
        }
    }
    /* Each project's part in its buyer's risk. */
    for (size_t i = 0; st == MRV_OK && n && i < r->nprojects; i++) {
        mrv_pf_project *P = &r->projects[i];
        const mrv__pfmap *m = &M[i];
        if (m->target == SIZE_MAX) continue;
        const mrv__pfacc *a = &sums[i];
        mrv__i128 sd = tsum[m->target], sdd = tsq[m->target];
        P->mean = (double)a->sc / (double)n;
        double nn = (double)n * (double)(n > 1 ? n - 1 : 1);
        double var = comoment(n, a->scc, a->sc, a->sc) / nn;
        P->sd = var > 0 ? sqrt(var) : 0;
        P->p_without = (double)a->without / (double)n;
        double vd = comoment(n, sdd, sd, sd);
        P->var_share =
            vd > 0 ? comoment(n, a->scd, a->sc, sd) / vd : (double)NAN;
    }
    free(w.x);
    free(scratch);
    free(cum);
    free(tsum);
    free(tsq);
    return st;
}
