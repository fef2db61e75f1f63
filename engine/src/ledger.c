/*
** ledger.c -- the ledger built from a run's statistics
** (docs/allocation.md).
**
** mrv_ledger_build takes the project's allocation (agreement.c) and the
** conservativeness rule of the project, or else of the methodology
** (conserv.c), both validated when the files were loaded.  Then, per
** vintage: the basis estimate of reductions
** (central, mean or lower), the programme rule applied once
** (conservativeness.csv shows the unadjusted estimate and each
** adjustment), issuance in whole tonnes, and the waterfall of
** ledger_calc.c.  With Monte Carlo draws, the same agreement runs on every
** draw (mrv__ledger_draws).
**
** The ledger owns one arena (its arrays); strings and YAML nodes are
** borrowed from the run's bound model, which outlives it.  Sweeps are in
** ledger_sweep.c.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ledger_int.h"
#include "stats.h"

/* Basis, rule 'r' and issuance of every vintage; the total row sums
** them.  'at' is the allocation, where an estimate too large is
** reported. */
static mrv_status conserve(mrv_ledger *l, const mrv_run *run,
                           const mrv_rule_spec *r, const mrv_ynode *at,
                           mrv_diag *d)
{
    bool mc = run->draws > 0 && run->reduction_draws;
    size_t nd = mc ? (size_t)run->draws : 0;
    double *x = NULL;
    if (mc && l->rule != MRV_RULE_NONE) {
        x = malloc(nd * sizeof *x);
        if (!x) return MRV_ENOMEM;
    }
    mrv_conserv *tot = &l->cons[l->nvint];
    memset(tot, 0, sizeof *tot);
    double carried = 0;
    for (size_t v = 0; v < l->nvint; v++) {
        const mrv_stat *s = &run->stats[v * MRV_NRESULTS + MRV_RES_REDUCTIONS];
        mrv_conserv *c = &l->cons[v];
        c->central = s->central;
        double b = s->central;
        if (mc && l->basis == MRV_BASIS_MEAN) b = s->mean;
        if (mc && l->basis == MRV_BASIS_LOWER) b = s->lower;
        c->basis_adj = c->central - b;
        c->unadjusted = b;
        if (x) {
            memcpy(x, run->reduction_draws + v * nd, nd * sizeof *x);
        }
        mrv_conserv_apply(r, c, x, nd);
        if (!isfinite(c->creditable) ||
            c->creditable >= (double)MRV_LEDGER_MAX_TONNES) {
            free(x);
            return mrv_error(d, at->pos, MRV_EDOMAIN,
                             "the creditable estimate of vintage %d (%g t) "
                             "is beyond 10^15 t",
                             l->first + (int)v, c->creditable);
        }
        l->issued[v] = mrv_ledger_issue_carry(c->creditable, &carried);
        l->carried[v] = carried;
        l->issued[l->nvint] += l->issued[v];
        /* Each draw gives up the same tonnes as the reported estimate:
        ** the rule's deduction reflects the monitoring's precision, not
        ** the realisation.  basis: lower is such a rule; mean is only the
        ** choice of estimator, and a draw is its own estimate. */
        l->draw_adj[v] = c->rule_adj;
        if (mc && l->basis == MRV_BASIS_LOWER) l->draw_adj[v] += c->basis_adj;
        tot->central += c->central;
        tot->basis_adj += c->basis_adj;
        tot->unadjusted += c->unadjusted;
        tot->rule_adj += c->rule_adj;
        tot->creditable += c->creditable;
    }
    tot->half_width = tot->relative = tot->factor = (double)NAN;
    if (l->issued[l->nvint] > MRV_LEDGER_MAX_TONNES) {
        free(x);
        return mrv_error(d, at->pos, MRV_EDOMAIN,
                         "the crediting period issues %lld t in all, beyond "
                         "10^15 t",
                         (long long)l->issued[l->nvint]);
    }
    l->carried[l->nvint] = carried;
    /* Units already issued that later losses leave uncovered: issued
    ** beyond the estimates of the whole period. */
    double over =
        (double)l->issued[l->nvint] - mrv_ledger_round(tot->creditable);
    l->overissued = over > 0 ? over : 0;
    free(x);
    return MRV_OK;
}

/* Whether every draw stays inside what a ledger holds: no vintage's
** creditable estimate, nor the crediting period's issuance, beyond
** 10^15 t.  mrv_ledger_issue would cap such a draw, and the host's and
** buyer's statistics would then be of other numbers than the draws'. */
static mrv_status draws_fit(const mrv_ledger *l, const mrv_run *run,
                            const mrv_ynode *at, mrv_diag *d)
{
    const double max = (double)MRV_LEDGER_MAX_TONNES;
    for (uint64_t i = 0; i < run->draws; i++) {
        double sum = 0;
        for (size_t v = 0; v < l->nvint; v++) {
            double e =
                run->reduction_draws[v * run->draws + i] - l->draw_adj[v];
            if (e >= max)
                return mrv_error(d, at->pos, MRV_EDOMAIN,
                                 "draw %llu gives vintage %d a creditable "
                                 "estimate of %g t, beyond 10^15 t: the "
                                 "inputs' uncertainty reaches far past any "
                                 "project",
                                 (unsigned long long)i + 1, l->first + (int)v,
                                 e);
            sum += e > 0 ? e : 0;
        }
        if (sum > max)
            return mrv_error(d, at->pos, MRV_EDOMAIN,
                             "draw %llu issues %g t over the crediting "
                             "period, beyond 10^15 t: the inputs' "
                             "uncertainty reaches far past any project",
                             (unsigned long long)i + 1, sum);
    }
    return MRV_OK;
}

/* ---- the ledger -------------------------------------------------------- */

void mrv_ledger_free(mrv_ledger *l)
{
    if (!l) return;
    mrv_arena_free(l->arena);
}

static mrv_ledger *ledger_new(const mrv_bound *b, double confidence)
{
    mrv_arena *a = mrv_arena_new(NULL, NULL);
    if (!a) return NULL;
    mrv_ledger *l = mrv_arena_alloc(a, sizeof *l);
    if (!l) {
        mrv_arena_free(a);
        return NULL;
    }
    l->arena = a;
    l->project = b->project->id;
    l->first = b->first;
    l->nvint = b->nvint;
    l->confidence = confidence;
    l->lb_confidence = 0.90;
    l->lb_precision = (double)NAN;
    l->cons = mrv_arena_array(a, l->nvint + 1, sizeof *l->cons);
    l->draw_adj = mrv_arena_array(a, l->nvint, sizeof *l->draw_adj);
    l->issued = mrv_arena_array(a, l->nvint + 1, sizeof *l->issued);
    l->carried = mrv_arena_array(a, l->nvint + 1, sizeof *l->carried);
    l->authorized = mrv_arena_array(a, l->nvint, sizeof *l->authorized);
    if (mrv_arena_failed(a)) {
        mrv_arena_free(a);
        return NULL;
    }
    return l;
}

/* Runs the agreement on the issued units: the cells and their total row. */
static bool fill_cells(mrv_ledger *l)
{
    size_t nc = MRV_LEDGER_NCOLS(&l->agr);
    l->cells = mrv_arena_array(l->arena, (l->nvint + 1) * nc, sizeof *l->cells);
    if (!l->cells) return false;
    mrv_ledger_waterfall(&l->agr, l->nvint, l->issued, l->cells, l->authorized);
    int64_t *tot = l->cells + l->nvint * nc;
    for (size_t v = 0; v < l->nvint; v++)
        for (size_t c = 0; c < nc; c++) tot[c] += l->cells[v * nc + c];
    return true;
}

/* The agreement as this ledger applies it: copied from the validated
** allocation and rule (strings and arrays borrowed). */
static void take_terms(mrv_ledger *l, const mrv_allocation *al,
                       const mrv_rule_spec *r, const char *from)
{
    l->agr = al->agr;
    l->source = al->source;
    l->naccounts = al->naccounts;
    for (size_t i = 0; i < al->naccounts; i++) l->accounts[i] = al->accounts[i];
    l->basis = al->basis;
    l->ft = al->ft;
    for (int e = 0; e < MRV_NEVENTS; e++) l->years[e] = al->years[e];
    l->rule_from = from;
    if (!r) return;
    l->rule = r->rule;
    l->lb_confidence = r->confidence;
    l->lb_precision = r->precision;
}

mrv_status mrv_ledger_build(mrv_run *run, mrv_diag *d)
{
    return mrv_ledger_build_for(run, run->bound->project->allocation, d);
}

mrv_status mrv_ledger_build_for(mrv_run *run, const mrv_allocation *al,
                                mrv_diag *d)
{
    const mrv_bound *b = run->bound;
    const char *from;
    const mrv_rule_spec *rule = mrv_project_rule(b->project, b->meth, &from);
    if (!al) return MRV_EINTERNAL;
    /* The files were checked when they were loaded; what is left is
    ** whether this run has what the rule reads (--draws may change it). */
    if (rule && rule->rule != MRV_RULE_NONE &&
        (run->draws == 0 || !run->reduction_draws))
        return mrv_error(d, rule->node->pos, MRV_EDOMAIN,
                         "the conservativeness rule '%s' reads the spread of "
                         "the Monte Carlo draws, and this run has none "
                         "(draws: 0)",
                         mrv__rule_names[rule->rule]);
    mrv_ledger *l = ledger_new(b, run->confidence);
    if (!l) return MRV_ENOMEM;
    take_terms(l, al, rule, from);
    mrv_status st = conserve(l, run, rule, al->node, d);
    if (st == MRV_OK && !fill_cells(l)) st = MRV_ENOMEM;
    if (st == MRV_OK && run->draws > 0 && run->reduction_draws) {
        l->mc.p_schedule =
            mrv_arena_array(l->arena, l->nvint, sizeof *l->mc.p_schedule);
        if (l->agr.split == MRV_SPLIT_BUYER_VOLUME)
            l->mc.p_complete =
                mrv_arena_array(l->arena, l->nvint, sizeof *l->mc.p_complete);
        if (!l->mc.p_schedule ||
            (l->agr.split == MRV_SPLIT_BUYER_VOLUME && !l->mc.p_complete))
            st = MRV_ENOMEM;
    }
    if (st == MRV_OK && run->draws > 0 && run->reduction_draws)
        st = draws_fit(l, run, al->node, d);
    if (st == MRV_OK && run->draws > 0 && run->reduction_draws) {
        st = mrv__ledger_draws(l, &l->agr, run->reduction_draws, run->draws,
                               &l->mc);
        l->has_mc = st == MRV_OK;
    }
    if (st != MRV_OK) {
        mrv_ledger_free(l);
        return st;
    }
    if (run->draws == 0 && l->basis != MRV_BASIS_CENTRAL) {
        l->basis_fallback = true;
        mrv_warning(d, al->basis_node->pos,
                    "'basis: %s' without Monte Carlo draws is the central "
                    "estimate",
                    mrv__basis_names[l->basis]);
    }
    /* A shortfall left at the end is a loss no later vintage makes up;
    ** it matters where units were issued against it. */
    int last = l->first + (int)l->nvint - 1;
    if (l->overissued > 0)
        mrv_warning(d, al->node->pos,
                    "vintage %d carries a shortfall of %.15g t out of the "
                    "crediting period: %.15g units issued exceed the "
                    "period's creditable estimates, a reversal the "
                    "agreement must compensate (cancel from the buffer "
                    "pool, or replace)",
                    last, l->carried[l->nvint], l->overissued);
    if (!al->ft_node)
        mrv_warning(d, al->node->pos,
                    "the agreement has no 'first_transfer': adjustments.csv "
                    "is keyed by vintage only and aef.csv lists no actions");
    run->ledger = l;
    return MRV_OK;
}
