/*
** report_xlsx.c -- report.xlsx: the run's tables, for a spreadsheet.
**
** The only file that includes <xlsxwriter.h> (libxlsxwriter), so the
** dependency stays in one place.  One sheet per table a working group
** opens in Excel, each a header row and then rows:
**
**   Summary      the project, the settings, the crediting-period totals
**                and, with an allocation, where the issued units went
**   Vintages     vintages.csv
**   Ledger       ledger.csv           (with an allocation, else a note)
**   Serials      serials.csv          (likewise)
**   Adjustments  adjustments.csv      (likewise)
**   Inputs       every parameter as written, with its source (inputs.h)
**   Factors      every factor-table entry used, with its source
**   Sensitivity  sensitivity.csv: which inputs drive the uncertainty (a
**                note without draws)
**   Provenance   the engine, every input file with its SHA-256, the
**                search path, the Monte Carlo settings
**
** Numbers are stored as numbers (never as text), formatted for reading
** (thousands separators, tonnes whole) without changing the value
** stored; a header names its column as the CSV does, with the unit in
** parentheses where one unit holds for the whole column.  The header row
** is frozen and filtered, and columns are as wide as their contents.
**
** Precision: libxlsxwriter writes a number with 16 significant digits
** (%.16G), so a statistic that needs 17 to read back exactly differs from
** the CSV's by at most one unit in the 16th digit; whole tonnes, serial
** numbers and years are exact.  The CSVs and report.json remain the
** exact record.
**
** The same run gives the same bytes: the document's creation date is
** fixed (1980-01-01, the earliest a zip records) and nothing else varies.
** Text from input files is stored as text, never as a formula; bytes
** that are not UTF-8 become U+FFFD.
*/
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xlsxwriter.h>

#include "inputs.h"
#include "ledger.h"
#include "mc.h"
#include "report.h"

#ifndef MRV_VERSION_STRING
#define MRV_VERSION_STRING "0.0.0"
#endif

#define MAX_COLS     24
#define MIN_WIDTH    6
#define MAX_WIDTH    66
#define MAX_TEXT     32000     /* bytes; Excel's cell limit is 32,767 */
#define FIXED_CREATE 315532800 /* 1980-01-01T00:00:00Z */

/* Number formats, by what a column holds. */
enum {
    F_HEAD,   /* header row: bold, underlined */
    F_TEXT,   /* text as it is */
    F_NOTE,   /* a row saying why a sheet is empty */
    F_STAT,   /* tonnes with decimals: #,##0.00 */
    F_EST,    /* a creditable estimate: #,##0.0 */
    F_WHOLE,  /* whole tonnes: #,##0 */
    F_PLAIN,  /* a year, a serial number, a count of draws: 0 */
    F_FRAC,   /* a share of days: 0.0000 */
    F_CORR,   /* a correlation: +0.000 */
    F_SHARE,  /* a share of the variance: 0.0% */
    F_GENERAL /* as many digits as it takes */
};
#define NFMT (F_GENERAL + 1)

typedef struct book {
    lxw_workbook *wb;
    lxw_format *fmt[NFMT];
    lxw_error err; /* the first error, LXW_NO_ERROR while none */
    bool nomem;
} book;

typedef struct sheet {
    book *bk;
    lxw_worksheet *ws;
    lxw_row_t row; /* the next row to write */
    size_t ncols;
    bool noted; /* holds a note instead of rows */
    double width[MAX_COLS];
} sheet;

static void check(book *bk, lxw_error e)
{
    if (e != LXW_NO_ERROR && bk->err == LXW_NO_ERROR) bk->err = e;
}

/* ---- cells ------------------------------------------------------------- */

/* 's' as well-formed UTF-8 (each byte that is not part of a sequence as
** U+FFFD), cut at a character boundary below MAX_TEXT bytes; *chars is
** its length in characters.  NULL when out of memory. */
static char *clean_utf8(const char *s, size_t *chars)
{
    size_t n = strlen(s);
    char *out = malloc(3 * (n < MAX_TEXT ? n : MAX_TEXT) + 1);
    if (!out) return NULL;
    size_t o = 0;
    *chars = 0;
    const char *p = s;
    while (*p && o + 4 < MAX_TEXT) {
        int len = mrv_utf8_seq(p);
        if (len == 0) {
            memcpy(out + o, "\xEF\xBF\xBD", 3);
            o += 3;
            p++;
        } else {
            memcpy(out + o, p, (size_t)len);
            o += (size_t)len;
            p += len;
        }
        (*chars)++;
    }
    out[o] = '\0';
    return out;
}

static void widen(sheet *sh, size_t col, double chars)
{
    if (col < MAX_COLS && chars + 1 > sh->width[col])
        sh->width[col] = chars + 1;
}

static void put_text(sheet *sh, size_t col, const char *s, int fmt)
{
    if (!s) return; /* an empty cell */
    size_t chars;
    char *t = clean_utf8(s, &chars);
    if (!t) {
        sh->bk->nomem = true;
        return;
    }
    check(sh->bk, worksheet_write_string(sh->ws, sh->row, (lxw_col_t)col, t,
                                         sh->bk->fmt[fmt]));
    free(t);
    widen(sh, col, fmt == F_NOTE ? MIN_WIDTH : (double)chars);
}

/* A number, or an empty cell when it does not exist (a half-width
** without draws): nothing non-finite reaches a file. */
static void put_num(sheet *sh, size_t col, double x, int fmt)
{
    if (!isfinite(x)) return;
    check(sh->bk, worksheet_write_number(sh->ws, sh->row, (lxw_col_t)col, x,
                                         sh->bk->fmt[fmt]));
    /* The width it shows at: its digits as the format rounds them. */
    char buf[64];
    int dec = fmt == F_STAT ? 2 : fmt == F_EST ? 1 : fmt == F_FRAC ? 4 : 0;
    if (fmt == F_CORR)
        snprintf(buf, sizeof buf, "%+.3f", x);
    else if (fmt == F_SHARE)
        snprintf(buf, sizeof buf, "%.1f%%", x * 100);
    else if (fmt == F_GENERAL)
        mrv_fmt_shortest(x, buf, sizeof buf);
    else if (fmt == F_PLAIN)
        snprintf(buf, sizeof buf, "%.0f", x);
    else
        mrv_fmt_num(x, dec, buf, sizeof buf);
    widen(sh, col, (double)strlen(buf));
}

/* Whole tonnes, counts and years: exact as doubles below 2^53, which
** every ledger quantity is (MRV_LEDGER_MAX_TONNES). */
static void put_int(sheet *sh, size_t col, long long x, int fmt)
{
    put_num(sh, col, (double)x, fmt);
}

static void end_row(sheet *sh)
{
    sh->row++;
}

/* A new sheet with its header row, frozen. */
static void sheet_begin(book *bk, sheet *sh, const char *name,
                        const char *const *heads, size_t n)
{
    memset(sh, 0, sizeof *sh);
    sh->bk = bk;
    sh->ncols = n < MAX_COLS ? n : MAX_COLS;
    sh->ws = workbook_add_worksheet(bk->wb, name);
    if (!sh->ws) {
        check(bk, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return;
    }
    for (size_t c = 0; c < sh->ncols; c++) put_text(sh, c, heads[c], F_HEAD);
    worksheet_freeze_panes(sh->ws, 1, 0);
    end_row(sh);
}

/* Column widths from the contents; a filter on the header when there
** are rows to filter. */
static void sheet_end(sheet *sh)
{
    if (!sh->ws) return;
    for (size_t c = 0; c < sh->ncols; c++) {
        double w = sh->width[c];
        w = w < MIN_WIDTH ? MIN_WIDTH : w > MAX_WIDTH ? MAX_WIDTH : w;
        check(sh->bk, worksheet_set_column(sh->ws, (lxw_col_t)c, (lxw_col_t)c,
                                           w, NULL));
    }
    if (sh->row > 1 && sh->ncols > 0 && !sh->noted)
        check(sh->bk, worksheet_autofilter(sh->ws, 0, 0, sh->row - 1,
                                           (lxw_col_t)(sh->ncols - 1)));
}

/* A sheet that holds no rows for this run says why, in its first cell. */
static void note_row(sheet *sh, const char *why)
{
    put_text(sh, 0, why, F_NOTE);
    sh->noted = true;
    end_row(sh);
}

/* ---- sheets ------------------------------------------------------------ */

static const char *sampling_name(mrv_sampling m)
{
    return m == MRV_SAMPLE_LHS ? "lhs" : "random";
}

/* A crediting-period total's unit: the result's, without a trailing
** per-year (report.h). */
static void period_unit(const mrv_run *run, int r, char *buf, size_t n)
{
    const char *unit =
        run->bound->meth->eqs[run->bound->meth->results[r]].unit_text;
    size_t k = mrv_report_period_unit_len(unit);
    snprintf(buf, n, "%.*s", (int)k, unit ? unit : "");
}

static void kv_text(sheet *sh, const char *item, const char *value)
{
    put_text(sh, 0, item, F_TEXT);
    put_text(sh, 1, value, F_TEXT);
    end_row(sh);
}

static void kv_num(sheet *sh, const char *item, double value, int fmt,
                   const char *unit)
{
    put_text(sh, 0, item, F_TEXT);
    put_num(sh, 1, value, fmt);
    put_text(sh, 2, unit, F_TEXT);
    end_row(sh);
}

static const char *const stat_names[] = {"central", "mean",   "sd",
                                         "lower",   "median", "upper"};

static double stat_at(const mrv_stat *s, size_t k)
{
    const double v[] = {s->central, s->mean,   s->sd,
                        s->lower,   s->median, s->upper};
    return v[k];
}

static void sheet_summary(book *bk, const mrv_run *run)
{
    static const char *const heads[] = {"item", "value", "unit"};
    const mrv_bound *b = run->bound;
    const mrv_project *p = b->project;
    const mrv_methodology *m = b->meth;
    sheet sh;
    sheet_begin(bk, &sh, "Summary", heads, 3);
    kv_text(&sh, "project", p->id);
    kv_text(&sh, "title", p->title);
    kv_text(&sh, "host", p->host);
    kv_text(&sh, "methodology", m->id);
    kv_text(&sh, "methodology title", m->title);
    kv_text(&sh, "methodology reference", m->reference);
    if (m->version)
        kv_num(&sh, "methodology version", (double)m->version, F_PLAIN, NULL);
    kv_text(&sh, "kind", m->removals ? "removals" : "reductions");
    kv_num(&sh, "crediting period first", b->first, F_PLAIN, NULL);
    kv_num(&sh, "crediting period last", b->last, F_PLAIN, NULL);
    kv_num(&sh, "draws", (double)run->draws, F_PLAIN, NULL);
    char seed[32];
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)run->seed);
    kv_text(&sh, "seed", seed);
    kv_num(&sh, "confidence", run->confidence, F_GENERAL, NULL);
    kv_text(&sh, "sampling", sampling_name(run->method));
    /* The crediting-period totals, as vintages.csv's total rows. */
    for (int r = 0; r < MRV_NRESULTS; r++) {
        const mrv_stat *s = &run->stats[run->nvint * MRV_NRESULTS + r];
        char unit[128], item[96];
        period_unit(run, r, unit, sizeof unit);
        for (size_t k = 0; k < sizeof stat_names / sizeof *stat_names; k++) {
            snprintf(item, sizeof item, "total %s: %s", mrv_result_names[r],
                     stat_names[k]);
            kv_num(&sh, item, stat_at(s, k), F_STAT, unit);
        }
    }
    /* Where the issued units went: ledger.csv's total row, then what
    ** the host keeps and the buyer receives in all. */
    const mrv_ledger *l = run->ledger;
    if (l) {
        const mrv_agreement *a = &l->agr;
        size_t nc = MRV_LEDGER_NCOLS(a);
        const int64_t *tot = l->cells + l->nvint * nc;
        kv_num(&sh, "ledger total: estimate", l->cons[l->nvint].creditable,
               F_EST, "tCO2e");
        kv_num(&sh, "ledger total: issued", (double)l->issued[l->nvint],
               F_WHOLE, "tCO2e");
        for (size_t c = 0; c < nc; c++) {
            char item[160];
            snprintf(item, sizeof item, "ledger total: %s",
                     mrv_ledger_column_name(a, c));
            kv_num(&sh, item, (double)tot[c], F_WHOLE, "tCO2e");
        }
        kv_num(&sh, "ledger total: carried", l->carried[l->nvint], F_EST,
               "tCO2e");
        mrv_ledger_outcome o = mrv_ledger_outcome_of(l);
        kv_num(&sh, "host keeps", (double)o.host_keeps, F_WHOLE, "tCO2e");
        kv_num(&sh, "buyer receives", (double)o.buyer, F_WHOLE, "tCO2e");
        if (l->has_mc && isfinite(l->mc.p_volume))
            kv_num(&sh, "probability the buyer receives its volume",
                   l->mc.p_volume, F_GENERAL, NULL);
    }
    sheet_end(&sh);
}

static void sheet_vintages(book *bk, const mrv_run *run)
{
    char lo[48], hi[48];
    double c = run->confidence;
    snprintf(lo, sizeof lo, "lower (%g %% quantile)", (1 - c) / 2 * 100);
    snprintf(hi, sizeof hi, "upper (%g %% quantile)", (1 + c) / 2 * 100);
    const char *const heads[] = {"vintage", "result", "central", "mean",
                                 "sd",      lo,       "median",  hi,
                                 "unit",    "frac"};
    const mrv_bound *b = run->bound;
    sheet sh;
    sheet_begin(bk, &sh, "Vintages", heads, sizeof heads / sizeof *heads);
    if (sh.ws) worksheet_freeze_panes(sh.ws, 1, 2);
    for (size_t v = 0; v <= run->nvint; v++) {
        for (int r = 0; r < MRV_NRESULTS; r++) {
            const mrv_stat *s = &run->stats[v * MRV_NRESULTS + r];
            if (v < run->nvint)
                put_int(&sh, 0, b->first + (int)v, F_PLAIN);
            else
                put_text(&sh, 0, "total", F_TEXT);
            put_text(&sh, 1, mrv_result_names[r], F_TEXT);
            for (size_t k = 0; k < 6; k++)
                put_num(&sh, 2 + k, stat_at(s, k), F_STAT);
            if (v < run->nvint) {
                put_text(&sh, 8, b->meth->eqs[b->meth->results[r]].unit_text,
                         F_TEXT);
                put_num(&sh, 9, b->frac[v], F_FRAC);
            } else {
                char unit[128];
                period_unit(run, r, unit, sizeof unit);
                put_text(&sh, 8, unit, F_TEXT);
            }
            end_row(&sh);
        }
    }
    sheet_end(&sh);
}

static const char no_allocation[] =
    "no allocation: the project has no 'allocation', so no units are issued";

/* Every ledger column fits: vintage, estimate, issued, the deductions,
** host, buyer and carried. */
_Static_assert(3 + MRV_LEDGER_MAX_DEDUCTIONS + 3 <= MAX_COLS,
               "a sheet has a column for each of the ledger's");

static void sheet_ledger(book *bk, const mrv_run *run)
{
    const mrv_ledger *l = run->ledger;
    /* ledger.csv's columns, in tonnes; without an allocation those every
    ** ledger has. */
    const char *heads[MAX_COLS] = {"vintage", "estimate (tCO2e)",
                                   "issued (tCO2e)", "host (tCO2e)",
                                   "buyer (tCO2e)"};
    char names[MAX_COLS][96];
    size_t nc = l ? MRV_LEDGER_NCOLS(&l->agr) : 0;
    size_t n = l ? 3 : 5;
    for (size_t c = 0; c < nc; c++, n++) {
        snprintf(names[n], sizeof names[n], "%s (tCO2e)",
                 mrv_ledger_column_name(&l->agr, c));
        heads[n] = names[n];
    }
    if (l) heads[n++] = "carried (tCO2e)"; /* a shortfall carried forward */
    sheet sh;
    sheet_begin(bk, &sh, "Ledger", heads, n);
    if (!l) note_row(&sh, no_allocation);
    for (size_t v = 0; l && v <= l->nvint; v++) {
        if (v < l->nvint)
            put_int(&sh, 0, l->first + (int)v, F_PLAIN);
        else
            put_text(&sh, 0, "total", F_TEXT);
        put_num(&sh, 1, l->cons[v].creditable, F_EST);
        put_int(&sh, 2, l->issued[v], F_WHOLE);
        for (size_t c = 0; c < nc; c++)
            put_int(&sh, 3 + c, l->cells[v * nc + c], F_WHOLE);
        put_num(&sh, 3 + nc, l->carried[v], F_EST);
        end_row(&sh);
    }
    sheet_end(&sh);
}

static void serial_cells(const mrv_serial_block *blk, void *ud)
{
    sheet *sh = ud;
    put_int(sh, 0, blk->vintage, F_PLAIN);
    put_text(sh, 1, blk->account, F_TEXT);
    put_int(sh, 2, blk->first, F_PLAIN);
    put_int(sh, 3, blk->last, F_PLAIN);
    put_int(sh, 4, blk->count, F_WHOLE);
    put_text(sh, 5, blk->block, F_TEXT);
    end_row(sh);
}

static void sheet_serials(book *bk, const mrv_run *run)
{
    static const char *const heads[] = {"vintage", "account",       "first",
                                        "last",    "count (tCO2e)", "block"};
    sheet sh;
    sheet_begin(bk, &sh, "Serials", heads, sizeof heads / sizeof *heads);
    if (run->ledger)
        mrv_ledger_serials(run->ledger, serial_cells, &sh);
    else
        note_row(&sh, no_allocation);
    sheet_end(&sh);
}

static void adjustment_cells(const mrv_adjustment *adj, void *ud)
{
    sheet *sh = ud;
    put_text(sh, 0, adj->party, F_TEXT);
    put_int(sh, 1, adj->year, F_PLAIN);
    put_text(sh, 2, adj->role, F_TEXT);
    put_int(sh, 3, adj->by_vintage, F_WHOLE);
    if (adj->has_first_transfer)
        put_int(sh, 4, adj->by_first_transfer, F_WHOLE);
    if (adj->has_use) put_int(sh, 5, adj->by_use, F_WHOLE);
    end_row(sh);
}

static void sheet_adjustments(book *bk, const mrv_run *run)
{
    static const char *const heads[] = {"party",
                                        "year",
                                        "role",
                                        "by_vintage (tCO2e)",
                                        "by_first_transfer (tCO2e)",
                                        "by_use (tCO2e)"};
    sheet sh;
    sheet_begin(bk, &sh, "Adjustments", heads, sizeof heads / sizeof *heads);
    if (run->ledger)
        mrv_ledger_adjustments(run->ledger, adjustment_cells, &sh);
    else
        note_row(&sh, no_allocation);
    sheet_end(&sh);
}

/* A value as written that is a plain number ("0.95", "12000") is stored
** as that number; anything else ("25 km/d", a series) as text. */
static void put_written(sheet *sh, size_t col, const char *text)
{
    char *end;
    double x = text && *text ? strtod(text, &end) : 0;
    if (text && *text && !*end && isfinite(x) && text[0] != ' ' &&
        !strpbrk(text, "xXnN"))
        put_num(sh, col, x, F_GENERAL);
    else
        put_text(sh, col, text, F_TEXT);
}

static void sheet_inputs(book *bk, const mrv_run *run)
{
    static const char *const heads[] = {
        "parameter", "origin", "value",  "unit",   "uncertainty",
        "file",      "line",   "source", "status", "assumption"};
    sheet sh;
    sheet_begin(bk, &sh, "Inputs", heads, sizeof heads / sizeof *heads);
    mrv_inputs in;
    if (mrv_inputs_list(run->bound, &in) != MRV_OK) {
        bk->nomem = true;
        sheet_end(&sh);
        return;
    }
    for (size_t i = 0; i < in.n; i++) {
        const mrv_input_row *r = &in.rows[i];
        put_text(&sh, 0, r->name, F_TEXT);
        put_text(&sh, 1, r->origin, F_TEXT);
        put_written(&sh, 2, r->value);
        put_text(&sh, 3, r->unit, F_TEXT);
        put_text(&sh, 4,
                 r->uncertainty && *r->uncertainty ? r->uncertainty : NULL,
                 F_TEXT);
        put_text(&sh, 5, r->pos.file, F_TEXT);
        if (r->pos.line) put_int(&sh, 6, r->pos.line, F_PLAIN);
        put_text(&sh, 7, r->source, F_TEXT);
        put_text(&sh, 8, r->assumed ? "assumption" : "sourced", F_TEXT);
        put_text(&sh, 9, r->assumption, F_TEXT);
        end_row(&sh);
    }
    mrv_inputs_free(&in);
    sheet_end(&sh);
}

static void sheet_factors(book *bk, const mrv_run *run)
{
    static const char *const heads[] = {"id", "value", "unit", "source"};
    const mrv_bound *b = run->bound;
    sheet sh;
    sheet_begin(bk, &sh, "Factors", heads, 4);
    if (b->nfactors_used == 0)
        note_row(&sh, "no factor-table entry is used by this project");
    for (size_t i = 0; i < b->nfactors_used; i++) {
        const mrv_factor *fc = b->factors_used[i];
        put_text(&sh, 0, fc->id, F_TEXT);
        put_num(&sh, 1, fc->value, F_GENERAL);
        put_text(&sh, 2, fc->unit_text, F_TEXT);
        put_text(&sh, 3, fc->source, F_TEXT);
        end_row(&sh);
    }
    sheet_end(&sh);
}

/* sensitivity.csv's rows: per vintage (and total), result and input,
** the rank correlation and the share of the variance, largest share
** first within a result; a note instead when there is nothing to list. */
static void sheet_sensitivity(book *bk, const mrv_run *run)
{
    static const char *const heads[] = {"vintage", "result", "input",
                                        "rank_correlation", "variance_share"};
    const mrv_sensitivity *s = run->sens;
    sheet sh;
    sheet_begin(bk, &sh, "Sensitivity", heads, 5);
    if (sh.ws) worksheet_freeze_panes(sh.ws, 1, 2);
    size_t rows = 0;
    for (size_t c = 0; s && s->draws && c < s->ncols; c++) {
        size_t v = c / MRV_NRESULTS;
        for (size_t j = 0; j < s->count[c]; j++) {
            const mrv_sens_row *r = &s->rows[s->first[c] + j];
            if (v < run->nvint)
                put_int(&sh, 0, run->bound->first + (int)v, F_PLAIN);
            else
                put_text(&sh, 0, "total", F_TEXT);
            put_text(&sh, 1, mrv_result_names[c % MRV_NRESULTS], F_TEXT);
            put_text(&sh, 2, s->inputs[r->input], F_TEXT);
            put_num(&sh, 3, r->rank_correlation, F_CORR);
            put_num(&sh, 4, r->variance_share, F_SHARE);
            end_row(&sh);
            rows++;
        }
    }
    if (rows == 0)
        note_row(&sh, !run->draws ? "no Monte Carlo draws: there is no "
                                    "uncertainty to attribute"
                      : s && !s->draws && s->skipped
                          ? s->skipped
                          : "no uncertain input moves any result");
    sheet_end(&sh);
}

static void prov_row(sheet *sh, const char *section, const char *name,
                     const char *value, const char *sha256)
{
    put_text(sh, 0, section, F_TEXT);
    put_text(sh, 1, name, F_TEXT);
    put_text(sh, 2, value, F_TEXT);
    put_text(sh, 3, sha256, F_TEXT);
    end_row(sh);
}

static void prov_num(sheet *sh, const char *section, const char *name,
                     double value, int fmt)
{
    put_text(sh, 0, section, F_TEXT);
    put_text(sh, 1, name, F_TEXT);
    put_num(sh, 2, value, fmt);
    end_row(sh);
}

static void sheet_provenance(book *bk, const mrv_run *run)
{
    static const char *const heads[] = {"section", "name", "value", "sha256"};
    const mrv_bound *b = run->bound;
    sheet sh;
    sheet_begin(bk, &sh, "Provenance", heads, 4);
    prov_row(&sh, "engine", "name", "mrv", NULL);
    prov_row(&sh, "engine", "version", MRV_VERSION_STRING, NULL);
    for (size_t i = 0; i < b->nfiles; i++)
        prov_row(&sh, "input", b->files[i].role, b->files[i].path,
                 b->files[i].sha256_hex);
    for (size_t i = 0; i < run->search.nmeth; i++)
        prov_row(&sh, "search", "methodologies", run->search.meth_dirs[i],
                 NULL);
    for (size_t i = 0; i < run->search.nfactor; i++)
        prov_row(&sh, "search", "factors", run->search.factor_dirs[i], NULL);
    prov_num(&sh, "monte_carlo", "draws", (double)run->draws, F_PLAIN);
    /* A seed is a name for a stream, up to 2^64 - 1: text, exactly. */
    char seed[32];
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)run->seed);
    prov_row(&sh, "monte_carlo", "seed", seed, NULL);
    prov_num(&sh, "monte_carlo", "confidence", run->confidence, F_GENERAL);
    prov_row(&sh, "monte_carlo", "method", sampling_name(run->method), NULL);
    prov_row(&sh, "monte_carlo", "quantiles", "Hyndman-Fan type 7", NULL);
    if (run->draws)
        prov_row(&sh, "monte_carlo", "generator", MRV_MC_GENERATOR, NULL);
    prov_row(&sh, "re-run", "command",
             "mrv verify report.json (from the folder the run was made in)",
             NULL);
    sheet_end(&sh);
}

/* ---- the workbook ------------------------------------------------------ */

static void make_formats(book *bk)
{
    static const char *const num[NFMT] = {
        [F_STAT] = "#,##0.00", [F_EST] = "#,##0.0",
        [F_WHOLE] = "#,##0",   [F_PLAIN] = "0",
        [F_FRAC] = "0.0000",   [F_CORR] = "+0.000;-0.000;0.000",
        [F_SHARE] = "0.0%",
    };
    for (int i = 0; i < NFMT; i++) {
        lxw_format *f = workbook_add_format(bk->wb);
        if (!f) {
            check(bk, LXW_ERROR_MEMORY_MALLOC_FAILED);
            return;
        }
        if (num[i]) format_set_num_format(f, num[i]);
        bk->fmt[i] = f;
    }
    format_set_bold(bk->fmt[F_HEAD]);
    format_set_bottom(bk->fmt[F_HEAD], LXW_BORDER_THIN);
    format_set_italic(bk->fmt[F_NOTE]);
    /* A format with no property equals the workbook's default, so
    ** libxlsxwriter never caches its index and hashes the whole format
    ** for every cell (a third of report.xlsx's time with draws); no
    ** format writes the same cells. */
    bk->fmt[F_TEXT] = bk->fmt[F_GENERAL] = NULL;
}

mrv_status mrv_report_xlsx(const mrv_run *run, const char *path, mrv_diag *diag)
{
    mrv_srcpos nowhere = {NULL, 0, 0};
    book bk;
    memset(&bk, 0, sizeof bk);
    lxw_workbook_options opt = {0, NULL, 0};
    bk.wb = workbook_new_opt(path, &opt);
    if (!bk.wb) return MRV_ENOMEM;
    make_formats(&bk);
    if (bk.err == LXW_NO_ERROR) {
        const mrv_project *p = run->bound->project;
        lxw_doc_properties props;
        memset(&props, 0, sizeof props);
        props.title = (char *)(p->title ? p->title : p->id);
        props.subject = (char *)"mrv report";
        props.author = (char *)"mrv " MRV_VERSION_STRING;
        props.created = FIXED_CREATE;
        check(&bk, workbook_set_properties(bk.wb, &props));
        sheet_summary(&bk, run);
        sheet_vintages(&bk, run);
        sheet_ledger(&bk, run);
        sheet_serials(&bk, run);
        sheet_adjustments(&bk, run);
        sheet_inputs(&bk, run);
        sheet_factors(&bk, run);
        sheet_sensitivity(&bk, run);
        sheet_provenance(&bk, run);
    }
    /* Closing writes the file, and frees the workbook whatever happens.
    ** Its zip errors say only "ZIP_ERRNO": the system's reason (a full
    ** disk) is in errno. */
    errno = 0;
    lxw_error closed = workbook_close(bk.wb);
    int err = errno;
    if (bk.nomem) return MRV_ENOMEM;
    check(&bk, closed);
    if (bk.err == LXW_NO_ERROR) return MRV_OK;
    if (bk.err == LXW_ERROR_MEMORY_MALLOC_FAILED) return MRV_ENOMEM;
    if (closed != LXW_NO_ERROR && err != 0)
        return mrv_error(diag, nowhere, MRV_EIO,
                         "cannot write report.xlsx: %s (%s)", strerror(err),
                         lxw_strerror(bk.err));
    return mrv_error(diag, nowhere, MRV_EIO, "cannot write report.xlsx: %s",
                     lxw_strerror(bk.err));
}
