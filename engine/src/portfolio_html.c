/*
** portfolio_html.c -- report.html of 'mrv portfolio' (portfolio_out.h).
**
** One page, no script, no outside resource: the buyers' targets, each
** with its delivery-versus-target chart (cumulative units counted per
** year: the central case as a line, the Monte Carlo bounds as a band,
** the target as a level reached by its year), the projects that drive
** the risk, the corresponding adjustments by method, the hosts, the
** shared inputs and the provenance.  Text from input files is escaped
** (mrv_html_str); numbers are formatted by output.h; the same run gives
** the same bytes.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "portfolio_cols.h"
#include "portfolio_out.h"

#ifndef MRV_VERSION_STRING
#define MRV_VERSION_STRING "0.0.0"
#endif

#define W  640.0 /* the chart's frame, as the project pages' */
#define H  300.0
#define ML 96.0
#define MR 26.0
#define MT 26.0
#define MB 38.0
/* Past this many times the top of the band, the target squeezes the
** units into a line at zero: they get a second chart of their own. */
#define OWN_SCALE 5.0

static const char *num(double x, char *buf, size_t n)
{
    return mrv_fmt_num(x, 0, buf, n);
}

static const char *pct(double p, char *buf, size_t n)
{
    if (!isfinite(p)) return "n/a";
    snprintf(buf, n, "%.1f&#8239;%%", 100 * p);
    return buf;
}

static void head(FILE *f, const mrv_portfolio *pf)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
          "<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, "
          "initial-scale=1\">\n<title>",
          f);
    mrv_html_str(f, pf->title ? pf->title : pf->id);
    fputs(" &#8212; mrv portfolio</title>\n<style>\n"
          "body{font:15px/1.5 system-ui,-apple-system,\"Segoe UI\",Roboto,"
          "Arial,sans-serif;color:#1a1a1a;max-width:62rem;margin:0 auto;"
          "padding:1rem 1.25rem 3rem}\n"
          "h1{font-size:1.55rem;margin:.6rem 0 .2rem}\n"
          "h2{font-size:1.15rem;margin:2.2rem 0 .6rem;"
          "border-bottom:1px solid #bbb}\n"
          ".headline{border-left:4px solid #1f5a8c;background:#f2f5f8;"
          "padding:.6rem .9rem;margin:1rem 0}\n"
          ".headline p{margin:.35rem 0}\n"
          ".scroll{overflow-x:auto}\n"
          "figure{margin:.6rem 0 1rem}\n"
          "table{border-collapse:collapse;font-variant-numeric:tabular-nums;"
          "font-size:.92rem}\n"
          "th,td{padding:.25rem .55rem;text-align:right;white-space:nowrap;"
          "border-bottom:1px solid #e4e4e4}\n"
          "th{border-bottom:1px solid #888}\n"
          "th:first-child,td:first-child{text-align:left}\n"
          /* Charts shrink with the page, never scroll, as on the
          ** project pages: on a phone the whole drawing stays in view. */
          ".chart>svg{display:block;width:100%;max-width:48rem;height:auto}\n"
          ".chart text{font-size:14px;fill:#333}\n"
          ".band{fill:#b9d0e6}\n.central{fill:none;stroke:#1f5a8c;"
          "stroke-width:2}\n.target{stroke:#b3261e;stroke-width:1.5;"
          "stroke-dasharray:6 4}\n.grid line{stroke:#e6e6e6}\n"
          ".note{color:#555;font-size:.9rem}\n"
          "code{font-size:.86em}\n"
          ".hash{word-break:break-all}\n"
          "@media (max-width:36rem){body{padding:.75rem}}\n"
          "@media print{.scroll{overflow:visible}"
          "section,figure,tr{break-inside:avoid}}\n"
          "</style>\n</head>\n<body>\n",
          f);
}

/* Buyer o's progress in calendar year 'year': the series' value, 0
** before its first year, its last after its last. */
static mrv_pf_stat progress_at(const mrv_pf_run *r, const mrv_pf_party_out *o,
                               int year)
{
    mrv_pf_stat zero = {0, 0, 0, 0, 0};
    if (year < r->y0) return zero;
    size_t y = (size_t)(year - r->y0);
    return o->progress[y < r->nyears ? y : r->nyears - 1];
}

/* A round step at least 'raw': 1, 2 or 5 times a power of ten. */
static double tick_step(double raw)
{
    double p = pow(10, floor(log10(raw)));
    return raw <= p ? p : raw <= 2 * p ? 2 * p : raw <= 5 * p ? 5 * p : 10 * p;
}

/* The top of buyer o's band over years [ya, yb]. */
static double band_top(const mrv_pf_run *r, const mrv_pf_party_out *o, int ya,
                       int yb)
{
    double top = 0;
    for (int y = ya; y <= yb; y++) {
        mrv_pf_stat s = progress_at(r, o, y);
        if (s.upper > top) top = s.upper;
        if (s.central > top) top = s.central;
    }
    return top;
}

/* The chart of buyer o's progress towards its target: the units counted
** up to each year (central case as a line, Monte Carlo bounds as a band)
** from the year before the first that counts to the target's last year,
** and the target's volume as a level; or, 'own_scale', the same units on
** a scale of their own, without the target. */
static void chart(FILE *f, const mrv_pf_run *r, const mrv_pf_party_out *o,
                  bool own_scale)
{
    const mrv_pf_target *t = &o->spec->target;
    int ya = t->to, yb = t->to;
    for (size_t y = 0; y < r->nyears; y++) {
        int year = r->y0 + (int)y;
        if (year > t->to || !mrv__pf_in_target(t, year)) continue;
        if (o->delivered[y].upper > 0 || o->delivered[y].central > 0) {
            if (year - 1 < ya) ya = year - 1;
            break;
        }
    }
    if (!t->by && t->from - 1 < ya) ya = t->from - 1;
    if (ya == yb) ya = yb - 1;
    double top = band_top(r, o, ya, yb);
    if (!own_scale && (double)t->volume > top) top = (double)t->volume;
    if (!(top > 0)) top = 1;
    /* Round ticks (1, 2 or 5 times a power of ten) up to the top, and
    ** room above it for the target's label. */
    double vstep = tick_step(top / 4);
    if (vstep < 1) vstep = 1; /* whole tonnes */
    double ticks = ceil(top / vstep);
    top = ticks * vstep * 1.06;
    double span = (double)(yb - ya);
#define X(y) (ML + (W - ML - MR) * ((double)((y)-ya) / span))
#define Y(v) (MT + (H - MT - MB) * (1 - (v) / top))
    fprintf(f,
            "<figure class=\"chart\"><svg viewBox=\"0 0 %.0f %.0f\" "
            "role=\"img\" aria-label=\"units counted towards the target, "
            "by year%s\">\n<g class=\"grid\">",
            W, H, own_scale ? ", on their own scale" : "");
    char a[48], b[48];
    for (int k = 0; k <= (int)ticks; k++) {
        double v = vstep * k;
        fprintf(f,
                "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>"
                "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>",
                ML, W - MR, Y(v), Y(v), ML - 6, Y(v) + 4, num(v, b, sizeof b));
    }
    fputs("</g>\n<polygon class=\"band\" points=\"", f);
    for (int y = ya; y <= yb; y++)
        fprintf(f, "%.1f,%.1f ", X(y), Y(progress_at(r, o, y).upper));
    for (int y = yb; y >= ya; y--)
        fprintf(f, "%.1f,%.1f ", X(y), Y(progress_at(r, o, y).lower));
    fputs("\"/>\n<polyline class=\"central\" points=\"", f);
    for (int y = ya; y <= yb; y++)
        fprintf(f, "%.1f,%.1f ", X(y), Y(progress_at(r, o, y).central));
    fputs("\"/>\n", f);
    if (!own_scale) {
        double vy = Y((double)t->volume);
        fprintf(f,
                "<line class=\"target\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" "
                "y2=\"%.1f\"/><text x=\"%.1f\" y=\"%.1f\">target %s t</text>\n",
                ML, W - MR, vy, vy, ML + 6, vy - 6,
                num((double)t->volume, b, sizeof b));
    }
    int step = (yb - ya) / 10 + 1;
    for (int y = ya; y <= yb; y += step)
        fprintf(f,
                "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%d</text>",
                X(y), H - MB + 18, y);
    if (own_scale) {
        double top0 = band_top(r, o, ya, yb);
        fprintf(
            f,
            "\n</svg><figcaption class=\"note\">The same units on their "
            "own scale. The target, %s&#8239;t, is %s times the top of "
            "the band and lies far above this chart.</figcaption>"
            "</figure>\n",
            num((double)t->volume, a, sizeof a),
            num(top0 > 0 ? floor((double)t->volume / top0) : 0, b, sizeof b));
    } else {
        fputs("\n</svg><figcaption class=\"note\">Units counted towards "
              "the target up to each year: central case (line) and Monte "
              "Carlo bounds (band), against the target (dashed)."
              "</figcaption></figure>\n",
              f);
    }
#undef X
#undef Y
}

/* "(+78.4 points of probability, 41.5 % of the variance)": what project
** P adds to its buyer's risk, in words. */
static void driver_part(FILE *f, const mrv_pf_party_out *o,
                        const mrv_pf_project *P)
{
    char a[48];
    double dp = o->p_target - P->p_without;
    fputs(" (", f);
    if (isfinite(dp) && dp > 0)
        fprintf(f, "+%.1f points of probability, ", 100 * dp);
    fprintf(f, "%s of the variance)",
            mrv_pf_share_text(P->var_share, "&#8239;%", a, sizeof a));
}

/* The answer to the buyer's question, first and in words: the
** probability, what share of the target the portfolio covers at all, the
** shortfall and the projects that drive it. */
static void headline(FILE *f, const mrv_pf_run *r, size_t k, const size_t *idx,
                     size_t nd)
{
    const mrv_pf_party_out *o = &r->parties[k];
    mrv_pf_reach h = mrv_pf_reach_of(r, o);
    char a[48], b[48], c[48], d[48], g[32];
    fputs("<div class=\"headline\">\n", f);
    snprintf(g, sizeof g, "%llu", (unsigned long long)r->draws);
    mrv_fmt_group(g, d, sizeof d);
    if (h.verdict == MRV_PF_NO_DRAWS) {
        fputs("<p><strong>Probability of reaching the target: not "
              "computed</strong>: the run has no draws (the central case "
              "only).</p>\n",
              f);
    } else {
        fprintf(f,
                "<p><strong>Probability of reaching the target: %s</strong>"
                ": ",
                pct(o->p_target, a, sizeof a));
        if (h.verdict == MRV_PF_NEVER)
            fprintf(f, "none of the %s draws reaches it.</p>\n", d);
        else if (h.verdict == MRV_PF_ALWAYS)
            fprintf(f, "all %s draws reach it.</p>\n", d);
        else {
            snprintf(g, sizeof g, "%llu", (unsigned long long)o->hits);
            fprintf(f, "%s of the %s draws reach it.</p>\n",
                    mrv_fmt_group(g, c, sizeof c), d);
        }
    }
    fprintf(f, "<p>The portfolio covers <strong>%s</strong> of the target",
            mrv_pf_share_text(h.cover, "&#8239;%", a, sizeof a));
    if (r->draws)
        fprintf(f, " (%s to %s over the draws)",
                mrv_pf_share_text(h.cover_lower, "&#8239;%", b, sizeof b),
                mrv_pf_share_text(h.cover_upper, "&#8239;%", c, sizeof c));
    if (h.verdict == MRV_PF_NEVER && h.cover_upper < 1)
        fputs(": it holds too few units to reach it, whatever the "
              "uncertainty; the shortfall is the gap, not a risk",
              f);
    else if (h.verdict == MRV_PF_ALWAYS)
        fputs(": even its lowest draws reach it", f);
    fputs(".</p>\n", f);
    fprintf(f,
            "<p>Shortfall: %s&#8239;t in the central case; %g&#8239;%% "
            "range %s to %s&#8239;t (median %s&#8239;t).</p>\n",
            num(o->shortfall.central, a, sizeof a), 100 * r->confidence,
            num(o->shortfall.lower, b, sizeof b),
            num(o->shortfall.upper, c, sizeof c),
            num(o->shortfall.median, d, sizeof d));
    fprintf(f,
            "<p>Units counted towards it: %s&#8239;t in the central case; "
            "%g&#8239;%% range %s to %s&#8239;t (median %s&#8239;t), "
            "counted by %s.</p>\n",
            num(o->counted.central, a, sizeof a), 100 * r->confidence,
            num(o->counted.lower, b, sizeof b),
            num(o->counted.upper, c, sizeof c),
            num(o->counted.median, d, sizeof d),
            mrv_pf_count_names[o->spec->target.count]);
    if (r->draws && nd) {
        fputs("<p>Driving it: ", f);
        size_t shown = nd < 3 ? nd : 3;
        for (size_t j = 0; j < shown; j++) {
            const mrv_pf_project *P = &r->projects[idx[j]];
            if (j) fputs(j + 1 == shown ? " and " : ", ", f);
            mrv_html_str(f, P->id);
            driver_part(f, o, P);
        }
        fputs(".</p>\n", f);
    }
    fputs("</div>\n", f);
}

static void targets(FILE *f, const mrv_pf_run *r)
{
    char a[48], b[48], c[48];
    for (size_t k = 0; k < r->nparties; k++) {
        const mrv_pf_party_out *o = &r->parties[k];
        if (!o->has_target) continue;
        const mrv_pf_target *t = &o->spec->target;
        fprintf(f, "<section id=\"target-%s\">\n<h2>%s: %s&#8239;t ", o->code,
                o->code, num((double)t->volume, a, sizeof a));
        if (t->by)
            fprintf(f, "by %d</h2>\n", t->to);
        else
            fprintf(f, "in %d&#8211;%d</h2>\n", t->from, t->to);
        size_t *idx = malloc((r->nprojects + 1) * sizeof *idx);
        size_t nd = idx ? mrv_pf_drivers(r, k, idx) : 0;
        headline(f, r, k, idx, nd);
        chart(f, r, o, false);
        /* The units against a target many times larger are a line at
        ** zero: show them on their own scale as well. */
        int ya = r->y0, yb = t->to;
        double bt = band_top(r, o, ya, yb);
        if (bt > 0 && (double)t->volume > OWN_SCALE * bt) chart(f, r, o, true);
        fputs("<h3>What drives the risk</h3>\n<div class=\"scroll\"><table>"
              "<tr><th>project</th><th>host</th><th>central&#8239;t</th>"
              "<th>mean&#8239;t</th><th>sd&#8239;t</th><th>probability "
              "without it</th><th>share of the variance</th></tr>\n",
              f);
        for (size_t j = 0; j < nd && j < MRV_PF_HTML_DRIVERS; j++) {
            const mrv_pf_project *P = &r->projects[idx[j]];
            fputs("<tr><td>", f);
            mrv_html_str(f, P->id);
            fprintf(f, "</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td>",
                    P->host, num(P->central, a, sizeof a),
                    num(P->mean, b, sizeof b), num(P->sd, c, sizeof c));
            fprintf(f, "<td>%s</td>", pct(P->p_without, a, sizeof a));
            fprintf(f, "<td>%s</td></tr>\n", pct(P->var_share, b, sizeof b));
        }
        if (nd > MRV_PF_HTML_DRIVERS)
            fprintf(f,
                    "<tr><td colspan=\"7\">&#8230; and %zu more projects "
                    "(contributions.csv)</td></tr>\n",
                    nd - MRV_PF_HTML_DRIVERS);
        free(idx);
        fputs("</table></div>\n<p class=\"note\">Most important first. The "
              "probability without a "
              "project is the share of draws that reach the target with its "
              "units taken away; its share of the variance is the covariance "
              "of its units with the total over the variance of the total "
              "(the shares add up to 100&#8239;%).</p>\n</section>\n",
              f);
    }
}

static void adjustments(FILE *f, const mrv_pf_run *r)
{
    char a[48], b[48], c[48];
    bool any = false;
    for (size_t k = 0; k < r->nparties; k++) {
        const mrv_pf_party_out *o = &r->parties[k];
        if (!o->has_ndc) continue;
        if (!any)
            fputs("<section id=\"adjustments\">\n"
                  "<h2>Corresponding adjustments for the NDC year</h2>\n"
                  "<div class=\"scroll\"><table><tr><th>Party</th><th>NDC "
                  "year</th><th>method</th><th>central&#8239;t</th>"
                  "<th>lower&#8239;t</th><th>upper&#8239;t</th></tr>\n",
                  f);
        any = true;
        const mrv_pf_ndc *n = &o->spec->ndc;
        for (int m = 0; m < MRV_NCA; m++)
            fprintf(f,
                    "<tr><td>%s</td><td>%d (from %d)</td><td>%s%s</td>"
                    "<td>%s</td><td>%s</td><td>%s</td></tr>\n",
                    o->code, n->year, n->first, mrv_ca_method_names[m],
                    (int)n->method == m ? " (chosen)" : "",
                    num(o->ca[m].central, a, sizeof a),
                    num(o->ca[m].lower, b, sizeof b),
                    num(o->ca[m].upper, c, sizeof c));
    }
    if (any)
        fputs("</table></div>\n<p class=\"note\">A host adds (+) the units it "
              "first transfers, a buyer subtracts (&#8722;) the units it "
              "uses. Trajectory: the target year's own amount; budget: the "
              "amount over the implementation period; averaging: that amount "
              "over the number of years in the period.</p>\n</section>\n",
              f);
}

static void hosts(FILE *f, const mrv_pf_run *r)
{
    char a[48], b[48], c[48], d[48];
    fputs("<section id=\"hosts\">\n<h2>Hosts</h2>\n<div class=\"scroll\">"
          "<table><tr><th>Party</th>"
          "<th>issued&#8239;t</th><th>kept&#8239;t</th><th>kept share</th>"
          "<th>must keep</th><th>probability of keeping it</th></tr>\n",
          f);
    for (size_t k = 0; k < r->nparties; k++) {
        const mrv_pf_party_out *o = &r->parties[k];
        if (!o->host) continue;
        char keep[40] = "&#8212;";
        if (o->spec && o->spec->has_keep)
            mrv_dec_format_percent(o->spec->keep, keep, sizeof keep);
        fprintf(f,
                "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td>"
                "<td>%s</td><td>%s</td></tr>\n",
                o->code, num(o->issued.central, a, sizeof a),
                num(o->kept.central, b, sizeof b),
                pct(o->kept_share.central, c, sizeof c), keep,
                o->spec && o->spec->has_keep ? pct(o->p_keep, d, sizeof d)
                                             : "&#8212;");
    }
    fputs("</table></div>\n</section>\n", f);
}

static void shared(FILE *f, const mrv_pf_run *r)
{
    fputs("<section id=\"shared\">\n"
          "<h2>Inputs drawn once for several projects</h2>\n",
          f);
    if (!r->nshares) {
        fputs("<p>None: every project's draws are its own.</p>\n</section>\n",
              f);
        return;
    }
    fputs("<div class=\"scroll\"><table><tr><th>input</th><th>kind</th>"
          "<th>uncertainty</th><th>projects</th></tr>\n",
          f);
    for (size_t i = 0; i < r->nshares; i++) {
        const mrv_pf_share *s = &r->shares[i];
        fputs("<tr><td>", f);
        mrv_html_str(f, s->name);
        fprintf(f, "</td><td>%s</td><td>",
                s->declared ? "declared shared" : "factor entry");
        mrv_html_str(f, s->text);
        fputs("</td><td>", f);
        for (size_t j = 0; j < s->nprojects; j++) {
            if (j) fputs(", ", f);
            mrv_html_str(f, r->projects[s->projects[j]].id);
        }
        fputs("</td></tr>\n", f);
    }
    fputs("</table></div>\n</section>\n", f);
}

static void provenance(FILE *f, const mrv_pf_run *r)
{
    fputs("<section id=\"provenance\">\n<h2>Projects and provenance</h2>\n"
          "<div class=\"scroll\"><table>"
          "<tr><th>project</th><th>methodology</th><th>host</th><th>buyer"
          "</th><th>agreement</th><th>file</th></tr>\n",
          f);
    for (size_t i = 0; i < r->nprojects; i++) {
        const mrv_pf_project *P = &r->projects[i];
        fputs("<tr><td>", f);
        mrv_html_str(f, P->id);
        fputs("</td><td>", f);
        mrv_html_str(f, P->run->bound->meth->id);
        fprintf(f, "</td><td>%s</td><td>%s</td><td>%s</td><td><code>", P->host,
                P->buyer, P->assumed ? "assumed by the portfolio" : "its own");
        mrv_html_str(f, P->entry->path);
        fputs("</code></td></tr>\n", f);
    }
    fprintf(f,
            "</table></div>\n<p class=\"note\">mrv %s; portfolio file "
            "<code class=\"hash\">",
            MRV_VERSION_STRING);
    mrv_html_str(f, r->pf->doc->path);
    fprintf(f,
            "</code> (SHA-256 <code class=\"hash\">%s</code>). Every input "
            "file and its "
            "digest is listed in report.json.</p>\n</section>\n",
            r->pf->doc->sha256_hex);
}

bool mrv_pf_html(const mrv_pf_run *r, FILE *f)
{
    const mrv_portfolio *pf = r->pf;
    head(f, pf);
    fputs("<h1>", f);
    mrv_html_str(f, pf->title ? pf->title : pf->id);
    fputs("</h1>\n<p class=\"note\">Portfolio <code>", f);
    mrv_html_str(f, pf->id);
    char g[32], nd[32];
    snprintf(g, sizeof g, "%llu", (unsigned long long)r->draws);
    fprintf(f,
            "</code>: %zu projects, %s draws, seed %llu, bounds at "
            "%g&#8239;%%.</p>\n",
            r->nprojects, mrv_fmt_group(g, nd, sizeof nd),
            (unsigned long long)r->seed, 100 * r->confidence);
    if (pf->source) {
        fputs("<p class=\"note\">Source: ", f);
        mrv_html_str(f, pf->source);
        fputs("</p>\n", f);
    }
    targets(f, r);
    adjustments(f, r);
    hosts(f, r);
    shared(f, r);
    provenance(f, r);
    fputs("</body>\n</html>\n", f);
    return !ferror(f);
}
