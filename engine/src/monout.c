/*
** monout.c -- what a monitored run reports (monout.h).
**
** Everything here reads the run (result.h) and its bound's monitored data
** (mondata.h) and writes through output.h, so numbers read as they do in
** every other file: %.17g in CSV and JSON, rounded for people in the
** page and the table.
*/
#define _GNU_SOURCE /* fopencookie: gaps.csv's digest without holding it */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include "monout.h"
#include "output.h"
#include "sha256.h"
#include "term.h"

/* The most gaps report.json lists one by one (about 18 values each), so
** that a report stays within what mrv verify reads (docs/limits.md).
** Past it report.json gives the first ones, their number and gaps.csv's
** SHA-256, which covers every gap: gaps.csv lists all. */
#define JSON_GAPS_MAX 20000

/* ---- what a run has ---------------------------------------------------- */

/* A bound made by hand (tests) may have no monitored data at all. */
static bool monitored(const mrv_run *run)
{
    const mrv_mondata *md = run->bound->mon;
    return md && (md->nperiods || md->nparams || md->nsurveys || run->ex_ante);
}

/* Bit r set: result r reads parameter 'pi', directly, through equations,
** or through a survey whose units' values an equation reading it gives
** (a tree's height, through its plot's stock, into the stratum's mean). */
static unsigned results_reading(const mrv_bound *b, int pi)
{
    const mrv_methodology *m = b->meth;
    const mrv_mondata *md = b->mon;
    unsigned mask = 0;
    for (int r = 0; r < MRV_NRESULTS; r++) {
        bool reads = mrv_methodology_reads(m, m->results[r], pi);
        for (size_t i = 0; md && i < md->nsurveys && !reads; i++) {
            const mrv_survey *sv = &md->surveys[i];
            reads = sv->equation >= 0 &&
                    mrv_methodology_reads(m, sv->equation, pi) &&
                    mrv_methodology_reads(m, m->results[r], sv->param);
        }
        if (reads) mask |= 1u << r;
    }
    return mask;
}

bool mrv_monout_filled(const mrv_run *run, size_t v, int r)
{
    int year = run->bound->first + (int)v;
    for (size_t g = 0; g < run->ngaps; g++) {
        const mrv_gap *gp = &run->gaps[g];
        if (gp->vintage >= 0 && gp->vintage != year) continue;
        if (results_reading(run->bound, gp->mp->param) & (1u << r)) return true;
    }
    return false;
}

/* ---- text -------------------------------------------------------------- */

static void date_text(int32_t day, char *buf, size_t n)
{
    mrv_date d = mrv_date_from_ordinal(day);
    snprintf(buf, n, "%04d-%02d-%02d", d.y, d.m, d.d);
}

static void slot_text(const mrv_gap *g, char *buf, size_t n)
{
    mrv_date d = mrv_date_from_ordinal(g->from);
    if (g->mp->frequency == MRV_FREQ_DAY)
        snprintf(buf, n, "%04d-%02d-%02d", d.y, d.m, d.d);
    else if (g->mp->frequency == MRV_FREQ_MONTH)
        snprintf(buf, n, "%04d-%02d", d.y, d.m);
    else if (g->vintage >= 0)
        snprintf(buf, n, "%d", g->vintage);
    else
        snprintf(buf, n, "all");
}

/* "station ST03; fleet commuter" */
static void members_text(const mrv_bound *b, const mrv_gap *g, char *buf,
                         size_t n)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < g->mp->nmem && o + 8 < n; k++) {
        int dim = g->mp->mem_dim[k];
        o += (size_t)snprintf(buf + o, n - o, "%s%s %s", k ? "; " : "",
                              b->meth->dims[dim].name,
                              b->members[dim][g->mem[k]]);
    }
}

static const char *problem_text(const mrv_gap *g)
{
    return g->kind == MRV_ROW_EMPTY      ? "empty value"
           : g->kind == MRV_ROW_REJECTED ? "rejected reading"
                                         : "no row";
}

static void results_text(const mrv_bound *b, const mrv_gap *g, char *buf,
                         size_t n)
{
    unsigned mask = results_reading(b, g->mp->param);
    size_t o = 0;
    buf[0] = '\0';
    for (int r = 0; r < MRV_NRESULTS && o + 16 < n; r++)
        if (mask & (1u << r))
            o += (size_t)snprintf(buf + o, n - o, "%s%s", o ? " " : "",
                                  mrv_result_names[r]);
}

/* ---- periods.csv ------------------------------------------------------- */

static bool write_periods(const mrv_run *run, FILE *f)
{
    mrv_csv c;
    mrv_csv_begin(&c, f);
    mrv_csv_raw(&c, MRV_PERIODS_HEADER);
    mrv_csv_end(&c);
    for (size_t i = 0; i < run->nperiods; i++) {
        const mrv_period_result *pr = &run->periods[i];
        char a[16], z[16];
        date_text(pr->period->from, a, sizeof a);
        date_text(pr->period->to, z, sizeof z);
        for (int r = 0; r < MRV_NRESULTS; r++) {
            const mrv_stat *s = &pr->stats[r];
            mrv_csv_text(&c, pr->period->id);
            mrv_csv_text(&c, a);
            mrv_csv_text(&c, z);
            mrv_csv_text(&c, mrv_result_names[r]);
            mrv_csv_g17(&c, s->central);
            mrv_csv_g17(&c, s->mean);
            mrv_csv_g17(&c, s->sd);
            mrv_csv_g17(&c, s->lower);
            mrv_csv_g17(&c, s->median);
            mrv_csv_g17(&c, s->upper);
            mrv_csv_end(&c);
        }
    }
    return !ferror(f);
}

/* ---- gaps.csv ---------------------------------------------------------- */

static bool write_gaps(const mrv_run *run, FILE *f);

static ssize_t sha_write(void *c, const char *buf, size_t n)
{
    mrv_sha256_update(c, buf, n);
    return (ssize_t)n;
}

/* The SHA-256 of gaps.csv as write_gaps writes it, in hex, computed as
** it is written (gaps.csv can be gigabytes); false when out of memory. */
static bool gaps_csv_sha256(const mrv_run *run, char hex[65])
{
    mrv_sha256 c;
    mrv_sha256_init(&c);
    cookie_io_functions_t io = {NULL, sha_write, NULL, NULL};
    FILE *f = fopencookie(&c, "w", io);
    if (!f) return false;
    bool ok = write_gaps(run, f);
    ok = fclose(f) == 0 && ok;
    unsigned char d[32];
    mrv_sha256_final(&c, d);
    mrv_sha256_to_hex(d, hex);
    return ok;
}

#define GAPS_HEADER                                                            \
    "parameter,window,vintage,slot,members,file,line,problem,fill,value,"      \
    "unit,source_line,range_low,range_high,chosen,results"

static bool write_gaps(const mrv_run *run, FILE *f)
{
    const mrv_bound *b = run->bound;
    mrv_csv c;
    mrv_csv_begin(&c, f);
    mrv_csv_raw(&c, GAPS_HEADER);
    mrv_csv_end(&c);
    for (size_t i = 0; i < run->ngaps; i++) {
        const mrv_gap *g = &run->gaps[i];
        char slot[32], mem[300], res[64];
        slot_text(g, slot, sizeof slot);
        members_text(b, g, mem, sizeof mem);
        results_text(b, g, res, sizeof res);
        bool cons = g->fill == MRV_GAP_CONSERVATIVE;
        mrv_csv_text(&c, g->mp->name);
        mrv_csv_text(&c, g->window ? g->window : "run");
        if (g->vintage >= 0)
            mrv_csv_int(&c, g->vintage);
        else
            mrv_csv_text(&c, NULL);
        mrv_csv_text(&c, slot);
        mrv_csv_text(&c, mem);
        mrv_csv_text(&c, g->mp->file->path);
        if (g->line)
            mrv_csv_int(&c, g->line);
        else
            mrv_csv_text(&c, NULL);
        mrv_csv_text(&c, problem_text(g));
        mrv_csv_text(&c, mrv_fill_rule_names[g->fill]);
        mrv_csv_num(&c, g->value);
        mrv_csv_text(&c, g->mp->unit_text);
        if (g->from_line)
            mrv_csv_int(&c, g->from_line);
        else
            mrv_csv_text(&c, NULL);
        mrv_csv_num(&c, cons ? g->lo : (double)NAN);
        mrv_csv_num(&c, cons ? g->hi : (double)NAN);
        mrv_csv_text(&c, cons && g->chosen ? g->chosen : NULL);
        mrv_csv_text(&c, res);
        mrv_csv_end(&c);
    }
    return !ferror(f);
}

/* ---- exante.csv -------------------------------------------------------- */

#define EXANTE_HEADER                                                          \
    "id,result,scope,ex_ante,monitored,difference,ex_ante_lower,"              \
    "ex_ante_upper,monitored_lower,monitored_upper"

/* The ex-ante statistics of vintage 'year' (NULL when the ex-ante
** project has no such vintage). */
static const mrv_stat *ea_vintage(const mrv_ex_ante *x, int year, int r)
{
    const mrv_bound *eb = x->bound;
    if (year < eb->first || year > eb->last) return NULL;
    return &x->stats[(size_t)(year - eb->first) * MRV_NRESULTS + r];
}

static void ex_row(mrv_csv *c, const char *scope, const char *id, int r,
                   const mrv_stat *ea, const mrv_stat *mo)
{
    mrv_csv_text(c, id);
    mrv_csv_text(c, mrv_result_names[r]);
    mrv_csv_text(c, scope);
    mrv_csv_g17(c, ea->central);
    mrv_csv_g17(c, mo->central);
    mrv_csv_g17(c, mo->central - ea->central);
    mrv_csv_g17(c, ea->lower);
    mrv_csv_g17(c, ea->upper);
    mrv_csv_g17(c, mo->lower);
    mrv_csv_g17(c, mo->upper);
    mrv_csv_end(c);
}

static bool write_exante(const mrv_run *run, FILE *f)
{
    const mrv_ex_ante *x = run->ex_ante;
    const mrv_bound *b = run->bound;
    mrv_csv c;
    mrv_csv_begin(&c, f);
    mrv_csv_raw(&c, EXANTE_HEADER);
    mrv_csv_end(&c);
    for (size_t v = 0; v < run->nvint; v++) {
        if (b->frac[v] == 0) continue;
        char id[16];
        snprintf(id, sizeof id, "%d", b->first + (int)v);
        for (int r = 0; r < MRV_NRESULTS; r++) {
            const mrv_stat *ea = ea_vintage(x, b->first + (int)v, r);
            if (ea)
                ex_row(&c, "vintage", id, r, ea,
                       &run->stats[v * MRV_NRESULTS + r]);
        }
    }
    for (size_t i = 0; i < run->nperiods; i++)
        for (int r = 0; r < MRV_NRESULTS; r++)
            ex_row(&c, "period", run->periods[i].period->id, r,
                   &x->periods[i * MRV_NRESULTS + r],
                   &run->periods[i].stats[r]);
    return !ferror(f);
}

/* ---- surveys.csv ------------------------------------------------------- */

#define SURVEYS_HEADER                                                         \
    "parameter,stratum,n,mean,sd,se,df,t,half_width,relative_precision,"       \
    "confidence,required,met,used,value,unit"

/* Whether estimate e is used on its own: a stratum of a stratified
** survey only enters its combined estimate, so it has no value used
** (its bound would read as one: a stratum's lower bound can even be
** negative). */
static bool est_alone(const mrv_survey *sv, const mrv_stratum_est *e)
{
    return !sv->stratified || e == &sv->combined;
}

/* Each estimate of a survey, the stratified one last: in the
** parameter's declared unit. */
static void survey_row(mrv_csv *c, const mrv_bound *b, const mrv_survey *sv,
                       const mrv_stratum_est *e, bool combined)
{
    const mrv_param *p = &b->meth->params[sv->param];
    double s = mrv_unit_scale(p->unit, b->year_days);
    mrv_csv_text(c, sv->name);
    mrv_csv_text(c, combined ? "all (stratified)" : e->label);
    mrv_csv_int(c, (long long)e->n);
    mrv_csv_g17(c, e->mean / s);
    mrv_csv_num(c, e->sd / s);
    mrv_csv_g17(c, e->se / s);
    mrv_csv_g17(c, e->df);
    mrv_csv_g17(c, e->t);
    mrv_csv_g17(c, e->half_width / s);
    mrv_csv_num(c, e->rel_precision);
    mrv_csv_g17(c, sv->confidence);
    mrv_csv_g17(c, sv->precision);
    mrv_csv_text(c, e->met ? "yes" : "no");
    bool alone = est_alone(sv, e);
    mrv_csv_text(c, alone && e->used ? e->used : "");
    if (alone)
        mrv_csv_g17(c, e->value / s);
    else
        mrv_csv_text(c, "");
    mrv_csv_text(c, p->unit_text);
    mrv_csv_end(c);
}

static bool write_surveys(const mrv_run *run, FILE *f)
{
    const mrv_bound *b = run->bound;
    const mrv_mondata *md = b->mon;
    mrv_csv c;
    mrv_csv_begin(&c, f);
    mrv_csv_raw(&c, SURVEYS_HEADER);
    mrv_csv_end(&c);
    for (size_t i = 0; i < md->nsurveys; i++) {
        const mrv_survey *sv = &md->surveys[i];
        for (size_t k = 0; k < sv->nstrata; k++)
            survey_row(&c, b, sv, &sv->strata[k], false);
        if (sv->stratified) survey_row(&c, b, sv, &sv->combined, true);
    }
    return !ferror(f);
}

/* ---- the files --------------------------------------------------------- */

static const struct {
    const char *name;
    bool (*write)(const mrv_run *, FILE *);
} files[] = {
    {"periods.csv", write_periods},
    {"gaps.csv", write_gaps},
    {"exante.csv", write_exante},
    {"surveys.csv", write_surveys},
};
#define NFILES (sizeof files / sizeof *files)

const char *mrv_monout_file_name(size_t i)
{
    return i < NFILES ? files[i].name : NULL;
}

bool mrv_monout_writes(const mrv_run *run, size_t i)
{
    const mrv_mondata *md = run->bound->mon;
    if (!md) return false;
    switch (i) {
    case 0:
        return run->nperiods > 0;
    case 1:
        return md->nparams > 0;
    case 2:
        return run->ex_ante != NULL;
    case 3:
        return md->nsurveys > 0;
    default:
        return false;
    }
}

bool mrv_monout_write(const mrv_run *run, size_t i, FILE *f)
{
    return i < NFILES && files[i].write(run, f);
}

/* ---- report.json ------------------------------------------------------- */

static void json_periods(const mrv_run *run, FILE *f)
{
    const mrv_bound *b = run->bound;
    fputs("\"periods\": [", f);
    for (size_t i = 0; i < run->nperiods; i++) {
        const mrv_period_result *pr = &run->periods[i];
        char a[16], z[16];
        date_text(pr->period->from, a, sizeof a);
        date_text(pr->period->to, z, sizeof z);
        fprintf(f, "%s\n      {\"id\": ", i ? "," : "");
        mrv_json_str(f, pr->period->id);
        fputs(", \"start\": ", f);
        mrv_json_str(f, a);
        fputs(", \"end\": ", f);
        mrv_json_str(f, z);
        fprintf(f, ", \"days\": %ld, \"vintages\": [",
                (long)(pr->period->to - pr->period->from + 1));
        bool any = false;
        for (size_t v = 0; v < b->nvint; v++) {
            if (pr->frac[v] == 0) continue;
            fprintf(f, "%s{\"vintage\": %d, \"frac\": ", any ? ", " : "",
                    b->first + (int)v);
            mrv_json_num(f, pr->frac[v]);
            fputc('}', f);
            any = true;
        }
        fputs("], \"results\": {", f);
        for (int r = 0; r < MRV_NRESULTS; r++) {
            fprintf(f, "%s\"%s\": ", r ? ", " : "", mrv_result_names[r]);
            mrv_json_stat(f, &pr->stats[r], false);
        }
        fputs("}}", f);
    }
    fputs(run->nperiods ? "\n    ]" : "]", f);
}

static void json_params(const mrv_run *run, FILE *f)
{
    static const char *const timing[] = {"none", "date", "year", "active"};
    const mrv_mondata *md = run->bound->mon;
    fputs("\"parameters\": [", f);
    for (size_t i = 0; i < md->nparams; i++) {
        const mrv_monparam *mp = &md->params[i];
        fprintf(f, "%s\n      {\"name\": ", i ? "," : "");
        mrv_json_str(f, mp->name);
        fputs(", \"file\": ", f);
        mrv_json_str(f, mp->file->path);
        fputs(", \"column\": ", f);
        if (mp->value_col)
            mrv_json_str(f, mp->value_col);
        else
            fputs("null", f);
        fputs(", \"unit\": ", f);
        mrv_json_str(f, mp->unit_text);
        fprintf(f, ", \"timing\": \"%s\", \"frequency\": %s",
                timing[mp->timing],
                mp->frequency == MRV_FREQ_MONTH ? "\"month\""
                : mp->frequency == MRV_FREQ_DAY ? "\"day\""
                                                : "null");
        fprintf(f,
                ", \"aggregate\": \"%s\", \"amount\": %s, \"rows\": %zu, "
                "\"missing\": \"%s\"}",
                mrv_agg_names[mp->agg], mp->amount ? "true" : "false",
                mp->nrows, mrv_fill_rule_names[mp->fill]);
    }
    fputs(md->nparams ? "\n    ]" : "]", f);
}

/* The gaps, the first JSON_GAPS_MAX of them; past that their number and
** gaps.csv's digest.  False when the digest could not be computed. */
static bool json_gaps(const mrv_run *run, FILE *f)
{
    const mrv_bound *b = run->bound;
    size_t shown = run->ngaps < JSON_GAPS_MAX ? run->ngaps : JSON_GAPS_MAX;
    fputs("\"gaps\": [", f);
    for (size_t i = 0; i < shown; i++) {
        const mrv_gap *g = &run->gaps[i];
        char slot[32], mem[300], a[16], z[16];
        slot_text(g, slot, sizeof slot);
        members_text(b, g, mem, sizeof mem);
        date_text(g->from, a, sizeof a);
        date_text(g->to, z, sizeof z);
        fprintf(f, "%s\n      {\"parameter\": ", i ? "," : "");
        mrv_json_str(f, g->mp->name);
        fputs(", \"window\": ", f);
        mrv_json_str(f, g->window ? g->window : "run");
        fputs(", \"vintage\": ", f);
        if (g->vintage >= 0)
            fprintf(f, "%d", g->vintage);
        else
            fputs("null", f);
        fputs(", \"slot\": ", f);
        mrv_json_str(f, slot);
        fputs(", \"from\": ", f);
        mrv_json_str(f, a);
        fputs(", \"to\": ", f);
        mrv_json_str(f, z);
        fputs(", \"members\": ", f);
        mrv_json_str(f, mem);
        fputs(", \"file\": ", f);
        mrv_json_str(f, g->mp->file->path);
        fputs(", \"line\": ", f);
        if (g->line)
            fprintf(f, "%u", g->line);
        else
            fputs("null", f);
        fprintf(f, ", \"problem\": \"%s\", \"fill\": \"%s\", \"value\": ",
                problem_text(g), mrv_fill_rule_names[g->fill]);
        mrv_json_num(f, g->value);
        fputs(", \"unit\": ", f);
        mrv_json_str(f, g->mp->unit_text);
        fputs(", \"source_line\": ", f);
        if (g->from_line)
            fprintf(f, "%u", g->from_line);
        else
            fputs("null", f);
        if (g->fill == MRV_GAP_CONSERVATIVE) {
            fputs(", \"range\": [", f);
            mrv_json_num(f, g->lo);
            fputs(", ", f);
            mrv_json_num(f, g->hi);
            fputs("], \"chosen\": ", f);
            mrv_json_str(f, g->chosen ? g->chosen : "");
        }
        unsigned mask = results_reading(b, g->mp->param);
        fputs(", \"results\": [", f);
        bool any = false;
        for (int r = 0; r < MRV_NRESULTS; r++) {
            if (!(mask & (1u << r))) continue;
            fprintf(f, "%s\"%s\"", any ? ", " : "", mrv_result_names[r]);
            any = true;
        }
        fputs("]}", f);
    }
    fputs(run->ngaps ? "\n    ]" : "]", f);
    if (shown == run->ngaps) return true;
    char hex[65];
    if (!gaps_csv_sha256(run, hex)) return false;
    fprintf(f, ",\n    \"gaps_total\": %zu, \"gaps_csv_sha256\": \"%s\"",
            run->ngaps, hex);
    return true;
}

static void json_compare(FILE *f, const mrv_stat *ea, const mrv_stat *mo)
{
    fputs("{", f);
    for (int r = 0; r < MRV_NRESULTS; r++) {
        fprintf(f, "%s\"%s\": {\"ex_ante\": ", r ? ", " : "",
                mrv_result_names[r]);
        mrv_json_num(f, ea[r].central);
        fputs(", \"monitored\": ", f);
        mrv_json_num(f, mo[r].central);
        fputs(", \"difference\": ", f);
        mrv_json_num(f, mo[r].central - ea[r].central);
        fputs(", \"ex_ante_lower\": ", f);
        mrv_json_num(f, ea[r].lower);
        fputs(", \"ex_ante_upper\": ", f);
        mrv_json_num(f, ea[r].upper);
        fputc('}', f);
    }
    fputs("}", f);
}

static void json_ex_ante(const mrv_run *run, FILE *f)
{
    const mrv_ex_ante *x = run->ex_ante;
    const mrv_bound *b = run->bound;
    fputs("\"ex_ante\": {\"project\": ", f);
    mrv_json_str(f, x->bound->mon->ex_ante_path ? x->bound->mon->ex_ante_path
                                                : b->mon->ex_ante_path);
    fputs(", \"project_id\": ", f);
    mrv_json_str(f, x->bound->project->id);
    fputs(", \"methodology\": ", f);
    mrv_json_str(f, x->bound->meth->id);
    fputs(",\n      \"vintages\": [", f);
    bool any = false;
    for (size_t v = 0; v < run->nvint; v++) {
        int y = b->first + (int)v;
        if (b->frac[v] == 0 || !ea_vintage(x, y, 0)) continue;
        fprintf(f,
                "%s\n        {\"vintage\": %d, \"results\": ", any ? "," : "",
                y);
        json_compare(f, ea_vintage(x, y, 0), &run->stats[v * MRV_NRESULTS]);
        fputc('}', f);
        any = true;
    }
    fputs(any ? "\n      ],\n      \"periods\": [" : "],\n      \"periods\": [",
          f);
    for (size_t i = 0; i < run->nperiods; i++) {
        fprintf(f, "%s\n        {\"id\": ", i ? "," : "");
        mrv_json_str(f, run->periods[i].period->id);
        fputs(", \"results\": ", f);
        json_compare(f, &x->periods[i * MRV_NRESULTS], run->periods[i].stats);
        fputc('}', f);
    }
    fputs(run->nperiods ? "\n      ],\n      \"inputs\": ["
                        : "],\n      \"inputs\": [",
          f);
    for (size_t i = 0; i < x->ninputs; i++) {
        const mrv_input_change *c = &x->inputs[i];
        fprintf(f, "%s\n        {\"name\": ", i ? "," : "");
        mrv_json_str(f, c->name);
        fputs(", \"status\": ", f);
        mrv_json_str(f, c->status);
        fputs(", \"ex_ante\": ", f);
        mrv_json_str(f, c->ex_ante);
        fputs(", \"monitored\": ", f);
        mrv_json_str(f, c->monitored);
        fputs(", \"detail\": ", f);
        mrv_json_str(f, c->detail);
        fputc('}', f);
    }
    fputs(x->ninputs ? "\n      ]}" : "]}", f);
}

/* An estimate in the parameter's unit: one of it is 's' internal. */
static void json_est(FILE *f, double s, const mrv_survey *sv,
                     const mrv_stratum_est *e)
{
    bool alone = est_alone(sv, e);
    fputs("{\"stratum\": ", f);
    mrv_json_str(f, e->label);
    fprintf(f, ", \"n\": %llu, \"mean\": ", (unsigned long long)e->n);
    mrv_json_num(f, e->mean / s);
    fputs(", \"sd\": ", f);
    mrv_json_num(f, e->sd / s);
    fputs(", \"se\": ", f);
    mrv_json_num(f, e->se / s);
    fputs(", \"df\": ", f);
    mrv_json_num(f, e->df);
    fputs(", \"t\": ", f);
    mrv_json_num(f, e->t);
    fputs(", \"half_width\": ", f);
    mrv_json_num(f, e->half_width / s);
    fputs(", \"relative_precision\": ", f);
    mrv_json_num(f, e->rel_precision);
    fprintf(f, ", \"met\": %s, \"used\": ", e->met ? "true" : "false");
    mrv_json_str(f, alone && e->used ? e->used : "");
    fputs(", \"value\": ", f);
    if (alone)
        mrv_json_num(f, e->value / s);
    else
        fputs("null", f);
    fputs(", \"weight\": ", f);
    mrv_json_num(f, e->weight);
    fputc('}', f);
}

static void json_surveys(const mrv_run *run, FILE *f)
{
    const mrv_bound *b = run->bound;
    const mrv_mondata *md = b->mon;
    fputs("\"surveys\": [", f);
    for (size_t i = 0; i < md->nsurveys; i++) {
        const mrv_survey *sv = &md->surveys[i];
        const mrv_param *p = &b->meth->params[sv->param];
        double s = mrv_unit_scale(p->unit, b->year_days);
        fprintf(f, "%s\n      {\"parameter\": ", i ? "," : "");
        mrv_json_str(f, sv->name);
        fputs(", \"file\": ", f);
        mrv_json_str(f, sv->file->path);
        fputs(", \"column\": ", f);
        if (sv->value_col)
            mrv_json_str(f, sv->value_col);
        else
            fputs("null", f);
        fputs(", \"equation\": ", f);
        if (sv->equation >= 0) {
            mrv_json_str(f, b->meth->eqs[sv->equation].name);
            fprintf(f, ", \"vintage\": %d", sv->vintage);
        } else {
            fputs("null", f);
        }
        fputs(", \"unit\": ", f);
        mrv_json_str(f, p->unit_text);
        fputs(", \"confidence\": ", f);
        mrv_json_num(f, sv->confidence);
        fputs(", \"precision\": ", f);
        mrv_json_num(f, sv->precision);
        fputs(", \"draws\": \"normal, with the sd giving Student's t "
              "interval at the confidence\", \"strata\": [",
              f);
        for (size_t k = 0; k < sv->nstrata; k++) {
            fputs(k ? ", " : "", f);
            json_est(f, s, sv, &sv->strata[k]);
        }
        fputc(']', f);
        if (sv->stratified) {
            fputs(", \"stratified\": ", f);
            json_est(f, s, sv, &sv->combined);
        }
        fputc('}', f);
    }
    fputs(md->nsurveys ? "\n    ]" : "]", f);
}

bool mrv_monout_json(const mrv_run *run, FILE *f)
{
    if (!monitored(run)) return true;
    fputs(",\n  \"monitoring\": {\n    ", f);
    json_periods(run, f);
    fputs(",\n    ", f);
    json_params(run, f);
    fputs(",\n    ", f);
    bool ok = json_gaps(run, f);
    fputs(",\n    ", f);
    json_surveys(run, f);
    if (run->ex_ante) {
        fputs(",\n    ", f);
        json_ex_ante(run, f);
    }
    fputs("\n  }", f);
    return ok;
}

/* ---- report.html ------------------------------------------------------- */

static void esc(FILE *f, const char *s)
{
    mrv_html_str(f, s);
}

/* A number for people: rounded to whole units above 100, else to the
** digits that matter. */
static void num(FILE *f, double x)
{
    char buf[64];
    int dec = fabs(x) >= 100 ? 0 : fabs(x) >= 1 ? 2 : 4;
    esc(f, mrv_fmt_num(x, dec, buf, sizeof buf));
}

static void html_periods(const mrv_run *run, FILE *f)
{
    const mrv_methodology *m = run->bound->meth;
    fputs("<h3>Monitoring periods</h3>\n<p class=\"note\">Each period's "
          "results over its own days: the equations applied to the records "
          "dated inside it, in each vintage it touches.",
          f);
    if (run->draws)
        fputs(" The interval is the Monte Carlo interval, summed draw by "
              "draw over the period's vintages.",
              f);
    fputs("</p>\n<div class=\"scroll\">\n<table>\n<thead><tr><th>Period</th>"
          "<th>Start</th><th>End</th>",
          f);
    for (int r = 0; r < MRV_NRESULTS; r++) {
        fputs("<th>", f);
        esc(f, mrv_result_names[r]);
        fputs("<span class=\"u\">", f);
        esc(f, m->eqs[m->results[r]].unit_text);
        fputs("</span></th>", f);
    }
    if (run->draws) fputs("<th>Interval of the reductions</th>", f);
    fputs("</tr></thead>\n<tbody>\n", f);
    for (size_t i = 0; i < run->nperiods; i++) {
        const mrv_period_result *pr = &run->periods[i];
        char a[16], z[16];
        date_text(pr->period->from, a, sizeof a);
        date_text(pr->period->to, z, sizeof z);
        fputs("<tr><td>", f);
        esc(f, pr->period->id);
        fprintf(f, "</td><td>%s</td><td>%s</td>", a, z);
        for (int r = 0; r < MRV_NRESULTS; r++) {
            fputs("<td class=\"n\">", f);
            num(f, pr->stats[r].central);
            fputs("</td>", f);
        }
        if (run->draws) {
            const mrv_stat *s = &pr->stats[MRV_RES_REDUCTIONS];
            fputs("<td class=\"n\">", f);
            num(f, s->lower);
            fputs(" to ", f);
            num(f, s->upper);
            fputs("</td>", f);
        }
        fputs("</tr>\n", f);
    }
    fputs("</tbody>\n</table>\n</div>\n", f);
}

/* The most gaps report.html lists: a page to read, not a file to search
** (a data file with millions of empty cells made a report.html of
** gigabytes); gaps.csv lists every gap. */
#define HTML_GAPS_MAX 1000

static void html_gaps(const mrv_run *run, FILE *f)
{
    const mrv_bound *b = run->bound;
    fputs("<h3>Data quality: gaps filled</h3>\n", f);
    if (!run->ngaps) {
        fputs("<p>Every value the monitored parameters must give had its "
              "readings: no gap was filled.</p>\n",
              f);
        return;
    }
    size_t shown = run->ngaps < HTML_GAPS_MAX ? run->ngaps : HTML_GAPS_MAX;
    fprintf(f,
            "<p class=\"note\">%zu gap%s in the monitored data, each filled "
            "by its parameter's rule (gaps.csv holds the same).  Results "
            "marked &#8224; in the tables read a filled value.</p>\n",
            run->ngaps, run->ngaps == 1 ? "" : "s");
    if (shown < run->ngaps && run->ngaps <= JSON_GAPS_MAX)
        fprintf(f,
                "<p class=\"note\">The first %zu, in the order found, are "
                "listed here; gaps.csv and report.json list all %zu.</p>\n",
                shown, run->ngaps);
    else if (shown < run->ngaps)
        fprintf(f,
                "<p class=\"note\">The first %zu, in the order found, are "
                "listed here; gaps.csv lists all %zu (report.json the first "
                "%d, with gaps.csv's SHA-256).</p>\n",
                shown, run->ngaps, JSON_GAPS_MAX);
    fputs("<div class=\"scroll\">\n<table>\n<thead><tr><th>Parameter</th>"
          "<th>Run</th><th>Slot</th><th>Members</th><th>File:line</th>"
          "<th>Problem</th><th>Filled</th><th>Value</th><th>Results"
          "</th></tr></thead>\n<tbody>\n",
          f);
    for (size_t i = 0; i < shown; i++) {
        const mrv_gap *g = &run->gaps[i];
        char slot[32], mem[300], res[64];
        slot_text(g, slot, sizeof slot);
        members_text(b, g, mem, sizeof mem);
        results_text(b, g, res, sizeof res);
        fputs("<tr><td>", f);
        esc(f, g->mp->name);
        fputs("</td><td>", f);
        esc(f, g->window ? g->window : "run");
        fputs("</td><td>", f);
        esc(f, slot);
        fputs("</td><td>", f);
        esc(f, mem);
        fputs("</td><td><code>", f);
        esc(f, g->mp->file->path);
        if (g->line) fprintf(f, ":%u", g->line);
        fputs("</code></td><td>", f);
        esc(f, problem_text(g));
        fputs("</td><td>", f);
        esc(f, mrv_fill_rule_names[g->fill]);
        if (g->fill == MRV_GAP_CONSERVATIVE && g->chosen) {
            fputs(" (", f);
            esc(f, g->chosen);
            fputs(" end of ", f);
            num(f, g->lo);
            fputs(" to ", f);
            num(f, g->hi);
            fputc(')', f);
        }
        if (g->from_line) fprintf(f, ", from line %u", g->from_line);
        fputs("</td><td class=\"n\">", f);
        num(f, g->value);
        fputc(' ', f);
        esc(f, g->mp->unit_text);
        fputs("</td><td>", f);
        esc(f, res);
        fputs("</td></tr>\n", f);
    }
    fputs("</tbody>\n</table>\n</div>\n", f);
}

static void html_compare_row(FILE *f, const char *label, const mrv_stat *ea,
                             const mrv_stat *mo)
{
    fputs("<tr><td>", f);
    esc(f, label);
    fputs("</td><td class=\"n\">", f);
    num(f, ea->central);
    fputs("</td><td class=\"n\">", f);
    num(f, mo->central);
    fputs("</td><td class=\"n\">", f);
    num(f, mo->central - ea->central);
    fputs("</td><td class=\"n\">", f);
    if (ea->central != 0 && isfinite(ea->central)) {
        char buf[48];
        double pc = (mo->central - ea->central) / fabs(ea->central) * 100;
        snprintf(buf, sizeof buf, "%+.1f %%", pc);
        esc(f, buf);
    }
    fputs("</td></tr>\n", f);
}

static void html_ex_ante(const mrv_run *run, FILE *f)
{
    const mrv_ex_ante *x = run->ex_ante;
    const mrv_bound *b = run->bound;
    const char *what = b->meth->removals ? "net removals" : "reductions";
    fputs("<h3>Ex-ante estimate and monitored result</h3>\n<p class=\"note\">"
          "The ex-ante project <code>",
          f);
    esc(f, b->mon->ex_ante_path);
    fputs("</code> (methodology ", f);
    esc(f, x->bound->meth->id);
    fprintf(f,
            ") over the same monitored days and draws, against the "
            "monitored %s.</p>\n<div class=\"scroll\">\n<table>\n<thead>"
            "<tr><th></th><th>Ex ante</th><th>Monitored</th><th>Difference"
            "</th><th></th></tr></thead>\n<tbody>\n",
            what);
    for (size_t v = 0; v < run->nvint; v++) {
        int y = b->first + (int)v;
        const mrv_stat *ea = ea_vintage(x, y, MRV_RES_REDUCTIONS);
        if (b->frac[v] == 0 || !ea) continue;
        char label[32];
        snprintf(label, sizeof label, "%d", y);
        html_compare_row(f, label, ea,
                         &run->stats[v * MRV_NRESULTS + MRV_RES_REDUCTIONS]);
    }
    for (size_t i = 0; i < run->nperiods; i++)
        html_compare_row(f, run->periods[i].period->id,
                         &x->periods[i * MRV_NRESULTS + MRV_RES_REDUCTIONS],
                         &run->periods[i].stats[MRV_RES_REDUCTIONS]);
    fputs("</tbody>\n</table>\n</div>\n<h3>Inputs: ex ante and monitored"
          "</h3>\n<div class=\"scroll\">\n<table>\n<thead><tr><th>Input"
          "</th><th>Status</th><th>Ex ante</th><th>Monitored</th><th>First "
          "difference</th></tr></thead>\n<tbody>\n",
          f);
    for (size_t i = 0; i < x->ninputs; i++) {
        const mrv_input_change *c = &x->inputs[i];
        fputs("<tr><td>", f);
        esc(f, c->name);
        fputs("</td><td>", f);
        esc(f, c->status);
        fputs("</td><td><code>", f);
        esc(f, c->ex_ante);
        fputs("</code></td><td><code>", f);
        esc(f, c->monitored);
        fputs("</code></td><td>", f);
        esc(f, c->detail);
        fputs("</td></tr>\n", f);
    }
    fputs("</tbody>\n</table>\n</div>\n", f);
}

static void html_est(FILE *f, const mrv_survey *sv, const mrv_param *p,
                     double s, const mrv_stratum_est *e, const char *label)
{
    fputs("<tr><td>", f);
    esc(f, sv->name);
    fputs("</td><td>", f);
    esc(f, label);
    fprintf(f, "</td><td class=\"n\">%llu</td><td class=\"n\">",
            (unsigned long long)e->n);
    num(f, e->mean / s);
    fputs("</td><td class=\"n\">", f);
    num(f, e->se / s);
    fputs("</td><td class=\"n\">", f);
    if (isfinite(e->rel_precision)) {
        char buf[32];
        snprintf(buf, sizeof buf, "%.1f %%", e->rel_precision * 100);
        esc(f, buf);
    } else {
        fputs("n/a", f);
    }
    fputs("</td><td>", f);
    if (!est_alone(sv, e)) {
        fputs("in the stratified estimate</td><td class=\"n\">&ndash;</td>"
              "</tr>\n",
              f);
        return;
    }
    if (e->met)
        fputs("the mean", f);
    else {
        fprintf(f,
                "<strong>%s</strong> of the %g %% interval: precision "
                "worse than %g %%",
                e->used ? e->used : "a bound", sv->confidence * 100,
                sv->precision * 100);
    }
    fputs("</td><td class=\"n\">", f);
    num(f, e->value / s);
    fputc(' ', f);
    esc(f, p->unit_text);
    fputs("</td></tr>\n", f);
}

static void html_surveys(const mrv_run *run, FILE *f)
{
    const mrv_bound *b = run->bound;
    const mrv_mondata *md = b->mon;
    fputs("<h3>Sampling surveys</h3>\n<p class=\"note\">Each stratum's "
          "sample mean and standard error; the relative precision is the "
          "half-width of the interval (Student's t) over the mean.  Where it "
          "is worse than required, the parameter takes the bound of the "
          "interval that gives the lower result.</p>\n<div class=\"scroll\">"
          "\n<table>\n<thead><tr><th>Parameter</th><th>Stratum</th><th>n"
          "</th><th>Mean</th><th>Standard error</th><th>Relative precision"
          "</th><th>Used</th><th>Value</th></tr></thead>\n<tbody>\n",
          f);
    for (size_t i = 0; i < md->nsurveys; i++) {
        const mrv_survey *sv = &md->surveys[i];
        const mrv_param *p = &b->meth->params[sv->param];
        double s = mrv_unit_scale(p->unit, b->year_days);
        for (size_t k = 0; k < sv->nstrata; k++)
            html_est(f, sv, p, s, &sv->strata[k], sv->strata[k].label);
        if (sv->stratified)
            html_est(f, sv, p, s, &sv->combined, "all (stratified)");
    }
    fputs("</tbody>\n</table>\n</div>\n", f);
}

void mrv_monout_html(const mrv_run *run, FILE *f)
{
    if (!monitored(run)) return;
    fputs("<section>\n<h2>Monitoring</h2>\n", f);
    if (run->nperiods) html_periods(run, f);
    if (run->ex_ante) html_ex_ante(run, f);
    if (run->bound->mon->nsurveys) html_surveys(run, f);
    if (run->bound->mon->nparams) html_gaps(run, f);
    fputs("</section>\n", f);
}

/* ---- the printed table ------------------------------------------------- */

void mrv_monout_table(const mrv_run *run, FILE *f)
{
    if (!monitored(run)) return;
    char x[48], lo[48], hi[48];
    for (size_t i = 0; i < run->nperiods; i++) {
        const mrv_period_result *pr = &run->periods[i];
        char a[16], z[16];
        date_text(pr->period->from, a, sizeof a);
        date_text(pr->period->to, z, sizeof z);
        if (i == 0) fputs("\nmonitoring periods (reductions):\n", f);
        fputs("  ", f);
        mrv_term_puts(f, pr->period->id, MRV_TERM_LINE);
        const mrv_stat *s = &pr->stats[MRV_RES_REDUCTIONS];
        fprintf(f, "  %s to %s  %s", a, z,
                mrv_fmt_num(s->central, 0, x, sizeof x));
        if (run->draws)
            fprintf(f, "  [%s, %s]", mrv_fmt_num(s->lower, 0, lo, sizeof lo),
                    mrv_fmt_num(s->upper, 0, hi, sizeof hi));
        fputc('\n', f);
    }
    if (run->ex_ante) {
        const mrv_ex_ante *ex = run->ex_ante;
        const mrv_stat *mo =
            &run->stats[run->nvint * MRV_NRESULTS + MRV_RES_REDUCTIONS];
        double ea = 0;
        for (size_t v = 0; v < run->nvint; v++) {
            const mrv_stat *s =
                ea_vintage(ex, run->bound->first + (int)v, MRV_RES_REDUCTIONS);
            if (s) ea += s->central;
        }
        size_t changed = 0;
        for (size_t i = 0; i < ex->ninputs; i++)
            changed += strcmp(ex->inputs[i].status, "same") != 0 &&
                       strcmp(ex->inputs[i].status, "not compared") != 0;
        fprintf(f,
                "%sex ante over the same days: %s; monitored %s (%s); "
                "%zu input%s changed (exante.csv)\n",
                run->nperiods ? "" : "\n", mrv_fmt_num(ea, 0, x, sizeof x),
                mrv_fmt_num(mo->central, 0, lo, sizeof lo),
                mrv_fmt_num(mo->central - ea, 0, hi, sizeof hi), changed,
                changed == 1 ? "" : "s");
    }
    const mrv_mondata *md = run->bound->mon;
    for (size_t i = 0; i < md->nsurveys; i++) {
        const mrv_survey *sv = &md->surveys[i];
        size_t n = sv->stratified ? 1 : sv->nstrata, bad = 0;
        for (size_t k = 0; k < n; k++)
            bad += !(sv->stratified ? &sv->combined : &sv->strata[k])->met;
        fprintf(f,
                "survey of %s: %zu estimate%s, %zu short of %g/%g "
                "precision%s (surveys.csv)\n",
                sv->name, n, n == 1 ? "" : "s", bad, sv->confidence * 100,
                sv->precision * 100, bad ? ": a conservative bound used" : "");
    }
    if (run->bound->mon->nparams)
        fprintf(f, "%sdata quality: %zu gap%s filled (gaps.csv)\n",
                run->nperiods || run->ex_ante ? "" : "\n", run->ngaps,
                run->ngaps == 1 ? "" : "s");
}
