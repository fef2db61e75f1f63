/*
** run.c -- the pipeline: resolve, compile, lower, evaluate, summarise.
**
** The central case is one lane with every input at its central value.
** Monte Carlo (mc.c) fills the same program's inputs with draws, block by
** block.  Either way a non-finite equation value is an input error: the
** first failing check (earliest vintage, then dependency order) is traced
** back to the operation that produced it and reported at that formula
** position, naming the equation, the vintage and how many draws failed.
**
** The same lowering gives a second program that keeps every equation's
** value (not only the four results), run once on the central inputs for
** report.json's equations and, with its trail, 'mrv explain'; its
** results must be bit for bit those of the first, which is checked.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "eval.h"
#include "exante.h"
#include "ledger.h"
#include "lower.h"
#include "mc.h"
#include "nonfinite.h"
#include "run.h"

void mrv_run_free(mrv_run *run)
{
    if (!run) return;
    free(run->stats);
    free(run->cum_stats);
    mrv_sensitivity_free(run->sens);
    free(run->reduction_draws);
    free(run->all_draws);
    free(run->eq_central);
    for (size_t i = 0; i < run->nperiods; i++) free(run->periods[i].frac);
    free(run->periods);
    free(run->gaps);
    if (run->ex_ante) {
        free(run->ex_ante->stats);
        free(run->ex_ante->periods);
        free(run->ex_ante->inputs);
        mrv_bound_free(run->ex_ante->bound);
        free(run->ex_ante);
    }
    mrv_ledger_free(run->ledger);
    mrv_sweep_free(run->sweep);
    mrv_bound_free(run->bound);
    free(run);
}

/* Every equation is checked finite by the VM, but a result times its
** unit's scale, or the crediting-period total of finite vintages, can
** still overflow: an error at the result's formula, never an inf (or a
** null) in the outputs.  The Monte Carlo checks its draws the same way. */
static mrv_status check_central(const mrv_run *run, mrv_diag *d)
{
    const mrv_methodology *m = run->bound->meth;
    for (size_t v = 0; v <= run->nvint; v++) {
        for (int r = 0; r < MRV_NRESULTS; r++) {
            if (isfinite(run->stats[v * MRV_NRESULTS + r].central)) continue;
            const mrv_equation *e = &m->eqs[m->results[r]];
            if (v == run->nvint)
                return mrv_error(d, mrv_expr_pos(e->formula_node, 0),
                                 MRV_EDOMAIN,
                                 "the crediting-period total of '%s' (the "
                                 "%s) overflows in the central case",
                                 e->name, mrv_result_names[r]);
            return mrv_error(d, mrv_expr_pos(e->formula_node, 0), MRV_EDOMAIN,
                             "'%s' (the %s) overflows in vintage %d of the "
                             "central case once converted to '%s'",
                             e->name, mrv_result_names[r],
                             run->bound->first + (int)v, e->unit_text);
        }
    }
    return MRV_OK;
}

/* Runs program 'p' of bound 'b' once, every input at its value: *out
** gets every slot (the caller frees it).  A non-finite value is an error
** at the formula that made it. */
static mrv_status eval_central(const mrv_program *p, const mrv_bound *b,
                               double **out, mrv_diag *d)
{
    *out = NULL;
    double *slots = calloc(p->nslots + 1, sizeof *slots);
    uint64_t *bad = calloc(p->nchecks + 1, sizeof *bad);
    uint64_t *first = malloc((p->nchecks + 1) * sizeof *first);
    if (!slots || !bad || !first) {
        free(slots);
        free(bad);
        free(first);
        return MRV_ENOMEM;
    }
    for (size_t i = 0; i < p->nchecks; i++) first[i] = UINT64_MAX;
    for (size_t i = 0; i < p->ninputs; i++) slots[i] = p->inputs[i].center;
    mrv_eval_fill_consts(p, slots, 1, 1);
    mrv_eval_run(p, slots, 1, 1, 0, bad, first);
    mrv_status st = MRV_OK;
    for (size_t i = 0; i < p->nchecks; i++) {
        if (bad[i]) {
            /* Re-fill the inputs: the run may have reused nothing of them,
            ** but the trace needs them as they were. */
            for (size_t j = 0; j < p->ninputs; j++)
                slots[j] = p->inputs[j].center;
            st = mrv__nonfinite_report(p, b, i, 1, 0, 0, slots, 1, 0, d);
            break;
        }
    }
    free(bad);
    free(first);
    if (st != MRV_OK) {
        free(slots);
        return st;
    }
    *out = slots;
    return MRV_OK;
}

static mrv_status run_central(mrv_run *run, mrv_diag *d)
{
    const mrv_program *p = run->program;
    size_t nres = run->nvint * MRV_NRESULTS;
    double *slots;
    mrv_status st = eval_central(p, run->bound, &slots, d);
    if (st != MRV_OK) return st;
    for (size_t k = 0; k < nres; k++) {
        double x = slots[p->result_slot[k]] * p->result_scale[k];
        run->stats[k].central = x;
    }
    for (int r = 0; r < MRV_NRESULTS; r++) {
        double t = 0;
        for (size_t v = 0; v < run->nvint; v++)
            t += run->stats[v * MRV_NRESULTS + r].central;
        run->stats[run->nvint * MRV_NRESULTS + r].central = t;
    }
    free(slots);
    return check_central(run, d);
}

/* Every equation at every vintage, central case, from the central
** program (and the trail's values with it).  The results in it are
** computed by the same instructions as in run->program, so they must
** equal the central values already found bit for bit; anything else is a
** bug in lowering. */
static mrv_status run_equations(mrv_run *run, mrv_trail *trail, mrv_diag *d)
{
    mrv_status st = MRV_OK;
    const mrv_program *p = run->eq_program;
    const mrv_bound *b = run->bound;
    const mrv_methodology *m = b->meth;
    size_t nv = run->nvint, nq = b->neqvals;
    double *slots = calloc(p->nslots + 1, sizeof *slots);
    uint64_t *bad = calloc(p->nchecks + 1, sizeof *bad);
    uint64_t *first = malloc((p->nchecks + 1) * sizeof *first);
    run->eq_central = malloc((nq + 1) * sizeof *run->eq_central);
    if (!slots || !bad || !first || !run->eq_central) {
        st = MRV_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < p->nchecks; i++) first[i] = UINT64_MAX;
    for (size_t i = 0; i < p->ninputs; i++) slots[i] = p->inputs[i].center;
    mrv_eval_fill_consts(p, slots, 1, 1);
    mrv_eval_run(p, slots, 1, 1, 0, bad, first);
    for (size_t k = 0; k < nq; k++) run->eq_central[k] = slots[p->eq_slot[k]];
    if (trail) mrv_trail_fill(trail, slots);
    /* Finite in the internal scale (the VM checks), but report.json gives
    ** each in its declared unit, which may be far smaller than a kg. */
    for (size_t e = 0; e < m->neqs && st == MRV_OK; e++) {
        for (size_t k = 0; k < nv * b->eq_nmem[e] && st == MRV_OK; k++) {
            size_t v = k / b->eq_nmem[e], mi = k % b->eq_nmem[e];
            if (isfinite(mrv_run_equation_value(run, e, v, mi))) continue;
            const mrv_equation *eq = &m->eqs[e];
            char label[512];
            mrv_bound_eq_label(b, e, mi, label, sizeof label);
            st = mrv_error(d, mrv_expr_pos(eq->formula_node, 0), MRV_EDOMAIN,
                           "'%s' overflows in vintage %d of the central case "
                           "once converted to '%s'",
                           label, b->first + (int)v, eq->unit_text);
        }
    }
    for (size_t v = 0; v < nv && st == MRV_OK; v++) {
        for (int r = 0; r < MRV_NRESULTS; r++) {
            size_t k = v * MRV_NRESULTS + r;
            double x = slots[p->result_slot[k]] * p->result_scale[k];
            double want = run->stats[k].central;
            if (memcmp(&x, &want, sizeof x) != 0) {
                mrv_srcpos none = {NULL, 0, 0};
                st = mrv_error(d, none, MRV_EINTERNAL,
                               "the equations' program gives %.17g for %s "
                               "in %d, the results' program %.17g (a bug "
                               "in mrv's lowering)",
                               x, mrv_result_names[r],
                               run->bound->first + (int)v, want);
                break;
            }
        }
    }
out:
    free(slots);
    free(bad);
    free(first);
    return st;
}

/* The search path, copied into the bound's arena: the caller's strings
** need not outlive the call, the run's report needs them. */
static bool keep_search(mrv_run *run, const mrv_search *s)
{
    mrv_arena *a = run->bound->arena;
    const char **md = mrv_arena_array(a, s->nmeth + 1, sizeof *md);
    const char **fd = mrv_arena_array(a, s->nfactor + 1, sizeof *fd);
    if (!md || !fd) return false;
    for (size_t i = 0; i < s->nmeth; i++)
        if (!(md[i] = mrv_arena_strdup(a, s->meth_dirs[i]))) return false;
    for (size_t i = 0; i < s->nfactor; i++)
        if (!(fd[i] = mrv_arena_strdup(a, s->factor_dirs[i]))) return false;
    run->search.meth_dirs = md;
    run->search.nmeth = s->nmeth;
    run->search.factor_dirs = fd;
    run->search.nfactor = s->nfactor;
    return true;
}

/* Without draws every statistic is the central value (docs/outputs.md). */
static void central_only_stats(mrv_run *run)
{
    for (size_t k = 0; k < (run->nvint + 1) * MRV_NRESULTS; k++) {
        mrv_stat *s = &run->stats[k];
        s->mean = s->median = s->lower = s->upper = s->central;
        s->lower_half = s->upper_half = s->central;
        s->sd = s->se_mean = 0;
        s->p_below = (double)NAN;
    }
}

void mrv_gsl_handler_off(void)
{
    gsl_set_error_handler_off();
}

#ifndef MRV_DATADIR
#define MRV_DATADIR "/usr/local/share/mrv"
#endif

/* Where a caller that names no folder finds methodologies and factor
** tables (a zeroed mrv_options, as mrv.h's minimal program has it): the
** installed ones, PREFIX/share/mrv, compiled in as MRV_DATADIR. */
static const char *const installed_meth[] = {MRV_DATADIR "/methodologies"};
static const char *const installed_factors[] = {MRV_DATADIR "/factors"};

static mrv_search with_installed(const mrv_search *given)
{
    mrv_search s;
    if (given)
        s = *given;
    else
        memset(&s, 0, sizeof s);
    if (s.nmeth == 0) {
        s.meth_dirs = installed_meth;
        s.nmeth = 1;
    }
    if (s.nfactor == 0) {
        s.factor_dirs = installed_factors;
        s.nfactor = 1;
    }
    return s;
}

/* Surveys whose units' values come from an equation (docs/monitoring.md,
** "Sampling surveys"): the equation's central values, each unit's at the
** last vintage the run covers, from a lowering of their own before the
** rest is lowered.  A period's bound shares its run's estimates. */
static mrv_status survey_equations(mrv_bound *b, const mrv_compiled *cp,
                                   mrv_diag *d)
{
    mrv_mondata *md = b->mon;
    bool any = false;
    for (size_t i = 0; i < md->nsurveys; i++)
        any |= md->surveys[i].equation >= 0;
    if (!any || b->parent) return MRV_OK;
    /* Names are resolved now: an equation a survey reads must not read
    ** what the survey estimates. */
    for (size_t i = 0; i < md->nsurveys; i++) {
        const mrv_survey *sv = &md->surveys[i];
        if (sv->equation < 0 ||
            !mrv_methodology_reads(b->meth, sv->equation, sv->param))
            continue;
        return mrv_error(d, mrv_ymap_get(sv->node, "equation")->pos,
                         MRV_ESCHEMA,
                         "equation '%s' reads '%s', the parameter its survey "
                         "estimates",
                         b->meth->eqs[sv->equation].name, sv->name);
    }
    size_t v = b->nvint;
    while (v > 0 && b->frac[v - 1] == 0) v--;
    if (v == 0) return MRV_OK; /* no vintage covered: nothing to read */
    v--;
    mrv_lower_opts lo = {true, false};
    mrv_lowered lw;
    double *slots = NULL;
    mrv_status st = mrv_lower_with(b, cp, &lo, &lw, d);
    if (st == MRV_OK) st = eval_central(lw.central, b, &slots, d);
    for (size_t i = 0; i < md->nsurveys && st == MRV_OK; i++) {
        mrv_survey *sv = &md->surveys[i];
        if (sv->equation < 0) continue;
        size_t n = b->nmembers[sv->sample_dim];
        double *x = malloc((n + 1) * sizeof *x);
        if (!x) {
            st = MRV_ENOMEM;
            break;
        }
        for (size_t m = 0; m < n; m++)
            x[m] = slots[lw.central->eq_slot[mrv_bound_eq_at(
                b, (size_t)sv->equation, v, m)]];
        sv->vintage = b->first + (int)v;
        st = mrv_bound_survey_equation(b, i, x, d);
        free(x);
    }
    free(slots);
    return st;
}

/* The central total of the reductions over the vintages of 'b', from a
** lowering of its own: what a conservative choice compares. */
static mrv_status central_reductions(const mrv_bound *b, const mrv_compiled *cp,
                                     double *out, mrv_diag *d)
{
    const mrv_program *p;
    double *slots;
    mrv_status st = mrv_lower(b, cp, &p, d);
    if (st == MRV_OK) st = eval_central(p, b, &slots, d);
    if (st != MRV_OK) return st;
    double t = 0;
    for (size_t v = 0; v < p->nvint; v++) {
        size_t k = v * MRV_NRESULTS + MRV_RES_REDUCTIONS;
        t += slots[p->result_slot[k]] * p->result_scale[k];
    }
    *out = t;
    free(slots);
    return MRV_OK;
}

/* Tries both ends of conservative choice 'id' and keeps the one with the
** lower total reductions; with 'surveys', the equation surveys are
** estimated again from each end first (a gap in a tree's height moves
** its plot's stock, which a survey reads). */
static mrv_status choose(mrv_bound *b, const mrv_compiled *cp, size_t id,
                         bool surveys, mrv_diag *d)
{
    double lo, hi;
    mrv_bound_set_conservative(b, id, false, false);
    mrv_status st = surveys ? survey_equations(b, cp, d) : MRV_OK;
    if (st == MRV_OK) st = central_reductions(b, cp, &lo, d);
    if (st != MRV_OK) return st;
    mrv_bound_set_conservative(b, id, true, false);
    if (surveys) st = survey_equations(b, cp, d);
    if (st == MRV_OK) st = central_reductions(b, cp, &hi, d);
    if (st == MRV_OK) mrv_bound_set_conservative(b, id, hi < lo, true);
    return st;
}

/* The conservative choices (docs/monitoring.md): each monitored
** parameter's conservative gap fills, then, with the gaps settled, the
** surveys' estimates and the bounds of those whose precision falls
** short, each the end that gives the lower total reductions in the
** central case, found by trying both. */
static mrv_status settle(mrv_bound *b, const mrv_compiled *cp, mrv_diag *d)
{
    const mrv_mondata *md = b->mon;
    size_t cap = md->nparams + md->nsurveys;
    size_t *idx = malloc((cap + 1) * sizeof *idx);
    if (!idx) return MRV_ENOMEM;
    size_t n = mrv_bound_conservative(b, idx, cap);
    mrv_status st = MRV_OK;
    for (size_t i = 0; i < n && st == MRV_OK; i++)
        if (idx[i] < md->nparams) st = choose(b, cp, idx[i], true, d);
    if (st == MRV_OK) st = survey_equations(b, cp, d);
    if (st == MRV_OK) n = mrv_bound_conservative(b, idx, cap);
    for (size_t i = 0; i < n && st == MRV_OK; i++)
        if (idx[i] >= md->nparams) st = choose(b, cp, idx[i], false, d);
    free(idx);
    return st;
}

static mrv_status prepare(const char *path, const mrv_search *search,
                          const mrv_lower_opts *lo, mrv_bound **b,
                          const mrv_compiled **cp, mrv_lowered *lw, mrv_diag *d)
{
    mrv_status st = mrv_resolve(path, search, b, d);
    if (st != MRV_OK) return st;
    st = mrv_compile((*b)->meth, (*b)->arena, cp, d);
    if (st == MRV_OK) st = settle(*b, *cp, d);
    if (st == MRV_OK) st = mrv_lower_with(*b, *cp, lo, lw, d);
    if (st != MRV_OK) {
        mrv_bound_free(*b);
        *b = NULL;
    }
    return st;
}

/* Whether gap 'g' of a period's run is one the whole run filled the
** same way already. */
static bool known_gap(const mrv_run *run, const mrv_gap *g)
{
    for (size_t i = 0; i < run->ngaps; i++) {
        const mrv_gap *k = &run->gaps[i];
        if (!k->window && k->mp == g->mp && k->from == g->from &&
            k->to == g->to && k->fill == g->fill && k->value == g->value &&
            memcmp(k->mem, g->mem, sizeof k->mem) == 0)
            return true;
    }
    return false;
}

/* Keeps the gaps of bound 'b' in the run's list (docs/monitoring.md,
** the data-quality table): a period's only when the whole run did not
** fill the same slot the same way. */
static mrv_status keep_gaps(mrv_run *run, const mrv_bound *b)
{
    const mrv_mondata *md = b->mon;
    for (size_t i = 0; i < md->ngaps; i++) {
        if (md->focus && known_gap(run, &md->gaps[i])) continue;
        mrv_gap *g = realloc(run->gaps, (run->ngaps + 1) * sizeof *g);
        if (!g) return MRV_ENOMEM;
        g[run->ngaps++] = md->gaps[i];
        run->gaps = g;
    }
    return MRV_OK;
}

/* The settings of the run 'run' for the draws of a run of its own on
** bound 'b' (a period's, the ex-ante project's): the same draws, seed,
** method and confidence. */
static void sub_run_init(mrv_run *sub, const mrv_run *run, mrv_bound *b)
{
    memset(sub, 0, sizeof *sub);
    sub->bound = b;
    sub->nvint = b->nvint;
    sub->draws = run->draws;
    sub->seed = run->seed;
    sub->confidence = run->confidence;
    sub->method = run->method;
}

/* Frees what the Monte Carlo of a run of its own kept beside its stats. */
static void sub_run_free_draws(mrv_run *sub)
{
    free(sub->cum_stats);
    free(sub->reduction_draws);
    free(sub->all_draws);
    mrv_sensitivity_free(sub->sens);
    sub->sens = NULL;
    sub->cum_stats = NULL;
    sub->reduction_draws = sub->all_draws = NULL;
}

/* Evaluates a run of its own (sub_run_init) with compiled methodology
** 'cp': its conservative fills, the central case and the draws, into
** sub->stats (free the rest with sub_run_free_draws). */
static mrv_status sub_run(mrv_run *sub, const mrv_compiled *cp,
                          unsigned threads, mrv_diag *d)
{
    sub->compiled = cp;
    mrv_status st = settle(sub->bound, cp, d);
    if (st == MRV_OK) st = mrv_lower(sub->bound, cp, &sub->program, d);
    if (st != MRV_OK) return st;
    sub->stats = calloc((sub->nvint + 1) * MRV_NRESULTS, sizeof *sub->stats);
    if (!sub->stats) return MRV_ENOMEM;
    st = run_central(sub, d);
    if (st == MRV_OK && sub->draws == 0) central_only_stats(sub);
    if (st == MRV_OK && sub->draws) st = mrv_mc_run(sub, threads, NULL, d);
    return st;
}

/* Each monitoring period: its bound, run with the run's draws; its four
** results are the crediting-period totals of that run (every vintage
** outside the period counts 0). */
static mrv_status run_periods(mrv_run *run, unsigned threads, mrv_diag *d)
{
    const mrv_mondata *md = run->bound->mon;
    run->periods = calloc(md->nperiods + 1, sizeof *run->periods);
    if (!run->periods) return MRV_ENOMEM;
    mrv_status st = MRV_OK;
    for (size_t i = 0; i < md->nperiods && st == MRV_OK; i++) {
        mrv_period_result *pr = &run->periods[run->nperiods++];
        pr->period = &md->periods[i];
        mrv_bound *f = NULL;
        st = mrv_bound_focus(run->bound, i, &f, d);
        if (st != MRV_OK) break;
        mrv_run sub;
        sub_run_init(&sub, run, f);
        st = sub_run(&sub, run->compiled, threads, d);
        if (st == MRV_OK) st = keep_gaps(run, f);
        if (st == MRV_OK) {
            memcpy(pr->stats, &sub.stats[sub.nvint * MRV_NRESULTS],
                   sizeof pr->stats);
            pr->frac = malloc(f->nvint * sizeof *pr->frac);
            if (!pr->frac)
                st = MRV_ENOMEM;
            else
                memcpy(pr->frac, f->frac, f->nvint * sizeof *pr->frac);
        }
        sub.compiled = NULL;
        free(sub.stats);
        sub_run_free_draws(&sub);
        mrv_bound_free(f);
    }
    return st;
}

/* The ex-ante project's files join the run's inputs, their roles
** prefixed "ex-ante ", so 'mrv verify' checks them too. */
static mrv_status add_ex_ante_inputs(mrv_run *run, const mrv_bound *ea)
{
    mrv_bound *b = run->bound;
    mrv_input_file *fs =
        mrv_arena_array(b->arena, b->nfiles + ea->nfiles, sizeof *fs);
    if (!fs) return MRV_ENOMEM;
    memcpy(fs, b->files, b->nfiles * sizeof *fs);
    for (size_t i = 0; i < ea->nfiles; i++) {
        fs[b->nfiles + i] = ea->files[i];
        fs[b->nfiles + i].role =
            mrv_arena_printf(b->arena, "ex-ante %s", ea->files[i].role);
        if (!fs[b->nfiles + i].role) return MRV_ENOMEM;
    }
    b->files = fs;
    b->nfiles += ea->nfiles;
    return MRV_OK;
}

/* The ex-ante estimate of a monitored project (docs/monitoring.md): the
** ex-ante project bound over the same monitoring periods, run with the
** same draws, per vintage and per period; and which inputs changed. */
static mrv_status run_ex_ante(mrv_run *run, const mrv_options *opt, mrv_diag *d)
{
    const mrv_mondata *md = run->bound->mon;
    mrv_ex_ante *x = calloc(1, sizeof *x);
    if (!x) return MRV_ENOMEM;
    run->ex_ante = x;
    mrv_resolve_opts ro = {true, md->nperiods, md->periods};
    mrv_status st =
        mrv_resolve_with(md->ex_ante_path, &opt->search, &ro, &x->bound, d);
    if (st != MRV_OK) return st;
    const mrv_compiled *cp;
    st = mrv_compile(x->bound->meth, x->bound->arena, &cp, d);
    if (st != MRV_OK) return st;
    mrv_run sub;
    sub_run_init(&sub, run, x->bound);
    st = sub_run(&sub, cp, opt->threads, d);
    x->stats = sub.stats;
    sub_run_free_draws(&sub);
    if (st != MRV_OK) return st;
    x->periods = calloc(md->nperiods * MRV_NRESULTS + 1, sizeof *x->periods);
    if (!x->periods) return MRV_ENOMEM;
    for (size_t i = 0; i < md->nperiods && st == MRV_OK; i++) {
        mrv_bound *f = NULL;
        st = mrv_bound_focus(x->bound, i, &f, d);
        if (st != MRV_OK) break;
        sub_run_init(&sub, run, f);
        st = sub_run(&sub, cp, opt->threads, d);
        if (st == MRV_OK)
            memcpy(&x->periods[i * MRV_NRESULTS],
                   &sub.stats[sub.nvint * MRV_NRESULTS],
                   MRV_NRESULTS * sizeof *x->periods);
        free(sub.stats);
        sub_run_free_draws(&sub);
        mrv_bound_free(f);
    }
    if (st == MRV_OK)
        st = mrv_exante_inputs(x->bound, run->bound, &x->inputs, &x->ninputs);
    if (st == MRV_OK) st = add_ex_ante_inputs(run, x->bound);
    return st;
}

mrv_status mrv_run_new(const char *path, const mrv_options *opt, mrv_run **out,
                       mrv_diag *d)
{
    *out = NULL;
    mrv_run *run = calloc(1, sizeof *run);
    if (!run) return MRV_ENOMEM;
    mrv_lower_opts lo = {true, opt->trail};
    mrv_lowered lw;
    mrv_search search = with_installed(&opt->search);
    mrv_status st =
        prepare(path, &search, &lo, &run->bound, &run->compiled, &lw, d);
    if (st != MRV_OK) {
        free(run);
        return st;
    }
    run->program = lw.program;
    run->eq_program = lw.central;
    run->trail = lw.trail;
    const mrv_project *pj = run->bound->project;
    run->nvint = run->bound->nvint;
    run->draws = opt->draws_set ? opt->draws : pj->mc.draws;
    run->threads = opt->threads;
    run->seed = opt->seed_set ? opt->seed : pj->mc.seed;
    run->confidence = opt->confidence_set ? opt->confidence : pj->mc.confidence;
    run->method = opt->method_set ? opt->method : pj->mc.method;
    if (opt->central_only) run->draws = 0;
    run->keep_draws = opt->keep_draws;
    run->bracket_sds = opt->bracket_sds;
    run->bracket_slack = opt->bracket_slack;
    run->stats = calloc((run->nvint + 1) * MRV_NRESULTS, sizeof *run->stats);
    if (!run->stats || !keep_search(run, &search)) {
        mrv_run_free(run);
        return MRV_ENOMEM;
    }
    if (opt->ready) st = opt->ready(opt->ready_ud, run->bound, d);
    if (st == MRV_OK && opt->lower_only) {
        /* Nothing to evaluate; a warning lost to memory still fails. */
        st = mrv_diag_status(d) == MRV_ENOMEM ? MRV_ENOMEM : MRV_OK;
        if (st == MRV_OK) {
            *out = run;
            return MRV_OK;
        }
    }
    if (st == MRV_OK) st = run_central(run, d);
    if (st == MRV_OK) st = run_equations(run, lw.trail, d);
    if (st == MRV_OK) {
        if (run->draws == 0)
            central_only_stats(run);
        else
            st = mrv_mc_run(run, opt->threads, &opt->progress, d);
    }
    if (st == MRV_OK) st = keep_gaps(run, run->bound);
    if (st == MRV_OK && run->bound->mon->nperiods && !opt->central_only)
        st = run_periods(run, opt->threads, d);
    if (st == MRV_OK && run->bound->mon->ex_ante_path && !opt->central_only)
        st = run_ex_ante(run, opt, d);
    if (st == MRV_OK && pj->allocation && !opt->central_only)
        st = mrv_ledger_build(run, d);
    if (st == MRV_OK && run->ledger && opt->nsweeps)
        st = mrv_ledger_sweep_grid(run, opt->sweeps, opt->nsweeps, &run->sweep,
                                   d);
    /* A rule turns estimates into issued units; with no allocation there
    ** is nothing for it to act on, and silence would hide a typo'd key. */
    const char *from;
    const mrv_rule_spec *rule = mrv_project_rule(pj, run->bound->meth, &from);
    if (st == MRV_OK && !pj->allocation && rule && !opt->central_only)
        mrv_warning(d, rule->node->pos,
                    "'conservativeness' applies only to issued units; without "
                    "an 'allocation' it has no effect on this run");
    /* A warning that could not be recorded is lost: the run is not
    ** complete without it. */
    if (st == MRV_OK && mrv_diag_status(d) == MRV_ENOMEM) st = MRV_ENOMEM;
    if (st != MRV_OK) {
        mrv_run_free(run);
        return st;
    }
    *out = run;
    return MRV_OK;
}

mrv_status mrv_check_file(const char *path, const mrv_search *search,
                          mrv_diag *d)
{
    bool hooked = search && search->alloc;
    mrv_arena *a = hooked ? mrv_arena_new(search->alloc, search->alloc_ud)
                          : mrv_arena_new(NULL, NULL);
    if (!a) return MRV_ENOMEM;
    if (hooked) mrv_arena_set_chunk_size(a, 0);
    const mrv_ydoc *doc = NULL;
    mrv_status st = mrv_yaml_load_file(path, a, &doc, d);
    if (st != MRV_OK) {
        mrv_arena_free(a);
        return st;
    }
    switch (mrv_model_kind(doc)) {
    case MRV_FILE_METHODOLOGY: {
        const mrv_methodology *m = NULL;
        const mrv_compiled *cp = NULL;
        st = mrv_methodology_load(doc, a, &m, d);
        if (st == MRV_OK) st = mrv_compile(m, a, &cp, d);
        break;
    }
    case MRV_FILE_TABLE: {
        const mrv_table *t = NULL;
        st = mrv_table_load(doc, a, &t, d);
        break;
    }
    case MRV_FILE_PROJECT: {
        mrv_bound *b = NULL;
        const mrv_compiled *cp = NULL;
        mrv_lowered lw;
        mrv_search s = with_installed(search);
        st = prepare(path, &s, NULL, &b, &cp, &lw, d);
        /* The ex-ante project's errors are the run's too. */
        if (st == MRV_OK && b->mon->ex_ante_path) {
            mrv_resolve_opts ro = {true, b->mon->nperiods, b->mon->periods};
            mrv_bound *ea = NULL;
            const mrv_compiled *ecp;
            st = mrv_resolve_with(b->mon->ex_ante_path, &s, &ro, &ea, d);
            if (st == MRV_OK) st = mrv_compile(ea->meth, ea->arena, &ecp, d);
            mrv_bound_free(ea);
        }
        /* A period's gaps are its own: found without running it. */
        for (size_t i = 0; st == MRV_OK && i < b->mon->nperiods; i++) {
            mrv_bound *f = NULL;
            st = mrv_bound_focus(b, i, &f, d);
            mrv_bound_free(f);
        }
        mrv_bound_free(b);
        break;
    }
    case MRV_FILE_PORTFOLIO: {
        /* Its projects are found on a search path this call does not
        ** have: the portfolio module checks it (mrv_pf_check). */
        mrv_srcpos at = doc->root->pos;
        st = mrv_error(d, at, MRV_ESCHEMA,
                       "a portfolio file: check it with 'mrv check', which "
                       "finds its projects, or 'mrv portfolio'");
        break;
    }
    case MRV_FILE_UNKNOWN: {
        mrv_srcpos at = {path, 1, 1};
        if (doc->root) at = doc->root->pos;
        st = mrv_error(d, at, MRV_ESCHEMA,
                       "not an mrv file: expected a top-level 'methodology', "
                       "'project', 'table' or 'portfolio' key");
        break;
    }
    }
    mrv_arena_free(a);
    return st;
}
