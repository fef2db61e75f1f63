/*
** ledger_out.c -- the ledger's files, its part of report.json, and the
** tables 'mrv allocate' prints.
**
** Files (headers in ledger.h; the first two columns of each identify a
** row, as tests/run-cases keys them):
**
**   ledger.csv        one row per vintage and a 'total' row;
**                     'estimate' is the creditable estimate, every other
**                     column whole tonnes.
**   serials.csv       per vintage, units numbered 1..issued,
**                     blocks in ledger column order (unit-moving
**                     deductions, host, buyer), no row for an empty block.
**                     The account is the deduction's 'to' as written, or
**                     the host's or the buyer's code; the block is
**                     HOST-PROJECT-VINTAGE-FIRST-LAST.
**   adjustments.csv   the corresponding adjustments of the units first
**                     transferred to the buyer, one row per party and
**                     year: the host adds them (by_vintage: keyed by their
**                     vintage; by_first_transfer: by the year of first
**                     transfer), the buyer subtracts them (by_vintage, a
**                     view; by_use: in the year it uses them).  A column
**                     that does not apply to the party, or whose year the
**                     agreement does not give, is empty; years with
**                     nothing are left out.
**   aef.csv           the actions a Party reports in the Agreed Electronic
**                     Format, by serial block: each buyer block's first
**                     transfer (action: the definition's event;
**                     first_transfer yes), its use toward the buyer's NDC,
**                     and each cancellation block (purpose OMGE, in the
**                     issuance year).  Units sent to other accounts stay
**                     in the host's registry: no action of this agreement.
**   conservativeness.csv  the rule, the basis, the central (unadjusted)
**                     estimate, the basis's adjustment, the estimate
**                     before the rule, the half-width the rule read (empty
**                     when none), its relative value, the band factor, the
**                     rule's adjustment and the creditable estimate.
**
** Doubles are printed with the fewest digits that read back to the same
** value (so 1000.25 is "1000.25", and every value still round-trips).
** Borrows the run and its ledger; writes only to the streams it is given.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ledger_int.h"
#include "term.h"

/* ---- formatting -------------------------------------------------------- */

const char *mrv_ledger_column_name(const mrv_agreement *a, size_t c)
{
    return c < a->nded ? a->ded[c].name : c == a->nded ? "host" : "buyer";
}

/* The account a ledger column's units go to (serials.csv): a deduction's
** 'to' as written, so a statutory share reads 'host' beside the host's
** own block under its code. */
static const char *col_account(const mrv_agreement *a, size_t c)
{
    if (c < a->nded) return a->ded[c].to;
    return c == a->nded ? a->host : a->buyer;
}

static bool moves_units(const mrv_agreement *a, size_t c)
{
    return c >= a->nded || a->ded[c].units;
}

/* 1234567 -> "1,234,567". */
static char *thousands(int64_t x, char *buf, size_t n)
{
    char raw[32];
    snprintf(raw, sizeof raw, "%lld", (long long)x);
    return mrv_fmt_group(raw, buf, n);
}

/* A tonnage with one decimal and thousands separators ("-" when there is
** none, as for a half-width without draws). */
static char *tonnes1(double x, char *buf, size_t n)
{
    if (!isfinite(x)) {
        snprintf(buf, n, "-");
        return buf;
    }
    return mrv_fmt_num(x, 1, buf, n);
}

/* A rate as a percentage, exactly: 0.055 -> "5.5 %"; 10/17 as it is. */
static char *percent(mrv_dec x, char *buf, size_t n)
{
    return mrv_dec_format_percent(x, buf, n);
}

/* ---- CSV files ---------------------------------------------------------- */

/* The first field of a per-vintage row: the vintage, or "total" past
** the last. */
static void vintage_field(mrv_csv *c, const mrv_ledger *l, size_t v)
{
    if (v < l->nvint)
        mrv_csv_int(c, l->first + (int)v);
    else
        mrv_csv_text(c, "total");
}

bool mrv_ledger_csv(const mrv_ledger *l, FILE *f)
{
    const mrv_agreement *a = &l->agr;
    size_t nc = MRV_LEDGER_NCOLS(a);
    mrv_csv row;
    mrv_csv_begin(&row, f);
    mrv_csv_raw(&row, MRV_LEDGER_HEADER_HEAD);
    for (size_t c = 0; c < nc; c++)
        mrv_csv_text(&row, mrv_ledger_column_name(a, c));
    mrv_csv_raw(&row, MRV_LEDGER_HEADER_TAIL);
    mrv_csv_end(&row);
    for (size_t v = 0; v <= l->nvint; v++) {
        vintage_field(&row, l, v);
        mrv_csv_num(&row, l->cons[v].creditable);
        mrv_csv_int(&row, l->issued[v]);
        for (size_t c = 0; c < nc; c++) mrv_csv_int(&row, l->cells[v * nc + c]);
        mrv_csv_num(&row, l->carried[v]);
        mrv_csv_end(&row);
    }
    return !ferror(f);
}

/* Calls 'fn' for each non-empty unit block of vintage v, in ledger column
** order (c the column); units are numbered from 1. */
typedef void block_fn(const mrv_ledger *l, size_t c,
                      const mrv_serial_block *blk, void *ud);

static void each_block(const mrv_ledger *l, size_t v, block_fn *fn, void *ud)
{
    const mrv_agreement *a = &l->agr;
    size_t nc = MRV_LEDGER_NCOLS(a);
    const int64_t *row = l->cells + v * nc;
    int64_t next = 1;
    int vint = l->first + (int)v;
    for (size_t c = 0; c < nc; c++) {
        if (!moves_units(a, c) || row[c] == 0) continue;
        char block[256];
        snprintf(block, sizeof block, "%s-%s-%d-%lld-%lld", a->host, l->project,
                 vint, (long long)next, (long long)(next + row[c] - 1));
        mrv_serial_block blk = {
            vint, col_account(a, c), next, next + row[c] - 1, row[c], block};
        fn(l, c, &blk, ud);
        next += row[c];
    }
}

/* mrv_ledger_serials's callback, behind each_block's. */
typedef struct serial_cb {
    void (*fn)(const mrv_serial_block *, void *);
    void *ud;
} serial_cb;

static void serial_each(const mrv_ledger *l, size_t c,
                        const mrv_serial_block *blk, void *ud)
{
    const serial_cb *cb = ud;
    (void)l, (void)c;
    cb->fn(blk, cb->ud);
}

void mrv_ledger_serials(const mrv_ledger *l,
                        void (*fn)(const mrv_serial_block *, void *), void *ud)
{
    serial_cb cb = {fn, ud};
    for (size_t v = 0; v < l->nvint; v++) each_block(l, v, serial_each, &cb);
}

static void serial_row(const mrv_serial_block *blk, void *ud)
{
    mrv_csv row;
    mrv_csv_begin(&row, ud);
    mrv_csv_int(&row, blk->vintage);
    mrv_csv_text(&row, blk->account);
    mrv_csv_int(&row, blk->first);
    mrv_csv_int(&row, blk->last);
    mrv_csv_int(&row, blk->count);
    mrv_csv_text(&row, blk->block);
    mrv_csv_end(&row);
}

/* A constant header line. */
static void header(FILE *f, const char *fields)
{
    mrv_csv row;
    mrv_csv_begin(&row, f);
    mrv_csv_raw(&row, fields);
    mrv_csv_end(&row);
}

bool mrv_ledger_serials_csv(const mrv_ledger *l, FILE *f)
{
    header(f, MRV_SERIALS_HEADER);
    mrv_ledger_serials(l, serial_row, f);
    return !ferror(f);
}

/* The buyer's units of vintage v. */
static int64_t transferred(const mrv_ledger *l, size_t v)
{
    return l->cells[v * MRV_LEDGER_NCOLS(&l->agr) + l->agr.nded + 1];
}

/* The year of vintage v in a keying: the vintage itself, or the year an
** event happens to it. */
static int key_year(const mrv_ledger *l, const int *years, size_t v)
{
    return years ? years[v] : l->first + (int)v;
}

/* Sum of the buyer's units whose key year is y. */
static int64_t sum_in(const mrv_ledger *l, const int *years, int y)
{
    int64_t q = 0;
    for (size_t v = 0; v < l->nvint; v++)
        if (key_year(l, years, v) == y) q += transferred(l, v);
    return q;
}

/* One party's rows: every year some of its keyings (by vintage, and by
** 'second', the first-transfer or use years, when given) has units,
** ascending.  'second_col' is 1 for by_first_transfer, 2 for by_use. */
static void party_rows(const mrv_ledger *l, const char *party, const char *role,
                       int64_t sign, const int *second, int second_col,
                       void (*fn)(const mrv_adjustment *, void *), void *ud)
{
    int prev = INT32_MIN;
    for (;;) {
        /* The next year above prev in either keying; a crediting period
        ** has at most MRV_MAX_VINTAGES, so the scan stays small. */
        int y = INT32_MAX;
        for (size_t v = 0; v < l->nvint; v++) {
            if (transferred(l, v) == 0) continue;
            int a = key_year(l, NULL, v);
            if (a > prev && a < y) y = a;
            if (second && (a = key_year(l, second, v)) > prev && a < y) y = a;
        }
        if (y == INT32_MAX) break;
        mrv_adjustment adj = {party, y, role,  sign * sum_in(l, NULL, y),
                              false, 0, false, 0};
        if (second && second_col == 1) {
            adj.has_first_transfer = true;
            adj.by_first_transfer = sign * sum_in(l, second, y);
        } else if (second) {
            adj.has_use = true;
            adj.by_use = sign * sum_in(l, second, y);
        }
        fn(&adj, ud);
        prev = y;
    }
}

void mrv_ledger_adjustments(const mrv_ledger *l,
                            void (*fn)(const mrv_adjustment *, void *),
                            void *ud)
{
    const mrv_agreement *a = &l->agr;
    bool ft = l->ft != MRV_FT_NONE;
    party_rows(l, a->host, "host", 1, ft ? l->years[l->ft] : NULL, 1, fn, ud);
    party_rows(l, a->buyer, "buyer", -1, ft ? l->years[MRV_EV_USE] : NULL, 2,
               fn, ud);
}

static void adjustment_row(const mrv_adjustment *adj, void *ud)
{
    mrv_csv row;
    mrv_csv_begin(&row, ud);
    mrv_csv_text(&row, adj->party);
    mrv_csv_int(&row, adj->year);
    mrv_csv_text(&row, adj->role);
    mrv_csv_int(&row, adj->by_vintage);
    if (adj->has_first_transfer)
        mrv_csv_int(&row, adj->by_first_transfer);
    else
        mrv_csv_text(&row, NULL);
    if (adj->has_use)
        mrv_csv_int(&row, adj->by_use);
    else
        mrv_csv_text(&row, NULL);
    mrv_csv_end(&row);
}

bool mrv_ledger_adjustments_csv(const mrv_ledger *l, FILE *f)
{
    header(f, MRV_ADJUSTMENTS_HEADER);
    mrv_ledger_adjustments(l, adjustment_row, f);
    return !ferror(f);
}

/* One action of aef.csv, in MRV_AEF_HEADER's columns after block. */
typedef struct aef_action {
    const char *action;
    int year;
    bool first_transfer;
    const char *purpose, *originating, *transferring, *acquiring;
} aef_action;

static void aef_line(FILE *f, const char *block, int vint, int64_t count,
                     const aef_action *x)
{
    mrv_csv row;
    mrv_csv_begin(&row, f);
    mrv_csv_text(&row, block);
    mrv_csv_text(&row, x->action);
    mrv_csv_int(&row, x->year);
    mrv_csv_int(&row, vint);
    mrv_csv_int(&row, count);
    mrv_csv_text(&row, "tCO2e");
    mrv_csv_text(&row, x->first_transfer ? "yes" : "no");
    mrv_csv_text(&row, x->purpose);
    mrv_csv_text(&row, x->originating);
    mrv_csv_text(&row, x->transferring);
    mrv_csv_text(&row, x->acquiring);
    mrv_csv_end(&row);
}

static void aef_row(const mrv_ledger *l, size_t c, const mrv_serial_block *blk,
                    void *ud)
{
    const mrv_agreement *a = &l->agr;
    FILE *f = ud;
    int vint = blk->vintage;
    size_t v = (size_t)(vint - l->first);
    const char *block = blk->block;
    int64_t count = blk->count;
    if (c < a->nded) {
        if (strcmp(a->ded[c].to, "cancellation") != 0) return;
        aef_action x = {"cancellation",
                        l->years[MRV_EV_ISSUANCE][v],
                        false,
                        "OMGE",
                        a->host,
                        a->host,
                        NULL};
        aef_line(f, block, vint, count, &x);
        return;
    }
    if (c == a->nded) return; /* the host's own units: no action */
    aef_action ft = {mrv__event_names[l->ft],
                     l->years[l->ft][v],
                     true,
                     "NDC",
                     a->host,
                     a->host,
                     a->buyer};
    aef_line(f, block, vint, count, &ft);
    if (l->ft != MRV_EV_USE) {
        aef_action use = {
            "use",   l->years[MRV_EV_USE][v], false, "NDC", a->host, NULL,
            a->buyer};
        aef_line(f, block, vint, count, &use);
    }
}

bool mrv_ledger_aef_csv(const mrv_ledger *l, FILE *f)
{
    header(f, MRV_AEF_HEADER);
    /* Without a first-transfer definition no action has a year. */
    if (l->ft != MRV_FT_NONE)
        for (size_t v = 0; v < l->nvint; v++) each_block(l, v, aef_row, f);
    return !ferror(f);
}

static const char *effective_basis(const mrv_ledger *l)
{
    return mrv__basis_names[l->basis_fallback ? MRV_BASIS_CENTRAL : l->basis];
}

bool mrv_ledger_conserv_csv(const mrv_ledger *l, FILE *f)
{
    header(f, MRV_CONSERV_HEADER);
    for (size_t v = 0; v <= l->nvint; v++) {
        const mrv_conserv *c = &l->cons[v];
        mrv_csv row;
        mrv_csv_begin(&row, f);
        vintage_field(&row, l, v);
        mrv_csv_text(&row, mrv__rule_names[l->rule]);
        mrv_csv_text(&row, effective_basis(l));
        const double cols[] = {c->central,    c->basis_adj, c->unadjusted,
                               c->half_width, c->relative,  c->factor,
                               c->rule_adj,   c->creditable};
        for (size_t k = 0; k < sizeof cols / sizeof *cols; k++)
            mrv_csv_num(&row, cols[k]);
        mrv_csv_end(&row);
    }
    return !ferror(f);
}

/* The files of mrv_ledger_write, in the order written; report.html lists
** them from here. */
static const struct {
    const char *name;
    bool (*write)(const mrv_ledger *, FILE *);
} files[] = {
    {"ledger.csv", mrv_ledger_csv},
    {"serials.csv", mrv_ledger_serials_csv},
    {"adjustments.csv", mrv_ledger_adjustments_csv},
    {"aef.csv", mrv_ledger_aef_csv},
    {"conservativeness.csv", mrv_ledger_conserv_csv},
};

const char *mrv_ledger_file_name(size_t i)
{
    return i < sizeof files / sizeof *files ? files[i].name : NULL;
}

mrv_status mrv_ledger_write(const mrv_run *run, mrv_outset *set, mrv_diag *d)
{
    const mrv_ledger *l = run->ledger;
    if (!l) return MRV_OK;
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        FILE *f = mrv_outset_file(set, files[i].name, d);
        if (!f) {
            mrv_status st = mrv_diag_status(d);
            return st != MRV_OK ? st : MRV_ENOMEM;
        }
        if (!files[i].write(l, f)) return MRV_EIO; /* the set names it */
    }
    if (!run->sweep) return MRV_OK;
    FILE *f = mrv_outset_file(set, MRV_SWEEP_FILE, d);
    if (!f) {
        mrv_status st = mrv_diag_status(d);
        return st != MRV_OK ? st : MRV_ENOMEM;
    }
    return mrv_ledger_sweep_csv(l, run->sweep, f) ? MRV_OK : MRV_EIO;
}

/* ---- report.json ------------------------------------------------------- */

/* A decimal as a JSON number; a fraction (10/17), which no JSON number
** holds exactly, as its text. */
static void json_dec(FILE *f, mrv_dec x)
{
    char b[48];
    mrv_dec_format(x, b, sizeof b);
    if (strchr(b, '/'))
        mrv_json_str(f, b);
    else
        fputs(b, f);
}

static void json_row(FILE *f, const mrv_ledger *l, size_t v)
{
    const mrv_agreement *a = &l->agr;
    const mrv_conserv *c = &l->cons[v];
    size_t nc = MRV_LEDGER_NCOLS(a);
    if (v < l->nvint) fprintf(f, "\"vintage\": %d, ", l->first + (int)v);
    fputs("\"central\": ", f);
    mrv_json_num(f, c->central);
    fputs(", \"basis_adjustment\": ", f);
    mrv_json_num(f, c->basis_adj);
    fputs(", \"unadjusted\": ", f);
    mrv_json_num(f, c->unadjusted);
    fputs(", \"half_width\": ", f);
    mrv_json_num(f, c->half_width);
    fputs(", \"relative_half_width\": ", f);
    mrv_json_num(f, c->relative);
    fputs(", \"factor\": ", f);
    mrv_json_num(f, c->factor);
    fputs(", \"rule_adjustment\": ", f);
    mrv_json_num(f, c->rule_adj);
    fputs(", \"estimate\": ", f);
    mrv_json_num(f, c->creditable);
    fprintf(f, ", \"issued\": %lld", (long long)l->issued[v]);
    if (v < l->nvint)
        fprintf(f, ", \"authorized\": %lld", (long long)l->authorized[v]);
    for (size_t k = 0; k < nc; k++) {
        fputs(", ", f);
        mrv_json_str(f, mrv_ledger_column_name(a, k));
        fprintf(f, ": %lld", (long long)l->cells[v * nc + k]);
    }
    fputs(", \"carried\": ", f);
    mrv_json_num(f, l->carried[v]);
}

static void json_spread(FILE *f, const double *q, double mean)
{
    fputs("{\"p05\": ", f);
    mrv_json_num(f, q[0]);
    fputs(", \"p50\": ", f);
    mrv_json_num(f, q[1]);
    fputs(", \"p95\": ", f);
    mrv_json_num(f, q[2]);
    fputs(", \"mean\": ", f);
    mrv_json_num(f, mean);
    fputc('}', f);
}

void mrv_ledger_json(const mrv_run *run, FILE *f)
{
    const mrv_ledger *l = run->ledger;
    if (!l) return;
    const mrv_agreement *a = &l->agr;
    fputs(",\n  \"ledger\": {\n    \"host\": ", f);
    mrv_json_str(f, a->host);
    fputs(", \"buyer\": ", f);
    mrv_json_str(f, a->buyer);
    fputs(", \"source\": ", f);
    mrv_json_str(f, l->source);
    fputs(",\n    \"basis\": ", f);
    mrv_json_str(f, mrv__basis_names[l->basis]);
    fprintf(f, ", \"basis_fallback_to_central\": %s",
            l->basis_fallback ? "true" : "false");
    fputs(", \"confidence\": ", f);
    mrv_json_num(f, l->confidence);
    fputs(",\n    \"conservativeness\": {\"rule\": ", f);
    mrv_json_str(f, mrv__rule_names[l->rule]);
    fputs(", \"from\": ", f);
    mrv_json_str(f, l->rule_from);
    if (l->rule == MRV_RULE_LOWER_BOUND) {
        fputs(", \"confidence\": ", f);
        mrv_json_num(f, l->lb_confidence);
        fputs(", \"precision\": ", f);
        mrv_json_num(f, l->lb_precision);
    }
    fputs("},\n    \"deductions\": [", f);
    for (size_t j = 0; j < a->nded; j++) {
        const mrv_deduction *dd = &a->ded[j];
        fputs(j ? ",\n      {\"name\": " : "\n      {\"name\": ", f);
        mrv_json_str(f, dd->name);
        fputs(", \"rate\": ", f);
        json_dec(f, dd->rate);
        fputs(", \"to\": ", f);
        mrv_json_str(f, dd->to);
        fputs(", \"rounding\": ", f);
        mrv_json_str(f, mrv__rounding_names[dd->rounding]);
        fputs(", \"of\": ", f);
        mrv_json_str(f, mrv__dbase_names[dd->of]);
        fprintf(f, ", \"units\": %s}", dd->units ? "true" : "false");
    }
    fputs(a->nded ? "\n    ],\n    \"split\": {" : "],\n    \"split\": {", f);
    switch (a->split) {
    case MRV_SPLIT_SHARE:
        fputs("\"buyer_share\": ", f);
        json_dec(f, a->share);
        fputs(", \"rounding\": ", f);
        mrv_json_str(f, mrv__rounding_names[a->share_rounding]);
        fputs(", \"cumulative\": true", f);
        break;
    case MRV_SPLIT_BUYER_VOLUME:
        fprintf(f, "\"buyer_volume\": %lld, \"order\": \"buyer_first\"",
                (long long)a->volume);
        break;
    case MRV_SPLIT_HOST_VOLUME:
        fprintf(f, "\"host_volume\": %lld, \"order\": \"host_first\"",
                (long long)a->volume);
        break;
    }
    fputs("},\n    \"authorized\": ", f);
    if (a->auth == MRV_AUTH_NONE) {
        fputs("null", f);
    } else if (a->auth == MRV_AUTH_TOTAL) {
        fprintf(f, "%lld", (long long)a->auth_total);
    } else {
        fputc('{', f);
        for (size_t v = 0; v < l->nvint; v++)
            fprintf(f, "%s\"%d\": %lld", v ? ", " : "", l->first + (int)v,
                    (long long)a->auth_v[v]);
        fputc('}', f);
    }
    fputs(",\n    \"first_transfer\": ", f);
    mrv_json_str(f, l->ft == MRV_FT_NONE ? NULL : mrv__event_names[l->ft]);
    fputs(",\n    \"years\": {", f);
    bool any = false;
    for (int e = 0; e < MRV_NEVENTS; e++) {
        if (!l->years[e]) continue;
        fprintf(f, "%s\"%s\": [", any ? ", " : "", mrv__event_names[e]);
        for (size_t v = 0; v < l->nvint; v++)
            fprintf(f, "%s%d", v ? ", " : "", l->years[e][v]);
        fputc(']', f);
        any = true;
    }
    fputs("},\n    \"columns\": [", f);
    for (size_t c = 0; c < MRV_LEDGER_NCOLS(a); c++) {
        if (c) fputs(", ", f);
        mrv_json_str(f, mrv_ledger_column_name(a, c));
    }
    fputs("],\n    \"vintages\": [", f);
    for (size_t v = 0; v < l->nvint; v++) {
        fputs(v ? ",\n      {" : "\n      {", f);
        json_row(f, l, v);
        fputc('}', f);
    }
    fputs("\n    ],\n    \"total\": {", f);
    json_row(f, l, l->nvint);
    fputs("},\n    \"overissued\": ", f);
    mrv_json_num(f, l->overissued);
    fputs(",\n    \"monte_carlo\": ", f);
    if (!l->has_mc) {
        fputs("null", f);
    } else {
        fprintf(f, "{\"draws\": %llu, \"p_buyer_volume\": ",
                (unsigned long long)l->mc.draws);
        mrv_json_num(f, l->mc.p_volume);
        fputs(", \"host_keeps\": ", f);
        json_spread(f, l->mc.host_q, l->mc.host_mean);
        fputs(", \"buyer_receives\": ", f);
        json_spread(f, l->mc.buyer_q, l->mc.buyer_mean);
        fputs(", \"quantiles\": \"Hyndman-Fan type 7\",\n      "
              "\"by_vintage\": [",
              f);
        for (size_t v = 0; l->mc.p_schedule && v < l->nvint; v++) {
            fprintf(f, "%s{\"vintage\": %d, \"p_schedule\": ", v ? ", " : "",
                    l->first + (int)v);
            mrv_json_num(f, l->mc.p_schedule[v]);
            if (l->mc.p_complete) {
                fputs(", \"p_complete\": ", f);
                mrv_json_num(f, l->mc.p_complete[v]);
            }
            fputc('}', f);
        }
        fputs("]}", f);
    }
    fputs("\n  }", f);
}

/* ---- the printed ledger ------------------------------------------------ */

static const char *of_text(mrv_dbase of)
{
    return of == MRV_OF_ISSUED      ? "of issued units"
           : of == MRV_OF_REMAINING ? "of what remains"
                                    : "of authorized units";
}

/* Column widths: wide enough for the name and for a 10^12 t total. */
static int col_width(const char *name)
{
    int w = (int)strlen(name);
    return w < 11 ? 11 : w;
}

static void print_spread(FILE *f, const char *who, const char *verb,
                         const double *q)
{
    char a[40], b[40], c[40];
    fprintf(f, "  %s %s %s t (5 %%), %s t (median), %s t (95 %%)\n", who, verb,
            thousands((int64_t)llround(q[0]), a, sizeof a),
            thousands((int64_t)llround(q[1]), b, sizeof b),
            thousands((int64_t)llround(q[2]), c, sizeof c));
}

/* The vintage in which a running total first reaches 'target', or -1. */
static int reached_in(const mrv_ledger *l, size_t col, int64_t target)
{
    size_t nc = MRV_LEDGER_NCOLS(&l->agr);
    int64_t sum = 0;
    for (size_t v = 0; v < l->nvint; v++) {
        sum += l->cells[v * nc + col];
        if (sum >= target) return l->first + (int)v;
    }
    return -1;
}

mrv_ledger_outcome mrv_ledger_outcome_of(const mrv_ledger *l)
{
    const mrv_agreement *a = &l->agr;
    const int64_t *tot = l->cells + l->nvint * MRV_LEDGER_NCOLS(a);
    mrv_ledger_outcome o = {mrv__host_keeps(a, tot), tot[a->nded + 1], -1};
    if (a->split == MRV_SPLIT_BUYER_VOLUME && o.buyer >= a->volume)
        o.volume_done = reached_in(l, a->nded + 1, a->volume);
    else if (a->split == MRV_SPLIT_HOST_VOLUME && tot[a->nded] >= a->volume)
        o.volume_done = reached_in(l, a->nded, a->volume);
    return o;
}

static void print_split(const mrv_ledger *l, FILE *f)
{
    const mrv_agreement *a = &l->agr;
    size_t nc = MRV_LEDGER_NCOLS(a);
    const int64_t *tot = l->cells + l->nvint * nc;
    int64_t buyer = tot[a->nded + 1], host = tot[a->nded];
    int64_t keeps = mrv__host_keeps(a, tot);
    char x[40], y[40], z[40];
    switch (a->split) {
    case MRV_SPLIT_SHARE: {
        char s[48];
        fprintf(f,
                "%s receives %s t, %s of what the deductions leave "
                "(%s t), rounded cumulatively.\n",
                a->buyer, thousands(buyer, x, sizeof x),
                percent(a->share, s, sizeof s),
                thousands(host + buyer, y, sizeof y));
        break;
    }
    case MRV_SPLIT_BUYER_VOLUME: {
        int when = reached_in(l, a->nded + 1, a->volume);
        if (buyer >= a->volume && when > 0)
            fprintf(f,
                    "%s receives all of its %s t, complete in vintage "
                    "%d.\n",
                    a->buyer, thousands(a->volume, x, sizeof x), when);
        else
            fprintf(f, "%s receives %s of its %s t: short by %s t.\n", a->buyer,
                    thousands(buyer, x, sizeof x),
                    thousands(a->volume, y, sizeof y),
                    thousands(a->volume - buyer, z, sizeof z));
        break;
    }
    case MRV_SPLIT_HOST_VOLUME: {
        int when = reached_in(l, a->nded, a->volume);
        if (host >= a->volume && when > 0)
            fprintf(f,
                    "%s keeps its %s t first, complete in vintage %d; %s "
                    "receives %s t.\n",
                    a->host, thousands(a->volume, x, sizeof x), when, a->buyer,
                    thousands(buyer, y, sizeof y));
        else
            fprintf(f, "%s keeps %s of its %s t; %s receives nothing.\n",
                    a->host, thousands(host, x, sizeof x),
                    thousands(a->volume, y, sizeof y), a->buyer);
        break;
    }
    }
    fprintf(f, "%s keeps %s t in all (its column plus deductions to it).\n",
            a->host, thousands(keeps, x, sizeof x));
}

/* Per vintage, how often the buyer is on the ledger's schedule and,
** for a volume, complete. */
static void print_schedule(const mrv_ledger *l, FILE *f)
{
    const mrv_agreement *a = &l->agr;
    if (!l->mc.p_schedule) return;
    fprintf(f,
            "  by vintage, the share of draws in which %s has at least the "
            "ledger's units so far%s:\n%10s %12s",
            a->buyer, l->mc.p_complete ? ", and all of its volume" : "",
            "vintage", "on schedule");
    if (l->mc.p_complete) fprintf(f, " %10s", "complete");
    fputc('\n', f);
    for (size_t v = 0; v < l->nvint; v++) {
        fprintf(f, "%10d %10.1f %%", l->first + (int)v,
                100 * l->mc.p_schedule[v]);
        if (l->mc.p_complete)
            fprintf(f, " %8.1f %%", 100 * l->mc.p_complete[v]);
        fputc('\n', f);
    }
}

/* Negative vintages carried forward (docs/allocation.md): the vintages
** that carry a shortfall and what the last one leaves; nothing when no
** vintage carries one. */
static void print_carried(const mrv_ledger *l, FILE *f)
{
    size_t n = 0;
    for (size_t v = 0; v < l->nvint; v++) n += l->carried[v] > 0;
    if (!n) return;
    char x[48];
    fputs("carried forward (a shortfall later vintages make up before "
          "issuing):",
          f);
    for (size_t v = 0; v < l->nvint; v++)
        if (l->carried[v] > 0)
            fprintf(f, " %d %s t;", l->first + (int)v,
                    tonnes1(l->carried[v], x, sizeof x));
    if (l->carried[l->nvint] > 0) {
        fprintf(f, " left at the end %s t",
                tonnes1(l->carried[l->nvint], x, sizeof x));
        if (l->overissued > 0)
            fprintf(f, ", %s t of it issued already: a reversal to compensate",
                    tonnes1(l->overissued, x, sizeof x));
        fputs("\n", f);
    } else {
        fputs(" none left at the end\n", f);
    }
}

void mrv_ledger_print(const mrv_run *run, FILE *f)
{
    const mrv_ledger *l = run->ledger;
    if (!l) return;
    const mrv_agreement *a = &l->agr;
    size_t nc = MRV_LEDGER_NCOLS(a);
    char x[48], y[48];
    fprintf(f, "%s: allocation between %s (host) and %s (buyer)\n", l->project,
            a->host, a->buyer);
    if (l->source) {
        fputs("agreement: ", f);
        mrv_term_puts(f, l->source, MRV_TERM_LINE); /* free text: one line */
        fputc('\n', f);
    }
    fprintf(f, "estimate: %s %s%s; conservativeness: %s", effective_basis(l),
            run->bound->meth->removals ? "net removals" : "reductions",
            l->basis_fallback ? " (no draws)" : "", mrv__rule_names[l->rule]);
    if (l->rule_from) fprintf(f, " (from the %s)", l->rule_from);
    fputc('\n', f);
    for (size_t j = 0; j < a->nded; j++) {
        const mrv_deduction *dd = &a->ded[j];
        fprintf(f, "  %-12s %s %s, %s", dd->name,
                percent(dd->rate, x, sizeof x), of_text(dd->of),
                mrv__rounding_names[dd->rounding]);
        if (dd->units)
            fprintf(f, ", to %s\n", dd->to_host ? a->host : dd->to);
        else
            fprintf(f, ", paid in value to %s (moves no units)\n", dd->to);
    }
    if (a->auth == MRV_AUTH_TOTAL)
        fprintf(f, "authorized: %s t in all, consumed in vintage order\n",
                thousands(a->auth_total, x, sizeof x));
    else if (a->auth == MRV_AUTH_VINTAGE)
        fputs("authorized: a cap per vintage\n", f);
    if (l->ft != MRV_FT_NONE) {
        static const char *const ft_text[MRV_NEVENTS] = {
            /* ORDER EVENTS */
            "issuance", "authorization", "the first international transfer",
            "use toward the buyer's NDC"};
        fprintf(f,
                "first transfer: %s (corresponding adjustments by that "
                "year in adjustments.csv)\n",
                ft_text[l->ft]);
    }

    fprintf(f, "\n%8s %14s %12s", "vintage", "estimate", "issued");
    for (size_t c = 0; c < nc; c++) {
        const char *h = c < a->nded    ? a->ded[c].name
                        : c == a->nded ? a->host
                                       : a->buyer;
        fprintf(f, " %*s", col_width(mrv_ledger_column_name(a, c)), h);
    }
    fputc('\n', f);
    for (size_t v = 0; v <= l->nvint; v++) {
        char lab[16];
        if (v < l->nvint)
            snprintf(lab, sizeof lab, "%d", l->first + (int)v);
        else
            snprintf(lab, sizeof lab, "total");
        fprintf(f, "%8s %14s %12s", lab,
                tonnes1(l->cons[v].creditable, x, sizeof x),
                thousands(l->issued[v], y, sizeof y));
        for (size_t c = 0; c < nc; c++)
            fprintf(f, " %*s", col_width(mrv_ledger_column_name(a, c)),
                    thousands(l->cells[v * nc + c], x, sizeof x));
        fputc('\n', f);
    }
    print_carried(l, f);
    fputc('\n', f);
    print_split(l, f);
    if (l->has_mc) {
        fprintf(f, "\nthe agreement on each of %s Monte Carlo draws:\n",
                thousands((int64_t)l->mc.draws, x, sizeof x));
        if (a->split == MRV_SPLIT_BUYER_VOLUME)
            fprintf(f, "  %s receives all of its %s t in %.1f %% of draws\n",
                    a->buyer, thousands(a->volume, y, sizeof y),
                    100 * l->mc.p_volume);
        print_spread(f, a->host, "keeps", l->mc.host_q);
        print_spread(f, a->buyer, "receives", l->mc.buyer_q);
        print_schedule(l, f);
    }
}

void mrv_ledger_sweep_print(const mrv_run *run, const mrv_sweep *s, FILE *f)
{
    const mrv_ledger *l = run->ledger;
    if (!l || !s) return;
    const mrv_agreement *a = &l->agr;
    char x[48], y[48], z[48];
    size_t nc = s->ncols - 1;
    fputs("\nsweep of ", f);
    for (size_t k = 0; k < s->naxes; k++) {
        const mrv_sweep_axis *ax = &s->axis[k];
        fprintf(f, "%s%s from %s to %s", k ? " and " : "", ax->key,
                mrv_dec_format(ax->values[0], x, sizeof x),
                mrv_dec_format(ax->values[ax->n - 1], y, sizeof y));
    }
    fputs(": crediting-period totals, t\n", f);
    int kw[MRV_SWEEP_MAX_KEYS];
    for (size_t k = 0; k < s->naxes; k++) {
        kw[k] = (int)strlen(s->axis[k].key);
        if (kw[k] < 8) kw[k] = 8;
        fprintf(f, "%s%*s", k ? " " : "", kw[k], s->axis[k].key);
    }
    fprintf(f, " %12s", "issued");
    for (size_t c = 0; c < nc; c++) {
        const char *h = c < a->nded    ? a->ded[c].name
                        : c == a->nded ? a->host
                                       : a->buyer;
        fprintf(f, " %*s", col_width(mrv_ledger_column_name(a, c)), h);
    }
    bool pv = s->has_mc && a->split == MRV_SPLIT_BUYER_VOLUME;
    if (pv) fprintf(f, " %10s", "P(volume)");
    if (s->has_mc)
        fprintf(f, " %12s %12s %12s", "host 5 %", "host median",
                "host 95 %"); /* what the host keeps, over the draws */
    fputc('\n', f);
    for (size_t j = 0; j < s->n; j++) {
        const int64_t *t = s->totals + j * s->ncols;
        for (size_t k = 0; k < s->naxes; k++)
            fprintf(f, "%s%*s", k ? " " : "", kw[k],
                    mrv_dec_format(mrv_sweep_value(s, j, k), x, sizeof x));
        fprintf(f, " %12s", thousands(t[0], y, sizeof y));
        for (size_t c = 0; c < nc; c++)
            fprintf(f, " %*s", col_width(mrv_ledger_column_name(a, c)),
                    thousands(t[1 + c], z, sizeof z));
        if (pv) fprintf(f, " %8.1f %%", 100 * s->mc[j].p_volume);
        if (s->has_mc)
            for (int q = 0; q < 3; q++)
                fprintf(f, " %12s",
                        thousands((int64_t)llround(s->mc[j].host_q[q]), x,
                                  sizeof x));
        fputc('\n', f);
    }
    if (pv)
        fprintf(f,
                "P(volume): share of the %s draws in which %s receives "
                "its whole buyer_volume\n",
                thousands((int64_t)s->mc[0].draws, x, sizeof x), a->buyer);
}

/* ---- sweep.csv --------------------------------------------------------- */

bool mrv_ledger_sweep_csv(const mrv_ledger *l, const mrv_sweep *s, FILE *f)
{
    const mrv_agreement *a = &l->agr;
    size_t nc = s->ncols - 1;
    bool pv = s->has_mc && a->split == MRV_SPLIT_BUYER_VOLUME;
    mrv_csv c;
    mrv_csv_begin(&c, f);
    /* KEYs are the agreement's own names (a deduction's is an
    ** identifier), so they are column names as they are. */
    for (size_t k = 0; k < s->naxes; k++) mrv_csv_text(&c, s->axis[k].key);
    mrv_csv_raw(&c, "issued");
    for (size_t k = 0; k < nc; k++)
        mrv_csv_text(&c, mrv_ledger_column_name(a, k));
    if (pv) mrv_csv_raw(&c, "p_buyer_volume");
    if (s->has_mc)
        mrv_csv_raw(&c, "host_p05,host_p50,host_p95,host_mean,buyer_p05,"
                        "buyer_p50,buyer_p95,buyer_mean");
    mrv_csv_end(&c);
    for (size_t j = 0; j < s->n; j++) {
        const int64_t *t = s->totals + j * s->ncols;
        char x[48];
        for (size_t k = 0; k < s->naxes; k++)
            mrv_csv_raw(&c,
                        mrv_dec_format(mrv_sweep_value(s, j, k), x, sizeof x));
        for (size_t k = 0; k <= nc; k++) mrv_csv_int(&c, t[k]);
        if (pv) mrv_csv_g17(&c, s->mc[j].p_volume);
        if (s->has_mc) {
            const mrv_ledger_mc *m = &s->mc[j];
            for (int q = 0; q < 3; q++) mrv_csv_g17(&c, m->host_q[q]);
            mrv_csv_g17(&c, m->host_mean);
            for (int q = 0; q < 3; q++) mrv_csv_g17(&c, m->buyer_q[q]);
            mrv_csv_g17(&c, m->buyer_mean);
        }
        mrv_csv_end(&c);
    }
    return !ferror(f);
}

/* The sweep for 'mrv allocate --json': sweep.csv's rows as objects, the
** keys' exact decimal values under "values", spreads as report.json's
** ledger writes them. */
void mrv_ledger_sweep_json(const mrv_ledger *l, const mrv_sweep *s, FILE *f)
{
    const mrv_agreement *a = &l->agr;
    size_t nc = s->ncols - 1;
    bool pv = s->has_mc && a->split == MRV_SPLIT_BUYER_VOLUME;
    fputs("{\"keys\": [", f);
    for (size_t k = 0; k < s->naxes; k++) {
        if (k) fputs(", ", f);
        mrv_json_str(f, s->axis[k].key);
    }
    fputs("], \"rows\": [", f);
    for (size_t j = 0; j < s->n; j++) {
        const int64_t *t = s->totals + j * s->ncols;
        fputs(j ? ",\n    {\"values\": {" : "\n    {\"values\": {", f);
        for (size_t k = 0; k < s->naxes; k++) {
            if (k) fputs(", ", f);
            mrv_json_str(f, s->axis[k].key);
            fputs(": ", f);
            json_dec(f, mrv_sweep_value(s, j, k));
        }
        fprintf(f, "}, \"issued\": %lld", (long long)t[0]);
        for (size_t k = 0; k < nc; k++) {
            fputs(", ", f);
            mrv_json_str(f, mrv_ledger_column_name(a, k));
            fprintf(f, ": %lld", (long long)t[k + 1]);
        }
        if (pv) {
            fputs(", \"p_buyer_volume\": ", f);
            mrv_json_num(f, s->mc[j].p_volume);
        }
        if (s->has_mc) {
            fputs(", \"host_keeps\": ", f);
            json_spread(f, s->mc[j].host_q, s->mc[j].host_mean);
            fputs(", \"buyer_receives\": ", f);
            json_spread(f, s->mc[j].buyer_q, s->mc[j].buyer_mean);
        }
        fputc('}', f);
    }
    fputs(s->n ? "\n  ]}" : "]}", f);
}
