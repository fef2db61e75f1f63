/*
** ledger_sweep.c -- the agreement over a range of one of its numbers
** ('mrv allocate --sweep KEY=FROM:TO:STEP', up to two of them).
**
** The sweep copies the run's agreement, changes one number (or two, over
** their grid) and runs the waterfall again on the issued units; issuance does
*not depend on the
** agreement, so it is never recomputed.  With draws, the copy runs on
** every draw too.  Values are exact decimals stepped at one common scale,
** so 0.1 steps land on 0.3, never on 0.30000000000000004.  Errors have no
** file position: they are in the command line.
*/
#include <stdlib.h>
#include <string.h>

#include "ledger_int.h"

typedef enum {
    SW_RATE,
    SW_SHARE,
    SW_BUYER_VOLUME,
    SW_HOST_VOLUME,
    SW_AUTHORIZED
} sweep_kind;

static mrv_srcpos nopos(void)
{
    mrv_srcpos p = {NULL, 0, 0};
    return p;
}

/* The exponent of a decimal's denominator, 10^k (a sweep's values are
** decimals: sweep_range checks). */
static unsigned dec_k(mrv_dec x)
{
    unsigned k = 0;
    mrv_dec_is_decimal(x, &k);
    return k;
}

/* The decimal x at scale 10^k (k >= its own). */
static int64_t at_scale(mrv_dec x, unsigned k)
{
    return x.num * mrv__pow10[k - dec_k(x)];
}

/* Finds what KEY names in the agreement; errors name the keys it has. */
static bool sweep_target(const mrv_agreement *a, const char *key,
                         sweep_kind *kind, size_t *ded, mrv_diag *d)
{
    static const char *const split_key[3] = {
        "split.buyer_share", "split.buyer_volume", "split.host_volume"};
    const char *has = split_key[a->split];
    for (int i = 0; i < 3; i++) {
        if (strcmp(key, split_key[i]) != 0) continue;
        if ((int)a->split != i) {
            mrv_error(d, nopos(), MRV_ESCHEMA,
                      "cannot sweep %s: the agreement's split is %s", key,
                      has + 6);
            return false;
        }
        *kind = i == 0 ? SW_SHARE : i == 1 ? SW_BUYER_VOLUME : SW_HOST_VOLUME;
        return true;
    }
    if (strcmp(key, "authorized") == 0) {
        if (a->auth != MRV_AUTH_TOTAL) {
            mrv_error(d, nopos(), MRV_ESCHEMA,
                      "cannot sweep authorized: the agreement has %s",
                      a->auth == MRV_AUTH_NONE
                          ? "no authorized volume"
                          : "an authorized volume per vintage");
            return false;
        }
        *kind = SW_AUTHORIZED;
        return true;
    }
    size_t kl = strlen(key);
    if (strncmp(key, "deductions.", 11) == 0 && kl > 16 &&
        strcmp(key + kl - 5, ".rate") == 0) {
        for (size_t j = 0; j < a->nded; j++) {
            const char *nm = a->ded[j].name;
            if (strlen(nm) == kl - 16 && strncmp(key + 11, nm, kl - 16) == 0) {
                *kind = SW_RATE;
                *ded = j;
                return true;
            }
        }
    }
    char keys[1024];
    size_t o = (size_t)snprintf(keys, sizeof keys, "%s", has);
    for (size_t j = 0; j < a->nded && o < sizeof keys; j++)
        o += (size_t)snprintf(keys + o, sizeof keys - o, ", deductions.%s.rate",
                              a->ded[j].name);
    if (a->auth == MRV_AUTH_TOTAL && o < sizeof keys)
        snprintf(keys + o, sizeof keys - o, ", authorized");
    mrv_error(d, nopos(), MRV_ESCHEMA,
              "cannot sweep '%s': this agreement's numbers are %s", key, keys);
    return false;
}

/* Sets value x (valid for 'kind') in a copy of the agreement. */
static bool sweep_set(mrv_agreement *a, sweep_kind kind, size_t ded, mrv_dec x,
                      const char *key, mrv_diag *d)
{
    char s[48];
    mrv_dec_format(x, s, sizeof s);
    switch (kind) {
    case SW_RATE:
    case SW_SHARE:
        if (!mrv_dec_in_unit(x)) {
            mrv_error(d, nopos(), MRV_EDOMAIN, "%s must be from 0 to 1, not %s",
                      key, s);
            return false;
        }
        if (kind == SW_SHARE) {
            a->share = x;
            return true;
        }
        a->ded[ded].rate = x;
        mrv_dec sum;
        if (!mrv_agreement_rates_ok(a, &sum)) {
            mrv_error(d, nopos(), MRV_EDOMAIN,
                      "at %s=%s the deductions of issued and authorized "
                      "units take %s of each tonne",
                      key, s,
                      sum.den ? "more than 1"
                              : "a sum too large to add exactly");
            return false;
        }
        return true;
    case SW_BUYER_VOLUME:
    case SW_HOST_VOLUME:
    case SW_AUTHORIZED: {
        /* A step like 0.5 over a volume lands between tonnes. */
        int64_t p = x.den;
        if (x.num < 0 || x.num % p != 0 || x.num / p > MRV_LEDGER_MAX_TONNES) {
            mrv_error(d, nopos(), MRV_EDOMAIN,
                      "%s must be a whole number of tonnes from 0 to 10^15, "
                      "not %s",
                      key, s);
            return false;
        }
        if (kind == SW_AUTHORIZED)
            a->auth_total = x.num / p;
        else
            a->volume = x.num / p;
        return true;
    }
    }
    return false;
}

void mrv_sweep_free(mrv_sweep *s)
{
    if (!s) return;
    for (size_t k = 0; k < s->naxes; k++) {
        free(s->axis[k].key);
        free(s->axis[k].values);
    }
    free(s->totals);
    free(s->mc);
    free(s);
}

mrv_dec mrv_sweep_value(const mrv_sweep *s, size_t j, size_t k)
{
    /* Row j counts in a mixed radix, the last axis fastest. */
    for (size_t i = s->naxes; i-- > k + 1;) j /= s->axis[i].n;
    return s->axis[k].values[j % s->axis[k].n];
}

/* Parses FROM:TO:STEP into the axis's values at one common decimal
** scale. */
static bool sweep_range(const char *range, mrv_sweep_axis *ax, mrv_diag *d)
{
    const char *key = ax->key;
    mrv_dec x[3];
    const char *p = range;
    for (int i = 0; i < 3; i++) {
        const char *end = i < 2 ? strchr(p, ':') : p + strlen(p);
        const char *why = "not a decimal number";
        bool ok = end && mrv_dec_parse(p, (size_t)(end - p), &x[i], &why);
        if (ok && !mrv_dec_is_decimal(x[i], NULL)) {
            why = "a fraction cannot be stepped through; write decimals";
            ok = false;
        }
        if (!ok) {
            mrv_error(d, nopos(), MRV_ESCHEMA,
                      "--sweep %s=%s: expected FROM:TO:STEP, three decimal "
                      "numbers such as 0.4:0.8:0.1 (%s)",
                      key, range, end ? why : "missing ':'");
            return false;
        }
        p = end + 1;
    }
    unsigned k = dec_k(x[0]);
    if (dec_k(x[1]) > k) k = dec_k(x[1]);
    if (dec_k(x[2]) > k) k = dec_k(x[2]);
    /* Values are bounded by 10^18 at their own scale; at the common one
    ** they must still fit. */
    int64_t lim = INT64_MAX / 4;
    for (int i = 0; i < 3; i++) {
        if (x[i].num > lim / mrv__pow10[k - dec_k(x[i])] ||
            x[i].num < -lim / mrv__pow10[k - dec_k(x[i])]) {
            mrv_error(d, nopos(), MRV_EDOMAIN, "--sweep %s=%s: too large", key,
                      range);
            return false;
        }
    }
    int64_t from = at_scale(x[0], k), to = at_scale(x[1], k),
            step = at_scale(x[2], k);
    if (step <= 0 || to < from) {
        mrv_error(d, nopos(), MRV_EDOMAIN,
                  "--sweep %s=%s: STEP must be positive and FROM at most TO",
                  key, range);
        return false;
    }
    int64_t n = (to - from) / step + 1;
    if (n > MRV_SWEEP_MAX_STEPS) {
        mrv_error(d, nopos(), MRV_EDOMAIN,
                  "--sweep %s=%s gives %lld values; at most %d are allowed",
                  key, range, (long long)n, MRV_SWEEP_MAX_STEPS);
        return false;
    }
    ax->n = (size_t)n;
    ax->values = malloc(ax->n * sizeof *ax->values);
    if (!ax->values) return false;
    for (size_t j = 0; j < ax->n; j++) {
        ax->values[j].num = from + (int64_t)j * step;
        ax->values[j].den = mrv__pow10[k];
    }
    return true;
}

/* KEY of 'spec' into a new string; false on a malformed spec (recorded)
** or no memory (*key NULL, nothing recorded). */
static bool sweep_key(const char *spec, char **key, mrv_diag *d)
{
    *key = NULL;
    const char *eq = strchr(spec, '=');
    if (!eq || eq == spec) {
        mrv_error(d, nopos(), MRV_ESCHEMA,
                  "--sweep takes KEY=FROM:TO:STEP, such as "
                  "split.buyer_share=0.4:0.8:0.1, not '%s'",
                  spec);
        return false;
    }
    size_t n = (size_t)(eq - spec);
    *key = malloc(n + 1);
    if (!*key) return false;
    memcpy(*key, spec, n);
    (*key)[n] = '\0';
    return true;
}

/* A copy of 'base' with row j's values set; false (recorded) when a
** value or the combination is not valid. */
static bool sweep_row(const mrv_sweep *s, const sweep_kind *kind,
                      const size_t *ded, size_t j, mrv_agreement *a,
                      mrv_diag *d)
{
    for (size_t k = 0; k < s->naxes; k++)
        if (!sweep_set(a, kind[k], ded[k], mrv_sweep_value(s, j, k),
                       s->axis[k].key, d))
            return false;
    return true;
}

mrv_status mrv_ledger_sweep_grid(const mrv_run *run, const char *const *specs,
                                 size_t nspecs, mrv_sweep **out, mrv_diag *d)
{
    *out = NULL;
    const mrv_ledger *l = run->ledger;
    if (!l)
        return mrv_error(d, nopos(), MRV_ESCHEMA,
                         "--sweep needs a project with an 'allocation'");
    if (nspecs == 0 || nspecs > MRV_SWEEP_MAX_KEYS)
        return mrv_error(d, nopos(), MRV_ESCHEMA,
                         "--sweep may be given once or twice (a grid of two "
                         "numbers), not %zu times",
                         nspecs);
    mrv_sweep *s = calloc(1, sizeof *s);
    if (!s) return MRV_ENOMEM;
    sweep_kind kind[MRV_SWEEP_MAX_KEYS];
    size_t ded[MRV_SWEEP_MAX_KEYS] = {0};
    size_t errs = mrv_diag_error_count(d);
    bool ok = true;
    s->n = 1;
    for (size_t k = 0; ok && k < nspecs; k++) {
        mrv_sweep_axis *ax = &s->axis[k];
        s->naxes = k + 1;
        ok = sweep_key(specs[k], &ax->key, d) &&
             sweep_target(&l->agr, ax->key, &kind[k], &ded[k], d) &&
             sweep_range(strchr(specs[k], '=') + 1, ax, d);
        for (size_t i = 0; ok && i < k; i++)
            if (strcmp(s->axis[i].key, ax->key) == 0) {
                mrv_error(d, nopos(), MRV_ESCHEMA, "--sweep %s is given twice",
                          ax->key);
                ok = false;
            }
        if (ok && s->n * ax->n > MRV_SWEEP_MAX_STEPS) {
            mrv_error(d, nopos(), MRV_EDOMAIN,
                      "--sweep %s x %s gives %zu combinations; at most %d "
                      "are allowed",
                      s->axis[0].key, ax->key, s->n * ax->n,
                      MRV_SWEEP_MAX_STEPS);
            ok = false;
        }
        if (ok) s->n *= ax->n;
    }
    if (!ok) {
        mrv_sweep_free(s);
        return mrv_diag_error_count(d) > errs ? mrv_diag_status(d) : MRV_ENOMEM;
    }
    size_t nc = MRV_LEDGER_NCOLS(&l->agr);
    s->ncols = nc + 1;
    s->totals = calloc(s->n * s->ncols, sizeof *s->totals);
    int64_t *cells = malloc(l->nvint * nc * sizeof *cells);
    s->has_mc = l->has_mc;
    if (s->has_mc) s->mc = calloc(s->n, sizeof *s->mc);
    mrv_status st = MRV_OK;
    if (!s->totals || !cells || (s->has_mc && !s->mc)) st = MRV_ENOMEM;
    /* Check every combination first, so a bad range reports its problems
    ** before any work. */
    for (size_t j = 0; st == MRV_OK && j < s->n; j++) {
        mrv_agreement a = l->agr;
        if (!sweep_row(s, kind, ded, j, &a, d)) st = mrv_diag_status(d);
    }
    for (size_t j = 0; st == MRV_OK && j < s->n; j++) {
        mrv_agreement a = l->agr;
        sweep_row(s, kind, ded, j, &a, d);
        mrv_ledger_waterfall(&a, l->nvint, l->issued, cells, NULL);
        int64_t *t = s->totals + j * s->ncols;
        t[0] = l->issued[l->nvint];
        for (size_t v = 0; v < l->nvint; v++)
            for (size_t c = 0; c < nc; c++) t[1 + c] += cells[v * nc + c];
        if (s->has_mc)
            st = mrv__ledger_draws(l, &a, run->reduction_draws, run->draws,
                                   &s->mc[j]);
    }
    free(cells);
    if (st != MRV_OK) {
        mrv_sweep_free(s);
        return st;
    }
    *out = s;
    return MRV_OK;
}

mrv_status mrv_ledger_sweep(const mrv_run *run, const char *spec,
                            mrv_sweep **out, mrv_diag *d)
{
    return mrv_ledger_sweep_grid(run, &spec, 1, out, d);
}
