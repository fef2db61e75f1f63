/*
** report_html.c -- report.html: one run, readable without the CSV files.
**
** One self-contained file (docs/outputs.md): inline CSS, and charts drawn here
** as inline SVG, so it needs no script, font or image from anywhere, prints
** as it shows, and reads on a phone (charts and wide tables scroll
** sideways rather than shrink).  In order: what the project is and how it
** was run; the reductions (or net removals) per vintage with their
** uncertainty band; with an allocation, the issued units per vintage split
** between deductions, host and buyer, and whether the buyer's volume is
** delivered; the per-vintage and ledger tables; the files written; and the
** provenance a validator needs (engine version, every input file with its
** SHA-256, every factor used, how to re-run).
**
** Everything taken from an input file is HTML-escaped: projects come from
** others, and a title like "<script>" must show as text.  Numbers are
** rounded for reading, with thousands separators; a value that is not
** finite prints as "n/a" and is left out of the charts, so no NaN or inf
** reaches the page.  The output depends on the run alone (nothing from the
** clock, the thread count or memory addresses): the same run gives the
** same bytes.  Borrows the run; writes only to the stream it is given.
*/
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "inputs.h"
#include "ledger.h"
#include "mc.h"
#include "monout.h"
#include "propagate.h"
#include "report.h"
#include "stats.h"

#ifndef MRV_VERSION_STRING
#define MRV_VERSION_STRING "0.0.0"
#endif

/* ---- text and numbers -------------------------------------------------- */

/* Writes 's' as HTML text (output.h). */
static void esc(FILE *f, const char *s)
{
    mrv_html_str(f, s);
}

/* Decimals that read well for values up to 'maxabs': whole tonnes for
** real projects, a few digits for the small numbers of a test or a pilot. */
static int decimals_for(double maxabs)
{
    return maxabs >= 100 ? 0 : maxabs >= 10 ? 1 : maxabs >= 1 ? 2 : 3;
}

/* A factor's value with the fewest significant digits that read back to
** it, written out in full with thousands separators between 10^-6 and
** 10^15 ("67,500", "0.000123"), with an exponent beyond. */
static char *shortest(double x, char *buf, size_t n)
{
    if (!isfinite(x)) {
        snprintf(buf, n, "n/a");
        return buf;
    }
    if (x == 0) x = 0; /* -0 -> 0 */
    int p = mrv_fmt_digits(x);
    char raw[64];
    double ax = fabs(x);
    if (ax != 0 && (ax < 1e-6 || ax >= 1e15)) {
        snprintf(buf, n, "%.*g", p, x);
        return buf;
    }
    /* p significant digits from the leading one: that many decimals. */
    int lead = ax == 0 ? 0 : (int)floor(log10(ax));
    int dec = p - 1 - lead;
    snprintf(raw, sizeof raw, "%.*f", dec < 0 ? 0 : dec, x);
    return mrv_fmt_group(raw, buf, n);
}

/* A confidence or a share of days as a percentage, as few digits as it
** needs: 0.95 -> "95", 0.999 -> "99.9", 184/366 -> "50.27". */
static char *pct(double p, char *buf, size_t n)
{
    if (!isfinite(p)) {
        snprintf(buf, n, "n/a");
        return buf;
    }
    snprintf(buf, n, "%.4g", p * 100);
    return buf;
}

/* A probability over draws, to 0.1 %, never rounded to a certainty it
** is not: 0.9996 -> "more than 99.9", 0.0004 -> "less than 0.1". */
static char *prob(double p, char *buf, size_t n)
{
    if (!isfinite(p))
        snprintf(buf, n, "n/a");
    else if (p < 1 && p > 0.999)
        snprintf(buf, n, "more than 99.9");
    else if (p > 0 && p < 0.001)
        snprintf(buf, n, "less than 0.1");
    else
        snprintf(buf, n, "%.1f", p * 100);
    return buf;
}

/* An exact rate as a percentage, "5.5 %", or a fraction, "10/17". */
static char *rate_pct(mrv_dec x, char *buf, size_t n)
{
    return mrv_dec_format_percent(x, buf, n);
}

/* Whole tonnes, exactly: a ledger's crediting-period total may pass
** 2^53, where a double would print a neighbouring integer. */
static void tonnes_int(FILE *f, int64_t x)
{
    char raw[32], b[48];
    snprintf(raw, sizeof raw, "%lld", (long long)x);
    fputs(mrv_fmt_group(raw, b, sizeof b), f);
}

/* The unit of a crediting-period total: a vintage's flow "per year" summed
** over the vintages is tonnes, so a trailing "/yr" is dropped. */
static void period_unit(FILE *f, const char *unit)
{
    size_t n = mrv_report_period_unit_len(unit);
    for (size_t i = 0; i < n; i++) {
        char c[2] = {unit[i], '\0'};
        esc(f, c);
    }
}

/* ---- the run, as the page reads it ------------------------------------- */

typedef struct page {
    const mrv_run *run;
    const mrv_bound *b;
    const mrv_project *p;
    const mrv_methodology *m;
    const mrv_ledger *l; /* NULL without an allocation */
    bool mc;             /* Monte Carlo draws exist */
    const char *unit;    /* of the reductions, as declared */
    int dec;             /* decimals of the results */
    bool partial;        /* some vintage has 0 < frac < 1 */
    size_t unmonitored;  /* vintages with no day in a monitoring period */
    char conf[16];       /* "95" */
    double below;        /* share of draws of the total reductions below
                         ** its central estimate; NaN without draws */
} page;

static const mrv_stat *stat_at(const page *g, size_t v, int r)
{
    return &g->run->stats[v * MRV_NRESULTS + r];
}

/* A monitored project's vintage with no day in any monitoring period:
** nothing is computed for it (its results are zero, its frac 0). */
static bool unmonitored(const page *g, size_t v)
{
    return g->b->frac[v] == 0;
}

/* What a chart plots: an unmonitored vintage's results read as not
** finite, so that lines and bands break there instead of dropping to a
** zero nobody measured. */
static const mrv_stat *plotted(const page *g, size_t v, int r)
{
    static const mrv_stat none = {
        .central = (double)NAN, .lower = (double)NAN, .upper = (double)NAN};
    return v < g->run->nvint && unmonitored(g, v) ? &none : stat_at(g, v, r);
}

static const char *result_label(const page *g, int r)
{
    static const char *const labels[2][MRV_NRESULTS] = {
        {"Baseline emissions", "Project emissions", "Leakage", "Reductions"},
        {"Baseline removals", "Actual removals", "Leakage", "Net removals"}};
    return labels[g->m->removals ? 1 : 0][r];
}

static const char *result_unit(const page *g, int r)
{
    const char *u = g->m->eqs[g->m->results[r]].unit_text;
    return u ? u : "";
}

static void vintage_label(FILE *f, const page *g, size_t v)
{
    double fr = g->b->frac[v];
    fprintf(f, "%d%s", g->b->first + (int)v, fr > 0 && fr < 1 ? "*" : "");
}

/* ---- charts ------------------------------------------------------------ */

/* SVG user units; the page scales the drawing to its width. */
#define CH_W        640.0
#define CH_H        300.0
#define CH_TOP      30.0
#define CH_BOTTOM   40.0
#define CH_RIGHT    14.0
#define CH_MAXTICKS 24

/* The plot area of a chart and its y axis. */
typedef struct frame {
    double left, right, top, bottom; /* pixels */
    double lo, hi, step;             /* y axis: ticks lo..hi by step */
    int dec;                         /* decimals of the tick labels */
    size_t nslot;                    /* vintages along x */
} frame;

/* Chooses ticks of 1, 2, 2.5 or 5 x 10^k covering [lo, hi] (zero always
** inside), about five of them, and a left margin wide enough for their
** labels. */
static void frame_set(frame *fr, double lo, double hi, size_t nslot)
{
    lo = fmin(lo, 0);
    hi = fmax(hi, 0);
    if (!(hi > lo)) hi = lo + 1;
    /* Keeps hi - lo finite for any finite data. */
    lo = fmax(lo, -1e300);
    hi = fmin(hi, 1e300);
    double raw = (hi - lo) / 5, mag = pow(10, floor(log10(raw)));
    double r = raw / mag;
    double step = (r <= 1     ? 1
                   : r <= 2   ? 2
                   : r <= 2.5 ? 2.5
                   : r <= 5   ? 5
                              : 10) *
                  mag;
    fr->lo = floor(lo / step) * step;
    fr->hi = ceil(hi / step) * step;
    if (!(fr->hi > fr->lo)) fr->hi = fr->lo + step;
    fr->step = step;
    fr->dec = 0;
    while (fr->dec < 9) {
        double s = step * pow(10, fr->dec);
        if (fabs(s - round(s)) <= 1e-6 * s) break;
        fr->dec++;
    }
    size_t w = 0;
    for (int i = 0; i <= CH_MAXTICKS; i++) {
        double y = fr->lo + i * step;
        if (y > fr->hi + step / 2) break;
        char b[48];
        size_t k = strlen(mrv_fmt_num(y, fr->dec, b, sizeof b));
        if (k > w) w = k;
    }
    fr->left = 16 + 8.4 * (double)w;
    fr->right = CH_W - CH_RIGHT;
    fr->top = CH_TOP;
    fr->bottom = CH_H - CH_BOTTOM;
    fr->nslot = nslot ? nslot : 1;
}

static double fy(const frame *fr, double y)
{
    double t = (y - fr->lo) / (fr->hi - fr->lo);
    if (!(t >= 0)) t = 0; /* also NaN, which callers never pass */
    if (t > 1) t = 1;
    return fr->bottom - t * (fr->bottom - fr->top);
}

static double slot_w(const frame *fr)
{
    return (fr->right - fr->left) / (double)fr->nslot;
}

static double fx(const frame *fr, size_t v)
{
    return fr->left + ((double)v + 0.5) * slot_w(fr);
}

static void svg_open(FILE *f, const char *label)
{
    fprintf(f, "<svg viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\"",
            CH_W, CH_H);
    esc(f, label);
    fputs("\" xmlns=\"http://www.w3.org/2000/svg\">\n", f);
}

/* Grid lines and tick labels of the y axis, and its unit above it. */
static void y_axis(FILE *f, const frame *fr, const char *unit)
{
    fputs("<g class=\"grid\">\n", f);
    for (int i = 0; i <= CH_MAXTICKS; i++) {
        double y = fr->lo + i * fr->step;
        if (y > fr->hi + fr->step / 2) break;
        if (fabs(y) < fr->step / 2) y = 0;
        double py = fy(fr, y);
        char b[48];
        fprintf(f,
                "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>"
                "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
                fr->left, py, fr->right, py, fr->left - 6, py + 4,
                mrv_fmt_num(y, fr->dec, b, sizeof b));
    }
    fputs("</g>\n", f);
    fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" class=\"unit\">", fr->left - 6,
            fr->top - 14);
    esc(f, unit);
    fputs("</text>\n", f);
}

/* The line at zero, drawn over bands and bars so it stays visible. */
static void zero_line(FILE *f, const frame *fr)
{
    fprintf(f,
            "<line class=\"zero\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
            "y2=\"%.1f\"/>\n",
            fr->left, fy(fr, 0), fr->right, fy(fr, 0));
}

/* Vintage labels under the plot: every one when there is room, else every
** 2nd, 5th or 10th year (counted from the calendar, so the labels fall
** on round years). */
static void x_axis(FILE *f, const frame *fr, const page *g)
{
    static const int steps[] = {1, 2, 5, 10, 20, 50, 100, 1000};
    int every = 1000;
    for (size_t i = 0; i < sizeof steps / sizeof *steps; i++)
        if (slot_w(fr) * steps[i] >= 40) {
            every = steps[i];
            break;
        }
    fputs("<g class=\"xaxis\">\n", f);
    for (size_t v = 0; v < g->run->nvint; v++) {
        int year = g->b->first + (int)v;
        double x = fx(fr, v);
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", x,
                fr->bottom, x, fr->bottom + 4);
        if (every == 1 || year % every == 0) {
            fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", x,
                    fr->bottom + 18);
            vintage_label(f, g, v);
            fputs("</text>", f);
        }
        fputc('\n', f);
    }
    fprintf(f,
            "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">vintage"
            "</text>\n</g>\n",
            (fr->left + fr->right) / 2, CH_H - 4);
}

/* A legend entry: a small swatch ('kind' line, band, dot, hollow or box)
** and its text, as HTML so that it wraps on a narrow screen. */
static void legend_item(FILE *f, const char *kind, const char *color,
                        const char *text)
{
    fputs("<li><svg width=\"22\" height=\"12\" aria-hidden=\"true\">", f);
    if (strcmp(kind, "line") == 0)
        fprintf(f,
                "<line x1=\"1\" y1=\"6\" x2=\"21\" y2=\"6\" stroke=\"%s\" "
                "stroke-width=\"2\"/><circle cx=\"11\" cy=\"6\" r=\"3\" "
                "fill=\"%s\"/>",
                color, color);
    else if (strcmp(kind, "dot") == 0)
        fprintf(f, "<circle cx=\"11\" cy=\"6\" r=\"3.5\" fill=\"%s\"/>", color);
    else if (strcmp(kind, "hollow") == 0)
        fprintf(f,
                "<circle cx=\"11\" cy=\"6\" r=\"3.5\" fill=\"#fff\" "
                "stroke=\"%s\" stroke-width=\"1.5\"/>",
                color);
    else
        fprintf(f,
                "<rect x=\"1\" y=\"1\" width=\"20\" height=\"10\" "
                "fill=\"%s\"/>",
                color);
    fputs("</svg>", f);
    esc(f, text);
    fputs("</li>\n", f);
}

#define C_LINE "#1f4e79"
#define C_BAND "#bcd3ea"
#define C_NEG  "#b2182b"

/* Reductions per vintage: the band [lower, upper] of the draws, the
** central line and points (red below zero, hollow for a partial
** vintage), the zero line.  A vintage whose numbers are not finite breaks
** the band and the line. */
static void chart_reductions(FILE *f, const page *g)
{
    size_t nv = g->run->nvint;
    double lo = 0, hi = 0;
    bool neg = false;
    for (size_t v = 0; v < nv; v++) {
        const mrv_stat *s = plotted(g, v, MRV_RES_REDUCTIONS);
        const double ys[3] = {s->central, s->lower, s->upper};
        for (int k = 0; k < (g->mc ? 3 : 1); k++)
            if (isfinite(ys[k])) {
                lo = fmin(lo, ys[k]);
                hi = fmax(hi, ys[k]);
            }
        neg |= s->central < 0;
    }
    frame fr;
    frame_set(&fr, lo, hi, nv);
    const char *what = result_label(g, MRV_RES_REDUCTIONS);
    char label[160];
    snprintf(label, sizeof label, "%s per vintage%s", what,
             g->mc ? ", with the uncertainty band" : ", central case");
    fputs("<figure class=\"chart\">\n", f);
    svg_open(f, label);
    y_axis(f, &fr, g->unit);
    x_axis(f, &fr, g);
    if (g->mc) {
        /* One polygon per run of vintages with finite bounds: along the
        ** upper bounds, then back along the lower ones.  A run of one
        ** vintage is a short bar. */
        size_t v = 0;
        while (v < nv) {
            const mrv_stat *s = plotted(g, v, MRV_RES_REDUCTIONS);
            if (!isfinite(s->lower) || !isfinite(s->upper)) {
                v++;
                continue;
            }
            size_t end = v;
            while (end + 1 < nv) {
                const mrv_stat *t = plotted(g, end + 1, MRV_RES_REDUCTIONS);
                if (!isfinite(t->lower) || !isfinite(t->upper)) break;
                end++;
            }
            if (end == v) {
                double w = slot_w(&fr) * 0.5;
                fprintf(f,
                        "<rect class=\"band\" x=\"%.1f\" y=\"%.1f\" "
                        "width=\"%.1f\" height=\"%.1f\"/>\n",
                        fx(&fr, v) - w / 2, fy(&fr, s->upper), w,
                        fy(&fr, s->lower) - fy(&fr, s->upper));
            } else {
                fputs("<polygon class=\"band\" points=\"", f);
                for (size_t k = v; k <= end; k++)
                    fprintf(f, "%.1f,%.1f ", fx(&fr, k),
                            fy(&fr, plotted(g, k, MRV_RES_REDUCTIONS)->upper));
                for (size_t k = end + 1; k-- > v;)
                    fprintf(f, "%.1f,%.1f%s", fx(&fr, k),
                            fy(&fr, plotted(g, k, MRV_RES_REDUCTIONS)->lower),
                            k > v ? " " : "");
                fputs("\"/>\n", f);
            }
            v = end + 1;
        }
    }
    zero_line(f, &fr);
    /* The central line, in runs of finite values. */
    for (size_t v = 0; v < nv;) {
        if (!isfinite(plotted(g, v, MRV_RES_REDUCTIONS)->central)) {
            v++;
            continue;
        }
        size_t end = v;
        while (end + 1 < nv &&
               isfinite(plotted(g, end + 1, MRV_RES_REDUCTIONS)->central))
            end++;
        if (end > v) {
            fputs("<polyline class=\"central\" points=\"", f);
            for (size_t k = v; k <= end; k++)
                fprintf(f, "%.1f,%.1f%s", fx(&fr, k),
                        fy(&fr, plotted(g, k, MRV_RES_REDUCTIONS)->central),
                        k < end ? " " : "");
            fputs("\"/>\n", f);
        }
        v = end + 1;
    }
    for (size_t v = 0; v < nv; v++) {
        const mrv_stat *s = plotted(g, v, MRV_RES_REDUCTIONS);
        if (!isfinite(s->central)) continue;
        bool part = g->b->frac[v] < 1;
        const char *col = s->central < 0 ? C_NEG : C_LINE;
        fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%s\" fill=\"%s\"",
                fx(&fr, v), fy(&fr, s->central), nv > 40 ? "2.5" : "3.5",
                part ? "#fff" : col);
        if (part) fprintf(f, " stroke=\"%s\" stroke-width=\"1.5\"", col);
        fputs("><title>", f);
        char a[48], b1[48], c[48];
        vintage_label(f, g, v);
        fprintf(f, ": %s ", mrv_fmt_num(s->central, g->dec, a, sizeof a));
        esc(f, g->unit);
        if (g->mc)
            fprintf(f, "; %s %% interval %s to %s", g->conf,
                    mrv_fmt_num(s->lower, g->dec, b1, sizeof b1),
                    mrv_fmt_num(s->upper, g->dec, c, sizeof c));
        fputs("</title></circle>\n", f);
    }
    fputs("</svg>\n<figcaption>\n<ul class=\"legend\">\n", f);
    legend_item(f, "line", C_LINE,
                "central estimate (every input at its value)");
    if (g->mc) {
        char d[48], text[200];
        snprintf(text, sizeof text, "%s %% interval of %s Monte Carlo draws",
                 g->conf, mrv_fmt_num((double)g->run->draws, 0, d, sizeof d));
        legend_item(f, "box", C_BAND, text);
    }
    if (neg) legend_item(f, "dot", C_NEG, "below zero");
    if (g->partial) legend_item(f, "hollow", C_LINE, "partial vintage (*)");
    fputs("</ul>\n", f);
    if (!g->mc)
        fputs("<p class=\"note\">Central case only: the run had no Monte "
              "Carlo draws, so there is no uncertainty band.</p>\n",
              f);
    fputs("</figcaption>\n</figure>\n", f);
}

/* Colours of the ledger columns: deductions in greys (a share to the host
** in a light tint of the host's blue), host blue, buyer orange. */
#define C_HOST     "#4a7fb0"
#define C_HOST_DED "#a8c6e0"
#define C_BUYER    "#e0833a"

static const char *col_color(const mrv_agreement *a, size_t c, size_t *grey)
{
    static const char *const greys[] = {"#7a7a7a", "#b0b0b0", "#5a5a5a",
                                        "#d0d0d0"};
    if (c == a->nded) return C_HOST;
    if (c == a->nded + 1) return C_BUYER;
    if (a->ded[c].to_host) return C_HOST_DED;
    return greys[(*grey)++ % (sizeof greys / sizeof *greys)];
}

/* Issued units per vintage as stacked bars, in ledger column order from
** the bottom (unit-moving deductions, host, buyer); a levy paid in value
** moves no units and is not drawn. */
static void chart_allocation(FILE *f, const page *g)
{
    const mrv_ledger *l = g->l;
    const mrv_agreement *a = &l->agr;
    size_t nc = MRV_LEDGER_NCOLS(a), nv = l->nvint;
    const char *colors[MRV_LEDGER_MAX_DEDUCTIONS + 2];
    size_t grey = 0;
    for (size_t c = 0; c < nc; c++)
        colors[c] =
            c < a->nded && !a->ded[c].units ? NULL : col_color(a, c, &grey);
    double hi = 0;
    for (size_t v = 0; v < nv; v++) {
        int64_t sum = 0;
        for (size_t c = 0; c < nc; c++)
            if (c >= a->nded || a->ded[c].units) sum += l->cells[v * nc + c];
        hi = fmax(hi, (double)sum);
    }
    frame fr;
    frame_set(&fr, 0, hi, nv);
    mrv_ledger_outcome o = mrv_ledger_outcome_of(l);
    fputs("<figure class=\"chart\">\n", f);
    svg_open(f, "Issued units per vintage by destination");
    y_axis(f, &fr, "units (tCO2e)");
    x_axis(f, &fr, g);
    double bw = slot_w(&fr) * 0.64;
    for (size_t v = 0; v < nv; v++) {
        const int64_t *row = l->cells + v * nc;
        double base = 0, x = fx(&fr, v) - bw / 2;
        fputs("<g>", f);
        for (size_t c = 0; c < nc; c++) {
            if ((c < a->nded && !a->ded[c].units) || row[c] <= 0) continue;
            double top = base + (double)row[c];
            fprintf(f,
                    "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                    "height=\"%.1f\" fill=\"%s\"/>",
                    x, fy(&fr, top), bw, fy(&fr, base) - fy(&fr, top),
                    colors[c]);
            base = top;
        }
        if (l->issued[v] == 0)
            fprintf(f,
                    "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
                    "class=\"small\">0</text>",
                    fx(&fr, v), fy(&fr, 0) - 4);
        /* The whole bar's numbers, for a pointer hovering over it. */
        fprintf(f,
                "<rect class=\"hit\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                "height=\"%.1f\"><title>",
                x, fr.top, bw, fr.bottom - fr.top);
        vintage_label(f, g, v);
        fputs(": issued ", f);
        tonnes_int(f, l->issued[v]);
        for (size_t c = 0; c < nc; c++) {
            fputs(c ? "; " : " (", f);
            esc(f, c < a->nded    ? a->ded[c].name
                   : c == a->nded ? a->host
                                  : a->buyer);
            fputc(' ', f);
            tonnes_int(f, row[c]);
        }
        fputs(")</title></rect></g>\n", f);
    }
    zero_line(f, &fr);
    if (a->split == MRV_SPLIT_BUYER_VOLUME && o.volume_done >= l->first) {
        /* Marks the vintage in which the buyer's volume is complete. */
        size_t v = (size_t)(o.volume_done - l->first);
        double x = fx(&fr, v), y = fy(&fr, (double)l->issued[v]) - 6;
        bool right = x > (fr.left + fr.right) / 2;
        fprintf(f,
                "<path class=\"mark\" d=\"M%.1f %.1fl-5 -8h10z\"/>"
                "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" "
                "class=\"mark\">",
                x, y, right ? x - 8 : x + 8, y - 2, right ? "end" : "start");
        esc(f, a->buyer);
        fputs("&#8217;s ", f);
        tonnes_int(f, a->volume);
        fputs(" t complete</text>\n", f);
    }
    fputs("</svg>\n<figcaption>\n<ul class=\"legend\">\n", f);
    for (size_t c = 0; c < nc; c++) {
        char text[200], r[40];
        if (c < a->nded) {
            const mrv_deduction *d = &a->ded[c];
            if (!d->units) continue;
            snprintf(text, sizeof text, "%s (%s) to %s", d->name,
                     rate_pct(d->rate, r, sizeof r),
                     d->to_host ? a->host : d->to);
        } else {
            snprintf(text, sizeof text, "%s (%s)",
                     c == a->nded ? a->host : a->buyer,
                     c == a->nded ? "host" : "buyer");
        }
        legend_item(f, "box", colors[c], text);
    }
    fputs("</ul>\n</figcaption>\n</figure>\n", f);
}

/* ---- line charts ------------------------------------------------------- */

/* One line of a chart over the vintages: y[v] for v < nvint, NaN breaks
** it. */
typedef struct series {
    const double *y;
    const char *color;
    const char *label;
    bool dashed;
} series;

/* Lines over the vintages with points, an optional band [lo, hi] under
** them and an optional level (a contracted volume) across the plot. */
typedef struct lines {
    const char *aria, *unit;
    size_t ns;
    series s[4];
    const double *lo, *hi; /* band, or NULL */
    const char *band_label;
    double level; /* NaN: none */
    const char *level_label;
} lines;

static void polyline(FILE *f, const frame *fr, const double *y, size_t nv,
                     const char *color, bool dashed)
{
    for (size_t v = 0; v < nv;) {
        if (!isfinite(y[v])) {
            v++;
            continue;
        }
        size_t end = v;
        while (end + 1 < nv && isfinite(y[end + 1])) end++;
        if (end > v) {
            fprintf(
                f,
                "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s "
                "points=\"",
                color, dashed ? " stroke-dasharray=\"6 4\"" : "");
            for (size_t k = v; k <= end; k++)
                fprintf(f, "%.1f,%.1f%s", fx(fr, k), fy(fr, y[k]),
                        k < end ? " " : "");
            fputs("\"/>\n", f);
        }
        v = end + 1;
    }
}

static void chart_lines(FILE *f, const page *g, const lines *c)
{
    size_t nv = g->run->nvint;
    double lo = 0, hi = 0;
    for (size_t k = 0; k < c->ns; k++)
        for (size_t v = 0; v < nv; v++)
            if (isfinite(c->s[k].y[v])) {
                lo = fmin(lo, c->s[k].y[v]);
                hi = fmax(hi, c->s[k].y[v]);
            }
    for (size_t v = 0; c->lo && v < nv; v++)
        if (isfinite(c->lo[v]) && isfinite(c->hi[v])) {
            lo = fmin(lo, c->lo[v]);
            hi = fmax(hi, c->hi[v]);
        }
    if (isfinite(c->level)) hi = fmax(hi, c->level * 1.08);
    frame fr;
    frame_set(&fr, lo, hi, nv);
    fputs("<figure class=\"chart\">\n", f);
    svg_open(f, c->aria);
    y_axis(f, &fr, c->unit);
    x_axis(f, &fr, g);
    if (c->lo) {
        fputs("<polygon class=\"band\" points=\"", f);
        bool any = false;
        for (size_t v = 0; v < nv; v++)
            if (isfinite(c->hi[v])) {
                fprintf(f, "%s%.1f,%.1f", any ? " " : "", fx(&fr, v),
                        fy(&fr, c->hi[v]));
                any = true;
            }
        for (size_t v = nv; v-- > 0;)
            if (isfinite(c->lo[v]))
                fprintf(f, " %.1f,%.1f", fx(&fr, v), fy(&fr, c->lo[v]));
        fputs("\"/>\n", f);
    }
    zero_line(f, &fr);
    if (isfinite(c->level)) {
        double y = fy(&fr, c->level);
        fprintf(f,
                "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                "stroke=\"#333\" stroke-dasharray=\"3 3\"/>"
                "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" "
                "class=\"mark\">",
                fr.left, y, fr.right, y, fr.right - 4, y - 5);
        esc(f, c->level_label);
        fputs("</text>\n", f);
    }
    for (size_t k = 0; k < c->ns; k++) {
        polyline(f, &fr, c->s[k].y, nv, c->s[k].color, c->s[k].dashed);
        for (size_t v = 0; v < nv; v++) {
            if (!isfinite(c->s[k].y[v])) continue;
            char a[48];
            fprintf(f,
                    "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%s\" fill=\"%s\">"
                    "<title>",
                    fx(&fr, v), fy(&fr, c->s[k].y[v]), nv > 40 ? "2" : "3",
                    c->s[k].color);
            esc(f, c->s[k].label);
            fputc(' ', f);
            vintage_label(f, g, v);
            fprintf(f, ": %s</title></circle>\n",
                    mrv_fmt_num(c->s[k].y[v], g->dec, a, sizeof a));
        }
    }
    fputs("</svg>\n<figcaption>\n<ul class=\"legend\">\n", f);
    for (size_t k = 0; k < c->ns; k++)
        legend_item(f, "line", c->s[k].color, c->s[k].label);
    if (c->lo) legend_item(f, "box", C_BAND, c->band_label);
    fputs("</ul>\n</figcaption>\n</figure>\n", f);
}

/* The central value of result r per vintage. */
static double *central_of(const page *g, int r)
{
    double *y = malloc((g->run->nvint + 1) * sizeof *y);
    for (size_t v = 0; y && v < g->run->nvint; v++)
        y[v] = plotted(g, v, r)->central;
    return y;
}

/* Baseline against project emissions (and leakage when there is any):
** what the reductions are the difference of. */
static void section_emissions(FILE *f, const page *g)
{
    double *be = central_of(g, MRV_RES_BASELINE);
    double *pe = central_of(g, MRV_RES_PROJECT);
    double *le = central_of(g, MRV_RES_LEAKAGE);
    if (be && pe && le) {
        bool leak = false;
        for (size_t v = 0; v < g->run->nvint; v++)
            leak |= isfinite(le[v]) && le[v] != 0;
        lines c = {0};
        c.aria = g->m->removals ? "Baseline and actual removals per vintage"
                                : "Baseline and project emissions per vintage";
        c.unit = g->unit;
        c.s[c.ns++] = (series){be, "#7a7a7a", result_label(g, 0), false};
        c.s[c.ns++] = (series){pe, C_LINE, result_label(g, 1), false};
        if (leak) c.s[c.ns++] = (series){le, C_NEG, "Leakage", true};
        c.level = (double)NAN;
        fputs("<section>\n<h2>", f);
        esc(f, c.aria);
        fputs("</h2>\n<p class=\"note\">Central estimates. ", f);
        esc(f, result_label(g, MRV_RES_REDUCTIONS));
        fputs(g->m->removals
                  ? " are actual removals less the baseline's and leakage."
                  : " are baseline less project emissions and leakage.",
              f);
        fputs("</p>\n", f);
        chart_lines(f, g, &c);
        fputs("</section>\n", f);
    }
    free(be);
    free(pe);
    free(le);
}

/* For removals: the carbon stock the project adds, as cumulative net
** removals, with the band of the cumulative sums draw by draw. */
static void section_stock(FILE *f, const page *g)
{
    const mrv_run *run = g->run;
    size_t nv = run->nvint;
    double *cum = malloc((nv + 1) * sizeof *cum);
    double *lo = g->mc ? malloc((nv + 1) * sizeof *lo) : NULL;
    double *hi = g->mc ? malloc((nv + 1) * sizeof *hi) : NULL;
    /* The Monte Carlo summarises the stock draw by draw (cum_stats). */
    bool band = g->mc && run->cum_stats && lo && hi;
    if (cum) {
        double sum = 0;
        for (size_t v = 0; v < nv; v++) {
            sum += stat_at(g, v, MRV_RES_REDUCTIONS)->central;
            cum[v] = sum;
            if (!band) continue;
            lo[v] = run->cum_stats[v].lower;
            hi[v] = run->cum_stats[v].upper;
        }
        lines c = {0};
        c.aria = "Cumulative net removals: the carbon stock the project adds";
        c.unit = "tCO2e";
        c.s[c.ns++] = (series){cum, "#2e7d32",
                               "cumulative net removals "
                               "(central)",
                               false};
        char bl[96];
        snprintf(bl, sizeof bl, "%s %% interval, summed draw by draw", g->conf);
        if (band) {
            c.lo = lo;
            c.hi = hi;
            c.band_label = bl;
        }
        c.level = (double)NAN;
        fputs("<section>\n<h2>Cumulative carbon stock</h2>\n<p class=\"note\">"
              "Net removals added up vintage by vintage: the carbon the "
              "project has stored, net of its baseline and leakage, by the "
              "end of each vintage.</p>\n",
              f);
        chart_lines(f, g, &c);
        fputs("</section>\n", f);
    }
    free(cum);
    free(lo);
    free(hi);
}

/* The buyer's cumulative delivery in the ledger against its contracted
** volume, and per vintage how often the draws keep to it. */
static void section_delivery(FILE *f, const page *g)
{
    const mrv_ledger *l = g->l;
    const mrv_agreement *a = &l->agr;
    size_t nc = MRV_LEDGER_NCOLS(a), nv = l->nvint;
    double *cum = malloc((nv + 1) * sizeof *cum);
    if (!cum) return;
    int64_t sum = 0;
    for (size_t v = 0; v < nv; v++) {
        sum += l->cells[v * nc + a->nded + 1];
        cum[v] = (double)sum;
    }
    bool vol = a->split == MRV_SPLIT_BUYER_VOLUME;
    char lab[160], lv[160], t[48];
    snprintf(lab, sizeof lab, "units to %s so far", a->buyer);
    snprintf(lv, sizeof lv, "contracted %s t",
             mrv_fmt_num((double)a->volume, 0, t, sizeof t));
    lines c = {0};
    c.aria = "The buyer's cumulative delivery against its contracted volume";
    c.unit = "units (tCO2e)";
    c.s[c.ns++] = (series){cum, C_BUYER, lab, false};
    c.level = vol ? (double)a->volume : (double)NAN;
    c.level_label = lv;
    fputs("<section>\n<h2>Delivery to ", f);
    esc(f, a->buyer);
    fputs("</h2>\n<p class=\"note\">Cumulative units to the buyer in the "
          "ledger (the central case)",
          f);
    if (vol) fputs(" against its contracted volume", f);
    fputs(".", f);
    if (l->has_mc && l->mc.p_schedule)
        fputs(" With the agreement run on every draw, the table gives per "
              "vintage the share of draws in which the buyer has at least "
              "the units the ledger gives it by then (on schedule)",
              f);
    if (l->has_mc && l->mc.p_complete)
        fputs(" and its whole volume (complete)", f);
    fputs(l->has_mc ? ".</p>\n" : "</p>\n", f);
    chart_lines(f, g, &c);
    if (l->has_mc && l->mc.p_schedule) {
        fputs("<div class=\"scroll\">\n<table id=\"delivery\">\n<thead><tr>"
              "<th>Vintage</th><th>So far<span class=\"u\">units</span></th>"
              "<th>On schedule<span class=\"u\">% of draws</span></th>",
              f);
        if (l->mc.p_complete)
            fputs("<th>Complete<span class=\"u\">% of draws</span></th>", f);
        fputs("</tr></thead>\n<tbody>\n", f);
        for (size_t v = 0; v < nv; v++) {
            char x[48], q[48];
            fputs("<tr><td>", f);
            vintage_label(f, g, v);
            fprintf(f, "</td><td>%s</td><td>%s</td>",
                    mrv_fmt_num(cum[v], 0, x, sizeof x),
                    prob(l->mc.p_schedule[v], q, sizeof q));
            if (l->mc.p_complete)
                fprintf(f, "<td>%s</td>",
                        prob(l->mc.p_complete[v], q, sizeof q));
            fputs("</tr>\n", f);
        }
        fputs("</tbody>\n</table>\n</div>\n", f);
    }
    fputs("</section>\n", f);
    free(cum);
}

/* The sweep: what the buyer receives and the host keeps over the first
** key's values, one line per value of the second key in a grid. */
static void section_sweep(FILE *f, const page *g)
{
    const mrv_sweep *s = g->run->sweep;
    const mrv_agreement *a = &g->l->agr;
    size_t n0 = s->axis[0].n, n1 = s->naxes > 1 ? s->axis[1].n : 1;
    size_t nc = s->ncols;
    double hi = 0;
    for (size_t j = 0; j < s->n; j++)
        for (size_t c = 1; c < nc; c++)
            hi = fmax(hi, (double)s->totals[j * nc + c]);
    frame fr;
    frame_set(&fr, 0, hi, n0);
    fputs("<section>\n<h2>Sweep of the agreement</h2>\n<p class=\"note\">"
          "Crediting-period totals for each value of <code>",
          f);
    esc(f, s->axis[0].key);
    fputs("</code>", f);
    if (s->naxes > 1) {
        fputs(", one line per value of <code>", f);
        esc(f, s->axis[1].key);
        fputs("</code>", f);
    }
    fputs("; every number is in <code>sweep.csv</code>.</p>\n"
          "<figure class=\"chart\">\n",
          f);
    svg_open(f, "Sweep of the agreement: units to the buyer and the host");
    y_axis(f, &fr, "units (tCO2e)");
    /* x: the first key's values, every one labelled when there is room. */
    int every = 1;
    while (slot_w(&fr) * every < 48) every++;
    fputs("<g class=\"xaxis\">\n", f);
    for (size_t i = 0; i < n0; i++) {
        char x[48];
        if (i % (size_t)every) continue;
        fprintf(
            f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n",
            fx(&fr, i), fr.bottom + 18,
            mrv_dec_format(s->axis[0].values[i], x, sizeof x));
    }
    fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">",
            (fr.left + fr.right) / 2, CH_H - 4);
    esc(f, s->axis[0].key);
    fputs("</text>\n</g>\n", f);
    static const char *const shades[2][4] = {
        {C_BUYER, "#f0b27a", "#a6501a", "#f6d2b0"},
        {C_HOST, "#8fb4d6", "#24527d", "#c4d9ec"}};
    double *y = malloc(n0 * sizeof *y);
    for (size_t k = 0; y && k < n1; k++)
        for (int who = 0; who < 2; who++) {
            for (size_t i = 0; i < n0; i++) {
                const int64_t *t = s->totals + (i * n1 + k) * nc;
                int64_t host = t[1 + a->nded];
                for (size_t j = 0; j < a->nded; j++)
                    if (a->ded[j].units && a->ded[j].to_host) host += t[1 + j];
                y[i] = who == 0 ? (double)t[2 + a->nded] : (double)host;
            }
            polyline(f, &fr, y, n0, shades[who][k % 4], who == 1);
            for (size_t i = 0; i < n0; i++)
                fprintf(f,
                        "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" "
                        "fill=\"%s\"/>",
                        fx(&fr, i), fy(&fr, y[i]), shades[who][k % 4]);
            fputc('\n', f);
        }
    free(y);
    zero_line(f, &fr);
    fputs("</svg>\n<figcaption>\n<ul class=\"legend\">\n", f);
    for (size_t k = 0; k < n1; k++)
        for (int who = 0; who < 2; who++) {
            char text[200], x[48];
            int o =
                snprintf(text, sizeof text, "%s %s", who ? a->host : a->buyer,
                         who ? "keeps (dashed)" : "receives");
            if (s->naxes > 1 && o > 0 && (size_t)o < sizeof text)
                snprintf(text + o, sizeof text - (size_t)o, ", %s = %s",
                         s->axis[1].key,
                         mrv_dec_format(s->axis[1].values[k], x, sizeof x));
            legend_item(f, "line", shades[who][k % 4], text);
        }
    fputs("</ul>\n</figcaption>\n</figure>\n</section>\n", f);
}

/* The tornado: its own narrow drawing (not CH_W wide), so that on a 390
** px phone its labels shrink by less than a tenth. */
#define TN_W    400.0
#define TN_ROW  46.0 /* a name above its bar */
#define TN_TOP  6.0
#define TN_AXIS 24.0
#define TN_MAX  8  /* inputs drawn; sensitivity.csv has them all */
#define TN_NAME 40 /* bytes of a name drawn; the full name in its title */
#define C_FALLS "#d6604d"

/* A share of the variance as the tornado prints it: "43.2 %". */
static char *share_text(double x, char *buf, size_t n)
{
    if (isfinite(x))
        snprintf(buf, n, "%.1f %%", x * 100);
    else
        snprintf(buf, n, "n/a");
    return buf;
}

/* An input's name for the drawing: cut to TN_NAME bytes at a UTF-8
** boundary, with an ellipsis. */
static void tornado_name(FILE *f, const char *name)
{
    size_t n = strlen(name);
    if (n <= TN_NAME) {
        esc(f, name);
        return;
    }
    size_t k = TN_NAME - 1;
    while (k > 0 && ((unsigned char)name[k] & 0xC0) == 0x80) k--;
    char buf[TN_NAME + 1];
    memcpy(buf, name, k);
    buf[k] = '\0';
    esc(f, buf);
    fputs("&#8230;", f);
}

/* One tornado for result r's crediting-period total: a bar per input,
** largest share of the variance first, its length the share, to the right
** when the result rises with the input (rank correlation >= 0) and to the
** left when it falls. */
static void tornado(FILE *f, const page *g, int r)
{
    const mrv_sensitivity *s = g->run->sens;
    size_t col = g->run->nvint * MRV_NRESULTS + (size_t)r;
    size_t n = s->count[col] < TN_MAX ? s->count[col] : TN_MAX;
    const mrv_sens_row *rows = &s->rows[s->first[col]];
    /* The scale: the largest share up to the next tenth (the rows come
    ** largest first). */
    double top = ceil(rows[0].variance_share * 10 - 1e-9) / 10;
    if (!(top >= 0.1)) top = 0.1;
    if (top > 1) top = 1;
    double mid = TN_W / 2, half = TN_W / 2 - 8;
    double h = TN_TOP + (double)n * TN_ROW + TN_AXIS;
    char label[200], a[24], b[24];
    fprintf(f, "<h3>%s (total)</h3>\n<figure class=\"chart tornado\">\n",
            result_label(g, r));
    snprintf(label, sizeof label,
             "%s (total): each input's share of the variance, right when "
             "the result rises with it, left when it falls",
             result_label(g, r));
    fprintf(f, "<svg viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\"",
            TN_W, h);
    esc(f, label);
    fputs("\" xmlns=\"http://www.w3.org/2000/svg\">\n", f);
    fprintf(f,
            "<g class=\"grid\"><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
            "y2=\"%.1f\"/></g>\n",
            mid, TN_TOP, mid, h - TN_AXIS + 4);
    for (size_t j = 0; j < n; j++) {
        const mrv_sens_row *row = &rows[j];
        const char *name = s->inputs[row->input];
        double y = TN_TOP + (double)j * TN_ROW;
        double w = isfinite(row->variance_share)
                       ? half * row->variance_share / top
                       : 0;
        bool falls = row->rank_correlation < 0;
        fprintf(f, "<g class=\"input\"><title>");
        esc(f, name);
        fprintf(f, ": %s of the variance, rank correlation %+.2f</title>",
                share_text(row->variance_share, a, sizeof a),
                row->rank_correlation);
        fprintf(f, "<text x=\"8\" y=\"%.1f\">", y + 15);
        tornado_name(f, name);
        fprintf(f,
                "</text><text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s"
                ", &#961; %+.2f</text>",
                TN_W - 8, y + 15, a, row->rank_correlation);
        fprintf(f,
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"16\" "
                "fill=\"%s\"/></g>\n",
                falls ? mid - w : mid, y + 22, w < 0.5 ? 0.5 : w,
                falls ? C_FALLS : C_LINE);
    }
    fprintf(f,
            "<g class=\"xaxis\"><text x=\"8\" y=\"%.1f\">&#8592; %s</text>"
            "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">0</text>"
            "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s &#8594;"
            "</text></g>\n</svg>\n",
            h - 6, share_text(top, a, sizeof a), mid, h - 6, TN_W - 8, h - 6,
            share_text(top, b, sizeof b));
    fputs("<figcaption>\n<ul class=\"legend\">\n", f);
    legend_item(f, "box", C_LINE, "rises with the input");
    legend_item(f, "box", C_FALLS, "falls as the input rises");
    fputs("</ul>\n</figcaption>\n</figure>\n", f);
}

/* Which inputs drive the uncertainty (sensitivity.csv, report.json's
** 'sensitivity'): a tornado per result's crediting-period total, the
** result a working group reads first (reductions) first. */
static void section_sensitivity(FILE *f, const page *g)
{
    const mrv_sensitivity *s = g->run->sens;
    if (!g->mc || !s) return;
    fputs("<section>\n<h2>Which inputs drive the uncertainty</h2>\n", f);
    if (!s->draws) {
        fputs("<p class=\"note\" id=\"sensitivity-skipped\">Not estimated: ",
              f);
        esc(f, s->skipped ? s->skipped : "no draws");
        fputs(".</p>\n</section>\n", f);
        return;
    }
    char nd[40];
    fprintf(f,
            "<p>Each uncertain input's share of the variance of a result "
            "(its first-order index: how much of the spread would go if the "
            "input were known exactly) and the sign of its rank correlation "
            "with the result, estimated from the first %s draws. Shares "
            "need not add up to 100 %%: the rest comes from inputs acting "
            "together. The largest %d per result are drawn; "
            "<code>sensitivity.csv</code> lists every input, per vintage "
            "too. Measuring the inputs at the top better narrows the "
            "interval most.</p>\n",
            mrv_fmt_num((double)s->draws, 0, nd, sizeof nd), TN_MAX);
    static const int order[MRV_NRESULTS] = {
        MRV_RES_REDUCTIONS, MRV_RES_BASELINE, MRV_RES_PROJECT, MRV_RES_LEAKAGE};
    bool any = false;
    for (int k = 0; k < MRV_NRESULTS; k++) {
        size_t col = g->run->nvint * MRV_NRESULTS + (size_t)order[k];
        if (col >= s->ncols || !s->count[col]) continue;
        tornado(f, g, order[k]);
        any = true;
    }
    if (!any)
        fputs("<p class=\"note\">No uncertain input moves any result.</p>\n",
              f);
    fputs("</section>\n", f);
}

/* The rules the methodology imposes and the project's answer to each
** (docs/formats.md, "Rules"), with how many inputs are assumptions: what
** a validator checks first.  Nothing for a methodology without rules. */
static void section_rules(FILE *f, const page *g)
{
    const mrv_methodology *m = g->m;
    if (!m->nrules) return;
    mrv_inputs in;
    if (mrv_inputs_list(g->b, &in) != MRV_OK) return;
    size_t nasm = 0;
    for (size_t i = 0; i < in.n; i++) nasm += in.rows[i].assumed;
    fputs("<section>\n<h2>Rules of the methodology</h2>\n<ul id=\"rules\">\n",
          f);
    for (size_t i = 0; i < m->nrules; i++) {
        const mrv_meth_rule *r = &m->rules[i];
        fputs("<li><strong>", f);
        esc(f, r->name);
        fputs("</strong>: ", f);
        esc(f, r->text);
        if (r->source) {
            fputs(" <span class=\"u\">", f);
            esc(f, r->source);
            fputs("</span>", f);
        }
        if (r->choice >= 0 && (size_t)r->choice < in.n) {
            const mrv_input_row *a = &in.rows[r->choice];
            fputs("<br>This project: <code>", f);
            esc(f, a->name);
            fputs(" = ", f);
            esc(f, a->value);
            fputs("</code>", f);
            if (strcmp(a->origin, "default") == 0)
                fputs(" (the methodology's default)", f);
            const char *why = a->assumption ? a->assumption : a->source;
            if (why) {
                fputs(a->assumption ? ", an assumption: " : ": ", f);
                esc(f, why);
            }
        }
        fputs("</li>\n", f);
    }
    fprintf(f,
            "</ul>\n<p class=\"note\">%zu of the %zu inputs are "
            "assumptions; the Inputs table below gives each one's source "
            "or assumption.</p>\n</section>\n",
            nasm, in.n);
    mrv_inputs_free(&in);
}

/* Every parameter as written, its source, and whether it is sourced or
** an assumption (inputs.h). */
static void section_inputs(FILE *f, const page *g)
{
    mrv_inputs in;
    if (mrv_inputs_list(g->b, &in) != MRV_OK) return;
    size_t nasm = 0;
    for (size_t i = 0; i < in.n; i++) nasm += in.rows[i].assumed;
    fprintf(f,
            "<section>\n<h2>Inputs</h2>\n<p class=\"note\">Every parameter "
            "as written, where (file:line), its uncertainty and its source. "
            "A value is <span class=\"tag src\">sourced</span> when it names "
            "a source (its own <code>source:</code>, a factor-table entry's, "
            "or the methodology's for a default) and an <span class=\"tag "
            "asm\">assumption</span> when it says <code>assumption:</code> "
            "or names none: %zu of %zu here.  Factor-table sources tagged "
            "[recalled] are still to be checked against the text.</p>\n"
            "<div class=\"scroll\">\n<table id=\"inputs\">\n<thead><tr>"
            "<th class=\"l\">Parameter</th><th class=\"l\">Value as written"
            "</th><th class=\"l\">Unit</th><th class=\"l\">Uncertainty</th>"
            "<th class=\"l\">Where</th><th class=\"l\">Source</th></tr>"
            "</thead>\n<tbody>\n",
            nasm, in.n);
    for (size_t i = 0; i < in.n; i++) {
        const mrv_input_row *r = &in.rows[i];
        fputs("<tr><td class=\"l\"><code>", f);
        esc(f, r->name);
        fputs("</code></td><td class=\"l w\">", f);
        esc(f, r->value);
        if (strcmp(r->origin, "default") == 0)
            fputs(" <span class=\"u\">methodology default</span>", f);
        fputs("</td><td class=\"l\">", f);
        esc(f, r->unit);
        fputs("</td><td class=\"l w\">", f);
        esc(f, *r->uncertainty ? r->uncertainty : "certain");
        fputs("</td><td class=\"l\"><code>", f);
        esc(f, r->pos.file ? r->pos.file : "");
        fprintf(f, ":%u</code></td><td class=\"l w\">", r->pos.line);
        fputs(r->assumed ? "<span class=\"tag asm\">assumption</span> "
                         : "<span class=\"tag src\">sourced</span> ",
              f);
        if (r->assumption) esc(f, r->assumption);
        if (r->assumption && r->source) fputs("; ", f);
        if (r->source) esc(f, r->source);
        fputs("</td></tr>\n", f);
    }
    fputs("</tbody>\n</table>\n</div>\n</section>\n", f);
    mrv_inputs_free(&in);
}

/* ---- sections ---------------------------------------------------------- */

static const char *basis_text(mrv_basis b)
{
    switch (b) {
    case MRV_BASIS_CENTRAL:
        return "the central estimate";
    case MRV_BASIS_MEAN:
        return "the mean of the draws";
    case MRV_BASIS_LOWER:
        return "the lower bound of the interval";
    }
    return "?";
}

static const char *rule_text(mrv_rule r)
{
    switch (r) {
    case MRV_RULE_NONE:
        return "none";
    case MRV_RULE_AR_TOOL14:
        return "AR-TOOL14 uncertainty discount";
    case MRV_RULE_LOWER_BOUND:
        return "one-sided lower bound";
    case MRV_RULE_ART_TREES:
        return "ART TREES uncertainty deduction";
    case MRV_RULE_FCPF:
        return "FCPF uncertainty set-aside";
    }
    return "?";
}

static void head(FILE *f, const page *g)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
          "<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, "
          "initial-scale=1\">\n<title>",
          f);
    esc(f, g->p->title ? g->p->title : g->p->id);
    fputs(" &#8212; mrv report</title>\n<style>\n"
          "body{font:15px/1.5 system-ui,-apple-system,\"Segoe UI\",Roboto,"
          "\"Noto Sans\",Arial,sans-serif;color:#1a1a1a;background:#fff;"
          "max-width:62rem;margin:0 auto;padding:1rem 1.25rem 3rem}\n"
          "h1{font-size:1.55rem;line-height:1.25;margin:.6rem 0 .2rem}\n"
          "h2{font-size:1.15rem;margin:2.2rem 0 .6rem;padding-bottom:.2rem;"
          "border-bottom:1px solid #bbb}\n"
          "h3{font-size:1rem;margin:1.2rem 0 .4rem}\n"
          "p{margin:.5rem 0}\n"
          ".sub{color:#555;margin:0}\n"
          "dl.facts{display:grid;grid-template-columns:max-content 1fr;"
          "gap:.3rem 1.2rem;margin:1rem 0}\n"
          "dl.facts dt{color:#555}\ndl.facts dd{margin:0}\n"
          ".headline{border-left:4px solid " C_LINE ";background:#f2f5f8;"
          "padding:.6rem .9rem;margin:1rem 0}\n"
          ".headline p{margin:.2rem 0}\n"
          ".headline ul{margin:.2rem 0;padding-left:1.2rem}\n"
          ".warn{border-left:4px solid #b35806;background:#fdf3e7;"
          "padding:.5rem .9rem;margin:.6rem 0}\n"
          ".tag{font-size:.8em;padding:0 .35em;border-radius:3px;"
          "white-space:nowrap}\n"
          ".tag.src{background:#e3efe3;color:#1d5a1d}\n"
          ".tag.asm{background:#fbe9d0;color:#7a4100}\n"
          "td.w{white-space:normal;min-width:8rem}\n"
          ".scroll{overflow-x:auto}\n"
          "table{border-collapse:collapse;font-variant-numeric:tabular-nums;"
          "margin:.4rem 0;font-size:.92rem}\n"
          "th,td{padding:.25rem .55rem;text-align:right;white-space:nowrap;"
          "border-bottom:1px solid #e4e4e4}\n"
          "th{font-weight:600;vertical-align:bottom;"
          "border-bottom:1px solid #888}\n"
          "th:first-child,td:first-child{text-align:left}\n"
          "td.l,th.l{text-align:left;white-space:normal}\n"
          "td.nm{text-align:left;white-space:normal;color:#666;font-style:"
          "italic}\n"
          "tr.total td{font-weight:600;border-top:1px solid #888}\n"
          ".u{display:block;font-weight:400;color:#666;font-size:.85em}\n"
          ".note{color:#555;font-size:.9rem}\n"
          "code,.hash{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"
          "monospace;font-size:.86em}\n"
          ".hash{word-break:break-all;white-space:normal}\n"
          "figure{margin:.6rem 0 1rem}\n"
          /* Charts shrink with the page, never scroll: on a 390 px
          ** phone the whole drawing, markers and labels, stays in view. */
          ".chart>svg{display:block;width:100%;max-width:48rem;height:auto}\n"
          ".chart.tornado>svg{max-width:30rem}\n"
          ".chart text{font-size:14px;fill:#333}\n"
          ".chart text.unit{font-weight:600}\n"
          ".chart text.small{font-size:10px;fill:#777}\n"
          ".grid line{stroke:#e6e6e6}\n.xaxis line{stroke:#999}\n"
          ".zero{stroke:#333;stroke-width:1.2}\n"
          ".band{fill:" C_BAND ";stroke:none}\n"
          ".central{fill:none;stroke:" C_LINE ";stroke-width:2}\n"
          ".hit{fill:transparent}\n"
          "path.mark{fill:#333}\ntext.mark{font-weight:600}\n"
          ".legend{list-style:none;padding:0;margin:.4rem 0;display:flex;"
          "flex-wrap:wrap;gap:.25rem 1.3rem;font-size:.9rem}\n"
          ".legend svg{vertical-align:-1px;margin-right:.4rem}\n"
          "ul.files{padding-left:1.2rem}\n"
          "@media (max-width:36rem){body{padding:.75rem}"
          "dl.facts{grid-template-columns:1fr;gap:0}"
          "dl.facts dd{margin-bottom:.45rem}}\n"
          /* On paper nothing scrolls: tables get smaller instead, and a
          ** section stays on one page when it fits. */
          "@media print{body{max-width:none;padding:0;font-size:10pt}"
          ".scroll{overflow:visible}"
          "table{font-size:8pt}th,td{padding:.12rem .35rem}"
          "section,figure,tr{break-inside:avoid}h2,h3{break-after:avoid}"
          ".headline{-webkit-print-color-adjust:exact;"
          "print-color-adjust:exact}}\n"
          "</style>\n</head>\n<body>\n",
          f);
}

static void headline(FILE *f, const page *g);

static void facts(FILE *f, const page *g)
{
    const mrv_project *p = g->p;
    const mrv_methodology *m = g->m;
    const mrv_run *run = g->run;
    fputs("<header>\n<h1>", f);
    esc(f, p->title ? p->title : p->id);
    fputs("</h1>\n<p class=\"sub\">Project <code>", f);
    esc(f, p->id);
    fputs("</code> &#183; MRV report by mrv " MRV_VERSION_STRING "</p>\n"
          "</header>\n<dl class=\"facts\">\n",
          f);
    const char *host = p->host ? p->host : g->l ? g->l->agr.host : NULL;
    fputs("<dt>Host</dt><dd>", f);
    esc(f, host ? host : "not given");
    fputs("</dd>\n", f);
    if (g->l) {
        fputs("<dt>Buyer</dt><dd>", f);
        esc(f, g->l->agr.buyer);
        if (g->l->source) {
            fputs(" (", f);
            esc(f, g->l->source);
            fputc(')', f);
        }
        fputs("</dd>\n", f);
    }
    fputs("<dt>Methodology</dt><dd><code>", f);
    esc(f, m->id);
    fputs("</code>", f);
    if (m->version) fprintf(f, " version %ld", m->version);
    if (m->title) {
        fputs(": ", f);
        esc(f, m->title);
    }
    if (m->reference) {
        fputs("<br><span class=\"note\">", f);
        esc(f, m->reference);
        fputs("</span>", f);
    }
    fprintf(f, "</dd>\n<dt>Crediting period</dt><dd>%d&#8211;%d", g->b->first,
            g->b->last);
    if (p->by_dates)
        fprintf(f, " (%04d-%02d-%02d to %04d-%02d-%02d)", p->start.y,
                p->start.m, p->start.d, p->end.y, p->end.m, p->end.d);
    fprintf(f, ", %zu vintage%s", run->nvint, run->nvint == 1 ? "" : "s");
    {
        char d[48], h[48];
        fprintf(f, "; a year of %s days (%s h)%s",
                mrv_fmt_shortest(g->b->year_days, d, sizeof d),
                mrv_fmt_num(g->b->year_days * 24, 0, h, sizeof h),
                p->year_length ? ", as the project states" : "");
    }
    fputs("</dd>\n<dt>Uncertainty</dt><dd>", f);
    if (g->mc) {
        char d[48];
        fprintf(f,
                "Monte Carlo, %s draws, seed %llu, %s sampling; %s %% "
                "interval (quantiles of Hyndman&#8211;Fan type 7)",
                mrv_fmt_num((double)run->draws, 0, d, sizeof d),
                (unsigned long long)run->seed,
                run->method == MRV_SAMPLE_LHS ? "Latin hypercube" : "random",
                g->conf);
    } else {
        fputs("central case only (no Monte Carlo draws)", f);
    }
    fputs("</dd>\n</dl>\n", f);
    if (p->description) {
        fputs("<p>", f);
        esc(f, p->description);
        fputs("</p>\n", f);
    }

    headline(f, g);
}

/* Central beside the Monte Carlo, when the central estimate is far from
** the draws' centre: its distance from their mean, relative to the mean,
** beyond which the page says so.  5 %: the widest materiality threshold
** of verification practice (propagate.h), and far above the mean's own
** Monte Carlo error at the draws a report needs. */
#define CENTRE_TOL 0.05

/* Every destination of the issued units, in ledger order: each
** deduction (with where it goes), the host, the buyer. */
static void destinations(FILE *f, const page *g)
{
    const mrv_ledger *l = g->l;
    const mrv_agreement *a = &l->agr;
    const int64_t *tot = l->cells + l->nvint * MRV_LEDGER_NCOLS(a);
    fputs("<p>Issued <strong>", f);
    tonnes_int(f, l->issued[l->nvint]);
    fputs("</strong> units over the crediting period:</p>\n<ul>\n", f);
    for (size_t j = 0; j < a->nded; j++) {
        const mrv_deduction *d = &a->ded[j];
        char r[40];
        fputs("<li>", f);
        esc(f, d->name);
        fprintf(f, " (%s): ", rate_pct(d->rate, r, sizeof r));
        tonnes_int(f, tot[j]);
        if (!d->units) {
            fputs(" t paid in value to ", f);
            esc(f, d->to);
            fputs(" (a levy: moves no units)", f);
        } else if (d->to_host) {
            fputs(" to ", f);
            esc(f, a->host);
        } else if (strcmp(d->to, "cancellation") == 0) {
            fputs(" cancelled", f);
        } else {
            fputs(" to ", f);
            esc(f, d->to);
        }
        fputs("</li>\n", f);
    }
    mrv_ledger_outcome o = mrv_ledger_outcome_of(l);
    fputs("<li>", f);
    esc(f, a->host);
    fputs(" (host) keeps <strong>", f);
    tonnes_int(f, o.host_keeps);
    fputs("</strong>", f);
    if (o.host_keeps != tot[a->nded]) {
        fputs(" (", f);
        tonnes_int(f, tot[a->nded]);
        fputs(" of its own and its deductions)", f);
    }
    fputs("</li>\n<li>", f);
    esc(f, a->buyer);
    fputs(" (buyer) receives <strong>", f);
    tonnes_int(f, o.buyer);
    fputs("</strong></li>\n</ul>\n", f);
}

/* The crediting-period total: central beside the draws' mean and
** median, and a plain warning when issuance rests on a central estimate
** far from their centre. */
static void headline(FILE *f, const page *g)
{
    const mrv_run *run = g->run;
    const mrv_stat *t = stat_at(g, run->nvint, MRV_RES_REDUCTIONS);
    char a[48], b[48], c[48];
    fputs("<div class=\"headline\">\n<p><strong>", f);
    esc(f, result_label(g, MRV_RES_REDUCTIONS));
    fprintf(f, " over the crediting period: %s ",
            mrv_fmt_num(t->central, g->dec, a, sizeof a));
    period_unit(f, g->unit);
    fputs("</strong> (central estimate)", f);
    if (g->mc) {
        fprintf(f, "; Monte Carlo mean %s, median %s, %s %% interval %s",
                mrv_fmt_num(t->mean, g->dec, a, sizeof a),
                mrv_fmt_num(t->median, g->dec, b, sizeof b), g->conf,
                mrv_fmt_num(t->lower, g->dec, c, sizeof c));
        fprintf(f, " to %s", mrv_fmt_num(t->upper, g->dec, a, sizeof a));
    }
    fputs(".</p>\n", f);
    if (g->l) destinations(f, g);
    fputs("</div>\n", f);

    /* Issuance rests on the central estimate when the agreement's basis
    ** is central (or the basis fell back to it); without an allocation
    ** the central estimate is still the number reported first. */
    bool on_central =
        !g->l || g->l->basis == MRV_BASIS_CENTRAL || g->l->basis_fallback;
    if (!g->mc || !on_central || !isfinite(t->mean) || t->mean == 0) return;
    double rel = (t->central - t->mean) / fabs(t->mean);
    if (!(fabs(rel) > CENTRE_TOL)) return;
    char q[48];
    fputs("<div class=\"warn\" id=\"centre-warning\"><p><strong>", f);
    fputs(g->l ? "Issuance rests on" : "The reported total is", f);
    fprintf(f, " a central estimate %.0f %% %s the Monte Carlo mean.</strong> ",
            fabs(rel) * 100, rel > 0 ? "above" : "below");
    fputs("The central estimate puts every input at its written value; the "
          "mean is the expected outcome once every input varies as its "
          "uncertainty says.  They part when inputs are skewed (a "
          "triangular's mode is not its mean) or multiply each other.",
          f);
    if (isfinite(g->below))
        fprintf(f,
                " In %s %% of the draws the %s come out %s the central "
                "estimate.",
                prob(rel > 0 ? g->below : 1 - g->below, q, sizeof q),
                g->m->removals ? "net removals" : "reductions",
                rel > 0 ? "below" : "above");
    if (g->l && rel > 0)
        fputs(" A basis of <code>mean</code> or <code>lower</code> in the "
              "agreement, or a conservativeness rule, would issue on the "
              "draws instead.",
              f);
    fputs("</p></div>\n", f);
}

/* The sentence on the split: what the buyer receives and, for a volume,
** in which vintage it is complete; with draws, how often it is. */
static void split_text(FILE *f, const page *g)
{
    const mrv_ledger *l = g->l;
    const mrv_agreement *a = &l->agr;
    mrv_ledger_outcome o = mrv_ledger_outcome_of(l);
    char r[40];
    fputs("<p>", f);
    switch (a->split) {
    case MRV_SPLIT_SHARE: {
        const int64_t *tot = l->cells + l->nvint * MRV_LEDGER_NCOLS(a);
        esc(f, a->buyer);
        fputs(" receives ", f);
        tonnes_int(f, o.buyer);
        fprintf(f, " t, %s of what the deductions leave (",
                rate_pct(a->share, r, sizeof r));
        tonnes_int(f, tot[a->nded] + tot[a->nded + 1]);
        fputs(" t), rounded cumulatively so that the total honours the "
              "share to the tonne.",
              f);
        break;
    }
    case MRV_SPLIT_BUYER_VOLUME:
        fputs("Contracted volume: ", f);
        tonnes_int(f, a->volume);
        fputs(" t to ", f);
        esc(f, a->buyer);
        fputs(", served first. ", f);
        if (o.volume_done >= 0) {
            fprintf(f, "It is complete in vintage %d.", o.volume_done);
        } else {
            fputs("It is not complete: ", f);
            esc(f, a->buyer);
            fputs(" receives ", f);
            tonnes_int(f, o.buyer);
            fputs(" t, short by ", f);
            tonnes_int(f, a->volume - o.buyer);
            fputs(" t.", f);
        }
        break;
    case MRV_SPLIT_HOST_VOLUME:
        esc(f, a->host);
        fputs(" keeps ", f);
        tonnes_int(f, a->volume);
        fputs(" t first", f);
        if (o.volume_done >= 0)
            fprintf(f, ", complete in vintage %d", o.volume_done);
        else
            fputs(", which is not reached", f);
        fputs("; ", f);
        esc(f, a->buyer);
        fputs(" receives ", f);
        tonnes_int(f, o.buyer);
        fputs(" t.", f);
        break;
    }
    fputs("</p>\n", f);
    if (!l->has_mc) return;
    char d[48], q[48];
    fprintf(f,
            "<p>The same agreement applied to each of the %s Monte Carlo "
            "draws",
            mrv_fmt_num((double)l->mc.draws, 0, d, sizeof d));
    if (a->split == MRV_SPLIT_BUYER_VOLUME && isfinite(l->mc.p_volume)) {
        fputs(": ", f);
        esc(f, a->buyer);
        fprintf(f,
                " receives all of its contracted volume in "
                "<strong>%s %%</strong> of them.",
                prob(l->mc.p_volume, q, sizeof q));
    } else {
        fputc('.', f);
    }
    fputs("</p>\n<div class=\"scroll\">\n<table>\n<thead><tr><th>Over the "
          "draws</th><th>5th percentile</th><th>Median</th>"
          "<th>95th percentile</th><th>Mean</th></tr></thead>\n<tbody>\n",
          f);
    for (int k = 0; k < 2; k++) {
        const double *qs = k ? l->mc.buyer_q : l->mc.host_q;
        fputs("<tr><td>", f);
        esc(f, k ? a->buyer : a->host);
        fputs(k ? " receives" : " keeps", f);
        fputs("</td>", f);
        for (int i = 0; i < 3; i++)
            fprintf(f, "<td>%s</td>", mrv_fmt_num(qs[i], 0, q, sizeof q));
        fprintf(f, "<td>%s</td></tr>\n",
                mrv_fmt_num(k ? l->mc.buyer_mean : l->mc.host_mean, 0, q,
                            sizeof q));
    }
    fputs("</tbody>\n</table>\n</div>\n", f);
}

static void section_reductions(FILE *f, const page *g)
{
    fputs("<section>\n<h2>", f);
    esc(f, result_label(g, MRV_RES_REDUCTIONS));
    fputs(" per vintage</h2>\n", f);
    chart_reductions(f, g);
    fputs("</section>\n", f);
}

static void section_allocation(FILE *f, const page *g)
{
    const mrv_ledger *l = g->l;
    const mrv_agreement *a = &l->agr;
    fputs("<section>\n<h2>Allocation per vintage</h2>\n<p>Units issued per "
          "vintage: ",
          f);
    esc(f, basis_text(l->basis));
    fputs(" of ", f);
    esc(f, g->m->removals ? "net removals" : "reductions");
    if (l->basis_fallback) fputs(" (no draws, so the central estimate)", f);
    if (l->rule != MRV_RULE_NONE) {
        fputs(" after the conservativeness rule (", f);
        esc(f, rule_text(l->rule));
        fputc(')', f);
    }
    fputs(", rounded down to whole tonnes; a vintage below zero issues "
          "nothing.",
          f);
    for (size_t j = 0; j < a->nded; j++) {
        const mrv_deduction *d = &a->ded[j];
        char r[40];
        fputs(j ? " " : " Deductions, in this order: ", f);
        esc(f, d->name);
        fprintf(f, " %s of %s", rate_pct(d->rate, r, sizeof r),
                d->of == MRV_OF_ISSUED      ? "issued units"
                : d->of == MRV_OF_REMAINING ? "what remains"
                                            : "authorized units");
        if (d->units) {
            fputs(" to ", f);
            esc(f, d->to_host ? a->host : d->to);
        } else {
            fputs(", a levy paid in value to ", f);
            esc(f, d->to);
            fputs(" (moves no units)", f);
        }
        fputs(j + 1 < a->nded ? ";" : ".", f);
    }
    if (a->auth == MRV_AUTH_TOTAL) {
        fputs(" Authorized (Letter of Authorization): ", f);
        tonnes_int(f, a->auth_total);
        fputs(" t in all, consumed in vintage order.", f);
    } else if (a->auth == MRV_AUTH_VINTAGE) {
        fputs(" Authorized (Letter of Authorization): a cap per vintage, "
              "in the ledger below.",
              f);
    }
    fputs("</p>\n", f);
    chart_allocation(f, g);
    split_text(f, g);
    fputs("</section>\n", f);
}

static void section_results_table(FILE *f, const page *g)
{
    const mrv_run *run = g->run;
    fputs("<section>\n<h2>Results per vintage</h2>\n<p class=\"note\">"
          "Central estimates (every input at its value)",
          f);
    if (g->mc)
        fprintf(f,
                "; the interval is the %s %% Monte Carlo interval of "
                "the %s, and IPCC Approach 1 is first-order propagation "
                "of error, central &#177; half-width",
                g->conf, g->m->removals ? "net removals" : "reductions");
    fputs(". The total row is summed draw by draw, never by adding "
          "bounds.</p>\n<div class=\"scroll\">\n<table>\n<thead><tr>"
          "<th>Vintage</th>",
          f);
    for (int r = 0; r < MRV_NRESULTS; r++) {
        fputs("<th>", f);
        esc(f, result_label(g, r));
        fputs("<span class=\"u\">", f);
        esc(f, result_unit(g, r));
        fputs("</span></th>", f);
    }
    bool flagged = false;
    if (g->mc)
        fprintf(f,
                "<th>%s %% interval<span class=\"u\">lower to upper"
                "</span></th><th>IPCC Approach 1<span class=\"u\">"
                "&#177; half-width</span></th>",
                g->conf);
    fputs("</tr></thead>\n<tbody>\n", f);
    for (size_t v = 0; v <= run->nvint; v++) {
        char a[48], b[48];
        fputs(v < run->nvint ? "<tr><td>" : "<tr class=\"total\"><td>", f);
        if (v < run->nvint)
            vintage_label(f, g, v);
        else
            fputs("Total", f);
        fputs("</td>", f);
        if (v < run->nvint && unmonitored(g, v)) {
            fprintf(f,
                    "<td colspan=\"%d\" class=\"nm\">not monitored: no day "
                    "of it lies in a monitoring period</td></tr>\n",
                    MRV_NRESULTS + (g->mc ? 2 : 0));
            continue;
        }
        for (int r = 0; r < MRV_NRESULTS; r++)
            fprintf(f, "<td>%s%s</td>",
                    mrv_fmt_num(stat_at(g, v, r)->central, g->dec, a, sizeof a),
                    v < run->nvint && mrv_monout_filled(run, v, r) ? "&#8224;"
                                                                   : "");
        if (g->mc) {
            const mrv_stat *s = stat_at(g, v, MRV_RES_REDUCTIONS);
            fprintf(f, "<td>%s to ",
                    mrv_fmt_num(s->lower, g->dec, a, sizeof a));
            fprintf(f, "%s</td>", mrv_fmt_num(s->upper, g->dec, b, sizeof b));
            if (isfinite(s->ipcc_sd) && isfinite(s->ipcc_upper))
                fprintf(f, "<td>&#177;%s%s</td>",
                        mrv_fmt_num(s->ipcc_upper - s->central, g->dec, a,
                                    sizeof a),
                        s->ipcc_disagrees ? " !" : "");
            else
                fputs("<td>n/a</td>", f);
            flagged |= s->ipcc_disagrees;
        }
        fputs("</tr>\n", f);
    }
    fputs("</tbody>\n</table>\n</div>\n", f);
    if (g->partial) {
        fputs("<p class=\"note\">* Partial vintage, its results scaled by "
              "its share of the year's days:",
              f);
        bool first = true;
        for (size_t v = 0; v < run->nvint; v++) {
            if (!(g->b->frac[v] < 1) || unmonitored(g, v)) continue;
            char s[16];
            fprintf(f, "%s %d: %s %%", first ? "" : ";", g->b->first + (int)v,
                    pct(g->b->frac[v], s, sizeof s));
            first = false;
        }
        fputs(".</p>\n", f);
    }
    if (g->unmonitored) {
        fprintf(f,
                "<p class=\"note\">%zu vintage%s of the crediting period "
                "ha%s no day in this report's monitoring periods: nothing is "
                "computed or issued for %s (the charts leave %s out; the CSV "
                "files show zeros with <code>frac</code> 0).</p>\n",
                g->unmonitored, g->unmonitored == 1 ? "" : "s",
                g->unmonitored == 1 ? "s" : "ve",
                g->unmonitored == 1 ? "it" : "them",
                g->unmonitored == 1 ? "it" : "them");
    }
    if (g->mc) {
        /* The comparison, explained where it is shown (propagate.h). */
        size_t nmat = 0, nfin = 0;
        for (size_t v = 0; v < run->nvint; v++) {
            const mrv_stat *s = stat_at(g, v, MRV_RES_REDUCTIONS);
            if (!isfinite(s->ipcc_lower) || unmonitored(g, v)) continue;
            nfin++;
            nmat += fabs(s->ipcc_lower - s->lower) >
                    MRV_IPCC_MATERIAL * fabs(s->central);
        }
        fprintf(f,
                "<p class=\"note\">IPCC Approach 1 is the first-order "
                "propagation inventories use: central &#177; z&#183;sd, "
                "symmetric by construction.  The Monte Carlo interval is the "
                "one mrv uses.  %s<strong>!</strong> marks a difference that "
                "changes a conclusion: the two lower bounds on opposite "
                "sides of zero, or, on the total, lower bounds more than "
                "%g %% of the central estimate apart (material).  Their lower "
                "bounds differ by more than that in %zu of %zu vintages.</p>\n",
                flagged ? "" : "No row is marked: ", MRV_IPCC_MATERIAL * 100,
                nmat, nfin);
    }
    fputs("</section>\n", f);
}

static void section_ledger_table(FILE *f, const page *g)
{
    const mrv_ledger *l = g->l;
    const mrv_agreement *a = &l->agr;
    size_t nc = MRV_LEDGER_NCOLS(a);
    bool auth = a->auth != MRV_AUTH_NONE;
    bool carry = false; /* a column only when a vintage carries */
    for (size_t v = 0; v < l->nvint; v++) carry |= l->carried[v] > 0;
    fputs("<section>\n<h2>Allocation ledger</h2>\n<p class=\"note\">Whole "
          "units (tCO2e); estimate is the creditable estimate the units are "
          "issued from.</p>\n<div class=\"scroll\">\n<table>\n<thead><tr>"
          "<th>Vintage</th><th>Estimate</th><th>Issued</th>",
          f);
    if (auth) fputs("<th>Authorized</th>", f);
    for (size_t c = 0; c < nc; c++) {
        fputs("<th>", f);
        if (c < a->nded) {
            esc(f, a->ded[c].name);
            fputs("<span class=\"u\">", f);
            esc(f, !a->ded[c].units    ? "levy, in value"
                   : a->ded[c].to_host ? a->host
                                       : a->ded[c].to);
            fputs("</span>", f);
        } else {
            esc(f, c == a->nded ? a->host : a->buyer);
            fprintf(f, "<span class=\"u\">%s</span>",
                    c == a->nded ? "host" : "buyer");
        }
        fputs("</th>", f);
    }
    if (carry) fputs("<th>Carried<span class=\"u\">shortfall</span></th>", f);
    fputs("</tr></thead>\n<tbody>\n", f);
    for (size_t v = 0; v <= l->nvint; v++) {
        char e[48];
        fputs(v < l->nvint ? "<tr><td>" : "<tr class=\"total\"><td>", f);
        if (v < l->nvint)
            vintage_label(f, g, v);
        else
            fputs("Total", f);
        fprintf(f, "</td><td>%s</td><td>",
                mrv_fmt_num(l->cons[v].creditable, 1, e, sizeof e));
        tonnes_int(f, l->issued[v]);
        fputs("</td>", f);
        if (auth) {
            int64_t sum = 0;
            if (v == l->nvint)
                for (size_t k = 0; k < l->nvint; k++) sum += l->authorized[k];
            fputs("<td>", f);
            tonnes_int(f, v < l->nvint ? l->authorized[v] : sum);
            fputs("</td>", f);
        }
        for (size_t c = 0; c < nc; c++) {
            fputs("<td>", f);
            tonnes_int(f, l->cells[v * nc + c]);
            fputs("</td>", f);
        }
        if (carry)
            fprintf(f, "<td>%s</td>",
                    mrv_fmt_num(l->carried[v], 1, e, sizeof e));
        fputs("</tr>\n", f);
    }
    fputs("</tbody>\n</table>\n</div>\n", f);
    if (carry) {
        char x[48], y[48];
        fputs("<p class=\"note\">A negative vintage issues nothing and "
              "carries its shortfall forward: later vintages make it up "
              "before any unit is issued again, so the units issued never "
              "exceed the cumulative estimate once nothing is carried.",
              f);
        if (l->carried[l->nvint] > 0)
            fprintf(f,
                    " <strong>Left at the end of the crediting period: %s "
                    "t; %s t of it issued already, a reversal the agreement "
                    "must compensate.</strong>",
                    mrv_fmt_num(l->carried[l->nvint], 1, x, sizeof x),
                    mrv_fmt_num(l->overissued, 1, y, sizeof y));
        fputs("</p>\n", f);
    }
    fputs("</section>\n", f);
}

static const char *file_text(const char *name)
{
    static const struct {
        const char *name, *text;
    } known[] = {
        {"vintages.csv", "every result per vintage and in total: central, "
                         "mean, sd, lower, median, upper, full precision"},
        {"report.json", "the same numbers with the settings and inputs "
                        "needed to re-run and compare"},
        {"report.html", "this page"},
        {"report.xlsx", "the tables for a spreadsheet: summary, vintages, "
                        "ledger, serials, adjustments, inputs, factors, "
                        "provenance"},
        {"ledger.csv", "the allocation ledger above"},
        {"serials.csv", "serial number blocks per vintage and account"},
        {"adjustments.csv", "corresponding adjustments per party and year"},
        {"aef.csv", "first transfers, uses and cancellations as Parties "
                    "report them"},
        {"conservativeness.csv", "the estimate before and after each "
                                 "conservativeness adjustment"},
        {"sweep.csv", "the agreement over the swept terms, as charted above"},
        {"periods.csv", "every result per monitoring period: central, mean, "
                        "sd, lower, median, upper"},
        {"gaps.csv", "every gap in the monitored data and how it was "
                     "filled, with its file and line"},
        {"exante.csv", "the ex-ante estimate beside the monitored result, "
                       "per vintage and period"},
        {"surveys.csv", "every stratum of every sampling survey: n, mean, "
                        "standard error, precision, the value used"},
    };
    for (size_t i = 0; i < sizeof known / sizeof *known; i++)
        if (strcmp(known[i].name, name) == 0) return known[i].text;
    return NULL;
}

static void file_item(FILE *f, const char *name)
{
    const char *t = file_text(name);
    fputs("<li><code>", f);
    esc(f, name);
    fputs("</code>", f);
    if (t) {
        fputs(": ", f);
        esc(f, t);
    }
    fputs("</li>\n", f);
}

static void section_files(FILE *f, const page *g)
{
    fputs("<section>\n<h2>Files written</h2>\n<p>Together, in one folder, "
          "all or none:</p>\n<ul class=\"files\">\n",
          f);
    /* report.c's own files, then the ledger's, in the order written. */
    for (size_t i = 0; mrv_report_file_name(i); i++)
        file_item(f, mrv_report_file_name(i));
    if (g->l)
        for (size_t i = 0; mrv_ledger_file_name(i); i++)
            file_item(f, mrv_ledger_file_name(i));
    if (g->l && g->run->sweep) file_item(f, MRV_SWEEP_FILE);
    for (size_t i = 0; mrv_monout_file_name(i); i++)
        if (mrv_monout_writes(g->run, i)) file_item(f, mrv_monout_file_name(i));
    fputs("</ul>\n</section>\n", f);
}

/* 'path' as one shell word: as it is when it holds only safe characters,
** else in single quotes. */
static void shell_word(FILE *f, const char *path)
{
    const char *safe = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                       "0123456789._-/+=:,@";
    if (*path && strspn(path, safe) == strlen(path)) {
        esc(f, path);
        return;
    }
    fputc('\'', f);
    for (const char *s = path; *s; s++) {
        if (*s == '\'')
            fputs("'\\''", f);
        else {
            char c[2] = {*s, '\0'};
            esc(f, c);
        }
    }
    fputc('\'', f);
}

static void section_provenance(FILE *f, const page *g)
{
    const mrv_bound *b = g->b;
    const mrv_run *run = g->run;
    fputs(
        "<section>\n<h2>Provenance</h2>\n<p>Computed by mrv " MRV_VERSION_STRING
        ".",
        f);
    if (g->mc)
        fprintf(f,
                " Draws come from " MRV_MC_GENERATOR " streams, one per "
                "uncertain input and block of %d draws, seeded from the "
                "seed alone, so the numbers are the same for any number "
                "of threads.",
                MRV_MC_BLOCK);
    fputs("</p>\n<h3>Input files</h3>\n<div class=\"scroll\">\n<table>\n"
          "<thead><tr><th class=\"l\">Role</th><th class=\"l\">File</th>"
          "<th class=\"l\">SHA-256</th></tr></thead>\n<tbody>\n",
          f);
    for (size_t i = 0; i < b->nfiles; i++) {
        fputs("<tr><td class=\"l\">", f);
        esc(f, b->files[i].role);
        fputs("</td><td class=\"l\"><code>", f);
        esc(f, b->files[i].path);
        fputs("</code></td><td class=\"l hash\">", f);
        esc(f, b->files[i].sha256_hex);
        fputs("</td></tr>\n", f);
    }
    fputs("</tbody>\n</table>\n</div>\n", f);
    if (b->nfactors_used) {
        fputs("<h3>Factors used</h3>\n<div class=\"scroll\">\n<table>\n"
              "<thead><tr><th class=\"l\">Factor</th><th>Value</th>"
              "<th class=\"l\">Unit</th><th class=\"l\">Source</th></tr>"
              "</thead>\n<tbody>\n",
              f);
        for (size_t i = 0; i < b->nfactors_used; i++) {
            const mrv_factor *fc = b->factors_used[i];
            char v[48];
            fputs("<tr><td class=\"l\"><code>", f);
            esc(f, fc->id);
            fprintf(f, "</code></td><td>%s</td><td class=\"l\">",
                    shortest(fc->value, v, sizeof v));
            esc(f, fc->unit_text);
            fputs("</td><td class=\"l\">", f);
            esc(f, fc->source ? fc->source : "not given");
            fputs("</td></tr>\n", f);
        }
        fputs("</tbody>\n</table>\n</div>\n", f);
    } else {
        fputs("<p>No factor table was used.</p>\n", f);
    }
    /* The command that gives the same numbers: the draws and seed are
    ** spelled out only where the run overrode the project's. */
    const char *path = b->nfiles ? b->files[0].path : NULL;
    for (size_t i = 0; i < b->nfiles; i++)
        if (strcmp(b->files[i].role, "project") == 0) {
            path = b->files[i].path;
            break;
        }
    fputs("<h3>Re-running</h3>\n<p>With the input files above (their "
          "SHA-256 must match), <code>mrv run ",
          f);
    shell_word(f, path ? path : g->p->id);
    if (run->draws != g->p->mc.draws)
        fprintf(f, " --draws %llu", (unsigned long long)run->draws);
    if (run->draws && run->seed != g->p->mc.seed)
        fprintf(f, " --seed %llu", (unsigned long long)run->seed);
    fputs(" --out DIR</code> gives the same numbers to the last digit, "
          "and these files byte for byte, on any machine and any number of "
          "threads. <code>mrv verify report.json</code> does it for you: it "
          "checks each input file against its recorded SHA-256, re-runs "
          "with the recorded settings and fails on any "
          "difference.</p>\n</section>\n",
          f);
}

/* ---- the page ---------------------------------------------------------- */

bool mrv_report_html(const mrv_run *run, FILE *f)
{
    page g;
    memset(&g, 0, sizeof g);
    g.run = run;
    g.b = run->bound;
    g.p = g.b->project;
    g.m = g.b->meth;
    g.l = run->ledger;
    g.mc = run->draws > 0;
    g.unit = result_unit(&g, MRV_RES_REDUCTIONS);
    pct(run->confidence, g.conf, sizeof g.conf);
    double maxabs = 0;
    for (size_t v = 0; v <= run->nvint; v++)
        for (int r = 0; r < MRV_NRESULTS; r++) {
            const mrv_stat *s = stat_at(&g, v, r);
            const double ys[3] = {s->central, s->lower, s->upper};
            for (int k = 0; k < 3; k++)
                if (isfinite(ys[k])) maxabs = fmax(maxabs, fabs(ys[k]));
        }
    g.dec = decimals_for(maxabs);
    for (size_t v = 0; v < run->nvint; v++) {
        g.partial |= g.b->frac[v] > 0 && g.b->frac[v] < 1;
        g.unmonitored += unmonitored(&g, v);
    }

    g.below = (double)NAN;
    if (g.mc) g.below = stat_at(&g, run->nvint, MRV_RES_REDUCTIONS)->p_below;

    head(f, &g);
    facts(f, &g);
    section_rules(f, &g);
    section_reductions(f, &g);
    section_emissions(f, &g);
    if (g.m->removals) section_stock(f, &g);
    if (g.l) section_allocation(f, &g);
    if (g.l) section_delivery(f, &g);
    if (g.l && run->sweep) section_sweep(f, &g);
    section_sensitivity(f, &g);
    section_results_table(f, &g);
    mrv_monout_html(run, f);
    if (g.l) section_ledger_table(f, &g);
    section_inputs(f, &g);
    section_files(f, &g);
    section_provenance(f, &g);
    fputs("</body>\n</html>\n", f);
    return !ferror(f);
}
