/*
** test_verify.c -- 'mrv verify' (verify.c): re-run a report.json and
** compare.
**
** A small project with Monte Carlo draws is run and its report written;
** verifying it must find every number identical, on any thread count.
** Then each way a verification must fail: a number of report.json moved
** by one ulp, the seed edited, an input file changed (even by a comment,
** which changes no number), a factor table changed, an input gone; and
** --project pointing at a moved copy (same contents: passes; a changed
** methodology next to it: fails).  A report.json that is not JSON, or not
** ours, is an input error with its position.  The Cambodia demo, with its
** ledger, verifies too, and an edit in the ledger is found; so does the
** Cambodia monitoring example, and a monitored project's changed data
** file is found.
*/
#include "testutil.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include "fixture.h"
#include "json.h"
#include "report.h"
#include "run.h"
#include "sha256.h"
#include "verify.h"

static const char meth[] =
    "methodology: tiny\n"
    "dimensions:\n"
    "  fleet: {description: vehicle classes}\n"
    "parameters:\n"
    "  N:  {unit: vehicle, over: [vintage, fleet]}\n"
    "  DD: {unit: km/yr, over: [fleet]}\n"
    "  EF: {unit: kg/km, default: tbl/ef}\n"
    "  SH: {unit: 1, default: 0.5}\n"
    "equations:\n"
    "  KM: {unit: km/yr, formula: \"sum(i in fleet: N[i] * DD[i])\"}\n"
    "  BE: {unit: t, formula: \"KM * EF\"}\n"
    "  PE: {unit: t, formula: \"BE * SH\"}\n"
    "  LE: {unit: t, formula: \"0\"}\n"
    "  ER: {unit: t, formula: \"BE - PE - LE\"}\n"
    "results: {baseline: BE, project: PE, leakage: LE, reductions: ER}\n";

static const char table[] =
    "table: tbl\n"
    "source: Test source\n"
    "entries:\n"
    "  ef: {value: 200, unit: g/km, uncertainty: {dist: triangular, min: "
    "150, max: 250}}\n";

static const char project[] =
    "project: tiny\n"
    "methodology: ./m.yaml\n"
    "factors: [t.yaml]\n"
    "crediting_period: {first: 2025, last: 2027}\n"
    "dimensions: {fleet: [car, bus]}\n"
    "parameters:\n"
    "  N: {car: {2025: 10, 2026: 20, 2027: 30}, bus: {2025: 1, 2026: 2, "
    "2027: 2}}\n"
    "  DD: {car: 1000, bus: {value: 50000, uncertainty: {dist: normal, sd: "
    "5000}}}\n"
    "  SH: {value: 0.5, uncertainty: {dist: uniform, min: 0.4, max: 0.6}}\n"
    "monte_carlo: {draws: 3000, seed: 7, confidence: 0.9}\n";

typedef struct fixture {
    char *dir;
    char *report;
    mrv_diag *diag;
    char *out; /* what the last verification printed */
    mrv_verify_result res;
    /* --allow-paths: the fixture's files live under /tmp, outside the
    ** current folder (the repository), so most tests need it. */
    bool allow;
} fixture;

static mrv_search search(void)
{
    static const char *const meths[] = {"methodologies"};
    mrv_search s = fx_search();
    s.meth_dirs = meths;
    s.nmeth = 1;
    return s;
}

/* Runs 'path' as 'mrv run' does and writes its files into 'outdir'. */
static void run_and_write(const char *path, uint64_t draws, bool set,
                          const char *outdir, mrv_diag *d)
{
    mrv_options opt;
    memset(&opt, 0, sizeof opt);
    opt.search = search();
    opt.draws_set = set;
    opt.draws = draws;
    mrv_run *run = NULL;
    if (mrv_run_new(path, &opt, &run, d) != MRV_OK)
        fail_msg("%s: %s", path, fx_first_msg(d));
    assert_status(mrv_report_write(run, outdir, d), MRV_OK);
    mrv_run_free(run);
}

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    if (!fx) return -1;
    fx->dir = fx_mkdtemp();
    free(fx_write(fx->dir, "m.yaml", meth));
    free(fx_write(fx->dir, "t.yaml", table));
    char *p = fx_write(fx->dir, "p.yaml", project);
    fx->diag = mrv_diag_new();
    char *out = fx_path(fx->dir, "out");
    run_and_write(p, 0, false, out, fx->diag);
    fx->report = fx_path(out, "report.json");
    fx->allow = true;
    free(out);
    free(p);
    *state = fx;
    return 0;
}

static void rmtree2(const char *dir, const char *sub)
{
    char *p = fx_path(dir, sub);
    fx_rmtree(p);
    free(p);
}

static int teardown(void **state)
{
    fixture *fx = *state;
    rmtree2(fx->dir, "out");
    rmtree2(fx->dir, "moved");
    fx_rmtree(fx->dir);
    free(fx->dir);
    free(fx->report);
    free(fx->out);
    mrv_diag_free(fx->diag);
    free(fx);
    return 0;
}

static mrv_status verify(fixture *fx, const char *report, const char *proj,
                         unsigned threads)
{
    free(fx->out);
    fx->out = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&fx->out, &n);
    assert_non_null(f);
    mrv_verify_opts o;
    memset(&o, 0, sizeof o);
    o.report = report;
    o.project = proj;
    o.search = search();
    o.threads = threads;
    o.allow_paths = fx->allow;
    mrv_diag_reset(fx->diag);
    mrv_status st = mrv_verify(&o, f, &fx->res, fx->diag);
    fclose(f);
    return st;
}

static void printed(const fixture *fx, const char *sub)
{
    if (!strstr(fx->out, sub)) fail_msg("no '%s' in:\n%s", sub, fx->out);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    assert_non_null(s);
    assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = '\0';
    fclose(f);
    return s;
}

static void spill(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Moves the number after the anchors (each found after the one before)
** to the next double up, the smallest edit there is; returns the old and
** new text in 'was' and 'now'. */
static void nudge(const char *path, const char *const *anchors, size_t n,
                  char *was, char *now)
{
    char *s = slurp(path);
    char *p = s;
    for (size_t i = 0; i < n; i++) {
        p = strstr(p, anchors[i]);
        if (!p) fail_msg("no '%s' in %s", anchors[i], path);
        p += strlen(anchors[i]);
    }
    char *end;
    double x = strtod(p, &end);
    snprintf(was, 64, "%.*s", (int)(end - p), p);
    snprintf(now, 64, "%.17g", nextafter(x, HUGE_VAL));
    size_t len = strlen(s) + 64;
    char *t = malloc(len);
    assert_non_null(t);
    snprintf(t, len, "%.*s%s%s", (int)(p - s), s, now, end);
    spill(path, t);
    free(t);
    free(s);
}

/* ---- passing ----------------------------------------------------------- */

static void test_verify_fresh_report(void **state)
{
    fixture *fx = *state;
    assert_status(verify(fx, fx->report, NULL, 0), MRV_OK);
    if (!fx->res.identical) fail_msg("%s", fx->out);
    assert_int_equal(fx->res.inputs, 3);
    assert_int_equal(fx->res.inputs_changed, 0);
    assert_int_equal(fx->res.differences, 0);
    assert_false(fx->res.rerun_failed);
    /* 3 vintages and the total, 4 results, 13 statistics each, at least */
    assert_true(fx->res.numbers > 4 * 4 * 13);
    /* the verdict, then the inputs it vouches for, as recorded */
    char want[1024];
    snprintf(want, sizeof want,
             "verified: %zu numbers identical, inputs "
             "unchanged (3 files)\n"
             "  project: %s/p.yaml\n"
             "  methodology: %s/m.yaml\n"
             "  factors: %s/t.yaml\n",
             fx->res.numbers, fx->dir, fx->dir, fx->dir);
    assert_string_equal(fx->out, want);
}

static void test_verify_any_thread_count(void **state)
{
    fixture *fx = *state;
    size_t numbers = 0;
    for (unsigned t = 1; t <= 4; t += 3) {
        assert_status(verify(fx, fx->report, NULL, t), MRV_OK);
        assert_true(fx->res.identical);
        if (numbers) assert_int_equal(fx->res.numbers, numbers);
        numbers = fx->res.numbers;
    }
}

/* ---- failing: the report was edited ------------------------------------ */

static void test_verify_edited_number(void **state)
{
    fixture *fx = *state;
    static const char *const at[] = {"\"vintage\": 2026",
                                     "\"reductions\": ", "\"mean\": "};
    char was[64], now[64];
    nudge(fx->report, at, 3, was, now);
    assert_status(verify(fx, fx->report, NULL, 0), MRV_OK);
    assert_false(fx->res.identical);
    assert_int_equal(fx->res.differences, 1);
    assert_int_equal(fx->res.inputs_changed, 0);
    char want[256];
    snprintf(want, sizeof want,
             "vintages[2026].reductions.mean: recorded "
             "%s, now %s\n",
             now, was);
    printed(fx, want);
    printed(fx, "verification failed: 1 value differs (");
}

static void test_verify_edited_equation_and_seed(void **state)
{
    fixture *fx = *state;
    static const char *const eq[] = {"\"name\": \"KM\"", "\"2027\": "};
    char was[64], now[64];
    nudge(fx->report, eq, 2, was, now);
    assert_status(verify(fx, fx->report, NULL, 0), MRV_OK);
    assert_int_equal(fx->res.differences, 1);
    printed(fx, "equations[KM].central.2027: recorded ");

    /* A different seed draws different numbers: the statistics differ,
    ** though the report's seed is what the re-run used. */
    char *text = slurp(fx->report);
    char *seed = strstr(text, "\"seed\": 7,");
    assert_non_null(seed);
    seed[8] = '8';
    spill(fx->report, text);
    free(text);
    assert_status(verify(fx, fx->report, NULL, 0), MRV_OK);
    assert_false(fx->res.identical);
    assert_true(fx->res.differences > 10);
    assert_null(strstr(fx->out, "monte_carlo.seed"));
    printed(fx, "... and ");
}

/* ---- failing: an input changed ----------------------------------------- */

static void test_verify_changed_input(void **state)
{
    fixture *fx = *state;
    /* A comment changes no number, but the file is not the one recorded. */
    char *p = fx_path(fx->dir, "p.yaml");
    char *text = slurp(p);
    size_t len = strlen(text) + 64;
    char *t = malloc(len);
    snprintf(t, len, "%s# edited\n", text);
    spill(p, t);
    assert_status(verify(fx, fx->report, NULL, 0), MRV_OK);
    assert_false(fx->res.identical);
    assert_int_equal(fx->res.inputs_changed, 1);
    assert_int_equal(fx->res.differences, 1);
    char want[512];
    snprintf(want, sizeof want, "input %s (project) changed: sha256 recorded ",
             p);
    printed(fx, want);
    printed(fx, "verification failed: 1 input changed (");
    spill(p, text);
    assert_status(verify(fx, fx->report, NULL, 0), MRV_OK);
    assert_true(fx->res.identical);

    /* A factor table's value: the input and the numbers differ. */
    char *tp = fx_path(fx->dir, "t.yaml");
    char *tt = slurp(tp);
    spill(tp, "table: tbl\nsource: Test source\nentries:\n"
              "  ef: {value: 210, unit: g/km, uncertainty: {dist: "
              "triangular, min: 150, max: 250}}\n");
    assert_status(verify(fx, fx->report, NULL, 0), MRV_OK);
    assert_false(fx->res.identical);
    assert_int_equal(fx->res.inputs_changed, 1);
    assert_true(fx->res.differences > 1);
    printed(fx, "(factors) changed: sha256 recorded ");
    printed(fx, "vintages[2025].baseline.central: recorded ");

    /* Gone: reported, and the re-run cannot load it. */
    unlink(tp);
    assert_status(verify(fx, fx->report, NULL, 0), MRV_OK);
    assert_false(fx->res.identical);
    assert_true(fx->res.rerun_failed);
    snprintf(want, sizeof want, "input %s (factors) cannot be read: ", tp);
    printed(fx, want);
    printed(fx, "verification failed: the recorded inputs no longer run");
    assert_true(mrv_diag_error_count(fx->diag) > 0);
    spill(tp, tt);
    free(tt);
    free(tp);
    free(t);
    free(text);
    free(p);
}

/* --project: the project from elsewhere, its methodology and table found
** beside it as a run finds them; contents decide. */
static void test_verify_project_elsewhere(void **state)
{
    fixture *fx = *state;
    char *moved = fx_path(fx->dir, "moved");
    assert_int_equal(mkdir(moved, 0777), 0);
    free(fx_write(moved, "m.yaml", meth));
    free(fx_write(moved, "t.yaml", table));
    char *p = fx_write(moved, "p.yaml", project);
    assert_status(verify(fx, fx->report, p, 0), MRV_OK);
    if (!fx->res.identical) fail_msg("%s", fx->out);
    printed(fx, "note: project ");
    printed(fx, "; same sha256\n");
    printed(fx, "verified: ");

    /* the methodology beside it differs (a comment): found, and named */
    char *mtext = malloc(sizeof meth + 16);
    snprintf(mtext, sizeof meth + 16, "%s# edited\n", meth);
    char *mp = fx_write(moved, "m.yaml", mtext);
    assert_status(verify(fx, fx->report, p, 0), MRV_OK);
    assert_false(fx->res.identical);
    assert_int_equal(fx->res.inputs_changed, 1);
    printed(fx, "(methodology) differs: sha256 recorded ");
    printed(fx, mp);
    free(mp);
    free(mtext);
    free(p);
    free(moved);
}

/* ---- report.json unusable: input errors -------------------------------- */

static void test_verify_bad_reports(void **state)
{
    fixture *fx = *state;
    char *bad = fx_path(fx->dir, "bad.json");
    spill(bad, "{\n  \"engine\": {\"name\": \"mrv\", \"version\": \"0.1.0\"},\n"
               "  \"inputs\": [\n    {\"role\": \"project\" \"path\": \"p\"}\n"
               "  ]\n}\n");
    assert_status(verify(fx, bad, NULL, 0), MRV_ESYNTAX);
    fx_expect_error(fx->diag, 4, 24,
                    "expected ',' or '}' after an object "
                    "member");
    assert_string_equal(fx->out, "");

    static const struct {
        const char *text;
        unsigned line, col;
        const char *msg;
    } notours[] = {
        {"[]", 1, 1, "the top level is an array, not an object"},
        {"{}", 1, 1, "no \"engine\" member"},
        {"{\"engine\": {\"name\": \"other\", \"version\": \"1\"}}", 1, 21,
         "the engine is \"other\""},
        {"{\"engine\": {\"name\": \"mrv\", \"version\": \"1\"}, \"inputs\": "
         "{}}",
         1, 55, "\"inputs\" should be an array, not an object"},
        {"{\"engine\": {\"name\": \"mrv\", \"version\": \"1\"}, \"inputs\": "
         "[{\"role\": \"project\", \"path\": \"p.yaml\", \"sha256\": \"abc\"}],"
         " \"monte_carlo\": {}, \"vintages\": [], \"total\": {}}",
         1, 104, "\"abc\" is not a SHA-256"},
    };
    for (size_t i = 0; i < sizeof notours / sizeof *notours; i++) {
        spill(bad, notours[i].text);
        assert_status(verify(fx, bad, NULL, 0), MRV_ESCHEMA);
        fx_expect_error(fx->diag, notours[i].line, notours[i].col,
                        notours[i].msg);
        fx_expect_error(fx->diag, 0, 0, "not an mrv report: ");
    }
    unlink(bad);
    assert_status(verify(fx, bad, NULL, 0), MRV_EREF);
    fx_expect_error(fx->diag, 0, 0, "cannot read");
    /* a --project that is not there is the command line's fault */
    assert_status(verify(fx, fx->report, bad, 0), MRV_EREF);
    fx_expect_error(fx->diag, 0, 0,
                    "cannot read the project given with "
                    "--project");
    assert_string_equal(fx->out, "");
    free(bad);
}

/* ---- what verify reads -------------------------------------------------- */

/* Replaces the first 'from' in the report with 'to'; returns the 1-based
** line and column where 'to' starts. */
static void replace_in_report(fixture *fx, const char *from, const char *to,
                              unsigned *line, unsigned *col)
{
    char *s = slurp(fx->report);
    char *p = strstr(s, from);
    if (!p) fail_msg("no '%s' in the report", from);
    *line = 1;
    *col = 1;
    for (const char *q = s; q < p; q++) {
        if (*q == '\n') {
            ++*line;
            *col = 1;
        } else {
            ++*col;
        }
    }
    size_t len = strlen(s) + strlen(to) + 1;
    char *t = malloc(len);
    assert_non_null(t);
    snprintf(t, len, "%.*s%s%s", (int)(p - s), s, to, p + strlen(from));
    spill(fx->report, t);
    free(t);
    free(s);
}

/* A refused path is an input error at the path's place in the report,
** and nothing is read or printed. */
static void refused(fixture *fx, unsigned line, unsigned col, const char *sub)
{
    assert_status(verify(fx, fx->report, NULL, 0), MRV_EREF);
    const mrv_diag_entry *e = mrv_diag_first(fx->diag);
    assert_string_equal(e->pos.file, fx->report);
    fx_expect_error(fx->diag, line, col, sub);
    assert_string_equal(fx->out, "");
}

static void test_verify_confines_paths(void **state)
{
    fixture *fx = *state;
    char *p = fx_path(fx->dir, "p.yaml");
    char from[512], to[512];
    snprintf(from, sizeof from, "\"path\": \"%s\"", p);
    unsigned line, col;
    /* The fixture's own absolute paths, without --allow-paths. */
    fx->allow = false;
    replace_in_report(fx, from, from, &line, &col); /* only finds it */
    refused(fx, line, col + 8,
            "is an absolute path: verify reads only files below the current "
            "folder");
    /* --project names the project: no recorded path is read, and the
    ** re-run finds the rest as a run does. */
    assert_status(verify(fx, fx->report, p, 0), MRV_OK);
    assert_true(fx->res.identical);

    /* A tampered report naming a file outside. */
    snprintf(to, sizeof to, "\"path\": \"/etc/passwd\"");
    replace_in_report(fx, from, to, &line, &col);
    refused(fx, line, col + 8, "input path '/etc/passwd' is an absolute path");
    replace_in_report(fx, to, "\"path\": \"../../../../etc/passwd\"", &line,
                      &col);
    refused(fx, line, col + 8, "goes up with '..'");

    /* Allowed paths must still be regular files: /dev/zero and a FIFO
    ** would hang a reader. */
    fx->allow = true;
    replace_in_report(fx, "\"path\": \"../../../../etc/passwd\"",
                      "\"path\": \"/dev/zero\"", &line, &col);
    refused(fx, line, col + 8, "input path '/dev/zero' is not a regular file");
    char *fifo = fx_path(fx->dir, "fifo");
    assert_int_equal(mkfifo(fifo, 0600), 0);
    snprintf(to, sizeof to, "\"path\": \"%s\"", fifo);
    replace_in_report(fx, "\"path\": \"/dev/zero\"", to, &line, &col);
    refused(fx, line, col + 8, "is not a regular file");
    unlink(fifo);
    free(fifo);
    free(p);
}

/* What mrv_verify_compare prints for the report 'rec' recorded and
** 'now' re-run (malloc'd), its counts in *res. */
static char *compared(const char *rec, const char *now, mrv_verify_result *res)
{
    mrv_arena *a = mrv_arena_new(NULL, NULL);
    mrv_diag *d = mrv_diag_new();
    assert_non_null(a);
    assert_non_null(d);
    const mrv_json *x = NULL, *y = NULL;
    assert_status(mrv_json_parse("a", rec, strlen(rec), a, &x, d), MRV_OK);
    assert_status(mrv_json_parse("b", now, strlen(now), a, &y, d), MRV_OK);
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    assert_non_null(f);
    memset(res, 0, sizeof *res);
    mrv_verify_compare(x, y, f, res);
    fclose(f);
    mrv_diag_free(d);
    mrv_arena_free(a);
    return out;
}

/* A report whose statistics overflowed held "mean": null and the re-run
** wrote null too, so null == null passed as verified.  A null equals
** nothing where a number belongs, and still equals itself where the
** writers leave one for a value that does not apply. */
static void test_verify_null_is_not_a_number(void **state)
{
    (void)state;
    static const char *const bad =
        "{\"total\": {\"reductions\": {\"mean\": "
        "null, \"sd\": 0}}, \"equations\": [{\"central\": "
        "{\"2025\": null}}]}";
    static const char *const fine =
        "{\"total\": {\"reductions\": {\"ipcc_approach1\": {\"sd\": null}}}, "
        "\"ledger\": {\"authorized\": null, \"monte_carlo\": null, "
        "\"total\": {\"half_width\": null}}, \"equations\": [{\"description\": "
        "null}]}";
    mrv_verify_result res;
    char *out = compared(bad, bad, &res);
    assert_int_equal(res.differences, 2);
    assert_int_equal(res.numbers, 1);
    assert_non_null(strstr(out, "total.reductions.mean: null where a number "
                                "belongs"));
    assert_non_null(strstr(out, "equations[0].central.2025: null"));
    free(out);
    out = compared(fine, fine, &res);
    assert_int_equal(res.differences, 0);
    assert_string_equal(out, "");
    free(out);
}

/* A string too long to show whole is cut to 57 bytes; a cut inside a
** character showed half of it, printed as \xc3 as though the report
** held a broken byte.  The cut falls before the character instead. */
static void test_verify_cut_keeps_characters(void **state)
{
    (void)state;
    /* 56 ASCII bytes, then two-byte characters: byte 57 is the first
    ** half of the first 'é' */
    static const char *const rec =
        "{\"source\": \"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
        "AAAAAAAA\u00e9\u00e9\u00e9\u00e9\"}";
    mrv_verify_result res;
    char *out = compared(rec, "{\"source\": \"B\"}", &res);
    assert_int_equal(res.differences, 1);
    assert_string_equal(out, "source: recorded \"AAAAAAAAAAAAAAAAAAAAAAAAAAAA"
                             "AAAAAAAAAAAAAAAAAAAAAAAAAAAA...\", now \"B\"\n");
    free(out);
}

/* ---- the Cambodia demo, with its ledger -------------------------------- */

static void test_verify_demo_with_ledger(void **state)
{
    fixture *fx = *state;
    /* Run from the repository on its own files: every recorded path is
    ** below the current folder, so nothing needs allowing. */
    fx->allow = false;
    char *out = fx_path(fx->dir, "out");
    run_and_write("data/projects/cambodia-emotorcycles.yaml", 1500, true, out,
                  fx->diag);
    assert_status(verify(fx, fx->report, NULL, 2), MRV_OK);
    if (!fx->res.identical) fail_msg("%s", fx->out);
    /* The project, its methodology and two factor tables (IPCC energy,
    ** Cambodia's national NCVs). */
    assert_int_equal(fx->res.inputs, 4);
    static const char *const at[] = {"\"ledger\": ", "\"vintage\": 2027",
                                     "\"estimate\": "};
    char was[64], now[64];
    nudge(fx->report, at, 3, was, now);
    assert_status(verify(fx, fx->report, NULL, 0), MRV_OK);
    assert_false(fx->res.identical);
    assert_int_equal(fx->res.differences, 1);
    printed(fx, "ledger.");
    printed(fx, "[2027].estimate: recorded ");
    free(out);
}

/* A monitored project: its data files are inputs, hashed again; one
** value changed in one row is found, as the input and in the numbers.
** The shipped monitoring example, with its ex-ante project, verifies. */
static void test_verify_data_files(void **state)
{
    fixture *fx = *state;
    static const char mon[] =
        "project: mon\n"
        "methodology: ./m.yaml\n"
        "factors: [t.yaml]\n"
        "crediting_period: {first: 2025, last: 2027}\n"
        "dimensions: {fleet: [car, bus]}\n"
        "parameters:\n"
        "  N: {csv: d.csv, value: n, unit: vehicle, year: year,"
        " members: {fleet: fleet}}\n"
        "  DD: {car: 1000, bus: 50000}\n"
        "monitoring: {periods: [{id: MP1, start: 2025-01-01,"
        " end: 2027-12-31}]}\n";
    char *p = fx_write(fx->dir, "mon.yaml", mon);
    char *d = fx_write(fx->dir, "d.csv",
                       "year,fleet,n\n2025,car,10\n2025,bus,1\n2026,car,20\n"
                       "2026,bus,2\n2027,car,30\n2027,bus,2\n");
    char *out = fx_path(fx->dir, "out");
    run_and_write(p, 200, true, out, fx->diag);
    assert_status(verify(fx, fx->report, NULL, 0), MRV_OK);
    if (!fx->res.identical) fail_msg("%s", fx->out);
    assert_int_equal(fx->res.inputs, 4);
    spill(d, "year,fleet,n\n2025,car,10\n2025,bus,1\n2026,car,21\n"
             "2026,bus,2\n2027,car,30\n2027,bus,2\n");
    assert_status(verify(fx, fx->report, NULL, 0), MRV_OK);
    assert_false(fx->res.identical);
    assert_int_equal(fx->res.inputs_changed, 1);
    printed(fx, "(data) changed: sha256 recorded ");
    printed(fx, "vintages[2026].baseline.central: recorded ");
    free(p);
    free(d);
    /* the shipped example, from the repository: every file below it */
    fx->allow = false;
    run_and_write("data/projects/cambodia-emotorcycles-mp1.yaml", 300, true,
                  out, fx->diag);
    assert_status(verify(fx, fx->report, NULL, 2), MRV_OK);
    if (!fx->res.identical) fail_msg("%s", fx->out);
    /* project, methodology, 2 factor tables, 3 data files; the same 4
    ** YAML files again as the ex-ante project's */
    assert_int_equal(fx->res.inputs, 11);
    free(out);
}

/* Writes 'text' with its first 'from' replaced by 'to' into DIR/NAME;
** returns the path (malloc'd) and the new text's SHA-256 in 'hex'. */
static char *write_edited(const char *dir, const char *name, const char *text,
                          const char *from, const char *to, char hex[65])
{
    const char *p = strstr(text, from);
    if (!p) fail_msg("no '%s' to replace", from);
    size_t len = strlen(text) + strlen(to) + 1;
    char *t = malloc(len);
    assert_non_null(t);
    snprintf(t, len, "%.*s%s%s", (int)(p - text), text, to, p + strlen(from));
    mrv_sha256_hex(t, strlen(t), hex);
    char *path = fx_write(dir, name, t);
    free(t);
    return path;
}

/* A project folder may bring its own methodology and tables with the
** ids of shipped ones: a look-alike solar-pv (same id, title, version;
** baseline doubled) and a grid.mn table differing by a comment.  Its
** report verifies, faithfully, but with a note for each naming both
** files and both digests.  The shipped files give no such note. */
static void test_verify_lookalike_methodology(void **state)
{
    fixture *fx = *state;
    char *shipped_m = slurp("methodologies/solar-pv.yaml");
    char *shipped_t = slurp("data/factors/grid.mn.yaml");
    char *shipped_p = slurp("data/projects/darkhan-solar.yaml");
    char hm[65], ht[65], hp[65], sm[65], st[65];
    mrv_sha256_hex(shipped_m, strlen(shipped_m), sm);
    mrv_sha256_hex(shipped_t, strlen(shipped_t), st);
    char *m = write_edited(fx->dir, "solar-pv.yaml", shipped_m,
                           "formula: \"EG * EF_BL\"",
                           "formula: \"EG * EF_BL * 2\"", hm);
    char *t = write_edited(fx->dir, "grid.mn.yaml", shipped_t,
                           "table:", "# a local copy\ntable:", ht);
    char *p =
        write_edited(fx->dir, "look.yaml", shipped_p, "methodology: solar-pv\n",
                     "methodology: ./solar-pv.yaml\n"
                     "factors: [grid.mn.yaml]\n",
                     hp);
    char *out = fx_path(fx->dir, "out");
    run_and_write(p, 50, true, out, fx->diag);
    assert_status(verify(fx, fx->report, NULL, 0), MRV_OK);
    if (!fx->res.identical) fail_msg("%s", fx->out);
    char want[1024];
    snprintf(want, sizeof want,
             "note: methodology 'solar-pv' (%s, sha256 %s) differs from "
             "the default one (methodologies/solar-pv.yaml, sha256 %s)\n",
             m, hm, sm);
    printed(fx, want);
    snprintf(want, sizeof want,
             "note: factor table 'grid.mn' (%s, sha256 %s) differs from "
             "the default one (data/factors/grid.mn.yaml, sha256 %s)\n",
             t, ht, st);
    printed(fx, want);
    snprintf(want, sizeof want, "  methodology: %s\n", m);
    printed(fx, want);
    /* a note is not a difference */
    assert_int_equal(fx->res.differences, 0);

    /* The shipped project, methodology and tables: verified, the inputs
    ** listed, nothing else. */
    fx->allow = false;
    run_and_write("data/projects/darkhan-solar.yaml", 50, true, out, fx->diag);
    assert_status(verify(fx, fx->report, NULL, 0), MRV_OK);
    if (!fx->res.identical) fail_msg("%s", fx->out);
    snprintf(want, sizeof want,
             "verified: %zu numbers identical, inputs unchanged (5 files)\n"
             "  project: data/projects/darkhan-solar.yaml\n"
             "  methodology: methodologies/solar-pv.yaml\n"
             "  factors: data/factors/grid.mn.yaml\n"
             "  factors: data/factors/cdm.tool05.yaml\n"
             "  factors: data/factors/tdl.tool05.yaml\n",
             fx->res.numbers);
    assert_string_equal(fx->out, want);
    free(out);
    free(p);
    free(t);
    free(m);
    free(shipped_p);
    free(shipped_t);
    free(shipped_m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_verify_fresh_report, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_verify_any_thread_count, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_verify_edited_number, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_verify_edited_equation_and_seed,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_verify_changed_input, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_verify_project_elsewhere, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_verify_bad_reports, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_verify_confines_paths, setup,
                                        teardown),
        cmocka_unit_test(test_verify_null_is_not_a_number),
        cmocka_unit_test(test_verify_cut_keeps_characters),
        cmocka_unit_test_setup_teardown(test_verify_demo_with_ledger, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_verify_data_files, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_verify_lookalike_methodology,
                                        setup, teardown),
    };
    gsl_set_error_handler_off(); /* process-wide; never in the library */
    return cmocka_run_group_tests_name("verify", tests, NULL, NULL);
}
