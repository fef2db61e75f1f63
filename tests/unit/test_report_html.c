/*
** test_report_html.c -- report.html (report_html.c, docs/outputs.md).
**
** Small projects are written into a scratch folder and run through the
** whole pipeline: one with Monte Carlo draws, an allocation, a negative
** vintage and hostile strings in every free-text field it has; one
** central-only with partial vintages; one removals methodology.  A run
** built by hand carries NaN and infinities in its statistics.  Every page
** must be well formed (tags balanced, only the elements the writer emits),
** carry no NaN or inf, show every hostile string as text, and be the same
** bytes however often and with however many threads it is made.
*/
#include "testutil.h"

#include <ctype.h>
#include <dirent.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include "fixture.h"
#include "ledger.h"
#include "report.h"
#include "run.h"

/* ---- inputs ------------------------------------------------------------ */

static const char meth_reductions[] =
    "methodology: given\n"
    "title: \"Given <b>reductions</b> & 'quotes'\"\n"
    "reference: \"ref <i>AMS</i> v1\"\n"
    "version: 2\n"
    "parameters:\n"
    "  X: {unit: tCO2e, over: [vintage]}\n"
    "  K: {unit: 1}\n"
    "equations:\n"
    "  BE: {unit: tCO2e, formula: \"X * K\"}\n"
    "  PE: {unit: tCO2e, formula: \"0\"}\n"
    "  LE: {unit: tCO2e, formula: \"0\"}\n"
    "  ER: {unit: tCO2e, formula: \"BE - PE - LE\"}\n"
    "results: {baseline: BE, project: PE, leakage: LE, reductions: ER}\n";

static const char table_hostile[] =
    "table: tbl\n"
    "source: \"<script>alert('source')</script>\"\n"
    "entries:\n"
    "  k: {value: 1, unit: 1}\n";

/* Monte Carlo, an allocation with a buyer volume, a negative vintage
** (2027 issues nothing) and hostile text wherever a project has any. */
static const char project_mc[] =
    "project: hostile\n"
    "title: \"<script>alert(1)</script> & Co\"\n"
    "description: \"</p><img src=x onerror=alert(2)>\"\n"
    "methodology: ./m.yaml\n"
    "host: KHM\n"
    "crediting_period: {first: 2025, last: 2028}\n"
    "factors: [./t.yaml]\n"
    "parameters:\n"
    "  X: {value: {2025: 1000000, 2026: 2000000, 2027: -500000, "
    "2028: 1500000}, uncertainty: 10%}\n"
    "  K: tbl/k\n"
    "monte_carlo: {draws: 2000, seed: 7, confidence: 0.9}\n"
    "allocation:\n"
    "  buyer: KOR\n"
    "  source: \"<iframe>LoA</iframe>\"\n"
    "  deductions:\n"
    "    - {name: sop, rate: 0.05, to: adaptation_fund}\n"
    "  split: {buyer_volume: 2000000, order: buyer_first}\n";

/* Central case only, partial first and last vintages, one negative. */
static const char project_partial[] =
    "project: partial\n"
    "methodology: ./m.yaml\n"
    "crediting_period: {start: 2024-07-01, end: 2026-03-31}\n"
    "parameters:\n"
    "  X: {2024: 300, 2025: -650, 2026: 170}\n"
    "  K: 1\n";

static const char meth_removals[] =
    "methodology: sink\n"
    "kind: removals\n"
    "parameters:\n"
    "  G: {unit: tCO2e, over: [vintage]}\n"
    "equations:\n"
    "  BSL: {unit: tCO2e, formula: \"0\"}\n"
    "  ACT: {unit: tCO2e, formula: \"G\"}\n"
    "  LK: {unit: tCO2e, formula: \"G * 0.1\"}\n"
    "  NET: {unit: tCO2e, formula: \"ACT - BSL - LK\"}\n"
    "results: {baseline: BSL, project: ACT, leakage: LK, reductions: NET}\n";

static const char project_removals[] =
    "project: sink-project\n"
    "methodology: ./r.yaml\n"
    "host: MNG\n"
    "crediting_period: {first: 2026, last: 2030}\n"
    "parameters:\n"
    "  G: {value: {2026: 10, 2027: 400, 2028: 900, 2029: 1300, 2030: 1600},"
    " uncertainty: 20%}\n"
    "monte_carlo: {draws: 1000, seed: 3}\n"
    "allocation:\n"
    "  buyer: KOR\n"
    "  deductions:\n"
    "    - {name: buffer, rate: 0.2, to: buffer_pool}\n"
    "  split: {buyer_share: 0.5}\n";

/* A methodology with rules, one answered by a choice; hostile text in a
** rule and in the project's reason. */
static const char meth_rules[] =
    "methodology: ruled\n"
    "dimensions: {site: {description: sites}}\n"
    "parameters:\n"
    "  X: {unit: tCO2e}\n"
    "  Y: {unit: t, over: [site]}\n"
    "  LIMIT: {unit: tCO2e, default: 60000}\n"
    "  ROUTE: {choice: [capped, programme]}\n"
    "rules:\n"
    "  limit: {text: \"at most <b>60 kt</b> a year\", source: \"17/CP.7 & "
    "1/CMP.2\", choice: ROUTE}\n"
    "  consumption: {text: \"electricity consumed at a consumption factor\"}\n"
    "equations:\n"
    "  BE: {unit: tCO2e, formula: \"if(ROUTE == 'capped', min(X, LIMIT), "
    "X)\"}\n"
    "  PE: {unit: tCO2e, formula: \"0\"}\n"
    "  LE: {unit: tCO2e, formula: \"0\"}\n"
    "  ER: {unit: tCO2e, formula: \"BE - PE - LE\"}\n"
    "results: {baseline: BE, project: PE, leakage: LE, reductions: ER}\n";

static const char project_ruled[] =
    "project: ruled\n"
    "methodology: ./rules-m.yaml\n"
    "crediting_period: {first: 2030, last: 2030}\n"
    "dimensions: {site: [north, south]}\n"
    "parameters:\n"
    "  X: {value: 90000, source: a PDD table}\n"
    "  Y: {north: {value: 1, assumption: a guess}, south: {value: 2, "
    "source: a survey}}\n"
    "  ROUTE: {value: programme, assumption: \"<i>three</i> CPAs\"}\n";

/* Two normal inputs, one adding to the reductions and one taking away:
** Var ER = 40^2 + 30^2 = 2500, so X explains 1600 / 2500 = 64 % of it
** and Y 36 %; for normals Spearman's rho is (6 / pi) asin(r / 2) with
** r = 0.8 and -0.6: +0.786 and -0.582. */
static const char meth_two[] =
    "methodology: two\n"
    "parameters:\n"
    "  X: {unit: tCO2e}\n"
    "  Y: {unit: tCO2e}\n"
    "equations:\n"
    "  BE: {unit: tCO2e, formula: \"X\"}\n"
    "  PE: {unit: tCO2e, formula: \"Y\"}\n"
    "  LE: {unit: tCO2e, formula: \"0\"}\n"
    "  ER: {unit: tCO2e, formula: \"BE - PE - LE\"}\n"
    "results: {baseline: BE, project: PE, leakage: LE, reductions: ER}\n";

static const char project_two[] =
    "project: two\n"
    "methodology: ./two-m.yaml\n"
    "crediting_period: {first: 2030, last: 2030}\n"
    "parameters:\n"
    "  X: {value: 1000, uncertainty: {dist: normal, sd: 40}}\n"
    "  Y: {value: 200, uncertainty: {dist: normal, sd: 30}}\n"
    "monte_carlo: {draws: 20000, seed: 5}\n";

/* Nine vintages of 10^15 - 1 t and one of 7,199,254,741,002 t: the
** crediting period issues 2^53 + 1 units, which no double holds. */
static const char project_big[] =
    "project: big\n"
    "methodology: ./m.yaml\n"
    "host: KHM\n"
    "crediting_period: {first: 2030, last: 2031}\n"
    "parameters:\n"
    "  X: {2030: 999999999999999, 2031: 1}\n"
    "  K: 1\n"
    "allocation:\n"
    "  buyer: KOR\n"
    "  split: {buyer_share: 1}\n";

/* ---- helpers ----------------------------------------------------------- */

typedef struct fixture {
    char *dir;
    mrv_diag *diag;
} fixture;

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    if (!fx) return -1;
    fx->dir = fx_mkdtemp();
    free(fx_write(fx->dir, "m.yaml", meth_reductions));
    free(fx_write(fx->dir, "r.yaml", meth_removals));
    free(fx_write(fx->dir, "t.yaml", table_hostile));
    free(fx_write(fx->dir, "mc.yaml", project_mc));
    free(fx_write(fx->dir, "partial.yaml", project_partial));
    free(fx_write(fx->dir, "removals.yaml", project_removals));
    free(fx_write(fx->dir, "rules-m.yaml", meth_rules));
    free(fx_write(fx->dir, "ruled.yaml", project_ruled));
    free(fx_write(fx->dir, "two-m.yaml", meth_two));
    free(fx_write(fx->dir, "two.yaml", project_two));
    free(fx_write(fx->dir, "big.yaml", project_big));
    fx->diag = mrv_diag_new();
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    char *out = fx_path(fx->dir, "out");
    fx_rmtree(out);
    free(out);
    fx_rmtree(fx->dir);
    free(fx->dir);
    mrv_diag_free(fx->diag);
    free(fx);
    return 0;
}

/* Runs project file 'name' of the fixture on 'threads' threads. */
static mrv_run *run_project(fixture *fx, const char *name, unsigned threads)
{
    char *path = fx_path(fx->dir, name);
    mrv_options opt;
    memset(&opt, 0, sizeof opt);
    opt.search = fx_search();
    opt.threads = threads;
    mrv_run *run = NULL;
    mrv_diag_reset(fx->diag);
    mrv_status st = mrv_run_new(path, &opt, &run, fx->diag);
    if (st != MRV_OK) {
        char msg[512];
        const mrv_diag_entry *e = mrv_diag_first(fx->diag);
        if (e) mrv_diag_format(e, msg, sizeof msg);
        fail_msg("%s: %s", name, e ? msg : "failed");
    }
    free(path);
    return run;
}

/* The whole of file 'path' (the test fails if it cannot be read). */
static char *bytes_of(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f) fail_msg("cannot open '%s'", path);
    char *buf = NULL;
    size_t cap = 0;
    *n = 0;
    for (;;) {
        if (*n == cap) {
            cap = cap ? 2 * cap : 4096;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
        size_t k = fread(buf + *n, 1, cap - *n, f);
        *n += k;
        if (k == 0) break;
    }
    fclose(f);
    return buf;
}

static char *html_of(const mrv_run *run)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    assert_non_null(f);
    assert_true(mrv_report_html(run, f));
    assert_int_equal(fclose(f), 0);
    return buf;
}

static size_t count(const char *s, const char *sub)
{
    size_t n = 0;
    for (const char *p = s; (p = strstr(p, sub)); p += strlen(sub)) n++;
    return n;
}

/* Occurrences of 'sub' in the first chart (the reductions), which the
** page draws first: other charts have points and bands of their own. */
static size_t count_first_chart(const char *html, const char *sub)
{
    const char *a = strstr(html, "<figure");
    const char *b = a ? strstr(a, "</figure>") : NULL;
    assert_non_null(b);
    size_t n = 0;
    for (const char *p = a; (p = strstr(p, sub)) && p < b; p += strlen(sub))
        n++;
    return n;
}

/* The elements report_html.c emits; anything else is injected markup. */
static const char *const allowed_tags[] = {
    "html", "head", "meta",   "title",   "style",    "body",       "header",
    "h1",   "h2",   "h3",     "p",       "code",     "dl",         "dt",
    "dd",   "div",  "strong", "section", "figure",   "figcaption", "svg",
    "g",    "line", "text",   "polygon", "polyline", "circle",     "rect",
    "path", "ul",   "li",     "span",    "table",    "thead",      "tbody",
    "tr",   "th",   "td",     "br"};
static const char *const void_tags[] = {"meta", "br"};

static bool in_list(const char *name, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(name, list[i]) == 0) return true;
    return false;
}

/* Fails unless the page starts with the doctype, ends with </html>, every
** element is one of allowed_tags, and every element opened is closed in
** order (void elements and '/>' excepted).  No '<' may appear except as
** a tag. */
static void assert_well_formed(const char *html)
{
    assert_true(strncmp(html, "<!DOCTYPE html>\n", 16) == 0);
    size_t len = strlen(html);
    assert_true(len > 8 && strcmp(html + len - 8, "</html>\n") == 0);
    char stack[64][16];
    size_t depth = 0;
    for (const char *p = html; (p = strchr(p, '<'));) {
        if (strncmp(p, "<!DOCTYPE", 9) == 0) {
            p = strchr(p, '>');
            assert_non_null(p);
            continue;
        }
        bool closing = p[1] == '/';
        const char *s = p + (closing ? 2 : 1);
        size_t k = 0;
        char name[16];
        while (isalnum((unsigned char)s[k]) && k + 1 < sizeof name) {
            name[k] = s[k];
            k++;
        }
        name[k] = '\0';
        if (!in_list(name, allowed_tags,
                     sizeof allowed_tags / sizeof *allowed_tags))
            fail_msg("unexpected element <%s%s> at offset %ld",
                     closing ? "/" : "", name, (long)(p - html));
        const char *end = strchr(s, '>');
        assert_non_null(end);
        /* An attribute never holds '<' (it is escaped). */
        const char *lt = strchr(s, '<');
        assert_true(lt == NULL || lt > end);
        if (closing) {
            if (depth == 0 || strcmp(stack[depth - 1], name) != 0)
                fail_msg("</%s> closes <%s> at offset %ld", name,
                         depth ? stack[depth - 1] : "(nothing)",
                         (long)(p - html));
            depth--;
        } else if (end[-1] != '/' &&
                   !in_list(name, void_tags,
                            sizeof void_tags / sizeof *void_tags)) {
            assert_true(depth < 64);
            strcpy(stack[depth++], name);
        }
        p = end + 1;
    }
    if (depth) fail_msg("<%s> is never closed", stack[depth - 1]);
}

/* Fails when "nan" or "inf" appears as a word (not inside one, as in
** "information" or a temporary folder's random "x3InFq"), in any case. */
static void assert_no_nonfinite(const char *html)
{
    static const char *const bad[] = {"nan", "inf"};
    for (const char *p = html; *p; p++)
        for (int i = 0; i < 2; i++) {
            if (strncasecmp(p, bad[i], 3) != 0) continue;
            bool before = p > html && isalnum((unsigned char)p[-1]);
            bool after = isalnum((unsigned char)p[3]);
            if (!before && !after)
                fail_msg("'%.3s' at offset %ld: ...%.40s", p, (long)(p - html),
                         p > html + 20 ? p - 20 : html);
        }
}

/* The numbers of every points="..." and of every x, y, cx, cy, width and
** height attribute must lie inside the drawing (0..760 x 0..320). */
static void assert_coordinates_inside(const char *html)
{
    static const char *const attrs[] = {
        " x=\"",      " y=\"",  " cx=\"", " cy=\"", " width=\"",
        " height=\"", " x1=\"", " y1=\"", " x2=\"", " y2=\""};
    const char *svg = strstr(html, "<svg viewBox");
    for (; svg; svg = strstr(svg + 1, "<svg viewBox")) {
        const char *end = strstr(svg, "</svg>");
        assert_non_null(end);
        for (size_t i = 0; i < sizeof attrs / sizeof *attrs; i++)
            for (const char *p = svg; (p = strstr(p, attrs[i])) && p < end;
                 p++) {
                double v = strtod(p + strlen(attrs[i]), NULL);
                if (!(v >= 0 && v <= 760))
                    fail_msg("%s%g out of the drawing", attrs[i], v);
            }
        for (const char *p = svg; (p = strstr(p, "points=\"")) && p < end;
             p++) {
            char *q = (char *)p + 8;
            while (*q != '"') {
                double v = strtod(q, &q);
                if (!(v >= 0 && v <= 760)) fail_msg("point %g outside", v);
                if (*q == ',' || *q == ' ') q++;
            }
        }
    }
}

static double attr_after(const char *p, const char *attr)
{
    const char *a = strstr(p, attr);
    assert_non_null(a);
    return strtod(a + strlen(attr), NULL);
}

/* ---- tests ------------------------------------------------------------- */

static void test_report_html_escapes_hostile_strings(void **state)
{
    fixture *fx = *state;
    mrv_run *run = run_project(fx, "mc.yaml", 1);
    char *html = html_of(run);
    assert_well_formed(html);
    /* Every hostile string shows as text. */
    assert_non_null(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt; "
                                 "&amp; Co"));
    assert_non_null(strstr(html, "&lt;/p&gt;&lt;img src=x onerror=alert(2)"
                                 "&gt;"));
    assert_non_null(strstr(html, "&lt;iframe&gt;LoA&lt;/iframe&gt;"));
    assert_non_null(strstr(html, "Given &lt;b&gt;reductions&lt;/b&gt; "
                                 "&amp; &#39;quotes&#39;"));
    assert_non_null(strstr(html, "ref &lt;i&gt;AMS&lt;/i&gt; v1"));
    assert_non_null(strstr(html, "&lt;script&gt;alert(&#39;source&#39;)"));
    assert_null(strstr(html, "<script"));
    assert_null(strstr(html, "<img"));
    assert_null(strstr(html, "<iframe"));
    assert_null(strstr(html, "<b>"));
    free(html);
    mrv_run_free(run);
}

static void test_report_html_band_and_bars(void **state)
{
    fixture *fx = *state;
    mrv_run *run = run_project(fx, "mc.yaml", 1);
    assert_non_null(run->ledger);
    char *html = html_of(run);
    assert_well_formed(html);
    assert_no_nonfinite(html);
    assert_coordinates_inside(html);
    /* Chart 1: one band over the four vintages, the central line, a point
    ** per vintage with its interval; 90 % as the project asks. */
    assert_int_equal(count_first_chart(html, "<polygon class=\"band\""), 1);
    assert_int_equal(count_first_chart(html, "<polyline class=\"central\""), 1);
    assert_int_equal(count_first_chart(html, "</title></circle>"), 4);
    assert_non_null(strstr(html, "90 % interval of 2,000 Monte Carlo "
                                 "draws"));
    assert_non_null(strstr(html, "<title>2025: 1,000,000 tCO2e; 90 % "
                                 "interval "));
    /* Thousands separators on the axis. */
    assert_non_null(strstr(html, "text-anchor=\"end\">2,000,000</text>"));
    /* Chart 2: a legend entry and colour per destination, stacked bars
    ** with the numbers of each, the buyer's volume marked. */
    assert_non_null(strstr(html, "sop (5 %) to adaptation_fund"));
    assert_non_null(strstr(html, "KHM (host)"));
    assert_non_null(strstr(html, "KOR (buyer)"));
    assert_non_null(strstr(html, "fill=\"#e0833a\"/>"));
    assert_non_null(strstr(html, "2027: issued 0 (sop 0; KHM 0; KOR 0)"));
    assert_non_null(strstr(html, "KOR&#8217;s 2,000,000 t complete"));
    assert_non_null(strstr(html, "It is complete in vintage 2026."));
    assert_non_null(strstr(html, "receives all of its contracted volume in "
                                 "<strong>"));
    /* The headline names every destination: issued 1,000,000 +
    ** 2,000,000 + 0 + (1,500,000 - the 500,000 carried from 2027); sop
    ** 5 % of each, floor: 50,000 + 100,000 + 50,000; KOR its volume, KHM
    ** the rest.  The ledger shows the shortfall carried. */
    assert_non_null(strstr(html, "Issued <strong>4,000,000</strong> units"));
    assert_non_null(strstr(html, "<li>sop (5 %): 200,000 to adaptation_fund"));
    assert_non_null(strstr(html, "KHM (host) keeps <strong>1,800,000"));
    assert_non_null(strstr(html, "<th>Carried<span class=\"u\">shortfall"));
    assert_non_null(strstr(html, "carries its shortfall forward"));
    assert_non_null(strstr(html, "KOR (buyer) receives <strong>2,000,000"));
    /* A normal input: central and mean agree, no warning. */
    assert_null(strstr(html, "centre-warning"));
    assert_non_null(strstr(html, "(central estimate); Monte Carlo mean "));
    /* Emissions, delivery with its per-vintage table, the inputs table:
    ** X written in the project without a source is an assumption, K a
    ** factor entry whose (escaped) source makes it sourced. */
    assert_non_null(strstr(html, "<h2>Baseline and project emissions per "
                                 "vintage</h2>"));
    assert_non_null(strstr(html, "<h2>Delivery to KOR</h2>"));
    assert_non_null(strstr(html, "<table id=\"delivery\">"));
    assert_non_null(strstr(html, "contracted 2,000,000 t"));
    assert_non_null(strstr(html, "<table id=\"inputs\">"));
    assert_non_null(strstr(html, "<td class=\"l w\">4 years, 2025: 1000000 "
                                 "... 2028: 1500000</td>"));
    assert_non_null(strstr(html, "<td class=\"l w\">10%</td>"));
    assert_non_null(strstr(html, "<span class=\"tag asm\">assumption</span> "
                                 "</td></tr>"));
    assert_non_null(strstr(html, "<span class=\"tag src\">sourced</span> "
                                 "&lt;script&gt;"));
    assert_non_null(strstr(html, "1 of 2 here"));
    /* The ledger table, the ledger's files, provenance. */
    assert_non_null(strstr(html, "<h2>Allocation ledger</h2>"));
    assert_non_null(strstr(html, "<code>conservativeness.csv</code>"));
    assert_non_null(strstr(html, run->bound->files[0].doc->sha256_hex));
    assert_non_null(strstr(html, "<code>tbl/k</code></td><td>1</td>"));
    assert_non_null(strstr(html, "2,000 draws, seed 7, random sampling"));
    assert_non_null(strstr(html, "mrv run "));

    mrv_ledger_outcome o = mrv_ledger_outcome_of(run->ledger);
    assert_int_equal(o.volume_done, 2026);
    assert_int_equal(o.buyer, 2000000);
    assert_string_equal(mrv_ledger_file_name(0), "ledger.csv");
    size_t nfiles = 0;
    while (mrv_ledger_file_name(nfiles)) nfiles++;
    assert_int_equal(nfiles, 5);
    free(html);
    mrv_run_free(run);
}

/* The tornado bar of input 'name' after 'from': its share (in %), its
** rank correlation, and whether it is drawn left of the middle in the
** colour of "falls". */
static void tornado_bar(const char *from, const char *name, double *share,
                        double *rho, bool *left)
{
    char key[64];
    snprintf(key, sizeof key, "<g class=\"input\"><title>%s: ", name);
    const char *p = strstr(from, key);
    assert_non_null(p);
    p += strlen(key);
    assert_int_equal(
        sscanf(p, "%lf %% of the variance, rank correlation %lf", share, rho),
        2);
    const char *r = strstr(p, "<rect x=\"");
    assert_non_null(r);
    double x = attr_after(r, " x=\""), w = attr_after(r, " width=\"");
    static const char falls_fill[] = "fill=\"#d6604d\"";
    bool falls =
        strncmp(strstr(r, "fill=\""), falls_fill, sizeof falls_fill - 1) == 0;
    /* The bar starts or ends at the middle, 200 of 400. */
    assert_true(falls ? fabs(x + w - 200) < 0.11 : fabs(x - 200) < 0.11);
    *left = falls;
}

static void test_report_html_tornado(void **state)
{
    fixture *fx = *state;
    mrv_run *run = run_project(fx, "two.yaml", 2);
    char *html = html_of(run);
    assert_well_formed(html);
    assert_coordinates_inside(html);
    const char *sec = strstr(html, "<h2>Which inputs drive the uncertainty");
    assert_non_null(sec);
    const char *red = strstr(sec, "<h3>Reductions (total)</h3>");
    assert_non_null(red);
    /* Reductions first; then baseline (X alone) and project (Y alone);
    ** leakage, 0 in every draw, has none. */
    const char *base = strstr(sec, "<h3>Baseline emissions (total)</h3>");
    const char *proj = strstr(sec, "<h3>Project emissions (total)</h3>");
    assert_true(base && proj && red < base && base < proj);
    assert_null(strstr(sec, "<h3>Leakage (total)</h3>"));
    /* X on top, to the right; Y under it, to the left.  The shares are
    ** estimated from 1,024 draws: a standard error near 2 sqrt(S) (1 - S)
    ** / sqrt(N), 0.018 for S = 0.64, so 0.07 is four of them. */
    double sx, rx, sy, ry;
    bool lx, ly;
    tornado_bar(red, "X", &sx, &rx, &lx);
    tornado_bar(red, "Y", &sy, &ry, &ly);
    assert_true(strstr(red, "<title>X: ") < strstr(red, "<title>Y: "));
    assert_false(lx);
    assert_true(ly);
    assert_true(fabs(sx - 64) < 7 && fabs(sy - 36) < 7);
    assert_true(fabs(rx - 0.786) < 0.05 && fabs(ry + 0.582) < 0.05);
    /* The project total falls with nothing: Y drives it wholly, upwards. */
    tornado_bar(proj, "Y", &sy, &ry, &ly);
    assert_false(ly);
    assert_true(sy > 95 && ry > 0.99);
    assert_non_null(strstr(sec, "from the first 1,024 draws"));
    free(html);
    mrv_run_free(run);

    /* Without draws there is no section. */
    run = run_project(fx, "partial.yaml", 1);
    html = html_of(run);
    assert_null(strstr(html, "Which inputs drive the uncertainty"));
    free(html);
    mrv_run_free(run);
}

static void test_report_html_negative_and_zero(void **state)
{
    fixture *fx = *state;
    mrv_run *run = run_project(fx, "mc.yaml", 1);
    char *html = html_of(run);
    /* The negative vintage is drawn below the zero line, in red. */
    const char *zero = strstr(html, "<line class=\"zero\"");
    assert_non_null(zero);
    double y0 = attr_after(zero, " y1=\"");
    const char *neg = strstr(html, "fill=\"#b2182b\"><title>2027:");
    assert_non_null(neg);
    while (neg > html && strncmp(neg, "<circle", 7) != 0) neg--;
    assert_true(attr_after(neg, " cy=\"") > y0);
    assert_non_null(strstr(html, "<title>2027: -500,000 tCO2e"));
    assert_non_null(strstr(html, "below zero"));
    /* It issues nothing: a '0' at the foot of its empty bar. */
    assert_non_null(strstr(html, "class=\"small\">0</text>"));
    assert_non_null(strstr(html, "<tr><td>2027</td><td>-500,000.0</td>"
                                 "<td>0</td>"));
    free(html);
    mrv_run_free(run);
}

static void test_report_html_central_only_partial(void **state)
{
    fixture *fx = *state;
    mrv_run *run = run_project(fx, "partial.yaml", 1);
    assert_int_equal(run->draws, 0);
    char *html = html_of(run);
    assert_well_formed(html);
    assert_no_nonfinite(html);
    assert_coordinates_inside(html);
    /* No band, no interval column, no allocation. */
    assert_null(strstr(html, "class=\"band\""));
    assert_null(strstr(html, "% interval"));
    assert_null(strstr(html, "Allocation"));
    assert_null(strstr(html, "ledger.csv"));
    assert_non_null(strstr(html, "central case only (no Monte Carlo "
                                 "draws)"));
    assert_non_null(strstr(html, "Central case only: the run had no Monte "
                                 "Carlo draws, so there is no uncertainty "
                                 "band."));
    /* Partial vintages: starred, hollow points, their shares. */
    assert_non_null(strstr(html, "<td>2024*</td>"));
    assert_non_null(strstr(html, "<td>2026*</td>"));
    assert_non_null(strstr(html, "<td>2025</td>"));
    assert_non_null(strstr(html, "partial vintage (*)"));
    assert_non_null(strstr(html, "2024: 50.27 %; 2026: 24.66 %"));
    assert_int_equal(count(html, "fill=\"#fff\" stroke="), 2 + 1);
    /* The dates of the crediting period. */
    assert_non_null(strstr(html, "(2024-07-01 to 2026-03-31)"));
    /* 300 t x 184/366 + -650 t + 170 t x 90/365; the axis goes below
    ** zero. */
    assert_non_null(strstr(html, "<td>-650</td>"));
    assert_non_null(strstr(html, "<strong>Reductions over the crediting "
                                 "period: -457 tCO2e</strong>"));
    assert_non_null(strstr(html, "text-anchor=\"end\">-"));
    free(html);
    mrv_run_free(run);
}

/* The rules of the methodology near the top, each with the project's
** answer and its reason, escaped; the count of assumptions. */
static void test_report_html_rules(void **state)
{
    fixture *fx = *state;
    mrv_run *run = run_project(fx, "ruled.yaml", 1);
    char *html = html_of(run);
    assert_well_formed(html);
    const char *rules = strstr(html, "<h2>Rules of the methodology</h2>");
    assert_non_null(rules);
    assert_true(rules < strstr(html, "<h2>Reductions per vintage</h2>"));
    assert_non_null(strstr(html, "<li><strong>limit</strong>: at most "
                                 "&lt;b&gt;60 kt&lt;/b&gt; a year <span "
                                 "class=\"u\">17/CP.7 &amp; 1/CMP.2</span>"
                                 "<br>This project: <code>ROUTE = "
                                 "programme</code>, an assumption: "
                                 "&lt;i&gt;three&lt;/i&gt; CPAs</li>"));
    assert_non_null(strstr(html, "<li><strong>consumption</strong>: "
                                 "electricity consumed at a consumption "
                                 "factor</li>"));
    assert_non_null(strstr(html, "3 of the 4 inputs are assumptions"));
    /* Y's assumption is its north member's, named; its south member's
    ** source is listed too. */
    assert_non_null(strstr(html, "<span class=\"tag asm\">assumption</span> "
                                 "north: a guess; a survey</td>"));
    free(html);
    mrv_run_free(run);
}

static void test_report_html_removals(void **state)
{
    fixture *fx = *state;
    mrv_run *run = run_project(fx, "removals.yaml", 1);
    char *html = html_of(run);
    assert_well_formed(html);
    assert_no_nonfinite(html);
    assert_coordinates_inside(html);
    assert_non_null(strstr(html, "<h2>Net removals per vintage</h2>"));
    assert_non_null(strstr(html, "Net removals over the crediting period"));
    assert_non_null(strstr(html, ">Baseline removals<"));
    assert_non_null(strstr(html, ">Actual removals<"));
    assert_null(strstr(html, "Reductions"));
    assert_non_null(strstr(html, "buffer (20 %) to buffer_pool"));
    assert_non_null(strstr(html, "50 % of what the deductions leave"));
    assert_int_equal(count_first_chart(html, "<polygon class=\"band\""), 1);
    /* Removals add the cumulative stock, with its band of the draws'
    ** cumulative sums. */
    assert_non_null(strstr(html, "<h2>Cumulative carbon stock</h2>"));
    assert_int_equal(count(html, "<polygon class=\"band\""), 2);
    free(html);
    mrv_run_free(run);
}

/* The ledger's whole tonnes are printed from the integers: the total
** row issues the most a crediting period may (10^15 t, test_ledger) and
** the buyer receives them all. */
static void test_report_html_ledger_exact_tonnes(void **state)
{
    fixture *fx = *state;
    mrv_run *run = run_project(fx, "big.yaml", 1);
    char *html = html_of(run);
    assert_well_formed(html);
    const char *ledger = strstr(html, "<h2>Allocation ledger</h2>");
    assert_non_null(ledger);
    const char *total = strstr(ledger, "<tr class=\"total\">");
    assert_non_null(total);
    /* Estimate (a double), issued, host, buyer: the most a ledger holds
    ** over a crediting period, every tonne printed. */
    assert_non_null(strstr(total, "</td><td>1,000,000,000,000,000</td><td>0"
                                  "</td><td>1,000,000,000,000,000</td></tr>"));
    free(html);
    mrv_run_free(run);
}

static void test_report_html_deterministic(void **state)
{
    fixture *fx = *state;
    mrv_run *a = run_project(fx, "mc.yaml", 1);
    mrv_run *b = run_project(fx, "mc.yaml", 3);
    char *h1 = html_of(a), *h2 = html_of(a), *h3 = html_of(b);
    assert_string_equal(h1, h2);
    assert_string_equal(h1, h3);

    /* Through the output set: report.html after report.json, and the
    ** same bytes. */
    char *out = fx_path(fx->dir, "out");
    char names[512];
    mrv_diag_reset(fx->diag);
    assert_status(mrv_report_write_named(a, out, names, sizeof names, fx->diag),
                  MRV_OK);
    assert_non_null(strstr(names, "vintages.csv, sensitivity.csv, "
                                  "report.json, report.html, report.xlsx, "
                                  "ledger.csv"));
    char *path = fx_path(out, "report.html");
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *disk = calloc(1, strlen(h1) + 2);
    assert_non_null(disk);
    size_t n = fread(disk, 1, strlen(h1) + 1, f);
    fclose(f);
    assert_int_equal(n, strlen(h1));
    assert_string_equal(disk, h1);
    free(disk);
    free(path);

    /* The whole set from the run on 3 threads, whose files other than
    ** report.xlsx are written on a thread of their own meanwhile, holds the
    *same files in the same order, each with the same bytes
    ** as the set from the run on one thread, written file after file. */
    char *out3 = fx_path(fx->dir, "out3");
    char names3[512];
    assert_status(
        mrv_report_write_named(b, out3, names3, sizeof names3, fx->diag),
        MRV_OK);
    assert_string_equal(names3, names);
    size_t nfiles = 0;
    for (char *name = strtok(names3, ", "); name; name = strtok(NULL, ", ")) {
        char *p1 = fx_path(out, name), *p3 = fx_path(out3, name);
        size_t n1 = 0, n3 = 0;
        char *b1 = bytes_of(p1, &n1), *b3 = bytes_of(p3, &n3);
        if (n1 != n3 || memcmp(b1, b3, n1) != 0)
            fail_msg("%s differs between 1 and 3 threads", name);
        assert_true(n1 > 0);
        nfiles++;
        free(b1);
        free(b3);
        free(p1);
        free(p3);
    }
    /* Every file the folder holds was compared. */
    DIR *dp = opendir(out3);
    assert_non_null(dp);
    size_t held = 0;
    for (struct dirent *de; (de = readdir(dp));) held += de->d_name[0] != '.';
    closedir(dp);
    assert_true(nfiles >= 6); /* ours, and the ledger's */
    assert_int_equal(held, nfiles);
    fx_rmtree(out3);
    free(out3);
    free(out);
    free(h1);
    free(h2);
    free(h3);
    mrv_run_free(a);
    mrv_run_free(b);
}

/* A failed set leaves no report.html (nor anything else) behind: here
** every write past 2 KiB fails, as under 'ulimit -f', so report.html
** cannot be written. */
static void failed_write_leaves_nothing(fixture *fx, unsigned threads)
{
    mrv_run *run = run_project(fx, "partial.yaml", threads);
    char *out = fx_path(fx->dir, "out-fail");
    struct rlimit was, small = {2048, 2048};
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &was), 0);
    small.rlim_max = was.rlim_max;
    void (*old)(int) = signal(SIGXFSZ, SIG_IGN);
    mrv_diag_reset(fx->diag);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
    mrv_status st = mrv_report_write(run, out, fx->diag);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &was), 0);
    signal(SIGXFSZ, old);
    assert_status(st, MRV_EIO);
    assert_non_null(strstr(fx_first_msg(fx->diag), "File too large"));
    for (size_t i = 0; i < mrv_diag_count(fx->diag); i++)
        assert_null(strstr(mrv_diag_get(fx->diag, i)->msg, "report.xlsx"));
    /* Neither the folder nor anything beside it. */
    struct stat sb;
    assert_int_not_equal(stat(out, &sb), 0);
    DIR *dp = opendir(fx->dir);
    assert_non_null(dp);
    struct dirent *de;
    while ((de = readdir(dp)))
        if (strstr(de->d_name, "out-fail"))
            fail_msg("'%s' left behind", de->d_name);
    closedir(dp);
    free(out);
    mrv_run_free(run);
}

static void test_report_html_failed_write_leaves_nothing(void **state)
{
    fixture *fx = *state;
    failed_write_leaves_nothing(fx, 1);
    /* report.xlsx, written while another thread writes the other
    ** files, fails too; the failure reported is still the first in the
    ** order the files are listed (report.json's or report.html's). */
    failed_write_leaves_nothing(fx, 2);
}

/* Statistics that went non-finite (they never should) print as "n/a"
** and stay out of the charts. */
static void test_report_html_guards_non_finite(void **state)
{
    (void)state;
    mrv_project p;
    memset(&p, 0, sizeof p);
    p.id = "by-hand";
    mrv_equation eqs[MRV_NRESULTS];
    memset(eqs, 0, sizeof eqs);
    for (int r = 0; r < MRV_NRESULTS; r++) eqs[r].unit_text = "tCO2e/yr";
    mrv_methodology m;
    memset(&m, 0, sizeof m);
    m.id = "hand";
    m.eqs = eqs;
    m.neqs = MRV_NRESULTS;
    for (int r = 0; r < MRV_NRESULTS; r++) m.results[r] = r;
    double frac[3] = {1, 1, 1};
    /* Factor values with the digits they were written with. */
    static const double values[] = {67500, 0.000123, 1e-9, 44.3, -0.0};
    mrv_factor fac[5];
    const mrv_factor *used[5];
    memset(fac, 0, sizeof fac);
    for (size_t i = 0; i < 5; i++) {
        fac[i].id = "t/f";
        fac[i].value = values[i];
        fac[i].unit_text = "kg/TJ";
        used[i] = &fac[i];
    }
    mrv_bound b;
    memset(&b, 0, sizeof b);
    b.nfactors_used = 5;
    b.factors_used = used;
    b.project = &p;
    b.meth = &m;
    b.first = 2030;
    b.last = 2032;
    b.nvint = 3;
    b.frac = frac;
    mrv_stat stats[4 * MRV_NRESULTS];
    memset(stats, 0, sizeof stats);
    for (size_t k = 0; k < 4 * MRV_NRESULTS; k++) {
        stats[k].central = stats[k].mean = stats[k].median = 1000.0 * k;
        stats[k].lower = 900.0 * k;
        stats[k].upper = 1100.0 * k;
        stats[k].ipcc_sd = (double)NAN;
        stats[k].ipcc_lower = stats[k].ipcc_upper = (double)NAN;
    }
    stats[1 * MRV_NRESULTS + MRV_RES_REDUCTIONS].central = (double)NAN;
    stats[1 * MRV_NRESULTS + MRV_RES_REDUCTIONS].upper = HUGE_VAL;
    stats[2 * MRV_NRESULTS + MRV_RES_BASELINE].central = -HUGE_VAL;
    stats[3 * MRV_NRESULTS + MRV_RES_REDUCTIONS].lower = (double)NAN;
    mrv_run run;
    memset(&run, 0, sizeof run);
    run.bound = &b;
    run.nvint = 3;
    run.stats = stats;
    run.draws = 100;
    run.confidence = 0.95;
    char *html = html_of(&run);
    assert_well_formed(html);
    assert_no_nonfinite(html);
    assert_coordinates_inside(html);
    assert_non_null(strstr(html, "n/a"));
    assert_non_null(strstr(html, "<td>67,500</td>"));
    assert_non_null(strstr(html, "<td>0.000123</td>"));
    assert_non_null(strstr(html, "<td>1e-09</td>"));
    assert_non_null(strstr(html, "<td>44.3</td>"));
    assert_non_null(strstr(html, "<td>0</td><td class=\"l\">kg/TJ"));
    assert_non_null(strstr(html, "<td class=\"l\">not given</td>"));
    /* The total is "tCO2e", not "tCO2e/yr". */
    assert_non_null(strstr(html, "over the crediting period: 15,000 "
                                 "tCO2e</strong>"));
    /* The band is broken at the vintage without bounds: two single-vintage
    ** pieces; the line too (no polyline of one point). */
    assert_int_equal(count_first_chart(html, "<rect class=\"band\""), 2);
    assert_int_equal(count_first_chart(html, "<polyline class=\"central\""), 0);
    assert_int_equal(count_first_chart(html, "</title></circle>"), 2);

    /* Everything zero: still an axis, no division by zero. */
    memset(stats, 0, sizeof stats);
    char *zero = html_of(&run);
    assert_well_formed(zero);
    assert_no_nonfinite(zero);
    assert_coordinates_inside(zero);
    free(zero);
    free(html);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report_html_escapes_hostile_strings),
        cmocka_unit_test(test_report_html_band_and_bars),
        cmocka_unit_test(test_report_html_negative_and_zero),
        cmocka_unit_test(test_report_html_central_only_partial),
        cmocka_unit_test(test_report_html_removals),
        cmocka_unit_test(test_report_html_rules),
        cmocka_unit_test(test_report_html_ledger_exact_tonnes),
        cmocka_unit_test(test_report_html_deterministic),
        cmocka_unit_test(test_report_html_failed_write_leaves_nothing),
        cmocka_unit_test(test_report_html_guards_non_finite),
        cmocka_unit_test(test_report_html_tornado),
    };
    gsl_set_error_handler_off();
    return cmocka_run_group_tests(tests, setup, teardown);
}
