/*
** portfolio_out.c -- the files and the table of 'mrv portfolio'
** (portfolio_out.h).
**
** Reads the run (portfolio_run.h) and writes; computes nothing but
** differences that the files show beside their parts (delta_p is p -
** p_without, a kept share's requirement is printed as written).  Every
** CSV goes through the one CSV writer, every number through output.h,
** every file into one output set.
*/
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "aef.h"
#include "output.h"
#include "portfolio_out.h"

#ifndef MRV_VERSION_STRING
#define MRV_VERSION_STRING "0.0.0"
#endif

/* ---- CSV --------------------------------------------------------------- */

static void csv_stat(mrv_csv *c, const mrv_pf_stat *s)
{
    mrv_csv_g17(c, s->central);
    mrv_csv_g17(c, s->mean);
    mrv_csv_g17(c, s->lower);
    mrv_csv_g17(c, s->median);
    mrv_csv_g17(c, s->upper);
}

/* A probability, or an empty field when there is none (no draws). */
static void csv_maybe(mrv_csv *c, double x)
{
    if (isfinite(x))
        mrv_csv_g17(c, x);
    else
        mrv_csv_text(c, NULL);
}

static void series_rows(mrv_csv *c, const mrv_pf_run *r,
                        const mrv_pf_party_out *o, const char *q,
                        const mrv_pf_stat *s)
{
    if (!s) return;
    char key[64];
    snprintf(key, sizeof key, "%s.%s", o->code, q);
    for (size_t y = 0; y < r->nyears; y++) {
        mrv_csv_text(c, key);
        mrv_csv_int(c, r->y0 + (int)y);
        mrv_csv_text(c, o->code);
        mrv_csv_text(c, q);
        csv_stat(c, &s[y]);
        mrv_csv_end(c);
    }
}

static void total_row(mrv_csv *c, const mrv_pf_party_out *o, const char *q,
                      const mrv_pf_stat *s)
{
    char key[64];
    snprintf(key, sizeof key, "%s.%s", o->code, q);
    mrv_csv_text(c, key);
    mrv_csv_text(c, "total");
    mrv_csv_text(c, o->code);
    mrv_csv_text(c, q);
    csv_stat(c, s);
    mrv_csv_end(c);
}

bool mrv_pf_portfolio_csv(const mrv_pf_run *r, FILE *f)
{
    mrv_csv c;
    mrv_csv_begin(&c, f);
    mrv_csv_raw(&c, MRV_PORTFOLIO_HEADER);
    mrv_csv_end(&c);
    for (size_t k = 0; k < r->nparties; k++) {
        const mrv_pf_party_out *o = &r->parties[k];
        if (o->buyer) {
            series_rows(&c, r, o, "delivered", o->delivered);
            series_rows(&c, r, o, "cumulative", o->cumulative);
            series_rows(&c, r, o, "used", o->used);
            if (o->has_target) series_rows(&c, r, o, "progress", o->progress);
        }
        if (o->host) series_rows(&c, r, o, "transferred", o->transferred);
        series_rows(&c, r, o, "adjustment", o->adjustment);
        if (o->host) {
            total_row(&c, o, "issued", &o->issued);
            total_row(&c, o, "kept", &o->kept);
            total_row(&c, o, "kept_share", &o->kept_share);
        }
    }
    return !ferror(f);
}

bool mrv_pf_targets_csv(const mrv_pf_run *r, FILE *f)
{
    mrv_csv c;
    mrv_csv_begin(&c, f);
    mrv_csv_raw(&c, MRV_TARGETS_HEADER);
    mrv_csv_end(&c);
    for (size_t k = 0; k < r->nparties; k++) {
        const mrv_pf_party_out *o = &r->parties[k];
        if (!o->has_target) continue;
        const mrv_pf_target *t = &o->spec->target;
        mrv_csv_text(&c, o->code);
        mrv_csv_int(&c, (long long)t->volume);
        if (t->by)
            mrv_csv_text(&c, NULL);
        else
            mrv_csv_int(&c, t->from);
        mrv_csv_int(&c, t->to);
        mrv_csv_text(&c, mrv_pf_count_names[t->count]);
        csv_maybe(&c, o->p_target);
        csv_stat(&c, &o->counted);
        csv_stat(&c, &o->shortfall);
        mrv_csv_end(&c);
    }
    return !ferror(f);
}

bool mrv_pf_contributions_csv(const mrv_pf_run *r, FILE *f)
{
    mrv_csv c;
    mrv_csv_begin(&c, f);
    mrv_csv_raw(&c, MRV_CONTRIBUTIONS_HEADER);
    mrv_csv_end(&c);
    for (size_t i = 0; i < r->nprojects; i++) {
        const mrv_pf_project *P = &r->projects[i];
        mrv_csv_text(&c, P->id);
        mrv_csv_text(&c, P->buyer);
        mrv_csv_text(&c, P->host);
        mrv_csv_text(&c, P->assumed ? "assumed" : "own");
        if (P->to_target) {
            const mrv_pf_party_out *o = NULL;
            for (size_t k = 0; k < r->nparties; k++)
                if (strcmp(r->parties[k].code, P->buyer) == 0)
                    o = &r->parties[k];
            mrv_csv_g17(&c, P->central);
            mrv_csv_g17(&c, P->mean);
            mrv_csv_g17(&c, P->sd);
            csv_maybe(&c, P->p_without);
            csv_maybe(&c, o ? o->p_target - P->p_without : (double)NAN);
            csv_maybe(&c, P->var_share);
        } else {
            for (int j = 0; j < 6; j++) mrv_csv_text(&c, NULL);
        }
        mrv_csv_int(&c, (long long)P->ninputs);
        mrv_csv_int(&c, (long long)P->nshared);
        mrv_csv_end(&c);
    }
    return !ferror(f);
}

bool mrv_pf_ndc_csv(const mrv_pf_run *r, FILE *f)
{
    mrv_csv c;
    mrv_csv_begin(&c, f);
    mrv_csv_raw(&c, MRV_NDC_HEADER);
    mrv_csv_end(&c);
    for (size_t k = 0; k < r->nparties; k++) {
        const mrv_pf_party_out *o = &r->parties[k];
        if (!o->has_ndc) continue;
        const mrv_pf_ndc *n = &o->spec->ndc;
        for (int m = 0; m < MRV_NCA; m++) {
            mrv_csv_text(&c, o->code);
            mrv_csv_text(&c, mrv_ca_method_names[m]);
            mrv_csv_text(&c, (int)n->method == m ? "yes" : "no");
            mrv_csv_int(&c, n->year);
            mrv_csv_int(&c, n->first);
            csv_stat(&c, &o->ca[m]);
            mrv_csv_end(&c);
        }
    }
    return !ferror(f);
}

bool mrv_pf_shared_csv(const mrv_pf_run *r, FILE *f)
{
    mrv_csv c;
    mrv_csv_begin(&c, f);
    mrv_csv_raw(&c, MRV_SHARED_HEADER);
    mrv_csv_end(&c);
    for (size_t i = 0; i < r->nshares; i++) {
        const mrv_pf_share *s = &r->shares[i];
        mrv_csv_text(&c, s->name);
        mrv_csv_text(&c, s->declared ? "declared" : "factor");
        mrv_csv_text(&c, s->param);
        mrv_csv_text(&c, s->text);
        /* Project ids hold no space: a space-separated list is one field
        ** that needs no quoting. */
        size_t len = 0;
        for (size_t j = 0; j < s->nprojects; j++)
            len += strlen(r->projects[s->projects[j]].id) + 1;
        char *buf = malloc(len + 1);
        if (!buf) return false;
        buf[0] = '\0';
        size_t o = 0;
        for (size_t j = 0; j < s->nprojects; j++)
            o += (size_t)snprintf(buf + o, len + 1 - o, "%s%s", j ? " " : "",
                                  r->projects[s->projects[j]].id);
        mrv_csv_text(&c, buf);
        free(buf);
        mrv_csv_end(&c);
    }
    return !ferror(f);
}

/* ---- report.json ------------------------------------------------------- */

static void json_stat(FILE *f, const mrv_pf_stat *s)
{
    fputs("{\"central\": ", f);
    mrv_json_num(f, s->central);
    fputs(", \"mean\": ", f);
    mrv_json_num(f, s->mean);
    fputs(", \"lower\": ", f);
    mrv_json_num(f, s->lower);
    fputs(", \"median\": ", f);
    mrv_json_num(f, s->median);
    fputs(", \"upper\": ", f);
    mrv_json_num(f, s->upper);
    fputc('}', f);
}

static void json_key(FILE *f, const char *k)
{
    mrv_json_str(f, k);
    fputs(": ", f);
}

static void json_series(FILE *f, const mrv_pf_run *r, const char *name,
                        const mrv_pf_stat *s, bool *first)
{
    if (!s) return;
    fputs(*first ? "\n        " : ",\n        ", f);
    *first = false;
    json_key(f, name);
    fputc('[', f);
    for (size_t y = 0; y < r->nyears; y++) {
        fprintf(f, "%s{\"year\": %d, \"stat\": ", y ? ", " : "",
                r->y0 + (int)y);
        json_stat(f, &s[y]);
        fputc('}', f);
    }
    fputc(']', f);
}

static void json_party(FILE *f, const mrv_pf_run *r, const mrv_pf_party_out *o)
{
    fputs("    {\"code\": ", f);
    mrv_json_str(f, o->code);
    fprintf(f, ", \"buyer\": %s, \"host\": %s", o->buyer ? "true" : "false",
            o->host ? "true" : "false");
    if (o->buyer) {
        fputs(", \"count\": ", f);
        mrv_json_str(f, mrv_pf_count_names[o->count]);
    }
    fputs(",\n      \"series\": {", f);
    bool first = true;
    json_series(f, r, "delivered", o->delivered, &first);
    json_series(f, r, "cumulative", o->cumulative, &first);
    json_series(f, r, "used", o->used, &first);
    if (o->has_target) json_series(f, r, "progress", o->progress, &first);
    json_series(f, r, "transferred", o->transferred, &first);
    json_series(f, r, "adjustment", o->adjustment, &first);
    fputs("}", f);
    if (o->host) {
        fputs(",\n      \"issued\": ", f);
        json_stat(f, &o->issued);
        fputs(", \"kept\": ", f);
        json_stat(f, &o->kept);
        fputs(", \"kept_share\": ", f);
        json_stat(f, &o->kept_share);
        fputs(", \"keep\": ", f);
        if (o->spec && o->spec->has_keep) {
            char buf[40];
            fputs(mrv_dec_format(o->spec->keep, buf, sizeof buf), f);
        } else {
            fputs("null", f);
        }
        fputs(", \"p_keep\": ", f);
        mrv_json_num(f, o->p_keep);
    }
    fputs(",\n      \"target\": ", f);
    if (o->has_target) {
        const mrv_pf_target *t = &o->spec->target;
        fprintf(f, "{\"volume\": %lld, ", (long long)t->volume);
        if (t->by)
            fprintf(f, "\"by\": %d", t->to);
        else
            fprintf(f, "\"period\": [%d, %d]", t->from, t->to);
        fputs(", \"count\": ", f);
        mrv_json_str(f, mrv_pf_count_names[t->count]);
        fputs(", \"probability\": ", f);
        mrv_json_num(f, o->p_target);
        fputs(",\n        \"counted\": ", f);
        json_stat(f, &o->counted);
        fputs(",\n        \"shortfall\": ", f);
        json_stat(f, &o->shortfall);
        fputc('}', f);
    } else {
        fputs("null", f);
    }
    fputs(",\n      \"ndc\": ", f);
    if (o->has_ndc) {
        const mrv_pf_ndc *n = &o->spec->ndc;
        fprintf(f, "{\"year\": %d, \"first\": %d, \"method\": ", n->year,
                n->first);
        mrv_json_str(f, mrv_ca_method_names[n->method]);
        fputs(", \"adjustment\": {", f);
        for (int m = 0; m < MRV_NCA; m++) {
            fputs(m ? ",\n        " : "\n        ", f);
            json_key(f, mrv_ca_method_names[m]);
            json_stat(f, &o->ca[m]);
        }
        fputs("}}", f);
    } else {
        fputs("null", f);
    }
    fputc('}', f);
}

static void json_inputs(FILE *f, const mrv_pf_run *r)
{
    fputs("  \"inputs\": [\n    {\"role\": \"portfolio\", \"path\": ", f);
    mrv_json_str(f, r->pf->doc->path);
    fputs(", \"sha256\": ", f);
    mrv_json_str(f, r->pf->doc->sha256_hex);
    fputc('}', f);
    for (size_t i = 0; i < r->nprojects; i++) {
        const mrv_bound *b = r->projects[i].run->bound;
        for (size_t k = 0; k < b->nfiles; k++) {
            /* A methodology or table several projects read is listed
            ** once, under the first. */
            bool seen = false;
            for (size_t j = 0; j < i && !seen; j++) {
                const mrv_bound *o = r->projects[j].run->bound;
                for (size_t q = 0; q < o->nfiles && !seen; q++)
                    seen = strcmp(o->files[q].path, b->files[k].path) == 0;
            }
            for (size_t q = 0; q < k && !seen; q++)
                seen = strcmp(b->files[q].path, b->files[k].path) == 0;
            if (seen) continue;
            fputs(",\n    {\"role\": ", f);
            mrv_json_str(f, b->files[k].role);
            fputs(", \"path\": ", f);
            mrv_json_str(f, b->files[k].path);
            fputs(", \"sha256\": ", f);
            mrv_json_str(f, b->files[k].sha256_hex);
            fputc('}', f);
        }
    }
    fputs("\n  ]", f);
}

bool mrv_pf_json(const mrv_pf_run *r, FILE *f)
{
    const mrv_portfolio *pf = r->pf;
    fputs("{\n  \"engine\": {\"name\": \"mrv\", \"version\": ", f);
    mrv_json_str(f, MRV_VERSION_STRING);
    fputs("},\n  \"portfolio\": {\"id\": ", f);
    mrv_json_str(f, pf->id);
    fputs(", \"title\": ", f);
    pf->title ? mrv_json_str(f, pf->title) : (void)fputs("null", f);
    fputs(", \"source\": ", f);
    pf->source ? mrv_json_str(f, pf->source) : (void)fputs("null", f);
    fputs("},\n  \"monte_carlo\": {", f);
    fprintf(f, "\"draws\": %llu, \"seed\": %llu, \"confidence\": ",
            (unsigned long long)r->draws, (unsigned long long)r->seed);
    mrv_json_num(f, r->confidence);
    fputs(", \"method\": \"random\", \"generator\": \"gsl_rng_taus2\", "
          "\"block_size\": 512, \"quantiles\": \"Hyndman-Fan type 7\",\n"
          "    \"keys\": \"a factor entry's own uncertainty by the entry "
          "and what it says (shared by every project that reads it); a "
          "declared shared input by its place and its name; everything "
          "else by its place and the project's id\"},\n",
          f);
    fprintf(f, "  \"years\": [%d, %d],\n  \"parties\": [\n", r->y0,
            r->y0 + (int)r->nyears - 1);
    for (size_t k = 0; k < r->nparties; k++) {
        json_party(f, r, &r->parties[k]);
        fputs(k + 1 < r->nparties ? ",\n" : "\n", f);
    }
    fputs("  ],\n  \"projects\": [\n", f);
    for (size_t i = 0; i < r->nprojects; i++) {
        const mrv_pf_project *P = &r->projects[i];
        const mrv_bound *b = P->run->bound;
        fputs("    {\"id\": ", f);
        mrv_json_str(f, P->id);
        fputs(", \"path\": ", f);
        mrv_json_str(f, P->entry->path);
        fputs(", \"methodology\": ", f);
        mrv_json_str(f, b->meth->id);
        fputs(", \"host\": ", f);
        mrv_json_str(f, P->host);
        fputs(", \"buyer\": ", f);
        mrv_json_str(f, P->buyer);
        fprintf(f,
                ", \"agreement\": \"%s\", \"ledger_from_draws\": %s, "
                "\"inputs\": %zu, \"shared_inputs\": %zu",
                P->assumed ? "assumed" : "own",
                P->draws_ledger ? "true" : "false", P->ninputs, P->nshared);
        fputs(",\n      \"counted\": ", f);
        if (P->to_target) {
            fputs("{\"central\": ", f);
            mrv_json_num(f, P->central);
            fputs(", \"mean\": ", f);
            mrv_json_num(f, P->mean);
            fputs(", \"sd\": ", f);
            mrv_json_num(f, P->sd);
            fputs(", \"p_without\": ", f);
            mrv_json_num(f, P->p_without);
            fputs(", \"variance_share\": ", f);
            mrv_json_num(f, P->var_share);
            fputc('}', f);
        } else {
            fputs("null", f);
        }
        fputs(i + 1 < r->nprojects ? "},\n" : "}\n", f);
    }
    fputs("  ],\n  \"shared\": [", f);
    for (size_t i = 0; i < r->nshares; i++) {
        const mrv_pf_share *s = &r->shares[i];
        fputs(i ? ",\n    {\"name\": " : "\n    {\"name\": ", f);
        mrv_json_str(f, s->name);
        fprintf(f, ", \"kind\": \"%s\", \"parameter\": ",
                s->declared ? "declared" : "factor");
        s->param ? mrv_json_str(f, s->param) : (void)fputs("null", f);
        fputs(", \"uncertainty\": ", f);
        s->text ? mrv_json_str(f, s->text) : (void)fputs("null", f);
        fputs(", \"projects\": [", f);
        for (size_t j = 0; j < s->nprojects; j++) {
            if (j) fputs(", ", f);
            mrv_json_str(f, r->projects[s->projects[j]].id);
        }
        fputs("]}", f);
    }
    fputs(r->nshares ? "\n  ],\n" : "],\n", f);
    json_inputs(f, r);
    fprintf(f, ",\n  \"aef\": %s\n}\n",
            pf->has_aef ? "{\"actions\": \"aef_actions.csv\", \"holdings\": "
                          "\"aef_holdings.csv\"}"
                        : "null");
    return !ferror(f);
}

/* ---- the drivers ------------------------------------------------------- */

/* A project's weight in its buyer's risk: the probability it adds, then
** its share of the variance; missing values last, ties in portfolio
** order.  The keys are copied, so the comparison needs no run. */
typedef struct driver {
    double dp, vs;
    size_t i;
} driver;

static int cmp_key(double a, double b)
{
    if (isfinite(a) != isfinite(b)) return isfinite(a) ? -1 : 1;
    if (isfinite(a) && a != b) return a > b ? -1 : 1;
    return 0;
}

static int cmp_driver(const void *x, const void *y)
{
    const driver *a = x, *b = y;
    int c = cmp_key(a->dp, b->dp);
    if (!c) c = cmp_key(a->vs, b->vs);
    return c ? c : (a->i > b->i) - (a->i < b->i);
}

size_t mrv_pf_drivers(const mrv_pf_run *r, size_t party, size_t *idx)
{
    const char *code = r->parties[party].code;
    driver *d = malloc((r->nprojects + 1) * sizeof *d);
    size_t n = 0;
    for (size_t i = 0; i < r->nprojects; i++) {
        const mrv_pf_project *P = &r->projects[i];
        if (!P->to_target || strcmp(P->buyer, code) != 0) continue;
        if (d) d[n] = (driver){-P->p_without, P->var_share, i};
        idx[n++] = i;
    }
    /* Out of memory: portfolio order, which is still every project. */
    if (!d) return n;
    qsort(d, n, sizeof *d, cmp_driver);
    for (size_t j = 0; j < n; j++) idx[j] = d[j].i;
    free(d);
    return n;
}

mrv_pf_reach mrv_pf_reach_of(const mrv_pf_run *r, const mrv_pf_party_out *o)
{
    mrv_pf_reach h;
    double v = (double)o->spec->target.volume; /* > 0: the file's rule */
    h.cover = o->counted.central / v;
    h.cover_lower = o->counted.lower / v;
    h.cover_upper = o->counted.upper / v;
    if (r->draws == 0)
        h.verdict = MRV_PF_NO_DRAWS;
    else if (o->hits == 0)
        h.verdict = MRV_PF_NEVER;
    else if (o->hits == r->draws)
        h.verdict = MRV_PF_ALWAYS;
    else
        h.verdict = MRV_PF_SOMETIMES;
    return h;
}

const char *mrv_pf_share_text(double share, const char *pct, char *buf,
                              size_t n)
{
    if (!isfinite(share))
        snprintf(buf, n, "n/a");
    else if (share > 0 && share < 0.0005)
        snprintf(buf, n, "less than 0.1%s", pct);
    else
        snprintf(buf, n, "%.1f%s", 100 * share, pct);
    return buf;
}

/* ---- the printed table ------------------------------------------------- */

static const char *t(double x, char *buf, size_t n)
{
    return mrv_fmt_num(x, 0, buf, n);
}

static const char *pct(double p, char *buf, size_t n)
{
    if (!isfinite(p)) return "n/a (no draws)";
    snprintf(buf, n, "%.1f %%", 100 * p);
    return buf;
}

void mrv_pf_print(const mrv_pf_run *r, FILE *f)
{
    const mrv_portfolio *pf = r->pf;
    char a[48], b[48], c[48], d[48];
    fprintf(f, "Portfolio %s%s%s\n", pf->id, pf->title ? ": " : "",
            pf->title ? pf->title : "");
    char raw[32], grouped[32];
    snprintf(raw, sizeof raw, "%llu", (unsigned long long)r->draws);
    fprintf(f,
            "%zu projects, %s draws, seed %llu, %g %% bounds; %zu input%s "
            "drawn once for several projects\n",
            r->nprojects, mrv_fmt_group(raw, grouped, sizeof grouped),
            (unsigned long long)r->seed, 100 * r->confidence, r->nshares,
            r->nshares == 1 ? "" : "s");
    for (size_t k = 0; k < r->nparties; k++) {
        const mrv_pf_party_out *o = &r->parties[k];
        if (!o->has_target) continue;
        const mrv_pf_target *tg = &o->spec->target;
        if (tg->by)
            fprintf(f, "\n%s target: %s t by %d, counted by %s\n", o->code,
                    t((double)tg->volume, a, sizeof a), tg->to,
                    mrv_pf_count_names[tg->count]);
        else
            fprintf(f, "\n%s target: %s t in %d-%d, counted by %s\n", o->code,
                    t((double)tg->volume, a, sizeof a), tg->from, tg->to,
                    mrv_pf_count_names[tg->count]);
        mrv_pf_reach h = mrv_pf_reach_of(r, o);
        char nd_[32], nh[32], g1[32], g2[32];
        snprintf(g1, sizeof g1, "%llu", (unsigned long long)r->draws);
        snprintf(g2, sizeof g2, "%llu", (unsigned long long)o->hits);
        mrv_fmt_group(g1, nd_, sizeof nd_);
        mrv_fmt_group(g2, nh, sizeof nh);
        fprintf(f, "  probability of reaching it: %s",
                pct(o->p_target, a, sizeof a));
        if (h.verdict == MRV_PF_NEVER)
            fprintf(f, " (none of the %s draws reaches it)\n", nd_);
        else if (h.verdict == MRV_PF_ALWAYS)
            fprintf(f, " (all %s draws reach it)\n", nd_);
        else if (h.verdict == MRV_PF_SOMETIMES)
            fprintf(f, " (%s of %s draws reach it)\n", nh, nd_);
        else
            fputc('\n', f);
        fprintf(f, "  the portfolio covers %s of it",
                mrv_pf_share_text(h.cover, " %", a, sizeof a));
        if (r->draws)
            fprintf(f, " (%s to %s over the draws)",
                    mrv_pf_share_text(h.cover_lower, " %", b, sizeof b),
                    mrv_pf_share_text(h.cover_upper, " %", c, sizeof c));
        if (h.verdict == MRV_PF_NEVER && h.cover_upper < 1)
            fputs(": too few units, whatever the uncertainty", f);
        fputc('\n', f);
        fprintf(f,
                "  counted: central %s t, median %s t, %g %% range %s to %s "
                "t\n",
                t(o->counted.central, a, sizeof a),
                t(o->counted.median, b, sizeof b), 100 * r->confidence,
                t(o->counted.lower, c, sizeof c),
                t(o->counted.upper, d, sizeof d));
        fprintf(f,
                "  shortfall: central %s t, median %s t, %g %% range %s to "
                "%s t\n",
                t(o->shortfall.central, a, sizeof a),
                t(o->shortfall.median, b, sizeof b), 100 * r->confidence,
                t(o->shortfall.lower, c, sizeof c),
                t(o->shortfall.upper, d, sizeof d));
        size_t *idx = malloc((r->nprojects + 1) * sizeof *idx);
        if (!idx) return;
        size_t nd = mrv_pf_drivers(r, k, idx);
        fprintf(f, "  %-32s %14s %12s %10s %9s\n", "what drives it: project",
                "central t", "sd t", "delta p", "var share");
        for (size_t j = 0; j < nd && j < MRV_PF_PRINT_DRIVERS; j++) {
            const mrv_pf_project *P = &r->projects[idx[j]];
            char e[48], g[48];
            double dp = o->p_target - P->p_without;
            snprintf(e, sizeof e, isfinite(dp) ? "%+.4f" : "n/a", dp);
            snprintf(g, sizeof g, isfinite(P->var_share) ? "%.1f %%" : "n/a",
                     100 * P->var_share);
            fprintf(f, "  %-32s %14s %12s %10s %9s\n", P->id,
                    t(P->central, a, sizeof a), t(P->sd, b, sizeof b), e, g);
        }
        if (nd > MRV_PF_PRINT_DRIVERS)
            fprintf(f, "  ... %zu more projects in contributions.csv\n",
                    nd - MRV_PF_PRINT_DRIVERS);
        free(idx);
    }
    bool any = false;
    for (size_t k = 0; k < r->nparties; k++) {
        const mrv_pf_party_out *o = &r->parties[k];
        if (!o->has_ndc) continue;
        const mrv_pf_ndc *n = &o->spec->ndc;
        if (!any) fputs("\nCorresponding adjustments for the NDC year\n", f);
        any = true;
        fprintf(f, "  %s %d (period from %d):", o->code, n->year, n->first);
        for (int m = 0; m < MRV_NCA; m++)
            fprintf(f, "%s %s %s t%s", m ? "," : "", mrv_ca_method_names[m],
                    t(o->ca[m].central, a, sizeof a),
                    (int)n->method == m ? " (chosen)" : "");
        fputc('\n', f);
    }
    for (size_t k = 0; k < r->nparties; k++) {
        const mrv_pf_party_out *o = &r->parties[k];
        if (!o->host) continue;
        fprintf(f, "\n%s hosts: %s t issued, keeps %s t (%.1f %%)", o->code,
                t(o->issued.central, a, sizeof a),
                t(o->kept.central, b, sizeof b), 100 * o->kept_share.central);
        if (o->spec && o->spec->has_keep) {
            char k1[40];
            fprintf(f, "; must keep %s: probability %s",
                    mrv_dec_format_percent(o->spec->keep, k1, sizeof k1),
                    pct(o->p_keep, c, sizeof c));
        }
        fputc('\n', f);
    }
}

/* ---- the output set ---------------------------------------------------- */

typedef bool (*writer)(const mrv_pf_run *r, FILE *f);
static const struct {
    const char *name;
    writer write;
    bool aef;
} files[] = {{"portfolio.csv", mrv_pf_portfolio_csv, false},
             {"targets.csv", mrv_pf_targets_csv, false},
             {"contributions.csv", mrv_pf_contributions_csv, false},
             {"ndc.csv", mrv_pf_ndc_csv, false},
             {"shared.csv", mrv_pf_shared_csv, false},
             {"aef_actions.csv", mrv_aef_actions_csv, true},
             {"aef_holdings.csv", mrv_aef_holdings_csv, true},
             {"report.json", mrv_pf_json, false},
             {"report.html", mrv_pf_html, false}};
#define NFILES (sizeof files / sizeof *files)

static size_t owned_names(const char **owned)
{
    for (size_t i = 0; i < NFILES; i++) owned[i] = files[i].name;
    return NFILES;
}

mrv_status mrv_pf_check_dir(const char *dir, mrv_diag *d)
{
    const char *owned[NFILES];
    return mrv_outset_check(dir, owned, owned_names(owned), d);
}

mrv_status mrv_pf_write(const mrv_pf_run *r, const char *dir, char *names,
                        size_t n, mrv_diag *d)
{
    const char *owned[NFILES];
    mrv_outset *s = NULL;
    mrv_status st = mrv_outset_open(dir, owned, owned_names(owned), &s, d);
    if (st != MRV_OK) return st;
    bool ok = true;
    for (size_t i = 0; ok && i < NFILES; i++) {
        if (files[i].aef && !r->pf->has_aef) continue;
        FILE *f = mrv_outset_file(s, files[i].name, d);
        ok = f && files[i].write(r, f);
    }
    return mrv_outset_finish(s, ok, errno, names, n, d);
}
