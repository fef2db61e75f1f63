/*
** conserv.c -- the programme's conservativeness rules (conserv.h): read
** strictly from YAML, and applied to one vintage's estimate and draws.
**
** A rule is applied once, to the basis estimate of a vintage, and reads
** the spread of that vintage's Monte Carlo draws through type-7
** quantiles (stats.h).  The bands and constants are the programmes'
** published ones; conserv.h says what each rule takes.
*/
#include <math.h>

#include "conserv.h"
#include "conserv_int.h"
#include "decimal.h"
#include "schema.h"
#include "stats.h"

const char *const mrv__rule_names[] = {"none", "ar_tool14", "lower_bound",
                                       "art_trees", "fcpf"};

#define NRULES 5

/* AR-Tool14 discount bands (Appendix 2, Table 1) and the FCPF Carbon
** Fund set-aside, both on the relative 90 % half-width, upper-inclusive
** (docs/allocation.md, "Conservativeness rules"). */
static const struct band {
    double upto, take;
} ar_tool14_bands[] = {
    {0.10, 0.00}, {0.15, 0.25}, {0.20, 0.50}, {0.30, 0.75}, {HUGE_VAL, 1.00}};
static const struct band fcpf_bands[] = {
    {0.15, 0.00}, {0.30, 0.04}, {0.60, 0.08}, {1.00, 0.12}, {HUGE_VAL, 0.15}};
/* ART-TREES v2.0: UA = 0.524417 * HW90 / 1.645006. */
#define ART_TREES_Z70 0.524417
#define ART_TREES_Z95 1.645006

static const mrv_keyspec rule_keys[] = {
    {"rule", true}, {"confidence", false}, {"precision", false}};

#define NKEYS(ks) (sizeof ks / sizeof *ks)

/* Reads one 'conservativeness' node into *r; false (with errors) when it
** is not a valid rule. */
static bool read_rule(const mrv_ynode *n, mrv_rule_spec *r, mrv_diag *d)
{
    size_t before = mrv_diag_error_count(d);
    r->rule = MRV_RULE_NONE;
    r->confidence = 0.90;
    r->precision = (double)NAN;
    r->node = n;
    int e;
    if (n->kind == MRV_Y_SCALAR) {
        if (mrv__get_enum(n, "'conservativeness'", mrv__rule_names, NRULES, &e,
                          d))
            r->rule = (mrv_rule)e;
        return mrv_diag_error_count(d) == before;
    }
    if (!mrv__map_keys(n, "'conservativeness'", rule_keys, NKEYS(rule_keys), d))
        return false;
    const mrv_ynode *v;
    if ((v = mrv_ymap_get(n, "rule")) &&
        mrv__get_enum(v, "the conservativeness rule", mrv__rule_names, NRULES,
                      &e, d))
        r->rule = (mrv_rule)e;
    static const char *const params[2] = {"confidence", "precision"};
    for (int i = 0; i < 2; i++) {
        if (!(v = mrv_ymap_get(n, params[i]))) continue;
        double x;
        if (!mrv__get_number(v, params[i], &x, d)) continue;
        if (r->rule != MRV_RULE_LOWER_BOUND) {
            mrv_error(d, mrv_ymap_key_of(n, v)->pos, MRV_ESCHEMA,
                      "'%s' applies to the lower_bound rule only; the other "
                      "rules use their published parameters",
                      params[i]);
        } else if (i == 0 && !(x >= 0.5 && x < 1)) {
            mrv_error(d, v->pos, MRV_EDOMAIN,
                      "'confidence' of a one-sided lower bound must be at "
                      "least 0.5 and below 1, not %s",
                      v->text);
        } else if (i == 1 && !(x > 0 && x <= 1)) {
            mrv_error(d, v->pos, MRV_EDOMAIN,
                      "'precision' must be above 0 and at most 1, not %s",
                      v->text);
        } else if (i == 0) {
            r->confidence = x;
        } else {
            r->precision = x;
        }
    }
    return mrv_diag_error_count(d) == before;
}

mrv_status mrv_conserv_load(const mrv_ynode *n, mrv_arena *a,
                            const mrv_rule_spec **out, mrv_diag *d)
{
    *out = NULL;
    mrv_rule_spec *r = mrv_arena_alloc(a, sizeof *r);
    if (!r) return MRV_ENOMEM;
    if (!read_rule(n, r, d)) return mrv_diag_status(d);
    *out = r;
    return MRV_OK;
}

/* The band of a relative half-width, compared at the ledger's decimals
** (mrv_ledger_round): a half-width of 15 t on an estimate of 100 t is in
** the band up to 0.15 even when the division leaves 0.15000000000000002. */
static double band_take(const struct band *b, double u)
{
    size_t i = 0;
    u = mrv_ledger_round(u);
    while (!(u <= b[i].upto)) i++;
    return b[i].take;
}

void mrv_conserv_apply(const mrv_rule_spec *r, mrv_conserv *c, double *x,
                       size_t n)
{
    double u = c->unadjusted;
    c->half_width = c->relative = c->factor = (double)NAN;
    c->rule_adj = 0;
    if (r && r->rule != MRV_RULE_NONE && x) {
        double conf = r->rule == MRV_RULE_LOWER_BOUND ? r->confidence : 0.90;
        double ps[2] = {(1 - conf) / 2, (1 + conf) / 2}, q[2];
        mrv_stats_quantiles(x, n, ps, 2, q);
        double lo = q[0], hi = q[1];
        c->half_width = hi / 2 - lo / 2; /* hi - lo may overflow */
        /* A vintage with no positive estimate issues nothing; the rules
        ** have nothing to take from it. */
        if (u > 0) {
            double rel = c->half_width / u;
            c->relative = rel;
            switch (r->rule) {
            case MRV_RULE_NONE:
                break;
            case MRV_RULE_AR_TOOL14:
                /* d of the absolute half-width, not of the relative one
                ** (Guardian's implementation gets this wrong). */
                c->factor = band_take(ar_tool14_bands, rel);
                c->rule_adj = c->factor * c->half_width;
                break;
            case MRV_RULE_ART_TREES:
                c->factor = ART_TREES_Z70 * rel / ART_TREES_Z95;
                c->rule_adj = u * c->factor;
                break;
            case MRV_RULE_FCPF:
                c->factor = band_take(fcpf_bands, rel);
                c->rule_adj = u * c->factor;
                break;
            case MRV_RULE_LOWER_BOUND:
                if (!(mrv_ledger_round(rel) <= r->precision)) {
                    double p = 1 - r->confidence, lb;
                    mrv_stats_quantiles(x, n, &p, 1, &lb);
                    /* The rule never raises the estimate. */
                    c->rule_adj = u > lb ? u - lb : 0;
                }
                break;
            }
            /* A deduction for uncertainty takes the claim at most, never
            ** more: what would pass it is no loss of carbon for later
            ** vintages to make up. */
            if (c->rule_adj > u) c->rule_adj = u;
        }
    }
    c->creditable = u - c->rule_adj;
}
