/*
** report.c -- vintages.csv, report.json and the printed table.
**
** Numbers in files use %.17g so that every double reads back exactly
** (docs/outputs.md); the table on the terminal rounds for reading.  report.json
** carries what a validator needs to re-run and compare: the engine
** version, every input file with its SHA-256, the search path the files
** were found on, the seed, draws, sampling method and generator, the
** factors used with their sources, and the central value of every
** equation (not only the four results) at every vintage, the rules of
** the methodology with the project's answer to each, and whether every
** input is sourced or an assumption (inputs.h).  Nothing in it
** changes between identical runs (no time stamps, no thread count);
** 'mrv verify' (verify.c) re-runs it and compares every number.
**
** Numbers and strings are formatted by output.c; the files are written
** as one set through its mrv_outset.
*/
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "inputs.h"
#include "ledger.h"
#include "mc.h"
#include "monout.h"
#include "propagate.h"
#include "report.h"
#include "term.h"

#ifndef MRV_VERSION_STRING
#define MRV_VERSION_STRING "0.0.0"
#endif

/* ---- vintages.csv ------------------------------------------------------ */

size_t mrv_report_period_unit_len(const char *unit)
{
    static const char *const per[] = {"/yr", "/year", "/a"};
    size_t len = unit ? strlen(unit) : 0;
    for (size_t i = 0; i < sizeof per / sizeof *per; i++) {
        size_t k = strlen(per[i]);
        if (len > k && strcmp(unit + len - k, per[i]) == 0) return len - k;
    }
    return len;
}

/* The first two fields of a row of vintages.csv or sensitivity.csv: the
** vintage (or "total") and the result. */
static void csv_where(mrv_csv *c, const mrv_run *run, size_t v, size_t r)
{
    if (v < run->nvint)
        mrv_csv_int(c, run->bound->first + (int)v);
    else
        mrv_csv_text(c, "total");
    mrv_csv_text(c, mrv_result_names[r]);
}

bool mrv_report_vintages_csv(const mrv_run *run, FILE *f)
{
    mrv_csv c;
    mrv_csv_begin(&c, f);
    mrv_csv_raw(&c, MRV_VINTAGES_HEADER);
    mrv_csv_end(&c);
    const mrv_bound *b = run->bound;
    for (size_t v = 0; v <= run->nvint; v++) {
        for (int r = 0; r < MRV_NRESULTS; r++) {
            const mrv_stat *s = &run->stats[v * MRV_NRESULTS + r];
            csv_where(&c, run, v, (size_t)r);
            mrv_csv_g17(&c, s->central);
            mrv_csv_g17(&c, s->mean);
            mrv_csv_g17(&c, s->sd);
            mrv_csv_g17(&c, s->lower);
            mrv_csv_g17(&c, s->median);
            mrv_csv_g17(&c, s->upper);
            const char *unit = b->meth->eqs[b->meth->results[r]].unit_text;
            if (v < run->nvint) {
                mrv_csv_text(&c, unit);
                mrv_csv_g17(&c, b->frac[v]);
            } else {
                size_t k = mrv_report_period_unit_len(unit);
                char *pu = malloc(k + 1);
                if (!pu) return false; /* errno ENOMEM, for the message */
                memcpy(pu, unit, k);
                pu[k] = '\0';
                mrv_csv_text(&c, pu);
                free(pu);
                mrv_csv_text(&c, NULL);
            }
            mrv_csv_end(&c);
        }
    }
    return !ferror(f);
}

/* ---- sensitivity.csv --------------------------------------------------- */

bool mrv_report_sensitivity_csv(const mrv_run *run, FILE *f)
{
    mrv_csv c;
    mrv_csv_begin(&c, f);
    mrv_csv_raw(&c, MRV_SENSITIVITY_HEADER);
    mrv_csv_end(&c);
    const mrv_sensitivity *s = run->sens;
    for (size_t col = 0; s && s->draws && col < s->ncols; col++) {
        size_t v = col / MRV_NRESULTS;
        for (size_t j = 0; j < s->count[col]; j++) {
            const mrv_sens_row *r = &s->rows[s->first[col] + j];
            csv_where(&c, run, v, col % MRV_NRESULTS);
            mrv_csv_text(&c, s->inputs[r->input]);
            mrv_csv_g17(&c, r->rank_correlation);
            mrv_csv_g17(&c, r->variance_share);
            mrv_csv_end(&c);
        }
    }
    return !ferror(f);
}

/* ---- report.json ------------------------------------------------------- */

static const char *sampling_name(mrv_sampling m)
{
    return m == MRV_SAMPLE_LHS ? "lhs" : "random";
}

/* The draws are enough when the bounds of the first half of them are
** within CONVERGED of the mean of the bounds of all of them
** (docs/uncertainty.md: the 2.5th and 97.5th percentiles move by less than
** 0.5 % of the mean when the draws double).  Finds the column where they
** move most, relative to |mean|; columns with a zero mean are skipped.
** Returns that shift (0 when none). */
#define CONVERGED 0.005
static double worst_shift(const mrv_run *run, size_t *at)
{
    double worst = 0;
    *at = 0;
    for (size_t k = 0; k < (run->nvint + 1) * MRV_NRESULTS; k++) {
        const mrv_stat *s = &run->stats[k];
        if (s->mean == 0) continue;
        double sh = fmax(fabs(s->lower_half - s->lower),
                         fabs(s->upper_half - s->upper)) /
                    fabs(s->mean);
        if (sh > worst) {
            worst = sh;
            *at = k;
        }
    }
    return worst;
}

/* report.json's "monte_carlo": the settings that reproduce the draws, how
** each distribution is drawn, the convergence check and the IPCC
** Approach 1 tolerance.  Nothing here depends on the thread count. */
static void json_monte_carlo(const mrv_run *run, FILE *f)
{
    fputs("\"monte_carlo\": {", f);
    fprintf(f, "\"draws\": %llu, \"seed\": %llu, \"confidence\": ",
            (unsigned long long)run->draws, (unsigned long long)run->seed);
    mrv_json_num(f, run->confidence);
    fputs(", \"method\": ", f);
    mrv_json_str(f, sampling_name(run->method));
    fputs(", \"quantiles\": \"Hyndman-Fan type 7\"", f);
    if (run->draws == 0) {
        fputc('}', f);
        return;
    }
    fprintf(f,
            ",\n    \"generator\": \"%s\", \"block_size\": %d,\n"
            "    \"streams\": \"one per uncertain input and block: the "
            "whole taus2 state from SplitMix64 of (seed, the input's "
            "stream id, block); a stream id hashes where the input "
            "belongs: its parameter or factor entry, the years and members "
            "on the way to its value, and the year and members it is drawn "
            "for when it varies\",\n    \"samplers\": {",
            MRV_MC_GENERATOR, MRV_MC_BLOCK);
    static const mrv_dist dists[] = {MRV_DIST_NORMAL, MRV_DIST_LOGNORMAL,
                                     MRV_DIST_TRIANGULAR, MRV_DIST_UNIFORM,
                                     MRV_DIST_PERT};
    for (size_t i = 0; i < sizeof dists / sizeof *dists; i++) {
        fprintf(f, "%s\"%s\": ", i ? ", " : "", mrv_mc_dist_name(dists[i]));
        mrv_json_str(f, mrv_mc_sampler_text(dists[i]));
    }
    fputs("},\n    \"truncation\": \"a draw outside the parameter's bounds "
          "is drawn again (by inverse CDF over [F(lo), F(hi)] when less than "
          "half the distribution is inside)\"",
          f);
    if (run->method == MRV_SAMPLE_LHS)
        fputs(",\n    \"lhs\": \"per input a random permutation of draws "
              "equal-probability strata, a uniform jitter inside each, then "
              "the inverse CDF (AS 241 for the normal, a Newton search on "
              "the incomplete Beta function for PERT)\"",
              f);
    size_t at;
    double sh = worst_shift(run, &at);
    fputs(",\n    \"convergence\": {\"check\": \"bounds from the first half "
          "of the draws against all draws, relative to |mean|\", "
          "\"threshold\": ",
          f);
    mrv_json_num(f, CONVERGED);
    fputs(", \"worst_shift\": ", f);
    mrv_json_num(f, sh);
    fputs(", \"worst_vintage\": ", f);
    if (at / MRV_NRESULTS < run->nvint)
        fprintf(f, "%d", run->bound->first + (int)(at / MRV_NRESULTS));
    else
        fputs("\"total\"", f);
    fputs(", \"worst_result\": ", f);
    mrv_json_str(f, mrv_result_names[at % MRV_NRESULTS]);
    fprintf(f, ", \"stable\": %s}", sh <= CONVERGED ? "true" : "false");
    fputs(",\n    \"ipcc_approach1\": {\"method\": \"first-order "
          "propagation, central -+ z sd, sd^2 = sum (df/dx_i sd_i)^2 with "
          "the derivatives by central differences of the program over -+ "
          "one sd of each input (Kragten), each input once\", "
          "\"flag_tolerance\": ",
          f);
    mrv_json_num(f, MRV_IPCC_TOLERANCE);
    fputs(", \"flag_materiality\": ", f);
    mrv_json_num(f, MRV_IPCC_MATERIAL);
    fputs(", \"flag_rule\": \"the lower bound differs from the Monte Carlo "
          "lower bound by more than flag_tolerance of the Monte Carlo "
          "half-width, and either the two lie on opposite sides of zero or, "
          "for a crediting-period total, the difference is more than "
          "flag_materiality of the central estimate\"}}",
          f);
}

/* The values of equation e at vintage index v over its dimensions from
** axis k on, members of the earlier axes fixed in combination 'm' so far:
** an object per axis keyed by member name, numbers at the bottom. */
/* "sensitivity": {...} (docs/outputs.md). */
static void json_sensitivity(const mrv_run *run, FILE *f)
{
    const mrv_sensitivity *s = run->sens;
    fprintf(f, "\"sensitivity\": {\"draws\": %llu",
            (unsigned long long)s->draws);
    if (!s->draws) {
        fputs(", \"skipped\": ", f);
        mrv_json_str(f, s->skipped);
        fputc('}', f);
        return;
    }
    fprintf(f,
            ", \"bins\": %zu,\n    \"estimators\": {\"rank_correlation\": "
            "\"Spearman's rho of the input's and the result's draws\", "
            "\"variance_share\": \"first-order index Var(E[Y|X]) / Var(Y): "
            "the draws in equal bins of the input's rank, (SSB - (B - 1) "
            "SSW / (N - B)) / SST, clamped to [0, 1]\"},\n    \"results\": [",
            s->bins);
    bool first = true;
    for (size_t col = 0; col < s->ncols; col++) {
        if (!s->count[col]) continue;
        size_t v = col / MRV_NRESULTS;
        fputs(first ? "\n     {\"vintage\": " : ",\n     {\"vintage\": ", f);
        first = false;
        if (v < run->nvint)
            fprintf(f, "%d", run->bound->first + (int)v);
        else
            fputs("\"total\"", f);
        fputs(", \"result\": ", f);
        mrv_json_str(f, mrv_result_names[col % MRV_NRESULTS]);
        fputs(", \"inputs\": [", f);
        for (size_t j = 0; j < s->count[col]; j++) {
            const mrv_sens_row *r = &s->rows[s->first[col] + j];
            fputs(j ? ",\n       {\"input\": " : "\n       {\"input\": ", f);
            mrv_json_str(f, s->inputs[r->input]);
            fputs(", \"rank_correlation\": ", f);
            mrv_json_num(f, r->rank_correlation);
            fputs(", \"variance_share\": ", f);
            mrv_json_num(f, r->variance_share);
            fputc('}', f);
        }
        fputs("]}", f);
    }
    fputs("\n    ]}", f);
}

static void json_members(const mrv_run *run, FILE *f, size_t e, size_t v,
                         size_t k, size_t m)
{
    const mrv_bound *b = run->bound;
    const mrv_equation *eq = &b->meth->eqs[e];
    if (k == eq->nover) {
        mrv_json_num(f, mrv_run_equation_value(run, e, v, m));
        return;
    }
    int d = eq->over[k];
    fputc('{', f);
    for (size_t i = 0; i < b->nmembers[d]; i++) {
        if (i) fputs(", ", f);
        mrv_json_str(f, b->members[d][i]);
        fputs(": ", f);
        json_members(run, f, e, v, k + 1, m * b->nmembers[d] + i);
    }
    fputc('}', f);
}

/* report.json's "equations": every equation's central value at every
** vintage in its declared unit (mrv_run_equation_value: for a result with
** frac 1, the very bits of vintages.csv's central), so intermediate
** quantities (a landfill's CH4_gen, say) can be seen and checked.  An
** equation over dimensions says so ("over") and gives per vintage an
** object of its members (nested in the order of 'over'). */
static void json_equations(const mrv_run *run, FILE *f)
{
    const mrv_bound *b = run->bound;
    const mrv_methodology *m = b->meth;
    fputs("\"equations\": [", f);
    for (size_t e = 0; e < m->neqs; e++) {
        const mrv_equation *eq = &m->eqs[e];
        fprintf(f, "%s\n    {\"name\": ", e ? "," : "");
        mrv_json_str(f, eq->name);
        fputs(", \"unit\": ", f);
        mrv_json_str(f, eq->unit_text);
        fputs(", \"description\": ", f);
        if (eq->description)
            mrv_json_str(f, eq->description);
        else
            fputs("null", f);
        for (int r = 0; r < MRV_NRESULTS; r++) {
            if (m->results[r] != (int)e) continue;
            fputs(", \"result\": ", f);
            mrv_json_str(f, mrv_result_names[r]);
            break;
        }
        for (size_t k = 0; k < eq->nover; k++) {
            fputs(k ? ", " : ", \"over\": [", f);
            mrv_json_str(f, m->dims[eq->over[k]].name);
            if (k + 1 == eq->nover) fputc(']', f);
        }
        fputs(",\n     \"central\": {", f);
        for (size_t v = 0; run->eq_central && v < run->nvint; v++) {
            fprintf(f, "%s\"%d\": ", v ? ", " : "", b->first + (int)v);
            json_members(run, f, e, v, 0, 0);
        }
        fputs("}}", f);
    }
    fputs("\n  ]", f);
}

/* The leaves of a value tree, each with the years and members on the way
** to it ("at"), as written and as used: in the parameter's declared unit
** for the project's year. */
static void json_leaves(const mrv_bound *b, const mrv_param *p,
                        const mrv_vnode *n, const char **at, size_t nat,
                        bool *first, FILE *f)
{
    if (n->kind != MRV_V_LEAF) {
        char years[MRV_MAX_AXES][8];
        for (size_t i = 0; i < n->n && nat < MRV_MAX_AXES; i++) {
            if (n->kind == MRV_V_YEARS) {
                snprintf(years[nat], sizeof years[nat], "%d", n->years[i]);
                at[nat] = years[nat];
            } else {
                at[nat] = b->members[n->dim][i];
            }
            json_leaves(b, p, n->kids[i], at, nat + 1, first, f);
        }
        return;
    }
    fprintf(f, "%s\n       {\"at\": [", *first ? "" : ",");
    *first = false;
    for (size_t i = 0; i < nat; i++) {
        if (i) fputs(", ", f);
        mrv_json_str(f, at[i]);
    }
    fputs("], \"written\": ", f);
    mrv_json_str(f, n->text);
    fputs(", \"used\": ", f);
    if (p->nchoices) /* a name, kept as its index */
        mrv_json_str(f, p->choices[(size_t)n->value]);
    else
        mrv_json_num(f,
                     mrv_unit_from_internal(n->value, p->unit, b->year_days));
    fprintf(f, ", \"line\": %u, \"column\": %u}", n->pos.line, n->pos.col);
}

/* report.json's "parameters": every input as written ("25 km/d") and as
** used (9125 in km/yr), so a validator sees each conversion, and whether
** it is sourced or an assumption, with the source or the assumption. */
static void json_parameters(const mrv_run *run, const mrv_inputs *in, FILE *f)
{
    const mrv_bound *b = run->bound;
    const mrv_methodology *m = b->meth;
    fputs("\"parameters\": [", f);
    for (size_t i = 0; i < m->nparams; i++) {
        const mrv_param *p = &m->params[i];
        fprintf(f, "%s\n    {\"name\": ", i ? "," : "");
        mrv_json_str(f, p->name);
        fputs(", \"unit\": ", f);
        mrv_json_str(f, p->unit_text);
        fputs(", \"from\": ", f);
        mrv_json_str(f, b->value_origin[i]);
        /* Sourced or an assumption, and why (inputs.h). */
        const mrv_input_row *r = i < in->n ? &in->rows[i] : NULL;
        fputs(", \"status\": ", f);
        mrv_json_str(f, !r ? "" : r->assumed ? "assumption" : "sourced");
        fputs(", \"assumption\": ", f);
        mrv_json_str(f, r ? r->assumption : NULL);
        fputs(", \"source\": ", f);
        mrv_json_str(f, r ? r->source : NULL);
        fputs(", \"uncertainty\": ", f);
        mrv_json_str(f, r ? r->uncertainty : NULL);
        fputs(", \"values\": [", f);
        const char *at[MRV_MAX_AXES];
        bool first = true;
        json_leaves(b, p, b->values[i], at, 0, &first, f);
        fputs("]}", f);
    }
    fputs("\n  ]", f);
}

/* report.json's "search": where methodologies and factor tables were
** looked up by id, in order, as the run was given them (relative to its
** working directory), so a re-run finds the same files. */
static void json_search(const mrv_run *run, FILE *f)
{
    fputs("\"search\": {\"methodologies\": [", f);
    for (size_t i = 0; i < run->search.nmeth; i++) {
        if (i) fputs(", ", f);
        mrv_json_str(f, run->search.meth_dirs[i]);
    }
    fputs("], \"factors\": [", f);
    for (size_t i = 0; i < run->search.nfactor; i++) {
        if (i) fputs(", ", f);
        mrv_json_str(f, run->search.factor_dirs[i]);
    }
    fputs("]}", f);
}

/* The value a choice parameter takes, as written ("poa"), from the
** inputs list; NULL when the rule names no choice. */
static const mrv_input_row *rule_answer(const mrv_meth_rule *r,
                                        const mrv_inputs *in)
{
    return r->choice >= 0 && (size_t)r->choice < in->n ? &in->rows[r->choice]
                                                       : NULL;
}

/* "rules": the methodology's rules with the project's answer to each
** ("" when a rule names no choice). */
static void json_rules(const mrv_run *run, const mrv_inputs *in, FILE *f)
{
    const mrv_methodology *m = run->bound->meth;
    fputs("\"rules\": [", f);
    for (size_t i = 0; i < m->nrules; i++) {
        const mrv_meth_rule *r = &m->rules[i];
        const mrv_input_row *a = rule_answer(r, in);
        fprintf(f, "%s\n    {\"name\": ", i ? "," : "");
        mrv_json_str(f, r->name);
        fputs(", \"text\": ", f);
        mrv_json_str(f, r->text);
        fputs(", \"source\": ", f);
        mrv_json_str(f, r->source);
        fputs(", \"choice\": ", f);
        mrv_json_str(f, a ? a->name : NULL);
        fputs(", \"answer\": ", f);
        mrv_json_str(f, a ? a->value : NULL);
        fputc('}', f);
    }
    fputs(m->nrules ? "\n  ]" : "]", f);
}

bool mrv_report_json(const mrv_run *run, FILE *f)
{
    const mrv_bound *b = run->bound;
    const mrv_project *p = b->project;
    const mrv_methodology *m = b->meth;
    bool mc = run->draws > 0;
    mrv_inputs in; /* each input's status, for "parameters" and "rules" */
    if (mrv_inputs_list(b, &in) != MRV_OK) return false;
    fputs("{\n  \"engine\": {\"name\": \"mrv\", \"version\": ", f);
    mrv_json_str(f, MRV_VERSION_STRING);
    fputs("},\n  \"project\": {\"id\": ", f);
    mrv_json_str(f, p->id);
    fputs(", \"title\": ", f);
    mrv_json_str(f, p->title);
    fputs(", \"host\": ", f);
    mrv_json_str(f, p->host);
    fputs("},\n  \"methodology\": {\"id\": ", f);
    mrv_json_str(f, m->id);
    fputs(", \"title\": ", f);
    mrv_json_str(f, m->title);
    fputs(", \"reference\": ", f);
    mrv_json_str(f, m->reference);
    fprintf(f, ", \"version\": %ld, \"kind\": ", m->version);
    mrv_json_str(f, m->removals ? "removals" : "reductions");
    fputs("},\n  \"crediting_period\": {", f);
    fprintf(f, "\"first\": %d, \"last\": %d", b->first, b->last);
    if (p->by_dates)
        fprintf(
            f, ", \"start\": \"%04d-%02d-%02d\", \"end\": \"%04d-%02d-%02d\"",
            p->start.y, p->start.m, p->start.d, p->end.y, p->end.m, p->end.d);
    /* The year d, h, min, s and W were converted to yr with. */
    fputs("},\n  \"year_length\": {\"days\": ", f);
    mrv_json_num(f, b->year_days);
    fputs(", \"hours\": ", f);
    mrv_json_num(f, b->year_days * 24);
    fputs(", \"given\": ", f);
    if (p->year_length)
        mrv_json_str(f, p->year_length->text);
    else
        fputs("null", f);
    fputs("},\n  \"units\": {", f);
    for (int r = 0; r < MRV_NRESULTS; r++) {
        if (r) fputs(", ", f);
        mrv_json_str(f, mrv_result_names[r]);
        fputs(": ", f);
        mrv_json_str(f, m->eqs[m->results[r]].unit_text);
    }
    fputs("},\n  \"results\": {", f);
    for (int r = 0; r < MRV_NRESULTS; r++) {
        if (r) fputs(", ", f);
        mrv_json_str(f, mrv_result_names[r]);
        fputs(": ", f);
        mrv_json_str(f, m->eqs[m->results[r]].name);
    }
    fputs("},\n  \"vintages\": [", f);
    for (size_t v = 0; v < run->nvint; v++) {
        fprintf(f, "%s\n    {\"vintage\": %d, \"frac\": ", v ? "," : "",
                b->first + (int)v);
        mrv_json_num(f, b->frac[v]);
        for (int r = 0; r < MRV_NRESULTS; r++) {
            fputs(", ", f);
            mrv_json_str(f, mrv_result_names[r]);
            fputs(": ", f);
            mrv_json_stat(f, &run->stats[v * MRV_NRESULTS + r], mc);
        }
        fputc('}', f);
    }
    fputs("\n  ],\n  \"total\": {", f);
    for (int r = 0; r < MRV_NRESULTS; r++) {
        if (r) fputs(", ", f);
        mrv_json_str(f, mrv_result_names[r]);
        fputs(": ", f);
        mrv_json_stat(f, &run->stats[run->nvint * MRV_NRESULTS + r], mc);
    }
    fputs("},\n  ", f);
    json_equations(run, f);
    fputs(",\n  ", f);
    json_parameters(run, &in, f);
    fputs(",\n  ", f);
    json_rules(run, &in, f);
    fputs(",\n  ", f);
    json_monte_carlo(run, f);
    if (run->sens) {
        fputs(",\n  ", f);
        json_sensitivity(run, f);
    }
    fputs(",\n  \"factors\": [", f);
    for (size_t i = 0; i < b->nfactors_used; i++) {
        const mrv_factor *fc = b->factors_used[i];
        fprintf(f, "%s\n    {\"id\": ", i ? "," : "");
        mrv_json_str(f, fc->id);
        fputs(", \"value\": ", f);
        mrv_json_num(f, fc->value);
        fputs(", \"unit\": ", f);
        mrv_json_str(f, fc->unit_text);
        fputs(", \"source\": ", f);
        mrv_json_str(f, fc->source);
        fputc('}', f);
    }
    fputs("\n  ],\n  ", f);
    json_search(run, f);
    fputs(",\n  \"inputs\": [", f);
    for (size_t i = 0; i < b->nfiles; i++) {
        fprintf(f, "%s\n    {\"role\": ", i ? "," : "");
        mrv_json_str(f, b->files[i].role);
        fputs(", \"path\": ", f);
        mrv_json_str(f, b->files[i].path);
        fputs(", \"sha256\": ", f);
        mrv_json_str(f, b->files[i].sha256_hex);
        fputc('}', f);
    }
    fputs("\n  ]", f);
    /* ",\n  \"monitoring\": {...}" or nothing */
    bool ok = mrv_monout_json(run, f);
    mrv_ledger_json(run, f); /* ",\n  \"ledger\": {...}" or nothing */
    fputs("\n}\n", f);
    mrv_inputs_free(&in);
    return ok && !ferror(f);
}

/* ---- the terminal table ------------------------------------------------ */

/* Whole tonnes with thousands separators: the table's unit of reading. */
static char *thousands(double x, char *buf, size_t n)
{
    return mrv_fmt_num(x, 0, buf, n);
}

/* Free text from a file on one terminal line, cut to 'max' bytes at a
** UTF-8 boundary with "..." (term.h makes it safe to print). */
static void put_cut(FILE *f, const char *s, size_t max)
{
    if (!s) return;
    size_t n = strlen(s);
    if (n <= max) {
        mrv_term_puts(f, s, MRV_TERM_LINE);
        return;
    }
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80) max--;
    char buf[256];
    if (max >= sizeof buf - 4) max = sizeof buf - 4;
    memcpy(buf, s, max);
    memcpy(buf + max, "...", 4);
    mrv_term_puts(f, buf, MRV_TERM_LINE);
}

/* The methodology's rules with the project's answer to each, then every
** input, sourced or an assumption, with the source or the assumption:
** what a validator reads before the numbers.  report.json and report.html
** give the same at more length (inputs.h). */
static void print_rules_and_inputs(const mrv_run *run, FILE *f)
{
    const mrv_methodology *m = run->bound->meth;
    mrv_inputs in;
    if (mrv_inputs_list(run->bound, &in) != MRV_OK) return;
    if (m->nrules) fputs("rules of the methodology:\n", f);
    for (size_t i = 0; i < m->nrules; i++) {
        const mrv_meth_rule *r = &m->rules[i];
        const mrv_input_row *a = rule_answer(r, &in);
        fprintf(f, "  %s: ", r->name);
        put_cut(f, r->text, 100);
        if (a) {
            fprintf(f, "\n    this project: %s = ", a->name);
            put_cut(f, a->value, 40);
            const char *why = a->assumption ? a->assumption : a->source;
            if (why) {
                fputs(" (", f);
                put_cut(f, why, 100);
                fputc(')', f);
            }
        }
        fputc('\n', f);
    }
    size_t nasm = 0, w = 0;
    for (size_t i = 0; i < in.n; i++) {
        nasm += in.rows[i].assumed;
        if (strlen(in.rows[i].name) > w) w = strlen(in.rows[i].name);
    }
    if (in.n)
        fprintf(f, "inputs: %zu sourced, %zu assumption%s\n", in.n - nasm, nasm,
                nasm == 1 ? "" : "s");
    for (size_t i = 0; i < in.n; i++) {
        const mrv_input_row *r = &in.rows[i];
        fprintf(f, "  %-10s  %-*s  ", r->assumed ? "assumption" : "sourced",
                (int)w, r->name);
        if (r->assumption) {
            put_cut(f, r->assumption, 100);
        } else if (r->source) {
            put_cut(f, r->source, 100);
        } else {
            fputs("no source given", f);
        }
        fputc('\n', f);
    }
    mrv_inputs_free(&in);
}

/* Under the table: the five inputs with the largest share of the
** variance of the crediting-period total of reductions. */
static void table_drivers(const mrv_run *run, FILE *f)
{
    const mrv_sensitivity *s = run->sens;
    if (!s) return;
    if (!s->draws) {
        if (s->skipped) fprintf(f, "  sensitivity: none (%s)\n", s->skipped);
        return;
    }
    size_t col = run->nvint * MRV_NRESULTS + MRV_RES_REDUCTIONS,
           n = s->count[col];
    if (!n) return;
    const char *what =
        run->bound->meth->removals ? "net removals" : "reductions";
    char nd[40];
    fprintf(f, "  inputs driving %s (total), from the first %s draws:\n", what,
            thousands((double)s->draws, nd, sizeof nd));
    size_t w = 0;
    for (size_t j = 0; j < n && j < 5; j++) {
        size_t l = strlen(s->inputs[s->rows[s->first[col] + j].input]);
        if (l > w) w = l;
    }
    for (size_t j = 0; j < n && j < 5; j++) {
        const mrv_sens_row *r = &s->rows[s->first[col] + j];
        fputs("    ", f);
        mrv_term_puts(f, s->inputs[r->input], MRV_TERM_LINE);
        fprintf(f, "%*s  %5.1f%% of variance, rank correlation %+.2f\n",
                (int)(w - strlen(s->inputs[r->input])), "",
                r->variance_share * 100, r->rank_correlation);
    }
}

void mrv_report_table(const mrv_run *run, FILE *f)
{
    const mrv_bound *b = run->bound;
    const mrv_project *p = b->project;
    const mrv_methodology *m = b->meth;
    /* Free text from the files stays on its line (term.h). */
    fprintf(f, "%s", p->id);
    if (p->title) {
        fputs(": ", f);
        mrv_term_puts(f, p->title, MRV_TERM_LINE);
    }
    fprintf(f, "\nmethodology %s", m->id);
    if (m->version) fprintf(f, " v%ld", m->version);
    if (m->reference) {
        fputs(" (", f);
        mrv_term_puts(f, m->reference, MRV_TERM_LINE);
        fputc(')', f);
    }
    fprintf(f, "\ncrediting period %d-%d, ", b->first, b->last);
    const char *unit = m->eqs[m->results[MRV_RES_REDUCTIONS]].unit_text;
    if (run->draws)
        fprintf(f, "%llu draws (seed %llu), %g%% interval; %s\n",
                (unsigned long long)run->draws, (unsigned long long)run->seed,
                run->confidence * 100, unit);
    else
        fprintf(f, "central case (no Monte Carlo); %s\n", unit);
    print_rules_and_inputs(run, f);
    fputc('\n', f);
    static const char *const heads[2][MRV_NRESULTS] = {
        {"baseline", "project", "leakage", "reductions"},
        {"baseline", "actual", "leakage", "net removals"}};
    const char *const *h = heads[m->removals ? 1 : 0];
    /* With draws, the reductions' interval and IPCC Approach 1 beside
    ** it, as central +- half-width, '!' where the two disagree. */
    size_t ivw = 0;
    char(*iv)[96] = NULL, (*ip)[48] = NULL;
    bool flagged = false;
    if (run->draws) {
        iv = calloc(run->nvint + 1, sizeof *iv);
        ip = calloc(run->nvint + 1, sizeof *ip);
    }
    for (size_t v = 0; iv && ip && v <= run->nvint; v++) {
        const mrv_stat *s = &run->stats[v * MRV_NRESULTS + MRV_RES_REDUCTIONS];
        char lo[40], hi[40];
        snprintf(iv[v], sizeof iv[v], "[%s, %s]",
                 thousands(s->lower, lo, sizeof lo),
                 thousands(s->upper, hi, sizeof hi));
        if (isfinite(s->ipcc_sd))
            snprintf(ip[v], sizeof ip[v], "+-%s%s",
                     thousands(s->ipcc_upper - s->central, lo, sizeof lo),
                     s->ipcc_disagrees ? " !" : "");
        else
            snprintf(ip[v], sizeof ip[v], "n/a");
        flagged |= s->ipcc_disagrees;
        if (strlen(iv[v]) > ivw) ivw = strlen(iv[v]);
    }
    char ivh[48];
    snprintf(ivh, sizeof ivh, "%g%% interval", run->confidence * 100);
    if (strlen(ivh) > ivw) ivw = strlen(ivh);
    fprintf(f, "%8s %13s %13s %13s %13s", "vintage", h[0], h[1], h[2], h[3]);
    if (iv && ip) fprintf(f, "  %-*s  %s", (int)ivw, ivh, "IPCC A1");
    fputc('\n', f);
    for (size_t v = 0; v <= run->nvint; v++) {
        char lab[16];
        if (v < run->nvint) {
            snprintf(lab, sizeof lab, "%d", b->first + (int)v);
            if (b->frac[v] == 0) {
                /* A monitored project's year outside every period. */
                fprintf(f,
                        "%8s   not monitored: no day of it lies in a "
                        "monitoring period\n",
                        lab);
                continue;
            }
            if (b->frac[v] < 1) {
                size_t l = strlen(lab);
                snprintf(lab + l, sizeof lab - l, "*");
            }
        } else {
            snprintf(lab, sizeof lab, "total");
        }
        fprintf(f, "%8s", lab);
        for (int r = 0; r < MRV_NRESULTS; r++) {
            char x[40];
            fprintf(f, " %13s",
                    thousands(run->stats[v * MRV_NRESULTS + r].central, x,
                              sizeof x));
        }
        if (iv && ip) fprintf(f, "  %-*s  %s", (int)ivw, iv[v], ip[v]);
        fputc('\n', f);
    }
    free(iv);
    free(ip);
    if (run->draws) {
        fprintf(f,
                "  IPCC A1: IPCC Approach 1 (first-order propagation), "
                "central +- half-width%s\n",
                flagged ? ";" : "");
        if (flagged)
            fprintf(f,
                    "  ! where its lower bound would change a conclusion: "
                    "on the other side of zero,\n    or off by more than "
                    "%g%% of the total's central estimate (material)\n",
                    MRV_IPCC_MATERIAL * 100);
        size_t at;
        double sh = worst_shift(run, &at);
        char where[64];
        if (at / MRV_NRESULTS < run->nvint)
            snprintf(where, sizeof where, "%s %d",
                     mrv_result_names[at % MRV_NRESULTS],
                     b->first + (int)(at / MRV_NRESULTS));
        else
            snprintf(where, sizeof where, "%s total",
                     mrv_result_names[at % MRV_NRESULTS]);
        if (sh <= CONVERGED)
            fprintf(f,
                    "  bounds from half the draws are within %.2g%% of "
                    "the mean of those from all: enough draws\n",
                    sh * 100);
        else
            fprintf(f,
                    "  bounds from half the draws move by %.2g%% of the "
                    "mean (%s), more than %g%%: use more draws\n",
                    sh * 100, where, CONVERGED * 100);
    }
    table_drivers(run, f);
    bool partial = false;
    for (size_t v = 0; v < run->nvint; v++)
        partial |= b->frac[v] > 0 && b->frac[v] < 1;
    if (partial)
        fputs("  * partial vintage: results scaled by its share of days\n", f);
}

/* ---- the output folder ------------------------------------------------- */

/* This module's files, in the order written (ORDER FILES): each by a
** writer to a stream, or (report.xlsx) by one that writes by file name. */
static const struct {
    const char *name;
    bool (*write)(const mrv_run *, FILE *);
    mrv_status (*write_path)(const mrv_run *, const char *, mrv_diag *);
} files[] = {
    {"vintages.csv", mrv_report_vintages_csv, NULL},
    {"sensitivity.csv", mrv_report_sensitivity_csv, NULL},
    {"report.json", mrv_report_json, NULL},
    {"report.html", mrv_report_html, NULL},
    {"report.xlsx", NULL, mrv_report_xlsx},
};
#define NFILES    (sizeof files / sizeof *files)
#define MAX_OWNED 24

const char *mrv_report_file_name(size_t i)
{
    return i < NFILES ? files[i].name : NULL;
}

/* Every name an output folder of mrv's may hold: ours, then the
** ledger's. */
static size_t owned_names(const char **names)
{
    size_t n = 0;
    for (size_t i = 0; i < NFILES; i++) names[n++] = files[i].name;
    for (size_t i = 0; mrv_ledger_file_name(i) && n < MAX_OWNED; i++)
        names[n++] = mrv_ledger_file_name(i);
    if (n < MAX_OWNED) names[n++] = MRV_SWEEP_FILE;
    for (size_t i = 0; mrv_monout_file_name(i) && n < MAX_OWNED; i++)
        names[n++] = mrv_monout_file_name(i);
    return n;
}

mrv_status mrv_report_check_dir(const char *dir, mrv_diag *d)
{
    const char *owned[MAX_OWNED];
    size_t n = owned_names(owned);
    return mrv_outset_check(dir, owned, n, d);
}

mrv_status mrv_report_write(const mrv_run *run, const char *dir, mrv_diag *d)
{
    return mrv_report_write_named(run, dir, NULL, 0, d);
}

/* With more than one thread, the streams (every file but report.xlsx)
** are written on a thread of their own while report.xlsx is written on
** the caller's: it is the longest writer (7 ms on the bench project,
** against 2 ms for all the others), and the two share nothing (files
** of their own; the run, read only).  libxlsxwriter stays on the
** caller's thread, with the memory it has when writing file after file:
** it does not survive every allocation failure.  The bytes written do
** not depend on the threads. */
#define MAX_STREAMS   (NFILES + 8)        /* ours, then the monitoring files */
#define STREAMS_STACK ((size_t)512 << 10) /* the writers need a few KiB */

typedef struct {
    const mrv_run *run;
    FILE *const *out; /* MAX_STREAMS: files[i], then monout i at NFILES + i */
    size_t from, to;  /* the writers to run, [from, to) */
    size_t failed;    /* the first failing writer's index, or MAX_STREAMS */
    int err;          /* its failing write's errno, for the message */
} streams;

/* Writes the streams from 'from' to 'to', stopping at the first failure. */
static void streams_write(streams *w)
{
    for (size_t i = w->from; i < w->to && i < MAX_STREAMS; i++) {
        if (!w->out[i]) continue;
        bool wrote = i < NFILES
                         ? files[i].write(w->run, w->out[i])
                         : mrv_monout_write(w->run, i - NFILES, w->out[i]);
        if (!wrote) {
            w->failed = i;
            w->err = errno;
            return;
        }
    }
}

static void *streams_main(void *arg)
{
    streams_write(arg);
    return NULL;
}

/* Starts the streams' thread; false: the caller writes them. */
static bool streams_start(streams *w, pthread_t *tid)
{
    pthread_attr_t attr;
    if (pthread_attr_init(&attr) != 0) return false;
    bool started = pthread_attr_setstacksize(&attr, STREAMS_STACK) == 0 &&
                   pthread_create(tid, &attr, streams_main, w) == 0;
    pthread_attr_destroy(&attr);
    return started;
}

/* Records in 'to' what the private sink 'from' holds. */
static void diag_merge(mrv_diag *to, const mrv_diag *from)
{
    for (size_t i = 0; i < mrv_diag_count(from); i++) {
        const mrv_diag_entry *e = mrv_diag_get(from, i);
        if (e->sev == MRV_SEV_ERROR)
            mrv_error(to, e->pos, e->code, "%s", e->msg);
        else if (e->sev == MRV_SEV_WARNING)
            mrv_warning(to, e->pos, "%s", e->msg);
        else
            mrv_note(to, e->pos, "%s", e->msg);
    }
}

mrv_status mrv_report_write_named(const mrv_run *run, const char *dir,
                                  char *names, size_t n, mrv_diag *d)
{
    const char *owned[MAX_OWNED];
    mrv_outset *s = NULL;
    mrv_status st = mrv_outset_open(dir, owned, owned_names(owned), &s, d);
    if (st != MRV_OK) return st;
    /* Every file is created first, in the order listed, so the set holds
    ** the same names in the same order however the writing is shared. */
    FILE *out[MAX_STREAMS] = {NULL};
    char path[PATH_MAX];
    size_t at = SIZE_MAX;    /* the file written by path: its files[] index */
    mrv_status pst = MRV_OK; /* its status */
    bool ok = true;
    for (size_t i = 0; ok && i < NFILES; i++) {
        if (files[i].write_path) {
            pst = mrv_outset_path(s, files[i].name, path, sizeof path, d);
            at = i;
            ok = pst == MRV_OK;
        } else {
            ok = (out[i] = mrv_outset_file(s, files[i].name, d)) != NULL;
        }
    }
    for (size_t i = 0; ok && mrv_monout_file_name(i); i++) {
        if (!mrv_monout_writes(run, i)) continue;
        if (NFILES + i >= MAX_STREAMS) { /* a file added without room */
            mrv_srcpos nowhere = {NULL, 0, 0};
            mrv_error(d, nowhere, MRV_EINTERNAL, "report: no room for '%s'",
                      mrv_monout_file_name(i));
            ok = false;
            break;
        }
        out[NFILES + i] = mrv_outset_file(s, mrv_monout_file_name(i), d);
        ok = out[NFILES + i] != NULL;
    }
    streams w = {run, out, 0, MAX_STREAMS, MAX_STREAMS, 0};
    if (!ok) {
        w.failed = at; /* stands for any failure here */
        w.err = errno;
    } else {
        /* Then written.  A failure is the first in the order listed, as
        ** on one thread: report.xlsx's counts only when no stream
        ** before it failed, so it is recorded apart until then. */
        pthread_t tid;
        mrv_diag *xd = NULL;
        bool apart = at != SIZE_MAX && run->threads != 1 &&
                     (xd = mrv_diag_new()) != NULL && streams_start(&w, &tid);
        if (apart) {
            pst = files[at].write_path(run, path, xd);
            pthread_join(tid, NULL);
            if (pst != MRV_OK && at < w.failed) {
                diag_merge(d, xd);
                w.failed = at;
            }
        } else {
            w.to = at;
            streams_write(&w);
            if (w.failed == MAX_STREAMS && at != SIZE_MAX) {
                pst = files[at].write_path(run, path, d);
                if (pst != MRV_OK) w.failed = at;
                w.from = at + 1;
                w.to = MAX_STREAMS;
                if (w.failed == MAX_STREAMS) streams_write(&w);
            }
        }
        mrv_diag_free(xd);
        if (w.failed == MAX_STREAMS && run->ledger &&
            mrv_ledger_write(run, s, d) != MRV_OK) {
            w.failed = MAX_STREAMS + 1;
            w.err = errno;
        }
    }
    if (w.failed == at && pst != MRV_OK && mrv_diag_status(d) == MRV_OK) {
        mrv_outset_abort(s);
        return pst; /* out of memory: nothing recorded */
    }
    return mrv_outset_finish(s, w.failed == MAX_STREAMS, w.err, names, n, d);
}
