/*
** ledger_calc.c -- the arithmetic of the ledger: the waterfall of
** docs/allocation.md, and the allocation run on every Monte Carlo draw.
**
** Rates and shares are kept as the decimals they were written as
** (decimal.h: num / 10^k), and every product of a rate and a tonnage is
** computed in 64-bit integers, so 0.07 x 100 is 7 and never
** 7.000000000000001: a working group checking the ledger by hand must find
** the same tonne.  Tonnages are int64_t and stay below 10^15 per vintage
** (MRV_LEDGER_MAX_TONNES), which leaves room for every product and sum.
** Nothing here allocates except mrv__ledger_draws (its scratch, freed
** before it returns); nothing here reads YAML.
**
** Invariants of mrv_ledger_waterfall for a valid agreement, checked by
** tests/unit/test_ledger.c: every entry is >= 0; per vintage the
** unit-moving deductions, host and buyer sum to the units issued; with
** buyer_share and no authorized cap, the buyer's running total after each
** vintage is round(s x running remainder) to the tonne.
*/
#include <math.h>
#include <stddef.h>
#include <stdlib.h>

#include "ledger_int.h"
#include "stats.h"

/* ---- the waterfall ----------------------------------------------------- */

int64_t mrv_ledger_issue(double estimate)
{
    if (!(estimate > 0)) return 0; /* negative (or NaN): nothing issued */
    if (estimate >= (double)MRV_LEDGER_MAX_TONNES) return MRV_LEDGER_MAX_TONNES;
    return (int64_t)floor(mrv_ledger_round(estimate));
}

int64_t mrv_ledger_issue_carry(double estimate, double *carried)
{
    /* Both terms are already to the gram; rounding the difference again
    ** keeps a shortfall of 0.1 + 0.2 t at 0.3, not 0.30000000000000004. */
    double net = mrv_ledger_round(mrv_ledger_round(estimate) - *carried);
    if (net > 0) {
        *carried = 0;
        return mrv_ledger_issue(net);
    }
    *carried = net < 0 ? -net : 0; /* never -0 */
    return 0;
}

static int64_t min64(int64_t a, int64_t b)
{
    return a < b ? a : b;
}

void mrv_ledger_waterfall(const mrv_agreement *a, size_t nvint,
                          const int64_t *issued, int64_t *cells,
                          int64_t *authorized)
{
    size_t nc = MRV_LEDGER_NCOLS(a);
    int64_t auth_left = a->auth_total;
    int64_t cum_rem = 0, cum_buyer = 0; /* buyer_share's running totals */
    int64_t given = 0;                  /* a volume delivered so far */
    for (size_t v = 0; v < nvint; v++) {
        int64_t iss = issued[v], *row = cells + v * nc;
        int64_t auth = iss;
        if (a->auth == MRV_AUTH_TOTAL) {
            auth = min64(iss, auth_left);
            auth_left -= auth;
        } else if (a->auth == MRV_AUTH_VINTAGE) {
            auth = min64(iss, a->auth_v[v]);
        }
        if (authorized) authorized[v] = auth;

        int64_t rem = iss, from_auth = 0;
        for (size_t j = 0; j < a->nded; j++) {
            const mrv_deduction *d = &a->ded[j];
            int64_t base = d->of == MRV_OF_ISSUED      ? iss
                           : d->of == MRV_OF_REMAINING ? rem
                                                       : auth;
            int64_t x = mrv_dec_mul(d->rate, base, d->rounding);
            if (d->units) {
                /* Ceil rounding on several deductions may ask for a
                ** tonne more than is left; the last one gives way. */
                x = min64(x, rem);
                rem -= x;
                if (d->of == MRV_OF_AUTHORIZED) from_auth += x;
            }
            row[j] = x;
        }

        /* Only authorized units may be first transferred: the buyer's
        ** cap is what the authorization leaves after the deductions
        ** taken from it. */
        int64_t cap = rem;
        if (a->auth != MRV_AUTH_NONE) {
            int64_t left = auth - from_auth;
            cap = left < 0 ? 0 : min64(left, rem);
        }
        int64_t buyer = 0;
        switch (a->split) {
        case MRV_SPLIT_SHARE: {
            /* Cumulative rounding: the running total is rounded, not
            ** each vintage, so the period honours the share exactly. */
            cum_rem += rem;
            int64_t now = mrv_dec_mul(a->share, cum_rem, a->share_rounding);
            buyer = now - cum_buyer;
            cum_buyer = now;
            break;
        }
        case MRV_SPLIT_BUYER_VOLUME:
            buyer = min64(min64(rem, a->volume - given), cap);
            given += buyer;
            break;
        case MRV_SPLIT_HOST_VOLUME: {
            int64_t host = min64(rem, a->volume - given);
            given += host;
            buyer = rem - host;
            break;
        }
        }
        /* Unauthorized units stay with the host. */
        if (buyer > cap) buyer = cap;
        row[a->nded] = rem - buyer;
        row[a->nded + 1] = buyer;
    }
}

int64_t mrv__host_keeps(const mrv_agreement *a, const int64_t *row)
{
    int64_t h = row[a->nded];
    for (size_t j = 0; j < a->nded; j++)
        if (a->ded[j].units && a->ded[j].to_host) h += row[j];
    return h;
}

/* ---- the allocation on every draw -------------------------------------- */

/* One draw under agreement 'a' (the ledger's own, or a sweep's copy);
** false when a vintage's estimate reaches 10^15 t, where
** mrv_ledger_issue caps it so that the integer arithmetic stays exact:
** the cells are then not the draw's (ledger.c refuses such draws before
** it allocates any). */
static bool draw_with(const mrv_ledger *l, const mrv_agreement *a,
                      const double *red, int64_t *issued, int64_t *cells)
{
    double carried = 0; /* a draw carries its own shortfalls */
    bool fits = true;
    for (size_t v = 0; v < l->nvint; v++) {
        double e = red[v] - l->draw_adj[v];
        fits &= e < (double)MRV_LEDGER_MAX_TONNES;
        issued[v] = mrv_ledger_issue_carry(e, &carried);
    }
    mrv_ledger_waterfall(a, l->nvint, issued, cells, NULL);
    return fits;
}

int64_t mrv_ledger_kept(const mrv_ledger *l, const int64_t *row)
{
    return mrv__host_keeps(&l->agr, row);
}

bool mrv_ledger_draw(const mrv_ledger *l, const double *red, int64_t *issued,
                     int64_t *cells)
{
    return draw_with(l, &l->agr, red, issued, cells);
}

mrv_status mrv__ledger_draws(const mrv_ledger *l, const mrv_agreement *a,
                             const double *reductions, uint64_t draws,
                             mrv_ledger_mc *mc)
{
    size_t nv = l->nvint, nc = MRV_LEDGER_NCOLS(a);
    bool per_year = mc->p_schedule != NULL;
    int64_t *issued = malloc(nv * sizeof *issued);
    int64_t *cells = malloc(nv * nc * sizeof *cells);
    double *red = malloc(nv * sizeof *red);
    double *host = malloc(draws * sizeof *host);
    double *buyer = malloc(draws * sizeof *buyer);
    /* Per vintage: the central ledger's cumulative units to the buyer
    ** (the schedule), and the draws meeting it and completing the
    ** volume by then. */
    int64_t *sched = per_year ? malloc(nv * sizeof *sched) : NULL;
    uint64_t *met = per_year ? calloc(2 * nv, sizeof *met) : NULL;
    if (!issued || !cells || !red || !host || !buyer ||
        (per_year && (!sched || !met))) {
        free(red);
        free(issued);
        free(cells);
        free(host);
        free(buyer);
        free(sched);
        free(met);
        return MRV_ENOMEM;
    }
    int64_t cum = 0;
    for (size_t v = 0; per_year && v < nv; v++) {
        cum += l->cells[v * nc + a->nded + 1];
        sched[v] = cum;
    }
    uint64_t hit = 0;
    double hsum = 0, bsum = 0;
    for (uint64_t i = 0; i < draws; i++) {
        for (size_t v = 0; v < nv; v++) {
            red[v] = reductions[v * draws + i];
        }
        draw_with(l, a, red, issued, cells);
        int64_t h = 0, b = 0;
        for (size_t v = 0; v < nv; v++) {
            h += mrv__host_keeps(a, cells + v * nc);
            b += cells[v * nc + a->nded + 1];
            if (!per_year) continue;
            met[v] += b >= sched[v];
            met[nv + v] += a->split == MRV_SPLIT_BUYER_VOLUME && b >= a->volume;
        }
        host[i] = (double)h;
        buyer[i] = (double)b;
        hsum += (double)h;
        bsum += (double)b;
        if (a->split == MRV_SPLIT_BUYER_VOLUME && b >= a->volume) hit++;
    }
    static const double ps[3] = {0.05, 0.50, 0.95};
    mc->draws = draws;
    mc->p_volume = a->split == MRV_SPLIT_BUYER_VOLUME
                       ? (double)hit / (double)draws
                       : (double)(double)NAN;
    mrv_stats_quantiles(host, (size_t)draws, ps, 3, mc->host_q);
    mrv_stats_quantiles(buyer, (size_t)draws, ps, 3, mc->buyer_q);
    mc->host_mean = hsum / (double)draws;
    mc->buyer_mean = bsum / (double)draws;
    for (size_t v = 0; per_year && v < nv; v++) {
        mc->p_schedule[v] = (double)met[v] / (double)draws;
        if (mc->p_complete)
            mc->p_complete[v] = (double)met[nv + v] / (double)draws;
    }
    free(sched);
    free(met);
    free(red);
    free(issued);
    free(cells);
    free(host);
    free(buyer);
    return MRV_OK;
}
