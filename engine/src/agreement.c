/*
** agreement.c -- the project's 'allocation', read strictly from YAML
** (agreement.h documents the schema).
**
** Every schema error is reported with its position before giving up, as
** the model loaders do: keys, party codes, rates and shares read as exact
** decimals, volumes in whole tonnes, deductions and their destinations,
** the split, the authorized cap, the first-transfer definition and the
** calendar of events, each vintage-keyed map checked against the
** crediting period.  The result is plain data (mrv_allocation) that the
** ledger applies; nothing here computes a tonne.
*/
#include <stdio.h>
#include <string.h>

#include "agreement.h"
#include "agreement_int.h"
#include "conserv_int.h"
#include "decimal_int.h"
#include "schema.h"
#include "suggest.h"

const char *const mrv__basis_names[] = {"central", "mean", "lower"};
const char *const mrv__rounding_names[] = {"floor", "ceil", "nearest"};
const char *const mrv__dbase_names[] = {"issued", "remaining", "authorized"};
const char *const mrv__event_names[] = {"issuance", "authorization", "transfer",
                                        "use"};

#define NEVENTS MRV_NEVENTS

/* Accounts every agreement may send units to; 'host' is the host's own. */
static const char *const builtin_accounts[] = {"adaptation_fund", "buffer_pool",
                                               "cancellation", "host"};
#define NBUILTIN 4

/* Ledger column names a deduction may not take. */
static const char *const reserved_columns[] = {
    "vintage", "estimate", "issued", "host", "buyer", "total", "carried"};

static const mrv_keyspec alloc_keys[] = {
    {"host", false},       {"buyer", true},     {"basis", false},
    {"source", false},     {"accounts", false}, {"authorized", false},
    {"deductions", false}, {"split", true},     {"first_transfer", false},
    {"years", false}};
static const mrv_keyspec ded_keys[] = {{"name", true}, {"rate", true},
                                       {"to", true},   {"rounding", false},
                                       {"of", false},  {"units", false}};
static const mrv_keyspec split_keys[] = {{"buyer_share", false},
                                         {"buyer_volume", false},
                                         {"host_volume", false},
                                         {"order", false},
                                         {"rounding", false}};
static const mrv_keyspec years_keys[] = {{"issuance", false},
                                         {"authorization", false},
                                         {"transfer", false},
                                         {"use", false}};
static const mrv_keyspec lag_keys[] = {{"lag", true}};
#define NKEYS(ks) (sizeof ks / sizeof *ks)

/* ---- small readers ----------------------------------------------------- */

static bool in_list(const char *s, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (names[i] && strcmp(s, names[i]) == 0) return true;
    return false;
}

/* ---- the agreement ----------------------------------------------------- */

typedef struct loader {
    mrv_allocation *al; /* what is read */
    mrv_arena *arena;   /* where */
    int first;          /* the crediting period */
    size_t nvint;
    const mrv_ynode *host; /* the project's 'host', or NULL */
    mrv_diag *d;
    const mrv_ynode *years_node;
    const mrv_ynode *year_nodes[NEVENTS];
} loader;

/* Reports the first vintage 'seen' lacks (and how many more), for maps
** that must cover the whole crediting period. */
static void missing_vintages(const loader *L, const mrv_ynode *n,
                             const char *what, const bool *seen)
{
    size_t nmiss = 0, first = 0;
    for (size_t v = 0; v < L->nvint; v++) {
        if (seen[v]) continue;
        if (nmiss++ == 0) first = v;
    }
    if (nmiss == 0) return;
    int y = L->first + (int)first;
    if (nmiss == 1)
        mrv_error(L->d, n->pos, MRV_ESCHEMA,
                  "%s has no value for vintage %d; it needs every vintage "
                  "of the crediting period",
                  what, y);
    else
        mrv_error(L->d, n->pos, MRV_ESCHEMA,
                  "%s has no value for vintage %d nor for %zu more; it needs "
                  "every vintage of the crediting period",
                  what, y, nmiss - 1);
}

/* A year map key: a vintage of the crediting period.  Returns its index
** or -1 (with an error). */
static long vintage_key(const loader *L, const mrv_ynode *k, const char *what)
{
    int y;
    if (!mrv__is_year(k, &y)) {
        if (mrv__quoted_number(k))
            mrv_error(L->d, k->pos, MRV_ESCHEMA, MRV__UNQUOTE, "a vintage key",
                      k->text);
        else
            mrv_error(L->d, k->pos, MRV_ESCHEMA,
                      "the keys of %s must be vintages (years), not '%s'", what,
                      k->text);
        return -1;
    }
    if (y < L->first || y >= L->first + (int)L->nvint) {
        mrv_error(L->d, k->pos, MRV_EDOMAIN,
                  "vintage %d in %s is outside the crediting period %d-%d", y,
                  what, L->first, L->first + (int)L->nvint - 1);
        return -1;
    }
    return y - L->first;
}

static void load_authorized(loader *L, const mrv_ynode *n)
{
    mrv_agreement *a = &L->al->agr;
    if (n->kind == MRV_Y_SCALAR) {
        if (mrv__get_tonnes(n, "'authorized'", &a->auth_total, L->d))
            a->auth = MRV_AUTH_TOTAL;
        return;
    }
    if (n->kind != MRV_Y_MAP) {
        mrv_error(L->d, n->pos, MRV_ESCHEMA,
                  "'authorized' must be a number of tonnes or a map from "
                  "vintage to tonnes, not a %s",
                  mrv_ykind_name(n->kind));
        return;
    }
    int64_t *cap = mrv_arena_array(L->arena, L->nvint, sizeof *cap);
    bool *seen = mrv_arena_array(L->arena, L->nvint, sizeof *seen);
    if (!cap || !seen) return;
    bool ok = true;
    for (size_t i = 0; i < n->n; i++) {
        long v = vintage_key(L, n->keys[i], "'authorized'");
        if (v < 0) {
            ok = false;
            continue;
        }
        char what[64];
        snprintf(what, sizeof what, "'authorized' for %s", n->keys[i]->text);
        ok &= mrv__get_tonnes(n->vals[i], what, &cap[v], L->d);
        seen[v] = true;
    }
    size_t before = mrv_diag_error_count(L->d);
    missing_vintages(L, n, "'authorized'", seen);
    if (ok && mrv_diag_error_count(L->d) == before) {
        a->auth = MRV_AUTH_VINTAGE;
        a->auth_v = cap;
    }
}

static void load_accounts(loader *L, const mrv_ynode *n)
{
    mrv_allocation *l = L->al;
    if (!mrv__expect_seq(n, "'accounts'", L->d)) return;
    for (size_t i = 0; i < n->n; i++) {
        const char *s;
        if (!mrv__get_ident(n->vals[i], "an account", &s, L->d)) continue;
        if (in_list(s, builtin_accounts, NBUILTIN) ||
            in_list(s, l->accounts, l->naccounts)) {
            mrv_error(L->d, n->vals[i]->pos, MRV_ESCHEMA,
                      "account '%s' is already known", s);
            continue;
        }
        if (l->naccounts == MRV_LEDGER_MAX_ACCOUNTS) {
            mrv_error(L->d, n->vals[i]->pos, MRV_ESCHEMA,
                      "at most %d accounts may be listed",
                      MRV_LEDGER_MAX_ACCOUNTS);
            return;
        }
        l->accounts[l->naccounts++] = s;
    }
}

static void load_destination(loader *L, const mrv_ynode *n, const char *what,
                             mrv_deduction *dd)
{
    const mrv_allocation *l = L->al;
    const char *s;
    if (!mrv__get_string(n, what, &s, L->d)) return;
    const char *names[NBUILTIN + MRV_LEDGER_MAX_ACCOUNTS];
    size_t nn = 0;
    for (size_t i = 0; i < NBUILTIN; i++) names[nn++] = builtin_accounts[i];
    for (size_t i = 0; i < l->naccounts; i++) names[nn++] = l->accounts[i];
    if (in_list(s, names, nn)) {
        dd->to = s;
        dd->to_host = strcmp(s, "host") == 0;
        return;
    }
    const char *hint = mrv__closest(s, names, nn);
    if (hint)
        mrv_error(L->d, n->pos, MRV_ESCHEMA,
                  "unknown destination '%s' in %s (did you mean '%s'?)", s,
                  what, hint);
    else
        mrv_error(L->d, n->pos, MRV_ESCHEMA,
                  "unknown destination '%s' in %s; use adaptation_fund, "
                  "buffer_pool, cancellation, host or an account listed in "
                  "'accounts'",
                  s, what);
}

static void load_deduction(loader *L, const mrv_ynode *n, size_t idx)
{
    mrv_agreement *a = &L->al->agr;
    mrv_deduction *dd = &a->ded[idx];
    dd->rounding = MRV_ROUND_FLOOR;
    dd->of = MRV_OF_ISSUED;
    dd->units = true;
    char what[128];
    snprintf(what, sizeof what, "deduction %zu", idx + 1);
    const mrv_ynode *nm = n->kind == MRV_Y_MAP ? mrv_ymap_get(n, "name") : NULL;
    if (nm && nm->kind == MRV_Y_SCALAR)
        snprintf(what, sizeof what, "deduction '%s'", nm->text);
    if (!mrv__map_keys(n, what, ded_keys, NKEYS(ded_keys), L->d)) return;
    const mrv_ynode *v;
    if ((v = mrv_ymap_get(n, "name")) &&
        mrv__get_ident(v, "the deduction name", &dd->name, L->d)) {
        if (in_list(dd->name, reserved_columns, NKEYS(reserved_columns))) {
            mrv_error(L->d, v->pos, MRV_ESCHEMA,
                      "'%s' is a ledger column already; name the deduction "
                      "otherwise",
                      dd->name);
            dd->name = NULL;
        } else {
            for (size_t j = 0; j < idx; j++) {
                if (a->ded[j].name && strcmp(a->ded[j].name, dd->name) == 0) {
                    mrv_error(L->d, v->pos, MRV_ESCHEMA,
                              "two deductions are named '%s'", dd->name);
                    break;
                }
            }
        }
    }
    char sub[160];
    if ((v = mrv_ymap_get(n, "rate"))) {
        snprintf(sub, sizeof sub, "'rate' of %s", what);
        mrv__get_share(v, sub, &dd->rate, L->d);
    }
    if ((v = mrv_ymap_get(n, "to"))) load_destination(L, v, what, dd);
    int e;
    if ((v = mrv_ymap_get(n, "rounding"))) {
        snprintf(sub, sizeof sub, "'rounding' of %s", what);
        if (mrv__get_enum(v, sub, mrv__rounding_names, 3, &e, L->d))
            dd->rounding = (mrv_rounding)e;
    }
    if ((v = mrv_ymap_get(n, "of"))) {
        snprintf(sub, sizeof sub, "'of' of %s", what);
        if (mrv__get_enum(v, sub, mrv__dbase_names, 3, &e, L->d)) {
            dd->of = (mrv_dbase)e;
            if (dd->of == MRV_OF_AUTHORIZED &&
                !mrv_ymap_get(L->al->node, "authorized"))
                mrv_error(L->d, v->pos, MRV_ESCHEMA,
                          "'of: authorized' needs the agreement's "
                          "'authorized' volume (the Letter of "
                          "Authorization's cap)");
        }
    }
    if ((v = mrv_ymap_get(n, "units"))) {
        snprintf(sub, sizeof sub, "'units' of %s", what);
        mrv__get_bool(v, sub, &dd->units, L->d);
    }
}

static void load_deductions(loader *L, const mrv_ynode *n)
{
    mrv_agreement *a = &L->al->agr;
    if (!mrv__expect_seq(n, "'deductions'", L->d)) return;
    if (n->n > MRV_LEDGER_MAX_DEDUCTIONS) {
        mrv_error(L->d, n->pos, MRV_ESCHEMA,
                  "%zu deductions; at most %d are allowed", n->n,
                  MRV_LEDGER_MAX_DEDUCTIONS);
        return;
    }
    size_t before = mrv_diag_error_count(L->d);
    for (size_t i = 0; i < n->n; i++) load_deduction(L, n->vals[i], i);
    a->nded = n->n;
    if (mrv_diag_error_count(L->d) > before) return;
    mrv_dec sum;
    if (!mrv_agreement_rates_ok(a, &sum)) {
        char s[48], terms[512];
        size_t o = 0;
        terms[0] = '\0';
        for (size_t j = 0; j < a->nded && o < sizeof terms; j++) {
            const mrv_deduction *dd = &a->ded[j];
            if (!dd->units || dd->of == MRV_OF_REMAINING) continue;
            char r[48];
            o += (size_t)snprintf(terms + o, sizeof terms - o, "%s%s %s",
                                  o ? " + " : "", dd->name,
                                  mrv_dec_format(dd->rate, r, sizeof r));
        }
        if (sum.den == 0)
            mrv_error(L->d, n->pos, MRV_EDOMAIN,
                      "the rates of the deductions of issued and authorized "
                      "units (%s) cannot be added exactly in 64 bits; write "
                      "them as decimals",
                      terms);
        else
            mrv_error(L->d, n->pos, MRV_EDOMAIN,
                      "the deductions of issued and authorized units take %s "
                      "of each tonne (%s); together they may take at most 1",
                      mrv_dec_format(sum, s, sizeof s), terms);
    }
}

static void load_split(loader *L, const mrv_ynode *n)
{
    mrv_agreement *a = &L->al->agr;
    if (!mrv__map_keys(n, "'split'", split_keys, NKEYS(split_keys), L->d))
        return;
    static const char *const kinds[3] = {"buyer_share", "buyer_volume",
                                         "host_volume"};
    const mrv_ynode *given[3];
    int ngiven = 0, kind = -1;
    for (int i = 0; i < 3; i++) {
        given[i] = mrv_ymap_get(n, kinds[i]);
        if (!given[i]) continue;
        if (ngiven++ == 0) {
            kind = i;
            continue;
        }
        mrv_error(L->d, mrv_ymap_key_of(n, given[i])->pos, MRV_ESCHEMA,
                  "'split' takes one of buyer_share, buyer_volume or "
                  "host_volume, not both %s and %s",
                  kinds[kind], kinds[i]);
    }
    if (ngiven == 0) {
        mrv_error(L->d, n->pos, MRV_ESCHEMA,
                  "'split' needs one of buyer_share, buyer_volume or "
                  "host_volume");
        return;
    }
    const mrv_ynode *order = mrv_ymap_get(n, "order"),
                    *rnd = mrv_ymap_get(n, "rounding");
    a->share_rounding = MRV_ROUND_NEAREST;
    switch (kind) {
    case 0: {
        a->split = MRV_SPLIT_SHARE;
        mrv__get_share(given[0], "'buyer_share'", &a->share, L->d);
        if (order)
            mrv_error(L->d, order->pos, MRV_ESCHEMA,
                      "'order' applies to buyer_volume and host_volume, not "
                      "to buyer_share");
        int e;
        if (rnd && mrv__get_enum(rnd, "'rounding' of the buyer's share",
                                 mrv__rounding_names, 3, &e, L->d))
            a->share_rounding = (mrv_rounding)e;
        break;
    }
    case 1:
    case 2: {
        static const char *const orders[2] = {"buyer_first", "host_first"};
        a->split = kind == 1 ? MRV_SPLIT_BUYER_VOLUME : MRV_SPLIT_HOST_VOLUME;
        mrv__get_tonnes(given[kind],
                        kind == 1 ? "'buyer_volume'" : "'host_volume'",
                        &a->volume, L->d);
        int e;
        if (order && mrv__get_enum(order, "'order'", orders, 2, &e, L->d) &&
            e != kind - 1) {
            mrv_error(L->d, order->pos, MRV_ESCHEMA,
                      "'order: %s' does not go with %s: a buyer_volume is "
                      "delivered buyer_first, a host_volume kept host_first",
                      orders[e], kinds[kind]);
        }
        if (rnd)
            mrv_error(L->d, rnd->pos, MRV_ESCHEMA,
                      "'rounding' applies to buyer_share; a volume is whole "
                      "tonnes");
        break;
    }
    }
}

/* The year of an event for each vintage: {lag: N}, YYYY or {VINTAGE:
** YEAR}.  Returns an arena array of nvint years, or NULL (with errors). */
static int *load_when(loader *L, const mrv_ynode *n, const char *what)
{
    int *y = mrv_arena_array(L->arena, L->nvint, sizeof *y);
    bool *seen = mrv_arena_array(L->arena, L->nvint, sizeof *seen);
    if (!y || !seen) return NULL;
    int year;
    if (mrv__is_year(n, &year)) {
        for (size_t v = 0; v < L->nvint; v++) y[v] = year;
        return y;
    }
    if (n->kind != MRV_Y_MAP) {
        mrv_error(L->d, n->pos, MRV_ESCHEMA,
                  "%s must be {lag: N}, a year, or {VINTAGE: YEAR} for every "
                  "vintage, not '%s'",
                  what,
                  n->kind == MRV_Y_SCALAR ? n->text : mrv_ykind_name(n->kind));
        return NULL;
    }
    const mrv_ynode *lag = mrv_ymap_get(n, "lag");
    if (lag) {
        long k;
        if (!mrv__check_keys(n, what, lag_keys, 1, L->d) ||
            !mrv__get_int(lag, "'lag'", 0, MRV_LEDGER_MAX_LAG, &k, L->d))
            return NULL;
        for (size_t v = 0; v < L->nvint; v++) y[v] = L->first + (int)v + (int)k;
        return y;
    }
    bool ok = true;
    for (size_t i = 0; i < n->n; i++) {
        long v = vintage_key(L, n->keys[i], what);
        if (v < 0) {
            ok = false;
            continue;
        }
        if (mrv__quoted_number(n->vals[i])) {
            mrv_error(L->d, n->vals[i]->pos, MRV_ESCHEMA, MRV__UNQUOTE, what,
                      n->vals[i]->text);
            ok = false;
        } else if (!mrv__is_year(n->vals[i], &y[v])) {
            mrv_error(L->d, n->vals[i]->pos, MRV_ESCHEMA,
                      "%s for vintage %s must be a year, not '%s'", what,
                      n->keys[i]->text,
                      n->vals[i]->kind == MRV_Y_SCALAR
                          ? n->vals[i]->text
                          : mrv_ykind_name(n->vals[i]->kind));
            ok = false;
        }
        seen[v] = true;
    }
    size_t before = mrv_diag_error_count(L->d);
    missing_vintages(L, n, what, seen);
    return ok && mrv_diag_error_count(L->d) == before ? y : NULL;
}

static void load_years(loader *L, const mrv_ynode *n)
{
    if (!mrv__map_keys(n, "'years'", years_keys, NKEYS(years_keys), L->d))
        return;
    for (int e = 0; e < NEVENTS; e++) {
        const mrv_ynode *v = mrv_ymap_get(n, mrv__event_names[e]);
        if (!v) continue;
        char what[64];
        snprintf(what, sizeof what, "'years.%s'", mrv__event_names[e]);
        L->year_nodes[e] = v;
        L->al->years[e] = load_when(L, v, what);
    }
}

/* The calendar must make sense: units are issued no earlier than their
** vintage, transferred no earlier than issued, used no earlier than
** transferred.  An authorization may precede everything. */
static void check_years(loader *L)
{
    const mrv_allocation *l = L->al;
    static const int chain[3] = {MRV_EV_ISSUANCE, MRV_EV_TRANSFER, MRV_EV_USE};
    for (int c = 0; c < 3; c++) {
        int e = chain[c];
        if (!l->years[e]) continue;
        for (size_t v = 0; v < L->nvint; v++) {
            int vint = L->first + (int)v, y = l->years[e][v];
            const char *bad = NULL;
            int other = 0;
            if (y < vint) {
                bad = "the vintage";
                other = vint;
            }
            for (int p = 0; !bad && p < c; p++) {
                if (l->years[chain[p]] && y < l->years[chain[p]][v]) {
                    bad = mrv__event_names[chain[p]];
                    other = l->years[chain[p]][v];
                }
            }
            if (bad) {
                mrv_error(L->d, L->year_nodes[e]->pos, MRV_EDOMAIN,
                          "vintage %d: %s in %d comes before %s (%d)", vint,
                          mrv__event_names[e], y, bad, other);
                break;
            }
        }
    }
}

/* What first_transfer needs from the calendar, and the warning when the
** agreement leaves the corresponding adjustments keyed by vintage only. */
static void check_first_transfer(loader *L)
{
    const mrv_allocation *l = L->al;
    if (!l->ft_node) {
        if (L->years_node)
            mrv_error(L->d, mrv_ymap_key_of(l->node, L->years_node)->pos,
                      MRV_ESCHEMA,
                      "'years' dates the first transfer and needs "
                      "'first_transfer' (transfer, authorization, issuance "
                      "or use)");
        return;
    }
    if (l->ft == MRV_FT_NONE) return;
    const mrv_ynode *at = L->years_node ? L->years_node : l->ft_node;
    if (!L->year_nodes[l->ft])
        mrv_error(L->d, at->pos, MRV_ESCHEMA,
                  "first transfer at %s needs 'years.%s': the year each "
                  "vintage is first transferred",
                  mrv__event_names[l->ft], mrv__event_names[l->ft]);
    if (l->ft != MRV_EV_USE && !L->year_nodes[MRV_EV_USE])
        mrv_error(L->d, at->pos, MRV_ESCHEMA,
                  "the buyer's corresponding adjustment needs 'years.use': "
                  "the year it uses each vintage toward its NDC");
    bool cancels = false;
    for (size_t j = 0; j < l->agr.nded; j++)
        cancels |= l->agr.ded[j].units && l->agr.ded[j].to &&
                   strcmp(l->agr.ded[j].to, "cancellation") == 0;
    if (cancels && !L->year_nodes[MRV_EV_ISSUANCE])
        mrv_error(L->d, at->pos, MRV_ESCHEMA,
                  "units are cancelled at issuance: the actions report needs "
                  "'years.issuance'");
}

static void load_allocation(loader *L, const mrv_ynode *n)
{
    mrv_allocation *l = L->al;
    mrv_agreement *a = &l->agr;
    const char *pj_host = L->host ? L->host->text : NULL;
    l->node = n;
    l->ft = MRV_FT_NONE;
    if (!mrv__map_keys(n, "'allocation'", alloc_keys, NKEYS(alloc_keys), L->d))
        return;
    const mrv_ynode *v;
    if ((v = mrv_ymap_get(n, "host"))) {
        if (mrv__get_party(v, "the host", &a->host, L->d) && pj_host &&
            strcmp(pj_host, a->host) != 0) {
            mrv_error(L->d, v->pos, MRV_ESCHEMA,
                      "the allocation's host '%s' is not the project's host "
                      "'%s'",
                      a->host, pj_host);
        }
    } else if (!pj_host) {
        mrv_error(L->d, n->pos, MRV_ESCHEMA,
                  "'allocation' has no 'host' and the project names none");
    } else {
        /* The project's host becomes the serials' prefix: it must be a
        ** party code too. */
        mrv__get_party(L->host, "the project's host (used by the allocation)",
                       &a->host, L->d);
    }
    if ((v = mrv_ymap_get(n, "buyer")) &&
        mrv__get_party(v, "the buyer", &a->buyer, L->d) && a->host &&
        strcmp(a->host, a->buyer) == 0)
        mrv_error(L->d, v->pos, MRV_ESCHEMA,
                  "the buyer '%s' is the host; a transfer needs two Parties",
                  a->buyer);
    int e;
    if ((v = mrv_ymap_get(n, "basis"))) {
        l->basis_node = v;
        if (mrv__get_enum(v, "'basis'", mrv__basis_names, 3, &e, L->d))
            l->basis = (mrv_basis)e;
    }
    if ((v = mrv_ymap_get(n, "source")))
        mrv__get_string(v, "'source'", &l->source, L->d);
    if ((v = mrv_ymap_get(n, "accounts"))) load_accounts(L, v);
    if ((v = mrv_ymap_get(n, "authorized"))) load_authorized(L, v);
    if ((v = mrv_ymap_get(n, "deductions"))) load_deductions(L, v);
    if ((v = mrv_ymap_get(n, "split"))) load_split(L, v);
    if ((v = mrv_ymap_get(n, "first_transfer"))) {
        l->ft_node = v;
        if (mrv__get_enum(v, "the first-transfer definition", mrv__event_names,
                          NEVENTS, &e, L->d))
            l->ft = (mrv_ftdef)e;
    }
    if ((v = mrv_ymap_get(n, "years"))) {
        L->years_node = v;
        load_years(L, v);
        check_years(L);
    }
    check_first_transfer(L);
}

mrv_status mrv_allocation_load(const mrv_ynode *n, int first, size_t nvint,
                               const mrv_ynode *host, mrv_arena *a,
                               const mrv_allocation **out, mrv_diag *d)
{
    size_t errs = mrv_diag_error_count(d);
    *out = NULL;
    loader L = {0};
    L.al = mrv_arena_alloc(a, sizeof *L.al);
    if (!L.al) return MRV_ENOMEM;
    L.arena = a;
    L.first = first;
    L.nvint = nvint;
    L.host = host;
    L.d = d;
    load_allocation(&L, n);
    if (mrv_arena_failed(a)) return MRV_ENOMEM;
    if (mrv_diag_error_count(d) > errs) return mrv_diag_status(d);
    *out = L.al;
    return MRV_OK;
}

void mrv_allocation_check_rule(const mrv_allocation *a,
                               const mrv_rule_spec *rule, const char *from,
                               mrv_diag *d)
{
    if (!rule || rule->rule == MRV_RULE_NONE || a->basis != MRV_BASIS_LOWER ||
        !a->basis_node)
        return;
    mrv_error(d, a->basis_node->pos, MRV_ESCHEMA,
              "'basis: lower' is a conservativeness rule itself, and the %s "
              "applies '%s' already; the programme's rule is applied once",
              from, mrv__rule_names[rule->rule]);
    mrv_note(d, rule->node->pos, "the %s's rule is here", from);
}

bool mrv_agreement_rates_ok(const mrv_agreement *a, mrv_dec *sum)
{
    mrv_dec s = {0, 1}, one = {1, 1};
    for (size_t j = 0; j < a->nded; j++) {
        const mrv_deduction *d = &a->ded[j];
        if (!d->units || d->of == MRV_OF_REMAINING) continue;
        /* Fractions of many primes (1/17 + 1/19 + ...) may outgrow 64
        ** bits: such a sum is refused, never rounded. */
        if (!mrv_dec_add(s, d->rate, &s)) {
            sum->num = 0;
            sum->den = 0;
            return false;
        }
    }
    *sum = s;
    return mrv_dec_cmp(s, one) <= 0;
}
