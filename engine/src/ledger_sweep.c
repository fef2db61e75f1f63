/*
** ledger_sweep.c -- the agreement over a range of one of its numbers
** ('mrv allocate --sweep KEY=FROM:TO:STEP').
**
** The sweep copies the run's agreement, changes one number and runs the
** waterfall again on the issued units; issuance does not depend on the
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

/* The decimal x at scale 10^k (k >= x.k). */
static int64_t at_scale(mrv_dec x, unsigned k)
{
    return x.num * mrv__pow10[k - x.k];
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
        if (!mrv_agreement_rates_ok(a, NULL)) {
            mrv_error(d, nopos(), MRV_EDOMAIN,
                      "at %s=%s the deductions of issued and authorized "
                      "units take more than 1 of each tonne",
                      key, s);
            return false;
        }
        return true;
    case SW_BUYER_VOLUME:
    case SW_HOST_VOLUME:
    case SW_AUTHORIZED: {
        /* A step like 0.5 over a volume lands between tonnes. */
        int64_t p = mrv__pow10[x.k];
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
    free(s->key);
    free(s->values);
    free(s->totals);
    free(s->mc);
    free(s);
}

/* Parses FROM:TO:STEP into n values at one common decimal scale. */
static bool sweep_range(const char *range, const char *key, mrv_sweep *s,
                        mrv_diag *d)
{
    mrv_dec x[3];
    const char *p = range;
    for (int i = 0; i < 3; i++) {
        const char *end = i < 2 ? strchr(p, ':') : p + strlen(p);
        const char *why = "not a decimal number";
        if (!end || !mrv_dec_parse(p, (size_t)(end - p), &x[i], &why)) {
            mrv_error(d, nopos(), MRV_ESCHEMA,
                      "--sweep %s=%s: expected FROM:TO:STEP, three decimal "
                      "numbers such as 0.4:0.8:0.1 (%s)",
                      key, range, end ? why : "missing ':'");
            return false;
        }
        p = end + 1;
    }
    unsigned k = x[0].k;
    if (x[1].k > k) k = x[1].k;
    if (x[2].k > k) k = x[2].k;
    /* Values are bounded by 10^18 at their own scale; at the common one
    ** they must still fit. */
    int64_t lim = INT64_MAX / 4;
    for (int i = 0; i < 3; i++) {
        if (x[i].num > lim / mrv__pow10[k - x[i].k] ||
            x[i].num < -lim / mrv__pow10[k - x[i].k]) {
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
    s->n = (size_t)n;
    s->values = malloc(s->n * sizeof *s->values);
    if (!s->values) return false;
    for (size_t j = 0; j < s->n; j++) {
        s->values[j].num = from + (int64_t)j * step;
        s->values[j].k = k;
    }
    return true;
}

mrv_status mrv_ledger_sweep(const mrv_run *run, const char *spec,
                            mrv_sweep **out, mrv_diag *d)
{
    *out = NULL;
    const mrv_ledger *l = run->ledger;
    if (!l)
        return mrv_error(d, nopos(), MRV_ESCHEMA,
                         "--sweep needs a project with an 'allocation'");
    const char *eq = strchr(spec, '=');
    if (!eq || eq == spec)
        return mrv_error(d, nopos(), MRV_ESCHEMA,
                         "--sweep takes KEY=FROM:TO:STEP, such as "
                         "split.buyer_share=0.4:0.8:0.1, not '%s'",
                         spec);
    mrv_sweep *s = calloc(1, sizeof *s);
    if (!s) return MRV_ENOMEM;
    s->key = malloc((size_t)(eq - spec) + 1);
    if (!s->key) {
        mrv_sweep_free(s);
        return MRV_ENOMEM;
    }
    memcpy(s->key, spec, (size_t)(eq - spec));
    s->key[eq - spec] = '\0';
    sweep_kind kind;
    size_t ded = 0;
    size_t errs = mrv_diag_error_count(d);
    if (!sweep_target(&l->agr, s->key, &kind, &ded, d) ||
        !sweep_range(eq + 1, s->key, s, d)) {
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
    /* Check every value first, so a bad range reports all of its
    ** problems before any work. */
    for (size_t j = 0; st == MRV_OK && j < s->n; j++) {
        mrv_agreement a = l->agr;
        if (!sweep_set(&a, kind, ded, s->values[j], s->key, d))
            st = mrv_diag_status(d);
    }
    for (size_t j = 0; st == MRV_OK && j < s->n; j++) {
        mrv_agreement a = l->agr;
        sweep_set(&a, kind, ded, s->values[j], s->key, d);
        mrv_ledger_waterfall(&a, l->nvint, l->issued, cells, NULL);
        int64_t *t = s->totals + j * s->ncols;
        t[0] = l->issued[l->nvint];
        for (size_t v = 0; v < l->nvint; v++)
            for (size_t c = 0; c < nc; c++) t[1 + c] += cells[v * nc + c];
        if (s->has_mc)
            st = mrv__ledger_draws(l, &a, run->samples, run->draws, &s->mc[j]);
    }
    free(cells);
    if (st != MRV_OK) {
        mrv_sweep_free(s);
        return st;
    }
    *out = s;
    return MRV_OK;
}
