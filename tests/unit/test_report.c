/*
** test_report.c -- the writers of vintages.csv and report.json and the
** atomic output set (report.c, docs/outputs.md).
**
** vintages.csv is compared with golden text twice: written from
** statistics set by hand (so the expected digits do not depend on the
** engine's arithmetic), and from a tiny run through the whole pipeline
** (number formatting itself is tested in test_output.c).  An output set
** that fails half-way must leave the old files as they were and no
** temporary behind.
*/
#include "testutil.h"

#include <float.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"
#include "report.h"
#include "run.h"

/* Everything 'write' puts on a stream, as a malloc'd string. */
static char *capture(bool (*write)(const mrv_run *, FILE *), const mrv_run *r)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    assert_non_null(f);
    assert_true(write(r, f));
    assert_int_equal(fclose(f), 0);
    return buf;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *buf = calloc(1, 1 << 20);
    assert_non_null(buf);
    size_t n = fread(buf, 1, (1 << 20) - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void set_stat(mrv_stat *s, double central)
{
    s->central = s->mean = s->median = s->lower = s->upper = central;
    s->sd = 0;
}

static void test_report_csv_golden(void **state)
{
    (void)state;
    mrv_bound b;
    memset(&b, 0, sizeof b);
    b.first = 2025;
    mrv_stat stats[3 * MRV_NRESULTS];
    memset(stats, 0, sizeof stats);
    mrv_run run;
    memset(&run, 0, sizeof run);
    run.bound = &b;
    run.nvint = 2;
    run.stats = stats;
    static const double c[3][MRV_NRESULTS] = {
        {0.1, 1.0 / 3, -0.0, 1e-300},
        {-2.5e10, 5e-324, DBL_MAX, 123456789012345678.0},
        {0.75, -0.275, 0, -0.55},
    };
    for (size_t v = 0; v < 3; v++)
        for (int r = 0; r < MRV_NRESULTS; r++)
            set_stat(&stats[v * MRV_NRESULTS + r], c[v][r]);
    /* With draws the columns differ: the writer must not mix them up. */
    stats[0].mean = 1;
    stats[0].sd = 2;
    stats[0].lower = 3;
    stats[0].median = 4;
    stats[0].upper = 5;
    char *csv = capture(mrv_report_vintages_csv, &run);
    assert_string_equal(
        csv,
        "vintage,result,central,mean,sd,lower,median,upper\n"
        "2025,baseline,0.10000000000000001,1,2,3,4,5\n"
        "2025,project,0.33333333333333331,0.33333333333333331,0,"
        "0.33333333333333331,0.33333333333333331,0.33333333333333331\n"
        "2025,leakage,0,0,0,0,0,0\n"
        "2025,reductions,1e-300,1e-300,0,1e-300,1e-300,1e-300\n"
        "2026,baseline,-25000000000,-25000000000,0,-25000000000,"
        "-25000000000,-25000000000\n"
        "2026,project,4.9406564584124654e-324,4.9406564584124654e-324,0,"
        "4.9406564584124654e-324,4.9406564584124654e-324,"
        "4.9406564584124654e-324\n"
        "2026,leakage,1.7976931348623157e+308,1.7976931348623157e+308,0,"
        "1.7976931348623157e+308,1.7976931348623157e+308,"
        "1.7976931348623157e+308\n"
        "2026,reductions,1.2345678901234568e+17,1.2345678901234568e+17,0,"
        "1.2345678901234568e+17,1.2345678901234568e+17,"
        "1.2345678901234568e+17\n"
        "total,baseline,0.75,0.75,0,0.75,0.75,0.75\n"
        "total,project,-0.27500000000000002,-0.27500000000000002,0,"
        "-0.27500000000000002,-0.27500000000000002,-0.27500000000000002\n"
        "total,leakage,0,0,0,0,0,0\n"
        "total,reductions,-0.55000000000000004,-0.55000000000000004,0,"
        "-0.55000000000000004,-0.55000000000000004,-0.55000000000000004\n");
    free(csv);
}

/* ---- a tiny run through the pipeline ----------------------------------- */

static const char tiny_meth[] =
    "methodology: tiny\n"
    "parameters: {C: {unit: t}}\n"
    "equations:\n"
    "  BE: {unit: t, formula: \"C * 0.25\"}\n"
    "  PE: {unit: t, formula: \"C / 8\"}\n"
    "  LE: {unit: t, formula: \"-C * 0\"}\n"
    "  ER: {unit: t, formula: \"BE - PE - LE\"}\n"
    "results: {baseline: BE, project: PE, leakage: LE, reductions: ER}\n";

static const char tiny_project[] =
    "project: tiny\n"
    "methodology: ./m.yaml\n"
    "crediting_period: {first: 2025, last: 2026}\n"
    "parameters: {C: 3}\n";

static const char tiny_golden[] =
    "vintage,result,central,mean,sd,lower,median,upper\n"
    "2025,baseline,0.75,0.75,0,0.75,0.75,0.75\n"
    "2025,project,0.375,0.375,0,0.375,0.375,0.375\n"
    "2025,leakage,0,0,0,0,0,0\n"
    "2025,reductions,0.375,0.375,0,0.375,0.375,0.375\n"
    "2026,baseline,0.75,0.75,0,0.75,0.75,0.75\n"
    "2026,project,0.375,0.375,0,0.375,0.375,0.375\n"
    "2026,leakage,0,0,0,0,0,0\n"
    "2026,reductions,0.375,0.375,0,0.375,0.375,0.375\n"
    "total,baseline,1.5,1.5,0,1.5,1.5,1.5\n"
    "total,project,0.75,0.75,0,0.75,0.75,0.75\n"
    "total,leakage,0,0,0,0,0,0\n"
    "total,reductions,0.75,0.75,0,0.75,0.75,0.75\n";

typedef struct fixture {
    char *dir;
    char *project;
    mrv_run *run;
    mrv_diag *diag;
} fixture;

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    if (!fx) return -1;
    fx->dir = fx_mkdtemp();
    free(fx_write(fx->dir, "m.yaml", tiny_meth));
    fx->project = fx_write(fx->dir, "p.yaml", tiny_project);
    fx->diag = mrv_diag_new();
    mrv_options opt;
    memset(&opt, 0, sizeof opt);
    opt.search = fx_search();
    if (mrv_run_new(fx->project, &opt, &fx->run, fx->diag) != MRV_OK) return -1;
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    mrv_run_free(fx->run);
    mrv_diag_free(fx->diag);
    char *out = fx_path(fx->dir, "out");
    fx_rmtree(out);
    free(out);
    fx_rmtree(fx->dir);
    free(fx->dir);
    free(fx->project);
    free(fx);
    return 0;
}

static void test_report_tiny_run(void **state)
{
    fixture *fx = *state;
    /* LE is -C * 0, a negative zero: printed as 0. */
    assert_true(signbit(fx->run->stats[MRV_RES_LEAKAGE].central));
    char *csv = capture(mrv_report_vintages_csv, fx->run);
    assert_string_equal(csv, tiny_golden);
    free(csv);

    char *json = capture(mrv_report_json, fx->run);
    assert_null(strstr(json, "nan"));
    assert_null(strstr(json, "inf"));
    assert_non_null(strstr(json, "\"methodology\": {\"id\": \"tiny\""));
    assert_non_null(strstr(json, "\"crediting_period\": {\"first\": 2025, "
                                 "\"last\": 2026}"));
    assert_non_null(strstr(json, "\"total\": {\"baseline\": {\"central\": "
                                 "1.5, \"mean\": 1.5, \"sd\": 0"));
    /* provenance: both files with their SHA-256 */
    assert_non_null(strstr(json, "\"role\": \"project\""));
    assert_non_null(strstr(json, "\"role\": \"methodology\""));
    assert_non_null(strstr(json, fx->run->bound->files[0].doc->sha256_hex));
    assert_non_null(strstr(json, fx->run->bound->files[1].doc->sha256_hex));
    /* Identical runs give identical reports. */
    char *again = capture(mrv_report_json, fx->run);
    assert_string_equal(json, again);
    free(again);
    free(json);

    char *table = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&table, &n);
    mrv_report_table(fx->run, f);
    fclose(f);
    assert_non_null(strstr(table, "central case (no Monte Carlo); t"));
    assert_non_null(strstr(table, "   total "));
    free(table);
}

static bool exists(const char *dir, const char *name)
{
    char *p = fx_path(dir, name);
    struct stat st;
    bool yes = stat(p, &st) == 0;
    free(p);
    return yes;
}

/* No '.NAME.tmp.PID' left in 'dir'. */
static void no_temporaries(const char *dir)
{
    char name[256];
    snprintf(name, sizeof name, ".vintages.csv.tmp.%ld", (long)getpid());
    assert_false(exists(dir, name));
    snprintf(name, sizeof name, ".report.json.tmp.%ld", (long)getpid());
    assert_false(exists(dir, name));
}

static void test_report_write_atomic(void **state)
{
    fixture *fx = *state;
    char *out = fx_path(fx->dir, "out");
    mkdir(out, 0777);
    char *old_csv = fx_write(out, "vintages.csv", "old results\n");
    char *old_json = fx_write(out, "report.json", "{}\n");

    /* report.json's temporary name is taken by a folder: its fopen fails
    ** after vintages.csv was written.  Nothing of the new set may show. */
    char tmpname[256];
    snprintf(tmpname, sizeof tmpname, ".report.json.tmp.%ld", (long)getpid());
    char *blocker = fx_path(out, tmpname);
    assert_int_equal(mkdir(blocker, 0777), 0);
    mrv_diag_reset(fx->diag);
    assert_status(mrv_report_write(fx->run, out, fx->diag), MRV_EIO);
    assert_non_null(strstr(fx_first_msg(fx->diag), "cannot write '"));
    char *s = slurp(old_csv);
    assert_string_equal(s, "old results\n");
    free(s);
    s = slurp(old_json);
    assert_string_equal(s, "{}\n");
    free(s);
    char csvtmp[256];
    snprintf(csvtmp, sizeof csvtmp, ".vintages.csv.tmp.%ld", (long)getpid());
    assert_false(exists(out, csvtmp));
    rmdir(blocker);
    free(blocker);

    /* A folder where report.json goes would fail the second rename, after
    ** the first replaced vintages.csv: it is refused before any rename. */
    char *dirjson = fx_path(out, "report.json.d");
    assert_int_equal(rename(old_json, dirjson), 0);
    assert_int_equal(mkdir(old_json, 0777), 0);
    char *inner = fx_write(old_json, "keep", "x");
    mrv_diag_reset(fx->diag);
    assert_status(mrv_report_write(fx->run, out, fx->diag), MRV_EIO);
    assert_non_null(strstr(fx_first_msg(fx->diag), "it is a folder"));
    s = slurp(old_csv);
    assert_string_equal(s, "old results\n");
    free(s);
    no_temporaries(out);
    unlink(inner);
    free(inner);
    assert_int_equal(rmdir(old_json), 0);
    assert_int_equal(rename(dirjson, old_json), 0);
    free(dirjson);

    /* The same set written for real replaces both. */
    mrv_diag_reset(fx->diag);
    assert_status(mrv_report_write(fx->run, out, fx->diag), MRV_OK);
    s = slurp(old_csv);
    assert_string_equal(s, tiny_golden);
    free(s);
    s = slurp(old_json);
    assert_non_null(strstr(s, "\"engine\""));
    free(s);
    no_temporaries(out);

    /* An aborted set leaves nothing. */
    mrv_outset *set = NULL;
    assert_status(mrv_outset_open(out, &set, fx->diag), MRV_OK);
    FILE *f = mrv_outset_file(set, "extra.csv", fx->diag);
    assert_non_null(f);
    fputs("half", f);
    mrv_outset_abort(set);
    assert_false(exists(out, "extra.csv"));
    snprintf(tmpname, sizeof tmpname, ".extra.csv.tmp.%ld", (long)getpid());
    assert_false(exists(out, tmpname));
    mrv_outset_abort(NULL);

    /* Folders are created with their parents; a file in the way is an
    ** error. */
    char *deep = fx_path(out, "a/b/c");
    mrv_diag_reset(fx->diag);
    assert_status(mrv_report_write(fx->run, deep, fx->diag), MRV_OK);
    char *deep_csv = fx_path(deep, "vintages.csv");
    s = slurp(deep_csv);
    assert_string_equal(s, tiny_golden);
    free(s);
    free(deep_csv);
    free(deep);
    /* Whatever files the report set holds, the whole tree goes. */
    char *a = fx_path(out, "a");
    fx_rmtree(a);
    free(a);
    mrv_diag_reset(fx->diag);
    assert_status(mrv_report_write(fx->run, old_csv, fx->diag), MRV_EIO);
    assert_non_null(strstr(fx_first_msg(fx->diag), "is not a folder"));
    s = slurp(old_csv);
    assert_string_equal(s, tiny_golden);
    free(s);

    free(old_csv);
    free(old_json);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report_csv_golden),
        cmocka_unit_test_setup_teardown(test_report_tiny_run, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_write_atomic, setup,
                                        teardown),
    };
    return cmocka_run_group_tests_name("report", tests, NULL, NULL);
}
