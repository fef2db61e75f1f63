/*
** survey.c -- parameters estimated from a sample (docs/monitoring.md,
** "Sampling surveys").
**
** A survey reads one row per sampled unit (a vehicle of an odometer
** survey, a household, an inventory plot) from a data file: its stratum
** and its value, from a column or from an equation over the units'
** dimension (a plot's biomass from its trees).  Each stratum's estimate is
** the sample mean with its standard error; the interval at the survey's
** confidence (90 % by default) uses Student's t with n - 1 degrees of
** freedom, and its half-width over the mean is the relative precision.
** Where that is worse than required (10 % by default), the parameter
** takes the bound of the interval that gives the lower reductions (the
** run chooses it from the model) instead of the mean.  The draws of the
** estimate are normal, with the sd that gives the same interval as
** Student's t at the survey's confidence.
**
** A parameter over dimensions is estimated per member (each a stratum of
** its own); a parameter over none may be estimated from weighted strata
** (stratified sampling: the weighted mean, its standard error from each
** stratum's, Welch-Satterthwaite degrees of freedom).
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "hash.h"
#include "monitor_int.h"
#include "schema.h"
#include "strmap.h"

static const mrv_keyspec survey_keys[] = {
    {"csv", true},       {"value", false},      {"unit", false},
    {"equation", false}, {"sample", false},     {"strata", false},
    {"weights", false},  {"confidence", false}, {"precision", false}};

typedef struct sread {
    mrv_survey *sv;
    const mrv_param *p;
    const mrv_ynode *spec;
    const char *sample_col;
    const char *strata_col[MRV_MAX_AXES]; /* per dimension, or [0] the
                                          ** named strata's column */
    int cval, csample, cstrata[MRV_MAX_AXES];
    mrv_vec rows;        /* mrv_srow */
    mrv__strmap weighed; /* a stratified estimate's strata, by name */
} sread;

static bool nomem(mrv__mon *m, mrv_srcpos at)
{
    if (!m->failed) mrv_error(m->d, at, MRV_ENOMEM, "out of memory");
    m->failed = true;
    return false;
}

/* ---- the spec ---------------------------------------------------------- */

static bool spec_strata(mrv__mon *m, sread *sr, const mrv_ynode *n)
{
    mrv_survey *sv = sr->sv;
    const mrv_param *p = sr->p;
    const mrv_ynode *st = mrv_ymap_get(n, "strata"),
                    *w = mrv_ymap_get(n, "weights");
    size_t nd = 0;
    for (size_t i = 0; i < p->nover; i++) nd += p->over[i] != MRV_AXIS_VINTAGE;
    if (nd) {
        if (w) {
            mrv_error(m->d, w->pos, MRV_ESCHEMA,
                      "'weights' combine strata into one value, but '%s' has "
                      "a value per member: each is a stratum of its own",
                      p->name);
            return false;
        }
        if (!st) {
            mrv_error(m->d, n->pos, MRV_ESCHEMA,
                      "'%s' is over dimensions: name the column of each under "
                      "'strata' ({DIMENSION: COLUMN})",
                      p->name);
            return false;
        }
        return mrv__mon_members_spec(m, p, st, &sv->nmem, sv->mem_dim,
                                     sr->strata_col);
    }
    if (!st && !w) return true; /* one simple random sample */
    if (!st || !w) {
        mrv_error(m->d, (st ? st : w)->pos, MRV_ESCHEMA,
                  "a stratified estimate of one value needs both 'strata' "
                  "(the column naming each unit's stratum) and 'weights' "
                  "({STRATUM: WEIGHT}, summing to 1)");
        return false;
    }
    if (!mrv__get_string(st, "'strata'", &sr->strata_col[0], m->d) ||
        !mrv__expect_map(w, "'weights'", m->d))
        return false;
    sv->nweights = w->n;
    sv->wname = mrv_arena_array(m->a, w->n + 1, sizeof *sv->wname);
    sv->weight = mrv_arena_array(m->a, w->n + 1, sizeof *sv->weight);
    if (!sv->wname || !sv->weight) return nomem(m, w->pos);
    double sum = 0;
    for (size_t i = 0; i < w->n; i++) {
        sv->wname[i] = w->keys[i]->text;
        if (!mrv__get_number(w->vals[i], "a weight", &sv->weight[i], m->d))
            return false;
        if (!(sv->weight[i] > 0)) {
            mrv_error(m->d, w->vals[i]->pos, MRV_EDOMAIN,
                      "a stratum's weight must be positive");
            return false;
        }
        sum += sv->weight[i];
    }
    if (fabs(sum - 1) > 1e-9) {
        mrv_error(m->d, w->pos, MRV_EDOMAIN,
                  "the weights sum to %.17g, not 1 (each is its stratum's "
                  "share of the population)",
                  sum);
        return false;
    }
    sv->stratified = true;
    return true;
}

static bool spec_values(mrv__mon *m, sread *sr, const mrv_ynode *n)
{
    mrv_survey *sv = sr->sv;
    const mrv_param *p = sr->p;
    const mrv_methodology *mt = m->b->meth;
    const mrv_ynode *v = mrv_ymap_get(n, "value"), *u = mrv_ymap_get(n, "unit"),
                    *e = mrv_ymap_get(n, "equation"),
                    *s = mrv_ymap_get(n, "sample");
    sv->equation = -1;
    if (s && !mrv__get_string(s, "'sample'", &sr->sample_col, m->d))
        return false;
    if (!!v == !!e) {
        mrv_error(m->d, n->pos, MRV_ESCHEMA,
                  "a survey takes each sampled unit's value from a column "
                  "('value' and 'unit') or from an equation over the units "
                  "('equation' and 'sample'): give one");
        return false;
    }
    if (v && s) {
        mrv_error(m->d, s->pos, MRV_ESCHEMA,
                  "'sample' names the units of a survey whose values come "
                  "from an equation; with a 'value' column each row is one "
                  "unit");
        return false;
    }
    if (v) {
        if (!u) {
            mrv_error(m->d, v->pos, MRV_ESCHEMA,
                      "give the unit of column '%s' with 'unit'", v->text);
            return false;
        }
        return mrv__get_string(v, "'value'", &sv->value_col, m->d) &&
               mrv__mon_unit(m, u, p, &sv->unit, &sv->unit_text);
    }
    const char *en;
    if (!mrv__get_string(e, "'equation'", &en, m->d)) return false;
    int ei = mrv_methodology_equation(mt, en);
    if (ei < 0) {
        mrv_error(m->d, e->pos, MRV_EREF,
                  "methodology '%s' has no equation '%s'", mt->id, en);
        return false;
    }
    const mrv_equation *eq = &mt->eqs[ei];
    if (eq->nover != 1) {
        mrv_error(m->d, e->pos, MRV_ESCHEMA,
                  "equation '%s' must be over one dimension, the sampled "
                  "units (declare 'over: [plot]')",
                  en);
        return false;
    }
    if (!mrv_unit_same_dim(eq->unit, p->unit)) {
        mrv_error(m->d, e->pos, MRV_ESCHEMA,
                  "equation '%s' is in '%s', not of the dimension of '%s' "
                  "('%s')",
                  en, eq->unit_text, p->name, p->unit_text);
        return false;
    }
    if (!sr->sample_col) {
        mrv_error(m->d, e->pos, MRV_ESCHEMA,
                  "name the column of each sampled unit with 'sample' (a "
                  "member of '%s')",
                  mt->dims[eq->over[0]].name);
        return false;
    }
    if (u) {
        mrv_error(m->d, u->pos, MRV_ESCHEMA,
                  "'unit' is the unit of a 'value' column; an equation's "
                  "values are in its own unit");
        return false;
    }
    sv->equation = ei;
    sv->sample_dim = eq->over[0];
    sv->unit = eq->unit;
    sv->unit_text = eq->unit_text;
    return true;
}

static bool sread_begin(mrv__reader *rd, mrv__mon *m, mrv_csvsrc *r);
static bool sread_row(mrv__reader *rd, mrv__mon *m, mrv_csvsrc *r);
static bool sread_end(mrv__reader *rd, mrv__mon *m, const mrv_datafile *f);
static void sread_drop(mrv__reader *rd);

bool mrv__mon_survey(mrv__mon *m, size_t pi, const mrv_ynode *n)
{
    const mrv_param *p = &m->b->meth->params[pi];
    const mrv_ynode *s = mrv_ymap_get(n, "survey");
    if (n->n != 1) {
        mrv_error(m->d, n->pos, MRV_ESCHEMA,
                  "a value estimated from a survey is {survey: {...}} alone");
        return false;
    }
    char what[128];
    snprintf(what, sizeof what, "the survey of '%s'", p->name);
    if (!mrv__check_keys(s, what, survey_keys,
                         sizeof survey_keys / sizeof *survey_keys, m->d))
        return false;
    for (size_t i = 0; i < p->nover; i++) {
        if (p->over[i] != MRV_AXIS_VINTAGE) continue;
        mrv_error(m->d, s->pos, MRV_ESCHEMA,
                  "a survey gives one value for every vintage: '%s' must not "
                  "be over vintage",
                  p->name);
        return false;
    }
    mrv_survey *sv = mrv_arena_alloc(m->a, sizeof *sv);
    sread *sr = calloc(1, sizeof *sr);
    mrv__reader *rd = calloc(1, sizeof *rd);
    if (!sv || !sr || !rd) {
        free(sr);
        free(rd);
        return nomem(m, s->pos);
    }
    sv->param = (int)pi;
    sv->name = p->name;
    sv->node = s;
    sv->confidence = 0.90;
    sv->precision = 0.10;
    sr->sv = sv;
    sr->p = p;
    sr->spec = s;
    mrv_vec_init(&sr->rows, sizeof(mrv_srow));
    rd->self = sr;
    rd->begin = sread_begin;
    rd->row = sread_row;
    rd->end = sread_end;
    rd->drop = sread_drop;
    const char *path;
    bool ok = mrv__get_string(mrv_ymap_get(s, "csv"), "'csv'", &path, m->d);
    ok = ok && spec_values(m, sr, s);
    ok = ok && spec_strata(m, sr, s);
    const mrv_ynode *x;
    if (ok && (x = mrv_ymap_get(s, "confidence")) &&
        mrv__get_number(x, "'confidence'", &sv->confidence, m->d) &&
        !(sv->confidence > 0 && sv->confidence < 1)) {
        mrv_error(m->d, x->pos, MRV_EDOMAIN,
                  "'confidence' must lie strictly between 0 and 1");
        ok = false;
    }
    if (ok && (x = mrv_ymap_get(s, "precision")) &&
        mrv__get_number(x, "'precision'", &sv->precision, m->d) &&
        !(sv->precision > 0)) {
        mrv_error(m->d, x->pos, MRV_EDOMAIN,
                  "'precision' is the half-width of the interval over the "
                  "mean required (0.10 for 90/10): it must be positive");
        ok = false;
    }
    ok = ok && mrv_diag_error_count(m->d) == 0;
    if (ok) ok = mrv__mon_add_reader(m, rd, mrv_ymap_get(s, "csv"));
    if (!ok) {
        free(sr);
        free(rd);
        return false;
    }
    if (!mrv_vec_push(&m->surveys, &sv)) return nomem(m, s->pos);
    return true;
}

/* ---- the rows ---------------------------------------------------------- */

static bool need(mrv__mon *m, mrv_csvsrc *r, const sread *sr, const char *col,
                 const char *key, int *out)
{
    *out = mrv_csvsrc_column(r, col);
    if (*out >= 0) return true;
    const mrv_ynode *at = mrv_ymap_get(sr->spec, key);
    mrv_error(m->d, at ? at->pos : sr->spec->pos, MRV_EREF,
              "data file '%s' has no column '%s'",
              mrv_ymap_get(sr->spec, "csv")->text, col);
    return false;
}

static bool sread_begin(mrv__reader *rd, mrv__mon *m, mrv_csvsrc *r)
{
    sread *sr = rd->self;
    mrv_survey *sv = sr->sv;
    bool ok = true;
    sr->cval = sr->csample = -1;
    if (sv->value_col) ok = need(m, r, sr, sv->value_col, "value", &sr->cval);
    if (sr->sample_col)
        ok = need(m, r, sr, sr->sample_col, "sample", &sr->csample) && ok;
    size_t ns = sv->stratified ? 1 : sv->nmem;
    for (size_t k = 0; k < ns; k++)
        ok = need(m, r, sr, sr->strata_col[k], "strata", &sr->cstrata[k]) && ok;
    /* Each row names its stratum: found in a map, not a scan of the
    ** weights (the keys of a YAML map, so distinct: stratum i at i). */
    if (ok && sv->stratified &&
        !mrv__strmap_add_all(&sr->weighed, sv->wname, sv->nweights))
        return nomem(m, sr->spec->pos);
    return ok;
}

static bool sread_row(mrv__reader *rd, mrv__mon *m, mrv_csvsrc *r)
{
    sread *sr = rd->self;
    mrv_survey *sv = sr->sv;
    mrv_srow row;
    memset(&row, 0, sizeof row);
    row.line = mrv_csvsrc_line(r);
    if (sv->stratified) {
        const mrv_csvfield *f = mrv_csvsrc_field(r, (size_t)sr->cstrata[0]);
        size_t k = mrv__strmap_get(&sr->weighed, f->text);
        if (k == SIZE_MAX) {
            mrv_error(m->d, f->pos, MRV_EREF,
                      "'%s' is not one of the strata the survey weighs",
                      f->text);
            return false;
        }
        row.mem[0] = (uint32_t)k;
    }
    for (size_t k = 0; !sv->stratified && k < sv->nmem; k++) {
        long i = mrv__mon_member(m, sv->mem_dim[k],
                                 mrv_csvsrc_field(r, (size_t)sr->cstrata[k]));
        if (i < 0) return false;
        row.mem[k] = (uint32_t)i;
    }
    if (sr->csample >= 0 && sv->equation >= 0) {
        const mrv_csvfield *f = mrv_csvsrc_field(r, (size_t)sr->csample);
        long i = mrv__mon_member(m, sv->sample_dim, f);
        if (i < 0) return false;
        row.sample = (uint32_t)i;
        row.col = f->pos.col;
    }
    if (sr->cval >= 0) {
        const mrv_csvfield *f = mrv_csvsrc_field(r, (size_t)sr->cval);
        if (f->len == 0) {
            mrv_error(m->d, f->pos, MRV_EDOMAIN,
                      "a sampled unit without a value: leave it out of the "
                      "sample, or measure it");
            return false;
        }
        double raw;
        if (!mrv__mon_quantity(m, f, sv->value_col, sv->unit, sv->unit_text,
                               &raw, &row.value))
            return false;
        row.col = f->pos.col;
    }
    if (!mrv_vec_push(&sr->rows, &row)) return nomem(m, rd->path_node->pos);
    return true;
}

static bool sread_end(mrv__reader *rd, mrv__mon *m, const mrv_datafile *f)
{
    sread *sr = rd->self;
    mrv_survey *sv = sr->sv;
    mrv__strmap_free(&sr->weighed);
    sv->file = f;
    sv->nrows = sr->rows.n;
    sv->rows = sr->rows.n ? mrv_arena_memdup(m->a, sr->rows.data,
                                             sr->rows.n * sizeof *sv->rows)
                          : NULL;
    mrv_vec_free(&sr->rows);
    if (sv->nrows && !sv->rows) return nomem(m, rd->path_node->pos);
    /* A unit sampled twice would count twice: with equation values the
    ** sample column names members, so compare them.  (A 'value' column's
    ** rows name no unit: each is one, and a repeat cannot be told.) */
    if (sv->equation >= 0) {
        unsigned char *hit = calloc(m->b->nmembers[sv->sample_dim] + 1, 1);
        uint32_t *at = calloc(m->b->nmembers[sv->sample_dim] + 1, sizeof *at);
        if (!hit || !at) {
            free(hit);
            free(at);
            return nomem(m, rd->path_node->pos);
        }
        for (size_t i = 0; i < sv->nrows; i++) {
            uint32_t s = sv->rows[i].sample;
            if (hit[s]) {
                mrv_srcpos pos = {f->path, sv->rows[i].line, sv->rows[i].col};
                mrv_error(m->d, pos, MRV_ESCHEMA,
                          "unit '%s' is sampled again (first at line %u)",
                          m->b->members[sv->sample_dim][s], at[s]);
                free(hit);
                free(at);
                return false;
            }
            hit[s] = 1;
            at[s] = sv->rows[i].line;
        }
        free(hit);
        free(at);
    }
    return true;
}

static void sread_drop(mrv__reader *rd)
{
    sread *sr = rd->self;
    mrv_vec_free(&sr->rows);
    mrv__strmap_free(&sr->weighed);
}

/* ---- estimates --------------------------------------------------------- */

/* Student t quantile at (1 + c) / 2 with 'df' degrees of freedom. */
static double t_quantile(double c, double df)
{
    return gsl_cdf_tdist_Pinv((1 + c) / 2, df);
}

static void finish_est(mrv_stratum_est *e, const mrv_survey *sv)
{
    e->t = t_quantile(sv->confidence, e->df);
    e->half_width = e->t * e->se;
    e->rel_precision =
        e->mean != 0 ? e->half_width / fabs(e->mean) : (double)INFINITY;
    e->met = e->rel_precision <= sv->precision;
    e->value = e->met ? e->mean : e->mean - e->half_width;
    e->used = e->met ? "mean" : NULL;
}

/* The exponent k of the largest magnitude among the values of rows [0,
** n): each value over 2^k lies in (-1, 1). */
static int scale_exp(const mrv_srow *const *rows, size_t n)
{
    double big = 0;
    int k = 0;
    for (size_t i = 0; i < n; i++) big = fmax(big, fabs(rows[i]->value));
    (void)frexp(big, &k);
    return k;
}

/* The estimate of the rows [0, n) of 'rows' (of one stratum).  Values
** near the largest double overflow the sum, and deviations beyond 1e154
** their squares; then the mean or the sd is taken again over the values
** scaled by a power of two (exactly), so that only an estimate really
** beyond a double is left non-finite (est_finite refuses it). */
static void stratum(mrv_stratum_est *e, const mrv_srow *const *rows, size_t n,
                    const mrv_survey *sv)
{
    double s = 0;
    for (size_t i = 0; i < n; i++) s += rows[i]->value;
    double mean = s / (double)n, ss = 0;
    if (!isfinite(mean)) {
        int k = scale_exp(rows, n);
        s = 0;
        for (size_t i = 0; i < n; i++) s += ldexp(rows[i]->value, -k);
        mean = ldexp(s / (double)n, k);
    }
    for (size_t i = 0; i < n; i++)
        ss += (rows[i]->value - mean) * (rows[i]->value - mean);
    double sd = sqrt(ss / (double)(n - 1));
    if (!isfinite(sd)) {
        int k = scale_exp(rows, n);
        ss = 0;
        for (size_t i = 0; i < n; i++) {
            double dev = ldexp(rows[i]->value, -k) - ldexp(mean, -k);
            ss += dev * dev;
        }
        sd = ldexp(sqrt(ss / (double)(n - 1)), k);
    }
    e->n = n;
    e->mean = mean;
    e->sd = sd;
    e->se = e->sd / sqrt((double)n);
    e->df = (double)(n - 1);
    finish_est(e, sv);
}

/* The sd of the draws: normal, with the interval Student's t gives. */
static double draw_sd(const mrv_stratum_est *e, double c)
{
    double z = gsl_cdf_ugaussian_Pinv((1 + c) / 2);
    return e->half_width / z;
}

/* Whether every number estimate 'e' reports or draws with is finite, in
** the internal units and in the parameter's declared unit: the mean, sd
** (a stratum's; the stratified estimate has none), se, both ends of the
** interval and the draws' sd.  Values near the largest double overflow
** the sums and squares behind them. */
static bool est_finite(const mrv_bound *b, const mrv_survey *sv,
                       const mrv_stratum_est *e, bool has_sd)
{
    const double x[] = {e->mean,
                        has_sd ? e->sd : 0,
                        e->se,
                        e->mean - e->half_width,
                        e->mean + e->half_width,
                        draw_sd(e, sv->confidence)};
    mrv_unit u = b->meth->params[sv->param].unit;
    for (size_t i = 0; i < sizeof x / sizeof *x; i++)
        if (!isfinite(x[i]) ||
            !isfinite(mrv_unit_from_internal(x[i], u, b->year_days)))
            return false;
    return true;
}

/* Records that the estimate of the rows [0, n) of survey 'sv' ('what':
** "stratum fleet commuter") overflows, at the cell of the largest value,
** where a typo or a sentinel such as 1e308 would be. */
static void overflow(const mrv_survey *sv, const mrv_srow *const *rows,
                     size_t n, const char *what, mrv_diag *d)
{
    const mrv_srow *big = rows[0];
    for (size_t i = 1; i < n; i++)
        if (fabs(rows[i]->value) > fabs(big->value)) big = rows[i];
    mrv_srcpos at = {sv->file->path, big->line, big->col};
    mrv_error(d, at, MRV_EDOMAIN,
              "the survey of '%s' overflows in %s: its mean, standard error "
              "or interval is beyond the largest double (its largest value "
              "is here)",
              sv->name, what);
}

/* Puts estimate 'e' into its leaf: value and uncertainty. */
static void set_leaf(const mrv_survey *sv, const mrv_stratum_est *e,
                     struct mrv_vnode *leaf)
{
    mrv_uncert *u = (mrv_uncert *)leaf->unc;
    leaf->value = e->value;
    u->center = e->value;
    u->sd = draw_sd(e, sv->confidence);
    (void)sv;
}

static int srow_cmp(const void *x, const void *y)
{
    const mrv_srow *a = *(const mrv_srow *const *)x,
                   *b = *(const mrv_srow *const *)y;
    for (int k = 0; k < MRV_MAX_AXES; k++)
        if (a->mem[k] != b->mem[k]) return a->mem[k] < b->mem[k] ? -1 : 1;
    return a->line < b->line ? -1 : a->line > b->line;
}

/* "fleet commuter" for messages and reports. */
static const char *stratum_label(mrv_arena *a, const mrv_bound *b,
                                 const mrv_survey *sv, const uint32_t *mem)
{
    if (sv->stratified) return sv->wname[mem[0]];
    char buf[300];
    size_t o = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < sv->nmem && o + 8 < sizeof buf; k++)
        o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%s %s", k ? "; " : "",
                              b->meth->dims[sv->mem_dim[k]].name,
                              b->members[sv->mem_dim[k]][mem[k]]);
    return mrv_arena_strdup(a, sv->nmem ? buf : "all");
}

/* The strata of survey 'sv' over dimensions: one per combination of
** members of the parameter's dimensions (1 over none), counted past 64
** bits (few_enough_strata has checked them before estimate counts them
** again). */
static mrv__count strata_due(const mrv_bound *b, const mrv_survey *sv)
{
    mrv__count c;
    mrv__count_axes(&c, b->meth, b->nmembers, b->nvint, sv->mem_dim, sv->nmem);
    return c;
}

/* Refuses a survey with more strata than sampled units, at its 'strata':
** some stratum then has none, and each takes a leaf and an estimate
** before that is found, so dimensions read from data files (up to
** MRV_MAX_RECORDS members each) would take memory without bound.  The
** strata are bounded by the rows of one data file after it. */
static bool few_enough_strata(mrv__mon *m, const mrv_survey *sv)
{
    if (sv->stratified) return true;
    mrv__count c = strata_due(m->b, sv);
    if (c.n <= sv->nrows) return true;
    const mrv_ynode *st = mrv_ymap_get(sv->node, "strata");
    mrv_error(m->d, st ? st->pos : sv->node->pos, MRV_EDOMAIN,
              "the survey of '%s' has %s strata (a stratum per combination "
              "of %s) but %zu sampled unit%s: each stratum needs at least 2",
              sv->name, c.text, c.factors, sv->nrows,
              sv->nrows == 1 ? "" : "s");
    return false;
}

/* The estimates of survey 'sv' from its rows' values; false after an
** error (a stratum with fewer than two units). */
static bool estimate(const mrv_bound *b, mrv_arena *a, mrv_survey *sv,
                     mrv_diag *d)
{
    size_t n = sv->nrows;
    const mrv_srow **rows = calloc(n + 1, sizeof *rows);
    if (!rows) return false;
    for (size_t i = 0; i < n; i++) rows[i] = &sv->rows[i];
    qsort(rows, n, sizeof *rows, srow_cmp);
    /* The strata due: every member tuple, every weighted stratum, or
    ** the one sample. */
    size_t due = sv->stratified ? sv->nweights : strata_due(b, sv).n;
    sv->strata = mrv_arena_array(a, due + 1, sizeof *sv->strata);
    if (!sv->strata) {
        free(rows);
        return false;
    }
    sv->nstrata = due;
    size_t i = 0;
    bool ok = true;
    for (size_t s = 0; s < due && ok; s++) {
        mrv_stratum_est *e = &sv->strata[s];
        size_t rest = s;
        for (size_t k = sv->stratified ? 1 : sv->nmem; k-- > 0;) {
            size_t nk =
                sv->stratified ? sv->nweights : b->nmembers[sv->mem_dim[k]];
            e->mem[k] = (uint32_t)(rest % nk);
            rest /= nk;
        }
        size_t j = i;
        while (j < n && memcmp(rows[j]->mem, e->mem, sizeof e->mem) == 0) j++;
        e->label = stratum_label(a, b, sv, e->mem);
        if (sv->stratified) e->weight = sv->weight[s];
        if (j - i < 2) {
            mrv_error(d, sv->node->pos, MRV_EDOMAIN,
                      "the survey of '%s' has %zu sampled unit%s in stratum "
                      "%s: a standard error needs at least 2",
                      sv->name, j - i, j - i == 1 ? "" : "s",
                      e->label ? e->label : "?");
            ok = false;
            break;
        }
        stratum(e, rows + i, j - i, sv);
        if (!est_finite(b, sv, e, true)) {
            char what[320];
            snprintf(what, sizeof what, "stratum %s",
                     e->label ? e->label : "?");
            overflow(sv, rows + i, j - i, what, d);
            ok = false;
            break;
        }
        i = j;
    }
    if (ok && sv->stratified) {
        /* The weighted mean; its variance from each stratum's, with
        ** Welch-Satterthwaite degrees of freedom.  The variances are
        ** taken over 2^(2k), k the exponent of the largest W_h se_h, and
        ** df = (sum a_h)^2 / sum (a_h^2 / df_h) as 1 / sum ((a_h / sum
        ** a)^2 / df_h): the same numbers, but no square of an se beyond
        ** 1e154 overflows. */
        mrv_stratum_est *c = &sv->combined;
        double var = 0, den = 0, big = 0;
        int k = 0;
        c->label = "all";
        c->weight = 1;
        for (size_t s = 0; s < due; s++) {
            const mrv_stratum_est *e = &sv->strata[s];
            c->mean += e->weight * e->mean;
            c->n += e->n;
            big = fmax(big, e->weight * e->se);
        }
        (void)frexp(big, &k);
        for (size_t s = 0; s < due; s++) {
            double wse = ldexp(sv->strata[s].weight * sv->strata[s].se, -k);
            var += wse * wse;
        }
        for (size_t s = 0; s < due && var > 0; s++) {
            double wse = ldexp(sv->strata[s].weight * sv->strata[s].se, -k);
            den += (wse * wse / var) * (wse * wse / var) / sv->strata[s].df;
        }
        c->se = ldexp(sqrt(var), k);
        c->sd = (double)NAN;
        c->df = den > 0 ? 1 / den : (double)(c->n - due);
        finish_est(c, sv);
        if (!est_finite(b, sv, c, false)) {
            overflow(sv, rows, n, "its stratified estimate", d);
            ok = false;
        }
    }
    free(rows);
    if (!ok) return false;
    sv->pending = false;
    for (size_t s = 0; s < (sv->stratified ? 1 : due); s++)
        sv->pending |= !(sv->stratified ? &sv->combined : &sv->strata[s])->met;
    return true;
}

/* Puts every estimate the parameter takes into its leaves. */
static void set_leaves(mrv_survey *sv)
{
    if (sv->stratified) {
        set_leaf(sv, &sv->combined, sv->leaves[0]);
        return;
    }
    for (size_t s = 0; s < sv->nstrata; s++)
        set_leaf(sv, &sv->strata[s], sv->leaves[s]);
}

/* ---- the value tree ---------------------------------------------------- */

static struct mrv_vnode *survey_leaf(mrv__mon *m, mrv_survey *sv,
                                     const uint32_t *mem, size_t k)
{
    mrv_vnode *l = mrv_arena_alloc(m->a, sizeof *l);
    mrv_uncert *u = mrv_arena_alloc(m->a, sizeof *u);
    if (!l || !u) return NULL;
    const mrv_param *p = &m->b->meth->params[sv->param];
    l->kind = MRV_V_LEAF;
    l->dim = -1;
    l->pos = sv->node->pos;
    l->value = 1; /* until estimated */
    u->dist = MRV_DIST_NORMAL;
    u->center = 1;
    double yd = m->b->year_days;
    u->lo =
        p->has_bounds ? mrv_unit_to_internal(p->lo, p->unit, yd) : -HUGE_VAL;
    u->hi = p->has_bounds ? mrv_unit_to_internal(p->hi, p->unit, yd) : HUGE_VAL;
    u->text = "survey";
    u->pos = sv->node->pos;
    /* Each stratum's sampling error is its own: a stream per member. */
    uint64_t sid = mrv__sid_mix(0, MRV__SID_PARAM, mrv__fnv1a_str(p->name));
    for (size_t j = 0; j < sv->nmem; j++)
        sid = mrv__sid_mix(sid, MRV__SID_MEMBER,
                           (uint64_t)sv->mem_dim[j] << 24 | (uint64_t)mem[j]);
    u->stream = sid;
    l->unc = u;
    sv->leaves[k] = l;
    return l;
}

/* The tree of the parameter's axes over[k..]. */
static struct mrv_vnode *survey_tree(mrv__mon *m, mrv_survey *sv, size_t k,
                                     uint32_t *mem, size_t *leafno)
{
    const mrv_param *p = &m->b->meth->params[sv->param];
    if (k == p->nover) return survey_leaf(m, sv, mem, (*leafno)++);
    mrv_vnode *n = mrv_arena_alloc(m->a, sizeof *n);
    if (!n) return NULL;
    int ax = p->over[k];
    n->kind = MRV_V_MEMBERS;
    n->dim = ax;
    n->n = m->b->nmembers[ax];
    n->pos = sv->node->pos;
    n->kids = mrv_arena_array(m->a, n->n, sizeof *n->kids);
    if (!n->kids) return NULL;
    size_t j = 0;
    while (sv->mem_dim[j] != ax) j++;
    for (size_t i = 0; i < n->n; i++) {
        mem[j] = (uint32_t)i;
        if (!(n->kids[i] = survey_tree(m, sv, k + 1, mem, leafno))) return NULL;
    }
    return n;
}

bool mrv__mon_surveys_bind(mrv__mon *m)
{
    mrv_mondata *md = m->md;
    md->nsurveys = m->surveys.n;
    md->surveys = mrv_arena_array(m->a, m->surveys.n + 1, sizeof *md->surveys);
    if (!md->surveys) return nomem(m, m->b->project->doc->root->pos);
    bool ok = true;
    for (size_t i = 0; i < m->surveys.n; i++) {
        mrv_survey *sv = &md->surveys[i];
        *sv = *MRV_VEC_AT(&m->surveys, mrv_survey *, i);
        sv->file = &md->files[sv->file - m->files];
        if (!few_enough_strata(m, sv)) {
            ok = false;
            continue;
        }
        size_t nl = (size_t)strata_due(m->b, sv).n;
        sv->leaves = mrv_arena_array(m->a, nl + 1, sizeof *sv->leaves);
        uint32_t mem[MRV_MAX_AXES] = {0};
        size_t leafno = 0;
        mrv_vnode *root =
            sv->leaves ? survey_tree(m, sv, 0, mem, &leafno) : NULL;
        if (!root) return nomem(m, sv->node->pos);
        m->b->values[sv->param] = root;
        m->b->value_origin[sv->param] = "survey";
        /* An equation's values come once the run has evaluated it. */
        if (sv->equation >= 0) continue;
        if (!estimate(m->b, m->a, sv, m->d)) {
            ok = false;
            continue;
        }
        set_leaves(sv);
    }
    return ok;
}

mrv_status mrv_bound_survey_equation(mrv_bound *b, size_t i,
                                     const double *unit_values, mrv_diag *d)
{
    mrv_survey *sv = &b->mon->surveys[i];
    mrv_srow *rows = (mrv_srow *)sv->rows;
    for (size_t k = 0; k < sv->nrows; k++)
        rows[k].value = unit_values[rows[k].sample];
    if (!estimate(b, b->arena, sv, d)) return mrv_diag_status(d);
    set_leaves(sv);
    return MRV_OK;
}

void mrv__survey_set_bound(mrv_survey *sv, bool upper, bool decided)
{
    size_t n = sv->stratified ? 1 : sv->nstrata;
    for (size_t s = 0; s < n; s++) {
        mrv_stratum_est *e = sv->stratified ? &sv->combined : &sv->strata[s];
        if (e->met) continue;
        e->value = upper ? e->mean + e->half_width : e->mean - e->half_width;
        e->used = decided ? (upper ? "upper bound" : "lower bound") : NULL;
    }
    set_leaves(sv);
    if (decided) sv->pending = false;
}
