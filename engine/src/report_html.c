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

#include "ledger.h"
#include "mc.h"
#include "report.h"

#ifndef MRV_VERSION_STRING
#define MRV_VERSION_STRING "0.0.0"
#endif

/* ---- text and numbers -------------------------------------------------- */

/* Writes 's' as HTML text (also safe inside a quoted attribute).  Control
** characters other than tab and newline have no business in a title and
** become U+FFFD. */
static void esc(FILE *f, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p;
         p++) {
        switch (*p) {
        case '&':
            fputs("&amp;", f);
            break;
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        case '\'':
            fputs("&#39;", f);
            break;
        default:
            if ((*p < 0x20 && *p != '\t' && *p != '\n') || *p == 0x7f)
                fputs("&#xFFFD;", f);
            else
                fputc(*p, f);
        }
    }
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

/* An exact decimal rate as a percentage: 0.055 -> "5.5". */
static char *rate_pct(mrv_dec x, char *buf, size_t n)
{
    if (x.k >= 2) {
        x.k -= 2;
    } else {
        x.num *= x.k == 1 ? 10 : 100;
        x.k = 0;
    }
    return mrv_dec_format(x, buf, n);
}

static void tonnes_int(FILE *f, int64_t x)
{
    char b[48];
    fputs(mrv_fmt_num((double)x, 0, b, sizeof b), f);
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
    bool partial;        /* some vintage has frac < 1 */
    char conf[16];       /* "95" */
} page;

static const mrv_stat *stat_at(const page *g, size_t v, int r)
{
    return &g->run->stats[v * MRV_NRESULTS + r];
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
    fprintf(f, "%d%s", g->b->first + (int)v, g->b->frac[v] < 1 ? "*" : "");
}

/* ---- charts ------------------------------------------------------------ */

/* SVG user units; the page scales the drawing to its width. */
#define CH_W        760.0
#define CH_H        320.0
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
    fr->left = 14 + 7.2 * (double)w;
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
        const mrv_stat *s = stat_at(g, v, MRV_RES_REDUCTIONS);
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
            const mrv_stat *s = stat_at(g, v, MRV_RES_REDUCTIONS);
            if (!isfinite(s->lower) || !isfinite(s->upper)) {
                v++;
                continue;
            }
            size_t end = v;
            while (end + 1 < nv) {
                const mrv_stat *t = stat_at(g, end + 1, MRV_RES_REDUCTIONS);
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
                            fy(&fr, stat_at(g, k, MRV_RES_REDUCTIONS)->upper));
                for (size_t k = end + 1; k-- > v;)
                    fprintf(f, "%.1f,%.1f%s", fx(&fr, k),
                            fy(&fr, stat_at(g, k, MRV_RES_REDUCTIONS)->lower),
                            k > v ? " " : "");
                fputs("\"/>\n", f);
            }
            v = end + 1;
        }
    }
    zero_line(f, &fr);
    /* The central line, in runs of finite values. */
    for (size_t v = 0; v < nv;) {
        if (!isfinite(stat_at(g, v, MRV_RES_REDUCTIONS)->central)) {
            v++;
            continue;
        }
        size_t end = v;
        while (end + 1 < nv &&
               isfinite(stat_at(g, end + 1, MRV_RES_REDUCTIONS)->central))
            end++;
        if (end > v) {
            fputs("<polyline class=\"central\" points=\"", f);
            for (size_t k = v; k <= end; k++)
                fprintf(f, "%.1f,%.1f%s", fx(&fr, k),
                        fy(&fr, stat_at(g, k, MRV_RES_REDUCTIONS)->central),
                        k < end ? " " : "");
            fputs("\"/>\n", f);
        }
        v = end + 1;
    }
    for (size_t v = 0; v < nv; v++) {
        const mrv_stat *s = stat_at(g, v, MRV_RES_REDUCTIONS);
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
            snprintf(text, sizeof text, "%s (%s %%) to %s", d->name,
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
          ".scroll{overflow-x:auto}\n"
          "table{border-collapse:collapse;font-variant-numeric:tabular-nums;"
          "margin:.4rem 0;font-size:.92rem}\n"
          "th,td{padding:.25rem .55rem;text-align:right;white-space:nowrap;"
          "border-bottom:1px solid #e4e4e4}\n"
          "th{font-weight:600;vertical-align:bottom;"
          "border-bottom:1px solid #888}\n"
          "th:first-child,td:first-child{text-align:left}\n"
          "td.l,th.l{text-align:left;white-space:normal}\n"
          "tr.total td{font-weight:600;border-top:1px solid #888}\n"
          ".u{display:block;font-weight:400;color:#666;font-size:.85em}\n"
          ".note{color:#555;font-size:.9rem}\n"
          "code,.hash{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"
          "monospace;font-size:.86em}\n"
          ".hash{word-break:break-all;white-space:normal}\n"
          "figure{margin:.6rem 0 1rem}\n"
          ".chart{overflow-x:auto}\n"
          ".chart>svg{display:block;width:100%;min-width:38rem;height:auto}\n"
          ".chart text{font-size:12px;fill:#333}\n"
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
          ".chart>svg{min-width:0}.scroll{overflow:visible}"
          "table{font-size:8pt}th,td{padding:.12rem .35rem}"
          "section,figure,tr{break-inside:avoid}h2,h3{break-after:avoid}"
          ".headline{-webkit-print-color-adjust:exact;"
          "print-color-adjust:exact}}\n"
          "</style>\n</head>\n<body>\n",
          f);
}

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

    /* The headline: the crediting-period total, and who gets what. */
    const mrv_stat *t = stat_at(g, run->nvint, MRV_RES_REDUCTIONS);
    char a[48], b[48], c[48];
    fputs("<div class=\"headline\">\n<p><strong>", f);
    esc(f, result_label(g, MRV_RES_REDUCTIONS));
    fprintf(f, " over the crediting period: %s ",
            mrv_fmt_num(t->central, g->dec, a, sizeof a));
    period_unit(f, g->unit);
    fputs("</strong>", f);
    if (g->mc)
        fprintf(f, " (%s %% interval %s to %s)", g->conf,
                mrv_fmt_num(t->lower, g->dec, b, sizeof b),
                mrv_fmt_num(t->upper, g->dec, c, sizeof c));
    fputs(".</p>\n", f);
    if (g->l) {
        const mrv_ledger *l = g->l;
        mrv_ledger_outcome o = mrv_ledger_outcome_of(l);
        fputs("<p>Issued ", f);
        tonnes_int(f, l->issued[l->nvint]);
        fputs(" units: ", f);
        esc(f, l->agr.buyer);
        fputs(" receives ", f);
        tonnes_int(f, o.buyer);
        fputs(", ", f);
        esc(f, l->agr.host);
        fputs(" keeps ", f);
        tonnes_int(f, o.host_keeps);
        fputs(".</p>\n", f);
    }
    fputs("</div>\n", f);
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
        fprintf(f, " t, %s %% of what the deductions leave (",
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
        fprintf(f, " %s %% of %s", rate_pct(d->rate, r, sizeof r),
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
        for (int r = 0; r < MRV_NRESULTS; r++)
            fprintf(
                f, "<td>%s</td>",
                mrv_fmt_num(stat_at(g, v, r)->central, g->dec, a, sizeof a));
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
            if (!(g->b->frac[v] < 1)) continue;
            char s[16];
            fprintf(f, "%s %d: %s %%", first ? "" : ";", g->b->first + (int)v,
                    pct(g->b->frac[v], s, sizeof s));
            first = false;
        }
        fputs(".</p>\n", f);
    }
    if (flagged)
        fputs("<p class=\"note\">! IPCC Approach 1 differs from the Monte "
              "Carlo bounds by more than 10 % of their half-width, as it "
              "does for skewed or non-linear models; the Monte Carlo "
              "interval is the one to use.</p>\n",
              f);
    fputs("</section>\n", f);
}

static void section_ledger_table(FILE *f, const page *g)
{
    const mrv_ledger *l = g->l;
    const mrv_agreement *a = &l->agr;
    size_t nc = MRV_LEDGER_NCOLS(a);
    bool auth = a->auth != MRV_AUTH_NONE;
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
        fputs("</tr>\n", f);
    }
    fputs("</tbody>\n</table>\n</div>\n</section>\n", f);
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
        {"ledger.csv", "the allocation ledger above"},
        {"serials.csv", "serial number blocks per vintage and account"},
        {"adjustments.csv", "corresponding adjustments per party and year"},
        {"aef.csv", "first transfers, uses and cancellations as Parties "
                    "report them"},
        {"conservativeness.csv", "the estimate before and after each "
                                 "conservativeness adjustment"},
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
        esc(f, b->files[i].doc->path);
        fputs("</code></td><td class=\"l hash\">", f);
        esc(f, b->files[i].doc->sha256_hex);
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
    const char *path = b->nfiles ? b->files[0].doc->path : NULL;
    for (size_t i = 0; i < b->nfiles; i++)
        if (strcmp(b->files[i].role, "project") == 0) {
            path = b->files[i].doc->path;
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
    for (size_t v = 0; v < run->nvint; v++) g.partial |= g.b->frac[v] < 1;

    head(f, &g);
    facts(f, &g);
    section_reductions(f, &g);
    if (g.l) section_allocation(f, &g);
    section_results_table(f, &g);
    if (g.l) section_ledger_table(f, &g);
    section_files(f, &g);
    section_provenance(f, &g);
    fputs("</body>\n</html>\n", f);
    return !ferror(f);
}
